// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The order a plan defines and enables its events in: script order, but
 * the uprobes on one address (and the uretprobes on one, and the kprobes
 * on one) last to first, in the places they had, since the kernel calls
 * the newest one first. Doing it
 * twice gives script order back (plan files are read that way).
 */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "probe_def.h"

static struct probe_def def(enum probe_def_kind kind, const char *target, uint64_t offset)
{
	return (struct probe_def){ .kind = kind, .target = (char *)target, .offset = offset };
}

/* the enable order of @defs as a string of indices, "6 5 2 ..." */
static char *order_of(const struct probe_def *defs, size_t n)
{
	size_t order[16];
	static char text[64];

	probe_defs_enable_order(defs, n, order);
	text[0] = '\0';
	for (size_t i = 0; i < n; i++)
		snprintf(text + strlen(text), sizeof(text) - strlen(text), "%s%zu", i ? " " : "",
			 order[i]);
	return text;
}

int main(void)
{
	const struct probe_def mixed[] = {
		def(PROBE_DEF_UPROBE, "/bin/a", 0x10),	/* 0 */
		def(PROBE_DEF_URETPROBE, "/bin/a", 0x10),	/* 1 */
		def(PROBE_DEF_TRACEPOINT, NULL, 0),	/* 2 */
		def(PROBE_DEF_UPROBE, "/bin/a", 0x20),	/* 3: another address */
		def(PROBE_DEF_UPROBE, "/bin/a", 0x10),	/* 4 */
		def(PROBE_DEF_URETPROBE, "/bin/a", 0x10),	/* 5 */
		def(PROBE_DEF_UPROBE, "/bin/b", 0x10),	/* 6: another binary */
		def(PROBE_DEF_UPROBE, "/bin/a", 0x10),	/* 7 */
	};
	const struct probe_def plain[] = {
		def(PROBE_DEF_TRACEPOINT, NULL, 0),
		def(PROBE_DEF_UPROBE, "/bin/a", 0x10),
		def(PROBE_DEF_KPROBE, "vfs_read", 0),
		def(PROBE_DEF_KPROBE, "vfs_read", 4),
	};
	/* kprobes on one address are called newest first; kretprobes on one
	 * function return in registration order (Debian's 6.1 kernel) */
	const struct probe_def kernel[] = {
		def(PROBE_DEF_KPROBE, "vfs_read", 0),	/* 0 */
		def(PROBE_DEF_KRETPROBE, "vfs_read", 0),	/* 1 */
		def(PROBE_DEF_KPROBE, "vfs_write", 0),	/* 2 */
		def(PROBE_DEF_KPROBE, "vfs_read", 0),	/* 3 */
		def(PROBE_DEF_KRETPROBE, "vfs_read", 0),	/* 4 */
	};
	struct probe_def again[8];
	size_t order[8];

	CHECK_STR(order_of(mixed, 8), "7 5 2 3 4 1 6 0");
	/* nothing shares an address: script order */
	CHECK_STR(order_of(plain, 4), "0 1 2 3");
	CHECK_STR(order_of(kernel, 5), "3 1 2 0 4");
	CHECK_STR(order_of(mixed, 0), "");
	/* the enable order, ordered again, is script order */
	probe_defs_enable_order(mixed, 8, order);
	for (size_t i = 0; i < 8; i++)
		again[i] = mixed[order[i]];
	probe_defs_enable_order(again, 8, order);
	for (size_t i = 0; i < 8; i++)
		CHECK(again[order[i]].offset == mixed[i].offset &&
		      again[order[i]].kind == mixed[i].kind &&
		      !strcmp(again[order[i]].target ? again[order[i]].target : "",
			      mixed[i].target ? mixed[i].target : ""));
	return CHECK_DONE();
}
