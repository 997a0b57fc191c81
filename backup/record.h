/*
 * record.h - the text of backup files, as a restore reads and rewrites it.
 *
 * Everything here works on bytes: no JSON value is ever parsed into a
 * number, so int64 ids beyond 2^53, string escapes and number spellings
 * reach the server exactly as they are in the file.  Pure functions, no
 * I/O except the line reader; safe to call from any thread.
 *
 *   rj_*            a strict JSON (RFC 8259) validator and the members of
 *                   an object as byte slices (rjson.c)
 *   hgfs_lr_*       lines of a spool file (record.c)
 *   hgfs_vertex_*   one line of vertices.jsonl: check, then emit the
 *   hgfs_edge_*     element to post (PRIMARY_KEY ids dropped or rewritten)
 *   hgfs_schema_*   schema.json: elements sliced per type, sorted by id, and
 *                   each one rewritten for the target mode and server
 *   hgfs_manifest_* manifest.json
 *   hgfs_kind_*     which backup file a name or a content is
 *
 * Error texts go to caller-owned `err` buffers (errlen >= 1); they are short
 * and readable ("line 12, column 40: expected ',' or '}'" is built by the
 * caller from the column given here).
 */
#ifndef HGFS_RECORD_H
#define HGFS_RECORD_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "hgclient.h"

/* ---- growable buffer ------------------------------------------------------ */

typedef struct hgfs_buf {
	char *data; /* NUL-terminated when non-NULL */
	size_t len, cap;
} hgfs_buf;

/* 0 or -ENOMEM. */
int hgfs_buf_add(hgfs_buf *b, const void *data, size_t len);
int hgfs_buf_addc(hgfs_buf *b, char c);
int hgfs_buf_adds(hgfs_buf *b, const char *s);
void hgfs_buf_reset(hgfs_buf *b); /* len = 0, memory kept */
void hgfs_buf_truncate(hgfs_buf *b, size_t len); /* back to len (when shorter), NUL-terminated */
void hgfs_buf_free(hgfs_buf *b);
/* Frees b's memory when it holds more than keep bytes (after a fat record). */
void hgfs_buf_trim(hgfs_buf *b, size_t keep);

/* ---- strict JSON (rjson.c) --------------------------------------------------- */

typedef enum { RJ_NONE = 0, RJ_NULL, RJ_BOOL, RJ_NUMBER, RJ_STRING, RJ_OBJECT, RJ_ARRAY } rj_type;

typedef struct rj_member {
	const char *key; /* raw bytes between the key's quotes (escapes not decoded) */
	size_t key_len;
	const char *val; /* the value's bytes; for strings including the quotes */
	size_t val_len;
	rj_type type;
} rj_member;

#define RJ_MAX_DEPTH 512

/* Checks that s[0..len) is exactly one JSON value with optional white space
 * around it: RFC 8259 grammar (no trailing commas, no leading zeros, no
 * NaN/Infinity, no control characters in strings, valid escapes including
 * surrogate pairs), valid UTF-8, nesting at most RJ_MAX_DEPTH.  Numbers may
 * have any number of digits.  Returns 0, or -1 with *col (1-based byte
 * column of the problem) and err set. */
int rj_validate(const char *s, size_t len, size_t *col, char *err, size_t errlen);

/* rj_validate that also reports, in one pass, the members of the objects at
 * depth 1 (the top-level object) to max_depth (at most RJ_WALK_MAX): fn gets
 * each member once its value has been checked, in text order, with the
 * member whose value holds it (NULL at depth 1; its val_len is not known
 * yet).  A non-zero return of fn stops the reports, the text is still
 * checked to its end, and a syntax error wins (-1 with *col and err);
 * otherwise fn's value is returned. */
#define RJ_WALK_MAX 2
typedef int (*rj_walk_fn)(void *ctx, int depth, const rj_member *parent, const rj_member *m);
int rj_validate_walk(const char *s, size_t len, int max_depth, rj_walk_fn fn, void *ctx, size_t *col, char *err,
		     size_t errlen);

/* The type of the value starting at s (after white space); RJ_NONE if none. */
rj_type rj_type_of(const char *s, size_t len);

