-- Intransitivity: circular triads, Kendall's coefficient of consistence,
-- the preference embedding against scipy and next to Bradley-Terry
CREATE SCHEMA intrans;
SET search_path = intrans, public, pref;
\set QUIET on
\i test/ref/intrans_fixture.sql
\set QUIET off
CREATE TABLE tallies AS SELECT ds, pref.tally(winner, loser, tie) AS t FROM intrans_rows GROUP BY ds;
-- circular triads per item equal brute force over every triple
SELECT r.ds, count(*) AS items, bool_and(c.circular_triads = r.circular_triads AND c.triads = r.triads) AS same
FROM tallies t, pref.circular_triads(t.t) c JOIN intrans_ref_triads r ON r.item = c.item
WHERE r.ds = t.ds GROUP BY r.ds ORDER BY r.ds;
-- overall: counts exact; consistence, statistic and p to 1e-9 (exact test up to 7 items, chi-square above)
SELECT r.ds, i.items, i.circular_triads, i.max_circular_triads, round(i.consistence::numeric, 4) AS consistence, i.test,
       (i.decided_pairs, i.tied_pairs, i.missing_pairs, i.triads, i.circular_triads)
         = (r.decided_pairs, r.tied_pairs, r.missing_pairs, r.triads, r.circular_triads) AS counts_ok,
       coalesce(abs(i.consistence - r.consistence) < 1e-12, r.consistence IS NULL AND i.consistence IS NULL) AS cons_ok,
       coalesce(abs(i.statistic - r.statistic) < 1e-9, r.statistic IS NULL AND i.statistic IS NULL) AS stat_ok,
       coalesce(abs(i.df - r.df) < 1e-9, r.df IS NULL AND i.df IS NULL) AS df_ok,
       coalesce(abs(i.p_value - r.p_value) < 1e-9 * greatest(r.p_value, 1e-300) + 1e-15, r.p_value IS NULL AND i.p_value IS NULL) AS p_ok
FROM tallies t, pref.intransitivity(t.t) i, intrans_ref_overall r WHERE r.ds = t.ds ORDER BY r.ds;
-- exact p of a transitive tournament on 7 items: 7!/2^21 of all tournaments have no circular triad
SELECT i.circular_triads, i.p_value = 5040.0 / 2097152 AS exact_p_ok
FROM pref.intransitivity((SELECT pref.tally(a::bigint, b::bigint) FROM generate_series(1, 7) a, generate_series(1, 7) b WHERE a < b)) i;
-- text items; fewer than 3 items: no consistence
SELECT items, circular_triads, max_circular_triads, consistence, test
FROM pref.intransitivity((SELECT pref.tally(w, l) FROM (VALUES ('rock', 'scissors'), ('scissors', 'paper'), ('paper', 'rock')) v(w, l)));
SELECT * FROM pref.circular_triads((SELECT pref.tally(w, l) FROM (VALUES ('rock', 'scissors'), ('scissors', 'paper'), ('paper', 'rock')) v(w, l))) ORDER BY item;
SELECT items, triads, max_circular_triads, consistence, test FROM pref.intransitivity((SELECT pref.tally(1::bigint, 2::bigint)));

-- preference embedding (holdout => 0: every comparison is fitted): loglik equals scipy's minimum to 1e-6,
-- P(i beats j) to 1e-5, and Bradley-Terry's loglik on the same data to 1e-6
CREATE TABLE fits AS
SELECT e.ds, e.dim, pref.preference_embedding(t.t, e.dim, prior => e.prior, holdout => 0, restarts => 5) AS fit
FROM intrans_ref_embed e JOIN tallies t USING (ds);
SELECT f.ds, f.dim, (f.fit->>'converged')::boolean AS converged,
       abs((f.fit->>'loglik')::float8 - e.loglik) < 1e-6 AS loglik_ok,
       abs((f.fit->>'bt_loglik')::float8 - e.bt_loglik) < 1e-6 AS bt_loglik_ok,
       round((f.fit->>'loglik')::numeric - (f.fit->>'bt_loglik')::numeric, 3) AS gain_over_bt,
       f.fit->'heldout_log_loss' = 'null' AS no_heldout
