-- Leaderboard refresh job (incremental Bradley-Terry), leaderboard views and
-- active labelling (pref.next_comparisons).  Needs src/tally.sql, src/bt.sql
-- and src/curation_jobs.sql before it in SQL_PARTS; run_job finds the new
-- kind by itself (pref.job_kinds() lists pref.job_*).

CREATE TABLE @extschema@.leaderboard_state (
	job text PRIMARY KEY,
	last_id bigint NOT NULL,
	comparisons bigint NOT NULL,
	tally @extschema@.tally NOT NULL,
	updated timestamptz NOT NULL
);
COMMENT ON TABLE @extschema@.leaderboard_state IS
'per leaderboard job: the merged tally of every comparison read so far, the number of rows read and the largest comparison id read';
COMMENT ON COLUMN @extschema@.leaderboard_state.job IS 'leaderboard job';
COMMENT ON COLUMN @extschema@.leaderboard_state.last_id IS 'largest comparison id read so far; the next run reads only rows with a larger id';
COMMENT ON COLUMN @extschema@.leaderboard_state.comparisons IS 'comparisons read so far';
COMMENT ON COLUMN @extschema@.leaderboard_state.tally IS 'merged tally of every comparison read so far (pref.tally)';
COMMENT ON COLUMN @extschema@.leaderboard_state.updated IS 'when the state was last written';
SELECT pg_catalog.pg_extension_config_dump('@extschema@.leaderboard_state', '');

ALTER TABLE @extschema@.leaderboard_state ENABLE ROW LEVEL SECURITY;
CREATE POLICY read_all ON @extschema@.leaderboard_state FOR SELECT USING (true);
CREATE POLICY write_own ON @extschema@.leaderboard_state FOR ALL
	USING (job IN (SELECT j.job FROM @extschema@.jobs j WHERE j.definer IN
		(SELECT r.rolname FROM pg_catalog.pg_roles r WHERE pg_catalog.pg_has_role(r.oid, 'MEMBER'))))
	WITH CHECK (job IN (SELECT j.job FROM @extschema@.jobs j WHERE j.definer IN
		(SELECT r.rolname FROM pg_catalog.pg_roles r WHERE pg_catalog.pg_has_role(r.oid, 'MEMBER'))));
COMMENT ON POLICY read_all ON @extschema@.leaderboard_state IS 'every role with SELECT reads every row';
COMMENT ON POLICY write_own ON @extschema@.leaderboard_state IS 'a role writes only rows of jobs whose definer it is a member of';

CREATE TABLE @extschema@.leaderboard (
	job text NOT NULL,
	run_id bigint NOT NULL,
	computed_at timestamptz NOT NULL,
	item text NOT NULL,
	rating double precision NOT NULL,
	std_error double precision,
	lower double precision,
	upper double precision,
	rank integer NOT NULL,
	position integer NOT NULL,
	wins bigint NOT NULL,
	losses bigint NOT NULL,
	ties bigint NOT NULL,
	games bigint NOT NULL,
	comparisons bigint NOT NULL,
	PRIMARY KEY (job, run_id, item)
);
COMMENT ON TABLE @extschema@.leaderboard IS
'leaderboards written by leaderboard jobs, one set of rows per run (history): pref.ratings of the refitted model plus position and the comparisons read so far';
COMMENT ON COLUMN @extschema@.leaderboard.job IS 'leaderboard job';
COMMENT ON COLUMN @extschema@.leaderboard.run_id IS 'run that computed the leaderboard (pref.runs)';
COMMENT ON COLUMN @extschema@.leaderboard.computed_at IS 'when the run computed the leaderboard';
COMMENT ON COLUMN @extschema@.leaderboard.item IS 'item (model) as text';
COMMENT ON COLUMN @extschema@.leaderboard.rating IS 'rating on the job''s scale (Elo: 400/ln 10 theta + 1000, or logit)';
COMMENT ON COLUMN @extschema@.leaderboard.std_error IS 'standard error of the rating';
COMMENT ON COLUMN @extschema@.leaderboard.lower IS 'lower end of the rating''s interval at the job''s level (default 95%)';
COMMENT ON COLUMN @extschema@.leaderboard.upper IS 'upper end of the rating''s interval';
COMMENT ON COLUMN @extschema@.leaderboard.rank IS 'interval-aware rank: 1 + the number of items whose lower end is above this item''s upper end';
COMMENT ON COLUMN @extschema@.leaderboard.position IS 'position 1, 2, ... by rating, ties by item';
COMMENT ON COLUMN @extschema@.leaderboard.wins IS 'comparisons the item won';
COMMENT ON COLUMN @extschema@.leaderboard.losses IS 'comparisons the item lost';
COMMENT ON COLUMN @extschema@.leaderboard.ties IS 'comparisons the item tied';
COMMENT ON COLUMN @extschema@.leaderboard.games IS 'comparisons of the item';
COMMENT ON COLUMN @extschema@.leaderboard.comparisons IS 'comparisons read by the job so far';
SELECT pg_catalog.pg_extension_config_dump('@extschema@.leaderboard', '');

