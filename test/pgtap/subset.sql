-- pgTAP: subset selection against the independent numpy/scipy reference
-- (test/ref/subset_ref.py -> test/ref/subset_fixtures.sql).
-- Tolerance: gains and objectives within 1e-9 relative (max(1, |ref|));
-- picks, groups and fronts must match exactly.
BEGIN;
SELECT plan(91);
\i test/ref/subset_fixtures.sql
\i test/ref/subset_ties_fixtures.sql

-- largest relative deviation of a call from a fixture variant; 1 (fail) when
-- picks differ, rows are missing, or gain NULL-ness differs
CREATE FUNCTION pg_temp.dev(v text, call text) RETURNS float8 LANGUAGE plpgsql AS $f$
DECLARE r float8;
BEGIN
	EXECUTE format($q$
		SELECT coalesce(max(greatest(abs(coalesce(s.gain, 0) - coalesce(e.gain, 0)),
		                            abs(s.objective - e.objective)) / greatest(1, abs(e.objective))), 1)
		     + CASE WHEN bool_and(s.id IS NOT DISTINCT FROM e.id) AND bool_and((s.gain IS NULL) = (e.gain IS NULL))
		                 AND count(*) > 0 THEN 0 ELSE 1 END
		FROM (%s) s FULL JOIN (SELECT * FROM subset_expect WHERE variant = %L) e USING (pick)$q$, call, v) INTO r;
	RETURN r;
END $f$;
CREATE FUNCTION pg_temp.picks(call text) RETURNS bigint[] LANGUAGE plpgsql AS $f$
DECLARE r bigint[];
BEGIN
	EXECUTE format('SELECT array_agg(id ORDER BY pick) FROM (%s) s', call) INTO r;
	RETURN r;
END $f$;
CREATE FUNCTION pg_temp.expect(v text) RETURNS bigint[] LANGUAGE sql AS
$$ SELECT array_agg(id ORDER BY pick) FROM subset_expect WHERE variant = v $$;
-- gains never increase along the pick order (submodular objectives)
CREATE FUNCTION pg_temp.nonincreasing(call text) RETURNS boolean LANGUAGE plpgsql AS $f$
DECLARE r boolean;
BEGIN
	EXECUTE format('SELECT bool_and(gain <= prev + 1e-12) FROM (SELECT gain, lag(gain) OVER (ORDER BY pick) AS prev FROM (%s) s) t WHERE prev IS NOT NULL', call) INTO r;
	RETURN r;
END $f$;

-- facility location: lazy greedy = plain numpy greedy
SELECT is(pg_temp.picks($$SELECT * FROM pref.select_subset('SELECT id, emb FROM subset_emb', 10)$$),
          pg_temp.expect('fl_cosine'), 'fl cosine lazy: picks = numpy greedy');
SELECT cmp_ok(pg_temp.dev('fl_cosine', $$SELECT * FROM pref.select_subset('SELECT id, emb FROM subset_emb', 10)$$),
              '<', 1e-9::float8, 'fl cosine lazy: gains and objectives');
SELECT cmp_ok(pg_temp.dev('fl_cosine', $$SELECT * FROM pref.select_subset('SELECT id, emb FROM subset_emb', 10, greedy => 'naive')$$),
              '<', 1e-9::float8, 'fl cosine naive: gains and objectives');
SELECT results_eq($$SELECT * FROM pref.select_subset('SELECT id, emb FROM subset_emb', 40)$$,
                  $$SELECT * FROM pref.select_subset('SELECT id, emb FROM subset_emb', 40, greedy => 'naive')$$,
                  'fl: lazy greedy = naive greedy bit for bit over all 40 picks');
SELECT results_eq($$SELECT * FROM pref.select_subset('SELECT id, emb, q FROM subset_emb', 40, metric => 'l2', lambda => 3)$$,
                  $$SELECT * FROM pref.select_subset('SELECT id, emb, q FROM subset_emb', 40, metric => 'l2', lambda => 3, greedy => 'naive')$$,
                  'fl l2 + quality: lazy greedy = naive greedy bit for bit');
