-- Plackett-Luce fits as pref.bt_model values: pref.pl_fit, pref.ratings,
-- pref.win_prob, pref.bt_summary, pref.pl_bootstrap; standard errors that
-- do not depend on row order; references: test/ref/pl_reference.py
-- (scipy BFGS + Newton on the likelihood, analytic Hessian) and the
-- closed form of two items (Plackett-Luce = Bradley-Terry)
CREATE SCHEMA pl_model;
SET search_path = pl_model, public;
\set QUIET on
\i test/ref/pl_model_fixture.sql
\set QUIET off

CREATE TABLE fits AS SELECT 0.0::float8 AS prior, pref.pl_fit(r) AS m FROM plm_rows
UNION ALL SELECT 0.5, pref.pl_fit(r, 0.5) FROM plm_rows;

-- against scipy: theta within 1e-6 (absolute), model and sandwich standard
-- errors within 1e-5 (relative), loglik within 1e-8 (relative)
SELECT f.prior, count(*) AS items,
       max(abs(r.rating - e.theta)) < 1e-6 AS theta_ok,
       max(abs(r.std_error / e.se - 1)) < 1e-5 AS se_ok,
       max(abs(s.std_error / e.se_sandwich - 1)) < 1e-5 AS sandwich_ok,
       max(abs((pref.bt_summary(f.m)->>'loglik')::float8 / e.loglik - 1)) < 1e-8 AS loglik_ok
FROM fits f, pref.ratings(f.m, scale => 'logit') r, pref.ratings(f.m, scale => 'logit', se => 'sandwich') s, plm_ref e
WHERE e.prior = f.prior AND e.item = r.item AND s.item = r.item
GROUP BY f.prior ORDER BY f.prior;
-- the jsonb fit agrees with the model (same fit, same standard errors)
SELECT bool_and((j->'theta'->>r.item)::float8 = r.rating AND (j->'std_error'->>r.item)::float8 = r.std_error) AS jsonb_agrees
FROM (SELECT pref.plackett_luce(r) AS j FROM plm_rows) x, fits f, pref.ratings(f.m, scale => 'logit') r WHERE f.prior = 0;
SELECT item, round(rating::numeric, 1) AS rating, round(std_error::numeric, 2) AS std_error, rank, wins, losses, ties, games
FROM fits, pref.ratings(m) WHERE prior = 0 ORDER BY rating DESC;
SELECT s - 'loglik' AS summary FROM (SELECT pref.bt_summary(m) AS s FROM fits WHERE prior = 0) x;

-- row order: several permutations give bit-identical models (theta and
-- every byte of the value) and bit-identical standard errors
SELECT setseed(0.25);
CREATE TABLE perm AS SELECT k, pref.pl_fit(r ORDER BY md5(k || ':' || id)) AS m,
       pref.plackett_luce(r ORDER BY md5(k || ':' || id)) AS j
FROM plm_rows, generate_series(1, 5) k GROUP BY k;
INSERT INTO perm SELECT 6, pref.pl_fit(r ORDER BY id DESC), pref.plackett_luce(r ORDER BY id DESC) FROM plm_rows;
INSERT INTO perm SELECT 7, pref.pl_fit(r ORDER BY random()), pref.plackett_luce(r ORDER BY random()) FROM plm_rows;
SELECT count(*) AS orders, count(DISTINCT p.m::text) AS distinct_models, count(DISTINCT p.j) AS distinct_jsonb,
       bool_and(p.m::text = f.m::text) AS same_as_id_order
FROM perm p, fits f WHERE f.prior = 0;
SELECT count(DISTINCT (SELECT array_agg(std_error ORDER BY item) FROM pref.ratings(m))) AS distinct_std_errors FROM perm;
-- the same rankings with tied items written in another order: the same model
SELECT (SELECT pref.pl_fit(r::pref.ranking) FROM (VALUES ('3>1=2>4'), ('4>2>1=3'), ('1>3>2=4'), ('2>4>3')) v(r))::text
     = (SELECT pref.pl_fit(r::pref.ranking) FROM (VALUES ('4>2>3=1'), ('3>2=1>4'), ('2>4>3'), ('1>3>4=2')) v(r))::text AS tie_order_identical;

