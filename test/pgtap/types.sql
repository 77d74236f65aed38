-- pgTAP: properties of pref.pair, pref.ranking and pref.tally
BEGIN;
SELECT plan(20);

-- n items in groups g_1..g_k imply n(n-1)/2 pairs, sum g(g-1)/2 of them ties
SELECT is((SELECT count(*) FROM pref.pairs('3>1=4>2')), 6::bigint, '4 items imply 6 pairs');
SELECT is((SELECT count(*) FILTER (WHERE pref.is_tie(p)) FROM pref.pairs('3>1=4>2') p), 1::bigint, 'one tied group of 2 implies 1 tie');

-- random strict and tied rankings: counts match the closed form
CREATE TEMP TABLE rk AS
SELECT g, pref.ranking(items, scores) AS r, n
FROM (
  SELECT g, array_agg(i ORDER BY i) AS items,
         array_agg(((i * 7919 + g * 104729) % 5)::float8 ORDER BY i) AS scores, count(*) AS n
  FROM generate_series(1, 40) g, LATERAL generate_series(1, 2 + g % 9) i
  GROUP BY g) s;
SELECT is((SELECT count(*) FROM rk WHERE (SELECT count(*) FROM pref.pairs(r)) <> n * (n - 1) / 2), 0::bigint,
          'pairs(r) count = n(n-1)/2 for 40 random rankings');
SELECT is((SELECT count(*) FROM rk WHERE
            (SELECT count(*) FILTER (WHERE pref.is_tie(p)) FROM pref.pairs(r) p) <>
            (SELECT coalesce(sum(c * (c - 1) / 2), 0) FROM
               (SELECT count(*) AS c FROM unnest(pref.ranking_items(r)) it
                GROUP BY pref.rank_of(r, it)) t)), 0::bigint,
          'tie count = sum over tied groups of g(g-1)/2');
-- every implied non-tie pair agrees with rank_of
SELECT is((SELECT count(*) FROM rk, pref.pairs(r) p
           WHERE NOT pref.is_tie(p) AND pref.rank_of(r, pref.chosen(p)) >= pref.rank_of(r, pref.rejected(p))), 0::bigint,
          'chosen is always ranked strictly above rejected');
SELECT is((SELECT count(*) FROM rk WHERE r::text::pref.ranking <> r), 0::bigint, 'text round trip of 40 rankings');

-- flip of flip = identity; swap of swap = identity; swap keeps the preference
CREATE TEMP TABLE pp AS
SELECT pref.pair(a, b, (ARRAY['>', '<', '='])[1 + (a + b) % 3], 0.25 * (1 + a % 4)) AS p
FROM generate_series(1, 30) a, generate_series(31, 45) b;
SELECT is((SELECT count(*) FROM pp WHERE -(-p) <> p), 0::bigint, 'flip(flip(p)) = p for 450 pairs');
SELECT is((SELECT count(*) FROM pp WHERE pref.swap(pref.swap(p)) <> p), 0::bigint, 'swap(swap(p)) = p');
SELECT is((SELECT count(*) FROM pp WHERE NOT (pref.swap(p) ~= p)
             OR pref.chosen(pref.swap(p)) IS DISTINCT FROM pref.chosen(p)), 0::bigint,
          'swap keeps chosen and the preference');
SELECT is((SELECT count(*) FROM pp WHERE NOT pref.is_tie(p) AND
             (pref.chosen(-p) <> pref.rejected(p) OR (-p ~= p))), 0::bigint,
          'flip exchanges chosen and rejected');
SELECT is((SELECT count(*) FROM pp WHERE p::text::pref.pair <> p), 0::bigint, 'text round trip of 450 pairs');
SELECT throws_ok($$SELECT '17>17'::pref.pair$$, '22P02', 'invalid input syntax for type pair: "17>17"',
                 'self-comparison is rejected');

-- pref.tally: 30 random weighted tallies read back bit for bit from text; merge is associative
-- (dyadic weights with small sums, so every summation order is exact)
CREATE TEMP TABLE tt AS
SELECT g, pref.tally(w, l, g % 3 = 0 AND i % 4 = 0, (i * g % 97) / 8.0 + 1.0 / 1024) AS t
FROM generate_series(1, 30) g, LATERAL (SELECT i, (i * 7919 + g) % (3 + g) AS w, (i * 104729 + 2 * g) % (4 + g) AS l
                                        FROM generate_series(1, 50 + g) i) s
WHERE w <> l GROUP BY g;
SELECT is((SELECT count(*) FROM tt WHERE NOT (t::text::pref.tally OPERATOR(pref.=) t)), 0::bigint,
          'text round trip of 30 random tallies is exact');
SELECT ok((SELECT pref.tally_merge(t) FROM tt) OPERATOR(pref.=)
          (SELECT pref.tally_merge(m) FROM (SELECT pref.tally_merge(t) AS m FROM tt GROUP BY g % 4) x),
          'tally_merge is associative');
SELECT is((SELECT (pref.tally_stats(pref.tally_merge(t))).rows_used FROM tt),
          (SELECT sum(a_wins + b_wins + ties)::bigint FROM tt, pref.tally_cells(t)), 'rows_used is the sum of the cell counts');
-- pref.tally input and merge errors: SQLSTATEs
SELECT throws_ok($$SELECT '{"version":1,"keys":"bigint","position":false,"rows_used":9223372036854775807,"rows_skipped":0,"items":[1,2],"cells":[[0,1,9223372036854775807,0,0,1,0,0],[0,1,9223372036854775807,0,0,1,0,0]]}'::pref.tally$$,
                 '22003', 'tally count out of range', 'repeated cells overflowing bigint');
SELECT throws_ok($$SELECT '{"version":1,"keys":"bigint","position":false,"rows_used":2,"rows_skipped":0,"items":[1,2],"cells":[[0,1,1,0,0,1e308,0,0],[0,1,1,0,0,1e308,0,0]]}'::pref.tally$$,
                 '22003', 'tally weight out of range', 'weights 1e308 twice');
SELECT throws_ok($$SELECT '{"version":1,"keys":"bigint","position":false,"rows_used":4,"rows_skipped":0,"items":[1,2],"cells":[[0,1,2,1,0,2,1,0]]}'::pref.tally$$,
                 '22P02', 'invalid input syntax for type tally', 'rows_used inconsistent with the cells');
SELECT throws_ok($$SELECT pref.tally_merge(t) FROM (VALUES ('{"version":1,"keys":"bigint","position":false,"rows_used":9223372036854775807,"rows_skipped":0,"items":[1,2],"cells":[[0,1,9223372036854775807,0,0,1,0,0]]}'::pref.tally), ('{"version":1,"keys":"bigint","position":false,"rows_used":1,"rows_skipped":0,"items":[1,2],"cells":[[0,1,1,0,0,1,0,0]]}')) v(t)$$,
                 '22003', 'tally count out of range', 'tally_merge overflow');
SELECT throws_ok($$SELECT pref.tally(1::bigint, 2::bigint, false, 1e308) FROM generate_series(1, 2)$$,
                 '22003', 'tally weight out of range', 'accumulated weight overflow');

SELECT * FROM finish();
ROLLBACK;
