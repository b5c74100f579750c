/* Makes system calls with known arguments: reads of a known size on a
 * known descriptor, getppid(), and opens of a known path. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	int reads = argc > 1 ? atoi(argv[1]) : 3;
	int other = argc > 2 ? atoi(argv[2]) : 0;
	const char *path = argc > 3 ? argv[3] : "/dev/zero";
	char buf[512];
	int fd = open(path, O_RDONLY);

	if (fd < 0 || dup2(fd, 77) < 0 || dup2(fd, 99) < 0)
		return 1;
	for (int i = 0; i < reads; i++)
		if (read(77, buf, 123) != 123)
			return 1;
	for (int i = 0; i < other; i++)
		if (read(99, buf, 7) != 7)
			return 1;
	for (int i = 0; i < 5; i++)
		getppid();
	/* the string stays mapped a moment for late readers */
	usleep(200000);
	return 0;
}
