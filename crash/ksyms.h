/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef TAP_CRASH_KSYMS_H
#define TAP_CRASH_KSYMS_H

/*
 * Kernel symbol addresses for the walk (ftrace_trace_arrays, global_trace,
 * nr_cpu_ids are data symbols: CONFIG_KALLSYMS_ALL). From the dump itself
 * on 6.0+ kernels (vmcoreinfo exports the kallsyms tables), else from the
 * /proc/kallsyms saved at session start, moved by the KASLR offset.
 */
#include <stdint.h>

#include "mem.h"

struct crash_ksyms;

/* Parses a saved /proc/kallsyms text. 0 or -errno. */
int crash_ksyms_from_text(const char *text, struct crash_ksyms **out);

/*
 * Decodes the kallsyms tables of the dump (SYMBOL(kallsyms_names) & co
 * in vmcoreinfo, Linux 6.0+). 0, -ENOENT when the dump does not export
 * them, -EFAULT when they cannot be read.
 */
int crash_ksyms_from_dump(struct crash_mem *m, struct crash_ksyms **out);

/* 0 and the address of @name, or -ENOENT */
int crash_ksyms_lookup(const struct crash_ksyms *k, const char *name,
		       uint64_t *addr);
/* adds @delta to every address (KASLR: saved symbols of another layout) */
void crash_ksyms_shift(struct crash_ksyms *k, int64_t delta);
size_t crash_ksyms_count(const struct crash_ksyms *k);
void crash_ksyms_free(struct crash_ksyms *k);

/* a number from vmcoreinfo, "NUMBER(x)=5", "SYMBOL(x)=ffff..", "KERNELOFFSET=..." */
int crash_vmcoreinfo_u64(struct crash_mem *m, const char *key, int base,
			 uint64_t *v);

#endif
