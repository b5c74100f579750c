// SPDX-License-Identifier: GPL-2.0-or-later
/* Raw recordings into trace.dat files (tracedat.h). */
#include "tracedat.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "fileio.h"
#include "format.h"
#include "rotate.h"
#include "tfb.h"

/* pipes this big move 256 pages per splice pair */
#define TD_PIPE_SIZE (1 << 20)
/* room for saved_cmdlines in the header area; more lines are left out */
#define TD_CMDLINES_ROOM (64 * 1024)

struct td_cpu {
	int spool;	/* the current file's pages of this CPU; -1: none */
	char *spool_name;	/* a named spool (no O_TMPFILE), or NULL */
	uint64_t bytes;	/* pages in the spool, after the header area */
	int pipe[2];	/* trace_pipe_raw -> pipe -> spool */
	size_t in_pipe;	/* bytes waiting in the pipe */
};

struct tracedat {
	struct tracedat_opts o;
	struct strbuf meta;	/* from the magic to the printk formats */
	size_t reserve;	/* header area in front of every spool */
	struct td_cpu *cpus;
	char *page;	/* one page, for read() */
	char *cmdlines;	/* every task the files so far named */
	size_t cmdlines_len;
	struct cmdline_keys table;	/* the kernel's table when last read */
	bool open;	/* the current file has spools */
	bool blocked;
	uint64_t file_bytes, total_bytes;
	unsigned long files;
	size_t pipe_size;	/* the smallest pipe's capacity */
};

/* --- the header ------------------------------------------------------------ */

static int put(struct strbuf *sb, const void *p, size_t n)
{
	return strbuf_add(sb, p, n);
}

static int put_u16(struct strbuf *sb, uint16_t v)
{
	return put(sb, &v, 2);
}

static int put_u32(struct strbuf *sb, uint32_t v)
{
	return put(sb, &v, 4);
}

static int put_u64(struct strbuf *sb, uint64_t v)
{
	return put(sb, &v, 8);
}

/* a tracefs file, from the live tracefs or from @root */
static char *read_src(const char *root, const char *rel, size_t *len)
{
	char path[4096];

	if (!root)
		return tfb_read_file(rel, len);
	snprintf(path, sizeof(path), "%s/%s", root, rel);
	return file_read_text(path, len);
}

/* "name\0", u64 size, the tracefs file */
static int put_file(struct strbuf *sb, const char *root, const char *tag,
		    const char *rel)
{
	size_t len;
	char *text = read_src(root, rel, &len);
	int err;

	if (!text)
		return -errno;
	err = (tag ? put(sb, tag, strlen(tag) + 1) : 0) | put_u64(sb, len) |
	      put(sb, text, len);
	free(text);
	return err ? -ENOMEM : 0;
}

static bool seen_before(const char *const *ev, size_t i)
{
	for (size_t j = 0; j < i; j += 2)
		if (!strcmp(ev[j], ev[i]) && !strcmp(ev[j + 1], ev[i + 1]))
			return true;
	return false;
}

/* the events of one system, listed once each */
static int put_system(struct strbuf *sb, const char *root,
		      const char *const *ev, const char *sys)
{
	uint32_t count = 0;
	size_t at;
	int err;

	err = put(sb, sys, strlen(sys) + 1);
	at = sb->len;
	err |= put_u32(sb, 0);
	for (size_t i = 0; ev[i] && !err; i += 2) {
		char rel[512];

		if (strcmp(ev[i], sys) || seen_before(ev, i))
			continue;
		snprintf(rel, sizeof(rel), "events/%s/%s/format", ev[i], ev[i + 1]);
		err = put_file(sb, root, NULL, rel);
		count++;
	}
	memcpy(sb->buf + at, &count, 4);
	return err;
}

static bool system_before(const char *const *ev, size_t i)
{
	for (size_t j = 0; j < i; j += 2)
		if (!strcmp(ev[j], ev[i]))
			return true;
	return false;
}

static int put_formats(struct strbuf *sb, const char *root,
		       const char *const *ev)
{
	uint32_t nsys = 0;
	int err = 0;

	for (size_t i = 0; ev[i]; i += 2)
		nsys += !system_before(ev, i);
	err |= put_u32(sb, nsys);
	for (size_t i = 0; ev[i] && !err; i += 2)
		if (!system_before(ev, i))
			err = put_system(sb, root, ev, ev[i]);
	return err;
}