/* Calls fn for each member of the object s[0..len) (which must be a
 * validated object, white space around allowed), in order.  A non-zero
 * return of fn stops and is returned.  -1 when s is not an object. */
typedef int (*rj_member_fn)(void *ctx, const rj_member *m);
int rj_object_each(const char *s, size_t len, rj_member_fn fn, void *ctx);

/* The same for the elements of a validated array; m->key is NULL. */
int rj_array_each(const char *s, size_t len, rj_member_fn fn, void *ctx);

/* The first member of the validated object s named name (rj_key_is) into
 * *out: 1 found, 0 not there, -1 not an object. */
int rj_object_get(const char *s, size_t len, const char *name, rj_member *out);

/* Decodes a JSON string value (with its quotes, as rj_member.val) into b
 * (reset first) as UTF-8.  0, -1 if not a string, -ENOMEM. */
int rj_string(const char *val, size_t len, hgfs_buf *b);

/* true when the raw key bytes equal the plain ASCII name (no escapes). */
bool rj_key_is(const rj_member *m, const char *name);

/* ---- lines of a spool file (record.c) -------------------------------------- */

/* Line readers that share a gate hold at most one buffer above the usual
 * size (2 MiB) between them: a reader that meets a line longer than that
 * waits for the gate, and gives it back (its buffer shrunk) once it moves
 * past the line.  So N readers of fat records need one fat buffer, not N. */
typedef struct hgfs_lr_gate {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	bool busy;
} hgfs_lr_gate;

void hgfs_lr_gate_init(hgfs_lr_gate *g);
void hgfs_lr_gate_destroy(hgfs_lr_gate *g);

typedef struct hgfs_linereader {
	int fd;
	off_t off;       /* file offset of buf[0] */
	char *buf;
	size_t cap, start, end;
	bool eof;
	uint64_t lineno; /* of the line last returned, 1-based */
	size_t max_line;
	size_t scan;     /* buf[start..scan) holds no '\n' */
	int err;         /* a failure, returned again by every later call */
	off_t limit;     /* read up to here; 0: to the end of the file */
	/* optional: sees every byte read, once, in file order (e.g. a hash) */
	void (*on_read)(void *ctx, const char *data, size_t len);
	void *on_read_ctx;
	hgfs_lr_gate *gate; /* optional, set after init */
	bool gated;         /* this reader holds the gate */
} hgfs_linereader;

/* Reads fd from offset 0 with pread (fd's position is not used).  max_line:
 * the longest line accepted (0: 64 MiB).  0 or -ENOMEM. */
int hgfs_lr_init(hgfs_linereader *r, int fd, size_t max_line);
/* The same for the bytes [start, end) of fd only (end 0: to the end of the
 * file); start should be the start of a line. */
int hgfs_lr_init_range(hgfs_linereader *r, int fd, off_t start, off_t end, size_t max_line);
/* The next line, without its '\n' (a '\r' before it is dropped too); the
 * last line needs no '\n'.  Returns 1 with *line and *len (valid until the next
 * call), 0 at the end, -EFBIG for a line longer than max_line, -errno for a
 * read error.  Empty lines are returned too (the caller skips them).  After
 * an error every later call returns it again; lineno is then the number of
 * the line that failed. */
int hgfs_lr_next(hgfs_linereader *r, const char **line, size_t *len);
void hgfs_lr_free(hgfs_linereader *r);

/* ---- vertices and edges ------------------------------------------------------ */

/* A line of vertices.jsonl as the server wrote it:
 *   {"id":...,"label":"...","type":"vertex","properties":{...}}
 * Members allowed: id, label, type, properties (each at most once; others
 * are refused: the server would refuse them).  label: non-empty string.
 * properties: object, no null value, no name twice.  id: optional, a
 * non-empty string or an integer number.  type: optional, must be
 * "vertex". */
typedef struct hgfs_vertex_rec {
	rj_member id;         /* type RJ_NONE when absent */
	rj_member label;      /* a string */
	rj_member properties; /* an object */
} hgfs_vertex_rec;

/* Validates the whole line (rj_validate) and the rules above.  0, or -1 with
 * *col and err ("member 'label' must be a string"; col 0 when the problem
 * has no column). */
int hgfs_vertex_parse(const char *line, size_t len, hgfs_vertex_rec *out, size_t *col, char *err, size_t errlen);

