// SPDX-License-Identifier: GPL-2.0-or-later
#include "builtins.h"

#include <string.h>

#define L TYPE_LONG
#define S TYPE_STRING
#define V TYPE_VOID

static const struct builtin builtins[] = {
	{ "printf", BI_PRINTF, V, 1, -1, { S }, BF_VARIADIC },
	{ "sprintf", BI_SPRINTF, S, 1, -1, { S }, BF_VARIADIC },
	{ "print", BI_PRINT, V, 1, -1, { 0 }, BF_VARIADIC },
	{ "println", BI_PRINTLN, V, 0, -1, { 0 }, BF_VARIADIC },
	{ "sprint", BI_SPRINT, S, 1, -1, { 0 }, BF_VARIADIC },
	{ "sprintln", BI_SPRINTLN, S, 0, -1, { 0 }, BF_VARIADIC },
	{ "exit", BI_EXIT, V, 0, 0, { 0 }, 0 },
	{ "error", BI_ERROR, V, 1, 1, { S }, 0 },
	{ "warn", BI_WARN, V, 1, 1, { S }, 0 },
	{ "execname", BI_EXECNAME, S, 0, 0, { 0 }, BF_EVENT | BF_TASK },
	{ "pid", BI_PID, L, 0, 0, { 0 }, BF_EVENT | BF_TASK },
	{ "tid", BI_TID, L, 0, 0, { 0 }, BF_EVENT },
	{ "ppid", BI_PPID, L, 0, 0, { 0 }, BF_EVENT | BF_TASK },
	{ "uid", BI_UID, L, 0, 0, { 0 }, BF_EVENT | BF_TASK },
	{ "cpu", BI_CPU, L, 0, 0, { 0 }, 0 },
	{ "gettimeofday_s", BI_GETTIMEOFDAY_S, L, 0, 0, { 0 }, 0 },
	{ "gettimeofday_ms", BI_GETTIMEOFDAY_MS, L, 0, 0, { 0 }, 0 },
	{ "gettimeofday_us", BI_GETTIMEOFDAY_US, L, 0, 0, { 0 }, 0 },
	{ "gettimeofday_ns", BI_GETTIMEOFDAY_NS, L, 0, 0, { 0 }, 0 },
	{ "local_clock_ns", BI_LOCAL_CLOCK_NS, L, 0, 0, { 0 }, 0 },
	{ "pp", BI_PP, S, 0, 0, { 0 }, 0 },
	{ "probefunc", BI_PROBEFUNC, S, 0, 0, { 0 }, 0 },
	{ "target", BI_TARGET, L, 0, 0, { 0 }, 0 },
	{ "user_string", BI_USER_STRING, S, 1, 2, { L, S }, BF_EVENT | BF_FETCH },
	{ "kernel_string", BI_KERNEL_STRING, S, 1, 2, { L, S }, BF_EVENT | BF_FETCH },
	{ "strlen", BI_STRLEN, L, 1, 1, { S }, 0 },
	{ "substr", BI_SUBSTR, S, 3, 3, { S, L, L }, 0 },
	{ "isinstr", BI_ISINSTR, L, 2, 2, { S, S }, 0 },
	{ "strtol", BI_STRTOL, L, 2, 2, { S, L }, 0 },
	{ "text_str", BI_TEXT_STR, S, 1, 1, { S }, 0 },
	{ "string_quoted", BI_STRING_QUOTED, S, 1, 1, { S }, 0 },
	{ "abs", BI_ABS, L, 1, 1, { L }, 0 },
	{ "min", BI_MIN, L, 2, 2, { L, L }, 0 },
	{ "max", BI_MAX, L, 2, 2, { L, L }, 0 },
	{ "addr", BI_ADDR, L, 0, 0, { 0 }, BF_EVENT },
	{ "uaddr", BI_UADDR, L, 0, 0, { 0 }, BF_EVENT },
	{ "symname", BI_SYMNAME, S, 1, 1, { L }, 0 },
	{ "usymname", BI_USYMNAME, S, 1, 1, { L }, BF_EVENT | BF_TASK },
	{ "printd", BI_PRINTD, V, 2, -1, { S }, BF_VARIADIC },
	{ "printdln", BI_PRINTDLN, V, 2, -1, { S }, BF_VARIADIC },
	{ "sprintd", BI_SPRINTD, S, 2, -1, { S }, BF_VARIADIC },
	{ "errno_str", BI_ERRNO_STR, S, 1, 1, { L }, 0 },
	{ "signal_str", BI_SIGNAL_STR, S, 1, 1, { L }, 0 },
	{ "ctime", BI_CTIME, S, 1, 1, { L }, 0 },
	{ "str_replace", BI_STR_REPLACE, S, 3, 3, { S, S, S }, 0 },
	{ "stringat", BI_STRINGAT, L, 2, 2, { S, L }, 0 },
	{ "snapshot", BI_SNAPSHOT, V, 0, 0, { 0 }, 0 },
	{ "backtrace", BI_BACKTRACE, S, 0, 0, { 0 }, BF_EVENT | BF_KSTACK },
	{ "print_backtrace", BI_PRINT_BACKTRACE, V, 0, 0, { 0 }, BF_EVENT | BF_KSTACK },
	{ "sprint_backtrace", BI_SPRINT_BACKTRACE, S, 0, 0, { 0 }, BF_EVENT | BF_KSTACK },
	{ "print_stack", BI_PRINT_STACK, V, 1, 1, { S }, 0 },
	{ "sprint_stack", BI_SPRINT_STACK, S, 1, 1, { S }, 0 },
	{ "euid", BI_EUID, L, 0, 0, { 0 }, BF_EVENT | BF_TASK },
	{ "gid", BI_GID, L, 0, 0, { 0 }, BF_EVENT | BF_TASK },
	{ "egid", BI_EGID, L, 0, 0, { 0 }, BF_EVENT | BF_TASK },
	{ "ppfunc", BI_PPFUNC, S, 0, 0, { 0 }, 0 },
	{ "probemod", BI_PROBEMOD, S, 0, 0, { 0 }, 0 },
	{ "is_return", BI_IS_RETURN, L, 0, 0, { 0 }, 0 },
	{ "ktime_get_ns", BI_KTIME_GET_NS, L, 0, 0, { 0 }, 0 },
	{ "cpu_clock_ns", BI_CPU_CLOCK_NS, L, 1, 1, { L }, 0 },
	{ "user_string_n", BI_USER_STRING_N, S, 2, 2, { L, L }, BF_EVENT | BF_FETCH },
	{ "kernel_string_n", BI_KERNEL_STRING_N, S, 2, 2, { L, L }, BF_EVENT | BF_FETCH },
	{ "cmdline_str", BI_CMDLINE_STR, S, 0, 0, { 0 }, BF_EVENT | BF_TASK },
	{ "pid2execname", BI_PID2EXECNAME, S, 1, 1, { L }, 0 },
	{ "text_strn", BI_TEXT_STRN, S, 3, 3, { S, L, L }, 0 },
	{ "isdigit", BI_ISDIGIT, L, 1, 1, { S }, 0 },
	{ "randint", BI_RANDINT, L, 1, 1, { L }, 0 },
	{ "num_online_cpus", BI_NUM_ONLINE_CPUS, L, 0, 0, { 0 }, 0 },
	{ "mem_page_size", BI_MEM_PAGE_SIZE, L, 0, 0, { 0 }, 0 },
	{ "user_mode", BI_USER_MODE, L, 0, 0, { 0 }, BF_EVENT },
};

const struct builtin *builtin_find(const char *name)
{
	for (size_t i = 0; i < sizeof(builtins) / sizeof(builtins[0]); i++)
		if (!strcmp(builtins[i].name, name))
			return &builtins[i];
	return NULL;
}

void builtin_names(void (*add)(void *arg, const char *name), void *arg)
{
	for (size_t i = 0; i < sizeof(builtins) / sizeof(builtins[0]); i++)
		add(arg, builtins[i].name);
}

enum at_op at_op_find(const char *name)
{
	static const struct {
		const char *name;
		enum at_op op;
	} ops[] = {
		{ "@count", AT_COUNT }, { "@sum", AT_SUM }, { "@min", AT_MIN },
		{ "@max", AT_MAX }, { "@avg", AT_AVG },
		{ "@variance", AT_VARIANCE }, { "@hist_log", AT_HIST_LOG },
		{ "@hist_linear", AT_HIST_LINEAR }, { "@defined", AT_DEFINED },
		{ "@entry", AT_ENTRY }, { "@cast", AT_CAST }, { "@var", AT_VAR },
	};

	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
		if (!strcmp(ops[i].name, name))
			return ops[i].op;
	return AT_UNKNOWN;
}
