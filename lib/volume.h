/* volume: named and anonymous volumes under the state root, and the
 * -v / --mount specifications of `docker run` that ask for them.
 *
 *     volumes/.lock             flock held while volumes are created, filled,
 *                               taken by a container or removed
 *     volumes/<name>/_data/     the volume's content (bind-mounted into
 *                               containers; Docker's Mountpoint)
 *     volumes/<name>/volume.ini [volume] name, created (RFC 3339 UTC),
 *                               driver = local, anonymous = 0|1;
 *                               [labels] KEY = VALUE
 *
 * A volume exists when its volume.ini does (it is written last, removed
 * first). Names follow Docker's rule [a-zA-Z0-9][a-zA-Z0-9_.-]+ (two
 * characters at least); anonymous volumes get a random 64-hex name.
 *
 * A container uses a volume when its ct.ini has, under [container], a line
 *     volume = NAME:/target
 * (one per volume mount, written by ct-mount while holding volumes/.lock);
 * such a volume cannot be removed while the container exists, running or
 * not.
 */
#ifndef CT_VOLUME_H
#define CT_VOLUME_H

#include <stddef.h>
#include <stdint.h>

struct ct_err;

#define CT_VOLUME_NAME_MAX 128
#define CT_VOLUME_ANON_LABEL "com.docker.volume.anonymous"

struct ct_volume {
	char *name;
	char *dir;		/* ROOT/volumes/NAME */
	char *data;		/* ROOT/volumes/NAME/_data, the mount point */
	char *created;		/* RFC 3339 UTC */
	char *driver;		/* "local" */
	int anonymous;
	char **labels;		/* "KEY=VALUE", nlabels of them */
	size_t nlabels;
};

/* Docker's volume name rule; errors quote the name and say what is allowed. */
int ct_volume_name_check(const char *name, struct ct_err *e);
/* ROOT/volumes, allocated. */
char *ct_volumes_dir(const char *root);
/* Take volumes/.lock (exclusive, waiting), creating volumes/; the fd. */
int ct_volumes_lock(const char *root, struct ct_err *e);

/* Load volume NAME. Missing: errnum ENOENT, "no such volume: NAME". */
int ct_volume_load(const char *root, const char *name, struct ct_volume *v,
		   struct ct_err *e);
/* Create volume name (NULL: a new random 64-hex name) or, when it exists,
 * load it (labels then are not changed). *made says which. The caller
 * holds volumes/.lock. Labels are "KEY=VALUE" (or "KEY"). */
int ct_volume_create(const char *root, const char *name, int anonymous,
		     char *const *labels, size_t nlabels, struct ct_volume *v,
		     int *made, struct ct_err *e);
/* Remove the volume and its content; the caller holds the lock and has
 * checked that no container uses it. */
int ct_volume_remove(const char *root, const char *name, struct ct_err *e);
void ct_volume_free(struct ct_volume *v);

/* Names of all volumes, sorted, NULL-terminated (free each and the array). */
char **ct_volume_names(const char *root, struct ct_err *e);
/* Ids of the containers whose ct.ini says they use volume name; sorted,
 * NULL-terminated, allocated. NULL on error. */
char **ct_volume_users(const char *root, const char *name, struct ct_err *e);
/* Names of the volumes some container uses, sorted (repeats possible),
 * NULL-terminated, allocated; one pass over the containers. */
char **ct_volumes_in_use(const char *root, struct ct_err *e);
/* 1 when the sorted list v holds s. */
int ct_strv_has(char *const *v, const char *s);
void ct_strv_free(char **v);

/* 1 when dir has no entries, 0 when it has, -1 on error. */
int ct_volume_dir_empty(const char *dir, struct ct_err *e);
/* Copy-up: copy the directory at target inside the container root rootfs
 * (resolved in it: symlinks cannot lead out) into the empty directory data,
 * owners, modes, xattrs, symlinks and times kept, and give data the owner
 * and mode of that directory, as Docker does. A target missing in rootfs
 * copies nothing; a target that is not a directory is an error. */
int ct_volume_copy_up(const char *rootfs, const char *target, const char *data,
		      struct ct_err *e);
/* Bytes used by the files under dir (st_blocks), for prune's summary. */
uint64_t ct_volume_du(const char *dir);
/* Docker's human size with 4 significant digits: "0B", "1.5kB", "12.34MB". */
void ct_volume_human_size(uint64_t n, char *out, size_t len);

/* ------------------------------------------------------ -v and --mount */

enum ct_mount_type { CT_MOUNT_VOLUME, CT_MOUNT_BIND, CT_MOUNT_TMPFS };

struct ct_mount_spec {
	enum ct_mount_type type;
	char *source;		/* volume name (NULL: anonymous) or host path */
	char *target;		/* absolute and clean */
	int readonly;
	int nocopy;		/* volume: no copy-up */
	int create_src;		/* bind: make a missing source (-v does) */
	int nonrecursive;	/* bind: bind, not rbind */
	char *propagation;	/* NULL or rprivate, shared, ... */
	char *tmpfs_size;	/* NULL or bytes */
	unsigned tmpfs_mode;	/* 0: default */
	char **labels;		/* volume-label=K=V, nlabels of them */
	size_t nlabels;
};

/* `-v SPEC`: [SOURCE:]TARGET[:OPTS] as Docker reads it on Linux. SOURCE
 * absolute (or ./ relative, made absolute against cwd) is a bind whose
 * missing path is created; another SOURCE is a volume name; no SOURCE is
 * an anonymous volume. A lone TARGET that is not absolute is taken from
 * "/" as Docker does ("-v --rm" makes an anonymous volume at /--rm). OPTS:
 * ro, rw, nocopy, z, Z, [r]shared, [r]slave, [r]private, consistent,
 * cached, delegated, comma-separated. */
int ct_mount_parse_v(const char *spec, struct ct_mount_spec *m, struct ct_err *e);
/* `--mount type=bind|volume|tmpfs,source=S,target=T,readonly,...` with
 * Docker's key spellings (src, dst, destination, ro, volume-nocopy,
 * volume-label, bind-propagation, bind-nonrecursive, tmpfs-size,
 * tmpfs-mode). A missing bind source stays an error (create_src 0). */
int ct_mount_parse(const char *spec, struct ct_mount_spec *m, struct ct_err *e);
void ct_mount_spec_free(struct ct_mount_spec *m);
/* Lexically clean an absolute path (Go's filepath.Clean): "//a/./b/../c/"
 * → "/a/c". Allocated. */
char *ct_path_clean(const char *path);

#endif
