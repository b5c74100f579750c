// SPDX-License-Identifier: GPL-2.0-or-later
/* The running kernel's version (kver.h). */
#include "kver.h"

#include <stdio.h>
#include <sys/utsname.h>

bool kernel_at_least(int major, int minor)
{
	struct utsname u;
	int ma = 0, mi = 0;

	if (uname(&u) || sscanf(u.release, "%d.%d", &ma, &mi) != 2)
		return false;
	return ma > major || (ma == major && mi >= minor);
}
