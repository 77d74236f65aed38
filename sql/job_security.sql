-- Curation jobs cannot be used to gain rights (issue 11).  A curator holds
-- the grants docs/curation.md gives a curator role (the same tables 0.1.0's
-- docs told admins to grant).  Replays the escalation: the curator rewrites
-- params.source of the superuser's job, whose pg_cron entry the superuser
-- runs, and plants SQL that writes a server file with lo_export.  Then the
-- curator's own jobs, run by the superuser, try every way back to the
-- superuser's rights.  Everything runs as the job's definer.
SELECT current_user AS superuser_name \gset
SET client_min_messages = notice;
\set SHOW_CONTEXT never
CREATE ROLE regress_pgpref_curator;
CREATE SCHEMA sec_curator AUTHORIZATION regress_pgpref_curator;
GRANT USAGE ON SCHEMA pref TO regress_pgpref_curator;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA pref TO regress_pgpref_curator;
CREATE TABLE sec_rated (prompt_id int, response_id int, score float8);
INSERT INTO sec_rated VALUES (1, 11, 9), (1, 12, 2), (2, 21, 5), (2, 22, 7);
GRANT SELECT ON sec_rated TO regress_pgpref_curator;
-- the superuser's nightly job (its pg_cron entry: CALL pref.run_job('sec_nightly'))
SELECT pref.define_job('sec_nightly', 'binarize', '{"source": "SELECT prompt_id, response_id, score FROM sec_rated"}');
SELECT job, definer = :'superuser_name' AS defined_by_superuser FROM pref.jobs WHERE job = 'sec_nightly';
-- no file at the target yet
SELECT pg_stat_file('/tmp/pgpref_regress_pwned', true) IS NULL AS no_file;

-- ---- 1. the escalation of the issue: the curator edits the superuser's job
SET ROLE regress_pgpref_curator;
SELECT job, kind FROM pref.jobs WHERE job = 'sec_nightly';    -- it can read it
UPDATE pref.jobs SET params = jsonb_build_object('source',
  $$SELECT 1 AS prompt_id, g AS response_id, lo_export(lo_from_bytea(0, 'pwned'), '/tmp/pgpref_regress_pwned')::float8 FROM generate_series(1, 2) g$$)
WHERE job = 'sec_nightly';                                    -- row-level security: 0 rows
DELETE FROM pref.jobs WHERE job = 'sec_nightly';
INSERT INTO pref.jobs (job, kind, params) VALUES ('sec_nightly', 'binarize', '{"source": "SELECT 1, 2, 3"}')
ON CONFLICT (job) DO UPDATE SET params = excluded.params;
SELECT pref.define_job('sec_nightly', 'binarize', '{"source": "SELECT 1, 2, 3"}');
SELECT pref.drop_job('sec_nightly');
-- nor can it make itself a job that runs as the superuser
INSERT INTO pref.jobs (job, kind, params, definer) VALUES ('sec_mine', 'binarize', '{"source": "SELECT 1, 2, 3"}', :'superuser_name');
INSERT INTO pref.jobs (job, kind, params) VALUES ('sec_hand', 'binarize', '{"source": "SELECT 1, 2, 3"}');  -- its own: fine
SELECT job, definer FROM pref.jobs WHERE job = 'sec_hand';
UPDATE pref.jobs SET definer = :'superuser_name' WHERE job = 'sec_hand';
UPDATE pref.jobs SET definer = NULL WHERE job = 'sec_hand';
-- nor touch the superuser's run log and results, through the tables or the views
RESET ROLE;
CALL pref.run_job('sec_nightly');
CREATE TABLE sec_comps (id int, winner int, loser int);
INSERT INTO sec_comps VALUES (1, 1, 2), (2, 2, 1), (3, 1, 2), (4, 1, 3), (5, 3, 1), (6, 2, 3), (7, 3, 2);
SELECT pref.define_job('sec_board', 'leaderboard', '{"source": "SELECT id, winner, loser FROM sec_comps"}');
CALL pref.run_job('sec_board');
SET ROLE regress_pgpref_curator;
UPDATE pref.runs SET status = 'failed' WHERE job = 'sec_nightly';
DELETE FROM pref.curated_pairs WHERE job = 'sec_nightly';
INSERT INTO pref.curated_pairs VALUES ('sec_nightly', 1, 1, 1, 2, 1.0);
DELETE FROM pref.leaderboard_current WHERE job = 'sec_board';     -- an updatable view: the same policies
UPDATE pref.leaderboard_daily SET rating = 0 WHERE job = 'sec_board';
-- nor run the superuser's job, directly or through pref.job_invoke
CALL pref.run_job('sec_nightly');
SELECT * FROM pref.job_invoke(:'superuser_name', 'binarize', 1, '{"source": "SELECT 1, 2, 3"}');
RESET ROLE;
-- the superuser's run still runs the superuser's SQL
CALL pref.run_job('sec_nightly');
SELECT params->>'source' AS source FROM pref.jobs WHERE job = 'sec_nightly';
SELECT prompt_id, chosen, rejected FROM pref.curated_pairs WHERE job = 'sec_nightly' ORDER BY prompt_id;
SELECT count(*) AS board_rows FROM pref.leaderboard_current WHERE job = 'sec_board';
SELECT pg_stat_file('/tmp/pgpref_regress_pwned', true) IS NULL AS no_file;

