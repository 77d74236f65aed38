-- Leaderboard refresh job and leaderboard views.
--
-- NOT YET IN SQL_PARTS: this part needs the Bradley-Terry module (issue 3:
-- type and aggregate pref.tally, pref.tally_merge, pref.bradley_terry,
-- pref.ratings, pref.bt_model).  Append it to SQL_PARTS after src/bt*.sql
-- once that module is merged, and check the assumed signatures marked
-- ASSUMED below against the real ones:
--   pref.tally(winner bigint, loser bigint) -> pref.tally      (aggregate)
--   pref.tally_merge(pref.tally, pref.tally) -> pref.tally
--   pref.bradley_terry(pref.tally) -> pref.bt_model
--   pref.ratings(pref.bt_model) -> SETOF (item bigint, rating float8, lower float8, upper float8)
-- run_job finds the new kind by itself (pref.job_kinds() lists pref.job_*).

CREATE TABLE @extschema@.leaderboard_state (
	job text PRIMARY KEY,
	last_id bigint NOT NULL,
	comparisons bigint NOT NULL,
	tally @extschema@.tally NOT NULL,
	updated timestamptz NOT NULL
);
COMMENT ON TABLE @extschema@.leaderboard_state IS
'per leaderboard job: the merged tally of every comparison read so far and the largest comparison id read';
SELECT pg_catalog.pg_extension_config_dump('@extschema@.leaderboard_state', '');

CREATE TABLE @extschema@.leaderboard (
	job text NOT NULL,
	run_id bigint NOT NULL,
	computed_at timestamptz NOT NULL,
	item bigint NOT NULL,
	rating double precision NOT NULL,
	lower double precision,
	upper double precision,
	rank integer NOT NULL,
	comparisons bigint NOT NULL,
	PRIMARY KEY (job, run_id, item)
);
COMMENT ON TABLE @extschema@.leaderboard IS 'leaderboards written by leaderboard jobs, one set of rows per run (history)';
SELECT pg_catalog.pg_extension_config_dump('@extschema@.leaderboard', '');

CREATE FUNCTION @extschema@.job_leaderboard(run_id bigint, params jsonb, OUT rows_read bigint, OUT rows_written bigint)
RETURNS record
LANGUAGE plpgsql VOLATILE
AS $$
DECLARE
	src text := params OPERATOR(pg_catalog.->>) 'source';
	full_refresh boolean := COALESCE((params OPERATOR(pg_catalog.->>) 'full')::boolean, false);
	jname text;
	old_last bigint;
	old_count bigint;
	old_tally @extschema@.tally;
	new_last bigint;
	t @extschema@.tally;
	merged @extschema@.tally;
	model @extschema@.bt_model;
	total bigint;
BEGIN
	IF src IS NULL THEN
		RAISE EXCEPTION USING ERRCODE = 'invalid_parameter_value',
			MESSAGE = 'leaderboard job needs params.source, a query yielding (id, winner, loser)';
	END IF;
	SELECT r.job INTO jname FROM @extschema@.runs r WHERE r.run_id OPERATOR(pg_catalog.=) job_leaderboard.run_id;
	IF NOT full_refresh THEN
		SELECT s.last_id, s.comparisons, s.tally INTO old_last, old_count, old_tally
		FROM @extschema@.leaderboard_state s WHERE s.job OPERATOR(pg_catalog.=) jname;
	END IF;
	-- incremental: tally only comparisons newer than the last run
	EXECUTE pg_catalog.format(
		'SELECT pg_catalog.max(id), pg_catalog.count(*), @extschema@.tally(winner, loser) ' ||  -- ASSUMED
		'FROM (%s) s(id, winner, loser) WHERE id OPERATOR(pg_catalog.>) $1', src)
		INTO new_last, rows_read, t USING COALESCE(old_last, (-9223372036854775807)::bigint - 1);
	IF old_tally IS NULL THEN
		merged := t;
	ELSIF t IS NULL THEN
		merged := old_tally;
	ELSE
		merged := @extschema@.tally_merge(old_tally, t);                                         -- ASSUMED
	END IF;
	IF merged IS NULL THEN
		rows_written := 0;
		RETURN;
	END IF;
	total := COALESCE(old_count, 0) OPERATOR(pg_catalog.+) rows_read;
	DELETE FROM @extschema@.leaderboard_state s WHERE s.job OPERATOR(pg_catalog.=) jname;
	INSERT INTO @extschema@.leaderboard_state (job, last_id, comparisons, tally, updated)
	VALUES (jname, COALESCE(new_last, old_last), total, merged, pg_catalog.clock_timestamp());
	model := @extschema@.bradley_terry(merged);                                                 -- ASSUMED
	INSERT INTO @extschema@.leaderboard (job, run_id, computed_at, item, rating, lower, upper, rank, comparisons)
	SELECT jname, job_leaderboard.run_id, pg_catalog.clock_timestamp(), r.item, r.rating, r.lower, r.upper,
		pg_catalog.rank() OVER (ORDER BY r.rating DESC), total
	FROM @extschema@.ratings(model) r;                                                          -- ASSUMED
	GET DIAGNOSTICS rows_written = ROW_COUNT;
