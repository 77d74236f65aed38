-- Bradley-Terry: pref.bt_model, pref.bradley_terry, pref.bt_fit, ratings

CREATE TYPE @extschema@.bt_model;
CREATE FUNCTION @extschema@.bt_model_in(cstring) RETURNS @extschema@.bt_model
	AS 'MODULE_PATHNAME', 'pref_bt_model_in' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.bt_model_out(@extschema@.bt_model) RETURNS cstring
	AS 'MODULE_PATHNAME', 'pref_bt_model_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.bt_model_recv(internal) RETURNS @extschema@.bt_model
	AS 'MODULE_PATHNAME', 'pref_bt_model_recv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.bt_model_send(@extschema@.bt_model) RETURNS bytea
	AS 'MODULE_PATHNAME', 'pref_bt_model_send' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE TYPE @extschema@.bt_model (
	INPUT = @extschema@.bt_model_in,
	OUTPUT = @extschema@.bt_model_out,
	RECEIVE = @extschema@.bt_model_recv,
	SEND = @extschema@.bt_model_send,
	INTERNALLENGTH = VARIABLE,
	ALIGNMENT = double,
	STORAGE = extended
);
COMMENT ON TYPE @extschema@.bt_model IS
'fitted Bradley-Terry model, or Plackett-Luce model of rankings (pref.pl_fit; format version 3, "model": "plackett_luce"): items, log-strengths, standard errors (model and sandwich), tie parameter, order effect, log-likelihood, iterations, options and the tally it was fitted on (for Plackett-Luce the implied pairs, and the rankings); text form is complete versioned JSON (exact round trip), pref.bt_summary is the human summary';
COMMENT ON FUNCTION @extschema@.bt_model_in(cstring) IS 'parse the versioned JSON text form of a pref.bt_model (as printed; validated)';
COMMENT ON FUNCTION @extschema@.bt_model_out(@extschema@.bt_model) IS 'complete versioned JSON of a pref.bt_model: options, fit report, theta and the tally, doubles in shortest round-trip form';
COMMENT ON FUNCTION @extschema@.bt_model_recv(internal) IS 'binary input of a pref.bt_model (version, sizes and counts validated)';
COMMENT ON FUNCTION @extschema@.bt_model_send(@extschema@.bt_model) IS 'binary output of a pref.bt_model';

CREATE FUNCTION @extschema@.bradley_terry(t @extschema@.tally, prior double precision DEFAULT 0,
	ties text DEFAULT 'auto', max_iter integer DEFAULT 100, tol double precision DEFAULT 1e-10,
	order_effect boolean DEFAULT false)
	RETURNS @extschema@.bt_model
	AS 'MODULE_PATHNAME', 'pref_bradley_terry' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.bradley_terry(@extschema@.tally, double precision, text, integer, double precision, boolean) IS
'fit a Bradley-Terry model to a tally by Newton''s method (Cholesky): prior = Gaussian prior precision (0 = MLE), ties none | half | rao_kupper | davidson | auto, optional first-position order effect';

CREATE FUNCTION @extschema@.bradley_terry(t @extschema@.tally, method text, prior double precision DEFAULT 0,
	ties text DEFAULT 'auto', max_iter integer DEFAULT 100, tol double precision DEFAULT 1e-10,
	order_effect boolean DEFAULT false)
	RETURNS @extschema@.bt_model
	AS 'MODULE_PATHNAME', 'pref_bradley_terry_method' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.bradley_terry(@extschema@.tally, text, double precision, text, integer, double precision, boolean) IS
'fit a Bradley-Terry model with a chosen method: newton (Cholesky), mm (Hunter''s MM, ties none or half without order effect, max_iter * 100 sweeps) or auto (MM above 2000 items when it applies)';

CREATE FUNCTION @extschema@.bt_fit_final(@extschema@.tally) RETURNS @extschema@.bt_model
	AS 'MODULE_PATHNAME', 'pref_bt_fit_state_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.bt_fit_final(@extschema@.tally) IS 'pref.bt_fit aggregate support: fit the state''s tally with default options';