FROM fits f JOIN intrans_ref_embed e USING (ds, dim) ORDER BY 1, 2;
SELECT f.ds, f.dim, max(abs(pref.embedding_win_prob(f.fit, p.a, p.b) - p.p)) < 1e-5 AS probs_ok
FROM fits f JOIN intrans_ref_prob p USING (ds, dim) GROUP BY 1, 2 ORDER BY 1, 2;
-- rock-paper-scissors: the embedding fits the cycle (each item beats the next with P = 0.8 in the data;
-- ties count half), Bradley-Terry gives 1/2 for every pair
SELECT round(pref.embedding_win_prob(fit, 1, 2)::numeric, 2) AS p12, round(pref.embedding_win_prob(fit, 2, 3)::numeric, 2) AS p23,
       round(pref.embedding_win_prob(fit, 3, 1)::numeric, 2) AS p31,
       round(pref.win_prob(pref.bradley_terry(t.t, ties => 'half', prior => 0.01), 1, 2)::numeric, 2) AS bt_p12
FROM fits f JOIN tallies t USING (ds) WHERE ds = 'rps';
-- P(i beats j) + P(j beats i) = 1 and the vector form agrees
SELECT max(abs(pref.embedding_win_prob(fit, a, b) + pref.embedding_win_prob(fit, b, a) - 1)) < 1e-12 AS skew,
       max(abs(pref.embedding_win_prob(fit, a, b) - pref.embedding_win_prob(
           ARRAY(SELECT jsonb_array_elements_text(fit->'embedding'->a::text)::float8),
           ARRAY(SELECT jsonb_array_elements_text(fit->'embedding'->b::text)::float8)))) < 1e-15 AS vector_form
FROM fits, generate_series(1, 5) a, generate_series(1, 5) b WHERE ds = 'cyc5' AND dim = 4 AND a <> b;

-- held-out log loss (holdout => 0.3, seeded): on a planted cycle the embedding beats Bradley-Terry clearly;
-- on Bradley-Terry data it is no better than Bradley-Terry
SELECT ds,
       round((fit->>'heldout_log_loss')::numeric, 2) AS emb_heldout, round((fit->>'bt_heldout_log_loss')::numeric, 2) AS bt_heldout,
       CASE ds WHEN 'circle8' THEN (fit->>'heldout_log_loss')::float8 < (fit->>'bt_heldout_log_loss')::float8 - 0.05
               ELSE (fit->>'heldout_log_loss')::float8 > (fit->>'bt_heldout_log_loss')::float8 - 0.005 END AS as_expected,
       round((fit->>'heldout_weight')::numeric / ((fit->>'heldout_weight')::numeric + (fit->>'train_weight')::numeric), 2) AS heldout_share
FROM (SELECT ds, pref.preference_embedding(pref.tally(winner, loser, tie), holdout => 0.3, seed => 1) AS fit
      FROM intrans_rows WHERE ds IN ('circle8', 'bt8') GROUP BY ds) s ORDER BY ds;
-- the same seed gives the same fit; another seed another split
SELECT a = b AS same_seed, a <> c AS other_seed
FROM (SELECT pref.preference_embedding(t, seed => 5) a, pref.preference_embedding(t, seed => 5) b,
             pref.preference_embedding(t, seed => 6) c FROM tallies WHERE ds = 'cyc5') s;
-- report fields; text items
SELECT fit->>'dim' AS dim, fit->>'items' AS items, fit->>'ties' AS ties, fit->>'key_type' AS key_type,
       jsonb_typeof(fit->'embedding'->'rock') AS vec, round(pref.embedding_win_prob(fit, 'rock', 'scissors')::numeric, 2) AS p_rock_scissors
FROM (SELECT pref.preference_embedding(pref.tally(w, l), holdout => 0) fit FROM
      (VALUES ('rock', 'scissors'), ('scissors', 'paper'), ('paper', 'rock')) v(w, l), generate_series(1, 3)) s;
-- ties => 'none' drops tie rows
SELECT (a->>'train_weight')::float8 AS half_weight, (b->>'train_weight')::float8 AS none_weight
FROM (SELECT pref.preference_embedding(t, holdout => 0, ties => 'half') a, pref.preference_embedding(t, holdout => 0, ties => 'none') b
      FROM tallies WHERE ds = 'rps') s;

-- above 2000 items the Bradley-Terry comparison is fitted by MM (no dense Hessian): a ring of 2100 items;
-- stopped by max_iter: a warning and converged false
SELECT (fit->>'items')::int AS items, fit->'bt_loglik' <> 'null' AS bt_fitted, fit->'converged' AS converged,
       (fit->>'iterations')::int AS iterations
