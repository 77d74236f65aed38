-- Calibration aggregate and reliability bins against numpy (test/ref/curation_ref.py)
\set ECHO none
\i test/ref/curation_fixtures.sql
\set ECHO all
SET extra_float_digits = 0;

-- summary metrics to 1e-12 for 10 (default) and 15 bins
SELECT e.bins, (c).n, (c).bins AS state_bins,
       abs((c).ece - e.ece) < 1e-12 AS ece, abs((c).mce - e.mce) < 1e-12 AS mce,
       abs((c).brier - e.brier) < 1e-12 AS brier, abs((c).log_loss - e.log_loss) < 1e-12 AS log_loss,
       round((c).ece::numeric, 6) AS ece_value, round((c).brier::numeric, 6) AS brier_value
FROM ref_calib_expected e,
     LATERAL (SELECT CASE WHEN e.bins = 10 THEN pref.calibration(probability, outcome)
                          ELSE pref.calibration(probability, outcome, e.bins) END AS c FROM ref_calib) s
ORDER BY 1;
-- reliability bins equal numpy's per bin (both forms)
SELECT r.bins, count(*) AS bins_compared,
       bool_and(b.count = r.count) AS counts,
       bool_and(coalesce(abs(b.mean_predicted - r.mean_predicted) < 1e-12, b.mean_predicted IS NULL AND r.mean_predicted IS NULL)) AS means,
       bool_and(coalesce(abs(b.observed_frequency - r.observed_frequency) < 1e-12, b.observed_frequency IS NULL AND r.observed_frequency IS NULL)) AS freqs,
       bool_and(b.lower = (r.bin - 1)::float8 / r.bins AND b.upper = r.bin::float8 / r.bins) AS edges
FROM ref_calib_bins r JOIN LATERAL pref.reliability_bins('SELECT probability, outcome FROM ref_calib', r.bins) b ON b.bin = r.bin
GROUP BY r.bins ORDER BY 1;
SELECT count(*) AS bins, bool_and(b.count = r.count) AS counts_from_state
FROM pref.reliability_bins((SELECT pref.calibration_state(probability, outcome, 15) FROM ref_calib)) b
JOIN ref_calib_bins r ON r.bins = 15 AND r.bin = b.bin;

-- by eye: four predictions, two bins
SELECT (pref.calibration(p, y, 2)).* FROM (VALUES (0.9, true), (0.8, false), (0.2, false), (0.3, true)) v(p, y);
SELECT bin, lower, upper, round(mean_predicted::numeric, 6) AS mean_predicted, observed_frequency, count
FROM pref.reliability_bins('SELECT * FROM (VALUES (0.9, true), (0.8, false), (0.2, false), (NULL, true)) v(p, y)', 4);

-- NULLs skipped, empty input NULL, bad input
SELECT (pref.calibration(p, y)).n FROM (VALUES (0.5, true), (NULL, true), (0.5, NULL)) v(p, y);
SELECT pref.calibration(p, y) IS NULL AS empty_is_null FROM (VALUES (0.5, true)) v(p, y) WHERE false;
SELECT pref.calibration(1.5, true);
SELECT pref.calibration('NaN', true);
SELECT pref.calibration(0.5, true, 0);
SELECT pref.calibration(p, true, b) FROM (VALUES (0.5, 2), (0.5, 3)) v(p, b);
SELECT * FROM pref.reliability_bins('SELECT 0.5, 1');
SELECT pref.calibration_final('{3,1,2}');
SELECT pref.calibration_combine('{1,1,0,0,1,0.5,1}', '{2,1,0,0,1,0.5,1,0,0,0}');

-- forced parallel: Partial Aggregate, same answer as serial (to 1e-12)
CREATE TABLE preds AS SELECT ((g * 7919) % 1000) / 1000.0 AS p, (g * 104729) % 1000 < (g * 7919) % 1000 AS y
  FROM generate_series(1, 40000::bigint) g;
ALTER TABLE preds SET (parallel_workers = 2);
ANALYZE preds;
CREATE TABLE serial_calib AS SELECT (pref.calibration(p, y, 20)).* FROM preds;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
SET parallel_leader_participation = off;
EXPLAIN (COSTS OFF) SELECT pref.calibration(p, y, 20) FROM preds;
SELECT c.n = s.n AS n, abs(c.ece - s.ece) < 1e-12 AS ece, abs(c.mce - s.mce) < 1e-12 AS mce,
       abs(c.brier - s.brier) < 1e-12 AS brier, abs(c.log_loss - s.log_loss) < 1e-12 AS log_loss,
       round(s.ece::numeric, 6) AS ece_value
FROM (SELECT (pref.calibration(p, y, 20)).* FROM preds) c, serial_calib s;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
RESET max_parallel_workers_per_gather;
RESET parallel_leader_participation;