/* Appends to out the element to post: the line's bytes with surrounding white
 * space trimmed, minus the "id" member when drop_id (PRIMARY_KEY labels,
 * whose ids the server computes).  0 or -ENOMEM. */
int hgfs_vertex_emit(const char *line, size_t len, const hgfs_vertex_rec *r, bool drop_id, hgfs_buf *out);

/* A line of edges.jsonl:
 *   {"id":"...","label":"...","type":"edge","outV":...,"outVLabel":"...",
 *    "inV":...,"inVLabel":"...","properties":{...}}
 * Members allowed: id, label, type, outV, outVLabel, inV, inVLabel,
 * properties.  Required: label, outV, outVLabel, inV, inVLabel (a batch
 * needs the endpoint labels), properties.  outV/inV: a non-empty string or
 * an integer.
 * label and the endpoint labels: non-empty strings.  properties: an object,
 * no null value.  id: optional string.  type: optional, "edge". */
typedef struct hgfs_edge_rec {
	rj_member id, label, out_v, out_label, in_v, in_label, properties;
} hgfs_edge_rec;

int hgfs_edge_parse(const char *line, size_t len, hgfs_edge_rec *out, size_t *col, char *err, size_t errlen);

/* hgfs_vertex_parse and hgfs_edge_parse, with fn called for each member of
 * "properties" as the line is read (the JSON is validated in the same pass).
 * A non-zero return of fn stops: -1 (fn set *col and err) or -errno is
 * returned as it is. */
typedef int (*hgfs_prop_fn)(void *ctx, const rj_member *m);
int hgfs_vertex_check(const char *line, size_t len, hgfs_vertex_rec *out, hgfs_prop_fn fn, void *ctx, size_t *col,
		      char *err, size_t errlen);
int hgfs_edge_check(const char *line, size_t len, hgfs_edge_rec *out, hgfs_prop_fn fn, void *ctx, size_t *col,
		    char *err, size_t errlen);

/* The same for a line that already passed hgfs_vertex_parse or
 * hgfs_edge_parse (the posting pass after the checking pass): the JSON is
 * not validated again.  0, or -1 if it does not parse (it changed). */
int hgfs_vertex_parse_again(const char *line, size_t len, hgfs_vertex_rec *out);
int hgfs_edge_parse_again(const char *line, size_t len, hgfs_edge_rec *out);

/* Rewrites the label-id prefix of a PRIMARY_KEY vertex id: val is the JSON
 * string (with quotes) "<digits>:<rest>"; appends "<new_label_id>:<rest>"
 * (with quotes, <rest> byte for byte) to out.  -1 (err set) when val is not
 * a string of that form, 0, or -ENOMEM. */
int hgfs_pk_id_rewrite(const char *val, size_t len, int64_t new_label_id, hgfs_buf *out, char *err, size_t errlen);

/* Appends the edge to post: the line's bytes trimmed, with outV/inV replaced
 * by hgfs_pk_id_rewrite(…, out_label_id / in_label_id) when that id is > 0
 * (the endpoint's label is PRIMARY_KEY), unchanged when it is 0.  All other
 * members stay byte for byte, in their order.  0, -1 (err set, bad PK id), or
 * -ENOMEM. */
int hgfs_edge_emit(const char *line, size_t len, const hgfs_edge_rec *r, int64_t out_label_id,
		   int64_t in_label_id, hgfs_buf *out, char *err, size_t errlen);

/* ---- BLOB values ------------------------------------------------------------ */

/* true when the raw key bytes name a BLOB property key of the target graph. */
typedef bool (*hgfs_blob_key_fn)(void *ctx, const char *key, size_t len);

/* HugeGraph prints a BLOB value as base64, but reads back any string that
 * starts with "0x" as hex, so such a base64 value would be refused or,
 * worse, stored as other bytes.  For the members of props (the record's
 * "properties", a slice of line) whose key is_blob says is a BLOB key, each
 * string value, or string in an array value, that starts with "0x" is
 * replaced by "0x" and the lower-case hex of its base64-decoded bytes, which
 * the server reads back as the same bytes.  Returns 1 after appending the
 * whole changed line to out, 0 when nothing needed a change (out untouched),
 * -1 (err set) for such a value that is not base64, or -ENOMEM. */
