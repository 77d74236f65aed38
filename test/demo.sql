-- pgpref demo: a small built-in data set, real output.
\set ON_ERROR_STOP on
\pset footer off
CREATE EXTENSION pgpref;
SET search_path = public, pref;

\echo
\echo '### Build'
SELECT extension_version, blas_library, blas_core, blas_parallel, blas_threads FROM pref.build_info();

\echo '### Preference pairs: model-vs-model judgements (first shown > / < / = second)'
CREATE TABLE battles (id serial PRIMARY KEY, judge text, p pref.pair);
INSERT INTO battles (judge, p) VALUES
  ('human',  '1>2'), ('human', '1>3'), ('human', '2<3'), ('human', '4<1'),
  ('llm',    '2>4'), ('llm',   '3=4'), ('llm',   '1>4*0.5'), ('llm', '2>1'),
  ('human',  '3>4'), ('human', '1=3'), ('llm',   '4<2'), ('human', '3>2*2');
SELECT id, judge, p, pref.first(p) AS first, pref.second(p) AS second,
       pref.chosen(p) AS chosen, pref.rejected(p) AS rejected,
       pref.is_tie(p) AS tie, pref.weight(p) AS weight
FROM battles ORDER BY id;

\echo '### Position bias: how often does the first-shown model win, per judge?'
SELECT judge, count(*) FILTER (WHERE pref.outcome(p) = '>') AS first_wins,
       count(*) FILTER (WHERE pref.outcome(p) = '<') AS second_wins,
       count(*) FILTER (WHERE pref.is_tie(p)) AS ties
FROM battles GROUP BY judge ORDER BY judge;

\echo '### Win counts per model (ties excluded), ignoring presentation order'
SELECT m AS model,
       count(*) FILTER (WHERE pref.chosen(p) = m) AS wins,
       count(*) FILTER (WHERE pref.rejected(p) = m) AS losses,
       count(*) FILTER (WHERE pref.is_tie(p)) AS ties
FROM battles, LATERAL (VALUES (pref.first(p)), (pref.second(p))) v(m)
GROUP BY m ORDER BY wins DESC, m;

\echo '### Duplicate judgements regardless of presentation order (operator ~=)'
SELECT a.id, a.p, b.id AS same_as_id, b.p AS same_as
FROM battles a JOIN battles b ON a.id < b.id AND a.p ~= b.p ORDER BY a.id;

\echo '### Rankings of four responses by annotators, and the pairs they imply'
CREATE TABLE rankings (annotator text, r pref.ranking);
INSERT INTO rankings VALUES ('ann', '3>1=4>2'), ('bob', pref.ranking(ARRAY[1, 3, 4, 2]::bigint[])),
  ('cyd', pref.ranking(ARRAY[1, 2, 3, 4]::bigint[], ARRAY[0.9, 0.1, 0.9, 0.4]));
SELECT annotator, r, pref.ranking_size(r) AS items,
       (SELECT count(*) FROM pref.pairs(r)) AS implied_pairs FROM rankings ORDER BY annotator;
SELECT annotator, p FROM rankings, pref.pairs(r) p WHERE annotator = 'ann';

\echo '### Bad input is rejected with a clear error'
\set ON_ERROR_STOP off
SELECT '17>17'::pref.pair;
SELECT '3>1=3'::pref.ranking;
\set ON_ERROR_STOP on
