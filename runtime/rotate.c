// SPDX-License-Identifier: GPL-2.0-or-later
/* Log file naming, opening and switching with stap's rules (rotate.h). */
#include "rotate.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int rotate_parse_size(const char *arg, uint64_t *size, unsigned *num)
{
	unsigned long long v, n = 0;
	unsigned shift = 20;
	char *end;

	if (*arg < '0' || *arg > '9')
		return -EINVAL;
	errno = 0;
	v = strtoull(arg, &end, 10);
	if (errno)
		return -EINVAL;
	switch (*end) {
	case 'k': case 'K': shift = 10; end++; break;
	case 'm': case 'M': shift = 20; end++; break;
	case 'g': case 'G': shift = 30; end++; break;
	default: break;
	}
	if (v > (UINT64_MAX >> shift))
		return -EINVAL;
	if (*end == ',') {
		if (end[1] < '0' || end[1] > '9')
			return -EINVAL;
		errno = 0;
		n = strtoull(end + 1, &end, 10);
		if (errno || n > 1000000)
			return -EINVAL;
	}
	if (*end)
		return -EINVAL;
	*size = (uint64_t)v << shift;
	*num = (unsigned)n;
	return 0;
}

int rotate_expand(const char *pattern, time_t t, char *buf, size_t n)
{
	char tmp[2 * PATH_MAX];
	struct tm tm;
	size_t len;

	if (!localtime_r(&t, &tm))
		return -EINVAL;
	/* strftime gives 0 for an empty result, and for one too long for
	 * even this buffer */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
	len = strftime(tmp, sizeof(tmp), pattern, &tm);	/* the user's format */
#pragma GCC diagnostic pop
	if (len == 0)
		return strlen(pattern) >= PATH_MAX ? -ENAMETOOLONG : -EINVAL;
	if (len >= n)
		return -ENAMETOOLONG;
	memcpy(buf, tmp, len + 1);
	return 0;
}

int rotate_name(const struct rotate_spec *s, time_t t, unsigned long fnum,
		char *buf, size_t n)
{
	size_t len;
	int err = rotate_expand(s->pattern, t, buf, n);

	if (err)
		return err;
	if (!s->sized && fnum == 0)
		return 0;
	len = strlen(buf);
	if ((size_t)snprintf(buf + len, n - len, ".%lu", fnum) >= n - len)
		return -ENAMETOOLONG;
	return 0;
}

long rotate_victim(unsigned long fnum, unsigned num_max)
{
	if (!num_max || fnum < num_max)
		return -1;
	return (long)(fnum - num_max);
}

int rotate_init(struct rotate *r, const struct rotate_spec *s, unsigned flags)
{
	memset(r, 0, sizeof(*r));
	r->spec = *s;
	r->flags = flags;
	r->fd = -1;
	if (s->num_max) {
		r->kept = calloc(s->num_max, sizeof(*r->kept));
		if (!r->kept)
			return -ENOMEM;
	}
	return 0;
}

void rotate_release(struct rotate *r)
{
	if (r->fd >= 0)
		close(r->fd);
	r->fd = -1;
	for (unsigned i = 0; r->kept && i < r->spec.num_max; i++)
		free(r->kept[i]);
	free(r->kept);
	r->kept = NULL;
}

int rotate_fail(struct rotate *r, const char *what, const char *name, int err)
{
	r->err = err;
	r->err_what = what;
	snprintf(r->err_name, sizeof(r->err_name), "%s", name);
	r->failures++;
	return err;
}

void rotate_ok(struct rotate *r)
{
	r->err = 0;
	r->err_reported = false;
}

/*
 * A new file is made with O_EXCL, so nothing that exists is truncated;
 * O_EXCL also refuses a symlink (even a dangling one) at the name. An
 * existing regular file is appended to when the caller allows it, and
 * O_NOFOLLOW keeps that second open off symlinks too.
 */
static int open_file(struct rotate *r, const char *name)
{
	struct stat st;
	int fd;

	fd = open(name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0640);
	if (fd >= 0) {
		/* 0640 whatever the umask says: logs are for root and adm */
		if (fchmod(fd, 0640) < 0) {
			int err = -errno;

			close(fd);
			return err;
		}
		r->written = 0;
		return fd;
	}
	if (errno != EEXIST || !(r->flags & ROTATE_APPEND))
		return -errno;
	fd = open(name, O_WRONLY | O_APPEND | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return -EINVAL;
	}
	r->written = (uint64_t)st.st_size;
	return fd;
}

static void remove_victim(struct rotate *r)
{
	long victim = rotate_victim(r->fnum, r->spec.num_max);
	char **slot;

	if (victim < 0)
		return;
	slot = &r->kept[(unsigned long)victim % r->spec.num_max];
	if (*slot && unlink(*slot) < 0 && errno != ENOENT)
		rotate_fail(r, "remove", *slot, -errno);
	free(*slot);
	*slot = NULL;
}

/* opens file r->fnum (removing the one it replaces) */
static int open_numbered(struct rotate *r, time_t now)
{
	char name[PATH_MAX];
	int fd, err;

	err = rotate_name(&r->spec, now, r->fnum, name, sizeof(name));
	if (err)
		return rotate_fail(r, "open", r->spec.pattern, err);
	remove_victim(r);
	fd = open_file(r, name);
	if (fd < 0)
		return rotate_fail(r, "open", name, fd);
	r->fd = fd;
	snprintf(r->name, sizeof(r->name), "%s", name);
	rotate_keep(r, r->fnum, name);
	if (r->opened)
		r->opened(r->opened_arg, r->fnum, name, r->written);
	rotate_ok(r);
	return 0;
}

