-- agree (src/agree.sql, src/plackett_luce.sql, src/calib.sql): real state
-- types instead of `internal` for the agreement aggregates and for
-- pref.plackett_luce; calibration aggregates without INITCOND (empty input
-- gives NULL) and one C entry point per transition signature.
-- The CREATE statements repeat the install script's text.

-- ---- agreement aggregates: pref.agreement_state
DROP AGGREGATE @extschema@.cohen_kappa(text, text);
DROP AGGREGATE @extschema@.fleiss_kappa(bigint, text);
DROP AGGREGATE @extschema@.krippendorff_alpha(bigint, text);
DROP AGGREGATE @extschema@.krippendorff_alpha_interval(bigint, double precision);
DROP FUNCTION @extschema@.agree_pair_accum(internal, text, text);
DROP FUNCTION @extschema@.agree_unit_accum(internal, bigint, text);
DROP FUNCTION @extschema@.agree_value_accum(internal, bigint, double precision);
DROP FUNCTION @extschema@.agree_combine(internal, internal);
DROP FUNCTION @extschema@.agree_serialize(internal);
DROP FUNCTION @extschema@.agree_deserialize(bytea, internal);
DROP FUNCTION @extschema@.cohen_kappa_final(internal);
DROP FUNCTION @extschema@.fleiss_kappa_final(internal);
DROP FUNCTION @extschema@.krippendorff_alpha_final(internal);
DROP FUNCTION @extschema@.krippendorff_alpha_interval_final(internal);

-- The state of the agreement aggregates: a real type, so that Citus can
-- split them across workers (partial states travel as its text form)
CREATE TYPE @extschema@.agreement_state;

CREATE FUNCTION @extschema@.agreement_state_in(cstring) RETURNS @extschema@.agreement_state
	AS 'MODULE_PATHNAME', 'pref_agreement_state_in' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.agreement_state_out(@extschema@.agreement_state) RETURNS cstring
	AS 'MODULE_PATHNAME', 'pref_agreement_state_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.agreement_state_recv(internal) RETURNS @extschema@.agreement_state
	AS 'MODULE_PATHNAME', 'pref_agreement_state_recv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.agreement_state_send(@extschema@.agreement_state) RETURNS bytea
	AS 'MODULE_PATHNAME', 'pref_agreement_state_send' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE TYPE @extschema@.agreement_state (
	INPUT = @extschema@.agreement_state_in,
	OUTPUT = @extschema@.agreement_state_out,
	RECEIVE = @extschema@.agreement_state_recv,
	SEND = @extschema@.agreement_state_send,
	INTERNALLENGTH = VARIABLE,
	ALIGNMENT = double,
	STORAGE = extended
);
COMMENT ON TYPE @extschema@.agreement_state IS
'state of the agreement aggregates (cohen_kappa, fleiss_kappa, krippendorff_alpha, krippendorff_alpha_interval): label dictionary and observations; text form "v1:" + base64, validated on input';
COMMENT ON FUNCTION @extschema@.agreement_state_in(cstring) IS 'pref.agreement_state text input ("v1:" + base64), fully validated';
COMMENT ON FUNCTION @extschema@.agreement_state_out(@extschema@.agreement_state) IS 'pref.agreement_state text output ("v1:" + base64)';
COMMENT ON FUNCTION @extschema@.agreement_state_recv(internal) IS 'pref.agreement_state binary input, fully validated';
COMMENT ON FUNCTION @extschema@.agreement_state_send(@extschema@.agreement_state) IS 'pref.agreement_state binary output';

CREATE FUNCTION @extschema@.agreement_pair_accum(@extschema@.agreement_state, text, text) RETURNS @extschema@.agreement_state
	AS 'MODULE_PATHNAME', 'pref_agreement_pair_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.agreement_unit_accum(@extschema@.agreement_state, bigint, text) RETURNS @extschema@.agreement_state
	AS 'MODULE_PATHNAME', 'pref_agreement_unit_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.agreement_value_accum(@extschema@.agreement_state, bigint, double precision) RETURNS @extschema@.agreement_state
	AS 'MODULE_PATHNAME', 'pref_agreement_value_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.agreement_combine(@extschema@.agreement_state, @extschema@.agreement_state) RETURNS @extschema@.agreement_state
	AS 'MODULE_PATHNAME', 'pref_agreement_combine' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.cohen_kappa_final(@extschema@.agreement_state) RETURNS double precision
	AS 'MODULE_PATHNAME', 'pref_agreement_cohen_kappa_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.fleiss_kappa_final(@extschema@.agreement_state) RETURNS double precision
	AS 'MODULE_PATHNAME', 'pref_agreement_fleiss_kappa_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.krippendorff_alpha_final(@extschema@.agreement_state) RETURNS double precision
	AS 'MODULE_PATHNAME', 'pref_agreement_krippendorff_alpha_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.krippendorff_alpha_interval_final(@extschema@.agreement_state) RETURNS double precision
	AS 'MODULE_PATHNAME', 'pref_agreement_krippendorff_alpha_interval_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION @extschema@.agreement_pair_accum(@extschema@.agreement_state, text, text) IS
