-- BLAS aggregates over embeddings: gram, moments, pca, ridge_fit (src/gram.c)

CREATE FUNCTION @extschema@.gram_accum(internal, x real[]) RETURNS internal
	AS 'MODULE_PATHNAME', 'pref_gram_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.gram_accum(internal, real[]) IS 'transition function of pref.gram';
CREATE FUNCTION @extschema@.gram_accum(internal, x double precision[]) RETURNS internal
	AS 'MODULE_PATHNAME', 'pref_gram_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.gram_accum(internal, double precision[]) IS 'transition function of pref.gram';
CREATE FUNCTION @extschema@.moments_accum(internal, x real[]) RETURNS internal
	AS 'MODULE_PATHNAME', 'pref_moments_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.moments_accum(internal, real[]) IS 'transition function of pref.moments';
CREATE FUNCTION @extschema@.moments_accum(internal, x double precision[]) RETURNS internal
	AS 'MODULE_PATHNAME', 'pref_moments_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.moments_accum(internal, double precision[]) IS 'transition function of pref.moments';
CREATE FUNCTION @extschema@.pca_accum(internal, x real[], k integer) RETURNS internal
	AS 'MODULE_PATHNAME', 'pref_pca_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.pca_accum(internal, real[], integer) IS 'transition function of pref.pca';
CREATE FUNCTION @extschema@.pca_accum(internal, x double precision[], k integer) RETURNS internal
	AS 'MODULE_PATHNAME', 'pref_pca_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.pca_accum(internal, double precision[], integer) IS 'transition function of pref.pca';
CREATE FUNCTION @extschema@.ridge_accum(internal, x real[], y double precision, lambda double precision) RETURNS internal
	AS 'MODULE_PATHNAME', 'pref_ridge_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.ridge_accum(internal, real[], double precision, double precision) IS 'transition function of pref.ridge_fit';
CREATE FUNCTION @extschema@.ridge_accum(internal, x double precision[], y double precision, lambda double precision) RETURNS internal
	AS 'MODULE_PATHNAME', 'pref_ridge_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.ridge_accum(internal, double precision[], double precision, double precision) IS 'transition function of pref.ridge_fit';

CREATE FUNCTION @extschema@.gram_combine(internal, internal) RETURNS internal
	AS 'MODULE_PATHNAME', 'pref_gram_combine' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.gram_combine(internal, internal) IS 'combine function of pref.gram, moments, pca and ridge_fit';
CREATE FUNCTION @extschema@.gram_serialize(internal) RETURNS bytea
	AS 'MODULE_PATHNAME', 'pref_gram_serialize' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.gram_serialize(internal) IS 'serial function of pref.gram, moments, pca and ridge_fit';
CREATE FUNCTION @extschema@.gram_deserialize(bytea, internal) RETURNS internal
	AS 'MODULE_PATHNAME', 'pref_gram_deserialize' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.gram_deserialize(bytea, internal) IS 'deserial function of pref.gram, moments, pca and ridge_fit';

CREATE FUNCTION @extschema@.gram_final(internal) RETURNS double precision[]
	AS 'MODULE_PATHNAME', 'pref_gram_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.gram_final(internal) IS 'final function of pref.gram';

