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
