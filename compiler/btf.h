/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef TAP_BTF_H
#define TAP_BTF_H

/*
 * What kprobes need to know of a kernel: the functions it can probe
 * (tracefs available_filter_functions, else kallsyms) and their types
 * (BTF through libbpf), and the walk that turns "$file->f_path->dentry"
 * into a kprobe fetch argument such as "+40(+72(%di)):x64".
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct btf;
struct target;

/* --- kernel functions -------------------------------------------------- */

struct kfunc {
	const char *name;
	const char *module;	/* NULL: vmlinux */
	unsigned count;	/* how many functions have this name here */
};

struct kfuncs;

/*
 * Loads the functions a kprobe can be put on: @filter_functions (tracefs
 * "name" or "name [module]" lines) when it can be read, else the text
 * symbols of @kallsyms. @blacklist (debugfs kprobes/blacklist, may be
 * NULL or missing) names functions the kernel refuses. Returns 0, -ENOENT
 * when neither list can be read, or -ENOMEM; *@out is freed with
 * kfuncs_free().
 */
int kfuncs_load(const char *filter_functions, const char *kallsyms,
		const char *blacklist, struct kfuncs **out);
void kfuncs_free(struct kfuncs *k);

/* The function @name of @module (NULL: vmlinux), or NULL. */
const struct kfunc *kfuncs_find(const struct kfuncs *k, const char *module,
				const char *name);
/* Is @name on the kernel's kprobe blacklist? */
bool kfuncs_blacklisted(const struct kfuncs *k, const char *name);
/* Is @module loaded (does it have functions)? */
bool kfuncs_has_module(const struct kfuncs *k, const char *module);

/*
 * Calls @cb for each function of @module (NULL: vmlinux) whose name
 * matches @glob (fnmatch), in name order; stops when @cb returns
 * non-zero and returns that value.
 */
int kfuncs_walk(const struct kfuncs *k, const char *module, const char *glob,
		int (*cb)(const struct kfunc *f, void *arg), void *arg);
/* Calls @add with each module name, once. */
void kfuncs_modules(const struct kfuncs *k,
		    void (*add)(void *arg, const char *name), void *arg);

/* --- BTF of a kernel and its modules ------------------------------------ */

struct kbtf;

/* Remembers @dir (holding "vmlinux" and one file per module); loads
 * nothing yet. Returns 0 or -ENOMEM. */
int kbtf_open(const char *dir, struct kbtf **out);
void kbtf_free(struct kbtf *k);

/*
 * The BTF of @module (NULL: vmlinux), loaded on first use; a module's is
 * split BTF on top of vmlinux's. Returns 0, -ENOENT when the file is
 * missing, or another -errno. The BTF stays owned by @k.
 */
int kbtf_get(struct kbtf *k, const char *module, const struct btf **out);
/* the file kbtf_get() reads for @module, in a static buffer */
const char *kbtf_path(const struct kbtf *k, const char *module);

/* The target's function list and BTF, loaded once per target. */
int target_kfuncs(struct target *t, const struct kfuncs **out);
int target_btf(struct target *t, const char *module, const struct btf **out);
/*
 * Gives @t the kernel's BTF from memory (a crash dump's own copy) instead
 * of DIR/btf/vmlinux; module BTF still comes from DIR/btf/MODULE. 0 or
 * -errno; @raw is copied.
 */
int target_set_vmlinux_btf(struct target *t, const void *raw, size_t size);

/*
 * The FUNC_PROTO of function @name in @btf: for a module's split BTF only
 * the module's own functions count. Returns the id, or 0 if none.
 */
uint32_t kbtf_func_proto(const struct btf *btf, const char *name);

/*
 * The x86_64 register that holds parameter @index of @proto, counting
 * the registers the earlier parameters take (16-byte values take two).
 * Returns 0, -E2BIG when the parameter is passed on the stack, -EINVAL
 * when @index is out of range.
 */
int kbtf_param_reg(const struct btf *btf, uint32_t proto, unsigned index,
		   const char **reg);

/* A type as C spells it ("struct file *", "const char *"), into @buf. */
const char *kbtf_type_str(const struct btf *btf, uint32_t id, char *buf,
			  size_t size);

/*
 * The struct or union type named @name: "struct x", "union x", or a bare
 * "x" (struct, union, then typedef). Returns the id, or 0.
 */
uint32_t kbtf_find_type(const struct btf *btf, const char *name);

/* Calls @add with each member name of the composite @id, including the
 * members of anonymous structs and unions inside it. */
void kbtf_member_names(const struct btf *btf, uint32_t id,
		       void (*add)(void *arg, const char *name), void *arg);

/* --- member walks -------------------------------------------------------- */

/* one step of a chain: "->name", or "[index]" when name is NULL */
struct kbtf_step {
	const char *name;
	int64_t index;
};

enum kbtf_want {
	KBTF_VALUE,	/* numbers; char * and char[] as kernel strings */
	KBTF_RAW,	/* numbers; pointers stay numbers ($$parms) */
	KBTF_STRING,	/* kernel_string(): the string at the value */
	KBTF_USTRING,	/* user_string(): the user string at the value */
};

enum kbtf_kind {
	KBTF_NUM,
	KBTF_STR,
};

/* a value as a kprobe fetch argument */
struct kbtf_fetch {
	char *arg;	/* malloc'd, "+0(+40(+72(%di)))" */
	char type[32];	/* "u32", "x64", "string", "ustring", "b3@5/32" */
	enum kbtf_kind kind;
	unsigned width;	/* bytes of the value (numbers) */
	unsigned bits;	/* a bitfield's width in bits, or 0 */
	bool is_signed;	/* as C reads it (a signed bitfield too) */
	unsigned storage;	/* bytes the field takes in the event */
};

enum kbtf_error {
	KBTF_NO_MEMBER = 1,	/* the struct has no such member */
	KBTF_NOT_COMPOSITE,	/* "->" on something not a struct or a pointer to one */
	KBTF_NOT_INDEXABLE,	/* "[i]" on something not an array or pointer */
	KBTF_BAD_INDEX,	/* past the end of the array */
	KBTF_IS_COMPOSITE,	/* the value is a whole struct or union */
	KBTF_IS_ARRAY,	/* the value is an array (not of char) */
	KBTF_NOT_ADDRESS,	/* a string of something that is no address */
	KBTF_UNSUPPORTED,	/* a type tap cannot fetch (float, 128-bit) */
	KBTF_BY_VALUE,	/* a struct passed in registers */
};

struct kbtf_err {
	enum kbtf_error code;
	size_t step;	/* the step that failed (nsteps: the value itself) */
	uint32_t type;	/* the type it failed on */
};

/*
 * Walks @steps from a value: @base is where it is (a register such as
 * "%di", or "$retval"), of type @type. With @in_memory, @base is instead
 * the address of an object of type @type (@cast). @addend is added to
 * the address of a string (KBTF_STRING, KBTF_USTRING). Returns 0 with
 * *@out filled (free out->arg), -EINVAL with *@err filled, or -ENOMEM.
 */
int kbtf_walk(const struct btf *btf, uint32_t type, const char *base,
	      bool in_memory, const struct kbtf_step *steps, size_t nsteps,
	      enum kbtf_want want, int64_t addend, struct kbtf_fetch *out,
	      struct kbtf_err *err);

#endif
