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
	single_precision boolean DEFAULT NULL,
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
	method text DEFAULT 'component',
	OUT id bigint,
	OUT group_id bigint)
RETURNS SETOF record
	AS 'MODULE_PATHNAME', 'pref_near_duplicates_grouped' LANGUAGE C VOLATILE PARALLEL UNSAFE
	ROWS 1000;
COMMENT ON FUNCTION @extschema@.near_duplicates(text, double precision, text, double precision, text) IS
'groups of near-duplicate rows of an inner query (id, embedding): method component (rows connected by similarity >= threshold, may chain) or representative (each row joins its most similar representative, chosen in id order; cannot chain); group_id is the smallest id of the group';

CREATE FUNCTION @extschema@.pareto_front(
	sql text,
	OUT id bigint,
	OUT front integer)
RETURNS SETOF record
	AS 'MODULE_PATHNAME', 'pref_pareto_front' LANGUAGE C VOLATILE PARALLEL UNSAFE
	ROWS 1000;
COMMENT ON FUNCTION @extschema@.pareto_front(text) IS
'non-dominated sorting of an inner query (id, scores float8[]), higher is better: front 1 is Pareto optimal';

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
	single_precision boolean DEFAULT NULL,
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
	method text DEFAULT 'component',
	OUT id anyelement,
	OUT group_id anyelement)
RETURNS SETOF record
	AS 'MODULE_PATHNAME', 'pref_near_duplicates_grouped_any' LANGUAGE C VOLATILE PARALLEL UNSAFE
	ROWS 1000;
COMMENT ON FUNCTION @extschema@.near_duplicates(text, anyelement, double precision, text, double precision, text) IS
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
