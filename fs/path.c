/* path.c - what a path of the mount names.  Pure: no I/O, no locks. */
#include <errno.h>
#include <string.h>

#include "hgfs.h"

hgfs_cz hgfs_tree_cz = HGFS_CZ_NONE;

bool hgfs_valid_name(const char *s)
{
	size_t n = 0;

	if (s == NULL || s[0] == '\0')
		return false;
	if (strcmp(s, ".") == 0 || strcmp(s, "..") == 0)
		return false;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++, n++) {
		if (*p == '/' || *p < 0x20 || *p == 0x7f)
			return false;
	}
	return n <= HGFS_NAME_MAX;
}

/* Copies the next component of *p into buf; returns its length, 0 at the
 * end, -ENAMETOOLONG when it does not fit. */
static int next_component(const char **p, char *buf, size_t size)
{
	const char *s = *p;
	size_t n;

	while (*s == '/')
		s++;
	n = strcspn(s, "/");
	if (n >= size)
		return -ENAMETOOLONG;
	memcpy(buf, s, n);
	buf[n] = '\0';
	*p = s + n;
	return (int)n;
}

int hgfs_parse_path(const char *path, hgfs_path *out)
{
	char comp[HGFS_NAME_MAX + 1];
	const char *p = path;
	int n;

	memset(out, 0, sizeof(*out));
	if (path == NULL || path[0] != '/')
		return -ENOENT;

	n = next_component(&p, comp, sizeof(comp));
	if (n < 0)
		return n;
	if (n == 0) {
		out->type = HGFS_N_ROOT;
		return 0;
	}
	if (strcmp(comp, "graphspaces") == 0) {
		n = next_component(&p, out->space, sizeof(out->space));
		if (n < 0)
			return n;
		if (n == 0) {
			out->type = HGFS_N_SPACES;
			return 0;
		}
		if (!hgfs_valid_name(out->space))
			return -ENOENT;
		n = next_component(&p, comp, sizeof(comp));
		if (n < 0)
			return n;
		if (n == 0) {
			out->type = HGFS_N_SPACE;
			return 0;
		}
		if (strcmp(comp, "graphspace.json") == 0) {
			while (*p == '/')
				p++;
			if (*p != '\0')
				return -ENOENT;
			out->type = HGFS_N_SPACE_DEF;
			return 0;
		}
		if (strcmp(comp, "graphs") != 0)
			return -ENOENT;
	} else if (strcmp(comp, "graphs") != 0) {
		return -ENOENT;
	}

	n = next_component(&p, out->graph, sizeof(out->graph));
	if (n < 0)
		return n;
	if (n == 0) {
		out->type = HGFS_N_GRAPHS;
		return 0;
	}
	if (!hgfs_valid_name(out->graph))
		return -ENOENT;

	n = next_component(&p, comp, sizeof(comp));
	if (n < 0)
		return n;
	if (n == 0) {
		out->type = HGFS_N_GRAPH;
		return 0;
	}
	if (!hgfs_valid_name(comp))
		return -ENOENT;

	if (strcmp(comp, "restore") == 0) {
		while (*p == '/')
			p++;
		if (*p == '\0') {
			out->type = HGFS_N_RESTORE;
		} else {
			out->type = HGFS_N_RESTORE_CHILD;
			out->rest = p;
		}
		return 0;
	}

	/* Nothing lies below a file of the graph directory. */
	{
		const char *q = p;
		while (*q == '/')
			q++;
		if (*q != '\0')
			return -ENOENT;
	}

	if (strcmp(comp, "mode") == 0) {
		out->type = HGFS_N_MODE;
		return 0;
	}
	if (strcmp(comp, "restore.status") == 0) {
		out->type = HGFS_N_RESTORE_STATUS;
		return 0;
	}
	if (strcmp(comp, "export.status") == 0) {
		out->type = HGFS_N_EXPORT_STATUS;
		return 0;
	}
	for (int i = 0; i < HGFS_F__COUNT; i++) {
		if (strcmp(comp, hgfs_snapfile_name((hgfs_snapfile)i, hgfs_tree_cz)) == 0) {
			out->type = HGFS_N_SNAPFILE;
			out->file = (hgfs_snapfile)i;
			return 0;
		}
	}
	out->type = HGFS_N_SCRATCH;
	strcpy(out->name, comp);
	return 0;
}
