// SPDX-License-Identifier: GPL-2.0-or-later
#include "loop.h"

#include <errno.h>
#include <event-parse.h>
#include <inttypes.h>
#include <kbuffer.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "fileio.h"
#include "perf.h"
#include "runtime.h"
#include "spill.h"
#include "tfb.h"
#include "tracedat.h"

/* an idle reader looks at the buffers this often (ms) */
#define LOOP_IDLE_MS 100
/* pages read from one CPU before handling them, so no CPU starves */
#define LOOP_BATCH_PAGES 256
/* how often the per-CPU drop counters are checked and the session's
 * tick runs (ns) */
#define LOOP_STATS_NS 1000000000ull
/* a reader that never goes idle still shows its output this often */
#define LOOP_FLUSH_NS 200000000ull

struct cpu_reader {
	int fd;
	int cpu;
	struct kbuffer *kb;
	void **pages;	/* FIFO of full pages read from the kernel */
	size_t head, count, cap;
	void **free_pages;
	size_t nfree;
	void *loaded;	/* the page kb holds, or NULL */
	bool has_cur;
	void *cur;
	uint64_t cur_ts;
	uint64_t missed;	/* from page headers (overwrite mode) */
	bool more;	/* the last fill stopped at the batch size */
	uint64_t last_page_ts;	/* the header time of the last page read */
	uint64_t dropped_seen;	/* from the stats file (discard mode) */
	bool unknown_loss;
	/* a flight recorder's reader: where the loaded page is in the
	 * spill, how many of its events were handled, and how many to pass
	 * over at the first page (a resumed writer) */
	uint64_t loaded_off;
	uint64_t consumed;
	uint64_t skip;
	int snap_fd;	/* per_cpu/cpuN/snapshot_raw, or -1 */
};

struct loop {
	struct rt *rt;
	struct tep_handle *tep;
	struct loop_opts o;
	struct cpu_reader *cpus;
	int ncpus;
	int page_size;
	int child_status;
	bool child_done;
	uint64_t next_stats;
	uint64_t next_flush;
	uint64_t spill_skipped;	/* bytes the spill dropped before we read them */
	bool spill_reported;
	int kstack_id;	/* kernel_stack records (backtrace()), or -1 */
	unsigned char *held;	/* a record kept while its stack is looked for */
};

/* every page buffer has room after it for its offset in the spill */
static void *page_get(struct loop *lp, struct cpu_reader *c)
{
	if (c->nfree)
		return c->free_pages[--c->nfree];
	return malloc((size_t)lp->page_size + sizeof(uint64_t));
}

static uint64_t *page_offset(const struct loop *lp, void *page)
{
	return (uint64_t *)((char *)page + lp->page_size);
}

static void page_put(struct cpu_reader *c, void *page)
{
	void **v;

	if (c->nfree == c->cap) {
		free(page);
		return;
	}
	v = c->free_pages;
	v[c->nfree++] = page;
}

static int queue_push(struct cpu_reader *c, void *page)
{
	if (c->count == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 64;
		void **v = malloc(cap * sizeof(*v));
		void **fp = realloc(c->free_pages, cap * sizeof(*fp));

		if (!v || !fp) {
			free(v);
			if (fp)
				c->free_pages = fp;
			return -ENOMEM;
		}
		for (size_t i = 0; i < c->count; i++)
			v[i] = c->pages[(c->head + i) % c->cap];
		free(c->pages);
		c->pages = v;
		c->free_pages = fp;
		c->head = 0;
		c->cap = cap;
	}
	c->pages[(c->head + c->count) % c->cap] = page;
	c->count++;
	return 0;
}

static void *queue_pop(struct cpu_reader *c)
{
	void *p;

	if (!c->count)
		return NULL;
	p = c->pages[c->head];
	c->head = (c->head + 1) % c->cap;
	c->count--;
	return p;
}

