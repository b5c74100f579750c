// SPDX-License-Identifier: GPL-2.0-or-later
/* JSON lines: one object per output record (json.h). */
#include "json.h"

#include <errno.h>
#include <event-parse.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "format.h"

/* length of the valid UTF-8 sequence at @s, or 0 (RFC 3629: no
 * overlong forms, no surrogates, nothing past U+10FFFF) */
static size_t utf8_len(const unsigned char *s, size_t n)
{
	unsigned char lo = 0x80, hi = 0xbf;
	size_t len;

	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		len = 2;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		len = 3;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		len = 4;
	else
		return 0;
	if (len > n)
		return 0;
	if (s[0] == 0xe0)
		lo = 0xa0;
	else if (s[0] == 0xed)
		hi = 0x9f;
	else if (s[0] == 0xf0)
		lo = 0x90;
	else if (s[0] == 0xf4)
		hi = 0x8f;
	if (s[1] < lo || s[1] > hi)
		return 0;
	for (size_t i = 2; i < len; i++)
		if (s[i] < 0x80 || s[i] > 0xbf)
			return 0;
	return len;
}

static int escape_byte(struct strbuf *sb, unsigned char c)
{
	char esc[8];

	switch (c) {
	case '"': return strbuf_add(sb, "\\\"", 2);
	case '\\': return strbuf_add(sb, "\\\\", 2);
	case '\n': return strbuf_add(sb, "\\n", 2);
	case '\t': return strbuf_add(sb, "\\t", 2);
	case '\r': return strbuf_add(sb, "\\r", 2);
	case '\b': return strbuf_add(sb, "\\b", 2);
	case '\f': return strbuf_add(sb, "\\f", 2);
	default:
		snprintf(esc, sizeof(esc), "\\u%04x", c);
		return strbuf_add(sb, esc, 6);
	}
}

int json_escape(struct strbuf *sb, const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0, run = 0;
	int err = 0;

	/* plain runs are copied in one go; the rest byte by byte */
	while (i < n && !err) {
		size_t len = 1;

		if (s[i] >= 0x20 && s[i] < 0x7f && s[i] != '"' && s[i] != '\\') {
			i++;
			run++;
			continue;
		}
		if (s[i] >= 0x80)
			len = utf8_len(s + i, n - i);
		if (len > 1) {
			i += len;
			run += len;
			continue;
		}
		err = strbuf_add(sb, str + i - run, run);
		run = 0;
		if (!err)
			err = escape_byte(sb, s[i]);
		i++;
	}
	if (!err && run)
		err = strbuf_add(sb, str + i - run, run);
	return err;
}

static int add_str(struct strbuf *sb, const char *s)
{
	return strbuf_add(sb, s, strlen(s));
}

static int add_key(struct strbuf *sb, const char *key, bool first)
{
	int err = first ? 0 : strbuf_add(sb, ",", 1);

	err |= strbuf_add(sb, "\"", 1);
	err |= json_escape(sb, key, strlen(key));
	err |= strbuf_add(sb, "\":", 2);
	return err;
}

static int add_string(struct strbuf *sb, const char *s, size_t n)
{
	int err = strbuf_add(sb, "\"", 1);

	err |= json_escape(sb, s, n);
	err |= strbuf_add(sb, "\"", 1);
	return err;
}

static uint64_t read_uint(const unsigned char *p, int size)
{
	uint8_t u8;
	uint16_t u16;
	uint32_t u32;
	uint64_t u64 = 0;

	switch (size) {
	case 1: memcpy(&u8, p, 1); return u8;
	case 2: memcpy(&u16, p, 2); return u16;
	case 4: memcpy(&u32, p, 4); return u32;
	default: memcpy(&u64, p, size < 8 ? (size_t)size : 8); return u64;
	}
}

static int add_number(struct strbuf *sb, const unsigned char *p, int size,
		      bool is_signed)
{
	uint64_t v = read_uint(p, size);
	char num[32];

	if (size > 0 && size < 8)
		v &= (1ull << (size * 8)) - 1;
	if (is_signed && size < 8 && size > 0 && (v >> (size * 8 - 1)))
		v |= ~((1ull << (size * 8)) - 1);
	if (is_signed)
		snprintf(num, sizeof(num), "%" PRId64, (int64_t)v);
	else
		snprintf(num, sizeof(num), "%" PRIu64, v);
	return add_str(sb, num);
}

/* where a field's bytes are, __data_loc fields included */
static bool field_bytes(const struct json_record *r,
			const struct tep_format_field *f,
			const unsigned char **p, int *len)
{
	const unsigned char *d = r->data;

	if (f->offset < 0 || f->offset + f->size > r->size)
		return false;
	*p = d + f->offset;
	*len = f->size;
	if (f->flags & TEP_FIELD_IS_DYNAMIC) {
		uint32_t loc = (uint32_t)read_uint(d + f->offset, 4);
		int off = (int)(loc & 0xffff), n = (int)(loc >> 16);

#ifdef TEP_FIELD_IS_RELATIVE
		if (f->flags & TEP_FIELD_IS_RELATIVE)
			off += f->offset + f->size;
#endif
		if (off + n > r->size)
			return false;
		*p = d + off;
		*len = n;
	}
	return true;
}

