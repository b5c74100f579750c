// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The BTF offset walk, on a small BTF built here with libbpf: member
 * offsets, pointers followed, anonymous structs and unions, bitfields,
 * typedef chains, char arrays and pointers as strings, user pointers,
 * register assignment, errors; and the function lists read from tracefs
 * and kallsyms files.
 */
#include <bpf/btf.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "btf.h"
#include "check.h"
#include "target.h"

/* the type ids the tests need */
static struct {
	int s32, u32, s8, u8, s64, u64, u16;
	int my_t;	/* typedef u32_t my_t; typedef unsigned int u32_t */
	int inner, outer, outer_p, inner_p, big, pair;
	int cchar_p, uchar_p, enum_e;
	int proto, ret_proto;
} ids;

/*
 *	struct inner {			// 40 bytes
 *		int a;			// 0
 *		union {			// 4
 *			u32_t x;
 *			struct { u16 lo; u16 hi; };
 *		};
 *		unsigned int f1:3, f2:5;	// bits 64..71
 *		int sg:4;			// bits 72..75: signed
 *		unsigned int g:6;		// bits 78..83: crosses a byte
 *		char name[16];		// 12
 *		const char *label;	// 32
 *	};
 *	struct outer {			// 128 bytes
 *		long pad;		// 0
 *		struct inner in;	// 8
 *		struct inner *pin;	// 48
 *		struct outer *next;	// 56
 *		enum e kind;		// 64
 *		int arr[4];		// 68
 *		my_t t;			// 84
 *		volatile const long cv;	// 88
 *	};
 *	long f(struct outer *o, int n, struct big b, const char *s,
 *	       char __user *u, struct pair p, long last);
 */
static struct btf *build(void)
{
	struct btf *b = btf__new_empty();
	int anon_s, anon_u, arr16, arr4, u32_t, cv;

	ids.s32 = btf__add_int(b, "int", 4, BTF_INT_SIGNED);
	ids.u32 = btf__add_int(b, "unsigned int", 4, 0);
	ids.s8 = btf__add_int(b, "char", 1, BTF_INT_SIGNED | BTF_INT_CHAR);
	ids.u8 = btf__add_int(b, "unsigned char", 1, 0);
	ids.s64 = btf__add_int(b, "long", 8, BTF_INT_SIGNED);
	ids.u64 = btf__add_int(b, "unsigned long", 8, 0);
	ids.u16 = btf__add_int(b, "unsigned short", 2, 0);
	u32_t = btf__add_typedef(b, "u32_t", ids.u32);
	ids.my_t = btf__add_typedef(b, "my_t", u32_t);
	ids.enum_e = btf__add_enum(b, "e", 4);
	btf__add_enum_value(b, "E_A", 0);
	btf__add_enum_value(b, "E_B", -1);

	anon_s = btf__add_struct(b, NULL, 4);
	btf__add_field(b, "lo", ids.u16, 0, 0);
	btf__add_field(b, "hi", ids.u16, 16, 0);
	anon_u = btf__add_union(b, NULL, 4);
	btf__add_field(b, "x", u32_t, 0, 0);
	btf__add_field(b, NULL, anon_s, 0, 0);

	arr16 = btf__add_array(b, ids.u32, ids.s8, 16);
	ids.cchar_p = btf__add_ptr(b, btf__add_const(b, ids.s8));
	ids.inner = btf__add_struct(b, "inner", 40);
	btf__add_field(b, "a", ids.s32, 0, 0);
	btf__add_field(b, NULL, anon_u, 32, 0);
	btf__add_field(b, "f1", ids.u32, 64, 3);
	btf__add_field(b, "f2", ids.u32, 67, 5);
	btf__add_field(b, "sg", ids.s32, 72, 4);
	btf__add_field(b, "g", ids.u32, 78, 6);
	btf__add_field(b, "name", arr16, 96, 0);
	btf__add_field(b, "label", ids.cchar_p, 256, 0);

