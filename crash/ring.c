// SPDX-License-Identifier: GPL-2.0-or-later
#include "ring.h"

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RB_FLAG_MASK 3ull	/* RB_PAGE_HEAD | RB_PAGE_UPDATE in ->next */
#define RB_PAGE_HEAD_FLAG 1ull
#define COMMIT_FLAGS (3ull << 30)	/* RB_MISSED_EVENTS | RB_MISSED_STORED */

struct walker {
	struct crash_mem *m;
	const struct crash_walk_opts *o;
	const struct crash_layout *l;
	const char *where;	/* "instance 'x' cpu 3" for messages */
};

static void problem(struct walker *w, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void problem(struct walker *w, const char *fmt, ...)
{
	char msg[512], full[640];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(full, sizeof(full), "%s%s%s", w->where ? w->where : "",
		 w->where ? ": " : "", msg);
	if (w->o->problem)
		w->o->problem(w->o->arg, full);
}

static int read_ptr(struct walker *w, uint64_t addr, uint64_t *v)
{
	if (!crash_kaddr_ok(addr, 8) || crash_read_u64(w->m, addr, v))
		return -EFAULT;
	return 0;
}

/* a set of addresses seen, to catch loops in corrupt lists */
struct seen {
	uint64_t *v;
	size_t n, cap;
};

static bool seen_add(struct seen *s, uint64_t a)
{
	for (size_t i = 0; i < s->n; i++)
		if (s->v[i] == a)
			return false;
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 64;
		uint64_t *v = realloc(s->v, cap * sizeof(*v));

		if (!v)
			return false;
		s->v = v;
		s->cap = cap;
	}
	s->v[s->n++] = a;
	return true;
}

/* --- pages ---------------------------------------------------------------- */

static int copy_page(struct walker *w, struct crash_cpu *c, uint64_t bpage,
		     size_t size, unsigned skip)
{
	const struct crash_layout *l = w->l;
	struct crash_page *v;
	uint64_t data, commit;
	unsigned char *buf;

	if (read_ptr(w, bpage + l->bp_page, &data) || !crash_kaddr_ok(data, 8)) {
		problem(w, "buffer_page 0x%llx has no readable data pointer; page skipped",
			(unsigned long long)bpage);
		return 0;
	}
	buf = malloc(size);
	if (!buf)
		return -ENOMEM;
	if (crash_read(w->m, data, buf, size)) {
		problem(w, "data page 0x%llx is not in the dump; page skipped",
			(unsigned long long)data);
		free(buf);
		return 0;
	}
	memcpy(&commit, buf + l->bdp_commit, sizeof(commit));
	/* a page header claiming more than the page holds is garbage */
	if ((commit & ~COMMIT_FLAGS) > size - l->bdp_data || skip > size) {
		problem(w, "data page 0x%llx has a bad header (commit %llu); page skipped",
			(unsigned long long)data, (unsigned long long)(commit & ~COMMIT_FLAGS));
		free(buf);
		return 0;
	}
	v = realloc(c->pages, (c->npages + 1) * sizeof(*v));
	if (!v) {
		free(buf);
		return -ENOMEM;
	}
	c->pages = v;
	v[c->npages].data = buf;
	v[c->npages].skip = skip;
	c->npages++;
	return 0;
}

/*
 * The ring: follow ->next from the pages list. The real head page is the
 * one whose incoming pointer carries RB_PAGE_HEAD; head_page in the
 * per-CPU struct can be stale.
 */
