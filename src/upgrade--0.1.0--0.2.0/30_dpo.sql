-- DPO family (issue 12): the aggregates dpo_metrics, kto_metrics and
-- ranking_accuracy keep their state in the new type pref.dpo_state instead
-- of internal; their support functions are renamed to _accum / _combine /
-- _final with no _serialize / _deserialize.  Drop the old aggregates and
-- support functions, then create the new ones exactly as the install script.

DROP AGGREGATE @extschema@.dpo_metrics(double precision, double precision, double precision, double precision);
DROP AGGREGATE @extschema@.dpo_metrics(double precision, double precision, double precision, double precision, double precision);
DROP AGGREGATE @extschema@.dpo_metrics(double precision, double precision, double precision, double precision, double precision, text);
DROP AGGREGATE @extschema@.dpo_metrics(double precision, double precision, double precision, double precision, double precision, text, double precision);
DROP AGGREGATE @extschema@.dpo_metrics(double precision, double precision, double precision, double precision, double precision, text, double precision, text);
DROP AGGREGATE @extschema@.kto_metrics(double precision, double precision, boolean, double precision, double precision);
DROP AGGREGATE @extschema@.kto_metrics(double precision, double precision, boolean, double precision, double precision, double precision);
DROP AGGREGATE @extschema@.kto_metrics(double precision, double precision, boolean, double precision, double precision, double precision, double precision, double precision);
DROP AGGREGATE @extschema@.ranking_accuracy(double precision, double precision);
DROP AGGREGATE @extschema@.ranking_accuracy(double precision, double precision, double precision, double precision, double precision);
DROP AGGREGATE @extschema@.ranking_accuracy(double precision, double precision, double precision, double precision, double precision, double precision);
DROP FUNCTION @extschema@.dpo_metrics_accum(internal, double precision, double precision, double precision, double precision);
DROP FUNCTION @extschema@.dpo_metrics_accum(internal, double precision, double precision, double precision, double precision, double precision);
DROP FUNCTION @extschema@.dpo_metrics_accum(internal, double precision, double precision, double precision, double precision, double precision, text);
DROP FUNCTION @extschema@.dpo_metrics_accum(internal, double precision, double precision, double precision, double precision, double precision, text, double precision);
DROP FUNCTION @extschema@.dpo_metrics_accum(internal, double precision, double precision, double precision, double precision, double precision, text, double precision, text);
DROP FUNCTION @extschema@.dpo_metrics_combine(internal, internal);
DROP FUNCTION @extschema@.dpo_metrics_serialize(internal);
DROP FUNCTION @extschema@.dpo_metrics_deserialize(bytea, internal);
DROP FUNCTION @extschema@.dpo_metrics_final(internal);
DROP FUNCTION @extschema@.kto_metrics_accum(internal, double precision, double precision, boolean, double precision, double precision);
DROP FUNCTION @extschema@.kto_metrics_accum(internal, double precision, double precision, boolean, double precision, double precision, double precision);
DROP FUNCTION @extschema@.kto_metrics_accum(internal, double precision, double precision, boolean, double precision, double precision, double precision, double precision, double precision);
DROP FUNCTION @extschema@.kto_metrics_combine(internal, internal);
DROP FUNCTION @extschema@.kto_metrics_serialize(internal);
DROP FUNCTION @extschema@.kto_metrics_deserialize(bytea, internal);
DROP FUNCTION @extschema@.kto_metrics_final(internal);
DROP FUNCTION @extschema@.ranking_accuracy_accum(internal, double precision, double precision);
DROP FUNCTION @extschema@.ranking_accuracy_accum(internal, double precision, double precision, double precision, double precision, double precision);
DROP FUNCTION @extschema@.ranking_accuracy_accum(internal, double precision, double precision, double precision, double precision, double precision, double precision);
DROP FUNCTION @extschema@.ranking_accuracy_combine(internal, internal);
DROP FUNCTION @extschema@.ranking_accuracy_serialize(internal);
DROP FUNCTION @extschema@.ranking_accuracy_deserialize(bytea, internal);
DROP FUNCTION @extschema@.ranking_accuracy_final(internal);

