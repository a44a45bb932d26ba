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
		if (sec == "endpoint") {
			# ct-net: [endpoint] id = ID first, then ip, port = ...
			if (k == "id") { cur = v; A[cur, "net"] = A[cur, "net"] (A[cur, "net"] == "" ? "" : ",") netname }
			else if (k == "port") A[cur] = A[cur] SUBSEP v
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
		# as ct-mount writes it (the Docker list): args with a space in quotes
		if (out != "" && index(line, " ")) line = "\047" line "\047"
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
	if (name == "RunningFor") return CRE[i] ? human(now - CRE[i]) " ago" : ""
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
	# every container, also one whose ct.ini a crash left empty
	for (j = 1; j < ARGC; j++) {
		d = ARGV[j]; sub(/\/ct\.ini$/, "", d)
		id = d; sub(/.*\//, "", id)
		ID[++nc] = id; IDX[ARGV[j]] = nc
	}
}
{
	i = index($0, "="); if (!i || $0 ~ /^[ \t]*\[/) next
	k = substr($0, 1, i - 1); v = substr($0, i + 1)
	gsub(/^[ \t]+|[ \t]+$/, "", k); gsub(/^[ \t]+|[ \t]+$/, "", v)
	C[IDX[FILENAME], k] = v
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
		if (C[i, "id"] != ID[i]) st = "dead"	# its ct.ini is damaged: only rm can help
		ST[i] = st
		if (st == "dead") STATUS[i] = "Dead"
		else if (st == "created") STATUS[i] = "Created"
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
	set -- "$CDIR"/*/ct.ini
	[ -f "$1" ] || set --
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
	attach= interactive=
	while [ $# -gt 0 ]; do case $1 in
		-a|--attach) attach=1; shift ;;
		-i|--interactive) interactive=1; shift ;;
		-ai|-ia) attach=1; interactive=1; shift ;;
		-*) usage_die "unknown flag: $1" ;;
		*) break ;; esac; done
	[ $# -ge 1 ] || usage_die "\"ct start\" requires at least 1 argument"
	[ -z "$attach$interactive" ] || [ $# -eq 1 ] ||
		usage_die "you cannot start and attach multiple containers at once"
	rc=0
	for c in "$@"; do
		id=$(cid "$c") || { rc=1; continue; }
		case $(status_of "$id") in
		running|paused) [ -n "$attach$interactive" ] || echo "$c"; continue ;;
		exited) tool spawn delete "$id" >/dev/null 2>&1 ;;
		esac
		# after a reboot the overlay is gone: mount it again
		mountpoint -q "$CDIR/$id/rootfs" 2>/dev/null ||
			tool mount --remount "$id" >/dev/null || { rc=1; continue; }
		# what ct run asked of ct-spawn, kept in ct.ini by ct-mount
		sp=
		st_r=$(ini_get "$CDIR/$id/ct.ini" container restart)
		case $st_r in ''|no) ;; *[!a-z0-9:-]*) ;; *) sp="--restart $st_r" ;; esac
		[ "$(ini_get "$CDIR/$id/ct.ini" container init)" != true ] || sp="$sp --init"
		if [ -n "$attach$interactive" ]; then
			# ct-spawn run -d --attach: attached before the start, no output missed
			if ctc_can_attach; then
				tool spawn run -d $sp --attach ${interactive:+-i} "$CDIR/$id"
				return
			fi
			lines=$(ctc_log_lines "$id")
			tool spawn run -d $sp "$CDIR/$id" >/dev/null || return 1
			ctc_attach "$id" "$interactive" "$lines"
			return
		fi
		tool spawn run -d $sp "$CDIR/$id" >/dev/null && echo "$c" || rc=1
	done
	return $rc
}

ctc_log_lines() { if [ -f "$CDIR/$1/log" ]; then wc -l <"$CDIR/$1/log"; else echo 0; fi; }

# ctc_show_log [STAMPS] [SINCE] [UNTIL]: the log's CRI lines ("TIME STREAM
# F|P TEXT", P: cut short, continued by the next record) on stdout/stderr
ctc_show_log() {
	awk -v stamps="${1:-}" -v since="${2:-}" -v until="${3:-}" '{
		t = $1; s = $2; f = $3
		if ((since != "" && t < since) || (until != "" && t > until)) next
		text = $0; sub(/^[^ ]* [^ ]* [^ ]* ?/, "", text)
		out = (s == "stderr") ? "/dev/stderr" : "/dev/stdout"
		if (stamps != "" && !cont[s]) printf "%s ", t > out
		printf "%s%s", text, (f == "P" ? "" : "\n") > out
		cont[s] = (f == "P"); fflush(out)
	}'
}

ctc_can_attach() { tool spawn --help 2>/dev/null | grep -q '^ *attach'; }

# ctc_attach ID INTERACTIVE LOGLINES: connect to a running container
# through its supervisor (ct-spawn attach: ctrl-p ctrl-q detaches); its
# exit status is the container's. Without ct-spawn attach, follow its log
# from line LOGLINES until it exits.
ctc_attach() {
	if ctc_can_attach; then
		if [ -n "$2" ]; then tool spawn attach "$1"
		else tool spawn attach --no-stdin "$1" </dev/null; fi
		return
	fi
	n=$3
	while :; do
		st=$(status_of "$1")
		if [ -f "$CDIR/$1/log" ]; then
			m=$(wc -l <"$CDIR/$1/log")
			[ "$m" -le "$n" ] || { sed -n "$((n + 1)),${m}p" "$CDIR/$1/log" | ctc_show_log; n=$m; }
		fi
		[ "$st" = running ] || [ "$st" = paused ] || break
		sleep 0.1
	done
	code=$(ini_get "$CDIR/$1/state.ini" state exit_code)
	return "${code:-0}"
}

ct_attach() {
	nostdin=
	while [ $# -gt 0 ]; do case $1 in
		--no-stdin) nostdin=1; shift ;;
		--sig-proxy|--sig-proxy=*) shift ;;
		--detach-keys) shift 2 ;;
		-*) usage_die "unknown flag: $1" ;;
		*) break ;; esac; done
	[ $# -eq 1 ] || usage_die "\"ct attach\" requires exactly 1 argument"
	id=$(ctc_running_id "$1") || exit 1
	[ "$(status_of "$id")" != paused ] || { err "Error response: You cannot attach to a paused container, unpause it first"; exit 1; }
	ctc_attach "$id" "$( [ -n "$nostdin" ] || echo 1)" "$(ctc_log_lines "$id")"
}

# stop_kill stop|kill ARGS...
stop_kill() {
	what=$1
	shift
	stop_t= sig=
	while [ $# -gt 0 ]; do case $1 in
		-t|--time|--timeout) stop_t=$2; shift 2 ;;
		-s|--signal) sig=$2; shift 2 ;;
		-*) usage_die "unknown flag: $1" ;;
		*) break ;; esac; done
	[ $# -ge 1 ] || usage_die "\"ct $verb\" requires at least 1 argument"
	rc=0
	for c in "$@"; do
		id=$(cid "$c") || { rc=1; continue; }
		if [ "$what" = stop ]; then
			tool spawn stop ${stop_t:+-t "$stop_t"} "$id" && echo "$c" || rc=1
		else
			tool spawn kill "$id" "${sig:-KILL}" && echo "$c" || rc=1
		fi
	done
	return $rc
}

ct_stop() { stop_kill stop "$@"; }
ct_kill() { stop_kill kill "$@"; }

ct_rm() {
	force= vols=
	while [ $# -gt 0 ]; do case $1 in
		-f|--force) force=1; shift ;;
		-v|--volumes) vols=1; shift ;;
		-fv|-vf) force=1; vols=1; shift ;;
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
		if [ -n "$vols" ]; then volume_rm_container "$id" >/dev/null && echo "$c" || rc=1
		else rm_container "$id" >/dev/null && echo "$c" || rc=1; fi
	done
	return $rc
}

ct_logs() {
	follow= stamps= tailn=all since= until=
	while [ $# -gt 0 ]; do case $1 in
		-f|--follow) follow=1; shift ;;
		-t|--timestamps) stamps=1; shift ;;
		-ft|-tf) follow=1; stamps=1; shift ;;
		-n|--tail) [ $# -ge 2 ] || usage_die "flag needs an argument: $1"; tailn=$2; shift 2 ;;
		--tail=*) tailn=${1#*=}; shift ;;
		--since) [ $# -ge 2 ] || usage_die "flag needs an argument: $1"; since=$(ctc_since_ts "$2") || exit 125; shift 2 ;;
		--since=*) since=$(ctc_since_ts "${1#*=}") || exit 125; shift ;;
		--until) [ $# -ge 2 ] || usage_die "flag needs an argument: $1"; until=$(ctc_since_ts "$2") || exit 125; shift 2 ;;
		--until=*) until=$(ctc_since_ts "${1#*=}") || exit 125; shift ;;
		--details) shift ;;
		-*) usage_die "unknown flag: $1" ;;
		*) break ;; esac; done
	[ $# -eq 1 ] || usage_die "\"ct logs\" requires exactly 1 argument"
	id=$(cid "$1") || exit 1
	log=$CDIR/$id/log
	[ -f "$log" ] || exit 0
	if [ "$tailn" = all ] || [ "$tailn" -lt 0 ] 2>/dev/null; then n=+1; else n=$tailn; fi
	if [ -n "$follow" ]; then tail -n "$n" -f "$log" | ctc_show_log "$stamps" "$since" "$until"
	else tail -n "$n" "$log" | ctc_show_log "$stamps" "$since" "$until"; fi
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

# ---------------------------------------------------------------- helpers

# ctc_running_id NAME: the id of a running (or paused) container, or exit 1
# with Docker's words
ctc_running_id() {
	_id=$(cid "$1") || exit 1
	case $(status_of "$_id") in
	running|paused) echo "$_id" ;;
	*) err "Error response: container $1 is not running"; exit 1 ;;
	esac
}

# ctc_name_free NAME: exit 1 with Docker's conflict message when a
# container holds NAME
ctc_name_free() {
	for _f in "$CDIR"/*/ct.ini; do
		[ -f "$_f" ] || continue
		[ "$(ini_get "$_f" container name)" = "$1" ] || continue
		_h=${_f%/ct.ini}
		err "Error response: Conflict. The container name \"/$1\" is already in use by container \"${_h##*/}\". You have to remove (or rename) that container to be able to reuse that name."
		exit 1
	done
}

# ctc_set_key FILE SECTION-REGEX KEY VALUE: rewrite KEY in the sections
# whose header matches, atomically, keeping the file's mtime (ps orders by it)
ctc_set_key() {
	awk -v s="$2" -v k="$3" -v v="$4" '
		/^[ \t]*\[/ { sec = $0; gsub(/^[ \t]*\[|\][ \t]*$/, "", sec) }
		sec ~ s && $0 ~ "^[ \t]*" k "[ \t]*=" { print k " = " v; next }
		{ print }' "$1" >"$1.tmp.$$" &&
	touch -r "$1" "$1.tmp.$$" && mv -f "$1.tmp.$$" "$1"
}

# ---------------------------------------------------------------- verbs

ct_rename() {
	[ $# -eq 2 ] || usage_die "\"ct rename\" requires exactly 2 arguments: CONTAINER NEW_NAME"
	id=$(cid "$1") || exit 1
	case $2 in
	[a-zA-Z0-9]*) case $2 in *[!a-zA-Z0-9_.-]*) bad=1 ;; *) bad= ;; esac ;;
	*) bad=1 ;;
	esac
	[ -z "$bad" ] || { err "Error response: Invalid container name ($2), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed"; exit 1; }
	old=$(ini_get "$CDIR/$id/ct.ini" container name)
	[ "$old" != "$2" ] || { err "Error response: Renaming a container with the same name as its current name"; exit 1; }
	ctc_name_free "$2"
	ctc_set_key "$CDIR/$id/ct.ini" '^container$' name "$2" || exit 1
	# ct-net knows the container by name too (DNS): its endpoints follow
	for f in "$ROOT"/networks/*.ini; do
		[ -f "$f" ] && grep -q "^id = $id\$" "$f" || continue
		{ flock 9 2>/dev/null
		  awk -v id="$id" -v v="$2" '
			/^[ \t]*\[/ { cur = "" }
			/^id = / { cur = substr($0, 6) }
			cur == id && /^name[ \t]*=/ { print "name = " v; next }
			{ print }' "$f" >"$f.tmp.$$" && mv -f "$f.tmp.$$" "$f"
		} 9>>"$ROOT/networks/.lock"
	done
	[ ! -f "$ROOT/netns/$id.ini" ] || ctc_set_key "$ROOT/netns/$id.ini" '^container$' name "$2"
}

ct_restart() {
	stop_t=
	while [ $# -gt 0 ]; do case $1 in
		-t|--time|--timeout) [ $# -ge 2 ] || usage_die "flag needs an argument: $1"; stop_t=$2; shift 2 ;;
		--time=*|--timeout=*) stop_t=${1#*=}; shift ;;
		-t*) stop_t=${1#-t}; shift ;;
		-*) usage_die "unknown flag: $1" ;;
		*) break ;; esac; done
	[ $# -ge 1 ] || usage_die "\"ct restart\" requires at least 1 argument"
	rs_rc=0
	for rs_c in "$@"; do
		rs_id=$(cid "$rs_c") || { rs_rc=1; continue; }
		[ "$(status_of "$rs_id")" != paused ] || tool spawn resume "$rs_id" >/dev/null 2>&1
		if [ "$(status_of "$rs_id")" = running ]; then
			tool spawn stop ${stop_t:+-t "$stop_t"} "$rs_id" >/dev/null || { rs_rc=1; continue; }
		fi
		ct_start "$rs_id" >/dev/null && echo "$rs_c" || rs_rc=1
	done
	return $rs_rc
}

# pause_cmd pause|resume ARGS
pause_cmd() {
	v=$1
	shift
	[ $# -ge 1 ] || usage_die "\"ct $verb\" requires at least 1 argument"
	rc=0
	for c in "$@"; do
		id=$(cid "$c") || { rc=1; continue; }
		st=$(status_of "$id")
		if [ "$v" = pause ] && [ "$st" != running ]; then
			err "Error response: container $c is not running"; rc=1; continue
		elif [ "$v" = resume ] && [ "$st" != paused ]; then
			err "Error response: container $c is not paused"; rc=1; continue
		fi
		tool spawn "$v" "$id" && echo "$c" || rc=1
	done
	return $rc
}
ct_pause() { pause_cmd pause "$@"; }
ct_unpause() { pause_cmd resume "$@"; }

# ct port: the published ports, from ct-net's endpoint state
# (networks/NAME.ini: [endpoint] id = ID ... port = tcp:0.0.0.0:8080:80)
ct_port() {
	[ $# -ge 1 ] && [ $# -le 2 ] || usage_die "\"ct port\" requires 1 or 2 arguments: CONTAINER [PRIVATE_PORT[/PROTO]]"
	id=$(cid "$1") || exit 1
	p=${2:-}
	case $p in ''|*/*) ;; *) p=$p/tcp ;; esac
	set -- "$1"
	for f in "$ROOT"/networks/*.ini; do [ -f "$f" ] && set -- "$@" "$f"; done
	[ $# -gt 1 ] || set -- "$1" /dev/null
	shift
	out=$(awk -v id="$id" -v p="$p" '
		/^[ \t]*\[/ { sec = $0; gsub(/^[ \t]*\[|\][ \t]*$/, "", sec); cur = ""; next }
		sec == "endpoint" && /^[ \t]*id[ \t]*=/ { cur = $0; sub(/^[^=]*=[ \t]*/, "", cur) }
		sec == "endpoint" && cur == id && /^[ \t]*port[ \t]*=/ {
			v = $0; sub(/^[^=]*=[ \t]*/, "", v); split(v, Q, ":")
			if (p == "") print Q[4] "/" Q[1] " -> " Q[2] ":" Q[3]
			else if (Q[4] "/" Q[1] == p) print Q[2] ":" Q[3]
		}' "$@")
	if [ -z "$out" ] && [ -n "$p" ]; then
		err "Error: No public port '$p' published for $id"
		exit 1
	fi
	[ -z "$out" ] || printf '%s\n' "$out"
}

