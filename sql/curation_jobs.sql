-- Curation jobs: registry, run log, advisory lock (a second session through
-- dblink), failures logged, result tables and views
CREATE TABLE jobs_rated (prompt_id int, response_id int, score numeric);
INSERT INTO jobs_rated VALUES (1, 11, 9), (1, 12, 9), (1, 13, 4), (1, 14, 7), (2, 21, 5),
  (3, 31, 6), (3, 32, 6), (4, 41, NULL), (4, 42, 3), (4, 43, 8);
SELECT pref.define_job('pairs', 'binarize',
  '{"source": "SELECT prompt_id, response_id, score FROM jobs_rated", "strategy": "best_vs_worst"}');
SELECT * FROM pref.job_kinds();
SELECT job, kind, params FROM pref.jobs;

CALL pref.run_job('pairs');
SELECT job, run_id, prompt_id, chosen, rejected, margin FROM pref.curated_pairs ORDER BY prompt_id;
-- idempotent: a second run replaces the job's rows
CALL pref.run_job('pairs');
SELECT count(*) AS pairs, count(DISTINCT run_id) AS runs, max(run_id) AS run_id FROM pref.curated_pairs;
SELECT run_id, job, kind, rows_read, rows_written, status, error, finished >= started AS timed
FROM pref.runs ORDER BY run_id;

-- bad input: unknown job, unknown kind, a failing job is logged and warned
CALL pref.run_job('nope');
SELECT pref.define_job('x', 'teleport', '{}');
SELECT pref.define_job('x', 'binarize', '[1]');
SELECT pref.define_job('broken', 'binarize', '{"source": "SELECT prompt_id FROM jobs_rated"}');
CALL pref.run_job('broken');
SELECT pref.define_job('nosource', 'binarize', '{}');
-- params are checked against the kind's parameters when a job is defined
SELECT * FROM pref.job_kind_params('binarize');
SELECT kind, count(*) AS params, string_agg(key, ', ') FILTER (WHERE required) AS required
FROM pref.job_kinds() kind, pref.job_kind_params(kind) GROUP BY kind ORDER BY kind;
SELECT pref.define_job('typo', 'binarize', '{"source": "SELECT prompt_id, response_id, score FROM jobs_rated", "min_margn": 3.5}');
SELECT pref.define_job('typo', 'binarize', '{"source": "SELECT 1, 2, 3", "min_margn": 3.5, "sead": 1}');
SELECT pref.define_job('typo', 'binarize', '{"source": "SELECT 1, 2, 3", "min_margin": "3.5"}');
SELECT pref.define_job('typo', 'binarize', '{"source": "SELECT 1, 2, 3", "seed": 1.5}');
SELECT pref.define_job('typo', 'binarize', '{"source": "SELECT 1, 2, 3", "weights": [1, "2"]}');
SELECT pref.define_job('typo', 'binarize', '{"source": null}');
SELECT pref.define_job('typo', 'valuation', '{"train": "SELECT 1", "valid": "SELECT 1", "subset": "SELECT 1"}');
SELECT pref.define_job('typo', 'leaderboard', '{"source": "SELECT 1", "with_ties": "yes"}');
SELECT pref.define_job('typo', 'binarize', '{"source": "SELECT 1, 2, 3", "seed": null, "min_margin": 2}');  -- null: the default
SELECT job, params FROM pref.jobs WHERE job = 'typo';
SELECT pref.check_job_params('binarize', NULL);
SELECT pref.check_job_params('no_schema_kind', '{"anything": 1}');
-- a job edited by hand is checked again when it runs: the run fails, logged
UPDATE pref.jobs SET params = '{"source": "SELECT prompt_id, response_id, score FROM jobs_rated", "min_margn": 3.5}' WHERE job = 'typo';
CALL pref.run_job('typo');
UPDATE pref.jobs SET params = '{}' WHERE job = 'typo';
CALL pref.run_job('typo');
SELECT job, status, error FROM pref.runs WHERE status = 'failed' ORDER BY run_id;

-- concurrency: another session holds the job's lock
CREATE EXTENSION dblink;
SELECT dblink_connect('other', format('host=%s port=%s dbname=%s user=%s',
  split_part(current_setting('unix_socket_directories'), ',', 1), current_setting('port'),
  current_database(), current_user)) AS connected;
SELECT * FROM dblink('other', $$SELECT pg_advisory_lock(classid, objid)::text FROM pref.job_lock_key('pairs')$$) t(x text);
SELECT locktype, classid::int = (pref.job_lock_key('pairs')).classid AS our_class, granted
FROM pg_locks WHERE locktype = 'advisory' AND objid::int = (pref.job_lock_key('pairs')).objid;
CALL pref.run_job('pairs');
SELECT status, error FROM pref.runs ORDER BY run_id DESC LIMIT 1;
-- wait => true waits for the lock (here until lock_timeout)
SET lock_timeout = '300ms';
CALL pref.run_job('pairs', wait => true);
RESET lock_timeout;
SELECT * FROM dblink('other', $$SELECT pg_advisory_unlock(classid, objid)::text FROM pref.job_lock_key('pairs')$$) t(x text);
CALL pref.run_job('pairs', wait => true);
SELECT status FROM pref.runs ORDER BY run_id DESC LIMIT 1;
SELECT dblink_disconnect('other');
DROP EXTENSION dblink;

-- health job: duplicates (the latest label wins), ties, agreement, likely mislabels per day
CREATE TABLE jobs_labels (labelled_at timestamptz, item_id bigint, annotator text, label text);
INSERT INTO jobs_labels
SELECT timestamptz '2024-05-01 10:00+00' + ((i / 10) || ' days')::interval + (a || ' minutes')::interval,
       i, 'ann' || a,
       CASE WHEN a = 3 AND i % 3 = 0 THEN '<'          -- ann3 often wrong
            WHEN i % 7 = 0 THEN '='                     -- ties
            WHEN i % 2 = 0 THEN '>' ELSE '<' END
FROM generate_series(1, 30) i, generate_series(1, 3) a;
-- ann1 relabels item 2 later (a duplicate; the later label counts)
INSERT INTO jobs_labels VALUES ('2024-05-01 23:00+00', 2, 'ann1', '>');
SET TimeZone = 'UTC';
SELECT pref.define_job('health', 'health', '{"source": "SELECT labelled_at, item_id, annotator, label FROM jobs_labels"}');
CALL pref.run_job('health');
SELECT job, day, labels, items, annotators, round(tie_rate::numeric, 6) AS tie_rate,
       round(agreement::numeric, 6) AS agreement, round(likely_mislabeled_share::numeric, 6) AS mislabeled,
       round(duplicates_share::numeric, 6) AS duplicates, computed_at IS NOT NULL AS computed
FROM pref.data_health_daily ORDER BY day;
-- independent check of day 1's figures in plain SQL
WITH d AS (SELECT DISTINCT ON (item_id, annotator) * FROM jobs_labels ORDER BY item_id, annotator, labelled_at DESC)
SELECT count(*) AS labels, avg((label = '=')::int)::numeric(8,6) AS tie_rate,
       round(pref.krippendorff_alpha(item_id, label)::numeric, 6) AS agreement
FROM d WHERE labelled_at::date = '2024-05-01';
SELECT job, kind, last_status, runs, failures, last_success IS NOT NULL AS has_success, last_error
FROM pref.job_status ORDER BY job;
SELECT pref.drop_job('typo'), pref.drop_job('typo');
