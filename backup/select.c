/* select.c - a selective backup: the label filter and the schema closure
 * (select.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "record.h"
#include "select.h"

/* ---- names ---------------------------------------------------------------- */

bool hgfs_names_has(const hgfs_names *s, const char *name, size_t len)
{
	for (size_t i = 0; i < s->n; i++)
		if (strlen(s->v[i]) == len && memcmp(s->v[i], name, len) == 0)
			return true;
	return false;
}

int hgfs_names_add(hgfs_names *s, const char *name, size_t len)
{
	char *copy;

	if (hgfs_names_has(s, name, len))
		return 0;
	if (s->n == s->cap) {
		size_t cap = s->cap ? 2 * s->cap : 8;
		char **v = realloc(s->v, cap * sizeof(*v));
		if (v == NULL)
			return -ENOMEM;
		s->v = v, s->cap = cap;
	}
	copy = malloc(len + 1);
	if (copy == NULL)
		return -ENOMEM;
	memcpy(copy, name, len);
	copy[len] = '\0';
	s->v[s->n++] = copy;
	return 1;
}

void hgfs_names_free(hgfs_names *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->v[i]);
	free(s->v);
	memset(s, 0, sizeof(*s));
}

int hgfs_select_parse(hgfs_names *sel, const char *list, char *err, size_t errlen)
{
	const char *p = list;

	for (;;) {
		size_t n = strcspn(p, ",:");
		if (n == 0) {
			snprintf(err, errlen, "labels: an empty name in '%s' (names are separated by ':')", list);
			return -1;
		}
		if (hgfs_names_add(sel, p, n) < 0)
			return -ENOMEM;
		if (p[n] == '\0')
			return 0;
		p += n + 1;
	}
}

/* ---- schema elements ------------------------------------------------------- */

/* What the closure needs of one vertex label, edge label or index label. */
typedef struct elem_info {
	char *name;
	bool is_parent, is_sub, base_edge;
	char *parent;       /* SUB: parent_label */
	char *base_value;   /* index label */
	hgfs_names ends;    /* edge label: source, target and linked vertex labels */
	hgfs_names keys;    /* property keys used */
} elem_info;

static void info_free(elem_info *e)
{
	free(e->name);
	free(e->parent);
	free(e->base_value);
	hgfs_names_free(&e->ends);
	hgfs_names_free(&e->keys);
}

typedef struct walk {
	elem_info *e;
	hgfs_buf s;
	int rc;
} walk;

static int decode(walk *w, const rj_member *m, char **out)
{
	if (m->type != RJ_STRING)
		return 0;
	if (rj_string(m->val, m->val_len, &w->s) < 0)
		return -ENOMEM;
	free(*out);
	*out = strdup(w->s.data ? w->s.data : "");
	return *out == NULL ? -ENOMEM : 0;
}

static int add_str(walk *w, const rj_member *m, hgfs_names *to)
{
	if (m->type != RJ_STRING)
		return 0;
	if (rj_string(m->val, m->val_len, &w->s) < 0)
		return -ENOMEM;
	return hgfs_names_add(to, w->s.data ? w->s.data : "", w->s.len) < 0 ? -ENOMEM : 0;
}

static int keys_cb(void *ctx, const rj_member *m)
{
	walk *w = ctx;
	return add_str(w, m, &w->e->keys);
}

/* a link: {"source":"target"} */
static int link_cb(void *ctx, const rj_member *m)
{
	walk *w = ctx;
	hgfs_buf k = {0};
	int rc;

	/* the key's raw bytes with quotes around them make a JSON string */
	rc = hgfs_buf_addc(&k, '"');
	if (rc == 0)
		rc = hgfs_buf_add(&k, m->key, m->key_len);
	if (rc == 0)
		rc = hgfs_buf_addc(&k, '"');
	if (rc == 0 && rj_string(k.data, k.len, &w->s) == 0)
		rc = hgfs_names_add(&w->e->ends, w->s.data ? w->s.data : "", w->s.len) < 0 ? -ENOMEM : 0;
	hgfs_buf_free(&k);
	if (rc == 0)
		rc = add_str(w, m, &w->e->ends);
	return rc;
}

