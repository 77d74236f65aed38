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

-- ---- reward_report equals a direct SQL computation -------------------------------
-- per row: correct = 1 when chosen > rejected, 1/2 on a tie; accuracy =
-- sum(w * correct) / sum(w); effective n = sum(w)^2 / sum(w^2); Wilson
-- interval at 95%; quantiles = percentile_cont
CREATE FUNCTION wilson(p float8, n float8, z float8, OUT lo float8, OUT hi float8) LANGUAGE sql IMMUTABLE AS $$
  SELECT greatest(0, (p + z*z/(2*n)) / (1 + z*z/n) - z / (1 + z*z/n) * sqrt(p*(1-p)/n + z*z/(4*n*n))),
         least(1, (p + z*z/(2*n)) / (1 + z*z/n) + z / (1 + z*z/n) * sqrt(p*(1-p)/n + z*z/(4*n*n))) $$;
CREATE TABLE rr_direct AS
SELECT weighted, category, count(*) AS n, sum((chosen > rejected)::int) AS wins, sum((chosen = rejected)::int) AS ties,
       sum(w) AS weight, sum(w) ^ 2 / sum(w * w) AS effective_n,
       sum(w * CASE WHEN chosen > rejected THEN 1 WHEN chosen = rejected THEN 0.5 ELSE 0 END) / sum(w) AS accuracy,
       avg(chosen - rejected) AS mean_margin,
       percentile_cont(ARRAY[0.1, 0.25, 0.5, 0.75, 0.9]) WITHIN GROUP (ORDER BY chosen - rejected) AS q
FROM (SELECT *, false AS weighted, 1.0::float8 AS w FROM rr_rows UNION ALL SELECT *, true, weight FROM rr_rows) s
GROUP BY weighted, category;
CREATE TABLE rr_reports AS
SELECT false AS weighted, pref.reward_report(category, chosen, rejected) AS r FROM rr_rows
UNION ALL SELECT true, pref.reward_report(category, chosen, rejected, weight) FROM rr_rows;
SELECT d.weighted, count(*) AS categories,
       bool_and(c.n = d.n AND c.wins = d.wins AND c.ties = d.ties) AS counts,
       max(abs(c.weight - d.weight)) < 1e-9 AS weight,
       max(abs(c.effective_n - d.effective_n)) < 1e-9 AS effective_n,
       max(abs(c.accuracy - d.accuracy)) < 1e-12 AS accuracy,
       max(abs(c.lower - (wilson(d.accuracy, d.effective_n, 1.959963984540054)).lo)) < 1e-12 AS lower,
       max(abs(c.upper - (wilson(d.accuracy, d.effective_n, 1.959963984540054)).hi)) < 1e-12 AS upper,
       max(abs(c.mean_margin - d.mean_margin)) < 1e-12 AS mean_margin,
       bool_and(c.margin_quantiles = d.q) AS quantiles_exact
FROM rr_reports r CROSS JOIN LATERAL pref.report_categories(r.r) c
JOIN rr_direct d ON d.weighted = r.weighted AND d.category = c.category
GROUP BY d.weighted ORDER BY 1;
-- summary: pooled accuracy and interval, score = mean of category accuracies
-- (RewardBench) or weighted by category_weights, overall margin quantiles
SELECT r.weighted, s.categories, s.n,
       abs(s.accuracy - (SELECT sum(accuracy * weight) / sum(weight) FROM rr_direct d WHERE d.weighted = r.weighted)) < 1e-12 AS pooled,
       abs(s.score - (SELECT avg(accuracy) FROM rr_direct d WHERE d.weighted = r.weighted)) < 1e-12 AS macro_score,
       abs(w.score - (SELECT sum(accuracy * CASE category WHEN 'chat' THEN 1 WHEN 'safety' THEN 3 ELSE 0 END) / 4
                      FROM rr_direct d WHERE d.weighted = r.weighted)) < 1e-12 AS weighted_score,
       s.margin_quantiles = (SELECT percentile_cont(ARRAY[0.1, 0.25, 0.5, 0.75, 0.9]) WITHIN GROUP (ORDER BY chosen - rejected)
                             FROM rr_rows) AS quantiles_exact
