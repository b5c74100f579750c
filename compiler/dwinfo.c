// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * DWARF through libdw. Parameters are located by the calling convention
 * rather than by their DWARF locations: a uprobe fires at the function's
 * first instruction, before the prologue, where an unoptimised build's
 * locations (slots in the frame) do not hold the values yet, while the ABI
 * says exactly where each argument is.
 */
#include "dwinfo.h"

#include <dwarf.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "elfsym.h"

struct dw_file {
	struct elf_file *elf; /* the file with the DWARF */
	bool separate;
	Dwarf *dwarf;
	char *path;
	Dwarf_CFI *eh_cfi;	/* the binary's .eh_frame, read at the first need */
	bool eh_tried;
};

/*
 * Calls @fn with each compilation unit of @dw until it returns true;
 * true then
 */
static bool each_unit(Dwarf *dw, bool (*fn)(Dwarf_Die *cu, void *arg), void *arg)
{
	Dwarf_Off off = 0, next;
	size_t hsize;
	Dwarf_Die cu;

	while (dwarf_nextcu(dw, off, &next, &hsize, NULL, NULL, NULL) == 0) {
		if (dwarf_offdie(dw, off + hsize, &cu) && fn(&cu, arg))
			return true;
		off = next;
	}
	return false;
}

/* --- finding the debug information --------------------------------------- */

