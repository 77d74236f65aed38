#!/usr/bin/env bash
# make valgrind: the pg_regress suite with every backend under valgrind
# memcheck, against a valgrind-aware, assert-enabled PostgreSQL 15.
#
#   bash test/valgrind.sh            # build what is missing, run, report
#   bash test/valgrind.sh build-pg   # only build the cached PostgreSQL
#
# Debian's server is built without USE_VALGRIND, so memcheck cannot see an
# overrun inside a palloc chunk there.  This script builds PostgreSQL 15 once
# with USE_VALGRIND, --enable-cassert (which also turns on memory-context
# checking: freed and unused chunk space is marked NOACCESS) and
# --enable-debug, into a cached prefix reused by later runs (rebuilt when the
# configure line changes; delete the prefix to force it):
#
#   PGPREF_VG_PREFIX   (default /var/cache/pgpref/pg15-valgrind)
#
# The sources are the upstream tarball of Debian's source package
# (apt-get source --download-only postgresql-15, through a deb-src entry for
# Debian's main pool, which serves 15.18; the script adds the entry).
#
# Then it builds pgpref against that server's pg_config, installs it into the
# prefix, starts a throwaway cluster whose postmaster runs under
#
#   valgrind --tool=memcheck --trace-children=yes --leak-check=no
#            --suppressions=<PostgreSQL's src/tools/valgrind.supp>
#            --suppressions=test/valgrind.supp
#
# as PostgreSQL's own documentation describes, and runs pg_regress.  Every
# process writes its valgrind log to a file; the script counts the error
# records in them (VALGRINDERROR-BEGIN markers) and the crashes and assertion
# failures in the server log, and fails if there is any.  Differences in
# pg_regress output are shown but do not fail this target (make test checks
# them; under valgrind timings differ).
#
#   PGPREF_VG_REGRESS  pg_regress files to run (default: all except those
#                      that need pg_cron, which the custom server lacks)
#   PGPREF_VG_FUZZ_N   inputs per type and path of the fuzz test (default 1000)
#   PGPREF_VG_ORIGINS=1  --track-origins=yes (slower; where an uninitialised
#                      value came from)
#   PGPREF_VG_KEEP=1   keep the cluster directory (valgrind logs) afterwards;
#                      kept anyway when the run fails
#
# Ends with one line "N passed, N failed" like test/run.sh.
set -uo pipefail

MODE="${1:-run}"
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"

PREFIX="${PGPREF_VG_PREFIX:-/var/cache/pgpref/pg15-valgrind}"
CACHE="$(dirname "$PREFIX")"
SRCROOT="$CACHE/src"
PGMAJOR=15

