/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef TAP_CRASH_LAYOUT_H
#define TAP_CRASH_LAYOUT_H

/*
 * Where the ring buffer's fields sit in the crashed kernel's structures,
 * taken from its BTF (never hard-coded: they move between versions and
 * configs). reference/crash.md §3 lists the members and how they moved.
 */
#include <stdbool.h>
#include <stddef.h>

struct btf;

struct crash_layout {
	size_t ta_list, ta_name, ta_array_buffer;	/* struct trace_array */
	size_t ab_buffer;	/* struct array_buffer */
	size_t tb_buffers;	/* struct trace_buffer */
	bool has_subbuf_order;	/* 6.8+ */
	size_t tb_subbuf_order;
	size_t cpu_pages, cpu_nr_pages, cpu_head_page, cpu_commit_page,
		cpu_reader_page, cpu_entries, cpu_overrun;	/* ring_buffer_per_cpu */
	size_t bp_list, bp_read, bp_read_size, bp_page;	/* struct buffer_page */
	size_t bdp_commit, bdp_data;	/* struct buffer_data_page */
};

/*
 * Fills @l from @btf. Returns 0, or -ENOENT with a message naming the
 * missing struct or member in @err.
 */
int crash_layout_from_btf(const struct btf *btf, struct crash_layout *l,
			  char *err, size_t errlen);

/*
 * Offset in bytes of @member of struct @type, looking inside anonymous
 * structs and unions; -1 if absent. @size gets the member's size.
 */
long crash_btf_member(const struct btf *btf, const char *type,
		      const char *member, size_t *size);

#endif
