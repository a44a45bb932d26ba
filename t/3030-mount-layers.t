#!/bin/sh
test_description='ct-mount: 128 layers mount, with fsconfig lowerdir+ and with the
classic mount(2) option string (short links when the paths are long)'
. "$(dirname "$0")/lib/test-lib.sh"
. "$CT_SRC/t/3099-mount-lib.sh"
test_require ROOT OVERLAY MKIMAGE JQ
mount_cleanup

L128=$(fixture_layers 128 2>mkimage.err) || { sed "s/^/# mkimage: /" mkimage.err; L128=; }

if [ -z "$L128" ]; then
	test_skip '128 layers' "t/lib/mkimage layers 128 failed: $(tail -n1 mkimage.err)"
else
test_expect_success '128 layers mount (fsconfig lowerdir+), lowest first' '
	unpack_layers "$L128" latest "$TEST_DIR/deep-layer-directories-with-longer-names" >lines128 &&
	test "$(wc -l <lines128)" = 130 &&
	tail -n +2 lines128 | ct-mount -- /bin/sh >out7 &&
	R=$(cat out7)/rootfs &&
	test "$(ls "$R/layers" | wc -l)" = 128 &&
	test "$(cat "$R/layers/001" "$R/layers/128" | tr "\n" " ")" = "001 128 " &&
	test -x "$R/bin/busybox"
'

test_expect_success '128 layers with the classic option string (short links l/N)' '
	tail -n +2 lines128 | CT_OVERLAY_API=classic ct-mount -v -- /bin/sh >out8 2>err &&
	test_grep "lowerdir=l/80:l/7f:" err &&
	R=$(cat out8)/rootfs &&
	test "$(ls "$R/layers" | wc -l)" = 128 &&
	test "$(cat "$R/layers/064")" = 064
'
fi

test_done
