// SPDX-License-Identifier: GPL-2.0-or-later
#include "ksyms.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#define KSYMS_MAX (4u << 20)	/* bound for corrupt counts */

struct ksym {
	char *name;
	uint64_t addr;
};

struct crash_ksyms {
	struct ksym *v;
	size_t n, cap;
};

static int ksyms_add(struct crash_ksyms *k, const char *name, size_t len,
		     uint64_t addr)
{
	if (k->n == k->cap) {
		size_t cap = k->cap ? k->cap * 2 : 4096;
		struct ksym *v = realloc(k->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		k->v = v;
		k->cap = cap;
	}
	k->v[k->n].name = strndup(name, len);
	if (!k->v[k->n].name)
		return -ENOMEM;
	k->v[k->n].addr = addr;
	k->n++;
	return 0;
}

int crash_ksyms_from_text(const char *text, struct crash_ksyms **out)
{
	struct crash_ksyms *k = calloc(1, sizeof(*k));
	const char *p = text;

	if (!k)
		return -ENOMEM;
	/* "ffffffff81000000 T _text" and module lines "... [mod]" */
	while (*p) {
		const char *eol = strchr(p, '\n'), *name;
		char *end;
		uint64_t addr = strtoull(p, &end, 16);
		size_t len;

		if (!eol)
			eol = p + strlen(p);
		if (end > p && end + 3 < eol && end[0] == ' ' && end[2] == ' ') {
			name = end + 3;
			len = (size_t)(eol - name);
			if (memchr(name, '\t', len))
				len = (size_t)((const char *)memchr(name, '\t', len) - name);
			if (ksyms_add(k, name, len, addr)) {
				crash_ksyms_free(k);
				return -ENOMEM;
			}
		}
		p = *eol ? eol + 1 : eol;
	}
	*out = k;
	return 0;
}

int crash_vmcoreinfo_u64(struct crash_mem *m, const char *key, int base,
			 uint64_t *v)
{
	char *s = m->vmcoreinfo ? m->vmcoreinfo(m, key) : NULL;
	char *end;

	if (!s)
		return -ENOENT;
	*v = strtoull(s, &end, base);
	free(s);
	return 0;
}

/* --- the kernel's compressed kallsyms -------------------------------------- */

struct ktables {
	uint64_t names, token_table, token_index, offsets, relative_base;
	uint32_t num;
	uint16_t index[256];
	char *tokens;	/* the whole token table, NUL-separated */
	size_t tokens_len;
};

/* expands one symbol: a length, then token numbers; the first character
 * of the result is the type letter */
static int expand_name(struct crash_mem *m, struct ktables *t, uint64_t *pos,
		       char *out, size_t outlen)
{
	unsigned char b[2], tok[512];
	size_t len, n = 0;

	if (crash_read(m, *pos, b, 2))
		return -EFAULT;
	len = b[0];
	*pos += 1;
	if (b[0] & 0x80) {	/* a big symbol: two length bytes (6.1+) */
		len = (size_t)(b[0] & 0x7f) | ((size_t)b[1] << 7);
		*pos += 1;
	}
	if (len > sizeof(tok) || crash_read(m, *pos, tok, len))
		return -EFAULT;
	*pos += len;
	for (size_t i = 0; i < len; i++) {
		uint16_t off = t->index[tok[i]];
		const char *s = off < t->tokens_len ? t->tokens + off : "";

		while (*s && n + 1 < outlen)
			out[n++] = *s++;
	}
	out[n] = '\0';
	return 0;
}

static int load_tables(struct crash_mem *m, struct ktables *t)
{
	uint64_t num_addr, idx_end;

	if (crash_vmcoreinfo_u64(m, "SYMBOL(kallsyms_names)", 16, &t->names) ||
	    crash_vmcoreinfo_u64(m, "SYMBOL(kallsyms_num_syms)", 16, &num_addr) ||
	    crash_vmcoreinfo_u64(m, "SYMBOL(kallsyms_token_table)", 16, &t->token_table) ||
	    crash_vmcoreinfo_u64(m, "SYMBOL(kallsyms_token_index)", 16, &t->token_index) ||
	    crash_vmcoreinfo_u64(m, "SYMBOL(kallsyms_offsets)", 16, &t->offsets) ||
	    crash_vmcoreinfo_u64(m, "SYMBOL(kallsyms_relative_base)", 16, &t->relative_base))
		return -ENOENT;
	if (crash_read_u32(m, num_addr, &t->num) || t->num > KSYMS_MAX ||
	    crash_read(m, t->token_index, t->index, sizeof(t->index)) ||
	    crash_read_u64(m, t->relative_base, &t->relative_base))
		return -EFAULT;
	/* the token table ends where the token index begins */
	idx_end = t->token_index;
	if (idx_end <= t->token_table || idx_end - t->token_table > (1u << 20))
		return -EFAULT;
	t->tokens_len = (size_t)(idx_end - t->token_table);
	t->tokens = malloc(t->tokens_len + 1);
	if (!t->tokens)
		return -ENOMEM;
	if (crash_read(m, t->token_table, t->tokens, t->tokens_len))
		return -EFAULT;
	t->tokens[t->tokens_len] = '\0';
	return 0;
}

/*
 * Offsets to addresses: with KALLSYMS_ABSOLUTE_PERCPU (x86-64 SMP up to
 * 6.14) a positive offset is absolute and a negative one relative to
 * relative_base - 1; without it all are unsigned offsets from the base.
 * Which one the kernel used is checked against SYMBOL(_stext).
 */
static uint64_t sym_addr(const struct ktables *t, int32_t off, bool percpu)
{
	if (!percpu)
		return t->relative_base + (uint32_t)off;
	return off >= 0 ? (uint64_t)off : t->relative_base - 1 - off;
}

static int decode_all(struct crash_mem *m, struct ktables *t,
		      struct crash_ksyms *k, bool percpu)
{
	uint64_t pos = t->names;
	int32_t *offs = malloc((size_t)t->num * sizeof(*offs));
	int err = 0;

	if (!offs)
		return -ENOMEM;
	if (crash_read(m, t->offsets, offs, (size_t)t->num * sizeof(*offs))) {
		free(offs);
		return -EFAULT;
	}
	for (uint32_t i = 0; i < t->num && !err; i++) {
		char name[600];

		err = expand_name(m, t, &pos, name, sizeof(name));
		if (!err && name[0])
			err = ksyms_add(k, name + 1, strlen(name + 1),
					sym_addr(t, offs[i], percpu));
	}
	free(offs);
	return err;
}

int crash_ksyms_from_dump(struct crash_mem *m, struct crash_ksyms **out)
{
	struct ktables t = { 0 };
	uint64_t stext = 0, got = 0;
	int err = load_tables(m, &t);

	if (err) {
		free(t.tokens);
		return err;
	}
	crash_vmcoreinfo_u64(m, "SYMBOL(_stext)", 16, &stext);
	for (int percpu = 1; percpu >= 0; percpu--) {
		struct crash_ksyms *k = calloc(1, sizeof(*k));

		if (!k) {
			err = -ENOMEM;
			break;
		}
		err = decode_all(m, &t, k, percpu);
		if (!err && (!stext || (!crash_ksyms_lookup(k, "_stext", &got) && got == stext))) {
			*out = k;
			free(t.tokens);
			return 0;
		}
		crash_ksyms_free(k);
		if (err)
			break;
	}
	free(t.tokens);
	return err ? err : -EFAULT;
}

int crash_ksyms_lookup(const struct crash_ksyms *k, const char *name,
		       uint64_t *addr)
{
	for (size_t i = 0; i < k->n; i++) {
		if (!strcmp(k->v[i].name, name)) {
			*addr = k->v[i].addr;
			return 0;
		}
	}
	return -ENOENT;
}

void crash_ksyms_shift(struct crash_ksyms *k, int64_t delta)
{
	for (size_t i = 0; i < k->n; i++)
		k->v[i].addr += (uint64_t)delta;
}

size_t crash_ksyms_count(const struct crash_ksyms *k)
{
	return k->n;
}

void crash_ksyms_free(struct crash_ksyms *k)
{
	if (!k)
		return;
	for (size_t i = 0; i < k->n; i++)
		free(k->v[i].name);
	free(k->v);
	free(k);
}
