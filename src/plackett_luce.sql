-- Plackett-Luce fits of rankings

-- The state of pref.plackett_luce: the collected rankings, rows skipped and
-- the prior; a real type, so that Citus can split the aggregate
CREATE TYPE @extschema@.ranking_state;

CREATE FUNCTION @extschema@.ranking_state_in(cstring) RETURNS @extschema@.ranking_state
	AS 'MODULE_PATHNAME', 'pref_ranking_state_in' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.ranking_state_out(@extschema@.ranking_state) RETURNS cstring
	AS 'MODULE_PATHNAME', 'pref_ranking_state_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.ranking_state_recv(internal) RETURNS @extschema@.ranking_state
	AS 'MODULE_PATHNAME', 'pref_ranking_state_recv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.ranking_state_send(@extschema@.ranking_state) RETURNS bytea
	AS 'MODULE_PATHNAME', 'pref_ranking_state_send' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE TYPE @extschema@.ranking_state (
	INPUT = @extschema@.ranking_state_in,
	OUTPUT = @extschema@.ranking_state_out,
	RECEIVE = @extschema@.ranking_state_recv,
	SEND = @extschema@.ranking_state_send,
	INTERNALLENGTH = VARIABLE,
	ALIGNMENT = double,
	STORAGE = extended
);
COMMENT ON TYPE @extschema@.ranking_state IS
'state of pref.plackett_luce: the collected rankings, rows skipped and the prior; text form "v1:" + base64, validated on input';
COMMENT ON FUNCTION @extschema@.ranking_state_in(cstring) IS 'pref.ranking_state text input ("v1:" + base64), fully validated';
COMMENT ON FUNCTION @extschema@.ranking_state_out(@extschema@.ranking_state) IS 'pref.ranking_state text output ("v1:" + base64)';
COMMENT ON FUNCTION @extschema@.ranking_state_recv(internal) IS 'pref.ranking_state binary input, fully validated';
COMMENT ON FUNCTION @extschema@.ranking_state_send(@extschema@.ranking_state) IS 'pref.ranking_state binary output';

CREATE FUNCTION @extschema@.plackett_luce_accum(@extschema@.ranking_state, @extschema@.ranking) RETURNS @extschema@.ranking_state
	AS 'MODULE_PATHNAME', 'pref_plackett_luce_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.plackett_luce_accum(@extschema@.ranking_state, @extschema@.ranking, double precision) RETURNS @extschema@.ranking_state
	AS 'MODULE_PATHNAME', 'pref_plackett_luce_accum_prior' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.plackett_luce_combine(@extschema@.ranking_state, @extschema@.ranking_state) RETURNS @extschema@.ranking_state
	AS 'MODULE_PATHNAME', 'pref_plackett_luce_combine' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.plackett_luce_final(@extschema@.ranking_state) RETURNS jsonb
	AS 'MODULE_PATHNAME', 'pref_plackett_luce_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.plackett_luce_accum(@extschema@.ranking_state, @extschema@.ranking) IS
'pref.plackett_luce transition function: collects a ranking; NULL rankings are counted as skipped';
COMMENT ON FUNCTION @extschema@.plackett_luce_accum(@extschema@.ranking_state, @extschema@.ranking, double precision) IS
'pref.plackett_luce transition function with a prior: collects a ranking; the prior must be the same for every row of a group';
COMMENT ON FUNCTION @extschema@.plackett_luce_combine(@extschema@.ranking_state, @extschema@.ranking_state) IS
'pref.plackett_luce combine function: appends the second state''s rankings (NULL-safe)';
COMMENT ON FUNCTION @extschema@.plackett_luce_final(@extschema@.ranking_state) IS
'pref.plackett_luce final function: fits by MM over the canonical problem of the rankings (tied items sorted, rankings sorted, duplicates merged), so independent of row order; NULL for a NULL state or no rankings';

