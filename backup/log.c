/* log.c - the log (log.h): a file, stderr in the foreground, else syslog. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <syslog.h>
#include <time.h>

#include "log.h"

static bool log_foreground = true;
static FILE *log_file;

int hgfs_log_init(bool foreground, const char *path)
{
	log_foreground = foreground;
	if (path != NULL) {
		log_file = fopen(path, "a");
		if (log_file == NULL)
			return -errno;
		setvbuf(log_file, NULL, _IOLBF, 0);
		return 0;
	}
	if (!foreground)
		openlog("hugegraphfs", LOG_PID, LOG_DAEMON);
	return 0;
}

void hgfs_log_close(void)
{
	if (log_file != NULL)
		fclose(log_file);
	log_file = NULL;
}

void hgfs_log(int priority, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (log_foreground || log_file != NULL) {
		char line[2048], stamp[32];
		struct timespec ts;
		struct tm tm;

		clock_gettime(CLOCK_REALTIME, &ts);
		gmtime_r(&ts.tv_sec, &tm);
		strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%S", &tm);
		vsnprintf(line, sizeof(line), fmt, ap);
		fprintf(log_file != NULL ? log_file : stderr, "%s.%03ldZ hugegraphfs: %s\n", stamp, ts.tv_nsec / 1000000,
			line);
	} else {
		vsyslog(priority, fmt, ap);
	}
	va_end(ap);
}
