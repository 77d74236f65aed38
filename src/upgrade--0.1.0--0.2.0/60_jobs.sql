-- Curation jobs that cannot be used to gain rights, usable by the database
-- owner and the roles it lets in, and pg_cron failures that show (issue 11).
--
-- Schema pref passes to the superuser running this update (the bootstrap
-- superuser for a database owner's trusted install), so that no other role
-- can drop, replace or overload the functions a superuser later calls.
ALTER SCHEMA @extschema@ OWNER TO CURRENT_USER;
-- Objects that other roles put into the schema while it was theirs stay
-- theirs: name them, since a superuser's job could call them.
DO $$
DECLARE
	planted pg_catalog.text;
BEGIN
	SELECT pg_catalog.string_agg(o.what, ', ' ORDER BY o.what) INTO planted
	FROM (SELECT pg_catalog.pg_describe_object('pg_catalog.pg_proc'::pg_catalog.regclass, p.oid, 0) AS what, p.proowner AS owner,
	             'pg_catalog.pg_proc'::pg_catalog.regclass AS classid, p.oid AS objid
	      FROM pg_catalog.pg_proc p WHERE p.pronamespace OPERATOR(pg_catalog.=) '@extschema@'::pg_catalog.regnamespace
	      UNION ALL
	      SELECT pg_catalog.pg_describe_object('pg_catalog.pg_class'::pg_catalog.regclass, c.oid, 0), c.relowner,
	             'pg_catalog.pg_class'::pg_catalog.regclass, c.oid
	      FROM pg_catalog.pg_class c WHERE c.relnamespace OPERATOR(pg_catalog.=) '@extschema@'::pg_catalog.regnamespace
	      UNION ALL
	      SELECT pg_catalog.pg_describe_object('pg_catalog.pg_operator'::pg_catalog.regclass, o.oid, 0), o.oprowner,
	             'pg_catalog.pg_operator'::pg_catalog.regclass, o.oid
	      FROM pg_catalog.pg_operator o WHERE o.oprnamespace OPERATOR(pg_catalog.=) '@extschema@'::pg_catalog.regnamespace
	      UNION ALL
	      SELECT pg_catalog.pg_describe_object('pg_catalog.pg_type'::pg_catalog.regclass, t.oid, 0), t.typowner,
	             'pg_catalog.pg_type'::pg_catalog.regclass, t.oid
	      FROM pg_catalog.pg_type t WHERE t.typnamespace OPERATOR(pg_catalog.=) '@extschema@'::pg_catalog.regnamespace
	        AND t.typrelid OPERATOR(pg_catalog.=) 0 AND t.typelem OPERATOR(pg_catalog.=) 0) o
	JOIN pg_catalog.pg_roles r ON r.oid OPERATOR(pg_catalog.=) o.owner AND NOT r.rolsuper
	WHERE NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d
	                  WHERE d.classid OPERATOR(pg_catalog.=) o.classid AND d.objid OPERATOR(pg_catalog.=) o.objid
	                    AND d.deptype OPERATOR(pg_catalog.=) 'e');
	IF planted IS NOT NULL THEN
		RAISE WARNING USING
			MESSAGE = pg_catalog.format('schema pref holds objects that are not part of pgpref and do not belong to a superuser: %s', planted),
			DETAIL = 'Before pgpref 0.2.0 the schema belonged to the role that installed the extension, and a job run by a superuser could call such objects.',
			HINT = 'Check them, then drop them or move them to another schema (ALTER ... SET SCHEMA).';
	END IF;
END
$$;

-- ---- tables: the definer of each job, who ran each run, comments on every column

ALTER TABLE @extschema@.jobs ADD COLUMN definer name;   -- NULL for the jobs 0.1.0 defined: they do not run until redefined
ALTER TABLE @extschema@.jobs ALTER COLUMN definer SET DEFAULT CURRENT_USER;
ALTER TABLE @extschema@.runs ADD COLUMN run_as name, ADD COLUMN called_by name;
COMMENT ON TABLE @extschema@.jobs IS 'curation jobs: name, kind (a function pref.job_<kind>(run_id, params) does the work), parameters and the role whose rights the job runs with';
COMMENT ON COLUMN @extschema@.jobs.job IS 'job name (unique), as passed to pref.run_job';
COMMENT ON COLUMN @extschema@.jobs.kind IS 'job kind: binarize, health, leaderboard or valuation (pref.job_kinds() lists them)';
COMMENT ON COLUMN @extschema@.jobs.params IS 'parameters of the job as a JSON object (pref.job_kind_params(kind) lists the keys of each kind)';
COMMENT ON COLUMN @extschema@.jobs.created IS 'when the job was first defined';
COMMENT ON COLUMN @extschema@.jobs.definer IS 'role that defined the job; the job runs with its rights, and only its members may change or run it (NULL: defined before pgpref 0.2.0, cannot run until redefined)';
COMMENT ON COLUMN @extschema@.runs.run_id IS 'run id, increasing';
COMMENT ON COLUMN @extschema@.runs.job IS 'job name';
COMMENT ON COLUMN @extschema@.runs.kind IS 'job kind at the time of the run';
COMMENT ON COLUMN @extschema@.runs.started IS 'when the run started';
COMMENT ON COLUMN @extschema@.runs.finished IS 'when the run finished (NULL while running)';
COMMENT ON COLUMN @extschema@.runs.rows_read IS 'rows the job read (for leaderboard jobs: new rows only)';
COMMENT ON COLUMN @extschema@.runs.rows_written IS 'rows the job wrote into its result tables';
COMMENT ON COLUMN @extschema@.runs.parameters IS 'the job''s params at the time of the run';
COMMENT ON COLUMN @extschema@.runs.status IS 'running, succeeded, failed, or skipped (another run held the job''s lock)';
COMMENT ON COLUMN @extschema@.runs.error IS 'error message (and detail) of a failed run, or why it was skipped';
COMMENT ON COLUMN @extschema@.runs.run_as IS 'role whose rights the job ran with (its definer)';
COMMENT ON COLUMN @extschema@.runs.called_by IS 'role that called pref.run_job (for pg_cron: the role that scheduled it)';
COMMENT ON COLUMN @extschema@.curated_pairs.job IS 'binarize job that wrote the pair';
COMMENT ON COLUMN @extschema@.curated_pairs.run_id IS 'run that wrote the pair (pref.runs)';
COMMENT ON COLUMN @extschema@.curated_pairs.prompt_id IS 'prompt id';
COMMENT ON COLUMN @extschema@.curated_pairs.chosen IS 'response id of the preferred response';
COMMENT ON COLUMN @extschema@.curated_pairs.rejected IS 'response id of the rejected response';
COMMENT ON COLUMN @extschema@.curated_pairs.margin IS 'score of the chosen response minus score of the rejected one (> min_margin)';
COMMENT ON COLUMN @extschema@.data_health.job IS 'health job that wrote the row';
COMMENT ON COLUMN @extschema@.data_health.run_id IS 'run that wrote the row (pref.runs)';
COMMENT ON COLUMN @extschema@.data_health.day IS 'date of the labels'' latest versions';
COMMENT ON COLUMN @extschema@.data_health.labels IS 'labels of the day after de-duplication (the latest label of each item and annotator)';
COMMENT ON COLUMN @extschema@.data_health.items IS 'distinct items labelled';
COMMENT ON COLUMN @extschema@.data_health.annotators IS 'distinct annotators';
COMMENT ON COLUMN @extschema@.data_health.tie_rate IS 'share of labels equal to the job''s tie_label';
COMMENT ON COLUMN @extschema@.data_health.agreement IS 'Krippendorff''s alpha (nominal) over the day''s labels';
COMMENT ON COLUMN @extschema@.data_health.likely_mislabeled_share IS 'share of labels that differ from the Dawid-Skene label of their item where that label''s posterior is at least mislabel_threshold';
COMMENT ON COLUMN @extschema@.data_health.duplicates_share IS 'share of the raw rows of the day''s (item, annotator) pairs superseded by a later label';
COMMENT ON COLUMN @extschema@.leaderboard_state.job IS 'leaderboard job';
COMMENT ON COLUMN @extschema@.leaderboard_state.last_id IS 'largest comparison id read so far; the next run reads only rows with a larger id';
COMMENT ON COLUMN @extschema@.leaderboard_state.comparisons IS 'comparisons read so far';
COMMENT ON COLUMN @extschema@.leaderboard_state.tally IS 'merged tally of every comparison read so far (pref.tally)';
COMMENT ON COLUMN @extschema@.leaderboard_state.updated IS 'when the state was last written';
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
COMMENT ON COLUMN @extschema@.data_values.job IS 'valuation job';
COMMENT ON COLUMN @extschema@.data_values.run_id IS 'run that computed the value (pref.runs)';
COMMENT ON COLUMN @extschema@.data_values.dataset IS 'the job''s dataset label (default: the job name)';
COMMENT ON COLUMN @extschema@.data_values.id IS 'id of the training row';
COMMENT ON COLUMN @extschema@.data_values.value IS 'data value of the row (Shapley value, Banzhaf value or leave-one-out difference, by the job''s method)';
COMMENT ON COLUMN @extschema@.data_values.std_error IS 'Monte-Carlo standard error of the value (NULL for exact methods)';
COMMENT ON COLUMN @extschema@.data_values.harmful IS 'value < 0: the row lowers validation utility';
COMMENT ON COLUMN @extschema@.training_subset.job IS 'valuation job';
COMMENT ON COLUMN @extschema@.training_subset.run_id IS 'run that picked the row (pref.runs)';
COMMENT ON COLUMN @extschema@.training_subset.dataset IS 'the job''s dataset label (default: the job name)';
COMMENT ON COLUMN @extschema@.training_subset.id IS 'id of the picked row';
COMMENT ON COLUMN @extschema@.training_subset.pick IS 'pick order, 1 first';
COMMENT ON COLUMN @extschema@.training_subset.gain IS 'objective gain of the pick (pref.select_subset)';
COMMENT ON COLUMN @extschema@.training_subset.objective IS 'objective after the pick (pref.select_subset)';

