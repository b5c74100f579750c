/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef TAP_BUILTINS_H
#define TAP_BUILTINS_H

/* The functions every script can call; the runtime implements each id. */
#include "ast.h"

enum builtin_id {
	BI_PRINTF,
	BI_SPRINTF,
	BI_PRINT,
	BI_PRINTLN,
	BI_SPRINT,
	BI_SPRINTLN,
	BI_EXIT,
	BI_ERROR,
	BI_WARN,
	BI_EXECNAME,
	BI_PID,
	BI_TID,
	BI_PPID,
	BI_UID,
	BI_CPU,
	BI_GETTIMEOFDAY_S,
	BI_GETTIMEOFDAY_MS,
	BI_GETTIMEOFDAY_US,
	BI_GETTIMEOFDAY_NS,
	BI_LOCAL_CLOCK_NS,
	BI_PP,
	BI_PROBEFUNC,
	BI_TARGET,
	BI_USER_STRING,
	BI_KERNEL_STRING,
	BI_STRLEN,
	BI_SUBSTR,
	BI_ISINSTR,
	BI_STRTOL,
	BI_TEXT_STR,
	BI_STRING_QUOTED,
	BI_ABS,
	BI_MIN,
	BI_MAX,
	BI_ADDR,
	BI_UADDR,
	BI_SYMNAME,
	BI_USYMNAME,
	BI_SNAPSHOT,	/* the session's buffered events to a file (tapd(8)) */
	BI_COUNT
};

enum builtin_flags {
	BF_VARIADIC = 1 << 0,	/* printf-like: checked by the compiler */
	BF_EVENT = 1 << 1,	/* reads the current event (not in begin/end) */
	BF_TASK = 1 << 2,	/* needs the task's comm/pid/ppid */
	BF_FETCH = 1 << 3,	/* its argument is fetched by the probe */
};

struct builtin {
	const char *name;
	enum builtin_id id;
	enum tap_type ret;
	int min_args, max_args;
	enum tap_type args[4];
	unsigned flags;
};

/* The builtin called @name, or NULL. */
const struct builtin *builtin_find(const char *name);
/* Calls @add for every builtin name (for did-you-mean). */
void builtin_names(void (*add)(void *arg, const char *name), void *arg);

#endif
