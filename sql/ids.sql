-- Ids of any type (issue 13): every function that reads ids from an inner
-- query has an overload with id_type (id_type => NULL::text, NULL::uuid,
-- ...) that returns the ids in that type.  The same data keyed by bigint,
-- integer, smallint, text (also under an ICU collation) and uuid must give
-- the same values, picks and groups once the ids are mapped back, and the
-- same as the bigint signature.  Text ids are ordered bytewise (COLLATE
-- "C"): the keys below are in C order, which differs from ICU's order
-- ('_x' < 'a' < 'B' there), so a tie broken by a locale would show.
SET search_path = public, pref;
SET extra_float_digits = 0;

CREATE TABLE ids_k (n int PRIMARY KEY, i8 bigint, i4 int, i2 smallint, tx text, u uuid);
INSERT INTO ids_k
SELECT n, n * 1000000000000::bigint + 5, n * 7 - 40, n,
       (ARRAY['A', 'B', 'Z', '_x', 'a', 'b', 'c_1', 'c_2', 'd', 'x', 'y', 'z'])[n],
       ('00000000-0000-0000-0000-' || lpad(to_hex(n * 4099), 12, '0'))::uuid
FROM generate_series(1, 12) n;
-- every key type orders like n (text bytewise)
SELECT bool_and(a.i8 < b.i8 AND a.i4 < b.i4 AND a.i2 < b.i2 AND a.tx < b.tx COLLATE "C" AND a.u < b.u)
       AS keys_follow_n,
       bool_or(a.tx > b.tx COLLATE "und-x-icu") AS icu_order_differs
FROM ids_k a JOIN ids_k b ON a.n < b.n;

-- points with exact copies (2 = 5, 1 = 7, 6 = 12) so that ties occur
CREATE TABLE ids_pts (n int PRIMARY KEY, emb real[], q float8);
INSERT INTO ids_pts VALUES
  (1, '{0,0}', 0.5), (2, '{1,0}', 0.9), (3, '{0,1}', 0.9), (4, '{1,1}', 0.2),
  (5, '{1,0}', 0.9), (6, '{2,2}', 0.7), (7, '{0,0}', 0.5), (8, '{3,1}', 0.1),
  (9, '{1,3}', 0.1), (10, '{2,0}', 0.4), (11, '{0,2}', 0.4), (12, '{2,2}', 0.7);

-- ids_collect(template): runs template once per key kind.  %1$s is the key
-- column, %2$s the id_type fragment ('' for the bigint signature), %3$s
-- the cast of ids in an initial array ('::text' with id_type); the
-- template yields (n, v, typ): the row's n, its result as text, and
-- pg_typeof of the returned id.
CREATE FUNCTION ids_collect(template text)
RETURNS TABLE (kind text, n int, v text, typ text) LANGUAGE plpgsql AS $f$
DECLARE
  r record;
BEGIN
  FOR r IN SELECT * FROM (VALUES
      ('bigint signature', 'i8', ''),
      ('bigint', 'i8', ', id_type => NULL::bigint'),
      ('integer', 'i4', ', id_type => NULL::integer'),
      ('smallint', 'i2', ', id_type => NULL::smallint'),
      ('text', 'tx', ', id_type => NULL::text'),
      ('text COLLATE und-x-icu', 'tx COLLATE "und-x-icu"', ', id_type => NULL::text'),
      ('uuid', 'u', ', id_type => NULL::uuid')) t(kind, col, arg)
  LOOP
    RETURN QUERY EXECUTE format('SELECT %L::text, q.* FROM (%s) q', r.kind,
                                format(template, r.col, r.arg, CASE WHEN r.arg = '' THEN '' ELSE '::text' END));
  END LOOP;
END
$f$;

-- ids_check(template): per key kind the rows, the id type returned, and
-- whether the results equal those of the bigint signature
CREATE FUNCTION ids_check(template text)
RETURNS TABLE (kind text, id_type text, nrows bigint, same_as_bigint boolean) LANGUAGE sql AS $f$
  WITH r AS MATERIALIZED (SELECT * FROM ids_collect(template)),
  base AS (SELECT n, v FROM r WHERE kind = 'bigint signature')
  SELECT r.kind, string_agg(DISTINCT r.typ, ','), count(*),
         NOT EXISTS (SELECT n, v FROM r r2 WHERE r2.kind = r.kind EXCEPT SELECT * FROM base)
         AND NOT EXISTS (SELECT * FROM base EXCEPT SELECT n, v FROM r r2 WHERE r2.kind = r.kind)
  FROM r GROUP BY r.kind ORDER BY r.kind <> 'bigint signature', r.kind
