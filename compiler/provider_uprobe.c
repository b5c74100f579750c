// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * process("path").function("sym")[.return]: a uprobe (uretprobe) at the
 * file offset of the ELF symbol. With DWARF, $name is a parameter, read
 * where the x86_64 ABI puts it on entry, and $p->a->b follows the types'
 * member offsets in user memory, as kernel probes do with BTF; $return
 * has its declared type. Without DWARF, $arg1..$arg6 are the argument
 * registers and $return the return register, as 64-bit integers. Strings
 * are fetched by the probe itself (+0(%si):ustring), while still valid.
 *
 * process("path").plt("name")[.return]: a uprobe on the PLT stub through
 * which the file calls a function of another (elfplt.c): what an
 * ltrace-like script wants. No DWARF there: $arg1..$arg6, $return, and
 * $$name for the function.
 *
 * process("path").statement("func@file.c:12"): a uprobe where the code of
 * that source line starts (DWARF line table); func may be "*". $name is
 * a variable of the line, where its location list puts it (dwinfo.c).
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "dwinfo.h"
#include "elfsym.h"
#include "uprobe.h"

/* a wildcard may name this many functions: each is a breakpoint in every
 * process that maps the file */
#define UPROBE_WILDCARD_MAX 256

struct uprobe_data {
	struct uprobe_base base;
	const char *func;
	bool is_return;
	bool plt;	/* at a PLT stub: .plt("name") */
	const char *stmt_file;	/* at a source line: .statement("f@file:line") */
	int stmt_line;
	uint64_t vaddr, offset;	/* where it is, for @var's file offsets */
	bool dwarf;	   /* fn and locs are valid */
	struct dw_func fn; /* parameters copied into the arena */
	struct dw_loc *locs;
};

static const char *const arg_regs[] = {"%di", "%si", "%dx",
				       "%cx", "%r8", "%r9"};

static bool uprobe_match(const struct ast *pp)
{
	return pp_is(pp, 0, "process") &&
	       (pp_is(pp, 1, "function") || pp_is(pp, 1, "plt") || pp_is(pp, 1, "statement"));
}

static const struct uprobe_data *udata(const struct dprobe *dp)
{
	return dp->pdata;
}

/* --- expansion ----------------------------------------------------------- */

static void suggest_symbol(struct compile *c, struct ufile *f,
			   const struct ast *where, const char *name)
{
	struct suggest sg;
	char plain[256];

	/* a versioned name is suggested by its name */
	snprintf(plain, sizeof(plain), "%.*s", (int)strcspn(name, "@"), name);
	suggest_init(&sg, plain);
	elf_func_names(f->elf, suggest_add, &sg);
	if (f->dw && dw_file_is_separate(f->dw))
		elf_func_names(dw_file_elf(f->dw), suggest_add, &sg);
	suggest_note(c, where->loc, &sg);
}

/* the functions @pattern names; a stripped file's debug file knows more */
static int find_funcs(struct compile *c, struct ufile *f,
		      const struct ast *where, const char *pattern,
		      struct elf_func **v)
{
	int n = elf_funcs_match(f->elf, NULL, pattern, v);
	struct dw_file *dw;

	if (n)
		return n;
	elf_funcs_free(*v, 0);
	dw = ufile_dwarf(c, f, where);
	if (!dw || !dw_file_is_separate(dw))
		return 0;
	return elf_funcs_match(dw_file_elf(dw), f->elf, pattern, v);
}

/* strlen in libc: the symbol is the resolver; name what it picks from */
static void report_ifunc(struct compile *c, struct ufile *f,
			 const struct ast *where, const char *name)
{
	struct elf_func *v = NULL;
	char *pat = arena_printf(c->arena, "__%s_*", name);
	int n = pat ? elf_funcs_match(f->elf, NULL, pat, &v) : 0;

	diag_error(
		c->diag, where->loc,
		"'%s' in '%s' is an IFUNC: its symbol is the resolver that picks an implementation when the file is loaded",
		name, f->path);
	if (n > 0)
		diag_note(
			c->diag, where->loc,
			"probe the implementations it chooses from, such as '%s'%s%s%s",
			v[0].name, n > 1 ? " or '" : "",
			n > 1 ? v[n - 1].name : "", n > 1 ? "'" : "");
	elf_funcs_free(v, n > 0 ? n : 0);
}

static void copy_dwarf(struct compile *c, struct uprobe_data *u,
		       struct dw_func *fn)
{
	struct dw_param *params = arena_zalloc(
		c->arena, (size_t)(fn->nparams + 1) * sizeof(*params));
	struct dw_loc *locs = arena_zalloc(c->arena, (size_t)(fn->nparams + 1) *
							     sizeof(*locs));

	if (!params || !locs)
		return;
	if (fn->nparams)
		memcpy(params, fn->params,
		       (size_t)fn->nparams * sizeof(*params));
	u->fn = *fn;
	u->fn.params = params;
	u->locs = locs;
	dw_abi_locate(&u->fn, u->locs);
	u->dwarf = true;
}

/* the DWARF of the function at @fn, when the binary has some */
static void find_dwarf(struct compile *c, struct uprobe_data *u,
		       const struct ast *where, const struct elf_func *fn)
{
	struct dw_file *dw = ufile_dwarf(c, u->base.file, where);
	char plain[256];
	struct dw_func f;

	if (!dw)
		return;
	snprintf(plain, sizeof(plain), "%.*s", (int)strcspn(fn->name, "@"),
		 fn->name);
	if (dw_func_find(dw, plain, fn->vaddr, &f))
		return;
	copy_dwarf(c, u, &f);
	dw_func_release(&f);
}

/* .function("f"), .plt("f") or .statement("f@file.c:12"), and the
 * event's name for it */
