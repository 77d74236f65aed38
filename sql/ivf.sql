--
-- IVF neighbour graphs: pref.knn_graph and pref.select_subset_ivf against
-- the exact graph (brute force in SQL, and pref.select_subset with
-- n_neighbors), recall and objective with few probes, errors.
--
-- 3,000 rows in 12 dimensions around 30 overlapping centres (deterministic)
CREATE TABLE ivf_rows AS
SELECT g AS id, ARRAY(SELECT sin((g % 30) * 1.3 + t * 0.7) * 2 + sin(g * 12.9898 + t * 78.233) * 2.5
	FROM generate_series(1, 12) t)::real[] AS embedding, 0.5 + 0.5 * sin(g * 0.37) AS quality
FROM generate_series(1, 3000) g;

-- every row searched (n_probe = clusters): the exact graph, recall 1
SET client_min_messages = notice;
SELECT count(*) AS edges FROM pref.knn_graph('SELECT id, embedding FROM ivf_rows', 10, clusters => 20, n_probe => 20, recall_sample => 200);
-- and the same picks, gains and objectives as pref.select_subset on its exact graph, bit for bit
CREATE TEMP TABLE ivf_exact AS
SELECT * FROM pref.select_subset('SELECT id, embedding FROM ivf_rows', 60, method => 'facility_location', n_neighbors => 10);
CREATE TEMP TABLE ivf_all AS
SELECT * FROM pref.select_subset_ivf('SELECT id, embedding FROM ivf_rows', 60, n_neighbors => 10, clusters => 20, n_probe => 20, recall_sample => 0);
SELECT count(*) AS picks, bool_and(e.id = a.id) AS same_picks, bool_and(e.gain = a.gain) AS same_gains,
	max(abs(e.objective - a.objective)) < 1e-9 AS same_objective
FROM ivf_exact e JOIN ivf_all a USING (pick);
-- l2 and a quality term, likewise
SELECT bool_and(e.id = a.id) AS same_picks_l2_quality, bool_and(abs(e.gain - a.gain) < 1e-12) AS same_gains
FROM pref.select_subset('SELECT id, embedding, quality FROM ivf_rows', 40, method => 'facility_location', metric => 'l2',
		lambda => 0.5, gamma => 0.05, n_neighbors => 8) e
JOIN pref.select_subset_ivf('SELECT id, embedding, quality FROM ivf_rows', 40, n_neighbors => 8, clusters => 10, n_probe => 10,
		metric => 'l2', gamma => 0.05, lambda => 0.5, recall_sample => 0) a USING (pick);

-- brute force in SQL on 300 rows: each row's 5 most similar rows by cosine
CREATE TEMP TABLE ivf_small AS SELECT * FROM ivf_rows WHERE id <= 300;
CREATE TEMP TABLE ivf_brute AS
SELECT a.id::bigint AS id, b.id::bigint AS neighbor,
	(SELECT sum(x * y) FROM unnest(a.embedding, b.embedding) u(x, y))
	/ sqrt((SELECT sum(x * x) FROM unnest(a.embedding) x) * (SELECT sum(y * y) FROM unnest(b.embedding) y)) AS sim
FROM ivf_small a, ivf_small b;
SELECT count(*) AS rows_compared,
	count(*) FILTER (WHERE g.nbrs = b.nbrs) AS same_lists
FROM (SELECT id, array_agg(neighbor ORDER BY neighbor) AS nbrs
	  FROM (SELECT id, neighbor, row_number() OVER (PARTITION BY id ORDER BY sim DESC, neighbor) AS r FROM ivf_brute) q
	  WHERE r <= 5 GROUP BY id) b
JOIN (SELECT id, array_agg(neighbor ORDER BY neighbor) AS nbrs
	  FROM pref.knn_graph('SELECT id, embedding FROM ivf_small', 5, clusters => 4, n_probe => 4, recall_sample => 0) GROUP BY id) g USING (id);
