-- reward models: pref.linear_model, scoring, evaluation, reward_fit,
-- contextual Bradley-Terry (src/reward.c, src/reward_fit.c, src/reward_bt.c)

CREATE TYPE @extschema@.linear_model AS (
	kind text,
	dim integer,
	weights double precision[],
	bias double precision,
	n_rows bigint,
	n_skipped bigint,
	iterations integer,
	converged boolean,
	loss double precision,
	accuracy double precision,
	r2 double precision,
	options jsonb
);
COMMENT ON TYPE @extschema@.linear_model IS
'linear model over embeddings: kind (ridge or bradley_terry), weights, bias, rows used and skipped, iterations, convergence, training loss, accuracy, R2, options in force';

CREATE FUNCTION @extschema@.reward_score(model @extschema@.linear_model, x real[]) RETURNS double precision
	AS 'MODULE_PATHNAME', 'pref_reward_score' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.reward_score(@extschema@.linear_model, real[]) IS
'reward (or predicted rating) of one response embedding: weights . x + bias';
CREATE FUNCTION @extschema@.reward_score(model @extschema@.linear_model, x double precision[]) RETURNS double precision
	AS 'MODULE_PATHNAME', 'pref_reward_score' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.reward_score(@extschema@.linear_model, double precision[]) IS
'reward (or predicted rating) of one response embedding: weights . x + bias';
CREATE FUNCTION @extschema@.reward_score(model @extschema@.linear_model, x integer[]) RETURNS double precision
	AS 'MODULE_PATHNAME', 'pref_reward_score' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.reward_score(@extschema@.linear_model, integer[]) IS
'reward of one response embedding (integer[], read as double precision): weights . x + bias';
CREATE FUNCTION @extschema@.reward_score(model @extschema@.linear_model, x numeric[]) RETURNS double precision
	AS 'MODULE_PATHNAME', 'pref_reward_score' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.reward_score(@extschema@.linear_model, numeric[]) IS
'reward of one response embedding (numeric[], read as double precision): weights . x + bias';

CREATE FUNCTION @extschema@.reward_margin(model @extschema@.linear_model, chosen real[], rejected real[]) RETURNS double precision
	AS 'MODULE_PATHNAME', 'pref_reward_margin' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.reward_margin(@extschema@.linear_model, real[], real[]) IS
'reward margin of a pair: weights . (chosen - rejected); positive when the model agrees with the label';
CREATE FUNCTION @extschema@.reward_margin(model @extschema@.linear_model, chosen double precision[], rejected double precision[]) RETURNS double precision
	AS 'MODULE_PATHNAME', 'pref_reward_margin' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.reward_margin(@extschema@.linear_model, double precision[], double precision[]) IS
'reward margin of a pair: weights . (chosen - rejected); positive when the model agrees with the label';
CREATE FUNCTION @extschema@.reward_margin(model @extschema@.linear_model, chosen integer[], rejected integer[]) RETURNS double precision
	AS 'MODULE_PATHNAME', 'pref_reward_margin' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.reward_margin(@extschema@.linear_model, integer[], integer[]) IS
'reward margin of a pair (integer[], read as double precision): weights . (chosen - rejected)';
CREATE FUNCTION @extschema@.reward_margin(model @extschema@.linear_model, chosen numeric[], rejected numeric[]) RETURNS double precision
	AS 'MODULE_PATHNAME', 'pref_reward_margin' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.reward_margin(@extschema@.linear_model, numeric[], numeric[]) IS
'reward margin of a pair (numeric[], read as double precision): weights . (chosen - rejected)';

-- held-out evaluation over margins
CREATE TYPE @extschema@.reward_eval_result AS (
	n bigint,
	accuracy double precision,
	log_loss double precision,
	mean_margin double precision,
	sd_margin double precision
);
COMMENT ON TYPE @extschema@.reward_eval_result IS
'pairs evaluated, weighted accuracy (margin > 0, ties count half), mean log loss -log sigmoid(margin), mean and standard deviation of the margin';

CREATE FUNCTION @extschema@.reward_eval_accum(double precision[], margin double precision) RETURNS double precision[]
	AS 'MODULE_PATHNAME', 'pref_reward_eval_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.reward_eval_accum(double precision[], double precision) IS
'transition function of pref.reward_eval';
CREATE FUNCTION @extschema@.reward_eval_accum(double precision[], margin double precision, weight double precision) RETURNS double precision[]
	AS 'MODULE_PATHNAME', 'pref_reward_eval_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.reward_eval_accum(double precision[], double precision, double precision) IS