static const char *point_text(struct compile *c, const struct uprobe_data *u, bool event)
{
	const char *ret = u->is_return ? (event ? "_return" : ".return") : "";

	if (u->stmt_file)
		return event ? arena_printf(c->arena, "%s_l%d", u->func, u->stmt_line)
			     : arena_printf(c->arena, "statement(\"%s@%s:%d\")", u->func,
					    u->stmt_file, u->stmt_line);
	if (u->plt)
		return arena_printf(c->arena, event ? "%s_plt%s" : "plt(\"%s\")%s", u->func, ret);
	return arena_printf(c->arena, event ? "%s%s" : "function(\"%s\")%s", u->func, ret);
}

/* a uprobe at @fn, of the kind @proto describes */
static int add_uprobe(struct compile *c, struct ast *probe, struct ast *pp,
		      const struct uprobe_data *proto, const struct elf_func *fn)
{
	struct dprobe *dp = compile_add_dprobe(c, probe, pp, &uprobe_provider,
					       DPROBE_EVENT);
	struct uprobe_data *u = arena_zalloc(c->arena, sizeof(*u));
	struct probe_def *d;

	if (!dp || !u)
		return -ENOMEM;
	*u = *proto;
	u->func = arena_strdup(c->arena, fn->name);
	u->vaddr = fn->vaddr;
	u->offset = fn->offset;
	if (!u->plt && !u->stmt_file)
		find_dwarf(c, u, pp_comp(pp, 1)->a, fn);
	dp->pdata = u;
	dp->func = (char *)u->func;
	dp->pp = arena_printf(c->arena, "process(\"%s\").%s", u->base.file->path,
			      point_text(c, u, false));
	d = compile_add_def(
		c, dp, u->is_return ? PROBE_DEF_URETPROBE : PROBE_DEF_UPROBE, NULL,
		compile_event_name(c, point_text(c, u, true), c->prog->ndprobes - 1));
	if (!d)
		return -ENOMEM;
	d->target = strdup(u->base.file->path);
	d->offset = fn->offset;
	return d->target ? 0 : -ENOMEM;
}

void inline_refused(struct compile *c, const struct ast *where)
{
	diag_error(c->diag, where->loc,
		   "tap probes functions where their symbol is; inlined copies have none, so .inline "
		   "cannot be probed");
	diag_note(c->diag, where->loc,
		  "probe a caller that is not inlined, or the function's own entry (no suffix)");
}

static bool form_ok(struct compile *c, struct ast *pp, const char **func,
		    bool *is_return)
{
	int n = pp_ncomps(pp);

	*func = pp_str_arg(c, pp, 1);
	*is_return = n == 3 && pp_is(pp, 2, "return");
	if (pp_is(pp, 1, "statement")) {
		if (*func && **func && n == 2)
			return true;
		diag_error(c->diag, pp->loc,
			   "write process(\"path\").statement(\"function@file.c:line\")");
		return false;
	}
	if (pp_is(pp, 1, "plt")) {
		if (*func && **func && (n == 2 || *is_return))
			return true;
		diag_error(c->diag, pp->loc,
			   "write process(\"path\").plt(\"name\"), then optionally .return");
		return false;
	}
	/* .call: not an inlined copy, which are never probed here anyway */
	if (*func && **func && (n == 2 || *is_return || (n == 3 && pp_is(pp, 2, "call"))))
		return true;
	if (n == 3 && pp_is(pp, 2, "inline")) {
		inline_refused(c, pp_comp(pp, 2));
		return false;
	}
	diag_error(
		c->diag, pp->loc,
		"write process(\"path\").function(\"name\"), then optionally .call or .return");
	return false;
}

static int add_matches(struct compile *c, struct ast *probe, struct ast *pp,
		       const struct uprobe_base *base, const char *func,
		       bool is_return, struct elf_func *v, int n)
{
	const struct ast *where = pp_comp(pp, 1)->a;
	bool glob = strpbrk(func, "*?[") != NULL;
	bool plt = pp_is(pp, 1, "plt");

	if (n > UPROBE_WILDCARD_MAX) {
		diag_error(
			c->diag, where->loc,
			"'%s' matches %d %s in '%s'; tap probes at most %d at once",
			func, n, plt ? "PLT entries" : "functions", base->file->path,
			UPROBE_WILDCARD_MAX);
		return 0;
	}
	for (int i = 0; i < n; i++) {
		int err;

		if (v[i].ifunc && glob)
			continue; /* resolvers are not what a glob means */
		if (v[i].ifunc) {
			report_ifunc(c, base->file, where, v[i].name);
			continue;
		}
		err = add_uprobe(c, probe, pp,
				 &(struct uprobe_data){ .base = *base, .is_return = is_return,
							.plt = plt },
				 &v[i]);
		if (err)
			return err;
	}
	return 0;
}

/* .plt("name"): the stubs of the functions it names */
static int plt_expand(struct compile *c, struct ast *probe, struct ast *pp,
		      const struct uprobe_base *base, const char *func, bool is_return)
{
	const struct ast *where = pp_comp(pp, 1)->a;
	struct elf_func *v = NULL;
	int n = elf_plt_match(base->file->elf, func, &v), err;

	if (n < 0)
		return n;
	if (!n && !(pp->flags & AST_PP_OPTIONAL)) {
		struct suggest sg;
		uint64_t off;

		diag_error(c->diag, where->loc, "no PLT entry for '%s' in '%s'", func,
			   base->file->path);
		if (!elf_func_offset(base->file->elf, func, &off)) {
			diag_note(c->diag, where->loc,
				  "'%s' is defined in the file itself, which calls it directly: probe it with .function(\"%s\")",
				  func, func);
		} else {
			suggest_init(&sg, func);
			elf_plt_names(base->file->elf, suggest_add, &sg);
			suggest_note(c, where->loc, &sg);
		}
	}
	err = add_matches(c, probe, pp, base, func, is_return, v, n);
	elf_funcs_free(v, n > 0 ? n : 0);
	return err;
}

