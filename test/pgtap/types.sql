-- pgTAP: properties of pref.pair and pref.ranking
BEGIN;
SELECT plan(12);

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

SELECT * FROM finish();
ROLLBACK;
