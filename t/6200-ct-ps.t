#!/bin/sh
test_description='ct ps: Docker'"'"'s STATUS and CREATED, ports, filters, --format, -n/-l, and the state.ini reading'
. "$(dirname "$0")/lib/test-lib.sh"
test_require ROOT OVERLAY BUSYBOX

test_cleanup 'for d in "$CT_ROOT"/containers/*/; do [ -d "$d" ] && ct rm -f "$(basename "$d")" >/dev/null 2>&1; done'

# fake ID NAME STATUS PID CODE [HEALTH]: a container as the tools leave it
# on disk (ct.ini, state.ini), without a process of its own
fake() {
	d=$CT_ROOT/containers/$1
	mkdir -p "$d" &&
	printf '[container]\nid = %s\nname = %s\nimage = sha256:%064d\nimage_ref = docker.io/library/busybox:latest\ncreated = %s\nrootfs = overlay\ncommand = sleep 1000 and a long tail of words\nlabels = tier=web,team\n' \
		"$1" "$2" 7 "$(date -u -d @$(($(date +%s) - 125)) +%Y-%m-%dT%H:%M:%SZ)" >"$d/ct.ini" &&
	if [ "$3" != none ]; then
		printf '[state]\nstatus = %s\npid = %s\nexit_code = %s\nstarted = %s\nfinished = %s\n%s' \
			"$3" "$4" "$5" "$(date -u -d @$(($(date +%s) - 65)) +%Y-%m-%dT%H:%M:%S.123456789Z)" \
			"$(date -u -d @$(($(date +%s) - 7)) +%Y-%m-%dT%H:%M:%S.5Z)" "${6:+health = $6
}" >"$d/state.ini"
	fi
}
ID1=1111111111111111111111111111111111111111111111111111111111111111
ID2=2222222222222222222222222222222222222222222222222222222222222222
ID3=3333333333333333333333333333333333333333333333333333333333333333

test_expect_success 'setup: a live process, three containers on disk, a published port' '
	test_bg live sleep 300 &&
	fake $ID1 alive running $test_pid_live 0 healthy &&
	sleep 1 &&
	fake $ID2 dead running 999999999 0 &&
	sleep 1 &&
	fake $ID3 fresh none &&
	mkdir -p "$CT_ROOT/networks" &&
	printf "[network]\nname = bridge\nsubnet = 10.99.0.0/16\n[endpoint]\nid = %s\nname = alive\nip = 10.99.0.2\nport = tcp:0.0.0.0:8080:80\nport = udp:127.0.0.1:5353:53\n" $ID1 >"$CT_ROOT/networks/bridge.ini"
'

test_expect_success 'state.ini running with a live pid is Up, even when ct-spawn does not know it' '
	test -z "$(ct-spawn state $ID1 2>/dev/null)" &&
	ct ps >out &&
	grep -q "^111111111111   busybox   \"sleep 1000 and a lo…\"   2 minutes ago   Up About a minute (healthy)   0.0.0.0:8080->80/tcp, 127.0.0.1:5353->53/udp   alive$" out &&
	test $(wc -l <out) = 2
'

test_expect_success 'a dead pid is Exited with its code; no state.ini is Created; newest first' '
	ct ps -a >out &&
	head -1 out | grep -q "^CONTAINER ID   IMAGE     COMMAND                  CREATED         STATUS  *PORTS  *NAMES$" &&
	sed -n 2p out | grep -q "^333333333333 .*   Created   .*  fresh$" &&
	sed -n 3p out | grep -q "^222222222222 .*   Exited (0) [0-9]* seconds ago   .*  dead$" &&
	sed -n 4p out | grep -q "^111111111111 .* Up " &&
	ct ps -aq >out && printf "333333333333\n222222222222\n111111111111\n" >expect && test_cmp expect out
'

