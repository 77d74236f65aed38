-- pref.select_subset, pref.near_duplicates, pref.pareto_front: behaviour on
-- small hand-checkable data, and every bad input (most of them exercise the
-- shared inner-query reader PrefReadQuery).
SET search_path = public, pref;
SET extra_float_digits = 0;
-- four points on the unit circle at 0, 90, 180 and 270 degrees, plus an
-- exact copy of the first one with a larger id (ties go to the smaller id)
CREATE TABLE pts (id bigint, emb real[], q float8);
INSERT INTO pts VALUES (10, '{1,0}', 0.9), (20, '{0,1}', 0.5), (30, '{-1,0}', 0.1),
  (40, '{0,-1}', 0.3), (11, '{1,0}', 0.9);
-- facility location (cosine, clamped at 0): first pick covers itself, its
-- copy, and nothing else positively -> gain 2; ties broken by id
SELECT id, pick, round(gain::numeric, 6) AS gain, round(objective::numeric, 6) AS objective
FROM pref.select_subset('SELECT id, emb FROM pts', 3);
-- quality term: lambda * q added to each gain
SELECT id, pick, round(gain::numeric, 6) AS gain, round(objective::numeric, 6) AS objective
FROM pref.select_subset('SELECT id, emb, q FROM pts', 2, lambda => 1);
-- k-center l2: start at the smallest id (10), then the farthest (30 at distance 2)
SELECT id, pick, round(gain::numeric, 6) AS gain, round(objective::numeric, 6) AS objective
FROM pref.select_subset('SELECT id, emb FROM pts', 3, 'k_center', metric => 'l2');
-- DPP with quality: log det; the copy of 10 is never picked, and the kernel
-- has rank 2 so it stops early with a NOTICE
SELECT id, pick, round(gain::numeric, 6) AS gain, round(objective::numeric, 6) AS objective
FROM pref.select_subset('SELECT id, emb, q FROM pts', 4, 'dpp');
-- MMR lambda 0.5: 0.5 q - 0.5 max cos
SELECT id, pick, round(gain::numeric, 6) AS gain, round(objective::numeric, 6) AS objective
FROM pref.select_subset('SELECT id, emb, q FROM pts', 4, 'mmr');
-- k larger than the rows: NOTICE, all rows in pick order
SELECT id, pick FROM pref.select_subset('SELECT id, emb FROM pts', 9);
-- continuing a selection
SELECT id, pick FROM pref.select_subset('SELECT id, emb FROM pts', 2, initial => '{10, 20}');
-- empty input: no rows
SELECT * FROM pref.select_subset('SELECT id, emb FROM pts WHERE false', 3);
-- integer ids of any width and numeric quality are accepted
SELECT id, pick FROM pref.select_subset('SELECT id::int, emb::float8[], q::numeric FROM pts', 2, lambda => 1);
-- zero vectors are fine under l2
SELECT id, pick FROM pref.select_subset($$SELECT * FROM (VALUES (1, '{0,0}'::real[]), (2, '{3,4}')) v$$, 2, 'k_center', metric => 'l2');

-- near duplicates and Pareto fronts
SELECT id, group_id FROM pref.near_duplicates('SELECT id, emb FROM pts') ORDER BY id;
SELECT DISTINCT ON (group_id) id FROM pref.near_duplicates('SELECT id, emb FROM pts') ORDER BY group_id, id;
SELECT id, group_id FROM pref.near_duplicates('SELECT id, emb FROM pts', 0) ORDER BY id;
SELECT id, front FROM pref.pareto_front($$VALUES (1, '{0.9, 0.1}'::float8[]), (2, '{0.5, 0.5}'), (3, '{0.4, 0.4}'),
  (4, '{0.1, 0.9}'), (5, '{0.1, 0.1}'), (6, '{0.5, 0.5}')$$) ORDER BY id;

-- NULL rows are skipped and counted (NOTICE); NULL quality skips the row too
SELECT id, pick FROM pref.select_subset($$VALUES (1::bigint, '{1,0}'::real[], 1.0::float8), (NULL, '{0,1}', 1.0),
  (3, NULL, 1.0), (4, '{0,1}', NULL), (5, '{0,1}', 0.5)$$, 5, 'mmr');
