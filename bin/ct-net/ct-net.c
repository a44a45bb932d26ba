/* ct-net: networks for containers: bridges, veth pairs, addresses, NAT,
 * published ports and names. See ct-net(1). */
#include "buf.h"
#include "config.h"
#include "err.h"
#include "ipam.h"
#include "json.h"
#include "network.h"
#include "say.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char usage_text[] =
	"usage: ct-net [-v] COMMAND [OPTIONS] [ARGS]\n"
	"\n"
	"Networks:\n"
	"  create NAME [--subnet CIDR] [--gateway IP] [--internal]\n"
	"  ls [-q]                     list networks\n"
	"  inspect NAME...             Docker-shaped JSON, with live members\n"
	"  rm NAME...                  remove (refused while containers use it)\n"
	"  prune                       reclaim what containers that are gone held\n"
	"\n"
	"Containers:\n"
	"  attach [OPTIONS] [BUNDLE]   network a bundle (arg or stdin); prints it\n"
	"    --network MODE            bridge (default), none, host, container:ID,\n"
	"                              or a network NAME\n"
	"    --ip IP  --alias NAME  --hostname NAME  --add-host NAME:IP\n"
	"    -p [IP:][HOST:]CTR[/udp]  publish a port (ranges: 8000-8009:80-89)\n"
	"    -P                        publish every EXPOSEd port, random host ports\n"
	"  detach ID                   undo attach: links, addresses, rules, netns\n"
	"  connect [--ip IP] [--alias A] NET ID   join another network\n"
	"  disconnect NET ID           leave a network\n"
	"  port ID                     list published ports (80/tcp -> 0.0.0.0:8080)\n"
	"\n"
	"ID is a container id, unique id prefix, name, or bundle path.\n"
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

static int cmd_create(struct ctx *c, int argc, char **argv)
{
	static const struct option lo[] = {
		{ "subnet", required_argument, NULL, 's' },
		{ "gateway", required_argument, NULL, 'g' },
		{ "internal", no_argument, NULL, 'i' },
		{ "verbose", no_argument, NULL, 'v' },
		{ NULL, 0, NULL, 0 } };
	struct ct_net_create_opts o = { NULL, NULL, NULL, 0 };
	struct ct_err e;
	int ch;

	while ((ch = getopt_long(argc, argv, "+v", lo, NULL)) != -1) {
		if (verbose_opt(ch))
			continue;
		if (ch == 's')
			o.subnet = optarg;
		else if (ch == 'g')
			o.gateway = optarg;
		else if (ch == 'i')
			o.internal = 1;
		else
			ct_die_usage("create: see ct-net --help");
	}
	if (optind != argc - 1)
		ct_die_usage("create needs exactly one NAME");
	o.name = argv[optind];
	if (ct_net_create(c->root, &c->cfg, &o, &e) < 0)
		ct_die_err(&e);
	printf("%s\n", o.name);
	return 0;
}

static int cmd_ls(struct ctx *c, int argc, char **argv)
{
	struct ct_network *v;
	size_t n, i;
	struct ct_err e;
	int quiet = argc > 1 && !strcmp(argv[1], "-q");

	if (argc > 1 + quiet)
		ct_die_usage("ls takes only -q");
	if (ct_net_load_all(c->root, &v, &n, &e) < 0)
		ct_die_err(&e);
	if (!quiet)
		printf("%-14s %-20s %-8s %s\n", "NETWORK ID", "NAME", "DRIVER", "SCOPE");
	for (i = 0; i < n; i++) {
		if (quiet)
			printf("%s\n", v[i].name);
		else
			printf("%-14.12s %-20s %-8s %s\n", v[i].id, v[i].name, "bridge", "local");
	}
	ct_net_free_all(v, n);
	return 0;
}

