/*
 * The bare copy: splice(2) every CPU's trace_pipe_raw of an instance into
 * a file per CPU, and nothing else: no trace.dat header, no decoding. The
 * floor a raw recorder cannot go below on this machine.
 *   copy INSTANCE DIR        (stops on SIGINT, after reading what is left)
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#define MAX_CPUS 64

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

/* moves what is ready; returns bytes moved */
static long move(int raw, int pr, int pw, int out)
{
	long total = 0;

	for (;;) {
		ssize_t n = splice(raw, NULL, pw, NULL, 1 << 20, SPLICE_F_NONBLOCK | SPLICE_F_MOVE);

		if (n <= 0)
			return total;
		while (n > 0) {
			ssize_t w = splice(pr, NULL, out, NULL, (size_t)n, SPLICE_F_MOVE);

			if (w <= 0) {
				perror("splice");
				exit(1);
			}
			n -= w;
			total += w;
		}
	}
}

int main(int argc, char **argv)
{
	int ncpus = (int)sysconf(_SC_NPROCESSORS_CONF), raw[MAX_CPUS], out[MAX_CPUS];
	int pr[MAX_CPUS], pw[MAX_CPUS];
	struct pollfd pfd[MAX_CPUS];

	if (argc != 3 || ncpus > MAX_CPUS) {
		fprintf(stderr, "usage: copy INSTANCE DIR\n");
		return 2;
	}
	signal(SIGINT, on_signal);
	for (int i = 0; i < ncpus; i++) {
		char path[512];
		int p[2];

		snprintf(path, sizeof(path), "/sys/kernel/tracing/instances/%s/per_cpu/cpu%d/trace_pipe_raw",
			 argv[1], i);
		raw[i] = open(path, O_RDONLY | O_NONBLOCK);
		snprintf(path, sizeof(path), "%s/cpu%d", argv[2], i);
		out[i] = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		if (raw[i] < 0 || out[i] < 0 || pipe(p) < 0) {
			perror(path);
			return 1;
		}
		pr[i] = p[0];
		pw[i] = p[1];
		fcntl(pw[i], F_SETPIPE_SZ, 1 << 20);
		pfd[i] = (struct pollfd){ .fd = raw[i], .events = POLLIN };
	}
	while (!stop) {
		long moved = 0;

		for (int i = 0; i < ncpus; i++)
			moved += move(raw[i], pr[i], pw[i], out[i]);
		if (!moved)
			poll(pfd, (nfds_t)ncpus, 100);
	}
	/* the rest, the partly filled pages too, as any recorder does last */
	for (int i = 0; i < ncpus; i++) {
		char page[65536];
		ssize_t n;

		move(raw[i], pr[i], pw[i], out[i]);
		while ((n = read(raw[i], page, sizeof(page))) > 0)
			if (write(out[i], page, (size_t)n) != n)
				return 1;
	}
	return 0;
}