static int add_array(struct strbuf *sb, const unsigned char *p, int len,
		     int elem, bool is_signed)
{
	int err = strbuf_add(sb, "[", 1);

	if (elem <= 0 || elem > 8)
		elem = 1;
	for (int i = 0; i + elem <= len && !err; i += elem) {
		if (i)
			err |= strbuf_add(sb, ",", 1);
		err |= add_number(sb, p + i, elem, is_signed);
	}
	return err | strbuf_add(sb, "]", 1);
}

static bool starts(const char *s, const char *prefix)
{
	return !strncmp(s, prefix, strlen(prefix));
}

/*
 * The value as its C type says: syscall events keep an int in an
 * unsigned 8-byte slot ("int dfd; size:8; signed:0"), and -100 is what
 * the reader wants, not 4294967196.
 */
static void c_type(const struct tep_format_field *f, int *width, bool *is_signed)
{
	static const struct {
		const char *name;
		int width;
		bool is_signed;
	} types[] = {
		{ "int", 4, true },	{ "long", 8, true },	{ "short", 2, true },
		{ "char", 1, true },	{ "s8", 1, true },	{ "s16", 2, true },
		{ "s32", 4, true },	{ "s64", 8, true },	{ "pid_t", 4, true },
		{ "u8", 1, false },	{ "u16", 2, false },	{ "u32", 4, false },
		{ "u64", 8, false },	{ "bool", 1, false },	{ "size_t", 8, false },
	};
	const char *t = f->type;

	*width = f->size;
	*is_signed = f->flags & TEP_FIELD_IS_SIGNED;
	if (starts(t, "const "))
		t += 6;
	if (strchr(t, '*'))
		return;
	if (starts(t, "unsigned ")) {
		t += 9;
		*is_signed = false;
	} else if (starts(t, "signed ")) {
		t += 7;
	}
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		if (strcmp(t, types[i].name))
			continue;
		if (types[i].width < *width)
			*width = types[i].width;
		if (t == f->type || starts(f->type, "const ") || starts(f->type, "signed "))
			*is_signed = types[i].is_signed;
		return;
	}
}

static int add_field(struct strbuf *sb, const struct json_record *r,
		     const struct tep_format_field *f, bool first)
{
	bool is_signed = f->flags & TEP_FIELD_IS_SIGNED;
	const unsigned char *p;
	int len, err, width;

	err = add_key(sb, f->name, first);
	if (!field_bytes(r, f, &p, &len))
		return err | add_str(sb, "null");
	if (f->flags & TEP_FIELD_IS_STRING)
		return err | add_string(sb, (const char *)p, strnlen((const char *)p, (size_t)len));
	if (f->flags & (TEP_FIELD_IS_ARRAY | TEP_FIELD_IS_DYNAMIC))
		return err | add_array(sb, p, len, f->elementsize, is_signed);
	c_type(f, &width, &is_signed);
	return err | add_number(sb, p, width < len ? width : len, is_signed);
}

static int add_fields(struct strbuf *sb, const struct json_record *r)
{
	bool first = true;
	int err = add_str(sb, ",\"fields\":{");

	for (struct tep_format_field *f = r->event->format.fields; f && !err; f = f->next) {
		/* common_pid and friends are the record's own keys */
		if (!strncmp(f->name, "common_", 7))
			continue;
		err = add_field(sb, r, f, first);
		first = false;
	}
	return err | strbuf_add(sb, "}", 1);
}

static int add_time(struct strbuf *sb, int64_t ns)
{
	time_t sec = (time_t)(ns / 1000000000);
	long frac = (long)(ns % 1000000000);
	char buf[64];
	struct tm tm;

	if (frac < 0) {
		frac += 1000000000;
		sec--;
	}
	gmtime_r(&sec, &tm);
	strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf), ".%09ldZ", frac);
	return add_key(sb, "time", true) | add_string(sb, buf, strlen(buf));
}

static int add_int(struct strbuf *sb, const char *key, long long v)
{
	char num[32];

	snprintf(num, sizeof(num), "%lld", v);
	return add_key(sb, key, false) | add_str(sb, num);
}

static int build(struct strbuf *sb, const struct json_record *r,
		 const char *text, size_t len)
{
	int err = strbuf_add(sb, "{", 1);

	err |= add_time(sb, r->wall_ns);
	if (r->has_event) {
		err |= add_int(sb, "cpu", r->cpu);
		err |= add_int(sb, "pid", r->pid);
		err |= add_int(sb, "tid", r->tid);
		err |= add_key(sb, "comm", false);
		err |= add_string(sb, r->comm ? r->comm : "", r->comm ? strlen(r->comm) : 0);
	}
	err |= add_key(sb, "probe", false);
	err |= add_string(sb, r->probe ? r->probe : "", r->probe ? strlen(r->probe) : 0);
	err |= add_key(sb, "text", false);
	err |= add_string(sb, text, len);
	if (r->has_event && r->event && r->data)
		err |= add_fields(sb, r);
	err |= strbuf_add(sb, "}\n", 2);
	return err ? -ENOMEM : 0;
}

int json_wrap(struct strbuf *sb, size_t mark, const struct json_record *r)
{
	struct strbuf obj;
	int err;

	strbuf_init(&obj);
	err = build(&obj, r, sb->buf + mark, sb->len - mark);
	if (!err) {
		sb->len = mark;
		err = strbuf_add(sb, obj.buf, obj.len);
	}
	strbuf_release(&obj);
	return err;
}
