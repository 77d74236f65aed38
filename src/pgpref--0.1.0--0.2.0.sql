-- pgpref 0.1.0 -> 0.2.0 upgrade script (ALTER EXTENSION pgpref UPDATE); test/upgrade.sh checks that it gives exactly the catalog of a fresh 0.2.0 install
\echo Use "ALTER EXTENSION pgpref UPDATE" to load this file. \quit

-- One section per change of 0.2.0 (tally, dpo, gram, agree, jobs): each
-- brings a 0.1.0 install to the objects the install script creates.

-- ======== tally ========
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

-- ======== dpo ========
-- DPO family (issue 12): the aggregates dpo_metrics, kto_metrics and
-- ranking_accuracy keep their state in the new type pref.dpo_state instead
-- of internal; their support functions are renamed to _accum / _combine /
-- _final with no _serialize / _deserialize.  Drop the old aggregates and
-- support functions, then create the new ones exactly as the install script.

DROP AGGREGATE @extschema@.dpo_metrics(double precision, double precision, double precision, double precision);
DROP AGGREGATE @extschema@.dpo_metrics(double precision, double precision, double precision, double precision, double precision);
DROP AGGREGATE @extschema@.dpo_metrics(double precision, double precision, double precision, double precision, double precision, text);
DROP AGGREGATE @extschema@.dpo_metrics(double precision, double precision, double precision, double precision, double precision, text, double precision);
DROP AGGREGATE @extschema@.dpo_metrics(double precision, double precision, double precision, double precision, double precision, text, double precision, text);
DROP AGGREGATE @extschema@.kto_metrics(double precision, double precision, boolean, double precision, double precision);
DROP AGGREGATE @extschema@.kto_metrics(double precision, double precision, boolean, double precision, double precision, double precision);
DROP AGGREGATE @extschema@.kto_metrics(double precision, double precision, boolean, double precision, double precision, double precision, double precision, double precision);
DROP AGGREGATE @extschema@.ranking_accuracy(double precision, double precision);
DROP AGGREGATE @extschema@.ranking_accuracy(double precision, double precision, double precision, double precision, double precision);
DROP AGGREGATE @extschema@.ranking_accuracy(double precision, double precision, double precision, double precision, double precision, double precision);
DROP FUNCTION @extschema@.dpo_metrics_accum(internal, double precision, double precision, double precision, double precision);
DROP FUNCTION @extschema@.dpo_metrics_accum(internal, double precision, double precision, double precision, double precision, double precision);
DROP FUNCTION @extschema@.dpo_metrics_accum(internal, double precision, double precision, double precision, double precision, double precision, text);
DROP FUNCTION @extschema@.dpo_metrics_accum(internal, double precision, double precision, double precision, double precision, double precision, text, double precision);
DROP FUNCTION @extschema@.dpo_metrics_accum(internal, double precision, double precision, double precision, double precision, double precision, text, double precision, text);
DROP FUNCTION @extschema@.dpo_metrics_combine(internal, internal);
DROP FUNCTION @extschema@.dpo_metrics_serialize(internal);
DROP FUNCTION @extschema@.dpo_metrics_deserialize(bytea, internal);
DROP FUNCTION @extschema@.dpo_metrics_final(internal);
DROP FUNCTION @extschema@.kto_metrics_accum(internal, double precision, double precision, boolean, double precision, double precision);
DROP FUNCTION @extschema@.kto_metrics_accum(internal, double precision, double precision, boolean, double precision, double precision, double precision);
DROP FUNCTION @extschema@.kto_metrics_accum(internal, double precision, double precision, boolean, double precision, double precision, double precision, double precision, double precision);
DROP FUNCTION @extschema@.kto_metrics_combine(internal, internal);
DROP FUNCTION @extschema@.kto_metrics_serialize(internal);
DROP FUNCTION @extschema@.kto_metrics_deserialize(bytea, internal);
DROP FUNCTION @extschema@.kto_metrics_final(internal);
DROP FUNCTION @extschema@.ranking_accuracy_accum(internal, double precision, double precision);
DROP FUNCTION @extschema@.ranking_accuracy_accum(internal, double precision, double precision, double precision, double precision, double precision);
DROP FUNCTION @extschema@.ranking_accuracy_accum(internal, double precision, double precision, double precision, double precision, double precision, double precision);
DROP FUNCTION @extschema@.ranking_accuracy_combine(internal, internal);
DROP FUNCTION @extschema@.ranking_accuracy_serialize(internal);
DROP FUNCTION @extschema@.ranking_accuracy_deserialize(bytea, internal);
DROP FUNCTION @extschema@.ranking_accuracy_final(internal);

-- ---- pref.dpo_state ------------------------------------------------------------
-- The transition state of dpo_metrics, kto_metrics and ranking_accuracy: a
-- real type, so that Citus can split the aggregates and move partial states
-- as text.  In memory an expanded object updated in place (src/dpo_state.c),
-- in its own memory context: one 8 kB block per group, hence SSPACE = 8192
-- in the aggregates below, so that the planner sizes hash aggregation right.

CREATE TYPE @extschema@.dpo_state;
CREATE FUNCTION @extschema@.dpo_state_in(cstring) RETURNS @extschema@.dpo_state
	AS 'MODULE_PATHNAME', 'pref_dpo_state_in' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.dpo_state_out(@extschema@.dpo_state) RETURNS cstring
	AS 'MODULE_PATHNAME', 'pref_dpo_state_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.dpo_state_recv(internal) RETURNS @extschema@.dpo_state
	AS 'MODULE_PATHNAME', 'pref_dpo_state_recv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.dpo_state_send(@extschema@.dpo_state) RETURNS bytea
	AS 'MODULE_PATHNAME', 'pref_dpo_state_send' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE TYPE @extschema@.dpo_state (
	INPUT = @extschema@.dpo_state_in,
	OUTPUT = @extschema@.dpo_state_out,
	RECEIVE = @extschema@.dpo_state_recv,
	SEND = @extschema@.dpo_state_send,
	INTERNALLENGTH = VARIABLE,
	ALIGNMENT = double,
	STORAGE = extended
);
COMMENT ON TYPE @extschema@.dpo_state IS
'transition state of pref.dpo_metrics, pref.kto_metrics and pref.ranking_accuracy (partial aggregates, Citus): sums and counts, plus the rows themselves for aot kinds and KTO; text form ''v1:'' and base64, validated on input';
COMMENT ON FUNCTION @extschema@.dpo_state_in(cstring) IS 'text input for pref.dpo_state (''v1:'' and base64; validated)';
COMMENT ON FUNCTION @extschema@.dpo_state_out(@extschema@.dpo_state) IS 'text output for pref.dpo_state (''v1:'' and base64)';
COMMENT ON FUNCTION @extschema@.dpo_state_recv(internal) IS 'binary input for pref.dpo_state (validated)';
COMMENT ON FUNCTION @extschema@.dpo_state_send(@extschema@.dpo_state) IS 'binary output for pref.dpo_state';

-- dpo_metrics
CREATE FUNCTION @extschema@.dpo_metrics_accum(@extschema@.dpo_state, double precision, double precision, double precision, double precision)
	RETURNS @extschema@.dpo_state AS 'MODULE_PATHNAME', 'pref_dpo_metrics_accum_default' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.dpo_metrics_accum(@extschema@.dpo_state, double precision, double precision, double precision, double precision, double precision)
	RETURNS @extschema@.dpo_state AS 'MODULE_PATHNAME', 'pref_dpo_metrics_accum_beta' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.dpo_metrics_accum(@extschema@.dpo_state, double precision, double precision, double precision, double precision, double precision, text)
	RETURNS @extschema@.dpo_state AS 'MODULE_PATHNAME', 'pref_dpo_metrics_accum_loss' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.dpo_metrics_accum(@extschema@.dpo_state, double precision, double precision, double precision, double precision, double precision, text, double precision)
	RETURNS @extschema@.dpo_state AS 'MODULE_PATHNAME', 'pref_dpo_metrics_accum_weight' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.dpo_metrics_accum(@extschema@.dpo_state, double precision, double precision, double precision, double precision, double precision, text, double precision, text)
	RETURNS @extschema@.dpo_state AS 'MODULE_PATHNAME', 'pref_dpo_metrics_accum_options' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.dpo_metrics_combine(@extschema@.dpo_state, @extschema@.dpo_state)
	RETURNS @extschema@.dpo_state AS 'MODULE_PATHNAME', 'pref_dpo_metrics_combine_state' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.dpo_metrics_final(@extschema@.dpo_state)
	RETURNS @extschema@.dpo_stats AS 'MODULE_PATHNAME', 'pref_dpo_metrics_final_state' LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION @extschema@.dpo_metrics_accum(@extschema@.dpo_state, double precision, double precision, double precision, double precision) IS 'transition function of pref.dpo_metrics: adds one row to a pref.dpo_state (NULL state: a new one)';
COMMENT ON FUNCTION @extschema@.dpo_metrics_accum(@extschema@.dpo_state, double precision, double precision, double precision, double precision, double precision) IS 'transition function of pref.dpo_metrics: adds one row to a pref.dpo_state (NULL state: a new one)';
COMMENT ON FUNCTION @extschema@.dpo_metrics_accum(@extschema@.dpo_state, double precision, double precision, double precision, double precision, double precision, text) IS 'transition function of pref.dpo_metrics: adds one row to a pref.dpo_state (NULL state: a new one)';
COMMENT ON FUNCTION @extschema@.dpo_metrics_accum(@extschema@.dpo_state, double precision, double precision, double precision, double precision, double precision, text, double precision) IS 'transition function of pref.dpo_metrics: adds one row to a pref.dpo_state (NULL state: a new one)';
COMMENT ON FUNCTION @extschema@.dpo_metrics_accum(@extschema@.dpo_state, double precision, double precision, double precision, double precision, double precision, text, double precision, text) IS 'transition function of pref.dpo_metrics: adds one row to a pref.dpo_state (NULL state: a new one)';
COMMENT ON FUNCTION @extschema@.dpo_metrics_combine(@extschema@.dpo_state, @extschema@.dpo_state) IS 'combine function of pref.dpo_metrics: merges two pref.dpo_state values (NULL-safe)';
COMMENT ON FUNCTION @extschema@.dpo_metrics_final(@extschema@.dpo_state) IS 'final function of pref.dpo_metrics: pref.dpo_stats of a pref.dpo_state (NULL state: NULL)';

CREATE AGGREGATE @extschema@.dpo_metrics(policy_chosen_logp double precision, policy_rejected_logp double precision,
	ref_chosen_logp double precision, ref_rejected_logp double precision) (
	SFUNC = @extschema@.dpo_metrics_accum, STYPE = @extschema@.dpo_state, SSPACE = 8192,
	FINALFUNC = @extschema@.dpo_metrics_final, COMBINEFUNC = @extschema@.dpo_metrics_combine,
	PARALLEL = SAFE);
CREATE AGGREGATE @extschema@.dpo_metrics(policy_chosen_logp double precision, policy_rejected_logp double precision,
	ref_chosen_logp double precision, ref_rejected_logp double precision, beta double precision) (
	SFUNC = @extschema@.dpo_metrics_accum, STYPE = @extschema@.dpo_state, SSPACE = 8192,
	FINALFUNC = @extschema@.dpo_metrics_final, COMBINEFUNC = @extschema@.dpo_metrics_combine,
	PARALLEL = SAFE);
CREATE AGGREGATE @extschema@.dpo_metrics(policy_chosen_logp double precision, policy_rejected_logp double precision,
	ref_chosen_logp double precision, ref_rejected_logp double precision, beta double precision, loss text) (
	SFUNC = @extschema@.dpo_metrics_accum, STYPE = @extschema@.dpo_state, SSPACE = 8192,
	FINALFUNC = @extschema@.dpo_metrics_final, COMBINEFUNC = @extschema@.dpo_metrics_combine,
	PARALLEL = SAFE);
CREATE AGGREGATE @extschema@.dpo_metrics(policy_chosen_logp double precision, policy_rejected_logp double precision,
	ref_chosen_logp double precision, ref_rejected_logp double precision, beta double precision, loss text,
	weight double precision) (
	SFUNC = @extschema@.dpo_metrics_accum, STYPE = @extschema@.dpo_state, SSPACE = 8192,
	FINALFUNC = @extschema@.dpo_metrics_final, COMBINEFUNC = @extschema@.dpo_metrics_combine,
	PARALLEL = SAFE);
CREATE AGGREGATE @extschema@.dpo_metrics(policy_chosen_logp double precision, policy_rejected_logp double precision,
	ref_chosen_logp double precision, ref_rejected_logp double precision, beta double precision, loss text,
	weight double precision, options text) (
	SFUNC = @extschema@.dpo_metrics_accum, STYPE = @extschema@.dpo_state, SSPACE = 8192,
	FINALFUNC = @extschema@.dpo_metrics_final, COMBINEFUNC = @extschema@.dpo_metrics_combine,
	PARALLEL = SAFE);

COMMENT ON AGGREGATE @extschema@.dpo_metrics(double precision, double precision, double precision, double precision) IS
'DPO trainer metrics (beta 0.1, sigmoid loss) over a group of pairs: pref.dpo_stats';
COMMENT ON AGGREGATE @extschema@.dpo_metrics(double precision, double precision, double precision, double precision, double precision) IS
'DPO trainer metrics with the given beta (sigmoid loss): pref.dpo_stats';
COMMENT ON AGGREGATE @extschema@.dpo_metrics(double precision, double precision, double precision, double precision, double precision, text) IS
'DPO trainer metrics with the given beta and loss kind or mixture (including batch-level aot, aot_unpaired): pref.dpo_stats';
COMMENT ON AGGREGATE @extschema@.dpo_metrics(double precision, double precision, double precision, double precision, double precision, text, double precision) IS
'weighted DPO trainer metrics (per-pair weight, weighted means): pref.dpo_stats';
COMMENT ON AGGREGATE @extschema@.dpo_metrics(double precision, double precision, double precision, double precision, double precision, text, double precision, text) IS
'weighted DPO trainer metrics with options ''label_smoothing=..., divergence=..., alpha=..., epsilon=..., tau=..., reward_mean=...'': pref.dpo_stats';


-- kto_metrics
CREATE FUNCTION @extschema@.kto_metrics_accum(@extschema@.dpo_state, double precision, double precision, boolean, double precision, double precision)
	RETURNS @extschema@.dpo_state AS 'MODULE_PATHNAME', 'pref_kto_metrics_accum_default' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.kto_metrics_accum(@extschema@.dpo_state, double precision, double precision, boolean, double precision, double precision, double precision)
	RETURNS @extschema@.dpo_state AS 'MODULE_PATHNAME', 'pref_kto_metrics_accum_beta' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.kto_metrics_accum(@extschema@.dpo_state, double precision, double precision, boolean, double precision, double precision, double precision, double precision, double precision)
	RETURNS @extschema@.dpo_state AS 'MODULE_PATHNAME', 'pref_kto_metrics_accum_weights' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.kto_metrics_combine(@extschema@.dpo_state, @extschema@.dpo_state)
	RETURNS @extschema@.dpo_state AS 'MODULE_PATHNAME', 'pref_kto_metrics_combine_state' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.kto_metrics_final(@extschema@.dpo_state)
	RETURNS @extschema@.kto_stats AS 'MODULE_PATHNAME', 'pref_kto_metrics_final_state' LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION @extschema@.kto_metrics_accum(@extschema@.dpo_state, double precision, double precision, boolean, double precision, double precision) IS 'transition function of pref.kto_metrics: adds one row to a pref.dpo_state (NULL state: a new one)';
COMMENT ON FUNCTION @extschema@.kto_metrics_accum(@extschema@.dpo_state, double precision, double precision, boolean, double precision, double precision, double precision) IS 'transition function of pref.kto_metrics: adds one row to a pref.dpo_state (NULL state: a new one)';
COMMENT ON FUNCTION @extschema@.kto_metrics_accum(@extschema@.dpo_state, double precision, double precision, boolean, double precision, double precision, double precision, double precision, double precision) IS 'transition function of pref.kto_metrics: adds one row to a pref.dpo_state (NULL state: a new one)';
COMMENT ON FUNCTION @extschema@.kto_metrics_combine(@extschema@.dpo_state, @extschema@.dpo_state) IS 'combine function of pref.kto_metrics: merges two pref.dpo_state values (NULL-safe)';
COMMENT ON FUNCTION @extschema@.kto_metrics_final(@extschema@.dpo_state) IS 'final function of pref.kto_metrics: pref.kto_stats of a pref.dpo_state (NULL state: NULL)';

CREATE AGGREGATE @extschema@.kto_metrics(policy_logp double precision, ref_logp double precision, desirable boolean,
	kl_policy_logp double precision, kl_ref_logp double precision) (
	SFUNC = @extschema@.kto_metrics_accum, STYPE = @extschema@.dpo_state, SSPACE = 8192,
	FINALFUNC = @extschema@.kto_metrics_final, COMBINEFUNC = @extschema@.kto_metrics_combine,
	PARALLEL = SAFE);
CREATE AGGREGATE @extschema@.kto_metrics(policy_logp double precision, ref_logp double precision, desirable boolean,
	kl_policy_logp double precision, kl_ref_logp double precision, beta double precision) (
	SFUNC = @extschema@.kto_metrics_accum, STYPE = @extschema@.dpo_state, SSPACE = 8192,
	FINALFUNC = @extschema@.kto_metrics_final, COMBINEFUNC = @extschema@.kto_metrics_combine,
	PARALLEL = SAFE);
CREATE AGGREGATE @extschema@.kto_metrics(policy_logp double precision, ref_logp double precision, desirable boolean,
	kl_policy_logp double precision, kl_ref_logp double precision, beta double precision,
	desirable_weight double precision, undesirable_weight double precision) (
	SFUNC = @extschema@.kto_metrics_accum, STYPE = @extschema@.dpo_state, SSPACE = 8192,
	FINALFUNC = @extschema@.kto_metrics_final, COMBINEFUNC = @extschema@.kto_metrics_combine,
	PARALLEL = SAFE);
COMMENT ON AGGREGATE @extschema@.kto_metrics(double precision, double precision, boolean, double precision, double precision) IS
'KTO loss and metrics (beta 0.1, weights 1) with the batch KL reference point estimated from mismatched pairs: pref.kto_stats';
COMMENT ON AGGREGATE @extschema@.kto_metrics(double precision, double precision, boolean, double precision, double precision, double precision) IS
'KTO loss and metrics with the given beta: pref.kto_stats';
COMMENT ON AGGREGATE @extschema@.kto_metrics(double precision, double precision, boolean, double precision, double precision, double precision, double precision, double precision) IS
'KTO loss and metrics with the given beta, desirable_weight and undesirable_weight: pref.kto_stats';

