/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef TAP_DAEMON_SERVICE_H
#define TAP_DAEMON_SERVICE_H

/*
 * The supervisor's view of each registered script: whether it should run,
 * its session process, restarts with back-off, and why it is not running.
 * Session processes are tapc runs of their own; they outlive tapd, and a
 * new tapd adopts them from their pid files.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "tapd_config.h"

enum svc_state {
	SVC_STOPPED,
	SVC_RUNNING,
	SVC_FAILED,	/* would not start, or died too often */
	SVC_DEAD,	/* instance present, process gone (restart pending) */
	SVC_BLOCKED,	/* a requirement is missing, failed or in a loop */
};

struct svc {
	char *name;
	enum svc_state state;
	bool wanted;	/* started by a command: restart it if it dies */
	pid_t pid;
	int pidfd;	/* for processes we adopted (not our children) */
	unsigned restarts;	/* in a row, reset after a long enough run */
	uint64_t started_ns, restart_at_ns;
	char reason[512];
};

struct service {
	struct tapd_config cfg;
	const char *tapc;	/* the tapc binary that runs sessions */
	struct svc *svcs;
	size_t nsvcs;
	void (*log)(int prio, const char *fmt, ...)
		__attribute__((format(printf, 2, 3)));
};

const char *svc_state_name(enum svc_state s);
struct svc *service_find(struct service *sv, const char *name);

/* Matches svcs[] to the registry after a (re)load: keeps running ones. */
int service_sync(struct service *sv);

/*
 * start: every name and what it requires, in order; answers one line
 * per script to @out. Returns 0 if all started, 1 if some could not.
 */
int service_start(struct service *sv, char *const *names, size_t n, FILE *out);
/* stop: in reverse start order, waiting for each to finish its end probes */
int service_stop(struct service *sv, char *const *names, size_t n, FILE *out);
void service_status(struct service *sv, char *const *names, size_t n, FILE *out);

/* A session process ended (@status from waitpid, or -1 if unknown). */
void service_reap(struct service *sv, pid_t pid, int status);
/* Restarts due now; returns the next deadline (ns) or UINT64_MAX. */
uint64_t service_tick(struct service *sv, uint64_t now_ns);
/* Finds sessions a previous tapd started and takes them over. */
void service_adopt(struct service *sv, FILE *report);
void service_release(struct service *sv);

uint64_t service_now_ns(void);

#endif
