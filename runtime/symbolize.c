// SPDX-License-Identifier: GPL-2.0-or-later
#include "symbolize.h"

#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "elfsym.h"

/*
 * Samples merge in time order, so a process's last samples can be
 * delivered after its exit record was read: the maps of this many exited
 * processes stay until newer exits push them out.
 */
#define SYMBOLIZER_DEAD_PIDS 64

struct ksym {
	uint64_t addr;
	char *name;
	char *mod;	/* kallsyms: the module, or NULL for the kernel */
};

/* one mapped file of a process, with its function symbols by offset */
struct umap {
	int pid;
	uint64_t start, end, offset;	/* the mapping and its file offset */
	char *path;
	struct ksym *syms;	/* file offsets, sorted */
	size_t nsyms;
	bool loaded;	/* syms read from the file */
	struct umap *next;
};

struct symbolizer {
	struct ksym *k;
	size_t nk;
	bool k_loaded;
	struct umap *maps;
	int dead_pids[SYMBOLIZER_DEAD_PIDS];	/* oldest first */
	size_t ndead;
	char buf[64];
	char line[384];	/* symbolize_kernel_frame() */
};

struct symbolizer *symbolizer_alloc(void)
{
	return calloc(1, sizeof(struct symbolizer));
}

static void free_syms(struct ksym *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].name);
		free(v[i].mod);
	}
	free(v);
}

static void free_map(struct umap *m)
{
	free_syms(m->syms, m->nsyms);
	free(m->path);
	free(m);
}

void symbolizer_free(struct symbolizer *s)
{
	if (!s)
		return;
	free_syms(s->k, s->nk);
	while (s->maps) {
		struct umap *m = s->maps;

		s->maps = m->next;
		free_map(m);
	}
	free(s);
}

static int cmp_ksym(const void *a, const void *b)
{
	uint64_t x = ((const struct ksym *)a)->addr, y = ((const struct ksym *)b)->addr;

	return (x > y) - (x < y);
}

static int push(struct ksym **v, size_t *n, size_t *cap, uint64_t addr,
		const char *name)
{
	if (*n == *cap) {
		size_t c = *cap ? *cap * 2 : 1024;
		struct ksym *bigger = realloc(*v, c * sizeof(**v));

		if (!bigger)
			return -1;
		*v = bigger;
		*cap = c;
	}
	(*v)[*n].addr = addr;
	(*v)[*n].mod = NULL;
	(*v)[*n].name = strdup(name);
	if (!(*v)[*n].name)
		return -1;
	(*n)++;
	return 0;
}

static void load_kallsyms(struct symbolizer *s)
{
	FILE *f = fopen("/proc/kallsyms", "re");
	char line[512];
	size_t cap = 0;

	s->k_loaded = true;
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		unsigned long long a;
		char type, name[256], mod[64];
		int n = sscanf(line, "%llx %c %255s [%63[^]]]", &a, &type, name, mod);

		if (n < 3)
			continue;
		if (type != 't' && type != 'T' && type != 'w' && type != 'W')
			continue;
		if (push(&s->k, &s->nk, &cap, a, name))
			break;
		if (n == 4)
			s->k[s->nk - 1].mod = strdup(mod);
	}
	fclose(f);
	qsort(s->k, s->nk, sizeof(*s->k), cmp_ksym);
}

/* the symbol at or below @addr */
static const struct ksym *lookup(const struct ksym *v, size_t n, uint64_t addr)
{
	size_t lo = 0, hi = n;

	if (!n || addr < v[0].addr)
		return NULL;
	while (hi - lo > 1) {
		size_t mid = (lo + hi) / 2;

		if (v[mid].addr <= addr)
			lo = mid;
		else
			hi = mid;
	}
	return &v[lo];
}

static const char *hex(struct symbolizer *s, uint64_t addr)
{
	snprintf(s->buf, sizeof(s->buf), "0x%" PRIx64, addr);
	return s->buf;
}

const char *symbolize_kernel(struct symbolizer *s, uint64_t addr)
{
	const struct ksym *k;

	if (!s->k_loaded)
		load_kallsyms(s);
	k = lookup(s->k, s->nk, addr);
	/* kallsyms without addresses (kptr_restrict) gives zeros */
	return k && k->addr ? k->name : hex(s, addr);
}

