// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * SDT markers. The note format is SystemTap's v3 (<sys/sdt.h>); the
 * operands are whatever gcc chose for the "nor" constraint, in AT&T
 * syntax, so a register, a memory reference or an immediate.
 */
#include "sdt.h"

#include <ctype.h>
#include <errno.h>
#include <gelf.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "elfsym.h"

/* --- notes --------------------------------------------------------------- */

static uint64_t read_word(const unsigned char *p, unsigned width, bool big)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < width; i++) {
		unsigned shift = big ? (width - 1 - i) * 8 : i * 8;

		v |= (uint64_t)p[i] << shift;
	}
	return v;
}

/* the NUL-terminated string at *pos, which moves past it */
static const char *take_string(const char *base, size_t len, size_t *pos)
{
	const char *s = base + *pos;
	const char *nul;

	if (*pos >= len)
		return NULL;
	nul = memchr(s, '\0', len - *pos);
	if (!nul)
		return NULL;
	*pos += (size_t)(nul - s) + 1;
	return s;
}

int sdt_note_parse(const void *desc, size_t len, bool is64, bool big_endian,
		   struct sdt_note *out)
{
	const unsigned char *p = desc;
	unsigned w = is64 ? 8 : 4;
	size_t pos = 3 * w;

	if (len < pos)
		return -EINVAL;
	out->pc = read_word(p, w, big_endian);
	out->base = read_word(p + w, w, big_endian);
	out->semaphore = read_word(p + 2 * w, w, big_endian);
	out->provider = take_string(desc, len, &pos);
	out->name = out->provider ? take_string(desc, len, &pos) : NULL;
	out->args = out->name ? take_string(desc, len, &pos) : NULL;
	/* notes written before argument strings existed end after the name */
	if (out->name && !out->args)
		out->args = "";
	return out->provider && out->name ? 0 : -EINVAL;
}

static bool section_by_name(Elf *elf, const char *name, GElf_Shdr *out)
{
	Elf_Scn *scn = NULL;
	size_t shstrndx;

	if (elf_getshdrstrndx(elf, &shstrndx))
		return false;
	while ((scn = elf_nextscn(elf, scn))) {
		const char *n;

		if (!gelf_getshdr(scn, out))
			continue;
		n = elf_strptr(elf, shstrndx, out->sh_name);
		if (n && !strcmp(n, name))
			return true;
	}
	return false;
}

struct walk {
	struct elf_file *f;
	bool is64, big;
	bool have_base;
	uint64_t base_addr; /* .stapsdt.base's address in this file */
	int (*cb)(void *arg, const struct sdt_marker *m);
	void *arg;
};

static int one_note(struct walk *w, const char *desc, size_t len)
{
	struct sdt_marker m = {0};
	int err;

	if (sdt_note_parse(desc, len, w->is64, w->big, &m.note))
		return 0; /* a damaged note is skipped, as readelf does */
	/* prelink moved the file: the notes kept the old addresses */
	if (w->have_base && m.note.base && w->base_addr != m.note.base) {
		uint64_t delta = w->base_addr - m.note.base;

		m.note.pc += delta;
		if (m.note.semaphore)
			m.note.semaphore += delta;
	}
	err = elf_vaddr_to_offset(w->f, m.note.pc, &m.offset);
	if (!err && m.note.semaphore)
		err = elf_vaddr_to_offset(w->f, m.note.semaphore, &m.ref_ctr);
	if (err)
		return err;
	return w->cb(w->arg, &m);
}

static int walk_section(struct walk *w, Elf_Scn *scn)
{
	Elf_Data *data = elf_getdata(scn, NULL);
	GElf_Nhdr nh;
	size_t off = 0, name_off, desc_off;

	if (!data)
		return 0;
	while ((off = gelf_getnote(data, off, &nh, &name_off, &desc_off)) > 0) {
		const char *d = data->d_buf;
		int err;

		if (nh.n_type != SDT_NOTE_TYPE ||
		    nh.n_namesz != sizeof(SDT_NOTE_OWNER) ||
		    memcmp(d + name_off, SDT_NOTE_OWNER,
			   sizeof(SDT_NOTE_OWNER)))
			continue;
		err = one_note(w, d + desc_off, nh.n_descsz);
		if (err)
			return err;
	}
	return 0;
}