ct_top() {
	[ $# -ge 1 ] || usage_die "\"ct top\" requires at least 1 argument"
	id=$(ctc_running_id "$1") || exit 1
	shift
	pids=$(tool spawn ps --format json "$id" | tr -d '[] \n') || exit 1
	[ -n "$pids" ] || { echo "PID USER TIME CMD"; return 0; }
	# ps options as docker top passes them (default: PID USER TIME CMD)
	if [ $# -eq 0 ]; then
		ps -o pid,user,time,args -p "$pids" | sed '1s/COMMAND$/CMD/'
	elif ! printf '%s\n' "$@" | grep -q '^-[a-zA-Z]*[eA]\|^a'; then
		ps -p "$pids" "$@"
	else	# every process (ps -ef): keep the container's, by the PID column
		ps "$@" | awk -v pids=",$pids," 'NR == 1 { print; for (i = 1; i <= NF; i++) if ($i == "PID") c = i; next }
			c && index(pids, "," $c ",")'
	fi
}

# ctc_since_ts WHEN: RFC 3339 (any zone), a Unix time or a duration ago
# (10m, 1h30m, 45s) -> UTC with 9 fraction digits, as the log's stamps
ctc_since_ts() {
	case $1 in
	*[0-9][smh]|*[0-9]ms)
		s=$(printf '%s\n' "$1" | awk '{ t = 0; s = $0
			while (match(s, /^[0-9.]+(ms|h|m|s)/)) {
				u = substr(s, RSTART, RLENGTH); s = substr(s, RLENGTH + 1)
				n = u + 0; sub(/^[0-9.]+/, "", u)
				t += n * (u == "h" ? 3600 : u == "m" ? 60 : u == "s" ? 1 : 0.001)
			}
			if (s != "") exit 1
			printf "%d\n", t }') || usage_die "invalid duration: $1"
		date -u -d "@$(($(date +%s) - s))" +%Y-%m-%dT%H:%M:%S.%NZ ;;
	*[!0-9.]*) date -u -d "$1" +%Y-%m-%dT%H:%M:%S.%NZ 2>/dev/null ||
		usage_die "invalid time \"$1\": RFC 3339 (2026-01-02T15:04:05Z), a Unix time or a duration (10m)" ;;
	*) date -u -d "@$1" +%Y-%m-%dT%H:%M:%S.%NZ ;;
	esac
}

