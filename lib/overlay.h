/* overlay: a container's copy-on-write root from layer directories.
 *
 * Layer directories are overlay-ready (as ct-unpack leaves them): an OCI
 * whiteout is a 0:0 character device, an opaque directory carries the xattr
 * trusted.overlay.opaque=y. Layers are always given lowest first.
 *
 * ct_overlay_mount() uses the new mount API where the kernel has it
 * (fsopen("overlay") + fsconfig "lowerdir+" once per layer, Linux 6.8+),
 * which has no limit on the number of layers; on older kernels it falls
 * back to mount(2) with the classic "lowerdir=a:b:c" option string, made
 * with paths relative to the layers' common parent so that more layers fit
 * in its one page. Mount options: redirect_dir=off, metacopy=off, index=off,
 * so that upper/ always holds whole files and plain directories, which
 * ct_overlay_diff() can turn back into an OCI layer. CT_OVERLAY_API=classic
 * in the environment skips the new API (to test the fallback).
 *
 * Where overlayfs cannot be used, ct_copy_layers() builds the same tree by
 * copying, with whiteouts and opaque directories applied.
 */
#ifndef CT_OVERLAY_H
#define CT_OVERLAY_H

#include <stddef.h>

struct ct_err;

/* Mount overlayfs on target. On failure, *unusable is set to 1 when the
 * failure means overlayfs cannot be used here at all (no overlay in the
 * kernel, an upper filesystem that refuses it), so the caller may fall
 * back to copying; 0 for errors that copying would not cure. */
int ct_overlay_mount(const char *const *lowers, size_t n, const char *upper,
		     const char *work, const char *target, int *unusable,
		     struct ct_err *e);

/* A throw-away container's overlay: mounted "volatile" (never synced).
 * Also on with CT_OVERLAY_VOLATILE=1 in the environment. */
void ct_overlay_set_volatile(int on);
int ct_overlay_volatile(void);

/* Unmount target; "not mounted" is fine (returns 0). */
int ct_overlay_umount(const char *target, struct ct_err *e);

/* 1 when path is a mount point (of any filesystem). */
int ct_is_mountpoint(const char *path);

/* Apply the layers, lowest first, into the directory target (which should
 * be empty): files, directories, symlinks, hardlinks within a layer, FIFOs,
 * device nodes, owners, modes, times and xattrs; whiteouts remove what is
 * below them, opaque directories hide what is below them. */
int ct_copy_layers(const char *const *lowers, size_t n, const char *target,
		   struct ct_err *e);

/* Write upper (an overlay upper directory) as an uncompressed OCI layer tar
 * (pax) on fd: entries in byte order of their names, whiteouts (0:0 char
 * devices) as empty ".wh.NAME" files, opaque directories followed by
 * "DIR/.wh..wh..opq", hardlinks as tar hardlinks, xattrs other than
 * trusted.overlay.* kept. */
int ct_overlay_diff(const char *upper, int fd, struct ct_err *e);

#endif
