// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * JSON lines: string escaping under any input (control bytes, quotes,
 * broken and valid UTF-8) and the record object with an event's fields,
 * decoded through a real format file.
 */
#include <event-parse.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "format.h"
#include "json.h"

static void check_escape(const char *in, size_t n, const char *want)
{
	struct strbuf sb;

	strbuf_init(&sb);
	CHECK(json_escape(&sb, in, n) == 0);
	CHECK_STR(sb.buf ? sb.buf : "", want);
	strbuf_release(&sb);
}

static void test_escape(void)
{
	check_escape("plain text", 10, "plain text");
	check_escape("a\"b\\c", 5, "a\\\"b\\\\c");
	check_escape("l1\nl2\t\r\b\f", 9, "l1\\nl2\\t\\r\\b\\f");
	check_escape("\x01\x1f\x7f", 3, "\\u0001\\u001f\\u007f");
	check_escape("nul\0end", 7, "nul\\u0000end");
	/* valid UTF-8 passes as it is: é, €, 𝄞 */
	check_escape("\xc3\xa9 \xe2\x82\xac \xf0\x9d\x84\x9e", 11,
		     "\xc3\xa9 \xe2\x82\xac \xf0\x9d\x84\x9e");
	/* broken UTF-8 becomes code points of the byte values */
	check_escape("\xff", 1, "\\u00ff");
	check_escape("\xc3", 1, "\\u00c3");	/* cut short */
	check_escape("\xc0\x80", 2, "\\u00c0\\u0080");	/* overlong */
	check_escape("\xed\xa0\x80", 3, "\\u00ed\\u00a0\\u0080");	/* surrogate */
	check_escape("\xf4\x90\x80\x80", 4, "\\u00f4\\u0090\\u0080\\u0080");	/* > U+10FFFF */
	check_escape("\xe2\x82", 2, "\\u00e2\\u0082");
	check_escape("ok\xe2\x82\xacok\x80", 8, "ok\xe2\x82\xacok\\u0080");
}

static const char format[] =
	"name: open_ev\n"
	"ID: 77\n"
	"format:\n"
	"\tfield:unsigned short common_type;\toffset:0;\tsize:2;\tsigned:0;\n"
	"\tfield:unsigned char common_flags;\toffset:2;\tsize:1;\tsigned:0;\n"
	"\tfield:unsigned char common_preempt_count;\toffset:3;\tsize:1;\tsigned:0;\n"
	"\tfield:int common_pid;\toffset:4;\tsize:4;\tsigned:1;\n"
	"\n"
	"\tfield:int dfd;\toffset:8;\tsize:4;\tsigned:1;\n"
	"\tfield:unsigned long flags;\toffset:16;\tsize:8;\tsigned:0;\n"
	"\tfield:char comm[8];\toffset:24;\tsize:8;\tsigned:0;\n"
	"\tfield:__data_loc char[] name;\toffset:32;\tsize:4;\tsigned:0;\n"
	"\tfield:u8 raw[3];\toffset:36;\tsize:3;\tsigned:0;\n"
	"\tfield:u16 w[2];\toffset:40;\tsize:4;\tsigned:0;\n"
	"\tfield:int wide;\toffset:56;\tsize:8;\tsigned:0;\n"
	"\n"
	"print fmt: \"dfd=%d\", REC->dfd\n";

static void test_record(void)
{
	struct tep_handle *tep = tep_alloc();
	unsigned char data[64] = { 0 };
	struct json_record r = { .probe = "kernel.trace(\"t:open_ev\")",
				 .wall_ns = 1700000000123456789ll, .has_event = true,
				 .cpu = 1, .pid = 42, .tid = 43, .comm = "my \"app\"" };
	struct strbuf sb;
	int32_t dfd = -100;
	uint64_t flags = 0x8000;
	uint32_t loc = (uint32_t)(48 | (6u << 16));

	tep_set_loglevel(TEP_LOG_CRITICAL);
	CHECK(tep_parse_event(tep, format, sizeof(format) - 1, "t") == 0);
	r.event = tep_find_event(tep, 77);
	CHECK(r.event != NULL);
	memcpy(data + 8, &dfd, 4);
	memcpy(data + 16, &flags, 8);
	memcpy(data + 24, "bash\0\0\0\0", 8);
	memcpy(data + 32, &loc, 4);
	memcpy(data + 36, "\x01\x02\xff", 3);
	memcpy(data + 40, "\x01\x00\xff\xff", 4);
	memcpy(data + 48, "/a\"b\n", 6);
	/* a syscall's int in an unsigned 8-byte slot: -100 is meant */
	memcpy(data + 56, "\x9c\xff\xff\xff\0\0\0\0", 8);
	r.data = data;
	r.size = sizeof(data);

	strbuf_init(&sb);
	strbuf_add(&sb, "keep", 4);
	strbuf_add(&sb, "hello\n", 6);
	CHECK(json_wrap(&sb, 4, &r) == 0);
	CHECK_STR(sb.buf,
		  "keep{\"time\":\"2023-11-14T22:13:20.123456789Z\",\"cpu\":1,\"pid\":42,"
		  "\"tid\":43,\"comm\":\"my \\\"app\\\"\",\"probe\":\"kernel.trace(\\\"t:open_ev\\\")\","
		  "\"text\":\"hello\\n\",\"fields\":{\"dfd\":-100,\"flags\":32768,"
		  "\"comm\":\"bash\",\"name\":\"/a\\\"b\\n\",\"raw\":\"\\u0001\\u0002\\u00ff\",\"w\":[1,65535],\"wide\":-100}}\n");
	strbuf_release(&sb);

	/* no event: begin, end, timers */
	r = (struct json_record){ .probe = "begin", .wall_ns = 0 };
	strbuf_init(&sb);
	strbuf_add(&sb, "\x80", 1);
	CHECK(json_wrap(&sb, 0, &r) == 0);
	CHECK_STR(sb.buf, "{\"time\":\"1970-01-01T00:00:00.000000000Z\",\"probe\":\"begin\","
			  "\"text\":\"\\u0080\"}\n");
	strbuf_release(&sb);

	/* a __data_loc pointing out of the record gives null, not garbage */
	r = (struct json_record){ .probe = "p", .has_event = true, .event = tep_find_event(tep, 77),
				  .data = data, .size = 44 };
	loc = (uint32_t)(60 | (10u << 16));
	memcpy(data + 32, &loc, 4);
	strbuf_init(&sb);
	CHECK(json_wrap(&sb, 0, &r) == 0);
	CHECK(strstr(sb.buf, "\"name\":null") != NULL);
	strbuf_release(&sb);
	tep_free(tep);
}

int main(void)
{
	test_escape();
	test_record();
	return CHECK_DONE();
}
