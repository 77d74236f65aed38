-- Data valuation against independent references (test/ref/shapley_ref.py):
-- brute-force enumeration of every coalition (N <= 10) and a numpy version
-- of the Jia et al. recursion.  Tolerances: exact methods 1e-12; Monte-Carlo
-- estimates within 3 standard errors of the exact value.
SET client_min_messages = warning;
\set ECHO none
\i test/ref/shapley_fixtures.sql
\set ECHO all
SELECT method, count(*) FROM shap_expect GROUP BY method ORDER BY method;

-- exact KNN-Shapley equals the brute-force Shapley value and the numpy recursion
WITH cases(ds, k, metric) AS (VALUES ('a', 1, 'l2'), ('a', 3, 'l2'), ('a', 8, 'l2'), ('b', 3, 'l2'), ('b', 3, 'cosine')),
got AS MATERIALIZED (
  SELECT c.*, s.* FROM cases c, LATERAL pref.knn_shapley(
    format('SELECT id, features, label FROM shap_%s_train ORDER BY id', c.ds),
    format('SELECT features, label FROM shap_%s_valid', c.ds), c.k, c.metric) s)
SELECT g.ds, g.k, g.metric, count(*) AS n,
       max(abs(g.value - e.value)) < 1e-12 AS equals_brute_force,
       max(abs(g.value - r.value)) < 1e-12 AS equals_numpy_recursion,
       bool_and(g.std_error IS NULL) AS no_std_error
FROM got g
JOIN shap_expect e ON e.dataset = g.ds AND e.k = g.k AND e.metric = g.metric AND e.method = 'shapley' AND e.id = g.id
JOIN shap_expect r ON r.dataset = g.ds AND r.k = g.k AND r.metric = g.metric AND r.method = 'recursion' AND r.id = g.id
GROUP BY 1, 2, 3 ORDER BY 1, 2, 3;

-- the values themselves (data set A, k = 3)
SELECT id, round(value::numeric, 6) AS value FROM pref.knn_shapley(
  'SELECT id, features, label FROM shap_a_train ORDER BY id', 'SELECT features, label FROM shap_a_valid', 3);

-- efficiency: values sum to U(all) - U(empty) = U(all)
WITH cases(ds, k, metric) AS (VALUES ('a', 3, 'l2'), ('b', 3, 'cosine')),
got AS MATERIALIZED (
  SELECT c.*, sum(s.value) AS total FROM cases c, LATERAL pref.knn_shapley(
    format('SELECT id, features, label FROM shap_%s_train ORDER BY id', c.ds),
    format('SELECT features, label FROM shap_%s_valid', c.ds), c.k, c.metric) s GROUP BY 1, 2, 3)
SELECT g.ds, round(g.total::numeric, 12) AS total, round(e.value::numeric, 12) AS u_all,
       abs(g.total - e.value) < 1e-12 AS efficiency
FROM got g JOIN shap_expect e ON e.dataset = g.ds AND e.k = g.k AND e.metric = g.metric AND e.method = 'utility_all';

-- symmetric players: a copy of row 3 (same features and label) gets the same value
SELECT count(DISTINCT round(value::numeric, 12)) = 1 AS equal_values, count(*)
FROM pref.knn_shapley(
  'SELECT id, features, label FROM shap_b_train UNION ALL SELECT 11, features, label FROM shap_b_train WHERE id = 3 ORDER BY id',
  'SELECT features, label FROM shap_b_valid', 3)
WHERE id IN (3, 11);

-- real[] features and int labels are accepted; order of rows does not change values
SELECT max(abs(a.value - b.value)) < 1e-12 AS same
FROM pref.knn_shapley('SELECT id, features::real[]::float8[], label FROM shap_b_train ORDER BY id', 'SELECT features, label FROM shap_b_valid', 3) a
JOIN pref.knn_shapley('SELECT id::int, features, label::int FROM shap_b_train ORDER BY id DESC', 'SELECT features::real[], label FROM shap_b_valid', 3) b USING (id);

