#!/usr/bin/env bash
# Upgrade path, against the running throwaway cluster (test/run.sh exports
# PGHOST/PGPORT/PGUSER).  Prints TAP-style lines.
#  1. ALTER EXTENSION pgpref UPDATE from every frozen older version gives
#     exactly the catalog of a fresh install (test/catalog_fingerprint.sql).
#  2. Data stored in every pgpref type and in the job tables under 0.1.0
#     survives the update and stays usable.
#  3. pg_dump of a 0.1.0 database restores into the current version.
set -uo pipefail
cd "$(dirname "$0")/.."
VERSION="$(sed -n "s/^default_version *= *'\(.*\)'/\1/p" pgpref.control)"
export PGOPTIONS="${PGOPTIONS:-} -c client_min_messages=warning"
PSQL=(psql -X -q -v ON_ERROR_STOP=1 -At)
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT
n=0
fail=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
notok() { n=$((n + 1)); echo "not ok $n - $1"; fail=1; }
check() { if eval "$2" >"$TMP/out" 2>&1; then ok "$1"; else notok "$1"; sed 's/^/# /' "$TMP/out" | head -40; fi; }
fresh_db() { "${PSQL[@]}" -d postgres -c "DROP DATABASE IF EXISTS $1" -c "CREATE DATABASE $1" >/dev/null; }

# Data of 0.1.0's types and job tables, written by the 0.1.0 SQL objects
OLD_DATA="
CREATE TABLE keep (id int PRIMARY KEY, p pref.pair, r pref.ranking, t pref.tally, m pref.bt_model);
INSERT INTO keep VALUES
 (1, '17>42', '3>1=4>2',
  '{\"version\": 1, \"keys\": \"bigint\", \"position\": false, \"rows_used\": 7, \"rows_skipped\": 0, \"items\": [1, 2, 3], \"cells\": [[0, 1, 2, 1, 0, 2, 1, 0], [0, 2, 1, 0, 1, 1, 0, 1], [1, 2, 1, 1, 0, 1, 1, 0]]}',
  NULL),
 (2, '7=9*2.5', '1>2', NULL, NULL);
UPDATE keep SET m = pref.bradley_terry(t) WHERE id = 1;
SELECT pref.define_job('nightly_health', 'health', '{\"source\": \"SELECT 1::bigint AS a, 2::bigint AS b, 0.5::float8 AS p\"}');
"
SNAP="SELECT id, p::text, r::text, t::text, m::text FROM keep ORDER BY id"

"${PSQL[@]}" -d postgres -c "SELECT 1" >/dev/null || { echo "not ok 1 - server reachable"; exit 1; }

fresh_db pgpref_upg_fresh
"${PSQL[@]}" -d pgpref_upg_fresh -c "CREATE EXTENSION pgpref" >/dev/null
"${PSQL[@]}" -d pgpref_upg_fresh -f test/catalog_fingerprint.sql >"$TMP/fresh.txt"
check "fresh install is version $VERSION" "test \"\$(\"\${PSQL[@]}\" -d pgpref_upg_fresh -c \"SELECT extversion FROM pg_extension WHERE extname = 'pgpref'\")\" = $VERSION"

for old in $(ls src/pgpref--*.sql 2>/dev/null | sed -nE 's|src/pgpref--([0-9.]+)\.sql|\1|p'); do
	db="pgpref_upg_${old//./_}"
	fresh_db "$db"
	check "install $old" "\"\${PSQL[@]}\" -d $db -c \"CREATE EXTENSION pgpref VERSION '$old'\""
	check "store data in every $old type and in the job tables" "\"\${PSQL[@]}\" -d $db -c \"\$OLD_DATA\""
	"${PSQL[@]}" -d "$db" -c "$SNAP" >"$TMP/before.txt" 2>&1
	check "ALTER EXTENSION pgpref UPDATE from $old" "\"\${PSQL[@]}\" -d $db -c 'ALTER EXTENSION pgpref UPDATE'"
	"${PSQL[@]}" -d "$db" -f test/catalog_fingerprint.sql >"$TMP/upgraded.txt" 2>&1
	check "catalog after the update from $old equals a fresh $VERSION install" "diff -u '$TMP/fresh.txt' '$TMP/upgraded.txt'"
	"${PSQL[@]}" -d "$db" -c "$SNAP" >"$TMP/after.txt" 2>&1
	check "stored values read back unchanged after the update from $old" "diff -u '$TMP/before.txt' '$TMP/after.txt'"
	check "stored tally and model still work after the update from $old" \
		"\"\${PSQL[@]}\" -d $db -c \"SELECT count(*) FROM pref.ratings((SELECT pref.bradley_terry(pref.tally_merge(t)) FROM keep)) r\" | grep -qx 3 && \"\${PSQL[@]}\" -d $db -c \"SELECT count(*) FROM keep k, pref.ratings(k.m) r\" | grep -qx 3"
	check "job views read after the update from $old" "\"\${PSQL[@]}\" -d $db -c 'SELECT count(*) FROM pref.job_status' | grep -qx 1"

	# pg_dump of the old database restores into the current version
	fresh_db "${db}_dump"
	"${PSQL[@]}" -d "${db}_dump" -c "CREATE EXTENSION pgpref VERSION '$old'" -c "$OLD_DATA" >/dev/null 2>&1
	"${PSQL[@]}" -d "${db}_dump" -c "$SNAP" >"$TMP/dump_before.txt" 2>&1
	fresh_db "${db}_restored"
	check "pg_dump of a $old database restores into $VERSION" \
		"pg_dump -d ${db}_dump >'$TMP/dump.sql' && psql -X -q -v ON_ERROR_STOP=1 -d ${db}_restored -f '$TMP/dump.sql'"
	check "restored database runs pgpref $VERSION" "test \"\$(\"\${PSQL[@]}\" -d ${db}_restored -c \"SELECT extversion FROM pg_extension WHERE extname = 'pgpref'\")\" = $VERSION"
	"${PSQL[@]}" -d "${db}_restored" -c "$SNAP" >"$TMP/dump_after.txt" 2>&1
	check "restored values equal the $old values" "diff -u '$TMP/dump_before.txt' '$TMP/dump_after.txt'"
	check "restored job table holds the $old job" "\"\${PSQL[@]}\" -d ${db}_restored -c 'SELECT count(*) FROM pref.jobs' | grep -qx 1"
	for d in "$db" "${db}_dump" "${db}_restored"; do "${PSQL[@]}" -d postgres -c "DROP DATABASE $d" >/dev/null; done
done
"${PSQL[@]}" -d postgres -c "DROP DATABASE pgpref_upg_fresh" >/dev/null
echo "1..$n"
exit $fail
