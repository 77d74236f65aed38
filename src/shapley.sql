-- Data valuation: exact KNN-Shapley, Monte-Carlo Data Shapley, Beta Shapley,
-- Data Banzhaf, leave-one-out, and the same for preference pairs.

CREATE FUNCTION @extschema@.knn_shapley(
	train_sql text,
	valid_sql text,
	k integer DEFAULT 5,
	metric text DEFAULT 'l2')
RETURNS TABLE (id bigint, value double precision, std_error double precision)
AS 'MODULE_PATHNAME', 'pref_knn_shapley'
LANGUAGE C VOLATILE;

COMMENT ON FUNCTION @extschema@.knn_shapley(text, text, integer, text) IS
'exact KNN-Shapley value (Jia et al. 2019) of every training row (id, features, label) against a validation query (features, label); metric l2 or cosine; std_error is NULL';

CREATE FUNCTION @extschema@.data_shapley(
	train_sql text,
	valid_sql text,
	method text DEFAULT 'tmc',
	utility text DEFAULT 'knn',
	permutations integer DEFAULT 1000,
	seed bigint DEFAULT 42,
	tol double precision DEFAULT 0.005,
	k integer DEFAULT 5,
	metric text DEFAULT 'l2',
	alpha double precision DEFAULT 16,
	beta double precision DEFAULT 1,
	truncation double precision DEFAULT 0.01,
	lambda double precision DEFAULT 1)
RETURNS TABLE (id bigint, value double precision, std_error double precision)
AS 'MODULE_PATHNAME', 'pref_data_shapley'
LANGUAGE C VOLATILE;

COMMENT ON FUNCTION @extschema@.data_shapley(text, text, text, text, integer, bigint, double precision, integer, text, double precision, double precision, double precision, double precision) IS
'Monte-Carlo data valuation of every training row (id, features, label): method tmc (truncated Monte-Carlo Shapley), beta (Beta(alpha, beta) Shapley), banzhaf (maximum-sample-reuse Data Banzhaf) or loo (leave-one-out); utility knn or logistic; reproducible for a seed, with per-value standard errors';

CREATE FUNCTION @extschema@.pair_shapley(
	train_sql text,
	valid_sql text,
	method text DEFAULT 'exact',
	k integer DEFAULT 5,
	metric text DEFAULT 'l2',
	permutations integer DEFAULT 1000,
	seed bigint DEFAULT 42,
	tol double precision DEFAULT 0.005,
	alpha double precision DEFAULT 16,
	beta double precision DEFAULT 1,
	truncation double precision DEFAULT 0.01,
	utility text DEFAULT 'auto',
	lambda double precision DEFAULT 1)
RETURNS TABLE (id bigint, value double precision, std_error double precision)
AS 'MODULE_PATHNAME', 'pref_pair_shapley'
LANGUAGE C VOLATILE;

COMMENT ON FUNCTION @extschema@.pair_shapley(text, text, text, integer, text, integer, bigint, double precision, double precision, double precision, double precision, text, double precision) IS
'data value of every training preference pair (id, chosen, rejected) for validation pair accuracy; utility reward (Bradley-Terry reward model on chosen - rejected, L2 lambda, re-fitted per coalition; default for tmc, beta, banzhaf, loo) or knn (KNN rule on difference vectors with symmetric augmentation; the only utility of method exact, the default)';

-- Ids of any type: the same functions with an id_type argument (e.g.
-- id_type => NULL::uuid) return the training ids in that type; the
-- training query's id column must have it.

CREATE FUNCTION @extschema@.knn_shapley(
	train_sql text,
	valid_sql text,
	id_type anyelement,
	k integer DEFAULT 5,
	metric text DEFAULT 'l2')
RETURNS TABLE (id anyelement, value double precision, std_error double precision)
AS 'MODULE_PATHNAME', 'pref_knn_shapley_any'
LANGUAGE C VOLATILE;

COMMENT ON FUNCTION @extschema@.knn_shapley(text, text, anyelement, integer, text) IS
'pref.knn_shapley with training ids of any type (id_type => NULL::text, NULL::uuid, ...), returned in that type; ties between equally distant rows go to the smaller id (text compared bytewise)';

CREATE FUNCTION @extschema@.data_shapley(
	train_sql text,
	valid_sql text,
	id_type anyelement,
	method text DEFAULT 'tmc',
	utility text DEFAULT 'knn',
	permutations integer DEFAULT 1000,
	seed bigint DEFAULT 42,
	tol double precision DEFAULT 0.005,
	k integer DEFAULT 5,
	metric text DEFAULT 'l2',
	alpha double precision DEFAULT 16,
	beta double precision DEFAULT 1,
	truncation double precision DEFAULT 0.01,
	lambda double precision DEFAULT 1)
RETURNS TABLE (id anyelement, value double precision, std_error double precision)
AS 'MODULE_PATHNAME', 'pref_data_shapley_any'
LANGUAGE C VOLATILE;

COMMENT ON FUNCTION @extschema@.data_shapley(text, text, anyelement, text, text, integer, bigint, double precision, integer, text, double precision, double precision, double precision, double precision) IS
'pref.data_shapley with training ids of any type (id_type => NULL::text, NULL::uuid, ...), returned in that type; the same values as for integer ids in the same order';

CREATE FUNCTION @extschema@.pair_shapley(
	train_sql text,
	valid_sql text,
	id_type anyelement,
	method text DEFAULT 'exact',
	k integer DEFAULT 5,
	metric text DEFAULT 'l2',
	permutations integer DEFAULT 1000,
	seed bigint DEFAULT 42,
	tol double precision DEFAULT 0.005,
	alpha double precision DEFAULT 16,
	beta double precision DEFAULT 1,
	truncation double precision DEFAULT 0.01,
	utility text DEFAULT 'auto',
	lambda double precision DEFAULT 1)
RETURNS TABLE (id anyelement, value double precision, std_error double precision)
AS 'MODULE_PATHNAME', 'pref_pair_shapley_any'
LANGUAGE C VOLATILE;

COMMENT ON FUNCTION @extschema@.pair_shapley(text, text, anyelement, text, integer, text, integer, bigint, double precision, double precision, double precision, double precision, text, double precision) IS
'pref.pair_shapley with training pair ids of any type (id_type => NULL::text, NULL::uuid, ...), returned in that type; the validation query''s ids are not used and may have any type';
