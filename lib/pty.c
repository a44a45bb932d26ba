#include "pty.h"
#include "err.h"
#include "file.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

int ct_pty_open(int *master, int *slave, char *name, size_t n, struct ct_err *e)
{
	int m = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC), s, unlock = 0, num;

	if (m < 0)
		return ct_err(e, errno, "open /dev/ptmx");
	if (ioctl(m, TIOCSPTLCK, &unlock) < 0 || ioctl(m, TIOCGPTN, &num) < 0) {
		close(m);
		return ct_err(e, errno, "unlock the pty");
	}
	snprintf(name, n, "/dev/pts/%d", num);
	s = open(name, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (s < 0) {
		close(m);
		return ct_err(e, errno, "open %s", name);
	}
	*master = m;
	*slave = s;
	return 0;
}

int ct_pty_make_ctty(int slave, struct ct_err *e)
{
	if (setsid() < 0 && errno != EPERM)
		return ct_err(e, errno, "setsid");
	if (ioctl(slave, TIOCSCTTY, 0) < 0)
		return ct_err(e, errno, "ioctl(TIOCSCTTY)");
	for (int i = 0; i < 3; i++)
		if (dup2(slave, i) < 0)
			return ct_err(e, errno, "dup2 the pty to fd %d", i);
	return 0;
}

int ct_send_fd(int sock, int fd, const char *tag, struct ct_err *e)
{
	char cbuf[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { (void *)(tag && *tag ? tag : "pty"),
			     strlen(tag && *tag ? tag : "pty") };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1,
			     .msg_control = cbuf, .msg_controllen = sizeof cbuf };
	struct cmsghdr *c;

	memset(cbuf, 0, sizeof cbuf);
	c = CMSG_FIRSTHDR(&mh);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &fd, sizeof fd);
	if (sendmsg(sock, &mh, MSG_NOSIGNAL) < 0)
		return ct_err(e, errno, "sendmsg (passing a file descriptor)");
	return 0;
}

int ct_recv_fd(int sock, char *tag, size_t n, struct ct_err *e)
{
	char cbuf[CMSG_SPACE(sizeof(int))], b[256];
	struct iovec iov = { b, sizeof b - 1 };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1,
			     .msg_control = cbuf, .msg_controllen = sizeof cbuf };
	struct cmsghdr *c;
	ssize_t r;
	int fd;

	r = recvmsg(sock, &mh, MSG_CMSG_CLOEXEC);
	if (r < 0)
		return ct_err(e, errno, "recvmsg (waiting for a file descriptor)");
	c = CMSG_FIRSTHDR(&mh);
	if (!c || c->cmsg_type != SCM_RIGHTS)
		return ct_err(e, 0, "no file descriptor was passed");
	memcpy(&fd, CMSG_DATA(c), sizeof fd);
	if (tag) {
		b[r] = 0;
		snprintf(tag, n, "%s", b);
	}
	return fd;
}

int ct_console_socket_connect(const char *path, struct ct_err *e)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int s;

	if (strlen(path) >= sizeof sa.sun_path)
		return ct_err(e, 0, "console socket path %s is too long", path);
	strcpy(sa.sun_path, path);
	s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (s < 0)
		return ct_err(e, errno, "socket(AF_UNIX)");
	if (connect(s, (struct sockaddr *)&sa, sizeof sa) < 0) {
		close(s);
		return ct_err(e, errno, "connect %s", path);
	}
	return s;
}

int ct_console_socket_send(const char *path, int master, struct ct_err *e)
{
	int s = ct_console_socket_connect(path, e), r;

	if (s < 0)
		return -1;
	r = ct_send_fd(s, master, "pty", e);
	close(s);
	return r;
}

static void copy_winsize(int from, int to)
{
	struct winsize ws;

	if (ioctl(from, TIOCGWINSZ, &ws) == 0)
		ioctl(to, TIOCSWINSZ, &ws);
}

int ct_pty_relay(int master, pid_t child, int *status)
{
	struct termios saved, raw;
	int is_tty = isatty(0) && tcgetattr(0, &saved) == 0;
	sigset_t set;
	int sfd, in_open = 1, done = 0;
	char b[8192];

	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	sigaddset(&set, SIGWINCH);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	sigprocmask(SIG_BLOCK, &set, NULL);
	sfd = signalfd(-1, &set, SFD_CLOEXEC);
	if (is_tty) {
		raw = saved;
		cfmakeraw(&raw);
		tcsetattr(0, TCSANOW, &raw);
		copy_winsize(0, master);
	}
	while (!done) {
		struct pollfd p[3] = { { master, POLLIN, 0 }, { sfd, POLLIN, 0 },
				       { in_open ? 0 : -1, POLLIN, 0 } };

		if (poll(p, 3, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (p[0].revents & POLLIN) {
			ssize_t n = read(master, b, sizeof b);

			if (n > 0)
				ct_write_all(1, b, (size_t)n);
		} else if (p[0].revents & (POLLHUP | POLLERR)) {
			done = 1;
		}
		if (p[2].revents & (POLLIN | POLLHUP)) {
			ssize_t n = read(0, b, sizeof b);

			if (n > 0)
				ct_write_all(master, b, (size_t)n);
			else
				in_open = 0;
		}
		if (p[1].revents & POLLIN) {
			struct signalfd_siginfo si;

			if (read(sfd, &si, sizeof si) == (ssize_t)sizeof si) {
				if (si.ssi_signo == SIGWINCH && is_tty)
					copy_winsize(0, master);
				else if (si.ssi_signo == SIGCHLD) {
					if (waitpid(child, status, WNOHANG) == child) {
						child = -1;
						/* drain what is left */
						ssize_t n;
						int fl = fcntl(master, F_GETFL);

						fcntl(master, F_SETFL, fl | O_NONBLOCK);
						while ((n = read(master, b, sizeof b)) > 0)
							ct_write_all(1, b, (size_t)n);
						done = 1;
					}
				} else if (child > 0) {
					kill(child, (int)si.ssi_signo);
				}
			}
		}
	}
	if (child > 0)
		waitpid(child, status, 0);
	if (is_tty)
		tcsetattr(0, TCSANOW, &saved);
	if (sfd >= 0)
		close(sfd);
	sigprocmask(SIG_UNBLOCK, &set, NULL);
	return 0;
}
