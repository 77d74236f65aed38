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
