/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef TAP_CHECKPOINT_H
#define TAP_CHECKPOINT_H

/*
 * A flight recorder writer's checkpoint: how far its log files go, in
 * events. When the writer dies (a crash, kill -9) a successor (tapc
 * --resume, which tapd runs) cuts the current file back to the size it
 * had at the checkpoint, removes the files opened after it (the journal),
 * and handles again the events after the checkpoint's positions, which
 * the spill still holds. Every record thus lands in the files once.
 *
 * Two files in the session's record (state.h):
 *
 *   checkpoint   written whole (rename) after each round of handling,
 *                when every handled event's output is in the file:
 *                  tap-checkpoint 1
 *                  file FNUM SIZE NAME      the current log file
 *                  cpu N OFFSET HANDLED     per CPU: spill page, events done
 *                  kept FNUM NAME           older files, for -S ,N removal
 *   journal      one line "FNUM SIZE NAME" per log file opened since the
 *                checkpoint, appended before anything goes into it
 *
 * Names are the rest of their line, with "\\" and "\n" escaped.
 */
#include <stddef.h>
#include <stdint.h>

struct checkpoint_cpu {
	uint64_t offset;	/* spill offset of the first page not wholly handled */
	uint64_t handled;	/* events of that page already handled */
};

struct checkpoint_file {
	unsigned long fnum;
	uint64_t size;	/* kept: unused */
	char *name;
};

struct checkpoint {
	struct checkpoint_file file;	/* the one being written */
	struct checkpoint_cpu *cpus;
	int ncpus;
	struct checkpoint_file *kept;
	size_t nkept;
};

/* Text of @c in a malloc'd string (*@len bytes); NULL on ENOMEM. */
char *checkpoint_format(const struct checkpoint *c, size_t *len);

/*
 * Parses checkpoint text into @c (release with checkpoint_release()).
 * Returns 0, or -EINVAL for text that is not a whole checkpoint.
 */
int checkpoint_parse(const char *text, struct checkpoint *c);
void checkpoint_release(struct checkpoint *c);

/* One journal line for file @fnum, opened at @size bytes, in @buf. */
int checkpoint_journal_line(char *buf, size_t n, unsigned long fnum,
			    uint64_t size, const char *name);

/*
 * Calls @fn for every whole line of a journal (a line cut short by a
 * crash is ignored). Returns the number of lines, or -ENOMEM.
 */
int checkpoint_journal_parse(const char *text,
			     void (*fn)(void *arg, unsigned long fnum,
					uint64_t size, const char *name),
			     void *arg);

#endif
