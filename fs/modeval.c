/* modeval.c - judging what is written to a graph's mode file. */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "hgfs.h"

static const struct {
	const char *name;
	hg_mode mode;
} writable_modes[] = {
	{"NONE", HG_MODE_NONE},
	{"RESTORING", HG_MODE_RESTORING},
	{"MERGING", HG_MODE_MERGING},
};

#define N_MODES (sizeof(writable_modes) / sizeof(writable_modes[0]))

hgfs_modeval_state hgfs_modeval(const char *buf, size_t len, hg_mode *mode)
{
	size_t i = 0, start, wlen;
	bool prefix = false;

	while (i < len && isspace((unsigned char)buf[i]))
		i++;
	if (i == len)
		return HGFS_MV_EMPTY;
	start = i;
	while (i < len && !isspace((unsigned char)buf[i]))
		i++;
	wlen = i - start;

	for (size_t m = 0; m < N_MODES; m++) {
		const char *name = writable_modes[m].name;
		size_t nlen = strlen(name);

		if (wlen > nlen || strncasecmp(buf + start, name, wlen) != 0)
			continue;
		if (wlen < nlen) {
			prefix = true;
			continue;
		}
		/* a whole name: only white space may follow */
		for (size_t j = i; j < len; j++) {
			if (!isspace((unsigned char)buf[j]))
				return HGFS_MV_INVALID;
		}
		if (mode != NULL)
			*mode = writable_modes[m].mode;
		return i < len ? HGFS_MV_TERMINATED : HGFS_MV_COMPLETE;
	}
	/* a prefix followed by white space can never become a name */
	if (prefix && i == len)
		return HGFS_MV_PARTIAL;
	return HGFS_MV_INVALID;
}