-- ranking_accuracy
CREATE FUNCTION @extschema@.ranking_accuracy_accum(@extschema@.dpo_state, double precision, double precision)
	RETURNS @extschema@.dpo_state AS 'MODULE_PATHNAME', 'pref_ranking_accuracy_accum_policy' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.ranking_accuracy_accum(@extschema@.dpo_state, double precision, double precision, double precision, double precision, double precision)
	RETURNS @extschema@.dpo_state AS 'MODULE_PATHNAME', 'pref_ranking_accuracy_accum_ref' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.ranking_accuracy_accum(@extschema@.dpo_state, double precision, double precision, double precision, double precision, double precision, double precision)
	RETURNS @extschema@.dpo_state AS 'MODULE_PATHNAME', 'pref_ranking_accuracy_accum_prob' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.ranking_accuracy_combine(@extschema@.dpo_state, @extschema@.dpo_state)
	RETURNS @extschema@.dpo_state AS 'MODULE_PATHNAME', 'pref_ranking_accuracy_combine_state' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.ranking_accuracy_final(@extschema@.dpo_state)
	RETURNS @extschema@.ranking_accuracy_stats AS 'MODULE_PATHNAME', 'pref_ranking_accuracy_final_state' LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION @extschema@.ranking_accuracy_accum(@extschema@.dpo_state, double precision, double precision) IS 'transition function of pref.ranking_accuracy: adds one row to a pref.dpo_state (NULL state: a new one)';
COMMENT ON FUNCTION @extschema@.ranking_accuracy_accum(@extschema@.dpo_state, double precision, double precision, double precision, double precision, double precision) IS 'transition function of pref.ranking_accuracy: adds one row to a pref.dpo_state (NULL state: a new one)';
COMMENT ON FUNCTION @extschema@.ranking_accuracy_accum(@extschema@.dpo_state, double precision, double precision, double precision, double precision, double precision, double precision) IS 'transition function of pref.ranking_accuracy: adds one row to a pref.dpo_state (NULL state: a new one)';
COMMENT ON FUNCTION @extschema@.ranking_accuracy_combine(@extschema@.dpo_state, @extschema@.dpo_state) IS 'combine function of pref.ranking_accuracy: merges two pref.dpo_state values (NULL-safe)';
COMMENT ON FUNCTION @extschema@.ranking_accuracy_final(@extschema@.dpo_state) IS 'final function of pref.ranking_accuracy: pref.ranking_accuracy_stats of a pref.dpo_state (NULL state: NULL)';

CREATE AGGREGATE @extschema@.ranking_accuracy(policy_chosen_logp double precision, policy_rejected_logp double precision) (
	SFUNC = @extschema@.ranking_accuracy_accum, STYPE = @extschema@.dpo_state, SSPACE = 8192,
	FINALFUNC = @extschema@.ranking_accuracy_final, COMBINEFUNC = @extschema@.ranking_accuracy_combine,
	PARALLEL = SAFE);
CREATE AGGREGATE @extschema@.ranking_accuracy(policy_chosen_logp double precision, policy_rejected_logp double precision,
	ref_chosen_logp double precision, ref_rejected_logp double precision, beta double precision) (
	SFUNC = @extschema@.ranking_accuracy_accum, STYPE = @extschema@.dpo_state, SSPACE = 8192,
	FINALFUNC = @extschema@.ranking_accuracy_final, COMBINEFUNC = @extschema@.ranking_accuracy_combine,
	PARALLEL = SAFE);
CREATE AGGREGATE @extschema@.ranking_accuracy(policy_chosen_logp double precision, policy_rejected_logp double precision,
	ref_chosen_logp double precision, ref_rejected_logp double precision, beta double precision,
	chosen_prob double precision) (
	SFUNC = @extschema@.ranking_accuracy_accum, STYPE = @extschema@.dpo_state, SSPACE = 8192,
	FINALFUNC = @extschema@.ranking_accuracy_final, COMBINEFUNC = @extschema@.ranking_accuracy_combine,
	PARALLEL = SAFE);
COMMENT ON AGGREGATE @extschema@.ranking_accuracy(double precision, double precision) IS
'fraction of pairs whose chosen response the policy gives the higher log-probability: pref.ranking_accuracy_stats';
COMMENT ON AGGREGATE @extschema@.ranking_accuracy(double precision, double precision, double precision, double precision, double precision) IS
'ranking accuracy of policy, reference and implicit reward, and the idealized accuracy of the DPO optimum for unanimous labels: pref.ranking_accuracy_stats';
COMMENT ON AGGREGATE @extschema@.ranking_accuracy(double precision, double precision, double precision, double precision, double precision, double precision) IS
'ranking accuracies with the idealized accuracy of the DPO optimum given the fraction of raters preferring chosen (Chen et al. 2024): pref.ranking_accuracy_stats';

-- ======== gram ========
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

-- ======== agree ========
-- agree (src/agree.sql, src/plackett_luce.sql, src/calib.sql): real state
-- types instead of `internal` for the agreement aggregates and for
-- pref.plackett_luce; calibration aggregates without INITCOND (empty input
-- gives NULL) and one C entry point per transition signature.
-- The CREATE statements repeat the install script's text.

-- ---- agreement aggregates: pref.agreement_state
DROP AGGREGATE @extschema@.cohen_kappa(text, text);
DROP AGGREGATE @extschema@.fleiss_kappa(bigint, text);
DROP AGGREGATE @extschema@.krippendorff_alpha(bigint, text);
DROP AGGREGATE @extschema@.krippendorff_alpha_interval(bigint, double precision);
DROP FUNCTION @extschema@.agree_pair_accum(internal, text, text);
DROP FUNCTION @extschema@.agree_unit_accum(internal, bigint, text);
DROP FUNCTION @extschema@.agree_value_accum(internal, bigint, double precision);
DROP FUNCTION @extschema@.agree_combine(internal, internal);
DROP FUNCTION @extschema@.agree_serialize(internal);
DROP FUNCTION @extschema@.agree_deserialize(bytea, internal);
DROP FUNCTION @extschema@.cohen_kappa_final(internal);
DROP FUNCTION @extschema@.fleiss_kappa_final(internal);
DROP FUNCTION @extschema@.krippendorff_alpha_final(internal);
DROP FUNCTION @extschema@.krippendorff_alpha_interval_final(internal);

-- The state of the agreement aggregates: a real type, so that Citus can
-- split them across workers (partial states travel as its text form)
CREATE TYPE @extschema@.agreement_state;

CREATE FUNCTION @extschema@.agreement_state_in(cstring) RETURNS @extschema@.agreement_state
	AS 'MODULE_PATHNAME', 'pref_agreement_state_in' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.agreement_state_out(@extschema@.agreement_state) RETURNS cstring
	AS 'MODULE_PATHNAME', 'pref_agreement_state_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.agreement_state_recv(internal) RETURNS @extschema@.agreement_state
	AS 'MODULE_PATHNAME', 'pref_agreement_state_recv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.agreement_state_send(@extschema@.agreement_state) RETURNS bytea
	AS 'MODULE_PATHNAME', 'pref_agreement_state_send' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE TYPE @extschema@.agreement_state (
	INPUT = @extschema@.agreement_state_in,
	OUTPUT = @extschema@.agreement_state_out,
	RECEIVE = @extschema@.agreement_state_recv,
	SEND = @extschema@.agreement_state_send,
	INTERNALLENGTH = VARIABLE,
	ALIGNMENT = double,
	STORAGE = extended
);
COMMENT ON TYPE @extschema@.agreement_state IS
'state of the agreement aggregates (cohen_kappa, fleiss_kappa, krippendorff_alpha, krippendorff_alpha_interval): label dictionary and observations; text form "v1:" + base64, validated on input';
COMMENT ON FUNCTION @extschema@.agreement_state_in(cstring) IS 'pref.agreement_state text input ("v1:" + base64), fully validated';
COMMENT ON FUNCTION @extschema@.agreement_state_out(@extschema@.agreement_state) IS 'pref.agreement_state text output ("v1:" + base64)';
COMMENT ON FUNCTION @extschema@.agreement_state_recv(internal) IS 'pref.agreement_state binary input, fully validated';
COMMENT ON FUNCTION @extschema@.agreement_state_send(@extschema@.agreement_state) IS 'pref.agreement_state binary output';

CREATE FUNCTION @extschema@.agreement_pair_accum(@extschema@.agreement_state, text, text) RETURNS @extschema@.agreement_state
	AS 'MODULE_PATHNAME', 'pref_agreement_pair_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.agreement_unit_accum(@extschema@.agreement_state, bigint, text) RETURNS @extschema@.agreement_state
	AS 'MODULE_PATHNAME', 'pref_agreement_unit_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.agreement_value_accum(@extschema@.agreement_state, bigint, double precision) RETURNS @extschema@.agreement_state
	AS 'MODULE_PATHNAME', 'pref_agreement_value_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.agreement_combine(@extschema@.agreement_state, @extschema@.agreement_state) RETURNS @extschema@.agreement_state
	AS 'MODULE_PATHNAME', 'pref_agreement_combine' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.cohen_kappa_final(@extschema@.agreement_state) RETURNS double precision
	AS 'MODULE_PATHNAME', 'pref_agreement_cohen_kappa_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.fleiss_kappa_final(@extschema@.agreement_state) RETURNS double precision
	AS 'MODULE_PATHNAME', 'pref_agreement_fleiss_kappa_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.krippendorff_alpha_final(@extschema@.agreement_state) RETURNS double precision
	AS 'MODULE_PATHNAME', 'pref_agreement_krippendorff_alpha_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.krippendorff_alpha_interval_final(@extschema@.agreement_state) RETURNS double precision
	AS 'MODULE_PATHNAME', 'pref_agreement_krippendorff_alpha_interval_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION @extschema@.agreement_pair_accum(@extschema@.agreement_state, text, text) IS
'cohen_kappa transition function: adds a (label a, label b) row; NULL rows skipped';
COMMENT ON FUNCTION @extschema@.agreement_unit_accum(@extschema@.agreement_state, bigint, text) IS
'fleiss_kappa / krippendorff_alpha transition function: adds a (unit, label) row; NULL rows skipped';
COMMENT ON FUNCTION @extschema@.agreement_value_accum(@extschema@.agreement_state, bigint, double precision) IS
'krippendorff_alpha_interval transition function: adds a (unit, value) row; NULL rows skipped';
COMMENT ON FUNCTION @extschema@.agreement_combine(@extschema@.agreement_state, @extschema@.agreement_state) IS
'agreement aggregates combine function: appends the second state''s observations (NULL-safe; both of one kind)';
COMMENT ON FUNCTION @extschema@.cohen_kappa_final(@extschema@.agreement_state) IS 'cohen_kappa final function: NULL for a NULL or empty state';
COMMENT ON FUNCTION @extschema@.fleiss_kappa_final(@extschema@.agreement_state) IS 'fleiss_kappa final function: NULL for a NULL or empty state';
COMMENT ON FUNCTION @extschema@.krippendorff_alpha_final(@extschema@.agreement_state) IS 'krippendorff_alpha final function: NULL for a NULL or empty state';
COMMENT ON FUNCTION @extschema@.krippendorff_alpha_interval_final(@extschema@.agreement_state) IS 'krippendorff_alpha_interval final function: NULL for a NULL or empty state';

CREATE AGGREGATE @extschema@.cohen_kappa(label_a text, label_b text) (
	SFUNC = @extschema@.agreement_pair_accum, STYPE = @extschema@.agreement_state, SSPACE = 65536,
	FINALFUNC = @extschema@.cohen_kappa_final,
	COMBINEFUNC = @extschema@.agreement_combine,
	PARALLEL = SAFE);
COMMENT ON AGGREGATE @extschema@.cohen_kappa(text, text) IS
'Cohen''s kappa of two raters: one row per item with each rater''s label; NULL when undefined';

CREATE AGGREGATE @extschema@.fleiss_kappa(unit bigint, label text) (
	SFUNC = @extschema@.agreement_unit_accum, STYPE = @extschema@.agreement_state, SSPACE = 65536,
	FINALFUNC = @extschema@.fleiss_kappa_final,
	COMBINEFUNC = @extschema@.agreement_combine,
	PARALLEL = SAFE);
COMMENT ON AGGREGATE @extschema@.fleiss_kappa(bigint, text) IS
'Fleiss'' kappa: one row per (unit, rating); units with one rating ignored; raters per unit may vary';

CREATE AGGREGATE @extschema@.krippendorff_alpha(unit bigint, label text) (
	SFUNC = @extschema@.agreement_unit_accum, STYPE = @extschema@.agreement_state, SSPACE = 65536,
	FINALFUNC = @extschema@.krippendorff_alpha_final,
	COMBINEFUNC = @extschema@.agreement_combine,
	PARALLEL = SAFE);
COMMENT ON AGGREGATE @extschema@.krippendorff_alpha(bigint, text) IS
'Krippendorff''s alpha for nominal labels: one row per (unit, value); missing values allowed';

CREATE AGGREGATE @extschema@.krippendorff_alpha_interval(unit bigint, value double precision) (
	SFUNC = @extschema@.agreement_value_accum, STYPE = @extschema@.agreement_state, SSPACE = 65536,
	FINALFUNC = @extschema@.krippendorff_alpha_interval_final,
	COMBINEFUNC = @extschema@.agreement_combine,
	PARALLEL = SAFE);
COMMENT ON AGGREGATE @extschema@.krippendorff_alpha_interval(bigint, double precision) IS
'Krippendorff''s alpha for interval values (squared-difference metric): one row per (unit, value)';

-- ---- Plackett-Luce: pref.ranking_state
DROP AGGREGATE @extschema@.plackett_luce(@extschema@.ranking);
DROP AGGREGATE @extschema@.plackett_luce(@extschema@.ranking, double precision);
DROP FUNCTION @extschema@.plackett_luce_trans(internal, @extschema@.ranking);
DROP FUNCTION @extschema@.plackett_luce_trans(internal, @extschema@.ranking, double precision);
DROP FUNCTION @extschema@.plackett_luce_combine(internal, internal);
DROP FUNCTION @extschema@.plackett_luce_serial(internal);
DROP FUNCTION @extschema@.plackett_luce_deserial(bytea, internal);
DROP FUNCTION @extschema@.plackett_luce_final(internal);

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
'pref.plackett_luce final function: fits by MM over the rankings in canonical order; NULL for a NULL state or no rankings';

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

-- ---- calibration: no INITCOND, own entry point for the bins signature
DROP AGGREGATE @extschema@.calibration(double precision, boolean);
DROP AGGREGATE @extschema@.calibration(double precision, boolean, integer);
DROP AGGREGATE @extschema@.calibration_state(double precision, boolean, integer);
CREATE OR REPLACE FUNCTION @extschema@.calibration_accum(double precision[], double precision, boolean, integer) RETURNS double precision[]
	AS 'MODULE_PATHNAME', 'pref_calibration_accum_bins' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.calibration_accum(double precision[], double precision, boolean) IS
'calibration transition function (10 bins): NULL or ''{}'' state starts empty, NULL rows skipped, the state is validated';
COMMENT ON FUNCTION @extschema@.calibration_accum(double precision[], double precision, boolean, integer) IS
'calibration transition function: NULL or ''{}'' state starts empty, NULL rows skipped, the state is validated';
COMMENT ON FUNCTION @extschema@.calibration_combine(double precision[], double precision[]) IS
'calibration combine function: adds two states with the same bins, each validated';
COMMENT ON FUNCTION @extschema@.calibration_final(double precision[]) IS
'calibration final function: validates the state; NULL for an empty state';

CREATE AGGREGATE @extschema@.calibration(probability double precision, outcome boolean) (
	SFUNC = @extschema@.calibration_accum, STYPE = double precision[],
	FINALFUNC = @extschema@.calibration_final,
	COMBINEFUNC = @extschema@.calibration_combine, PARALLEL = SAFE);
COMMENT ON AGGREGATE @extschema@.calibration(double precision, boolean) IS
'calibration of probabilities against outcomes with 10 equal-width bins: ECE, MCE, Brier score, log loss';

CREATE AGGREGATE @extschema@.calibration(probability double precision, outcome boolean, bins integer) (
	SFUNC = @extschema@.calibration_accum, STYPE = double precision[],
	FINALFUNC = @extschema@.calibration_final,
	COMBINEFUNC = @extschema@.calibration_combine, PARALLEL = SAFE);
COMMENT ON AGGREGATE @extschema@.calibration(double precision, boolean, integer) IS
'calibration of probabilities against outcomes with the given number of equal-width bins: ECE, MCE, Brier score, log loss';

CREATE AGGREGATE @extschema@.calibration_state(probability double precision, outcome boolean, bins integer) (
	SFUNC = @extschema@.calibration_accum, STYPE = double precision[],
	COMBINEFUNC = @extschema@.calibration_combine, PARALLEL = SAFE);
COMMENT ON AGGREGATE @extschema@.calibration_state(double precision, boolean, integer) IS
'the mergeable calibration state [bins, n, sum (p - y)^2, sum log loss, per bin: count, sum p, sum y] for storing, merging (calibration_combine, calibration_final) and pref.reliability_bins(state); NULL for empty input';

-- ======== jobs ========
-- Curation jobs that cannot be used to gain rights, usable by the database
-- owner and the roles it lets in, and pg_cron failures that show (issue 11).
--
-- Schema pref passes to the superuser running this update (the bootstrap
-- superuser for a database owner's trusted install), so that no other role
-- can drop, replace or overload the functions a superuser later calls.
ALTER SCHEMA @extschema@ OWNER TO CURRENT_USER;
-- Objects that other roles put into the schema while it was theirs stay
-- theirs: name them, since a superuser's job could call them.
DO $$
DECLARE
	planted pg_catalog.text;
BEGIN
	SELECT pg_catalog.string_agg(o.what, ', ' ORDER BY o.what) INTO planted
	FROM (SELECT pg_catalog.pg_describe_object('pg_catalog.pg_proc'::pg_catalog.regclass, p.oid, 0) AS what, p.proowner AS owner,
	             'pg_catalog.pg_proc'::pg_catalog.regclass AS classid, p.oid AS objid
	      FROM pg_catalog.pg_proc p WHERE p.pronamespace OPERATOR(pg_catalog.=) '@extschema@'::pg_catalog.regnamespace
	      UNION ALL
	      SELECT pg_catalog.pg_describe_object('pg_catalog.pg_class'::pg_catalog.regclass, c.oid, 0), c.relowner,
	             'pg_catalog.pg_class'::pg_catalog.regclass, c.oid
	      FROM pg_catalog.pg_class c WHERE c.relnamespace OPERATOR(pg_catalog.=) '@extschema@'::pg_catalog.regnamespace
	      UNION ALL
	      SELECT pg_catalog.pg_describe_object('pg_catalog.pg_operator'::pg_catalog.regclass, o.oid, 0), o.oprowner,
	             'pg_catalog.pg_operator'::pg_catalog.regclass, o.oid
	      FROM pg_catalog.pg_operator o WHERE o.oprnamespace OPERATOR(pg_catalog.=) '@extschema@'::pg_catalog.regnamespace
	      UNION ALL
	      SELECT pg_catalog.pg_describe_object('pg_catalog.pg_type'::pg_catalog.regclass, t.oid, 0), t.typowner,
	             'pg_catalog.pg_type'::pg_catalog.regclass, t.oid
	      FROM pg_catalog.pg_type t WHERE t.typnamespace OPERATOR(pg_catalog.=) '@extschema@'::pg_catalog.regnamespace
	        AND t.typrelid OPERATOR(pg_catalog.=) 0 AND t.typelem OPERATOR(pg_catalog.=) 0) o
	JOIN pg_catalog.pg_roles r ON r.oid OPERATOR(pg_catalog.=) o.owner AND NOT r.rolsuper
	WHERE NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d
	                  WHERE d.classid OPERATOR(pg_catalog.=) o.classid AND d.objid OPERATOR(pg_catalog.=) o.objid
	                    AND d.deptype OPERATOR(pg_catalog.=) 'e');
	IF planted IS NOT NULL THEN
		RAISE WARNING USING
			MESSAGE = pg_catalog.format('schema pref holds objects that are not part of pgpref and do not belong to a superuser: %s', planted),
			DETAIL = 'Before pgpref 0.2.0 the schema belonged to the role that installed the extension, and a job run by a superuser could call such objects.',
			HINT = 'Check them, then drop them or move them to another schema (ALTER ... SET SCHEMA).';
	END IF;
