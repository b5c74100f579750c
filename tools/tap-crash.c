// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * tap-crash: recover ftrace instances (tap's flight recorders) from a kdump
 * vmcore, without DWARF, crash(8) or a vmlinux: symbols from the dump's
 * kallsyms (6.0+) or the saved copy, struct layouts from BTF, event formats
 * and the session's script from the metadata saved at session start.
 */
#include <bpf/btf.h>
#include <errno.h>
#include <event-parse.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "btf.h"
#include "compiler.h"
#include "decode.h"
#include "ksyms.h"
#include "layout.h"
#include "mem.h"
#include "meta.h"
#include "output.h"
#include "ring.h"
#include "runtime.h"
#include "raw.h"
#include "kver.h"

enum format { FMT_TEXT, FMT_JSON, FMT_RAW };

struct opts {
	bool channels;	/* --channels: what this kernel offers */
	const char *vmcore;
	const char *meta_dir;
	const char *instance;
	const char *out_dir;
	enum format format;
	bool quiet;
};

struct ctx {
	struct opts o;
	struct crash_mem *mem;
	struct crash_meta meta;
	struct crash_ksyms *ksyms;
	struct btf *btf;
	struct crash_layout layout;
	struct crash_instance *inst;
	size_t ninst;
	size_t page_size;
	unsigned problems;
	struct tep_handle *tep;
};

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: tap-crash VMCORE [--meta DIR] [--instance NAME] [-o DIR] [--raw|--json]\n"
		"       tap-crash --channels [INSTANCE]\n"
		"Recover ftrace instances (tap flight recorders) from a kdump dump.\n"
		"\n"
		"  --meta DIR       saved metadata (default: $TAP_CRASH_DIR or /var/lib/tap/crash)\n"
		"  --instance NAME  the instance to recover; without it, list what the dump holds\n"
		"  -o DIR           write NAME.txt / NAME.json / NAME.dat there (default: stdout)\n"
		"  --raw            trace.dat for trace-cmd report and KernelShark\n"
		"  --json           one JSON object per event\n"
		"  -q, --quiet      do not report skipped or damaged parts\n"
		"  --channels       which ways out of a crash this kernel offers, and the\n"
		"                   kernel command line each one needs\n"
		"  -h, --help       this text\n"
		"Without --raw or --json the events run through the session's script,\n"
		"giving the text a live attach shows. See tap-crash(1).\n");
}

static int parse(int argc, char **argv, struct opts *o)
{
	static const struct option lo[] = {
		{ "meta", required_argument, NULL, 'm' },
		{ "instance", required_argument, NULL, 'i' },
		{ "raw", no_argument, NULL, 'r' },
		{ "json", no_argument, NULL, 'j' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ "channels", no_argument, NULL, 'C' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	while ((c = getopt_long(argc, argv, "o:qh", lo, NULL)) != -1) {
		switch (c) {
		case 'm': o->meta_dir = optarg; break;
		case 'i': o->instance = optarg; break;
		case 'o': o->out_dir = optarg; break;
		case 'r': o->format = FMT_RAW; break;
		case 'j': o->format = FMT_JSON; break;
		case 'q': o->quiet = true; break;
		case 'h': usage(stdout); exit(0);
		case 'C': o->channels = true; break;
		default: return -1;
		}
	}
	if (o->channels && optind == argc)
		return 0;
	if (optind != argc - 1) {
		fprintf(stderr, "tap-crash: give one dump file\n");
		return -1;
	}
	o->vmcore = argv[optind];
	if (!o->meta_dir)
		o->meta_dir = crash_meta_dir();
	return 0;
}

static void problem(void *arg, const char *msg)
{
	struct ctx *c = arg;

	c->problems++;
	if (!c->o.quiet)
		fprintf(stderr, "tap-crash: %s\n", msg);
}

/* --- symbols, types, boot ---------------------------------------------------- */

static int dump_boot_id(struct ctx *c, char out[37])
{
	unsigned char b[16];
	uint64_t addr;

	if (!c->ksyms || crash_ksyms_lookup(c->ksyms, "sysctl_bootid", &addr) ||
	    crash_read(c->mem, addr, b, sizeof(b)))
		return -ENOENT;
	snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
		 b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10],
		 b[11], b[12], b[13], b[14], b[15]);
	return 0;
}

