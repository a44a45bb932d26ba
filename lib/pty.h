/* pty: terminals for containers. A pty pair made inside the container
 * (its own devpts), the master handed out over a unix socket (SCM_RIGHTS,
 * as OCI --console-socket wants), and the foreground relay: the caller's
 * terminal in raw mode, bytes copied both ways, window size forwarded. */
#ifndef CT_PTY_H
#define CT_PTY_H

#include <sys/types.h>

struct ct_err;

/* Open a new pty pair (master from /dev/ptmx); slave path in name[]. */
int ct_pty_open(int *master, int *slave, char *name, size_t n, struct ct_err *e);
/* Make slave the controlling terminal and stdin/stdout/stderr. */
int ct_pty_make_ctty(int slave, struct ct_err *e);
int ct_send_fd(int sock, int fd, const char *tag, struct ct_err *e);
/* Receive one fd; tag (optional) gets the text sent with it. */
int ct_recv_fd(int sock, char *tag, size_t n, struct ct_err *e);
/* Connect to a --console-socket path (done before the container's root
 * hides it); returns the socket fd. */
int ct_console_socket_connect(const char *path, struct ct_err *e);
/* Connect to a --console-socket path and send master over it. */
int ct_console_socket_send(const char *path, int master, struct ct_err *e);
/* Relay between the caller's stdin/stdout and master until master closes
 * or the child exits (sigfd reports SIGCHLD). Returns 0. */
int ct_pty_relay(int master, pid_t child, int *status);

#endif