-- ---- 2. the curator's own jobs, run by the superuser, run as the curator
SET ROLE regress_pgpref_curator;
CREATE TABLE sec_curator.seen (cur name, ses name);
CREATE FUNCTION sec_curator.whoami() RETURNS float8 LANGUAGE plpgsql AS
$$ BEGIN INSERT INTO sec_curator.seen VALUES (current_user, session_user); RETURN 1; END $$;
CREATE FUNCTION sec_curator.lo_write() RETURNS float8 LANGUAGE sql AS
$$ SELECT lo_export(lo_from_bytea(0, 'pwned'), '/tmp/pgpref_regress_pwned')::float8 $$;
CREATE FUNCTION sec_curator.read_file() RETURNS float8 LANGUAGE sql AS
$$ SELECT length(pg_read_file('postgresql.conf'))::float8 $$;
CREATE FUNCTION sec_curator.reset_role() RETURNS float8 LANGUAGE plpgsql AS
$$ BEGIN RESET ROLE; RETURN sec_curator.lo_write(); END $$;
CREATE FUNCTION sec_curator.set_role() RETURNS float8 LANGUAGE plpgsql AS
$$ BEGIN EXECUTE format('SET ROLE %I', session_user); RETURN sec_curator.lo_write(); END $$;
CREATE FUNCTION sec_curator.set_config_role() RETURNS float8 LANGUAGE plpgsql AS
$$ BEGIN PERFORM set_config('role', session_user, false); RETURN sec_curator.lo_write(); END $$;
CREATE FUNCTION sec_curator.session_auth() RETURNS float8 LANGUAGE plpgsql AS
$$ BEGIN EXECUTE format('SET SESSION AUTHORIZATION %I', session_user); RETURN sec_curator.lo_write(); END $$;
-- a temporary view that would shadow sec_rated in the superuser's session afterwards
CREATE FUNCTION sec_curator.temp_view() RETURNS float8 LANGUAGE plpgsql AS
$$ BEGIN CREATE TEMP VIEW sec_rated AS SELECT 1 AS prompt_id, 2 AS response_id, sec_curator.lo_write() AS score; RETURN 1; END $$;
-- a search_path that would make the superuser's later calls find the curator's functions
CREATE FUNCTION sec_curator.search_path() RETURNS float8 LANGUAGE plpgsql AS
$$ BEGIN PERFORM set_config('search_path', 'sec_curator, public', false); RETURN 1; END $$;
CREATE FUNCTION sec_curator.prepare() RETURNS float8 LANGUAGE plpgsql AS
$$ BEGIN PREPARE sec_later AS SELECT sec_curator.lo_write(); RETURN 1; END $$;
DO $$
DECLARE f text;
BEGIN
	FOREACH f IN ARRAY ARRAY['whoami', 'lo_write', 'read_file', 'reset_role', 'set_role', 'set_config_role',
	                         'session_auth', 'temp_view', 'search_path', 'prepare'] LOOP
		PERFORM pref.define_job('sec_' || f, 'binarize', jsonb_build_object('source',
			format('SELECT 1 AS prompt_id, g AS response_id, sec_curator.%I() AS score FROM generate_series(1, 2) g', f)));
	END LOOP;
