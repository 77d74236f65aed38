-- reward models: reward_fit against a scipy optimum (test/ref/gram_ref.py),
-- scoring, evaluation, ensemble strength, contextual Bradley-Terry.
SET search_path = public, pref;
\set ECHO none
\i test/ref/reward_fixture.sql
\set ECHO all
CREATE FUNCTION rel_err(a float8[], b float8[]) RETURNS float8 LANGUAGE sql AS $$
  SELECT CASE WHEN array_dims(a) IS DISTINCT FROM array_dims(b) THEN 'Infinity'::float8
         ELSE (SELECT max(abs(x - y)) FROM unnest(a, b) u(x, y)) / (SELECT max(abs(y)) FROM unnest(b) v(y)) END $$;
-- gradient of sum weight * loss + lambda/2 |w|^2 at w, in plain SQL (independent of the C code)
CREATE FUNCTION sql_grad_norm(w float8[], lambda float8, eps float8, gam float8, weighted boolean) RETURNS float8 LANGUAGE sql AS $$
  WITH t AS (
    SELECT p.id, CASE WHEN weighted THEN p.weight ELSE 1 END AS om,
           sum((p.chosen[j]::float8 - p.rejected[j]::float8) * w[j]) - gam AS t
    FROM rw_pairs p, generate_series(1, 4) j GROUP BY p.id, p.weight),
  r AS (SELECT t.id, om * (1 / (1 + exp(-t.t)) - (1 - eps)) AS r FROM t),
  g AS (SELECT j, sum(r.r * (p.chosen[j]::float8 - p.rejected[j]::float8)) + lambda * w[j] AS g
        FROM r JOIN rw_pairs p USING (id), generate_series(1, 4) j GROUP BY j)
  SELECT sqrt(sum(g * g)) FROM g $$;

-- plain fit, lambda 1: weights to 1e-8, objective to 1e-9 relative, gradient norm < 1e-8
SELECT (m).kind, (m).dim, (m).n_rows, (m).n_skipped, (m).converged, (m).iterations <= 10 AS few_iterations,
       rel_err((m).weights, e.w) < 1e-8 AS weights_ok,
       abs(((m).options->>'objective')::float8 - e.objective) / e.objective < 1e-9 AS objective_ok,
       sql_grad_norm((m).weights, 1, 0, 0, false) < 1e-8 AS gradient_ok,
       abs((m).loss - e.loss) < 1e-9 AS loss_ok, abs((m).accuracy - e.accuracy) < 1e-12 AS accuracy_ok,
       round((m).accuracy::numeric, 6) AS accuracy
FROM (SELECT pref.reward_fit('SELECT chosen, rejected FROM rw_pairs', lambda => 1, tol => 1e-12) AS m) s,
     rw_expect e WHERE e.name = 'plain';
-- weighted pairs (third column), lambda 0.1, double precision embeddings
SELECT (m).converged, rel_err((m).weights, e.w) < 1e-8 AS weights_ok,
       abs(((m).options->>'objective')::float8 - e.objective) / e.objective < 1e-9 AS objective_ok,
       sql_grad_norm((m).weights, 0.1, 0, 0, true) < 1e-8 AS gradient_ok,
       abs((m).loss - e.loss) < 1e-9 AS loss_ok, abs((m).accuracy - e.accuracy) < 1e-12 AS accuracy_ok
FROM (SELECT pref.reward_fit('SELECT chosen::float8[], rejected::float8[], weight FROM rw_pairs', lambda => 0.1, tol => 1e-12) AS m) s,
     rw_expect e WHERE e.name = 'weighted';
-- label smoothing 0.1 and margin 0.5
SELECT (m).converged, rel_err((m).weights, e.w) < 1e-8 AS weights_ok,
       abs(((m).options->>'objective')::float8 - e.objective) / e.objective < 1e-9 AS objective_ok,
       sql_grad_norm((m).weights, 1, 0.1, 0.5, false) < 1e-8 AS gradient_ok,
       abs((m).loss - e.loss) < 1e-9 AS loss_ok,
       (m).options->>'label_smoothing' AS ls, (m).options->>'margin' AS margin, (m).options->>'method' AS method
FROM (SELECT pref.reward_fit('SELECT chosen, rejected FROM rw_pairs', lambda => 1, tol => 1e-12,
                             label_smoothing => 0.1, margin => 0.5) AS m) s,
     rw_expect e WHERE e.name = 'smooth';
