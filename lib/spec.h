/* spec: THE one place for ct's default OCI runtime spec (config.json) and
 * for merging an image config and the user's options into it. ct-mount
 * writes bundles with it; ct-spawn uses the same defaults.
 *
 * The defaults are what Docker and runc give a container:
 *   - namespaces: pid, network, ipc, uts, mount, cgroup (new ones)
 *   - mounts: /proc, /dev (tmpfs), /dev/pts, /dev/shm, /dev/mqueue, /sys
 *     (read-only), /sys/fs/cgroup (read-only)
 *   - masked paths (/proc/kcore, /proc/keys, ... /sys/firmware) and
 *     read-only paths (/proc/sys, /proc/sysrq-trigger, ...) as runc's spec
 *   - capabilities: Docker's default set (CHOWN DAC_OVERRIDE FSETID FOWNER
 *     MKNOD NET_RAW SETGID SETUID SETFCAP SETPCAP NET_BIND_SERVICE
 *     SYS_CHROOT KILL AUDIT_WRITE) as bounding, effective and permitted
 *   - rlimits: RLIMIT_NOFILE soft 1024, hard 1048576, both capped at this
 *     machine's own hard limit (raising it needs CAP_SYS_RESOURCE)
 *   - seccomp: ct's default profile (share/seccomp/default.json, Docker's
 *     default in effect), put in by ct_spec_set_seccomp
 *   - root.path "rootfs", process.cwd "/", user 0:0, terminal false,
 *     PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
 *
 * Image config (the "config" object of an OCI/Docker image config):
 *   Env → process.env; Entrypoint + Cmd → process.args; WorkingDir →
 *   process.cwd; User → process.user (resolved in the rootfs, see
 *   ct_spec_set_user); Labels → annotations; ExposedPorts →
 *   annotation org.opencontainers.image.exposedPorts ("53/udp,80/tcp");
 *   StopSignal → org.opencontainers.image.stopSignal; Volumes →
 *   ct.image.volumes ("/a,/b"), as the OCI image spec's conversion rules say.
 * Options win over the image, as in `docker run`: --env KEY=VAL replaces
 * KEY (a bare KEY takes the value from ct-mount's own environment),
 * --entrypoint drops the image's Cmd unless a command is given, a command
 * replaces Cmd.
 */
#ifndef CT_SPEC_H
#define CT_SPEC_H

#include <stddef.h>
#include <sys/types.h>
#include <jansson.h>

struct ct_err;

#define CT_SPEC_DEFAULT_PATH "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
#define CT_ANNOT_EXPOSED "org.opencontainers.image.exposedPorts"
#define CT_ANNOT_STOPSIGNAL "org.opencontainers.image.stopSignal"
#define CT_ANNOT_VOLUMES "ct.image.volumes"

/* The default spec (a new reference). */
json_t *ct_spec_default(void);

/* Docker's default capability names ("CAP_CHOWN", ...), NULL-terminated. */
extern const char *const ct_spec_default_caps[];

struct ct_spec_opts {
	char **env;            /* KEY=VAL or KEY, nenv of them */
	size_t nenv;
	const char *workdir;   /* NULL: the image's, else "/" */
	const char *entrypoint;/* NULL: the image's; "": none */
	char **args;           /* the command, nargs words (0: the image's Cmd) */
	size_t nargs;
	const char *hostname;  /* NULL: keep */
};

/* Merge an image config document (the whole document, with its "config"
 * object; NULL for none) and then the options into spec. Fails when there
 * is no command to run or the working directory is not absolute. The user
 * is set separately, once the rootfs is there (ct_spec_set_user). */
int ct_spec_build(json_t *spec, const json_t *image_config, const struct ct_spec_opts *o,
		  struct ct_err *e);

/* Set process.user from a Docker user string ("", "name", "uid",
 * "name:group", "uid:gid"), looking names up in ROOTFS/etc/passwd and
 * ROOTFS/etc/group (opened inside rootfs: symlinks cannot lead out).
 * A user without a group gets its passwd group (0 when not in passwd), and
 * supplementary groups from /etc/group as additionalGids; HOME is added to
 * the env from passwd when the env has none. */
int ct_spec_set_user(json_t *spec, const char *rootfs, const char *user, struct ct_err *e);

/* Put the seccomp profile (an OCI linux.seccomp object in a JSON file) into
 * linux.seccomp; path NULL removes it (unconfined). */
int ct_spec_set_seccomp(json_t *spec, const char *path, struct ct_err *e);
/* Where ct's default seccomp profile is: $CT_SECCOMP_PROFILE, else
 * EXEDIR/../share/ct/seccomp/default.json (installed), else
 * EXEDIR/../../share/seccomp/default.json (build/bin in the source tree).
 * Fills out and returns it, or NULL when there is none. */
const char *ct_spec_find_seccomp(char *out, size_t n);

/* Set the hostname and, as Docker does, HOSTNAME in the env. */
void ct_spec_set_hostname(json_t *spec, const char *name);

/* Replace or add KEY=VAL in a JSON array of strings (by KEY). */
void ct_spec_env_set(json_t *env, const char *kv);
/* The value of KEY in such an array, or NULL. */
const char *ct_spec_env_get(const json_t *env, const char *key);

#endif