int hgfs_blob_fix(const char *line, size_t len, const rj_member *props, hgfs_blob_key_fn is_blob, void *ctx,
		  hgfs_buf *out, char *err, size_t errlen);

/* ---- schema.json ---------------------------------------------------------- */

typedef struct hgfs_schema_elem {
	hg_schema_type type;
	const char *text; /* the element's bytes inside the file buffer */
	size_t len;
	int64_t id;       /* 0 when absent */
	char *name;       /* decoded */
	char *parent;     /* edge labels: decoded "parent_label", else NULL */
	char *base_value; /* index labels: decoded "base_value", else NULL */
	bool is_parent;   /* edge label with "edgelabel_type":"PARENT" */
	bool is_sub;      /* edge label with "edgelabel_type":"SUB" */
} hgfs_schema_elem;

typedef struct hgfs_schema_file {
	hgfs_schema_elem *v; /* by type (PK, VL, EL, IL), then ascending id, then file order */
	size_t n;
	size_t count[HG_SCHEMA__COUNT];
} hgfs_schema_file;

/* Parses a whole schema file: a JSON object whose members are some of
 * "propertykeys", "vertexlabels", "edgelabels", "indexlabels" (each an array
 * of objects; any other member is refused), the shape of both our
 * schema.json and the server's GET .../schema.  Every element must have a
 * non-empty string "name"; "id", when present, an integer > 0.  A sub edge
 * label is placed after its parent when the file has both (ids normally say
 * so already).  Within a type, elements without an id come after those
 * with one, in file order.  A name or an id that appears twice in one type,
 * and a SUB label without "parent_label", are refused.  data must stay alive
 * as long as out.  0, or -1 with err ("line 3, column 7: expected ':'",
 * "line 14, column 1: edgelabels[2]: no name", "edgelabels: the name 'x'
 * appears twice"), or -ENOMEM. */
int hgfs_schema_file_parse(const char *data, size_t len, hgfs_schema_file *out, char *err, size_t errlen);
void hgfs_schema_file_free(hgfs_schema_file *f);

/* Appends the element to post for a restore:
 *  - members in their order, except: "id" kept only when keep_id
 *    (RESTORING); "check_exist" dropped; "task_id" dropped;
 *  - "links" dropped from PARENT edge labels (the server fills them in as
 *    sub labels arrive; a PARENT the graph has already is not posted at all:
 *    the real server refuses every second create of one);
 *  - legacy (target server before 1.5): "edgelabel_type", "parent_label" and
 *    "links" dropped; a PARENT or SUB label is an error ("edge label 'x' is a
 *    SUB label; servers before 1.5 have no parent/sub edge labels");
 *  - "check_exist":false appended.
 * 0, -1 (err set), or -ENOMEM. */
int hgfs_schema_emit(const hgfs_schema_elem *e, bool keep_id, bool legacy, hgfs_buf *out, char *err,
		     size_t errlen);

/* Compares two schema elements of type t (a: from the backup, b: the target
 * graph's element of the same name, both JSON objects) on the fields the
 * server compares when check_exist is false: PK data_type, cardinality,
 * aggregate_type, write_type; VL the SETS of properties, primary_keys and
 * nullable_keys, and enable_label_index; EL frequency, enable_label_index,
 * the sets of properties, sort_keys, nullable_keys, and links/source_label/
 * target_label; IL base_type, base_value, index_type (RANGE matches any
 * RANGE_*), the set of fields.  Returns 1 and a readable description of the
 * first difference in out (e.g. "properties: the backup has [age, name],
 * the graph has [name]"), 0 when they match on those fields, -1 malformed.
 * An absent field counts as the server's default (TEXT, SINGLE, NONE, OLTP,
 * true, []); links are compared as the server does it: every link of b
 * (its "links" and source_label->target_label) must be one of a's.  -ENOMEM
 * too. */
int hgfs_schema_diff(hg_schema_type t, const char *a, size_t alen, const char *b, size_t blen, char *out,
		     size_t outlen);

/* A vertex or edge label's time to live: 1 when the element (a label's JSON
 * as the schema lists it) has a "ttl" > 0, with *ttl, its decoded name in
 * name and its "ttl_start_time" (decoded, "" when absent) in start; 0 when
 * it has none; -1 when the members are not what HugeGraph writes, -ENOMEM.
 * Without ttl_start_time an element expires ttl after it was written, so a
 * restore restarts its clock. */
