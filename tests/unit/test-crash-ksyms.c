// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Symbols for tap-crash: a saved /proc/kallsyms moved by the KASLR offset,
 * the kernel's compressed kallsyms tables decoded out of a (synthesised)
 * dump with both address encodings, and build ids from ELF notes.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>

#include "check.h"
#include "ksyms.h"
#include "mem.h"
#include "meta.h"

static void test_text(void)
{
	struct crash_ksyms *k = NULL;
	uint64_t a = 0;

	CHECK(crash_ksyms_from_text("ffffffff81000000 T _text\n"
				    "ffffffff82a0b1c0 D ftrace_trace_arrays\n"
				    "ffffffffc0001000 t helper\t[dummy]\n"
				    "garbage line\n", &k) == 0);
	CHECK(crash_ksyms_count(k) == 3);
	CHECK(crash_ksyms_lookup(k, "helper", &a) == 0 && a == 0xffffffffc0001000ull);
	crash_ksyms_shift(k, 0x1600000);
	CHECK(crash_ksyms_lookup(k, "ftrace_trace_arrays", &a) == 0 &&
	      a == 0xffffffff82a0b1c0ull + 0x1600000);
	CHECK(crash_ksyms_lookup(k, "nope", &a) == -ENOENT);
	crash_ksyms_free(k);
}

#define T_NAMES 0xffffffff83000000ull
#define T_NUM 0xffffffff83001000ull
#define T_TOKTAB 0xffffffff83002000ull
#define T_TOKIDX 0xffffffff83003000ull	/* right after the token table */
#define T_OFFS 0xffffffff83004000ull
#define T_BASE 0xffffffff83005000ull

/*
 * Tables like scripts/kallsyms.c makes: each token is one character here,
 * token 0x41 'A' is "A" and so on; token 1 is the two-character "_s".
 */
static struct crash_mem *fake_kallsyms(bool percpu)
{
	static const char *const names[] = { "T_stext", "Dglobal_trace", "dnr_cpu_ids" };
	struct crash_mem *m = crash_mem_fake();
	char toktab[0x1000] = { 0 };
	uint16_t idx[256];
	unsigned char blob[256];
	size_t tl = 0, bl = 0;
	uint64_t base = 0xffffffff81000000ull;
	int32_t offs[3];
	uint32_t num = 3;
	char info[64];

	for (int c = 0; c < 256; c++) {
		idx[c] = (uint16_t)tl;
		if (c == 1) {
			memcpy(toktab + tl, "_s", 3);
			tl += 3;
		} else {
			toktab[tl++] = c >= 32 && c < 127 ? (char)c : '?';
			toktab[tl++] = '\0';
		}
	}
	for (int i = 0; i < 3; i++) {
		const char *s = names[i];
		size_t len = 0;
		unsigned char enc[64];

		for (size_t j = 0; s[j]; j++) {
			if (s[j] == '_' && s[j + 1] == 's') {
				enc[len++] = 1;
				j++;
			} else {
				enc[len++] = (unsigned char)s[j];
			}
		}
		blob[bl++] = (unsigned char)len;
		memcpy(blob + bl, enc, len);
		bl += len;
	}
	/* _stext at base+0x1000, the others as data further up */
	if (percpu) {
		offs[0] = -1 - 0x1000;	/* relative: base - 1 - off */
		offs[1] = -1 - 0x200000;
		offs[2] = -1 - 0x200100;
	} else {
		offs[0] = 0x1000;
		offs[1] = 0x200000;
		offs[2] = 0x200100;
	}
	crash_mem_fake_add(m, T_NAMES, blob, bl);
	crash_mem_fake_add(m, T_NUM, &num, 4);
	crash_mem_fake_add(m, T_TOKTAB, toktab, 0x1000);
	crash_mem_fake_add(m, T_TOKIDX, idx, sizeof(idx));
	crash_mem_fake_add(m, T_OFFS, offs, sizeof(offs));
	crash_mem_fake_add(m, T_BASE, &base, 8);
#define INFO(k, v) do { snprintf(info, sizeof(info), "%llx", (unsigned long long)(v)); \
		crash_mem_fake_set_info(m, k, info); } while (0)
	INFO("SYMBOL(kallsyms_names)", T_NAMES);
	INFO("SYMBOL(kallsyms_num_syms)", T_NUM);
	INFO("SYMBOL(kallsyms_token_table)", T_TOKTAB);
	INFO("SYMBOL(kallsyms_token_index)", T_TOKIDX);
	INFO("SYMBOL(kallsyms_offsets)", T_OFFS);
	INFO("SYMBOL(kallsyms_relative_base)", T_BASE);
	INFO("SYMBOL(_stext)", base + 0x1000);
	return m;
}

static void test_dump(bool percpu)
{
	struct crash_mem *m = fake_kallsyms(percpu);
	struct crash_ksyms *k = NULL;
	uint64_t a = 0;

	CHECK(crash_ksyms_from_dump(m, &k) == 0);
	if (k) {
		CHECK(crash_ksyms_count(k) == 3);
		CHECK(crash_ksyms_lookup(k, "_stext", &a) == 0 && a == 0xffffffff81001000ull);
		CHECK(crash_ksyms_lookup(k, "global_trace", &a) == 0 && a == 0xffffffff81200000ull);
		CHECK(crash_ksyms_lookup(k, "nr_cpu_ids", &a) == 0 && a == 0xffffffff81200100ull);
	}
	crash_ksyms_free(k);
	crash_mem_free(m);
}

static void test_dump_without_tables(void)
{
	struct crash_mem *m = crash_mem_fake();
	struct crash_ksyms *k = NULL;

	CHECK(crash_ksyms_from_dump(m, &k) == -ENOENT);
	crash_mem_free(m);
}

static void test_build_id(void)
{
	/* a note that is not the build id, then NT_GNU_BUILD_ID */
	unsigned char notes[] = {
		4, 0, 0, 0, 4, 0, 0, 0, 1, 0, 0, 0, 'X', 'e', 'n', 0, 1, 2, 3, 4,
		4, 0, 0, 0, 4, 0, 0, 0, 3, 0, 0, 0, 'G', 'N', 'U', 0, 0xde, 0xad, 0xbe, 0xef,
	};
	char *id = crash_build_id_from_notes(notes, sizeof(notes));

	CHECK(id && !strcmp(id, "deadbeef"));
	free(id);
	CHECK(crash_build_id_from_notes(notes, 10) == NULL);
}

int main(void)
{
	test_text();
	test_dump(true);
	test_dump(false);
	test_dump_without_tables();
	test_build_id();
	return CHECK_DONE();
}
