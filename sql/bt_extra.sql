-- Bradley-Terry, second half: MM for many items, bootstrap, Elo, Plackett-Luce, evaluation
CREATE SCHEMA bt2;
SET search_path = bt2, public, pref;
\set QUIET on
\i test/ref/bt_fixture.sql
\set QUIET off
-- MM (Hunter 2004) and Newton give the same estimate where both apply (tolerance 1e-8 on strengths)
SELECT tm AS ties, pr AS prior,
       max(abs(a.rating - b.rating)) < 1e-8 AS same_theta,
       max(abs(a.std_error - b.std_error)) < 1e-10 AS same_se,
       bool_and(a.rank = b.rank) AS same_rank
FROM (VALUES ('none', 0.0), ('half', 0.0), ('none', 0.5), ('half', 2.0)) o(tm, pr),
     LATERAL (SELECT pref.tally(first, second, outcome) AS t FROM bt_rows) t,
     LATERAL pref.ratings(pref.bradley_terry(t.t, 'mm', prior => o.pr, ties => o.tm, tol => 1e-12), 'logit') a
     JOIN LATERAL pref.ratings(pref.bradley_terry(t.t, 'newton', prior => o.pr, ties => o.tm), 'logit') b USING (item)
GROUP BY tm, pr ORDER BY tm, pr;
-- and both match the scipy reference of the first half
SELECT max(abs(r.rating - b.theta)) < 1e-6 AS mm_matches_scipy
FROM pref.ratings((SELECT pref.bradley_terry(pref.tally(first, second, outcome), 'mm', ties => 'none', tol => 1e-12) FROM bt_rows), 'logit') r
JOIN bt_ref b ON b.item = r.item::int AND b.model = 'none';
-- log-likelihoods agree; the method is reported
SELECT s->>'method' AS method, round((s->>'loglik')::numeric, 6) AS loglik, (s->>'converged')::boolean AS converged
FROM (SELECT pref.bt_summary(pref.bradley_terry(pref.tally(first, second, outcome), m, ties => 'half')) AS s
      FROM bt_rows, (VALUES ('newton'), ('mm')) v(m) GROUP BY m) x ORDER BY 1;
-- auto picks MM above 2000 items (a ring of 2500 items, each beating the next and losing to it once in three)
CREATE TABLE ring AS SELECT pref.tally(w, l) AS t FROM
  (SELECT g::bigint AS w, (g % 2500 + 1)::bigint AS l FROM generate_series(1, 2500) g, generate_series(1, 2)
   UNION ALL SELECT (g % 2500 + 1)::bigint, g::bigint FROM generate_series(1, 2500) g) s;
SELECT s->>'method' AS method, (s->>'items')::int AS items, (s->>'converged')::boolean AS converged
FROM (SELECT pref.bt_summary(pref.bradley_terry(t)) s FROM ring) x;
-- on a ring every item is alike: all strengths 0; dense standard errors over the memory limit give nulls and a notice
SET pgpref.max_memory = 1024;
SELECT max(abs(rating)) < 1e-8 AS ring_flat, count(std_error) AS with_se, max(rank) AS max_rank
FROM ring, pref.ratings(pref.bradley_terry(t), 'logit');
RESET pgpref.max_memory;
-- errors: MM does not fit tie parameters or order effects; unknown method
SELECT pref.bradley_terry(pref.tally(first, second, outcome), 'mm', ties => 'davidson') FROM bt_rows;
SELECT pref.bradley_terry(pref.tally(first, second, outcome), 'mm', ties => 'none', order_effect => true) FROM bt_rows;
SELECT pref.bradley_terry(pref.tally(first, second, outcome), 'lbfgs') FROM bt_rows;
-- long MM runs can be cancelled (CHECK_FOR_INTERRUPTS once per sweep)
CREATE TABLE chain AS SELECT pref.tally(g::bigint, (g + 1)::bigint) AS t FROM generate_series(1, 5000) g;
SET statement_timeout = '300ms';
SELECT pref.bradley_terry(t, 'mm', prior => 1e-6, tol => 1e-300, max_iter => 10000000) IS NULL FROM chain;
RESET statement_timeout;
-- bootstrap: against an independent numpy multinomial bootstrap of all battles (4000 rounds, other random stream);
-- Monte-Carlo tolerance: standard errors within 10 %, interval ends within 0.25 standard errors
-- (the 2.5 % and 97.5 % quantiles of 4000 + 4000 rounds each carry about 0.05 SE of noise)
\set QUIET on
\i test/ref/bt_boot_fixture.sql
\set QUIET off
CREATE TABLE tb AS SELECT pref.tally(first, second, outcome) AS t FROM bt_rows;
CREATE TABLE boot AS SELECT b.* FROM tb, pref.bt_bootstrap(t, rounds => 4000, seed => 1, ties => 'none') b;
SELECT bool_and(abs(b.std_error / r.se - 1) < 0.10) AS se_ok,
       bool_and(abs(b.lower - r.lower) < 0.25 * r.se AND abs(b.upper - r.upper) < 0.25 * r.se) AS interval_ok,
       min(b.rounds) AS rounds
