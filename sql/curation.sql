-- Ratings to pairs, majority vote and Dawid-Skene, against test/ref/curation_ref.py
\set ECHO none
\i test/ref/curation_fixtures.sql
\set ECHO all
SET extra_float_digits = 0;

-- binarize: every strategy, margin, seed and the weighted form equal the
-- brute-force enumeration exactly (pairs as sets, margins to 1e-12)
SET client_min_messages = warning;
SELECT c.strategy, c.min_margin, c.seed, c.weighted,
       (SELECT count(*) FROM ref_binarize r
         WHERE (r.strategy, r.min_margin, r.seed, r.weighted) = (c.strategy, c.min_margin, c.seed, c.weighted)) AS expected,
       (SELECT count(*) FROM pref.binarize(
          CASE WHEN c.weighted THEN 'SELECT prompt_id, response_id, attrs FROM ref_ratings'
               ELSE 'SELECT prompt_id, response_id, score FROM ref_ratings' END,
          c.strategy, c.min_margin, c.seed,
          CASE WHEN c.weighted THEN '{0.5,0.25,0.25}'::float8[] END) b
         FULL JOIN (SELECT * FROM ref_binarize r
                    WHERE (r.strategy, r.min_margin, r.seed, r.weighted) = (c.strategy, c.min_margin, c.seed, c.weighted)) r
           ON (b.prompt_id, b.chosen, b.rejected) = (r.prompt_id, r.chosen, r.rejected)
         WHERE b.prompt_id IS NULL OR r.prompt_id IS NULL OR abs(b.margin - r.margin) > 1e-12) AS mismatches
FROM (SELECT DISTINCT strategy, min_margin, seed, weighted FROM ref_binarize) c
ORDER BY 1, 2, 3, 4;
RESET client_min_messages;

-- a small example, read by eye: prompt 1 has a tie at the top, prompt 2 one response,
-- prompt 3 only tied scores, prompt 4 a NULL score
CREATE TABLE rated (prompt_id int, response_id int, score numeric);
INSERT INTO rated VALUES (1, 11, 9), (1, 12, 9), (1, 13, 4), (1, 14, 7),
  (2, 21, 5), (3, 31, 6), (3, 32, 6), (4, 41, NULL), (4, 42, 3), (4, 43, 8);
SELECT * FROM pref.binarize('SELECT * FROM rated', 'best_vs_worst');
SELECT * FROM pref.binarize('SELECT * FROM rated', 'all_pairs', min_margin => 2);
SELECT * FROM pref.binarize('SELECT * FROM rated', 'best_vs_all');
-- best_vs_random is reproducible for a seed and independent of row order
SELECT (SELECT array_agg(rejected ORDER BY prompt_id) FROM pref.binarize('SELECT * FROM rated', seed => 7)) =
       (SELECT array_agg(rejected ORDER BY prompt_id) FROM pref.binarize('SELECT * FROM rated ORDER BY random()', seed => 7)) AS same;
-- over many seeds every eligible response of prompt 1 is drawn (13 and 14, never the tied 12)
SET client_min_messages = warning;
SELECT rejected, count(*) FROM generate_series(1, 400) s,
  pref.binarize('SELECT * FROM rated WHERE prompt_id = 1', 'best_vs_random', 0, s) GROUP BY 1 ORDER BY 1;
RESET client_min_messages;

-- bad input
SELECT * FROM pref.binarize('SELECT prompt_id, response_id FROM rated');
SELECT * FROM pref.binarize('SELECT prompt_id, response_id, ''x''::text FROM rated');
SELECT * FROM pref.binarize('SELECT * FROM rated', 'best_of_n');
SELECT * FROM pref.binarize('SELECT * FROM rated', min_margin => -1);
SELECT * FROM pref.binarize('SELECT * FROM rated', min_margin => 'NaN');
SELECT * FROM pref.binarize('SELECT 1, 2, 3.0 UNION ALL SELECT 1, 2, 4.0');
SELECT * FROM pref.binarize('SELECT 1, 2, ''NaN''::float8');
SELECT * FROM pref.binarize('SELECT 1, 2, ARRAY[1.0, 2.0]::float8[]', weights => '{1}');
SELECT * FROM pref.binarize(NULL);
SELECT * FROM pref.binarize('SELECT * FROM rated WHERE false');

