/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef TAP_OUTPUT_H
#define TAP_OUTPUT_H

/*
 * Where handler output goes. Text is appended to a buffer and written out
 * when it grows past a threshold and whenever the reader is about to wait,
 * so a pipe reader sees every line as soon as tap has caught up with the
 * kernel, without a write(2) per line.
 *
 * Output comes in records: everything one handler run printed. A record
 * is never split between two log files, JSON wraps each record in one
 * object, and the size check of -S happens between records. When a log
 * file cannot be written (a full disk, a removed directory) the output
 * is "blocked": records wait in the buffer, the caller stops reading the
 * kernel's buffers so events wait there, and the next switch (or retry)
 * writes them.
 */
#include <stdbool.h>
#include <stddef.h>

#include "format.h"

struct rotate;
struct json_record;

enum output_format {
	OUTPUT_TEXT,
	OUTPUT_JSON,	/* one JSON object per record (json.c) */
};

struct output {
	int fd;	/* when rot is NULL */
	struct rotate *rot;	/* -o log files, or NULL */
	enum output_format format;
	struct strbuf buf;
	size_t flush_at;
	size_t mark;	/* where the open record starts in buf */
	int depth;	/* records nest: an error probe inside a failed one */
	bool switch_due;	/* -S: the file passed SIZE; the next record opens
				 * the next file (lazily, as stap does) */
	bool blocked;	/* the log file failed; records wait in buf */
	unsigned long long bytes;	/* written so far */
	unsigned long long records;	/* records completed */
	int error;	/* first write error on a plain fd (-errno) */
	bool error_reported;
};

/* Output to @fd (not owned). */
void output_init(struct output *o, int fd);
/* Output to the log files of @rot (started by the caller, not owned). */
void output_init_rotate(struct output *o, struct rotate *rot);
void output_release(struct output *o);

/* Writes out every complete record. 0 or -errno (-EAGAIN when blocked). */
int output_flush(struct output *o);
/* Tries a blocked log file again (a full disk may have room now). */
int output_retry(struct output *o);
/* after appending to o->buf: write out if it is big enough */
int output_commit(struct output *o);
int output_write(struct output *o, const char *s, size_t n);

/* A handler starts printing a record. */
void output_record_begin(struct output *o);
/*
 * The record is complete: in JSON mode it is wrapped in an object made
 * from @jr (NULL: left as text); with -S the size check is made.
 */
void output_record_end(struct output *o, const struct json_record *jr);

/*
 * SIGUSR2: writes what is complete to the current file, then switches to
 * the next one at once; @closed gets the closed file's name. Returns 0,
 * -ENOTSUP without log files (or with /dev/null), or the next file's
 * open error (the records then wait for the next switch).
 */
int output_switch(struct output *o, char *closed, size_t n);

/* The log file failed and records wait (the caller pauses reading). */
bool output_blocked(const struct output *o);

#endif