FROM boot b JOIN bt_boot_ref r ON r.item = b.item::int;
-- the point rating is the full-data fit, and bootstrap errors are close to the model's (within 10 %)
SELECT bool_and(abs(b.rating - r.rating) < 1e-9) AS rating_is_fit, bool_and(abs(b.std_error / r.std_error - 1) < 0.10) AS near_model_se
FROM boot b JOIN tb ON true JOIN pref.ratings(pref.bradley_terry(tb.t, ties => 'none')) r USING (item);
SELECT item, round(rating::numeric, 6) AS rating, rank, rank_lower, rank_upper FROM boot ORDER BY item;
-- reproducible for a seed, different for another seed
SELECT (SELECT array_agg(std_error ORDER BY item) FROM tb, pref.bt_bootstrap(t, 200, 5, ties => 'none'))
     = (SELECT array_agg(std_error ORDER BY item) FROM tb, pref.bt_bootstrap(t, 200, 5, ties => 'none')) AS same_seed_same,
       (SELECT array_agg(std_error ORDER BY item) FROM tb, pref.bt_bootstrap(t, 200, 5, ties => 'none'))
     <> (SELECT array_agg(std_error ORDER BY item) FROM tb, pref.bt_bootstrap(t, 200, 6, ties => 'none')) AS other_seed_differs;
-- intervals shrink as 1/sqrt(n): four times the data halves the standard errors (ratio within 0.45 .. 0.55)
SELECT bool_and(b4.std_error / b1.std_error BETWEEN 0.45 AND 0.55) AS shrinks_as_root_n
FROM (SELECT b.* FROM tb, pref.bt_bootstrap(t, 1000, 3, ties => 'none') b) b1
JOIN (SELECT b.* FROM (SELECT pref.tally_merge(t) t FROM tb, generate_series(1, 4)) m, pref.bt_bootstrap(m.t, 1000, 3, ties => 'none') b) b4 USING (item);
-- ties models, order effect and prior run through the same path
SELECT count(*) AS items, bool_and(std_error > 0) AS positive_se, min(rounds) AS rounds
FROM tb, pref.bt_bootstrap(t, 100, 9, ties => 'davidson', order_effect => true, scale => 'logit');
SELECT count(*) AS items, min(rounds) AS rounds FROM tb, pref.bt_bootstrap(t, 100, 9, prior => 0.1, ties => 'half');
-- errors
SELECT * FROM tb, pref.bt_bootstrap(t, 1);
SELECT * FROM tb, pref.bt_bootstrap(t, 10, level => 1.5);
SELECT * FROM tb, pref.bt_bootstrap(t, 10, scale => 'stars');
SELECT * FROM pref.bt_bootstrap((SELECT pref.tally(w::bigint, l::bigint) FROM (VALUES (1, 2), (2, 3), (1, 3)) v(w, l)));
-- Elo: a direct Python reference (test/ref/elo_ref.py), games in id order; within 1e-9
\set QUIET on
\i test/ref/elo_fixture.sql
\set QUIET off
CREATE TABLE elo_rows AS SELECT id, CASE WHEN outcome = '<' THEN second ELSE first END AS w,
       CASE WHEN outcome = '<' THEN first ELSE second END AS l, outcome = '=' AS tie FROM bt_rows;
