#!/usr/bin/env bash
# BI drivers: every pgpref table and view read through psqlODBC (pyodbc) and
# pgJDBC, against the running throwaway cluster (test/run.sh exports PGHOST,
# a socket directory, PGPORT and PGUSER).  Prints TAP-style lines.
#  1. a fresh database runs a job of every kind (test/bi/data.sql), so that
#     every table and view has rows;
#  2. psql computes the reference (test/bi/reference.sql): per relation the
#     row count and a digest of canonical renderings of the stored values;
#  3. test/bi/read_odbc.py (driver "PostgreSQL Unicode", over the socket) and
#     test/bi/ReadViews.java (compiled here with javac; pgJDBC speaks TCP
#     only, so over a loopback port that test/bi/tcp_proxy.py forwards to
#     the socket) list the relations from the catalog, check every column's
#     driver-reported type and compare rows with the reference.
set -uo pipefail
cd "$(dirname "$0")/.."
DB=pgpref_bi
JAR="${PGPREF_JDBC_JAR:-/usr/share/java/postgresql.jar}"
PSQL=(psql -X -q -v ON_ERROR_STOP=1)
export PGOPTIONS="${PGOPTIONS:-} -c client_min_messages=warning"
TMP="$(mktemp -d)"
PROXY=""
cleanup() {
	if [ -n "$PROXY" ]; then kill "$PROXY" 2>/dev/null; wait "$PROXY" 2>/dev/null; fi
	"${PSQL[@]}" -d postgres -c "DROP DATABASE IF EXISTS $DB" >/dev/null 2>&1
	rm -rf "$TMP"
}
trap cleanup EXIT
n=0
fail=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
notok() { n=$((n + 1)); echo "not ok $n - $1"; fail=1; }
check() { if eval "$2" >"$TMP/out" 2>&1; then ok "$1"; else notok "$1"; sed 's/^/# /' "$TMP/out" | head -40; fi; }

"${PSQL[@]}" -d postgres -c "DROP DATABASE IF EXISTS $DB" -c "CREATE DATABASE $DB" >/dev/null || { echo "not ok 1 - create database $DB"; exit 1; }
check "a job of every kind fills the tables and views (test/bi/data.sql)" \
	"\"\${PSQL[@]}\" -d $DB -c 'CREATE EXTENSION pgpref' -f test/bi/data.sql"
check "psql computes the reference rows and digests (test/bi/reference.sql)" \
	"PGDATABASE=$DB psql -X -q -v ON_ERROR_STOP=1 -At -F \$'\\t' -f test/bi/reference.sql >'$TMP/reference.tsv' && test -s '$TMP/reference.tsv'"
echo "1..$n"

# psqlODBC through pyodbc, over the socket directory
if /usr/bin/python3 -c 'import pyodbc' 2>/dev/null && odbcinst -q -d -n 'PostgreSQL Unicode' >/dev/null 2>&1; then
	PGDATABASE=$DB /usr/bin/python3 test/bi/read_odbc.py "$TMP/reference.tsv" || fail=1
else
	echo "not ok - odbc: pyodbc or the \"PostgreSQL Unicode\" driver is missing (test/deps.sh installs python3-pyodbc, odbc-postgresql)"
	fail=1
fi

# pgJDBC through a small Java program, over loopback TCP
if command -v javac >/dev/null && [ -r "$JAR" ]; then
	if javac -d "$TMP/classes" -cp "$JAR" test/bi/ReadViews.java 2>"$TMP/javac.log"; then
		/usr/bin/python3 test/bi/tcp_proxy.py "$PGHOST/.s.PGSQL.$PGPORT" "$TMP/port" &
		PROXY=$!
		for _ in $(seq 50); do [ -s "$TMP/port" ] && break; sleep 0.1; done
		java -cp "$TMP/classes:$JAR" ReadViews "$TMP/reference.tsv" \
			"jdbc:postgresql://127.0.0.1:$(cat "$TMP/port")/$DB?sslmode=disable&prepareThreshold=0" "$PGUSER" || fail=1
	else
		echo "not ok - jdbc: javac test/bi/ReadViews.java failed"
		sed 's/^/# /' "$TMP/javac.log"
		fail=1
	fi
else
	echo "not ok - jdbc: javac or $JAR is missing (test/deps.sh installs default-jdk-headless, libpostgresql-jdbc-java)"
	fail=1
fi
exit $fail
