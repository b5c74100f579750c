// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * tapd: the tap service (tapd(8)). Runs the scripts registered under
 * /etc/tap as flight recorders with a writer process each, in NAME_REQ
 * order, restarts writers that die (the kernel records meanwhile),
 * adopts them after its own restart, and answers tapctl on a control
 * socket that only root and CONTROL_GROUP may use.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <grp.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <syslog.h>
#include <unistd.h>

#include "commands.h"
#include "control.h"
#include "crashmeta.h"
#include "service.h"
#include "tfb.h"

struct tapd {
	struct service sv;
	const char *root;
	bool foreground;
	bool no_start;
	int ctl_fd, sig_fd;
	gid_t ctl_gid;
	bool quit;
	bool keep_sessions;	/* SIGUSR1: exit, leave sessions to the next tapd */
	char tapc[PATH_MAX];
};

static bool log_stderr;

static void tapd_log(int prio, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (log_stderr) {
		fprintf(stderr, "tapd: ");
		vfprintf(stderr, fmt, ap);
		fputc('\n', stderr);
	} else {
		vsyslog(prio, fmt, ap);
	}
	va_end(ap);
}

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: tapd [-f] [--root DIR] [--tapc PATH] [--no-start]\n"
		"The tap service: runs the scripts of /etc/tap/script.d (tapd(8)).\n"
		"  -f, --foreground  stay in the foreground, log to stderr\n"
		"  --root DIR        every path under DIR (for tests; also TAP_ROOT)\n"
		"  --tapc PATH       the tapc that runs sessions\n"
		"  --no-start        do not start DEFAULT_START at start-up\n"
		"Control it with tapctl(8).\n");
}

/* tapc beside tapd (a build tree, or an installed sbin/bin pair) */
static void find_tapc(struct tapd *t, const char *given)
{
	static const char *const rel[] = { "tapc", "../bin/tapc", "../tools/tapc" };
	char self[PATH_MAX - 64];
	ssize_t n;

	if (given) {
		snprintf(t->tapc, sizeof(t->tapc), "%s", given);
		return;
	}
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n > 0) {
		self[n] = '\0';
		*strrchr(self, '/') = '\0';
		for (size_t i = 0; i < sizeof(rel) / sizeof(rel[0]); i++) {
			snprintf(t->tapc, sizeof(t->tapc), "%s/%s", self, rel[i]);
			if (access(t->tapc, X_OK) == 0)
				return;
		}
	}
	snprintf(t->tapc, sizeof(t->tapc), "/usr/bin/tapc");
}

