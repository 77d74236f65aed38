-- pgTAP: data valuation error paths (SQLSTATEs), including the shared
-- inner-query reader, and tolerance checks against the reference fixtures.
BEGIN;
SELECT plan(45);
SET LOCAL client_min_messages = warning;
\ir ../ref/shapley_fixtures.sql
\ir ../ref/shapley_ties_fixtures.sql

CREATE TEMP VIEW tr AS SELECT id, features, label FROM shap_a_train;
CREATE TEMP VIEW va AS SELECT features, label FROM shap_a_valid;

SELECT is_empty($$SELECT * FROM pref.knn_shapley('SELECT * FROM tr WHERE false', 'SELECT * FROM va')$$,
  'empty training set: no rows to value, no rows out (docs/conventions.md)');
SELECT throws_ok($$SELECT * FROM pref.knn_shapley('SELECT * FROM tr', 'SELECT * FROM va WHERE false')$$,
  '22000', 'knn_shapley: the validation query returned no rows', 'empty validation set');
SELECT throws_ok($$SELECT * FROM pref.knn_shapley('SELECT * FROM tr', 'SELECT * FROM va', -1)$$,
  '22023', 'knn_shapley: k must be positive, got -1', 'k <= 0');
SELECT throws_ok($$SELECT * FROM pref.knn_shapley('SELECT * FROM tr', 'SELECT * FROM va', 100)$$,
  '22023', 'knn_shapley: k = 100 is larger than the 8 training rows', 'k > N');
SELECT throws_ok($$SELECT * FROM pref.data_shapley('SELECT * FROM tr', 'SELECT * FROM va', k => 100)$$,
  '22023', 'data_shapley: k = 100 is larger than the 8 training rows', 'k > N (data_shapley)');
SELECT throws_ok($$SELECT * FROM pref.knn_shapley('SELECT * FROM tr', 'SELECT features[1:1], label FROM va')$$,
  '22000', 'knn_shapley: training features have dimension 2 but validation features 1', 'dimension mismatch between queries');
SELECT throws_ok($$SELECT * FROM pref.knn_shapley('SELECT id, CASE WHEN id = 105 THEN features || 1.0::float8 ELSE features END, label FROM tr', 'SELECT * FROM va')$$,
  '22000', 'different dimensions 2 and 3 in row 5 of the query of knn_shapley (training query)', 'dimension mismatch between rows');
SELECT throws_ok($$SELECT * FROM pref.knn_shapley('SELECT id, features, CASE WHEN id = 103 THEN NULL ELSE label END FROM tr', 'SELECT * FROM va')$$,
  '22004', 'knn_shapley: the training query returned 1 rows with NULL id, features or label', 'NULL label');
SELECT throws_ok($$SELECT * FROM pref.knn_shapley('SELECT * FROM tr', 'SELECT NULLIF(features, features), label FROM va')$$,
  '22004', 'knn_shapley: the validation query returned 5 rows with NULL features or label', 'NULL features');
SELECT throws_ok($$SELECT * FROM pref.knn_shapley('SELECT 1::bigint, features, label FROM tr', 'SELECT * FROM va')$$,
  '23505', 'knn_shapley: training id 1 appears more than once', 'duplicate ids');
SELECT throws_ok($$SELECT * FROM pref.knn_shapley('SELECT * FROM tr', 'SELECT * FROM va', metric => 'hamming')$$,
  '22023', 'invalid value for argument metric: "hamming"', 'unknown metric');
SELECT throws_ok($$SELECT * FROM pref.data_shapley('SELECT * FROM tr', 'SELECT * FROM va', method => 'owen')$$,
  '22023', 'invalid value for argument method: "owen"', 'unknown method');
SELECT throws_ok($$SELECT * FROM pref.data_shapley('SELECT * FROM tr', 'SELECT * FROM va', utility => 'tree')$$,
  '22023', 'invalid value for argument utility: "tree"', 'unknown utility');
SELECT throws_ok($$SELECT * FROM pref.data_shapley('SELECT * FROM tr', 'SELECT * FROM va', lambda => 0)$$,
  '22023', 'data_shapley: lambda must be positive and finite', 'lambda');
