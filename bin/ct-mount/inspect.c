/* ct-mount --inspect [-f FORMAT] ID|NAME...
 *
 * Prints Docker-shaped JSON for containers: ct.ini (id, name, image,
 * created), config.json (the process, hostname, mounts, resources,
 * annotations), state.ini (status, pid, exit code, times, health) and
 * ct-net's endpoints (addresses, published ports). With -f, each container
 * through a small Go-template subset: {{.A.B}}, {{json .A}},
 * {{index .A "k"}}, {{range .A}}...{{end}}, {{.}}. */
#include "inspect.h"

#include "buf.h"
#include "config.h"
#include "container.h"
#include "err.h"
#include "file.h"
#include "ipam.h"
#include "json.h"
#include "network.h"
#include "store.h"

#include <ini.h>
#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char *root_dir(void)
{
	struct ct_err e;
	char *root = ct_state_root(&e);

	if (!root)
		ct_die_err(&e);
	return root;
}

/* --- state.ini ----------------------------------------------------------- */

static int ini_cb(void *user, const char *section, const char *name, const char *value)
{
	json_t *o = user;

	if (!strcmp(section, "state"))
		json_object_set_new(o, name, json_string(value));
	return 1;
}

static const char *sget(const json_t *o, const char *k)
{
	const char *s = ct_json_str(o, k);
	return s ? s : "";
}

static int frozen(const char *id)
{
	char *p[2], b[32] = "";
	int r = 0;

	p[0] = ct_xasprintf("/sys/fs/cgroup/freezer/ct-spawn/%s/freezer.state", id);
	p[1] = ct_xasprintf("/sys/fs/cgroup/ct-spawn/%s/cgroup.freeze", id);
	for (int i = 0; i < 2 && !r; i++) {
		FILE *f = fopen(p[i], "re");

		if (f) {
			if (fgets(b, sizeof b, f))
				r = !strncmp(b, "FROZEN", 6) || !strncmp(b, "FREEZING", 8) || b[0] == '1';
			fclose(f);
		}
	}
	free(p[0]);
	free(p[1]);
	return r;
}

static json_t *state_obj(const struct ct_container *c, json_t *st)
{
	const char *s = sget(st, "status");
	long pid = strtol(sget(st, "pid"), NULL, 10);
	char proc[64];
	const char *status = "created";
	int alive;

	snprintf(proc, sizeof proc, "/proc/%ld", pid);
	alive = pid > 0 && access(proc, F_OK) == 0;
	if (!*s)
		status = "created";
	else if (!strcmp(s, "running") || !strcmp(s, "paused") || !strcmp(s, "created") ||
		 !strcmp(s, "restarting"))
		status = !alive ? "exited" : !strcmp(s, "created") ? "created"
			: frozen(c->id) ? "paused" : "running";
	else
		status = "exited";
	if (!alive)
		pid = 0;
	json_t *o = json_pack("{s:s, s:b, s:b, s:b, s:b, s:b, s:I, s:I, s:s, s:s, s:s}",
			      "Status", status,
			      "Running", !strcmp(status, "running") || !strcmp(status, "paused"),
			      "Paused", !strcmp(status, "paused"), "Restarting", 0,
			      "OOMKilled", !strcmp(sget(st, "oom_killed"), "1") ||
					   !strcmp(sget(st, "oom_killed"), "true"),
			      "Dead", 0, "Pid", (json_int_t)pid,
			      "ExitCode", (json_int_t)strtol(sget(st, "exit_code"), NULL, 10),
			      "Error", "",
			      "StartedAt", *sget(st, "started") ? sget(st, "started") : "0001-01-01T00:00:00Z",
			      "FinishedAt", *sget(st, "finished") ? sget(st, "finished") : "0001-01-01T00:00:00Z");
	if (*sget(st, "health"))
		json_object_set_new(o, "Health", json_pack("{s:s, s:I, s:[]}", "Status", sget(st, "health"),
				"FailingStreak", (json_int_t)strtol(sget(st, "health_failing_streak"), NULL, 10),
				"Log"));
	return o;
}