/* "func@file.c:12" -> its parts (in the arena); false when it is not that */
static bool stmt_parse(struct compile *c, const char *spec, char **func, char **file, int *line)
{
	char *s = arena_strdup(c->arena, spec), *at, *colon, *end;
	long n;

	at = s ? strchr(s, '@') : NULL;
	colon = at ? strrchr(at, ':') : NULL;
	if (!colon || at == s || colon == at + 1)
		return false;
	errno = 0;
	n = strtol(colon + 1, &end, 10);
	if (*end || errno || n < 1 || n > INT_MAX)
		return false;
	*at = *colon = '\0';
	*func = s;
	*file = at + 1;
	*line = (int)n;
	return true;
}

static void no_line_code(struct compile *c, const struct ast *where, const char *path,
			 const char *func, const char *file, int line, int nearest)
{
	bool in_func = strcmp(func, "*") != 0;

	if (!nearest) {
		diag_error(c->diag, where->loc, "no source file '%s'%s%s in the DWARF of '%s'",
			   file, in_func ? " with code of " : "", in_func ? func : "", path);
		return;
	}
	diag_error(c->diag, where->loc, "no code for line %d of '%s'%s%s", line, file,
		   in_func ? " in " : "", in_func ? func : "");
	diag_note(c->diag, where->loc, "the nearest line with code is %d", nearest);
}

/* .statement("func@file.c:12"): where the code of that line starts */
static int stmt_expand(struct compile *c, struct ast *probe, struct ast *pp,
		       const struct uprobe_base *base, const char *spec)
{
	const struct ast *where = pp_comp(pp, 1)->a;
	struct dw_file *dw = ufile_dwarf(c, base->file, where);
	struct dw_stmt *v = NULL;
	char *func, *file;
	int line, nearest, n, err = 0;

	if (!stmt_parse(c, spec, &func, &file, &line)) {
		diag_error(c->diag, where->loc,
			   "write the statement as \"function@file.c:line\" (the function may be *)");
		return 0;
	}
	if (!dw) {
		diag_error(c->diag, where->loc,
			   "'%s' has no DWARF (nor a debug file for it): its source lines are unknown",
			   base->file->path);
		return 0;
	}
	n = dw_line_stmts(dw, file, line, func, &v, &nearest);
	if (n < 0)
		return n;
	if (!n && !(pp->flags & AST_PP_OPTIONAL))
		no_line_code(c, where, base->file->path, func, file, line, nearest);
	if (n > UPROBE_WILDCARD_MAX) {
		diag_error(c->diag, where->loc, "line %d has code in %d places; tap probes at most %d",
			   line, n, UPROBE_WILDCARD_MAX);
		n = 0;
	}
	for (int i = 0; i < n && !err; i++) {
		struct elf_func fn = { .name = (char *)(v[i].func ? v[i].func : "*"),
				       .vaddr = v[i].vaddr };

		if (elf_vaddr_to_offset(base->file->elf, fn.vaddr, &fn.offset)) {
			diag_error(c->diag, where->loc,
				   "line %d has code at 0x%llx, which no segment of '%s' loads", line,
				   (unsigned long long)fn.vaddr, base->file->path);
			continue;
		}
		err = add_uprobe(c, probe, pp,
				 &(struct uprobe_data){ .base = *base, .stmt_file = file,
							.stmt_line = line },
				 &fn);
	}
	free(v);
	return err;
}

static int uprobe_expand(struct compile *c, struct ast *probe, struct ast *pp)
{
	struct uprobe_base base;
	struct elf_func *v = NULL;
	const char *func;
	bool is_return;
	int n, err;

	if (!form_ok(c, pp, &func, &is_return))
		return 0;
	err = uprobe_resolve(c, pp, &base);
	if (err)
		return err < 0 ? err : 0;
	if (pp_is(pp, 1, "plt"))
		return plt_expand(c, probe, pp, &base, func, is_return);
	if (pp_is(pp, 1, "statement"))
		return stmt_expand(c, probe, pp, &base, func);
	n = find_funcs(c, base.file, pp_comp(pp, 1)->a, func, &v);
	if (n < 0)
		return n;
	if (!n && !(pp->flags & AST_PP_OPTIONAL)) {
		diag_error(c->diag, pp_comp(pp, 1)->a->loc,
			   "no function '%s' in '%s'", func, base.file->path);
		suggest_symbol(c, base.file, pp_comp(pp, 1)->a, func);
	}
	err = add_matches(c, probe, pp, &base, func, is_return, v, n);
	elf_funcs_free(v, n);
	return err;
}

/* --- values through DWARF ------------------------------------------------ */

/* where a value is while a $p->a[2].b chain is walked */
struct uval {
	bool in_reg;
	const char *regs[2]; /* in_reg: the register(s) that hold it */
	unsigned nregs;
	int64_t reg_off;  /* in_reg: bytes into them (small structs) */
	const char *addr; /* in memory: a fetch arg giving the base address */
	int64_t off;	  /* in memory: the value is at addr + off */
	bool abs;	  /* in memory at file offset off (@+off), not addr */
	struct dw_type type;
	struct dw_member bits; /* bits.bit_size != 0: a bitfield */
	char *text;	       /* "$c->host", for messages */
	char *field;	       /* "c_host", for the event field's name */
};

static void type_name(const struct dw_type *t, char *buf, size_t size)
{
	dw_type_name(t, buf, size);
}

/* an argument in a return probe: the registers hold other things by then */
static void refuse_gone_at_return(struct compile *c, const struct ctx_ref *r)
{
	diag_error(c->diag, r->node->loc,
		   "'%s' is gone when the function returns; @entry(%s) gives its value at entry",
		   r->var, r->var);
}

static const char *next_reg(const char *reg)
{
	for (int i = 0; i < 5; i++)
		if (!strcmp(arg_regs[i], reg))
			return arg_regs[i + 1];
	return NULL;
}

