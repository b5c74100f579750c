// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * tapd: the tap service (tapd(8)). Runs the scripts registered under
 * /etc/tap as session processes, in NAME_REQ order, restarts them when
 * they die, adopts them after its own restart, and answers tapctl on a
 * control socket that only root and CONTROL_GROUP may use.
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
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <syslog.h>
#include <unistd.h>

#include "control.h"
#include "service.h"

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
		"  --root DIR        every path under DIR (for tests)\n"
		"  --tapc PATH       the tapc that runs sessions\n"
		"  --no-start        do not start DEFAULT_START at start-up\n"
		"Control it with tapctl(8).\n");
}

/* tapc beside tapd (a build tree, or an installed sbin/bin pair) */
static void find_tapc(struct tapd *t, const char *argv0, const char *given)
{
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
		snprintf(t->tapc, sizeof(t->tapc), "%s/tapc", self);
		if (access(t->tapc, X_OK) == 0)
			return;
		snprintf(t->tapc, sizeof(t->tapc), "%s/../bin/tapc", self);
		if (access(t->tapc, X_OK) == 0)
			return;
		snprintf(t->tapc, sizeof(t->tapc), "%s/../tools/tapc", self);
		if (access(t->tapc, X_OK) == 0)
			return;
	}
	(void)argv0;
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
	if (!t->root)
		t->root = getenv("TAP_ROOT") ? getenv("TAP_ROOT") : "";
	find_tapc(t, argv[0], tapc);
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

static int setup(struct tapd *t)
{
	char path[4096];
	int err;
	sigset_t set;

	t->sv.tapc = t->tapc;
	t->sv.log = tapd_log;
	err = load_config(t);
	if (err)
		return err;
	snprintf(path, sizeof(path), "%s/tapd", t->sv.cfg.paths.run_dir);
	if (mkdirs(path, 0750)) {
		tapd_log(LOG_ERR, "cannot create %s: %s", path, strerror(errno));
		return -errno;
	}
	t->ctl_gid = (gid_t)-1;
	if (t->sv.cfg.control_group) {
		struct group *g = getgrnam(t->sv.cfg.control_group);

		if (g)
			t->ctl_gid = g->gr_gid;
		else
			tapd_log(LOG_WARNING, "CONTROL_GROUP '%s' does not exist",
				 t->sv.cfg.control_group);
	}
	snprintf(path, sizeof(path), "%s/%s", t->sv.cfg.paths.run_dir, CONTROL_SOCKET_NAME);
	t->ctl_fd = control_listen(path, t->ctl_gid);
	if (t->ctl_fd < 0) {
		tapd_log(LOG_ERR, "cannot listen on %s: %s", path, strerror(-t->ctl_fd));
		return t->ctl_fd;
	}
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGCHLD);
	sigaddset(&set, SIGUSR1);
	sigprocmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	t->sig_fd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
	return t->sig_fd < 0 ? -errno : 0;
}

/* --- requests ----------------------------------------------------------------- */

#define MAX_ARGS 64

static int split(char *line, char **argv)
{
	int n = 0;

	for (char *tok = strtok(line, " \t"); tok && n < MAX_ARGS; tok = strtok(NULL, " \t"))
		argv[n++] = tok;
	return n;
}

static int handle(struct tapd *t, char **argv, int argc, FILE *out)
{
	const char *cmd = argv[0];
	char **names = argv + 1;
	size_t n = (size_t)argc - 1;

	if (!strcmp(cmd, "ping"))
		return 0;
	if (!strcmp(cmd, "status")) {
		service_status(&t->sv, names, n, out);
		return 0;
	}
	if (!strcmp(cmd, "start"))
		return service_start(&t->sv, names, n, out);
	if (!strcmp(cmd, "stop"))
		return service_stop(&t->sv, names, n, out);
	if (!strcmp(cmd, "restart")) {
		service_stop(&t->sv, names, n, out);
		return service_start(&t->sv, names, n, out);
	}
	if (!strcmp(cmd, "reload")) {
		service_release(&t->sv);
		memset(&t->sv, 0, sizeof(t->sv));
		return load_config(t) ? 1 : 0;
	}
	if (!strcmp(cmd, "shutdown")) {
		service_stop(&t->sv, NULL, 0, out);
		t->quit = true;
		return 0;
	}
	fprintf(out, "ERROR unknown command '%s'\n", cmd);
	return -1;
}

static void serve(struct tapd *t)
{
	char req[CONTROL_MAX_REQUEST], *argv[MAX_ARGS];
	struct control_peer peer;
	int fd = accept4(t->ctl_fd, NULL, NULL, SOCK_CLOEXEC);
	FILE *out;
	int argc, rc;

	if (fd < 0)
		return;
	if (control_peer(fd, &peer) || !control_peer_allowed(fd, &peer, t->ctl_gid)) {
		tapd_log(LOG_WARNING, "refused a control connection from uid %d (pid %d)",
			 (int)peer.uid, (int)peer.pid);
		if (write(fd, "ERROR permission denied\n", 24) < 0)
			tapd_log(LOG_DEBUG, "refused caller went away");
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
	argc = split(req, argv);
	if (!argc) {
		fprintf(out, "ERROR empty request\n");
		fclose(out);
		return;
	}
	tapd_log(LOG_INFO, "uid %d: %s", (int)peer.uid, req);
	rc = handle(t, argv, argc, out);
	fprintf(out, rc ? (rc < 0 ? "" : "ERROR some scripts did not start or stop\n") : "OK\n");
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
			tapd_log(LOG_INFO, "reloading the registry");
			service_release(&t->sv);
			memset(&t->sv, 0, sizeof(t->sv));
			load_config(t);
			t->sv.tapc = t->tapc;
			t->sv.log = tapd_log;
			service_adopt(&t->sv, stderr);
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
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/tapd.pid", t->sv.cfg.paths.run_dir);
	f = fopen(path, "we");
	if (f) {
		fprintf(f, "%d\n", (int)getpid());
		fclose(f);
	}
}

int main(int argc, char **argv)
{
	struct tapd t = { .ctl_fd = -1, .sig_fd = -1 };
	char path[4096];

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
	if (setup(&t))
		return 1;
	write_pid(&t);
	tapd_log(LOG_INFO, "started; %zu scripts registered; sessions run with %s",
		 t.sv.cfg.nscripts, t.tapc);
	service_adopt(&t.sv, t.foreground ? stderr : fopen("/dev/null", "we"));
	if (!t.no_start) {
		FILE *null = fopen("/dev/null", "we");

		service_start(&t.sv, NULL, 0, null ? null : stderr);
		if (null)
			fclose(null);
	}
	run(&t);
	if (!t.keep_sessions) {
		FILE *null = fopen("/dev/null", "we");

		service_stop(&t.sv, NULL, 0, null ? null : stderr);
		if (null)
			fclose(null);
	}
	tapd_log(LOG_INFO, "exiting%s", t.keep_sessions ? "; sessions keep running" : "");
	snprintf(path, sizeof(path), "%s/%s", t.sv.cfg.paths.run_dir, CONTROL_SOCKET_NAME);
	unlink(path);
	snprintf(path, sizeof(path), "%s/tapd.pid", t.sv.cfg.paths.run_dir);
	unlink(path);
	service_release(&t.sv);
	return 0;
}
