-- Split and combine as Citus does it: partial states of the DPO aggregates
-- over disjoint slices (and an empty one), cast to text and read back,
-- folded with the combine function, then the final function.  Counts must
-- match one pass exactly; means to 1e-12 relative (only the summation order
-- differs).  Partial states made with different constant arguments either
-- equal one pass with those arguments per row or are a clear error.
SET search_path = public, pref;
CREATE TABLE dsp AS
SELECT g AS id, g % 3 AS slice,
       -(20 + (g * 7919 % 1000) / 10.0)::float8 AS pc, -(22 + (g * 104729 % 1000) / 9.0)::float8 AS pr,
       -(21 + (g * 31337 % 1000) / 10.0)::float8 AS rc, -(21 + (g * 65537 % 1000) / 9.5)::float8 AS rr,
       (1 + g % 4)::float8 AS w, (g % 5 <> 0) AS desirable, (0.55 + (g % 9) / 20.0)::float8 AS prob
FROM generate_series(1, 6000) g;
UPDATE dsp SET pc = NULL WHERE id % 101 = 0;
UPDATE dsp SET desirable = NULL WHERE id % 103 = 0;
ANALYZE dsp;
-- partial aggregates: the transition functions without final functions
CREATE AGGREGATE pg_temp.dpo_p(float8, float8, float8, float8) (SFUNC = pref.dpo_metrics_accum, STYPE = pref.dpo_state);
CREATE AGGREGATE pg_temp.dpo_p(float8, float8, float8, float8, float8) (SFUNC = pref.dpo_metrics_accum, STYPE = pref.dpo_state);
CREATE AGGREGATE pg_temp.dpo_p(float8, float8, float8, float8, float8, text) (SFUNC = pref.dpo_metrics_accum, STYPE = pref.dpo_state);
CREATE AGGREGATE pg_temp.dpo_p(float8, float8, float8, float8, float8, text, float8) (SFUNC = pref.dpo_metrics_accum, STYPE = pref.dpo_state);
CREATE AGGREGATE pg_temp.dpo_p(float8, float8, float8, float8, float8, text, float8, text) (SFUNC = pref.dpo_metrics_accum, STYPE = pref.dpo_state);
CREATE AGGREGATE pg_temp.kto_p(float8, float8, boolean, float8, float8) (SFUNC = pref.kto_metrics_accum, STYPE = pref.dpo_state);
CREATE AGGREGATE pg_temp.kto_p(float8, float8, boolean, float8, float8, float8, float8, float8) (SFUNC = pref.kto_metrics_accum, STYPE = pref.dpo_state);
CREATE AGGREGATE pg_temp.racc_p(float8, float8) (SFUNC = pref.ranking_accuracy_accum, STYPE = pref.dpo_state);
CREATE AGGREGATE pg_temp.racc_p(float8, float8, float8, float8, float8, float8) (SFUNC = pref.ranking_accuracy_accum, STYPE = pref.dpo_state);
-- folding: the combine function as a transition, the final function at the end
CREATE AGGREGATE pg_temp.dpo_fold(pref.dpo_state) (SFUNC = pref.dpo_metrics_combine, STYPE = pref.dpo_state, FINALFUNC = pref.dpo_metrics_final);
CREATE AGGREGATE pg_temp.kto_fold(pref.dpo_state) (SFUNC = pref.kto_metrics_combine, STYPE = pref.dpo_state, FINALFUNC = pref.kto_metrics_final);
CREATE AGGREGATE pg_temp.racc_fold(pref.dpo_state) (SFUNC = pref.ranking_accuracy_combine, STYPE = pref.dpo_state, FINALFUNC = pref.ranking_accuracy_final);
CREATE FUNCTION pg_temp.rel(a float8, b float8) RETURNS boolean LANGUAGE sql IMMUTABLE
  AS $$ SELECT (a IS NULL AND b IS NULL) OR abs(a - b) <= 1e-12 * abs(b) OR a = b $$;
CREATE FUNCTION pg_temp.same(a pref.dpo_stats, b pref.dpo_stats) RETURNS boolean LANGUAGE sql AS $$
  SELECT a.n = b.n AND a.skipped = b.skipped AND pg_temp.rel(a.loss, b.loss)
     AND pg_temp.rel(a.rewards_chosen, b.rewards_chosen) AND pg_temp.rel(a.rewards_rejected, b.rewards_rejected)
     AND pg_temp.rel(a.rewards_accuracy, b.rewards_accuracy) AND pg_temp.rel(a.rewards_margin, b.rewards_margin)
     AND pg_temp.rel(a.logps_chosen, b.logps_chosen) AND pg_temp.rel(a.logps_rejected, b.logps_rejected)
     AND pg_temp.rel(a.margin_std, b.margin_std) $$;
