// SPDX-License-Identifier: GPL-2.0-or-later
#include "session.h"

#include <errno.h>
#include <fcntl.h>
#include <event-parse.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "loop.h"
#include "output.h"
#include "runtime.h"
#include "state.h"
#include "tfb.h"

const char **session_events(const struct plan *p)
{
	const char **v = calloc(2 * p->ndefs + 1, sizeof(*v));

	if (!v)
		return NULL;
	for (size_t i = 0; i < p->ndefs; i++) {
		v[2 * i] = p->defs[i].system;
		v[2 * i + 1] = p->defs[i].event;
	}
	return v;
}

static int64_t realtime_offset(void)
{
	struct timespec rt, mono;

	clock_gettime(CLOCK_REALTIME, &rt);
	clock_gettime(CLOCK_MONOTONIC, &mono);
	return ((int64_t)rt.tv_sec - mono.tv_sec) * 1000000000ll +
	       (rt.tv_nsec - mono.tv_nsec);
}

static int block_signals(sigset_t *old)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGQUIT);
	sigaddset(&set, SIGCHLD);
	if (sigprocmask(SIG_BLOCK, &set, old))
		return -errno;
	return signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
}

/*
 * -c: the command is forked now but waits on a pipe, so tracing is on
 * before its first instruction; session_start_child() lets it go.
 */
static pid_t fork_child(char *const *argv, const sigset_t *old, int *go_fd)
{
	int fds[2];
	pid_t pid;

	if (pipe2(fds, O_CLOEXEC))
		return -errno;
	pid = fork();
	if (pid < 0) {
		close(fds[0]);
		close(fds[1]);
		return -errno;
	}
	if (pid == 0) {
		char c;

		close(fds[1]);
		sigprocmask(SIG_SETMASK, old, NULL);
		signal(SIGPIPE, SIG_DFL);
		if (read(fds[0], &c, 1) != 1)
			_exit(127);
		execvp(argv[0], argv);
		fprintf(stderr, "tapc: cannot run '%s': %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	close(fds[0]);
	*go_fd = fds[1];
	return pid;
}

struct run {
	const struct program *p;
	const struct session_opts *o;
	struct tfb_session *tfb;
	struct tep_handle *tep;
	struct rt *rt;
	struct loop *loop;
	struct output out;
	int sigfd;
	sigset_t oldmask;
	pid_t child;
	int go_fd;
	bool claimed;
};

static int setup_kernel(struct run *r, struct diag *d)
{
	const struct plan *plan = r->p->plan;
	const char **events;
	int err;

	err = state_claim(plan->instance.name, plan->group, false);
	if (err) {
		diag_error(d, SRC_NO_RANGE, "cannot record the session in %s: %s",
			   state_run_dir(), strerror(-err));
		return err;
	}
	r->claimed = true;
	err = tfb_session_create(plan, d, &r->tfb);
	if (err)
		return err;
	events = session_events(plan);
	if (!events)
		return -ENOMEM;
	r->tep = tfb_load_events(events);
	free(events);
	if (!r->tep) {
		diag_error(d, SRC_NO_RANGE, "cannot read the event formats: %s",
			   strerror(errno));
		return -errno;
	}
	return 0;
}

static int setup(struct run *r, struct diag *d)
{
	const struct plan *plan = r->p->plan;
	struct loop_opts lo = { .log = r->o->log, .prog = r->o->prog };
	int err;

	/* a closed pipe is an EPIPE we handle, not a death without cleanup */
	signal(SIGPIPE, SIG_IGN);
	output_init(&r->out, r->o->out_fd);
	if (plan->instance.name) {
		err = setup_kernel(r, d);
		if (err)
			return err;
		lo.instance = plan->instance.name;
		lo.clock_mono = plan->instance.clock && !strcmp(plan->instance.clock, "mono");
	}
	err = rt_create(r->p, &r->out, &r->rt);
	if (err)
		return err;
	if (r->tep && rt_bind_events(r->rt, r->tep, d))
		return -EINVAL;
	for (size_t i = 0; r->tfb && i < plan->ndefs; i++)
		if (tfb_session_filter_refused(r->tfb, i))
			rt_filter_refused(r->rt, (int)i);
	rt_set_clock_offset(r->rt, realtime_offset());
	r->sigfd = block_signals(&r->oldmask);
	if (r->sigfd < 0)
		return r->sigfd;
	lo.signal_fd = r->sigfd;
	if (r->o->command) {
		r->child = fork_child(r->o->command, &r->oldmask, &r->go_fd);
		if (r->child < 0)
			return (int)r->child;
		lo.child = r->child;
		rt_set_target(r->rt, r->child);
	}
	return loop_open(r->rt, r->tep, &lo, &r->loop);
}

static void teardown(struct run *r)
{
	/* a -c command still running when the script ends runs on */
	if (r->go_fd > 0)
		close(r->go_fd);
	loop_free(r->loop);
	if (r->tfb) {
		tfb_session_destroy(r->tfb);
		tfb_session_free(r->tfb);
	}
	if (r->claimed)
		state_release(r->p->plan->instance.name);
	rt_free(r->rt);
	if (r->tep)
		tep_free(r->tep);
	output_release(&r->out);
	if (r->sigfd > 0)
		close(r->sigfd);
	sigprocmask(SIG_SETMASK, &r->oldmask, NULL);
}

static void start(struct run *r)
{
	char go = 1;

	rt_run_begin(r->rt);
	if (r->tfb)
		tfb_session_tracing(r->tfb, true);
	if (r->go_fd > 0) {
		if (write(r->go_fd, &go, 1) != 1)
			fprintf(r->o->log, "%s: cannot start the command\n", r->o->prog);
		close(r->go_fd);
		r->go_fd = -1;
	}
}

static void finish(struct run *r, enum loop_stop why)
{
	/* stop recording, then hand over what is already recorded */
	if (r->tfb)
		tfb_session_tracing(r->tfb, false);
	if (why != LOOP_STOP_ERROR)
		loop_drain(r->loop);
	rt_run_end(r->rt);
	if (r->tfb)
		loop_report_loss(r->loop);
	if (rt_user_read_failures(r->rt))
		fprintf(r->o->log,
			"%s: %llu user_string() values could not be read: the process had "
			"exited or unmapped the memory before the event was handled\n",
			r->o->prog, rt_user_read_failures(r->rt));
}

int session_run(const struct program *p, const struct session_opts *o,
		struct diag *d)
{
	struct run r = { .p = p, .o = o, .sigfd = -1, .go_fd = -1 };
	enum loop_stop why;
	int status = 0, err;

	err = setup(&r, d);
	if (err) {
		if (r.child > 0) {
			kill(r.child, SIGKILL);
			waitpid(r.child, NULL, 0);
		}
		teardown(&r);
		return 3;	/* the kernel or the system refused */
	}
	/* warnings from setting up (a refused filter) come before output */
	diag_print(d, o->log, o->prog, diag_want_color(o->log));
	diag_release(d);
	start(&r);
	why = rt_should_stop(r.rt) ? LOOP_STOP_EXIT : loop_run(r.loop);
	finish(&r, why);
	if (rt_exit_status(r.rt))
		status = 1;
	if (o->verbose && r.tfb)
		fprintf(o->log, "%s: the kernel recorded %llu events; %llu handled\n",
			o->prog, (unsigned long long)loop_kernel_recorded(r.loop),
			(unsigned long long)rt_events_handled(r.rt));
	teardown(&r);
	return status;
}
