-- k-means on embeddings: pref.kmeans, the pass aggregate pref.kmeans_pass,
-- pref.kmeans_assign (src/kmeans.c)

-- the transition state of pref.kmeans_pass
CREATE TYPE @extschema@.kmeans_state;

CREATE FUNCTION @extschema@.kmeans_state_in(cstring) RETURNS @extschema@.kmeans_state
	AS 'MODULE_PATHNAME', 'pref_kmeans_state_in' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.kmeans_state_out(@extschema@.kmeans_state) RETURNS cstring
	AS 'MODULE_PATHNAME', 'pref_kmeans_state_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.kmeans_state_recv(internal) RETURNS @extschema@.kmeans_state
	AS 'MODULE_PATHNAME', 'pref_kmeans_state_recv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.kmeans_state_send(@extschema@.kmeans_state) RETURNS bytea
	AS 'MODULE_PATHNAME', 'pref_kmeans_state_send' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE TYPE @extschema@.kmeans_state (
	INPUT = @extschema@.kmeans_state_in,
	OUTPUT = @extschema@.kmeans_state_out,
	RECEIVE = @extschema@.kmeans_state_recv,
	SEND = @extschema@.kmeans_state_send,
	INTERNALLENGTH = VARIABLE,
	ALIGNMENT = double,
	STORAGE = extended
);
COMMENT ON TYPE @extschema@.kmeans_state IS
'transition state of pref.kmeans_pass: metric, the centroids of the pass, per-centroid sums and counts, inertia, rows used and skipped; text form "v1:" + base64 (validated on input)';
COMMENT ON FUNCTION @extschema@.kmeans_state_in(cstring) IS 'text input for pref.kmeans_state ("v1:" + base64; validated)';
COMMENT ON FUNCTION @extschema@.kmeans_state_out(@extschema@.kmeans_state) IS 'text output for pref.kmeans_state ("v1:" + base64)';
COMMENT ON FUNCTION @extschema@.kmeans_state_recv(internal) IS 'binary input for pref.kmeans_state (validated)';
COMMENT ON FUNCTION @extschema@.kmeans_state_send(@extschema@.kmeans_state) IS 'binary output for pref.kmeans_state';

-- the result of one pass
CREATE TYPE @extschema@.kmeans_step AS (
	centroids double precision[],
	counts bigint[],
	inertia double precision,
	shift double precision,
	n_rows bigint,
	n_skipped bigint
);
COMMENT ON TYPE @extschema@.kmeans_step IS
'result of pref.kmeans_pass: the updated centroids (k x d; a centroid without rows keeps its place), rows per centroid, inertia against the given centroids, total squared centroid shift, rows used and skipped';

CREATE FUNCTION @extschema@.kmeans_pass_accum(@extschema@.kmeans_state, x real[], centroids double precision[])
	RETURNS @extschema@.kmeans_state
	AS 'MODULE_PATHNAME', 'pref_kmeans_pass_accum_real' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.kmeans_pass_accum(@extschema@.kmeans_state, real[], double precision[]) IS
'transition function of pref.kmeans_pass (real[] rows, l2)';
CREATE FUNCTION @extschema@.kmeans_pass_accum(@extschema@.kmeans_state, x double precision[], centroids double precision[])
	RETURNS @extschema@.kmeans_state
	AS 'MODULE_PATHNAME', 'pref_kmeans_pass_accum_double' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.kmeans_pass_accum(@extschema@.kmeans_state, double precision[], double precision[]) IS
'transition function of pref.kmeans_pass (double precision[] rows, l2)';
CREATE FUNCTION @extschema@.kmeans_pass_accum(@extschema@.kmeans_state, x real[], centroids double precision[], metric text)
	RETURNS @extschema@.kmeans_state
	AS 'MODULE_PATHNAME', 'pref_kmeans_pass_accum_real_metric' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.kmeans_pass_accum(@extschema@.kmeans_state, real[], double precision[], text) IS
'transition function of pref.kmeans_pass (real[] rows, metric l2 or cosine)';
CREATE FUNCTION @extschema@.kmeans_pass_accum(@extschema@.kmeans_state, x double precision[], centroids double precision[], metric text)
	RETURNS @extschema@.kmeans_state
	AS 'MODULE_PATHNAME', 'pref_kmeans_pass_accum_double_metric' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.kmeans_pass_accum(@extschema@.kmeans_state, double precision[], double precision[], text) IS
'transition function of pref.kmeans_pass (double precision[] rows, metric l2 or cosine)';

CREATE FUNCTION @extschema@.kmeans_pass_combine(@extschema@.kmeans_state, @extschema@.kmeans_state)
	RETURNS @extschema@.kmeans_state
	AS 'MODULE_PATHNAME', 'pref_kmeans_pass_combine' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.kmeans_pass_combine(@extschema@.kmeans_state, @extschema@.kmeans_state) IS
