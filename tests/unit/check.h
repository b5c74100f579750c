/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef TAP_CHECK_H
#define TAP_CHECK_H

/* A few macros for the C unit tests: each failed check is printed with its
 * line, and the test's exit status says whether any failed. */
#include <stdio.h>
#include <string.h>

static int check_failures;

#define CHECK(cond)                                                       \
	do {                                                              \
		if (!(cond)) {                                            \
			fprintf(stderr, "%s:%d: check failed: %s\n",      \
				__FILE__, __LINE__, #cond);               \
			check_failures++;                                 \
		}                                                         \
	} while (0)

#define CHECK_STR(got, want)                                              \
	do {                                                              \
		const char *g_ = (got), *w_ = (want);                     \
		if (strcmp(g_, w_)) {                                     \
			fprintf(stderr, "%s:%d: got \"%s\"\n%*swant \"%s\"\n", \
				__FILE__, __LINE__, g_,                   \
				(int)strlen(__FILE__) + 8, "", w_);       \
			check_failures++;                                 \
		}                                                         \
	} while (0)

#define CHECK_DONE() (check_failures ? 1 : 0)

#endif