int sdt_markers_walk(struct elf_file *f,
		     int (*cb)(void *arg, const struct sdt_marker *m),
		     void *arg)
{
	Elf *elf = elf_file_elf(f);
	struct walk w = {.f = f, .cb = cb, .arg = arg};
	Elf_Scn *scn = NULL;
	GElf_Ehdr eh;
	GElf_Shdr sh;

	if (!gelf_getehdr(elf, &eh))
		return -ENOEXEC;
	w.is64 = eh.e_ident[EI_CLASS] == ELFCLASS64;
	w.big = eh.e_ident[EI_DATA] == ELFDATA2MSB;
	if (section_by_name(elf, ".stapsdt.base", &sh)) {
		w.have_base = true;
		w.base_addr = sh.sh_addr;
	}
	while ((scn = elf_nextscn(elf, scn))) {
		int err;

		/* the notes are not SHF_ALLOC: no PT_NOTE shows them */
		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_NOTE)
			continue;
		err = walk_section(&w, scn);
		if (err)
			return err;
	}
	return 0;
}

/* --- operands ------------------------------------------------------------ */

int sdt_args_split(const char *args, char *buf, size_t bufsz, const char **ops,
		   int max)
{
	size_t len = strlen(args);
	int n = 0;

	if (len + 1 > bufsz)
		return -ENOSPC;
	memcpy(buf, args, len + 1);
	for (char *p = buf; *p;) {
		while (*p == ' ' || *p == '\t')
			*p++ = '\0';
		if (!*p)
			break;
		if (n < max)
			ops[n] = p;
		n++;
		while (*p && *p != ' ' && *p != '\t')
			p++;
	}
	return n;
}

static int fail(char *why, size_t whysz, int err, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int fail(char *why, size_t whysz, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, whysz, fmt, ap);
	va_end(ap);
	return err;
}

/* x86_64 general registers by every name gas uses, and the kernel's name */
static const struct {
	const char *kname;
	const char *names[4]; /* 64-, 32-, 16- and 8-bit */
} x86_regs[] = {
	{"ax", {"rax", "eax", "ax", "al"}},
	{"bx", {"rbx", "ebx", "bx", "bl"}},
	{"cx", {"rcx", "ecx", "cx", "cl"}},
	{"dx", {"rdx", "edx", "dx", "dl"}},
	{"si", {"rsi", "esi", "si", "sil"}},
	{"di", {"rdi", "edi", "di", "dil"}},
	{"bp", {"rbp", "ebp", "bp", "bpl"}},
	{"sp", {"rsp", "esp", "sp", "spl"}},
	{"r8", {"r8", "r8d", "r8w", "r8b"}},
	{"r9", {"r9", "r9d", "r9w", "r9b"}},
	{"r10", {"r10", "r10d", "r10w", "r10b"}},
	{"r11", {"r11", "r11d", "r11w", "r11b"}},
	{"r12", {"r12", "r12d", "r12w", "r12b"}},
	{"r13", {"r13", "r13d", "r13w", "r13b"}},
	{"r14", {"r14", "r14d", "r14w", "r14b"}},
	{"r15", {"r15", "r15d", "r15w", "r15b"}},
	{"ip", {"rip", "eip", "ip", NULL}},
};

/* the kernel's name of gas register @name ("eax" -> "ax"), and its size */
static const char *kernel_reg(const char *name, unsigned *size)
{
	static const unsigned sizes[] = {8, 4, 2, 1};

	for (size_t i = 0; i < sizeof(x86_regs) / sizeof(x86_regs[0]); i++)
		for (int j = 0; j < 4; j++)
			if (x86_regs[i].names[j] &&
			    !strcmp(x86_regs[i].names[j], name)) {
				*size = sizes[j];
				return x86_regs[i].kname;
			}
	/* gas also spells the low byte of r8..r15 "r8l" */
	if (name[0] == 'r' && strlen(name) >= 3 &&
	    name[strlen(name) - 1] == 'l') {
		char alt[8];

		snprintf(alt, sizeof(alt), "%.*sb", (int)strlen(name) - 1,
			 name);
		return kernel_reg(alt, size);
	}
	return NULL;
}

