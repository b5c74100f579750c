/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef TAP_KVER_H
#define TAP_KVER_H

#include <stdbool.h>

/*
 * Whether the running kernel's release is at least @major.@minor. Only
 * for messages about what a newer kernel would offer: features
 * themselves are detected in tracefs, never inferred from the version.
 */
bool kernel_at_least(int major, int minor);

#endif
