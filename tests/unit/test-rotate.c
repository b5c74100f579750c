// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Log file rotation: -S parsing, strftime names in local time, and
 * SystemTap's naming and deletion outcomes, on real files in a temporary
 * directory (no root needed).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "rotate.h"

static char dir[] = "/tmp/tap-test-rotate.XXXXXX";

static void test_parse(void)
{
	uint64_t size;
	unsigned num;

	CHECK(rotate_parse_size("10", &size, &num) == 0);
	CHECK(size == 10ull << 20 && num == 0);
	CHECK(rotate_parse_size("10,3", &size, &num) == 0);
	CHECK(size == 10ull << 20 && num == 3);
	CHECK(rotate_parse_size("512K", &size, &num) == 0);
	CHECK(size == 512ull << 10 && num == 0);
	CHECK(rotate_parse_size("2g,1", &size, &num) == 0);
	CHECK(size == 2ull << 30 && num == 1);
	CHECK(rotate_parse_size("3M,0", &size, &num) == 0);
	CHECK(size == 3ull << 20 && num == 0);
	CHECK(rotate_parse_size("0,3", &size, &num) == 0);
	CHECK(size == 0 && num == 3);
	/* stap refuses trailing junk; so do we */
	CHECK(rotate_parse_size("", &size, &num) == -EINVAL);
	CHECK(rotate_parse_size("x", &size, &num) == -EINVAL);
	CHECK(rotate_parse_size("-1", &size, &num) == -EINVAL);
	CHECK(rotate_parse_size("10,", &size, &num) == -EINVAL);
	CHECK(rotate_parse_size("10,x", &size, &num) == -EINVAL);
	CHECK(rotate_parse_size("10,3x", &size, &num) == -EINVAL);
	CHECK(rotate_parse_size("10M3", &size, &num) == -EINVAL);
	CHECK(rotate_parse_size("10T", &size, &num) == -EINVAL);
	CHECK(rotate_parse_size("99999999999999999999", &size, &num) == -EINVAL);
	CHECK(rotate_parse_size("17592186044416", &size, &num) == -EINVAL);
}

static void test_expand(void)
{
	char buf[256], big[5000];
	time_t t = 1700000000;	/* 2023-11-14 22:13:20 UTC */

	setenv("TZ", "UTC0", 1);
	tzset();
	CHECK(rotate_expand("log-%Y%m%d-%H%M%S", t, buf, sizeof(buf)) == 0);
	CHECK_STR(buf, "log-20231114-221320");
	/* local time, not UTC */
	setenv("TZ", "EST5", 1);
	tzset();
	CHECK(rotate_expand("/var/log/x-%H:%M.log", t, buf, sizeof(buf)) == 0);
	CHECK_STR(buf, "/var/log/x-17:13.log");
	CHECK(rotate_expand("plain", t, buf, sizeof(buf)) == 0);
	CHECK_STR(buf, "plain");
	CHECK(rotate_expand("100%%", t, buf, sizeof(buf)) == 0);
	CHECK_STR(buf, "100%");
	CHECK(rotate_expand("", t, buf, sizeof(buf)) == -EINVAL);
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	CHECK(rotate_expand(big, t, buf, sizeof(buf)) == -ENAMETOOLONG);
}

static void test_names(void)
{
	struct rotate_spec sized = { .pattern = "out-%Y", .sized = true };
	struct rotate_spec plain = { .pattern = "out-%Y" };
	time_t t = 1700000000;
	char buf[256];

	setenv("TZ", "UTC0", 1);
	tzset();
	CHECK(rotate_name(&sized, t, 0, buf, sizeof(buf)) == 0);
	CHECK_STR(buf, "out-2023.0");
	CHECK(rotate_name(&sized, t, 12, buf, sizeof(buf)) == 0);
	CHECK_STR(buf, "out-2023.12");
	/* without -S: FILE, then FILE.1, FILE.2 after SIGUSR2 */
	CHECK(rotate_name(&plain, t, 0, buf, sizeof(buf)) == 0);
	CHECK_STR(buf, "out-2023");
	CHECK(rotate_name(&plain, t, 1, buf, sizeof(buf)) == 0);
	CHECK_STR(buf, "out-2023.1");
	CHECK(rotate_name(&plain, t, 2, buf, sizeof(buf)) == 0);
	CHECK_STR(buf, "out-2023.2");
	CHECK(rotate_name(&plain, t, 0, buf, 5) == -ENAMETOOLONG);
	CHECK(rotate_name(&sized, t, 123456, buf, 12) == -ENAMETOOLONG);

	CHECK(rotate_victim(0, 0) == -1);
	CHECK(rotate_victim(99, 0) == -1);
	CHECK(rotate_victim(0, 1) == -1);
	CHECK(rotate_victim(1, 1) == 0);
	CHECK(rotate_victim(2, 3) == -1);
	CHECK(rotate_victim(3, 3) == 0);
	CHECK(rotate_victim(7, 3) == 4);
}

