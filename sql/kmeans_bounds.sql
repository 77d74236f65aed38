--
-- pref.kmeans skips, in its in-memory passes, the rows whose centroid provably
-- cannot change (Hamerly's bounds, rounded conservatively).  Every pass must
-- still give EXACTLY the plain path's result: the aggregate pref.kmeans_pass
-- (which assigns every row in full) iterated in SQL over the rows in id order.
-- Centroids, sizes and every inertia are compared with =, not a tolerance.
-- One exception: under cosine, pref.kmeans_pass re-normalises the centroids
-- it is given, which moves the last bits of the later passes' distances (not
-- the assignments), so there the inertia history is also shown within 1e-12.
--

-- 20,000 rows in d = 16 around 25 centres; and a grid with duplicate rows
CREATE TABLE kmb_blobs AS
SELECT g AS id, ARRAY(SELECT 3 * sin(((g * 7919) % 25) * 1.7 + t * 2.1) + 0.9 * sin(g * 0.618 + t * 1.3)
	FROM generate_series(1, 16) t)::float8[] AS x
FROM generate_series(1, 20000) g;
CREATE TABLE kmb_grid AS
SELECT row_number() OVER () AS id, ARRAY[i * 0.1, j * 0.1]::float8[] AS x
FROM generate_series(-20, 20) i, generate_series(-20, 20) j, generate_series(1, 2) dup;
CREATE TABLE kmb_grid_nz AS SELECT * FROM kmb_grid WHERE x <> '{0,0}';
-- blobs scaled by 1e100 (bounds used) and 1e150 (beyond 1e140: every row in full)
CREATE TABLE kmb_e100 AS SELECT id, ARRAY(SELECT v * 1e100 FROM unnest(x) WITH ORDINALITY u(v, o) ORDER BY o) AS x
FROM kmb_blobs WHERE id <= 3000;
CREATE TABLE kmb_e150 AS SELECT id, ARRAY(SELECT v * 1e150 FROM unnest(x) WITH ORDINALITY u(v, o) ORDER BY o) AS x
FROM kmb_blobs WHERE id <= 3000;

-- n plain passes (ordered aggregate: the rows in id order, as pref.kmeans reads them)
CREATE FUNCTION kmb_passes(tbl text, m text, c0 float8[], n int)
RETURNS TABLE (step int, centroids float8[], counts bigint[], inertia float8)
LANGUAGE plpgsql AS $$
DECLARE
	c float8[] := c0;
	s pref.kmeans_step;
BEGIN
	FOR t IN 1 .. n LOOP
		EXECUTE format('SELECT (q.s).* FROM (SELECT pref.kmeans_pass(x, $1, $2 ORDER BY id) AS s FROM %I) q', tbl)
			INTO s USING c, m;
		step := t; centroids := c; counts := s.counts; inertia := s.inertia;
		RETURN NEXT;
		c := s.centroids;
	END LOOP;
END $$;

-- pref.kmeans (bounded passes) against the plain passes from c0 (NULL: the
-- first k rows): every inertia of the history, the returned centroids (those
-- the last plain pass started from) and the sizes, all bit-identical
CREATE FUNCTION kmb_compare(tbl text, m text, k int, c0 float8[], max_iter int)
RETURNS TABLE (iterations int, history_identical boolean, history_close boolean, centroids_identical boolean,
	sizes_identical boolean)
LANGUAGE plpgsql AS $$
DECLARE
	r record;
BEGIN
	IF c0 IS NULL THEN  -- the first k rows by id
		EXECUTE format('SELECT array_agg(x ORDER BY id) FROM (SELECT id, x FROM %I ORDER BY id LIMIT $1) s', tbl)
			INTO c0 USING k;
	END IF;
	EXECUTE format('SELECT * FROM pref.kmeans(%L, $1, max_iter => $2, tol => 0, metric => $3, init => $4)',
		format('SELECT id, x FROM %I', tbl)) INTO r USING k, max_iter, m, c0;
	iterations := r.iterations;
	SELECT bool_and(p.inertia = r.inertia_history[p.step]) AND count(*) = array_length(r.inertia_history, 1),
		bool_and(abs(p.inertia - r.inertia_history[p.step]) <= 1e-12 * p.inertia),
		bool_or(p.step = r.iterations + 1 AND p.centroids = r.centroids),
		bool_or(p.step = r.iterations + 1 AND p.counts = r.sizes)
	INTO history_identical, history_close, centroids_identical, sizes_identical
	FROM kmb_passes(tbl, m, c0, r.iterations + 1) p;
	RETURN NEXT;
END $$;

-- blobs, l2 and cosine, from the first k rows: many passes, most rows skipped
SELECT 'blobs' AS data, m AS metric, c.*
FROM unnest(ARRAY['l2', 'cosine']) m,
	LATERAL kmb_compare('kmb_blobs', m, 30, NULL, 25) c;
-- run to convergence (tol 0: until no centroid moves)
SELECT 'blobs' AS data, c.*, r.converged
FROM kmb_compare('kmb_blobs', 'l2', 8, NULL, 200) c,
	pref.kmeans('SELECT id, x FROM kmb_blobs', 8, max_iter => 200, tol => 0,
		init => (SELECT array_agg(x ORDER BY id) FROM kmb_blobs WHERE id <= 8)) r;
-- a grid of duplicate rows with exact ties between centroids (ties go to the lower number)
SELECT 'grid' AS data, m AS metric, c.*
FROM unnest(ARRAY['l2', 'cosine']) m,
	LATERAL kmb_compare(CASE m WHEN 'l2' THEN 'kmb_grid' ELSE 'kmb_grid_nz' END, m, 5,
		'{{-1,0},{1,0},{0,1},{0,-1},{1,1}}', 10) c;
-- huge values
SELECT t AS data, c.*
FROM unnest(ARRAY['kmb_e100', 'kmb_e150']) t,
	LATERAL kmb_compare(t, 'l2', 10, NULL, 12) c;
-- one centroid
SELECT 'one' AS data, c.* FROM kmb_compare('kmb_grid', 'l2', 1, '{{3,3}}', 3) c;
-- from the centroids of a seeded run's first pass (k-means++ seeds)
SELECT 'seeded' AS data, c.*
FROM pref.kmeans('SELECT id, x FROM kmb_blobs', 12, max_iter => 1, tol => 0, seed => 5) s0,
	LATERAL kmb_compare('kmb_blobs', 'l2', 12, s0.centroids, 15) c;

DROP FUNCTION kmb_compare(text, text, int, float8[], int);
DROP FUNCTION kmb_passes(text, text, float8[], int);
DROP TABLE kmb_blobs, kmb_grid, kmb_grid_nz, kmb_e100, kmb_e150;