ALTER TABLE @extschema@.leaderboard ENABLE ROW LEVEL SECURITY;
CREATE POLICY read_all ON @extschema@.leaderboard FOR SELECT USING (true);
CREATE POLICY write_own ON @extschema@.leaderboard FOR ALL
	USING (job IN (SELECT j.job FROM @extschema@.jobs j WHERE j.definer IN
		(SELECT r.rolname FROM pg_catalog.pg_roles r WHERE pg_catalog.pg_has_role(r.oid, 'MEMBER'))))
	WITH CHECK (job IN (SELECT j.job FROM @extschema@.jobs j WHERE j.definer IN
		(SELECT r.rolname FROM pg_catalog.pg_roles r WHERE pg_catalog.pg_has_role(r.oid, 'MEMBER'))));
COMMENT ON POLICY read_all ON @extschema@.leaderboard IS 'every role with SELECT reads every row';
COMMENT ON POLICY write_own ON @extschema@.leaderboard IS 'a role writes only rows of jobs whose definer it is a member of';

GRANT SELECT, INSERT, UPDATE, DELETE ON @extschema@.leaderboard_state, @extschema@.leaderboard TO @extowner@ WITH GRANT OPTION;

CREATE FUNCTION @extschema@.job_leaderboard(run_id bigint, params jsonb, OUT rows_read bigint, OUT rows_written bigint)
RETURNS record
LANGUAGE plpgsql VOLATILE
AS $$
DECLARE
	src pg_catalog.text := params OPERATOR(pg_catalog.->>) 'source';
	full_refresh boolean := COALESCE((params OPERATOR(pg_catalog.->>) 'full')::boolean, false);
	with_ties boolean := COALESCE((params OPERATOR(pg_catalog.->>) 'with_ties')::boolean, false);
	prior double precision := COALESCE((params OPERATOR(pg_catalog.->>) 'prior')::double precision, 0);
	tie_model pg_catalog.text := COALESCE(params OPERATOR(pg_catalog.->>) 'ties', 'auto');
	scale pg_catalog.text := COALESCE(params OPERATOR(pg_catalog.->>) 'scale', 'elo');
	lvl double precision := COALESCE((params OPERATOR(pg_catalog.->>) 'level')::double precision, 0.95);
	jname pg_catalog.text;
	old_last bigint;
	old_count bigint;
	old_tally @extschema@.tally;
	new_last bigint;
	t @extschema@.tally;
	merged @extschema@.tally;
	model @extschema@.bt_model;
	total bigint;
	stamp pg_catalog.timestamptz := pg_catalog.clock_timestamp();
