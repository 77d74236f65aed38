-- Agreement aggregates against textbook worked examples (exact fractions in
-- test/ref/curation_ref.py), NULL handling, and a forced-parallel plan
\set ECHO none
\i test/ref/curation_fixtures.sql
\set ECHO all
SET extra_float_digits = 0;

-- Cohen (Wikipedia): 20 yes/yes, 5 yes/no, 10 no/yes, 15 no/no -> 2/5
CREATE TABLE two_raters (item int, a text, b text);
INSERT INTO two_raters SELECT g, CASE WHEN g <= 25 THEN 'yes' ELSE 'no' END,
  CASE WHEN g <= 20 OR g BETWEEN 26 AND 35 THEN 'yes' ELSE 'no' END FROM generate_series(1, 50) g;
SELECT round(pref.cohen_kappa(a, b)::numeric, 12) AS kappa, e.exact,
       abs(pref.cohen_kappa(a, b) - e.value) < 1e-12 AS matches
FROM two_raters, ref_agree_expected e WHERE e.statistic = 'cohen' GROUP BY e.exact, e.value;
-- Fleiss (Wikipedia): 10 subjects, 14 raters -> 4211/20059 = 0.210
SELECT round(pref.fleiss_kappa(unit, label)::numeric, 12) AS kappa, e.exact,
       abs(pref.fleiss_kappa(unit, label) - e.value) < 1e-12 AS matches
FROM ref_fleiss, ref_agree_expected e WHERE e.statistic = 'fleiss' GROUP BY e.exact, e.value;
-- Krippendorff (2011): 4 coders, 12 units, missing values -> nominal 0.743, interval 0.849
SELECT round(pref.krippendorff_alpha(unit, value::text)::numeric, 12) AS alpha_nominal,
       (SELECT exact FROM ref_agree_expected WHERE statistic = 'krippendorff_nominal') AS exact_nominal,
       abs(pref.krippendorff_alpha(unit, value::text) -
           (SELECT value FROM ref_agree_expected WHERE statistic = 'krippendorff_nominal')) < 1e-12 AS nominal_matches,
       round(pref.krippendorff_alpha_interval(unit, value)::numeric, 12) AS alpha_interval,
       (SELECT exact FROM ref_agree_expected WHERE statistic = 'krippendorff_interval') AS exact_interval,
       abs(pref.krippendorff_alpha_interval(unit, value) -
           (SELECT value FROM ref_agree_expected WHERE statistic = 'krippendorff_interval')) < 1e-12 AS interval_matches
FROM ref_kripp;
-- the published three-decimal figures
SELECT round(pref.krippendorff_alpha(unit, value::text)::numeric, 3) AS nominal,
       round(pref.krippendorff_alpha_interval(unit, value)::numeric, 3) AS interval FROM ref_kripp;

-- brute force on random small sets: Krippendorff nominal from the coincidence
-- matrix in plain SQL, Fleiss with constant raters equals kappa from the formula
CREATE TABLE rnd AS SELECT (g % 30) AS unit, 'k' || ((g * 7919) % 4) AS label, (g * 7919 % 5)::float8 AS v
  FROM generate_series(1, 200) g WHERE (g * 31) % 7 <> 0;
WITH m AS (SELECT unit, count(*) AS mu FROM rnd GROUP BY unit HAVING count(*) > 1),
     pairs AS (SELECT x.label AS c, y.label AS k, 1.0 / (m.mu - 1) AS w, x.v AS xv, y.v AS yv
               FROM rnd x JOIN rnd y ON x.unit = y.unit AND x.ctid <> y.ctid JOIN m ON m.unit = x.unit),
     nc AS (SELECT c, sum(w) AS n FROM pairs GROUP BY c),
     tot AS (SELECT sum(n) AS n FROM nc),
     vals AS (SELECT r.v FROM rnd r JOIN m USING (unit))