CREATE TABLE elo_out AS
SELECT 'default_no_ties' AS config, pref.elo(w, l ORDER BY id) AS r FROM elo_rows WHERE NOT tie
UNION ALL SELECT 'k32_ties', pref.elo(w, l, tie, 32 ORDER BY id) FROM elo_rows
UNION ALL SELECT 'k16_1500_200', pref.elo(w, l, tie, 16, 1500, 200 ORDER BY id) FROM elo_rows;
SELECT o.config, count(*) AS items, max(abs((o.r->>e.item)::float8 - e.rating)) < 1e-9 AS matches_reference
FROM elo_out o JOIN elo_ref e USING (config) GROUP BY o.config ORDER BY o.config;
SELECT key AS item, round(value::numeric, 6) AS rating FROM elo_out, jsonb_each_text(r) WHERE config = 'k32_ties' ORDER BY key;
-- text items, NULL rows skipped, empty input gives NULL; order matters
SELECT pref.elo(a, b ORDER BY i) FROM (VALUES (1, 'x', 'y'), (2, NULL, 'y'), (3, 'y', 'x'), (4, 'x', 'z')) v(i, a, b);
SELECT pref.elo(a, b ORDER BY i DESC) FROM (VALUES (1, 'x', 'y'), (2, NULL, 'y'), (3, 'y', 'x'), (4, 'x', 'z')) v(i, a, b);
SELECT pref.elo(w, l) IS NULL AS empty_is_null FROM elo_rows WHERE false;
-- as a window aggregate: rating of item 1 after each of its first games
SELECT id, round((pref.elo(w, l, tie, 32) OVER (ORDER BY id) ->> '1')::numeric, 4) AS item1
FROM elo_rows WHERE w = 1 OR l = 1 ORDER BY id LIMIT 4;
-- errors
SELECT pref.elo(w, w) FROM elo_rows;
SELECT pref.elo(w, l, tie, -1) FROM elo_rows;
SELECT pref.elo(w, l, tie, 4, 1000, 0) FROM elo_rows;
-- Plackett-Luce: against scipy on the written-out likelihood (test/ref/pl_ref.py): theta within 1e-6, loglik within 1e-8
\set QUIET on
\i test/ref/pl_fixture.sql
\set QUIET off
CREATE TABLE pl_fits AS SELECT 0.0::float8 AS prior, pref.plackett_luce(r) AS m FROM pl_rows
UNION ALL SELECT 0.5, pref.plackett_luce(r, 0.5) FROM pl_rows;
SELECT f.prior, max(abs((f.m->'theta'->>e.item)::float8 - e.theta)) < 1e-6 AS theta_ok,
       max(abs((f.m->>'loglik')::float8 - e.loglik)) < 1e-8 AS loglik_ok,
       (f.m->>'converged')::boolean AS converged, (f.m->>'rows_used')::int AS rows_used
FROM pl_fits f JOIN pl_ref e USING (prior) GROUP BY f.prior, f.m ORDER BY f.prior;
SELECT key AS item, round(value::numeric, 6) AS theta FROM pl_fits, jsonb_each_text(m->'theta') WHERE prior = 0 ORDER BY key;
-- rankings of two items reduce exactly to Bradley-Terry (1e-8)
SELECT max(abs((pl.m->'theta'->>b.item)::float8 - b.rating)) < 1e-8 AS pl_equals_bt
FROM (SELECT pref.plackett_luce(pref.ranking(ARRAY[w, l])) AS m FROM elo_rows WHERE NOT tie) pl,
     (SELECT r.* FROM (SELECT pref.tally(w, l) AS t FROM elo_rows WHERE NOT tie) x, pref.ratings(pref.bradley_terry(x.t, tol => 1e-12), 'logit') r) b;
