// SPDX-License-Identifier: GPL-2.0-or-later
/* tapd's control requests (commands.h). */
#include "commands.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "session.h"
#include "state.h"
#include "tfb.h"
#include "kver.h"

int command_split(char *line, char **argv)
{
	int n = 0;
	char *w = line;

	for (char *p = line; *p;) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (!*p)
			break;
		if (n == COMMAND_MAX_ARGS)
			return -1;
		argv[n++] = w;
		for (; *p && *p != ' ' && *p != '\t'; p++) {
			if (*p == '\\' && p[1])
				p++;
			*w++ = *p;
		}
		if (*p)
			p++;
		*w++ = '\0';
	}
	return n;
}

static struct svc *find(struct command_ctx *cx, const char *name)
{
	struct svc *s = service_find(cx->sv, name);

	if (!s)
		fprintf(cx->out, "ERROR no script '%s' in the registry\n", name);
	return s;
}

/* --- start, stop, restart, status ---------------------------------------------- */

static int cmd_start(struct command_ctx *cx, int argc, char **argv)
{
	return service_start(cx->sv, argv + 1, (size_t)argc - 1, cx->out);
}

static int cmd_stop(struct command_ctx *cx, int argc, char **argv)
{
	bool force = argc > 1 && !strcmp(argv[1], "--force");

	return service_stop(cx->sv, argv + 1 + force, (size_t)(argc - 1 - force), force,
			    cx->out);
}

static int cmd_restart(struct command_ctx *cx, int argc, char **argv)
{
	service_stop(cx->sv, argv + 1, (size_t)argc - 1, false, cx->out);
	return service_start(cx->sv, argv + 1, (size_t)argc - 1, cx->out);
}

static int cmd_status(struct command_ctx *cx, int argc, char **argv)
{
	for (int i = 1; i < argc; i++)
		if (!find(cx, argv[i]))
			return -1;
	service_status(cx->sv, argv + 1, (size_t)argc - 1, cx->out);
	return 0;
}

static int cmd_ping(struct command_ctx *cx, int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(cx->out, "tapd %d\n", (int)getpid());
	return 0;
}

/* --- list ------------------------------------------------------------------------ */

/* the -o pattern the session was started with, from its record */
static void session_output(const char *instance, char *buf, size_t n)
{
	struct state_session ss;

	snprintf(buf, n, "-");
	if (state_session_load(instance, &ss))
		return;
	if (ss.output)
		snprintf(buf, n, "%s", ss.output);
	state_session_release(&ss);
}

/* the file its writer writes now (the checkpoint's), or "-" */
static void session_current(const char *instance, char *buf, size_t n)
{
	char *text = NULL, *line;
	int pos = 0;

	snprintf(buf, n, "-");
	if (state_read_file(instance, "checkpoint", &text, NULL))
		return;
	line = strstr(text, "\nfile ");
	if (line && sscanf(line + 1, "file %*u %*u %n", &pos) == 0 && pos)
		snprintf(buf, n, "%.*s", (int)strcspn(line + 1 + pos, "\n"), line + 1 + pos);
	free(text);
}

static int cmd_list(struct command_ctx *cx, int argc, char **argv)
{
	(void)argc;
	(void)argv;
	for (size_t i = 0; i < cx->sv->nsvcs; i++) {
		const struct svc *s = &cx->sv->svcs[i];
		char output[PATH_MAX], current[PATH_MAX];
		bool live = s->state == SVC_RUNNING || s->state == SVC_DEAD;

		snprintf(output, sizeof(output), "-");
		snprintf(current, sizeof(current), "-");
		if (live) {
			session_output(s->instance, output, sizeof(output));
			session_current(s->instance, current, sizeof(current));
		}
		fprintf(cx->out, "%s\t%s\t%d\t%s\t%s\t%s\n", s->name, svc_state_name(s->state),
			(int)s->pid, live ? s->instance : "-", output, current);
	}
	return 0;
}

/* --- rotate ------------------------------------------------------------------------ */

static int rotate_one(struct command_ctx *cx, const struct svc *s, bool named)
{
	char closed[PATH_MAX] = "";
	int err;

	if (s->state != SVC_RUNNING) {
		fprintf(cx->out, "ERROR '%s' is %s: no process writes its files\n", s->name,
			svc_state_name(s->state));
		return -1;
	}
	err = session_rotate(s->instance, closed, sizeof(closed));
	if (err == -ESRCH || err == -ENOTSUP) {
		fprintf(cx->out, "ERROR '%s' writes no log files it can switch\n", s->name);
		return -1;
	}
	if (err) {
		fprintf(cx->out, "ERROR cannot switch the log file of '%s': %s\n", s->name,
			closed[0] ? closed : strerror(-err));
		return -1;
	}
	if (named)
		fprintf(cx->out, "%s\t%s\n", s->name, closed);
	else
		fprintf(cx->out, "%s\n", closed);
	return 0;
}

