/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef TAP_DAEMON_SERVICE_H
#define TAP_DAEMON_SERVICE_H

/*
 * The supervisor's view of each registered script. A running script is a
 * flight recorder: its events live in the kernel's instance from the
 * start to the stop, whatever happens to processes. Its one process is
 * the writer of its log files, tapd's child:
 *
 *   start    tapc -F --foreground -m NAME [-o LOG_PATH/NAME.log] OPTS SCRIPT
 *            (or --plan CACHE_PATH/<release>/NAME.plan), ready when its
 *            standard output closes after the "recording" line
 *   restart  tapc --resume INSTANCE: a new writer that carries on from the
 *            dead one's checkpoint (nothing lost, nothing written twice)
 *   stop     session_stop(): the writer runs the end probes and removes
 *            the instance
 *
 * A writer that dies is restarted with back-off while the kernel keeps
 * recording. Writers outlive tapd; a new tapd adopts them (and restarts
 * the ones that died meanwhile) from the session records, which say
 * which sessions are tapd's ("service" file).
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
	SVC_DEAD,	/* instance recording, writer gone (restart pending) */
	SVC_BLOCKED,	/* a requirement is missing, failed or in a loop */
};

struct svc {
	char *name;
	enum svc_state state;
	bool wanted;	/* started by a command: restart it if it dies */
	pid_t pid;	/* 0 for a shared buffer's guest: it has no process */
	bool child;	/* our child (reaped on SIGCHLD), else adopted */
	bool guest;	/* a shared buffer's guest: instance is its state key */
	unsigned restarts;	/* in a row, reset after a long enough run */
	uint64_t started_ns, restart_at_ns;
	char instance[256];	/* tap_NAME, a shared buffer's, or HOST/guests/NAME */
	char reason[512];
};

struct service {
	struct tapd_config cfg;
	const char *tapc;	/* the tapc binary that runs sessions */
	char *build_id;	/* the running kernel's, for the plan cache (or NULL) */
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
/*
 * stop: in reverse start order, waiting for each to finish its end probes.
 * A shared buffer's host with guests is not stopped, unless @force: then
 * its guests leave first.
 */
int service_stop(struct service *sv, char *const *names, size_t n, bool force,
		 FILE *out);
/*
 * compile: brings the plans of the scripts (all, or @names) in the cache
 * up to date, saying per script what it did. 0, or 1 if some failed.
 */
int service_compile(struct service *sv, char *const *names, size_t n, FILE *out);
/* status: per script, its state, process, instance, buffer and counts */
void service_status(struct service *sv, char *const *names, size_t n, FILE *out);

/* A child ended (@status from waitpid). */
void service_reap(struct service *sv, pid_t pid, int status);
/* Notices adopted writers that died, restarts what is due; returns the
 * next deadline (ns) or UINT64_MAX. */
uint64_t service_tick(struct service *sv, uint64_t now_ns);
/* Finds the sessions a previous tapd started and takes them over,
 * saying what it found on @report. */
void service_adopt(struct service *sv, FILE *report);
void service_release(struct service *sv);

/* The instance a script's session records into (tap_NAME by default). */
const char *svc_instance(const struct svc *s);

uint64_t service_now_ns(void);

#endif
