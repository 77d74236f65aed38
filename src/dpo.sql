-- DPO family: per-row losses over stored log-probabilities and trainer
-- metrics as parallel-safe aggregates.  See docs/dpo.md.

CREATE FUNCTION @extschema@.dpo_loss(
	policy_chosen_logp double precision, policy_rejected_logp double precision,
	ref_chosen_logp double precision, ref_rejected_logp double precision,
	beta double precision DEFAULT 0.1, loss text DEFAULT 'sigmoid',
	label_smoothing double precision DEFAULT 0, divergence text DEFAULT 'reverse_kl',
	alpha double precision DEFAULT 1.0, epsilon double precision DEFAULT 0.001,
	tau double precision DEFAULT 0.05, reward_mean double precision DEFAULT 0,
	chosen_length double precision DEFAULT 0, rejected_length double precision DEFAULT 0)
	RETURNS double precision
	AS 'MODULE_PATHNAME', 'pref_dpo_loss' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.dpo_loss(double precision, double precision, double precision, double precision, double precision, text, double precision, text, double precision, double precision, double precision, double precision, double precision, double precision) IS
'DPO-family loss of one preference pair from policy and reference log-probabilities: sigmoid, robust, hinge, ipo, exo_pair, nca_pair, sppo_hard, bco_pair, apo_zero, apo_down, discopop, sigmoid_norm, sft, or a weighted mixture such as ''0.8*sigmoid + 0.2*bco_pair''';

CREATE FUNCTION @extschema@.dpo_grad_weight(
	policy_chosen_logp double precision, policy_rejected_logp double precision,
	ref_chosen_logp double precision, ref_rejected_logp double precision,
	beta double precision DEFAULT 0.1, loss text DEFAULT 'sigmoid',
	label_smoothing double precision DEFAULT 0, divergence text DEFAULT 'reverse_kl',
	alpha double precision DEFAULT 1.0, epsilon double precision DEFAULT 0.001,
	tau double precision DEFAULT 0.05, reward_mean double precision DEFAULT 0,
	chosen_length double precision DEFAULT 0, rejected_length double precision DEFAULT 0)
	RETURNS double precision
	AS 'MODULE_PATHNAME', 'pref_dpo_grad_weight' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.dpo_grad_weight(double precision, double precision, double precision, double precision, double precision, text, double precision, text, double precision, double precision, double precision, double precision, double precision, double precision) IS
'derivative of pref.dpo_loss with respect to the margin (policy_chosen_logp up by 1/2, policy_rejected_logp down by 1/2): which pairs drive the gradient';

CREATE FUNCTION @extschema@.listwise_dpo_loss(policy_logps double precision[], ref_logps double precision[],
	beta double precision DEFAULT 0.1)
	RETURNS double precision
	AS 'MODULE_PATHNAME', 'pref_listwise_dpo_loss' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.listwise_dpo_loss(double precision[], double precision[], double precision) IS
'Plackett-Luce (listwise DPO) loss of one prompt''s responses in preference order, best first; two responses give the sigmoid DPO loss';

CREATE FUNCTION @extschema@.simpo_loss(chosen_logp double precision, rejected_logp double precision,
	chosen_length double precision, rejected_length double precision,
	beta double precision DEFAULT 2.0, gamma double precision DEFAULT 1.0,
	label_smoothing double precision DEFAULT 0)
	RETURNS double precision
	AS 'MODULE_PATHNAME', 'pref_simpo_loss' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.simpo_loss(double precision, double precision, double precision, double precision, double precision, double precision, double precision) IS
'SimPO loss (reference-free): -log sigmoid(beta * (chosen_logp/chosen_length - rejected_logp/rejected_length) - gamma)';

CREATE FUNCTION @extschema@.cpo_loss(chosen_logp double precision, rejected_logp double precision,
	beta double precision DEFAULT 0.1, chosen_nll double precision DEFAULT 0,
	alpha double precision DEFAULT 1.0, label_smoothing double precision DEFAULT 0)
	RETURNS double precision
	AS 'MODULE_PATHNAME', 'pref_cpo_loss' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.cpo_loss(double precision, double precision, double precision, double precision, double precision, double precision) IS
'CPO loss (reference-free): -log sigmoid(beta * (chosen_logp - rejected_logp)) + alpha * chosen_nll';

CREATE FUNCTION @extschema@.orpo_loss(chosen_avg_logp double precision, rejected_avg_logp double precision,
	beta double precision DEFAULT 0.1, chosen_nll double precision DEFAULT 0)
	RETURNS double precision
	AS 'MODULE_PATHNAME', 'pref_orpo_loss' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.orpo_loss(double precision, double precision, double precision, double precision) IS
'ORPO loss from average log-probabilities: chosen_nll - beta * log sigmoid(log odds ratio); with chosen_nll 0, the odds-ratio term alone';

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

-- ---- dpo_metrics ------------------------------------------------------------

CREATE TYPE @extschema@.dpo_stats AS (
	n bigint, skipped bigint, loss double precision,
	rewards_chosen double precision, rewards_rejected double precision,
	rewards_accuracy double precision, rewards_margin double precision,
	logps_chosen double precision, logps_rejected double precision,
	margin_std double precision);
COMMENT ON TYPE @extschema@.dpo_stats IS
'result of pref.dpo_metrics: rows used and skipped, mean loss and the reward / log-prob means preference trainers log, and the standard deviation of the reward margin';

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

-- ---- kto_metrics ------------------------------------------------------------

CREATE TYPE @extschema@.kto_stats AS (
	n bigint, skipped bigint, n_desirable bigint, n_undesirable bigint,
	kl double precision, loss double precision,
	rewards_chosen double precision, rewards_rejected double precision,
	logps_chosen double precision, logps_rejected double precision,
	rewards_margin double precision);
COMMENT ON TYPE @extschema@.kto_stats IS
'result of pref.kto_metrics: rows, the batch KL reference point (clamped at 0), mean KTO loss, reward and log-prob means of desirable (chosen) and undesirable (rejected) rows';

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

-- ---- ranking_accuracy -------------------------------------------------------

CREATE TYPE @extschema@.ranking_accuracy_stats AS (
	n bigint, skipped bigint, ranking_accuracy double precision,
	reference_accuracy double precision, reward_accuracy double precision,
	idealized_accuracy double precision);
COMMENT ON TYPE @extschema@.ranking_accuracy_stats IS
'result of pref.ranking_accuracy: fraction of pairs the policy ranks correctly, the same for the reference model and the implicit reward, and the idealized ranking accuracy of the exact DPO optimum (Chen et al. 2024)';

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