SELECT results_eq($$SELECT * FROM pref.select_subset('SELECT id, emb FROM subset_emb', 10, greedy => 'stochastic', epsilon => 1e-300, seed => 5)$$,
                  $$SELECT * FROM pref.select_subset('SELECT id, emb FROM subset_emb', 10, greedy => 'naive')$$,
                  'fl stochastic with a full sample (epsilon 1e-300) = naive greedy');
SELECT results_eq($$SELECT * FROM pref.select_subset('SELECT id, emb FROM subset_emb', 10, greedy => 'stochastic', seed => 11)$$,
                  $$SELECT * FROM pref.select_subset('SELECT id, emb FROM subset_emb', 10, greedy => 'stochastic', seed => 11)$$,
                  'fl stochastic: same seed, same picks');
SELECT ok((SELECT count(DISTINCT id) = 10 FROM pref.select_subset('SELECT id, emb FROM subset_emb', 10, greedy => 'stochastic', seed => 11)),
          'fl stochastic: 10 distinct picks');
SELECT ok(pg_temp.nonincreasing($$SELECT * FROM pref.select_subset('SELECT id, emb FROM subset_emb', 40)$$),
          'fl cosine: gains non-increasing over all 40 picks');
SELECT is(pg_temp.picks($$SELECT * FROM pref.select_subset('SELECT id, emb, q FROM subset_emb', 10, lambda => 2)$$),
          pg_temp.expect('fl_cosine_quality'), 'fl cosine + quality (lambda 2): picks');
SELECT cmp_ok(pg_temp.dev('fl_cosine_quality', $$SELECT * FROM pref.select_subset('SELECT id, emb, q FROM subset_emb', 10, lambda => 2)$$),
              '<', 1e-9::float8, 'fl cosine + quality: gains and objectives');
SELECT is(pg_temp.picks($$SELECT * FROM pref.select_subset('SELECT id, emb FROM subset_emb', 10, metric => 'l2')$$),
          pg_temp.expect('fl_l2'), 'fl l2 (rbf, gamma 1/d): picks');
SELECT cmp_ok(pg_temp.dev('fl_l2', $$SELECT * FROM pref.select_subset('SELECT id, emb FROM subset_emb', 10, metric => 'l2')$$),
              '<', 1e-9::float8, 'fl l2: gains and objectives');
SELECT cmp_ok(pg_temp.dev('fl_l2', $$SELECT * FROM pref.select_subset('SELECT id, emb::real[]::float8[] AS emb FROM subset_emb', 10, metric => 'l2', gamma => 0.2)$$),
              '>', 0::float8, 'fl l2: real[] rounding changes the numbers (the comparison can fail)');
SELECT cmp_ok(pg_temp.dev('fl_cosine_initial', $$SELECT * FROM pref.select_subset('SELECT id, emb FROM subset_emb', 4, initial => ARRAY[115, 151, 199])$$),
              '<', 1e-9::float8, 'fl initial => {115,151,199}: picks 4..7, objective includes the initial set');
SELECT is(pg_temp.picks($$SELECT * FROM pref.select_subset('SELECT id, emb FROM subset_emb', 7, initial => (SELECT array_agg(id ORDER BY pick) FROM subset_expect WHERE variant = 'fl_cosine' AND pick <= 3))$$),
          (pg_temp.expect('fl_cosine'))[4:10], 'fl: continuing from the first 3 picks gives picks 4..10');
SELECT is((SELECT min(pick) FROM pref.select_subset('SELECT id, emb FROM subset_emb', 2, initial => ARRAY[115, 151, 199])),
          4, 'fl initial: pick numbers continue after the initial set');

-- (1 - 1/e) guarantee against brute force on the first 12 rows
SELECT ok(bool_and(g.objective <= o.opt + 1e-9 AND g.objective >= (1 - exp(-1.0)) * o.opt),
          'fl cosine: greedy within (1 - 1/e) of the brute-force optimum, k = 2..4')
FROM subset_opt o, LATERAL (SELECT objective FROM pref.select_subset('SELECT id, emb FROM subset_emb WHERE id < 136', o.k) ORDER BY pick DESC LIMIT 1) g
WHERE o.variant = 'fl_cosine_12';
SELECT ok(bool_and(g.objective <= o.opt + 1e-9 AND g.objective >= (1 - exp(-1.0)) * o.opt),
          'fl l2: greedy within (1 - 1/e) of the brute-force optimum, k = 2..4')
