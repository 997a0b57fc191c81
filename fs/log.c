/* log.c - the daemon's log: stderr in the foreground, syslog otherwise. */
#include <stdarg.h>
#include <stdio.h>
#include <syslog.h>
#include <time.h>

#include "hgfs.h"

static bool log_foreground = true;

void hgfs_log_init(bool foreground)
{
	log_foreground = foreground;
	if (!foreground)
		openlog("hugegraphfs", LOG_PID, LOG_DAEMON);
}

void hgfs_log(int priority, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (log_foreground) {
		char line[2048], stamp[32];
		struct timespec ts;
		struct tm tm;

		clock_gettime(CLOCK_REALTIME, &ts);
		gmtime_r(&ts.tv_sec, &tm);
		strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%S", &tm);
		vsnprintf(line, sizeof(line), fmt, ap);
		fprintf(stderr, "%s.%03ldZ hugegraphfs: %s\n", stamp, ts.tv_nsec / 1000000, line);
	} else {
		vsyslog(priority, fmt, ap);
	}
	va_end(ap);
}