END
$$;

-- ---- tables: the definer of each job, who ran each run, comments on every column

ALTER TABLE @extschema@.jobs ADD COLUMN definer name;   -- NULL for the jobs 0.1.0 defined: they do not run until redefined
ALTER TABLE @extschema@.jobs ALTER COLUMN definer SET DEFAULT CURRENT_USER;
ALTER TABLE @extschema@.runs ADD COLUMN run_as name, ADD COLUMN called_by name;
COMMENT ON TABLE @extschema@.jobs IS 'curation jobs: name, kind (a function pref.job_<kind>(run_id, params) does the work), parameters and the role whose rights the job runs with';
COMMENT ON COLUMN @extschema@.jobs.job IS 'job name (unique), as passed to pref.run_job';
COMMENT ON COLUMN @extschema@.jobs.kind IS 'job kind: binarize, health, leaderboard or valuation (pref.job_kinds() lists them)';
COMMENT ON COLUMN @extschema@.jobs.params IS 'parameters of the job as a JSON object (pref.job_kind_params(kind) lists the keys of each kind)';
COMMENT ON COLUMN @extschema@.jobs.created IS 'when the job was first defined';
COMMENT ON COLUMN @extschema@.jobs.definer IS 'role that defined the job; the job runs with its rights, and only its members may change or run it (NULL: defined before pgpref 0.2.0, cannot run until redefined)';
COMMENT ON COLUMN @extschema@.runs.run_id IS 'run id, increasing';
COMMENT ON COLUMN @extschema@.runs.job IS 'job name';
COMMENT ON COLUMN @extschema@.runs.kind IS 'job kind at the time of the run';
COMMENT ON COLUMN @extschema@.runs.started IS 'when the run started';
COMMENT ON COLUMN @extschema@.runs.finished IS 'when the run finished (NULL while running)';
COMMENT ON COLUMN @extschema@.runs.rows_read IS 'rows the job read (for leaderboard jobs: new rows only)';
COMMENT ON COLUMN @extschema@.runs.rows_written IS 'rows the job wrote into its result tables';
COMMENT ON COLUMN @extschema@.runs.parameters IS 'the job''s params at the time of the run';
COMMENT ON COLUMN @extschema@.runs.status IS 'running, succeeded, failed, or skipped (another run held the job''s lock)';
COMMENT ON COLUMN @extschema@.runs.error IS 'error message (and detail) of a failed run, or why it was skipped';
COMMENT ON COLUMN @extschema@.runs.run_as IS 'role whose rights the job ran with (its definer)';
COMMENT ON COLUMN @extschema@.runs.called_by IS 'role that called pref.run_job (for pg_cron: the role that scheduled it)';
COMMENT ON COLUMN @extschema@.curated_pairs.job IS 'binarize job that wrote the pair';
COMMENT ON COLUMN @extschema@.curated_pairs.run_id IS 'run that wrote the pair (pref.runs)';
COMMENT ON COLUMN @extschema@.curated_pairs.prompt_id IS 'prompt id';
COMMENT ON COLUMN @extschema@.curated_pairs.chosen IS 'response id of the preferred response';
COMMENT ON COLUMN @extschema@.curated_pairs.rejected IS 'response id of the rejected response';
COMMENT ON COLUMN @extschema@.curated_pairs.margin IS 'score of the chosen response minus score of the rejected one (> min_margin)';
COMMENT ON COLUMN @extschema@.data_health.job IS 'health job that wrote the row';
COMMENT ON COLUMN @extschema@.data_health.run_id IS 'run that wrote the row (pref.runs)';
COMMENT ON COLUMN @extschema@.data_health.day IS 'date of the labels'' latest versions';
COMMENT ON COLUMN @extschema@.data_health.labels IS 'labels of the day after de-duplication (the latest label of each item and annotator)';
COMMENT ON COLUMN @extschema@.data_health.items IS 'distinct items labelled';
COMMENT ON COLUMN @extschema@.data_health.annotators IS 'distinct annotators';
COMMENT ON COLUMN @extschema@.data_health.tie_rate IS 'share of labels equal to the job''s tie_label';
COMMENT ON COLUMN @extschema@.data_health.agreement IS 'Krippendorff''s alpha (nominal) over the day''s labels';
COMMENT ON COLUMN @extschema@.data_health.likely_mislabeled_share IS 'share of labels that differ from the Dawid-Skene label of their item where that label''s posterior is at least mislabel_threshold';
COMMENT ON COLUMN @extschema@.data_health.duplicates_share IS 'share of the raw rows of the day''s (item, annotator) pairs superseded by a later label';
COMMENT ON COLUMN @extschema@.leaderboard_state.job IS 'leaderboard job';
COMMENT ON COLUMN @extschema@.leaderboard_state.last_id IS 'largest comparison id read so far; the next run reads only rows with a larger id';
COMMENT ON COLUMN @extschema@.leaderboard_state.comparisons IS 'comparisons read so far';
COMMENT ON COLUMN @extschema@.leaderboard_state.tally IS 'merged tally of every comparison read so far (pref.tally)';
COMMENT ON COLUMN @extschema@.leaderboard_state.updated IS 'when the state was last written';
COMMENT ON COLUMN @extschema@.leaderboard.job IS 'leaderboard job';
COMMENT ON COLUMN @extschema@.leaderboard.run_id IS 'run that computed the leaderboard (pref.runs)';
COMMENT ON COLUMN @extschema@.leaderboard.computed_at IS 'when the run computed the leaderboard';
COMMENT ON COLUMN @extschema@.leaderboard.item IS 'item (model) as text';
COMMENT ON COLUMN @extschema@.leaderboard.rating IS 'rating on the job''s scale (Elo: 400/ln 10 theta + 1000, or logit)';
COMMENT ON COLUMN @extschema@.leaderboard.std_error IS 'standard error of the rating';
COMMENT ON COLUMN @extschema@.leaderboard.lower IS 'lower end of the rating''s interval at the job''s level (default 95%)';
COMMENT ON COLUMN @extschema@.leaderboard.upper IS 'upper end of the rating''s interval';
COMMENT ON COLUMN @extschema@.leaderboard.rank IS 'interval-aware rank: 1 + the number of items whose lower end is above this item''s upper end';
COMMENT ON COLUMN @extschema@.leaderboard.position IS 'position 1, 2, ... by rating, ties by item';
COMMENT ON COLUMN @extschema@.leaderboard.wins IS 'comparisons the item won';
COMMENT ON COLUMN @extschema@.leaderboard.losses IS 'comparisons the item lost';
COMMENT ON COLUMN @extschema@.leaderboard.ties IS 'comparisons the item tied';
COMMENT ON COLUMN @extschema@.leaderboard.games IS 'comparisons of the item';
COMMENT ON COLUMN @extschema@.leaderboard.comparisons IS 'comparisons read by the job so far';
COMMENT ON COLUMN @extschema@.data_values.job IS 'valuation job';
COMMENT ON COLUMN @extschema@.data_values.run_id IS 'run that computed the value (pref.runs)';
COMMENT ON COLUMN @extschema@.data_values.dataset IS 'the job''s dataset label (default: the job name)';
COMMENT ON COLUMN @extschema@.data_values.id IS 'id of the training row';
COMMENT ON COLUMN @extschema@.data_values.value IS 'data value of the row (Shapley value, Banzhaf value or leave-one-out difference, by the job''s method)';
COMMENT ON COLUMN @extschema@.data_values.std_error IS 'Monte-Carlo standard error of the value (NULL for exact methods)';
COMMENT ON COLUMN @extschema@.data_values.harmful IS 'value < 0: the row lowers validation utility';
COMMENT ON COLUMN @extschema@.training_subset.job IS 'valuation job';
COMMENT ON COLUMN @extschema@.training_subset.run_id IS 'run that picked the row (pref.runs)';
COMMENT ON COLUMN @extschema@.training_subset.dataset IS 'the job''s dataset label (default: the job name)';
COMMENT ON COLUMN @extschema@.training_subset.id IS 'id of the picked row';
COMMENT ON COLUMN @extschema@.training_subset.pick IS 'pick order, 1 first';
COMMENT ON COLUMN @extschema@.training_subset.gain IS 'objective gain of the pick (pref.select_subset)';
COMMENT ON COLUMN @extschema@.training_subset.objective IS 'objective after the pick (pref.select_subset)';

-- ---- row-level security

ALTER TABLE @extschema@.jobs ENABLE ROW LEVEL SECURITY;
CREATE POLICY read_all ON @extschema@.jobs FOR SELECT USING (true);
CREATE POLICY write_own ON @extschema@.jobs FOR ALL
	USING (definer IN (SELECT r.rolname FROM pg_catalog.pg_roles r WHERE pg_catalog.pg_has_role(r.oid, 'MEMBER')))
	WITH CHECK (definer IN (SELECT r.rolname FROM pg_catalog.pg_roles r WHERE pg_catalog.pg_has_role(r.oid, 'MEMBER')));
COMMENT ON POLICY read_all ON @extschema@.jobs IS 'every role with SELECT reads every job';
COMMENT ON POLICY write_own ON @extschema@.jobs IS 'a role adds, changes and removes only jobs whose definer it is a member of, and cannot make another role the definer';
ALTER TABLE @extschema@.runs ENABLE ROW LEVEL SECURITY;
CREATE POLICY read_all ON @extschema@.runs FOR SELECT USING (true);
CREATE POLICY write_own ON @extschema@.runs FOR ALL
	USING (job IN (SELECT j.job FROM @extschema@.jobs j WHERE j.definer IN
		(SELECT r.rolname FROM pg_catalog.pg_roles r WHERE pg_catalog.pg_has_role(r.oid, 'MEMBER'))))
	WITH CHECK (job IN (SELECT j.job FROM @extschema@.jobs j WHERE j.definer IN
		(SELECT r.rolname FROM pg_catalog.pg_roles r WHERE pg_catalog.pg_has_role(r.oid, 'MEMBER'))));
COMMENT ON POLICY read_all ON @extschema@.runs IS 'every role with SELECT reads every run';
COMMENT ON POLICY write_own ON @extschema@.runs IS 'a role writes only runs of jobs whose definer it is a member of';
ALTER TABLE @extschema@.curated_pairs ENABLE ROW LEVEL SECURITY;
CREATE POLICY read_all ON @extschema@.curated_pairs FOR SELECT USING (true);
CREATE POLICY write_own ON @extschema@.curated_pairs FOR ALL
	USING (job IN (SELECT j.job FROM @extschema@.jobs j WHERE j.definer IN
		(SELECT r.rolname FROM pg_catalog.pg_roles r WHERE pg_catalog.pg_has_role(r.oid, 'MEMBER'))))
	WITH CHECK (job IN (SELECT j.job FROM @extschema@.jobs j WHERE j.definer IN
		(SELECT r.rolname FROM pg_catalog.pg_roles r WHERE pg_catalog.pg_has_role(r.oid, 'MEMBER'))));
COMMENT ON POLICY read_all ON @extschema@.curated_pairs IS 'every role with SELECT reads every row';
COMMENT ON POLICY write_own ON @extschema@.curated_pairs IS 'a role writes only rows of jobs whose definer it is a member of';
ALTER TABLE @extschema@.data_health ENABLE ROW LEVEL SECURITY;
CREATE POLICY read_all ON @extschema@.data_health FOR SELECT USING (true);
CREATE POLICY write_own ON @extschema@.data_health FOR ALL
	USING (job IN (SELECT j.job FROM @extschema@.jobs j WHERE j.definer IN
		(SELECT r.rolname FROM pg_catalog.pg_roles r WHERE pg_catalog.pg_has_role(r.oid, 'MEMBER'))))
	WITH CHECK (job IN (SELECT j.job FROM @extschema@.jobs j WHERE j.definer IN
		(SELECT r.rolname FROM pg_catalog.pg_roles r WHERE pg_catalog.pg_has_role(r.oid, 'MEMBER'))));
COMMENT ON POLICY read_all ON @extschema@.data_health IS 'every role with SELECT reads every row';
COMMENT ON POLICY write_own ON @extschema@.data_health IS 'a role writes only rows of jobs whose definer it is a member of';
ALTER TABLE @extschema@.leaderboard_state ENABLE ROW LEVEL SECURITY;
CREATE POLICY read_all ON @extschema@.leaderboard_state FOR SELECT USING (true);
CREATE POLICY write_own ON @extschema@.leaderboard_state FOR ALL
	USING (job IN (SELECT j.job FROM @extschema@.jobs j WHERE j.definer IN
		(SELECT r.rolname FROM pg_catalog.pg_roles r WHERE pg_catalog.pg_has_role(r.oid, 'MEMBER'))))
	WITH CHECK (job IN (SELECT j.job FROM @extschema@.jobs j WHERE j.definer IN
		(SELECT r.rolname FROM pg_catalog.pg_roles r WHERE pg_catalog.pg_has_role(r.oid, 'MEMBER'))));
COMMENT ON POLICY read_all ON @extschema@.leaderboard_state IS 'every role with SELECT reads every row';
COMMENT ON POLICY write_own ON @extschema@.leaderboard_state IS 'a role writes only rows of jobs whose definer it is a member of';
ALTER TABLE @extschema@.leaderboard ENABLE ROW LEVEL SECURITY;
CREATE POLICY read_all ON @extschema@.leaderboard FOR SELECT USING (true);
CREATE POLICY write_own ON @extschema@.leaderboard FOR ALL
	USING (job IN (SELECT j.job FROM @extschema@.jobs j WHERE j.definer IN
		(SELECT r.rolname FROM pg_catalog.pg_roles r WHERE pg_catalog.pg_has_role(r.oid, 'MEMBER'))))
	WITH CHECK (job IN (SELECT j.job FROM @extschema@.jobs j WHERE j.definer IN
		(SELECT r.rolname FROM pg_catalog.pg_roles r WHERE pg_catalog.pg_has_role(r.oid, 'MEMBER'))));
COMMENT ON POLICY read_all ON @extschema@.leaderboard IS 'every role with SELECT reads every row';
COMMENT ON POLICY write_own ON @extschema@.leaderboard IS 'a role writes only rows of jobs whose definer it is a member of';
ALTER TABLE @extschema@.data_values ENABLE ROW LEVEL SECURITY;
CREATE POLICY read_all ON @extschema@.data_values FOR SELECT USING (true);
CREATE POLICY write_own ON @extschema@.data_values FOR ALL
	USING (job IN (SELECT j.job FROM @extschema@.jobs j WHERE j.definer IN
		(SELECT r.rolname FROM pg_catalog.pg_roles r WHERE pg_catalog.pg_has_role(r.oid, 'MEMBER'))))
	WITH CHECK (job IN (SELECT j.job FROM @extschema@.jobs j WHERE j.definer IN
		(SELECT r.rolname FROM pg_catalog.pg_roles r WHERE pg_catalog.pg_has_role(r.oid, 'MEMBER'))));
COMMENT ON POLICY read_all ON @extschema@.data_values IS 'every role with SELECT reads every row';
COMMENT ON POLICY write_own ON @extschema@.data_values IS 'a role writes only rows of jobs whose definer it is a member of';
ALTER TABLE @extschema@.training_subset ENABLE ROW LEVEL SECURITY;
CREATE POLICY read_all ON @extschema@.training_subset FOR SELECT USING (true);
CREATE POLICY write_own ON @extschema@.training_subset FOR ALL
	USING (job IN (SELECT j.job FROM @extschema@.jobs j WHERE j.definer IN
		(SELECT r.rolname FROM pg_catalog.pg_roles r WHERE pg_catalog.pg_has_role(r.oid, 'MEMBER'))))
	WITH CHECK (job IN (SELECT j.job FROM @extschema@.jobs j WHERE j.definer IN
		(SELECT r.rolname FROM pg_catalog.pg_roles r WHERE pg_catalog.pg_has_role(r.oid, 'MEMBER'))));
COMMENT ON POLICY read_all ON @extschema@.training_subset IS 'every role with SELECT reads every row';
COMMENT ON POLICY write_own ON @extschema@.training_subset IS 'a role writes only rows of jobs whose definer it is a member of';

-- ---- functions

CREATE OR REPLACE FUNCTION @extschema@.job_kinds() RETURNS SETOF text
LANGUAGE sql STABLE PARALLEL SAFE
AS $$
	SELECT pg_catalog.substr(p.proname, 5) FROM pg_catalog.pg_proc p
	WHERE p.pronamespace OPERATOR(pg_catalog.=) '@extschema@'::pg_catalog.regnamespace
	  AND p.proname OPERATOR(pg_catalog.~~) 'job\_%'
	  AND p.proname OPERATOR(pg_catalog.<>) 'job_kinds'
	  AND p.proargtypes OPERATOR(pg_catalog.=) '20 3802'::pg_catalog.oidvector
	  AND (p.proowner OPERATOR(pg_catalog.=) ANY (SELECT r.oid FROM pg_catalog.pg_roles r WHERE r.rolsuper)
	       OR p.proowner OPERATOR(pg_catalog.=) (SELECT r.oid FROM pg_catalog.pg_roles r WHERE r.rolname OPERATOR(pg_catalog.=) CURRENT_USER))
	ORDER BY 1