log() { printf '== %s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 2; }

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

# ---- PostgreSQL 15 with USE_VALGRIND and assertions, built once -------------
# Needs a deb-src entry for Debian's main pool (the security pool's newer
# sources are not served); adds one when missing.
ensure_deb_src() {
	if grep -rqsE '^(Types:.*deb-src|deb-src )' /etc/apt/sources.list /etc/apt/sources.list.d/; then
		return 0
	fi
	log "adding a deb-src entry for Debian's main pool"
	local codename
	codename="$(. /etc/os-release && echo "${VERSION_CODENAME:-bookworm}")"
	$SUDO tee /etc/apt/sources.list.d/pgpref-deb-src.sources >/dev/null <<EOF
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: $codename
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
	$SUDO apt-get update -qq
}

# -O1 keeps backends under memcheck tolerably fast; -g for the stacks.
CONFIGURE_ARGS=(--prefix="$PREFIX" --enable-cassert --enable-debug
	--without-icu --without-llvm --without-readline --without-zlib
	CFLAGS="-O1 -g -fno-omit-frame-pointer" CPPFLAGS="-DUSE_VALGRIND")

# build_pg: configure, build and install into $PREFIX unless already there
build_pg() {
	if [ -f "$PREFIX/.pgpref-complete" ] && [ "$(cat "$PREFIX/.pgpref-complete")" = "${CONFIGURE_ARGS[*]}" ]; then
		log "using cached PostgreSQL in $PREFIX ($("$PREFIX/bin/pg_config" --version))"
		return 0
	fi
	export DEBIAN_FRONTEND=noninteractive
	ensure_deb_src
	# build tools; valgrind's headers give USE_VALGRIND its client requests
	local need=(dpkg-dev build-essential bison flex perl valgrind pkg-config)
	local missing=() p
	for p in "${need[@]}"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
	done
	if [ "${#missing[@]}" -gt 0 ]; then
		log "installing ${missing[*]}"
		$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" || die "apt-get install failed"
	fi
	$SUDO mkdir -p "$SRCROOT"
	$SUDO chown "$(id -u)" "$SRCROOT" "$CACHE"
	# Upstream's release tarball (the source package's .orig.tar.bz2), without
	# Debian's patches: those move pkglibdir to /usr/lib/postgresql/15/lib,
	# which would overwrite the system server's files on make install.
	local src
	src="$(find "$SRCROOT" -maxdepth 1 -type d -name "postgresql-$PGMAJOR.*" | sort | tail -1)"
	if [ -z "$src" ]; then
		local orig
		orig="$(ls "$SRCROOT"/postgresql-${PGMAJOR}_*.orig.tar.* 2>/dev/null | sort | tail -1)"
		if [ -z "$orig" ]; then
			log "fetching Debian's postgresql-$PGMAJOR source package"
			(cd "$SRCROOT" && apt-get source -qq --download-only "postgresql-$PGMAJOR") \
				|| die "apt-get source postgresql-$PGMAJOR failed"
			orig="$(ls "$SRCROOT"/postgresql-${PGMAJOR}_*.orig.tar.* 2>/dev/null | sort | tail -1)"
			[ -n "$orig" ] || die "no .orig tarball after apt-get source"
		fi
		tar -C "$SRCROOT" -xf "$orig" || die "cannot unpack $orig"
		src="$(find "$SRCROOT" -maxdepth 1 -type d -name "postgresql-$PGMAJOR.*" | sort | tail -1)"
		[ -n "$src" ] || die "no source tree in $orig"
	fi
	log "building $(basename "$src") into $PREFIX (USE_VALGRIND, cassert; this takes a while)"
	local bld="$SRCROOT/build"
	rm -rf "$bld"
	mkdir -p "$bld"
	# an older build of ours (stamp present) goes; never remove anything else
	if [ -f "$PREFIX/.pgpref-complete" ]; then $SUDO rm -rf "$PREFIX"; fi
	(cd "$bld" && "$src/configure" "${CONFIGURE_ARGS[@]}" >"$bld/configure.log" 2>&1) \
		|| { tail -40 "$bld/configure.log"; die "configure failed"; }
	(cd "$bld" && make -s -j"${PGPREF_VG_JOBS:-2}" >"$bld/make.log" 2>&1 && make -s install >>"$bld/make.log" 2>&1 \
		&& make -s -C contrib/dblink install >>"$bld/make.log" 2>&1) \
		|| { tail -60 "$bld/make.log"; die "PostgreSQL build failed"; }
	grep -q '^#define USE_ASSERT_CHECKING 1' "$("$PREFIX/bin/pg_config" --includedir-server)/pg_config.h" || die "build lacks USE_ASSERT_CHECKING"
	cp "$src/src/tools/valgrind.supp" "$PREFIX/valgrind.supp"
	# pgTAP is plain SQL: borrow Debian's files when present
	cp /usr/share/postgresql/$PGMAJOR/extension/pgtap* "$PREFIX/share/extension/" 2>/dev/null || true
	echo "${CONFIGURE_ARGS[*]}" >"$PREFIX/.pgpref-complete"
	log "PostgreSQL built: $("$PREFIX/bin/pg_config" --version)"
}

# ---- main --------------------------------------------------------------------
# One run at a time: the build and make install write the shared prefix.
if [ -z "${PGPREF_VG_LOCKED:-}" ] && command -v flock >/dev/null 2>&1; then
	export PGPREF_VG_LOCKED=1
	exec flock "${TMPDIR:-/tmp}/pgpref-valgrind.lock" bash "$ROOT/test/valgrind.sh" "$@"
fi
build_pg
[ "$MODE" = build-pg ] && exit 0


PG_CONFIG="$PREFIX/bin/pg_config"
BINDIR="$("$PG_CONFIG" --bindir)"
command -v valgrind >/dev/null || die "valgrind is not installed"

# ---- pgpref, built against that server -----------------------------------------
# In a copy of the tree, so that the objects built for the system server stay
# apart; installed into the prefix.
if [ "$(id -u)" -eq 0 ]; then
	RUNAS="${PGPREF_OS_USER:-postgres}"
	id "$RUNAS" >/dev/null 2>&1 || useradd --system --no-create-home "$RUNAS"
	as_db() { runuser -u "$RUNAS" -- "$@"; }
else
	RUNAS="$(id -un)"
	as_db() { "$@"; }
fi
TMPD="$(mktemp -d "${TMPDIR:-/tmp}/pgpref-vg.XXXXXX")"
chmod 755 "$TMPD"
export PGDATA="$TMPD/data"
export PGHOST="$TMPD"
export PGPORT=5432
export PGUSER=postgres
export PGDATABASE=postgres
PGPID=""
cleanup() {
	if [ -f "$PGDATA/postmaster.pid" ]; then
		as_db "$BINDIR/pg_ctl" -D "$PGDATA" -m immediate -w stop >/dev/null 2>&1 || true
	fi
	if [ -n "$PGPID" ]; then kill "$PGPID" 2>/dev/null || true; wait "$PGPID" 2>/dev/null || true; fi
	if [ "${PGPREF_VG_KEEP:-}" != 1 ]; then rm -rf "$TMPD"; else log "kept $TMPD"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

log "building pgpref against $("$PG_CONFIG" --version) (assertions on)"
mkdir -p "$TMPD/build"
tar -C "$ROOT" --exclude='*.o' --exclude='*.so' --exclude='*.bc' --exclude=./results \
	--exclude=./.git --exclude='./regression.*' -cf - . | tar -C "$TMPD/build" -xf -
(cd "$TMPD/build" && make -s clean PG_CONFIG="$PG_CONFIG" >/dev/null 2>&1; \
	make -s WERROR=1 PG_CONFIG="$PG_CONFIG" >"$TMPD/build.log" 2>&1 \
	&& $SUDO make -s PG_CONFIG="$PG_CONFIG" install >>"$TMPD/build.log" 2>&1) \
	|| { cat "$TMPD/build.log"; die "pgpref build against $PREFIX failed"; }
chown -R "$RUNAS" "$TMPD"

# ---- throwaway cluster, postmaster under valgrind -------------------------------
log "starting a throwaway cluster under valgrind memcheck in $TMPD"
as_db "$BINDIR/initdb" -D "$PGDATA" -A trust -U postgres -E UTF8 --locale=C --no-sync >"$TMPD/initdb.log" 2>&1 \
	|| { cat "$TMPD/initdb.log"; die "initdb failed"; }
cat >>"$PGDATA/postgresql.conf" <<CONF
listen_addresses = ''
unix_socket_directories = '$TMPD'
port = $PGPORT
fsync = off
synchronous_commit = off
full_page_writes = off
max_worker_processes = 16
max_parallel_workers = 8
max_parallel_workers_per_gather = 2
log_min_messages = warning
log_line_prefix = '%m [%p] '
shared_buffers = 32MB
CONF
VGLOG="$TMPD/vg"
mkdir -p "$VGLOG"
chown "$RUNAS" "$VGLOG"
SUPP=(--suppressions="$PREFIX/valgrind.supp")
[ -f "$ROOT/test/valgrind.supp" ] && SUPP+=(--suppressions="$ROOT/test/valgrind.supp")
# No --error-exitcode: a backend exiting with it would make the postmaster
# reinitialise, killing every session and failing the rest of the suite; the
# error markers in the per-process logs are counted instead.
VG=(valgrind --quiet --tool=memcheck --trace-children=yes --leak-check=no
	--num-callers=30 --read-var-info=no
	--error-markers=VALGRINDERROR-BEGIN,VALGRINDERROR-END --gen-suppressions=all
	"${SUPP[@]}" --log-file="$VGLOG/%p.log")
[ "${PGPREF_VG_ORIGINS:-}" = 1 ] && VG+=(--track-origins=yes)
as_db "${VG[@]}" "$BINDIR/postgres" -D "$PGDATA" >"$TMPD/server.log" 2>&1 &
PGPID=$!
for _ in $(seq 1 300); do
	as_db "$BINDIR/pg_isready" -q -h "$PGHOST" -p "$PGPORT" && break
	kill -0 "$PGPID" 2>/dev/null || { cat "$TMPD/server.log"; die "server under valgrind did not start"; }
	sleep 1
done
as_db "$BINDIR/pg_isready" -q -h "$PGHOST" -p "$PGPORT" || { cat "$TMPD/server.log"; die "server under valgrind not ready after 300 s"; }

# ---- pg_regress ---------------------------------------------------------------
# Files that need pg_cron are skipped unless the prefix has it.
if [ -n "${PGPREF_VG_REGRESS:-}" ]; then
	TESTS="$PGPREF_VG_REGRESS"
else
	TESTS=""
	for f in sql/*.sql; do
		if grep -q 'CREATE EXTENSION pg_cron' "$f" && [ ! -f "$("$PG_CONFIG" --sharedir)/extension/pg_cron.control" ]; then
			log "skipping $(basename "$f" .sql): needs pg_cron"
			continue
		fi
		TESTS="$TESTS $(basename "$f" .sql)"
	done
fi
log "pg_regress under valgrind:$TESTS"
# the mutation fuzz (sql/fuzz.sql) with fewer inputs: memcheck is ~50x slower
export PGOPTIONS="${PGOPTIONS:-} -c pgpref_test.fuzz_n=${PGPREF_VG_FUZZ_N:-1000}"
START=$(date +%s)
(cd "$TMPD/build" && make -s installcheck PG_CONFIG="$PG_CONFIG" PGUSER=postgres REGRESS="$TESTS") >"$TMPD/regress.out" 2>&1
REGRESS_RC=$?
ELAPSED=$(( $(date +%s) - START ))
cat "$TMPD/regress.out"
if [ -f "$TMPD/build/regression.diffs" ]; then
	cp "$TMPD/build/regression.diffs" "$TMPD/regression.diffs"
	log "regression.diffs (first 200 lines; differences alone do not fail this target)"
	head -200 "$TMPD/regression.diffs"
fi

# stop the server so every process finishes its valgrind log
as_db "$BINDIR/pg_ctl" -D "$PGDATA" -m fast -w -t 300 stop >/dev/null 2>&1 || true
wait "$PGPID" 2>/dev/null || true
PGPID=""

# ---- report -------------------------------------------------------------------
ERRORS=$(cat "$VGLOG"/*.log 2>/dev/null | grep -c 'VALGRINDERROR-BEGIN' || true)
CRASHES=$(grep -cE 'terminated by signal|TRAP:|exited with exit code ([02-9]|[1-9][0-9])' "$TMPD/server.log" || true)
if [ "$ERRORS" -gt 0 ]; then
	log "valgrind errors (logs in $VGLOG):"
	for f in "$VGLOG"/*.log; do
		grep -q 'VALGRINDERROR-BEGIN' "$f" || continue
		echo "---- $f"
		sed -n '/VALGRINDERROR-BEGIN/,/VALGRINDERROR-END/p' "$f" | head -120
	done
fi
if [ "$CRASHES" -gt 0 ]; then
	log "server log: crashes or assertion failures"
	grep -E -B2 -A2 'terminated by signal|TRAP:|exited with exit code ([02-9]|[1-9][0-9])' "$TMPD/server.log" | head -60
fi
TESTS_OK=$(grep -cE '\.\.\. +ok' "$TMPD/regress.out" || true)
TESTS_BAD=$(grep -cE '\.\.\. +FAILED' "$TMPD/regress.out" || true)
echo "pg_regress under valgrind: $TESTS_OK ok, $TESTS_BAD with differences (exit $REGRESS_RC), ${ELAPSED} s"
echo "valgrind: $ERRORS errors, $CRASHES crashes or assertion failures"
if [ "$ERRORS" -eq 0 ] && [ "$CRASHES" -eq 0 ] && [ "$TESTS_OK" -gt 0 ]; then
	echo "1 passed, 0 failed"
	exit 0
fi
PGPREF_VG_KEEP=1
echo "0 passed, 1 failed"
exit 1
