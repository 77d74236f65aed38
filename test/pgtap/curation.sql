-- pgTAP: curation module against independent references (closed forms and
-- brute force written here in plain SQL), with stated tolerances
BEGIN;
SELECT plan(22);

-- Cohen's kappa against (po - pe) / (1 - pe) computed in SQL, 3 categories
CREATE TEMP TABLE ck AS SELECT g, 'c' || (g % 3) AS a, 'c' || ((g * g) % 3) AS b FROM generate_series(1, 301) g;
SELECT ok(abs(pref.cohen_kappa(a, b) - (
  WITH n AS (SELECT count(*)::float8 AS n FROM ck),
       po AS (SELECT avg((a = b)::int) AS po FROM ck),
       pe AS (SELECT sum(ra.c * rb.c) / (SELECT n^2 FROM n) AS pe
              FROM (SELECT a AS k, count(*) AS c FROM ck GROUP BY a) ra JOIN (SELECT b AS k, count(*) AS c FROM ck GROUP BY b) rb USING (k))
  SELECT (po - pe) / (1 - pe) FROM po, pe)) < 1e-12, 'cohen_kappa equals the closed form (1e-12)')
FROM ck;
SELECT is(pref.cohen_kappa(a, a), 1::float8, 'perfect agreement gives kappa 1') FROM ck;
SELECT is(pref.cohen_kappa(a, b), NULL, 'empty input gives NULL') FROM ck WHERE false;

-- Fleiss' kappa with a constant number of raters against the textbook formula in SQL
CREATE TEMP TABLE fk AS SELECT u, 'k' || ((u * r * 7 + r) % 3) AS label FROM generate_series(1, 40) u, generate_series(1, 5) r;
SELECT ok(abs(pref.fleiss_kappa(u, label) - (
  WITH c AS (SELECT u, label, count(*)::float8 AS n FROM fk GROUP BY u, label),
       pu AS (SELECT u, (sum(n * n) - 5) / (5 * 4) AS p FROM c GROUP BY u),
       pj AS (SELECT label, sum(n) / (40 * 5) AS p FROM c GROUP BY label)
  SELECT ((SELECT avg(p) FROM pu) - (SELECT sum(p * p) FROM pj)) / (1 - (SELECT sum(p * p) FROM pj)))) < 1e-12,
  'fleiss_kappa equals the textbook formula (1e-12)') FROM fk;

-- Krippendorff's alpha, interval, against the pairwise definition by brute force
CREATE TEMP TABLE ka AS SELECT u, r, ((u * 3 + r * r) % 7)::float8 AS v FROM generate_series(1, 25) u, generate_series(1, 3) r WHERE (u + r) % 5 <> 0;
SELECT ok(abs(pref.krippendorff_alpha_interval(u, v) - (
  WITH m AS (SELECT u, count(*) AS m FROM ka GROUP BY u HAVING count(*) > 1),
       x AS (SELECT ka.* FROM ka JOIN m USING (u)),
       n AS (SELECT count(*)::float8 AS n FROM x)
  SELECT 1 - ((SELECT n FROM n) - 1) *
    (SELECT sum((a.v - b.v)^2 / (m.m - 1)) FROM x a JOIN x b ON a.u = b.u AND a.r <> b.r JOIN m ON m.u = a.u) /
    (SELECT sum((a.v - b.v)^2) FROM x a, x b))) < 1e-12, 'krippendorff_alpha_interval equals the pairwise definition (1e-12)')
FROM ka;
SELECT ok(abs(pref.krippendorff_alpha(u, v::text) - (
  WITH m AS (SELECT u, count(*) AS m FROM ka GROUP BY u HAVING count(*) > 1),
       x AS (SELECT ka.* FROM ka JOIN m USING (u)),
       n AS (SELECT count(*)::float8 AS n FROM x)
  SELECT 1 - ((SELECT n FROM n) - 1) *
    (SELECT sum((a.v <> b.v)::int::float8 / (m.m - 1)) FROM x a JOIN x b ON a.u = b.u AND a.r <> b.r JOIN m ON m.u = a.u) /
    (SELECT sum((a.v <> b.v)::int) FROM x a, x b))) < 1e-12, 'krippendorff_alpha (nominal) equals the pairwise definition (1e-12)')
FROM ka;
SELECT is(pref.krippendorff_alpha(u, 'same'), NULL, 'no variation: alpha undefined, NULL') FROM generate_series(1, 4) u, generate_series(1, 2) r;

