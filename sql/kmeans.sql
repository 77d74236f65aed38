--
-- k-means: pref.kmeans_pass (one Lloyd pass per aggregate), pref.kmeans_assign,
-- pref.kmeans; against numpy Lloyd steps from the same initial centroids
-- (test/ref/kmeans_ref.py), serial and parallel, errors.
--
SET client_min_messages = warning;
\i test/ref/kmeans_fixture.sql
RESET client_min_messages;

-- largest absolute difference of two same-shaped float8 arrays (NULL on a shape mismatch)
CREATE FUNCTION km_maxdiff(a float8[], b float8[]) RETURNS float8 LANGUAGE sql IMMUTABLE AS $$
	SELECT CASE WHEN array_dims(a) = array_dims(b)
		THEN (SELECT max(abs(x - y)) FROM unnest(a, b) u(x, y)) END
$$;

-- n Lloyd passes from the initial centroids, each one aggregate over the table
CREATE FUNCTION km_iterate(n int, m text, use_real boolean DEFAULT false)
RETURNS TABLE (step int, centroids float8[], counts bigint[], inertia float8)
LANGUAGE plpgsql AS $$
DECLARE
	c float8[] := (SELECT i.c FROM km_init i WHERE i.metric = m);
	s pref.kmeans_step;
BEGIN
	FOR t IN 1 .. n LOOP
		IF use_real THEN
			s := (SELECT pref.kmeans_pass(xr, c, m) FROM km_data);
		ELSE
			s := (SELECT pref.kmeans_pass(x, c, m) FROM km_data);
		END IF;
		step := t; centroids := s.centroids; counts := s.counts; inertia := s.inertia;
		RETURN NEXT;
		c := s.centroids;
	END LOOP;
END $$;

-- each pass equals numpy's Lloyd step: centroids to 1e-9, counts exactly, inertia to 1e-9 relative
SELECT r.metric, r.step, km_maxdiff(k.centroids, r.centroids) < 1e-9 AS centroids_ok,
	k.counts = r.counts AS counts_ok, abs(k.inertia - r.inertia) < 1e-9 * r.inertia AS inertia_ok
FROM km_steps r, LATERAL km_iterate(6, r.metric) k WHERE k.step = r.step ORDER BY 1 DESC, 2;
-- real[] rows hold the same numbers: the same passes
SELECT r.metric, bool_and(km_maxdiff(k.centroids, r.centroids) < 1e-9 AND k.counts = r.counts) AS real_rows_ok
FROM km_steps r, LATERAL km_iterate(6, r.metric, true) k WHERE k.step = r.step GROUP BY 1 ORDER BY 1 DESC;
-- the two-argument form is l2
SELECT (pref.kmeans_pass(x, (SELECT c FROM km_init WHERE metric = 'l2'))).centroids
	= (pref.kmeans_pass(x, (SELECT c FROM km_init WHERE metric = 'l2'), 'l2')).centroids AS default_l2
FROM km_data;
-- the step's other fields
SELECT n_rows, n_skipped, round(shift::numeric, 6) > 0 AS moved, array_length(counts, 1) AS k
FROM (SELECT (pref.kmeans_pass(x, (SELECT c FROM km_init WHERE metric = 'l2'))).* FROM km_data) s;

-- pref.kmeans from the same initial centroids: numpy's final centroids, sizes, inertia and iterations
SELECT k.iterations = f.iterations AS iterations_ok, k.converged, km_maxdiff(k.centroids, f.centroids) < 1e-9 AS centroids_ok,
	k.sizes = f.sizes AS sizes_ok, abs(k.inertia - f.inertia) < 1e-9 * f.inertia AS inertia_ok,
	array_length(k.inertia_history, 1) = k.iterations + 1 AS history_length, k.n_rows, k.n_skipped
FROM km_final f, pref.kmeans('SELECT id, x FROM km_data', 4, max_iter => 100, tol => 0,
	init => (SELECT c FROM km_init WHERE metric = 'l2')) k;
-- its inertia history is the numpy steps' inertia, and never increases
SELECT bool_and(abs(h.v - r.inertia) < 1e-9 * r.inertia) AS history_ok
FROM pref.kmeans('SELECT id, x FROM km_data', 4, tol => 0, init => (SELECT c FROM km_init WHERE metric = 'l2')) k,
	unnest(k.inertia_history) WITH ORDINALITY h(v, step) JOIN km_steps r ON r.metric = 'l2' AND r.step = h.step;
SELECT seed, bool_and(h.v <= h.prev * (1 + 1e-12)) AS never_increases, count(*) > 1 AS several_passes
FROM generate_series(1, 5) seed, pref.kmeans('SELECT id, x FROM km_data', 6, seed => seed, tol => 0) k,
	LATERAL (SELECT v, lag(v) OVER (ORDER BY o) AS prev FROM unnest(k.inertia_history) WITH ORDINALITY u(v, o)) h
