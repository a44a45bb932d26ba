#!/bin/sh
# bench/net.sh: ct-net side by side with the plain kernel path, all inside a
# throw-away network namespace that plays the host (nothing leaves it).
#
#   throughput: a 512 MiB download from busybox httpd in a container
#     floor   over a plain veth pair made with ip(8), no bridge, no ct
#     bridge  to the container's address over ct's bridge
#     dnat    to a published port on the host's address (nftables DNAT)
#     lo      to the published port on 127.0.0.1 (DNAT + route_localnet)
#   attach:   median time of `ct-net attach` (netns, veth, address, route,
#             files, DNS registration) against the same steps done by a
#             shell script with ip(8)
#
# Usage: sh bench/net.sh [BUILD_DIR]   (root; prints ratios)
set -eu
B=${1:-$(cd "$(dirname "$0")/.." && pwd)/build}
PATH=$B/bin:$PATH
[ "$(id -u)" = 0 ] || { echo "bench/net.sh: run as root" >&2; exit 1; }
command -v hyperfine >/dev/null || { echo "bench/net.sh: needs hyperfine" >&2; exit 1; }

T=$(mktemp -d /tmp/ct-bench-net.XXXXXX)
H=ct-bench-host-$$
F=ct-bench-floor-$$
export CT_ROOT=$T/root CT_CONFIG=$T/ct.conf
: >"$CT_CONFIG"
mkdir -p "$CT_ROOT" "$T/www"
pids=""
cleanup() {
	for p in $pids; do kill "$p" 2>/dev/null || true; done
	for f in "$CT_ROOT"/networks/*.dns.pid; do [ -f "$f" ] && kill "$(cat "$f")" 2>/dev/null; done
	ip netns delete "$H" 2>/dev/null || true
	ip netns delete "$F" 2>/dev/null || true
	ip netns delete "ctb-hand-$$" 2>/dev/null || true
	grep -o " $T[^ ]*" /proc/mounts | sort -r | while read -r m; do umount -l "$m"; done
	rm -rf "$T"
}
trap cleanup EXIT INT TERM
ip netns add "$H"
ip netns add "$F"
hx() { nsenter --net="/run/netns/$H" "$@"; }
# On a busy machine the scheduler decides the figures: the servers and the
# client run at a real-time priority (chrt -f), both paths alike; the
# kernel still keeps 5% of each second for the rest. BENCH_RT=0: not.
rt=
[ "${BENCH_RT:-1}" = 1 ] && command -v chrt >/dev/null && rt="chrt -f 10"
hx ip link set lo up
truncate -s 512M "$T/www/big"

bundle() {
	mkdir -p "$CT_ROOT/containers/$1/rootfs"
	printf '%s\n' '{"ociVersion":"1.0.2","root":{"path":"rootfs"},"linux":{"namespaces":[{"type":"network"}]}}' \
		>"$CT_ROOT/containers/$1/config.json"
}

# the floor: a veth pair straight into a namespace; its host end's
# address also serves as "the host's address" for the DNAT path
hx ip link add ctb-f0 type veth peer name ctb-f1
hx ip link set ctb-f1 netns "$F"
hx ip addr add 10.252.0.1/24 dev ctb-f0
hx ip link set ctb-f0 up
ip -n "$F" addr add 10.252.0.2/24 dev ctb-f1
ip -n "$F" link set ctb-f1 up
ip -n "$F" link set lo up
ip netns exec "$F" $rt busybox httpd -f -p 80 -h "$T/www" &
pids="$pids $!"

# the container, with a published port
hx ct-net create bench >/dev/null
bundle web
hx ct-net attach --network bench -p 8080:80 "$CT_ROOT/containers/web" >/dev/null
nsenter --net="$CT_ROOT/netns/web" $rt busybox httpd -f -p 80 -h "$T/www" &
pids="$pids $!"
sleep 0.5

# MB/s of one download of the 512 MiB file
rate1() {
	s=$(date +%s%N)
	hx $rt busybox wget -q -O /dev/null "$1"
	e=$(date +%s%N)
	echo $((536870912 * 1000 / (e - s)))	# bytes/ns*1000 = MB/s
}
# best of 5 rounds; the four paths take turns in each round, so a change
# in the machine's load hits them alike
floor=0 bridge=0 dnat=0 lo=0
best() { eval "[ \"$2\" -gt \"\$$1\" ] && $1=$2 || true"; }
for round in 1 2 3 4 5; do
	best floor "$(rate1 http://10.252.0.2/big)"
	best bridge "$(rate1 http://10.78.0.2/big)"
	best dnat "$(rate1 http://10.252.0.1:8080/big)"
	best lo "$(rate1 http://127.0.0.1:8080/big)"
done
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
echo "throughput (MB/s, best of 5 interleaved rounds, 512 MiB from busybox httpd${rt:+, $rt}):"
printf '  plain veth pair (floor) %6d\n' "$floor"
printf '  ct bridge               %6d   %sx floor\n' "$bridge" "$(ratio "$bridge" "$floor")"
printf '  published port, DNAT    %6d   %sx floor\n' "$dnat" "$(ratio "$dnat" "$floor")"
printf '  published port, 127.0.0.1 %4d   %sx floor\n' "$lo" "$(ratio "$lo" "$floor")"

# attach: ct-net against the same steps by hand with ip(8)
bundle att
cat >"$T/by-hand.sh" <<EOF
ip netns add ctb-hand-$$
ip link add ctb-hv type veth peer name eth0 netns ctb-hand-$$
ip link set ctb-hv master ct-\$(sed -n 's/^id = \(............\).*/\1/p' "$CT_ROOT/networks/bench.ini") up
ip -n ctb-hand-$$ link set lo up
ip -n ctb-hand-$$ link set eth0 address 02:42:0a:4e:00:63 up
ip -n ctb-hand-$$ addr add 10.78.0.99/24 dev eth0
ip -n ctb-hand-$$ route add default via 10.78.0.1
EOF
json=$T/attach.json
# a yardstick run beside them: the namespaces alone (NOTES.md: 4 ms on a
# quiet machine of this kind), so a figure taken on a busy one can be scaled
hx hyperfine -N --warmup 3 --runs 30 --export-json "$json" \
	--prepare "ct-net detach att" \
	"ct-net attach --network bench $CT_ROOT/containers/att" \
	--prepare "sh -c 'ip netns delete ctb-hand-$$; ip link del ctb-hv 2>/dev/null; true'" \
	"sh $T/by-hand.sh" \
	--prepare true "unshare -mpuin --fork /bin/true" >/dev/null 2>&1 || {
	# the first --prepare fails before anything is attached: attach once
	hx ct-net attach --network bench "$CT_ROOT/containers/att" >/dev/null
	hx sh "$T/by-hand.sh"
	hx hyperfine -N --warmup 3 --runs 30 --export-json "$json" \
		--prepare "ct-net detach att" \
		"ct-net attach --network bench $CT_ROOT/containers/att" \
		--prepare "sh -c 'ip netns delete ctb-hand-$$; ip link del ctb-hv 2>/dev/null; true'" \
		"sh $T/by-hand.sh" \
		--prepare true "unshare -mpuin --fork /bin/true" >/dev/null
}
ct=$(jq '.results[0].median * 1000' "$json")
hand=$(jq '.results[1].median * 1000' "$json")
# CPU time (user + system, mean) says what the work costs when the machine
# is busy and wall-clock medians mostly measure waiting for a core
ctcpu=$(jq '(.results[0].user + .results[0].system) * 1000' "$json")
handcpu=$(jq '(.results[1].user + .results[1].system) * 1000' "$json")
echo "attach (median of 30; load average $(cut -d' ' -f1 /proc/loadavg) on $(nproc) cores):"
ctmin=$(jq '.results[0].min * 1000' "$json")
handmin=$(jq '.results[1].min * 1000' "$json")
printf '  ct-net attach           %6.2f ms  (fastest %.2f, cpu %.2f ms)\n' "$ct" "$ctmin" "$ctcpu"
printf '  the same with ip(8)     %6.2f ms  (fastest %.2f, cpu %.2f ms)   ct-net is %sx\n' \
	"$hand" "$handmin" "$handcpu" "$(ratio "$ct" "$hand")"
ns=$(jq '.results[2].median * 1000' "$json")
printf '  unshare -mpuin --fork   %6.2f ms   ct-net attach is %sx of it\n' "$ns" "$(ratio "$ct" "$ns")"
ip netns delete "ctb-hand-$$" 2>/dev/null || true
hx ct-net detach att
hx ct-net detach web
hx ct-net rm bench >/dev/null