CREATE FUNCTION pg_temp.same(a pref.kto_stats, b pref.kto_stats) RETURNS boolean LANGUAGE sql AS $$
  SELECT a.n = b.n AND a.skipped = b.skipped AND a.n_desirable = b.n_desirable AND a.n_undesirable = b.n_undesirable
     AND pg_temp.rel(a.kl, b.kl) AND pg_temp.rel(a.loss, b.loss) AND pg_temp.rel(a.rewards_chosen, b.rewards_chosen)
     AND pg_temp.rel(a.rewards_rejected, b.rewards_rejected) AND pg_temp.rel(a.logps_chosen, b.logps_chosen)
     AND pg_temp.rel(a.logps_rejected, b.logps_rejected) AND pg_temp.rel(a.rewards_margin, b.rewards_margin) $$;

-- three slices and an empty one, states through text
CREATE TEMP TABLE parts AS
SELECT slice,
       pg_temp.dpo_p(pc, pr, rc, rr)::text AS d4,
       pg_temp.dpo_p(pc, pr, rc, rr, 0.1)::text AS d5,
       pg_temp.dpo_p(pc, pr, rc, rr, 0.1, 'sigmoid')::text AS d6_fast,
       pg_temp.dpo_p(pc, pr, rc, rr, 0.2, '0.7*ipo + 0.3*bco_pair')::text AS d6_const,
       pg_temp.dpo_p(pc, pr, rc, rr, 0.05 + 0 * id, 'sigmoid')::text AS d6_general,
       pg_temp.dpo_p(pc, pr, rc, rr, 0.1, 'aot')::text AS d6_aot,
       pg_temp.dpo_p(pc, pr, rc, rr, 0.1, 'sigmoid', w)::text AS d7,
       pg_temp.dpo_p(pc, pr, rc, rr, 0.1, 'robust', w, 'label_smoothing=0.1, divergence=js_divergence')::text AS d8,
       pg_temp.kto_p(pc, rc, desirable, pr, rr)::text AS k5,
       pg_temp.kto_p(pc, rc, desirable, pr, rr, 0.5, 1.0, 1.33)::text AS k8,
       pg_temp.racc_p(pc, pr)::text AS r2,
       pg_temp.racc_p(pc, pr, rc, rr, 0.1, prob)::text AS r6
FROM dsp GROUP BY slice
UNION ALL
SELECT 99, pg_temp.dpo_p(pc, pr, rc, rr)::text, pg_temp.dpo_p(pc, pr, rc, rr, 0.1)::text,
       pg_temp.dpo_p(pc, pr, rc, rr, 0.1, 'sigmoid')::text, NULL, NULL, NULL, NULL, NULL,
       pg_temp.kto_p(pc, rc, desirable, pr, rr)::text, NULL, pg_temp.racc_p(pc, pr)::text, NULL
FROM dsp WHERE false;
SELECT count(*) AS parts, count(d4) AS non_null_states, bool_and(d4 LIKE 'v1:%') AS text_forms FROM parts;
SELECT pg_temp.same((SELECT pg_temp.dpo_fold(d4::pref.dpo_state) FROM parts), (SELECT dpo_metrics(pc, pr, rc, rr) FROM dsp)) AS d4,
       pg_temp.same((SELECT pg_temp.dpo_fold(d5::pref.dpo_state) FROM parts), (SELECT dpo_metrics(pc, pr, rc, rr, 0.1) FROM dsp)) AS d5,
       pg_temp.same((SELECT pg_temp.dpo_fold(d6_fast::pref.dpo_state) FROM parts), (SELECT dpo_metrics(pc, pr, rc, rr, 0.1, 'sigmoid') FROM dsp)) AS d6_fast,
       pg_temp.same((SELECT pg_temp.dpo_fold(d6_const::pref.dpo_state) FROM parts),
                    (SELECT dpo_metrics(pc, pr, rc, rr, 0.2, '0.7*ipo + 0.3*bco_pair') FROM dsp)) AS d6_const,
       pg_temp.same((SELECT pg_temp.dpo_fold(d6_general::pref.dpo_state) FROM parts), (SELECT dpo_metrics(pc, pr, rc, rr, 0.05, 'sigmoid') FROM dsp)) AS d6_general,
       pg_temp.same((SELECT pg_temp.dpo_fold(d6_aot::pref.dpo_state) FROM parts), (SELECT dpo_metrics(pc, pr, rc, rr, 0.1, 'aot') FROM dsp)) AS d6_aot,
       pg_temp.same((SELECT pg_temp.dpo_fold(d7::pref.dpo_state) FROM parts), (SELECT dpo_metrics(pc, pr, rc, rr, 0.1, 'sigmoid', w) FROM dsp)) AS d7,
       pg_temp.same((SELECT pg_temp.dpo_fold(d8::pref.dpo_state) FROM parts),
                    (SELECT dpo_metrics(pc, pr, rc, rr, 0.1, 'robust', w, 'label_smoothing=0.1, divergence=js_divergence') FROM dsp)) AS d8;
