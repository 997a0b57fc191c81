/* sigreader.c - opens and reads a file with a SIGUSR1 handler installed
 * without SA_RESTART, and does not try a call again on EINTR (as dd, bash
 * and Python do): a file system that fails a call because of a signal the
 * caller handles shows here.
 *
 *   sigreader FILE OUT: copies FILE to OUT; prints the signals it had to
 *   stderr; exit 0, or 1 with the failed call and its error. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static volatile sig_atomic_t got;

static void on_usr1(int sig)
{
	(void)sig;
	got++;
}

int main(int argc, char **argv)
{
	struct sigaction sa;
	struct stat st;
	char buf[65536];
	ssize_t n;
	int in, out;

	if (argc != 3) {
		fprintf(stderr, "usage: sigreader FILE OUT\n");
		return 2;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_usr1;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGUSR1, &sa, NULL);
	if (stat(argv[1], &st) < 0) {
		fprintf(stderr, "stat: %s\n", strerror(errno));
		return 1;
	}
	in = open(argv[1], O_RDONLY);
	if (in < 0) {
		fprintf(stderr, "open: %s\n", strerror(errno));
		return 1;
	}
	out = open(argv[2], O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (out < 0) {
		fprintf(stderr, "open %s: %s\n", argv[2], strerror(errno));
		return 1;
	}
	while ((n = read(in, buf, sizeof(buf))) > 0) {
		if (write(out, buf, (size_t)n) != n) {
			fprintf(stderr, "write: %s\n", strerror(errno));
			return 1;
		}
	}
	if (n < 0) {
		fprintf(stderr, "read: %s\n", strerror(errno));
		return 1;
	}
	fprintf(stderr, "signals: %d\n", (int)got);
	return close(out) == 0 ? 0 : 1;
}