-- ---- pref.dpo_state ------------------------------------------------------------
-- The transition state of dpo_metrics, kto_metrics and ranking_accuracy: a
-- real type, so that Citus can split the aggregates and move partial states
-- as text.  In memory an expanded object updated in place (src/dpo_state.c),
-- in its own memory context: one 8 kB block per group, hence SSPACE = 8192
-- in the aggregates below, so that the planner sizes hash aggregation right.

CREATE TYPE @extschema@.dpo_state;
CREATE FUNCTION @extschema@.dpo_state_in(cstring) RETURNS @extschema@.dpo_state
	AS 'MODULE_PATHNAME', 'pref_dpo_state_in' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.dpo_state_out(@extschema@.dpo_state) RETURNS cstring
	AS 'MODULE_PATHNAME', 'pref_dpo_state_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.dpo_state_recv(internal) RETURNS @extschema@.dpo_state
	AS 'MODULE_PATHNAME', 'pref_dpo_state_recv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.dpo_state_send(@extschema@.dpo_state) RETURNS bytea
	AS 'MODULE_PATHNAME', 'pref_dpo_state_send' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE TYPE @extschema@.dpo_state (
	INPUT = @extschema@.dpo_state_in,
	OUTPUT = @extschema@.dpo_state_out,
	RECEIVE = @extschema@.dpo_state_recv,
	SEND = @extschema@.dpo_state_send,
	INTERNALLENGTH = VARIABLE,
	ALIGNMENT = double,
	STORAGE = extended
);
COMMENT ON TYPE @extschema@.dpo_state IS
'transition state of pref.dpo_metrics, pref.kto_metrics and pref.ranking_accuracy (partial aggregates, Citus): sums and counts, plus the rows themselves for aot kinds and KTO; text form ''v1:'' and base64, validated on input';
COMMENT ON FUNCTION @extschema@.dpo_state_in(cstring) IS 'text input for pref.dpo_state (''v1:'' and base64; validated)';
COMMENT ON FUNCTION @extschema@.dpo_state_out(@extschema@.dpo_state) IS 'text output for pref.dpo_state (''v1:'' and base64)';
COMMENT ON FUNCTION @extschema@.dpo_state_recv(internal) IS 'binary input for pref.dpo_state (validated)';
COMMENT ON FUNCTION @extschema@.dpo_state_send(@extschema@.dpo_state) IS 'binary output for pref.dpo_state';

-- dpo_metrics
CREATE FUNCTION @extschema@.dpo_metrics_accum(@extschema@.dpo_state, double precision, double precision, double precision, double precision)
	RETURNS @extschema@.dpo_state AS 'MODULE_PATHNAME', 'pref_dpo_metrics_accum_default' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.dpo_metrics_accum(@extschema@.dpo_state, double precision, double precision, double precision, double precision, double precision)
	RETURNS @extschema@.dpo_state AS 'MODULE_PATHNAME', 'pref_dpo_metrics_accum_beta' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.dpo_metrics_accum(@extschema@.dpo_state, double precision, double precision, double precision, double precision, double precision, text)
	RETURNS @extschema@.dpo_state AS 'MODULE_PATHNAME', 'pref_dpo_metrics_accum_loss' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.dpo_metrics_accum(@extschema@.dpo_state, double precision, double precision, double precision, double precision, double precision, text, double precision)
	RETURNS @extschema@.dpo_state AS 'MODULE_PATHNAME', 'pref_dpo_metrics_accum_weight' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.dpo_metrics_accum(@extschema@.dpo_state, double precision, double precision, double precision, double precision, double precision, text, double precision, text)
	RETURNS @extschema@.dpo_state AS 'MODULE_PATHNAME', 'pref_dpo_metrics_accum_options' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.dpo_metrics_combine(@extschema@.dpo_state, @extschema@.dpo_state)
	RETURNS @extschema@.dpo_state AS 'MODULE_PATHNAME', 'pref_dpo_metrics_combine_state' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.dpo_metrics_final(@extschema@.dpo_state)
	RETURNS @extschema@.dpo_stats AS 'MODULE_PATHNAME', 'pref_dpo_metrics_final_state' LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION @extschema@.dpo_metrics_accum(@extschema@.dpo_state, double precision, double precision, double precision, double precision) IS 'transition function of pref.dpo_metrics: adds one row to a pref.dpo_state (NULL state: a new one)';
