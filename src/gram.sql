-- BLAS aggregates over embeddings: gram, moments, pca, ridge_fit (src/gram.c)

-- the transition state of the four aggregates
CREATE TYPE @extschema@.gram_state;

CREATE FUNCTION @extschema@.gram_state_in(cstring) RETURNS @extschema@.gram_state
	AS 'MODULE_PATHNAME', 'pref_gram_state_in' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.gram_state_out(@extschema@.gram_state) RETURNS cstring
	AS 'MODULE_PATHNAME', 'pref_gram_state_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.gram_state_recv(internal) RETURNS @extschema@.gram_state
	AS 'MODULE_PATHNAME', 'pref_gram_state_recv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.gram_state_send(@extschema@.gram_state) RETURNS bytea
	AS 'MODULE_PATHNAME', 'pref_gram_state_send' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE TYPE @extschema@.gram_state (
	INPUT = @extschema@.gram_state_in,
	OUTPUT = @extschema@.gram_state_out,
	RECEIVE = @extschema@.gram_state_recv,
	SEND = @extschema@.gram_state_send,
	INTERNALLENGTH = VARIABLE,
	ALIGNMENT = double,
	STORAGE = extended
);
COMMENT ON TYPE @extschema@.gram_state IS
'transition state of pref.gram, pref.moments, pref.pca and pref.ridge_fit: the aggregate, dimension, rows used and skipped, k or lambda, and the shifted column sums and cross-product matrix; text form "v1:" + base64 (validated on input)';
COMMENT ON FUNCTION @extschema@.gram_state_in(cstring) IS 'text input for pref.gram_state ("v1:" + base64; validated)';
COMMENT ON FUNCTION @extschema@.gram_state_out(@extschema@.gram_state) IS 'text output for pref.gram_state ("v1:" + base64)';
COMMENT ON FUNCTION @extschema@.gram_state_recv(internal) IS 'binary input for pref.gram_state (validated)';
COMMENT ON FUNCTION @extschema@.gram_state_send(@extschema@.gram_state) IS 'binary output for pref.gram_state';

CREATE FUNCTION @extschema@.gram_accum(@extschema@.gram_state, x real[]) RETURNS @extschema@.gram_state
	AS 'MODULE_PATHNAME', 'pref_gram_accum_real' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.gram_accum(@extschema@.gram_state, real[]) IS 'transition function of pref.gram (real[] rows)';
CREATE FUNCTION @extschema@.gram_accum(@extschema@.gram_state, x double precision[]) RETURNS @extschema@.gram_state
	AS 'MODULE_PATHNAME', 'pref_gram_accum_double' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.gram_accum(@extschema@.gram_state, double precision[]) IS 'transition function of pref.gram (double precision[] rows)';
CREATE FUNCTION @extschema@.moments_accum(@extschema@.gram_state, x real[]) RETURNS @extschema@.gram_state
	AS 'MODULE_PATHNAME', 'pref_moments_accum_real' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.moments_accum(@extschema@.gram_state, real[]) IS 'transition function of pref.moments (real[] rows)';
CREATE FUNCTION @extschema@.moments_accum(@extschema@.gram_state, x double precision[]) RETURNS @extschema@.gram_state
	AS 'MODULE_PATHNAME', 'pref_moments_accum_double' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.moments_accum(@extschema@.gram_state, double precision[]) IS 'transition function of pref.moments (double precision[] rows)';
CREATE FUNCTION @extschema@.pca_accum(@extschema@.gram_state, x real[], k integer) RETURNS @extschema@.gram_state
	AS 'MODULE_PATHNAME', 'pref_pca_accum_real' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.pca_accum(@extschema@.gram_state, real[], integer) IS 'transition function of pref.pca (real[] rows)';
CREATE FUNCTION @extschema@.pca_accum(@extschema@.gram_state, x double precision[], k integer) RETURNS @extschema@.gram_state
	AS 'MODULE_PATHNAME', 'pref_pca_accum_double' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.pca_accum(@extschema@.gram_state, double precision[], integer) IS 'transition function of pref.pca (double precision[] rows)';
CREATE FUNCTION @extschema@.ridge_accum(@extschema@.gram_state, x real[], y double precision, lambda double precision) RETURNS @extschema@.gram_state
	AS 'MODULE_PATHNAME', 'pref_ridge_accum_real' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.ridge_accum(@extschema@.gram_state, real[], double precision, double precision) IS 'transition function of pref.ridge_fit (real[] rows)';
CREATE FUNCTION @extschema@.ridge_accum(@extschema@.gram_state, x double precision[], y double precision, lambda double precision) RETURNS @extschema@.gram_state
	AS 'MODULE_PATHNAME', 'pref_ridge_accum_double' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.ridge_accum(@extschema@.gram_state, double precision[], double precision, double precision) IS 'transition function of pref.ridge_fit (double precision[] rows)';

