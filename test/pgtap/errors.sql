-- pgTAP: every bad input gets its SQLSTATE and a message quoting the input
BEGIN;
SELECT plan(32);
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
SELECT throws_ok($$SELECT pref.pair(1, 2, '?')$$, '22023', 'invalid value for argument outcome: "?"', 'unknown outcome');
SELECT throws_ok($$SELECT pref.ranking(ARRAY[1, 1]::bigint[])$$, '22023', 'item 1 appears more than once in the ranking', 'constructor repeat');
SELECT throws_ok($$SELECT pref.ranking(ARRAY[1, NULL]::bigint[])$$, '22004', 'items must not contain NULL elements', 'constructor NULL element');
SELECT throws_ok($$SELECT pref.ranking(ARRAY[1, 2]::bigint[], ARRAY[1.0])$$, '22000', 'items and scores have different lengths 2 and 1', 'mismatched lengths');
SELECT throws_ok($$SELECT pref.linalg_check(0)$$, '22023', 'n must be between 1 and 2048', 'linalg_check bounds');
SELECT throws_ok($$SET pgpref.blas_threads = 0$$, '22023', NULL, 'blas_threads must be positive');
SELECT is(pref.pair(NULL::bigint, 2), NULL, 'NULL in, NULL out');
SELECT lives_ok($$SELECT pref.pairs('1') $$, 'single-item ranking implies no pairs');
-- NULL and empty input (docs/conventions.md)
SELECT is((SELECT count(*) FROM pref.ratings(NULL::pref.bt_model)), 0::bigint, 'ratings of a NULL model: no rows');
SELECT ok((SELECT pref.bt_fit(w, l) FROM (VALUES (1::bigint, 2::bigint)) v(w, l) WHERE false) IS NULL, 'bt_fit over no rows is NULL');
SELECT throws_ok($$SELECT * FROM pref.ratings((SELECT pref.bradley_terry(pref.tally(w, l)) FROM (VALUES (1::bigint, 2::bigint), (2, 1)) v(w, l)), scale => NULL)$$,
                 '22004', 'scale must not be NULL', 'ratings: NULL option names it');
SELECT throws_ok($$SELECT pref.bradley_terry(pref.tally(w, l, true)) FROM (VALUES (1::bigint, 2::bigint), (2, 3), (3, 1)) v(w, l)$$,
                 '22000', 'the tie parameter of the "davidson" ties model has no finite estimate', 'nothing but ties: no finite tie parameter');
SELECT lives_ok($$SELECT pref.bradley_terry(pref.tally(w, l, true), ties => 'half') FROM (VALUES (1::bigint, 2::bigint), (2, 3), (3, 1)) v(w, l)$$,
                'nothing but ties: ties => half fits');
SELECT cmp_ok(pref.linalg_check(200), '<', 1e-9::float8, 'blocked interruptible Cholesky and inverse agree with LAPACK');
SELECT * FROM finish();
ROLLBACK;
