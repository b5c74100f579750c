// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Saving the crash metadata bundle at session start (tap-crash(1) and
 * docs/crash-analysis.md say what it is for; crash/meta.c reads it).
 */
#include "crashmeta.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "compiler.h"
#include "fileio.h"
#include "plan.h"
#include "session.h"
#include "target.h"

const char *crashmeta_dir(void)
{
	const char *env = getenv("TAP_CRASH_DIR");

	return env && *env ? env : "/var/lib/tap/crash";
}

static const char *tracing_dir(void)
{
	const char *env = getenv("TAP_TRACEFS");

	return env && *env ? env : "/sys/kernel/tracing";
}

/* writes via a temporary file and rename, so a crash mid-save leaves the
 * previous copy whole */
static int put(const char *dir, const char *rel, const void *data, size_t len)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	if (strrchr(rel, '/')) {
		char sub[4096];
		int err;

		snprintf(sub, sizeof(sub), "%s", path);
		*strrchr(sub, '/') = '\0';
		err = file_mkdirs(sub);
		if (err)
			return err;
	}
	return file_write_atomic(path, data, len);
}

static int put_str(const char *dir, const char *rel, const char *s)
{
	return put(dir, rel, s, strlen(s));
}

static int copy_file(const char *dir, const char *path, const char *as)
{
	size_t len;
	char *text = file_read_text(path, &len);
	int err;

	if (!text)
		return -errno;
	err = put(dir, as, text, len);
	free(text);
	return err;
}

static int copy_bin(const char *dir, const char *path, const char *as)
{
	size_t len;
	void *data = file_read_bin(path, &len);
	int err;

	if (!data)
		return -errno;
	err = put(dir, as, data, len);
	free(data);
	return err;
}

/* copies a tracefs file into the bundle */
static int copy_tracefs(const char *dir, const char *rel, const char *as)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s/%s", tracing_dir(), rel);
	return copy_file(dir, path, as ? as : rel);
}

char *crashmeta_build_id_from_notes(const void *notes, size_t len)
{
	const unsigned char *p = notes, *end = p + len;

	/* Elf64_Nhdr: namesz, descsz, type, then name and desc, 4-aligned */
	while (p + 12 <= end) {
		uint32_t namesz, descsz, type;
		const unsigned char *name, *desc;
		char *hex;

		memcpy(&namesz, p, 4);
		memcpy(&descsz, p + 4, 4);
		memcpy(&type, p + 8, 4);
		name = p + 12;
		desc = name + ((namesz + 3) & ~3u);
		if (desc + descsz > end || desc < name)
			return NULL;
		if (type == 3 && namesz == 4 && !memcmp(name, "GNU", 4) && descsz <= 64) {
			hex = malloc(descsz * 2 + 1);
			if (!hex)
				return NULL;
			for (uint32_t i = 0; i < descsz; i++)
				sprintf(hex + 2 * i, "%02x", desc[i]);
			return hex;
		}
		p = desc + ((descsz + 3) & ~3u);
	}
	return NULL;
}

char *crashmeta_live_build_id(void)
{
	size_t len = 0;
	void *notes = file_read_bin("/sys/kernel/notes", &len);
	char *id = notes ? crashmeta_build_id_from_notes(notes, len) : NULL;

	free(notes);
	return id;
}

static char *trimmed(char *s)
{
	if (s)
		s[strcspn(s, "\n")] = '\0';
	return s;
}

/* what the kernel offers, as a saved target's "features": the copy of
 * tracefs lacks kprobe_events and the other files that show it */
static int save_features(const char *dir)
{
	struct target *t = NULL;
	char *text;
	int err = target_open(NULL, &t);

	if (err)
		return err;
	text = target_features_text(t);
	err = text ? put_str(dir, "features", text) : -ENOMEM;
	free(text);
	target_free(t);
	return err;
}

/*
 * kallsyms and BTF can be read back out of a 6.0+ dump (vmcoreinfo
 * exports the kallsyms tables); older kernels need our copy (~4 MB each).
 */
static bool dump_has_symbols(void)
{
	struct utsname u;
	int major = 0, minor = 0;

	if (uname(&u) || sscanf(u.release, "%d.%d", &major, &minor) != 2)
		return false;
	return major > 6 || (major == 6 && minor >= 0);
}

static int save_boot(const char *dir)
{
	struct timespec rt, mono;
	char num[64], *bid;
	struct utsname u;
	int err = 0;

	bid = crashmeta_live_build_id();
	if (bid)
		err |= put_str(dir, "build_id", bid);
	free(bid);
	if (!uname(&u))
		err |= put_str(dir, "release", u.release);
	clock_gettime(CLOCK_REALTIME, &rt);
	clock_gettime(CLOCK_MONOTONIC, &mono);
	snprintf(num, sizeof(num), "%lld\n",
		 ((long long)rt.tv_sec - mono.tv_sec) * 1000000000ll + (rt.tv_nsec - mono.tv_nsec));
	err |= put_str(dir, "clock_offset", num);
	/* laid out as a saved compile target (target.c): tapc can compile the
	 * session's script against it on any machine */
	err |= copy_tracefs(dir, "events/header_page", "tracefs/events/header_page");
	err |= copy_tracefs(dir, "events/header_event", "tracefs/events/header_event");
	copy_tracefs(dir, "README", "tracefs/README");
	copy_tracefs(dir, "trace_clock", "tracefs/trace_clock");
	copy_tracefs(dir, "saved_cmdlines", "tracefs/saved_cmdlines");
	err |= save_features(dir);
	if (!dump_has_symbols()) {
		size_t len;
		void *btf = file_read_bin("/sys/kernel/btf/vmlinux", &len);

		if (btf)
			put(dir, "btf/vmlinux", btf, len);
		free(btf);
		copy_file(dir, "/proc/kallsyms", "kallsyms");
	}
	return err ? -EIO : 0;
}

