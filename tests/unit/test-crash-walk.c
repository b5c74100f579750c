// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The crash-dump walk on a synthesised kernel memory: BTF built here with
 * the ring buffer's structs (with the members at 6.18's offsets, one of them
 * inside an anonymous struct), instances, per-CPU rings with a head page
 * flag and a partly consumed reader page, real event records; then damaged
 * variants: list loops, a broken page list, a bad page header, pages
 * missing from the dump.
 */
#include <bpf/btf.h>
#include <errno.h>
#include <event-parse.h>
#include <stdlib.h>

#include "check.h"
#include "decode.h"
#include "meta.h"
#include "raw.h"
#include "layout.h"
#include "mem.h"
#include "ring.h"

#define PAGE 4096
#define BASE 0xffff888000000000ull

/* the 6.18 header_page format: what kbuffer needs to parse pages */
static const char header_page[] =
	"\tfield: u64 timestamp;\toffset:0;\tsize:8;\tsigned:0;\n"
	"\tfield: local_t commit;\toffset:8;\tsize:8;\tsigned:1;\n"
	"\tfield: int overwrite;\toffset:8;\tsize:1;\tsigned:1;\n"
	"\tfield: char data;\toffset:16;\tsize:4080;\tsigned:1;\n";

static const char event_format[] =
	"name: demo\nID: 700\nformat:\n"
	"\tfield:unsigned short common_type;\toffset:0;\tsize:2;\tsigned:0;\n"
	"\tfield:unsigned char common_flags;\toffset:2;\tsize:1;\tsigned:0;\n"
	"\tfield:unsigned char common_preempt_count;\toffset:3;\tsize:1;\tsigned:0;\n"
	"\tfield:int common_pid;\toffset:4;\tsize:4;\tsigned:1;\n"
	"\n\tfield:unsigned long seq;\toffset:8;\tsize:8;\tsigned:0;\n"
	"\nprint fmt: \"seq=%lu\", REC->seq\n";

/* --- BTF ----------------------------------------------------------------- */

static struct btf *make_btf(void)
{
	struct btf *b = btf__new_empty();
	int u32 = btf__add_int(b, "unsigned int", 4, 0);
	int u64 = btf__add_int(b, "long unsigned int", 8, 0);
	int chr = btf__add_int(b, "char", 1, BTF_INT_SIGNED);
	int vp = btf__add_ptr(b, 0);
	int lh, ab, anon, data_arr;

	lh = btf__add_struct(b, "list_head", 16);
	btf__add_field(b, "next", vp, 0, 0);
	btf__add_field(b, "prev", vp, 64, 0);
	ab = btf__add_struct(b, "array_buffer", 16);
	btf__add_field(b, "tr", vp, 0, 0);
	btf__add_field(b, "buffer", vp, 64, 0);
	btf__add_struct(b, "trace_array", 64);
	btf__add_field(b, "list", lh, 0, 0);
	btf__add_field(b, "name", vp, 128, 0);
	btf__add_field(b, "array_buffer", ab, 256, 0);
	/* buffers sits in an anonymous struct: the walk must look inside */
	anon = btf__add_struct(b, NULL, 16);
	btf__add_field(b, "cpus", u32, 0, 0);
	btf__add_field(b, "buffers", vp, 64, 0);
	btf__add_struct(b, "trace_buffer", 120);
	btf__add_field(b, "flags", u32, 0, 0);
	btf__add_field(b, NULL, anon, 640, 0);	/* buffers at 80 + 8 = 88 */
	btf__add_struct(b, "ring_buffer_per_cpu", 160);
	btf__add_field(b, "nr_pages", u64, 320, 0);
	btf__add_field(b, "pages", vp, 448, 0);
	btf__add_field(b, "head_page", vp, 576, 0);
	btf__add_field(b, "commit_page", vp, 704, 0);
	btf__add_field(b, "reader_page", vp, 768, 0);
	btf__add_field(b, "entries", u64, 1088, 0);
	btf__add_field(b, "overrun", u64, 1152, 0);
	btf__add_struct(b, "buffer_page", 64);
	btf__add_field(b, "list", lh, 0, 0);
	btf__add_field(b, "read", u32, 192, 0);
	btf__add_field(b, "page", vp, 448, 0);
	data_arr = btf__add_array(b, u32, chr, 1);
	btf__add_struct(b, "buffer_data_page", 24);
	btf__add_field(b, "time_stamp", u64, 0, 0);
	btf__add_field(b, "commit", u64, 64, 0);
	btf__add_field(b, "data", data_arr, 128, 0);
	return b;
}

/* --- building memory --------------------------------------------------------- */

struct build {
	struct crash_mem *m;
	uint64_t next;	/* bump allocator of kernel addresses */
};

