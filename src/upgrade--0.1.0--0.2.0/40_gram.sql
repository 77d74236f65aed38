-- gram: pref.gram, moments, pca, ridge_fit and reward_pass keep their state
-- in the new types pref.gram_state and pref.reward_state instead of
-- internal (issue 12); the support functions are recreated on them.
DROP AGGREGATE @extschema@.gram(real[]);
DROP AGGREGATE @extschema@.gram(double precision[]);
DROP AGGREGATE @extschema@.moments(real[]);
DROP AGGREGATE @extschema@.moments(double precision[]);
DROP AGGREGATE @extschema@.pca(real[], integer);
DROP AGGREGATE @extschema@.pca(double precision[], integer);
DROP AGGREGATE @extschema@.ridge_fit(real[], double precision, double precision);
DROP AGGREGATE @extschema@.ridge_fit(double precision[], double precision, double precision);
DROP AGGREGATE @extschema@.reward_pass(real[], real[], double precision, double precision[], double precision[]);
DROP AGGREGATE @extschema@.reward_pass(double precision[], double precision[], double precision, double precision[], double precision[]);
DROP FUNCTION @extschema@.gram_accum(internal, real[]);
DROP FUNCTION @extschema@.gram_accum(internal, double precision[]);
DROP FUNCTION @extschema@.moments_accum(internal, real[]);
DROP FUNCTION @extschema@.moments_accum(internal, double precision[]);
DROP FUNCTION @extschema@.pca_accum(internal, real[], integer);
DROP FUNCTION @extschema@.pca_accum(internal, double precision[], integer);
DROP FUNCTION @extschema@.ridge_accum(internal, real[], double precision, double precision);
DROP FUNCTION @extschema@.ridge_accum(internal, double precision[], double precision, double precision);
DROP FUNCTION @extschema@.gram_combine(internal, internal);
DROP FUNCTION @extschema@.gram_serialize(internal);
DROP FUNCTION @extschema@.gram_deserialize(bytea, internal);
DROP FUNCTION @extschema@.gram_final(internal);
DROP FUNCTION @extschema@.moments_final(internal);
DROP FUNCTION @extschema@.pca_final(internal);
DROP FUNCTION @extschema@.ridge_final(internal);
DROP FUNCTION @extschema@.reward_pass_accum(internal, real[], real[], double precision, double precision[], double precision[]);
DROP FUNCTION @extschema@.reward_pass_accum(internal, double precision[], double precision[], double precision, double precision[], double precision[]);
DROP FUNCTION @extschema@.reward_pass_combine(internal, internal);
DROP FUNCTION @extschema@.reward_pass_serialize(internal);
DROP FUNCTION @extschema@.reward_pass_deserialize(bytea, internal);
DROP FUNCTION @extschema@.reward_pass_final(internal);

