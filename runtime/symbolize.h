/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef TAP_SYMBOLIZE_H
#define TAP_SYMBOLIZE_H

/*
 * Addresses to function names for sampled instruction pointers: kernel
 * addresses through /proc/kallsyms, user addresses through the process's
 * mappings and the mapped file's ELF symbols. Both load lazily and cache.
 */
#include <stdint.h>
#include <stddef.h>

struct symbolizer;

struct symbolizer *symbolizer_alloc(void);
void symbolizer_free(struct symbolizer *s);

/* The kernel function holding @addr, or a hex string; never NULL. */
const char *symbolize_kernel(struct symbolizer *s, uint64_t addr);
/* The function of process @pid holding @addr, or a hex string. */
const char *symbolize_user(struct symbolizer *s, int pid, uint64_t addr);

#endif
