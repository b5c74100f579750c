// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * tapc: compile a tap script and run it (tapc(1)). A thin driver: options,
 * then the compiler, the backend and the runtime do the work.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>
#include <wordexp.h>

#include "compiler.h"
#include "crashmeta.h"
#include "planfile.h"
#include "rotate.h"
#include "session.h"
#include "shared.h"
#include "state.h"
#include "target.h"
#include "tfb.h"

/* exit statuses, documented in tapc(1) */
enum {
	EXIT_OK = 0,
	EXIT_SCRIPT = 1,	/* the script has errors, or failed at run time */
	EXIT_USAGE = 2,	/* bad command line */
	EXIT_KERNEL = 3,	/* the kernel or the system refused */
};

#define MAX_DEFINES 64

struct options {
	const char *script_file;
	const char *script_text;	/* -e */
	int pass;	/* -p N; 0: run */
	char *command;	/* -c */
	long target_pid;	/* -x */
	const char *name;	/* -m */
	unsigned buffer_mb;	/* -s */
	bool verbose;
	const char *output;	/* -o */
	const char *size;	/* -S as given */
	struct rotate_spec files;	/* -o and -S */
	bool flight;	/* -F */
	const char *attach;	/* -A NAME */
	const char *stop;	/* --stop NAME */
	const char *rotate;	/* --rotate NAME */
	const char *snapshot;	/* --snapshot NAME */
	const char *resume;	/* --resume NAME */
	bool foreground;	/* -F -o --foreground */
	const char *compile_to;	/* --compile-to FILE */
	const char *plan_file;	/* --plan FILE */
	bool force;	/* --stop --force: a shared buffer's guests leave first */
	char *option_text;	/* the options, as words, for a plan file */
	enum output_format format;	/* --format */
	bool raw;	/* --raw */
	const char *target_dir;	/* --target */
	bool cleanup;
	struct compile_define defines[MAX_DEFINES];
	size_t ndefines;
	char **args;
	int nargs;
};

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: tapc [OPTIONS] FILE [ARGS...]\n"
		"       tapc [OPTIONS] -e SCRIPT [ARGS...]\n"
		"Compile a tap script to tracefs probes and run it.\n"
		"\n"
		"  -e SCRIPT      run SCRIPT given on the command line\n"
		"  -p N           stop after pass N and print it: 1 the parsed script,\n"
		"                 2 the plan (the exact tracefs writes and handlers)\n"
		"  -c CMD         run CMD, trace, and stop when it ends; target() is its\n"
		"                 pid (CMD with shell syntax runs under sh -c)\n"
		"  -x PID         set target() to PID\n"
		"  -m NAME        session name; the instance is tap_NAME\n"
		"  -s MB          ring buffer size per CPU, in MB (default 1)\n"
		"  -o FILE        write the output to FILE, a strftime(3) format (local\n"
		"                 time, expanded at every open); SIGUSR2 switches to\n"
		"                 FILE.1, FILE.2, ...\n"
		"  -S SIZE[,N]    switch to the next file FILE.0, FILE.1, ... when one\n"
		"                 passes SIZE MB (or SIZE with K, M or G), keeping the\n"
		"                 newest N files (needs -o)\n"
		"  -F             flight recorder: start tracing into the kernel's buffer\n"
		"                 (overwriting the oldest events) and return; with -o, a\n"
		"                 background process writes the files\n"
		"  -A NAME        attach to flight recorder NAME: show what it holds,\n"
		"                 then follow; Ctrl-\\ detaches, Ctrl-C stops it\n"
		"  -D NAME=VALUE  set a limit: MAXSTRINGLEN, MAXMAPENTRIES, MAXACTION,\n"
		"                 MAXACTION_INTERRUPTIBLE, MAXNESTING, MAXERRORS,\n"
		"                 HIST_WIDTH, HIST_ELISION\n"
		"  -v             say more (events handled, setup steps)\n"
		"      --format=json  one JSON object per output record (JSON lines)\n"
		"      --raw      record the events themselves in trace.dat files (-o),\n"
		"                 as a script without handlers does\n"
		"      --stop NAME    stop session NAME (end probes run, it is removed)\n"
		"      --rotate NAME  make session NAME switch log files now; prints\n"
		"                 the name of the file it closed\n"
		"      --snapshot NAME  write what session NAME holds to a trace.dat file\n"
		"                 (-o FILE, or a timestamped name next to its log\n"
		"                 files); it records on\n"
		"      --foreground  with -F -o: write the files in this process, not a\n"
		"                 background one (for a supervisor such as tapd)\n"
		"      --resume NAME  become the writer of flight recorder NAME whose\n"
		"                 writer died, carrying on from its checkpoint\n"
		"      --shared-host NAME   -DRELAYHOST=NAME: a flight recorder whose\n"
		"                 instance tap_NAME other scripts may join\n"
		"      --shared-guest NAME  -DRELAYGUEST=NAME: join shared buffer NAME\n"
		"                 (its handlers run in the host's readers) and return\n"
		"      --force    with --stop: a shared buffer's guests leave first\n"
		"      --compile-to FILE  compile, and write a plan file that runs\n"
		"                 later without compiling (tapd's plan cache)\n"
		"      --plan FILE  run a plan file instead of a script: no BTF, DWARF\n"
		"                 or symbols needed; the kernel must be the one it was\n"
		"                 compiled for\n"
		"      --target DIR  compile for a saved target directory (with -p)\n"
		"      --cleanup  remove what tapc runs killed with SIGKILL left behind\n"
		"  -h, --help     show this help\n"
		"  -V, --version  show the version\n"
		"\n"
		"Exit status: 0 success, 1 script error, 2 usage error, 3 the kernel\n"
		"refused (no tracefs, not root, missing features).\n"
		"See tapc(1).\n");
}

