#!/bin/sh
# t/0010-mkimage.t - t/lib/mkimage, the test image builder: every kind and
# option makes an OCI image layout that skopeo and umoci accept, with blobs
# that match their digests, diff_ids that match the layers, the awkward cases
# where they should be, and the same digests every time.
#
# Self-contained TAP (plan printed at the end). Needs root, skopeo, umoci,
# busybox-static, jq, zstd, libcap2-bin.
# shellcheck disable=SC2016,SC2034 # the t checks are strings for eval
set -u

here=$(cd "$(dirname "$0")" && pwd)
MKIMAGE=$here/lib/mkimage

skip_all() { echo "1..0 # SKIP $*"; exit 0; }
[ "$(id -u)" = 0 ] || skip_all "needs root"
for tool in skopeo umoci jq tar gzip zstd sha256sum setcap getcap chroot; do
	command -v "$tool" >/dev/null 2>&1 || skip_all "$tool not installed"
done
[ -x /bin/busybox ] || skip_all "busybox-static not installed"

T=$(mktemp -d "${TMPDIR:-/tmp}/ct-0010.XXXXXX") || exit 1
trap 'rm -rf "$T"' EXIT
trap 'exit 1' HUP INT TERM

n=0 failures=0

# ok STATUS DESCRIPTION [DIAGNOSTIC_FILE]
ok() {
	n=$((n + 1))
	if [ "$1" = 0 ]; then
		echo "ok $n - $2"
	else
		echo "not ok $n - $2"
		failures=$((failures + 1))
		[ -z "${3-}" ] || [ ! -s "$3" ] || sed 's/^/#   /' "$3"
	fi
}

# check DESCRIPTION COMMAND...: a test that passes when COMMAND does;
# its output is shown only when it fails
check() {
	desc=$1
	shift
	if "$@" >"$T/out" 2>&1; then ok 0 "$desc"; else ok 1 "$desc" "$T/out"; fi
}

# is DESCRIPTION GOT WANT
is() {
	if [ "$2" = "$3" ]; then
		ok 0 "$1"
	else
		printf 'got:  %s\nwant: %s\n' "$2" "$3" >"$T/out"
		ok 1 "$1" "$T/out"
	fi
}

skip() { n=$((n + 1)); echo "ok $n - $1 # SKIP $2"; }

# mk LAYOUT ARGS...: run mkimage, its digest in $digest; a test that it
# printed one sha256 digest and nothing else
mk() {
	layout=$1
	shift
	if "$MKIMAGE" "$@" "$T/$layout" >"$T/mk.out" 2>"$T/mk.err"; then
		digest=$(cat "$T/mk.out")
		if printf '%s\n' "$digest" | grep -Eqx 'sha256:[0-9a-f]{64}'; then
			ok 0 "mkimage $* prints a digest"
		else
			ok 1 "mkimage $* prints a digest" "$T/mk.out"
		fi
	else
		digest=none
		cat "$T/mk.out" "$T/mk.err" >"$T/out"
		ok 1 "mkimage $* prints a digest" "$T/out"
	fi
}

# mk_tagged LAYOUT TAG ARGS...: like mk, with a TAG after LAYOUT
mk_tagged() {
	layout=$1 tag=$2
	shift 2
	if "$MKIMAGE" "$@" "$T/$layout" "$tag" >"$T/mk.out" 2>"$T/mk.err"; then
		digest=$(cat "$T/mk.out")
		ok 0 "mkimage $* $layout $tag"
	else
		digest=none
		ok 1 "mkimage $* $layout $tag" "$T/mk.err"
	fi
}

blob() { echo "$1/blobs/sha256/${2#sha256:}"; }

# verify_blob LAYOUT DIGEST SIZE
verify_blob() {
	f=$(blob "$1" "$2")
	[ -f "$f" ] || { echo "missing blob $2"; return 1; }
	got=$(sha256sum <"$f") && got=sha256:${got%% *}
	[ "$got" = "$2" ] || { echo "blob $2 hashes to $got"; return 1; }
	got=$(stat -c %s "$f")
	[ "$got" = "$3" ] || { echo "blob $2 is $got bytes, descriptor says $3"; return 1; }
}