FROM rr_reports r, pref.report_summary(r.r) s, pref.report_summary(r.r, '{"chat": 1, "safety": 3}') w ORDER BY 1;
SELECT round(accuracy::numeric, 6) AS accuracy, round(lower::numeric, 6) AS lower, round(upper::numeric, 6) AS upper,
       round(score::numeric, 6) AS score, margin_quantiles
FROM pref.report_summary((SELECT r FROM rr_reports WHERE NOT weighted), level => 0.9, quantiles => '{0, 0.5, 1}');
-- ---- report_compare against scipy (two-proportion z-tests, adjusted p)
SELECT x.weighted, x.against, count(*) AS tests,
       max(abs(c.accuracy - f.accuracy)) < 1e-12 AND max(abs(c.other_accuracy - f.other_accuracy)) < 1e-12 AS accuracies,
       max(abs(c.std_error - f.std_error)) < 1e-12 AS std_error,
       max(abs(c.z - f.z)) < 1e-9 AS z,
       max(abs(c.p_value - f.p_value)) < 1e-12 AS p,
       max(abs(c.p_holm - f.p_holm)) < 1e-12 AS holm,
       max(abs(c.p_bh - f.p_bh)) < 1e-12 AS bh
FROM (SELECT r.weighted, a.against, r.r FROM rr_reports r, (VALUES ('rest'), ('pairwise')) a(against)) x
CROSS JOIN LATERAL pref.report_compare(x.r, x.against) c
JOIN rr_ref f ON f.weighted = x.weighted AND f.category = c.category AND f.other IS NOT DISTINCT FROM c.other
GROUP BY 1, 2 ORDER BY 1, 2;
SELECT category, other, round(difference::numeric, 4) AS difference, round(z::numeric, 3) AS z, round(p_holm::numeric, 4) AS p_holm
FROM pref.report_compare((SELECT r FROM rr_reports WHERE NOT weighted), 'pairwise');
-- ---- the state: split and merged, text and binary round trips
CREATE TABLE rr_parts AS
SELECT category = 'chat' OR chosen > 0 AS part, pref.reward_report(category, chosen, rejected) AS r FROM rr_rows GROUP BY 1;
CREATE AGGREGATE rr_fold(pref.reward_report) (SFUNC = pref.reward_report_combine, STYPE = pref.reward_report);
SELECT count(*) AS categories,
       bool_and(m.n = w.n AND m.wins = w.wins AND m.ties = w.ties AND m.accuracy = w.accuracy
                AND m.lower = w.lower AND m.margin_quantiles = w.margin_quantiles) AS merged_equals_whole,
       max(abs(m.mean_margin - w.mean_margin)) < 1e-12 AS mean_margin
FROM pref.report_categories((SELECT rr_fold(r) FROM rr_parts)) m
JOIN pref.report_categories((SELECT r FROM rr_reports WHERE NOT weighted)) w USING (category);
SELECT bool_and(r::text = r::text::pref.reward_report::text) AS text_round_trip FROM rr_reports;
-- empty input and NULL rows
SELECT pref.reward_report(category, chosen, rejected) IS NULL AS empty_is_null FROM rr_rows WHERE false;
SELECT n FROM pref.report_categories((SELECT pref.reward_report(c, x, y)
  FROM (VALUES ('a', 1.0, 0.0), (NULL, 1, 0), ('a', NULL, 0), ('a', 2, NULL)) v(c, x, y)));