END
$$;
SELECT job, definer FROM pref.jobs WHERE job LIKE 'sec\_%' ORDER BY job;
RESET ROLE;
SHOW search_path;
-- the superuser runs them all, as its pg_cron entries would
CALL pref.run_job('sec_whoami');
CALL pref.run_job('sec_lo_write');
CALL pref.run_job('sec_read_file');
CALL pref.run_job('sec_reset_role');
CALL pref.run_job('sec_set_role');
CALL pref.run_job('sec_set_config_role');
CALL pref.run_job('sec_session_auth');
CALL pref.run_job('sec_temp_view');
CALL pref.run_job('sec_search_path');
CALL pref.run_job('sec_prepare');
SELECT job, status, run_as, called_by, error FROM pref.runs WHERE job LIKE 'sec\_%' ORDER BY run_id;
-- ran as the curator, in the superuser's session
SELECT DISTINCT cur, ses = :'superuser_name' AS superuser_session FROM sec_curator.seen;
-- nothing left behind: no file, the superuser is itself, its search_path unchanged,
-- no temporary view, no prepared statement
SELECT pg_stat_file('/tmp/pgpref_regress_pwned', true) IS NULL AS no_file;
SELECT current_user = :'superuser_name' AS superuser, current_user = session_user AS no_role_set;
SHOW search_path;
SELECT count(*) AS temp_relations FROM pg_class WHERE relnamespace = pg_my_temp_schema();
SELECT count(*) AS prepared FROM pg_prepared_statements;
-- the curator's SQL reads only what the curator may read
REVOKE SELECT ON sec_rated FROM regress_pgpref_curator;
SELECT pref.define_job('sec_pairs', 'binarize', '{"source": "SELECT prompt_id, response_id, score FROM sec_rated"}');
UPDATE pref.jobs SET definer = 'regress_pgpref_curator' WHERE job = 'sec_pairs';   -- as if the curator had defined it
CALL pref.run_job('sec_pairs');
-- with raise_on_failure the CALL fails, after the failed run is logged
\set VERBOSITY terse
CALL pref.run_job('sec_pairs', raise_on_failure => true);
\set VERBOSITY default
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;     -- the job's error code
SELECT job, status, run_as, error FROM pref.runs WHERE job = 'sec_pairs' ORDER BY run_id;

-- ---- 3. row-level security on the caller's tables holds inside functions
-- that read an inner query, and inside jobs
CREATE TABLE sec_owned (owner name, prompt_id int, response_id int, score float8, emb real[], label int);
INSERT INTO sec_owned
SELECT CASE WHEN g % 3 = 0 THEN 'regress_pgpref_curator' ELSE :'superuser_name' END,
       g / 4, g, g % 7, ARRAY[g % 5, g / 5]::real[], g % 2
FROM generate_series(1, 30) g;
ALTER TABLE sec_owned ENABLE ROW LEVEL SECURITY;
CREATE POLICY own_rows ON sec_owned USING (owner = current_user);
GRANT SELECT ON sec_owned TO regress_pgpref_curator;
SELECT count(*) AS all_rows, count(*) FILTER (WHERE owner = 'regress_pgpref_curator') AS curator_rows FROM sec_owned;
SET ROLE regress_pgpref_curator;
SELECT count(*) AS visible FROM sec_owned;
SELECT count(*) AS pairs, count(*) FILTER (WHERE chosen % 3 <> 0 OR rejected % 3 <> 0) AS foreign_rows
FROM pref.binarize('SELECT prompt_id, response_id, score FROM sec_owned', 'all_pairs');
SELECT count(*) AS valued, count(*) FILTER (WHERE id % 3 <> 0) AS foreign_rows
FROM pref.knn_shapley('SELECT response_id, emb, label FROM sec_owned', 'SELECT emb, label FROM sec_owned', 1);
SELECT count(*) AS picked, count(*) FILTER (WHERE id % 3 <> 0) AS foreign_rows
FROM pref.select_subset('SELECT response_id, emb FROM sec_owned', 100, metric => 'l2');
SELECT pref.define_job('sec_owned_pairs', 'binarize', '{"source": "SELECT prompt_id, response_id, score FROM sec_owned", "strategy": "all_pairs"}');
RESET ROLE;
CALL pref.run_job('sec_owned_pairs');    -- the superuser runs it: the job still sees the curator's rows only
SELECT r.rows_read, count(*) FILTER (WHERE c.chosen % 3 <> 0 OR c.rejected % 3 <> 0) AS foreign_rows
FROM pref.runs r LEFT JOIN pref.curated_pairs c USING (job) WHERE r.job = 'sec_owned_pairs' GROUP BY r.rows_read;