CREATE AGGREGATE @extschema@.plackett_luce(r @extschema@.ranking) (
	SFUNC = @extschema@.plackett_luce_accum, STYPE = @extschema@.ranking_state, SSPACE = 65536,
	FINALFUNC = @extschema@.plackett_luce_final,
	COMBINEFUNC = @extschema@.plackett_luce_combine,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.plackett_luce(@extschema@.ranking) IS
'Plackett-Luce maximum likelihood of full and top-k rankings by Hunter''s MM: jsonb with theta (centred log-worths per item), loglik, iterations, converged, rows used and skipped; the last group of a ranking is its unordered remainder, tied choice groups share a denominator (Breslow)';

CREATE AGGREGATE @extschema@.plackett_luce(r @extschema@.ranking, prior double precision) (
	SFUNC = @extschema@.plackett_luce_accum, STYPE = @extschema@.ranking_state, SSPACE = 65536,
	FINALFUNC = @extschema@.plackett_luce_final,
	COMBINEFUNC = @extschema@.plackett_luce_combine,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.plackett_luce(@extschema@.ranking, double precision) IS
'Plackett-Luce fit with a Gaussian prior of the given precision on each log-worth (MAP by MM; always exists when prior > 0)';

-- Plackett-Luce fits as pref.bt_model values (pref.ratings, pref.win_prob,
-- pref.bt_summary read them) and the ranking bootstrap
CREATE FUNCTION @extschema@.pl_fit_final(@extschema@.ranking_state) RETURNS @extschema@.bt_model
	AS 'MODULE_PATHNAME', 'pref_pl_fit_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.pl_fit_final(@extschema@.ranking_state) IS
'pref.pl_fit final function: the Plackett-Luce model (MM) of the collected rankings as a pref.bt_model; NULL for a NULL state or no rankings';

CREATE AGGREGATE @extschema@.pl_fit(r @extschema@.ranking) (
	SFUNC = @extschema@.plackett_luce_accum, STYPE = @extschema@.ranking_state, SSPACE = 65536,
	FINALFUNC = @extschema@.pl_fit_final,
	COMBINEFUNC = @extschema@.plackett_luce_combine,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.pl_fit(@extschema@.ranking) IS
'Plackett-Luce model of full and top-k rankings as a pref.bt_model (model kind plackett_luce) for pref.ratings, pref.win_prob, pref.bt_summary and pref.pl_bootstrap; the same fit and state as pref.plackett_luce, independent of row order';

CREATE AGGREGATE @extschema@.pl_fit(r @extschema@.ranking, prior double precision) (
	SFUNC = @extschema@.plackett_luce_accum, STYPE = @extschema@.ranking_state, SSPACE = 65536,
	FINALFUNC = @extschema@.pl_fit_final,
	COMBINEFUNC = @extschema@.plackett_luce_combine,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.pl_fit(@extschema@.ranking, double precision) IS
'Plackett-Luce model with a Gaussian prior of the given precision on each log-worth (MAP by MM), as a pref.bt_model';

CREATE FUNCTION @extschema@.pl_bootstrap(m @extschema@.bt_model, rounds integer DEFAULT 1000, seed bigint DEFAULT 42,
	level double precision DEFAULT 0.95, prior double precision DEFAULT NULL, scale text DEFAULT 'elo')
	RETURNS TABLE (item text, rating double precision, std_error double precision, lower double precision,
				   upper double precision, rank integer, rank_lower integer, rank_upper integer, rounds integer)
	AS 'MODULE_PATHNAME', 'pref_pl_bootstrap' LANGUAGE C IMMUTABLE PARALLEL SAFE ROWS 100;
COMMENT ON FUNCTION @extschema@.pl_bootstrap(@extschema@.bt_model, integer, bigint, double precision, double precision, text) IS
'bootstrap intervals of a Plackett-Luce model (pref.pl_fit): its rankings resampled with replacement (multinomial over the distinct rankings), MM refits from the full-data estimate; per item the columns of pref.bt_bootstrap; prior NULL: the model''s prior; reproducible for a seed; no rows for a NULL model';