/* --- the pieces --------------------------------------------------------- */

static json_t *str_array(const json_t *a, size_t from)
{
	json_t *o = json_array();

	for (size_t i = from; json_is_array(a) && i < json_array_size(a); i++)
		json_array_append(o, json_array_get(a, i));
	return o;
}

static int prefix_of(const json_t *pre, const json_t *a)
{
	if (!json_is_array(pre) || json_array_size(pre) == 0 || !json_is_array(a) ||
	    json_array_size(pre) > json_array_size(a))
		return 0;
	for (size_t i = 0; i < json_array_size(pre); i++)
		if (!json_equal(json_array_get(pre, i), json_array_get(a, i)))
			return 0;
	return 1;
}

static int user_label(const char *k)
{
	return strncmp(k, "org.opencontainers.", 19) && strncmp(k, "org.ct.", 7) &&
	       strncmp(k, "ct.", 3);
}

static void add_ports(json_t *ports, const struct ct_endpoint *ep)
{
	for (size_t k = 0; k < ep->nports; k++) {
		char key[32], ip[CT_IP_STR], hp[8];
		json_t *a;

		snprintf(key, sizeof key, "%u/%s", ep->ports[k].ctr_port, ep->ports[k].udp ? "udp" : "tcp");
		ct_ip_format(ep->ports[k].host_ip, ip);
		snprintf(hp, sizeof hp, "%u", ep->ports[k].host_port);
		if (!(a = json_object_get(ports, key)) || !json_is_array(a)) {
			a = json_array();
			json_object_set_new(ports, key, a);
		}
		json_array_append_new(a, json_pack("{s:s, s:s}", "HostIp", ip, "HostPort", hp));
	}
}

/* the image as docker shows what was typed: busybox, not
 * docker.io/library/busybox:latest */
static const char *short_ref(const struct ct_container *c)
{
	static char b[512];
	const char *r = c->image_ref;
	size_t n;

	if (!*r)
		return c->image;
	if (!strncmp(r, "docker.io/library/", 18))
		r += 18;
	else if (!strncmp(r, "docker.io/", 10))
		r += 10;
	snprintf(b, sizeof b, "%s", r);
	n = strlen(b);
	if (n > 7 && !strcmp(b + n - 7, ":latest"))
		b[n - 7] = 0;
	return b;
}