SELECT * FROM pref.pareto_front($$VALUES (1, NULL::float8[]), (2, '{1}')$$);

-- bad arguments
SELECT * FROM pref.select_subset('SELECT id, emb FROM pts', 0);
SELECT * FROM pref.select_subset('SELECT id, emb FROM pts', NULL);
SELECT * FROM pref.select_subset(NULL, 3);
SELECT * FROM pref.select_subset('SELECT id, emb FROM pts', 3, 'kmeans');
SELECT * FROM pref.select_subset('SELECT id, emb FROM pts', 3, metric => 'manhattan');
SELECT * FROM pref.select_subset('SELECT id, emb FROM pts', 3, greedy => 'eager');
SELECT * FROM pref.select_subset('SELECT id, emb FROM pts', 3, 'k_center', greedy => 'naive');
SELECT * FROM pref.select_subset('SELECT id, emb, q FROM pts', 3, 'mmr', lambda => 1.5);
SELECT * FROM pref.select_subset('SELECT id, emb, q FROM pts', 3, lambda => -1);
SELECT * FROM pref.select_subset('SELECT id, emb, q FROM pts', 3, lambda => 'NaN');
SELECT * FROM pref.select_subset('SELECT id, emb FROM pts', 3, 'k_center', lambda => 0.5);
SELECT * FROM pref.select_subset('SELECT id, emb FROM pts', 3, greedy => 'stochastic', epsilon => 1);
SELECT * FROM pref.select_subset('SELECT id, emb FROM pts', 3, 'dpp', epsilon => 0);
SELECT * FROM pref.select_subset('SELECT id, emb FROM pts', 3, epsilon => 0.1);
SELECT * FROM pref.select_subset('SELECT id, emb FROM pts', 3, gamma => 1);
SELECT * FROM pref.select_subset('SELECT id, emb FROM pts', 3, metric => 'l2', gamma => 0);
SELECT * FROM pref.select_subset('SELECT id, emb FROM pts', 3, initial => '{10, 99}');
SELECT * FROM pref.select_subset('SELECT id, emb FROM pts', 3, initial => '{10, 10}');
SELECT * FROM pref.select_subset('SELECT id, emb FROM pts', 3, initial => '{10, NULL}');
SELECT * FROM pref.select_subset('SELECT id, emb, q FROM pts', 3, 'dpp', initial => '{10, 11}');
SELECT * FROM pref.near_duplicates('SELECT id, emb FROM pts', 'Infinity'::float8);
SELECT * FROM pref.near_duplicates('SELECT id, emb FROM pts', NULL::float8);

-- bad data
SELECT * FROM pref.select_subset($$VALUES (1, '{1,0}'::real[]), (2, '{0,0}')$$, 2);
SELECT * FROM pref.select_subset($$VALUES (1, '{1,0}'::real[]), (1, '{0,1}')$$, 2);
SELECT * FROM pref.near_duplicates($$VALUES (7, '{1,0}'::real[]), (7, '{0,1}')$$);
SELECT * FROM pref.pareto_front($$VALUES (7, '{1,0}'::float8[]), (7, '{0,1}')$$);
SELECT * FROM pref.select_subset($$VALUES (1, '{1,0}'::real[], -0.5::float8)$$, 1, 'dpp');

