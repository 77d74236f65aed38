-- Curation: ratings to pairs, majority vote and Dawid-Skene over multi-annotator labels

CREATE FUNCTION @extschema@.binarize(
	sql text,
	strategy text DEFAULT 'best_vs_random',
	min_margin double precision DEFAULT 0,
	seed bigint DEFAULT 0,
	weights double precision[] DEFAULT NULL)
RETURNS TABLE (prompt_id bigint, chosen bigint, rejected bigint, margin double precision)
AS 'MODULE_PATHNAME', 'pref_binarize'
LANGUAGE C VOLATILE;

COMMENT ON FUNCTION @extschema@.binarize(text, text, double precision, bigint, double precision[]) IS
'ratings to preference pairs: the query yields (prompt_id, response_id, score), or (prompt_id, response_id, scores[]) combined by weights; strategies best_vs_random, best_vs_worst, all_pairs, best_vs_all; pairs need margin > min_margin';

CREATE FUNCTION @extschema@.majority_vote(sql text, ties text DEFAULT 'null')
RETURNS TABLE (item_id bigint, label text, votes integer, total integer, share double precision, tied boolean)
AS 'MODULE_PATHNAME', 'pref_majority_vote'
LANGUAGE C VOLATILE;

COMMENT ON FUNCTION @extschema@.majority_vote(text, text) IS
'majority label per item from (item_id, annotator, label) rows; ties: null (label NULL), lowest (bytewise smallest label), drop (omit the item)';

CREATE FUNCTION @extschema@.dawid_skene(
	sql text,
	max_iter integer DEFAULT 100,
	tol double precision DEFAULT 1e-6,
	smoothing double precision DEFAULT 0.01,
	repeats text DEFAULT 'count')
RETURNS TABLE (item_id bigint, label text, probability double precision, labels text[],
	probabilities double precision[], iterations integer, converged boolean, log_likelihood double precision)
AS 'MODULE_PATHNAME', 'pref_dawid_skene'
LANGUAGE C VOLATILE;

COMMENT ON FUNCTION @extschema@.dawid_skene(text, integer, double precision, double precision, text) IS
'Dawid-Skene EM over (item_id, annotator, label) rows: per item the most probable true label, its posterior, and the posteriors of all labels; repeats count (an annotator''s repeated labels of an item are separate observations, as in Dawid and Skene 1979) or error';

CREATE FUNCTION @extschema@.dawid_skene_annotators(
	sql text,
	max_iter integer DEFAULT 100,
	tol double precision DEFAULT 1e-6,
	smoothing double precision DEFAULT 0.01,
	repeats text DEFAULT 'count')
RETURNS TABLE (annotator text, labelled integer, accuracy double precision, labels text[],
	confusion double precision[], class_prior double precision[], iterations integer, converged boolean)
AS 'MODULE_PATHNAME', 'pref_dawid_skene_annotators'
LANGUAGE C VOLATILE;

COMMENT ON FUNCTION @extschema@.dawid_skene_annotators(text, integer, double precision, double precision, text) IS
'Dawid-Skene EM over (item_id, annotator, label) rows: per annotator the estimated confusion matrix (true label x given label) and accuracy; repeats count (repeated labels are separate observations) or error';

-- Ids of any type: the same functions with an id_type argument (e.g.
-- id_type => NULL::uuid) return the ids in that type; the query's id
-- columns must have it.

CREATE FUNCTION @extschema@.binarize(
	sql text,
	id_type anyelement,
	strategy text DEFAULT 'best_vs_random',
	min_margin double precision DEFAULT 0,
	seed bigint DEFAULT 0,
	weights double precision[] DEFAULT NULL)
RETURNS TABLE (prompt_id anyelement, chosen anyelement, rejected anyelement, margin double precision)
AS 'MODULE_PATHNAME', 'pref_binarize_any'
LANGUAGE C VOLATILE;

COMMENT ON FUNCTION @extschema@.binarize(text, anyelement, text, double precision, bigint, double precision[]) IS
'pref.binarize with prompt and response ids of any type (id_type => NULL::text, NULL::uuid, ...): both id columns of the query must have the type of id_type, and the pairs return them in it';

CREATE FUNCTION @extschema@.majority_vote(sql text, id_type anyelement, ties text DEFAULT 'null')
RETURNS TABLE (item_id anyelement, label text, votes integer, total integer, share double precision, tied boolean)
AS 'MODULE_PATHNAME', 'pref_majority_vote_any'
LANGUAGE C VOLATILE;

COMMENT ON FUNCTION @extschema@.majority_vote(text, anyelement, text) IS
'pref.majority_vote with item ids of any type (id_type => NULL::text, NULL::uuid, ...): the query''s item_id must have the type of id_type, and the result returns it in it';

CREATE FUNCTION @extschema@.dawid_skene(
	sql text,
	id_type anyelement,
	max_iter integer DEFAULT 100,
	tol double precision DEFAULT 1e-6,
	smoothing double precision DEFAULT 0.01,
	repeats text DEFAULT 'count')
RETURNS TABLE (item_id anyelement, label text, probability double precision, labels text[],
	probabilities double precision[], iterations integer, converged boolean, log_likelihood double precision)
AS 'MODULE_PATHNAME', 'pref_dawid_skene_any'
LANGUAGE C VOLATILE;

COMMENT ON FUNCTION @extschema@.dawid_skene(text, anyelement, integer, double precision, double precision, text) IS
'pref.dawid_skene with item ids of any type (id_type => NULL::text, NULL::uuid, ...): the query''s item_id must have the type of id_type, and the result returns it in it';
