/* ct-net: networks for containers: bridges, veth pairs, addresses, NAT,
 * published ports and names. See ct-net(1). */
#include "buf.h"
#include "config.h"
#include "digest.h"
#include "err.h"
#include "ipam.h"
#include "json.h"
#include "network.h"
#include "say.h"

#include <getopt.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char usage_text[] =
	"usage: ct-net [-v] COMMAND [OPTIONS] [ARGS]\n"
	"\n"
	"Networks:\n"
	"  create NAME [--subnet CIDR] [--gateway IP] [--internal]\n"
	"              [--ipv6 [--subnet6 CIDR] [--gateway6 IP]] [--label K=V]\n"
	"  ls [-q] [--no-trunc] [-f name=RE|id=|label=|dangling=|driver=|type=]\n"
	"     [--format '{{.ID}} {{.Name}} ...']   list networks\n"
	"  inspect [-f '{{.Path}}'] NAME...   Docker-shaped JSON, live members\n"
	"  rm NAME...                  remove (refused while containers use it)\n"
	"  prune [--removed]           reclaim what containers that are gone held\n"
	"                              (--removed: only those whose bundle is gone)\n"
	"\n"
	"Containers:\n"
	"  attach [OPTIONS] [BUNDLE]   network a bundle (arg or stdin); prints it\n"
	"    --network MODE            bridge (default), none, host, container:ID,\n"
	"                              or a network NAME\n"
	"    --ip IP  --ip6 IP  --alias NAME  --hostname NAME  --add-host NAME:IP\n"
	"    --dns IP\n"
	"    -p [IP:][HOST:]CTR[/udp]  publish a port (ranges: 8000-8009:80-89)\n"
	"    -P                        publish every EXPOSEd port, random host ports\n"
	"  detach ID                   undo attach: links, addresses, rules, netns\n"
	"  connect [--ip IP] [--ip6 IP] [--alias A] NET ID   join another network\n"
	"  disconnect NET ID           leave a network\n"
	"  port ID                     list published ports (80/tcp -> 0.0.0.0:8080)\n"
	"\n"
	"ID is a container id, unique id prefix, name, or bundle path;\n"
	"NAME, NET: a network name, id or unique id prefix.\n"
	"  -v, --verbose               tell each kernel-level step on stderr\n"
	"  -h, --help     --version\n";

static void usage(FILE *f)
{
	fputs(usage_text, f);
}

struct ctx {
	struct ct_config cfg;
	char root[4096];
};

static void ctx_load(struct ctx *c)
{
	struct ct_err e;

	memset(&c->cfg, 0, sizeof c->cfg);
	if (ct_config_load(&c->cfg, &e) < 0 ||
	    ct_config_root(&c->cfg, c->root, sizeof c->root, &e) < 0)
		ct_die_err(&e);
}

/* getopt_long over argv of a subcommand; "+" keeps order strict */
static int verbose_opt(int ch)
{
	if (ch == 'v') {
		ct_set_verbose(ct_verbose() + 1);
		return 1;
	}
	return 0;
}

static void push(char ***v, size_t *n, char *s)
{
	*v = ct_xrealloc(*v, (*n + 1) * sizeof **v);
	(*v)[(*n)++] = s;
}

