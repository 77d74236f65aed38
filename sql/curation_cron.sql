-- A real pg_cron run of a curation job.  pg_cron works in the database named
-- by cron.database_name ('postgres' in the harness), so this test connects
-- there, creates pg_cron and pgpref if absent, schedules a job every minute
-- (pg_cron 1.4 has minute schedules only), polls cron.job_run_details for up
-- to 90 s, checks the result tables, and cleans up.
\c postgres
SET client_min_messages = warning;
CREATE TEMP TABLE created_here (ext text);
DO $$
BEGIN
	IF NOT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_cron') THEN
		CREATE EXTENSION pg_cron;
		INSERT INTO created_here VALUES ('pg_cron');
	END IF;
	IF NOT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pgpref') THEN
		CREATE EXTENSION pgpref;
		INSERT INTO created_here VALUES ('pgpref');
	END IF;
END
$$;
SELECT current_setting('cron.database_name') AS cron_database, current_database();
CREATE TABLE pgpref_cron_rated (prompt_id int, response_id int, score float8);
INSERT INTO pgpref_cron_rated VALUES (1, 11, 9), (1, 12, 2), (2, 21, 5), (2, 22, 7), (2, 23, 1);
SELECT pref.define_job('cron_pairs', 'binarize',
  '{"source": "SELECT * FROM pgpref_cron_rated", "strategy": "best_vs_worst"}');
SELECT cron.schedule('pgpref_regress', '* * * * *', $$CALL pref.run_job('cron_pairs')$$) > 0 AS scheduled;
DO $$
BEGIN
	FOR i IN 1..90 LOOP
		EXIT WHEN EXISTS (SELECT 1 FROM cron.job_run_details d JOIN cron.job j USING (jobid)
		                  WHERE j.jobname = 'pgpref_regress' AND d.status IN ('succeeded', 'failed'));
		PERFORM pg_sleep(1);
	END LOOP;
END
$$;
SELECT cron.unschedule('pgpref_regress');
SELECT d.status, d.command FROM cron.job_run_details d
WHERE d.command LIKE '%cron_pairs%' ORDER BY d.runid LIMIT 1;
SELECT count(*) > 0 AS ran, bool_and(status = 'succeeded') AS succeeded, bool_and(rows_read = 5) AS rows_read
FROM pref.runs WHERE job = 'cron_pairs' AND status <> 'running';
SELECT prompt_id, chosen, rejected, margin FROM pref.curated_pairs WHERE job = 'cron_pairs' ORDER BY prompt_id;

-- clean up what this test made
DELETE FROM pref.curated_pairs WHERE job = 'cron_pairs';
DELETE FROM pref.runs WHERE job = 'cron_pairs';
SELECT pref.drop_job('cron_pairs');
DELETE FROM cron.job_run_details WHERE command LIKE '%cron_pairs%';
DROP TABLE pgpref_cron_rated;
DO $$
BEGIN
	IF EXISTS (SELECT 1 FROM created_here WHERE ext = 'pgpref') THEN
		DROP EXTENSION pgpref;
	END IF;
	IF EXISTS (SELECT 1 FROM created_here WHERE ext = 'pg_cron') THEN
		DROP EXTENSION pg_cron;
	END IF;
END
$$;