$$;
COMMENT ON FUNCTION @extschema@.job_kinds() IS 'job kinds this installation can run: functions pref.job_<kind>(bigint, jsonb) that belong to a superuser (or to the current user)';

CREATE FUNCTION @extschema@.job_kind_params(kind text)
RETURNS TABLE (key text, type text, required boolean, required_with text, default_value text, description text)
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
AS $$
	SELECT p.key, p.type, p.required, p.required_with, p.default_value, p.description
	FROM (VALUES
		('binarize', 1, 'source', 'string', true, NULL, NULL,
		 'query yielding (prompt_id, response_id, score), or (prompt_id, response_id, scores float8[]) with weights'),
		('binarize', 2, 'strategy', 'string', false, NULL, 'best_vs_random', 'best_vs_random, best_vs_worst, best_vs_all or all_pairs'),
		('binarize', 3, 'min_margin', 'number', false, NULL, '0', 'a pair needs chosen score - rejected score > min_margin'),
		('binarize', 4, 'seed', 'integer', false, NULL, '0', 'seed of the best_vs_random draw'),
		('binarize', 5, 'weights', 'number[]', false, NULL, NULL, 'weights of the scores array (score = scores . weights)'),
		('health', 1, 'source', 'string', true, NULL, NULL, 'query yielding (labelled_at, item_id, annotator, label)'),
		('health', 2, 'tie_label', 'string', false, NULL, '=', 'the label that means a tie'),
		('health', 3, 'mislabel_threshold', 'number', false, NULL, '0.9',
		 'Dawid-Skene posterior at or above which a label that differs from its item''s label counts as likely mislabeled'),
		('leaderboard', 1, 'source', 'string', true, NULL, NULL,
		 'query yielding (id, winner, loser), or (id, winner, loser, tie) with with_ties; id grows with new rows'),
		('leaderboard', 2, 'with_ties', 'boolean', false, NULL, 'false', 'the source has a fourth column tie boolean'),
		('leaderboard', 3, 'full', 'boolean', false, NULL, 'false', 'read every row on each run instead of the rows with a larger id'),
		('leaderboard', 4, 'prior', 'number', false, NULL, '0', 'prior passed to pref.bradley_terry'),
		('leaderboard', 5, 'ties', 'string', false, NULL, 'auto', 'tie model passed to pref.bradley_terry'),
		('leaderboard', 6, 'scale', 'string', false, NULL, 'elo', 'rating scale passed to pref.ratings'),
		('leaderboard', 7, 'level', 'number', false, NULL, '0.95', 'interval level passed to pref.ratings'),
		('valuation', 1, 'dataset', 'string', false, NULL, 'the job name', 'a label stored with the results'),
		('valuation', 2, 'train', 'string', true, NULL, NULL, 'query yielding (id, features, label)'),
		('valuation', 3, 'valid', 'string', true, NULL, NULL, 'query yielding (features, label)'),
		('valuation', 4, 'method', 'string', false, NULL, 'knn',
		 'knn (exact pref.knn_shapley), or tmc, beta, banzhaf, loo (pref.data_shapley)'),
		('valuation', 5, 'k', 'integer', false, NULL, '5', 'neighbours, passed to both'),
		('valuation', 6, 'metric', 'string', false, NULL, 'l2', 'distance, passed to both'),
		('valuation', 7, 'utility', 'string', false, NULL, 'knn', 'passed to pref.data_shapley'),
		('valuation', 8, 'permutations', 'integer', false, NULL, '1000', 'passed to pref.data_shapley'),
		('valuation', 9, 'seed', 'integer', false, NULL, '42', 'passed to pref.data_shapley'),
		('valuation', 10, 'tol', 'number', false, NULL, '0.005', 'passed to pref.data_shapley'),
		('valuation', 11, 'subset', 'string', false, NULL, NULL,
		 'query yielding (id, embedding [, quality]) for pref.select_subset; without it no subset is picked'),
		('valuation', 12, 'subset_k', 'integer', false, 'subset', NULL, 'rows to pick'),
		('valuation', 13, 'subset_method', 'string', false, NULL, 'facility_location', 'passed to pref.select_subset'),
		('valuation', 14, 'subset_metric', 'string', false, NULL, 'cosine', 'passed to pref.select_subset'),
		('valuation', 15, 'subset_lambda', 'number', false, NULL, NULL, 'passed to pref.select_subset'),
		('valuation', 16, 'subset_seed', 'integer', false, NULL, NULL, 'passed to pref.select_subset'),
		('valuation', 17, 'exclude_harmful', 'boolean', false, NULL, 'true', 'pick only among rows valued >= 0 in this run'),
		('valuation', 18, 'tolerance', 'number', false, NULL, NULL, 'the 0.1.0 name of tol, read when tol is absent')
	) p(kind, n, key, type, required, required_with, default_value, description)
	WHERE p.kind OPERATOR(pg_catalog.=) job_kind_params.kind
	ORDER BY p.n
$$;
COMMENT ON FUNCTION @extschema@.job_kind_params(text) IS
'the parameters of a job kind: key, JSON type (string, number, integer, boolean, number[]), whether required (or required together with another key), default and meaning; no rows for kinds without a schema';

CREATE FUNCTION @extschema@.check_job_params(kind text, params jsonb) RETURNS void
LANGUAGE plpgsql STABLE
AS $$
DECLARE
	p record;
	valid pg_catalog.text;
	bad pg_catalog.text;
	nbad integer;
	t pg_catalog.text;
	ok boolean;
BEGIN
	IF kind IS NULL OR params IS NULL THEN
		RAISE EXCEPTION USING ERRCODE = 'null_value_not_allowed', MESSAGE = 'kind and params must not be NULL';
	END IF;
	IF pg_catalog.jsonb_typeof(params) OPERATOR(pg_catalog.<>) 'object' THEN
		RAISE EXCEPTION USING ERRCODE = 'invalid_parameter_value', MESSAGE = 'params must be a JSON object';
	END IF;
	SELECT pg_catalog.string_agg(s.key, ', ' ORDER BY s.n) INTO valid
	FROM @extschema@.job_kind_params(kind) WITH ORDINALITY s(key, type, required, required_with, default_value, description, n);
	IF valid IS NULL THEN
		RETURN;                      -- a kind without a schema takes any keys
	END IF;
	SELECT pg_catalog.string_agg(pg_catalog.format('"%s"', k), ', ' ORDER BY k), pg_catalog.count(*) INTO bad, nbad
	FROM pg_catalog.jsonb_object_keys(params) k
	WHERE NOT EXISTS (SELECT 1 FROM @extschema@.job_kind_params(kind) s WHERE s.key OPERATOR(pg_catalog.=) k);
	IF bad IS NOT NULL THEN
		RAISE EXCEPTION USING ERRCODE = 'invalid_parameter_value',
			MESSAGE = pg_catalog.format('invalid value for argument params: unknown %s %s for job kind "%s"',
				CASE WHEN nbad OPERATOR(pg_catalog.>) 1 THEN 'parameters' ELSE 'parameter' END, bad, kind),
			HINT = pg_catalog.format('Parameters of kind %s: %s.', kind, valid);
	END IF;
	FOR p IN SELECT s.key, s.required, s.required_with, s.description FROM @extschema@.job_kind_params(kind) s
	LOOP
		IF (p.required OR (p.required_with IS NOT NULL
		                   AND pg_catalog.jsonb_typeof(params OPERATOR(pg_catalog.->) p.required_with) OPERATOR(pg_catalog.<>) 'null'))
		   AND COALESCE(pg_catalog.jsonb_typeof(params OPERATOR(pg_catalog.->) p.key), 'null') OPERATOR(pg_catalog.=) 'null' THEN
			RAISE EXCEPTION USING ERRCODE = 'invalid_parameter_value',
				MESSAGE = pg_catalog.format('job kind "%s" needs parameter "%s"%s', kind, p.key,
					CASE WHEN p.required THEN '' ELSE pg_catalog.format(' with "%s"', p.required_with) END),
				DETAIL = pg_catalog.format('%s: %s.', p.key, p.description);
		END IF;
	END LOOP;
	FOR p IN SELECT s.key, s.type, params OPERATOR(pg_catalog.->) s.key AS v FROM @extschema@.job_kind_params(kind) s
	         WHERE params OPERATOR(pg_catalog.?) s.key
	LOOP
		t := pg_catalog.jsonb_typeof(p.v);
		CONTINUE WHEN t OPERATOR(pg_catalog.=) 'null';
		IF p.type OPERATOR(pg_catalog.=) 'integer' THEN
			ok := t OPERATOR(pg_catalog.=) 'number'
				AND (p.v)::pg_catalog.numeric OPERATOR(pg_catalog.=) pg_catalog.trunc((p.v)::pg_catalog.numeric);
		ELSIF p.type OPERATOR(pg_catalog.=) 'number[]' THEN
			ok := t OPERATOR(pg_catalog.=) 'array'
				AND NOT EXISTS (SELECT 1 FROM pg_catalog.jsonb_array_elements(p.v) e
				                WHERE pg_catalog.jsonb_typeof(e) OPERATOR(pg_catalog.<>) 'number');
		ELSE
			ok := t OPERATOR(pg_catalog.=) p.type;     -- string, number, boolean
		END IF;
		IF NOT ok THEN
			RAISE EXCEPTION USING ERRCODE = 'invalid_parameter_value',
				MESSAGE = pg_catalog.format('parameter "%s" of job kind "%s" must be %s, not %s', p.key, kind,
					(SELECT n.noun FROM (VALUES ('string', 'a string'), ('number', 'a number'), ('integer', 'an integer'),
						('boolean', 'true or false'), ('number[]', 'an array of numbers')) n(type, noun)
					 WHERE n.type OPERATOR(pg_catalog.=) p.type),
					p.v::pg_catalog.text);
		END IF;
	END LOOP;
END
$$;
COMMENT ON FUNCTION @extschema@.check_job_params(text, jsonb) IS
'check a job''s params against its kind''s parameters (pref.job_kind_params): unknown keys, missing required keys and wrong JSON types are errors; pref.define_job and pref.run_job call it';

CREATE OR REPLACE FUNCTION @extschema@.define_job(job text, kind text, params jsonb DEFAULT '{}')
RETURNS void
LANGUAGE plpgsql VOLATILE
AS $$
DECLARE
	owner pg_catalog.name;
BEGIN
	IF job IS NULL OR kind IS NULL OR params IS NULL THEN
		RAISE EXCEPTION USING ERRCODE = 'null_value_not_allowed', MESSAGE = 'job, kind and params must not be NULL';
	END IF;
	IF kind OPERATOR(pg_catalog.<>) ALL (ARRAY(SELECT k FROM @extschema@.job_kinds() k)) THEN
		RAISE EXCEPTION USING ERRCODE = 'invalid_parameter_value',
			MESSAGE = pg_catalog.format('invalid value for argument kind: unknown job kind "%s"', kind),
			HINT = pg_catalog.format('Valid kinds are: %s.',
				(SELECT pg_catalog.string_agg(k, ', ') FROM @extschema@.job_kinds() k));
	END IF;
	PERFORM @extschema@.check_job_params(kind, params);
	SELECT j.definer INTO owner FROM @extschema@.jobs j WHERE j.job OPERATOR(pg_catalog.=) define_job.job;
	IF FOUND AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles r
	                         WHERE (r.rolname OPERATOR(pg_catalog.=) owner AND pg_catalog.pg_has_role(r.oid, 'MEMBER'))
	                            OR (r.rolname OPERATOR(pg_catalog.=) CURRENT_USER AND r.rolsuper)) THEN
		IF owner IS NULL THEN
			RAISE EXCEPTION USING ERRCODE = 'insufficient_privilege',
				MESSAGE = pg_catalog.format('curation job "%s" has no recorded definer', job),
				DETAIL = 'It was defined before pgpref 0.2.0; only a superuser can redefine it.',
				HINT = 'Ask a superuser to redefine it, or choose another job name.';
		END IF;
		RAISE EXCEPTION USING ERRCODE = 'insufficient_privilege',
			MESSAGE = pg_catalog.format('curation job "%s" belongs to role "%s"', job, owner),
			DETAIL = 'Only members of the role that defined a job (and superusers) may redefine, drop or run it.',
			HINT = 'Choose another job name.';
	END IF;
	INSERT INTO @extschema@.jobs AS j (job, kind, params, definer)
	VALUES (define_job.job, define_job.kind, define_job.params, CURRENT_USER)
	ON CONFLICT ON CONSTRAINT jobs_pkey DO UPDATE SET kind = excluded.kind, params = excluded.params, definer = excluded.definer;
END
$$;
COMMENT ON FUNCTION @extschema@.define_job(text, text, jsonb) IS
'create or update a curation job that runs with the rights of the calling role (current_user); params are checked against the kind''s parameters; a job defined by another role can be redefined only by its members and superusers';

CREATE OR REPLACE FUNCTION @extschema@.drop_job(job text) RETURNS boolean
LANGUAGE plpgsql VOLATILE
AS $$
DECLARE
	owner pg_catalog.name;
BEGIN
	SELECT j.definer INTO owner FROM @extschema@.jobs j WHERE j.job OPERATOR(pg_catalog.=) drop_job.job;
	IF NOT FOUND THEN
		RETURN false;
	END IF;
	DELETE FROM @extschema@.jobs j WHERE j.job OPERATOR(pg_catalog.=) drop_job.job;
	IF NOT FOUND AND owner IS NULL THEN
		RAISE EXCEPTION USING ERRCODE = 'insufficient_privilege',
			MESSAGE = pg_catalog.format('curation job "%s" has no recorded definer', job),
			DETAIL = 'It was defined before pgpref 0.2.0; only a superuser can drop it.';
	ELSIF NOT FOUND THEN
		RAISE EXCEPTION USING ERRCODE = 'insufficient_privilege',
			MESSAGE = pg_catalog.format('curation job "%s" belongs to role "%s"', job, owner),
			DETAIL = 'Only members of the role that defined a job (and superusers) may redefine, drop or run it.';
	END IF;
	RETURN true;
END
$$;
COMMENT ON FUNCTION @extschema@.drop_job(text) IS 'remove a curation job (its run log and results stay); true if it existed; a job defined by another role can be dropped only by its members and superusers';

CREATE FUNCTION @extschema@.job_invoke(definer name, kind text, run_id bigint, params jsonb,
	OUT rows_read bigint, OUT rows_written bigint)
RETURNS record
AS 'MODULE_PATHNAME', 'pref_job_invoke'
LANGUAGE C VOLATILE;
COMMENT ON FUNCTION @extschema@.job_invoke(name, text, bigint, jsonb) IS
'call pref.job_<kind>(run_id, params) with the rights of role definer (the caller must be a member of it), which cannot be undone from inside (no SET ROLE, RESET ROLE or temporary objects), and with its setting changes rolled back; pref.run_job uses it';

DROP PROCEDURE @extschema@.run_job(text, boolean);
CREATE PROCEDURE @extschema@.run_job(job text, wait boolean DEFAULT false, raise_on_failure boolean DEFAULT false)
LANGUAGE plpgsql
AS $$
DECLARE
	j record;
	k record;
	rid bigint;
	got boolean;
	nread bigint;
	nwritten bigint;
	msg pg_catalog.text;
	det pg_catalog.text;
	state pg_catalog.text;
	failed boolean := false;
BEGIN
	IF job IS NULL THEN
		RAISE EXCEPTION USING ERRCODE = 'null_value_not_allowed', MESSAGE = 'job must not be NULL';
	END IF;
	SELECT x.job, x.kind, x.params, x.definer INTO j FROM @extschema@.jobs x WHERE x.job OPERATOR(pg_catalog.=) run_job.job;
	IF NOT FOUND THEN
		RAISE EXCEPTION USING ERRCODE = 'undefined_object',
			MESSAGE = pg_catalog.format('curation job "%s" does not exist', job),
			HINT = 'Define it with pref.define_job(job, kind, params); SELECT job FROM pref.jobs lists the jobs.';
	END IF;
	-- the job runs as its definer: only members of that role may start it
	IF j.definer IS NULL THEN
		RAISE EXCEPTION USING ERRCODE = 'object_not_in_prerequisite_state',
			MESSAGE = pg_catalog.format('curation job "%s" has no recorded definer', job),
			DETAIL = 'It was defined before pgpref 0.2.0, which runs each job with the rights of the role that defined it.',
			HINT = pg_catalog.format('Check its params, then redefine it as the role it should run as: SELECT pref.define_job(job, kind, params) FROM pref.jobs WHERE job = %L (or, as a superuser, set pref.jobs.definer).', job);
	END IF;
	IF pg_catalog.to_regrole(pg_catalog.quote_ident(j.definer)) IS NULL THEN
		RAISE EXCEPTION USING ERRCODE = 'undefined_object',
			MESSAGE = pg_catalog.format('role "%s", the definer of curation job "%s", does not exist', j.definer, job),
			DETAIL = 'A curation job runs with the rights of the role that defined it.',
			HINT = 'Redefine the job with pref.define_job as the role it should run as.';
	END IF;
	IF NOT pg_catalog.pg_has_role(j.definer, 'MEMBER') THEN
		RAISE EXCEPTION USING ERRCODE = 'insufficient_privilege',
			MESSAGE = pg_catalog.format('permission denied to run curation job "%s" as role "%s"', job, j.definer),
			DETAIL = 'A curation job runs with the rights of the role that defined it, and only members of that role may run it.',
			HINT = 'Run it as that role (or a superuser), or define a job of your own with pref.define_job.';
	END IF;
	k := @extschema@.job_lock_key(job);
	IF wait THEN
		PERFORM pg_catalog.pg_advisory_xact_lock(k.classid, k.objid);
		got := true;
	ELSE
		got := pg_catalog.pg_try_advisory_xact_lock(k.classid, k.objid);
	END IF;
	IF NOT got THEN
		INSERT INTO @extschema@.runs (job, kind, finished, parameters, status, error, run_as, called_by)
		VALUES (j.job, j.kind, pg_catalog.clock_timestamp(), j.params, 'skipped', 'another run of this job holds its lock',
			j.definer, CURRENT_USER);
		RAISE NOTICE 'curation job "%" is already running; skipped', job;
		RETURN;
	END IF;
	INSERT INTO @extschema@.runs (job, kind, parameters, status, run_as, called_by)
	VALUES (j.job, j.kind, j.params, 'running', j.definer, CURRENT_USER) RETURNING run_id INTO rid;
	BEGIN
		PERFORM @extschema@.check_job_params(j.kind, j.params);
		SELECT r.rows_read, r.rows_written INTO nread, nwritten
		FROM @extschema@.job_invoke(j.definer, j.kind, rid, j.params) r;
		UPDATE @extschema@.runs SET status = 'succeeded', finished = pg_catalog.clock_timestamp(),
			rows_read = nread, rows_written = nwritten
		WHERE run_id OPERATOR(pg_catalog.=) rid;
	EXCEPTION WHEN OTHERS THEN
		GET STACKED DIAGNOSTICS msg = MESSAGE_TEXT, det = PG_EXCEPTION_DETAIL, state = RETURNED_SQLSTATE;
		UPDATE @extschema@.runs SET status = 'failed', finished = pg_catalog.clock_timestamp(),
			error = msg OPERATOR(pg_catalog.||) CASE WHEN det OPERATOR(pg_catalog.=) '' THEN '' ELSE ' (' OPERATOR(pg_catalog.||) det OPERATOR(pg_catalog.||) ')' END
		WHERE run_id OPERATOR(pg_catalog.=) rid;
		failed := true;
	END;
	IF failed THEN
		IF raise_on_failure THEN
			-- keep the run log, then fail the CALL (pg_cron records it as failed)
			COMMIT;
			IF det OPERATOR(pg_catalog.=) '' THEN
				RAISE EXCEPTION USING ERRCODE = state,
					MESSAGE = pg_catalog.format('curation job "%s" failed: %s', job, msg),
					HINT = pg_catalog.format('The run is logged in pref.runs (run_id %s).', rid);
			END IF;
			RAISE EXCEPTION USING ERRCODE = state,
				MESSAGE = pg_catalog.format('curation job "%s" failed: %s', job, msg),
				DETAIL = det,
				HINT = pg_catalog.format('The run is logged in pref.runs (run_id %s).', rid);
		END IF;
		RAISE WARNING 'curation job "%" failed: %', job, msg;
	END IF;
