-- pgpref for a database owner and the roles it lets in (issue 11).  A
-- non-superuser database owner installs the trusted extension, defines and
-- runs jobs of every kind and reads every view; it then gives a dashboard
-- role and a curator role the grants docs/curation.md lists, and each does
-- what that page says it can, and no more.  The owner cannot swap out or
-- shadow the functions of schema pref that a superuser later calls.
SELECT current_user AS superuser_name \gset
\set SHOW_CONTEXT never
CREATE ROLE regress_pgpref_owner LOGIN;
CREATE ROLE regress_pgpref_dashboard LOGIN;
CREATE ROLE regress_pgpref_curator LOGIN;
CREATE DATABASE pgpref_roles OWNER regress_pgpref_owner;
\c pgpref_roles regress_pgpref_owner
SET client_min_messages = warning;
SELECT rolsuper FROM pg_roles WHERE rolname = current_user;
CREATE EXTENSION pgpref;
-- schema pref belongs to the bootstrap superuser; the owner may use it and grant that on
SELECT nspowner = 10 AS bootstrap_superuser_owns_pref, e.extowner::regrole AS extension_owner,
       has_schema_privilege('pref', 'USAGE WITH GRANT OPTION') AS usage, has_schema_privilege('pref', 'CREATE') AS can_create
FROM pg_namespace n, pg_extension e WHERE n.nspname = 'pref' AND e.extname = 'pgpref';
-- the owner defines and runs a job of every kind
SET TimeZone = 'UTC';
CREATE TABLE rated (prompt_id int, response_id int, score float8);
INSERT INTO rated VALUES (1, 11, 9), (1, 12, 2), (2, 21, 5), (2, 22, 7), (3, 31, 4), (3, 32, 1);
CREATE TABLE comps (id int, winner int, loser int);
INSERT INTO comps VALUES (1, 1, 2), (2, 2, 1), (3, 1, 2), (4, 1, 3), (5, 3, 1), (6, 2, 3), (7, 3, 2);
CREATE TABLE labels (labelled_at timestamptz, item_id bigint, annotator text, label text);
INSERT INTO labels SELECT '2024-05-01 10:00+00', i, 'ann' || a, CASE WHEN i % 2 = 0 OR (i = 3 AND a = 1) THEN '<' ELSE '>' END
FROM generate_series(1, 6) i, generate_series(1, 3) a;
CREATE TABLE train (id bigint, emb real[], label int);
INSERT INTO train SELECT g, ARRAY[g % 4, g / 4]::real[], g % 2 FROM generate_series(1, 12) g;
SELECT pref.define_job('owner_pairs', 'binarize', '{"source": "SELECT prompt_id, response_id, score FROM rated"}');
SELECT pref.define_job('owner_board', 'leaderboard', '{"source": "SELECT id, winner, loser FROM comps"}');
SELECT pref.define_job('owner_health', 'health', '{"source": "SELECT labelled_at, item_id, annotator, label FROM labels"}');
SELECT pref.define_job('owner_values', 'valuation', '{"train": "SELECT id, emb, label FROM train", "valid": "SELECT emb, label FROM train", "k": 1, "subset": "SELECT id, emb FROM train", "subset_k": 3}');
CALL pref.run_job('owner_pairs');
CALL pref.run_job('owner_board');
CALL pref.run_job('owner_health');
CALL pref.run_job('owner_values', raise_on_failure => true);
SELECT job, kind, last_status, runs, failures, definer FROM pref.job_status ORDER BY job;
-- every table and view of schema pref reads (a new one cannot escape this list)
SELECT c.relname, c.relkind,
       (xpath('/row/n/text()', query_to_xml(format('SELECT count(*) AS n FROM pref.%I', c.relname), false, true, '')))[1]::text::int AS rows
FROM pg_class c WHERE c.relnamespace = 'pref'::regnamespace AND c.relkind IN ('r', 'v') ORDER BY 1;

-- the grants of docs/curation.md
GRANT USAGE ON SCHEMA pref TO regress_pgpref_dashboard, regress_pgpref_curator;
GRANT SELECT ON ALL TABLES IN SCHEMA pref TO regress_pgpref_dashboard;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA pref TO regress_pgpref_curator;
GRANT SELECT ON rated TO regress_pgpref_curator;     -- the curator's source tables