static json_t *inspect_one(const char *root, const struct ct_container *c, struct ct_store *store,
			   int have_store)
{
	struct ct_err e;
	char *p = ct_xasprintf("%s/config.json", c->dir);
	json_t *spec = ct_json_load_file(p, 16 << 20, &e), *st = json_object();
	json_t *args, *proc, *imgcfg = NULL, *ep_json = NULL, *cmd, *entry, *labels, *mounts;
	json_t *hc, *cfg, *ports = json_object(), *nets = json_object(), *o, *ann, *res;
	struct ct_image img = { 0 };
	int have_img = 0;
	const char *v;
	char imgid[80] = "";

	free(p);
	if (!spec)
		spec = json_object();
	p = ct_xasprintf("%s/state.ini", c->dir);
	if (ct_exists(p))
		ini_parse(p, ini_cb, st);
	free(p);
	if (have_store && *c->image && ct_image_load(store, c->image, NULL, &img, &e) == 0) {
		have_img = 1;
		imgcfg = json_object_get(img.config, "config");
		snprintf(imgid, sizeof imgid, "%s", img.config_digest.str);
	}
	proc = json_object_get(spec, "process");
	args = json_object_get(proc, "args");
	ann = json_object_get(spec, "annotations");

	/* Entrypoint and Cmd: the image's entrypoint when the args start with it */
	entry = imgcfg ? json_object_get(imgcfg, "Entrypoint") : NULL;
	if (prefix_of(entry, args)) {
		cmd = str_array(args, json_array_size(entry));
		entry = json_deep_copy(entry);
	} else {
		cmd = str_array(args, 0);
		entry = json_null();
	}
	labels = json_object();
	if (imgcfg && json_is_object(json_object_get(imgcfg, "Labels")))
		json_object_update(labels, json_object_get(imgcfg, "Labels"));
	if (json_is_object(ann)) {
		const char *k;
		json_t *val;

		json_object_foreach(ann, k, val) {
			if (user_label(k) && json_is_string(val))
				json_object_set(labels, k, val);
		}
	}

	/* mounts the user asked for: binds and volumes, not the system ones */
	mounts = json_array();
	json_t *m;
	size_t i;
	char *vols = ct_xasprintf("%s/volumes/", root);

	json_array_foreach(json_object_get(spec, "mounts"), i, m) {
		const char *src = ct_json_str(m, "source"), *dst = ct_json_str(m, "destination");
		const char *type = ct_json_str(m, "type");
		json_t *opts = json_object_get(m, "options"), *x;
		size_t j;
		int ro = 0, bind = type && !strcmp(type, "bind");

		json_array_foreach(opts, j, x) {
			if (json_is_string(x) && !strcmp(json_string_value(x), "ro"))
				ro = 1;
			if (json_is_string(x) && strstr(json_string_value(x), "bind"))
				bind = 1;
		}
		if (!src || !dst || !bind || !strncmp(src, c->dir, strlen(c->dir)) ||
		    !strcmp(dst, "/etc/hosts") || !strcmp(dst, "/etc/hostname") ||
		    !strcmp(dst, "/etc/resolv.conf"))
			continue;
		if (!strncmp(src, vols, strlen(vols))) {
			char *name = ct_xstrdup(src + strlen(vols)), *slash = strchr(name, '/');

			if (slash)
				*slash = 0;
			json_array_append_new(mounts, json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:b, s:s}",
				"Type", "volume", "Name", name, "Source", src, "Destination", dst,
				"Driver", "local", "Mode", ro ? "ro" : "z", "RW", !ro, "Propagation", ""));
			free(name);
		} else {
			json_array_append_new(mounts, json_pack("{s:s, s:s, s:s, s:s, s:b, s:s}",
				"Type", "bind", "Source", src, "Destination", dst, "Mode", ro ? "ro" : "",
				"RW", !ro, "Propagation", "rprivate"));
		}
	}
	free(vols);

	/* ct-net's endpoints */
	struct ct_network *all = NULL;
	size_t nall = 0;
	char ip[CT_IP_STR], gw[CT_IP_STR], first_ip[CT_IP_STR] = "", first_gw[CT_IP_STR] = "";
	char macs[CT_MAC_STR], first_mac[CT_MAC_STR] = "";
	int first_prefix = 0;
	const char *mode = "none";

	if (ct_net_load_all(root, &all, &nall, &e) == 0) {
		for (i = 0; i < nall; i++) {
			struct ct_endpoint *ep = ct_net_endpoint(&all[i], c->id);
			json_t *al;

			if (!ep)
				continue;
			if (!strcmp(mode, "none"))
				mode = all[i].name;
			ct_ip_format(ep->ip, ip);
			ct_ip_format(all[i].gateway, gw);
			if (!*first_ip) {
				snprintf(first_ip, sizeof first_ip, "%s", ip);
				snprintf(first_gw, sizeof first_gw, "%s", gw);
				first_prefix = all[i].subnet.prefix;
			}
			al = json_array();
			if (ep->aliases && *ep->aliases) {
				char *a = ct_xstrdup(ep->aliases), *sv = NULL;

				for (char *t = strtok_r(a, " ", &sv); t; t = strtok_r(NULL, " ", &sv))
					json_array_append_new(al, json_string(t));
				free(a);
			}
			unsigned char mac[6];

			ct_mac_from_ip(ep->ip, mac);
			ct_mac_format(mac, macs);
			if (!*first_mac)
				snprintf(first_mac, sizeof first_mac, "%s", macs);
			{
				char ip6[CT_IP6_STR] = "", gw6[CT_IP6_STR] = "";
				int have6 = all[i].ipv6 && !ct_ip6_is_zero(&ep->ip6);

				if (have6) {
					ct_ip6_format(&ep->ip6, ip6);
					ct_ip6_format(&all[i].gateway6, gw6);
				}
				json_object_set_new(nets, all[i].name, json_pack(
					"{s:o, s:s, s:s, s:s, s:s, s:i, s:s, s:s, s:i, s:s}",
					"Aliases", al, "NetworkID", all[i].id ? all[i].id : "",
					"EndpointID", "", "Gateway", gw, "IPAddress", ip,
					"IPPrefixLen", all[i].subnet.prefix, "IPv6Gateway", gw6,
					"GlobalIPv6Address", ip6,
					"GlobalIPv6PrefixLen", have6 ? all[i].subnet6.prefix : 0,
					"MacAddress", macs));
			}
			add_ports(ports, ep);
		}
		ct_net_free_all(all, nall);
	}
	ep_json = json_pack("{s:o, s:s, s:s, s:i, s:s, s:o}", "Ports", ports,
			    "IPAddress", first_ip, "Gateway", first_gw, "IPPrefixLen", first_prefix,
			    "MacAddress", first_mac, "Networks", nets);

	/* resources */
	res = ct_json_path(spec, "linux.resources");
	json_int_t mem = ct_json_int(ct_json_path(res, "memory"), "limit", 0);
	json_int_t quota = ct_json_int(ct_json_path(res, "cpu"), "quota", 0);
	json_int_t period = ct_json_int(ct_json_path(res, "cpu"), "period", 100000);
	json_int_t shares = ct_json_int(ct_json_path(res, "cpu"), "shares", 0);
	json_int_t pids = ct_json_int(ct_json_path(res, "pids"), "limit", 0);
	json_t *pb = json_deep_copy(ports);
	const char *rp = sget(st, "restart_policy");

	hc = json_pack("{s:s, s:o, s:{s:s, s:i}, s:b, s:b, s:I, s:I, s:I, s:I, s:o, s:s}",
		       "NetworkMode", strcmp(mode, "none") ? (strcmp(mode, "bridge") ? mode : "bridge") : "none",
		       "PortBindings", pb, "RestartPolicy", "Name", *rp ? rp : "no",
		       "MaximumRetryCount", 0, "AutoRemove", 0,
		       "ReadonlyRootfs", json_is_true(ct_json_path(spec, "root.readonly")),
		       "Memory", mem, "NanoCpus", period > 0 ? quota * 1000000000 / period : 0,
		       "CpuShares", shares, "PidsLimit", pids,
		       "Binds", json_array(), "LogConfig", "ct");

	/* Config */
	json_t *user = json_object_get(proc, "user");
	char ubuf[64] = "";

	if (json_is_object(user) && (ct_json_int(user, "uid", 0) || ct_json_int(user, "gid", 0)))
		snprintf(ubuf, sizeof ubuf, "%lld:%lld", (long long)ct_json_int(user, "uid", 0),
			 (long long)ct_json_int(user, "gid", 0));
	v = ct_json_str(proc, "cwd");
	cfg = json_pack("{s:s, s:s, s:s, s:b, s:b, s:b, s:b, s:b, s:o, s:o, s:s, s:s, s:o, s:o, s:s}",
			"Hostname", sget(spec, "hostname"), "Domainname", "", "User", ubuf,
			"AttachStdin", 0, "AttachStdout", 1, "AttachStderr", 1,
			"Tty", json_is_true(json_object_get(proc, "terminal")), "OpenStdin", 0,
			"Env", json_is_array(json_object_get(proc, "env")) ?
				json_deep_copy(json_object_get(proc, "env")) : json_array(),
			"Cmd", cmd, "Image", short_ref(c),
			"WorkingDir", v && strcmp(v, "/") ? v : "",
			"Entrypoint", entry, "Labels", labels,
			"StopSignal", json_is_object(ann) && ct_json_str(ann, "org.opencontainers.image.stopSignal")
				? ct_json_str(ann, "org.opencontainers.image.stopSignal") : "SIGTERM");
	if (imgcfg && json_is_object(json_object_get(imgcfg, "ExposedPorts")))
		json_object_set(cfg, "ExposedPorts", json_object_get(imgcfg, "ExposedPorts"));

	char *name = ct_xasprintf("/%s", c->name);
	char *hosts = ct_xasprintf("%s/hosts", c->dir), *hostn = ct_xasprintf("%s/hostname", c->dir);
	char *resolv = ct_xasprintf("%s/resolv.conf", c->dir), *logp = ct_xasprintf("%s/log", c->dir);

	o = json_pack("{s:s, s:s, s:s, s:o, s:o, s:s, s:s, s:s, s:s, s:s, s:s, s:I, s:s, s:s, s:o, s:o, s:o, s:o}",
		      "Id", c->id, "Created", c->created,
		      "Path", json_array_size(args) ? json_string_value(json_array_get(args, 0)) : "",
		      "Args", str_array(args, 1), "State", state_obj(c, st),
		      "Image", *imgid ? imgid : c->image,
		      "ResolvConfPath", resolv, "HostnamePath", hostn, "HostsPath", hosts,
		      "LogPath", logp, "Name", name,
		      "RestartCount", (json_int_t)strtol(sget(st, "restart_count"), NULL, 10),
		      "Driver", !strcmp(c->rootfs, "copy") ? "vfs" : "overlay2", "Platform", "linux",
		      "HostConfig", hc, "Mounts", mounts, "Config", cfg, "NetworkSettings", ep_json);
	free(name);
	free(hosts);
	free(hostn);
	free(resolv);
	free(logp);
	if (have_img)
		ct_image_free(&img);
	json_decref(spec);
	json_decref(st);
	return o;
}

