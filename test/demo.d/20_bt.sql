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