-- the dashboard role reads every view and table ...
\c pgpref_roles regress_pgpref_dashboard
SELECT c.relname,
       (xpath('/row/n/text()', query_to_xml(format('SELECT count(*) AS n FROM pref.%I', c.relname), false, true, '')))[1]::text::int AS rows
FROM pg_class c WHERE c.relnamespace = 'pref'::regnamespace AND c.relkind IN ('r', 'v') ORDER BY 1;
SELECT item, rank, games FROM pref.leaderboard_current WHERE job = 'owner_board' ORDER BY place;
SELECT '1>2'::pref.pair AS pair, pref.chosen('1>2') AS chosen;
-- ... and changes nothing, runs nothing
SELECT pref.define_job('dash', 'binarize', '{"source": "SELECT 1, 2, 3"}');
UPDATE pref.jobs SET params = '{}' WHERE job = 'owner_pairs';
DELETE FROM pref.leaderboard_current;
CALL pref.run_job('owner_pairs');

-- the curator defines and runs jobs of its own ...
\c pgpref_roles regress_pgpref_curator
SET client_min_messages = warning;
SELECT pref.define_job('curator_pairs', 'binarize', '{"source": "SELECT prompt_id, response_id, score FROM rated", "strategy": "best_vs_worst"}');
CALL pref.run_job('curator_pairs', raise_on_failure => true);
SELECT job, prompt_id, chosen, rejected FROM pref.curated_pairs ORDER BY job, prompt_id;
UPDATE pref.jobs SET params = params || '{"min_margin": 3}' WHERE job = 'curator_pairs';   -- by hand: its own job
CALL pref.run_job('curator_pairs');
SELECT job, status, rows_read, rows_written, run_as, called_by FROM pref.runs WHERE job = 'curator_pairs' ORDER BY run_id;
-- ... but changes and runs nothing of the owner's
UPDATE pref.jobs SET params = '{"source": "SELECT 1, 2, 3"}' WHERE job = 'owner_pairs';
DELETE FROM pref.curated_pairs WHERE job = 'owner_pairs';
DELETE FROM pref.leaderboard_current WHERE job = 'owner_board';
DELETE FROM pref.data_values WHERE job = 'owner_values';
UPDATE pref.runs SET status = 'failed' WHERE job = 'owner_pairs';
SELECT pref.drop_job('owner_pairs');
CALL pref.run_job('owner_pairs');
SELECT pref.define_job('curator_evil', 'binarize', '{"source": "SELECT 1, 2, 3"}');
UPDATE pref.jobs SET definer = 'regress_pgpref_owner' WHERE job = 'curator_evil';
SELECT job, definer FROM pref.jobs ORDER BY job;
SELECT count(*) AS owner_pairs FROM pref.curated_pairs WHERE job = 'owner_pairs';
-- no TRUNCATE (it would ignore row-level security)
TRUNCATE pref.curated_pairs;

-- the owner is not a member of the curator role: it cannot run the curator's
-- job; a superuser can (as its pg_cron entry would), and the job runs as the curator
\c pgpref_roles regress_pgpref_owner
SET client_min_messages = warning;
CALL pref.run_job('curator_pairs');
\c pgpref_roles :superuser_name
SET client_min_messages = warning;
CALL pref.run_job('curator_pairs');
SELECT status, run_as, called_by FROM pref.runs WHERE job = 'curator_pairs' ORDER BY run_id;

-- the owner cannot swap out or shadow what a superuser runs
\c pgpref_roles regress_pgpref_owner
SET client_min_messages = warning;
CREATE FUNCTION pref.job_evil(run_id bigint, params jsonb, OUT rows_read bigint, OUT rows_written bigint)
LANGUAGE sql AS $$ SELECT 0::bigint, 0::bigint $$;
CREATE OR REPLACE PROCEDURE pref.run_job(job text, wait boolean DEFAULT false, raise_on_failure boolean DEFAULT false)
LANGUAGE sql AS $$ SELECT 1 $$;
CREATE PROCEDURE pref.run_job(job text) LANGUAGE sql AS $$ SELECT 1 $$;
ALTER FUNCTION pref.binarize(text, text, double precision, bigint, double precision[]) RENAME TO binarize_old;
ALTER EXTENSION pgpref DROP PROCEDURE pref.run_job(text, boolean, boolean);
DROP PROCEDURE pref.run_job(text, boolean, boolean);
DROP SCHEMA pref CASCADE;
-- overloads in a schema ahead on the search_path are not called: job code qualifies every name
CREATE SCHEMA shadow;
CREATE TABLE shadow.log (what text);
CREATE FUNCTION shadow.binarize(sql text, strategy text, min_margin float8, seed bigint, weights float8[],
  OUT prompt_id bigint, OUT chosen bigint, OUT rejected bigint, OUT margin float8) RETURNS SETOF record
