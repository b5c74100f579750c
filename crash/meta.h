/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef TAP_CRASH_META_H
#define TAP_CRASH_META_H

/*
 * Reading the crash metadata bundle a session saved at its start
 * (runtime/crashmeta.h describes it and saves it).
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct plan;
struct tep_handle;

/* DIR: $TAP_CRASH_DIR, else /var/lib/tap/crash */
const char *crash_meta_dir(void);

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
