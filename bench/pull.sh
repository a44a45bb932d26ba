#!/bin/sh
# bench/pull.sh: ct-pull side by side with `skopeo copy docker://… oci:…`
# from the same local registry (Debian's docker-registry on 127.0.0.1),
# into a fresh store each run, for three images built locally (never the
# internet):
#
#   small   t/lib/mkimage busybox (one ~1 MB layer)
#   5layer  t/lib/mkimage layers 4 (busybox + 4 thin layers)
#   big     one layer of a ~300 MB tree (default /usr/lib/gcc, ~85 MB gzip;
#           BENCH_TREE=DIR to choose), cached in ~/.cache/ct-bench/pull
#
# Plain HTTP by default; BENCH_TLS=1 serves HTTPS with a CA made here (ct
# gets it as [registry] ca, skopeo with --src-cert-dir).
# Prints hyperfine's medians and the ratio ct/skopeo (below 1: ct faster),
# and the CPU time each used (a fairer figure on a loaded machine).
# Usage: sh bench/pull.sh [RUNS]   (needs skopeo, hyperfine, jq,
# docker-registry, openssl for TLS; run `make` first; as root for mkimage)
set -eu
runs=${1:-10}
here=$(cd "$(dirname "$0")/.." && pwd)
CT=$here/build/bin/ct-pull
for t in skopeo hyperfine jq docker-registry ss; do
	command -v $t >/dev/null || { echo "bench/pull.sh: needs $t" >&2; exit 1; }
done
[ -x "$CT" ] || { echo "bench/pull.sh: build first (make)" >&2; exit 1; }

cache=${XDG_CACHE_HOME:-$HOME/.cache}/ct-bench/pull
mkdir -p "$cache"
tree=${BENCH_TREE:-/usr/lib/gcc}
[ -d "$tree" ] || tree=/usr/share/locale
mk=$here/t/lib/mkimage
[ -f "$cache/small/index.json" ] || "$mk" busybox "$cache/small" >/dev/null
[ -f "$cache/5layer/index.json" ] || "$mk" layers 4 "$cache/5layer" >/dev/null
if [ ! -f "$cache/big/index.json" ] || [ "$(cat "$cache/big.tree" 2>/dev/null)" != "$tree" ]; then
	rm -rf "$cache/big"
	echo "building the big image from $tree (once; cached in $cache)" >&2
	"$mk" rootfs "$tree" "$cache/big" >/dev/null
	echo "$tree" >"$cache/big.tree"
fi

T=$(mktemp -d "${TMPDIR:-/tmp}/ct-bench-pull.XXXXXX")
rpid=
cleanup() { [ -n "$rpid" ] && kill "$rpid" 2>/dev/null; wait 2>/dev/null; rm -rf "$T"; }
trap cleanup EXIT INT TERM

while :; do
	port=$(( $(od -An -N2 -tu2 /dev/urandom) % 20000 + 20000 ))
	ss -Hltn "sport = :$port" | grep -q . || break
done
tls=${BENCH_TLS:-0}
host=127.0.0.1:$port
skopt=--src-tls-verify=false
inspopt=--tls-verify=false
: >"$T/ct.conf"
if [ "$tls" = 1 ]; then
	mkdir -p "$T/certs"
	(cd "$T" &&
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
		-keyout ca.key -out certs/ca.crt -days 1 -subj "/CN=bench CA" \
		-addext basicConstraints=critical,CA:TRUE 2>/dev/null &&
	openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
		-keyout srv.key -out srv.csr -subj "/CN=localhost" 2>/dev/null &&
	printf 'subjectAltName=DNS:localhost\n' >ext &&
	openssl x509 -req -in srv.csr -CA certs/ca.crt -CAkey ca.key -CAcreateserial \
		-out srv.crt -days 1 -extfile ext 2>/dev/null)
	host=localhost:$port
	skopt="--src-cert-dir $T/certs"
	inspopt="--cert-dir $T/certs"
	printf '[registry "%s"]\nca = %s\n' "$host" "$T/certs/ca.crt" >"$T/ct.conf"
fi
{
	echo "version: 0.1"
	echo "log: {level: error, accesslog: {disabled: true}}"
	echo "storage: {filesystem: {rootdirectory: $T/storage}}"
	echo "http:"
	echo "  addr: 127.0.0.1:$port"
	[ "$tls" = 1 ] && echo "  tls: {certificate: $T/srv.crt, key: $T/srv.key}"
	true
} >"$T/reg.yml"
docker-registry serve "$T/reg.yml" >"$T/reg.log" 2>&1 &
rpid=$!
i=0
until ss -Hltn "sport = :$port" | grep -q .; do
	i=$((i + 1)); [ $i -lt 100 ] || { cat "$T/reg.log" >&2; exit 1; }
	sleep 0.1
done

for img in small 5layer big; do
	skopeo copy -q --dest-tls-verify=false "oci:$cache/$img:latest" \
		"docker://127.0.0.1:$port/bench/$img:1" >/dev/null
done

export CT_CONFIG=$T/ct.conf
median() { jq -r ".results[$1].median" "$T/$2.json"; }
cpu() { jq -r ".results[$1] | .user + .system" "$T/$2.json"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }

echo "registry: docker-registry on $host ($( [ "$tls" = 1 ] && echo HTTPS || echo plain HTTP)); $runs runs each"
for img in small 5layer big; do
	ref=$host/bench/$img:1
	n=$(skopeo inspect $inspopt "docker://$ref" | jq '.Layers | length')
	sz=$(du -sh "$cache/$img/blobs" | cut -f1)
	echo "$img: $n layer(s), $sz of blobs"
	hyperfine -N -w 1 -r "$runs" --export-json "$T/$img.json" \
		-n ct-pull --prepare "rm -rf $T/root" \
		"env CT_ROOT=$T/root $CT -q $ref" \
		-n skopeo --prepare "rm -rf $T/oci" \
		"skopeo copy -q $skopt docker://$ref oci:$T/oci:x" \
		>/dev/null
done

echo "load average: $(cut -d" " -f1-3 /proc/loadavg) on $(nproc) CPUs"
printf '%-8s %12s %12s %8s   %10s %10s %8s\n' image ct-pull skopeo ratio \
	"ct cpu" "sk cpu" "cpu"
for img in small 5layer big; do
	a=$(median 0 $img)
	b=$(median 1 $img)
	ca=$(cpu 0 $img)
	cb=$(cpu 1 $img)
	printf '%-8s %11.3fs %11.3fs %8s   %9.3fs %9.3fs %8s\n' "$img" "$a" "$b" \
		"$(ratio "$a" "$b")" "$ca" "$cb" "$(ratio "$ca" "$cb")"
done
echo "(median wall time, and mean user+system CPU time, of $runs runs)"
echo "goal: ratio <= 0.6 on 5layer, <= 0.7 on big"
