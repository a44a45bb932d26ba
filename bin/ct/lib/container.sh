# ct container verbs: ps, start, stop, kill, rm, logs, exec, wait.
# Sourced by ct; uses its helpers (tool, cid, status_of, ini_get, ...).

# ---------------------------------------------------------------- ps

# One awk reads every ct.ini (newest first, as ls -t orders them), its
# state.ini, the live pid and freezer state, and ct-net's endpoint ports,
# then filters and formats: no process per container.
CTC_PS_AWK='
function epoch(t,   y, m, d, era, yoe, doy, doe) {
	# RFC 3339 UTC -> seconds (days_from_civil)
	if (t !~ /^[0-9][0-9][0-9][0-9]-/) return 0
	y = substr(t, 1, 4) + 0; m = substr(t, 6, 2) + 0; d = substr(t, 9, 2) + 0
	if (m <= 2) y--
	era = int(y / 400); yoe = y - era * 400
	doy = int((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1
	doe = yoe * 365 + int(yoe / 4) - int(yoe / 100) + doy
	return (era * 146097 + doe - 719468) * 86400 + substr(t, 12, 2) * 3600 + \
		substr(t, 15, 2) * 60 + substr(t, 18, 2)
}
function human(s,   m, h) {
	# go-units HumanDuration, as docker ps shows durations
	if (s < 1) return "Less than a second"
	if (s == 1) return "1 second"
	if (s < 60) return s " seconds"
	m = int(s / 60)
	if (m == 1) return "About a minute"
	if (m < 60) return m " minutes"
	h = int(s / 3600 + 0.5)
	if (h == 1) return "About an hour"
	if (h < 48) return h " hours"
	if (h < 24 * 7 * 2) return int(h / 24) " days"
	if (h < 24 * 30 * 2) return int(h / 24 / 7) " weeks"
	if (h < 24 * 365 * 2) return int(h / 24 / 30) " months"
	return int(h / 24 / 365) " years"
}
function hsize(b,   u, i) {
	# go-units HumanSize: decimal units, 4 significant digits
	split("B kB MB GB TB PB", u, " "); i = 1
	while (b >= 1000 && i < 6) { b /= 1000; i++ }
	return sprintf("%.4g%s", b, u[i])
}
function iniread(f, A,   line, i, k, v, sec) {
	sec = ""
	while ((getline line < f) > 0) {
		if (line ~ /^[ \t]*\[/) { sec = line; gsub(/^[ \t]*\[|\][ \t]*$/, "", sec); continue }
		i = index(line, "="); if (!i) continue
		k = substr(line, 1, i - 1); v = substr(line, i + 1)
		gsub(/^[ \t]+|[ \t]+$/, "", k); gsub(/^[ \t]+|[ \t]+$/, "", v)
		if (sec ~ /^endpoint /) {
			if (k == "port") { k = substr(sec, 10); A[k] = A[k] SUBSEP v }
			else if (k == "ip") { k = substr(sec, 10); A[k, "net"] = A[k, "net"] (A[k, "net"] == "" ? "" : ",") netname }
		} else {
			A[k] = v
			if (sec == "network" && k == "name") netname = v
		}
	}
	close(f)
}
function args_of(f,   line, on, out) {
	# process.args of config.json (jansson writes one word a line), when
	# ct.ini has no command line
	on = 0; out = ""
	while ((getline line < f) > 0) {
		if (!on) { if (line ~ /^    "args": \[/) on = 1; continue }
		if (line ~ /^ *\]/) break
		sub(/^ *"/, "", line); sub(/",?$/, "", line)
		gsub(/\\"/, "\"", line); gsub(/\\\\/, "\\", line)
		out = out (out == "" ? "" : " ") line
	}
	close(f)
	return out
}
function readable(f,   x, r) { r = (getline x < f) >= 0; close(f); return r }
function firstline(f,   x) { x = ""; if ((getline x < f) <= 0) x = ""; close(f); return x }
function portstr(raw,   n, P, Q, i, out) {
	# tcp:0.0.0.0:8080:80 -> 0.0.0.0:8080->80/tcp
	n = split(raw, P, SUBSEP); out = ""
	for (i = 1; i <= n; i++) {
		if (P[i] == "") continue
		split(P[i], Q, ":")
		out = out (out == "" ? "" : ", ") Q[2] ":" Q[3] "->" Q[4] "/" Q[1]
	}
	return out
}
function imgname(ref, dig) {
	if (ref == "") return substr(dig, 8, 12)
	sub(/^docker\.io\/library\//, "", ref); sub(/^docker\.io\//, "", ref)
	sub(/:latest$/, "", ref)
	return ref
}
function normref(r) {
	if (r !~ /:[^\/]*$/ && r !~ /@/) r = r ":latest"
	if (r !~ /\//) r = "library/" r
	if (r !~ /^[^\/]*[.:][^\/]*\// && r !~ /^localhost\//) r = "docker.io/" r
	return r
}
function jstr(s) {
	gsub(/\\/, "\\\\", s); gsub(/"/, "\\\"", s); gsub(/\t/, "\\t", s)
	return "\"" s "\""
}
function ell(s, n) { return length(s) > n ? substr(s, 1, n - 1) "…" : s }
function wid(s,   t) { t = s; return length(s) - 2 * gsub(/…/, "", t) }
function field(name, i,   k) {
	if (name == "ID") return notrunc ? ID[i] : substr(ID[i], 1, 12)
	if (name == "Image") return IMG[i]
	if (name == "Command") return "\"" (notrunc ? CMD[i] : ell(CMD[i], 20)) "\""
	if (name == "CreatedAt") return CRA[i]
	if (name == "RunningFor") return human(now - CRE[i]) " ago"
	if (name == "Status") return STATUS[i]
	if (name == "State") return ST[i]
	if (name == "Ports") return PORTS[i]
	if (name == "Names") return NAME[i]
	if (name == "Labels") return LABELS[i]
	if (name == "Size") return SIZE[i]
	if (name == "Networks") return NETS[i]
	if (name == "Mounts" || name == "LocalVolumes") return ""
	if (name ~ /^Label "/) {
		k = name; sub(/^Label "/, "", k); sub(/"$/, "", k)
		return label(i, k)
	}
	printf "ct: template: unknown field .%s (fields: ID Image Command CreatedAt RunningFor Status State Ports Names Labels Size Networks)\n", name > "/dev/stderr"
	bad = 1; exit 125
}
function label(i, k,   n, L, j) {
	n = split(LABELS[i], L, ",")
	for (j = 1; j <= n; j++) {
		if (L[j] == k) return ""
		if (index(L[j], k "=") == 1) return substr(L[j], length(k) + 2)
	}
	return ""
}
function haslabel(i, kv,   n, L, j) {
	n = split(LABELS[i], L, ",")
	for (j = 1; j <= n; j++)
		if (L[j] == kv || (kv !~ /=/ && index(L[j], kv "=") == 1)) return 1
	return 0
}
function header(name) {
	if (name == "ID") return "CONTAINER ID"
	if (name == "RunningFor") return "CREATED"
	if (name == "CreatedAt") return "CREATED AT"
	if (name ~ /^Label /) return "LABEL"
	return toupper(name)
}
# expand the template for container i (i == 0: the header row)
function expand(tpl, i,   out, a, b, e, j) {
	out = ""
	while ((a = index(tpl, "{{")) > 0) {
		out = out substr(tpl, 1, a - 1)
		tpl = substr(tpl, a + 2)
		b = index(tpl, "}}")
		if (!b) { out = out "{{"; break }
		e = substr(tpl, 1, b - 1); tpl = substr(tpl, b + 2)
		gsub(/^[ \t]+|[ \t]+$/, "", e)
		j = 0
		if (e ~ /^json /) { j = 1; sub(/^json +/, "", e) }
		if (e !~ /^\./) {
			printf "ct: template: cannot evaluate \"%s\"\n", e > "/dev/stderr"
			bad = 1; exit 125
		}
		e = substr(e, 2)
		if (i == 0) out = out header(e)
		else out = out (j ? jstr(field(e, i)) : field(e, i))
	}
	return out tpl
}
function want(i,   n, F, j, k, v, ok, key, seen, m) {
	if (!all && ST[i] != "running" && ST[i] != "paused" && ST[i] != "restarting") return 0
	n = split(filters, F, "\n")
	for (j = 1; j <= n; j++) {
		if (F[j] == "") continue
		k = F[j]; v = k; sub(/=.*/, "", k); sub(/^[^=]*=/, "", v)
		seen[k] = 1
		if (k == "name") ok = index(NAME[i], v) > 0
		else if (k == "id") ok = index(ID[i], v) == 1
		else if (k == "status") ok = ST[i] == v
		else if (k == "label") ok = haslabel(i, v)
		else if (k == "ancestor") ok = (v ~ /^(sha256:)?[0-9a-f]+$/ && index(DIG[i], (v ~ /^sha256:/ ? "" : "sha256:") v) == 1) || normref(v) == REF[i]
		else if (k == "exited") ok = ST[i] == "exited" && CODE[i] == v
		else if (k == "health") ok = HEALTH[i] == v || (v == "none" && HEALTH[i] == "")
		else if (k == "network") ok = index("," NETS[i] ",", "," v ",") > 0
		else { printf "ct: invalid filter \"%s\"\n", k > "/dev/stderr"; bad = 1; exit 125 }
		if (ok) m[k] = 1
	}
	# values of one key OR, keys AND (as Docker)
	for (key in seen) if (!(key in m)) return 0
	return 1
}
BEGIN {
	srand(); now = srand()
	n = split(nets, N, "\n")
	for (j = 1; j <= n; j++) if (N[j] != "") iniread(N[j], EP)
	n = split(sizes, N, "\n")
	for (j = 1; j <= n; j++) if (split(N[j], Z, " ") == 2) SZ[Z[1]] = Z[2]
}
FNR == 1 {
	nc++
	d = FILENAME; sub(/\/ct\.ini$/, "", d)
	id = d; sub(/.*\//, "", id)
	ID[nc] = id
}
{
	i = index($0, "="); if (!i || $0 ~ /^[ \t]*\[/) next
	k = substr($0, 1, i - 1); v = substr($0, i + 1)
	gsub(/^[ \t]+|[ \t]+$/, "", k); gsub(/^[ \t]+|[ \t]+$/, "", v)
	C[nc, k] = v
}
END {
	if (bad) exit 125
	for (i = 1; i <= nc; i++) {
		d = cdir "/" ID[i]
		NAME[i] = C[i, "name"]; REF[i] = C[i, "image_ref"]; DIG[i] = C[i, "image"]
		IMG[i] = imgname(REF[i], DIG[i])
		CMD[i] = C[i, "command"]; LABELS[i] = C[i, "labels"]
		CRA[i] = C[i, "created"]; CRE[i] = epoch(CRA[i])
		if (CRA[i] ~ /^....-..-..T..:..:../) CRA[i] = substr(CRA[i], 1, 10) " " substr(CRA[i], 12, 8) " +0000 UTC"
		if (CMD[i] == "") CMD[i] = args_of(d "/config.json")
		for (k in S) delete S[k]
		iniread(d "/state.ini", S)
		s = S["status"]; pid = S["pid"] + 0; CODE[i] = S["exit_code"] + 0
		HEALTH[i] = S["health"]
		if (s == "") st = "created"
		else if (s == "running" || s == "paused" || s == "created" || s == "restarting") {
			if (pid > 0 && readable("/proc/" pid "/stat")) {
				st = s == "created" ? "created" : "running"
				if (st == "running") {
					fz = firstline("/sys/fs/cgroup/freezer/ct-spawn/" ID[i] "/freezer.state")
					if (fz == "") fz = firstline("/sys/fs/cgroup/ct-spawn/" ID[i] "/cgroup.freeze")
					if (fz == "FROZEN" || fz == "FREEZING" || fz == "1") st = "paused"
				}
			} else st = (s == "restarting") ? "restarting" : "exited"
		} else st = "exited"
		ST[i] = st
		if (st == "created") STATUS[i] = "Created"
		else if (st == "exited") STATUS[i] = "Exited (" CODE[i] ") " human(now - epoch(S["finished"])) " ago"
		else if (st == "restarting") STATUS[i] = "Restarting (" CODE[i] ") " human(now - epoch(S["finished"])) " ago"
		else {
			STATUS[i] = "Up " human(now - epoch(S["started"]))
			if (st == "paused") STATUS[i] = STATUS[i] " (Paused)"
			else if (HEALTH[i] == "healthy" || HEALTH[i] == "unhealthy") STATUS[i] = STATUS[i] " (" HEALTH[i] ")"
			else if (HEALTH[i] == "starting") STATUS[i] = STATUS[i] " (health: starting)"
		}
		PORTS[i] = (st == "running" || st == "paused") ? portstr(EP[ID[i]]) : ""
		NETS[i] = EP[ID[i], "net"]
		SIZE[i] = (ID[i] in SZ) ? hsize(SZ[ID[i]]) : ""
	}
	shown = 0
	for (i = 1; i <= nc; i++) {
		if (last != "" && i > last + 0) break	# -n N: the N last created
		if (want(i)) R[++shown] = i
	}
	if (bad) exit 125
	if (quiet) {
		for (r = 1; r <= shown; r++) print notrunc ? ID[R[r]] : substr(ID[R[r]], 1, 12)
		exit 0
	}
	tpl = format; table = 0
	if (tpl == "" || tpl == "table") {
		tpl = "table {{.ID}}\t{{.Image}}\t{{.Command}}\t{{.RunningFor}}\t{{.Status}}\t{{.Ports}}\t{{.Names}}"
		if (size) tpl = tpl "\t{{.Size}}"
	}
	if (tpl == "json") tpl = "{\"Command\":{{json .Command}},\"CreatedAt\":{{json .CreatedAt}},\"ID\":{{json .ID}},\"Image\":{{json .Image}},\"Labels\":{{json .Labels}},\"LocalVolumes\":\"0\",\"Mounts\":\"\",\"Names\":{{json .Names}},\"Networks\":{{json .Networks}},\"Ports\":{{json .Ports}},\"RunningFor\":{{json .RunningFor}},\"Size\":{{json .Size}},\"State\":{{json .State}},\"Status\":{{json .Status}}}"
	if (tpl ~ /^table( |$)/) { table = 1; sub(/^table */, "", tpl) }
	if (!table) {
		for (r = 1; r <= shown; r++) print expand(tpl, R[r])
		exit 0
	}
	# a table: tab-separated cells padded as Go tabwriter(minwidth 10, padding 3)
	rows = 0
	L[++rows] = expand(tpl, 0)
	for (r = 1; r <= shown; r++) L[++rows] = expand(tpl, R[r])
	for (r = 1; r <= rows; r++) {
		nf = split(L[r], T, "\t")
		for (c = 1; c < nf; c++) if (wid(T[c]) + 3 > W[c]) W[c] = wid(T[c]) + 3
	}
	for (r = 1; r <= rows; r++) {
		nf = split(L[r], T, "\t"); out = ""
		for (c = 1; c < nf; c++) {
			w = W[c] < 10 ? 10 : W[c]
			out = out T[c] sprintf("%" (w - wid(T[c])) "s", "")
		}
		print out T[nf]
	}
}'

ps_usage() {
	cat <<'EOF'
usage: ct ps [OPTIONS]

  -a, --all             show every container (default: running ones)
  -f, --filter K=V      name=, id=, status=, ancestor=, label=, exited=,
                        health=, network= (repeatable: the values of one
                        key OR, different keys AND)
      --format FMT      a template ({{.ID}} {{.Image}} {{.Command}}
                        {{.CreatedAt}} {{.RunningFor}} {{.Status}}
                        {{.State}} {{.Ports}} {{.Names}} {{.Labels}}
                        {{.Label "k"}} {{.Networks}} {{.Size}}),
                        "table TEMPLATE" or "json"
  -n, --last N          the N last created containers (any state)
  -l, --latest          the last created container
      --no-trunc        full ids and commands
  -q, --quiet           ids only
  -s, --size            the size of each writable layer
EOF
}

ct_ps() {
	all= quiet= notrunc= last= format= filters= size=
	while [ $# -gt 0 ]; do
		a=$1
		case $a in
		--*=*) shift; set -- "${a%%=*}" "${a#*=}" "$@"; continue ;;
		-[!-]?*)	# -aq, -n5
			f=${a%"${a#??}"} rest=${a#??}
			shift
			case $f in -[aqls]) set -- "$f" "-$rest" "$@" ;; *) set -- "$f" "$rest" "$@" ;; esac
			continue ;;
		esac
		case $a in
		-a|--all) all=1 ;;
		-q|--quiet) quiet=1 ;;
		-s|--size) size=1 ;;
		--no-trunc) notrunc=1 ;;
		-l|--latest) last=1 ;;
		-n|--last) [ $# -ge 2 ] || usage_die "flag needs an argument: $a"; last=$2; shift
			case $last in -1) last= ;; ''|*[!0-9]*) usage_die "invalid argument \"$last\" for \"$a\"" ;; esac ;;
		-f|--filter) [ $# -ge 2 ] || usage_die "flag needs an argument: $a"
			case $2 in *=*) ;; *) usage_die "bad format of filter (expected name=value)" ;; esac
			filters="$filters$2