int loop_open(struct rt *rt, struct tep_handle *tep, const struct loop_opts *o,
	      struct loop **out)
{
	struct loop *lp = calloc(1, sizeof(*lp));
	enum kbuffer_long_size ls;
	enum kbuffer_endian en;

	if (!lp)
		return -ENOMEM;
	lp->rt = rt;
	lp->tep = tep;
	lp->o = *o;
	lp->kstack_id = -1;
	if (!lp->o.log)
		lp->o.log = stderr;
	if (!lp->o.prog)
		lp->o.prog = "tapc";
	*out = lp;
	if (!o->instance)
		return 0;
	lp->ncpus = tfb_ncpus();
	lp->page_size = tfb_subbuf_size(o->instance);
	lp->kstack_id = tfb_kernel_stack_id();
	lp->cpus = calloc((size_t)lp->ncpus, sizeof(*lp->cpus));
	/* a record is never larger than its page */
	lp->held = malloc((size_t)lp->page_size);
	if (!lp->cpus || !lp->held)
		return -ENOMEM;
	/* a failure half way must not close fd 0 for the CPUs not reached */
	for (int i = 0; i < lp->ncpus; i++)
		lp->cpus[i].fd = lp->cpus[i].snap_fd = -1;
	ls = tep_get_header_page_size(tep) == 8 ? KBUFFER_LSIZE_8 : KBUFFER_LSIZE_4;
	en = tep_is_file_bigendian(tep) ? KBUFFER_ENDIAN_BIG : KBUFFER_ENDIAN_LITTLE;
	for (int i = 0; i < lp->ncpus; i++) {
		struct cpu_reader *c = &lp->cpus[i];

		c->cpu = i;
		c->fd = tfb_open_cpu_raw(o->instance, i);
		c->snap_fd = o->spill && o->snapshot_raw ?
				     tfb_open_cpu_snapshot(o->instance, i) : -1;
		c->kb = kbuffer_alloc(ls, en);
		if (!c->kb)
			return -ENOMEM;
		/* a CPU that is not possible has no buffer: skip it */
		if (c->fd < 0 && c->fd != -ENOENT)
			return c->fd;
	}
	return 0;
}

void loop_free(struct loop *lp)
{
	if (!lp)
		return;
	free(lp->held);
	for (int i = 0; i < lp->ncpus; i++) {
		struct cpu_reader *c = &lp->cpus[i];
		void *p;

		while ((p = queue_pop(c)))
			free(p);
		for (size_t j = 0; j < c->nfree; j++)
			free(c->free_pages[j]);
		free(c->loaded);
		free(c->pages);
		free(c->free_pages);
		if (c->kb)
			kbuffer_free(c->kb);
		if (c->fd >= 0)
			close(c->fd);
		if (c->snap_fd >= 0)
			close(c->snap_fd);
	}
	free(lp->cpus);
	free(lp);
}

/* reads what the kernel has for one CPU, up to a batch; returns pages read */
static int fill_cpu(struct loop *lp, struct cpu_reader *c)
{
	int n = 0;

	while (c->fd >= 0 && n < LOOP_BATCH_PAGES) {
		void *page = page_get(lp, c);
		ssize_t r;

		if (!page)
			break;
		r = read(c->fd, page, (size_t)lp->page_size);
		if (r <= 0) {
			page_put(c, page);
			break;
		}
		if (r < lp->page_size)
			memset((char *)page + r, 0, (size_t)(lp->page_size - r));
		/* a page starts with the time of its first record */
		memcpy(&c->last_page_ts, page, sizeof(c->last_page_ts));
		if (queue_push(c, page)) {
			free(page);
			break;
		}
		n++;
	}
	c->more = n == LOOP_BATCH_PAGES;
	return n;
}