test_expect_success 'filters: status, name, id, ancestor, label; one key ORs, keys AND' '
	test "$(ct ps -aq -f status=exited)" = 222222222222 &&
	test "$(ct ps -aq --filter status=created)" = 333333333333 &&
	test "$(ct ps -aq -f name=liv)" = 111111111111 &&
	test "$(ct ps -aq -f id=2222)" = 222222222222 &&
	test "$(ct ps -aq -f name=alive -f name=dead | wc -l)" = 2 &&
	test "$(ct ps -aq -f name=alive -f status=exited)" = "" &&
	test "$(ct ps -aq -f ancestor=busybox | wc -l)" = 3 &&
	test "$(ct ps -aq -f ancestor=busybox:latest | wc -l)" = 3 &&
	test "$(ct ps -aq -f ancestor=alpine)" = "" &&
	test "$(ct ps -aq -f label=tier=web | wc -l)" = 3 &&
	test "$(ct ps -aq -f label=team | wc -l)" = 3 &&
	test "$(ct ps -aq -f label=tier=db)" = "" &&
	test_expect_code 125 ct ps -f bogus=1 2>err && grep -q "invalid filter" err
'

test_expect_success '--format: fields, table, json, --no-trunc' '
	ct ps -a --format "{{.Names}}|{{.State}}|{{.Status}}|{{.RunningFor}}|{{.Label \"tier\"}}|{{.Labels}}" >out &&
	sed "s/(0) [0-9]* seconds ago/(0) N seconds ago/" out >out2 &&
	printf "%s\n" "fresh|created|Created|2 minutes ago|web|tier=web,team" \
		"dead|exited|Exited (0) N seconds ago|2 minutes ago|web|tier=web,team" \
		"alive|running|Up About a minute (healthy)|2 minutes ago|web|tier=web,team" >expect &&
	test_cmp expect out2 &&
	ct ps --format "table {{.ID}}\t{{.Names}}" >out &&
	printf "CONTAINER ID   NAMES\n111111111111   alive\n" >expect && test_cmp expect out &&
	ct ps --no-trunc --format "{{.ID}} {{.Command}} {{.CreatedAt}}" >out &&
	grep -q "^$ID1 \"sleep 1000 and a long tail of words\" 20[0-9-]* [0-9:]* +0000 UTC$" out &&
	ct ps --format json >out &&
	grep -q "^{\"Command\":\"\\\\\"sleep 1000 and a lo…\\\\\"\",.*\"ID\":\"111111111111\",.*\"Names\":\"alive\",.*\"Ports\":\"0.0.0.0:8080->80/tcp, 127.0.0.1:5353->53/udp\",.*\"State\":\"running\",\"Status\":\"Up About a minute (healthy)\"}$" out &&
	test_expect_code 125 ct ps --format "{{.Nope}}" 2>err && grep -q "unknown field .Nope" err
'

test_expect_success '-n, -l, -s' '
	test "$(ct ps -q -n 2 | wc -l)" = 2 &&
	test "$(ct ps -q -n2 | head -1)" = 333333333333 &&
	test "$(ct ps -q -l)" = 333333333333 &&
	test "$(ct ps -ql)" = 333333333333 &&
	mkdir -p "$CT_ROOT/containers/$ID3/upper" && head -c 5000 /dev/zero >"$CT_ROOT/containers/$ID3/upper/f" &&
	ct ps -l -s --format "{{.Size}}" >out && grep -q "^[0-9.]*kB$" out
'

test_expect_success 'a real container: Up, then Exited (3), status_of agrees (ct wait, rm)' '
	mkdir -p rootfs/bin && cp "$(command -v busybox)" rootfs/bin/busybox &&
	for a in sh sleep; do ln -s busybox rootfs/bin/$a || return 1; done &&
	ct import -c "CMD [\"/bin/sh\"]" rootfs busybox >/dev/null &&
	ct run -d --network none --name real busybox sh -c "sleep 2; exit 3" >/dev/null &&
	ct ps -f name=real --no-trunc --format "{{.Status}}|{{.Command}}" >out &&
	grep -q "^Up [A-Z0-9].*|\"sh -c .sleep 2; exit 3.\"$" out &&
	test "$(ct wait real)" = 3 &&
	ct ps -a -f name=real --format "{{.Status}}" >out &&
	grep -q "^Exited (3) " out &&
	ct rm real >out && test "$(cat out)" = real
'

test_done