ct_container_prune() {
	force=
	while [ $# -gt 0 ]; do case $1 in
		-f|--force) force=1; shift ;;
		--filter) shift 2 ;;
		*) usage_die "unknown flag: $1" ;;
		esac; done
	if [ -z "$force" ]; then
		printf 'WARNING! This will remove all stopped containers.\nAre you sure you want to continue? [y/N] '
		read -r yn || yn=
		case $yn in y|Y|yes|YES) ;; *) return 0 ;; esac
	fi
	echo "Deleted Containers:"
	total=0
	for id in $(ids_all); do
		case $(status_of "$id") in exited|created) ;; *) continue ;; esac
		b=$(du -sb "$CDIR/$id/upper" 2>/dev/null | awk '{print $1}')
		rm_container "$id" >/dev/null 2>&1 && { echo "$id"; total=$((total + ${b:-0})); }
	done
	echo
	echo "Total reclaimed space: $(awk -v b=$total 'BEGIN { split("B kB MB GB TB", u, " "); i = 1
		while (b >= 1000 && i < 5) { b /= 1000; i++ }; printf "%.4g%s\n", b, u[i] }')"
}

# ---------------------------------------------------------------- inspect

ct_inspect() {
	fmt= type= size=
	while [ $# -gt 0 ]; do case $1 in
		-f|--format) [ $# -ge 2 ] || usage_die "flag needs an argument: $1"; fmt=$2; shift 2 ;;
		--format=*) fmt=${1#*=}; shift ;;
		--type) [ $# -ge 2 ] || usage_die "flag needs an argument: $1"; type=$2; shift 2 ;;
		--type=*) type=${1#*=}; shift ;;
		-s|--size) size=1; shift ;;
		-*) usage_die "unknown flag: $1" ;;
		*) break ;; esac; done
	[ $# -ge 1 ] || usage_die "\"ct inspect\" requires at least 1 argument"
	case $type in ''|container|image) ;; *) usage_die "\"$type\" is not a valid value for --type" ;; esac
	# containers first, then images, as docker looks them up
	ctrs= imgs= rc=0
	for n in "$@"; do
		if [ "$type" != image ] && ins_id=$(cid "$n" 2>/dev/null); then
			ctrs="$ctrs $ins_id"
		elif [ "$type" != container ] && tool image inspect "$n" >/dev/null 2>&1; then
			imgs="$imgs $(q "$n")"
		else
			err "Error: No such ${type:-object}: $n"; rc=1
		fi
	done
	if [ -n "$fmt" ]; then
		[ -z "$ctrs" ] || tool mount --inspect -f "$fmt" $ctrs || rc=1
		[ -z "$imgs" ] || eval "tool image inspect $imgs" | tool mount --inspect -f "$fmt" - || rc=1
	elif [ -n "$ctrs" ] && [ -n "$imgs" ]; then
		# one JSON array of both
		{ tool mount --inspect $ctrs | sed '$d'; echo ','; eval "tool image inspect $imgs" | sed '1d'; } |
			sed 'N;s/\n,$/,/;P;D' || rc=1
	elif [ -n "$ctrs" ]; then
		tool mount --inspect $ctrs || rc=1
	elif [ -n "$imgs" ]; then
		eval "tool image inspect $imgs" || rc=1
	else
		echo "[]"
	fi
	return $rc
}
ct_container_inspect() { ct_inspect --type container "$@"; }

