/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef TAP_PLANFILE_H
#define TAP_PLANFILE_H

/*
 * Plan files: a compiled script that runs later, elsewhere, without being
 * compiled again (DESIGN.md §2; tapd's CACHE_PATH/<release>/NAME.plan,
 * tapc --compile-to FILE and --plan FILE). The file is the plan as tapc
 * -p2 prints it (the exact tracefs writes, then the handler table), and
 * after it a section of "#@ " lines that a program is rebuilt from:
 *
 *   #@ tap-planfile 1
 *   #@ identity RELEASE BUILD-ID     the kernel it was compiled for
 *   #@ session NAME                  the session (instance tap_NAME)
 *   #@ options TEXT                  the options it was compiled with
 *   #@ buffer_kb N / overwrite 0|1 / target_pid N / task_info 0|1
 *   #@ arg TEXT, #@ define NAME=VALUE
 *   #@ dprobe H P KIND DEF PERIOD COND NEXT PTYPE PCONFIG PPERIOD RANDOMIZE\tPP\tFUNC\tPERF
 *   #@ bind SLOT KIND TYPE WIDTH STORAGE SSIGNED SIGNED MISSING NUM BITS QUOTED\tKEY\tFIELD\tSTR
 *   #@ script NAME
 *   #@ source LENGTH                 then the script's text, LENGTH bytes
 *
 * Running it: the script is parsed again (the handlers are its AST), and
 * every step that asks the target (probe points, context values, kernel
 * filters) takes its answer from the file instead: the derived probes
 * and their bindings from the records, the kernel definitions from the
 * plan's own lines. No BTF, DWARF or ELF symbols are needed where it
 * runs; the kernel's identity must match (planfile_check_identity()).
 * Strings in "#@" lines escape "\\", "\t" and "\n".
 */
#include <stdbool.h>
#include <stdio.h>

#include "compiler.h"

struct plan_replay;
struct compile;

struct planfile {
	char *release;	/* the kernel it was compiled for */
	char *build_id;	/* its build id (hex), or "-" when unknown */
	char *session;
	char *options;	/* as given when compiling, for staleness checks */
	unsigned buffer_kb;
	bool overwrite;
	long target_pid;
	char **args;
	int nargs;
	struct compile_define *defines;	/* name/value point into define_text */
	char **define_text;
	size_t ndefines;
	char *script_name;
	char *source;
	size_t source_len;
	char *plan_text;	/* the plan part, as tapc -p2 printed it */
	struct plan_replay *replay;	/* for compile_opts.replay */
};

/*
 * Writes @p as a plan file to @f: @options is the option text to keep,
 * @build_id the running kernel's (NULL: "-"). 0 or -errno.
 */
int planfile_write(FILE *f, const struct program *p, const struct compile_opts *o,
		   const char *options, const char *build_id);

/*
 * Reads plan file @path into @pf (release with planfile_release()). On
 * failure @err says why. Returns 0, -ENOENT, -EINVAL (not a plan file, or
 * a damaged one) or -ENOMEM.
 */
int planfile_load(const char *path, struct planfile *pf, char *err, size_t n);
void planfile_release(struct planfile *pf);

/*
 * Is @pf for the kernel that runs (@release, @build_id; NULL when
 * unknown)? 0, or -ESTALE with the reason in @err.
 */
int planfile_check_identity(const struct planfile *pf, const char *release,
			    const char *build_id, char *err, size_t n);

/* The compile options that rebuild @pf's program (compile_program()). */
void planfile_compile_opts(const struct planfile *pf, struct compile_opts *o);

/* FNV-1a 64 of a script, as the plan's "# script" line has it (hex). */
void planfile_hash(const char *text, size_t len, char out[17]);

/* Provider of replayed probes, and the hook compile.c calls (replay.c). */
int replay_expand(struct compile *c, struct ast *probe, struct ast *point);

#endif