'cohen_kappa transition function: adds a (label a, label b) row; NULL rows skipped';
COMMENT ON FUNCTION @extschema@.agreement_unit_accum(@extschema@.agreement_state, bigint, text) IS
'fleiss_kappa / krippendorff_alpha transition function: adds a (unit, label) row; NULL rows skipped';
COMMENT ON FUNCTION @extschema@.agreement_value_accum(@extschema@.agreement_state, bigint, double precision) IS
'krippendorff_alpha_interval transition function: adds a (unit, value) row; NULL rows skipped';
COMMENT ON FUNCTION @extschema@.agreement_combine(@extschema@.agreement_state, @extschema@.agreement_state) IS
'agreement aggregates combine function: appends the second state''s observations (NULL-safe; both of one kind)';
COMMENT ON FUNCTION @extschema@.cohen_kappa_final(@extschema@.agreement_state) IS 'cohen_kappa final function: NULL for a NULL or empty state';
COMMENT ON FUNCTION @extschema@.fleiss_kappa_final(@extschema@.agreement_state) IS 'fleiss_kappa final function: NULL for a NULL or empty state';
COMMENT ON FUNCTION @extschema@.krippendorff_alpha_final(@extschema@.agreement_state) IS 'krippendorff_alpha final function: NULL for a NULL or empty state';
COMMENT ON FUNCTION @extschema@.krippendorff_alpha_interval_final(@extschema@.agreement_state) IS 'krippendorff_alpha_interval final function: NULL for a NULL or empty state';

CREATE AGGREGATE @extschema@.cohen_kappa(label_a text, label_b text) (
	SFUNC = @extschema@.agreement_pair_accum, STYPE = @extschema@.agreement_state, SSPACE = 65536,
	FINALFUNC = @extschema@.cohen_kappa_final,
	COMBINEFUNC = @extschema@.agreement_combine,
	PARALLEL = SAFE);
COMMENT ON AGGREGATE @extschema@.cohen_kappa(text, text) IS
'Cohen''s kappa of two raters: one row per item with each rater''s label; NULL when undefined';

CREATE AGGREGATE @extschema@.fleiss_kappa(unit bigint, label text) (
	SFUNC = @extschema@.agreement_unit_accum, STYPE = @extschema@.agreement_state, SSPACE = 65536,
	FINALFUNC = @extschema@.fleiss_kappa_final,
	COMBINEFUNC = @extschema@.agreement_combine,
	PARALLEL = SAFE);
COMMENT ON AGGREGATE @extschema@.fleiss_kappa(bigint, text) IS
'Fleiss'' kappa: one row per (unit, rating); units with one rating ignored; raters per unit may vary';

CREATE AGGREGATE @extschema@.krippendorff_alpha(unit bigint, label text) (
	SFUNC = @extschema@.agreement_unit_accum, STYPE = @extschema@.agreement_state, SSPACE = 65536,
	FINALFUNC = @extschema@.krippendorff_alpha_final,
	COMBINEFUNC = @extschema@.agreement_combine,
	PARALLEL = SAFE);
COMMENT ON AGGREGATE @extschema@.krippendorff_alpha(bigint, text) IS
'Krippendorff''s alpha for nominal labels: one row per (unit, value); missing values allowed';

CREATE AGGREGATE @extschema@.krippendorff_alpha_interval(unit bigint, value double precision) (
	SFUNC = @extschema@.agreement_value_accum, STYPE = @extschema@.agreement_state, SSPACE = 65536,
	FINALFUNC = @extschema@.krippendorff_alpha_interval_final,
	COMBINEFUNC = @extschema@.agreement_combine,
	PARALLEL = SAFE);