-- NULL rows skipped, empty input NULL
SELECT (pref.plackett_luce(r)->>'rows_skipped')::int AS skipped FROM (SELECT r FROM pl_rows UNION ALL SELECT NULL) s;
SELECT pref.plackett_luce(r) IS NULL AS empty_is_null FROM pl_rows WHERE false;
-- forced parallel plan: 24,300 rankings (the fixture 90 times, same MLE); same answer as serial within 1e-9
CREATE TABLE pl_big AS SELECT r FROM pl_rows, generate_series(1, 90);
ALTER TABLE pl_big SET (parallel_workers = 2);
ANALYZE pl_big;
CREATE TABLE pl_serial AS SELECT pref.plackett_luce(r) AS m FROM pl_big;
SET parallel_setup_cost = 0; SET parallel_tuple_cost = 0; SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2; SET parallel_leader_participation = off;
EXPLAIN (COSTS OFF) SELECT pref.plackett_luce(r) FROM pl_big;
SELECT max(abs((p.m->'theta'->>k)::float8 - (s.m->'theta'->>k)::float8)) < 1e-9 AS parallel_equals_serial,
       max(abs((p.m->'theta'->>k)::float8 - (f.m->'theta'->>k)::float8)) < 1e-7 AS same_as_fixture_fit,
       (p.m->>'rows_used')::int AS rows_used
FROM (SELECT pref.plackett_luce(r) AS m FROM pl_big) p, pl_serial s, pl_fits f, jsonb_object_keys(s.m->'theta') k
WHERE f.prior = 0 GROUP BY p.m;
RESET parallel_setup_cost; RESET parallel_tuple_cost; RESET min_parallel_table_scan_size;
RESET max_parallel_workers_per_gather; RESET parallel_leader_participation;
-- errors: the MLE does not exist; a prior makes it exist; fewer than two items
SELECT pref.plackett_luce(r::pref.ranking) FROM (VALUES ('1>2>3'), ('1>3>2'), ('2>3')) v(r);
SELECT (pref.plackett_luce(r::pref.ranking, 0.1)->>'converged')::boolean AS converged FROM (VALUES ('1>2>3'), ('1>3>2'), ('2>3')) v(r);
SELECT pref.plackett_luce(r::pref.ranking) FROM (VALUES ('7'), ('7')) v(r);
SELECT pref.plackett_luce(r::pref.ranking, -1) FROM (VALUES ('1>2')) v(r);
-- evaluation on held-out comparisons: fit on ids <= 500, score ids > 500; reference from the ratings in closed form
CREATE TABLE ev_models AS
SELECT 'none' AS kind, pref.bradley_terry(pref.tally(w, l), ties => 'none') AS m FROM elo_rows WHERE id <= 500 AND NOT tie
UNION ALL SELECT 'davidson', pref.bradley_terry(pref.tally(w, l, tie), ties => 'davidson') FROM elo_rows WHERE id <= 500;
CREATE TABLE ev_theta AS SELECT kind, r.item::bigint AS item, r.rating AS th FROM ev_models, pref.ratings(m, 'logit') r;
-- no ties: log loss -ln s(d), accuracy [d > 0], Brier (1 - s(d))^2 over decisive rows
SELECT abs((e->>'log_loss')::float8 - ref.ll) < 1e-12 AS log_loss_ok, abs((e->>'accuracy')::float8 - ref.acc) < 1e-12 AS accuracy_ok,
       abs((e->>'brier')::float8 - ref.br) < 1e-12 AS brier_ok, (e->>'rows')::int AS rows,
       round((e->>'log_loss')::numeric, 6) AS log_loss, round((e->>'accuracy')::numeric, 6) AS accuracy, round((e->>'brier')::numeric, 6) AS brier
FROM (SELECT pref.bt_eval((SELECT m FROM ev_models WHERE kind = 'none'), w, l) AS e FROM elo_rows WHERE id > 500 AND NOT tie) x,
     (SELECT avg(-ln(1 / (1 + exp(-(a.th - b.th))))) AS ll, avg(CASE WHEN a.th > b.th THEN 1.0 ELSE 0.0 END) AS acc,
             avg(power(1 - 1 / (1 + exp(-(a.th - b.th))), 2)) AS br
      FROM elo_rows r JOIN ev_theta a ON a.kind = 'none' AND a.item = r.w JOIN ev_theta b ON b.kind = 'none' AND b.item = r.l
      WHERE r.id > 500 AND NOT r.tie) ref;