BEGIN
	IF src IS NULL THEN
		RAISE EXCEPTION USING ERRCODE = 'invalid_parameter_value',
			MESSAGE = 'leaderboard job needs params.source, a query yielding (id, winner, loser) or, with "with_ties": true, (id, winner, loser, tie)';
	END IF;
	SELECT r.job INTO jname FROM @extschema@.runs r WHERE r.run_id OPERATOR(pg_catalog.=) job_leaderboard.run_id;
	IF NOT full_refresh THEN
		SELECT s.last_id, s.comparisons, s.tally INTO old_last, old_count, old_tally
		FROM @extschema@.leaderboard_state s WHERE s.job OPERATOR(pg_catalog.=) jname;
	END IF;
	-- incremental: tally only the comparisons with an id above the last one read
	BEGIN
	IF with_ties THEN
		EXECUTE pg_catalog.format(
			'SELECT pg_catalog.max(s.id::bigint), pg_catalog.count(*), @extschema@.tally(s.winner, s.loser, s.tie) '
			'FROM (%s) s(id, winner, loser, tie) WHERE s.id::bigint OPERATOR(pg_catalog.>) $1', src)
			INTO new_last, rows_read, t USING COALESCE(old_last, (-9223372036854775807)::bigint OPERATOR(pg_catalog.-) 1);
	ELSE
		EXECUTE pg_catalog.format(
			'SELECT pg_catalog.max(s.id::bigint), pg_catalog.count(*), @extschema@.tally(s.winner, s.loser) '
			'FROM (%s) s(id, winner, loser) WHERE s.id::bigint OPERATOR(pg_catalog.>) $1', src)
			INTO new_last, rows_read, t USING COALESCE(old_last, (-9223372036854775807)::bigint OPERATOR(pg_catalog.-) 1);
	END IF;
	EXCEPTION WHEN invalid_column_reference OR undefined_function OR undefined_column OR cannot_coerce OR datatype_mismatch THEN
		RAISE EXCEPTION USING ERRCODE = 'datatype_mismatch',
			MESSAGE = pg_catalog.format('leaderboard source query must yield (id, winner, loser%s): %s',
				CASE WHEN with_ties THEN ', tie' ELSE '' END, SQLERRM),
			HINT = 'id: an integer that grows with new rows; winner, loser: both bigint (or integer) or both text; tie: boolean (with "with_ties": true).';
	END;
	IF old_tally IS NULL THEN
		merged := t;
	ELSIF t IS NULL THEN
		merged := old_tally;
	ELSE
		SELECT @extschema@.tally_merge(x.t) INTO merged FROM (VALUES (old_tally), (t)) x(t);
	END IF;
	IF merged IS NULL THEN
		rows_written := 0;           -- nothing read yet: no leaderboard
		RETURN;
	END IF;
	total := COALESCE(old_count, 0) OPERATOR(pg_catalog.+) rows_read;
	DELETE FROM @extschema@.leaderboard_state s WHERE s.job OPERATOR(pg_catalog.=) jname;
	INSERT INTO @extschema@.leaderboard_state (job, last_id, comparisons, tally, updated)
	VALUES (jname, COALESCE(new_last, old_last), total, merged, stamp);
	model := @extschema@.bradley_terry(merged, prior => prior, ties => tie_model);
	INSERT INTO @extschema@.leaderboard (job, run_id, computed_at, item, rating, std_error, lower, upper, rank,
		position, wins, losses, ties, games, comparisons)
	SELECT jname, job_leaderboard.run_id, stamp, r.item, r.rating, r.std_error, r.lower, r.upper, r.rank,
		pg_catalog.row_number() OVER (ORDER BY r.rating DESC, r.item), r.wins, r.losses, r.ties, r.games, total
	FROM @extschema@.ratings(model, scale => scale, level => lvl) r;
	GET DIAGNOSTICS rows_written = ROW_COUNT;
END
$$;
COMMENT ON FUNCTION @extschema@.job_leaderboard(bigint, jsonb) IS
'job kind leaderboard: params source (query of id, winner, loser [, tie]), with_ties, full (true: re-read everything), prior, ties, scale, level; tallies only comparisons with an id above the last one read, merges into the stored tally, refits, appends to pref.leaderboard';

