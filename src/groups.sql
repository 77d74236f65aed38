-- Group comparisons: two Bradley-Terry models item by item (pref.bt_compare)

CREATE FUNCTION @extschema@.bt_compare(a @extschema@.bt_model, b @extschema@.bt_model, scale text DEFAULT 'elo',
	anchor text DEFAULT NULL, level double precision DEFAULT 0.95, se text DEFAULT 'model')
	RETURNS TABLE (item text, rating_a double precision, rating_b double precision, difference double precision,
				   std_error double precision, lower double precision, upper double precision, z double precision,
				   p_value double precision, p_holm double precision, p_bh double precision)
	AS 'MODULE_PATHNAME', 'pref_bt_compare' LANGUAGE C IMMUTABLE PARALLEL SAFE ROWS 100;
COMMENT ON FUNCTION @extschema@.bt_compare(@extschema@.bt_model, @extschema@.bt_model, text, text, double precision, text) IS
'per item difference of two independently fitted Bradley-Terry models (e.g. two user groups) over the items both rate: ratings centred on those items (or relative to anchor), difference a - b, standard error sqrt(se_a^2 + se_b^2), interval at level, z, two-sided p, Holm and Benjamini-Hochberg adjusted p; no rows when either model is NULL';

-- ---- reward-model report ------------------------------------------------------

-- The state of pref.reward_report: a real type, so that Citus can split the
-- aggregate across workers (partial states travel as its text form)
CREATE TYPE @extschema@.reward_report;

CREATE FUNCTION @extschema@.reward_report_in(cstring) RETURNS @extschema@.reward_report
	AS 'MODULE_PATHNAME', 'pref_reward_report_in' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.reward_report_out(@extschema@.reward_report) RETURNS cstring
	AS 'MODULE_PATHNAME', 'pref_reward_report_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.reward_report_recv(internal) RETURNS @extschema@.reward_report
	AS 'MODULE_PATHNAME', 'pref_reward_report_recv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.reward_report_send(@extschema@.reward_report) RETURNS bytea
	AS 'MODULE_PATHNAME', 'pref_reward_report_send' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE TYPE @extschema@.reward_report (
	INPUT = @extschema@.reward_report_in,
	OUTPUT = @extschema@.reward_report_out,
	RECEIVE = @extschema@.reward_report_recv,
	SEND = @extschema@.reward_report_send,
	INTERNALLENGTH = VARIABLE,
	ALIGNMENT = double,
	STORAGE = extended
);
COMMENT ON TYPE @extschema@.reward_report IS
'reward-model report (aggregate pref.reward_report, also its state): per category row count, wins, ties, weight sums and every margin chosen - rejected; read with pref.report_categories, pref.report_summary, pref.report_compare; text form "v1:" + base64, validated on input';
COMMENT ON FUNCTION @extschema@.reward_report_in(cstring) IS 'pref.reward_report text input ("v1:" + base64), fully validated';
COMMENT ON FUNCTION @extschema@.reward_report_out(@extschema@.reward_report) IS 'pref.reward_report text output ("v1:" + base64)';
COMMENT ON FUNCTION @extschema@.reward_report_recv(internal) IS 'pref.reward_report binary input, fully validated';
COMMENT ON FUNCTION @extschema@.reward_report_send(@extschema@.reward_report) IS 'pref.reward_report binary output';

CREATE FUNCTION @extschema@.reward_report_accum(@extschema@.reward_report, text, double precision, double precision)
	RETURNS @extschema@.reward_report AS 'MODULE_PATHNAME', 'pref_reward_report_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.reward_report_accum(@extschema@.reward_report, text, double precision, double precision, double precision)
	RETURNS @extschema@.reward_report AS 'MODULE_PATHNAME', 'pref_reward_report_accum_weighted' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.reward_report_combine(@extschema@.reward_report, @extschema@.reward_report)
	RETURNS @extschema@.reward_report AS 'MODULE_PATHNAME', 'pref_reward_report_combine' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.reward_report_accum(@extschema@.reward_report, text, double precision, double precision) IS
'pref.reward_report transition function: adds a (category, chosen, rejected) row; rows with a NULL skipped';
COMMENT ON FUNCTION @extschema@.reward_report_accum(@extschema@.reward_report, text, double precision, double precision, double precision) IS
'pref.reward_report transition function: adds a (category, chosen, rejected, weight) row; rows with a NULL skipped';
COMMENT ON FUNCTION @extschema@.reward_report_combine(@extschema@.reward_report, @extschema@.reward_report) IS
'pref.reward_report combine function: merges two partial reports (NULL-safe)';

