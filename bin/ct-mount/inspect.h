/* ct-mount --inspect and --cp-*: what `ct inspect` and `ct cp` need from a
 * container's bundle, kept apart from making containers (ct-mount.c). */
#ifndef CT_MOUNT_INSPECT_H
#define CT_MOUNT_INSPECT_H

/* ct-mount --inspect [-f FORMAT] ID|NAME...: Docker-shaped JSON */
int ct_mount_inspect_main(int argc, char **argv);
/* ct-mount --cp-stat|--cp-out|--cp-in ID PATH: paths resolved inside the
 * container's root (openat2 RESOLVE_IN_ROOT: symlinks never leave it) */
int ct_mount_cp_main(int argc, char **argv);

#endif
