#!/bin/sh
test_description='ct inspect: Docker-shaped JSON of containers (ct-mount --inspect), -f templates, images as the fallback'
. "$(dirname "$0")/lib/test-lib.sh"
test_require ROOT OVERLAY BUSYBOX

test_cleanup 'for d in "$CT_ROOT"/containers/*/; do [ -d "$d" ] && ct rm -f "$(basename "$d")" >/dev/null 2>&1; done'

test_expect_success 'setup: a busybox image with an entrypoint-free Cmd, a running and an exited container' '
	mkdir -p rootfs/bin rootfs/tmp &&
	cp "$(command -v busybox)" rootfs/bin/busybox &&
	for a in sh sleep true; do ln -s busybox rootfs/bin/$a || return 1; done &&
	ct import -c "CMD [\"/bin/sh\"]" -c "LABEL maker=ct" rootfs busybox >/dev/null &&
	ct run -d --network none --name web -e GREETING=hi -w /tmp busybox sleep 100 >id &&
	ct run --network none --name done busybox sh -c "exit 3"; test $? = 3
'

test_expect_success 'the JSON: an array with Docker'"'"'s keys and values' '
	ct inspect web >out &&
	head -1 out | grep -qx "\[" &&
	grep -q "^        \"Id\": \"$(cat id)\",$" out &&
	grep -q "^        \"Name\": \"/web\",$" out &&
	grep -q "^        \"Path\": \"sleep\",$" out &&
	grep -q "^            \"Status\": \"running\",$" out &&
	grep -q "^            \"Running\": true,$" out &&
	grep -q "^                \"GREETING=hi\",$" out &&
	grep -q "^            \"WorkingDir\": \"/tmp\",$" out &&
	grep -q "^        \"Image\": \"sha256:[0-9a-f]\{64\}\",$" out &&
	if test_have_prereq JQ; then
		jq -e ".[0].State.Pid > 0 and .[0].Config.Cmd == [\"sleep\",\"100\"] and .[0].Config.Labels.maker == \"ct\" and .[0].Config.Image == \"busybox\" and .[0].Args == [\"100\"]" out >/dev/null
	fi
'

test_expect_success '-f: paths, json, index, range, several containers' '
	test "$(ct inspect -f "{{.State.Status}}" web)" = running &&
	test "$(ct inspect --format "{{.State.Status}} {{.State.ExitCode}}" done)" = "exited 3" &&
	test "$(ct inspect -f "{{.Name}} {{.State.Running}} {{.RestartCount}}" web done)" = "/web true 0
/done false 0" &&
	test "$(ct inspect -f "{{json .Config.Cmd}}" web)" = "[\"sleep\",\"100\"]" &&
	test "$(ct inspect -f "{{index .Config.Labels \"maker\"}}" web)" = ct &&
	test "$(ct inspect -f "{{range .Config.Env}}{{if false}}{{end}}{{end}}" web 2>/dev/null; echo x)" != "" &&
	ct inspect -f "{{range .Config.Env}}<{{.}}>{{end}}" web >out &&
	grep -q "<GREETING=hi>" out &&
	test "$(ct inspect -f "{{.State.Nope}}" web)" = "<no value>" &&
	test_expect_code 1 ct inspect -f "{{.State.Status" web 2>err && grep -q "unclosed action" err
'

test_expect_success 'the state follows the container: paused, exited' '
	ct pause web >/dev/null &&
	test "$(ct inspect -f "{{.State.Status}} {{.State.Paused}}" web)" = "paused true" &&
	ct unpause web >/dev/null &&
	ct stop -t 1 web >/dev/null &&
	test "$(ct inspect -f "{{.State.Status}} {{.State.Running}} {{.State.Pid}}" web)" = "exited false 0" &&
	ct inspect -f "{{.State.FinishedAt}}" web | grep -q "^20[0-9-]*T[0-9:.]*Z$"
'

test_expect_success 'published ports and networks from ct-net'"'"'s state' '
	mkdir -p "$CT_ROOT/networks" &&
	printf "[network]\nname = bridge\nid = abc\nsubnet = 10.99.0.0/16\ngateway = 10.99.0.1\nbridge = ctx0\n[endpoint]\nid = %s\nname = web\nip = 10.99.0.5\nport = tcp:0.0.0.0:8080:80\n" "$(cat id)" >"$CT_ROOT/networks/bridge.ini" &&
	test "$(ct inspect -f "{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}" web)" = 10.99.0.5 &&
	test "$(ct inspect -f "{{.NetworkSettings.IPAddress}}/{{.NetworkSettings.IPPrefixLen}} gw {{.NetworkSettings.Gateway}}" web)" = "10.99.0.5/16 gw 10.99.0.1" &&
	test "$(ct inspect -f "{{json .NetworkSettings.Ports}}" web)" = "{\"80/tcp\":[{\"HostIp\":\"0.0.0.0\",\"HostPort\":\"8080\"}]}" &&
	test "$(ct inspect -f "{{.HostConfig.NetworkMode}}" web)" = bridge &&
	rm "$CT_ROOT/networks/bridge.ini"
'

test_expect_success 'an image name falls back to image inspect; --type; unknown names' '
	ct inspect busybox >out &&
	grep -q "\"RepoTags\"" out &&
	test "$(ct inspect -f "{{index .Config.Labels \"maker\"}}" busybox)" = ct &&
	test "$(ct inspect -f "{{.Id}}" --type container web)" = "$(cat id)" &&
	test_expect_code 1 ct inspect --type container busybox 2>err &&
	grep -q "No such container: busybox" err &&
	test_expect_code 1 ct inspect nosuch >out 2>err &&
	grep -q "Error: No such object: nosuch" err &&
	test "$(cat out)" = "[]" &&
	if test_have_prereq JQ; then
		ct inspect web busybox >out && test "$(jq length out)" = 2
	fi
'

test_done