	ids.inner_p = btf__add_ptr(b, ids.inner);
	arr4 = btf__add_array(b, ids.u32, ids.s32, 4);
	cv = btf__add_volatile(b, btf__add_const(b, ids.s64));
	/* a forward pointer: outer refers to itself */
	ids.outer = btf__add_struct(b, "outer", 128);
	ids.outer_p = ids.outer + 1;
	btf__add_field(b, "pad", ids.s64, 0, 0);
	btf__add_field(b, "in", ids.inner, 64, 0);
	btf__add_field(b, "pin", ids.inner_p, 384, 0);
	btf__add_field(b, "next", ids.outer_p, 448, 0);
	btf__add_field(b, "kind", ids.enum_e, 512, 0);
	btf__add_field(b, "arr", arr4, 544, 0);
	btf__add_field(b, "t", ids.my_t, 672, 0);
	btf__add_field(b, "cv", cv, 704, 0);
	if (btf__add_ptr(b, ids.outer) != ids.outer_p)
		return NULL;

	ids.big = btf__add_struct(b, "big", 24);
	btf__add_field(b, "q", ids.s64, 0, 0);
	ids.pair = btf__add_struct(b, "pair", 16);
	btf__add_field(b, "k", ids.s64, 0, 0);
	btf__add_field(b, "v", ids.s64, 64, 0);
	ids.uchar_p = btf__add_ptr(b, btf__add_type_tag(b, "user", ids.s8));

	ids.proto = btf__add_func_proto(b, ids.s64);
	btf__add_func_param(b, "o", ids.outer_p);
	btf__add_func_param(b, "n", ids.s32);
	btf__add_func_param(b, "b", ids.big);
	btf__add_func_param(b, "s", ids.cchar_p);
	btf__add_func_param(b, "u", ids.uchar_p);
	btf__add_func_param(b, "p", ids.pair);
	btf__add_func_param(b, "last", ids.s64);
	btf__add_func(b, "f", BTF_FUNC_GLOBAL, ids.proto);
	return b;
}

/* walks "$o->a->b" (names separated by spaces, "[N]" for an index) */
static int walk_in(const struct btf *b, int type, const char *base, bool mem,
		   const char *path, enum kbtf_want want, int64_t addend,
		   char *out, size_t size, struct kbtf_err *e)
{
	struct kbtf_step steps[16];
	struct kbtf_fetch f;
	char buf[256], *save = NULL;
	size_t n = 0;
	int err;

	snprintf(buf, sizeof(buf), "%s", path);
	for (char *t = strtok_r(buf, " ", &save); t && n < 16; t = strtok_r(NULL, " ", &save)) {
		if (t[0] == '[')
			steps[n++] = (struct kbtf_step){ .index = strtoll(t + 1, NULL, 10) };
		else
			steps[n++] = (struct kbtf_step){ .name = t };
	}
	err = kbtf_walk(b, (uint32_t)type, base, mem, steps, n, want, addend, &f, e);
	if (!err) {
		snprintf(out, size, "%s:%s", f.arg, f.type);
		free(f.arg);
	}
	return err;
}

static const char *walk(const struct btf *b, const char *path)
{
	static char out[256];
	struct kbtf_err e;

	if (walk_in(b, ids.outer_p, "%di", false, path, KBTF_VALUE, 0, out, sizeof(out), &e))
		snprintf(out, sizeof(out), "error %d at %zu", e.code, e.step);
	return out;
}