'combine function of pref.kmeans_pass: adds two states over the same centroids';
CREATE FUNCTION @extschema@.kmeans_pass_final(@extschema@.kmeans_state) RETURNS @extschema@.kmeans_step
	AS 'MODULE_PATHNAME', 'pref_kmeans_pass_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.kmeans_pass_final(@extschema@.kmeans_state) IS
'final function of pref.kmeans_pass: the Lloyd update';

CREATE AGGREGATE @extschema@.kmeans_pass(x real[], centroids double precision[]) (
	SFUNC = @extschema@.kmeans_pass_accum, STYPE = @extschema@.kmeans_state, SSPACE = 65536,
	FINALFUNC = @extschema@.kmeans_pass_final,
	COMBINEFUNC = @extschema@.kmeans_pass_combine,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.kmeans_pass(real[], double precision[]) IS
'one Lloyd pass of k-means (l2): assigns each row to its nearest centroid (BLAS blocks, exact re-check of near ties) and returns the updated centroids, counts and inertia as pref.kmeans_step';
CREATE AGGREGATE @extschema@.kmeans_pass(x double precision[], centroids double precision[]) (
	SFUNC = @extschema@.kmeans_pass_accum, STYPE = @extschema@.kmeans_state, SSPACE = 65536,
	FINALFUNC = @extschema@.kmeans_pass_final,
	COMBINEFUNC = @extschema@.kmeans_pass_combine,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.kmeans_pass(double precision[], double precision[]) IS
'one Lloyd pass of k-means (l2): assigns each row to its nearest centroid (BLAS blocks, exact re-check of near ties) and returns the updated centroids, counts and inertia as pref.kmeans_step';
CREATE AGGREGATE @extschema@.kmeans_pass(x real[], centroids double precision[], metric text) (
	SFUNC = @extschema@.kmeans_pass_accum, STYPE = @extschema@.kmeans_state, SSPACE = 65536,
	FINALFUNC = @extschema@.kmeans_pass_final,
	COMBINEFUNC = @extschema@.kmeans_pass_combine,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.kmeans_pass(real[], double precision[], text) IS
'one Lloyd pass of k-means with metric l2 or cosine (spherical k-means: unit rows, normalised means), as pref.kmeans_step';
CREATE AGGREGATE @extschema@.kmeans_pass(x double precision[], centroids double precision[], metric text) (
	SFUNC = @extschema@.kmeans_pass_accum, STYPE = @extschema@.kmeans_state, SSPACE = 65536,
	FINALFUNC = @extschema@.kmeans_pass_final,
	COMBINEFUNC = @extschema@.kmeans_pass_combine,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.kmeans_pass(double precision[], double precision[], text) IS
'one Lloyd pass of k-means with metric l2 or cosine (spherical k-means: unit rows, normalised means), as pref.kmeans_step';

CREATE FUNCTION @extschema@.kmeans_assign(x real[], centroids double precision[], metric text DEFAULT 'l2',
	OUT cluster integer, OUT distance double precision)
	AS 'MODULE_PATHNAME', 'pref_kmeans_assign_real' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.kmeans_assign(real[], double precision[], text) IS
'nearest centroid of a row (1-based cluster, ties to the lower number) and its distance: squared L2, or 1 - cos for metric cosine';
CREATE FUNCTION @extschema@.kmeans_assign(x double precision[], centroids double precision[], metric text DEFAULT 'l2',
	OUT cluster integer, OUT distance double precision)
	AS 'MODULE_PATHNAME', 'pref_kmeans_assign_double' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.kmeans_assign(double precision[], double precision[], text) IS
'nearest centroid of a row (1-based cluster, ties to the lower number) and its distance: squared L2, or 1 - cos for metric cosine';

CREATE FUNCTION @extschema@.kmeans(sql text, k integer, max_iter integer DEFAULT 100,
	tol double precision DEFAULT 1e-4, seed bigint DEFAULT 0, metric text DEFAULT 'l2',
	init double precision[] DEFAULT NULL, seeding text DEFAULT 'k-means++',
	OUT centroids double precision[], OUT sizes bigint[], OUT inertia double precision,
	OUT inertia_history double precision[], OUT iterations integer, OUT converged boolean,
	OUT n_rows bigint, OUT n_skipped bigint)
	AS 'MODULE_PATHNAME', 'pref_kmeans' LANGUAGE C VOLATILE PARALLEL UNSAFE;
COMMENT ON FUNCTION @extschema@.kmeans(text, integer, integer, double precision, bigint, text, double precision[], text) IS
'k-means of the inner query''s (id, embedding) rows: seeding k-means++ or k-means|| (seed), or init; Lloyd passes (rows whose centroid provably stays are skipped, same results) until the squared centroid shift is at most tol times the mean variance or max_iter; centroids (k x d), sizes, final inertia and inertia per pass';
