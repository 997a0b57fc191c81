/*
 * hgclient.h - a small C client for the Apache HugeGraph REST API.
 *
 * The library knows HTTP, JSON and HugeGraph; it knows nothing of FUSE.
 * It serves both URL forms: /graphs/{g}/... for 1.0-1.5 servers and
 * /graphspaces/{gs}/graphs/{g}/... for 1.7+ servers, chosen from
 * GET /versions when the client is opened.
 *
 * Conventions
 *  - Every function that can fail returns 0 on success or a negative
 *    errno-style hg_code (HG_E...) and, when `err` is not NULL, fills it with
 *    the detail (HTTP status, the server's exception class and message).
 *  - Out-parameters come first after the client.  What is returned through a
 *    `T **out` belongs to the caller and is freed with the matching NULL-safe
 *    _free function.  Returned `const char *` are borrowed from the client.
 *  - A hg_client is thread-safe: any number of threads may call into the same
 *    client at once.  It keeps a small pool of curl handles (keep-alive).
 *  - Element JSON (vertices, edges, schema elements) is never parsed into
 *    numbers: it is handed over as the exact bytes the server sent, so int64
 *    ids beyond 2^53 and every string escape survive unchanged.
 */
#ifndef HGCLIENT_H
#define HGCLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* One table for every error: name, errno, message. */
#define HG_ERROR_MAP(X)                                                        \
	X(EINVAL, EINVAL, "invalid argument or request refused by the server")  \
	X(ENOTFOUND, ENOENT, "not found")                                       \
	X(EAUTH, EACCES, "authentication failed (HTTP 401)")                    \
	X(EFORBIDDEN, EACCES, "permission denied (HTTP 403)")                   \
	X(EMODE, EPERM, "refused in the graph's current mode")                  \
	X(ESERVER, EIO, "server error")                                         \
	X(EBUSY, EAGAIN, "server busy (HTTP 503 or too busy to write)")         \
	X(ETRANSPORT, EIO, "cannot reach the server or the transfer broke")     \
	X(ECERT, EIO, "the server's TLS certificate was not accepted")          \
	X(ETLS, EIO, "TLS failed (handshake, client certificate or CA files)")  \
	X(EPROTOCOL, EIO, "unexpected response from the server")                \
	X(ETOOBIG, EFBIG, "response larger than allowed")                       \
	X(ENOMEM, ENOMEM, "out of memory")                                      \
	X(ECALLBACK, ECANCELED, "stopped by the caller")                       \
	X(EINTR, EINTR, "interrupted: the cancel hook asked to stop")

typedef enum {
	HG_OK = 0,
#define HG_ENUM_(name, errnum, msg) HG_##name,
	HG_ERROR_MAP(HG_ENUM_)
#undef HG_ENUM_
	HG__ECOUNT
} hg_code_pos;

/* Functions return 0 or -(hg_code_pos value); i.e. HG_EINVAL is returned as -HG_EINVAL. */

typedef struct hg_error {
	int code;            /* positive hg_code_pos value, HG_OK when no error */
	long http_status;    /* 0 when no HTTP answer came back */
	char exception[160]; /* the server's "exception", e.g. "class java.lang.IllegalArgumentException" */
	char message[1024];  /* readable text: the server's "message", or transport detail */
	bool timed_out;      /* ETRANSPORT because the request took longer than its timeout */
} hg_error;

/* errno for a hg code (positive or negative); 0 for HG_OK. */
int hg_code_errno(int code);
/* Short name ("EAUTH") and generic message of a code (positive or negative). */
const char *hg_code_name(int code);
const char *hg_code_message(int code);
/* Formats "message (HTTP 400, class ...)" into buf; returns buf. */
const char *hg_error_format(const hg_error *err, char *buf, size_t len);
void hg_error_clear(hg_error *err);

