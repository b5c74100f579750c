/* A burst of getppid() system calls: the load every tracer in the
 * benchmark sees. Usage: burst N */
#include <stdlib.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 1000000;

	for (long i = 0; i < n; i++)
		getppid();
	return 0;
}