COMMENT ON FUNCTION @extschema@.dpo_metrics_accum(@extschema@.dpo_state, double precision, double precision, double precision, double precision, double precision) IS 'transition function of pref.dpo_metrics: adds one row to a pref.dpo_state (NULL state: a new one)';
COMMENT ON FUNCTION @extschema@.dpo_metrics_accum(@extschema@.dpo_state, double precision, double precision, double precision, double precision, double precision, text) IS 'transition function of pref.dpo_metrics: adds one row to a pref.dpo_state (NULL state: a new one)';
COMMENT ON FUNCTION @extschema@.dpo_metrics_accum(@extschema@.dpo_state, double precision, double precision, double precision, double precision, double precision, text, double precision) IS 'transition function of pref.dpo_metrics: adds one row to a pref.dpo_state (NULL state: a new one)';
COMMENT ON FUNCTION @extschema@.dpo_metrics_accum(@extschema@.dpo_state, double precision, double precision, double precision, double precision, double precision, text, double precision, text) IS 'transition function of pref.dpo_metrics: adds one row to a pref.dpo_state (NULL state: a new one)';
COMMENT ON FUNCTION @extschema@.dpo_metrics_combine(@extschema@.dpo_state, @extschema@.dpo_state) IS 'combine function of pref.dpo_metrics: merges two pref.dpo_state values (NULL-safe)';
COMMENT ON FUNCTION @extschema@.dpo_metrics_final(@extschema@.dpo_state) IS 'final function of pref.dpo_metrics: pref.dpo_stats of a pref.dpo_state (NULL state: NULL)';

CREATE AGGREGATE @extschema@.dpo_metrics(policy_chosen_logp double precision, policy_rejected_logp double precision,
	ref_chosen_logp double precision, ref_rejected_logp double precision) (
	SFUNC = @extschema@.dpo_metrics_accum, STYPE = @extschema@.dpo_state, SSPACE = 8192,
	FINALFUNC = @extschema@.dpo_metrics_final, COMBINEFUNC = @extschema@.dpo_metrics_combine,
	PARALLEL = SAFE);
CREATE AGGREGATE @extschema@.dpo_metrics(policy_chosen_logp double precision, policy_rejected_logp double precision,
	ref_chosen_logp double precision, ref_rejected_logp double precision, beta double precision) (
	SFUNC = @extschema@.dpo_metrics_accum, STYPE = @extschema@.dpo_state, SSPACE = 8192,
	FINALFUNC = @extschema@.dpo_metrics_final, COMBINEFUNC = @extschema@.dpo_metrics_combine,
	PARALLEL = SAFE);
CREATE AGGREGATE @extschema@.dpo_metrics(policy_chosen_logp double precision, policy_rejected_logp double precision,
	ref_chosen_logp double precision, ref_rejected_logp double precision, beta double precision, loss text) (
	SFUNC = @extschema@.dpo_metrics_accum, STYPE = @extschema@.dpo_state, SSPACE = 8192,
	FINALFUNC = @extschema@.dpo_metrics_final, COMBINEFUNC = @extschema@.dpo_metrics_combine,
	PARALLEL = SAFE);
