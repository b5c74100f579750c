/* A fixed binary for the compiler's golden tests: its symbols' file
 * offsets appear in the expected plans. Rebuild only on purpose, with
 *   gcc -O1 -g0 -o demo demo.c && strip --strip-debug demo
 * and review the plans that change (UPDATE_GOLDEN=1). */
#include <stdio.h>
#include <string.h>

int demo_add(int a, int b)
{
	return a + b;
}

const char *demo_greet(const char *who, int times)
{
	static char buf[64];

	snprintf(buf, sizeof(buf), "hello %s x%d", who, times);
	return buf;
}

long demo_len(const char *s)
{
	return (long)strlen(s);
}

int main(int argc, char **argv)
{
	int n = demo_add(argc, 2);

	puts(demo_greet(argc > 1 ? argv[1] : "world", n));
	return (int)demo_len(argv[0]) > 1000;
}