typedef struct hg_options {
	const char *url;        /* "http://host:port", no path; credentials in it are refused */
	const char *user;       /* NULL: no authentication */
	const char *password;   /* with user */
	const char *graphspace; /* 1.7+ only; NULL means "DEFAULT" */
	long connect_timeout_ms; /* 0: 10000 */
	long timeout_ms;         /* whole-request timeout; 0: 300000 */
	long stall_ms;           /* a request that receives nothing for this long fails
				    as timed out, and a failed request that took this long
				    is not tried again (a hung server); no new try starts
				    this long after the first, and a GET of a small answer
				    (graph list, mode, schema) is given this long in all
				    (a server that trickles); 0: 60000 */
	int max_handles;         /* curl handle pool size; 0: 16 */
	int max_tries;           /* attempts of an idempotent request (GET, PUT, schema and
				    batch creates) that failed transiently (transport, 5xx,
				    busy; batch creates wait out busy answers apart); 0: 3 */
	/* TLS, for https:// URLs only (with an http:// URL they are refused).
	 * The server's certificate and host name are verified unless insecure;
	 * files are checked (readable, a directory for capath) when the client
	 * is opened, and errors name them.  The server's certificate failing
	 * verification is ECERT; other TLS failures (a CA or client certificate
	 * file curl cannot use, the server refusing the handshake) are ETLS;
	 * neither is tried again.  Redirects (3xx) are never followed: they are
	 * EPROTOCOL naming the Location. */
	const char *cacert; /* PEM file of the CA certificates to trust instead of the system's; NULL: system */
	const char *capath; /* directory of CA certificates named by hash (c_rehash); NULL: none */
	const char *cert;   /* client certificate, PEM; NULL: none */
	const char *key;    /* its private key, PEM, not encrypted; NULL: in the cert file */
	bool insecure;      /* accept any certificate for any host name (no verification) */
} hg_options;

typedef struct hg_client hg_client;

/* Opens a client: GET /versions decides the URL form, then a cheap authenticated
 * request (the graph list) checks the credentials.  Errors: ETRANSPORT (no
 * server), EPROTOCOL (not a HugeGraph server), EAUTH/EFORBIDDEN. */
int hg_client_open(hg_client **out, const hg_options *opt, hg_error *err);
void hg_client_free(hg_client *c);

/* Checks the TLS options of opt without a request (hg_client_open does it
 * first): they need an https:// URL; cacert, cert and key must be readable
 * files, capath a readable directory, key needs cert.  0, or -HG_EINVAL
 * with err naming the option and the file. */
int hg_tls_options_check(const hg_options *opt, hg_error *err);

/* A cancel hook: fn(ctx) is asked, in the thread that makes a request,
 * about once a second while the request waits for the server and every
 * 100 ms of a pause between tries; when it returns true the call stops at
 * once with -HG_EINTR (nothing half done is reported as done).  NULL fn:
 * none.  Set it before other threads use the client. */
typedef bool (*hg_cancel_fn)(void *ctx);
void hg_client_set_cancel(hg_client *c, hg_cancel_fn fn, void *ctx);

const char *hg_client_url(const hg_client *c);            /* without credentials */
const char *hg_client_core_version(const hg_client *c);   /* e.g. "1.7.0" */
const char *hg_client_api_version(const hg_client *c);    /* e.g. "0.71.0.0" */
const char *hg_client_graphspace(const hg_client *c);     /* NULL when graph paths have no graphspace */

/* A NULL-terminated array of strings; free with hg_strv_free. */
void hg_strv_free(char **v);

/* GET /graphs (or /graphspaces/{gs}/graphs): the graph names. */
int hg_list_graphs(hg_client *c, char ***names_out, hg_error *err);

/* GET .../graphs/{g}: the backend name ("memory", "rocksdb", ...). */
int hg_graph_backend(hg_client *c, const char *graph, char *backend, size_t len, hg_error *err);

/* POST .../graphs/{g}?clone_graph_name={from}: a new graph configured like
 * graph `from` (an administrator's call; 1.x: no body, 1.7+: an empty JSON
 * object).  HugeGraph 1.7 without authentication answers 500. */
int hg_graph_create(hg_client *c, const char *graph, const char *from, hg_error *err);

/* Graphspaces (1.7+; space.c).  The list (GET /graphspaces: NULL-terminated,
 * hg_strv_free it; empty before 1.7 and on a 1.7 server without PD), one
 * graphspace's definition (GET /graphspaces/{gs}: the body's bytes as they
 * came, a JSON object, malloc'd), a create (POST /graphspaces with body) and
 * an update (PUT /graphspaces/{gs} with body, {"action":"update",...}). */
int hg_graphspace_list(hg_client *c, char ***names_out, hg_error *err);
int hg_graphspace_get(hg_client *c, const char *gs, char **out, size_t *len, hg_error *err);
int hg_graphspace_create(hg_client *c, const char *body, size_t len, hg_error *err);
int hg_graphspace_update(hg_client *c, const char *gs, const char *body, size_t len, hg_error *err);

/* GET .../graphs/{g}/variables: the server's answer, a JSON object of the
 * graph's variables, as its bytes (*out malloc'd, NUL-terminated). */
int hg_variables_get(hg_client *c, const char *graph, char **out, size_t *len, hg_error *err);
/* PUT .../graphs/{g}/variables/{key} with {"data": value}: value is the
 * JSON text of the value (a string, number or boolean as the server printed
 * it), sent as it is. */