-- majority vote with tie policies
CREATE TABLE votes (item_id bigint, annotator text, label text);
INSERT INTO votes VALUES (1, 'a', '>'), (1, 'b', '>'), (1, 'c', '<'),
  (2, 'a', '>'), (2, 'b', '<'), (3, 'a', '='), (3, 'b', NULL);
SELECT * FROM pref.majority_vote('SELECT * FROM votes') ORDER BY item_id;
SELECT * FROM pref.majority_vote('SELECT * FROM votes', 'lowest') ORDER BY item_id;
SELECT * FROM pref.majority_vote('SELECT * FROM votes', 'drop') ORDER BY item_id;
SELECT * FROM pref.majority_vote('SELECT * FROM votes', 'coin');
-- an annotator labelling an item twice is an error
SELECT * FROM pref.majority_vote('SELECT * FROM votes UNION ALL SELECT 2, ''a'', ''<''');

-- Dawid-Skene equals the numpy EM (same start, smoothing, stopping rule) to 1e-9
SELECT count(*) AS items,
       max((SELECT max(abs(a - b)) FROM unnest(d.probabilities, r.probabilities) u(a, b))) < 1e-9 AS posteriors_match,
       bool_and(d.labels = '{<,=,>}') AS label_order,
       bool_and(d.iterations = f.iterations AND d.converged = f.converged) AS same_iterations,
       bool_and(abs(d.log_likelihood - f.log_likelihood) < 1e-9) AS same_loglik
FROM pref.dawid_skene('SELECT * FROM ref_ds_labels') d JOIN ref_ds_post r USING (item_id), ref_ds_fit f;
SELECT a.annotator, a.labelled, round(a.accuracy::numeric, 6) AS accuracy,
       (SELECT max(abs(x - y)) FROM unnest(a.confusion, r.confusion) u(x, y)) < 1e-9 AS confusion_matches,
       abs(a.accuracy - r.accuracy) < 1e-9 AS accuracy_matches,
       (SELECT max(abs(x - y)) FROM unnest(a.class_prior, f.class_prior) u(x, y)) < 1e-9 AS prior_matches
FROM pref.dawid_skene_annotators('SELECT * FROM ref_ds_labels') a JOIN ref_ds_conf r USING (annotator), ref_ds_fit f
ORDER BY 1;

-- simulated annotators with known confusion: recovered within 0.08 per cell,
-- and the EM labels beat the majority vote
SELECT a.annotator, (SELECT max(abs(x - y)) FROM unnest(a.confusion, t.confusion) u(x, y)) < 0.08 AS recovered,
       round((SELECT max(abs(x - y)) FROM unnest(a.confusion, t.confusion) u(x, y))::numeric, 3) AS max_error,
       a.converged
FROM pref.dawid_skene_annotators('SELECT item_id, annotator, label FROM ref_ds_sim', max_iter => 2000) a
JOIN ref_ds_sim_conf t USING (annotator) ORDER BY 1;
WITH truth AS (SELECT DISTINCT item_id, truth FROM ref_ds_sim)
SELECT (SELECT avg((d.label = t.truth)::int) FROM pref.dawid_skene('SELECT item_id, annotator, label FROM ref_ds_sim', max_iter => 2000) d
          JOIN truth t USING (item_id)) >
       (SELECT avg((m.label IS NOT DISTINCT FROM t.truth)::int) FROM pref.majority_vote('SELECT item_id, annotator, label FROM ref_ds_sim') m
          JOIN truth t USING (item_id)) AS em_beats_majority,
       (SELECT avg((d.label = t.truth)::int) FROM pref.dawid_skene('SELECT item_id, annotator, label FROM ref_ds_sim', max_iter => 2000) d
          JOIN truth t USING (item_id)) > 0.9 AS em_accuracy_above_90pct;

