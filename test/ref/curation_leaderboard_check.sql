-- Plumbing check of src/curation_leaderboard.sql before the Bradley-Terry
-- module exists: jsonb stand-ins for pref.tally / pref.bt_model (ratings are
-- win shares).  Run on a throwaway cluster:
--   sed 's/@extschema@/pref/g' src/curation_leaderboard.sql | sed '/pg_extension_config_dump/d' > /tmp/curation-lb.sql
--   PGPREF_SKIP_DEPS=1 bash test/run.sh shell < test/ref/curation_leaderboard_check.sql
-- Expected: runs read 10, 5, 0 comparisons (incremental), the current
-- leaderboard equals the win shares over all 15, full refreshes stay at 15.
\set ON_ERROR_STOP on
CREATE EXTENSION pgpref;
-- jsonb stand-ins for the Bradley-Terry API, only to exercise the job's plumbing
CREATE DOMAIN pref.tally AS jsonb;
CREATE DOMAIN pref.bt_model AS jsonb;
CREATE FUNCTION pref.tally_acc(s jsonb, w bigint, l bigint) RETURNS jsonb LANGUAGE sql AS
$$ SELECT coalesce(s, '{}') || jsonb_build_object(w || ':' || l, coalesce((s ->> (w || ':' || l))::int, 0) + 1) $$;
CREATE FUNCTION pref.tally_fin(s jsonb) RETURNS pref.tally LANGUAGE sql AS $$ SELECT s::pref.tally $$;
CREATE AGGREGATE pref.tally(bigint, bigint) (SFUNC = pref.tally_acc, STYPE = jsonb, FINALFUNC = pref.tally_fin);
CREATE FUNCTION pref.tally_merge(a pref.tally, b pref.tally) RETURNS pref.tally LANGUAGE sql AS
$$ SELECT jsonb_object_agg(k, v)::pref.tally FROM (SELECT k, sum(v::int) AS v FROM (SELECT * FROM jsonb_each_text(a) UNION ALL SELECT * FROM jsonb_each_text(b)) x(k, v) GROUP BY k) s $$;
CREATE FUNCTION pref.bradley_terry(t pref.tally) RETURNS pref.bt_model LANGUAGE sql AS $$ SELECT t::jsonb::pref.bt_model $$;
CREATE FUNCTION pref.ratings(m pref.bt_model) RETURNS TABLE (item bigint, rating float8, lower float8, upper float8) LANGUAGE sql AS
$$ SELECT item, avg(w)::float8, avg(w)::float8 - 0.1, avg(w)::float8 + 0.1 FROM (
     SELECT split_part(k, ':', 1)::bigint AS item, 1.0 AS w, v::int AS n FROM jsonb_each_text(m) x(k, v)
     UNION ALL SELECT split_part(k, ':', 2)::bigint, 0.0, v::int FROM jsonb_each_text(m) x(k, v)) s, generate_series(1, n) GROUP BY item $$;
\i /tmp/curation-lb.sql
SELECT * FROM pref.job_kinds();
CREATE TABLE comps (id bigserial, winner bigint, loser bigint);
INSERT INTO comps (winner, loser) SELECT 1 + g % 3, 1 + (g + 1) % 3 FROM generate_series(1, 10) g;
SELECT pref.define_job('lb', 'leaderboard', '{"source": "SELECT id, winner, loser FROM comps"}');
CALL pref.run_job('lb');
INSERT INTO comps (winner, loser) SELECT 1, 2 FROM generate_series(1, 5);
CALL pref.run_job('lb');
CALL pref.run_job('lb');
SELECT run_id, status, rows_read, rows_written, error FROM pref.runs ORDER BY run_id;
SELECT job, last_id, comparisons, tally FROM pref.leaderboard_state;
SELECT job, item, round(rating::numeric, 4) AS rating, rank, comparisons, run_id FROM pref.leaderboard_current ORDER BY rank;
SELECT job, day, item, rank, comparisons FROM pref.leaderboard_daily ORDER BY item;
-- independent: win share from all 15 comparisons
SELECT item, round(avg(w), 4) FROM (SELECT winner AS item, 1.0 AS w FROM comps UNION ALL SELECT loser, 0.0 FROM comps) s GROUP BY 1 ORDER BY 2 DESC;
SELECT pref.define_job('lbfull', 'leaderboard', '{"source": "SELECT id, winner, loser FROM comps", "full": true}');
CALL pref.run_job('lbfull');
CALL pref.run_job('lbfull');
SELECT job, last_id, comparisons FROM pref.leaderboard_state ORDER BY job;
SELECT item_a, item_b, round(win_prob::numeric, 4) AS p, round(score::numeric, 4) AS score FROM pref.next_comparisons((SELECT pref.bradley_terry(tally) FROM pref.leaderboard_state WHERE job = 'lb'), 2);