/* --- Go templates, the part people use with docker inspect -f ------------ */

struct tpl_out {
	struct ct_buf b;
	int bad;
	char err[256];
};

static void go_print(struct ct_buf *b, const json_t *v);

static void go_print(struct ct_buf *b, const json_t *v)
{
	const char *k;
	json_t *x;
	size_t i;

	if (!v) {
		ct_buf_puts(b, "<no value>");
	} else if (json_is_string(v)) {
		ct_buf_puts(b, json_string_value(v));
	} else if (json_is_integer(v)) {
		ct_buf_printf(b, "%lld", (long long)json_integer_value(v));
	} else if (json_is_real(v)) {
		ct_buf_printf(b, "%g", json_real_value(v));
	} else if (json_is_boolean(v)) {
		ct_buf_puts(b, json_is_true(v) ? "true" : "false");
	} else if (json_is_null(v)) {
		ct_buf_puts(b, "<nil>");
	} else if (json_is_array(v)) {
		ct_buf_puts(b, "[");
		json_array_foreach(v, i, x) {
			if (i)
				ct_buf_puts(b, " ");
			go_print(b, x);
		}
		ct_buf_puts(b, "]");
	} else {
		const char **keys = ct_xmalloc((json_object_size(v) + 1) * sizeof *keys);
		size_t n = 0;

		json_object_foreach((json_t *)v, k, x) {
			keys[n++] = k;
		}
		/* Go prints maps with sorted keys */
		for (size_t a = 1; a < n; a++)
			for (size_t c = a; c > 0 && strcmp(keys[c - 1], keys[c]) > 0; c--) {
				const char *t = keys[c];
				keys[c] = keys[c - 1];
				keys[c - 1] = t;
			}
		ct_buf_puts(b, "map[");
		for (i = 0; i < n; i++) {
			ct_buf_printf(b, "%s%s:", i ? " " : "", keys[i]);
			go_print(b, json_object_get(v, keys[i]));
		}
		ct_buf_puts(b, "]");
		free(keys);
	}
}

