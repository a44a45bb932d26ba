#!/bin/sh
# bench/volume.sh: ct's volumes side by side with Podman's, same image, both
# stores private and temporary.
#
#   create+rm:  ct volume create v; ct volume rm v     vs  podman volume create/rm
#   ls:         ct volume ls with 200 volumes          vs  podman volume ls
#   run -v:     a new named volume filled from the image (copy-up of a tree
#               of thousands of files) and the container run to exit:
#               ct run --rm --network none -v v:/data IMG true
#               vs podman run --rm --network none -v v:/data IMG true
#
# Prints hyperfine's medians and the ratio ct/podman (below 1: ct is faster).
# Usage: sh bench/volume.sh [RUNS]   (root; needs podman, runc, hyperfine, jq;
# run `make` first)
set -eu
runs=${1:-10}
here=$(cd "$(dirname "$0")/.." && pwd)
PATH=$here/build/bin:$PATH
[ "$(id -u)" = 0 ] || { echo "bench/volume.sh: run as root" >&2; exit 1; }
for t in podman runc hyperfine jq busybox; do
	command -v $t >/dev/null || { echo "bench/volume.sh: needs $t" >&2; exit 1; }
done
[ -x "$here/build/bin/ct-volume" ] || { echo "bench/volume.sh: build first (make)" >&2; exit 1; }
src=${BENCH_TREE:-/usr/share/locale}

T=${TMPDIR:-/tmp}/ct-bench-volume-$$	# lower case: podman names images after it
mkdir "$T"
export CT_ROOT=$T/root CT_CONFIG=$T/ct.conf
: >"$CT_CONFIG"
mkdir -p "$CT_ROOT"

# Podman without systemd, all state in $T (see shared/NOTES.md)
hard=$(ulimit -Hn)
[ "$hard" = unlimited ] && hard=1048576
cat >"$T/containers.conf" <<EOC
[containers]
default_ulimits = ["nofile=$hard:$hard", "nproc=32768:32768"]
[engine]
cgroup_manager = "cgroupfs"
events_logger = "file"
events_logfile_path = "$T/events.log"
tmp_dir = "$T/pm/tmp"
EOC
cat >"$T/storage.conf" <<EOC
[storage]
driver = "overlay"
graphroot = "$T/pm/graph"
runroot = "$T/pm/run"
EOC
echo 'unqualified-search-registries = []' >"$T/registries.conf"
export CONTAINERS_CONF="$T/containers.conf" CONTAINERS_STORAGE_CONF="$T/storage.conf" \
	CONTAINERS_REGISTRIES_CONF="$T/registries.conf"
PM="podman --root $T/pm/graph --runroot $T/pm/run --runtime $(command -v runc)"
cleanup() {
	$PM rm -af -t 0 >/dev/null 2>&1 || :
	$PM system reset -f >/dev/null 2>&1 || :
	for d in "$CT_ROOT"/containers/*/; do
		[ -d "$d" ] && ct rm -f "$(basename "$d")" >/dev/null 2>&1
	done
	rm -rf "$T"
}
trap cleanup EXIT

# the image: busybox plus $src at /data
mkdir -p "$T/rootfs/bin" "$T/rootfs/etc" "$T/rootfs/data"
cp "$(command -v busybox)" "$T/rootfs/bin/busybox"
ln -s busybox "$T/rootfs/bin/true"
ln -s busybox "$T/rootfs/bin/sh"
echo "root:x:0:0:root:/root:/bin/sh" >"$T/rootfs/etc/passwd"
cp -a "$src/." "$T/rootfs/data/"
ct import -c 'CMD ["/bin/sh"]' "$T/rootfs" bench/vol:1 >/dev/null
$PM pull -q "oci:$CT_ROOT/images:docker.io/bench/vol:1" >"$T/img"
img=$(cat "$T/img")
echo "image: busybox + $src at /data ($(find "$src" | wc -l) entries, $(du -sh "$src" | cut -f1))"

median() { jq -r ".results[$1].median" "$T/$2.json"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }

hyperfine -w 2 -r "$runs" --export-json "$T/create.json" \
	-n ct "ct volume create bv >/dev/null && ct volume rm bv >/dev/null" \
	-n podman "$PM volume create bv >/dev/null && $PM volume rm bv >/dev/null" >/dev/null

for i in $(seq 200); do
	ct volume create "vol$i" >/dev/null
	$PM volume create "vol$i" >/dev/null
done
hyperfine -N -w 2 -r "$runs" --export-json "$T/ls.json" \
	-n ct "$here/build/bin/ct-volume ls" -n podman "$PM volume ls" >/dev/null

hyperfine -w 1 -r "$runs" --export-json "$T/run.json" \
	--prepare "ct volume rm -f cu >/dev/null; $PM volume rm -f cu >/dev/null" \
	-n ct "ct run --rm --network none -v cu:/data bench/vol:1 true" \
	-n podman "$PM run --rm --network none -v cu:/data $img true" >/dev/null

printf '%-10s %10s %10s %8s\n' job ct podman ratio
for job in create ls run; do
	a=$(median 0 $job)
	b=$(median 1 $job)
	printf '%-10s %9.3fs %9.3fs %8s\n' "$job" "$a" "$b" "$(ratio "$a" "$b")"
done