# verify_manifest LAYOUT DIGEST: config and layer blobs are right, diff_ids
# are the sha256 of the uncompressed layers, one history entry per layer
verify_manifest() {
	m=$(blob "$1" "$2")
	verify_blob "$1" "$(jq -r .config.digest "$m")" "$(jq -r .config.size "$m")" || return 1
	c=$(blob "$1" "$(jq -r .config.digest "$m")")
	nl=$(jq '.layers | length' "$m")
	nd=$(jq '.rootfs.diff_ids | length' "$c")
	nh=$(jq '[.history[] | select(.empty_layer != true)] | length' "$c")
	[ "$nl" = "$nd" ] && [ "$nl" = "$nh" ] ||
		{ echo "$nl layers, $nd diff_ids, $nh history entries"; return 1; }
	jq -r --slurpfile c "$c" 'range(0; .layers | length) as $i
		| "\(.layers[$i] | "\(.mediaType) \(.digest) \(.size)") \($c[0].rootfs.diff_ids[$i])"' \
		"$m" >"$T/layers.txt"
	i=0
	while read -r mt d s want; do
		verify_blob "$1" "$d" "$s" || return 1
		case $mt in
		*tar+gzip|*tar.gzip) dec="gzip -dc" ;;
		*tar+zstd) dec="zstd -dc" ;;
		*.tar) dec="cat" ;;
		*) echo "unexpected layer media type $mt"; return 1 ;;
		esac
		got=$($dec <"$(blob "$1" "$d")" | sha256sum) && got=sha256:${got%% *}
		[ "$got" = "$want" ] || { echo "layer $i: diff_id $want, content $got"; return 1; }
		i=$((i + 1))
	done <"$T/layers.txt"
}

# verify_layout LAYOUT TAG DIGEST: oci-layout, one index.json entry for TAG
# pointing at DIGEST, and everything under it verified
verify_layout() {
	jq -e '.imageLayoutVersion == "1.0.0"' "$1/oci-layout" >/dev/null ||
		{ echo "bad oci-layout"; return 1; }
	jq -c --arg t "$2" '[.manifests[]
		| select(.annotations["org.opencontainers.image.ref.name"] == $t)]' \
		"$1/index.json" >"$T/desc.json"
	[ "$(jq length "$T/desc.json")" = 1 ] || { echo "not one entry for tag $2"; return 1; }
	[ "$(jq -r '.[0].digest' "$T/desc.json")" = "$3" ] ||
		{ echo "tag $2 does not point at $3"; return 1; }
	verify_blob "$1" "$3" "$(jq -r '.[0].size' "$T/desc.json")" || return 1
	mt=$(jq -r '.[0].mediaType' "$T/desc.json")
	[ "$(jq -r .mediaType "$(blob "$1" "$3")")" = "$mt" ] ||
		{ echo "index.json says $mt, the blob says otherwise"; return 1; }
	case $mt in
	*index*|*list*)
		jq -r '.manifests[] | "\(.digest) \(.size)"' "$(blob "$1" "$3")" >"$T/manifests.txt"
		while read -r d s; do
			verify_blob "$1" "$d" "$s" && verify_manifest "$1" "$d" || return 1
		done <"$T/manifests.txt" ;;
	*)
		verify_manifest "$1" "$3" ;;
	esac
}

# inspect LAYOUT[:TAG] [SKOPEO_INSPECT_OPTION...]: skopeo inspect's JSON
inspect() {
	ref=$1
	shift
	skopeo inspect "$@" "oci:$T/$ref" 2>"$T/inspect.err"
}

# unpack LAYOUT TAG BUNDLE: umoci unpack into $T/BUNDLE
unpack() {
	rm -rf "${T:?}/$3"
	umoci unpack --image "$T/$1:$2" "$T/$3" >"$T/umoci.out" 2>&1
}

# same_blobs LAYOUT1 LAYOUT2: both hold byte-identical layouts
same_blobs() { diff -r "$T/$1" "$T/$2"; }

