#!/usr/bin/env bash
# make fuzz: the mutation fuzz of sql/fuzz.sql, much longer than in make test.
#
#   PGPREF_FUZZ_N     inputs per type and path (text, binary); default 200000
#   PGPREF_FUZZ_SEED  seed in [0, 1); default 0.7071 (make test uses 0.4242)
#
# Runs through the harness (test/run.sh: build, install, throwaway cluster)
# and compares with expected/fuzz.out like make test does: every type in pref
# has samples, every input is tried, every accepted value reads back, no
# internal errors, the backend survives and the server log shows no backend
# killed by a signal.  The first failing inputs are in results/fuzz_report.txt.
set -uo pipefail
cd "$(dirname "$0")/.."
N="${PGPREF_FUZZ_N:-200000}"
SEED="${PGPREF_FUZZ_SEED:-0.7071}"
case "$N" in ''|*[!0-9]*) echo "PGPREF_FUZZ_N must be a positive integer" >&2; exit 2 ;; esac
echo "== fuzz: $N inputs per type and path, seed $SEED" >&2
export PGOPTIONS="${PGOPTIONS:-} -c pgpref_test.fuzz_n=$N -c pgpref_test.fuzz_seed=$SEED"
PGPREF_ONLY=regress PGPREF_REGRESS=fuzz exec bash test/run.sh test