$f$;

-- ---- selection ----------------------------------------------------------

-- select_subset, every method; k_center starts at the smallest id and
-- breaks ties by id, so the picks depend on the id order
SELECT m.method, c.* FROM (VALUES ('facility_location'), ('k_center'), ('dpp'), ('mmr')) m(method),
LATERAL ids_check(format($t$
  SELECT ids_k.n, s.pick || ':' || round(s.gain::numeric, 9) || ':' || round(s.objective::numeric, 9), pg_typeof(s.id)::text
  FROM pref.select_subset('SELECT %%1$s, emb, q FROM ids_pts JOIN ids_k USING (n) ORDER BY n', 6 %%2$s,
                          method => %L, metric => 'l2') s JOIN ids_k ON ids_k.%%1$s = s.id
$t$, m.method)) c;
-- the picks themselves, as n, for k_center: ties by the smallest id
SELECT ids_k.n, s.id, s.pick FROM pref.select_subset('SELECT tx, emb FROM ids_pts JOIN ids_k USING (n)', 4,
  id_type => NULL::text, method => 'k_center', metric => 'l2') s JOIN ids_k ON ids_k.tx = s.id ORDER BY s.pick;
-- initial picks: bigint[] for the bigint signature, the ids' text form
-- (text[]) with id_type
SELECT * FROM ids_check($t$
  SELECT ids_k.n, s.pick::text, pg_typeof(s.id)::text
  FROM pref.select_subset('SELECT %1$s, emb FROM ids_pts JOIN ids_k USING (n)', 3 %2$s, metric => 'l2',
    initial => (SELECT array_agg(%1$s%3$s ORDER BY n) FROM ids_k WHERE n IN (6, 2))) s JOIN ids_k ON ids_k.%1$s = s.id
$t$);
-- near_duplicates: group_id is the smallest id of the group
SELECT * FROM ids_check($t$
  SELECT ids_k.n, g.n::text, pg_typeof(s.group_id)::text
  FROM pref.near_duplicates('SELECT %1$s, emb FROM ids_pts JOIN ids_k USING (n)' %2$s, threshold => 0.99, metric => 'l2') s
  JOIN ids_k ON ids_k.%1$s = s.id JOIN ids_k g ON g.%1$s = s.group_id
$t$);
SELECT ids_k.n, s.id, s.group_id FROM pref.near_duplicates('SELECT tx, emb FROM ids_pts JOIN ids_k USING (n)',
  id_type => NULL::text, threshold => 0.99, metric => 'l2') s JOIN ids_k ON ids_k.tx = s.id
WHERE s.id <> s.group_id ORDER BY ids_k.n;
-- pareto_front
SELECT * FROM ids_check($t$
  SELECT ids_k.n, s.front::text, pg_typeof(s.id)::text
  FROM pref.pareto_front('SELECT %1$s, emb FROM ids_pts JOIN ids_k USING (n)' %2$s) s JOIN ids_k ON ids_k.%1$s = s.id
$t$);

-- ---- valuation ----------------------------------------------------------

