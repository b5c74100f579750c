/*
 * Opens paths that do not exist, with bytes that JSON must escape:
 * quotes, backslashes, control characters, UTF-8 and bytes that are not
 * UTF-8. Each openat() event carries the path. The process waits a
 * moment at the end, so user_string() finds the strings still mapped.
 */
#include <fcntl.h>
#include <unistd.h>

static const char *const paths[] = {
	"/nonexistent-tap/plain",
	"/nonexistent-tap/quote\"back\\slash",
	"/nonexistent-tap/nl\ntab\tcr\rbell\a\x01\x1f\x7f",
	"/nonexistent-tap/utf8-\xc3\xa9-\xe2\x82\xac-\xf0\x9f\x98\x80",
	"/nonexistent-tap/bad-\xff-\xc3-\xed\xa0\x80-\xc0\xaf",
	"/nonexistent-tap/</script>&'{}[],:",
};

int main(void)
{
	for (unsigned i = 0; i < sizeof(paths) / sizeof(paths[0]); i++)
		open(paths[i], O_RDONLY);
	usleep(300000);
	return 0;
}
