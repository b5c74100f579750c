// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * User addresses resolved through the mappings perf reported, for
 * processes that have left /proc: a made-up pid maps this test's own
 * executable, stays resolvable for a while after its exit, and is
 * forgotten at an exec or when newer exits push it out.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "symbolize.h"

/* no process has this pid: only the recorded mappings can answer */
#define GONE_PID 0x3ffffff0
#define DEAD_KEPT 64	/* SYMBOLIZER_DEAD_PIDS */

int sampled_function(int x);
__attribute__((noinline)) int sampled_function(int x)
{
	return x * 3 + 1;
}

/* the executable mapping of this program: start, length, offset, path */
static int own_text(uint64_t *start, uint64_t *len, uint64_t *off, char *path,
		    size_t size)
{
	uint64_t fn = (uint64_t)(uintptr_t)&sampled_function;
	char line[4200];
	FILE *f = fopen("/proc/self/maps", "re");
	int found = -1;

	while (f && found && fgets(line, sizeof(line), f)) {
		unsigned long long a, b, o;
		char file[4096];

		if (sscanf(line, "%llx-%llx %*s %llx %*s %*s %4095s", &a, &b, &o, file) == 4 &&
		    fn >= a && fn < b && strlen(file) < size) {
			*start = a;
			*len = b - a;
			*off = o;
			strcpy(path, file);
			found = 0;
		}
	}
	if (f)
		fclose(f);
	return found;
}

int main(void)
{
	uint64_t fn = (uint64_t)(uintptr_t)&sampled_function + 1;
	uint64_t start = 0, len = 0, off = 0;
	char path[4096] = "";
	struct symbolizer *s = symbolizer_alloc();

	CHECK(s != NULL);
	CHECK(sampled_function(1) == 4);
	CHECK(own_text(&start, &len, &off, path, sizeof(path)) == 0);

	/* unknown and gone: a hex address */
	CHECK(strncmp(symbolize_user(s, GONE_PID, fn), "0x", 2) == 0);

	CHECK(symbolizer_add_map(s, GONE_PID, start, len, off, path) == 0);
	CHECK_STR(symbolize_user(s, GONE_PID, fn), "sampled_function");
	/* not a file: nothing recorded */
	CHECK(symbolizer_add_map(s, GONE_PID + 1, start, len, off, "[vdso]") == 0);
	CHECK(strncmp(symbolize_user(s, GONE_PID + 1, fn), "0x", 2) == 0);

	/* its late samples still resolve after the exit */
	symbolizer_exited(s, GONE_PID);
	symbolizer_exited(s, GONE_PID);	/* twice counts once */
	CHECK_STR(symbolize_user(s, GONE_PID, fn), "sampled_function");

	/* newer exits push it out, but only exits of known processes count */
	for (int i = 1; i < DEAD_KEPT; i++) {
		symbolizer_add_map(s, GONE_PID - i, start, len, off, path);
		symbolizer_exited(s, GONE_PID - i);
		symbolizer_exited(s, 100000 + i);
	}
	CHECK_STR(symbolize_user(s, GONE_PID, fn), "sampled_function");
	symbolizer_add_map(s, GONE_PID - DEAD_KEPT, start, len, off, path);
	symbolizer_exited(s, GONE_PID - DEAD_KEPT);
	CHECK(strncmp(symbolize_user(s, GONE_PID, fn), "0x", 2) == 0);
	CHECK_STR(symbolize_user(s, GONE_PID - 1, fn), "sampled_function");

	/* an exec replaces the image: the old mappings go */
	symbolizer_forget(s, GONE_PID - 1);
	CHECK(strncmp(symbolize_user(s, GONE_PID - 1, fn), "0x", 2) == 0);
	CHECK_STR(symbolize_user(s, GONE_PID - 2, fn), "sampled_function");

	symbolizer_free(s);
	return CHECK_DONE();
}
