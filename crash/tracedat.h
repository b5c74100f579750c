/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef TAP_CRASH_TRACEDAT_H
#define TAP_CRASH_TRACEDAT_H

/*
 * A trace-cmd trace.dat (version 6, trace-cmd.dat.v6(5)) written from
 * saved formats and recovered pages, for `trace-cmd report` and
 * KernelShark. No live tracefs is needed (libtracecmd's writer reads it).
 */
#include <stddef.h>

#include "meta.h"
#include "ring.h"

/*
 * Writes @in's pages (consumed parts already trimmed) to @path. 0 or
 * -errno.
 */
int crash_write_tracedat(const char *path, const struct crash_meta *m,
			 const struct crash_instance *in, size_t page_size);

#endif