'transition function of pref.reward_eval (weighted)';
CREATE FUNCTION @extschema@.reward_eval_combine(double precision[], double precision[]) RETURNS double precision[]
	AS 'MODULE_PATHNAME', 'pref_reward_eval_combine' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.reward_eval_combine(double precision[], double precision[]) IS
'combine function of pref.reward_eval';
CREATE FUNCTION @extschema@.reward_eval_final(double precision[]) RETURNS @extschema@.reward_eval_result
	AS 'MODULE_PATHNAME', 'pref_reward_eval_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.reward_eval_final(double precision[]) IS
'final function of pref.reward_eval';

CREATE AGGREGATE @extschema@.reward_eval(margin double precision) (
	SFUNC = @extschema@.reward_eval_accum,
	STYPE = double precision[],
	FINALFUNC = @extschema@.reward_eval_final,
	COMBINEFUNC = @extschema@.reward_eval_combine,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.reward_eval(double precision) IS
'evaluate a reward model on held-out pairs from their margins (pref.reward_margin): accuracy, log loss, margin mean and spread';
CREATE AGGREGATE @extschema@.reward_eval(margin double precision, weight double precision) (
	SFUNC = @extschema@.reward_eval_accum,
	STYPE = double precision[],
	FINALFUNC = @extschema@.reward_eval_final,
	COMBINEFUNC = @extschema@.reward_eval_combine,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.reward_eval(double precision, double precision) IS
'weighted evaluation of a reward model on held-out pairs from their margins';

CREATE FUNCTION @extschema@.preference_strength(margins double precision[], ambiguous_below double precision DEFAULT 0.1,
	OUT n_models integer, OUT mean_margin double precision, OUT sd_margin double precision, OUT verdict text)
	AS 'MODULE_PATHNAME', 'pref_preference_strength' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.preference_strength(double precision[], double precision) IS
'ensemble preference strength of one pair from several models'' margins: mean, standard deviation and a verdict (likely_mislabeled when the mean is negative, ambiguous when |mean| < ambiguous_below, else consistent)';

-- one IRLS pass (used by reward_fit; parallel aggregate) and its state type
CREATE TYPE @extschema@.reward_state;

CREATE FUNCTION @extschema@.reward_state_in(cstring) RETURNS @extschema@.reward_state
	AS 'MODULE_PATHNAME', 'pref_reward_state_in' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.reward_state_out(@extschema@.reward_state) RETURNS cstring
	AS 'MODULE_PATHNAME', 'pref_reward_state_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.reward_state_recv(internal) RETURNS @extschema@.reward_state
	AS 'MODULE_PATHNAME', 'pref_reward_state_recv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.reward_state_send(@extschema@.reward_state) RETURNS bytea
	AS 'MODULE_PATHNAME', 'pref_reward_state_send' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE TYPE @extschema@.reward_state (
	INPUT = @extschema@.reward_state_in,
	OUTPUT = @extschema@.reward_state_out,
	RECEIVE = @extschema@.reward_state_recv,
	SEND = @extschema@.reward_state_send,
	INTERNALLENGTH = VARIABLE,
	ALIGNMENT = double,
	STORAGE = extended
);
COMMENT ON TYPE @extschema@.reward_state IS
'transition state of pref.reward_pass: the pass parameters and weights w, rows used and skipped, sums of weights, losses and correct pairs, gradient and (optionally) Hessian; text form "v1:" + base64 (validated on input)';
COMMENT ON FUNCTION @extschema@.reward_state_in(cstring) IS 'text input for pref.reward_state ("v1:" + base64; validated)';
COMMENT ON FUNCTION @extschema@.reward_state_out(@extschema@.reward_state) IS 'text output for pref.reward_state ("v1:" + base64)';
COMMENT ON FUNCTION @extschema@.reward_state_recv(internal) IS 'binary input for pref.reward_state (validated)';
COMMENT ON FUNCTION @extschema@.reward_state_send(@extschema@.reward_state) IS 'binary output for pref.reward_state';

CREATE FUNCTION @extschema@.reward_pass_accum(@extschema@.reward_state, chosen real[], rejected real[], weight double precision, w double precision[], params double precision[]) RETURNS @extschema@.reward_state
	AS 'MODULE_PATHNAME', 'pref_reward_pass_accum_real' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.reward_pass_accum(@extschema@.reward_state, real[], real[], double precision, double precision[], double precision[]) IS
'transition function of pref.reward_pass (real[] embeddings)';
CREATE FUNCTION @extschema@.reward_pass_accum(@extschema@.reward_state, chosen double precision[], rejected double precision[], weight double precision, w double precision[], params double precision[]) RETURNS @extschema@.reward_state
	AS 'MODULE_PATHNAME', 'pref_reward_pass_accum_double' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.reward_pass_accum(@extschema@.reward_state, double precision[], double precision[], double precision, double precision[], double precision[]) IS
'transition function of pref.reward_pass (double precision[] embeddings)';
CREATE FUNCTION @extschema@.reward_pass_combine(@extschema@.reward_state, @extschema@.reward_state) RETURNS @extschema@.reward_state
	AS 'MODULE_PATHNAME', 'pref_reward_pass_combine_state' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.reward_pass_combine(@extschema@.reward_state, @extschema@.reward_state) IS
'combine function of pref.reward_pass: adds two states of the same pass (same params and w)';
CREATE FUNCTION @extschema@.reward_pass_final(@extschema@.reward_state) RETURNS double precision[]
	AS 'MODULE_PATHNAME', 'pref_reward_pass_final_state' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.reward_pass_final(@extschema@.reward_state) IS 'final function of pref.reward_pass';

CREATE AGGREGATE @extschema@.reward_pass(chosen real[], rejected real[], weight double precision, w double precision[], params double precision[]) (
	SFUNC = @extschema@.reward_pass_accum,
	STYPE = @extschema@.reward_state,
	FINALFUNC = @extschema@.reward_pass_final,
	COMBINEFUNC = @extschema@.reward_pass_combine,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.reward_pass(real[], real[], double precision, double precision[], double precision[]) IS
'one Newton/IRLS pass of pref.reward_fit at weights w: {d, n, skipped, weight sum, loss, correct, gradient, Hessian}; params = {label_smoothing, margin, want_hessian}; w and params the same on every row';
CREATE AGGREGATE @extschema@.reward_pass(chosen double precision[], rejected double precision[], weight double precision, w double precision[], params double precision[]) (
	SFUNC = @extschema@.reward_pass_accum,
	STYPE = @extschema@.reward_state,
	FINALFUNC = @extschema@.reward_pass_final,
	COMBINEFUNC = @extschema@.reward_pass_combine,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.reward_pass(double precision[], double precision[], double precision, double precision[], double precision[]) IS
'one Newton/IRLS pass of pref.reward_fit at weights w: {d, n, skipped, weight sum, loss, correct, gradient, Hessian}; params = {label_smoothing, margin, want_hessian}; w and params the same on every row';

CREATE FUNCTION @extschema@.reward_fit(sql text, lambda double precision DEFAULT 1, max_iter integer DEFAULT 50,
	tol double precision DEFAULT 1e-8, label_smoothing double precision DEFAULT 0,
	margin double precision DEFAULT 0, method text DEFAULT 'auto')
	RETURNS @extschema@.linear_model
	AS 'MODULE_PATHNAME', 'pref_reward_fit' LANGUAGE C VOLATILE STRICT;
COMMENT ON FUNCTION @extschema@.reward_fit(text, double precision, integer, double precision, double precision, double precision, text) IS
'Bradley-Terry reward model on embeddings: the query yields (chosen, rejected [, weight]); minimises sum weight * logistic loss of w.(chosen - rejected) - margin (label smoothing optional) + lambda/2 |w|^2 by Newton passes (parallel aggregate, syrk Hessian, Cholesky) or L-BFGS (method auto, newton, lbfgs)';

CREATE FUNCTION @extschema@.bt_fit_contextual(sql text, lambda double precision DEFAULT 0, max_iter integer DEFAULT 50,
	tol double precision DEFAULT 1e-10, level double precision DEFAULT 0.95)
	RETURNS TABLE (term text, item bigint, covariate integer, estimate double precision, std_error double precision,
		lower double precision, upper double precision, comparisons bigint)
	AS 'MODULE_PATHNAME', 'pref_bt_fit_contextual' LANGUAGE C VOLATILE STRICT ROWS 100;
COMMENT ON FUNCTION @extschema@.bt_fit_contextual(text, double precision, integer, double precision, double precision) IS
'contextual Bradley-Terry ("style control"): the query yields (winner, loser, covariates double precision[] [, tie]); item ratings (logit scale, mean 0) and covariate coefficients with Wald intervals';
