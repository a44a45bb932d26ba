#include "nft.h"
#include "buf.h"
#include "err.h"
#include "file.h"
#include "ipam.h"
#include "network.h"
#include "say.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static void add_ports(struct ct_buf *b, const struct ct_network *v, size_t n)
{
	size_t i, j, k;

	for (i = 0; i < n; i++) {
		for (j = 0; j < v[i].nep; j++) {
			const struct ct_endpoint *ep = &v[i].ep[j];
			char cip[CT_IP_STR], hip[CT_IP_STR];

			ct_ip_format(ep->ip, cip);
			for (k = 0; k < ep->nports; k++) {
				const struct ct_port *p = &ep->ports[k];
				const char *proto = p->udp ? "udp" : "tcp";

				ct_ip_format(p->host_ip, hip);
				ct_buf_puts(b, "\t\t");
				if (p->host_ip)
					ct_buf_printf(b, "ip daddr %s ", hip);
				ct_buf_printf(b, "%s dport %u dnat to %s:%u\n", proto,
					      p->host_port, cip, p->ctr_port);
			}
		}
	}
}

/* published ports of the dual-stack members on every host address (a
 * port bound to an IPv4 host address stays IPv4) */
static void add_ports6(struct ct_buf *b, const struct ct_network *v, size_t n)
{
	size_t i, j, k;

	for (i = 0; i < n; i++) {
		if (!v[i].ipv6)
			continue;
		for (j = 0; j < v[i].nep; j++) {
			const struct ct_endpoint *ep = &v[i].ep[j];
			char cip[CT_IP6_STR];

			if (ct_ip6_is_zero(&ep->ip6))
				continue;
			ct_ip6_format(&ep->ip6, cip);
			for (k = 0; k < ep->nports; k++) {
				const struct ct_port *p = &ep->ports[k];

				if (p->host_ip)
					continue;
				ct_buf_printf(b, "\t\t%s dport %u dnat to [%s]:%u\n",
					      p->udp ? "udp" : "tcp", p->host_port, cip,
					      p->ctr_port);
			}
		}
	}
}

/* table ip6 ctnet: the IPv6 side of the dual-stack networks */
static void add_v6(struct ct_buf *b, const struct ct_network *v, size_t n)
{
	size_t i, j, k = 0;

	ct_buf_puts(b, "table ip6 " CT_NFT_TABLE "\ndelete table ip6 " CT_NFT_TABLE "\n");
	for (i = 0; i < n; i++)
		k += v[i].ipv6 != 0;
	if (!k)
		return;
	ct_buf_puts(b, "table ip6 " CT_NFT_TABLE " {\n\tchain publish {\n");
	add_ports6(b, v, n);
	/* ::1 is left out: a packet from ::1 may not leave the host (IPv6
	 * has no route_localnet), so [::1]:PORT is refused at once rather
	 * than DNAT'ed into a black hole */
	ct_buf_puts(b, "\t}\n"
		"\tchain prerouting {\n"
		"\t\ttype nat hook prerouting priority dstnat; policy accept;\n"
		"\t\tfib daddr type local jump publish\n"
		"\t}\n"
		"\tchain output {\n"
		"\t\ttype nat hook output priority -100; policy accept;\n"
		"\t\tip6 daddr != ::1 fib daddr type local jump publish\n"
		"\t}\n"
		"\tchain postrouting {\n"
		"\t\ttype nat hook postrouting priority srcnat; policy accept;\n");
	for (i = 0; i < n; i++) {
		char s[CT_CIDR6_STR];

		if (!v[i].ipv6)
			continue;
		ct_cidr6_format(&v[i].subnet6, s);
		/* hairpin: a member reaching a published port through a host
		 * address is answered through the host */
		ct_buf_printf(b, "\t\toifname \"%s\" ct status dnat ip6 saddr %s masquerade\n",
			      v[i].bridge, s);
		if (v[i].internal)
			continue;
		ct_buf_printf(b, "\t\tip6 saddr %s oifname != \"%s\" masquerade\n",
			      s, v[i].bridge);
	}
	ct_buf_puts(b, "\t}\n"
		"\tchain forward {\n"
		"\t\ttype filter hook forward priority filter; policy accept;\n");
	for (i = 0; i < n; i++) {
		if (!v[i].ipv6)
			continue;
		if (v[i].internal) {
			ct_buf_printf(b, "\t\tiifname \"%s\" oifname != \"%s\" drop\n",
				      v[i].bridge, v[i].bridge);
			ct_buf_printf(b, "\t\toifname \"%s\" iifname != \"%s\" drop\n",
				      v[i].bridge, v[i].bridge);
		}
		for (j = 0; j < n; j++)
			if (i != j)
				ct_buf_printf(b, "\t\tiifname \"%s\" oifname \"%s\" drop\n",
					      v[i].bridge, v[j].bridge);
	}
	ct_buf_puts(b, "\t}\n}\n");
}

char *ct_nft_ruleset(const struct ct_network *v, size_t n)
{
	return ct_nft_ruleset_ex(v, n, 1);
}