static int links_cb(void *ctx, const rj_member *m)
{
	if (m->type != RJ_OBJECT)
		return 0;
	int rc = rj_object_each(m->val, m->val_len, link_cb, ctx);
	return rc < -1 ? rc : 0;
}

static int elem_cb(void *ctx, const rj_member *m)
{
	walk *w = ctx;
	elem_info *e = w->e;
	int rc = 0;

	if (rj_key_is(m, "name"))
		rc = decode(w, m, &e->name);
	else if (rj_key_is(m, "parent_label"))
		rc = decode(w, m, &e->parent);
	else if (rj_key_is(m, "base_value"))
		rc = decode(w, m, &e->base_value);
	else if (rj_key_is(m, "base_type"))
		e->base_edge = m->type == RJ_STRING && m->val_len == 12 && memcmp(m->val, "\"EDGE_LABEL\"", 12) == 0;
	else if (rj_key_is(m, "edgelabel_type")) {
		e->is_parent = m->type == RJ_STRING && m->val_len == 8 && memcmp(m->val, "\"PARENT\"", 8) == 0;
		e->is_sub = m->type == RJ_STRING && m->val_len == 5 && memcmp(m->val, "\"SUB\"", 5) == 0;
	} else if (rj_key_is(m, "source_label") || rj_key_is(m, "target_label"))
		rc = add_str(w, m, &e->ends);
	else if (rj_key_is(m, "links") && m->type == RJ_ARRAY)
		rc = rj_array_each(m->val, m->val_len, links_cb, w);
	else if ((rj_key_is(m, "properties") || rj_key_is(m, "primary_keys") || rj_key_is(m, "nullable_keys") ||
		  rj_key_is(m, "sort_keys") || rj_key_is(m, "fields")) &&
		 m->type == RJ_ARRAY)
		rc = rj_array_each(m->val, m->val_len, keys_cb, w);
	else if (rj_key_is(m, "ttl_start_time"))
		rc = add_str(w, m, &e->keys);
	return rc < 0 ? rc : 0;
}

static int parse_elem(const char *text, size_t len, elem_info *e, char *err, size_t errlen)
{
	walk w = {.e = e};
	size_t col;
	int rc;

	memset(e, 0, sizeof(*e));
	if (rj_validate(text, len, &col, err, errlen) < 0 || rj_type_of(text, len) != RJ_OBJECT) {
		snprintf(err, errlen, "a schema element is not a JSON object");
		return -EINVAL;
	}
	rc = rj_object_each(text, len, elem_cb, &w);
	hgfs_buf_free(&w.s);
	if (rc < 0)
		return rc == -1 ? -EINVAL : rc;
	if (e->name == NULL) {
		snprintf(err, errlen, "a schema element has no name");
		return -EINVAL;
	}
	if (e->is_parent)
		hgfs_names_free(&e->ends); /* a parent's links are its subs' */
	return 0;
}

/* ---- the closure ------------------------------------------------------------ */

void hgfs_closure_free(hgfs_closure *c)
{
	for (int t = 0; t < HG_SCHEMA__COUNT; t++)
		free(c->keep[t]);
	hgfs_names_free(&c->vdata);
	hgfs_names_free(&c->edata);
	hgfs_names_free(&c->vschema_only);
	hgfs_names_free(&c->eschema_only);
	memset(c, 0, sizeof(*c));
}

static bool has(const hgfs_names *s, const char *name)
{
	return name != NULL && hgfs_names_has(s, name, strlen(name));
}

static int add(hgfs_names *s, const char *name)
{
	return hgfs_names_add(s, name, strlen(name)) < 0 ? -ENOMEM : 0;
}

/* "the graph has vertex labels [a, b] and edge labels [c]" */
static void labels_text(elem_info *info[HG_SCHEMA__COUNT], hg_elems *const lists[HG_SCHEMA__COUNT], char *buf,
			size_t len)
{
	size_t n = 0;

	for (int t = HG_SCHEMA_VERTEXLABELS; t <= HG_SCHEMA_EDGELABELS; t++) {
		n += (size_t)snprintf(buf + n, len - n, "%s%s labels [", t == HG_SCHEMA_VERTEXLABELS ? "" : " and ",
				      t == HG_SCHEMA_VERTEXLABELS ? "vertex" : "edge");
		for (size_t i = 0; i < lists[t]->n && n < len; i++)
			n += (size_t)snprintf(buf + n, len - n, "%s%s", i ? ", " : "", info[t][i].name);
		if (n < len)
			n += (size_t)snprintf(buf + n, len - n, "]");
		if (n >= len)
			return;
	}
}