-- split and combine as Citus does (partial states through their text form)
-- and a forced parallel plan: bit-identical models
CREATE AGGREGATE pl_partial(pref.ranking) (SFUNC = pref.plackett_luce_accum,
  STYPE = pref.ranking_state, COMBINEFUNC = pref.plackett_luce_combine, PARALLEL = SAFE);
CREATE AGGREGATE pl_fold(pref.ranking_state) (SFUNC = pref.plackett_luce_combine, STYPE = pref.ranking_state);
SELECT pref.pl_fit_final(pl_fold(s::pref.ranking_state))::text = (SELECT m::text FROM fits WHERE prior = 0) AS split_identical
FROM (SELECT id % 3 AS slice, pl_partial(r)::text AS s FROM plm_rows GROUP BY 1) x;
CREATE TABLE big AS SELECT r FROM plm_rows, generate_series(1, 30);
ALTER TABLE big SET (parallel_workers = 2);
ANALYZE big;
CREATE TABLE big_serial AS SELECT pref.pl_fit(r) AS m FROM big;
SET parallel_setup_cost = 0; SET parallel_tuple_cost = 0; SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2; SET parallel_leader_participation = off;
EXPLAIN (COSTS OFF) SELECT pref.pl_fit(r) FROM big;
SELECT p.m::text = s.m::text AS parallel_identical, pref.bt_summary(p.m)->>'rows_used' AS rows_used
FROM (SELECT pref.pl_fit(r) AS m FROM big) p, big_serial s;
RESET parallel_setup_cost; RESET parallel_tuple_cost; RESET min_parallel_table_scan_size;
RESET max_parallel_workers_per_gather; RESET parallel_leader_participation;

-- closed form: with two items Plackett-Luce is Bradley-Terry, so the
-- leaderboard equals that of the Bradley-Terry fit of the same pairs (1e-8)
CREATE TABLE two AS SELECT w, l FROM (SELECT 1::bigint AS w, 2::bigint AS l FROM generate_series(1, 30)
  UNION ALL SELECT 2, 1 FROM generate_series(1, 10)) s;
SELECT p.prior, bool_and(abs(a.rating - b.rating) < 1e-8 AND abs(a.std_error - b.std_error) < 1e-8
         AND abs(a.lower - b.lower) < 1e-8 AND abs(a.upper - b.upper) < 1e-8 AND a.rank = b.rank
         AND a.wins = b.wins AND a.losses = b.losses AND a.ties = b.ties AND a.games = b.games) AS pl_equals_bt,
       max(abs(a.std_error / f - sqrt(1.0 / 30 + 1.0 / 10) / 2)) FILTER (WHERE p.prior = 0) < 1e-9 AS se_closed_form
FROM (VALUES (0.0::float8), (0.5)) p(prior),
     LATERAL (SELECT pref.pl_fit(pref.ranking(ARRAY[w, l]), p.prior) AS m FROM two) pm,
     LATERAL (SELECT pref.bradley_terry(pref.tally(w, l), prior => p.prior) AS m FROM two) bm,
     pref.ratings(pm.m) a JOIN pref.ratings(bm.m) b USING (item), (SELECT 400 / ln(10)) c(f)
GROUP BY p.prior ORDER BY p.prior;

-- win_prob(m, a, b) = exp(theta_a) / (exp(theta_a) + exp(theta_b)); tie_prob 0
SELECT bool_and(abs(pref.win_prob(f.m, a.item::bigint, b.item::bigint)
                    - exp(a.rating) / (exp(a.rating) + exp(b.rating))) < 1e-12) AS win_prob_ok,
       max(pref.tie_prob(f.m, a.item::bigint, b.item::bigint)) AS tie_prob
FROM fits f, pref.ratings(f.m, scale => 'logit') a, pref.ratings(f.m, scale => 'logit') b
WHERE f.prior = 0 AND a.item <> b.item;
SELECT round(pref.win_prob(m, 11, 17)::numeric, 6) AS p_11_17 FROM fits WHERE prior = 0;
SELECT pref.win_prob(m, 'x', 'y') FROM fits WHERE prior = 0;
SELECT pref.win_prob(m, 11, 99) FROM fits WHERE prior = 0;
-- an anchor: the anchor's rating is fixed, the others' se are of differences
SELECT item, round(rating::numeric, 1) AS rating, round(std_error::numeric, 1) AS std_error
FROM fits, pref.ratings(m, anchor => '14', anchor_rating => 1500) WHERE prior = 0 ORDER BY item;

