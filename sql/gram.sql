-- BLAS aggregates: gram, moments, pca, ridge_fit against numpy fixtures
-- (test/ref/gram_ref.py).  Tolerances are normwise relative errors
-- max|ours - ref| / max|ref|, stated per check.
\set ECHO none
\i test/ref/gram_fixture.sql
\set ECHO all
CREATE FUNCTION rel_err(a float8[], b float8[]) RETURNS float8 LANGUAGE sql AS $$
  SELECT CASE WHEN array_dims(a) IS DISTINCT FROM array_dims(b) THEN 'Infinity'::float8
         ELSE (SELECT max(abs(x - y)) FROM unnest(a, b) u(x, y)) / (SELECT max(abs(y)) FROM unnest(b) v(y)) END $$;
CREATE FUNCTION ref(text) RETURNS float8[] LANGUAGE sql AS $$ SELECT v FROM gram_expect WHERE name = $1 $$;

-- gram: X^T X to 1e-10 relative (float8[] and real[] input, the data are exact reals)
SELECT array_dims(pref.gram(x)) AS dims, rel_err(pref.gram(x), ref('gram')) < 1e-10 AS gram_ok,
       rel_err(pref.gram(x::real[]), ref('gram')) < 1e-10 AS gram_real_ok
FROM gram_x;
-- a hand-checkable case
SELECT pref.gram(x) FROM (VALUES (ARRAY[1, 2]::float8[]), (ARRAY[3, 4]), (NULL)) v(x);

-- moments: mean to 1e-13, covariance (n - 1) to 1e-9
SELECT m.n, m.n_skipped, rel_err(m.mean, ref('mean')) < 1e-13 AS mean_ok,
       rel_err(m.covariance, ref('cov')) < 1e-9 AS cov_ok, array_dims(m.covariance) AS cov_dims
FROM (SELECT (pref.moments(x::real[])).* FROM gram_x) m;
SELECT (pref.moments(x)).* FROM (VALUES (ARRAY[1, 2]::float8[]), (NULL), (ARRAY[3, 6])) v(x);
SELECT (pref.moments(x)).* FROM (VALUES (ARRAY[1, 2]::float8[])) v(x);

-- pca: components to 1e-8 (sign: largest entry positive), eigenvalues to 1e-10, projection
SELECT p.n, array_dims(p.components) AS dims,
       rel_err(p.components, ref('components')) < 1e-8 AS components_ok,
       rel_err(p.eigenvalues, ref('eigenvalues')) < 1e-10 AS eigenvalues_ok,
       rel_err(p.explained_variance_ratio, ref('ratio')) < 1e-10 AS ratio_ok,
       rel_err(pref.pca_project((SELECT x FROM gram_x WHERE id = 1), p.mean, p.components), ref('proj')) < 1e-8 AS projection_ok
FROM (SELECT (pref.pca(x, 2)).* FROM gram_x) p;
-- a 2-d case by hand: points on the line y = x, one component (1/sqrt 2, 1/sqrt 2), eigenvalue 2
SELECT n, round(components[1][1]::numeric, 12) AS c1, round(components[1][2]::numeric, 12) AS c2,
       round(eigenvalues[1]::numeric, 12) AS ev, round(explained_variance_ratio[1]::numeric, 12) AS ratio
FROM (SELECT (pref.pca(x, 1)).* FROM (VALUES (ARRAY[0, 0]::float8[]), (ARRAY[1, 1]), (ARRAY[2, 2])) v(x)) p;

-- ridge_fit: normal-equation solution (augmented system, unpenalised intercept) to 1e-9
SELECT (m).kind, (m).dim, (m).n_rows, (m).n_skipped, (m).converged,
       rel_err((m).weights, ref('ridge_w')) < 1e-9 AS weights_ok,
       rel_err(ARRAY[(m).bias], ref('ridge_b')) < 1e-9 AS bias_ok,
       rel_err(ARRAY[(m).loss], ref('ridge_mse')) < 1e-7 AS mse_ok,
       rel_err(ARRAY[(m).r2], ref('ridge_r2')) < 1e-9 AS r2_ok, (m).options
FROM (SELECT pref.ridge_fit(x, y, 0.5) AS m FROM gram_x) s;
-- lambda 0 is least squares
SELECT rel_err((m).weights, ref('ls_w')) < 1e-8 AS ls_weights_ok, rel_err(ARRAY[(m).bias], ref('ls_b')) < 1e-8 AS ls_bias_ok
FROM (SELECT pref.ridge_fit(x::real[], y, 0) AS m FROM gram_x) s;
-- exact line y = 2 x1 - x2 + 1; NULL y and NULL x rows skipped and counted
SELECT round(w::numeric, 10) AS w, round((m).bias::numeric, 10) AS bias, (m).n_rows, (m).n_skipped, round((m).r2::numeric, 10) AS r2
FROM (SELECT pref.ridge_fit(x, y, 0) AS m FROM (VALUES
  (ARRAY[0, 0]::float8[], 1::float8), (ARRAY[1, 0], 3), (ARRAY[0, 1], 0), (ARRAY[1, 1], 2), (ARRAY[2, 3], 2),
  (NULL, 5), (ARRAY[4, 4], NULL)) v(x, y)) s, unnest((m).weights) w;
