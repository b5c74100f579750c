/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef TAP_UPROBE_H
#define TAP_UPROBE_H

/*
 * What process("path").function() and process("path").mark() share: the
 * binary a probe point names (a path, a pid, or the -x target), the files
 * opened for it (ELF and DWARF, kept for the whole compile), process
 * scoping, and the fetch arguments added to a uprobe.
 */
#include "compile_internal.h"

struct elf_file;
struct dw_file;

/* a binary opened once per compile */
struct ufile {
	const char *path; /* absolute */
	struct elf_file *elf;
	struct dw_file *dw; /* NULL: no DWARF found */
	bool dw_tried;
	struct ufile *next;
};

/* the first member of both providers' dprobe data */
struct uprobe_base {
	struct ufile *file;
	long pid; /* process(PID) / -x: that process only; 0: all */
};

/*
 * Resolves component 0 of @pp (process("path"), process(PID), or bare
 * process with -x PID) and opens the binary. Problems are reported: returns
 * 0 with @b filled, 1 when an error was reported, or -ENOMEM.
 */
/* The absolute path a process() argument names: a bare name is looked up
 * in $PATH, as a shell would. NULL (errno set) when there is none. */
char *uprobe_resolve_path(struct compile *c, const char *arg);
int uprobe_resolve(struct compile *c, struct ast *pp, struct uprobe_base *b);

/* The DWARF of @f (looked for once), or NULL; a note in the plan says
 * where a separate debug file came from. */
struct dw_file *ufile_dwarf(struct compile *c, struct ufile *f,
			    const struct ast *where);

/* The link-time address of symbol @name in @f or its debug file. */
int ufile_symbol_addr(struct ufile *f, const char *name, uint64_t *vaddr);

/*
 * Adds fetch argument @arg:@type to @dp's event under a field name made
 * from @want ([A-Za-z0-9_], short enough for tracefs, made unique when
 * another fetch has it); the name is returned in *@name. 0 or -ENOMEM.
 */
int uprobe_add_fetch(struct compile *c, struct dprobe *dp, const char *want,
		     const char *arg, const char *type, const char **name);

/*
 * user_string(X + @addend) where the probe fetches X as @base_arg: adds
 * the "ustring" fetch @addend(@base_arg) named after @base (X's field
 * name) and binds @b to it. 0 or -ENOMEM.
 */
int uprobe_bind_string(struct compile *c, struct dprobe *dp, const char *base,
		       long long addend, const char *arg, struct ctx_binding *b);

/* execname(): the probe records the task's comm itself */
int uprobe_bind_comm(struct compile *c, struct dprobe *dp,
		     struct ctx_binding *b);

/* "s32", "u8": the fetch type of an integer */
const char *uprobe_int_type(struct compile *c, unsigned size, bool is_signed);

#endif
