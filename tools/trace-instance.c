// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * trace-instance: the tracefs instances of this machine, tap's flight
 * recorders among them (trace-instance(1)). list shows them all, with
 * their buffers and who uses them; attach, stop and rotate act on tap's
 * sessions as tapc -A, --stop and --rotate do.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "session.h"
#include "state.h"
#include "tfb.h"

enum {
	EXIT_OK = 0,
	EXIT_SCRIPT = 1,
	EXIT_USAGE = 2,
	EXIT_KERNEL = 3,
};

static const char *prog = "trace-instance";

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: trace-instance list [-v]\n"
		"       trace-instance attach [--format=json] NAME\n"
		"       trace-instance stop NAME\n"
		"       trace-instance rotate NAME\n"
		"The tracefs instances of this machine, and tap's sessions in them.\n"
		"\n"
		"  list      every instance: tap's or not, owner, script, buffer size\n"
		"            per CPU, events enabled, events buffered, overruns,\n"
		"            processes reading it; -v lists the events too\n"
		"  attach    show what flight recorder NAME holds through its script's\n"
		"            handlers, then follow; Ctrl-\\ detaches, Ctrl-C stops it\n"
		"  stop      stop session NAME: end probes run, its instance goes\n"
		"  rotate    make session NAME switch log files; prints the closed one\n"
		"\n"
		"Exit status: 0 success, 2 usage error or no such session, 3 the\n"
		"system refused. See trace-instance(1).\n");
}

/* --- list ----------------------------------------------------------------------- */

struct row {
	char owner[64];
	char script[64];
	bool tap;
};

/* the tail of a path, so the table stays narrow */
static void short_name(char *buf, size_t n, const char *path)
{
	const char *slash = strrchr(path, '/');

	snprintf(buf, n, "%s", slash && slash[1] ? slash + 1 : path);
}

static void describe(const char *name, struct row *row)
{
	struct state_session ss;
	struct state_owner own;
	pid_t writer;

	snprintf(row->owner, sizeof(row->owner), "-");
	snprintf(row->script, sizeof(row->script), "-");
	row->tap = !state_read(name, &own);
	if (!row->tap) {
		if (!strncmp(name, "tap_", 4))
			snprintf(row->owner, sizeof(row->owner), "unknown");
		return;
	}
	writer = state_writer(name);
	if (writer > 0)
		snprintf(row->owner, sizeof(row->owner), "writer %d", (int)writer);
	else if (own.detached)
		snprintf(row->owner, sizeof(row->owner), "detached");
	else if (state_owner_alive(&own))
		snprintf(row->owner, sizeof(row->owner), "tapc %d", (int)own.pid);
	else
		snprintf(row->owner, sizeof(row->owner), "dead %d", (int)own.pid);
	if (!state_session_load(name, &ss)) {
		short_name(row->script, sizeof(row->script), ss.script_name);
		state_session_release(&ss);
	}
}

static void print_events(const char *name)
{
	char rel[512], *text, *save = NULL;
	size_t len;

	snprintf(rel, sizeof(rel), "instances/%s/set_event", name);
	text = tfb_read_file(rel, &len);
	if (!text)
		return;
	for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		printf("    event %s\n", line);
	free(text);
}

static void print_row(const char *name, bool verbose)
{
	struct tfb_instance_info info;
	char buf[32];
	struct row row;

	if (tfb_instance_info(name, &info))
		return;	/* gone while we looked */
	describe(name, &row);
	snprintf(buf, sizeof(buf), "%luK", info.buffer_kb);
	printf("%-24s %-3s %-13s %-16s %8s %6d %10llu %10llu %7d %-9s\n", name,
	       row.tap ? "yes" : "no", row.owner, row.script, buf, info.events,
	       info.entries, info.overrun + info.dropped, info.readers,
	       !info.tracing_on ? "off" : info.overwrite ? "overwrite" : "on");
	if (verbose)
		print_events(name);
}

/* records of tap sessions whose instance someone removed */
static void print_stale(const char *instance, void *arg)
{
	struct row row;

	(void)arg;
	if (tfb_instance_exists(instance))
		return;
	describe(instance, &row);
	printf("%-24s %-3s %-13s %-16s %8s %6s %10s %10s %7s %-9s\n", instance, "yes", row.owner,
	       row.script, "-", "-", "-", "-", "-", "gone");
}

static int list(bool verbose)
{
	char **names;
	int err = tfb_instances(&names);

	if (err) {
		fprintf(stderr, "%s: cannot list the instances in %s: %s\n", prog,
			tfb_tracing_dir(), strerror(-err));
		return EXIT_KERNEL;
	}
	printf("%-24s %-3s %-13s %-16s %8s %6s %10s %10s %7s %-9s\n", "INSTANCE", "TAP", "OWNER",
	       "SCRIPT", "BUFFER", "EVENTS", "ENTRIES", "LOST", "READERS", "TRACING");
	for (size_t i = 0; names[i]; i++)
		print_row(names[i], verbose);
	state_foreach(print_stale, NULL);
	tfb_names_free(names);
	return EXIT_OK;
}

