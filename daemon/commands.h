/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef TAP_DAEMON_COMMANDS_H
#define TAP_DAEMON_COMMANDS_H

/*
 * tapd's control requests: one line of words, the answer's lines go to
 * the client, then "OK" or "ERROR message" (tapd.c writes those). The
 * client escapes spaces and backslashes in words with a backslash.
 *
 *   ping                        is tapd there
 *   start|stop|restart [NAME..] stop takes --force (a shared buffer's host)
 *   status [NAME...]            state, process, instance, buffer, counts
 *   list                        one line per script: NAME STATE PID
 *                               INSTANCE OUTPUT CURRENT (tabs, "-" if none)
 *   rotate NAME... | --all      switch log files; the closed files' names
 *   snapshot NAME [-o FILE]     the buffered events to a trace.dat file
 *   compile [NAME...]           plans into CACHE_PATH/<release>/NAME.plan
 *   reload, shutdown            (tapd.c)
 */
#include <stdio.h>

#include "service.h"

#define COMMAND_MAX_ARGS 64

struct command_ctx {
	struct service *sv;
	FILE *out;
};

/*
 * Splits @line in place into words (backslash escapes undone). Returns
 * the number of words, or -1 when there are more than COMMAND_MAX_ARGS.
 */
int command_split(char *line, char **argv);

/*
 * Runs request @argv. Returns 0 (OK), 1 (some scripts failed: the caller
 * says ERROR), or -1 after writing "ERROR ..." itself.
 */
int command_run(struct command_ctx *cx, int argc, char **argv);

/*
 * At tapd's start: a persistent boot-mapped instance (Linux 6.12+) holds
 * the previous boot's events; they are copied once per boot into
 * LOG_PATH. Says what it found (or that the kernel has none) to @log.
 */
void command_collect_boot(struct service *sv,
			  void (*log)(int prio, const char *fmt, ...));

#endif