# ---------------------------------------------------------------- busybox

mk bb busybox
bb=$digest
check "busybox: layout, digests and diff_ids verify" verify_layout "$T/bb" latest "$bb"
inspect bb:latest >"$T/bb.json"
check "busybox: skopeo inspect accepts it" jq -e . "$T/bb.json"
is "busybox: skopeo sees the printed digest" "$(jq -r .Digest "$T/bb.json")" "$bb"
is "busybox: one layer, linux/amd64" \
	"$(jq -c '[(.Layers | length), .Os, .Architecture]' "$T/bb.json")" '[1,"linux","amd64"]'
is "busybox: config Cmd and Env" \
	"$(inspect bb:latest --config | jq -c '[.config.Cmd, .config.Env]')" \
	'[["sh"],["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"]]'
check "busybox: umoci unpack" unpack bb latest bb.u
R=$T/bb.u/rootfs
busybox_tree() {
	[ "$(readlink "$R/bin/sh")" = /bin/busybox ] || { echo "bin/sh"; return 1; }
	for a in sh ls cat echo true false sleep env id ps mount httpd wget nc \
		nslookup ping hostname top vi; do
		[ -x "$R/bin/$a" ] || [ -x "$R/sbin/$a" ] || [ -x "$R/usr/bin/$a" ] ||
			[ -x "$R/usr/sbin/$a" ] || { echo "no applet $a"; return 1; }
	done
	[ "$(stat -c %a "$R/tmp")" = 1777 ] || { echo "tmp mode"; return 1; }
	[ "$(stat -c %u:%g "$R/home/ct")" = 1000:1000 ] || { echo "home/ct owner"; return 1; }
	grep -qx 'ct:x:1000:1000:ct:/home/ct:/bin/sh' "$R/etc/passwd" || { echo passwd; return 1; }
	grep -qx 'ct:x:1000:' "$R/etc/group" || { echo group; return 1; }
	for d in proc sys dev root; do [ -d "$R/$d" ] || { echo "no /$d"; return 1; }; done
	[ "$(cat "$R/var/www/index.html")" = "hello from ct-test busybox" ] || { echo index.html; return 1; }
}
check "busybox: the unpacked tree has applets, users, dirs" busybox_tree
is "busybox: its sh runs in a chroot" \
	"$(chroot "$R" /bin/sh -c 'id -un; id -u ct; echo $((6 * 7))' 2>&1 | tr '\n' ' ')" "root 1000 42 "
mk bb2 busybox
is "busybox: the same digest the second time" "$digest" "$bb"
check "busybox: byte-identical layouts" same_blobs bb bb2

# ---------------------------------------------------------------- awkward

mk aw awkward
aw=$digest
check "awkward: layout, digests and diff_ids verify" verify_layout "$T/aw" latest "$aw"
inspect aw:latest >"$T/aw.json"
is "awkward: skopeo inspect sees 5 layers" "$(jq '.Layers | length' "$T/aw.json")" 5
is "awkward: the lowest layer is the busybox layer" \
	"$(jq -r '.Layers[0]' "$T/aw.json")" "$(jq -r '.Layers[0]' "$T/bb.json")"
is "awkward: the top layer is the empty tar" \
	"$(inspect aw:latest --config | jq -r '.rootfs.diff_ids[4]')" \
	sha256:5f70bf18a086007016e948b04aed3b82103a36bea41755b6cddfaf10ace3c6ef
check "awkward: umoci unpack" unpack aw latest aw.u
R=$T/aw.u/rootfs
A=$R/awkward  # used by the t checks