/* everything up to the cmdlines: it does not change during a session */
static int build_meta(struct tracedat *td)
{
	struct strbuf *sb = &td->meta;
	char endian = __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__;
	char lsize = (char)sizeof(long);
	int err;

	err = put(sb, "\x17\x08\x44tracing6", 11);
	err |= put(sb, "", 1) | put(sb, &endian, 1) | put(sb, &lsize, 1);
	err |= put_u32(sb, (uint32_t)td->o.page_size);
	if (err)
		return -ENOMEM;
	err = put_file(sb, td->o.root, "header_page", "events/header_page");
	if (!err)
		err = put_file(sb, td->o.root, "header_event", "events/header_event");
	if (!err)
		err = put_u32(sb, 0) ? -ENOMEM : 0;	/* no ftrace formats */
	if (!err)
		err = put_formats(sb, td->o.root, td->o.events);
	/* no kallsyms, no printk formats: events of tap's plans need neither */
	if (!err)
		err = put_u32(sb, 0) | put_u32(sb, 0) ? -ENOMEM : 0;
	return err;
}

/* the pid of a "PID COMM" line */
static long line_pid(const char *line)
{
	return strtol(line, NULL, 10);
}

static int cmp_long(const void *a, const void *b)
{
	long x = *(const long *)a, y = *(const long *)b;

	return (x > y) - (x < y);
}

/* the pids of @text's lines, sorted; NULL (and *@n 0) for none */
static long *pids_of(const char *text, size_t len, size_t *n)
{
	size_t cap = 0;
	long *v = NULL;

	*n = 0;
	for (const char *p = text, *end = text + len; p < end;) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));

		if (*n == cap) {
			long *bigger = realloc(v, (cap = cap ? cap * 2 : 256) * sizeof(*v));

			if (!bigger)
				break;
			v = bigger;
		}
		v[(*n)++] = line_pid(p);
		p = nl ? nl + 1 : end;
	}
	if (*n)
		qsort(v, *n, sizeof(*v), cmp_long);
	return v;
}

/* a "PID <...>" line: the kernel lost that task's name, which names nothing */
static bool names_nothing(const char *line, size_t n)
{
	const char *sp = memchr(line, ' ', n);
	size_t name_len = sp ? (size_t)(line + n - sp - 1) : 0;

	return !name_len || (name_len == 5 && !memcmp(sp + 1, "<...>", 5));
}

/* @now's lines that name a task, each ending in a newline; the length */
static size_t copy_named(char *out, const char *now, size_t now_len)
{
	size_t out_len = 0;

	for (const char *p = now, *end = now + now_len; p < end;) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = (size_t)((nl ? nl : end) - p);

		if (!names_nothing(p, n)) {
			memcpy(out + out_len, p, n);
			out_len += n;
			out[out_len++] = '\n';
		}
		p += n + (nl != NULL);
	}
	return out_len;
}

char *tracedat_merge_cmdlines(const char *now, size_t now_len, const char *before,
			      size_t before_len, size_t room, size_t *len)
{
	size_t npids, out_len;
	long *pids;
	char *out = malloc(now_len + before_len + 2);	/* two newlines added at most */

	if (!out)
		return NULL;
	/* what the kernel has now first: it is newer and wins room */
	out_len = copy_named(out, now, now_len);
	pids = pids_of(out, out_len, &npids);
	for (const char *p = before, *end = before ? before + before_len : NULL; p && p < end;) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = (size_t)((nl ? nl + 1 : end) - p);
		long pid = line_pid(p);

		if ((!npids || !bsearch(&pid, pids, npids, sizeof(*pids), cmp_long)) && n > 1) {
			memcpy(out + out_len, p, n);
			out_len += n;
			if (out[out_len - 1] != '\n')
				out[out_len++] = '\n';
		}
		p += n;
	}
	free(pids);
	/* what does not fit is left out: those tasks show as "<...>" */
	while (out_len > room) {
		char *nl = memrchr(out, '\n', out_len - 1);

		out_len = nl ? (size_t)(nl - out) + 1 : 0;
	}
	*len = out_len;
	return out;
}