CREATE AGGREGATE @extschema@.dpo_metrics(policy_chosen_logp double precision, policy_rejected_logp double precision,
	ref_chosen_logp double precision, ref_rejected_logp double precision, beta double precision, loss text,
	weight double precision) (
	SFUNC = @extschema@.dpo_metrics_accum, STYPE = @extschema@.dpo_state, SSPACE = 8192,
	FINALFUNC = @extschema@.dpo_metrics_final, COMBINEFUNC = @extschema@.dpo_metrics_combine,
	PARALLEL = SAFE);
CREATE AGGREGATE @extschema@.dpo_metrics(policy_chosen_logp double precision, policy_rejected_logp double precision,
	ref_chosen_logp double precision, ref_rejected_logp double precision, beta double precision, loss text,
	weight double precision, options text) (
	SFUNC = @extschema@.dpo_metrics_accum, STYPE = @extschema@.dpo_state, SSPACE = 8192,
	FINALFUNC = @extschema@.dpo_metrics_final, COMBINEFUNC = @extschema@.dpo_metrics_combine,
	PARALLEL = SAFE);

COMMENT ON AGGREGATE @extschema@.dpo_metrics(double precision, double precision, double precision, double precision) IS
'DPO trainer metrics (beta 0.1, sigmoid loss) over a group of pairs: pref.dpo_stats';
COMMENT ON AGGREGATE @extschema@.dpo_metrics(double precision, double precision, double precision, double precision, double precision) IS
'DPO trainer metrics with the given beta (sigmoid loss): pref.dpo_stats';
COMMENT ON AGGREGATE @extschema@.dpo_metrics(double precision, double precision, double precision, double precision, double precision, text) IS
'DPO trainer metrics with the given beta and loss kind or mixture (including batch-level aot, aot_unpaired): pref.dpo_stats';
COMMENT ON AGGREGATE @extschema@.dpo_metrics(double precision, double precision, double precision, double precision, double precision, text, double precision) IS
'weighted DPO trainer metrics (per-pair weight, weighted means): pref.dpo_stats';
COMMENT ON AGGREGATE @extschema@.dpo_metrics(double precision, double precision, double precision, double precision, double precision, text, double precision, text) IS
'weighted DPO trainer metrics with options ''label_smoothing=..., divergence=..., alpha=..., epsilon=..., tau=..., reward_mean=...'': pref.dpo_stats';


-- kto_metrics
CREATE FUNCTION @extschema@.kto_metrics_accum(@extschema@.dpo_state, double precision, double precision, boolean, double precision, double precision)
	RETURNS @extschema@.dpo_state AS 'MODULE_PATHNAME', 'pref_kto_metrics_accum_default' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.kto_metrics_accum(@extschema@.dpo_state, double precision, double precision, boolean, double precision, double precision, double precision)
	RETURNS @extschema@.dpo_state AS 'MODULE_PATHNAME', 'pref_kto_metrics_accum_beta' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.kto_metrics_accum(@extschema@.dpo_state, double precision, double precision, boolean, double precision, double precision, double precision, double precision, double precision)
	RETURNS @extschema@.dpo_state AS 'MODULE_PATHNAME', 'pref_kto_metrics_accum_weights' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.kto_metrics_combine(@extschema@.dpo_state, @extschema@.dpo_state)
	RETURNS @extschema@.dpo_state AS 'MODULE_PATHNAME', 'pref_kto_metrics_combine_state' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.kto_metrics_final(@extschema@.dpo_state)
	RETURNS @extschema@.kto_stats AS 'MODULE_PATHNAME', 'pref_kto_metrics_final_state' LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION @extschema@.kto_metrics_accum(@extschema@.dpo_state, double precision, double precision, boolean, double precision, double precision) IS 'transition function of pref.kto_metrics: adds one row to a pref.dpo_state (NULL state: a new one)';
