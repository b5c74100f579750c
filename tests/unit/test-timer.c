// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * timer.X(N).randomize(M): every period is N plus or minus up to M, spread
 * over the whole range, never below 1 ns; without M it is N exactly.
 */
#include <stdint.h>

#include "check.h"
#include "rt.h"

int main(void)
{
	uint64_t rng = 12345, lo = UINT64_MAX, hi = 0;
	int below = 0, above = 0;

	CHECK(rt_timer_period(100, 0, &rng) == 100);
	CHECK(rng == 12345);
	for (int i = 0; i < 100000; i++) {
		uint64_t p = rt_timer_period(1000, 300, &rng);

		if (p < lo)
			lo = p;
		if (p > hi)
			hi = p;
		below += p < 1000;
		above += p > 1000;
	}
	CHECK(lo == 700);
	CHECK(hi == 1300);
	/* about half each way */
	CHECK(below > 45000 && below < 55000);
	CHECK(above > 45000 && above < 55000);
	/* a spread as big as the period still leaves a period */
	for (int i = 0; i < 1000; i++)
		CHECK(rt_timer_period(5, 5, &rng) >= 1);
	return CHECK_DONE();
}