/* a "PID COMM" line's pid and a hash of its name, as one sortable key */
static uint64_t line_key(const char *line, size_t n)
{
	const char *sp = memchr(line, ' ', n);
	uint32_t h = 2166136261u;	/* FNV-1a */

	for (const char *c = sp ? sp + 1 : line + n; c < line + n; c++)
		h = (h ^ (unsigned char)*c) * 16777619u;
	return (uint64_t)(uint32_t)line_pid(line) << 32 | h;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

char *tracedat_fresh_cmdlines(const char *now, size_t now_len, struct cmdline_keys *table,
			      size_t *len)
{
	char *out = malloc(now_len + 1);
	uint64_t *keys = calloc(now_len / 2 + 1, sizeof(*keys));	/* "1 x\n": 4 bytes a line */
	size_t nkeys = 0, out_len = 0;

	if (!out || !keys) {
		free(out);
		free(keys);
		return NULL;
	}
	for (const char *p = now, *end = now + now_len; p < end;) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = (size_t)((nl ? nl : end) - p);
		uint64_t key = line_key(p, n);

		if (!names_nothing(p, n)) {
			keys[nkeys++] = key;
			if (!table->n || !bsearch(&key, table->v, table->n, sizeof(key), cmp_u64)) {
				memcpy(out + out_len, p, n);
				out_len += n;
				out[out_len++] = '\n';
			}
		}
		p += n + (nl != NULL);
	}
	qsort(keys, nkeys, sizeof(*keys), cmp_u64);
	free(table->v);
	table->v = keys;
	table->n = nkeys;
	*len = out_len;
	return out;
}

/* @now's lines over the tasks known so far; -ENOMEM leaves them as they were */
static int keep_tasks(struct tracedat *td, const char *now, size_t now_len, size_t room)
{
	size_t len;
	char *merged = tracedat_merge_cmdlines(now, now_len, td->cmdlines, td->cmdlines_len,
					       room, &len);

	if (!merged)
		return -ENOMEM;
	free(td->cmdlines);
	td->cmdlines = merged;
	td->cmdlines_len = len;
	return 0;
}

/*
 * The kernel's table, read now, over the tasks known so far. Only the
 * lines it did not have last time count as news: a full table holds
 * more than the header's room, in slot order, so taking it whole would
 * keep whichever tasks sit in the first slots and leave out the task
 * that has just run.
 */
static int note_table(struct tracedat *td, size_t room)
{
	size_t len = 0, fresh_len = 0;
	char *now = read_src(td->o.root, "saved_cmdlines", &len);
	char *fresh = tracedat_fresh_cmdlines(now ? now : "", now ? len : 0, &td->table,
					      &fresh_len);
	int err = fresh ? keep_tasks(td, fresh, fresh_len, room) : -ENOMEM;

	free(fresh);
	free(now);
	return err;
}

int tracedat_note_tasks(struct tracedat *td)
{
	return note_table(td, TD_CMDLINES_ROOM);
}

int tracedat_name_task(struct tracedat *td, pid_t pid, const char *comm)
{
	char line[64];
	int n = snprintf(line, sizeof(line), "%d %.15s\n", (int)pid, comm);

	return keep_tasks(td, line, (size_t)n, TD_CMDLINES_ROOM);
}

/* cmdlines, CPU count, options and the CPU data table */
static int build_tail(struct tracedat *td, struct strbuf *sb, const uint64_t *off,
		      size_t room)
{
	size_t len, clock_len = td->o.trace_clock ? strlen(td->o.trace_clock) + 1 : 0;
	int err;

	/* out of memory: the names known so far, still */
	note_table(td, room);
	len = td->cmdlines_len <= room ? td->cmdlines_len : 0;
	err = put_u64(sb, len) | put(sb, td->cmdlines ? td->cmdlines : "", len);
	err |= put_u32(sb, (uint32_t)td->o.ncpus);
	err |= put(sb, "options  ", 10);
	if (clock_len)
		err |= put_u16(sb, 4) | put_u32(sb, (uint32_t)clock_len) |
		       put(sb, td->o.trace_clock, clock_len);
	err |= put_u16(sb, 0);
	err |= put(sb, "flyrecord", 10);
	for (int i = 0; i < td->o.ncpus; i++)
		err |= put_u64(sb, off[i]) | put_u64(sb, td->cpus[i].bytes);
	return err ? -ENOMEM : 0;
}

/* --- spools ------------------------------------------------------------------- */

static void dir_of(const char *path, char *dir, size_t n)
{
	const char *slash = strrchr(path, '/');

	if (!slash)
		snprintf(dir, n, ".");
	else if (slash == path)
		snprintf(dir, n, "/");
	else
		snprintf(dir, n, "%.*s", (int)(slash - path), path);
}

