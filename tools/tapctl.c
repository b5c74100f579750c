// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * tapctl: talk to tapd (tapctl(8)). Each command is one request on the
 * control socket; tapd's answer lines are printed, and the exit status
 * says whether it succeeded. 'attach' runs tapc -A on the session.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "control.h"
#include "tapd_config.h"

/* exit statuses, documented in tapctl(8) */
enum {
	EXIT_OK = 0,
	EXIT_PROBLEM = 1,	/* tapd did it, with problems, or refused */
	EXIT_USAGE = 2,
	EXIT_UNREACHABLE = 3,	/* no tapd, or the socket refused us */
};

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: tapctl [--root DIR] COMMAND [ARGS...]\n"
		"Control tapd, the tap service (tapctl(8)).\n"
		"Commands:\n"
		"  start [NAME...]        start scripts (and what they require);\n"
		"                         none: DEFAULT_START, or every script\n"
		"  stop [--force] [NAME...]  stop scripts (dependents first); none: all;\n"
		"                         --force stops a shared buffer's guests first\n"
		"  restart [NAME...]      stop, then start\n"
		"  status [NAME...]       running / stopped / failed / dead / blocked,\n"
		"                         with the reason, buffer use and event counts\n"
		"  list                   one line per script: NAME STATE PID INSTANCE\n"
		"                         OUTPUT CURRENT-FILE (tab separated)\n"
		"  compile [NAME...]      compile plans into CACHE_PATH/<release>/\n"
		"  rotate NAME|--all      switch log files; prints the closed file\n"
		"  snapshot NAME [-o FILE]  write the events the session holds to a\n"
		"                         trace.dat file (it keeps recording)\n"
		"  attach NAME            show the session's events, then follow\n"
		"                         (Ctrl-\\ detaches, Ctrl-C stops the session)\n"
		"  config                 the settings in effect (KEY=value), read here\n"
		"  reload                 read the registry again\n"
		"  shutdown               stop every script, then tapd\n"
		"  ping                   is tapd there?\n"
		"Exit status: 0 success, 1 tapd reported a problem, 2 usage, 3 tapd\n"
		"unreachable or refused.\n");
}

struct ctl {
	const char *root;
	char socket[PATH_MAX];
	char run_dir[PATH_MAX];
};

/* config: what tapd.conf says, with the defaults and the root applied,
 * as KEY=value lines a shell script can read (tap-backup does) */
static int show_config(const struct ctl *c)
{
	struct tapd_config cfg;
	struct diag d;
	const struct tapd_paths *p = &cfg.paths;

	diag_init(&d, NULL);
	tapd_config_load(c->root, &cfg, &d);
	for (size_t i = 0; i < d.n; i++)
		fprintf(stderr, "tapctl: %s\n", d.entries[i].msg);
	diag_release(&d);
	printf("SCRIPT_PATH=%s\nCONFIG_PATH=%s\nCACHE_PATH=%s\nSTATE_PATH=%s\n"
	       "LOG_PATH=%s\nBACKUP_PATH=%s\nCRASH_PATH=%s\nBACKUP_KEEP=%u\n"
	       "RESTART_MAX=%u\nCONTROL_GROUP=%s\n",
	       p->script_dir, p->config_dir, p->cache_dir, p->run_dir, p->log_dir,
	       p->backup_dir, p->crash_dir, cfg.backup_keep, cfg.restart_max,
	       cfg.control_group ? cfg.control_group : "");
	tapd_config_release(&cfg);
	return EXIT_OK;
}

static void load_paths(struct ctl *c)
{
	struct tapd_config cfg;
	struct diag d;

	diag_init(&d, NULL);
	tapd_config_load(c->root, &cfg, &d);	/* for STATE_PATH; errors are tapd's */
	diag_release(&d);
	snprintf(c->socket, sizeof(c->socket), "%s/%s", cfg.paths.run_dir, CONTROL_SOCKET_NAME);
	snprintf(c->run_dir, sizeof(c->run_dir), "%s", cfg.paths.run_dir);
	tapd_config_release(&cfg);
}

/* words joined by spaces, with spaces and backslashes escaped */
static int join(char *req, size_t n, int argc, char **argv)
{
	size_t len = 0;

	for (int i = 0; i < argc; i++) {
		for (const char *p = argv[i]; *p; p++) {
			if (len + 3 >= n)
				return -1;
			if (*p == ' ' || *p == '\t' || *p == '\\')
				req[len++] = '\\';
			if (*p == '\n')
				return -1;
			req[len++] = *p;
		}
		if (len + 2 >= n)
			return -1;
		if (i + 1 < argc)
			req[len++] = ' ';
	}
	req[len] = '\0';
	return 0;
}