/* $name: a parameter where the ABI has it on entry */
static int param_value(struct compile *c, const struct uprobe_data *u,
		       const struct ctx_ref *r, struct uval *v)
{
	const char *name = r->var + 1;

	for (int i = 0; i < u->fn.nparams; i++) {
		const struct dw_loc *l = &u->locs[i];

		if (!u->fn.params[i].name || strcmp(u->fn.params[i].name, name))
			continue;
		if (u->is_return) {
			refuse_gone_at_return(c, r);
			return 1;
		}
		v->type = u->fn.params[i].type;
		if (l->kind == DW_LOC_NONE) {
			char t[128];

			type_name(&v->type, t, sizeof(t));
			diag_error(
				c->diag, r->node->loc,
				"parameter '%s' (%s) %s; tap cannot fetch it",
				name, t, l->why);
			return 1;
		}
		v->in_reg = l->kind == DW_LOC_REG;
		v->regs[0] = l->reg;
		v->regs[1] = l->nregs > 1 ? next_reg(l->reg) : NULL;
		v->nregs = l->nregs;
		v->addr = "%sp";
		v->off = l->offset;
		return 0;
	}
	return -ENOENT;
}

/* $return: %ax (and %dx for a small struct) when the function returns */
static int return_value(struct compile *c, const struct uprobe_data *u,
			const struct ctx_ref *r, struct uval *v)
{
	struct dw_tinfo ti;
	char t[128];

	v->type = u->fn.ret;
	dw_type_info(&v->type, &ti);
	type_name(&v->type, t, sizeof(t));
	if (ti.kind == DW_KIND_VOID) {
		diag_error(c->diag, r->node->loc, "'%s' returns void", u->func);
		return 1;
	}
	if (ti.kind == DW_KIND_FLOAT || ti.size > 16) {
		diag_error(c->diag, r->node->loc,
			   "'%s' returns %s, %s; tap cannot fetch it", u->func,
			   t,
			   ti.kind == DW_KIND_FLOAT ? "in %xmm0" : "in memory");
		return 1;
	}
	v->in_reg = true;
	v->regs[0] = "$retval";
	v->regs[1] = "%dx";
	v->nregs = ti.size > 8 ? 2 : 1;
	return 0;
}

/* the fetch argument of the memory @extra bytes past @v */
static const char *mem_at(struct compile *c, const struct uval *v, int64_t extra)
{
	/* below the probed address's segment (lld puts .rodata before
	 * .text), the kernel takes a signed offset */
	if (v->abs && v->off + extra < 0)
		return arena_printf(c->arena, "@+-0x%llx", -(unsigned long long)(v->off + extra));
	if (v->abs)
		return arena_printf(c->arena, "@+0x%llx", (unsigned long long)(v->off + extra));
	return arena_printf(c->arena, "%+lld(%s)", (long long)(v->off + extra), v->addr);
}

/* the fetch argument whose value is the (at most 8-byte) value @v */
static const char *value_fetch(struct compile *c, const struct uval *v)
{
	if (v->in_reg)
		return v->regs[v->reg_off / 8 < 1 ? 0 : 1];
	return mem_at(c, v, 0);
}

static void member_suggest(struct compile *c, const struct ctx_ref *r,
			   const struct dw_type *t, const char *name)
{
	struct suggest sg;

	suggest_init(&sg, name);
	dw_member_names(t, suggest_add, &sg);
	suggest_note(c, r->node->loc, &sg);
}

/* follows a pointer: the value becomes the base address of what it points to */
static void deref(struct compile *c, struct uval *v, const struct dw_type *to)
{
	v->addr = value_fetch(c, v);
	v->off = 0;
	v->in_reg = false;
	v->abs = false;
	v->type = *to;
}

static int step_member(struct compile *c, const struct ctx_ref *r,
		       struct uval *v, const char *name)
{
	struct dw_tinfo ti;
	struct dw_type to;
	struct dw_member m;
	char t[128];

	dw_type_info(&v->type, &ti);
	type_name(&v->type, t, sizeof(t));
	if (ti.kind == DW_KIND_PTR) {
		dw_type_target(&v->type, &to);
		dw_type_info(&to, &ti);
		if (ti.kind != DW_KIND_STRUCT && ti.kind != DW_KIND_UNION) {
			diag_error(
				c->diag, r->node->loc,
				"'%s' is %s, not a pointer to a struct or union",
				v->text, t);
			return 1;
		}
		deref(c, v, &to);
	} else if (ti.kind != DW_KIND_STRUCT && ti.kind != DW_KIND_UNION) {
		diag_error(c->diag, r->node->loc,
			   "'%s' is %s, which has no members", v->text, t);
		return 1;
	}
	if (dw_member_find(&v->type, name, &m)) {
		type_name(&v->type, t, sizeof(t));
		diag_error(c->diag, r->node->loc, "'%s' has no member '%s'", t,
			   name);
		member_suggest(c, r, &v->type, name);
		return 1;
	}
	if (v->in_reg)
		v->reg_off += (int64_t)m.offset;
	else
		v->off += (int64_t)m.offset;
	v->type = m.type;
	v->bits = m;
	v->text = arena_printf(c->arena, "%s->%s", v->text, name);
	v->field = arena_printf(c->arena, "%s_%s", v->field, name);
	return 0;
}

static int step_index(struct compile *c, const struct ctx_ref *r,
		      struct uval *v, const struct ast *idx)
{
	struct dw_tinfo ti, el;
	struct dw_type elem;
	char t[128];