static bool regular_file(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* opens @path as the DWARF of the binary; -ENOENT if it has none */
static int try_file(const char *path, bool separate, struct dw_file **out)
{
	struct dw_file *f;
	int err;

	if (!regular_file(path))
		return -ENOENT;
	f = calloc(1, sizeof(*f));
	if (!f)
		return -ENOMEM;
	f->separate = separate;
	err = elf_file_open(path, &f->elf);
	if (!err && !elf_has_section(f->elf, ".debug_info"))
		err = -ENOENT;
	if (!err) {
		f->dwarf = dwarf_begin_elf(elf_file_elf(f->elf), DWARF_C_READ,
					   NULL);
		f->path = strdup(path);
		err = !f->dwarf ? -ENOENT : !f->path ? -ENOMEM : 0;
	}
	if (err) {
		dw_file_free(f);
		return err == -ENOMEM ? err : -ENOENT;
	}
	*out = f;
	return 0;
}

static int by_build_id(struct elf_file *bin, const char *const *roots,
		       size_t nroots, struct dw_file **out)
{
	const unsigned char *id;
	size_t len;
	char hex[256], path[PATH_MAX];

	if (elf_build_id(bin, &id, &len) || len < 2 || len * 2 >= sizeof(hex))
		return -ENOENT;
	for (size_t i = 0; i < len; i++)
		snprintf(hex + 2 * i, 3, "%02x", id[i]);
	for (size_t i = 0; i < nroots; i++) {
		int err;

		snprintf(path, sizeof(path), "%s/.build-id/%.2s/%s.debug",
			 roots[i], hex, hex + 2);
		err = try_file(path, true, out);
		if (err != -ENOENT)
			return err;
	}
	return -ENOENT;
}

static int try_linked(const char *path, uint32_t crc, struct dw_file **out)
{
	uint32_t got;

	/* a stale file of the same name describes another build */
	if (elf_file_crc32(path, &got) || got != crc)
		return -ENOENT;
	return try_file(path, true, out);
}

static int by_debuglink(struct elf_file *bin, const char *binpath,
			const char *const *roots, size_t nroots,
			struct dw_file **out)
{
	uint32_t crc;
	const char *name = elf_debuglink(bin, &crc);
	char copy[PATH_MAX], dir[PATH_MAX], path[PATH_MAX + 300];
	int err;

	if (!name || strchr(name, '/'))
		return -ENOENT;
	snprintf(copy, sizeof(copy), "%s", binpath);
	snprintf(dir, sizeof(dir), "%s", dirname(copy));
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (strcmp(path, binpath)) {
		err = try_linked(path, crc, out);
		if (err != -ENOENT)
			return err;
	}
	snprintf(path, sizeof(path), "%s/.debug/%s", dir, name);
	err = try_linked(path, crc, out);
	for (size_t i = 0; err == -ENOENT && i < nroots; i++) {
		snprintf(path, sizeof(path), "%s%s/%s", roots[i], dir, name);
		err = try_linked(path, crc, out);
	}
	return err;
}

int dw_file_open(struct elf_file *bin, const char *path,
		 const char *const *roots, size_t nroots, struct dw_file **out)
{
	int err = try_file(path, false, out);

	if (err == -ENOENT)
		err = by_build_id(bin, roots, nroots, out);
	if (err == -ENOENT)
		err = by_debuglink(bin, path, roots, nroots, out);
	return err;
}

void dw_file_free(struct dw_file *f)
{
	if (!f)
		return;
	if (f->eh_cfi)
		dwarf_cfi_end(f->eh_cfi);
	if (f->dwarf)
		dwarf_end(f->dwarf);
	elf_file_free(f->elf);
	free(f->path);
	free(f);
}

const char *dw_file_path(const struct dw_file *f)
{
	return f->path;
}

struct elf_file *dw_file_elf(struct dw_file *f)
{
	return f->elf;
}

bool dw_file_is_separate(const struct dw_file *f)
{
	return f->separate;
}

/* --- types --------------------------------------------------------------- */

static bool die_type(Dwarf_Die *die, struct dw_type *out)
{
	Dwarf_Attribute attr;

	memset(out, 0, sizeof(*out));
	if (!dwarf_attr_integrate(die, DW_AT_type, &attr) ||
	    !dwarf_formref_die(&attr, &out->die))
		return false;
	out->valid = true;
	return true;
}

/* typedefs, const, volatile and restrict looked through */
static bool peel(const struct dw_type *t, Dwarf_Die *out)
{
	Dwarf_Die d = t->die;

	if (!t->valid)
		return false;
	if (dwarf_peel_type(&d, out) != 0)
		*out = d;
	return true;
}

static bool encoding_signed(Dwarf_Die *die)
{
	Dwarf_Attribute attr;
	Dwarf_Word enc;

	if (!dwarf_attr_integrate(die, DW_AT_encoding, &attr) ||
	    dwarf_formudata(&attr, &enc))
		return false;
	return enc == DW_ATE_signed || enc == DW_ATE_signed_char;
}

static bool encoding_char(Dwarf_Die *die)
{
	Dwarf_Attribute attr;
	Dwarf_Word enc;

	if (!dwarf_attr_integrate(die, DW_AT_encoding, &attr) ||
	    dwarf_formudata(&attr, &enc))
		return false;
	return enc == DW_ATE_signed_char || enc == DW_ATE_unsigned_char;
}

static bool encoding_float(Dwarf_Die *die)
{
	Dwarf_Attribute attr;
	Dwarf_Word enc;

	if (!dwarf_attr_integrate(die, DW_AT_encoding, &attr) ||
	    dwarf_formudata(&attr, &enc))
		return false;
	return enc == DW_ATE_float || enc == DW_ATE_complex_float;
}

/* elements of an array's first dimension, 0 when unknown */
static uint64_t array_count(Dwarf_Die *arr)
{
	Dwarf_Die sub;
	Dwarf_Attribute attr;
	Dwarf_Word v;

	if (dwarf_child(arr, &sub))
		return 0;
	do {
		if (dwarf_tag(&sub) != DW_TAG_subrange_type)
			continue;
		if (dwarf_attr_integrate(&sub, DW_AT_count, &attr) &&
		    !dwarf_formudata(&attr, &v))
			return v;
		if (dwarf_attr_integrate(&sub, DW_AT_upper_bound, &attr) &&
		    !dwarf_formudata(&attr, &v))
			return v + 1;
		return 0;
	} while (dwarf_siblingof(&sub, &sub) == 0);
	return 0;
}

static void int_info(Dwarf_Die *d, struct dw_tinfo *out)
{
	int tag = dwarf_tag(d);
	Dwarf_Word size;
	struct dw_type under;

	out->kind = DW_KIND_INT;
	if (dwarf_aggregate_size(d, &size) == 0)
		out->size = size;
	if (tag == DW_TAG_enumeration_type) {
		/* DWARF 5 names the underlying type; C's is unsigned int
		 * unless an enumerator is negative, which gcc says there */
		out->is_signed =
			die_type(d, &under) && encoding_signed(&under.die);
		return;
	}
	out->is_signed = encoding_signed(d);
	out->is_char = encoding_char(d) && out->size == 1;
}

void dw_type_info(const struct dw_type *t, struct dw_tinfo *out)
{
	Dwarf_Die d;
	Dwarf_Word size;

	memset(out, 0, sizeof(*out));
	if (!peel(t, &d))
		return;
	switch (dwarf_tag(&d)) {
	case DW_TAG_base_type:
		if (encoding_float(&d)) {
			out->kind = DW_KIND_FLOAT;
			if (dwarf_aggregate_size(&d, &size) == 0)
				out->size = size;
			return;
		}
		int_info(&d, out);
		return;
	case DW_TAG_enumeration_type:
		int_info(&d, out);
		return;
	case DW_TAG_pointer_type:
	case DW_TAG_reference_type:
	case DW_TAG_rvalue_reference_type:
		out->kind = DW_KIND_PTR;
		out->size = 8;
		return;
	case DW_TAG_structure_type:
	case DW_TAG_class_type:
		out->kind = DW_KIND_STRUCT;
		break;
	case DW_TAG_union_type:
		out->kind = DW_KIND_UNION;
		break;
	case DW_TAG_array_type:
		out->kind = DW_KIND_ARRAY;
		out->count = array_count(&d);
		break;
	case DW_TAG_subroutine_type:
		out->kind = DW_KIND_FUNC;
		return;
	default:
		out->kind = DW_KIND_OTHER;
		break;
	}
	if (dwarf_aggregate_size(&d, &size) == 0)
		out->size = size;
}

void dw_type_target(const struct dw_type *t, struct dw_type *out)
{
	Dwarf_Die d;

	memset(out, 0, sizeof(*out));
	if (peel(t, &d))
		die_type(&d, out);
}

static void name_into(const struct dw_type *t, char *buf, size_t size,
		      int depth);

static void name_tagged(Dwarf_Die *d, const char *kw, char *buf, size_t size)
{
	const char *n = dwarf_diename(d);

	snprintf(buf, size, "%s %s", kw, n ? n : "<anonymous>");
}

static void name_pointer(Dwarf_Die *d, char *buf, size_t size, int depth)
{
	struct dw_type to;
	char inner[200];

	if (!die_type(d, &to)) {
		snprintf(buf, size, "void *");
		return;
	}
	name_into(&to, inner, sizeof(inner), depth + 1);
	snprintf(buf, size, "%s%s*", inner,
		 inner[strlen(inner) - 1] == '*' ? "" : " ");
}

static void name_qualified(Dwarf_Die *d, const char *kw, char *buf, size_t size,
			   int depth)
{
	struct dw_type to;
	char inner[200];

	if (!die_type(d, &to)) {
		snprintf(buf, size, "%s void", kw);
		return;
	}
	name_into(&to, inner, sizeof(inner), depth + 1);
	snprintf(buf, size, "%s %s", kw, inner);
}

static void name_into(const struct dw_type *t, char *buf, size_t size,
		      int depth)
{
	Dwarf_Die d = t->die;
	const char *n;

	if (!t->valid || depth > 8) {
		snprintf(buf, size, depth > 8 ? "..." : "void");
		return;
	}
	switch (dwarf_tag(&d)) {
	case DW_TAG_pointer_type:
		name_pointer(&d, buf, size, depth);
		return;
	case DW_TAG_const_type:
		name_qualified(&d, "const", buf, size, depth);
		return;
	case DW_TAG_volatile_type:
		name_qualified(&d, "volatile", buf, size, depth);
		return;
	case DW_TAG_structure_type:
		name_tagged(&d, "struct", buf, size);
		return;
	case DW_TAG_union_type:
		name_tagged(&d, "union", buf, size);
		return;
	case DW_TAG_enumeration_type:
		name_tagged(&d, "enum", buf, size);
		return;
	case DW_TAG_array_type: {
		struct dw_type el;
		char inner[200];

		dw_type_target(t, &el);
		name_into(&el, inner, sizeof(inner), depth + 1);
		snprintf(buf, size, "%s[%llu]", inner,
			 (unsigned long long)array_count(&d));
		return;
	}
	default:
		n = dwarf_diename(&d);
		snprintf(buf, size, "%s", n ? n : "?");
	}
}

void dw_type_name(const struct dw_type *t, char *buf, size_t size)
{
	name_into(t, buf, size, 0);
}

/* --- members ------------------------------------------------------------- */

static bool member_offset(Dwarf_Die *m, uint64_t *off)
{
	Dwarf_Attribute attr;
	Dwarf_Word v;
	Dwarf_Op *ops;
	size_t n;

	*off = 0;
	if (!dwarf_attr_integrate(m, DW_AT_data_member_location, &attr))
		return true; /* union members start at 0 */
	if (dwarf_formudata(&attr, &v) == 0) {
		*off = v;
		return true;
	}
	/* DWARF 2: DW_OP_plus_uconst N */
	if (dwarf_getlocation(&attr, &ops, &n) == 0 && n == 1 &&
	    ops[0].atom == DW_OP_plus_uconst) {
		*off = ops[0].number;
		return true;
	}
	return false;
}

static void bitfield(Dwarf_Die *m, struct dw_member *out)
{
	Dwarf_Attribute attr;
	Dwarf_Word bit_off;
	struct dw_tinfo ti;
	int bits = dwarf_bitsize(m);
	uint64_t start;

	if (bits <= 0)
		return;
	dw_type_info(&out->type, &ti);
	out->unit_size = ti.size ? (unsigned)ti.size : 4;
	if (dwarf_attr_integrate(m, DW_AT_data_bit_offset, &attr) &&
	    !dwarf_formudata(&attr, &bit_off)) {
		/* DWARF 4+: bits from the start of the struct (little endian)
		 */
		start = out->offset * 8 + bit_off;
	} else {
		/* DWARF 2/3: counted from the high bit of the storage unit */
		int hi = dwarf_bitoffset(m);

		start = out->offset * 8 + out->unit_size * 8 - (unsigned)hi -
			(unsigned)bits;
	}
	/* the unit the kernel reads: aligned to its size, holding the field */
	out->offset = start / (out->unit_size * 8) * out->unit_size;
	out->bit_offset = (unsigned)(start - out->offset * 8);
	if (out->bit_offset + (unsigned)bits > out->unit_size * 8)
		out->unit_size = 8; /* straddles: read 8 bytes */
	out->bit_size = (unsigned)bits;
}

static bool aggregate(const struct dw_type *t, Dwarf_Die *out)
{
	int tag;

	if (!peel(t, out))
		return false;
	tag = dwarf_tag(out);
	return tag == DW_TAG_structure_type || tag == DW_TAG_union_type ||
	       tag == DW_TAG_class_type;
}

static int find_in(Dwarf_Die *agg, const char *name, uint64_t base,
		   struct dw_member *out, int depth)
{
	Dwarf_Die m;

	if (depth > 8 || dwarf_child(agg, &m))
		return -ENOENT;
	do {
		const char *n;
		uint64_t off;

		if (dwarf_tag(&m) != DW_TAG_member || !member_offset(&m, &off))
			continue;
		n = dwarf_diename(&m);
		if (n && !strcmp(n, name)) {
			memset(out, 0, sizeof(*out));
			die_type(&m, &out->type);
			out->offset = base + off;
			bitfield(&m, out);
			return 0;
		}
		if (!n) {
			struct dw_type t;
			Dwarf_Die inner;

			/* anonymous struct or union: its members are ours */
			if (die_type(&m, &t) && aggregate(&t, &inner) &&
			    !find_in(&inner, name, base + off, out, depth + 1))
				return 0;
		}
	} while (dwarf_siblingof(&m, &m) == 0);
	return -ENOENT;
}

int dw_member_find(const struct dw_type *t, const char *name,
		   struct dw_member *out)
{
	Dwarf_Die agg;

	if (!aggregate(t, &agg))
		return -ENOENT;
	return find_in(&agg, name, 0, out, 0);
}

static void names_in(Dwarf_Die *agg, void (*cb)(void *arg, const char *name),
		     void *arg, int depth)
{
	Dwarf_Die m;

	if (depth > 8 || dwarf_child(agg, &m))
		return;
	do {
		const char *n;
		struct dw_type t;
		Dwarf_Die inner;

		if (dwarf_tag(&m) != DW_TAG_member)
			continue;
		n = dwarf_diename(&m);
		if (n)
			cb(arg, n);
		else if (die_type(&m, &t) && aggregate(&t, &inner))
			names_in(&inner, cb, arg, depth + 1);
	} while (dwarf_siblingof(&m, &m) == 0);
}

void dw_member_names(const struct dw_type *t,
		     void (*cb)(void *arg, const char *name), void *arg)
{
	Dwarf_Die agg;

	if (aggregate(t, &agg))
		names_in(&agg, cb, arg, 0);
}

/* --- functions ----------------------------------------------------------- */

struct func_search {
	const char *name;
	uint64_t vaddr;
	Dwarf_Die found;
	bool ok;
	bool named; /* found under @name, not an alias */
};

/*
 * The address decides: static functions of the same name live elsewhere,
 * and an alias (libc's malloc is __libc_malloc in the DWARF) is the same
 * code under another name.
 */
static int func_cb(Dwarf_Die *die, void *arg)
{
	struct func_search *s = arg;
	const char *n = dwarf_diename(die);
	Dwarf_Addr pc;

	if (dwarf_entrypc(die, &pc) || pc != s->vaddr)
		return DWARF_CB_OK;
	s->found = *die;
	s->ok = true;
	s->named = n && !strcmp(n, s->name);
	return s->named ? DWARF_CB_ABORT : DWARF_CB_OK;
}

static bool search_cu(Dwarf_Die *cu, void *arg)
{
	struct func_search *s = arg;

	dwarf_getfuncs(cu, func_cb, s, 0);
	return s->named;
}

/* the CU that covers the address first; all of them if aranges lie */
static bool find_subprogram(Dwarf *dw, struct func_search *s)
{
	Dwarf_Die cu;

	if (dwarf_addrdie(dw, s->vaddr, &cu) && (search_cu(&cu, s) || s->ok))
		return true;
	return each_unit(dw, search_cu, s) || s->ok;
}

static int add_param(struct dw_func *fn, Dwarf_Die *p)
{
	struct dw_param *v =
		realloc(fn->params, (size_t)(fn->nparams + 1) * sizeof(*v));

	if (!v)
		return -ENOMEM;
	fn->params = v;
	v[fn->nparams].name = dwarf_diename(p);
	die_type(p, &v[fn->nparams].type);
	fn->nparams++;
	return 0;
}

static int collect_params(Dwarf_Die *sub, struct dw_func *fn)
{
	Dwarf_Die c;

	if (dwarf_child(sub, &c))
		return 0;
	do {
		int err = 0;

		if (dwarf_tag(&c) == DW_TAG_formal_parameter)
			err = add_param(fn, &c);
		else if (dwarf_tag(&c) == DW_TAG_unspecified_parameters)
			fn->varargs = true;
		if (err)
			return err;
	} while (dwarf_siblingof(&c, &c) == 0);
	return 0;
}

int dw_func_find(struct dw_file *f, const char *name, uint64_t vaddr,
		 struct dw_func *out)
{
	struct func_search s = {.name = name, .vaddr = vaddr};
	Dwarf_Attribute attr;
	Dwarf_Die origin;
	int err;

	memset(out, 0, sizeof(*out));
	if (!find_subprogram(f->dwarf, &s))
		return -ENOENT;
	die_type(&s.found, &out->ret);
	err = collect_params(&s.found, out);
	/* an out-of-line copy of an inline function may list no parameters;
	 * its abstract origin does */
	if (!err && !out->nparams &&
	    dwarf_attr(&s.found, DW_AT_abstract_origin, &attr) &&
	    dwarf_formref_die(&attr, &origin))
		err = collect_params(&origin, out);
	if (err)
		dw_func_release(out);
	return err;
}

void dw_func_release(struct dw_func *fn)
{
	free(fn->params);
	memset(fn, 0, sizeof(*fn));
}

/* --- the x86_64 SysV calling convention ---------------------------------- */

static const char *const int_regs[] = {"%di", "%si", "%dx",
				       "%cx", "%r8", "%r9"};

/* does any member of @d (recursively) lie in eightbyte @eb as a float */
static bool struct_float_in(Dwarf_Die *d, uint64_t base, unsigned eb, int depth,
			    bool *only_float);

static void classify_member(Dwarf_Die *m, uint64_t base, unsigned eb, int depth,
			    bool *only_float, bool *any)
{
	struct dw_type t;
	struct dw_tinfo ti;
	Dwarf_Die inner;
	uint64_t off;

	if (!member_offset(m, &off) || !die_type(m, &t))
		return;
	off += base;
	dw_type_info(&t, &ti);
	if ((ti.kind == DW_KIND_STRUCT || ti.kind == DW_KIND_UNION) &&
	    aggregate(&t, &inner)) {
		*any |= struct_float_in(&inner, off, eb, depth + 1, only_float);
		return;
	}
	if (off + (ti.size ? ti.size : 1) <= eb * 8 || off >= (eb + 1) * 8)
		return;
	*any = true;
	if (ti.kind != DW_KIND_FLOAT)
		*only_float = false;
}

static bool struct_float_in(Dwarf_Die *d, uint64_t base, unsigned eb, int depth,
			    bool *only_float)
{
	Dwarf_Die m;
	bool any = false;

	if (depth > 8 || dwarf_child(d, &m))
		return false;
	do {
		if (dwarf_tag(&m) == DW_TAG_member)
			classify_member(&m, base, eb, depth, only_float, &any);
	} while (dwarf_siblingof(&m, &m) == 0);
	return any;
}

/* a struct of at most 16 bytes: INTEGER eightbytes take general registers */
static void small_struct(const struct dw_type *t, uint64_t size, unsigned *ints,
			 bool *has_sse)
{
	Dwarf_Die d;

	*ints = 0;
	*has_sse = false;
	if (!aggregate(t, &d))
		return;
	for (unsigned eb = 0; eb * 8 < size; eb++) {
		bool only_float = true;

		if (struct_float_in(&d, 0, eb, 0, &only_float) && only_float)
			*has_sse = true;
		else
			(*ints)++;
	}
}

static void on_stack(struct dw_loc *l, int64_t *stack, uint64_t size)
{
	l->kind = DW_LOC_STACK;
	/* the return address is at 0(%sp) when the function is entered */
	l->offset = 8 + *stack;
	*stack += (int64_t)((size + 7) & ~(uint64_t)7);
}

/* a struct or union: on the stack when large, else by its eightbytes */
static void locate_aggregate(const struct dw_param *p, uint64_t size,
			     struct dw_loc *l, unsigned *next_int,
			     int64_t *stack)
{
	unsigned ints;
	bool sse;

	if (size > 16) {
		on_stack(l, stack, size);
		return;
	}
	small_struct(&p->type, size, &ints, &sse);
	if (sse) {
		l->kind = DW_LOC_NONE;
		l->why = "is a struct passed partly in %xmm registers";
		*next_int += ints;
		return;
	}
	if (*next_int + ints > 6) {
		on_stack(l, stack, size);
		return;
	}
	l->kind = DW_LOC_REG;
	l->reg = int_regs[*next_int];
	l->nregs = ints;
	*next_int += ints;
}

static void locate_one(const struct dw_param *p, struct dw_loc *l,
		       unsigned *next_int, int64_t *stack)
{
	struct dw_tinfo ti;

	memset(l, 0, sizeof(*l));
	dw_type_info(&p->type, &ti);
	switch (ti.kind) {
	case DW_KIND_INT:
	case DW_KIND_PTR:
		if (ti.size > 8) {
			l->kind = DW_LOC_NONE; /* __int128: a register pair */
			l->why = "is 16 bytes wide, in two registers";
			*next_int += 2;
		} else if (*next_int < 6) {
			l->kind = DW_LOC_REG;
			l->reg = int_regs[(*next_int)++];
			l->nregs = 1;
		} else {
			on_stack(l, stack, 8);
		}
		return;
	case DW_KIND_FLOAT:
		l->kind = DW_LOC_NONE;
		l->why = ti.size > 8 ? "is a long double, passed on the stack in x87 format" :
				       "is floating point, passed in an %xmm register";
		/* long double goes to memory and moves the stack slots */
		if (ti.size > 8)
			*stack += 16;
		return;
	case DW_KIND_STRUCT:
	case DW_KIND_UNION:
		locate_aggregate(p, ti.size, l, next_int, stack);
		return;
	default:
		l->kind = DW_LOC_NONE;
		l->why = "has a type tap does not know how it is passed";
		return;
	}
}

void dw_abi_locate(const struct dw_func *fn, struct dw_loc *locs)
{
	struct dw_tinfo rt;
	unsigned next_int = 0;
	int64_t stack = 0;

	/* a struct returned in memory takes %di for its address */
	dw_type_info(&fn->ret, &rt);
	if ((rt.kind == DW_KIND_STRUCT || rt.kind == DW_KIND_UNION) &&
	    rt.size > 16)
		next_int = 1;
	for (int i = 0; i < fn->nparams; i++)
		locate_one(&fn->params[i], &locs[i], &next_int, &stack);
}

/* --- variables ----------------------------------------------------------- */

struct var_search {
	const char *name;
	const char *file;
	struct dw_var *out;
	const char **other;
	int found;	/* units that define it */
	bool no_addr;	/* one did, without a fixed address */
	void (*cb)(void *arg, const char *name);
	void *arg;
};

static bool file_matches(const char *cu_file, const char *want)
{
	size_t a, b;

	if (!want)
		return true;
	if (!cu_file)
		return false;
	a = strlen(cu_file);
	b = strlen(want);
	return !strcmp(cu_file, want) || (a > b && cu_file[a - b - 1] == '/' &&
					  !strcmp(cu_file + a - b, want));
}

/* DW_OP_addr, or DW_OP_addrx into .debug_addr (clang's DWARF 5): the
 * link-time address @op of @attr's expression names */
static bool op_address(Dwarf_Attribute *attr, const Dwarf_Op *op, uint64_t *vaddr)
{
	Dwarf_Attribute a;
	Dwarf_Addr addr;

	if (op->atom == DW_OP_addr) {
		*vaddr = op->number;
		return true;
	}
	if ((op->atom != DW_OP_addrx && op->atom != DW_OP_GNU_addr_index) ||
	    dwarf_getlocation_attr(attr, op, &a) || dwarf_formaddr(&a, &addr))
		return false;
	*vaddr = addr;
	return true;
}

/* one address operation alone: a fixed link-time address */
static bool fixed_address(Dwarf_Die *var, uint64_t *vaddr)
{
	Dwarf_Attribute attr;
	Dwarf_Op *ops;
	size_t n;

	return dwarf_attr_integrate(var, DW_AT_location, &attr) &&
	       !dwarf_getlocation(&attr, &ops, &n) && n == 1 && op_address(&attr, &ops[0], vaddr);
}

/* one unit's file-scope definitions: a variable with a location */
static bool search_unit(Dwarf_Die *cu, void *arg)
{
	struct var_search *s = arg;
	const char *file = dwarf_diename(cu);
	Dwarf_Attribute attr;
	Dwarf_Die d;

	if ((!s->cb && !file_matches(file, s->file)) || dwarf_child(cu, &d))
		return false;
	do {
		const char *n;
		uint64_t vaddr;

		if (dwarf_tag(&d) != DW_TAG_variable || !dwarf_attr(&d, DW_AT_location, &attr))
			continue;
		n = dwarf_formstring(dwarf_attr_integrate(&d, DW_AT_name, &attr));
		if (!n)
			continue;
		if (s->cb) {
			s->cb(s->arg, n);
			continue;
		}
		if (strcmp(n, s->name))
			continue;
		if (!fixed_address(&d, &vaddr)) {
			s->no_addr = true;
			continue;
		}
		if (s->found++) {
			*s->other = file;
			continue;
		}
		die_type(&d, &s->out->type);
		s->out->vaddr = vaddr;
		s->out->file = file;
	} while (dwarf_siblingof(&d, &d) == 0);
	return false;
}

static void search_units(Dwarf *dw, struct var_search *s)
{
	each_unit(dw, search_unit, s);
}

int dw_var_find(struct dw_file *f, const char *name, const char *file,
		struct dw_var *out, const char **other)
{
	struct var_search s = { .name = name, .file = file, .out = out, .other = other };

	memset(out, 0, sizeof(*out));
	*other = NULL;
	search_units(f->dwarf, &s);
	if (s.found > 1)
		return -ENOTUNIQ;
	if (s.found)
		return 0;
	return s.no_addr ? -ENOEXEC : -ENOENT;
}

void dw_var_names(struct dw_file *f, void (*cb)(void *arg, const char *name), void *arg)
{
	struct var_search s = { .cb = cb, .arg = arg };

	search_units(f->dwarf, &s);
}

/* --- source lines -------------------------------------------------------- */

struct line_search {
	const char *file, *func;
	int line;
	int nearest;
	struct dw_stmt *v;
	int n, cap;
	bool err;
};

struct code_at {
	Dwarf_Addr pc;
	Dwarf_Die die;
	bool found;
};

static int code_at_cb(Dwarf_Die *die, void *arg)
{
	struct code_at *c = arg;

	if (dwarf_haspc(die, c->pc) != 1)
		return DWARF_CB_OK;
	c->die = *die;
	c->found = true;
	return DWARF_CB_ABORT;
}

/* the function of @cu whose code holds @pc */
static bool function_covering(Dwarf_Die *cu, Dwarf_Addr pc, Dwarf_Die *out)
{
	struct code_at c = { .pc = pc };

	dwarf_getfuncs(cu, code_at_cb, &c, 0);
	*out = c.die;
	return c.found;
}

/* the name of the function of @cu that holds @pc, or NULL */
static const char *function_at(Dwarf_Die *cu, Dwarf_Addr pc)
{
	Dwarf_Die fn;

	return function_covering(cu, pc, &fn) ? dwarf_diename(&fn) : NULL;
}

static void stmt_add(struct line_search *s, Dwarf_Die *cu, Dwarf_Addr pc)
{
	for (int i = 0; i < s->n; i++)
		if (s->v[i].vaddr == pc)
			return;
	if (s->n == s->cap) {
		int cap = s->cap ? s->cap * 2 : 8;
		struct dw_stmt *v = realloc(s->v, (size_t)cap * sizeof(*v));

		if (!v) {
			s->err = true;
			return;
		}
		s->v = v;
		s->cap = cap;
	}
	s->v[s->n++] = (struct dw_stmt){ pc, function_at(cu, pc) };
}

static void closer_line(struct line_search *s, int lineno)
{
	int d = abs(lineno - s->line), best = abs(s->nearest - s->line);

	if (lineno > 0 && (!s->nearest || d < best || (d == best && lineno > s->nearest)))
		s->nearest = lineno;
}

struct func_named {
	const char *name;
	Dwarf_Die die;
	bool found;
};

static int func_named_cb(Dwarf_Die *die, void *arg)
{
	struct func_named *f = arg;
	const char *n = dwarf_diename(die);

	/* a definition: code at low_pc, or in ranges (a hot/cold split) */
	if (!n || strcmp(n, f->name) || dwarf_hasattr(die, DW_AT_declaration))
		return DWARF_CB_OK;
	f->die = *die;
	f->found = true;
	return DWARF_CB_ABORT;
}

static bool search_lines(Dwarf_Die *cu, void *arg)
{
	struct line_search *s = arg;
	struct func_named fn = { .name = s->func };
	bool one_func = s->func && strcmp(s->func, "*");
	Dwarf_Lines *lines;
	size_t n;
	int prev_line = 0;
	const char *prev_src = NULL;

	/* a named function: only the rows of its code count */
	if (one_func)
		dwarf_getfuncs(cu, func_named_cb, &fn, 0);
	if ((one_func && !fn.found) || dwarf_getsrclines(cu, &lines, &n))
		return false;
	for (size_t i = 0; i < n; i++) {
		Dwarf_Line *l = dwarf_onesrcline(lines, i);
		const char *src = l ? dwarf_linesrc(l, NULL, NULL) : NULL;
		bool stmt = false, end = false;
		Dwarf_Addr pc;
		int lineno = 0;

		if (!l || dwarf_lineno(l, &lineno) || dwarf_lineaddr(l, &pc))
			continue;
		dwarf_linebeginstatement(l, &stmt);
		dwarf_lineendsequence(l, &end);
		if (!end && src && file_matches(src, s->file) &&
		    (!one_func || dwarf_haspc(&fn.die, pc) == 1)) {
			closer_line(s, lineno);
			if (lineno == s->line && stmt && (lineno != prev_line || src != prev_src))
				stmt_add(s, cu, pc);
		}
		prev_line = end ? 0 : lineno;
		prev_src = end ? NULL : src;
	}
	return false;
}

static int by_vaddr(const void *a, const void *b)
{
	const struct dw_stmt *x = a, *y = b;

	return (x->vaddr > y->vaddr) - (x->vaddr < y->vaddr);
}

int dw_line_stmts(struct dw_file *f, const char *file, int line, const char *func,
		  struct dw_stmt **out, int *nearest)
{
	struct line_search s = { .file = file, .func = func, .line = line };

	each_unit(f->dwarf, search_lines, &s);
	if (s.err) {
		free(s.v);
		return -ENOMEM;
	}
	if (s.n > 1)
		qsort(s.v, (size_t)s.n, sizeof(*s.v), by_vaddr);
	*out = s.v;
	*nearest = s.n ? line : s.nearest;
	return s.n;
}

/* --- variables at an address --------------------------------------------- */

/* DWARF's x86_64 register numbers, as fetch arguments name them */
static const char *const dwarf_regs[] = { "%ax", "%dx", "%cx", "%bx", "%si", "%di",
					  "%bp", "%sp", "%r8", "%r9", "%r10", "%r11",
					  "%r12", "%r13", "%r14", "%r15" };

static const char *reg_name(uint64_t n)
{
	return n < sizeof(dwarf_regs) / sizeof(dwarf_regs[0]) ? dwarf_regs[n] : NULL;
}

/* DW_OP_regN, DW_OP_regx: the register, or NULL */
static const char *reg_of(const Dwarf_Op *op)
{
	if (op->atom >= DW_OP_reg0 && op->atom <= DW_OP_reg31)
		return reg_name(op->atom - DW_OP_reg0);
	return op->atom == DW_OP_regx ? reg_name(op->number) : NULL;
}

/* DW_OP_bregN off, DW_OP_bregx reg off: the register (or NULL) and @off */
static const char *breg_of(const Dwarf_Op *op, int64_t *off)
{
	if (op->atom >= DW_OP_breg0 && op->atom <= DW_OP_breg31) {
		*off = (int64_t)op->number;
		return reg_name(op->atom - DW_OP_breg0);
	}
	if (op->atom != DW_OP_bregx)
		return NULL;
	*off = (int64_t)op->number2;
	return reg_name(op->number);
}

/* the CFA at @pc as a register plus an offset, from .eh_frame or .debug_frame */
static bool cfa_at(struct dw_file *f, struct elf_file *bin, uint64_t pc, const char **reg,
		   int64_t *off)
{
	Dwarf_CFI *cfi;
	Dwarf_Frame *frame = NULL;
	Dwarf_Op *ops;
	size_t n;
	bool ok;

	/* once per file: every frame-base variable of a script asks */
	if (!f->eh_tried) {
		f->eh_cfi = dwarf_getcfi_elf(elf_file_elf(bin));
		f->eh_tried = true;
	}
	cfi = f->eh_cfi ? f->eh_cfi : dwarf_getcfi(f->dwarf);
	ok = cfi && !dwarf_cfi_addrframe(cfi, pc, &frame) && !dwarf_frame_cfa(frame, &ops, &n) &&
	     n == 1 && (*reg = breg_of(&ops[0], off));
	free(frame);
	return ok;
}

static bool unit_has_pc(Dwarf_Die *cu, void *arg)
{
	return code_at_cb(cu, arg) == DWARF_CB_ABORT;
}

/* the unit whose code holds @pc: by .debug_aranges, else by each unit's
 * ranges (clang emits no aranges) */
static bool unit_at(Dwarf *dw, uint64_t pc, Dwarf_Die *cu)
{
	struct code_at u = { .pc = pc };

	if (dwarf_addrdie(dw, pc, cu))
		return true;
	if (!each_unit(dw, unit_has_pc, &u))
		return false;
	*cu = u.die;
	return true;
}

/*
 * The out-of-line function whose code holds @pc: among the scopes, or,
 * for inlined code (whose scopes end in its abstract definition's), the
 * unit's function that covers @pc
 */
static bool function_of(Dwarf_Die *cu, Dwarf_Die *scopes, int n, uint64_t pc, Dwarf_Die *out)
{
	for (int i = 0; i < n; i++)
		if (dwarf_tag(&scopes[i]) == DW_TAG_subprogram && dwarf_haspc(&scopes[i], pc) == 1) {
			*out = scopes[i];
			return true;
		}
	return function_covering(cu, pc, out);
}

/* the frame base (DW_AT_frame_base) of the function running at @pc */
static bool frame_base(struct dw_file *f, struct elf_file *bin, Dwarf_Die *cu,
		       Dwarf_Die *scopes, int n, uint64_t pc, const char **reg, int64_t *off)
{
	Dwarf_Attribute attr;
	Dwarf_Op *expr;
	Dwarf_Die fn;
	size_t len;

	if (!function_of(cu, scopes, n, pc, &fn) || !dwarf_attr(&fn, DW_AT_frame_base, &attr) ||
	    dwarf_getlocation_addr(&attr, pc, &expr, &len, 1) != 1 || len != 1)
		return false;
	if (expr[0].atom == DW_OP_call_frame_cfa)
		return cfa_at(f, bin, pc, reg, off);
	/* a register's value (clang: %bp at -O0, %sp optimized) */
	*off = 0;
	*reg = reg_of(&expr[0]);
	return *reg || (*reg = breg_of(&expr[0], off));
}

/* what a location expression at @pc says */
static void place_of(struct dw_file *f, struct elf_file *bin, Dwarf_Die *cu, Dwarf_Die *scopes,
		     int n, uint64_t pc, Dwarf_Attribute *attr, const Dwarf_Op *expr, size_t len,
		     struct dw_place *p)
{
	const Dwarf_Op *op = &expr[0];
	uint64_t vaddr;
	int64_t base;

	p->kind = DW_PLACE_NONE;
	p->why = "the compiler computes it there instead of keeping it";
	if (len != 1)
		return;
	if ((p->reg = reg_of(op))) {
		p->kind = DW_PLACE_REG;
	} else if ((p->reg = breg_of(op, &p->offset))) {
		p->kind = DW_PLACE_MEM;
	} else if (op->atom == DW_OP_fbreg) {
		if (frame_base(f, bin, cu, scopes, n, pc, &p->reg, &base)) {
			p->offset = base + (int64_t)op->number;
			p->kind = DW_PLACE_MEM;
		} else {
			p->why = "it is kept relative to a frame base tap cannot work out there";
		}
	} else if (op_address(attr, op, &vaddr)) {
		p->offset = (int64_t)vaddr;
		p->kind = DW_PLACE_ADDR;
	} else if ((op->atom >= DW_OP_reg0 && op->atom <= DW_OP_breg31) ||
		   op->atom == DW_OP_regx || op->atom == DW_OP_bregx) {
		p->why = "it is in (or off) a register tracefs cannot fetch";
	}
}

/* the variable @name among the children of @scope */
static bool child_named(Dwarf_Die *scope, const char *name, Dwarf_Die *out)
{
	Dwarf_Attribute attr;

	if (dwarf_child(scope, out))
		return false;
	do {
		int tag = dwarf_tag(out);
		const char *n;

		if (tag != DW_TAG_variable && tag != DW_TAG_formal_parameter)
			continue;
		n = dwarf_formstring(dwarf_attr_integrate(out, DW_AT_name, &attr));
		if (n && !strcmp(n, name))
			return true;
	} while (dwarf_siblingof(out, out) == 0);
	return false;
}

/* the unit of @pc and its scopes, innermost first; the count, or 0 */
static int scopes_at(struct dw_file *f, uint64_t pc, Dwarf_Die *cu, Dwarf_Die **scopes)
{
	int n;

	*scopes = NULL;
	if (!unit_at(f->dwarf, pc, cu) || (n = dwarf_getscopes(cu, pc, scopes)) <= 0)
		return 0;
	return n;
}

int dw_local_at(struct dw_file *f, struct elf_file *bin, uint64_t pc, const char *name,
		struct dw_local *out)
{
	Dwarf_Die cu, *scopes, var;
	Dwarf_Attribute attr;
	Dwarf_Op *expr;
	size_t len;
	int n = scopes_at(f, pc, &cu, &scopes), i;

	memset(out, 0, sizeof(*out));
	/* the unit's own scope holds globals: @var() reads those */
	for (i = 0; i < n - 1 && !child_named(&scopes[i], name, &var); i++)
		;
	if (n <= 0 || i == n - 1) {
		free(scopes);
		return -ENOENT;
	}
	die_type(&var, &out->type);
	out->place.kind = DW_PLACE_NONE;
	out->place.why = "it is optimized out";
	if (dwarf_attr(&var, DW_AT_location, &attr)) {
		if (dwarf_getlocation_addr(&attr, pc, &expr, &len, 1) == 1)
			place_of(f, bin, &cu, scopes, n, pc, &attr, expr, len, &out->place);
		else
			out->place.why = "it is optimized out there";
	}
	free(scopes);
	return 0;
}

void dw_local_names(struct dw_file *f, uint64_t pc,
		    void (*cb)(void *arg, const char *name, bool is_param), void *arg)
{
	Dwarf_Die cu, *scopes, d;
	Dwarf_Attribute attr;
	int n = scopes_at(f, pc, &cu, &scopes);

	for (int i = 0; i < n - 1; i++) {
		if (dwarf_child(&scopes[i], &d))
			continue;
		do {
			const char *name;

			if (dwarf_tag(&d) != DW_TAG_variable && dwarf_tag(&d) != DW_TAG_formal_parameter)
				continue;
			name = dwarf_formstring(dwarf_attr_integrate(&d, DW_AT_name, &attr));
			if (name)
				cb(arg, name, dwarf_tag(&d) == DW_TAG_formal_parameter);
		} while (dwarf_siblingof(&d, &d) == 0);
	}
	free(scopes);
}
