// SPDX-License-Identifier: GPL-2.0-or-later
#include "task.h"

#include <event-parse.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define TASK_BUCKETS 4096

struct task_node {
	struct task_node *next;
	struct task_info info;
	bool tgid_unsure;	/* from a fork event, which does not say */
};

/* the kernel's saved_tgids, read whole; a lookup that misses reads it
 * again, but at most TGIDS_REREADS times per TGIDS_WINDOW_NS: the file
 * lists every task the kernel saw, and a fork-heavy machine would have
 * us read it for every new task. A burst of a few new threads still
 * gets a fresh read each. */
#define TGIDS_WINDOW_NS 100000000ull
#define TGIDS_REREADS 8

struct tgid_map {
	int *tid, *tgid;	/* sorted by tid */
	size_t n;
	uint64_t window_start;	/* CLOCK_MONOTONIC ns */
	int reads;	/* in the window */
};

struct task_cache {
	struct task_node *buckets[TASK_BUCKETS];
	struct tep_handle *tep;
	size_t count;
	struct tgid_map tgids;
};

struct task_cache *task_cache_alloc(void)
{
	return calloc(1, sizeof(struct task_cache));
}

void task_cache_free(struct task_cache *tc)
{
	if (!tc)
		return;
	for (size_t i = 0; i < TASK_BUCKETS; i++) {
		struct task_node *n = tc->buckets[i];

		while (n) {
			struct task_node *next = n->next;

			free(n);
			n = next;
		}
	}
	free(tc->tgids.tid);
	free(tc->tgids.tgid);
	free(tc);
}

void task_cache_set_tep(struct task_cache *tc, struct tep_handle *tep)
{
	tc->tep = tep;
}

static struct task_node **bucket(struct task_cache *tc, int tid)
{
	return &tc->buckets[(unsigned)tid % TASK_BUCKETS];
}

static struct task_node *find(struct task_cache *tc, int tid)
{
	for (struct task_node *n = *bucket(tc, tid); n; n = n->next)
		if (n->info.tid == tid)
			return n;
	return NULL;
}

static struct task_node *insert(struct task_cache *tc, int tid)
{
	struct task_node *n = find(tc, tid);

	if (n)
		return n;
	n = calloc(1, sizeof(*n));
	if (!n)
		return NULL;
	n->info.tid = n->info.tgid = tid;
	n->info.ppid = 0;
	n->info.uid = n->info.euid = n->info.gid = n->info.egid = -1;
	n->next = *bucket(tc, tid);
	*bucket(tc, tid) = n;
	tc->count++;
	return n;
}

/* /proc/TID/status works for threads too: Name, Tgid, PPid, Uid, Gid */
static bool read_proc(int tid, struct task_info *ti)
{
	char path[64], line[256];
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", tid);
	f = fopen(path, "re");
	if (!f)
		return false;
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, "Name:\t", 6)) {
			size_t n = strcspn(line + 6, "\n");

			if (n >= sizeof(ti->comm))
				n = sizeof(ti->comm) - 1;
			memcpy(ti->comm, line + 6, n);
			ti->comm[n] = '\0';
		} else {
			sscanf(line, "Tgid:\t%d", &ti->tgid);
			sscanf(line, "PPid:\t%d", &ti->ppid);
			sscanf(line, "Uid:\t%d\t%d", &ti->uid, &ti->euid);
			sscanf(line, "Gid:\t%d\t%d", &ti->gid, &ti->egid);
		}
	}
	fclose(f);
	return true;
}

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* the kernel lists saved_tgids by pid: sorted already */
static void read_tgid_map(struct tgid_map *m)
{
	const char *dir = getenv("TAP_TRACEFS");
	char path[512], line[64];
	size_t cap = m->n > 64 ? m->n : 64, n = 0;
	int *tid = malloc(cap * sizeof(int)), *tgid = malloc(cap * sizeof(int));
	int a, b;
	FILE *f;

	snprintf(path, sizeof(path), "%s/saved_tgids", dir && *dir ? dir : "/sys/kernel/tracing");
	f = fopen(path, "re");
	if (!f || !tid || !tgid)
		goto fail;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%d %d", &a, &b) != 2)
			continue;
		if (n == cap) {
			int *t1 = realloc(tid, cap * 2 * sizeof(int));
			int *t2 = t1 ? realloc(tgid, cap * 2 * sizeof(int)) : NULL;

			if (t1)
				tid = t1;
			if (!t2)
				goto fail;
			tgid = t2;
			cap *= 2;
		}
		tid[n] = a;
		tgid[n++] = b;
	}
	fclose(f);
	free(m->tid);
	free(m->tgid);
	m->tid = tid;
	m->tgid = tgid;
	m->n = n;
	return;
fail:
	if (f)
		fclose(f);
	free(tid);
	free(tgid);
}

