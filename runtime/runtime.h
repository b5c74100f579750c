/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef TAP_RUNTIME_H
#define TAP_RUNTIME_H

/*
 * The runtime: runs a compiled program's handlers on decoded events, in
 * user space. The event loop (loop.h) feeds it; tapc and tapd drive it.
 */
#include <stdbool.h>
#include <stdint.h>

#include "compiler.h"

struct rt;
struct output;
struct tep_handle;

/* Sets up globals and probes; 0 or -ENOMEM. Free with rt_free(). */
int rt_create(const struct program *p, struct output *out, struct rt **out_rt);
void rt_free(struct rt *rt);

/*
 * Resolves every event probe against the formats in @tep (event ids and
 * field offsets). Problems (an event or field the kernel does not have)
 * go to @d. 0 or -EINVAL.
 */
int rt_bind_events(struct rt *rt, struct tep_handle *tep, struct diag *d);

/* The kernel refused plan definition @def's filter: check in user space. */
void rt_filter_refused(struct rt *rt, int def);

/* Handlers print into @out from now on (a resumed writer's begin probes
 * print into a discarded one: their output is in the log already). */
void rt_set_output(struct rt *rt, struct output *out);

/* wall clock = trace timestamp + @offset (ns), for gettimeofday_*() */
void rt_set_clock_offset(struct rt *rt, int64_t offset);
/*
 * The events of process @pid recorded at or after @since (trace clock ns)
 * are tap's own, and are skipped: printing what our reads and writes do
 * would feed on itself. rt_create() skips all of getpid()'s; a reader of
 * older records (a flight recorder's, a crash dump's) bounds it, since
 * another process may have had our pid then. @pid < 0: skip none.
 */
void rt_skip_self(struct rt *rt, int pid, uint64_t since);

/*
 * The symbolizer for symname()/usymname(), made on first use; NULL when
 * out of memory.
 */
struct symbolizer *rt_symbolizer(struct rt *rt);

/* Runs begin probes / end probes / error probes. */
void rt_run_begin(struct rt *rt);
void rt_run_end(struct rt *rt);

/* Runs the handlers of one event record (raw payload). */
void rt_handle_record(struct rt *rt, int cpu, uint64_t ts, const void *data,
		      int size);
/*
 * The same with the kernel_stack record the stacktrace trigger wrote
 * right after it (NULL when there was none) for backtrace().
 */
void rt_handle_record_kstack(struct rt *rt, int cpu, uint64_t ts, const void *data,
			     int size, const void *stack, int stack_size);
/* Whether a probe on this record's event takes the kernel stack after it. */
bool rt_record_takes_kstack(const struct rt *rt, const void *data, int size);

/* Runs the handler of perf probe @probe (an index into the program's
 * derived probes) for one sample. */
void rt_handle_perf(struct rt *rt, int probe, int cpu, uint64_t ts, int pid,
		    int tid, uint64_t ip, bool user);

/*
 * Shared buffers: @next (a guest's program) reads the same instance as
 * @rt (the host's), so every record and timer @rt gets goes to @next too,
 * and runs the handlers of the script that owns its probe. rt_unchain()
 * takes it out again (neither frees anything).
 */
void rt_chain(struct rt *rt, struct rt *next);
void rt_unchain(struct rt *rt, struct rt *prog);

/*
 * snapshot() in a handler calls @fn (the session asks for a snapshot of
 * its buffered events); without one, snapshot() does nothing.
 */
void rt_set_snapshot(struct rt *rt, void (*fn)(void *arg), void *arg);
void rt_snapshot(struct rt *rt);

/* The next timer deadline (CLOCK_MONOTONIC ns), or UINT64_MAX. */
uint64_t rt_next_timer(const struct rt *rt);
/* Runs every timer due at @now. */
void rt_run_timers(struct rt *rt, uint64_t now);

/* exit() was called, or a run-time error stopped the script */
bool rt_should_stop(const struct rt *rt);
/* 0 normally, 1 after a run-time error */
int rt_exit_status(const struct rt *rt);
/* The message of the error that stopped the script, or NULL. */
const char *rt_error(const struct rt *rt);
/* Is event @id one of the program's (or tap's own task events)? */
bool rt_wants_event(const struct rt *rt, int id);
uint64_t rt_events_handled(const struct rt *rt);
/* target(): the -c command's pid, known only once it is started */
void rt_set_target(struct rt *rt, long pid);
/* user_string() values that could not be read from the process late */
unsigned long long rt_user_read_failures(const struct rt *rt);
/* The reader of the output went away (EPIPE): time to stop. */
bool rt_output_closed(const struct rt *rt);
/* Writes out what handlers printed so far. */
void rt_flush(struct rt *rt);

#endif
