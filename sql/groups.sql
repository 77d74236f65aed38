-- Group comparisons (pref.bt_compare, pref.report_compare), the reward-model
-- report (pref.reward_report) and rejection sampling (pref.rejection_sample,
-- pref.rso_pairs, pref.reward_augmented_pairs).  References: test/ref/groups_ref.py.
\set ECHO none
\set QUIET 1
\i test/ref/groups_fixture.sql
\set QUIET 0
\set ECHO all
SET extra_float_digits = 0;
SET client_min_messages = notice;

-- ---- bt_compare against scipy (ratings 1e-6, standard errors 1e-5 relative, p 1e-6)
CREATE TABLE cmp_models AS
  SELECT grp, pref.bradley_terry(pref.tally(winner, loser)) AS m FROM cmp_rows GROUP BY grp;
SELECT coalesce(r.anchor, 'centred') AS anchor, count(*) AS items,
       max(abs(c.rating_a - r.rating_a)) < 1e-6 AND max(abs(c.rating_b - r.rating_b)) < 1e-6 AS ratings,
       max(abs(c.difference - r.difference)) < 1e-6 AS difference,
       max(abs(c.std_error - r.std_error) / nullif(r.std_error, 0)) < 1e-5 AS std_error,
       max(abs(c.z - r.z)) < 1e-4 AS z,
       max(abs(c.p_value - r.p_value)) < 1e-6 AS p,
       max(abs(c.p_holm - r.p_holm)) < 1e-6 AS holm,
       max(abs(c.p_bh - r.p_bh)) < 1e-6 AS bh,
       bool_and((c.z IS NULL) = (r.z IS NULL)) AS nulls_match
FROM (SELECT NULL::text AS anchor UNION ALL SELECT '3') a
CROSS JOIN LATERAL pref.bt_compare((SELECT m FROM cmp_models WHERE grp = 1), (SELECT m FROM cmp_models WHERE grp = 2),
                                   'logit', a.anchor) c
JOIN cmp_ref r ON r.item = c.item AND r.anchor IS NOT DISTINCT FROM a.anchor
GROUP BY r.anchor ORDER BY 1;
-- elo scale: differences scale by 400 / ln 10; z and p do not change
SELECT bool_and(abs(e.difference - l.difference * 400 / ln(10)) < 1e-9) AS elo_scaled,
       bool_and(abs(e.z - l.z) < 1e-12) AS same_z,
       bool_and(abs(e.rating_a - (1000 + l.rating_a * 400 / ln(10))) < 1e-9) AS elo_ratings
FROM pref.bt_compare((SELECT m FROM cmp_models WHERE grp = 1), (SELECT m FROM cmp_models WHERE grp = 2)) e
JOIN pref.bt_compare((SELECT m FROM cmp_models WHERE grp = 1), (SELECT m FROM cmp_models WHERE grp = 2), 'logit') l USING (item);
-- the interval is difference +- z_level * std_error
SELECT bool_and(abs(upper - difference - 1.959963984540054 * std_error) < 1e-9) AS interval_95
FROM pref.bt_compare((SELECT m FROM cmp_models WHERE grp = 1), (SELECT m FROM cmp_models WHERE grp = 2));
SELECT round(max(abs(difference - lower - 2.5758293035489 * std_error))::numeric, 9) AS interval_99_error
FROM pref.bt_compare((SELECT m FROM cmp_models WHERE grp = 1), (SELECT m FROM cmp_models WHERE grp = 2), level => 0.99);
-- a model against itself: differences 0, p 1
SELECT bool_and(difference = 0) AS zero, bool_and(abs(p_value - 1) < 1e-12) AS p_one
FROM pref.bt_compare((SELECT m FROM cmp_models WHERE grp = 1), (SELECT m FROM cmp_models WHERE grp = 1), 'logit');
-- text-keyed models compare by item name too
SELECT item, round(difference::numeric, 6) AS difference
FROM pref.bt_compare((SELECT pref.bt_fit(winner::text, loser::text) FROM cmp_rows WHERE grp = 1),
                     (SELECT pref.bt_fit(winner::text, loser::text) FROM cmp_rows WHERE grp = 2), 'logit')
