// SPDX-License-Identifier: GPL-2.0-or-later
/* A flight recorder writer's checkpoint and journal (runtime/checkpoint.h) */
#include <errno.h>
#include <stdlib.h>

#include "check.h"
#include "checkpoint.h"

static void round_trip(void)
{
	struct checkpoint_cpu cpus[2] = { { 4096, 7 }, { 0, 0 } };
	struct checkpoint_file kept[2] = { { 3, 0, "/var/log/tap/a b.log.3" },
					   { 4, 0, "/odd\nname\\x" } };
	struct checkpoint c = {
		.file = { 5, 1234, "/var/log/tap/a b.log.5" },
		.cpus = cpus, .ncpus = 2, .kept = kept, .nkept = 2,
	};
	struct checkpoint back;
	size_t len;
	char *text = checkpoint_format(&c, &len);

	CHECK(text != NULL);
	CHECK_STR(text, "tap-checkpoint 1\n"
			"file 5 1234 /var/log/tap/a b.log.5\n"
			"cpu 0 4096 7\n"
			"cpu 1 0 0\n"
			"kept 3 /var/log/tap/a b.log.3\n"
			"kept 4 /odd\\nname\\\\x\n"
			"end\n");
	CHECK(len == strlen(text));
	CHECK(checkpoint_parse(text, &back) == 0);
	CHECK(back.file.fnum == 5 && back.file.size == 1234);
	CHECK_STR(back.file.name, "/var/log/tap/a b.log.5");
	CHECK(back.ncpus == 2 && back.cpus[0].offset == 4096 && back.cpus[0].handled == 7);
	CHECK(back.nkept == 2 && back.kept[1].fnum == 4);
	CHECK_STR(back.kept[1].name, "/odd\nname\\x");
	checkpoint_release(&back);
	free(text);
}

/* a checkpoint cut short (it is written through a rename, but a copy or
 * a damaged disk may cut it) is refused, not half used */
static void damaged(void)
{
	struct checkpoint c;

	CHECK(checkpoint_parse("", &c) == -EINVAL);
	CHECK(checkpoint_parse("tap-checkpoint 1\nfile 1 2 x\ncpu 0 1 2\n", &c) == -EINVAL);
	CHECK(checkpoint_parse("tap-checkpoint 1\nfile 1 2 x\nend\n", &c) == -EINVAL);
	CHECK(checkpoint_parse("tap-checkpoint 1\nfile 1 2 x\ncpu 1 1 2\nend\n", &c) == -EINVAL);
	CHECK(checkpoint_parse("tap-checkpoint 2\nfile 1 2 x\ncpu 0 1 2\nend\n", &c) == -EINVAL);
	CHECK(checkpoint_parse("tap-checkpoint 1\nfile 1 2 x\ncpu 0 1 2\nend\n", &c) == 0);
	checkpoint_release(&c);
}

struct seen {
	int n;
	unsigned long fnum[4];
	unsigned long long size[4];
	char name[4][64];
};

static void note(void *arg, unsigned long fnum, uint64_t size, const char *name)
{
	struct seen *s = arg;

	if (s->n == 4)
		return;
	s->fnum[s->n] = fnum;
	s->size[s->n] = size;
	snprintf(s->name[s->n++], 64, "%s", name);
}

/* journal lines written one by one; the last one may be cut by a crash */
static void journal(void)
{
	char text[512] = "", line[128];
	struct seen s = { 0 };

	CHECK(checkpoint_journal_line(line, sizeof(line), 6, 0, "/l/x.6") == 0);
	strcat(text, line);
	CHECK(checkpoint_journal_line(line, sizeof(line), 7, 99, "/l/x y.7") == 0);
	strcat(text, line);
	strcat(text, "8 0 /l/x.");	/* cut short */
	CHECK(checkpoint_journal_parse(text, note, &s) == 2);
	CHECK(s.n == 2 && s.fnum[0] == 6 && s.size[0] == 0 && s.fnum[1] == 7 && s.size[1] == 99);
	CHECK_STR(s.name[1], "/l/x y.7");
	CHECK(checkpoint_journal_line(line, 8, 6, 0, "/a/long/name") == -ENAMETOOLONG);
}

int main(void)
{
	round_trip();
	damaged();
	journal();
	return CHECK_DONE();
}