/* the value of ".A.B" (or "." / "$") relative to dot */
static const json_t *tpl_path(const char *p, size_t n, const json_t *dot, const json_t *top)
{
	const json_t *v = dot;
	size_t i = 0;

	if (n && p[0] == '$') {
		v = top;
		i = 1;
	}
	if (i < n && p[i] != '.')
		return NULL;
	while (i < n && v) {
		size_t j;

		i++;	/* the '.' */
		for (j = i; j < n && p[j] != '.'; j++)
			;
		if (j == i)
			break;	/* "." alone */
		char *k = ct_xstrndup(p + i, j - i);
		v = json_is_object(v) ? json_object_get(v, k) : NULL;
		free(k);
		i = j;
	}
	return v;
}

static void tpl_run(const char *t, size_t len, const json_t *dot, const json_t *top,
		    struct tpl_out *o);

/* one action: "json .X", "index .X \"k\"", ".X" */
static void tpl_action(const char *a, size_t n, const json_t *dot, const json_t *top,
		       struct tpl_out *o)
{
	while (n && (*a == ' ' || *a == '-'))
		a++, n--;
	while (n && (a[n - 1] == ' ' || a[n - 1] == '-'))
		n--;
	if (n > 5 && !strncmp(a, "json ", 5)) {
		const json_t *v = tpl_path(a + 5, n - 5, dot, top);
		char *s = v ? json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT) : NULL;

