-- Valuation refresh job: data values (pref.knn_shapley / pref.data_shapley)
-- and a selected training subset (pref.select_subset) for a named data set,
-- with a summary view.  Needs src/shapley.sql, src/subset.sql and
-- src/curation_jobs.sql before it in SQL_PARTS.

CREATE TABLE @extschema@.data_values (
	job text NOT NULL,
	run_id bigint NOT NULL,
	dataset text NOT NULL,
	id bigint NOT NULL,
	value double precision NOT NULL,
	std_error double precision,
	harmful boolean NOT NULL,
	PRIMARY KEY (job, id)
);
COMMENT ON TABLE @extschema@.data_values IS
'data value of every training row, written by valuation jobs (each run replaces its job''s rows); harmful = value < 0';
COMMENT ON COLUMN @extschema@.data_values.job IS 'valuation job';
COMMENT ON COLUMN @extschema@.data_values.run_id IS 'run that computed the value (pref.runs)';
COMMENT ON COLUMN @extschema@.data_values.dataset IS 'the job''s dataset label (default: the job name)';
COMMENT ON COLUMN @extschema@.data_values.id IS 'id of the training row';
COMMENT ON COLUMN @extschema@.data_values.value IS 'data value of the row (Shapley value, Banzhaf value or leave-one-out difference, by the job''s method)';
COMMENT ON COLUMN @extschema@.data_values.std_error IS 'Monte-Carlo standard error of the value (NULL for exact methods)';
COMMENT ON COLUMN @extschema@.data_values.harmful IS 'value < 0: the row lowers validation utility';
SELECT pg_catalog.pg_extension_config_dump('@extschema@.data_values', '');

ALTER TABLE @extschema@.data_values ENABLE ROW LEVEL SECURITY;
CREATE POLICY read_all ON @extschema@.data_values FOR SELECT USING (true);
CREATE POLICY write_own ON @extschema@.data_values FOR ALL
	USING (job IN (SELECT j.job FROM @extschema@.jobs j WHERE j.definer IN
		(SELECT r.rolname FROM pg_catalog.pg_roles r WHERE pg_catalog.pg_has_role(r.oid, 'MEMBER'))))
	WITH CHECK (job IN (SELECT j.job FROM @extschema@.jobs j WHERE j.definer IN
		(SELECT r.rolname FROM pg_catalog.pg_roles r WHERE pg_catalog.pg_has_role(r.oid, 'MEMBER'))));
COMMENT ON POLICY read_all ON @extschema@.data_values IS 'every role with SELECT reads every row';
COMMENT ON POLICY write_own ON @extschema@.data_values IS 'a role writes only rows of jobs whose definer it is a member of';

CREATE TABLE @extschema@.training_subset (
	job text NOT NULL,
	run_id bigint NOT NULL,
	dataset text NOT NULL,
	id bigint NOT NULL,
	pick integer NOT NULL,
	gain double precision,
	objective double precision,
	PRIMARY KEY (job, id)
);
COMMENT ON TABLE @extschema@.training_subset IS
'training subset picked by valuation jobs (pref.select_subset, harmful rows excluded unless asked otherwise; each run replaces its job''s rows)';
COMMENT ON COLUMN @extschema@.training_subset.job IS 'valuation job';
COMMENT ON COLUMN @extschema@.training_subset.run_id IS 'run that picked the row (pref.runs)';
COMMENT ON COLUMN @extschema@.training_subset.dataset IS 'the job''s dataset label (default: the job name)';
COMMENT ON COLUMN @extschema@.training_subset.id IS 'id of the picked row';
COMMENT ON COLUMN @extschema@.training_subset.pick IS 'pick order, 1 first';
COMMENT ON COLUMN @extschema@.training_subset.gain IS 'objective gain of the pick (pref.select_subset)';
COMMENT ON COLUMN @extschema@.training_subset.objective IS 'objective after the pick (pref.select_subset)';
SELECT pg_catalog.pg_extension_config_dump('@extschema@.training_subset', '');

