-- Bradley-Terry fits against an independent scipy reference (test/ref/bt_ref.py)
SET search_path = public, pref;
\set QUIET on
\i test/ref/bt_fixture.sql
\set QUIET off
CREATE TABLE fits AS
SELECT 'none' AS model, pref.bradley_terry(pref.tally(first, second, outcome), ties => 'none') AS m FROM bt_rows
UNION ALL SELECT 'half', pref.bradley_terry(pref.tally(first, second, outcome), ties => 'half') FROM bt_rows
UNION ALL SELECT 'davidson', pref.bradley_terry(pref.tally(first, second, outcome)) FROM bt_rows
UNION ALL SELECT 'rao_kupper', pref.bradley_terry(pref.tally(first, second, outcome), ties => 'rao_kupper') FROM bt_rows
UNION ALL SELECT 'davidson_order', pref.bradley_terry(pref.tally(first, second, outcome), ties => 'davidson', order_effect => true) FROM bt_rows
UNION ALL SELECT 'none_order', pref.bradley_terry(pref.tally(first, second, outcome), ties => 'none', order_effect => true) FROM bt_rows
UNION ALL SELECT 'none_prior', pref.bradley_terry(pref.tally(first, second, outcome), prior => 0.5, ties => 'none') FROM bt_rows;
-- strengths within 1e-6 of the reference, standard errors within 1e-5 (finite-difference Hessian)
SELECT f.model, max(abs(r.rating - b.theta)) < 1e-6 AS theta_ok, max(abs(r.std_error - b.se)) < 1e-5 AS se_ok,
       round(max(abs(r.rating - b.theta))::numeric, 9) AS max_theta_err
FROM fits f, pref.ratings(f.m, 'logit') r JOIN bt_ref b ON b.item = r.item::int
WHERE b.model = f.model GROUP BY f.model ORDER BY f.model;
SELECT f.model, abs((s->>'loglik')::float8 - e.loglik) < 1e-8 AS loglik_ok,
       coalesce(abs((s->>'tie_param')::float8 - e.tie_param) < 1e-6, e.tie_param IS NULL AND s->>'tie_param' IS NULL) AS tie_ok,
       coalesce(abs((s->>'tie_param_se')::float8 - e.tie_param_se) < 1e-5, e.tie_param_se IS NULL) AS tie_se_ok,
       coalesce(abs((s->>'order_effect')::float8 - e.order_effect) < 1e-6, e.order_effect IS NULL AND s->>'order_effect' IS NULL) AS order_ok,
       coalesce(abs((s->>'order_effect_se')::float8 - e.order_effect_se) < 1e-5, e.order_effect_se IS NULL) AS order_se_ok,
       s->>'ties' AS ties, (s->>'converged')::boolean AS converged
FROM (SELECT model, pref.bt_summary(m) AS s FROM fits) f JOIN bt_ref_extra e USING (model) ORDER BY f.model;
-- shown values, rounded
SELECT item, round(rating::numeric, 6) AS rating, round(std_error::numeric, 6) AS se, rank, wins, losses, ties, games
FROM pref.ratings((SELECT m FROM fits WHERE model = 'davidson'), 'logit');
SELECT round((s->>'tie_param')::numeric, 6) AS nu, round((s->>'p_tie_equal')::numeric, 6) AS p_tie_equal,
       round((s->>'order_effect')::numeric, 6) AS order_effect
FROM (SELECT pref.bt_summary(m) s FROM fits WHERE model = 'davidson_order') x;
-- elo scale is 400/ln(10) theta + 1000; anchor pins an item, errors become those of differences
SELECT bool_and(abs(e.rating - (400 / ln(10) * l.rating + 1000)) < 1e-9) AS elo_scale_ok
FROM pref.ratings((SELECT m FROM fits WHERE model = 'none')) e JOIN pref.ratings((SELECT m FROM fits WHERE model = 'none'), 'logit') l USING (item);
SELECT item, round(rating::numeric, 4) AS rating, round(std_error::numeric, 4) AS se, rank
FROM pref.ratings((SELECT m FROM fits WHERE model = 'none'), 'elo', anchor => '3', anchor_rating => 1200) ORDER BY item;
-- win and tie probabilities: closed forms of the fitted strengths
SELECT round(pref.win_prob(m, 1, 2)::numeric, 9) = round((1 / (1 + exp(-(a.rating - b.rating))))::numeric, 9) AS win_prob_ok
FROM fits, pref.ratings(m, 'logit') a, pref.ratings(m, 'logit') b WHERE model = 'none' AND a.item = '1' AND b.item = '2';
SELECT round((pref.win_prob(m, 1, 2) + pref.win_prob(m, 2, 1) + pref.tie_prob(m, 1, 2))::numeric, 12) AS total
FROM fits WHERE model = 'davidson';
-- the convenience aggregate equals bradley_terry(tally(...))
SELECT pref.bt_fit(winner, loser)::text = pref.bradley_terry(pref.tally(winner, loser))::text AS bt_fit_ok
FROM (SELECT CASE WHEN outcome = '<' THEN second ELSE first END AS winner,
             CASE WHEN outcome = '<' THEN first ELSE second END AS loser FROM bt_rows WHERE outcome <> '=') s;
-- prior > 0 always converges, even when the MLE does not exist
SELECT (pref.bt_summary(pref.bradley_terry(pref.tally(w::bigint, l::bigint), prior => 0.1)))->>'converged' AS converged
FROM (VALUES (1, 2), (2, 3), (1, 3)) v(w, l);
-- errors
SELECT pref.bradley_terry(pref.tally(w::bigint, l::bigint)) FROM (VALUES (1, 2), (2, 3), (1, 3)) v(w, l);
SELECT pref.bradley_terry(pref.tally(w::bigint, l::bigint)) FROM (VALUES (1, 2), (2, 1), (3, 4), (4, 3)) v(w, l);
SELECT pref.bradley_terry(pref.tally(w::bigint, l::bigint), ties => 'bogus') FROM (VALUES (1, 2), (2, 1)) v(w, l);
SELECT pref.bradley_terry(pref.tally(w::bigint, l::bigint), ties => 'davidson') FROM (VALUES (1, 2), (2, 1)) v(w, l);
SELECT pref.bradley_terry(pref.tally(w::bigint, l::bigint), order_effect => true) FROM (VALUES (1, 2), (2, 1)) v(w, l);
SELECT pref.bradley_terry(pref.tally(w::bigint, l::bigint), prior => -1) FROM (VALUES (1, 2), (2, 1)) v(w, l);
SELECT * FROM pref.ratings((SELECT m FROM fits WHERE model = 'none'), 'stars');
SELECT * FROM pref.ratings((SELECT m FROM fits WHERE model = 'none'), anchor => '99');
SELECT pref.win_prob(m, 'a', 'b') FROM fits WHERE model = 'none';
SELECT '{}'::pref.bt_model;
CREATE TABLE chain AS SELECT pref.tally(g::bigint, (g + 1)::bigint) AS t FROM generate_series(1, 3000) g;
SET pgpref.max_memory = 1024;
SELECT pref.bradley_terry(t, 'newton', prior => 1) FROM chain;
SELECT pref.bt_summary(pref.bradley_terry(t, prior => 1))->>'method' AS auto_method FROM chain;
RESET pgpref.max_memory;
