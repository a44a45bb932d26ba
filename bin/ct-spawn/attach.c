/* ct-spawn attach ID: connect this terminal (or plain stdio) to a
 * container that runs under its supervisor (run -d), through the
 * supervisor's attach socket (protocol in supervise.h). Ctrl-P Ctrl-Q
 * detaches and leaves the container running; when the container ends,
 * attach exits with its status. */
#include "cli.h"
#include "err.h"
#include "file.h"
#include "rtstate.h"
#include "say.h"
#include "supervise.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <termios.h>
#include <unistd.h>

#define KEY_P 0x10	/* ctrl-p */
#define KEY_Q 0x11	/* ctrl-q */

int attach_connect(const struct g_opts *g, const char *id, struct ct_err *e)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char *dir = ct_rt_dir(g->root, id);
	int s = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0), here, r = -1;

	strcpy(sa.sun_path, SUP_ATTACH_SOCK);
	here = open(".", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (s < 0 || here < 0) {
		ct_err(e, errno, "socket(AF_UNIX)");
	} else if (chdir(dir) < 0) {
		ct_err(e, errno, "chdir %s", dir);
	} else if (connect(s, (struct sockaddr *)&sa, sizeof sa) < 0) {
		ct_err(e, errno, "connect %s/%s", dir, SUP_ATTACH_SOCK);
		if (errno == ENOENT || errno == ECONNREFUSED)
			ct_err_hint(e, "only a container started with `ct-spawn run -d` has a supervisor to attach to");
	} else {
		r = s;
	}
	if (here >= 0 && fchdir(here) < 0 && r >= 0) {
		ct_err(e, errno, "back to the working directory");
		r = -1;
	}
	if (here >= 0)
		close(here);
	if (r < 0 && s >= 0)
		close(s);
	free(dir);
	return r;
}

static void send_winsize(int sock)
{
	struct winsize ws;
	char b[32];
	int n;

	if (ioctl(0, TIOCGWINSZ, &ws) < 0)
		return;
	n = snprintf(b, sizeof b, "w%u %u", ws.ws_row, ws.ws_col);
	send(sock, b, (size_t)n, MSG_NOSIGNAL);
}

static int send_input(int sock, const char *data, size_t n)
{
	char b[4097];

	while (n) {
		size_t k = n > sizeof b - 1 ? sizeof b - 1 : n;

		b[0] = 'i';
		memcpy(b + 1, data, k);
		if (send(sock, b, k + 1, MSG_NOSIGNAL) < 0)
			return -1;
		data += k;
		n -= k;
	}
	return 0;
}

int attach_relay(const char *id, int sock, int use_stdin)
{
	struct termios saved, raw;
	sigset_t set;
	int sfd, tty, in_open = use_stdin, pending = 0, code = -1, detached = 0;

	ct_say("attached to %s (detach: ctrl-p ctrl-q)", id);
	tty = isatty(0) && tcgetattr(0, &saved) == 0;
	sigemptyset(&set);
	sigaddset(&set, SIGWINCH);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGINT);
	sigprocmask(SIG_BLOCK, &set, NULL);
	sfd = signalfd(-1, &set, SFD_CLOEXEC);
	if (tty) {
		raw = saved;
		cfmakeraw(&raw);
		tcsetattr(0, TCSANOW, &raw);
		send_winsize(sock);
	}
	for (;;) {
		struct pollfd p[3] = { { sock, POLLIN, 0 }, { sfd, POLLIN, 0 },
				       { in_open ? 0 : -1, POLLIN, 0 } };
		char b[8193];
		ssize_t n;

		if (poll(p, 3, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (p[0].revents) {
			n = recv(sock, b, sizeof b - 1, 0);
			if (n <= 0)
				break;	/* the supervisor went away */
			b[n] = 0;
			if (b[0] == 'o')
				ct_write_all(1, b + 1, (size_t)n - 1);
			else if (b[0] == 'e')
				ct_write_all(2, b + 1, (size_t)n - 1);
			else if (b[0] == 'x') {
				code = (int)strtol(b + 1, NULL, 10);
				break;
			}
		}
		if (p[1].revents) {
			struct signalfd_siginfo si;

			if (read(sfd, &si, sizeof si) == (ssize_t)sizeof si) {
				if (si.ssi_signo == SIGWINCH && tty)
					send_winsize(sock);
				else if (si.ssi_signo != SIGWINCH) {
					detached = 1;	/* the container keeps running */
					break;
				}
			}
		}
		if (p[2].revents) {
			size_t from = 0, k;

			n = read(0, b, sizeof b - 1);
			if (n <= 0) {
				in_open = 0;
				send(sock, "c", 1, MSG_NOSIGNAL);
				continue;
			}
			/* ctrl-p ctrl-q detaches; a lone ctrl-p is passed on */
			for (k = 0; k < (size_t)n; k++) {
				if (pending) {
					pending = 0;
					if (b[k] == KEY_Q) {
						detached = 1;
						break;
					}
					send_input(sock, "\x10", 1);
				}
				if (b[k] == KEY_P) {
					send_input(sock, b + from, k - from);
					from = k + 1;
					pending = 1;
				}
			}
			if (detached)
				break;
			if (k > from && send_input(sock, b + from, k - from) < 0)
				break;
		}
	}
	if (tty)
		tcsetattr(0, TCSANOW, &saved);
	close(sock);
	sigprocmask(SIG_UNBLOCK, &set, NULL);
	if (sfd >= 0)
		close(sfd);
	if (detached) {
		fprintf(stderr, "%s%s: detached from %s; it keeps running\n", tty ? "\r\n" : "",
			ct_prog(), id);
		return 0;
	}
	if (code < 0) {
		ct_warn("the supervisor of %s closed the connection without an exit status", id);
		code = CT_EXIT_FAIL;
	}
	return code;
}

int verb_attach(const struct g_opts *g, int argc, char **argv)
{
	static const struct option lo[] = {
		{ "no-stdin", no_argument, NULL, 'n' }, { NULL, 0, NULL, 0 } };
	struct ct_rtstate st;
	struct ct_err e = { 0 };
	int c, sock, code, use_stdin = 1;

	optind = 0;
	while ((c = getopt_long(argc, argv, "+", lo, NULL)) != -1)
		if (c == 'n')
			use_stdin = 0;
		else
			return CT_EXIT_USAGE;
	if (argc - optind != 1)
		ct_die_usage("usage: ct-spawn attach [--no-stdin] ID");
	if (ct_rt_load(g->root, argv[optind], &st, &e) < 0)
		cli_fail(g, &e);
	if (!ct_rt_alive(&st)) {
		ct_err(&e, 0, "container %s is not running; cannot attach", st.id);
		cli_fail(g, &e);
	}
	if ((sock = attach_connect(g, st.id, &e)) < 0)
		cli_fail(g, &e);
	code = attach_relay(st.id, sock, use_stdin);
	ct_rt_free(&st);
	return code;
}