-- split and combine as Citus does: partial states per slice through their
-- text form, folded with the combine function (sums in another order: 1e-12)
CREATE AGGREGATE calib_partial(float8, boolean, integer) (SFUNC = pref.calibration_accum,
  STYPE = float8[], COMBINEFUNC = pref.calibration_combine);
CREATE AGGREGATE calib_fold(float8[]) (SFUNC = pref.calibration_combine, STYPE = float8[]);
SELECT c.n = s.n AS n, abs(c.ece - s.ece) < 1e-12 AS ece, abs(c.mce - s.mce) < 1e-12 AS mce,
       abs(c.brier - s.brier) < 1e-12 AS brier, abs(c.log_loss - s.log_loss) < 1e-12 AS log_loss
FROM (SELECT (pref.calibration_final(calib_fold(st::text::float8[]))).* FROM
        (SELECT calib_partial(p, y, 20) AS st FROM preds GROUP BY (p * 1000)::int % 7) x) c, serial_calib s;

-- empty input and NULL states: empty input gives NULL (also the state
-- aggregate), a NULL or '{}' state starts empty, NULL rows keep the state
SELECT pref.calibration_state(p, y, 4) IS NULL AS empty_state_is_null,
       pref.calibration(p, y) IS NULL AS empty_is_null
FROM (VALUES (0.5, true)) v(p, y) WHERE false;
SELECT pref.calibration_state(p, y, 4) IS NULL AS all_null_rows FROM (VALUES (NULL::float8, true), (0.5, NULL)) v(p, y);
SELECT pref.calibration_accum(NULL, 0.25, true) AS from_null,
       pref.calibration_accum('{}', 0.25, true, 2) AS from_empty,
       pref.calibration_accum(NULL, NULL, true) IS NULL AS null_row_null_state,
       pref.calibration_accum('{2,1,0.5625,1.386294361119890,1,0.25,1,0,0,0}', NULL, true, 2) AS null_row_kept;
SELECT pref.calibration_accum(NULL, 0.5, true, NULL) AS null_bins;
-- a direct call does not modify its input
WITH s AS (SELECT '{2,1,0.5625,1.386294361119890,1,0.25,1,0,0,0}'::float8[] AS st)
SELECT pref.calibration_accum(st, 0.75, false, 2) AS added, st AS input_unchanged FROM s;
SELECT pref.calibration_combine('{}', '{}') AS empty_combine, pref.calibration_final('{}') IS NULL AS empty_final,
       (SELECT count(*) FROM pref.reliability_bins('{}'::float8[])) AS empty_bins;

-- hand-made states: every call validates, each with a clear error
SELECT pref.calibration_final('{{1,2},{3,4}}');
SELECT pref.calibration_final('{2,1,0,0,1,0.5,NULL,0,0,0}');
SELECT pref.calibration_final('{2.5,1,0,0,1,0.5,1,0,0,0}');
SELECT pref.calibration_final('{0,0,0,0}');
SELECT pref.calibration_final('{20000,0,0,0}');
SELECT pref.calibration_final('{2,1,0,0,1,0.5,1,0,0}');
SELECT pref.calibration_final('{2,-1,0,0,-1,0,0,0,0,0}');
SELECT pref.calibration_final('{2,1.5,0,0,1,0.5,1,0,0,0}');
SELECT pref.calibration_final('{2,1,NaN,0,1,0.5,1,0,0,0}');
SELECT pref.calibration_final('{2,1,0,Infinity,1,0.5,1,0,0,0}');
SELECT pref.calibration_final('{2,1,0,0,1,1.5,1,0,0,0}');
SELECT pref.calibration_final('{2,1,0,0,1,0.5,0.5,0,0,0}');
SELECT pref.calibration_final('{2,2,0,0,1,0.5,1,0,0,0}');
SELECT pref.calibration_combine('{2,1,0,0,1,0.5,1,0,0,0}', '{2,1,0,0,-1,0.5,1,2,0,0}');
SELECT pref.calibration_accum('{2,1,0,0,1,0.5,1}', 0.5, true, 2);
SELECT pref.calibration_accum('{2,1,0,0,1,0.5,1,-3,0,0}', 0.75, true, 2);
SELECT pref.calibration_accum('{3,0,0,0,0,0,0,0,0,0,0,0,0}', 0.5, true, 2);
SELECT * FROM pref.reliability_bins('{1,2,0,0,1,0.5,0}'::float8[]);
-- a custom aggregate with a hostile initial state is refused, not trusted
CREATE AGGREGATE calib_bad_init(float8, boolean) (SFUNC = pref.calibration_accum, STYPE = float8[],
  INITCOND = '{10,5,0,0}', FINALFUNC = pref.calibration_final);
SELECT calib_bad_init(p, y) FROM preds;
