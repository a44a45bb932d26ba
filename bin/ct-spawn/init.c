/* ct-spawn init CMD [ARGS]: a tiny PID 1 (like tini or docker-init). It
 * starts CMD, forwards every catchable signal to it, reaps every zombie
 * that is reparented to it, and exits with CMD's status (128+n for a
 * signal). */
#include "cli.h"
#include "err.h"
#include "spawn.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

int verb_init(int argc, char **argv)
{
	sigset_t all, old;
	pid_t child;
	int status = 0;

	if (argc < 2 || argv[1][0] == '-') {
		fprintf(stderr, "usage: ct-spawn init CMD [ARGS...]\n");
		return argc < 2 ? CT_EXIT_USAGE : 0;
	}
	/* not PID 1 (no pid namespace)? become the reaper anyway */
	if (getpid() != 1)
		prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
	sigfillset(&all);
	sigprocmask(SIG_BLOCK, &all, &old);
	child = fork();
	if (child < 0)
		ct_die("fork:");
	if (child == 0) {
		sigprocmask(SIG_SETMASK, &old, NULL);
		setpgid(0, 0);
		if (isatty(0))
			tcsetpgrp(0, getpid());
		{
			char path[4096], msg[1024];
			int code = ct_lookpath(argv[1], getenv("PATH"), path, sizeof path,
					       msg, sizeof msg);

			if (code) {
				fprintf(stderr, "%s: %s\n", ct_prog(), msg);
				_exit(code);
			}
			execv(path, argv + 1);
			code = ct_exec_errno_status(errno);
			fprintf(stderr, "%s: exec: \"%s\": %s\n", ct_prog(), argv[1], strerror(errno));
			_exit(code);
		}
	}
	for (;;) {
		siginfo_t si;
		int sig = sigwaitinfo(&all, &si);
		pid_t w;

		if (sig < 0)
			continue;
		if (sig != SIGCHLD) {
			kill(child, sig);
			continue;
		}
		while ((w = waitpid(-1, &status, WNOHANG)) > 0)
			if (w == child)
				return ct_exit_status(status);
	}
}