/* raw: pages go from the kernel to the trace.dat spool by splice(2) */
static int fill_cpu_raw(struct loop *lp, struct cpu_reader *c)
{
	size_t page = (size_t)lp->page_size;
	int n = 0;

	while (c->fd >= 0 && n < LOOP_BATCH_PAGES) {
		ssize_t r = tracedat_splice(lp->o.raw, c->cpu, c->fd,
					    (size_t)(LOOP_BATCH_PAGES - n) * page);

		if (r <= 0)
			break;
		n += (int)((size_t)r / page);
	}
	return n;
}

/* one CPU's pages from the spill, to decode or to record */
static int read_spill_cpu(struct loop *lp, struct cpu_reader *c)
{
	int n = 0;

	while (n < LOOP_BATCH_PAGES) {
		void *page;
		int r;

		if (lp->o.raw && !tracedat_can_take(lp->o.raw, c->cpu))
			break;
		page = page_get(lp, c);
		if (!page)
			break;
		*page_offset(lp, page) = spill_tell(lp->o.spill, c->cpu);
		r = spill_read(lp->o.spill, c->cpu, page, &lp->spill_skipped);
		if (r == 1 && lp->o.raw) {
			tracedat_write_page(lp->o.raw, c->cpu, page);
			page_put(c, page);
		} else if (r != 1 || queue_push(c, page)) {
			page_put(c, page);
			break;
		} else {
			memcpy(&c->last_page_ts, page, sizeof(c->last_page_ts));
		}
		n++;
	}
	c->more = n == LOOP_BATCH_PAGES;
	return n;
}

/*
 * A flight recorder: what the kernel has goes into the spill first (for
 * every reader), then this reader takes its next pages from there.
 */
static int fill_spill(struct loop *lp)
{
	int n = 0;

	if (spill_lock(lp->o.spill))
		return 0;
	for (int i = 0; i < lp->ncpus; i++) {
		int frozen = 0;

		/* a snapshot trigger froze these: they come before the rest,
		 * which wait a round, so one round never moves more than the
		 * spill keeps */
		if (lp->cpus[i].snap_fd >= 0)
			frozen = spill_pull(lp->o.spill, i, lp->cpus[i].snap_fd, LOOP_BATCH_PAGES);
		if (frozen <= 0)
			spill_pull(lp->o.spill, i, lp->cpus[i].fd, LOOP_BATCH_PAGES);
	}
	for (int i = 0; i < lp->ncpus; i++)
		n += read_spill_cpu(lp, &lp->cpus[i]);
	spill_unlock(lp->o.spill);
	if (lp->spill_skipped && !lp->spill_reported) {
		fprintf(lp->o.log,
			"%s: older pages were dropped from the flight recorder's spill before this reader got to them\n",
			lp->o.prog);
		lp->spill_reported = true;
	}
	return n;
}

/*
 * Records are merged in time order only up to what every CPU has been
 * read to: a CPU whose fill stopped at the batch size may have older
 * records still in the kernel than another CPU's newest, so nothing past
 * the start of its last page read is handed out this round.
 */
static uint64_t read_horizon(const struct loop *lp, uint64_t limit)
{
	for (int i = 0; i < lp->ncpus; i++)
		if (lp->cpus[i].more && lp->cpus[i].last_page_ts < limit)
			limit = lp->cpus[i].last_page_ts;
	return limit;
}

static int fill_all(struct loop *lp)
{
	int n = 0;

	if (lp->o.spill)
		return fill_spill(lp);
	for (int i = 0; i < lp->ncpus; i++)
		n += lp->o.raw ? fill_cpu_raw(lp, &lp->cpus[i]) :
				 fill_cpu(lp, &lp->cpus[i]);
	return n;
}

void loop_flush_raw(struct loop *lp)
{
	if (!lp->o.raw)
		return;
	while (fill_all(lp) > 0)
		;
	/* the spill's readers take partly filled pages with every pull */
	for (int i = 0; !lp->o.spill && i < lp->ncpus; i++)
		tracedat_flush_cpu(lp->o.raw, i, lp->cpus[i].fd);
}