/* which of NAME.0 .. NAME.(n-1) exist, as "0 1 2" */
static void existing(const char *name, int n, char *out, size_t size)
{
	size_t off = 0;

	out[0] = '\0';
	for (int i = 0; i < n; i++) {
		char path[512];

		snprintf(path, sizeof(path), "%s/%s.%d", dir, name, i);
		if (access(path, F_OK) == 0)
			off += (size_t)snprintf(out + off, size - off, "%s%d", off ? " " : "", i);
	}
}

/* runs -S SIZE,N with @files files; returns which remain */
static void run_sized(unsigned num, int files, char *out, size_t size)
{
	char pattern[512], closed[512];
	struct rotate_spec s = { .pattern = pattern, .size_max = 100, .num_max = num,
				 .sized = true };
	struct rotate r;
	char name[64];

	snprintf(name, sizeof(name), "n%u", num);
	snprintf(pattern, sizeof(pattern), "%s/%s", dir, name);
	CHECK(rotate_init(&r, &s, ROTATE_APPEND) == 0);
	CHECK(rotate_start(&r, 1700000000) == 0);
	for (int i = 1; i < files; i++) {
		CHECK(rotate_write(&r, "0123456789", 10) == 0);
		CHECK(rotate_switch(&r, 1700000000, closed, sizeof(closed)) == 0);
	}
	existing(name, files + 2, out, size);
	rotate_release(&r);
}

static void test_deletion(void)
{
	char got[256];

	/* the Beginner's Guide: "-S 1,2" ends with only .5 and .6 left */
	run_sized(2, 7, got, sizeof(got));
	CHECK_STR(got, "5 6");
	run_sized(0, 7, got, sizeof(got));
	CHECK_STR(got, "0 1 2 3 4 5 6");
	run_sized(1, 7, got, sizeof(got));
	CHECK_STR(got, "6");
	run_sized(3, 7, got, sizeof(got));
	CHECK_STR(got, "4 5 6");
	run_sized(3, 2, got, sizeof(got));
	CHECK_STR(got, "0 1");
}

/* a file is deleted under the name it was opened with, not a new
 * expansion of the pattern */
static void test_strftime_deletion(void)
{
	char pattern[512], path[600], closed[512];
	struct rotate_spec s = { .pattern = pattern, .num_max = 1, .sized = true };
	struct rotate r;

	setenv("TZ", "UTC0", 1);
	tzset();
	snprintf(pattern, sizeof(pattern), "%s/t-%%H%%M%%S", dir);
	CHECK(rotate_init(&r, &s, ROTATE_APPEND) == 0);
	CHECK(rotate_start(&r, 1700000000) == 0);
	snprintf(path, sizeof(path), "%s/t-221320.0", dir);
	CHECK_STR(r.name, path);
	CHECK(rotate_switch(&r, 1700000061, closed, sizeof(closed)) == 0);
	CHECK_STR(closed, path);
	CHECK(access(path, F_OK) < 0);
	snprintf(path, sizeof(path), "%s/t-221421.1", dir);
	CHECK_STR(r.name, path);
	CHECK(access(path, F_OK) == 0);
	rotate_release(&r);
}

/* the size check, as stap makes it: a file passes SIZE by at most one
 * record, and only the check after it says "switch" */
static void test_due(void)
{
	char pattern[512];
	struct rotate_spec s = { .pattern = pattern, .size_max = 100, .sized = true };
	struct rotate r;

	snprintf(pattern, sizeof(pattern), "%s/due", dir);
	CHECK(rotate_init(&r, &s, ROTATE_APPEND) == 0);
	CHECK(rotate_start(&r, 1700000000) == 0);
	CHECK(!rotate_due(&r, 0));
	CHECK(!rotate_due(&r, 100));
	CHECK(rotate_due(&r, 101));
	CHECK(rotate_write(&r, pattern, 100) == 0);
	CHECK(!rotate_due(&r, 0));
	CHECK(rotate_due(&r, 1));
	rotate_release(&r);
}

