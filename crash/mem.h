/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef TAP_CRASH_MEM_H
#define TAP_CRASH_MEM_H

/*
 * Kernel memory of a crashed machine, read by virtual address. A crash
 * dump is the real source; tests build fake memories. Everything read
 * through here is untrusted: a dump of a dying kernel holds garbage too.
 */
#include <stddef.h>
#include <stdint.h>

struct crash_mem {
	/* 0, or -EFAULT when (part of) the range is not in the dump */
	int (*read)(struct crash_mem *m, uint64_t addr, void *buf, size_t len);
	/* the VMCOREINFO value of @key in a malloc'd string, or NULL */
	char *(*vmcoreinfo)(struct crash_mem *m, const char *key);
	void (*free)(struct crash_mem *m);
};

static inline int crash_read(struct crash_mem *m, uint64_t addr, void *buf,
			     size_t len)
{
	return m->read(m, addr, buf, len);
}

int crash_read_u64(struct crash_mem *m, uint64_t addr, uint64_t *v);
int crash_read_u32(struct crash_mem *m, uint64_t addr, uint32_t *v);
/* a NUL-terminated string of at most @max bytes, malloc'd */
int crash_read_string(struct crash_mem *m, uint64_t addr, size_t max,
		      char **out);

/* A kernel virtual address, not user space, not NULL, 8-byte aligned? */
static inline int crash_kaddr_ok(uint64_t a, unsigned align)
{
	return a >= 0xff00000000000000ull && !(a & (align - 1));
}

/*
 * Opens an ELF vmcore or a makedumpfile compressed dump (libkdumpfile).
 * 0 or -errno; on failure *@msg may hold libkdumpfile's reason (static).
 */
int crash_mem_open_dump(const char *path, struct crash_mem **out,
			const char **msg);

/* A memory of explicit ranges, for tests: add ranges, then read. */
struct crash_mem *crash_mem_fake(void);
int crash_mem_fake_add(struct crash_mem *m, uint64_t addr, const void *data,
		       size_t len);
int crash_mem_fake_set_info(struct crash_mem *m, const char *key,
			    const char *value);

void crash_mem_free(struct crash_mem *m);

#endif