static void note_missed(struct loop *lp, struct cpu_reader *c, long long missed)
{
	/* a flight recorder overwrites old events by design: say it once */
	if (lp->o.overwrite) {
		if (!c->unknown_loss)
			fprintf(lp->o.log,
				"%s: older events on CPU %d were overwritten (the flight recorder keeps the newest)\n",
				lp->o.prog, c->cpu);
		c->unknown_loss = true;
		return;
	}
	if (missed < 0) {
		if (!c->unknown_loss)
			fprintf(lp->o.log,
				"%s: events were lost on CPU %d (the ring buffer was overwritten)\n",
				lp->o.prog, c->cpu);
		c->unknown_loss = true;
		return;
	}
	c->missed += (uint64_t)missed;
	fprintf(lp->o.log, "%s: lost %lld events on CPU %d (ring buffer overrun)\n",
		lp->o.prog, missed, c->cpu);
}

/* a page just loaded: its place, and the events a resumed writer's
 * predecessor already handled */
static void skip_handled(struct loop *lp, struct cpu_reader *c)
{
	c->loaded_off = *page_offset(lp, c->loaded);
	c->consumed = 0;
	while (c->skip) {
		unsigned long long ts;

		if (!kbuffer_read_event(c->kb, &ts))
			break;
		kbuffer_next_event(c->kb, NULL);
		c->consumed++;
		c->skip--;
	}
	c->skip = 0;
}

/* makes the CPU's next record current; false when it has none */
static bool cpu_peek(struct loop *lp, struct cpu_reader *c)
{
	while (!c->has_cur) {
		if (c->loaded) {
			unsigned long long ts;
			void *d = kbuffer_read_event(c->kb, &ts);

			if (d) {
				c->cur = d;
				c->cur_ts = ts;
				c->has_cur = true;
				return true;
			}
			page_put(c, c->loaded);
			c->loaded = NULL;
		}
		c->loaded = queue_pop(c);
		if (!c->loaded)
			return false;
		if (kbuffer_load_subbuffer(c->kb, c->loaded) < 0) {
			page_put(c, c->loaded);
			c->loaded = NULL;
			continue;
		}
		if (kbuffer_missed_events(c->kb))
			note_missed(lp, c, kbuffer_missed_events(c->kb));
		if (lp->o.spill)
			skip_handled(lp, c);
	}
	return true;
}

/* a perf sample comes before every pending record: hand it over */
static bool dispatch_perf(struct loop *lp, const struct cpu_reader *best,
			  uint64_t limit)
{
	struct perf_sample s;

	if (!perf_source_peek(lp->o.perf, &s) || s.ts > limit ||
	    (best && best->cur_ts < s.ts))
		return false;
	rt_handle_perf(lp->rt, s.probe, s.cpu, s.ts, s.pid, s.tid, s.ip, s.user);
	perf_source_next(lp->o.perf);
	return true;
}

static void cpu_advance(struct cpu_reader *c)
{
	kbuffer_next_event(c->kb, NULL);
	c->has_cur = false;
	c->consumed++;
}

static uint16_t record_type(const void *data)
{
	uint16_t id;

	memcpy(&id, data, 2);
	return id;
}

/*
 * A record whose event has the stacktrace trigger: the kernel wrote the
 * stack as the next record of the same CPU, so it is taken with it (a
 * stack not read yet, which a reader racing the writer may see, leaves
 * backtrace() empty). Moves @c past both.
 */
