-- Latent-class Bradley-Terry over annotators (pref.latent_class_bt).
-- References: test/ref/lcbt_ref.py (a numpy EM from the same start on data
-- with 3 planted annotator groups, and the planted truth).
\set ECHO none
\set QUIET 1
\i test/ref/lcbt_fixture.sql
\set QUIET 0
\set ECHO all
SET extra_float_digits = 0;

-- ---- the numpy EM from the same start (restart 0 of the seed): 1e-6
CREATE TABLE lc_fit AS
  SELECT r.k, r.seed, pref.latent_class_bt('SELECT annotator, winner, loser FROM lc_votes', r.k,
                                           restarts => 1, seed => r.seed, tol => 1e-12) AS fit
  FROM lc_ref_fit r;
SELECT f.k, (f.fit->>'converged')::boolean AS converged,
       abs((f.fit->>'loglik')::float8 - r.loglik) < 1e-6 AS loglik,
       (SELECT max(abs(t.v - r.trace[t.i]))
          FROM jsonb_array_elements_text(f.fit->'loglik_trace') WITH ORDINALITY t0(v0, i),
               LATERAL (SELECT t0.v0::float8 AS v, t0.i::int AS i) t
          WHERE t.i <= least(array_length(r.trace, 1), jsonb_array_length(f.fit->'loglik_trace'))) < 1e-6 AS trace,
       abs((f.fit->>'iterations')::int - r.iterations) <= 1 AS iterations
FROM lc_fit f JOIN lc_ref_fit r USING (k, seed) ORDER BY k;
SELECT f.k, count(*) AS ratings,
       max(abs(x.rating - r.rating)) < 1e-6 AS rating,
       max(abs(x.std_error - r.std_error)) < 1e-6 AS std_error,
       max(abs(x.share - r.share)) < 1e-6 AS share
FROM lc_fit f, pref.latent_class_ratings(f.fit) x
JOIN lc_ref r ON r.class = x.class AND r.item = x.item::bigint
WHERE r.k = f.k
GROUP BY f.k ORDER BY f.k;
SELECT f.k, count(*) AS posteriors, max(abs(x.probability - r.probability)) < 1e-6 AS probability
FROM lc_fit f, pref.latent_class_posteriors(f.fit) x
JOIN lc_ref_post r ON r.annotator = x.annotator AND r.class = x.class
WHERE r.k = f.k
GROUP BY f.k ORDER BY f.k;

-- ---- planted groups: 5 restarts, the best log-likelihood wins
CREATE TABLE lc_best AS
  SELECT pref.latent_class_bt('SELECT annotator, winner, loser FROM lc_votes', 3, restarts => 5, seed => 1) AS fit;
SELECT fit->'k' AS k, fit->'items' AS items, fit->'annotators' AS annotators, fit->'rows_used' AS rows_used,
       fit->'rows_skipped' AS rows_skipped, fit->'ties' AS ties, fit->'converged' AS converged,
       jsonb_array_length(fit->'restart_objectives') AS restarts,
       (fit->>'objective')::float8 = (SELECT max(v::float8) FROM jsonb_array_elements_text(fit->'restart_objectives') v) AS best_restart_wins,
       (fit->>'loglik')::float8 = (fit->>'objective')::float8 AS prior_0_objective_is_loglik
FROM lc_best;
-- the log-likelihood never decreases across EM steps (here and below)
CREATE FUNCTION lc_monotone(fit jsonb) RETURNS boolean AS $$
  SELECT coalesce(bool_and(t.v::float8 >= p.v::float8 - 1e-9 * abs(p.v::float8)), true)
  FROM jsonb_array_elements_text(fit->'loglik_trace') WITH ORDINALITY t(v, i)
  JOIN jsonb_array_elements_text(fit->'loglik_trace') WITH ORDINALITY p(v, i) ON p.i = t.i - 1
