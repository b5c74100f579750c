// SPDX-License-Identifier: GPL-2.0-or-later
#include "control.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

static int fill_addr(struct sockaddr_un *sa, const char *path)
{
	memset(sa, 0, sizeof(*sa));
	sa->sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sa->sun_path))
		return -ENAMETOOLONG;
	strcpy(sa->sun_path, path);
	return 0;
}

int control_listen(const char *path, gid_t gid)
{
	struct sockaddr_un sa;
	int fd, err;

	err = fill_addr(&sa, path);
	if (err)
		return err;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -errno;
	unlink(path);
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) ||
	    chmod(path, 0660) ||
	    (gid != (gid_t)-1 && chown(path, 0, gid)) ||
	    listen(fd, 16)) {
		err = -errno;
		close(fd);
		return err;
	}
	return fd;
}

int control_peer(int fd, struct control_peer *peer)
{
	struct ucred cred;
	socklen_t len = sizeof(cred);

	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len))
		return -errno;
	peer->pid = cred.pid;
	peer->uid = cred.uid;
	peer->gid = cred.gid;
	return 0;
}

bool control_peer_allowed(int fd, const struct control_peer *peer,
			  gid_t group)
{
	gid_t groups[256];
	socklen_t len = sizeof(groups);

	if (peer->uid == 0)
		return true;
	if (group == (gid_t)-1)
		return false;
	if (peer->gid == group)
		return true;
	/* the caller's supplementary groups, as the kernel saw them */
	if (getsockopt(fd, SOL_SOCKET, SO_PEERGROUPS, groups, &len))
		return false;
	for (size_t i = 0; i < len / sizeof(gid_t); i++)
		if (groups[i] == group)
			return true;
	return false;
}

int control_read_request(int fd, char *buf, size_t size, int timeout_ms)
{
	size_t n = 0;

	while (n + 1 < size) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		ssize_t r;

		if (poll(&p, 1, timeout_ms) <= 0)
			return -ETIMEDOUT;
		r = read(fd, buf + n, size - 1 - n);
		if (r < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (r <= 0)
			return r < 0 ? -errno : -ECONNRESET;
		n += (size_t)r;
		buf[n] = '\0';
		if (strchr(buf, '\n')) {
			*strchr(buf, '\n') = '\0';
			return 0;
		}
	}
	return -EMSGSIZE;
}

/* a socket write that cannot kill us: tapd may have hung up already */
static int write_all(int fd, const char *s, size_t n)
{
	while (n) {
		ssize_t w = send(fd, s, n, MSG_NOSIGNAL);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -errno;
		s += w;
		n -= (size_t)w;
	}
	return 0;
}

/* copies answer lines; the last line decides the result */
static int relay_answer(FILE *in, FILE *out, FILE *err)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	int rc = -EPROTO;

	while ((n = getline(&line, &cap, in)) > 0) {
		if (!strcmp(line, "OK\n")) {
			rc = 0;
			break;
		}
		if (!strncmp(line, "ERROR ", 6)) {
			fputs(line + 6, err);
			rc = strncmp(line, "ERROR permission denied", 23) ? 1 : 2;
			break;
		}
		fputs(line, out);
		fflush(out);
	}
	free(line);
	return rc;
}

int control_call(const char *path, const char *request, FILE *out, FILE *err)
{
	struct sockaddr_un sa;
	FILE *in;
	int fd, rc;

	rc = fill_addr(&sa, path);
	if (rc)
		return rc;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		rc = -errno;
		close(fd);
		return rc;
	}
	/* a refused caller's request may meet a closed socket: its answer
	 * (why) is read all the same */
	rc = write_all(fd, request, strlen(request));
	if (!rc)
		rc = write_all(fd, "\n", 1);
	if (rc && rc != -EPIPE && rc != -ECONNRESET) {
		close(fd);
		return rc;
	}
	shutdown(fd, SHUT_WR);
	in = fdopen(fd, "r");
	if (!in) {
		close(fd);
		return -ENOMEM;
	}
	rc = relay_answer(in, out, err);
	fclose(in);
	return rc;
}
