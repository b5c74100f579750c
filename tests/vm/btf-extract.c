// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * btf-extract: cuts a kernel's BTF down to what the golden tests need, so
 * a real kernel's types (offsets, bitfields, anonymous unions) can be
 * committed in a few kilobytes. Keeps the named functions with their
 * prototypes; structs and unions reached by value, or named with -k, keep
 * every member; the others reached only through a pointer become forward
 * declarations. Pointers to functions become void pointers. The output
 * is deterministic: types keep the order they had.
 *
 *   btf-extract -b VMLINUX -o OUT -f func,func -k struct,struct
 *               [-m MODULE_BTF -O MODULE_OUT -F func,func]
 *
 * tests/vm/snapshot-target.sh runs it on BTF saved in the test guest.
 */
#include <bpf/btf.h>
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum mark { NONE, FWD, FULL };

struct side {
	const struct btf *src;	/* the BTF read */
	struct btf *dst;	/* the BTF written */
	uint32_t first, count;	/* own type ids of src: [first, count) */
	unsigned char *mark;	/* per own type */
	uint32_t *newid;
};

struct extract {
	struct side base, mod;
	char **keep;	/* struct names kept whole */
};

static void die(const char *what)
{
	fprintf(stderr, "btf-extract: %s: %s\n", what, strerror(errno ? errno : EINVAL));
	exit(1);
}

static char **split_list(char *s)
{
	size_t n = 0;
	char **v = calloc(strlen(s) + 2, sizeof(*v));

	if (!v)
		die("out of memory");
	for (char *t = strtok(s, ","); t; t = strtok(NULL, ","))
		v[n++] = t;
	return v;
}

static bool kept(const struct extract *x, const char *name)
{
	for (char **k = x->keep; k && *k; k++)
		if (!strcmp(*k, name))
			return true;
	return false;
}

static struct side *side_of(struct extract *x, uint32_t id)
{
	if (x->mod.src && id >= x->mod.first)
		return &x->mod;
	return &x->base;
}

static bool is_proto(const struct btf *btf, uint32_t id)
{
	return id && btf_is_func_proto(btf__type_by_id(btf, id));
}

static void mark(struct extract *x, const struct btf *btf, uint32_t id, bool via_ptr);

static void mark_members(struct extract *x, const struct btf *btf,
			 const struct btf_type *t)
{
	for (unsigned i = 0; i < btf_vlen(t); i++)
		mark(x, btf, btf_members(t)[i].type, false);
}

static void mark(struct extract *x, const struct btf *btf, uint32_t id, bool via_ptr)
{
	struct side *s = side_of(x, id);
	const struct btf_type *t = btf__type_by_id(btf, id);
	unsigned char *m;
	enum mark want = FULL;

	if (!id)
		return;
	m = &s->mark[id - s->first];
	if (btf_is_composite(t) && via_ptr && t->name_off &&
	    !kept(x, btf__name_by_offset(btf, t->name_off)))
		want = FWD;
	if (*m >= want)
		return;
	*m = (unsigned char)want;
	if (want == FWD)
		return;
	if (btf_is_composite(t)) {
		mark_members(x, btf, t);
	} else if (btf_is_ptr(t) || btf_is_mod(t) || btf_is_typedef(t)) {
		if (!is_proto(btf, t->type))
			mark(x, btf, t->type, via_ptr || btf_is_ptr(t));
	} else if (btf_is_array(t)) {
		mark(x, btf, btf_array(t)->type, via_ptr);
		mark(x, btf, btf_array(t)->index_type, false);
	} else if (btf_is_func(t)) {
		mark(x, btf, t->type, false);
	} else if (btf_is_func_proto(t)) {
		mark(x, btf, t->type, false);
		for (unsigned i = 0; i < btf_vlen(t); i++)
			mark(x, btf, btf_params(t)[i].type, false);
	}
}

static void mark_funcs(struct extract *x, struct side *s, char **funcs)
{
	for (char **f = funcs; *f; f++) {
		bool found = false;

		for (uint32_t id = s->first; id < s->count; id++) {
			const struct btf_type *t = btf__type_by_id(s->src, id);

			if (btf_is_func(t) &&
			    !strcmp(btf__name_by_offset(s->src, t->name_off), *f)) {
				mark(x, s->src, id, false);
				found = true;
				break;
			}
		}
		if (!found) {
			fprintf(stderr, "btf-extract: no function '%s'\n", *f);
			exit(1);
		}
	}
}

