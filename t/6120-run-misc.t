#!/bin/sh
test_description='ct run: --tmpfs, --label, --stop-signal/--stop-timeout, --health-*, --init, --restart, and the command line in ct.ini and ps'
. "$(dirname "$0")/lib/test-lib.sh"
test_require ROOT OVERLAY BUSYBOX CGROUP JQ
. "$CT_SRC/t/6149-run-lib.sh"

annot() { jq -r --arg k "$2" ".annotations[\$k] // \"-\"" "$(cfile "$1" config.json)"; }

test_expect_success 'setup: a busybox image' '
	run_image
'

test_expect_success '--tmpfs mounts a tmpfs (noexec,nosuid,nodev unless told); options pass through' '
	ct run --rm --network none --tmpfs /run --tmpfs=/scratch:size=1m,mode=1770,exec busybox \
		sh -c "grep -E \" /(run|scratch) \" /proc/self/mounts; stat -c %a /scratch" >out &&
	test_grep "^tmpfs /run tmpfs rw,nosuid,nodev,noexec" out &&
	test_grep "^tmpfs /scratch tmpfs rw,nosuid,nodev,relatime,size=1024k" out &&
	test_grep "^1770$" out &&
	test_expect_code 125 ct run --rm --network none --tmpfs run busybox true 2>err &&
	test_grep "invalid --tmpfs \"run\"" err
'

test_expect_success '--label and --label-file: annotations in config.json and labels in ct.ini' '
	printf "# a comment\nfrom.file=yes\n\nteam=ops\n" >labels &&
	ct create --network none --label a=b -l c=d=e --label=empty --label-file labels busybox >id &&
	id=$(cat id) &&
	test "$(annot "$id" a)" = b && test "$(annot "$id" c)" = d=e &&
	test "$(annot "$id" empty)" = "" && test "$(annot "$id" from.file)" = yes &&
	test_grep "^labels = a=b,c=d=e,empty=,from.file=yes,team=ops$" "$(cfile "$id" ct.ini)"
'

test_expect_success 'the image'"'"'s labels are labels too; --label overrides them' '
	ct import -c "LABEL vendor=acme tier=base" -c "CMD [\"sh\"]" rootfs labelled >/dev/null &&
	ct create --network none --label tier=top labelled >id &&
	test_grep "^labels = tier=top,vendor=acme$" "$(cfile "$(cat id)" ct.ini)"
'

test_expect_success 'ct.ini keeps its keys and has the command as docker ps shows it' '
	ct create --network none --name cmdline busybox sh -c "echo hi; sleep 1" >id &&
	ini=$(cfile "$(cat id)" ct.ini) &&
	for k in id name image image_ref created rootfs; do test_grep "^$k = " "$ini" || return 1; done &&
	test_grep "^command = sh -c '"'"'echo hi; sleep 1'"'"'$" "$ini" &&
	ct ps -a --no-trunc >out &&
	test_grep "\"sh -c '"'"'echo hi; sleep 1'"'"'\".* cmdline$" out &&
	ct create --network none --entrypoint /bin/echo busybox a b >id &&
	test_grep "^command = /bin/echo a b$" "$(cfile "$(cat id)" ct.ini)"
'

test_expect_success 'a command longer than an ini line is cut, and the container still works' '
	long=$(printf "x%.0s" $(seq 300)) &&
	ct create --network none --name longcmd busybox echo "$long" >id &&
	ini=$(cfile "$(cat id)" ct.ini) &&
	test "$(awk "length > 199" "$ini" | wc -l)" = 0 &&
	test_grep "^command = echo xxxx*\.\.\.$" "$ini" &&
	ct rm longcmd >out && test_grep "^longcmd$" out
'

test_expect_success '--stop-signal: the annotation, and ct stop sends it' '
	ct run -d --network none --name sig --stop-signal SIGUSR1 busybox \
		sh -c "trap \"exit 42\" USR1; touch /ready; while :; do sleep 0.1; done" >id &&
	test "$(annot "$(cat id)" org.opencontainers.image.stopSignal)" = SIGUSR1 &&
	for i in $(seq 300); do [ -e "$(cfile "$(cat id)" upper/ready)" ] && break; sleep 0.1; done &&
	ct stop -t 5 sig >/dev/null &&
	test "$(ct wait sig)" = 42 &&
	test_expect_code 125 ct run --rm --network none --stop-signal SIGNOPE busybox true 2>err &&
	test_grep "invalid --stop-signal \"SIGNOPE\"" err
'

test_expect_success '--stop-timeout: annotation org.ct.stop_timeout in seconds' '
	ct create --network none --stop-timeout=7 busybox >id &&
	test "$(annot "$(cat id)" org.ct.stop_timeout)" = 7 &&
	ct create --network none busybox >id &&
	test "$(annot "$(cat id)" org.ct.stop_timeout)" = - &&
	test_expect_code 125 ct run --rm --network none --stop-timeout soon busybox true 2>err &&
	test_grep "invalid --stop-timeout \"soon\"" err
'

