/* volume: volumes/<name>/ under the state root, and -v/--mount specs
 * (see volume.h). */
#include "volume.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "buf.h"
#include "container.h"
#include "err.h"
#include "file.h"
#include "json.h"
#include "lock.h"
#include "overlay.h"
#include "say.h"

#define INI_NAME "volume.ini"
/* Debian's libinih reads lines of at most 200 bytes: keep ours shorter. */
#define LINE_MAX_BYTES 199

/* ------------------------------------------------------------- names */

int ct_volume_name_check(const char *name, struct ct_err *e)
{
	size_t n = strlen(name);

	if (n < 2)
		return ct_err(e, 0, "volume name \"%s\" is too short, names should be at least "
			      "two alphanumeric characters", name);
	if (n > CT_VOLUME_NAME_MAX)
		return ct_err(e, 0, "volume name \"%.20s...\" is longer than %d characters",
			      name, CT_VOLUME_NAME_MAX);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)name[i];
		if (isalnum(c) || (i > 0 && (c == '_' || c == '.' || c == '-')))
			continue;
		return ct_err(e, 0, "\"%s\" includes invalid characters for a local volume name, "
			      "only \"[a-zA-Z0-9][a-zA-Z0-9_.-]\" are allowed. If you intended "
			      "to pass a host directory, use absolute path", name);
	}
	return 0;
}

char *ct_volumes_dir(const char *root)
{
	return ct_xasprintf("%s/volumes", root);
}

int ct_volumes_lock(const char *root, struct ct_err *e)
{
	char *dir = ct_volumes_dir(root), *path;
	int fd;

	if (ct_mkdir_p(dir, 0755, e) < 0) {
		free(dir);
		return -1;
	}
	path = ct_xasprintf("%s/.lock", dir);
	fd = ct_lock(path, CT_LOCK_EXCLUSIVE, 0, e);
	free(path);
	free(dir);
	return fd;
}

void ct_strv_free(char **v)
{
	if (!v)
		return;
	for (char **p = v; *p; p++)
		free(*p);
	free(v);
}

void ct_volume_free(struct ct_volume *v)
{
	free(v->name);
	free(v->dir);
	free(v->data);
	free(v->created);
	free(v->driver);
	for (size_t i = 0; i < v->nlabels; i++)
		free(v->labels[i]);
	free(v->labels);
	memset(v, 0, sizeof(*v));
}

/* --------------------------------------------------------- volume.ini */

/* Our own reader of "key = value" lines in [sections]: values are taken
 * whole (no comment stripping), so labels keep ';' and '#'. fn gets the
 * section, key and value; nonzero stops. */
typedef int (*line_fn)(void *user, const char *section, const char *key, const char *val);

/* These files are small: read them without ct_read_file's 64 KiB steps. */
static int read_small(const char *path, struct ct_buf *b, struct ct_err *e)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return ct_err(e, errno, "open %s", path);
	for (;;) {
		ssize_t n;
		ct_buf_grow(b, 2048);
		n = read(fd, b->data + b->len, b->cap - b->len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 || b->len + (size_t)n > (1u << 20)) {
			int err = n < 0 ? errno : EFBIG;
			close(fd);
			return ct_err(e, err, "read %s", path);
		}
		if (n == 0)
			break;
		b->len += (size_t)n;
		b->data[b->len] = '\0';
	}
	close(fd);
	return 0;
}

static int read_ini(const char *path, line_fn fn, void *user, struct ct_err *e)
{
	struct ct_buf b = CT_BUF_INIT;
	char section[64] = "", *save = NULL;
	int r = 0;

	if (read_small(path, &b, e) < 0) {
		ct_buf_free(&b);
		return -1;
	}
	for (char *l = strtok_r(b.data ? b.data : (char *)"", "\n", &save); l && !r;
	     l = strtok_r(NULL, "\n", &save)) {
		char *k = l, *eq, *v;
		while (*k == ' ' || *k == '\t')
			k++;
		if (*k == '[') {
			char *end = strchr(k, ']');
			if (end) {
				*end = '\0';
				ct_strlcpy(section, k + 1, sizeof(section));
			}
			continue;
		}
		if (*k == ';' || *k == '#' || !(eq = strchr(k, '=')))
			continue;
		v = eq + 1;
		while (eq > k && (eq[-1] == ' ' || eq[-1] == '\t'))
			eq--;
		*eq = '\0';
		if (*v == ' ')
			v++;
		r = fn(user, section, k, v);
	}
	ct_buf_free(&b);
	return 0;
}