static void number(struct side *s, uint32_t next)
{
	for (uint32_t id = s->first; id < s->count; id++)
		if (s->mark[id - s->first])
			s->newid[id - s->first] = next++;
}

/* the new id of a reference; function prototypes become void */
static int ref(struct extract *x, const struct btf *btf, uint32_t id, bool keep_proto)
{
	struct side *s = side_of(x, id);

	if (!id || (!keep_proto && is_proto(btf, id)))
		return 0;
	if (!s->mark[id - s->first]) {
		fprintf(stderr, "btf-extract: type %u was not kept\n", id);
		exit(1);
	}
	return (int)s->newid[id - s->first];
}

static int emit_composite(struct extract *x, struct side *s, const struct btf_type *t,
			  const char *name, bool fwd)
{
	int id;

	if (fwd)
		return btf__add_fwd(s->dst, name, btf_is_union(t) ? BTF_FWD_UNION : BTF_FWD_STRUCT);
	id = btf_is_union(t) ? btf__add_union(s->dst, name, t->size) :
			       btf__add_struct(s->dst, name, t->size);
	for (unsigned i = 0; i < btf_vlen(t) && id > 0; i++) {
		const struct btf_member *m = &btf_members(t)[i];

		if (btf__add_field(s->dst, btf__name_by_offset(s->src, m->name_off),
				   ref(x, s->src, m->type, false), btf_member_bit_offset(t, i),
				   btf_member_bitfield_size(t, i)) < 0)
			return -1;
	}
	return id;
}

static int emit_enum(struct side *s, const struct btf_type *t, const char *name)
{
	int id;

	if (btf_is_enum64(t)) {
		id = btf__add_enum64(s->dst, name, t->size, btf_kflag(t));
		for (unsigned i = 0; i < btf_vlen(t) && id > 0; i++)
			if (btf__add_enum64_value(s->dst,
						  btf__name_by_offset(s->src, btf_enum64(t)[i].name_off),
						  btf_enum64_value(&btf_enum64(t)[i])) < 0)
				return -1;
		return id;
	}
	id = btf__add_enum(s->dst, name, t->size);
	for (unsigned i = 0; i < btf_vlen(t) && id > 0; i++)
		if (btf__add_enum_value(s->dst, btf__name_by_offset(s->src, btf_enum(t)[i].name_off),
					btf_enum(t)[i].val) < 0)
			return -1;
	return id;
}

static int emit_proto(struct extract *x, struct side *s, const struct btf_type *t)
{
	int id = btf__add_func_proto(s->dst, ref(x, s->src, t->type, false));

	for (unsigned i = 0; i < btf_vlen(t) && id > 0; i++)
		if (btf__add_func_param(s->dst, btf__name_by_offset(s->src, btf_params(t)[i].name_off),
					ref(x, s->src, btf_params(t)[i].type, false)) < 0)
			return -1;
	return id;
}