static int cmd_create(struct ctx *c, int argc, char **argv)
{
	static const struct option lo[] = {
		{ "subnet", required_argument, NULL, 's' },
		{ "gateway", required_argument, NULL, 'g' },
		{ "internal", no_argument, NULL, 'i' },
		{ "label", required_argument, NULL, 'l' },
		{ "driver", required_argument, NULL, 'd' },
		{ "attachable", no_argument, NULL, 'a' },
		{ "ipv6", no_argument, NULL, '6' },
		{ "subnet6", required_argument, NULL, 'S' },
		{ "gateway6", required_argument, NULL, 'G' },
		{ "verbose", no_argument, NULL, 'v' },
		{ NULL, 0, NULL, 0 } };
	struct ct_net_create_opts o;
	struct ct_err e;
	int ch;

	memset(&o, 0, sizeof o);
	while ((ch = getopt_long(argc, argv, "+vd:", lo, NULL)) != -1) {
		if (verbose_opt(ch))
			continue;
		switch (ch) {
		/* Docker's spelling: --subnet/--gateway given twice, v4 and v6 */
		case 's':
			if (ct_is_ip6_text(optarg))
				goto subnet6;
			if (o.subnet)
				ct_die_usage("create: one IPv4 --subnet only");
			o.subnet = optarg;
			break;
		case 'S':
		subnet6:
			if (o.subnet6)
				ct_die_usage("create: one IPv6 subnet only");
			o.subnet6 = optarg;
			break;
		case 'g':
			if (ct_is_ip6_text(optarg))
				goto gateway6;
			if (o.gateway)
				ct_die_usage("create: one IPv4 --gateway only");
			o.gateway = optarg;
			break;
		case 'G':
		gateway6:
			if (o.gateway6)
				ct_die_usage("create: one IPv6 gateway only");
			o.gateway6 = optarg;
			break;
		case 'i': o.internal = 1; break;
		case 'l': push(&o.labels, &o.nlabels, optarg); break;
		case 'a': break;	/* every ct network is attachable */
		case 'd':
			if (strcmp(optarg, "bridge"))
				ct_die("create: driver '%s' not found: ct-net makes bridge "
				       "networks only", optarg);
			break;
		case '6': o.ipv6 = 1; break;
		default: ct_die_usage("create: see ct-net --help");
		}
	}
	if (optind != argc - 1)
		ct_die_usage("create needs exactly one NAME");
	o.name = argv[optind];
	if (ct_net_create(c->root, &c->cfg, &o, &e) < 0)
		ct_die_err(&e);
	free(o.labels);
	printf("%s\n", o.name);
	return 0;
}

/* ---- the pre-defined host and none networks: modes in ct, shown as
 * networks as Docker shows them (fixed ids, drivers host and null) ---- */

/* host or none by name, or (ids_too) by id or id prefix */
static const char *builtin_name(const char *want, int ids_too)
{
	static const char *const names[] = { "host", "none" };
	size_t i, l = strlen(want);

	for (i = 0; i < 2; i++) {
		char *id = NULL;
		int hit;

		if (!strcmp(want, names[i]))
			return names[i];
		if (!ids_too || !l || l > 64 || strspn(want, "0123456789abcdef") != l)
			continue;
		{
			struct ct_digest d;
			char *seed = ct_xasprintf("ct-net pre-defined network %s", names[i]);

			ct_digest_buf(seed, strlen(seed), &d);
			free(seed);
			id = ct_xstrdup(d.str + strlen(CT_DIGEST_PREFIX));
		}
		hit = !strncmp(id, want, l);
		free(id);
		if (hit)
			return names[i];
	}
	return NULL;
}

static void builtin_fill(struct ct_network *n, const char *name)
{
	struct ct_digest d;
	char *seed = ct_xasprintf("ct-net pre-defined network %s", name);

	memset(n, 0, sizeof *n);
	ct_digest_buf(seed, strlen(seed), &d);
	free(seed);
	n->name = ct_xstrdup(name);
	n->id = ct_xstrdup(d.str + strlen(CT_DIGEST_PREFIX));
	n->bridge = ct_xstrdup("");
	n->created = ct_xstrdup("");
}

static int is_builtin(const struct ct_network *n)
{
	return !*n->bridge && (!strcmp(n->name, "host") || !strcmp(n->name, "none"));
}

static const char *net_driver(const struct ct_network *n)
{
	if (!is_builtin(n))
		return "bridge";
	return !strcmp(n->name, "host") ? "host" : "null";
}

static int cmp_name(const void *a, const void *b)
{
	return strcmp(((const struct ct_network *)a)->name,
		      ((const struct ct_network *)b)->name);
}

/* --filter KEY=VALUE, as docker network ls: values of one key are OR'ed,
 * different keys AND'ed */
struct filter {
	char **kv;
	size_t n;
};

static int has_label(const struct ct_network *n, const char *want)
{
	size_t i, l = strlen(want);

	for (i = 0; i < n->nlabels; i++) {
		const char *lab = n->labels[i];

		if (strchr(want, '=') ? !strcmp(lab, want)
				      : !strncmp(lab, want, l) && lab[l] == '=')
			return 1;
	}
	return 0;
}

