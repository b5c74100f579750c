/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef TAP_PROBE_DEF_H
#define TAP_PROBE_DEF_H

/*
 * The kernel part of a plan, as plain data. This is all tracefs-backend
 * sees of a script: which instance to make, which dynamic events to
 * define, which events to enable with which filter and trigger.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "source.h"

enum probe_def_kind {
	PROBE_DEF_TRACEPOINT,	/* an existing event: enable it */
	PROBE_DEF_UPROBE,	/* p: PATH:OFFSET[(REF)] */
	PROBE_DEF_URETPROBE,	/* r: PATH:OFFSET */
	PROBE_DEF_KPROBE,	/* p: SYMBOL[+OFF] */
	PROBE_DEF_KRETPROBE,	/* r[MAXACTIVE]: SYMBOL */
	PROBE_DEF_EPROBE,	/* e: SYS.EVENT */
};

struct probe_fetch {
	char *name;	/* field name in the event */
	char *arg;	/* fetch argument, e.g. "+0(%si)" */
	char *type;	/* "s64", "string", "ustring", ... */
};

struct probe_def {
	enum probe_def_kind kind;
	char *system;	/* tracepoint system, or the dynamic event group */
	char *event;
	char *target;	/* uprobe: binary path; kprobe: symbol; eprobe: "sys.ev" */
	uint64_t offset;	/* uprobe: file offset */
	uint64_t ref_ctr;	/* uprobe: SDT semaphore file offset, or 0 */
	unsigned maxactive;	/* kretprobe, 0: kernel default */
	struct probe_fetch *fetch;
	size_t nfetch;
	char *filter;	/* ftrace filter, or NULL */
	char *trigger;	/* event trigger, or NULL */
	bool helper;	/* enabled for tap's own book-keeping, not a probe */
	struct src_range loc;	/* the probe point, for error messages */
};

/* True when @d's trigger records the kernel stack after each event (backtrace()). */
bool probe_def_takes_kstack(const struct probe_def *d);

/* True for kinds that are defined by writing dynamic_events. */
bool probe_def_is_dynamic(const struct probe_def *d);

/*
 * The dynamic_events line that defines @d, e.g.
 * "p:tap_x/main_0 /bin/x:0x1139 arg1=%di:s64", in a malloc'd string
 * (NULL on ENOMEM). Only for dynamic kinds.
 */
char *probe_def_format(const struct probe_def *d);

/*
 * The order in which @defs are defined and enabled, as indices into
 * @order (n of them). Script order, except that the uprobes on one
 * address (and the uretprobes on one address, and the kprobes on one
 * address) come last to first: the kernel calls them newest first, so
 * their records, and the handlers that run on them, then come in script
 * order, as in SystemTap.
 */
void probe_defs_enable_order(const struct probe_def *defs, size_t n, size_t *order);

/* Frees what @d owns (not @d itself). */
void probe_def_release(struct probe_def *d);

#endif
