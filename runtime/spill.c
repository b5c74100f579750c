// SPDX-License-Identifier: GPL-2.0-or-later
/* The flight recorder's spill of pages already read (spill.h). */
#include "spill.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define SPILL_MAGIC "TAPSPIL1"
/* the ring's data starts after a header block */
#define SPILL_DATA 4096
/* ring buffer page header bits (kernel ring_buffer.c, kbuffer) */
#define COMMIT_MASK ((1ull << 27) - 1)
#define MISSED_STORED (1ull << 30)

/* every CPU file starts with this */
struct spill_header {
	char magic[8];
	uint32_t page_size;
	uint32_t reserved;
	uint64_t capacity;	/* bytes of ring */
	uint64_t head;	/* logical offset of the next record */
	uint64_t tail;	/* logical offset of the oldest record */
	uint64_t pages;	/* pages ever added */
};

struct spill_cpu {
	int fd;
	uint64_t cursor;	/* this reader's logical offset */
	/* the ring mapped twice in a row, so a page at any offset is
	 * contiguous: the kernel's read() lands in the file's page cache
	 * directly (made on the first pull) */
	unsigned char *map;
};

struct spill {
	int lock_fd;
	int ncpus;
	size_t capacity;
	int page_size;
	int long_size;
	struct spill_cpu *cpus;
	unsigned char *page;
};

static int read_header(int fd, struct spill_header *h)
{
	ssize_t n = pread(fd, h, sizeof(*h), 0);

	if (n < 0)
		return -errno;
	if (n != sizeof(*h) || memcmp(h->magic, SPILL_MAGIC, 8))
		return -EINVAL;
	return 0;
}

static int write_header(int fd, const struct spill_header *h)
{
	return pwrite(fd, h, sizeof(*h), 0) == sizeof(*h) ? 0 : -errno;
}

/* a CPU file: made by the first reader, checked by the others */
static int open_cpu(struct spill *s, const char *dir, int cpu)
{
	struct spill_header h = { .magic = SPILL_MAGIC };
	char path[4096];
	int fd, err;

	snprintf(path, sizeof(path), "%s/cpu%d", dir, cpu);
	fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	err = read_header(fd, &h);
	if (err == -EINVAL) {
		h = (struct spill_header){ .magic = SPILL_MAGIC,
					   .page_size = (uint32_t)s->page_size,
					   .capacity = s->capacity };
		err = write_header(fd, &h);
	}
	if (!err && (h.page_size != (uint32_t)s->page_size || h.capacity != s->capacity))
		err = -EINVAL;
	/* the whole ring exists, so its mapping never faults past the end */
	if (!err && ftruncate(fd, (off_t)(SPILL_DATA + s->capacity)) < 0)
		err = -errno;
	if (err) {
		close(fd);
		return err;
	}
	s->cpus[cpu].fd = fd;
	s->cpus[cpu].cursor = h.tail;
	return 0;
}

int spill_open(const char *dir, int ncpus, size_t capacity, int page_size,
	       int long_size, struct spill **out)
{
	struct spill *s = calloc(1, sizeof(*s));
	char path[4096];
	int err = 0;

	*out = NULL;
	if (!s)
		return -ENOMEM;
	s->ncpus = ncpus;
	/* whole system pages, for the mapping (every reader rounds alike) */
	capacity += (size_t)sysconf(_SC_PAGESIZE) - 1;
	capacity -= capacity % (size_t)sysconf(_SC_PAGESIZE);
	s->capacity = capacity;
	s->page_size = page_size;
	s->long_size = long_size;
	s->cpus = calloc((size_t)ncpus, sizeof(*s->cpus));
	s->page = malloc((size_t)page_size);
	if (!s->cpus || !s->page) {
		spill_free(s);
		return -ENOMEM;
	}
	s->lock_fd = -1;
	for (int i = 0; i < ncpus; i++)
		s->cpus[i].fd = -1;
	if (mkdir(dir, 0700) < 0 && errno != EEXIST) {
		err = -errno;
		spill_free(s);
		return err;
	}
	snprintf(path, sizeof(path), "%s/lock", dir);
	s->lock_fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (s->lock_fd < 0)
		err = -errno;
	/* the files are made under the lock, so two first readers agree */
	if (!err)
		err = spill_lock(s);
	for (int i = 0; i < ncpus && !err; i++)
		err = open_cpu(s, dir, i);
	if (s->lock_fd >= 0)
		spill_unlock(s);
	if (err) {
		spill_free(s);
		return err;
	}
	*out = s;
	return 0;
}