static void test_offsets(const struct btf *b)
{
	CHECK_STR(walk(b, ""), "%di:x64");
	CHECK_STR(walk(b, "pad"), "+0(%di):s64");
	CHECK_STR(walk(b, "in a"), "+8(%di):s32");
	/* anonymous union, and an anonymous struct inside it */
	CHECK_STR(walk(b, "in x"), "+12(%di):u32");
	CHECK_STR(walk(b, "in lo"), "+12(%di):u16");
	CHECK_STR(walk(b, "in hi"), "+14(%di):u16");
	/* every pointer followed opens a dereference */
	CHECK_STR(walk(b, "pin a"), "+0(+48(%di)):s32");
	CHECK_STR(walk(b, "next next in hi"), "+14(+56(+56(%di))):u16");
	CHECK_STR(walk(b, "next"), "+56(%di):x64");
	/* typedef chains, modifiers, enums, arrays */
	CHECK_STR(walk(b, "t"), "+84(%di):u32");
	CHECK_STR(walk(b, "cv"), "+88(%di):s64");
	CHECK_STR(walk(b, "kind"), "+64(%di):s32");
	CHECK_STR(walk(b, "arr [2]"), "+76(%di):s32");
	CHECK_STR(walk(b, "pin [1] a"), "+40(+48(%di)):s32");
	CHECK_STR(walk(b, "[1] pad"), "+128(%di):s64");
}

static void test_bitfields(const struct btf *b)
{
	/* bits 64.. of inner, which starts at byte 8 of outer */
	CHECK_STR(walk(b, "in f1"), "+16(%di):b3@0/8");
	CHECK_STR(walk(b, "in f2"), "+16(%di):b5@3/8");
	/* bits 142..147 cross a byte and a 16-bit word: a 32-bit container */
	CHECK_STR(walk(b, "in g"), "+16(%di):b6@14/32");
	CHECK_STR(walk(b, "pin g"), "+8(+48(%di)):b6@14/32");
	/* the kernel gives bits unsigned: a signed one says so, for the
	 * value to be sign-extended when it is handled */
	{
		struct kbtf_step steps[] = { { .name = "in" }, { .name = "sg" } },
				 f1[] = { { .name = "in" }, { .name = "f1" } };
		struct kbtf_fetch f;
		struct kbtf_err e;

		CHECK(kbtf_walk(b, ids.outer_p, "%di", false, steps, 2, KBTF_VALUE, 0, &f, &e) == 0);
		CHECK_STR(f.type, "b4@0/8");
		CHECK(f.is_signed && f.bits == 4 && f.width == 1);
		free(f.arg);
		CHECK(kbtf_walk(b, ids.outer_p, "%di", false, f1, 2, KBTF_VALUE, 0, &f, &e) == 0);
		CHECK(!f.is_signed && f.bits == 3);
		free(f.arg);
	}
}

static void test_strings(const struct btf *b)
{
	char out[256];
	struct kbtf_err e;

	/* char[] is a string where it is; char * one where it points */
	CHECK_STR(walk(b, "in name"), "+20(%di):string");
	CHECK_STR(walk(b, "in label"), "+0(+40(%di)):string");
	CHECK_STR(walk(b, "pin name"), "+12(+48(%di)):string");
	/* kernel_string(), user_string() with an addend; raw pointers */
	CHECK(!walk_in(b, ids.outer_p, "%di", false, "pad", KBTF_STRING, 0, out,
		       sizeof(out), &e));
	CHECK_STR(out, "+0(+0(%di)):string");
	CHECK(!walk_in(b, ids.cchar_p, "%cx", false, "", KBTF_USTRING, 4, out,
		       sizeof(out), &e));
	CHECK_STR(out, "+4(%cx):ustring");
	CHECK(!walk_in(b, ids.outer_p, "%di", false, "in name", KBTF_STRING, 2, out,
		       sizeof(out), &e));
	CHECK_STR(out, "+22(%di):string");
	CHECK(!walk_in(b, ids.cchar_p, "%cx", false, "", KBTF_RAW, 0, out,
		       sizeof(out), &e));
	CHECK_STR(out, "%cx:x64");
	/* a pointer tagged __user is a user string */
	CHECK(!walk_in(b, ids.uchar_p, "%r8", false, "", KBTF_VALUE, 0, out,
		       sizeof(out), &e));
	CHECK_STR(out, "+0(%r8):ustring");
	/* @cast: an object at an address */
	CHECK(!walk_in(b, ids.inner, "+8(%si)", true, "label", KBTF_VALUE, 0, out,
		       sizeof(out), &e));
	CHECK_STR(out, "+0(+32(+8(%si))):string");
	CHECK(!walk_in(b, ids.s64, "$retval", false, "", KBTF_VALUE, 0, out,
		       sizeof(out), &e));
	CHECK_STR(out, "$retval:s64");
}