-- L-BFGS (gradient-only passes) reaches the same optimum (1e-6 on weights)
SELECT (m).converged, (m).options->>'method' AS method, rel_err((m).weights, e.w) < 1e-6 AS weights_ok,
       sql_grad_norm((m).weights, 1, 0, 0, false) < 1e-6 AS gradient_ok
FROM (SELECT pref.reward_fit('SELECT chosen, rejected FROM rw_pairs', lambda => 1, tol => 1e-10, max_iter => 500, method => 'lbfgs') AS m) s,
     rw_expect e WHERE e.name = 'plain';

-- scoring: reward_score is w.x (+ bias 0), reward_margin the difference; checked against SQL sums
CREATE TABLE rw_model AS
  SELECT pref.reward_fit('SELECT chosen, rejected FROM rw_pairs WHERE id > 50', lambda => 1) AS m;
SELECT bool_and(abs(pref.reward_score(m, p.chosen) - (SELECT sum(p.chosen[j] * (m).weights[j]) FROM generate_series(1, 4) j)) < 1e-12) AS score_ok,
       bool_and(abs(pref.reward_margin(m, p.chosen, p.rejected) - (pref.reward_score(m, p.chosen) - pref.reward_score(m, p.rejected))) < 1e-12) AS margin_ok
FROM rw_pairs p, rw_model;
-- held-out evaluation on the first 50 pairs: accuracy and log loss vs numpy (model fitted on all pairs)
SELECT ev.n, abs(ev.accuracy - e.accuracy) < 1e-12 AS accuracy_ok, abs(ev.log_loss - e.loss) < 1e-9 AS log_loss_ok,
       round(ev.accuracy::numeric, 6) AS accuracy
FROM (SELECT (pref.reward_eval(pref.reward_margin(m, chosen, rejected))).*
      FROM rw_pairs, (SELECT pref.reward_fit('SELECT chosen, rejected FROM rw_pairs', lambda => 1, tol => 1e-12) AS m) s
      WHERE id <= 50) ev, rw_expect e WHERE e.name = 'eval50';
-- eval by hand: margins 1, -1, 0 and NULL (skipped)
SELECT n, round(accuracy::numeric, 6) AS accuracy, round(log_loss::numeric, 6) AS log_loss,
       round(mean_margin::numeric, 6) AS mean_margin, round(sd_margin::numeric, 6) AS sd_margin
FROM (SELECT (pref.reward_eval(m)).* FROM (VALUES (1.0::float8), (-1), (0), (NULL)) v(m)) s;
-- log(1+e^-1) = 0.313262, log(1+e) = 1.313262, log 2 = 0.693147: mean 0.773224
SELECT (pref.reward_eval(m, w)).accuracy AS weighted_accuracy FROM (VALUES (1.0::float8, 3.0::float8), (-1, 1)) v(m, w);
SELECT pref.reward_eval(m) IS NULL AS empty_null FROM (VALUES (1.0::float8)) v(m) WHERE false;

-- ensemble preference strength
SELECT s.* FROM (VALUES (ARRAY[1.0, 2.0, 3.0]::float8[]), (ARRAY[-1.0, -0.5, 0.2]), (ARRAY[0.05, -0.02, NULL]), ('{}')) v(m),
  LATERAL pref.preference_strength(m) s;
SELECT verdict FROM pref.preference_strength(ARRAY[0.3, 0.5], ambiguous_below => 1);

