/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef TAP_SYMBOLIZE_H
#define TAP_SYMBOLIZE_H

/*
 * Addresses to function names for sampled instruction pointers: kernel
 * addresses through /proc/kallsyms, user addresses through the process's
 * mappings and the mapped file's ELF symbols. Both load lazily and cache.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stddef.h>

struct symbolizer;

struct symbolizer *symbolizer_alloc(void);
void symbolizer_free(struct symbolizer *s);

/* The kernel function holding @addr, or a hex string; never NULL. */
const char *symbolize_kernel(struct symbolizer *s, uint64_t addr);
/*
 * A kernel stack frame as SystemTap's print_backtrace() names it:
 * "vfs_read+0x5/0x1a0 [kernel]" ("[ext4]" in a module), or a hex string.
 * Valid until the next call.
 */
const char *symbolize_kernel_frame(struct symbolizer *s, uint64_t addr);
/* The function of process @pid holding @addr, or a hex string. */
const char *symbolize_user(struct symbolizer *s, int pid, uint64_t addr);

/*
 * What perf's mmap, exec and exit records tell, so that processes gone
 * before their samples are handled still resolve: a new executable
 * mapping of @path at @start (file offset @offset); an exec or a new
 * process (forget what the pid had); an exit (keep the pid's maps for a
 * while, its samples may still be queued). Processes without records
 * (started before tap) resolve through /proc/PID/maps.
 */
int symbolizer_add_map(struct symbolizer *s, int pid, uint64_t start,
		       uint64_t len, uint64_t offset, const char *path);
void symbolizer_forget(struct symbolizer *s, int pid);
void symbolizer_exited(struct symbolizer *s, int pid);

#endif
