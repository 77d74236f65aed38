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