SELECT abs(1 - ((SELECT n FROM tot) - 1) * (SELECT sum(w) FROM pairs WHERE c <> k)
         / ((SELECT n FROM tot)^2 - (SELECT sum(n^2) FROM nc))
         - (SELECT pref.krippendorff_alpha(unit, label) FROM rnd)) < 1e-12 AS nominal_brute_force,
       abs(1 - ((SELECT n FROM tot) - 1) * (SELECT sum(w * (xv - yv)^2) FROM pairs)
         / (SELECT sum((a.v - b.v)^2) FROM vals a, vals b)
         - (SELECT pref.krippendorff_alpha_interval(unit, v) FROM rnd)) < 1e-12 AS interval_brute_force;

-- per group, NULL rows skipped, empty input NULL, undefined NULL
SELECT unit % 2 AS grp, round(pref.fleiss_kappa(unit, label)::numeric, 6) AS fleiss,
       round(pref.krippendorff_alpha(unit, label)::numeric, 6) AS alpha
FROM ref_fleiss GROUP BY 1 ORDER BY 1;
SELECT pref.cohen_kappa(a, b) IS NULL AS empty_is_null FROM two_raters WHERE false;
SELECT round(pref.cohen_kappa(a, b)::numeric, 12) AS kappa_with_nulls
FROM (SELECT a, b FROM two_raters UNION ALL SELECT NULL, 'yes' UNION ALL SELECT 'no', NULL) s;
SELECT pref.cohen_kappa('x', 'x') AS one_category, pref.fleiss_kappa(1, 'x') AS one_rating,
       pref.krippendorff_alpha_interval(u, 3) AS no_variation FROM generate_series(1, 3) u;
SELECT pref.krippendorff_alpha_interval(1, 'NaN');
SELECT pref.krippendorff_alpha(1, repeat('x', 2000));

-- forced parallel: Partial Aggregate, same answers as serial (to 1e-12)
CREATE TABLE big_labels AS
  SELECT g / 5 AS unit, CASE WHEN (g * 2654435761) % 10 < 7 THEN 'k' || (g / 5) % 3 ELSE 'k' || g % 3 END AS label,
         ((g / 5) % 7 + (g % 3)) :: float8 AS v,
         'k' || (g % 3) AS a, CASE WHEN g % 4 = 0 THEN 'k' || ((g + 1) % 3) ELSE 'k' || (g % 3) END AS b
  FROM generate_series(1, 30000) g;
ALTER TABLE big_labels SET (parallel_workers = 2);
ANALYZE big_labels;
CREATE TABLE serial_answers AS
  SELECT pref.cohen_kappa(a, b) AS ck, pref.fleiss_kappa(unit, label) AS fk,
         pref.krippendorff_alpha(unit, label) AS ka, pref.krippendorff_alpha_interval(unit, v) AS ki FROM big_labels;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
SET parallel_leader_participation = off;
EXPLAIN (COSTS OFF) SELECT pref.cohen_kappa(a, b), pref.fleiss_kappa(unit, label),
  pref.krippendorff_alpha(unit, label), pref.krippendorff_alpha_interval(unit, v) FROM big_labels;
SELECT abs(p.ck - s.ck) < 1e-12 AS cohen, abs(p.fk - s.fk) < 1e-12 AS fleiss,
       abs(p.ka - s.ka) < 1e-12 AS alpha_nominal, abs(p.ki - s.ki) < 1e-12 AS alpha_interval,
       round(s.ck::numeric, 6) AS ck, round(s.fk::numeric, 6) AS fk, round(s.ka::numeric, 6) AS ka, round(s.ki::numeric, 6) AS ki
FROM (SELECT pref.cohen_kappa(a, b) AS ck, pref.fleiss_kappa(unit, label) AS fk,
             pref.krippendorff_alpha(unit, label) AS ka, pref.krippendorff_alpha_interval(unit, v) AS ki FROM big_labels) p,
     serial_answers s;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
RESET max_parallel_workers_per_gather;
RESET parallel_leader_participation;
-- too large for pgpref.max_memory: a clear error naming the setting
SET pgpref.max_memory = '1MB';
SELECT pref.fleiss_kappa(g / 3, 'x') FROM generate_series(1, 200000) g;
RESET pgpref.max_memory;
