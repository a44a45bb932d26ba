/* layer: safe extraction of one layer tar stream (see layer.h). */
#include "layer.h"
#include "buf.h"
#include "err.h"
#include "file.h"
#include "lock.h"
#include "say.h"
#include "store.h"

#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <time.h>
#include <unistd.h>

#define WH_PREFIX ".wh."
#define WH_META ".wh..wh."
#define WH_OPAQUE ".wh..wh..opq"
#define OPAQUE_XATTR "trusted.overlay.opaque"
#define READ_BLOCK (256 * 1024)

/* --- the uncompressed stream, hashed as libarchive's tar reader pulls it --
 *
 * A producer thread reads the blob and decompresses it into a small ring
 * of blocks; a hasher thread runs SHA-256 over every block exactly once,
 * in order; the tar reader (the extracting thread) reads the same blocks.
 * A block is reused only when both are done with it. So decompression,
 * hashing and file creation run side by side, and the hash is off the
 * critical path as long as there is a CPU for it. Where threads cannot be
 * started, the same steps run inline (hashing in the producer when only
 * the hasher is missing). */

#define NSLOT 8

struct slot {
	char *buf;
	size_t cap, len;
};

struct src {
	int fd;
	const char *name;
	struct archive *outer;     /* raw format + filter; NULL for plain tar */
	char *buf;                 /* read buffer for plain tar */
	struct ct_sha256 h;
	uint64_t bytes;
	int eof;
	int failed;
	char err[512];
	int hash_in_fetch;         /* src_fetch hashes (no hasher thread) */
	/* the ring, when threaded */
	int threaded, hasher, joined;
	pthread_t th, hth;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct slot slot[NSLOT];
	uint64_t filled;           /* blocks produced */
	uint64_t hashed;           /* blocks the hasher is done with */
	uint64_t consumed;         /* blocks the tar reader is done with */
	int held;                  /* the tar reader holds block `consumed` */
	int done;                  /* producer reached the end (or failed) */
	int stop;                  /* give up: an error, or no more reading */
};

/* The next uncompressed block (hashed too when hash_in_fetch): its length,
 * 0 at the end, -1 on error (s->err says what). */
static la_ssize_t src_fetch(struct src *s, const void **out)
{
	if (s->eof)
		return 0;
	if (!s->outer) {
		ssize_t n;

		do
			n = read(s->fd, s->buf, READ_BLOCK);
		while (n < 0 && errno == EINTR);
		if (n < 0) {
			snprintf(s->err, sizeof s->err, "read: %s", strerror(errno));
			s->failed = 1;
			return -1;
		}
		if (n == 0)
			s->eof = 1;
		if (s->hash_in_fetch)
			ct_sha256_update(&s->h, s->buf, (size_t)n);
		s->bytes += (uint64_t)n;
		*out = s->buf;
		return n;
	}
	for (;;) {
		const void *b;
		size_t sz;
		la_int64_t off;
		int r = archive_read_data_block(s->outer, &b, &sz, &off);

		if (r == ARCHIVE_EOF) {
			s->eof = 1;
			return 0;
		}
		if (r < ARCHIVE_WARN) {
			snprintf(s->err, sizeof s->err, "decompress: %s",
				 archive_error_string(s->outer) ?
				 archive_error_string(s->outer) : "unknown error");
			s->failed = 1;
			return -1;
		}
		if (sz == 0)
			continue;
		if (s->hash_in_fetch)
			ct_sha256_update(&s->h, b, sz);
		s->bytes += sz;
		*out = b;
		return (la_ssize_t)sz;
	}
}

/* The oldest block someone still uses (under mu). */
static uint64_t ring_low(const struct src *s)
{
	if (!s->hasher)
		return s->consumed;
	return s->hashed < s->consumed ? s->hashed : s->consumed;
}

static void *producer(void *arg)
{
	struct src *s = arg;

	for (;;) {
		const void *b = NULL;
		la_ssize_t n = src_fetch(s, &b);
		struct slot *sl;

		pthread_mutex_lock(&s->mu);
		while (n > 0 && s->filled - ring_low(s) == NSLOT && !s->stop)
			pthread_cond_wait(&s->cv, &s->mu);
		if (n <= 0 || s->stop) {
			s->done = 1;
			pthread_cond_broadcast(&s->cv);
			pthread_mutex_unlock(&s->mu);
			return NULL;
		}
		sl = &s->slot[s->filled % NSLOT];
		pthread_mutex_unlock(&s->mu);
		if (sl->cap < (size_t)n) {
			free(sl->buf);
			sl->cap = (size_t)n > READ_BLOCK ? (size_t)n : READ_BLOCK;
			sl->buf = ct_xmalloc(sl->cap);
		}
		memcpy(sl->buf, b, (size_t)n);
		sl->len = (size_t)n;
		pthread_mutex_lock(&s->mu);
		s->filled++;
		pthread_cond_broadcast(&s->cv);
		pthread_mutex_unlock(&s->mu);
	}
}

static void *hasher(void *arg)
{
	struct src *s = arg;

	for (;;) {
		struct slot *sl;

		pthread_mutex_lock(&s->mu);
		while (s->hashed == s->filled && !s->done && !s->stop)
			pthread_cond_wait(&s->cv, &s->mu);
		if (s->stop || s->hashed == s->filled) {
			pthread_mutex_unlock(&s->mu);
			return NULL;
		}
		sl = &s->slot[s->hashed % NSLOT];
		pthread_mutex_unlock(&s->mu);
		ct_sha256_update(&s->h, sl->buf, sl->len);
		pthread_mutex_lock(&s->mu);
		s->hashed++;
		pthread_cond_broadcast(&s->cv);
		pthread_mutex_unlock(&s->mu);
	}
}

/* libarchive's read callback; a NULL archive is the drain after the end. */
static la_ssize_t src_read(struct archive *a, void *cd, const void **out)
{
	struct src *s = cd;
	la_ssize_t n;

	if (!s->threaded) {
		n = src_fetch(s, out);
		if (n < 0 && a)
			archive_set_error(a, EIO, "%s", s->err);
		return n;
	}
	pthread_mutex_lock(&s->mu);
	if (s->held) {
		s->consumed++;
		s->held = 0;
		pthread_cond_broadcast(&s->cv);
	}
	while (s->consumed == s->filled && !s->done)
		pthread_cond_wait(&s->cv, &s->mu);
	if (s->consumed == s->filled) {
		int failed = s->failed;

		pthread_mutex_unlock(&s->mu);
		if (failed && a)
			archive_set_error(a, EIO, "%s", s->err);
		return failed ? -1 : 0;
	}
	s->held = 1;
	*out = s->slot[s->consumed % NSLOT].buf;
	n = (la_ssize_t)s->slot[s->consumed % NSLOT].len;
	pthread_mutex_unlock(&s->mu);
	return n;
}