-- small set by eye: a confident and an unreliable annotator
SELECT item_id, label, round(probability::numeric, 6) AS probability, iterations, converged
FROM pref.dawid_skene('SELECT * FROM votes', max_iter => 3) ORDER BY item_id;
SELECT * FROM pref.dawid_skene('SELECT * FROM votes WHERE false');
SELECT * FROM pref.dawid_skene('SELECT * FROM votes', max_iter => 0);
SELECT * FROM pref.dawid_skene('SELECT * FROM votes', smoothing => -1);
SELECT * FROM pref.dawid_skene('SELECT item_id, annotator FROM votes');
SELECT * FROM pref.dawid_skene('SELECT item_id::text, annotator, label FROM votes');
SELECT * FROM pref.dawid_skene_annotators('SELECT * FROM votes UNION ALL SELECT 1, ''a'', ''<''', repeats => 'error');
SELECT * FROM pref.dawid_skene('SELECT * FROM votes UNION ALL SELECT 1, ''a'', ''<''', repeats => 'error');
SELECT * FROM pref.dawid_skene('SELECT * FROM votes', repeats => 'twice');
SELECT * FROM pref.dawid_skene('SELECT * FROM votes', repeats => NULL);

-- repeated labels (Dawid and Skene 1979: one annotator rated every item three
-- times): with repeats => 'count' (the default) each label is an observation
-- of the same confusion matrix; equals the independent numpy EM
-- (test/ref/ds_repeats_ref.py) to 1e-9
\set ECHO none
\i test/ref/ds_repeats_fixture.sql
\set ECHO all
SELECT count(DISTINCT d.item_id) AS items,
       max(abs(u.p - r.p)) < 1e-9 AS posteriors_match,
       bool_and(d.iterations = f.iterations AND d.converged) AS same_iterations,
       bool_and(abs(d.log_likelihood - f.loglik) < 1e-9) AS same_loglik
FROM pref.dawid_skene('SELECT * FROM ref_dsr_labels', max_iter => 500, tol => 1e-10) d
CROSS JOIN LATERAL unnest(d.labels, d.probabilities) u(label, p)
JOIN ref_dsr_post r ON r.item_id = d.item_id AND r.label = u.label, ref_dsr_fit f;
SELECT a.annotator, a.labelled,
       max(abs(c.p - a.confusion[c.true_label][c.given_label])) < 1e-9 AS confusion_matches
FROM pref.dawid_skene_annotators('SELECT * FROM ref_dsr_labels', max_iter => 500, tol => 1e-10) a
JOIN ref_dsr_conf c USING (annotator)
GROUP BY a.annotator, a.labelled ORDER BY 1;
-- the same rows keyed by text ids give the same posteriors (to 1e-12: the
-- items are visited in another order, so sums round differently)
SELECT count(*) AS items, max((SELECT max(abs(x - y)) FROM unnest(t.probabilities, b.probabilities) u(x, y))) < 1e-12 AS text_ids_same
FROM pref.dawid_skene('SELECT item_id::text, annotator, label FROM ref_dsr_labels', id_type => NULL::text, max_iter => 500, tol => 1e-10) t
JOIN pref.dawid_skene('SELECT * FROM ref_dsr_labels', max_iter => 500, tol => 1e-10) b ON b.item_id = t.item_id::bigint;
DROP TABLE ref_dsr_labels, ref_dsr_post, ref_dsr_conf, ref_dsr_fit;
-- too large for pgpref.max_memory: a clear error naming the setting
SET pgpref.max_memory = '1MB';
SELECT count(*) FROM pref.binarize('SELECT g / 4, g, g % 10 FROM generate_series(1, 100000) g');
SELECT count(*) FROM pref.dawid_skene('SELECT g, ''a'', ''x'' FROM generate_series(1, 100000) g');
RESET pgpref.max_memory;