COMMENT ON AGGREGATE @extschema@.krippendorff_alpha_interval(bigint, double precision) IS
'Krippendorff''s alpha for interval values (squared-difference metric): one row per (unit, value)';

-- ---- Plackett-Luce: pref.ranking_state
DROP AGGREGATE @extschema@.plackett_luce(@extschema@.ranking);
DROP AGGREGATE @extschema@.plackett_luce(@extschema@.ranking, double precision);
DROP FUNCTION @extschema@.plackett_luce_trans(internal, @extschema@.ranking);
DROP FUNCTION @extschema@.plackett_luce_trans(internal, @extschema@.ranking, double precision);
DROP FUNCTION @extschema@.plackett_luce_combine(internal, internal);
DROP FUNCTION @extschema@.plackett_luce_serial(internal);
DROP FUNCTION @extschema@.plackett_luce_deserial(bytea, internal);
DROP FUNCTION @extschema@.plackett_luce_final(internal);

-- The state of pref.plackett_luce: the collected rankings, rows skipped and
-- the prior; a real type, so that Citus can split the aggregate
CREATE TYPE @extschema@.ranking_state;

CREATE FUNCTION @extschema@.ranking_state_in(cstring) RETURNS @extschema@.ranking_state
	AS 'MODULE_PATHNAME', 'pref_ranking_state_in' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.ranking_state_out(@extschema@.ranking_state) RETURNS cstring
	AS 'MODULE_PATHNAME', 'pref_ranking_state_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.ranking_state_recv(internal) RETURNS @extschema@.ranking_state
	AS 'MODULE_PATHNAME', 'pref_ranking_state_recv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.ranking_state_send(@extschema@.ranking_state) RETURNS bytea
	AS 'MODULE_PATHNAME', 'pref_ranking_state_send' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE TYPE @extschema@.ranking_state (
	INPUT = @extschema@.ranking_state_in,
	OUTPUT = @extschema@.ranking_state_out,
	RECEIVE = @extschema@.ranking_state_recv,
	SEND = @extschema@.ranking_state_send,
	INTERNALLENGTH = VARIABLE,
	ALIGNMENT = double,
	STORAGE = extended
);
COMMENT ON TYPE @extschema@.ranking_state IS
'state of pref.plackett_luce: the collected rankings, rows skipped and the prior; text form "v1:" + base64, validated on input';
COMMENT ON FUNCTION @extschema@.ranking_state_in(cstring) IS 'pref.ranking_state text input ("v1:" + base64), fully validated';
COMMENT ON FUNCTION @extschema@.ranking_state_out(@extschema@.ranking_state) IS 'pref.ranking_state text output ("v1:" + base64)';
COMMENT ON FUNCTION @extschema@.ranking_state_recv(internal) IS 'pref.ranking_state binary input, fully validated';
COMMENT ON FUNCTION @extschema@.ranking_state_send(@extschema@.ranking_state) IS 'pref.ranking_state binary output';

CREATE FUNCTION @extschema@.plackett_luce_accum(@extschema@.ranking_state, @extschema@.ranking) RETURNS @extschema@.ranking_state
	AS 'MODULE_PATHNAME', 'pref_plackett_luce_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.plackett_luce_accum(@extschema@.ranking_state, @extschema@.ranking, double precision) RETURNS @extschema@.ranking_state
	AS 'MODULE_PATHNAME', 'pref_plackett_luce_accum_prior' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.plackett_luce_combine(@extschema@.ranking_state, @extschema@.ranking_state) RETURNS @extschema@.ranking_state
	AS 'MODULE_PATHNAME', 'pref_plackett_luce_combine' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.plackett_luce_final(@extschema@.ranking_state) RETURNS jsonb
	AS 'MODULE_PATHNAME', 'pref_plackett_luce_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.plackett_luce_accum(@extschema@.ranking_state, @extschema@.ranking) IS
'pref.plackett_luce transition function: collects a ranking; NULL rankings are counted as skipped';
COMMENT ON FUNCTION @extschema@.plackett_luce_accum(@extschema@.ranking_state, @extschema@.ranking, double precision) IS
'pref.plackett_luce transition function with a prior: collects a ranking; the prior must be the same for every row of a group';
COMMENT ON FUNCTION @extschema@.plackett_luce_combine(@extschema@.ranking_state, @extschema@.ranking_state) IS
'pref.plackett_luce combine function: appends the second state''s rankings (NULL-safe)';
COMMENT ON FUNCTION @extschema@.plackett_luce_final(@extschema@.ranking_state) IS
'pref.plackett_luce final function: fits by MM over the rankings in canonical order; NULL for a NULL state or no rankings';