static uint64_t kalloc(struct build *b, size_t size)
{
	uint64_t a = b->next;

	b->next += (size + 4095) & ~4095ull;
	return a;
}

static void put64(struct build *b, uint64_t addr, uint64_t v)
{
	crash_mem_fake_add(b->m, addr, &v, 8);
}

/* a data page with @n events of seq @first.. starting at time @ts,
 * 100 ns apart */
static uint64_t data_page(struct build *b, uint64_t ts, unsigned first, unsigned n)
{
	unsigned char page[PAGE] = { 0 };
	uint64_t commit = 0, addr = kalloc(b, PAGE);

	memcpy(page, &ts, 8);
	for (unsigned i = 0; i < n; i++) {
		/* 16-byte payload: type_len 4, delta 0 then 100 */
		uint32_t hdr = 4 | ((i ? 100u : 0u) << 5);
		uint16_t type = 700;
		int32_t pid = 4242;
		uint64_t seq = first + i;
		unsigned char *p = page + 16 + commit;

		memcpy(p, &hdr, 4);
		memcpy(p + 4, &type, 2);
		memcpy(p + 8, &pid, 4);
		memcpy(p + 12, &seq, 8);
		commit += 20;
	}
	memcpy(page + 8, &commit, 8);
	crash_mem_fake_add(b->m, addr, page, PAGE);
	return addr;
}

/* buffer_page structs: list @0, read @24, page @56 */
static uint64_t buffer_page(struct build *b, uint64_t data, uint32_t read)
{
	unsigned char bp[64] = { 0 };
	uint64_t a = kalloc(b, 64);

	memcpy(bp + 24, &read, 4);
	memcpy(bp + 56, &data, 8);
	crash_mem_fake_add(b->m, a, bp, 64);
	return a;
}

/*
 * One CPU: a reader page (3 events, 2 consumed) and a ring of three pages
 * p0 (old, overwritten data), p1 (head) and p2 (commit).
 */
static uint64_t cpu_buffer(struct build *b, uint64_t t0, unsigned seq0)
{
	uint64_t reader = buffer_page(b, data_page(b, t0, seq0, 3), 40);
	uint64_t p0 = buffer_page(b, data_page(b, t0 - 100000, 9000, 2), 0);
	uint64_t p1 = buffer_page(b, data_page(b, t0 + 1000, seq0 + 3, 3), 0);
	uint64_t p2 = buffer_page(b, data_page(b, t0 + 2000, seq0 + 6, 2), 0);
	uint64_t cb = kalloc(b, 160);

	put64(b, p0, p1 | 1);	/* the HEAD flag rides on p0->next */
	put64(b, p1, p2);
	put64(b, p2, p0);
	put64(b, cb + 40, 3);	/* nr_pages */
	put64(b, cb + 56, p0);	/* pages */
	put64(b, cb + 72, p0);	/* head_page: stale on purpose */
	put64(b, cb + 88, p2);	/* commit_page */
	put64(b, cb + 96, reader);
	put64(b, cb + 136, 10);
	put64(b, cb + 144, 2);
	return cb;
}

static uint64_t instance(struct build *b, uint64_t *list_out, const char *name,
			 unsigned ncpu, uint64_t t0)
{
	uint64_t tr = kalloc(b, 64), tb = kalloc(b, 120), bufs = kalloc(b, 8 * ncpu);

	if (name) {
		uint64_t s = kalloc(b, 64);

		crash_mem_fake_add(b->m, s, name, strlen(name) + 1);
		put64(b, tr + 16, s);
	} else {
		put64(b, tr + 16, 0);
	}
	put64(b, tr + 32 + 8, tb);
	put64(b, tb + 88, bufs);
	for (unsigned c = 0; c < ncpu; c++)
		put64(b, bufs + 8 * c, cpu_buffer(b, t0 + 50 * c, 100 * c));
	*list_out = tr;	/* list is at offset 0 */
	return tr;
}

struct world {
	struct build b;
	uint64_t head, global;
	struct crash_layout layout;
	struct btf *btf;
	unsigned problems;
	char last_problem[512];
};

static void on_problem(void *arg, const char *msg)
{
	struct world *w = arg;

	w->problems++;
	snprintf(w->last_problem, sizeof(w->last_problem), "%s", msg);
}

static void world_init(struct world *w)
{
	uint64_t inst, glob;
	char err[128];

	memset(w, 0, sizeof(*w));
	w->b.m = crash_mem_fake();
	w->b.next = BASE;
	w->btf = make_btf();
	CHECK(crash_layout_from_btf(w->btf, &w->layout, err, sizeof(err)) == 0);
	w->head = kalloc(&w->b, 16);
	instance(&w->b, &inst, "tap_demo", 2, 1000000);
	w->global = instance(&w->b, &glob, NULL, 1, 5000000);
	/* head -> tap_demo -> global_trace -> head */
	put64(&w->b, w->head, inst);
	put64(&w->b, inst, glob);
	put64(&w->b, glob, w->head);
}