int hgfs_select_closure(const hgfs_names *sel, hg_elems *const lists[HG_SCHEMA__COUNT], hgfs_closure *out,
			char *err, size_t errlen)
{
	elem_info *info[HG_SCHEMA__COUNT] = {0};
	hgfs_names vkeep = {0}, ekeep = {0}, pkeep = {0};
	int rc = 0;

	memset(out, 0, sizeof(*out));
	for (int t = 0; t < HG_SCHEMA__COUNT && rc == 0; t++) {
		info[t] = calloc(lists[t]->n + 1, sizeof(*info[t]));
		out->keep[t] = calloc(lists[t]->n + 1, sizeof(bool));
		if (info[t] == NULL || out->keep[t] == NULL) {
			rc = -ENOMEM;
			break;
		}
		for (size_t i = 0; i < lists[t]->n && rc == 0; i++)
			rc = parse_elem(lists[t]->data + lists[t]->v[i].off, lists[t]->v[i].len, &info[t][i], err, errlen);
	}
	if (rc < 0)
		goto out;

	/* the selected names: vertex labels, edge labels (a PARENT with its subs) */
	for (size_t s = 0; s < sel->n && rc == 0; s++) {
		bool found = false;
		for (size_t i = 0; i < lists[HG_SCHEMA_VERTEXLABELS]->n && rc == 0; i++)
			if (strcmp(info[HG_SCHEMA_VERTEXLABELS][i].name, sel->v[s]) == 0)
				found = true, rc = add(&out->vdata, sel->v[s]);
		for (size_t i = 0; i < lists[HG_SCHEMA_EDGELABELS]->n && rc == 0; i++) {
			elem_info *e = &info[HG_SCHEMA_EDGELABELS][i];
			if (strcmp(e->name, sel->v[s]) == 0)
				found = true, rc = add(&out->edata, e->name);
			else if (e->is_sub && e->parent != NULL && strcmp(e->parent, sel->v[s]) == 0)
				rc = add(&out->edata, e->name);
		}
		if (rc == 0 && !found) {
			char labels[768];
			labels_text(info, lists, labels, sizeof(labels));
			snprintf(err, errlen, "-o labels: '%s' is neither a vertex label nor an edge label of the graph; "
				 "the graph has %s", sel->v[s], labels);
			rc = -EINVAL;
		}
	}
	if (rc < 0)
		goto out;

	/* the labels the schema keeps */
	for (size_t i = 0; i < out->vdata.n && rc == 0; i++)
		rc = add(&vkeep, out->vdata.v[i]);
	for (size_t i = 0; i < lists[HG_SCHEMA_EDGELABELS]->n && rc == 0; i++) {
		elem_info *e = &info[HG_SCHEMA_EDGELABELS][i];
		if (!has(&out->edata, e->name))
			continue;
		rc = add(&ekeep, e->name);
		if (rc == 0 && e->is_sub && e->parent != NULL && !has(&out->edata, e->parent)) {
			rc = add(&ekeep, e->parent);
			if (rc == 0)
				rc = add(&out->eschema_only, e->parent);
		}
		for (size_t k = 0; k < e->ends.n && rc == 0; k++) {
			rc = add(&vkeep, e->ends.v[k]);
			if (rc == 0 && !has(&out->vdata, e->ends.v[k]))
				rc = add(&out->vschema_only, e->ends.v[k]);
		}
	}
	/* the index labels on them, and the property keys of all of them */
	for (int t = HG_SCHEMA_VERTEXLABELS; t < HG_SCHEMA__COUNT && rc == 0; t++) {
		for (size_t i = 0; i < lists[t]->n && rc == 0; i++) {
			elem_info *e = &info[t][i];
			bool keep;
			if (t == HG_SCHEMA_VERTEXLABELS)
				keep = has(&vkeep, e->name);
			else if (t == HG_SCHEMA_EDGELABELS)
				keep = has(&ekeep, e->name);
			else
				keep = has(e->base_edge ? &ekeep : &vkeep, e->base_value);
			if (!keep)
				continue;
			out->keep[t][i] = true;
			out->count[t]++;
			for (size_t k = 0; k < e->keys.n && rc == 0; k++)
				rc = add(&pkeep, e->keys.v[k]);
		}
	}
	for (size_t i = 0; i < lists[HG_SCHEMA_PROPERTYKEYS]->n && rc == 0; i++) {
		if (has(&pkeep, info[HG_SCHEMA_PROPERTYKEYS][i].name)) {
			out->keep[HG_SCHEMA_PROPERTYKEYS][i] = true;
			out->count[HG_SCHEMA_PROPERTYKEYS]++;
		}
	}
out:
	for (int t = 0; t < HG_SCHEMA__COUNT; t++) {
		if (info[t] == NULL)
			continue;
		for (size_t i = 0; i < lists[t]->n; i++)
			info_free(&info[t][i]);
		free(info[t]);
	}
	hgfs_names_free(&vkeep);
	hgfs_names_free(&ekeep);
	hgfs_names_free(&pkeep);
	return rc;
}