	dw_type_info(&v->type, &ti);
	type_name(&v->type, t, sizeof(t));
	if (!idx || idx->kind != AST_NUM) {
		diag_error(c->diag, idx ? idx->loc : r->node->loc,
			   "an index into '%s' must be a number", v->text);
		return 1;
	}
	if (ti.kind != DW_KIND_PTR && ti.kind != DW_KIND_ARRAY) {
		diag_error(c->diag, r->node->loc,
			   "'%s' is %s, which cannot be indexed", v->text, t);
		return 1;
	}
	dw_type_target(&v->type, &elem);
	dw_type_info(&elem, &el);
	if (!el.size) {
		diag_error(c->diag, r->node->loc,
			   "'%s' points to %s, whose size is unknown", v->text,
			   t);
		return 1;
	}
	if (ti.kind == DW_KIND_PTR)
		deref(c, v, &elem);
	if (v->in_reg)
		v->reg_off += idx->num * (int64_t)el.size;
	else
		v->off += idx->num * (int64_t)el.size;
	v->type = elem;
	v->text = arena_printf(c->arena, "%s[%lld]", v->text,
			       (long long)idx->num);
	v->field = arena_printf(c->arena, "%s_%lld", v->field,
				(long long)idx->num);
	return 0;
}

static int walk_members(struct compile *c, const struct ctx_ref *r,
			struct uval *v)
{
	ast_foreach_child (m, r->members) {
		int err;

		if (v->bits.bit_size) {
			diag_error(c->diag, m->loc,
				   "'%s' is a bitfield, which has no members",
				   v->text);
			return 1;
		}
		err = m->name ? step_member(c, r, v, m->name)
			      : step_index(c, r, v, m->a);
		if (err)
			return err;
		if (v->in_reg && v->reg_off >= 8 * (int64_t)v->nregs) {
			diag_error(
				c->diag, r->node->loc,
				"'%s' lies outside the registers its struct is passed in",
				v->text);
			return 1;
		}
	}
	return 0;
}

/* $name at a statement: where the code of the line keeps it */
static int local_value(struct compile *c, const struct uprobe_data *u,
		       const struct ctx_ref *r, struct uval *v)
{
	struct dw_file *dw = ufile_dwarf(c, u->base.file, r->node);
	struct dw_local l;

	if (!dw || dw_local_at(dw, u->base.file->elf, u->vaddr, r->var + 1, &l))
		return -ENOENT;
	v->type = l.type;
	switch (l.place.kind) {
	case DW_PLACE_REG:
		v->in_reg = true;
		v->regs[0] = l.place.reg;
		v->nregs = 1;
		return 0;
	case DW_PLACE_MEM:
		v->addr = l.place.reg;
		v->off = l.place.offset;
		return 0;
	case DW_PLACE_ADDR:
		/* a static local: at a file offset, as @var() reads globals */
		v->abs = true;
		v->off = (int64_t)((uint64_t)l.place.offset - u->vaddr + u->offset);
		return 0;
	default:
		diag_error(c->diag, r->node->loc, "tap cannot fetch '%s' at line %d: %s", r->var,
			   u->stmt_line, l.place.why);
		return 1;
	}
}

/* the start of a chain: a parameter or $return, or a line's variable */
static int chain_start(struct compile *c, const struct uprobe_data *u,
		       const struct ctx_ref *r, struct uval *v)
{
	memset(v, 0, sizeof(*v));
	v->text = (char *)r->var;
	v->field = arena_strdup(c->arena, r->var + 1);
	if (u->stmt_file)
		return local_value(c, u, r, v);
	if (!strcmp(r->var, "$return")) {
		if (!u->is_return)
			return -ENOENT;
		v->field = "retval";
		return return_value(c, u, r, v);
	}
	return param_value(c, u, r, v);
}

static void bind_int(struct ctx_binding *b, const char *field, unsigned width,
		     unsigned storage, bool is_signed, bool storage_signed)
{
	b->kind = BIND_FIELD;
	b->type = TYPE_LONG;
	b->field = field;
	b->width = width;
	b->storage = storage;
	b->is_signed = is_signed;
	b->storage_signed = storage_signed;
}

/* a bitfield, or an integer that does not start a register: the kernel
 * shifts and masks it out of its container */
static int finish_bits(struct compile *c, struct dprobe *dp, struct uval *v,
		       const struct dw_tinfo *ti, struct ctx_binding *b)
{
	unsigned bits =
		v->bits.bit_size ? v->bits.bit_size : (unsigned)ti->size * 8;
	unsigned shift = v->bits.bit_size ? v->bits.bit_offset : 0;
	unsigned unit = v->bits.bit_size ? v->bits.unit_size : 8;
	const char *type, *name;
	int err;

	if (v->in_reg) {
		shift += (unsigned)(v->reg_off % 8) * 8;
		unit = 8;
	}
	type = arena_printf(c->arena, "b%u@%u/%u", bits, shift, unit * 8);
	err = uprobe_add_fetch(c, dp, v->field, value_fetch(c, v), type, &name);
	/* the kernel gives the bits unsigned, in the container's width; a
	 * signed bitfield is sign-extended when it is handled */
	if (!err) {
		bind_int(b, name, v->bits.bit_size ? unit : (unsigned)ti->size,
			 unit, ti->is_signed, false);
		b->bits = v->bits.bit_size;
	}
	return err;
}

static int finish_number(struct compile *c, struct dprobe *dp,
			 const struct ctx_ref *r, struct uval *v,
			 struct ctx_binding *b)
{
	struct dw_tinfo ti, el;
	struct dw_type elem;
	const char *name;
	char t[128];
	int err;

