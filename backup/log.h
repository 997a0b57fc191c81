/*
 * log.h - the one log of the engine and the daemon: a file when one is
 * given, else stderr in the foreground and syslog otherwise.  The engine
 * logs what it did (exports, imports, retries) and never logs a password.
 */
#ifndef HGFS_LOG_H
#define HGFS_LOG_H

#include <stdbool.h>
#include <syslog.h>

/* Returns 0 or -errno (path cannot be opened).  Before any call, lines go
 * to stderr. */
int hgfs_log_init(bool foreground, const char *path);
void hgfs_log_close(void);
void hgfs_log(int priority, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