/* symbols from the dump, else the saved kallsyms moved by KASLR */
static int load_symbols(struct ctx *c)
{
	uint64_t off = 0, text = 0;
	int err;

	if (c->ksyms)
		return 0;	/* the dump's own, found while matching the boot */
	if (!c->meta.kallsyms) {
		fprintf(stderr, "tap-crash: the dump carries no kallsyms (Linux before 6.0?) and "
				"the metadata has no saved copy\n");
		return -ENOENT;
	}
	err = crash_ksyms_from_text(c->meta.kallsyms, &c->ksyms);
	if (err)
		return err;
	crash_vmcoreinfo_u64(c->mem, "KERNELOFFSET", 16, &off);
	if (!crash_ksyms_lookup(c->ksyms, "_text", &text))
		crash_ksyms_shift(c->ksyms, (int64_t)(0xffffffff81000000ull + off - text));
	return 0;
}

/* BTF from the dump (__start_BTF..__stop_BTF), else the saved copy */
static int load_btf(struct ctx *c)
{
	uint64_t start, stop;
	void *raw;

	if (c->ksyms && !crash_ksyms_lookup(c->ksyms, "__start_BTF", &start) &&
	    !crash_ksyms_lookup(c->ksyms, "__stop_BTF", &stop) && stop > start &&
	    stop - start < (256u << 20)) {
		raw = malloc(stop - start);
		if (raw && !crash_read(c->mem, start, raw, stop - start))
			c->btf = btf__new(raw, (uint32_t)(stop - start));
		free(raw);
	}
	if (!c->btf && c->meta.btf)
		c->btf = btf__new(c->meta.btf, (uint32_t)c->meta.btf_size);
	if (!c->btf) {
		fprintf(stderr, "tap-crash: no BTF for the crashed kernel (in the dump or saved)\n");
		return -ENOENT;
	}
	return 0;
}

static int load_meta(struct ctx *c)
{
	char boot[37];
	char *dump_build = c->mem->vmcoreinfo(c->mem, "BUILD-ID");
	int err;

	/* a 6.0+ dump names its boot, which picks the saved bundle */
	crash_ksyms_from_dump(c->mem, &c->ksyms);
	err = crash_meta_load(c->o.meta_dir,
			      dump_boot_id(c, boot) ? NULL : boot, &c->meta);
	if (err) {
		fprintf(stderr, "tap-crash: no saved metadata for this boot in %s\n",
			c->o.meta_dir);
		free(dump_build);
		return err;
	}
	if (dump_build && c->meta.build_id && strcmp(dump_build, c->meta.build_id)) {
		fprintf(stderr, "tap-crash: the dump's kernel (build %s) is not the one the "
				"metadata was saved on (build %s)\n", dump_build, c->meta.build_id);
		free(dump_build);
		return -EINVAL;
	}
	free(dump_build);
	return 0;
}

static int walk(struct ctx *c)
{
	struct crash_walk_opts wo = { .layout = &c->layout, .problem = problem, .arg = c };
	char msg[256];
	uint64_t psz = 4096, nr_addr;
	uint32_t nr = 0;

	if (crash_layout_from_btf(c->btf, &c->layout, msg, sizeof(msg))) {
		fprintf(stderr, "tap-crash: %s\n", msg);
		return -ENOENT;
	}
	crash_vmcoreinfo_u64(c->mem, "PAGESIZE", 10, &psz);
	c->page_size = (size_t)psz;
	if (crash_ksyms_lookup(c->ksyms, "ftrace_trace_arrays", &wo.ftrace_trace_arrays) ||
	    crash_ksyms_lookup(c->ksyms, "global_trace", &wo.global_trace) ||
	    crash_ksyms_lookup(c->ksyms, "nr_cpu_ids", &nr_addr) ||
	    crash_read_u32(c->mem, nr_addr, &nr)) {
		fprintf(stderr, "tap-crash: ftrace_trace_arrays, global_trace or nr_cpu_ids is "
				"missing (a kernel without CONFIG_KALLSYMS_ALL?)\n");
		return -ENOENT;
	}
	wo.nr_cpu_ids = nr;
	wo.page_size = c->page_size;
	return crash_walk(c->mem, &wo, &c->inst, &c->ninst);
}

/* --- outputs ----------------------------------------------------------------- */

static FILE *open_out(struct ctx *c, const char *name, const char *ext)
{
	char path[4096];
	FILE *f;

	if (!c->o.out_dir)
		return stdout;
	snprintf(path, sizeof(path), "%s/%s.%s", c->o.out_dir, name, ext);
	f = fopen(path, "we");
	if (!f)
		fprintf(stderr, "tap-crash: cannot create '%s': %s\n", path, strerror(errno));
	return f;
}

