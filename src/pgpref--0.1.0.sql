-- pgpref 0.1.0 install script, frozen at the 0.1.0 release (kept so that 0.1.0 installs can be upgraded); do not edit
\echo Use "CREATE EXTENSION pgpref" to load this file. \quit

-- ---- src/pgpref.sql
-- Build facts and BLAS diagnostics

CREATE FUNCTION @extschema@.build_info(
	OUT extension_version text,
	OUT postgres_version text,
	OUT blas_library text,
	OUT blas_core text,
	OUT blas_parallel text,
	OUT blas_threads integer)
RETURNS record
AS 'MODULE_PATHNAME', 'pref_build_info'
LANGUAGE C STABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION @extschema@.build_info() IS
'pgpref version, PostgreSQL version, and the BLAS library, its core type, threading model and thread count in this backend';

CREATE FUNCTION @extschema@.linalg_check(n integer DEFAULT 64)
RETURNS double precision
AS 'MODULE_PATHNAME', 'pref_linalg_check'
LANGUAGE C VOLATILE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION @extschema@.linalg_check(integer) IS
'BLAS/LAPACK self-check: n x n dgemm and a Cholesky solve against naive loops; returns the largest absolute deviation';

-- ---- src/pair.sql
-- pref.pair: one comparison between two bigint items

CREATE TYPE @extschema@.pair;

CREATE FUNCTION @extschema@.pair_in(cstring) RETURNS @extschema@.pair
	AS 'MODULE_PATHNAME', 'pref_pair_in' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.pair_out(@extschema@.pair) RETURNS cstring
	AS 'MODULE_PATHNAME', 'pref_pair_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.pair_recv(internal) RETURNS @extschema@.pair
	AS 'MODULE_PATHNAME', 'pref_pair_recv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.pair_send(@extschema@.pair) RETURNS bytea
	AS 'MODULE_PATHNAME', 'pref_pair_send' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE TYPE @extschema@.pair (
	INPUT = @extschema@.pair_in,
	OUTPUT = @extschema@.pair_out,
	RECEIVE = @extschema@.pair_recv,
	SEND = @extschema@.pair_send,
	INTERNALLENGTH = 32,
	ALIGNMENT = double,
	STORAGE = plain
);

COMMENT ON TYPE @extschema@.pair IS
'one comparison between two bigint items in presentation order: 17>42 (first preferred), 17<42 (second preferred), 17=42 (tie), optional weight suffix *w';
COMMENT ON FUNCTION @extschema@.pair_in(cstring) IS 'text input for pref.pair';
COMMENT ON FUNCTION @extschema@.pair_out(@extschema@.pair) IS 'text output for pref.pair';
COMMENT ON FUNCTION @extschema@.pair_recv(internal) IS 'binary input for pref.pair';
COMMENT ON FUNCTION @extschema@.pair_send(@extschema@.pair) IS 'binary output for pref.pair';

-- constructors
CREATE FUNCTION @extschema@.pair(chosen bigint, rejected bigint, tie boolean DEFAULT false, weight double precision DEFAULT 1)
	RETURNS @extschema@.pair
	AS 'MODULE_PATHNAME', 'pref_pair_make' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.pair(bigint, bigint, boolean, double precision) IS
'pair in which chosen (shown first) is preferred to rejected; tie => chosen=rejected';

CREATE FUNCTION @extschema@.pair(first bigint, second bigint, outcome text, weight double precision DEFAULT 1)
	RETURNS @extschema@.pair
	AS 'MODULE_PATHNAME', 'pref_pair_make_outcome' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.pair(bigint, bigint, text, double precision) IS
'pair from presentation order and outcome: ''>'' first preferred, ''<'' second preferred, ''='' tie';

-- accessors
CREATE FUNCTION @extschema@.chosen(@extschema@.pair) RETURNS bigint
	AS 'MODULE_PATHNAME', 'pref_pair_chosen' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.chosen(@extschema@.pair) IS 'preferred item; NULL for a tie';
CREATE FUNCTION @extschema@.rejected(@extschema@.pair) RETURNS bigint
	AS 'MODULE_PATHNAME', 'pref_pair_rejected' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.rejected(@extschema@.pair) IS 'non-preferred item; NULL for a tie';
CREATE FUNCTION @extschema@.first(@extschema@.pair) RETURNS bigint
	AS 'MODULE_PATHNAME', 'pref_pair_first' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.first(@extschema@.pair) IS 'item shown first';
CREATE FUNCTION @extschema@.second(@extschema@.pair) RETURNS bigint
	AS 'MODULE_PATHNAME', 'pref_pair_second' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.second(@extschema@.pair) IS 'item shown second';
CREATE FUNCTION @extschema@.is_tie(@extschema@.pair) RETURNS boolean
	AS 'MODULE_PATHNAME', 'pref_pair_is_tie' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.is_tie(@extschema@.pair) IS 'true when the outcome is a tie';
CREATE FUNCTION @extschema@.weight(@extschema@.pair) RETURNS double precision
	AS 'MODULE_PATHNAME', 'pref_pair_weight' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.weight(@extschema@.pair) IS 'weight of the comparison (default 1)';
CREATE FUNCTION @extschema@.outcome(@extschema@.pair) RETURNS text
	AS 'MODULE_PATHNAME', 'pref_pair_outcome' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.outcome(@extschema@.pair) IS 'outcome relative to presentation order: >, < or =';

-- transformations
CREATE FUNCTION @extschema@.flip(@extschema@.pair) RETURNS @extschema@.pair
	AS 'MODULE_PATHNAME', 'pref_pair_flip' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.flip(@extschema@.pair) IS
'reverse the preference, keep presentation order (17>42 -> 17<42; ties unchanged); also prefix operator -';
CREATE FUNCTION @extschema@.swap(@extschema@.pair) RETURNS @extschema@.pair
	AS 'MODULE_PATHNAME', 'pref_pair_swap' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.swap(@extschema@.pair) IS
'swap presentation order, keep the preference (17>42 -> 42<17)';
CREATE FUNCTION @extschema@.canonical(@extschema@.pair) RETURNS @extschema@.pair
	AS 'MODULE_PATHNAME', 'pref_pair_canonical' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.canonical(@extschema@.pair) IS
'the same preference presented with the smaller item id first';
CREATE FUNCTION @extschema@.with_weight(@extschema@.pair, double precision) RETURNS @extschema@.pair
	AS 'MODULE_PATHNAME', 'pref_pair_with_weight' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.with_weight(@extschema@.pair, double precision) IS
'the same comparison with another weight';
CREATE FUNCTION @extschema@.same_preference(@extschema@.pair, @extschema@.pair) RETURNS boolean
	AS 'MODULE_PATHNAME', 'pref_pair_same_preference' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.same_preference(@extschema@.pair, @extschema@.pair) IS
'true when both pairs state the same preference, ignoring presentation order and weight; also operator ~=';

CREATE OPERATOR @extschema@.- (
	RIGHTARG = @extschema@.pair,
	FUNCTION = @extschema@.flip
);
COMMENT ON OPERATOR @extschema@.- (NONE, @extschema@.pair) IS 'flip: reverse the preference';

CREATE OPERATOR @extschema@.~= (
	LEFTARG = @extschema@.pair,
	RIGHTARG = @extschema@.pair,
	FUNCTION = @extschema@.same_preference,
	COMMUTATOR = OPERATOR(@extschema@.~=),
	RESTRICT = pg_catalog.eqsel,
	JOIN = pg_catalog.eqjoinsel
);
COMMENT ON OPERATOR @extschema@.~= (@extschema@.pair, @extschema@.pair) IS
'same preference, ignoring presentation order and weight';

-- comparison: first, second, outcome, weight
CREATE FUNCTION @extschema@.pair_eq(@extschema@.pair, @extschema@.pair) RETURNS boolean
	AS 'MODULE_PATHNAME', 'pref_pair_eq' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION @extschema@.pair_ne(@extschema@.pair, @extschema@.pair) RETURNS boolean
	AS 'MODULE_PATHNAME', 'pref_pair_ne' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION @extschema@.pair_lt(@extschema@.pair, @extschema@.pair) RETURNS boolean
	AS 'MODULE_PATHNAME', 'pref_pair_lt' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION @extschema@.pair_le(@extschema@.pair, @extschema@.pair) RETURNS boolean
	AS 'MODULE_PATHNAME', 'pref_pair_le' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION @extschema@.pair_gt(@extschema@.pair, @extschema@.pair) RETURNS boolean
	AS 'MODULE_PATHNAME', 'pref_pair_gt' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION @extschema@.pair_ge(@extschema@.pair, @extschema@.pair) RETURNS boolean
	AS 'MODULE_PATHNAME', 'pref_pair_ge' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION @extschema@.pair_cmp(@extschema@.pair, @extschema@.pair) RETURNS integer
	AS 'MODULE_PATHNAME', 'pref_pair_cmp' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION @extschema@.pair_hash(@extschema@.pair) RETURNS integer
	AS 'MODULE_PATHNAME', 'pref_pair_hash' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION @extschema@.pair_hash_extended(@extschema@.pair, bigint) RETURNS bigint
	AS 'MODULE_PATHNAME', 'pref_pair_hash_extended' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;

COMMENT ON FUNCTION @extschema@.pair_eq(@extschema@.pair, @extschema@.pair) IS 'support for operator =';
COMMENT ON FUNCTION @extschema@.pair_ne(@extschema@.pair, @extschema@.pair) IS 'support for operator <>';
COMMENT ON FUNCTION @extschema@.pair_lt(@extschema@.pair, @extschema@.pair) IS 'support for operator <';
COMMENT ON FUNCTION @extschema@.pair_le(@extschema@.pair, @extschema@.pair) IS 'support for operator <=';
COMMENT ON FUNCTION @extschema@.pair_gt(@extschema@.pair, @extschema@.pair) IS 'support for operator >';
COMMENT ON FUNCTION @extschema@.pair_ge(@extschema@.pair, @extschema@.pair) IS 'support for operator >=';
COMMENT ON FUNCTION @extschema@.pair_cmp(@extschema@.pair, @extschema@.pair) IS 'btree support: order by first, second, outcome, weight';
COMMENT ON FUNCTION @extschema@.pair_hash(@extschema@.pair) IS 'hash support';
COMMENT ON FUNCTION @extschema@.pair_hash_extended(@extschema@.pair, bigint) IS 'extended hash support';

CREATE OPERATOR @extschema@.= (
	LEFTARG = @extschema@.pair, RIGHTARG = @extschema@.pair, FUNCTION = @extschema@.pair_eq,
	COMMUTATOR = OPERATOR(@extschema@.=), NEGATOR = OPERATOR(@extschema@.<>),
	RESTRICT = pg_catalog.eqsel, JOIN = pg_catalog.eqjoinsel, HASHES, MERGES
);
CREATE OPERATOR @extschema@.<> (
	LEFTARG = @extschema@.pair, RIGHTARG = @extschema@.pair, FUNCTION = @extschema@.pair_ne,
	COMMUTATOR = OPERATOR(@extschema@.<>), NEGATOR = OPERATOR(@extschema@.=),
	RESTRICT = pg_catalog.neqsel, JOIN = pg_catalog.neqjoinsel
);
CREATE OPERATOR @extschema@.< (
	LEFTARG = @extschema@.pair, RIGHTARG = @extschema@.pair, FUNCTION = @extschema@.pair_lt,
	COMMUTATOR = OPERATOR(@extschema@.>), NEGATOR = OPERATOR(@extschema@.>=),
	RESTRICT = pg_catalog.scalarltsel, JOIN = pg_catalog.scalarltjoinsel
);
CREATE OPERATOR @extschema@.<= (
	LEFTARG = @extschema@.pair, RIGHTARG = @extschema@.pair, FUNCTION = @extschema@.pair_le,
	COMMUTATOR = OPERATOR(@extschema@.>=), NEGATOR = OPERATOR(@extschema@.>),
	RESTRICT = pg_catalog.scalarlesel, JOIN = pg_catalog.scalarlejoinsel
);
CREATE OPERATOR @extschema@.> (
	LEFTARG = @extschema@.pair, RIGHTARG = @extschema@.pair, FUNCTION = @extschema@.pair_gt,
	COMMUTATOR = OPERATOR(@extschema@.<), NEGATOR = OPERATOR(@extschema@.<=),
	RESTRICT = pg_catalog.scalargtsel, JOIN = pg_catalog.scalargtjoinsel
);
CREATE OPERATOR @extschema@.>= (
	LEFTARG = @extschema@.pair, RIGHTARG = @extschema@.pair, FUNCTION = @extschema@.pair_ge,
	COMMUTATOR = OPERATOR(@extschema@.<=), NEGATOR = OPERATOR(@extschema@.<),
	RESTRICT = pg_catalog.scalargesel, JOIN = pg_catalog.scalargejoinsel
);
COMMENT ON OPERATOR @extschema@.= (@extschema@.pair, @extschema@.pair) IS 'equal: same items, order, outcome and weight';
COMMENT ON OPERATOR @extschema@.<> (@extschema@.pair, @extschema@.pair) IS 'not equal';
COMMENT ON OPERATOR @extschema@.< (@extschema@.pair, @extschema@.pair) IS 'less than (first, second, outcome, weight)';
COMMENT ON OPERATOR @extschema@.<= (@extschema@.pair, @extschema@.pair) IS 'less than or equal';
COMMENT ON OPERATOR @extschema@.> (@extschema@.pair, @extschema@.pair) IS 'greater than';
COMMENT ON OPERATOR @extschema@.>= (@extschema@.pair, @extschema@.pair) IS 'greater than or equal';

CREATE OPERATOR CLASS @extschema@.pair_btree_ops
	DEFAULT FOR TYPE @extschema@.pair USING btree AS
	OPERATOR 1 @extschema@.< ,
	OPERATOR 2 @extschema@.<= ,
	OPERATOR 3 @extschema@.= ,
	OPERATOR 4 @extschema@.>= ,
	OPERATOR 5 @extschema@.> ,
	FUNCTION 1 @extschema@.pair_cmp(@extschema@.pair, @extschema@.pair);

CREATE OPERATOR CLASS @extschema@.pair_hash_ops
	DEFAULT FOR TYPE @extschema@.pair USING hash AS
	OPERATOR 1 @extschema@.= ,
	FUNCTION 1 @extschema@.pair_hash(@extschema@.pair),
	FUNCTION 2 @extschema@.pair_hash_extended(@extschema@.pair, bigint);

COMMENT ON OPERATOR CLASS @extschema@.pair_btree_ops USING btree IS 'default btree operator class for pref.pair';
COMMENT ON OPERATOR CLASS @extschema@.pair_hash_ops USING hash IS 'default hash operator class for pref.pair';
COMMENT ON OPERATOR FAMILY @extschema@.pair_btree_ops USING btree IS 'btree operator family for pref.pair';
COMMENT ON OPERATOR FAMILY @extschema@.pair_hash_ops USING hash IS 'hash operator family for pref.pair';

-- ---- src/ranking.sql
-- pref.ranking: ordered items with tied groups ('3>1=4>2')

CREATE TYPE @extschema@.ranking;

CREATE FUNCTION @extschema@.ranking_in(cstring) RETURNS @extschema@.ranking
	AS 'MODULE_PATHNAME', 'pref_ranking_in' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.ranking_out(@extschema@.ranking) RETURNS cstring
	AS 'MODULE_PATHNAME', 'pref_ranking_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.ranking_recv(internal) RETURNS @extschema@.ranking
	AS 'MODULE_PATHNAME', 'pref_ranking_recv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.ranking_send(@extschema@.ranking) RETURNS bytea
	AS 'MODULE_PATHNAME', 'pref_ranking_send' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE TYPE @extschema@.ranking (
	INPUT = @extschema@.ranking_in,
	OUTPUT = @extschema@.ranking_out,
	RECEIVE = @extschema@.ranking_recv,
	SEND = @extschema@.ranking_send,
	INTERNALLENGTH = VARIABLE,
	ALIGNMENT = double,
	STORAGE = extended
);