CREATE AGGREGATE @extschema@.plackett_luce(r @extschema@.ranking) (
	SFUNC = @extschema@.plackett_luce_accum, STYPE = @extschema@.ranking_state, SSPACE = 65536,
	FINALFUNC = @extschema@.plackett_luce_final,
	COMBINEFUNC = @extschema@.plackett_luce_combine,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.plackett_luce(@extschema@.ranking) IS
'Plackett-Luce maximum likelihood of full and top-k rankings by Hunter''s MM: jsonb with theta (centred log-worths per item), loglik, iterations, converged, rows used and skipped; the last group of a ranking is its unordered remainder, tied choice groups share a denominator (Breslow)';

CREATE AGGREGATE @extschema@.plackett_luce(r @extschema@.ranking, prior double precision) (
	SFUNC = @extschema@.plackett_luce_accum, STYPE = @extschema@.ranking_state, SSPACE = 65536,
	FINALFUNC = @extschema@.plackett_luce_final,
	COMBINEFUNC = @extschema@.plackett_luce_combine,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.plackett_luce(@extschema@.ranking, double precision) IS
'Plackett-Luce fit with a Gaussian prior of the given precision on each log-worth (MAP by MM; always exists when prior > 0)';

-- ---- calibration: no INITCOND, own entry point for the bins signature
DROP AGGREGATE @extschema@.calibration(double precision, boolean);
DROP AGGREGATE @extschema@.calibration(double precision, boolean, integer);
DROP AGGREGATE @extschema@.calibration_state(double precision, boolean, integer);
CREATE OR REPLACE FUNCTION @extschema@.calibration_accum(double precision[], double precision, boolean, integer) RETURNS double precision[]
	AS 'MODULE_PATHNAME', 'pref_calibration_accum_bins' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.calibration_accum(double precision[], double precision, boolean) IS
'calibration transition function (10 bins): NULL or ''{}'' state starts empty, NULL rows skipped, the state is validated';
COMMENT ON FUNCTION @extschema@.calibration_accum(double precision[], double precision, boolean, integer) IS
'calibration transition function: NULL or ''{}'' state starts empty, NULL rows skipped, the state is validated';
COMMENT ON FUNCTION @extschema@.calibration_combine(double precision[], double precision[]) IS
'calibration combine function: adds two states with the same bins, each validated';
COMMENT ON FUNCTION @extschema@.calibration_final(double precision[]) IS
'calibration final function: validates the state; NULL for an empty state';

CREATE AGGREGATE @extschema@.calibration(probability double precision, outcome boolean) (
	SFUNC = @extschema@.calibration_accum, STYPE = double precision[],
	FINALFUNC = @extschema@.calibration_final,
	COMBINEFUNC = @extschema@.calibration_combine, PARALLEL = SAFE);
COMMENT ON AGGREGATE @extschema@.calibration(double precision, boolean) IS
'calibration of probabilities against outcomes with 10 equal-width bins: ECE, MCE, Brier score, log loss';

CREATE AGGREGATE @extschema@.calibration(probability double precision, outcome boolean, bins integer) (
	SFUNC = @extschema@.calibration_accum, STYPE = double precision[],
	FINALFUNC = @extschema@.calibration_final,
	COMBINEFUNC = @extschema@.calibration_combine, PARALLEL = SAFE);
COMMENT ON AGGREGATE @extschema@.calibration(double precision, boolean, integer) IS
'calibration of probabilities against outcomes with the given number of equal-width bins: ECE, MCE, Brier score, log loss';

CREATE AGGREGATE @extschema@.calibration_state(probability double precision, outcome boolean, bins integer) (
	SFUNC = @extschema@.calibration_accum, STYPE = double precision[],
	COMBINEFUNC = @extschema@.calibration_combine, PARALLEL = SAFE);
COMMENT ON AGGREGATE @extschema@.calibration_state(double precision, boolean, integer) IS
'the mergeable calibration state [bins, n, sum (p - y)^2, sum log loss, per bin: count, sum p, sum y] for storing, merging (calibration_combine, calibration_final) and pref.reliability_bins(state); NULL for empty input';
