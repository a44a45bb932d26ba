/* network: ct-net's state and the steps that change it.
 *
 * State, under the root (lib/config.h):
 *   networks/<name>.ini   one network: [network] name id subnet gateway bridge
 *                         internal dns created (ipv6 subnet6 gateway6 on a
 *                         dual-stack network), then one [endpoint] section
 *                         per attached container (id name bundle netns veth
 *                         ifname ip ip6 mac aliases ports)
 *   networks/.lock        flock held by every change (IPAM, rules, files)
 *   networks/<name>.dns.pid  the network's DNS responder
 *   netns/<id>            the container's network namespace (a bind mount of
 *                         nsfs) that the bundle's config.json points at
 *   netns/<id>.ini        [container] id name bundle hostname mode
 *
 * Every function here takes the root and reports through ct_err. */
#ifndef CT_NETWORK_H
#define CT_NETWORK_H

#include "ipam.h"

#include <stddef.h>
#include <stdint.h>

struct ct_err;
struct ct_config;

#define CT_NET_DEFAULT "bridge"

struct ct_endpoint {
	char *id;
	char *name;
	char *bundle;
	char *netns;
	char *veth;		/* host side */
	char *ifname;		/* inside: eth0, eth1 ... */
	uint32_t ip;
	struct ct_ip6 ip6;	/* all zero: none (a v4-only network) */
	char *aliases;		/* space separated, may be "" */
	struct ct_port *ports;
	size_t nports;
};

struct ct_network {
	char *name;
	char *id;
	char *bridge;
	char *created;
	struct ct_cidr subnet;
	uint32_t gateway;
	int internal;
	int dns;		/* user networks run a DNS responder */
	int ipv6;		/* dual stack: subnet6, gateway6 too */
	struct ct_cidr6 subnet6;
	struct ct_ip6 gateway6;
	char **labels;		/* "key=value", as given to create */
	size_t nlabels;
	struct ct_endpoint *ep;
	size_t nep;
};

/* Paths and the lock. */
char *ct_net_dir(const char *root);
int ct_net_lock(const char *root, struct ct_err *e);

int ct_net_load(const char *root, const char *name, struct ct_network *n,
		struct ct_err *e);
int ct_net_save(const char *root, const struct ct_network *n, struct ct_err *e);
void ct_net_free(struct ct_network *n);
void ct_net_free_all(struct ct_network *v, size_t n);
/* Every network, sorted by name. */
int ct_net_load_all(const char *root, struct ct_network **v, size_t *n,
		    struct ct_err *e);
struct ct_endpoint *ct_net_endpoint(struct ct_network *n, const char *id);
void ct_net_endpoint_del(struct ct_network *n, const char *id);
void ct_net_endpoint_free(struct ct_endpoint *ep);
int ct_net_valid_name(const char *name, struct ct_err *e);
/* The name of the network WANT names: a name, an id, or a unique id
 * prefix (as Docker accepts them). Returns a new string or NULL. */
char *ct_net_find(const char *root, const char *want, struct ct_err *e);

/* ct-net create. */
struct ct_net_create_opts {
	const char *name;
	const char *subnet;	/* NULL: pick one from the pool */
	const char *gateway;	/* NULL: the first address */
	int ipv6;		/* dual stack */
	const char *subnet6;	/* NULL: a ULA /64 picked from fd00::/8 */
	const char *gateway6;	/* NULL: the subnet's ::1 */
	int internal;
	char **labels;		/* "key=value" */
	size_t nlabels;
};
int ct_net_create(const char *root, const struct ct_config *cfg,
		  const struct ct_net_create_opts *o, struct ct_err *e);
/* Create the default network if it does not exist yet. */
int ct_net_ensure_default(const char *root, const struct ct_config *cfg,
			  struct ct_err *e);
/* The same, for a caller that holds the lock. */
int ct_net_ensure_default_locked(const char *root, const struct ct_config *cfg,
				 struct ct_err *e);
/* Bring back what a reboot (or a kill) took: the bridge with its address
 * and rules, the DNS responder. Caller holds the lock. */
int ct_net_ensure_up(const char *root, const struct ct_network *n, struct ct_err *e);
int ct_net_rm(const char *root, const char *name, struct ct_err *e);

/* ct-net attach: everything a container gets. */
struct ct_attach_opts {
	const char *bundle;
	const char *network;	/* bridge (default), none, host, container:ID, NAME */
	const char *ip;
	const char *ip6;	/* --ip6, on a dual-stack network */
	const char *hostname;
	char **aliases;
	size_t naliases;
	char **add_hosts;	/* "name:ip" */
	size_t nadd_hosts;
	char **ports;		/* -p specs */
	size_t nports;
	int publish_all;	/* -P */
	char **dns;		/* --dns: name servers for resolv.conf */
	size_t ndns;
};
int ct_net_attach(const char *root, const struct ct_config *cfg,
		  const struct ct_attach_opts *o, struct ct_err *e);
/* ID: a container id, unique id prefix, name, or bundle path. */
int ct_net_detach(const char *root, const char *id, struct ct_err *e);
int ct_net_connect(const char *root, const char *net, const char *id,
		   const char *ip, const char *ip6, char **aliases, size_t naliases,
		   struct ct_err *e);
int ct_net_disconnect(const char *root, const char *net, const char *id,
		      struct ct_err *e);
/* Whether the container of bundle is live (not stopped, its pid alive):
 * inspect lists live members only, as Docker does. */
int ct_net_bundle_live(const char *bundle);
/* The live containers attached with --network MODE (host, none): the
 * members Docker shows in `network inspect host`. */
struct ct_member {
	char *id;
	char *name;
};
int ct_net_mode_members(const char *root, const char *mode, struct ct_member **v,
			size_t *n, struct ct_err *e);
/* Prints "80/tcp -> 0.0.0.0:8080" lines to stdout. */
int ct_net_port(const char *root, const char *id, struct ct_err *e);
/* Reclaim endpoints of containers that are gone (stopped, killed or
 * removed; with REMOVED_ONLY, only those whose bundle was removed);
 * prints their ids. */
int ct_net_prune(const char *root, int removed_only, struct ct_err *e);

/* Regenerate ct's nftables table from every network and load it. */
int ct_net_apply_rules(const char *root, struct ct_err *e);

#endif