FROM subset_opt o, LATERAL (SELECT objective FROM pref.select_subset('SELECT id, emb FROM subset_emb WHERE id < 136', o.k, metric => 'l2', gamma => 0.2) ORDER BY pick DESC LIMIT 1) g
WHERE o.variant = 'fl_l2_12';
SELECT is(count(*)::int, 6, 'brute-force fixtures present') FROM subset_opt;

-- k-center: farthest-first, covering radius from scipy cdist
SELECT is(pg_temp.picks($$SELECT * FROM pref.select_subset('SELECT id, emb FROM subset_emb', 10, 'k_center', metric => 'l2')$$),
          pg_temp.expect('kcenter_l2'), 'k_center l2: picks');
SELECT cmp_ok(pg_temp.dev('kcenter_l2', $$SELECT * FROM pref.select_subset('SELECT id, emb FROM subset_emb', 10, 'k_center', metric => 'l2')$$),
              '<', 1e-9::float8, 'k_center l2: gains and covering radius');
SELECT is(pg_temp.picks($$SELECT * FROM pref.select_subset('SELECT id, emb FROM subset_emb', 10, 'k_center')$$),
          pg_temp.expect('kcenter_cosine'), 'k_center cosine: picks');
SELECT cmp_ok(pg_temp.dev('kcenter_cosine', $$SELECT * FROM pref.select_subset('SELECT id, emb FROM subset_emb', 10, 'k_center')$$),
              '<', 1e-9::float8, 'k_center cosine: gains and covering radius');
SELECT ok(pg_temp.nonincreasing($$SELECT * FROM pref.select_subset('SELECT id, emb FROM subset_emb', 40, 'k_center', metric => 'l2')$$),
          'k_center: distances of successive picks non-increasing');
SELECT is((SELECT objective FROM pref.select_subset('SELECT id, emb FROM subset_emb', 40, 'k_center') WHERE pick = 40),
          0::float8, 'k_center: radius 0 once every row is a center');
SELECT is((SELECT id FROM pref.select_subset('SELECT id, emb FROM subset_emb', 1, 'k_center', seed => 3)),
          (SELECT id FROM pref.select_subset('SELECT id, emb FROM subset_emb', 1, 'k_center', seed => 3)),
          'k_center: seeded start is reproducible');

-- DPP: incremental Cholesky = greedy over slogdet of candidate submatrices
SELECT is(pg_temp.picks($$SELECT * FROM pref.select_subset('SELECT id, emb, q FROM subset_emb', 8, 'dpp')$$),
          pg_temp.expect('dpp_cosine_quality'), 'dpp cosine + quality: picks (stops at rank 5)');
SELECT cmp_ok(pg_temp.dev('dpp_cosine_quality', $$SELECT * FROM pref.select_subset('SELECT id, emb, q FROM subset_emb', 8, 'dpp')$$),
              '<', 1e-9::float8, 'dpp cosine + quality: log-det gains and objectives');
SELECT is(pg_temp.picks($$SELECT * FROM pref.select_subset('SELECT id, emb FROM subset_emb', 12, 'dpp', metric => 'l2')$$),
          pg_temp.expect('dpp_l2'), 'dpp l2 (rbf): picks');
SELECT cmp_ok(pg_temp.dev('dpp_l2', $$SELECT * FROM pref.select_subset('SELECT id, emb FROM subset_emb', 12, 'dpp', metric => 'l2')$$),
              '<', 1e-9::float8, 'dpp l2: log-det gains and objectives');
SELECT ok(pg_temp.nonincreasing($$SELECT * FROM pref.select_subset('SELECT id, emb FROM subset_emb', 20, 'dpp', metric => 'l2')$$),
          'dpp: log-det gains non-increasing');
