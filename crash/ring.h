/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef TAP_CRASH_RING_H
#define TAP_CRASH_RING_H

/*
 * Walks every ftrace instance's per-CPU ring buffers in a crashed kernel's
 * memory and copies out their pages in reading order: the reader page
 * (from where a consuming read stopped), then the ring from the head page
 * to the commit page. Corrupt memory is expected: every walk is bounded,
 * every pointer checked, loops detected, and every problem reported with
 * what was skipped; nothing makes the walk crash or hang.
 */
#include <stddef.h>
#include <stdint.h>

#include "layout.h"
#include "mem.h"

#define CRASH_MAX_INSTANCES 1024
#define CRASH_MAX_CPUS 8192
#define CRASH_MAX_PAGES (1u << 20)

struct crash_page {
	unsigned char *data;	/* one sub-buffer, as trace_pipe_raw gives it */
	unsigned skip;	/* bytes of data[] already consumed (reader page) */
};

struct crash_cpu {
	int cpu;
	struct crash_page *pages;
	size_t npages;
	uint64_t entries, overrun;	/* the kernel's counters */
};

struct crash_instance {
	char *name;	/* NULL: the top-level buffer */
	uint64_t addr;	/* struct trace_array */
	struct crash_cpu *cpus;
	size_t ncpus;
	size_t subbuf_size;
};

struct crash_walk_opts {
	const struct crash_layout *layout;
	uint64_t ftrace_trace_arrays;	/* &ftrace_trace_arrays (list head) */
	uint64_t global_trace;	/* &global_trace */
	uint32_t nr_cpu_ids;
	size_t page_size;	/* PAGE_SIZE; sub-buffers are page_size << order */
	/* every problem found, and what was skipped because of it */
	void (*problem)(void *arg, const char *msg);
	void *arg;
};

/*
 * Finds the instances and copies their pages. Returns 0 (possibly with
 * problems reported), or -errno when not even the instance list could be
 * read. Free with crash_instances_free().
 */
int crash_walk(struct crash_mem *m, const struct crash_walk_opts *o,
	       struct crash_instance **out, size_t *n);
void crash_instances_free(struct crash_instance *v, size_t n);

#endif