# ---------------------------------------------------------------- cp, diff, export

# ctc_mounted ID: the container's root is mounted (again after a reboot)
ctc_mounted() {
	mountpoint -q "$CDIR/$1/rootfs" 2>/dev/null ||
		[ "$(ini_get "$CDIR/$1/ct.ini" container rootfs)" = copy ] ||
		tool mount --remount "$1" >/dev/null
}

cp_usage() {
	cat <<'EOF2'
usage: ct cp [OPTIONS] CONTAINER:SRC_PATH DEST_PATH|-
       ct cp [OPTIONS] SRC_PATH|- CONTAINER:DEST_PATH

Copy files between a container and the host. Paths inside the container
are resolved within its root only: symlinks never lead out of it. '-'
is a tar stream on stdin or stdout.
EOF2
}

ct_cp() {
	while [ $# -gt 0 ]; do case $1 in
		-a|--archive|-L|--follow-link|-q|--quiet) shift ;;
		-h|--help) cp_usage; return 0 ;;
		--) shift; break ;;
		-?*) usage_die "unknown flag: $1" ;;
		*) break ;; esac; done
	[ $# -eq 2 ] || usage_die "\"ct cp\" requires exactly 2 arguments"
	src=$1 dst=$2
	case $src in /*|.*|-) sctr= ;; *:*) sctr=${src%%:*}; src=${src#*:} ;; *) sctr= ;; esac
	case $dst in /*|.*|-) dctr= ;; *:*) dctr=${dst%%:*}; dst=${dst#*:} ;; *) dctr= ;; esac
	[ -n "$sctr$dctr" ] || usage_die "one of the paths must name a container: CONTAINER:PATH"
	[ -z "$sctr" ] || [ -z "$dctr" ] || usage_die "copying between containers is not supported"
	if [ -n "$sctr" ]; then
		id=$(cid "$sctr") || exit 1
		ctc_mounted "$id" || exit 1
		case $src in /*) ;; *) src=/$src ;; esac
		if [ "$dst" = - ]; then tool mount --cp-out "$id" "$src"; return; fi
		kind=$(tool mount --cp-stat "$id" "$src") || exit 1
		[ "$kind" != missing ] || { err "Error response: Could not find the file $src in container $sctr"; exit 1; }
		base=${src%/}; base=${base##*/}; [ -n "$base" ] || base=.
		if [ -d "$dst" ]; then
			tool mount --cp-out "$id" "$src" | tar -x -C "$dst"
			return
		fi
		[ ! -e "$dst" ] || [ "$kind" = file ] || { err "Error: cannot copy directory $src to the file $dst"; exit 1; }
		case $dst in */) [ -e "$dst" ] || { err "Error: $dst: no such directory"; exit 1; } ;; esac
		parent=$(dirname "$dst")
		[ -d "$parent" ] || { err "Error: $parent: no such directory"; exit 1; }
		tmp=$(mktemp -d "$parent/.ct-cp.XXXXXX") || exit 1
		if tool mount --cp-out "$id" "$src" | tar -x -C "$tmp" && mv -f "$tmp/$base" "$dst"; then
			rm -rf "$tmp"
		else
			rm -rf "$tmp"; exit 1
		fi
		return
	fi
	id=$(cid "$dctr") || exit 1
	ctc_mounted "$id" || exit 1
	case $dst in /*) ;; *) dst=/$dst ;; esac
	kind=$(tool mount --cp-stat "$id" "$dst") || exit 1
	if [ "$src" = - ]; then
		[ "$kind" = dir ] || { err "Error response: $dst is not a directory in container $dctr"; exit 1; }
		tool mount --cp-in "$id" "$dst"
		return
	fi
	[ -e "$src" ] || [ -L "$src" ] || { err "Error: no such file or directory: $src"; exit 1; }
	if [ "$kind" = dir ]; then
		sdir=$(dirname "$src") sbase=$(basename "$src")
		tar -C "$sdir" -cf - "$sbase" | tool mount --cp-in "$id" "$dst"
		return
	fi
	[ "$kind" = missing ] || [ ! -d "$src" ] || { err "Error: cannot copy directory $src to the file $dst"; exit 1; }
	case $dst in */) [ "$kind" != missing ] || { err "Error response: $dst: no such directory in container $dctr"; exit 1; } ;; esac
	# a new name: the host side takes it in a scratch dir first
	dparent=$(dirname "$dst") dbase=$(basename "$dst")
	[ "$(tool mount --cp-stat "$id" "$dparent")" = dir ] ||
		{ err "Error response: $dparent: no such directory in container $dctr"; exit 1; }
	tmp=$(mktemp -d) || exit 1
	if cp -a "$src" "$tmp/$dbase" && tar -C "$tmp" -cf - "$dbase" | tool mount --cp-in "$id" "$dparent"; then
		rm -rf "$tmp"
	else
		rm -rf "$tmp"; exit 1
	fi
}
ct_container_cp() { ct_cp "$@"; }