SELECT is(pg_temp.picks($$SELECT * FROM pref.select_subset('SELECT id, emb FROM subset_emb', 9, 'dpp', metric => 'l2', initial => ARRAY[100, 166, 130])$$),
          (pg_temp.expect('dpp_l2'))[4:12], 'dpp: continuing from the first 3 picks gives picks 4..12');

-- MMR
SELECT is(pg_temp.picks($$SELECT * FROM pref.select_subset('SELECT id, emb, q FROM subset_emb', 10, 'mmr', lambda => 0.7)$$),
          pg_temp.expect('mmr_cosine'), 'mmr cosine lambda 0.7: picks');
SELECT cmp_ok(pg_temp.dev('mmr_cosine', $$SELECT * FROM pref.select_subset('SELECT id, emb, q FROM subset_emb', 10, 'mmr', lambda => 0.7)$$),
              '<', 1e-9::float8, 'mmr cosine: scores and cumulative objective');
SELECT is(pg_temp.picks($$SELECT * FROM pref.select_subset('SELECT id, emb, q FROM subset_emb', 10, 'mmr', metric => 'l2', lambda => 0.3)$$),
          pg_temp.expect('mmr_l2'), 'mmr l2 lambda 0.3: picks');
SELECT cmp_ok(pg_temp.dev('mmr_l2', $$SELECT * FROM pref.select_subset('SELECT id, emb, q FROM subset_emb', 10, 'mmr', metric => 'l2', lambda => 0.3)$$),
              '<', 1e-9::float8, 'mmr l2: scores and cumulative objective');
SELECT is(pg_temp.picks($$SELECT * FROM pref.select_subset('SELECT id, emb, q FROM subset_emb', 5, 'mmr', lambda => 1)$$),
          ARRAY(SELECT id FROM subset_emb ORDER BY q DESC, id LIMIT 5), 'mmr lambda 1: top quality');

-- near duplicates: brute-force pairs + connected components
SELECT is((SELECT count(*)::int FROM pref.near_duplicates('SELECT id, emb FROM subset_dup', 0.99) n
           JOIN subset_dup d USING (id) WHERE n.group_id = d.group_cos), (SELECT count(*)::int FROM subset_dup),
          'near_duplicates cosine 0.99: every group id matches brute force');
SELECT is((SELECT count(*)::int FROM pref.near_duplicates('SELECT id, emb FROM subset_dup', 0.9, 'l2', gamma => 0.5) n
           JOIN subset_dup d USING (id) WHERE n.group_id = d.group_l2), (SELECT count(*)::int FROM subset_dup),
          'near_duplicates l2 (rbf 0.5) 0.9: every group id matches brute force');
SELECT cmp_ok((SELECT count(DISTINCT group_cos)::int FROM subset_dup), '<', (SELECT count(*)::int FROM subset_dup),
              'near-duplicate fixture has real groups');
SELECT is((SELECT count(DISTINCT group_id)::int FROM pref.near_duplicates('SELECT id, emb FROM subset_dup', 1.5)),
          (SELECT count(*)::int FROM subset_dup), 'threshold above 1: every row its own group');

-- Pareto fronts: repeated peeling of the non-dominated set
SELECT is((SELECT count(*)::int FROM pref.pareto_front('SELECT id, scores FROM subset_pareto') p
           JOIN subset_pareto r USING (id) WHERE p.front = r.front), 80, 'pareto_front: all 80 fronts match brute force');
SELECT cmp_ok((SELECT max(front) FROM subset_pareto), '>', 5, 'pareto fixture has many fronts');
SELECT is((SELECT array_agg(front ORDER BY id) FROM pref.pareto_front($$VALUES (1::bigint, ARRAY[1, 1]::float8[]), (2, ARRAY[1, 1]), (3, ARRAY[2, 0]), (4, ARRAY[0.5, 0.5])$$)),
          ARRAY[1, 1, 1, 2], 'pareto_front: equal points share a front');

-- sparse k-nearest-neighbour facility location: numpy greedy over the dense
-- matrix that keeps only the n_neighbors largest similarities of each row
SELECT is(pg_temp.picks($$SELECT * FROM pref.select_subset('SELECT id, emb FROM subset_emb', 10, n_neighbors => 5)$$),
          pg_temp.expect('fl_knn_cosine'), 'fl knn cosine (5 neighbours): picks = numpy');
