-- Bradley-Terry extras: bootstrap intervals, evaluation on held-out comparisons

CREATE FUNCTION @extschema@.bt_bootstrap(t @extschema@.tally, rounds integer DEFAULT 1000, seed bigint DEFAULT 42,
	level double precision DEFAULT 0.95, prior double precision DEFAULT 0, ties text DEFAULT 'auto',
	scale text DEFAULT 'elo', order_effect boolean DEFAULT false, resample text DEFAULT 'multinomial')
	RETURNS TABLE (item text, rating double precision, std_error double precision, lower double precision,
				   upper double precision, rank integer, rank_lower integer, rank_upper integer, rounds integer)
	AS 'MODULE_PATHNAME', 'pref_bt_bootstrap_resample' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 100;
COMMENT ON FUNCTION @extschema@.bt_bootstrap(@extschema@.tally, integer, bigint, double precision, double precision, text, text, boolean, text) IS
'bootstrap intervals of a Bradley-Terry fit over the tally cells (no pass over the rows), warm-started refits; resample multinomial (the battles resampled with replacement, exact multinomial draw) or poisson (each battle weighted by a Poisson(1) draw, per-cell seeded streams: mergeable across tallies); per item the full-data rating, bootstrap standard error, percentile interval, interval-aware rank, rank interval and rounds used; reproducible for a seed';

CREATE FUNCTION @extschema@.bt_eval_accum(double precision[], @extschema@.bt_model, bigint, bigint) RETURNS double precision[]
	AS 'MODULE_PATHNAME', 'pref_bt_eval_accum_int' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.bt_eval_accum(double precision[], @extschema@.bt_model, bigint, bigint, boolean) RETURNS double precision[]
	AS 'MODULE_PATHNAME', 'pref_bt_eval_accum_int' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.bt_eval_accum(double precision[], @extschema@.bt_model, text, text) RETURNS double precision[]
	AS 'MODULE_PATHNAME', 'pref_bt_eval_accum_text' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.bt_eval_accum(double precision[], @extschema@.bt_model, text, text, boolean) RETURNS double precision[]
	AS 'MODULE_PATHNAME', 'pref_bt_eval_accum_text' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.bt_eval_combine(double precision[], double precision[]) RETURNS double precision[]
	AS 'MODULE_PATHNAME', 'pref_bt_eval_combine' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.bt_eval_final(double precision[]) RETURNS jsonb
	AS 'MODULE_PATHNAME', 'pref_bt_eval_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.bt_eval_accum(double precision[], @extschema@.bt_model, bigint, bigint) IS 'pref.bt_eval aggregate support: score one comparison (state checked: 5 finite, non-negative elements)';
COMMENT ON FUNCTION @extschema@.bt_eval_accum(double precision[], @extschema@.bt_model, bigint, bigint, boolean) IS 'pref.bt_eval aggregate support: score one comparison (state checked: 5 finite, non-negative elements)';
COMMENT ON FUNCTION @extschema@.bt_eval_accum(double precision[], @extschema@.bt_model, text, text) IS 'pref.bt_eval aggregate support: score one comparison (state checked: 5 finite, non-negative elements)';
COMMENT ON FUNCTION @extschema@.bt_eval_accum(double precision[], @extschema@.bt_model, text, text, boolean) IS 'pref.bt_eval aggregate support: score one comparison (state checked: 5 finite, non-negative elements)';
COMMENT ON FUNCTION @extschema@.bt_eval_combine(double precision[], double precision[]) IS 'pref.bt_eval aggregate support: add partial sums (NULL-safe; states checked)';
COMMENT ON FUNCTION @extschema@.bt_eval_final(double precision[]) IS 'pref.bt_eval aggregate support: means as jsonb (state checked)';

CREATE AGGREGATE @extschema@.bt_eval(m @extschema@.bt_model, winner bigint, loser bigint) (
	SFUNC = @extschema@.bt_eval_accum, STYPE = double precision[],
	FINALFUNC = @extschema@.bt_eval_final, COMBINEFUNC = @extschema@.bt_eval_combine, PARALLEL = SAFE
);
CREATE AGGREGATE @extschema@.bt_eval(m @extschema@.bt_model, winner bigint, loser bigint, tie boolean) (
	SFUNC = @extschema@.bt_eval_accum, STYPE = double precision[],
	FINALFUNC = @extschema@.bt_eval_final, COMBINEFUNC = @extschema@.bt_eval_combine, PARALLEL = SAFE
);
CREATE AGGREGATE @extschema@.bt_eval(m @extschema@.bt_model, winner text, loser text) (
	SFUNC = @extschema@.bt_eval_accum, STYPE = double precision[],
	FINALFUNC = @extschema@.bt_eval_final, COMBINEFUNC = @extschema@.bt_eval_combine, PARALLEL = SAFE
);
CREATE AGGREGATE @extschema@.bt_eval(m @extschema@.bt_model, winner text, loser text, tie boolean) (
	SFUNC = @extschema@.bt_eval_accum, STYPE = double precision[],
	FINALFUNC = @extschema@.bt_eval_final, COMBINEFUNC = @extschema@.bt_eval_combine, PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.bt_eval(@extschema@.bt_model, bigint, bigint) IS
'held-out evaluation of a Bradley-Terry model: jsonb rows, rows_skipped (NULLs, unknown items), mean log loss, accuracy and Brier score of P(winner beats loser)';
COMMENT ON AGGREGATE @extschema@.bt_eval(@extschema@.bt_model, bigint, bigint, boolean) IS
'held-out evaluation with ties: a ties model scores three outcomes (log loss of the observed one, argmax accuracy, multi-class Brier); a model without ties scores a tie as half a win each way';
COMMENT ON AGGREGATE @extschema@.bt_eval(@extschema@.bt_model, text, text) IS
'held-out evaluation of a Bradley-Terry model (text items): jsonb rows, rows_skipped, mean log loss, accuracy and Brier score';
COMMENT ON AGGREGATE @extschema@.bt_eval(@extschema@.bt_model, text, text, boolean) IS
'held-out evaluation with ties (text items); see the bigint form';