SELECT pg_temp.same((SELECT pg_temp.kto_fold(k5::pref.dpo_state) FROM parts), (SELECT kto_metrics(pc, rc, desirable, pr, rr) FROM dsp)) AS k5,
       pg_temp.same((SELECT pg_temp.kto_fold(k8::pref.dpo_state) FROM parts), (SELECT kto_metrics(pc, rc, desirable, pr, rr, 0.5, 1.0, 1.33) FROM dsp)) AS k8,
       (SELECT pg_temp.racc_fold(r2::pref.dpo_state) FROM parts)::text = (SELECT ranking_accuracy(pc, pr) FROM dsp)::text AS r2,
       (SELECT pg_temp.racc_fold(r6::pref.dpo_state) FROM parts)::text = (SELECT ranking_accuracy(pc, pr, rc, rr, 0.1, prob) FROM dsp)::text AS r6;
-- control: a fold that misses a slice differs from one pass
SELECT pg_temp.same((SELECT pg_temp.dpo_fold(d4::pref.dpo_state) FROM parts WHERE slice <> 2), (SELECT dpo_metrics(pc, pr, rc, rr) FROM dsp)) AS d4_without_a_slice,
       pg_temp.same((SELECT pg_temp.kto_fold(k5::pref.dpo_state) FROM parts WHERE slice <> 2), (SELECT kto_metrics(pc, rc, desirable, pr, rr) FROM dsp)) AS k5_without_a_slice;
-- the values themselves (stable digits)
SELECT (s).n, (s).skipped, round((s).loss::numeric, 9) AS loss, round((s).margin_std::numeric, 9) AS margin_std
FROM (SELECT pg_temp.dpo_fold(d6_aot::pref.dpo_state) AS s FROM parts) q;

-- different constants in different partial states: each state keeps the
-- sums of its own rows, so the fold equals one pass with the per-row arguments
CREATE TEMP TABLE mixed AS
SELECT pg_temp.dpo_p(pc, pr, rc, rr, 0.1, 'sigmoid')::text AS s FROM dsp WHERE slice = 0
UNION ALL SELECT pg_temp.dpo_p(pc, pr, rc, rr, 0.5, 'ipo')::text FROM dsp WHERE slice = 1
UNION ALL SELECT pg_temp.dpo_p(pc, pr, rc, rr, 0.2, '0.5*sigmoid + 0.5*hinge')::text FROM dsp WHERE slice = 2;
SELECT pg_temp.same((SELECT pg_temp.dpo_fold(s::pref.dpo_state) FROM mixed),
                    (SELECT dpo_metrics(pc, pr, rc, rr, CASE slice WHEN 0 THEN 0.1 WHEN 1 THEN 0.5 ELSE 0.2 END,
                                        CASE slice WHEN 0 THEN 'sigmoid' WHEN 1 THEN 'ipo' ELSE '0.5*sigmoid + 0.5*hinge' END)
                     FROM dsp)) AS mixed_constants_eq_per_row_arguments;
-- aot sorts the whole group: states of another beta or another loss are an error
SELECT pg_temp.dpo_fold(s::pref.dpo_state) FROM (
  SELECT pg_temp.dpo_p(pc, pr, rc, rr, 0.1, 'aot')::text AS s FROM dsp WHERE slice = 0
  UNION ALL SELECT pg_temp.dpo_p(pc, pr, rc, rr, 0.2, 'aot')::text FROM dsp WHERE slice = 1) q;
SELECT pg_temp.dpo_fold(s::pref.dpo_state) FROM (
  SELECT pg_temp.dpo_p(pc, pr, rc, rr, 0.1, 'aot')::text AS s FROM dsp WHERE slice = 0
  UNION ALL SELECT pg_temp.dpo_p(pc, pr, rc, rr, 0.1, 'sigmoid')::text FROM dsp WHERE slice = 1) q;