SELECT cmp_ok(pg_temp.dev('fl_knn_cosine', $$SELECT * FROM pref.select_subset('SELECT id, emb FROM subset_emb', 10, n_neighbors => 5)$$),
              '<', 1e-9::float8, 'fl knn cosine: gains and objectives');
SELECT isnt(pg_temp.expect('fl_knn_cosine'), pg_temp.expect('fl_cosine'), 'knn fixture differs from the dense one (the test can fail)');
SELECT is(pg_temp.picks($$SELECT * FROM pref.select_subset('SELECT id, emb, q FROM subset_emb', 10, metric => 'l2', lambda => 2, n_neighbors => 8)$$),
          pg_temp.expect('fl_knn_l2_quality'), 'fl knn l2 + quality (8 neighbours, lambda 2): picks = numpy');
SELECT cmp_ok(pg_temp.dev('fl_knn_l2_quality', $$SELECT * FROM pref.select_subset('SELECT id, emb, q FROM subset_emb', 10, metric => 'l2', lambda => 2, n_neighbors => 8)$$),
              '<', 1e-9::float8, 'fl knn l2 + quality: gains and objectives');
SELECT cmp_ok(pg_temp.dev('fl_knn_cosine_initial', $$SELECT * FROM pref.select_subset('SELECT id, emb FROM subset_emb', 4, n_neighbors => 5, initial => ARRAY[115, 151, 199])$$),
              '<', 1e-9::float8, 'fl knn initial => {115,151,199}: picks 4..7 and objectives');
SELECT results_eq($$SELECT * FROM pref.select_subset('SELECT id, emb FROM subset_emb', 40, n_neighbors => 7)$$,
                  $$SELECT * FROM pref.select_subset('SELECT id, emb FROM subset_emb', 40, n_neighbors => 7, greedy => 'naive')$$,
                  'fl knn: lazy greedy = naive greedy bit for bit over all 40 picks');
SELECT ok(pg_temp.nonincreasing($$SELECT * FROM pref.select_subset('SELECT id, emb FROM subset_emb', 40, n_neighbors => 7)$$),
          'fl knn: gains non-increasing');
SELECT cmp_ok(pg_temp.dev('fl_cosine', $$SELECT * FROM pref.select_subset('SELECT id, emb FROM subset_emb', 10, n_neighbors => 1000)$$),
              '<', 1e-9::float8, 'fl knn with n_neighbors >= N = the dense objective (picks, gains, objectives)');
SELECT results_eq($$SELECT * FROM pref.select_subset('SELECT id, emb FROM subset_emb', 10, n_neighbors => 6, greedy => 'stochastic', seed => 4)$$,
                  $$SELECT * FROM pref.select_subset('SELECT id, emb FROM subset_emb', 10, n_neighbors => 6, greedy => 'stochastic', seed => 4)$$,
                  'fl knn stochastic: same seed, same picks');

-- single precision storage: the float matrix only screens candidates;
-- picks, gains and objectives come from exact double-precision similarities
SELECT is(pg_temp.picks($$SELECT * FROM pref.select_subset('SELECT id, emb FROM subset_emb', 10, single_precision => true)$$),
          pg_temp.expect('fl_cosine'), 'fl single_precision: picks = numpy (double)');
SELECT cmp_ok(pg_temp.dev('fl_cosine', $$SELECT * FROM pref.select_subset('SELECT id, emb FROM subset_emb', 10, single_precision => true)$$),
              '<', 1e-9::float8, 'fl single_precision: gains and objectives as in double precision');
SELECT cmp_ok(pg_temp.dev('fl_l2', $$SELECT * FROM pref.select_subset('SELECT id, emb FROM subset_emb', 10, metric => 'l2', single_precision => true)$$),
              '<', 1e-9::float8, 'fl single_precision l2: picks, gains and objectives as in double precision');
SELECT results_eq($$SELECT * FROM pref.select_subset('SELECT id, emb, q FROM subset_emb', 40, metric => 'l2', lambda => 0.5, single_precision => true)$$,
                  $$SELECT * FROM pref.select_subset('SELECT id, emb, q FROM subset_emb', 40, metric => 'l2', lambda => 0.5)$$,
                  'fl single_precision = double precision bit for bit over all 40 picks');