		ct_buf_puts(&o->b, s ? s : "null");
		free(s);
		return;
	}
	if (n > 6 && !strncmp(a, "index ", 6)) {
		const char *sp = memchr(a + 6, ' ', n - 6), *q1, *q2;
		const json_t *v;

		if (sp && (q1 = memchr(sp, '"', n - (size_t)(sp - a))) &&
		    (q2 = memchr(q1 + 1, '"', n - (size_t)(q1 + 1 - a)))) {
			char *k = ct_xstrndup(q1 + 1, (size_t)(q2 - q1 - 1));

			v = tpl_path(a + 6, (size_t)(sp - a - 6), dot, top);
			go_print(&o->b, json_is_object(v) ? json_object_get(v, k) : NULL);
			free(k);
			return;
		}
	}
	if (n && (a[0] == '.' || a[0] == '$')) {
		go_print(&o->b, tpl_path(a, n, dot, top));
		return;
	}
	if (!o->bad)
		snprintf(o->err, sizeof o->err, "template: cannot evaluate \"%.*s\" (ct knows .Path, json, index, range)",
			 (int)n, a);
	o->bad = 1;
}

static const char *find_close(const char *s, const char *end)
{
	for (; s + 1 < end; s++)
		if (s[0] == '}' && s[1] == '}')
			return s;
	return NULL;
}

static void tpl_run(const char *t, size_t len, const json_t *dot, const json_t *top,
		    struct tpl_out *o)
{
	const char *end = t + len;

	while (t < end && !o->bad) {
		const char *open = NULL, *close;

		for (const char *s = t; s + 1 < end; s++)
			if (s[0] == '{' && s[1] == '{') {
				open = s;
				break;
			}
		if (!open) {
			ct_buf_add(&o->b, t, (size_t)(end - t));
			return;
		}
		ct_buf_add(&o->b, t, (size_t)(open - t));
		if (!(close = find_close(open + 2, end))) {
			snprintf(o->err, sizeof o->err, "template: unclosed action");
			o->bad = 1;
			return;
		}
		const char *a = open + 2;
		size_t n = (size_t)(close - a);

		while (n && (*a == ' ' || *a == '-'))
			a++, n--;
		if (n > 6 && !strncmp(a, "range ", 6)) {
			/* the body up to the matching {{end}} */
			const char *s = close + 2, *body = s, *bend = NULL;
			int depth = 1;

			while (s < end && depth) {
				const char *o2 = strstr(s, "{{"), *c2;

				if (!o2 || o2 >= end || !(c2 = find_close(o2 + 2, end)))
					break;
				const char *w = o2 + 2;

				while (*w == ' ' || *w == '-')
					w++;
				if (!strncmp(w, "range ", 6) || !strncmp(w, "if ", 3) || !strncmp(w, "with ", 5))
					depth++;
				else if (!strncmp(w, "end", 3) && (w[3] == ' ' || w[3] == '}' || w[3] == '-'))
					depth--;
				if (!depth)
					bend = o2;
				s = c2 + 2;
			}
			if (!bend) {
				snprintf(o->err, sizeof o->err, "template: range without {{end}}");
				o->bad = 1;
				return;
			}
			const json_t *v = tpl_path(a + 6, n - 6, dot, top), *x;
			const char *k;
			size_t i;

			if (json_is_array(v)) {
				json_array_foreach(v, i, x) {
					tpl_run(body, (size_t)(bend - body), x, top, o);
				}
			} else if (json_is_object(v)) {
				json_object_foreach((json_t *)v, k, x) {
					tpl_run(body, (size_t)(bend - body), x, top, o);
				}
			}
			t = s;
			continue;
		}
		tpl_action(a, n, dot, top, o);
		t = close + 2;
	}
}