void spill_free(struct spill *s)
{
	if (!s)
		return;
	for (int i = 0; s->cpus && i < s->ncpus; i++) {
		if (s->cpus[i].map)
			munmap(s->cpus[i].map, 2 * s->capacity);
		if (s->cpus[i].fd >= 0)
			close(s->cpus[i].fd);
	}
	if (s->lock_fd >= 0)
		close(s->lock_fd);
	free(s->cpus);
	free(s->page);
	free(s);
}

int spill_lock(struct spill *s)
{
	while (flock(s->lock_fd, LOCK_EX) < 0)
		if (errno != EINTR)
			return -errno;
	return 0;
}

void spill_unlock(struct spill *s)
{
	flock(s->lock_fd, LOCK_UN);
}

/* ring I/O at a logical offset, wrapping at the end */
static int ring_io(const struct spill *s, int fd, uint64_t at, void *buf,
		   size_t n, bool write)
{
	unsigned char *p = buf;

	while (n) {
		uint64_t pos = at % s->capacity;
		size_t chunk = s->capacity - pos < n ? (size_t)(s->capacity - pos) : n;
		ssize_t r = write ? pwrite(fd, p, chunk, (off_t)(SPILL_DATA + pos)) :
				    pread(fd, p, chunk, (off_t)(SPILL_DATA + pos));

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return r < 0 ? -errno : -EIO;
		p += r;
		at += (uint64_t)r;
		n -= (size_t)r;
	}
	return 0;
}

static uint64_t record_size(uint32_t len)
{
	return 8 + (((uint64_t)len + 7) & ~7ull);
}

/* the bytes of a page that hold something: header, events, and the
 * missed-events count the kernel may store after them */
static uint32_t used_bytes(const struct spill *s, const unsigned char *page)
{
	uint64_t commit = 0;
	size_t hdr = 8 + (size_t)s->long_size, used;

	memcpy(&commit, page + 8, (size_t)s->long_size);
	used = hdr + (size_t)(commit & COMMIT_MASK);
	if (commit & MISSED_STORED)
		used += (size_t)s->long_size;
	return used > (size_t)s->page_size ? (uint32_t)s->page_size : (uint32_t)used;
}

/*
 * Moving a page from the kernel into the spill must survive the mover's
 * death at any instant: the kernel's read consumes, so a page held only
 * in a process's memory would be lost with it. The page is therefore
 * read straight into the ring's shared mapping, and each record's word
 * carries its sequence number (pages + 1):
 *
 *   1. room for a whole page is made at the tail; the header is written
 *      first if records were dropped, before their bytes are reused;
 *   2. the word at head becomes { 0, seq } and the page header is zeroed;
 *   3. read() puts the page at head + 8 (a completed system call, even
 *      for a process being killed);
 *   4. the word becomes { len, seq }, then the header moves head on.
 *
 * recover() finishes what a dead mover left between 3 and 4: a word with
 * the expected seq and either a length or a page header that is no
 * longer zero. Older records at that place carry older numbers.
 */
static uint32_t next_seq(const struct spill_header *h)
{
	return (uint32_t)(h->pages + 1);
}