CREATE TABLE ids_valid (features real[], label int);
INSERT INTO ids_valid VALUES ('{0.5,0.5}', 0), ('{1.5,1.5}', 1), ('{1,2}', 1), ('{2,1}', 0);
-- knn_shapley: equidistant neighbours are ordered by id
SELECT * FROM ids_check($t$
  SELECT ids_k.n, round(s.value::numeric, 12)::text, pg_typeof(s.id)::text
  FROM pref.knn_shapley('SELECT %1$s, emb, n %% 2 FROM ids_pts JOIN ids_k USING (n)', 'SELECT * FROM ids_valid' %2$s, k => 3) s
  JOIN ids_k ON ids_k.%1$s = s.id
$t$);
-- data_shapley (the rows in the same order: the same permutations)
SET client_min_messages = warning;
SELECT u.utility, c.* FROM (VALUES ('knn'), ('logistic')) u(utility),
LATERAL ids_check(format($t$
  SELECT ids_k.n, round(s.value::numeric, 12) || ':' || round(s.std_error::numeric, 12), pg_typeof(s.id)::text
  FROM pref.data_shapley('SELECT %%1$s, emb, n %%%% 2 FROM ids_pts JOIN ids_k USING (n) ORDER BY n', 'SELECT * FROM ids_valid' %%2$s,
                         utility => %L, permutations => 60, seed => 7, k => 3) s
  JOIN ids_k ON ids_k.%%1$s = s.id
$t$, u.utility)) c;
-- pair_shapley, exact and reward; validation ids of any type are ignored
CREATE TABLE ids_vpairs (id text, chosen real[], rejected real[]);
INSERT INTO ids_vpairs VALUES ('v1', '{2,1}', '{0,1}'), ('v2', '{1,3}', '{1,0}'), ('v3', '{0,0}', '{1,1}');
SELECT m.method, c.* FROM (VALUES ('exact'), ('tmc')) m(method),
LATERAL ids_check(format($t$
  SELECT ids_k.n, round(s.value::numeric, 12)::text, pg_typeof(s.id)::text
  FROM pref.pair_shapley('SELECT %%1$s, emb, ARRAY[emb[2], emb[1] + 1] FROM ids_pts JOIN ids_k USING (n) ORDER BY n',
                         'SELECT * FROM ids_vpairs' %%2$s, method => %L, permutations => 60, k => 3) s
  JOIN ids_k ON ids_k.%%1$s = s.id
$t$, m.method)) c;
RESET client_min_messages;

-- ---- curation -----------------------------------------------------------

-- ids_ratings: prompts 1-4 with three responses each, tied scores included
CREATE TABLE ids_ratings (prompt int, response int, score float8);
INSERT INTO ids_ratings SELECT (n + 2) / 3, n, (n * 7) % 5 FROM generate_series(1, 12) n;
SELECT s.strategy, c.* FROM (VALUES ('best_vs_worst'), ('all_pairs'), ('best_vs_all')) s(strategy),
LATERAL ids_check(format($t$
  SELECT p.n, c.n || '>' || r.n || ':' || b.margin, pg_typeof(b.chosen)::text
  FROM pref.binarize('SELECT p.%%1$s, r.%%1$s, score FROM ids_ratings JOIN ids_k p ON p.n = prompt JOIN ids_k r ON r.n = response'
                     %%2$s, strategy => %L, seed => 3) b
  JOIN ids_k p ON p.%%1$s = b.prompt_id JOIN ids_k c ON c.%%1$s = b.chosen JOIN ids_k r ON r.%%1$s = b.rejected
$t$, s.strategy)) c;
-- best_vs_random draws per (seed, prompt id): integer ids draw as before
-- (the same draws for the same values, whatever the integer type), other
-- ids from a hash of their text form; either way the draw does not depend
-- on the row order or on the other prompts
WITH base AS (SELECT array_agg(b::text ORDER BY b::text) AS a
              FROM pref.binarize('SELECT prompt, response, score FROM ids_ratings', seed => 3) b)
SELECT (SELECT array_agg(b::text ORDER BY b::text) FROM pref.binarize(
          'SELECT prompt::bigint, response::bigint, score FROM ids_ratings', id_type => NULL::bigint, seed => 3) b) = a AS bigint_same,
       (SELECT array_agg(b::text ORDER BY b::text) FROM pref.binarize(
          'SELECT prompt, response, score FROM ids_ratings', id_type => NULL::integer, seed => 3) b) = a AS integer_same,
       (SELECT array_agg(b::text ORDER BY b::text) FROM pref.binarize(
          'SELECT prompt::smallint, response::smallint, score FROM ids_ratings', id_type => NULL::smallint, seed => 3) b) = a AS smallint_same
