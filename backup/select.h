/*
 * select.h - a selective backup (-o labels=): the vertex and edge labels
 * named by the user, the schema they need (their closure), and the test
 * of an element line's label.
 *
 * The closure of a selection, over the graph's schema lists:
 *   - the selected vertex labels and edge labels; a selected PARENT edge
 *     label selects its SUB labels too (its edges are theirs);
 *   - the PARENT of every selected SUB edge label (schema only);
 *   - the source and target vertex labels (source_label, target_label and
 *     every link) of every selected edge label, in the schema only unless
 *     selected themselves: their vertices are not in the set;
 *   - the index labels on any vertex or edge label kept;
 *   - the property keys any kept label or index label uses: properties,
 *     primary_keys, nullable_keys, sort_keys, ttl_start_time, fields.
 * The data files hold the elements of the selected labels only.
 *
 * Pure functions over JSON bytes (rjson), no I/O.
 */
#ifndef HGFS_SELECT_H
#define HGFS_SELECT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hgclient.h"
#include "record.h"

/* A small set of names (decoded UTF-8), in the order added. */
typedef struct hgfs_names {
	char **v;
	size_t n, cap;
} hgfs_names;

/* 1 added, 0 there already, -ENOMEM. */
int hgfs_names_add(hgfs_names *s, const char *name, size_t len);
bool hgfs_names_has(const hgfs_names *s, const char *name, size_t len);
void hgfs_names_free(hgfs_names *s);

/* Adds the names of an -o labels= list: names separated by ',' or ':'
 * (libfuse splits -o on unescaped commas, so the ',' arrives only as
 * "\,"), each non-empty.  0, or -1 with err; -ENOMEM. */
int hgfs_select_parse(hgfs_names *sel, const char *list, char *err, size_t errlen);

typedef struct hgfs_closure {
	bool *keep[HG_SCHEMA__COUNT];    /* per element of each list given */
	size_t count[HG_SCHEMA__COUNT];  /* elements kept */
	hgfs_names vdata, edata;         /* labels whose vertices / edges the set holds */
	hgfs_names vschema_only;         /* endpoint vertex labels in the schema only */
	hgfs_names eschema_only;         /* PARENT edge labels in the schema only */
} hgfs_closure;

/* The closure of sel over the graph's schema lists (as hg_schema_list
 * returns them: each element one JSON object).  0; -EINVAL with err when
 * a selected name is neither a vertex label nor an edge label of the graph
 * (err names it and the graph's labels) or an element is malformed;
 * -ENOMEM.  out is always initialised (hgfs_closure_free it). */
int hgfs_select_closure(const hgfs_names *sel, hg_elems *const lists[HG_SCHEMA__COUNT], hgfs_closure *out,
			char *err, size_t errlen);
void hgfs_closure_free(hgfs_closure *c);

/* manifest.json's member for a selective backup, appended to out:
 *   "selection": {"labels": [...as given], "vertex_labels": [...],
 *   "edge_labels": [...], "schema_only_vertex_labels": [...],
 *   "schema_only_edge_labels": [...], "endpoints_not_selected": N},
 * indented by two spaces, with its comma and newline.  0 or -ENOMEM. */
int hgfs_selection_json(const hgfs_names *labels, const hgfs_closure *c, uint64_t endpoints_not_selected,
			hgfs_buf *out);

/* true when the JSON string val[0..len) (with its quotes) decodes to a name
 * in set. */
bool hgfs_names_has_json(const hgfs_names *set, const char *val, size_t len);

/* true when the "label" of the element line (a vertex or an edge as the
 * server wrote it) is in set; false when it is not or cannot be read. */
bool hgfs_line_label_in(const hgfs_names *set, const char *line, size_t len);

#endif