/*
 * Every running session with log files; with @moved only those whose
 * current file is gone from its name (logrotate renamed it): they open
 * it anew, which is logrotate's postrotate "reopen".
 */
static int rotate_all(struct command_ctx *cx, bool moved)
{
	for (size_t i = 0; i < cx->sv->nsvcs; i++) {
		char out[PATH_MAX], cur[PATH_MAX];
		const struct svc *s = &cx->sv->svcs[i];

		if (s->state != SVC_RUNNING)
			continue;
		session_output(s->instance, out, sizeof(out));
		session_current(s->instance, cur, sizeof(cur));
		if (!strcmp(out, "-") || (moved && (!strcmp(cur, "-") || !access(cur, F_OK))))
			continue;
		if (rotate_one(cx, s, true))
			return -1;
	}
	return 0;
}

/*
 * rotate NAME: the closed file alone on its line (what a backup job
 * reads); rotate --all (or --moved): "NAME<tab>FILE" per script.
 */
static int cmd_rotate(struct command_ctx *cx, int argc, char **argv)
{
	int rc = 0;

	if (argc == 2 && (!strcmp(argv[1], "--all") || !strcmp(argv[1], "--moved")))
		return rotate_all(cx, !strcmp(argv[1], "--moved"));
	if (argc < 2) {
		fprintf(cx->out, "ERROR rotate NAME... or rotate --all\n");
		return -1;
	}
	for (int i = 1; i < argc && !rc; i++) {
		const struct svc *s = find(cx, argv[i]);

		rc = s ? rotate_one(cx, s, argc > 2) : -1;
	}
	return rc;
}

/* the folder of the session's log files, or LOG_PATH */
static void snapshot_dir(struct command_ctx *cx, const char *instance, char *buf, size_t n)
{
	char out[PATH_MAX], *slash;

	session_output(instance, out, sizeof(out));
	slash = strrchr(out, '/');
	if (strcmp(out, "-") && slash)
		snprintf(buf, n, "%.*s", (int)(slash - out), out);
	else
		snprintf(buf, n, "%s", cx->sv->cfg.paths.log_dir);
}

/* snapshot NAME [-o FILE]: the file's name, alone on its line */
static int cmd_snapshot(struct command_ctx *cx, int argc, char **argv)
{
	char dir[PATH_MAX], name[PATH_MAX], host[256];
	const char *file = NULL;
	const struct svc *s;
	int err;

	if (argc == 4 && !strcmp(argv[2], "-o"))
		file = argv[3];
	else if (argc != 2) {
		fprintf(cx->out, "ERROR snapshot NAME [-o FILE]\n");
		return -1;
	}
	s = find(cx, argv[1]);
	if (!s)
		return -1;
	if (s->state != SVC_RUNNING && s->state != SVC_DEAD) {
		fprintf(cx->out, "ERROR '%s' is %s: it holds no events\n", s->name,
			svc_state_name(s->state));
		return -1;
	}
	/* a guest's events are in its host's buffer */
	snprintf(host, sizeof(host), "%.*s", (int)strcspn(s->instance, "/"), s->instance);
	snapshot_dir(cx, host, dir, sizeof(dir));
	err = session_snapshot(host, file, dir, name, sizeof(name));
	if (err) {
		fprintf(cx->out, "ERROR cannot write a snapshot of '%s': %s\n", s->name,
			err == -EEXIST ? "the file exists" : strerror(-err));
		return -1;
	}
	fprintf(cx->out, "%s\n", name);
	return 0;
}

static int cmd_compile(struct command_ctx *cx, int argc, char **argv)
{
	for (int i = 1; i < argc; i++)
		if (!find(cx, argv[i]))
			return -1;
	return service_compile(cx->sv, argv + 1, (size_t)argc - 1, cx->out);
}

/* --- the table --------------------------------------------------------------------- */

