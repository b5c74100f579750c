/* @var() fixture: variables at file scope (PIE, -O1 -g): a struct, a
 * pointer to it, a char array, a long, a constant (in .rodata, which lld
 * puts before .text), and a static whose name vars2.c uses for its own
 * static too. vars-clang is the same built by clang and lld at -O0
 * (DWARF 5 address indexes, no .debug_aranges, %rbp as frame base). */
#include <stdio.h>

struct limits {
	int soft;
	long hard;
	char label[8];
	struct limits *next;
};

struct limits vars_limits = { 10, 20, "lim", 0 };
struct limits *vars_current = &vars_limits;
char vars_name[16] = "fixture";
static int vars_count = 3;
long vars_total;
const long vars_ro = 42;

int vars2_count(void);

__attribute__((noinline)) int vars_step(int n)
{
	vars_count += n;
	vars_total += vars_count;
	return vars_count + vars2_count() + (int)(vars_ro - 42);
}

int main(int argc, char **argv)
{
	(void)argv;
	printf("%s %d\n", vars_name, vars_step(argc));
	return 0;
}
