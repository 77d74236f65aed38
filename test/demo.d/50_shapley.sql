-- pgpref demo: data valuation (docs/valuation.md)
\set ON_ERROR_STOP on
\pset footer off
SET search_path = public, pref;
SET client_min_messages = warning;

\echo '### Data valuation: 200 labeled embeddings, 10 labels flipped on purpose'
-- two classes around (+1, +1, ...) and (-1, -1, ...), deterministic jitter
CREATE TABLE shap_train AS
SELECT g AS id,
       ARRAY[s * 1.0 + 0.8 * sin(g * 1.3), s * 1.0 + 0.8 * cos(g * 0.7), 0.8 * sin(g * 2.1), s * 0.5 + 0.8 * cos(g * 1.9)]::real[] AS embedding,
       CASE WHEN g % 20 = 0 THEN 1 - c ELSE c END::bigint AS label,   -- ids 20, 40, ... are mislabeled
       g % 20 = 0 AS flipped
FROM generate_series(1, 200) g, LATERAL (SELECT g % 2 AS c, CASE WHEN g % 2 = 1 THEN 1 ELSE -1 END AS s) k;
CREATE TABLE shap_valid AS
SELECT ARRAY[s * 1.0 + 0.8 * sin(g * 0.9), s * 1.0 + 0.8 * cos(g * 1.1), 0.8 * sin(g * 1.7), s * 0.5 + 0.8 * cos(g * 2.3)]::real[] AS embedding,
       c::bigint AS label
FROM generate_series(1, 60) g, LATERAL (SELECT g % 2 AS c, CASE WHEN g % 2 = 1 THEN 1 ELSE -1 END AS s) k;

\echo '### The 10 most harmful rows by exact KNN-Shapley (k = 5): the flipped labels'
SELECT v.id, round(v.value::numeric, 6) AS value, t.label, t.flipped
FROM pref.knn_shapley('SELECT id, embedding, label FROM shap_train', 'SELECT embedding, label FROM shap_valid', k => 5) v
JOIN shap_train t USING (id)
ORDER BY v.value LIMIT 10;

\echo '### How many flipped rows each method puts among its 10 lowest values'
WITH exact AS (SELECT id, value FROM pref.knn_shapley('SELECT id, embedding, label FROM shap_train', 'SELECT embedding, label FROM shap_valid')),
tmc AS (SELECT id, value FROM pref.data_shapley('SELECT id, embedding, label FROM shap_train', 'SELECT embedding, label FROM shap_valid', permutations => 200, seed => 1)),
banzhaf AS (SELECT id, value FROM pref.data_shapley('SELECT id, embedding, label FROM shap_train', 'SELECT embedding, label FROM shap_valid', method => 'banzhaf', permutations => 2000, seed => 1)),
logistic AS (SELECT id, value FROM pref.data_shapley('SELECT id, embedding, label FROM shap_train', 'SELECT embedding, label FROM shap_valid', utility => 'logistic', method => 'loo')),
ranked AS (
  SELECT 'exact knn_shapley' AS method, id, rank() OVER (ORDER BY value, id) AS r FROM exact
  UNION ALL SELECT 'tmc, 200 permutations', id, rank() OVER (ORDER BY value, id) FROM tmc
  UNION ALL SELECT 'banzhaf, 2000 samples', id, rank() OVER (ORDER BY value, id) FROM banzhaf
  UNION ALL SELECT 'leave-one-out, logistic', id, rank() OVER (ORDER BY value, id) FROM logistic)
SELECT method, count(*) FILTER (WHERE t.flipped AND r <= 10) AS flipped_in_bottom_10
FROM ranked JOIN shap_train t USING (id) GROUP BY method ORDER BY method;

\echo '### Preference pairs: value each training comparison (chosen, rejected embeddings)'
CREATE TABLE shap_pairs AS
SELECT g AS id,
       CASE WHEN g % 10 = 0 THEN b ELSE a END AS chosen,   -- every 10th pair is reversed
       CASE WHEN g % 10 = 0 THEN a ELSE b END AS rejected
FROM generate_series(1, 50) g,
     LATERAL (SELECT ARRAY[1 + 0.5 * sin(g), 0.5 * cos(g * 1.7), 0.3 * sin(g * 0.3)]::real[] AS a,
                     ARRAY[0.5 * sin(g * 2.2), 0.5 * cos(g), 0.3 * cos(g * 0.9)]::real[] AS b) x;
CREATE TABLE shap_pairs_valid AS
SELECT g AS id, ARRAY[1 + 0.5 * cos(g), 0.5 * sin(g * 1.3), 0.3 * cos(g)]::real[] AS chosen,
       ARRAY[0.5 * cos(g * 2.5), 0.5 * sin(g), 0.3 * sin(g * 0.7)]::real[] AS rejected
FROM generate_series(1, 20) g;
\echo '### The 5 lowest pair values, exact: KNN rule on difference vectors (method exact, utility knn)'
SELECT v.id, round(v.value::numeric, 6) AS value, v.id % 10 = 0 AS reversed
FROM pref.pair_shapley('SELECT id, chosen, rejected FROM shap_pairs', 'SELECT id, chosen, rejected FROM shap_pairs_valid', k => 3) v
ORDER BY v.value LIMIT 5;
\echo '### The 5 lowest pair values, TMC: Bradley-Terry reward model re-fitted per coalition (utility reward, the Monte-Carlo default)'
SELECT v.id, round(v.value::numeric, 6) AS value, round(v.std_error::numeric, 6) AS std_error, v.id % 10 = 0 AS reversed
FROM pref.pair_shapley('SELECT id, chosen, rejected FROM shap_pairs ORDER BY id', 'SELECT id, chosen, rejected FROM shap_pairs_valid',
                       method => 'tmc', permutations => 200, seed => 1) v
ORDER BY v.value LIMIT 5;

\echo '### Bad input is rejected with a clear error'
\set ON_ERROR_STOP off
SELECT * FROM pref.knn_shapley('SELECT id, embedding FROM shap_train', 'SELECT embedding, label FROM shap_valid');
SELECT * FROM pref.data_shapley('SELECT id, embedding, label FROM shap_train', 'SELECT embedding, label FROM shap_valid', method => 'owen');
\set ON_ERROR_STOP on
DROP TABLE shap_train, shap_valid, shap_pairs, shap_pairs_valid;
