/*
 * olap.h - OLAP property values in backups and restores (olap.c).
 *
 * HugeGraph keeps the values of OLAP property keys ("write_type" other than
 * OLTP) in tables of their own, and reads return them only while the
 * graph's read mode (GET/PUT .../graph_read_mode) is ALL or OLAP_ONLY; the
 * default, OLTP_ONLY, leaves them out.  So an export of a graph with OLAP
 * keys switches the read mode to ALL for its vertex scan and puts the old
 * mode back afterwards, also when the export fails or is interrupted.
 *
 * Vertex creates refuse OLAP properties ("Invalid property 'k' for vertex
 * label ..."); HugeGraph writes an OLAP value for a vertex that exists when a
 * vertex is posted with an id, no label and that one OLAP property.  So a
 * restore posts the vertices without their OLAP properties, then, per OLAP
 * key, batches of {"id": ID, "properties": {"key": value}} (one element per
 * vertex in a batch: the server keeps one OLAP element per id a batch).
 */
#ifndef HGFS_OLAP_H
#define HGFS_OLAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hgclient.h"
#include "record.h"

/* ---- export ---------------------------------------------------------------- */

typedef struct hgfs_olap_export {
	char **keys;          /* the OLAP property keys of the exported schema */
	size_t n;
	bool switched;        /* the read mode was set to ALL by this export */
	hg_read_mode prev;    /* what it was before */
} hgfs_olap_export;

/* Forget the keys of a previous export (a new schema is read). */
void hgfs_olap_export_reset(hgfs_olap_export *o);
/* One element of the property key list, as the server printed it. */
void hgfs_olap_note_key(hgfs_olap_export *o, const char *elem, size_t len);
/* Before the vertex scan: when the schema has OLAP keys and the read mode
 * does not show them, set it to ALL.  0, or -errno (logged): the export must
 * not go on (it would miss the values without saying so). */
int hgfs_olap_read_begin(hg_client *client, const char *graph, hgfs_olap_export *o);
/* After the vertex scan, whatever its result rc: checks that the read mode
 * still showed OLAP values (another client may have changed it meanwhile:
 * then the export fails), and puts back the mode read_begin changed.
 * Returns rc, or -EIO when rc was 0 and the mode changed under the scan. */
int hgfs_olap_read_end(hg_client *client, const char *graph, hgfs_olap_export *o, int rc);

/* ---- restore --------------------------------------------------------------- */

/* true when the target graph has OLAP property keys. */
bool hgfs_olap_any(const hg_schema_names *names);
/* true when the property (its raw JSON key) is an OLAP key of the target. */
bool hgfs_olap_is_key(const hg_schema_names *names, const char *key, size_t len);
/* 1 when the record's properties (an object) hold an OLAP key's value. */
int hgfs_olap_in_props(const hg_schema_names *names, const rj_member *props);
/* elem (a vertex element to post, JSON object) without its OLAP properties,
 * in place.  0, -EINVAL (not a vertex), -ENOMEM. */
int hgfs_olap_strip(const hg_schema_names *names, hgfs_buf *elem);

/* After the vertices of the spooled file fd were posted: writes their OLAP
 * values.  batch_max: elements a batch.  *written: values written.  0, or
 * -errno with why filled (server's message, counts). */
int hgfs_olap_write(hg_client *client, const char *graph, int fd, const hg_schema_names *names, long batch_max,
		    bool gzip, long max_record_mib, uint64_t *written, char *why, size_t whylen);

#endif
