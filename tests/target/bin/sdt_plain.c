/* A marker without semaphore, built with -O0: a frame slot and an
 * immediate operand. */
#include <sys/sdt.h>

int plain_fn(int x)
{
	int y = x * 3;

	STAP_PROBE2(plain, hello, y, 5);
	return y;
}