/* an unnamed file beside the log file (gone by itself if we die) */
static int open_spool(struct tracedat *td, struct td_cpu *c, int cpu)
{
	char dir[PATH_MAX], name[PATH_MAX + 64];
	int fd;

	dir_of(td->o.rot->name, dir, sizeof(dir));
	fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0640);
	if (fd < 0 && (errno == EOPNOTSUPP || errno == EISDIR)) {
		snprintf(name, sizeof(name), "%s/.tap-spool.%d.cpu%d", dir, (int)getpid(), cpu);
		fd = open(name, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0640);
		if (fd >= 0)
			c->spool_name = strdup(name);
	}
	if (fd < 0)
		return -errno;
	if (fchmod(fd, 0640) < 0 || lseek(fd, (off_t)td->reserve, SEEK_SET) < 0) {
		int err = -errno;

		close(fd);
		return err;
	}
	c->spool = fd;
	c->bytes = 0;
	return 0;
}

static void close_spools(struct tracedat *td)
{
	for (int i = 0; i < td->o.ncpus; i++) {
		struct td_cpu *c = &td->cpus[i];

		if (c->spool >= 0)
			close(c->spool);
		if (c->spool_name)
			unlink(c->spool_name);
		free(c->spool_name);
		c->spool_name = NULL;
		c->spool = -1;
		c->bytes = 0;
	}
	td->open = false;
	td->file_bytes = 0;
}

static int block(struct tracedat *td, const char *what, int err)
{
	td->blocked = true;
	return rotate_fail(td->o.rot, what, td->o.rot->name[0] ? td->o.rot->name :
				  td->o.rot->spec.pattern, err);
}

static int start_file(struct tracedat *td)
{
	int err = 0;

	if (td->o.rot->fd < 0)
		return block(td, "open", td->o.rot->err ? td->o.rot->err : -EBADF);
	for (int i = 0; i < td->o.ncpus && !err; i++)
		err = open_spool(td, &td->cpus[i], i);
	if (err) {
		close_spools(td);
		return block(td, "open", err);
	}
	td->open = true;
	return 0;
}

/* what waits in @c's pipe goes into its spool */
static int drain_pipe(struct tracedat *td, struct td_cpu *c)
{
	while (c->in_pipe) {
		ssize_t n = splice(c->pipe[0], NULL, c->spool, NULL, c->in_pipe, SPLICE_F_MOVE);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return block(td, "write", n < 0 ? -errno : -ENOSPC);
		c->in_pipe -= (size_t)n;
		c->bytes += (uint64_t)n;
		td->file_bytes += (uint64_t)n;
		td->total_bytes += (uint64_t)n;
	}
	return 0;
}

static int drain_all(struct tracedat *td)
{
	int err = 0;

	if (!td->open)
		return -EBADF;
	for (int i = 0; i < td->o.ncpus && !err; i++)
		err = drain_pipe(td, &td->cpus[i]);
	return err;
}

/* --- finishing a file ---------------------------------------------------------- */

static int biggest(const struct tracedat *td)
{
	int base = 0;

	for (int i = 1; i < td->o.ncpus; i++)
		if (td->cpus[i].bytes > td->cpus[base].bytes)
			base = i;
	return base;
}

static int copy_range(int in, loff_t from, int out, loff_t to, uint64_t n)
{
	while (n) {
		ssize_t c = copy_file_range(in, &from, out, &to, n, 0);

		if (c < 0 && errno == EINTR)
			continue;
		if (c <= 0)
			return c < 0 ? -errno : -EIO;
		n -= (uint64_t)c;
	}
	return 0;
}

/* the other CPUs' pages go after the base CPU's; @off gets every
 * CPU's place in the file */
static int gather(struct tracedat *td, int base, uint64_t *off, uint64_t *end)
{
	struct td_cpu *b = &td->cpus[base];
	uint64_t at = td->reserve + b->bytes;
	int err;

	off[base] = td->reserve;
	for (int i = 0; i < td->o.ncpus; i++) {
		struct td_cpu *c = &td->cpus[i];

		if (i == base)
			continue;
		off[i] = at;
		err = copy_range(c->spool, (loff_t)td->reserve, b->spool, (loff_t)at, c->bytes);
		if (err) {
			/* back to the base CPU's own pages, for a retry */
			if (ftruncate(b->spool, (off_t)(td->reserve + b->bytes)) < 0)
				return -errno;
			return err;
		}
		at += c->bytes;
	}
	*end = at;
	return 0;
}