-- blocks: tiny work_mem forces one validation row per block, same answer
SET work_mem = 64;
CREATE TEMP TABLE blk AS SELECT * FROM pref.knn_shapley('SELECT id, features, label FROM shap_b_train ORDER BY id', 'SELECT features, label FROM shap_b_valid', 3);
RESET work_mem;
SELECT max(abs(b.value - e.value)) < 1e-12 AS blocked_equals_brute_force
FROM blk b JOIN shap_expect e ON e.dataset = 'b' AND e.k = 3 AND e.metric = 'l2' AND e.method = 'shapley' AND e.id = b.id;

-- Monte-Carlo estimates land within 3 standard errors of the exact values (knn utility)
WITH cases(m, meth, extra) AS (VALUES ('tmc', 'shapley', 0.0), ('beta', 'beta16_1', 0.0), ('banzhaf', 'banzhaf', 0.0)),
got AS MATERIALIZED (
  SELECT c.m, c.meth, s.* FROM cases c, LATERAL pref.data_shapley(
    'SELECT id, features, label FROM shap_b_train ORDER BY id', 'SELECT features, label FROM shap_b_valid',
    method => c.m, k => 3, permutations => 4000, tol => 0, truncation => 0) s)
SELECT g.m, count(*) AS n, bool_and(abs(g.value - e.value) <= 3 * g.std_error) AS within_3_se,
       max(g.std_error) < 0.01 AS se_small
FROM got g JOIN shap_expect e ON e.dataset = 'b' AND e.k = 3 AND e.metric = 'l2' AND e.method = g.meth AND e.id = g.id
GROUP BY 1 ORDER BY 1;

-- Beta(4, 4) weights: alpha and beta are used
SELECT bool_and(abs(s.value - e.value) <= 3 * s.std_error) AS within_3_se
FROM pref.data_shapley('SELECT id, features, label FROM shap_b_train ORDER BY id', 'SELECT features, label FROM shap_b_valid',
  method => 'beta', alpha => 4, beta => 4, k => 3, permutations => 4000, tol => 0) s
JOIN shap_expect e ON e.dataset = 'b' AND e.k = 3 AND e.metric = 'l2' AND e.method = 'beta4_4' AND e.id = s.id;

-- leave-one-out equals U(all) - U(all without i) computed directly
SELECT max(abs(s.value - e.value)) < 1e-12 AS loo_exact, bool_and(s.std_error IS NULL) AS no_std_error
FROM pref.data_shapley('SELECT id, features, label FROM shap_a_train ORDER BY id', 'SELECT features, label FROM shap_a_valid', method => 'loo', k => 3) s
JOIN shap_expect e ON e.dataset = 'a' AND e.k = 3 AND e.metric = 'l2' AND e.method = 'loo' AND e.id = s.id;

-- logistic utility (scipy fits as reference): loo exact, tmc and banzhaf within 3 SE
WITH cases(m, meth) AS (VALUES ('loo', 'logistic_loo'), ('tmc', 'logistic_shapley'), ('banzhaf', 'logistic_banzhaf')),
got AS MATERIALIZED (
  SELECT c.m, c.meth, s.* FROM cases c, LATERAL pref.data_shapley(
    'SELECT id, features, label FROM shap_b_train ORDER BY id', 'SELECT features, label FROM shap_b_valid',
    method => c.m, utility => 'logistic', permutations => 1000, tol => 0, truncation => 0) s)
SELECT g.m, count(*) AS n,
       bool_and(CASE WHEN g.m = 'loo' THEN abs(g.value - e.value) < 1e-12
                     ELSE abs(g.value - e.value) <= 3 * g.std_error END) AS matches_reference
FROM got g JOIN shap_expect e ON e.dataset = 'b' AND e.method = g.meth AND e.id = g.id
GROUP BY 1 ORDER BY 1;