-- ---- row-level security

ALTER TABLE @extschema@.jobs ENABLE ROW LEVEL SECURITY;
CREATE POLICY read_all ON @extschema@.jobs FOR SELECT USING (true);
CREATE POLICY write_own ON @extschema@.jobs FOR ALL
	USING (definer IN (SELECT r.rolname FROM pg_catalog.pg_roles r WHERE pg_catalog.pg_has_role(r.oid, 'MEMBER')))
	WITH CHECK (definer IN (SELECT r.rolname FROM pg_catalog.pg_roles r WHERE pg_catalog.pg_has_role(r.oid, 'MEMBER')));
COMMENT ON POLICY read_all ON @extschema@.jobs IS 'every role with SELECT reads every job';
COMMENT ON POLICY write_own ON @extschema@.jobs IS 'a role adds, changes and removes only jobs whose definer it is a member of, and cannot make another role the definer';
ALTER TABLE @extschema@.runs ENABLE ROW LEVEL SECURITY;
CREATE POLICY read_all ON @extschema@.runs FOR SELECT USING (true);
CREATE POLICY write_own ON @extschema@.runs FOR ALL
	USING (job IN (SELECT j.job FROM @extschema@.jobs j WHERE j.definer IN
		(SELECT r.rolname FROM pg_catalog.pg_roles r WHERE pg_catalog.pg_has_role(r.oid, 'MEMBER'))))
	WITH CHECK (job IN (SELECT j.job FROM @extschema@.jobs j WHERE j.definer IN
		(SELECT r.rolname FROM pg_catalog.pg_roles r WHERE pg_catalog.pg_has_role(r.oid, 'MEMBER'))));
COMMENT ON POLICY read_all ON @extschema@.runs IS 'every role with SELECT reads every run';
COMMENT ON POLICY write_own ON @extschema@.runs IS 'a role writes only runs of jobs whose definer it is a member of';
ALTER TABLE @extschema@.curated_pairs ENABLE ROW LEVEL SECURITY;
CREATE POLICY read_all ON @extschema@.curated_pairs FOR SELECT USING (true);
CREATE POLICY write_own ON @extschema@.curated_pairs FOR ALL
	USING (job IN (SELECT j.job FROM @extschema@.jobs j WHERE j.definer IN
		(SELECT r.rolname FROM pg_catalog.pg_roles r WHERE pg_catalog.pg_has_role(r.oid, 'MEMBER'))))
	WITH CHECK (job IN (SELECT j.job FROM @extschema@.jobs j WHERE j.definer IN
		(SELECT r.rolname FROM pg_catalog.pg_roles r WHERE pg_catalog.pg_has_role(r.oid, 'MEMBER'))));
COMMENT ON POLICY read_all ON @extschema@.curated_pairs IS 'every role with SELECT reads every row';
COMMENT ON POLICY write_own ON @extschema@.curated_pairs IS 'a role writes only rows of jobs whose definer it is a member of';
ALTER TABLE @extschema@.data_health ENABLE ROW LEVEL SECURITY;
CREATE POLICY read_all ON @extschema@.data_health FOR SELECT USING (true);
CREATE POLICY write_own ON @extschema@.data_health FOR ALL
	USING (job IN (SELECT j.job FROM @extschema@.jobs j WHERE j.definer IN
		(SELECT r.rolname FROM pg_catalog.pg_roles r WHERE pg_catalog.pg_has_role(r.oid, 'MEMBER'))))
	WITH CHECK (job IN (SELECT j.job FROM @extschema@.jobs j WHERE j.definer IN
		(SELECT r.rolname FROM pg_catalog.pg_roles r WHERE pg_catalog.pg_has_role(r.oid, 'MEMBER'))));
COMMENT ON POLICY read_all ON @extschema@.data_health IS 'every role with SELECT reads every row';
COMMENT ON POLICY write_own ON @extschema@.data_health IS 'a role writes only rows of jobs whose definer it is a member of';
ALTER TABLE @extschema@.leaderboard_state ENABLE ROW LEVEL SECURITY;
CREATE POLICY read_all ON @extschema@.leaderboard_state FOR SELECT USING (true);
CREATE POLICY write_own ON @extschema@.leaderboard_state FOR ALL
	USING (job IN (SELECT j.job FROM @extschema@.jobs j WHERE j.definer IN
		(SELECT r.rolname FROM pg_catalog.pg_roles r WHERE pg_catalog.pg_has_role(r.oid, 'MEMBER'))))
	WITH CHECK (job IN (SELECT j.job FROM @extschema@.jobs j WHERE j.definer IN
		(SELECT r.rolname FROM pg_catalog.pg_roles r WHERE pg_catalog.pg_has_role(r.oid, 'MEMBER'))));
COMMENT ON POLICY read_all ON @extschema@.leaderboard_state IS 'every role with SELECT reads every row';
COMMENT ON POLICY write_own ON @extschema@.leaderboard_state IS 'a role writes only rows of jobs whose definer it is a member of';
ALTER TABLE @extschema@.leaderboard ENABLE ROW LEVEL SECURITY;
CREATE POLICY read_all ON @extschema@.leaderboard FOR SELECT USING (true);
CREATE POLICY write_own ON @extschema@.leaderboard FOR ALL
	USING (job IN (SELECT j.job FROM @extschema@.jobs j WHERE j.definer IN
		(SELECT r.rolname FROM pg_catalog.pg_roles r WHERE pg_catalog.pg_has_role(r.oid, 'MEMBER'))))
	WITH CHECK (job IN (SELECT j.job FROM @extschema@.jobs j WHERE j.definer IN
		(SELECT r.rolname FROM pg_catalog.pg_roles r WHERE pg_catalog.pg_has_role(r.oid, 'MEMBER'))));