CREATE FUNCTION @extschema@.gram_accum(@extschema@.gram_state, x integer[]) RETURNS @extschema@.gram_state
	AS 'MODULE_PATHNAME', 'pref_gram_accum_any' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.gram_accum(@extschema@.gram_state, integer[]) IS 'transition function of pref.gram (integer[] rows, read as double precision)';
CREATE FUNCTION @extschema@.moments_accum(@extschema@.gram_state, x integer[]) RETURNS @extschema@.gram_state
	AS 'MODULE_PATHNAME', 'pref_moments_accum_any' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.moments_accum(@extschema@.gram_state, integer[]) IS 'transition function of pref.moments (integer[] rows, read as double precision)';
CREATE FUNCTION @extschema@.pca_accum(@extschema@.gram_state, x integer[], k integer) RETURNS @extschema@.gram_state
	AS 'MODULE_PATHNAME', 'pref_pca_accum_any' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.pca_accum(@extschema@.gram_state, integer[], integer) IS 'transition function of pref.pca (integer[] rows, read as double precision)';
CREATE FUNCTION @extschema@.ridge_accum(@extschema@.gram_state, x integer[], y double precision, lambda double precision) RETURNS @extschema@.gram_state
	AS 'MODULE_PATHNAME', 'pref_ridge_accum_any' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.ridge_accum(@extschema@.gram_state, integer[], double precision, double precision) IS 'transition function of pref.ridge_fit (integer[] rows, read as double precision)';
CREATE FUNCTION @extschema@.gram_accum(@extschema@.gram_state, x numeric[]) RETURNS @extschema@.gram_state
	AS 'MODULE_PATHNAME', 'pref_gram_accum_any' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.gram_accum(@extschema@.gram_state, numeric[]) IS 'transition function of pref.gram (numeric[] rows, read as double precision)';
CREATE FUNCTION @extschema@.moments_accum(@extschema@.gram_state, x numeric[]) RETURNS @extschema@.gram_state
	AS 'MODULE_PATHNAME', 'pref_moments_accum_any' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.moments_accum(@extschema@.gram_state, numeric[]) IS 'transition function of pref.moments (numeric[] rows, read as double precision)';
CREATE FUNCTION @extschema@.pca_accum(@extschema@.gram_state, x numeric[], k integer) RETURNS @extschema@.gram_state
	AS 'MODULE_PATHNAME', 'pref_pca_accum_any' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.pca_accum(@extschema@.gram_state, numeric[], integer) IS 'transition function of pref.pca (numeric[] rows, read as double precision)';
CREATE FUNCTION @extschema@.ridge_accum(@extschema@.gram_state, x numeric[], y double precision, lambda double precision) RETURNS @extschema@.gram_state
	AS 'MODULE_PATHNAME', 'pref_ridge_accum_any' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.ridge_accum(@extschema@.gram_state, numeric[], double precision, double precision) IS 'transition function of pref.ridge_fit (numeric[] rows, read as double precision)';

CREATE FUNCTION @extschema@.gram_combine(@extschema@.gram_state, @extschema@.gram_state) RETURNS @extschema@.gram_state
	AS 'MODULE_PATHNAME', 'pref_gram_combine_state' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.gram_combine(@extschema@.gram_state, @extschema@.gram_state) IS 'combine function of pref.gram, moments, pca and ridge_fit: adds two states of the same aggregate';

CREATE FUNCTION @extschema@.gram_final(@extschema@.gram_state) RETURNS double precision[]
	AS 'MODULE_PATHNAME', 'pref_gram_final_state' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.gram_final(@extschema@.gram_state) IS 'final function of pref.gram';
