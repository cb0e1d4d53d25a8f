#!/usr/bin/env bash
# strace 6.1's own test programs, untraced, under strace -f and under sigsys-trace (issue 14).
#
#   tools/strace-suite/run.sh [--jobs N] [--timeout S] [--only REGEX] [--rebuild]
#
# 1. builds strace v6.1's tests/ programs (pure_executables.list) once, cached in
#    target/strace-suite/strace-6.1 (sources from the local mirror, else GitHub);
# 2. builds target/release/sigsys-trace (cargo build --release -p sigsys-trace);
# 3. runs every program three ways and compares them with compare.py, which writes
#    target/strace-suite/report.txt and prints the summary.
# Environment: STRACE_SUITE_DIR (default target/strace-suite), STRACE (default strace),
# SIGSYS_TRACE (default target/release/sigsys-trace, then no cargo build).
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
OUT=${STRACE_SUITE_DIR:-$ROOT/target/strace-suite}
SRC=$OUT/strace-6.1
TAG=v6.1
REBUILD=0
ARGS=()
while [ $# -gt 0 ]; do
	case "$1" in
	--rebuild) REBUILD=1 ;;
	*) ARGS+=("$1") ;;
	esac
	shift
done
mkdir -p "$OUT"
log() { printf '== %s\n' "$*" >&2; }

# --- build dependencies (idempotent) -------------------------------------------------
need=()
for t in autoconf:autoconf automake:automake aclocal:automake gcc:gcc make:make gawk:gawk \
	git:git strace:strace python3:python3 timeout:coreutils m4:m4 autopoint:autopoint; do
	command -v "${t%%:*}" >/dev/null 2>&1 || need+=("${t##*:}")
done
if [ ${#need[@]} -gt 0 ]; then
	log "installing ${need[*]}"
	SUDO=
	[ "$(id -u)" = 0 ] || SUDO=sudo
	$SUDO apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
fi

# --- strace sources and test programs (cached) ---------------------------------------
STAMP=$SRC/.suite-built
if [ "$REBUILD" = 1 ]; then rm -rf "$SRC"; fi
if [ ! -f "$STAMP" ]; then
	rm -rf "$SRC"
	mkdir -p "$SRC"
	MIRROR=/work/.mirror/strace+strace/repo
	if [ -d "$MIRROR" ] && git --git-dir="$MIRROR" rev-parse -q --verify "$TAG" >/dev/null; then
		log "strace $TAG from $MIRROR"
		SGIT=$MIRROR
	else
		log "strace $TAG from GitHub"
		rm -rf "$OUT/strace.git"
		git clone -q --bare --depth 1 --branch "$TAG" https://github.com/strace/strace "$OUT/strace.git"
		SGIT=$OUT/strace.git
	fi
	# Not git archive: strace's .gitattributes export-ignores the whole tree. A private
	# index file keeps the mirror untouched.
	GIT_INDEX_FILE=$OUT/index git --git-dir="$SGIT" --work-tree="$SRC" read-tree "$TAG"
	GIT_INDEX_FILE=$OUT/index git --git-dir="$SGIT" --work-tree="$SRC" checkout-index -a -f
	rm -f "$OUT/index"
	# No .git in an archive: give git-version-gen and copyright-year-gen their answers.
	echo "${TAG#v}" >"$SRC/.tarball-version"
	date +%Y >"$SRC/.year"
	fail() {
		log "build failed ($1), see $OUT/build.log"
		tail -30 "$OUT/build.log" >&2
		exit 1
	}
	cd "$SRC"
	log "bootstrap + configure"
	./bootstrap >"$OUT/build.log" 2>&1 || fail bootstrap
	./configure --enable-mpers=no >>"$OUT/build.log" 2>&1 || fail configure
	log "scno.h + libtests.a"
	make -j"$(nproc)" -C src scno.h >>"$OUT/build.log" 2>&1 || fail scno.h
	make -j"$(nproc)" -C tests libtests.a >>"$OUT/build.log" 2>&1 || fail libtests.a
	progs=$(grep -v '^#' tests/pure_executables.list | sed '/^$/d')
	log "$(echo "$progs" | wc -l) test programs"
	# -k: a program that does not build on this machine is left out, not fatal.
	# shellcheck disable=SC2086
	make -k -j"$(nproc)" -C tests $progs >>"$OUT/build.log" 2>&1 || log "some programs did not build"
	cd "$ROOT"
	touch "$STAMP"
else
	log "strace $TAG test programs cached in $SRC"
fi

# --- sigsys-trace -----------------------------------------------------------------------
if [ -z "${SIGSYS_TRACE:-}" ]; then
	log "cargo build --release -p sigsys-trace"
	(cd "$ROOT" && cargo build --release -q -p sigsys-trace)
	SIGSYS_TRACE=${CARGO_TARGET_DIR:-$ROOT/target}/release/sigsys-trace
fi

# --- run and compare --------------------------------------------------------------------
exec python3 "$HERE/compare.py" --tests "$SRC/tests" --out "$OUT" \
	--strace "${STRACE:-strace}" --tracer "$SIGSYS_TRACE" ${ARGS[@]+"${ARGS[@]}"}
