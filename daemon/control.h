/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef TAP_DAEMON_CONTROL_H
#define TAP_DAEMON_CONTROL_H

/*
 * tapd's control socket: a Unix stream socket under the run directory.
 * A client sends one request line ("start web db\n"); tapd answers with
 * text lines and a last line "OK" or "ERROR message". Callers are checked
 * with SO_PEERCRED: root, or a member of the configured group.
 */
#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>

#define CONTROL_SOCKET_NAME "tapd.sock"
#define CONTROL_MAX_REQUEST 4096

struct control_peer {
	pid_t pid;
	uid_t uid;
	gid_t gid;
};

/*
 * Creates and listens on @path (an old socket file is replaced), mode
 * 0660, group @gid when not -1. Returns the fd or -errno.
 */
int control_listen(const char *path, gid_t gid);

/*
 * Is @peer allowed: root, or @group (a gid, or -1 for none) is its
 * primary group or one of its supplementary groups (SO_PEERGROUPS)?
 */
bool control_peer_allowed(int fd, const struct control_peer *peer,
			  gid_t group);

/* Reads the peer's credentials (SO_PEERCRED). 0 or -errno. */
int control_peer(int fd, struct control_peer *peer);

/*
 * Reads one request line (without the newline) into @buf, waiting at
 * most @timeout_ms. 0, -EMSGSIZE for an over-long line, or -errno.
 */
int control_read_request(int fd, char *buf, size_t size, int timeout_ms);

/*
 * Client side: connects to @path, sends @request, and copies the answer
 * lines to @out (stdout), except the last one. Returns 0 for "OK", 1
 * for "ERROR ..." (printed to @err), 2 when tapd refused the caller, or
 * -errno when tapd cannot be reached.
 */
int control_call(const char *path, const char *request, FILE *out, FILE *err);

#endif