COMMENT ON FUNCTION @extschema@.kto_metrics_accum(@extschema@.dpo_state, double precision, double precision, boolean, double precision, double precision, double precision) IS 'transition function of pref.kto_metrics: adds one row to a pref.dpo_state (NULL state: a new one)';
COMMENT ON FUNCTION @extschema@.kto_metrics_accum(@extschema@.dpo_state, double precision, double precision, boolean, double precision, double precision, double precision, double precision, double precision) IS 'transition function of pref.kto_metrics: adds one row to a pref.dpo_state (NULL state: a new one)';
COMMENT ON FUNCTION @extschema@.kto_metrics_combine(@extschema@.dpo_state, @extschema@.dpo_state) IS 'combine function of pref.kto_metrics: merges two pref.dpo_state values (NULL-safe)';
COMMENT ON FUNCTION @extschema@.kto_metrics_final(@extschema@.dpo_state) IS 'final function of pref.kto_metrics: pref.kto_stats of a pref.dpo_state (NULL state: NULL)';

CREATE AGGREGATE @extschema@.kto_metrics(policy_logp double precision, ref_logp double precision, desirable boolean,
	kl_policy_logp double precision, kl_ref_logp double precision) (
	SFUNC = @extschema@.kto_metrics_accum, STYPE = @extschema@.dpo_state, SSPACE = 8192,
	FINALFUNC = @extschema@.kto_metrics_final, COMBINEFUNC = @extschema@.kto_metrics_combine,
	PARALLEL = SAFE);
CREATE AGGREGATE @extschema@.kto_metrics(policy_logp double precision, ref_logp double precision, desirable boolean,
	kl_policy_logp double precision, kl_ref_logp double precision, beta double precision) (
	SFUNC = @extschema@.kto_metrics_accum, STYPE = @extschema@.dpo_state, SSPACE = 8192,
	FINALFUNC = @extschema@.kto_metrics_final, COMBINEFUNC = @extschema@.kto_metrics_combine,
	PARALLEL = SAFE);
CREATE AGGREGATE @extschema@.kto_metrics(policy_logp double precision, ref_logp double precision, desirable boolean,
	kl_policy_logp double precision, kl_ref_logp double precision, beta double precision,
	desirable_weight double precision, undesirable_weight double precision) (
	SFUNC = @extschema@.kto_metrics_accum, STYPE = @extschema@.dpo_state, SSPACE = 8192,
	FINALFUNC = @extschema@.kto_metrics_final, COMBINEFUNC = @extschema@.kto_metrics_combine,
	PARALLEL = SAFE);
COMMENT ON AGGREGATE @extschema@.kto_metrics(double precision, double precision, boolean, double precision, double precision) IS
'KTO loss and metrics (beta 0.1, weights 1) with the batch KL reference point estimated from mismatched pairs: pref.kto_stats';
COMMENT ON AGGREGATE @extschema@.kto_metrics(double precision, double precision, boolean, double precision, double precision, double precision) IS
'KTO loss and metrics with the given beta: pref.kto_stats';
COMMENT ON AGGREGATE @extschema@.kto_metrics(double precision, double precision, boolean, double precision, double precision, double precision, double precision, double precision) IS
'KTO loss and metrics with the given beta, desirable_weight and undesirable_weight: pref.kto_stats';

-- ranking_accuracy
CREATE FUNCTION @extschema@.ranking_accuracy_accum(@extschema@.dpo_state, double precision, double precision)
	RETURNS @extschema@.dpo_state AS 'MODULE_PATHNAME', 'pref_ranking_accuracy_accum_policy' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.ranking_accuracy_accum(@extschema@.dpo_state, double precision, double precision, double precision, double precision, double precision)
	RETURNS @extschema@.dpo_state AS 'MODULE_PATHNAME', 'pref_ranking_accuracy_accum_ref' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.ranking_accuracy_accum(@extschema@.dpo_state, double precision, double precision, double precision, double precision, double precision, double precision)
	RETURNS @extschema@.dpo_state AS 'MODULE_PATHNAME', 'pref_ranking_accuracy_accum_prob' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.ranking_accuracy_combine(@extschema@.dpo_state, @extschema@.dpo_state)
	RETURNS @extschema@.dpo_state AS 'MODULE_PATHNAME', 'pref_ranking_accuracy_combine_state' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.ranking_accuracy_final(@extschema@.dpo_state)
	RETURNS @extschema@.ranking_accuracy_stats AS 'MODULE_PATHNAME', 'pref_ranking_accuracy_final_state' LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION @extschema@.ranking_accuracy_accum(@extschema@.dpo_state, double precision, double precision) IS 'transition function of pref.ranking_accuracy: adds one row to a pref.dpo_state (NULL state: a new one)';
