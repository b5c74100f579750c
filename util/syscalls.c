// SPDX-License-Identifier: GPL-2.0-or-later
/* System call names by number (syscalls.h). */
#include "syscalls.h"

#include <string.h>

static const char *const names[] = {
#include "syscall_table.h"
};

#define NNAMES ((long)(sizeof(names) / sizeof(names[0])))

const char *syscall_name(long nr)
{
	return nr >= 0 && nr < NNAMES ? names[nr] : NULL;
}

long syscall_number(const char *name)
{
	for (long nr = 0; nr < NNAMES; nr++)
		if (names[nr] && !strcmp(names[nr], name))
			return nr;
	return -1;
}