FROM base;
SELECT (SELECT array_agg(b ORDER BY b) FROM pref.binarize(
          'SELECT p.tx, r.tx, score FROM ids_ratings JOIN ids_k p ON p.n = prompt JOIN ids_k r ON r.n = response ORDER BY response',
          id_type => NULL::text, seed => 11) b)
     = (SELECT array_agg(b ORDER BY b) FROM pref.binarize(
          'SELECT p.tx, r.tx, score FROM ids_ratings JOIN ids_k p ON p.n = prompt JOIN ids_k r ON r.n = response ORDER BY response DESC',
          id_type => NULL::text, seed => 11) b) AS same_for_any_row_order,
       (SELECT array_agg(b ORDER BY b) FROM pref.binarize(
          'SELECT p.tx, r.tx, score FROM ids_ratings JOIN ids_k p ON p.n = prompt JOIN ids_k r ON r.n = response WHERE prompt <> 1',
          id_type => NULL::text, seed => 11) b)
     = (SELECT array_agg(b ORDER BY b) FROM pref.binarize(
          'SELECT p.tx, r.tx, score FROM ids_ratings JOIN ids_k p ON p.n = prompt JOIN ids_k r ON r.n = response',
          id_type => NULL::text, seed => 11) b WHERE b.prompt_id <> 'A') AS same_without_another_prompt;
-- the ids of prompt and response come back in the id type
SELECT pg_typeof(prompt_id), pg_typeof(chosen), pg_typeof(rejected), count(*)
FROM pref.binarize('SELECT p.u, r.u, score FROM ids_ratings JOIN ids_k p ON p.n = prompt JOIN ids_k r ON r.n = response',
                   id_type => NULL::uuid, strategy => 'all_pairs') GROUP BY 1, 2, 3;

-- ids_labels: items 1-6, three annotators, a tie on item 3
CREATE TABLE ids_labels (item int, annotator text, label text);
INSERT INTO ids_labels VALUES
  (1, 'ann', 'good'), (1, 'bob', 'good'), (1, 'cy', 'bad'),
  (2, 'ann', 'bad'), (2, 'bob', 'bad'), (2, 'cy', 'bad'),
  (3, 'ann', 'good'), (3, 'bob', 'bad'),
  (4, 'ann', 'good'), (4, 'bob', 'good'), (4, 'cy', 'good'),
  (5, 'ann', 'bad'), (5, 'cy', 'good'), (5, 'bob', 'bad'),
  (6, 'bob', 'good'), (6, 'cy', 'bad'), (6, 'ann', 'good');
SELECT t.ties, c.* FROM (VALUES ('null'), ('lowest'), ('drop')) t(ties),
LATERAL ids_check(format($t$
  SELECT ids_k.n, coalesce(m.label, '-') || ':' || m.votes || '/' || m.total || ':' || m.tied, pg_typeof(m.item_id)::text
  FROM pref.majority_vote('SELECT ids_k.%%1$s, annotator, label FROM ids_labels JOIN ids_k ON ids_k.n = item' %%2$s, ties => %L) m
  JOIN ids_k ON ids_k.%%1$s = m.item_id
$t$, t.ties)) c;
SET client_min_messages = warning;
SELECT * FROM ids_check($t$
  SELECT ids_k.n, d.label || ':' || round(d.probability::numeric, 9) || ':' || d.iterations, pg_typeof(d.item_id)::text
  FROM pref.dawid_skene('SELECT ids_k.%1$s, annotator, label FROM ids_labels JOIN ids_k ON ids_k.n = item ORDER BY item, annotator' %2$s) d
  JOIN ids_k ON ids_k.%1$s = d.item_id
$t$);
-- dawid_skene_annotators returns no ids: its one signature takes item ids of any type
SELECT t.col, count(*) AS annotators,
       bool_and(round(a.accuracy::numeric, 9) = round(b.accuracy::numeric, 9)) AS same_accuracy
FROM (VALUES ('i8'), ('i4'), ('tx'), ('u')) t(col),
LATERAL pref.dawid_skene_annotators(format('SELECT ids_k.%s, annotator, label FROM ids_labels JOIN ids_k ON ids_k.n = item ORDER BY item, annotator', t.col)) a
JOIN pref.dawid_skene_annotators('SELECT item, annotator, label FROM ids_labels ORDER BY item, annotator') b USING (annotator)
GROUP BY t.col ORDER BY t.col;
RESET client_min_messages;

