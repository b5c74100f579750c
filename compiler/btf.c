// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Kernel functions and their BTF types, for kprobes. The offset walk
 * follows libs.md §4: offsets within one object add up; every pointer
 * followed opens a "+OFF(...)" dereference; registers hold the first six
 * arguments on x86_64.
 */
#include "btf.h"

#include <bpf/btf.h>
#include <ctype.h>
#include <errno.h>
#include <fnmatch.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fileio.h"
#include "target.h"

/* --- kernel functions -------------------------------------------------- */

struct kfuncs {
	char *text, *bl_text;	/* the files, split in place */
	struct kfunc *v;
	size_t n;
	char **blacklist;	/* sorted */
	size_t nbl;
};

/* an empty list is no list: the caller falls back to the next source */
static char *slurp(const char *path)
{
	size_t n;
	char *text = file_read_text(path, &n);

	if (text && !n) {
		free(text);
		errno = ENOENT;
		return NULL;
	}
	return text;
}

static int kfunc_cmp(const void *a, const void *b)
{
	const struct kfunc *x = a, *y = b;
	int r;

	if (!x->module != !y->module)
		return x->module ? 1 : -1;
	if (x->module && (r = strcmp(x->module, y->module)))
		return r;
	return strcmp(x->name, y->name);
}

