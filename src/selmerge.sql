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