-- empty input, NULL rows, no MLE
SELECT pref.pl_fit(r) IS NULL AS empty_is_null FROM plm_rows WHERE false;
SELECT pref.bt_summary(pref.pl_fit(r))->>'rows_skipped' AS skipped FROM (SELECT r FROM plm_rows UNION ALL SELECT NULL) s;
SELECT pref.pl_fit(r::pref.ranking) FROM (VALUES ('1>2>3'), ('1>3>2'), ('2>3')) v(r);
SELECT pref.bt_summary(pref.pl_fit(r::pref.ranking, 0.1))->>'converged' AS with_prior
FROM (VALUES ('1>2>3'), ('1>3>2'), ('2>3')) v(r);
SELECT pref.pl_fit(r::pref.ranking) FROM (VALUES ('7'), ('7')) v(r);

-- text and binary forms: exact round trip; hostile values are clean errors
SELECT m::text::pref.bt_model::text = m::text AS text_round_trip FROM fits;
SELECT left(m::text, 130) AS head FROM fits WHERE prior = 0;
SELECT substring(m::text FROM '"rankings": \[\[[^]]*\]') AS first_ranking FROM fits WHERE prior = 0;
CREATE TABLE copy_src AS SELECT prior, m FROM fits;
\copy copy_src TO 'results/pl_model.bin' (FORMAT binary)
CREATE TABLE copy_dst (LIKE copy_src);
\copy copy_dst FROM 'results/pl_model.bin' (FORMAT binary)
SELECT count(*) AS rows, bool_and(s.m::text = d.m::text) AS equal FROM copy_src s JOIN copy_dst d USING (prior);
CREATE TABLE small AS SELECT pref.pl_fit(r::pref.ranking) AS m FROM (VALUES ('1>2>3'), ('3>1'), ('2>3=1'), ('3>2')) v(r);
SELECT m::text AS small_model FROM small;
CREATE FUNCTION edit(m pref.bt_model, path text[], val text) RETURNS text LANGUAGE sql AS
$$ SELECT jsonb_set(m::text::jsonb, path, val::jsonb)::text $$;
SELECT edit(m, '{rankings,0,1}', '0')::pref.bt_model FROM small;
SELECT edit(m, '{rankings,0,1}', '1.5')::pref.bt_model FROM small;
SELECT edit(m, '{rankings,0,0}', '"3>2"')::pref.bt_model FROM small;
SELECT edit(m, '{rankings,1,0}', '"3>1>2"')::pref.bt_model FROM small;
SELECT edit(m, '{rankings,0,0}', '"1>9"')::pref.bt_model FROM small;
SELECT edit(m, '{rankings,0,0}', '"1>1"')::pref.bt_model FROM small;
SELECT edit(m, '{rankings}', '[]')::pref.bt_model FROM small;
SELECT edit(m, '{rankings}', '[["1>2"]]')::pref.bt_model FROM small;
SELECT edit(m, '{model}', '"bradley_terry"')::pref.bt_model FROM small;
-- read as version 2, the same text is a Bradley-Terry model over the implied pairs
SELECT pref.bt_summary(edit(m, '{version}', '2')::pref.bt_model)->>'model' AS as_version_2 FROM small;
SELECT edit(m, '{method}', '"newton"')::pref.bt_model FROM small;
SELECT (m::text::jsonb - 'rankings')::text::pref.bt_model FROM small;
-- tied items must be listed in increasing order (the canonical form)
SELECT replace(m::text, '"2>1=3"', '"2>3=1"')::pref.bt_model FROM small;
-- binary: truncated rankings, and a Bradley-Terry model with a stray byte
CREATE FUNCTION recv_test(field bytea) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
  lo oid;
  d text;
