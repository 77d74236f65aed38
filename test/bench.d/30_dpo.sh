#!/usr/bin/env bash
# DPO family: pref.dpo_metrics and avg(pref.dpo_loss) over 10M rows of four
# float8 columns against the scan floor sum(a), sum(b), sum(c), sum(d), and
# numpy computing the same metrics after a binary COPY export.
source "$(dirname "$0")/../bench_lib.sh"
N=${DPO_BENCH_ROWS:-10000000}
psql -X -q -v ON_ERROR_STOP=1 -c "DROP TABLE IF EXISTS bench_dpo" -c "CREATE TABLE bench_dpo AS
  SELECT -(20 + random() * 300) AS pc, -(20 + random() * 300) AS pr,
         -(20 + random() * 300) AS rc, -(20 + random() * 300) AS rr
  FROM generate_series(1, $N) g" -c "VACUUM ANALYZE bench_dpo" >/dev/null 2>&1 || { echo "dpo: setup failed"; exit 1; }
SET="SET max_parallel_workers_per_gather = 0;"
floor=$(median_ms "$SET SELECT sum(pc), sum(pr), sum(rc), sum(rr) FROM bench_dpo;" 3)
met=$(median_ms "$SET SELECT pref.dpo_metrics(pc, pr, rc, rr, 0.1, 'sigmoid') FROM bench_dpo;" 3)
avgl=$(median_ms "$SET SELECT avg(pref.dpo_loss(pc, pr, rc, rr, 0.1, 'sigmoid')) FROM bench_dpo;" 3)
par=$(median_ms "SET max_parallel_workers_per_gather = 2; SELECT pref.dpo_metrics(pc, pr, rc, rr, 0.1, 'sigmoid') FROM bench_dpo;" 3)
parfloor=$(median_ms "SET max_parallel_workers_per_gather = 2; SELECT sum(pc), sum(pr), sum(rc), sum(rr) FROM bench_dpo;" 3)
# numpy peer: export with binary COPY (timed separately), then the same metrics
TMPF="$(mktemp "${TMPDIR:-/tmp}/dpo_bench.XXXXXX")"
t0=$(date +%s.%N)
psql -X -q -c "COPY bench_dpo TO STDOUT (FORMAT binary)" > "$TMPF"
t1=$(date +%s.%N)
export_ms=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", (b - a) * 1000 }')
np=$("$PY" - "$TMPF" <<'PY'
import sys, time
import numpy as np
from scipy.special import log_expit
raw = open(sys.argv[1], "rb").read()
# binary COPY: 11-byte signature, int32 flags, int32 extension length (0), then rows
row = np.dtype([("nf", ">i2"), ("l0", ">i4"), ("a", ">f8"), ("l1", ">i4"), ("b", ">f8"),
                ("l2", ">i4"), ("c", ">f8"), ("l3", ">i4"), ("d", ">f8")])
n = (len(raw) - 19 - 2) // row.itemsize
t = time.perf_counter()
arr = np.frombuffer(raw, dtype=row, count=n, offset=19)
pc, pr, rc, rr = (arr[k].astype(np.float64) for k in ("a", "b", "c", "d"))
parse = (time.perf_counter() - t) * 1000
times = []
for _ in range(3):
    t = time.perf_counter()
    ch = 0.1 * (pc - rc); rj = 0.1 * (pr - rr); m = ch - rj
    out = (len(pc), float(np.mean(-log_expit(m))), ch.mean(), rj.mean(), float(np.mean(ch > rj)), m.mean(),
           pc.mean(), pr.mean(), m.std(ddof=1))
    times.append((time.perf_counter() - t) * 1000)
print("%.1f %.1f %.6f" % (sorted(times)[1], parse, out[1]))
PY
)
rm -f "$TMPF"
np_ms=${np%% *}; rest=${np#* }; parse_ms=${rest%% *}; np_loss=${rest#* }
pg_loss=$(psql -X -At -c "SELECT round((pref.dpo_metrics(pc, pr, rc, rr)).loss::numeric, 6) FROM bench_dpo")
echo "dpo: $N rows, floor sum(a),sum(b),sum(c),sum(d) ${floor} ms (serial)"
echo "dpo: pref.dpo_metrics ${met} ms (x$(ratio "$met" "$floor") floor)"
echo "dpo: avg(pref.dpo_loss(...)) ${avgl} ms (x$(ratio "$avgl" "$floor") floor)"
echo "dpo: parallel (2 workers) floor ${parfloor} ms, dpo_metrics ${par} ms (x$(ratio "$par" "$parfloor") parallel floor)"
echo "dpo: numpy same metrics ${np_ms} ms in memory (dpo_metrics x$(ratio "$met" "$np_ms") numpy); export: binary COPY ${export_ms} ms + parse ${parse_ms} ms"
echo "dpo: loss agrees: pgpref ${pg_loss}, numpy ${np_loss}"
# text round trip of a state (what Citus does with each partial state):
# the 192-byte sum state, and an aot state keeping 10000 rows (32 bytes each)
psql -X -q -v ON_ERROR_STOP=1 -c "CREATE AGGREGATE bench_dpo_partial(float8, float8, float8, float8, float8, text)
  (SFUNC = pref.dpo_metrics_accum, STYPE = pref.dpo_state)" -c "CREATE TABLE bench_dpo_state AS
  SELECT bench_dpo_partial(pc, pr, rc, rr, 0.1, 'sigmoid') AS sums,
         (SELECT bench_dpo_partial(pc, pr, rc, rr, 0.1, 'aot') FROM (SELECT * FROM bench_dpo LIMIT 10000) s) AS aot
  FROM bench_dpo" >/dev/null 2>&1 || { echo "dpo: state setup failed"; exit 1; }
rt_sums=$(median_ms "SELECT sum(length(sums::text::pref.dpo_state::text)) FROM bench_dpo_state, generate_series(1, 100000);" 3)
rt_aot=$(median_ms "SELECT sum(length(aot::text::pref.dpo_state::text)) FROM bench_dpo_state, generate_series(1, 100);" 3)
sizes=$(psql -X -At -c "SELECT 'text ' || length(sums::text) || ' and ' || length(aot::text) || ' chars' FROM bench_dpo_state")
echo "dpo: text round trip (out + in, validated) of a pref.dpo_state: sums $(awk -v t="$rt_sums" 'BEGIN { printf "%.2f", t * 1000 / 100000 }') µs, aot state of 10000 rows $(awk -v t="$rt_aot" 'BEGIN { printf "%.2f", t / 100 }') ms ($sizes)"
psql -X -q -c "DROP TABLE bench_dpo_state" -c "DROP AGGREGATE bench_dpo_partial(float8, float8, float8, float8, float8, text)" -c "DROP TABLE bench_dpo" >/dev/null
