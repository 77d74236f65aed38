-- Exact KNN-Shapley at N = 20,000 (issue 15): the bucket argsort and the
-- float storage of real[] training rows give the values of the reference
-- (test/ref/knn_fast_ref.py, summaries to 1e-12), and the real[] path
-- (rows kept as floats) equals the float8[] path on the same values exactly.
\set QUIET on
SET client_min_messages = warning;
\set ECHO none
\i test/ref/knn_fast_fixture.sql
\set ECHO all
-- the reference's data: hashed coordinates rounded to real (r), dyadic (d)
CREATE TEMP TABLE kf_train AS
SELECT data, ((i - 1) * 7001) % 20000 + 1 AS id,
       (SELECT array_agg(CASE data
                 WHEN 'r' THEN ((((i * 7919 + j * 104729) * 48271) % 1000003)::float8 / 1000003 * 2.0::float8 - 1.0::float8)::real
                 ELSE ((((i * 31 + j * 17) * 48271) % 32 - 16)::float8 / 8.0::float8)::real END ORDER BY j)
          FROM generate_series(1::bigint, 16) j) AS features,
       (i * 2654435761) % 1009 % 3 AS label
  FROM generate_series(1::bigint, 20000) i, (VALUES ('r'), ('d')) v(data);
CREATE TEMP TABLE kf_valid AS
SELECT data,
       (SELECT array_agg(CASE data
                 WHEN 'r' THEN ((((i * 7919 + j * 104729 + 5) * 48271) % 1000003)::float8 / 1000003 * 2.0::float8 - 1.0::float8)::real
                 ELSE ((((i * 31 + j * 17 + 5) * 48271) % 32 - 16)::float8 / 8.0::float8)::real END ORDER BY j)
          FROM generate_series(1::bigint, 16) j) AS features,
       (i * 2654435761 + 11) % 1009 % 3 AS label
  FROM generate_series(1::bigint, 40) i, (VALUES ('r'), ('d')) v(data);
-- values of each case through the real[] path and the float8[] path
CREATE TEMP TABLE kf_out (data text, metric text, path text, id bigint, value float8);
DO $$
DECLARE c record;
BEGIN
  FOR c IN SELECT data, metric FROM knn_fast_ref LOOP
    INSERT INTO kf_out
    SELECT c.data, c.metric, 'real', id, value
      FROM pref.knn_shapley(format('SELECT id, features, label FROM kf_train WHERE data = %L', c.data),
                            format('SELECT features, label FROM kf_valid WHERE data = %L', c.data),
                            5, c.metric);
    INSERT INTO kf_out
    SELECT c.data, c.metric, 'float8', id, value
      FROM pref.knn_shapley(format('SELECT id, features::float8[], label FROM kf_train WHERE data = %L', c.data),
                            format('SELECT features::float8[], label FROM kf_valid WHERE data = %L', c.data),
                            5, c.metric);
  END LOOP;
END $$;
\set QUIET off
-- summaries against the reference (sums to 1e-12, the id-weighted sum to 1e-10)
SELECT r.data, r.metric, o.path, o.n = r.n AS rows,
       abs(o.s1 - r.s1) < 1e-12 AS sum_ok,
       abs(o.s2 - r.s2) < 1e-10 AS weighted_ok,
       abs(o.s3 - r.s3) < 1e-14 AS squares_ok
  FROM knn_fast_ref r
  JOIN (SELECT data, metric, path, count(*) AS n, sum(value) AS s1,
               sum(value * (id % 97)) AS s2, sum(value * value) AS s3
          FROM kf_out GROUP BY 1, 2, 3) o USING (data, metric)
 ORDER BY 1, 2, 3;
-- sampled values to 1e-12
SELECT s.data, s.metric, o.path, count(*) AS sampled,
       max(abs(o.value - s.value)) < 1e-12 AS values_ok
  FROM knn_fast_sample s JOIN kf_out o USING (data, metric, id)
 GROUP BY 1, 2, 3 ORDER BY 1, 2, 3;
-- floats kept for real[] rows change nothing: the two paths agree exactly
SELECT a.data, a.metric, count(*) AS rows, max(abs(a.value - b.value)) = 0 AS identical
  FROM kf_out a JOIN kf_out b USING (data, metric, id)
 WHERE a.path = 'real' AND b.path = 'float8'
 GROUP BY 1, 2 ORDER BY 1, 2;
-- the float path checks every value as the double path does
SELECT count(*) FROM pref.knn_shapley('SELECT 1::bigint, ARRAY[1, ''NaN'']::real[], 0',
                                      'SELECT ARRAY[1, 2]::real[], 0', 1);
SELECT count(*) FROM pref.knn_shapley('SELECT i::bigint, CASE WHEN i = 2 THEN ARRAY[1, 2, 3]::real[] ELSE ARRAY[1, 2]::real[] END, 0 FROM generate_series(1, 3) i',
                                      'SELECT ARRAY[1, 2]::real[], 0', 1);
SELECT count(*) FROM pref.knn_shapley('SELECT i::bigint, CASE WHEN i = 2 THEN ARRAY[1, NULL]::real[] ELSE ARRAY[1, 2]::real[] END, 0 FROM generate_series(1, 3) i',
                                      'SELECT ARRAY[1, 2]::real[], 0', 1);
SELECT count(*) FROM pref.knn_shapley('SELECT i::bigint, CASE WHEN i = 2 THEN ARRAY[[1, 2]]::real[] ELSE ARRAY[1, 2]::real[] END, 0 FROM generate_series(1, 3) i',
                                      'SELECT ARRAY[1, 2]::real[], 0', 1);
SELECT count(*) FROM pref.knn_shapley('SELECT i::bigint, CASE WHEN i = 2 THEN ARRAY[]::real[] ELSE ARRAY[1, 2]::real[] END, 0 FROM generate_series(1, 3) i',
                                      'SELECT ARRAY[1, 2]::real[], 0', 1);
SELECT count(*) FROM pref.knn_shapley('SELECT i::bigint, ARRAY[0, 0]::real[], 0 FROM generate_series(1, 3) i',
                                      'SELECT ARRAY[1, 2]::real[], 0', 1, 'cosine');
-- real[] rows with exact ties: ids decide, as on the double path
SELECT id, round(value::numeric, 10) AS value
  FROM pref.knn_shapley('SELECT id, ARRAY[1, 1]::real[], id % 2 FROM generate_series(5, 1, -1) id',
                        'SELECT ARRAY[0, 0]::real[], 1', 2)
 ORDER BY id;
-- a block that pgpref.max_memory cannot hold is refused, naming the setting
SET pgpref.max_memory = '1MB';
SELECT count(*) FROM pref.knn_shapley('SELECT id, features, label FROM kf_train WHERE data = ''r''',
                                      'SELECT features, label FROM kf_valid WHERE data = ''r''', 5);
RESET pgpref.max_memory;
-- a long exact run answers statement_timeout promptly (about 3 s of work)
SET statement_timeout = '300ms';
SELECT count(*) FROM pref.knn_shapley('SELECT id, features, label FROM kf_train WHERE data = ''r''',
                                      'SELECT v.features, v.label FROM kf_valid v, generate_series(1, 100) WHERE v.data = ''r''', 5);
RESET statement_timeout;
