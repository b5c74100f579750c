/*
 * Known events for the live tests of conf/examples: each mode makes a
 * given number of them, so a test can check the counts a script prints.
 *   workload getppid N        N getppid() calls
 *   workload io N SIZE        N reads of SIZE bytes from /dev/zero and N
 *                             writes of SIZE bytes to /dev/null
 *   workload openfail N       N opens of a missing file (ENOENT)
 *   workload signal N         N SIGUSR1 sent to itself (caught)
 *   workload fork N           N children, child i exits with status i
 *   workload sleep N          N sleeps of 1 ms
 *   workload tcp              one TCP connection over 127.0.0.1
 *   workload func N           N calls of work_item(), 2 ms each
 */
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t caught;

static void on_usr1(int sig)
{
	(void)sig;
	caught++;
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000 };

	nanosleep(&ts, NULL);
}

/* the function the uprobe example measures */
__attribute__((noinline)) int work_item(int i)
{
	sleep_ms(2);
	return i * 2;
}

static int io(long n, long size)
{
	char *buf = calloc(1, (size_t)size);
	int in = open("/dev/zero", O_RDONLY), out = open("/dev/null", O_WRONLY);

	if (!buf || in < 0 || out < 0)
		return 1;
	for (long i = 0; i < n; i++)
		if (read(in, buf, (size_t)size) != size ||
		    write(out, buf, (size_t)size) != size)
			return 1;
	return 0;
}

static int forks(long n)
{
	for (long i = 0; i < n; i++) {
		pid_t p = fork();

		if (p < 0)
			return 1;
		if (p == 0)
			_exit((int)i);
		waitpid(p, NULL, 0);
	}
	return 0;
}

static int tcp(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t len = sizeof(a);
	int l = socket(AF_INET, SOCK_STREAM, 0), c = socket(AF_INET, SOCK_STREAM, 0), s;

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (l < 0 || c < 0 || bind(l, (struct sockaddr *)&a, sizeof(a)) ||
	    listen(l, 1) || getsockname(l, (struct sockaddr *)&a, &len) ||
	    connect(c, (struct sockaddr *)&a, sizeof(a)))
		return 1;
	s = accept(l, NULL, NULL);
	if (s < 0)
		return 1;
	printf("port %d\n", ntohs(a.sin_port));
	fflush(stdout);
	close(c);
	close(s);
	close(l);
	return 0;
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "";
	long n = argc > 2 ? atol(argv[2]) : 1;
	volatile long sink = 0;

	if (!strcmp(mode, "getppid")) {
		for (long i = 0; i < n; i++)
			sink += getppid();
	} else if (!strcmp(mode, "io")) {
		return io(n, argc > 3 ? atol(argv[3]) : 1);
	} else if (!strcmp(mode, "openfail")) {
		for (long i = 0; i < n; i++)
			if (open("/nonexistent/tap-live-test", O_RDONLY) >= 0)
				return 1;
	} else if (!strcmp(mode, "signal")) {
		signal(SIGUSR1, on_usr1);
		for (long i = 0; i < n; i++)
			kill(getpid(), SIGUSR1);
		return caught == n ? 0 : 1;
	} else if (!strcmp(mode, "fork")) {
		return forks(n);
	} else if (!strcmp(mode, "sleep")) {
		for (long i = 0; i < n; i++)
			sleep_ms(1);
	} else if (!strcmp(mode, "tcp")) {
		return tcp();
	} else if (!strcmp(mode, "func")) {
		for (long i = 0; i < n; i++)
			sink += work_item((int)i);
	} else {
		fprintf(stderr, "workload: unknown mode '%s'\n", mode);
		return 2;
	}
	/* late readers (user_string) see the process a moment longer */
	sleep_ms(100);
	return 0;
}