int rotate_keep(struct rotate *r, unsigned long fnum, const char *name)
{
	char **slot;

	if (!r->spec.num_max)
		return 0;
	slot = &r->kept[fnum % r->spec.num_max];
	free(*slot);
	*slot = strdup(name);
	return *slot ? 0 : -ENOMEM;
}

int rotate_resume(struct rotate *r, unsigned long fnum, const char *name,
		  uint64_t size)
{
	struct stat st;
	int fd;

	r->started = true;
	r->fnum = fnum;
	fd = open(name, O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0640);
	if (fd < 0)
		return rotate_fail(r, "open", name, -errno);
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) ||
	    ((uint64_t)st.st_size > size && ftruncate(fd, (off_t)size) < 0) ||
	    lseek(fd, 0, SEEK_END) < 0) {
		int err = errno ? -errno : -EINVAL;

		close(fd);
		return rotate_fail(r, "open", name, err);
	}
	r->fd = fd;
	r->written = (uint64_t)lseek(fd, 0, SEEK_CUR);
	snprintf(r->name, sizeof(r->name), "%s", name);
	rotate_ok(r);
	return rotate_keep(r, fnum, name);
}

/* -o /dev/null, a tty or a fifo: written as is, never renamed (stap too
 * special-cases /dev/null) */
static int open_special(struct rotate *r, time_t now)
{
	char name[PATH_MAX];
	struct stat st;
	int fd, err;

	err = rotate_expand(r->spec.pattern, now, name, sizeof(name));
	if (err || lstat(name, &st) < 0 || S_ISREG(st.st_mode) || S_ISLNK(st.st_mode) ||
	    S_ISDIR(st.st_mode))
		return 1;
	if (r->flags & ROTATE_PLACEHOLDER)
		return rotate_fail(r, "open", name, -EINVAL);
	fd = open(name, O_WRONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return rotate_fail(r, "open", name, -errno);
	r->fd = fd;
	r->special = true;
	snprintf(r->name, sizeof(r->name), "%s", name);
	return 0;
}

int rotate_start(struct rotate *r, time_t now)
{
	int err;

	r->started = true;
	r->fnum = 0;
	err = open_special(r, now);
	if (err <= 0)
		return err;
	return open_numbered(r, now);
}

/* logrotate renamed the file being written: it still has a name, not
 * this one (a file removed has none, and numbering goes on as ever) */
static bool moved_away(const struct rotate *r)
{
	struct stat now, open_file_st;

	if (r->fd < 0 || r->special || (r->flags & ROTATE_PLACEHOLDER))
		return false;
	if (fstat(r->fd, &open_file_st) < 0 || open_file_st.st_nlink == 0)
		return false;
	return lstat(r->name, &now) < 0 || now.st_ino != open_file_st.st_ino ||
	       now.st_dev != open_file_st.st_dev;
}

/* the same name again, as a new file: logrotate's postrotate reopen */
static int reopen(struct rotate *r)
{
	char name[PATH_MAX];
	int fd;

	snprintf(name, sizeof(name), "%s", r->name);
	close(r->fd);
	r->fd = -1;
	r->written = 0;
	fd = open_file(r, name);
	if (fd < 0) {
		r->name[0] = '\0';
		return rotate_fail(r, "open", name, fd);
	}
	r->fd = fd;
	if (r->opened)
		r->opened(r->opened_arg, r->fnum, name, r->written);
	rotate_ok(r);
	return 0;
}

int rotate_switch(struct rotate *r, time_t now, char *closed, size_t n)
{
	if (closed && n)
		snprintf(closed, n, "%s", r->fd >= 0 ? r->name : "");
	if (r->special)
		return 0;
	/* a file moved away is replaced under its own name, not numbered on:
	 * the number it would take may be the name it was moved to */
	if (moved_away(r))
		return reopen(r);
	if (r->fd >= 0)
		close(r->fd);
	r->fd = -1;
	r->name[0] = '\0';
	r->written = 0;
	r->fnum++;
	return open_numbered(r, now);
}

int rotate_write(struct rotate *r, const void *p, size_t n)
{
	const char *s = p;
	size_t off = 0;

	if (r->fd < 0)
		return r->err ? r->err : -EBADF;
	while (off < n) {
		ssize_t w = write(r->fd, s + off, n - off);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			int err = w < 0 ? -errno : -ENOSPC;

			/* no half records: cut the file back to the last
			 * whole one; the caller keeps the data */
			if (off && !r->special &&
			    (ftruncate(r->fd, (off_t)r->written) < 0 ||
			     lseek(r->fd, (off_t)r->written, SEEK_SET) < 0))
				r->written += off;
			return rotate_fail(r, "write", r->name, err);
		}
		off += (size_t)w;
	}
	r->written += n;
	if (r->err)
		rotate_ok(r);
	return 0;
}

bool rotate_due(const struct rotate *r, uint64_t pending)
{
	return r->spec.size_max && !r->special &&
	       r->written + pending > r->spec.size_max;
}

bool rotate_can_switch(const struct rotate *r)
{
	return r->started && !r->special;
}
