#!/bin/sh
test_description='ct system: version, info, df, prune (-a, --volumes, -f) down to an empty store with no mounts and no network state'
. "$(dirname "$0")/lib/test-lib.sh"
test_require ROOT OVERLAY BUSYBOX NETNS NFT
command -v nsenter >/dev/null || skip_all "needs nsenter (util-linux)"

# ct runs in a throw-away network namespace that plays the host, so its
# bridges and nft tables are the test's own (see t/5040)
HNS=$(test_netns sys) || skip_all "cannot create a network namespace"
hx() { nsenter --net="/run/netns/$HNS" "$@"; }
test_cleanup "for f in '$CT_ROOT'/networks/*.dns.pid; do [ -f \"\$f\" ] && kill \$(cat \"\$f\"); done"
test_cleanup 'for d in "$CT_ROOT"/containers/*/; do [ -d "$d" ] && hx ct rm -f "$(basename "$d")" >/dev/null 2>&1; done'

# mkroot DIR FILE: a busybox rootfs that also holds FILE (so images differ)
mkroot() {
	mkdir -p "$1/bin" "$1/etc" &&
	cp "$(command -v busybox)" "$1/bin/busybox" &&
	for a in sh true sleep echo cat; do ln -sf busybox "$1/bin/$a" || return 1; done &&
	echo "$2" >"$1/etc/which"
}

test_expect_success 'ct version names the front end and each tool' '
	ct version >out &&
	grep -q "^ct version [0-9]" out &&
	grep -q "^ ct-spawn: *[0-9]" out &&
	ct system version >out2 && test_cmp out out2
'

test_expect_success 'setup: two images (busybox, other) and a dangling one' '
	mkroot r1 one && mkroot r2 two && mkroot r3 three &&
	ct import -c "CMD [\"/bin/sh\"]" r1 busybox >/dev/null &&
	ct import r2 other >/dev/null &&
	ct import r3 >/dev/null &&
	ct images >out &&
	test "$(grep -c "^<none>" out)" = 1
'

test_expect_success 'ct system df on a store with images and no containers' '
	ct system df >out &&
	head -n 1 out | grep -q "^TYPE  *TOTAL  *ACTIVE  *SIZE  *RECLAIMABLE$" &&
	grep -q "^Images  *3  *0  *[0-9.]*[kM]B  *[0-9.]*[kM]B (100%)$" out &&
	grep -q "^Containers  *0  *0  *0B  *0B$" out &&
	grep -q "^Local Volumes  *0  *0 " out &&
	grep -q "^Build Cache  *0  *0 " out
'

test_expect_success 'containers: one ran, one created, one running; info and df count them' '
	hx ct run --network none busybox sh -c "echo x >/big" &&
	hx ct create --network none --name made other true >/dev/null &&
	hx ct run -d --network none --name up busybox sleep 1000 >/dev/null &&
	ct info >out &&
	grep -qx "Containers: 3" out && grep -qx " Running: 1" out &&
	grep -qx " Stopped: 2" out && grep -qx "Images: 3" out &&
	grep -q "^Storage Driver: overlay" out && grep -q "^Cgroup Version: " out &&
	grep -q "^Kernel Version: $(uname -r)$" out && grep -q "^CPUs: [0-9]" out &&
	ct system df >out &&
	grep -q "^Images  *3  *2 " out &&
	grep -q "^Containers  *3  *1 " out
'

test_expect_success 'prune without -f asks, and "n" keeps everything' '
	ls "$CT_ROOT/containers" >before &&
	echo n | ct system prune >out &&
	grep -q "^WARNING! This will remove:" out &&
	grep -q "all dangling images" out &&
	ls "$CT_ROOT/containers" >after &&
	test_cmp before after
'

test_expect_success 'prune: stopped containers and the dangling image go; running and tagged stay' '
	made=$(grep -l "^name = made$" "$CT_ROOT"/containers/*/ct.ini) &&
	made=$(basename "$(dirname "$made")") &&
	echo y | hx ct system prune >out &&
	sed -n "/Deleted Containers:/,/^\$/p" out >dc &&
	test "$(grep -c "^[0-9a-f]\{64\}$" dc)" = 2 &&
	grep -qx "$made" dc &&
	grep -q "^Deleted Images:" out &&
	grep -q "^Total reclaimed space: [0-9.]*[kM]*B$" out &&
	ct ps -a >ps && test "$(wc -l <ps)" = 2 && grep -q " up$" ps &&
	ct images >imgs && ! grep -q "^<none>" imgs &&
	grep -q "^busybox " imgs && grep -q "^other " imgs
'

test_expect_success 'a second prune has nothing to do: 0B' '
	hx ct system prune -f >out &&
	test "$(cat out)" = "Total reclaimed space: 0B"
'

test_expect_success 'unknown flags are refused with 125' '
	test_expect_code 125 ct system prune --frob 2>err &&
	grep -q "unknown flag: --frob" err
'

# volumes take part where this build has them (ct-volume, ct volume)
if [ -x "$CT_BUILD/bin/ct-volume" ] && [ -f "$CT_BUILD/lib/ct/volume.sh" ]; then
	test_expect_success 'setup: a named and an anonymous volume, used by stopped containers' '
		hx ct run --network none -v data:/data busybox sh -c "echo kept >/data/f" &&
		hx ct run --network none -v /anon busybox true &&
		ls "$CT_ROOT/volumes" >vols && test "$(grep -c . vols)" -ge 2
	'
fi

test_expect_success 'end to end: runs on networks, then prune -a --volumes empties everything' '
	hx ct-net create andromeda >/dev/null &&
	hx ct run -d --network andromeda --name star busybox sleep 1000 >/dev/null &&
	hx ct run --rm busybox true &&
	hx ct run busybox echo on-the-bridge >out && test "$(cat out)" = on-the-bridge &&
	hx ip -br link >links && grep -q "^ct" links &&
	hx nft list tables >tables && test -s tables &&
	hx ct stop -t 1 up star >/dev/null &&
	hx ct system prune -a --volumes -f >out &&
	grep -q "^Deleted Networks:" out && grep -qx andromeda out &&
	grep -q "^Total reclaimed space: [0-9.]*MB$" out &&
	ls -A "$CT_ROOT/containers" >left && ! grep -v "^\.lock$" left &&
	ls -A "$CT_ROOT/layers" >left && ! grep -q . left &&
	ls -A "$CT_ROOT/images/blobs/sha256" >left && ! grep -q . left &&
	! grep -q sha256 "$CT_ROOT/images/index.json" &&
	ls -A "$CT_ROOT/networks" >left && ! grep -v "^\.lock$" left &&
	ls -A "$CT_ROOT/netns" >left && ! grep -q . left &&
	{ ! test -d "$CT_ROOT/volumes" || { ls -A "$CT_ROOT/volumes" >left && ! grep -v "^\.lock$" left; }; } &&
	! grep -qF "$CT_ROOT" /proc/self/mountinfo &&
	hx ip -br link >links && test "$(cut -d" " -f1 links)" = lo &&
	hx nft list tables >tables && ! test -s tables &&
	ct ps -aq >left && ! test -s left && ct images -q >left && ! test -s left
'

test_expect_success 'system df of the empty store: all zero' '
	ct system df >out &&
	grep -q "^Images  *0  *0  *0B  *0B$" out &&
	grep -q "^Containers  *0  *0  *0B  *0B$" out
'

test_done
