/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef TAP_PERF_H
#define TAP_PERF_H

/*
 * perf_event sampling for timer.profile and perf.* probes: one event per
 * CPU per probe, each with an mmap ring, timestamps on CLOCK_MONOTONIC
 * like the instance's mono trace clock, so samples merge with the
 * tracefs events in time order.
 */
#include <stdbool.h>
#include <stdint.h>

#include "compiler.h"

struct perf_source;
struct rt;
struct symbolizer;

struct perf_sample {
	int probe;	/* index into program->dprobes */
	int cpu;
	int pid, tid;
	uint64_t ts;	/* CLOCK_MONOTONIC ns */
	uint64_t ip;
	bool user;	/* the ip is in user space */
};

/*
 * Opens every DPROBE_PERF probe of @p on every CPU (disabled). Problems
 * go to @d at the probe point. 0, -EINVAL (see @d) or -ENOMEM; *@out is
 * NULL when the program has no perf probes. @sym, when not NULL, learns
 * of every process's executable mappings, execs and exits.
 */
int perf_source_open(const struct program *p, struct symbolizer *sym,
		     struct perf_source **out, struct diag *d);
void perf_source_enable(struct perf_source *ps, bool on);
void perf_source_free(struct perf_source *ps);

/* fds to poll, up to @max; returns how many */
int perf_source_fds(const struct perf_source *ps, int *fds, int max);

/* The earliest sample not yet taken, or false when none is ready. */
bool perf_source_peek(struct perf_source *ps, struct perf_sample *s);
/* Drops the sample perf_source_peek() returned. */
void perf_source_next(struct perf_source *ps);
/* samples the kernel dropped (PERF_RECORD_LOST) */
uint64_t perf_source_lost(const struct perf_source *ps);

#endif