# ct diff: what the writable layer changed: A added, C changed, D deleted
# (overlay whiteouts: 0:0 character devices), sorted by path as docker
ct_diff() {
	[ $# -eq 1 ] || usage_die "\"ct diff\" requires exactly 1 argument"
	id=$(cid "$1") || exit 1
	up=$CDIR/$id/upper
	[ -d "$up" ] || { tool mount --diff "$id" >/dev/null; exit 1; }
	# the layers under it (ct-mount keeps them in <id>/layers, one a line)
	lowers=$(cat "$CDIR/$id/layers" 2>/dev/null)
	find "$up" -mindepth 1 -printf '%y %p\n' | while read -r t p; do
		p=${p#"$up"}
		# what the runtime makes for every container, as docker hides it
		case $p in /dev|/dev/*|/proc|/proc/*|/sys|/sys/*|/etc/hosts|/etc/hostname|/etc/resolv.conf) continue ;; esac
		if [ "$t" = c ]; then echo "D $p"; continue; fi
		k=A
		for l in $lowers; do
			if [ -e "$l$p" ] || [ -L "$l$p" ]; then k=C; break; fi
		done
		echo "$k $p"
	done | sort -k2
}
ct_container_diff() { ct_diff "$@"; }

ct_export() {
	out=
	while [ $# -gt 0 ]; do case $1 in
		-o|--output) [ $# -ge 2 ] || usage_die "flag needs an argument: $1"; out=$2; shift 2 ;;
		--output=*) out=${1#*=}; shift ;;
		-*) usage_die "unknown flag: $1" ;;
		*) break ;; esac; done
	[ $# -eq 1 ] || usage_die "\"ct export\" requires exactly 1 argument"
	id=$(cid "$1") || exit 1
	ctc_mounted "$id" || exit 1
	if [ -n "$out" ]; then
		tool mount --cp-out "$id" / >"$out" || { rm -f "$out"; exit 1; }
	else
		[ ! -t 1 ] || { err "Error: cowardly refusing to save to a terminal. Use the -o flag or redirect"; exit 1; }
		tool mount --cp-out "$id" /
	fi
}
ct_container_export() { ct_export "$@"; }

# ---------------------------------------------------------------- commit

# ct commit: the container's writable layer (ct-mount --diff) on top of
# its image (ct-image commit); prints the new image id as docker does
ct_commit() {
	cargs= pause=1
	while [ $# -gt 0 ]; do
		a=$1
		case $a in --*=*) shift; set -- "${a%%=*}" "${a#*=}" "$@"; continue ;; esac
		case $a in
		-c|--change|-m|--message|-a|--author)
			[ $# -ge 2 ] || usage_die "flag needs an argument: $a"
			case $a in -c|--change) f=-c ;; -m|--message) f=-m ;; *) f=-a ;; esac
			cargs="$cargs $f $(q "$2")"; shift 2 ;;
		-p|--pause) shift
			case ${1:-} in true|false) [ "$1" = true ] || pause=; shift ;; esac ;;
		-*) usage_die "unknown flag: $a" ;;
		*) break ;;
		esac
	done
	[ $# -ge 1 ] && [ $# -le 2 ] || usage_die "\"ct commit\" requires 1 or 2 arguments: CONTAINER [REPOSITORY[:TAG]]"
	id=$(cid "$1") || exit 1
	base=$(ini_get "$CDIR/$id/ct.ini" container image)
	[ -n "$base" ] || die "container $1 has no image to commit on top of"
	paused=
	if [ -n "$pause" ] && [ "$(status_of "$id")" = running ]; then
		tool spawn pause "$id" >/dev/null 2>&1 && paused=1
	fi
	tmp=$(mktemp "${TMPDIR:-/tmp}/ct-commit.XXXXXX") || exit 1
	tool mount --diff "$id" >"$tmp"
	rc=$?
	[ -z "$paused" ] || tool spawn resume "$id" >/dev/null 2>&1
	[ $rc -eq 0 ] || { rm -f "$tmp"; exit 1; }
	tag=
	[ $# -lt 2 ] || tag=$(q "$2")
	digest=$(eval "tool image commit --container $(q "$id") $cargs $(q "$base") $(q "$tmp") $tag")
	rc=$?
	rm -f "$tmp"
	[ $rc -eq 0 ] || exit 1
	# the image id (the config digest), as docker commit prints it
	tool image inspect "$digest" 2>/dev/null | sed -n 's/^ *"Id": *"\(sha256:[0-9a-f]*\)".*/\1/p' | head -1 | grep . ||
		echo "$digest"
}
ct_container_commit() { ct_commit "$@"; }

# ---------------------------------------------------------------- stats

# ctc_sample ID PID: one line "cpu_ns mem inactive limit pids blk_r blk_w
# net_rx net_tx" from the container's cgroup (v1 or v2) and its netns
ctc_sample() {
	cg=$(sed -n 's/^ *"cgroup": *"\(.*\)",*$/\1/p' "/run/ct-spawn/$1/state.json" 2>/dev/null)
	[ -n "$cg" ] || cg=/ct-spawn/$1
	if [ -f /sys/fs/cgroup/cgroup.controllers ]; then v2=/sys/fs/cgroup$cg; v1=
	else v1=/sys/fs/cgroup; v2=/sys/fs/cgroup/unified$cg; fi
	awk -v v1="$v1" -v cg="$cg" -v v2="$v2" -v pid="$2" '
		function first(f,   x) { x = ""; if ((getline x < f) <= 0) x = ""; close(f); return x }
		function kv(f, k,   l, a, v) {
			v = ""
			while ((getline l < f) > 0) { split(l, a, " "); if (a[1] == k) v = a[2] }
			close(f); return v
		}
		BEGIN {
			if (v1 != "") {
				cpu = first(v1 "/cpuacct" cg "/cpuacct.usage")
				mem = first(v1 "/memory" cg "/memory.usage_in_bytes")
				lim = first(v1 "/memory" cg "/memory.limit_in_bytes")
				ina = kv(v1 "/memory" cg "/memory.stat", "total_inactive_file")
				pids = first(v1 "/pids" cg "/pids.current")
				f = v1 "/blkio" cg "/blkio.throttle.io_service_bytes"
				while ((getline l < f) > 0) { split(l, a, " ")
					if (a[2] == "Read") br += a[3]; else if (a[2] == "Write") bw += a[3] }
				close(f)
			} else {
				cpu = kv(v2 "/cpu.stat", "usage_usec") * 1000
				mem = first(v2 "/memory.current"); lim = first(v2 "/memory.max")
				ina = kv(v2 "/memory.stat", "inactive_file")
				pids = first(v2 "/pids.current")
				f = v2 "/io.stat"
				while ((getline l < f) > 0) { n = split(l, a, " ")
					for (i = 2; i <= n; i++) { split(a[i], b, "=")
						if (b[1] == "rbytes") br += b[2]; else if (b[1] == "wbytes") bw += b[2] } }
				close(f)
			}
			f = "/proc/" pid "/net/dev"
			while ((getline l < f) > 0) {
				if (l !~ /:/) continue
				split(l, a, ":"); gsub(/ /, "", a[1]); if (a[1] == "lo") continue
				split(a[2], b, " "); rx += b[1]; tx += b[9]
			}
			close(f)
			if (lim == "" || lim == "max" || lim + 0 > 2 ^ 60) {
				while ((getline l < "/proc/meminfo") > 0) if (l ~ /^MemTotal:/) { split(l, a, " "); lim = a[2] * 1024 }
			}
			printf "%.0f %.0f %.0f %.0f %d %.0f %.0f %.0f %.0f\n", cpu, mem, ina, lim, pids, br, bw, rx, tx
		}'
}

ct_stats() {
	stream=1 all= nt= fmt=
	while [ $# -gt 0 ]; do case $1 in
		--no-stream) stream=; shift ;;
		-a|--all) all=1; shift ;;
		--no-trunc) nt=1; shift ;;
		--format) [ $# -ge 2 ] || usage_die "flag needs an argument: $1"; fmt=$2; shift 2 ;;
		--format=*) fmt=${1#*=}; shift ;;
		-*) usage_die "unknown flag: $1" ;;
		*) break ;; esac; done
	if [ $# -eq 0 ]; then
		set -- $(ct_ps -q --no-trunc ${all:+-a})
		[ $# -gt 0 ] || { [ -n "$stream" ] || printf 'CONTAINER ID   NAME      CPU %%     MEM USAGE / LIMIT   MEM %%     NET I/O   BLOCK I/O   PIDS\n'; [ -n "$stream" ] || return 0; }
	fi
	ids=
	for c in "$@"; do st_id=$(cid "$c") || exit 1; ids="$ids $st_id"; done
	while :; do
		s1=
		for i in $ids; do
			p=$(ini_get "$CDIR/$i/state.ini" state pid)
			s1="$s1$i ${p:-0} $(ctc_sample "$i" "${p:-0}")
"
		done
		t1=$(date +%s%N)
		sleep 0.5
		t2=$(date +%s%N)
		out=
		for i in $ids; do
			case $(status_of "$i") in running|paused) ;; *)
				out="$out$i 0 0 0 0 0 0 0 0 0 0 $(ini_get "$CDIR/$i/ct.ini" container name)