SELECT throws_ok($$SELECT * FROM pref.data_shapley('SELECT * FROM tr', 'SELECT * FROM va', truncation => -1)$$,
  '22023', 'data_shapley: truncation must be a finite number >= 0', 'truncation');
SELECT throws_ok($$SELECT * FROM pref.pair_shapley(NULL, 'SELECT 1')$$,
  '22004', 'pair_shapley: argument train_sql must not be NULL', 'NULL query text');
-- the shared reader (src/query.c): wrong columns, wrong types, non-SELECT, bad values
SELECT throws_ok($$SELECT * FROM pref.knn_shapley('SELECT id, features FROM tr', 'SELECT * FROM va')$$,
  '42804', 'knn_shapley (training query): the query returns 2 columns, expected (id, features, label)', 'too few columns');
SELECT throws_ok($$SELECT * FROM pref.knn_shapley('SELECT * FROM tr', 'SELECT features, label, label FROM va')$$,
  '42804', 'knn_shapley (validation query): the query returns 3 columns, expected (features, label)', 'too many columns');
SELECT throws_ok($$SELECT * FROM pref.knn_shapley('SELECT id::text, features, label FROM tr', 'SELECT * FROM va')$$,
  '42804', 'knn_shapley (training query): column 1 (id) of the query must be an integer type, not text', 'id type');
SELECT throws_ok($$SELECT * FROM pref.knn_shapley('SELECT id, features::text[], label FROM tr', 'SELECT * FROM va')$$,
  '42804', 'knn_shapley (training query): column 2 (features) of the query must be real[], double precision[], numeric[] or an integer array, not text[]', 'features type');
SELECT throws_ok($$SELECT * FROM pref.knn_shapley('VACUUM', 'SELECT * FROM va')$$,
  '22023', 'knn_shapley (training query): the query must be a SELECT that returns rows', 'utility statement');
SELECT throws_ok($$SELECT * FROM pref.knn_shapley('DELETE FROM shap_a_train RETURNING id, features, label', 'SELECT * FROM va')$$,
  '0A000', NULL, 'data-modifying query refused (read-only cursor)');
SELECT is((SELECT count(*) FROM shap_a_train), 8::bigint, 'nothing deleted');
SELECT throws_ok($$SELECT * FROM pref.knn_shapley('SELECT id, ARRAY[1, ''Infinity'']::float8[], label FROM tr', 'SELECT * FROM va')$$,
  '22000', 'features must not contain NaN or infinite values in row 1 of the query of knn_shapley (training query)', 'infinite feature');
SELECT throws_ok($$SELECT * FROM pref.knn_shapley('SELECT id, ''{}''::real[], label FROM tr', 'SELECT * FROM va')$$,
  '22000', 'features must not be empty in row 1 of the query of knn_shapley (training query)', 'empty vector');
SET LOCAL pgpref.max_memory = '64kB';
SELECT throws_ok($$SELECT * FROM pref.knn_shapley('SELECT g::bigint, ARRAY[g, g]::float8[], 1::bigint FROM generate_series(1, 5000) g', 'SELECT * FROM va')$$,
  '54000', NULL, 'reader refuses past pgpref.max_memory');
RESET pgpref.max_memory;

-- tolerance checks against the fixtures
SELECT ok((SELECT max(abs(s.value - e.value)) FROM pref.knn_shapley('SELECT id, features, label FROM shap_b_train ORDER BY id', 'SELECT features, label FROM shap_b_valid', 3, 'cosine') s
           JOIN shap_expect e ON e.dataset = 'b' AND e.k = 3 AND e.metric = 'cosine' AND e.method = 'shapley' AND e.id = s.id) < 1e-12,
          'cosine KNN-Shapley equals brute force to 1e-12');
SELECT ok((SELECT abs(sum(s.value) - 0.375) FROM pref.knn_shapley('SELECT * FROM tr ORDER BY id', 'SELECT * FROM va', 8) s) < 1e-12,
          'efficiency with k = N: values sum to U(all) = 0.375');
