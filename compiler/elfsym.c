// SPDX-License-Identifier: GPL-2.0-or-later
#include "elfsym.h"

#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <gelf.h>
#include <libelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct elf_file {
	int fd;
	Elf *elf;
	bool pie;
};

int elf_file_open(const char *path, struct elf_file **out)
{
	struct elf_file *f;
	GElf_Ehdr eh;

	if (elf_version(EV_CURRENT) == EV_NONE)
		return -ENOSYS;
	f = calloc(1, sizeof(*f));
	if (!f)
		return -ENOMEM;
	f->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (f->fd < 0) {
		int err = -errno;

		free(f);
		return err;
	}
	f->elf = elf_begin(f->fd, ELF_C_READ, NULL);
	if (!f->elf || elf_kind(f->elf) != ELF_K_ELF ||
	    !gelf_getehdr(f->elf, &eh)) {
		elf_file_free(f);
		return -ENOEXEC;
	}
	f->pie = eh.e_type == ET_DYN;
	*out = f;
	return 0;
}

void elf_file_free(struct elf_file *f)
{
	if (!f)
		return;
	if (f->elf)
		elf_end(f->elf);
	if (f->fd >= 0)
		close(f->fd);
	free(f);
}

struct Elf *elf_file_elf(struct elf_file *f)
{
	return f->elf;
}

bool elf_file_is_pie(const struct elf_file *f)
{
	return f->pie;
}

int elf_vaddr_to_offset(struct elf_file *f, uint64_t vaddr, uint64_t *offset)
{
	size_t n;

	if (elf_getphdrnum(f->elf, &n))
		return -ENOEXEC;
	for (size_t i = 0; i < n; i++) {
		GElf_Phdr ph;

		if (!gelf_getphdr(f->elf, (int)i, &ph) || ph.p_type != PT_LOAD)
			continue;
		if (vaddr >= ph.p_vaddr && vaddr < ph.p_vaddr + ph.p_memsz) {
			*offset = vaddr - ph.p_vaddr + ph.p_offset;
			return 0;
		}
	}
	return -ERANGE;
}

/* --- symbol tables ------------------------------------------------------- */

/* a defined symbol as the walkers see it */
struct sym_view {
	const char *name; /* without the version */
	size_t name_len;
	const char *version; /* NULL: unversioned */
	size_t version_len;
	bool default_version;
	GElf_Sym sym;
};

typedef int (*sym_cb)(void *arg, const struct sym_view *s);

/* .dynsym's versions: .gnu.version indexes the names in .gnu.version_d */
struct versions {
	Elf_Data *versym;
	Elf_Data *verdef;
	size_t verdef_count;
	size_t strtab; /* section index of the names */
};

static void find_versions(Elf *elf, struct versions *v)
{
	Elf_Scn *scn = NULL;
	GElf_Shdr sh;

	memset(v, 0, sizeof(*v));
	while ((scn = elf_nextscn(elf, scn))) {
		if (!gelf_getshdr(scn, &sh))
			continue;
		if (sh.sh_type == SHT_GNU_versym) {
			v->versym = elf_getdata(scn, NULL);
		} else if (sh.sh_type == SHT_GNU_verdef) {
			v->verdef = elf_getdata(scn, NULL);
			v->verdef_count = sh.sh_info;
			v->strtab = sh.sh_link;
		}
	}
}

/* the name of version index @ndx, or NULL */
static const char *version_name(Elf *elf, const struct versions *v,
				unsigned ndx)
{
	size_t off = 0;

	for (size_t i = 0; v->verdef && i < v->verdef_count; i++) {
		GElf_Verdef vd;
		GElf_Verdaux va;

		if (!gelf_getverdef(v->verdef, (int)off, &vd))
			return NULL;
		if (vd.vd_ndx == ndx &&
		    gelf_getverdaux(v->verdef, (int)(off + vd.vd_aux), &va))
			return elf_strptr(elf, v->strtab, va.vda_name);
		if (!vd.vd_next)
			break;
		off += vd.vd_next;
	}
	return NULL;
}

/* "f@@V" (from .symtab) or .gnu.version's entry (from .dynsym) */
static void symbol_version(Elf *elf, const struct versions *v, size_t index,
			   struct sym_view *s)
{
	const char *at = strchr(s->name, '@');
	GElf_Versym vs;