"; shift ;;
		--format) [ $# -ge 2 ] || usage_die "flag needs an argument: $a"; format=$2; shift ;;
		-h|--help) ps_usage; return 0 ;;
		*) usage_die "unknown flag: $a" ;;
		esac
		shift
	done
	[ -z "$last" ] || all=1
	set --
	for f in "$CDIR"/*/ct.ini; do [ -f "$f" ] && set -- "$@" "$f"; done
	# newest first; ties (same second) keep ls's order
	[ $# -le 1 ] || set -- $(ls -t "$@")
	nets= sizes=
	for f in "$ROOT"/networks/*.ini; do [ -f "$f" ] && nets="$nets$f
"; done
	if [ -n "$size" ]; then
		for f in "$@"; do
			d=${f%/ct.ini}
			sizes="$sizes${d##*/} $(du -sb "$d/upper" 2>/dev/null | awk '{print $1}')
"
		done
	fi
	# awk -v turns \t and \n of a --format into tabs and newlines, as docker
	awk -v cdir="$CDIR" -v nets="$nets" -v all="$all" -v quiet="$quiet" \
		-v notrunc="$notrunc" -v last="$last" -v format="$format" \
		-v filters="$filters" -v size="$size" -v sizes="$sizes" "$CTC_PS_AWK" "$@" </dev/null
}

