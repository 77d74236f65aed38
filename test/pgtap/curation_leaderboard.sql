-- pgTAP: pref.next_comparisons against a numpy brute force of its criterion
-- (test/ref/curation_next_ref.py -> test/ref/curation_next_fixtures.sql), and
-- the incremental leaderboard job against from-scratch computations
BEGIN;
SELECT plan(13);
\i test/ref/curation_next_fixtures.sql

CREATE TEMP TABLE next_model AS SELECT pref.bt_fit(winner, loser) AS m FROM next_comps;
CREATE TEMP TABLE next_got AS SELECT * FROM pref.next_comparisons((SELECT m FROM next_model), 10);

SELECT ok(max(abs(r.rating - t.theta)) < 1e-8, 'the model''s log-strengths equal the numpy Newton fit (1e-8)')
FROM pref.ratings((SELECT m FROM next_model), scale => 'logit') r JOIN next_theta t USING (item);
SELECT is(count(*), 10::bigint, 'k = 10 on 5 items gives every pair once') FROM next_got;
SELECT ok(max(abs(g.win_prob - e.win_prob)) < 1e-8, 'win probabilities equal numpy (1e-8)')
FROM next_got g JOIN next_expected e USING (item_a, item_b);
SELECT ok(max(abs(g.std_error - e.std_error)) < 1e-8, 'standard errors of the differences equal numpy pinv(Fisher) (1e-8)')
FROM next_got g JOIN next_expected e USING (item_a, item_b);
SELECT ok(max(abs(g.score - e.score)) < 1e-8, 'scores equal the brute-force criterion v^2 p(1-p)/(1 + v p(1-p)) (1e-8)')
FROM next_got g JOIN next_expected e USING (item_a, item_b);
SELECT is(array_agg(item_a || '-' || item_b ORDER BY ord),
          (SELECT array_agg(item_a || '-' || item_b ORDER BY score DESC) FROM next_expected),
          'the pairs come in the brute-force order, largest score first')
FROM (SELECT *, row_number() OVER () AS ord FROM next_got) g;
SELECT is((SELECT array_agg(item_a || '-' || item_b) FROM pref.next_comparisons((SELECT m FROM next_model), 3)),
          (SELECT array_agg(x) FROM (SELECT item_a || '-' || item_b AS x FROM next_expected ORDER BY score DESC LIMIT 3) s),
          'k = 3 gives the three best pairs of the brute force');
-- win_prob agrees with pref.win_prob for a model without ties
SELECT ok(max(abs(g.win_prob - pref.win_prob((SELECT m FROM next_model), g.item_a::bigint, g.item_b::bigint))) < 1e-12,
          'win_prob equals pref.win_prob (1e-12)') FROM next_got g;

-- incremental job over three batches vs from scratch
-- ids in a shuffled order (37 is prime to the 68 rows) so that every batch mixes all items
CREATE TEMP TABLE tap_comps AS
SELECT row_number() OVER (ORDER BY (r * 37) % 68) AS id, winner, loser
FROM (SELECT row_number() OVER () AS r, winner, loser FROM next_comps) s;
CREATE TEMP TABLE tap_feed (id bigint, winner bigint, loser bigint);
SELECT pref.define_job('tap_lb', 'leaderboard', '{"source": "SELECT id, winner, loser FROM tap_feed"}');
INSERT INTO tap_feed SELECT * FROM tap_comps WHERE id <= 30;
CALL pref.run_job('tap_lb');
INSERT INTO tap_feed SELECT * FROM tap_comps WHERE id > 30 AND id <= 55;
CALL pref.run_job('tap_lb');
INSERT INTO tap_feed SELECT * FROM tap_comps WHERE id > 55;
CALL pref.run_job('tap_lb');
SELECT is(array_agg(status ORDER BY run_id), ARRAY['succeeded', 'succeeded', 'succeeded'], 'three runs succeed') FROM pref.runs WHERE job = 'tap_lb';
SELECT is(array_agg(rows_read ORDER BY run_id), (SELECT ARRAY[30, 25, count(*) - 55] FROM tap_comps)::bigint[],
          'each run reads only the rows newer than the last run') FROM pref.runs WHERE job = 'tap_lb';
SELECT ok((SELECT tally FROM pref.leaderboard_state WHERE job = 'tap_lb') = (SELECT pref.tally(winner, loser) FROM tap_comps),
          'the stored tally merged over three runs equals a tally of all rows from scratch');
SELECT ok(max(abs(c.rating - r.rating) + abs(c.lower - r.lower) + abs(c.upper - r.upper)) < 1e-9 AND bool_and(c.rank = r.rank),
          'the current leaderboard equals pref.ratings(pref.bt_fit(...)) over all rows (1e-9)')
FROM pref.leaderboard_current c JOIN pref.ratings((SELECT pref.bt_fit(winner, loser) FROM tap_comps)) r USING (item)
WHERE c.job = 'tap_lb';
SELECT is((SELECT count(DISTINCT run_id) FROM pref.leaderboard WHERE job = 'tap_lb'), 3::bigint, 'one leaderboard per run in the history');

SELECT * FROM finish();
ROLLBACK;
