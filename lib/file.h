/* file: whole-file reads, atomic replacement, directories.
 *
 * Every file that another ct tool reads is written with
 * ct_write_file_atomic(): a temporary name in the same directory, fsync,
 * rename over the old name, fsync of the directory. A reader sees the old
 * content or the new, never half; a crash leaves at most a stray
 * ".NAME.tmp-*" file, which ct_tmp_is_stale() recognises for clean-up. */
#ifndef CT_FILE_H
#define CT_FILE_H

#include <stddef.h>
#include <sys/types.h>

struct ct_buf;
struct ct_err;

int ct_write_file_atomic(const char *path, const void *data, size_t len,
			 mode_t mode, struct ct_err *e);
/* The same replacement by rename, without the fsyncs: for the files of a
 * throw-away (--rm) container, which go with it and which no one needs
 * to find again after a crash. A reader still sees old or new, never
 * half. */
int ct_write_file_volatile(const char *path, const void *data, size_t len,
			   mode_t mode, struct ct_err *e);

/* The pieces, for writers that stream (a download, a tar):
 * ct_atomic_open() creates DIR/.BASE.tmp-PID-N and returns its fd with the
 * temporary name in tmp[]; ct_atomic_commit() fsyncs, closes and renames it
 * to path, then fsyncs the directory; ct_atomic_abort() closes and removes. */
int ct_atomic_open(const char *path, mode_t mode, char *tmp, size_t tmplen,
		   struct ct_err *e);
int ct_atomic_commit(int fd, const char *tmp, const char *path, struct ct_err *e);
void ct_atomic_abort(int fd, const char *tmp);
int ct_tmp_is_stale(const char *name);

/* Read a whole file into b (appending). Files over max bytes are refused
 * with an error naming the path and the limit. */
int ct_read_file(const char *path, struct ct_buf *b, size_t max, struct ct_err *e);

/* Write all of len bytes, retrying on EINTR and short writes. */
int ct_write_all(int fd, const void *data, size_t len);
/* Read up to len bytes, retrying on EINTR; returns bytes read or -1. */
ssize_t ct_read_full(int fd, void *data, size_t len);

/* A small file (/proc/PID/stat, a cgroup file) into buf: at most size - 1
 * bytes, NUL-terminated. Returns the length, or -1 with errno set. */
ssize_t ct_read_small(const char *path, char *buf, size_t size);

int ct_fsync_dir(const char *dir, struct ct_err *e);
/* mkdir -p; existing directories are fine, anything else in the way is not */
int ct_mkdir_p(const char *path, mode_t mode, struct ct_err *e);
/* rm -rf that never follows symlinks and never crosses into another mount
 * (a mount point found inside is an error naming it). Missing is fine. */
int ct_rm_rf(const char *path, struct ct_err *e);
int ct_exists(const char *path);

#endif