/* The producer's error text, if it failed (NULL if not). */
static const char *src_error(struct src *s)
{
	int failed;

	if (s->threaded) {
		pthread_mutex_lock(&s->mu);
		failed = s->failed && s->done;
		pthread_mutex_unlock(&s->mu);
	} else {
		failed = s->failed;
	}
	return failed ? s->err : NULL;
}

/* Wait for the threads. abort: make them stop now; otherwise the hasher
 * first hashes every block produced (the producer is done by then). */
static void src_join(struct src *s, int abort)
{
	if (!s->threaded || s->joined)
		return;
	pthread_mutex_lock(&s->mu);
	if (abort)
		s->stop = 1;
	pthread_cond_broadcast(&s->cv);
	pthread_mutex_unlock(&s->mu);
	pthread_join(s->th, NULL);
	if (s->hasher)
		pthread_join(s->hth, NULL);
	s->joined = 1;
}

static void src_start(struct src *s)
{
	s->hash_in_fetch = 1;
	if (pthread_mutex_init(&s->mu, NULL) != 0)
		return;
	if (pthread_cond_init(&s->cv, NULL) != 0) {
		pthread_mutex_destroy(&s->mu);
		return;
	}
	if (pthread_create(&s->hth, NULL, hasher, s) == 0) {
		s->hasher = 1;
		s->hash_in_fetch = 0;
	}
	if (pthread_create(&s->th, NULL, producer, s) != 0) {
		if (s->hasher) {
			pthread_mutex_lock(&s->mu);
			s->stop = 1;
			pthread_cond_broadcast(&s->cv);
			pthread_mutex_unlock(&s->mu);
			pthread_join(s->hth, NULL);
			s->hasher = 0;
			s->stop = 0;
			s->hash_in_fetch = 1;
		}
		pthread_cond_destroy(&s->cv);
		pthread_mutex_destroy(&s->mu);
		return;
	}
	s->threaded = 1;
}

static int src_open(struct src *s, int fd, enum ct_layer_comp comp,
		    const char *name, struct ct_err *e)
{
	struct archive_entry *ent;
	int want, r;

	memset(s, 0, sizeof *s);
	s->fd = fd;
	s->name = name;
	s->hash_in_fetch = 1;
	ct_sha256_init(&s->h);
	if (comp == CT_LAYER_TAR) {
		s->buf = ct_xmalloc(READ_BLOCK);
		src_start(s);
		return 0;
	}
	s->outer = archive_read_new();
	if (!s->outer)
		return ct_err(e, ENOMEM, "archive_read_new");
	archive_read_support_format_raw(s->outer);
	if (comp == CT_LAYER_GZIP) {
		archive_read_support_filter_gzip(s->outer);
		want = ARCHIVE_FILTER_GZIP;
	} else {
		archive_read_support_filter_zstd(s->outer);
		want = ARCHIVE_FILTER_ZSTD;
	}
	if (archive_read_open_fd(s->outer, fd, READ_BLOCK) != ARCHIVE_OK ||
	    (r = archive_read_next_header(s->outer, &ent)) < ARCHIVE_WARN) {
		ct_err(e, 0, "%s: not a readable %s stream: %s", name,
		       comp == CT_LAYER_GZIP ? "gzip" : "zstd",
		       archive_error_string(s->outer) ?
		       archive_error_string(s->outer) : "empty");
		return -1;
	}
	if (r == ARCHIVE_EOF || archive_filter_count(s->outer) < 2 ||
	    archive_filter_code(s->outer, 0) != want)
		return ct_err(e, 0, "%s: not %s-compressed data, though its media type says so",
			      name, comp == CT_LAYER_GZIP ? "gzip" : "zstd");
	src_start(s);
	return 0;
}

/* Hash whatever the tar reader left unread (the padding after the end
 * marker): it belongs to the diff-id too. Then the hash is complete. */
static int src_drain(struct src *s, struct ct_err *e)
{
	const void *b;
	la_ssize_t n;

	while ((n = src_read(NULL, s, &b)) > 0)
		;
	src_join(s, 0);
	if (n < 0)
		return ct_err(e, 0, "%s: %s", s->name, s->err);
	return 0;
}

static void src_close(struct src *s)
{
	size_t i;

	src_join(s, 1);
	if (s->threaded) {
		pthread_cond_destroy(&s->cv);
		pthread_mutex_destroy(&s->mu);
		for (i = 0; i < NSLOT; i++)
			free(s->slot[i].buf);
	}
	if (s->outer)
		archive_read_free(s->outer);
	free(s->buf);
}

/* --- a set of paths (what this layer created, for flatten mode) ---------- */

struct pathset {
	char **slot;
	size_t cap, n;
};

static uint64_t hash_str(const char *s)
{
	uint64_t h = 1469598103934665603ull;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return h;
}

static int pathset_has(const struct pathset *p, const char *s)
{
	size_t i;

	if (!p->cap)
		return 0;
	for (i = hash_str(s) & (p->cap - 1); p->slot[i]; i = (i + 1) & (p->cap - 1))
		if (strcmp(p->slot[i], s) == 0)
			return 1;
	return 0;
}

static void pathset_put(struct pathset *p, const char *s);

static void pathset_grow(struct pathset *p)
{
	struct pathset n = { NULL, p->cap ? p->cap * 2 : 1024, 0 };
	size_t i;

	n.slot = ct_xcalloc(n.cap, sizeof *n.slot);
	for (i = 0; i < p->cap; i++)
		if (p->slot[i]) {
			size_t j = hash_str(p->slot[i]) & (n.cap - 1);

			while (n.slot[j])
				j = (j + 1) & (n.cap - 1);
			n.slot[j] = p->slot[i];
			n.n++;
		}
	free(p->slot);
	*p = n;
}

static void pathset_put(struct pathset *p, const char *s)
{
	size_t i;

	if ((p->n + 1) * 2 > p->cap)
		pathset_grow(p);
	for (i = hash_str(s) & (p->cap - 1); p->slot[i]; i = (i + 1) & (p->cap - 1))
		if (strcmp(p->slot[i], s) == 0)
			return;
	p->slot[i] = ct_xstrdup(s);
	p->n++;
}

static void pathset_free(struct pathset *p)
{
	size_t i;

	for (i = 0; i < p->cap; i++)
		free(p->slot[i]);
	free(p->slot);
}

/* --- extraction state ------------------------------------------------------ */

struct dirfix {
	char *path;
	mode_t mode;
	struct timespec ts[2];
	int has_time;
};

struct x {
	int rootfd;
	dev_t rootdev;
	const char *name;          /* the stream, for messages */
	const struct ct_layer_opts *o;
	int as_root;
	struct archive *in;
	struct src *src;
	/* the last parent directory opened, reused for its siblings */
	int cache_fd;
	char cache_path[PATH_MAX];
	struct dirfix *fix;
	size_t nfix, capfix;
	struct pathset made;       /* flatten: paths this layer created */
	uint64_t entries;
	struct ct_layer_stats n;   /* counts by kind, for -v */
};