-- reproducible for a seed, different for another seed
WITH r AS MATERIALIZED (
  SELECT s.seed, d.id, d.value, d.std_error FROM (VALUES (7), (7), (8)) s(seed), LATERAL pref.data_shapley(
    'SELECT id, features, label FROM shap_b_train ORDER BY id', 'SELECT features, label FROM shap_b_valid',
    permutations => 200, seed => s.seed, k => 3) d)
SELECT (SELECT count(*) FROM r WHERE seed = 7) AS rows_seed_7,
       (SELECT count(DISTINCT (id, value, std_error)) FROM r WHERE seed = 7) AS distinct_seed_7,
       (SELECT bool_or(a.value <> b.value) FROM r a JOIN r b USING (id) WHERE a.seed = 7 AND b.seed = 8) AS seed_8_differs;
SELECT count(DISTINCT (id, value)) AS distinct_banzhaf FROM (VALUES (1), (2)) x(i),
  LATERAL pref.data_shapley('SELECT id, features, label FROM shap_b_train ORDER BY id', 'SELECT features, label FROM shap_b_valid',
    method => 'banzhaf', permutations => 200, seed => 3, k => 3);

-- convergence: a loose tolerance stops early and says so
SET client_min_messages = notice;
SELECT count(*) FROM pref.data_shapley('SELECT id, features, label FROM shap_b_train ORDER BY id', 'SELECT features, label FROM shap_b_valid',
  permutations => 5000, tol => 0.5, k => 3);
SELECT count(*) FROM pref.data_shapley('SELECT id, features, label FROM shap_b_train ORDER BY id', 'SELECT features, label FROM shap_b_valid',
  permutations => 60, tol => 0, k => 3);
SET client_min_messages = warning;

-- truncation (Ghorbani & Zou) with the default 0.01 still lands near the exact values
SELECT max(abs(s.value - e.value)) < 0.02 AS near_exact
FROM pref.data_shapley('SELECT id, features, label FROM shap_b_train ORDER BY id', 'SELECT features, label FROM shap_b_valid', permutations => 2000, tol => 0, k => 3) s
JOIN shap_expect e ON e.dataset = 'b' AND e.k = 3 AND e.metric = 'l2' AND e.method = 'shapley' AND e.id = s.id;

-- preference pairs: KNN on difference vectors with symmetric augmentation
WITH cases(m, meth, metric) AS (VALUES ('exact', 'shapley', 'l2'), ('exact', 'shapley', 'cosine'), ('loo', 'loo', 'l2'),
                                       ('tmc', 'shapley', 'l2'), ('beta', 'beta16_1', 'l2'), ('banzhaf', 'banzhaf', 'l2')),
got AS MATERIALIZED (
  SELECT c.m, c.meth, c.metric, s.* FROM cases c, LATERAL pref.pair_shapley(
    'SELECT id, chosen, rejected FROM shap_p_train ORDER BY id', 'SELECT id, chosen, rejected FROM shap_p_valid',
    method => c.m, k => 3, metric => c.metric, permutations => 4000, tol => 0, truncation => 0, utility => 'knn') s)
SELECT g.m, g.metric, count(*) AS n,
       bool_and(CASE WHEN g.m IN ('exact', 'loo') THEN abs(g.value - e.value) < 1e-12 AND g.std_error IS NULL
                     ELSE abs(g.value - e.value) <= 3 * g.std_error END) AS matches_reference