CREATE VIEW @extschema@.leaderboard_current WITH (security_invoker = true) AS
SELECT l.job, l.item, l.rating, l.std_error, l.lower, l.upper, l.rank, l.position AS place,
	l.wins, l.losses, l.ties, l.games, l.comparisons, l.computed_at, l.run_id
FROM @extschema@.leaderboard l
WHERE l.run_id OPERATOR(pg_catalog.=) (SELECT pg_catalog.max(x.run_id) FROM @extschema@.leaderboard x
	WHERE x.job OPERATOR(pg_catalog.=) l.job);
COMMENT ON VIEW @extschema@.leaderboard_current IS
'latest leaderboard per job: item, rating, standard error, interval (lower, upper), interval-aware rank, place, wins, losses, ties, games, comparisons read, when computed, run id';
COMMENT ON COLUMN @extschema@.leaderboard_current.job IS 'leaderboard job';
COMMENT ON COLUMN @extschema@.leaderboard_current.item IS 'item (model) as text';
COMMENT ON COLUMN @extschema@.leaderboard_current.rating IS 'rating on the job''s scale (Elo: 400/ln 10 theta + 1000, or logit)';
COMMENT ON COLUMN @extschema@.leaderboard_current.std_error IS 'standard error of the rating';
COMMENT ON COLUMN @extschema@.leaderboard_current.lower IS 'lower end of the rating''s interval at the job''s level (default 95%)';
COMMENT ON COLUMN @extschema@.leaderboard_current.upper IS 'upper end of the rating''s interval';
COMMENT ON COLUMN @extschema@.leaderboard_current.rank IS 'interval-aware rank: 1 + the number of items whose lower end is above this item''s upper end';
COMMENT ON COLUMN @extschema@.leaderboard_current.place IS 'place 1, 2, ... by rating, ties by item (a plain running number; rank is the interval-aware one)';
COMMENT ON COLUMN @extschema@.leaderboard_current.wins IS 'comparisons the item won';
COMMENT ON COLUMN @extschema@.leaderboard_current.losses IS 'comparisons the item lost';
COMMENT ON COLUMN @extschema@.leaderboard_current.ties IS 'comparisons the item tied';
COMMENT ON COLUMN @extschema@.leaderboard_current.games IS 'comparisons of the item';
COMMENT ON COLUMN @extschema@.leaderboard_current.comparisons IS 'comparisons read by the job so far';
COMMENT ON COLUMN @extschema@.leaderboard_current.computed_at IS 'when the run computed the leaderboard';
COMMENT ON COLUMN @extschema@.leaderboard_current.run_id IS 'run that computed the leaderboard (pref.runs)';

CREATE VIEW @extschema@.leaderboard_daily WITH (security_invoker = true) AS
SELECT l.job, (l.computed_at AT TIME ZONE 'UTC')::date AS day, l.item, l.rating, l.std_error, l.lower, l.upper,
	l.rank, l.position AS place, l.games, l.comparisons, l.computed_at, l.run_id
FROM @extschema@.leaderboard l
WHERE l.run_id OPERATOR(pg_catalog.=) (SELECT pg_catalog.max(x.run_id) FROM @extschema@.leaderboard x
	WHERE x.job OPERATOR(pg_catalog.=) l.job
	  AND (x.computed_at AT TIME ZONE 'UTC')::date OPERATOR(pg_catalog.=) (l.computed_at AT TIME ZONE 'UTC')::date);
