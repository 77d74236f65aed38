--
-- cancel: long-running functions honour statement_timeout (and so a cancel
-- request) within 1.5 s, including while they allocate and first touch
-- large dense matrices.  Each check runs one call under a 300 ms
-- statement_timeout in a function that catches the cancel, measures with
-- clock_timestamp() how long after the timeout the call ended, and raises
-- if that is more than 1.5 s, or if the call finished before the timeout.
-- The expected output holds the error text only, never a time.
--
SET client_min_messages = error;

-- ---- inputs (no timeout) --------------------------------------------------
SELECT setseed(0.11);
-- 15000 x 128 embeddings (dense facility location, KNN-Shapley)
CREATE TABLE cancel_emb AS
SELECT i AS id, e AS embedding, (i % 3)::int AS label
FROM generate_series(1, 15000) i,
	 LATERAL (SELECT array_agg(random()::real) AS e FROM generate_series(1, 128) j WHERE i > 0) x;
-- 15000 pairs of embeddings (reward models)
CREATE TABLE cancel_pairs AS
SELECT a.id, a.embedding AS chosen, b.embedding AS rejected
FROM cancel_emb a JOIN cancel_emb b ON b.id = a.id % 5000 + 1;
-- random battles: 3000 items in 400000 rows (Newton), 40000 items in
-- 2000000 rows (MM); a model of the 3000 items
CREATE TABLE cancel_battles AS
SELECT w AS winner, l AS loser
FROM (SELECT floor(random() * 3000)::bigint w, floor(random() * 3000)::bigint l FROM generate_series(1, 400000)) s
WHERE w <> l;
CREATE TABLE cancel_tally AS
SELECT 'newton' AS fit, pref.tally(winner, loser) AS t FROM cancel_battles
UNION ALL
SELECT 'mm', pref.tally(w, l)
FROM (SELECT floor(random() * 40000)::bigint w, floor(random() * 40000)::bigint l FROM generate_series(1, 2000000)) s
WHERE w <> l;
CREATE TABLE cancel_model AS
SELECT pref.bradley_terry(t, prior => 1, max_iter => 3) AS m FROM cancel_tally WHERE fit = 'newton';
-- 1000000 labels (200000 items, 50 annotators); 2000000 scored responses
CREATE TABLE cancel_labels AS
SELECT i / 5 AS item_id, 'ann' || (i % 50) AS annotator, (ARRAY['a', 'b', 'c'])[1 + (i * 7 + i / 5) % 3] AS label
FROM generate_series(1, 1000000) i;
CREATE TABLE cancel_scores AS
SELECT i / 8 AS prompt_id, i AS response_id, random() AS score FROM generate_series(1, 2000000) i;
-- a pca state of dimension 2500 (the eigenproblem of its final function)
CREATE AGGREGATE cancel_pca_state(float8[], int) (SFUNC = pref.pca_accum, STYPE = pref.gram_state);
CREATE TABLE cancel_pca AS
SELECT cancel_pca_state(x, 10) AS s
FROM (SELECT i, array_agg(random()) AS x FROM generate_series(1, 3) i, generate_series(1, 2500) j GROUP BY i) r;
ANALYZE cancel_emb, cancel_pairs, cancel_battles, cancel_tally, cancel_model, cancel_labels, cancel_scores;

-- Calls that take longer than 1.5 s to cancel today, in files being fixed
-- elsewhere: checked for the cancel, not for the time (delete the row once
-- the fix is merged)
CREATE TABLE cancel_known_slow (label text PRIMARY KEY, owner text NOT NULL);

-- Run stmt under the session's statement_timeout; the error text, or a
-- raise if the cancel came more than 1.5 s after the timeout or the call
-- finished before it
CREATE FUNCTION cancel_check(label text, stmt text) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
	t0 timestamptz := statement_timestamp();
	timeout interval := current_setting('statement_timeout')::interval;
	late interval;
BEGIN
	BEGIN
		EXECUTE stmt;
	EXCEPTION WHEN query_canceled THEN
		late := clock_timestamp() - t0 - timeout;
		IF late > interval '1.5 s' AND label NOT IN (SELECT k.label FROM cancel_known_slow k) THEN
			RAISE EXCEPTION '%: cancelled % after the timeout', label, late;
		END IF;
		RETURN label || ': ' || SQLERRM;
	END;
	RAISE EXCEPTION '%: finished in % (before the timeout; make the input larger)', label, clock_timestamp() - t0;