COMMENT ON POLICY read_all ON @extschema@.leaderboard IS 'every role with SELECT reads every row';
COMMENT ON POLICY write_own ON @extschema@.leaderboard IS 'a role writes only rows of jobs whose definer it is a member of';
ALTER TABLE @extschema@.data_values ENABLE ROW LEVEL SECURITY;
CREATE POLICY read_all ON @extschema@.data_values FOR SELECT USING (true);
CREATE POLICY write_own ON @extschema@.data_values FOR ALL
	USING (job IN (SELECT j.job FROM @extschema@.jobs j WHERE j.definer IN
		(SELECT r.rolname FROM pg_catalog.pg_roles r WHERE pg_catalog.pg_has_role(r.oid, 'MEMBER'))))
	WITH CHECK (job IN (SELECT j.job FROM @extschema@.jobs j WHERE j.definer IN
		(SELECT r.rolname FROM pg_catalog.pg_roles r WHERE pg_catalog.pg_has_role(r.oid, 'MEMBER'))));
COMMENT ON POLICY read_all ON @extschema@.data_values IS 'every role with SELECT reads every row';
COMMENT ON POLICY write_own ON @extschema@.data_values IS 'a role writes only rows of jobs whose definer it is a member of';
ALTER TABLE @extschema@.training_subset ENABLE ROW LEVEL SECURITY;
CREATE POLICY read_all ON @extschema@.training_subset FOR SELECT USING (true);
CREATE POLICY write_own ON @extschema@.training_subset FOR ALL
	USING (job IN (SELECT j.job FROM @extschema@.jobs j WHERE j.definer IN
		(SELECT r.rolname FROM pg_catalog.pg_roles r WHERE pg_catalog.pg_has_role(r.oid, 'MEMBER'))))
	WITH CHECK (job IN (SELECT j.job FROM @extschema@.jobs j WHERE j.definer IN
		(SELECT r.rolname FROM pg_catalog.pg_roles r WHERE pg_catalog.pg_has_role(r.oid, 'MEMBER'))));
COMMENT ON POLICY read_all ON @extschema@.training_subset IS 'every role with SELECT reads every row';
COMMENT ON POLICY write_own ON @extschema@.training_subset IS 'a role writes only rows of jobs whose definer it is a member of';

-- ---- functions

CREATE OR REPLACE FUNCTION @extschema@.job_kinds() RETURNS SETOF text
LANGUAGE sql STABLE PARALLEL SAFE
AS $$
	SELECT pg_catalog.substr(p.proname, 5) FROM pg_catalog.pg_proc p
	WHERE p.pronamespace OPERATOR(pg_catalog.=) '@extschema@'::pg_catalog.regnamespace
	  AND p.proname OPERATOR(pg_catalog.~~) 'job\_%'
	  AND p.proname OPERATOR(pg_catalog.<>) 'job_kinds'
	  AND p.proargtypes OPERATOR(pg_catalog.=) '20 3802'::pg_catalog.oidvector
	  AND (p.proowner OPERATOR(pg_catalog.=) ANY (SELECT r.oid FROM pg_catalog.pg_roles r WHERE r.rolsuper)
	       OR p.proowner OPERATOR(pg_catalog.=) (SELECT r.oid FROM pg_catalog.pg_roles r WHERE r.rolname OPERATOR(pg_catalog.=) CURRENT_USER))
	ORDER BY 1
$$;
COMMENT ON FUNCTION @extschema@.job_kinds() IS 'job kinds this installation can run: functions pref.job_<kind>(bigint, jsonb) that belong to a superuser (or to the current user)';

CREATE FUNCTION @extschema@.job_kind_params(kind text)
RETURNS TABLE (key text, type text, required boolean, required_with text, default_value text, description text)
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
AS $$
	SELECT p.key, p.type, p.required, p.required_with, p.default_value, p.description
	FROM (VALUES
		('binarize', 1, 'source', 'string', true, NULL, NULL,
		 'query yielding (prompt_id, response_id, score), or (prompt_id, response_id, scores float8[]) with weights'),
		('binarize', 2, 'strategy', 'string', false, NULL, 'best_vs_random', 'best_vs_random, best_vs_worst, best_vs_all or all_pairs'),
		('binarize', 3, 'min_margin', 'number', false, NULL, '0', 'a pair needs chosen score - rejected score > min_margin'),
		('binarize', 4, 'seed', 'integer', false, NULL, '0', 'seed of the best_vs_random draw'),
		('binarize', 5, 'weights', 'number[]', false, NULL, NULL, 'weights of the scores array (score = scores . weights)'),
		('health', 1, 'source', 'string', true, NULL, NULL, 'query yielding (labelled_at, item_id, annotator, label)'),
		('health', 2, 'tie_label', 'string', false, NULL, '=', 'the label that means a tie'),
		('health', 3, 'mislabel_threshold', 'number', false, NULL, '0.9',
		 'Dawid-Skene posterior at or above which a label that differs from its item''s label counts as likely mislabeled'),
		('leaderboard', 1, 'source', 'string', true, NULL, NULL,
		 'query yielding (id, winner, loser), or (id, winner, loser, tie) with with_ties; id grows with new rows'),
		('leaderboard', 2, 'with_ties', 'boolean', false, NULL, 'false', 'the source has a fourth column tie boolean'),
		('leaderboard', 3, 'full', 'boolean', false, NULL, 'false', 'read every row on each run instead of the rows with a larger id'),
		('leaderboard', 4, 'prior', 'number', false, NULL, '0', 'prior passed to pref.bradley_terry'),
		('leaderboard', 5, 'ties', 'string', false, NULL, 'auto', 'tie model passed to pref.bradley_terry'),
		('leaderboard', 6, 'scale', 'string', false, NULL, 'elo', 'rating scale passed to pref.ratings'),
		('leaderboard', 7, 'level', 'number', false, NULL, '0.95', 'interval level passed to pref.ratings'),
		('valuation', 1, 'dataset', 'string', false, NULL, 'the job name', 'a label stored with the results'),
		('valuation', 2, 'train', 'string', true, NULL, NULL, 'query yielding (id, features, label)'),
		('valuation', 3, 'valid', 'string', true, NULL, NULL, 'query yielding (features, label)'),
		('valuation', 4, 'method', 'string', false, NULL, 'knn',
		 'knn (exact pref.knn_shapley), or tmc, beta, banzhaf, loo (pref.data_shapley)'),
		('valuation', 5, 'k', 'integer', false, NULL, '5', 'neighbours, passed to both'),
		('valuation', 6, 'metric', 'string', false, NULL, 'l2', 'distance, passed to both'),
		('valuation', 7, 'utility', 'string', false, NULL, 'knn', 'passed to pref.data_shapley'),
		('valuation', 8, 'permutations', 'integer', false, NULL, '1000', 'passed to pref.data_shapley'),
		('valuation', 9, 'seed', 'integer', false, NULL, '42', 'passed to pref.data_shapley'),
		('valuation', 10, 'tolerance', 'number', false, NULL, '0.005', 'passed to pref.data_shapley'),
		('valuation', 11, 'subset', 'string', false, NULL, NULL,
		 'query yielding (id, embedding [, quality]) for pref.select_subset; without it no subset is picked'),
		('valuation', 12, 'subset_k', 'integer', false, 'subset', NULL, 'rows to pick'),
		('valuation', 13, 'subset_method', 'string', false, NULL, 'facility_location', 'passed to pref.select_subset'),
		('valuation', 14, 'subset_metric', 'string', false, NULL, 'cosine', 'passed to pref.select_subset'),
		('valuation', 15, 'subset_lambda', 'number', false, NULL, NULL, 'passed to pref.select_subset'),
		('valuation', 16, 'subset_seed', 'integer', false, NULL, NULL, 'passed to pref.select_subset'),
		('valuation', 17, 'exclude_harmful', 'boolean', false, NULL, 'true', 'pick only among rows valued >= 0 in this run')
	) p(kind, n, key, type, required, required_with, default_value, description)
	WHERE p.kind OPERATOR(pg_catalog.=) job_kind_params.kind
	ORDER BY p.n