-- bad input
SELECT pref.reward_score(m, ARRAY[1, 2, 3]::real[]) FROM rw_model;
SELECT pref.reward_margin(m, ARRAY[1, 2, 3, 4]::real[], ARRAY[1, 2]::real[]) FROM rw_model;
SELECT pref.reward_score(m, ARRAY[1, 'NaN', 3, 4]::real[]) FROM rw_model;
SELECT pref.reward_score(ROW('x', 2, ARRAY[1, NULL], 0, 0, 0, 0, true, 0, 0, 0, '{}')::pref.linear_model, ARRAY[1, 2]::real[]);
SELECT pref.reward_fit('SELECT chosen FROM rw_pairs');
SELECT pref.reward_fit('SELECT chosen, id FROM rw_pairs');
SELECT pref.reward_fit('SELECT chosen, rejected, ''x''::text FROM rw_pairs');
SELECT pref.reward_fit('SELECT chosen, rejected FROM rw_pairs WHERE false');
SELECT pref.reward_fit('SELECT chosen, rejected FROM rw_pairs', method => 'sgd');
SELECT pref.reward_fit('SELECT chosen, rejected FROM rw_pairs', label_smoothing => 0.5);
SELECT pref.reward_fit('SELECT chosen, rejected FROM rw_pairs', lambda => -1);
-- identical embeddings carry no information: the gradient is 0 at w = 0
SELECT (m).weights, (m).converged, (m).iterations FROM (SELECT pref.reward_fit('SELECT chosen, chosen FROM rw_pairs', lambda => 0) AS m) s;
-- differences along one axis only, no penalty: singular Hessian
SELECT pref.reward_fit('SELECT ARRAY[g % 4 - 1, 0, 0, 0]::real[], ARRAY[0, 0, 0, 0]::real[] FROM generate_series(1, 10) g', lambda => 0);
SELECT pref.reward_fit('SELECT CASE WHEN id = 7 THEN ARRAY[1, 2]::real[] ELSE chosen END, rejected FROM rw_pairs');
SELECT pref.reward_fit('SELECT chosen, rejected, -1 FROM rw_pairs');
SELECT pref.reward_fit('SELECT CASE WHEN id = 3 THEN ARRAY[1, ''NaN'', 0, 0]::real[] ELSE chosen END, rejected FROM rw_pairs');
-- NULL rows are skipped and counted
SELECT (m).n_rows, (m).n_skipped
FROM (SELECT pref.reward_fit('SELECT CASE WHEN id % 10 = 0 THEN NULL ELSE chosen END, rejected, CASE WHEN id % 10 = 1 THEN NULL ELSE weight END FROM rw_pairs') AS m) s;
-- too large for the dense Hessian under pgpref.max_memory: newton refuses, auto falls back to L-BFGS
SET pgpref.max_memory = '1MB';
SELECT pref.reward_fit('SELECT array_fill(0.01 * g, ARRAY[300])::real[], array_fill(0::real, ARRAY[300]) FROM generate_series(1, 5) g', method => 'newton');
SELECT (m).options->>'method' AS method, (m).dim, (m).converged
FROM (SELECT pref.reward_fit('SELECT array_fill(0.01 * g, ARRAY[300])::real[], array_fill(0::real, ARRAY[300]) FROM generate_series(1, 5) g') AS m) s;
RESET pgpref.max_memory;

-- contextual Bradley-Terry: estimates to 1e-7 and standard errors to 1e-6 against scipy + pinv
SELECT r.term, r.item, r.covariate, abs(r.estimate - e.estimate) < 1e-7 AS estimate_ok,
       abs(r.std_error - e.std_error) < 1e-6 AS se_ok, r.comparisons = e.comparisons AS count_ok,
       abs((r.upper - r.lower) / 2 - 1.959963984540054 * r.std_error) < 1e-9 AS interval_ok,
       round(r.estimate::numeric, 4) AS estimate
FROM pref.bt_fit_contextual('SELECT winner, loser, covariates, tie FROM bt_battles') r
JOIN bt_expect e ON e.term = r.term AND e.item IS NOT DISTINCT FROM r.item AND e.covariate IS NOT DISTINCT FROM r.covariate
ORDER BY r.term DESC, r.item, r.covariate;
SELECT round(sum(estimate)::numeric, 12) AS ratings_sum_to_zero
FROM pref.bt_fit_contextual('SELECT winner, loser, covariates, tie FROM bt_battles') WHERE term = 'item';
-- 90% intervals
SELECT round(((upper - lower) / (2 * std_error))::numeric, 9) AS z_90
FROM pref.bt_fit_contextual('SELECT winner, loser, covariates FROM bt_battles', level => 0.9) LIMIT 1;
SELECT * FROM pref.bt_fit_contextual('SELECT 1, 1, ARRAY[0.5]::float8[]');
SELECT * FROM pref.bt_fit_contextual('SELECT 1, 2, ARRAY[0.5]::float8[] WHERE false');
SELECT * FROM pref.bt_fit_contextual('SELECT 1, 2, ARRAY[''0.5'']');
SELECT * FROM pref.bt_fit_contextual('SELECT 1, 2, ARRAY[0.5]::float8[] UNION ALL SELECT 2, 1, ARRAY[0.5, 1]::float8[]');
SELECT * FROM pref.bt_fit_contextual('SELECT 1, 2, ARRAY[''NaN'']::float8[]');
SELECT * FROM pref.bt_fit_contextual('SELECT 1, 2, ARRAY[0.5]::float8[] UNION ALL SELECT 3, 4, ARRAY[0.1]');
SELECT * FROM pref.bt_fit_contextual('SELECT winner, loser, covariates FROM bt_battles', level => 1);