static void dispatch_with_kstack(struct loop *lp, struct cpu_reader *c)
{
	int size = kbuffer_event_size(c->kb), ssize = 0;
	uint64_t ts = c->cur_ts;
	const void *stack = NULL;

	if (size <= 0 || size > lp->page_size) {
		rt_handle_record(lp->rt, c->cpu, c->cur_ts, c->cur, size);
		cpu_advance(c);
		return;
	}
	/* the next record may be on the next page: this one's goes then */
	memcpy(lp->held, c->cur, (size_t)size);
	cpu_advance(c);
	if (cpu_peek(lp, c) && lp->kstack_id >= 0 && record_type(c->cur) == lp->kstack_id) {
		stack = c->cur;
		ssize = kbuffer_event_size(c->kb);
	}
	rt_handle_record_kstack(lp->rt, c->cpu, ts, lp->held, size, stack, ssize);
	/* another event (no stack came) stays current, to be handled next */
	if (stack)
		cpu_advance(c);
}

/* hands records to the runtime in timestamp order, up to @limit */
static void dispatch(struct loop *lp, uint64_t limit)
{
	for (;;) {
		struct cpu_reader *best = NULL;

		for (int i = 0; i < lp->ncpus; i++) {
			struct cpu_reader *c = &lp->cpus[i];

			if (!cpu_peek(lp, c) || c->cur_ts > limit)
				continue;
			if (!best || c->cur_ts < best->cur_ts)
				best = c;
		}
		if (lp->o.perf && dispatch_perf(lp, best, limit)) {
			if (rt_should_stop(lp->rt))
				return;
			continue;
		}
		if (!best)
			return;
		if (rt_record_takes_kstack(lp->rt, best->cur, kbuffer_event_size(best->kb))) {
			dispatch_with_kstack(lp, best);
		} else {
			rt_handle_record(lp->rt, best->cpu, best->cur_ts, best->cur,
					 kbuffer_event_size(best->kb));
			cpu_advance(best);
		}
		if (rt_should_stop(lp->rt))
			return;
	}
}

static uint64_t mono_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* the discard-mode drop counters only live in per_cpu/cpuN/stats */
static void check_drops(struct loop *lp)
{
	for (int i = 0; i < lp->ncpus; i++) {
		struct cpu_reader *c = &lp->cpus[i];
		struct tfb_cpu_stats st;

		if (c->fd < 0 || tfb_cpu_stats(lp->o.instance, i, &st))
			continue;
		if (st.dropped > c->dropped_seen) {
			fprintf(lp->o.log,
				"%s: dropped %" PRIu64 " events on CPU %d: the buffer was full (raise -s)\n",
				lp->o.prog, st.dropped - c->dropped_seen, i);
			c->dropped_seen = st.dropped;
		}
	}
}

/* one round: read, hand over what is complete, returns pages read */
static int round_once(struct loop *lp)
{
	/*
	 * With the mono clock, a record stamped before t0 on any CPU is in
	 * its buffer by the time we read it, so everything up to t0 can be
	 * merged in order; later records wait for the next round.
	 */
	uint64_t t0 = lp->o.clock_mono || (lp->o.perf && !lp->o.instance) ?
			      mono_now() : UINT64_MAX;
	int n = fill_all(lp);

	dispatch(lp, read_horizon(lp, t0));
	return n;
}

/*
 * A raw recording names the -c command's task itself: the kernel's table
 * may have lost it by the time a file is finished, or never got it (it
 * skips a task when its lock is busy). Read while it runs, and once more
 * from its zombie, which still has the name it ended with.
 */
static void name_child(struct loop *lp)
{
	char path[64], *comm;

	snprintf(path, sizeof(path), "/proc/%d/comm", (int)lp->o.child);
	comm = file_read_text(path, NULL);
	if (comm && *comm) {
		comm[strcspn(comm, "\n")] = '\0';
		tracedat_name_task(lp->o.raw, lp->o.child, comm);
	}
	free(comm);
}

static bool child_ended(const struct loop *lp)
{
	siginfo_t si = { 0 };

	return !waitid(P_PID, (id_t)lp->o.child, &si, WEXITED | WNOHANG | WNOWAIT) &&
	       si.si_pid == lp->o.child;
}

static enum loop_stop handle_signals(struct loop *lp, bool *stop)
{
	struct signalfd_siginfo si;

