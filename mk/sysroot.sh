#!/bin/sh
# mk/sysroot.sh [CACHE_DIR] — build ct's static dependency sysroot.
#
# Fetches the Debian source packages pinned in mk/deps.lock, checks them
# against the pinned sha256 sums, applies Debian's patches and builds static
# libraries with musl-gcc into CACHE_DIR/sysroot:
#
#   include/   zlib, zstd, bearssl, seccomp, archive, jansson, yaml, inih
#              headers, and the kernel UAPI headers (linux/ asm/ asm-generic/)
#   lib/       libz.a libzstd.a libbearssl.a libseccomp.a libarchive.a
#              libjansson.a libyaml.a libinih.a
#   VERSIONS   what was built, from where
#   .stamp     hash of every input; when it matches, the script exits at once
#
# CACHE_DIR defaults to ${XDG_CACHE_HOME:-$HOME/.cache}/ct-deps. Downloads are
# kept in CACHE_DIR/src, build logs in CACHE_DIR/log. The sysroot is built in
# CACHE_DIR/sysroot.tmp and renamed into place only when complete, so an
# interrupted build never leaves a sysroot that looks valid.
#
# Consumers compile with
#   musl-gcc -static -isystem SYSROOT/include ... -LSYSROOT/lib \
#     -larchive -lzstd -lz -lbearssl -lseccomp -ljansson -lyaml -linih
# (libarchive before -lzstd -lz; the others are independent).
#
# Needs, on Debian 12: musl-tools gperf dpkg-dev cmake make gcc ca-certificates
# (installed by another script), and root the first time, to add deb-src
# entries to apt's sources.

set -eu

MKDIR=$(cd "$(dirname "$0")" && pwd)
LOCK=$MKDIR/deps.lock
SELF=$MKDIR/sysroot.sh
TOOLCHAIN=$MKDIR/toolchain-musl.cmake

CACHE=${1:-${XDG_CACHE_HOME:-$HOME/.cache}/ct-deps}
mkdir -p "$CACHE"
CACHE=$(cd "$CACHE" && pwd)
SYSROOT=$CACHE/sysroot          # the result
TMPROOT=$CACHE/sysroot.tmp      # built here, renamed to $SYSROOT on success
SRC=$CACHE/src                  # downloaded Debian files, reused across builds
BUILD=$CACHE/build              # unpacked sources, removed after a good build
LOGDIR=$CACHE/log

JOBS=$(nproc 2>/dev/null || echo 2)
# One set of flags for every library: consumers link with --gc-sections.
OPT=-O2
CFLAGS_DEPS="$OPT -ffunction-sections -fdata-sections -isystem $TMPROOT/include"

# Build zstd without its compressor: ct only reads zstd layers, and
# libarchive's zstd reader needs only ZSTD_decompressStream. Writing zstd
# through libarchive then falls back to running an external `zstd` program.
ZSTD_COMPRESSION=0

msg()  { printf 'sysroot: %s\n' "$*" >&2; }
warn() { printf 'sysroot: warning: %s\n' "$*" >&2; }
die() {
	printf 'sysroot: error: %s\n' "$*" >&2
	# Let a background build end before leaving, so no orphan keeps writing
	# into the cache.
	if [ -n "${BG:-}" ]; then
		msg "waiting for the background libarchive build to end"
		wait "$BG" 2>/dev/null || :
	fi
	exit 1
}

sha256() { sha256sum "$1" | cut -d' ' -f1; }

# ---------------------------------------------------------------- checks

# need CMD PACKAGE: fail naming the Debian package that provides CMD.
need() {
	command -v "$1" >/dev/null 2>&1 ||
		die "'$1' not found: install the Debian package $2 (apt-get install $2)"
}

check_tools() {
	need musl-gcc musl-tools
	need gperf gperf          # libseccomp: Debian's patch updates syscalls.csv
	need dpkg-source dpkg-dev
	need cmake cmake          # libarchive, jansson, libyaml
	need make make
	need gcc gcc
	need ar binutils
	need objcopy binutils
	need apt-get apt
	need flock util-linux
	need sha256sum coreutils
	[ -e /etc/ssl/certs/ca-certificates.crt ] ||
		die "no CA bundle: install the Debian package ca-certificates"
}