$$ LANGUAGE sql;
SELECT lc_monotone(fit) AS monotone, jsonb_array_length(fit->'loglik_trace') = (fit->>'iterations')::int AS trace_length
FROM lc_best;
-- adjusted Rand index of the assigned classes against the planted groups
CREATE FUNCTION lc_ari(fit jsonb) RETURNS float8 AS $$
  WITH a AS (SELECT p.grp, x.class FROM pref.latent_class_posteriors(fit) x JOIN lc_planted p USING (annotator) WHERE x.assigned),
       nij AS (SELECT grp, class, count(*)::float8 AS n FROM a GROUP BY grp, class),
       ai AS (SELECT sum(n) AS n FROM nij GROUP BY grp),
       bj AS (SELECT sum(n) AS n FROM nij GROUP BY class),
       s AS (SELECT (SELECT sum(n * (n - 1) / 2) FROM nij) AS sij,
                    (SELECT sum(n * (n - 1) / 2) FROM ai) AS sa,
                    (SELECT sum(n * (n - 1) / 2) FROM bj) AS sb,
                    (SELECT count(*) * (count(*) - 1) / 2.0 FROM a) AS n2)
  SELECT (sij - sa * sb / n2) / (0.5 * (sa + sb) - sa * sb / n2) FROM s
$$ LANGUAGE sql;
SELECT lc_ari(fit) >= 0.9 AS ari_at_least_0_9, round(lc_ari(fit)::numeric, 2) AS ari FROM lc_best;
-- each class matched to the planted group of most of its annotators: one class per group,
-- shares near the planted 60 / 36 / 24 of 120, every rating within 3 standard errors of the truth
WITH m AS (
  SELECT DISTINCT ON (x.class) x.class, p.grp, count(*) AS members
  FROM pref.latent_class_posteriors((SELECT fit FROM lc_best)) x JOIN lc_planted p USING (annotator)
  WHERE x.assigned GROUP BY x.class, p.grp ORDER BY x.class, count(*) DESC)
SELECT m.class, m.grp, round(r.share::numeric, 1) AS share,
       count(*) AS items, bool_and(abs(r.rating - t.rating) <= 3 * r.std_error) AS within_3_se,
       round(max(abs(r.rating - t.rating) / r.std_error)::numeric, 1) < 3 AS max_z_below_3
FROM m JOIN pref.latent_class_ratings((SELECT fit FROM lc_best)) r ON r.class = m.class
JOIN lc_truth t ON t.grp = m.grp AND t.item = r.item::bigint
GROUP BY m.class, m.grp, r.share ORDER BY m.class;

-- ---- BIC picks the planted number of classes
CREATE TABLE lc_bic AS
  SELECT k, pref.latent_class_bt('SELECT annotator, winner, loser FROM lc_votes', k, restarts => 3, seed => 5) AS fit
  FROM generate_series(1, 4) k;
SELECT k, (fit->>'parameters')::int AS parameters, lc_monotone(fit) AS monotone,
       rank() OVER (ORDER BY (fit->>'bic')::float8) AS bic_rank
FROM lc_bic ORDER BY k;
-- k = 1 is pref.bradley_terry on all rows
SELECT max(abs(x.rating - r.rating)) < 1e-6 AS k1_is_bradley_terry,
       max(abs(x.std_error - r.std_error)) < 1e-6 AS same_std_error,
       abs((SELECT (fit->>'loglik')::float8 FROM lc_bic WHERE k = 1)
           - (SELECT (pref.bt_summary(pref.bradley_terry(pref.tally(winner, loser)))->>'loglik')::float8 FROM lc_votes)) < 1e-6 AS same_loglik
FROM pref.latent_class_ratings((SELECT fit FROM lc_bic WHERE k = 1)) x
JOIN pref.ratings((SELECT pref.bradley_terry(pref.tally(winner, loser)) FROM lc_votes), scale => 'logit') r
  ON r.item::text = x.item;

-- ---- determinism and id types
SELECT pref.latent_class_bt('SELECT annotator, winner, loser FROM lc_votes', 2, restarts => 2, seed => 3)
     = pref.latent_class_bt('SELECT annotator, winner, loser FROM lc_votes', 2, restarts => 2, seed => 3) AS same_seed_same_fit;
-- text items and integer annotators give the same fit
WITH t AS (
  SELECT pref.latent_class_bt($$SELECT substr(annotator, 4)::int, 'i' || winner, 'i' || loser FROM lc_votes$$,
                              3, restarts => 5, seed => 1) AS fit)
SELECT abs((t.fit->>'loglik')::float8 - (b.fit->>'loglik')::float8) < 1e-9 AS same_loglik,
       jsonb_typeof(t.fit->'posteriors'->0->'annotator') AS annotator_json_type,
       t.fit->'classes'->0->'ratings'->0->>'item' AS first_item