-- ---- errors and edge cases ------------------------------------------------

-- the bigint signature names the fix
SELECT * FROM pref.pareto_front('SELECT tx, emb FROM ids_pts JOIN ids_k USING (n)');
SELECT * FROM pref.select_subset('SELECT u, emb FROM ids_pts JOIN ids_k USING (n)', 2);
SELECT * FROM pref.binarize('SELECT 1, ''r1''::text, 1.0');
SELECT * FROM pref.majority_vote('SELECT ''i''::text, ''a'', ''l''');
-- the query's ids must have the type of id_type
SELECT * FROM pref.pareto_front('SELECT i4, emb FROM ids_pts JOIN ids_k USING (n)', id_type => NULL::bigint);
SELECT * FROM pref.knn_shapley('SELECT tx::varchar, emb, 1 FROM ids_pts JOIN ids_k USING (n)', 'SELECT * FROM ids_valid', id_type => NULL::text);
SELECT * FROM pref.binarize('SELECT 1::bigint, 2, 1.0', id_type => NULL::bigint);
-- an id type without a btree order, and an untyped NULL
SELECT * FROM pref.pareto_front('SELECT point(n, n), emb FROM ids_pts', id_type => NULL::point);
SELECT * FROM pref.pareto_front('SELECT tx, emb FROM ids_pts JOIN ids_k USING (n)', id_type => NULL);
-- repeated ids are named in their type, as before for integers
SELECT * FROM pref.select_subset($$SELECT * FROM (VALUES ('b', '{1,0}'::real[]), ('a', '{0,1}'), ('b', '{1,1}')) v$$, 2, id_type => NULL::text);
SELECT * FROM pref.knn_shapley($$SELECT * FROM (VALUES ('b', '{1,0}'::real[], 0), ('b', '{0,1}', 1)) v$$, 'SELECT * FROM ids_valid', id_type => NULL::text, k => 1);
SELECT * FROM pref.binarize($$SELECT * FROM (VALUES ('p', 'r', 1.0), ('p', 'r', 2.0)) v$$, id_type => NULL::text);
SELECT * FROM pref.majority_vote($$SELECT * FROM (VALUES ('00000000-0000-0000-0000-000000000001'::uuid, 'ann', 'x'),
  ('00000000-0000-0000-0000-000000000001', 'ann', 'y')) v$$, id_type => NULL::uuid);
-- initial ids of the id type that are not in the query
SELECT * FROM pref.select_subset('SELECT tx, emb FROM ids_pts JOIN ids_k USING (n)', 2, id_type => NULL::text, metric => 'l2', initial => ARRAY['zz']);
SELECT * FROM pref.select_subset('SELECT tx, emb FROM ids_pts JOIN ids_k USING (n)', 2, id_type => NULL::text, metric => 'l2', initial => ARRAY['a', 'a']);
-- NULL ids are skipped with a notice, as for integers (docs/conventions.md)
SELECT id, group_id FROM pref.near_duplicates($$SELECT * FROM (VALUES ('b', '{1,0}'::real[]), (NULL, '{1,0}'), ('a', '{1,0}')) v$$,
  id_type => NULL::text) ORDER BY id;
-- empty input: no rows
SELECT * FROM pref.pareto_front('SELECT tx, emb FROM ids_pts JOIN ids_k USING (n) WHERE false', id_type => NULL::text);
SELECT * FROM pref.dawid_skene('SELECT ''a''::text, ''x'', ''y'' WHERE false', id_type => NULL::text);
-- positional calls of the bigint signatures still resolve to them
SELECT pg_typeof(id) FROM pref.select_subset('SELECT n, emb FROM ids_pts', 1, 'k_center', 'l2');
SELECT pg_typeof(id) FROM pref.near_duplicates('SELECT n, emb FROM ids_pts', 0.99, 'l2') LIMIT 1;
SELECT pg_typeof(id) FROM pref.knn_shapley('SELECT n, emb, 1 FROM ids_pts', 'SELECT * FROM ids_valid', 3, 'l2') LIMIT 1;
SELECT pg_typeof(id) FROM pref.data_shapley('SELECT n, emb, 1 FROM ids_pts', 'SELECT * FROM ids_valid', 'loo', 'knn') LIMIT 1;
SELECT pg_typeof(item_id) FROM pref.dawid_skene('SELECT item, annotator, label FROM ids_labels', 50) LIMIT 1;
SELECT pg_typeof(prompt_id) FROM pref.binarize('SELECT prompt, response, score FROM ids_ratings', 'best_vs_worst', 0) LIMIT 1;