static int walk(struct world *w, struct crash_instance **v, size_t *n)
{
	struct crash_walk_opts o = {
		.layout = &w->layout, .ftrace_trace_arrays = w->head,
		.global_trace = w->global, .nr_cpu_ids = 2, .page_size = PAGE,
		.problem = on_problem, .arg = w,
	};

	return crash_walk(w->b.m, &o, v, n);
}

static void world_release(struct world *w)
{
	crash_mem_free(w->b.m);
	btf__free(w->btf);
}

/* --- tests --------------------------------------------------------------------- */

static void test_layout(void)
{
	struct world w;

	world_init(&w);
	CHECK(w.layout.tb_buffers == 88);	/* found inside the anonymous struct */
	CHECK(w.layout.bp_read == 24 && w.layout.bp_read_size == 4);
	CHECK(!w.layout.has_subbuf_order);
	CHECK(crash_btf_member(w.btf, "trace_array", "nonesuch", NULL) == -1);
	world_release(&w);
}

struct seqs {
	uint64_t seq[64];
	uint64_t ts[64];
	int cpu[64];
	int n;
};

static int collect(void *arg, int cpu, uint64_t ts, const void *data, int size)
{
	struct seqs *s = arg;

	if (s->n < 64 && size >= 16) {
		memcpy(&s->seq[s->n], (const char *)data + 8, 8);
		s->ts[s->n] = ts;
		s->cpu[s->n] = cpu;
		s->n++;
	}
	return 0;
}

static struct tep_handle *make_tep(void)
{
	struct tep_handle *tep = tep_alloc();

	tep_set_loglevel(TEP_LOG_CRITICAL);
	if (tep_parse_header_page(tep, (char *)header_page, sizeof(header_page) - 1, 8) ||
	    tep_parse_event(tep, event_format, sizeof(event_format) - 1, "tapdemo"))
		abort();
	return tep;
}

static void test_walk_and_decode(void)
{
	struct crash_instance *v = NULL;
	struct tep_handle *tep = make_tep();
	struct seqs s = { .n = 0 };
	struct world w;
	uint64_t missed = 0;
	size_t n = 0;

	world_init(&w);
	CHECK(walk(&w, &v, &n) == 0);
	CHECK(w.problems == 0);
	CHECK(n == 2);
	if (n != 2)
		goto out;
	CHECK(v[0].name && !strcmp(v[0].name, "tap_demo"));
	CHECK(v[1].name == NULL);	/* the top level */
	CHECK(v[0].ncpus == 2 && v[1].ncpus == 1);
	/* reader page, then the ring from the real head (p1) to commit (p2) */
	CHECK(v[0].cpus[0].npages == 3);
	CHECK(v[0].cpus[0].pages[0].skip == 40);
	CHECK(v[0].cpus[0].entries == 10 && v[0].cpus[0].overrun == 2);
	crash_trim_consumed(tep, &v[0], on_problem, &w);
	CHECK(crash_for_each_event(tep, &v[0], collect, &s, &missed) == 12);
	/* per CPU: 1 unread reader event + 3 + 2; old p0 data never shows */
	CHECK(s.n == 12);
	for (int i = 1; i < s.n; i++)
		CHECK(s.ts[i - 1] <= s.ts[i]);
	for (int i = 0; i < s.n; i++)
		CHECK(s.seq[i] < 9000);
	/* the first unread event keeps its time after trimming */
	CHECK(s.seq[0] == 2 && s.ts[0] == 1000000 + 200);
out:
	crash_instances_free(v, n);
	tep_free(tep);
	world_release(&w);
}

static void test_instance_loop(void)
{
	struct crash_instance *v = NULL;
	struct world w;
	uint64_t inst;
	size_t n = 0;

	world_init(&w);
	/* tap_demo's next points back at itself */
	crash_read_u64(w.b.m, w.head, &inst);
	put64(&w.b, inst, inst);
	CHECK(walk(&w, &v, &n) == 0);
	CHECK(n == 1);
	CHECK(w.problems == 1 && strstr(w.last_problem, "loops"));
	crash_instances_free(v, n);
	world_release(&w);
}