FROM t, lc_best b;

-- per-annotator tallies (a nightly job keeps them; pref.tally_merge merges them) feed the
-- same fit through weighted rows: one row per cell and outcome, however many comparisons
CREATE TABLE lc_tallies AS SELECT annotator, pref.tally(winner, loser) AS t FROM lc_votes GROUP BY annotator;
WITH t AS (
  SELECT pref.latent_class_bt($$
      SELECT annotator, item_a, item_b, false, a_weight FROM lc_tallies, pref.tally_cells(t) WHERE a_weight > 0
      UNION ALL
      SELECT annotator, item_b, item_a, false, b_weight FROM lc_tallies, pref.tally_cells(t) WHERE b_weight > 0$$,
    3, restarts => 5, seed => 1) AS fit)
SELECT abs((t.fit->>'loglik')::float8 - (b.fit->>'loglik')::float8) < 1e-9 AS same_loglik,
       (t.fit->>'rows_used')::int < (b.fit->>'rows_used')::int AS fewer_rows,
       (SELECT max(abs(x.rating - y.rating)) < 1e-9 AND max(abs(x.std_error - y.std_error)) < 1e-9
          FROM pref.latent_class_ratings(t.fit) x JOIN pref.latent_class_ratings(b.fit) y USING (class, item)) AS same_ratings,
       (SELECT max(abs(x.probability - y.probability)) < 1e-9
          FROM pref.latent_class_posteriors(t.fit) x JOIN pref.latent_class_posteriors(b.fit) y USING (annotator, class)) AS same_posteriors
FROM t, lc_best b;
-- a weight of 2 counts a row twice; weight 0 skips it
SELECT abs((pref.latent_class_bt('SELECT annotator, winner, loser, false, 2.0 FROM lc_votes', 2, seed => 6)->>'loglik')::float8
           - (pref.latent_class_bt('SELECT annotator, winner, loser FROM lc_votes UNION ALL SELECT annotator, winner, loser FROM lc_votes', 2, seed => 6)->>'loglik')::float8) < 1e-9 AS weight_2_is_twice,
       pref.latent_class_bt($$SELECT * FROM (VALUES (1, 1, 2, false, 1.0), (1, 2, 1, false, 1.0), (1, 1, 2, false, 0)) v$$, 1)->'rows_skipped' AS weight_0_skipped;

-- ---- ties: davidson (auto) and half, shares and tie parameter per class
CREATE TABLE lc_ties AS
  SELECT a AS annotator, w AS winner, l AS loser, (a + w + l) % 5 = 0 AS tie
  FROM generate_series(1, 30) a, generate_series(1, 5) w, generate_series(1, 5) l
  WHERE w <> l AND ((a <= 15) = (w < l) OR (a * 7 + w * 3 + l) % 4 = 0);
CREATE TABLE lc_ties_fit AS
  SELECT t.ties, pref.latent_class_bt('SELECT annotator, winner, loser, tie FROM lc_ties', 2, seed => 2, ties => t.ties) AS fit
  FROM (VALUES ('auto'), ('half'), ('rao_kupper'), ('none')) t(ties);
SELECT ties AS asked, fit->>'ties' AS ties, lc_monotone(fit) AS monotone, (fit->>'converged')::boolean AS converged,
       (SELECT bool_and(c->'tie_parameter' <> 'null') FROM jsonb_array_elements(fit->'classes') c) AS tie_parameters,
       (SELECT count(DISTINCT (x.annotator::int <= 15, x.class)) FROM pref.latent_class_posteriors(fit) x WHERE x.assigned) AS groups_found
FROM lc_ties_fit ORDER BY ties;
-- a Gaussian prior: EM increases loglik - prior / 2 * sum of squared ratings
SELECT lc_monotone(fit) AS monotone, (fit->>'objective')::float8 < (fit->>'loglik')::float8 AS penalised,
       abs((fit->>'objective')::float8 - (fit->>'loglik')::float8
           + 0.5 * (SELECT sum(rating * rating) FROM pref.latent_class_ratings(fit))) < 1e-9 AS objective,
       (fit->>'parameters')::int AS parameters
FROM (SELECT pref.latent_class_bt('SELECT annotator, winner, loser FROM lc_votes', 2, seed => 4, prior => 1) AS fit) f;