static int volume_line(void *user, const char *section, const char *key, const char *val)
{
	struct ct_volume *v = user;

	if (!strcmp(section, "volume")) {
		if (!strcmp(key, "created")) {
			free(v->created);
			v->created = ct_xstrdup(val);
		} else if (!strcmp(key, "driver")) {
			free(v->driver);
			v->driver = ct_xstrdup(val);
		} else if (!strcmp(key, "anonymous")) {
			v->anonymous = !strcmp(val, "1");
		}
	} else if (!strcmp(section, "labels")) {
		v->labels = ct_xrealloc(v->labels, (v->nlabels + 1) * sizeof(char *));
		v->labels[v->nlabels++] = ct_xasprintf("%s=%s", key, val);
	}
	return 0;
}

int ct_volume_load(const char *root, const char *name, struct ct_volume *v,
		   struct ct_err *e)
{
	char *ini;
	struct stat st;

	memset(v, 0, sizeof(*v));
	if (ct_volume_name_check(name, e) < 0)
		return -1;
	v->name = ct_xstrdup(name);
	v->dir = ct_xasprintf("%s/volumes/%s", root, name);
	v->data = ct_xasprintf("%s/_data", v->dir);
	ini = ct_xasprintf("%s/" INI_NAME, v->dir);
	if (stat(ini, &st) < 0) {
		int err = errno;
		free(ini);
		ct_volume_free(v);
		if (err != ENOENT && err != ENOTDIR)
			return ct_err(e, err, "stat %s/volumes/%s/" INI_NAME, root, name);
		ct_err(e, 0, "no such volume: %s", name);
		if (e)
			e->errnum = ENOENT;
		return -1;
	}
	if (read_ini(ini, volume_line, v, e) < 0) {
		free(ini);
		ct_volume_free(v);
		return -1;
	}
	free(ini);
	if (!v->created)
		v->created = ct_xstrdup("");
	if (!v->driver)
		v->driver = ct_xstrdup("local");
	return 0;
}

static int label_ok(const char *l, struct ct_err *e)
{
	const char *eq = strchr(l, '=');
	size_t klen = eq ? (size_t)(eq - l) : strlen(l);

	if (klen == 0)
		return ct_err(e, 0, "label \"%s\" has no key", l);
	if (strpbrk(l, "\r\n"))
		return ct_err(e, 0, "label \"%s\" holds a line break", l);
	if (memchr(l, '[', klen) || memchr(l, ']', klen) || l[0] == ';' || l[0] == '#' ||
	    isspace((unsigned char)l[0]) || isspace((unsigned char)l[klen - 1]))
		return ct_err(e, 0, "label key \"%.*s\" starts or ends with a space, or holds "
			      "'[', ']', or starts with ';' or '#'", (int)klen, l);
	if (strlen(l) + 2 > LINE_MAX_BYTES)
		return ct_err(e, 0, "label \"%.40s...\" is longer than %d bytes", l,
			      LINE_MAX_BYTES - 2);
	return 0;
}

static int write_ini(const struct ct_volume *v, struct ct_err *e)
{
	struct ct_buf b = CT_BUF_INIT;
	char *path = ct_xasprintf("%s/" INI_NAME, v->dir);
	int r;

	ct_buf_printf(&b, "[volume]\nname = %s\ncreated = %s\ndriver = %s\nanonymous = %d\n",
		      v->name, v->created, v->driver, v->anonymous);
	if (v->nlabels)
		ct_buf_puts(&b, "[labels]\n");
	for (size_t i = 0; i < v->nlabels; i++) {
		const char *eq = strchr(v->labels[i], '=');
		if (eq)
			ct_buf_printf(&b, "%.*s = %s\n", (int)(eq - v->labels[i]), v->labels[i],
				      eq + 1);
		else
			ct_buf_printf(&b, "%s = \n", v->labels[i]);
	}
	r = ct_write_file_atomic(path, b.data, b.len, 0644, e);
	free(path);
	ct_buf_free(&b);
	return r;
}

