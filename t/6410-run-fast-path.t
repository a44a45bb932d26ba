#!/bin/sh
test_description='ct run fast path: no image lookup when the image is there, volatile overlay for --rm, quoting without sed, ct found from any $0'
. "$(dirname "$0")/lib/test-lib.sh"
test_require ROOT OVERLAY BUSYBOX

test_cleanup 'for d in "$CT_ROOT"/containers/*/; do [ -d "$d" ] && ct rm -f "$(basename "$d")" >/dev/null 2>&1; done'

test_expect_success 'setup: a busybox image' '
	mkdir -p rootfs/bin rootfs/etc &&
	cp "$(command -v busybox)" rootfs/bin/busybox &&
	for a in sh cat env true grep; do ln -s busybox rootfs/bin/$a || return 1; done &&
	ct import -c "CMD [\"/bin/sh\"]" rootfs busybox >/dev/null
'

test_expect_success 'run --rm: the root overlay is volatile (never synced), as Podman does' '
	ct run --rm --network none busybox cat /proc/self/mountinfo >out &&
	grep " / / .* overlay overlay .*volatile" out
'

test_expect_success 'run without --rm: the root overlay is not volatile' '
	ct run --network none --name kept busybox cat /proc/self/mountinfo >out &&
	grep " / / .* overlay overlay " out &&
	! grep " / / .*volatile" out &&
	ct rm kept >/dev/null
'

test_expect_success 'the image is found without ct-image or ct-unpack: ct-mount --image reads the store' '
	mkdir -p spy &&
	for t in image unpack; do
		printf "#!/bin/sh\necho \"%s \$*\" >>%s/spy/calls\nexec %s/bin/ct-%s \"\$@\"\n" \
			"$t" "$TEST_DIR" "$CT_BUILD" "$t" >spy/ct-$t && chmod +x spy/ct-$t || return 1
	done &&
	ln -s "$CT_BUILD/bin/ct" spy/ct &&
	for t in mount spawn net pull; do ln -s "$CT_BUILD/bin/ct-$t" spy/ct-$t || return 1; done &&
	CT_LIB=$CT_BUILD/lib/ct spy/ct run --rm --network none busybox true &&
	! test -e spy/calls &&
	test_expect_code 125 env CT_LIB=$CT_BUILD/lib/ct spy/ct run --rm --network none --pull never nosuch:1 2>err &&
	grep -q "nosuch:1 not found locally" err &&
	grep -q "^image inspect nosuch:1" spy/calls
'

