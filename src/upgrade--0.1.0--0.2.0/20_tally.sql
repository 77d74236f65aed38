-- tally (issues 11, 12, 13): pref.tally is the state type of the pref.tally,
-- pref.tally_merge and pref.bt_fit aggregates (no internal state, no
-- serial/deserial functions); pref.tally input is validated by one
-- validator; pref.elo and pref.bt_eval get one C entry point per signature,
-- and every transition function is named _accum.  The 0.1.0 aggregates and
-- support functions are dropped and created again exactly as
-- src/tally.sql, src/bt.sql, src/elo.sql and src/bt_extra.sql create them.
-- No extension view uses these aggregates.

DROP AGGREGATE @extschema@.tally(bigint, bigint);
DROP AGGREGATE @extschema@.tally(bigint, bigint, boolean);
DROP AGGREGATE @extschema@.tally(bigint, bigint, boolean, double precision);
DROP AGGREGATE @extschema@.tally(text, text);
DROP AGGREGATE @extschema@.tally(text, text, boolean);
DROP AGGREGATE @extschema@.tally(text, text, boolean, double precision);
DROP AGGREGATE @extschema@.tally(bigint, bigint, text);
DROP AGGREGATE @extschema@.tally(bigint, bigint, text, double precision);
DROP AGGREGATE @extschema@.tally(text, text, text);
DROP AGGREGATE @extschema@.tally(text, text, text, double precision);
DROP AGGREGATE @extschema@.tally(@extschema@.pair);
DROP AGGREGATE @extschema@.tally_merge(@extschema@.tally);
DROP AGGREGATE @extschema@.bt_fit(bigint, bigint);
DROP AGGREGATE @extschema@.bt_fit(bigint, bigint, boolean);
DROP AGGREGATE @extschema@.bt_fit(bigint, bigint, boolean, double precision);
DROP AGGREGATE @extschema@.bt_fit(text, text);
DROP AGGREGATE @extschema@.bt_fit(text, text, boolean);
DROP AGGREGATE @extschema@.bt_fit(text, text, boolean, double precision);
DROP AGGREGATE @extschema@.elo(bigint, bigint);
DROP AGGREGATE @extschema@.elo(bigint, bigint, boolean);
DROP AGGREGATE @extschema@.elo(bigint, bigint, boolean, double precision);
DROP AGGREGATE @extschema@.elo(bigint, bigint, boolean, double precision, double precision, double precision);
DROP AGGREGATE @extschema@.elo(text, text);
DROP AGGREGATE @extschema@.elo(text, text, boolean);
DROP AGGREGATE @extschema@.elo(text, text, boolean, double precision);
DROP AGGREGATE @extschema@.elo(text, text, boolean, double precision, double precision, double precision);
DROP AGGREGATE @extschema@.bt_eval(@extschema@.bt_model, bigint, bigint);
DROP AGGREGATE @extschema@.bt_eval(@extschema@.bt_model, bigint, bigint, boolean);
DROP AGGREGATE @extschema@.bt_eval(@extschema@.bt_model, text, text);
DROP AGGREGATE @extschema@.bt_eval(@extschema@.bt_model, text, text, boolean);
DROP FUNCTION @extschema@.tally_combine(internal, internal);
DROP FUNCTION @extschema@.tally_serial(internal);
DROP FUNCTION @extschema@.tally_deserial(bytea, internal);
DROP FUNCTION @extschema@.tally_final(internal);
DROP FUNCTION @extschema@.tally_trans(internal, bigint, bigint);
DROP FUNCTION @extschema@.tally_trans(internal, bigint, bigint, boolean);
DROP FUNCTION @extschema@.tally_trans(internal, bigint, bigint, boolean, double precision);
DROP FUNCTION @extschema@.tally_trans(internal, text, text);
DROP FUNCTION @extschema@.tally_trans(internal, text, text, boolean);
DROP FUNCTION @extschema@.tally_trans(internal, text, text, boolean, double precision);
DROP FUNCTION @extschema@.tally_trans(internal, bigint, bigint, text);
DROP FUNCTION @extschema@.tally_trans(internal, bigint, bigint, text, double precision);
DROP FUNCTION @extschema@.tally_trans(internal, text, text, text);
DROP FUNCTION @extschema@.tally_trans(internal, text, text, text, double precision);
DROP FUNCTION @extschema@.tally_trans(internal, @extschema@.pair);
DROP FUNCTION @extschema@.tally_merge_trans(internal, @extschema@.tally);
DROP FUNCTION @extschema@.bt_fit_final(internal);
DROP FUNCTION @extschema@.elo_trans(internal, bigint, bigint);
DROP FUNCTION @extschema@.elo_trans(internal, bigint, bigint, boolean);
DROP FUNCTION @extschema@.elo_trans(internal, bigint, bigint, boolean, double precision);
DROP FUNCTION @extschema@.elo_trans(internal, bigint, bigint, boolean, double precision, double precision, double precision);
DROP FUNCTION @extschema@.elo_trans(internal, text, text);
DROP FUNCTION @extschema@.elo_trans(internal, text, text, boolean);
DROP FUNCTION @extschema@.elo_trans(internal, text, text, boolean, double precision);
DROP FUNCTION @extschema@.elo_trans(internal, text, text, boolean, double precision, double precision, double precision);
DROP FUNCTION @extschema@.elo_final(internal);
DROP FUNCTION @extschema@.bt_eval_trans(double precision[], @extschema@.bt_model, bigint, bigint);
DROP FUNCTION @extschema@.bt_eval_trans(double precision[], @extschema@.bt_model, bigint, bigint, boolean);
DROP FUNCTION @extschema@.bt_eval_trans(double precision[], @extschema@.bt_model, text, text);
DROP FUNCTION @extschema@.bt_eval_trans(double precision[], @extschema@.bt_model, text, text, boolean);
DROP FUNCTION @extschema@.bt_eval_combine(double precision[], double precision[]);
DROP FUNCTION @extschema@.bt_eval_final(double precision[]);

