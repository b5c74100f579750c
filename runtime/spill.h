/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef TAP_SPILL_H
#define TAP_SPILL_H

/*
 * The spill: what a flight recorder's readers have taken from the kernel.
 * Reading trace_pipe_raw consumes, so every reader of a flight recorder
 * (tapc -A, the -o writer) moves what the kernel holds into the spill,
 * and reads its pages from there, with its own cursor. A second attach
 * thus shows the older events again, and several readers at once each
 * see every event.
 *
 * One file per CPU in the session's record (spill/cpuN), a ring of at
 * most the per-CPU buffer size, so the spill keeps as much history as
 * the kernel would: the newest pages, whole, each stored only as long as
 * its events (a page read before it filled up takes little room). A
 * lock file (flock) makes moving and reading atomic among processes,
 * and a page moves from the kernel straight into the file's pages, so a
 * process killed while moving loses nothing (spill.c says how).
 */
#include <stddef.h>
#include <stdint.h>

struct spill;

/*
 * Opens (making it when needed) the spill in directory @dir for @ncpus
 * CPUs of @capacity bytes each; pages are @page_size bytes and their
 * header has a @long_size commit word. The reader's cursors start at the
 * oldest page kept. 0 or -errno.
 */
int spill_open(const char *dir, int ncpus, size_t capacity, int page_size,
	       int long_size, struct spill **out);
void spill_free(struct spill *s);

/* Takes the lock; every call below needs it. 0 or -errno. */
int spill_lock(struct spill *s);
void spill_unlock(struct spill *s);

/*
 * Moves up to @max pages of @cpu from its trace_pipe_raw @fd into the
 * spill. Returns the pages moved, or -errno.
 */
int spill_pull(struct spill *s, int cpu, int fd, int max);

/*
 * Copies this reader's next page of @cpu into @page (page_size bytes,
 * zero filled after its events). Returns 1, 0 when there is none, or
 * -errno. The bytes of pages that the ring dropped before this reader
 * got to them are added to *@skipped.
 */
int spill_read(struct spill *s, int cpu, void *page, uint64_t *skipped);

/*
 * This reader's position in @cpu's spill: the logical offset of the next
 * page spill_read() gives. A writer that resumes after a crash (tapd)
 * seeks back to where its predecessor's output ended.
 */
uint64_t spill_tell(const struct spill *s, int cpu);
void spill_seek(struct spill *s, int cpu, uint64_t offset);

#endif