	*stop = false;
	while (lp->o.signal_fd >= 0 &&
	       read(lp->o.signal_fd, &si, sizeof(si)) == sizeof(si)) {
		switch (si.ssi_signo) {
		case SIGINT:
		case SIGTERM:
		case SIGHUP:
			*stop = true;
			return LOOP_STOP_SIGNAL;
		case SIGQUIT:
			*stop = true;
			return LOOP_STOP_DETACH;
		default:
			if (lp->o.hooks.signal)
				lp->o.hooks.signal(lp->o.hooks.arg, &si);
			break;
		}
	}
	if (lp->o.child > 0 && !lp->child_done) {
		int status;
		pid_t r;

		if (lp->o.raw && child_ended(lp)) {
			name_child(lp);
			tracedat_note_tasks(lp->o.raw);
		}
		r = waitpid(lp->o.child, &status, WNOHANG);

		if (r == lp->o.child) {
			lp->child_done = true;
			lp->child_status = WIFEXITED(status) ? WEXITSTATUS(status) :
							       128 + WTERMSIG(status);
			*stop = true;
			return LOOP_STOP_CHILD;
		}
	}
	return LOOP_STOP_EXIT;
}

static int poll_timeout(struct loop *lp)
{
	uint64_t next = rt_next_timer(lp->rt), now = mono_now();
	int ms = LOOP_IDLE_MS;

	if (next != UINT64_MAX) {
		uint64_t wait = next > now ? (next - now + 999999) / 1000000 : 0;

		if (wait < (uint64_t)ms)
			ms = (int)wait;
	}
	return ms;
}

static void wait_for_work(struct loop *lp, bool hold)
{
	struct pollfd fds[1 + 256];
	int n = 0;

	if (lp->o.signal_fd >= 0)
		fds[n++] = (struct pollfd){ .fd = lp->o.signal_fd, .events = POLLIN };
	for (int i = 0; !hold && i < lp->ncpus && n < (int)(sizeof(fds) / sizeof(fds[0])); i++)
		if (lp->cpus[i].fd >= 0)
			fds[n++] = (struct pollfd){ .fd = lp->cpus[i].fd, .events = POLLIN };
	if (!hold && lp->o.perf) {
		int pfds[128], np = perf_source_fds(lp->o.perf, pfds, 128);

		for (int i = 0; i < np && n < (int)(sizeof(fds) / sizeof(fds[0])); i++)
			fds[n++] = (struct pollfd){ .fd = pfds[i], .events = POLLIN };
	}
	poll(fds, (nfds_t)n, poll_timeout(lp));
}

static bool paused(struct loop *lp)
{
	return lp->o.hooks.paused && lp->o.hooks.paused(lp->o.hooks.arg);
}

/* the once-a-second work; true to stop */
static bool tick(struct loop *lp, uint64_t now)
{
	if (now < lp->next_stats)
		return false;
	lp->next_stats = now + LOOP_STATS_NS;
	if (lp->o.instance)
		check_drops(lp);
	/* the kernel forgets tasks that stopped running: keep their names */
	if (lp->o.raw) {
		tracedat_note_tasks(lp->o.raw);
		if (lp->o.child > 0 && !lp->child_done)
			name_child(lp);
	}
	return lp->o.hooks.tick && lp->o.hooks.tick(lp->o.hooks.arg);
}