-- pref.reward_state: the pass state as a value.  Partial passes over slices (one
-- all-NULL, one empty) through their text form, folded with the combine function,
-- equal the one-pass result (1e-12 relative: summation order only; counts exact)
CREATE AGGREGATE pass_part(real[], real[], float8, float8[], float8[])
  (SFUNC = pref.reward_pass_accum, STYPE = pref.reward_state);
CREATE AGGREGATE pass_fold(pref.reward_state) (SFUNC = pref.reward_pass_combine, STYPE = pref.reward_state);
CREATE TEMP TABLE pass_slices AS
  SELECT s, pass_part(chosen, rejected, weight, '{0.5,-0.5,0.25,0}', '{0.1,0.2,1}')::text AS h,
         pass_part(chosen, rejected, weight, '{0.5,-0.5,0.25,0}', '{0.1,0.2,0}')::text AS g
  FROM (SELECT id % 3 AS s, chosen, rejected, weight FROM rw_pairs
        UNION ALL SELECT 3, NULL, NULL, 1 FROM generate_series(1, 5)) q GROUP BY s
  UNION ALL SELECT 4, NULL, NULL;
SELECT rel_err(pref.reward_pass_final(f.h), w.h) < 1e-12 AS hessian_pass_same,
       rel_err(pref.reward_pass_final(f.g), w.g) < 1e-12 AS gradient_pass_same,
       (pref.reward_pass_final(f.h))[2:3] AS n_and_skipped, array_length(pref.reward_pass_final(f.h), 1) AS len,
       array_length(pref.reward_pass_final(f.g), 1) AS gradient_len
FROM (SELECT pass_fold(h::pref.reward_state) AS h, pass_fold(g::pref.reward_state) AS g FROM pass_slices) f,
     (SELECT pref.reward_pass(chosen, rejected, weight, '{0.5,-0.5,0.25,0}', '{0.1,0.2,1}') AS h,
             pref.reward_pass(chosen, rejected, weight, '{0.5,-0.5,0.25,0}', '{0.1,0.2,0}') AS g
      FROM (SELECT chosen, rejected, weight FROM rw_pairs UNION ALL SELECT NULL, NULL, 1 FROM generate_series(1, 5)) q) w;
SELECT pref.reward_pass_final(NULL) IS NULL AS final_null,
       (SELECT pass_fold(s) IS NULL FROM (VALUES (NULL::pref.reward_state), (NULL)) v(s)) AS fold_of_nulls,
       (SELECT pref.reward_pass(chosen, rejected, weight, NULL, '{0,0,1}') IS NULL FROM rw_pairs WHERE false) AS empty_null;
-- w and params must be the same on every row and in every combined state
SELECT pref.reward_pass(chosen, rejected, weight, CASE WHEN id = 5 THEN '{1,0,0,0}'::float8[] END, '{0,0,1}') FROM rw_pairs;
SELECT pref.reward_pass(chosen, rejected, weight, NULL, CASE WHEN id = 5 THEN '{0,0,0}' ELSE '{0,0,1}' END::float8[]) FROM rw_pairs;
SELECT pref.reward_pass(chosen, rejected, weight, NULL, NULL) FROM rw_pairs;
SELECT pass_fold(s) FROM (SELECT pass_part(chosen, rejected, weight, NULL, '{0,0,1}') FROM rw_pairs WHERE id < 10
                          UNION ALL SELECT pass_part(chosen, rejected, weight, '{1,0,0,0}', '{0,0,1}') FROM rw_pairs WHERE id > 10) q(s);
SELECT pass_fold(s) FROM (SELECT pass_part(chosen, rejected, weight, NULL, '{0,0,1}') FROM rw_pairs WHERE id < 10
                          UNION ALL SELECT pass_part(chosen, rejected, weight, NULL, '{0,0,0}') FROM rw_pairs WHERE id > 10) q(s);
SELECT pass_fold(s) FROM (SELECT pass_part(chosen, rejected, weight, NULL, '{0,0,1}') FROM rw_pairs WHERE id < 10
                          UNION ALL SELECT pass_part(chosen[1:3], rejected[1:3], weight, NULL, '{0,0,1}') FROM rw_pairs WHERE id > 10) q(s);
