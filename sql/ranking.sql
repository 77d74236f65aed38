-- pref operators are found through search_path, as a user would set it
SET search_path = public, pref;
-- pref.ranking: text round trips
SELECT '3>1=4>2'::pref.ranking, ' 5 '::pref.ranking, '1 = 2 = 3'::pref.ranking,
       '-1>9223372036854775807'::pref.ranking;
SELECT r::text::pref.ranking = r AS roundtrip
FROM (VALUES ('3>1=4>2'::pref.ranking), ('7'), ('1=2>3=4=5>6')) v(r);

-- constructors and accessors
SELECT pref.ranking(ARRAY[3, 1, 4, 2]::bigint[]);
SELECT pref.ranking(ARRAY[10, 11, 12, 13]::bigint[], ARRAY[0.5, 2, 0.5, -1]);
SELECT pref.ranking_items('3>1=4>2'), pref.ranking_size('3>1=4>2');
SELECT item, pref.rank_of('3>1=4>2', item) FROM unnest(ARRAY[3, 1, 4, 2, 99]::bigint[]) item;
SELECT '1>2=3'::pref.ranking = '1>2=3'::pref.ranking AS eq,
       '1>2=3'::pref.ranking = '1>3=2'::pref.ranking AS eq_order_matters,
       '1>2=3'::pref.ranking <> '1=2=3'::pref.ranking AS ne;
SELECT r, count(*) FROM (VALUES ('1>2'::pref.ranking), ('1>2'), ('2>1')) v(r) GROUP BY r ORDER BY r::text;

-- pairs implied: better item first, ties as ties
SELECT * FROM pref.pairs('3>1=4>2');
SELECT count(*) FROM pref.pairs('7');
SELECT count(*) AS n_pairs, count(*) FILTER (WHERE pref.is_tie(p)) AS n_ties
FROM pref.pairs('1=2=3>4>5=6') p;

-- bad input
SELECT ''::pref.ranking;
SELECT '3>'::pref.ranking;
SELECT '>3'::pref.ranking;
SELECT '3>>1'::pref.ranking;
SELECT '3<1'::pref.ranking;
SELECT '3>1=3'::pref.ranking;
SELECT '3>x'::pref.ranking;
SELECT '3>99999999999999999999'::pref.ranking;
SELECT '3>1 junk'::pref.ranking;
SELECT pref.ranking(ARRAY[1, 2, 1]::bigint[]);
SELECT pref.ranking(ARRAY[]::bigint[]);
SELECT pref.ranking(ARRAY[1, NULL]::bigint[]);
SELECT pref.ranking(ARRAY[[1, 2], [3, 4]]::bigint[]);
SELECT pref.ranking(ARRAY[1, 2]::bigint[], ARRAY[1.0]);
SELECT pref.ranking(ARRAY[1, 2]::bigint[], ARRAY[1.0, 'NaN']);
SELECT pref.ranking(ARRAY[1, 2]::bigint[], ARRAY[1.0, NULL]);
