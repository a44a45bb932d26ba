# Sourced by the ct-net tests t/50[0-5]0: ct-net runs in a throw-away
# network namespace that plays the host, with helpers to run in it.
command -v nsenter >/dev/null || skip_all "needs nsenter (util-linux)"

# (made here, not in $(test_netns ...), so the clean-up is this shell's)
HNS=ct-test-host-$$
ip netns add "$HNS" || skip_all "cannot create a network namespace"
test_cleanup "ip netns delete $HNS"
ip -n "$HNS" link set lo up
test_cleanup "for f in '$CT_ROOT'/networks/*.dns.pid; do kill \$(cat \"\$f\"); done"
hx() { nsenter --net="/run/netns/$HNS" "$@"; }
net() { hx ct-net "$@"; }
# mkctr ID [NAME]: a bundle as ct-mount leaves it, in containers/ID
mkctr() {
	d=$CT_ROOT/containers/$1
	mkdir -p "$d/rootfs" &&
	printf '[container]\nid = %s\nname = %s\n' "$1" "${2:-$1}" >"$d/ct.ini" &&
	printf '%s\n' '{"ociVersion":"1.0.2","root":{"path":"rootfs"},"process":{"args":["sh"],"cwd":"/"},"linux":{"namespaces":[{"type":"pid"},{"type":"network"},{"type":"mount"}]}}' >"$d/config.json"
}
# cx ID CMD...: run CMD in the container's network namespace
cx() { cx_id=$1; shift; nsenter --net="$CT_ROOT/netns/$cx_id" "$@"; }
# cxr ID CMD...: as cx, with the container's /etc/hosts and resolv.conf
# bind-mounted over the host's in a private mount namespace (what the
# runtime does with the bundle's files)
cxr() {
	cxr_id=$1; shift
	cx "$cxr_id" unshare -m sh -c '
		d=$1; shift
		mount --bind "$d/resolv.conf" /etc/resolv.conf &&
		mount --bind "$d/hosts" /etc/hosts && exec "$@"' sh "$CT_ROOT/containers/$cxr_id" "$@"
}