/* --- sessions ------------------------------------------------------------------------ */

static int find(const char *name, char *instance, size_t n)
{
	if (session_find(name, instance, n)) {
		fprintf(stderr, "%s: no session '%s'\n", prog, name);
		return EXIT_USAGE;
	}
	return EXIT_OK;
}

static int attach(const char *name, enum output_format format)
{
	struct session_opts so = { .prog = prog, .log = stderr, .out_fd = STDOUT_FILENO,
				   .format = format };
	struct state_session ss = { 0 };
	struct program *p = NULL;
	struct target *t = NULL;
	struct src_file *src = NULL;
	struct state_owner own;
	char instance[256];
	struct diag d;
	int status = find(name, instance, sizeof(instance));

	if (status)
		return status;
	if (!state_read(instance, &own) && !own.detached) {
		fprintf(stderr, "%s: session '%s' is not a flight recorder (tapc process %d runs it)\n",
			prog, name, (int)own.pid);
		return EXIT_USAGE;
	}
	if (session_recompile(instance, &ss, &src, &t, &p, stderr, prog)) {
		status = EXIT_KERNEL;
	} else {
		diag_init(&d, src);
		status = session_attach(p, &so, &d);
		diag_print(&d, stderr, prog, diag_want_color(stderr));
		diag_release(&d);
	}
	program_free(p);
	target_free(t);
	src_file_free(src);
	state_session_release(&ss);
	return status;
}

static int stop(const char *name)
{
	char instance[256];
	int status = find(name, instance, sizeof(instance)), err;

	if (status)
		return status;
	err = session_stop(instance, stderr, prog);
	if (err && err != -ENOENT) {
		fprintf(stderr, "%s: cannot stop '%s': %s\n", prog, name, strerror(-err));
		return EXIT_KERNEL;
	}
	fprintf(stderr, "%s: stopped '%s'\n", prog, name);
	return EXIT_OK;
}

static int rotate(const char *name)
{
	char instance[256], closed[PATH_MAX] = "";
	int status = find(name, instance, sizeof(instance)), err;

	if (status)
		return status;
	err = session_rotate(instance, closed, sizeof(closed));
	if (err == -ESRCH || err == -ENOTSUP) {
		fprintf(stderr, "%s: session '%s' writes no log files\n", prog, name);
		return EXIT_USAGE;
	}
	if (err) {
		fprintf(stderr, "%s: cannot switch the log file of '%s': %s\n", prog, name,
			closed[0] ? closed : strerror(-err));
		return EXIT_KERNEL;
	}
	printf("%s\n", closed);
	return EXIT_OK;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ "format", required_argument, NULL, 'J' },
		{ NULL, 0, NULL, 0 },
	};
	enum output_format format = OUTPUT_TEXT;
	bool verbose = false;
	const char *cmd;
	int c;

	while ((c = getopt_long(argc, argv, "vhV", longopts, NULL)) != -1) {
		switch (c) {
		case 'v': verbose = true; break;
		case 'J':
			if (strcmp(optarg, "json") && strcmp(optarg, "text")) {
				fprintf(stderr, "%s: --format is 'text' or 'json'\n", prog);
				return EXIT_USAGE;
			}
			format = strcmp(optarg, "json") ? OUTPUT_TEXT : OUTPUT_JSON;
			break;
		case 'h': usage(stdout); return EXIT_OK;
		case 'V': printf("trace-instance (tap) %s\n", PACKAGE_VERSION); return EXIT_OK;
		default: usage(stderr); return EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return EXIT_USAGE;
	}
	cmd = argv[optind++];
	if (geteuid() != 0) {
		fprintf(stderr, "%s: needs root (tracefs)\n", prog);
		return EXIT_KERNEL;
	}
	if (!strcmp(cmd, "list") && optind == argc)
		return list(verbose);
	if (optind + 1 != argc) {
		fprintf(stderr, "%s: '%s' takes one session name\n", prog, cmd);
		return EXIT_USAGE;
	}
	if (!strcmp(cmd, "attach"))
		return attach(argv[optind], format);
	if (!strcmp(cmd, "stop"))
		return stop(argv[optind]);
	if (!strcmp(cmd, "rotate"))
		return rotate(argv[optind]);
	fprintf(stderr, "%s: unknown command '%s'\n", prog, cmd);
	usage(stderr);
	return EXIT_USAGE;
}