/* --- main ----------------------------------------------------------------- */

int ct_mount_inspect_main(int argc, char **argv)
{
	const char *fmt = NULL;
	struct ct_store store;
	struct ct_err e;
	char *root = root_dir();
	int i = 2, rc = 0, have_store;
	json_t *out = json_array();

	for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
		if ((!strcmp(argv[i], "-f") || !strcmp(argv[i], "--format")) && i + 1 < argc)
			fmt = argv[++i];
		else if (!strncmp(argv[i], "--format=", 9))
			fmt = argv[i] + 9;
		else
			ct_die_usage("usage: ct-mount --inspect [-f FORMAT] ID|NAME...");
	}
	if (i >= argc)
		ct_die_usage("usage: ct-mount --inspect [-f FORMAT] ID|NAME...");
	if (fmt && i + 1 == argc && !strcmp(argv[i], "-")) {
		/* someone else's JSON (ct-image inspect) through the template */
		json_error_t je;
		json_t *in = json_loadf(stdin, JSON_DECODE_ANY, &je), *x;
		size_t k;

		if (!in)
			ct_die("read JSON from stdin: %s (line %d)", je.text, je.line);
		if (!json_is_array(in)) {
			x = json_array();
			json_array_append_new(x, in);
			in = x;
		}
		json_array_foreach(in, k, x) {
			struct tpl_out o = { CT_BUF_INIT, 0, "" };

			tpl_run(fmt, strlen(fmt), x, x, &o);
			if (o.bad)
				ct_die("%s", o.err);
			ct_buf_puts(&o.b, "\n");
			fwrite(o.b.data, 1, o.b.len, stdout);
			ct_buf_free(&o.b);
		}
		json_decref(in);
		json_decref(out);
		free(root);
		return fflush(stdout) == 0 ? 0 : CT_EXIT_FAIL;
	}
	have_store = ct_store_open(&store, root, 0, &e) == 0;
	for (; i < argc; i++) {
		struct ct_container c = { 0 };

		if (ct_container_lookup(root, argv[i], &c, &e) < 0) {
			fprintf(stderr, "ct-mount: Error: No such container: %s\n", argv[i]);
			rc = CT_EXIT_FAIL;
			continue;
		}
		json_t *j = inspect_one(root, &c, &store, have_store);

		if (fmt) {
			struct tpl_out o = { CT_BUF_INIT, 0, "" };

			tpl_run(fmt, strlen(fmt), j, j, &o);
			if (o.bad) {
				fprintf(stderr, "ct-mount: %s\n", o.err);
				ct_buf_free(&o.b);
				json_decref(j);
				ct_container_free(&c);
				free(root);
				return CT_EXIT_FAIL;
			}
			ct_buf_puts(&o.b, "\n");
			fwrite(o.b.data, 1, o.b.len, stdout);
			ct_buf_free(&o.b);
			json_decref(j);
		} else {
			json_array_append_new(out, j);
		}
		ct_container_free(&c);
	}
	if (!fmt) {
		char *s = json_dumps(out, JSON_INDENT(4) | JSON_PRESERVE_ORDER);

		printf("%s\n", s ? s : "[]");
		free(s);
	}
	json_decref(out);
	if (have_store)
		ct_store_close(&store);
	free(root);
	if (fflush(stdout) != 0)
		ct_die("write stdout:");
	return rc;
}