-- changed comments of kept objects (src/tally.sql)
COMMENT ON TYPE @extschema@.tally IS
'sufficient statistics of pairwise comparisons: sorted item keys (bigint or text) and sparse counts and summed weights of wins, losses and ties per item pair (by presentation order when known), rows used and skipped; text form is JSON; also the state type of the pref.tally, pref.tally_merge and pref.bt_fit aggregates';
COMMENT ON FUNCTION @extschema@.tally_in(cstring) IS 'text (JSON) input for pref.tally: items and cells in any order (canonicalized, repeated cells summed with overflow checks), then the same validation as binary input';
COMMENT ON FUNCTION @extschema@.tally_recv(internal) IS 'binary input for pref.tally: canonical form only; version, sizes, key order and encoding, cells, counts, weights and totals validated';

-- from src/tally.sql
-- aggregate support: the state is a pref.tally (in memory a read/write
-- expanded object, flattened only when output, sent or stored)
CREATE FUNCTION @extschema@.tally_combine(@extschema@.tally, @extschema@.tally) RETURNS @extschema@.tally
	AS 'MODULE_PATHNAME', 'pref_tally_state_combine' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.tally_final(@extschema@.tally) RETURNS @extschema@.tally
	AS 'MODULE_PATHNAME', 'pref_tally_state_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.tally_combine(@extschema@.tally, @extschema@.tally) IS
'pref.tally aggregate support: add the second state into the first (NULL-safe; a flat state is validated; counts and weights checked for overflow)';
COMMENT ON FUNCTION @extschema@.tally_final(@extschema@.tally) IS
'pref.tally aggregate support: the canonical tally of a state';

CREATE FUNCTION @extschema@.tally_accum(@extschema@.tally, bigint, bigint) RETURNS @extschema@.tally
	AS 'MODULE_PATHNAME', 'pref_tally_accum_int' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.tally_accum(@extschema@.tally, bigint, bigint) IS 'pref.tally aggregate support: add one comparison to the state';
