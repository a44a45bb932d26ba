/* lock: flock(2) on well-known lock files, the way concurrent ct tools
 * coordinate (index.json updates, a layer being unpacked, an IP being
 * allocated). A lock is an fd: whoever holds the fd owns the lock, closing
 * it (or dying) releases it, so a kill -9 never leaves a stale lock. */
#ifndef CT_LOCK_H
#define CT_LOCK_H

struct ct_err;

enum ct_lock_mode {
	CT_LOCK_SHARED = 1,
	CT_LOCK_EXCLUSIVE = 2,
};

/* Open (creating it, mode 0600) and lock path. With nowait, a lock held by
 * someone else fails at once with errnum EWOULDBLOCK and a message saying
 * the path is in use. Returns the fd, or -1. The fd is close-on-exec. */
int ct_lock(const char *path, enum ct_lock_mode mode, int nowait, struct ct_err *e);
void ct_unlock(int fd);

#endif
