/* A shared library with versioned symbols (fix.map): fix_alloc@FIX_1.0 and
 * the default fix_alloc@@FIX_2.0. Built by build.sh:
 *   gcc -O1 -g0 -fPIC -shared -Wl,--version-script=fix.map \
 *       -Wl,-soname,libfix.so.1 -o libfix.so fix.c */
#include <stdlib.h>
__asm__(".symver fix_alloc_v1, fix_alloc@FIX_1.0");
__asm__(".symver fix_alloc_v2, fix_alloc@@FIX_2.0");
void *fix_alloc_v1(int n) { return malloc((size_t)n); }
void *fix_alloc_v2(size_t n, int zero) { return zero ? calloc(1, n) : malloc(n); }
int fix_open(const char *name, int flags) { return name[0] + flags; }
int fix_close(int fd) { return fd - 1; }
static int helper(int x) { return x * 2; }
int fix_read(int fd, char *buf, int n) { return helper(fd) + buf[0] + n; }

/* an IFUNC, as libc's strlen: the symbol is the resolver */
int __fix_copy_sse2(int x) { return x; }
int __fix_copy_avx2(int x) { return x + 1; }
static int (*fix_copy_resolve(void))(int) { return __fix_copy_sse2; }
int fix_copy(int x) __attribute__((ifunc("fix_copy_resolve")));
