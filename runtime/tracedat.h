/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef TAP_TRACEDAT_H
#define TAP_TRACEDAT_H

/*
 * Raw recordings (--raw, or a script without handlers): the ring buffer
 * pages themselves, in trace.dat files (version 6, trace-cmd.dat.v6(5))
 * that trace-cmd report and KernelShark read. Every file of a rotation
 * is complete on its own: its own formats, cmdlines and CPU data.
 *
 * trace.dat keeps each CPU's pages together, but they arrive mixed, so
 * each CPU is spooled into an unnamed file (O_TMPFILE) in the log file's
 * directory while the file is being recorded. Every spool starts with
 * room for the header, so when the file is finished the biggest spool
 * becomes the file: the header is written into its front, the other
 * CPUs' pages are copied after its own (copy_file_range), and it is
 * linked in under the log file's name. The busy CPU's pages are thus
 * written once, by splice(2), and never copied in user space.
 *
 * Nothing prints here. When the disk is full (or the directory is gone)
 * the recorder is "blocked": pages that were taken from the kernel wait
 * in a pipe, the caller stops reading the kernel, and tracedat_retry()
 * or the next switch carries on.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct rotate;
struct tracedat;

struct tracedat_opts {
	int ncpus;
	int page_size;	/* ring buffer sub-buffer */
	const char *const *events;	/* system, name, ..., NULL: formats to keep */
	const char *trace_clock;	/* the instance's, or NULL */
	/* file names and the -S rules; rotate_init()ed with
	 * ROTATE_PLACEHOLDER and started by the caller; not owned */
	struct rotate *rot;
	/* where header_page, the formats and saved_cmdlines are read from:
	 * NULL for the live tracefs, or a saved copy laid out the same way
	 * (tap-crash's metadata) */
	const char *root;
};

/*
 * Reads the formats and opens the spools of the first file (whose name
 * @o->rot holds). 0 or -errno; *@out is set either way and must be freed
 * with tracedat_free().
 */
int tracedat_open(const struct tracedat_opts *o, struct tracedat **out);
/* Finishes the current file (tracedat_close()) and frees @td. */
void tracedat_free(struct tracedat *td);

/*
 * Moves whole pages of @cpu from its trace_pipe_raw @fd into the current
 * file with splice(2), up to @max bytes. With -S, a file that has passed
 * SIZE is finished first and the pages go to the next one. Returns the
 * bytes moved (0: none ready, or blocked) or -errno.
 */
ssize_t tracedat_splice(struct tracedat *td, int cpu, int fd, size_t max);
/*
 * Adds one page read elsewhere (the flight recorder's spill). 0, or
 * -EAGAIN when it cannot take it now (see tracedat_can_take()).
 */
int tracedat_write_page(struct tracedat *td, int cpu, const void *page);
/* There is room for one more page of @cpu. */
bool tracedat_can_take(const struct tracedat *td, int cpu);
/* Takes @cpu's partly filled page too, with read(2): for a switch or the
 * end. 0 or -errno. */
int tracedat_flush_cpu(struct tracedat *td, int cpu, int fd);

/*
 * Finishes the current file and starts the next one (SIGUSR2). The
 * finished file's name goes to @closed. 0 or -errno.
 */
int tracedat_switch(struct tracedat *td, char *closed, size_t n);
/* Finishes the current file; nothing is recorded after this. 0 or -errno. */
int tracedat_close(struct tracedat *td);

/* Writes out pages held back by an earlier failure. 0 or -errno. */
int tracedat_retry(struct tracedat *td);
/* Pages are held back: the caller should leave the rest in the kernel. */
bool tracedat_blocked(const struct tracedat *td);
/* Bytes of pages recorded in all files, and files finished. */
uint64_t tracedat_bytes(const struct tracedat *td);
unsigned long tracedat_files(const struct tracedat *td);

/*
 * Task names: the kernel's saved_cmdlines forgets a task some time after
 * it last ran (its slot is reused, or was never filled when the lock was
 * busy), so the recorder keeps what it has seen. tracedat_note_tasks()
 * takes what the kernel knows now (called every second or so while
 * recording); tracedat_name_task() adds one task the caller knows, such
 * as the -c command read before it is reaped. 0 or -ENOMEM.
 */
int tracedat_note_tasks(struct tracedat *td);
int tracedat_name_task(struct tracedat *td, pid_t pid, const char *comm);

/*
 * The lines of the kernel's table (@now) that name a task and were not
 * in it when it was last read: @table holds the keys of that reading,
 * and becomes this one's. Returns them (malloc'd, *@len their length),
 * or NULL when out of memory (@table is then unchanged).
 */
struct cmdline_keys {
	uint64_t *v;	/* sorted */
	size_t n;
};

char *tracedat_fresh_cmdlines(const char *now, size_t now_len, struct cmdline_keys *table,
			      size_t *len);

/*
 * The kernel's saved_cmdlines is a small table of recent tasks, so a task
 * that stopped running for a while is no longer in it when a file is
 * finished. Each file gets @now ("PID COMM" lines) plus the lines of
 * @before (what earlier files had) for pids @now lacks, newest first, up
 * to @room bytes. Returns the merged text (malloc'd, *@len its length),
 * or NULL when out of memory.
 */
char *tracedat_merge_cmdlines(const char *now, size_t now_len, const char *before,
			      size_t before_len, size_t room, size_t *len);

#endif