FROM got g JOIN shap_expect e ON e.dataset = 'p' AND e.k = 3 AND e.metric = g.metric AND e.method = g.meth AND e.id = g.id
GROUP BY 1, 2 ORDER BY 1, 2;
-- symmetric augmentation: mirroring every pair (train and validation) changes nothing
SELECT max(abs(a.value - b.value)) < 1e-12 AS mirror_invariant, count(*)
FROM pref.pair_shapley('SELECT id, chosen, rejected FROM shap_p_train ORDER BY id', 'SELECT id, chosen, rejected FROM shap_p_valid', k => 3) a
JOIN pref.pair_shapley('SELECT id, rejected, chosen FROM shap_p_train ORDER BY id', 'SELECT id, rejected, chosen FROM shap_p_valid', k => 3) b USING (id);
-- a contradicting copy (pair 99 = pair 11 reversed): values still equal brute force
SELECT count(*) AS n, max(abs(s.value - e.value)) < 1e-12 AS equals_brute_force
FROM pref.pair_shapley('SELECT id, chosen, rejected FROM shap_p_train UNION ALL SELECT 99, rejected, chosen FROM shap_p_train WHERE id = 11 ORDER BY id',
                       'SELECT id, chosen, rejected FROM shap_p_valid', k => 3) s
JOIN shap_expect e ON e.dataset = 'p' AND e.method = 'shapley_contra' AND e.id = s.id;


-- preference pairs, reward utility (Bradley-Terry reward model re-fitted per coalition),
-- data set R against brute force over all 256 coalitions with scipy fits:
-- leave-one-out exact to 1e-12, Monte-Carlo within 3 standard errors
WITH cases(m, meth) AS (VALUES ('loo', 'reward_loo'), ('tmc', 'reward_shapley'), ('beta', 'reward_beta16_1'), ('banzhaf', 'reward_banzhaf')),
got AS MATERIALIZED (
  SELECT c.m, c.meth, s.* FROM cases c, LATERAL pref.pair_shapley(
    'SELECT id, chosen, rejected FROM shap_r_train ORDER BY id', 'SELECT id, chosen, rejected FROM shap_r_valid',
    method => c.m, utility => 'reward', permutations => 3000, tol => 0, truncation => 0, seed => 11) s)
SELECT g.m, count(*) AS n,
       bool_and(CASE WHEN g.m = 'loo' THEN abs(g.value - e.value) < 1e-12 AND g.std_error IS NULL
                     ELSE abs(g.value - e.value) <= 3 * g.std_error END) AS matches_reference,
       round(max(g.std_error)::numeric, 3) AS largest_se
FROM got g JOIN shap_expect e ON e.dataset = 'r' AND e.method = g.meth AND e.id = g.id
GROUP BY 1 ORDER BY 1;
-- the TMC values next to the exact ones: the two reversed pairs (25, 28) are the most harmful
SELECT s.id, round(s.value::numeric, 3) AS tmc, round(e.value::numeric, 3) AS exact
FROM pref.pair_shapley('SELECT id, chosen, rejected FROM shap_r_train ORDER BY id', 'SELECT id, chosen, rejected FROM shap_r_valid',
                       method => 'tmc', permutations => 3000, tol => 0, truncation => 0, seed => 11) s
JOIN shap_expect e ON e.dataset = 'r' AND e.method = 'reward_shapley' AND e.id = s.id ORDER BY s.value;
-- leave-one-out equals U(all) - U(all without i) computed directly in SQL: pref.reward_fit on the
-- coalition, U = share of validation pairs with pref.reward_margin > 0 (a margin of 0 counts 1/2)
CREATE TEMP TABLE r_direct AS
WITH fits AS (
  SELECT x.drop_id, pref.reward_fit(format('SELECT chosen, rejected FROM shap_r_train WHERE id <> %s', x.drop_id),
                                    lambda => 1, tol => 1e-12) AS m
  FROM (SELECT 0::bigint AS drop_id UNION ALL SELECT id FROM shap_r_train) x)
SELECT f.drop_id, (f.m).converged,
       avg(CASE WHEN mg > 0 THEN 1.0::float8 WHEN mg = 0 THEN 0.5::float8 ELSE 0.0::float8 END) AS u,
       min(abs(mg)) AS smallest_margin
FROM fits f, shap_r_valid v, LATERAL pref.reward_margin(f.m, v.chosen, v.rejected) mg
GROUP BY f.drop_id, (f.m).converged;
SELECT s.id, round(s.value::numeric, 6) AS loo, round((a.u - d.u)::numeric, 6) AS direct,
       abs(s.value - (a.u - d.u)) < 1e-12 AS equal, d.converged, d.smallest_margin > 1e-6 AS margins_clear_of_zero
