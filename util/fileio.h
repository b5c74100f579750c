/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef TAP_FILEIO_H
#define TAP_FILEIO_H

/*
 * Whole-file reads and writes, for the small files of tracefs, /proc and
 * the state tap keeps: every layer needs them, none owns them.
 */
#include <stddef.h>

/*
 * The text of @path up to its first NUL, NUL-terminated, malloc'd ("" for
 * an empty file); *@len (if not NULL) its length. NULL with errno set
 * when @path cannot be opened.
 */
char *file_read_text(const char *path, size_t *len);

/* All the bytes of @path (BTF, ELF notes), malloc'd; NULL with errno set. */
void *file_read_bin(const char *path, size_t *len);

/* mkdir -p, mode 0755. 0 or -errno. */
int file_mkdirs(const char *path);

/*
 * Writes @path through a temporary file, fsync and rename, so a crash
 * leaves the old content or the new one, never a mix. 0 or -errno.
 */
int file_write_atomic(const char *path, const void *data, size_t len);

#endif
