-- Intransitivity: circular triads, Kendall's coefficient of consistence,
-- the skew-symmetric preference embedding and its win probabilities

CREATE FUNCTION @extschema@.circular_triads(t @extschema@.tally)
	RETURNS TABLE (item text, circular_triads bigint, triads bigint, share double precision)
	AS 'MODULE_PATHNAME', 'pref_circular_triads' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 100;
COMMENT ON FUNCTION @extschema@.circular_triads(@extschema@.tally) IS
'per item of a tally: circular triads of the majority tournament through it (i > j > k > i), triples through it whose three pairs are decided, and their share';

CREATE FUNCTION @extschema@.intransitivity(t @extschema@.tally,
	OUT items integer, OUT decided_pairs bigint, OUT tied_pairs bigint, OUT missing_pairs bigint,
	OUT triads bigint, OUT circular_triads bigint, OUT max_circular_triads bigint,
	OUT consistence double precision, OUT statistic double precision, OUT df double precision,
	OUT p_value double precision, OUT test text)
	AS 'MODULE_PATHNAME', 'pref_intransitivity' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.intransitivity(@extschema@.tally) IS
'intransitivity of a tally''s majority tournament: circular triads, Kendall''s coefficient of consistence 1 - d / d_max and the test of random judgements (exact for up to 7 items, Kendall''s chi-square approximation above); consistence and test need every pair decided';

CREATE FUNCTION @extschema@.preference_embedding(t @extschema@.tally, dim integer DEFAULT 2,
	prior double precision DEFAULT 0.01, holdout double precision DEFAULT 0.2, seed bigint DEFAULT 42,
	restarts integer DEFAULT 3, ties text DEFAULT 'half', max_iter integer DEFAULT 1000,
	tol double precision DEFAULT 1e-8)
	RETURNS jsonb
	AS 'MODULE_PATHNAME', 'pref_preference_embedding' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.preference_embedding(@extschema@.tally, integer, double precision, double precision, bigint, integer, text, integer, double precision) IS
'skew-symmetric preference embedding of a tally (P(i beats j) = sigmoid(v_i'' R v_j), R of 2 x 2 rotation blocks, dimension dim = 2k) fitted by L-BFGS with a Gaussian prior, seeded restarts and a seeded hold-out split; jsonb with loglik, held-out log loss and the same figures of a Bradley-Terry fit of the training part, and the vectors';

CREATE FUNCTION @extschema@.embedding_win_prob(fit jsonb, a text, b text) RETURNS double precision
	AS 'MODULE_PATHNAME', 'pref_embedding_win_prob_text' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.embedding_win_prob(jsonb, text, text) IS 'probability that a is preferred to b under a pref.preference_embedding fit';
CREATE FUNCTION @extschema@.embedding_win_prob(fit jsonb, a bigint, b bigint) RETURNS double precision
	AS 'MODULE_PATHNAME', 'pref_embedding_win_prob_int' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.embedding_win_prob(jsonb, bigint, bigint) IS 'probability that a is preferred to b under a pref.preference_embedding fit';
CREATE FUNCTION @extschema@.embedding_win_prob(v_a double precision[], v_b double precision[]) RETURNS double precision
	AS 'MODULE_PATHNAME', 'pref_embedding_win_prob_vec' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.embedding_win_prob(double precision[], double precision[]) IS 'sigmoid(v_a'' R v_b): the probability that the item with vector v_a is preferred to the one with v_b (R of 2 x 2 rotation blocks)';