test_expect_success 'an image whose layers are not unpacked yet: ct-mount --image says so (3), ct run unpacks them' '
	rm -rf "$CT_ROOT/layers"/* &&
	test_expect_code 3 ct-mount --image busybox -- true 2>err &&
	grep -q "not unpacked.*ct-unpack busybox first" err &&
	rm -f spy/calls &&
	CT_LIB=$CT_BUILD/lib/ct spy/ct run --rm --network none busybox true &&
	grep -q "^unpack busybox" spy/calls &&
	test_expect_code 3 ct-mount --image nosuch:2 -- true 2>err &&
	test_expect_code 2 ct-mount --image busybox /tmp -- true 2>err &&
	grep -q "no image or layer arguments" err
'

# fsyncs_of TRACE: the program that made each fsync or fdatasync in an
# strace -f log of execve, fsync and fdatasync, one a line
fsyncs_of() {
	awk '/execve\(/ { if (match($0, /execve\("[^"]*"/)) {
			n = substr($0, RSTART + 8, RLENGTH - 9); sub(/.*\//, "", n); prog[$1] = n } }
	     / (fsync|fdatasync)\(/ { print prog[$1] }' "$1"
}

test_expect_success STRACE 'run --rm syncs nothing of its own: no fsync in ct-mount or ct-spawn' '
	strace -f -o trace -e trace=execve,fsync,fdatasync ct run --rm --network none busybox true &&
	fsyncs_of trace >syncs &&
	! grep -E "^ct-(mount|spawn)$" syncs
'

test_expect_success STRACE 'a kept container (no --rm) is written durably: ct-mount and ct-spawn fsync' '
	strace -f -o trace -e trace=execve,fsync,fdatasync ct run --network none --name durable busybox true &&
	fsyncs_of trace >syncs &&
	grep -qx ct-mount syncs &&
	grep -qx ct-spawn syncs &&
	ct rm durable >/dev/null
'

test_expect_success 'a foreground run --rm asks ct-spawn nothing after it ends (it deleted its own state)' '
	rm -f spy/calls &&
	printf "#!/bin/sh\necho \"\$1\" >>%s/spy/calls\nexec %s/bin/ct-spawn \"\$@\"\n" "$TEST_DIR" "$CT_BUILD" >spy/ct-spawn.new &&
	chmod +x spy/ct-spawn.new && mv -f spy/ct-spawn.new spy/ct-spawn &&
	CT_LIB=$CT_BUILD/lib/ct spy/ct run --rm --network none busybox true &&
	echo run >expect &&
	test_cmp expect spy/calls &&
	ls "$CT_ROOT/containers" >left &&
	! test -s left
'

test_expect_success STRACE 'ct run --rm starts only the tools, even with the root from ct.conf' '
	printf "[storage]\n  root = %s \n" "$CT_ROOT" >conf &&
	env -u CT_ROOT CT_CONFIG="$TEST_DIR/conf" \
		strace -f -o trace -e trace=execve ct run --rm --network none busybox true &&
	sed -n "s/.*execve(\"\([^\"]*\)\".*/\1/p" trace | sed "s,.*/,," >progs &&
	printf "%s\n" ct ct-mount ct-spawn true ct-mount >expect &&
	test_cmp expect progs
'

test_expect_success 'a throw-away container whose unsynced files a crash emptied: Dead in ps -a, rm removes it' '
	id=$(ct create --rm --network none busybox true) &&
	: >"$CT_ROOT/containers/$id/ct.ini" &&
	: >"$CT_ROOT/containers/$id/config.json" &&
	ct ps -a --no-trunc --format "{{.ID}} {{.Status}}" >ps &&
	grep -qx "$id Dead" ps &&
	ct rm "$id" >out 2>err &&
	grep -qx "$id" out &&
	grep -q "removing what is there" err &&
	! test -e "$CT_ROOT/containers/$id" &&
	! grep -q "$CT_ROOT/containers/$id" /proc/mounts
'

test_expect_success JQ 'a single-platform image asked for another platform is refused, as Docker does' '
	own=$(ct image inspect busybox | jq -r ".[0].Os + \"/\" + .[0].Architecture") &&
	ct run --rm --network none --platform "$own" busybox true &&
	test_expect_code 125 ct run --rm --network none --platform linux/s390x busybox true 2>err &&
	grep -q "is $own, not linux/s390x" err &&
	test_expect_code 1 ct-unpack --platform linux/s390x busybox 2>err &&
	grep -q "is $own, not linux/s390x" err
'

test_expect_success 'values with quotes and spaces reach the container intact' '
	ct run --rm --network none -e "Q=it'"'"'s a \"test\" \$HOME" busybox env >out &&
	grep -qx "Q=it'"'"'s a \"test\" \$HOME" out &&
	ct run --rm --network none busybox sh -c "echo '"'"'one two'"'"'" >out &&
	test "$(cat out)" = "one two"
'

test_expect_success 'ct finds its tools and verbs from a relative $0' '
	(cd "$CT_BUILD" && sh bin/ct images >"$TEST_DIR/out1") &&
	grep -q "^busybox " out1 &&
	(cd "$CT_BUILD/bin" && ./ct images >"$TEST_DIR/out2") &&
	grep -q "^busybox " out2 &&
	(cd "$CT_BUILD/bin" && sh ct images -q >"$TEST_DIR/out3") &&
	ct images -q >out4 && test -s out4 && test_cmp out4 out3
'

test_done