static int filter_one(const struct ct_network *n, const char *key, const char *val)
{
	int builtin = !strcmp(n->name, CT_NET_DEFAULT) || is_builtin(n);

	if (!strcmp(key, "name")) {
		regex_t re;
		int m;

		if (regcomp(&re, val, REG_EXTENDED | REG_NOSUB) != 0)
			ct_die_usage("ls: --filter name=%s: not a regular expression", val);
		m = regexec(&re, n->name, 0, NULL, 0) == 0;
		regfree(&re);
		return m;
	}
	if (!strcmp(key, "id"))
		return !strncmp(n->id, val, strlen(val));
	if (!strcmp(key, "driver"))
		return !strcmp(val, net_driver(n));
	if (!strcmp(key, "label"))
		return has_label(n, val);
	if (!strcmp(key, "type"))
		return !strcmp(val, builtin ? "builtin" : "custom");
	/* dangling: a user network no container uses */
	return !strcmp(val, "true") == (!builtin && n->nep == 0);
}

static int filter_match(const struct filter *f, const struct ct_network *n)
{
	static const char *const keys[] = { "name", "id", "driver", "label", "type",
					    "dangling" };
	size_t k, i;

	for (k = 0; k < sizeof keys / sizeof *keys; k++) {
		size_t kl = strlen(keys[k]);
		int given = 0, hit = 0;

		for (i = 0; i < f->n; i++) {
			if (strncmp(f->kv[i], keys[k], kl) || f->kv[i][kl] != '=')
				continue;
			given = 1;
			hit |= filter_one(n, keys[k], f->kv[i] + kl + 1);
		}
		if (given && !hit)
			return 0;
	}
	return 1;
}

static void filter_check(const struct filter *f)
{
	size_t i;

	for (i = 0; i < f->n; i++) {
		const char *v = f->kv[i];
		static const char ok[] = " name id driver label type dangling ";
		size_t kl = strcspn(v, "=");
		char key[32];

		if (!v[kl] || kl == 0 || kl + 3 > sizeof key)
			ct_die_usage("ls: bad filter '%s' (want KEY=VALUE)", v);
		snprintf(key, sizeof key, " %.*s ", (int)kl, v);
		if (!strstr(ok, key))
			ct_die_usage("ls: invalid filter '%.*s' (name, id, driver, label, "
				     "type, dangling)", (int)kl, v);
		if (!strncmp(v, "dangling=", 9) && strcmp(v + 9, "true") &&
		    strcmp(v + 9, "false"))
			ct_die_usage("ls: dangling=%s: want true or false", v + 9);
	}
}

/* one field of --format: {{.ID}} and friends */
static void format_field(struct ct_buf *b, const char *field, const struct ct_network *n,
			 int notrunc, int header)
{
	size_t i;

	if (!strcmp(field, "ID"))
		ct_buf_printf(b, "%.*s", header ? 20 : notrunc ? 64 : 12,
			      header ? "NETWORK ID" : n->id);
	else if (!strcmp(field, "Name"))
		ct_buf_puts(b, header ? "NAME" : n->name);
	else if (!strcmp(field, "Driver"))
		ct_buf_puts(b, header ? "DRIVER" : net_driver(n));
	else if (!strcmp(field, "Scope"))
		ct_buf_puts(b, header ? "SCOPE" : "local");
	else if (!strcmp(field, "IPv6"))
		ct_buf_puts(b, header ? "IPV6" : n->ipv6 ? "true" : "false");
	else if (!strcmp(field, "Internal"))
		ct_buf_puts(b, header ? "INTERNAL" : n->internal ? "true" : "false");
	else if (!strcmp(field, "CreatedAt"))
		ct_buf_puts(b, header ? "CREATED AT" : n->created);
	else if (!strcmp(field, "Labels")) {
		if (header)
			ct_buf_puts(b, "LABELS");
		for (i = 0; !header && i < n->nlabels; i++)
			ct_buf_printf(b, "%s%s", i ? "," : "", n->labels[i]);
	} else
		ct_die_usage("ls: --format: unknown field '.%s' (ID Name Driver Scope "
			     "IPv6 Internal Labels CreatedAt)", field);
}