# t DESCRIPTION SHELL_CONDITION: a check on the unpacked awkward tree
t() {
	if eval "$2" >"$T/out" 2>&1; then
		ok 0 "awkward: $1"
	else
		echo "failed: $2" >>"$T/out"
		ok 1 "awkward: $1" "$T/out"
	fi
}
gone() { [ ! -e "$1" ] && [ ! -L "$1" ]; }
mode() { stat -c %a "$1"; }
owner() { stat -c %u:%g "$1"; }
t "whiteout deleted a file" 'gone "$A/deleteme" && gone "$A/.wh.deleteme"'
t "whiteout deleted a directory" 'gone "$A/deldir"'
t "whiteout of nothing is harmless" 'gone "$A/never-existed" && gone "$A/.wh.never-existed"'
t "deleted, then re-added" '[ "$(cat "$A/readd")" = "v3, re-added in layer 4" ]'
t "overwritten file" '[ "$(cat "$A/modified")" = v2 ]'
t "opaque dir hides lower contents, keeps new ones" \
	'[ "$(ls -A "$A/opaque" | tr "\n" " ")" = "new1 new2 " ]'
t "merged dir got layer 4's owner and mode" \
	'[ "$(owner "$A/merged") $(mode "$A/merged")" = "1000:1000 750" ] &&
	 [ "$(ls "$A/merged" | tr "\n" " ")" = "lower upper " ]'
t "file became a directory" '[ -f "$A/file2dir/inside" ]'
t "directory became a file" '[ -f "$A/dir2file" ] && [ "$(cat "$A/dir2file")" = "dir2file is a file now" ]'
t "hardlinks share one inode" \
	'[ "$(stat -c %i "$A/links/hard1")" = "$(stat -c %i "$A/links/hard2")" ] &&
	 [ "$(stat -c %i "$A/links/hard1")" = "$(stat -c %i "$A/links/sub/hard3")" ] &&
	 [ "$(stat -c %h "$A/links/hard1")" = 3 ]'
t "symlinks keep their targets" \
	'[ "$(readlink "$A/links/rel") $(readlink "$A/links/relup") $(readlink "$A/links/abs")" = "hard1 ../modified /etc/passwd" ] &&
	 [ "$(readlink "$A/links/dirlink") $(readlink "$A/links/dangling")" = "/var/www no-such-target" ] &&
	 [ "$(readlink "$A/links/climb")" = ../../../../../../etc/passwd ]'
t "setuid root file" '[ "$(owner "$A/perm/setuid") $(mode "$A/perm/setuid")" = "0:0 4755" ]'
t "setgid dir" '[ "$(owner "$A/perm/setgid-dir") $(mode "$A/perm/setgid-dir")" = "0:1000 2775" ]'
t "sticky dir" '[ "$(mode "$A/perm/sticky")" = 1777 ]'
t "read-only dir and mode 0000 file" \
	'[ "$(mode "$A/perm/ro-dir") $(mode "$A/perm/ro-dir/file") $(mode "$A/perm/no-access")" = "555 444 0" ]'
t "security.capability xattr (getcap)" \
	'getcap "$A/caps/busybox-netraw" | grep -q "cap_net_raw[=+]ep"'
t "user.* xattrs" \
	'tar -C "$R" --create --file=- --format=pax --no-recursion --xattrs \
		--xattrs-include="user.*" awkward/xattr/user awkward/xattr/dir >"$T/x.tar" &&
	 grep -aq "SCHILY.xattr.user.ct.test=hello xattr" "$T/x.tar" &&
	 grep -aq "SCHILY.xattr.user.ct.dir=on a dir" "$T/x.tar"'
t "FIFO" '[ -p "$A/dev/fifo" ]'
t "character devices 1,3" \
	'[ -c "$R/dev/ctnull" ] && [ "$(stat -c %t,%T "$R/dev/ctnull")" = 1,3 ] &&
	 [ -c "$A/dev/null" ] && [ "$(stat -c %t,%T "$A/dev/null")" = 1,3 ]'
t "block devices 7,0" \
	'[ -b "$R/dev/ctblk" ] && [ "$(stat -c %t,%T "$R/dev/ctblk")" = 7,0 ] &&
	 [ -b "$A/dev/loop0" ] && [ "$(owner "$A/dev/loop0")" = 0:6 ]'
t "files owned by 1000:1000 and 123:456" \
	'[ "$(owner "$A/owner/ct") $(owner "$A/owner/odd") $(owner "$A/owner/ctdir/file")" = "1000:1000 123:456 1000:1000" ]'