FROM pref.pair_shapley('SELECT id, chosen, rejected FROM shap_r_train ORDER BY id', 'SELECT id, chosen, rejected FROM shap_r_valid', method => 'loo') s
JOIN r_direct d ON d.drop_id = s.id CROSS JOIN (SELECT u FROM r_direct WHERE drop_id = 0) a
ORDER BY s.id;
-- U(all) of the direct computation equals the scipy reference
SELECT abs(d.u - e.value) < 1e-12 AS u_all_matches FROM r_direct d
JOIN shap_expect e ON e.dataset = 'r' AND e.method = 'reward_utility_all' WHERE d.drop_id = 0;
-- efficiency without truncation: every permutation's marginals sum to U(all) - U(empty) = 2/3 - 1/2
SELECT abs(sum(value) - (2.0 / 3 - 0.5)) < 1e-12 AS efficiency
FROM pref.pair_shapley('SELECT id, chosen, rejected FROM shap_r_train', 'SELECT id, chosen, rejected FROM shap_r_valid',
                       method => 'tmc', permutations => 100, tol => 0, truncation => 0);
-- defaults: reward for the Monte-Carlo methods, knn for exact
SELECT bool_and(a.value = b.value AND a.std_error = b.std_error) AS tmc_default_is_reward, count(*)
FROM pref.pair_shapley('SELECT id, chosen, rejected FROM shap_r_train ORDER BY id', 'SELECT id, chosen, rejected FROM shap_r_valid', method => 'tmc', permutations => 200) a
JOIN pref.pair_shapley('SELECT id, chosen, rejected FROM shap_r_train ORDER BY id', 'SELECT id, chosen, rejected FROM shap_r_valid', method => 'tmc', permutations => 200, utility => 'reward') b USING (id);
SELECT bool_and(a.value = b.value) AS exact_default_is_knn, count(*)
FROM pref.pair_shapley('SELECT id, chosen, rejected FROM shap_p_train ORDER BY id', 'SELECT id, chosen, rejected FROM shap_p_valid', k => 3) a
JOIN pref.pair_shapley('SELECT id, chosen, rejected FROM shap_p_train ORDER BY id', 'SELECT id, chosen, rejected FROM shap_p_valid', k => 3, utility => 'knn') b USING (id);
-- reproducible for a seed (tmc, banzhaf), different for another seed
WITH r AS MATERIALIZED (
  SELECT x.m, x.seed, d.id, d.value, d.std_error FROM (VALUES ('tmc', 7), ('tmc', 7), ('tmc', 8), ('banzhaf', 7), ('banzhaf', 7), ('banzhaf', 8)) x(m, seed),
    LATERAL pref.pair_shapley('SELECT id, chosen, rejected FROM shap_r_train ORDER BY id', 'SELECT id, chosen, rejected FROM shap_r_valid',
                              method => x.m, permutations => 300, seed => x.seed) d)
SELECT m, (SELECT count(*) FROM r r1 WHERE r1.m = r.m AND seed = 7) AS rows_seed_7,
       (SELECT count(DISTINCT (id, value, std_error)) FROM r r1 WHERE r1.m = r.m AND seed = 7) AS distinct_seed_7,
       (SELECT bool_or(a.value <> b.value) FROM r a JOIN r b USING (m, id) WHERE a.m = r.m AND a.seed = 7 AND b.seed = 8) AS seed_8_differs