-- text input is validated like a wire format.  Layout: version, flags (uint8), reserved
-- (uint16), magic (uint32), d, reserved (int32), n, n_skipped (int64), target, margin,
-- sums of weights, losses, correct (float8); then w, g, H
CREATE FUNCTION st_bytes(pref.reward_state) RETURNS bytea LANGUAGE sql AS $$ SELECT decode(substr($1::text, 4), 'base64') $$;
CREATE FUNCTION st_text(bytea) RETURNS text LANGUAGE sql AS $$ SELECT 'v1:' || translate(encode($1, 'base64'), E'\n', '') $$;
CREATE TEMP TABLE pass_small AS SELECT st_bytes(pass_part(chosen, rejected, weight, NULL, '{0,0,1}')) AS b FROM rw_pairs WHERE id <= 3;
SELECT length(b) AS bytes, st_text(b)::pref.reward_state::text = st_text(b) AS text_round_trip FROM pass_small;
SELECT 'x1:AAAA'::pref.reward_state;
SELECT st_text(substr(b, 1, 40))::pref.reward_state FROM pass_small;
SELECT st_text(substr(b, 1, length(b) - 8))::pref.reward_state FROM pass_small;
SELECT st_text(b || '\x00'::bytea)::pref.reward_state FROM pass_small;
SELECT st_text(set_byte(b, 0, 9))::pref.reward_state FROM pass_small;
SELECT st_text(set_byte(b, 5, 0))::pref.reward_state FROM pass_small;
SELECT st_text(set_byte(b, 1, 3))::pref.reward_state FROM pass_small;
SELECT st_text(set_byte(b, 12, 1))::pref.reward_state FROM pass_small;
SELECT st_text(set_byte(b, 1, 0))::pref.reward_state FROM pass_small;
SELECT st_text(set_byte(b, 31, 255))::pref.reward_state FROM pass_small;
SELECT st_text(overlay(b placing '\x000000000000e03f'::bytea from 33))::pref.reward_state FROM pass_small;
SELECT st_text(overlay(b placing '\x000000000000f0bf'::bytea from 57))::pref.reward_state FROM pass_small;
SELECT st_text(overlay(b placing '\x000000000000f87f'::bytea from 105))::pref.reward_state FROM pass_small;
-- binary COPY round trip
CREATE TEMP TABLE pass_copy AS SELECT s, h::pref.reward_state AS h, g::pref.reward_state AS g FROM pass_slices;
\copy pass_copy TO 'results/reward_state.bin' (FORMAT binary)
CREATE TEMP TABLE pass_copy2 (LIKE pass_copy);
\copy pass_copy2 FROM 'results/reward_state.bin' (FORMAT binary)
SELECT count(*) AS rows, bool_and(a.h::text IS NOT DISTINCT FROM b.h::text AND a.g::text IS NOT DISTINCT FROM b.g::text) AS same
FROM pass_copy a JOIN pass_copy2 b USING (s);
-- bounded mutation fuzz of the text input (seeded), as for pref.gram_state: rejected
-- (22P02/22P03) or read back to the same text, and the final function does not fail
CREATE FUNCTION pg_temp.fuzz_pass(seed float8, n int) RETURNS TABLE (mutations int, rejected int, accepted int, round_trips boolean)
LANGUAGE plpgsql AS $$
DECLARE
  src bytea := (SELECT b FROM pass_small);
  b bytea;
  t text;
  v pref.reward_state;
  k int;
BEGIN
  PERFORM setseed(seed);
  mutations := 0; rejected := 0; accepted := 0; round_trips := true;
  FOR i IN 1..n LOOP
    b := src;
    k := floor(random() * 4)::int;
    IF k = 0 THEN
      b := substr(b, 1, floor(random() * length(b))::int);
    ELSIF k = 1 THEN
      b := b || decode(lpad(to_hex(floor(random() * 65536)::int), 4, '0'), 'hex');
    ELSE
      FOR j IN 1..k LOOP
        b := set_byte(b, floor(random() * length(b))::int, floor(random() * 256)::int);
      END LOOP;
    END IF;
    mutations := mutations + 1;
    t := st_text(b);
    BEGIN
      v := t::pref.reward_state;
    EXCEPTION WHEN invalid_text_representation OR invalid_binary_representation THEN
      rejected := rejected + 1;
      CONTINUE;
    END;
    accepted := accepted + 1;
    round_trips := round_trips AND v::text = t;
    PERFORM pref.reward_pass_final(v);
  END LOOP;
  RETURN NEXT;
END $$;
SELECT mutations, rejected > 0 AS some_rejected, accepted > 0 AS some_accepted, round_trips
FROM pg_temp.fuzz_pass(0.5, 3000);
DROP FUNCTION st_bytes(pref.reward_state), st_text(bytea);

