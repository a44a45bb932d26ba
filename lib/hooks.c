#include "hooks.h"
#include "buf.h"
#include "err.h"
#include "file.h"
#include "ocispec.h"
#include "say.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif

#define OUT_TAIL 1024	/* how much of a hook's output an error quotes */

char *ct_hook_state(const char *id, const char *status, pid_t pid, const char *bundle,
		    const char *rootfs, const char *created, const json_t *annotations)
{
	json_t *j = json_pack("{s:s, s:s, s:s}", "ociVersion", "1.0.2", "id", id,
			      "status", status);
	char *s;

	if (pid > 0)
		json_object_set_new(j, "pid", json_integer(pid));
	json_object_set_new(j, "bundle", json_string(bundle ? bundle : ""));
	if (rootfs)
		json_object_set_new(j, "rootfs", json_string(rootfs));
	if (created)
		json_object_set_new(j, "created", json_string(created));
	json_object_set_new(j, "annotations",
			    annotations ? json_deep_copy(annotations) : json_object());
	s = json_dumps(j, JSON_COMPACT);
	json_decref(j);
	return s ? s : ct_xstrdup("{}");
}

int ct_hooks_has(const struct oci_hooks *h, int kind)
{
	return h && kind >= 0 && kind < OCI_HOOK_NKINDS && h->n[kind] > 0;
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* the hook's process: state on stdin, output to the capture pipe, no other
 * fd, default signals, its own process group (killed whole on timeout) */
static noreturn void hook_child(const struct oci_hook *hk, int in, int out, const char *dir)
{
	sigset_t none;

	setpgid(0, 0);
	if (dup2(in, 0) < 0 || dup2(out, 1) < 0 || dup2(out, 2) < 0)
		_exit(127);
	syscall(SYS_close_range, 3U, ~0U, CLOSE_RANGE_CLOEXEC);
	for (int sig = 1; sig < NSIG; sig++)
		if (sig != SIGKILL && sig != SIGSTOP)
			signal(sig, SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	if (dir && chdir(dir) < 0 && chdir("/") < 0)
		_exit(127);
	execve(hk->path, hk->args, hk->env ? hk->env : environ);
	dprintf(2, "exec %s: %s", hk->path, strerror(errno));
	_exit(127);
}

/* keep the last OUT_TAIL bytes */
static void tail_add(struct ct_buf *b, const char *d, size_t n)
{
	ct_buf_add(b, d, n);
	if (b->len > 4 * OUT_TAIL) {
		memmove(b->data, b->data + b->len - OUT_TAIL, OUT_TAIL);
		b->len = OUT_TAIL;
	}
}

/* the tail as one printable line */
static const char *tail_text(struct ct_buf *b)
{
	size_t start = b->len > OUT_TAIL ? b->len - OUT_TAIL : 0, k = 0;

	while (b->len && (b->data[b->len - 1] == '\n' || b->data[b->len - 1] == ' '))
		b->len--;
	for (size_t i = start; i < b->len; i++)
		b->data[k++] = (unsigned char)b->data[i] < 32 ? ' ' : b->data[i];
	b->len = k;
	ct_buf_putc(b, 0);
	return b->data;
}

static int pidfd_of(pid_t pid)
{
#ifdef SYS_pidfd_open
	return (int)syscall(SYS_pidfd_open, pid, 0);
#else
	(void)pid;
	return -1;
#endif
}

static int run_one(const struct oci_hook *hk, const char *kind, const char *state,
		   const char *dir, struct ct_err *e)
{
	int in[2], out[2], pfd, status = 0, done = 0, timed_out = 0;
	size_t len = strlen(state);
	long long deadline = hk->timeout ? now_ms() + hk->timeout * 1000LL : 0;
	struct ct_buf b = CT_BUF_INIT;
	pid_t pid;

	if (pipe2(in, O_CLOEXEC) < 0)
		return ct_err(e, errno, "hook %s %s: pipe", kind, hk->path);
	/* the whole state fits in the pipe: written before the hook starts,
	 * so a hook that never reads it cannot block us */
	if (len >= 65536 && fcntl(in[1], F_SETPIPE_SZ, (int)len + 1) < 0) {
		ct_err(e, errno, "hook %s %s: a pipe for %zu bytes of state", kind, hk->path, len);
		goto fail_in;
	}
	if (ct_write_all(in[1], state, len) < 0) {
		ct_err(e, errno, "hook %s %s: write the state to its stdin", kind, hk->path);
		goto fail_in;
	}
	close(in[1]);
	in[1] = -1;
	if (pipe2(out, O_CLOEXEC) < 0) {
		ct_err(e, errno, "hook %s %s: pipe", kind, hk->path);
		goto fail_in;
	}
	pid = fork();
	if (pid < 0) {
		ct_err(e, errno, "hook %s %s: fork", kind, hk->path);
		close(out[0]);
		close(out[1]);
		goto fail_in;
	}
	if (pid == 0)
		hook_child(hk, in[0], out[1], dir);
	close(in[0]);
	close(out[1]);
	pfd = pidfd_of(pid);
	for (;;) {
		struct pollfd p[2] = { { out[0], POLLIN, 0 }, { pfd, POLLIN, 0 } };
		int wait_ms = -1;
		pid_t w;

		if (deadline) {
			long long left = deadline - now_ms();

			wait_ms = left > 0 ? (int)(left > 3600000 ? 3600000 : left) : 0;
		}
		if (pfd < 0 && (wait_ms < 0 || wait_ms > 10))
			wait_ms = 10;	/* no pidfd: look at it every 10 ms */
		if (poll(p, 2, wait_ms) < 0 && errno != EINTR)
			break;
		if (out[0] >= 0 && p[0].revents) {
			char buf[4096];
			ssize_t n = read(out[0], buf, sizeof buf);

			if (n > 0) {
				tail_add(&b, buf, (size_t)n);
			} else if (n == 0 || (errno != EINTR && errno != EAGAIN)) {
				close(out[0]);
				out[0] = -1;
			}
		}
		w = waitpid(pid, &status, WNOHANG);
		if (w == pid) {
			done = 1;
			break;
		}
		if (deadline && now_ms() >= deadline) {
			timed_out = 1;
			kill(-pid, SIGKILL);
			kill(pid, SIGKILL);
			while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
				;
			break;
		}
	}
	if (pfd >= 0)
		close(pfd);
	if (out[0] >= 0) {
		/* what it wrote before it ended; a process it left behind
		 * may hold the pipe open: do not wait for that */
		char buf[4096];
		ssize_t n;

		fcntl(out[0], F_SETFL, O_NONBLOCK);
		while ((n = read(out[0], buf, sizeof buf)) > 0)
			tail_add(&b, buf, (size_t)n);
		close(out[0]);
	}
	if (timed_out) {
		ct_err(e, 0, "hook %s %s: timed out after %d s (killed)", kind, hk->path, hk->timeout);
	} else if (!done) {
		ct_err(e, errno, "hook %s %s: wait", kind, hk->path);
	} else if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
		ct_say("hook %s %s: exit 0", kind, hk->path);
		if (b.len)
			ct_say2("hook %s output: %s", kind, tail_text(&b));
		ct_buf_free(&b);
		return 0;
	} else if (WIFEXITED(status)) {
		ct_err(e, 0, "hook %s %s: exit status %d", kind, hk->path, WEXITSTATUS(status));
	} else {
		ct_err(e, 0, "hook %s %s: killed by signal %d", kind, hk->path,
		       WIFSIGNALED(status) ? WTERMSIG(status) : 0);
	}
	ct_say("%s", e->msg);
	if (b.len)
		ct_err_hint(e, "its output: %s", tail_text(&b));
	ct_buf_free(&b);
	return -1;
fail_in:
	close(in[0]);
	if (in[1] >= 0)
		close(in[1]);
	return -1;
}

int ct_hooks_run(const struct oci_hooks *h, int kind, const char *state, const char *dir,
		 struct ct_err *e)
{
	if (!ct_hooks_has(h, kind))
		return 0;
	for (size_t i = 0; i < h->n[kind]; i++)
		if (run_one(&h->h[kind][i], oci_hook_kind(kind), state, dir, e) < 0)
			return -1;
	return 0;
}

int ct_hooks_run_warn(const struct oci_hooks *h, int kind, const char *state, const char *dir,
		      void (*report)(const struct ct_err *, void *), void *arg)
{
	int failed = 0;

	if (!ct_hooks_has(h, kind))
		return 0;
	for (size_t i = 0; i < h->n[kind]; i++) {
		struct ct_err e = { 0 };

		if (run_one(&h->h[kind][i], oci_hook_kind(kind), state, dir, &e) < 0) {
			ct_err_hint(&e, "a %s hook's failure is only a warning", oci_hook_kind(kind));
			report(&e, arg);
			failed++;
		}
	}
	return failed;
}