static void format_line(const char *fmt, const struct ct_network *n, int notrunc, int header)
{
	struct ct_buf b = CT_BUF_INIT;
	const char *p = fmt;

	while (*p) {
		if (p[0] == '{' && p[1] == '{') {
			const char *end = strstr(p, "}}");
			size_t span = end ? (size_t)(end - p) : 0;
			const char *f = p + 2 + strspn(p + 2, " ");
			char field[32];
			size_t l;

			if (!span)
				ct_die_usage("ls: --format: '{{' without '}}'");
			if (*f != '.')
				ct_die_usage("ls: --format: want {{.Field}}");
			l = strcspn(f + 1, " }");
			if (l + 1 > sizeof field)
				ct_die_usage("ls: --format: field name too long");
			snprintf(field, sizeof field, "%.*s", (int)l, f + 1);
			format_field(&b, field, n, notrunc, header);
			p += span + 2;
		} else if (p[0] == '\\' && (p[1] == 't' || p[1] == 'n')) {
			ct_buf_putc(&b, p[1] == 't' ? '\t' : '\n');
			p += 2;
		} else {
			ct_buf_putc(&b, *p++);
		}
	}
	printf("%s\n", b.data ? b.data : "");
	ct_buf_free(&b);
}

static int cmd_ls(struct ctx *c, int argc, char **argv)
{
	static const struct option lo[] = {
		{ "quiet", no_argument, NULL, 'q' },
		{ "no-trunc", no_argument, NULL, 'T' },
		{ "filter", required_argument, NULL, 'f' },
		{ "format", required_argument, NULL, 'F' },
		{ NULL, 0, NULL, 0 } };
	struct filter f = { NULL, 0 };
	struct ct_network *v;
	const char *fmt = NULL;
	size_t n, i;
	struct ct_err e;
	int quiet = 0, notrunc = 0, ch, table = 0;

	while ((ch = getopt_long(argc, argv, "+qf:", lo, NULL)) != -1) {
		switch (ch) {
		case 'q': quiet = 1; break;
		case 'T': notrunc = 1; break;
		case 'f': push(&f.kv, &f.n, optarg); break;
		case 'F': fmt = optarg; break;
		default: ct_die_usage("ls: see ct-net --help");
		}
	}
	if (optind != argc)
		ct_die_usage("ls takes no arguments");
	filter_check(&f);
	if (fmt && !strcmp(fmt, "table"))
		fmt = NULL;
	else if (fmt && !strncmp(fmt, "table ", 6)) {
		fmt += 6;
		table = 1;
	}
	if (ct_net_load_all(c->root, &v, &n, &e) < 0)
		ct_die_err(&e);
	v = ct_xrealloc(v, (n + 2) * sizeof *v);
	builtin_fill(&v[n++], "host");
	builtin_fill(&v[n++], "none");
	qsort(v, n, sizeof *v, cmp_name);
	if (fmt && table && !quiet)
		format_line(fmt, NULL, notrunc, 1);
	else if (!fmt && !quiet)
		printf("%-*s   %-20s %-8s %s\n", notrunc ? 64 : 12, "NETWORK ID", "NAME",
		       "DRIVER", "SCOPE");
	for (i = 0; i < n; i++) {
		if (!filter_match(&f, &v[i]))
			continue;
		if (quiet)
			printf("%.*s\n", notrunc ? 64 : 12, v[i].id);
		else if (fmt)
			format_line(fmt, &v[i], notrunc, 0);
		else
			printf("%-*.*s   %-20s %-8s %s\n", notrunc ? 64 : 12, notrunc ? 64 : 12,
			       v[i].id, v[i].name, net_driver(&v[i]), "local");
	}
	ct_net_free_all(v, n);
	free(f.kv);
	return 0;
}