CREATE AGGREGATE @extschema@.gram(x real[]) (
	SFUNC = @extschema@.gram_accum, STYPE = internal, SSPACE = 1048576,
	FINALFUNC = @extschema@.gram_final,
	COMBINEFUNC = @extschema@.gram_combine,
	SERIALFUNC = @extschema@.gram_serialize, DESERIALFUNC = @extschema@.gram_deserialize,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.gram(real[]) IS
'Gram matrix X^T X (d x d double precision[][]) of the rows, accumulated with BLAS syrk over row blocks';
CREATE AGGREGATE @extschema@.gram(x double precision[]) (
	SFUNC = @extschema@.gram_accum, STYPE = internal, SSPACE = 1048576,
	FINALFUNC = @extschema@.gram_final,
	COMBINEFUNC = @extschema@.gram_combine,
	SERIALFUNC = @extschema@.gram_serialize, DESERIALFUNC = @extschema@.gram_deserialize,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.gram(double precision[]) IS
'Gram matrix X^T X (d x d double precision[][]) of the rows, accumulated with BLAS syrk over row blocks';

CREATE TYPE @extschema@.moments_result AS (
	n bigint,
	n_skipped bigint,
	mean double precision[],
	covariance double precision[]
);
COMMENT ON TYPE @extschema@.moments_result IS
'rows used, NULL rows skipped, column means and the sample covariance matrix (d x d, divisor n - 1; NULL for one row)';
CREATE FUNCTION @extschema@.moments_final(internal) RETURNS @extschema@.moments_result
	AS 'MODULE_PATHNAME', 'pref_moments_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.moments_final(internal) IS 'final function of pref.moments';
CREATE AGGREGATE @extschema@.moments(x real[]) (
	SFUNC = @extschema@.moments_accum, STYPE = internal, SSPACE = 1048576,
	FINALFUNC = @extschema@.moments_final,
	COMBINEFUNC = @extschema@.gram_combine,
	SERIALFUNC = @extschema@.gram_serialize, DESERIALFUNC = @extschema@.gram_deserialize,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.moments(real[]) IS
'mean vector and sample covariance matrix of the rows (shifted accumulation, syrk over row blocks)';
CREATE AGGREGATE @extschema@.moments(x double precision[]) (
	SFUNC = @extschema@.moments_accum, STYPE = internal, SSPACE = 1048576,
	FINALFUNC = @extschema@.moments_final,
	COMBINEFUNC = @extschema@.gram_combine,
	SERIALFUNC = @extschema@.gram_serialize, DESERIALFUNC = @extschema@.gram_deserialize,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.moments(double precision[]) IS
'mean vector and sample covariance matrix of the rows (shifted accumulation, syrk over row blocks)';

CREATE TYPE @extschema@.pca_result AS (
	n bigint,
	mean double precision[],
	components double precision[],
	eigenvalues double precision[],
	explained_variance_ratio double precision[]
);
COMMENT ON TYPE @extschema@.pca_result IS
'rows used, column means, the k principal axes as rows of a k x d matrix (largest entry of each positive), covariance eigenvalues (descending) and their share of the total variance';
CREATE FUNCTION @extschema@.pca_final(internal) RETURNS @extschema@.pca_result
	AS 'MODULE_PATHNAME', 'pref_pca_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.pca_final(internal) IS 'final function of pref.pca';
CREATE AGGREGATE @extschema@.pca(x real[], k integer) (
	SFUNC = @extschema@.pca_accum, STYPE = internal, SSPACE = 1048576,
	FINALFUNC = @extschema@.pca_final,
	COMBINEFUNC = @extschema@.gram_combine,
	SERIALFUNC = @extschema@.gram_serialize, DESERIALFUNC = @extschema@.gram_deserialize,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.pca(real[], integer) IS
'principal component analysis: top-k eigenvectors of the covariance (LAPACK dsyevd); project with pref.pca_project';
CREATE AGGREGATE @extschema@.pca(x double precision[], k integer) (
	SFUNC = @extschema@.pca_accum, STYPE = internal, SSPACE = 1048576,
	FINALFUNC = @extschema@.pca_final,
	COMBINEFUNC = @extschema@.gram_combine,
	SERIALFUNC = @extschema@.gram_serialize, DESERIALFUNC = @extschema@.gram_deserialize,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.pca(double precision[], integer) IS
'principal component analysis: top-k eigenvectors of the covariance (LAPACK dsyevd); project with pref.pca_project';

CREATE FUNCTION @extschema@.pca_project(x real[], mean double precision[], components double precision[]) RETURNS double precision[]
	AS 'MODULE_PATHNAME', 'pref_pca_project' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.pca_project(real[], double precision[], double precision[]) IS
'coordinates of x on principal components: components (x - mean)';
CREATE FUNCTION @extschema@.pca_project(x double precision[], mean double precision[], components double precision[]) RETURNS double precision[]
	AS 'MODULE_PATHNAME', 'pref_pca_project' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.pca_project(double precision[], double precision[], double precision[]) IS
'coordinates of x on principal components: components (x - mean)';

CREATE FUNCTION @extschema@.ridge_final(internal) RETURNS @extschema@.linear_model
	AS 'MODULE_PATHNAME', 'pref_ridge_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.ridge_final(internal) IS 'final function of pref.ridge_fit';
CREATE AGGREGATE @extschema@.ridge_fit(x real[], y double precision, lambda double precision) (
	SFUNC = @extschema@.ridge_accum, STYPE = internal, SSPACE = 1048576,
	FINALFUNC = @extschema@.ridge_final,
	COMBINEFUNC = @extschema@.gram_combine,
	SERIALFUNC = @extschema@.gram_serialize, DESERIALFUNC = @extschema@.gram_deserialize,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.ridge_fit(real[], double precision, double precision) IS
'ridge regression y ~ w.x + b (intercept unpenalised) solved by Cholesky in the final function; a rating-style reward model (pref.linear_model)';
CREATE AGGREGATE @extschema@.ridge_fit(x double precision[], y double precision, lambda double precision) (
	SFUNC = @extschema@.ridge_accum, STYPE = internal, SSPACE = 1048576,
	FINALFUNC = @extschema@.ridge_final,
	COMBINEFUNC = @extschema@.gram_combine,
	SERIALFUNC = @extschema@.gram_serialize, DESERIALFUNC = @extschema@.gram_deserialize,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.ridge_fit(double precision[], double precision, double precision) IS
'ridge regression y ~ w.x + b (intercept unpenalised) solved by Cholesky in the final function; a rating-style reward model (pref.linear_model)';
