-- Bradley-Terry extras: bootstrap intervals, evaluation on held-out comparisons

CREATE FUNCTION @extschema@.bt_bootstrap(t @extschema@.tally, rounds integer DEFAULT 1000, seed bigint DEFAULT 42,
	level double precision DEFAULT 0.95, prior double precision DEFAULT 0, ties text DEFAULT 'auto',
	scale text DEFAULT 'elo', order_effect boolean DEFAULT false)
	RETURNS TABLE (item text, rating double precision, std_error double precision, lower double precision,
				   upper double precision, rank integer, rank_lower integer, rank_upper integer, rounds integer)
	AS 'MODULE_PATHNAME', 'pref_bt_bootstrap' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 100;
COMMENT ON FUNCTION @extschema@.bt_bootstrap(@extschema@.tally, integer, bigint, double precision, double precision, text, text, boolean) IS
'bootstrap intervals of a Bradley-Terry fit: Poisson resampling of the tally cells (no pass over the rows), warm-started refits; per item the full-data rating, bootstrap standard error, percentile interval, interval-aware rank, rank interval and rounds used; reproducible for a seed';
