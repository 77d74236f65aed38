-- Curation: from rated responses and multi-annotator labels to clean pairs,
-- agreement, calibration, a scheduled job and a dashboard picture.
\set ON_ERROR_STOP on
\pset footer off
SET search_path = public, pref;
SET client_min_messages = warning;
SELECT setseed(0.8);

\echo
\echo '### Curation: rated responses (helpfulness, correctness, coherence) per prompt'
CREATE TABLE rated_responses (prompt_id bigint, response_id bigint, model text, attrs float8[], overall float8);
INSERT INTO rated_responses
SELECT p, p * 10 + r, (ARRAY['alpha', 'bravo', 'charlie', 'delta'])[r],
       ARRAY[h, c, k], round(((h + c + k) / 3)::numeric, 2)
FROM generate_series(1, 6) p, generate_series(1, 4) r,
     LATERAL (SELECT least(5, greatest(1, round((5 - r) * 0.8 + random() * 2 + 0 * p)))::float8 AS h,
                     least(5, greatest(1, round((5 - r) * 0.7 + random() * 2.5 + 0 * p)))::float8 AS c,
                     least(5, greatest(1, round(3 + random() * 2 + 0 * p + 0 * r)))::float8 AS k) s;
SELECT prompt_id, response_id, model, attrs, overall FROM rated_responses WHERE prompt_id <= 2 ORDER BY 1, 2;

\echo '### Ratings to pairs: four strategies (weights 0.5 helpfulness, 0.3 correctness, 0.2 coherence)'
SELECT s AS strategy, count(*) AS pairs, round(avg(margin)::numeric, 3) AS mean_margin
FROM unnest(ARRAY['best_vs_random', 'best_vs_worst', 'best_vs_all', 'all_pairs']) s,
     pref.binarize('SELECT prompt_id, response_id, attrs FROM rated_responses', s, 0.5, 42, '{0.5,0.3,0.2}')
GROUP BY s ORDER BY pairs;
SELECT b.prompt_id, b.chosen, c.model AS chosen_model, b.rejected, r.model AS rejected_model, round(b.margin::numeric, 2) AS margin
FROM pref.binarize('SELECT prompt_id, response_id, attrs FROM rated_responses', 'best_vs_random', 0.5, 42, '{0.5,0.3,0.2}') b
JOIN rated_responses c ON c.response_id = b.chosen JOIN rated_responses r ON r.response_id = b.rejected
ORDER BY b.prompt_id;

\echo '### Four annotators label 40 comparisons over three days (ann_d is careless)'
CREATE TABLE labels (labelled_at timestamptz, item_id bigint, annotator text, label text);
INSERT INTO labels
SELECT timestamptz '2024-06-03 09:00+00' + (((i - 1) / 14) || ' days')::interval + ((ascii(a) - 96) || ' hours')::interval, i, 'ann_' || a,
       CASE WHEN a = 'd' AND random() < 0.5 THEN (ARRAY['>', '<', '='])[1 + floor(random() * 3)::int]
            WHEN random() < 0.12 THEN (ARRAY['>', '<', '='])[1 + floor(random() * 3)::int]
            ELSE t END
FROM generate_series(1, 40) i, unnest(ARRAY['a', 'b', 'c', 'd']) a,
     LATERAL (SELECT CASE WHEN i % 9 = 0 THEN '=' WHEN i % 3 = 0 THEN '<' ELSE '>' END AS t) truth;
INSERT INTO labels VALUES ('2024-06-05 18:00+00', 4, 'ann_a', '>');  -- a relabel: the latest counts

\echo '### Agreement per day: Fleiss kappa, Krippendorff alpha; Cohen kappa for ann_a vs ann_b'
WITH d AS (SELECT DISTINCT ON (item_id, annotator) * FROM labels ORDER BY item_id, annotator, labelled_at DESC)
SELECT (labelled_at AT TIME ZONE 'UTC')::date AS day, count(*) AS labels,
       round(pref.fleiss_kappa(item_id, label)::numeric, 3) AS fleiss_kappa,
       round(pref.krippendorff_alpha(item_id, label)::numeric, 3) AS krippendorff_alpha
FROM d GROUP BY 1 ORDER BY 1;
SELECT round(pref.cohen_kappa(a.label, b.label)::numeric, 3) AS cohen_ab,
       round(pref.cohen_kappa(a.label, d.label)::numeric, 3) AS cohen_ad
FROM (SELECT DISTINCT ON (item_id) * FROM labels WHERE annotator = 'ann_a' ORDER BY item_id, labelled_at DESC) a
JOIN labels b ON b.item_id = a.item_id AND b.annotator = 'ann_b'
JOIN labels d ON d.item_id = a.item_id AND d.annotator = 'ann_d';

\echo '### Dawid-Skene: annotator reliability (the careless annotator is found) and labels vs majority vote'
CREATE VIEW latest_labels AS
  SELECT DISTINCT ON (item_id, annotator) item_id, annotator, label FROM labels ORDER BY item_id, annotator, labelled_at DESC;
SELECT annotator, labelled, round(accuracy::numeric, 3) AS accuracy, iterations, converged
FROM pref.dawid_skene_annotators('SELECT * FROM latest_labels') ORDER BY accuracy DESC;
SELECT d.item_id, d.label AS em_label, round(d.probability::numeric, 3) AS p, m.label AS majority, m.tied
FROM pref.dawid_skene('SELECT * FROM latest_labels') d JOIN pref.majority_vote('SELECT * FROM latest_labels') m USING (item_id)
WHERE d.label IS DISTINCT FROM m.label OR m.tied ORDER BY 1;

