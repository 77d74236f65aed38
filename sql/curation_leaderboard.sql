-- Leaderboard job: incremental tally + merge + refit, history by run, views,
-- and the independent checks: the stored (merged) tally equals a tally of
-- all rows from scratch, the stored leaderboard equals
-- pref.ratings(pref.bt_fit(...)) over all rows.
SET search_path = public, pref;
SET TimeZone = 'UTC';
CREATE TEMP TABLE lb_base AS SELECT coalesce(max(run_id), 0) AS base FROM pref.runs;
CREATE TABLE lb_comps (id bigint GENERATED ALWAYS AS IDENTITY, winner bigint, loser bigint);
-- 5 models, the stronger (smaller number) usually wins; every pair both ways
INSERT INTO lb_comps (winner, loser)
SELECT CASE WHEN (a * 7 + b * 3 + g) % 10 < 7 - (b - a) / 2 THEN a ELSE b END,
       CASE WHEN (a * 7 + b * 3 + g) % 10 < 7 - (b - a) / 2 THEN b ELSE a END
FROM generate_series(1, 5) a, generate_series(1, 5) b, generate_series(1, 3) g
WHERE a < b ORDER BY g, a, b;
SELECT count(*) AS comparisons, count(DISTINCT (winner, loser)) AS directed_pairs FROM lb_comps;
SELECT pref.define_job('arena', 'leaderboard', '{"source": "SELECT id, winner, loser FROM lb_comps"}');
CALL pref.run_job('arena');
-- 20 more comparisons arrive; the next run reads only those
INSERT INTO lb_comps (winner, loser)
SELECT CASE WHEN g % 3 = 0 THEN 5 ELSE 1 + g % 4 END, CASE WHEN g % 3 = 0 THEN 1 + g % 4 ELSE 5 END
FROM generate_series(1, 20) g;
CALL pref.run_job('arena');
CALL pref.run_job('arena');   -- nothing new: reads 0 rows, refits the stored tally
SELECT run_id - base AS run, status, rows_read, rows_written, error
FROM pref.runs, lb_base WHERE job = 'arena' ORDER BY run_id;
SELECT last_id, comparisons, (pref.tally_stats(tally)).rows_used FROM pref.leaderboard_state WHERE job = 'arena';

-- the merged tally equals a from-scratch tally of every row (bitwise tally =)
SELECT s.tally = (SELECT pref.tally(winner, loser) FROM lb_comps) AS merged_equals_scratch,
       s.tally::text = (SELECT pref.tally(winner, loser) FROM lb_comps)::text AS same_text
FROM pref.leaderboard_state s WHERE s.job = 'arena';
-- and it is not the tally of the first batch only (the check can fail)
SELECT s.tally = (SELECT pref.tally(winner, loser) FROM lb_comps WHERE id <= 30) AS equals_first_batch
FROM pref.leaderboard_state s WHERE s.job = 'arena';

-- the current leaderboard equals pref.ratings(pref.bt_fit(...)) over all rows
SELECT item, round(rating::numeric, 6) AS rating, round(std_error::numeric, 6) AS std_error,
       round(lower::numeric, 6) AS lower, round(upper::numeric, 6) AS upper, rank, place,
       wins, losses, ties, games, comparisons, run_id - (SELECT base FROM lb_base) AS run
FROM pref.leaderboard_current WHERE job = 'arena' ORDER BY place;
WITH ref AS (SELECT * FROM pref.ratings((SELECT pref.bt_fit(winner, loser) FROM lb_comps)))
SELECT count(*) AS items,
       max(abs(c.rating - ref.rating)) < 1e-9 AS rating_1e9,
       max(abs(c.std_error - ref.std_error)) < 1e-9 AS se_1e9,
       max(abs(c.lower - ref.lower) + abs(c.upper - ref.upper)) < 1e-9 AS interval_1e9,
       bool_and(c.rank = ref.rank AND c.wins = ref.wins AND c.losses = ref.losses AND c.games = ref.games) AS counts_equal
FROM pref.leaderboard_current c JOIN ref USING (item) WHERE c.job = 'arena';
-- place is the order by rating (ties by item)
SELECT bool_and(place = p) AS place_ok
FROM (SELECT place, row_number() OVER (ORDER BY rating DESC, item) AS p FROM pref.leaderboard_current WHERE job = 'arena') s;

-- history: one leaderboard per run; the daily view keeps each day's last run
SELECT run_id - (SELECT base FROM lb_base) AS run, count(*) AS items, max(comparisons) AS comparisons
FROM pref.leaderboard WHERE job = 'arena' GROUP BY run_id ORDER BY run_id;
UPDATE pref.leaderboard SET computed_at = computed_at - interval '1 day'
WHERE job = 'arena' AND run_id = (SELECT base + 1 FROM lb_base);
SELECT day = current_date AS today, run_id - (SELECT base FROM lb_base) AS run, count(*) AS items, max(comparisons) AS comparisons
FROM pref.leaderboard_daily WHERE job = 'arena' GROUP BY 1, 2 ORDER BY 2;

