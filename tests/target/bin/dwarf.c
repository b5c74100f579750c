/* DWARF fixture: parameters of every kind the ABI places, structs with
 * members, bitfields, arrays and anonymous unions. Built by build.sh:
 *   gcc -O1 -g -o dwarf dwarf.c */
#include <stdio.h>
#include <string.h>

#include "dwarf.h"

__attribute__((noinline)) int dw_connect(conn_t *c, const char *host, int port,
					 long timeout, unsigned short retries,
					 enum mode mode)
{
	c->port = (short)port;
	c->host = host;
	return (int)(timeout + retries + mode + c->fd);
}

__attribute__((noinline)) long dw_many(int a, int b, int c, int d, int e,
				       int f, int g, long h)
{
	return a + b + c + d + e + f + g + h;
}

__attribute__((noinline)) double dw_scale(double factor, int n)
{
	return factor * n;
}

__attribute__((noinline)) int dw_point(struct point p, int z)
{
	return p.x + p.y + z;
}

__attribute__((noinline)) long dw_big(struct big b, int k)
{
	return b.a[k & 3];
}

__attribute__((noinline)) const char *dw_name(const struct conn *c)
{
	return c->name;
}

__attribute__((noinline)) struct point dw_origin(const struct conn *c)
{
	return c->origin;
}

int main(int argc, char **argv)
{
	struct conn c = { .fd = 3, .flags = 5, .state = 17, .origin = { 7, 9 } };
	struct big b = { { 1, 2, 3, 4 } };
	struct point p = { argc, -2 };
	long sum;

	strcpy(c.name, "first");
	c.id = 77;
	/* one call per statement: the live test expects this order */
	sum = dw_connect(&c, argc > 1 ? argv[1] : "localhost", 80, 1000, 3, MODE_WRITE);
	sum += dw_many(1, 2, 3, 4, 5, 6, -7, -8);
	sum += (long)dw_scale(1.5, argc);
	sum += dw_point(p, 3);
	sum += dw_big(b, argc);
	sum += (long)strlen(dw_name(&c));
	sum += dw_origin(&c).y;
	printf("%ld\n", sum);
	return 0;
}