# The stamp: every input that changes what ends up in the sysroot.
stamp_value() {
	{
		cat "$LOCK" "$SELF" "$TOOLCHAIN"
		musl-gcc -dumpversion
		dpkg-query -W -f='${Version}\n' musl-dev musl
	} | sha256sum | cut -d' ' -f1
}

up_to_date() {
	[ -f "$SYSROOT/.stamp" ] && [ "$(cat "$SYSROOT/.stamp")" = "$STAMP" ]
}

# ---------------------------------------------------------------- apt

APT_OPTS=-q
# As root, apt drops to user _apt to download, which cannot enter /root/...;
# it then warns and downloads as root anyway. Say so up front, quietly.
[ "$(id -u)" = 0 ] && APT_OPTS="$APT_OPTS -o APT::Sandbox::User=root"

# derive_deb822 FILE...: print a deb-src stanza for every "Types: deb" stanza
# (continuation lines such as an inline Signed-By key are kept as they are).
derive_deb822() {
	for f in "$@"; do
		[ -f "$f" ] || continue
		awk '
		BEGIN { RS = ""; FS = "\n" }
		{
			types = ""; enabled = "yes"; out = ""; cont = 0
			for (i = 1; i <= NF; i++) {
				line = $i
				if (line ~ /^#/) continue
				if (line ~ /^[ \t]/) { if (cont) out = out line "\n"; continue }
				key = tolower(substr(line, 1, index(line, ":") - 1))
				val = substr(line, index(line, ":") + 1)
				gsub(/^[ \t]+|[ \t]+$/, "", val)
				cont = 0
				if (key == "types") { types = " " val " "; continue }
				if (key == "enabled") { enabled = tolower(val); continue }
				cont = 1
				out = out line "\n"
			}
			if (enabled == "no" || types !~ /[ \t]deb[ \t]/) next
			printf "Types: deb-src\n%s\n", out
		}' "$f"
	done
}

# derive_oneline FILE...: "deb [opts] URI SUITE COMPONENTS" -> "deb-src ...".
derive_oneline() {
	for f in "$@"; do
		[ -f "$f" ] || continue
		sed -n 's/^[[:space:]]*deb[[:space:]]/deb-src /p' "$f"
	done
}

# ensure_deb_src: apt-get source needs deb-src entries. If apt knows no
# source packages, derive them from the machine's own deb entries (so the
# same mirrors, suites and keys are used; no mirror is named here).
ensure_deb_src() {
	apt-cache showsrc zlib 2>/dev/null | grep -q '^Package:' && return 0
	[ "$(id -u)" = 0 ] ||
		die "apt knows no source packages (no deb-src entries); run this once as root to add them"
	d=/etc/apt/sources.list.d
	msg "apt has no deb-src entries; deriving them from the deb entries"
	derive_deb822 "$d"/*.sources >"$d/ct-deb-src.sources.tmp"
	derive_oneline /etc/apt/sources.list "$d"/*.list >"$d/ct-deb-src.list.tmp"
	for f in sources list; do
		if [ -s "$d/ct-deb-src.$f.tmp" ]; then
			{ echo "# deb-src entries derived from the deb entries by ct's mk/sysroot.sh"
			  cat "$d/ct-deb-src.$f.tmp"; } >"$d/ct-deb-src.$f"
			msg "wrote $d/ct-deb-src.$f"
		fi
		rm -f "$d/ct-deb-src.$f.tmp"
	done
	[ -e "$d/ct-deb-src.sources" ] || [ -e "$d/ct-deb-src.list" ] ||
		die "found no deb entries in /etc/apt/sources.list{,.d} to derive deb-src entries from"
	msg "apt-get update"
	if ! apt-get update -q >"$LOGDIR/apt-update.log" 2>&1; then
		tail -n 30 "$LOGDIR/apt-update.log" >&2
		rm -f "$d/ct-deb-src.sources" "$d/ct-deb-src.list"
		die "apt-get update failed with the derived deb-src entries (removed again); log: $LOGDIR/apt-update.log"
	fi
	apt-cache showsrc zlib 2>/dev/null | grep -q '^Package:' ||
		die "apt still knows no source package zlib after adding deb-src entries"
}

APT_SRC_READY=no
apt_src_ready() {
	[ "$APT_SRC_READY" = yes ] && return 0
	ensure_deb_src
	APT_SRC_READY=yes
}

# ---------------------------------------------------------------- versions

noepoch()  { case $1 in *:*) echo "${1#*:}" ;; *) echo "$1" ;; esac; }
# upstream 1:1.2.13.dfsg-1 -> 1.2.13.dfsg
upstream() { v=$(noepoch "$1"); case $v in *-*) v=${v%-*} ;; esac; echo "$v"; }

# newest VERSION...: the highest Debian version of its arguments.
newest() {
	best=
	for v in "$@"; do
		if [ -z "$best" ] || dpkg --compare-versions "$v" gt "$best"; then best=$v; fi
	done
	echo "$best"
}

# lock_get KIND NAME: the fields of NAME's line in deps.lock.
lock_get() {
	l=$(awk -v k="$1" -v n="$2" '$1 == k && $2 == n { print; exit }' "$LOCK")
	[ -n "$l" ] || die "$LOCK has no '$1 $2' line"
	echo "$l"
}

# ---------------------------------------------------------------- source packages

dsc_name() { echo "${1}_$(noepoch "$2").dsc"; }

# dsc_files DSC: "SHA256 FILE" for each file the .dsc lists.
dsc_files() {
	awk '/^Checksums-Sha256:/ { f = 1; next } f && /^ / { print $1, $3; next } { f = 0 }' "$1"
}

dsc_orig() {
	dsc_files "$1" | awk '$2 ~ /\.orig\.tar\.[a-z0-9]+$/ { print $2; exit }'
}

# src_cached DSC: the .dsc and every file it lists are in $SRC, intact.
src_cached() {
	[ -f "$SRC/$1" ] || return 1
	dsc_files "$SRC/$1" | {
		while read -r sum file; do
			[ -f "$SRC/$file" ] && [ "$(sha256 "$SRC/$file")" = "$sum" ] || exit 1
		done
	}
}

# apt_source NAME VERSION: download into $SRC (via a scratch dir, so a failed
# download leaves nothing half-written there).
apt_source() {
	apt_src_ready
	rm -rf "$SRC/.dl"
	mkdir -p "$SRC/.dl"
	if ! (cd "$SRC/.dl" && apt-get source --download-only $APT_OPTS "$1=$2") \
		>>"$LOGDIR/download.log" 2>&1; then
		rm -rf "$SRC/.dl"
		return 1
	fi
	mv -f "$SRC/.dl"/* "$SRC"/
	rmdir "$SRC/.dl"
}

# fetch_src NAME: put the source package pinned in deps.lock into $SRC.
# Sets FETCHED to the version actually fetched, or to "" when NAME's pinned
# upstream version cannot be downloaded at all. Checksum mismatches are fatal.
fetch_src() {
	l=$(lock_get src "$1")
	set -- $l
	name=$2 ver=$3 dsc_sum=$4 orig_sum=$5
	FETCHED=
	dsc=$(dsc_name "$name" "$ver")
	if ! src_cached "$dsc"; then
		msg "fetching $name $ver"
		if ! apt_source "$name" "$ver"; then
			fetch_src_fallback "$name" "$ver" "$orig_sum"
			return 0
		fi
	fi
	got=$(sha256 "$SRC/$dsc")
	[ "$got" = "$dsc_sum" ] ||
		die "$name $ver: $dsc has sha256 $got, deps.lock expects $dsc_sum (delete $SRC/$dsc to download it again)"
	check_orig "$name" "$ver" "$dsc" "$orig_sum"
	FETCHED=$ver
}

# check_orig NAME VERSION DSC SUM [WHY]: the upstream tarball is the pinned one.
check_orig() {
	orig=$(dsc_orig "$SRC/$3")
	[ -n "$orig" ] || die "$1 $2: $3 lists no .orig.tar.* file"
	got=$(sha256 "$SRC/$orig")
	[ "$got" = "$4" ] ||
		die "${5:-}$1 $2: $orig has sha256 $got, deps.lock expects $4"
}

# The pinned Debian revision is gone (security updates replace revisions on
# the mirror). Take the newest available revision of the same upstream
# version, provided its upstream tarball is byte-for-byte the pinned one.
fetch_src_fallback() {
	name=$1 ver=$2 orig_sum=$3
	up=$(upstream "$ver")
	cands=$(apt-cache showsrc "$name" 2>/dev/null | awk '/^Version:/ { print $2 }' |
		while read -r v; do
			[ "$v" != "$ver" ] && [ "$(upstream "$v")" = "$up" ] && echo "$v"
		done | sort -u)
	alt=$(newest $cands)
	if [ -z "$alt" ]; then
		warn "$name $ver could not be downloaded and no other revision of $up is available (log: $LOGDIR/download.log)"
		return 0
	fi
	dsc=$(dsc_name "$name" "$alt")
	if ! src_cached "$dsc"; then
		msg "fetching $name $alt"
		apt_source "$name" "$alt" ||
			die "$name: neither $ver nor $alt could be downloaded (log: $LOGDIR/download.log)"
	fi
	check_orig "$name" "$alt" "$dsc" "$orig_sum" "pinned $name $ver is not downloadable, and its replacement "
	warn "$name $ver is no longer downloadable; using $alt (same upstream tarball, sha256 ${orig_sum%"${orig_sum#????????????}"}...)"
	FETCHED=$alt
}

# unpack_src NAME VERSION: dpkg-source -x (checks every file against the
# .dsc and applies Debian's patches) into $BUILD/NAME.
unpack_src() {
	rm -rf "$BUILD/$1"
	dpkg-source -x "$SRC/$(dsc_name "$1" "$2")" "$BUILD/$1"
}

# ---------------------------------------------------------------- binary packages

# apt_download NAME VERSION FILE: apt-get download NAME=VERSION to FILE.
apt_download() {
	rm -rf "$SRC/.dl"
	mkdir -p "$SRC/.dl"
	if ! (cd "$SRC/.dl" && apt-get download $APT_OPTS "$1=$2") \
		>>"$LOGDIR/download.log" 2>&1; then
		rm -rf "$SRC/.dl"
		return 1
	fi
	mv -f "$SRC/.dl"/*.deb "$3"
	rm -rf "$SRC/.dl"
}

# fetch_deb NAME: put the binary package pinned in deps.lock into $SRC.
# Sets FETCHED to its version and DEB to its path.
fetch_deb() {
	l=$(lock_get deb "$1")
	set -- $l
	name=$2 ver=$3 sum=$4 series=
	case ${5:-} in series=*) series=${5#series=} ;; esac
	DEB=$SRC/${name}_$(noepoch "$ver").deb
	FETCHED=$ver
	if [ -f "$DEB" ] && [ "$(sha256 "$DEB")" = "$sum" ]; then return 0; fi
	msg "fetching $name $ver"
	if apt_download "$name" "$ver" "$DEB"; then
		got=$(sha256 "$DEB")
		[ "$got" = "$sum" ] || die "$name $ver: .deb has sha256 $got, deps.lock expects $sum"
		return 0
	fi
	[ -n "$series" ] ||
		die "$name $ver could not be downloaded (log: $LOGDIR/download.log)"
	alt=$(newest $(apt-cache madison "$name" 2>/dev/null |
		awk -F'|' '{ gsub(/ /, "", $2); print $2 }' |
		while read -r v; do case $v in "$series"*) echo "$v" ;; esac; done))
	[ -n "$alt" ] ||
		die "$name $ver could not be downloaded and apt offers no version $series* (log: $LOGDIR/download.log)"
	DEB=$SRC/${name}_$(noepoch "$alt").deb
	if [ ! -f "$DEB" ]; then
		apt_download "$name" "$alt" "$DEB" ||
			die "$name: neither $ver nor $alt could be downloaded (log: $LOGDIR/download.log)"
	fi
	warn "$name $ver is no longer downloadable; using $alt (sha256 $(sha256 "$DEB"), not pinned)"
	FETCHED=$alt
}

# ---------------------------------------------------------------- builds
#
# Each build_* runs in a subshell with set -e, its output in $LOGDIR/NAME.log,
# and installs headers into $TMPROOT/include and one .a into $TMPROOT/lib.
# Only headers and archives are copied: .pc and CMake files would carry the
# temporary path, and consumers link with plain -l flags.

# CMake's configure checks (about 400 for libarchive) each build a tiny
# project; with Ninja instead of make that costs a third less CPU. Ninja is
# optional: without it CMake's default generator is used, same results.
if [ -z "${CMAKE_GENERATOR:-}" ] && command -v ninja >/dev/null 2>&1; then
	CMAKE_GENERATOR=Ninja
	export CMAKE_GENERATOR
fi

# cmake_configure SRCDIR -DOPTION...: configure an out-of-tree Release build
# in SRCDIR/_build with the musl toolchain confined to the sysroot.
cmake_configure() {
	s=$1; shift
	cmake -S "$s" -B "$s/_build" \
		-DCMAKE_TOOLCHAIN_FILE="$TOOLCHAIN" -DCT_SYSROOT="$TMPROOT" \
		-DCMAKE_BUILD_TYPE=Release -DCMAKE_C_FLAGS_RELEASE="$OPT -DNDEBUG" \
		-DBUILD_SHARED_LIBS=OFF "$@"
}

build_kernel_headers() {
	# The UAPI headers musl-gcc lacks (it must never see /usr/include, where
	# glibc's headers live): linux/, asm-generic/, and the arch's asm/.
	d=$BUILD/linux-libc-dev
	rm -rf "$d"
	dpkg -x "$DEB_LINUX" "$d"
	multiarch=$(dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null || gcc -print-multiarch)
	cp -R "$d/usr/include/linux" "$d/usr/include/asm-generic" "$TMPROOT/include/"
	cp -R "$d/usr/include/$multiarch/asm" "$TMPROOT/include/asm"
}

build_zlib() {
	unpack_src zlib "$V_zlib"
	cd "$BUILD/zlib"
	CC=musl-gcc CFLAGS="$CFLAGS_DEPS" ./configure --static --prefix=/unused
	make -j"$JOBS" libz.a
	cp zlib.h zconf.h "$TMPROOT/include/"
	cp libz.a "$TMPROOT/lib/"
}

build_zstd() {
	unpack_src libzstd "$V_libzstd"
	cd "$BUILD/libzstd/lib"
	# CFLAGS through the environment: on the command line it would replace
	# the flags lib/Makefile appends (the HUF_/ZSTD_ feature -D's).
	# Static libzstd is single-threaded by default; legacy (pre-1.0) frames
	# never occur in OCI layers.
	CFLAGS="$CFLAGS_DEPS" make -j"$JOBS" libzstd.a CC=musl-gcc AR=ar \
		ZSTD_LIB_COMPRESSION=$ZSTD_COMPRESSION ZSTD_LEGACY_SUPPORT=0
	cp zstd.h zstd_errors.h "$TMPROOT/include/"
	[ "$ZSTD_COMPRESSION" = 0 ] || cp zdict.h "$TMPROOT/include/"
	cp libzstd.a "$TMPROOT/lib/"
}

build_bearssl() {
	unpack_src bearssl "$V_bearssl"
	cd "$BUILD/bearssl"
	# Only the static library: no shared lib, no brssl tool, no tests.
	make -j"$JOBS" lib CONF=Unix CC=musl-gcc AR=ar CFLAGS="-W -Wall $CFLAGS_DEPS"
	cp inc/*.h "$TMPROOT/include/"
	cp build/libbearssl.a "$TMPROOT/lib/"
}

build_seccomp() {
	unpack_src libseccomp "$V_libseccomp"
	cd "$BUILD/libseccomp"
	# Debian's patch updates src/syscalls.csv, so make regenerates the
	# syscall tables with gperf. Only src/ is built: no tools, no tests.
	CC=musl-gcc CFLAGS="$CFLAGS_DEPS" ./configure --prefix=/unused \
		--enable-static --disable-shared --disable-python
	make -j"$JOBS" -C src libseccomp.la
	cp include/seccomp.h include/seccomp-syscalls.h "$TMPROOT/include/"
	cp src/.libs/libseccomp.a "$TMPROOT/lib/"
}

build_jansson() {
	unpack_src jansson "$V_jansson"
	cd "$BUILD/jansson"
	# The orig tarball has no configure script; use its CMake build.
	cmake_configure . -DJANSSON_BUILD_SHARED_LIBS=OFF -DJANSSON_BUILD_DOCS=OFF \
		-DJANSSON_WITHOUT_TESTS=ON -DJANSSON_EXAMPLES=OFF -DJANSSON_INSTALL=OFF
	cmake --build _build -j"$JOBS" --target jansson
	cp src/jansson.h _build/include/jansson_config.h "$TMPROOT/include/"
	cp _build/lib/libjansson.a "$TMPROOT/lib/"
}

build_yaml() {
	unpack_src libyaml "$V_libyaml"
	cd "$BUILD/libyaml"
	# No configure in the tarball either; CMake, without tests.
	cmake_configure . -DBUILD_TESTING=OFF
	cmake --build _build -j"$JOBS" --target yaml
	cp include/yaml.h "$TMPROOT/include/"
	cp _build/libyaml.a "$TMPROOT/lib/"
}

build_inih() {
	if [ -n "$V_libinih" ]; then
		# inih is one .c file; Debian's meson build compiles it with the
		# defaults its ini.h spells out, so compile it directly.
		unpack_src libinih "$V_libinih"
		cd "$BUILD/libinih"
		musl-gcc $CFLAGS_DEPS -c ini.c -o ini.o
		ar rcs libinih.a ini.o
		cp ini.h "$TMPROOT/include/"
		cp libinih.a "$TMPROOT/lib/"
		return 0
	fi
	# Fallback: Debian's glibc-built libinih.a. ini.c uses only plain C
	# stdio/string calls, which musl provides under the same names, except
	# fopen64 (glibc's LFS alias; musl >= 1.2.4 no longer exports it for
	# linking). Rename it to fopen in the archive so consumers need no
	# -Wl,--defsym=fopen64=fopen.
	d=$BUILD/libinih-dev
	rm -rf "$d"
	dpkg -x "$DEB_INIH" "$d"
	cd "$d"
	a=$(find "$d/usr/lib" -name libinih.a)
	[ -n "$a" ] || { echo "no libinih.a in $DEB_INIH"; exit 1; }
	objcopy --redefine-sym fopen64=fopen "$a" "$TMPROOT/lib/libinih.a"
	cp "$d/usr/include/ini.h" "$TMPROOT/include/"
	# Everything it needs must resolve in musl's libc.a.
	libc=$(musl-gcc -print-file-name=libc.a)
	nm -g --defined-only "$libc" 2>/dev/null | awk '{ print $3 }' | sort -u >libc.syms
	nm -u "$TMPROOT/lib/libinih.a" | awk '$1 == "U" && $2 != "_GLOBAL_OFFSET_TABLE_" { print $2 }' |
		sort -u >inih.undef
	missing=$(comm -23 inih.undef libc.syms)
	[ -z "$missing" ] || { echo "musl's libc.a lacks:" $missing; exit 1; }
}

build_archive() {
	unpack_src libarchive "$V_libarchive"
	cd "$BUILD/libarchive"
	# autotools breaks here (Debian's patches touch Makefile.am); CMake works.
	# Only zlib and zstd; every other codec, crypto, XML, ACL and iconv off,
	# and no regex library (only the tar/cpio front ends want one).
	# xattr support stays on: image layers carry security.capability.
	cmake_configure . \
		-DENABLE_ZLIB=ON -DENABLE_ZSTD=ON \
		-DENABLE_BZip2=OFF -DENABLE_LZMA=OFF -DENABLE_LZ4=OFF -DENABLE_LZO=OFF \
		-DENABLE_LIBB2=OFF -DENABLE_OPENSSL=OFF -DENABLE_MBEDTLS=OFF \
		-DENABLE_NETTLE=OFF -DENABLE_CNG=OFF -DENABLE_LIBXML2=OFF \
		-DENABLE_EXPAT=OFF -DENABLE_PCREPOSIX=OFF -DENABLE_LIBGCC=OFF \
		-DENABLE_ACL=OFF -DENABLE_ICONV=OFF -DENABLE_XATTR=ON \
		-DPOSIX_REGEX_LIB=NONE \
		-DENABLE_TAR=OFF -DENABLE_CPIO=OFF -DENABLE_CAT=OFF \
		-DENABLE_TEST=OFF -DENABLE_INSTALL=OFF -DENABLE_WERROR=OFF
	# A silently missing codec would only show when ct meets such a layer.
	for def in HAVE_ZLIB_H HAVE_ZSTD_H HAVE_LIBZSTD; do
		grep -q "^#define $def 1" _build/config.h ||
			{ echo "libarchive: $def not detected in the sysroot"; exit 1; }
	done
	cmake --build _build -j"$JOBS" --target archive_static
	cp libarchive/archive.h libarchive/archive_entry.h "$TMPROOT/include/"
	cp _build/libarchive/libarchive.a "$TMPROOT/lib/"
}

# run_build NAME VERSION FUNCTION: run one build with its log; on failure
# show the end of the log and stop.
run_build() {
	msg "building $1 $(upstream "$2") ..."
	log=$LOGDIR/$1.log
	t0=$(date +%s)
	set +e
	(set -e; "$3") >"$log" 2>&1
	rc=$?
	set -e
	if [ "$rc" != 0 ]; then
		tail -n 30 "$log" >&2
		die "building $1 failed; full log: $log"
	fi
	msg "built $1 in $(( $(date +%s) - t0 ))s"
}

# ---------------------------------------------------------------- main

need musl-gcc musl-tools
need dpkg-query dpkg
STAMP=$(stamp_value)
if up_to_date; then
	msg "up to date ($SYSROOT)"
	exit 0
fi
check_tools
mkdir -p "$SRC" "$LOGDIR"

# One build at a time per cache; a second caller waits, then finds it done.
exec 9>"$CACHE/.lock"
flock 9
if up_to_date; then
	msg "up to date ($SYSROOT)"
	exit 0
fi

: >"$LOGDIR/download.log"
for p in zlib libzstd bearssl libseccomp libarchive jansson libyaml; do
	fetch_src "$p"
	[ -n "$FETCHED" ] || die "$p: no downloadable source (log: $LOGDIR/download.log)"
	eval "V_$p=\$FETCHED"
done
fetch_src libinih
V_libinih=$FETCHED
if [ -z "$V_libinih" ]; then
	warn "libinih: using Debian's prebuilt libinih-dev instead of building the source"
	fetch_deb libinih-dev
	DEB_INIH=$DEB V_inih_deb=$FETCHED
fi
fetch_deb linux-libc-dev
DEB_LINUX=$DEB V_linux=$FETCHED

rm -rf "$TMPROOT" "$BUILD"
mkdir -p "$TMPROOT/include" "$TMPROOT/lib" "$BUILD"
start=$(date +%s)

run_build linux-libc-dev "$V_linux" build_kernel_headers
run_build zlib "$V_zlib" build_zlib
run_build libzstd "$V_libzstd" build_zstd
# libarchive needs only zlib and zstd. Its CMake configure (about 400
# checks, one compile and link each) is single-threaded and the longest step
# of all, so it runs in the background while the other libraries build.
BG=
run_build libarchive "$V_libarchive" build_archive &
BG=$!
run_build bearssl "$V_bearssl" build_bearssl
run_build libseccomp "$V_libseccomp" build_seccomp
run_build jansson "$V_jansson" build_jansson
run_build libyaml "$V_libyaml" build_yaml
run_build libinih "${V_libinih:-$V_inih_deb}" build_inih
# run_build has already reported a failure of its own.
wait "$BG" || { BG=; exit 1; }
BG=

{
	echo "# package version origin, as built by mk/sysroot.sh"
	echo "linux-libc-dev $V_linux deb"
	for p in zlib libzstd bearssl libseccomp libarchive jansson libyaml; do
		eval "echo \"$p \$V_$p src\""
	done
	if [ -n "$V_libinih" ]; then echo "libinih $V_libinih src"
	else echo "libinih $V_inih_deb deb:libinih-dev"; fi
} >"$TMPROOT/VERSIONS"
echo "$STAMP" >"$TMPROOT/.stamp"
rm -rf "$SYSROOT.old"
[ ! -e "$SYSROOT" ] || mv "$SYSROOT" "$SYSROOT.old"
mv "$TMPROOT" "$SYSROOT"
rm -rf "$SYSROOT.old" "$BUILD"
msg "done in $(( $(date +%s) - start ))s: $SYSROOT"