/* why a register that is not a general one cannot be fetched */
static int bad_register(const char *name, char *why, size_t whysz)
{
	if (!strncmp(name, "xmm", 3) || !strncmp(name, "ymm", 3) ||
	    !strncmp(name, "zmm", 3) || !strncmp(name, "st", 2))
		return fail(
			why, whysz, -ENOTSUP,
			"'%%%s' is a floating point register, which tracefs cannot fetch",
			name);
	if (!strcmp(name, "ah") || !strcmp(name, "bh") || !strcmp(name, "ch") ||
	    !strcmp(name, "dh"))
		return fail(
			why, whysz, -ENOTSUP,
			"'%%%s' is a high-byte register, which tracefs cannot fetch",
			name);
	return fail(why, whysz, -EINVAL, "unknown register '%%%s'", name);
}

/* "%eax" (at *p) -> kernel name; *p moves past it */
static const char *parse_reg(const char **p, unsigned *size, char *why,
			     size_t whysz, int *err)
{
	char name[16];
	size_t n = 0;
	const char *k;

	if (**p != '%') {
		*err = fail(why, whysz, -EINVAL, "expected a register at '%s'",
			    *p);
		return NULL;
	}
	(*p)++;
	while (isalnum((unsigned char)**p) && n + 1 < sizeof(name))
		name[n++] = *(*p)++;
	name[n] = '\0';
	k = kernel_reg(name, size);
	if (!k)
		*err = bad_register(name, why, whysz);
	return k;
}

/*
 * A displacement: a number, a symbol, or symbol+number. Returns false when
 * it is not one of those.
 */
static bool parse_disp(const char **p, char *sym, size_t symsz, int64_t *num)
{
	const char *s = *p;
	size_t n = 0;
	char *end;

	*num = 0;
	sym[0] = '\0';
	if (isalpha((unsigned char)*s) || *s == '_' || *s == '.') {
		while ((isalnum((unsigned char)*s) || strchr("_.", *s)) && *s) {
			if (n + 1 >= symsz)
				return false;
			sym[n++] = *s++;
		}
		sym[n] = '\0';
		if (*s != '+' && *s != '-') {
			*p = s;
			return true;
		}
	}
	if (!isdigit((unsigned char)*s) && *s != '-' && *s != '+')
		return n == 0 && (*s == '(' || !*s);
	*num = strtoll(s, &end, 0);
	if (end == s)
		return false;
	*p = end;
	return true;
}

static void set_type(struct sdt_arg *out)
{
	snprintf(out->type, sizeof(out->type), "%c%u",
		 out->is_signed ? 's' : 'u', out->size * 8);
}

/* the fetch argument for link-time address @addr in the probed file */
static int file_address(const struct sdt_symbols *syms, uint64_t addr,
			struct sdt_arg *out, char *why, size_t whysz)
{
	uint64_t base = syms->probe_vaddr - syms->probe_offset;

	if (addr < base)
		return fail(why, whysz, -ENOTSUP,
			    "address 0x%" PRIx64
			    " lies before the probe's mapping",
			    addr);
	snprintf(out->fetch, sizeof(out->fetch), "@+0x%" PRIx64, addr - base);
	return 0;
}

static int symbol_address(const struct sdt_symbols *syms, const char *sym,
			  int64_t num, uint64_t *addr, char *why, size_t whysz)
{
	if (!syms || !syms->addr || syms->addr(syms->arg, sym, addr))
		return fail(why, whysz, -ENOTSUP, "no symbol '%s' in the file",
			    sym);
	*addr += (uint64_t)num;
	return 0;
}

static int convert_immediate(const char *s, const struct sdt_symbols *syms,
			     struct sdt_arg *out, char *why, size_t whysz)
{
	char sym[128];
	int64_t num;
	uint64_t addr;
	const char *p = s;
	int err;

	if (!parse_disp(&p, sym, sizeof(sym), &num) || *p)
		return fail(why, whysz, -EINVAL,
			    "cannot parse the immediate '$%s'", s);
	if (!sym[0]) {
		snprintf(out->fetch, sizeof(out->fetch), "\\%" PRId64, num);
		return 0;
	}
	/* the address of a symbol is a constant only where nothing moves */
	if (!syms || syms->pie)
		return fail(
			why, whysz, -ENOTSUP,
			"'$%s' is an address that moves with the load address",
			s);
	err = symbol_address(syms, sym, num, &addr, why, whysz);
	if (!err)
		snprintf(out->fetch, sizeof(out->fetch), "\\0x%" PRIx64, addr);
	return err;
}

