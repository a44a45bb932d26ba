#include "lock.h"
#include "err.h"
#include "say.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

int ct_lock(const char *path, enum ct_lock_mode mode, int nowait, struct ct_err *e)
{
	int op = (mode == CT_LOCK_EXCLUSIVE ? LOCK_EX : LOCK_SH) | (nowait ? LOCK_NB : 0);
	int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);

	if (fd < 0)
		return ct_err(e, errno, "open lock %s", path);
	ct_say2("flock(%s, %s%s)", path, mode == CT_LOCK_EXCLUSIVE ? "LOCK_EX" : "LOCK_SH",
		nowait ? "|LOCK_NB" : "");
	while (flock(fd, op) < 0) {
		int saved = errno;

		if (saved == EINTR)
			continue;
		close(fd);
		if (saved == EWOULDBLOCK)
			return ct_err(e, saved, "lock %s: in use by another ct process", path);
		return ct_err(e, saved, "flock %s", path);
	}
	return fd;
}

void ct_unlock(int fd)
{
	if (fd >= 0)
		close(fd);
}