int hg_variable_put(hg_client *c, const char *graph, const char *key, const char *value, size_t len, hg_error *err);

typedef enum { HG_MODE_NONE, HG_MODE_RESTORING, HG_MODE_MERGING, HG_MODE_LOADING, HG_MODE__COUNT } hg_mode;
const char *hg_mode_name(hg_mode m);
/* Case-insensitive, surrounding white space ignored.  -1 when not a mode. */
int hg_mode_parse(const char *s, size_t len, hg_mode *out);

int hg_get_mode(hg_client *c, const char *graph, hg_mode *out, hg_error *err);
int hg_set_mode(hg_client *c, const char *graph, hg_mode mode, hg_error *err);

/* The graph's read mode (.../graph_read_mode, readmode.c): OLAP property
 * values are returned by reads only in ALL and OLAP_ONLY. */
typedef enum { HG_READ_ALL, HG_READ_OLTP_ONLY, HG_READ_OLAP_ONLY, HG_READ__COUNT } hg_read_mode;
const char *hg_read_mode_name(hg_read_mode m);
int hg_get_read_mode(hg_client *c, const char *graph, hg_read_mode *out, hg_error *err);
/* uncancellable: the client's cancel hook is not asked (to put a mode back
 * while the daemon stops). */
int hg_set_read_mode(hg_client *c, const char *graph, hg_read_mode mode, bool uncancellable, hg_error *err);

typedef enum {
	HG_SCHEMA_PROPERTYKEYS,
	HG_SCHEMA_VERTEXLABELS,
	HG_SCHEMA_EDGELABELS,
	HG_SCHEMA_INDEXLABELS,
	HG_SCHEMA__COUNT
} hg_schema_type;
const char *hg_schema_type_name(hg_schema_type t); /* "propertykeys", ... */

/* A list of JSON elements: exact byte slices of one buffer. */
typedef struct hg_elem {
	size_t off, len; /* slice of hg_elems.data */
	int64_t id;      /* schema id ("id" member), 0 when absent */
} hg_elem;
typedef struct hg_elems {
	char *data;
	size_t data_len;
	hg_elem *v;
	size_t n;
} hg_elems;
void hg_elems_free(hg_elems *e);

/* GET .../schema/{type}: the elements exactly as the server sent them,
 * sorted by ascending "id". */
int hg_schema_list(hg_client *c, const char *graph, hg_schema_type type, hg_elems **out, hg_error *err);

typedef enum { HG_KIND_VERTEX, HG_KIND_EDGE } hg_kind;

typedef struct hg_shard {
	char *start; /* opaque, passed back as received */
	char *end;
	int64_t length;
} hg_shard;
typedef struct hg_shards {
	hg_shard *v;
	size_t n;
} hg_shards;
void hg_shards_free(hg_shards *s);

/* GET .../traversers/{vertices|edges}/shards?split_size=N (N >= 1048576). */
int hg_get_shards(hg_client *c, const char *graph, hg_kind kind, int64_t split_size, hg_shards **out, hg_error *err);

/* Called once per element with its exact bytes (no trailing newline).  A
 * non-zero return stops the scan, which then returns -HG_ECALLBACK. */
typedef int (*hg_elem_cb)(void *ctx, const char *elem, size_t len);

/* Scans one shard: GET .../traversers/{vertices|edges}/scan?start=&end=
 * With paged=true it starts at page="" and follows "page" until it is null,
 * asking for page_limit elements a page (0: the server's default); with
 * paged=false (the memory backend) it asks for the whole shard at once.
 * The response is parsed as it streams in: memory use does not grow with
 * the shard.  Elements reach cb in the order the server sent them.  On error,
 * elements already handed to cb stay handed: the caller discards them. */
int hg_scan(hg_client *c, const char *graph, hg_kind kind, const hg_shard *shard, bool paged, long page_limit,
	    hg_elem_cb cb, void *ctx, hg_error *err);

/* true when err is the server's 400 LimitExceedException "Too many records
 * (must <= N) ...": a query met more elements than the server's capacity
 * (800000); an unpaged scan of a memory shard that holds more. */
bool hg_error_too_many_records(const hg_error *err);

/* Shard bounds of the memory backend are decimal entry indexes.  true when
 * s is one: ASCII digits only (no sign, no space), within int64; "" (open)
 * is not. */
bool hg_shard_bound_index(const char *s, int64_t *out);

