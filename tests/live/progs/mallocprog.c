/* tests/live/usdt-libc.sh traces libc's malloc in this program: two calls
 * with sizes nothing else asks for. */
#include <stdio.h>
#include <stdlib.h>

int main(void)
{
	char *volatile a = malloc(12345);
	char *volatile b = malloc(54321);

	free(b);
	free(a);
	return 0;
}
