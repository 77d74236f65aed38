-- pref.bt_bootstrap(resample => 'poisson' | 'multinomial'): the Poisson bootstrap
-- against an independent numpy Poisson bootstrap of all battles, and against the
-- multinomial bootstrap (the two agree within Monte-Carlo error); reproducibility
-- per seed; per-cell draws (a cell's replicates do not depend on other cells).
CREATE SCHEMA bt_resample;
SET search_path = bt_resample, public;
\set QUIET on
\i test/ref/bt_fixture.sql
\i test/ref/bt_poisson_fixture.sql
\set QUIET off
CREATE TABLE tb AS SELECT pref.tally(first, second, outcome) AS t FROM bt_rows;
CREATE TABLE boot AS
SELECT 'poisson' AS resample, 'none' AS ties, b.* FROM tb, pref.bt_bootstrap(t, rounds => 4000, seed => 1, ties => 'none', resample => 'poisson') b
UNION ALL
SELECT 'poisson', 'half', b.* FROM tb, pref.bt_bootstrap(t, rounds => 4000, seed => 2, ties => 'half', resample => 'poisson') b
UNION ALL
SELECT 'multinomial', 'half', b.* FROM tb, pref.bt_bootstrap(t, rounds => 4000, seed => 3, ties => 'half', resample => 'multinomial') b;
-- against numpy (4000 rounds, another random stream): standard errors within 10 %,
-- interval ends within 0.25 standard errors (Monte-Carlo noise of both sides:
-- about 1.6 % on a standard error, 0.05 SE on a 2.5 % quantile)
SELECT b.resample, b.ties, count(*) AS items,
       bool_and(abs(b.std_error / r.se - 1) < 0.10) AS se_ok,
       bool_and(abs(b.lower - r.lower) < 0.25 * r.se AND abs(b.upper - r.upper) < 0.25 * r.se) AS interval_ok,
       min(b.rounds) AS rounds
FROM boot b JOIN bt_poisson_ref r ON r.item = b.item::int AND r.resample = b.resample AND r.ties = b.ties
GROUP BY 1, 2 ORDER BY 1, 2;
-- Poisson and multinomial intervals agree within Monte-Carlo error (ties => 'half', 4000 rounds each)
SELECT bool_and(abs(p.std_error / m.std_error - 1) < 0.10) AS se_agree,
       bool_and(abs(p.lower - m.lower) < 0.25 * m.std_error AND abs(p.upper - m.upper) < 0.25 * m.std_error) AS intervals_agree,
       bool_and(p.rating = m.rating) AS same_point_rating
FROM boot p JOIN boot m USING (item, ties) WHERE p.resample = 'poisson' AND m.resample = 'multinomial';
-- reproducible for a seed, different for another seed
SELECT (SELECT array_agg(std_error ORDER BY item) FROM tb, pref.bt_bootstrap(t, 200, 5, ties => 'none', resample => 'poisson'))
     = (SELECT array_agg(std_error ORDER BY item) FROM tb, pref.bt_bootstrap(t, 200, 5, ties => 'none', resample => 'poisson')) AS same_seed_same,
       (SELECT array_agg(std_error ORDER BY item) FROM tb, pref.bt_bootstrap(t, 200, 5, ties => 'none', resample => 'poisson'))
     <> (SELECT array_agg(std_error ORDER BY item) FROM tb, pref.bt_bootstrap(t, 200, 6, ties => 'none', resample => 'poisson')) AS other_seed_differs,
       (SELECT array_agg(std_error ORDER BY item) FROM tb, pref.bt_bootstrap(t, 200, 5, ties => 'none', resample => 'poisson'))
     <> (SELECT array_agg(std_error ORDER BY item) FROM tb, pref.bt_bootstrap(t, 200, 5, ties => 'none')) AS differs_from_multinomial;
-- the default is the multinomial bootstrap; positional calls of the 0.1.0 signature still work
SELECT (SELECT array_agg(std_error ORDER BY item) FROM tb, pref.bt_bootstrap(t, 200, 5, 0.95, 0, 'none', 'elo', false))
     = (SELECT array_agg(std_error ORDER BY item) FROM tb, pref.bt_bootstrap(t, 200, 5, ties => 'none', resample => 'multinomial')) AS default_multinomial;
-- a tally merged from shard tallies gives the same bootstrap as the tally of
-- all rows (the per-cell property itself is tested in test/unit/bt_boot_test.c)
SELECT (SELECT array_agg(b.std_error ORDER BY item) FROM (SELECT pref.tally_merge(t ORDER BY k) t FROM
          (SELECT k, pref.tally(first, second, outcome) t FROM bt_rows, LATERAL (SELECT id % 3 AS k) s GROUP BY k) p) m,
          pref.bt_bootstrap(m.t, 300, 8, ties => 'half', resample => 'poisson') b)
     = (SELECT array_agg(b.std_error ORDER BY item) FROM tb, pref.bt_bootstrap(t, 300, 8, ties => 'half', resample => 'poisson') b) AS merged_shards_same;
-- other models, order effect and prior run through the Poisson path
SELECT count(*) AS items, bool_and(std_error > 0) AS positive_se, min(rounds) AS rounds
FROM tb, pref.bt_bootstrap(t, 100, 9, ties => 'davidson', order_effect => true, scale => 'logit', resample => 'poisson');
SELECT count(*) AS items, min(rounds) AS rounds FROM tb, pref.bt_bootstrap(t, 100, 9, prior => 0.1, ties => 'half', resample => 'poisson');
-- sparse data: replicates whose comparison graph falls apart are skipped (prior 0)
CREATE TABLE sparse AS SELECT pref.tally(w::bigint, l::bigint) AS t FROM (VALUES (1, 2), (2, 3), (3, 1), (1, 3), (2, 1), (3, 2)) v(w, l);
SELECT count(*) AS items, min(rounds) < 400 AS some_skipped, min(rounds) >= 2 AS enough
FROM sparse, pref.bt_bootstrap(t, 400, 1, ties => 'none', resample => 'poisson');
-- errors and NULLs
SELECT * FROM tb, pref.bt_bootstrap(t, 10, resample => 'jackknife');
SELECT count(*) FROM tb, pref.bt_bootstrap(t, 10, resample => NULL);
SELECT count(*) FROM pref.bt_bootstrap(NULL::pref.tally, resample => 'poisson');
RESET search_path;
DROP SCHEMA bt_resample CASCADE;