-- the inner-query reader (PrefReadQuery): wrong columns and types
SELECT * FROM pref.select_subset('SELECT id FROM pts', 2);
SELECT * FROM pref.select_subset('SELECT id, emb, q, q FROM pts', 2);
SELECT * FROM pref.select_subset('SELECT id::text, emb FROM pts', 2);
SELECT * FROM pref.select_subset('SELECT id, emb::text FROM pts', 2);
SELECT * FROM pref.select_subset($$SELECT id, ARRAY['1', '2'] FROM pts$$, 2);
SELECT * FROM pref.select_subset('SELECT id, emb, q::text FROM pts', 2);
SELECT * FROM pref.select_subset('SELECT id::float8, emb FROM pts', 2);
SELECT * FROM pref.pareto_front('SELECT id, 1.0 FROM pts');
-- ... not a query, or not a valid one
SELECT * FROM pref.select_subset('DELETE FROM pts', 2);
SELECT * FROM pref.select_subset('SELEC id, emb FROM pts', 2);
SELECT * FROM pref.select_subset('SELECT id, emb FROM no_such_table', 2);
-- ... NaN and infinities in vectors and in the quality column
SELECT * FROM pref.select_subset($$VALUES (1, '{1,0}'::real[]), (2, '{NaN,1}')$$, 2);
SELECT * FROM pref.select_subset($$VALUES (1, '{1,0}'::float8[]), (2, '{1,-Infinity}')$$, 2);
SELECT * FROM pref.select_subset($$VALUES (1, '{1,0}'::real[], 1.0::float8), (2, '{0,1}', 'NaN')$$, 2);
SELECT * FROM pref.select_subset($$VALUES (1, '{1,0}'::real[], 1.0::float8), (2, '{0,1}', 'Infinity')$$, 2);
-- (a skipped row before the bad one: the reported row number counts kept rows only)
SELECT * FROM pref.select_subset($$VALUES (1, '{1,0}'::real[], 1.0::float8), (2, NULL, 1.0), (3, '{0,1}', 'NaN')$$, 2);
-- ... mismatched dimensions, empty, multi-dimensional, NULL elements
SELECT * FROM pref.select_subset($$VALUES (1, '{1,0}'::real[]), (2, '{0,1,0}')$$, 2);
SELECT * FROM pref.select_subset($$VALUES (1, '{}'::real[]), (2, '{0,1}')$$, 2);
SELECT * FROM pref.select_subset($$VALUES (1, '{1,0}'::real[]), (2, '{}')$$, 2);
SELECT * FROM pref.select_subset($$VALUES (1, '{{1,0},{0,1}}'::real[])$$, 1);
SELECT * FROM pref.select_subset($$VALUES (1, '{1,0}'::real[]), (2, '{0,NULL}')$$, 2);
SELECT * FROM pref.pareto_front($$VALUES (1, '{1,0}'::float8[]), (2, '{0,1,2}')$$);

-- too large for pgpref.max_memory
SET pgpref.max_memory = '64kB';
SELECT count(*) FROM pref.select_subset('SELECT g AS id, ARRAY[sin(g), cos(g)] FROM generate_series(1, 200) g', 5);
SELECT count(*) FROM pref.select_subset('SELECT g AS id, ARRAY[sin(g), cos(g)] FROM generate_series(1, 200) g', 5, 'k_center');
SELECT count(*) FROM pref.select_subset('SELECT g AS id, ARRAY[sin(g), cos(g)] FROM generate_series(1, 5000) g', 5, 'k_center');
RESET pgpref.max_memory;
-- dense facility location that does not fit: the hint suggests a number of
-- neighbours that does; that, and streamed stochastic greedy, then run;
-- single precision halves the matrix (still too large here)
SET pgpref.max_memory = '1MB';
SELECT count(*) FROM pref.select_subset('SELECT g AS id, ARRAY[sin(g), cos(g), sin(3*g)] FROM generate_series(1, 600) g', 5);
SELECT count(*) FROM pref.select_subset('SELECT g AS id, ARRAY[sin(g), cos(g), sin(3*g)] FROM generate_series(1, 600) g', 5, n_neighbors => 91);
SELECT count(*) FROM pref.select_subset('SELECT g AS id, ARRAY[sin(g), cos(g), sin(3*g)] FROM generate_series(1, 600) g', 5, greedy => 'stochastic', seed => 1);
SELECT count(*) FROM pref.select_subset('SELECT g AS id, ARRAY[sin(g), cos(g), sin(3*g)] FROM generate_series(1, 600) g', 5, single_precision => true);
RESET pgpref.max_memory;

