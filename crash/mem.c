// SPDX-License-Identifier: GPL-2.0-or-later
#include "mem.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <libkdumpfile/kdumpfile.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int crash_read_u64(struct crash_mem *m, uint64_t addr, uint64_t *v)
{
	return crash_read(m, addr, v, sizeof(*v));
}

int crash_read_u32(struct crash_mem *m, uint64_t addr, uint32_t *v)
{
	return crash_read(m, addr, v, sizeof(*v));
}

int crash_read_string(struct crash_mem *m, uint64_t addr, size_t max,
		      char **out)
{
	char *buf = calloc(1, max + 1);
	size_t n = 0;

	if (!buf)
		return -ENOMEM;
	/* byte by byte up to the NUL: the string may end before a hole */
	while (n < max && !crash_read(m, addr + n, buf + n, 1) && buf[n])
		n++;
	if (n == max || buf[n]) {
		free(buf);
		return -EFAULT;
	}
	*out = buf;
	return 0;
}

void crash_mem_free(struct crash_mem *m)
{
	if (m)
		m->free(m);
}

/* --- libkdumpfile -------------------------------------------------------- */

struct dump_mem {
	struct crash_mem m;
	kdump_ctx_t *ctx;
	int fd;
};

static int dump_read(struct crash_mem *m, uint64_t addr, void *buf, size_t len)
{
	struct dump_mem *d = (struct dump_mem *)m;
	size_t got = len;

	if (kdump_read(d->ctx, KDUMP_KVADDR, addr, buf, &got) != KDUMP_OK ||
	    got != len)
		return -EFAULT;
	return 0;
}

static char *dump_info(struct crash_mem *m, const char *key)
{
	struct dump_mem *d = (struct dump_mem *)m;
	char *val = NULL;

	if (kdump_vmcoreinfo_line(d->ctx, key, &val) != KDUMP_OK)
		return NULL;
	return val;
}

static void dump_free(struct crash_mem *m)
{
	struct dump_mem *d = (struct dump_mem *)m;

	if (d->ctx)
		kdump_free(d->ctx);
	if (d->fd >= 0)
		close(d->fd);
	free(d);
}

int crash_mem_open_dump(const char *path, struct crash_mem **out,
			const char **msg)
{
	struct dump_mem *d = calloc(1, sizeof(*d));
	int err;

	*msg = NULL;
	if (!d)
		return -ENOMEM;
	d->m.read = dump_read;
	d->m.vmcoreinfo = dump_info;
	d->m.free = dump_free;
	d->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (d->fd < 0) {
		err = -errno;
		free(d);
		return err;
	}
	d->ctx = kdump_new();
	if (!d->ctx) {
		dump_free(&d->m);
		return -ENOMEM;
	}
	/* vmcoreinfo and address translation need the OS type first;
	 * pages filtered out of the dump (all zero) read as zeros */
	if (kdump_set_string_attr(d->ctx, "addrxlat.ostype", "linux") != KDUMP_OK ||
	    kdump_open_fd(d->ctx, d->fd) != KDUMP_OK) {
		static char reason[256];

		snprintf(reason, sizeof(reason), "%s", kdump_get_err(d->ctx));
		*msg = reason;
		dump_free(&d->m);
		return -EINVAL;
	}
	kdump_set_number_attr(d->ctx, "file.zero_excluded", 1);
	*out = &d->m;
	return 0;
}

/* --- fake memory for tests ---------------------------------------------- */

struct fake_range {
	uint64_t addr;
	size_t len;
	unsigned char *data;
};

struct fake_mem {
	struct crash_mem m;
	struct fake_range *r;
	size_t n;
	char **keys, **values;
	size_t ninfo;
};

/* byte by byte, the newest range holding each byte wins: tests write
 * structs, then patch fields of them */
static int fake_read(struct crash_mem *m, uint64_t addr, void *buf, size_t len)
{
	struct fake_mem *f = (struct fake_mem *)m;
	unsigned char *out = buf;

	for (size_t k = 0; k < len; k++) {
		uint64_t a = addr + k;
		size_t i = f->n;

		while (i-- > 0) {
			struct fake_range *r = &f->r[i];

			if (a >= r->addr && a - r->addr < r->len) {
				out[k] = r->data[a - r->addr];
				break;
			}
		}
		if (i == (size_t)-1)
			return -EFAULT;
	}
	return 0;
}

static char *fake_info(struct crash_mem *m, const char *key)
{
	struct fake_mem *f = (struct fake_mem *)m;

	for (size_t i = 0; i < f->ninfo; i++)
		if (!strcmp(f->keys[i], key))
			return strdup(f->values[i]);
	return NULL;
}

static void fake_free(struct crash_mem *m)
{
	struct fake_mem *f = (struct fake_mem *)m;

	for (size_t i = 0; i < f->n; i++)
		free(f->r[i].data);
	for (size_t i = 0; i < f->ninfo; i++) {
		free(f->keys[i]);
		free(f->values[i]);
	}
	free(f->keys);
	free(f->values);
	free(f->r);
	free(f);
}

struct crash_mem *crash_mem_fake(void)
{
	struct fake_mem *f = calloc(1, sizeof(*f));

	if (!f)
		return NULL;
	f->m.read = fake_read;
	f->m.vmcoreinfo = fake_info;
	f->m.free = fake_free;
	return &f->m;
}

int crash_mem_fake_add(struct crash_mem *m, uint64_t addr, const void *data,
		       size_t len)
{
	struct fake_mem *f = (struct fake_mem *)m;
	struct fake_range *v = realloc(f->r, (f->n + 1) * sizeof(*v));

	if (!v)
		return -ENOMEM;
	f->r = v;
	v[f->n].addr = addr;
	v[f->n].len = len;
	v[f->n].data = malloc(len ? len : 1);
	if (!v[f->n].data)
		return -ENOMEM;
	memcpy(v[f->n].data, data, len);
	f->n++;
	return 0;
}

int crash_mem_fake_set_info(struct crash_mem *m, const char *key,
			    const char *value)
{
	struct fake_mem *f = (struct fake_mem *)m;
	char **k = realloc(f->keys, (f->ninfo + 1) * sizeof(*k));
	char **v;

	if (!k)
		return -ENOMEM;
	f->keys = k;
	v = realloc(f->values, (f->ninfo + 1) * sizeof(*v));
	if (!v)
		return -ENOMEM;
	f->values = v;
	k[f->ninfo] = strdup(key);
	v[f->ninfo] = strdup(value);
	f->ninfo++;
	return 0;
}