$$;
COMMENT ON FUNCTION @extschema@.job_kind_params(text) IS
'the parameters of a job kind: key, JSON type (string, number, integer, boolean, number[]), whether required (or required together with another key), default and meaning; no rows for kinds without a schema';

CREATE FUNCTION @extschema@.check_job_params(kind text, params jsonb) RETURNS void
LANGUAGE plpgsql STABLE
AS $$
DECLARE
	p record;
	valid pg_catalog.text;
	bad pg_catalog.text;
	nbad integer;
	t pg_catalog.text;
	ok boolean;
BEGIN
	IF kind IS NULL OR params IS NULL THEN
		RAISE EXCEPTION USING ERRCODE = 'null_value_not_allowed', MESSAGE = 'kind and params must not be NULL';
	END IF;
	IF pg_catalog.jsonb_typeof(params) OPERATOR(pg_catalog.<>) 'object' THEN
		RAISE EXCEPTION USING ERRCODE = 'invalid_parameter_value', MESSAGE = 'params must be a JSON object';
	END IF;
	SELECT pg_catalog.string_agg(s.key, ', ' ORDER BY s.n) INTO valid
	FROM @extschema@.job_kind_params(kind) WITH ORDINALITY s(key, type, required, required_with, default_value, description, n);
	IF valid IS NULL THEN
		RETURN;                      -- a kind without a schema takes any keys
	END IF;
	SELECT pg_catalog.string_agg(pg_catalog.format('"%s"', k), ', ' ORDER BY k), pg_catalog.count(*) INTO bad, nbad
	FROM pg_catalog.jsonb_object_keys(params) k
	WHERE NOT EXISTS (SELECT 1 FROM @extschema@.job_kind_params(kind) s WHERE s.key OPERATOR(pg_catalog.=) k);
	IF bad IS NOT NULL THEN
		RAISE EXCEPTION USING ERRCODE = 'invalid_parameter_value',
			MESSAGE = pg_catalog.format('unknown %s %s for job kind "%s"',
				CASE WHEN nbad OPERATOR(pg_catalog.>) 1 THEN 'parameters' ELSE 'parameter' END, bad, kind),
			HINT = pg_catalog.format('Parameters of kind %s: %s.', kind, valid);
	END IF;
	FOR p IN SELECT s.key, s.required, s.required_with, s.description FROM @extschema@.job_kind_params(kind) s
	LOOP
		IF (p.required OR (p.required_with IS NOT NULL
		                   AND pg_catalog.jsonb_typeof(params OPERATOR(pg_catalog.->) p.required_with) OPERATOR(pg_catalog.<>) 'null'))
		   AND COALESCE(pg_catalog.jsonb_typeof(params OPERATOR(pg_catalog.->) p.key), 'null') OPERATOR(pg_catalog.=) 'null' THEN
			RAISE EXCEPTION USING ERRCODE = 'invalid_parameter_value',
				MESSAGE = pg_catalog.format('job kind "%s" needs parameter "%s"%s', kind, p.key,
					CASE WHEN p.required THEN '' ELSE pg_catalog.format(' with "%s"', p.required_with) END),
				DETAIL = pg_catalog.format('%s: %s.', p.key, p.description);
		END IF;
	END LOOP;
	FOR p IN SELECT s.key, s.type, params OPERATOR(pg_catalog.->) s.key AS v FROM @extschema@.job_kind_params(kind) s
	         WHERE params OPERATOR(pg_catalog.?) s.key
	LOOP
		t := pg_catalog.jsonb_typeof(p.v);
		CONTINUE WHEN t OPERATOR(pg_catalog.=) 'null';
		IF p.type OPERATOR(pg_catalog.=) 'integer' THEN
			ok := t OPERATOR(pg_catalog.=) 'number'
				AND (p.v)::pg_catalog.numeric OPERATOR(pg_catalog.=) pg_catalog.trunc((p.v)::pg_catalog.numeric);
		ELSIF p.type OPERATOR(pg_catalog.=) 'number[]' THEN
			ok := t OPERATOR(pg_catalog.=) 'array'
				AND NOT EXISTS (SELECT 1 FROM pg_catalog.jsonb_array_elements(p.v) e
				                WHERE pg_catalog.jsonb_typeof(e) OPERATOR(pg_catalog.<>) 'number');
		ELSE
			ok := t OPERATOR(pg_catalog.=) p.type;     -- string, number, boolean
		END IF;
		IF NOT ok THEN
			RAISE EXCEPTION USING ERRCODE = 'invalid_parameter_value',
				MESSAGE = pg_catalog.format('parameter "%s" of job kind "%s" must be %s, not %s', p.key, kind,
					(SELECT n.noun FROM (VALUES ('string', 'a string'), ('number', 'a number'), ('integer', 'an integer'),
						('boolean', 'true or false'), ('number[]', 'an array of numbers')) n(type, noun)
					 WHERE n.type OPERATOR(pg_catalog.=) p.type),
					p.v::pg_catalog.text);
		END IF;
	END LOOP;
END
$$;
COMMENT ON FUNCTION @extschema@.check_job_params(text, jsonb) IS
'check a job''s params against its kind''s parameters (pref.job_kind_params): unknown keys, missing required keys and wrong JSON types are errors; pref.define_job and pref.run_job call it';

CREATE OR REPLACE FUNCTION @extschema@.define_job(job text, kind text, params jsonb DEFAULT '{}')
RETURNS void
LANGUAGE plpgsql VOLATILE
AS $$
DECLARE
	owner pg_catalog.name;
BEGIN
	IF job IS NULL OR kind IS NULL OR params IS NULL THEN
		RAISE EXCEPTION USING ERRCODE = 'null_value_not_allowed', MESSAGE = 'job, kind and params must not be NULL';
	END IF;
	IF kind OPERATOR(pg_catalog.<>) ALL (ARRAY(SELECT k FROM @extschema@.job_kinds() k)) THEN
		RAISE EXCEPTION USING ERRCODE = 'invalid_parameter_value',
			MESSAGE = pg_catalog.format('unknown job kind "%s"', kind),
			HINT = pg_catalog.format('Valid kinds are: %s.',
				(SELECT pg_catalog.string_agg(k, ', ') FROM @extschema@.job_kinds() k));
	END IF;
	PERFORM @extschema@.check_job_params(kind, params);
	SELECT j.definer INTO owner FROM @extschema@.jobs j WHERE j.job OPERATOR(pg_catalog.=) define_job.job;
	IF FOUND AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles r
	                         WHERE (r.rolname OPERATOR(pg_catalog.=) owner AND pg_catalog.pg_has_role(r.oid, 'MEMBER'))
	                            OR (r.rolname OPERATOR(pg_catalog.=) CURRENT_USER AND r.rolsuper)) THEN
		IF owner IS NULL THEN
			RAISE EXCEPTION USING ERRCODE = 'insufficient_privilege',
				MESSAGE = pg_catalog.format('curation job "%s" has no recorded definer', job),
				DETAIL = 'It was defined before pgpref 0.2.0; only a superuser can redefine it.',
				HINT = 'Ask a superuser to redefine it, or choose another job name.';
		END IF;
		RAISE EXCEPTION USING ERRCODE = 'insufficient_privilege',
			MESSAGE = pg_catalog.format('curation job "%s" belongs to role "%s"', job, owner),
			DETAIL = 'Only members of the role that defined a job (and superusers) may redefine, drop or run it.',
			HINT = 'Choose another job name.';
	END IF;
	INSERT INTO @extschema@.jobs AS j (job, kind, params, definer)
	VALUES (define_job.job, define_job.kind, define_job.params, CURRENT_USER)
	ON CONFLICT ON CONSTRAINT jobs_pkey DO UPDATE SET kind = excluded.kind, params = excluded.params, definer = excluded.definer;