static int write_header(struct tracedat *td, int fd, const uint64_t *off)
{
	struct strbuf sb;
	size_t room;
	int err;

	strbuf_init(&sb);
	err = put(&sb, td->meta.buf, td->meta.len) ? -ENOMEM : 0;
	room = td->reserve - td->meta.len - 64 - 16 * (size_t)td->o.ncpus -
	       (td->o.trace_clock ? strlen(td->o.trace_clock) + 8 : 0);
	if (!err)
		err = build_tail(td, &sb, off, room);
	if (!err && sb.len > td->reserve)
		err = -EOVERFLOW;
	if (!err && pwrite(fd, sb.buf, sb.len, 0) != (ssize_t)sb.len)
		err = errno ? -errno : -EIO;
	strbuf_release(&sb);
	return err;
}

/* puts the finished spool under the log file's name, over the
 * placeholder that kept the name ours */
static int link_in(struct tracedat *td, struct td_cpu *b)
{
	const char *final = td->o.rot->name;
	char proc[64], tmp[PATH_MAX + 64];

	if (b->spool_name) {
		if (rename(b->spool_name, final) < 0)
			return -errno;
		free(b->spool_name);
		b->spool_name = NULL;
		return 0;
	}
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", b->spool);
	for (unsigned i = 0;; i++) {
		snprintf(tmp, sizeof(tmp), "%s.tap-%d-%u", final, (int)getpid(), i);
		if (linkat(AT_FDCWD, proc, AT_FDCWD, tmp, AT_SYMLINK_FOLLOW) == 0)
			break;
		if (errno != EEXIST || i > 100)
			return -errno;
	}
	if (rename(tmp, final) < 0) {
		int err = -errno;

		unlink(tmp);
		return err;
	}
	return 0;
}

static int finish_file(struct tracedat *td)
{
	uint64_t off[1024], end = 0;
	int base, err;

	if (!td->open)
		return 0;
	if (td->o.ncpus > 1024)
		return -E2BIG;
	err = drain_all(td);
	if (err)
		return err;
	base = biggest(td);
	err = gather(td, base, off, &end);
	/* CPU data offsets must lie inside the file, even with no pages */
	if (!err && ftruncate(td->cpus[base].spool, (off_t)(end > td->reserve ? end : td->reserve)) < 0)
		err = -errno;
	if (!err)
		err = write_header(td, td->cpus[base].spool, off);
	if (!err)
		err = link_in(td, &td->cpus[base]);
	if (err)
		return block(td, "write", err);
	rotate_ok(td->o.rot);
	close_spools(td);
	td->files++;
	return 0;
}

/* --- the API ------------------------------------------------------------------- */

static int init_cpus(struct tracedat *td)
{
	int size;

	td->cpus = calloc((size_t)td->o.ncpus, sizeof(*td->cpus));
	td->page = malloc((size_t)td->o.page_size);
	if (!td->cpus || !td->page)
		return -ENOMEM;
	for (int i = 0; i < td->o.ncpus; i++) {
		struct td_cpu *c = &td->cpus[i];

		c->spool = -1;
		if (pipe2(c->pipe, O_CLOEXEC) < 0) {
			c->pipe[0] = c->pipe[1] = -1;
			return -errno;
		}
		/* a small pipe only costs more splice calls */
		fcntl(c->pipe[1], F_SETPIPE_SZ, TD_PIPE_SIZE);
		size = fcntl(c->pipe[1], F_GETPIPE_SZ);
		if (size > 0 && (!td->pipe_size || (size_t)size < td->pipe_size))
			td->pipe_size = (size_t)size;
		fcntl(c->pipe[1], F_SETFL, O_NONBLOCK);
	}
	if (td->pipe_size < (size_t)td->o.page_size)
		return -EINVAL;
	return 0;
}

int tracedat_open(const struct tracedat_opts *o, struct tracedat **out)
{
	struct tracedat *td = calloc(1, sizeof(*td));
	size_t page;
	int err;

	*out = td;
	if (!td)
		return -ENOMEM;
	td->o = *o;
	strbuf_init(&td->meta);
	err = init_cpus(td);
	if (!err)
		err = build_meta(td);
	if (err)
		return err;
	page = (size_t)o->page_size;
	td->reserve = td->meta.len + TD_CMDLINES_ROOM + 256 + 16 * (size_t)o->ncpus +
		      (o->trace_clock ? strlen(o->trace_clock) : 0);
	td->reserve = (td->reserve + page - 1) / page * page;
	/* the tasks known before recording: later readings add only news */
	tracedat_note_tasks(td);
	return start_file(td);
}