/* The entry name as shown in messages: quoted, shortened if huge. */
static const char *shown(const char *raw, char *buf, size_t n)
{
	size_t len = strlen(raw);

	if (len + 1 <= n)
		return raw;
	snprintf(buf, n, "%.*s...(%zu bytes)", (int)(n - 32), raw, len);
	return buf;
}

__attribute__((format(printf, 3, 4)))
static int refuse(struct ct_err *e, const char *entry, const char *fmt, ...)
{
	char why[600], sb[160];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof why, fmt, ap);
	va_end(ap);
	return ct_err(e, 0, "entry \"%s\": refused: %s", shown(entry, sb, sizeof sb), why);
}

__attribute__((format(printf, 4, 5)))
static int sysfail(struct ct_err *e, int errnum, const char *entry, const char *fmt, ...)
{
	char what[600], sb[160];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof what, fmt, ap);
	va_end(ap);
	return ct_err(e, errnum, "entry \"%s\": %s", shown(entry, sb, sizeof sb), what);
}

static void cache_drop(struct x *x)
{
	if (x->cache_fd >= 0)
		close(x->cache_fd);
	x->cache_fd = -1;
	x->cache_path[0] = '\0';
}

/* "./a//b/./c/" -> "a/b/c"; absolute names, ".." and over-long names are
 * refused. "" is the layer root. */
static int clean_path(const char *raw, char *out, const char *entry, const char *what,
		      struct ct_err *e)
{
	const char *p = raw;
	size_t n = 0;

	out[0] = '\0';
	if (strlen(raw) >= PATH_MAX)
		return refuse(e, entry, "%s is %zu bytes, PATH_MAX is %d", what, strlen(raw),
			      PATH_MAX);
	if (raw[0] == '/')
		return refuse(e, entry, "absolute %s \"%s\" (layer entries are relative "
			      "to the layer root)", what, raw);
	while (*p) {
		const char *c = p;
		size_t len;

		while (*p && *p != '/')
			p++;
		len = (size_t)(p - c);
		while (*p == '/')
			p++;
		if (len == 0 || (len == 1 && c[0] == '.'))
			continue;
		if (len == 2 && c[0] == '.' && c[1] == '.')
			return refuse(e, entry, "%s has a \"..\" component", what);
		if (n)
			out[n++] = '/';
		memcpy(out + n, c, len);
		n += len;
	}
	out[n] = '\0';
	return 0;
}

/* Split "a/b/c" into dir "a/b" (in dirbuf) and leaf "c". */
static const char *split_leaf(const char *path, char *dirbuf)
{
	const char *slash = strrchr(path, '/');

	if (!slash) {
		dirbuf[0] = '\0';
		return path;
	}
	memcpy(dirbuf, path, (size_t)(slash - path));
	dirbuf[slash - path] = '\0';
	return slash + 1;
}

static int sys_openat2(int dirfd, const char *path, int flags, uint64_t resolve)
{
	struct open_how how;

	memset(&how, 0, sizeof how);
	how.flags = (uint64_t)flags;
	how.resolve = resolve;
	return (int)syscall(SYS_openat2, dirfd, path, &how, sizeof how);
}

#define RESOLVE_SAFE (RESOLVE_IN_ROOT | RESOLVE_NO_SYMLINKS | \
		      RESOLVE_NO_MAGICLINKS | RESOLVE_NO_XDEV)

/* Component by component: says exactly which part is in the way, and
 * creates missing directories when create is set. Returns a new fd. */
static int walk_dir(struct x *x, const char *dir, int create, const char *entry,
		    struct ct_err *e)
{
	char part[PATH_MAX];
	const char *p = dir;
	int cur = x->rootfd;

