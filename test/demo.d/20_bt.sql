-- Bradley-Terry leaderboard from a tally (issue 3)
\set ON_ERROR_STOP on
\pset footer off
SET search_path = public, pref;
\echo '### Leaderboard: Bradley-Terry from a mergeable tally, with 95% intervals'
SELECT setseed(0.42) \gset
CREATE TABLE arena AS
SELECT g AS id, m[a] AS first, m[b] AS second,
       CASE WHEN u < 0.1 THEN '=' WHEN u < 0.1 + 0.9 / (1 + exp(-(st[a] - st[b] + 0.3))) THEN '>' ELSE '<' END AS outcome
FROM (SELECT g, 1 + (g * 7) % 5 AS a, 1 + (g * 7 + 1 + g % 4) % 5 AS b, random() AS u FROM generate_series(1, 600) g) r,
     (SELECT ARRAY['gpt-x', 'claude-y', 'llama-z', 'mistral-w', 'qwen-v'] AS m, ARRAY[0.8, 0.6, 0.0, -0.4, -1.0] AS st) s;
CREATE TABLE nightly AS SELECT pref.tally(first, second, outcome) AS t FROM arena;
SELECT (pref.tally_stats(t)).* FROM nightly;
SELECT item, round(rating::numeric, 1) AS elo, round(std_error::numeric, 1) AS se,
       round(lower::numeric, 1) AS lower, round(upper::numeric, 1) AS upper, rank, wins, losses, ties
FROM nightly, pref.ratings(pref.bradley_terry(t, ties => 'davidson', order_effect => true)) ORDER BY rating DESC;
\echo '### Ties and position bias of the judge'
SELECT s->>'ties' AS ties, round((s->>'tie_param')::numeric, 3) AS nu, round((s->>'p_tie_equal')::numeric, 3) AS p_tie_equal,
       round((s->>'order_effect')::numeric, 3) AS first_position_logodds, round((s->>'order_effect_se')::numeric, 3) AS se
FROM (SELECT pref.bt_summary(pref.bradley_terry(t, order_effect => true)) AS s FROM nightly) x;
\echo '### Win probability and the one-statement form'
SELECT round(pref.win_prob(m, 'gpt-x', 'qwen-v')::numeric, 3) AS p_gpt_beats_qwen
FROM (SELECT pref.bt_fit(CASE WHEN outcome = '<' THEN second ELSE first END, CASE WHEN outcome = '<' THEN first ELSE second END) AS m
      FROM arena WHERE outcome <> '=') s;
\echo '### Bootstrap intervals and rank intervals (500 seeded rounds over the tally cells, no pass over the rows)'
SELECT item, round(rating::numeric, 1) AS elo, round(std_error::numeric, 1) AS boot_se,
       round(lower::numeric, 1) AS lower, round(upper::numeric, 1) AS upper, rank_lower, rank_upper
FROM nightly, pref.bt_bootstrap(t, 500, 1, ties => 'davidson') ORDER BY rating DESC;
\echo '### Held-out evaluation: fit on the first 450 battles, score the last 150'
SELECT e->>'rows' AS rows, round((e->>'log_loss')::numeric, 3) AS log_loss,
       round((e->>'accuracy')::numeric, 3) AS accuracy, round((e->>'brier')::numeric, 3) AS brier
FROM (SELECT pref.bt_eval((SELECT pref.bradley_terry(pref.tally(first, second, outcome)) FROM arena WHERE id <= 450),
                          CASE WHEN outcome = '<' THEN second ELSE first END, CASE WHEN outcome = '<' THEN first ELSE second END,
                          outcome = '=') AS e
      FROM arena WHERE id > 450) x;
\echo '### Classic online Elo (k = 16) in battle order'
SELECT key AS item, round(value::numeric, 1) AS elo
FROM (SELECT pref.elo(CASE WHEN outcome = '<' THEN second ELSE first END, CASE WHEN outcome = '<' THEN first ELSE second END,
                      outcome = '=', 16 ORDER BY id) AS e FROM arena) x, jsonb_each_text(e) ORDER BY value::float8 DESC;
\echo '### Plackett-Luce on rankings (full and top-2)'
SELECT key AS item, round(value::numeric, 3) AS log_worth
FROM (SELECT pref.plackett_luce(r::pref.ranking) AS m FROM (VALUES ('1>2>3>4'), ('2>1>3>4'), ('1>3>2>4'), ('1>2>3=4'),
      ('3>1>2=4'), ('2>4>1>3'), ('1>4>2>3'), ('4>3>1=2')) v(r)) x, jsonb_each_text(m->'theta') ORDER BY value::float8 DESC;
