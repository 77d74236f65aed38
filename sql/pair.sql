-- pref operators are found through search_path, as a user would set it
SET search_path = public, pref;
-- pref.pair: text round trips
SELECT '17>42'::pref.pair, '17<42'::pref.pair, '17=42'::pref.pair;
SELECT ' 17 > 42 '::pref.pair, '-5<9223372036854775807'::pref.pair, '-9223372036854775808=0'::pref.pair;
SELECT '17>42*0.5'::pref.pair, '17>42*1'::pref.pair, '17=42 * 2.25 '::pref.pair, '1<2*1e-300'::pref.pair;
SELECT p::text::pref.pair = p AS roundtrip
FROM (VALUES ('17>42*0.1'::pref.pair), ('3<1*0.30000000000000004'), ('5=6')) v(p);

-- constructors
SELECT pref.pair(17, 42), pref.pair(17, 42, true), pref.pair(17, 42, weight => 0.5);
SELECT pref.pair(17, 42, '>'), pref.pair(17, 42, '<'), pref.pair(17, 42, '=', 3);

-- accessors
SELECT pref.chosen(p), pref.rejected(p), pref.first(p), pref.second(p),
       pref.is_tie(p), pref.weight(p), pref.outcome(p)
FROM (VALUES ('17>42'::pref.pair), ('17<42*2'), ('17=42')) v(p);

-- flip (reverse preference), swap (presentation order), canonical, same preference
SELECT p, -p AS flipped, -(-p) = p AS flip_flip, pref.swap(p) AS swapped,
       pref.canonical(p) AS canonical, p ~= pref.swap(p) AS same_swapped,
       p ~= -p AS same_flipped
FROM (VALUES ('17>42'::pref.pair), ('42<17*2'), ('17=42')) v(p);
SELECT '17>42'::pref.pair ~= '42<17*5'::pref.pair AS same_ignoring_weight;
SELECT pref.with_weight('1>2', 4);

-- comparison, sorting, grouping, hashing, indexes
SELECT '1>2'::pref.pair = '1>2*1'::pref.pair AS eq, '1>2'::pref.pair <> '1<2' AS ne,
       '1>2'::pref.pair < '1<2' AS lt, '1>3'::pref.pair > '1<2' AS gt,
       '1>2*0.5'::pref.pair < '1>2' AS weight_orders;
CREATE TABLE pairs_t (p pref.pair);
INSERT INTO pairs_t VALUES ('3>1'), ('1>3'), ('1>3'), ('1=3'), ('2<1*0.5'), ('3>1');
SELECT p, count(*) FROM pairs_t GROUP BY p ORDER BY p;
SELECT DISTINCT pref.canonical(p) FROM pairs_t ORDER BY 1;
SET enable_sort = off;
SELECT p, count(*) FROM pairs_t GROUP BY p ORDER BY p;
RESET enable_sort;
CREATE INDEX ON pairs_t (p);
CREATE INDEX pairs_hash ON pairs_t USING hash (p);
SET enable_seqscan = off;
SELECT count(*) FROM pairs_t WHERE p = '1>3';
RESET enable_seqscan;
SELECT count(*) FROM pairs_t a JOIN pairs_t b ON a.p = b.p;
SELECT pref.pair_hash('1>2') = pref.pair_hash('1>2*1') AS hash_consistent,
       pref.pair_hash_extended('1>2', 7) = pref.pair_hash_extended('1>2*1.0', 7) AS hash_ext_consistent;
DROP TABLE pairs_t;

-- bad input: every case gets a clear error quoting the input
SELECT ''::pref.pair;
SELECT '   '::pref.pair;
SELECT '17 42'::pref.pair;
SELECT '17'::pref.pair;
SELECT '17>'::pref.pair;
SELECT '>42'::pref.pair;
SELECT '17>17'::pref.pair;
SELECT 'a>42'::pref.pair;
SELECT '17>4x'::pref.pair;
SELECT '9223372036854775808>1'::pref.pair;
SELECT '1>-9223372036854775809'::pref.pair;
SELECT '17>42*-1'::pref.pair;
SELECT '17>42*0'::pref.pair;
SELECT '17>42*NaN'::pref.pair;
SELECT '17>42*inf'::pref.pair;
SELECT '17>42*1e999'::pref.pair;
SELECT '17>42*'::pref.pair;
SELECT '17>42 junk'::pref.pair;
SELECT '17>42*2x'::pref.pair;
SELECT '17>>42'::pref.pair;
SELECT pref.pair(5, 5);
SELECT pref.pair(1, 2, weight => 0);
SELECT pref.pair(1, 2, weight => 'NaN');
SELECT pref.pair(1, 2, weight => '-Infinity');
SELECT pref.pair(1, 2, '>>');
SELECT pref.with_weight('1>2', -1);
SELECT pref.pair(NULL, 2) IS NULL AS null_in_null_out;