ct_start() {
	[ $# -ge 1 ] || usage_die "\"ct start\" requires at least 1 argument"
	rc=0
	for c in "$@"; do
		id=$(cid "$c") || { rc=1; continue; }
		case $(status_of "$id") in
		running|paused) echo "$c"; continue ;;
		exited) tool spawn delete "$id" >/dev/null 2>&1 ;;
		esac
		# after a reboot the overlay is gone: mount it again
		mountpoint -q "$CDIR/$id/rootfs" 2>/dev/null ||
			tool mount --remount "$id" >/dev/null || { rc=1; continue; }
		tool spawn run -d "$CDIR/$id" >/dev/null && echo "$c" || rc=1
	done
	return $rc
}

# stop_kill stop|kill ARGS...
stop_kill() {
	what=$1
	shift
	t= sig=
	while [ $# -gt 0 ]; do case $1 in
		-t|--time|--timeout) t=$2; shift 2 ;;
		-s|--signal) sig=$2; shift 2 ;;
		-*) usage_die "unknown flag: $1" ;;
		*) break ;; esac; done
	[ $# -ge 1 ] || usage_die "\"ct $verb\" requires at least 1 argument"
	rc=0
	for c in "$@"; do
		id=$(cid "$c") || { rc=1; continue; }
		if [ "$what" = stop ]; then
			tool spawn stop ${t:+-t "$t"} "$id" && echo "$c" || rc=1
		else
			tool spawn kill "$id" "${sig:-KILL}" && echo "$c" || rc=1
		fi
	done
	return $rc
}

