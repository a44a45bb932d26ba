#!/bin/sh
# bench/unpack.sh [RUNS]: ct-unpack against umoci unpack, side by side.
#
# Three OCI layouts made by t/lib/mkimage: "small" (busybox, 1 layer),
# "five" (awkward, 5 layers) and "big" (one gzip layer of a ~170 MB tree
# copied from this host: python3, perl and man pages; BENCH_TREE=DIR to
# use your own). Each tool starts from an empty state every run (removing
# the previous result and `sync` are not timed). Prints median wall times
# (ms) and the ratios ct/umoci; for "big" also the floor `zcat | tar -x`.
#
# Needs root, umoci, jq, busybox-static. BENCH_DIR (default: $TMPDIR or
# /var/tmp) is where everything is written; put it on the file system you
# care about (disk: includes writeback; /dev/shm: CPU only).
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

now_ms() { date +%s%N | cut -c1-13; }
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

# timed NAME CLEANUP COMMAND: run COMMAND $runs times, print the median
timed() {
	name=$1 clean=$2
	shift 2
	i=0
	: >"$W/times"
	while [ $i -lt "$runs" ]; do
		eval "$clean"
		sync
		t0=$(now_ms)
		"$@" >/dev/null 2>"$W/err" || { echo "$name failed:" >&2; cat "$W/err" >&2; exit 1; }
		t1=$(now_ms)
		echo $((t1 - t0)) >>"$W/times"
		i=$((i + 1))
	done
	median <"$W/times"
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }'; }

printf '%-6s %9s %11s %9s %10s %12s\n' image ct-unpack ct-flatten umoci ct/umoci flatten/umoci
for img in small five big; do
	L=$W/$img
	d=$(jq -r '.manifests[0].digest' "$L/index.json")
	ct=$(timed ct "rm -rf '$W/root'; mkdir -p '$W/root'; ln -s '$L' '$W/root/images'" \
		env CT_ROOT="$W/root" "$bin/ct-unpack" "$d")
	fl=$(timed flatten "rm -rf '$W/flat'" \
		env CT_ROOT="$W/root" "$bin/ct-unpack" --flatten "$W/flat" "$d")
	um=$(timed umoci "rm -rf '$W/bundle'" umoci unpack --image "$L:t" "$W/bundle")
	printf '%-6s %7sms %9sms %7sms %10s %12s\n' "$img" "$ct" "$fl" "$um" \
		"$(ratio "$ct" "$um")" "$(ratio "$fl" "$um")"
done

blob=$(jq -r '.layers[0].digest' "$W/big/blobs/sha256/$(jq -r '.manifests[0].digest' "$W/big/index.json" | cut -d: -f2)" | cut -d: -f2)
floor=$(timed floor "rm -rf '$W/zt'; mkdir '$W/zt'" \
	sh -c "zcat '$W/big/blobs/sha256/$blob' | tar -x -C '$W/zt'")
echo "big: zcat | tar -x floor ${floor}ms; ct-unpack/floor $(ratio "$ct" "$floor")," \
	"ct-flatten/floor $(ratio "$fl" "$floor")"
rm -rf "$W/root" "$W/flat" "$W/bundle" "$W/zt"
