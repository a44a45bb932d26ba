#!/bin/sh
test_description='ct-spawn builds a seccomp profile once and keeps the BPF: the same filter from the cache, a damaged cache file is made again'
. "$(dirname "$0")/lib/test-lib.sh"
test_require ROOT OVERLAY BUSYBOX USERNS

CT_SECCOMP_CACHE=$TEST_DIR/sc
export CT_SECCOMP_CACHE
test_cleanup 'for d in "$CT_ROOT"/containers/*/; do [ -d "$d" ] && ct rm -f "$(basename "$d")" >/dev/null 2>&1; done'

# probe: what the container may do; unshare(CLONE_NEWUSER) needs no
# capability, so only seccomp refuses it
PROBE='grep "^Seccomp:" /proc/self/status; unshare -U true && echo unshare-allowed || echo unshare-refused'

test_expect_success 'setup: a busybox image' '
	mkdir -p rootfs/bin &&
	cp "$(command -v busybox)" rootfs/bin/busybox &&
	for a in sh grep unshare true echo; do ln -s busybox rootfs/bin/$a || return 1; done &&
	ct import -c "CMD [\"/bin/sh\"]" rootfs busybox >/dev/null
'

test_expect_success 'without seccomp the probe may unshare (so the check below can fail)' '
	ct-unpack busybox >layers &&
	b=$(ct-mount --seccomp unconfined -- sh -c "$PROBE" <layers) &&
	ct-spawn run "$b" >out 2>&1 </dev/null &&
	ct-mount --umount --rm "${b##*/}" &&
	grep -q "^Seccomp:.*0" out && grep -q unshare-allowed out
'

test_expect_success 'the first run builds the filter and keeps it (0600, root only)' '
	ct run --rm --network none busybox sh -c "$PROBE" >out1 2>&1 &&
	grep -q "^Seccomp:.*2" out1 && grep -q unshare-refused out1 &&
	ls "$CT_SECCOMP_CACHE" >files && test "$(grep -c "^[0-9a-f]\{64\}\.bpf$" files)" = 1 &&
	f=$CT_SECCOMP_CACHE/$(cat files) &&
	test "$(stat -c %a "$f")" = 600 &&
	stat -c %i.%Y "$f" >stamp1
'

test_expect_success 'the next run loads the kept filter: same effect, file untouched' '
	ct run --rm --network none busybox sh -c "$PROBE" >out2 2>&1 &&
	test_cmp out1 out2 &&
	stat -c %i.%Y "$f" >stamp2 && test_cmp stamp1 stamp2
'

test_expect_success 'with the cache off the filter is the same' '
	CT_SECCOMP_CACHE= ct run --rm --network none busybox sh -c "$PROBE" >out3 2>&1 &&
	test_cmp out1 out3
'

test_expect_success 'a damaged cache file is not trusted: made again, still confined' '
	printf "\377\377\377\377" | dd of="$f" bs=1 seek=60 conv=notrunc 2>/dev/null &&
	ct run --rm --network none busybox sh -c "$PROBE" >out4 2>&1 &&
	test_cmp out1 out4 &&
	stat -c %i "$f" >ino && ! test "$(cat ino)" = "$(cut -d. -f1 stamp1)" &&
	truncate -s 100 "$f" &&
	ct run --rm --network none busybox sh -c "$PROBE" >out5 2>&1 &&
	test_cmp out1 out5 && test "$(stat -c %s "$f")" -gt 100
'

test_done