-- n_neighbors and single_precision: bad uses
SELECT * FROM pref.select_subset('SELECT id, emb FROM pts', 3, n_neighbors => 0);
SELECT * FROM pref.select_subset('SELECT id, emb FROM pts', 3, 'k_center', n_neighbors => 2);
SELECT * FROM pref.select_subset('SELECT id, emb FROM pts', 3, 'mmr', single_precision => true);
SELECT * FROM pref.select_subset('SELECT id, emb FROM pts', 3, n_neighbors => 2, single_precision => true);
-- n_neighbors = 2 on the circle: each row covers itself and its copy or one
-- neighbour at cos 0, so the first pick (10, with its copy 11) gains 2
SELECT id, pick, round(gain::numeric, 6) AS gain, round(objective::numeric, 6) AS objective
FROM pref.select_subset('SELECT id, emb FROM pts', 3, n_neighbors => 2);

-- progress notices: pgpref.progress = 0 leaves the output as it was
SET pgpref.progress = 0;
SELECT id, pick, round(gain::numeric, 6) AS gain, round(objective::numeric, 6) AS objective
FROM pref.select_subset('SELECT id, emb FROM pts', 3);
-- the shortest interval (1 s) on runs of about a second: notices are timing
-- dependent, so they are hidden; the results must not change
SET pgpref.progress = 1;
SET client_min_messages = warning;
SELECT count(*), sum(pick) FROM pref.select_subset('SELECT g AS id, ARRAY[sin(g), cos(g), sin(3*g)] FROM generate_series(1, 60000) g', 6000, 'k_center', metric => 'l2');
SELECT count(*) FROM pref.select_subset('SELECT g AS id, ARRAY[sin(g), cos(g), sin(3*g)] FROM generate_series(1, 3000) g', 300);
SELECT count(*) FROM pref.select_subset('SELECT g AS id, ARRAY[sin(g), cos(g), sin(3*g)] FROM generate_series(1, 3000) g', 300, n_neighbors => 10);
SELECT count(*) FROM pref.select_subset('SELECT g AS id, ARRAY[sin(g), cos(g), sin(3*g)] FROM generate_series(1, 3000) g', 20, 'dpp');
SELECT count(*) FROM pref.select_subset('SELECT g AS id, ARRAY[sin(g), cos(g), sin(3*g)] FROM generate_series(1, 3000) g', 300, 'mmr');
SELECT count(*) FROM pref.near_duplicates('SELECT g AS id, ARRAY[sin(g), cos(g), sin(3*g)] FROM generate_series(1, 3000) g');
SELECT count(*) FROM pref.pareto_front('SELECT g AS id, ARRAY[sin(g), cos(g), sin(3*g)] FROM generate_series(1, 3000) g');
RESET client_min_messages;
RESET pgpref.progress;

-- cancel / statement_timeout reach the loops
SET statement_timeout = '300ms';
SELECT count(*) FROM pref.select_subset('SELECT g AS id, ARRAY[sin(g), cos(g), sin(2*g)] FROM generate_series(1, 40000) g', 40000, 'mmr');
RESET statement_timeout;

-- rows are sorted by id (an LSD radix sort of the signed keys) before any
-- method runs: near_duplicates returns them in that order whatever order
-- the query gives, across sign and byte boundaries
SELECT array_agg(id) AS ids_in_output_order FROM pref.near_duplicates(
	$$SELECT id, ARRAY[1, abs(id % 7) + 2]::float8[] FROM unnest(ARRAY[5, -3, 9223372036854775807, -9223372036854775808, 0, 256,
		255, 65536, -1, -256, 4294967296, -4294967297]::bigint[]) id$$, 0.9999, 'l2');
WITH o AS (
	SELECT row_number() OVER () AS r, id FROM pref.near_duplicates(
		$$SELECT (hashint4(g)::bigint << 20) + g AS id, ARRAY[sin(g), cos(g)] FROM generate_series(1, 5000) g$$, 0.99999, 'l2'))
SELECT count(*) AS rows, bool_and(r = rk) AS ascending
FROM (SELECT r, row_number() OVER (ORDER BY id) AS rk FROM o) q;