FROM (SELECT pref.preference_embedding(pref.tally(w, l), holdout => 0, restarts => 1, max_iter => 20) fit FROM
      (SELECT g::bigint AS w, (g % 2100 + 1)::bigint AS l FROM generate_series(1, 2100) g, generate_series(1, 2)
       UNION ALL SELECT (g % 2100 + 1)::bigint, g::bigint FROM generate_series(1, 2100) g) s) x;
-- empty and NULL input: NULL, no rows
SELECT pref.preference_embedding(pref.tally(w, l)) IS NULL AS null_fit, pref.intransitivity(pref.tally(w, l)) IS NULL AS null_diag
FROM (SELECT 1::bigint, 2::bigint WHERE false) v(w, l);
SELECT count(*) FROM pref.circular_triads((SELECT pref.tally(w, l) FROM (SELECT 1::bigint, 2::bigint WHERE false) v(w, l)));
SELECT pref.preference_embedding(NULL) IS NULL AS strict, pref.embedding_win_prob(NULL::jsonb, 1, 2) IS NULL AS strict_prob;
-- errors
SELECT pref.preference_embedding(t, dim => 3) FROM tallies WHERE ds = 'rps';
SELECT pref.preference_embedding(t, dim => 0) FROM tallies WHERE ds = 'rps';
SELECT pref.preference_embedding(t, prior => -1) FROM tallies WHERE ds = 'rps';
SELECT pref.preference_embedding(t, prior => 'nan') FROM tallies WHERE ds = 'rps';
SELECT pref.preference_embedding(t, holdout => 1) FROM tallies WHERE ds = 'rps';
SELECT pref.preference_embedding(t, restarts => 0) FROM tallies WHERE ds = 'rps';
SELECT pref.preference_embedding(t, ties => 'davidson') FROM tallies WHERE ds = 'rps';
SELECT pref.preference_embedding(t, tol => 0) FROM tallies WHERE ds = 'rps';
SELECT pref.preference_embedding(t, max_iter => 0) FROM tallies WHERE ds = 'rps';
SELECT pref.preference_embedding(pref.tally(1::bigint, 2::bigint, true), ties => 'none');
SELECT pref.embedding_win_prob(fit, 1, 99) FROM fits WHERE ds = 'rps';
SELECT pref.embedding_win_prob(fit, 'rock', 'paper') FROM fits WHERE ds = 'rps';
SELECT pref.embedding_win_prob('{}'::jsonb, 1, 2);
SELECT pref.embedding_win_prob('{"embedding": {"1": [1, 2, 3], "2": [1, 2, 3]}}'::jsonb, 1, 2);
SELECT pref.embedding_win_prob('{"embedding": {"1": [1, "x"], "2": [1, 2]}}'::jsonb, 1, 2);
SELECT pref.embedding_win_prob('{"embedding": {"1": [1, 2], "2": [1, 2, 3, 4]}}'::jsonb, 1, 2);
SELECT pref.embedding_win_prob('[1, 2]'::jsonb, 1, 2);
SELECT pref.embedding_win_prob(ARRAY[1, 2]::float8[], ARRAY[1, 2, 3, 4]::float8[]);
SELECT pref.embedding_win_prob(ARRAY[1, 2, 3]::float8[], ARRAY[1, 2, 3]::float8[]);
SELECT pref.embedding_win_prob(ARRAY[1, 'nan']::float8[], ARRAY[1, 2]::float8[]);
SELECT round(pref.embedding_win_prob(ARRAY[1, 0]::float8[], ARRAY[0, 1]::float8[])::numeric, 6) AS sigmoid_1;
-- memory limit names the setting
CREATE TABLE big AS SELECT pref.tally(g::bigint, (g + 1)::bigint) AS t FROM generate_series(1, 3000) g;
SET pgpref.max_memory = 10240;
SELECT pref.intransitivity(t) FROM big;
SELECT count(*) FROM big, pref.circular_triads(t);
RESET pgpref.max_memory;
-- a path 1 > 2 > ... > 3000 has no circular triad and no complete triple
SELECT items, decided_pairs, missing_pairs, triads, circular_triads FROM big, pref.intransitivity(t);
RESET search_path;
DROP SCHEMA intrans CASCADE;