const char *symbolize_kernel_frame(struct symbolizer *s, uint64_t addr)
{
	const struct ksym *k;
	uint64_t size = 0;

	if (!s->k_loaded)
		load_kallsyms(s);
	k = lookup(s->k, s->nk, addr);
	if (!k || !k->addr)
		return hex(s, addr);
	if (k + 1 < s->k + s->nk)
		size = k[1].addr - k->addr;
	snprintf(s->line, sizeof(s->line), "%s+0x%" PRIx64 "/0x%" PRIx64 " [%s]", k->name,
		 addr - k->addr, size, k->mod ? k->mod : "kernel");
	return s->line;
}

struct collect {
	struct elf_file *ef;
	struct ksym *v;
	size_t n, cap;
};

static void add_sym(void *arg, const char *name)
{
	struct collect *c = arg;
	uint64_t off;

	if (!elf_func_offset(c->ef, name, &off))
		push(&c->v, &c->n, &c->cap, off, name);
}

static struct umap *load_map(struct symbolizer *s, int pid, uint64_t addr)
{
	char path[64], line[4096];
	struct umap *m = NULL;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/maps", pid);
	f = fopen(path, "re");
	if (!f)
		return NULL;
	while (fgets(line, sizeof(line), f)) {
		unsigned long long start, end, off;
		char perms[8], file[4096] = "";

		if (sscanf(line, "%llx-%llx %7s %llx %*s %*s %4095[^\n]", &start, &end,
			   perms, &off, file) < 4)
			continue;
		if (addr < start || addr >= end || file[0] != '/')
			continue;
		m = calloc(1, sizeof(*m));
		if (!m)
			break;
		m->pid = pid;
		m->start = start;
		m->end = end;
		m->offset = off;
		m->path = strdup(file);
		break;
	}
	fclose(f);
	if (m) {
		m->next = s->maps;
		s->maps = m;
	}
	return m;
}

/* the mapped file's function symbols, read at the first lookup */
static void load_syms(struct umap *m)
{
	struct collect c = { 0 };

	m->loaded = true;
	if (!elf_file_open(m->path, &c.ef)) {
		elf_func_names(c.ef, add_sym, &c);
		elf_file_free(c.ef);
		qsort(c.v, c.n, sizeof(*c.v), cmp_ksym);
	}
	m->syms = c.v;
	m->nsyms = c.n;
}

int symbolizer_add_map(struct symbolizer *s, int pid, uint64_t start,
		       uint64_t len, uint64_t offset, const char *path)
{
	struct umap *m;

	if (path[0] != '/')
		return 0;	/* [vdso], anonymous code: nothing to read */
	m = calloc(1, sizeof(*m));
	if (!m)
		return -1;
	m->path = strdup(path);
	if (!m->path) {
		free(m);
		return -1;
	}
	m->pid = pid;
	m->start = start;
	m->end = start + len;
	m->offset = offset;
	/* the newest mapping wins a lookup: it sits first */
	m->next = s->maps;
	s->maps = m;
	return 0;
}

void symbolizer_forget(struct symbolizer *s, int pid)
{
	struct umap **pp = &s->maps;

	while (*pp) {
		struct umap *m = *pp;

		if (m->pid == pid) {
			*pp = m->next;
			free_map(m);
		} else {
			pp = &m->next;
		}
	}
	for (size_t i = 0; i < s->ndead; i++)
		if (s->dead_pids[i] == pid) {
			memmove(&s->dead_pids[i], &s->dead_pids[i + 1],
				(s->ndead - i - 1) * sizeof(*s->dead_pids));
			s->ndead--;
			break;
		}
}

void symbolizer_exited(struct symbolizer *s, int pid)
{
	bool known = false;

	for (struct umap *m = s->maps; m && !known; m = m->next)
		known = m->pid == pid;
	for (size_t i = 0; i < s->ndead && known; i++)
		known = s->dead_pids[i] != pid;
	if (!known)
		return;
	if (s->ndead == SYMBOLIZER_DEAD_PIDS)
		symbolizer_forget(s, s->dead_pids[0]);
	s->dead_pids[s->ndead++] = pid;
}

const char *symbolize_user(struct symbolizer *s, int pid, uint64_t addr)
{
	struct umap *m;
	const struct ksym *k;

	for (m = s->maps; m; m = m->next)
		if (m->pid == pid && addr >= m->start && addr < m->end)
			break;
	if (!m)
		m = load_map(s, pid, addr);
	if (!m)
		return hex(s, addr);
	if (!m->loaded)
		load_syms(m);
	/* addresses compare as file offsets: the uprobe rule backwards */
	k = lookup(m->syms, m->nsyms, addr - m->start + m->offset);
	return k ? k->name : hex(s, addr);
}