enum loop_stop loop_run(struct loop *lp)
{
	for (;;) {
		enum loop_stop why;
		bool stop, hold = paused(lp);
		/* while the output is blocked, events stay in the kernel */
		int pages = hold ? 0 : round_once(lp);
		uint64_t now = mono_now();

		if (!hold && lp->o.hooks.checkpoint)
			lp->o.hooks.checkpoint(lp->o.hooks.arg);
		if (rt_should_stop(lp->rt))
			return LOOP_STOP_EXIT;
		if (rt_next_timer(lp->rt) <= now) {
			rt_run_timers(lp->rt, now);
			if (rt_should_stop(lp->rt))
				return LOOP_STOP_EXIT;
		}
		if (tick(lp, now))
			return LOOP_STOP_SIGNAL;
		why = handle_signals(lp, &stop);
		if (stop)
			return why;
		/* "tapc ... | head": the reader is gone, stop cleanly */
		if (rt_output_closed(lp->rt))
			return LOOP_STOP_SIGNAL;
		if (pages < LOOP_BATCH_PAGES / 2) {
			rt_flush(lp->rt);
			lp->next_flush = now + LOOP_FLUSH_NS;
			wait_for_work(lp, hold);
		} else if (now >= lp->next_flush) {
			rt_flush(lp->rt);
			lp->next_flush = now + LOOP_FLUSH_NS;
		}
	}
}

void loop_drain(struct loop *lp)
{
	if (lp->o.raw) {
		loop_flush_raw(lp);
		return;
	}
	while (!rt_should_stop(lp->rt)) {
		int n = fill_all(lp);

		dispatch(lp, read_horizon(lp, UINT64_MAX));
		if (!n)
			break;
	}
	if (!rt_should_stop(lp->rt))
		dispatch(lp, UINT64_MAX);
}

int loop_child_status(const struct loop *lp)
{
	return lp->child_status;
}

uint64_t loop_report_loss(struct loop *lp)
{
	uint64_t total = 0;
	char detail[1024] = "";
	size_t off = 0;

	for (int i = 0; i < lp->ncpus; i++) {
		struct tfb_cpu_stats st;
		uint64_t lost;

		if (lp->cpus[i].fd < 0 || tfb_cpu_stats(lp->o.instance, i, &st))
			continue;
		/* overrun counts what overwrite mode threw away; dropped
		 * what discard mode refused */
		lost = st.overrun + st.dropped;
		if (lp->cpus[i].missed > lost)
			lost = lp->cpus[i].missed;
		if (!lost)
			continue;
		total += lost;
		off += (size_t)snprintf(detail + off, sizeof(detail) - off,
					"%scpu%d %" PRIu64, off ? ", " : "", i, lost);
		if (off >= sizeof(detail))
			off = sizeof(detail) - 1;
	}
	if (total && lp->o.overwrite)
		fprintf(lp->o.log,
			"%s: the flight recorder overwrote %" PRIu64 " older events (%s); it keeps the newest\n",
			lp->o.prog, total, detail);
	else if (total)
		fprintf(lp->o.log,
			"%s: WARNING: %" PRIu64 " events were lost (%s); give each CPU a larger buffer with -s MB\n",
			lp->o.prog, total, detail);
	return total;
}

uint64_t loop_kernel_recorded(struct loop *lp)
{
	uint64_t total = 0;

	for (int i = 0; i < lp->ncpus; i++) {
		struct tfb_cpu_stats st;

		if (lp->cpus[i].fd < 0 || tfb_cpu_stats(lp->o.instance, i, &st))
			continue;
		total += st.read + st.entries + st.overrun;
	}
	return total;
}

int loop_ncpus(const struct loop *lp)
{
	return lp->ncpus;
}

void loop_position(const struct loop *lp, int cpu, uint64_t *offset,
		   uint64_t *handled)
{
	const struct cpu_reader *c = &lp->cpus[cpu];

	/* events still to be passed over belong to the next page loaded */
	*handled = c->skip;
	if (c->loaded) {
		*offset = c->loaded_off;
		*handled = c->consumed;
	} else if (c->count) {
		*offset = *page_offset(lp, c->pages[c->head]);
	} else {
		*offset = spill_tell(lp->o.spill, cpu);
	}
}

void loop_seek(struct loop *lp, int cpu, uint64_t offset, uint64_t handled)
{
	spill_seek(lp->o.spill, cpu, offset);
	lp->cpus[cpu].skip = handled;
}