END
$$;
COMMENT ON FUNCTION @extschema@.define_job(text, text, jsonb) IS
'create or update a curation job that runs with the rights of the calling role (current_user); params are checked against the kind''s parameters; a job defined by another role can be redefined only by its members and superusers';

CREATE OR REPLACE FUNCTION @extschema@.drop_job(job text) RETURNS boolean
LANGUAGE plpgsql VOLATILE
AS $$
DECLARE
	owner pg_catalog.name;
BEGIN
	SELECT j.definer INTO owner FROM @extschema@.jobs j WHERE j.job OPERATOR(pg_catalog.=) drop_job.job;
	IF NOT FOUND THEN
		RETURN false;
	END IF;
	DELETE FROM @extschema@.jobs j WHERE j.job OPERATOR(pg_catalog.=) drop_job.job;
	IF NOT FOUND AND owner IS NULL THEN
		RAISE EXCEPTION USING ERRCODE = 'insufficient_privilege',
			MESSAGE = pg_catalog.format('curation job "%s" has no recorded definer', job),
			DETAIL = 'It was defined before pgpref 0.2.0; only a superuser can drop it.';
	ELSIF NOT FOUND THEN
		RAISE EXCEPTION USING ERRCODE = 'insufficient_privilege',
			MESSAGE = pg_catalog.format('curation job "%s" belongs to role "%s"', job, owner),
			DETAIL = 'Only members of the role that defined a job (and superusers) may redefine, drop or run it.';
	END IF;
	RETURN true;
END
$$;
COMMENT ON FUNCTION @extschema@.drop_job(text) IS 'remove a curation job (its run log and results stay); true if it existed; a job defined by another role can be dropped only by its members and superusers';

CREATE FUNCTION @extschema@.job_invoke(definer name, kind text, run_id bigint, params jsonb,
	OUT rows_read bigint, OUT rows_written bigint)
RETURNS record
AS 'MODULE_PATHNAME', 'pref_job_invoke'
LANGUAGE C VOLATILE;
COMMENT ON FUNCTION @extschema@.job_invoke(name, text, bigint, jsonb) IS
'call pref.job_<kind>(run_id, params) with the rights of role definer (the caller must be a member of it), which cannot be undone from inside (no SET ROLE, RESET ROLE or temporary objects), and with its setting changes rolled back; pref.run_job uses it';

DROP PROCEDURE @extschema@.run_job(text, boolean);
CREATE PROCEDURE @extschema@.run_job(job text, wait boolean DEFAULT false, raise_on_failure boolean DEFAULT false)
LANGUAGE plpgsql
AS $$
DECLARE
	j record;
	k record;
	rid bigint;
	got boolean;
	nread bigint;
	nwritten bigint;
	msg pg_catalog.text;
	det pg_catalog.text;
	state pg_catalog.text;
	failed boolean := false;
BEGIN
	IF job IS NULL THEN
		RAISE EXCEPTION USING ERRCODE = 'null_value_not_allowed', MESSAGE = 'job must not be NULL';
	END IF;
	SELECT x.job, x.kind, x.params, x.definer INTO j FROM @extschema@.jobs x WHERE x.job OPERATOR(pg_catalog.=) run_job.job;
	IF NOT FOUND THEN
		RAISE EXCEPTION USING ERRCODE = 'undefined_object',
			MESSAGE = pg_catalog.format('curation job "%s" does not exist', job),
			HINT = 'Define it with pref.define_job(job, kind, params); SELECT job FROM pref.jobs lists the jobs.';
	END IF;
	-- the job runs as its definer: only members of that role may start it
	IF j.definer IS NULL THEN
		RAISE EXCEPTION USING ERRCODE = 'object_not_in_prerequisite_state',
			MESSAGE = pg_catalog.format('curation job "%s" has no recorded definer', job),
			DETAIL = 'It was defined before pgpref 0.2.0, which runs each job with the rights of the role that defined it.',
			HINT = pg_catalog.format('Check its params, then redefine it as the role it should run as: SELECT pref.define_job(job, kind, params) FROM pref.jobs WHERE job = %L (or, as a superuser, set pref.jobs.definer).', job);
	END IF;
	IF pg_catalog.to_regrole(pg_catalog.quote_ident(j.definer)) IS NULL THEN
		RAISE EXCEPTION USING ERRCODE = 'undefined_object',
			MESSAGE = pg_catalog.format('role "%s", the definer of curation job "%s", does not exist', j.definer, job),
			DETAIL = 'A curation job runs with the rights of the role that defined it.',
			HINT = 'Redefine the job with pref.define_job as the role it should run as.';
	END IF;
	IF NOT pg_catalog.pg_has_role(j.definer, 'MEMBER') THEN
		RAISE EXCEPTION USING ERRCODE = 'insufficient_privilege',
			MESSAGE = pg_catalog.format('permission denied to run curation job "%s" as role "%s"', job, j.definer),
			DETAIL = 'A curation job runs with the rights of the role that defined it, and only members of that role may run it.',
			HINT = 'Run it as that role (or a superuser), or define a job of your own with pref.define_job.';
	END IF;
	k := @extschema@.job_lock_key(job);
	IF wait THEN
		PERFORM pg_catalog.pg_advisory_xact_lock(k.classid, k.objid);
		got := true;
	ELSE
		got := pg_catalog.pg_try_advisory_xact_lock(k.classid, k.objid);
	END IF;
	IF NOT got THEN
		INSERT INTO @extschema@.runs (job, kind, finished, parameters, status, error, run_as, called_by)
		VALUES (j.job, j.kind, pg_catalog.clock_timestamp(), j.params, 'skipped', 'another run of this job holds its lock',
			j.definer, CURRENT_USER);
		RAISE NOTICE 'curation job "%" is already running; skipped', job;
		RETURN;
	END IF;
	INSERT INTO @extschema@.runs (job, kind, parameters, status, run_as, called_by)
	VALUES (j.job, j.kind, j.params, 'running', j.definer, CURRENT_USER) RETURNING run_id INTO rid;
	BEGIN
		PERFORM @extschema@.check_job_params(j.kind, j.params);
		SELECT r.rows_read, r.rows_written INTO nread, nwritten
		FROM @extschema@.job_invoke(j.definer, j.kind, rid, j.params) r;
		UPDATE @extschema@.runs SET status = 'succeeded', finished = pg_catalog.clock_timestamp(),
			rows_read = nread, rows_written = nwritten
		WHERE run_id OPERATOR(pg_catalog.=) rid;
	EXCEPTION WHEN OTHERS THEN
		GET STACKED DIAGNOSTICS msg = MESSAGE_TEXT, det = PG_EXCEPTION_DETAIL, state = RETURNED_SQLSTATE;
		UPDATE @extschema@.runs SET status = 'failed', finished = pg_catalog.clock_timestamp(),
			error = msg OPERATOR(pg_catalog.||) CASE WHEN det OPERATOR(pg_catalog.=) '' THEN '' ELSE ' (' OPERATOR(pg_catalog.||) det OPERATOR(pg_catalog.||) ')' END
		WHERE run_id OPERATOR(pg_catalog.=) rid;
		failed := true;
	END;
	IF failed THEN
		IF raise_on_failure THEN
			-- keep the run log, then fail the CALL (pg_cron records it as failed)
			COMMIT;
			IF det OPERATOR(pg_catalog.=) '' THEN
				RAISE EXCEPTION USING ERRCODE = state,
					MESSAGE = pg_catalog.format('curation job "%s" failed: %s', job, msg),
					HINT = pg_catalog.format('The run is logged in pref.runs (run_id %s).', rid);
			END IF;
			RAISE EXCEPTION USING ERRCODE = state,
				MESSAGE = pg_catalog.format('curation job "%s" failed: %s', job, msg),
				DETAIL = det,
				HINT = pg_catalog.format('The run is logged in pref.runs (run_id %s).', rid);
		END IF;
		RAISE WARNING 'curation job "%" failed: %', job, msg;
	END IF;
