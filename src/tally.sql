-- pref.tally: sufficient statistics of pairwise comparisons

CREATE TYPE @extschema@.tally;

CREATE FUNCTION @extschema@.tally_in(cstring) RETURNS @extschema@.tally
	AS 'MODULE_PATHNAME', 'pref_tally_in' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.tally_out(@extschema@.tally) RETURNS cstring
	AS 'MODULE_PATHNAME', 'pref_tally_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.tally_recv(internal) RETURNS @extschema@.tally
	AS 'MODULE_PATHNAME', 'pref_tally_recv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.tally_send(@extschema@.tally) RETURNS bytea
	AS 'MODULE_PATHNAME', 'pref_tally_send' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE TYPE @extschema@.tally (
	INPUT = @extschema@.tally_in,
	OUTPUT = @extschema@.tally_out,
	RECEIVE = @extschema@.tally_recv,
	SEND = @extschema@.tally_send,
	INTERNALLENGTH = VARIABLE,
	ALIGNMENT = double,
	STORAGE = extended
);
COMMENT ON TYPE @extschema@.tally IS
'sufficient statistics of pairwise comparisons: sorted item keys (bigint or text) and sparse counts and summed weights of wins, losses and ties per item pair (by presentation order when known), rows used and skipped; text form is JSON; also the state type of the pref.tally, pref.tally_merge and pref.bt_fit aggregates';
COMMENT ON FUNCTION @extschema@.tally_in(cstring) IS 'text (JSON) input for pref.tally: items and cells in any order (canonicalized, repeated cells summed with overflow checks), then the same validation as binary input';
COMMENT ON FUNCTION @extschema@.tally_out(@extschema@.tally) IS 'text (JSON) output for pref.tally; input reproduces the value exactly';
COMMENT ON FUNCTION @extschema@.tally_recv(internal) IS 'binary input for pref.tally: canonical form only; version, sizes, key order and encoding, cells, counts, weights and totals validated';
COMMENT ON FUNCTION @extschema@.tally_send(@extschema@.tally) IS 'binary output for pref.tally';

CREATE FUNCTION @extschema@.tally_eq(@extschema@.tally, @extschema@.tally) RETURNS boolean
	AS 'MODULE_PATHNAME', 'pref_tally_eq' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.tally_ne(@extschema@.tally, @extschema@.tally) RETURNS boolean
	AS 'MODULE_PATHNAME', 'pref_tally_ne' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.tally_eq(@extschema@.tally, @extschema@.tally) IS 'same items, counts and weights (bit for bit)';
COMMENT ON FUNCTION @extschema@.tally_ne(@extschema@.tally, @extschema@.tally) IS 'negation of tally_eq';
CREATE OPERATOR @extschema@.= (
	LEFTARG = @extschema@.tally, RIGHTARG = @extschema@.tally, PROCEDURE = @extschema@.tally_eq,
	COMMUTATOR = OPERATOR(@extschema@.=), NEGATOR = OPERATOR(@extschema@.<>)
);
CREATE OPERATOR @extschema@.<> (
	LEFTARG = @extschema@.tally, RIGHTARG = @extschema@.tally, PROCEDURE = @extschema@.tally_ne,
	COMMUTATOR = OPERATOR(@extschema@.<>), NEGATOR = OPERATOR(@extschema@.=)
);
COMMENT ON OPERATOR @extschema@.= (@extschema@.tally, @extschema@.tally) IS 'tallies are equal (bit for bit)';
COMMENT ON OPERATOR @extschema@.<> (@extschema@.tally, @extschema@.tally) IS 'tallies differ';

CREATE FUNCTION @extschema@.tally_stats(t @extschema@.tally,
	OUT key_type text, OUT positional boolean, OUT items integer, OUT cells integer,
	OUT rows_used bigint, OUT rows_skipped bigint, OUT total_weight double precision)
	AS 'MODULE_PATHNAME', 'pref_tally_stats' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.tally_stats(@extschema@.tally) IS
'summary of a tally: key type, whether presentation order is kept, items, item pairs, rows used and skipped, total weight';
CREATE FUNCTION @extschema@.tally_cells(t @extschema@.tally)
	RETURNS TABLE (item_a text, item_b text, a_wins bigint, b_wins bigint, ties bigint,
				   a_weight double precision, b_weight double precision, tie_weight double precision)
	AS 'MODULE_PATHNAME', 'pref_tally_cells' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 100;
COMMENT ON FUNCTION @extschema@.tally_cells(@extschema@.tally) IS
'one row per item pair of a tally: outcome counts and summed weights (item_a shown first when the tally keeps position, else item_a < item_b)';

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
