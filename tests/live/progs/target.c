/* The program the live uprobe tests trace: functions with known
 * arguments and results, called a given number of times. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

__attribute__((noinline)) int target_add(int a, int b)
{
	return a + b;
}

__attribute__((noinline)) long target_name(const char *name, long n)
{
	return (long)strlen(name) * n;
}

/* recursive: return probes see the calls end innermost first */
__attribute__((noinline)) long target_fact(long n)
{
	return n <= 1 ? 1 : n * target_fact(n - 1);
}

int main(int argc, char **argv)
{
	int times = argc > 1 ? atoi(argv[1]) : 3;
	volatile long sink = 0;

	for (int i = 0; i < times; i++) {
		sink += target_add(i, 40);
		sink += target_name(i % 2 ? "odd" : "even-number", i);
	}
	/* a second argument: one recursive call of that depth */
	if (argc > 2)
		sink += target_fact(atol(argv[2]));
	return (int)(sink & 1) * 0;
}
