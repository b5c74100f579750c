// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * pid() of threads gone from /proc before their events are handled: the
 * kernel's saved_tgids (a fake tracefs here, TAP_TRACEFS) is read again
 * when a lookup misses, for every thread of a burst, within a budget per
 * 100 ms; a lookup refused by the budget is asked again at the next
 * event instead of keeping the thread's own id for good.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "task.h"

/* ids above pid_max's largest value: no /proc entry answers for them */
#define PROC 4200000
#define THREAD(i) (PROC + 1 + (i))

static char dir[] = "/tmp/tap-test-task.XXXXXX";

/* saved_tgids lists PROC's first @n threads */
static void save_tgids(int n)
{
	char path[64];
	FILE *f;

	snprintf(path, sizeof(path), "%s/saved_tgids", dir);
	f = fopen(path, "w");
	if (!f)
		return;
	fprintf(f, "%d %d\n", PROC, PROC);
	for (int i = 0; i < n; i++)
		fprintf(f, "%d %d\n", THREAD(i), PROC);
	fclose(f);
}

static void sleep_ms(long ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000 };

	nanosleep(&ts, NULL);
}

int main(void)
{
	struct task_cache *tc;

	CHECK(mkdtemp(dir) != NULL);
	setenv("TAP_TRACEFS", dir, 1);
	save_tgids(0);
	tc = task_cache_alloc();
	CHECK(tc != NULL);
	if (!tc)
		return CHECK_DONE();

	/* four threads are made and exit before tap looks at them; the
	 * kernel saves each one's tgid as it switches out */
	for (int i = 0; i < 4; i++)
		task_on_fork(tc, PROC, "threads", THREAD(i), "threads");
	for (int i = 0; i < 4; i++) {
		save_tgids(i + 1);
		CHECK(task_lookup(tc, THREAD(i))->tgid == PROC);
	}

	/* a burst beyond the budget: the lookups it refuses say the thread's
	 * own id for now, and are asked again at the next event */
	for (int i = 4; i < 30; i++)
		task_on_fork(tc, PROC, "threads", THREAD(i), "threads");
	{
		int refused = 0;

		for (int i = 4; i < 30; i++) {
			save_tgids(i + 1);
			refused += task_lookup(tc, THREAD(i))->tgid != PROC;
		}
		CHECK(refused > 0);	/* 26 misses in one window */
	}
	sleep_ms(120);
	for (int i = 4; i < 30; i++)
		CHECK(task_lookup(tc, THREAD(i))->tgid == PROC);

	/* a new process (not in saved_tgids after a fresh read) is its own */
	task_on_fork(tc, PROC, "threads", THREAD(40), "child");
	sleep_ms(120);
	CHECK(task_lookup(tc, THREAD(40))->tgid == THREAD(40));
	CHECK_STR(task_lookup(tc, THREAD(40))->comm, "child");

	task_cache_free(tc);
	{
		char path[64];

		snprintf(path, sizeof(path), "%s/saved_tgids", dir);
		unlink(path);
		rmdir(dir);
	}
	return CHECK_DONE();
}
