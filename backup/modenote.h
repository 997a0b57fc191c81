/*
 * modenote.h - notes that a graph's read mode was set to ALL for an export,
 * and what it was: a process killed during the vertex scan (kill -9, a
 * machine that dies) would otherwise leave the mode at ALL, and every
 * reader of the graph would get OLAP values.
 *
 * A note is a small file in a directory of the daemon's state, written
 * (and synced) before the mode is set, removed once it is put back.  The
 * next start of a daemon with the same directory puts back the modes of
 * the notes whose writer is no longer running.
 */
#ifndef HGFS_MODENOTE_H
#define HGFS_MODENOTE_H

#include <stddef.h>

#include "hgclient.h"

/* Writes the note of graph (of graphspace, NULL before 1.7) on the server
 * url, whose mode was prev, into dir; its path into path.  0 or -errno. */
int hgfs_modenote_write(const char *dir, const char *url, const char *graphspace, const char *graph,
			hg_read_mode prev, char *path, size_t pathlen);
/* Removes a note written by hgfs_modenote_write (path "" : none). */
void hgfs_modenote_remove(const char *path);

/* The client of a graphspace (NULL: the server's only one, before 1.7) */
typedef int (*hgfs_modenote_client_fn)(void *ctx, const char *graphspace, hg_client **out);

/* Puts back the read mode of each note in dir for the server url whose
 * writer is gone: the mode is set back when it is still ALL, left when
 * someone changed it since (the note goes either way); a note whose server
 * cannot be asked stays for the next start.  Logs what it does; returns
 * the number of modes put back. */
int hgfs_modenote_repair(const char *dir, const char *url, hgfs_modenote_client_fn client, void *ctx);

#endif