-- Davidson: three outcomes, P(w) = e^(d/2) / D, P(tie) = nu / D, D = e^(d/2) + e^(-d/2) + nu
SELECT abs((e->>'log_loss')::float8 - ref.ll) < 1e-12 AS log_loss_ok, abs((e->>'accuracy')::float8 - ref.acc) < 1e-12 AS accuracy_ok,
       abs((e->>'brier')::float8 - ref.br) < 1e-12 AS brier_ok, (e->>'rows')::int AS rows
FROM (SELECT pref.bt_eval((SELECT m FROM ev_models WHERE kind = 'davidson'), w, l, tie) AS e FROM elo_rows WHERE id > 500) x,
     (SELECT avg(-ln(CASE WHEN tie THEN pt ELSE pw END)) AS ll,
             avg(CASE WHEN (CASE WHEN pw >= pl AND pw >= pt THEN 0 WHEN pl >= pt THEN 1 ELSE 2 END) = (CASE WHEN tie THEN 2 ELSE 0 END) THEN 1.0 ELSE 0.0 END) AS acc,
             avg(power(pw - (NOT tie)::int, 2) + pl * pl + power(pt - tie::int, 2)) AS br
      FROM (SELECT r.tie, exp(d / 2) / dd AS pw, exp(-d / 2) / dd AS pl, nu / dd AS pt
            FROM (SELECT r.tie, a.th - b.th AS d, nu, exp((a.th - b.th) / 2) + exp(-(a.th - b.th) / 2) + nu AS dd
                  FROM elo_rows r JOIN ev_theta a ON a.kind = 'davidson' AND a.item = r.w
                  JOIN ev_theta b ON b.kind = 'davidson' AND b.item = r.l,
                  (SELECT (pref.bt_summary(m)->>'tie_param')::float8 AS nu FROM ev_models WHERE kind = 'davidson') n
                  WHERE r.id > 500) r) p) ref;
-- a toasted model (2500 items, stored compressed) with all strengths 0: ln 2, 1/2, 1/4; unknown items and NULLs skipped
CREATE TABLE ring_model AS SELECT pref.bradley_terry(t) AS m FROM ring;
SELECT pg_column_size(m) > 2000 AS over_toast_threshold FROM ring_model;
SELECT round((e->>'log_loss')::numeric, 12) = round(ln(2)::numeric, 12) AS ln2, e->>'accuracy' AS accuracy, e->>'brier' AS brier,
       e->>'rows' AS rows, e->>'rows_skipped' AS skipped
FROM (SELECT pref.bt_eval(m, w, l) AS e FROM ring_model,
      (VALUES (1::bigint, 2::bigint), (5, 9), (9999, 1), (NULL, 3), (2400, 17)) v(w, l)) x;
SELECT pref.bt_eval((SELECT m FROM ev_models WHERE kind = 'none'), w, l) IS NULL AS empty_is_null FROM elo_rows WHERE false;
-- forced parallel plan (28,000 rows): same answer as serial
CREATE TABLE ev_big AS SELECT r.* FROM elo_rows r, generate_series(1, 40);
ALTER TABLE ev_big SET (parallel_workers = 2);
ANALYZE ev_big;
CREATE TABLE ev_serial AS SELECT pref.bt_eval((SELECT m FROM ev_models WHERE kind = 'davidson'), w, l, tie) AS e FROM ev_big;
SET parallel_setup_cost = 0; SET parallel_tuple_cost = 0; SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2; SET parallel_leader_participation = off;
EXPLAIN (COSTS OFF) SELECT pref.bt_eval((SELECT m FROM ev_models WHERE kind = 'davidson'), w, l, tie) FROM ev_big;
SELECT abs((p.e->>'log_loss')::float8 - (s.e->>'log_loss')::float8) < 1e-12 AS log_loss_same,
       (p.e->>'accuracy') = (s.e->>'accuracy') AS accuracy_same,
       abs((p.e->>'brier')::float8 - (s.e->>'brier')::float8) < 1e-12 AS brier_same, p.e->>'rows' AS rows
