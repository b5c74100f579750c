/*
 * Closes descriptors that are not open: FIRST, FIRST+1, ... Each close()
 * is a syscall event with a known argument, so a test can check that
 * every event arrives exactly once and in order.
 *   closer FIRST COUNT [EVERY [PAUSE_MS [SYSCALL]]]
 * After every EVERY calls it sends SIGUSR2 to its parent (tapc -c),
 * waiting PAUSE_MS before and after, so the switch falls between calls.
 * With CLOSER_WAIT_DIR set, it then waits until that directory holds one
 * more file, so every signal is its own switch however loaded the
 * machine is.
 * SYSCALL (fchdir, fsync, fdatasync, flock, syncfs, fstatfs) is called instead of
 * close(): each test takes one that the tests running beside it do not
 * flood the buffers with.
 */
#define _GNU_SOURCE
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/vfs.h>
#include <dirent.h>
#include <time.h>
#include <unistd.h>

static long count_files(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	long n = 0;

	if (!d)
		return -1;
	while ((de = readdir(d)))
		n += de->d_name[0] != '.';
	closedir(d);
	return n;
}

/* up to 10 s for the switch to show */
static void wait_for_switch(const char *dir, long before)
{
	for (int i = 0; dir && i < 10000 && count_files(dir) <= before; i++) {
		struct timespec ts = { 0, 1000000L };

		nanosleep(&ts, NULL);
	}
}

static void pause_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	if (ms > 0)
		nanosleep(&ts, NULL);
}

int main(int argc, char **argv)
{
	long first = argc > 1 ? atol(argv[1]) : 1000000;
	long count = argc > 2 ? atol(argv[2]) : 10;
	long every = argc > 3 ? atol(argv[3]) : 0;
	long ms = argc > 4 ? atol(argv[4]) : 0;
	const char *call = argc > 5 ? argv[5] : "close";
	struct statfs sfs;

	for (long i = 0; i < count; i++) {
		int fd = (int)(first + i);

		if (!strcmp(call, "fchdir"))
			(void)!fchdir(fd);
		else if (!strcmp(call, "fsync"))
			fsync(fd);
		else if (!strcmp(call, "fdatasync"))
			fdatasync(fd);
		else if (!strcmp(call, "flock"))
			flock(fd, LOCK_SH);
		else if (!strcmp(call, "syncfs"))
			syncfs(fd);
		else if (!strcmp(call, "fstatfs"))
			fstatfs(fd, &sfs);
		else
			close(fd);
		if (every && (i + 1) % every == 0 && i + 1 < count) {
			const char *dir = getenv("CLOSER_WAIT_DIR");
			long before = dir ? count_files(dir) : 0;

			pause_ms(ms);
			kill(getppid(), SIGUSR2);
			wait_for_switch(dir, before);
			pause_ms(ms);
		}
	}
	/* the last events are read before tapc sees the end of the command */
	pause_ms(ms);
	return 0;
}
