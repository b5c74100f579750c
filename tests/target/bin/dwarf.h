/* The types of the DWARF fixture, shared with tests/unit/test-dwinfo.c,
 * whose offsetof() checks what tap reads from the DWARF. */
#ifndef TAP_FIXTURE_DWARF_H
#define TAP_FIXTURE_DWARF_H

struct point {
	int x, y;
};

struct conn {
	int fd;
	unsigned flags : 3;
	unsigned state : 5;
	char name[16];
	const char *host;
	struct point origin;
	struct conn *peer;
	union {
		long id;
		void *cookie;
	};
	short port;
	unsigned char kind;
	long hist[4];
};

typedef struct conn conn_t;

struct big {
	long a[4];
};

enum mode { MODE_READ = 1, MODE_WRITE = 2 };

#endif