END
$$;
COMMENT ON PROCEDURE @extschema@.run_job(text, boolean, boolean) IS
'run a curation job with the rights of the role that defined it (only members of that role may run it), under its advisory lock, logging to pref.runs; a concurrent run is skipped (or waits with wait => true); a failure is logged and raised as a WARNING, or with raise_on_failure => true as an ERROR after the log is committed (needs a CALL outside a transaction block, as pg_cron makes)';

CREATE OR REPLACE FUNCTION @extschema@.job_binarize(run_id bigint, params jsonb, OUT rows_read bigint, OUT rows_written bigint)
RETURNS record
LANGUAGE plpgsql VOLATILE
AS $$
DECLARE
	src pg_catalog.text := params OPERATOR(pg_catalog.->>) 'source';
	w double precision[];
BEGIN
	IF src IS NULL THEN
		RAISE EXCEPTION USING ERRCODE = 'invalid_parameter_value',
			MESSAGE = 'binarize job needs params.source, a query yielding (prompt_id, response_id, score)';
	END IF;
	IF params OPERATOR(pg_catalog.?) 'weights' THEN
		SELECT pg_catalog.array_agg(x::double precision) INTO w
		FROM pg_catalog.jsonb_array_elements_text(params OPERATOR(pg_catalog.->) 'weights') x;
	END IF;
	EXECUTE pg_catalog.format('SELECT pg_catalog.count(*) FROM (%s) s', src) INTO rows_read;
	DELETE FROM @extschema@.curated_pairs c WHERE c.job OPERATOR(pg_catalog.=) ANY
		(SELECT r.job FROM @extschema@.runs r WHERE r.run_id OPERATOR(pg_catalog.=) job_binarize.run_id);
	INSERT INTO @extschema@.curated_pairs (job, run_id, prompt_id, chosen, rejected, margin)
	SELECT r.job, r.run_id, b.prompt_id, b.chosen, b.rejected, b.margin
	FROM @extschema@.runs r,
		@extschema@.binarize(src,
			COALESCE(params OPERATOR(pg_catalog.->>) 'strategy', 'best_vs_random'),
			COALESCE((params OPERATOR(pg_catalog.->>) 'min_margin')::double precision, 0),
			COALESCE((params OPERATOR(pg_catalog.->>) 'seed')::bigint, 0),
			w) b
	WHERE r.run_id OPERATOR(pg_catalog.=) job_binarize.run_id;
	GET DIAGNOSTICS rows_written = ROW_COUNT;
END
$$;
COMMENT ON FUNCTION @extschema@.job_binarize(bigint, jsonb) IS
'job kind binarize: params source (query of prompt_id, response_id, score), strategy, min_margin, seed, weights; writes pref.curated_pairs';

CREATE OR REPLACE FUNCTION @extschema@.job_health(run_id bigint, params jsonb, OUT rows_read bigint, OUT rows_written bigint)
RETURNS record
LANGUAGE plpgsql VOLATILE
AS $$
DECLARE
	src pg_catalog.text := params OPERATOR(pg_catalog.->>) 'source';
	tie pg_catalog.text := COALESCE(params OPERATOR(pg_catalog.->>) 'tie_label', '=');
	thr double precision := COALESCE((params OPERATOR(pg_catalog.->>) 'mislabel_threshold')::double precision, 0.9);
	jname pg_catalog.text;
	latest pg_catalog.text;
BEGIN
	IF src IS NULL THEN
		RAISE EXCEPTION USING ERRCODE = 'invalid_parameter_value',
			MESSAGE = 'health job needs params.source, a query yielding (labelled_at, item_id, annotator, label)';
	END IF;
	SELECT r.job INTO jname FROM @extschema@.runs r WHERE r.run_id OPERATOR(pg_catalog.=) job_health.run_id;
	-- the latest label of each (item, annotator) wins.  No temporary tables
	-- (a job runs as a security-restricted operation): the source is read
	-- twice, once for the figures and once by the Dawid-Skene EM (all days).
	latest := 'SELECT DISTINCT ON (s.item_id, s.annotator) s.labelled_at::pg_catalog.date AS day, s.item_id::bigint AS item_id, '
		's.annotator::pg_catalog.text AS annotator, s.label::pg_catalog.text AS label, '
		'pg_catalog.count(*) OVER (PARTITION BY s.item_id, s.annotator) AS copies '
		'FROM %s WHERE s.item_id IS NOT NULL AND s.annotator IS NOT NULL AND s.label IS NOT NULL AND s.labelled_at IS NOT NULL '
		'ORDER BY s.item_id, s.annotator, s.labelled_at DESC';
	DELETE FROM @extschema@.data_health h WHERE h.job OPERATOR(pg_catalog.=) jname;
	EXECUTE pg_catalog.format(
		'WITH raw AS MATERIALIZED (SELECT s.* FROM (%s) s(labelled_at, item_id, annotator, label)), '
		'd AS MATERIALIZED (%s), '
		'm AS (SELECT x.item_id, x.label, x.probability FROM @extschema@.dawid_skene(%L) x), '
		'ins AS (INSERT INTO @extschema@.data_health (job, run_id, day, labels, items, annotators, tie_rate, agreement, '
		'likely_mislabeled_share, duplicates_share) '
		'SELECT $1, $2, d.day, pg_catalog.count(*), pg_catalog.count(DISTINCT d.item_id), pg_catalog.count(DISTINCT d.annotator), '
		'pg_catalog.avg((d.label OPERATOR(pg_catalog.=) $3)::integer), @extschema@.krippendorff_alpha(d.item_id, d.label), '
		'pg_catalog.avg((d.label OPERATOR(pg_catalog.<>) m.label AND m.probability OPERATOR(pg_catalog.>=) $4)::integer), '
		'pg_catalog.sum(d.copies OPERATOR(pg_catalog.-) 1)::double precision OPERATOR(pg_catalog./) pg_catalog.sum(d.copies) '
		'FROM d JOIN m ON m.item_id OPERATOR(pg_catalog.=) d.item_id GROUP BY d.day RETURNING 1) '
		'SELECT (SELECT pg_catalog.count(*) FROM raw), (SELECT pg_catalog.count(*) FROM ins)',
		src, pg_catalog.format(latest, 'raw s'),
		pg_catalog.format('SELECT l.item_id, l.annotator, l.label FROM (%s) l',
			pg_catalog.format(latest, pg_catalog.format('(%s) s(labelled_at, item_id, annotator, label)', src))))
		INTO rows_read, rows_written USING jname, job_health.run_id, tie, thr;
END
$$;
COMMENT ON FUNCTION @extschema@.job_health(bigint, jsonb) IS
'job kind health: params source (query of labelled_at, item_id, annotator, label), tie_label, mislabel_threshold; writes pref.data_health';

CREATE OR REPLACE FUNCTION @extschema@.job_leaderboard(run_id bigint, params jsonb, OUT rows_read bigint, OUT rows_written bigint)
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

