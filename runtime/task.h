/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef TAP_TASK_H
#define TAP_TASK_H

/*
 * What tap knows of tasks seen in events: comm, process id (tgid), parent,
 * real and effective uid and gid. Tracepoint records carry only the thread id, so the table learns
 * from /proc on first sight and follows fork, exec and rename events.
 */
#include <stdbool.h>
#include <stdint.h>

struct task_cache;
struct tep_handle;

struct task_info {
	int tid, tgid, ppid;
	int uid, euid, gid, egid;	/* -1: unknown */
	char comm[16];
};

struct task_cache *task_cache_alloc(void);
void task_cache_free(struct task_cache *tc);
/* the kernel's saved_cmdlines, for tasks gone before we looked */
void task_cache_set_tep(struct task_cache *tc, struct tep_handle *tep);

/* Never NULL: unknown tasks get "<...>" and tgid = tid. */
const struct task_info *task_lookup(struct task_cache *tc, int tid);
/* What is known of @tid, from the table or /proc, without adding it to
 * the table (a pid asked about is not a task seen). false: nothing. */
bool task_peek(struct task_cache *tc, int tid, struct task_info *out);

/* what a perf sample says: @tid belongs to process @tgid */
void task_note_tgid(struct task_cache *tc, int tid, int tgid);
void task_on_fork(struct task_cache *tc, int parent, const char *parent_comm,
		  int child, const char *child_comm);
void task_on_exec(struct task_cache *tc, int tid, const char *filename);
void task_on_rename(struct task_cache *tc, int tid, const char *comm);

#endif