int ct_volume_create(const char *root, const char *name, int anonymous,
		     char *const *labels, size_t nlabels, struct ct_volume *v,
		     int *made, struct ct_err *e)
{
	char id[CT_CONTAINER_ID_LEN + 1], created[32];

	*made = 0;
	for (size_t i = 0; i < nlabels; i++)
		if (label_ok(labels[i], e) < 0)
			return -1;
	if (name) {
		struct ct_err le;
		if (ct_volume_load(root, name, v, &le) == 0)
			return 0;
		if (le.errnum != ENOENT) {
			if (e)
				*e = le;
			return -1;
		}
	} else {
		do {
			char *p;
			int there;

			if (ct_container_new_id(id, e) < 0)
				return -1;
			p = ct_xasprintf("%s/volumes/%s", root, id);
			there = ct_exists(p);
			free(p);
			if (!there)
				break;
		} while (1);
		name = id;
	}
	memset(v, 0, sizeof(*v));
	v->name = ct_xstrdup(name);
	v->dir = ct_xasprintf("%s/volumes/%s", root, name);
	v->data = ct_xasprintf("%s/_data", v->dir);
	ct_rfc3339_now(created);
	v->created = ct_xstrdup(created);
	v->driver = ct_xstrdup("local");
	v->anonymous = anonymous;
	v->labels = ct_xcalloc(nlabels + 1, sizeof(char *));
	for (size_t i = 0; i < nlabels; i++)
		v->labels[i] = ct_xstrdup(labels[i]);
	v->nlabels = nlabels;
	ct_say("mkdir %s", v->data);
	if (ct_mkdir_p(v->data, 0755, e) < 0 || write_ini(v, e) < 0) {
		ct_volume_free(v);
		return -1;
	}
	*made = 1;
	return 0;
}

int ct_volume_remove(const char *root, const char *name, struct ct_err *e)
{
	char *dir, *ini;
	int r = 0;

	if (ct_volume_name_check(name, e) < 0)
		return -1;
	dir = ct_xasprintf("%s/volumes/%s", root, name);
	ini = ct_xasprintf("%s/" INI_NAME, dir);
	/* the metadata first: a volume half removed is no volume */
	if (unlink(ini) < 0 && errno != ENOENT)
		r = ct_err(e, errno, "unlink %s", ini);
	ct_say("rm -rf %s", dir);
	if (r == 0 && ct_rm_rf(dir, e) < 0)
		r = -1;
	free(ini);
	free(dir);
	return r;
}

static int str_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* append a copy of s to the NULL-terminated vector v of n strings */
static void strv_push(char ***v, size_t *n, const char *s)
{
	*v = ct_xrealloc(*v, (*n + 2) * sizeof(char *));
	(*v)[(*n)++] = ct_xstrdup(s);
	(*v)[*n] = NULL;
}

char **ct_volume_names(const char *root, struct ct_err *e)
{
	char *dir = ct_volumes_dir(root);
	DIR *d = opendir(dir);
	struct dirent *de;
	char **v = ct_xcalloc(1, sizeof(char *));
	size_t n = 0;

	if (!d) {
		if (errno != ENOENT) {
			ct_err(e, errno, "opendir %s", dir);
			free(v);
			v = NULL;
		}
		free(dir);
		return v;	/* no directory yet: none */
	}
	while ((de = readdir(d))) {
		char *ini;
		if (de->d_name[0] == '.' || ct_volume_name_check(de->d_name, NULL) < 0)
			continue;
		ini = ct_xasprintf("%s/%s/" INI_NAME, dir, de->d_name);
		if (ct_exists(ini))
			strv_push(&v, &n, de->d_name);
		free(ini);
	}
	closedir(d);
	free(dir);
	qsort(v, n, sizeof(char *), str_cmp);
	return v;
}