static int ring_pages(struct walker *w, uint64_t cpu_buffer, uint64_t **ring,
		      size_t *nring, uint64_t *head)
{
	const struct crash_layout *l = w->l;
	uint64_t start, next, nr_pages = 0, p;
	struct seen seen = { 0 };
	size_t n = 0, bound;

	*head = 0;
	if (read_ptr(w, cpu_buffer + l->cpu_pages, &start) ||
	    crash_read_u64(w->m, cpu_buffer + l->cpu_nr_pages, &nr_pages)) {
		problem(w, "the per-CPU buffer is unreadable; CPU skipped");
		return -EFAULT;
	}
	bound = nr_pages && nr_pages < CRASH_MAX_PAGES ? (size_t)nr_pages + 2 : CRASH_MAX_PAGES;
	*ring = calloc(bound + 1, sizeof(**ring));
	if (!*ring)
		return -ENOMEM;
	p = start & ~RB_FLAG_MASK;
	while (n < bound) {
		if (!seen_add(&seen, p))
			break;	/* back at a page we know: the ring closed */
		if (read_ptr(w, p + l->bp_list, &next)) {
			problem(w, "page list broken at 0x%llx after %zu pages; the rest skipped",
				(unsigned long long)p, n);
			break;
		}
		(*ring)[n++] = p - l->bp_list;
		if (next & RB_PAGE_HEAD_FLAG)
			*head = (next & ~RB_FLAG_MASK) - l->bp_list;
		p = next & ~RB_FLAG_MASK;
	}
	if (n == bound)
		problem(w, "the page list does not close within %zu pages: a loop or corruption; "
			   "pages after that are skipped", bound);
	free(seen.v);
	*nring = n;
	return 0;
}

static int walk_cpu(struct walker *w, uint64_t cpu_buffer, size_t subbuf,
		    struct crash_cpu *c)
{
	const struct crash_layout *l = w->l;
	uint64_t reader, commit_page, head = 0, *ring = NULL, stale_head;
	uint32_t read = 0;
	size_t nring = 0, start = 0;
	int err;

	crash_read_u64(w->m, cpu_buffer + l->cpu_entries, &c->entries);
	crash_read_u64(w->m, cpu_buffer + l->cpu_overrun, &c->overrun);
	if (read_ptr(w, cpu_buffer + l->cpu_reader_page, &reader) ||
	    read_ptr(w, cpu_buffer + l->cpu_commit_page, &commit_page)) {
		problem(w, "reader or commit page pointer unreadable; CPU skipped");
		return 0;
	}
	/* the reader page: what a consuming read has not returned yet */
	if (!crash_read(w->m, reader + l->bp_read, &read,
			l->bp_read_size < 4 ? l->bp_read_size : 4)) {
		err = copy_page(w, c, reader, subbuf, read);
		if (err)
			return err;
	}
	if (reader == commit_page)
		return 0;	/* the writer is on the reader page: nothing more */
	err = ring_pages(w, cpu_buffer, &ring, &nring, &head);
	if (err)
		return err == -EFAULT ? 0 : err;
	if (!head && !read_ptr(w, cpu_buffer + l->cpu_head_page, &stale_head))
		head = stale_head;
	while (start < nring && ring[start] != head)
		start++;
	if (start == nring) {
		problem(w, "no head page in the ring; CPU skipped");
		free(ring);
		return 0;
	}
	for (size_t k = 0; k < nring && !err; k++) {
		uint64_t page = ring[(start + k) % nring];

		err = copy_page(w, c, page, subbuf, 0);
		if (page == commit_page)
			break;	/* pages past the writer's commit hold old data */
	}
	free(ring);
	return err;
}

/* --- instances --------------------------------------------------------------- */