static int convert_memory(const char *s, const struct sdt_symbols *syms,
			  struct sdt_arg *out, char *why, size_t whysz)
{
	const char *p = s, *base = NULL;
	char sym[128];
	int64_t num;
	uint64_t addr;
	unsigned rsize;
	int err = 0;

	if (!parse_disp(&p, sym, sizeof(sym), &num))
		return fail(why, whysz, -EINVAL,
			    "cannot parse the operand '%s'", s);
	if (*p == '(') {
		p++;
		base = parse_reg(&p, &rsize, why, whysz, &err);
		if (!base)
			return err;
		if (*p == ',')
			return fail(
				why, whysz, -ENOTSUP,
				"'%s' adds an index register, which tracefs cannot express",
				s);
		if (*p != ')' || p[1])
			return fail(why, whysz, -EINVAL,
				    "cannot parse the operand '%s'", s);
	} else if (*p) {
		return fail(why, whysz, -EINVAL,
			    "cannot parse the operand '%s'", s);
	}
	if (base && strcmp(base, "ip")) {
		if (sym[0])
			return fail(
				why, whysz, -ENOTSUP,
				"'%s' adds a symbol to a register, which tracefs cannot express",
				s);
		snprintf(out->fetch, sizeof(out->fetch), "%+" PRId64 "(%%%s)",
			 num, base);
		return 0;
	}
	/* sym(%rip) or an absolute address: memory of the file itself */
	if (!sym[0] && base)
		return fail(
			why, whysz, -ENOTSUP,
			"'%s' is relative to the next instruction, which the note does not give",
			s);
	if (sym[0])
		err = symbol_address(syms, sym, num, &addr, why, whysz);
	else
		addr = (uint64_t)num;
	if (!err && !syms)
		err = fail(why, whysz, -ENOTSUP, "'%s' needs the file's layout",
			   s);
	return err ? err : file_address(syms, addr, out, why, whysz);
}

/* "-4@" -> size 4, signed; the f of floating point values is refused */
static int parse_size(const char **p, struct sdt_arg *out, char *why,
		      size_t whysz)
{
	const char *s = *p, *at = strchr(s, '@');
	char *end;
	long n;

	out->size = 0;
	out->is_signed = false;
	if (!at)
		return 0; /* the oldest notes: an operand only */
	n = strtol(s, &end, 10);
	if (end == s)
		return fail(why, whysz, -EINVAL,
			    "cannot parse the size of '%s'", s);
	if (*end == 'f')
		return fail(
			why, whysz, -ENOTSUP,
			"'%s' is a floating point value, which tracefs cannot record",
			s);
	if (end != at)
		return fail(why, whysz, -EINVAL,
			    "cannot parse the size of '%s'", s);
	out->is_signed = n < 0;
	out->size = (unsigned)(n < 0 ? -n : n);
	if (out->size != 1 && out->size != 2 && out->size != 4 &&
	    out->size != 8)
		return fail(
			why, whysz, -ENOTSUP,
			"'%s' is %u bytes wide; tracefs records 1, 2, 4 or 8",
			s, out->size);
	*p = at + 1;
	return 0;
}

int sdt_arg_convert(const char *op, const struct sdt_symbols *syms,
		    struct sdt_arg *out, char *why, size_t whysz)
{
	const char *p = op;
	unsigned rsize = 8;
	int err;

	memset(out, 0, sizeof(*out));
	err = parse_size(&p, out, why, whysz);
	if (err)
		return err;
	if (strchr(p, ':'))
		return fail(
			why, whysz, -ENOTSUP,
			"'%s' uses a segment register, which tracefs cannot fetch",
			p);
	if (*p == '%') {
		const char *k = parse_reg(&p, &rsize, why, whysz, &err);

		if (!k)
			return err;
		if (*p)
			return fail(why, whysz, -EINVAL,
				    "cannot parse the operand '%s'", op);
		snprintf(out->fetch, sizeof(out->fetch), "%%%s", k);
	} else if (*p == '$') {
		err = convert_immediate(p + 1, syms, out, why, whysz);
	} else {
		err = convert_memory(p, syms, out, why, whysz);
	}
	if (err)
		return err;
	if (!out->size) {
		/* no size given: a register says its width, memory a long */
		out->size = rsize;
		out->is_signed = true;
	}
	set_type(out);
	return 0;
}