"; continue ;; esac
			p=$(ini_get "$CDIR/$i/state.ini" state pid)
			out="$out$i ${p:-0} $(ctc_sample "$i" "${p:-0}") $(ini_get "$CDIR/$i/ct.ini" container name)
"
		done
		[ -z "$stream" ] || printf '\033[2J\033[H'
		printf '%s' "$out" | awk -v before="$s1" -v dt=$((t2 - t1)) -v nt="$nt" -v fmt="$fmt" '
			function bin(b,   u, i) { split("B KiB MiB GiB TiB", u, " "); i = 1
				while (b >= 1024 && i < 5) { b /= 1024; i++ }
				return (i == 1 ? sprintf("%dB", b) : sprintf("%.4g%s", b, u[i])) }
			function dec(b,   u, i) { split("B kB MB GB TB", u, " "); i = 1
				while (b >= 1000 && i < 5) { b /= 1000; i++ }
				return (i == 1 ? sprintf("%dB", b) : sprintf("%.4g%s", b, u[i])) }
			BEGIN { n = split(before, L, "\n"); for (j = 1; j <= n; j++) { split(L[j], a, " "); B[a[1]] = a[3] }
				if (fmt == "") printf "%-15s%-20s%-10s%-22s%-10s%-20s%-20s%s\n", "CONTAINER ID", "NAME", "CPU %", "MEM USAGE / LIMIT", "MEM %", "NET I/O", "BLOCK I/O", "PIDS" }
			{
				id = nt ? $1 : substr($1, 1, 12)
				cpu = (dt > 0 && ($1 in B)) ? ($3 - B[$1]) / dt * 100 : 0
				if (cpu < 0) cpu = 0
				mem = $4 - $5; if (mem < 0) mem = $4
				memp = $6 > 0 ? mem / $6 * 100 : 0
				c = sprintf("%.2f%%", cpu); m = bin(mem) " / " bin($6); mp = sprintf("%.2f%%", memp)
				net = dec($10) " / " dec($11); blk = dec($8) " / " dec($9)
				if (fmt != "") {
					o = fmt
					gsub(/\{\{ *\.(ID|Container) *\}\}/, id, o); gsub(/\{\{ *\.Name *\}\}/, $12, o)
					gsub(/\{\{ *\.CPUPerc *\}\}/, c, o); gsub(/\{\{ *\.MemUsage *\}\}/, m, o)
					gsub(/\{\{ *\.MemPerc *\}\}/, mp, o); gsub(/\{\{ *\.NetIO *\}\}/, net, o)
					gsub(/\{\{ *\.BlockIO *\}\}/, blk, o); gsub(/\{\{ *\.PIDs *\}\}/, $7, o)
					print o
				} else
					printf "%-15s%-20s%-10s%-22s%-10s%-20s%-20s%s\n", id, $12, c, m, mp, net, blk, $7
			}'
		[ -n "$stream" ] || break
	done
}
ct_container_stats() { ct_stats "$@"; }
