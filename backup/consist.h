/* consist.h - did an export read one state of the graph?
 *
 * HugeGraph has no read snapshot: the shards of a graph are scanned one
 * after the other, while the graph may change.  The export feeds every
 * element line it keeps, in file order, to a checker that looks for what a
 * change leaves behind:
 *   - a vertex id twice in vertices.jsonl, or the edges of one source vertex
 *     (outV) in two places of edges.jsonl (a memory-backend shard read after
 *     an insert moved the entries: every backend keeps a vertex's out-edges
 *     together, one memory entry or one rocksdb key prefix);
 *   - an edge whose outV or inV is not among the exported vertices (an edge
 *     added, with its vertex, after the vertex scan passed).
 * Ids are kept as 64-bit hashes of their raw JSON bytes (the id exactly as
 * the server wrote it: the bytes of "id" of a vertex and of "outV"/"inV" of
 * its edges are the same), in open-addressing sets bounded by a memory
 * budget that holds also while a set grows (old and new table together).
 * A set that would outgrow the budget is dropped and its checks are
 * reported as not run.  A hash collision can only make two different ids
 * look the same: for duplicates that errs towards "changed" (a needless
 * retry); an absent endpoint is missed only when its hash equals one of the
 * V exported vertices', about V / 2^64 per endpoint.
 *
 * Not thread-safe: one checker is fed by one thread.
 */
#ifndef HGFS_CONSIST_H
#define HGFS_CONSIST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hgclient.h"
#include "record.h"

/* The memory both id sets of one export may use together. */
#define HGFS_CONSIST_BUDGET (16u * 1024 * 1024)
/* The head of a line that is looked at; longer lines are cut (their ids
 * come first, the properties last). */
#define HGFS_CONSIST_HEAD (1024u * 1024)

/* 64-bit hash of len bytes (not cryptographic). */
uint64_t hgfs_id_hash(const void *data, size_t len);

typedef struct hgfs_idset {
	uint64_t *slot; /* 0 is an empty slot (hash 0 is stored as 1) */
	size_t cap, n;
} hgfs_idset;

/* Adds h.  Returns 1 when it was new, 0 when it was there already, -ENOSPC
 * when growing would take the set, old and new table together, beyond
 * max_bytes (nothing changed), or -ENOMEM.  The load stays at most 3/4. */
int hgfs_idset_add(hgfs_idset *s, uint64_t h, size_t max_bytes);
bool hgfs_idset_has(const hgfs_idset *s, uint64_t h);
size_t hgfs_idset_bytes(const hgfs_idset *s);
void hgfs_idset_free(hgfs_idset *s);

typedef struct hgfs_consist {
	size_t budget;
	hg_kind kind;           /* the lines being fed */
	hgfs_idset vertices, sources; /* vertex ids; outV of the runs of edges */
	bool vertices_over, sources_over; /* a set outgrew the budget: its checks did not run */
	hgfs_buf line;          /* the head of a line split across feeds */
	bool cut;               /* the line being collected is longer than HGFS_CONSIST_HEAD */
	int err;                /* -ENOMEM: the checks stopped */
	uint64_t lines[2];      /* per hg_kind */
	uint64_t unreadable;    /* lines whose ids could not be found: checks incomplete */
	uint64_t dup_vertices;
	uint64_t split_sources; /* source vertices whose edges are in two places */
	uint64_t dangling;      /* edges with an endpoint not among the vertices */
	uint64_t dangling_print; /* order-free fingerprint of those (edge id, endpoint) pairs */
	uint64_t owners;        /* runs of edges with the same outV (memory: the edge table's entries) */
	uint64_t last_owner;
	uint64_t last_owner_out;  /* the endpoint check's cache (hgfs_dangling) */
	bool last_owner_present;
	bool endpoints_apart;    /* edges' endpoints are checked by hgfs_consist_endpoints */
	/* a selective export (select.h): only endpoints whose vertex label
	 * (outVLabel, inVLabel: a JSON string's bytes) this says is exported
	 * are looked for; the others are counted in outside.  NULL: all. */
	bool (*endpoint_wanted)(const void *ctx, const char *label, size_t len);
	const void *endpoint_ctx;
	uint64_t outside;       /* endpoints of labels not exported (not looked for) */
	char example[512];      /* the first finding, for the log */
} hgfs_consist;

void hgfs_consist_init(hgfs_consist *c, size_t budget);
void hgfs_consist_free(hgfs_consist *c);
/* Vertices first, then edges: the endpoint check needs all vertices. */
void hgfs_consist_begin(hgfs_consist *c, hg_kind kind);
/* Bytes of the lines of the current kind, in file order, in pieces of any
 * size (a line may be split between calls).  0, or -ENOMEM (then the checks
 * are reported as not run). */
int hgfs_consist_feed(hgfs_consist *c, const char *data, size_t len);
/* One whole line without its '\n'. */
int hgfs_consist_line(hgfs_consist *c, const char *line, size_t len);
/* A line left unterminated by the feeds is checked now. */
int hgfs_consist_end(hgfs_consist *c);

/* The endpoint check of edges, done apart (by the threads that scan the
 * shards, while no vertex is added any more): hgfs_consist_endpoints looks
 * the outV and inV of one edge line up in c's vertex set and counts those
 * absent into *d (reads c only: any number of threads at once, each with its
 * own d); hgfs_consist_add adds d's counts to c (c's thread).  Once
 * c->endpoints_apart is set, hgfs_consist_line leaves endpoints alone. */
typedef struct hgfs_dangling {
	uint64_t n, print;
	uint64_t outside;        /* endpoints not looked for (endpoint_wanted) */
	uint64_t last_out;       /* cache: the last outV looked up (hash | 1) */
	bool last_out_present;
	char example[512];
} hgfs_dangling;
void hgfs_consist_endpoints(const hgfs_consist *c, const char *line, size_t len, hgfs_dangling *d);
void hgfs_consist_add(hgfs_consist *c, const hgfs_dangling *d);

/* Which checks ran to their end (over every line). */
bool hgfs_consist_vertex_ids_checked(const hgfs_consist *c);
bool hgfs_consist_edge_runs_checked(const hgfs_consist *c);
bool hgfs_consist_endpoints_checked(const hgfs_consist *c);

#endif