static int kfuncs_push(struct kfuncs *k, size_t *cap, char *name, char *module)
{
	if (k->n == *cap) {
		size_t ncap = *cap ? *cap * 2 : 4096;
		struct kfunc *v = realloc(k->v, ncap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		k->v = v;
		*cap = ncap;
	}
	k->v[k->n++] = (struct kfunc){ .name = name, .module = module, .count = 1 };
	return 0;
}

/* "[mod]" at @s: the module name, terminated in place, or NULL */
static char *bracket_module(char *s)
{
	char *end;

	while (*s == ' ' || *s == '\t')
		s++;
	if (*s != '[')
		return NULL;
	end = strchr(s, ']');
	if (!end)
		return NULL;
	*end = '\0';
	return s + 1;
}

/* available_filter_functions: "name" or "name [module]" */
static int parse_filter_line(struct kfuncs *k, size_t *cap, char *line)
{
	char *sp = line + strcspn(line, " \t");
	char *module = NULL;

	if (*sp) {
		*sp = '\0';
		module = bracket_module(sp + 1);
	}
	if (!*line)
		return 0;
	return kfuncs_push(k, cap, line, module);
}

/* kallsyms: "addr type name [module]"; only text symbols */
static int parse_kallsyms_line(struct kfuncs *k, size_t *cap, char *line)
{
	char *save = NULL, *type, *name, *rest;

	if (!strtok_r(line, " \t", &save))
		return 0;
	type = strtok_r(NULL, " \t", &save);
	name = strtok_r(NULL, " \t", &save);
	if (!type || !name || (type[0] != 't' && type[0] != 'T'))
		return 0;
	rest = strtok_r(NULL, "", &save);
	return kfuncs_push(k, cap, name, rest ? bracket_module(rest) : NULL);
}

static int parse_lines(struct kfuncs *k, char *text, bool kallsyms)
{
	char *save = NULL;
	size_t cap = 0;

	for (char *l = strtok_r(text, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		int err = kallsyms ? parse_kallsyms_line(k, &cap, l) :
				     parse_filter_line(k, &cap, l);

		if (err)
			return err;
	}
	return 0;
}

/* sorts, and keeps one entry per name with the number of duplicates */
static void kfuncs_unique(struct kfuncs *k)
{
	size_t out = 0;

	if (!k->n)
		return;
	qsort(k->v, k->n, sizeof(*k->v), kfunc_cmp);
	for (size_t i = 1; i < k->n; i++) {
		if (!kfunc_cmp(&k->v[out], &k->v[i]))
			k->v[out].count++;
		else
			k->v[++out] = k->v[i];
	}
	k->n = out + 1;
}

static int str_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* debugfs kprobes/blacklist: "0xSTART-0xEND\tname" */
static int load_blacklist(struct kfuncs *k, const char *path)
{
	char *save = NULL;
	size_t cap = 0;

	k->bl_text = path ? slurp(path) : NULL;
	if (!k->bl_text)
		return 0;
	for (char *l = strtok_r(k->bl_text, "\n", &save); l;
	     l = strtok_r(NULL, "\n", &save)) {
		char *name = l + strcspn(l, " \t");

		name += strspn(name, " \t");
		name[strcspn(name, " \t")] = '\0';
		if (!*name)
			continue;
		if (k->nbl == cap) {
			char **v = realloc(k->blacklist, (cap = cap ? cap * 2 : 256) * sizeof(*v));

			if (!v)
				return -ENOMEM;
			k->blacklist = v;
		}
		k->blacklist[k->nbl++] = name;
	}
	if (k->nbl)
		qsort(k->blacklist, k->nbl, sizeof(*k->blacklist), str_cmp);
	return 0;
}

int kfuncs_load(const char *filter_functions, const char *kallsyms,
		const char *blacklist, struct kfuncs **out)
{
	struct kfuncs *k = calloc(1, sizeof(*k));
	bool is_kallsyms = false;
	int err;

	if (!k)
		return -ENOMEM;
	k->text = filter_functions ? slurp(filter_functions) : NULL;
	if (!k->text && kallsyms) {
		k->text = slurp(kallsyms);
		is_kallsyms = true;
	}
	err = k->text ? parse_lines(k, k->text, is_kallsyms) : -ENOENT;
	if (!err)
		err = load_blacklist(k, blacklist);
	if (err) {
		kfuncs_free(k);
		return err;
	}
	kfuncs_unique(k);
	*out = k;
	return 0;
}

void kfuncs_free(struct kfuncs *k)
{
	if (!k)
		return;
	free(k->v);
	free(k->text);
	free(k->blacklist);
	free(k->bl_text);
	free(k);
}

const struct kfunc *kfuncs_find(const struct kfuncs *k, const char *module,
				const char *name)
{
	struct kfunc key = { .name = name, .module = module };

	return bsearch(&key, k->v, k->n, sizeof(*k->v), kfunc_cmp);
}

bool kfuncs_blacklisted(const struct kfuncs *k, const char *name)
{
	return k->nbl && bsearch(&name, k->blacklist, k->nbl,
				 sizeof(*k->blacklist), str_cmp);
}

static bool same_module(const char *a, const char *b)
{
	return !a ? !b : b && !strcmp(a, b);
}

bool kfuncs_has_module(const struct kfuncs *k, const char *module)
{
	for (size_t i = 0; i < k->n; i++)
		if (same_module(k->v[i].module, module))
			return true;
	return false;
}

int kfuncs_walk(const struct kfuncs *k, const char *module, const char *glob,
		int (*cb)(const struct kfunc *f, void *arg), void *arg)
{
	for (size_t i = 0; i < k->n; i++) {
		int r;

		if (!same_module(k->v[i].module, module) ||
		    fnmatch(glob, k->v[i].name, 0))
			continue;
		r = cb(&k->v[i], arg);
		if (r)
			return r;
	}
	return 0;
}

void kfuncs_modules(const struct kfuncs *k,
		    void (*add)(void *arg, const char *name), void *arg)
{
	for (size_t i = 0; i < k->n; i++)
		if (k->v[i].module &&
		    (i == 0 || !same_module(k->v[i - 1].module, k->v[i].module)))
			add(arg, k->v[i].module);
}

/* --- BTF files ------------------------------------------------------------ */

struct kbtf_mod {
	char *name;
	struct btf *btf;
	int err;
};

struct kbtf {
	char *dir;
	struct btf *vmlinux;
	int vmlinux_err;	/* 1: not tried yet */
	struct kbtf_mod *mods;
	size_t nmods;
};

int kbtf_open(const char *dir, struct kbtf **out)
{
	struct kbtf *k = calloc(1, sizeof(*k));

	if (!k || !(k->dir = strdup(dir))) {
		free(k);
		return -ENOMEM;
	}
	k->vmlinux_err = 1;
	*out = k;
	return 0;
}

void kbtf_free(struct kbtf *k)
{
	if (!k)
		return;
	for (size_t i = 0; i < k->nmods; i++) {
		btf__free(k->mods[i].btf);
		free(k->mods[i].name);
	}
	free(k->mods);
	btf__free(k->vmlinux);
	free(k->dir);
	free(k);
}

const char *kbtf_path(const struct kbtf *k, const char *module)
{
	static char path[4096];

	snprintf(path, sizeof(path), "%s/%s", k->dir, module ? module : "vmlinux");
	return path;
}

/* libbpf returns NULL with errno set (-ENOENT, -EINVAL for bad data) */
static int parse_btf(const char *path, struct btf *base, struct btf **out)
{
	*out = btf__parse_split(path, base);
	if (*out)
		return 0;
	return errno ? -errno : -EINVAL;
}

static int kbtf_module(struct kbtf *k, const char *module, const struct btf **out)
{
	struct kbtf_mod *v;

	for (size_t i = 0; i < k->nmods; i++) {
		if (strcmp(k->mods[i].name, module))
			continue;
		*out = k->mods[i].btf;
		return k->mods[i].err;
	}
	v = realloc(k->mods, (k->nmods + 1) * sizeof(*v));
	if (!v)
		return -ENOMEM;
	k->mods = v;
	v = &k->mods[k->nmods];
	v->name = strdup(module);
	if (!v->name)
		return -ENOMEM;
	k->nmods++;
	v->err = parse_btf(kbtf_path(k, module), k->vmlinux, &v->btf);
	*out = v->btf;
	return v->err;
}

int kbtf_get(struct kbtf *k, const char *module, const struct btf **out)
{
	if (k->vmlinux_err == 1)
		k->vmlinux_err = parse_btf(kbtf_path(k, NULL), NULL, &k->vmlinux);
	if (k->vmlinux_err)
		return k->vmlinux_err;
	if (module)
		return kbtf_module(k, module, out);
	*out = k->vmlinux;
	return 0;
}

int target_kfuncs(struct target *t, const struct kfuncs **out)
{
	char filter[4096], kallsyms[4096], blacklist[4096];

	if (!t->funcs && !t->funcs_err) {
		snprintf(filter, sizeof(filter), "%s/available_filter_functions",
			 t->tracefs);
		snprintf(kallsyms, sizeof(kallsyms), "%s/kallsyms",
			 t->dir ? t->dir : "/proc");
		if (t->dir)
			snprintf(blacklist, sizeof(blacklist), "%s/kprobes_blacklist", t->dir);
		else
			snprintf(blacklist, sizeof(blacklist), "/sys/kernel/debug/kprobes/blacklist");
		t->funcs_err = kfuncs_load(filter, kallsyms, blacklist, &t->funcs);
	}
	*out = t->funcs;
	return t->funcs_err;
}

int target_btf(struct target *t, const char *module, const struct btf **out)
{
	if (!t->btf) {
		char dir[4096];
		int err;

		snprintf(dir, sizeof(dir), "%s", t->dir ? t->dir : "/sys/kernel");
		strncat(dir, "/btf", sizeof(dir) - strlen(dir) - 1);
		err = kbtf_open(dir, &t->btf);
		if (err)
			return err;
	}
	return kbtf_get(t->btf, module, out);
}

int target_set_vmlinux_btf(struct target *t, const void *raw, size_t size)
{
	struct btf *b;
	char dir[4096];
	int err;

	if (!t->btf) {
		snprintf(dir, sizeof(dir), "%s/btf", t->dir ? t->dir : "/sys/kernel");
		err = kbtf_open(dir, &t->btf);
		if (err)
			return err;
	}
	b = btf__new(raw, (uint32_t)size);
	if (!b)
		return errno ? -errno : -EINVAL;
	btf__free(t->btf->vmlinux);
	t->btf->vmlinux = b;
	t->btf->vmlinux_err = 0;
	return 0;
}

/* --- types ---------------------------------------------------------------- */

static const struct btf_type *type_of(const struct btf *btf, uint32_t id)
{
	return btf__type_by_id(btf, id);
}

static const char *name_of(const struct btf *btf, const struct btf_type *t)
{
	const char *n = btf__name_by_offset(btf, t->name_off);

	return n ? n : "";
}

/* skips typedefs and modifiers; notes a "user" type tag on the way */
static const struct btf_type *strip(const struct btf *btf, uint32_t *id,
				    bool *user)
{
	const struct btf_type *t = type_of(btf, *id);

	while (t && *id && (btf_is_mod(t) || btf_is_typedef(t))) {
		if (btf_is_type_tag(t) && user && !strcmp(name_of(btf, t), "user"))
			*user = true;
		*id = t->type;
		t = type_of(btf, *id);
	}
	return t;
}

uint32_t kbtf_func_proto(const struct btf *btf, const char *name)
{
	const struct btf *base = btf__base_btf(btf);
	uint32_t first = base ? btf__type_cnt(base) : 1;
	uint32_t n = btf__type_cnt(btf);

	for (uint32_t id = first; id < n; id++) {
		const struct btf_type *t = type_of(btf, id);

		if (btf_is_func(t) && !strcmp(name_of(btf, t), name))
			return btf_is_func_proto(type_of(btf, t->type)) ? t->type : 0;
	}
	return 0;
}

int kbtf_param_reg(const struct btf *btf, uint32_t proto, unsigned index,
		   const char **reg)
{
	static const char *const regs[] = { "%di", "%si", "%dx", "%cx", "%r8", "%r9" };
	const struct btf_type *t = type_of(btf, proto);
	const struct btf_param *p = btf_params(t);
	unsigned slot = 0;

	if (index >= btf_vlen(t))
		return -EINVAL;
	for (unsigned i = 0; i <= index; i++) {
		__s64 size = btf__resolve_size(btf, p[i].type);
		unsigned need = size > 8 ? 2 : 1;

		/* larger values go on the stack and take no register */
		if (size > 16 || size < 0) {
			if (i == index)
				return -E2BIG;
			continue;
		}
		if (i == index) {
			if (slot + need > 6)
				return -E2BIG;
			*reg = regs[slot];
			return 0;
		}
		slot += need;
	}
	return -EINVAL;
}

static void type_str(const struct btf *btf, uint32_t id, FILE *f, int depth)
{
	const struct btf_type *t = type_of(btf, id);

	if (!id || !t) {
		fputs("void", f);
		return;
	}
	if (depth > 16) {
		fputs("...", f);
		return;
	}
	switch (btf_kind(t)) {
	case BTF_KIND_PTR:
		type_str(btf, t->type, f, depth + 1);
		fputs(" *", f);
		return;
	case BTF_KIND_CONST:
		fputs("const ", f);
		type_str(btf, t->type, f, depth + 1);
		return;
	case BTF_KIND_VOLATILE:
		fputs("volatile ", f);
		type_str(btf, t->type, f, depth + 1);
		return;
	case BTF_KIND_RESTRICT:
	case BTF_KIND_TYPE_TAG:
		type_str(btf, t->type, f, depth + 1);
		return;
	case BTF_KIND_ARRAY:
		type_str(btf, btf_array(t)->type, f, depth + 1);
		fprintf(f, "[%u]", btf_array(t)->nelems);
		return;
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION:
	case BTF_KIND_ENUM:
	case BTF_KIND_ENUM64:
	case BTF_KIND_FWD: {
		bool is_union = btf_is_union(t) || (btf_is_fwd(t) && btf_kflag(t));

		fputs(btf_is_any_enum(t) ? "enum " : is_union ? "union " : "struct ", f);
		fputs(*name_of(btf, t) ? name_of(btf, t) : "(anonymous)", f);
		return;
	}
	case BTF_KIND_FUNC_PROTO:
		fputs("function", f);
		return;
	default:
		fputs(name_of(btf, t), f);
	}
}

const char *kbtf_type_str(const struct btf *btf, uint32_t id, char *buf,
			  size_t size)
{
	FILE *f = fmemopen(buf, size, "w");

	if (!f) {
		snprintf(buf, size, "?");
		return buf;
	}
	type_str(btf, id, f, 0);
	fclose(f);
	buf[size - 1] = '\0';
	return buf;
}

uint32_t kbtf_find_type(const struct btf *btf, const char *name)
{
	__s32 id;

	while (isspace((unsigned char)*name))
		name++;
	if (!strncmp(name, "struct ", 7))
		id = btf__find_by_name_kind(btf, name + 7, BTF_KIND_STRUCT);
	else if (!strncmp(name, "union ", 6))
		id = btf__find_by_name_kind(btf, name + 6, BTF_KIND_UNION);
	else if ((id = btf__find_by_name_kind(btf, name, BTF_KIND_STRUCT)) < 0 &&
		 (id = btf__find_by_name_kind(btf, name, BTF_KIND_UNION)) < 0)
		id = btf__find_by_name_kind(btf, name, BTF_KIND_TYPEDEF);
	return id > 0 ? (uint32_t)id : 0;
}

void kbtf_member_names(const struct btf *btf, uint32_t id,
		       void (*add)(void *arg, const char *name), void *arg)
{
	const struct btf_type *t = strip(btf, &id, NULL);

	if (!t || !btf_is_composite(t))
		return;
	for (unsigned i = 0; i < btf_vlen(t); i++) {
		const struct btf_member *m = &btf_members(t)[i];
		const char *name = btf__name_by_offset(btf, m->name_off);

		if (name && *name)
			add(arg, name);
		else
			kbtf_member_names(btf, m->type, add, arg);
	}
}

/* --- the walk ------------------------------------------------------------- */

/*
 * Where the walk is: a value in @expr (a register, or a fetch argument
 * that yields it), or, with @mem, an object at @bits bits past the
 * address that @expr yields.
 */
struct walk {
	const struct btf *btf;
	char *expr;
	bool mem;
	int64_t bits;
	uint32_t id;
	unsigned bitfield;	/* width of a bitfield member, or 0 */
	struct kbtf_err *err;
};

static int fail(struct walk *w, enum kbtf_error code, size_t step, uint32_t id)
{
	w->err->code = code;
	w->err->step = step;
	w->err->type = id;
	return -EINVAL;
}

static int set_expr(struct walk *w, char *e)
{
	if (!e)
		return -ENOMEM;
	free(w->expr);
	w->expr = e;
	return 0;
}

/* the fetch argument that yields the value the walk is at */
static char *value_expr(const struct walk *w)
{
	char *s = NULL;

	if (!w->mem)
		return strdup(w->expr);
	if (asprintf(&s, "%+" PRId64 "(%s)", w->bits / 8, w->expr) < 0)
		return NULL;
	return s;
}

/* follows the pointer the walk is at: now at the object it points to */
static int deref(struct walk *w, uint32_t pointee)
{
	int err = set_expr(w, value_expr(w));

	if (err)
		return err;
	w->mem = true;
	w->bits = 0;
	w->id = pointee;
	return 0;
}

/* finds @name in composite @t, looking into anonymous members */
static bool find_member(const struct btf *btf, const struct btf_type *t,
			const char *name, int64_t *bits, uint32_t *type,
			unsigned *bitfield)
{
	for (unsigned i = 0; i < btf_vlen(t); i++) {
		const struct btf_member *m = &btf_members(t)[i];
		const char *mn = btf__name_by_offset(btf, m->name_off);
		uint32_t id = m->type;
		const struct btf_type *mt;

		if (mn && *mn) {
			if (strcmp(mn, name))
				continue;
			*bits = btf_member_bit_offset(t, i);
			*type = m->type;
			*bitfield = btf_member_bitfield_size(t, i);
			return true;
		}
		mt = strip(btf, &id, NULL);
		if (mt && btf_is_composite(mt) &&
		    find_member(btf, mt, name, bits, type, bitfield)) {
			*bits += btf_member_bit_offset(t, i);
			return true;
		}
	}
	return false;
}

static int step_member(struct walk *w, size_t i, const char *name)
{
	uint32_t id = w->id, mtype;
	const struct btf_type *t = strip(w->btf, &id, NULL);
	int64_t bits;
	unsigned bitfield;
	int err;

	if (w->bitfield)
		return fail(w, KBTF_NOT_COMPOSITE, i, w->id);
	if (t && btf_is_ptr(t)) {
		uint32_t pointee = t->type;
		const struct btf_type *pt = strip(w->btf, &pointee, NULL);

		if (!pt || !btf_is_composite(pt))
			return fail(w, KBTF_NOT_COMPOSITE, i, w->id);
		err = deref(w, pointee);
		if (err)
			return err;
		t = pt;
		id = pointee;
	} else if (!t || !btf_is_composite(t)) {
		return fail(w, KBTF_NOT_COMPOSITE, i, w->id);
	} else if (!w->mem) {
		return fail(w, KBTF_BY_VALUE, i, w->id);
	}
	if (!find_member(w->btf, t, name, &bits, &mtype, &bitfield))
		return fail(w, KBTF_NO_MEMBER, i, id);
	w->bits += bits;
	w->id = mtype;
	w->bitfield = bitfield;
	return 0;
}

static int step_index(struct walk *w, size_t i, int64_t index)
{
	uint32_t id = w->id;
	const struct btf_type *t = strip(w->btf, &id, NULL);
	__s64 size;
	int err;

	if (w->bitfield || !t)
		return fail(w, KBTF_NOT_INDEXABLE, i, w->id);
	if (btf_is_array(t)) {
		const struct btf_array *a = btf_array(t);

		if (index < 0 || (a->nelems && index >= a->nelems))
			return fail(w, KBTF_BAD_INDEX, i, w->id);
		size = btf__resolve_size(w->btf, a->type);
		if (size <= 0 || !w->mem)
			return fail(w, KBTF_NOT_INDEXABLE, i, w->id);
		w->bits += index * size * 8;
		w->id = a->type;
		return 0;
	}
	if (!btf_is_ptr(t))
		return fail(w, KBTF_NOT_INDEXABLE, i, w->id);
	size = btf__resolve_size(w->btf, t->type);
	if (size <= 0)
		return fail(w, KBTF_NOT_INDEXABLE, i, w->id);
	err = deref(w, t->type);
	w->bits = index * size * 8;
	return err;
}

/* is @id (modifiers and typedefs aside) a one-byte integer: a char? */
static bool is_char(const struct btf *btf, uint32_t id, bool *user)
{
	const struct btf_type *t = strip(btf, &id, user);

	return t && btf_is_int(t) && t->size == 1;
}

static void set_num(struct kbtf_fetch *out, const char *prefix, unsigned size,
		    bool is_signed)
{
	snprintf(out->type, sizeof(out->type), "%s%u", prefix, size * 8);
	out->kind = KBTF_NUM;
	out->width = out->storage = size;
	out->is_signed = is_signed;
}

static int number_arg(struct walk *w, struct kbtf_fetch *out)
{
	out->arg = value_expr(w);
	return out->arg ? 0 : -ENOMEM;
}

/* a signed integer or enum, typedefs and modifiers aside */
static bool signed_type(const struct btf *btf, uint32_t id)
{
	const struct btf_type *t = strip(btf, &id, NULL);

	if (t && btf_is_int(t))
		return btf_int_encoding(t) & BTF_INT_SIGNED;
	/* enums fetch as signed unless BTF says an enum64 is not */
	return t && btf_is_any_enum(t) && (!btf_is_enum64(t) || btf_kflag(t));
}

/*
 * A bitfield: its container is the smallest aligned 8..64-bit word that
 * holds it; the kernel's "b<width>@<bit>/<container>" reads that word
 * and shifts (bits count from the least significant, as on x86). The
 * kernel gives the bits unsigned; a signed one is sign-extended when it
 * is handled.
 */
static int bitfield_arg(struct walk *w, struct kbtf_fetch *out)
{
	int64_t bits = w->bits;

	for (unsigned c = 8; c <= 64; c *= 2) {
		unsigned at = (unsigned)(bits % c);

		if (at + w->bitfield > c)
			continue;
		if (asprintf(&out->arg, "%+" PRId64 "(%s)", (bits - at) / 8, w->expr) < 0)
			return -ENOMEM;
		snprintf(out->type, sizeof(out->type), "b%u@%u/%u", w->bitfield, at, c);
		out->kind = KBTF_NUM;
		out->width = out->storage = c / 8;
		out->bits = w->bitfield;
		out->is_signed = signed_type(w->btf, w->id);
		return 0;
	}
	return -EINVAL;
}

static int string_at(struct walk *w, struct kbtf_fetch *out, bool user,
		     int64_t addend, bool address_is_value)
{
	char *v;

	if (address_is_value) {
		v = value_expr(w);
		if (!v)
			return -ENOMEM;
		if (asprintf(&out->arg, "%+" PRId64 "(%s)", addend, v) < 0)
			out->arg = NULL;
		free(v);
	} else if (asprintf(&out->arg, "%+" PRId64 "(%s)", w->bits / 8 + addend,
			    w->expr) < 0) {
		out->arg = NULL;
	}
	snprintf(out->type, sizeof(out->type), "%s", user ? "ustring" : "string");
	out->kind = KBTF_STR;
	out->storage = 4;	/* __data_loc */
	return out->arg ? 0 : -ENOMEM;
}

static int finish(struct walk *w, size_t nsteps, enum kbtf_want want,
		  int64_t addend, struct kbtf_fetch *out)
{
	uint32_t id = w->id;
	bool user = false;
	const struct btf_type *t = strip(w->btf, &id, &user);
	bool want_str = want == KBTF_STRING || want == KBTF_USTRING;

	if (w->bitfield) {
		if (want_str)
			return fail(w, KBTF_NOT_ADDRESS, nsteps, w->id);
		return bitfield_arg(w, out);
	}
	if (!t || !id)
		return fail(w, KBTF_UNSUPPORTED, nsteps, w->id);
	if (btf_is_array(t)) {
		bool char_array = is_char(w->btf, btf_array(t)->type, &user);

		if (!w->mem || (!char_array && !want_str))
			return fail(w, KBTF_IS_ARRAY, nsteps, w->id);
		return string_at(w, out, want == KBTF_USTRING || (user && !want_str),
				 want_str ? addend : 0, false);
	}
	if (btf_is_composite(t))
		return fail(w, KBTF_IS_COMPOSITE, nsteps, w->id);
	if (want_str) {
		if (!btf_is_ptr(t) && !(btf_is_int(t) && t->size == 8))
			return fail(w, KBTF_NOT_ADDRESS, nsteps, w->id);
		return string_at(w, out, want == KBTF_USTRING, addend, true);
	}
	if (btf_is_ptr(t)) {
		bool user_ptr = false;

		if (want == KBTF_VALUE && is_char(w->btf, t->type, &user_ptr))
			return string_at(w, out, user_ptr, 0, true);
		set_num(out, "x", 8, false);
		return number_arg(w, out);
	}
	if (btf_is_int(t) && t->size <= 8 && !(t->size & (t->size - 1))) {
		set_num(out, btf_int_encoding(t) & BTF_INT_SIGNED ? "s" : "u",
			t->size, btf_int_encoding(t) & BTF_INT_SIGNED);
		return number_arg(w, out);
	}
	if (btf_is_any_enum(t) && t->size <= 8 && !(t->size & (t->size - 1))) {
		/* enums fetch as signed unless BTF says an enum64 is not */
		bool sig = !btf_is_enum64(t) || btf_kflag(t);

		set_num(out, sig ? "s" : "u", t->size, sig);
		return number_arg(w, out);
	}
	return fail(w, KBTF_UNSUPPORTED, nsteps, w->id);
}

int kbtf_walk(const struct btf *btf, uint32_t type, const char *base,
	      bool in_memory, const struct kbtf_step *steps, size_t nsteps,
	      enum kbtf_want want, int64_t addend, struct kbtf_fetch *out,
	      struct kbtf_err *err)
{
	struct walk w = { .btf = btf, .mem = in_memory, .id = type, .err = err };
	int ret;

	memset(out, 0, sizeof(*out));
	memset(err, 0, sizeof(*err));
	w.expr = strdup(base);
	if (!w.expr)
		return -ENOMEM;
	ret = 0;
	for (size_t i = 0; i < nsteps && !ret; i++)
		ret = steps[i].name ? step_member(&w, i, steps[i].name) :
				      step_index(&w, i, steps[i].index);
	if (!ret)
		ret = finish(&w, nsteps, want, addend, out);
	free(w.expr);
	if (ret) {
		free(out->arg);
		out->arg = NULL;
	}
	return ret;
}
