// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * tapctl: talk to tapd (tapctl(8)). Each command is one request on the
 * control socket; tapd's answer lines are printed, and the exit status
 * says whether it succeeded.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tapd_config.h"
#include "control.h"

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: tapctl [--root DIR] COMMAND [NAME...]\n"
		"Commands:\n"
		"  start [NAME...]     start scripts (and what they require); none: DEFAULT_START\n"
		"  stop [NAME...]      stop scripts (dependents first); none: all\n"
		"  restart [NAME...]   stop, then start\n"
		"  status [NAME...]    running / stopped / failed / dead / blocked, with reasons\n"
		"  reload              read the registry again\n"
		"  shutdown            stop every script and tapd itself\n"
		"  ping                is tapd there?\n"
		"Exit status: 0 success, 1 tapd reported a problem, 2 usage, 3 tapd unreachable.\n");
}

static int request(const char *root, int argc, char **argv)
{
	struct tapd_config cfg;
	char path[4096], req[CONTROL_MAX_REQUEST] = "";
	struct diag d;
	int rc;

	diag_init(&d, NULL);
	tapd_config_load(root, &cfg, &d);	/* for STATE_PATH; errors are tapd's */
	diag_release(&d);
	snprintf(path, sizeof(path), "%s/%s", cfg.paths.run_dir, CONTROL_SOCKET_NAME);
	tapd_config_release(&cfg);
	for (int i = 0; i < argc; i++) {
		if (strlen(req) + strlen(argv[i]) + 2 >= sizeof(req)) {
			fprintf(stderr, "tapctl: request too long\n");
			return 2;
		}
		if (i)
			strcat(req, " ");
		strcat(req, argv[i]);
	}
	rc = control_call(path, req, stdout, stderr);
	if (rc < 0) {
		fprintf(stderr, "tapctl: cannot reach tapd at %s: %s\n", path, strerror(-rc));
		return 3;
	}
	return rc;
}

int main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "root", required_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *root = getenv("TAP_ROOT") ? getenv("TAP_ROOT") : "";
	int c;

	while ((c = getopt_long(argc, argv, "+h", lo, NULL)) != -1) {
		switch (c) {
		case 'r': root = optarg; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return 2;
	}
	return request(root, argc - optind, argv + optind);
}