static int parse_define(struct options *o, char *arg)
{
	char *eq = strchr(arg, '=');

	if (o->ndefines == MAX_DEFINES) {
		fprintf(stderr, "tapc: too many -D options\n");
		return -1;
	}
	if (eq)
		*eq = '\0';
	o->defines[o->ndefines].name = arg;
	o->defines[o->ndefines].value = eq ? eq + 1 : "1";
	o->ndefines++;
	return 0;
}

/* --shared-host/--shared-guest NAME: stap's -DRELAYHOST/-DRELAYGUEST */
static int shared_option(struct options *o, const char *define, const char *name)
{
	if (o->ndefines == MAX_DEFINES) {
		fprintf(stderr, "tapc: too many -D options\n");
		return -1;
	}
	o->defines[o->ndefines].name = define;
	o->defines[o->ndefines].value = name;
	o->ndefines++;
	return 0;
}

static int parse_number(const char *arg, const char *what, long min, long max,
			long *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(arg, &end, 10);
	if (errno || !*arg || *end || v < min || v > max) {
		fprintf(stderr, "tapc: %s must be a number from %ld to %ld, not '%s'\n",
			what, min, max, arg);
		return -1;
	}
	*out = v;
	return 0;
}

/* -o, -S, --raw and -F: what goes with what */
static int check_files(struct options *o)
{
	if (o->size && !o->output) {
		fprintf(stderr, "tapc: -S needs -o FILE\n");
		return -1;
	}
	if (o->size && rotate_parse_size(o->size, &o->files.size_max, &o->files.num_max)) {
		fprintf(stderr, "tapc: -S is SIZE[,N]: SIZE in MB (or with K, M or G), N files, not '%s'\n",
			o->size);
		return -1;
	}
	o->files.pattern = o->output;
	o->files.sized = o->size != NULL;
	if (o->raw && o->format == OUTPUT_JSON) {
		fprintf(stderr, "tapc: --raw records trace.dat files; it has no --format\n");
		return -1;
	}
	if (o->raw && !o->output && !o->flight) {
		fprintf(stderr, "tapc: --raw writes trace.dat files: give -o FILE\n");
		return -1;
	}
	if (o->flight && o->command) {
		fprintf(stderr, "tapc: -F leaves the session running: it cannot follow a -c command\n");
		return -1;
	}
	if (o->flight && o->attach) {
		fprintf(stderr, "tapc: -F starts a flight recorder and -A attaches to one: not both\n");
		return -1;
	}
	if (o->foreground && (!o->flight || !o->output)) {
		fprintf(stderr, "tapc: --foreground is for a flight recorder with log files (-F -o)\n");
		return -1;
	}
	return 0;
}

/*
 * The options as words (--compile-to FILE left out): kept in a plan file,
 * so tapd can tell whether a cached plan was made with today's options.
 */
static int record_options(struct options *o, char **argv, int end)
{
	size_t len = 1;
	char *p;

	for (int i = 1; i < end; i++)
		len += strlen(argv[i]) + 1;
	p = o->option_text = calloc(1, len);
	if (!p)
		return -1;
	for (int i = 1; i < end; i++) {
		if (!strcmp(argv[i], "--compile-to")) {
			i++;
			continue;
		}
		if (!strncmp(argv[i], "--compile-to=", 13))
			continue;
		p += sprintf(p, "%s%s", p == o->option_text ? "" : " ", argv[i]);
	}
	return 0;
}