	dw_type_info(&v->type, &ti);
	type_name(&v->type, t, sizeof(t));
	if (ti.kind == DW_KIND_ARRAY) {
		dw_type_target(&v->type, &elem);
		dw_type_info(&elem, &el);
		if (el.is_char && !v->in_reg) {
			/* char name[16]: the string itself */
			err = uprobe_add_fetch(c, dp, v->field,
					       value_fetch(c, v), "ustring",
					       &name);
			b->kind = BIND_FIELD;
			b->type = TYPE_STRING;
			b->field = name;
			return err;
		}
	}
	if ((ti.kind != DW_KIND_INT && ti.kind != DW_KIND_PTR) || !ti.size ||
	    ti.size > 8) {
		diag_error(
			c->diag, r->node->loc, "'%s' is %s, %s", v->text, t,
			ti.kind == DW_KIND_FLOAT ? "which tracefs cannot record"
			: ti.kind == DW_KIND_STRUCT || ti.kind == DW_KIND_UNION
				? "not a number; name one of its members"
				: "which tap cannot record");
		return 1;
	}
	if (v->bits.bit_size || (v->in_reg && v->reg_off % 8))
		return finish_bits(c, dp, v, &ti, b);
	err = uprobe_add_fetch(
		c, dp, v->field, value_fetch(c, v),
		uprobe_int_type(c, (unsigned)ti.size, ti.is_signed), &name);
	if (!err)
		bind_int(b, name, (unsigned)ti.size, (unsigned)ti.size,
			 ti.is_signed, ti.is_signed);
	return err;
}

/* user_string(X [+ N]): the probe fetches the string X points to */
static int finish_string(struct compile *c, struct dprobe *dp,
			 const struct ctx_ref *r, struct uval *v,
			 struct ctx_binding *b)
{
	struct dw_tinfo ti;
	const char *arg;
	char t[128];

	dw_type_info(&v->type, &ti);
	type_name(&v->type, t, sizeof(t));
	if (ti.kind == DW_KIND_ARRAY && !v->in_reg) {
		arg = mem_at(c, v, r->addend);
	} else if ((ti.kind == DW_KIND_PTR ||
		    (ti.kind == DW_KIND_INT && ti.size == 8)) &&
		   !v->bits.bit_size && !(v->in_reg && v->reg_off % 8)) {
		arg = arena_printf(c->arena, "%+lld(%s)", (long long)r->addend,
				   value_fetch(c, v));
	} else {
		diag_error(c->diag, r->node->loc,
			   "'%s' is %s, not the address of a string", v->text,
			   t);
		return 1;
	}
	return uprobe_bind_string(c, dp, v->field, (long long)r->addend, arg, b);
}

static int bind_chain(struct compile *c, struct dprobe *dp,
		      const struct ctx_ref *r, struct ctx_binding *b)
{
	const struct uprobe_data *u = udata(dp);
	struct uval v;
	int err = chain_start(c, u, r, &v);

	if (!err)
		err = walk_members(c, r, &v);
	if (!err)
		err = r->kind == CTX_TARGET ? finish_number(c, dp, r, &v, b)
					    : finish_string(c, dp, r, &v, b);
	return err;
}

/* --- @var() -------------------------------------------------------------- */

static void var_suggest(struct compile *c, struct dw_file *dw, const struct ctx_ref *r,
			const char *name)
{
	struct suggest sg;

	suggest_init(&sg, name);
	dw_var_names(dw, suggest_add, &sg);
	suggest_note(c, r->node->loc, &sg);
}

/* "name@file.c" -> the variable; 1 with the error reported */
static int var_start(struct compile *c, const struct uprobe_data *u,
		     const struct ctx_ref *r, struct uval *v)
{
	const struct ast *args = r->node->a;
	char *name = arena_strdup(c->arena, args->str), *file = strchr(name, '@');
	const char *path = u->base.file->path, *other;
	struct dw_file *dw;
	struct dw_var var;
	int err;

	if (file)
		*file++ = '\0';
	if (args->next && !((other = uprobe_resolve_path(c, args->next->str)) &&
			    !strcmp(other, path))) {
		diag_error(c->diag, args->next->loc,
			   "@var() reads the probed file's variables ('%s'), not those of '%s'",
			   path, args->next->str);
		return 1;
	}
	dw = ufile_dwarf(c, u->base.file, r->node);
	if (!dw) {
		diag_error(c->diag, r->node->loc,
			   "@var() needs DWARF, which '%s' has not (nor a debug file for it)", path);
		return 1;
	}
	err = dw_var_find(dw, name, file, &var, &other);
	if (err == -ENOTUNIQ) {
		diag_error(c->diag, r->node->loc,
			   "'%s' is defined in '%s' and in '%s': write @var(\"%s@FILE\")", name,
			   var.file, other, name);
		return 1;
	}
	if (err) {
		diag_error(c->diag, r->node->loc,
			   err == -ENOEXEC ? "'%s' has no fixed address (thread-local, or optimized out)"
					   : file ? "no variable '%s' in a file named '%s' in '%s'"
						  : "no variable '%s' in '%s'",
			   name, file ? file : path, path);
		if (err == -ENOENT)
			var_suggest(c, dw, r, name);
		return 1;
	}
	memset(v, 0, sizeof(*v));
	/* the kernel adds the probe's own load bias to @+offset: count it
	 * from the probed address, whatever segment the variable is in */
	v->abs = true;
	v->off = (int64_t)(var.vaddr - u->vaddr + u->offset);
	v->type = var.type;
	v->text = (char *)r->var;
	v->field = arena_printf(c->arena, "var_%s", name);
	return 0;
}

static int bind_var(struct compile *c, struct dprobe *dp, const struct ctx_ref *r,
		    struct ctx_binding *b)
{
	struct uval v;
	int err = var_start(c, udata(dp), r, &v);

	if (!err)
		err = walk_members(c, r, &v);
	if (!err)
		err = finish_number(c, dp, r, &v, b);
	return err == 1 ? 0 : err;
}

/* 0 (errors reported), -ENOENT for no such name, or -ENOMEM */
static int bind_dwarf(struct compile *c, struct dprobe *dp,
		      const struct ctx_ref *r, struct ctx_binding *b)
{
	struct diag quiet, *loud = c->diag;
	int err;

	if (!r->guarded) {
		err = bind_chain(c, dp, r, b);
		return err == 1 ? 0 : err;
	}
	/* inside @defined(): what cannot be fetched is missing, not wrong */
	diag_init(&quiet, c->prog->src);
	c->diag = &quiet;
	err = bind_chain(c, dp, r, b);
	c->diag = loud;
	if (err == 1 || (quiet.errors && err >= 0))
		err = -ENOENT;
	diag_release(&quiet);
	return err;
}

