/* ct-mount's volumes: --volume and --mount (bin/ct-mount/volume.c). */
#ifndef CT_MOUNT_CTVOLUME_H
#define CT_MOUNT_CTVOLUME_H

#include <stddef.h>

struct ct_err;
struct ct_mount_spec;

struct ct_mount_vols {
	struct ct_mount_spec *specs;
	size_t n;
};

/* Parse one --volume (is_mount 0) or --mount (1) argument; a bad one is a
 * usage error (exit 2). */
void ct_mount_volume_arg(struct ct_mount_vols *v, int is_mount, const char *arg);
/* For the container made in dir (rootfs mounted): volumes created (and
 * filled from the image when empty), the image's Volumes as anonymous
 * volumes, bind and tmpfs mounts, all put into config.json; the volumes
 * recorded in ct.ini. On failure the container is removed and so are the
 * anonymous volumes made for it. Frees v. */
int ct_mount_volumes_apply(const char *root, struct ct_mount_vols *v, const char *dir,
			   struct ct_err *e);

#endif
