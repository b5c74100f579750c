/*
 * LD_PRELOAD shim for trace-cmd record on this machine: trace-cmd writes
 * 1 to /proc/sys/kernel/ftrace_enabled and refuses to start when it
 * cannot, and trace-cmd 3.1.6 crashes (NULL dereference) when reading
 * set_ftrace_pid fails, which it does here (EPERM). Neither matters for
 * event tracing, so those opens go to /dev/null.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static const char *redirect(const char *path)
{
	static const char *const files[] = {
		"/proc/sys/kernel/ftrace_enabled",
		"/sys/kernel/tracing/set_ftrace_pid",
		"/sys/kernel/tracing/set_ftrace_filter",
		"/sys/kernel/tracing/set_ftrace_notrace",
	};

	for (unsigned i = 0; path && i < sizeof(files) / sizeof(files[0]); i++)
		if (!strcmp(path, files[i]))
			return "/dev/null";
	return path;
}

static mode_t mode_arg(int flags, va_list ap)
{
	return flags & (O_CREAT | O_TMPFILE) ? va_arg(ap, mode_t) : 0;
}

int open(const char *path, int flags, ...)
{
	static int (*real)(const char *, int, ...);
	va_list ap;
	mode_t mode;

	if (!real)
		real = (int (*)(const char *, int, ...))dlsym(RTLD_NEXT, "open");
	va_start(ap, flags);
	mode = mode_arg(flags, ap);
	va_end(ap);
	return real(redirect(path), flags, mode);
}

int open64(const char *path, int flags, ...)
{
	static int (*real)(const char *, int, ...);
	va_list ap;
	mode_t mode;

	if (!real)
		real = (int (*)(const char *, int, ...))dlsym(RTLD_NEXT, "open64");
	va_start(ap, flags);
	mode = mode_arg(flags, ap);
	va_end(ap);
	return real(redirect(path), flags, mode);
}

int openat(int dir, const char *path, int flags, ...)
{
	static int (*real)(int, const char *, int, ...);
	va_list ap;
	mode_t mode;

	if (!real)
		real = (int (*)(int, const char *, int, ...))dlsym(RTLD_NEXT, "openat");
	va_start(ap, flags);
	mode = mode_arg(flags, ap);
	va_end(ap);
	return real(dir, redirect(path), flags, mode);
}

FILE *fopen(const char *path, const char *mode)
{
	static FILE *(*real)(const char *, const char *);

	if (!real)
		real = (FILE * (*)(const char *, const char *))dlsym(RTLD_NEXT, "fopen");
	return real(redirect(path), mode);
}

FILE *fopen64(const char *path, const char *mode)
{
	static FILE *(*real)(const char *, const char *);

	if (!real)
		real = (FILE * (*)(const char *, const char *))dlsym(RTLD_NEXT, "fopen64");
	return real(redirect(path), mode);
}