/* --- $$parms ------------------------------------------------------------- */

/* "name=field" for each parameter the probe can record, "name=?" otherwise */
static int bind_parms(struct compile *c, struct dprobe *dp,
		      const struct ctx_ref *r, struct ctx_binding *b)
{
	const struct uprobe_data *u = udata(dp);
	char *list = "";

	if (!u->dwarf) {
		diag_error(
			c->diag, r->node->loc,
			"'%s' needs DWARF, which '%s' has not; $arg1..$arg6 are the argument registers",
			r->var, u->base.file->path);
		return 0;
	}
	for (int i = 0; i < u->fn.nparams; i++) {
		const char *pname = u->fn.params[i].name;
		struct ctx_ref one = {.kind = CTX_TARGET, .node = r->node};
		struct ctx_binding pb = {0};
		struct dw_tinfo ti;
		struct uval v;
		const char *val = "?";

		if (!pname)
			continue;
		one.var = arena_printf(c->arena, "$%s", pname);
		dw_type_info(&u->fn.params[i].type, &ti);
		if (ti.kind == DW_KIND_STRUCT || ti.kind == DW_KIND_UNION)
			val = "{...}";
		else if ((ti.kind == DW_KIND_INT || ti.kind == DW_KIND_PTR) &&
			 u->locs[i].kind != DW_LOC_NONE &&
			 !chain_start(c, u, &one, &v) &&
			 !finish_number(c, dp, &one, &v, &pb))
			val = pb.field;
		list = arena_printf(c->arena, "%s%s%s=%s", list,
				    *list ? " " : "", pname, val);
	}
	b->kind = BIND_PARMS;
	b->type = TYPE_STRING;
	b->str = list;
	return 0;
}

/* the names $$vars, $$parms or $$locals lists at a statement */
struct line_names {
	struct compile *c;
	const char *which;	/* "$$vars", "$$parms", "$$locals" */
	const char **v;
	int n;
};

static void line_name_add(void *arg, const char *name, bool is_param)
{
	struct line_names *l = arg;
	const char **v;

	if ((is_param && !strcmp(l->which, "$$locals")) ||
	    (!is_param && !strcmp(l->which, "$$parms")))
		return;
	for (int i = 0; i < l->n; i++)
		if (!strcmp(l->v[i], name))
			return; /* shadowed by an inner one */
	v = arena_zalloc(l->c->arena, (size_t)(l->n + 1) * sizeof(*v));
	if (!v)
		return;
	if (l->n)
		memcpy(v, l->v, (size_t)l->n * sizeof(*v));
	v[l->n++] = name;
	l->v = v;
}

/* one variable of a line for $$vars: its field, "{...}", or "?" */
static const char *line_value(struct compile *c, struct dprobe *dp, const struct ctx_ref *r,
			      const char *name)
{
	struct ctx_ref one = { .kind = CTX_TARGET, .node = r->node };
	struct diag quiet, *loud = c->diag;
	struct ctx_binding pb = { 0 };
	const char *val = "?";
	struct dw_tinfo ti;
	struct uval v;

	one.var = arena_printf(c->arena, "$%s", name);
	/* what cannot be fetched shows as "?", not as an error */
	diag_init(&quiet, c->prog->src);
	c->diag = &quiet;
	if (!chain_start(c, udata(dp), &one, &v)) {
		dw_type_info(&v.type, &ti);
		if (ti.kind == DW_KIND_STRUCT || ti.kind == DW_KIND_UNION)
			val = "{...}";
		else if ((ti.kind == DW_KIND_INT || ti.kind == DW_KIND_PTR) &&
			 !finish_number(c, dp, &one, &v, &pb) && pb.field)
			val = pb.field;
	}
	c->diag = loud;
	diag_release(&quiet);
	return val;
}

/* $$vars, $$parms, $$locals at a statement: "name=value" each */
static int bind_line_vars(struct compile *c, struct dprobe *dp, const struct ctx_ref *r,
			  struct ctx_binding *b)
{
	const struct uprobe_data *u = udata(dp);
	struct line_names names = { .c = c, .which = r->var };
	char *list = "";

	if (u->base.file->dw)
		dw_local_names(u->base.file->dw, u->vaddr, line_name_add, &names);
	for (int i = 0; i < names.n; i++)
		list = arena_printf(c->arena, "%s%s%s=%s", list, *list ? " " : "", names.v[i],
				    line_value(c, dp, r, names.v[i]));
	b->kind = BIND_PARMS;
	b->type = TYPE_STRING;
	b->str = list;
	return 0;
}

/* $$return: "return=0x2a" */
static int bind_return_text(struct compile *c, struct dprobe *dp,
			    const struct ctx_ref *r, struct ctx_binding *b)
{
	struct ctx_ref ret = *r;
	struct ctx_binding rb = {0};
	int err;

	ret.var = "$return";
	ret.kind = CTX_TARGET;
	err = udata(dp)->dwarf ? bind_dwarf(c, dp, &ret, &rb) : -ENOENT;
	if (err == -ENOENT) {
		rb.field = "retval";
		err = compile_add_fetch(c, dp, "retval", "$retval", "s64");
	}
	if (err || !rb.field)
		return err;
	b->kind = BIND_PARMS;
	b->type = TYPE_STRING;
	b->str = arena_printf(c->arena, "return=%s", rb.field);
	return 0;
}

/* --- values by the ABI alone --------------------------------------------- */

/* "$arg3" -> 3, or 0 */
static int arg_index(const char *var)
{
	char *end;
	long n;

	if (strncmp(var, "$arg", 4))
		return 0;
	n = strtol(var + 4, &end, 10);
	return *end || n < 1 ? 0 : (int)n;
}

