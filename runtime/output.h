/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef TAP_OUTPUT_H
#define TAP_OUTPUT_H

/*
 * Where handler output goes. Text is appended to a buffer and written out
 * when it grows past a threshold and whenever the reader is about to wait,
 * so a pipe reader sees every line as soon as tap has caught up with the
 * kernel, without a write(2) per line.
 */
#include <stdbool.h>
#include <stddef.h>

#include "format.h"

struct output {
	int fd;
	struct strbuf buf;
	size_t flush_at;
	unsigned long long bytes;	/* written so far */
	int error;	/* first write error (-errno), reported once */
	bool error_reported;
};

void output_init(struct output *o, int fd);
void output_release(struct output *o);
int output_flush(struct output *o);
/* after appending to o->buf: write out if it is big enough */
int output_commit(struct output *o);
int output_write(struct output *o, const char *s, size_t n);

#endif