-- ---- 4. jobs defined under 0.1.0 have no definer and do not run until redefined
UPDATE pref.jobs SET definer = NULL WHERE job = 'sec_whoami';
CALL pref.run_job('sec_whoami');
SET ROLE regress_pgpref_curator;
SELECT pref.define_job('sec_whoami', 'binarize', '{"source": "SELECT 1, 2, 3"}');
SELECT pref.drop_job('sec_whoami');
UPDATE pref.jobs SET definer = 'regress_pgpref_curator' WHERE job = 'sec_whoami';
RESET ROLE;
SELECT pref.define_job(job, kind, params) FROM pref.jobs WHERE job = 'sec_whoami';
SELECT job, definer = :'superuser_name' AS redefined_by_superuser FROM pref.jobs WHERE job = 'sec_whoami';
-- a definer that no longer exists
UPDATE pref.jobs SET definer = 'regress_pgpref_nobody' WHERE job = 'sec_whoami';
CALL pref.run_job('sec_whoami');
SELECT * FROM pref.job_invoke('regress_pgpref_nobody', 'binarize', 1, '{}');
SELECT * FROM pref.job_invoke(NULL, 'binarize', 1, '{}');
SELECT * FROM pref.job_invoke(:'superuser_name', 'no_such_kind', 1, '{}');