static json_t *inspect_one(const char *root, const struct ct_network *n)
{
	json_t *o = json_object(), *ipam = json_object(), *cfgs = json_array(),
	       *cfg = json_object(), *ctrs = json_object(), *opts = json_object(),
	       *labels = json_object();
	char sub[CT_CIDR_STR], gw[CT_IP_STR], ip[CT_IP_STR], mac[CT_MAC_STR];
	size_t i;

	ct_cidr_format(&n->subnet, sub);
	ct_ip_format(n->gateway, gw);
	json_object_set_new(o, "Name", json_string(n->name));
	json_object_set_new(o, "Id", json_string(n->id));
	json_object_set_new(o, "Created", json_string(n->created));
	json_object_set_new(o, "Scope", json_string("local"));
	json_object_set_new(o, "Driver", json_string(net_driver(n)));
	json_object_set_new(o, "EnableIPv6", json_boolean(n->ipv6));
	if (!is_builtin(n)) {
		json_object_set_new(cfg, "Subnet", json_string(sub));
		json_object_set_new(cfg, "Gateway", json_string(gw));
		json_array_append_new(cfgs, cfg);
	} else {
		json_decref(cfg);
	}
	if (n->ipv6) {
		char s6[CT_CIDR6_STR], g6[CT_IP6_STR];

		ct_cidr6_format(&n->subnet6, s6);
		ct_ip6_format(&n->gateway6, g6);
		cfg = json_object();
		json_object_set_new(cfg, "Subnet", json_string(s6));
		json_object_set_new(cfg, "Gateway", json_string(g6));
		json_array_append_new(cfgs, cfg);
	}
	json_object_set_new(ipam, "Driver", json_string("default"));
	json_object_set_new(ipam, "Options", json_object());
	json_object_set_new(ipam, "Config", cfgs);
	json_object_set_new(o, "IPAM", ipam);
	json_object_set_new(o, "Internal", json_boolean(n->internal));
	json_object_set_new(o, "Attachable", json_false());
	json_object_set_new(o, "Ingress", json_false());
	json_object_set_new(o, "ConfigFrom", json_pack("{s:s}", "Network", ""));
	json_object_set_new(o, "ConfigOnly", json_false());
	if (is_builtin(n)) {
		struct ct_member *mv;
		size_t nm;
		struct ct_err e;

		/* the live containers in this mode: no addresses */
		if (ct_net_mode_members(root, n->name, &mv, &nm, &e) < 0) {
			ct_warn_err(&e);
			nm = 0;
			mv = NULL;
		}
		for (i = 0; i < nm; i++) {
			json_object_set_new(ctrs, mv[i].id,
					    json_pack("{s:s, s:s, s:s, s:s, s:s}", "Name", mv[i].name,
						      "EndpointID", "", "MacAddress", "",
						      "IPv4Address", "", "IPv6Address", ""));
			free(mv[i].id);
			free(mv[i].name);
		}
		free(mv);
	}
	for (i = 0; i < n->nep; i++) {
		const struct ct_endpoint *ep = &n->ep[i];
		json_t *m, *al;
		unsigned char mb[6];
		char *tok, *save = NULL, *s;

		/* Docker lists the running containers only */
		if (!ct_net_bundle_live(ep->bundle))
			continue;
		m = json_object();
		al = json_array();
		s = ct_xstrdup(ep->aliases);

		ct_ip_format(ep->ip, ip);
		ct_mac_from_ip(ep->ip, mb);
		ct_mac_format(mb, mac);
		json_object_set_new(m, "Name", json_string(ep->name));
		json_object_set_new(m, "EndpointID", json_string(ep->veth));
		json_object_set_new(m, "MacAddress", json_string(mac));
		json_object_set_new(m, "IPv4Address", json_sprintf("%s/%d", ip, n->subnet.prefix));
		if (!ct_ip6_is_zero(&ep->ip6)) {
			char i6[CT_IP6_STR];

			ct_ip6_format(&ep->ip6, i6);
			json_object_set_new(m, "IPv6Address",
					    json_sprintf("%s/%d", i6, n->subnet6.prefix));
		} else {
			json_object_set_new(m, "IPv6Address", json_string(""));
		}
		for (tok = strtok_r(s, " ", &save); tok; tok = strtok_r(NULL, " ", &save))
			json_array_append_new(al, json_string(tok));
		free(s);
		json_object_set_new(m, "Aliases", al);
		json_object_set_new(ctrs, ep->id, m);
	}
	json_object_set_new(o, "Containers", ctrs);
	if (!is_builtin(n))
		json_object_set_new(opts, "com.docker.network.bridge.name",
				    json_string(n->bridge));
	json_object_set_new(o, "Options", opts);
	for (i = 0; i < n->nlabels; i++) {
		const char *eq = strchr(n->labels[i], '=');
		char *k;

		if (!eq)
			continue;
		k = ct_xstrndup(n->labels[i], (size_t)(eq - n->labels[i]));
		json_object_set_new(labels, k, json_string(eq + 1));
		free(k);
	}
	json_object_set_new(o, "Labels", labels);
	return o;
}