ct_stop() { stop_kill stop "$@"; }
ct_kill() { stop_kill kill "$@"; }

ct_rm() {
	force=
	while [ $# -gt 0 ]; do case $1 in
		-f|--force) force=1; shift ;;
		-v|--volumes) shift ;;
		-*) usage_die "unknown flag: $1" ;;
		*) break ;; esac; done
	[ $# -ge 1 ] || usage_die "\"ct rm\" requires at least 1 argument"
	rc=0
	for c in "$@"; do
		id=$(cid "$c") || { rc=1; continue; }
		st=$(status_of "$id")
		if [ "$st" = running ] || [ "$st" = paused ]; then
			[ -n "$force" ] || { err "Error response: cannot remove container \"$c\": container is $st: stop the container before removing or force remove"; rc=1; continue; }
			tool spawn kill "$id" KILL >/dev/null 2>&1
		fi
		rm_container "$id" >/dev/null && echo "$c" || rc=1
	done
	return $rc
}

ct_logs() {
	follow= stamps= tailn=all
	while [ $# -gt 0 ]; do case $1 in
		-f|--follow) follow=1; shift ;;
		-t|--timestamps) stamps=1; shift ;;
		-n|--tail) tailn=$2; shift 2 ;;
		--tail=*) tailn=${1#*=}; shift ;;
		-*) usage_die "unknown flag: $1" ;;
		*) break ;; esac; done
	[ $# -eq 1 ] || usage_die "\"ct logs\" requires exactly 1 argument"
	id=$(cid "$1") || exit 1
	log=$CDIR/$id/log
	[ -f "$log" ] || exit 0
	# The log holds "TIME STREAM F|P TEXT" lines (the CRI format); P marks
	# a line cut short, continued by the next record.
	if [ "$tailn" = all ]; then n=+1; else n=$tailn; fi
	show_log() {
		awk -v stamps="$stamps" '{
			t = $1; s = $2; f = $3
			text = $0; sub(/^[^ ]* [^ ]* [^ ]* ?/, "", text)
			out = (s == "stderr") ? "/dev/stderr" : "/dev/stdout"
			if (stamps != "" && !cont[s]) printf "%s ", t > out
			printf "%s%s", text, (f == "P" ? "" : "\n") > out
			cont[s] = (f == "P"); fflush(out)
		}'
	}
	if [ -n "$follow" ]; then tail -n "$n" -f "$log" | show_log
	else tail -n "$n" "$log" | show_log; fi
}

ct_exec() {
	[ $# -ge 2 ] || usage_die "\"ct exec\" requires at least 2 arguments"
	opts=
	while [ $# -gt 0 ]; do case $1 in
		-t|--tty|-it|-ti) opts="$opts -t"; shift ;;
		-i|--interactive) shift ;;
		-d|--detach) opts="$opts -d"; shift ;;
		-*) usage_die "unknown flag: $1" ;;
		*) break ;; esac; done
	id=$(cid "$1") || exit 1
	shift
	tool spawn exec $opts "$id" "$@"
}

ct_wait() {
	[ $# -ge 1 ] || usage_die "\"ct wait\" requires at least 1 argument"
	for c in "$@"; do
		id=$(cid "$c") || exit 1
		while [ "$(status_of "$id")" = running ]; do sleep 0.1; done
		code=$(ini_get "$CDIR/$id/state.ini" state exit_code)
		echo "${code:-0}"
	done
}

ct_container_ls() { ct_ps "$@"; }
ct_container_list() { ct_ps "$@"; }
