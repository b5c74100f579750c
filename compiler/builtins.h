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
	BI_PRINTD,
	BI_PRINTDLN,
	BI_SPRINTD,
	BI_ERRNO_STR,
	BI_SIGNAL_STR,
	BI_CTIME,
	BI_STR_REPLACE,
	BI_STRINGAT,
	BI_SNAPSHOT,	/* the session's buffered events to a file (tapd(8)) */
	BI_BACKTRACE,	/* the kernel stack, from the stacktrace trigger's record */
	BI_PRINT_BACKTRACE,
	BI_SPRINT_BACKTRACE,
	BI_PRINT_STACK,
	BI_SPRINT_STACK,
	BI_EUID,
	BI_GID,
	BI_EGID,
	BI_PPFUNC,
	BI_PROBEMOD,
	BI_IS_RETURN,
	BI_KTIME_GET_NS,
	BI_CPU_CLOCK_NS,
	BI_USER_STRING_N,
	BI_KERNEL_STRING_N,
	BI_CMDLINE_STR,
	BI_PID2EXECNAME,
	BI_TEXT_STRN,
	BI_ISDIGIT,
	BI_RANDINT,
	BI_NUM_ONLINE_CPUS,
	BI_MEM_PAGE_SIZE,
	BI_USER_MODE,
	BI_COUNT
};

/*
 * The @-operators, resolved once by the compiler (into ast->op of an
 * AST_AT_CALL, and ast->slot of a foreach that sorts by one) so the
 * runtime never compares names.
 */
enum at_op {
	AT_UNKNOWN,
	AT_COUNT,
	AT_SUM,
	AT_MIN,
	AT_MAX,
	AT_AVG,
	AT_VARIANCE,
	AT_HIST_LOG,
	AT_HIST_LINEAR,
	AT_DEFINED,
	AT_ENTRY,
	AT_CAST,
	AT_VAR,
};

enum builtin_flags {
	BF_VARIADIC = 1 << 0,	/* printf-like: checked by the compiler */
	BF_EVENT = 1 << 1,	/* reads the current event (not in begin/end) */
	BF_TASK = 1 << 2,	/* needs the task's comm/pid/ppid */
	BF_FETCH = 1 << 3,	/* its argument is fetched by the probe */
	BF_KSTACK = 1 << 4,	/* the event's kernel stack: a stacktrace trigger */
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

/* @hist_linear(s, lo, hi, step): (hi - lo) / step + 3 buckets at most */
#define HIST_LINEAR_MAX_BUCKETS 10000

/* The @-operator called @name ("@count"), or AT_UNKNOWN. */
enum at_op at_op_find(const char *name);
/* true for the operators that read statistics (@count ... @hist_linear) */
static inline bool at_op_is_stat(enum at_op op)
{
	return op >= AT_COUNT && op <= AT_HIST_LINEAR;
}

#endif
