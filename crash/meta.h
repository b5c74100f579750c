/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef TAP_CRASH_META_H
#define TAP_CRASH_META_H

/*
 * The small bundle saved at session start that a crash dump cannot give
 * back on its own: event formats (dynamic event ids change per boot),
 * header page, saved_cmdlines, trace_clock, boot id, kernel build id, the
 * session's script, and kallsyms and BTF only where the dump will not
 * carry them (kernels before 6.0). One directory per boot:
 *   DIR/<boot_id>/{boot_id,build_id,release,clock_offset,header_page,...}
 *   DIR/<boot_id>/events/SYS/NAME/format
 *   DIR/<boot_id>/instances/NAME/{trace_clock,script.tap,options}
 * It lives on persistent storage (/var/lib/tap/crash by default): /run is
 * gone after the crash.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct plan;
struct tep_handle;

/* DIR: $TAP_CRASH_DIR, else /var/lib/tap/crash */
const char *crash_meta_dir(void);

/*
 * Saves (or refreshes: dynamic event ids change when probes are added)
 * the bundle for @plan's instance. @script is the source, @options the
 * tapc options, NULL-terminated. 0 or -errno.
 */
int crash_meta_save(const char *dir, const struct plan *plan,
		    const char *script_name, const char *script,
		    char *const *options);

struct crash_meta {
	char *path;	/* DIR/<boot_id> */
	char *boot_id;	/* 36-char uuid */
	char *build_id;	/* hex */
	char *release;
	int64_t clock_offset;	/* wall ns = mono ns + this */
	char *kallsyms;	/* text, or NULL */
	void *btf;	/* raw BTF, or NULL */
	size_t btf_size;
};

/*
 * Loads the bundle of boot @boot_id from @dir, or (NULL) the only one /
 * the newest one. 0, -ENOENT. Free with crash_meta_release().
 */
int crash_meta_load(const char *dir, const char *boot_id, struct crash_meta *m);
void crash_meta_release(struct crash_meta *m);

/* A tep with the header page and every saved format. NULL on failure. */
struct tep_handle *crash_meta_tep(const struct crash_meta *m);

/* DIR/<boot>/instances/@name/@file as a malloc'd string, or NULL */
char *crash_meta_instance_file(const struct crash_meta *m, const char *name,
			       const char *file);

/* the running kernel's build id (hex, from /sys/kernel/notes), or NULL */
char *crash_live_build_id(void);
/* hex of an ELF note buffer's NT_GNU_BUILD_ID, or NULL */
char *crash_build_id_from_notes(const void *notes, size_t len);

#endif
