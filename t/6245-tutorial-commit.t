#!/bin/sh
test_description='the Docker tutorial on images from containers: a container writes a file, diff shows it, commit makes an image, a new container has the file; cp in and out'
. "$(dirname "$0")/lib/test-lib.sh"
test_require ROOT OVERLAY BUSYBOX

test_cleanup 'for d in "$CT_ROOT"/containers/*/; do [ -d "$d" ] && ct rm -f "$(basename "$d")" >/dev/null 2>&1; done'

test_expect_success 'setup: a busybox image' '
	mkdir -p rootfs/bin rootfs/etc rootfs/tmp &&
	cp "$(command -v busybox)" rootfs/bin/busybox &&
	for a in sh cat echo rm ls sleep; do ln -s busybox rootfs/bin/$a || return 1; done &&
	echo "old motd" >rootfs/etc/motd && echo junk >rootfs/tmp/junk &&
	ct import -c "CMD [\"/bin/sh\"]" rootfs busybox >/dev/null
'

test_expect_success 'docker run: a container writes, changes and deletes files' '
	ct run --network none --name maker -e APP_MODE=prod busybox \
		sh -c "echo hello >/hello.txt; echo new motd >/etc/motd; rm /tmp/junk"
'

test_expect_success 'docker diff: A /hello.txt, C /etc/motd, D /tmp/junk' '
	ct diff maker >out &&
	grep -qx "A /hello.txt" out && grep -qx "C /etc/motd" out && grep -qx "D /tmp/junk" out &&
	grep -qx "C /etc" out && grep -qx "C /tmp" out
'

test_expect_success 'docker cp in and out of the stopped container' '
	echo "from the host" >note.txt &&
	ct cp note.txt maker:/note.txt &&
	ct cp maker:/hello.txt back.txt &&
	test "$(cat back.txt)" = hello &&
	ct diff maker | grep -qx "A /note.txt"
'

test_expect_success 'docker commit -c -m: a new image, listed, with its history' '
	ct commit -m "add hello" -a "Tutorial <t@example.com>" -c "CMD [\"cat\",\"/hello.txt\"]" -c "ENV GREETING=hi" -c "EXPOSE 8080" maker hello:v1 >id &&
	grep -qx "sha256:[0-9a-f]\{64\}" id &&
	ct images >out && grep -q "^hello  *v1  *$(cut -c8-19 id) " out &&
	ct history hello:v1 >out && sed -n 2p out | grep -q "ct commit .*add hello$" &&
	test "$(ct inspect -f "{{.Author}}" hello:v1)" = "Tutorial <t@example.com>" &&
	test "$(ct inspect -f "{{json .Config.ExposedPorts}}" hello:v1)" = "{\"8080/tcp\":{}}"
'

test_expect_success 'docker run of the new image: its Cmd, the files, the env of the container' '
	test "$(ct run --rm --network none hello:v1)" = hello &&
	ct run --rm --network none hello:v1 sh -c "cat /etc/motd /note.txt; ls /tmp; echo \$APP_MODE \$GREETING" >out &&
	printf "new motd\nfrom the host\nprod hi\n" >expect &&
	test_cmp expect out
'

test_expect_success 'commit of a running container pauses it and leaves it running; no tag: an untagged image' '
	ct run -d --network none --name live busybox sh -c "echo live >/live.txt; sleep 100" >/dev/null &&
	for i in $(seq 50); do ct diff live | grep -q "A /live.txt" && break; sleep 0.1; done &&
	ct commit live >id2 &&
	grep -qx "sha256:[0-9a-f]\{64\}" id2 &&
	test "$(ct inspect -f "{{.State.Status}}" live)" = running &&
	test "$(ct run --rm --network none "$(cat id2)" cat /live.txt)" = live
'

test_done
