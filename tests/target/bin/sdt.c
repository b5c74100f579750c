/* SDT fixture: markers with semaphores (dtrace -h / -G), whose operands
 * cover what gcc -O2 writes: a register, memory through a register with and
 * without a displacement, an index register (which tracefs cannot express)
 * and a RIP-relative global. sdt_plain.c adds a marker without semaphore.
 * Built by build.sh (dtrace -h and -G, then gcc -O2). */
#include "sdt_prov.h"

int tapfix_total;
int plain_fn(int x);

struct req {
	int id;
	long size;
};

__attribute__((noinline)) void serve(struct req *r)
{
	if (TAPFIX_REQ_START_ENABLED())
		TAPFIX_REQ_START(r->id, r->size);
}

__attribute__((noinline)) void bump(void)
{
	TAPFIX_COUNTER(tapfix_total);
}

int main(int argc, char **argv)
{
	struct req r = { argc, 42 };

	for (int i = 0; i < argc; i++) {
		TAPFIX_TICK(i, argv[i]);
		tapfix_total += i;
		bump();
		serve(&r);
		plain_fn(i);
	}
	return 0;
}
