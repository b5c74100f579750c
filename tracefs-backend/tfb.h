/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef TAP_TFB_H
#define TAP_TFB_H

/*
 * tracefs-backend: applies a plan to the kernel and takes it down again,
 * reads the per-CPU ring buffers, and inspects instances. It is the only
 * code that includes <tracefs.h>; it sees plans, never scripts.
 */
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "diag.h"
#include "plan.h"

struct tfb_session;

/*
 * Creates the plan's instance, dynamic events, filters, triggers and
 * enables, with tracing still off. Kernel rejections are reported in @d
 * at the probe's source range, with the kernel's error_log as notes; a
 * refused filter is only a warning (see tfb_session_filter_refused()).
 * On failure everything created so far is removed again. Returns 0,
 * -EEXIST if the instance exists, or -errno.
 */
int tfb_session_create(const struct plan *p, struct diag *d,
		       struct tfb_session **out);
/*
 * A handle on an instance that already exists (a detached session): no
 * kernel state changes. Returns 0 or -ENOENT.
 */
int tfb_session_open(const struct plan *p, struct tfb_session **out);

/*
 * A shared buffer's guest: the plan's dynamic events, filters and
 * triggers in an instance that exists (the host's), enables still off
 * (tfb_guest_enable()). An event the instance enables already (the host's
 * or another guest's) is refused: its filter and enable are the other
 * script's. Kernel errors go to @d. 0, -ENOENT (no such instance),
 * -EBUSY, or -errno; on failure nothing stays.
 */
int tfb_guest_create(const struct plan *p, struct diag *d, struct tfb_session **out);
int tfb_guest_enable(struct tfb_session *s);

/*
 * Turns event @system/@event of @instance off and takes its filter and
 * trigger (@trigger, or NULL) away: a guest leaving a shared buffer.
 */
int tfb_instance_event_off(const char *instance, const char *system,
			   const char *event, const char *trigger);

int tfb_session_tracing(struct tfb_session *s, bool on);
/* The kernel refused definition @def's filter: its events come unfiltered. */
bool tfb_session_filter_refused(const struct tfb_session *s, size_t def);
/* Removes the instance and the dynamic events of the plan. */
int tfb_session_destroy(struct tfb_session *s);
void tfb_session_free(struct tfb_session *s);

const char *tfb_session_instance(const struct tfb_session *s);
/* The instance directory in tracefs (owned by the session). */
const char *tfb_session_dir(const struct tfb_session *s);

/* per-CPU loss counters, from per_cpu/cpuN/stats */
struct tfb_cpu_stats {
	uint64_t entries;
	uint64_t overrun;	/* overwritten in overwrite mode */
	uint64_t dropped;	/* refused when full in discard mode */
	uint64_t read;
	uint64_t commit_overrun;
	uint64_t bytes;	/* held in the buffer now (tapd's "buffer use") */
};

int tfb_cpu_stats(const char *instance, int cpu, struct tfb_cpu_stats *st);

/* The number of CPU buffers (possible CPUs) of this machine. */
int tfb_ncpus(void);
/* The type of the kernel_stack records the stacktrace trigger writes, or -1. */
int tfb_kernel_stack_id(void);

/* Opens per_cpu/cpuN/trace_pipe_raw of @instance, non-blocking. */
int tfb_open_cpu_raw(const char *instance, int cpu);

/*
 * Opens per_cpu/cpuN/snapshot_raw of @instance (the snapshot buffer a
 * snapshot trigger fills), non-blocking. The fd, or -errno (-ENOENT on
 * kernels without snapshots).
 */
int tfb_open_cpu_snapshot(const char *instance, int cpu);

/* The ring buffer's sub-buffer (page) size in bytes. */
int tfb_subbuf_size(const char *instance);

struct tep_handle;
/*
 * Event formats for decoding: the header page and the given events,
 * listed as system, name, system, name, ..., NULL. NULL on failure, with
 * errno set. Free with tep_free().
 */
struct tep_handle *tfb_load_events(const char *const *events);

/*
 * Adds more event formats to @tep (system, name, ..., NULL): a guest's
 * events, read by the host's reader. 0 or -errno.
 */
int tfb_add_events(struct tep_handle *tep, const char *const *events);

/*
 * Moves whole pages from a per_cpu trace_pipe_raw fd (@raw_fd) into a
 * pipe with splice(2), without copying them. @len is rounded down to
 * whole sub-buffers of @page_size. Returns the bytes moved, 0 when no
 * whole page is ready, or -errno.
 */
ssize_t tfb_cpu_splice(int raw_fd, int pipe_wr, size_t len, int page_size);

/*
 * Reads a tracefs file (relative to the mount point, "events/header_page")
 * whole, into a malloc'd NUL-terminated buffer; *@len gets its length.
 * NULL with errno set on failure.
 */
char *tfb_read_file(const char *rel, size_t *len);

/* tracefs mount point ("/sys/kernel/tracing" unless TAP_TRACEFS is set) */
const char *tfb_tracing_dir(void);

/*
 * Removes an instance and every dynamic event of @group, for sessions whose
 * owner is gone. Missing pieces are not an error.
 */
int tfb_remove_leftovers(const char *instance, const char *group);

/* true if instances/@name exists */
bool tfb_instance_exists(const char *name);

/*
 * Keeps the events of process @pid out of instance @name (the recorder's
 * own system calls in a raw recording). 0, or -errno (-ENOENT on kernels
 * without set_event_notrace_pid).
 */
int tfb_instance_ignore_pid(const char *name, pid_t pid);

/* Turns tracing_on of instance @name on or off. 0 or -errno. */
int tfb_instance_tracing(const char *name, bool on);

/*
 * Every instance on the machine, tap's and everyone else's: a sorted,
 * NULL-terminated, malloc'd array of malloc'd names (free with
 * tfb_names_free()). 0 or -errno.
 */
int tfb_instances(char ***names);
void tfb_names_free(char **names);

/* What `trace-instance list` shows of an instance. */
struct tfb_instance_info {
	unsigned long buffer_kb;	/* per CPU */
	unsigned long long entries;	/* events in the buffers now */
	unsigned long long overrun;	/* overwritten (overwrite mode) */
	unsigned long long dropped;	/* refused when full (discard mode) */
	unsigned long long read;	/* taken by consuming readers */
	unsigned long long bytes;	/* held in the buffers now */
	int events;	/* events enabled in it */
	int readers;	/* processes with its trace pipes open */
	bool tracing_on;
	bool overwrite;
};

/* Fills @info for instance @name. 0 or -errno (-ENOENT: no such instance). */
int tfb_instance_info(const char *name, struct tfb_instance_info *info);

/*
 * Confirms features the README only advertises (event probes), by making
 * and removing a probe in @group. Updates @features.
 */
void tfb_confirm_features(unsigned *features, const char *group);

#endif