static int parse_options(int argc, char **argv, struct options *o)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ "target", required_argument, NULL, 'T' },
		{ "cleanup", no_argument, NULL, 'C' },
		{ "format", required_argument, NULL, 'J' },
		{ "raw", no_argument, NULL, 'R' },
		{ "stop", required_argument, NULL, 'K' },
		{ "rotate", required_argument, NULL, 'U' },
		{ "resume", required_argument, NULL, 'W' },
		{ "snapshot", required_argument, NULL, 'N' },
		{ "foreground", no_argument, NULL, 'G' },
		{ "compile-to", required_argument, NULL, 'O' },
		{ "plan", required_argument, NULL, 'P' },
		{ "shared-host", required_argument, NULL, 'H' },
		{ "shared-guest", required_argument, NULL, 'Q' },
		{ "force", no_argument, NULL, 'f' },
		{ NULL, 0, NULL, 0 },
	};
	long n;
	int c;

	while ((c = getopt_long(argc, argv, "+e:p:c:x:m:s:o:S:FA:D:vhV", longopts, NULL)) != -1) {
		switch (c) {
		case 'e': o->script_text = optarg; break;
		case 'p':
			if (parse_number(optarg, "-p", 1, 2, &n))
				return -1;
			o->pass = (int)n;
			break;
		case 'c': o->command = optarg; break;
		case 'x':
			if (parse_number(optarg, "-x", 1, INT_MAX, &o->target_pid))
				return -1;
			break;
		case 'm': o->name = optarg; break;
		case 's':
			if (parse_number(optarg, "-s", 1, 65536, &n))
				return -1;
			o->buffer_mb = (unsigned)n;
			break;
		case 'o': o->output = optarg; break;
		case 'S': o->size = optarg; break;
		case 'F': o->flight = true; break;
		case 'A': o->attach = optarg; break;
		case 'J':
			if (!strcmp(optarg, "json")) {
				o->format = OUTPUT_JSON;
			} else if (!strcmp(optarg, "text")) {
				o->format = OUTPUT_TEXT;
			} else {
				fprintf(stderr, "tapc: --format is 'text' or 'json', not '%s'\n", optarg);
				return -1;
			}
			break;
		case 'R': o->raw = true; break;
		case 'K': o->stop = optarg; break;
		case 'U': o->rotate = optarg; break;
		case 'W': o->resume = optarg; break;
		case 'N': o->snapshot = optarg; break;
		case 'G': o->foreground = true; break;
		case 'O': o->compile_to = optarg; break;
		case 'P': o->plan_file = optarg; break;
		case 'H':
		case 'Q':
			if (shared_option(o, c == 'H' ? "RELAYHOST" : "RELAYGUEST", optarg))
				return -1;
			break;
		case 'f': o->force = true; break;
		case 'D':
			if (parse_define(o, optarg))
				return -1;
			break;
		case 'v': o->verbose = true; break;
		case 'T': o->target_dir = optarg; break;
		case 'C': o->cleanup = true; break;
		case 'h': usage(stdout); exit(EXIT_OK);
		case 'V': printf("tapc (tap) %s\n", PACKAGE_VERSION); exit(EXIT_OK);
		default: return -1;
		}
	}
	if (check_files(o))
		return -1;
	if (o->plan_file && o->script_text) {
		fprintf(stderr, "tapc: --plan runs a compiled plan: its script is in it\n");
		return -1;
	}
	if (o->snapshot && o->size) {
		fprintf(stderr, "tapc: --snapshot writes one file: -o FILE, no -S\n");
		return -1;
	}
	if (!o->script_text && !o->cleanup && !o->attach && !o->stop && !o->rotate &&
	    !o->resume && !o->plan_file && !o->snapshot) {
		if (optind >= argc) {
			fprintf(stderr, "tapc: no script given (a FILE or -e SCRIPT)\n");
			return -1;
		}
		o->script_file = argv[optind++];
	}
	o->args = argv + optind;
	o->nargs = argc - optind;
	return record_options(o, argv, optind - (o->script_file ? 1 : 0));
}

