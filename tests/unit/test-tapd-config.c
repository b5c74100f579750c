// SPDX-License-Identifier: GPL-2.0-or-later
/* tapd's registry (tapd.conf, script.d, conf.d) and the start order */
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <errno.h>

#include "check.h"
#include "tapd_config.h"
#include "deps.h"

static char root[] = "/tmp/tap-unit-config.XXXXXX";

static void put(const char *rel, const char *text)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	f = fopen(path, "w");
	if (!f)
		abort();
	fputs(text, f);
	fclose(f);
}

static void make_tree(void)
{
	char path[4096];

	if (!mkdtemp(root))
		abort();
	snprintf(path, sizeof(path), "mkdir -p %s/etc/tap/script.d %s/etc/tap/conf.d", root, root);
	if (system(path))
		abort();
	put("etc/tap/tapd.conf",
	    "# tapd settings\n"
	    "DEFAULT_START=\"web db\"  # two of them\n"
	    "CONTROL_GROUP=tapusers\n"
	    "BACKUP_KEEP=7\n"
	    "LOG_PATH='/srv/logs'\n");
	for (const char *const *n = (const char *const[]){ "web", "db", "cache", "a", "b", "c", "orphan", NULL }; *n; n++) {
		char rel[256];

		snprintf(rel, sizeof(rel), "etc/tap/script.d/%s.tap", *n);
		put(rel, "probe begin { exit() }\n");
	}
	put("etc/tap/script.d/9bad.tap", "probe begin {}\n");
	put("etc/tap/conf.d/web.conf",
	    "web_OPT=\"-o /var/log/tap/web-%Y%m%d.log -S 10,3 -s 4\"\n"
	    "web_REQ=\"db cache\"\n");
	put("etc/tap/conf.d/db.conf", "db_REQ=cache\n");
	/* a -> b -> c -> a */
	put("etc/tap/conf.d/a.conf", "a_REQ=b\n");
	put("etc/tap/conf.d/b.conf", "b_REQ=c\n");
	put("etc/tap/conf.d/c.conf", "c_REQ=a\n");
	put("etc/tap/conf.d/orphan.conf", "orphan_REQ=missing\nbogus=1\n");
}

static void test_load(struct tapd_config *c, struct diag *d)
{
	struct tapd_script *web;

	CHECK(tapd_config_load(root, c, d) == -EINVAL);	/* 9bad and bogus */
	CHECK(d->errors == 2);
	CHECK(c->nscripts == 7);
	CHECK(c->ndefault == 2 && !strcmp(c->default_start[0], "web"));
	CHECK(c->control_group && !strcmp(c->control_group, "tapusers"));
	CHECK(c->backup_keep == 7);
	CHECK(strstr(c->paths.log_dir, "/srv/logs") && !strncmp(c->paths.log_dir, root, strlen(root)));
	web = tapd_config_find(c, "web");
	CHECK(web != NULL);
	if (!web)
		return;
	CHECK(web->nopts == 6);
	CHECK(web->nopts == 6 && !strcmp(web->opts[1], "/var/log/tap/web-%Y%m%d.log"));
	CHECK(web->nreqs == 2 && !strcmp(web->reqs[1], "cache"));
	CHECK(tapd_config_find(c, "nope") == NULL);
}

static const char *reason_of(struct deps_plan *p, const char *name)
{
	for (size_t i = 0; i < p->nblocked; i++)
		if (!strcmp(p->blocked[i], name))
			return p->blocked_reason[i];
	return "";
}

static void test_order(struct tapd_config *c)
{
	char *all[] = { "web", "a", "orphan" };
	struct deps_plan p;

	CHECK(deps_order(c, all, 3, &p) == 0);
	/* requirements first: cache, then db, then web */
	CHECK(p.n == 3);
	if (p.n == 3) {
		CHECK_STR(p.order[0], "cache");
		CHECK_STR(p.order[1], "db");
		CHECK_STR(p.order[2], "web");
	}
	CHECK(p.nproblems == 1);
	if (p.nproblems)
		CHECK_STR(p.problems[0], "dependency loop: a -> b -> c -> a");
	CHECK(p.nblocked == 4);	/* a, b, c and orphan */
	CHECK_STR(reason_of(&p, "orphan"), "requires 'missing', which is not registered");
	CHECK(strstr(reason_of(&p, "a"), "dependency loop") != NULL);
	deps_plan_release(&p);
}

static void test_assignments(void)
{
	CHECK(tapd_parse_assignments("A=1\nB \n", NULL, NULL) == 2);
	CHECK(tapd_parse_assignments("A=\"unterminated\n", NULL, NULL) == 1);
}

static void noop(void *arg, const char *k, const char *v, int line)
{
	(void)arg; (void)k; (void)v; (void)line;
}

int main(void)
{
	struct tapd_config c;
	struct diag d;
	char cmd[4200];

	make_tree();
	diag_init(&d, NULL);
	test_load(&c, &d);
	test_order(&c);
	CHECK(tapd_parse_assignments("A=1\nB \n", noop, NULL) == 2);
	CHECK(tapd_parse_assignments("A=\"unterminated\n", noop, NULL) == 1);
	CHECK(tapd_parse_assignments("# c\n\nX='a # b' # c\n", noop, NULL) == 0);
	(void)test_assignments;
	tapd_config_release(&c);
	diag_release(&d);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", root);
	if (system(cmd))
		return 1;
	return CHECK_DONE();
}