WHERE h.prev IS NOT NULL GROUP BY seed ORDER BY seed;
-- max_iter stops early: exactly max_iter passes, not converged
SELECT iterations, converged, array_length(inertia_history, 1)
FROM pref.kmeans('SELECT id, x FROM km_data', 4, max_iter => 3, tol => 0, init => (SELECT c FROM km_init WHERE metric = 'l2'));
-- cosine: the numpy spherical steps
SELECT km_maxdiff(k.centroids, r.centroids) < 1e-9 AS centroids_ok, k.sizes IS NOT NULL AS sized,
	abs(k.inertia_history[3] - r.inertia) < 1e-9 * r.inertia AS inertia_ok
FROM km_steps r, pref.kmeans('SELECT id, x FROM km_data', 4, max_iter => 3, tol => 0, metric => 'cosine',
	init => (SELECT c FROM km_init WHERE metric = 'cosine')) k
WHERE r.metric = 'cosine' AND r.step = 3;

-- kmeans_assign: numpy's labels for the final centroids; distances add up to the inertia
SELECT bool_and(a.cluster = f.labels[o.n]) AS labels_ok, abs(sum(a.distance) - min(f.inertia)) < 1e-9 * min(f.inertia) AS inertia_ok
FROM km_final f, (SELECT id, x, row_number() OVER (ORDER BY id) AS n FROM km_data) o,
	LATERAL pref.kmeans_assign(o.x, f.centroids) a;
SELECT cluster, round(distance::numeric, 6) AS distance FROM pref.kmeans_assign(ARRAY[0.9, 0.1]::real[], '{{0,0},{1,0},{1,1}}');
SELECT (pref.kmeans_assign(ARRAY[2, 0]::float8[], '{{1,0},{3,0}}')).*;  -- a tie: the lower number
SELECT cluster, round(distance::numeric, 12) FROM pref.kmeans_assign(ARRAY[1, 1]::float8[], '{{1,0},{0,2}}', 'cosine');
SELECT pref.kmeans_assign(NULL::float8[], '{{1,0}}') IS NULL AS strict;

-- near ties on a grid: the pass (BLAS blocks, exact re-check) assigns every row as
-- kmeans_assign (deterministic scalar distances only), ties to the lower number
WITH g AS (SELECT ARRAY[i * 0.1, j * 0.1]::float8[] AS x FROM generate_series(-20, 20) i, generate_series(-20, 20) j)
SELECT (SELECT (pref.kmeans_pass(x, '{{-1,0},{1,0},{0,1},{0,-1},{1,1}}')).counts FROM g) AS pass_counts,
	(SELECT array_agg(n ORDER BY cluster) FROM (SELECT (pref.kmeans_assign(x, '{{-1,0},{1,0},{0,1},{0,-1},{1,1}}')).cluster, count(*) AS n
		FROM g GROUP BY 1) q) AS assign_counts;

-- seeding: reproducible for a seed, independent of the query's row order, any id type
SELECT a.centroids = b.centroids AS same_seed_same_result,
	a.centroids = c.centroids AS row_order_free, a.centroids = t.centroids AS text_ids_same
FROM pref.kmeans('SELECT id, x FROM km_data', 4, seed => 7) a,
	pref.kmeans('SELECT id, x FROM km_data', 4, seed => 7) b,
	pref.kmeans('SELECT id, x FROM km_data ORDER BY md5(id::text)', 4, seed => 7) c,
	pref.kmeans('SELECT lpad(id::text, 4, ''0''), x FROM km_data', 4, seed => 7) t;
-- k-means++ from four seeds: the best run reaches numpy's optimum
SELECT count(DISTINCT round(k.inertia::numeric, 6)) AS distinct_inertias, round(min(k.inertia)::numeric, 6) = round(min(f.inertia)::numeric, 6) AS best_found
FROM km_final f, generate_series(1, 4) seed, pref.kmeans('SELECT id, x FROM km_data', 4, seed => seed) k;

-- parallel passes equal the serial pass
CREATE TABLE km_big AS SELECT g AS id, ARRAY[sin(g), cos(g * 0.7), ((g * 37) % 101) / 50.0]::real[] AS x
FROM generate_series(1, 60000) g;
ANALYZE km_big;
CREATE TEMP TABLE km_big_init AS SELECT '{{0,0,0},{1,1,1},{-1,0,1},{0.5,-0.5,2}}'::float8[] AS c;
CREATE TEMP TABLE km_serial AS SELECT (pref.kmeans_pass(x, (SELECT c FROM km_big_init))).* FROM km_big;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
SET parallel_leader_participation = off;
EXPLAIN (COSTS OFF) SELECT pref.kmeans_pass(x, (SELECT c FROM km_big_init)) FROM km_big;
CREATE TEMP TABLE km_parallel AS SELECT (pref.kmeans_pass(x, (SELECT c FROM km_big_init))).* FROM km_big;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
RESET max_parallel_workers_per_gather;
RESET parallel_leader_participation;
SELECT km_maxdiff(s.centroids, p.centroids) < 1e-12 AS centroids_equal, s.counts = p.counts AS counts_equal,
	abs(s.inertia - p.inertia) < 1e-9 * s.inertia AS inertia_equal, s.n_rows, p.n_rows
