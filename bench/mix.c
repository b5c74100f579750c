/* The load of the counting and latency benchmarks: N rounds of three
 * system calls, getppid(), a 1-byte read of /dev/zero and a 1-byte write
 * to /dev/null. Usage: mix N */
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 1000000;
	int in = open("/dev/zero", O_RDONLY), out = open("/dev/null", O_WRONLY);
	char c;

	if (in < 0 || out < 0)
		return 1;
	for (long i = 0; i < n; i++) {
		getppid();
		if (read(in, &c, 1) != 1 || write(out, &c, 1) != 1)
			return 1;
	}
	return 0;
}
