# t/lib/registry.sh - real registries for tests: Debian's docker-registry
# (CNCF distribution) on 127.0.0.1, free ports, all serving one storage
# directory, so an image pushed once is visible through every set-up.
#
#     . "$CT_SRC/t/lib/registry.sh"
#     test_require ROOT REGISTRY SKOPEO MKIMAGE
#     registry_init                       # CA, certs, htpasswd; cleanup registered
#     registry_start plain                # sets REG_plain=127.0.0.1:PORT (HTTP, no auth)
#     registry_start tls                  # REG_tls=localhost:PORT (HTTPS, our CA)
#     registry_start basic                # + htpasswd Basic auth ($REG_USER/$REG_PASS)
#     registry_start token                # + token auth (t/lib/regtoken.pl)
#     registry_push "$(ct_fixture busybox)" latest bb:1    # skopeo copy into plain
#     registry_login localhost:PORT       # write $DOCKER_CONFIG/config.json
#
# registry_start also adds [registry "HOST"] ca = $REG_DIR/ca.crt to the
# test's ct.conf for the TLS set-ups. The token service logs each request
# to $REG_DIR/token.log. Needs openssl, htpasswd (apache2-utils), perl.

REG_DIR=$TEST_DIR/reg
REG_USER=ctuser
REG_PASS=ct-secret-pw
export REG_DIR REG_USER REG_PASS

registry_init() {
	mkdir -p "$REG_DIR/storage" "$REG_DIR/docker" || return 1
	DOCKER_CONFIG=$REG_DIR/docker
	export DOCKER_CONFIG
	(
		cd "$REG_DIR" || exit 1
		openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
			-keyout ca.key -out ca.crt -days 2 -subj "/CN=ct test CA" \
			-addext basicConstraints=critical,CA:TRUE 2>/dev/null &&
		openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
			-keyout server.key -out server.csr -subj "/CN=localhost" 2>/dev/null &&
		printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\n' >ext &&
		openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial \
			-out server.crt -days 2 -extfile ext 2>/dev/null &&
		openssl req -x509 -newkey rsa:2048 -nodes -keyout token.key -out token.crt \
			-days 2 -subj "/CN=ct test token signer" 2>/dev/null &&
		htpasswd -Bbc htpasswd "$REG_USER" "$REG_PASS" 2>/dev/null
	) || { echo "registry_init: making certificates failed" >&2; return 1; }
}

# registry_free_port: a TCP port nothing listens on (racy, so callers retry)
registry_free_port() {
	while :; do
		p=$(( (($$ * 7919) + $(od -An -N2 -tu2 /dev/urandom)) % 30000 + 20000 ))
		ss -Hltn "sport = :$p" 2>/dev/null | grep -q . || { echo "$p"; return 0; }
	done
}

