-- pgTAP: Bradley-Terry second half (MM, bootstrap, Elo, Plackett-Luce, evaluation): identities and error codes
BEGIN;
SELECT plan(19);
CREATE TEMP TABLE tap_t AS SELECT pref.tally(w::bigint, l::bigint) AS t
FROM (SELECT 1 + g % 5 AS w, 1 + (g * 3 + 1 + g % 2) % 5 AS l FROM generate_series(1, 400) g) s WHERE w <> l;
-- MM and Newton agree within 1e-8 on every strength
SELECT ok((SELECT max(abs(a.rating - b.rating)) < 1e-8 FROM tap_t, pref.ratings(pref.bradley_terry(t, 'mm', tol => 1e-12), 'logit') a
           JOIN pref.ratings(pref.bradley_terry(t, 'newton'), 'logit') b USING (item)), 'MM equals Newton');
SELECT is((SELECT pref.bt_summary(pref.bradley_terry(t, 'mm'))->>'method' FROM tap_t), 'mm', 'summary reports the method');
-- bootstrap reproducible; rank interval contains the point rank ordering
SELECT ok((SELECT array_agg(std_error ORDER BY item) FROM tap_t, pref.bt_bootstrap(t, 50, 7))
        = (SELECT array_agg(std_error ORDER BY item) FROM tap_t, pref.bt_bootstrap(t, 50, 7)), 'bootstrap is reproducible');
SELECT ok((SELECT bool_and(lower <= rating AND rating <= upper AND rank_lower <= rank_upper) FROM tap_t, pref.bt_bootstrap(t, 200, 7)),
          'bootstrap intervals contain the fit');
-- Elo of one game from equal ratings moves k/2 each way
SELECT is((SELECT pref.elo(1::bigint, 2::bigint, false, 32)->>'1'), '1016', 'one Elo game: +k/2');
SELECT is((SELECT pref.elo(1::bigint, 2::bigint, true, 32)->>'1'), '1000', 'a tie between equals changes nothing');
-- Plackett-Luce of two-item rankings equals Bradley-Terry
SELECT ok((SELECT max(abs((pl.m->'theta'->>r.item)::float8 - r.rating)) < 1e-8
           FROM (SELECT pref.plackett_luce(pref.ranking(ARRAY[w, l]::bigint[])) AS m
                 FROM (SELECT 1 + g % 5 AS w, 1 + (g * 3 + 1 + g % 2) % 5 AS l FROM generate_series(1, 400) g) s WHERE w <> l) pl,
                tap_t, pref.ratings(pref.bradley_terry(t, tol => 1e-12), 'logit') r), 'Plackett-Luce on pairs is Bradley-Terry');
-- evaluation of a flat model: log loss ln 2
CREATE TEMP TABLE tap_flat AS SELECT pref.bradley_terry(pref.tally(w, l)) AS m FROM (VALUES (1::bigint, 2::bigint), (2, 1)) v(w, l);
SELECT ok((SELECT abs((pref.bt_eval((SELECT m FROM tap_flat), w, l)->>'log_loss')::float8 - ln(2)) < 1e-12
           FROM (VALUES (1::bigint, 2::bigint), (2, 1)) v(w, l)), 'flat model log loss is ln 2');
-- errors and their SQLSTATEs
SELECT throws_ok($$SELECT pref.bradley_terry(t, 'lbfgs') FROM tap_t$$, '22023', 'invalid value for argument method: "lbfgs"', 'unknown method');
SELECT throws_ok($$SELECT pref.bradley_terry(pref.tally(1::bigint, 2::bigint, true), 'mm', ties => 'davidson')$$, '22023',
                 'the MM method fits ties => ''none'' or ''half'' without order_effect', 'MM does not fit Davidson');
SELECT throws_ok($$SELECT * FROM tap_t, pref.bt_bootstrap(t, 1)$$, '22023', 'rounds must be between 2 and 1000000', 'too few rounds');
SELECT throws_ok($$SELECT pref.elo(1::bigint, 1::bigint)$$, '22000', 'winner and loser are the same item', 'Elo self-comparison');
SELECT throws_ok($$SELECT pref.plackett_luce('1>2'::pref.ranking)$$, '22000', 'the maximum likelihood estimate does not exist', 'PL without an MLE');
SELECT throws_ok($$SELECT pref.elo(1::bigint, 2::bigint, false, 'NaN')$$, '22023', 'Elo k must be positive and finite', 'NaN k');
-- one entry point per signature: text items work like bigint items
SELECT is((SELECT pref.elo(w::text, l::text ORDER BY i) FROM (VALUES (1, 1, 2), (2, 2, 3), (3, 1, 3)) v(i, w, l)),
          (SELECT pref.elo(w::bigint, l::bigint ORDER BY i) FROM (VALUES (1, 1, 2), (2, 2, 3), (3, 1, 3)) v(i, w, l)),
          'Elo over text items equals Elo over bigint items');
CREATE TEMP TABLE tap_flat_text AS SELECT pref.bradley_terry(pref.tally(w, l)) AS m FROM (VALUES ('a', 'b'), ('b', 'a')) v(w, l);
SELECT ok((SELECT abs((pref.bt_eval((SELECT m FROM tap_flat_text), w, l)->>'log_loss')::float8 - ln(2)) < 1e-12
           FROM (VALUES ('a', 'b'), ('b', 'a')) v(w, l)), 'bt_eval with text items');
SELECT is((SELECT pref.bt_fit(w, l)::text FROM (SELECT 1 + g % 5 AS w, 1 + (g * 3 + 1 + g % 2) % 5 AS l FROM generate_series(1, 400) g) s WHERE w <> l),
          (SELECT pref.bradley_terry(t)::text FROM tap_t), 'bt_fit equals bradley_terry(tally)');
SELECT throws_ok($$SELECT pref.bt_eval_final(ARRAY[1, 'NaN', 0, 0, 0]::float8[])$$, '22000',
                 'pref.bt_eval state must hold finite values that are not negative', 'bt_eval state with NaN');
SELECT throws_ok($$SELECT pref.bt_eval_combine(ARRAY[1, 0, 0]::float8[], NULL)$$, '22000',
                 'pref.bt_eval state must be a float8 array of 5 elements', 'bt_eval state of 3 elements');
SELECT * FROM finish();
ROLLBACK;
