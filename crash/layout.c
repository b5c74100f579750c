// SPDX-License-Identifier: GPL-2.0-or-later
#include "layout.h"

#include <bpf/btf.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

/* searches @t's members, descending into anonymous ones */
static long find_member(const struct btf *btf, const struct btf_type *t,
			const char *member, size_t *size)
{
	const struct btf_member *m = btf_members(t);

	for (unsigned short i = 0; i < btf_vlen(t); i++, m++) {
		const char *name = btf__name_by_offset(btf, m->name_off);
		long off = (long)(btf_member_bit_offset(t, i) / 8);

		if (name && !strcmp(name, member)) {
			long sz = btf__resolve_size(btf, m->type);

			if (size)
				*size = sz > 0 ? (size_t)sz : 0;
			return off;
		}
		if (!name || !*name) {
			const struct btf_type *inner =
				btf__type_by_id(btf, btf__resolve_type(btf, m->type));
			long sub;

			if (!inner || !btf_is_composite(inner))
				continue;
			sub = find_member(btf, inner, member, size);
			if (sub >= 0)
				return off + sub;
		}
	}
	return -1;
}

long crash_btf_member(const struct btf *btf, const char *type,
		      const char *member, size_t *size)
{
	int id = btf__find_by_name_kind(btf, type, BTF_KIND_STRUCT);
	const struct btf_type *t;

	if (id < 0)
		return -1;
	t = btf__type_by_id(btf, id);
	return t ? find_member(btf, t, member, size) : -1;
}

struct want {
	const char *type, *member;
	size_t *out;
	size_t *size;
	bool optional;
	bool *present;
};

#define W(t, m, o) { .type = t, .member = m, .out = o }

int crash_layout_from_btf(const struct btf *btf, struct crash_layout *l,
			  char *err, size_t errlen)
{
	const struct want wants[] = {
		W("trace_array", "list", &l->ta_list),
		W("trace_array", "name", &l->ta_name),
		W("trace_array", "array_buffer", &l->ta_array_buffer),
		W("array_buffer", "buffer", &l->ab_buffer),
		W("trace_buffer", "buffers", &l->tb_buffers),
		{ .type = "trace_buffer", .member = "subbuf_order",
		  .out = &l->tb_subbuf_order, .optional = true,
		  .present = &l->has_subbuf_order },
		W("ring_buffer_per_cpu", "pages", &l->cpu_pages),
		W("ring_buffer_per_cpu", "nr_pages", &l->cpu_nr_pages),
		W("ring_buffer_per_cpu", "head_page", &l->cpu_head_page),
		W("ring_buffer_per_cpu", "commit_page", &l->cpu_commit_page),
		W("ring_buffer_per_cpu", "reader_page", &l->cpu_reader_page),
		W("ring_buffer_per_cpu", "entries", &l->cpu_entries),
		W("ring_buffer_per_cpu", "overrun", &l->cpu_overrun),
		W("buffer_page", "list", &l->bp_list),
		{ .type = "buffer_page", .member = "read", .out = &l->bp_read,
		  .size = &l->bp_read_size },
		W("buffer_page", "page", &l->bp_page),
		W("buffer_data_page", "commit", &l->bdp_commit),
		W("buffer_data_page", "data", &l->bdp_data),
	};

	memset(l, 0, sizeof(*l));
	for (size_t i = 0; i < sizeof(wants) / sizeof(wants[0]); i++) {
		const struct want *w = &wants[i];
		size_t size = 0;
		long off = crash_btf_member(btf, w->type, w->member, &size);

		if (w->present)
			*w->present = off >= 0;
		if (off < 0 && w->optional)
			continue;
		if (off < 0) {
			snprintf(err, errlen, "the kernel's BTF has no %s.%s", w->type,
				 w->member);
			return -ENOENT;
		}
		*w->out = (size_t)off;
		if (w->size)
			*w->size = size;
	}
	return 0;
}