-- forced parallel: the pass aggregate runs as Partial Aggregate; reward_fit equals the serial fit
CREATE TABLE rw_big AS SELECT (g - 1) * 400 + p.id AS id, p.chosen, p.rejected, p.weight
  FROM rw_pairs p, generate_series(1, 60) g;
ALTER TABLE rw_big SET (parallel_workers = 2);
ANALYZE rw_big;
CREATE TEMP TABLE rw_serial AS
  SELECT pref.reward_fit('SELECT chosen, rejected, weight FROM rw_big', lambda => 1, tol => 1e-12) AS m,
         (SELECT pref.reward_eval(pref.reward_margin((SELECT m FROM rw_model), chosen, rejected)) FROM rw_big) AS ev;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
SET parallel_leader_participation = off;
EXPLAIN (COSTS OFF) SELECT pref.reward_pass(chosen, rejected, weight, NULL, '{0,0,1}') FROM rw_big;
EXPLAIN (COSTS OFF) SELECT pref.reward_eval(pref.reward_margin((SELECT m FROM rw_model), chosen, rejected)) FROM rw_big;
-- 1e-10 relative
SELECT rel_err((q.m).weights, (s.m).weights) < 1e-10 AS fit_same, (q.m).n_rows AS n_rows,
       abs((q.ev).accuracy - (s.ev).accuracy) < 1e-12 AND abs((q.ev).log_loss - (s.ev).log_loss) < 1e-12 AS eval_same
FROM (SELECT pref.reward_fit('SELECT chosen, rejected, weight FROM rw_big', lambda => 1, tol => 1e-12) AS m,
             (SELECT pref.reward_eval(pref.reward_margin((SELECT m FROM rw_model), chosen, rejected)) FROM rw_big) AS ev) q, rw_serial s;
-- the pass itself: parallel gradient and Hessian equal the serial ones (1e-12)
CREATE TEMP TABLE pass_par AS SELECT pref.reward_pass(chosen, rejected, weight, '{0.5,-0.5,0.25,0}', '{0,0,1}') AS v FROM rw_big;
RESET ALL;
SELECT rel_err(p.v, (SELECT pref.reward_pass(chosen, rejected, weight, '{0.5,-0.5,0.25,0}', '{0,0,1}') FROM rw_big)) < 1e-12 AS pass_same,
       array_length(p.v, 1) AS len
FROM pass_par p;
DROP TABLE rw_big, rw_model, rw_pairs, rw_expect, bt_battles, bt_expect;
DROP FUNCTION rel_err(float8[], float8[]);
DROP FUNCTION sql_grad_norm(float8[], float8, float8, float8, boolean);

-- no data, no model (docs/conventions.md): an empty query, or one whose rows
-- all have NULLs, gives NULL from reward_fit and no rows from bt_fit_contextual
SELECT pref.reward_fit('SELECT ARRAY[1.0]::float8[], ARRAY[0.0]::float8[] WHERE false') IS NULL AS empty_fit_is_null;
SELECT pref.reward_fit('SELECT NULL::float8[], ARRAY[0.0]::float8[] FROM generate_series(1, 3)') IS NULL AS all_null_fit_is_null;
SELECT count(*) AS contextual_rows FROM pref.bt_fit_contextual('SELECT 1::bigint, 2::bigint, ARRAY[1.0]::float8[] WHERE false');
SELECT count(*) AS contextual_rows FROM pref.bt_fit_contextual('SELECT NULL::bigint, 2::bigint, ARRAY[1.0]::float8[]');

-- integer[] and numeric[] embeddings in reward_fit equal the double precision fit
CREATE TEMP TABLE rf_int AS
  SELECT ARRAY[g % 5, (g * 3) % 4]::integer[] AS c, ARRAY[(g + 2) % 5, g % 3]::integer[] AS r
  FROM generate_series(1, 60) g WHERE g % 5 <> (g + 2) % 5;
SELECT (pref.reward_fit('SELECT c, r FROM rf_int', lambda => 1)).weights
     = (pref.reward_fit('SELECT c::float8[], r::float8[] FROM rf_int', lambda => 1)).weights AS fit_int_exact,
       (pref.reward_fit('SELECT c::numeric[], r::numeric[] FROM rf_int', lambda => 1)).weights
     = (pref.reward_fit('SELECT c::float8[], r::float8[] FROM rf_int', lambda => 1)).weights AS fit_numeric_exact;
DROP TABLE rf_int;