static int find_tgid(const struct tgid_map *m, int tid)
{
	size_t lo = 0, hi = m->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (m->tid[mid] == tid)
			return m->tgid[mid];
		if (m->tid[mid] < tid)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

/* whether the read budget of this window allows one more read */
static bool may_reread(struct tgid_map *m)
{
	uint64_t now = mono_ns();

	if (now - m->window_start >= TGIDS_WINDOW_NS) {
		m->window_start = now;
		m->reads = 0;
	}
	return m->reads++ < TGIDS_REREADS;
}

/*
 * The kernel's tid -> tgid map (an instance with options/record-tgid):
 * the tgid, or 0 when the kernel does not know @tid. *@sure is false
 * when the answer is 0 only because the map was not read again.
 */
static int saved_tgid(struct task_cache *tc, int tid, bool *sure)
{
	int tgid = find_tgid(&tc->tgids, tid);

	*sure = true;
	if (tgid > 0)
		return tgid;
	if (!may_reread(&tc->tgids)) {
		*sure = false;
		return 0;
	}
	read_tgid_map(&tc->tgids);
	return find_tgid(&tc->tgids, tid);
}

/* a task gone from /proc: what the kernel saved; false when its tgid is
 * not known yet only because the map was not read again */
static bool fill_from_kernel(struct task_cache *tc, struct task_info *ti)
{
	const char *comm = tc->tep ? tep_data_comm_from_pid(tc->tep, ti->tid) : NULL;
	bool sure;
	int tgid = saved_tgid(tc, ti->tid, &sure);

	snprintf(ti->comm, sizeof(ti->comm), "%s", comm ? comm : "<...>");
	if (tgid > 0)
		ti->tgid = tgid;
	return sure;
}

const struct task_info *task_lookup(struct task_cache *tc, int tid)
{
	static struct task_info unknown = { .comm = "<...>" };
	struct task_node *n = find(tc, tid);

	if (n && n->tgid_unsure) {
		/* a new task: a thread if the kernel saw it under another id;
		 * asked again at the next event while the map was not read */
		bool sure;
		int tgid = saved_tgid(tc, tid, &sure);

		if (tgid > 0)
			n->info.tgid = tgid;
		n->tgid_unsure = !sure;
	}
	if (n)
		return &n->info;
	n = insert(tc, tid);
	if (!n) {
		unknown.tid = unknown.tgid = tid;
		return &unknown;
	}
	/* NEEDSWORK: a task that exec'd between the event and this first
	 * lookup shows its new name; seeding from /proc at start would close
	 * most of that window */
	if (!read_proc(tid, &n->info))
		n->tgid_unsure = !fill_from_kernel(tc, &n->info);
	return &n->info;
}

bool task_peek(struct task_cache *tc, int tid, struct task_info *out)
{
	struct task_node *n = find(tc, tid);

	if (n) {
		*out = n->info;
		return true;
	}
	memset(out, 0, sizeof(*out));
	out->tid = out->tgid = tid;
	return read_proc(tid, out);
}

void task_on_fork(struct task_cache *tc, int parent, const char *parent_comm,
		  int child, const char *child_comm)
{
	const struct task_info *p = task_lookup(tc, parent);
	struct task_node *n = insert(tc, child);

	if (!n)
		return;
	snprintf(n->info.comm, sizeof(n->info.comm), "%s",
		 child_comm ? child_comm : parent_comm);
	n->info.uid = p->uid;
	n->info.euid = p->euid;
	n->info.gid = p->gid;
	n->info.egid = p->egid;
	/* a thread shares its creator's process; a new process's parent is
	 * the creator's process. The event does not say which: /proc does,
	 * while the child lives. */
	n->info.tgid = child;
	n->info.ppid = p->tgid;
	/* /proc may already show a later exec's name: keep the event's */
	{
		char comm[16];

		memcpy(comm, n->info.comm, sizeof(comm));
		n->tgid_unsure = !read_proc(child, &n->info);
		memcpy(n->info.comm, comm, sizeof(comm));
	}
}

/* the node of @tid; a task not seen before is learned as task_lookup()
 * learns it (from /proc), not left with unknown ids; @fresh says so */
static struct task_node *learn(struct task_cache *tc, int tid, bool *fresh)
{
	struct task_node *n = find(tc, tid);

	*fresh = !n;
	if (n)
		return n;
	task_lookup(tc, tid);
	return find(tc, tid);
}

void task_on_exec(struct task_cache *tc, int tid, const char *filename)
{
	bool fresh;
	struct task_node *n = learn(tc, tid, &fresh);
	const char *base = filename ? strrchr(filename, '/') : NULL;
	struct task_info now = { .uid = -1, .euid = -1, .gid = -1, .egid = -1 };

	if (!n || !filename)
		return;
	/* a set-user-ID file changes the effective ids: /proc has them (a
	 * task just learned was read from there already) */
	if (!fresh && read_proc(tid, &now) && now.uid >= 0) {
		n->info.uid = now.uid;
		n->info.euid = now.euid;
		n->info.gid = now.gid;
		n->info.egid = now.egid;
	}
	/* the kernel names the task after the file it executes */
	snprintf(n->info.comm, sizeof(n->info.comm), "%s", base ? base + 1 : filename);
}

void task_on_rename(struct task_cache *tc, int tid, const char *comm)
{
	bool fresh;
	struct task_node *n = learn(tc, tid, &fresh);

	if (n && comm)
		snprintf(n->info.comm, sizeof(n->info.comm), "%s", comm);
}

void task_note_tgid(struct task_cache *tc, int tid, int tgid)
{
	struct task_node *n = find(tc, tid);

	if (n)
		n->info.tgid = tgid;
}