void tracedat_free(struct tracedat *td)
{
	if (!td)
		return;
	if (td->cpus) {
		tracedat_close(td);
		close_spools(td);
		for (int i = 0; i < td->o.ncpus; i++) {
			if (td->cpus[i].pipe[0] >= 0)
				close(td->cpus[i].pipe[0]);
			if (td->cpus[i].pipe[1] >= 0)
				close(td->cpus[i].pipe[1]);
		}
	}
	strbuf_release(&td->meta);
	free(td->cpus);
	free(td->page);
	free(td->cmdlines);
	free(td->table.v);
	free(td);
}

/* bytes the current file may still take: SIZE, passed by one page at most */
static size_t room(const struct tracedat *td, size_t max)
{
	uint64_t limit = td->o.rot->spec.size_max, left;

	if (!limit)
		return max;
	left = limit > td->file_bytes ? limit - td->file_bytes : 0;
	left = (left + (uint64_t)td->o.page_size - 1) / (uint64_t)td->o.page_size *
	       (uint64_t)td->o.page_size;
	if (left < (uint64_t)td->o.page_size)
		left = (uint64_t)td->o.page_size;
	return left < max ? (size_t)left : max;
}

/* stap's rule: once the file has passed SIZE, the next page opens a new one */
static int switch_if_due(struct tracedat *td)
{
	uint64_t limit = td->o.rot->spec.size_max;

	if (!td->open || td->blocked || !limit || td->file_bytes <= limit)
		return 0;
	return tracedat_switch(td, NULL, 0);
}

ssize_t tracedat_splice(struct tracedat *td, int cpu, int fd, size_t max)
{
	struct td_cpu *c = &td->cpus[cpu];
	ssize_t n;
	int err;

	err = switch_if_due(td);
	if (err || !td->open || td->blocked)
		return err;
	n = tfb_cpu_splice(fd, c->pipe[1], room(td, max), td->o.page_size);
	if (n <= 0)
		return n;
	c->in_pipe += (size_t)n;
	/* pages that cannot be written wait in the pipe: not lost */
	drain_pipe(td, c);
	return n;
}

bool tracedat_can_take(const struct tracedat *td, int cpu)
{
	return td->cpus[cpu].in_pipe + (size_t)td->o.page_size <= td->pipe_size;
}

int tracedat_write_page(struct tracedat *td, int cpu, const void *page)
{
	struct td_cpu *c = &td->cpus[cpu];
	ssize_t n;

	switch_if_due(td);
	/* the pipe holds the page even when no file can take it now */
	if (!tracedat_can_take(td, cpu))
		return -EAGAIN;
	n = write(c->pipe[1], page, (size_t)td->o.page_size);
	if (n < 0)
		return -errno;
	c->in_pipe += (size_t)n;
	if (n != td->o.page_size)
		return -EIO;
	if (td->open && !td->blocked)
		drain_pipe(td, c);
	return 0;
}

int tracedat_flush_cpu(struct tracedat *td, int cpu, int fd)
{
	int err = 0;

	if (!td->open || td->blocked || fd < 0)
		return td->blocked ? -EAGAIN : 0;
	/* a page read from the kernel is gone from there: read one only
	 * when there is a place for it */
	while (!err && tracedat_can_take(td, cpu)) {
		ssize_t r = read(fd, td->page, (size_t)td->o.page_size);

		if (r <= 0)
			break;
		if (r < td->o.page_size)
			memset(td->page + r, 0, (size_t)(td->o.page_size - r));
		err = tracedat_write_page(td, cpu, td->page);
	}
	return err;
}

int tracedat_switch(struct tracedat *td, char *closed, size_t n)
{
	int err;

	if (closed && n)
		snprintf(closed, n, "%s", td->open ? td->o.rot->name : "");
	err = finish_file(td);
	if (err)
		return err;
	err = rotate_switch(td->o.rot, time(NULL), NULL, 0);
	if (err)
		return block(td, "open", err);
	td->blocked = false;
	err = start_file(td);
	/* pages held back while no file could take them */
	return err ? err : drain_all(td);
}

int tracedat_close(struct tracedat *td)
{
	return finish_file(td);
}

int tracedat_retry(struct tracedat *td)
{
	int err;

	if (!td->blocked)
		return 0;
	err = drain_all(td);
	if (!err) {
		td->blocked = false;
		rotate_ok(td->o.rot);
	}
	return err;
}

bool tracedat_blocked(const struct tracedat *td)
{
	return td->blocked;
}

uint64_t tracedat_bytes(const struct tracedat *td)
{
	return td->total_bytes;
}

unsigned long tracedat_files(const struct tracedat *td)
{
	return td->files;
}
