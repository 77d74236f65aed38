-- pgpref dashboard: jobs on top of the demo's tables (test/demo.sql and
-- test/demo.d/*.sql must have run in this database), so that every page of
-- the dashboard has rows.  test/dashboard.sh runs it; pg_cron then runs the
-- leaderboard job once more (see there).
--
-- What the demo already has: the health job (pref.data_health_daily), a
-- binarize job and the arena leaderboard job (two runs).  This adds:
--   * two more arena batches and runs, so the leaderboard has a history;
--   * a valuation job over the demo's 200 labeled embeddings (10 flipped
--     labels), with a training subset (pref.valuation_summary, pref.data_values);
--   * a health job whose source table does not exist: it fails, so the job
--     page has a failure to put first.
\set ON_ERROR_STOP on
SET search_path = public, pref;
SET client_min_messages = warning;
\pset footer off
SELECT setseed(0.42) \g /dev/null

-- more arena battles, same true strengths as the demo's, then a run each
CREATE TEMP TABLE strength (k int, model text, theta float8);
INSERT INTO strength VALUES (1, 'alpha', 1.0), (2, 'bravo', 0.55), (3, 'charlie', 0.25), (4, 'delta', 0.2), (5, 'echo', -0.6), (6, 'foxtrot', -1.4);
CREATE PROCEDURE pg_temp.fight(n int) LANGUAGE sql AS $$
  INSERT INTO arena_battles (model_a, model_b, a_wins, fought_at)
  SELECT a.model, b.model, random() < 1 / (1 + exp(b.theta - a.theta)), now()
  FROM (SELECT g, 1 + floor(random() * 6)::int AS i, 1 + floor(random() * 5)::int AS j FROM generate_series(1, n) g) r
  JOIN strength a ON a.k = r.i JOIN strength b ON b.k = 1 + (r.i - 1 + r.j) % 6
  ORDER BY r.g
$$;
CALL pg_temp.fight(400);
CALL pref.run_job('arena');
CALL pg_temp.fight(400);
CALL pref.run_job('arena');

-- data values of 200 labeled embeddings (the demo's valuation data,
-- test/demo.d/50_shapley.sql, which drops its tables: ids 20, 40, ... have
-- flipped labels), and 40 rows picked for training
CREATE TABLE dash_train AS
SELECT g AS id,
       ARRAY[s * 1.0 + 0.8 * sin(g * 1.3), s * 1.0 + 0.8 * cos(g * 0.7), 0.8 * sin(g * 2.1), s * 0.5 + 0.8 * cos(g * 1.9)]::real[] AS embedding,
       CASE WHEN g % 20 = 0 THEN 1 - c ELSE c END::bigint AS label
FROM generate_series(1, 200) g, LATERAL (SELECT g % 2 AS c, CASE WHEN g % 2 = 1 THEN 1 ELSE -1 END AS s) k;
CREATE TABLE dash_valid AS
SELECT ARRAY[s * 1.0 + 0.8 * sin(g * 0.9), s * 1.0 + 0.8 * cos(g * 1.1), 0.8 * sin(g * 1.7), s * 0.5 + 0.8 * cos(g * 2.3)]::real[] AS embedding,
       c::bigint AS label
FROM generate_series(1, 60) g, LATERAL (SELECT g % 2 AS c, CASE WHEN g % 2 = 1 THEN 1 ELSE -1 END AS s) k;
SELECT pref.define_job('train_values', 'valuation', '{
  "dataset": "dash_train",
  "train": "SELECT id, embedding, label FROM dash_train",
  "valid": "SELECT embedding, label FROM dash_valid",
  "k": 5,
  "subset": "SELECT id, embedding FROM dash_train",
  "subset_k": 40}') \g /dev/null
CALL pref.run_job('train_values');

-- a job that fails: its source table was never created
SELECT pref.define_job('archive_health', 'health',
  '{"source": "SELECT labelled_at, item_id, annotator, label FROM labels_archive"}') \g /dev/null
SET client_min_messages = error;   -- the failure's WARNING
CALL pref.run_job('archive_health');
RESET client_min_messages;