static void test_safety(void)
{
	char pattern[512], path[600], buf[64];
	struct rotate_spec s = { .pattern = pattern };
	struct rotate r;
	struct stat st;
	int fd;

	/* an existing file is appended to, never truncated */
	snprintf(pattern, sizeof(pattern), "%s/keep", dir);
	fd = open(pattern, O_WRONLY | O_CREAT, 0600);
	CHECK(fd >= 0 && write(fd, "old\n", 4) == 4);
	close(fd);
	CHECK(rotate_init(&r, &s, ROTATE_APPEND) == 0);
	CHECK(rotate_start(&r, 0) == 0);
	CHECK(r.written == 4);
	CHECK(rotate_write(&r, "new\n", 4) == 0);
	rotate_release(&r);
	fd = open(pattern, O_RDONLY);
	CHECK(fd >= 0 && read(fd, buf, sizeof(buf)) == 8);
	close(fd);
	CHECK(memcmp(buf, "old\nnew\n", 8) == 0);

	/* ... but a raw recording refuses it */
	CHECK(rotate_init(&r, &s, ROTATE_PLACEHOLDER) == 0);
	CHECK(rotate_start(&r, 0) == -EEXIST);
	CHECK(r.err == -EEXIST && r.failures == 1);
	CHECK(rotate_write(&r, "x", 1) == -EEXIST);
	rotate_release(&r);

	/* new files are 0640 whatever the umask */
	umask(077);
	snprintf(pattern, sizeof(pattern), "%s/mode", dir);
	CHECK(rotate_init(&r, &s, ROTATE_APPEND) == 0);
	CHECK(rotate_start(&r, 0) == 0);
	CHECK(stat(pattern, &st) == 0 && (st.st_mode & 07777) == 0640);
	rotate_release(&r);
	umask(022);

	/* never through a symlink, dangling or not */
	snprintf(pattern, sizeof(pattern), "%s/link", dir);
	snprintf(path, sizeof(path), "%s/target", dir);
	CHECK(symlink(path, pattern) == 0);
	CHECK(rotate_init(&r, &s, ROTATE_APPEND) == 0);
	CHECK(rotate_start(&r, 0) == -ELOOP);
	rotate_release(&r);
	CHECK(access(path, F_OK) < 0);
	fd = open(path, O_WRONLY | O_CREAT, 0600);
	close(fd);
	CHECK(rotate_init(&r, &s, ROTATE_APPEND) == 0);
	CHECK(rotate_start(&r, 0) == -ELOOP);
	rotate_release(&r);
	CHECK(stat(path, &st) == 0 && st.st_size == 0);

	/* only in directories that exist */
	snprintf(pattern, sizeof(pattern), "%s/nodir/log", dir);
	CHECK(rotate_init(&r, &s, ROTATE_APPEND) == 0);
	CHECK(rotate_start(&r, 0) == -ENOENT);
	CHECK(r.fd < 0 && !strcmp(r.err_what, "open"));
	rotate_release(&r);

	/* /dev/null is written as it is: no suffix, no switch */
	s.pattern = "/dev/null";
	s.sized = true;
	CHECK(rotate_init(&r, &s, ROTATE_APPEND) == 0);
	CHECK(rotate_start(&r, 0) == 0);
	CHECK_STR(r.name, "/dev/null");
	CHECK(!rotate_can_switch(&r));
	CHECK(rotate_write(&r, "x", 1) == 0);
	rotate_release(&r);
}

/* a failed open is retried by the next switch, with the next number */
static void test_retry(void)
{
	char pattern[600], sub[512], closed[600], path[700];
	struct rotate_spec s = { .pattern = pattern };
	struct rotate r;

	snprintf(sub, sizeof(sub), "%s/gone", dir);
	CHECK(mkdir(sub, 0755) == 0);
	snprintf(pattern, sizeof(pattern), "%s/log", sub);
	CHECK(rotate_init(&r, &s, ROTATE_APPEND) == 0);
	CHECK(rotate_start(&r, 0) == 0);
	CHECK(unlink(pattern) == 0 && rmdir(sub) == 0);
	CHECK(rotate_switch(&r, 0, closed, sizeof(closed)) == -ENOENT);
	CHECK_STR(closed, pattern);
	CHECK(rotate_write(&r, "x", 1) == -ENOENT);
	CHECK(r.failures == 1);
	CHECK(rotate_switch(&r, 0, closed, sizeof(closed)) == -ENOENT);
	CHECK_STR(closed, "");
	CHECK(mkdir(sub, 0755) == 0);
	CHECK(rotate_switch(&r, 0, closed, sizeof(closed)) == 0);
	snprintf(path, sizeof(path), "%s.3", pattern);
	CHECK_STR(r.name, path);
	CHECK(r.err == 0 && rotate_write(&r, "x", 1) == 0);
	rotate_release(&r);
}

int main(void)
{
	char cmd[600];

	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 99;
	}
	test_parse();
	test_expand();
	test_names();
	test_deletion();
	test_strftime_deletion();
	test_due();
	test_safety();
	test_retry();
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd))
		fprintf(stderr, "cannot remove %s\n", dir);
	return CHECK_DONE();
}
