/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef TAP_LOOP_H
#define TAP_LOOP_H

/*
 * The event loop: reads every CPU's ring buffer of an instance, merges
 * the records by timestamp and hands them to the runtime; runs timers;
 * stops on signals, exit(), a run-time error or the end of a command.
 * Loss is reported as it is seen and summed up at the end.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

struct rt;
struct tep_handle;
struct loop;
struct signalfd_siginfo;
struct tracedat;
struct spill;
struct perf_source;

/* What a session adds to the loop. Every hook may be NULL. */
struct loop_hooks {
	void *arg;
	/* the output cannot take more (a full disk): the loop leaves the
	 * events in the kernel's buffers until this says false again */
	bool (*paused)(void *arg);
	/* a signal the loop does not act on itself (SIGUSR2) */
	void (*signal)(void *arg, const struct signalfd_siginfo *si);
	/* about once a second: retries, requests from other processes;
	 * returning true stops the loop (LOOP_STOP_SIGNAL) */
	bool (*tick)(void *arg);
	/* after each round of reading and handling: a flight recorder's
	 * writer notes how far its output goes (loop_position()) */
	void (*checkpoint)(void *arg);
};

struct loop_opts {
	const char *instance;	/* NULL: no kernel events (begin/timers only) */
	bool clock_mono;	/* the instance uses the mono clock */
	int signal_fd;	/* signalfd for INT, TERM, CHLD, QUIT, ...; -1: none */
	pid_t child;	/* stop when this child exits (-c); 0: none */
	FILE *log;	/* where loss and progress lines go (stderr) */
	const char *prog;	/* "tapc" in those lines */
	/* raw recording: pages go to trace.dat files (spliced), and
	 * records are not decoded */
	struct tracedat *raw;
	/* a flight recorder's reader: pages go through the shared spill,
	 * so other readers see them too */
	struct spill *spill;
	/* overwrite mode: lost old events are the design, said once */
	bool overwrite;
	/* the plan has snapshot triggers: what they froze in the snapshot
	 * buffer goes into the spill first, each round (spill readers) */
	bool snapshot_raw;
	/* perf_event samples (timer.profile, perf.*), merged in time order */
	struct perf_source *perf;
	struct loop_hooks hooks;
};

enum loop_stop {
	LOOP_STOP_EXIT,	/* exit() or a run-time error */
	LOOP_STOP_SIGNAL,	/* SIGINT or SIGTERM */
	LOOP_STOP_CHILD,	/* the -c command ended */
	LOOP_STOP_DETACH,	/* SIGQUIT */
	LOOP_STOP_ERROR,	/* reading failed */
};

int loop_open(struct rt *rt, struct tep_handle *tep,
	      const struct loop_opts *o, struct loop **out);
void loop_free(struct loop *lp);

/* Runs until a stop condition; returns why. */
enum loop_stop loop_run(struct loop *lp);

/* Reads and handles everything the buffers still hold (after tracing
 * stopped). */
void loop_drain(struct loop *lp);

/*
 * Raw recording: moves everything the kernel holds now, partly filled
 * pages included, into the current trace.dat file (before a switch).
 */
void loop_flush_raw(struct loop *lp);

/* The number of CPU buffers the loop reads. */
int loop_ncpus(const struct loop *lp);

/*
 * A spill reader's place on @cpu: the spill offset of the first page not
 * wholly handled, and how many of its events were. Records handled up to
 * here are all that a resumed reader must not handle again.
 */
void loop_position(const struct loop *lp, int cpu, uint64_t *offset,
		   uint64_t *handled);
/* Starts @cpu's reading there instead (before loop_run()). */
void loop_seek(struct loop *lp, int cpu, uint64_t offset, uint64_t handled);

/* Exit status of the -c child, once it ended. */
int loop_child_status(const struct loop *lp);

/* Prints the loss summary (per CPU) if anything was lost; returns the
 * number of events lost. */
uint64_t loop_report_loss(struct loop *lp);

/* Events the kernel wrote into the buffers (read, unread or overwritten):
 * what the filters let through. */
uint64_t loop_kernel_recorded(struct loop *lp);

#endif
