#!/usr/bin/env bash
# pgpref harness: install dependencies, build, install, start a throwaway
# PostgreSQL cluster in a temporary directory, run a job, stop the cluster.
#
#   bash test/run.sh demo    # demo data set, real output
#   bash test/run.sh test    # every pg_regress test and pgTAP suite
#   bash test/run.sh bench   # benchmarks (ratios against a floor and peers)
#   bash test/run.sh shell   # start a cluster and open psql on it
#   bash test/run.sh dashboard  # demo data set, then test/dashboard.sh --inside
#                               # (make dashboard; see test/dashboard.sh)
#   bash test/run.sh deb     # the Debian package: build, install, smoke query
#
# Ends the test job with one line "N passed, N failed"; exit status is non-zero
# on any failure.
set -uo pipefail

MODE="${1:-test}"
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"

log() { printf '== %s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 2; }

# ---- dependencies, build, install -----------------------------------------
if [ "${PGPREF_SKIP_DEPS:-}" != 1 ]; then
	bash test/deps.sh >&2 || die "dependency installation failed"
fi
# One harness run at a time per machine: make install writes the shared
# PostgreSQL extension directory.
if [ -z "${PGPREF_LOCKED:-}" ] && command -v flock >/dev/null 2>&1; then
	export PGPREF_LOCKED=1
	exec flock "${TMPDIR:-/tmp}/pgpref-harness.lock" bash "$ROOT/test/run.sh" "$@"
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
log "building"
make -s WERROR=1 >/tmp/pgpref-build.$$.log 2>&1 || { cat /tmp/pgpref-build.$$.log; die "build failed"; }
$SUDO make -s WERROR=1 install >/tmp/pgpref-build.$$.log 2>&1 || { cat /tmp/pgpref-build.$$.log; die "install failed"; }
rm -f /tmp/pgpref-build.$$.log

BINDIR="$(pg_config --bindir)"
PGVER="$(pg_config --version | sed -E 's/^PostgreSQL ([0-9]+).*/\1/')"

# ---- throwaway cluster -----------------------------------------------------
# initdb refuses to run as root: use the postgres OS user then.
if [ "$(id -u)" -eq 0 ]; then
	RUNAS="${PGPREF_OS_USER:-postgres}"
	id "$RUNAS" >/dev/null 2>&1 || useradd --system --no-create-home "$RUNAS"
	as_db() { runuser -u "$RUNAS" -- "$@"; }
else
	RUNAS="$(id -un)"
	as_db() { "$@"; }
fi

TMPD="$(mktemp -d "${TMPDIR:-/tmp}/pgpref.XXXXXX")"
chmod 755 "$TMPD"
chown "$RUNAS" "$TMPD"
export PGDATA="$TMPD/data"
export PGHOST="$TMPD"
export PGPORT=5432
export PGUSER=postgres
export PGDATABASE=postgres

cleanup() {
	if [ -f "$PGDATA/postmaster.pid" ]; then
		as_db "$BINDIR/pg_ctl" -D "$PGDATA" -m immediate -w stop >/dev/null 2>&1 || true
	fi
	if [ "${PGPREF_KEEP_CLUSTER:-}" != 1 ]; then rm -rf "$TMPD"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

log "starting a throwaway PostgreSQL $PGVER cluster in $TMPD (OS user $RUNAS)"
as_db "$BINDIR/initdb" -D "$PGDATA" -A trust -U postgres -E UTF8 --locale=C --no-sync >"$TMPD/initdb.log" 2>&1 \
	|| { cat "$TMPD/initdb.log"; die "initdb failed"; }
cat >>"$PGDATA/postgresql.conf" <<CONF
listen_addresses = ''
unix_socket_directories = '$TMPD'
port = $PGPORT
fsync = off
synchronous_commit = off
full_page_writes = off
shared_preload_libraries = 'pg_cron'
cron.database_name = 'postgres'
cron.use_background_workers = on
max_worker_processes = 16
max_parallel_workers = 8
max_parallel_workers_per_gather = 2
log_min_messages = warning
CONF
as_db "$BINDIR/pg_ctl" -D "$PGDATA" -l "$TMPD/server.log" -w -t 60 start >/dev/null \
	|| { cat "$TMPD/server.log"; die "server did not start"; }

PSQL=(psql -X -q -v ON_ERROR_STOP=1)

# ---- jobs ------------------------------------------------------------------
# test/demo.sql sets up; every module adds a section as test/demo.d/NN_name.sql
run_demo() {
	local f
	"${PSQL[@]}" -c "CREATE DATABASE pgpref_demo" || return 1
	PGDATABASE=pgpref_demo "${PSQL[@]}" -f test/demo.sql || return 1
	for f in test/demo.d/*.sql; do
		[ -e "$f" ] || continue
		PGDATABASE=pgpref_demo "${PSQL[@]}" -f "$f" || return 1
	done
}

PASSED=0
FAILED=0

# count OUT RC OKPATTERN BADPATTERN: add a job's results to the totals; a
# failing exit status with nothing counted as failed still counts one failure
count() {
	local n_ok n_bad
	n_ok=$(printf '%s\n' "$1" | grep -cE "$3" || true)
	n_bad=$(printf '%s\n' "$1" | grep -cE "$4" || true)
	if [ "$2" -ne 0 ] && [ "$n_bad" -eq 0 ]; then n_bad=1; fi
	PASSED=$((PASSED + n_ok))
	FAILED=$((FAILED + n_bad))
	LAST_OK=$n_ok
	LAST_BAD=$n_bad
}

run_regress() {
	local out rc
	log "pg_regress"
	rm -rf results regression.diffs regression.out
	# PGPREF_REGRESS="tally bt" runs only those pg_regress files
	out="$(make -s installcheck PGUSER=postgres ${PGPREF_REGRESS:+REGRESS="$PGPREF_REGRESS"} 2>&1)"
	rc=$?
	printf '%s\n' "$out"
	if [ -f regression.diffs ]; then
		log "regression.diffs"
		cat regression.diffs
	fi
	# a backend crash: the server log names the statement (sql/null_sweep.sql
	# runs one statement per function)
	if grep -q "terminated by signal" "$TMPD/server.log" 2>/dev/null; then
		log "server crashes (server.log)"
		grep -A1 "terminated by signal" "$TMPD/server.log" | grep -E "terminated by signal|Failed process was running"
	fi
	count "$out" "$rc" '\.\.\. +ok' '\.\.\. +FAILED'
}

run_pgtap() {
	local out rc
	log "pgTAP"
	"${PSQL[@]}" -c "CREATE DATABASE pgpref_tap" || { FAILED=$((FAILED + 1)); return; }
	PGDATABASE=pgpref_tap "${PSQL[@]}" -c "CREATE EXTENSION pgtap; CREATE EXTENSION pgpref; ALTER DATABASE pgpref_tap SET search_path = public, pref;" \
		|| { FAILED=$((FAILED + 1)); return; }
	# PGPREF_TAP="test/pgtap/bt.sql" runs only those pgTAP files
	out="$(pg_prove -v -h "$PGHOST" -p "$PGPORT" -U postgres -d pgpref_tap ${PGPREF_TAP:-test/pgtap/*.sql} 2>&1)"
	rc=$?
	printf '%s\n' "$out" | grep -vE '^ok ' || true
	count "$out" "$rc" '^ok ' '^not ok '
	echo "pgTAP: $LAST_OK assertions passed, $LAST_BAD failed"
}

run_unit() {
	local out rc
	log "unit tests of the numeric cores (no server)"
	out="$(bash test/unit.sh 2>&1)"
	rc=$?
	printf '%s\n' "$out"
	count "$out" "$rc" '^ok ' '^not ok '
}

run_static() {
	local out rc
	log "static checks"
	out="$(bash test/static_checks.sh 2>&1)"
	rc=$?
	printf '%s\n' "$out"
	count "$out" "$rc" '^ok ' '^not ok '
}

run_upgrade() {
	local out rc
	log "upgrade path and pg_dump/restore"
	out="$(bash test/upgrade.sh 2>&1)"
	rc=$?
	printf '%s\n' "$out"
	count "$out" "$rc" '^ok ' '^not ok '
}

run_bi() {
	local out rc
	log "BI drivers: psqlODBC and pgJDBC read every table and view"
	out="$(bash test/bi.sh 2>&1)"
	rc=$?
	printf '%s\n' "$out"
	count "$out" "$rc" '^ok ' '^not ok '
}

run_docs() {
	local out rc
	log "doc tests: every sql block of README.md and docs/*.md (test/doctest.py)"
	# PGPREF_DOCS="docs/dpo.md" runs only those pages
	out="$(/usr/bin/python3 test/doctest.py ${PGPREF_DOCS:-} 2>&1)"
	rc=$?
	printf '%s\n' "$out"
	count "$out" "$rc" '^ok ' '^not ok '
}

run_deb() {
	local out rc
	log "Debian package: build, install, smoke query, remove (test/deb.sh)"
	local t0=$SECONDS
	out="$(bash test/deb.sh test)"
	rc=$?
	printf '%s\n' "$out"
	echo "# deb part: $((SECONDS - t0)) s"
	count "$out" "$rc" '^ok ' '^not ok '
}

case "$MODE" in
	demo)
		run_demo
		exit $?
		;;
	test)
		# PGPREF_ONLY="regress tap" runs only those parts (static unit regress tap upgrade bi docs deb)
		only="${PGPREF_ONLY:-static unit regress tap upgrade bi docs deb}"
		case " $only " in *" static "*) run_static ;; esac
		case " $only " in *" unit "*) run_unit ;; esac
		case " $only " in *" regress "*) run_regress ;; esac
		case " $only " in *" tap "*) run_pgtap ;; esac
		case " $only " in *" upgrade "*) run_upgrade ;; esac
		case " $only " in *" bi "*) run_bi ;; esac
		case " $only " in *" docs "*) run_docs ;; esac
		case " $only " in *" deb "*) run_deb ;; esac
		echo "$PASSED passed, $FAILED failed"
		[ "$FAILED" -eq 0 ] && [ "$PASSED" -gt 0 ]
		exit $?
		;;
	deb)
		run_deb
		echo "$PASSED passed, $FAILED failed"
		[ "$FAILED" -eq 0 ] && [ "$PASSED" -gt 0 ]
		exit $?
		;;
	bench)
		bash test/bench.sh
		exit $?
		;;
	shell)
		"${PSQL[@]}" || true
		;;
	dashboard)
		# the demo's tables and jobs (its output in a log; the demo's gnuplot
		# picture is put back as it was), then the dashboard and its checks
		log "demo data set (database pgpref_demo)"
		cp docs/img/curation_dashboard.svg "$TMPD/curation_dashboard.svg" 2>/dev/null
		run_demo >"$TMPD/demo.log" 2>&1
		rc=$?
		if [ -f "$TMPD/curation_dashboard.svg" ]; then cp "$TMPD/curation_dashboard.svg" docs/img/curation_dashboard.svg; fi
		[ "$rc" -eq 0 ] || { cat "$TMPD/demo.log"; die "demo failed"; }
		bash test/dashboard.sh --inside
		exit $?
		;;
	*)
		die "unknown mode $MODE (demo, test, deb, bench, shell, dashboard)"
		;;
esac