static int call(struct ctl *c, int argc, char **argv, FILE *out)
{
	char req[CONTROL_MAX_REQUEST];
	int rc;

	if (join(req, sizeof(req), argc, argv)) {
		fprintf(stderr, "tapctl: request too long\n");
		return EXIT_USAGE;
	}
	rc = control_call(c->socket, req, out, stderr);
	if (rc < 0) {
		fprintf(stderr, "tapctl: cannot reach tapd at %s: %s\n", c->socket, strerror(-rc));
		return EXIT_UNREACHABLE;
	}
	if (rc == 2)
		return EXIT_UNREACHABLE;	/* refused: permission denied */
	return rc ? EXIT_PROBLEM : EXIT_OK;
}

/* snapshot -o FILE: tapd works from /, so the name must be absolute */
static int absolute_output(int argc, char **argv, char *buf, size_t n)
{
	for (int i = 1; i + 1 < argc; i++) {
		if (strcmp(argv[i], "-o") || argv[i + 1][0] == '/')
			continue;
		if (!getcwd(buf, n) || strlen(buf) + strlen(argv[i + 1]) + 2 > n)
			return -1;
		strcat(buf, "/");
		strcat(buf, argv[i + 1]);
		argv[i + 1] = buf;
	}
	return 0;
}

/* the instance of session @name, from tapd's list */
static int find_instance(struct ctl *c, const char *name, char *inst, size_t n)
{
	char *text = NULL, *save = NULL;
	size_t len = 0;
	char *argv[] = { "list", NULL };
	FILE *out = open_memstream(&text, &len);
	int rc;

	if (!out)
		return EXIT_PROBLEM;
	rc = call(c, 1, argv, out);
	fclose(out);
	inst[0] = '\0';
	for (char *line = strtok_r(text, "\n", &save); !rc && line;
	     line = strtok_r(NULL, "\n", &save)) {
		char lname[128], state[32], instance[256];
		int pid;

		if (sscanf(line, "%127[^\t]\t%31[^\t]\t%d\t%255[^\t]", lname, state, &pid,
			   instance) == 4 && !strcmp(lname, name))
			snprintf(inst, n, "%s", instance);
	}
	free(text);
	if (!rc && (!inst[0] || !strcmp(inst, "-"))) {
		fprintf(stderr, "tapctl: '%s' has no session (tapctl status %s)\n", name, name);
		return EXIT_PROBLEM;
	}
	return rc;
}

/* tapc beside tapctl, or $TAPC, or the installed one */
static void find_tapc(char *buf, size_t n)
{
	static const char *const rel[] = { "tapc", "../bin/tapc", "../tools/tapc" };
	char self[PATH_MAX - 64];
	ssize_t len;

	if (getenv("TAPC")) {
		snprintf(buf, n, "%s", getenv("TAPC"));
		return;
	}
	len = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (len > 0) {
		self[len] = '\0';
		*strrchr(self, '/') = '\0';
		for (size_t i = 0; i < sizeof(rel) / sizeof(rel[0]); i++) {
			snprintf(buf, n, "%s/%s", self, rel[i]);
			if (access(buf, X_OK) == 0)
				return;
		}
	}
	snprintf(buf, n, "/usr/bin/tapc");
}

/* attach: tapc -A on the session's instance, in this terminal */
static int attach(struct ctl *c, int argc, char **argv)
{
	char inst[256], tapc[PATH_MAX];
	int rc;

	if (argc != 2) {
		fprintf(stderr, "tapctl: attach NAME\n");
		return EXIT_USAGE;
	}
	rc = find_instance(c, argv[1], inst, sizeof(inst));
	if (rc)
		return rc;
	find_tapc(tapc, sizeof(tapc));
	setenv("TAP_RUN_DIR", c->run_dir, 1);
	execl(tapc, tapc, "-A", inst, (char *)NULL);
	fprintf(stderr, "tapctl: cannot run '%s': %s\n", tapc, strerror(errno));
	return EXIT_PROBLEM;
}

int main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "root", required_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct ctl c = { .root = getenv("TAP_ROOT") ? getenv("TAP_ROOT") : "" };
	char path[PATH_MAX];
	int opt;

	while ((opt = getopt_long(argc, argv, "+h", lo, NULL)) != -1) {
		switch (opt) {
		case 'r': c.root = optarg; break;
		case 'h': usage(stdout); return EXIT_OK;
		default: usage(stderr); return EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return EXIT_USAGE;
	}
	argc -= optind;
	argv += optind;
	if (!strcmp(argv[0], "config"))
		return show_config(&c);
	load_paths(&c);
	if (!strcmp(argv[0], "attach"))
		return attach(&c, argc, argv);
	if (!strcmp(argv[0], "snapshot") && absolute_output(argc, argv, path, sizeof(path))) {
		fprintf(stderr, "tapctl: file name too long\n");
		return EXIT_USAGE;
	}
	return call(&c, argc, argv, stdout);
}
