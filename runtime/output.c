// SPDX-License-Identifier: GPL-2.0-or-later
#include "output.h"

#include <errno.h>
#include <unistd.h>

#define OUTPUT_FLUSH_AT (64 * 1024)

void output_init(struct output *o, int fd)
{
	o->fd = fd;
	strbuf_init(&o->buf);
	o->flush_at = OUTPUT_FLUSH_AT;
	o->bytes = 0;
	o->error = 0;
	o->error_reported = false;
}

void output_release(struct output *o)
{
	output_flush(o);
	strbuf_release(&o->buf);
}

int output_flush(struct output *o)
{
	size_t off = 0;

	while (off < o->buf.len) {
		ssize_t n = write(o->fd, o->buf.buf + off, o->buf.len - off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			if (!o->error)
				o->error = -errno;
			break;
		}
		off += (size_t)n;
		o->bytes += (size_t)n;
	}
	o->buf.len = 0;
	return o->error;
}

int output_commit(struct output *o)
{
	if (o->buf.len >= o->flush_at)
		return output_flush(o);
	return 0;
}

int output_write(struct output *o, const char *s, size_t n)
{
	if (strbuf_add(&o->buf, s, n))
		return -ENOMEM;
	return output_commit(o);
}