	s->name_len = strlen(s->name);
	s->version = NULL;
	s->default_version = true;
	if (at) {
		s->name_len = (size_t)(at - s->name);
		s->default_version = at[1] == '@';
		s->version = at + (s->default_version ? 2 : 1);
		s->version_len = strlen(s->version);
		return;
	}
	if (!v || !v->versym || !gelf_getversym(v->versym, (int)index, &vs))
		return;
	/* 0 is local, 1 the unversioned global */
	if ((vs & 0x7fff) <= 1)
		return;
	s->version = version_name(elf, v, vs & 0x7fff);
	s->version_len = s->version ? strlen(s->version) : 0;
	s->default_version = !(vs & 0x8000);
}

static bool wanted(const GElf_Sym *sym, bool funcs_only)
{
	int type = GELF_ST_TYPE(sym->st_info);

	if (sym->st_shndx == SHN_UNDEF || sym->st_shndx == SHN_ABS ||
	    !sym->st_value)
		return false;
	if (type == STT_FUNC || type == STT_GNU_IFUNC)
		return true;
	/* data too, for the symbols SDT operands name; TLS has no address */
	return !funcs_only && (type == STT_OBJECT || type == STT_NOTYPE);
}

/* walks the defined symbols of one symbol table */
static int walk_symtab(struct elf_file *f, Elf_Scn *scn, GElf_Shdr *sh,
		       bool funcs_only, sym_cb cb, void *arg)
{
	Elf_Data *data = elf_getdata(scn, NULL);
	struct versions v;
	size_t n;

	if (!data || !sh->sh_entsize)
		return 0;
	if (sh->sh_type == SHT_DYNSYM)
		find_versions(f->elf, &v);
	n = sh->sh_size / sh->sh_entsize;
	for (size_t i = 0; i < n; i++) {
		struct sym_view s;
		int ret;

		if (!gelf_getsym(data, (int)i, &s.sym) ||
		    !wanted(&s.sym, funcs_only))
			continue;
		s.name = elf_strptr(f->elf, sh->sh_link, s.sym.st_name);
		if (!s.name || !*s.name)
			continue;
		symbol_version(f->elf, sh->sh_type == SHT_DYNSYM ? &v : NULL, i,
			       &s);
		ret = cb(arg, &s);
		if (ret)
			return ret;
	}
	return 0;
}

/* .symtab first; .dynsym only when the file is stripped */
static int walk_syms(struct elf_file *f, bool funcs_only, sym_cb cb, void *arg)
{
	Elf_Scn *scn = NULL, *dynsym = NULL;
	GElf_Shdr sh, dynsh;

	while ((scn = elf_nextscn(f->elf, scn))) {
		if (!gelf_getshdr(scn, &sh))
			continue;
		if (sh.sh_type == SHT_SYMTAB)
			return walk_symtab(f, scn, &sh, funcs_only, cb, arg);
		if (sh.sh_type == SHT_DYNSYM) {
			dynsym = scn;
			dynsh = sh;
		}
	}
	return dynsym ? walk_symtab(f, dynsym, &dynsh, funcs_only, cb, arg) : 0;
}

/* --- finding functions --------------------------------------------------- */

struct pattern {
	char name[256];
	const char *version; /* NULL: any */
	bool want_default;   /* "@@" */
	bool glob;
};

static int pattern_parse(const char *text, struct pattern *p)
{
	const char *at = strchr(text, '@');
	size_t n = at ? (size_t)(at - text) : strlen(text);

	if (n >= sizeof(p->name))
		return -ENAMETOOLONG;
	memcpy(p->name, text, n);
	p->name[n] = '\0';
	p->version = NULL;
	p->want_default = false;
	if (at) {
		p->want_default = at[1] == '@';
		p->version = at + (p->want_default ? 2 : 1);
	}
	p->glob = strpbrk(p->name, "*?[") != NULL;
	return 0;
}

struct match_ctx {
	struct elf_file *layout; /* whose segments give the offsets */
	const struct pattern *pat;
	struct elf_func *v;
	int n, cap;
	int err;
};

static bool pattern_matches(const struct pattern *p, const struct sym_view *s)
{
	char name[256];

	if (s->name_len >= sizeof(name))
		return false;
	memcpy(name, s->name, s->name_len);
	name[s->name_len] = '\0';
	if (p->glob ? fnmatch(p->name, name, 0) : strcmp(p->name, name))
		return false;
	if (!p->version)
		return true;
	if (!s->version || strlen(p->version) != s->version_len ||
	    strncmp(p->version, s->version, s->version_len))
		return false;
	return !p->want_default || s->default_version;
}

