-- Calibration of probabilities against outcomes

CREATE TYPE @extschema@.calibration AS (
	n bigint, bins integer, ece double precision, mce double precision,
	brier double precision, log_loss double precision);
COMMENT ON TYPE @extschema@.calibration IS
'calibration summary: rows, bins, expected and maximum calibration error, Brier score, log loss';

CREATE FUNCTION @extschema@.calibration_accum(double precision[], double precision, boolean) RETURNS double precision[]
	AS 'MODULE_PATHNAME', 'pref_calibration_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.calibration_accum(double precision[], double precision, boolean, integer) RETURNS double precision[]
	AS 'MODULE_PATHNAME', 'pref_calibration_accum_bins' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.calibration_combine(double precision[], double precision[]) RETURNS double precision[]
	AS 'MODULE_PATHNAME', 'pref_calibration_combine' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.calibration_final(double precision[]) RETURNS @extschema@.calibration
	AS 'MODULE_PATHNAME', 'pref_calibration_final' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
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

CREATE FUNCTION @extschema@.reliability_bins(sql text, bins integer DEFAULT 10)
RETURNS TABLE (bin integer, lower double precision, upper double precision,
	mean_predicted double precision, observed_frequency double precision, count bigint)
AS 'MODULE_PATHNAME', 'pref_reliability_bins'
LANGUAGE C VOLATILE;
COMMENT ON FUNCTION @extschema@.reliability_bins(text, integer) IS
'reliability diagram rows from a query yielding (probability, outcome boolean): per bin the mean prediction, observed frequency and count';

CREATE FUNCTION @extschema@.reliability_bins(state double precision[])
RETURNS TABLE (bin integer, lower double precision, upper double precision,
	mean_predicted double precision, observed_frequency double precision, count bigint)
AS 'MODULE_PATHNAME', 'pref_reliability_bins_state'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.reliability_bins(double precision[]) IS
'reliability diagram rows from a pref.calibration_state value';