static int parse(int argc, char **argv, struct tapd *t)
{
	static const struct option lo[] = {
		{ "foreground", no_argument, NULL, 'f' },
		{ "root", required_argument, NULL, 'r' },
		{ "tapc", required_argument, NULL, 't' },
		{ "no-start", no_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *tapc = NULL;
	int c;

	while ((c = getopt_long(argc, argv, "fh", lo, NULL)) != -1) {
		switch (c) {
		case 'f': t->foreground = true; break;
		case 'r': t->root = optarg; break;
		case 't': tapc = optarg; break;
		case 'n': t->no_start = true; break;
		case 'h': usage(stdout); exit(0);
		default: return -1;
		}
	}
	if (optind < argc)
		return -1;
	if (!t->root)
		t->root = getenv("TAP_ROOT") ? getenv("TAP_ROOT") : "";
	find_tapc(t, tapc);
	return 0;
}

static int mkdirs(const char *path, mode_t mode)
{
	char tmp[4096];

	snprintf(tmp, sizeof(tmp), "%s", path);
	for (char *p = tmp + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		mkdir(tmp, 0755);
		*p = '/';
	}
	return mkdir(tmp, mode) && errno != EEXIST ? -errno : 0;
}

static int load_config(struct tapd *t)
{
	struct diag d;
	int err;

	diag_init(&d, NULL);
	err = tapd_config_load(t->root, &t->sv.cfg, &d);
	for (size_t i = 0; i < d.n; i++)
		tapd_log(LOG_ERR, "%s", d.entries[i].msg);
	diag_release(&d);
	if (err == -EINVAL)
		err = 0;	/* reported; the rest of the registry still runs */
	return err ? err : service_sync(&t->sv);
}

/* the session processes and tapc commands find the same records */
static void export_paths(struct tapd *t)
{
	const struct tapd_paths *p = &t->sv.cfg.paths;

	setenv("TAP_RUN_DIR", p->run_dir, 1);
	setenv("TAP_CRASH_DIR", p->crash_dir, 1);
}

static gid_t control_gid(struct tapd *t)
{
	struct group *g;

	if (!t->sv.cfg.control_group)
		return (gid_t)-1;
	g = getgrnam(t->sv.cfg.control_group);
	if (g)
		return g->gr_gid;
	tapd_log(LOG_WARNING, "CONTROL_GROUP '%s' does not exist; only root may use tapctl",
		 t->sv.cfg.control_group);
	return (gid_t)-1;
}

static int setup_signals(struct tapd *t)
{
	static const int sigs[] = { SIGTERM, SIGINT, SIGHUP, SIGCHLD, SIGUSR1 };
	sigset_t set;

	sigemptyset(&set);
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaddset(&set, sigs[i]);
	sigprocmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	t->sig_fd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
	return t->sig_fd < 0 ? -errno : 0;
}

static int setup(struct tapd *t)
{
	char path[PATH_MAX];
	int err;

	t->sv.tapc = t->tapc;
	t->sv.log = tapd_log;
	t->sv.build_id = crashmeta_live_build_id();
	err = load_config(t);
	if (err)
		return err;
	export_paths(t);
	snprintf(path, sizeof(path), "%s/tapd", t->sv.cfg.paths.run_dir);
	if (mkdirs(path, 0750) || mkdirs(t->sv.cfg.paths.log_dir, 0750)) {
		err = -errno;
		tapd_log(LOG_ERR, "cannot create %s: %s", path, strerror(-err));
		return err;
	}
	t->ctl_gid = control_gid(t);
	snprintf(path, sizeof(path), "%s/%s", t->sv.cfg.paths.run_dir, CONTROL_SOCKET_NAME);
	t->ctl_fd = control_listen(path, t->ctl_gid);
	if (t->ctl_fd < 0) {
		tapd_log(LOG_ERR, "cannot listen on %s: %s", path, strerror(-t->ctl_fd));
		return t->ctl_fd;
	}
	return setup_signals(t);
}

/* --- requests ----------------------------------------------------------------- */

/* reloads the registry; running sessions stay as they are */
static int reload(struct tapd *t)
{
	tapd_config_release(&t->sv.cfg);
	if (load_config(t))
		return 1;
	export_paths(t);
	return 0;
}

static int handle(struct tapd *t, char **argv, int argc, FILE *out)
{
	struct command_ctx cx = { .sv = &t->sv, .out = out };
	const char *cmd = argv[0];

	if (!strcmp(cmd, "reload")) {
		tapd_log(LOG_INFO, "reloading the registry");
		return reload(t);
	}
	if (!strcmp(cmd, "shutdown")) {
		service_stop(&t->sv, NULL, 0, true, out);
		t->quit = true;
		return 0;
	}
	return command_run(&cx, argc, argv);
}

static void refuse(struct tapd *t, int fd, const struct control_peer *peer)
{
	static const char msg[] = "ERROR permission denied: tapd takes requests from root%s%s\n";
	char text[256];
	int n;

	tapd_log(LOG_WARNING, "refused a control connection from uid %d gid %d (pid %d)",
		 (int)peer->uid, (int)peer->gid, (int)peer->pid);
	n = snprintf(text, sizeof(text), msg, t->sv.cfg.control_group ? " and group " : "",
		     t->sv.cfg.control_group ? t->sv.cfg.control_group : "");
	if (write(fd, text, (size_t)n) < 0)
		tapd_log(LOG_DEBUG, "the refused caller went away");
}

static void serve(struct tapd *t)
{
	char req[CONTROL_MAX_REQUEST], *argv[COMMAND_MAX_ARGS];
	struct control_peer peer = { 0 };
	int fd = accept4(t->ctl_fd, NULL, NULL, SOCK_CLOEXEC);
	FILE *out;
	int argc, rc;

	if (fd < 0)
		return;
	if (control_peer(fd, &peer) || !control_peer_allowed(fd, &peer, t->ctl_gid)) {
		refuse(t, fd, &peer);
		close(fd);
		return;
	}
	out = fdopen(fd, "w");
	if (!out) {
		close(fd);
		return;
	}
	if (control_read_request(fd, req, sizeof(req), 5000)) {
		fprintf(out, "ERROR bad request\n");
		fclose(out);
		return;
	}
	tapd_log(LOG_INFO, "uid %d: %s", (int)peer.uid, req);
	argc = command_split(req, argv);
	if (argc <= 0) {
		fprintf(out, "ERROR %s\n", argc ? "too many words" : "empty request");
		fclose(out);
		return;
	}
	rc = handle(t, argv, argc, out);
	if (rc == 0)
		fprintf(out, "OK\n");
	else if (rc > 0)
		fprintf(out, "ERROR some scripts did not %s\n", argv[0]);
	fclose(out);
}

static void on_signals(struct tapd *t)
{
	struct signalfd_siginfo si;

	while (read(t->sig_fd, &si, sizeof(si)) == sizeof(si)) {
		int status;
		pid_t pid;

		switch (si.ssi_signo) {
		case SIGCHLD:
			while ((pid = waitpid(-1, &status, WNOHANG)) > 0)
				service_reap(&t->sv, pid, status);
			break;
		case SIGHUP:
			tapd_log(LOG_INFO, "reloading the registry (SIGHUP)");
			reload(t);
			break;
		case SIGUSR1:
			t->keep_sessions = true;
			t->quit = true;
			break;
		default:
			t->quit = true;
			break;
		}
	}
}

static void run(struct tapd *t)
{
	while (!t->quit) {
		struct pollfd fds[2] = {
			{ .fd = t->ctl_fd, .events = POLLIN },
			{ .fd = t->sig_fd, .events = POLLIN },
		};
		uint64_t next = service_tick(&t->sv, service_now_ns());
		int ms = 1000;

		if (next != UINT64_MAX) {
			uint64_t now = service_now_ns();

			ms = next > now ? (int)((next - now) / 1000000) + 1 : 0;
			if (ms > 1000)
				ms = 1000;
		}
		poll(fds, 2, ms);
		if (fds[1].revents)
			on_signals(t);
		if (fds[0].revents && !t->quit)
			serve(t);
	}
}

static void write_pid(struct tapd *t)
{
	char path[PATH_MAX];
	FILE *f;

	snprintf(path, sizeof(path), "%s/tapd.pid", t->sv.cfg.paths.run_dir);
	f = fopen(path, "we");
	if (f) {
		fprintf(f, "%d\n", (int)getpid());
		fclose(f);
	}
}

/* what the previous tapd left: adopted, or restarted; said in the log */
static void adopt(struct tapd *t)
{
	char *text = NULL;
	size_t len = 0;
	FILE *report = open_memstream(&text, &len);

	if (!report)
		return;
	service_adopt(&t->sv, report);
	fclose(report);
	for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n"))
		tapd_log(LOG_NOTICE, "found %s", line);
	if (!len)
		tapd_log(LOG_INFO, "no sessions of an earlier tapd found");
	free(text);
}

/* the start-up sequence, in the foreground or as a daemon */
static int start(struct tapd *t)
{
	FILE *null;

	if (setup(t))
		return 1;
	write_pid(t);
	tapd_log(LOG_INFO, "started; %zu scripts registered; sessions run with %s",
		 t->sv.cfg.nscripts, t->tapc);
	/* a boot-mapped instance's previous boot, before anything records */
	command_collect_boot(&t->sv, tapd_log);
	adopt(t);
	if (!t->no_start) {
		null = fopen("/dev/null", "we");
		service_start(&t->sv, NULL, 0, null ? null : stderr);
		if (null)
			fclose(null);
	}
	return 0;
}

static void finish(struct tapd *t)
{
	char path[PATH_MAX];
	FILE *null;

	if (!t->keep_sessions) {
		null = fopen("/dev/null", "we");
		service_stop(&t->sv, NULL, 0, true, null ? null : stderr);
		if (null)
			fclose(null);
	}
	tapd_log(LOG_INFO, "exiting%s", t->keep_sessions ? "; sessions keep recording" : "");
	snprintf(path, sizeof(path), "%s/%s", t->sv.cfg.paths.run_dir, CONTROL_SOCKET_NAME);
	unlink(path);
	snprintf(path, sizeof(path), "%s/tapd.pid", t->sv.cfg.paths.run_dir);
	unlink(path);
	service_release(&t->sv);
}

int main(int argc, char **argv)
{
	struct tapd t = { .ctl_fd = -1, .sig_fd = -1 };

	if (parse(argc, argv, &t)) {
		usage(stderr);
		return 2;
	}
	log_stderr = t.foreground;
	if (!t.foreground) {
		openlog("tapd", LOG_PID, LOG_DAEMON);
		if (daemon(0, 0)) {
			fprintf(stderr, "tapd: cannot go to the background: %s\n", strerror(errno));
			return 1;
		}
	}
	if (start(&t))
		return 1;
	run(&t);
	finish(&t);
	return 0;
}