test_expect_success '--health-*: annotations, Docker'"'"'s defaults for the rest' '
	ct create --network none --health-cmd "test -e /tmp" --health-interval 1m30s \
		--health-timeout=500ms --health-retries 5 --health-start-period 2s busybox >id &&
	id=$(cat id) &&
	test "$(annot "$id" org.ct.health.test)" = "[\"CMD-SHELL\",\"test -e /tmp\"]" &&
	test "$(annot "$id" org.ct.health.interval)" = 90000000000 &&
	test "$(annot "$id" org.ct.health.timeout)" = 500000000 &&
	test "$(annot "$id" org.ct.health.retries)" = 5 &&
	test "$(annot "$id" org.ct.health.start_period)" = 2000000000 &&
	ct create --network none --health-cmd true busybox >id &&
	id=$(cat id) &&
	test "$(annot "$id" org.ct.health.interval)" = 30000000000 &&
	test "$(annot "$id" org.ct.health.timeout)" = 30000000000 &&
	test "$(annot "$id" org.ct.health.retries)" = 3 &&
	test "$(annot "$id" org.ct.health.start_period)" = 0
'

test_expect_success 'the image'"'"'s Healthcheck is used; flags win field by field' '
	ct image save -o saved.tar busybox && mkdir saved && tar -C saved -xf saved.tar &&
	cfg=$(jq -r ".[0].Config" saved/manifest.json) &&
	jq -c ".config.Healthcheck = {\"Test\": [\"CMD-SHELL\", \"test -d /tmp\"],
		\"Interval\": 2000000000, \"Retries\": 4}" "saved/$cfg" >saved/health.json &&
	rm -f "saved/$cfg" saved/repositories &&
	jq -c ".[0].Config = \"health.json\" | .[0].RepoTags = [\"healthy:latest\"]" \
		saved/manifest.json >m && mv m saved/manifest.json &&
	tar -C saved -cf healthy.tar . && ct image load -q -i healthy.tar >/dev/null &&
	ct create --network none healthy >id &&
	id=$(cat id) &&
	test "$(annot "$id" org.ct.health.test)" = "[\"CMD-SHELL\",\"test -d /tmp\"]" &&
	test "$(annot "$id" org.ct.health.interval)" = 2000000000 &&
	test "$(annot "$id" org.ct.health.timeout)" = 30000000000 &&
	test "$(annot "$id" org.ct.health.retries)" = 4 &&
	ct create --network none --health-retries 9 --health-timeout 1s healthy >id &&
	id=$(cat id) &&
	test "$(annot "$id" org.ct.health.interval)" = 2000000000 &&
	test "$(annot "$id" org.ct.health.timeout)" = 1000000000 &&
	test "$(annot "$id" org.ct.health.retries)" = 9 &&
	ct create --network none --health-cmd "exit 0" healthy >id &&
	test "$(annot "$(cat id)" org.ct.health.test)" = "[\"CMD-SHELL\",\"exit 0\"]" &&
	ct create --network none --no-healthcheck healthy >id &&
	test "$(annot "$(cat id)" org.ct.health.test)" = "[\"NONE\"]"
'

test_expect_success 'no health check: no annotations; --no-healthcheck writes ["NONE"]' '
	ct create --network none busybox >id &&
	test "$(annot "$(cat id)" org.ct.health.test)" = - &&
	ct create --network none --no-healthcheck busybox >id &&
	test "$(annot "$(cat id)" org.ct.health.test)" = "[\"NONE\"]" &&
	test "$(annot "$(cat id)" org.ct.health.interval)" = - &&
	test_expect_code 125 ct run --rm --network none --health-interval 1x --health-cmd true busybox true 2>err &&
	test_grep "invalid --health-interval \"1x\"" err &&
	test_expect_code 125 ct run --rm --network none --no-healthcheck --health-cmd true busybox true 2>err &&
	test_grep "conflicts" err
'

test_expect_success '--init: PID 1 is the tiny init and the command runs under it' '
	ct run --rm --network none --init busybox sh -c "tr \"\\0\" \" \" </proc/1/cmdline; echo; echo \$\$" >out &&
	test_grep "^ct-spawn init sh -c" out &&
	! test_grep -x 1 out 2>/dev/null &&
	ct run --rm --network none busybox sh -c "echo \$\$" >out &&
	test "$(cat out)" = 1
'

test_expect_success '--restart on-failure:2 restarts a failing container twice' '
	ct run -d --network none --restart=on-failure:2 busybox sh -c "echo run >>/count; exit 3" >id &&
	id=$(cat id) &&
	for i in $(seq 400); do
		[ "$(grep -c run "$(cfile "$id" upper/count)" 2>/dev/null)" = 3 ] &&
		grep -q "^status = stopped" "$(cfile "$id" state.ini)" && break
		sleep 0.1
	done &&
	test "$(grep -c run "$(cfile "$id" upper/count)")" = 3 &&
	test_grep "^restart_count = 2$" "$(cfile "$id" state.ini)" &&
	test_grep "^restart = on-failure:2$" "$(cfile "$id" ct.ini)" &&
	ct create --network none --restart=always --init busybox >id &&
	test_grep "^restart = always$" "$(cfile "$(cat id)" ct.ini)" &&
	test_grep "^init = true$" "$(cfile "$(cat id)" ct.ini)" &&
	test_expect_code 125 ct run --network none --restart always busybox true 2>err &&
	test_grep "needs -d" err &&
	test_expect_code 125 ct run -d --rm --network none --restart always busybox true 2>err &&
	test_grep "conflicting options: --restart and --rm" err &&
	test_expect_code 125 ct run -d --network none --restart sometimes busybox true 2>err &&
	test_grep "invalid restart policy" err
'

test_done