struct users {
	const char *name;
	int found;
};

static int user_line(void *user, const char *section, const char *key, const char *val)
{
	struct users *u = user;
	size_t n = strlen(u->name);

	if (!strcmp(section, "container") && !strcmp(key, "volume") &&
	    !strncmp(val, u->name, n) && val[n] == ':')
		u->found = 1;
	return u->found;
}

/* The volumes a container's config.json binds (sources ROOT/volumes/NAME/_data),
 * one "NAME\n" each into names: the in-use check holds even if ct.ini lost
 * its volume lines. */
static void config_volumes(const char *root, const char *cdir, struct ct_buf *names)
{
	char *path = ct_xasprintf("%s/config.json", cdir);
	char *prefix = ct_xasprintf("%s/volumes/", root);
	json_t *cfg = ct_json_load_file(path, 1 << 22, NULL), *m;
	size_t i, plen = strlen(prefix);

	json_array_foreach(cfg ? json_object_get(cfg, "mounts") : NULL, i, m) {
		const char *src = ct_json_str(m, "source"), *name, *slash;
		if (!src || strncmp(src, prefix, plen))
			continue;
		name = src + plen;
		slash = strchr(name, '/');
		if (!slash || strcmp(slash, "/_data"))
			continue;
		ct_buf_add(names, name, (size_t)(slash - name));
		ct_buf_putc(names, '\n');
	}
	json_decref(cfg);
	free(prefix);
	free(path);
}

static int has_line(const struct ct_buf *b, const char *name)
{
	size_t n = strlen(name);

	for (const char *p = b->data; p && *p; ) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		if (len == n && !strncmp(p, name, n))
			return 1;
		if (!nl)
			break;
		p = nl + 1;
	}
	return 0;
}

char **ct_volume_users(const char *root, const char *name, struct ct_err *e)
{
	char *dir = ct_containers_dir(root);
	DIR *d = opendir(dir);
	struct dirent *de;
	char **v = ct_xcalloc(1, sizeof(char *));
	size_t n = 0;

	if (!d) {
		int err = errno;
		free(dir);
		if (err == ENOENT)
			return v;
		free(v);
		ct_err(e, err, "opendir %s/containers", root);
		return NULL;
	}
	while ((de = readdir(d))) {
		struct users u = { name, 0 };
		char *ini;
		if (!ct_container_id_valid(de->d_name))
			continue;
		ini = ct_xasprintf("%s/%s/ct.ini", dir, de->d_name);
		if (read_ini(ini, user_line, &u, NULL) == 0 && !u.found) {
			struct ct_buf names = CT_BUF_INIT;
			char *cdir = ct_xasprintf("%s/%s", dir, de->d_name);
			config_volumes(root, cdir, &names);
			u.found = has_line(&names, name);
			ct_buf_free(&names);
			free(cdir);
		}
		if (u.found)
			strv_push(&v, &n, de->d_name);
		free(ini);
	}
	closedir(d);
	free(dir);
	qsort(v, n, sizeof(char *), str_cmp);
	return v;
}

static int used_line(void *user, const char *section, const char *key, const char *val)
{
	struct ct_buf *names = user;
	const char *colon = strchr(val, ':');

	if (!strcmp(section, "container") && !strcmp(key, "volume") && colon) {
		ct_buf_add(names, val, (size_t)(colon - val));
		ct_buf_putc(names, '\n');
	}
	return 0;
}

char **ct_volumes_in_use(const char *root, struct ct_err *e)
{
	char *dir = ct_containers_dir(root);
	DIR *d = opendir(dir);
	struct dirent *de;
	struct ct_buf names = CT_BUF_INIT;
	char **v = ct_xcalloc(1, sizeof(char *)), *save = NULL;
	size_t n = 0;

	if (!d) {
		if (errno != ENOENT) {
			ct_err(e, errno, "opendir %s", dir);
			free(v);
			v = NULL;
		}
		free(dir);
		return v;	/* no directory yet: none */
	}
	while ((de = readdir(d))) {
		char *ini;
		if (!ct_container_id_valid(de->d_name))
			continue;
		ini = ct_xasprintf("%s/%s/ct.ini", dir, de->d_name);
		read_ini(ini, used_line, &names, NULL);
		free(ini);
		ini = ct_xasprintf("%s/%s", dir, de->d_name);
		config_volumes(root, ini, &names);
		free(ini);
	}
	closedir(d);
	free(dir);
	for (char *l = strtok_r(names.data ? names.data : (char *)"", "\n", &save); l;
	     l = strtok_r(NULL, "\n", &save)) {
		strv_push(&v, &n, l);
	}
	ct_buf_free(&names);
	qsort(v, n, sizeof(char *), str_cmp);
	return v;
}

