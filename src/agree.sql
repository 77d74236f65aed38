-- Agreement aggregates: Cohen's kappa, Fleiss' kappa, Krippendorff's alpha

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