/* The memory backend's shards are decimal entry indexes, and its splitter
 * gives the last shard an empty end when the entry count does not divide
 * evenly; scanning that shard fails on the server ("Illegal Capacity: -N"),
 * because it reads an empty end as 0.  This gives such a shard an end one
 * shard-width past its start: the scan stops at the last entry anyway, so
 * nothing is lost and nothing is read twice.  Only shards whose bounds are
 * decimal are touched.  Returns 0 or -HG_ENOMEM. */
int hg_shards_fix_memory(hg_shards *shards);

/* Halves the memory shard [start, end) at its decimal midpoint
 * mid = start + (end - start) / 2 into left [start, mid) and right
 * [mid, end); an empty start counts as 0 and stays "" in left.  Bounds are
 * built only from decimal ones: -HG_EINVAL (nothing allocated) when end is
 * open (""), a bound is not decimal (the opaque bounds of other backends)
 * or the shard has fewer than 2 entries; -HG_ENOMEM.  left and right get
 * malloc'd strings (free them), length 0. */
int hg_shard_halve(const hg_shard *s, hg_shard *left, hg_shard *right);

/* What hg_scan_shard did about a failed request. */
typedef enum {
	HG_SCAN_SPLIT,  /* unpaged: the part is scanned as two halves instead */
	HG_SCAN_SHRINK, /* paged: the page is fetched again with page_limit halved */
	HG_SCAN_RETRY,  /* a transient failure: the part or page is fetched again */
	HG_SCAN_FAILED, /* given up: hg_scan_shard returns the error */
} hg_scan_event_kind;

typedef struct hg_scan_event {
	hg_scan_event_kind kind;
	const hg_shard *part;  /* unpaged: the part that failed (the shard or a piece of it);
				  paged: the shard */
	const char *page;      /* paged: token of the page that failed ("": the first); NULL unpaged */
	long page_limit;       /* paged: the page limit of the next try (0: the server's default) */
	int failures;          /* RETRY, FAILED: failed tries of this part or page in a row, this one included */
	const hg_error *err;   /* the failure */
} hg_scan_event;

/* Where hg_scan_shard delivers.  Elements go to elem as they stream in;
 * commit says that those since the last commit are final (a page or part is
 * complete); discard says that they are void: the request failed and what
 * it covers is fetched again.  event (may be NULL) reports each decision. */
typedef struct hg_scan_sink {
	hg_elem_cb elem;
	void (*commit)(void *ctx);
	void (*discard)(void *ctx);
	void (*event)(void *ctx, const hg_scan_event *ev);
	void *ctx;
} hg_scan_sink;

/* Scans one whole shard like hg_scan (paged: page_limit elements a page, 0
 * the server's default), surviving what can be survived:
 *  - "Too many records" (hg_error_too_many_records): unpaged (memory), the
 *    part is halved at its decimal midpoint (hg_shard_halve) and the halves
 *    are scanned in order, each again until it fits or holds one entry;
 *    paged, the page is asked for again, from the same token, with
 *    page_limit halved, down to HG_SCAN_MIN_PAGE_LIMIT (or page_limit when
 *    that is smaller).
 *  - a timeout (err.timed_out): the same, at most HG_SCAN_MAX_TIMEOUT_SHRINKS
 *    times a shard; after that, or when nothing can be halved any more, it
 *    is a transient failure like the next.
 *  - transient failures (transport, 5xx, busy): the part or page is asked
 *    for again, up to HG_SCAN_TRIES times in a row, after 0.1 s, 0.4 s, 0.9 s.
 * Bounds are built only for unpaged shards with decimal bounds; opaque ones
 * are never split.  Once a part needed halving, the parts still to come are
 * halved to that size before they are asked for.  The elements reach
 * sink->elem in shard order; after a failed request sink->discard drops
 * what it delivered since the last commit, so each element is committed
 * exactly once.  Anything else, or giving up, returns the error after a
 * HG_SCAN_FAILED event naming the part or page; sink->elem stopping the scan
 * returns -HG_ECALLBACK at once (no event). */
#define HG_SCAN_TRIES 4
#define HG_SCAN_MIN_PAGE_LIMIT 1000
#define HG_SCAN_MAX_TIMEOUT_SHRINKS 8
int hg_scan_shard(hg_client *c, const char *graph, hg_kind kind, const hg_shard *shard, bool paged,
		  long page_limit, const hg_scan_sink *sink, hg_error *err);

/* ---- restore: the create APIs ------------------------------------------- */