-- similarities are those of the brute force, each list by decreasing similarity
SELECT max(abs(g.similarity - b.sim)) < 1e-6 AS same_similarities
FROM pref.knn_graph('SELECT id, embedding FROM ivf_small', 5, clusters => 4, n_probe => 4, recall_sample => 0) g
JOIN ivf_brute b USING (id, neighbor);

-- few probes: recall and objective against the exact graph
SELECT count(*) AS edges FROM pref.knn_graph('SELECT id, embedding FROM ivf_rows', 10, clusters => 55, n_probe => 2, recall_sample => 300);
CREATE TEMP TABLE ivf_few AS
SELECT * FROM pref.select_subset_ivf('SELECT id, embedding FROM ivf_rows', 60, n_neighbors => 10, clusters => 55, n_probe => 2, recall_sample => 0);
SELECT round((max(f.objective) / max(e.objective))::numeric, 3) >= 0.99 AS objective_within_1pct
FROM ivf_few f, ivf_exact e;
-- reproducible for a seed, independent of the query's row order
SELECT bool_and(a.id = b.id) AS same_picks
FROM ivf_few a JOIN pref.select_subset_ivf('SELECT id, embedding FROM ivf_rows ORDER BY md5(id::text)', 60, n_neighbors => 10,
	clusters => 55, n_probe => 2, recall_sample => 0) b USING (pick);

-- empty input, NULL rows
SELECT count(*) FROM pref.select_subset_ivf('SELECT id, embedding FROM ivf_rows WHERE false', 5);
SELECT count(*) FROM pref.knn_graph('SELECT * FROM (VALUES (1, ARRAY[1, 0]::real[]), (2, NULL), (3, ARRAY[0, 1])) v(id, e)', 2, clusters => 1, n_probe => 1);

-- errors
SELECT * FROM pref.select_subset_ivf(NULL, 5);
SELECT * FROM pref.select_subset_ivf('SELECT id, embedding FROM ivf_rows', 0);
SELECT * FROM pref.select_subset_ivf('SELECT id, embedding FROM ivf_rows', 5, n_neighbors => 0);
SELECT * FROM pref.select_subset_ivf('SELECT id, embedding FROM ivf_rows', 5, clusters => 10, n_probe => 11);
SELECT * FROM pref.select_subset_ivf('SELECT id, embedding FROM ivf_small', 5, clusters => 301);
SELECT * FROM pref.select_subset_ivf('SELECT id, embedding FROM ivf_rows', 5, metric => 'dot');
SELECT * FROM pref.select_subset_ivf('SELECT id, embedding FROM ivf_rows', 5, gamma => 0.1);
SELECT * FROM pref.select_subset_ivf('SELECT id, embedding FROM ivf_rows', 5, metric => 'l2', gamma => -1);
SELECT * FROM pref.select_subset_ivf('SELECT id, embedding FROM ivf_rows', 5, lambda => -1);
SELECT * FROM pref.select_subset_ivf('SELECT id, embedding FROM ivf_rows', 5, seed => NULL);
SELECT * FROM pref.select_subset_ivf('SELECT id, embedding FROM ivf_rows', 5, recall_sample => -1);
SELECT * FROM pref.knn_graph('SELECT 1, ARRAY[1, 0]::real[] UNION ALL SELECT 1, ARRAY[0, 1]', 1, clusters => 1, n_probe => 1);
SELECT * FROM pref.knn_graph('SELECT g, ARRAY[g % 2, 0]::real[] FROM generate_series(1, 4) g', 1, clusters => 1, n_probe => 1);
SELECT * FROM pref.knn_graph('SELECT g, ARRAY[1, 1]::real[] FROM generate_series(1, 4) g', 1, clusters => 2, n_probe => 1);
SELECT * FROM pref.knn_graph('SELECT ''a''::text, ARRAY[1, 1]::real[]', 1, clusters => 1, n_probe => 1);

-- ids of any type: text and uuid ids give the picks, gains and graph of
-- bigint ids numbered in the same order (text in COLLATE "C" order)
CREATE TEMP TABLE ivf_typed AS
SELECT id, 'r' || lpad(id::text, 5, '0') AS tid, md5(id::text)::uuid AS uid,
	row_number() OVER (ORDER BY md5(id::text)::uuid) AS urank, embedding, quality