END
$$;

-- ---- the checks -----------------------------------------------------------
SET statement_timeout = '300ms';
-- Bradley-Terry: Newton's Cholesky of 3000 x 3000, MM sweeps over 2M cells,
-- the aggregate, covariances for ratings (model and sandwich), the bootstrap
SELECT cancel_check('bradley_terry, Newton, 3000 items',
	'SELECT pref.bradley_terry(t, method => ''newton'') FROM cancel_tally WHERE fit = ''newton''');
SELECT cancel_check('bradley_terry, MM, 40000 items',
	'SELECT pref.bradley_terry(t, method => ''mm'', max_iter => 100000, tol => 1e-300) FROM cancel_tally WHERE fit = ''mm''');
SELECT cancel_check('bt_fit over 1200000 rows',
	'SELECT pref.bt_fit(winner, loser) FROM cancel_battles, generate_series(1, 3)');
SELECT cancel_check('ratings, 3000 items',
	'SELECT count(*) FROM cancel_model, pref.ratings(m)');
SELECT cancel_check('ratings, sandwich standard errors, 3000 items',
	'SELECT count(*) FROM cancel_model, pref.ratings(m, se => ''sandwich'')');
SELECT cancel_check('bt_bootstrap, 3000 items',
	'SELECT count(*) FROM cancel_tally, pref.bt_bootstrap(t, rounds => 1000) WHERE fit = ''newton''');
-- pca: the 2500 x 2500 eigenproblem of the final function
SELECT cancel_check('pca final, 2500 dimensions',
	'SELECT (pref.pca_final(s)).n FROM cancel_pca');
SELECT cancel_check('plackett_luce over 400000 rankings',
	'SELECT pref.plackett_luce(pref.ranking(ARRAY[winner, loser])) FROM cancel_battles');
-- valuation and selection over 15000 x 128
SELECT cancel_check('knn_shapley, 15000 x 128',
	'SELECT count(*) FROM pref.knn_shapley(''SELECT id, embedding, label FROM cancel_emb'', ''SELECT embedding, label FROM cancel_emb WHERE id <= 2000'', 5)');
SELECT cancel_check('data_shapley, 15000 x 128',
	'SELECT count(*) FROM pref.data_shapley(''SELECT id, embedding, label FROM cancel_emb'', ''SELECT embedding, label FROM cancel_emb WHERE id <= 500'', permutations => 100)');
SELECT cancel_check('select_subset, dense facility location, 15000 x 128',
	'SELECT count(*) FROM pref.select_subset(''SELECT id, embedding FROM cancel_emb'', 100, ''facility_location'', single_precision => true)');
SELECT cancel_check('select_subset, dense facility location, 10000 x 128, double',
	'SELECT count(*) FROM pref.select_subset(''SELECT id, embedding FROM cancel_emb WHERE id <= 10000'', 100, ''facility_location'')');
SELECT cancel_check('near_duplicates, 15000 x 128',
	'SELECT count(*) FROM pref.near_duplicates(''SELECT id, embedding FROM cancel_emb'', 0.99)');
-- reward models
SELECT cancel_check('reward_fit, L-BFGS, 15000 pairs x 128',
	'SELECT pref.reward_fit(''SELECT chosen, rejected FROM cancel_pairs'', method => ''lbfgs'', max_iter => 1000, tol => 1e-300)');
-- curation over 1000000 labels and 2000000 scores
SELECT cancel_check('dawid_skene, 1000000 labels',
	'SELECT count(*) FROM pref.dawid_skene(''SELECT item_id, annotator, label FROM cancel_labels'', max_iter => 1000, tol => 0)');
SELECT cancel_check('majority_vote, 4000000 labels',
	'SELECT count(*) FROM pref.majority_vote(''SELECT item_id * 4 + g, annotator, label FROM cancel_labels, generate_series(0, 3) g'')');
SELECT cancel_check('binarize, all pairs, 2000000 responses',
	'SELECT count(*) FROM pref.binarize(''SELECT prompt_id, response_id, score FROM cancel_scores'', ''all_pairs'')');
RESET statement_timeout;

SELECT label AS "not held to 1.5 s yet", owner FROM cancel_known_slow ORDER BY 1;

DROP FUNCTION cancel_check(text, text);
DROP TABLE cancel_emb, cancel_pairs, cancel_battles, cancel_tally, cancel_model, cancel_labels,
	cancel_scores, cancel_known_slow;
RESET client_min_messages;