SELECT pg_temp.dpo_fold(s::pref.dpo_state) FROM (
  SELECT pg_temp.dpo_p(pc, pr, rc, rr, 0.1, 'sigmoid')::text AS s FROM dsp WHERE slice = 0
  UNION ALL SELECT pg_temp.dpo_p(pc, pr, rc, rr, 0.1, 'aot_unpaired')::text FROM dsp WHERE slice = 1) q;
-- KTO parameters must agree; ranking states with and without references do not mix
SELECT pg_temp.kto_fold(s::pref.dpo_state) FROM (
  SELECT pg_temp.kto_p(pc, rc, desirable, pr, rr, 0.1, 1, 1)::text AS s FROM dsp WHERE slice = 0
  UNION ALL SELECT pg_temp.kto_p(pc, rc, desirable, pr, rr, 0.5, 1, 1)::text FROM dsp WHERE slice = 1) q;
SELECT pg_temp.racc_fold(s::pref.dpo_state) FROM (
  SELECT pg_temp.racc_p(pc, pr)::text AS s FROM dsp WHERE slice = 0
  UNION ALL SELECT pg_temp.racc_p(pc, pr, rc, rr, 0.1, 1)::text FROM dsp WHERE slice = 1) q;
-- a state of one family folded by another
SELECT pg_temp.kto_fold(d4::pref.dpo_state) FROM parts;

-- a partial state read from text continues as the initial state of another
-- scan (INITCOND): same constants on the fast path, other constants, aot
CREATE FUNCTION pg_temp.continue_from(init text, sql text) RETURNS pref.dpo_stats LANGUAGE plpgsql AS $$
DECLARE r pref.dpo_stats;
BEGIN
  EXECUTE format('CREATE AGGREGATE pg_temp.dpo_cont(float8, float8, float8, float8, float8, text) (SFUNC = pref.dpo_metrics_accum, '
                 'STYPE = pref.dpo_state, FINALFUNC = pref.dpo_metrics_final, INITCOND = %L)', init);
  EXECUTE format('SELECT (q.s).* FROM (%s) q(s)', sql) INTO r;
  DROP AGGREGATE pg_temp.dpo_cont(float8, float8, float8, float8, float8, text);
  RETURN r;
EXCEPTION WHEN others THEN
  RAISE NOTICE '%', SQLERRM;
  RETURN NULL;
END $$;
SELECT pg_temp.same(pg_temp.continue_from((SELECT pg_temp.dpo_p(pc, pr, rc, rr, 0.1, 'sigmoid')::text FROM dsp WHERE slice = 0),
                      'SELECT pg_temp.dpo_cont(pc, pr, rc, rr, 0.1, ''sigmoid'') FROM dsp WHERE slice > 0'),
                    (SELECT dpo_metrics(pc, pr, rc, rr, 0.1, 'sigmoid') FROM dsp)) AS continued_same_constants,
       pg_temp.same(pg_temp.continue_from((SELECT pg_temp.dpo_p(pc, pr, rc, rr, 0.5, 'ipo')::text FROM dsp WHERE slice = 0),
                      'SELECT pg_temp.dpo_cont(pc, pr, rc, rr, 0.1, ''sigmoid'') FROM dsp WHERE slice > 0'),
                    (SELECT dpo_metrics(pc, pr, rc, rr, CASE slice WHEN 0 THEN 0.5 ELSE 0.1 END,
                                        CASE slice WHEN 0 THEN 'ipo' ELSE 'sigmoid' END) FROM dsp)) AS continued_other_constants;
SELECT pg_temp.continue_from((SELECT pg_temp.dpo_p(pc, pr, rc, rr, 0.1, 'aot')::text FROM dsp WHERE slice = 0),
                             'SELECT pg_temp.dpo_cont(pc, pr, rc, rr, 0.1, ''sigmoid'') FROM dsp WHERE slice > 0') IS NULL AS aot_then_sigmoid_refused;
SELECT pg_temp.same(pg_temp.continue_from((SELECT pg_temp.dpo_p(pc, pr, rc, rr, 0.1, 'aot')::text FROM dsp WHERE slice = 0),
                      'SELECT pg_temp.dpo_cont(pc, pr, rc, rr, 0.1, ''aot'') FROM dsp WHERE slice > 0'),
                    (SELECT dpo_metrics(pc, pr, rc, rr, 0.1, 'aot') FROM dsp)) AS continued_aot;
DROP TABLE dsp;