FROM r GROUP BY m ORDER BY m;
-- mirroring every pair (train and validation) flips w and keeps every margin
SELECT max(abs(a.value - b.value)) < 1e-12 AS mirror_invariant, count(*)
FROM pref.pair_shapley('SELECT id, chosen, rejected FROM shap_r_train ORDER BY id', 'SELECT id, chosen, rejected FROM shap_r_valid', method => 'banzhaf', permutations => 200) a
JOIN pref.pair_shapley('SELECT id, rejected, chosen FROM shap_r_train ORDER BY id', 'SELECT id, rejected, chosen FROM shap_r_valid', method => 'banzhaf', permutations => 200) b USING (id);
-- lambda is used: a strong penalty changes the values
SELECT bool_or(a.value <> b.value) AS lambda_matters
FROM pref.pair_shapley('SELECT id, chosen, rejected FROM shap_r_train ORDER BY id', 'SELECT id, chosen, rejected FROM shap_r_valid', method => 'loo') a
JOIN pref.pair_shapley('SELECT id, chosen, rejected FROM shap_r_train ORDER BY id', 'SELECT id, chosen, rejected FROM shap_r_valid', method => 'loo', lambda => 1000) b USING (id);
-- the NOTICE names the utility
SET client_min_messages = notice;
SELECT count(*) FROM pref.pair_shapley('SELECT id, chosen, rejected FROM shap_r_train', 'SELECT id, chosen, rejected FROM shap_r_valid', method => 'banzhaf', permutations => 100, tol => 0);
SELECT count(*) FROM pref.pair_shapley('SELECT id, chosen, rejected FROM shap_r_train', 'SELECT id, chosen, rejected FROM shap_r_valid', method => 'banzhaf', permutations => 100, tol => 0, utility => 'knn', k => 3);
SET client_min_messages = warning;

