// SPDX-License-Identifier: GPL-2.0-or-later
#include "decode.h"

#include <event-parse.h>
#include <stdbool.h>
#include <kbuffer.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PAGE_HEADER 16	/* u64 time stamp, u64 commit */

static struct kbuffer *kb_for(struct tep_handle *tep)
{
	return kbuffer_alloc(tep_get_header_page_size(tep) == 8 ? KBUFFER_LSIZE_8 :
								   KBUFFER_LSIZE_4,
			     tep_is_file_bigendian(tep) ? KBUFFER_ENDIAN_BIG :
							  KBUFFER_ENDIAN_LITTLE);
}

/*
 * Drops the first @skip bytes of data, where the kernel's consuming read
 * stopped (buffer_page.read): the page then starts at the first unread
 * record, time extends included, and its time stamp becomes the time of
 * the last event read, so the first kept delta lands on the right time.
 */
static int trim_page(struct kbuffer *kb, struct crash_page *pg, size_t size)
{
	unsigned long long ts = 0, prev_ts;
	unsigned cut = pg->skip, used;
	uint64_t commit;

	if (kbuffer_load_subbuffer(kb, pg->data) < 0)
		return -1;
	used = (unsigned)kbuffer_subbuffer_size(kb);
	if (cut > used)
		cut = used;
	prev_ts = kbuffer_subbuf_timestamp(kb, pg->data);
	while (kbuffer_read_event(kb, &ts) && (unsigned)kbuffer_curr_index(kb) < cut) {
		prev_ts = ts;
		kbuffer_next_event(kb, NULL);
	}
	memcpy(&commit, pg->data + 8, 8);
	memmove(pg->data + PAGE_HEADER, pg->data + PAGE_HEADER + cut,
		size - PAGE_HEADER - cut);
	commit = (commit & (3ull << 30)) | ((commit & ~(3ull << 30)) - cut);
	memcpy(pg->data, &prev_ts, 8);
	memcpy(pg->data + 8, &commit, 8);
	pg->skip = 0;
	return 0;
}

void crash_trim_consumed(struct tep_handle *tep, struct crash_instance *in,
			 void (*problem)(void *arg, const char *msg), void *arg)
{
	struct kbuffer *kb = kb_for(tep);

	if (!kb)
		return;
	for (size_t c = 0; c < in->ncpus; c++) {
		struct crash_cpu *cpu = &in->cpus[c];

		for (size_t p = 0; p < cpu->npages; p++) {
			char msg[160];

			if (!cpu->pages[p].skip)
				continue;
			if (!trim_page(kb, &cpu->pages[p], in->subbuf_size))
				continue;
			snprintf(msg, sizeof(msg), "cpu %d: the reader page cannot be parsed; skipped",
				 cpu->cpu);
			if (problem)
				problem(arg, msg);
			cpu->pages[p].skip = (unsigned)in->subbuf_size;	/* nothing left */
		}
	}
	kbuffer_free(kb);
}

struct cursor {
	const struct crash_cpu *cpu;
	struct kbuffer *kb;
	size_t page;
	bool loaded, has;
	void *data;
	unsigned long long ts;
};

static bool cursor_peek(struct cursor *c, uint64_t *missed)
{
	while (!c->has) {
		if (c->loaded) {
			c->data = kbuffer_read_event(c->kb, &c->ts);
			if (c->data) {
				c->has = true;
				return true;
			}
			c->loaded = false;
			c->page++;
		}
		if (c->page >= c->cpu->npages)
			return false;
		/* a page whose whole data was consumed has nothing to load */
		if (c->cpu->pages[c->page].skip ||
		    kbuffer_load_subbuffer(c->kb, c->cpu->pages[c->page].data) < 0) {
			c->page++;
			continue;
		}
		if (kbuffer_missed_events(c->kb) > 0)
			*missed += (uint64_t)kbuffer_missed_events(c->kb);
		c->loaded = true;
	}
	return true;
}

uint64_t crash_for_each_event(struct tep_handle *tep,
			      const struct crash_instance *in,
			      int (*cb)(void *arg, int cpu, uint64_t ts,
					const void *data, int size),
			      void *arg, uint64_t *missed)
{
	struct cursor *cur = calloc(in->ncpus + 1, sizeof(*cur));
	uint64_t n = 0;

	if (!cur)
		return 0;
	for (size_t i = 0; i < in->ncpus; i++) {
		cur[i].cpu = &in->cpus[i];
		cur[i].kb = kb_for(tep);
	}
	for (;;) {
		struct cursor *best = NULL;

		for (size_t i = 0; i < in->ncpus; i++) {
			if (!cur[i].kb || !cursor_peek(&cur[i], missed))
				continue;
			if (!best || cur[i].ts < best->ts)
				best = &cur[i];
		}
		if (!best)
			break;
		n++;
		if (cb(arg, best->cpu->cpu, best->ts, best->data,
		       kbuffer_event_size(best->kb)))
			break;
		kbuffer_next_event(best->kb, NULL);
		best->has = false;
	}
	for (size_t i = 0; i < in->ncpus; i++)
		if (cur[i].kb)
			kbuffer_free(cur[i].kb);
	free(cur);
	return n;
}