-- ---- empty input, skipped rows, errors
SELECT pref.latent_class_bt('SELECT annotator, winner, loser FROM lc_votes WHERE false', 2) IS NULL AS empty_is_null;
SELECT pref.latent_class_bt('SELECT 1, 1::bigint, 1::bigint', 1) IS NULL AS self_comparisons_only;
SELECT fit->'rows_used' AS rows_used, fit->'rows_skipped' AS rows_skipped
FROM (SELECT pref.latent_class_bt($$SELECT * FROM (VALUES (1, 1::bigint, 2::bigint), (1, 2, 1), (1, 1, 1), (2, NULL, 1), (NULL, 1, 2), (2, 2, 1), (2, 1, 2)) v$$, 1) AS fit) f;
SELECT pref.latent_class_bt(NULL, 2);
SELECT pref.latent_class_bt('SELECT annotator, winner, loser FROM lc_votes', NULL);
SELECT pref.latent_class_bt('SELECT annotator, winner, loser FROM lc_votes', 2, tol => NULL);
SELECT pref.latent_class_bt('SELECT annotator, winner, loser FROM lc_votes', 0);
SELECT pref.latent_class_bt('SELECT annotator, winner, loser FROM lc_votes', 2, restarts => 0);
SELECT pref.latent_class_bt('SELECT annotator, winner, loser FROM lc_votes', 2, max_iter => 0);
SELECT pref.latent_class_bt('SELECT annotator, winner, loser FROM lc_votes', 2, prior => -1);
SELECT pref.latent_class_bt('SELECT annotator, winner, loser FROM lc_votes', 2, prior => 'NaN');
SELECT pref.latent_class_bt('SELECT annotator, winner, loser FROM lc_votes', 2, tol => 'Infinity');
SELECT pref.latent_class_bt('SELECT annotator, winner, loser FROM lc_votes', 2, ties => 'sometimes');
SELECT pref.latent_class_bt('SELECT annotator, winner, loser FROM lc_votes', 2, ties => 'davidson');
SELECT pref.latent_class_bt('SELECT annotator, winner, loser FROM lc_votes WHERE annotator < ''ann003''', 3);
SELECT pref.latent_class_bt('SELECT annotator, winner, loser::text FROM lc_votes', 2);
SELECT pref.latent_class_bt('SELECT annotator, winner FROM lc_votes', 2);
SELECT pref.latent_class_bt('SELECT annotator, winner, loser, 1.5 FROM lc_votes', 2);
SELECT pref.latent_class_bt($$SELECT * FROM (VALUES (1, 1, 2, false, -1.0)) v$$, 1);
-- items that never lost: no maximum likelihood ratings without a prior
SELECT pref.latent_class_bt($$SELECT * FROM (VALUES (1, 1, 2), (1, 2, 3), (2, 1, 3)) v$$, 1);
SELECT round((fit->'classes'->0->'ratings'->0->>'rating')::numeric, 3) AS rating_with_prior
FROM (SELECT pref.latent_class_bt($$SELECT * FROM (VALUES (1, 1, 2), (1, 2, 3), (2, 1, 3)) v$$, 1, prior => 0.5) AS fit) f;
-- annotators who all answer alike: the classes coincide (same ratings), the shares stay where the start put them
SELECT jsonb_array_length(fit->'classes') AS classes,
       (SELECT max(abs(a.rating - b.rating)) < 1e-6 FROM pref.latent_class_ratings(fit) a
          JOIN pref.latent_class_ratings(fit) b ON a.item = b.item AND a.class = 1 AND b.class = 2) AS classes_coincide,
       (SELECT count(DISTINCT round(probability::numeric, 6)) FROM pref.latent_class_posteriors(fit) WHERE class = 1) AS distinct_posteriors
FROM (SELECT pref.latent_class_bt($$SELECT a, w, l FROM generate_series(1, 6) a, (VALUES (1, 2), (2, 1), (1, 2), (2, 3), (3, 2), (3, 1), (1, 3), (1, 3)) v(w, l)$$,
                                  2, seed => 1) AS fit) f;
-- the row helpers over hostile jsonb
SELECT count(*) AS rows FROM pref.latent_class_ratings('{"classes": 5}');
SELECT count(*) AS rows FROM pref.latent_class_posteriors('{"posteriors": [{"probabilities": "x"}]}');
SELECT count(*) AS rows FROM pref.latent_class_ratings(NULL);