-- ---- vectors of any numeric array type ------------------------------------

-- numeric[] and integer arrays give the results of double precision[]
CREATE TABLE ids_vtypes (vt text, expr text);
INSERT INTO ids_vtypes VALUES ('double precision[]', 'emb::float8[]'), ('numeric[]', 'emb::numeric[]'),
  ('smallint[]', 'emb::smallint[]'), ('integer[]', 'emb::int[]'), ('bigint[]', 'emb::bigint[]');
SELECT v.vt,
  (SELECT array_agg(s.id || ':' || round(s.gain::numeric, 9) ORDER BY s.pick) FROM pref.select_subset(
     format('SELECT n, %s FROM ids_pts', v.expr), 5, metric => 'l2') s)
  = (SELECT array_agg(s.id || ':' || round(s.gain::numeric, 9) ORDER BY s.pick) FROM pref.select_subset(
     'SELECT n, emb FROM ids_pts', 5, metric => 'l2') s) AS select_subset_same,
  (SELECT array_agg(round(s.value::numeric, 12) ORDER BY s.id) FROM pref.knn_shapley(
     format('SELECT n, %s, n %% 2 FROM ids_pts', v.expr), format('SELECT features::%s, label FROM ids_valid', v.vt), 3) s)
  = (SELECT array_agg(round(s.value::numeric, 12) ORDER BY s.id) FROM pref.knn_shapley(
     'SELECT n, emb::float8[], n % 2 FROM ids_pts', format('SELECT features::%s::float8[], label FROM ids_valid', v.vt), 3) s)
    AS knn_shapley_same,
  (SELECT array_agg(s.front ORDER BY s.id) FROM pref.pareto_front(format('SELECT n, %s FROM ids_pts', v.expr)) s)
  = (SELECT array_agg(s.front ORDER BY s.id) FROM pref.pareto_front('SELECT n, emb FROM ids_pts') s) AS pareto_same,
  (SELECT array_agg(b ORDER BY b) FROM pref.binarize(
     format('SELECT prompt, response, ARRAY[score, response]::%s FROM ids_ratings', v.vt), 'all_pairs', weights => '{1, 0.5}') b)
  = (SELECT array_agg(b ORDER BY b) FROM pref.binarize(
     'SELECT prompt, response, ARRAY[score, response]::float8[] FROM ids_ratings', 'all_pairs', weights => '{1, 0.5}') b) AS binarize_same
FROM ids_vtypes v ORDER BY v.vt;
-- decimals: numeric[] rounds once to double precision, as float8[] does
SELECT (SELECT array_agg(round(value::numeric, 12) ORDER BY id) FROM pref.knn_shapley(
          'SELECT n, ARRAY[emb[1] + 0.1, emb[2] - 0.3]::numeric[], n % 2 FROM ids_pts', 'SELECT features::numeric[], label FROM ids_valid', 3))
     = (SELECT array_agg(round(value::numeric, 12) ORDER BY id) FROM pref.knn_shapley(
          'SELECT n, ARRAY[emb[1] + 0.1, emb[2] - 0.3]::float8[], n % 2 FROM ids_pts', 'SELECT features::float8[], label FROM ids_valid', 3))
       AS numeric_as_float8;
-- what is still refused: text[], NaN and NULL elements
SELECT * FROM pref.pareto_front('SELECT n, emb::text[] FROM ids_pts');
SELECT * FROM pref.pareto_front($$SELECT 1, '{1, NaN}'::numeric[]$$);
SELECT * FROM pref.pareto_front($$SELECT 1, '{1, NULL}'::int[]$$);

DROP FUNCTION ids_check(text), ids_collect(text);
DROP TABLE ids_k, ids_pts, ids_valid, ids_vpairs, ids_ratings, ids_labels, ids_vtypes;