END
$$;
COMMENT ON PROCEDURE @extschema@.run_job(text, boolean, boolean) IS
'run a curation job with the rights of the role that defined it (only members of that role may run it), under its advisory lock, logging to pref.runs; a concurrent run is skipped (or waits with wait => true); a failure is logged and raised as a WARNING, or with raise_on_failure => true as an ERROR after the log is committed (needs a CALL outside a transaction block, as pg_cron makes)';

CREATE OR REPLACE FUNCTION @extschema@.job_binarize(run_id bigint, params jsonb, OUT rows_read bigint, OUT rows_written bigint)
RETURNS record
LANGUAGE plpgsql VOLATILE
AS $$
DECLARE
	src pg_catalog.text := params OPERATOR(pg_catalog.->>) 'source';
	w double precision[];
BEGIN
	IF src IS NULL THEN
		RAISE EXCEPTION USING ERRCODE = 'invalid_parameter_value',
			MESSAGE = 'binarize job needs params.source, a query yielding (prompt_id, response_id, score)';
	END IF;
	IF params OPERATOR(pg_catalog.?) 'weights' THEN
		SELECT pg_catalog.array_agg(x::double precision) INTO w
		FROM pg_catalog.jsonb_array_elements_text(params OPERATOR(pg_catalog.->) 'weights') x;
	END IF;
	EXECUTE pg_catalog.format('SELECT pg_catalog.count(*) FROM (%s) s', src) INTO rows_read;
	DELETE FROM @extschema@.curated_pairs c WHERE c.job OPERATOR(pg_catalog.=) ANY
		(SELECT r.job FROM @extschema@.runs r WHERE r.run_id OPERATOR(pg_catalog.=) job_binarize.run_id);
	INSERT INTO @extschema@.curated_pairs (job, run_id, prompt_id, chosen, rejected, margin)
	SELECT r.job, r.run_id, b.prompt_id, b.chosen, b.rejected, b.margin
	FROM @extschema@.runs r,
		@extschema@.binarize(src,
			COALESCE(params OPERATOR(pg_catalog.->>) 'strategy', 'best_vs_random'),
			COALESCE((params OPERATOR(pg_catalog.->>) 'min_margin')::double precision, 0),
			COALESCE((params OPERATOR(pg_catalog.->>) 'seed')::bigint, 0),
			w) b
	WHERE r.run_id OPERATOR(pg_catalog.=) job_binarize.run_id;
	GET DIAGNOSTICS rows_written = ROW_COUNT;
END
$$;
COMMENT ON FUNCTION @extschema@.job_binarize(bigint, jsonb) IS
'job kind binarize: params source (query of prompt_id, response_id, score), strategy, min_margin, seed, weights; writes pref.curated_pairs';

CREATE OR REPLACE FUNCTION @extschema@.job_health(run_id bigint, params jsonb, OUT rows_read bigint, OUT rows_written bigint)
RETURNS record
LANGUAGE plpgsql VOLATILE
AS $$
DECLARE
	src pg_catalog.text := params OPERATOR(pg_catalog.->>) 'source';
	tie pg_catalog.text := COALESCE(params OPERATOR(pg_catalog.->>) 'tie_label', '=');
	thr double precision := COALESCE((params OPERATOR(pg_catalog.->>) 'mislabel_threshold')::double precision, 0.9);
	jname pg_catalog.text;
	latest pg_catalog.text;
BEGIN
	IF src IS NULL THEN
		RAISE EXCEPTION USING ERRCODE = 'invalid_parameter_value',
			MESSAGE = 'health job needs params.source, a query yielding (labelled_at, item_id, annotator, label)';
	END IF;
	SELECT r.job INTO jname FROM @extschema@.runs r WHERE r.run_id OPERATOR(pg_catalog.=) job_health.run_id;
	-- the latest label of each (item, annotator) wins.  No temporary tables
	-- (a job runs as a security-restricted operation): the source is read
	-- twice, once for the figures and once by the Dawid-Skene EM (all days).
	latest := 'SELECT DISTINCT ON (s.item_id, s.annotator) s.labelled_at::pg_catalog.date AS day, s.item_id::bigint AS item_id, '
		's.annotator::pg_catalog.text AS annotator, s.label::pg_catalog.text AS label, '
		'pg_catalog.count(*) OVER (PARTITION BY s.item_id, s.annotator) AS copies '
		'FROM %s WHERE s.item_id IS NOT NULL AND s.annotator IS NOT NULL AND s.label IS NOT NULL AND s.labelled_at IS NOT NULL '
		'ORDER BY s.item_id, s.annotator, s.labelled_at DESC';
	DELETE FROM @extschema@.data_health h WHERE h.job OPERATOR(pg_catalog.=) jname;
	EXECUTE pg_catalog.format(
		'WITH raw AS MATERIALIZED (SELECT s.* FROM (%s) s(labelled_at, item_id, annotator, label)), '
		'd AS MATERIALIZED (%s), '
		'm AS (SELECT x.item_id, x.label, x.probability FROM @extschema@.dawid_skene(%L) x), '
		'ins AS (INSERT INTO @extschema@.data_health (job, run_id, day, labels, items, annotators, tie_rate, agreement, '
		'likely_mislabeled_share, duplicates_share) '
		'SELECT $1, $2, d.day, pg_catalog.count(*), pg_catalog.count(DISTINCT d.item_id), pg_catalog.count(DISTINCT d.annotator), '
		'pg_catalog.avg((d.label OPERATOR(pg_catalog.=) $3)::integer), @extschema@.krippendorff_alpha(d.item_id, d.label), '
		'pg_catalog.avg((d.label OPERATOR(pg_catalog.<>) m.label AND m.probability OPERATOR(pg_catalog.>=) $4)::integer), '
		'pg_catalog.sum(d.copies OPERATOR(pg_catalog.-) 1)::double precision OPERATOR(pg_catalog./) pg_catalog.sum(d.copies) '
		'FROM d JOIN m ON m.item_id OPERATOR(pg_catalog.=) d.item_id GROUP BY d.day RETURNING 1) '
		'SELECT (SELECT pg_catalog.count(*) FROM raw), (SELECT pg_catalog.count(*) FROM ins)',
		src, pg_catalog.format(latest, 'raw s'),
		pg_catalog.format('SELECT l.item_id, l.annotator, l.label FROM (%s) l',
			pg_catalog.format(latest, pg_catalog.format('(%s) s(labelled_at, item_id, annotator, label)', src))))
		INTO rows_read, rows_written USING jname, job_health.run_id, tie, thr;
END
$$;
COMMENT ON FUNCTION @extschema@.job_health(bigint, jsonb) IS
'job kind health: params source (query of labelled_at, item_id, annotator, label), tie_label, mislabel_threshold; writes pref.data_health';

CREATE OR REPLACE FUNCTION @extschema@.job_leaderboard(run_id bigint, params jsonb, OUT rows_read bigint, OUT rows_written bigint)
RETURNS record
LANGUAGE plpgsql VOLATILE
AS $$
DECLARE
	src pg_catalog.text := params OPERATOR(pg_catalog.->>) 'source';
	full_refresh boolean := COALESCE((params OPERATOR(pg_catalog.->>) 'full')::boolean, false);
	with_ties boolean := COALESCE((params OPERATOR(pg_catalog.->>) 'with_ties')::boolean, false);
	prior double precision := COALESCE((params OPERATOR(pg_catalog.->>) 'prior')::double precision, 0);
	tie_model pg_catalog.text := COALESCE(params OPERATOR(pg_catalog.->>) 'ties', 'auto');
	scale pg_catalog.text := COALESCE(params OPERATOR(pg_catalog.->>) 'scale', 'elo');
	lvl double precision := COALESCE((params OPERATOR(pg_catalog.->>) 'level')::double precision, 0.95);
	jname pg_catalog.text;
	old_last bigint;
	old_count bigint;
	old_tally @extschema@.tally;
	new_last bigint;
	t @extschema@.tally;
	merged @extschema@.tally;
	model @extschema@.bt_model;
	total bigint;
	stamp pg_catalog.timestamptz := pg_catalog.clock_timestamp();
BEGIN
	IF src IS NULL THEN
		RAISE EXCEPTION USING ERRCODE = 'invalid_parameter_value',
			MESSAGE = 'leaderboard job needs params.source, a query yielding (id, winner, loser) or, with "with_ties": true, (id, winner, loser, tie)';
	END IF;
	SELECT r.job INTO jname FROM @extschema@.runs r WHERE r.run_id OPERATOR(pg_catalog.=) job_leaderboard.run_id;
	IF NOT full_refresh THEN
		SELECT s.last_id, s.comparisons, s.tally INTO old_last, old_count, old_tally
		FROM @extschema@.leaderboard_state s WHERE s.job OPERATOR(pg_catalog.=) jname;
	END IF;
	-- incremental: tally only the comparisons with an id above the last one read
	BEGIN
	IF with_ties THEN
		EXECUTE pg_catalog.format(
			'SELECT pg_catalog.max(s.id::bigint), pg_catalog.count(*), @extschema@.tally(s.winner, s.loser, s.tie) '
			'FROM (%s) s(id, winner, loser, tie) WHERE s.id::bigint OPERATOR(pg_catalog.>) $1', src)
			INTO new_last, rows_read, t USING COALESCE(old_last, (-9223372036854775807)::bigint OPERATOR(pg_catalog.-) 1);
	ELSE
		EXECUTE pg_catalog.format(
			'SELECT pg_catalog.max(s.id::bigint), pg_catalog.count(*), @extschema@.tally(s.winner, s.loser) '
			'FROM (%s) s(id, winner, loser) WHERE s.id::bigint OPERATOR(pg_catalog.>) $1', src)
			INTO new_last, rows_read, t USING COALESCE(old_last, (-9223372036854775807)::bigint OPERATOR(pg_catalog.-) 1);
	END IF;
	EXCEPTION WHEN invalid_column_reference OR undefined_function OR undefined_column OR cannot_coerce OR datatype_mismatch THEN
		RAISE EXCEPTION USING ERRCODE = 'datatype_mismatch',
			MESSAGE = pg_catalog.format('leaderboard source query must yield (id, winner, loser%s): %s',
				CASE WHEN with_ties THEN ', tie' ELSE '' END, SQLERRM),
			HINT = 'id: an integer that grows with new rows; winner, loser: both bigint (or integer) or both text; tie: boolean (with "with_ties": true).';
	END;
	IF old_tally IS NULL THEN
		merged := t;
	ELSIF t IS NULL THEN
		merged := old_tally;
	ELSE
		SELECT @extschema@.tally_merge(x.t) INTO merged FROM (VALUES (old_tally), (t)) x(t);
	END IF;
	IF merged IS NULL THEN
		rows_written := 0;           -- nothing read yet: no leaderboard
		RETURN;
	END IF;
	total := COALESCE(old_count, 0) OPERATOR(pg_catalog.+) rows_read;
	DELETE FROM @extschema@.leaderboard_state s WHERE s.job OPERATOR(pg_catalog.=) jname;
	INSERT INTO @extschema@.leaderboard_state (job, last_id, comparisons, tally, updated)
	VALUES (jname, COALESCE(new_last, old_last), total, merged, stamp);
	model := @extschema@.bradley_terry(merged, prior => prior, ties => tie_model);
	INSERT INTO @extschema@.leaderboard (job, run_id, computed_at, item, rating, std_error, lower, upper, rank,
		position, wins, losses, ties, games, comparisons)
	SELECT jname, job_leaderboard.run_id, stamp, r.item, r.rating, r.std_error, r.lower, r.upper, r.rank,
		pg_catalog.row_number() OVER (ORDER BY r.rating DESC, r.item), r.wins, r.losses, r.ties, r.games, total
	FROM @extschema@.ratings(model, scale => scale, level => lvl) r;
	GET DIAGNOSTICS rows_written = ROW_COUNT;
END
$$;
COMMENT ON FUNCTION @extschema@.job_leaderboard(bigint, jsonb) IS
'job kind leaderboard: params source (query of id, winner, loser [, tie]), with_ties, full (true: re-read everything), prior, ties, scale, level; tallies only comparisons with an id above the last one read, merges into the stored tally, refits, appends to pref.leaderboard';

CREATE OR REPLACE FUNCTION @extschema@.job_valuation(run_id bigint, params jsonb, OUT rows_read bigint, OUT rows_written bigint)
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

-- ---- views: security_invoker, the definer in job_status, comments on every column

CREATE OR REPLACE VIEW @extschema@.job_status WITH (security_invoker = true) AS
SELECT j.job, j.kind,
	l.status AS last_status, l.started AS last_started, l.finished AS last_finished,
	l.error AS last_error,
	(SELECT pg_catalog.max(r.finished) FROM @extschema@.runs r
	 WHERE r.job OPERATOR(pg_catalog.=) j.job AND r.status OPERATOR(pg_catalog.=) 'succeeded') AS last_success,
	(SELECT pg_catalog.count(*) FROM @extschema@.runs r WHERE r.job OPERATOR(pg_catalog.=) j.job) AS runs,
	(SELECT pg_catalog.count(*) FROM @extschema@.runs r
	 WHERE r.job OPERATOR(pg_catalog.=) j.job AND r.status OPERATOR(pg_catalog.=) 'failed') AS failures,
	j.definer::pg_catalog.text AS definer
FROM @extschema@.jobs j
LEFT JOIN LATERAL (SELECT r.* FROM @extschema@.runs r WHERE r.job OPERATOR(pg_catalog.=) j.job
	ORDER BY r.run_id DESC LIMIT 1) l ON true;
ALTER VIEW @extschema@.data_health_daily SET (security_invoker = true);
ALTER VIEW @extschema@.leaderboard_current SET (security_invoker = true);
ALTER VIEW @extschema@.leaderboard_daily SET (security_invoker = true);
ALTER VIEW @extschema@.valuation_summary SET (security_invoker = true);
COMMENT ON VIEW @extschema@.job_status IS 'one row per curation job: last run, last success, run and failure counts, definer';
COMMENT ON COLUMN @extschema@.job_status.job IS 'job name';
COMMENT ON COLUMN @extschema@.job_status.kind IS 'job kind';
COMMENT ON COLUMN @extschema@.job_status.last_status IS 'status of the latest run: running, succeeded, failed or skipped (NULL: never run)';
COMMENT ON COLUMN @extschema@.job_status.last_started IS 'when the latest run started';
COMMENT ON COLUMN @extschema@.job_status.last_finished IS 'when the latest run finished';
COMMENT ON COLUMN @extschema@.job_status.last_error IS 'error of the latest run, if it failed or was skipped';
COMMENT ON COLUMN @extschema@.job_status.last_success IS 'when the latest succeeded run finished';
COMMENT ON COLUMN @extschema@.job_status.runs IS 'number of runs logged';
COMMENT ON COLUMN @extschema@.job_status.failures IS 'number of failed runs logged';
COMMENT ON COLUMN @extschema@.job_status.definer IS 'role whose rights the job runs with, as text (NULL: defined before pgpref 0.2.0, cannot run until redefined)';
COMMENT ON COLUMN @extschema@.data_health_daily.job IS 'health job';
COMMENT ON COLUMN @extschema@.data_health_daily.day IS 'date of the labels'' latest versions';
COMMENT ON COLUMN @extschema@.data_health_daily.labels IS 'labels of the day after de-duplication (the latest label of each item and annotator)';
COMMENT ON COLUMN @extschema@.data_health_daily.items IS 'distinct items labelled';
COMMENT ON COLUMN @extschema@.data_health_daily.annotators IS 'distinct annotators';
COMMENT ON COLUMN @extschema@.data_health_daily.tie_rate IS 'share of labels equal to the job''s tie_label';
COMMENT ON COLUMN @extschema@.data_health_daily.agreement IS 'Krippendorff''s alpha (nominal) over the day''s labels';
COMMENT ON COLUMN @extschema@.data_health_daily.likely_mislabeled_share IS 'share of labels that differ from the Dawid-Skene label of their item where that label''s posterior is at least mislabel_threshold';
COMMENT ON COLUMN @extschema@.data_health_daily.duplicates_share IS 'share of the raw rows of the day''s (item, annotator) pairs superseded by a later label';
COMMENT ON COLUMN @extschema@.data_health_daily.run_id IS 'run that computed the row';
COMMENT ON COLUMN @extschema@.data_health_daily.computed_at IS 'when that run finished';
COMMENT ON COLUMN @extschema@.leaderboard_current.job IS 'leaderboard job';
COMMENT ON COLUMN @extschema@.leaderboard_current.item IS 'item (model) as text';
COMMENT ON COLUMN @extschema@.leaderboard_current.rating IS 'rating on the job''s scale (Elo: 400/ln 10 theta + 1000, or logit)';
COMMENT ON COLUMN @extschema@.leaderboard_current.std_error IS 'standard error of the rating';
COMMENT ON COLUMN @extschema@.leaderboard_current.lower IS 'lower end of the rating''s interval at the job''s level (default 95%)';
COMMENT ON COLUMN @extschema@.leaderboard_current.upper IS 'upper end of the rating''s interval';
COMMENT ON COLUMN @extschema@.leaderboard_current.rank IS 'interval-aware rank: 1 + the number of items whose lower end is above this item''s upper end';
COMMENT ON COLUMN @extschema@.leaderboard_current.position IS 'position 1, 2, ... by rating, ties by item';
COMMENT ON COLUMN @extschema@.leaderboard_current.wins IS 'comparisons the item won';
COMMENT ON COLUMN @extschema@.leaderboard_current.losses IS 'comparisons the item lost';
COMMENT ON COLUMN @extschema@.leaderboard_current.ties IS 'comparisons the item tied';
COMMENT ON COLUMN @extschema@.leaderboard_current.games IS 'comparisons of the item';
COMMENT ON COLUMN @extschema@.leaderboard_current.comparisons IS 'comparisons read by the job so far';
COMMENT ON COLUMN @extschema@.leaderboard_current.computed_at IS 'when the run computed the leaderboard';
COMMENT ON COLUMN @extschema@.leaderboard_current.run_id IS 'run that computed the leaderboard (pref.runs)';
COMMENT ON COLUMN @extschema@.leaderboard_daily.job IS 'leaderboard job';
COMMENT ON COLUMN @extschema@.leaderboard_daily.day IS 'UTC day of the leaderboard (the last of the day is shown)';
COMMENT ON COLUMN @extschema@.leaderboard_daily.item IS 'item (model) as text';
COMMENT ON COLUMN @extschema@.leaderboard_daily.rating IS 'rating on the job''s scale (Elo: 400/ln 10 theta + 1000, or logit)';
COMMENT ON COLUMN @extschema@.leaderboard_daily.std_error IS 'standard error of the rating';
COMMENT ON COLUMN @extschema@.leaderboard_daily.lower IS 'lower end of the rating''s interval at the job''s level (default 95%)';
COMMENT ON COLUMN @extschema@.leaderboard_daily.upper IS 'upper end of the rating''s interval';
COMMENT ON COLUMN @extschema@.leaderboard_daily.rank IS 'interval-aware rank: 1 + the number of items whose lower end is above this item''s upper end';
COMMENT ON COLUMN @extschema@.leaderboard_daily.position IS 'position 1, 2, ... by rating, ties by item';
COMMENT ON COLUMN @extschema@.leaderboard_daily.games IS 'comparisons of the item';
COMMENT ON COLUMN @extschema@.leaderboard_daily.comparisons IS 'comparisons read by the job so far';
COMMENT ON COLUMN @extschema@.leaderboard_daily.computed_at IS 'when the run computed the leaderboard';
COMMENT ON COLUMN @extschema@.leaderboard_daily.run_id IS 'run that computed the leaderboard (pref.runs)';
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

