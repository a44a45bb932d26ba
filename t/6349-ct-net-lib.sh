# t/6349-ct-net-lib.sh: sourced by the t/63xx scripts (ct's network verbs).
#
# ct runs inside a throw-away network namespace that plays the host (made
# here, removed at exit), so the machine's own interfaces, routes and
# firewall are never touched and no packet leaves: hx CMD runs CMD there,
# c ARGS runs ct there. A busybox image is imported as "busybox" (EXPOSE
# 80). At exit, in this order: every container is removed, every network
# removed, every DNS responder killed, the namespace deleted (which takes
# the bridges, veths and nft tables still in it along).
test_require ROOT OVERLAY NETNS NFT BUSYBOX
command -v nsenter >/dev/null || skip_all "needs nsenter (util-linux)"
[ -x "$CT_BUILD/bin/ct" ] || skip_all "needs ct in this build"

# the host's resolvers as containers on the default bridge see them: a
# server that does not answer (nothing leaves), given up on after 1 s
printf 'nameserver 10.77.0.1\noptions timeout:1 attempts:1\n' >"$TEST_DIR/resolv.conf"
printf '[network]\nresolv_conf = %s\n' "$TEST_DIR/resolv.conf" >>"$CT_CONFIG"

HNS=ct-test-host-$$
ip netns add "$HNS" || skip_all "cannot create a network namespace"
test_cleanup "ip netns delete $HNS"
ip -n "$HNS" link set lo up
hx() { nsenter --net="/run/netns/$HNS" "$@"; }
c() { hx ct "$@"; }
test_cleanup "for f in '$CT_ROOT'/networks/*.dns.pid; do kill \$(cat \"\$f\"); done"
test_cleanup "for n in \$(hx ct-net ls -q); do hx ct-net rm \$n; done"
test_cleanup "for d in '$CT_ROOT'/containers/*/; do [ -d \"\$d\" ] && hx ct rm -f \"\$(basename \"\$d\")\"; done"

# net_setup_image: the busybox image, with the applets the tests use
net_setup_image() {
	mkdir -p rootfs/bin rootfs/etc rootfs/tmp rootfs/www &&
	cp "$(command -v busybox)" rootfs/bin/busybox &&
	for a in sh ping nslookup ip hostname cat sleep wget httpd nc true echo; do
		ln -s busybox rootfs/bin/$a || return 1
	done &&
	echo "root:x:0:0:root:/root:/bin/sh" >rootfs/etc/passwd &&
	echo "root:x:0:" >rootfs/etc/group &&
	echo "hello from ct" >rootfs/www/index.html &&
	c import -c "CMD [\"/bin/sh\"]" -c "EXPOSE 80" rootfs busybox >/dev/null
}

# ip_of CONTAINER [IFACE]: its IPv4 address (eth0 by default)
ip_of() {
	c exec "$1" ip -o -4 addr show dev "${2:-eth0}" |
		sed -n 's/.* inet \([0-9.]*\)\/.*/\1/p'
}

# reach FROM TARGET: one ping from container FROM to TARGET (name or address)
reach() { c exec "$1" ping -c 1 -W 2 "$2" >/dev/null 2>&1; }
# no_reach FROM TARGET: nothing comes back (1 s)
no_reach() { ! c exec "$1" ping -c 1 -W 1 "$2" >/dev/null 2>&1; }

# rm_default_net: remove the default network (bridge) when it was made
rm_default_net() {
	if hx ct-net ls --format "{{.Name}}" | grep -qx bridge; then
		hx ct-net rm bridge >/dev/null
	fi
}

# nothing_left: no ct link, netns, DNS responder or nft rule in the host
nothing_left() {
	hx ip -o link show >links &&
	! grep -q "ct0\|ct-\|veth\|vct" links &&
	hx nft list ruleset >rules &&
	! grep -q "ip saddr\|dnat\|masquerade" rules &&
	! ls "$CT_ROOT"/networks/*.dns.pid 2>/dev/null &&
	! ls "$CT_ROOT"/netns/* 2>/dev/null
}