int hgfs_label_ttl(const char *elem, size_t len, int64_t *ttl, hgfs_buf *name, hgfs_buf *start);

/* ---- manifest.json ------------------------------------------------------ */

/* The files of a backup set; those before HGFS_K_MANIFEST are the ones a
 * manifest lists. */
typedef enum { HGFS_K_UNKNOWN, HGFS_K_SCHEMA, HGFS_K_VERTICES, HGFS_K_EDGES, HGFS_K_VARIABLES, HGFS_K_MANIFEST } hgfs_kind;

/* "schema.json", ..., "manifest.json"; "" for HGFS_K_UNKNOWN. */
const char *hgfs_kind_file_name(hgfs_kind k);

typedef struct hgfs_manifest_file {
	bool present;
	int64_t size;
	char sha256[65]; /* lower-case hex, "" when absent */
	/* a compressed set (format_version 2) lists "vertices.jsonl.gz" (or
	 * .zst): size and sha256 are the compressed file's, plain_* (when
	 * has_plain) the plain content's */
	char suffix[5]; /* "", ".gz", ".zst": the listed name is the file name and this */
	bool has_plain;
	int64_t plain_size;
	char plain_sha256[65];
} hgfs_manifest_file;

typedef struct hgfs_manifest {
	char graph[256];
	hgfs_manifest_file file[HGFS_K_MANIFEST]; /* indexed by HGFS_K_SCHEMA/VERTICES/EDGES */
	int64_t count_schema[HG_SCHEMA__COUNT];    /* -1 when absent */
	int64_t count_vertices, count_edges;       /* -1 when absent */
	int64_t count_variables;                   /* -1 when absent */
	int consistent;        /* "consistent": 1 true, 0 false, -1 absent (older backups) */
	char consistency[256]; /* "consistency", cut to fit; "" when absent */
} hgfs_manifest;

/* Parses manifest.json as the backup writes it: "format" must be
 * "hugegraphfs-backup" and "format_version" 1 or 2 (2: a compressed set; a
 * larger version: "written by a newer hugegraphfs"); "files" maps
 * schema.json, vertices.jsonl, edges.jsonl (or those names ending in .gz or
 * .zst, with "plain_size" and "plain_sha256") to {"size":N,"sha256":"hex"}; "counts" has propertykeys,
 * vertexlabels, edgelabels, indexlabels, vertices, edges; "consistent"
 * (true/false) and "consistency" (text) are optional (backups before them
 * lack them).  Unknown members are ignored (newer writers may add some).
 * 0, or -1 with err. */
int hgfs_manifest_parse(const char *data, size_t len, hgfs_manifest *out, char *err, size_t errlen);
/* The size m lists for the file called name (its last component) when m
 * lists its kind under that very name (vertices.jsonl.gz for a .gz
 * listing, vertices.jsonl for a plain one); -1 otherwise. */
int64_t hgfs_manifest_size_of(const hgfs_manifest *m, const char *name);

/* ---- which file is it ------------------------------------------------------- */

/* By the last path component: schema.json, vertices.jsonl, edges.jsonl,
 * variables.json, manifest.json (exact, case-sensitive), also with ".gz"
 * or ".zst" after it; HGFS_K_UNKNOWN otherwise. */
hgfs_kind hgfs_kind_by_name(const char *name);

/* By the first bytes of the content (head[0..len), at most the first 64 KiB
 * of the file, possibly cut in the middle of a line):
 *  - an object whose first member is "propertykeys", "vertexlabels",
 *    "edgelabels" or "indexlabels": SCHEMA;
 *  - an object whose first member is "format" with value
 *    "hugegraphfs-backup": MANIFEST;
 *  - a first line that is a complete object parsing as an edge record:
 *    EDGES; else as a vertex record: VERTICES;
 *  - otherwise UNKNOWN. */
hgfs_kind hgfs_kind_sniff(const char *head, size_t len);

const char *hgfs_kind_name(hgfs_kind k); /* "schema", "vertices", "edges", "variables", "manifest", "unknown" */

#endif
