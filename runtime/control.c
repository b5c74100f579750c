// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Commands on running sessions, from any process: find one, compile a
 * flight recorder's script again to attach to it, stop it, switch its
 * log files. They meet the session's processes through its record in
 * the run directory (state.h).
 */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "planfile.h"
#include "session.h"
#include "session_internal.h"
#include "shared.h"
#include "state.h"
#include "tfb.h"

/* how long a command waits for a session's processes (ms) */
#define CONTROL_WAIT_MS 15000
#define POLL_MS 20

static void sleep_ms(int ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

struct find_ctx {
	const char *name;
	char *instance;
	size_t n;
	bool found;
};

/* a shared buffer's host (instance tap_BUFFER, session NAME), or a guest
 * in one (HOST/guests/NAME) */
static void find_shared(const char *instance, void *arg)
{
	struct find_ctx *f = arg;
	struct state_session ss;
	char key[PATH_MAX];

	if (f->found)
		return;
	shared_guest_key(instance, f->name, key, sizeof(key));
	if (state_has_file(key, "owner")) {
		snprintf(f->instance, f->n, "%s", key);
		f->found = true;
		return;
	}
	if (!state_has_file(instance, "shared") || state_session_load(instance, &ss))
		return;
	if (!strcmp(ss.name, f->name)) {
		snprintf(f->instance, f->n, "%s", instance);
		f->found = true;
	}
	state_session_release(&ss);
}

int session_find(const char *name, char *instance, size_t n)
{
	struct find_ctx f = { name, instance, n, false };
	struct state_owner own;

	if (!strncmp(name, "tap_", 4) || shared_is_guest(name)) {
		snprintf(instance, n, "%s", name);
		if (!state_read(instance, &own))
			return 0;
	}
	snprintf(instance, n, "tap_%s", name);
	if (!state_read(instance, &own))
		return 0;
	state_foreach(find_shared, &f);
	return f.found ? 0 : -ENOENT;
}

int session_wait_readers(const char *instance, int timeout_ms, pid_t self)
{
	for (int waited = 0;; waited += POLL_MS) {
		pid_t writer = state_writer(instance);
		int n = state_count_readers(instance, self) + (writer > 0 && writer != self);

		if (!n)
			return 0;
		if (waited >= timeout_ms)
			return -ETIMEDOUT;
		sleep_ms(POLL_MS);
	}
}

/* --- compiling a flight recorder again ------------------------------------------- */

/* "NAME=VALUE" strings back into -D definitions */
static struct compile_define *split_defines(const struct state_session *ss)
{
	struct compile_define *v = calloc(ss->ndefines + 1, sizeof(*v));

	if (!v)
		return NULL;
	for (size_t i = 0; i < ss->ndefines; i++) {
		char *eq = strchr(ss->defines[i], '=');

		v[i].name = ss->defines[i];
		v[i].value = eq ? eq + 1 : "1";
		if (eq)
			*eq = '\0';
	}
	return v;
}

static int plan_text(const struct program *p, char **text)
{
	size_t len;
	FILE *f = open_memstream(text, &len);

	if (!f)
		return -ENOMEM;
	program_print_plan(p, f);
	return fclose(f) ? -ENOMEM : 0;
}

/* the same script and options must give the same plan, or the probes in
 * the kernel are not the ones the handlers were written for */
static int check_plan(const char *instance, const struct program *p, FILE *log,
		      const char *prog_name)
{
	char *stored = NULL, *now = NULL;
	int err = state_read_file(instance, "plan", &stored, NULL);

	if (!err)
		err = plan_text(p, &now);
	if (!err && strcmp(stored, now)) {
		fprintf(log,
			"%s: the script of '%s' no longer compiles to the probes the session runs "
			"(the kernel or a traced binary changed); stop it and start it again\n",
			prog_name, instance);
		err = -ESTALE;
	}
	free(stored);
	free(now);
	return err;
}

/*
 * A session started from a plan file is rebuilt from its copy of it (no
 * target needed, which may be why it was precompiled); a script's, by
 * compiling it.
 */
static int compile_again(const char *instance, struct src_file *src, struct target *t,
			 struct compile_opts *co, struct diag *d, struct program **prog,
			 FILE *log, const char *prog_name)
{
	struct planfile pf;
	char path[PATH_MAX], why[1024];
	int err;

	if (!state_has_file(instance, "planfile"))
		return compile_program(src, t, co, d, prog);
	state_path(instance, "planfile", path, sizeof(path));
	err = planfile_load(path, &pf, why, sizeof(why));
	if (err) {
		fprintf(log, "%s: %s\n", prog_name, why);
		return err;
	}
	co->replay = pf.replay;
	err = compile_program(src, t, co, d, prog);
	co->replay = NULL;
	/* every probe was replayed: none keeps a record of the file */
	for (size_t i = 0; !err && i < (*prog)->ndprobes; i++)
		(*prog)->dprobes[i]->pdata = NULL;
	planfile_release(&pf);
	return err;
}

int session_recompile(const char *instance, struct state_session *ss,
		      struct src_file **src, struct target **target,
		      struct program **prog, FILE *log, const char *prog_name)
{
	struct compile_define *defines = NULL;
	struct compile_opts co = { 0 };
	bool guest;
	struct diag d;
	int err;

	*src = NULL;
	*target = NULL;
	*prog = NULL;
	err = state_session_load(instance, ss);
	if (err) {
		fprintf(log, "%s: '%s' is not a flight recorder, or its record is damaged: %s\n",
			prog_name, instance, strerror(-err));
		return err;
	}
	err = src_file_from_string(ss->script_name, ss->script, ss->script_len, src);
	if (!err)
		err = target_open(NULL, target);
	if (!err && !(defines = split_defines(ss)))
		err = -ENOMEM;
	if (err) {
		free(defines);
		return err;
	}
	tfb_confirm_features(&(*target)->features, "tap_probe");
	co.session = ss->name;
	co.instance = shared_name(defines, ss->ndefines, ss->name, &guest);
	co.buffer_kb = ss->buffer_kb;
	co.overwrite = true;
	co.args = ss->args;
	co.nargs = ss->nargs;
	co.target_pid = ss->target_pid;
	co.defines = defines;
	co.ndefines = ss->ndefines;
	diag_init(&d, *src);
	err = compile_again(instance, *src, *target, &co, &d, prog, log, prog_name);
	diag_print(&d, log, prog_name, diag_want_color(log));
	diag_release(&d);
	free(defines);
	return err ? err : check_plan(instance, *prog, log, prog_name);
}

/* --- stopping -------------------------------------------------------------------- */

/* waits for process @pid to end, and @instance's record with it (the
 * process removes it on its way out) */
static int wait_record_gone(const char *instance, pid_t pid)
{
	for (int waited = 0; waited < CONTROL_WAIT_MS; waited += POLL_MS) {
		/* a zombie is gone too: its parent (tapd) reaps it later */
		bool gone = (kill(pid, 0) < 0 && errno == ESRCH) || !state_proc_start(pid);

		if (gone)
			return state_has_file(instance, "owner") ? -ESRCH : 0;
		sleep_ms(POLL_MS);
	}
	return -ETIMEDOUT;
}

/* a tapc in the foreground: it cleans up after itself on SIGTERM */
static int stop_foreground(const char *instance, const struct state_owner *own)
{
	if (kill(own->pid, SIGTERM) < 0)
		return -errno;
	return wait_record_gone(instance, own->pid);
}

/* no process of the session is left to do it: we take it down */
static int take_down(const char *instance, const char *group, FILE *log,
		     const char *prog)
{
	int err;

	tfb_instance_tracing(instance, false);
	state_write_file(instance, "stopping", "", 0);
	if (session_wait_readers(instance, CONTROL_WAIT_MS, 0))
		fprintf(log, "%s: readers of '%s' did not finish in time\n", prog, instance);
	err = tfb_remove_leftovers(instance, group);
	if (err) {
		fprintf(log, "%s: cannot remove instance '%s': %s\n", prog, instance,
			strerror(-err));
		return err;
	}
	return state_release(instance);
}

int session_stop_guests(const char *instance, FILE *log, const char *prog)
{
	char **names = shared_guests(instance);
	int err = 0;

	for (size_t i = 0; names && names[i]; i++) {
		char key[PATH_MAX];
		int e;

		shared_guest_key(instance, names[i], key, sizeof(key));
		e = shared_leave(key, log, prog);
		if (e && e != -ENOENT && !err)
			err = e;
	}
	shared_names_free(names);
	return err;
}

int session_stop(const char *instance, FILE *log, const char *prog)
{
	struct state_owner own;
	char **guests;
	pid_t writer;

	if (shared_is_guest(instance))
		return shared_leave(instance, log, prog);
	if (state_read(instance, &own))
		return -ENOENT;
	/* a shared buffer's host stays while guests use it */
	guests = shared_guests(instance);
	if (guests && guests[0]) {
		fprintf(log, "%s: guests of '%s' still use it:", prog, instance + 4);
		for (size_t i = 0; guests[i]; i++)
			fprintf(log, " %s", guests[i]);
		fprintf(log, " (stop them first, or force the stop)\n");
		shared_names_free(guests);
		return -EBUSY;
	}
	shared_names_free(guests);
	if (!own.detached && state_owner_alive(&own))
		return stop_foreground(instance, &own);
	/* the writer finishes its files, end probes included, and takes the
	 * session down itself */
	writer = state_writer(instance);
	if (writer > 0) {
		kill(writer, SIGTERM);
		if (!wait_record_gone(instance, writer))
			return 0;
		if (!state_has_file(instance, "owner"))
			return 0;
	}
	return take_down(instance, own.group, log, prog);
}

/* --- rotating --------------------------------------------------------------------- */

/* the process that writes the session's files: its writer, or a tapc
 * running in the foreground */
static pid_t file_writer(const char *instance)
{
	struct state_owner own;
	pid_t pid = state_writer(instance);

	if (pid > 0)
		return pid;
	if (!state_read(instance, &own) && !own.detached && state_owner_alive(&own))
		return own.pid;
	return 0;
}

static int read_reply(const char *instance, const char *file, char *closed, size_t n)
{
	char *text = NULL;
	size_t len;
	int err;

	err = state_read_file(instance, file, &text, &len);
	if (err)
		return err;
	if (len && text[len - 1] == '\n')
		text[len - 1] = '\0';
	if (!strncmp(text, "closed ", 7)) {
		snprintf(closed, n, "%s", text + 7);
	} else {
		snprintf(closed, n, "%s", !strncmp(text, "error ", 6) ? text + 6 : text);
		err = strstr(text, "not supported") ? -ENOTSUP : -EIO;
	}
	free(text);
	return err;
}

int session_rotate(const char *instance, char *closed, size_t n)
{
	union sigval v = { .sival_int = (int)getpid() };
	char file[64], path[PATH_MAX];
	pid_t pid;

	if (!state_has_file(instance, "owner"))
		return -ENOENT;
	pid = file_writer(instance);
	if (pid <= 0)
		return -ESRCH;
	snprintf(file, sizeof(file), "replies/%d", (int)getpid());
	state_path(instance, file, path, sizeof(path));
	unlink(path);
	if (sigqueue(pid, SIGUSR2, v) < 0)
		return -errno;
	for (int waited = 0; waited < CONTROL_WAIT_MS; waited += POLL_MS) {
		if (state_has_file(instance, file)) {
			int err = read_reply(instance, file, closed, n);

			unlink(path);
			return err;
		}
		sleep_ms(POLL_MS);
	}
	return -ETIMEDOUT;
}