COMMENT ON TYPE @extschema@.ranking IS
'ordered list of bigint items, best first, with tied groups: 3>1=4>2';
COMMENT ON FUNCTION @extschema@.ranking_in(cstring) IS 'text input for pref.ranking';
COMMENT ON FUNCTION @extschema@.ranking_out(@extschema@.ranking) IS 'text output for pref.ranking';
COMMENT ON FUNCTION @extschema@.ranking_recv(internal) IS 'binary input for pref.ranking';
COMMENT ON FUNCTION @extschema@.ranking_send(@extschema@.ranking) IS 'binary output for pref.ranking';

CREATE FUNCTION @extschema@.ranking(items bigint[]) RETURNS @extschema@.ranking
	AS 'MODULE_PATHNAME', 'pref_ranking_from_array' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.ranking(bigint[]) IS 'strict ranking from items, best first, no ties';

CREATE FUNCTION @extschema@.ranking(items bigint[], scores double precision[]) RETURNS @extschema@.ranking
	AS 'MODULE_PATHNAME', 'pref_ranking_from_scores' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.ranking(bigint[], double precision[]) IS
'ranking by descending score; equal scores are tied';

CREATE FUNCTION @extschema@.ranking_items(@extschema@.ranking) RETURNS bigint[]
	AS 'MODULE_PATHNAME', 'pref_ranking_items' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.ranking_items(@extschema@.ranking) IS 'items in rank order, best first';

CREATE FUNCTION @extschema@.ranking_size(@extschema@.ranking) RETURNS integer
	AS 'MODULE_PATHNAME', 'pref_ranking_size' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.ranking_size(@extschema@.ranking) IS 'number of items';

CREATE FUNCTION @extschema@.rank_of(@extschema@.ranking, item bigint) RETURNS integer
	AS 'MODULE_PATHNAME', 'pref_ranking_rank' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.rank_of(@extschema@.ranking, bigint) IS
'1-based rank of an item (1 + number of items ranked strictly above it); NULL when absent';

CREATE FUNCTION @extschema@.pairs(@extschema@.ranking) RETURNS SETOF @extschema@.pair
	AS 'MODULE_PATHNAME', 'pref_ranking_pairs' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE
	ROWS 10;
COMMENT ON FUNCTION @extschema@.pairs(@extschema@.ranking) IS
'every pair the ranking implies, better item shown first, ties as ties: n(n-1)/2 pairs';

CREATE FUNCTION @extschema@.ranking_eq(@extschema@.ranking, @extschema@.ranking) RETURNS boolean
	AS 'MODULE_PATHNAME', 'pref_ranking_eq' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION @extschema@.ranking_ne(@extschema@.ranking, @extschema@.ranking) RETURNS boolean
	AS 'MODULE_PATHNAME', 'pref_ranking_ne' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION @extschema@.ranking_hash(@extschema@.ranking) RETURNS integer
	AS 'MODULE_PATHNAME', 'pref_ranking_hash' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
COMMENT ON FUNCTION @extschema@.ranking_eq(@extschema@.ranking, @extschema@.ranking) IS 'support for operator =';
COMMENT ON FUNCTION @extschema@.ranking_ne(@extschema@.ranking, @extschema@.ranking) IS 'support for operator <>';
COMMENT ON FUNCTION @extschema@.ranking_hash(@extschema@.ranking) IS 'hash support';

CREATE OPERATOR @extschema@.= (
	LEFTARG = @extschema@.ranking, RIGHTARG = @extschema@.ranking, FUNCTION = @extschema@.ranking_eq,
	COMMUTATOR = OPERATOR(@extschema@.=), NEGATOR = OPERATOR(@extschema@.<>),
	RESTRICT = pg_catalog.eqsel, JOIN = pg_catalog.eqjoinsel, HASHES
);
CREATE OPERATOR @extschema@.<> (
	LEFTARG = @extschema@.ranking, RIGHTARG = @extschema@.ranking, FUNCTION = @extschema@.ranking_ne,
	COMMUTATOR = OPERATOR(@extschema@.<>), NEGATOR = OPERATOR(@extschema@.=),
	RESTRICT = pg_catalog.neqsel, JOIN = pg_catalog.neqjoinsel
);
COMMENT ON OPERATOR @extschema@.= (@extschema@.ranking, @extschema@.ranking) IS 'same items in the same order with the same ties';
COMMENT ON OPERATOR @extschema@.<> (@extschema@.ranking, @extschema@.ranking) IS 'not equal';

CREATE OPERATOR CLASS @extschema@.ranking_hash_ops
	DEFAULT FOR TYPE @extschema@.ranking USING hash AS
	OPERATOR 1 @extschema@.= ,
	FUNCTION 1 @extschema@.ranking_hash(@extschema@.ranking);
COMMENT ON OPERATOR CLASS @extschema@.ranking_hash_ops USING hash IS 'default hash operator class for pref.ranking';
COMMENT ON OPERATOR FAMILY @extschema@.ranking_hash_ops USING hash IS 'hash operator family for pref.ranking';

-- ---- src/tally.sql
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
'sufficient statistics of pairwise comparisons: sorted item keys (bigint or text) and sparse counts and summed weights of wins, losses and ties per item pair (by presentation order when known), rows used and skipped; text form is JSON';
COMMENT ON FUNCTION @extschema@.tally_in(cstring) IS 'text (JSON) input for pref.tally';
COMMENT ON FUNCTION @extschema@.tally_out(@extschema@.tally) IS 'text (JSON) output for pref.tally; input reproduces the value exactly';
COMMENT ON FUNCTION @extschema@.tally_recv(internal) IS 'binary input for pref.tally (validated)';
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

-- aggregate support
CREATE FUNCTION @extschema@.tally_combine(internal, internal) RETURNS internal
	AS 'MODULE_PATHNAME', 'pref_tally_combine' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.tally_serial(internal) RETURNS bytea
	AS 'MODULE_PATHNAME', 'pref_tally_serial' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.tally_deserial(bytea, internal) RETURNS internal
	AS 'MODULE_PATHNAME', 'pref_tally_deserial' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.tally_final(internal) RETURNS @extschema@.tally
	AS 'MODULE_PATHNAME', 'pref_tally_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.tally_combine(internal, internal) IS 'pref.tally aggregate support: combine partial states';
COMMENT ON FUNCTION @extschema@.tally_serial(internal) IS 'pref.tally aggregate support: serialize a state';
COMMENT ON FUNCTION @extschema@.tally_deserial(bytea, internal) IS 'pref.tally aggregate support: deserialize and validate a state';
COMMENT ON FUNCTION @extschema@.tally_final(internal) IS 'pref.tally aggregate support: canonical tally of a state';

CREATE FUNCTION @extschema@.tally_trans(internal, bigint, bigint) RETURNS internal
	AS 'MODULE_PATHNAME', 'pref_tally_trans_int' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.tally_trans(internal, bigint, bigint) IS 'pref.tally aggregate support: transition';