SELECT count(*) FROM pref.report_categories(NULL);
SELECT count(*) FROM pref.report_summary(NULL);
SELECT count(*) FROM pref.report_compare(NULL);
-- one category: nothing to compare against the rest
SELECT count(*) FROM pref.report_compare((SELECT pref.reward_report('a', 1, 0)));
-- weight 0 everywhere: accuracy NULL
SELECT accuracy, lower FROM pref.report_categories((SELECT pref.reward_report('a', 1, 0, 0)));
-- errors
SELECT pref.reward_report('a', 'NaN', 0);
SELECT pref.reward_report('a', 1, '-Infinity');
SELECT pref.reward_report('a', 1e308, -1e308);
SELECT pref.reward_report('a', 1, 0, -1);
SELECT * FROM pref.report_categories((SELECT r FROM rr_reports LIMIT 1), level => 0);
SELECT * FROM pref.report_categories((SELECT r FROM rr_reports LIMIT 1), quantiles => '{0.5, 2}');
SELECT * FROM pref.report_categories((SELECT r FROM rr_reports LIMIT 1), quantiles => NULL);
SELECT * FROM pref.report_summary((SELECT r FROM rr_reports LIMIT 1), '[1, 2]');
SELECT * FROM pref.report_summary((SELECT r FROM rr_reports LIMIT 1), '{"chat": "x"}');
SELECT * FROM pref.report_summary((SELECT r FROM rr_reports LIMIT 1), '{"chat": -1}');
SELECT * FROM pref.report_compare((SELECT r FROM rr_reports LIMIT 1), 'all');
SELECT 'garbage'::pref.reward_report;
SELECT 'v1:AQAAAAEAAAA='::pref.reward_report;
SELECT 'v1:AQAAAAAAAAA='::pref.reward_report;

-- ---- rejection sampling: first-round acceptance frequencies against
-- exp((r - r_max) / beta), chi-square over 4,000 seeded prompts with the same
-- six rewards (per_prompt = 6, so the first round is never cut short)
CREATE TABLE rso_cand AS
SELECT p AS prompt_id, k AS response_id, (ARRAY[2.0, 1.7, 1.2, 0.9, 0.4, -0.5])[k]::float8 AS reward
FROM generate_series(1, 4000) p, generate_series(1, 6) k;
CREATE TABLE rso_acc AS SELECT * FROM pref.rejection_sample('SELECT prompt_id, response_id, reward FROM rso_cand', 0.8, 6, 42);
SELECT count(*) = 24000 AS all_accepted_eventually,
       bool_and(round = 1) FILTER (WHERE response_id = 1) AS best_always_first_round
FROM rso_acc;
-- statistic: sum over the five responses below the max of (obs - n p)^2 / (n p (1 - p));
-- 5 degrees of freedom, 99.9% critical value 20.515
SELECT round(sum((obs - n * p) ^ 2 / (n * p * (1 - p)))::numeric, 2) < 20.515 AS chi_square_ok,
       sum((obs - n * p) ^ 2 / (n * p * (1 - p))) > 0 AS not_degenerate
FROM (SELECT response_id, count(*) FILTER (WHERE round = 1) AS obs, 4000 AS n,
             exp((min(reward) - 2.0) / 0.8) AS p
      FROM rso_acc WHERE response_id > 1 GROUP BY response_id) s;
-- the same statistic against the wrong beta rejects (the test can fail)
SELECT sum((obs - n * p) ^ 2 / (n * p * (1 - p))) > 20.515 AS wrong_beta_rejected
FROM (SELECT response_id, count(*) FILTER (WHERE round = 1) AS obs, 4000 AS n,
             exp((min(reward) - 2.0) / 1.0) AS p
      FROM rso_acc WHERE response_id > 1 GROUP BY response_id) s;
-- per_prompt = 2: two per prompt, in acceptance order, from the first rounds
SELECT count(*) AS rows, count(DISTINCT prompt_id) AS prompts, max(accepted) AS max_accepted
FROM pref.rejection_sample('SELECT prompt_id, response_id, reward FROM rso_cand', 0.8, 2, 42);
-- reproducible; a prompt's draws do not depend on the other prompts; the seed matters
SELECT (SELECT array_agg(r ORDER BY prompt_id, accepted) FROM pref.rejection_sample(
          'SELECT * FROM rso_cand WHERE prompt_id IN (7, 9)', 0.8, 3, 42) r)
     = (SELECT array_agg(r ORDER BY prompt_id, accepted) FROM pref.rejection_sample(
          'SELECT * FROM rso_cand', 0.8, 3, 42) r WHERE prompt_id IN (7, 9)) AS independent_of_other_prompts,
       (SELECT array_agg(response_id ORDER BY prompt_id, accepted) FROM pref.rejection_sample('SELECT * FROM rso_cand', 0.8, 3, 42))
    <> (SELECT array_agg(response_id ORDER BY prompt_id, accepted) FROM pref.rejection_sample('SELECT * FROM rso_cand', 0.8, 3, 43))
       AS seed_matters;
