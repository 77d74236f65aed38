-- pgpref demo: BLAS aggregates and reward models over embeddings
\set ON_ERROR_STOP on
\pset footer off
SET search_path = public, pref;

\echo '### Response embeddings (4-d toy features: helpfulness, accuracy, verbosity, politeness)'
CREATE TABLE responses (id int PRIMARY KEY, emb real[], rating float8);
INSERT INTO responses
SELECT i,
       ARRAY[round(sin(i * 1.3)::numeric, 3), round(cos(i * 0.7)::numeric, 3),
             round(((i % 5) / 4.0)::numeric, 3), round(sin(i * 0.31 + 1)::numeric, 3)]::real[],
       round((2 * sin(i * 1.3) + cos(i * 0.7) - 0.3 * (i % 5) / 4.0 + 3)::numeric, 2)
FROM generate_series(1, 40) i;

\echo '### pref.moments and pref.gram: one parallel-safe aggregate pass (BLAS syrk per row block)'
SELECT n, (SELECT array_agg(round(v::numeric, 3)) FROM unnest(mean) v) AS mean,
       round(covariance[1][1]::numeric, 4) AS var_helpfulness, round(covariance[1][2]::numeric, 4) AS cov_help_acc
FROM (SELECT (pref.moments(emb)).* FROM responses) m;
SELECT round(g[1][1]::numeric, 3) AS "x1.x1", round(g[3][3]::numeric, 3) AS "x3.x3" FROM (SELECT pref.gram(emb) AS g FROM responses) s;

\echo '### pref.pca: two principal axes, and each response projected onto them'
CREATE TABLE pca AS SELECT (pref.pca(emb, 2)).* FROM responses;
SELECT (SELECT array_agg(round(v::numeric, 3)) FROM unnest(eigenvalues) v) AS eigenvalues,
       (SELECT array_agg(round(v::numeric, 3)) FROM unnest(explained_variance_ratio) v) AS share FROM pca;
SELECT r.id, (SELECT array_agg(round(v::numeric, 3)) FROM unnest(pref.pca_project(r.emb, p.mean, p.components)) v) AS coords
FROM responses r, pca p WHERE r.id <= 3 ORDER BY r.id;

\echo '### pref.ridge_fit: a rating-style reward model (helpfulness ratings), closed form by Cholesky'
CREATE TABLE rating_model AS SELECT pref.ridge_fit(emb, rating, 0.01) AS m FROM responses;
SELECT (m).kind, (SELECT array_agg(round(v::numeric, 3)) FROM unnest((m).weights) v) AS weights,
       round((m).bias::numeric, 3) AS bias, round((m).r2::numeric, 4) AS r2, (m).n_rows FROM rating_model;

\echo '### Preference pairs between responses; fit a Bradley-Terry reward model in the database'
CREATE TABLE prefs (id int PRIMARY KEY, chosen_id int, rejected_id int);
INSERT INTO prefs
SELECT g, CASE WHEN ra.rating >= rb.rating THEN a ELSE b END, CASE WHEN ra.rating >= rb.rating THEN b ELSE a END
FROM generate_series(1, 120) g,
     LATERAL (SELECT 1 + (g * 7) % 40 AS a, 1 + (g * 13 + 5) % 40 AS b) p
     JOIN responses ra ON ra.id = p.a JOIN responses rb ON rb.id = p.b
WHERE p.a <> p.b;
-- three labels flipped on purpose (annotator mistakes)
UPDATE prefs SET chosen_id = rejected_id, rejected_id = chosen_id WHERE id IN (10, 50, 90);
CREATE VIEW pref_pairs AS
  SELECT p.id, c.emb AS chosen, r.emb AS rejected FROM prefs p JOIN responses c ON c.id = p.chosen_id JOIN responses r ON r.id = p.rejected_id;
CREATE TABLE rm AS SELECT pref.reward_fit('SELECT chosen, rejected FROM pref_pairs WHERE id % 5 <> 0', lambda => 0.1) AS m;
SELECT (m).kind, (SELECT array_agg(round(v::numeric, 3)) FROM unnest((m).weights) v) AS weights,
       (m).n_rows, (m).iterations, (m).converged, round((m).loss::numeric, 4) AS train_loss,
       round((m).accuracy::numeric, 4) AS train_accuracy FROM rm;

\echo '### Held-out evaluation (every 5th pair) with pref.reward_eval'
SELECT n, round(accuracy::numeric, 4) AS accuracy, round(log_loss::numeric, 4) AS log_loss, round(mean_margin::numeric, 3) AS mean_margin
FROM (SELECT (pref.reward_eval(pref.reward_margin(m, chosen, rejected))).* FROM pref_pairs, rm WHERE id % 5 = 0) e;

\echo '### Score new responses'
SELECT v.name, round(pref.reward_score(m, v.emb)::numeric, 3) AS reward
FROM rm, (VALUES ('helpful and accurate', ARRAY[0.9, 0.8, 0.2, 0.5]::real[]),
                 ('rambling', ARRAY[0.1, 0.2, 1.0, 0.5]::real[]),
                 ('curt but correct', ARRAY[0.3, 0.9, 0.0, -0.8]::real[])) v(name, emb)
ORDER BY reward DESC;

\echo '### Likely-mislabeled pairs: an ensemble of models fitted on different folds agrees the label is wrong'
CREATE TABLE ensemble AS
  SELECT f, pref.reward_fit(format('SELECT chosen, rejected FROM pref_pairs WHERE id %% 3 <> %s', f), lambda => 0.1) AS m
  FROM generate_series(0, 2) f;
SELECT p.id, s.n_models, round(s.mean_margin::numeric, 3) AS mean_margin, round(s.sd_margin::numeric, 3) AS sd_margin, s.verdict
FROM pref_pairs p,
     LATERAL (SELECT array_agg(pref.reward_margin(e.m, p.chosen, p.rejected) ORDER BY e.f) AS margins FROM ensemble e) mm,
     LATERAL pref.preference_strength(mm.margins, ambiguous_below => 0.05) s
WHERE s.verdict <> 'consistent'
ORDER BY s.mean_margin LIMIT 8;

\echo '### Contextual Bradley-Terry ("style control"): model ratings net of a length covariate'
CREATE TABLE style_arena (winner bigint, loser bigint, covariates float8[], tie boolean);
INSERT INTO style_arena
SELECT CASE WHEN u < pa THEN a ELSE b END, CASE WHEN u < pa THEN b ELSE a END,
       ARRAY[CASE WHEN u < pa THEN len ELSE -len END], abs(u - pa) < 0.04
FROM (SELECT a, b, len, u, 1 / (1 + exp(-((4 - a) * 0.3 - (4 - b) * 0.3 + 0.8 * len))) AS pa
      FROM (SELECT 1 + g % 4 AS a, 1 + (g + 1 + g / 4 % 3) % 4 AS b,
                   round(sin(g * 0.9)::numeric, 2)::float8 AS len, (0.5 + 0.5 * sin(g * 12.9898) * 0.999) AS u
            FROM generate_series(1, 400) g) s) t;
SELECT term, item, covariate, round(estimate::numeric, 3) AS estimate, round(std_error::numeric, 3) AS se,
       round(lower::numeric, 3) AS lower, round(upper::numeric, 3) AS upper, comparisons
FROM pref.bt_fit_contextual('SELECT winner, loser, covariates, tie FROM style_arena')
ORDER BY term DESC, estimate DESC;
