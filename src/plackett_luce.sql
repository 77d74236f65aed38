-- Plackett-Luce fits of rankings

CREATE FUNCTION @extschema@.plackett_luce_trans(internal, @extschema@.ranking) RETURNS internal
	AS 'MODULE_PATHNAME', 'pref_pl_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.plackett_luce_trans(internal, @extschema@.ranking, double precision) RETURNS internal
	AS 'MODULE_PATHNAME', 'pref_pl_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.plackett_luce_combine(internal, internal) RETURNS internal
	AS 'MODULE_PATHNAME', 'pref_pl_combine' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.plackett_luce_serial(internal) RETURNS bytea
	AS 'MODULE_PATHNAME', 'pref_pl_serial' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.plackett_luce_deserial(bytea, internal) RETURNS internal
	AS 'MODULE_PATHNAME', 'pref_pl_deserial' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.plackett_luce_final(internal) RETURNS jsonb
	AS 'MODULE_PATHNAME', 'pref_pl_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.plackett_luce_trans(internal, @extschema@.ranking) IS 'pref.plackett_luce aggregate support: collect a ranking';
COMMENT ON FUNCTION @extschema@.plackett_luce_trans(internal, @extschema@.ranking, double precision) IS 'pref.plackett_luce aggregate support: collect a ranking';
COMMENT ON FUNCTION @extschema@.plackett_luce_combine(internal, internal) IS 'pref.plackett_luce aggregate support: merge partial states';
COMMENT ON FUNCTION @extschema@.plackett_luce_serial(internal) IS 'pref.plackett_luce aggregate support: serialise the state';
COMMENT ON FUNCTION @extschema@.plackett_luce_deserial(bytea, internal) IS 'pref.plackett_luce aggregate support: deserialise and validate the state';
COMMENT ON FUNCTION @extschema@.plackett_luce_final(internal) IS 'pref.plackett_luce aggregate support: fit by MM';

CREATE AGGREGATE @extschema@.plackett_luce(r @extschema@.ranking) (
	SFUNC = @extschema@.plackett_luce_trans, STYPE = internal, SSPACE = 65536,
	FINALFUNC = @extschema@.plackett_luce_final,
	COMBINEFUNC = @extschema@.plackett_luce_combine,
	SERIALFUNC = @extschema@.plackett_luce_serial, DESERIALFUNC = @extschema@.plackett_luce_deserial,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.plackett_luce(@extschema@.ranking) IS
'Plackett-Luce maximum likelihood of full and top-k rankings by Hunter''s MM: jsonb with theta (centred log-worths per item), loglik, iterations, converged, rows used and skipped; the last group of a ranking is its unordered remainder, tied choice groups share a denominator (Breslow)';

CREATE AGGREGATE @extschema@.plackett_luce(r @extschema@.ranking, prior double precision) (
	SFUNC = @extschema@.plackett_luce_trans, STYPE = internal, SSPACE = 65536,
	FINALFUNC = @extschema@.plackett_luce_final,
	COMBINEFUNC = @extschema@.plackett_luce_combine,
	SERIALFUNC = @extschema@.plackett_luce_serial, DESERIALFUNC = @extschema@.plackett_luce_deserial,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.plackett_luce(@extschema@.ranking, double precision) IS
'Plackett-Luce fit with a Gaussian prior of the given precision on each log-worth (MAP by MM; always exists when prior > 0)';
