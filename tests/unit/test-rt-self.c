// SPDX-License-Identifier: GPL-2.0
/*
 * Which records are tap's own (rt_skip_self): a live run skips its own
 * pid's from when it started, a reader of a crash dump none. Records of
 * sys_enter_close, from the saved target's format, go through the
 * handlers of a compiled script into a file.
 */
#include <event-parse.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "compiler.h"
#include "diag.h"
#include "output.h"
#include "runtime.h"
#include "source.h"
#include "target.h"
#include "fileio.h"

static const char script[] = "probe syscall.close { printf(\"%d %d\\n\", tid(), $fd) }\n";

struct fixture {
	struct target *t;
	struct src_file *src;
	struct program *prog;
	struct tep_handle *tep;
	int id;
};

static int fixture_open(struct fixture *f, const char *dir)
{
	char path[4200], *format;
	struct compile_opts co = { 0 };
	struct diag d;
	size_t len;
	int err;

	snprintf(path, sizeof(path), "%s/tracefs/events/syscalls/sys_enter_close/format", dir);
	format = file_read_text(path, &len);
	if (!format || target_open(dir, &f->t) ||
	    src_file_from_string("t.tap", script, sizeof(script) - 1, &f->src))
		return -1;
	diag_init(&d, f->src);
	err = compile_program(f->src, f->t, &co, &d, &f->prog);
	diag_print(&d, stderr, "test-rt-self", false);
	diag_release(&d);
	f->tep = tep_alloc();
	tep_set_loglevel(TEP_LOG_CRITICAL);
	if (err || !f->tep || tep_parse_event(f->tep, format, len, "syscalls"))
		err = -1;
	else
		f->id = tep_find_event_by_name(f->tep, "syscalls", "sys_enter_close")->id;
	free(format);
	return err;
}

static void fixture_close(struct fixture *f)
{
	tep_free(f->tep);
	program_free(f->prog);
	src_file_free(f->src);
	target_free(f->t);
}

/* a sys_enter_close record of @tid closing @fd, at @ts */
static void feed(struct rt *rt, const struct fixture *f, int tid, unsigned long fd,
		 uint64_t ts)
{
	unsigned char rec[24] = { 0 };
	uint16_t type = (uint16_t)f->id;
	int32_t pid = tid;
	uint64_t v = fd;

	memcpy(rec, &type, 2);
	memcpy(rec + 4, &pid, 4);
	memcpy(rec + 16, &v, 8);
	rt_handle_record(rt, 0, ts, rec, (int)sizeof(rec));
}

/* what the handlers print for the records of us and of pid 1, at times
 * 100 and 300, after @skip(rt) */
static char *run(const struct fixture *f, void (*skip)(struct rt *rt))
{
	char path[] = "/tmp/tap-unit-rt-self.XXXXXX", *text = NULL;
	int fd = mkstemp(path);
	struct output out;
	struct rt *rt = NULL;
	struct diag d;

	if (fd < 0)
		return NULL;
	output_init(&out, fd);
	diag_init(&d, f->src);
	if (!rt_create(f->prog, &out, &rt) && !rt_bind_events(rt, f->tep, &d)) {
		if (skip)
			skip(rt);
		feed(rt, f, getpid(), 7, 100);
		feed(rt, f, 1, 8, 100);
		feed(rt, f, getpid(), 9, 300);
		feed(rt, f, 1, 10, 300);
		rt_run_end(rt);
		output_flush(&out);
		text = file_read_text(path, NULL);
	}
	diag_release(&d);
	rt_free(rt);
	output_release(&out);
	close(fd);
	unlink(path);
	return text;
}

static void skip_since_200(struct rt *rt)
{
	rt_skip_self(rt, getpid(), 200);
}

static void skip_none(struct rt *rt)
{
	rt_skip_self(rt, -1, 0);
}

int main(void)
{
	const char *srcdir = getenv("TAP_SRCDIR");
	char dir[4096], want[128], *text;
	struct fixture f = { 0 };
	int me = (int)getpid();

	snprintf(dir, sizeof(dir), "%s/tests/target", srcdir ? srcdir : ".");
	if (fixture_open(&f, dir)) {
		fprintf(stderr, "cannot compile against the saved target %s\n", dir);
		return 1;
	}
	/* by default, none of ours */
	text = run(&f, NULL);
	CHECK(text && !strcmp(text, "1 8\n1 10\n"));
	free(text);
	/* ours from when we started: an older record of our pid is another's */
	text = run(&f, skip_since_200);
	snprintf(want, sizeof(want), "%d 7\n1 8\n1 10\n", me);
	CHECK(text && !strcmp(text, want));
	free(text);
	/* a crash dump's records: all of them */
	text = run(&f, skip_none);
	snprintf(want, sizeof(want), "%d 7\n1 8\n%d 9\n1 10\n", me, me);
	CHECK(text && !strcmp(text, want));
	free(text);
	fixture_close(&f);
	return CHECK_DONE();
}