registry_wait_port_() {
	i=0
	while [ $i -lt 100 ]; do
		ss -Hltn "sport = :$1" 2>/dev/null | grep -q . && return 0
		kill -0 "$2" 2>/dev/null || return 1
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

registry_token_service_() {
	[ -f "$REG_DIR/token.port" ] && return 0
	perl "$CT_SRC/t/lib/regtoken.pl" "$REG_DIR/token.port" "$REG_DIR/token.key" \
		"$REG_DIR/token.crt" ct-test-issuer "$REG_USER" "$REG_PASS" \
		"$REG_DIR/token.log" 2>>"$REG_DIR/token.err" &
	tpid=$!
	test_cleanup "kill $tpid"
	i=0
	while [ ! -f "$REG_DIR/token.port" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
	[ -f "$REG_DIR/token.port" ]
}

# registry_start NAME MODE (MODE plain|tls|basic|token; NAME defaults to MODE)
registry_start() {
	name=$1
	mode=${2:-$1}
	if [ "$mode" = token ]; then
		registry_token_service_ || { echo "token service did not start" >&2; return 1; }
	fi
	tries=0
	while [ $tries -lt 5 ]; do
		tries=$((tries + 1))
		port=$(registry_free_port)
		cfg=$REG_DIR/$name.yml
		{
			echo "version: 0.1"
			echo "log: {level: error, accesslog: {disabled: true}}"
			echo "storage:"
			echo "  filesystem: {rootdirectory: $REG_DIR/storage}"
			echo "  delete: {enabled: true}"
			echo "  maintenance: {uploadpurging: {enabled: false}}"
			echo "http:"
			echo "  addr: 127.0.0.1:$port"
			echo "  secret: ct-test-secret"
			if [ "$mode" != plain ]; then
				echo "  tls: {certificate: $REG_DIR/server.crt, key: $REG_DIR/server.key}"
			fi
			case $mode in
			basic)
				echo "auth:"
				echo "  htpasswd: {realm: ct-test, path: $REG_DIR/htpasswd}" ;;
			token)
				echo "auth:"
				echo "  token:"
				echo "    realm: http://127.0.0.1:$(cat "$REG_DIR/token.port")/token"
				echo "    service: ct-test-registry"
				echo "    issuer: ct-test-issuer"
				echo "    rootcertbundle: $REG_DIR/token.crt" ;;
			esac
		} >"$cfg"
		docker-registry serve "$cfg" >>"$REG_DIR/$name.log" 2>&1 &
		rpid=$!
		if registry_wait_port_ "$port" "$rpid"; then
			test_cleanup "kill $rpid"
			if [ "$mode" = plain ]; then
				eval "REG_$name=127.0.0.1:$port"
			else
				eval "REG_$name=localhost:$port"
				printf '[registry "localhost:%s"]\nca = %s\n' "$port" "$REG_DIR/ca.crt" >>"$CT_CONFIG"
			fi
			eval "REG_PID_$name=$rpid"
			return 0
		fi
		kill "$rpid" 2>/dev/null
		wait "$rpid" 2>/dev/null
	done
	echo "registry_start $name: docker-registry did not come up; log:" >&2
	cat "$REG_DIR/$name.log" >&2
	return 1
}

# registry_push LAYOUT TAG REPO:TAG [skopeo copy options]: into the first
# plain registry started (start one named plain before). TAG "-" takes the
# layout's only image (skopeo cannot name Docker-typed entries by tag).
registry_push() {
	src=$1 tag=$2 dst=$3
	shift 3
	[ "$tag" = - ] && tag= || tag=:$tag
	skopeo copy -q --dest-tls-verify=false "$@" "oci:$src$tag" \
		"docker://$REG_plain/$dst" >/dev/null
}

# registry_login HOST: store $REG_USER/$REG_PASS for HOST in config.json
registry_login() {
	printf '{"auths":{"%s":{"auth":"%s"}}}\n' "$1" \
		"$(printf '%s:%s' "$REG_USER" "$REG_PASS" | base64 -w0)" >"$DOCKER_CONFIG/config.json"
}

# registry_digest REF: sha256 of the manifest bytes skopeo gets (insecure ok)
registry_digest() {
	skopeo inspect --raw --tls-verify=false "docker://$1" | sha256sum | sed 's/ .*//;s/^/sha256:/'
}

# registry_proxy: start t/lib/regproxy.pl in front of $REG_plain; sets
# REG_proxy=127.0.0.1:PORT, REG_proxy_port; faults via $REG_DIR/proxy/mode,
# requests logged in $REG_DIR/proxy/log.
registry_proxy() {
	mkdir -p "$REG_DIR/proxy"
	echo pass >"$REG_DIR/proxy/mode"
	perl "$CT_SRC/t/lib/regproxy.pl" "$REG_DIR/proxy/port" "${REG_plain##*:}" \
		"$REG_DIR/proxy" 2>>"$REG_DIR/proxy/err" &
	ppid_=$!
	test_cleanup "kill $ppid_"
	i=0
	while [ ! -f "$REG_DIR/proxy/port" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
	[ -f "$REG_DIR/proxy/port" ] || return 1
	REG_proxy_port=$(cat "$REG_DIR/proxy/port")
	REG_proxy=127.0.0.1:$REG_proxy_port
}

# registry_fault MODE...: what the proxy breaks from now on
registry_fault() {
	echo "$*" >"$REG_DIR/proxy/mode"
	rm -f "$REG_DIR/proxy/busy.count"
	: >"$REG_DIR/proxy/log"
}