SELECT ok((SELECT bool_and(abs(s.value - e.value) <= 3 * s.std_error) FROM pref.pair_shapley('SELECT id, chosen, rejected FROM shap_p_train ORDER BY id', 'SELECT id, chosen, rejected FROM shap_p_valid',
             method => 'tmc', k => 3, permutations => 2000, tol => 0, truncation => 0, seed => 1, utility => 'knn') s
           JOIN shap_expect e ON e.dataset = 'p' AND e.k = 3 AND e.metric = 'l2' AND e.method = 'shapley' AND e.id = s.id),
          'pair TMC within 3 standard errors of the exact pair-KNN Shapley values');
SELECT ok((SELECT count(*) FROM pref.data_shapley('SELECT * FROM tr ORDER BY id', 'SELECT * FROM va', method => 'beta', seed => 5, permutations => 300)
           s1 JOIN pref.data_shapley('SELECT * FROM tr ORDER BY id', 'SELECT * FROM va', method => 'beta', seed => 5, permutations => 300) s2
           USING (id) WHERE s1.value = s2.value AND s1.std_error = s2.std_error) = 8,
          'beta Shapley reproducible for a seed');

-- pair_shapley with the Bradley-Terry reward utility (data set R, brute force with scipy fits)
SELECT throws_ok($$SELECT * FROM pref.pair_shapley('SELECT id, chosen, rejected FROM shap_r_train', 'SELECT id, chosen, rejected FROM shap_r_valid', utility => 'reward')$$,
  '22023', 'pair_shapley: method exact needs the knn utility', 'exact refuses the reward utility');
SELECT throws_ok($$SELECT * FROM pref.pair_shapley('SELECT id, chosen, rejected FROM shap_r_train', 'SELECT id, chosen, rejected FROM shap_r_valid', method => 'tmc', utility => 'svm')$$,
  '22023', 'invalid value for argument utility: "svm"', 'unknown pair utility');
SELECT ok((SELECT bool_and(abs(s.value - e.value) <= 3 * s.std_error) FROM pref.pair_shapley('SELECT id, chosen, rejected FROM shap_r_train ORDER BY id', 'SELECT id, chosen, rejected FROM shap_r_valid',
             method => 'tmc', permutations => 2000, tol => 0, truncation => 0, seed => 1) s
           JOIN shap_expect e ON e.dataset = 'r' AND e.method = 'reward_shapley' AND e.id = s.id),
          'reward TMC (default utility) within 3 standard errors of the exact Shapley values');
SELECT ok((SELECT bool_and(abs(s.value - e.value) <= 3 * s.std_error) FROM pref.pair_shapley('SELECT id, chosen, rejected FROM shap_r_train ORDER BY id', 'SELECT id, chosen, rejected FROM shap_r_valid',
             method => 'banzhaf', permutations => 4000, tol => 0, seed => 1) s
           JOIN shap_expect e ON e.dataset = 'r' AND e.method = 'reward_banzhaf' AND e.id = s.id),
          'reward Banzhaf within 3 standard errors of the exact Banzhaf values');
SELECT ok((SELECT count(*) FROM pref.pair_shapley('SELECT id, chosen, rejected FROM shap_r_train ORDER BY id', 'SELECT id, chosen, rejected FROM shap_r_valid', method => 'banzhaf', seed => 5, permutations => 300)
           s1 JOIN pref.pair_shapley('SELECT id, chosen, rejected FROM shap_r_train ORDER BY id', 'SELECT id, chosen, rejected FROM shap_r_valid', method => 'banzhaf', seed => 5, permutations => 300) s2
           USING (id) WHERE s1.value = s2.value AND s1.std_error = s2.std_error) = 8,
          'reward Banzhaf reproducible for a seed');

-- data full of ties (test/ref/shapley_ties_ref.py, exact arithmetic): the
-- neighbour order is the exact distance, then the smaller id (the ids are
-- shuffled against the row order); the same under every OpenBLAS kernel
CREATE FUNCTION pg_temp.tie_dev(ds text, meth text, k int, call text) RETURNS float8 LANGUAGE plpgsql AS $f$
DECLARE r float8;
BEGIN
	EXECUTE format($q$SELECT coalesce(max(abs(s.value - e.value)), 1) + CASE WHEN count(*) = count(s.id) AND count(*) = count(e.id) THEN 0 ELSE 1 END
	                  FROM (%s) s FULL JOIN (SELECT * FROM tie_expect WHERE dataset = %L AND method = %L AND k = %s) e USING (id)$q$,
	               call, ds, meth, k) INTO r;
	RETURN r;