CREATE AGGREGATE @extschema@.gram(x real[]) (
	SFUNC = @extschema@.gram_accum, STYPE = @extschema@.gram_state, SSPACE = 1048576,
	FINALFUNC = @extschema@.gram_final,
	COMBINEFUNC = @extschema@.gram_combine,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.gram(real[]) IS
'Gram matrix X^T X (d x d double precision[][]) of the rows, accumulated with BLAS syrk over row blocks';
CREATE AGGREGATE @extschema@.gram(x double precision[]) (
	SFUNC = @extschema@.gram_accum, STYPE = @extschema@.gram_state, SSPACE = 1048576,
	FINALFUNC = @extschema@.gram_final,
	COMBINEFUNC = @extschema@.gram_combine,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.gram(double precision[]) IS
'Gram matrix X^T X (d x d double precision[][]) of the rows, accumulated with BLAS syrk over row blocks';
CREATE AGGREGATE @extschema@.gram(x integer[]) (
	SFUNC = @extschema@.gram_accum, STYPE = @extschema@.gram_state, SSPACE = 1048576,
	FINALFUNC = @extschema@.gram_final,
	COMBINEFUNC = @extschema@.gram_combine,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.gram(integer[]) IS
'Gram matrix X^T X (d x d double precision[][]) of integer[] rows, read as double precision';
CREATE AGGREGATE @extschema@.gram(x numeric[]) (
	SFUNC = @extschema@.gram_accum, STYPE = @extschema@.gram_state, SSPACE = 1048576,
	FINALFUNC = @extschema@.gram_final,
	COMBINEFUNC = @extschema@.gram_combine,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.gram(numeric[]) IS
'Gram matrix X^T X (d x d double precision[][]) of numeric[] rows, read as double precision';

CREATE TYPE @extschema@.moments_result AS (
	n bigint,
	n_skipped bigint,
	mean double precision[],
	covariance double precision[]
);
COMMENT ON TYPE @extschema@.moments_result IS
'rows used, NULL rows skipped, column means and the sample covariance matrix (d x d, divisor n - 1; NULL for one row)';
CREATE FUNCTION @extschema@.moments_final(@extschema@.gram_state) RETURNS @extschema@.moments_result
	AS 'MODULE_PATHNAME', 'pref_moments_final_state' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.moments_final(@extschema@.gram_state) IS 'final function of pref.moments';
CREATE AGGREGATE @extschema@.moments(x real[]) (
	SFUNC = @extschema@.moments_accum, STYPE = @extschema@.gram_state, SSPACE = 1048576,
	FINALFUNC = @extschema@.moments_final,
	COMBINEFUNC = @extschema@.gram_combine,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.moments(real[]) IS
'mean vector and sample covariance matrix of the rows (shifted accumulation, syrk over row blocks)';
CREATE AGGREGATE @extschema@.moments(x double precision[]) (
	SFUNC = @extschema@.moments_accum, STYPE = @extschema@.gram_state, SSPACE = 1048576,
	FINALFUNC = @extschema@.moments_final,
	COMBINEFUNC = @extschema@.gram_combine,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.moments(double precision[]) IS
'mean vector and sample covariance matrix of the rows (shifted accumulation, syrk over row blocks)';
CREATE AGGREGATE @extschema@.moments(x integer[]) (
	SFUNC = @extschema@.moments_accum, STYPE = @extschema@.gram_state, SSPACE = 1048576,
	FINALFUNC = @extschema@.moments_final,
	COMBINEFUNC = @extschema@.gram_combine,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.moments(integer[]) IS
'mean vector and sample covariance matrix of integer[] rows, read as double precision';
CREATE AGGREGATE @extschema@.moments(x numeric[]) (
	SFUNC = @extschema@.moments_accum, STYPE = @extschema@.gram_state, SSPACE = 1048576,
	FINALFUNC = @extschema@.moments_final,
	COMBINEFUNC = @extschema@.gram_combine,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.moments(numeric[]) IS
'mean vector and sample covariance matrix of numeric[] rows, read as double precision';

CREATE TYPE @extschema@.pca_result AS (
	n bigint,
	mean double precision[],
	components double precision[],
	eigenvalues double precision[],
	explained_variance_ratio double precision[]
);
COMMENT ON TYPE @extschema@.pca_result IS
'rows used, column means, the k principal axes as rows of a k x d matrix (largest entry of each positive), covariance eigenvalues (descending) and their share of the total variance';
CREATE FUNCTION @extschema@.pca_final(@extschema@.gram_state) RETURNS @extschema@.pca_result
	AS 'MODULE_PATHNAME', 'pref_pca_final_state' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.pca_final(@extschema@.gram_state) IS 'final function of pref.pca';
CREATE AGGREGATE @extschema@.pca(x real[], k integer) (
	SFUNC = @extschema@.pca_accum, STYPE = @extschema@.gram_state, SSPACE = 1048576,
	FINALFUNC = @extschema@.pca_final,
	COMBINEFUNC = @extschema@.gram_combine,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.pca(real[], integer) IS
'principal component analysis: top-k eigenvectors of the covariance (LAPACK dsyevd); project with pref.pca_project';
CREATE AGGREGATE @extschema@.pca(x double precision[], k integer) (
	SFUNC = @extschema@.pca_accum, STYPE = @extschema@.gram_state, SSPACE = 1048576,
	FINALFUNC = @extschema@.pca_final,
	COMBINEFUNC = @extschema@.gram_combine,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.pca(double precision[], integer) IS
'principal component analysis: top-k eigenvectors of the covariance (LAPACK dsyevd); project with pref.pca_project';
CREATE AGGREGATE @extschema@.pca(x integer[], k integer) (
	SFUNC = @extschema@.pca_accum, STYPE = @extschema@.gram_state, SSPACE = 1048576,
	FINALFUNC = @extschema@.pca_final,
	COMBINEFUNC = @extschema@.gram_combine,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.pca(integer[], integer) IS
'principal component analysis of integer[] rows, read as double precision; project with pref.pca_project';
CREATE AGGREGATE @extschema@.pca(x numeric[], k integer) (
	SFUNC = @extschema@.pca_accum, STYPE = @extschema@.gram_state, SSPACE = 1048576,
	FINALFUNC = @extschema@.pca_final,
	COMBINEFUNC = @extschema@.gram_combine,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.pca(numeric[], integer) IS
'principal component analysis of numeric[] rows, read as double precision; project with pref.pca_project';

CREATE FUNCTION @extschema@.pca_project(x real[], mean double precision[], components double precision[]) RETURNS double precision[]
	AS 'MODULE_PATHNAME', 'pref_pca_project' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.pca_project(real[], double precision[], double precision[]) IS
'coordinates of x on principal components: components (x - mean)';
CREATE FUNCTION @extschema@.pca_project(x double precision[], mean double precision[], components double precision[]) RETURNS double precision[]
	AS 'MODULE_PATHNAME', 'pref_pca_project' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.pca_project(double precision[], double precision[], double precision[]) IS
'coordinates of x on principal components: components (x - mean)';
CREATE FUNCTION @extschema@.pca_project(x integer[], mean double precision[], components double precision[]) RETURNS double precision[]
	AS 'MODULE_PATHNAME', 'pref_pca_project' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.pca_project(integer[], double precision[], double precision[]) IS
'coordinates of x (integer[], read as double precision) on principal components: components (x - mean)';
CREATE FUNCTION @extschema@.pca_project(x numeric[], mean double precision[], components double precision[]) RETURNS double precision[]
	AS 'MODULE_PATHNAME', 'pref_pca_project' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.pca_project(numeric[], double precision[], double precision[]) IS
'coordinates of x (numeric[], read as double precision) on principal components: components (x - mean)';

CREATE FUNCTION @extschema@.ridge_final(@extschema@.gram_state) RETURNS @extschema@.linear_model
	AS 'MODULE_PATHNAME', 'pref_ridge_final_state' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.ridge_final(@extschema@.gram_state) IS 'final function of pref.ridge_fit';
CREATE AGGREGATE @extschema@.ridge_fit(x real[], y double precision, lambda double precision) (
	SFUNC = @extschema@.ridge_accum, STYPE = @extschema@.gram_state, SSPACE = 1048576,
	FINALFUNC = @extschema@.ridge_final,
	COMBINEFUNC = @extschema@.gram_combine,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.ridge_fit(real[], double precision, double precision) IS
'ridge regression y ~ w.x + b (intercept unpenalised) solved by Cholesky in the final function; a rating-style reward model (pref.linear_model)';
CREATE AGGREGATE @extschema@.ridge_fit(x double precision[], y double precision, lambda double precision) (
	SFUNC = @extschema@.ridge_accum, STYPE = @extschema@.gram_state, SSPACE = 1048576,
	FINALFUNC = @extschema@.ridge_final,
	COMBINEFUNC = @extschema@.gram_combine,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.ridge_fit(double precision[], double precision, double precision) IS
'ridge regression y ~ w.x + b (intercept unpenalised) solved by Cholesky in the final function; a rating-style reward model (pref.linear_model)';
CREATE AGGREGATE @extschema@.ridge_fit(x integer[], y double precision, lambda double precision) (
	SFUNC = @extschema@.ridge_accum, STYPE = @extschema@.gram_state, SSPACE = 1048576,
	FINALFUNC = @extschema@.ridge_final,
	COMBINEFUNC = @extschema@.gram_combine,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.ridge_fit(integer[], double precision, double precision) IS
'ridge regression y ~ w.x + b over integer[] rows, read as double precision (pref.linear_model)';
CREATE AGGREGATE @extschema@.ridge_fit(x numeric[], y double precision, lambda double precision) (
	SFUNC = @extschema@.ridge_accum, STYPE = @extschema@.gram_state, SSPACE = 1048576,
	FINALFUNC = @extschema@.ridge_final,
	COMBINEFUNC = @extschema@.gram_combine,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.ridge_fit(numeric[], double precision, double precision) IS
'ridge regression y ~ w.x + b over numeric[] rows, read as double precision (pref.linear_model)';
