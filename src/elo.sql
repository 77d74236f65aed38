-- Elo: online ratings as an ordered aggregate.  The result depends on the
-- row order, so the state stays internal and there is no combine function:
-- the one pgpref aggregate that parallel query and Citus do not split.

CREATE FUNCTION @extschema@.elo_final(internal) RETURNS jsonb
	AS 'MODULE_PATHNAME', 'pref_elo_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.elo_final(internal) IS 'pref.elo aggregate support: ratings as jsonb';

CREATE FUNCTION @extschema@.elo_accum(internal, bigint, bigint) RETURNS internal
	AS 'MODULE_PATHNAME', 'pref_elo_accum_int' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.elo_accum(internal, bigint, bigint) IS 'pref.elo aggregate support: one game';
CREATE AGGREGATE @extschema@.elo(winner bigint, loser bigint) (
	SFUNC = @extschema@.elo_accum, STYPE = internal, FINALFUNC = @extschema@.elo_final, PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.elo(bigint, bigint) IS
'online Elo ratings in the aggregate''s order (use ORDER BY): jsonb item -> rating; k (default 4), initial rating (1000) and scale (400); a tie scores 0.5';

CREATE FUNCTION @extschema@.elo_accum(internal, bigint, bigint, boolean) RETURNS internal
	AS 'MODULE_PATHNAME', 'pref_elo_accum_int' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.elo_accum(internal, bigint, bigint, boolean) IS 'pref.elo aggregate support: one game';
CREATE AGGREGATE @extschema@.elo(winner bigint, loser bigint, tie boolean) (
	SFUNC = @extschema@.elo_accum, STYPE = internal, FINALFUNC = @extschema@.elo_final, PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.elo(bigint, bigint, boolean) IS
'online Elo ratings in the aggregate''s order (use ORDER BY): jsonb item -> rating; k (default 4), initial rating (1000) and scale (400); a tie scores 0.5';

CREATE FUNCTION @extschema@.elo_accum(internal, bigint, bigint, boolean, double precision) RETURNS internal
	AS 'MODULE_PATHNAME', 'pref_elo_accum_int' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.elo_accum(internal, bigint, bigint, boolean, double precision) IS 'pref.elo aggregate support: one game';
CREATE AGGREGATE @extschema@.elo(winner bigint, loser bigint, tie boolean, k double precision) (
	SFUNC = @extschema@.elo_accum, STYPE = internal, FINALFUNC = @extschema@.elo_final, PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.elo(bigint, bigint, boolean, double precision) IS
'online Elo ratings in the aggregate''s order (use ORDER BY): jsonb item -> rating; k (default 4), initial rating (1000) and scale (400); a tie scores 0.5';

CREATE FUNCTION @extschema@.elo_accum(internal, bigint, bigint, boolean, double precision, double precision, double precision) RETURNS internal
	AS 'MODULE_PATHNAME', 'pref_elo_accum_int' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.elo_accum(internal, bigint, bigint, boolean, double precision, double precision, double precision) IS 'pref.elo aggregate support: one game';
CREATE AGGREGATE @extschema@.elo(winner bigint, loser bigint, tie boolean, k double precision, initial double precision, scale double precision) (
	SFUNC = @extschema@.elo_accum, STYPE = internal, FINALFUNC = @extschema@.elo_final, PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.elo(bigint, bigint, boolean, double precision, double precision, double precision) IS
'online Elo ratings in the aggregate''s order (use ORDER BY): jsonb item -> rating; k (default 4), initial rating (1000) and scale (400); a tie scores 0.5';

CREATE FUNCTION @extschema@.elo_accum(internal, text, text) RETURNS internal
	AS 'MODULE_PATHNAME', 'pref_elo_accum_text' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.elo_accum(internal, text, text) IS 'pref.elo aggregate support: one game';
CREATE AGGREGATE @extschema@.elo(winner text, loser text) (
	SFUNC = @extschema@.elo_accum, STYPE = internal, FINALFUNC = @extschema@.elo_final, PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.elo(text, text) IS
'online Elo ratings in the aggregate''s order (use ORDER BY): jsonb item -> rating; k (default 4), initial rating (1000) and scale (400); a tie scores 0.5';

CREATE FUNCTION @extschema@.elo_accum(internal, text, text, boolean) RETURNS internal
	AS 'MODULE_PATHNAME', 'pref_elo_accum_text' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.elo_accum(internal, text, text, boolean) IS 'pref.elo aggregate support: one game';
CREATE AGGREGATE @extschema@.elo(winner text, loser text, tie boolean) (
	SFUNC = @extschema@.elo_accum, STYPE = internal, FINALFUNC = @extschema@.elo_final, PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.elo(text, text, boolean) IS
'online Elo ratings in the aggregate''s order (use ORDER BY): jsonb item -> rating; k (default 4), initial rating (1000) and scale (400); a tie scores 0.5';

CREATE FUNCTION @extschema@.elo_accum(internal, text, text, boolean, double precision) RETURNS internal
	AS 'MODULE_PATHNAME', 'pref_elo_accum_text' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.elo_accum(internal, text, text, boolean, double precision) IS 'pref.elo aggregate support: one game';
CREATE AGGREGATE @extschema@.elo(winner text, loser text, tie boolean, k double precision) (
	SFUNC = @extschema@.elo_accum, STYPE = internal, FINALFUNC = @extschema@.elo_final, PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.elo(text, text, boolean, double precision) IS
'online Elo ratings in the aggregate''s order (use ORDER BY): jsonb item -> rating; k (default 4), initial rating (1000) and scale (400); a tie scores 0.5';

CREATE FUNCTION @extschema@.elo_accum(internal, text, text, boolean, double precision, double precision, double precision) RETURNS internal
	AS 'MODULE_PATHNAME', 'pref_elo_accum_text' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.elo_accum(internal, text, text, boolean, double precision, double precision, double precision) IS 'pref.elo aggregate support: one game';
CREATE AGGREGATE @extschema@.elo(winner text, loser text, tie boolean, k double precision, initial double precision, scale double precision) (
	SFUNC = @extschema@.elo_accum, STYPE = internal, FINALFUNC = @extschema@.elo_final, PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.elo(text, text, boolean, double precision, double precision, double precision) IS
'online Elo ratings in the aggregate''s order (use ORDER BY): jsonb item -> rating; k (default 4), initial rating (1000) and scale (400); a tie scores 0.5';
