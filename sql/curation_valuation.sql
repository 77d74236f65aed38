-- Valuation job: data values and a training subset for a named data set,
-- checked against direct calls of pref.knn_shapley / pref.data_shapley /
-- pref.select_subset; the summary view against percentile_cont in SQL.
SET search_path = public, pref;
-- 30 training rows on a 2-D grid, label = (x > y), rows 3, 11, 19, 27 flipped
CREATE TABLE val_train (id bigint, features float8[], label int);
INSERT INTO val_train
SELECT g, ARRAY[(g % 6)::float8, (g / 6)::float8 + 0.1 * (g % 3)],
       CASE WHEN g IN (3, 11, 19, 27) THEN 1 - ((g % 6) > (g / 6))::int ELSE ((g % 6) > (g / 6))::int END
FROM generate_series(0, 29) g;
CREATE TABLE val_valid (features float8[], label int);
INSERT INTO val_valid
SELECT ARRAY[x + 0.5, y + 0.3], (x + 0.5 > y + 0.3)::int FROM generate_series(0, 4) x, generate_series(0, 3) y;

SELECT pref.define_job('val_knn', 'valuation', '{
  "dataset": "grid",
  "train": "SELECT id, features, label FROM val_train ORDER BY id",
  "valid": "SELECT features, label FROM val_valid",
  "k": 3,
  "subset": "SELECT id, features FROM val_train",
  "subset_k": 6, "subset_metric": "l2"}');
CALL pref.run_job('val_knn');
SELECT status, rows_read, rows_written, error FROM pref.runs WHERE job = 'val_knn';

-- the stored values equal a direct call
WITH ref AS (SELECT * FROM pref.knn_shapley('SELECT id, features, label FROM val_train ORDER BY id',
                                            'SELECT features, label FROM val_valid', k => 3))
SELECT count(*) AS rows_valued, max(abs(v.value - ref.value)) AS max_diff,
       bool_and(v.harmful = (ref.value < 0)) AS harmful_flag, bool_and(v.dataset = 'grid') AS dataset
FROM pref.data_values v JOIN ref USING (id) WHERE v.job = 'val_knn';
-- the harmful rows: three of the four flipped rows come first
SELECT id, round(value::numeric, 6) AS value FROM pref.data_values WHERE job = 'val_knn' AND harmful ORDER BY value;

-- the subset equals select_subset over the rows that are not harmful
SELECT s.id, s.pick, round(s.gain::numeric, 6) AS gain, round(s.objective::numeric, 6) AS objective,
       s.id = ref.id AND s.gain = ref.gain AND s.objective = ref.objective AS equals_direct
FROM pref.training_subset s
JOIN pref.select_subset('SELECT id, features FROM val_train WHERE id NOT IN (SELECT id FROM pref.knn_shapley(
       ''SELECT id, features, label FROM val_train ORDER BY id'', ''SELECT features, label FROM val_valid'', k => 3) WHERE value < 0)',
       6, metric => 'l2') ref USING (pick)
WHERE s.job = 'val_knn' ORDER BY s.pick;

-- summary view against SQL over the direct values
SELECT job, dataset, rows_valued, harmful_rows, round(harmful_share::numeric, 6) AS harmful_share,
       round(harmful_value::numeric, 6) AS harmful_value, round(min_value::numeric, 6) AS min_value,
       round(median::numeric, 6) AS median, round(max_value::numeric, 6) AS max_value,
       round(total_value::numeric, 6) AS total_value, selected_rows, computed_at IS NOT NULL AS computed
FROM pref.valuation_summary WHERE job = 'val_knn';
WITH ref AS (SELECT * FROM pref.knn_shapley('SELECT id, features, label FROM val_train ORDER BY id',
                                            'SELECT features, label FROM val_valid', k => 3))