END $f$;
SELECT ok((SELECT max(pg_temp.tie_dev('t', 'shapley', k, format($$SELECT * FROM pref.knn_shapley('SELECT * FROM tie_t_train', 'SELECT * FROM tie_t_valid', %s)$$, k))) FROM unnest(ARRAY[1, 3, 5]) k) < 1e-12,
          'ties, integer grid (l2): KNN-Shapley = exact values, k = 1, 3, 5');
SELECT ok((SELECT max(pg_temp.tie_dev('t', 'shapley', k, format($$SELECT * FROM pref.knn_shapley('SELECT * FROM tie_t_train ORDER BY id DESC', 'SELECT * FROM tie_t_valid', %s)$$, k))) FROM unnest(ARRAY[1, 3, 5]) k) < 1e-12,
          'ties, integer grid: the order of the training rows does not matter');
SELECT ok((SELECT max(pg_temp.tie_dev('c', 'shapley', k, format($$SELECT * FROM pref.knn_shapley('SELECT * FROM tie_c_train', 'SELECT * FROM tie_c_valid', %s, 'cosine')$$, k))) FROM unnest(ARRAY[1, 3, 5]) k) < 1e-12,
          'ties, 24-cell (cosine): KNN-Shapley = exact values, k = 1, 3, 5');
SELECT ok((SELECT max(pg_temp.tie_dev('p', 'shapley', k, format($$SELECT * FROM pref.pair_shapley('SELECT * FROM tie_p_train', 'SELECT * FROM tie_p_valid', k => %s)$$, k))) FROM unnest(ARRAY[1, 3, 5]) k) < 1e-12,
          'ties, integer pairs (orthogonal and reversed): pair KNN-Shapley = exact values, k = 1, 3, 5');
SELECT ok((SELECT max(pg_temp.tie_dev('g', 'shapley', k, format($$SELECT * FROM pref.knn_shapley('SELECT * FROM tie_g_train', 'SELECT * FROM tie_g_valid', %s)$$, k))) FROM unnest(ARRAY[1, 3, 5]) k) < 1e-12,
          'ties, curation grid (1.2, 3.3, ...): KNN-Shapley = exact values on the scalar distances, k = 1, 3, 5');
SELECT ok(pg_temp.tie_dev('t', 'loo', 3, $$SELECT * FROM pref.data_shapley('SELECT * FROM tie_t_train', 'SELECT * FROM tie_t_valid', method => 'loo', k => 3)$$) < 1e-12,
          'ties, integer grid: leave-one-out of the KNN utility = exact values');
SELECT ok(pg_temp.tie_dev('c', 'loo', 3, $$SELECT * FROM pref.data_shapley('SELECT * FROM tie_c_train', 'SELECT * FROM tie_c_valid', method => 'loo', k => 3, metric => 'cosine')$$) < 1e-12,
          'ties, 24-cell: leave-one-out of the KNN utility = exact values');
SELECT ok(pg_temp.tie_dev('p', 'loo', 3, $$SELECT * FROM pref.pair_shapley('SELECT * FROM tie_p_train', 'SELECT * FROM tie_p_valid', method => 'loo', utility => 'knn', k => 3)$$) < 1e-12,
          'ties, integer pairs: leave-one-out of the pair KNN utility = exact values');
SELECT ok(pg_temp.tie_dev('g', 'loo', 3, $$SELECT * FROM pref.data_shapley('SELECT * FROM tie_g_train', 'SELECT * FROM tie_g_valid', method => 'loo', k => 3)$$) < 1e-12,
          'ties, curation grid: leave-one-out of the KNN utility = exact values');
SET LOCAL work_mem = 64;
SELECT ok(pg_temp.tie_dev('g', 'shapley', 3, $$SELECT * FROM pref.knn_shapley('SELECT * FROM tie_g_train', 'SELECT * FROM tie_g_valid', 3)$$) < 1e-12,
          'ties, curation grid: one validation row per block (tiny work_mem), same exact values');
RESET work_mem;

SELECT * FROM finish();
ROLLBACK;