SELECT results_eq($$SELECT * FROM pref.select_subset('SELECT id, emb FROM subset_emb', 40, single_precision => true)$$,
                  $$SELECT * FROM pref.select_subset('SELECT id, emb FROM subset_emb', 40, single_precision => true, greedy => 'naive')$$,
                  'fl single_precision: lazy = naive bit for bit');

-- stochastic greedy without a stored matrix (streamed gemm blocks) when the
-- dense matrix does not fit: same picks as the dense stochastic run
CREATE TABLE subset_big AS SELECT g::bigint AS id, ARRAY[sin(g), cos(g), sin(2 * g), cos(3 * g), sin(5 * g)]::float8[] AS emb,
  0.5 + 0.5 * sin(7 * g) AS q FROM generate_series(1, 500) g;
CREATE TABLE subset_stream_dense AS SELECT * FROM pref.select_subset('SELECT id, emb, q FROM subset_big', 30, greedy => 'stochastic', seed => 9, lambda => 0.5);
CREATE TABLE subset_stream_full AS SELECT * FROM pref.select_subset('SELECT id, emb FROM subset_big', 12, metric => 'l2', greedy => 'naive');
SET pgpref.max_memory = '1MB';
SELECT throws_ok($$SELECT * FROM pref.select_subset('SELECT id, emb, q FROM subset_big', 30)$$, '54000', NULL,
                 'under 1MB the dense matrix (2 MB) does not fit');
SELECT is((SELECT array_agg(id ORDER BY pick) FROM pref.select_subset('SELECT id, emb, q FROM subset_big', 30, greedy => 'stochastic', seed => 9, lambda => 0.5)),
          (SELECT array_agg(id ORDER BY pick) FROM subset_stream_dense), 'streamed stochastic = dense stochastic: picks');
SELECT cmp_ok((SELECT max(abs(s.gain - d.gain) + abs(s.objective - d.objective)) FROM pref.select_subset('SELECT id, emb, q FROM subset_big', 30, greedy => 'stochastic', seed => 9, lambda => 0.5) s
               JOIN subset_stream_dense d USING (pick)), '<', 1e-9::float8, 'streamed stochastic = dense stochastic: gains and objectives within 1e-9');
SELECT is((SELECT array_agg(id ORDER BY pick) FROM pref.select_subset('SELECT id, emb FROM subset_big', 12, metric => 'l2', greedy => 'stochastic', epsilon => 1e-300)),
          (SELECT array_agg(id ORDER BY pick) FROM subset_stream_full), 'streamed stochastic with a full sample = dense naive greedy (l2)');
RESET pgpref.max_memory;
SELECT cmp_ok((SELECT count(*)::int FROM subset_stream_dense), '=', 30, 'dense stochastic reference present');

-- data full of exact ties (test/ref/subset_ties_ref.py): the 24-cell with
-- copies (exact fractions) and the curation grid (pgpref's scalar arithmetic
-- in doubles); ids shuffled against the row order; ties go to the smaller id
-- whatever the BLAS kernel, the storage or the greedy variant
CREATE FUNCTION pg_temp.tdev(v text, call text) RETURNS float8 LANGUAGE plpgsql AS $f$
DECLARE r float8;
BEGIN
	EXECUTE format($q$
		SELECT coalesce(max(greatest(abs(coalesce(s.gain, 0) - coalesce(e.gain, 0)),
		                            coalesce(abs(s.objective - e.objective), 0))), 1)
		     + CASE WHEN bool_and(s.id IS NOT DISTINCT FROM e.id) AND bool_and((s.gain IS NULL) = (e.gain IS NULL))
		                 AND count(*) > 0 THEN 0 ELSE 1 END
		FROM (%s) s FULL JOIN (SELECT * FROM ties_expect WHERE variant = %L) e USING (pick)$q$, call, v) INTO r;
	RETURN r;
