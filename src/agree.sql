-- Agreement aggregates: Cohen's kappa, Fleiss' kappa, Krippendorff's alpha

CREATE FUNCTION @extschema@.agree_pair_accum(internal, text, text) RETURNS internal
	AS 'MODULE_PATHNAME', 'pref_agree_pair_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.agree_unit_accum(internal, bigint, text) RETURNS internal
	AS 'MODULE_PATHNAME', 'pref_agree_unit_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.agree_value_accum(internal, bigint, double precision) RETURNS internal
	AS 'MODULE_PATHNAME', 'pref_agree_value_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.agree_combine(internal, internal) RETURNS internal
	AS 'MODULE_PATHNAME', 'pref_agree_combine' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.agree_serialize(internal) RETURNS bytea
	AS 'MODULE_PATHNAME', 'pref_agree_serialize' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.agree_deserialize(bytea, internal) RETURNS internal
	AS 'MODULE_PATHNAME', 'pref_agree_deserialize' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.cohen_kappa_final(internal) RETURNS double precision
	AS 'MODULE_PATHNAME', 'pref_cohen_kappa_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.fleiss_kappa_final(internal) RETURNS double precision
	AS 'MODULE_PATHNAME', 'pref_fleiss_kappa_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.krippendorff_alpha_final(internal) RETURNS double precision
	AS 'MODULE_PATHNAME', 'pref_kalpha_nominal_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.krippendorff_alpha_interval_final(internal) RETURNS double precision
	AS 'MODULE_PATHNAME', 'pref_kalpha_interval_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION @extschema@.agree_pair_accum(internal, text, text) IS 'cohen_kappa transition function';
COMMENT ON FUNCTION @extschema@.agree_unit_accum(internal, bigint, text) IS 'fleiss_kappa / krippendorff_alpha transition function';
COMMENT ON FUNCTION @extschema@.agree_value_accum(internal, bigint, double precision) IS 'krippendorff_alpha_interval transition function';
COMMENT ON FUNCTION @extschema@.agree_combine(internal, internal) IS 'agreement aggregates combine function';
COMMENT ON FUNCTION @extschema@.agree_serialize(internal) IS 'agreement aggregates serialize function';
COMMENT ON FUNCTION @extschema@.agree_deserialize(bytea, internal) IS 'agreement aggregates deserialize function';
COMMENT ON FUNCTION @extschema@.cohen_kappa_final(internal) IS 'cohen_kappa final function';
COMMENT ON FUNCTION @extschema@.fleiss_kappa_final(internal) IS 'fleiss_kappa final function';
COMMENT ON FUNCTION @extschema@.krippendorff_alpha_final(internal) IS 'krippendorff_alpha final function';
COMMENT ON FUNCTION @extschema@.krippendorff_alpha_interval_final(internal) IS 'krippendorff_alpha_interval final function';

CREATE AGGREGATE @extschema@.cohen_kappa(label_a text, label_b text) (
	SFUNC = @extschema@.agree_pair_accum, STYPE = internal, SSPACE = 65536,
	FINALFUNC = @extschema@.cohen_kappa_final,
	COMBINEFUNC = @extschema@.agree_combine,
	SERIALFUNC = @extschema@.agree_serialize, DESERIALFUNC = @extschema@.agree_deserialize,
	PARALLEL = SAFE);
COMMENT ON AGGREGATE @extschema@.cohen_kappa(text, text) IS
'Cohen''s kappa of two raters: one row per item with each rater''s label; NULL when undefined';

CREATE AGGREGATE @extschema@.fleiss_kappa(unit bigint, label text) (
	SFUNC = @extschema@.agree_unit_accum, STYPE = internal, SSPACE = 65536,
	FINALFUNC = @extschema@.fleiss_kappa_final,
	COMBINEFUNC = @extschema@.agree_combine,
	SERIALFUNC = @extschema@.agree_serialize, DESERIALFUNC = @extschema@.agree_deserialize,
	PARALLEL = SAFE);
COMMENT ON AGGREGATE @extschema@.fleiss_kappa(bigint, text) IS
'Fleiss'' kappa: one row per (unit, rating); units with one rating ignored; raters per unit may vary';

CREATE AGGREGATE @extschema@.krippendorff_alpha(unit bigint, label text) (
	SFUNC = @extschema@.agree_unit_accum, STYPE = internal, SSPACE = 65536,
	FINALFUNC = @extschema@.krippendorff_alpha_final,
	COMBINEFUNC = @extschema@.agree_combine,
	SERIALFUNC = @extschema@.agree_serialize, DESERIALFUNC = @extschema@.agree_deserialize,
	PARALLEL = SAFE);
COMMENT ON AGGREGATE @extschema@.krippendorff_alpha(bigint, text) IS
'Krippendorff''s alpha for nominal labels: one row per (unit, value); missing values allowed';

CREATE AGGREGATE @extschema@.krippendorff_alpha_interval(unit bigint, value double precision) (
	SFUNC = @extschema@.agree_value_accum, STYPE = internal, SSPACE = 65536,
	FINALFUNC = @extschema@.krippendorff_alpha_interval_final,
	COMBINEFUNC = @extschema@.agree_combine,
	SERIALFUNC = @extschema@.agree_serialize, DESERIALFUNC = @extschema@.agree_deserialize,
	PARALLEL = SAFE);
COMMENT ON AGGREGATE @extschema@.krippendorff_alpha_interval(bigint, double precision) IS
'Krippendorff''s alpha for interval values (squared-difference metric): one row per (unit, value)';