int ct_strv_has(char *const *v, const char *s)
{
	size_t lo = 0, hi = 0;

	while (v[hi])
		hi++;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = strcmp(v[mid], s);
		if (!c)
			return 1;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

/* ------------------------------------------------------------ content */

int ct_volume_dir_empty(const char *dir, struct ct_err *e)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int empty = 1;

	if (!d)
		return ct_err(e, errno, "opendir %s", dir);
	while ((de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, "..")) {
			empty = 0;
			break;
		}
	closedir(d);
	return empty;
}

static int openat2_in(int dirfd, const char *path, int flags)
{
	struct open_how how = { .flags = (unsigned long long)flags,
				.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS };
	return (int)syscall(SYS_openat2, dirfd, path, &how, sizeof how);
}

int ct_volume_copy_up(const char *rootfs, const char *target, const char *data,
		      struct ct_err *e)
{
	int rfd, sfd, r = -1;
	struct stat st;
	char *src = NULL;
	const char *rel = target;

	while (*rel == '/')
		rel++;
	rfd = open(rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (rfd < 0)
		return ct_err(e, errno, "open %s", rootfs);
	sfd = openat2_in(rfd, *rel ? rel : ".", O_PATH | O_CLOEXEC);
	close(rfd);
	if (sfd < 0) {
		if (errno == ENOENT)
			return 0;	/* nothing there in the image */
		return ct_err(e, errno, "openat2 %s in the container root %s", target, rootfs);
	}
	if (fstat(sfd, &st) < 0) {
		ct_err(e, errno, "stat %s in the container root", target);
		goto out;
	}
	if (!S_ISDIR(st.st_mode)) {
		ct_err(e, 0, "cannot mount volume over existing file, file exists %s%s",
		       rootfs, target);
		goto out;
	}
	src = ct_xasprintf("/proc/self/fd/%d", sfd);
	ct_say("copy-up %s from the image into %s", target, data);
	if (ct_copy_layers((const char *const *)&src, 1, data, e) < 0) {
		ct_err_wrap(e, "copy %s into the volume", target);
		goto out;
	}
	if (chown(data, st.st_uid, st.st_gid) < 0 || chmod(data, st.st_mode & 07777) < 0) {
		ct_err(e, errno, "chown/chmod %s as %s", data, target);
		goto out;
	}
	r = 0;
out:
	free(src);
	close(sfd);
	return r;
}

static uint64_t du_fd(int dfd, int depth)
{
	DIR *d = fdopendir(dfd);
	struct dirent *de;
	uint64_t sum = 0;

	if (!d) {
		close(dfd);
		return 0;
	}
	while ((de = readdir(d))) {
		struct stat st;
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
			continue;
		if (S_ISDIR(st.st_mode) && depth < 256) {
			int fd = openat(dirfd(d), de->d_name,
					O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			if (fd >= 0)
				sum += du_fd(fd, depth + 1);
		} else if (S_ISREG(st.st_mode)) {
			sum += (uint64_t)st.st_size;
		}
	}
	closedir(d);
	return sum;
}

uint64_t ct_volume_du(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

	return fd < 0 ? 0 : du_fd(fd, 0);
}

void ct_volume_human_size(uint64_t n, char *out, size_t len)
{
	static const char *const units[] = { "B", "kB", "MB", "GB", "TB", "PB", "EB" };
	double v = (double)n;
	size_t i = 0;

	while (v >= 1000.0 && i + 1 < sizeof(units) / sizeof(units[0])) {
		v /= 1000.0;
		i++;
	}
	snprintf(out, len, "%.4g%s", v, units[i]);
}

/* ------------------------------------------------------ -v and --mount */

char *ct_path_clean(const char *path)
{
	size_t n = strlen(path);
	char *out = ct_xmalloc(n + 2), *copy = ct_xstrdup(path), *save = NULL;
	size_t len = 0;

	out[0] = '\0';
	for (char *c = strtok_r(copy, "/", &save); c; c = strtok_r(NULL, "/", &save)) {
		if (!strcmp(c, "."))
			continue;
		if (!strcmp(c, "..")) {
			while (len > 0 && out[len - 1] != '/')
				len--;
			if (len > 0)
				len--;	/* the slash */
			out[len] = '\0';
			continue;
		}
		out[len++] = '/';
		memcpy(out + len, c, strlen(c));
		len += strlen(c);
		out[len] = '\0';
	}
	if (len == 0) {
		out[0] = '/';
		out[1] = '\0';
	}
	free(copy);
	return out;
}

void ct_mount_spec_free(struct ct_mount_spec *m)
{
	free(m->source);
	free(m->target);
	free(m->propagation);
	free(m->tmpfs_size);
	for (size_t i = 0; i < m->nlabels; i++)
		free(m->labels[i]);
	free(m->labels);
	memset(m, 0, sizeof(*m));
}

static const char *type_name(enum ct_mount_type t)
{
	return t == CT_MOUNT_BIND ? "bind" : t == CT_MOUNT_TMPFS ? "tmpfs" : "volume";
}

static int is_propagation(const char *s)
{
	static const char *const p[] = { "shared", "rshared", "slave", "rslave",
					 "private", "rprivate", NULL };
	for (size_t i = 0; p[i]; i++)
		if (!strcmp(s, p[i]))
			return 1;
	return 0;
}

/* The target: absolute, clean, not "/". */
static int take_target(struct ct_mount_spec *m, const char *t, const char *spec,
		       struct ct_err *e)
{
	if (t[0] != '/')
		return ct_err(e, 0, "invalid mount config for type \"%s\": invalid mount path: "
			      "'%s' mount path must be absolute", type_name(m->type), t);
	if (strpbrk(t, "\r\n"))
		return ct_err(e, 0, "invalid mount path in '%s': it holds a line break", spec);
	m->target = ct_path_clean(t);
	if (!strcmp(m->target, "/"))
		return ct_err(e, 0, "invalid specification '%s': destination can't be '/'", spec);
	return 0;
}

/* ./x and . as Docker's CLI reads them: relative to the current directory */
static char *absolute(const char *p)
{
	char cwd[4096];
	char *j, *c;

	if (p[0] == '/' || !getcwd(cwd, sizeof(cwd)))
		return ct_path_clean(p);
	j = ct_xasprintf("%s/%s", cwd, p);
	c = ct_path_clean(j);
	free(j);
	return c;
}

int ct_mount_parse_v(const char *spec, struct ct_mount_spec *m, struct ct_err *e)
{
	char *copy = ct_xstrdup(spec), *parts[4] = { 0 }, *p = copy;
	size_t n = 0;
	int r = -1;

	memset(m, 0, sizeof(*m));
	m->type = CT_MOUNT_VOLUME;
	while (n < 4) {
		parts[n++] = p;
		p = strchr(p, ':');
		if (!p)
			break;
		*p++ = '\0';
	}
	if (p || n > 3 || !spec[0] || (n >= 2 && (!parts[0][0] || !parts[1][0]))) {
		ct_err(e, 0, "invalid volume specification: '%s'", spec);
		goto out;
	}
	if (n == 1) {
		/* a lone target: an anonymous volume; Docker takes a relative
		 * one from "/" ("-v --rm" is a volume at /--rm) */
		char *t = parts[0][0] == '/' ? ct_xstrdup(parts[0]) : ct_xasprintf("/%s", parts[0]);
		int tr = take_target(m, t, spec, e);
		free(t);
		if (tr < 0)
			goto fail;
		r = 0;
		goto out;
	}
	if (parts[0][0] == '/' || !strcmp(parts[0], ".") || ct_has_prefix(parts[0], "./")) {
		m->type = CT_MOUNT_BIND;
		m->source = absolute(parts[0]);
		m->create_src = 1;
	} else {
		if (ct_volume_name_check(parts[0], e) < 0) {
			ct_err_wrap(e, "create %s", parts[0]);
			goto out;
		}
		m->source = ct_xstrdup(parts[0]);
	}
	if (take_target(m, parts[1], spec, e) < 0)
		goto fail;
	if (n == 3) {
		char *save = NULL;
		for (char *o = strtok_r(parts[2], ",", &save); o; o = strtok_r(NULL, ",", &save)) {
			if (!strcmp(o, "ro"))
				m->readonly = 1;
			else if (!strcmp(o, "rw"))
				m->readonly = 0;
			else if (!strcmp(o, "nocopy") && m->type == CT_MOUNT_VOLUME)
				m->nocopy = 1;
			else if (is_propagation(o) && m->type == CT_MOUNT_BIND) {
				free(m->propagation);
				m->propagation = ct_xstrdup(o);
			} else if (strcmp(o, "z") && strcmp(o, "Z") && strcmp(o, "consistent") &&
				   strcmp(o, "cached") && strcmp(o, "delegated")) {
				ct_err(e, 0, "invalid mode: %s", o);
				goto fail;
			}
		}
	}
	r = 0;
	goto out;
fail:
	ct_err_wrap(e, "invalid volume specification: '%s'", spec);
out:
	free(copy);
	if (r < 0)
		ct_mount_spec_free(m);
	return r;
}

static int parse_bool(const char *key, const char *val, int *out, struct ct_err *e)
{
	if (!val || !strcmp(val, "1") || !strcasecmp(val, "true"))
		*out = 1;
	else if (!strcmp(val, "0") || !strcasecmp(val, "false"))
		*out = 0;
	else
		return ct_err(e, 0, "invalid value for %s: %s", key, val);
	return 0;
}

int ct_mount_parse(const char *spec, struct ct_mount_spec *m, struct ct_err *e)
{
	char *copy = ct_xstrdup(spec), *save = NULL, *target = NULL;
	int have_type = 0, vol_opts = 0, bind_opts = 0, tmpfs_opts = 0, r = -1;

	memset(m, 0, sizeof(*m));
	m->type = CT_MOUNT_VOLUME;
	for (char *kv = strtok_r(copy, ",", &save); kv; kv = strtok_r(NULL, ",", &save)) {
		char *val = strchr(kv, '=');
		if (val)
			*val++ = '\0';
		if (!strcmp(kv, "type")) {
			if (!val || (strcmp(val, "bind") && strcmp(val, "volume") && strcmp(val, "tmpfs"))) {
				ct_err(e, 0, "invalid mount '%s': type must be bind, volume or tmpfs", spec);
				goto out;
			}
			m->type = !strcmp(val, "bind") ? CT_MOUNT_BIND :
				  !strcmp(val, "tmpfs") ? CT_MOUNT_TMPFS : CT_MOUNT_VOLUME;
			have_type = 1;
		} else if (!strcmp(kv, "source") || !strcmp(kv, "src")) {
			free(m->source);
			m->source = val && *val ? ct_xstrdup(val) : NULL;
		} else if (!strcmp(kv, "target") || !strcmp(kv, "destination") || !strcmp(kv, "dst")) {
			target = val;
		} else if (!strcmp(kv, "readonly") || !strcmp(kv, "ro")) {
			if (parse_bool(kv, val, &m->readonly, e) < 0)
				goto out;
		} else if (!strcmp(kv, "volume-nocopy")) {
			vol_opts = 1;
			if (parse_bool(kv, val, &m->nocopy, e) < 0)
				goto out;
		} else if (!strcmp(kv, "volume-label")) {
			vol_opts = 1;
			if (!val || !*val) {
				ct_err(e, 0, "invalid mount '%s': volume-label needs KEY=VALUE", spec);
				goto out;
			}
			m->labels = ct_xrealloc(m->labels, (m->nlabels + 1) * sizeof(char *));
			m->labels[m->nlabels++] = ct_xstrdup(val);
		} else if (!strcmp(kv, "volume-driver")) {
			vol_opts = 1;
			if (!val || strcmp(val, "local")) {
				ct_err(e, 0, "invalid mount '%s': only the local volume driver is "
				       "supported", spec);
				goto out;
			}
		} else if (!strcmp(kv, "volume-opt")) {
			ct_err(e, 0, "invalid mount '%s': volume-opt is not supported (local "
			       "volumes are plain directories)", spec);
			goto out;
		} else if (!strcmp(kv, "bind-propagation")) {
			bind_opts = 1;
			if (!val || !is_propagation(val)) {
				ct_err(e, 0, "invalid mount '%s': invalid propagation mode: %s", spec,
				       val ? val : "");
				goto out;
			}
			free(m->propagation);
			m->propagation = ct_xstrdup(val);
		} else if (!strcmp(kv, "bind-nonrecursive")) {
			bind_opts = 1;
			if (parse_bool(kv, val, &m->nonrecursive, e) < 0)
				goto out;
		} else if (!strcmp(kv, "tmpfs-size")) {
			uint64_t sz;
			tmpfs_opts = 1;
			if (!val || ct_parse_size(val, &sz, e) < 0) {
				ct_err(e, 0, "invalid mount '%s': invalid tmpfs-size", spec);
				goto out;
			}
			free(m->tmpfs_size);
			m->tmpfs_size = ct_xasprintf("%llu", (unsigned long long)sz);
		} else if (!strcmp(kv, "tmpfs-mode")) {
			char *end;
			unsigned long mode;
			tmpfs_opts = 1;
			mode = val ? strtoul(val, &end, 8) : 0;
			if (!val || !*val || *end || mode > 07777) {
				ct_err(e, 0, "invalid mount '%s': tmpfs-mode wants octal bits", spec);
				goto out;
			}
			m->tmpfs_mode = (unsigned)mode | 0x10000;	/* set, even when 0 */
		} else if (!strcmp(kv, "consistency")) {
			/* macOS only; ignored as Docker on Linux does */
		} else {
			ct_err(e, 0, "invalid mount '%s': unexpected key '%s'", spec, kv);
			goto out;
		}
	}
	(void)have_type;
	if ((vol_opts && m->type != CT_MOUNT_VOLUME) || (bind_opts && m->type != CT_MOUNT_BIND) ||
	    (tmpfs_opts && m->type != CT_MOUNT_TMPFS)) {
		ct_err(e, 0, "invalid mount config for type \"%s\": field %s must not be specified",
		       type_name(m->type), vol_opts && m->type != CT_MOUNT_VOLUME ? "VolumeOptions" :
		       bind_opts && m->type != CT_MOUNT_BIND ? "BindOptions" : "TmpfsOptions");
		goto out;
	}
	if (!target) {
		ct_err(e, 0, "invalid mount '%s': target is required", spec);
		goto out;
	}
	if (take_target(m, target, spec, e) < 0)
		goto out;
	switch (m->type) {
	case CT_MOUNT_BIND:
		if (!m->source) {
			ct_err(e, 0, "invalid mount config for type \"bind\": field Source must not "
			       "be empty");
			goto out;
		}
		if (m->source[0] != '/') {
			ct_err(e, 0, "invalid mount config for type \"bind\": invalid mount path: "
			       "'%s' mount path must be absolute", m->source);
			goto out;
		} else {
			char *c = ct_path_clean(m->source);
			free(m->source);
			m->source = c;
		}
		break;
	case CT_MOUNT_TMPFS:
		if (m->source) {
			ct_err(e, 0, "invalid mount config for type \"tmpfs\": field Source must not "
			       "be specified");
			goto out;
		}
		break;
	case CT_MOUNT_VOLUME:
		if (m->source && ct_volume_name_check(m->source, e) < 0)
			goto out;
		break;
	}
	r = 0;
out:
	free(copy);
	if (r < 0)
		ct_mount_spec_free(m);
	return r;
}