ORDER BY item;
-- NULL models (fits over no rows): no rows
SELECT count(*) FROM pref.bt_compare(NULL, (SELECT m FROM cmp_models WHERE grp = 1));
SELECT count(*) FROM pref.bt_compare((SELECT m FROM cmp_models WHERE grp = 1), NULL);
-- errors
SELECT * FROM pref.bt_compare((SELECT m FROM cmp_models WHERE grp = 1), (SELECT m FROM cmp_models WHERE grp = 2), 'percent');
SELECT * FROM pref.bt_compare((SELECT m FROM cmp_models WHERE grp = 1), (SELECT m FROM cmp_models WHERE grp = 2), se => 'jackknife');
SELECT * FROM pref.bt_compare((SELECT m FROM cmp_models WHERE grp = 1), (SELECT m FROM cmp_models WHERE grp = 2), level => 1);
SELECT * FROM pref.bt_compare((SELECT m FROM cmp_models WHERE grp = 1), (SELECT m FROM cmp_models WHERE grp = 2), level => NULL);
SELECT * FROM pref.bt_compare((SELECT m FROM cmp_models WHERE grp = 1), (SELECT m FROM cmp_models WHERE grp = 2), anchor => '6');
SELECT * FROM pref.bt_compare((SELECT m FROM cmp_models WHERE grp = 1), (SELECT m FROM cmp_models WHERE grp = 2), anchor => 'x');
SELECT * FROM pref.bt_compare((SELECT m FROM cmp_models WHERE grp = 1), (SELECT pref.bt_fit(w, l) FROM (VALUES (1, 9), (9, 1)) v(w, l)));
-- ---- family-wise error under a simulated null: 1,000 seeded replicates of two
-- groups with the same strengths (5 items, ~160 comparisons each).  Per test
-- the rejection rate at 0.05 is within 99.9% binomial bounds of 0.05 (5,000
-- tests: 199..301), and the family-wise rate of Holm and of BH (under the
-- complete null BH controls it too) is at most the 99.9% upper bound (72 of
-- 1,000); unadjusted, the family-wise rate is far above it.
SELECT setseed(0.25);
CREATE TEMP TABLE sim_rows AS
SELECT rep, grp, i, j, CASE WHEN random() < 1 / (1 + exp(-(s[i] - s[j]))) THEN i ELSE j END AS winner
FROM (SELECT rep, grp, 1 + floor(random() * 5)::int AS i, 1 + floor(random() * 5)::int AS j,
             ARRAY[0.6, 0.3, 0.0, -0.3, -0.6] AS s
      FROM generate_series(1, 1000) rep, generate_series(1, 2) grp, generate_series(1, 200) k) x
WHERE i <> j;
CREATE TEMP TABLE sim_models AS
SELECT rep, grp, pref.bt_fit(winner, CASE WHEN winner = i THEN j ELSE i END) AS m FROM sim_rows GROUP BY rep, grp;
CREATE TEMP TABLE sim_p AS
SELECT a.rep, c.* FROM sim_models a JOIN sim_models b ON b.rep = a.rep AND a.grp = 1 AND b.grp = 2,
  LATERAL pref.bt_compare(a.m, b.m, 'logit') c;
SELECT count(*) AS tests, sum((p_value < 0.05)::int) BETWEEN 199 AND 301 AS per_test_rate_ok FROM sim_p;
SELECT count(*) AS replicates, sum(any_holm::int) <= 72 AS holm_fwer_ok, sum(any_bh::int) <= 72 AS bh_fwer_ok,
       sum(any_raw::int) > 72 AS unadjusted_exceeds
FROM (SELECT rep, bool_or(p_holm < 0.05) AS any_holm, bool_or(p_bh < 0.05) AS any_bh,
             bool_or(p_value < 0.05) AS any_raw FROM sim_p GROUP BY rep) r;