static int put_lines(const char *dir, const char *rel, char *const *v, size_t n)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	int err;

	if (!f)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++)
		fprintf(f, "%s\n", v[i]);
	fclose(f);
	err = put(dir, rel, text ? text : "", text ? len : 0);
	free(text);
	return err;
}

/* "func" or "func [module]", as available_filter_functions has it */
static void kprobe_function_line(const struct probe_def *d, char *out, size_t size)
{
	const char *colon = strchr(d->target, ':');

	if (colon)
		snprintf(out, size, "%s [%.*s]", colon + 1, (int)(colon - d->target), d->target);
	else
		snprintf(out, size, "%s", d->target);
}

static bool has_line(const char *text, const char *line)
{
	size_t n = strlen(line);

	for (const char *p = text; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
		if (!strncmp(p, line, n) && (p[n] == '\n' || p[n] == '\0'))
			return true;
	return false;
}

/*
 * The kprobe provider checks that a function can be probed: the saved
 * target lists the functions the session probes (another session of the
 * boot adds its own), and the BTF of the modules they are in (the dump
 * carries the kernel's, not the modules').
 */
static int save_kprobe_functions(const char *dir, const struct plan *plan)
{
	const char *rel = "tracefs/available_filter_functions";
	char path[4200], line[512], btf[600];
	char *old, *text = NULL;
	size_t len = 0, n;
	FILE *f;
	int err = 0;

	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	old = file_read_text(path, &n);
	f = open_memstream(&text, &len);
	if (!f) {
		free(old);
		return -ENOMEM;
	}
	fputs(old ? old : "", f);
	fflush(f);
	for (size_t i = 0; i < plan->ndefs; i++) {
		const struct probe_def *d = &plan->defs[i];
		const char *colon;

		if (d->kind != PROBE_DEF_KPROBE && d->kind != PROBE_DEF_KRETPROBE)
			continue;
		kprobe_function_line(d, line, sizeof(line));
		if (!has_line(text ? text : "", line))
			fprintf(f, "%s\n", line);
		fflush(f);
		colon = strchr(d->target, ':');
		if (colon) {
			snprintf(btf, sizeof(btf), "btf/%.*s", (int)(colon - d->target), d->target);
			snprintf(path, sizeof(path), "/sys/kernel/btf/%.*s",
				 (int)(colon - d->target), d->target);
			copy_bin(dir, path, btf);
		}
	}
	if (fclose(f))
		err = -ENOMEM;
	if (!err && (!old || strcmp(old, text ? text : "")))
		err = put(dir, rel, text ? text : "", len);
	free(old);
	free(text);
	return err;
}

/* what tap-crash needs to compile the session's script again */
static int save_instance(const char *dir, const struct program *p,
			 const struct session_opts *o)
{
	const struct plan *plan = p->plan;
	const char *inst = plan->instance.name;
	char rel[512], tfile[512], **defs;
	int err = 0;

	for (size_t i = 0; i < plan->ndefs; i++) {
		char src[512], as[600];

		snprintf(src, sizeof(src), "events/%s/%s/format", plan->defs[i].system,
			 plan->defs[i].event);
		snprintf(as, sizeof(as), "tracefs/%s", src);
		err |= copy_tracefs(dir, src, as);
	}
	err |= save_kprobe_functions(dir, plan);
	snprintf(tfile, sizeof(tfile), "instances/%s/trace_clock", inst);
	snprintf(rel, sizeof(rel), "instances/%s/trace_clock", inst);
	err |= copy_tracefs(dir, tfile, rel);
	snprintf(rel, sizeof(rel), "instances/%s/script.tap", inst);
	err |= put(dir, rel, p->src->text, p->src->len);
	snprintf(rel, sizeof(rel), "instances/%s/script_name", inst);
	err |= put_str(dir, rel, p->src->name);
	snprintf(rel, sizeof(rel), "instances/%s/session", inst);
	err |= put_str(dir, rel, plan->session);
	snprintf(rel, sizeof(rel), "instances/%s/args", inst);
	err |= put_lines(dir, rel, p->args, (size_t)(p->nargs > 0 ? p->nargs : 0));
	defs = calloc(o->ndefines + 1, sizeof(*defs));
	for (size_t i = 0; defs && i < o->ndefines; i++)
		if (asprintf(&defs[i], "%s=%s", o->defines[i].name, o->defines[i].value) < 0)
			defs[i] = NULL;
	snprintf(rel, sizeof(rel), "instances/%s/defines", inst);
	err |= defs ? put_lines(dir, rel, defs, o->ndefines) : -ENOMEM;
	for (size_t i = 0; defs && i < o->ndefines; i++)
		free(defs[i]);
	free(defs);
	return err ? -EIO : 0;
}

int crashmeta_save(const char *dir, const struct program *p,
		   const struct session_opts *o)
{
	char path[4096];
	size_t len;
	char *boot = trimmed(file_read_text("/proc/sys/kernel/random/boot_id", &len));
	int err;

	if (!boot || !p->plan->instance.name) {
		free(boot);
		return -ENOENT;
	}
	snprintf(path, sizeof(path), "%s/%s", dir, boot);
	err = file_mkdirs(path);
	if (!err)
		err = put_str(path, "boot_id", boot);
	if (!err)
		err = save_boot(path);
	if (!err)
		err = save_instance(path, p, o);
	free(boot);
	return err;
}