static bool valid_name(const char *s)
{
	if (!*s || strlen(s) > 40)
		return false;
	for (; *s; s++)
		if (!(*s == '_' || (*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9')))
			return false;
	return true;
}

/* tracefs must be there; mount it where it belongs when it is not */
static int ensure_tracefs(void)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s/instances", tfb_tracing_dir());
	if (access(path, F_OK) == 0)
		return 0;
	if (!getenv("TAP_TRACEFS") &&
	    mount("nodev", "/sys/kernel/tracing", "tracefs", 0, NULL) == 0)
		return 0;
	fprintf(stderr, "tapc: tracefs is not mounted at %s and cannot be mounted: %s\n",
		tfb_tracing_dir(), strerror(errno));
	return -1;
}

static void report_orphan(const char *instance, pid_t pid)
{
	fprintf(stderr, "tapc: removed instance '%s' left by process %d, which is gone\n",
		instance, (int)pid);
}

/*
 * Two runs of the same script get their own instances: tap_x, tap_x_2...
 * An explicit -m name must be free.
 */
static char *pick_session_name(const struct options *o, const char *base)
{
	char inst[128], *name;

	snprintf(inst, sizeof(inst), "tap_%s", base);
	if (!tfb_instance_exists(inst))
		return strdup(base);
	if (o->name) {
		struct state_owner own;

		if (!state_read(inst, &own) && state_owner_alive(&own))
			fprintf(stderr, "tapc: session '%s' is already running (pid %d)\n",
				base, (int)own.pid);
		else
			fprintf(stderr, "tapc: instance '%s' already exists and is not a tap session of ours\n",
				inst);
		return NULL;
	}
	for (int i = 2; i < 1000; i++) {
		snprintf(inst, sizeof(inst), "tap_%s_%d", base, i);
		if (!tfb_instance_exists(inst)) {
			if (asprintf(&name, "%s_%d", base, i) < 0)
				return NULL;
			return name;
		}
	}
	return NULL;
}

static int load_source(const struct options *o, struct src_file **src)
{
	int err;

	if (o->script_text)
		err = src_file_from_string("<command line>", o->script_text,
					   strlen(o->script_text), src);
	else
		err = src_file_load(o->script_file, src);
	if (err)
		fprintf(stderr, "tapc: cannot read '%s': %s\n",
			o->script_file ? o->script_file : "-e", strerror(-err));
	return err;
}

static int print_parse(struct src_file *src)
{
	struct arena arena;
	struct ast_script *script;
	struct diag d;
	int err;

	arena_init(&arena);
	diag_init(&d, src);
	err = lang_parse(src, &arena, &d, &script);
	diag_print(&d, stderr, "tapc", diag_want_color(stderr));
	if (!err)
		ast_print_script(script, stdout);
	diag_release(&d);
	arena_release(&arena);
	return err ? EXIT_SCRIPT : EXIT_OK;
}

struct driver {
	struct options o;
	struct planfile pf;	/* --plan */
	bool have_pf;
	struct src_file *src;
	struct target *target;
	struct program *prog;
	char *session;
	char *command_argv[4];
	wordexp_t words;
	bool have_words;
};

/* --plan FILE: the script comes out of the plan file */
static int load_plan(struct driver *dr)
{
	char err[PATH_MAX + 128];
	int rc = planfile_load(dr->o.plan_file, &dr->pf, err, sizeof(err));

	if (rc) {
		fprintf(stderr, "tapc: %s\n", err);
		return rc;
	}
	dr->have_pf = true;
	rc = src_file_from_string(dr->pf.script_name, dr->pf.source, dr->pf.source_len,
				  &dr->src);
	if (rc)
		fprintf(stderr, "tapc: cannot load the script of '%s': %s\n", dr->o.plan_file,
			strerror(-rc));
	return rc;
}

/* -s and -D with --plan: they must be what the plan was compiled with */
static int plan_options(struct driver *dr)
{
	const struct options *o = &dr->o;
	bool same = o->ndefines == dr->pf.ndefines;

	for (size_t i = 0; same && i < o->ndefines; i++)
		same = !strcmp(o->defines[i].name, dr->pf.defines[i].name) &&
		       !strcmp(o->defines[i].value, dr->pf.defines[i].value);
	if (o->buffer_mb && o->buffer_mb * 1024 != dr->pf.buffer_kb) {
		fprintf(stderr, "tapc: the plan file was compiled for -s %u, not -s %u\n",
			dr->pf.buffer_kb / 1024, o->buffer_mb);
		return -1;
	}
	if (o->ndefines && !same) {
		fprintf(stderr, "tapc: the plan file was compiled with other -D settings\n");
		return -1;
	}
	return 0;
}

/* a plan file runs only on the kernel it was compiled for */
static int plan_identity(struct driver *dr)
{
	char *build_id = dr->o.target_dir ? NULL : crashmeta_live_build_id();
	char why[512];
	int err = planfile_check_identity(&dr->pf, dr->target->release, build_id, why,
					  sizeof(why));

	if (err)
		fprintf(stderr, "tapc: the plan file '%s' does not fit this kernel: %s; compile "
			"the script again for it\n", dr->o.plan_file, why);
	free(build_id);
	return err;
}

/* --compile-to FILE: the plan file, written whole or not at all */
static int write_plan(struct driver *dr)
{
	const struct options *o = &dr->o;
	struct compile_opts co = {
		.buffer_kb = o->buffer_mb * 1024,
		.overwrite = o->flight,
		.args = o->args,
		.nargs = o->nargs,
		.target_pid = o->target_pid,
		.defines = o->defines,
		.ndefines = o->ndefines,
	};
	char tmp[PATH_MAX], *build_id = o->target_dir ? NULL : crashmeta_live_build_id();
	FILE *f;
	int err;

	snprintf(tmp, sizeof(tmp), "%s.tmp%d", o->compile_to, (int)getpid());
	f = fopen(tmp, "we");
	if (!f) {
		fprintf(stderr, "tapc: cannot write '%s': %s\n", tmp, strerror(errno));
		free(build_id);
		return EXIT_KERNEL;
	}
	err = planfile_write(f, dr->prog, &co, o->option_text, build_id);
	if (fclose(f) && !err)
		err = -errno;
	if (!err && rename(tmp, o->compile_to) < 0)
		err = -errno;
	free(build_id);
	if (err) {
		unlink(tmp);
		fprintf(stderr, "tapc: cannot write '%s': %s\n", o->compile_to, strerror(-err));
		return EXIT_KERNEL;
	}
	return EXIT_OK;
}

static int compile(struct driver *dr, struct diag *d)
{
	const struct options *o = &dr->o;
	struct compile_opts co = {
		.session = dr->session,
		.buffer_kb = o->buffer_mb * 1024,
		.overwrite = o->flight,
		.args = o->args,
		.nargs = o->nargs,
		.target_pid = o->target_pid,
		.defines = o->defines,
		.ndefines = o->ndefines,
	};
	bool guest;
	int err;

	co.instance = shared_name(o->defines, o->ndefines, dr->session, &guest);
	/* a guest records into a flight recorder, as attach recompiles it */
	if (co.instance && guest)
		co.overwrite = true;
	err = target_open(o->target_dir, &dr->target);
	if (err) {
		fprintf(stderr, "tapc: cannot read the target %s: %s\n",
			o->target_dir ? o->target_dir : "kernel", strerror(-err));
		return EXIT_KERNEL;
	}
	if (!o->target_dir && geteuid() == 0)
		tfb_confirm_features(&dr->target->features, "tap_probe");
	if (dr->have_pf) {
		if (plan_options(dr))
			return EXIT_USAGE;
		err = plan_identity(dr);
		if (err)
			return EXIT_KERNEL;
		planfile_compile_opts(&dr->pf, &co);
	}
	err = compile_program(dr->src, dr->target, &co, d, &dr->prog);
	diag_print(d, stderr, "tapc", diag_want_color(stderr));
	return err ? EXIT_SCRIPT : EXIT_OK;
}

/*
 * -c CMD: a plain command line is split into words and run directly, so
 * target() is the command itself; one with shell syntax (';', '|', ...)
 * runs under sh -c, and target() is that shell.
 */
static bool shell_word(const char *w)
{
	static const char *const words[] = {
		"exec", "cd", "export", "set", "unset", "for", "while", "until",
		"if", "case", "eval", ".", "source", "ulimit", "umask", "trap",
	};

	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (!strcmp(w, words[i]))
			return true;
	return strchr(w, '=') != NULL;	/* VAR=value cmd */
}

static char *const *command_argv(struct driver *dr)
{
	if (wordexp(dr->o.command, &dr->words, WRDE_NOCMD) == 0) {
		dr->have_words = true;
		if (dr->words.we_wordc && !shell_word(dr->words.we_wordv[0]))
			return dr->words.we_wordv;
	}
	dr->command_argv[0] = "/bin/sh";
	dr->command_argv[1] = "-c";
	dr->command_argv[2] = dr->o.command;
	return dr->command_argv;
}

/* a script whose event probes have no statements records the events
 * themselves (with -o, as trace.dat) */
static bool without_handlers(const struct program *p)
{
	bool events = false;

	for (size_t i = 0; i < p->ndprobes; i++) {
		const struct dprobe *dp = p->dprobes[i];

		if (dp->kind != DPROBE_EVENT)
			continue;
		if (dp->probe->c && dp->probe->c->a)
			return false;
		events = true;
	}
	return events;
}

/* a raw recording keeps every event its probes' kernel filters let
 * through: a condition left to user space does not apply */
static void warn_raw_conditions(const struct program *p)
{
	for (size_t i = 0; i < p->ndprobes; i++) {
		const struct dprobe *dp = p->dprobes[i];

		if (dp->kind == DPROBE_EVENT && dp->probe->b && !dp->cond_in_kernel)
			fprintf(stderr,
				"tapc: warning: the condition of '%s' is not a kernel filter: "
				"the raw recording keeps all its events\n", dp->pp);
	}
}

static void session_options(const struct driver *dr, struct session_opts *so)
{
	const struct options *o = &dr->o;

	so->prog = "tapc";
	so->log = stderr;
	so->verbose = o->verbose;
	so->out_fd = STDOUT_FILENO;
	so->files = o->output ? &o->files : NULL;
	so->size_arg = o->size;
	so->format = o->format;
	so->raw = o->raw || (o->output && o->format == OUTPUT_TEXT && dr->prog &&
			     without_handlers(dr->prog));
	so->defines = o->defines;
	so->ndefines = o->ndefines;
	so->plan_file = o->plan_file;
}

static void say_recording(const struct plan *plan, const char *output, pid_t writer)
{
	printf("tapc: flight recorder '%s' is recording (instance %s, %u KB per CPU)\n",
	       plan->session, plan->instance.name, plan->instance.buffer_kb);
	printf("tapc: attach with 'tapc -A %s' (Ctrl-\\ detaches, Ctrl-C stops it); "
	       "stop it with 'tapc --stop %s'\n", plan->session, plan->session);
	if (writer > 0)
		printf("tapc: process %d writes '%s'; switch files with 'kill -USR2 %d' or "
		       "'tapc --rotate %s'\n", (int)writer, output, (int)writer,
		       plan->session);
}

/*
 * --foreground and --resume: this process goes on as the writer. What it
 * says goes out now; a supervisor reading stdout sees the pipe close
 * then, which tells it the session runs.
 */
static void ready_foreground(void *arg, pid_t writer)
{
	struct driver *dr = arg;

	if (dr->o.resume)
		printf("tapc: resumed '%s': process %d writes '%s'\n", dr->prog->plan->session,
		       (int)writer, dr->o.output);
	else
		say_recording(dr->prog->plan, dr->o.output, writer);
	fflush(stdout);
	if (!freopen("/dev/null", "w", stdout))
		fprintf(stderr, "tapc: cannot close the standard output\n");
}

static int start_flight(struct driver *dr, struct session_opts *so, struct diag *d)
{
	const struct plan *plan = dr->prog->plan;
	pid_t writer;
	int status;

	if (!plan->instance.name) {
		fprintf(stderr, "tapc: -F needs probes on kernel events: this script has none\n");
		return EXIT_USAGE;
	}
	if (dr->o.foreground) {
		so->foreground = true;
		so->ready = ready_foreground;
		so->ready_arg = dr;
	}
	status = session_flight(dr->prog, so, d, &writer);
	if (status || dr->o.foreground)
		return status;
	say_recording(plan, dr->o.output, writer);
	return EXIT_OK;
}

/* 0: no shared buffer or a host; 1: a guest; -1: options that do not fit */
static int shared_mode(const struct driver *dr)
{
	const struct options *o = &dr->o;
	bool guest;
	const char *name = shared_name(o->defines, o->ndefines, dr->session, &guest);

	if (!name)
		return 0;
	if (!guest && !o->flight) {
		fprintf(stderr, "tapc: a shared buffer's host is a flight recorder: give -F\n");
		return -1;
	}
	if (guest && (o->output || o->command || o->raw)) {
		fprintf(stderr, "tapc: a guest's output goes to its host's: no -o, -c or --raw\n");
		return -1;
	}
	return guest ? 1 : 0;
}

static int join_shared(struct driver *dr, struct session_opts *so, struct diag *d)
{
	const struct plan *plan = dr->prog->plan;
	int status = shared_join(dr->prog, so, d);

	if (!status)
		printf("tapc: '%s' joined shared buffer '%s'; it leaves with 'tapc --stop %s'\n",
		       plan->session, plan->instance.name + 4, plan->session);
	return status;
}

static int run(struct driver *dr)
{
	struct session_opts so = { 0 };
	struct diag d;
	int status;

	session_options(dr, &so);
	if (so.raw)
		warn_raw_conditions(dr->prog);
	if (dr->o.command)
		so.command = command_argv(dr);
	diag_init(&d, dr->src);
	if (shared_mode(dr) < 0)
		status = EXIT_USAGE;
	else if (shared_mode(dr) > 0)
		status = join_shared(dr, &so, &d);
	else if (dr->o.flight)
		status = start_flight(dr, &so, &d);
	else
		status = session_run(dr->prog, &so, &d);
	diag_print(&d, stderr, "tapc", diag_want_color(stderr));
	diag_release(&d);
	return status;
}

static int prepare_session(struct driver *dr)
{
	const struct options *o = &dr->o;
	char *base;

	if (o->name && !valid_name(o->name)) {
		fprintf(stderr, "tapc: session name '%s' must be 1-40 letters, digits or '_'\n",
			o->name);
		return EXIT_USAGE;
	}
	if (dr->have_pf && o->name && strcmp(o->name, dr->pf.session)) {
		fprintf(stderr, "tapc: the plan file is for session '%s', not '%s'\n",
			dr->pf.session, o->name);
		return EXIT_USAGE;
	}
	base = dr->have_pf ? strdup(dr->pf.session) :
	       o->name	   ? strdup(o->name) :
			     compile_session_name(o->script_file ? o->script_file : "tap");
	if (!base)
		return EXIT_KERNEL;
	if (o->pass || o->target_dir || o->compile_to) {
		dr->session = base;
		return EXIT_OK;
	}
	if (geteuid() != 0) {
		fprintf(stderr, "tapc: running a script needs root (tracefs); -p2 works without\n");
		free(base);
		return EXIT_KERNEL;
	}
	if (ensure_tracefs()) {
		free(base);
		return EXIT_KERNEL;
	}
	state_cleanup_orphans(report_orphan);
	dr->session = pick_session_name(o, base);
	free(base);
	return dr->session ? EXIT_OK : EXIT_KERNEL;
}

static int need_root(const char *what)
{
	if (geteuid() != 0) {
		fprintf(stderr, "tapc: %s needs root\n", what);
		return EXIT_KERNEL;
	}
	return ensure_tracefs() ? EXIT_KERNEL : EXIT_OK;
}

/* a session by the name users know, or its instance's name */
static int find_session(const char *name, char *instance, size_t n)
{
	if (session_find(name, instance, n)) {
		fprintf(stderr, "tapc: no session '%s'\n", name);
		return EXIT_USAGE;
	}
	return EXIT_OK;
}

static int stop_command(const char *name, bool force)
{
	char instance[256];
	int status = need_root("--stop"), err;

	if (!status)
		status = find_session(name, instance, sizeof(instance));
	if (status)
		return status;
	if (force && !shared_is_guest(instance))
		session_stop_guests(instance, stderr, "tapc");
	err = session_stop(instance, stderr, "tapc");
	if (err == -EBUSY)
		return EXIT_USAGE;
	if (err && err != -ENOENT) {
		fprintf(stderr, "tapc: cannot stop '%s': %s\n", name, strerror(-err));
		return EXIT_KERNEL;
	}
	fprintf(stderr, "tapc: stopped '%s'\n", name);
	return EXIT_OK;
}

static int rotate_command(const char *name)
{
	char instance[256], closed[PATH_MAX] = "";
	int status = need_root("--rotate"), err;

	if (!status)
		status = find_session(name, instance, sizeof(instance));
	if (status)
		return status;
	err = session_rotate(instance, closed, sizeof(closed));
	if (err == -ESRCH || err == -ENOTSUP) {
		fprintf(stderr, "tapc: session '%s' writes no log files (-o)\n", name);
		return EXIT_USAGE;
	}
	if (err) {
		fprintf(stderr, "tapc: cannot switch the log file of '%s': %s\n", name,
			closed[0] ? closed : strerror(-err));
		return EXIT_KERNEL;
	}
	/* the closed file, alone on its line, for backup scripts */
	printf("%s\n", closed);
	return EXIT_OK;
}

/* --snapshot NAME [-o FILE]: next to its log files, without -o */
static int snapshot_command(const struct options *o)
{
	char instance[PATH_MAX], dir[PATH_MAX] = ".", name[PATH_MAX], *slash;
	struct state_session ss;
	int status = need_root("--snapshot"), err;

	if (!status)
		status = find_session(o->snapshot, instance, sizeof(instance));
	if (status)
		return status;
	if (!o->output && !state_session_load(instance, &ss)) {
		if (ss.output && (slash = strrchr(ss.output, '/')))
			snprintf(dir, sizeof(dir), "%.*s", (int)(slash - ss.output), ss.output);
		state_session_release(&ss);
	}
	err = session_snapshot(instance, o->output, dir, name, sizeof(name));
	if (err) {
		fprintf(stderr, "tapc: cannot write a snapshot of '%s': %s\n", o->snapshot,
			err == -EEXIST ? "the file exists, and tap never overwrites a file" :
					 strerror(-err));
		return EXIT_KERNEL;
	}
	printf("%s\n", name);
	return EXIT_OK;
}

static int attach_command(struct driver *dr)
{
	struct state_session ss = { 0 };
	struct session_opts so = { 0 };
	struct state_owner own;
	char instance[256];
	struct diag d;
	int status = need_root("-A"), err;

	if (!status)
		status = find_session(dr->o.attach, instance, sizeof(instance));
	if (status)
		return status;
	if (!state_read(instance, &own) && !own.detached) {
		fprintf(stderr, "tapc: session '%s' is not a flight recorder (tapc process %d runs it)\n",
			dr->o.attach, (int)own.pid);
		return EXIT_USAGE;
	}
	err = session_recompile(instance, &ss, &dr->src, &dr->target, &dr->prog, stderr, "tapc");
	if (!err) {
		session_options(dr, &so);
		so.raw = dr->o.raw;
		diag_init(&d, dr->src);
		status = session_attach(dr->prog, &so, &d);
		diag_print(&d, stderr, "tapc", diag_want_color(stderr));
		diag_release(&d);
	}
	program_free(dr->prog);
	dr->prog = NULL;
	state_session_release(&ss);
	return err ? EXIT_KERNEL : status;
}

/* --resume: the options the session was started with, from its record */
static int resume_options(struct driver *dr, const struct state_session *ss)
{
	struct options *o = &dr->o;

	if (!ss->output) {
		fprintf(stderr, "tapc: session '%s' writes no log files: there is nothing to resume\n",
			ss->name);
		return EXIT_USAGE;
	}
	o->output = ss->output;
	o->size = ss->size;
	o->raw = ss->raw;
	o->format = ss->format && !strcmp(ss->format, "json") ? OUTPUT_JSON : OUTPUT_TEXT;
	o->flight = true;
	o->foreground = true;
	return check_files(o) ? EXIT_USAGE : EXIT_OK;
}

static int resume_command(struct driver *dr)
{
	struct state_session ss = { 0 };
	struct session_opts so = { 0 };
	char instance[256];
	struct diag d;
	int status = need_root("--resume"), err;

	if (!status)
		status = find_session(dr->o.resume, instance, sizeof(instance));
	if (status)
		return status;
	err = session_recompile(instance, &ss, &dr->src, &dr->target, &dr->prog, stderr, "tapc");
	if (!err)
		status = resume_options(dr, &ss);
	if (!err && !status) {
		session_options(dr, &so);
		so.raw = dr->o.raw;
		so.foreground = true;
		so.ready = ready_foreground;
		so.ready_arg = dr;
		diag_init(&d, dr->src);
		status = session_resume(dr->prog, &so, &d);
		diag_print(&d, stderr, "tapc", diag_want_color(stderr));
		diag_release(&d);
	}
	program_free(dr->prog);
	dr->prog = NULL;
	state_session_release(&ss);
	return err ? EXIT_KERNEL : status;
}

static int cleanup_only(void)
{
	int n;

	if (geteuid() != 0) {
		fprintf(stderr, "tapc: --cleanup needs root\n");
		return EXIT_KERNEL;
	}
	if (ensure_tracefs())
		return EXIT_KERNEL;
	n = state_cleanup_orphans(report_orphan);
	fprintf(stderr, "tapc: %d orphaned session%s removed\n", n, n == 1 ? "" : "s");
	return EXIT_OK;
}

/* the commands on an existing session (or on the orphans) */
static int session_command(const struct options *o)
{
	if (o->cleanup)
		return cleanup_only();
	if (o->stop)
		return stop_command(o->stop, o->force);
	if (o->rotate)
		return rotate_command(o->rotate);
	return snapshot_command(o);
}

int main(int argc, char **argv)
{
	struct driver dr = { 0 };
	struct diag d;
	int status;

	if (parse_options(argc, argv, &dr.o)) {
		fprintf(stderr, "Try 'tapc --help'.\n");
		return EXIT_USAGE;
	}
	if (dr.o.cleanup || dr.o.stop || dr.o.rotate || dr.o.snapshot) {
		status = session_command(&dr.o);
		goto out;
	}
	if (dr.o.attach) {
		status = attach_command(&dr);
		goto out;
	}
	if (dr.o.resume) {
		status = resume_command(&dr);
		goto out;
	}
	if (dr.o.plan_file ? load_plan(&dr) : load_source(&dr.o, &dr.src)) {
		status = EXIT_USAGE;
		goto out;
	}
	if (dr.o.pass == 1) {
		status = print_parse(dr.src);
		goto out;
	}
	status = prepare_session(&dr);
	if (status)
		goto out;
	diag_init(&d, dr.src);
	status = compile(&dr, &d);
	diag_release(&d);
	if (status)
		goto out;
	if (dr.o.pass == 2) {
		program_print_plan(dr.prog, stdout);
		goto out;
	}
	if (dr.o.compile_to) {
		status = write_plan(&dr);
		goto out;
	}
	status = run(&dr);
out:
	program_free(dr.prog);
	target_free(dr.target);
	src_file_free(dr.src);
	free(dr.session);
	free(dr.o.option_text);
	if (dr.have_pf)
		planfile_release(&dr.pf);
	if (dr.have_words)
		wordfree(&dr.words);
	return status;
}