SELECT abs(s.p05 - percentile_cont(0.05) WITHIN GROUP (ORDER BY ref.value)) < 1e-12 AS p05,
       abs(s.p25 - percentile_cont(0.25) WITHIN GROUP (ORDER BY ref.value)) < 1e-12 AS p25,
       abs(s.median - percentile_cont(0.5) WITHIN GROUP (ORDER BY ref.value)) < 1e-12 AS median,
       abs(s.p75 - percentile_cont(0.75) WITHIN GROUP (ORDER BY ref.value)) < 1e-12 AS p75,
       abs(s.p95 - percentile_cont(0.95) WITHIN GROUP (ORDER BY ref.value)) < 1e-12 AS p95,
       abs(s.mean_value - avg(ref.value)) < 1e-12 AS mean,
       s.harmful_rows = count(*) FILTER (WHERE ref.value < 0) AS harmful
FROM ref, pref.valuation_summary s WHERE s.job = 'val_knn'
GROUP BY s.p05, s.p25, s.median, s.p75, s.p95, s.mean_value, s.harmful_rows;

-- a Monte-Carlo method (Banzhaf, fixed seed), harmful rows kept in the subset, dpp with quality
SELECT pref.define_job('val_mc', 'valuation', '{
  "train": "SELECT id, features, label FROM val_train ORDER BY id",
  "valid": "SELECT features, label FROM val_valid",
  "method": "banzhaf", "permutations": 300, "seed": 7, "tolerance": 0, "k": 3,
  "subset": "SELECT id, features, 1.0 + id / 30.0 FROM val_train",
  "subset_k": 4, "subset_method": "dpp", "subset_metric": "l2", "exclude_harmful": false}');
SET client_min_messages = warning;
CALL pref.run_job('val_mc');
RESET client_min_messages;
SELECT dataset, status, rows_read, rows_written FROM pref.runs r JOIN pref.valuation_summary s USING (job, run_id) WHERE job = 'val_mc';
SET client_min_messages = warning;
WITH ref AS (SELECT * FROM pref.data_shapley('SELECT id, features, label FROM val_train ORDER BY id',
                                             'SELECT features, label FROM val_valid', method => 'banzhaf',
                                             permutations => 300, seed => 7, tol => 0, k => 3))
SELECT count(*) AS rows_valued, max(abs(v.value - ref.value)) AS max_diff, max(abs(v.std_error - ref.std_error)) AS max_se_diff
FROM pref.data_values v JOIN ref USING (id) WHERE v.job = 'val_mc';
SELECT array_agg(s.id ORDER BY s.pick) = (SELECT array_agg(id ORDER BY pick) FROM pref.select_subset(
         'SELECT id, features, 1.0 + id / 30.0 FROM val_train', 4, method => 'dpp', metric => 'l2')) AS subset_equals_direct
FROM pref.training_subset s WHERE s.job = 'val_mc';
RESET client_min_messages;

-- a rerun replaces the job's rows (idempotent)
CALL pref.run_job('val_knn');
SELECT count(*) AS values, count(DISTINCT run_id) AS runs FROM pref.data_values WHERE job = 'val_knn';
SELECT count(*) AS picks, count(DISTINCT run_id) AS runs FROM pref.training_subset WHERE job = 'val_knn';

-- bad input: missing params are errors when the job is defined; bad values
-- are logged as failed runs, earlier results kept
SELECT pref.define_job('val_bad', 'valuation', '{"train": "SELECT id, features, label FROM val_train"}');
SELECT pref.define_job('val_bad', 'valuation', '{"train": "SELECT id, features, label FROM val_train", "valid": "SELECT features, label FROM val_valid", "subset": "SELECT id, features FROM val_train"}');
SELECT pref.define_job('val_bad', 'valuation', '{"train": "SELECT id, features, label FROM val_train", "valid": "SELECT features, label FROM val_valid", "method": "magic"}');
CALL pref.run_job('val_bad');
SELECT pref.define_job('val_bad', 'valuation', '{"train": "SELECT id, features FROM val_train", "valid": "SELECT features, label FROM val_valid"}');
CALL pref.run_job('val_bad');
SELECT status, error FROM pref.runs WHERE job = 'val_bad' ORDER BY run_id;
SELECT count(*) AS kept FROM pref.data_values WHERE job = 'val_knn';
