/* tls.c - the daemon's TLS options: -o cacert, capath, cert, key, insecure. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "hgfs.h"

#define INSECURE_WARNING                                                                                   \
	"WARNING: -o insecure: the server's TLS certificate and host name are NOT verified; anyone "      \
	"between here and %s can read and change the graph and the credentials"

/* an absolute path for the daemon, which changes to / when it detaches */
static void make_absolute(char **path)
{
	char *abs;

	if (*path == NULL)
		return;
	abs = realpath(*path, NULL);
	if (abs != NULL) {
		free(*path);
		*path = abs;
	}
}

int hgfs_tls_setup(hgfs_config *cfg)
{
	hg_options opt = {0};
	hg_error err;
	char buf[1400];

	opt.url = cfg->url;
	hgfs_tls_options(cfg, &opt);
	hg_error_clear(&err);
	if (hg_tls_options_check(&opt, &err) < 0) {
		fprintf(stderr, "hugegraphfs: %s\n", hg_error_format(&err, buf, sizeof(buf)));
		return -1;
	}
	make_absolute(&cfg->cacert);
	make_absolute(&cfg->capath);
	make_absolute(&cfg->cert);
	make_absolute(&cfg->key);
	if (cfg->insecure) {
		fprintf(stderr, "hugegraphfs: " INSECURE_WARNING "\n", cfg->url);
	}
	return 0;
}

void hgfs_tls_options(const hgfs_config *cfg, hg_options *opt)
{
	opt->cacert = cfg->cacert;
	opt->capath = cfg->capath;
	opt->cert = cfg->cert;
	opt->key = cfg->key;
	opt->insecure = cfg->insecure != 0;
}

void hgfs_tls_log_warning(const hgfs_config *cfg)
{
	if (cfg->insecure)
		hgfs_log(LOG_WARNING, INSECURE_WARNING, cfg->url);
}

void hgfs_tls_free(hgfs_config *cfg)
{
	free(cfg->cacert);
	free(cfg->capath);
	free(cfg->cert);
	free(cfg->key);
	cfg->cacert = cfg->capath = cfg->cert = cfg->key = NULL;
}