BEGIN
  lo := lo_from_bytea(0, decode('5047434f50590aff0d0a00' || '00000000' || '00000000' || '0001'
        || lpad(to_hex(length(field)), 8, '0'), 'hex') || field || decode('ffff', 'hex'));
  PERFORM lo_export(lo, 'pgpref_plm_recv.bin');
  PERFORM lo_unlink(lo);
  IF to_regclass('pg_temp.recv_t') IS NULL THEN CREATE TEMP TABLE recv_t (v pref.bt_model); END IF;
  TRUNCATE recv_t;
  BEGIN
    COPY recv_t FROM 'pgpref_plm_recv.bin' (FORMAT binary);
    RETURN 'accepted: ' || (SELECT left(v::text, 40) FROM recv_t);
  EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS d = PG_EXCEPTION_DETAIL;
    RETURN 'rejected: ' || SQLERRM || ': ' || d;
  END;
END $$;
SELECT recv_test(pref.bt_model_send(m)) AS valid FROM small;
SELECT recv_test(substring(pref.bt_model_send(m) FROM 1 FOR length(pref.bt_model_send(m)) - 4)) AS truncated FROM small;
SELECT recv_test(pref.bt_model_send(m) || '\x00'::bytea) AS trailing FROM small;
SELECT recv_test(overlay(pref.bt_model_send(m) PLACING '\x07'::bytea FROM 6 FOR 1)) AS bad_kind FROM small;
SELECT recv_test(overlay(pref.bt_model_send(m) PLACING '\x02'::bytea FROM 1 FOR 1)) AS as_version_2 FROM small;

-- the ranking bootstrap: reproducible for a seed, the columns of bt_bootstrap
CREATE TABLE boot AS SELECT * FROM pref.pl_bootstrap((SELECT m FROM fits WHERE prior = 0), rounds => 200, seed => 7);
SELECT count(*) AS items, min(rounds) AS rounds,
       bool_and(b.rating = r.rating) AS full_data_rating,
       bool_and(b.std_error / r.std_error BETWEEN 0.75 AND 1.33) AS se_near_model_se,
       bool_and(b.lower < b.rating AND b.rating < b.upper) AS interval_covers,
       bool_and(b.rank_lower <= b.rank_upper) AS rank_interval
FROM boot b JOIN fits f ON f.prior = 0 JOIN pref.ratings(f.m) r USING (item);
SELECT (SELECT array_agg(b::text ORDER BY item) FROM pref.pl_bootstrap((SELECT m FROM fits WHERE prior = 0), rounds => 200, seed => 7) b)
     = (SELECT array_agg(b::text ORDER BY item) FROM boot b) AS reproducible,
       (SELECT array_agg(b::text ORDER BY item) FROM pref.pl_bootstrap((SELECT m FROM fits WHERE prior = 0), rounds => 200, seed => 8) b)
     = (SELECT array_agg(b::text ORDER BY item) FROM boot b) AS other_seed_same;
SELECT item, round(rating::numeric, 1) AS rating, rank, rank_lower, rank_upper FROM boot ORDER BY item;
-- prior NULL: the model's prior (the full-data ratings are the model's)
SELECT (SELECT array_agg(rating ORDER BY item) FROM pref.pl_bootstrap(m, rounds => 20)) =
       (SELECT array_agg(rating ORDER BY item) FROM pref.ratings(m)) AS model_prior
FROM fits WHERE prior = 0.5;
SELECT count(*) AS no_rows FROM pref.pl_bootstrap(NULL);
SELECT * FROM pref.pl_bootstrap((SELECT m FROM fits WHERE prior = 0), rounds => 1);
SELECT * FROM pref.pl_bootstrap((SELECT m FROM fits WHERE prior = 0), level => 1);
SELECT * FROM pref.pl_bootstrap((SELECT m FROM fits WHERE prior = 0), prior => -1);
SELECT * FROM pref.pl_bootstrap((SELECT m FROM fits WHERE prior = 0), scale => 'glicko');
SELECT * FROM pref.pl_bootstrap((SELECT m FROM fits WHERE prior = 0), rounds => NULL);
SELECT * FROM pref.pl_bootstrap((SELECT pref.bradley_terry(pref.tally(w, l)) FROM two));

SET client_min_messages = warning;
DROP SCHEMA pl_model CASCADE;
RESET client_min_messages;
RESET search_path;