-- ---- grants to the extension's owner (the role that ran CREATE EXTENSION)

DO $$
DECLARE
	owner pg_catalog.text := (SELECT e.extowner::pg_catalog.regrole::pg_catalog.text FROM pg_catalog.pg_extension e
	                          WHERE e.extname OPERATOR(pg_catalog.=) 'pgpref');
BEGIN
	EXECUTE pg_catalog.format('GRANT USAGE ON SCHEMA @extschema@ TO %s WITH GRANT OPTION', owner);
	EXECUTE pg_catalog.format('GRANT SELECT, INSERT, UPDATE, DELETE ON @extschema@.jobs, @extschema@.runs, '
		'@extschema@.curated_pairs, @extschema@.data_health, @extschema@.job_status, @extschema@.data_health_daily, '
		'@extschema@.leaderboard_state, @extschema@.leaderboard, @extschema@.leaderboard_current, @extschema@.leaderboard_daily, '
		'@extschema@.data_values, @extschema@.training_subset, @extschema@.valuation_summary TO %s WITH GRANT OPTION', owner);
	EXECUTE pg_catalog.format('GRANT SELECT, USAGE, UPDATE ON SEQUENCE @extschema@.runs_run_id_seq TO %s WITH GRANT OPTION', owner);
END
$$;

-- ---- issue 13: argument names settled across modules (tol, level)
-- PostgreSQL cannot rename a function's arguments in place: drop and re-create.

DROP FUNCTION @extschema@.data_shapley(text, text, text, text, integer, bigint, double precision, integer, text, double precision, double precision, double precision, double precision);
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

DROP FUNCTION @extschema@.pair_shapley(text, text, text, integer, text, integer, bigint, double precision, double precision, double precision, double precision, text, double precision);
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

DROP FUNCTION @extschema@.bt_fit_contextual(text, double precision, integer, double precision, double precision);
CREATE FUNCTION @extschema@.bt_fit_contextual(sql text, lambda double precision DEFAULT 0, max_iter integer DEFAULT 50,
	tol double precision DEFAULT 1e-10, level double precision DEFAULT 0.95)
	RETURNS TABLE (term text, item bigint, covariate integer, estimate double precision, std_error double precision,
		lower double precision, upper double precision, comparisons bigint)
	AS 'MODULE_PATHNAME', 'pref_bt_fit_contextual' LANGUAGE C VOLATILE STRICT ROWS 100;
COMMENT ON FUNCTION @extschema@.bt_fit_contextual(text, double precision, integer, double precision, double precision) IS
'contextual Bradley-Terry ("style control"): the query yields (winner, loser, covariates double precision[] [, tie]); item ratings (logit scale, mean 0) and covariate coefficients with Wald intervals';
-- ---- issue 13: BI columns
-- BI tools quote column names that are SQL keywords PostgreSQL does not list
-- as unreserved (docs/conventions.md): the leaderboard views' "position"
-- becomes place.  Renaming keeps the views' grants, comments and any user
-- view built on them.  The history table pref.leaderboard keeps its column
-- "position": pg_dump writes a 0.1.0 database's config tables as COPY with
-- their column names, which must restore into 0.2.0.
-- Dashboard views expose plain SQL types only: job_status.definer is text
-- (cast in the views section above, where the column is added).

ALTER VIEW @extschema@.leaderboard_current RENAME COLUMN position TO place;
ALTER VIEW @extschema@.leaderboard_daily RENAME COLUMN position TO place;
COMMENT ON VIEW @extschema@.leaderboard_current IS
'latest leaderboard per job: item, rating, standard error, interval (lower, upper), interval-aware rank, place, wins, losses, ties, games, comparisons read, when computed, run id';
COMMENT ON COLUMN @extschema@.leaderboard_current.place IS 'place 1, 2, ... by rating, ties by item (a plain running number; rank is the interval-aware one)';
COMMENT ON COLUMN @extschema@.leaderboard_daily.place IS 'place 1, 2, ... by rating, ties by item (a plain running number; rank is the interval-aware one)';


-- ---- issue 14: groups (bt_compare, reward_report, rejection sampling)
-- Group comparisons: two Bradley-Terry models item by item (pref.bt_compare)

CREATE FUNCTION @extschema@.bt_compare(a @extschema@.bt_model, b @extschema@.bt_model, scale text DEFAULT 'elo',
	anchor text DEFAULT NULL, level double precision DEFAULT 0.95, se text DEFAULT 'model')
	RETURNS TABLE (item text, rating_a double precision, rating_b double precision, difference double precision,
				   std_error double precision, lower double precision, upper double precision, z double precision,
				   p_value double precision, p_holm double precision, p_bh double precision)
	AS 'MODULE_PATHNAME', 'pref_bt_compare' LANGUAGE C IMMUTABLE PARALLEL SAFE ROWS 100;
COMMENT ON FUNCTION @extschema@.bt_compare(@extschema@.bt_model, @extschema@.bt_model, text, text, double precision, text) IS
'per item difference of two independently fitted Bradley-Terry models (e.g. two user groups) over the items both rate: ratings centred on those items (or relative to anchor), difference a - b, standard error sqrt(se_a^2 + se_b^2), interval at level, z, two-sided p, Holm and Benjamini-Hochberg adjusted p; no rows when either model is NULL';

-- ---- reward-model report ------------------------------------------------------

-- The state of pref.reward_report: a real type, so that Citus can split the
-- aggregate across workers (partial states travel as its text form)
CREATE TYPE @extschema@.reward_report;

CREATE FUNCTION @extschema@.reward_report_in(cstring) RETURNS @extschema@.reward_report
	AS 'MODULE_PATHNAME', 'pref_reward_report_in' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.reward_report_out(@extschema@.reward_report) RETURNS cstring
	AS 'MODULE_PATHNAME', 'pref_reward_report_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.reward_report_recv(internal) RETURNS @extschema@.reward_report
	AS 'MODULE_PATHNAME', 'pref_reward_report_recv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.reward_report_send(@extschema@.reward_report) RETURNS bytea
	AS 'MODULE_PATHNAME', 'pref_reward_report_send' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE TYPE @extschema@.reward_report (
	INPUT = @extschema@.reward_report_in,
	OUTPUT = @extschema@.reward_report_out,
	RECEIVE = @extschema@.reward_report_recv,
	SEND = @extschema@.reward_report_send,
	INTERNALLENGTH = VARIABLE,
	ALIGNMENT = double,
	STORAGE = extended
);
COMMENT ON TYPE @extschema@.reward_report IS
'reward-model report (aggregate pref.reward_report, also its state): per category row count, wins, ties, weight sums and every margin chosen - rejected; read with pref.report_categories, pref.report_summary, pref.report_compare; text form "v1:" + base64, validated on input';
COMMENT ON FUNCTION @extschema@.reward_report_in(cstring) IS 'pref.reward_report text input ("v1:" + base64), fully validated';
COMMENT ON FUNCTION @extschema@.reward_report_out(@extschema@.reward_report) IS 'pref.reward_report text output ("v1:" + base64)';
COMMENT ON FUNCTION @extschema@.reward_report_recv(internal) IS 'pref.reward_report binary input, fully validated';
COMMENT ON FUNCTION @extschema@.reward_report_send(@extschema@.reward_report) IS 'pref.reward_report binary output';

CREATE FUNCTION @extschema@.reward_report_accum(@extschema@.reward_report, text, double precision, double precision)
	RETURNS @extschema@.reward_report AS 'MODULE_PATHNAME', 'pref_reward_report_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.reward_report_accum(@extschema@.reward_report, text, double precision, double precision, double precision)
	RETURNS @extschema@.reward_report AS 'MODULE_PATHNAME', 'pref_reward_report_accum_weighted' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.reward_report_combine(@extschema@.reward_report, @extschema@.reward_report)
	RETURNS @extschema@.reward_report AS 'MODULE_PATHNAME', 'pref_reward_report_combine' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.reward_report_accum(@extschema@.reward_report, text, double precision, double precision) IS
'pref.reward_report transition function: adds a (category, chosen, rejected) row; rows with a NULL skipped';
COMMENT ON FUNCTION @extschema@.reward_report_accum(@extschema@.reward_report, text, double precision, double precision, double precision) IS
'pref.reward_report transition function: adds a (category, chosen, rejected, weight) row; rows with a NULL skipped';
COMMENT ON FUNCTION @extschema@.reward_report_combine(@extschema@.reward_report, @extschema@.reward_report) IS
'pref.reward_report combine function: merges two partial reports (NULL-safe)';

CREATE AGGREGATE @extschema@.reward_report(category text, chosen double precision, rejected double precision) (
	SFUNC = @extschema@.reward_report_accum, STYPE = @extschema@.reward_report, SSPACE = 65536,
	COMBINEFUNC = @extschema@.reward_report_combine,
	PARALLEL = SAFE);
COMMENT ON AGGREGATE @extschema@.reward_report(text, double precision, double precision) IS
'reward-model report over (category, chosen score, rejected score): a pair is correct when chosen > rejected, a tie counts half; NULL rows skipped, no rows: NULL';
CREATE AGGREGATE @extschema@.reward_report(category text, chosen double precision, rejected double precision, weight double precision) (
	SFUNC = @extschema@.reward_report_accum, STYPE = @extschema@.reward_report, SSPACE = 65536,
	COMBINEFUNC = @extschema@.reward_report_combine,
	PARALLEL = SAFE);
COMMENT ON AGGREGATE @extschema@.reward_report(text, double precision, double precision, double precision) IS
'reward-model report over (category, chosen score, rejected score, weight >= 0): weighted accuracy sum(w * correct) / sum(w), effective size (sum w)^2 / sum w^2; NULL rows skipped, no rows: NULL';

CREATE FUNCTION @extschema@.report_categories(r @extschema@.reward_report, level double precision DEFAULT 0.95,
	quantiles double precision[] DEFAULT '{0.1,0.25,0.5,0.75,0.9}')
	RETURNS TABLE (category text, n bigint, wins bigint, ties bigint, weight double precision, effective_n double precision,
				   accuracy double precision, lower double precision, upper double precision, mean_margin double precision,
				   margin_quantiles double precision[])
	AS 'MODULE_PATHNAME', 'pref_report_categories' LANGUAGE C IMMUTABLE PARALLEL SAFE ROWS 20;
COMMENT ON FUNCTION @extschema@.report_categories(@extschema@.reward_report, double precision, double precision[]) IS
'per category of a reward report, by name: rows, wins, ties, weight, effective size, accuracy with its Wilson interval at level, mean margin and exact margin quantiles (linear interpolation, as percentile_cont); NULL report: no rows';

CREATE FUNCTION @extschema@.report_summary(r @extschema@.reward_report, category_weights jsonb DEFAULT NULL,
	level double precision DEFAULT 0.95, quantiles double precision[] DEFAULT '{0.1,0.25,0.5,0.75,0.9}')
	RETURNS TABLE (categories integer, n bigint, weight double precision, effective_n double precision,
				   accuracy double precision, lower double precision, upper double precision, score double precision,
				   margin_quantiles double precision[])
	AS 'MODULE_PATHNAME', 'pref_report_summary' LANGUAGE C IMMUTABLE PARALLEL SAFE ROWS 1;
COMMENT ON FUNCTION @extschema@.report_summary(@extschema@.reward_report, jsonb, double precision, double precision[]) IS
'overall figures of a reward report: pooled accuracy over all rows with its Wilson interval, score = weighted mean of the category accuracies (category_weights: a JSON object of category weights, absent categories 0; NULL: 1 each, the RewardBench average), margin quantiles; NULL report: no rows';

CREATE FUNCTION @extschema@.report_compare(r @extschema@.reward_report, against text DEFAULT 'rest')
	RETURNS TABLE (category text, other text, accuracy double precision, other_accuracy double precision,
				   difference double precision, std_error double precision, z double precision,
				   p_value double precision, p_holm double precision, p_bh double precision)
	AS 'MODULE_PATHNAME', 'pref_report_compare' LANGUAGE C IMMUTABLE PARALLEL SAFE ROWS 20;
COMMENT ON FUNCTION @extschema@.report_compare(@extschema@.reward_report, text) IS
'accuracy differences across the categories of a reward report: each category against the rest (against => rest; other is NULL) or every pair (pairwise), pooled two-proportion z-test on effective sizes, two-sided p, Holm and Benjamini-Hochberg adjusted over the rows returned; NULL report: no rows';

-- ---- statistical rejection sampling (RSO) and reward-augmented pairs ----------

CREATE FUNCTION @extschema@.rejection_sample(sql text, beta double precision, per_prompt integer, seed bigint DEFAULT 0)
	RETURNS TABLE (prompt_id bigint, response_id bigint, reward double precision, accepted integer, round integer)
	AS 'MODULE_PATHNAME', 'pref_rejection_sample' LANGUAGE C VOLATILE;
COMMENT ON FUNCTION @extschema@.rejection_sample(text, double precision, integer, bigint) IS
'statistical rejection sampling (RSO, Liu et al. 2023) over the query''s (prompt_id, response_id, reward) rows: per prompt, in rounds over the remaining responses in id order, accept each with probability exp((reward - max remaining reward) / beta) until per_prompt are accepted; accepted = acceptance order, round = round of acceptance; seeded per (seed, prompt)';

CREATE FUNCTION @extschema@.rso_pairs(sql text, beta double precision, per_prompt integer, seed bigint DEFAULT 0,
	pairing text DEFAULT 'adjacent')
	RETURNS TABLE (prompt_id bigint, chosen_id bigint, rejected_id bigint, chosen_reward double precision,
				   rejected_reward double precision)
	AS 'MODULE_PATHNAME', 'pref_rso_pairs' LANGUAGE C VOLATILE;
COMMENT ON FUNCTION @extschema@.rso_pairs(text, double precision, integer, bigint, text) IS
'preference pairs from pref.rejection_sample''s accepted responses (same arguments): pairing adjacent = the 1st with the 2nd accepted, the 3rd with the 4th, ...; all = every pair; the higher reward is chosen, equal rewards give no pair';

CREATE FUNCTION @extschema@.reward_augmented_pairs(sql text)
	RETURNS TABLE (prompt_id bigint, target_reward double precision, chosen_id bigint, rejected_id bigint,
				   chosen_reward double precision, rejected_reward double precision, flipped boolean)
	AS 'MODULE_PATHNAME', 'pref_reward_augmented_pairs' LANGUAGE C VOLATILE;
COMMENT ON FUNCTION @extschema@.reward_augmented_pairs(text) IS
'reward-augmented pairs (Zhang et al. 2024) of the query''s (prompt_id, chosen_id, rejected_id, chosen_reward, rejected_reward) rows: each pair with distinct rewards becomes two pairs conditioned on a target reward, target = chosen_reward preferring chosen and target = rejected_reward preferring rejected (flipped); pairs with equal rewards are skipped';

-- ---- issue 13: any id type
-- Overloads of the functions that read ids from an inner query, with an
-- id_type argument; the bigint signatures keep their meaning.

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

-- Ids of any type: the same functions with an id_type argument (e.g.
-- id_type => NULL::uuid) return the ids in that type; the query's id
-- column must have it.  Ties go to the smaller id in the type's btree
-- order, text compared bytewise (COLLATE "C").

CREATE FUNCTION @extschema@.select_subset(
	sql text,
	k integer,
	id_type anyelement,
	method text DEFAULT 'facility_location',
	metric text DEFAULT 'cosine',
	lambda double precision DEFAULT NULL,
	greedy text DEFAULT 'lazy',
	epsilon double precision DEFAULT NULL,
	gamma double precision DEFAULT NULL,
	seed bigint DEFAULT NULL,
	initial text[] DEFAULT NULL,
	n_neighbors integer DEFAULT NULL,
	single_precision boolean DEFAULT false,
	OUT id anyelement,
	OUT pick integer,
	OUT gain double precision,
	OUT objective double precision)
RETURNS SETOF record
	AS 'MODULE_PATHNAME', 'pref_select_subset_any' LANGUAGE C VOLATILE PARALLEL UNSAFE
	ROWS 100;
COMMENT ON FUNCTION @extschema@.select_subset(text, integer, anyelement, text, text, double precision, text, double precision, double precision, bigint, text[], integer, boolean) IS
'pref.select_subset with ids of any type (id_type => NULL::text, NULL::uuid, ...): the query''s id has the type of id_type, initial gives ids in their text form, and the picks return them in id_type';