-- calibration against SQL binning
CREATE TEMP TABLE cp AS SELECT (g * 0.61803398875 - floor(g * 0.61803398875)) AS p, (g * 7) % 10 < 6 AS y FROM generate_series(1, 500) g;
SELECT ok(abs((pref.calibration(p, y)).brier - (SELECT avg((p - y::int)^2) FROM cp)) < 1e-12, 'Brier score (1e-12)') FROM cp;
SELECT ok(abs((pref.calibration(p, y)).log_loss - (SELECT avg(-CASE WHEN y THEN ln(p) ELSE ln(1 - p) END) FROM cp)) < 1e-12, 'log loss (1e-12)') FROM cp;
SELECT ok(abs((pref.calibration(p, y, 8)).ece - (
  SELECT sum(count(*) * abs(avg(p) - avg(y::int))) OVER () / 500 FROM cp GROUP BY least(floor(p * 8), 7) LIMIT 1)) < 1e-12,
  'ECE with 8 bins (1e-12)') FROM cp;
SELECT ok(abs((pref.calibration(p, y, 8)).mce - (
  SELECT max(abs(avg(p) - avg(y::int))) OVER () FROM cp GROUP BY least(floor(p * 8), 7) LIMIT 1)) < 1e-12,
  'MCE with 8 bins (1e-12)') FROM cp;
SELECT is((SELECT sum(count) FROM pref.reliability_bins('SELECT p, y FROM cp', 8)), 500::numeric, 'reliability bins cover every row');
SELECT ok(pref.calibration(p, y) IS NULL, 'no rows: NULL summary') FROM cp WHERE false;

-- binarize: all_pairs count equals the SQL self-join, best_vs_worst margins equal max - min
CREATE TEMP TABLE rr AS SELECT g / 5 AS prompt_id, g AS response_id, ((g * 37) % 11)::float8 AS score FROM generate_series(0, 199) g;
SELECT is((SELECT count(*) FROM pref.binarize('SELECT * FROM rr', 'all_pairs', 1.5)),
          (SELECT count(*) FROM rr a JOIN rr b ON a.prompt_id = b.prompt_id AND a.score - b.score > 1.5),
          'all_pairs equals the self-join');
SELECT is((SELECT sum(margin) FROM pref.binarize('SELECT * FROM rr', 'best_vs_worst')),
          (SELECT sum(mx - mn) FROM (SELECT max(score) AS mx, min(score) AS mn FROM rr GROUP BY prompt_id) s WHERE mx > mn),
          'best_vs_worst margins equal max - min per prompt');
SELECT ok((SELECT bool_and(b.margin = r2.mx - r.score)
           FROM pref.binarize('SELECT * FROM rr', 'best_vs_random', 0, 9) b
           JOIN rr r ON r.response_id = b.rejected
           JOIN (SELECT prompt_id, max(score) AS mx FROM rr GROUP BY 1) r2 ON r2.prompt_id = b.prompt_id),
          'best_vs_random: chosen is the best, margin is best minus rejected');
SELECT throws_ok($$SELECT * FROM pref.binarize('SELECT 1, 2, 3', 'nope')$$, '22023', 'invalid value for argument strategy: "nope"', 'unknown strategy');
SELECT throws_ok($$SELECT * FROM pref.binarize('SELECT 1, 2')$$, '42804', NULL, 'wrong columns');

-- Dawid-Skene with perfect annotators reproduces the labels with posterior near 1
CREATE TEMP TABLE dl AS SELECT i AS item_id, 'a' || a AS annotator, CASE WHEN i % 2 = 0 THEN 'x' ELSE 'y' END AS label
  FROM generate_series(1, 30) i, generate_series(1, 3) a;
SELECT ok((SELECT bool_and(label = CASE WHEN item_id % 2 = 0 THEN 'x' ELSE 'y' END AND probability > 0.999)
           FROM pref.dawid_skene('SELECT * FROM dl')), 'perfect annotators: labels recovered, posterior > 0.999');
SELECT ok((SELECT bool_and(accuracy > 0.99 AND converged) FROM pref.dawid_skene_annotators('SELECT * FROM dl')),
          'perfect annotators: accuracy > 0.99, converged');
SELECT throws_ok($$CALL pref.run_job('no such job')$$, '42704', 'curation job "no such job" does not exist', 'unknown job');
SELECT throws_ok($$SELECT pref.define_job('j', 'nope')$$, '22023', 'invalid value for argument kind: unknown job kind "nope"', 'unknown job kind');

SELECT * FROM finish();
ROLLBACK;
