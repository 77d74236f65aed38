-- Data for the BI driver test (test/bi.sh): every job kind runs so that every
-- pgpref table and view has rows; one job fails so that error texts and
-- failure counts are there too.  Runs in a fresh database with pgpref.
\set ON_ERROR_STOP on
SET client_min_messages = warning;
SELECT setseed(0.25);

-- health and binarize: labels of four annotators over two days, rated responses
CREATE TABLE bi_labels (labelled_at timestamptz, item_id bigint, annotator text, label text);
INSERT INTO bi_labels
SELECT timestamptz '2024-06-03 09:00+00' + ((i / 10) || ' days')::interval, i, 'ann_' || a,
       CASE WHEN random() < 0.15 THEN '<' WHEN i % 7 = 0 THEN '=' ELSE '>' END
FROM generate_series(1, 20) i, unnest(ARRAY['a', 'b', 'c', 'd']) a;
CREATE TABLE bi_rated (prompt_id bigint, response_id bigint, attrs float8[]);
INSERT INTO bi_rated
SELECT p, p * 10 + r, ARRAY[(5 - r) + random(), 1 + 3 * random()]
FROM generate_series(1, 5) p, generate_series(1, 4) r;
SELECT pref.define_job('bi_health', 'health',
  '{"source": "SELECT labelled_at, item_id, annotator, label FROM bi_labels", "mislabel_threshold": 0.9}');
SELECT pref.define_job('bi_pairs', 'binarize',
  '{"source": "SELECT prompt_id, response_id, attrs FROM bi_rated", "strategy": "best_vs_worst", "weights": [0.7, 0.3]}');
CALL pref.run_job('bi_health');
CALL pref.run_job('bi_pairs');

-- leaderboard: text items (one with a quote, a tab and a non-ASCII letter), two incremental runs
CREATE TABLE bi_battles (id bigint GENERATED ALWAYS AS IDENTITY, winner text, loser text);
INSERT INTO bi_battles (winner, loser)
SELECT w, l FROM (SELECT (ARRAY['alpha', 'bravo', 'o''neil', E'tab\there', 'zoë'])[1 + floor(random() * 5)::int] AS w,
                         (ARRAY['alpha', 'bravo', 'o''neil', E'tab\there', 'zoë'])[1 + floor(random() * 5)::int] AS l
                  FROM generate_series(1, 200)) s WHERE w <> l;
SELECT pref.define_job('bi_arena', 'leaderboard', '{"source": "SELECT id, winner, loser FROM bi_battles"}');
CALL pref.run_job('bi_arena');
INSERT INTO bi_battles (winner, loser) VALUES ('alpha', 'zoë'), ('bravo', 'alpha'), ('zoë', 'o''neil');
CALL pref.run_job('bi_arena');

-- valuation with a subset
CREATE TABLE bi_train (id bigint, features float8[], label int);
INSERT INTO bi_train
SELECT g, ARRAY[(g % 5)::float8, (g / 5)::float8], CASE WHEN g IN (3, 12) THEN 1 - ((g % 5) > (g / 5))::int ELSE ((g % 5) > (g / 5))::int END
FROM generate_series(0, 24) g;
CREATE TABLE bi_valid (features float8[], label int);
INSERT INTO bi_valid SELECT ARRAY[x + 0.5, y + 0.3], (x + 0.5 > y + 0.3)::int FROM generate_series(0, 3) x, generate_series(0, 3) y;
SELECT pref.define_job('bi_values', 'valuation', '{"dataset": "grid",
  "train": "SELECT id, features, label FROM bi_train ORDER BY id", "valid": "SELECT features, label FROM bi_valid",
  "k": 3, "subset": "SELECT id, features FROM bi_train", "subset_k": 5, "subset_metric": "l2"}');
CALL pref.run_job('bi_values');

-- a failing job: its error message reaches pref.runs and pref.job_status
SELECT pref.define_job('bi_broken', 'leaderboard', '{"source": "SELECT 1 AS id, 2 AS winner"}');
CALL pref.run_job('bi_broken');

