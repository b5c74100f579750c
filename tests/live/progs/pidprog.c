/* The program tests/live/usdt-pid.sh traces, run twice at once: tick() is
 * called by its main thread ("call N"), by a worker thread that exists
 * before tap starts ("worker N"), and by a thread started afterwards
 * ("thread N"), one command per stdin line. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t wake = PTHREAD_COND_INITIALIZER, done = PTHREAD_COND_INITIALIZER;
static int job, finished;

__attribute__((noinline)) int tick(int n)
{
	__asm__ volatile("" ::: "memory");
	return n + 1;
}

static void *worker(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&lock);
	for (;;) {
		while (!job)
			pthread_cond_wait(&wake, &lock);
		tick(job);
		job = 0;
		finished = 1;
		pthread_cond_signal(&done);
	}
	return NULL;
}

static void *once(void *arg)
{
	tick((int)(long)arg);
	return NULL;
}

int main(void)
{
	char line[64];
	pthread_t w, t;
	int n;

	setvbuf(stdout, NULL, _IOLBF, 0);
	pthread_create(&w, NULL, worker, NULL);
	printf("ready %d\n", getpid());
	while (fgets(line, sizeof(line), stdin)) {
		if (sscanf(line, "call %d", &n) == 1) {
			tick(n);
		} else if (sscanf(line, "worker %d", &n) == 1) {
			pthread_mutex_lock(&lock);
			finished = 0;
			job = n;
			pthread_cond_signal(&wake);
			while (!finished)
				pthread_cond_wait(&done, &lock);
			pthread_mutex_unlock(&lock);
		} else if (sscanf(line, "thread %d", &n) == 1) {
			pthread_create(&t, NULL, once, (void *)(long)n);
			pthread_join(t, NULL);
		} else {
			break;
		}
		printf("done %d\n", n);
	}
	return 0;
}