/* ---- manifest.json ------------------------------------------------------------- */

static int json_str(hgfs_buf *b, const char *s)
{
	int rc = hgfs_buf_addc(b, '"');

	for (const unsigned char *p = (const unsigned char *)s; *p && rc == 0; p++) {
		char esc[8];
		if (*p == '"' || *p == '\\')
			esc[0] = '\\', esc[1] = (char)*p, rc = hgfs_buf_add(b, esc, 2);
		else if (*p < 0x20)
			snprintf(esc, sizeof(esc), "\\u%04x", *p), rc = hgfs_buf_add(b, esc, 6);
		else
			rc = hgfs_buf_addc(b, (char)*p);
	}
	return rc ? rc : hgfs_buf_addc(b, '"');
}

static int names_json(hgfs_buf *b, const char *key, const hgfs_names *n)
{
	int rc = hgfs_buf_adds(b, key);

	if (rc == 0)
		rc = hgfs_buf_addc(b, '[');
	for (size_t i = 0; i < n->n && rc == 0; i++) {
		if (i)
			rc = hgfs_buf_adds(b, ", ");
		if (rc == 0)
			rc = json_str(b, n->v[i]);
	}
	return rc ? rc : hgfs_buf_addc(b, ']');
}

int hgfs_selection_json(const hgfs_names *labels, const hgfs_closure *c, uint64_t endpoints_not_selected,
			hgfs_buf *out)
{
	char tail[96];
	int rc = names_json(out, "  \"selection\": {\"labels\": ", labels);

	if (rc == 0)
		rc = names_json(out, ", \"vertex_labels\": ", &c->vdata);
	if (rc == 0)
		rc = names_json(out, ", \"edge_labels\": ", &c->edata);
	if (rc == 0)
		rc = names_json(out, ", \"schema_only_vertex_labels\": ", &c->vschema_only);
	if (rc == 0)
		rc = names_json(out, ", \"schema_only_edge_labels\": ", &c->eschema_only);
	snprintf(tail, sizeof(tail), ", \"endpoints_not_selected\": %llu},\n",
		 (unsigned long long)endpoints_not_selected);
	return rc ? rc : hgfs_buf_adds(out, tail);
}

/* ---- element lines ----------------------------------------------------------- */

static int label_cb(void *ctx, const rj_member *m)
{
	if (!rj_key_is(m, "label"))
		return 0;
	*(rj_member *)ctx = *m;
	return 1;
}

bool hgfs_names_has_json(const hgfs_names *set, const char *val, size_t len)
{
	hgfs_buf b = {0};
	bool in;

	if (len < 2 || val[0] != '"')
		return false;
	if (memchr(val, '\\', len) == NULL) /* no escapes: the bytes are the name */
		return hgfs_names_has(set, val + 1, len - 2);
	in = rj_string(val, len, &b) == 0 && hgfs_names_has(set, b.data ? b.data : "", b.len);
	hgfs_buf_free(&b);
	return in;
}

bool hgfs_line_label_in(const hgfs_names *set, const char *line, size_t len)
{
	rj_member m = {0};

	if (rj_object_each(line, len, label_cb, &m) != 1 || m.type != RJ_STRING)
		return false;
	return hgfs_names_has_json(set, m.val, m.val_len);
}
