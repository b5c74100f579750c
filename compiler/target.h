/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef TAP_TARGET_H
#define TAP_TARGET_H

/*
 * What the compiler knows of the kernel it compiles for: event formats,
 * the tracefs README's features, the release. The running kernel by
 * default; a saved directory for golden tests and for plans built for
 * another machine (DIR/tracefs mirrors tracefs, DIR/release, and an
 * optional DIR/features with "+name" / "-name" overrides; for kprobes
 * DIR/btf/vmlinux and DIR/btf/MODULE, DIR/kallsyms, DIR/kprobes_blacklist).
 * Process probes read DIR/proc for /proc and DIR/debug for /usr/lib/debug.
 */
#include <stdbool.h>
#include <stddef.h>

enum target_feature {
	TF_DYNAMIC_EVENTS = 1 << 0,	/* the dynamic_events file */
	TF_KPROBE = 1 << 1,	/* kprobe events (CONFIG_KPROBE_EVENTS) */
	TF_UPROBE = 1 << 2,	/* uprobe events (CONFIG_UPROBE_EVENTS) */
	TF_EPROBE = 1 << 3,	/* event probes (CONFIG_EPROBE_EVENTS) */
	TF_REF_CTR = 1 << 4,	/* uprobe (ref_ctr_offset) for SDT semaphores */
	TF_BTF_ARGS = 1 << 5,	/* BTF argument names in probe definitions */
	TF_FPROBE = 1 << 6,	/* fprobe events */
	TF_HIST = 1 << 7,	/* hist triggers */
	TF_SNAPSHOT = 1 << 8,	/* the snapshot buffer */
	TF_SYSCALLS = 1 << 9,	/* syscalls tracepoints (CONFIG_FTRACE_SYSCALLS) */
	TF_CLOCK_MONO = 1 << 10,	/* the "mono" trace clock */
	TF_KRETPROBE_ARGN = 1 << 11,	/* $argN in return probes */
};

enum tp_field_kind {
	TP_FIELD_NUM,	/* an integer up to 8 bytes */
	TP_FIELD_PTR,	/* a pointer, read as a number */
	TP_FIELD_CHARS,	/* char name[N] */
	TP_FIELD_DYNSTR,	/* __data_loc char[] name */
	TP_FIELD_ARRAY,	/* any other array */
};

struct tp_field {
	char *name;
	char *type;	/* C type as the format file spells it */
	unsigned offset, size;
	bool is_signed;
	bool common;	/* common_pid and friends */
	enum tp_field_kind kind;
};

struct tp_format {
	char *system, *name;
	int id;
	struct tp_field *fields;
	size_t nfields;
};

struct kbtf;
struct kfuncs;

struct target {
	char *dir;	/* saved target directory, NULL: the running kernel */
	char *tracefs;	/* tracefs root to read */
	char *release;
	char *arch;
	unsigned features;
	struct tp_format **formats;	/* cache, in load order */
	size_t nformats;
	/* kprobes (btf.c): BTF from /sys/kernel/btf or DIR/btf, functions
	 * from tracefs available_filter_functions or kallsyms; on first use */
	struct kbtf *btf;
	struct kfuncs *funcs;
	int funcs_err;
};

/*
 * Opens the running kernel (@dir NULL) or a saved target directory.
 * Returns 0 or -errno; *@out is freed with target_free().
 */
int target_open(const char *dir, struct target **out);
void target_free(struct target *t);

/*
 * Loads events/@system/@name/format. Returns 0, -ENOENT if the event does
 * not exist, or another -errno. The format stays owned by @t.
 */
int target_event_format(struct target *t, const char *system,
			const char *name, const struct tp_format **out);

const struct tp_field *tp_format_field(const struct tp_format *f,
				       const char *name);

/*
 * Calls @cb for every event whose system and name match the globs, in
 * sorted order; stops when @cb returns non-zero and returns that value.
 * Returns -errno if the events directory cannot be read.
 */
int target_events_walk(struct target *t, const char *sys_glob,
		       const char *name_glob,
		       int (*cb)(const char *sys, const char *name, void *arg),
		       void *arg);

bool target_has(const struct target *t, enum target_feature f);
/* What to tell a user whose kernel lacks @f: "kprobe events (CONFIG_...)" */
const char *target_feature_desc(enum target_feature f);

/*
 * The features of @t as a DIR/features text ("+kprobe -hist ..."), every
 * one named, so a saved target keeps what the kernel had even where its
 * copy of tracefs lacks the files that show it. malloc'd, NULL on ENOMEM.
 */
char *target_features_text(const struct target *t);

#endif
