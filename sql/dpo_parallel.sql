-- DPO aggregates under a forced parallel plan equal the serial answer
SET search_path = public, pref;
CREATE TABLE dpo_par AS
SELECT g AS id, g % 7 AS grp,
       -(20 + (g * 7919 % 1000) / 10.0)::float8 AS pc,
       -(22 + (g * 104729 % 1000) / 9.0)::float8 AS pr,
       -(21 + (g * 31337 % 1000) / 10.0)::float8 AS rc,
       -(21 + (g * 65537 % 1000) / 9.5)::float8 AS rr,
       (1 + g % 3)::float8 AS w, (g % 5 <> 0) AS desirable
FROM generate_series(1, 40000::bigint) g;
UPDATE dpo_par SET pc = NULL WHERE id % 997 = 0;
ALTER TABLE dpo_par SET (parallel_workers = 2);
ANALYZE dpo_par;
CREATE TEMP TABLE serial AS
SELECT (dpo_metrics(pc, pr, rc, rr, 0.1, '0.9*sigmoid + 0.1*sft', w)).* FROM dpo_par;
CREATE TEMP TABLE serial_aot AS SELECT (dpo_metrics(pc, pr, rc, rr, 0.1, 'aot')).* FROM dpo_par;
CREATE TEMP TABLE serial_kto AS SELECT (kto_metrics(pc, rc, desirable, pr, rr)).* FROM dpo_par;
CREATE TEMP TABLE serial_acc AS SELECT (ranking_accuracy(pc, pr, rc, rr, 0.1)).* FROM dpo_par;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
SET parallel_leader_participation = off;
EXPLAIN (COSTS OFF) SELECT dpo_metrics(pc, pr, rc, rr, 0.1, '0.9*sigmoid + 0.1*sft', w) FROM dpo_par;
EXPLAIN (COSTS OFF) SELECT kto_metrics(pc, rc, desirable, pr, rr) FROM dpo_par;
EXPLAIN (COSTS OFF) SELECT ranking_accuracy(pc, pr, rc, rr, 0.1) FROM dpo_par;
-- relative difference to the serial answer, 1e-12 (sums in a different order)
CREATE FUNCTION pg_temp.rel(a float8, b float8) RETURNS boolean LANGUAGE sql
  AS $$ SELECT abs(a - b) <= 1e-12 * abs(b) $$;
SELECT p.n, p.skipped, pg_temp.rel(p.loss, s.loss) AS loss, pg_temp.rel(p.rewards_chosen, s.rewards_chosen) AS rc,
       pg_temp.rel(p.rewards_rejected, s.rewards_rejected) AS rr, pg_temp.rel(p.rewards_accuracy, s.rewards_accuracy) AS acc,
       pg_temp.rel(p.rewards_margin, s.rewards_margin) AS margin, pg_temp.rel(p.logps_chosen, s.logps_chosen) AS lc,
       pg_temp.rel(p.logps_rejected, s.logps_rejected) AS lr, pg_temp.rel(p.margin_std, s.margin_std) AS sd,
       round(p.loss::numeric, 6) AS loss_value
FROM (SELECT (dpo_metrics(pc, pr, rc, rr, 0.1, '0.9*sigmoid + 0.1*sft', w)).* FROM dpo_par) p, serial s;
SELECT p.n, pg_temp.rel(p.loss, s.loss) AS aot_loss, round(p.loss::numeric, 6) AS loss_value
FROM (SELECT (dpo_metrics(pc, pr, rc, rr, 0.1, 'aot')).* FROM dpo_par) p, serial_aot s;
SELECT p.n, p.skipped, p.n_desirable, pg_temp.rel(p.kl, s.kl) AS kl, pg_temp.rel(p.loss, s.loss) AS loss,
       pg_temp.rel(p.rewards_margin, s.rewards_margin) AS margin, round(p.loss::numeric, 6) AS loss_value
FROM (SELECT (kto_metrics(pc, rc, desirable, pr, rr)).* FROM dpo_par) p, serial_kto s;
SELECT (p.*)::text = (s.*)::text AS same_accuracy FROM (SELECT (ranking_accuracy(pc, pr, rc, rr, 0.1)).* FROM dpo_par) p, serial_acc s;
-- grouped under a parallel plan: each group equals the mean of its per-row losses
SELECT count(*) AS groups, bool_and(abs((s).loss - a) <= 1e-12 * a) AS each_group_is_the_mean
FROM (SELECT grp, dpo_metrics(pc, pr, rc, rr) AS s, avg(dpo_loss(pc, pr, rc, rr)) AS a FROM dpo_par GROUP BY grp) g;
RESET ALL;
DROP TABLE dpo_par;
