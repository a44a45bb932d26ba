#!/bin/sh
# bench/image.sh: ct-image save and load side by side with skopeo, on the
# same image in the same store: a one-layer image of /usr/lib/python3.11
# (about 50 MB, thousands of files) made by ct-image import.
#
#   save: ct-image save -o x.tar IMG   vs  skopeo copy oci:STORE:IMG docker-archive:y.tar:IMG
#   load: ct-image load -i x.tar       vs  skopeo copy docker-archive:x.tar oci:DIR:IMG
#
# Prints hyperfine's medians and the ratio ct/skopeo (below 1: ct is faster).
# Usage: sh bench/image.sh [RUNS]   (needs skopeo, hyperfine, jq; run `make` first)
set -eu
runs=${1:-5}
here=$(cd "$(dirname "$0")/.." && pwd)
CT=$here/build/bin/ct-image
for t in skopeo hyperfine jq; do
	command -v $t >/dev/null || { echo "bench/image.sh: needs $t" >&2; exit 1; }
done
[ -x "$CT" ] || { echo "bench/image.sh: build first (make)" >&2; exit 1; }
src=${BENCH_TREE:-/usr/lib/python3.11}
[ -d "$src" ] || src=/usr/share/locale

T=$(mktemp -d "${TMPDIR:-/tmp}/ct-bench-image.XXXXXX")
trap 'rm -rf "$T"' EXIT
export CT_CONFIG=/dev/null CT_ROOT=$T/root
mkdir -p "$CT_ROOT"
"$CT" import "$src" bench/img:1 >/dev/null
"$CT" save -o "$T/ct.tar" bench/img:1
echo "image: one layer of $src ($(du -sh "$src" | cut -f1)); archive $(du -h "$T/ct.tar" | cut -f1)"

median() { jq -r ".results[$1].median" "$T/$2.json"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }

hyperfine -N -w 1 -r "$runs" --export-json "$T/save.json" \
	-n ct-image "$CT save -o $T/a.tar bench/img:1" \
	-n skopeo "sh -c 'rm -f $T/b.tar; skopeo copy -q oci:$CT_ROOT/images:docker.io/bench/img:1 docker-archive:$T/b.tar:bench/img:1'" \
	>/dev/null
hyperfine -w 1 -r "$runs" --export-json "$T/load.json" \
	-n ct-image "rm -rf $T/r2; CT_ROOT=$T/r2 $CT load -q -i $T/ct.tar >/dev/null" \
	-n skopeo "rm -rf $T/o2; skopeo copy -q docker-archive:$T/ct.tar oci:$T/o2:img" \
	>/dev/null

printf '%-6s %12s %12s %8s\n' job ct-image skopeo ratio
for job in save load; do
	a=$(median 0 $job)
	b=$(median 1 $job)
	printf '%-6s %11.3fs %11.3fs %8s\n' "$job" "$a" "$b" "$(ratio "$a" "$b")"
done
