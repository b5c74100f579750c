/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Named dwinfo, not dwarf: -I compiler would hide elfutils' <dwarf.h>. */
#ifndef TAP_DWINFO_H
#define TAP_DWINFO_H

/*
 * DWARF of user binaries (libdw): a function's parameters and return type,
 * struct members and their offsets, so that $name and $p->a->b become
 * fetch arguments. The debug information is read from the binary, or from
 * a separate file found by build id or .gnu_debuglink.
 */
#include <elfutils/libdw.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct elf_file;
struct dw_file;

/*
 * Finds the DWARF for binary @path (opened as @bin): the file itself when
 * it has .debug_info; else ROOT/.build-id/xx/rest.debug for each of the
 * @nroots debug roots; else the .gnu_debuglink name in the binary's
 * directory, in its .debug/ subdirectory and under ROOT/<directory>, with
 * the CRC checked. Returns 0, -ENOENT when there is none (not an error:
 * the ABI still gives $arg1..), or -ENOMEM. Free with dw_file_free().
 */
int dw_file_open(struct elf_file *bin, const char *path,
		 const char *const *roots, size_t nroots, struct dw_file **out);
void dw_file_free(struct dw_file *f);

/* the file the DWARF was read from */
const char *dw_file_path(const struct dw_file *f);
/* that file as ELF (a separate debug file keeps .symtab), owned by @f */
struct elf_file *dw_file_elf(struct dw_file *f);
bool dw_file_is_separate(const struct dw_file *f);

/* a type; a zeroed one (valid false) is void */
struct dw_type {
	Dwarf_Die die;
	bool valid;
};

enum dw_kind {
	DW_KIND_VOID,
	DW_KIND_INT, /* integers, bool, enums */
	DW_KIND_FLOAT,
	DW_KIND_PTR,
	DW_KIND_STRUCT,
	DW_KIND_UNION,
	DW_KIND_ARRAY,
	DW_KIND_FUNC,
	DW_KIND_OTHER,
};

struct dw_tinfo {
	enum dw_kind kind;
	uint64_t size; /* bytes; arrays: the whole array when known */
	bool is_signed;
	bool is_char;	/* a one-byte character type */
	uint64_t count; /* arrays: elements of the first dimension, 0 unknown */
};

/* What @t is, typedefs and qualifiers looked through. */
void dw_type_info(const struct dw_type *t, struct dw_tinfo *out);
/* The type a pointer points to or an array holds (void for void *). */
void dw_type_target(const struct dw_type *t, struct dw_type *out);
/* The type as C spells it ("struct conn *", "const char *"). */
void dw_type_name(const struct dw_type *t, char *buf, size_t size);

struct dw_member {
	struct dw_type type;
	uint64_t offset;     /* bytes from the start of the outer struct */
	unsigned bit_size;   /* bitfields: width, else 0 */
	unsigned bit_offset; /* bitfields: from the low bit of the unit at
				offset */
	unsigned unit_size;  /* bitfields: bytes of that storage unit */
};

/*
 * Finds member @name of struct or union @t, also inside anonymous structs
 * and unions. Returns 0 or -ENOENT.
 */
int dw_member_find(const struct dw_type *t, const char *name,
		   struct dw_member *out);
/* Calls @cb with each member name of @t (anonymous members' included). */
void dw_member_names(const struct dw_type *t,
		     void (*cb)(void *arg, const char *name), void *arg);

struct dw_param {
	const char *name; /* NULL for an unnamed parameter */
	struct dw_type type;
};

struct dw_func {
	struct dw_type ret; /* void when it returns nothing */
	struct dw_param *params;
	int nparams;
	bool varargs;
};

/*
 * The definition of the function whose entry is at link-time address
 * @vaddr, preferably under @name (an alias's DWARF has another name).
 * Returns 0, -ENOENT, or -ENOMEM; release with dw_func_release().
 */