CREATE AGGREGATE @extschema@.bt_fit(winner bigint, loser bigint) (
	SFUNC = @extschema@.tally_accum, STYPE = @extschema@.tally, SSPACE = 65536,
	FINALFUNC = @extschema@.bt_fit_final,
	COMBINEFUNC = @extschema@.tally_combine,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.bt_fit(bigint, bigint) IS 'Bradley-Terry fit of comparisons with default options: bradley_terry(tally(...))';

CREATE AGGREGATE @extschema@.bt_fit(winner bigint, loser bigint, tie boolean) (
	SFUNC = @extschema@.tally_accum, STYPE = @extschema@.tally, SSPACE = 65536,
	FINALFUNC = @extschema@.bt_fit_final,
	COMBINEFUNC = @extschema@.tally_combine,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.bt_fit(bigint, bigint, boolean) IS 'Bradley-Terry fit of comparisons with default options: bradley_terry(tally(...))';

CREATE AGGREGATE @extschema@.bt_fit(winner bigint, loser bigint, tie boolean, weight double precision) (
	SFUNC = @extschema@.tally_accum, STYPE = @extschema@.tally, SSPACE = 65536,
	FINALFUNC = @extschema@.bt_fit_final,
	COMBINEFUNC = @extschema@.tally_combine,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.bt_fit(bigint, bigint, boolean, double precision) IS 'Bradley-Terry fit of comparisons with default options: bradley_terry(tally(...))';

CREATE AGGREGATE @extschema@.bt_fit(winner text, loser text) (
	SFUNC = @extschema@.tally_accum, STYPE = @extschema@.tally, SSPACE = 65536,
	FINALFUNC = @extschema@.bt_fit_final,
	COMBINEFUNC = @extschema@.tally_combine,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.bt_fit(text, text) IS 'Bradley-Terry fit of comparisons with default options: bradley_terry(tally(...))';

CREATE AGGREGATE @extschema@.bt_fit(winner text, loser text, tie boolean) (
	SFUNC = @extschema@.tally_accum, STYPE = @extschema@.tally, SSPACE = 65536,
	FINALFUNC = @extschema@.bt_fit_final,
	COMBINEFUNC = @extschema@.tally_combine,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.bt_fit(text, text, boolean) IS 'Bradley-Terry fit of comparisons with default options: bradley_terry(tally(...))';

CREATE AGGREGATE @extschema@.bt_fit(winner text, loser text, tie boolean, weight double precision) (
	SFUNC = @extschema@.tally_accum, STYPE = @extschema@.tally, SSPACE = 65536,
	FINALFUNC = @extschema@.bt_fit_final,
	COMBINEFUNC = @extschema@.tally_combine,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.bt_fit(text, text, boolean, double precision) IS 'Bradley-Terry fit of comparisons with default options: bradley_terry(tally(...))';


CREATE FUNCTION @extschema@.ratings(m @extschema@.bt_model, scale text DEFAULT 'elo', anchor text DEFAULT NULL,
	anchor_rating double precision DEFAULT 1000, level double precision DEFAULT 0.95, se text DEFAULT 'model')
	RETURNS TABLE (item text, rating double precision, std_error double precision, lower double precision,
				   upper double precision, rank integer, wins bigint, losses bigint, ties bigint, games bigint)
	AS 'MODULE_PATHNAME', 'pref_ratings' LANGUAGE C IMMUTABLE PARALLEL SAFE ROWS 100;
COMMENT ON FUNCTION @extschema@.ratings(@extschema@.bt_model, text, text, double precision, double precision, text) IS
'leaderboard of a model: rating (elo = 400/ln 10 * theta + 1000, or logit = theta with mean 0; an anchor item pinned to anchor_rating), standard error (model or sandwich), interval at level, interval-aware rank, wins, losses, ties, games (for a Plackett-Luce model, the pairwise outcomes its rankings imply)';

CREATE FUNCTION @extschema@.bt_summary(m @extschema@.bt_model) RETURNS jsonb
	AS 'MODULE_PATHNAME', 'pref_bt_summary' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.bt_summary(@extschema@.bt_model) IS
'model summary: model (bradley_terry or plackett_luce), items, loglik, iterations, converged, rows used and skipped, prior, ties, tie_param, tie_param_se, p_tie_equal, order_effect, order_effect_se';

CREATE FUNCTION @extschema@.win_prob(m @extschema@.bt_model, a bigint, b bigint) RETURNS double precision
	AS 'MODULE_PATHNAME', 'pref_win_prob_int' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.win_prob(m @extschema@.bt_model, a text, b text) RETURNS double precision
	AS 'MODULE_PATHNAME', 'pref_win_prob_text' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.tie_prob(m @extschema@.bt_model, a bigint, b bigint) RETURNS double precision
	AS 'MODULE_PATHNAME', 'pref_tie_prob_int' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.tie_prob(m @extschema@.bt_model, a text, b text) RETURNS double precision
	AS 'MODULE_PATHNAME', 'pref_tie_prob_text' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.win_prob(@extschema@.bt_model, bigint, bigint) IS 'probability that a is preferred to b (a win, not a tie), without order advantage';
COMMENT ON FUNCTION @extschema@.win_prob(@extschema@.bt_model, text, text) IS 'probability that a is preferred to b (a win, not a tie), without order advantage';
COMMENT ON FUNCTION @extschema@.tie_prob(@extschema@.bt_model, bigint, bigint) IS 'probability of a tie between a and b (0 for models without ties)';
COMMENT ON FUNCTION @extschema@.tie_prob(@extschema@.bt_model, text, text) IS 'probability of a tie between a and b (0 for models without ties)';