CREATE OR REPLACE FUNCTION @extschema@.job_valuation(run_id bigint, params jsonb, OUT rows_read bigint, OUT rows_written bigint)
RETURNS record
LANGUAGE plpgsql VOLATILE
AS $$
DECLARE
	train pg_catalog.text := params OPERATOR(pg_catalog.->>) 'train';
	valid pg_catalog.text := params OPERATOR(pg_catalog.->>) 'valid';
	method pg_catalog.text := COALESCE(params OPERATOR(pg_catalog.->>) 'method', 'knn');
	kk integer := COALESCE((params OPERATOR(pg_catalog.->>) 'k')::integer, 5);
	metric pg_catalog.text := COALESCE(params OPERATOR(pg_catalog.->>) 'metric', 'l2');
	subset pg_catalog.text := params OPERATOR(pg_catalog.->>) 'subset';
	subset_k integer := (params OPERATOR(pg_catalog.->>) 'subset_k')::integer;
	exclude_harmful boolean := COALESCE((params OPERATOR(pg_catalog.->>) 'exclude_harmful')::boolean, true);
	jname pg_catalog.text;
	dset pg_catalog.text;
	nsub bigint := 0;
	q pg_catalog.text;
BEGIN
	IF train IS NULL OR valid IS NULL THEN
		RAISE EXCEPTION USING ERRCODE = 'invalid_parameter_value',
			MESSAGE = 'valuation job needs params.train, a query yielding (id, features, label), and params.valid, a query yielding (features, label)';
	END IF;
	IF NOT method OPERATOR(pg_catalog.=) ANY ('{knn,tmc,beta,banzhaf,loo}'::pg_catalog.text[]) THEN
		RAISE EXCEPTION USING ERRCODE = 'invalid_parameter_value',
			MESSAGE = pg_catalog.format('unknown valuation method "%s" (valid: knn, tmc, beta, banzhaf, loo)', method);
	END IF;
	IF subset IS NOT NULL AND subset_k IS NULL THEN
		RAISE EXCEPTION USING ERRCODE = 'invalid_parameter_value',
			MESSAGE = 'valuation job with params.subset needs params.subset_k, the number of rows to pick';
	END IF;
	SELECT r.job INTO jname FROM @extschema@.runs r WHERE r.run_id OPERATOR(pg_catalog.=) job_valuation.run_id;
	dset := COALESCE(params OPERATOR(pg_catalog.->>) 'dataset', jname);
	DELETE FROM @extschema@.data_values v WHERE v.job OPERATOR(pg_catalog.=) jname;
	DELETE FROM @extschema@.training_subset s WHERE s.job OPERATOR(pg_catalog.=) jname;
	IF method OPERATOR(pg_catalog.=) 'knn' THEN
		INSERT INTO @extschema@.data_values (job, run_id, dataset, id, value, std_error, harmful)
		SELECT jname, job_valuation.run_id, dset, x.id, x.value, x.std_error, x.value OPERATOR(pg_catalog.<) 0
		FROM @extschema@.knn_shapley(train, valid, k => kk, metric => metric) x;
	ELSE
		INSERT INTO @extschema@.data_values (job, run_id, dataset, id, value, std_error, harmful)
		SELECT jname, job_valuation.run_id, dset, x.id, x.value, x.std_error, x.value OPERATOR(pg_catalog.<) 0
		FROM @extschema@.data_shapley(train, valid, method => method,
			utility => COALESCE(params OPERATOR(pg_catalog.->>) 'utility', 'knn'),
			permutations => COALESCE((params OPERATOR(pg_catalog.->>) 'permutations')::integer, 1000),
			seed => COALESCE((params OPERATOR(pg_catalog.->>) 'seed')::bigint, 42),
			tolerance => COALESCE((params OPERATOR(pg_catalog.->>) 'tolerance')::double precision, 0.005),
			k => kk, metric => metric) x;
	END IF;
	GET DIAGNOSTICS rows_read = ROW_COUNT;
	IF subset IS NOT NULL THEN
		q := subset;
		IF exclude_harmful THEN
			q := pg_catalog.format(
				'SELECT s.* FROM (%s) s(id) WHERE NOT EXISTS (SELECT 1 FROM @extschema@.data_values v '
				'WHERE v.job OPERATOR(pg_catalog.=) %L AND v.id OPERATOR(pg_catalog.=) s.id::bigint AND v.harmful)',
				subset, jname);
		END IF;
		INSERT INTO @extschema@.training_subset (job, run_id, dataset, id, pick, gain, objective)
		SELECT jname, job_valuation.run_id, dset, x.id, x.pick, x.gain, x.objective
		FROM @extschema@.select_subset(q, subset_k,
			method => COALESCE(params OPERATOR(pg_catalog.->>) 'subset_method', 'facility_location'),
			metric => COALESCE(params OPERATOR(pg_catalog.->>) 'subset_metric', 'cosine'),
			lambda => (params OPERATOR(pg_catalog.->>) 'subset_lambda')::double precision,
			seed => (params OPERATOR(pg_catalog.->>) 'subset_seed')::bigint) x;
		GET DIAGNOSTICS nsub = ROW_COUNT;
	END IF;
	rows_written := rows_read OPERATOR(pg_catalog.+) nsub;
END
$$;
COMMENT ON FUNCTION @extschema@.job_valuation(bigint, jsonb) IS
'job kind valuation: params dataset, train (query of id, features, label), valid (query of features, label), method (knn = exact KNN-Shapley, or tmc, beta, banzhaf, loo), k, metric, utility, permutations, seed, tolerance; optional subset (query of id, embedding [, quality]), subset_k, subset_method, subset_metric, subset_lambda, subset_seed, exclude_harmful (default true); writes pref.data_values and pref.training_subset';

-- ---- views: security_invoker, the definer in job_status, comments on every column

CREATE OR REPLACE VIEW @extschema@.job_status WITH (security_invoker = true) AS
SELECT j.job, j.kind,
	l.status AS last_status, l.started AS last_started, l.finished AS last_finished,
	l.error AS last_error,
	(SELECT pg_catalog.max(r.finished) FROM @extschema@.runs r
	 WHERE r.job OPERATOR(pg_catalog.=) j.job AND r.status OPERATOR(pg_catalog.=) 'succeeded') AS last_success,
	(SELECT pg_catalog.count(*) FROM @extschema@.runs r WHERE r.job OPERATOR(pg_catalog.=) j.job) AS runs,
	(SELECT pg_catalog.count(*) FROM @extschema@.runs r
	 WHERE r.job OPERATOR(pg_catalog.=) j.job AND r.status OPERATOR(pg_catalog.=) 'failed') AS failures,
	j.definer
FROM @extschema@.jobs j
LEFT JOIN LATERAL (SELECT r.* FROM @extschema@.runs r WHERE r.job OPERATOR(pg_catalog.=) j.job
	ORDER BY r.run_id DESC LIMIT 1) l ON true;
