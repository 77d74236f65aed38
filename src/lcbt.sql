-- Latent-class Bradley-Terry over annotators (issue 14)

CREATE FUNCTION @extschema@.latent_class_bt(
	sql text,
	k integer,
	restarts integer DEFAULT 5,
	seed bigint DEFAULT 0,
	prior double precision DEFAULT 0,
	ties text DEFAULT 'auto',
	max_iter integer DEFAULT 500,
	tol double precision DEFAULT 1e-9)
RETURNS jsonb
AS 'MODULE_PATHNAME', 'pref_latent_class_bt'
LANGUAGE C VOLATILE;
COMMENT ON FUNCTION @extschema@.latent_class_bt(text, integer, integer, bigint, double precision, text, integer, double precision) IS
'latent-class Bradley-Terry over (annotator, winner, loser [, tie [, weight]]) rows (per-annotator tallies through pref.tally_cells): EM with seeded restarts (best log-likelihood wins) fits k classes of annotators, each with its own ratings (standard errors from the class-weighted comparisons), a share, and per annotator the posterior class probabilities; loglik, BIC, iterations, convergence and the log-likelihood after every EM iteration; ties and prior as pref.bradley_terry';

CREATE FUNCTION @extschema@.latent_class_ratings(fit jsonb)
RETURNS TABLE (class integer, share double precision, item text, rating double precision, std_error double precision)
AS $$
	SELECT (c->>'class')::integer, (c->>'share')::double precision, r->>'item',
	       (r->>'rating')::double precision, (r->>'std_error')::double precision
	FROM jsonb_array_elements(CASE WHEN jsonb_typeof(fit->'classes') = 'array' THEN fit->'classes' END) c,
	     jsonb_array_elements(CASE WHEN jsonb_typeof(c->'ratings') = 'array' THEN c->'ratings' END) r
$$ LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.latent_class_ratings(jsonb) IS
'the classes of a pref.latent_class_bt fit as rows: class, share, item (as text), rating, std_error';

CREATE FUNCTION @extschema@.latent_class_posteriors(fit jsonb)
RETURNS TABLE (annotator text, class integer, probability double precision, assigned boolean)
AS $$
	SELECT p->>'annotator', c.ord::integer, c.v::double precision, c.ord = (p->>'class')::integer
	FROM jsonb_array_elements(CASE WHEN jsonb_typeof(fit->'posteriors') = 'array' THEN fit->'posteriors' END) p,
	     jsonb_array_elements_text(CASE WHEN jsonb_typeof(p->'probabilities') = 'array' THEN p->'probabilities' END)
	         WITH ORDINALITY c(v, ord)
$$ LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.latent_class_posteriors(jsonb) IS
'the annotators of a pref.latent_class_bt fit as rows: annotator (as text), class, posterior probability, and whether it is the annotator''s most probable class';