CREATE AGGREGATE @extschema@.tally(winner bigint, loser bigint) (
	SFUNC = @extschema@.tally_accum, STYPE = @extschema@.tally, SSPACE = 65536,
	FINALFUNC = @extschema@.tally_final,
	COMBINEFUNC = @extschema@.tally_combine,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.tally(bigint, bigint) IS 'tally of comparisons: winner beat loser';

CREATE FUNCTION @extschema@.tally_accum(@extschema@.tally, bigint, bigint, boolean) RETURNS @extschema@.tally
	AS 'MODULE_PATHNAME', 'pref_tally_accum_int' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.tally_accum(@extschema@.tally, bigint, bigint, boolean) IS 'pref.tally aggregate support: add one comparison to the state';
CREATE AGGREGATE @extschema@.tally(winner bigint, loser bigint, tie boolean) (
	SFUNC = @extschema@.tally_accum, STYPE = @extschema@.tally, SSPACE = 65536,
	FINALFUNC = @extschema@.tally_final,
	COMBINEFUNC = @extschema@.tally_combine,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.tally(bigint, bigint, boolean) IS 'tally of comparisons: winner beat loser, or a tie when tie is true';

CREATE FUNCTION @extschema@.tally_accum(@extschema@.tally, bigint, bigint, boolean, double precision) RETURNS @extschema@.tally
	AS 'MODULE_PATHNAME', 'pref_tally_accum_int' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.tally_accum(@extschema@.tally, bigint, bigint, boolean, double precision) IS 'pref.tally aggregate support: add one comparison to the state';
CREATE AGGREGATE @extschema@.tally(winner bigint, loser bigint, tie boolean, weight double precision) (
	SFUNC = @extschema@.tally_accum, STYPE = @extschema@.tally, SSPACE = 65536,
	FINALFUNC = @extschema@.tally_final,
	COMBINEFUNC = @extschema@.tally_combine,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.tally(bigint, bigint, boolean, double precision) IS 'tally of weighted comparisons: winner beat loser, or a tie; weight finite and not negative';

CREATE FUNCTION @extschema@.tally_accum(@extschema@.tally, text, text) RETURNS @extschema@.tally
	AS 'MODULE_PATHNAME', 'pref_tally_accum_text' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.tally_accum(@extschema@.tally, text, text) IS 'pref.tally aggregate support: add one comparison to the state';
CREATE AGGREGATE @extschema@.tally(winner text, loser text) (
	SFUNC = @extschema@.tally_accum, STYPE = @extschema@.tally, SSPACE = 65536,
	FINALFUNC = @extschema@.tally_final,
	COMBINEFUNC = @extschema@.tally_combine,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.tally(text, text) IS 'tally of comparisons between text items: winner beat loser';

CREATE FUNCTION @extschema@.tally_accum(@extschema@.tally, text, text, boolean) RETURNS @extschema@.tally
	AS 'MODULE_PATHNAME', 'pref_tally_accum_text' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.tally_accum(@extschema@.tally, text, text, boolean) IS 'pref.tally aggregate support: add one comparison to the state';
CREATE AGGREGATE @extschema@.tally(winner text, loser text, tie boolean) (
	SFUNC = @extschema@.tally_accum, STYPE = @extschema@.tally, SSPACE = 65536,
	FINALFUNC = @extschema@.tally_final,
	COMBINEFUNC = @extschema@.tally_combine,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.tally(text, text, boolean) IS 'tally of comparisons between text items, with ties';

CREATE FUNCTION @extschema@.tally_accum(@extschema@.tally, text, text, boolean, double precision) RETURNS @extschema@.tally
	AS 'MODULE_PATHNAME', 'pref_tally_accum_text' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.tally_accum(@extschema@.tally, text, text, boolean, double precision) IS 'pref.tally aggregate support: add one comparison to the state';
CREATE AGGREGATE @extschema@.tally(winner text, loser text, tie boolean, weight double precision) (
	SFUNC = @extschema@.tally_accum, STYPE = @extschema@.tally, SSPACE = 65536,
	FINALFUNC = @extschema@.tally_final,
	COMBINEFUNC = @extschema@.tally_combine,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.tally(text, text, boolean, double precision) IS 'tally of weighted comparisons between text items, with ties';

CREATE FUNCTION @extschema@.tally_accum(@extschema@.tally, bigint, bigint, text) RETURNS @extschema@.tally
	AS 'MODULE_PATHNAME', 'pref_tally_accum_outcome_int' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.tally_accum(@extschema@.tally, bigint, bigint, text) IS 'pref.tally aggregate support: add one comparison to the state';
CREATE AGGREGATE @extschema@.tally(first bigint, second bigint, outcome text) (
	SFUNC = @extschema@.tally_accum, STYPE = @extschema@.tally, SSPACE = 65536,
	FINALFUNC = @extschema@.tally_final,
	COMBINEFUNC = @extschema@.tally_combine,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.tally(bigint, bigint, text) IS 'tally keeping presentation order: outcome > (first preferred), < (second preferred), = (tie)';

CREATE FUNCTION @extschema@.tally_accum(@extschema@.tally, bigint, bigint, text, double precision) RETURNS @extschema@.tally
	AS 'MODULE_PATHNAME', 'pref_tally_accum_outcome_int' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.tally_accum(@extschema@.tally, bigint, bigint, text, double precision) IS 'pref.tally aggregate support: add one comparison to the state';
CREATE AGGREGATE @extschema@.tally(first bigint, second bigint, outcome text, weight double precision) (
	SFUNC = @extschema@.tally_accum, STYPE = @extschema@.tally, SSPACE = 65536,
	FINALFUNC = @extschema@.tally_final,
	COMBINEFUNC = @extschema@.tally_combine,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.tally(bigint, bigint, text, double precision) IS 'weighted tally keeping presentation order: outcome >, < or =';

CREATE FUNCTION @extschema@.tally_accum(@extschema@.tally, text, text, text) RETURNS @extschema@.tally
	AS 'MODULE_PATHNAME', 'pref_tally_accum_outcome_text' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.tally_accum(@extschema@.tally, text, text, text) IS 'pref.tally aggregate support: add one comparison to the state';
CREATE AGGREGATE @extschema@.tally(first text, second text, outcome text) (
	SFUNC = @extschema@.tally_accum, STYPE = @extschema@.tally, SSPACE = 65536,
	FINALFUNC = @extschema@.tally_final,
	COMBINEFUNC = @extschema@.tally_combine,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.tally(text, text, text) IS 'tally of text items keeping presentation order: outcome >, < or =';

CREATE FUNCTION @extschema@.tally_accum(@extschema@.tally, text, text, text, double precision) RETURNS @extschema@.tally
	AS 'MODULE_PATHNAME', 'pref_tally_accum_outcome_text' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.tally_accum(@extschema@.tally, text, text, text, double precision) IS 'pref.tally aggregate support: add one comparison to the state';
CREATE AGGREGATE @extschema@.tally(first text, second text, outcome text, weight double precision) (
	SFUNC = @extschema@.tally_accum, STYPE = @extschema@.tally, SSPACE = 65536,
	FINALFUNC = @extschema@.tally_final,
	COMBINEFUNC = @extschema@.tally_combine,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.tally(text, text, text, double precision) IS 'weighted tally of text items keeping presentation order: outcome >, < or =';

CREATE FUNCTION @extschema@.tally_accum(@extschema@.tally, @extschema@.pair) RETURNS @extschema@.tally
	AS 'MODULE_PATHNAME', 'pref_tally_accum_pair' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.tally_accum(@extschema@.tally, @extschema@.pair) IS 'pref.tally aggregate support: add one comparison to the state';
CREATE AGGREGATE @extschema@.tally(p @extschema@.pair) (
	SFUNC = @extschema@.tally_accum, STYPE = @extschema@.tally, SSPACE = 65536,
	FINALFUNC = @extschema@.tally_final,
	COMBINEFUNC = @extschema@.tally_combine,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.tally(@extschema@.pair) IS 'tally of pref.pair values, keeping presentation order and weights';

CREATE FUNCTION @extschema@.tally_merge_accum(@extschema@.tally, @extschema@.tally) RETURNS @extschema@.tally
	AS 'MODULE_PATHNAME', 'pref_tally_merge_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.tally_merge_accum(@extschema@.tally, @extschema@.tally) IS
'pref.tally_merge aggregate support: add a stored tally to the state (validated; counts and weights checked for overflow)';
CREATE AGGREGATE @extschema@.tally_merge(@extschema@.tally) (
	SFUNC = @extschema@.tally_merge_accum, STYPE = @extschema@.tally, SSPACE = 65536,
	FINALFUNC = @extschema@.tally_final,
	COMBINEFUNC = @extschema@.tally_combine,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.tally_merge(@extschema@.tally) IS
'merge stored tallies (sums counts and weights per item pair; position kept only if every input keeps it)';

-- from src/bt.sql
CREATE FUNCTION @extschema@.bt_fit_final(@extschema@.tally) RETURNS @extschema@.bt_model
	AS 'MODULE_PATHNAME', 'pref_bt_fit_state_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.bt_fit_final(@extschema@.tally) IS 'pref.bt_fit aggregate support: fit the state''s tally with default options';

CREATE AGGREGATE @extschema@.bt_fit(winner bigint, loser bigint) (
	SFUNC = @extschema@.tally_accum, STYPE = @extschema@.tally, SSPACE = 65536,
	FINALFUNC = @extschema@.bt_fit_final,
	COMBINEFUNC = @extschema@.tally_combine,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.bt_fit(bigint, bigint) IS 'Bradley-Terry fit of comparisons with default options: bradley_terry(tally(...))';

CREATE AGGREGATE @extschema@.bt_fit(winner bigint, loser bigint, tie boolean) (
	SFUNC = @extschema@.tally_accum, STYPE = @extschema@.tally, SSPACE = 65536,
	FINALFUNC = @extschema@.bt_fit_final,
	COMBINEFUNC = @extschema@.tally_combine,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.bt_fit(bigint, bigint, boolean) IS 'Bradley-Terry fit of comparisons with default options: bradley_terry(tally(...))';

CREATE AGGREGATE @extschema@.bt_fit(winner bigint, loser bigint, tie boolean, weight double precision) (
	SFUNC = @extschema@.tally_accum, STYPE = @extschema@.tally, SSPACE = 65536,
	FINALFUNC = @extschema@.bt_fit_final,
	COMBINEFUNC = @extschema@.tally_combine,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.bt_fit(bigint, bigint, boolean, double precision) IS 'Bradley-Terry fit of comparisons with default options: bradley_terry(tally(...))';

CREATE AGGREGATE @extschema@.bt_fit(winner text, loser text) (
	SFUNC = @extschema@.tally_accum, STYPE = @extschema@.tally, SSPACE = 65536,
	FINALFUNC = @extschema@.bt_fit_final,
	COMBINEFUNC = @extschema@.tally_combine,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.bt_fit(text, text) IS 'Bradley-Terry fit of comparisons with default options: bradley_terry(tally(...))';

CREATE AGGREGATE @extschema@.bt_fit(winner text, loser text, tie boolean) (
	SFUNC = @extschema@.tally_accum, STYPE = @extschema@.tally, SSPACE = 65536,
	FINALFUNC = @extschema@.bt_fit_final,
	COMBINEFUNC = @extschema@.tally_combine,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.bt_fit(text, text, boolean) IS 'Bradley-Terry fit of comparisons with default options: bradley_terry(tally(...))';

CREATE AGGREGATE @extschema@.bt_fit(winner text, loser text, tie boolean, weight double precision) (
	SFUNC = @extschema@.tally_accum, STYPE = @extschema@.tally, SSPACE = 65536,
	FINALFUNC = @extschema@.bt_fit_final,
	COMBINEFUNC = @extschema@.tally_combine,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.bt_fit(text, text, boolean, double precision) IS 'Bradley-Terry fit of comparisons with default options: bradley_terry(tally(...))';

-- from src/elo.sql
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

-- from src/bt_extra.sql
CREATE FUNCTION @extschema@.bt_eval_accum(double precision[], @extschema@.bt_model, bigint, bigint) RETURNS double precision[]
	AS 'MODULE_PATHNAME', 'pref_bt_eval_accum_int' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.bt_eval_accum(double precision[], @extschema@.bt_model, bigint, bigint, boolean) RETURNS double precision[]
	AS 'MODULE_PATHNAME', 'pref_bt_eval_accum_int' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.bt_eval_accum(double precision[], @extschema@.bt_model, text, text) RETURNS double precision[]
	AS 'MODULE_PATHNAME', 'pref_bt_eval_accum_text' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.bt_eval_accum(double precision[], @extschema@.bt_model, text, text, boolean) RETURNS double precision[]
	AS 'MODULE_PATHNAME', 'pref_bt_eval_accum_text' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.bt_eval_combine(double precision[], double precision[]) RETURNS double precision[]
	AS 'MODULE_PATHNAME', 'pref_bt_eval_combine' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.bt_eval_final(double precision[]) RETURNS jsonb
	AS 'MODULE_PATHNAME', 'pref_bt_eval_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.bt_eval_accum(double precision[], @extschema@.bt_model, bigint, bigint) IS 'pref.bt_eval aggregate support: score one comparison (state checked: 5 finite, non-negative elements)';
COMMENT ON FUNCTION @extschema@.bt_eval_accum(double precision[], @extschema@.bt_model, bigint, bigint, boolean) IS 'pref.bt_eval aggregate support: score one comparison (state checked: 5 finite, non-negative elements)';
COMMENT ON FUNCTION @extschema@.bt_eval_accum(double precision[], @extschema@.bt_model, text, text) IS 'pref.bt_eval aggregate support: score one comparison (state checked: 5 finite, non-negative elements)';
COMMENT ON FUNCTION @extschema@.bt_eval_accum(double precision[], @extschema@.bt_model, text, text, boolean) IS 'pref.bt_eval aggregate support: score one comparison (state checked: 5 finite, non-negative elements)';
COMMENT ON FUNCTION @extschema@.bt_eval_combine(double precision[], double precision[]) IS 'pref.bt_eval aggregate support: add partial sums (NULL-safe; states checked)';
COMMENT ON FUNCTION @extschema@.bt_eval_final(double precision[]) IS 'pref.bt_eval aggregate support: means as jsonb (state checked)';

CREATE AGGREGATE @extschema@.bt_eval(m @extschema@.bt_model, winner bigint, loser bigint) (
	SFUNC = @extschema@.bt_eval_accum, STYPE = double precision[],
	FINALFUNC = @extschema@.bt_eval_final, COMBINEFUNC = @extschema@.bt_eval_combine, PARALLEL = SAFE
);
CREATE AGGREGATE @extschema@.bt_eval(m @extschema@.bt_model, winner bigint, loser bigint, tie boolean) (
	SFUNC = @extschema@.bt_eval_accum, STYPE = double precision[],
	FINALFUNC = @extschema@.bt_eval_final, COMBINEFUNC = @extschema@.bt_eval_combine, PARALLEL = SAFE
);
CREATE AGGREGATE @extschema@.bt_eval(m @extschema@.bt_model, winner text, loser text) (
	SFUNC = @extschema@.bt_eval_accum, STYPE = double precision[],
	FINALFUNC = @extschema@.bt_eval_final, COMBINEFUNC = @extschema@.bt_eval_combine, PARALLEL = SAFE
);
CREATE AGGREGATE @extschema@.bt_eval(m @extschema@.bt_model, winner text, loser text, tie boolean) (
	SFUNC = @extschema@.bt_eval_accum, STYPE = double precision[],
	FINALFUNC = @extschema@.bt_eval_final, COMBINEFUNC = @extschema@.bt_eval_combine, PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.bt_eval(@extschema@.bt_model, bigint, bigint) IS
'held-out evaluation of a Bradley-Terry model: jsonb rows, rows_skipped (NULLs, unknown items), mean log loss, accuracy and Brier score of P(winner beats loser)';
COMMENT ON AGGREGATE @extschema@.bt_eval(@extschema@.bt_model, bigint, bigint, boolean) IS
'held-out evaluation with ties: a ties model scores three outcomes (log loss of the observed one, argmax accuracy, multi-class Brier); a model without ties scores a tie as half a win each way';
COMMENT ON AGGREGATE @extschema@.bt_eval(@extschema@.bt_model, text, text) IS
'held-out evaluation of a Bradley-Terry model (text items): jsonb rows, rows_skipped, mean log loss, accuracy and Brier score';
COMMENT ON AGGREGATE @extschema@.bt_eval(@extschema@.bt_model, text, text, boolean) IS
'held-out evaluation with ties (text items); see the bigint form';
