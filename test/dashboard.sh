#!/usr/bin/env bash
# make dashboard: the Shiny dashboard (examples/dashboard) over the demo
# cluster, rendered in headless Chromium, one screenshot per page
# (docs/img/dashboard_<page>.png), and a check that each page shows the
# database's numbers.  Ends "N passed, N failed".
#
#   bash test/dashboard.sh            install what it needs (apt, as root or
#                                     with sudo), then test/run.sh dashboard:
#                                     build, install, demo cluster, this
#                                     script's second half, cluster stopped
#   bash test/dashboard.sh --inside   the second half (run.sh calls it with
#                                     the cluster up and the demo loaded in
#                                     database pgpref_demo, PG* exported)
#
# Settings: PGPREF_SKIP_DEPS=1 skips the package check; DASHBOARD_CRON=0
# skips the pg_cron run (up to a minute of waiting); DASHBOARD_TIMEOUT
# seconds per page (default 90).
set -uo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"

log() { printf '== %s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 2; }

PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3

# ---- first half: packages, then the harness ---------------------------------
if [ "${1:-}" != "--inside" ]; then
	if [ "${PGPREF_SKIP_DEPS:-}" != 1 ]; then
		PKGS=(r-base-core r-cran-shiny r-cran-rpostgresql r-cran-ggplot2 chromium python3 fonts-dejavu-core)
		missing=()
		for p in "${PKGS[@]}"; do
			dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
		done
		if [ "${#missing[@]}" -gt 0 ]; then
			SUDO=""
			if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
			log "installing ${missing[*]}"
			export DEBIAN_FRONTEND=noninteractive
			$SUDO apt-get update -qq || die "apt-get update failed"
			$SUDO apt-get install -y -qq --no-install-recommends -o DPkg::Lock::Timeout=600 "${missing[@]}" >&2 \
				|| die "could not install ${missing[*]}"
		fi
	fi
	exec bash "$ROOT/test/run.sh" dashboard
fi

# ---- second half: seed, pg_cron, app, browser, checks -------------------------
[ -n "${PGHOST:-}" ] || die "--inside needs the harness's cluster (bash test/dashboard.sh)"
export PGDATABASE=pgpref_demo
PSQL=(psql -X -q -v ON_ERROR_STOP=1)
q() { psql -X -q -At -v ON_ERROR_STOP=1 -c "SET TimeZone = 'UTC'" -c "$1" | tail -n 1; }
WORK="$(mktemp -d "${TMPDIR:-/tmp}/pgpref-dashboard.XXXXXX")"
APP_PID=""

stop_all() {
	if [ -n "$APP_PID" ] && kill -0 "$APP_PID" 2>/dev/null; then
		kill -TERM -- "-$APP_PID" 2>/dev/null || kill -TERM "$APP_PID" 2>/dev/null
		for _ in 1 2 3 4 5 6 7 8 9 10; do kill -0 "$APP_PID" 2>/dev/null || break; sleep 0.5; done
		kill -KILL -- "-$APP_PID" 2>/dev/null || true
	fi
	rm -rf "$WORK"
}
trap stop_all EXIT
trap 'exit 130' INT TERM

PASSED=0
FAILED=0
# check NAME EXPECTED ACTUAL: one pass/fail line
check() {
	if [ -n "$2" ] && [ "$2" = "$3" ]; then
		PASSED=$((PASSED + 1))
		printf 'ok %s: %s\n' "$1" "$3"
	else
		FAILED=$((FAILED + 1))
		printf 'not ok %s: expected "%s", page shows "%s"\n' "$1" "$2" "$3"
	fi
}
# pass NAME DETAIL / fail NAME DETAIL: a check without a value to compare
pass() { PASSED=$((PASSED + 1)); printf 'ok %s: %s\n' "$1" "$2"; }
fail() { FAILED=$((FAILED + 1)); printf 'not ok %s: %s\n' "$1" "$2"; }

log "dashboard jobs (examples/dashboard/seed.sql)"
"${PSQL[@]}" -f examples/dashboard/seed.sql >"$WORK/seed.log" 2>&1 || { cat "$WORK/seed.log"; die "seed failed"; }

# pg_cron runs the leaderboard job once, as a schedule would, then the
# entry is removed so that nothing changes while the pages are read
if [ "${DASHBOARD_CRON:-1}" != 0 ]; then
	log "pg_cron: one scheduled run of the leaderboard job (waits for the next minute)"
	PGDATABASE=postgres "${PSQL[@]}" -c "CREATE EXTENSION IF NOT EXISTS pg_cron" >/dev/null || die "pg_cron"
	cron_id="$(PGDATABASE=postgres q "SELECT cron.schedule_in_database('pgpref-dashboard-arena', '* * * * *',
		\$\$CALL pref.run_job('arena', raise_on_failure => true)\$\$, 'pgpref_demo')")"
	status=""
	for _ in $(seq 1 100); do
		status="$(PGDATABASE=postgres q "SELECT status FROM cron.job_run_details WHERE jobid = $cron_id AND status IN ('succeeded', 'failed') ORDER BY runid LIMIT 1")"
		[ -n "$status" ] && break
		sleep 1
	done
	PGDATABASE=postgres q "SELECT cron.unschedule($cron_id)" >/dev/null
	# a run that started just before the unschedule: let it finish
	for _ in $(seq 1 30); do
		[ -z "$(PGDATABASE=postgres q "SELECT 1 FROM cron.job_run_details WHERE jobid = $cron_id AND status IN ('starting', 'running') LIMIT 1")" ] && break
		sleep 1
	done
	check "pg_cron ran the leaderboard job" "succeeded" "$status"
fi

# ---- the app -----------------------------------------------------------------
PORT="$($PY -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
URL="http://127.0.0.1:$PORT"
log "serving examples/dashboard on $URL"
DASHBOARD_REFRESH=0 setsid R -q --no-save --no-restore \
	-e "shiny::runApp('examples/dashboard', host = '127.0.0.1', port = $PORT, launch.browser = FALSE)" \
	>"$WORK/app.log" 2>&1 </dev/null &
APP_PID=$!
up=""
for _ in $(seq 1 120); do
	if $PY -c "import urllib.request, sys; urllib.request.urlopen('$URL/', timeout=2)" 2>/dev/null; then up=1; break; fi
	kill -0 "$APP_PID" 2>/dev/null || break
	sleep 0.5
done
if [ -z "$up" ]; then
	cat "$WORK/app.log"
	fail "app answers" "no answer on $URL"
	echo "$PASSED passed, $FAILED failed"
	exit 1
fi
pass "app answers" "$URL"

# ---- pages -------------------------------------------------------------------
mkdir -p docs/img
# render PAGE: screenshot and DOM of ?page=PAGE
render() {
	local state
	state="$($PY test/dashboard.py capture "$URL/?page=$1" "docs/img/dashboard_$1.png" "$WORK/$1.html" "${DASHBOARD_TIMEOUT:-90}")"
	if [ "$state" = ready ]; then
		pass "$1 page renders" "docs/img/dashboard_$1.png"
	else
		fail "$1 page renders" "$state"
	fi
}
dom() { $PY test/dashboard.py "$@" 2>&1; }

log "leaderboard"
render leaderboard
H="$WORK/leaderboard.html"
job="$(q "SELECT job FROM pref.leaderboard_current GROUP BY job ORDER BY max(computed_at) DESC, job LIMIT 1")"
top="$(q "SELECT item FROM pref.leaderboard_current WHERE job = '$job' ORDER BY rating DESC, item LIMIT 1")"
check "leaderboard: top item" "$top" "$(dom text "$H" lb_leader)"
check "leaderboard: top item's rating" "$(q "SELECT round(max(rating)::numeric, 1) FROM pref.leaderboard_current WHERE job = '$job'")" "$(dom text "$H" lb_leader_rating)"
check "leaderboard: items" "$(q "SELECT count(*) FROM pref.leaderboard_current WHERE job = '$job'")" "$(dom text "$H" lb_items)"
check "leaderboard: comparisons read" "$(q "SELECT max(comparisons) FROM pref.leaderboard_current WHERE job = '$job'")" "$(dom text "$H" lb_comparisons)"
check "leaderboard: table's last item" \
	"$(q "SELECT item || ' ' || round(rating::numeric, 1) || ' ' || round(lower::numeric, 1) || ' ' || round(upper::numeric, 1) || ' ' || rank
	      FROM pref.leaderboard_current WHERE job = '$job' ORDER BY rating, item DESC LIMIT 1")" \
	"$(n=$(q "SELECT count(*) - 1 FROM pref.leaderboard_current WHERE job = '$job'"); for c in 0 1 2 3 4; do dom cell "$H" lb_table "$n" "$c"; done | paste -sd' ')"
check "leaderboard: daily history's latest day" "$(q "SELECT max(day) FROM pref.leaderboard_daily WHERE job = '$job'")" "$(dom cell "$H" lb_daily_table 0 0)"
check "leaderboard: plots drawn" "2" "$(dom images "$H")"

log "data health"
render health
H="$WORK/health.html"
job="$(q "SELECT job FROM pref.data_health_daily GROUP BY job ORDER BY max(computed_at) DESC, job LIMIT 1")"
last="FROM pref.data_health_daily WHERE job = '$job' ORDER BY day DESC LIMIT 1"
check "health: last day" "$(q "SELECT day $last")" "$(dom text "$H" health_day)"
check "health: labels on the last day" "$(q "SELECT labels $last")" "$(dom text "$H" health_labels)"
check "health: tie rate on the last day" "$(q "SELECT round(100 * tie_rate::numeric, 1) || '%' $last")" "$(dom text "$H" health_tie)"
check "health: agreement on the last day" "$(q "SELECT round(agreement::numeric, 3) $last")" "$(dom text "$H" health_agreement)"
check "health: likely mislabeled on the last day" "$(q "SELECT round(100 * likely_mislabeled_share::numeric, 1) || '%' $last")" "$(dom text "$H" health_mislabeled)"
check "health: days in the table" "$(q "SELECT count(*) FROM pref.data_health_daily WHERE job = '$job'")" "$(dom rows "$H" health_table)"
check "health: first day's labels" "$(q "SELECT day || ' ' || labels FROM pref.data_health_daily WHERE job = '$job' ORDER BY day LIMIT 1")" \
	"$(dom cell "$H" health_table 0 0) $(dom cell "$H" health_table 0 1)"
check "health: plot drawn" "1" "$(dom images "$H")"

log "valuation"
render valuation
H="$WORK/valuation.html"
job="$(q "SELECT job FROM pref.valuation_summary ORDER BY computed_at DESC, job LIMIT 1")"
vs="FROM pref.valuation_summary WHERE job = '$job'"
check "valuation: rows valued" "$(q "SELECT rows_valued $vs")" "$(dom text "$H" val_rows)"
check "valuation: harmful rows" "$(q "SELECT harmful_rows $vs")" "$(dom text "$H" val_harmful)"
check "valuation: harmful share" "$(q "SELECT round(100 * harmful_share::numeric, 1) || '%' $vs")" "$(dom text "$H" val_harmful_share)"
check "valuation: rows selected" "$(q "SELECT selected_rows $vs")" "$(dom text "$H" val_selected)"
check "valuation: most harmful row" "$(q "SELECT id || ' ' || round(value::numeric, 5) FROM pref.data_values WHERE job = '$job' ORDER BY value, id LIMIT 1")" \
	"$(dom cell "$H" val_harmful_table 0 0) $(dom cell "$H" val_harmful_table 0 1)"
check "valuation: median" "$(q "SELECT round(median::numeric, 4) $vs")" "$(dom cell "$H" val_summary 9 1)"
check "valuation: first pick" "$(q "SELECT id FROM pref.training_subset WHERE job = '$job' ORDER BY pick LIMIT 1")" "$(dom cell "$H" val_subset 0 1)"
check "valuation: plot drawn" "1" "$(dom images "$H")"

log "jobs"
render jobs
H="$WORK/jobs.html"
check "jobs: jobs" "$(q "SELECT count(*) FROM pref.job_status")" "$(dom text "$H" jobs_count)"
check "jobs: jobs whose last run failed" "$(q "SELECT count(*) FROM pref.job_status WHERE last_status = 'failed'")" "$(dom text "$H" jobs_failed)"
check "jobs: runs" "$(q "SELECT count(*) FROM pref.runs")" "$(dom text "$H" jobs_runs)"
check "jobs: failed runs" "$(q "SELECT count(*) FROM pref.runs WHERE status = 'failed'")" "$(dom text "$H" jobs_failed_runs)"
check "jobs: failed job listed first" "$(q "SELECT job || ' ' || last_status FROM pref.job_status ORDER BY last_status = 'failed' DESC, failures DESC, job LIMIT 1")" \
	"$(dom cell "$H" jobs_table 0 0) $(dom cell "$H" jobs_table 0 2)"
check "jobs: its error" "$(q "SELECT left(last_error, 160) FROM pref.job_status WHERE last_status = 'failed' ORDER BY failures DESC, job LIMIT 1")" \
	"$(dom cell "$H" jobs_table 0 8)"
check "jobs: leaderboard job's runs" "$(q "SELECT runs FROM pref.job_status WHERE job = 'arena'")" \
	"$(dom rowof "$H" jobs_table arena 3)"
check "jobs: failed run listed first" "$(q "SELECT run_id || ' ' || status FROM pref.runs ORDER BY status = 'failed' DESC, run_id DESC LIMIT 1")" \
	"$(dom cell "$H" runs_table 0 0) $(dom cell "$H" runs_table 0 2)"
check "jobs: plot drawn" "1" "$(dom images "$H")"

if grep -qi "warning\|error" "$WORK/app.log"; then
	log "app log"
	grep -i "warning\|error" "$WORK/app.log" >&2
fi
echo "$PASSED passed, $FAILED failed"
[ "$FAILED" -eq 0 ]