CREATE FUNCTION @extschema@.near_duplicates(
	sql text,
	id_type anyelement,
	threshold double precision DEFAULT 0.95,
	metric text DEFAULT 'cosine',
	gamma double precision DEFAULT NULL,
	OUT id anyelement,
	OUT group_id anyelement)
RETURNS SETOF record
	AS 'MODULE_PATHNAME', 'pref_near_duplicates_any' LANGUAGE C VOLATILE PARALLEL UNSAFE
	ROWS 1000;
COMMENT ON FUNCTION @extschema@.near_duplicates(text, anyelement, double precision, text, double precision) IS
'pref.near_duplicates with ids of any type (id_type => NULL::text, NULL::uuid, ...); group_id is the smallest id of the group in the type''s btree order (text bytewise)';

CREATE FUNCTION @extschema@.pareto_front(
	sql text,
	id_type anyelement,
	OUT id anyelement,
	OUT front integer)
RETURNS SETOF record
	AS 'MODULE_PATHNAME', 'pref_pareto_front_any' LANGUAGE C VOLATILE PARALLEL UNSAFE
	ROWS 1000;
COMMENT ON FUNCTION @extschema@.pareto_front(text, anyelement) IS
'pref.pareto_front with ids of any type (id_type => NULL::text, NULL::uuid, ...), returned in that type';

-- Ids of any type: the same functions with an id_type argument (e.g.
-- id_type => NULL::uuid) return the ids in that type; the query's id
-- columns must have it.

CREATE FUNCTION @extschema@.binarize(
	sql text,
	id_type anyelement,
	strategy text DEFAULT 'best_vs_random',
	min_margin double precision DEFAULT 0,
	seed bigint DEFAULT 0,
	weights double precision[] DEFAULT NULL)
RETURNS TABLE (prompt_id anyelement, chosen anyelement, rejected anyelement, margin double precision)
AS 'MODULE_PATHNAME', 'pref_binarize_any'
LANGUAGE C VOLATILE;

COMMENT ON FUNCTION @extschema@.binarize(text, anyelement, text, double precision, bigint, double precision[]) IS
'pref.binarize with prompt and response ids of any type (id_type => NULL::text, NULL::uuid, ...): both id columns of the query must have the type of id_type, and the pairs return them in it';

CREATE FUNCTION @extschema@.majority_vote(sql text, id_type anyelement, ties text DEFAULT 'null')
RETURNS TABLE (item_id anyelement, label text, votes integer, total integer, share double precision, tied boolean)
AS 'MODULE_PATHNAME', 'pref_majority_vote_any'
LANGUAGE C VOLATILE;

COMMENT ON FUNCTION @extschema@.majority_vote(text, anyelement, text) IS
'pref.majority_vote with item ids of any type (id_type => NULL::text, NULL::uuid, ...): the query''s item_id must have the type of id_type, and the result returns it in it';

CREATE FUNCTION @extschema@.dawid_skene(
	sql text,
	id_type anyelement,
	max_iter integer DEFAULT 100,
	tol double precision DEFAULT 1e-6,
	smoothing double precision DEFAULT 0.01)
RETURNS TABLE (item_id anyelement, label text, probability double precision, labels text[],
	probabilities double precision[], iterations integer, converged boolean, log_likelihood double precision)
AS 'MODULE_PATHNAME', 'pref_dawid_skene_any'
LANGUAGE C VOLATILE;

COMMENT ON FUNCTION @extschema@.dawid_skene(text, anyelement, integer, double precision, double precision) IS
'pref.dawid_skene with item ids of any type (id_type => NULL::text, NULL::uuid, ...): the query''s item_id must have the type of id_type, and the result returns it in it';

-- ---- issue 13: integer[] and numeric[] vectors in the BLAS aggregates and model functions
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
CREATE FUNCTION @extschema@.pca_project(x integer[], mean double precision[], components double precision[]) RETURNS double precision[]
	AS 'MODULE_PATHNAME', 'pref_pca_project' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.pca_project(integer[], double precision[], double precision[]) IS
'coordinates of x (integer[], read as double precision) on principal components: components (x - mean)';
CREATE FUNCTION @extschema@.pca_project(x numeric[], mean double precision[], components double precision[]) RETURNS double precision[]
	AS 'MODULE_PATHNAME', 'pref_pca_project' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.pca_project(numeric[], double precision[], double precision[]) IS
'coordinates of x (numeric[], read as double precision) on principal components: components (x - mean)';
CREATE FUNCTION @extschema@.reward_score(model @extschema@.linear_model, x integer[]) RETURNS double precision
	AS 'MODULE_PATHNAME', 'pref_reward_score' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.reward_score(@extschema@.linear_model, integer[]) IS
'reward of one response embedding (integer[], read as double precision): weights . x + bias';
CREATE FUNCTION @extschema@.reward_score(model @extschema@.linear_model, x numeric[]) RETURNS double precision
	AS 'MODULE_PATHNAME', 'pref_reward_score' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.reward_score(@extschema@.linear_model, numeric[]) IS
'reward of one response embedding (numeric[], read as double precision): weights . x + bias';
CREATE FUNCTION @extschema@.reward_margin(model @extschema@.linear_model, chosen integer[], rejected integer[]) RETURNS double precision
	AS 'MODULE_PATHNAME', 'pref_reward_margin' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.reward_margin(@extschema@.linear_model, integer[], integer[]) IS
'reward margin of a pair (integer[], read as double precision): weights . (chosen - rejected)';
CREATE FUNCTION @extschema@.reward_margin(model @extschema@.linear_model, chosen numeric[], rejected numeric[]) RETURNS double precision
	AS 'MODULE_PATHNAME', 'pref_reward_margin' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.reward_margin(@extschema@.linear_model, numeric[], numeric[]) IS
'reward margin of a pair (numeric[], read as double precision): weights . (chosen - rejected)';

-- ---- issue 13: Plackett-Luce model
-- pref.pl_fit (a pref.bt_model of kind plackett_luce, format version 3;
-- stored version 2 models read as before), pref.pl_bootstrap, and the
-- comments of the model readers that now take Plackett-Luce models.
COMMENT ON TYPE @extschema@.bt_model IS
'fitted Bradley-Terry model, or Plackett-Luce model of rankings (pref.pl_fit; format version 3, "model": "plackett_luce"): items, log-strengths, standard errors (model and sandwich), tie parameter, order effect, log-likelihood, iterations, options and the tally it was fitted on (for Plackett-Luce the implied pairs, and the rankings); text form is complete versioned JSON (exact round trip), pref.bt_summary is the human summary';
COMMENT ON FUNCTION @extschema@.ratings(@extschema@.bt_model, text, text, double precision, double precision, text) IS
'leaderboard of a model: rating (elo = 400/ln 10 * theta + 1000, or logit = theta with mean 0; an anchor item pinned to anchor_rating), standard error (model or sandwich), interval at level, interval-aware rank, wins, losses, ties, games (for a Plackett-Luce model, the pairwise outcomes its rankings imply)';
COMMENT ON FUNCTION @extschema@.bt_summary(@extschema@.bt_model) IS
'model summary: model (bradley_terry or plackett_luce), items, loglik, iterations, converged, rows used and skipped, prior, ties, tie_param, tie_param_se, p_tie_equal, order_effect, order_effect_se';
COMMENT ON FUNCTION @extschema@.plackett_luce_final(@extschema@.ranking_state) IS
'pref.plackett_luce final function: fits by MM over the canonical problem of the rankings (tied items sorted, rankings sorted, duplicates merged), so independent of row order; NULL for a NULL state or no rankings';

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

-- ---- issue 14: Dawid-Skene counts repeated labels (repeats => 'count' | 'error')
DROP FUNCTION @extschema@.dawid_skene(text, integer, double precision, double precision);
DROP FUNCTION @extschema@.dawid_skene_annotators(text, integer, double precision, double precision);
DROP FUNCTION @extschema@.dawid_skene(text, anyelement, integer, double precision, double precision);
CREATE FUNCTION @extschema@.dawid_skene(
	sql text,
	max_iter integer DEFAULT 100,
	tol double precision DEFAULT 1e-6,
	smoothing double precision DEFAULT 0.01,
	repeats text DEFAULT 'count')
RETURNS TABLE (item_id bigint, label text, probability double precision, labels text[],
	probabilities double precision[], iterations integer, converged boolean, log_likelihood double precision)
AS 'MODULE_PATHNAME', 'pref_dawid_skene'
LANGUAGE C VOLATILE;

COMMENT ON FUNCTION @extschema@.dawid_skene(text, integer, double precision, double precision, text) IS
'Dawid-Skene EM over (item_id, annotator, label) rows: per item the most probable true label, its posterior, and the posteriors of all labels; repeats count (an annotator''s repeated labels of an item are separate observations, as in Dawid and Skene 1979) or error';

CREATE FUNCTION @extschema@.dawid_skene_annotators(
	sql text,
	max_iter integer DEFAULT 100,
	tol double precision DEFAULT 1e-6,
	smoothing double precision DEFAULT 0.01,
	repeats text DEFAULT 'count')
RETURNS TABLE (annotator text, labelled integer, accuracy double precision, labels text[],
	confusion double precision[], class_prior double precision[], iterations integer, converged boolean)
AS 'MODULE_PATHNAME', 'pref_dawid_skene_annotators'
LANGUAGE C VOLATILE;

COMMENT ON FUNCTION @extschema@.dawid_skene_annotators(text, integer, double precision, double precision, text) IS
'Dawid-Skene EM over (item_id, annotator, label) rows: per annotator the estimated confusion matrix (true label x given label) and accuracy; repeats count (repeated labels are separate observations) or error';

CREATE FUNCTION @extschema@.dawid_skene(
	sql text,
	id_type anyelement,
	max_iter integer DEFAULT 100,
	tol double precision DEFAULT 1e-6,
	smoothing double precision DEFAULT 0.01,
	repeats text DEFAULT 'count')
RETURNS TABLE (item_id anyelement, label text, probability double precision, labels text[],
	probabilities double precision[], iterations integer, converged boolean, log_likelihood double precision)
AS 'MODULE_PATHNAME', 'pref_dawid_skene_any'
LANGUAGE C VOLATILE;

COMMENT ON FUNCTION @extschema@.dawid_skene(text, anyelement, integer, double precision, double precision, text) IS
'pref.dawid_skene with item ids of any type (id_type => NULL::text, NULL::uuid, ...): the query''s item_id must have the type of id_type, and the result returns it in it';

-- ---- issue 13: ids of any type in rejection sampling and reward-augmented pairs
-- Ids of any type (as pref.binarize): the same functions with an id_type
-- argument return the ids in that type; the query's id columns must have it.
CREATE FUNCTION @extschema@.rejection_sample(sql text, beta double precision, per_prompt integer, seed bigint,
	id_type anyelement)
	RETURNS TABLE (prompt_id anyelement, response_id anyelement, reward double precision, accepted integer, round integer)
	AS 'MODULE_PATHNAME', 'pref_rejection_sample_any' LANGUAGE C VOLATILE;
COMMENT ON FUNCTION @extschema@.rejection_sample(text, double precision, integer, bigint, anyelement) IS
'pref.rejection_sample with prompt and response ids of any type (id_type => NULL::text, NULL::uuid, ...; seed is required here, so that a positional seed never matches id_type); a prompt''s draws depend only on the seed and that prompt''s id';

CREATE FUNCTION @extschema@.rso_pairs(sql text, beta double precision, per_prompt integer, seed bigint,
	pairing text, id_type anyelement)
	RETURNS TABLE (prompt_id anyelement, chosen_id anyelement, rejected_id anyelement, chosen_reward double precision,
				   rejected_reward double precision)
	AS 'MODULE_PATHNAME', 'pref_rso_pairs_any' LANGUAGE C VOLATILE;
COMMENT ON FUNCTION @extschema@.rso_pairs(text, double precision, integer, bigint, text, anyelement) IS
'pref.rso_pairs with prompt and response ids of any type (id_type => NULL::text, NULL::uuid, ...; seed and pairing are required here)';

CREATE FUNCTION @extschema@.reward_augmented_pairs(sql text, id_type anyelement)
	RETURNS TABLE (prompt_id anyelement, target_reward double precision, chosen_id anyelement, rejected_id anyelement,
				   chosen_reward double precision, rejected_reward double precision, flipped boolean)
	AS 'MODULE_PATHNAME', 'pref_reward_augmented_pairs_any' LANGUAGE C VOLATILE;
COMMENT ON FUNCTION @extschema@.reward_augmented_pairs(text, anyelement) IS
'pref.reward_augmented_pairs with prompt and response ids of any type (id_type => NULL::text, NULL::uuid, ...)';

-- ---- issue 14: intrans (circular triads, consistence, preference embedding)


CREATE FUNCTION @extschema@.circular_triads(t @extschema@.tally)
	RETURNS TABLE (item text, circular_triads bigint, triads bigint, share double precision)
	AS 'MODULE_PATHNAME', 'pref_circular_triads' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 100;
COMMENT ON FUNCTION @extschema@.circular_triads(@extschema@.tally) IS
'per item of a tally: circular triads of the majority tournament through it (i > j > k > i), triples through it whose three pairs are decided, and their share';

CREATE FUNCTION @extschema@.intransitivity(t @extschema@.tally,
	OUT items integer, OUT decided_pairs bigint, OUT tied_pairs bigint, OUT missing_pairs bigint,
	OUT triads bigint, OUT circular_triads bigint, OUT max_circular_triads bigint,
	OUT consistence double precision, OUT statistic double precision, OUT df double precision,
	OUT p_value double precision, OUT test text)
	AS 'MODULE_PATHNAME', 'pref_intransitivity' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.intransitivity(@extschema@.tally) IS
'intransitivity of a tally''s majority tournament: circular triads, Kendall''s coefficient of consistence 1 - d / d_max and the test of random judgements (exact for up to 7 items, Kendall''s chi-square approximation above); consistence and test need every pair decided';

CREATE FUNCTION @extschema@.preference_embedding(t @extschema@.tally, dim integer DEFAULT 2,
	prior double precision DEFAULT 0.01, holdout double precision DEFAULT 0.2, seed bigint DEFAULT 42,
	restarts integer DEFAULT 3, ties text DEFAULT 'half', max_iter integer DEFAULT 1000,
	tol double precision DEFAULT 1e-8)
	RETURNS jsonb
	AS 'MODULE_PATHNAME', 'pref_preference_embedding' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.preference_embedding(@extschema@.tally, integer, double precision, double precision, bigint, integer, text, integer, double precision) IS
'skew-symmetric preference embedding of a tally (P(i beats j) = sigmoid(v_i'' R v_j), R of 2 x 2 rotation blocks, dimension dim = 2k) fitted by L-BFGS with a Gaussian prior, seeded restarts and a seeded hold-out split; jsonb with loglik, held-out log loss and the same figures of a Bradley-Terry fit of the training part, and the vectors';

CREATE FUNCTION @extschema@.embedding_win_prob(fit jsonb, a text, b text) RETURNS double precision
	AS 'MODULE_PATHNAME', 'pref_embedding_win_prob_text' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.embedding_win_prob(jsonb, text, text) IS 'probability that a is preferred to b under a pref.preference_embedding fit';
CREATE FUNCTION @extschema@.embedding_win_prob(fit jsonb, a bigint, b bigint) RETURNS double precision
	AS 'MODULE_PATHNAME', 'pref_embedding_win_prob_int' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.embedding_win_prob(jsonb, bigint, bigint) IS 'probability that a is preferred to b under a pref.preference_embedding fit';
CREATE FUNCTION @extschema@.embedding_win_prob(v_a double precision[], v_b double precision[]) RETURNS double precision
	AS 'MODULE_PATHNAME', 'pref_embedding_win_prob_vec' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.embedding_win_prob(double precision[], double precision[]) IS 'sigmoid(v_a'' R v_b): the probability that the item with vector v_a is preferred to the one with v_b (R of 2 x 2 rotation blocks)';

-- ---- issue 15: kmeans
-- k-means: pref.kmeans, pref.kmeans_pass, pref.kmeans_assign (new in 0.2.0; src/kmeans.sql)

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
	init double precision[] DEFAULT NULL,
	OUT centroids double precision[], OUT sizes bigint[], OUT inertia double precision,
	OUT inertia_history double precision[], OUT iterations integer, OUT converged boolean,
	OUT n_rows bigint, OUT n_skipped bigint)
	AS 'MODULE_PATHNAME', 'pref_kmeans' LANGUAGE C VOLATILE PARALLEL UNSAFE;
COMMENT ON FUNCTION @extschema@.kmeans(text, integer, integer, double precision, bigint, text, double precision[]) IS
'k-means of the inner query''s (id, embedding) rows: k-means++ seeding (seed) or init, Lloyd passes until the squared centroid shift is at most tol times the mean variance or max_iter; centroids (k x d), sizes, final inertia and inertia per pass';

-- cluster-pruned (IVF) neighbour graphs: pref.select_subset_ivf, pref.knn_graph (new in 0.2.0; src/ivf.sql)

CREATE FUNCTION @extschema@.select_subset_ivf(sql text, k integer, n_neighbors integer DEFAULT 20,
	clusters integer DEFAULT NULL, n_probe integer DEFAULT 8, metric text DEFAULT 'cosine',
	gamma double precision DEFAULT NULL, seed bigint DEFAULT 0, recall_sample integer DEFAULT 1000,
	lambda double precision DEFAULT 1.0)
RETURNS TABLE (id bigint, pick integer, gain double precision, objective double precision)
	AS 'MODULE_PATHNAME', 'pref_select_subset_ivf' LANGUAGE C VOLATILE PARALLEL UNSAFE;
COMMENT ON FUNCTION @extschema@.select_subset_ivf(text, integer, integer, integer, integer, text, double precision, bigint, integer, double precision) IS
'facility location (lazy greedy) on an n_neighbors graph built by searching only the rows of each row''s n_probe nearest k-means clusters (IVF); the inner query gives (id, embedding [, quality]); a NOTICE reports the graph''s recall against exact lists on recall_sample rows';

CREATE FUNCTION @extschema@.knn_graph(sql text, n_neighbors integer DEFAULT 20,
	clusters integer DEFAULT NULL, n_probe integer DEFAULT 8, metric text DEFAULT 'cosine',
	gamma double precision DEFAULT NULL, seed bigint DEFAULT 0, recall_sample integer DEFAULT 1000)
RETURNS TABLE (id bigint, neighbor bigint, similarity double precision)
	AS 'MODULE_PATHNAME', 'pref_knn_graph' LANGUAGE C VOLATILE PARALLEL UNSAFE;
COMMENT ON FUNCTION @extschema@.knn_graph(text, integer, integer, integer, text, double precision, bigint, integer) IS
'the n_neighbors most similar rows of every row of the inner query''s (id, embedding) rows (itself included), searched in the n_probe nearest k-means clusters (IVF; n_probe => clusters: exact); a NOTICE reports recall against exact lists on recall_sample rows';

