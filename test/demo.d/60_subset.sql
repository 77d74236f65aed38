-- Subset selection demo: pick diverse, high-quality preference pairs.
\set ON_ERROR_STOP on
\pset footer off
SET search_path = public, pref;

\echo '### Subset selection: 240 labeled pairs in 6 topics, some near-duplicates'
-- a deterministic toy set: 6 topic directions in 8 dimensions, small
-- per-row jitter, every 10th row repeats an earlier one almost exactly
CREATE TABLE labeled (id bigint PRIMARY KEY, topic int, embedding real[], helpful float8, correct float8, safe float8);
INSERT INTO labeled
SELECT g, g % 6,
       ARRAY(SELECT (CASE WHEN j = (g % 6) + 1 THEN 1.0 ELSE 0.0 END
                     + 0.35 * sin(1.7 * (CASE WHEN g % 10 = 0 THEN g - 7 ELSE g END) * j + j))::real
             FROM generate_series(1, 8) j),
       round((0.5 + 0.5 * sin(g * 0.37))::numeric, 2), round((0.5 + 0.5 * cos(g * 0.53))::numeric, 2),
       round((0.6 + 0.4 * sin(g * 0.11))::numeric, 2)
FROM generate_series(1, 240) g;
SELECT topic, count(*) AS rows, round(avg(helpful)::numeric, 3) AS avg_helpful FROM labeled GROUP BY topic ORDER BY topic;

\echo '### Near-duplicate groups (cosine >= 0.98): keep one row per group'
SELECT count(*) AS rows, count(DISTINCT group_id) AS groups
FROM pref.near_duplicates('SELECT id, embedding FROM labeled', 0.98);
SELECT group_id, array_agg(id ORDER BY id) AS members
FROM pref.near_duplicates('SELECT id, embedding FROM labeled', 0.98)
GROUP BY group_id HAVING count(*) > 1 ORDER BY group_id LIMIT 5;

\echo '### Facility location with quality (lambda 2): 8 picks cover the 6 topics'
SELECT s.pick, s.id, l.topic, l.helpful, round(s.gain::numeric, 3) AS gain, round(s.objective::numeric, 3) AS objective
FROM pref.select_subset('SELECT id, embedding, helpful FROM labeled', 8, lambda => 2) s
JOIN labeled l USING (id) ORDER BY s.pick;

\echo '### Diminishing returns: gain per pick for k = 1..30 (choose k after the fact)'
SELECT pick, round(gain::numeric, 3) AS gain, round(objective::numeric, 2) AS objective
FROM pref.select_subset('SELECT id, embedding FROM labeled', 30) WHERE pick IN (1, 2, 5, 6, 7, 10, 20, 30) ORDER BY pick;

\echo '### Four selectors side by side (6 picks each): topics covered'
SELECT m.method, array_agg(l.topic ORDER BY s.pick) AS topics_in_pick_order, count(DISTINCT l.topic) AS distinct_topics
FROM (VALUES ('facility_location'), ('k_center'), ('dpp'), ('mmr')) m(method),
     LATERAL pref.select_subset('SELECT id, embedding, helpful FROM labeled', 6, m.method) s
JOIN labeled l USING (id) GROUP BY m.method ORDER BY m.method;

\echo '### Less memory: 10 nearest neighbours per row (linear memory), or a single-precision dense matrix (half)'
SELECT 'dense' AS variant, array_agg(l.topic ORDER BY s.pick) AS topics FROM pref.select_subset('SELECT id, embedding FROM labeled', 6) s JOIN labeled l USING (id)
UNION ALL
SELECT 'n_neighbors => 10', array_agg(l.topic ORDER BY s.pick) FROM pref.select_subset('SELECT id, embedding FROM labeled', 6, n_neighbors => 10) s JOIN labeled l USING (id)
UNION ALL
SELECT 'single_precision', array_agg(l.topic ORDER BY s.pick) FROM pref.select_subset('SELECT id, embedding FROM labeled', 6, single_precision => true) s JOIN labeled l USING (id);

\echo '### Nightly job: extend yesterday''s 8 picks by 4 more'
CREATE TABLE chosen AS SELECT id FROM pref.select_subset('SELECT id, embedding, helpful FROM labeled', 8, lambda => 2);
SELECT pick, id, round(objective::numeric, 3) AS objective
FROM pref.select_subset('SELECT id, embedding, helpful FROM labeled', 4, lambda => 2,
                        initial => (SELECT array_agg(id) FROM chosen)) ORDER BY pick;

\echo '### Pareto fronts over (helpful, correct, safe): front 1 = not beaten on every score'
SELECT front, count(*) AS rows FROM pref.pareto_front('SELECT id, ARRAY[helpful, correct, safe] FROM labeled')
GROUP BY front ORDER BY front LIMIT 5;
SELECT l.id, l.helpful, l.correct, l.safe
FROM pref.pareto_front('SELECT id, ARRAY[helpful, correct, safe] FROM labeled') p JOIN labeled l USING (id)
WHERE p.front = 1 ORDER BY l.id;

\echo '### Bad input is rejected with a clear error'
\set ON_ERROR_STOP off
SELECT * FROM pref.select_subset('SELECT id, embedding FROM labeled', 5, 'kmeans');
SELECT * FROM pref.select_subset('SELECT id FROM labeled', 5);
\set ON_ERROR_STOP on
