-- selection at scale (issue 15): cluster-quota selection.  Reads an inner
-- query (text) with the caller's privileges.

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