ALTER VIEW @extschema@.data_health_daily SET (security_invoker = true);
ALTER VIEW @extschema@.leaderboard_current SET (security_invoker = true);
ALTER VIEW @extschema@.leaderboard_daily SET (security_invoker = true);
ALTER VIEW @extschema@.valuation_summary SET (security_invoker = true);
COMMENT ON VIEW @extschema@.job_status IS 'one row per curation job: last run, last success, run and failure counts, definer';
COMMENT ON COLUMN @extschema@.job_status.job IS 'job name';
COMMENT ON COLUMN @extschema@.job_status.kind IS 'job kind';
COMMENT ON COLUMN @extschema@.job_status.last_status IS 'status of the latest run: running, succeeded, failed or skipped (NULL: never run)';
COMMENT ON COLUMN @extschema@.job_status.last_started IS 'when the latest run started';
COMMENT ON COLUMN @extschema@.job_status.last_finished IS 'when the latest run finished';
COMMENT ON COLUMN @extschema@.job_status.last_error IS 'error of the latest run, if it failed or was skipped';
COMMENT ON COLUMN @extschema@.job_status.last_success IS 'when the latest succeeded run finished';
COMMENT ON COLUMN @extschema@.job_status.runs IS 'number of runs logged';
COMMENT ON COLUMN @extschema@.job_status.failures IS 'number of failed runs logged';
COMMENT ON COLUMN @extschema@.job_status.definer IS 'role whose rights the job runs with (NULL: defined before pgpref 0.2.0, cannot run until redefined)';
COMMENT ON COLUMN @extschema@.data_health_daily.job IS 'health job';
COMMENT ON COLUMN @extschema@.data_health_daily.day IS 'date of the labels'' latest versions';
COMMENT ON COLUMN @extschema@.data_health_daily.labels IS 'labels of the day after de-duplication (the latest label of each item and annotator)';
COMMENT ON COLUMN @extschema@.data_health_daily.items IS 'distinct items labelled';
COMMENT ON COLUMN @extschema@.data_health_daily.annotators IS 'distinct annotators';
COMMENT ON COLUMN @extschema@.data_health_daily.tie_rate IS 'share of labels equal to the job''s tie_label';
COMMENT ON COLUMN @extschema@.data_health_daily.agreement IS 'Krippendorff''s alpha (nominal) over the day''s labels';
COMMENT ON COLUMN @extschema@.data_health_daily.likely_mislabeled_share IS 'share of labels that differ from the Dawid-Skene label of their item where that label''s posterior is at least mislabel_threshold';
COMMENT ON COLUMN @extschema@.data_health_daily.duplicates_share IS 'share of the raw rows of the day''s (item, annotator) pairs superseded by a later label';
COMMENT ON COLUMN @extschema@.data_health_daily.run_id IS 'run that computed the row';
COMMENT ON COLUMN @extschema@.data_health_daily.computed_at IS 'when that run finished';
COMMENT ON COLUMN @extschema@.leaderboard_current.job IS 'leaderboard job';
COMMENT ON COLUMN @extschema@.leaderboard_current.item IS 'item (model) as text';
COMMENT ON COLUMN @extschema@.leaderboard_current.rating IS 'rating on the job''s scale (Elo: 400/ln 10 theta + 1000, or logit)';
COMMENT ON COLUMN @extschema@.leaderboard_current.std_error IS 'standard error of the rating';
COMMENT ON COLUMN @extschema@.leaderboard_current.lower IS 'lower end of the rating''s interval at the job''s level (default 95%)';
COMMENT ON COLUMN @extschema@.leaderboard_current.upper IS 'upper end of the rating''s interval';
COMMENT ON COLUMN @extschema@.leaderboard_current.rank IS 'interval-aware rank: 1 + the number of items whose lower end is above this item''s upper end';
COMMENT ON COLUMN @extschema@.leaderboard_current.position IS 'position 1, 2, ... by rating, ties by item';
COMMENT ON COLUMN @extschema@.leaderboard_current.wins IS 'comparisons the item won';
COMMENT ON COLUMN @extschema@.leaderboard_current.losses IS 'comparisons the item lost';
COMMENT ON COLUMN @extschema@.leaderboard_current.ties IS 'comparisons the item tied';
COMMENT ON COLUMN @extschema@.leaderboard_current.games IS 'comparisons of the item';
COMMENT ON COLUMN @extschema@.leaderboard_current.comparisons IS 'comparisons read by the job so far';
COMMENT ON COLUMN @extschema@.leaderboard_current.computed_at IS 'when the run computed the leaderboard';
COMMENT ON COLUMN @extschema@.leaderboard_current.run_id IS 'run that computed the leaderboard (pref.runs)';
COMMENT ON COLUMN @extschema@.leaderboard_daily.job IS 'leaderboard job';
COMMENT ON COLUMN @extschema@.leaderboard_daily.day IS 'UTC day of the leaderboard (the last of the day is shown)';
COMMENT ON COLUMN @extschema@.leaderboard_daily.item IS 'item (model) as text';
COMMENT ON COLUMN @extschema@.leaderboard_daily.rating IS 'rating on the job''s scale (Elo: 400/ln 10 theta + 1000, or logit)';
COMMENT ON COLUMN @extschema@.leaderboard_daily.std_error IS 'standard error of the rating';
COMMENT ON COLUMN @extschema@.leaderboard_daily.lower IS 'lower end of the rating''s interval at the job''s level (default 95%)';
COMMENT ON COLUMN @extschema@.leaderboard_daily.upper IS 'upper end of the rating''s interval';
COMMENT ON COLUMN @extschema@.leaderboard_daily.rank IS 'interval-aware rank: 1 + the number of items whose lower end is above this item''s upper end';
COMMENT ON COLUMN @extschema@.leaderboard_daily.position IS 'position 1, 2, ... by rating, ties by item';
COMMENT ON COLUMN @extschema@.leaderboard_daily.games IS 'comparisons of the item';
COMMENT ON COLUMN @extschema@.leaderboard_daily.comparisons IS 'comparisons read by the job so far';
COMMENT ON COLUMN @extschema@.leaderboard_daily.computed_at IS 'when the run computed the leaderboard';
COMMENT ON COLUMN @extschema@.leaderboard_daily.run_id IS 'run that computed the leaderboard (pref.runs)';
COMMENT ON COLUMN @extschema@.valuation_summary.job IS 'valuation job';
COMMENT ON COLUMN @extschema@.valuation_summary.dataset IS 'the job''s dataset label';
COMMENT ON COLUMN @extschema@.valuation_summary.run_id IS 'run that computed the values';
COMMENT ON COLUMN @extschema@.valuation_summary.computed_at IS 'when that run finished';
COMMENT ON COLUMN @extschema@.valuation_summary.rows_valued IS 'training rows valued';
COMMENT ON COLUMN @extschema@.valuation_summary.harmful_rows IS 'rows with value < 0';
COMMENT ON COLUMN @extschema@.valuation_summary.harmful_share IS 'share of rows with value < 0';
COMMENT ON COLUMN @extschema@.valuation_summary.harmful_value IS 'sum of the negative values (0 if none)';
COMMENT ON COLUMN @extschema@.valuation_summary.min_value IS 'smallest value';
COMMENT ON COLUMN @extschema@.valuation_summary.p05 IS '5th percentile of the values (percentile_cont)';
COMMENT ON COLUMN @extschema@.valuation_summary.p25 IS '25th percentile of the values';
COMMENT ON COLUMN @extschema@.valuation_summary.median IS 'median value';
COMMENT ON COLUMN @extschema@.valuation_summary.p75 IS '75th percentile of the values';
COMMENT ON COLUMN @extschema@.valuation_summary.p95 IS '95th percentile of the values';
COMMENT ON COLUMN @extschema@.valuation_summary.max_value IS 'largest value';
COMMENT ON COLUMN @extschema@.valuation_summary.mean_value IS 'mean value';
COMMENT ON COLUMN @extschema@.valuation_summary.total_value IS 'sum of the values';
COMMENT ON COLUMN @extschema@.valuation_summary.selected_rows IS 'rows in the jobs training subset (pref.training_subset)';

-- ---- grants to the extension's owner (the role that ran CREATE EXTENSION)

DO $$
DECLARE
	owner pg_catalog.text := (SELECT e.extowner::pg_catalog.regrole::pg_catalog.text FROM pg_catalog.pg_extension e
	                          WHERE e.extname OPERATOR(pg_catalog.=) 'pgpref');
BEGIN
	EXECUTE pg_catalog.format('GRANT USAGE ON SCHEMA @extschema@ TO %s WITH GRANT OPTION', owner);
	EXECUTE pg_catalog.format('GRANT SELECT, INSERT, UPDATE, DELETE ON @extschema@.jobs, @extschema@.runs, '
		'@extschema@.curated_pairs, @extschema@.data_health, @extschema@.job_status, @extschema@.data_health_daily, '
		'@extschema@.leaderboard_state, @extschema@.leaderboard, @extschema@.leaderboard_current, @extschema@.leaderboard_daily, '
		'@extschema@.data_values, @extschema@.training_subset, @extschema@.valuation_summary TO %s WITH GRANT OPTION', owner);
	EXECUTE pg_catalog.format('GRANT SELECT, USAGE, UPDATE ON SEQUENCE @extschema@.runs_run_id_seq TO %s WITH GRANT OPTION', owner);
END
$$;