COMMENT ON FUNCTION @extschema@.ranking_accuracy_accum(@extschema@.dpo_state, double precision, double precision, double precision, double precision, double precision) IS 'transition function of pref.ranking_accuracy: adds one row to a pref.dpo_state (NULL state: a new one)';
COMMENT ON FUNCTION @extschema@.ranking_accuracy_accum(@extschema@.dpo_state, double precision, double precision, double precision, double precision, double precision, double precision) IS 'transition function of pref.ranking_accuracy: adds one row to a pref.dpo_state (NULL state: a new one)';
COMMENT ON FUNCTION @extschema@.ranking_accuracy_combine(@extschema@.dpo_state, @extschema@.dpo_state) IS 'combine function of pref.ranking_accuracy: merges two pref.dpo_state values (NULL-safe)';
COMMENT ON FUNCTION @extschema@.ranking_accuracy_final(@extschema@.dpo_state) IS 'final function of pref.ranking_accuracy: pref.ranking_accuracy_stats of a pref.dpo_state (NULL state: NULL)';

CREATE AGGREGATE @extschema@.ranking_accuracy(policy_chosen_logp double precision, policy_rejected_logp double precision) (
	SFUNC = @extschema@.ranking_accuracy_accum, STYPE = @extschema@.dpo_state, SSPACE = 8192,
	FINALFUNC = @extschema@.ranking_accuracy_final, COMBINEFUNC = @extschema@.ranking_accuracy_combine,
	PARALLEL = SAFE);
CREATE AGGREGATE @extschema@.ranking_accuracy(policy_chosen_logp double precision, policy_rejected_logp double precision,
	ref_chosen_logp double precision, ref_rejected_logp double precision, beta double precision) (
	SFUNC = @extschema@.ranking_accuracy_accum, STYPE = @extschema@.dpo_state, SSPACE = 8192,
	FINALFUNC = @extschema@.ranking_accuracy_final, COMBINEFUNC = @extschema@.ranking_accuracy_combine,
	PARALLEL = SAFE);
CREATE AGGREGATE @extschema@.ranking_accuracy(policy_chosen_logp double precision, policy_rejected_logp double precision,
	ref_chosen_logp double precision, ref_rejected_logp double precision, beta double precision,
	chosen_prob double precision) (
	SFUNC = @extschema@.ranking_accuracy_accum, STYPE = @extschema@.dpo_state, SSPACE = 8192,
	FINALFUNC = @extschema@.ranking_accuracy_final, COMBINEFUNC = @extschema@.ranking_accuracy_combine,
	PARALLEL = SAFE);
COMMENT ON AGGREGATE @extschema@.ranking_accuracy(double precision, double precision) IS
'fraction of pairs whose chosen response the policy gives the higher log-probability: pref.ranking_accuracy_stats';
COMMENT ON AGGREGATE @extschema@.ranking_accuracy(double precision, double precision, double precision, double precision, double precision) IS
'ranking accuracy of policy, reference and implicit reward, and the idealized accuracy of the DPO optimum for unanimous labels: pref.ranking_accuracy_stats';
COMMENT ON AGGREGATE @extschema@.ranking_accuracy(double precision, double precision, double precision, double precision, double precision, double precision) IS
'ranking accuracies with the idealized accuracy of the DPO optimum given the fraction of raters preferring chosen (Chen et al. 2024): pref.ranking_accuracy_stats';