static json_t *inspect_one(const struct ct_network *n)
{
	json_t *o = json_object(), *ipam = json_object(), *cfgs = json_array(),
	       *cfg = json_object(), *ctrs = json_object(), *opts = json_object();
	char sub[CT_CIDR_STR], gw[CT_IP_STR], ip[CT_IP_STR], mac[CT_MAC_STR];
	size_t i;

	ct_cidr_format(&n->subnet, sub);
	ct_ip_format(n->gateway, gw);
	json_object_set_new(o, "Name", json_string(n->name));
	json_object_set_new(o, "Id", json_string(n->id));
	json_object_set_new(o, "Created", json_string(n->created));
	json_object_set_new(o, "Scope", json_string("local"));
	json_object_set_new(o, "Driver", json_string("bridge"));
	json_object_set_new(o, "EnableIPv6", json_false());
	json_object_set_new(cfg, "Subnet", json_string(sub));
	json_object_set_new(cfg, "Gateway", json_string(gw));
	json_array_append_new(cfgs, cfg);
	json_object_set_new(ipam, "Driver", json_string("default"));
	json_object_set_new(ipam, "Options", json_object());
	json_object_set_new(ipam, "Config", cfgs);
	json_object_set_new(o, "IPAM", ipam);
	json_object_set_new(o, "Internal", json_boolean(n->internal));
	json_object_set_new(o, "Attachable", json_false());
	json_object_set_new(o, "Ingress", json_false());
	for (i = 0; i < n->nep; i++) {
		const struct ct_endpoint *ep = &n->ep[i];
		json_t *m = json_object(), *al = json_array();
		unsigned char mb[6];
		char *tok, *save = NULL, *s = ct_xstrdup(ep->aliases);

		ct_ip_format(ep->ip, ip);
		ct_mac_from_ip(ep->ip, mb);
		ct_mac_format(mb, mac);
		json_object_set_new(m, "Name", json_string(ep->name));
		json_object_set_new(m, "EndpointID", json_string(ep->veth));
		json_object_set_new(m, "MacAddress", json_string(mac));
		json_object_set_new(m, "IPv4Address", json_sprintf("%s/%d", ip, n->subnet.prefix));
		json_object_set_new(m, "IPv6Address", json_string(""));
		for (tok = strtok_r(s, " ", &save); tok; tok = strtok_r(NULL, " ", &save))
			json_array_append_new(al, json_string(tok));
		free(s);
		json_object_set_new(m, "Aliases", al);
		json_object_set_new(ctrs, ep->id, m);
	}
	json_object_set_new(o, "Containers", ctrs);
	json_object_set_new(opts, "com.docker.network.bridge.name", json_string(n->bridge));
	json_object_set_new(o, "Options", opts);
	json_object_set_new(o, "Labels", json_object());
	return o;
}

static int cmd_inspect(struct ctx *c, int argc, char **argv)
{
	json_t *arr = json_array();
	struct ct_err e;
	char *text;
	int i, rc = 0;

	if (argc < 2)
		ct_die_usage("inspect needs a NAME");
	for (i = 1; i < argc; i++) {
		struct ct_network n;

		if (ct_net_load(c->root, argv[i], &n, &e) < 0) {
			ct_warn_err(&e);
			rc = 1;
			continue;
		}
		json_array_append_new(arr, inspect_one(&n));
		ct_net_free(&n);
	}
	text = json_dumps(arr, JSON_INDENT(4));
	printf("%s\n", text);
	free(text);
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
		if (ct_net_rm(c->root, argv[i], &e) < 0) {
			ct_warn_err(&e);
			rc = 1;
		} else {
			printf("%s\n", argv[i]);
		}
	}
	return rc;
}

static void push(char ***v, size_t *n, char *s)
{
	*v = ct_xrealloc(*v, (*n + 1) * sizeof **v);
	(*v)[(*n)++] = s;
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
		{ "alias", required_argument, NULL, 'a' },
		{ "network-alias", required_argument, NULL, 'a' },
		{ "hostname", required_argument, NULL, 'H' },
		{ "add-host", required_argument, NULL, 'A' },
		{ "publish", required_argument, NULL, 'p' },
		{ "publish-all", no_argument, NULL, 'P' },
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
		case 'a': push(&o.aliases, &o.naliases, optarg); break;
		case 'H': o.hostname = optarg; break;
		case 'A': push(&o.add_hosts, &o.nadd_hosts, optarg); break;
		case 'p': push(&o.ports, &o.nports, optarg); break;
		case 'P': o.publish_all = 1; break;
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
	return 0;
}

static int cmd_connect(struct ctx *c, int argc, char **argv, int disconnect)
{
	static const struct option lo[] = {
		{ "ip", required_argument, NULL, 'I' },
		{ "alias", required_argument, NULL, 'a' },
		{ "verbose", no_argument, NULL, 'v' },
		{ NULL, 0, NULL, 0 } };
	char **aliases = NULL, *ip = NULL;
	size_t naliases = 0;
	struct ct_err e;
	int ch, r;

	while ((ch = getopt_long(argc, argv, "+v", lo, NULL)) != -1) {
		if (verbose_opt(ch))
			continue;
		if (ch == 'I' && !disconnect)
			ip = optarg;
		else if (ch == 'a' && !disconnect)
			push(&aliases, &naliases, optarg);
		else
			ct_die_usage("%s: see ct-net --help", argv[0]);
	}
	if (argc - optind != 2)
		ct_die_usage("%s needs NETWORK and ID", argv[0]);
	if (disconnect)
		r = ct_net_disconnect(c->root, argv[optind], argv[optind + 1], &e);
	else
		r = ct_net_connect(c->root, argv[optind], argv[optind + 1], ip, aliases,
				   naliases, &e);
	free(aliases);
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

	(void)argv;
	if (argc != 1)
		ct_die_usage("prune takes no arguments");
	if (ct_net_prune(c->root, &e) < 0)
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