	while (*p) {
		const char *c = p;
		size_t len;
		struct stat st;
		int fd;

		while (*p && *p != '/')
			p++;
		len = (size_t)(p - c);
		memcpy(part, dir, (size_t)(p - dir));
		part[p - dir] = '\0';
		if (*p == '/')
			p++;
		{
			char comp[NAME_MAX + 1];

			if (len > NAME_MAX) {
				if (cur != x->rootfd)
					close(cur);
				return refuse(e, entry, "component of %zu bytes, NAME_MAX is %d",
					      len, NAME_MAX);
			}
			memcpy(comp, c, len);
			comp[len] = '\0';
			fd = openat(cur, comp, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			if (fd < 0 && errno == ENOENT && create) {
				if ((mkdirat(cur, comp, 0755) < 0 && errno != EEXIST) ||
				    fchmodat(cur, comp, 0755, 0) < 0) {
					int err = errno;

					if (cur != x->rootfd)
						close(cur);
					return sysfail(e, err, entry, "mkdir %s", part);
				}
				if (x->o->flatten)
					pathset_put(&x->made, part);
				fd = openat(cur, comp, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			}
			if (fd < 0) {
				int err = errno;

				if (err == ENOTDIR && fstatat(cur, comp, &st, AT_SYMLINK_NOFOLLOW) == 0) {
					if (cur != x->rootfd)
						close(cur);
					if (S_ISLNK(st.st_mode))
						return refuse(e, entry, "\"%s\" is a symlink: "
							      "refusing to write through it", part);
					return refuse(e, entry, "\"%s\" is not a directory", part);
				}
				if (cur != x->rootfd)
					close(cur);
				return sysfail(e, err, entry, "open directory %s", part);
			}
		}
		if (fstat(fd, &st) < 0 || st.st_dev != x->rootdev) {
			close(fd);
			if (cur != x->rootfd)
				close(cur);
			return refuse(e, entry, "\"%s\" is on another file system", part);
		}
		if (cur != x->rootfd)
			close(cur);
		cur = fd;
	}
	if (cur == x->rootfd) {
		cur = fcntl(x->rootfd, F_DUPFD_CLOEXEC, 3);
		if (cur < 0)
			return ct_err(e, errno, "dup");
	}
	return cur;
}

/* A new O_PATH fd of directory dir ("" = root) inside the layer. */
static int open_dir_new(struct x *x, const char *dir, int create, const char *entry,
			struct ct_err *e)
{
	int fd;

	if (!*dir)
		return walk_dir(x, dir, 0, entry, e);
	fd = sys_openat2(x->rootfd, dir, O_PATH | O_DIRECTORY | O_CLOEXEC, RESOLVE_SAFE);
	if (fd >= 0)
		return fd;
	if (errno == ENOENT || errno == ELOOP || errno == ENOTDIR || errno == ENOSYS ||
	    errno == EAGAIN || errno == EXDEV)
		return walk_dir(x, dir, create, entry, e);
	return sysfail(e, errno, entry, "openat2 %s", dir);
}

/* The parent directory of an entry, cached: the fd belongs to x. */
static int open_parent(struct x *x, const char *dir, const char *entry, struct ct_err *e)
{
	int fd;

	if (!*dir)
		return x->rootfd;
	if (x->cache_fd >= 0 && strcmp(x->cache_path, dir) == 0)
		return x->cache_fd;
	fd = open_dir_new(x, dir, 1, entry, e);
	if (fd < 0)
		return -1;
	cache_drop(x);
	x->cache_fd = fd;
	ct_strlcpy(x->cache_path, dir, sizeof x->cache_path);
	return fd;
}

int ct_layer_rm_at(int dirfd, const char *name, struct ct_err *e)
{
	struct stat pst, st;
	struct dirent *d;
	DIR *dir;
	int fd;

	if (unlinkat(dirfd, name, 0) == 0 || errno == ENOENT)
		return 0;
	if (errno != EISDIR)
		return ct_err(e, errno, "unlink %s", name);
	if (fstat(dirfd, &pst) < 0)
		return ct_err(e, errno, "fstat");
	fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return ct_err(e, errno, "open %s", name);
	if (fstat(fd, &st) < 0 || st.st_dev != pst.st_dev) {
		close(fd);
		return ct_err(e, 0, "remove %s: a mount point is in the way", name);
	}
	dir = fdopendir(fd);
	if (!dir) {
		close(fd);
		return ct_err(e, errno, "fdopendir %s", name);
	}
	while ((errno = 0, d = readdir(dir))) {
		if (!strcmp(d->d_name, ".") || !strcmp(d->d_name, ".."))
			continue;
		if (ct_layer_rm_at(fd, d->d_name, e) < 0) {
			closedir(dir);
			return ct_err_wrap(e, "%s", name);
		}
	}
	if (errno) {
		int err = errno;

		closedir(dir);
		return ct_err(e, err, "readdir %s", name);
	}
	closedir(dir);
	if (unlinkat(dirfd, name, AT_REMOVEDIR) < 0 && errno != ENOENT)
		return ct_err(e, errno, "rmdir %s", name);
	return 0;
}

/* Make room for a non-directory at pfd/leaf: what is there goes. */
static int clear_leaf(struct x *x, int pfd, const char *leaf, const char *entry,
		      struct ct_err *e)
{
	if (unlinkat(pfd, leaf, 0) == 0 || errno == ENOENT)
		return 0;
	if (errno != EISDIR)
		return sysfail(e, errno, entry, "unlink old %s", leaf);
	/* a directory goes with all it holds; a cached directory other than
	 * pfd (the parent, which stays) may be inside it */
	if (pfd != x->cache_fd)
		cache_drop(x);
	if (ct_layer_rm_at(pfd, leaf, e) < 0)
		return ct_err_wrap(e, "entry \"%s\"", entry);
	return 0;
}

/* --- metadata ------------------------------------------------------------- */

static void entry_times(struct archive_entry *ent, struct timespec ts[2], int *has)
{
	*has = archive_entry_mtime_is_set(ent);
	ts[1].tv_sec = archive_entry_mtime(ent);
	ts[1].tv_nsec = archive_entry_mtime_nsec(ent);
	if (archive_entry_atime_is_set(ent)) {
		ts[0].tv_sec = archive_entry_atime(ent);
		ts[0].tv_nsec = archive_entry_atime_nsec(ent);
	} else {
		ts[0] = ts[1];
	}
}

static int check_xattrs(struct archive_entry *ent, const char *entry, struct ct_err *e)
{
	const char *name;
	const void *val;
	size_t sz;

	archive_entry_xattr_reset(ent);
	while (archive_entry_xattr_next(ent, &name, &val, &sz) == ARCHIVE_OK)
		if (ct_has_prefix(name, "trusted.overlay.") ||
		    ct_has_prefix(name, "user.overlay."))
			return refuse(e, entry, "carries the overlay xattr %s "
				      "(only whiteout entries make overlay metadata)", name);
	return 0;
}

/* fd: a real fd of the object, or -1 to go by pfd/leaf without following */
static int set_xattrs(int fd, int pfd, const char *leaf, struct archive_entry *ent,
		      const char *entry, struct ct_err *e)
{
	const char *name;
	const void *val;
	size_t sz;
	char proc[64 + NAME_MAX];

	if (archive_entry_xattr_count(ent) == 0)
		return 0;
	if (fd < 0)
		snprintf(proc, sizeof proc, "/proc/self/fd/%d/%s", pfd, leaf);
	archive_entry_xattr_reset(ent);
	while (archive_entry_xattr_next(ent, &name, &val, &sz) == ARCHIVE_OK) {
		int r = fd >= 0 ? fsetxattr(fd, name, val, sz, 0)
				: lsetxattr(proc, name, val, sz, 0);

		if (r < 0)
			return sysfail(e, errno, entry, "setxattr %s", name);
		ct_say2("setxattr %s %s (%zu bytes)", entry, name, sz);
	}
	return 0;
}

static int set_owner_fd(struct x *x, int fd, struct archive_entry *ent,
			const char *entry, struct ct_err *e)
{
	if (!x->as_root)
		return 0;
	if (fchown(fd, (uid_t)archive_entry_uid(ent), (gid_t)archive_entry_gid(ent)) < 0)
		return sysfail(e, errno, entry, "fchown %lld:%lld",
			       (long long)archive_entry_uid(ent), (long long)archive_entry_gid(ent));
	return 0;
}

static int set_owner_at(struct x *x, int pfd, const char *leaf, struct archive_entry *ent,
			const char *entry, struct ct_err *e)
{
	if (!x->as_root)
		return 0;
	if (fchownat(pfd, leaf, (uid_t)archive_entry_uid(ent), (gid_t)archive_entry_gid(ent),
		     AT_SYMLINK_NOFOLLOW) < 0)
		return sysfail(e, errno, entry, "fchownat %lld:%lld",
			       (long long)archive_entry_uid(ent), (long long)archive_entry_gid(ent));
	return 0;
}

static void add_fix(struct x *x, const char *path, mode_t mode, struct archive_entry *ent)
{
	struct dirfix *f;

	if (x->nfix == x->capfix) {
		x->capfix = x->capfix ? x->capfix * 2 : 256;
		x->fix = ct_xrealloc(x->fix, x->capfix * sizeof *x->fix);
	}
	f = &x->fix[x->nfix++];
	f->path = ct_xstrdup(path);
	f->mode = mode;
	entry_times(ent, f->ts, &f->has_time);
}

/* Directory modes and times, after everything inside was made. */
static int apply_fixes(struct x *x, struct ct_err *e)
{
	size_t i;

	cache_drop(x);
	for (i = 0; i < x->nfix; i++) {
		struct dirfix *f = &x->fix[i];
		int fd;

		if (f->path[0])
			fd = sys_openat2(x->rootfd, f->path, O_RDONLY | O_DIRECTORY | O_CLOEXEC,
					 RESOLVE_SAFE);
		else
			fd = fcntl(x->rootfd, F_DUPFD_CLOEXEC, 3);
		if (fd < 0) {
			if (errno == ENOENT || errno == ENOTDIR || errno == ELOOP)
				continue;   /* replaced or whited out later */
			return sysfail(e, errno, f->path, "open directory");
		}
		if (fchmod(fd, f->mode) < 0 ||
		    (f->has_time && futimens(fd, f->ts) < 0)) {
			int err = errno;

			close(fd);
			return sysfail(e, err, f->path, "set mode and time");
		}
		close(fd);
	}
	return 0;
}

/* --- one entry of each kind --------------------------------------------- */

static int do_dir(struct x *x, int pfd, const char *leaf, const char *path,
		  struct archive_entry *ent, struct ct_err *e)
{
	int fd;

	if (!*path) {
		fd = fcntl(x->rootfd, F_DUPFD_CLOEXEC, 3);
	} else {
		if (mkdirat(pfd, leaf, 0700) < 0) {
			struct stat st;

			if (errno != EEXIST)
				return sysfail(e, errno, path, "mkdir");
			if (fstatat(pfd, leaf, &st, AT_SYMLINK_NOFOLLOW) < 0)
				return sysfail(e, errno, path, "stat");
			if (!S_ISDIR(st.st_mode)) {
				if (clear_leaf(x, pfd, leaf, path, e) < 0)
					return -1;
				if (mkdirat(pfd, leaf, 0700) < 0)
					return sysfail(e, errno, path, "mkdir");
			}
		}
		fd = openat(pfd, leaf, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	}
	if (fd < 0)
		return sysfail(e, errno, path, "open directory");
	if (set_owner_fd(x, fd, ent, path, e) < 0 ||
	    set_xattrs(fd, -1, NULL, ent, path, e) < 0) {
		close(fd);
		return -1;
	}
	close(fd);
	add_fix(x, path, archive_entry_perm(ent), ent);
	return 0;
}

static int write_data(struct x *x, int fd, struct archive_entry *ent, const char *path,
		      struct ct_err *e)
{
	int64_t size = archive_entry_size(ent), pos = 0, data = 0;

	for (;;) {
		const void *buf;
		size_t n;
		la_int64_t off;
		int r = archive_read_data_block(x->in, &buf, &n, &off);

		if (r == ARCHIVE_EOF)
			break;
		if (r < ARCHIVE_WARN)
			return ct_err(e, 0, "entry \"%s\": %s", path,
				      src_error(x->src) ? src_error(x->src) : archive_error_string(x->in));
		if (off != pos) {
			if (off < pos)
				return refuse(e, path, "data blocks out of order");
			if (lseek(fd, off, SEEK_SET) < 0)
				return sysfail(e, errno, path, "lseek");
			pos = off;
		}
		if (n && ct_write_all(fd, buf, n) < 0)
			return sysfail(e, errno, path, "write");
		pos += (int64_t)n;
		data += (int64_t)n;
	}
	if (size > (int64_t)CT_LAYER_SPARSE_MAX &&
	    size / CT_LAYER_SPARSE_RATIO > data)
		return refuse(e, path, "sparse file of %lld bytes holds only %lld bytes "
			      "of data (a sparse bomb)", (long long)size, (long long)data);
	if (pos != size && ftruncate(fd, size) < 0)
		return sysfail(e, errno, path, "ftruncate %lld", (long long)size);
	return 0;
}

static int do_file(struct x *x, int pfd, const char *leaf, const char *path,
		   struct archive_entry *ent, struct ct_err *e)
{
	struct timespec ts[2];
	int has_time, fd;
	int flags = O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC;

	fd = openat(pfd, leaf, flags, 0600);
	if (fd < 0 && errno == EEXIST) {
		if (clear_leaf(x, pfd, leaf, path, e) < 0)
			return -1;
		fd = openat(pfd, leaf, flags, 0600);
	}
	if (fd < 0)
		return sysfail(e, errno, path, "create");
	entry_times(ent, ts, &has_time);
	if (write_data(x, fd, ent, path, e) < 0 ||
	    set_owner_fd(x, fd, ent, path, e) < 0)
		goto fail;
	if (fchmod(fd, archive_entry_perm(ent)) < 0) {
		sysfail(e, errno, path, "fchmod %04o", (unsigned)archive_entry_perm(ent));
		goto fail;
	}
	if (set_xattrs(fd, -1, NULL, ent, path, e) < 0)
		goto fail;
	if (has_time && futimens(fd, ts) < 0) {
		sysfail(e, errno, path, "futimens");
		goto fail;
	}
	if (close(fd) < 0)
		return sysfail(e, errno, path, "close");
	return 0;
fail:
	close(fd);
	return -1;
}

static int do_symlink(struct x *x, int pfd, const char *leaf, const char *path,
		      struct archive_entry *ent, struct ct_err *e)
{
	const char *target = archive_entry_symlink(ent);
	struct timespec ts[2];
	int has_time;

	if (!target || !*target)
		return refuse(e, path, "symlink with an empty target");
	if (symlinkat(target, pfd, leaf) < 0) {
		if (errno != EEXIST)
			return sysfail(e, errno, path, "symlink -> %s", target);
		if (clear_leaf(x, pfd, leaf, path, e) < 0)
			return -1;
		if (symlinkat(target, pfd, leaf) < 0)
			return sysfail(e, errno, path, "symlink -> %s", target);
	}
	entry_times(ent, ts, &has_time);
	if (set_owner_at(x, pfd, leaf, ent, path, e) < 0 ||
	    set_xattrs(-1, pfd, leaf, ent, path, e) < 0)
		return -1;
	if (has_time && utimensat(pfd, leaf, ts, AT_SYMLINK_NOFOLLOW) < 0)
		return sysfail(e, errno, path, "utimensat");
	return 0;
}

static int do_node(struct x *x, int pfd, const char *leaf, const char *path,
		   struct archive_entry *ent, struct ct_err *e)
{
	mode_t type = archive_entry_filetype(ent), perm = archive_entry_perm(ent);
	dev_t dev = 0;
	struct timespec ts[2];
	int has_time;

	if (type == AE_IFCHR || type == AE_IFBLK) {
		dev = makedev(archive_entry_rdevmajor(ent), archive_entry_rdevminor(ent));
		if (x->o->no_devices)
			return refuse(e, path, "%s device %u,%u: device nodes are not allowed "
				      "here (not root, or --no-devices)",
				      type == AE_IFCHR ? "character" : "block",
				      (unsigned)major(dev), (unsigned)minor(dev));
	}
	if (mknodat(pfd, leaf, type | (perm & 0777), dev) < 0) {
		if (errno != EEXIST)
			return sysfail(e, errno, path, "mknod");
		if (clear_leaf(x, pfd, leaf, path, e) < 0)
			return -1;
		if (mknodat(pfd, leaf, type | (perm & 0777), dev) < 0)
			return sysfail(e, errno, path, "mknod");
	}
	entry_times(ent, ts, &has_time);
	if (set_owner_at(x, pfd, leaf, ent, path, e) < 0)
		return -1;
	if (fchmodat(pfd, leaf, perm, 0) < 0)
		return sysfail(e, errno, path, "fchmodat %04o", (unsigned)perm);
	if (set_xattrs(-1, pfd, leaf, ent, path, e) < 0)
		return -1;
	if (has_time && utimensat(pfd, leaf, ts, AT_SYMLINK_NOFOLLOW) < 0)
		return sysfail(e, errno, path, "utimensat");
	return 0;
}

static int do_hardlink(struct x *x, int pfd, const char *leaf, const char *path,
		       const char *rawtarget, struct ct_err *e)
{
	char target[PATH_MAX], tdir[PATH_MAX];
	const char *tleaf;
	int tfd, r;

	if (clean_path(rawtarget, target, path, "hardlink target", e) < 0)
		return -1;
	if (!*target)
		return refuse(e, path, "hardlink to the layer root");
	if (strcmp(target, path) == 0)
		return 0;
	tleaf = split_leaf(target, tdir);
	tfd = open_dir_new(x, tdir, 0, path, e);
	if (tfd < 0) {
		if (e->errnum == ENOENT)
			return refuse(e, path, "hardlink target \"%s\" is not in the layer", target);
		return -1;
	}
	r = linkat(tfd, tleaf, pfd, leaf, 0);
	if (r < 0 && errno == EEXIST) {
		if (clear_leaf(x, pfd, leaf, path, e) < 0) {
			close(tfd);
			return -1;
		}
		r = linkat(tfd, tleaf, pfd, leaf, 0);
	}
	if (r < 0) {
		int err = errno;

		close(tfd);
		if (err == ENOENT)
			return refuse(e, path, "hardlink target \"%s\" is not in the layer", target);
		if (err == EPERM)
			return refuse(e, path, "hardlink target \"%s\" is a directory", target);
		return sysfail(e, err, path, "link to %s", target);
	}
	close(tfd);
	return 0;
}

/* --- whiteouts ------------------------------------------------------------- */

static int opaque_overlay(struct x *x, int pfd, const char *dir, const char *entry,
			  struct ct_err *e)
{
	int fd = openat(pfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	(void)x;
	if (fd < 0)
		return sysfail(e, errno, entry, "open %s", *dir ? dir : ".");
	if (fsetxattr(fd, OPAQUE_XATTR, "y", 1, 0) < 0) {
		int err = errno;

		close(fd);
		sysfail(e, err, entry, "setxattr %s=y on %s", OPAQUE_XATTR, *dir ? dir : ".");
		return ct_err_hint(e, "overlay whiteouts need root (CAP_SYS_ADMIN) "
				   "and a file system with trusted xattrs");
	}
	ct_say2("setxattr %s %s=y", *dir ? dir : ".", OPAQUE_XATTR);
	close(fd);
	return 0;
}

/* Flatten: empty the directory of what lower layers put there. */
static int opaque_flatten(struct x *x, int pfd, const char *dir, const char *entry,
			  struct ct_err *e)
{
	int fd = openat(pfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC), keep;
	struct dirent *d;
	DIR *dd;
	char child[PATH_MAX];

	if (fd < 0)
		return sysfail(e, errno, entry, "open %s", *dir ? dir : ".");
	keep = fcntl(fd, F_DUPFD_CLOEXEC, 3);
	dd = keep < 0 ? NULL : fdopendir(keep);
	if (!dd) {
		int err = errno;

		if (keep >= 0)
			close(keep);
		close(fd);
		return sysfail(e, err, entry, "opendir %s", dir);
	}
	cache_drop(x);
	while ((d = readdir(dd))) {
		if (!strcmp(d->d_name, ".") || !strcmp(d->d_name, ".."))
			continue;
		snprintf(child, sizeof child, "%s%s%s", dir, *dir ? "/" : "", d->d_name);
		if (pathset_has(&x->made, child))
			continue;
		if (ct_layer_rm_at(fd, d->d_name, e) < 0) {
			closedir(dd);
			close(fd);
			return ct_err_wrap(e, "entry \"%s\": opaque", entry);
		}
	}
	closedir(dd);
	close(fd);
	return 0;
}

static int do_whiteout(struct x *x, const char *dir, const char *leaf, const char *path,
		       struct archive_entry *ent, struct ct_err *e)
{
	const char *victim;
	char vpath[PATH_MAX];
	struct timespec ts[2];
	int pfd, has_time;

	if (strlen(leaf) <= strlen(WH_PREFIX))
		return refuse(e, path, "whiteout of an empty name");
	victim = leaf + strlen(WH_PREFIX);

	if (strcmp(leaf, WH_OPAQUE) == 0) {
		pfd = open_parent(x, dir, path, e);
		if (pfd < 0)
			return -1;
		ct_say2("opaque directory %s", *dir ? dir : ".");
		x->n.opaques++;
		return x->o->flatten ? opaque_flatten(x, pfd, dir, path, e)
				     : opaque_overlay(x, pfd, dir, path, e);
	}
	if (ct_has_prefix(leaf, WH_META)) {
		ct_say2("skipping aufs metadata %s", path);
		return 0;
	}
	if (!strcmp(victim, ".") || !strcmp(victim, ".."))
		return refuse(e, path, "whiteout of an invalid name");
	snprintf(vpath, sizeof vpath, "%s%s%s", dir, *dir ? "/" : "", victim);
	if (x->o->flatten) {
		int fd;

		if (pathset_has(&x->made, vpath))
			return 0;   /* made by this very layer: only lower ones are hidden */
		fd = open_dir_new(x, dir, 0, path, e);
		if (fd < 0)
			return e->errnum == ENOENT ? 0 : -1;
		cache_drop(x);
		if (ct_layer_rm_at(fd, victim, e) < 0) {
			close(fd);
			return ct_err_wrap(e, "entry \"%s\": whiteout", path);
		}
		close(fd);
		ct_say2("whiteout %s: removed", vpath);
		x->n.whiteouts++;
		return 0;
	}
	pfd = open_parent(x, dir, path, e);
	if (pfd < 0)
		return -1;
	if (mknodat(pfd, victim, S_IFCHR, makedev(0, 0)) < 0) {
		if (errno != EEXIST)
			return sysfail(e, errno, path, "mknod whiteout %s (0:0)", vpath);
		if (clear_leaf(x, pfd, victim, path, e) < 0)
			return -1;
		if (mknodat(pfd, victim, S_IFCHR, makedev(0, 0)) < 0)
			return sysfail(e, errno, path, "mknod whiteout %s (0:0)", vpath);
	}
	/* the .wh. entry's time, so that a layer dir is the same every time */
	entry_times(ent, ts, &has_time);
	if (has_time && utimensat(pfd, victim, ts, AT_SYMLINK_NOFOLLOW) < 0)
		return sysfail(e, errno, path, "utimensat whiteout %s", vpath);
	ct_say2("whiteout %s: mknod c 0 0", vpath);
	x->n.whiteouts++;
	return 0;
}

/* --- the loop -------------------------------------------------------------- */

/* type 0: a hardlink */
static void count_entry(struct ct_layer_stats *n, mode_t type, struct archive_entry *ent)
{
	if (type == 0)
		n->hardlinks++;
	else if (type == AE_IFDIR)
		n->dirs++;
	else if (type == AE_IFREG)
		n->files++;
	else if (type == AE_IFLNK)
		n->symlinks++;
	else
		n->nodes++;
	n->xattrs += (uint64_t)archive_entry_xattr_count(ent);
}

static int do_entry(struct x *x, struct archive_entry *ent, struct ct_err *e)
{
	const char *raw = archive_entry_pathname(ent);
	const char *hl = archive_entry_hardlink(ent);
	char path[PATH_MAX], dir[PATH_MAX];
	const char *leaf;
	mode_t type = archive_entry_filetype(ent);
	int pfd, r;

	if (!raw)
		return ct_err(e, 0, "%s: a tar entry without a name", x->name);
	if (clean_path(raw, path, raw, "name", e) < 0)
		return -1;
	leaf = split_leaf(path, dir);
	if (check_xattrs(ent, raw, e) < 0)
		return -1;
	if (ct_has_prefix(leaf, WH_PREFIX))
		return do_whiteout(x, dir, leaf, path, ent, e);
	if (!*path) {
		if (hl || type != AE_IFDIR)
			return refuse(e, raw, "the layer root must be a directory");
		return do_dir(x, x->rootfd, "", "", ent, e);
	}
	pfd = open_parent(x, dir, path, e);
	if (pfd < 0)
		return -1;
	if (hl)
		r = do_hardlink(x, pfd, leaf, path, hl, e);
	else if (type == AE_IFDIR)
		r = do_dir(x, pfd, leaf, path, ent, e);
	else if (type == AE_IFREG)
		r = do_file(x, pfd, leaf, path, ent, e);
	else if (type == AE_IFLNK)
		r = do_symlink(x, pfd, leaf, path, ent, e);
	else if (type == AE_IFIFO || type == AE_IFCHR || type == AE_IFBLK)
		r = do_node(x, pfd, leaf, path, ent, e);
	else
		r = refuse(e, raw, "unsupported file type 0%o", (unsigned)type);
	if (r < 0)
		return -1;
	if (x->o->flatten)
		pathset_put(&x->made, path);
	count_entry(&x->n, hl ? 0 : type, ent);
	return 0;
}

int ct_layer_comp_of(const char *mt, enum ct_layer_comp *c, struct ct_err *e)
{
	if (!mt)
		return ct_err(e, 0, "layer without a media type");
	if (!strcmp(mt, CT_MT_OCI_LAYER) ||
	    !strcmp(mt, "application/vnd.docker.image.rootfs.diff.tar"))
		*c = CT_LAYER_TAR;
	else if (!strcmp(mt, CT_MT_OCI_LAYER_GZIP) || !strcmp(mt, CT_MT_DOCKER_LAYER_GZIP))
		*c = CT_LAYER_GZIP;
	else if (!strcmp(mt, CT_MT_OCI_LAYER_ZSTD))
		*c = CT_LAYER_ZSTD;
	else
		return ct_err(e, 0, "unsupported layer media type %s", mt);
	return 0;
}

int ct_layer_extract(int blobfd, enum ct_layer_comp comp, const char *name,
		     int rootfd, const struct ct_layer_opts *o,
		     struct ct_digest *diff_id, struct ct_layer_stats *st,
		     struct ct_err *e)
{
	struct src src;
	struct x x;
	struct stat rst;
	int ret = -1;
	size_t i;

	if (fstat(rootfd, &rst) < 0)
		return ct_err(e, errno, "fstat layer root");
	if (src_open(&src, blobfd, comp, name, e) < 0) {
		src_close(&src);
		return -1;
	}
	memset(&x, 0, sizeof x);
	x.rootfd = rootfd;
	x.rootdev = rst.st_dev;
	x.name = name;
	x.o = o;
	x.as_root = geteuid() == 0;
	x.cache_fd = -1;
	x.src = &src;
	x.in = archive_read_new();
	if (!x.in) {
		ct_err(e, ENOMEM, "archive_read_new");
		goto out;
	}
	ct_say("%s: read + %s%s, SHA-256 of the tar%s; tar entries parsed as they stream",
	       name, comp == CT_LAYER_GZIP ? "gunzip (libarchive)" :
	       comp == CT_LAYER_ZSTD ? "unzstd (libarchive)" : "no decompression",
	       src.threaded ? " in a thread" : "",
	       src.hasher ? " in another thread" : src.threaded ? " there too" : "");
	ct_say("%s: each entry made under the dir fd: parents openat2(RESOLVE_IN_ROOT|"
	       "RESOLVE_NO_SYMLINKS|RESOLVE_NO_MAGICLINKS|RESOLVE_NO_XDEV), leaf "
	       "openat(O_CREAT|O_EXCL|O_NOFOLLOW)/mkdirat/symlinkat/linkat/mknodat, "
	       "then fchown, fchmod, fsetxattr, utimensat", name);
	archive_read_support_format_tar(x.in);
	if (archive_read_open(x.in, &src, NULL, src_read, NULL) != ARCHIVE_OK) {
		ct_err(e, 0, "%s: not a valid layer tar: %s", name,
		       src_error(&src) ? src_error(&src) : archive_error_string(x.in));
		goto out;
	}
	for (;;) {
		struct archive_entry *ent;
		int r = archive_read_next_header(x.in, &ent);

		if (r == ARCHIVE_EOF)
			break;
		if (r < ARCHIVE_WARN) {
			ct_err(e, 0, "%s: not a valid layer tar (after %llu entries): %s", name,
			       (unsigned long long)x.entries,
			       src_error(&src) ? src_error(&src) : archive_error_string(x.in));
			goto out;
		}
		if (r == ARCHIVE_WARN)
			ct_say2("%s: %s", name, archive_error_string(x.in));
		if (do_entry(&x, ent, e) < 0) {
			ct_err_wrap(e, "%s", name);
			goto out;
		}
		x.entries++;
		if (o->stop_after && x.entries == o->stop_after)
			raise(SIGSTOP);
	}
	if (src_drain(&src, e) < 0)
		goto out;
	if (x.entries == 0 && src.bytes == 0) {
		ct_err(e, 0, "%s: empty stream, not a tar", name);
		goto out;
	}
	if (apply_fixes(&x, e) < 0)
		goto out;
	ct_sha256_digest(&src.h, diff_id);
	if (st) {
		*st = x.n;
		st->entries = x.entries;
		st->tar_bytes = src.bytes;
	}
	ret = 0;
out:
	cache_drop(&x);
	if (x.in)
		archive_read_free(x.in);
	for (i = 0; i < x.nfix; i++)
		free(x.fix[i].path);
	free(x.fix);
	pathset_free(&x.made);
	src_close(&src);
	return ret;
}

/* --- layers in the store ---------------------------------------------------- */

/* flock that survives the holder unlinking the file: retry until the file
 * locked is the one at path. */
static int lock_layer(const char *path, struct ct_err *e)
{
	for (;;) {
		struct stat a, b;
		int fd = ct_lock(path, CT_LOCK_EXCLUSIVE, 1, e);

		if (fd < 0 && e->errnum == EWOULDBLOCK) {
			ct_say("%s: another ct-unpack holds it; waiting", path);
			fd = ct_lock(path, CT_LOCK_EXCLUSIVE, 0, e);
		}
		if (fd < 0)
			return -1;
		if (fstat(fd, &a) == 0 && stat(path, &b) == 0 &&
		    a.st_dev == b.st_dev && a.st_ino == b.st_ino)
			return fd;
		close(fd);
	}
}

static void unlock_layer(const char *path, int fd)
{
	unlink(path);
	close(fd);
}

/* Leftovers of killed unpackers of this layer (we hold its lock). */
static int remove_stale(const char *layers, const char *hex, struct ct_err *e)
{
	char prefix[CT_SHA256_HEX_LEN + 8];
	struct dirent *d;
	DIR *dir = opendir(layers);
	int fd;

	if (!dir)
		return ct_err(e, errno, "opendir %s", layers);
	fd = dirfd(dir);
	snprintf(prefix, sizeof prefix, ".%s.tmp-", hex);
	while ((d = readdir(dir))) {
		if (!ct_has_prefix(d->d_name, prefix))
			continue;
		ct_say("removing %s/%s, left by an interrupted unpack", layers, d->d_name);
		if (ct_layer_rm_at(fd, d->d_name, e) < 0) {
			closedir(dir);
			return ct_err_wrap(e, "%s", layers);
		}
	}
	closedir(dir);
	return 0;
}

static void say_stats(const struct ct_store_layer *l, const struct ct_layer_opts *o,
		      const struct ct_layer_stats *st)
{
	ct_say("layer %s: %llu entries (%llu dirs, %llu files, %llu symlinks, "
	       "%llu hardlinks, %llu devices/fifos, %llu xattrs), %llu whiteouts %s, "
	       "%llu opaque dirs %s; %llu tar bytes", l->digest.str,
	       (unsigned long long)st->entries, (unsigned long long)st->dirs,
	       (unsigned long long)st->files, (unsigned long long)st->symlinks,
	       (unsigned long long)st->hardlinks, (unsigned long long)st->nodes,
	       (unsigned long long)st->xattrs, (unsigned long long)st->whiteouts,
	       o->flatten ? "(removed: unlinkat)" : "(mknodat c 0 0)",
	       (unsigned long long)st->opaques,
	       o->flatten ? "(emptied of lower layers' files)" :
	       "(setxattr " OPAQUE_XATTR "=y)",
	       (unsigned long long)st->tar_bytes);
}

static int extract_blob(const struct ct_store *s, const struct ct_store_layer *l,
			int dirfd, const struct ct_layer_opts *o, struct ct_err *e)
{
	enum ct_layer_comp comp = CT_LAYER_TAR;
	struct ct_layer_stats st;
	struct ct_digest got;
	char *blob;
	int fd, r;

	memset(&got, 0, sizeof got);
	memset(&st, 0, sizeof st);
	if (ct_layer_comp_of(l->media_type, &comp, e) < 0)
		return ct_err_wrap(e, "layer %s", l->digest.str);
	blob = ct_store_blob_path(s, &l->digest);
	fd = open(blob, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		ct_err(e, errno, "open %s", blob);
		ct_err_hint(e, "the layer blob is missing: pull the image again");
		free(blob);
		return -1;
	}
	{
		char name[CT_DIGEST_STR_MAX + 8];

		snprintf(name, sizeof name, "layer %s", l->digest.str);
		r = ct_layer_extract(fd, comp, name, dirfd, o, &got, &st, e);
	}
	close(fd);
	free(blob);
	if (r < 0)
		return -1;
	say_stats(l, o, &st);
	if (!ct_digest_equal(&got, &l->diff_id))
		return ct_err(e, 0, "layer %s: diff-id mismatch: the image config says %s, "
			      "the uncompressed layer is %s", l->digest.str,
			      l->diff_id.str, got.str);
	ct_say("layer %s: diff-id %s matches the config's rootfs.diff_ids", l->digest.str,
	       got.str);
	return 0;
}

int ct_layer_apply(const struct ct_store *s, const struct ct_store_layer *l,
		   int dirfd, const struct ct_layer_opts *o, struct ct_err *e)
{
	return extract_blob(s, l, dirfd, o, e);
}

int ct_layer_unpack(const struct ct_store *s, const struct ct_store_layer *l,
		    const struct ct_layer_opts *o, int *made, struct ct_err *e)
{
	const char *hex = ct_digest_encoded(&l->diff_id);
	char *layers = ct_xasprintf("%s/layers", s->root);
	char *final = ct_layer_dir(s->root, &l->diff_id);
	char *lock = ct_xasprintf("%s/.%s.lock", layers, hex);
	char *tmp = ct_xasprintf("%s/.%s.tmp-%ld", layers, hex, (long)getpid());
	int lfd = -1, dfd = -1, ret = -1;
	struct ct_err e2;

	if (made)
		*made = 0;
	if (ct_exists(final)) {
		ret = 0;
		goto out;
	}
	if (ct_mkdir_p(layers, 0700, e) < 0)
		goto out;
	lfd = lock_layer(lock, e);
	if (lfd < 0)
		goto out;
	if (ct_exists(final)) {
		ct_say("%s: unpacked meanwhile by another process", final);
		ret = 0;
		goto out;
	}
	if (remove_stale(layers, hex, e) < 0)
		goto out;
	ct_say("unpack %s -> mkdir %s", l->digest.str, tmp);
	if (mkdir(tmp, 0755) < 0) {
		ct_err(e, errno, "mkdir %s", tmp);
		goto out;
	}
	if (chmod(tmp, 0755) < 0) {   /* whatever the umask: it is the image's / */
		ct_err(e, errno, "chmod %s", tmp);
		goto fail;
	}
	dfd = open(tmp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (dfd < 0) {
		ct_err(e, errno, "open %s", tmp);
		goto fail;
	}
	if (extract_blob(s, l, dfd, o, e) < 0)
		goto fail;
	close(dfd);
	dfd = -1;
	ct_say("rename %s -> %s", tmp, final);
	if (rename(tmp, final) < 0) {
		ct_err(e, errno, "rename %s to %s", tmp, final);
		goto fail;
	}
	ct_say("fsync %s", layers);
	if (ct_fsync_dir(layers, e) < 0)
		goto out;
	if (made)
		*made = 1;
	ret = 0;
	goto out;
fail:
	if (dfd >= 0)
		close(dfd);
	dfd = -1;
	ct_say("removing %s", tmp);
	if (ct_rm_rf(tmp, &e2) < 0)
		ct_err_hint(e, "and could not remove %s: %s", tmp, e2.msg);
out:
	if (dfd >= 0)
		close(dfd);
	if (lfd >= 0)
		unlock_layer(lock, lfd);
	free(layers);
	free(final);
	free(lock);
	free(tmp);
	return ret;
}