ALTER TABLE @extschema@.training_subset ENABLE ROW LEVEL SECURITY;
CREATE POLICY read_all ON @extschema@.training_subset FOR SELECT USING (true);
CREATE POLICY write_own ON @extschema@.training_subset FOR ALL
	USING (job IN (SELECT j.job FROM @extschema@.jobs j WHERE j.definer IN
		(SELECT r.rolname FROM pg_catalog.pg_roles r WHERE pg_catalog.pg_has_role(r.oid, 'MEMBER'))))
	WITH CHECK (job IN (SELECT j.job FROM @extschema@.jobs j WHERE j.definer IN
		(SELECT r.rolname FROM pg_catalog.pg_roles r WHERE pg_catalog.pg_has_role(r.oid, 'MEMBER'))));
COMMENT ON POLICY read_all ON @extschema@.training_subset IS 'every role with SELECT reads every row';
COMMENT ON POLICY write_own ON @extschema@.training_subset IS 'a role writes only rows of jobs whose definer it is a member of';

GRANT SELECT, INSERT, UPDATE, DELETE ON @extschema@.data_values, @extschema@.training_subset TO @extowner@ WITH GRANT OPTION;

CREATE FUNCTION @extschema@.job_valuation(run_id bigint, params jsonb, OUT rows_read bigint, OUT rows_written bigint)
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
			MESSAGE = pg_catalog.format('invalid value for job parameter method: "%s"', method),
			HINT = 'Valid values are: knn, tmc, beta, banzhaf, loo.';
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
			tol => COALESCE((params OPERATOR(pg_catalog.->>) 'tol')::double precision,
				(params OPERATOR(pg_catalog.->>) 'tolerance')::double precision, 0.005),
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
'job kind valuation: params dataset, train (query of id, features, label), valid (query of features, label), method (knn = exact KNN-Shapley, or tmc, beta, banzhaf, loo), k, metric, utility, permutations, seed, tol; optional subset (query of id, embedding [, quality]), subset_k, subset_method, subset_metric, subset_lambda, subset_seed, exclude_harmful (default true); writes pref.data_values and pref.training_subset';

CREATE VIEW @extschema@.valuation_summary WITH (security_invoker = true) AS
SELECT v.job, v.dataset, v.run_id, r.finished AS computed_at,
	pg_catalog.count(*) AS rows_valued,
	pg_catalog.count(*) FILTER (WHERE v.harmful) AS harmful_rows,
	pg_catalog.avg(v.harmful::integer)::double precision AS harmful_share,
	COALESCE(pg_catalog.sum(v.value) FILTER (WHERE v.harmful), 0) AS harmful_value,
	pg_catalog.min(v.value) AS min_value,
	pg_catalog.percentile_cont(0.05) WITHIN GROUP (ORDER BY v.value) AS p05,
	pg_catalog.percentile_cont(0.25) WITHIN GROUP (ORDER BY v.value) AS p25,
	pg_catalog.percentile_cont(0.5) WITHIN GROUP (ORDER BY v.value) AS median,
	pg_catalog.percentile_cont(0.75) WITHIN GROUP (ORDER BY v.value) AS p75,
	pg_catalog.percentile_cont(0.95) WITHIN GROUP (ORDER BY v.value) AS p95,
	pg_catalog.max(v.value) AS max_value,
	pg_catalog.avg(v.value) AS mean_value,
	pg_catalog.sum(v.value) AS total_value,
	(SELECT pg_catalog.count(*) FROM @extschema@.training_subset s WHERE s.job OPERATOR(pg_catalog.=) v.job) AS selected_rows
FROM @extschema@.data_values v LEFT JOIN @extschema@.runs r ON r.run_id OPERATOR(pg_catalog.=) v.run_id
GROUP BY v.job, v.dataset, v.run_id, r.finished;
COMMENT ON VIEW @extschema@.valuation_summary IS
'per valuation job: data set, run, rows valued, harmful rows (value < 0) with their share and summed value, value quantiles (min, 5, 25, 50, 75, 95 %, max), mean and total value, rows in the selected subset';
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

GRANT SELECT, INSERT, UPDATE, DELETE ON @extschema@.valuation_summary TO @extowner@ WITH GRANT OPTION;
