/* The program tests/live/sdt.sh traces: for each "fire N" line on stdin it
 * hits markers guarded by their semaphores (dtrace -h/-G) and reports the
 * semaphore it saw, so the test knows whether tap had the kernel raise it. */
#include <stdio.h>

#include "sdtprog.h"

int tapsdt_total;

/* gcc -O2 passes the global itself: a RIP-relative operand */
__attribute__((noinline)) static void report(void)
{
	if (TAPSDT_TOTAL_ENABLED())
		TAPSDT_TOTAL(tapsdt_total);
}

int main(int argc, char **argv)
{
	const char *name = argc > 1 ? argv[1] : "prog";
	char line[64];
	int n;

	setvbuf(stdout, NULL, _IOLBF, 0);
	while (fgets(line, sizeof(line), stdin) && sscanf(line, "fire %d", &n) == 1) {
		int fired = 0;

		if (TAPSDT_WORK_ENABLED()) {
			TAPSDT_WORK(n, name);
			fired = 1;
		}
		if (TAPSDT_PING_ENABLED())
			TAPSDT_PING((long)n * 1000);
		tapsdt_total += n;
		report();
		printf("%d sem=%u fired=%d\n", n, (unsigned)tapsdt_work_semaphore, fired);
	}
	return 0;
}
