/* the other file of the @var() fixture: a static named as vars.c's */
static int vars_count = 5;

__attribute__((noinline)) int vars2_count(void)
{
	return vars_count++;
}