/* the fetch argument for a plain $var, or NULL with an error reported */
static const char *fetch_of(struct compile *c, struct dprobe *dp,
			    const struct ctx_ref *r, const char **name)
{
	int n = arg_index(r->var);

	if (udata(dp)->is_return && !strcmp(r->var, "$return")) {
		*name = "retval";
		return "$retval";
	}
	if (!n)
		return NULL;
	if (n > 6) {
		diag_error(
			c->diag, r->node->loc,
			"'%s': only the first 6 arguments are in registers on x86_64",
			r->var);
		return "";
	}
	if (udata(dp)->is_return) {
		refuse_gone_at_return(c, r);
		return "";
	}
	*name = r->var + 1;
	return arg_regs[n - 1];
}

static int bind_number(struct compile *c, struct dprobe *dp,
		       const struct ctx_ref *r, struct ctx_binding *b)
{
	const char *name = NULL;
	const char *fetch = fetch_of(c, dp, r, &name);

	if (!fetch)
		return -ENOENT;
	if (!*fetch)
		return 0;
	if (r->members) {
		diag_error(
			c->diag, r->node->loc,
			"'%s' has no type information here; members need DWARF",
			r->var);
		return 0;
	}
	bind_int(b, name, 8, 8, true, true);
	return compile_add_fetch(c, dp, name, fetch, "s64");
}

static int bind_string(struct compile *c, struct dprobe *dp,
		       const struct ctx_ref *r, struct ctx_binding *b)
{
	const char *name = NULL;
	const char *fetch = fetch_of(c, dp, r, &name);
	char *fname, *arg;

	if (!fetch)
		return -ENOENT;
	if (!*fetch)
		return 0;
	if (r->addend)
		fname = arena_printf(c->arena, "%s_str_%s%lld", name,
				     r->addend < 0 ? "m" : "",
				     llabs((long long)r->addend));
	else
		fname = arena_printf(c->arena, "%s_str", name);
	arg = arena_printf(c->arena, "%+lld(%s)", (long long)r->addend, fetch);
	b->kind = BIND_FIELD;
	b->type = TYPE_STRING;
	b->field = fname;
	return compile_add_fetch(c, dp, fname, arg, "ustring");
}

static int uprobe_bind(struct compile *c, struct dprobe *dp,
		       const struct ctx_ref *r, struct ctx_binding *b)
{
	int err;

	if (r->kind == CTX_COMM)
		return uprobe_bind_comm(c, dp, b);
	if (r->kind == CTX_VAR)
		return bind_var(c, dp, r, b);
	/* at a statement, $name is what the line's code sees */
	if (udata(dp)->stmt_file && r->kind == CTX_TARGET &&
	    (!strcmp(r->var, "$$vars") || !strcmp(r->var, "$$parms") ||
	     !strcmp(r->var, "$$locals")))
		return bind_line_vars(c, dp, r, b);
	if (udata(dp)->stmt_file)
		return r->kind == CTX_TARGET || r->kind == CTX_USER_STRING ? bind_dwarf(c, dp, r, b)
									   : -ENOENT;
	if (r->kind != CTX_TARGET && r->kind != CTX_USER_STRING &&
	    r->kind != CTX_KERNEL_STRING)
		return -ENOENT;
	if (r->kind == CTX_TARGET &&
	    (!strcmp(r->var, "$$parms") || !strcmp(r->var, "$$vars")))
		return bind_parms(c, dp, r, b);
	if (r->kind == CTX_TARGET && !strcmp(r->var, "$$return") &&
	    udata(dp)->is_return)
		return bind_return_text(c, dp, r, b);
	if (r->kind == CTX_TARGET && !strcmp(r->var, "$$name") && udata(dp)->plt) {
		b->kind = BIND_CONST_STR;
		b->type = TYPE_STRING;
		b->str = udata(dp)->func;
		return 0;
	}
	if (udata(dp)->dwarf) {
		err = bind_dwarf(c, dp, r, b);
		if (err != -ENOENT)
			return err;
	}
	return r->kind == CTX_TARGET ? bind_number(c, dp, r, b)
				     : bind_string(c, dp, r, b);
}

/* a name offered as "$name" */
struct dollar_ctx {
	struct compile *c;
	void (*add)(void *arg, const char *name);
	void *arg;
};

static void dollar_add(void *arg, const char *name, bool is_param)
{
	struct dollar_ctx *d = arg;

	(void)is_param;
	d->add(d->arg, arena_printf(d->c->arena, "$%s", name));
}

static void uprobe_candidates(struct compile *c, struct dprobe *dp,
			      void (*add)(void *arg, const char *name),
			      void *arg)
{
	static const char *const names[] = {"$arg1", "$arg2", "$arg3",
					    "$arg4", "$arg5", "$arg6"};
	const struct uprobe_data *u = udata(dp);

	if (u->stmt_file) {
		struct dw_file *dw = u->base.file->dw;

		if (dw)
			dw_local_names(dw, u->vaddr, dollar_add, &(struct dollar_ctx){ c, add, arg });
		return;
	}
	if (u->plt)
		add(arg, "$$name");
	if (u->is_return) {
		add(arg, "$return");
		add(arg, "$$return");
		return;
	}
	for (int i = 0; u->dwarf && i < u->fn.nparams; i++)
		if (u->fn.params[i].name)
			add(arg, arena_printf(c->arena, "$%s",
					      u->fn.params[i].name));
	if (u->dwarf)
		add(arg, "$$parms");
	for (int i = 0; i < 6; i++)
		add(arg, names[i]);
}

const struct provider uprobe_provider = {
	.name = "process.function",
	.match = uprobe_match,
	.expand = uprobe_expand,
	.bind = uprobe_bind,
	.candidates = uprobe_candidates,
};
