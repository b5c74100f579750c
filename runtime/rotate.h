/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef TAP_ROTATE_H
#define TAP_ROTATE_H

/*
 * Log files with SystemTap's naming, size and deletion rules (-o FILE
 * -S SIZE[,N], SIGUSR2), so scripts and cron jobs written for stap keep
 * working:
 *
 *   - FILE is a strftime(3) format, expanded in local time at every open.
 *   - With -S every name gets a suffix: FILE.0, FILE.1, ...; the number
 *     grows for ever. Without -S the first file is FILE, and each switch
 *     (SIGUSR2) opens FILE.1, FILE.2, ...
 *   - Opening file n with n >= N removes file n - N (the name it was
 *     opened under), so at most N files remain; N = 0 keeps them all.
 *   - The caller switches when a file has passed SIZE (checked between
 *     records, so a file passes SIZE by at most one record).
 *
 * Where tap is stricter than stap: files are created 0640, never through
 * a symlink (O_NOFOLLOW on the last component), never in a directory
 * that does not exist, and an existing file is never truncated: text
 * output is appended to it, and raw recordings refuse it.
 *
 * Nothing here prints: problems are kept in the struct (err, failures)
 * for the caller to report once.
 */
#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

struct rotate_spec {
	const char *pattern;	/* -o FILE: a strftime(3) format */
	uint64_t size_max;	/* -S SIZE in bytes; 0: no size limit */
	unsigned num_max;	/* -S ,N: files kept; 0: all of them */
	bool sized;	/* -S was given: names carry a .N suffix from the start */
};

enum rotate_flags {
	ROTATE_APPEND = 1 << 0,	/* an existing file is appended to (text) */
	ROTATE_PLACEHOLDER = 1 << 1,	/* raw: the name is only claimed, the
					 * caller renames the finished file over it */
};

struct rotate {
	struct rotate_spec spec;
	unsigned flags;
	int fd;	/* the current file; -1 when none is open */
	unsigned long fnum;	/* number of the current (or last tried) file */
	bool started;
	bool special;	/* not a regular file (/dev/null, a tty): never switched */
	char name[PATH_MAX];	/* the current file's name, "" when none */
	char **kept;	/* the last num_max names, by fnum % num_max */
	uint64_t written;	/* bytes in the current file */
	/* the last problem, for the caller to report once */
	int err;	/* -errno, or 0 */
	const char *err_what;	/* "open", "write", "remove" */
	char err_name[PATH_MAX];
	unsigned long failures;	/* failed opens and writes, in all */
	bool err_reported;	/* the caller has said so */
	/* told of every numbered file opened, before anything is written to
	 * it, with its size then (a flight recorder's writer journals them,
	 * so a successor can take back what it wrote after its checkpoint) */
	void (*opened)(void *arg, unsigned long fnum, const char *name,
		       uint64_t size);
	void *opened_arg;
};

/*
 * Parses the -S argument "SIZE[,N]". SIZE is in MB unless it ends in
 * K, M or G (binary units, as stap's MB are); N is a count of files.
 * Returns 0, or -EINVAL for anything else (trailing text included).
 */
int rotate_parse_size(const char *arg, uint64_t *size, unsigned *num);

/*
 * Expands @pattern with strftime(3) for time @t in local time, into @buf.
 * Returns 0, -EINVAL when the expansion is empty, or -ENAMETOOLONG.
 */
int rotate_expand(const char *pattern, time_t t, char *buf, size_t n);

/*
 * The name of file number @fnum opened at time @t: the expansion, plus
 * ".@fnum" with -S or when @fnum > 0. Same returns as rotate_expand().
 */
int rotate_name(const struct rotate_spec *s, time_t t, unsigned long fnum,
		char *buf, size_t n);

/*
 * The number of the file that opening file @fnum removes, or -1 when it
 * removes none (N = 0, or fewer than N files so far).
 */
long rotate_victim(unsigned long fnum, unsigned num_max);

/* Sets @r up for @s (which must outlive it); opens nothing. 0 or -ENOMEM. */
int rotate_init(struct rotate *r, const struct rotate_spec *s, unsigned flags);
/* Closes the current file and frees what @r holds. */
void rotate_release(struct rotate *r);

/*
 * Opens the first file. Returns 0 or -errno (also kept in r->err); the
 * caller decides whether a failure at the start is fatal.
 */
int rotate_start(struct rotate *r, time_t now);

/*
 * Carries on where another process left off: file number @fnum, called
 * @name, cut back to @size bytes (what that process wrote after it is
 * written again), and appended to. Returns 0 or -errno.
 */
int rotate_resume(struct rotate *r, unsigned long fnum, const char *name,
		  uint64_t size);
/* Remembers @name as file @fnum, for the removal of old files (resume). */
int rotate_keep(struct rotate *r, unsigned long fnum, const char *name);

/*
 * Closes the current file and opens the next one (removing the one that
 * falls out of the N kept). The closed file's name goes to @closed ("" if
 * none was open). A current file that was renamed or removed meanwhile
 * (logrotate) is instead replaced by a new file of the same name and
 * number: the postrotate "reopen" that logrotate's snippets expect. Returns 0, or the open's -errno: then no file is open
 * until the next switch, and every write fails with that error.
 */
int rotate_switch(struct rotate *r, time_t now, char *closed, size_t n);

/*
 * Writes all of @p to the current file, or none of it: a short write
 * (a full disk) is cut off again, so the file only ever holds whole
 * records. Returns 0 or -errno (-EBADF when no file is open).
 */
int rotate_write(struct rotate *r, const void *p, size_t n);

/* The current file has passed SIZE, counting @pending bytes not yet
 * written to it. */
bool rotate_due(const struct rotate *r, uint64_t pending);

/*
 * Records a problem with the files for the caller to report (raw
 * recordings use it for their own writes too); returns @err.
 * rotate_ok() says the trouble is over.
 */
int rotate_fail(struct rotate *r, const char *what, const char *name, int err);
void rotate_ok(struct rotate *r);

/* true when @r can switch files (a regular file, not /dev/null or a tty) */
bool rotate_can_switch(const struct rotate *r);

#endif
