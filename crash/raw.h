/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef TAP_CRASH_RAW_H
#define TAP_CRASH_RAW_H

/*
 * A recovered instance as a trace.dat for trace-cmd report and
 * KernelShark, written by the runtime's recorder (runtime/tracedat.c)
 * with the formats and cmdlines of the saved metadata.
 */
#include <stddef.h>

#include "meta.h"
#include "ring.h"

/* Writes @in's pages (consumed parts already trimmed) to @path. 0 or -errno. */
int crash_write_tracedat(const char *path, const struct crash_meta *m,
			 const struct crash_instance *in);

#endif
