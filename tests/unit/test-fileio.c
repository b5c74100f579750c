// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * util/fileio: text reads stop at NUL and give "" for an empty file,
 * binary reads keep every byte past the first buffer, a missing file is
 * NULL with errno, mkdirs makes every level, an atomic write replaces the
 * old content and leaves no temporary file.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "fileio.h"

static char dir[] = "/tmp/tap-test-fileio.XXXXXX";

static const char *at(const char *rel)
{
	static char path[4096];

	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	return path;
}

static void test_text(void)
{
	size_t len = 99;
	char *t;

	CHECK(file_write_atomic(at("t"), "ab\0cd", 5) == 0);
	t = file_read_text(at("t"), &len);
	CHECK(t && len == 2 && !strcmp(t, "ab"));
	free(t);
	CHECK(file_write_atomic(at("t"), "", 0) == 0);
	t = file_read_text(at("t"), &len);
	CHECK(t && len == 0 && !strcmp(t, ""));
	free(t);
	errno = 0;
	CHECK(file_read_text(at("missing"), NULL) == NULL && errno == ENOENT);
	CHECK(access(at("t.tmp"), F_OK) != 0);
}

static void test_bin(void)
{
	size_t n = 200000, len = 0;
	unsigned char *data = malloc(n), *got;

	for (size_t i = 0; i < n; i++)
		data[i] = (unsigned char)(i * 7);
	CHECK(file_write_atomic(at("b"), data, n) == 0);
	got = file_read_bin(at("b"), &len);
	CHECK(got && len == n && !memcmp(got, data, n));
	free(got);
	free(data);
	errno = 0;
	CHECK(file_read_bin(at("missing"), &len) == NULL && errno == ENOENT);
}

static void test_mkdirs(void)
{
	struct stat st;

	CHECK(file_mkdirs(at("x/y/z")) == 0);
	CHECK(stat(at("x/y/z"), &st) == 0 && S_ISDIR(st.st_mode));
	CHECK(file_mkdirs(at("x/y/z")) == 0);	/* there already: fine */
	CHECK(file_write_atomic(at("x/f"), "1", 1) == 0);
	CHECK(file_mkdirs(at("x/f/g")) == -ENOTDIR);
	CHECK(file_write_atomic(at("nodir/f"), "1", 1) == -ENOENT);
}

int main(void)
{
	if (!mkdtemp(dir))
		return 99;
	test_text();
	test_bin();
	test_mkdirs();
	for (const char *n = "x/f\0x/y/z\0x/y\0x\0t\0b\0"; *n; n += strlen(n) + 1)
		remove(at(n));
	rmdir(dir);
	return CHECK_DONE();
}