-- ---- 5. a hostile search_path (operators planted ahead of pg_catalog) does
-- not reach the job code: every operator, function and type is qualified
CREATE SCHEMA sec_hostile;
CREATE TABLE sec_hostile.log (what text);
CREATE FUNCTION sec_hostile.hit(what text) RETURNS void LANGUAGE sql AS $$ INSERT INTO sec_hostile.log VALUES (what) $$;
CREATE FUNCTION sec_hostile.eq_text(text, text) RETURNS boolean LANGUAGE plpgsql AS $$ BEGIN PERFORM sec_hostile.hit('text = text'); RETURN $1 OPERATOR(pg_catalog.=) $2; END $$;
CREATE FUNCTION sec_hostile.ne_text(text, text) RETURNS boolean LANGUAGE plpgsql AS $$ BEGIN PERFORM sec_hostile.hit('text <> text'); RETURN $1 OPERATOR(pg_catalog.<>) $2; END $$;
CREATE FUNCTION sec_hostile.cat_text(text, text) RETURNS text LANGUAGE plpgsql AS $$ BEGIN PERFORM sec_hostile.hit('text || text'); RETURN $1 OPERATOR(pg_catalog.||) $2; END $$;
CREATE FUNCTION sec_hostile.eq_int8(bigint, bigint) RETURNS boolean LANGUAGE plpgsql AS $$ BEGIN PERFORM sec_hostile.hit('bigint = bigint'); RETURN $1 OPERATOR(pg_catalog.=) $2; END $$;
CREATE FUNCTION sec_hostile.gt_int8(bigint, bigint) RETURNS boolean LANGUAGE plpgsql AS $$ BEGIN PERFORM sec_hostile.hit('bigint > bigint'); RETURN $1 OPERATOR(pg_catalog.>) $2; END $$;
CREATE FUNCTION sec_hostile.eq_name(name, name) RETURNS boolean LANGUAGE plpgsql AS $$ BEGIN PERFORM sec_hostile.hit('name = name'); RETURN $1 OPERATOR(pg_catalog.=) $2; END $$;
CREATE FUNCTION sec_hostile.lt_float8(float8, float8) RETURNS boolean LANGUAGE plpgsql AS $$ BEGIN PERFORM sec_hostile.hit('float8 < float8'); RETURN $1 OPERATOR(pg_catalog.<) $2; END $$;
CREATE FUNCTION sec_hostile.get_jsonb(jsonb, text) RETURNS text LANGUAGE plpgsql AS $$ BEGIN PERFORM sec_hostile.hit('jsonb ->> text'); RETURN $1 OPERATOR(pg_catalog.->>) $2; END $$;
CREATE OPERATOR sec_hostile.= (LEFTARG = text, RIGHTARG = text, FUNCTION = sec_hostile.eq_text);
CREATE OPERATOR sec_hostile.<> (LEFTARG = text, RIGHTARG = text, FUNCTION = sec_hostile.ne_text);
CREATE OPERATOR sec_hostile.|| (LEFTARG = text, RIGHTARG = text, FUNCTION = sec_hostile.cat_text);
CREATE OPERATOR sec_hostile.= (LEFTARG = bigint, RIGHTARG = bigint, FUNCTION = sec_hostile.eq_int8);
CREATE OPERATOR sec_hostile.> (LEFTARG = bigint, RIGHTARG = bigint, FUNCTION = sec_hostile.gt_int8);
CREATE OPERATOR sec_hostile.= (LEFTARG = name, RIGHTARG = name, FUNCTION = sec_hostile.eq_name);
CREATE OPERATOR sec_hostile.< (LEFTARG = float8, RIGHTARG = float8, FUNCTION = sec_hostile.lt_float8);
CREATE OPERATOR sec_hostile.->> (LEFTARG = jsonb, RIGHTARG = text, FUNCTION = sec_hostile.get_jsonb);
GRANT USAGE ON SCHEMA sec_hostile TO PUBLIC;
GRANT INSERT ON sec_hostile.log TO PUBLIC;
CREATE TABLE sec_labels (labelled_at timestamptz, item_id bigint, annotator text, label text);
INSERT INTO sec_labels SELECT '2024-05-01 10:00+00', i, 'ann' || a, CASE WHEN i % 2 = 0 OR (i = 3 AND a = 1) THEN '<' ELSE '>' END
FROM generate_series(1, 6) i, generate_series(1, 3) a;
CREATE TABLE sec_train (id bigint, emb real[], label int);
INSERT INTO sec_train SELECT g, ARRAY[g % 4, g / 4]::real[], g % 2 FROM generate_series(1, 12) g;
SELECT pref.define_job('sec_h_pairs', 'binarize', '{"source": "SELECT prompt_id, response_id, score FROM sec_rated", "min_margin": 0.5}');
SELECT pref.define_job('sec_h_lb', 'leaderboard', '{"source": "SELECT id, winner, loser FROM sec_comps"}');
SELECT pref.define_job('sec_h_health', 'health', '{"source": "SELECT labelled_at, item_id, annotator, label FROM sec_labels"}');
SELECT pref.define_job('sec_h_val', 'valuation', '{"train": "SELECT id, emb, label FROM sec_train", "valid": "SELECT emb, label FROM sec_train", "k": 1, "subset": "SELECT id, emb FROM sec_train", "subset_k": 3}');
SET search_path = sec_hostile, pg_catalog, public;
CALL pref.run_job('sec_h_pairs');
CALL pref.run_job('sec_h_lb');
CALL pref.run_job('sec_h_health');
CALL pref.run_job('sec_h_val');
SELECT pref.define_job('sec_h_pairs', 'binarize', '{"source": "SELECT prompt_id, response_id, score FROM sec_rated"}');
SELECT pref.drop_job('sec_h_pairs');
SELECT count(*) FROM pref.job_kind_params('valuation');
SELECT count(*) AS jobs FROM pref.job_status WHERE job LIKE 'sec\_h\_%';
RESET search_path;
SELECT job, status, rows_read, rows_written FROM pref.runs WHERE job LIKE 'sec\_h\_%' ORDER BY run_id;
SELECT count(*) AS hostile_calls FROM sec_hostile.log;
-- control: unqualified SQL under that search_path does reach the planted operators
SET search_path = sec_hostile, pg_catalog, public;
SELECT 'a'::text = 'b'::text AS eq, 1::bigint > 2::bigint AS gt;
RESET search_path;
SELECT what FROM sec_hostile.log ORDER BY what;

-- clean up
DELETE FROM pref.curated_pairs WHERE job LIKE 'sec\_%';
DELETE FROM pref.leaderboard WHERE job LIKE 'sec\_%';
DELETE FROM pref.leaderboard_state WHERE job LIKE 'sec\_%';
DELETE FROM pref.data_health WHERE job LIKE 'sec\_%';
DELETE FROM pref.data_values WHERE job LIKE 'sec\_%';
DELETE FROM pref.training_subset WHERE job LIKE 'sec\_%';
DELETE FROM pref.runs WHERE job LIKE 'sec\_%';
DELETE FROM pref.jobs WHERE job LIKE 'sec\_%';
SELECT lo_unlink(l.oid) FROM pg_largeobject_metadata l WHERE l.lomowner = 'regress_pgpref_curator'::regrole;
DROP SCHEMA sec_hostile CASCADE;
DROP TABLE sec_rated, sec_owned, sec_comps, sec_labels, sec_train;
DROP SCHEMA sec_curator CASCADE;
REVOKE ALL ON ALL TABLES IN SCHEMA pref FROM regress_pgpref_curator;
REVOKE USAGE ON SCHEMA pref FROM regress_pgpref_curator;
DROP ROLE regress_pgpref_curator;