t "fixed mtime" '[ "$(stat -c %Y "$A/time/y2001")" = 1000000000 ] && [ "$(stat -c %Y "$A/modified")" = 0 ]'
t "empty file" '[ -f "$A/empty" ] && [ ! -s "$A/empty" ]'
t "deep path" '[ "$(cat "$A"/deep/level01/level02/level03/level04/level05/level06/level07/level08/level09/level10/level11/level12/level13/level14/level15/level16/level17/level18/level19/level20/level21/level22/level23/level24/level25/level26/level27/level28/level29/level30/bottom.txt)" = bottom ]'
t "spaces, unicode, a leading dash and a 200-byte name" \
	'[ -f "$A/names/with space and ünïcödé ☃.txt" ] && [ -f "$A/names/-leading-dash" ] &&
	 [ -f "$A/names/long-name-$(printf "%0190d" 0 | tr 0 x)" ]'
mk aw2 awkward
is "awkward: the same digest the second time" "$digest" "$aw"
check "awkward: byte-identical layouts" same_blobs aw aw2

# ---------------------------------------------------------------- layers N

mk l128 layers 128
l128=$digest
check "layers 128: layout, digests and diff_ids verify" verify_layout "$T/l128" latest "$l128"
is "layers 128: skopeo inspect sees 129 layers" "$(inspect l128:latest | jq '.Layers | length')" 129
check "layers 128: umoci unpack" unpack l128 latest l128.u
is "layers 128: /layers/001 ... /layers/128" \
	"$(ls "$T/l128.u/rootfs/layers" | wc -l) $(cat "$T/l128.u/rootfs/layers/001" "$T/l128.u/rootfs/layers/128" | tr '\n' ' ')" \
	"128 001 128 "
mk l3 layers 3
mk l3b layers 3
check "layers 3: byte-identical layouts twice" same_blobs l3 l3b

# ---------------------------------------------------------------- rootfs DIR

S=$T/src
mkdir -p "$S/etc" "$S/srv/data"
echo hello >"$S/etc/greeting"
ln "$S/etc/greeting" "$S/srv/hardlink"
ln -s ../etc/greeting "$S/srv/symlink"
echo secret >"$S/srv/data/secret"
chown -R 1000:1000 "$S/srv/data"
chmod 0600 "$S/srv/data/secret"
mk rf --cmd '["/bin/true"]' rootfs "$S"
rf=$digest
check "rootfs: layout, digests and diff_ids verify" verify_layout "$T/rf" latest "$rf"
is "rootfs: config" "$(inspect rf:latest --config | jq -c '[.config.Cmd, (.rootfs.diff_ids | length)]')" '[["/bin/true"],1]'
check "rootfs: umoci unpack" unpack rf latest rf.u
tree() { (cd "$1" && find . -mindepth 1 -printf '%P %y %m %U:%G %n %l\n' | sort); }
tree "$S" >"$T/tree.src"
tree "$T/rf.u/rootfs" >"$T/tree.unpacked"
check "rootfs: the unpacked tree has the source's names, types, modes, owners, links" \
	diff "$T/tree.src" "$T/tree.unpacked"
check "rootfs: the unpacked files have the source's contents" \
	diff -r --no-dereference "$S" "$T/rf.u/rootfs"
mk rf2 --cmd '["/bin/true"]' rootfs "$S"
is "rootfs: the same digest the second time" "$digest" "$rf"

# ---------------------------------------------------------------- compression

mk zs --compress zstd busybox
zs=$digest
check "zstd: layout, digests and diff_ids verify" verify_layout "$T/zs" latest "$zs"
is "zstd: layer media type" "$(inspect zs:latest --raw | jq -r '.layers[0].mediaType')" \
	application/vnd.oci.image.layer.v1.tar+zstd
is "zstd: same diff_ids as gzip" "$(inspect zs:latest --config | jq -c .rootfs)" \
	"$(inspect bb:latest --config | jq -c .rootfs)"
if unpack zs latest zs.u; then
	ok 0 "zstd: umoci unpack"
