/* rootfs: the container's mount namespace, built from the spec inside the
 * child after clone(CLONE_NEWNS): private propagation, the bundle's root
 * bind-mounted on itself, config mounts resolved safely inside it
 * (openat2 RESOLVE_IN_ROOT: a symlink in the image cannot point a mount
 * outside the root), /dev with the standard nodes, pivot_root with the old
 * root detached, then /proc (inside the new pid namespace), masked and
 * read-only paths, sysctls and a read-only root. */
#ifndef CT_ROOTFS_H
#define CT_ROOTFS_H

struct ct_err;
struct ct_cgroup;
struct oci_spec;

struct ct_rootfs_opts {
	int userns;		/* in a new user namespace: no mknod, locked flags */
	int rootfd;		/* O_PATH fd of the bundle root opened before
				 * becoming the namespace's root, or -1 */
	const char *console;	/* pty slave path to bind on /dev/console, or NULL */
	const struct ct_cgroup *cg;	/* the container's cgroup, for /sys/fs/cgroup */
};

/* Everything before pivot_root (host paths still visible). */
int ct_rootfs_prepare(const struct oci_spec *s, struct ct_rootfs_opts *o,
		      struct ct_err *e);
/* pivot_root into the spec's root; the old root stays (stacked on top of
 * the new "/", unreachable by path) until ct_rootfs_detach_old(), so that
 * /proc can still be mounted in a user namespace (the kernel wants a fully
 * visible proc in the mount namespace). */
int ct_rootfs_pivot(const struct oci_spec *s, struct ct_rootfs_opts *o, int *oldroot,
		    struct ct_err *e);
int ct_rootfs_detach_old(int oldroot, struct ct_err *e);
/* After pivot_root: /proc mounts, masked/readonly paths, sysctls, ro root. */
int ct_rootfs_finish(const struct oci_spec *s, struct ct_rootfs_opts *o,
		     struct ct_err *e);

#endif