static int match_cb(void *arg, const struct sym_view *s)
{
	struct match_ctx *m = arg;
	struct elf_func *fn;
	uint64_t off;

	if (!pattern_matches(m->pat, s) ||
	    elf_vaddr_to_offset(m->layout, s->sym.st_value, &off))
		return 0;
	if (m->n == m->cap) {
		int cap = m->cap ? m->cap * 2 : 16;
		struct elf_func *v = realloc(m->v, (size_t)cap * sizeof(*v));

		if (!v)
			return m->err = -ENOMEM;
		m->v = v;
		m->cap = cap;
	}
	fn = &m->v[m->n];
	memset(fn, 0, sizeof(*fn));
	fn->vaddr = s->sym.st_value;
	fn->offset = off;
	fn->ifunc = GELF_ST_TYPE(s->sym.st_info) == STT_GNU_IFUNC;
	if (s->version)
		fn->version = strndup(s->version, s->version_len);
	if (s->version && !s->default_version) {
		if (asprintf(&fn->name, "%.*s@%s", (int)s->name_len, s->name,
			     fn->version ? fn->version : "") < 0)
			fn->name = NULL;
	} else {
		fn->name = strndup(s->name, s->name_len);
	}
	m->n++;
	if (!fn->name || (s->version && !fn->version))
		return m->err = -ENOMEM;
	return 0;
}

static int func_cmp(const void *a, const void *b)
{
	const struct elf_func *x = a, *y = b;
	int c = strcmp(x->name, y->name);

	if (c)
		return c;
	return x->vaddr < y->vaddr ? -1 : x->vaddr > y->vaddr;
}

/* a plain name: its default version when it has one */
static bool has_default(const struct elf_func *v, int n)
{
	for (int i = 0; i < n; i++)
		if (!strchr(v[i].name, '@'))
			return true;
	return false;
}

static void drop(struct elf_func *v, int *n, int i)
{
	free(v[i].name);
	free(v[i].version);
	memmove(&v[i], &v[i + 1], (size_t)(*n - i - 1) * sizeof(*v));
	(*n)--;
}

/* one function per address: the first name in sorted order stays */
static void dedupe(struct elf_func *v, int *n, bool plain_name)
{
	bool keep_default = plain_name && has_default(v, *n);

	for (int i = 0; i < *n;) {
		bool dup = keep_default && strchr(v[i].name, '@');

		for (int j = 0; j < i && !dup; j++)
			dup = v[j].vaddr == v[i].vaddr;
		if (dup)
			drop(v, n, i);
		else
			i++;
	}
}

int elf_funcs_match(struct elf_file *f, struct elf_file *layout,
		    const char *pattern, struct elf_func **out)
{
	struct pattern pat;
	struct match_ctx m = {.layout = layout ? layout : f, .pat = &pat};

	*out = NULL;
	if (pattern_parse(pattern, &pat))
		return 0;
	walk_syms(f, true, match_cb, &m);
	if (m.err) {
		elf_funcs_free(m.v, m.n);
		return m.err;
	}
	if (m.n)
		qsort(m.v, (size_t)m.n, sizeof(*m.v), func_cmp);
	dedupe(m.v, &m.n, !pat.glob && !pat.version);
	*out = m.v;
	return m.n;
}

void elf_funcs_free(struct elf_func *v, int n)
{
	for (int i = 0; v && i < n; i++) {
		free(v[i].name);
		free(v[i].version);
	}
	free(v);
}

int elf_func_offset(struct elf_file *f, const char *name, uint64_t *offset)
{
	struct elf_func *v;
	int n = elf_funcs_match(f, NULL, name, &v);

	if (n < 0)
		return n;
	if (n > 0)
		*offset = v[0].offset;
	elf_funcs_free(v, n);
	return n > 0 ? 0 : -ENOENT;
}

struct names_ctx {
	void (*cb)(void *arg, const char *name);
	void *arg;
};

static int names_cb(void *arg, const struct sym_view *s)
{
	struct names_ctx *nc = arg;
	char name[256];

	if (s->name_len >= sizeof(name))
		return 0;
	memcpy(name, s->name, s->name_len);
	name[s->name_len] = '\0';
	nc->cb(nc->arg, name);
	return 0;
}

void elf_func_names(struct elf_file *f, void (*cb)(void *arg, const char *name),
		    void *arg)
{
	struct names_ctx nc = {cb, arg};

	walk_syms(f, true, names_cb, &nc);
}