FROM km_serial s, km_parallel p;

-- NULL rows are skipped and counted; no rows and all-NULL rows give NULL
SELECT (s).n_rows, (s).n_skipped FROM (SELECT pref.kmeans_pass(x, '{{0,0},{1,1}}') AS s
	FROM (VALUES (ARRAY[0, 0.1]::float8[]), (NULL), (ARRAY[1, 0.9])) v(x)) q;
SELECT pref.kmeans_pass(x, '{{0,0}}') IS NULL AS empty FROM km_data WHERE false;
SELECT pref.kmeans_pass(NULL::float8[], '{{0,0}}') IS NULL AS all_null FROM generate_series(1, 3);
SELECT * FROM pref.kmeans('SELECT id, x FROM km_data WHERE false', 2);
SELECT n_rows, n_skipped, sizes FROM pref.kmeans('SELECT * FROM (VALUES (1, ARRAY[0, 0]::float8[]), (2, NULL), (3, ARRAY[5, 5])) v(id, x)', 2);

-- hostile state text is refused (round trips: sql/split_combine.sql)
SELECT pref.kmeans_state_in('v1:');
SELECT pref.kmeans_state_in('not base64');

-- errors
SELECT pref.kmeans_pass(x, NULL) FROM km_data;
SELECT pref.kmeans_pass(x, '{{0,0,0,0,0}}', NULL) FROM km_data;
SELECT pref.kmeans_pass(x, '{{0,0,0,0,0}}', 'manhattan') FROM km_data;
SELECT pref.kmeans_pass(x, '{0,0,0,0,0}') FROM km_data;
SELECT pref.kmeans_pass(x, '{{0,0},{1,1}}') FROM km_data;
SELECT pref.kmeans_pass(x, '{{0,0,0,0,NaN}}') FROM km_data;
SELECT pref.kmeans_pass(x, '{{0,0,0,0,NULL}}') FROM km_data;
SELECT pref.kmeans_pass(x, '{{0,0,0,0,0}}', 'cosine') FROM km_data;
SELECT pref.kmeans_pass(x, CASE WHEN id < 300 THEN '{{0,0}}'::float8[] ELSE '{{1,1}}' END)
FROM (VALUES (1, ARRAY[0, 0]::float8[]), (500, ARRAY[1, 1])) v(id, x);
SELECT pref.kmeans_pass(x, '{{1,1}}', 'cosine') FROM (VALUES (ARRAY[0, 0]::float8[])) v(x);
SELECT pref.kmeans_pass(x, '{{1,1}}', m) FROM (VALUES (ARRAY[0, 1]::float8[], 'l2'), (ARRAY[1, 1], 'cosine')) v(x, m);
SELECT pref.kmeans_pass_final(NULL) IS NULL AS final_of_null;
SELECT pref.kmeans_pass_accum(NULL, ARRAY[1]::float8[], '{{1}}');
SELECT pref.kmeans_assign(ARRAY[1, 2, 3]::float8[], '{{1,0}}');
SELECT pref.kmeans_assign(ARRAY[0, 0]::float8[], '{{1,0}}', 'cosine');
SELECT pref.kmeans_assign(ARRAY[1, 'NaN']::float8[], '{{1,0}}');
SELECT * FROM pref.kmeans(NULL, 2);
SELECT * FROM pref.kmeans('SELECT id, x FROM km_data', NULL);
SELECT * FROM pref.kmeans('SELECT id, x FROM km_data', 0);
SELECT * FROM pref.kmeans('SELECT id, x FROM km_data', 2, max_iter => 0);
SELECT * FROM pref.kmeans('SELECT id, x FROM km_data', 2, tol => -1);
SELECT * FROM pref.kmeans('SELECT id, x FROM km_data', 2, seed => NULL);
SELECT * FROM pref.kmeans('SELECT id, x FROM km_data', 2, metric => 'dot');
SELECT * FROM pref.kmeans('SELECT id, x FROM km_data', 601);
SELECT * FROM pref.kmeans('SELECT id, x FROM km_data', 2, init => '{{0,0,0,0,0}}');
SELECT * FROM pref.kmeans('SELECT 1, ARRAY[0, 0]::float8[] UNION ALL SELECT 1, ARRAY[1, 1]', 2);
SELECT * FROM pref.kmeans('SELECT g, ARRAY[1, 1]::float8[] FROM generate_series(1, 5) g', 2);
SELECT * FROM pref.kmeans('SELECT g, ARRAY[g % 2, 0]::float8[] FROM generate_series(1, 5) g', 2, metric => 'cosine');
SELECT * FROM pref.kmeans('SELECT g, ARRAY[g, 1]::float8[] FROM generate_series(1, 5) g UNION ALL SELECT 9, ARRAY[1, 2, 3]', 2);
