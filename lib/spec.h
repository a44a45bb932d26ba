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
#include <stdint.h>
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

/* ---------------------------------------------------------------- docker run's flags
 *
 * The runtime flags of `docker run`, kept as given (strings) so that the
 * errors of ct_spec_apply_run can name the flag. What each one writes:
 *   read_only     root.readonly
 *   memory        linux.resources.memory.limit ("512m": b k m g t suffixes,
 *                 binary; at least 6m as Docker says)
 *   memory_swap   ...memory.swap (memory + swap; -1 unlimited; needs memory;
 *                 default when memory is set: twice memory, as Docker)
 *   cpus          ...cpu.quota / period (1.5 -> 150000 / 100000)
 *   cpu_shares    ...cpu.shares        cpuset_cpus  ...cpu.cpus
 *   pids_limit    ...pids.limit (0 or -1: unlimited)
 *   cap_add/drop  the three capability sets (ALL; CAP_ prefix optional;
 *                 any case): Docker's default set, minus drops, plus adds
 *   privileged    every capability, no seccomp, no masked or read-only
 *                 paths, /sys and /sys/fs/cgroup writable, the host's /dev
 *                 nodes, every device allowed
 *   no_new_privs  process.noNewPrivileges
 *   ulimits       process.rlimits ("nofile=1024:2048", "nproc=64"): a hard
 *                 limit above this process's own needs CAP_SYS_RESOURCE
 *   labels        annotations ("k=v" or "k")
 *   tmpfs         a tmpfs mount ("/run" or "/run:size=64m,mode=1777"),
 *                 options noexec,nosuid,nodev unless given otherwise
 *   stop_signal   annotation org.opencontainers.image.stopSignal
 *   stop_timeout  annotation org.ct.stop_timeout (seconds)
 *   health_*      annotations org.ct.health.test (a JSON array, as the
 *                 image config's Healthcheck.Test: ["CMD-SHELL","cmd"],
 *                 ["NONE"]), org.ct.health.interval|timeout|start_period
 *                 (decimal nanoseconds), org.ct.health.retries; flags
 *                 win over the image's Healthcheck field by field; Docker's
 *                 defaults (30s, 30s, 0s, 3) fill the rest.
 */
#define CT_ANNOT_STOP_TIMEOUT "org.ct.stop_timeout"
#define CT_ANNOT_HEALTH "org.ct.health."

struct ct_spec_list {
	char **v;
	size_t n;
};
void ct_spec_list_add(struct ct_spec_list *l, char *s);

struct ct_spec_run {
	int read_only, privileged, no_new_privs, no_healthcheck;
	const char *seccomp;	/* --security-opt seccomp=: FILE, "unconfined" */
	const char *memory, *memory_swap, *cpus, *cpu_shares, *cpuset_cpus;
	const char *pids_limit, *stop_signal, *stop_timeout;
	const char *health_cmd, *health_interval, *health_timeout;
	const char *health_retries, *health_start_period;
	struct ct_spec_list cap_add, cap_drop, ulimits, labels, tmpfs;
};

/* --security-opt: no-new-privileges[:true|false|=true], seccomp=unconfined,
 * seccomp=FILE (seccomp:FILE too). */
int ct_spec_security_opt(struct ct_spec_run *r, const char *opt, struct ct_err *e);
/* Apply the flags to a spec built by ct_spec_build (image_config as given
 * there, for its Healthcheck). */
int ct_spec_apply_run(json_t *spec, const json_t *image_config,
		      const struct ct_spec_run *r, struct ct_err *e);

/* "512m", "1.5g", "1024" -> bytes (b k m g t, binary, optional trailing b). */
int ct_spec_parse_bytes(const char *s, int64_t *out);
/* A Go duration ("30s", "1m30s", "500ms", "1.5h") -> nanoseconds (>= 0). */
int ct_spec_parse_duration(const char *s, int64_t *ns);
/* The command line as `docker ps` shows it: process.args joined by spaces
 * (allocated). */
char *ct_spec_command_line(const json_t *spec);
/* The annotations set by labels (image Labels and --label) as "k=v,k2=v2"
 * (allocated); only keys that are labels, i.e. not org.opencontainers.*,
 * org.ct.* or ct.* unless the user set them as labels. */
char *ct_spec_labels_line(const json_t *spec, const json_t *image_config,
			  const struct ct_spec_run *r);

#endif