static void test_errors(const struct btf *b)
{
	char out[256];
	struct kbtf_err e;

	CHECK(walk_in(b, ids.outer_p, "%di", false, "in nope", KBTF_VALUE, 0, out,
		      sizeof(out), &e) == -EINVAL);
	CHECK(e.code == KBTF_NO_MEMBER && e.step == 1 && e.type == (uint32_t)ids.inner);
	CHECK_STR(walk(b, "in"), "error 5 at 1");	/* KBTF_IS_COMPOSITE */
	CHECK_STR(walk(b, "pad x"), "error 2 at 1");	/* KBTF_NOT_COMPOSITE */
	CHECK_STR(walk(b, "arr"), "error 6 at 1");	/* KBTF_IS_ARRAY */
	CHECK_STR(walk(b, "arr [4]"), "error 4 at 1");	/* KBTF_BAD_INDEX */
	CHECK_STR(walk(b, "pad [0]"), "error 3 at 1");	/* KBTF_NOT_INDEXABLE */
	CHECK_STR(walk(b, "in f1 x"), "error 2 at 2");
	CHECK(walk_in(b, ids.outer_p, "%di", false, "kind", KBTF_STRING, 0, out,
		      sizeof(out), &e) == -EINVAL && e.code == KBTF_NOT_ADDRESS);
	CHECK(walk_in(b, ids.pair, "%r9", false, "k", KBTF_VALUE, 0, out,
		      sizeof(out), &e) == -EINVAL && e.code == KBTF_BY_VALUE);
}

static void test_params(const struct btf *b)
{
	uint32_t proto = kbtf_func_proto(b, "f");
	const char *reg = NULL;

	CHECK(proto == (uint32_t)ids.proto);
	CHECK(kbtf_func_proto(b, "g") == 0);
	CHECK(kbtf_param_reg(b, proto, 0, &reg) == 0 && !strcmp(reg, "%di"));
	CHECK(kbtf_param_reg(b, proto, 1, &reg) == 0 && !strcmp(reg, "%si"));
	/* a 24-byte struct goes on the stack and takes no register */
	CHECK(kbtf_param_reg(b, proto, 2, &reg) == -E2BIG);
	CHECK(kbtf_param_reg(b, proto, 3, &reg) == 0 && !strcmp(reg, "%dx"));
	CHECK(kbtf_param_reg(b, proto, 4, &reg) == 0 && !strcmp(reg, "%cx"));
	/* a 16-byte struct takes two registers: %r8 and %r9 */
	CHECK(kbtf_param_reg(b, proto, 5, &reg) == 0 && !strcmp(reg, "%r8"));
	CHECK(kbtf_param_reg(b, proto, 6, &reg) == -E2BIG);
	CHECK(kbtf_param_reg(b, proto, 7, &reg) == -EINVAL);
}

static void add_name(void *arg, const char *name)
{
	char *buf = arg;

	strcat(buf, name);
	strcat(buf, " ");
}

static void test_names(const struct btf *b)
{
	char buf[256] = "";

	CHECK_STR(kbtf_type_str(b, (uint32_t)ids.outer_p, buf, sizeof(buf)), "struct outer *");
	CHECK_STR(kbtf_type_str(b, (uint32_t)ids.cchar_p, buf, sizeof(buf)), "const char *");
	CHECK_STR(kbtf_type_str(b, (uint32_t)ids.my_t, buf, sizeof(buf)), "my_t");
	CHECK_STR(kbtf_type_str(b, (uint32_t)ids.uchar_p, buf, sizeof(buf)), "char *");
	CHECK(kbtf_find_type(b, "struct outer") == (uint32_t)ids.outer);
	CHECK(kbtf_find_type(b, "inner") == (uint32_t)ids.inner);
	CHECK(kbtf_find_type(b, "union outer") == 0);
	CHECK(kbtf_find_type(b, "my_t") == (uint32_t)ids.my_t);
	buf[0] = '\0';
	kbtf_member_names(b, (uint32_t)ids.inner, add_name, buf);
	CHECK_STR(buf, "a x lo hi f1 f2 sg g name label ");
}