-- bad input: clear errors
\set VERBOSITY default
SELECT * FROM pref.knn_shapley('SELECT id, features, label FROM shap_a_train WHERE false', 'SELECT features, label FROM shap_a_valid');
SELECT * FROM pref.knn_shapley('SELECT id, features, label FROM shap_a_train', 'SELECT features, label FROM shap_a_valid WHERE false');
SELECT * FROM pref.knn_shapley('SELECT id, features, label FROM shap_a_train', 'SELECT features, label FROM shap_a_valid', 0);
SELECT * FROM pref.knn_shapley('SELECT id, features, label FROM shap_a_train', 'SELECT features, label FROM shap_a_valid', 9);
SELECT * FROM pref.knn_shapley('SELECT id, features, label FROM shap_a_train', 'SELECT features, label FROM shap_a_valid', NULL::integer);
SELECT * FROM pref.knn_shapley('SELECT id, features, label FROM shap_a_train', 'SELECT features, label FROM shap_a_valid', 3, 'manhattan');
SELECT * FROM pref.knn_shapley('SELECT id, features, label FROM shap_a_train', 'SELECT features, label FROM shap_a_valid', 3, 'cosine');
SELECT * FROM pref.knn_shapley('SELECT id, features, label FROM shap_a_train', 'SELECT features, label FROM shap_b_valid');
SELECT * FROM pref.knn_shapley('SELECT id, features, label FROM shap_a_train UNION ALL SELECT 9, ARRAY[1,2,3]::float8[], 1', 'SELECT features, label FROM shap_a_valid');
SELECT * FROM pref.knn_shapley('SELECT id % 2, features, label FROM shap_a_train', 'SELECT features, label FROM shap_a_valid');
SELECT * FROM pref.knn_shapley('SELECT id, features, NULL::bigint FROM shap_a_train', 'SELECT features, label FROM shap_a_valid');
SELECT * FROM pref.knn_shapley('SELECT id, features, label FROM shap_a_train', 'SELECT NULL::float8[], label FROM shap_a_valid');
SELECT * FROM pref.knn_shapley('SELECT id, features FROM shap_a_train', 'SELECT features, label FROM shap_a_valid');
SELECT * FROM pref.knn_shapley('SELECT id, features::text, label FROM shap_a_train', 'SELECT features, label FROM shap_a_valid');
SELECT * FROM pref.knn_shapley('SELECT id, features, label::float8 FROM shap_a_train', 'SELECT features, label FROM shap_a_valid');
SELECT * FROM pref.knn_shapley('SELECT id, ARRAY[1, ''NaN'']::float8[], label FROM shap_a_train', 'SELECT features, label FROM shap_a_valid');
SELECT * FROM pref.data_shapley('SELECT id, features, label FROM shap_a_train', 'SELECT features, label FROM shap_a_valid', method => 'exact');
SELECT * FROM pref.data_shapley('SELECT id, features, label FROM shap_a_train', 'SELECT features, label FROM shap_a_valid', utility => 'svm');
SELECT * FROM pref.data_shapley('SELECT id, features, label FROM shap_a_train', 'SELECT features, label FROM shap_a_valid', utility => 'logistic');
SELECT * FROM pref.data_shapley('SELECT id, features, label FROM shap_a_train', 'SELECT features, label FROM shap_a_valid', permutations => 0);
SELECT * FROM pref.data_shapley('SELECT id, features, label FROM shap_a_train', 'SELECT features, label FROM shap_a_valid', tol => 'NaN');
SELECT * FROM pref.data_shapley('SELECT id, features, label FROM shap_a_train', 'SELECT features, label FROM shap_a_valid', alpha => 0);
SELECT * FROM pref.data_shapley('SELECT id, features, label FROM shap_a_train', 'SELECT features, label FROM shap_a_valid', seed => NULL);
SELECT * FROM pref.pair_shapley('SELECT id, chosen, rejected FROM shap_p_train', 'SELECT id, chosen, rejected FROM shap_p_valid', method => 'shapley');
SELECT * FROM pref.pair_shapley('SELECT id, chosen, rejected[1:2] FROM shap_p_train', 'SELECT id, chosen, rejected FROM shap_p_valid');
SELECT * FROM pref.pair_shapley('SELECT id, chosen, rejected FROM shap_p_train', 'SELECT id, chosen[1:2], rejected[1:2] FROM shap_p_valid');
SELECT * FROM pref.pair_shapley('SELECT id, chosen, rejected FROM shap_p_train', 'SELECT chosen, rejected FROM shap_p_valid');
SELECT * FROM pref.pair_shapley('SELECT id, chosen, rejected FROM shap_p_train', 'SELECT id, chosen, rejected FROM shap_p_valid', utility => 'reward');
SELECT * FROM pref.pair_shapley('SELECT id, chosen, rejected FROM shap_p_train', 'SELECT id, chosen, rejected FROM shap_p_valid', method => 'tmc', utility => 'logistic');
SELECT * FROM pref.pair_shapley('SELECT id, chosen, rejected FROM shap_p_train', 'SELECT id, chosen, rejected FROM shap_p_valid', method => 'loo', lambda => 0);
SELECT * FROM pref.pair_shapley('SELECT id, chosen, rejected FROM shap_p_train', 'SELECT id, chosen, rejected FROM shap_p_valid', method => 'loo', utility => NULL);
-- a fit that cannot be solved (differences span one of two dimensions, lambda at the bottom of the range)
SELECT * FROM pref.pair_shapley('SELECT id, ARRAY[chosen[1], 1], ARRAY[rejected[1], 1] FROM shap_p_train', 'SELECT id, chosen[1:2], rejected[1:2] FROM shap_p_valid', method => 'loo', lambda => 1e-300);
-- k is a knn setting: the reward utility accepts k larger than the training set
SELECT count(*) FROM pref.pair_shapley('SELECT id, chosen, rejected FROM shap_p_train', 'SELECT id, chosen, rejected FROM shap_p_valid', method => 'loo', k => 100);
-- the inner-query reader (src/query.c) through these functions
SELECT * FROM pref.knn_shapley('SELEC 1', 'SELECT features, label FROM shap_a_valid');
SELECT * FROM pref.knn_shapley('CREATE TABLE t_evil (x int)', 'SELECT features, label FROM shap_a_valid');
SELECT * FROM pref.knn_shapley('SELECT 1; SELECT 2', 'SELECT features, label FROM shap_a_valid');
SELECT * FROM pref.knn_shapley('INSERT INTO shap_a_train SELECT * FROM shap_a_train RETURNING *', 'SELECT features, label FROM shap_a_valid');
SELECT count(*) AS still_8_rows FROM shap_a_train;
SELECT * FROM pref.knn_shapley('SELECT id, features, label, 1 FROM shap_a_train', 'SELECT features, label FROM shap_a_valid');
SELECT * FROM pref.knn_shapley('SELECT id, ''{}''::float8[], label FROM shap_a_train', 'SELECT features, label FROM shap_a_valid');
SELECT * FROM pref.knn_shapley('SELECT id, ''{{1,2},{3,4}}''::float8[], label FROM shap_a_train', 'SELECT features, label FROM shap_a_valid');
SELECT * FROM pref.knn_shapley('SELECT id, ARRAY[1, NULL]::float8[], label FROM shap_a_train', 'SELECT features, label FROM shap_a_valid');
SELECT * FROM pref.knn_shapley('SELECT id, features, label FROM no_such_table', 'SELECT features, label FROM shap_a_valid');
-- runs with the caller's privileges
CREATE ROLE shap_nobody;
GRANT USAGE ON SCHEMA pref TO shap_nobody;
SET ROLE shap_nobody;
SELECT * FROM pref.knn_shapley('SELECT id, features, label FROM shap_a_train', 'SELECT features, label FROM shap_a_valid');
RESET ROLE;
REVOKE USAGE ON SCHEMA pref FROM shap_nobody;
DROP ROLE shap_nobody;

