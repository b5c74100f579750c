// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Plan files (compiler/planfile.h), tapd's plan cache: written, read back,
 * replayed into the same plan and handler table; checked against the
 * kernel's identity; refused when damaged.
 */
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#include "check.h"
#include "planfile.h"

static const char script[] =
	"global n\n"
	"probe begin { println(\"go\") }\n"
	"probe syscall.openat if (pid() != 1) { n++; printf(\"%s %d\\n\", execname(), $dfd) }\n"
	"probe syscall.read { if ($fd < 3) next; printf(\"%d\\n\", $count) }\n"
	"probe timer.s(5) { printf(\"%d\\n\", n) }\n";

static char *plan_text(const struct program *p)
{
	char *text = NULL;
	size_t len;
	FILE *f = open_memstream(&text, &len);

	program_print_plan(p, f);
	fclose(f);
	return text;
}

static int compile(struct target *t, struct src_file *src, const struct compile_opts *o,
		   struct program **p)
{
	struct diag d;
	int err;

	diag_init(&d, src);
	err = compile_program(src, t, o, &d, p);
	if (err)
		diag_print(&d, stderr, "test", false);
	diag_release(&d);
	return err;
}

static void round_trip(struct target *t, const char *path)
{
	struct compile_define def = { "MAXACTION", "500" };
	struct compile_opts co = { .session = "web", .buffer_kb = 2048, .overwrite = true,
				   .defines = &def, .ndefines = 1 };
	struct src_file *src = NULL, *src2 = NULL;
	struct program *p = NULL, *q = NULL;
	struct compile_opts ro;
	struct planfile pf;
	char err[512], *want, *got;
	FILE *f;

	CHECK(src_file_from_string("web.tap", script, sizeof(script) - 1, &src) == 0);
	CHECK(compile(t, src, &co, &p) == 0);
	f = fopen(path, "w");
	CHECK(f && planfile_write(f, p, &co, "-F -m web -s 2", "abc123") == 0);
	fclose(f);
	CHECK(planfile_load(path, &pf, err, sizeof(err)) == 0);
	CHECK_STR(pf.session, "web");
	CHECK_STR(pf.options, "-F -m web -s 2");
	CHECK_STR(pf.build_id, "abc123");
	CHECK(pf.buffer_kb == 2048 && pf.overwrite && pf.ndefines == 1);
	CHECK_STR(pf.defines[0].name, "MAXACTION");
	CHECK_STR(pf.defines[0].value, "500");
	CHECK(pf.source_len == sizeof(script) - 1 && !memcmp(pf.source, script, pf.source_len));
	/* replayed: the same plan and handler table, byte for byte */
	planfile_compile_opts(&pf, &ro);
	CHECK(src_file_from_string(pf.script_name, pf.source, pf.source_len, &src2) == 0);
	CHECK(compile(t, src2, &ro, &q) == 0);
	want = plan_text(p);
	got = q ? plan_text(q) : strdup("");
	CHECK_STR(got, want);
	CHECK(q && q->limits.maxaction == 500);
	/* the identity: release, then build id (unknown: not checked) */
	CHECK(planfile_check_identity(&pf, t->release, "abc123", err, sizeof(err)) == 0);
	CHECK(planfile_check_identity(&pf, t->release, NULL, err, sizeof(err)) == 0);
	CHECK(planfile_check_identity(&pf, t->release, "fff", err, sizeof(err)) == -ESTALE);
	CHECK(strstr(err, "another build") != NULL);
	CHECK(planfile_check_identity(&pf, "9.9.9", NULL, err, sizeof(err)) == -ESTALE);
	free(want);
	free(got);
	program_free(q);
	program_free(p);
	planfile_release(&pf);
	src_file_free(src2);
	src_file_free(src);
}

/* not a plan file, or one cut short: refused, saying so */
static void damaged(const char *path)
{
	struct planfile pf;
	char err[512], *text = NULL;
	size_t len = 0, cap = 0;
	FILE *f = fopen(path, "r");

	CHECK(f != NULL);
	len = (size_t)getdelim(&text, &cap, '\0', f);
	fclose(f);
	f = fopen(path, "w");
	fwrite(text, 1, len - 10, f);	/* the source cut short */
	fclose(f);
	CHECK(planfile_load(path, &pf, err, sizeof(err)) == -EINVAL);
	CHECK(strstr(err, "damaged") != NULL);
	f = fopen(path, "w");
	fputs("probe begin { }\n", f);
	fclose(f);
	CHECK(planfile_load(path, &pf, err, sizeof(err)) == -EINVAL);
	CHECK(strstr(err, "is not a tap plan file") != NULL);
	CHECK(planfile_load("/nonexistent/x.plan", &pf, err, sizeof(err)) == -ENOENT);
	free(text);
}

int main(void)
{
	const char *srcdir = getenv("TAP_SRCDIR");
	char dir[4096], path[] = "/tmp/tap-unit-planfile.XXXXXX";
	struct target *t = NULL;
	int fd = mkstemp(path);

	snprintf(dir, sizeof(dir), "%s/tests/target", srcdir ? srcdir : ".");
	if (fd < 0 || target_open(dir, &t)) {
		fprintf(stderr, "cannot open the saved target %s\n", dir);
		return 1;
	}
	close(fd);
	round_trip(t, path);
	damaged(path);
	unlink(path);
	target_free(t);
	return CHECK_DONE();
}