elif grep -q 'zstd' "$T/umoci.out"; then
	skip "zstd: umoci unpack" "this umoci cannot read zstd layers"
else
	ok 1 "zstd: umoci unpack" "$T/umoci.out"
fi
mk zs2 --compress zstd busybox
is "zstd: the same digest the second time" "$digest" "$zs"

mk nc --compress none busybox
nc=$digest
check "none: layout, digests and diff_ids verify" verify_layout "$T/nc" latest "$nc"
is "none: layer media type" "$(inspect nc:latest --raw | jq -r '.layers[0].mediaType')" \
	application/vnd.oci.image.layer.v1.tar
is "none: layer digest is its diff_id" "$(inspect nc:latest --raw | jq -r '.layers[0].digest')" \
	"$(inspect nc:latest --config | jq -r '.rootfs.diff_ids[0]')"
check "none: umoci unpack" unpack nc latest nc.u

# ---------------------------------------------------------------- --docker

# skopeo 1.9 (c/image) looks a tag up only among index.json entries with OCI
# media types; oci:DIR without a tag takes the only entry of any type.
mk dk --docker busybox
dk=$digest
check "docker: layout, digests and diff_ids verify" verify_layout "$T/dk" latest "$dk"
is "docker: media types" \
	"$(inspect dk --raw | jq -c '[.mediaType, .config.mediaType, .layers[0].mediaType]')" \
	'["application/vnd.docker.distribution.manifest.v2+json","application/vnd.docker.container.image.v1+json","application/vnd.docker.image.rootfs.diff.tar.gzip"]'
is "docker: skopeo inspect sees the printed digest" "$(inspect dk | jq -r .Digest)" "$dk"
is "docker: config and layer blobs are the OCI image's" \
	"$(jq -c '[.config.digest, .layers[].digest]' "$(blob "$T/dk" "$dk")")" \
	"$(jq -c '[.config.digest, .layers[].digest]' "$(blob "$T/bb" "$bb")")"
mk dn --docker --compress none busybox
check "docker, no compression: layout verifies" verify_layout "$T/dn" latest "$digest"
is "docker, no compression: layer media type" "$(inspect dn --raw | jq -r '.layers[0].mediaType')" \
	application/vnd.docker.image.rootfs.diff.tar
"$MKIMAGE" --docker --compress zstd busybox "$T/dz" >"$T/out" 2>&1
is "docker with zstd is a usage error" "$?" 100

# ---------------------------------------------------------------- --index

mk ix --index busybox
ix=$digest
check "index: layout, digests and diff_ids verify" verify_layout "$T/ix" latest "$ix"
is "index: index.json tags an image index" \
	"$(jq -r '.manifests[0].mediaType' "$T/ix/index.json")" application/vnd.oci.image.index.v1+json
is "index: arm64 first, then amd64" \
	"$(inspect ix:latest --raw | jq -c '[.manifests[].platform | [.os, .architecture, .variant]]')" \
	'[["linux","arm64","v8"],["linux","amd64",null]]'
is "index: the amd64 entry is the plain busybox image" \
	"$(inspect ix:latest --raw | jq -r '.manifests[1].digest')" "$bb"
is "index: skopeo picks linux/amd64" \
	"$(inspect ix:latest | jq -c '[.Digest, .Architecture, .Labels["ct.test.platform"]]')" \
	"[\"$ix\",\"amd64\",null]"
is "index: skopeo --override-arch arm64 picks the dummy" \
	"$(inspect ix:latest --override-arch arm64 | jq -c '[.Architecture, .Labels["ct.test.platform"]]')" \
	'["arm64","linux/arm64/v8"]'
# umoci 0.4 does no platform selection ("tag is ambiguous"): unpack the
# amd64 manifest through a layout whose index.json names it directly
mkdir -p "$T/ixa"
ln -s "$T/ix/blobs" "$T/ixa/blobs"
cp "$T/ix/oci-layout" "$T/ixa/"
inspect ix:latest --raw | jq -c '{schemaVersion: 2, manifests: [.manifests[1]
	| del(.platform) | .annotations = {"org.opencontainers.image.ref.name": "amd64"}]}' \
	>"$T/ixa/index.json"