/* inspect --format: Docker's {{.Path.To.Field}} and {{json .Path}};
 * strings print bare, other values (objects too) as compact JSON */
static json_t *json_path(json_t *v, const char *path)
{
	char *s = ct_xstrdup(path), *tok, *save = NULL;

	for (tok = strtok_r(s, ".", &save); tok && v; tok = strtok_r(NULL, ".", &save))
		v = json_is_object(v) ? json_object_get(v, tok) : NULL;
	free(s);
	return v;
}

static void format_json(struct ct_buf *b, json_t *v, int as_json)
{
	char *t;

	if (!v) {
		ct_buf_puts(b, as_json ? "null" : "<no value>");
		return;
	}
	if (!as_json && json_is_string(v)) {
		ct_buf_puts(b, json_string_value(v));
		return;
	}
	t = json_dumps(v, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY);
	ct_buf_puts(b, t ? t : "");
	free(t);
}

static void format_object(const char *fmt, json_t *o)
{
	struct ct_buf b = CT_BUF_INIT;
	const char *p = fmt;

	while (*p) {
		if (p[0] == '{' && p[1] == '{') {
			const char *end = strstr(p, "}}");
			size_t span = end ? (size_t)(end - p) : 0;
			const char *next = p + span + 2;
			char *act;
			size_t l;
			int as_json = 0;

			if (!span)
				ct_die_usage("inspect: --format: '{{' without '}}'");
			act = ct_xstrndup(p + 2, span - 2);
			p = act;
			while (*p == ' ')
				p++;
			if (!strncmp(p, "json ", 5)) {
				as_json = 1;
				p += 5;
				while (*p == ' ')
					p++;
			}
			l = strcspn(p, " ");
			if (*p != '.' || p[l + strspn(p + l, " ")])
				ct_die_usage("inspect: --format: only {{.Path}} and {{json .Path}} "
					     "here, not '{{%s}}'", act);
			{
				char *path = ct_xstrndup(p + 1, l - 1);

				format_json(&b, *path ? json_path(o, path) : o, as_json);
				free(path);
			}
			free(act);
			p = next;
		} else if (p[0] == '\\' && (p[1] == 't' || p[1] == 'n')) {
			ct_buf_putc(&b, p[1] == 't' ? '\t' : '\n');
			p += 2;
		} else {
			ct_buf_putc(&b, *p++);
		}
	}
	printf("%s\n", b.data ? b.data : "");
	ct_buf_free(&b);
}

static int cmd_inspect(struct ctx *c, int argc, char **argv)
{
	static const struct option lo[] = {
		{ "format", required_argument, NULL, 'f' },
		{ NULL, 0, NULL, 0 } };
	json_t *arr = json_array();
	const char *fmt = NULL;
	struct ct_err e;
	char *text;
	int i, rc = 0, ch;
	size_t k;

	while ((ch = getopt_long(argc, argv, "+f:", lo, NULL)) != -1) {
		if (ch == 'f')
			fmt = optarg;
		else
			ct_die_usage("inspect: see ct-net --help");
	}
	if (optind >= argc)
		ct_die_usage("inspect needs a NAME");
	for (i = optind; i < argc; i++) {
		struct ct_network n;
		const char *bi = builtin_name(argv[i], 0);
		char *name = bi ? NULL : ct_net_find(c->root, argv[i], &e);

		if (!bi && !name)
			bi = builtin_name(argv[i], 1);	/* the id of host or none */
		if (bi) {
			builtin_fill(&n, bi);
			json_array_append_new(arr, inspect_one(c->root, &n));
			ct_net_free(&n);
			continue;
		}
		if (!name || ct_net_load(c->root, name, &n, &e) < 0) {
			ct_warn_err(&e);
			free(name);
			rc = 1;
			continue;
		}
		free(name);
		json_array_append_new(arr, inspect_one(c->root, &n));
		ct_net_free(&n);
	}
	if (fmt) {
		for (k = 0; k < json_array_size(arr); k++)
			format_object(fmt, json_array_get(arr, k));
	} else {
		text = json_dumps(arr, JSON_INDENT(4));
		printf("%s\n", text);
		free(text);
	}
	json_decref(arr);
	return rc;
}

