// SPDX-License-Identifier: GPL-2.0-or-later
#include "state.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tfb.h"

const char *state_run_dir(void)
{
	const char *env = getenv("TAP_RUN_DIR");

	return env && *env ? env : "/run/tap";
}

static void record_path(char *buf, size_t n, const char *instance,
			const char *file)
{
	snprintf(buf, n, "%s/sessions/%s%s%s", state_run_dir(), instance,
		 file ? "/" : "", file ? file : "");
}

static int mkdir_p(const char *path)
{
	char tmp[4096];

	snprintf(tmp, sizeof(tmp), "%s", path);
	for (char *p = tmp + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(tmp, 0755) && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	if (mkdir(tmp, 0755) && errno != EEXIST)
		return -errno;
	return 0;
}

unsigned long long state_proc_start(pid_t pid)
{
	char path[64], buf[1024], *p;
	unsigned long long start = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	f = fopen(path, "re");
	if (!f)
		return 0;
	if (!fgets(buf, sizeof(buf), f)) {
		fclose(f);
		return 0;
	}
	fclose(f);
	/* field 22, counted after the ")" that ends the comm */
	p = strrchr(buf, ')');
	if (!p)
		return 0;
	p += 2;
	for (int field = 3; field < 22 && p; field++) {
		p = strchr(p, ' ');
		if (p)
			p++;
	}
	if (p)
		start = strtoull(p, NULL, 10);
	return start;
}

int state_claim(const char *instance, const char *group, bool detached)
{
	char path[4096], tmp[4200];
	FILE *f;
	int err;

	record_path(path, sizeof(path), instance, NULL);
	err = mkdir_p(path);
	if (err)
		return err;
	record_path(path, sizeof(path), instance, "owner");
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	f = fopen(tmp, "we");
	if (!f)
		return -errno;
	fprintf(f, "%d %llu %s %s\n", (int)getpid(), state_proc_start(getpid()),
		detached ? "detached" : "attached", group);
	if (fclose(f))
		return -errno;
	return rename(tmp, path) ? -errno : 0;
}

int state_read(const char *instance, struct state_owner *o)
{
	char path[4096], mode[32];
	int pid;
	FILE *f;

	record_path(path, sizeof(path), instance, "owner");
	f = fopen(path, "re");
	if (!f)
		return -errno;
	memset(o, 0, sizeof(*o));
	if (fscanf(f, "%d %llu %31s %127s", &pid, &o->start, mode, o->group) < 3) {
		fclose(f);
		return -EINVAL;
	}
	fclose(f);
	o->pid = pid;
	o->detached = !strcmp(mode, "detached");
	return 0;
}

bool state_owner_alive(const struct state_owner *o)
{
	if (o->pid <= 0 || (kill(o->pid, 0) && errno == ESRCH))
		return false;
	return state_proc_start(o->pid) == o->start;
}

static int remove_tree(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *de;

	if (!d)
		return errno == ENOENT ? 0 : -errno;
	while ((de = readdir(d))) {
		char sub[4096];

		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		snprintf(sub, sizeof(sub), "%s/%s", path, de->d_name);
		if (de->d_type == DT_DIR)
			remove_tree(sub);
		else
			unlink(sub);
	}
	closedir(d);
	return rmdir(path) ? -errno : 0;
}

int state_release(const char *instance)
{
	char path[4096];

	record_path(path, sizeof(path), instance, NULL);
	return remove_tree(path);
}

int state_cleanup_orphans(void (*report)(const char *instance, pid_t pid))
{
	char path[4096];
	struct dirent *de;
	int removed = 0;
	DIR *d;

	snprintf(path, sizeof(path), "%s/sessions", state_run_dir());
	d = opendir(path);
	if (!d)
		return 0;
	while ((de = readdir(d))) {
		struct state_owner o;

		if (de->d_name[0] == '.' || state_read(de->d_name, &o))
			continue;
		if (o.detached || state_owner_alive(&o))
			continue;
		tfb_remove_leftovers(de->d_name, o.group);
		state_release(de->d_name);
		if (report)
			report(de->d_name, o.pid);
		removed++;
	}
	closedir(d);
	return removed;
}
