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
 * label ..."); HugeGraph writes an OLAP value when a vertex is posted with an
 * id, no label and that one OLAP property.  So a restore posts the vertices
 * without their OLAP properties and, in the same pass over the file, gathers
 * their values batch by batch (hgfs_olap_gather, while a batch of vertices is
 * built): per OLAP key, {"id": ID, "properties": {"key": value}} elements (one
 * key an element: the server keeps one OLAP element per id a batch), sent
 * once the batch's vertices are created (hgfs_olap_send).  The file is read
 * once; what waits in memory is the values of the batches being posted.
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
	char note[4200];      /* the modenote.h note of the switch ("": none) */
} hgfs_olap_export;

/* Forget the keys of a previous export (a new schema is read). */
void hgfs_olap_export_reset(hgfs_olap_export *o);
/* One element of the property key list, as the server printed it. */
void hgfs_olap_note_key(hgfs_olap_export *o, const char *elem, size_t len);
/* Before the vertex scan: when the schema has OLAP keys and the read mode
 * does not show them, set it to ALL, noted first in note_dir (modenote.h;
 * NULL: not noted).  0, or -errno (logged): the export must not go on (it
 * would miss the values without saying so). */
int hgfs_olap_read_begin(hg_client *client, const char *graph, const char *note_dir, hgfs_olap_export *o);
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

/* The OLAP values of one batch of vertices, per OLAP key: the elements to
 * post, each {"id":ID,"properties":{"KEY":VALUE}} with the line's bytes of
 * the id (a PRIMARY_KEY id with the target's label id), the key and the value. */
typedef struct hgfs_olap_list {
	hgfs_buf body;   /* "[e1,e2,..." (']' added when it is sent whole) */
	size_t *start;   /* element offsets in body */
	size_t *len;
	size_t n, cap;
} hgfs_olap_list;

typedef struct hgfs_olap_vals {
	hgfs_olap_list *list; /* one per OLAP key of the plan, in its order */
	size_t bytes;         /* of the lists' bodies */
} hgfs_olap_vals;

/* What the gathering needs of the target graph, and what it counted. */
typedef struct hgfs_olap_plan {
	const hg_schema_names *names;
	size_t n;              /* OLAP keys */
	const hg_label **key;  /* the OLAP keys, in the schema's order */
	size_t *slot;          /* per property key of names: its index in key, or SIZE_MAX */
	bool *seen;            /* per OLAP key: taken from the line being gathered */
	uint64_t *uuid;        /* per OLAP key: values of CUSTOMIZE_UUID vertices (not written) */
	char (*example)[128];  /* per OLAP key: the first such vertex's id */
	uint64_t no_id;        /* values of vertices without an id or label (not written) */
	hgfs_buf id;           /* a PRIMARY_KEY id rewritten */
} hgfs_olap_plan;

/* The plan for target names (which must outlive it).  0, -ENOMEM. */
int hgfs_olap_plan_init(hgfs_olap_plan *p, const hg_schema_names *names);
void hgfs_olap_plan_free(hgfs_olap_plan *p);

/* Adds the OLAP values of r (a vertex line, parsed; l its label in the
 * target, NULL when it has none) to *v (allocated when it is NULL and there
 * is a value), the first of each key when a key repeats.  A value that
 * cannot be written (CUSTOMIZE_UUID, no id) is counted in p instead.  0,
 * -EINVAL (why: a PRIMARY_KEY id without its label id), -ENOMEM. */
int hgfs_olap_gather(hgfs_olap_plan *p, hgfs_olap_vals **v, const hgfs_vertex_rec *r, const hg_label *l, char *why,
		     size_t whylen);

/* Posts the values of v, key by key, in batches of at most *batch_max
 * elements (shared, atomic: a smaller limit the server names is learnt and
 * stored there) and about 4 MiB.  May run in several threads at once with
 * the same plan.  *written: values written.  0, or -errno with why filled
 * (the key and the server's message). */
int hgfs_olap_send(hg_client *client, const char *graph, bool gzip, const hgfs_olap_plan *p, hgfs_olap_vals *v,
		   long *batch_max, uint64_t *written, char *why, size_t whylen);

/* After every value was sent: -EINVAL with why when some could not be (the
 * plan counted values of CUSTOMIZE_UUID vertices or of vertices without an
 * id), else 0. */
int hgfs_olap_unwritable(const hgfs_olap_plan *p, char *why, size_t whylen);

void hgfs_olap_vals_free(hgfs_olap_vals *v, const hgfs_olap_plan *p);

#endif