static char *write_file(const char *dir, const char *name, const void *data, size_t n)
{
	static char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	if (!f || fwrite(data, 1, n, f) != n || fclose(f))
		return NULL;
	return path;
}

/* the files kbtf reads: vmlinux, and a module's split BTF on top */
static void test_files(struct btf *b, const char *dir)
{
	struct btf *mod = btf__new_empty_split(b);
	const struct btf *got = NULL;
	struct kbtf *k = NULL;
	const void *data;
	uint32_t size;
	int proto;

	proto = btf__add_func_proto(mod, ids.s32);
	btf__add_func_param(mod, "o", ids.outer_p);
	btf__add_func(mod, "mod_fn", BTF_FUNC_STATIC, proto);
	data = btf__raw_data(b, &size);
	CHECK(write_file(dir, "vmlinux", data, size));
	data = btf__raw_data(mod, &size);
	CHECK(write_file(dir, "mymod", data, size));
	CHECK(kbtf_open(dir, &k) == 0);
	CHECK(kbtf_get(k, NULL, &got) == 0 && got && kbtf_func_proto(got, "f"));
	CHECK(kbtf_get(k, "mymod", &got) == 0 && got);
	/* a module's own functions only; its types reach into vmlinux */
	CHECK(got && kbtf_func_proto(got, "mod_fn") == (uint32_t)proto);
	CHECK(got && kbtf_func_proto(got, "f") == 0);
	CHECK(kbtf_get(k, "nomod", &got) == -ENOENT);
	kbtf_free(k);
	btf__free(mod);
}

/*
 * A crash bundle as a compile target: its features file says what the
 * kernel had, and vmlinux BTF comes from memory (the dump's) while a
 * module's stays a file, split on top of it.
 */
static void test_saved_target(struct btf *b, const char *dir)
{
	struct btf *mod = btf__new_empty_split(b);
	struct target *t = NULL, *again = NULL;
	const struct btf *got = NULL;
	char sub[4096], path[4200], *text;
	const void *data;
	uint32_t size;
	int proto;

	proto = btf__add_func_proto(mod, ids.s32);
	btf__add_func(mod, "mod_fn", BTF_FUNC_STATIC, proto);
	snprintf(sub, sizeof(sub), "%s/saved", dir);
	CHECK(mkdir(sub, 0700) == 0);
	snprintf(path, sizeof(path), "%s/btf", sub);
	CHECK(mkdir(path, 0700) == 0);
	CHECK(write_file(sub, "release", "6.1.0-test\n", 11));
	CHECK(write_file(sub, "features", "+kprobe -uprobe\n", 16));
	data = btf__raw_data(mod, &size);
	CHECK(write_file(sub, "btf/mymod", data, size));
	CHECK(target_open(sub, &t) == 0);
	if (!t)
		return;
	CHECK(target_has(t, TF_KPROBE) && !target_has(t, TF_UPROBE));
	text = target_features_text(t);
	CHECK(text && strstr(text, "+kprobe\n") && strstr(text, "-uprobe\n") &&
	      strstr(text, "-hist\n"));
	/* every feature named: the text alone gives the same target */
	CHECK(text && write_file(sub, "features", text, strlen(text)));
	CHECK(target_open(sub, &again) == 0);
	CHECK(again && again->features == t->features);
	target_free(again);
	free(text);
	/* no btf/vmlinux in the directory: from memory */
	CHECK(target_btf(t, NULL, &got) != 0);
	data = btf__raw_data(b, &size);
	CHECK(target_set_vmlinux_btf(t, data, size) == 0);
	CHECK(target_btf(t, NULL, &got) == 0 && got && kbtf_func_proto(got, "f"));
	CHECK(target_btf(t, "mymod", &got) == 0 && got &&
	      kbtf_func_proto(got, "mod_fn") == (uint32_t)proto);
	target_free(t);
	btf__free(mod);
	for (const char *n = "btf/mymod\0btf\0features\0release\0"; *n; n += strlen(n) + 1) {
		snprintf(path, sizeof(path), "%s/%s", sub, n);
		remove(path);
	}
	rmdir(sub);
}

