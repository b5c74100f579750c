// SPDX-License-Identifier: GPL-2.0-or-later
#include "output.h"

#include <errno.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "json.h"
#include "rotate.h"

#define OUTPUT_FLUSH_AT (64 * 1024)

static int flush(struct output *o);

void output_init(struct output *o, int fd)
{
	memset(o, 0, sizeof(*o));
	o->fd = fd;
	strbuf_init(&o->buf);
	o->flush_at = OUTPUT_FLUSH_AT;
}

void output_init_rotate(struct output *o, struct rotate *rot)
{
	output_init(o, -1);
	o->rot = rot;
}

void output_release(struct output *o)
{
	o->depth = 0;
	flush(o);
	strbuf_release(&o->buf);
}

/* bytes at the front of buf that belong to complete records */
static size_t complete(const struct output *o)
{
	return o->depth ? o->mark : o->buf.len;
}

static void consume(struct output *o, size_t n)
{
	memmove(o->buf.buf, o->buf.buf + n, o->buf.len - n);
	o->buf.len -= n;
	if (o->buf.buf)
		o->buf.buf[o->buf.len] = '\0';
	o->mark = o->mark > n ? o->mark - n : 0;
}

/* a plain fd: a failed write is remembered (EPIPE ends the run) and the
 * text dropped, as there is no other place for it */
static int flush_fd(struct output *o, size_t n)
{
	size_t off = 0;

	while (off < n) {
		ssize_t w = write(o->fd, o->buf.buf + off, n - off);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0) {
			if (!o->error)
				o->error = -errno;
			break;
		}
		off += (size_t)w;
		o->bytes += (size_t)w;
	}
	consume(o, n);
	return o->error;
}

static int flush_rotate(struct output *o, size_t n)
{
	int err;

	if (o->switch_due) {
		o->switch_due = false;
		rotate_switch(o->rot, time(NULL), NULL, 0);
	}
	err = rotate_write(o->rot, o->buf.buf, n);
	o->blocked = err != 0;
	if (err)
		return err;
	o->bytes += n;
	consume(o, n);
	return 0;
}

static int flush(struct output *o)
{
	size_t n = complete(o);

	if (!n && o->rot) {
		/* nothing held: a file that is open takes records again */
		o->blocked = o->rot->fd < 0;
		return o->blocked ? o->rot->err : 0;
	}
	if (!n)
		return o->error;
	return o->rot ? flush_rotate(o, n) : flush_fd(o, n);
}

/* a blocked log file is tried again by output_retry() and switches only,
 * not at every flush: the failures are counted, and few */
int output_flush(struct output *o)
{
	return o->blocked ? -EAGAIN : flush(o);
}

int output_retry(struct output *o)
{
	return flush(o);
}

int output_commit(struct output *o)
{
	if (complete(o) >= o->flush_at)
		return output_flush(o);
	return 0;
}

int output_write(struct output *o, const char *s, size_t n)
{
	if (strbuf_add(&o->buf, s, n))
		return -ENOMEM;
	return output_commit(o);
}

void output_record_begin(struct output *o)
{
	if (o->depth++ == 0)
		o->mark = o->buf.len;
}

void output_record_end(struct output *o, const struct json_record *jr)
{
	if (o->depth == 0 || --o->depth > 0)
		return;
	if (o->buf.len == o->mark)
		return;	/* the handler printed nothing: no record */
	o->records++;
	if (o->format == OUTPUT_JSON && jr)
		json_wrap(&o->buf, o->mark, jr);
	o->mark = o->buf.len;
	if (o->rot && !o->blocked) {
		/* stap's rule: once a file has passed SIZE, the next record
		 * opens the next file (flush() switches first) */
		if (o->switch_due)
			flush(o);
		/* the record that passes SIZE is written out now, whole */
		if (!o->blocked && rotate_due(o->rot, o->buf.len) && flush(o) == 0)
			o->switch_due = true;
	}
	output_commit(o);
}

int output_switch(struct output *o, char *closed, size_t n)
{
	int err;

	if (closed && n)
		closed[0] = '\0';
	if (!o->rot || !rotate_can_switch(o->rot))
		return -ENOTSUP;
	/* what is complete belongs to the file being closed; if that file
	 * failed, it goes to the new one */
	flush(o);
	o->switch_due = false;
	err = rotate_switch(o->rot, time(NULL), closed, n);
	if (!err)
		flush(o);
	else
		o->blocked = true;
	return err;
}

bool output_blocked(const struct output *o)
{
	return o->blocked;
}