-- full refresh re-reads everything and gives the same board
SELECT pref.define_job('arena_full', 'leaderboard', '{"source": "SELECT id, winner, loser FROM lb_comps", "full": true}');
CALL pref.run_job('arena_full');
CALL pref.run_job('arena_full');
SELECT rows_read FROM pref.runs WHERE job = 'arena_full' ORDER BY run_id;
SELECT bool_and(f.rating = a.rating AND f.rank = a.rank) AS same_board
FROM pref.leaderboard_current f JOIN pref.leaderboard_current a USING (item)
WHERE f.job = 'arena_full' AND a.job = 'arena';

-- text items with ties, a prior and the logit scale; NULL rows are skipped (counted)
CREATE TABLE lb_text (id int, winner text, loser text, tie boolean);
INSERT INTO lb_text VALUES (1, 'gpt', 'llama', false), (2, 'llama', 'gpt', true), (3, 'gpt', 'mistral', false),
  (4, 'mistral', 'llama', false), (5, 'gpt', 'llama', false), (6, NULL, 'gpt', false), (7, 'llama', 'mistral', true);
SELECT pref.define_job('arena_text', 'leaderboard',
  '{"source": "SELECT id, winner, loser, tie FROM lb_text", "with_ties": true, "prior": 0.5, "scale": "logit", "level": 0.9}');
CALL pref.run_job('arena_text');
SELECT rows_read, rows_written, status FROM pref.runs WHERE job = 'arena_text';
WITH ref AS (SELECT * FROM pref.ratings(pref.bradley_terry((SELECT pref.tally(winner, loser, tie) FROM lb_text), prior => 0.5),
                                        scale => 'logit', level => 0.9))
SELECT c.item, round(c.rating::numeric, 6) AS rating, round(c.lower::numeric, 6) AS lower, round(c.upper::numeric, 6) AS upper,
       c.ties, abs(c.rating - ref.rating) < 1e-12 AND abs(c.upper - ref.upper) < 1e-12 AS equals_direct
FROM pref.leaderboard_current c JOIN ref USING (item) WHERE c.job = 'arena_text' ORDER BY c.place;
SELECT (pref.tally_stats(tally)).rows_skipped FROM pref.leaderboard_state WHERE job = 'arena_text';

-- bad input: no source, wrong columns, a graph the MLE cannot fit (prior 0), an empty source
SELECT pref.define_job('lb_nosource', 'leaderboard', '{}');
SELECT pref.define_job('lb_nosource', 'leaderboard', '{"source": "SELECT id, winner, loser FROM lb_comps"}');
UPDATE pref.jobs SET params = '{}' WHERE job = 'lb_nosource';     -- by hand: the run checks again
CALL pref.run_job('lb_nosource');
SELECT pref.define_job('lb_cols', 'leaderboard', '{"source": "SELECT id, winner FROM lb_comps"}');
CALL pref.run_job('lb_cols');
SELECT pref.define_job('lb_types', 'leaderboard', '{"source": "SELECT id, winner::float8, loser::float8 FROM lb_comps"}');
CALL pref.run_job('lb_types');
SELECT pref.define_job('lb_ties', 'leaderboard', '{"source": "SELECT id, winner, loser FROM lb_comps", "with_ties": true}');
CALL pref.run_job('lb_ties');
CREATE TABLE lb_chain (id int, winner int, loser int);
INSERT INTO lb_chain VALUES (1, 1, 2), (2, 2, 3), (3, 1, 3);
SELECT pref.define_job('lb_chain', 'leaderboard', '{"source": "SELECT * FROM lb_chain"}');
CALL pref.run_job('lb_chain');
SELECT count(*) AS state_rows FROM pref.leaderboard_state WHERE job = 'lb_chain';  -- rolled back with the failed run
SELECT pref.define_job('lb_chain', 'leaderboard', '{"source": "SELECT * FROM lb_chain", "prior": 1}');
CALL pref.run_job('lb_chain');
SELECT item, rank, place FROM pref.leaderboard_current WHERE job = 'lb_chain' ORDER BY place;
SELECT pref.define_job('lb_empty', 'leaderboard', '{"source": "SELECT * FROM lb_chain WHERE false"}');
CALL pref.run_job('lb_empty');
SELECT job, status, rows_read, rows_written, error FROM pref.runs
WHERE job LIKE 'lb\_%' ORDER BY run_id;

-- active labelling on the arena model: pairs, win probabilities, scores
-- (items 3 and 4 are symmetric: their scores tie up to rounding, so sort the rounded output)
SELECT item_a, item_b, round(win_prob::numeric, 6) AS win_prob, round(std_error::numeric, 6) AS std_error,
       round(score::numeric, 6) AS score
FROM pref.next_comparisons((SELECT pref.bt_fit(winner, loser) FROM lb_comps), 4) ORDER BY 5 DESC, 1, 2;
SELECT count(*) FROM pref.next_comparisons((SELECT pref.bt_fit(winner, loser) FROM lb_comps));
SELECT count(*) FROM pref.next_comparisons((SELECT pref.bt_fit(winner, loser) FROM lb_comps), 0);
SELECT * FROM pref.next_comparisons((SELECT pref.bt_fit(winner, loser) FROM lb_comps), -1);