static int count_cb(const struct kfunc *f, void *arg)
{
	(void)f;
	(*(int *)arg)++;
	return 0;
}

static void test_kfuncs(const char *dir)
{
	static const char filter[] =
		"vfs_read\nvfs_write\nvfs_readv\ndup_fn\ndup_fn\n"
		"v9fs_file_read_iter [9p]\nv9fs_vfs_lookup [9p]\next4_read [ext4]\n";
	static const char kallsyms[] =
		"ffffffff81000000 T vfs_read\nffffffff81000010 t local_fn\n"
		"ffffffff81000020 D some_data\nffffffffc0000000 t modfn\t[mod]\n";
	static const char blacklist[] = "0xffffffff81000000-0xffffffff81000010\tvfs_write\n";
	char f1[4096], f2[4096], f3[4096];
	struct kfuncs *k = NULL;
	const struct kfunc *f;
	int n = 0;

	snprintf(f1, sizeof(f1), "%s", write_file(dir, "aff", filter, sizeof(filter) - 1));
	snprintf(f2, sizeof(f2), "%s", write_file(dir, "kallsyms", kallsyms, sizeof(kallsyms) - 1));
	snprintf(f3, sizeof(f3), "%s", write_file(dir, "bl", blacklist, sizeof(blacklist) - 1));
	CHECK(kfuncs_load(f1, f2, f3, &k) == 0);
	if (!k)
		return;
	CHECK(kfuncs_find(k, NULL, "vfs_read"));
	CHECK(!kfuncs_find(k, NULL, "v9fs_file_read_iter"));
	CHECK(kfuncs_find(k, "9p", "v9fs_file_read_iter"));
	f = kfuncs_find(k, NULL, "dup_fn");
	CHECK(f && f->count == 2);
	CHECK(kfuncs_blacklisted(k, "vfs_write") && !kfuncs_blacklisted(k, "vfs_read"));
	CHECK(kfuncs_has_module(k, "ext4") && !kfuncs_has_module(k, "xfs"));
	kfuncs_walk(k, NULL, "vfs_*", count_cb, &n);
	CHECK(n == 3);
	n = 0;
	kfuncs_walk(k, "9p", "*", count_cb, &n);
	CHECK(n == 2);
	kfuncs_free(k);
	/* no filter list: kallsyms text symbols */
	CHECK(kfuncs_load("/nonexistent", f2, NULL, &k) == 0);
	if (k) {
		CHECK(kfuncs_find(k, NULL, "local_fn") && kfuncs_find(k, "mod", "modfn"));
		CHECK(!kfuncs_find(k, NULL, "some_data"));
		kfuncs_free(k);
	}
	CHECK(kfuncs_load("/nonexistent", "/nonexistent", NULL, &k) == -ENOENT);
}

int main(void)
{
	char dir[] = "/tmp/tap-test-btf.XXXXXX";
	struct btf *b = build();

	if (!b || !mkdtemp(dir)) {
		fprintf(stderr, "cannot build the test BTF\n");
		return 1;
	}
	test_offsets(b);
	test_bitfields(b);
	test_strings(b);
	test_errors(b);
	test_params(b);
	test_names(b);
	test_files(b, dir);
	test_kfuncs(dir);
	test_saved_target(b, dir);
	btf__free(b);
	for (const char *n = "vmlinux\0mymod\0aff\0kallsyms\0bl\0"; *n; n += strlen(n) + 1) {
		char p[4096];

		snprintf(p, sizeof(p), "%s/%s", dir, n);
		unlink(p);
	}
	rmdir(dir);
	return CHECK_DONE();
}