-- scoring with the ridge model reproduces the line
SELECT round(pref.reward_score(m, ARRAY[3, 1]::real[])::numeric, 10) AS score
FROM (SELECT pref.ridge_fit(x, y, 0) AS m FROM (VALUES
  (ARRAY[0, 0]::float8[], 1::float8), (ARRAY[1, 0], 3), (ARRAY[0, 1], 0), (ARRAY[1, 1], 2)) v(x, y)) s;

-- empty input and all-NULL input give NULL
SELECT pref.gram(x) IS NULL AS gram_null, pref.moments(x) IS NULL AS moments_null,
       pref.pca(x, 1) IS NULL AS pca_null, pref.ridge_fit(x, 1, 1) IS NULL AS ridge_null
FROM gram_x WHERE false;
SELECT pref.gram(x) IS NULL AS gram_null, pref.ridge_fit(x, 1, 1) IS NULL AS ridge_null
FROM (VALUES (NULL::float8[]), (NULL)) v(x);

-- bad input
SELECT pref.gram(x) FROM (VALUES (ARRAY[1, 2]::float8[]), (ARRAY[1, 2, 3])) v(x);
SELECT pref.gram(x) FROM (VALUES (ARRAY[1, 'NaN']::float8[])) v(x);
SELECT pref.gram(x) FROM (VALUES (ARRAY[1, 'Infinity']::real[])) v(x);
SELECT pref.gram(x) FROM (VALUES ('{}'::float8[])) v(x);
SELECT pref.gram(x) FROM (VALUES (ARRAY[1, NULL]::float8[])) v(x);
SELECT pref.gram(x) FROM (VALUES ('{{1,2},{3,4}}'::float8[])) v(x);
SELECT pref.pca(x, 3) FROM (VALUES (ARRAY[1, 2]::float8[]), (ARRAY[2, 1])) v(x);
SELECT pref.pca(x, 0) FROM (VALUES (ARRAY[1, 2]::float8[])) v(x);
SELECT pref.pca(x, 1) FROM (VALUES (ARRAY[1, 2]::float8[])) v(x);
SELECT pref.pca(x, k) FROM (VALUES (ARRAY[1, 2]::float8[], 1), (ARRAY[2, 1], 2)) v(x, k);
SELECT pref.ridge_fit(x, 1, -1) FROM (VALUES (ARRAY[1, 2]::float8[])) v(x);
SELECT pref.ridge_fit(x, y, 0) FROM (VALUES (ARRAY[1, 2]::float8[], 1::float8), (ARRAY[2, 4], 2), (ARRAY[3, 6], 3)) v(x, y);
SELECT pref.ridge_fit(x, 'NaN', 0) FROM (VALUES (ARRAY[1, 2]::float8[])) v(x);
SELECT pref.pca_project(ARRAY[1, 2, 3]::float8[], ARRAY[0, 0, 0]::float8[], '{{1, 0}}');
SET pgpref.max_memory = '64kB';
SELECT pref.gram(array_fill(1::real, ARRAY[200]));
RESET pgpref.max_memory;

-- forced parallel plans give the serial answer (20k rows, 2 workers, leader off)
CREATE TABLE gram_big AS
  SELECT g AS id, ARRAY[sin(g), cos(0.7 * g) + 100, (g % 17) / 3.0, sqrt(g)]::real[] AS x, (g % 11)::float8 AS y
  FROM generate_series(1, 24000) g;
ALTER TABLE gram_big SET (parallel_workers = 2);
ANALYZE gram_big;
CREATE TEMP TABLE serial_res AS
  SELECT pref.gram(x) AS g, pref.moments(x) AS m, pref.pca(x, 2) AS p, pref.ridge_fit(x, y, 0.1) AS r FROM gram_big;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
SET parallel_leader_participation = off;
EXPLAIN (COSTS OFF) SELECT pref.gram(x), pref.moments(x), pref.pca(x, 2), pref.ridge_fit(x, y, 0.1) FROM gram_big;
-- tolerance 1e-12 relative (summation order differs between plans)
SELECT rel_err(q.g, s.g) < 1e-12 AS gram_same, (q.m).n = (s.m).n AS n_same,
       rel_err((q.m).mean, (s.m).mean) < 1e-12 AS mean_same,
       rel_err((q.m).covariance, (s.m).covariance) < 1e-12 AS cov_same,
       rel_err((q.p).components, (s.p).components) < 1e-10 AS pca_same,
       rel_err((q.r).weights, (s.r).weights) < 1e-10 AS ridge_same
FROM (SELECT pref.gram(x) AS g, pref.moments(x) AS m, pref.pca(x, 2) AS p, pref.ridge_fit(x, y, 0.1) AS r FROM gram_big) q, serial_res s;
-- and both equal the closed form X^T X built from plain SQL sums (1e-12)
SELECT rel_err(ARRAY(SELECT unnest(q.g)), (SELECT array_agg(v ORDER BY i, j) FROM (
         SELECT i, j, sum(x[i]::float8 * x[j]::float8) AS v FROM gram_big, generate_series(1, 4) i, generate_series(1, 4) j GROUP BY i, j) t)) < 1e-12 AS gram_vs_sql
FROM (SELECT pref.gram(x) AS g FROM gram_big) q;
RESET ALL;
DROP TABLE gram_big, gram_x, gram_expect;
DROP FUNCTION rel_err(float8[], float8[]);
DROP FUNCTION ref(text);