\echo '### Calibration of a reward model''s win probabilities against human labels'
CREATE TABLE rm_eval (pair_id int, rm_prob float8, human_prefers_first boolean);
INSERT INTO rm_eval
SELECT g, p, random() < 0.5 + (p - 0.5) * 0.7   -- the model is over-confident
FROM generate_series(1, 2000) g, LATERAL (SELECT least(0.999, greatest(0.001, 0.5 + (random() - 0.5) * 1.1 + (random() - 0.5) * 0.3 + 0 * g)) AS p) s;
SELECT (pref.calibration(rm_prob, human_prefers_first)).* FROM rm_eval;
SELECT bin, round(lower::numeric, 1) AS lower, round(upper::numeric, 1) AS upper, round(mean_predicted::numeric, 3) AS mean_predicted,
       round(observed_frequency::numeric, 3) AS observed, count
FROM pref.reliability_bins('SELECT rm_prob, human_prefers_first FROM rm_eval', 10);

\echo '### A nightly job (what pg_cron would CALL), its run log and the dashboard views'
SELECT pref.define_job('nightly_health', 'health',
  '{"source": "SELECT labelled_at, item_id, annotator, label FROM labels", "mislabel_threshold": 0.9}');
SELECT pref.define_job('nightly_pairs', 'binarize',
  '{"source": "SELECT prompt_id, response_id, attrs FROM rated_responses", "strategy": "best_vs_worst", "weights": [0.5, 0.3, 0.2]}');
CALL pref.run_job('nightly_health');
CALL pref.run_job('nightly_pairs');
SELECT run_id, job, status, rows_read, rows_written FROM pref.runs ORDER BY run_id;
SET TimeZone = 'UTC';
SELECT day, labels, items, annotators, round(tie_rate::numeric, 3) AS tie_rate, round(agreement::numeric, 3) AS agreement,
       round(likely_mislabeled_share::numeric, 3) AS mislabeled, round(duplicates_share::numeric, 3) AS duplicates
FROM pref.data_health_daily ORDER BY day;
SELECT job, kind, last_status, runs, failures FROM pref.job_status ORDER BY job;
\echo 'schedule it:  SELECT cron.schedule(''pgpref-nightly'', ''15 2 * * *'', $$CALL pref.run_job(''nightly_health'')$$);'

\echo '### Arena battles between the six models, a leaderboard job fed in two batches (incremental)'
CREATE TABLE arena_battles (id bigint GENERATED ALWAYS AS IDENTITY, model_a text, model_b text, a_wins boolean, fought_at timestamptz);
CREATE TEMP TABLE strength (k int, model text, theta float8);   -- true log-strengths, unknown to the job
INSERT INTO strength VALUES (1, 'alpha', 1.0), (2, 'bravo', 0.55), (3, 'charlie', 0.25), (4, 'delta', 0.2), (5, 'echo', -0.6), (6, 'foxtrot', -1.4);
CREATE PROCEDURE pg_temp.fight(n int) LANGUAGE sql AS $$
  INSERT INTO arena_battles (model_a, model_b, a_wins, fought_at)
  SELECT a.model, b.model, random() < 1 / (1 + exp(b.theta - a.theta)), now()
  FROM (SELECT g, 1 + floor(random() * 6)::int AS i, 1 + floor(random() * 5)::int AS j FROM generate_series(1, n) g) r
  JOIN strength a ON a.k = r.i JOIN strength b ON b.k = 1 + (r.i - 1 + r.j) % 6
  ORDER BY r.g
$$;
CALL pg_temp.fight(500);
SELECT pref.define_job('arena', 'leaderboard', '{
  "source": "SELECT id, CASE WHEN a_wins THEN model_a ELSE model_b END, CASE WHEN a_wins THEN model_b ELSE model_a END FROM arena_battles"}');
CALL pref.run_job('arena');
CALL pg_temp.fight(300);    -- tomorrow's battles: the next run tallies only these and merges
CALL pref.run_job('arena');
SELECT run_id, status, rows_read, rows_written FROM pref.runs WHERE job = 'arena' ORDER BY run_id;
SELECT item AS model, round(rating) AS elo, round(lower) AS lower, round(upper) AS upper, rank, wins, losses, games
FROM pref.leaderboard_current WHERE job = 'arena' ORDER BY place;
\echo '### Active labelling: the next comparisons that would narrow the leaderboard most'
SELECT item_a, item_b, round(win_prob::numeric, 3) AS win_prob, round(std_error::numeric, 3) AS std_error_diff,
       round(score::numeric, 6) AS score
FROM pref.next_comparisons((SELECT pref.bradley_terry(tally) FROM pref.leaderboard_state WHERE job = 'arena'), 3);

\echo '### Dashboard picture: Bradley-Terry leaderboard with 95% intervals (pref.leaderboard_current), and the reliability diagram'
\set tmpdir `mktemp -d /tmp/pgpref-curation.XXXXXX`
\pset format unaligned
\pset tuples_only on
\pset fieldsep ' '
\set lbfile :tmpdir '/leaderboard.dat'
\o :lbfile
SELECT place - 1, item, rating, lower, upper FROM pref.leaderboard_current WHERE job = 'arena' ORDER BY place;
\o
\set relfile :tmpdir '/reliability.dat'
\o :relfile
SELECT mean_predicted, observed_frequency, count FROM pref.reliability_bins('SELECT rm_prob, human_prefers_first FROM rm_eval', 10) WHERE count > 0;
\o
\setenv PGPREF_CURATION_DATA :tmpdir
\! if command -v gnuplot >/dev/null; then mkdir -p docs/img && gnuplot test/demo.d/80_curation.gp && echo "curation: dashboard image written to $(pwd)/docs/img/curation_dashboard.svg"; else echo "curation: gnuplot not found (apt-get install gnuplot-nox, see test/deps.sh): no dashboard image"; fi; rm -rf "$PGPREF_CURATION_DATA"
