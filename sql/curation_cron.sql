-- A real pg_cron run of curation jobs, with the settings docs/curation.md
-- gives (test/run.sh: shared_preload_libraries = 'pg_cron',
-- cron.database_name = 'postgres', cron.use_background_workers = on).
-- pg_cron works in the database named by cron.database_name, so this test
-- connects there, creates pg_cron and pgpref if absent, and schedules four
-- entries as the superuser, every minute (pg_cron 1.4 has minute schedules
-- only): a binarize and a leaderboard job; a job a curator defined, which
-- must run as the curator; and a failing job called with raise_on_failure,
-- which must show as failed in cron.job_run_details after its run log is
-- committed.  It polls cron.job_run_details for up to 90 s (all four start
-- on the same minute), checks the result tables, and cleans up.
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
-- a leaderboard job on the same minute (both start together: no second wait)
CREATE TABLE pgpref_cron_comps (id int, winner int, loser int);
INSERT INTO pgpref_cron_comps VALUES (1, 1, 2), (2, 2, 1), (3, 1, 2), (4, 1, 3), (5, 3, 1), (6, 2, 3), (7, 3, 2), (8, 2, 3);
SELECT pref.define_job('cron_lb', 'leaderboard', '{"source": "SELECT id, winner, loser FROM pgpref_cron_comps"}');
-- a job a curator defined: its leaderboard's items are the job's current_user
-- (winner) and session_user (loser)
CREATE ROLE regress_pgpref_cron_curator;
GRANT USAGE ON SCHEMA pref TO regress_pgpref_cron_curator;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA pref TO regress_pgpref_cron_curator;
SET ROLE regress_pgpref_cron_curator;
SELECT pref.define_job('cron_curator', 'leaderboard',
  '{"source": "SELECT 1 AS id, current_user::text AS winner, session_user::text AS loser", "prior": 1}');
RESET ROLE;
-- a job that fails (its source table does not exist)
SELECT pref.define_job('cron_fail', 'binarize', '{"source": "SELECT prompt_id, response_id, score FROM pgpref_cron_missing"}');
SELECT cron.schedule('pgpref_regress', '* * * * *', $$CALL pref.run_job('cron_pairs')$$) > 0 AS scheduled;
SELECT cron.schedule('pgpref_regress_lb', '* * * * *', $$CALL pref.run_job('cron_lb')$$) > 0 AS scheduled;
SELECT cron.schedule('pgpref_regress_curator', '* * * * *', $$CALL pref.run_job('cron_curator', raise_on_failure => true)$$) > 0 AS scheduled;
SELECT cron.schedule('pgpref_regress_fail', '* * * * *', $$CALL pref.run_job('cron_fail', raise_on_failure => true)$$) > 0 AS scheduled;
DO $$
BEGIN
	FOR i IN 1..90 LOOP
		EXIT WHEN (SELECT count(DISTINCT j.jobname) FROM cron.job_run_details d JOIN cron.job j USING (jobid)
		           WHERE j.jobname LIKE 'pgpref\_regress%' AND d.status IN ('succeeded', 'failed')) = 4;
		PERFORM pg_sleep(1);
	END LOOP;
END
$$;
SELECT cron.unschedule('pgpref_regress');
SELECT cron.unschedule('pgpref_regress_lb');
SELECT cron.unschedule('pgpref_regress_curator');
SELECT cron.unschedule('pgpref_regress_fail');
SELECT DISTINCT ON (d.command) d.status, d.command, split_part(d.return_message, E'\n', 1) AS return_message FROM cron.job_run_details d
WHERE d.command LIKE '%pref.run_job(''cron\_%' ORDER BY d.command, d.runid;
-- the curator's job ran as the curator, in the superuser's pg_cron session
SELECT l.item, l.place, j.definer, r.run_as, r.called_by = current_user AS called_by_superuser
FROM pref.leaderboard_current l JOIN pref.jobs j USING (job) JOIN pref.runs r USING (run_id)
WHERE l.job = 'cron_curator' ORDER BY l.place;
-- the failed run is logged although the CALL failed
SELECT status, error FROM pref.runs WHERE job = 'cron_fail' AND status <> 'running' ORDER BY run_id LIMIT 1;
SELECT count(*) > 0 AS ran, bool_and(status = 'succeeded') AS succeeded, bool_and(rows_read = 5) AS rows_read
FROM pref.runs WHERE job = 'cron_pairs' AND status <> 'running';
SELECT prompt_id, chosen, rejected, margin FROM pref.curated_pairs WHERE job = 'cron_pairs' ORDER BY prompt_id;
-- the leaderboard written under pg_cron equals pref.ratings(pref.bt_fit(...)) over the rows
SELECT (SELECT rows_read FROM pref.runs WHERE job = 'cron_lb' AND status = 'succeeded' ORDER BY run_id LIMIT 1) AS rows_read,
       count(*) AS items, max(abs(c.rating - r.rating)) < 1e-9 AS ratings_equal, bool_and(c.rank = r.rank) AS ranks_equal
FROM pref.leaderboard_current c
JOIN pref.ratings((SELECT pref.bt_fit(winner::bigint, loser::bigint) FROM pgpref_cron_comps)) r USING (item)
WHERE c.job = 'cron_lb';

-- clean up what this test made
DELETE FROM pref.curated_pairs WHERE job = 'cron_pairs';
DELETE FROM pref.leaderboard WHERE job IN ('cron_lb', 'cron_curator');
DELETE FROM pref.leaderboard_state WHERE job IN ('cron_lb', 'cron_curator');
DELETE FROM pref.runs WHERE job IN ('cron_pairs', 'cron_lb', 'cron_curator', 'cron_fail');
SELECT pref.drop_job('cron_pairs'), pref.drop_job('cron_lb'), pref.drop_job('cron_curator'), pref.drop_job('cron_fail');
DELETE FROM cron.job_run_details WHERE command LIKE '%pref.run_job(''cron\_%';
REVOKE ALL ON ALL TABLES IN SCHEMA pref FROM regress_pgpref_cron_curator;
REVOKE USAGE ON SCHEMA pref FROM regress_pgpref_cron_curator;
DROP ROLE regress_pgpref_cron_curator;
DROP TABLE pgpref_cron_rated, pgpref_cron_comps;
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
