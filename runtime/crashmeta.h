/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef TAP_CRASHMETA_H
#define TAP_CRASHMETA_H

/*
 * The small bundle saved at session start that a crash dump cannot give
 * back on its own, for tap-crash: event formats (dynamic event ids change
 * per boot), header page, saved_cmdlines, trace_clock, boot id, kernel
 * build id, the session's script and options, and kallsyms and BTF only
 * where the dump will not carry them (kernels before 6.0). One directory
 * per boot, laid out as a saved compile target (target.c):
 *   DIR/<boot_id>/{boot_id,build_id,release,clock_offset,kallsyms?,btf?}
 *   DIR/<boot_id>/tracefs/{README,trace_clock,saved_cmdlines,events/...}
 *   DIR/<boot_id>/instances/NAME/{trace_clock,script.tap,script_name,
 *                                 session,args,defines}
 * It lives on persistent storage: /run is gone after the crash.
 */
#include <stddef.h>

struct program;
struct session_opts;

/* DIR: $TAP_CRASH_DIR, else /var/lib/tap/crash */
const char *crashmeta_dir(void);

/*
 * Saves (or refreshes: dynamic event ids change when probes are added)
 * the bundle for @p's instance. 0 or -errno.
 */
int crashmeta_save(const char *dir, const struct program *p,
		   const struct session_opts *o);

/* the running kernel's build id (hex, from /sys/kernel/notes), or NULL */
char *crashmeta_live_build_id(void);
/* hex of an ELF note buffer's NT_GNU_BUILD_ID, or NULL */
char *crashmeta_build_id_from_notes(const void *notes, size_t len);

#endif