END
$$;
COMMENT ON FUNCTION @extschema@.job_leaderboard(bigint, jsonb) IS
'job kind leaderboard: params source (query of id, winner, loser), full (true: re-read everything); tallies only new comparisons, merges into the stored tally, refits, appends to pref.leaderboard';

CREATE VIEW @extschema@.leaderboard_current AS
SELECT l.job, l.item, l.rating, l.lower, l.upper, l.rank, l.comparisons, l.computed_at, l.run_id
FROM @extschema@.leaderboard l
WHERE l.run_id OPERATOR(pg_catalog.=) (SELECT pg_catalog.max(x.run_id) FROM @extschema@.leaderboard x
	WHERE x.job OPERATOR(pg_catalog.=) l.job);
COMMENT ON VIEW @extschema@.leaderboard_current IS
'latest leaderboard per job: item, rating, interval (lower, upper), rank, comparisons used, when computed';

CREATE VIEW @extschema@.leaderboard_daily AS
SELECT l.job, (l.computed_at AT TIME ZONE 'UTC')::date AS day, l.item, l.rating, l.lower, l.upper, l.rank, l.comparisons
FROM @extschema@.leaderboard l
WHERE l.run_id OPERATOR(pg_catalog.=) (SELECT pg_catalog.max(x.run_id) FROM @extschema@.leaderboard x
	WHERE x.job OPERATOR(pg_catalog.=) l.job
	  AND (x.computed_at AT TIME ZONE 'UTC')::date OPERATOR(pg_catalog.=) (l.computed_at AT TIME ZONE 'UTC')::date);
COMMENT ON VIEW @extschema@.leaderboard_daily IS
'leaderboard history: the last leaderboard of each UTC day per job';

CREATE FUNCTION @extschema@.next_comparisons(model @extschema@.bt_model, k integer DEFAULT 10)
RETURNS TABLE (item_a bigint, item_b bigint, win_prob double precision, score double precision)
LANGUAGE sql STABLE PARALLEL SAFE
AS $$
	-- ASSUMED: pref.ratings(model) gives ratings on the log-strength scale with a
	-- 95% interval (lower, upper); var = ((upper - lower) / 3.92)^2.  The expected
	-- information of one more label on (a, b) is p (1 - p) and it reduces the
	-- variance of r_a - r_b most where that variance is largest: score =
	-- p (1 - p) (var_a + var_b), the largest k pairs first.
	WITH r AS (SELECT x.item, x.rating,
	                  COALESCE(((x.upper OPERATOR(pg_catalog.-) x.lower) OPERATOR(pg_catalog./) 3.92)
	                           OPERATOR(pg_catalog.^) 2, 1.0) AS v
	           FROM @extschema@.ratings(model) x),
	     p AS (SELECT a.item AS item_a, b.item AS item_b,
	                  1.0 OPERATOR(pg_catalog./) (1.0 OPERATOR(pg_catalog.+)
	                      pg_catalog.exp(b.rating OPERATOR(pg_catalog.-) a.rating)) AS w,
	                  a.v OPERATOR(pg_catalog.+) b.v AS v
	           FROM r a JOIN r b ON a.item OPERATOR(pg_catalog.<) b.item)
	SELECT item_a, item_b, w, w OPERATOR(pg_catalog.*) (1.0 OPERATOR(pg_catalog.-) w) OPERATOR(pg_catalog.*) v
	FROM p ORDER BY 4 DESC, 1, 2 LIMIT k
$$;
COMMENT ON FUNCTION @extschema@.next_comparisons(@extschema@.bt_model, integer) IS
'active labelling: the k item pairs whose next label is most informative, p(1 - p) times the summed rating variances';