static int map_cpu(struct spill *s, struct spill_cpu *c)
{
	unsigned char *base;

	if (c->map)
		return 0;
	base = mmap(NULL, 2 * s->capacity, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (base == MAP_FAILED)
		return -errno;
	for (int i = 0; i < 2; i++) {
		void *p = mmap(base + (size_t)i * s->capacity, s->capacity,
			       PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, c->fd,
			       SPILL_DATA);

		if (p == MAP_FAILED) {
			int err = -errno;

			munmap(base, 2 * s->capacity);
			return err;
		}
	}
	c->map = base;
	return 0;
}

static bool page_started(const struct spill *s, const unsigned char *page)
{
	static const unsigned char zero[16];

	return memcmp(page, zero, 8 + (size_t)s->long_size) != 0;
}

/* a page the previous mover read but did not count: counted now */
static int recover(struct spill *s, struct spill_cpu *c, struct spill_header *h)
{
	unsigned char *at = c->map + h->head % s->capacity;
	uint32_t word[2], len;

	if (h->head + record_size((uint32_t)s->page_size) - h->tail > h->capacity)
		return 0;	/* no room was made: nothing can be pending */
	memcpy(word, at, 8);
	if (word[1] != next_seq(h))
		return 0;
	len = word[0] ? word[0] : (page_started(s, at + 8) ? used_bytes(s, at + 8) : 0);
	if (!len || len > (uint32_t)s->page_size)
		return 0;
	word[0] = len;
	memcpy(at, word, 8);
	h->head += record_size(len);
	h->pages++;
	return write_header(c->fd, h);
}

/* makes room for a whole page at head, dropping the oldest records */
static int make_room(struct spill *s, struct spill_cpu *c, struct spill_header *h)
{
	uint64_t need = record_size((uint32_t)s->page_size);
	bool dropped = false;

	while (h->head + need - h->tail > h->capacity) {
		uint32_t word[2];

		memcpy(word, c->map + h->tail % s->capacity, 8);
		if (!word[0] || word[0] > (uint32_t)s->page_size)
			return -EINVAL;	/* a damaged ring */
		h->tail += record_size(word[0]);
		dropped = true;
	}
	return dropped ? write_header(c->fd, h) : 0;
}

/* moves one page from the kernel; 1, 0 when there is none, or -errno */
static int pull_one(struct spill *s, struct spill_cpu *c, struct spill_header *h,
		    int fd)
{
	unsigned char *at;
	uint32_t word[2] = { 0, next_seq(h) };
	ssize_t r;
	int err = make_room(s, c, h);

	if (err)
		return err;
	at = c->map + h->head % s->capacity;
	memcpy(at, word, 8);
	memset(at + 8, 0, 8 + (size_t)s->long_size);
	r = read(fd, at + 8, (size_t)s->page_size);
	if (r <= 0)
		return 0;
	if (r < s->page_size)
		memset(at + 8 + r, 0, (size_t)(s->page_size - r));
	word[0] = used_bytes(s, at + 8);
	memcpy(at, word, 8);
	h->head += record_size(word[0]);
	h->pages++;
	err = write_header(c->fd, h);
	return err ? err : 1;
}

int spill_pull(struct spill *s, int cpu, int fd, int max)
{
	struct spill_cpu *c = &s->cpus[cpu];
	struct spill_header h;
	int n = 0, err;

	if (fd < 0)
		return 0;
	err = map_cpu(s, c);
	if (!err)
		err = read_header(c->fd, &h);
	if (!err)
		err = recover(s, c, &h);
	while (!err && n < max) {
		int r = pull_one(s, c, &h, fd);

		if (r <= 0) {
			err = r;
			break;
		}
		n++;
	}
	return err ? err : n;
}

uint64_t spill_tell(const struct spill *s, int cpu)
{
	return s->cpus[cpu].cursor;
}

void spill_seek(struct spill *s, int cpu, uint64_t offset)
{
	s->cpus[cpu].cursor = offset;
}

int spill_read(struct spill *s, int cpu, void *page, uint64_t *skipped)
{
	struct spill_cpu *c = &s->cpus[cpu];
	struct spill_header h;
	uint32_t word[2];
	int err = read_header(c->fd, &h);

	if (err)
		return err;
	if (c->cursor < h.tail) {
		if (skipped)
			*skipped += h.tail - c->cursor;
		c->cursor = h.tail;
	}
	if (c->cursor >= h.head)
		return 0;
	err = ring_io(s, c->fd, c->cursor, word, 8, false);
	if (!err && word[0] > (uint32_t)s->page_size)
		err = -EINVAL;
	if (!err)
		err = ring_io(s, c->fd, c->cursor + 8, page, word[0], false);
	if (err)
		return err;
	memset((char *)page + word[0], 0, (size_t)s->page_size - word[0]);
	c->cursor += record_size(word[0]);
	return 1;
}