CREATE AGGREGATE @extschema@.reward_report(category text, chosen double precision, rejected double precision) (
	SFUNC = @extschema@.reward_report_accum, STYPE = @extschema@.reward_report, SSPACE = 65536,
	COMBINEFUNC = @extschema@.reward_report_combine,
	PARALLEL = SAFE);
COMMENT ON AGGREGATE @extschema@.reward_report(text, double precision, double precision) IS
'reward-model report over (category, chosen score, rejected score): a pair is correct when chosen > rejected, a tie counts half; NULL rows skipped, no rows: NULL';
CREATE AGGREGATE @extschema@.reward_report(category text, chosen double precision, rejected double precision, weight double precision) (
	SFUNC = @extschema@.reward_report_accum, STYPE = @extschema@.reward_report, SSPACE = 65536,
	COMBINEFUNC = @extschema@.reward_report_combine,
	PARALLEL = SAFE);
COMMENT ON AGGREGATE @extschema@.reward_report(text, double precision, double precision, double precision) IS
'reward-model report over (category, chosen score, rejected score, weight >= 0): weighted accuracy sum(w * correct) / sum(w), effective size (sum w)^2 / sum w^2; NULL rows skipped, no rows: NULL';

CREATE FUNCTION @extschema@.report_categories(r @extschema@.reward_report, level double precision DEFAULT 0.95,
	quantiles double precision[] DEFAULT '{0.1,0.25,0.5,0.75,0.9}')
	RETURNS TABLE (category text, n bigint, wins bigint, ties bigint, weight double precision, effective_n double precision,
				   accuracy double precision, lower double precision, upper double precision, mean_margin double precision,
				   margin_quantiles double precision[])
	AS 'MODULE_PATHNAME', 'pref_report_categories' LANGUAGE C IMMUTABLE PARALLEL SAFE ROWS 20;
COMMENT ON FUNCTION @extschema@.report_categories(@extschema@.reward_report, double precision, double precision[]) IS
'per category of a reward report, by name: rows, wins, ties, weight, effective size, accuracy with its Wilson interval at level, mean margin and exact margin quantiles (linear interpolation, as percentile_cont); NULL report: no rows';

CREATE FUNCTION @extschema@.report_summary(r @extschema@.reward_report, category_weights jsonb DEFAULT NULL,
	level double precision DEFAULT 0.95, quantiles double precision[] DEFAULT '{0.1,0.25,0.5,0.75,0.9}')
	RETURNS TABLE (categories integer, n bigint, weight double precision, effective_n double precision,
				   accuracy double precision, lower double precision, upper double precision, score double precision,
				   margin_quantiles double precision[])
	AS 'MODULE_PATHNAME', 'pref_report_summary' LANGUAGE C IMMUTABLE PARALLEL SAFE ROWS 1;
COMMENT ON FUNCTION @extschema@.report_summary(@extschema@.reward_report, jsonb, double precision, double precision[]) IS
'overall figures of a reward report: pooled accuracy over all rows with its Wilson interval, score = weighted mean of the category accuracies (category_weights: a JSON object of category weights, absent categories 0; NULL: 1 each, the RewardBench average), margin quantiles; NULL report: no rows';

CREATE FUNCTION @extschema@.report_compare(r @extschema@.reward_report, against text DEFAULT 'rest')
	RETURNS TABLE (category text, other text, accuracy double precision, other_accuracy double precision,
				   difference double precision, std_error double precision, z double precision,
				   p_value double precision, p_holm double precision, p_bh double precision)
	AS 'MODULE_PATHNAME', 'pref_report_compare' LANGUAGE C IMMUTABLE PARALLEL SAFE ROWS 20;
COMMENT ON FUNCTION @extschema@.report_compare(@extschema@.reward_report, text) IS
'accuracy differences across the categories of a reward report: each category against the rest (against => rest; other is NULL) or every pair (pairwise), pooled two-proportion z-test on effective sizes, two-sided p, Holm and Benjamini-Hochberg adjusted over the rows returned; NULL report: no rows';

-- ---- statistical rejection sampling (RSO) and reward-augmented pairs ----------

CREATE FUNCTION @extschema@.rejection_sample(sql text, beta double precision, per_prompt integer, seed bigint DEFAULT 0)
	RETURNS TABLE (prompt_id bigint, response_id bigint, reward double precision, accepted integer, round integer)
	AS 'MODULE_PATHNAME', 'pref_rejection_sample' LANGUAGE C VOLATILE;