-- as in src/reward.sql
CREATE TYPE @extschema@.reward_state;
CREATE FUNCTION @extschema@.reward_state_in(cstring) RETURNS @extschema@.reward_state
	AS 'MODULE_PATHNAME', 'pref_reward_state_in' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.reward_state_out(@extschema@.reward_state) RETURNS cstring
	AS 'MODULE_PATHNAME', 'pref_reward_state_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.reward_state_recv(internal) RETURNS @extschema@.reward_state
	AS 'MODULE_PATHNAME', 'pref_reward_state_recv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.reward_state_send(@extschema@.reward_state) RETURNS bytea
	AS 'MODULE_PATHNAME', 'pref_reward_state_send' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE TYPE @extschema@.reward_state (
	INPUT = @extschema@.reward_state_in,
	OUTPUT = @extschema@.reward_state_out,
	RECEIVE = @extschema@.reward_state_recv,
	SEND = @extschema@.reward_state_send,
	INTERNALLENGTH = VARIABLE,
	ALIGNMENT = double,
	STORAGE = extended
);
COMMENT ON TYPE @extschema@.reward_state IS
'transition state of pref.reward_pass: the pass parameters and weights w, rows used and skipped, sums of weights, losses and correct pairs, gradient and (optionally) Hessian; text form "v1:" + base64 (validated on input)';
COMMENT ON FUNCTION @extschema@.reward_state_in(cstring) IS 'text input for pref.reward_state ("v1:" + base64; validated)';
COMMENT ON FUNCTION @extschema@.reward_state_out(@extschema@.reward_state) IS 'text output for pref.reward_state ("v1:" + base64)';
COMMENT ON FUNCTION @extschema@.reward_state_recv(internal) IS 'binary input for pref.reward_state (validated)';
COMMENT ON FUNCTION @extschema@.reward_state_send(@extschema@.reward_state) IS 'binary output for pref.reward_state';
CREATE FUNCTION @extschema@.reward_pass_accum(@extschema@.reward_state, chosen real[], rejected real[], weight double precision, w double precision[], params double precision[]) RETURNS @extschema@.reward_state
	AS 'MODULE_PATHNAME', 'pref_reward_pass_accum_real' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.reward_pass_accum(@extschema@.reward_state, real[], real[], double precision, double precision[], double precision[]) IS
'transition function of pref.reward_pass (real[] embeddings)';
CREATE FUNCTION @extschema@.reward_pass_accum(@extschema@.reward_state, chosen double precision[], rejected double precision[], weight double precision, w double precision[], params double precision[]) RETURNS @extschema@.reward_state
	AS 'MODULE_PATHNAME', 'pref_reward_pass_accum_double' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.reward_pass_accum(@extschema@.reward_state, double precision[], double precision[], double precision, double precision[], double precision[]) IS
'transition function of pref.reward_pass (double precision[] embeddings)';
CREATE FUNCTION @extschema@.reward_pass_combine(@extschema@.reward_state, @extschema@.reward_state) RETURNS @extschema@.reward_state
	AS 'MODULE_PATHNAME', 'pref_reward_pass_combine_state' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.reward_pass_combine(@extschema@.reward_state, @extschema@.reward_state) IS
'combine function of pref.reward_pass: adds two states of the same pass (same params and w)';
CREATE FUNCTION @extschema@.reward_pass_final(@extschema@.reward_state) RETURNS double precision[]
	AS 'MODULE_PATHNAME', 'pref_reward_pass_final_state' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.reward_pass_final(@extschema@.reward_state) IS 'final function of pref.reward_pass';
CREATE AGGREGATE @extschema@.reward_pass(chosen real[], rejected real[], weight double precision, w double precision[], params double precision[]) (
	SFUNC = @extschema@.reward_pass_accum,
	STYPE = @extschema@.reward_state,
	FINALFUNC = @extschema@.reward_pass_final,
	COMBINEFUNC = @extschema@.reward_pass_combine,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.reward_pass(real[], real[], double precision, double precision[], double precision[]) IS
'one Newton/IRLS pass of pref.reward_fit at weights w: {d, n, skipped, weight sum, loss, correct, gradient, Hessian}; params = {label_smoothing, margin, want_hessian}; w and params the same on every row';
CREATE AGGREGATE @extschema@.reward_pass(chosen double precision[], rejected double precision[], weight double precision, w double precision[], params double precision[]) (
	SFUNC = @extschema@.reward_pass_accum,
	STYPE = @extschema@.reward_state,
	FINALFUNC = @extschema@.reward_pass_final,
	COMBINEFUNC = @extschema@.reward_pass_combine,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.reward_pass(double precision[], double precision[], double precision, double precision[], double precision[]) IS
'one Newton/IRLS pass of pref.reward_fit at weights w: {d, n, skipped, weight sum, loss, correct, gradient, Hessian}; params = {label_smoothing, margin, want_hessian}; w and params the same on every row';

-- as in src/gram.sql
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
