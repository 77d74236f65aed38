--
-- bt_converge: Bradley-Terry fits that cannot converge say so (issue 11,
-- item 7), and fits over no data give NULL (docs/conventions.md)
--
-- nothing but ties: the tie parameter of davidson / rao_kupper has no
-- finite estimate; an error with a hint, whatever the prior
CREATE TEMP TABLE conv_ties AS
SELECT pref.tally(w, l, true) AS t FROM (VALUES (1::bigint, 2::bigint), (2, 3), (3, 1), (1, 3)) v(w, l);
SELECT pref.bradley_terry(t) FROM conv_ties;
SELECT pref.bradley_terry(t, ties => 'rao_kupper') FROM conv_ties;
SELECT pref.bradley_terry(t, prior => 1, ties => 'davidson') FROM conv_ties;
SELECT pref.bradley_terry(t, 'newton', ties => 'davidson') FROM conv_ties;
SELECT count(*) FROM conv_ties, pref.bt_bootstrap(t, rounds => 10);
SELECT pref.bt_fit(w, l, true) FROM (VALUES (1::bigint, 2::bigint), (2, 3), (3, 1)) v(w, l);
-- the hint's way out: ties as half a win each, all strengths equal
SELECT (pref.bt_summary(m))->>'converged' AS converged, (pref.bt_summary(m))->>'ties' AS ties,
	   (SELECT max(abs(r.rating - 1000)) < 1e-9 FROM pref.ratings(m) r) AS all_equal
FROM (SELECT pref.bradley_terry(t, ties => 'half') AS m FROM conv_ties) s;
-- one decisive comparison is enough for a finite tie parameter
SELECT (pref.bt_summary(pref.bradley_terry(pref.tally(w, l, tie))))->>'converged' AS converged
FROM (VALUES (1::bigint, 2::bigint, true), (2, 3, true), (3, 1, true), (1, 3, true), (1, 2, false), (2, 1, false)) v(w, l, tie);

-- a fit stopped by max_iter warns and reports converged = false
SELECT (pref.bt_summary(pref.bradley_terry(pref.tally(w, l), max_iter => 1)))->>'converged' AS converged
FROM (VALUES (1::bigint, 2::bigint), (2, 3), (3, 1), (1, 3), (2, 1), (1, 2)) v(w, l);
-- and a converged one does not
SELECT (pref.bt_summary(pref.bradley_terry(pref.tally(w, l))))->>'converged' AS converged
FROM (VALUES (1::bigint, 2::bigint), (2, 3), (3, 1), (1, 3), (2, 1), (1, 2)) v(w, l);

-- no data: NULL model, empty leaderboard (the README's query on an empty
-- table), NULL probabilities
CREATE TEMP TABLE conv_empty (winner bigint, loser bigint);
SELECT pref.bt_fit(winner, loser) IS NULL AS no_rows FROM conv_empty;
SELECT count(*) AS leaderboard_rows FROM pref.ratings((SELECT pref.bt_fit(winner, loser) FROM conv_empty));
SELECT pref.win_prob((SELECT pref.bt_fit(winner, loser) FROM conv_empty), 1, 2) IS NULL AS win_prob_null;
INSERT INTO conv_empty VALUES (NULL, 2), (1, NULL), (NULL, NULL);
SELECT pref.bt_fit(winner, loser) IS NULL AS all_rows_skipped FROM conv_empty;
SELECT pref.bradley_terry(pref.tally(winner, loser)) IS NULL AS empty_tally,
	   pref.bradley_terry(pref.tally(winner, loser), 'newton') IS NULL AS empty_tally_method
FROM conv_empty;
SELECT count(*) AS ratings_of_null FROM pref.ratings(NULL::pref.bt_model);
SELECT count(*) AS ratings_of_null_logit FROM pref.ratings(NULL, 'logit', anchor => '1');
-- data, but not enough for a fit: an error, not NULL
SELECT pref.bradley_terry(pref.tally(w, l)) FROM (VALUES (1::bigint, 2::bigint), (1, 2)) v(w, l);

-- NULL options of ratings: errors naming them (anchor NULL: no anchor)
CREATE TEMP TABLE conv_model AS
SELECT pref.bradley_terry(pref.tally(w, l)) AS m
FROM (VALUES (1::bigint, 2::bigint), (2, 3), (3, 1), (1, 3), (2, 1), (1, 2)) v(w, l);
SELECT count(*) FROM conv_model, pref.ratings(m, anchor => NULL);
SELECT count(*) FROM conv_model, pref.ratings(m, scale => NULL);
SELECT count(*) FROM conv_model, pref.ratings(m, anchor_rating => NULL);
SELECT count(*) FROM conv_model, pref.ratings(m, level => NULL);
SELECT count(*) FROM conv_model, pref.ratings(m, se => NULL);
SELECT count(*) FROM conv_model, pref.ratings(m, se => 'robust');