END $f$;
SELECT cmp_ok(pg_temp.tdev('fl', $$SELECT * FROM pref.select_subset('SELECT id, emb FROM ties_c4', 12)$$), '<', 1e-12::float8,
              'ties, 24-cell: fl lazy = exact greedy (picks, gains, objectives)');
SELECT cmp_ok(pg_temp.tdev('fl', $$SELECT * FROM pref.select_subset('SELECT id, emb FROM ties_c4', 12, greedy => 'naive')$$), '<', 1e-12::float8,
              'ties, 24-cell: fl naive = exact greedy');
SELECT cmp_ok(pg_temp.tdev('fl', $$SELECT * FROM pref.select_subset('SELECT id, emb FROM ties_c4', 12, greedy => 'stochastic', epsilon => 1e-300, seed => 2)$$), '<', 1e-12::float8,
              'ties, 24-cell: fl stochastic with a full sample = exact greedy');
SELECT cmp_ok(pg_temp.tdev('fl', $$SELECT * FROM pref.select_subset('SELECT id, emb FROM ties_c4', 12, single_precision => true)$$), '<', 1e-12::float8,
              'ties, 24-cell: fl single_precision = exact greedy');
SELECT cmp_ok(pg_temp.tdev('fl', $$SELECT * FROM pref.select_subset('SELECT id, emb FROM ties_c4 ORDER BY id DESC', 12)$$), '<', 1e-12::float8,
              'ties, 24-cell: the order of the query rows does not matter');
SELECT cmp_ok(pg_temp.tdev('fl_q', $$SELECT * FROM pref.select_subset('SELECT id, emb, q FROM ties_c4', 12, lambda => 1)$$), '<', 1e-12::float8,
              'ties, 24-cell: fl + quality = exact greedy');
SELECT cmp_ok(pg_temp.tdev('fl_all', $$SELECT * FROM pref.select_subset('SELECT id, emb, q FROM ties_c4', 36, lambda => 1)$$), '<', 1e-12::float8,
              'ties, 24-cell: fl + quality over every row (copies of picked rows gain lambda q) = exact greedy');
SELECT cmp_ok(pg_temp.tdev('fl_all', $$SELECT * FROM pref.select_subset('SELECT id, emb, q FROM ties_c4', 36, lambda => 1, greedy => 'naive', single_precision => true)$$), '<', 1e-12::float8,
              'ties, 24-cell: the same, naive greedy in single precision');
SELECT cmp_ok(pg_temp.tdev('fl_knn8', $$SELECT * FROM pref.select_subset('SELECT id, emb FROM ties_c4', 12, n_neighbors => 8)$$), '<', 1e-12::float8,
              'ties, 24-cell: fl with 8 neighbours per row (tied neighbours by id) = exact greedy');
SELECT cmp_ok(pg_temp.tdev('fl_knn8', $$SELECT * FROM pref.select_subset('SELECT id, emb FROM ties_c4', 12, n_neighbors => 8, greedy => 'naive')$$), '<', 1e-12::float8,
              'ties, 24-cell: fl with 8 neighbours, naive = exact greedy');
SELECT cmp_ok(pg_temp.tdev('kc_cos', $$SELECT * FROM pref.select_subset('SELECT id, emb FROM ties_c4', 10, 'k_center')$$), '<', 1e-12::float8,
              'ties, 24-cell: k_center cosine = exact farthest-first');
SELECT cmp_ok(pg_temp.tdev('kc_l2', $$SELECT * FROM pref.select_subset('SELECT id, emb FROM ties_c4', 10, 'k_center', metric => 'l2')$$), '<', 1e-12::float8,
              'ties, 24-cell: k_center l2 = exact farthest-first');
SELECT cmp_ok(pg_temp.tdev('dpp', $$SELECT * FROM pref.select_subset('SELECT id, emb FROM ties_c4', 8, 'dpp')$$), '<', 1e-12::float8,
              'ties, 24-cell: dpp = exact greedy over determinants (stops at rank 4)');
SELECT cmp_ok(pg_temp.tdev('mmr_cos', $$SELECT * FROM pref.select_subset('SELECT id, emb, q FROM ties_c4', 12, 'mmr')$$), '<', 1e-12::float8,
              'ties, 24-cell: mmr cosine = exact scores');
