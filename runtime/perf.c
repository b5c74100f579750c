// SPDX-License-Identifier: GPL-2.0-or-later
#include "perf.h"

#include <errno.h>
#include <stddef.h>
#include <linux/perf_event.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "symbolize.h"
#include "tfb.h"

/*
 * Data pages per ring: a power of two, the instance's per-CPU size (-s)
 * rounded down, at least PERF_MIN_PAGES. A system-wide sampler sees every
 * process's events, and a small ring overflows while a loaded machine
 * keeps the reader from running.
 */
#define PERF_MIN_PAGES 16

struct perf_ring {
	int fd;
	int probe;
	int cpu;
	struct perf_event_mmap_page *meta;
	unsigned char *data;
	size_t size;
	bool has;	/* cur holds the next sample */
	struct perf_sample cur;
};

struct perf_source {
	struct perf_ring *rings;
	size_t n;
	size_t page;
	size_t data_pages;
	uint64_t lost;
	struct perf_ring *taken;	/* the ring perf_source_peek() chose */
	struct symbolizer *sym;	/* told of mmaps, execs and exits */
};

static size_t ring_pages(size_t bytes, size_t page)
{
	size_t n = PERF_MIN_PAGES;

	while (n * 2 * page <= bytes)
		n *= 2;
	return n;
}

static long perf_event_open(struct perf_event_attr *attr, int cpu)
{
	return syscall(SYS_perf_event_open, attr, -1, cpu, -1, PERF_FLAG_FD_CLOEXEC);
}

static int open_ring(struct perf_source *ps, const struct dprobe *dp, int probe,
		     int cpu, bool track, struct diag *d)
{
	struct perf_event_attr attr = {
		.size = sizeof(attr),
		.type = dp->perf.type,
		.config = dp->perf.config,
		.sample_period = dp->perf.period,
		.sample_type = PERF_SAMPLE_IP | PERF_SAMPLE_TID | PERF_SAMPLE_TIME |
			       PERF_SAMPLE_CPU,
		.disabled = 1,
		.exclude_hv = 1,
		/* the same clock as the instance's "mono" trace clock */
		.use_clockid = 1,
		.clockid = CLOCK_MONOTONIC,
		.wakeup_events = 1,
		/*
		 * One event per CPU also reports executable mappings, execs
		 * and exits, so that usymname() resolves a process that is
		 * gone by the time its samples are handled.
		 */
		.mmap = track,
		.comm = track,
		.comm_exec = track,
		.task = track,
	};
	struct perf_ring *r = &ps->rings[ps->n];
	size_t len = (1 + ps->data_pages) * ps->page;
	long fd = perf_event_open(&attr, cpu);
	void *map;

	if (fd < 0) {
		int err = errno;

		diag_error(d, dp->point->loc, "cannot open perf event '%s' on CPU %d: %s%s",
			   dp->perf.name, cpu, strerror(err),
			   err == ENOENT || err == EOPNOTSUPP ?
				   " (this machine has no such counter)" : "");
		return -EINVAL;
	}
	map = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, (int)fd, 0);
	if (map == MAP_FAILED) {
		int err = errno;

		close((int)fd);
		diag_error(d, dp->point->loc, "cannot map the perf buffer: %s", strerror(err));
		return -EINVAL;
	}
	r->fd = (int)fd;
	r->probe = probe;
	r->cpu = cpu;
	r->meta = map;
	r->data = (unsigned char *)map + ps->page;
	r->size = ps->data_pages * ps->page;
	ps->n++;
	return 0;
}

int perf_source_open(const struct program *p, struct symbolizer *sym,
		     struct perf_source **out, struct diag *d)
{
	struct perf_source *ps;
	bool track = sym != NULL;
	size_t nperf = 0;
	int ncpus = tfb_ncpus(), err = 0;

	*out = NULL;
	for (size_t i = 0; i < p->ndprobes; i++)
		nperf += p->dprobes[i]->kind == DPROBE_PERF;
	if (!nperf)
		return 0;
	ps = calloc(1, sizeof(*ps));
	if (!ps)
		return -ENOMEM;
	ps->sym = sym;
	ps->page = (size_t)sysconf(_SC_PAGESIZE);
	ps->data_pages = ring_pages((size_t)p->plan->instance.buffer_kb * 1024, ps->page);
	ps->rings = calloc(nperf * (size_t)ncpus, sizeof(*ps->rings));
	if (!ps->rings) {
		free(ps);
		return -ENOMEM;
	}
	for (size_t i = 0; i < p->ndprobes && !err; i++) {
		if (p->dprobes[i]->kind != DPROBE_PERF)
			continue;
		for (int cpu = 0; cpu < ncpus && !err; cpu++)
			err = open_ring(ps, p->dprobes[i], (int)i, cpu, track, d);
		track = false;
	}
	if (err) {
		perf_source_free(ps);
		return err;
	}
	*out = ps;
	return 0;
}

void perf_source_enable(struct perf_source *ps, bool on)
{
	for (size_t i = 0; ps && i < ps->n; i++)
		ioctl(ps->rings[i].fd, on ? PERF_EVENT_IOC_ENABLE : PERF_EVENT_IOC_DISABLE, 0);
}

