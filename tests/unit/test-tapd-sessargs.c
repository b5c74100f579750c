// SPDX-License-Identifier: GPL-2.0-or-later
/* The tapc command lines of tapd's sessions (daemon/sessargs.h) */
#include <errno.h>
#include <stdlib.h>

#include "check.h"
#include "sessargs.h"

static struct tapd_config cfg = {
	.paths = { .log_dir = "/var/log/tap" },
};

/* a script with options @opts (a NULL-terminated list) */
static struct tapd_script script(char **opts)
{
	struct tapd_script s = { .name = "web", .path = "/etc/tap/script.d/web.tap",
				 .plan = "/var/cache/tap/6.1/web.plan", .opts = opts };

	while (opts && opts[s.nopts])
		s.nopts++;
	return s;
}

static char *joined(const struct sessargs *a)
{
	static char buf[1024];

	buf[0] = '\0';
	for (size_t i = 0; i < a->n; i++) {
		strcat(buf, i ? " " : "");
		strcat(buf, a->argv[i]);
	}
	return buf;
}

static void command_lines(void)
{
	char *opts[] = { "-s", "4", "-D", "MAXACTION=100", NULL };
	char *withfile[] = { "-vo", "/l/x.log", "-S", "1,3", NULL };
	struct tapd_script s = script(opts), f = script(withfile);
	struct sessargs a;

	CHECK(sessargs_start(&a, &cfg, &s, "tapc", NULL) == 0);
	CHECK_STR(joined(&a), "tapc --foreground -F -m web -o /var/log/tap/web.log -s 4 "
			      "-D MAXACTION=100 /etc/tap/script.d/web.tap");
	sessargs_release(&a);
	CHECK(sessargs_start(&a, &cfg, &s, "tapc", s.plan) == 0);
	CHECK_STR(joined(&a), "tapc --foreground -F -m web -o /var/log/tap/web.log -s 4 "
			      "-D MAXACTION=100 --plan /var/cache/tap/6.1/web.plan");
	sessargs_release(&a);
	/* the options text tapc keeps in the plan: what follows --compile-to */
	CHECK(sessargs_compile(&a, &cfg, &f, "tapc") == 0);
	CHECK_STR(joined(&a), "tapc --compile-to /var/cache/tap/6.1/web.plan -F -m web -vo "
			      "/l/x.log -S 1,3 /etc/tap/script.d/web.tap");
	CHECK_STR(a.options, "-F -m web -vo /l/x.log -S 1,3");
	sessargs_release(&a);
}

static void refused(void)
{
	char *m[] = { "-s", "2", "-m", "other", NULL };
	char *c[] = { "-vc", "ls", NULL };
	char *arg_m[] = { "-o", "-m.log", NULL };	/* -m.log is -o's file */
	char *stop[] = { "--stop=x", NULL };
	char *ok[] = { "--format=json", "-D", "RELAYHOST=b", NULL };
	struct tapd_script s;
	struct sessargs a;

	s = script(m);
	CHECK_STR(sessargs_refused(&s), "-m");
	CHECK(sessargs_start(&a, &cfg, &s, "tapc", NULL) == -EINVAL);
	CHECK(strstr(a.problem, "web_OPT: '-m' is not for a service") != NULL);
	sessargs_release(&a);
	s = script(c);
	CHECK_STR(sessargs_refused(&s), "-c");
	s = script(arg_m);
	CHECK(sessargs_refused(&s) == NULL);
	CHECK(sessargs_has_output(&s));
	s = script(stop);
	CHECK_STR(sessargs_refused(&s), "--stop");
	s = script(ok);
	CHECK(sessargs_refused(&s) == NULL);
	CHECK(!sessargs_has_output(&s));
}

/* a guest: no writer to keep, no file of its own */
static void guests(void)
{
	char *g1[] = { "-DRELAYGUEST=sys", NULL };
	char *g2[] = { "--shared-guest", "sys", NULL };
	char *g3[] = { "-D", "RELAYGUEST", NULL };
	char *host[] = { "-DRELAYHOST=sys", NULL };
	char buf[64];
	struct tapd_script s;
	struct sessargs a;

	s = script(g1);
	CHECK(sessargs_guest(&s, buf, sizeof(buf)));
	CHECK_STR(buf, "sys");
	CHECK(sessargs_start(&a, &cfg, &s, "tapc", NULL) == 0);
	CHECK_STR(joined(&a), "tapc -F -m web -DRELAYGUEST=sys /etc/tap/script.d/web.tap");
	sessargs_release(&a);
	s = script(g2);
	CHECK(sessargs_guest(&s, buf, sizeof(buf)));
	CHECK_STR(buf, "sys");
	s = script(g3);
	CHECK(sessargs_guest(&s, buf, sizeof(buf)));
	CHECK_STR(buf, "web");
	s = script(host);
	CHECK(!sessargs_guest(&s, buf, sizeof(buf)));
}

/* a precompiled plan alone cannot be compiled again */
static void plan_only(void)
{
	struct tapd_script s = script(NULL);
	struct sessargs a;

	s.path = NULL;
	CHECK(sessargs_compile(&a, &cfg, &s, "tapc") == -ENOENT);
	CHECK(strstr(a.problem, "only a precompiled plan") != NULL);
	sessargs_release(&a);
	CHECK(sessargs_start(&a, &cfg, &s, "tapc", s.plan) == 0);
	CHECK_STR(joined(&a), "tapc --foreground -F -m web -o /var/log/tap/web.log "
			      "--plan /var/cache/tap/6.1/web.plan");
	sessargs_release(&a);
}

int main(void)
{
	command_lines();
	refused();
	guests();
	plan_only();
	return CHECK_DONE();
}