static void json_string(FILE *f, const char *s, size_t n)
{
	fputc('"', f);
	for (size_t i = 0; i < n && s[i]; i++) {
		unsigned char ch = (unsigned char)s[i];

		if (ch == '"' || ch == '\\')
			fprintf(f, "\\%c", ch);
		else if (ch < 0x20 || ch >= 0x7f)
			fprintf(f, "\\u%04x", ch);
		else
			fputc(ch, f);
	}
	fputc('"', f);
}

/* a signed field of SIZE bytes, read as an unsigned number, as a signed one */
static long long sign_extend(unsigned long long v, int size)
{
	int bits = size > 0 && size < 8 ? size * 8 : 64;

	if (bits == 64)
		return (long long)v;
	if (v & (1ULL << (bits - 1)))
		v |= ~0ULL << bits;
	return (long long)v;
}

struct json_ctx {
	struct ctx *c;
	FILE *f;
};

static int json_event(void *arg, int cpu, uint64_t ts, const void *data, int size)
{
	struct json_ctx *j = arg;
	struct tep_record rec = { .ts = ts, .cpu = cpu, .data = (void *)data, .size = size };
	struct tep_event *ev = tep_find_event(j->c->tep, tep_data_type(j->c->tep, &rec));
	int pid = tep_data_pid(j->c->tep, &rec);
	const char *comm = tep_data_comm_from_pid(j->c->tep, pid);

	fprintf(j->f, "{\"time\":%" PRIu64 ",\"cpu\":%d,\"pid\":%d,\"comm\":", ts, cpu, pid);
	json_string(j->f, comm ? comm : "<...>", 64);
	fputs(",\"event\":", j->f);
	if (!ev) {
		fputs("null}\n", j->f);
		return 0;
	}
	fprintf(j->f, "\"%s:%s\"", ev->system, ev->name);
	for (struct tep_format_field *f = ev->format.fields; f; f = f->next) {
		fputc(',', j->f);
		json_string(j->f, f->name, strlen(f->name));
		fputc(':', j->f);
		if (f->flags & TEP_FIELD_IS_STRING) {
			int len = 0;
			char *s = tep_get_field_raw(NULL, ev, f->name, &rec, &len, 0);

			json_string(j->f, s ? s : "", s ? (size_t)len : 0);
		} else {
			unsigned long long v = 0;

			tep_read_number_field(f, data, &v);
			if (f->flags & TEP_FIELD_IS_SIGNED)
				fprintf(j->f, "%lld", sign_extend(v, f->size));
			else
				fprintf(j->f, "%llu", v);
		}
	}
	fputs("}\n", j->f);
	return 0;
}

struct text_ctx {
	struct rt *rt;
};

static int text_event(void *arg, int cpu, uint64_t ts, const void *data, int size)
{
	struct text_ctx *t = arg;

	rt_handle_record(t->rt, cpu, ts, data, size);
	return rt_should_stop(t->rt);
}

/* the session's handlers, compiled from the saved script for the saved
 * target (the crashed kernel's formats) */
/* "a\nb\n" -> { "a", "b" }, in place */
static size_t lines_of(char *text, char **v, size_t max)
{
	size_t n = 0;

	for (char *l = text ? strtok(text, "\n") : NULL; l && n < max; l = strtok(NULL, "\n"))
		v[n++] = l;
	return n;
}

/* the session's name, arguments and -D options, as it was started */
static void saved_options(struct ctx *c, const char *inst, struct compile_opts *co,
			  char **texts, char **args, struct compile_define *defs)
{
	char *dv[64];
	size_t nd;

	texts[0] = crash_meta_instance_file(&c->meta, inst, "session");
	texts[1] = crash_meta_instance_file(&c->meta, inst, "args");
	texts[2] = crash_meta_instance_file(&c->meta, inst, "defines");
	if (texts[0])
		texts[0][strcspn(texts[0], "\n")] = '\0';
	co->session = texts[0] ? texts[0] : inst + (strncmp(inst, "tap_", 4) ? 0 : 4);
	co->nargs = (int)lines_of(texts[1], args, 64);
	co->args = args;
	nd = lines_of(texts[2], dv, 64);
	for (size_t i = 0; i < nd; i++) {
		char *eq = strchr(dv[i], '=');

		if (eq)
			*eq = '\0';
		defs[i].name = dv[i];
		defs[i].value = eq ? eq + 1 : "1";
	}
	co->defines = defs;
	co->ndefines = nd;
}

/* kprobes compile against the crashed kernel's BTF: the dump's own (or
 * the saved copy load_btf() fell back to) */