SELECT * FROM pref.rejection_sample('SELECT prompt_id, response_id, reward FROM rso_cand WHERE prompt_id <= 2', 0.8, 3, 42);
-- ---- rso_pairs against a brute-force pairing of rejection_sample's output
CREATE TABLE rso_var AS
SELECT p AS prompt_id, k AS response_id, round((sin(p * 7 + k * 3) * 2)::numeric, 1)::float8 AS reward
FROM generate_series(1, 300) p, generate_series(1, 1 + p % 9) k;
CREATE TABLE rso_var_acc AS SELECT * FROM pref.rejection_sample('SELECT * FROM rso_var', 0.5, 5, 3);
CREATE TABLE rso_brute AS
SELECT 'adjacent' AS pairing, a.prompt_id,
       CASE WHEN a.reward > b.reward THEN a.response_id ELSE b.response_id END AS chosen_id,
       CASE WHEN a.reward > b.reward THEN b.response_id ELSE a.response_id END AS rejected_id
FROM rso_var_acc a JOIN rso_var_acc b ON a.prompt_id = b.prompt_id AND a.accepted % 2 = 1 AND b.accepted = a.accepted + 1
WHERE a.reward <> b.reward
UNION ALL
SELECT 'all', a.prompt_id,
       CASE WHEN a.reward > b.reward THEN a.response_id ELSE b.response_id END,
       CASE WHEN a.reward > b.reward THEN b.response_id ELSE a.response_id END
FROM rso_var_acc a JOIN rso_var_acc b ON a.prompt_id = b.prompt_id AND a.accepted < b.accepted
WHERE a.reward <> b.reward;
SELECT m.pairing, count(*) AS pairs,
       count(*) = (SELECT count(*) FROM rso_brute b WHERE b.pairing = m.pairing) AS same_count,
       NOT EXISTS (SELECT prompt_id, chosen_id, rejected_id FROM pref.rso_pairs('SELECT * FROM rso_var', 0.5, 5, 3, m.pairing)
                   EXCEPT ALL SELECT prompt_id, chosen_id, rejected_id FROM rso_brute b WHERE b.pairing = m.pairing) AS same_pairs,
       bool_and(p.chosen_reward > p.rejected_reward) AS chosen_higher
FROM (VALUES ('adjacent'), ('all')) m(pairing)
CROSS JOIN LATERAL pref.rso_pairs('SELECT * FROM rso_var', 0.5, 5, 3, m.pairing) p
GROUP BY m.pairing ORDER BY 1;
-- ---- reward-augmented pairs: two conditioned pairs per pair with distinct rewards
CREATE TABLE aug_in AS SELECT * FROM pref.rso_pairs('SELECT * FROM rso_var', 0.5, 5, 3, 'all');
INSERT INTO aug_in VALUES (9999, 1, 2, 0.5, 0.5);
SELECT count(*) = 2 * (SELECT count(*) FROM aug_in WHERE chosen_reward <> rejected_reward) AS two_per_pair,
       bool_and(a.target_reward = a.chosen_reward) AS chosen_has_target,
       bool_and(a.flipped = (a.chosen_reward < a.rejected_reward)) AS flipped_iff_lower,
       count(*) FILTER (WHERE NOT flipped) = (SELECT count(*) FROM aug_in WHERE chosen_reward <> rejected_reward) AS originals_kept
