#!/bin/sh
# bench/unpack.sh [RUNS]: ct-unpack against umoci unpack, side by side.
#
# Three OCI layouts made by t/lib/mkimage: "small" (busybox, 1 layer),
# "five" (awkward, 5 layers) and "big" (one gzip layer of a ~170 MB tree
# copied from this host: python3, perl and man pages; BENCH_TREE=DIR to
# use your own). Each tool starts from an empty state every run (removing
# the previous result and `sync` are not timed); the tools take turns run
# by run, so a busy machine slows all of them alike. Prints median wall
# times (ms) and the ratios ct/umoci, for one-layer images also the floor
# `zcat layer | tar -x` and ct/floor; a second line per image gives the
# CPU time (user + system), steadier than wall time on a shared machine.
#
# Needs root, umoci, jq, GNU time, busybox-static. BENCH_DIR (default:
# $TMPDIR or /var/tmp) is where everything is written; put it on the file
# system you care about (disk: includes writeback; /dev/shm: CPU only).
set -eu

runs=${1:-5}
src=$(cd "$(dirname "$0")/.." && pwd)
bin=${CT_BUILD:-$src/build}/bin
mkimage=$src/t/lib/mkimage
[ "$(id -u)" = 0 ] || { echo "bench/unpack.sh: run as root" >&2; exit 1; }
for t in umoci jq; do
	command -v $t >/dev/null || { echo "bench/unpack.sh: needs $t" >&2; exit 1; }
done
[ -x "$bin/ct-unpack" ] || { echo "bench/unpack.sh: build first (make)" >&2; exit 1; }

W=$(mktemp -d "${BENCH_DIR:-${TMPDIR:-/var/tmp}}/ct-bench-unpack.XXXXXX")
trap 'rm -rf "$W"' EXIT
trap 'exit 1' INT TERM HUP
export CT_CONFIG=$W/ct.conf
: >"$CT_CONFIG"

echo "# building layouts in $W" >&2
"$mkimage" busybox "$W/small" t >/dev/null
"$mkimage" awkward "$W/five" t >/dev/null
if [ -n "${BENCH_TREE:-}" ]; then
	tree=$BENCH_TREE
else
	tree=$W/tree
	mkdir -p "$tree/usr/lib" "$tree/usr/share"
	for d in /usr/lib/python3.[0-9]* /usr/share/perl /usr/share/man; do
		[ -d "$d" ] && cp -a "$d" "$tree$(dirname "$d")/"
	done
fi
"$mkimage" rootfs "$tree" "$W/big" t >/dev/null
[ -n "${BENCH_TREE:-}" ] || rm -rf "$tree"

median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

# once NAME CLEANUP COMMAND...: one fresh run; appends its wall and CPU
# (user + system) milliseconds to $W/NAME.wall and $W/NAME.cpu
once() {
	name=$1 clean=$2
	shift 2
	eval "$clean"
	sync
	/usr/bin/time -f "%e %U %S" -o "$W/time" "$@" >/dev/null 2>"$W/err" ||
		{ echo "$name failed:" >&2; cat "$W/err" >&2; exit 1; }
	awk '{ printf "%d\n", $1 * 1000 }' "$W/time" >>"$W/$name.wall"
	awk '{ printf "%d\n", ($2 + $3) * 1000 }' "$W/time" >>"$W/$name.cpu"
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }'; }

[ -x /usr/bin/time ] || { echo "bench/unpack.sh: needs GNU time (/usr/bin/time)" >&2; exit 1; }
echo "# $runs runs each, interleaved (ct, flatten, umoci, floor, ct, ...)" >&2
printf '%-6s %9s %11s %9s %9s %9s %12s %10s\n' image ct-unpack ct-flatten umoci floor \
	ct/umoci flatten/umoci ct/floor
for img in small five big; do
	L=$W/$img
	d=$(jq -r '.manifests[0].digest' "$L/index.json")
	m=$L/blobs/sha256/$(echo "$d" | cut -d: -f2)
	nl=$(jq '.layers | length' "$m")
	blob=$L/blobs/sha256/$(jq -r '.layers[0].digest' "$m" | cut -d: -f2)
	rm -f "$W"/*.wall "$W"/*.cpu
	i=0
	while [ $i -lt "$runs" ]; do
		once ct "rm -rf '$W/root'; mkdir -p '$W/root'; ln -s '$L' '$W/root/images'" \
			env CT_ROOT="$W/root" "$bin/ct-unpack" "$d"
		once flatten "rm -rf '$W/flat'" \
			env CT_ROOT="$W/root" "$bin/ct-unpack" --flatten "$W/flat" "$d"
		once umoci "rm -rf '$W/bundle'" umoci unpack --image "$L:t" "$W/bundle"
		# the floor: one layer, gunzip | tar -x (as root: owners, modes, times)
		[ "$nl" = 1 ] && once floor "rm -rf '$W/zt'; mkdir '$W/zt'" \
			sh -c "zcat '$blob' | tar -x -C '$W/zt'"
		i=$((i + 1))
	done
	for k in ct flatten umoci floor; do
		for u in wall cpu; do
			v=-
			[ -f "$W/$k.$u" ] && v=$(median <"$W/$k.$u")
			eval "${k}_$u=\$v"
		done
	done
	fr=-
	[ "$floor_wall" = - ] || fr=$(ratio "$ct_wall" "$floor_wall")
	printf '%-6s %7sms %9sms %7sms %7sms %9s %12s %10s\n' "$img" "$ct_wall" \
		"$flatten_wall" "$umoci_wall" "$floor_wall" "$(ratio "$ct_wall" "$umoci_wall")" \
		"$(ratio "$flatten_wall" "$umoci_wall")" "$fr"
	printf '%-6s %7sms %9sms %7sms %7sms %9s %12s   (CPU: user+sys)\n' "" "$ct_cpu" \
		"$flatten_cpu" "$umoci_cpu" "$floor_cpu" "$(ratio "$ct_cpu" "$umoci_cpu")" \
		"$(ratio "$flatten_cpu" "$umoci_cpu")"
done
rm -rf "$W/root" "$W/flat" "$W/bundle" "$W/zt"