FROM ivf_rows;
SELECT count(*) AS picks, bool_and(t.id = 'r' || lpad(b.id::text, 5, '0')) AS same_text_picks,
	bool_and(t.gain = b.gain AND t.objective = b.objective) AS same_gains, pg_typeof(min(t.id)) AS id_type
FROM pref.select_subset_ivf('SELECT id, embedding, quality FROM ivf_typed', 40, n_neighbors => 8, clusters => 20,
		n_probe => 3, recall_sample => 0) b
JOIN pref.select_subset_ivf('SELECT tid, embedding, quality FROM ivf_typed ORDER BY md5(tid)', 40, NULL::text, n_neighbors => 8,
		clusters => 20, n_probe => 3, recall_sample => 0) t USING (pick);
SELECT count(*) AS picks, bool_and(u.id = m.uid) AS same_uuid_picks, bool_and(u.gain = b.gain) AS same_gains
FROM pref.select_subset_ivf('SELECT urank, embedding FROM ivf_typed', 40, n_neighbors => 8, clusters => 20,
		n_probe => 3, recall_sample => 0) b
JOIN ivf_typed m ON m.urank = b.id
JOIN pref.select_subset_ivf('SELECT uid, embedding FROM ivf_typed', 40, id_type => NULL::uuid, n_neighbors => 8,
		clusters => 20, n_probe => 3, recall_sample => 0) u USING (pick);
-- the graph: the same edges and similarities, ids in their own type
SELECT count(*) AS edges, count(u.id) AS matched, bool_and(u.similarity = b.similarity) AS same_similarities,
	bool_and(pg_typeof(u.neighbor) = 'uuid'::regtype) AS uuid_neighbors
FROM pref.knn_graph('SELECT urank, embedding FROM ivf_typed WHERE id <= 500', 6, clusters => 8, n_probe => 2, recall_sample => 0) b
JOIN ivf_typed mi ON mi.urank = b.id
JOIN ivf_typed mn ON mn.urank = b.neighbor
LEFT JOIN pref.knn_graph('SELECT uid, embedding FROM ivf_typed WHERE id <= 500', NULL::uuid, 6, clusters => 8, n_probe => 2,
		recall_sample => 0) u ON u.id = mi.uid AND u.neighbor = mn.uid;
-- the recall NOTICE samples the same rows
SET client_min_messages = notice;
SELECT count(*) FROM pref.knn_graph('SELECT tid, embedding FROM ivf_typed', NULL::text, 5, clusters => 30, n_probe => 2, recall_sample => 100);
SELECT count(*) FROM pref.knn_graph('SELECT id, embedding FROM ivf_typed', 5, clusters => 30, n_probe => 2, recall_sample => 100);
-- empty input, NULL ids, errors
SELECT count(*) FROM pref.select_subset_ivf('SELECT tid, embedding FROM ivf_typed WHERE false', 5, NULL::text);
SELECT * FROM pref.knn_graph($$SELECT * FROM (VALUES ('a', ARRAY[1, 0]::real[]), (NULL, ARRAY[1, 1]), ('b', ARRAY[0, 1])) v$$,
	NULL::text, 2, clusters => 1, n_probe => 1, recall_sample => 0) ORDER BY id, neighbor;
SELECT * FROM pref.select_subset_ivf('SELECT tid, embedding FROM ivf_typed', 5, NULL::uuid);
SELECT * FROM pref.knn_graph($$SELECT 'a'::text, ARRAY[1, 0]::real[] UNION ALL SELECT 'a', ARRAY[0, 1]$$, NULL::text, 1, clusters => 1, n_probe => 1);
SELECT * FROM pref.knn_graph($$SELECT 'a'::text, ARRAY[0, 0]::real[]$$, NULL::text, 1, clusters => 1, n_probe => 1);
SELECT * FROM pref.knn_graph('SELECT 1::bigint, ARRAY[1, 0]::real[]', NULL::point, 1, clusters => 1, n_probe => 1);