FROM pref.reward_augmented_pairs('SELECT prompt_id, chosen_id, rejected_id, chosen_reward, rejected_reward FROM aug_in') a;
SELECT * FROM pref.reward_augmented_pairs($$VALUES (1, 10, 11, 7.5, 3.0), (2, 20, 21, 1, 1)$$);
-- empty input: no rows
SELECT count(*) FROM pref.rejection_sample('SELECT * FROM rso_cand WHERE false', 1, 1);
SELECT count(*) FROM pref.rso_pairs('SELECT * FROM rso_cand WHERE false', 1, 2);
SELECT count(*) FROM pref.reward_augmented_pairs('SELECT 1, 2, 3, 1.0, 2.0 WHERE false');
-- errors
SELECT * FROM pref.rejection_sample('SELECT * FROM rso_cand', 0, 2);
SELECT * FROM pref.rejection_sample('SELECT * FROM rso_cand', 'Infinity', 2);
SELECT * FROM pref.rejection_sample('SELECT * FROM rso_cand', 1, 0);
SELECT * FROM pref.rejection_sample('SELECT * FROM rso_cand', 1, 2, NULL);
SELECT * FROM pref.rejection_sample('SELECT 1, 2, 0.5 UNION ALL SELECT 1, 2, 0.7', 1, 2);
SELECT * FROM pref.rejection_sample($$SELECT 1, 2, 'NaN'::float8$$, 1, 2);
SELECT * FROM pref.rso_pairs('SELECT * FROM rso_cand', 1, 2, 0, 'random');
SELECT * FROM pref.reward_augmented_pairs($$SELECT 1, 2, 3, 'Infinity'::float8, 0.0$$);
-- ---- ids of any type: text ids give the same samples and pairs as the
-- integer ids they spell (a prompt's stream is keyed by its id: an integer
-- id by its value, another id by a hash of its text form, so compare text
-- ids with text ids and integer ids with integer ids), and come back typed
CREATE TABLE rso_txt AS SELECT 'p' || prompt_id AS prompt_id, 'r' || response_id AS response_id, reward FROM rso_var;
SELECT pg_typeof(prompt_id) AS prompt_type, pg_typeof(response_id) AS response_type, count(*) AS accepted
FROM pref.rejection_sample('SELECT * FROM rso_txt', 0.5, 5, 3, id_type => NULL::text)
GROUP BY 1, 2;
-- independent of the other prompts, as for integer ids
SELECT (SELECT array_agg(r ORDER BY prompt_id, accepted) FROM pref.rejection_sample(
          $$SELECT * FROM rso_txt WHERE prompt_id IN ('p7', 'p9')$$, 0.5, 3, 3, id_type => NULL::text) r)
     = (SELECT array_agg(r ORDER BY prompt_id, accepted) FROM pref.rejection_sample(
          'SELECT * FROM rso_txt', 0.5, 3, 3, id_type => NULL::text) r WHERE prompt_id IN ('p7', 'p9')) AS text_independent;
-- integer ids through the id_type overload equal the bigint signature
SELECT NOT EXISTS (SELECT prompt_id::bigint, response_id::bigint, accepted FROM pref.rejection_sample(
                     'SELECT prompt_id::int, response_id::int, reward FROM rso_var', 0.5, 5, 3, id_type => NULL::int)
                   EXCEPT ALL SELECT prompt_id, response_id, accepted FROM rso_var_acc) AS int_overload_same,
       (SELECT count(*) FROM rso_var_acc) AS accepted;
SELECT pg_typeof(chosen_id) AS chosen_type, count(*) AS pairs
FROM pref.rso_pairs('SELECT * FROM rso_txt', 0.5, 5, 3, 'all', id_type => NULL::text) GROUP BY 1;
SELECT a.prompt_id, a.target_reward, a.chosen_id, a.rejected_id, a.flipped, pg_typeof(a.chosen_id) AS id_type
FROM pref.reward_augmented_pairs($$VALUES ('a'::text, 'x'::text, 'y'::text, 7.5, 3.0)$$, NULL::text) a ORDER BY flipped;
SELECT * FROM pref.reward_augmented_pairs($$VALUES ('a'::text, 'x'::text, 'y'::text, 7.5, 3.0)$$);
SELECT * FROM pref.rejection_sample('SELECT * FROM rso_txt', 0.5, 5, 3, id_type => NULL::uuid);
-- a positional integer seed picks the bigint signature
SELECT count(*) FROM pref.rejection_sample('SELECT * FROM rso_var', 0.5, 5, 3);
DROP TABLE rso_txt;
