--
-- pref.kmeans seeding => 'k-means||' (Bahmani et al. 2012): oversampling
-- rounds, weighted k-means++ on the candidates (the seeds are rows of the
-- data by construction).  Checked: deterministic for a seed and independent
-- of the query's row order, other seeds give other centroids, the inertia of
-- the seeds (inertia_history[1]) is of the order of k-means++'s on blob data,
-- k distinct seeds when there are exactly k distinct rows.
--

-- 6,000 rows in d = 8 around 30 centres
CREATE TABLE kms_blobs AS
SELECT g AS id, ARRAY(SELECT 4 * sin(((g * 7919) % 30) * 1.3 + t * 2.7) + 0.5 * sin(g * 0.618 + t * 1.9)
	FROM generate_series(1, 8) t)::float8[] AS x
FROM generate_series(1, 6000) g;

-- the rows of a k x d matrix
CREATE FUNCTION kms_rows(c float8[]) RETURNS SETOF float8[] LANGUAGE sql IMMUTABLE AS $$
	SELECT ARRAY(SELECT unnest(c[i:i][:])) FROM generate_series(1, array_length(c, 1)) i
$$;

-- the seeds alone: with max_iter => 1, inertia_history[1] is the inertia of the seeds
CREATE TEMP TABLE kms_runs AS
SELECT s.seeding, seed, k.*
FROM unnest(ARRAY['k-means++', 'k-means||']) s(seeding), generate_series(1, 5) seed,
	pref.kmeans('SELECT id, x FROM kms_blobs', 30, max_iter => 1, tol => 0, seed => seed, seeding => s.seeding) k;

-- other seeds, other centroids
SELECT seeding, count(DISTINCT centroids) AS distinct_results FROM kms_runs GROUP BY 1 ORDER BY 1;
-- the seeds' inertia: k-means|| within a factor 1.5 of k-means++ (mean over the
-- five seeds), and both far below the inertia of 30 rows taken at random
SELECT round((avg(inertia_history[1]) FILTER (WHERE seeding = 'k-means||')
		/ avg(inertia_history[1]) FILTER (WHERE seeding = 'k-means++'))::numeric, 1) <= 1.5 AS par_within_1_5,
	max(inertia_history[1]) < (SELECT inertia_history[1] FROM pref.kmeans('SELECT id, x FROM kms_blobs', 30,
		max_iter => 1, tol => 0, init => (SELECT array_agg(x ORDER BY id) FROM kms_blobs WHERE id % 200 = 7))) AS better_than_rows
FROM kms_runs;
-- reproducible for a seed, independent of the query's row order and id type
SELECT a.centroids = b.centroids AS same_seed_same_result, a.centroids = c.centroids AS row_order_free,
	a.centroids = t.centroids AS text_ids_same
FROM pref.kmeans('SELECT id, x FROM kms_blobs', 30, seed => 3, seeding => 'k-means||') a,
	pref.kmeans('SELECT id, x FROM kms_blobs', 30, seed => 3, seeding => 'k-means||') b,
	pref.kmeans('SELECT id, x FROM kms_blobs ORDER BY md5(id::text)', 30, seed => 3, seeding => 'k-means||') c,
	pref.kmeans('SELECT lpad(id::text, 5, ''0''), x FROM kms_blobs', 30, seed => 3, seeding => 'k-means||') t;
-- Lloyd from k-means|| seeds: the inertia never increases
SELECT bool_and(h.v <= h.prev * (1 + 1e-12)) AS never_increases
FROM pref.kmeans('SELECT id, x FROM kms_blobs', 30, tol => 0, seeding => 'k-means||', seed => 2) k,
	LATERAL (SELECT v, lag(v) OVER (ORDER BY o) AS prev FROM unnest(k.inertia_history) WITH ORDINALITY u(v, o)) h
WHERE h.prev IS NOT NULL;
-- cosine: unit rows as centroids
SELECT bool_and(abs(sqrt((SELECT sum(v * v) FROM unnest(c) v)) - 1) < 1e-12) AS unit_centroids
FROM pref.kmeans('SELECT id, x FROM kms_blobs', 10, max_iter => 1, metric => 'cosine', seeding => 'k-means||') k,
	LATERAL kms_rows(k.centroids) c;
-- exactly k distinct rows (each ten times): one seed per distinct row
SELECT sizes FROM pref.kmeans('SELECT g, ARRAY[g % 4, 0]::float8[] FROM generate_series(1, 40) g', 4,
	seeding => 'k-means||', seed => 1);
SELECT sizes FROM pref.kmeans('SELECT g, ARRAY[g, 0]::float8[] FROM generate_series(1, 3) g', 3, seeding => 'k-means||');
-- init wins over seeding: (7, 0) is no row and gets none
SELECT centroids FROM pref.kmeans('SELECT g, ARRAY[g, 0]::float8[] FROM generate_series(1, 3) g', 2, max_iter => 1,
	init => '{{0,0},{7,0}}', seeding => 'k-means||');

-- errors
SELECT * FROM pref.kmeans('SELECT id, x FROM kms_blobs', 2, seeding => 'random');
SELECT * FROM pref.kmeans('SELECT id, x FROM kms_blobs', 2, seeding => NULL);
SELECT * FROM pref.kmeans('SELECT g, ARRAY[1, 1]::float8[] FROM generate_series(1, 5) g', 2, seeding => 'k-means||');

DROP FUNCTION kms_rows(float8[]);
DROP TABLE kms_blobs;