static int cmd_rm(struct ctx *c, int argc, char **argv)
{
	struct ct_err e;
	int i, rc = 0;

	if (argc < 2)
		ct_die_usage("rm needs a NAME");
	for (i = 1; i < argc; i++) {
		const char *bi = builtin_name(argv[i], 0);
		char *name = bi ? NULL : ct_net_find(c->root, argv[i], &e);

		if (!bi && !name)
			bi = builtin_name(argv[i], 1);
		if (bi) {
			ct_warn("%s is a pre-defined network and cannot be removed", bi);
			rc = 1;
			continue;
		}
		if (!name || ct_net_rm(c->root, name, &e) < 0) {
			ct_warn_err(&e);
			rc = 1;
		} else {
			printf("%s\n", argv[i]);
		}
		free(name);
	}
	return rc;
}

/* the bundle from the argument, or the pipe: the first non-empty line */
static char *read_bundle(int argc, char **argv)
{
	static char line[4096];
	size_t l;

	if (optind < argc)
		return argv[optind];
	while (fgets(line, sizeof line, stdin)) {
		l = strlen(line);
		while (l && (line[l - 1] == '\n' || line[l - 1] == '\r'))
			line[--l] = 0;
		if (l)
			return line;
	}
	ct_die_usage("attach needs a BUNDLE (argument or a line on stdin)");
}

static int cmd_attach(struct ctx *c, int argc, char **argv)
{
	static const struct option lo[] = {
		{ "network", required_argument, NULL, 'n' },
		{ "net", required_argument, NULL, 'n' },
		{ "ip", required_argument, NULL, 'I' },
		{ "ip6", required_argument, NULL, '6' },
		{ "alias", required_argument, NULL, 'a' },
		{ "network-alias", required_argument, NULL, 'a' },
		{ "hostname", required_argument, NULL, 'H' },
		{ "add-host", required_argument, NULL, 'A' },
		{ "publish", required_argument, NULL, 'p' },
		{ "publish-all", no_argument, NULL, 'P' },
		{ "dns", required_argument, NULL, 'D' },
		{ "verbose", no_argument, NULL, 'v' },
		{ NULL, 0, NULL, 0 } };
	struct ct_attach_opts o;
	struct ct_err e;
	int ch;

	memset(&o, 0, sizeof o);
	while ((ch = getopt_long(argc, argv, "+vp:P", lo, NULL)) != -1) {
		if (verbose_opt(ch))
			continue;
		switch (ch) {
		case 'n': o.network = optarg; break;
		case 'I': o.ip = optarg; break;
		case '6': o.ip6 = optarg; break;
		case 'a': push(&o.aliases, &o.naliases, optarg); break;
		case 'H': o.hostname = optarg; break;
		case 'A': push(&o.add_hosts, &o.nadd_hosts, optarg); break;
		case 'p': push(&o.ports, &o.nports, optarg); break;
		case 'P': o.publish_all = 1; break;
		case 'D': push(&o.dns, &o.ndns, optarg); break;
		default: ct_die_usage("attach: see ct-net --help");
		}
	}
	if (argc - optind > 1)
		ct_die_usage("attach takes one BUNDLE");
	o.bundle = read_bundle(argc, argv);
	if (ct_net_attach(c->root, &c->cfg, &o, &e) < 0)
		ct_die_err(&e);
	printf("%s\n", o.bundle);
	free(o.aliases);
	free(o.add_hosts);
	free(o.ports);
	free(o.dns);
	return 0;
}