check "index: umoci unpack of the amd64 manifest" unpack ixa amd64 ixa.u
mk ix2 --index busybox
is "index: the same digest the second time" "$digest" "$ix"

mk dx --index --docker busybox
check "docker index: layout verifies" verify_layout "$T/dx" latest "$digest"
is "docker index: manifest list media type" "$(inspect dx --raw | jq -r .mediaType)" \
	application/vnd.docker.distribution.manifest.list.v2+json
is "docker index: skopeo picks amd64" "$(inspect dx | jq -r .Architecture)" amd64

# ---------------------------------------------------------------- options

mk op --cmd 'echo hi; sleep 1' --entrypoint '["/bin/sh","-c"]' --env FOO=bar \
	--env PATH=/bin --label org.example.x=y --workdir /var/www --user 1000:1000 \
	--expose 80 --expose 53/udp --volume /data --created 2024-01-02T03:04:05Z busybox
check "options: layout verifies" verify_layout "$T/op" latest "$digest"
inspect op:latest --config >"$T/op.json"
is "options: Cmd and Entrypoint" "$(jq -c '[.config.Entrypoint, .config.Cmd]' "$T/op.json")" \
	'[["/bin/sh","-c"],["/bin/sh","-c","echo hi; sleep 1"]]'
is "options: Env (PATH replaced in place)" "$(jq -c .config.Env "$T/op.json")" '["PATH=/bin","FOO=bar"]'
is "options: WorkingDir, User" "$(jq -c '[.config.WorkingDir, .config.User]' "$T/op.json")" \
	'["/var/www","1000:1000"]'
is "options: ExposedPorts, Volumes" \
	"$(jq -c '[(.config.ExposedPorts | keys), (.config.Volumes | keys)]' "$T/op.json")" \
	'[["53/udp","80/tcp"],["/data"]]'
is "options: label" "$(jq -r '.config.Labels["org.example.x"]' "$T/op.json")" y
is "options: created" "$(jq -c '[.created, .history[0].created]' "$T/op.json")" \
	'["2024-01-02T03:04:05Z","2024-01-02T03:04:05Z"]'
mk ep --entrypoint '/bin/httpd -f -p 80' busybox
is "options: --entrypoint alone drops the default Cmd" \
	"$(inspect ep:latest --config | jq -c '[.config.Entrypoint, .config.Cmd]')" \
	'[["/bin/sh","-c","/bin/httpd -f -p 80"],null]'

# ---------------------------------------------------------------- layouts

mk_tagged multi one busybox
one=$digest
mk_tagged multi two --cmd '["true"]' busybox
mk_tagged multi aw awkward
mk_tagged multi two --cmd '["false"]' busybox
two=$digest
is "several tags in one layout, a re-used tag replaced" \
	"$(jq -c '[.manifests[] | [.annotations["org.opencontainers.image.ref.name"], .digest]]' "$T/multi/index.json")" \
	"[[\"one\",\"$one\"],[\"aw\",\"$aw\"],[\"two\",\"$two\"]]"
is "skopeo reads each tag" \
	"$(for tag in one two aw; do inspect "multi:$tag" | jq -r .Digest; done | tr '\n' ' ')" \
	"$one $two $aw "
check "umoci unpacks from the shared layout" unpack multi aw multi.u
find "$T/multi" -mindepth 1 -name ".*" >"$T/out"
is "no temporary files left in the layout" "$(cat "$T/out")" ""

mkdir "$T/notlayout" && touch "$T/notlayout/file"
"$MKIMAGE" busybox "$T/notlayout" >"$T/out" 2>&1
is "a non-empty directory that is no layout is refused" "$?" 111
"$MKIMAGE" --bogus busybox "$T/x" >"$T/out" 2>&1
is "an unknown option is a usage error" "$?" 100
"$MKIMAGE" --help >"$T/help" 2>&1
check "--help documents the awkward tree" grep -q '/awkward/opaque/' "$T/help"

echo "1..$n"
[ "$failures" = 0 ]
