-- cluster-pruned (IVF) neighbour graphs: pref.select_subset_ivf, pref.knn_graph (src/ivf.c)

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

-- Ids of any type (id_type => NULL::text, NULL::uuid, ...): the query's id
-- column must have the type of id_type and the ids come back in it; rows
-- are ordered by the type's btree order (text in COLLATE "C"), so the
-- picks and lists are those of bigint ids numbered in that order.

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