static int cmd_connect(struct ctx *c, int argc, char **argv, int disconnect)
{
	static const struct option lo[] = {
		{ "ip", required_argument, NULL, 'I' },
		{ "ip6", required_argument, NULL, '6' },
		{ "alias", required_argument, NULL, 'a' },
		{ "verbose", no_argument, NULL, 'v' },
		{ NULL, 0, NULL, 0 } };
	char **aliases = NULL, *ip = NULL, *ip6 = NULL, *net;
	size_t naliases = 0;
	struct ct_err e;
	int ch, r;

	while ((ch = getopt_long(argc, argv, "+v", lo, NULL)) != -1) {
		if (verbose_opt(ch))
			continue;
		if (ch == 'I' && !disconnect)
			ip = optarg;
		else if (ch == '6' && !disconnect)
			ip6 = optarg;
		else if (ch == 'a' && !disconnect)
			push(&aliases, &naliases, optarg);
		else
			ct_die_usage("%s: see ct-net --help", argv[0]);
	}
	if (argc - optind != 2)
		ct_die_usage("%s needs NETWORK and ID", argv[0]);
	net = ct_net_find(c->root, argv[optind], &e);
	if (!net)
		r = -1;
	else if (disconnect)
		r = ct_net_disconnect(c->root, net, argv[optind + 1], &e);
	else
		r = ct_net_connect(c->root, net, argv[optind + 1], ip, ip6, aliases, naliases,
				   &e);
	free(aliases);
	free(net);
	if (r < 0)
		ct_die_err(&e);
	return 0;
}

static int cmd_one_id(struct ctx *c, int argc, char **argv)
{
	struct ct_err e;
	int r;

	if (argc != 2)
		ct_die_usage("%s needs one ID", argv[0]);
	if (!strcmp(argv[0], "detach"))
		r = ct_net_detach(c->root, argv[1], &e);
	else
		r = ct_net_port(c->root, argv[1], &e);
	if (r < 0)
		ct_die_err(&e);
	return 0;
}

static int cmd_prune(struct ctx *c, int argc, char **argv)
{
	struct ct_err e;
	int removed = argc == 2 && !strcmp(argv[1], "--removed");

	if (argc != 1 + removed)
		ct_die_usage("prune takes only --removed");
	if (ct_net_prune(c->root, removed, &e) < 0)
		ct_die_err(&e);
	return 0;
}

int ct_net_main(int argc, char **argv);

int ct_net_main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ "verbose", no_argument, NULL, 'v' },
		{ NULL, 0, NULL, 0 } };
	struct ctx c;
	const char *cmd;
	int ch, rc;

	while ((ch = getopt_long(argc, argv, "+hv", lo, NULL)) != -1) {
		switch (ch) {
		case 'h': usage(stdout); return 0;
		case 'V': printf("ct-net %s\n", CT_VERSION); return 0;
		case 'v': ct_set_verbose(ct_verbose() + 1); break;
		default: usage(stderr); return CT_EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return CT_EXIT_USAGE;
	}
	cmd = argv[optind];
	argc -= optind;
	argv += optind;
	optind = 1;
	ctx_load(&c);
	if (!strcmp(cmd, "create"))
		rc = cmd_create(&c, argc, argv);
	else if (!strcmp(cmd, "ls") || !strcmp(cmd, "list"))
		rc = cmd_ls(&c, argc, argv);
	else if (!strcmp(cmd, "inspect"))
		rc = cmd_inspect(&c, argc, argv);
	else if (!strcmp(cmd, "rm"))
		rc = cmd_rm(&c, argc, argv);
	else if (!strcmp(cmd, "attach"))
		rc = cmd_attach(&c, argc, argv);
	else if (!strcmp(cmd, "connect"))
		rc = cmd_connect(&c, argc, argv, 0);
	else if (!strcmp(cmd, "disconnect"))
		rc = cmd_connect(&c, argc, argv, 1);
	else if (!strcmp(cmd, "detach") || !strcmp(cmd, "port"))
		rc = cmd_one_id(&c, argc, argv);
	else if (!strcmp(cmd, "prune"))
		rc = cmd_prune(&c, argc, argv);
	else
		ct_die_usage("unknown command '%s' (see ct-net --help)", cmd);
	ct_config_free(&c.cfg);
	return rc;
}