-- ---- issue 14: latent-class BT

CREATE FUNCTION @extschema@.latent_class_bt(
	sql text,
	k integer,
	restarts integer DEFAULT 5,
	seed bigint DEFAULT 0,
	prior double precision DEFAULT 0,
	ties text DEFAULT 'auto',
	max_iter integer DEFAULT 500,
	tol double precision DEFAULT 1e-9)
RETURNS jsonb
AS 'MODULE_PATHNAME', 'pref_latent_class_bt'
LANGUAGE C VOLATILE;
COMMENT ON FUNCTION @extschema@.latent_class_bt(text, integer, integer, bigint, double precision, text, integer, double precision) IS
'latent-class Bradley-Terry over (annotator, winner, loser [, tie [, weight]]) rows (per-annotator tallies through pref.tally_cells): EM with seeded restarts (best log-likelihood wins) fits k classes of annotators, each with its own ratings (standard errors from the class-weighted comparisons), a share, and per annotator the posterior class probabilities; loglik, BIC, iterations, convergence and the log-likelihood after every EM iteration; ties and prior as pref.bradley_terry';

CREATE FUNCTION @extschema@.latent_class_ratings(fit jsonb)
RETURNS TABLE (class integer, share double precision, item text, rating double precision, std_error double precision)
AS $$
	SELECT (c->>'class')::integer, (c->>'share')::double precision, r->>'item',
	       (r->>'rating')::double precision, (r->>'std_error')::double precision
	FROM jsonb_array_elements(CASE WHEN jsonb_typeof(fit->'classes') = 'array' THEN fit->'classes' END) c,
	     jsonb_array_elements(CASE WHEN jsonb_typeof(c->'ratings') = 'array' THEN c->'ratings' END) r
$$ LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.latent_class_ratings(jsonb) IS
'the classes of a pref.latent_class_bt fit as rows: class, share, item (as text), rating, std_error';

CREATE FUNCTION @extschema@.latent_class_posteriors(fit jsonb)
RETURNS TABLE (annotator text, class integer, probability double precision, assigned boolean)
AS $$
	SELECT p->>'annotator', c.ord::integer, c.v::double precision, c.ord = (p->>'class')::integer
	FROM jsonb_array_elements(CASE WHEN jsonb_typeof(fit->'posteriors') = 'array' THEN fit->'posteriors' END) p,
	     jsonb_array_elements_text(CASE WHEN jsonb_typeof(p->'probabilities') = 'array' THEN p->'probabilities' END)
	         WITH ORDINALITY c(v, ord)
$$ LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.latent_class_posteriors(jsonb) IS
'the annotators of a pref.latent_class_bt fit as rows: annotator (as text), class, posterior probability, and whether it is the annotator''s most probable class';

-- ---- issue 15: near_duplicates grouping
-- near_duplicates gains grouping => 'component' | 'representative' (new C
-- entry points; the old ones are stubs in compat.c)
DROP FUNCTION @extschema@.near_duplicates(text, double precision, text, double precision);
DROP FUNCTION @extschema@.near_duplicates(text, anyelement, double precision, text, double precision);

CREATE FUNCTION @extschema@.near_duplicates(
	sql text,
	threshold double precision DEFAULT 0.95,
	metric text DEFAULT 'cosine',
	gamma double precision DEFAULT NULL,
	method text DEFAULT 'component',
	OUT id bigint,
	OUT group_id bigint)
RETURNS SETOF record
	AS 'MODULE_PATHNAME', 'pref_near_duplicates_grouped' LANGUAGE C VOLATILE PARALLEL UNSAFE
	ROWS 1000;
COMMENT ON FUNCTION @extschema@.near_duplicates(text, double precision, text, double precision, text) IS
'groups of near-duplicate rows of an inner query (id, embedding): method component (rows connected by similarity >= threshold, may chain) or representative (each row joins its most similar representative, chosen in id order; cannot chain); group_id is the smallest id of the group';

CREATE FUNCTION @extschema@.near_duplicates(
	sql text,
	id_type anyelement,
	threshold double precision DEFAULT 0.95,
	metric text DEFAULT 'cosine',
	gamma double precision DEFAULT NULL,
	method text DEFAULT 'component',
	OUT id anyelement,
	OUT group_id anyelement)
RETURNS SETOF record
	AS 'MODULE_PATHNAME', 'pref_near_duplicates_grouped_any' LANGUAGE C VOLATILE PARALLEL UNSAFE
	ROWS 1000;
COMMENT ON FUNCTION @extschema@.near_duplicates(text, anyelement, double precision, text, double precision, text) IS
'pref.near_duplicates with ids of any type (id_type => NULL::text, NULL::uuid, ...); group_id is the smallest id of the group in the type''s btree order (text bytewise)';


-- ---- issue 15: select_by_cluster
CREATE FUNCTION @extschema@.select_by_cluster(
	sql text,
	k integer,
	quota text DEFAULT 'proportional',
	method text DEFAULT 'facility_location',
	metric text DEFAULT 'cosine',
	lambda double precision DEFAULT NULL,
	gamma double precision DEFAULT NULL,
	temperature double precision DEFAULT NULL,
	OUT id bigint,
	OUT cluster bigint,
	OUT pick integer,
	OUT gain double precision,
	OUT objective double precision)
RETURNS SETOF record
	AS 'MODULE_PATHNAME', 'pref_select_by_cluster' LANGUAGE C VOLATILE PARALLEL UNSAFE
	ROWS 100;
COMMENT ON FUNCTION @extschema@.select_by_cluster(text, integer, text, text, text, double precision, double precision, double precision) IS
'cluster-quota selection over an inner query (id, embedding, cluster [, quality]): k split among the clusters (quota fixed, proportional or quality; largest remainder, capped at the cluster sizes), then facility_location, k_center, dpp or mmr within each cluster; returns (id, cluster, pick, gain, objective) by cluster and pick';

CREATE FUNCTION @extschema@.select_by_cluster(
	sql text,
	k integer,
	id_type anyelement,
	quota text DEFAULT 'proportional',
	method text DEFAULT 'facility_location',
	metric text DEFAULT 'cosine',
	lambda double precision DEFAULT NULL,
	gamma double precision DEFAULT NULL,
	temperature double precision DEFAULT NULL,
	OUT id anyelement,
	OUT cluster bigint,
	OUT pick integer,
	OUT gain double precision,
	OUT objective double precision)
RETURNS SETOF record
	AS 'MODULE_PATHNAME', 'pref_select_by_cluster_any' LANGUAGE C VOLATILE PARALLEL UNSAFE
	ROWS 100;
COMMENT ON FUNCTION @extschema@.select_by_cluster(text, integer, anyelement, text, text, text, double precision, double precision, double precision) IS
'pref.select_by_cluster with ids of any type (id_type => NULL::text, NULL::uuid, ...), returned in that type';

-- ---- issue 15: select_greedi
-- partition-mergeable selection: GreeDi-style two-round facility location
CREATE TYPE @extschema@.greedi_state;
CREATE FUNCTION @extschema@.greedi_state_in(cstring) RETURNS @extschema@.greedi_state
	AS 'MODULE_PATHNAME', 'pref_greedi_state_in' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.greedi_state_out(@extschema@.greedi_state) RETURNS cstring
	AS 'MODULE_PATHNAME', 'pref_greedi_state_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.greedi_state_recv(internal) RETURNS @extschema@.greedi_state
	AS 'MODULE_PATHNAME', 'pref_greedi_state_recv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.greedi_state_send(@extschema@.greedi_state) RETURNS bytea
	AS 'MODULE_PATHNAME', 'pref_greedi_state_send' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE TYPE @extschema@.greedi_state (
	INPUT = @extschema@.greedi_state_in,
	OUTPUT = @extschema@.greedi_state_out,
	RECEIVE = @extschema@.greedi_state_recv,
	SEND = @extschema@.greedi_state_send,
	INTERNALLENGTH = VARIABLE,
	ALIGNMENT = double,
	STORAGE = extended
);
COMMENT ON TYPE @extschema@.greedi_state IS
'transition state of pref.select_greedi: k, dimension, row counts and the candidate rows (id, embedding, quality, greedy gain) of a partition, at most max(4k, 2048); text form "v1:" + base64 (validated on input)';
COMMENT ON FUNCTION @extschema@.greedi_state_in(cstring) IS 'text input for pref.greedi_state ("v1:" + base64; validated)';
COMMENT ON FUNCTION @extschema@.greedi_state_out(@extschema@.greedi_state) IS 'text output for pref.greedi_state ("v1:" + base64)';
COMMENT ON FUNCTION @extschema@.greedi_state_recv(internal) IS 'binary input for pref.greedi_state (validated)';
COMMENT ON FUNCTION @extschema@.greedi_state_send(@extschema@.greedi_state) IS 'binary output for pref.greedi_state';

CREATE FUNCTION @extschema@.select_greedi_accum(@extschema@.greedi_state, id bigint, embedding real[], k integer)
	RETURNS @extschema@.greedi_state
	AS 'MODULE_PATHNAME', 'pref_select_greedi_accum_real' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.select_greedi_accum(@extschema@.greedi_state, bigint, real[], integer) IS
'transition function of pref.select_greedi (real[] embeddings)';
CREATE FUNCTION @extschema@.select_greedi_accum(@extschema@.greedi_state, id bigint, embedding double precision[], k integer)
	RETURNS @extschema@.greedi_state
	AS 'MODULE_PATHNAME', 'pref_select_greedi_accum_double' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.select_greedi_accum(@extschema@.greedi_state, bigint, double precision[], integer) IS
'transition function of pref.select_greedi (double precision[] embeddings)';
CREATE FUNCTION @extschema@.select_greedi_accum(@extschema@.greedi_state, id bigint, embedding real[], k integer, quality double precision)
	RETURNS @extschema@.greedi_state
	AS 'MODULE_PATHNAME', 'pref_select_greedi_accum_real_q' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.select_greedi_accum(@extschema@.greedi_state, bigint, real[], integer, double precision) IS
'transition function of pref.select_greedi (real[] embeddings, quality)';
CREATE FUNCTION @extschema@.select_greedi_accum(@extschema@.greedi_state, id bigint, embedding double precision[], k integer, quality double precision)
	RETURNS @extschema@.greedi_state
	AS 'MODULE_PATHNAME', 'pref_select_greedi_accum_double_q' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.select_greedi_accum(@extschema@.greedi_state, bigint, double precision[], integer, double precision) IS
'transition function of pref.select_greedi (double precision[] embeddings, quality)';
CREATE FUNCTION @extschema@.select_greedi_combine(@extschema@.greedi_state, @extschema@.greedi_state)
	RETURNS @extschema@.greedi_state
	AS 'MODULE_PATHNAME', 'pref_select_greedi_combine' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.select_greedi_combine(@extschema@.greedi_state, @extschema@.greedi_state) IS
'combine function of pref.select_greedi: the union of the candidates, reduced to k by greedy when it exceeds max(4k, 2048)';
CREATE FUNCTION @extschema@.select_greedi_final(@extschema@.greedi_state) RETURNS bigint[]
	AS 'MODULE_PATHNAME', 'pref_select_greedi_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.select_greedi_final(@extschema@.greedi_state) IS
'final function of pref.select_greedi: greedy facility location over the candidates, the k ids in pick order';

CREATE AGGREGATE @extschema@.select_greedi(id bigint, embedding real[], k integer) (
	SFUNC = @extschema@.select_greedi_accum, STYPE = @extschema@.greedi_state, SSPACE = 1048576,
	FINALFUNC = @extschema@.select_greedi_final,
	COMBINEFUNC = @extschema@.select_greedi_combine,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.select_greedi(bigint, real[], integer) IS
'k rows by two-round distributed facility location (GreeDi): greedy picks per partition, greedy over their union; bigint[] of ids in pick order (cosine)';
CREATE AGGREGATE @extschema@.select_greedi(id bigint, embedding double precision[], k integer) (
	SFUNC = @extschema@.select_greedi_accum, STYPE = @extschema@.greedi_state, SSPACE = 1048576,
	FINALFUNC = @extschema@.select_greedi_final,
	COMBINEFUNC = @extschema@.select_greedi_combine,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.select_greedi(bigint, double precision[], integer) IS
'k rows by two-round distributed facility location (GreeDi): greedy picks per partition, greedy over their union; bigint[] of ids in pick order (cosine)';
CREATE AGGREGATE @extschema@.select_greedi(id bigint, embedding real[], k integer, quality double precision) (
	SFUNC = @extschema@.select_greedi_accum, STYPE = @extschema@.greedi_state, SSPACE = 1048576,
	FINALFUNC = @extschema@.select_greedi_final,
	COMBINEFUNC = @extschema@.select_greedi_combine,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.select_greedi(bigint, real[], integer, double precision) IS
'k rows by two-round distributed facility location (GreeDi) with a quality term (lambda 1); bigint[] of ids in pick order (cosine)';
CREATE AGGREGATE @extschema@.select_greedi(id bigint, embedding double precision[], k integer, quality double precision) (
	SFUNC = @extschema@.select_greedi_accum, STYPE = @extschema@.greedi_state, SSPACE = 1048576,
	FINALFUNC = @extschema@.select_greedi_final,
	COMBINEFUNC = @extschema@.select_greedi_combine,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.select_greedi(bigint, double precision[], integer, double precision) IS
'k rows by two-round distributed facility location (GreeDi) with a quality term (lambda 1); bigint[] of ids in pick order (cosine)';

-- ---- issue 15: perfsel (dense facility location in float storage by default; Poisson bootstrap)

-- single_precision now defaults to NULL: dense facility location keeps its
-- similarity matrix as real unless single_precision => false (same picks,
-- gains and objectives either way)
CREATE OR REPLACE FUNCTION @extschema@.select_subset(
	sql text,
	k integer,
	method text DEFAULT 'facility_location',
	metric text DEFAULT 'cosine',
	lambda double precision DEFAULT NULL,
	greedy text DEFAULT 'lazy',
	epsilon double precision DEFAULT NULL,
	gamma double precision DEFAULT NULL,
	seed bigint DEFAULT NULL,
	initial bigint[] DEFAULT NULL,
	n_neighbors integer DEFAULT NULL,
	single_precision boolean DEFAULT NULL,
	OUT id bigint,
	OUT pick integer,
	OUT gain double precision,
	OUT objective double precision)
RETURNS SETOF record
	AS 'MODULE_PATHNAME', 'pref_select_subset' LANGUAGE C VOLATILE PARALLEL UNSAFE
	ROWS 100;

CREATE OR REPLACE FUNCTION @extschema@.select_subset(
	sql text,
	k integer,
	id_type anyelement,
	method text DEFAULT 'facility_location',
	metric text DEFAULT 'cosine',
	lambda double precision DEFAULT NULL,
	greedy text DEFAULT 'lazy',
	epsilon double precision DEFAULT NULL,
	gamma double precision DEFAULT NULL,
	seed bigint DEFAULT NULL,
	initial text[] DEFAULT NULL,
	n_neighbors integer DEFAULT NULL,
	single_precision boolean DEFAULT NULL,
	OUT id anyelement,
	OUT pick integer,
	OUT gain double precision,
	OUT objective double precision)
RETURNS SETOF record
	AS 'MODULE_PATHNAME', 'pref_select_subset_any' LANGUAGE C VOLATILE PARALLEL UNSAFE
	ROWS 100;

-- bt_bootstrap gains resample => 'multinomial' | 'poisson' (new C entry
-- point; the 0.1.0 one stays, with multinomial resampling)
DROP FUNCTION @extschema@.bt_bootstrap(@extschema@.tally, integer, bigint, double precision, double precision, text, text, boolean);
CREATE FUNCTION @extschema@.bt_bootstrap(t @extschema@.tally, rounds integer DEFAULT 1000, seed bigint DEFAULT 42,
	level double precision DEFAULT 0.95, prior double precision DEFAULT 0, ties text DEFAULT 'auto',
	scale text DEFAULT 'elo', order_effect boolean DEFAULT false, resample text DEFAULT 'multinomial')
	RETURNS TABLE (item text, rating double precision, std_error double precision, lower double precision,
				   upper double precision, rank integer, rank_lower integer, rank_upper integer, rounds integer)
	AS 'MODULE_PATHNAME', 'pref_bt_bootstrap_resample' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 100;
COMMENT ON FUNCTION @extschema@.bt_bootstrap(@extschema@.tally, integer, bigint, double precision, double precision, text, text, boolean, text) IS
'bootstrap intervals of a Bradley-Terry fit over the tally cells (no pass over the rows), warm-started refits; resample multinomial (the battles resampled with replacement, exact multinomial draw) or poisson (each battle weighted by a Poisson(1) draw, per-cell seeded streams: mergeable across tallies); per item the full-data rating, bootstrap standard error, percentile interval, interval-aware rank, rank interval and rounds used; reproducible for a seed';

-- ---- issue 15: rows (ids of any type for select_subset_ivf and knn_graph)
CREATE FUNCTION @extschema@.select_subset_ivf(sql text, k integer, id_type anyelement,
	n_neighbors integer DEFAULT 20, clusters integer DEFAULT NULL, n_probe integer DEFAULT 8,
	metric text DEFAULT 'cosine', gamma double precision DEFAULT NULL, seed bigint DEFAULT 0,
	recall_sample integer DEFAULT 1000, lambda double precision DEFAULT 1.0)
RETURNS TABLE (id anyelement, pick integer, gain double precision, objective double precision)
	AS 'MODULE_PATHNAME', 'pref_select_subset_ivf_any' LANGUAGE C VOLATILE PARALLEL UNSAFE;
COMMENT ON FUNCTION @extschema@.select_subset_ivf(text, integer, anyelement, integer, integer, integer, text, double precision, bigint, integer, double precision) IS
'pref.select_subset_ivf with ids of any type (id_type => NULL::text, NULL::uuid, ...): the query''s id has the type of id_type and the picks return it';

CREATE FUNCTION @extschema@.knn_graph(sql text, id_type anyelement, n_neighbors integer DEFAULT 20,
	clusters integer DEFAULT NULL, n_probe integer DEFAULT 8, metric text DEFAULT 'cosine',
	gamma double precision DEFAULT NULL, seed bigint DEFAULT 0, recall_sample integer DEFAULT 1000)
RETURNS TABLE (id anyelement, neighbor anyelement, similarity double precision)
	AS 'MODULE_PATHNAME', 'pref_knn_graph_any' LANGUAGE C VOLATILE PARALLEL UNSAFE;
COMMENT ON FUNCTION @extschema@.knn_graph(text, anyelement, integer, integer, integer, text, double precision, bigint, integer) IS
'pref.knn_graph with ids of any type (id_type => NULL::text, NULL::uuid, ...): the query''s id has the type of id_type, and id and neighbor return it';
