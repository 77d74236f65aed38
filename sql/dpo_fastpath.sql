-- dpo_metrics takes a fast path when beta and loss are constants in the call
-- (plain sigmoid inlined, or any constant spec parsed once); a per-row beta
-- expression takes the general path.  Both must give the same answer
-- (relative tolerance 1e-12), serial and in parallel.
SET search_path = public, pref;
CREATE TABLE dpo_fast AS
SELECT g,
       -30 - (g % 97) * 0.37 AS pc, -31 - (g % 89) * 0.41 AS pr,
       -30.5 - (g % 83) * 0.35 AS rc, -30.2 - (g % 79) * 0.43 AS rr
FROM generate_series(1, 30000) g;
ANALYZE dpo_fast;
CREATE FUNCTION pg_temp.same(a pref.dpo_stats, b pref.dpo_stats) RETURNS boolean LANGUAGE sql AS $$
  SELECT a.n = b.n
     AND abs(a.loss - b.loss) <= 1e-12 * abs(b.loss)
     AND abs(a.rewards_margin - b.rewards_margin) <= 1e-12 * abs(b.rewards_margin)
     AND abs(a.rewards_accuracy - b.rewards_accuracy) <= 1e-12
     AND abs(a.margin_std - b.margin_std) <= 1e-12 * abs(b.margin_std)
$$;
-- fast (constant) vs general (per-row expression equal to the constant)
SELECT pg_temp.same(
         (SELECT dpo_metrics(pc, pr, rc, rr, 0.1, 'sigmoid') FROM dpo_fast),
         (SELECT dpo_metrics(pc, pr, rc, rr, 0.1 + 0 * g, 'sigmoid') FROM dpo_fast)) AS sigmoid_fast_eq_general,
       pg_temp.same(
         (SELECT dpo_metrics(pc, pr, rc, rr, 0.1, 'ipo') FROM dpo_fast),
         (SELECT dpo_metrics(pc, pr, rc, rr, 0.1 + 0 * g, 'ipo') FROM dpo_fast)) AS const_spec_eq_general,
       pg_temp.same(
         (SELECT dpo_metrics(pc, pr, rc, rr) FROM dpo_fast),
         (SELECT dpo_metrics(pc, pr, rc, rr, 0.1 + 0 * g) FROM dpo_fast)) AS defaults_eq_general;
-- the fast path's loss equals the mean of the per-row function
SELECT abs((dpo_metrics(pc, pr, rc, rr, 0.1, 'sigmoid')).loss - avg(dpo_loss(pc, pr, rc, rr, 0.1, 'sigmoid')))
       <= 1e-12 * avg(dpo_loss(pc, pr, rc, rr, 0.1, 'sigmoid')) AS fast_eq_mean_of_rows
FROM dpo_fast;
-- an error on a later row is still reported on the fast path
SELECT dpo_metrics(pc, pr, rc, rr, 0.1, 'sigmoid') FROM (SELECT * FROM dpo_fast UNION ALL SELECT 0, 1, -1, -1, -1) s;
-- forced parallel plan, fast path
SET parallel_setup_cost = 0; SET parallel_tuple_cost = 0; SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2; SET parallel_leader_participation = off;
ALTER TABLE dpo_fast SET (parallel_workers = 2);
EXPLAIN (COSTS OFF) SELECT dpo_metrics(pc, pr, rc, rr, 0.1, 'sigmoid') FROM dpo_fast;
CREATE TEMP TABLE par AS SELECT dpo_metrics(pc, pr, rc, rr, 0.1, 'sigmoid') AS s FROM dpo_fast;
RESET max_parallel_workers_per_gather;
SET max_parallel_workers_per_gather = 0;
SELECT pg_temp.same((SELECT s FROM par), (SELECT dpo_metrics(pc, pr, rc, rr, 0.1 + 0 * g, 'sigmoid') FROM dpo_fast)) AS parallel_fast_eq_serial_general;
DROP TABLE dpo_fast;