COMMENT ON FUNCTION @extschema@.rejection_sample(text, double precision, integer, bigint) IS
'statistical rejection sampling (RSO, Liu et al. 2023) over the query''s (prompt_id, response_id, reward) rows: per prompt, in rounds over the remaining responses in id order, accept each with probability exp((reward - max remaining reward) / beta) until per_prompt are accepted; accepted = acceptance order, round = round of acceptance; seeded per (seed, prompt)';

CREATE FUNCTION @extschema@.rso_pairs(sql text, beta double precision, per_prompt integer, seed bigint DEFAULT 0,
	pairing text DEFAULT 'adjacent')
	RETURNS TABLE (prompt_id bigint, chosen_id bigint, rejected_id bigint, chosen_reward double precision,
				   rejected_reward double precision)
	AS 'MODULE_PATHNAME', 'pref_rso_pairs' LANGUAGE C VOLATILE;
COMMENT ON FUNCTION @extschema@.rso_pairs(text, double precision, integer, bigint, text) IS
'preference pairs from pref.rejection_sample''s accepted responses (same arguments): pairing adjacent = the 1st with the 2nd accepted, the 3rd with the 4th, ...; all = every pair; the higher reward is chosen, equal rewards give no pair';

CREATE FUNCTION @extschema@.reward_augmented_pairs(sql text)
	RETURNS TABLE (prompt_id bigint, target_reward double precision, chosen_id bigint, rejected_id bigint,
				   chosen_reward double precision, rejected_reward double precision, flipped boolean)
	AS 'MODULE_PATHNAME', 'pref_reward_augmented_pairs' LANGUAGE C VOLATILE;
COMMENT ON FUNCTION @extschema@.reward_augmented_pairs(text) IS
'reward-augmented pairs (Zhang et al. 2024) of the query''s (prompt_id, chosen_id, rejected_id, chosen_reward, rejected_reward) rows: each pair with distinct rewards becomes two pairs conditioned on a target reward, target = chosen_reward preferring chosen and target = rejected_reward preferring rejected (flipped); pairs with equal rewards are skipped';

-- Ids of any type (as pref.binarize): the same functions with an id_type
-- argument return the ids in that type; the query's id columns must have it.
CREATE FUNCTION @extschema@.rejection_sample(sql text, beta double precision, per_prompt integer, seed bigint,
	id_type anyelement)
	RETURNS TABLE (prompt_id anyelement, response_id anyelement, reward double precision, accepted integer, round integer)
	AS 'MODULE_PATHNAME', 'pref_rejection_sample_any' LANGUAGE C VOLATILE;
COMMENT ON FUNCTION @extschema@.rejection_sample(text, double precision, integer, bigint, anyelement) IS
'pref.rejection_sample with prompt and response ids of any type (id_type => NULL::text, NULL::uuid, ...; seed is required here, so that a positional seed never matches id_type); a prompt''s draws depend only on the seed and that prompt''s id';

CREATE FUNCTION @extschema@.rso_pairs(sql text, beta double precision, per_prompt integer, seed bigint,
	pairing text, id_type anyelement)
	RETURNS TABLE (prompt_id anyelement, chosen_id anyelement, rejected_id anyelement, chosen_reward double precision,
				   rejected_reward double precision)
	AS 'MODULE_PATHNAME', 'pref_rso_pairs_any' LANGUAGE C VOLATILE;
COMMENT ON FUNCTION @extschema@.rso_pairs(text, double precision, integer, bigint, text, anyelement) IS
'pref.rso_pairs with prompt and response ids of any type (id_type => NULL::text, NULL::uuid, ...; seed and pairing are required here)';

CREATE FUNCTION @extschema@.reward_augmented_pairs(sql text, id_type anyelement)
	RETURNS TABLE (prompt_id anyelement, target_reward double precision, chosen_id anyelement, rejected_id anyelement,
				   chosen_reward double precision, rejected_reward double precision, flipped boolean)
	AS 'MODULE_PATHNAME', 'pref_reward_augmented_pairs_any' LANGUAGE C VOLATILE;
COMMENT ON FUNCTION @extschema@.reward_augmented_pairs(text, anyelement) IS
'pref.reward_augmented_pairs with prompt and response ids of any type (id_type => NULL::text, NULL::uuid, ...)';