CREATE AGGREGATE @extschema@.tally(winner bigint, loser bigint) (
	SFUNC = @extschema@.tally_trans, STYPE = internal, SSPACE = 65536,
	FINALFUNC = @extschema@.tally_final,
	COMBINEFUNC = @extschema@.tally_combine,
	SERIALFUNC = @extschema@.tally_serial, DESERIALFUNC = @extschema@.tally_deserial,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.tally(bigint, bigint) IS 'tally of comparisons: winner beat loser';

CREATE FUNCTION @extschema@.tally_trans(internal, bigint, bigint, boolean) RETURNS internal
	AS 'MODULE_PATHNAME', 'pref_tally_trans_int' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.tally_trans(internal, bigint, bigint, boolean) IS 'pref.tally aggregate support: transition';
CREATE AGGREGATE @extschema@.tally(winner bigint, loser bigint, tie boolean) (
	SFUNC = @extschema@.tally_trans, STYPE = internal, SSPACE = 65536,
	FINALFUNC = @extschema@.tally_final,
	COMBINEFUNC = @extschema@.tally_combine,
	SERIALFUNC = @extschema@.tally_serial, DESERIALFUNC = @extschema@.tally_deserial,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.tally(bigint, bigint, boolean) IS 'tally of comparisons: winner beat loser, or a tie when tie is true';

CREATE FUNCTION @extschema@.tally_trans(internal, bigint, bigint, boolean, double precision) RETURNS internal
	AS 'MODULE_PATHNAME', 'pref_tally_trans_int' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.tally_trans(internal, bigint, bigint, boolean, double precision) IS 'pref.tally aggregate support: transition';
CREATE AGGREGATE @extschema@.tally(winner bigint, loser bigint, tie boolean, weight double precision) (
	SFUNC = @extschema@.tally_trans, STYPE = internal, SSPACE = 65536,
	FINALFUNC = @extschema@.tally_final,
	COMBINEFUNC = @extschema@.tally_combine,
	SERIALFUNC = @extschema@.tally_serial, DESERIALFUNC = @extschema@.tally_deserial,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.tally(bigint, bigint, boolean, double precision) IS 'tally of weighted comparisons: winner beat loser, or a tie; weight finite and not negative';

CREATE FUNCTION @extschema@.tally_trans(internal, text, text) RETURNS internal
	AS 'MODULE_PATHNAME', 'pref_tally_trans_text' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.tally_trans(internal, text, text) IS 'pref.tally aggregate support: transition';
CREATE AGGREGATE @extschema@.tally(winner text, loser text) (
	SFUNC = @extschema@.tally_trans, STYPE = internal, SSPACE = 65536,
	FINALFUNC = @extschema@.tally_final,
	COMBINEFUNC = @extschema@.tally_combine,
	SERIALFUNC = @extschema@.tally_serial, DESERIALFUNC = @extschema@.tally_deserial,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.tally(text, text) IS 'tally of comparisons between text items: winner beat loser';

CREATE FUNCTION @extschema@.tally_trans(internal, text, text, boolean) RETURNS internal
	AS 'MODULE_PATHNAME', 'pref_tally_trans_text' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.tally_trans(internal, text, text, boolean) IS 'pref.tally aggregate support: transition';
CREATE AGGREGATE @extschema@.tally(winner text, loser text, tie boolean) (
	SFUNC = @extschema@.tally_trans, STYPE = internal, SSPACE = 65536,
	FINALFUNC = @extschema@.tally_final,
	COMBINEFUNC = @extschema@.tally_combine,
	SERIALFUNC = @extschema@.tally_serial, DESERIALFUNC = @extschema@.tally_deserial,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.tally(text, text, boolean) IS 'tally of comparisons between text items, with ties';

CREATE FUNCTION @extschema@.tally_trans(internal, text, text, boolean, double precision) RETURNS internal
	AS 'MODULE_PATHNAME', 'pref_tally_trans_text' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.tally_trans(internal, text, text, boolean, double precision) IS 'pref.tally aggregate support: transition';
CREATE AGGREGATE @extschema@.tally(winner text, loser text, tie boolean, weight double precision) (
	SFUNC = @extschema@.tally_trans, STYPE = internal, SSPACE = 65536,
	FINALFUNC = @extschema@.tally_final,
	COMBINEFUNC = @extschema@.tally_combine,
	SERIALFUNC = @extschema@.tally_serial, DESERIALFUNC = @extschema@.tally_deserial,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.tally(text, text, boolean, double precision) IS 'tally of weighted comparisons between text items, with ties';

CREATE FUNCTION @extschema@.tally_trans(internal, bigint, bigint, text) RETURNS internal
	AS 'MODULE_PATHNAME', 'pref_tally_trans_outcome_int' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.tally_trans(internal, bigint, bigint, text) IS 'pref.tally aggregate support: transition';
CREATE AGGREGATE @extschema@.tally(first bigint, second bigint, outcome text) (
	SFUNC = @extschema@.tally_trans, STYPE = internal, SSPACE = 65536,
	FINALFUNC = @extschema@.tally_final,
	COMBINEFUNC = @extschema@.tally_combine,
	SERIALFUNC = @extschema@.tally_serial, DESERIALFUNC = @extschema@.tally_deserial,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.tally(bigint, bigint, text) IS 'tally keeping presentation order: outcome > (first preferred), < (second preferred), = (tie)';

CREATE FUNCTION @extschema@.tally_trans(internal, bigint, bigint, text, double precision) RETURNS internal
	AS 'MODULE_PATHNAME', 'pref_tally_trans_outcome_int' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.tally_trans(internal, bigint, bigint, text, double precision) IS 'pref.tally aggregate support: transition';
CREATE AGGREGATE @extschema@.tally(first bigint, second bigint, outcome text, weight double precision) (
	SFUNC = @extschema@.tally_trans, STYPE = internal, SSPACE = 65536,
	FINALFUNC = @extschema@.tally_final,
	COMBINEFUNC = @extschema@.tally_combine,
	SERIALFUNC = @extschema@.tally_serial, DESERIALFUNC = @extschema@.tally_deserial,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.tally(bigint, bigint, text, double precision) IS 'weighted tally keeping presentation order: outcome >, < or =';

CREATE FUNCTION @extschema@.tally_trans(internal, text, text, text) RETURNS internal
	AS 'MODULE_PATHNAME', 'pref_tally_trans_outcome_text' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.tally_trans(internal, text, text, text) IS 'pref.tally aggregate support: transition';
CREATE AGGREGATE @extschema@.tally(first text, second text, outcome text) (
	SFUNC = @extschema@.tally_trans, STYPE = internal, SSPACE = 65536,
	FINALFUNC = @extschema@.tally_final,
	COMBINEFUNC = @extschema@.tally_combine,
	SERIALFUNC = @extschema@.tally_serial, DESERIALFUNC = @extschema@.tally_deserial,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.tally(text, text, text) IS 'tally of text items keeping presentation order: outcome >, < or =';

CREATE FUNCTION @extschema@.tally_trans(internal, text, text, text, double precision) RETURNS internal
	AS 'MODULE_PATHNAME', 'pref_tally_trans_outcome_text' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.tally_trans(internal, text, text, text, double precision) IS 'pref.tally aggregate support: transition';
CREATE AGGREGATE @extschema@.tally(first text, second text, outcome text, weight double precision) (
	SFUNC = @extschema@.tally_trans, STYPE = internal, SSPACE = 65536,
	FINALFUNC = @extschema@.tally_final,
	COMBINEFUNC = @extschema@.tally_combine,
	SERIALFUNC = @extschema@.tally_serial, DESERIALFUNC = @extschema@.tally_deserial,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.tally(text, text, text, double precision) IS 'weighted tally of text items keeping presentation order: outcome >, < or =';

CREATE FUNCTION @extschema@.tally_trans(internal, @extschema@.pair) RETURNS internal
	AS 'MODULE_PATHNAME', 'pref_tally_trans_pair' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.tally_trans(internal, @extschema@.pair) IS 'pref.tally aggregate support: transition';
CREATE AGGREGATE @extschema@.tally(p @extschema@.pair) (
	SFUNC = @extschema@.tally_trans, STYPE = internal, SSPACE = 65536,
	FINALFUNC = @extschema@.tally_final,
	COMBINEFUNC = @extschema@.tally_combine,
	SERIALFUNC = @extschema@.tally_serial, DESERIALFUNC = @extschema@.tally_deserial,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.tally(@extschema@.pair) IS 'tally of pref.pair values, keeping presentation order and weights';

CREATE FUNCTION @extschema@.tally_merge_trans(internal, @extschema@.tally) RETURNS internal
	AS 'MODULE_PATHNAME', 'pref_tally_merge_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.tally_merge_trans(internal, @extschema@.tally) IS 'pref.tally_merge aggregate support: transition';
CREATE AGGREGATE @extschema@.tally_merge(@extschema@.tally) (
	SFUNC = @extschema@.tally_merge_trans, STYPE = internal, SSPACE = 65536,
	FINALFUNC = @extschema@.tally_final,
	COMBINEFUNC = @extschema@.tally_combine,
	SERIALFUNC = @extschema@.tally_serial, DESERIALFUNC = @extschema@.tally_deserial,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.tally_merge(@extschema@.tally) IS
'merge stored tallies (sums counts and weights per item pair; position kept only if every input keeps it)';

-- ---- src/bt.sql
-- Bradley-Terry: pref.bt_model, pref.bradley_terry, pref.bt_fit, ratings

CREATE TYPE @extschema@.bt_model;
CREATE FUNCTION @extschema@.bt_model_in(cstring) RETURNS @extschema@.bt_model
	AS 'MODULE_PATHNAME', 'pref_bt_model_in' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.bt_model_out(@extschema@.bt_model) RETURNS cstring
	AS 'MODULE_PATHNAME', 'pref_bt_model_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.bt_model_recv(internal) RETURNS @extschema@.bt_model
	AS 'MODULE_PATHNAME', 'pref_bt_model_recv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.bt_model_send(@extschema@.bt_model) RETURNS bytea
	AS 'MODULE_PATHNAME', 'pref_bt_model_send' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE TYPE @extschema@.bt_model (
	INPUT = @extschema@.bt_model_in,
	OUTPUT = @extschema@.bt_model_out,
	RECEIVE = @extschema@.bt_model_recv,
	SEND = @extschema@.bt_model_send,
	INTERNALLENGTH = VARIABLE,
	ALIGNMENT = double,
	STORAGE = extended
);
COMMENT ON TYPE @extschema@.bt_model IS
'fitted Bradley-Terry model: items, log-strengths, standard errors (model and sandwich), tie parameter, order effect, log-likelihood, iterations, options and the tally it was fitted on; text form is complete versioned JSON (exact round trip), pref.bt_summary is the human summary';
COMMENT ON FUNCTION @extschema@.bt_model_in(cstring) IS 'parse the versioned JSON text form of a pref.bt_model (as printed; validated)';
COMMENT ON FUNCTION @extschema@.bt_model_out(@extschema@.bt_model) IS 'complete versioned JSON of a pref.bt_model: options, fit report, theta and the tally, doubles in shortest round-trip form';
COMMENT ON FUNCTION @extschema@.bt_model_recv(internal) IS 'binary input of a pref.bt_model (version, sizes and counts validated)';
COMMENT ON FUNCTION @extschema@.bt_model_send(@extschema@.bt_model) IS 'binary output of a pref.bt_model';

CREATE FUNCTION @extschema@.bradley_terry(t @extschema@.tally, prior double precision DEFAULT 0,
	ties text DEFAULT 'auto', max_iter integer DEFAULT 100, tol double precision DEFAULT 1e-10,
	order_effect boolean DEFAULT false)
	RETURNS @extschema@.bt_model
	AS 'MODULE_PATHNAME', 'pref_bradley_terry' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.bradley_terry(@extschema@.tally, double precision, text, integer, double precision, boolean) IS
'fit a Bradley-Terry model to a tally by Newton''s method (Cholesky): prior = Gaussian prior precision (0 = MLE), ties none | half | rao_kupper | davidson | auto, optional first-position order effect';

CREATE FUNCTION @extschema@.bradley_terry(t @extschema@.tally, method text, prior double precision DEFAULT 0,
	ties text DEFAULT 'auto', max_iter integer DEFAULT 100, tol double precision DEFAULT 1e-10,
	order_effect boolean DEFAULT false)
	RETURNS @extschema@.bt_model
	AS 'MODULE_PATHNAME', 'pref_bradley_terry_method' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.bradley_terry(@extschema@.tally, text, double precision, text, integer, double precision, boolean) IS
'fit a Bradley-Terry model with a chosen method: newton (Cholesky), mm (Hunter''s MM, ties none or half without order effect, max_iter * 100 sweeps) or auto (MM above 2000 items when it applies)';

CREATE FUNCTION @extschema@.bt_fit_final(internal) RETURNS @extschema@.bt_model
	AS 'MODULE_PATHNAME', 'pref_bt_fit_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.bt_fit_final(internal) IS 'pref.bt_fit aggregate support: fit the tally with default options';

CREATE AGGREGATE @extschema@.bt_fit(winner bigint, loser bigint) (
	SFUNC = @extschema@.tally_trans, STYPE = internal, SSPACE = 65536,
	FINALFUNC = @extschema@.bt_fit_final,
	COMBINEFUNC = @extschema@.tally_combine,
	SERIALFUNC = @extschema@.tally_serial, DESERIALFUNC = @extschema@.tally_deserial,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.bt_fit(bigint, bigint) IS 'Bradley-Terry fit of comparisons with default options: bradley_terry(tally(...))';

CREATE AGGREGATE @extschema@.bt_fit(winner bigint, loser bigint, tie boolean) (
	SFUNC = @extschema@.tally_trans, STYPE = internal, SSPACE = 65536,
	FINALFUNC = @extschema@.bt_fit_final,
	COMBINEFUNC = @extschema@.tally_combine,
	SERIALFUNC = @extschema@.tally_serial, DESERIALFUNC = @extschema@.tally_deserial,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.bt_fit(bigint, bigint, boolean) IS 'Bradley-Terry fit of comparisons with default options: bradley_terry(tally(...))';

CREATE AGGREGATE @extschema@.bt_fit(winner bigint, loser bigint, tie boolean, weight double precision) (
	SFUNC = @extschema@.tally_trans, STYPE = internal, SSPACE = 65536,
	FINALFUNC = @extschema@.bt_fit_final,
	COMBINEFUNC = @extschema@.tally_combine,
	SERIALFUNC = @extschema@.tally_serial, DESERIALFUNC = @extschema@.tally_deserial,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.bt_fit(bigint, bigint, boolean, double precision) IS 'Bradley-Terry fit of comparisons with default options: bradley_terry(tally(...))';

CREATE AGGREGATE @extschema@.bt_fit(winner text, loser text) (
	SFUNC = @extschema@.tally_trans, STYPE = internal, SSPACE = 65536,
	FINALFUNC = @extschema@.bt_fit_final,
	COMBINEFUNC = @extschema@.tally_combine,
	SERIALFUNC = @extschema@.tally_serial, DESERIALFUNC = @extschema@.tally_deserial,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.bt_fit(text, text) IS 'Bradley-Terry fit of comparisons with default options: bradley_terry(tally(...))';

CREATE AGGREGATE @extschema@.bt_fit(winner text, loser text, tie boolean) (
	SFUNC = @extschema@.tally_trans, STYPE = internal, SSPACE = 65536,
	FINALFUNC = @extschema@.bt_fit_final,
	COMBINEFUNC = @extschema@.tally_combine,
	SERIALFUNC = @extschema@.tally_serial, DESERIALFUNC = @extschema@.tally_deserial,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.bt_fit(text, text, boolean) IS 'Bradley-Terry fit of comparisons with default options: bradley_terry(tally(...))';

CREATE AGGREGATE @extschema@.bt_fit(winner text, loser text, tie boolean, weight double precision) (
	SFUNC = @extschema@.tally_trans, STYPE = internal, SSPACE = 65536,
	FINALFUNC = @extschema@.bt_fit_final,
	COMBINEFUNC = @extschema@.tally_combine,
	SERIALFUNC = @extschema@.tally_serial, DESERIALFUNC = @extschema@.tally_deserial,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.bt_fit(text, text, boolean, double precision) IS 'Bradley-Terry fit of comparisons with default options: bradley_terry(tally(...))';


CREATE FUNCTION @extschema@.ratings(m @extschema@.bt_model, scale text DEFAULT 'elo', anchor text DEFAULT NULL,
	anchor_rating double precision DEFAULT 1000, level double precision DEFAULT 0.95, se text DEFAULT 'model')
	RETURNS TABLE (item text, rating double precision, std_error double precision, lower double precision,
				   upper double precision, rank integer, wins bigint, losses bigint, ties bigint, games bigint)
	AS 'MODULE_PATHNAME', 'pref_ratings' LANGUAGE C IMMUTABLE PARALLEL SAFE ROWS 100;
COMMENT ON FUNCTION @extschema@.ratings(@extschema@.bt_model, text, text, double precision, double precision, text) IS
'leaderboard of a model: rating (elo = 400/ln 10 * theta + 1000, or logit = theta with mean 0; an anchor item pinned to anchor_rating), standard error (model or sandwich), interval at level, interval-aware rank, wins, losses, ties, games';

CREATE FUNCTION @extschema@.bt_summary(m @extschema@.bt_model) RETURNS jsonb
	AS 'MODULE_PATHNAME', 'pref_bt_summary' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.bt_summary(@extschema@.bt_model) IS
'model summary: items, loglik, iterations, converged, rows used and skipped, prior, ties, tie_param, tie_param_se, p_tie_equal, order_effect, order_effect_se';

CREATE FUNCTION @extschema@.win_prob(m @extschema@.bt_model, a bigint, b bigint) RETURNS double precision
	AS 'MODULE_PATHNAME', 'pref_win_prob_int' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.win_prob(m @extschema@.bt_model, a text, b text) RETURNS double precision
	AS 'MODULE_PATHNAME', 'pref_win_prob_text' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.tie_prob(m @extschema@.bt_model, a bigint, b bigint) RETURNS double precision
	AS 'MODULE_PATHNAME', 'pref_tie_prob_int' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.tie_prob(m @extschema@.bt_model, a text, b text) RETURNS double precision
	AS 'MODULE_PATHNAME', 'pref_tie_prob_text' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.win_prob(@extschema@.bt_model, bigint, bigint) IS 'probability that a is preferred to b (a win, not a tie), without order advantage';
COMMENT ON FUNCTION @extschema@.win_prob(@extschema@.bt_model, text, text) IS 'probability that a is preferred to b (a win, not a tie), without order advantage';
COMMENT ON FUNCTION @extschema@.tie_prob(@extschema@.bt_model, bigint, bigint) IS 'probability of a tie between a and b (0 for models without ties)';
COMMENT ON FUNCTION @extschema@.tie_prob(@extschema@.bt_model, text, text) IS 'probability of a tie between a and b (0 for models without ties)';

-- ---- src/shapley.sql
-- Data valuation: exact KNN-Shapley, Monte-Carlo Data Shapley, Beta Shapley,
-- Data Banzhaf, leave-one-out, and the same for preference pairs.

CREATE FUNCTION @extschema@.knn_shapley(
	train_sql text,
	valid_sql text,
	k integer DEFAULT 5,
	metric text DEFAULT 'l2')
RETURNS TABLE (id bigint, value double precision, std_error double precision)
AS 'MODULE_PATHNAME', 'pref_knn_shapley'
LANGUAGE C VOLATILE;

COMMENT ON FUNCTION @extschema@.knn_shapley(text, text, integer, text) IS
'exact KNN-Shapley value (Jia et al. 2019) of every training row (id, features, label) against a validation query (features, label); metric l2 or cosine; std_error is NULL';

CREATE FUNCTION @extschema@.data_shapley(
	train_sql text,
	valid_sql text,
	method text DEFAULT 'tmc',
	utility text DEFAULT 'knn',
	permutations integer DEFAULT 1000,
	seed bigint DEFAULT 42,
	tolerance double precision DEFAULT 0.005,
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

CREATE FUNCTION @extschema@.pair_shapley(
	train_sql text,
	valid_sql text,
	method text DEFAULT 'exact',
	k integer DEFAULT 5,
	metric text DEFAULT 'l2',
	permutations integer DEFAULT 1000,
	seed bigint DEFAULT 42,
	tolerance double precision DEFAULT 0.005,
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

-- ---- src/subset.sql
-- subset selection: quality/diversity selectors over embeddings, near-duplicate
-- groups and Pareto fronts.  All read an inner query (text) with the caller's
-- privileges.

CREATE FUNCTION @extschema@.select_subset(
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
	single_precision boolean DEFAULT false,
	OUT id bigint,
	OUT pick integer,
	OUT gain double precision,
	OUT objective double precision)
RETURNS SETOF record
	AS 'MODULE_PATHNAME', 'pref_select_subset' LANGUAGE C VOLATILE PARALLEL UNSAFE
	ROWS 100;
COMMENT ON FUNCTION @extschema@.select_subset(text, integer, text, text, double precision, text, double precision, double precision, bigint, bigint[], integer, boolean) IS
'pick k rows of an inner query (id bigint, embedding real[]/float8[] [, quality float8]) by facility_location, k_center, dpp or mmr; returns (id, pick, gain, objective) in pick order';

CREATE FUNCTION @extschema@.near_duplicates(
	sql text,
	threshold double precision DEFAULT 0.95,
	metric text DEFAULT 'cosine',
	gamma double precision DEFAULT NULL,
	OUT id bigint,
	OUT group_id bigint)
RETURNS SETOF record
	AS 'MODULE_PATHNAME', 'pref_near_duplicates' LANGUAGE C VOLATILE PARALLEL UNSAFE
	ROWS 1000;
COMMENT ON FUNCTION @extschema@.near_duplicates(text, double precision, text, double precision) IS
'groups of rows of an inner query (id, embedding) connected by similarity >= threshold; group_id is the smallest id of the group';

CREATE FUNCTION @extschema@.pareto_front(
	sql text,
	OUT id bigint,
	OUT front integer)
RETURNS SETOF record
	AS 'MODULE_PATHNAME', 'pref_pareto_front' LANGUAGE C VOLATILE PARALLEL UNSAFE
	ROWS 1000;
COMMENT ON FUNCTION @extschema@.pareto_front(text) IS
'non-dominated sorting of an inner query (id, scores float8[]), higher is better: front 1 is Pareto optimal';

-- ---- src/dpo.sql
-- DPO family: per-row losses over stored log-probabilities and trainer
-- metrics as parallel-safe aggregates.  See docs/dpo.md.

CREATE FUNCTION @extschema@.dpo_loss(
	policy_chosen_logp double precision, policy_rejected_logp double precision,
	ref_chosen_logp double precision, ref_rejected_logp double precision,
	beta double precision DEFAULT 0.1, loss text DEFAULT 'sigmoid',
	label_smoothing double precision DEFAULT 0, divergence text DEFAULT 'reverse_kl',
	alpha double precision DEFAULT 1.0, epsilon double precision DEFAULT 0.001,
	tau double precision DEFAULT 0.05, reward_mean double precision DEFAULT 0,
	chosen_length double precision DEFAULT 0, rejected_length double precision DEFAULT 0)
	RETURNS double precision
	AS 'MODULE_PATHNAME', 'pref_dpo_loss' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.dpo_loss(double precision, double precision, double precision, double precision, double precision, text, double precision, text, double precision, double precision, double precision, double precision, double precision, double precision) IS
'DPO-family loss of one preference pair from policy and reference log-probabilities: sigmoid, robust, hinge, ipo, exo_pair, nca_pair, sppo_hard, bco_pair, apo_zero, apo_down, discopop, sigmoid_norm, sft, or a weighted mixture such as ''0.8*sigmoid + 0.2*bco_pair''';

CREATE FUNCTION @extschema@.dpo_grad_weight(
	policy_chosen_logp double precision, policy_rejected_logp double precision,
	ref_chosen_logp double precision, ref_rejected_logp double precision,
	beta double precision DEFAULT 0.1, loss text DEFAULT 'sigmoid',
	label_smoothing double precision DEFAULT 0, divergence text DEFAULT 'reverse_kl',
	alpha double precision DEFAULT 1.0, epsilon double precision DEFAULT 0.001,
	tau double precision DEFAULT 0.05, reward_mean double precision DEFAULT 0,
	chosen_length double precision DEFAULT 0, rejected_length double precision DEFAULT 0)
	RETURNS double precision
	AS 'MODULE_PATHNAME', 'pref_dpo_grad_weight' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.dpo_grad_weight(double precision, double precision, double precision, double precision, double precision, text, double precision, text, double precision, double precision, double precision, double precision, double precision, double precision) IS
'derivative of pref.dpo_loss with respect to the margin (policy_chosen_logp up by 1/2, policy_rejected_logp down by 1/2): which pairs drive the gradient';

CREATE FUNCTION @extschema@.listwise_dpo_loss(policy_logps double precision[], ref_logps double precision[],
	beta double precision DEFAULT 0.1)
	RETURNS double precision
	AS 'MODULE_PATHNAME', 'pref_listwise_dpo_loss' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.listwise_dpo_loss(double precision[], double precision[], double precision) IS
'Plackett-Luce (listwise DPO) loss of one prompt''s responses in preference order, best first; two responses give the sigmoid DPO loss';

CREATE FUNCTION @extschema@.simpo_loss(chosen_logp double precision, rejected_logp double precision,
	chosen_length double precision, rejected_length double precision,
	beta double precision DEFAULT 2.0, gamma double precision DEFAULT 1.0,
	label_smoothing double precision DEFAULT 0)
	RETURNS double precision
	AS 'MODULE_PATHNAME', 'pref_simpo_loss' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.simpo_loss(double precision, double precision, double precision, double precision, double precision, double precision, double precision) IS
'SimPO loss (reference-free): -log sigmoid(beta * (chosen_logp/chosen_length - rejected_logp/rejected_length) - gamma)';

CREATE FUNCTION @extschema@.cpo_loss(chosen_logp double precision, rejected_logp double precision,
	beta double precision DEFAULT 0.1, chosen_nll double precision DEFAULT 0,
	alpha double precision DEFAULT 1.0, label_smoothing double precision DEFAULT 0)
	RETURNS double precision
	AS 'MODULE_PATHNAME', 'pref_cpo_loss' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.cpo_loss(double precision, double precision, double precision, double precision, double precision, double precision) IS
'CPO loss (reference-free): -log sigmoid(beta * (chosen_logp - rejected_logp)) + alpha * chosen_nll';

CREATE FUNCTION @extschema@.orpo_loss(chosen_avg_logp double precision, rejected_avg_logp double precision,
	beta double precision DEFAULT 0.1, chosen_nll double precision DEFAULT 0)
	RETURNS double precision
	AS 'MODULE_PATHNAME', 'pref_orpo_loss' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.orpo_loss(double precision, double precision, double precision, double precision) IS
'ORPO loss from average log-probabilities: chosen_nll - beta * log sigmoid(log odds ratio); with chosen_nll 0, the odds-ratio term alone';

-- ---- dpo_metrics ------------------------------------------------------------

CREATE TYPE @extschema@.dpo_stats AS (
	n bigint, skipped bigint, loss double precision,
	rewards_chosen double precision, rewards_rejected double precision,
	rewards_accuracy double precision, rewards_margin double precision,
	logps_chosen double precision, logps_rejected double precision,
	margin_std double precision);
COMMENT ON TYPE @extschema@.dpo_stats IS
'result of pref.dpo_metrics: rows used and skipped, mean loss and the reward / log-prob means preference trainers log, and the standard deviation of the reward margin';

CREATE FUNCTION @extschema@.dpo_metrics_accum(internal, double precision, double precision, double precision, double precision)
	RETURNS internal AS 'MODULE_PATHNAME', 'pref_dpo_metrics_accum' LANGUAGE C PARALLEL SAFE;
CREATE FUNCTION @extschema@.dpo_metrics_accum(internal, double precision, double precision, double precision, double precision, double precision)
	RETURNS internal AS 'MODULE_PATHNAME', 'pref_dpo_metrics_accum' LANGUAGE C PARALLEL SAFE;
CREATE FUNCTION @extschema@.dpo_metrics_accum(internal, double precision, double precision, double precision, double precision, double precision, text)
	RETURNS internal AS 'MODULE_PATHNAME', 'pref_dpo_metrics_accum' LANGUAGE C PARALLEL SAFE;
CREATE FUNCTION @extschema@.dpo_metrics_accum(internal, double precision, double precision, double precision, double precision, double precision, text, double precision)
	RETURNS internal AS 'MODULE_PATHNAME', 'pref_dpo_metrics_accum' LANGUAGE C PARALLEL SAFE;
CREATE FUNCTION @extschema@.dpo_metrics_accum(internal, double precision, double precision, double precision, double precision, double precision, text, double precision, text)
	RETURNS internal AS 'MODULE_PATHNAME', 'pref_dpo_metrics_accum' LANGUAGE C PARALLEL SAFE;
CREATE FUNCTION @extschema@.dpo_metrics_combine(internal, internal)
	RETURNS internal AS 'MODULE_PATHNAME', 'pref_dpo_metrics_combine' LANGUAGE C PARALLEL SAFE;
CREATE FUNCTION @extschema@.dpo_metrics_serialize(internal)
	RETURNS bytea AS 'MODULE_PATHNAME', 'pref_dpo_metrics_serialize' LANGUAGE C STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.dpo_metrics_deserialize(bytea, internal)
	RETURNS internal AS 'MODULE_PATHNAME', 'pref_dpo_metrics_deserialize' LANGUAGE C STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.dpo_metrics_final(internal)
	RETURNS @extschema@.dpo_stats AS 'MODULE_PATHNAME', 'pref_dpo_metrics_final' LANGUAGE C PARALLEL SAFE;

COMMENT ON FUNCTION @extschema@.dpo_metrics_accum(internal, double precision, double precision, double precision, double precision) IS 'transition function of pref.dpo_metrics';
COMMENT ON FUNCTION @extschema@.dpo_metrics_accum(internal, double precision, double precision, double precision, double precision, double precision) IS 'transition function of pref.dpo_metrics';
COMMENT ON FUNCTION @extschema@.dpo_metrics_accum(internal, double precision, double precision, double precision, double precision, double precision, text) IS 'transition function of pref.dpo_metrics';
COMMENT ON FUNCTION @extschema@.dpo_metrics_accum(internal, double precision, double precision, double precision, double precision, double precision, text, double precision) IS 'transition function of pref.dpo_metrics';
COMMENT ON FUNCTION @extschema@.dpo_metrics_accum(internal, double precision, double precision, double precision, double precision, double precision, text, double precision, text) IS 'transition function of pref.dpo_metrics';
COMMENT ON FUNCTION @extschema@.dpo_metrics_combine(internal, internal) IS 'combine function of pref.dpo_metrics';
COMMENT ON FUNCTION @extschema@.dpo_metrics_serialize(internal) IS 'serial function of pref.dpo_metrics';
COMMENT ON FUNCTION @extschema@.dpo_metrics_deserialize(bytea, internal) IS 'deserial function of pref.dpo_metrics';
COMMENT ON FUNCTION @extschema@.dpo_metrics_final(internal) IS 'final function of pref.dpo_metrics';

CREATE AGGREGATE @extschema@.dpo_metrics(policy_chosen_logp double precision, policy_rejected_logp double precision,
	ref_chosen_logp double precision, ref_rejected_logp double precision) (
	SFUNC = @extschema@.dpo_metrics_accum, STYPE = internal, SSPACE = 256,
	FINALFUNC = @extschema@.dpo_metrics_final,
	COMBINEFUNC = @extschema@.dpo_metrics_combine,
	SERIALFUNC = @extschema@.dpo_metrics_serialize, DESERIALFUNC = @extschema@.dpo_metrics_deserialize,
	PARALLEL = SAFE);
CREATE AGGREGATE @extschema@.dpo_metrics(policy_chosen_logp double precision, policy_rejected_logp double precision,
	ref_chosen_logp double precision, ref_rejected_logp double precision, beta double precision) (
	SFUNC = @extschema@.dpo_metrics_accum, STYPE = internal, SSPACE = 256,
	FINALFUNC = @extschema@.dpo_metrics_final,
	COMBINEFUNC = @extschema@.dpo_metrics_combine,
	SERIALFUNC = @extschema@.dpo_metrics_serialize, DESERIALFUNC = @extschema@.dpo_metrics_deserialize,
	PARALLEL = SAFE);
CREATE AGGREGATE @extschema@.dpo_metrics(policy_chosen_logp double precision, policy_rejected_logp double precision,
	ref_chosen_logp double precision, ref_rejected_logp double precision, beta double precision, loss text) (
	SFUNC = @extschema@.dpo_metrics_accum, STYPE = internal, SSPACE = 256,
	FINALFUNC = @extschema@.dpo_metrics_final,
	COMBINEFUNC = @extschema@.dpo_metrics_combine,
	SERIALFUNC = @extschema@.dpo_metrics_serialize, DESERIALFUNC = @extschema@.dpo_metrics_deserialize,
	PARALLEL = SAFE);
CREATE AGGREGATE @extschema@.dpo_metrics(policy_chosen_logp double precision, policy_rejected_logp double precision,
	ref_chosen_logp double precision, ref_rejected_logp double precision, beta double precision, loss text,
	weight double precision) (
	SFUNC = @extschema@.dpo_metrics_accum, STYPE = internal, SSPACE = 256,
	FINALFUNC = @extschema@.dpo_metrics_final,
	COMBINEFUNC = @extschema@.dpo_metrics_combine,
	SERIALFUNC = @extschema@.dpo_metrics_serialize, DESERIALFUNC = @extschema@.dpo_metrics_deserialize,
	PARALLEL = SAFE);
CREATE AGGREGATE @extschema@.dpo_metrics(policy_chosen_logp double precision, policy_rejected_logp double precision,
	ref_chosen_logp double precision, ref_rejected_logp double precision, beta double precision, loss text,
	weight double precision, options text) (
	SFUNC = @extschema@.dpo_metrics_accum, STYPE = internal, SSPACE = 256,
	FINALFUNC = @extschema@.dpo_metrics_final,
	COMBINEFUNC = @extschema@.dpo_metrics_combine,
	SERIALFUNC = @extschema@.dpo_metrics_serialize, DESERIALFUNC = @extschema@.dpo_metrics_deserialize,
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

-- ---- kto_metrics ------------------------------------------------------------

CREATE TYPE @extschema@.kto_stats AS (
	n bigint, skipped bigint, n_desirable bigint, n_undesirable bigint,
	kl double precision, loss double precision,
	rewards_chosen double precision, rewards_rejected double precision,
	logps_chosen double precision, logps_rejected double precision,
	rewards_margin double precision);
COMMENT ON TYPE @extschema@.kto_stats IS
'result of pref.kto_metrics: rows, the batch KL reference point (clamped at 0), mean KTO loss, reward and log-prob means of desirable (chosen) and undesirable (rejected) rows';

CREATE FUNCTION @extschema@.kto_metrics_accum(internal, double precision, double precision, boolean, double precision, double precision)
	RETURNS internal AS 'MODULE_PATHNAME', 'pref_kto_metrics_accum' LANGUAGE C PARALLEL SAFE;
CREATE FUNCTION @extschema@.kto_metrics_accum(internal, double precision, double precision, boolean, double precision, double precision, double precision)
	RETURNS internal AS 'MODULE_PATHNAME', 'pref_kto_metrics_accum' LANGUAGE C PARALLEL SAFE;
CREATE FUNCTION @extschema@.kto_metrics_accum(internal, double precision, double precision, boolean, double precision, double precision, double precision, double precision, double precision)
	RETURNS internal AS 'MODULE_PATHNAME', 'pref_kto_metrics_accum' LANGUAGE C PARALLEL SAFE;
CREATE FUNCTION @extschema@.kto_metrics_combine(internal, internal)
	RETURNS internal AS 'MODULE_PATHNAME', 'pref_kto_metrics_combine' LANGUAGE C PARALLEL SAFE;
CREATE FUNCTION @extschema@.kto_metrics_serialize(internal)
	RETURNS bytea AS 'MODULE_PATHNAME', 'pref_kto_metrics_serialize' LANGUAGE C STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.kto_metrics_deserialize(bytea, internal)
	RETURNS internal AS 'MODULE_PATHNAME', 'pref_kto_metrics_deserialize' LANGUAGE C STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.kto_metrics_final(internal)
	RETURNS @extschema@.kto_stats AS 'MODULE_PATHNAME', 'pref_kto_metrics_final' LANGUAGE C PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.kto_metrics_accum(internal, double precision, double precision, boolean, double precision, double precision) IS 'transition function of pref.kto_metrics';
COMMENT ON FUNCTION @extschema@.kto_metrics_accum(internal, double precision, double precision, boolean, double precision, double precision, double precision) IS 'transition function of pref.kto_metrics';
COMMENT ON FUNCTION @extschema@.kto_metrics_accum(internal, double precision, double precision, boolean, double precision, double precision, double precision, double precision, double precision) IS 'transition function of pref.kto_metrics';
COMMENT ON FUNCTION @extschema@.kto_metrics_combine(internal, internal) IS 'combine function of pref.kto_metrics';
COMMENT ON FUNCTION @extschema@.kto_metrics_serialize(internal) IS 'serial function of pref.kto_metrics';
COMMENT ON FUNCTION @extschema@.kto_metrics_deserialize(bytea, internal) IS 'deserial function of pref.kto_metrics';
COMMENT ON FUNCTION @extschema@.kto_metrics_final(internal) IS 'final function of pref.kto_metrics';

CREATE AGGREGATE @extschema@.kto_metrics(policy_logp double precision, ref_logp double precision, desirable boolean,
	kl_policy_logp double precision, kl_ref_logp double precision) (
	SFUNC = @extschema@.kto_metrics_accum, STYPE = internal, SSPACE = 128,
	FINALFUNC = @extschema@.kto_metrics_final, COMBINEFUNC = @extschema@.kto_metrics_combine,
	SERIALFUNC = @extschema@.kto_metrics_serialize, DESERIALFUNC = @extschema@.kto_metrics_deserialize,
	PARALLEL = SAFE);
CREATE AGGREGATE @extschema@.kto_metrics(policy_logp double precision, ref_logp double precision, desirable boolean,
	kl_policy_logp double precision, kl_ref_logp double precision, beta double precision) (
	SFUNC = @extschema@.kto_metrics_accum, STYPE = internal, SSPACE = 128,
	FINALFUNC = @extschema@.kto_metrics_final, COMBINEFUNC = @extschema@.kto_metrics_combine,
	SERIALFUNC = @extschema@.kto_metrics_serialize, DESERIALFUNC = @extschema@.kto_metrics_deserialize,
	PARALLEL = SAFE);
CREATE AGGREGATE @extschema@.kto_metrics(policy_logp double precision, ref_logp double precision, desirable boolean,
	kl_policy_logp double precision, kl_ref_logp double precision, beta double precision,
	desirable_weight double precision, undesirable_weight double precision) (
	SFUNC = @extschema@.kto_metrics_accum, STYPE = internal, SSPACE = 128,
	FINALFUNC = @extschema@.kto_metrics_final, COMBINEFUNC = @extschema@.kto_metrics_combine,
	SERIALFUNC = @extschema@.kto_metrics_serialize, DESERIALFUNC = @extschema@.kto_metrics_deserialize,
	PARALLEL = SAFE);
COMMENT ON AGGREGATE @extschema@.kto_metrics(double precision, double precision, boolean, double precision, double precision) IS
'KTO loss and metrics (beta 0.1, weights 1) with the batch KL reference point estimated from mismatched pairs: pref.kto_stats';
COMMENT ON AGGREGATE @extschema@.kto_metrics(double precision, double precision, boolean, double precision, double precision, double precision) IS
'KTO loss and metrics with the given beta: pref.kto_stats';
COMMENT ON AGGREGATE @extschema@.kto_metrics(double precision, double precision, boolean, double precision, double precision, double precision, double precision, double precision) IS
'KTO loss and metrics with the given beta, desirable_weight and undesirable_weight: pref.kto_stats';

-- ---- ranking_accuracy -------------------------------------------------------

CREATE TYPE @extschema@.ranking_accuracy_stats AS (
	n bigint, skipped bigint, ranking_accuracy double precision,
	reference_accuracy double precision, reward_accuracy double precision,
	idealized_accuracy double precision);
COMMENT ON TYPE @extschema@.ranking_accuracy_stats IS
'result of pref.ranking_accuracy: fraction of pairs the policy ranks correctly, the same for the reference model and the implicit reward, and the idealized ranking accuracy of the exact DPO optimum (Chen et al. 2024)';

CREATE FUNCTION @extschema@.ranking_accuracy_accum(internal, double precision, double precision)
	RETURNS internal AS 'MODULE_PATHNAME', 'pref_ranking_accuracy_accum' LANGUAGE C PARALLEL SAFE;
CREATE FUNCTION @extschema@.ranking_accuracy_accum(internal, double precision, double precision, double precision, double precision, double precision)
	RETURNS internal AS 'MODULE_PATHNAME', 'pref_ranking_accuracy_accum' LANGUAGE C PARALLEL SAFE;
CREATE FUNCTION @extschema@.ranking_accuracy_accum(internal, double precision, double precision, double precision, double precision, double precision, double precision)
	RETURNS internal AS 'MODULE_PATHNAME', 'pref_ranking_accuracy_accum' LANGUAGE C PARALLEL SAFE;
CREATE FUNCTION @extschema@.ranking_accuracy_combine(internal, internal)
	RETURNS internal AS 'MODULE_PATHNAME', 'pref_ranking_accuracy_combine' LANGUAGE C PARALLEL SAFE;
CREATE FUNCTION @extschema@.ranking_accuracy_serialize(internal)
	RETURNS bytea AS 'MODULE_PATHNAME', 'pref_ranking_accuracy_serialize' LANGUAGE C STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.ranking_accuracy_deserialize(bytea, internal)
	RETURNS internal AS 'MODULE_PATHNAME', 'pref_ranking_accuracy_deserialize' LANGUAGE C STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.ranking_accuracy_final(internal)
	RETURNS @extschema@.ranking_accuracy_stats AS 'MODULE_PATHNAME', 'pref_ranking_accuracy_final' LANGUAGE C PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.ranking_accuracy_accum(internal, double precision, double precision) IS 'transition function of pref.ranking_accuracy';
COMMENT ON FUNCTION @extschema@.ranking_accuracy_accum(internal, double precision, double precision, double precision, double precision, double precision) IS 'transition function of pref.ranking_accuracy';
COMMENT ON FUNCTION @extschema@.ranking_accuracy_accum(internal, double precision, double precision, double precision, double precision, double precision, double precision) IS 'transition function of pref.ranking_accuracy';
COMMENT ON FUNCTION @extschema@.ranking_accuracy_combine(internal, internal) IS 'combine function of pref.ranking_accuracy';
COMMENT ON FUNCTION @extschema@.ranking_accuracy_serialize(internal) IS 'serial function of pref.ranking_accuracy';
COMMENT ON FUNCTION @extschema@.ranking_accuracy_deserialize(bytea, internal) IS 'deserial function of pref.ranking_accuracy';
COMMENT ON FUNCTION @extschema@.ranking_accuracy_final(internal) IS 'final function of pref.ranking_accuracy';

CREATE AGGREGATE @extschema@.ranking_accuracy(policy_chosen_logp double precision, policy_rejected_logp double precision) (
	SFUNC = @extschema@.ranking_accuracy_accum, STYPE = internal, SSPACE = 64,
	FINALFUNC = @extschema@.ranking_accuracy_final, COMBINEFUNC = @extschema@.ranking_accuracy_combine,
	SERIALFUNC = @extschema@.ranking_accuracy_serialize, DESERIALFUNC = @extschema@.ranking_accuracy_deserialize,
	PARALLEL = SAFE);
CREATE AGGREGATE @extschema@.ranking_accuracy(policy_chosen_logp double precision, policy_rejected_logp double precision,
	ref_chosen_logp double precision, ref_rejected_logp double precision, beta double precision) (
	SFUNC = @extschema@.ranking_accuracy_accum, STYPE = internal, SSPACE = 64,
	FINALFUNC = @extschema@.ranking_accuracy_final, COMBINEFUNC = @extschema@.ranking_accuracy_combine,
	SERIALFUNC = @extschema@.ranking_accuracy_serialize, DESERIALFUNC = @extschema@.ranking_accuracy_deserialize,
	PARALLEL = SAFE);
CREATE AGGREGATE @extschema@.ranking_accuracy(policy_chosen_logp double precision, policy_rejected_logp double precision,
	ref_chosen_logp double precision, ref_rejected_logp double precision, beta double precision,
	chosen_prob double precision) (
	SFUNC = @extschema@.ranking_accuracy_accum, STYPE = internal, SSPACE = 64,
	FINALFUNC = @extschema@.ranking_accuracy_final, COMBINEFUNC = @extschema@.ranking_accuracy_combine,
	SERIALFUNC = @extschema@.ranking_accuracy_serialize, DESERIALFUNC = @extschema@.ranking_accuracy_deserialize,
	PARALLEL = SAFE);
COMMENT ON AGGREGATE @extschema@.ranking_accuracy(double precision, double precision) IS
'fraction of pairs whose chosen response the policy gives the higher log-probability: pref.ranking_accuracy_stats';
COMMENT ON AGGREGATE @extschema@.ranking_accuracy(double precision, double precision, double precision, double precision, double precision) IS
'ranking accuracy of policy, reference and implicit reward, and the idealized accuracy of the DPO optimum for unanimous labels: pref.ranking_accuracy_stats';
COMMENT ON AGGREGATE @extschema@.ranking_accuracy(double precision, double precision, double precision, double precision, double precision, double precision) IS
'ranking accuracies with the idealized accuracy of the DPO optimum given the fraction of raters preferring chosen (Chen et al. 2024): pref.ranking_accuracy_stats';

-- ---- src/reward.sql
-- reward models: pref.linear_model, scoring, evaluation, reward_fit,
-- contextual Bradley-Terry (src/reward.c, src/reward_fit.c, src/reward_bt.c)

CREATE TYPE @extschema@.linear_model AS (
	kind text,
	dim integer,
	weights double precision[],
	bias double precision,
	n_rows bigint,
	n_skipped bigint,
	iterations integer,
	converged boolean,
	loss double precision,
	accuracy double precision,
	r2 double precision,
	options jsonb
);
COMMENT ON TYPE @extschema@.linear_model IS
'linear model over embeddings: kind (ridge or bradley_terry), weights, bias, rows used and skipped, iterations, convergence, training loss, accuracy, R2, options in force';

CREATE FUNCTION @extschema@.reward_score(model @extschema@.linear_model, x real[]) RETURNS double precision
	AS 'MODULE_PATHNAME', 'pref_reward_score' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.reward_score(@extschema@.linear_model, real[]) IS
'reward (or predicted rating) of one response embedding: weights . x + bias';
CREATE FUNCTION @extschema@.reward_score(model @extschema@.linear_model, x double precision[]) RETURNS double precision
	AS 'MODULE_PATHNAME', 'pref_reward_score' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.reward_score(@extschema@.linear_model, double precision[]) IS
'reward (or predicted rating) of one response embedding: weights . x + bias';

CREATE FUNCTION @extschema@.reward_margin(model @extschema@.linear_model, chosen real[], rejected real[]) RETURNS double precision
	AS 'MODULE_PATHNAME', 'pref_reward_margin' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.reward_margin(@extschema@.linear_model, real[], real[]) IS
'reward margin of a pair: weights . (chosen - rejected); positive when the model agrees with the label';
CREATE FUNCTION @extschema@.reward_margin(model @extschema@.linear_model, chosen double precision[], rejected double precision[]) RETURNS double precision
	AS 'MODULE_PATHNAME', 'pref_reward_margin' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.reward_margin(@extschema@.linear_model, double precision[], double precision[]) IS
'reward margin of a pair: weights . (chosen - rejected); positive when the model agrees with the label';

-- held-out evaluation over margins
CREATE TYPE @extschema@.reward_eval_result AS (
	n bigint,
	accuracy double precision,
	log_loss double precision,
	mean_margin double precision,
	sd_margin double precision
);
COMMENT ON TYPE @extschema@.reward_eval_result IS
'pairs evaluated, weighted accuracy (margin > 0, ties count half), mean log loss -log sigmoid(margin), mean and standard deviation of the margin';

CREATE FUNCTION @extschema@.reward_eval_accum(double precision[], margin double precision) RETURNS double precision[]
	AS 'MODULE_PATHNAME', 'pref_reward_eval_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.reward_eval_accum(double precision[], double precision) IS
'transition function of pref.reward_eval';
CREATE FUNCTION @extschema@.reward_eval_accum(double precision[], margin double precision, weight double precision) RETURNS double precision[]
	AS 'MODULE_PATHNAME', 'pref_reward_eval_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.reward_eval_accum(double precision[], double precision, double precision) IS
'transition function of pref.reward_eval (weighted)';
CREATE FUNCTION @extschema@.reward_eval_combine(double precision[], double precision[]) RETURNS double precision[]
	AS 'MODULE_PATHNAME', 'pref_reward_eval_combine' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.reward_eval_combine(double precision[], double precision[]) IS
'combine function of pref.reward_eval';
CREATE FUNCTION @extschema@.reward_eval_final(double precision[]) RETURNS @extschema@.reward_eval_result
	AS 'MODULE_PATHNAME', 'pref_reward_eval_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.reward_eval_final(double precision[]) IS
'final function of pref.reward_eval';

CREATE AGGREGATE @extschema@.reward_eval(margin double precision) (
	SFUNC = @extschema@.reward_eval_accum,
	STYPE = double precision[],
	FINALFUNC = @extschema@.reward_eval_final,
	COMBINEFUNC = @extschema@.reward_eval_combine,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.reward_eval(double precision) IS
'evaluate a reward model on held-out pairs from their margins (pref.reward_margin): accuracy, log loss, margin mean and spread';
CREATE AGGREGATE @extschema@.reward_eval(margin double precision, weight double precision) (
	SFUNC = @extschema@.reward_eval_accum,
	STYPE = double precision[],
	FINALFUNC = @extschema@.reward_eval_final,
	COMBINEFUNC = @extschema@.reward_eval_combine,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.reward_eval(double precision, double precision) IS
'weighted evaluation of a reward model on held-out pairs from their margins';

CREATE FUNCTION @extschema@.preference_strength(margins double precision[], ambiguous_below double precision DEFAULT 0.1,
	OUT n_models integer, OUT mean_margin double precision, OUT sd_margin double precision, OUT verdict text)
	AS 'MODULE_PATHNAME', 'pref_preference_strength' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.preference_strength(double precision[], double precision) IS
'ensemble preference strength of one pair from several models'' margins: mean, standard deviation and a verdict (likely_mislabeled when the mean is negative, ambiguous when |mean| < ambiguous_below, else consistent)';

-- one IRLS pass (used by reward_fit; parallel aggregate)
CREATE FUNCTION @extschema@.reward_pass_accum(internal, chosen real[], rejected real[], weight double precision, w double precision[], params double precision[]) RETURNS internal
	AS 'MODULE_PATHNAME', 'pref_reward_pass_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.reward_pass_accum(internal, real[], real[], double precision, double precision[], double precision[]) IS
'transition function of pref.reward_pass';
CREATE FUNCTION @extschema@.reward_pass_accum(internal, chosen double precision[], rejected double precision[], weight double precision, w double precision[], params double precision[]) RETURNS internal
	AS 'MODULE_PATHNAME', 'pref_reward_pass_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.reward_pass_accum(internal, double precision[], double precision[], double precision, double precision[], double precision[]) IS
'transition function of pref.reward_pass';
CREATE FUNCTION @extschema@.reward_pass_combine(internal, internal) RETURNS internal
	AS 'MODULE_PATHNAME', 'pref_reward_pass_combine' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.reward_pass_combine(internal, internal) IS 'combine function of pref.reward_pass';
CREATE FUNCTION @extschema@.reward_pass_serialize(internal) RETURNS bytea
	AS 'MODULE_PATHNAME', 'pref_reward_pass_serialize' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.reward_pass_serialize(internal) IS 'serial function of pref.reward_pass';
CREATE FUNCTION @extschema@.reward_pass_deserialize(bytea, internal) RETURNS internal
	AS 'MODULE_PATHNAME', 'pref_reward_pass_deserialize' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.reward_pass_deserialize(bytea, internal) IS 'deserial function of pref.reward_pass';
CREATE FUNCTION @extschema@.reward_pass_final(internal) RETURNS double precision[]
	AS 'MODULE_PATHNAME', 'pref_reward_pass_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.reward_pass_final(internal) IS 'final function of pref.reward_pass';

CREATE AGGREGATE @extschema@.reward_pass(chosen real[], rejected real[], weight double precision, w double precision[], params double precision[]) (
	SFUNC = @extschema@.reward_pass_accum,
	STYPE = internal,
	FINALFUNC = @extschema@.reward_pass_final,
	COMBINEFUNC = @extschema@.reward_pass_combine,
	SERIALFUNC = @extschema@.reward_pass_serialize,
	DESERIALFUNC = @extschema@.reward_pass_deserialize,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.reward_pass(real[], real[], double precision, double precision[], double precision[]) IS
'one Newton/IRLS pass of pref.reward_fit at weights w: {d, n, skipped, weight sum, loss, correct, gradient, Hessian}; params = {label_smoothing, margin, want_hessian}';
CREATE AGGREGATE @extschema@.reward_pass(chosen double precision[], rejected double precision[], weight double precision, w double precision[], params double precision[]) (
	SFUNC = @extschema@.reward_pass_accum,
	STYPE = internal,
	FINALFUNC = @extschema@.reward_pass_final,
	COMBINEFUNC = @extschema@.reward_pass_combine,
	SERIALFUNC = @extschema@.reward_pass_serialize,
	DESERIALFUNC = @extschema@.reward_pass_deserialize,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.reward_pass(double precision[], double precision[], double precision, double precision[], double precision[]) IS
'one Newton/IRLS pass of pref.reward_fit at weights w: {d, n, skipped, weight sum, loss, correct, gradient, Hessian}; params = {label_smoothing, margin, want_hessian}';

CREATE FUNCTION @extschema@.reward_fit(sql text, lambda double precision DEFAULT 1, max_iter integer DEFAULT 50,
	tol double precision DEFAULT 1e-8, label_smoothing double precision DEFAULT 0,
	margin double precision DEFAULT 0, method text DEFAULT 'auto')
	RETURNS @extschema@.linear_model
	AS 'MODULE_PATHNAME', 'pref_reward_fit' LANGUAGE C VOLATILE STRICT;
COMMENT ON FUNCTION @extschema@.reward_fit(text, double precision, integer, double precision, double precision, double precision, text) IS
'Bradley-Terry reward model on embeddings: the query yields (chosen, rejected [, weight]); minimises sum weight * logistic loss of w.(chosen - rejected) - margin (label smoothing optional) + lambda/2 |w|^2 by Newton passes (parallel aggregate, syrk Hessian, Cholesky) or L-BFGS (method auto, newton, lbfgs)';

CREATE FUNCTION @extschema@.bt_fit_contextual(sql text, lambda double precision DEFAULT 0, max_iter integer DEFAULT 50,
	tol double precision DEFAULT 1e-10, confidence double precision DEFAULT 0.95)
	RETURNS TABLE (term text, item bigint, covariate integer, estimate double precision, std_error double precision,
		lower double precision, upper double precision, comparisons bigint)
	AS 'MODULE_PATHNAME', 'pref_bt_fit_contextual' LANGUAGE C VOLATILE STRICT ROWS 100;
COMMENT ON FUNCTION @extschema@.bt_fit_contextual(text, double precision, integer, double precision, double precision) IS
'contextual Bradley-Terry ("style control"): the query yields (winner, loser, covariates double precision[] [, tie]); item ratings (logit scale, mean 0) and covariate coefficients with Wald intervals';

-- ---- src/gram.sql
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

-- ---- src/curation.sql
-- Curation: ratings to pairs, majority vote and Dawid-Skene over multi-annotator labels

CREATE FUNCTION @extschema@.binarize(
	sql text,
	strategy text DEFAULT 'best_vs_random',
	min_margin double precision DEFAULT 0,
	seed bigint DEFAULT 0,
	weights double precision[] DEFAULT NULL)
RETURNS TABLE (prompt_id bigint, chosen bigint, rejected bigint, margin double precision)
AS 'MODULE_PATHNAME', 'pref_binarize'
LANGUAGE C VOLATILE;

COMMENT ON FUNCTION @extschema@.binarize(text, text, double precision, bigint, double precision[]) IS
'ratings to preference pairs: the query yields (prompt_id, response_id, score), or (prompt_id, response_id, scores[]) combined by weights; strategies best_vs_random, best_vs_worst, all_pairs, best_vs_all; pairs need margin > min_margin';

CREATE FUNCTION @extschema@.majority_vote(sql text, ties text DEFAULT 'null')
RETURNS TABLE (item_id bigint, label text, votes integer, total integer, share double precision, tied boolean)
AS 'MODULE_PATHNAME', 'pref_majority_vote'
LANGUAGE C VOLATILE;

COMMENT ON FUNCTION @extschema@.majority_vote(text, text) IS
'majority label per item from (item_id, annotator, label) rows; ties: null (label NULL), lowest (bytewise smallest label), drop (omit the item)';

CREATE FUNCTION @extschema@.dawid_skene(
	sql text,
	max_iter integer DEFAULT 100,
	tol double precision DEFAULT 1e-6,
	smoothing double precision DEFAULT 0.01)
RETURNS TABLE (item_id bigint, label text, probability double precision, labels text[],
	probabilities double precision[], iterations integer, converged boolean, log_likelihood double precision)
AS 'MODULE_PATHNAME', 'pref_dawid_skene'
LANGUAGE C VOLATILE;

COMMENT ON FUNCTION @extschema@.dawid_skene(text, integer, double precision, double precision) IS
'Dawid-Skene EM over (item_id, annotator, label) rows: per item the most probable true label, its posterior, and the posteriors of all labels';

CREATE FUNCTION @extschema@.dawid_skene_annotators(
	sql text,
	max_iter integer DEFAULT 100,
	tol double precision DEFAULT 1e-6,
	smoothing double precision DEFAULT 0.01)
RETURNS TABLE (annotator text, labelled integer, accuracy double precision, labels text[],
	confusion double precision[], class_prior double precision[], iterations integer, converged boolean)
AS 'MODULE_PATHNAME', 'pref_dawid_skene_annotators'
LANGUAGE C VOLATILE;

COMMENT ON FUNCTION @extschema@.dawid_skene_annotators(text, integer, double precision, double precision) IS
'Dawid-Skene EM over (item_id, annotator, label) rows: per annotator the estimated confusion matrix (true label x given label) and accuracy';

-- ---- src/agree.sql
-- Agreement aggregates: Cohen's kappa, Fleiss' kappa, Krippendorff's alpha

CREATE FUNCTION @extschema@.agree_pair_accum(internal, text, text) RETURNS internal
	AS 'MODULE_PATHNAME', 'pref_agree_pair_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.agree_unit_accum(internal, bigint, text) RETURNS internal
	AS 'MODULE_PATHNAME', 'pref_agree_unit_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.agree_value_accum(internal, bigint, double precision) RETURNS internal
	AS 'MODULE_PATHNAME', 'pref_agree_value_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.agree_combine(internal, internal) RETURNS internal
	AS 'MODULE_PATHNAME', 'pref_agree_combine' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.agree_serialize(internal) RETURNS bytea
	AS 'MODULE_PATHNAME', 'pref_agree_serialize' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.agree_deserialize(bytea, internal) RETURNS internal
	AS 'MODULE_PATHNAME', 'pref_agree_deserialize' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.cohen_kappa_final(internal) RETURNS double precision
	AS 'MODULE_PATHNAME', 'pref_cohen_kappa_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.fleiss_kappa_final(internal) RETURNS double precision
	AS 'MODULE_PATHNAME', 'pref_fleiss_kappa_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.krippendorff_alpha_final(internal) RETURNS double precision
	AS 'MODULE_PATHNAME', 'pref_kalpha_nominal_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.krippendorff_alpha_interval_final(internal) RETURNS double precision
	AS 'MODULE_PATHNAME', 'pref_kalpha_interval_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION @extschema@.agree_pair_accum(internal, text, text) IS 'cohen_kappa transition function';
COMMENT ON FUNCTION @extschema@.agree_unit_accum(internal, bigint, text) IS 'fleiss_kappa / krippendorff_alpha transition function';
COMMENT ON FUNCTION @extschema@.agree_value_accum(internal, bigint, double precision) IS 'krippendorff_alpha_interval transition function';
COMMENT ON FUNCTION @extschema@.agree_combine(internal, internal) IS 'agreement aggregates combine function';
COMMENT ON FUNCTION @extschema@.agree_serialize(internal) IS 'agreement aggregates serialize function';
COMMENT ON FUNCTION @extschema@.agree_deserialize(bytea, internal) IS 'agreement aggregates deserialize function';
COMMENT ON FUNCTION @extschema@.cohen_kappa_final(internal) IS 'cohen_kappa final function';
COMMENT ON FUNCTION @extschema@.fleiss_kappa_final(internal) IS 'fleiss_kappa final function';
COMMENT ON FUNCTION @extschema@.krippendorff_alpha_final(internal) IS 'krippendorff_alpha final function';
COMMENT ON FUNCTION @extschema@.krippendorff_alpha_interval_final(internal) IS 'krippendorff_alpha_interval final function';

CREATE AGGREGATE @extschema@.cohen_kappa(label_a text, label_b text) (
	SFUNC = @extschema@.agree_pair_accum, STYPE = internal, SSPACE = 65536,
	FINALFUNC = @extschema@.cohen_kappa_final,
	COMBINEFUNC = @extschema@.agree_combine,
	SERIALFUNC = @extschema@.agree_serialize, DESERIALFUNC = @extschema@.agree_deserialize,
	PARALLEL = SAFE);
COMMENT ON AGGREGATE @extschema@.cohen_kappa(text, text) IS
'Cohen''s kappa of two raters: one row per item with each rater''s label; NULL when undefined';

CREATE AGGREGATE @extschema@.fleiss_kappa(unit bigint, label text) (
	SFUNC = @extschema@.agree_unit_accum, STYPE = internal, SSPACE = 65536,
	FINALFUNC = @extschema@.fleiss_kappa_final,
	COMBINEFUNC = @extschema@.agree_combine,
	SERIALFUNC = @extschema@.agree_serialize, DESERIALFUNC = @extschema@.agree_deserialize,
	PARALLEL = SAFE);
COMMENT ON AGGREGATE @extschema@.fleiss_kappa(bigint, text) IS
'Fleiss'' kappa: one row per (unit, rating); units with one rating ignored; raters per unit may vary';

CREATE AGGREGATE @extschema@.krippendorff_alpha(unit bigint, label text) (
	SFUNC = @extschema@.agree_unit_accum, STYPE = internal, SSPACE = 65536,
	FINALFUNC = @extschema@.krippendorff_alpha_final,
	COMBINEFUNC = @extschema@.agree_combine,
	SERIALFUNC = @extschema@.agree_serialize, DESERIALFUNC = @extschema@.agree_deserialize,
	PARALLEL = SAFE);
COMMENT ON AGGREGATE @extschema@.krippendorff_alpha(bigint, text) IS
'Krippendorff''s alpha for nominal labels: one row per (unit, value); missing values allowed';

CREATE AGGREGATE @extschema@.krippendorff_alpha_interval(unit bigint, value double precision) (
	SFUNC = @extschema@.agree_value_accum, STYPE = internal, SSPACE = 65536,
	FINALFUNC = @extschema@.krippendorff_alpha_interval_final,
	COMBINEFUNC = @extschema@.agree_combine,
	SERIALFUNC = @extschema@.agree_serialize, DESERIALFUNC = @extschema@.agree_deserialize,
	PARALLEL = SAFE);
COMMENT ON AGGREGATE @extschema@.krippendorff_alpha_interval(bigint, double precision) IS
'Krippendorff''s alpha for interval values (squared-difference metric): one row per (unit, value)';

-- ---- src/calib.sql
-- Calibration of probabilities against outcomes

CREATE TYPE @extschema@.calibration AS (
	n bigint, bins integer, ece double precision, mce double precision,
	brier double precision, log_loss double precision);
COMMENT ON TYPE @extschema@.calibration IS
'calibration summary: rows, bins, expected and maximum calibration error, Brier score, log loss';

CREATE FUNCTION @extschema@.calibration_accum(double precision[], double precision, boolean) RETURNS double precision[]
	AS 'MODULE_PATHNAME', 'pref_calibration_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.calibration_accum(double precision[], double precision, boolean, integer) RETURNS double precision[]
	AS 'MODULE_PATHNAME', 'pref_calibration_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.calibration_combine(double precision[], double precision[]) RETURNS double precision[]
	AS 'MODULE_PATHNAME', 'pref_calibration_combine' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.calibration_final(double precision[]) RETURNS @extschema@.calibration
	AS 'MODULE_PATHNAME', 'pref_calibration_final' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.calibration_accum(double precision[], double precision, boolean) IS 'calibration transition function (10 bins)';
COMMENT ON FUNCTION @extschema@.calibration_accum(double precision[], double precision, boolean, integer) IS 'calibration transition function';
COMMENT ON FUNCTION @extschema@.calibration_combine(double precision[], double precision[]) IS 'calibration combine function';
COMMENT ON FUNCTION @extschema@.calibration_final(double precision[]) IS 'calibration final function';

CREATE AGGREGATE @extschema@.calibration(probability double precision, outcome boolean) (
	SFUNC = @extschema@.calibration_accum, STYPE = double precision[], INITCOND = '{}',
	FINALFUNC = @extschema@.calibration_final,
	COMBINEFUNC = @extschema@.calibration_combine, PARALLEL = SAFE);
COMMENT ON AGGREGATE @extschema@.calibration(double precision, boolean) IS
'calibration of probabilities against outcomes with 10 equal-width bins: ECE, MCE, Brier score, log loss';

CREATE AGGREGATE @extschema@.calibration(probability double precision, outcome boolean, bins integer) (
	SFUNC = @extschema@.calibration_accum, STYPE = double precision[], INITCOND = '{}',
	FINALFUNC = @extschema@.calibration_final,
	COMBINEFUNC = @extschema@.calibration_combine, PARALLEL = SAFE);
COMMENT ON AGGREGATE @extschema@.calibration(double precision, boolean, integer) IS
'calibration of probabilities against outcomes with the given number of equal-width bins: ECE, MCE, Brier score, log loss';

CREATE AGGREGATE @extschema@.calibration_state(probability double precision, outcome boolean, bins integer) (
	SFUNC = @extschema@.calibration_accum, STYPE = double precision[], INITCOND = '{}',
	COMBINEFUNC = @extschema@.calibration_combine, PARALLEL = SAFE);
COMMENT ON AGGREGATE @extschema@.calibration_state(double precision, boolean, integer) IS
'the mergeable calibration state (bins, n, sums, per-bin counts) for storing and for pref.reliability_bins(state)';

CREATE FUNCTION @extschema@.reliability_bins(sql text, bins integer DEFAULT 10)
RETURNS TABLE (bin integer, lower double precision, upper double precision,
	mean_predicted double precision, observed_frequency double precision, count bigint)
AS 'MODULE_PATHNAME', 'pref_reliability_bins'
LANGUAGE C VOLATILE;
COMMENT ON FUNCTION @extschema@.reliability_bins(text, integer) IS
'reliability diagram rows from a query yielding (probability, outcome boolean): per bin the mean prediction, observed frequency and count';

CREATE FUNCTION @extschema@.reliability_bins(state double precision[])
RETURNS TABLE (bin integer, lower double precision, upper double precision,
	mean_predicted double precision, observed_frequency double precision, count bigint)
AS 'MODULE_PATHNAME', 'pref_reliability_bins_state'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.reliability_bins(double precision[]) IS
'reliability diagram rows from a pref.calibration_state value';

-- ---- src/curation_jobs.sql
-- Curation jobs for pg_cron: job registry, run log, advisory-locked runner,
-- result tables and BI views

CREATE TABLE @extschema@.jobs (
	job text PRIMARY KEY,
	kind text NOT NULL,
	params jsonb NOT NULL DEFAULT '{}',
	created timestamptz NOT NULL DEFAULT pg_catalog.now()
);
COMMENT ON TABLE @extschema@.jobs IS 'curation jobs: name, kind (a function pref.job_<kind>(run_id, params) does the work) and parameters';
SELECT pg_catalog.pg_extension_config_dump('@extschema@.jobs', '');

CREATE TABLE @extschema@.runs (
	run_id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
	job text NOT NULL,
	kind text,
	started timestamptz NOT NULL DEFAULT pg_catalog.clock_timestamp(),
	finished timestamptz,
	rows_read bigint,
	rows_written bigint,
	parameters jsonb,
	status text NOT NULL CHECK (status IN ('running', 'succeeded', 'failed', 'skipped')),
	error text
);
COMMENT ON TABLE @extschema@.runs IS 'run log of curation jobs: one row per run (running, succeeded, failed, or skipped when another run held the lock)';
SELECT pg_catalog.pg_extension_config_dump('@extschema@.runs', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.runs_run_id_seq', '');
COMMENT ON SEQUENCE @extschema@.runs_run_id_seq IS 'run ids of pref.runs';

CREATE TABLE @extschema@.curated_pairs (
	job text NOT NULL,
	run_id bigint NOT NULL,
	prompt_id bigint NOT NULL,
	chosen bigint NOT NULL,
	rejected bigint NOT NULL,
	margin double precision NOT NULL
);
CREATE INDEX curated_pairs_job ON @extschema@.curated_pairs (job, prompt_id);
COMMENT ON TABLE @extschema@.curated_pairs IS 'preference pairs written by binarize jobs (each run replaces its job''s rows)';
SELECT pg_catalog.pg_extension_config_dump('@extschema@.curated_pairs', '');

CREATE TABLE @extschema@.data_health (
	job text NOT NULL,
	run_id bigint NOT NULL,
	day date NOT NULL,
	labels bigint NOT NULL,
	items bigint NOT NULL,
	annotators integer NOT NULL,
	tie_rate double precision,
	agreement double precision,
	likely_mislabeled_share double precision,
	duplicates_share double precision,
	PRIMARY KEY (job, day)
);
COMMENT ON TABLE @extschema@.data_health IS 'per-day label health written by health jobs (each run replaces its job''s rows)';
SELECT pg_catalog.pg_extension_config_dump('@extschema@.data_health', '');

-- ---- job registry --------------------------------------------------------

CREATE FUNCTION @extschema@.job_kinds() RETURNS SETOF text
LANGUAGE sql STABLE PARALLEL SAFE
AS $$
	SELECT pg_catalog.substr(p.proname, 5) FROM pg_catalog.pg_proc p
	WHERE p.pronamespace = '@extschema@'::regnamespace AND p.proname OPERATOR(pg_catalog.~~) 'job\_%'
	  AND p.proname OPERATOR(pg_catalog.<>) 'job_kinds'
	  AND p.proargtypes OPERATOR(pg_catalog.=) '20 3802'::pg_catalog.oidvector
	ORDER BY 1
$$;
COMMENT ON FUNCTION @extschema@.job_kinds() IS 'job kinds this installation can run (functions pref.job_<kind>(bigint, jsonb))';

CREATE FUNCTION @extschema@.define_job(job text, kind text, params jsonb DEFAULT '{}')
RETURNS void
LANGUAGE plpgsql VOLATILE
AS $$
BEGIN
	IF job IS NULL OR kind IS NULL OR params IS NULL THEN
		RAISE EXCEPTION USING ERRCODE = 'null_value_not_allowed', MESSAGE = 'job, kind and params must not be NULL';
	END IF;
	IF kind NOT IN (SELECT k FROM @extschema@.job_kinds() k) THEN
		RAISE EXCEPTION USING ERRCODE = 'invalid_parameter_value',
			MESSAGE = pg_catalog.format('unknown job kind "%s"', kind),
			HINT = pg_catalog.format('Valid kinds are: %s.',
				(SELECT pg_catalog.string_agg(k, ', ') FROM @extschema@.job_kinds() k));
	END IF;
	IF pg_catalog.jsonb_typeof(params) OPERATOR(pg_catalog.<>) 'object' THEN
		RAISE EXCEPTION USING ERRCODE = 'invalid_parameter_value', MESSAGE = 'params must be a JSON object';
	END IF;
	INSERT INTO @extschema@.jobs AS j (job, kind, params) VALUES (define_job.job, define_job.kind, define_job.params)
	ON CONFLICT ON CONSTRAINT jobs_pkey DO UPDATE SET kind = excluded.kind, params = excluded.params;
END
$$;
COMMENT ON FUNCTION @extschema@.define_job(text, text, jsonb) IS 'create or update a curation job';

CREATE FUNCTION @extschema@.drop_job(job text) RETURNS boolean
LANGUAGE sql VOLATILE
AS $$
	WITH d AS (DELETE FROM @extschema@.jobs j WHERE j.job OPERATOR(pg_catalog.=) drop_job.job RETURNING 1)
	SELECT pg_catalog.count(*) OPERATOR(pg_catalog.>) 0 FROM d
$$;
COMMENT ON FUNCTION @extschema@.drop_job(text) IS 'remove a curation job (its run log and results stay); true if it existed';

CREATE FUNCTION @extschema@.job_lock_key(job text, OUT classid integer, OUT objid integer)
RETURNS record
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
AS $$ SELECT pg_catalog.hashtext('pgpref.run_job'), pg_catalog.hashtext(job) $$;
COMMENT ON FUNCTION @extschema@.job_lock_key(text) IS
'the advisory lock keys pref.run_job takes for a job (pg_locks shows them as classid, objid)';

-- ---- the runner ----------------------------------------------------------

CREATE PROCEDURE @extschema@.run_job(job text, wait boolean DEFAULT false)
LANGUAGE plpgsql
AS $$
DECLARE
	j record;
	k record;
	rid bigint;
	got boolean;
	nread bigint;
	nwritten bigint;
	msg text;
	det text;
BEGIN
	IF job IS NULL THEN
		RAISE EXCEPTION USING ERRCODE = 'null_value_not_allowed', MESSAGE = 'job must not be NULL';
	END IF;
	SELECT * INTO j FROM @extschema@.jobs x WHERE x.job OPERATOR(pg_catalog.=) run_job.job;
	IF NOT FOUND THEN
		RAISE EXCEPTION USING ERRCODE = 'undefined_object',
			MESSAGE = pg_catalog.format('curation job "%s" does not exist', job),
			HINT = 'Define it with pref.define_job(job, kind, params); SELECT job FROM pref.jobs lists the jobs.';
	END IF;
	k := @extschema@.job_lock_key(job);
	IF wait THEN
		PERFORM pg_catalog.pg_advisory_xact_lock(k.classid, k.objid);
		got := true;
	ELSE
		got := pg_catalog.pg_try_advisory_xact_lock(k.classid, k.objid);
	END IF;
	IF NOT got THEN
		INSERT INTO @extschema@.runs (job, kind, finished, parameters, status, error)
		VALUES (j.job, j.kind, pg_catalog.clock_timestamp(), j.params, 'skipped', 'another run of this job holds its lock');
		RAISE NOTICE 'curation job "%" is already running; skipped', job;
		RETURN;
	END IF;
	INSERT INTO @extschema@.runs (job, kind, parameters, status)
	VALUES (j.job, j.kind, j.params, 'running') RETURNING run_id INTO rid;
	BEGIN
		EXECUTE pg_catalog.format('SELECT * FROM @extschema@.%I($1, $2)', 'job_' OPERATOR(pg_catalog.||) j.kind)
			INTO nread, nwritten USING rid, j.params;
		UPDATE @extschema@.runs SET status = 'succeeded', finished = pg_catalog.clock_timestamp(),
			rows_read = nread, rows_written = nwritten
		WHERE run_id OPERATOR(pg_catalog.=) rid;
	EXCEPTION WHEN OTHERS THEN
		GET STACKED DIAGNOSTICS msg = MESSAGE_TEXT, det = PG_EXCEPTION_DETAIL;
		UPDATE @extschema@.runs SET status = 'failed', finished = pg_catalog.clock_timestamp(),
			error = msg OPERATOR(pg_catalog.||) COALESCE(' (' OPERATOR(pg_catalog.||) NULLIF(det, '') OPERATOR(pg_catalog.||) ')', '')
		WHERE run_id OPERATOR(pg_catalog.=) rid;
		RAISE WARNING 'curation job "%" failed: %', job, msg;
	END;
END
$$;
COMMENT ON PROCEDURE @extschema@.run_job(text, boolean) IS
'run a curation job under its advisory lock, logging to pref.runs; a concurrent run is skipped (or waits with wait => true); failures are logged and raised as a WARNING';

-- ---- job kinds -----------------------------------------------------------

CREATE FUNCTION @extschema@.job_binarize(run_id bigint, params jsonb, OUT rows_read bigint, OUT rows_written bigint)
RETURNS record
LANGUAGE plpgsql VOLATILE
AS $$
DECLARE
	src text := params OPERATOR(pg_catalog.->>) 'source';
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
	DELETE FROM @extschema@.curated_pairs c WHERE c.job IN
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

CREATE FUNCTION @extschema@.job_health(run_id bigint, params jsonb, OUT rows_read bigint, OUT rows_written bigint)
RETURNS record
LANGUAGE plpgsql VOLATILE
AS $$
DECLARE
	src text := params OPERATOR(pg_catalog.->>) 'source';
	tie text := COALESCE(params OPERATOR(pg_catalog.->>) 'tie_label', '=');
	thr double precision := COALESCE((params OPERATOR(pg_catalog.->>) 'mislabel_threshold')::double precision, 0.9);
	jname text;
BEGIN
	IF src IS NULL THEN
		RAISE EXCEPTION USING ERRCODE = 'invalid_parameter_value',
			MESSAGE = 'health job needs params.source, a query yielding (labelled_at, item_id, annotator, label)';
	END IF;
	SELECT r.job INTO jname FROM @extschema@.runs r WHERE r.run_id OPERATOR(pg_catalog.=) job_health.run_id;
	IF pg_catalog.to_regclass('pg_temp.pgpref_health_src') IS NOT NULL THEN
		DROP TABLE pg_temp.pgpref_health_src;
	END IF;
	IF pg_catalog.to_regclass('pg_temp.pgpref_health_dedup') IS NOT NULL THEN
		DROP TABLE pg_temp.pgpref_health_dedup;
	END IF;
	IF pg_catalog.to_regclass('pg_temp.pgpref_health_ds') IS NOT NULL THEN
		DROP TABLE pg_temp.pgpref_health_ds;
	END IF;
	EXECUTE pg_catalog.format(
		'CREATE TEMP TABLE pgpref_health_src AS SELECT s.* FROM (%s) s(labelled_at, item_id, annotator, label)', src);
	SELECT pg_catalog.count(*) INTO rows_read FROM pg_temp.pgpref_health_src;
	-- the latest label of each (item, annotator) wins
	CREATE TEMP TABLE pgpref_health_dedup AS
		SELECT DISTINCT ON (item_id, annotator) labelled_at::date AS day, item_id::bigint AS item_id,
			annotator::text AS annotator, label::text AS label,
			pg_catalog.count(*) OVER (PARTITION BY item_id, annotator) AS copies
		FROM pg_temp.pgpref_health_src
		WHERE item_id IS NOT NULL AND annotator IS NOT NULL AND label IS NOT NULL AND labelled_at IS NOT NULL
		ORDER BY item_id, annotator, labelled_at DESC;
	CREATE TEMP TABLE pgpref_health_ds AS
		SELECT d.item_id, d.label, d.probability
		FROM @extschema@.dawid_skene('SELECT item_id, annotator, label FROM pg_temp.pgpref_health_dedup') d;
	DELETE FROM @extschema@.data_health h WHERE h.job OPERATOR(pg_catalog.=) jname;
	INSERT INTO @extschema@.data_health (job, run_id, day, labels, items, annotators, tie_rate, agreement,
		likely_mislabeled_share, duplicates_share)
	SELECT jname, job_health.run_id, d.day, pg_catalog.count(*), pg_catalog.count(DISTINCT d.item_id),
		pg_catalog.count(DISTINCT d.annotator),
		pg_catalog.avg((d.label OPERATOR(pg_catalog.=) tie)::integer),
		@extschema@.krippendorff_alpha(d.item_id, d.label),
		pg_catalog.avg((d.label OPERATOR(pg_catalog.<>) m.label AND m.probability OPERATOR(pg_catalog.>=) thr)::integer),
		pg_catalog.sum(d.copies OPERATOR(pg_catalog.-) 1)::double precision OPERATOR(pg_catalog./) pg_catalog.sum(d.copies)
	FROM pg_temp.pgpref_health_dedup d JOIN pg_temp.pgpref_health_ds m USING (item_id)
	GROUP BY d.day;
	GET DIAGNOSTICS rows_written = ROW_COUNT;
	DROP TABLE pg_temp.pgpref_health_src, pg_temp.pgpref_health_dedup, pg_temp.pgpref_health_ds;
END
$$;
COMMENT ON FUNCTION @extschema@.job_health(bigint, jsonb) IS
'job kind health: params source (query of labelled_at, item_id, annotator, label), tie_label, mislabel_threshold; writes pref.data_health';

-- ---- views for dashboards ------------------------------------------------

CREATE VIEW @extschema@.job_status AS
SELECT j.job, j.kind,
	l.status AS last_status, l.started AS last_started, l.finished AS last_finished,
	l.error AS last_error,
	(SELECT pg_catalog.max(r.finished) FROM @extschema@.runs r
	 WHERE r.job OPERATOR(pg_catalog.=) j.job AND r.status OPERATOR(pg_catalog.=) 'succeeded') AS last_success,
	(SELECT pg_catalog.count(*) FROM @extschema@.runs r WHERE r.job OPERATOR(pg_catalog.=) j.job) AS runs,
	(SELECT pg_catalog.count(*) FROM @extschema@.runs r
	 WHERE r.job OPERATOR(pg_catalog.=) j.job AND r.status OPERATOR(pg_catalog.=) 'failed') AS failures
FROM @extschema@.jobs j
LEFT JOIN LATERAL (SELECT r.* FROM @extschema@.runs r WHERE r.job OPERATOR(pg_catalog.=) j.job
	ORDER BY r.run_id DESC LIMIT 1) l ON true;
COMMENT ON VIEW @extschema@.job_status IS 'one row per curation job: last run, last success, run and failure counts';

CREATE VIEW @extschema@.data_health_daily AS
SELECT h.job, h.day, h.labels, h.items, h.annotators, h.tie_rate, h.agreement,
	h.likely_mislabeled_share, h.duplicates_share, h.run_id, r.finished AS computed_at
FROM @extschema@.data_health h JOIN @extschema@.runs r ON r.run_id OPERATOR(pg_catalog.=) h.run_id;
COMMENT ON VIEW @extschema@.data_health_daily IS
'per job and day: labels, items, annotators, tie rate, Krippendorff alpha, likely-mislabeled share, duplicates share, and when computed';

-- ---- src/bt_extra.sql
-- Bradley-Terry extras: bootstrap intervals, evaluation on held-out comparisons

CREATE FUNCTION @extschema@.bt_bootstrap(t @extschema@.tally, rounds integer DEFAULT 1000, seed bigint DEFAULT 42,
	level double precision DEFAULT 0.95, prior double precision DEFAULT 0, ties text DEFAULT 'auto',
	scale text DEFAULT 'elo', order_effect boolean DEFAULT false)
	RETURNS TABLE (item text, rating double precision, std_error double precision, lower double precision,
				   upper double precision, rank integer, rank_lower integer, rank_upper integer, rounds integer)
	AS 'MODULE_PATHNAME', 'pref_bt_bootstrap' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 100;
COMMENT ON FUNCTION @extschema@.bt_bootstrap(@extschema@.tally, integer, bigint, double precision, double precision, text, text, boolean) IS
'bootstrap intervals of a Bradley-Terry fit: multinomial resampling of the battles over the tally cells (no pass over the rows), warm-started refits; per item the full-data rating, bootstrap standard error, percentile interval, interval-aware rank, rank interval and rounds used; reproducible for a seed';

CREATE FUNCTION @extschema@.bt_eval_trans(double precision[], @extschema@.bt_model, bigint, bigint) RETURNS double precision[]
	AS 'MODULE_PATHNAME', 'pref_bt_eval_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.bt_eval_trans(double precision[], @extschema@.bt_model, bigint, bigint, boolean) RETURNS double precision[]
	AS 'MODULE_PATHNAME', 'pref_bt_eval_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.bt_eval_trans(double precision[], @extschema@.bt_model, text, text) RETURNS double precision[]
	AS 'MODULE_PATHNAME', 'pref_bt_eval_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.bt_eval_trans(double precision[], @extschema@.bt_model, text, text, boolean) RETURNS double precision[]
	AS 'MODULE_PATHNAME', 'pref_bt_eval_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.bt_eval_combine(double precision[], double precision[]) RETURNS double precision[]
	AS 'MODULE_PATHNAME', 'pref_bt_eval_combine' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.bt_eval_final(double precision[]) RETURNS jsonb
	AS 'MODULE_PATHNAME', 'pref_bt_eval_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.bt_eval_trans(double precision[], @extschema@.bt_model, bigint, bigint) IS 'pref.bt_eval aggregate support: score one comparison';
COMMENT ON FUNCTION @extschema@.bt_eval_trans(double precision[], @extschema@.bt_model, bigint, bigint, boolean) IS 'pref.bt_eval aggregate support: score one comparison';
COMMENT ON FUNCTION @extschema@.bt_eval_trans(double precision[], @extschema@.bt_model, text, text) IS 'pref.bt_eval aggregate support: score one comparison';
COMMENT ON FUNCTION @extschema@.bt_eval_trans(double precision[], @extschema@.bt_model, text, text, boolean) IS 'pref.bt_eval aggregate support: score one comparison';
COMMENT ON FUNCTION @extschema@.bt_eval_combine(double precision[], double precision[]) IS 'pref.bt_eval aggregate support: add partial sums';
COMMENT ON FUNCTION @extschema@.bt_eval_final(double precision[]) IS 'pref.bt_eval aggregate support: means as jsonb';

CREATE AGGREGATE @extschema@.bt_eval(m @extschema@.bt_model, winner bigint, loser bigint) (
	SFUNC = @extschema@.bt_eval_trans, STYPE = double precision[],
	FINALFUNC = @extschema@.bt_eval_final, COMBINEFUNC = @extschema@.bt_eval_combine, PARALLEL = SAFE
);
CREATE AGGREGATE @extschema@.bt_eval(m @extschema@.bt_model, winner bigint, loser bigint, tie boolean) (
	SFUNC = @extschema@.bt_eval_trans, STYPE = double precision[],
	FINALFUNC = @extschema@.bt_eval_final, COMBINEFUNC = @extschema@.bt_eval_combine, PARALLEL = SAFE
);
CREATE AGGREGATE @extschema@.bt_eval(m @extschema@.bt_model, winner text, loser text) (
	SFUNC = @extschema@.bt_eval_trans, STYPE = double precision[],
	FINALFUNC = @extschema@.bt_eval_final, COMBINEFUNC = @extschema@.bt_eval_combine, PARALLEL = SAFE
);
CREATE AGGREGATE @extschema@.bt_eval(m @extschema@.bt_model, winner text, loser text, tie boolean) (
	SFUNC = @extschema@.bt_eval_trans, STYPE = double precision[],
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

-- ---- src/elo.sql
-- Elo: online ratings as an ordered aggregate

CREATE FUNCTION @extschema@.elo_trans(internal, bigint, bigint) RETURNS internal
	AS 'MODULE_PATHNAME', 'pref_elo_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.elo_trans(internal, bigint, bigint, boolean) RETURNS internal
	AS 'MODULE_PATHNAME', 'pref_elo_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.elo_trans(internal, bigint, bigint, boolean, double precision) RETURNS internal
	AS 'MODULE_PATHNAME', 'pref_elo_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.elo_trans(internal, bigint, bigint, boolean, double precision, double precision, double precision) RETURNS internal
	AS 'MODULE_PATHNAME', 'pref_elo_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.elo_trans(internal, text, text) RETURNS internal
	AS 'MODULE_PATHNAME', 'pref_elo_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.elo_trans(internal, text, text, boolean) RETURNS internal
	AS 'MODULE_PATHNAME', 'pref_elo_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.elo_trans(internal, text, text, boolean, double precision) RETURNS internal
	AS 'MODULE_PATHNAME', 'pref_elo_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.elo_trans(internal, text, text, boolean, double precision, double precision, double precision) RETURNS internal
	AS 'MODULE_PATHNAME', 'pref_elo_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.elo_final(internal) RETURNS jsonb
	AS 'MODULE_PATHNAME', 'pref_elo_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.elo_final(internal) IS 'pref.elo aggregate support: ratings as jsonb';
COMMENT ON FUNCTION @extschema@.elo_trans(internal, bigint, bigint) IS 'pref.elo aggregate support: one game';
CREATE AGGREGATE @extschema@.elo(winner bigint, loser bigint) (
	SFUNC = @extschema@.elo_trans, STYPE = internal, FINALFUNC = @extschema@.elo_final, PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.elo(bigint, bigint) IS
'online Elo ratings in the aggregate''s order (use ORDER BY): jsonb item -> rating; k (default 4), initial rating (1000) and scale (400); a tie scores 0.5';
COMMENT ON FUNCTION @extschema@.elo_trans(internal, bigint, bigint, boolean) IS 'pref.elo aggregate support: one game';
CREATE AGGREGATE @extschema@.elo(winner bigint, loser bigint, tie boolean) (
	SFUNC = @extschema@.elo_trans, STYPE = internal, FINALFUNC = @extschema@.elo_final, PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.elo(bigint, bigint, boolean) IS
'online Elo ratings in the aggregate''s order (use ORDER BY): jsonb item -> rating; k (default 4), initial rating (1000) and scale (400); a tie scores 0.5';
COMMENT ON FUNCTION @extschema@.elo_trans(internal, bigint, bigint, boolean, double precision) IS 'pref.elo aggregate support: one game';
CREATE AGGREGATE @extschema@.elo(winner bigint, loser bigint, tie boolean, k double precision) (
	SFUNC = @extschema@.elo_trans, STYPE = internal, FINALFUNC = @extschema@.elo_final, PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.elo(bigint, bigint, boolean, double precision) IS
'online Elo ratings in the aggregate''s order (use ORDER BY): jsonb item -> rating; k (default 4), initial rating (1000) and scale (400); a tie scores 0.5';
COMMENT ON FUNCTION @extschema@.elo_trans(internal, bigint, bigint, boolean, double precision, double precision, double precision) IS 'pref.elo aggregate support: one game';
CREATE AGGREGATE @extschema@.elo(winner bigint, loser bigint, tie boolean, k double precision, initial double precision, scale double precision) (
	SFUNC = @extschema@.elo_trans, STYPE = internal, FINALFUNC = @extschema@.elo_final, PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.elo(bigint, bigint, boolean, double precision, double precision, double precision) IS
'online Elo ratings in the aggregate''s order (use ORDER BY): jsonb item -> rating; k (default 4), initial rating (1000) and scale (400); a tie scores 0.5';
COMMENT ON FUNCTION @extschema@.elo_trans(internal, text, text) IS 'pref.elo aggregate support: one game';
CREATE AGGREGATE @extschema@.elo(winner text, loser text) (
	SFUNC = @extschema@.elo_trans, STYPE = internal, FINALFUNC = @extschema@.elo_final, PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.elo(text, text) IS
'online Elo ratings in the aggregate''s order (use ORDER BY): jsonb item -> rating; k (default 4), initial rating (1000) and scale (400); a tie scores 0.5';
COMMENT ON FUNCTION @extschema@.elo_trans(internal, text, text, boolean) IS 'pref.elo aggregate support: one game';
CREATE AGGREGATE @extschema@.elo(winner text, loser text, tie boolean) (
	SFUNC = @extschema@.elo_trans, STYPE = internal, FINALFUNC = @extschema@.elo_final, PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.elo(text, text, boolean) IS
'online Elo ratings in the aggregate''s order (use ORDER BY): jsonb item -> rating; k (default 4), initial rating (1000) and scale (400); a tie scores 0.5';
COMMENT ON FUNCTION @extschema@.elo_trans(internal, text, text, boolean, double precision) IS 'pref.elo aggregate support: one game';
CREATE AGGREGATE @extschema@.elo(winner text, loser text, tie boolean, k double precision) (
	SFUNC = @extschema@.elo_trans, STYPE = internal, FINALFUNC = @extschema@.elo_final, PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.elo(text, text, boolean, double precision) IS
'online Elo ratings in the aggregate''s order (use ORDER BY): jsonb item -> rating; k (default 4), initial rating (1000) and scale (400); a tie scores 0.5';
COMMENT ON FUNCTION @extschema@.elo_trans(internal, text, text, boolean, double precision, double precision, double precision) IS 'pref.elo aggregate support: one game';
CREATE AGGREGATE @extschema@.elo(winner text, loser text, tie boolean, k double precision, initial double precision, scale double precision) (
	SFUNC = @extschema@.elo_trans, STYPE = internal, FINALFUNC = @extschema@.elo_final, PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.elo(text, text, boolean, double precision, double precision, double precision) IS
'online Elo ratings in the aggregate''s order (use ORDER BY): jsonb item -> rating; k (default 4), initial rating (1000) and scale (400); a tie scores 0.5';

-- ---- src/plackett_luce.sql
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

-- ---- src/curation_leaderboard.sql
-- Leaderboard refresh job (incremental Bradley-Terry), leaderboard views and
-- active labelling (pref.next_comparisons).  Needs src/tally.sql, src/bt.sql
-- and src/curation_jobs.sql before it in SQL_PARTS; run_job finds the new
-- kind by itself (pref.job_kinds() lists pref.job_*).

CREATE TABLE @extschema@.leaderboard_state (
	job text PRIMARY KEY,
	last_id bigint NOT NULL,
	comparisons bigint NOT NULL,
	tally @extschema@.tally NOT NULL,
	updated timestamptz NOT NULL
);
COMMENT ON TABLE @extschema@.leaderboard_state IS
'per leaderboard job: the merged tally of every comparison read so far, the number of rows read and the largest comparison id read';
SELECT pg_catalog.pg_extension_config_dump('@extschema@.leaderboard_state', '');

CREATE TABLE @extschema@.leaderboard (
	job text NOT NULL,
	run_id bigint NOT NULL,
	computed_at timestamptz NOT NULL,
	item text NOT NULL,
	rating double precision NOT NULL,
	std_error double precision,
	lower double precision,
	upper double precision,
	rank integer NOT NULL,
	position integer NOT NULL,
	wins bigint NOT NULL,
	losses bigint NOT NULL,
	ties bigint NOT NULL,
	games bigint NOT NULL,
	comparisons bigint NOT NULL,
	PRIMARY KEY (job, run_id, item)
);
COMMENT ON TABLE @extschema@.leaderboard IS
'leaderboards written by leaderboard jobs, one set of rows per run (history): pref.ratings of the refitted model plus position and the comparisons read so far';
SELECT pg_catalog.pg_extension_config_dump('@extschema@.leaderboard', '');

CREATE FUNCTION @extschema@.job_leaderboard(run_id bigint, params jsonb, OUT rows_read bigint, OUT rows_written bigint)
RETURNS record
LANGUAGE plpgsql VOLATILE
AS $$
DECLARE
	src text := params OPERATOR(pg_catalog.->>) 'source';
	full_refresh boolean := COALESCE((params OPERATOR(pg_catalog.->>) 'full')::boolean, false);
	with_ties boolean := COALESCE((params OPERATOR(pg_catalog.->>) 'with_ties')::boolean, false);
	prior double precision := COALESCE((params OPERATOR(pg_catalog.->>) 'prior')::double precision, 0);
	tie_model text := COALESCE(params OPERATOR(pg_catalog.->>) 'ties', 'auto');
	scale text := COALESCE(params OPERATOR(pg_catalog.->>) 'scale', 'elo');
	lvl double precision := COALESCE((params OPERATOR(pg_catalog.->>) 'level')::double precision, 0.95);
	jname text;
	old_last bigint;
	old_count bigint;
	old_tally @extschema@.tally;
	new_last bigint;
	t @extschema@.tally;
	merged @extschema@.tally;
	model @extschema@.bt_model;
	total bigint;
	stamp timestamptz := pg_catalog.clock_timestamp();
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

CREATE VIEW @extschema@.leaderboard_current AS
SELECT l.job, l.item, l.rating, l.std_error, l.lower, l.upper, l.rank, l.position,
	l.wins, l.losses, l.ties, l.games, l.comparisons, l.computed_at, l.run_id
FROM @extschema@.leaderboard l
WHERE l.run_id OPERATOR(pg_catalog.=) (SELECT pg_catalog.max(x.run_id) FROM @extschema@.leaderboard x
	WHERE x.job OPERATOR(pg_catalog.=) l.job);
COMMENT ON VIEW @extschema@.leaderboard_current IS
'latest leaderboard per job: item, rating, standard error, interval (lower, upper), interval-aware rank, position, wins, losses, ties, games, comparisons read, when computed, run id';

CREATE VIEW @extschema@.leaderboard_daily AS
SELECT l.job, (l.computed_at AT TIME ZONE 'UTC')::date AS day, l.item, l.rating, l.std_error, l.lower, l.upper,
	l.rank, l.position, l.games, l.comparisons, l.computed_at, l.run_id
FROM @extschema@.leaderboard l
WHERE l.run_id OPERATOR(pg_catalog.=) (SELECT pg_catalog.max(x.run_id) FROM @extschema@.leaderboard x
	WHERE x.job OPERATOR(pg_catalog.=) l.job
	  AND (x.computed_at AT TIME ZONE 'UTC')::date OPERATOR(pg_catalog.=) (l.computed_at AT TIME ZONE 'UTC')::date);
COMMENT ON VIEW @extschema@.leaderboard_daily IS
'leaderboard history: the last leaderboard of each UTC day per job';

CREATE FUNCTION @extschema@.next_comparisons(model @extschema@.bt_model, k integer DEFAULT 10)
RETURNS TABLE (item_a text, item_b text, win_prob double precision, std_error double precision, score double precision)
LANGUAGE sql STABLE STRICT PARALLEL SAFE
AS $$
	-- For each pair a < b: d = theta_a - theta_b (logit scale), v = Var(d) from
	-- the model covariance (pref.ratings anchored at a gives the standard error
	-- of each difference from a), p = 1 / (1 + exp(-d)).  One more comparison of
	-- a and b carries Fisher information p (1 - p) about d, so a Gaussian update
	-- takes Var(d) from v to 1 / (1/v + p (1 - p)): the expected reduction is
	-- score = v^2 p (1 - p) / (1 + v p (1 - p)).  The k largest scores first.
	WITH r AS (SELECT x.item, x.rating FROM @extschema@.ratings(model, scale => 'logit') x),
	     p AS (SELECT a.item AS item_a, b.item AS item_b,
	                  1.0 OPERATOR(pg_catalog./) (1.0 OPERATOR(pg_catalog.+)
	                      pg_catalog.exp(b.rating OPERATOR(pg_catalog.-) a.rating)) AS w,
	                  d.std_error AS se
	           FROM r a
	           CROSS JOIN LATERAL @extschema@.ratings(model, scale => 'logit', anchor => a.item) d
	           JOIN r b ON b.item OPERATOR(pg_catalog.=) d.item
	           WHERE a.item OPERATOR(pg_catalog.<) b.item),
	     s AS (SELECT p.item_a, p.item_b, p.w, p.se,
	                  p.w OPERATOR(pg_catalog.*) (1.0 OPERATOR(pg_catalog.-) p.w) AS info,
	                  p.se OPERATOR(pg_catalog.*) p.se AS v
	           FROM p)
	SELECT s.item_a, s.item_b, s.w, s.se,
	       ((s.v OPERATOR(pg_catalog.*) s.v) OPERATOR(pg_catalog.*) s.info) OPERATOR(pg_catalog./)
	           (1.0 OPERATOR(pg_catalog.+) (s.v OPERATOR(pg_catalog.*) s.info))
	FROM s ORDER BY 5 DESC, 1, 2 LIMIT k
$$;
COMMENT ON FUNCTION @extschema@.next_comparisons(@extschema@.bt_model, integer) IS
'active labelling: the k item pairs whose next comparison most reduces the variance of their rating difference, v^2 p(1 - p) / (1 + v p(1 - p)) with v = Var(theta_a - theta_b) and p the win probability';

-- ---- src/curation_valuation.sql
-- Valuation refresh job: data values (pref.knn_shapley / pref.data_shapley)
-- and a selected training subset (pref.select_subset) for a named data set,
-- with a summary view.  Needs src/shapley.sql, src/subset.sql and
-- src/curation_jobs.sql before it in SQL_PARTS.

CREATE TABLE @extschema@.data_values (
	job text NOT NULL,
	run_id bigint NOT NULL,
	dataset text NOT NULL,
	id bigint NOT NULL,
	value double precision NOT NULL,
	std_error double precision,
	harmful boolean NOT NULL,
	PRIMARY KEY (job, id)
);
COMMENT ON TABLE @extschema@.data_values IS
'data value of every training row, written by valuation jobs (each run replaces its job''s rows); harmful = value < 0';
SELECT pg_catalog.pg_extension_config_dump('@extschema@.data_values', '');

CREATE TABLE @extschema@.training_subset (
	job text NOT NULL,
	run_id bigint NOT NULL,
	dataset text NOT NULL,
	id bigint NOT NULL,
	pick integer NOT NULL,
	gain double precision,
	objective double precision,
	PRIMARY KEY (job, id)
);
COMMENT ON TABLE @extschema@.training_subset IS
'training subset picked by valuation jobs (pref.select_subset, harmful rows excluded unless asked otherwise; each run replaces its job''s rows)';
SELECT pg_catalog.pg_extension_config_dump('@extschema@.training_subset', '');

CREATE FUNCTION @extschema@.job_valuation(run_id bigint, params jsonb, OUT rows_read bigint, OUT rows_written bigint)
RETURNS record
LANGUAGE plpgsql VOLATILE
AS $$
DECLARE
	train text := params OPERATOR(pg_catalog.->>) 'train';
	valid text := params OPERATOR(pg_catalog.->>) 'valid';
	method text := COALESCE(params OPERATOR(pg_catalog.->>) 'method', 'knn');
	kk integer := COALESCE((params OPERATOR(pg_catalog.->>) 'k')::integer, 5);
	metric text := COALESCE(params OPERATOR(pg_catalog.->>) 'metric', 'l2');
	subset text := params OPERATOR(pg_catalog.->>) 'subset';
	subset_k integer := (params OPERATOR(pg_catalog.->>) 'subset_k')::integer;
	exclude_harmful boolean := COALESCE((params OPERATOR(pg_catalog.->>) 'exclude_harmful')::boolean, true);
	jname text;
	dset text;
	nsub bigint := 0;
	q text;
BEGIN
	IF train IS NULL OR valid IS NULL THEN
		RAISE EXCEPTION USING ERRCODE = 'invalid_parameter_value',
			MESSAGE = 'valuation job needs params.train, a query yielding (id, features, label), and params.valid, a query yielding (features, label)';
	END IF;
	IF method NOT IN ('knn', 'tmc', 'beta', 'banzhaf', 'loo') THEN
		RAISE EXCEPTION USING ERRCODE = 'invalid_parameter_value',
			MESSAGE = pg_catalog.format('unknown valuation method "%s" (valid: knn, tmc, beta, banzhaf, loo)', method);
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
			tolerance => COALESCE((params OPERATOR(pg_catalog.->>) 'tolerance')::double precision, 0.005),
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
'job kind valuation: params dataset, train (query of id, features, label), valid (query of features, label), method (knn = exact KNN-Shapley, or tmc, beta, banzhaf, loo), k, metric, utility, permutations, seed, tolerance; optional subset (query of id, embedding [, quality]), subset_k, subset_method, subset_metric, subset_lambda, subset_seed, exclude_harmful (default true); writes pref.data_values and pref.training_subset';

CREATE VIEW @extschema@.valuation_summary AS
SELECT v.job, v.dataset, v.run_id, r.finished AS computed_at,
	pg_catalog.count(*) AS rows_valued,
	pg_catalog.count(*) FILTER (WHERE v.harmful) AS harmful_rows,
	pg_catalog.avg(v.harmful::integer)::double precision AS harmful_share,
	COALESCE(pg_catalog.sum(v.value) FILTER (WHERE v.harmful), 0) AS harmful_value,
	pg_catalog.min(v.value) AS min_value,
	pg_catalog.percentile_cont(0.05) WITHIN GROUP (ORDER BY v.value) AS p05,
	pg_catalog.percentile_cont(0.25) WITHIN GROUP (ORDER BY v.value) AS p25,
	pg_catalog.percentile_cont(0.5) WITHIN GROUP (ORDER BY v.value) AS median,
	pg_catalog.percentile_cont(0.75) WITHIN GROUP (ORDER BY v.value) AS p75,
	pg_catalog.percentile_cont(0.95) WITHIN GROUP (ORDER BY v.value) AS p95,
	pg_catalog.max(v.value) AS max_value,
	pg_catalog.avg(v.value) AS mean_value,
	pg_catalog.sum(v.value) AS total_value,
	(SELECT pg_catalog.count(*) FROM @extschema@.training_subset s WHERE s.job OPERATOR(pg_catalog.=) v.job) AS selected_rows
FROM @extschema@.data_values v LEFT JOIN @extschema@.runs r ON r.run_id OPERATOR(pg_catalog.=) v.run_id
GROUP BY v.job, v.dataset, v.run_id, r.finished;
COMMENT ON VIEW @extschema@.valuation_summary IS
'per valuation job: data set, run, rows valued, harmful rows (value < 0) with their share and summed value, value quantiles (min, 5, 25, 50, 75, 95 %, max), mean and total value, rows in the selected subset';
