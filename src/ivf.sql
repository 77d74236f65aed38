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
