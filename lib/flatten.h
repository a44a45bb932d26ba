/* flatten: a flattened image tree as one tar stream (ct-unpack --tar,
 * the equivalent of `docker export` for a fresh container).
 *
 * The tree is walked through directory fds (fstatat/openat with
 * O_NOFOLLOW, symlinks never followed), names sorted, and written as a
 * pax tar by libarchive: numeric owners, modes, mtimes, symlinks,
 * hardlinks (by inode), devices, FIFOs and xattrs (security.capability
 * included); no atime/ctime records, so the same tree gives the same
 * bytes. */
#ifndef CT_FLATTEN_H
#define CT_FLATTEN_H

struct ct_err;

/* Write the tree under dirfd (not the directory itself) to outfd. */
int ct_flatten_write_tar(int dirfd, int outfd, struct ct_err *e);

/* 1 when the directory dirfd (called name in messages) is empty, 0 when
 * not, -1 on error. */
int ct_flatten_dir_is_empty(int dirfd, const char *name, struct ct_err *e);

/* A new scratch directory PARENT/.flatten-XXXXXX (mode 0755) for --tar,
 * flock'ed through the returned O_DIRECTORY fd for as long as that fd is
 * open; *path gets its name (allocated). Scratch directories of killed
 * runs (no longer locked) are removed first. */
int ct_flatten_scratch(const char *parent, char **path, struct ct_err *e);

#endif