static int use_dump_btf(struct ctx *c, struct target *t)
{
	uint32_t size = 0;
	const void *raw = btf__raw_data(c->btf, &size);
	int err = raw ? target_set_vmlinux_btf(t, raw, size) : -ENOMEM;

	if (err)
		fprintf(stderr, "tap-crash: cannot use the crashed kernel's BTF: %s\n",
			strerror(-err));
	return err;
}

static int run_handlers(struct ctx *c, struct crash_instance *in, FILE *f)
{
	char *script = crash_meta_instance_file(&c->meta, in->name, "script.tap");
	char *sname = crash_meta_instance_file(&c->meta, in->name, "script_name");
	char *texts[3] = { 0 }, *args[64];
	struct compile_define defs[64];
	struct compile_opts co = { 0 };
	struct program *prog = NULL;
	struct src_file *src = NULL;
	struct target *t = NULL;
	struct output out;
	struct text_ctx tc;
	struct diag d;
	uint64_t missed = 0;
	int err = -ENOENT;

	if (!script) {
		fprintf(stderr, "tap-crash: no saved script for '%s'; use --json or --raw\n",
			in->name);
		goto out;
	}
	if (sname)
		sname[strcspn(sname, "\n")] = '\0';
	saved_options(c, in->name, &co, texts, args, defs);
	err = src_file_from_string(sname ? sname : "script.tap", script, strlen(script), &src);
	if (!err)
		err = target_open(c->meta.path, &t);
	if (!err)
		err = use_dump_btf(c, t);
	if (err)
		goto out;
	diag_init(&d, src);
	err = compile_program(src, t, &co, &d, &prog);
	diag_print(&d, stderr, "tap-crash", false);
	diag_release(&d);
	if (err)
		goto out;
	output_init(&out, fileno(f));
	diag_init(&d, src);
	err = rt_create(prog, &out, &tc.rt);
	if (!err && rt_bind_events(tc.rt, c->tep, &d))
		err = -EINVAL;
	diag_print(&d, stderr, "tap-crash", false);
	diag_release(&d);
	if (!err) {
		rt_set_clock_offset(tc.rt, c->meta.clock_offset);
		/* the crashed kernel's pids are not ours */
		rt_skip_self(tc.rt, -1, 0);
		crash_for_each_event(c->tep, in, text_event, &tc, &missed);
		rt_run_end(tc.rt);
	}
	rt_free(tc.rt);
	output_release(&out);
out:
	program_free(prog);
	target_free(t);
	src_file_free(src);
	free(script);
	free(sname);
	for (int i = 0; i < 3; i++)
		free(texts[i]);
	return err;
}

static int recover(struct ctx *c, struct crash_instance *in)
{
	const char *name = in->name ? in->name : "top";
	struct json_ctx j = { c, NULL };
	uint64_t missed = 0;
	FILE *f;
	int err = 0;

	crash_trim_consumed(c->tep, in, problem, c);
	if (c->o.format == FMT_RAW) {
		char path[4096];

		snprintf(path, sizeof(path), "%s/%s.dat", c->o.out_dir ? c->o.out_dir : ".", name);
		err = crash_write_tracedat(path, &c->meta, in);
		if (!err)
			fprintf(stderr, "tap-crash: wrote %s\n", path);
		return err;
	}
	f = open_out(c, name, c->o.format == FMT_JSON ? "json" : "txt");
	if (!f)
		return -errno;
	if (c->o.format == FMT_JSON) {
		j.f = f;
		crash_for_each_event(c->tep, in, json_event, &j, &missed);
	} else {
		err = run_handlers(c, in, f);
	}
	if (f != stdout)
		fclose(f);
	else
		fflush(f);
	return err;
}

static void list(struct ctx *c)
{
	printf("%-32s %5s %7s %10s %10s %s\n", "INSTANCE", "CPUS", "PAGES", "ENTRIES",
	       "OVERRUN", "TAP SESSION");
	for (size_t i = 0; i < c->ninst; i++) {
		struct crash_instance *in = &c->inst[i];
		uint64_t pages = 0, entries = 0, overrun = 0;
		char *script = in->name ? crash_meta_instance_file(&c->meta, in->name,
								   "script_name") : NULL;

		for (size_t k = 0; k < in->ncpus; k++) {
			pages += in->cpus[k].npages;
			entries += in->cpus[k].entries;
			overrun += in->cpus[k].overrun;
		}
		if (script)
			script[strcspn(script, "\n")] = '\0';
		printf("%-32s %5zu %7" PRIu64 " %10" PRIu64 " %10" PRIu64 " %s\n",
		       in->name ? in->name : "(top level)", in->ncpus, pages, entries,
		       overrun, script ? script : "-");
		free(script);
	}
}