static int emit_one(struct extract *x, struct side *s, uint32_t id)
{
	const struct btf_type *t = btf__type_by_id(s->src, id);
	const char *name = btf__name_by_offset(s->src, t->name_off);
	struct btf *d = s->dst;

	switch (btf_kind(t)) {
	case BTF_KIND_INT:
		return btf__add_int(d, name, t->size, btf_int_encoding(t));
	case BTF_KIND_FLOAT:
		return btf__add_float(d, name, t->size);
	case BTF_KIND_ENUM:
	case BTF_KIND_ENUM64:
		return emit_enum(s, t, name);
	case BTF_KIND_FWD:
		return btf__add_fwd(d, name, btf_kflag(t) ? BTF_FWD_UNION : BTF_FWD_STRUCT);
	case BTF_KIND_PTR:
		return btf__add_ptr(d, ref(x, s->src, t->type, false));
	case BTF_KIND_TYPEDEF:
		return btf__add_typedef(d, name, ref(x, s->src, t->type, false));
	case BTF_KIND_CONST:
		return btf__add_const(d, ref(x, s->src, t->type, false));
	case BTF_KIND_VOLATILE:
		return btf__add_volatile(d, ref(x, s->src, t->type, false));
	case BTF_KIND_RESTRICT:
		return btf__add_restrict(d, ref(x, s->src, t->type, false));
	case BTF_KIND_TYPE_TAG:
		return btf__add_type_tag(d, name, ref(x, s->src, t->type, false));
	case BTF_KIND_ARRAY:
		return btf__add_array(d, ref(x, s->src, btf_array(t)->index_type, false),
				      ref(x, s->src, btf_array(t)->type, false),
				      btf_array(t)->nelems);
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION:
		return emit_composite(x, s, t, name, s->mark[id - s->first] == FWD);
	case BTF_KIND_FUNC:
		return btf__add_func(d, name, (enum btf_func_linkage)btf_vlen(t), ref(x, s->src, t->type, true));
	case BTF_KIND_FUNC_PROTO:
		return emit_proto(x, s, t);
	default:
		errno = ENOTSUP;
		return -1;
	}
}

static void emit(struct extract *x, struct side *s)
{
	for (uint32_t id = s->first; id < s->count; id++) {
		int got;

		if (!s->mark[id - s->first])
			continue;
		got = emit_one(x, s, id);
		if (got < 0 || (uint32_t)got != s->newid[id - s->first])
			die("cannot add a type");
	}
}

static void write_raw(const struct btf *btf, const char *path)
{
	uint32_t size;
	const void *data = btf__raw_data(btf, &size);
	FILE *f = fopen(path, "we");

	if (!data || !f || fwrite(data, 1, size, f) != size || fclose(f))
		die(path);
}

static void side_init(struct side *s, const struct btf *src, uint32_t first)
{
	s->src = src;
	s->first = first;
	s->count = btf__type_cnt(src);
	s->mark = calloc(s->count - first + 1, 1);
	s->newid = calloc(s->count - first + 1, sizeof(*s->newid));
	if (!s->mark || !s->newid)
		die("out of memory");
}

int main(int argc, char **argv)
{
	const char *base_in = NULL, *base_out = NULL, *mod_in = NULL, *mod_out = NULL;
	char **funcs = NULL, **mod_funcs = NULL;
	struct extract x = { 0 };
	struct btf *base, *mod = NULL;
	int opt;

	while ((opt = getopt(argc, argv, "b:o:f:k:m:O:F:")) != -1) {
		switch (opt) {
		case 'b': base_in = optarg; break;
		case 'o': base_out = optarg; break;
		case 'f': funcs = split_list(optarg); break;
		case 'k': x.keep = split_list(optarg); break;
		case 'm': mod_in = optarg; break;
		case 'O': mod_out = optarg; break;
		case 'F': mod_funcs = split_list(optarg); break;
		default: return 2;
		}
	}
	if (!base_in || !base_out || !funcs || (mod_in && (!mod_out || !mod_funcs))) {
		fprintf(stderr, "usage: btf-extract -b VMLINUX -o OUT -f FUNCS [-k STRUCTS] "
				"[-m MODULE -O OUT -F FUNCS]\n");
		return 2;
	}
	base = btf__parse(base_in, NULL);
	if (!base)
		die(base_in);
	side_init(&x.base, base, 1);
	if (mod_in) {
		mod = btf__parse_split(mod_in, base);
		if (!mod)
			die(mod_in);
		side_init(&x.mod, mod, btf__type_cnt(base));
		mark_funcs(&x, &x.mod, mod_funcs);
	}
	mark_funcs(&x, &x.base, funcs);
	x.base.dst = btf__new_empty();
	if (!x.base.dst)
		die("btf__new_empty");
	number(&x.base, 1);
	emit(&x, &x.base);
	write_raw(x.base.dst, base_out);
	if (mod) {
		x.mod.dst = btf__new_empty_split(x.base.dst);
		if (!x.mod.dst)
			die("btf__new_empty_split");
		number(&x.mod, btf__type_cnt(x.base.dst));
		emit(&x, &x.mod);
		write_raw(x.mod.dst, mod_out);
	}
	return 0;
}