int dw_func_find(struct dw_file *f, const char *name, uint64_t vaddr,
		 struct dw_func *out);
void dw_func_release(struct dw_func *fn);

/* a variable of static storage: a global, or a file's static */
struct dw_var {
	struct dw_type type;
	uint64_t vaddr;	  /* link-time address */
	const char *file; /* its compilation unit's source file */
};

/*
 * The variable @name defined at file scope with a fixed address, in the
 * compilation unit whose source file is @file or ends with "/@file"
 * (NULL: any). 0; -ENOENT; -ENOTUNIQ when more units than one define it
 * (*@out is the first, @other the file of another); -ENOEXEC when it
 * has no fixed address (thread-local, or optimized out).
 */
int dw_var_find(struct dw_file *f, const char *name, const char *file,
		struct dw_var *out, const char **other);
/* Calls @cb with the name of each such variable (for did-you-mean). */
void dw_var_names(struct dw_file *f, void (*cb)(void *arg, const char *name), void *arg);

/* where the code of a source line starts */
struct dw_stmt {
	uint64_t vaddr;	  /* link-time address */
	const char *func; /* the function it is in, NULL if none is known */
};

/*
 * The places where code for line @line of source file @file (its name,
 * or a path ending in "/@file") starts: the line table's statement rows
 * that begin a run of that line, in function @func when it is not NULL
 * or "*". Sorted by address, one per address. Returns the count; 0 when
 * the line has none, with *@nearest the closest line of @file that has
 * code (0 when no file matched); or -ENOMEM. Free *@out with free().
 */
int dw_line_stmts(struct dw_file *f, const char *file, int line, const char *func,
		  struct dw_stmt **out, int *nearest);

/* where a variable is at one address of the code */
enum dw_place_kind {
	DW_PLACE_REG,	/* in register reg */
	DW_PLACE_MEM,	/* in memory at reg's value + offset */
	DW_PLACE_ADDR,	/* in memory at link-time address offset */
	DW_PLACE_NONE,	/* not stored there: why says what */
};

struct dw_place {
	enum dw_place_kind kind;
	const char *reg; /* "%di" */
	int64_t offset;
	const char *why;
};

struct dw_local {
	struct dw_type type;
	struct dw_place place;
};

/*
 * The variable or parameter @name seen from link-time address @pc, the
 * innermost scope first (inlined functions' included), and where it is
 * there: its location list at @pc, a frame base from the call frame
 * information of @bin (the CFA as a register plus an offset). 0 or
 * -ENOENT.
 */
int dw_local_at(struct dw_file *f, struct elf_file *bin, uint64_t pc, const char *name,
		struct dw_local *out);
/* Calls @cb with the name of each variable and parameter seen from @pc,
 * innermost scope first (a shadowed name comes twice). */
void dw_local_names(struct dw_file *f, uint64_t pc,
		    void (*cb)(void *arg, const char *name, bool is_param), void *arg);

/* where the x86_64 SysV ABI puts a parameter when the function is entered */
enum dw_loc_kind {
	DW_LOC_REG,   /* in a general register */
	DW_LOC_STACK, /* in memory at %sp + offset */
	DW_LOC_NONE,  /* somewhere tap cannot fetch */
};

struct dw_loc {
	enum dw_loc_kind kind;
	const char *reg; /* "%di" */
	unsigned nregs;	 /* registers a small struct takes (1 or 2) */
	int64_t offset;	 /* DW_LOC_STACK */
	const char *why; /* DW_LOC_NONE: "in %xmm0 (floating point)" */
};

/*
 * Classifies the parameters of @fn as the x86_64 SysV ABI passes them:
 * integers and pointers in %di %si %dx %cx %r8 %r9, then on the stack;
 * floating point in %xmm registers; structs up to 16 bytes of integers in
 * registers, larger ones on the stack. @locs has fn->nparams entries.
 */
void dw_abi_locate(const struct dw_func *fn, struct dw_loc *locs);

#endif
