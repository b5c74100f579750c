/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef TAP_SDT_H
#define TAP_SDT_H

/*
 * SDT (USDT) markers: the .note.stapsdt notes that <sys/sdt.h> and
 * dtrace -G leave in a binary, and the translation of their argument
 * operands (gas syntax, x86_64) into tracefs fetch arguments.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct elf_file;

#define SDT_NOTE_OWNER "stapsdt"
#define SDT_NOTE_TYPE  3 /* NT_STAPSDT, note version 3 */

/* one note as written: link-time addresses, strings into the note data */
struct sdt_note {
	uint64_t pc;	    /* the marker's nop */
	uint64_t base;	    /* where .stapsdt.base was when the note was made */
	uint64_t semaphore; /* the marker's unsigned short counter, or 0 */
	const char *provider;
	const char *name;
	const char *args; /* "-4@%eax 8@(%rsi)", "" without arguments */
};

/*
 * Parses a note's descriptor: three words (8 bytes each when @is64, else 4)
 * in the file's byte order, then the NUL-terminated provider, name and
 * argument strings. The strings point into @desc. Returns 0 or -EINVAL
 * when the descriptor is truncated or a string is not terminated.
 */
int sdt_note_parse(const void *desc, size_t len, bool is64, bool big_endian,
		   struct sdt_note *out);

/* a marker of a file, with what a uprobe needs */
struct sdt_marker {
	struct sdt_note note; /* pc and semaphore after the prelink fix */
	uint64_t offset;      /* file offset of pc: the uprobe's offset */
	uint64_t ref_ctr;     /* file offset of the semaphore, or 0 */
};

/*
 * Calls @cb for each marker of @f, in note order, and stops when it
 * returns non-zero (that value is returned). Addresses are moved by
 * .stapsdt.base's displacement when the file was prelinked, then converted
 * to file offsets through the PT_LOAD segments. Returns 0 (also for a file
 * without markers), -ENOEXEC for an unreadable ELF, -ERANGE when a marker
 * lies in no segment.
 */
int sdt_markers_walk(struct elf_file *f,
		     int (*cb)(void *arg, const struct sdt_marker *m),
		     void *arg);

/* one argument converted for tracefs */
struct sdt_arg {
	unsigned size; /* bytes the value has */
	bool is_signed;
	char fetch[96]; /* "%ax", "+8(%di)", "\5", "@+0x401c" */
	char type[8];	/* "s32", "u64", ... */
};

/* what the converter needs to know of the file for symbol operands */
struct sdt_symbols {
	/* the link-time address of a symbol: 0, or -ENOENT */
	int (*addr)(void *arg, const char *name, uint64_t *vaddr);
	void *arg;
	/*
	 * tracefs fetches "@+X" at (probe address - probe offset + X), so a
	 * link-time address A is X = A - probe_vaddr + probe_offset.
	 */
	uint64_t probe_vaddr, probe_offset;
	bool pie; /* addresses move with the load address */
};

/*
 * Splits a note's argument string into its operands, copied into @buf;
 * up to @max pointers to them go to @ops. Returns the number of operands
 * (which may exceed @max), or -ENOSPC when @buf is too small.
 */
int sdt_args_split(const char *args, char *buf, size_t bufsz, const char **ops,
		   int max);

/*
 * Converts one operand ("-4@%eax", "8@(%rsi)", "-4@-20(%rbp)", "-4@$5",
 * "-4@sym(%rip)") into a fetch argument and type. Returns 0; -ENOTSUP
 * when tracefs cannot express the operand (an index register, a floating
 * point value, ...) or -EINVAL when it cannot be parsed, with the reason
 * in @why.
 */
int sdt_arg_convert(const char *op, const struct sdt_symbols *syms,
		    struct sdt_arg *out, char *why, size_t whysz);

#endif