static int walk_instance(struct walker *w, uint64_t tr, struct crash_instance *in)
{
	const struct crash_layout *l = w->l;
	const struct crash_walk_opts *o = w->o;
	uint64_t tb, buffers, name = 0;
	uint32_t order = 0;
	char where[160];
	int err = 0;

	in->addr = tr;
	if (tr != o->global_trace && !read_ptr(w, tr + l->ta_name, &name) &&
	    crash_read_string(w->m, name, 256, &in->name))
		problem(w, "instance at 0x%llx has an unreadable name", (unsigned long long)tr);
	snprintf(where, sizeof(where), "instance '%s'", in->name ? in->name : "(top level)");
	w->where = where;
	if (read_ptr(w, tr + l->ta_array_buffer + l->ab_buffer, &tb) ||
	    read_ptr(w, tb + l->tb_buffers, &buffers)) {
		problem(w, "no readable trace_buffer; instance skipped");
		return 0;
	}
	if (l->has_subbuf_order && (crash_read_u32(w->m, tb + l->tb_subbuf_order, &order) ||
				    order > 10)) {
		problem(w, "bad sub-buffer order %u; using 0", order);
		order = 0;
	}
	in->subbuf_size = o->page_size << order;
	in->cpus = calloc(o->nr_cpu_ids, sizeof(*in->cpus));
	if (!in->cpus)
		return -ENOMEM;
	for (uint32_t cpu = 0; cpu < o->nr_cpu_ids && !err; cpu++) {
		uint64_t cb;
		char cwhere[200];

		/* CPUs that never came up have no buffer */
		if (crash_read_u64(w->m, buffers + 8ull * cpu, &cb) || !cb)
			continue;
		snprintf(cwhere, sizeof(cwhere), "%s cpu %u", where, cpu);
		w->where = cwhere;
		in->cpus[in->ncpus].cpu = (int)cpu;
		if (!crash_kaddr_ok(cb, 8)) {
			problem(w, "bad per-CPU buffer pointer 0x%llx; CPU skipped",
				(unsigned long long)cb);
			continue;
		}
		err = walk_cpu(w, cb, in->subbuf_size, &in->cpus[in->ncpus]);
		in->ncpus++;
		w->where = where;
	}
	w->where = NULL;
	return err;
}

int crash_walk(struct crash_mem *m, const struct crash_walk_opts *o,
	       struct crash_instance **out, size_t *n)
{
	struct walker w = { .m = m, .o = o, .l = o->layout };
	struct crash_instance *v = NULL;
	struct seen seen = { 0 };
	uint64_t lh;
	size_t cnt = 0;
	int err = 0;

	*out = NULL;
	*n = 0;
	if (o->nr_cpu_ids == 0 || o->nr_cpu_ids > CRASH_MAX_CPUS)
		return -EINVAL;
	if (read_ptr(&w, o->ftrace_trace_arrays, &lh))
		return -EFAULT;
	/* new instances are added after the head; global_trace is last */
	while (lh != o->ftrace_trace_arrays && cnt < CRASH_MAX_INSTANCES && !err) {
		struct crash_instance *bigger;
		uint64_t tr = lh - o->layout->ta_list;

		if (!crash_kaddr_ok(lh, 8) || !seen_add(&seen, lh)) {
			problem(&w, "the instance list loops or breaks at 0x%llx; the rest skipped",
				(unsigned long long)lh);
			break;
		}
		bigger = realloc(v, (cnt + 1) * sizeof(*v));
		if (!bigger) {
			err = -ENOMEM;
			break;
		}
		v = bigger;
		memset(&v[cnt], 0, sizeof(v[cnt]));
		err = walk_instance(&w, tr, &v[cnt]);
		cnt++;
		if (read_ptr(&w, lh, &lh)) {
			problem(&w, "the instance list breaks after %zu instances", cnt);
			break;
		}
	}
	if (cnt == CRASH_MAX_INSTANCES)
		problem(&w, "more than %d instances: the rest skipped", CRASH_MAX_INSTANCES);
	free(seen.v);
	*out = v;
	*n = cnt;
	return err;
}

void crash_instances_free(struct crash_instance *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		for (size_t c = 0; c < v[i].ncpus; c++) {
			for (size_t p = 0; p < v[i].cpus[c].npages; p++)
				free(v[i].cpus[c].pages[p].data);
			free(v[i].cpus[c].pages);
		}
		free(v[i].cpus);
		free(v[i].name);
	}
	free(v);
}