LANGUAGE sql AS $$ INSERT INTO shadow.log VALUES ('binarize') RETURNING 1::bigint, 1::bigint, 2::bigint, 9::float8 $$;
CREATE FUNCTION shadow.job_lock_key(job text, OUT classid integer, OUT objid integer)
LANGUAGE sql AS $$ INSERT INTO shadow.log VALUES ('job_lock_key') RETURNING 1, 1 $$;
SET search_path = shadow, pg_catalog, public;
CALL pref.run_job('owner_pairs');
RESET search_path;
SELECT count(*) AS shadow_calls FROM shadow.log;
SELECT job, status FROM pref.runs WHERE job = 'owner_pairs' ORDER BY run_id DESC LIMIT 1;

-- dropping the extension leaves the schema to the superuser: nothing can be planted in it
DROP EXTENSION pgpref CASCADE;
SELECT nspowner = 10 AS bootstrap_superuser_owns_pref FROM pg_namespace WHERE nspname = 'pref';
CREATE PROCEDURE pref.run_job(job text) LANGUAGE sql AS $$ SELECT 1 $$;
CREATE EXTENSION pgpref;
SELECT count(*) AS jobs FROM pref.jobs;

-- A database owner's 0.1.0 install, updated to this version.  Under 0.1.0 the
-- owner owned schema pref and could plant objects in it; the update takes
-- the schema away, names what was planted, and a job kind function that
-- belongs to another role does not run.  The job a superuser defined under
-- 0.1.0 has no definer and does not run until redefined.
\c contrib_regression :superuser_name
CREATE DATABASE pgpref_roles_old OWNER regress_pgpref_owner;
\c pgpref_roles_old regress_pgpref_owner
SET client_min_messages = warning;
CREATE EXTENSION pgpref VERSION '0.1.0';
SELECT nspowner::regrole AS owner_under_0_1_0 FROM pg_namespace WHERE nspname = 'pref';
SELECT pref.define_job('old', 'binarize', '{"source": "SELECT 1, 2, 3"}');   -- 0.1.0: the owner could not use jobs
CREATE FUNCTION pref.job_planted(run_id bigint, params jsonb, OUT rows_read bigint, OUT rows_written bigint)
LANGUAGE sql AS $$ SELECT 0::bigint, 0::bigint $$;
\c pgpref_roles_old :superuser_name
SET client_min_messages = warning;
CREATE TABLE rated (prompt_id int, response_id int, score float8);
INSERT INTO rated VALUES (1, 11, 9), (1, 12, 2);
SELECT pref.define_job('old', 'binarize', '{"source": "SELECT prompt_id, response_id, score FROM rated"}');
\c pgpref_roles_old regress_pgpref_owner
ALTER EXTENSION pgpref UPDATE;
SELECT extversion, nspowner = 10 AS bootstrap_superuser_owns_pref FROM pg_extension, pg_namespace
WHERE extname = 'pgpref' AND nspname = 'pref';
SELECT job, kind, last_status, definer FROM pref.job_status;
\c pgpref_roles_old :superuser_name
SET client_min_messages = warning;
CALL pref.run_job('old');
SELECT pref.define_job(job, kind, params) FROM pref.jobs WHERE job = 'old';  -- checked: redefined as the superuser
CALL pref.run_job('old');
SELECT job, status, rows_read, rows_written, run_as FROM pref.runs;
SELECT pref.job_kinds();
SELECT pref.define_job('planted', 'planted', '{}');
INSERT INTO pref.jobs (job, kind) VALUES ('planted', 'planted');    -- by hand
CALL pref.run_job('planted');
SELECT job, status, error FROM pref.runs WHERE job = 'planted';

\c contrib_regression :superuser_name
DROP DATABASE pgpref_roles_old;
DROP DATABASE pgpref_roles;
DROP ROLE regress_pgpref_owner, regress_pgpref_dashboard, regress_pgpref_curator;