struct addr_ctx {
	const char *name;
	uint64_t vaddr;
	bool found;
};

static int addr_cb(void *arg, const struct sym_view *s)
{
	struct addr_ctx *a = arg;

	if (strlen(a->name) != s->name_len ||
	    strncmp(a->name, s->name, s->name_len))
		return 0;
	a->vaddr = s->sym.st_value;
	a->found = true;
	return 1;
}

int elf_symbol_addr(struct elf_file *f, const char *name, uint64_t *vaddr)
{
	struct addr_ctx a = {.name = name};

	walk_syms(f, false, addr_cb, &a);
	if (!a.found)
		return -ENOENT;
	*vaddr = a.vaddr;
	return 0;
}

/* --- separate debug information ------------------------------------------ */

static Elf_Scn *section_named(struct elf_file *f, const char *name)
{
	Elf_Scn *scn = NULL;
	size_t shstrndx;
	GElf_Shdr sh;

	if (elf_getshdrstrndx(f->elf, &shstrndx))
		return NULL;
	while ((scn = elf_nextscn(f->elf, scn))) {
		const char *n;

		if (!gelf_getshdr(scn, &sh))
			continue;
		n = elf_strptr(f->elf, shstrndx, sh.sh_name);
		if (n && !strcmp(n, name))
			return scn;
	}
	return NULL;
}

bool elf_has_section(struct elf_file *f, const char *name)
{
	Elf_Scn *scn = section_named(f, name);
	GElf_Shdr sh;

	/* objcopy --only-keep-debug leaves NOBITS placeholders behind */
	return scn && gelf_getshdr(scn, &sh) && sh.sh_type != SHT_NOBITS;
}

int elf_build_id(struct elf_file *f, const unsigned char **id, size_t *len)
{
	Elf_Scn *scn = NULL;
	GElf_Shdr sh;

	while ((scn = elf_nextscn(f->elf, scn))) {
		Elf_Data *d;
		GElf_Nhdr nh;
		size_t off = 0, name_off, desc_off;

		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_NOTE)
			continue;
		d = elf_getdata(scn, NULL);
		while (d && (off = gelf_getnote(d, off, &nh, &name_off,
						&desc_off)) > 0) {
			const char *b = d->d_buf;

			if (nh.n_type == NT_GNU_BUILD_ID && nh.n_namesz == 4 &&
			    !memcmp(b + name_off, "GNU", 4) && nh.n_descsz) {
				*id = (const unsigned char *)b + desc_off;
				*len = nh.n_descsz;
				return 0;
			}
		}
	}
	return -ENOENT;
}

const char *elf_debuglink(struct elf_file *f, uint32_t *crc)
{
	Elf_Scn *scn = section_named(f, ".gnu_debuglink");
	Elf_Data *d = scn ? elf_getdata(scn, NULL) : NULL;
	const char *name;
	size_t n, crc_off;
	GElf_Ehdr eh;
	const unsigned char *c;

	if (!d || !d->d_size)
		return NULL;
	name = d->d_buf;
	n = strnlen(name, d->d_size);
	/* the name, its NUL, padding to 4, then the CRC */
	crc_off = (n + 4) & ~(size_t)3;
	if (n == d->d_size || crc_off + 4 > d->d_size ||
	    !gelf_getehdr(f->elf, &eh))
		return NULL;
	c = (const unsigned char *)d->d_buf + crc_off;
	if (eh.e_ident[EI_DATA] == ELFDATA2MSB)
		*crc = (uint32_t)c[0] << 24 | (uint32_t)c[1] << 16 |
		       (uint32_t)c[2] << 8 | c[3];
	else
		*crc = (uint32_t)c[3] << 24 | (uint32_t)c[2] << 16 |
		       (uint32_t)c[1] << 8 | c[0];
	return name;
}

/* zlib's CRC-32 (reflected, polynomial 0xedb88320), as gdb checks it */
static uint32_t crc32_update(uint32_t crc, const unsigned char *p, size_t n)
{
	crc = ~crc;
	while (n--) {
		crc ^= *p++;
		for (int k = 0; k < 8; k++)
			crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1)));
	}
	return ~crc;
}

int elf_file_crc32(const char *path, uint32_t *crc)
{
	unsigned char buf[65536];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	uint32_t c = 0;
	ssize_t n;

	if (fd < 0)
		return -errno;
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		c = crc32_update(c, buf, (size_t)n);
	close(fd);
	if (n < 0)
		return -EIO;
	*crc = c;
	return 0;
}