static void test_damage(void)
{
	struct crash_instance *v = NULL;
	struct world w;
	uint64_t inst, tb, bufs, cb, pages, p1, bad = 0xffff8880deadbee8ull;
	unsigned char junk[16];
	size_t n = 0;

	world_init(&w);
	crash_read_u64(w.b.m, w.head, &inst);
	crash_read_u64(w.b.m, inst + 40, &tb);
	crash_read_u64(w.b.m, tb + 88, &bufs);
	/* cpu 0: the ring breaks after the first page */
	crash_read_u64(w.b.m, bufs, &cb);
	crash_read_u64(w.b.m, cb + 56, &pages);
	crash_read_u64(w.b.m, pages, &p1);
	put64(&w.b, (p1 & ~3ull), bad);
	/* cpu 1: the reader page's data header claims too much */
	crash_read_u64(w.b.m, bufs + 8, &cb);
	{
		uint64_t reader, data, commit = 99999;

		crash_read_u64(w.b.m, cb + 96, &reader);
		crash_read_u64(w.b.m, reader + 56, &data);
		put64(&w.b, data + 8, commit);
	}
	memset(junk, 0, sizeof(junk));
	CHECK(walk(&w, &v, &n) == 0);
	CHECK(n == 2);
	CHECK(w.problems >= 2);
	if (n == 2) {
		/* cpu 0 still gives its reader page; cpu 1 its ring pages */
		CHECK(v[0].cpus[0].npages >= 1);
		CHECK(v[0].cpus[1].npages == 2);
	}
	crash_instances_free(v, n);
	world_release(&w);
}

static void test_truncated(void)
{
	struct crash_instance *v = NULL;
	struct crash_walk_opts o = { 0 };
	struct world w;
	size_t n = 0;

	world_init(&w);
	o.layout = &w.layout;
	o.ftrace_trace_arrays = 0xffff8880ffff0000ull;	/* not in the dump */
	o.global_trace = w.global;
	o.nr_cpu_ids = 2;
	o.page_size = PAGE;
	CHECK(crash_walk(w.b.m, &o, &v, &n) == -EFAULT);
	o.ftrace_trace_arrays = w.head;
	o.nr_cpu_ids = 1u << 30;	/* garbage count */
	CHECK(crash_walk(w.b.m, &o, &v, &n) == -EINVAL);
	world_release(&w);
}

static const char header_event[] =
	"# compressed entry header\n"
	"\ttype_len    :    5 bits\n"
	"\ttime_delta  :   27 bits\n"
	"\tarray       :   32 bits\n\n"
	"\tpadding     : type == 29\n"
	"\ttime_extend : type == 30\n"
	"\ttime_stamp : type == 31\n"
	"\tdata max type_len  == 28\n";

static void put_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (!f)
		abort();
	fputs(text, f);
	fclose(f);
}

/* the trace.dat writer, read back by trace-cmd report (the independent
 * reader): every recovered event, none of the consumed or stale ones */
static void test_tracedat(void)
{
	char dir[] = "/tmp/tap-unit-tracedat.XXXXXX", cmd[512], line[256];
	struct crash_meta meta = { 0 };
	struct crash_instance *v = NULL;
	struct tep_handle *tep = make_tep();
	struct world w;
	int events = 0, stale = 0;
	size_t n = 0;
	FILE *p;

	if (!mkdtemp(dir))
		abort();
	snprintf(cmd, sizeof(cmd), "mkdir -p %s/tracefs/events/tapdemo/demo", dir);
	if (system(cmd))
		abort();
	meta.path = dir;
	snprintf(cmd, sizeof(cmd), "%s/tracefs/events/header_page", dir);
	put_file(cmd, header_page);
	snprintf(cmd, sizeof(cmd), "%s/tracefs/events/header_event", dir);
	put_file(cmd, header_event);
	snprintf(cmd, sizeof(cmd), "%s/tracefs/events/tapdemo/demo/format", dir);
	put_file(cmd, event_format);
	snprintf(cmd, sizeof(cmd), "%s/tracefs/saved_cmdlines", dir);
	put_file(cmd, "4242 demoproc\n");
	world_init(&w);
	CHECK(walk(&w, &v, &n) == 0 && n == 2);
	crash_trim_consumed(tep, &v[0], on_problem, &w);
	snprintf(cmd, sizeof(cmd), "%s/out.dat", dir);
	CHECK(crash_write_tracedat(cmd, &meta, &v[0]) == 0);
	snprintf(cmd, sizeof(cmd), "trace-cmd report %s/out.dat 2>&1", dir);
	p = popen(cmd, "r");
	while (p && fgets(line, sizeof(line), p)) {
		events += strstr(line, "demo:") != NULL;
		stale += strstr(line, "seq=900") != NULL;
	}
	if (p)
		CHECK(pclose(p) == 0);
	CHECK(events == 12);
	CHECK(stale == 0);
	crash_instances_free(v, n);
	world_release(&w);
	tep_free(tep);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	if (system(cmd))
		abort();
}

int main(void)
{
	if (system("command -v trace-cmd >/dev/null") == 0)
		test_tracedat();
	test_layout();
	test_walk_and_decode();
	test_instance_loop();
	test_damage();
	test_truncated();
	return CHECK_DONE();
}
