#!/bin/sh
# bench/ps.sh: `ct ps -a` with N containers (default 200), side by side
# with `podman ps -a` over as many podman containers (podman create).
#
# ct's containers are made on disk as the tools leave them (ct.ini,
# state.ini, config.json; a third of them "running" on a live pid, a
# third exited, a third created) so that the bench measures ps, not 200
# overlay mounts. Podman's are real (podman create, a private store).
# Prints hyperfine's medians and the ratio ct/podman (below 1: ct is
# faster). Goal (issue 7): ct ps -a < 50 ms with 200 containers.
# Usage: sh bench/ps.sh [N] [RUNS]   (needs hyperfine, jq; podman optional;
# run `make` first)
set -eu
n=${1:-200}
runs=${2:-20}
here=$(cd "$(dirname "$0")/.." && pwd)
CT=$here/build/bin/ct
for t in hyperfine jq; do
	command -v $t >/dev/null || { echo "bench/ps.sh: needs $t" >&2; exit 1; }
done
[ -x "$CT" ] || { echo "bench/ps.sh: build first (make)" >&2; exit 1; }

T=$(mktemp -d "${TMPDIR:-/tmp}/ct-bench-ps.XXXXXX")
sleep 600 &
live=$!
pm() {
	podman --root "$T/pm/graph" --runroot "$T/pm/run" "$@"
}
cleanup() {
	kill $live 2>/dev/null || :
	if [ -n "${with_podman:-}" ]; then pm rm -af >/dev/null 2>&1 || :; pm system reset -f >/dev/null 2>&1 || :; fi
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
export CT_CONFIG=/dev/null CT_ROOT=$T/root
now=$(date -u +%Y-%m-%dT%H:%M:%SZ)
i=0
while [ $i -lt "$n" ]; do
	id=$(printf '%064x' $((i + 1)))
	d=$CT_ROOT/containers/$id
	mkdir -p "$d"
	printf '[container]\nid = %s\nname = bench_%d\nimage = sha256:%064x\nimage_ref = docker.io/library/busybox:latest\ncreated = %s\nrootfs = overlay\ncommand = sleep %d\n' \
		"$id" $i 7 "$now" $i >"$d/ct.ini"
	case $((i % 3)) in
	0) printf '[state]\nstatus = running\npid = %d\nexit_code = 0\nstarted = %s\nfinished = \n' $live "$now" >"$d/state.ini" ;;
	1) printf '[state]\nstatus = stopped\npid = 0\nexit_code = 1\nstarted = %s\nfinished = %s\n' "$now" "$now" >"$d/state.ini" ;;
	esac
	i=$((i + 1))
done
test "$("$CT" ps -aq | wc -l)" = "$n"

# podman: as many real containers, created (not started)
with_podman=
if command -v podman >/dev/null && [ -z "${BENCH_NO_PODMAN:-}" ]; then
	hard=$(ulimit -Hn)
	[ "$hard" = unlimited ] && hard=1048576
	printf '[containers]\ndefault_ulimits = ["nofile=%s:%s", "nproc=32768:32768"]\n[engine]\ncgroup_manager = "cgroupfs"\nevents_logger = "file"\nevents_logfile_path = "%s/events.log"\n' \
		"$hard" "$hard" "$T" >"$T/containers.conf"
	printf '[storage]\ndriver = "overlay"\ngraphroot = "%s/pm/graph"\nrunroot = "%s/pm/run"\n' "$T" "$T" >"$T/storage.conf"
	echo 'unqualified-search-registries = []' >"$T/registries.conf"
	export CONTAINERS_CONF="$T/containers.conf" CONTAINERS_STORAGE_CONF="$T/storage.conf" \
		CONTAINERS_REGISTRIES_CONF="$T/registries.conf"
	mkdir -p "$T/bb/bin"
	cp "$(command -v busybox)" "$T/bb/bin/busybox"
	ln -s busybox "$T/bb/bin/sleep"
	tar -C "$T/bb" -cf "$T/bb.tar" .
	with_podman=1
	pm import -q "$T/bb.tar" localhost/bb:latest >/dev/null
	echo "creating $n podman containers ..." >&2
	i=0
	while [ $i -lt "$n" ]; do
		pm create -q --network none --name "bench_$i" localhost/bb:latest sleep $i >/dev/null
		i=$((i + 1))
	done
fi

if [ -n "$with_podman" ]; then
	hyperfine -N -w 3 -r "$runs" --export-json "$T/ps.json" \
		-n ct "$CT ps -a" \
		-n podman "podman --root $T/pm/graph --runroot $T/pm/run ps -a" >/dev/null
	a=$(jq -r '.results[0].median' "$T/ps.json")
	b=$(jq -r '.results[1].median' "$T/ps.json")
	printf '%-14s %10s %10s %8s\n' job ct podman ratio
	awk -v a="$a" -v b="$b" -v n="$n" 'BEGIN { printf "%-14s %8.1fms %8.1fms %8.2f\n", "ps -a (" n ")", a * 1000, b * 1000, a / b }'
else
	hyperfine -N -w 3 -r "$runs" --export-json "$T/ps.json" -n ct "$CT ps -a" >/dev/null
	a=$(jq -r '.results[0].median' "$T/ps.json")
	awk -v a="$a" -v n="$n" 'BEGIN { printf "ct ps -a (%d containers): %.1f ms median (goal < 50 ms)\n", n, a * 1000 }'
fi