void perf_source_free(struct perf_source *ps)
{
	if (!ps)
		return;
	for (size_t i = 0; i < ps->n; i++) {
		munmap(ps->rings[i].meta, (1 + ps->data_pages) * ps->page);
		close(ps->rings[i].fd);
	}
	free(ps->rings);
	free(ps);
}

int perf_source_fds(const struct perf_source *ps, int *fds, int max)
{
	int n = 0;

	for (size_t i = 0; ps && i < ps->n && n < max; i++)
		fds[n++] = ps->rings[i].fd;
	return n;
}

/* copies @len bytes at ring offset @off, across the wrap */
static void ring_copy(const struct perf_ring *r, uint64_t off, void *dst, size_t len)
{
	size_t at = (size_t)(off % r->size), first = r->size - at;

	if (first >= len) {
		memcpy(dst, r->data + at, len);
	} else {
		memcpy(dst, r->data + at, first);
		memcpy((char *)dst + first, r->data, len - first);
	}
}

/* the process events that keep the symbolizer's maps current */
static void track_record(struct perf_source *ps, const struct perf_ring *r,
			 uint64_t off, const struct perf_event_header *h)
{
	struct {
		uint32_t pid, tid;
		uint64_t addr, len, pgoff;
		char path[4096];
	} mm;
	uint32_t ids[4];	/* pid, ppid or tid, tid, ptid */
	size_t body = h->size - sizeof(*h);

	if (!ps->sym || body < sizeof(ids))
		return;
	if (h->type == PERF_RECORD_MMAP && body > offsetof(typeof(mm), path)) {
		size_t n = body < sizeof(mm) ? body : sizeof(mm);

		ring_copy(r, off, &mm, n);
		((char *)&mm)[n - 1] = '\0';	/* the record pads the name with NULs */
		symbolizer_add_map(ps->sym, (int)mm.pid, mm.addr, mm.len, mm.pgoff, mm.path);
		return;
	}
	ring_copy(r, off, ids, sizeof(ids));
	if (h->type == PERF_RECORD_COMM && (h->misc & PERF_RECORD_MISC_COMM_EXEC))
		symbolizer_forget(ps->sym, (int)ids[0]);
	else if (h->type == PERF_RECORD_FORK && ids[0] != ids[1])
		symbolizer_forget(ps->sym, (int)ids[0]);	/* a new process */
	else if (h->type == PERF_RECORD_EXIT && ids[0] == ids[2])
		symbolizer_exited(ps->sym, (int)ids[0]);	/* its main thread */
}

/* decodes the ring's next sample into r->cur; tracks other records */
static bool ring_fill(struct perf_source *ps, struct perf_ring *r)
{
	uint64_t head = __atomic_load_n(&r->meta->data_head, __ATOMIC_ACQUIRE);
	uint64_t tail = r->meta->data_tail;

	while (!r->has && tail < head) {
		struct perf_event_header h;
		unsigned char rec[64];

		ring_copy(r, tail, &h, sizeof(h));
		if (h.size < sizeof(h))
			break;	/* a broken ring: give up on it for now */
		if (h.type == PERF_RECORD_SAMPLE && h.size >= sizeof(h) + 32) {
			uint32_t pidtid[2], cpu[2];

			ring_copy(r, tail + sizeof(h), rec, 32);
			memcpy(&r->cur.ip, rec, 8);
			memcpy(pidtid, rec + 8, 8);
			memcpy(&r->cur.ts, rec + 16, 8);
			memcpy(cpu, rec + 24, 8);
			r->cur.pid = (int)pidtid[0];
			r->cur.tid = (int)pidtid[1];
			r->cur.cpu = (int)cpu[0];
			r->cur.probe = r->probe;
			r->cur.user = (h.misc & PERF_RECORD_MISC_CPUMODE_MASK) ==
				      PERF_RECORD_MISC_USER;
			r->has = true;
		} else if (h.type == PERF_RECORD_LOST && h.size >= sizeof(h) + 16) {
			uint64_t lost;

			ring_copy(r, tail + sizeof(h) + 8, &lost, 8);
			ps->lost += lost;
		} else {
			track_record(ps, r, tail + sizeof(h), &h);
		}
		tail += h.size;
		/* the sample is copied out: give the space back */
		__atomic_store_n(&r->meta->data_tail, tail, __ATOMIC_RELEASE);
	}
	return r->has;
}

bool perf_source_peek(struct perf_source *ps, struct perf_sample *s)
{
	struct perf_ring *best = NULL;

	if (!ps)
		return false;
	for (size_t i = 0; i < ps->n; i++) {
		struct perf_ring *r = &ps->rings[i];

		if (!ring_fill(ps, r))
			continue;
		if (!best || r->cur.ts < best->cur.ts)
			best = r;
	}
	ps->taken = best;
	if (best)
		*s = best->cur;
	return best != NULL;
}

void perf_source_next(struct perf_source *ps)
{
	if (ps && ps->taken) {
		ps->taken->has = false;
		ps->taken = NULL;
	}
}

uint64_t perf_source_lost(const struct perf_source *ps)
{
	return ps ? ps->lost : 0;
}