static int run(struct ctx *c)
{
	const char *why = NULL;
	int err = crash_mem_open_dump(c->o.vmcore, &c->mem, &why);

	if (err) {
		fprintf(stderr, "tap-crash: cannot open '%s': %s\n", c->o.vmcore,
			why ? why : strerror(-err));
		return 1;
	}
	if (load_meta(c) || load_symbols(c) || load_btf(c) || walk(c))
		return 1;
	c->tep = crash_meta_tep(&c->meta);
	if (!c->tep) {
		fprintf(stderr, "tap-crash: cannot read the saved event formats in %s\n",
			c->meta.path);
		return 1;
	}
	if (!c->o.instance) {
		list(c);
		return 0;
	}
	for (size_t i = 0; i < c->ninst; i++) {
		const char *n = c->inst[i].name ? c->inst[i].name : "top";

		if (!strcmp(n, c->o.instance) ||
		    (!strncmp(n, "tap_", 4) && !strcmp(n + 4, c->o.instance)))
			return recover(c, &c->inst[i]) ? 1 : 0;
	}
	fprintf(stderr, "tap-crash: no instance '%s' in the dump (run without --instance to list)\n",
		c->o.instance);
	return 1;
}

static bool file_has(const char *path, const char *needle)
{
	char buf[4096] = "";
	FILE *f = fopen(path, "re");
	size_t n;

	if (!f)
		return false;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return strstr(buf, needle) != NULL;
}

/*
 * The three ways a flight recorder survives a crash, checked on the
 * running kernel, with what to put on its command line.
 */
static int channels(const char *instance)
{
	const char *inst = instance ? instance : "tap_NAME";
	bool kexec = access("/sys/kernel/kexec_crash_size", F_OK) == 0;
	bool loaded = file_has("/sys/kernel/kexec_crash_loaded", "1");

	printf("kdump (tap-crash reads every instance from the dump):\n");
	if (!kexec)
		printf("  not available: this kernel has no kexec/crash dump support "
		       "(CONFIG_KEXEC_CORE, CONFIG_CRASH_DUMP)\n");
	else
		printf("  available; capture kernel %s\n"
		       "  command line: crashkernel=256M; install kdump-tools and set\n"
		       "  MAKEDUMP_ARGS=\"-c -d 31\" (level 31 keeps ring-buffer pages)\n",
		       loaded ? "loaded" : "NOT loaded (kdump-config load)");
	printf("ftrace_dump_on_oops (the instance printed to the console at a panic):\n");
	if (access("/proc/sys/kernel/ftrace_dump_on_oops", F_OK))
		printf("  not available on this kernel\n");
	else if (!kernel_at_least(6, 10))
		printf("  only the top-level buffer on this kernel (instances need 6.10)\n");
	else
		printf("  available: command line ftrace_dump_on_oops=%s, or now:\n"
		       "  sysctl kernel.ftrace_dump_on_oops=%s (keep its buffer small:\n"
		       "  tapc -s 1; the console is slow)\n", inst, inst);
	printf("persistent boot-mapped buffer (read after a warm reboot, no kdump):\n");
	if (!kernel_at_least(6, 12))
		printf("  not available: needs Linux 6.12 (reserve_mem= and trace_instance=)\n");
	else
		printf("  available: command line reserve_mem=12M:4096:trace "
		       "trace_instance=boot_map^traceoff@trace\n"
		       "  %s\n", file_has("/proc/cmdline", "reserve_mem=") ?
				      "reserve_mem is set on this boot" :
				      "not configured on this boot");
	return 0;
}

int main(int argc, char **argv)
{
	struct ctx c = { 0 };
	int rc;

	if (parse(argc, argv, &c.o)) {
		usage(stderr);
		return 2;
	}
	if (c.o.channels)
		return channels(c.o.vmcore);
	rc = run(&c);
	if (c.problems && !c.o.quiet)
		fprintf(stderr, "tap-crash: %u damaged or unreadable parts were skipped\n",
			c.problems);
	crash_instances_free(c.inst, c.ninst);
	if (c.tep)
		tep_free(c.tep);
	btf__free(c.btf);
	crash_ksyms_free(c.ksyms);
	crash_meta_release(&c.meta);
	crash_mem_free(c.mem);
	return rc;
}
