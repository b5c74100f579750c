/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef TAP_SYSCALLS_H
#define TAP_SYSCALLS_H

/*
 * System call names by number, for the architecture tap was built for
 * (from the kernel headers at build time): the raw_syscalls events that
 * syscall_any uses record only the number.
 */

/* The name of system call @nr, or NULL when the table has none. */
const char *syscall_name(long nr);

/* The number of system call @name, or -1. */
long syscall_number(const char *name);

#endif