-- memory: the limit names pgpref.max_memory
CREATE TEMP TABLE big_train AS SELECT g AS id, ARRAY[random(), random()]::float8[] AS features, (g % 2)::bigint AS label FROM generate_series(1, 20000) g;
CREATE TEMP TABLE big_valid AS SELECT ARRAY[random(), random()]::float8[] AS features, (g % 2)::bigint AS label FROM generate_series(1, 2000) g;
SET pgpref.max_memory = '8MB';
SELECT count(*) FROM pref.data_shapley('SELECT id, features, label FROM big_train', 'SELECT features, label FROM big_valid');
SET pgpref.max_memory = '1MB';
SELECT count(*) FROM pref.knn_shapley('SELECT id, features, label FROM big_train', 'SELECT features, label FROM big_valid');
RESET pgpref.max_memory;
-- long runs answer statement_timeout promptly
CREATE TEMP TABLE big_pairs AS SELECT g AS id, (SELECT array_agg(random() + 0.2) FROM generate_series(1, 48) WHERE g > 0)::float8[] AS chosen,
  (SELECT array_agg(random()) FROM generate_series(1, 48) WHERE g > 0)::float8[] AS rejected FROM generate_series(1, 3000) g;
SET statement_timeout = '300ms';
SELECT count(*) FROM pref.data_shapley('SELECT id, features, label FROM big_train', 'SELECT features, label FROM big_valid LIMIT 200', permutations => 100000, tol => 0);
-- ... also inside one permutation: its 3,000 reward-model re-fits of up to 3,000 pairs (d = 48)
-- take about 3 s; the cancel must come well before the permutation ends
DO $$
DECLARE t0 timestamptz := clock_timestamp();
BEGIN
  PERFORM count(*) FROM pref.pair_shapley('SELECT id, chosen, rejected FROM big_pairs', 'SELECT id, chosen, rejected FROM big_pairs LIMIT 100',
                                          method => 'tmc', permutations => 1, truncation => 0);
  RAISE WARNING 'not cancelled';
EXCEPTION WHEN query_canceled THEN
  RAISE WARNING 'cancelled within 1.5 s: %', clock_timestamp() - t0 < interval '1.5 s';
END $$;
RESET statement_timeout;
SHOW pgpref.progress;
SET pgpref.progress = -1;