COMMENT ON VIEW @extschema@.leaderboard_daily IS
'leaderboard history: the last leaderboard of each UTC day per job';
COMMENT ON COLUMN @extschema@.leaderboard_daily.job IS 'leaderboard job';
COMMENT ON COLUMN @extschema@.leaderboard_daily.day IS 'UTC day of the leaderboard (the last of the day is shown)';
COMMENT ON COLUMN @extschema@.leaderboard_daily.item IS 'item (model) as text';
COMMENT ON COLUMN @extschema@.leaderboard_daily.rating IS 'rating on the job''s scale (Elo: 400/ln 10 theta + 1000, or logit)';
COMMENT ON COLUMN @extschema@.leaderboard_daily.std_error IS 'standard error of the rating';
COMMENT ON COLUMN @extschema@.leaderboard_daily.lower IS 'lower end of the rating''s interval at the job''s level (default 95%)';
COMMENT ON COLUMN @extschema@.leaderboard_daily.upper IS 'upper end of the rating''s interval';
COMMENT ON COLUMN @extschema@.leaderboard_daily.rank IS 'interval-aware rank: 1 + the number of items whose lower end is above this item''s upper end';
COMMENT ON COLUMN @extschema@.leaderboard_daily.place IS 'place 1, 2, ... by rating, ties by item (a plain running number; rank is the interval-aware one)';
COMMENT ON COLUMN @extschema@.leaderboard_daily.games IS 'comparisons of the item';
COMMENT ON COLUMN @extschema@.leaderboard_daily.comparisons IS 'comparisons read by the job so far';
COMMENT ON COLUMN @extschema@.leaderboard_daily.computed_at IS 'when the run computed the leaderboard';
COMMENT ON COLUMN @extschema@.leaderboard_daily.run_id IS 'run that computed the leaderboard (pref.runs)';

GRANT SELECT, INSERT, UPDATE, DELETE ON @extschema@.leaderboard_current, @extschema@.leaderboard_daily TO @extowner@ WITH GRANT OPTION;

CREATE FUNCTION @extschema@.next_comparisons(model @extschema@.bt_model, k integer DEFAULT 10)
RETURNS TABLE (item_a text, item_b text, win_prob double precision, std_error double precision, score double precision)
LANGUAGE sql STABLE STRICT PARALLEL SAFE
AS $$
	-- For each pair a < b: d = theta_a - theta_b (logit scale), v = Var(d) from
	-- the model covariance (pref.ratings anchored at a gives the standard error
	-- of each difference from a), p = 1 / (1 + exp(-d)).  One more comparison of
	-- a and b carries Fisher information p (1 - p) about d, so a Gaussian update
	-- takes Var(d) from v to 1 / (1/v + p (1 - p)): the expected reduction is
	-- score = v^2 p (1 - p) / (1 + v p (1 - p)).  The k largest scores first.
	WITH r AS (SELECT x.item, x.rating FROM @extschema@.ratings(model, scale => 'logit') x),
	     p AS (SELECT a.item AS item_a, b.item AS item_b,
	                  1.0 OPERATOR(pg_catalog./) (1.0 OPERATOR(pg_catalog.+)
	                      pg_catalog.exp(b.rating OPERATOR(pg_catalog.-) a.rating)) AS w,
	                  d.std_error AS se
	           FROM r a
	           CROSS JOIN LATERAL @extschema@.ratings(model, scale => 'logit', anchor => a.item) d
	           JOIN r b ON b.item OPERATOR(pg_catalog.=) d.item
	           WHERE a.item OPERATOR(pg_catalog.<) b.item),
	     s AS (SELECT p.item_a, p.item_b, p.w, p.se,
	                  p.w OPERATOR(pg_catalog.*) (1.0 OPERATOR(pg_catalog.-) p.w) AS info,
	                  p.se OPERATOR(pg_catalog.*) p.se AS v
	           FROM p)
	SELECT s.item_a, s.item_b, s.w, s.se,
	       ((s.v OPERATOR(pg_catalog.*) s.v) OPERATOR(pg_catalog.*) s.info) OPERATOR(pg_catalog./)
	           (1.0 OPERATOR(pg_catalog.+) (s.v OPERATOR(pg_catalog.*) s.info))
	FROM s ORDER BY 5 DESC, 1, 2 LIMIT k
$$;
COMMENT ON FUNCTION @extschema@.next_comparisons(@extschema@.bt_model, integer) IS
'active labelling: the k item pairs whose next comparison most reduces the variance of their rating difference, v^2 p(1 - p) / (1 + v p(1 - p)) with v = Var(theta_a - theta_b) and p the win probability';
