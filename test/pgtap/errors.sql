-- pgTAP: every bad input gets its SQLSTATE and a message quoting the input
BEGIN;
SELECT plan(26);
SELECT throws_ok($$SELECT ''::pref.pair$$, '22P02', 'invalid input syntax for type pair: ""', 'empty pair');
SELECT throws_ok($$SELECT '17 42'::pref.pair$$, '22P02', 'invalid input syntax for type pair: "17 42"', 'missing operator');
SELECT throws_ok($$SELECT '17>17'::pref.pair$$, '22P02', 'invalid input syntax for type pair: "17>17"', 'self-comparison');
SELECT throws_ok($$SELECT 'x>42'::pref.pair$$, '22P02', 'invalid input syntax for type pair: "x>42"', 'non-numeric id');
SELECT throws_ok($$SELECT '9223372036854775808>1'::pref.pair$$, '22003',
                 'item id out of range for type bigint in pair: "9223372036854775808>1"', 'id out of bigint range');
SELECT throws_ok($$SELECT '1>2*-1'::pref.pair$$, '22P02', 'invalid input syntax for type pair: "1>2*-1"', 'negative weight');
SELECT throws_ok($$SELECT '1>2*0'::pref.pair$$, '22P02', 'invalid input syntax for type pair: "1>2*0"', 'zero weight');
SELECT throws_ok($$SELECT '1>2*nan'::pref.pair$$, '22P02', 'invalid input syntax for type pair: "1>2*nan"', 'NaN weight');
SELECT throws_ok($$SELECT '1>2*Infinity'::pref.pair$$, '22P02', 'invalid input syntax for type pair: "1>2*Infinity"', 'infinite weight');
SELECT throws_ok($$SELECT '1>2 x'::pref.pair$$, '22P02', 'invalid input syntax for type pair: "1>2 x"', 'trailing junk');
SELECT throws_ok($$SELECT ''::pref.ranking$$, '22P02', 'invalid input syntax for type ranking: ""', 'empty ranking');
SELECT throws_ok($$SELECT '3>1=3'::pref.ranking$$, '22P02', 'invalid input syntax for type ranking: "3>1=3"', 'repeated item');
SELECT throws_ok($$SELECT '3>a'::pref.ranking$$, '22P02', 'invalid input syntax for type ranking: "3>a"', 'non-numeric ranking id');
SELECT throws_ok($$SELECT '3 1'::pref.ranking$$, '22P02', 'invalid input syntax for type ranking: "3 1"', 'missing ranking operator');
SELECT throws_ok($$SELECT '3>1>'::pref.ranking$$, '22P02', 'invalid input syntax for type ranking: "3>1>"', 'dangling operator');
SELECT throws_ok($$SELECT '-9223372036854775809>1'::pref.ranking$$, '22003',
                 'item id out of range for type bigint in ranking: "-9223372036854775809>1"', 'ranking id out of range');
SELECT throws_ok($$SELECT pref.pair(4, 4)$$, '22023', 'an item cannot be compared with itself', 'constructor self-comparison');
SELECT throws_ok($$SELECT pref.pair(1, 2, weight => 'NaN')$$, '22023', 'pair weight must be positive and finite', 'constructor NaN weight');
SELECT throws_ok($$SELECT pref.pair(1, 2, '?')$$, '22023', 'unknown outcome "?"', 'unknown outcome');
SELECT throws_ok($$SELECT pref.ranking(ARRAY[1, 1]::bigint[])$$, '22023', 'item 1 appears more than once in the ranking', 'constructor repeat');
SELECT throws_ok($$SELECT pref.ranking(ARRAY[1, NULL]::bigint[])$$, '22004', 'items must not contain NULL elements', 'constructor NULL element');
SELECT throws_ok($$SELECT pref.ranking(ARRAY[1, 2]::bigint[], ARRAY[1.0])$$, '22000', 'items and scores have different lengths 2 and 1', 'mismatched lengths');
SELECT throws_ok($$SELECT pref.linalg_check(0)$$, '22023', 'n must be between 1 and 2048', 'linalg_check bounds');
SELECT throws_ok($$SET pgpref.blas_threads = 0$$, '22023', NULL, 'blas_threads must be positive');
SELECT is(pref.pair(NULL::bigint, 2), NULL, 'NULL in, NULL out');
SELECT lives_ok($$SELECT pref.pairs('1') $$, 'single-item ranking implies no pairs');
SELECT * FROM finish();
ROLLBACK;