static const struct {
	const char *name;
	int (*fn)(struct command_ctx *cx, int argc, char **argv);
} commands[] = {
	{ "ping", cmd_ping },
	{ "start", cmd_start },
	{ "stop", cmd_stop },
	{ "restart", cmd_restart },
	{ "status", cmd_status },
	{ "list", cmd_list },
	{ "rotate", cmd_rotate },
	{ "compile", cmd_compile },
	{ "snapshot", cmd_snapshot },
};

int command_run(struct command_ctx *cx, int argc, char **argv)
{
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(commands[i].name, argv[0]))
			return commands[i].fn(cx, argc, argv);
	fprintf(cx->out, "ERROR unknown command '%s' (tapctl --help lists them)\n", argv[0]);
	return -1;
}

/* --- the previous boot's events ---------------------------------------------------- */

/* the first line of instances/@name/last_boot_info; false when the
 * instance has none (it is not boot-mapped) */
static bool last_boot_info(const char *name, char *buf, size_t n)
{
	char path[PATH_MAX];
	FILE *f;

	buf[0] = '\0';
	snprintf(path, sizeof(path), "%s/instances/%s/last_boot_info", tfb_tracing_dir(), name);
	f = fopen(path, "re");
	if (!f)
		return false;
	if (!fgets(buf, (int)n, f))
		buf[0] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	fclose(f);
	return true;
}

/* copies instances/@name/trace (not consuming) to @dest, 0640, new */
static int copy_trace(const char *name, const char *dest)
{
	char path[PATH_MAX], buf[65536];
	int in, out, err = 0;
	ssize_t r;

	snprintf(path, sizeof(path), "%s/instances/%s/trace", tfb_tracing_dir(), name);
	in = open(path, O_RDONLY | O_CLOEXEC);
	if (in < 0)
		return -errno;
	out = open(dest, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0640);
	if (out < 0) {
		err = -errno;
		close(in);
		return err;
	}
	while ((r = read(in, buf, sizeof(buf))) > 0)
		if (write(out, buf, (size_t)r) != r) {
			err = -EIO;
			break;
		}
	if (r < 0)
		err = -errno;
	close(in);
	if (close(out) && !err)
		err = -errno;
	return err;
}

struct boot_ctx {
	struct service *sv;
	void (*log)(int prio, const char *fmt, ...);
	int found;
};

static void collect_one(struct boot_ctx *b, const char *name)
{
	char info[256], marker[PATH_MAX], dest[PATH_MAX], stamp[32];
	time_t now = time(NULL);
	struct tm tm;
	int err;

	if (!last_boot_info(name, info, sizeof(info)))
		return;
	b->found++;
	/* "# Current" once this boot records into it: nothing of the last */
	if (!strncmp(info, "# Current", 9)) {
		b->log(LOG_INFO, "boot-mapped instance '%s' records this boot", name);
		return;
	}
	snprintf(marker, sizeof(marker), "%s/tapd/boot-%s.collected", b->sv->cfg.paths.run_dir,
		 name);
	if (access(marker, F_OK) == 0)
		return;	/* done by an earlier tapd of this boot */
	localtime_r(&now, &tm);
	strftime(stamp, sizeof(stamp), "%Y%m%d-%H%M%S", &tm);
	snprintf(dest, sizeof(dest), "%s/%s-previous-boot-%s.txt", b->sv->cfg.paths.log_dir,
		 name, stamp);
	err = copy_trace(name, dest);
	if (err) {
		b->log(LOG_ERR, "cannot copy the previous boot's events of '%s' to %s: %s", name,
		       dest, strerror(-err));
		return;
	}
	close(open(marker, O_WRONLY | O_CREAT | O_CLOEXEC, 0640));
	b->log(LOG_NOTICE, "saved the previous boot's events of boot-mapped instance '%s' "
	       "in %s", name, dest);
}

void command_collect_boot(struct service *sv,
			  void (*log)(int prio, const char *fmt, ...))
{
	struct boot_ctx b = { sv, log, 0 };
	char **names = NULL;

	if (!tfb_instances(&names))
		for (size_t i = 0; names[i]; i++)
			collect_one(&b, names[i]);
	tfb_names_free(names);
	if (b.found)
		return;
	if (!kernel_at_least(6, 12))
		log(LOG_INFO, "this kernel keeps no trace buffer across a reboot (a persistent "
		    "boot-mapped instance needs Linux 6.12)");
	else
		log(LOG_INFO, "no persistent boot-mapped instance; to keep the last boot's events "
		    "boot with reserve_mem=12M:4096:trace trace_instance=boot_map^traceoff@trace");
}