char *ct_nft_ruleset_ex(const struct ct_network *v, size_t n, int with_ip6)
{
	struct ct_buf b = CT_BUF_INIT;
	size_t i, j;

	/* "table" creates it when missing, so "delete" always has a target */
	ct_buf_puts(&b, "table ip " CT_NFT_TABLE "\ndelete table ip " CT_NFT_TABLE "\n");
	if (!n) {
		if (with_ip6)
			add_v6(&b, v, n);
		return ct_buf_detach(&b);
	}
	ct_buf_puts(&b, "table ip " CT_NFT_TABLE " {\n");
	ct_buf_puts(&b, "\tchain publish {\n");
	add_ports(&b, v, n);
	ct_buf_puts(&b, "\t}\n");
	ct_buf_puts(&b,
		"\tchain prerouting {\n"
		"\t\ttype nat hook prerouting priority dstnat; policy accept;\n"
		"\t\tfib daddr type local jump publish\n"
		"\t}\n"
		"\tchain output {\n"
		"\t\ttype nat hook output priority -100; policy accept;\n"
		"\t\tfib daddr type local jump publish\n"
		"\t}\n"
		"\tchain postrouting {\n"
		"\t\ttype nat hook postrouting priority srcnat; policy accept;\n");
	for (i = 0; i < n; i++) {
		char s[CT_CIDR_STR];

		ct_cidr_format(&v[i].subnet, s);
		/* published ports reached through 127.0.0.1 or the host's
		 * address from the same bridge (hairpin): answer via us */
		ct_buf_printf(&b, "\t\toifname \"%s\" ip saddr 127.0.0.0/8 masquerade\n",
			      v[i].bridge);
		ct_buf_printf(&b, "\t\toifname \"%s\" ct status dnat ip saddr %s masquerade\n",
			      v[i].bridge, s);
		if (!v[i].internal)
			ct_buf_printf(&b, "\t\tip saddr %s oifname != \"%s\" masquerade\n",
				      s, v[i].bridge);
	}
	ct_buf_puts(&b, "\t}\n");
	ct_buf_puts(&b,
		"\tchain forward {\n"
		"\t\ttype filter hook forward priority filter; policy accept;\n");
	for (i = 0; i < n; i++) {
		if (v[i].internal) {
			ct_buf_printf(&b, "\t\tiifname \"%s\" oifname != \"%s\" drop\n",
				      v[i].bridge, v[i].bridge);
			ct_buf_printf(&b, "\t\toifname \"%s\" iifname != \"%s\" drop\n",
				      v[i].bridge, v[i].bridge);
		}
		for (j = 0; j < n; j++)
			if (i != j)
				ct_buf_printf(&b, "\t\tiifname \"%s\" oifname \"%s\" drop\n",
					      v[i].bridge, v[j].bridge);
	}
	ct_buf_puts(&b, "\t}\n}\n");
	if (with_ip6)
		add_v6(&b, v, n);
	return ct_buf_detach(&b);
}

int ct_nft_load(const char *text, struct ct_err *e)
{
	int in[2], errp[2], status;
	struct ct_buf msg = CT_BUF_INIT;
	char buf[512];
	ssize_t r;
	pid_t pid;

	ct_say("nft -f - <<EOF (tables ip and ip6 " CT_NFT_TABLE ", %zu bytes)", strlen(text));
	ct_say2("%s", text);
	if (pipe2(in, O_CLOEXEC) < 0 || pipe2(errp, O_CLOEXEC) < 0)
		return ct_err(e, errno, "pipe for nft");
	pid = fork();
	if (pid < 0)
		return ct_err(e, errno, "fork for nft");
	if (pid == 0) {
		if (dup2(in[0], 0) < 0 || dup2(errp[1], 2) < 0 || dup2(errp[1], 1) < 0)
			_exit(127);
		execlp("nft", "nft", "-f", "-", (char *)NULL);
		dprintf(2, "exec nft: %s", strerror(errno));
		_exit(127);
	}
	close(in[0]);
	close(errp[1]);
	{
		/* a failing nft may stop reading: do not die of SIGPIPE */
		struct sigaction sa = { .sa_handler = SIG_IGN }, old;

		sigaction(SIGPIPE, &sa, &old);
		ct_write_all(in[1], text, strlen(text));
		sigaction(SIGPIPE, &old, NULL);
	}
	close(in[1]);
	while ((r = read(errp[0], buf, sizeof buf)) > 0 || (r < 0 && errno == EINTR))
		if (r > 0 && msg.len < 4096)
			ct_buf_add(&msg, buf, (size_t)r);
	close(errp[0]);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR) {
			ct_buf_free(&msg);
			return ct_err(e, errno, "waitpid nft");
		}
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		char *nl;

		while (msg.len && (msg.data[msg.len - 1] == '\n'))
			msg.data[--msg.len] = 0;
		for (nl = msg.data; nl && *nl; nl++)
			if (*nl == '\n')
				*nl = ' ';
		ct_err(e, 0, "nft -f - failed: %s", msg.len ? msg.data : "(no message)");
		ct_buf_free(&msg);
		if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
			return ct_err_hint(e, "install nftables (the nft command)");
		return -1;
	}
	ct_buf_free(&msg);
	return 0;
}