/* POST .../schema/{type} with body, one schema element as a JSON object (the
 * caller decides id and check_exist).  201/202 are success; *task_id gets the
 * "task_id" of the answer (index labels, OLAP keys), 0 when there is none.
 * Schema creates are tried again on transient failures (transport, 5xx):
 * the caller sends check_exist:false, which makes them idempotent; busy
 * answers (also "Can't schedule task on non-master server" of a server just
 * started) are waited out for up to about a minute, as for batches. */
int hg_schema_create(hg_client *c, const char *graph, hg_schema_type type, const char *body, size_t len,
		     int64_t *task_id, hg_error *err);

/* Polls GET .../tasks/{id} (task_id > 0), every 50 ms at first, slowing to
 * every second, until task_status is "success" (0).  "failed",
 * "cancelled" or "cancelling" give -HG_ESERVER with the task's result or
 * description in err->message; more than timeout_ms (0: 600000) without
 * success gives -HG_ETRANSPORT ("task N still <status> after ..."). */
int hg_task_wait(hg_client *c, const char *graph, int64_t task_id, long timeout_ms, hg_error *err);

/* POST .../graph/{vertices|edges}/batch (edges: ?check_vertex=false) with
 * body, a JSON array of n >= 1 elements.  201 with a JSON array of exactly
 * n ids is success; another count is -HG_EPROTOCOL.  gzip: the body is sent
 * gzip-compressed (level 1, Content-Encoding: gzip).  Vertex and edge
 * creates are upserts, so transient failures (transport, 5xx) are tried
 * again (max_tries), and "too busy to write" answers (HG_EBUSY) are tried
 * again with a growing backoff for up to about a minute.  A batch larger than the server allows
 * gives -HG_EINVAL; hg_error_batch_limit() then tells the limit. */
int hg_batch_create(hg_client *c, const char *graph, hg_kind kind, const char *body, size_t len, size_t n,
		    bool gzip, hg_error *err);

/* Asked before a request is tried again after a transport error or a 5xx
 * (the server may have been restarted meanwhile): 0 to go on, or a negative
 * hg code with err filled to give up with that error. */
typedef int (*hg_retry_guard)(void *arg, hg_error *err);

/* hg_batch_create, with guard (may be NULL) asked before every retry. */
int hg_batch_create_guarded(hg_client *c, const char *graph, hg_kind kind, const char *body, size_t len, size_t n,
			    bool gzip, hg_retry_guard guard, void *guard_arg, hg_error *err);

/* The N of a "Too many vertices|edges for one time post, the maximum number
 * is 'N'" error; 0 when err is not that error. */
long hg_error_batch_limit(const hg_error *err);

typedef enum {
	HG_IDS_UNKNOWN,
	HG_IDS_AUTOMATIC,
	HG_IDS_PRIMARY_KEY,
	HG_IDS_CUSTOMIZE_STRING,
	HG_IDS_CUSTOMIZE_NUMBER,
	HG_IDS_CUSTOMIZE_UUID,
} hg_id_strategy;
/* "AUTOMATIC", "PRIMARY_KEY", ...; "unknown" for HG_IDS_UNKNOWN. */
const char *hg_id_strategy_name(hg_id_strategy s);

/* One schema element as far as a restore needs it. */
typedef struct hg_label {
	char *name;              /* decoded */
	int64_t id;
	hg_id_strategy strategy; /* vertex labels; HG_IDS_UNKNOWN for the other types */
	char data_type[16];      /* property keys: "TEXT", "BLOB", ...; "" for the other types */
	bool parent;             /* edge labels: "edgelabel_type":"PARENT" (1.5+) */
	bool olap;               /* property keys: a "write_type" other than OLTP */
} hg_label;

/* The names and ids of a graph's schema, per type, sorted by name. */
typedef struct hg_schema_names {
	hg_label *v[HG_SCHEMA__COUNT];
	size_t n[HG_SCHEMA__COUNT];
} hg_schema_names;
void hg_schema_names_free(hg_schema_names *s);

/* GET .../schema (one request): every element's name and id, and the id
 * strategy of vertex labels. */
int hg_schema_names_get(hg_client *c, const char *graph, hg_schema_names **out, hg_error *err);

/* The element of type t named name[0..len) (decoded text), or NULL. */
const hg_label *hg_schema_names_find(const hg_schema_names *s, hg_schema_type t, const char *name, size_t len);

/* true when the server writes 1.5+ schema (edgelabel_type, parent_label,
 * links) and 5-part edge ids; false for 1.0-1.3. */
bool hg_client_has_edge_label_types(const hg_client *c);

/* Escapes s for a URL path segment or query value (RFC 3986 unreserved
 * characters stay).  Returns a malloc'd string or NULL. */
char *hg_url_escape(const char *s);

#ifdef __cplusplus
}
#endif
#endif
