#!/usr/bin/env bash
# Benchmarks, run by test/run.sh bench against the throwaway cluster
# (PGHOST/PGPORT set).  Each module adds test/bench.d/NN_name.sh, which
# prints its own lines; every line reports a median over repeated runs and a
# ratio against a floor (a plain scan of the same rows) and, where there is
# one, the peer a user would otherwise use (numpy/scipy from Debian).
set -uo pipefail
cd "$(dirname "$0")/.."
export PY=/usr/bin/python3
echo "# pgpref benchmarks — $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, $(uname -m)"
echo "# $(psql -X -At -c 'SELECT version()')"
psql -X -q -c "CREATE DATABASE pgpref_bench" >/dev/null
psql -X -q -d pgpref_bench -c "CREATE EXTENSION pgpref" >/dev/null
export PGDATABASE=pgpref_bench
rc=0
# PGPREF_BENCH=name runs only test/bench.d/*name*.sh
for f in test/bench.d/*${PGPREF_BENCH:-}*.sh; do
	[ -e "$f" ] || continue
	bash "$f" || rc=1
done
exit $rc
