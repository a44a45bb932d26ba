/* lock: flock-based locks between processes. */
#include "err.h"
#include "lock.h"
#include "tap.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void)
{
	char dir[] = "/tmp/ct-unit-lock.XXXXXX";
	char path[256];
	struct ct_err e;
	int fd, fd2, pipefd[2];
	pid_t pid;
	char c;

	if (!mkdtemp(dir)) {
		printf("1..0 # SKIP mkdtemp: %s\n", strerror(errno));
		return 0;
	}
	snprintf(path, sizeof path, "%s/index.lock", dir);

	fd = ct_lock(path, CT_LOCK_EXCLUSIVE, 1, &e);
	ok(fd >= 0, "take an exclusive lock");

	if (pipe(pipefd) < 0)
		return 1;
	pid = fork();
	if (pid == 0) {
		int r = ct_lock(path, CT_LOCK_EXCLUSIVE, 1, &e);

		c = (r < 0 && e.errnum == EWOULDBLOCK && strstr(e.msg, "in use")) ? 'y' : 'n';
		if (write(pipefd[1], &c, 1) != 1)
			_exit(2);
		_exit(0);
	}
	close(pipefd[1]);
	ok(read(pipefd[0], &c, 1) == 1 && c == 'y', "another process is refused at once with nowait");
	waitpid(pid, NULL, 0);
	close(pipefd[0]);

	pid = fork();
	if (pid == 0) {
		int r;

		close(fd);	/* a forked copy of the fd would hold the lock too */
		r = ct_lock(path, CT_LOCK_EXCLUSIVE, 0, &e);

		_exit(r >= 0 ? 0 : 1);
	}
	usleep(100000);
	ct_unlock(fd);
	{
		int status = 0;

		waitpid(pid, &status, 0);
		ok(WIFEXITED(status) && WEXITSTATUS(status) == 0, "a waiter gets the lock once it is released");
	}

	fd = ct_lock(path, CT_LOCK_SHARED, 1, &e);
	fd2 = ct_lock(path, CT_LOCK_SHARED, 1, &e);
	ok(fd >= 0 && fd2 >= 0, "two shared locks coexist");
	ok(ct_lock(path, CT_LOCK_EXCLUSIVE, 1, &e) < 0, "exclusive refused while shared held");
	ct_unlock(fd);
	ct_unlock(fd2);

	/* a holder killed with SIGKILL leaves no stale lock */
	pid = fork();
	if (pid == 0) {
		ct_lock(path, CT_LOCK_EXCLUSIVE, 0, &e);
		pause();
		_exit(0);
	}
	usleep(100000);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	fd = ct_lock(path, CT_LOCK_EXCLUSIVE, 1, &e);
	ok(fd >= 0, "lock free after its holder was killed");
	ct_unlock(fd);

	ok(ct_lock("/nonexistent/x.lock", CT_LOCK_SHARED, 1, &e) < 0 &&
	   strstr(e.msg, "/nonexistent/x.lock"), "error names the lock file: %s", e.msg);

	unlink(path);
	rmdir(dir);
	return tap_done();
}