SELECT cmp_ok(pg_temp.tdev('mmr_l2', $$SELECT * FROM pref.select_subset('SELECT id, emb, q FROM ties_c4', 12, 'mmr', metric => 'l2', gamma => 0.25)$$), '<', 1e-12::float8,
              'ties, 24-cell: mmr l2 = exact scores');
SELECT is((SELECT count(*)::int FROM pref.near_duplicates('SELECT id, emb FROM ties_c4', 0.5) n JOIN ties_c4 t USING (id) WHERE n.group_id = t.dup_half), 36,
          'ties, 24-cell: near_duplicates at cosine 0.5 (a level many pairs sit on exactly) = exact groups');
SELECT is((SELECT count(*)::int FROM pref.near_duplicates('SELECT id, emb FROM ties_c4', 1) n JOIN ties_c4 t USING (id) WHERE n.group_id = t.dup_one), 36,
          'ties, 24-cell: near_duplicates at cosine 1 = the copies');
SELECT is((SELECT count(*)::int FROM pref.near_duplicates('SELECT id, emb FROM ties_c4', exp(-1.0), 'l2', gamma => 0.25) n JOIN ties_c4 t USING (id) WHERE n.group_id = t.dup_l2), 36,
          'ties, 24-cell: near_duplicates l2 at exp(-gamma 4) = exact groups');
SELECT cmp_ok(pg_temp.tdev('g_fl', $$SELECT * FROM pref.select_subset('SELECT id, emb FROM ties_grid', 10, metric => 'l2')$$), '<', 1e-12::float8,
              'ties, curation grid: fl l2 lazy = greedy on the scalar gains (the kernel-dependent case of issue 11)');
SELECT cmp_ok(pg_temp.tdev('g_fl', $$SELECT * FROM pref.select_subset('SELECT id, emb FROM ties_grid', 10, metric => 'l2', greedy => 'naive')$$), '<', 1e-12::float8,
              'ties, curation grid: fl l2 naive = greedy on the scalar gains');
SELECT cmp_ok(pg_temp.tdev('g_fl', $$SELECT * FROM pref.select_subset('SELECT id, emb FROM ties_grid', 10, metric => 'l2', single_precision => true)$$), '<', 1e-12::float8,
              'ties, curation grid: fl l2 single_precision = greedy on the scalar gains');
SELECT cmp_ok(pg_temp.tdev('g_fl', $$SELECT * FROM pref.select_subset('SELECT id, emb FROM ties_grid', 10, metric => 'l2', greedy => 'stochastic', epsilon => 1e-300)$$), '<', 1e-12::float8,
              'ties, curation grid: fl l2 stochastic with a full sample = greedy on the scalar gains');
SELECT cmp_ok(pg_temp.tdev('g_fl', $$SELECT * FROM pref.select_subset('SELECT id, emb FROM ties_grid ORDER BY emb[2], emb[1]', 10, metric => 'l2')$$), '<', 1e-12::float8,
              'ties, curation grid: fl l2 on the rows in another order = the same greedy');
SELECT cmp_ok(pg_temp.tdev('g_fl_q', $$SELECT * FROM pref.select_subset('SELECT id, emb, q FROM ties_grid', 10, metric => 'l2', lambda => 1)$$), '<', 1e-12::float8,
              'ties, curation grid: fl l2 + quality = greedy on the scalar gains');
SELECT cmp_ok(pg_temp.tdev('g_kc', $$SELECT * FROM pref.select_subset('SELECT id, emb FROM ties_grid', 10, 'k_center', metric => 'l2')$$), '<', 1e-12::float8,
              'ties, curation grid: k_center l2 = farthest-first on the scalar distances');
SELECT is((SELECT count(*)::int FROM pref.near_duplicates('SELECT id, emb FROM ties_grid', (SELECT threshold FROM ties_grid_threshold), 'l2') n
           JOIN ties_grid t USING (id) WHERE n.group_id = t.dup), 30,
          'ties, curation grid: near_duplicates l2 at the similarity of points 1 apart = groups on the scalar similarities');

SELECT * FROM finish();
ROLLBACK;