FROM (SELECT pref.bt_eval((SELECT m FROM ev_models WHERE kind = 'davidson'), w, l, tie) AS e FROM ev_big) p, ev_serial s;
RESET parallel_setup_cost; RESET parallel_tuple_cost; RESET min_parallel_table_scan_size;
RESET max_parallel_workers_per_gather; RESET parallel_leader_participation;
-- text items: a model of text items scores text comparisons like the bigint model
CREATE TABLE ev_text_model AS SELECT pref.bradley_terry(pref.tally(w::text, l::text), ties => 'none') AS m FROM elo_rows WHERE id <= 500 AND NOT tie;
SELECT abs((t.e->>'log_loss')::float8 - (b.e->>'log_loss')::float8) < 1e-9 AS text_log_loss_same,
       (t.e->>'accuracy') = (b.e->>'accuracy') AS text_accuracy_same, t.e->>'rows' AS rows
FROM (SELECT pref.bt_eval((SELECT m FROM ev_text_model), w::text, l::text) AS e FROM elo_rows WHERE id > 500 AND NOT tie) t,
     (SELECT pref.bt_eval((SELECT m FROM ev_models WHERE kind = 'none'), w, l) AS e FROM elo_rows WHERE id > 500 AND NOT tie) b;
-- what Citus does: partial float8[] states per slice, moved as text, folded by the combine function
CREATE AGGREGATE pg_temp.ev_part(pref.bt_model, text, text, boolean) (SFUNC = pref.bt_eval_accum, STYPE = float8[]);
CREATE AGGREGATE pg_temp.ev_fold(float8[]) (SFUNC = pref.bt_eval_combine, STYPE = float8[], FINALFUNC = pref.bt_eval_final);
SELECT abs((f.e->>'log_loss')::float8 - (o.e->>'log_loss')::float8) < 1e-12 AS split_log_loss_same,
       (f.e->>'rows') = (o.e->>'rows') AND (f.e->>'rows_skipped') = (o.e->>'rows_skipped') AS split_rows_same
FROM (SELECT pg_temp.ev_fold(s::text::float8[]) AS e FROM (SELECT pg_temp.ev_part((SELECT m FROM ev_text_model), w::text, l::text, tie) AS s
      FROM elo_rows GROUP BY id % 4) x) f,
     (SELECT pref.bt_eval((SELECT m FROM ev_text_model), w::text, l::text, tie) AS e FROM elo_rows) o;
-- the state is checked on every call: NULL-safe, 5 elements, finite, not negative
SELECT pref.bt_eval_combine(NULL, NULL) IS NULL AS combine_nulls, pref.bt_eval_final(NULL) IS NULL AS final_null,
       pref.bt_eval_combine(NULL, ARRAY[1, 0.5, 1, 0.25, 0]::float8[]) AS combine_null_first,
       pref.bt_eval_combine(ARRAY[1, 0.5, 1, 0.25, 0]::float8[], ARRAY[2, 1, 1, 0.5, 3]::float8[]) AS combine_sum;
SELECT pref.bt_eval_final(ARRAY[1, 'NaN', 0, 0, 0]::float8[]);
SELECT pref.bt_eval_final(ARRAY[1, 0, 0, 'Infinity', 0]::float8[]);
SELECT pref.bt_eval_combine(ARRAY[-1, 0, 0, 0, 0]::float8[], NULL);
SELECT pref.bt_eval_combine(NULL, ARRAY[1, 0, 0, 0, NULL]::float8[]);
SELECT pref.bt_eval_combine(ARRAY[[1, 0, 0, 0, 0]]::float8[], ARRAY[1, 0, 0, 0, 0]::float8[]);
CREATE AGGREGATE pg_temp.ev_bad(pref.bt_model, bigint, bigint) (SFUNC = pref.bt_eval_accum, STYPE = float8[], INITCOND = '{1,2,3}');
SELECT pg_temp.ev_bad((SELECT m FROM ev_models WHERE kind = 'none'), w, l) FROM elo_rows;
-- errors
SELECT pref.bt_eval((SELECT m FROM ev_models WHERE kind = 'none'), w, w) FROM elo_rows;
SELECT pref.bt_eval((SELECT m FROM ev_models WHERE kind = 'none'), w::text, l::text) FROM elo_rows;
SELECT pref.bt_eval_final(ARRAY[1, 2]::float8[]);
