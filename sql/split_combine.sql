-- Split and combine, as Citus does it, for every aggregate in schema pref.
-- Driven from the catalog: a new aggregate without a sample row below, an
-- `internal` state or a missing combine function fails this test.
-- For each aggregate: a partial aggregate with the same transition function
-- and no final function runs over 3 disjoint slices of the rows (plus one
-- empty slice, a NULL state); each state is cast to text and read back
-- through the state type's input function; the states are folded with the
-- combine function and the final function is applied. The result must equal
-- the one-pass result: text outside numbers exactly, integers exactly, other
-- numbers to 1e-9 relative (summation order), and the states' text must
-- read back to the same text.
SET search_path = public;
SET extra_float_digits = 0;

CREATE TABLE sc_rows AS
SELECT i,
	(i % 7 + 1)::bigint AS w, ((i % 7 + 1 + (i / 7) % 6) % 7 + 1)::bigint AS l,
	(i % 5 = 0) AS tie, 0.5 + (i % 4) * 0.25 AS wt,
	'm' || (i % 7 + 1) AS wtx, 'm' || ((i % 7 + 1 + (i / 7) % 6) % 7 + 1) AS ltx,
	(ARRAY['>', '<', '='])[i % 3 + 1] AS oc,
	-40 - (i % 9) * 0.7 AS pc, -44 + (i % 5) * 0.9 AS pr, -41 - (i % 4) * 0.3 AS rc, -43 + (i % 6) * 0.2 AS rr,
	(i % 3 <> 0) AS des, -42 + (i % 7) * 0.1 AS klp, -42.5 + (i % 3) * 0.2 AS klr,
	(ARRAY['a', 'b', 'c'])[i % 3 + 1] AS lab_a, (ARRAY['a', 'b', 'c'])[(i * 2) % 3 + 1] AS lab_b,
	(i / 3)::bigint AS unit, (i % 5)::float8 + 0.5 AS val,
	((i * 37) % 100) / 100.0::float8 AS prob, ((i * 11) % 7 < 4) AS outc,
	(i % 9 - 3) * 0.37 AS margin,
	ARRAY[(i % 5)::real, ((i * 7) % 3)::real, ((i * 5) % 11)::real / 4] AS xr,
	ARRAY[(i % 5)::float8, ((i * 7) % 3)::float8, ((i * 5) % 11)::float8 / 4] AS xd,
	ARRAY[((i * 3) % 4)::real, (i % 2)::real, ((i * 2) % 7)::real / 3] AS xr2,
	ARRAY[((i * 3) % 4)::float8, (i % 2)::float8, ((i * 2) % 7)::float8 / 3] AS xd2,
	(i % 5) * 1.5 + (i % 3) AS y
FROM generate_series(1, 90) i;
ALTER TABLE sc_rows ADD COLUMN p pref.pair, ADD COLUMN rk pref.ranking, ADD COLUMN t pref.tally, ADD COLUMN mdl pref.bt_model;
UPDATE sc_rows SET p = pref.pair(w, l, oc), rk = pref.ranking(ARRAY[w, l, (w - 1 + 2 * (1 + (i / 7) % 6)) % 7 + 1]);
UPDATE sc_rows SET t = (SELECT pref.tally(x.w, x.l, x.tie) FROM sc_rows x WHERE x.i % 10 = sc_rows.i % 10);
UPDATE sc_rows SET mdl = (SELECT pref.bt_fit(w, l) FROM sc_rows);

-- Sample arguments per aggregate signature (expressions over sc_rows)
CREATE TABLE sc_cases (sig text PRIMARY KEY, args text NOT NULL);
INSERT INTO sc_cases VALUES
 ('pref.tally(bigint,bigint)', 'w, l'),
 ('pref.tally(bigint,bigint,boolean)', 'w, l, tie'),
 ('pref.tally(bigint,bigint,boolean,double precision)', 'w, l, tie, wt'),
 ('pref.tally(text,text)', 'wtx, ltx'),
 ('pref.tally(text,text,boolean)', 'wtx, ltx, tie'),
 ('pref.tally(text,text,boolean,double precision)', 'wtx, ltx, tie, wt'),
 ('pref.tally(bigint,bigint,text)', 'w, l, oc'),
 ('pref.tally(bigint,bigint,text,double precision)', 'w, l, oc, wt'),
 ('pref.tally(text,text,text)', 'wtx, ltx, oc'),
 ('pref.tally(text,text,text,double precision)', 'wtx, ltx, oc, wt'),
 ('pref.tally(pref.pair)', 'p'),
 ('pref.tally_merge(pref.tally)', 't'),
 ('pref.bt_fit(bigint,bigint)', 'w, l'),
 ('pref.bt_fit(bigint,bigint,boolean)', 'w, l, tie'),
 ('pref.bt_fit(bigint,bigint,boolean,double precision)', 'w, l, tie, wt'),
 ('pref.bt_fit(text,text)', 'wtx, ltx'),
 ('pref.bt_fit(text,text,boolean)', 'wtx, ltx, tie'),
 ('pref.bt_fit(text,text,boolean,double precision)', 'wtx, ltx, tie, wt'),
 ('pref.bt_eval(pref.bt_model,bigint,bigint)', 'mdl, w, l'),
 ('pref.bt_eval(pref.bt_model,bigint,bigint,boolean)', 'mdl, w, l, tie'),
 ('pref.bt_eval(pref.bt_model,text,text)', '(SELECT pref.bt_fit(x.wtx, x.ltx) FROM sc_rows x), wtx, ltx'),
 ('pref.bt_eval(pref.bt_model,text,text,boolean)', '(SELECT pref.bt_fit(x.wtx, x.ltx) FROM sc_rows x), wtx, ltx, tie'),
 ('pref.calibration(double precision,boolean)', 'prob, outc'),
 ('pref.calibration(double precision,boolean,integer)', 'prob, outc, 5'),
 ('pref.calibration_state(double precision,boolean,integer)', 'prob, outc, 5'),
 ('pref.dpo_metrics(double precision,double precision,double precision,double precision)', 'pc, pr, rc, rr'),
 ('pref.dpo_metrics(double precision,double precision,double precision,double precision,double precision)', 'pc, pr, rc, rr, 0.1'),
 ('pref.dpo_metrics(double precision,double precision,double precision,double precision,double precision,text)', 'pc, pr, rc, rr, 0.1, ''ipo'''),
 ('pref.dpo_metrics(double precision,double precision,double precision,double precision,double precision,text,double precision)', 'pc, pr, rc, rr, 0.1, ''sigmoid'', wt'),
 ('pref.dpo_metrics(double precision,double precision,double precision,double precision,double precision,text,double precision,text)', 'pc, pr, rc, rr, 0.1, ''sigmoid'', wt, ''label_smoothing=0.1'''),
 ('pref.kto_metrics(double precision,double precision,boolean,double precision,double precision)', 'pc, rc, des, klp, klr'),
 ('pref.kto_metrics(double precision,double precision,boolean,double precision,double precision,double precision)', 'pc, rc, des, klp, klr, 0.1'),
 ('pref.kto_metrics(double precision,double precision,boolean,double precision,double precision,double precision,double precision,double precision)', 'pc, rc, des, klp, klr, 0.1, 1.0, 1.33'),
 ('pref.ranking_accuracy(double precision,double precision)', 'pc, pr'),
 ('pref.ranking_accuracy(double precision,double precision,double precision,double precision,double precision)', 'pc, pr, rc, rr, 0.1'),
 ('pref.ranking_accuracy(double precision,double precision,double precision,double precision,double precision,double precision)', 'pc, pr, rc, rr, 0.1, 0.6'),
 ('pref.reward_eval(double precision)', 'margin'),
 ('pref.reward_eval(double precision,double precision)', 'margin, wt'),
 ('pref.reward_pass(real[],real[],double precision,double precision[],double precision[])', 'xr, xr2, wt, ''{0.1,-0.2,0.05}''::float8[], ''{0,0,1}''::float8[]'),
 ('pref.reward_pass(double precision[],double precision[],double precision,double precision[],double precision[])', 'xd, xd2, wt, ''{0.1,-0.2,0.05}''::float8[], ''{0,0,1}''::float8[]'),
 ('pref.gram(real[])', 'xr'),
 ('pref.gram(double precision[])', 'xd'),
 ('pref.moments(real[])', 'xr'),
 ('pref.moments(double precision[])', 'xd'),
 ('pref.pca(real[],integer)', 'xr, 2'),
 ('pref.pca(double precision[],integer)', 'xd, 2'),
 ('pref.ridge_fit(real[],double precision,double precision)', 'xr, y, 0.5'),
 ('pref.ridge_fit(double precision[],double precision,double precision)', 'xd, y, 0.5'),
 ('pref.gram(integer[])', 'xr::integer[]'),
 ('pref.gram(numeric[])', 'xd::numeric[]'),
 ('pref.moments(integer[])', 'xr::integer[]'),
 ('pref.moments(numeric[])', 'xd::numeric[]'),
 ('pref.pca(integer[],integer)', 'xr::integer[], 2'),
 ('pref.pca(numeric[],integer)', 'xd::numeric[], 2'),
 ('pref.ridge_fit(integer[],double precision,double precision)', 'xr::integer[], y, 0.5'),
 ('pref.ridge_fit(numeric[],double precision,double precision)', 'xd::numeric[], y, 0.5'),
 ('pref.cohen_kappa(text,text)', 'lab_a, lab_b'),
 ('pref.fleiss_kappa(bigint,text)', 'unit, lab_a'),
 ('pref.krippendorff_alpha(bigint,text)', 'unit, lab_a'),
 ('pref.krippendorff_alpha_interval(bigint,double precision)', 'unit, val'),
 ('pref.plackett_luce(pref.ranking)', 'rk'),
 ('pref.plackett_luce(pref.ranking,double precision)', 'rk, 0.5'),
 ('pref.reward_report(text,double precision,double precision)', 'lab_a, pc, pr'),
 ('pref.reward_report(text,double precision,double precision,double precision)', 'lab_a, pc, pr, wt'),
 ('pref.pl_fit(pref.ranking)', 'rk'),
 ('pref.pl_fit(pref.ranking,double precision)', 'rk, 0.5'),
 ('pref.kmeans_pass(real[],double precision[])', 'xr, ''{{0,0,0},{2,1,1},{4,2,2}}''::float8[]'),
 ('pref.kmeans_pass(double precision[],double precision[])', 'xd, ''{{0,0,0},{2,1,1},{4,2,2}}''::float8[]'),
 ('pref.kmeans_pass(real[],double precision[],text)', 'xr, ''{{1,0,0},{0,1,0},{1,1,1}}''::float8[], ''cosine'''),
 ('pref.kmeans_pass(double precision[],double precision[],text)', 'xd, ''{{0,0,0},{2,1,1},{4,2,2}}''::float8[], ''l2''');

-- Aggregates whose result depends on row order: no combine function, documented
CREATE TABLE sc_order_dependent (name text PRIMARY KEY);
INSERT INTO sc_order_dependent VALUES ('elo');

-- Numbers of a and b agree (integers exactly, others to tol) and the text around them is equal
CREATE FUNCTION sc_close(a text, b text, tol float8 DEFAULT 1e-9) RETURNS boolean
LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
	re constant text := '-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?';
	na text[];
	nb text[];
	x float8;
	y float8;
BEGIN
	IF a IS NULL OR b IS NULL THEN
		RETURN a IS NULL AND b IS NULL;
	END IF;
	IF regexp_replace(a, re, '#', 'g') <> regexp_replace(b, re, '#', 'g') THEN
		RETURN false;
	END IF;
	na := ARRAY(SELECT m[1] FROM regexp_matches(a, '(' || re || ')', 'g') m);
	nb := ARRAY(SELECT m[1] FROM regexp_matches(b, '(' || re || ')', 'g') m);
	FOR k IN 1 .. coalesce(array_length(na, 1), 0) LOOP
		IF na[k] ~ '^-?[0-9]+$' AND nb[k] ~ '^-?[0-9]+$' THEN
			IF na[k] <> nb[k] THEN RETURN false; END IF;
		ELSE
			x := na[k]::float8;
			y := nb[k]::float8;
			IF abs(x - y) > tol * greatest(1, abs(x), abs(y)) THEN RETURN false; END IF;
		END IF;
	END LOOP;
	RETURN true;
END $$;

CREATE FUNCTION sc_run() RETURNS TABLE (aggregate text, state_type text, verdict text)
LANGUAGE plpgsql AS $$
DECLARE
	r record;
	c text;
	one text;
	split text;
	n_states int;
	n_bad_text int;
	init text;
BEGIN
	FOR r IN
		SELECT a.aggfnoid::regprocedure::text AS sig, p.proname, a.aggtransfn::regproc::text AS sfunc,
			a.aggcombinefn, a.aggcombinefn::regproc::text AS cfunc, a.aggfinalfn, a.aggfinalfn::regproc::text AS ffunc,
			a.aggtranstype::regtype::text AS stype, a.agginitval,
			pg_get_function_identity_arguments(a.aggfnoid) AS argtypes
		FROM pg_aggregate a JOIN pg_proc p ON p.oid = a.aggfnoid
		WHERE p.pronamespace = 'pref'::regnamespace
		ORDER BY 1
	LOOP
		aggregate := r.sig;
		state_type := r.stype;
		IF r.proname IN (SELECT name FROM sc_order_dependent) THEN
			verdict := CASE WHEN r.aggcombinefn = 0 THEN 'order-dependent (no combine), skipped'
						  ELSE 'FAIL: order-dependent aggregate has a combine function' END;
			RETURN NEXT;
			CONTINUE;
		END IF;
		IF r.stype = 'internal' THEN
			verdict := 'FAIL: internal state (Citus cannot split it)';
			RETURN NEXT;
			CONTINUE;
		END IF;
		IF r.aggcombinefn = 0 THEN
			verdict := 'FAIL: no combine function';
			RETURN NEXT;
			CONTINUE;
		END IF;
		SELECT args INTO c FROM sc_cases WHERE sig = r.sig;
		IF c IS NULL THEN
			verdict := 'FAIL: no sample row in sc_cases';
			RETURN NEXT;
			CONTINUE;
		END IF;
		BEGIN
		init := CASE WHEN r.agginitval IS NULL THEN '' ELSE format(', INITCOND = %L', r.agginitval) END;
		EXECUTE 'DROP AGGREGATE IF EXISTS pg_temp.sc_part(' || r.argtypes || ')';
		EXECUTE 'DROP AGGREGATE IF EXISTS pg_temp.sc_fin(' || r.stype || ')';
		EXECUTE format('CREATE AGGREGATE pg_temp.sc_part(%s) (SFUNC = %s, STYPE = %s%s)',
					   r.argtypes, r.sfunc, r.stype, init);
		EXECUTE format('CREATE AGGREGATE pg_temp.sc_fin(%s) (SFUNC = %s, STYPE = %s%s%s)',
					   r.stype, r.cfunc, r.stype, init,
					   CASE WHEN r.aggfinalfn = 0 THEN '' ELSE ', FINALFUNC = ' || r.ffunc END);
		EXECUTE format('SELECT %s(%s)::text FROM sc_rows', r.sig::regprocedure::regproc, c) INTO one;
		-- partial states of 3 slices, as text, plus an empty slice's NULL state
		EXECUTE format('CREATE TEMP TABLE sc_states AS SELECT pg_temp.sc_part(%s)::text AS txt FROM sc_rows GROUP BY i %% 3 UNION ALL SELECT NULL', c);
		EXECUTE format('SELECT count(*) FILTER (WHERE txt IS NOT NULL), count(*) FILTER (WHERE txt::%s::text IS DISTINCT FROM txt) FROM sc_states', r.stype)
			INTO n_states, n_bad_text;
		EXECUTE format('SELECT pg_temp.sc_fin(txt::%s)::text FROM sc_states', r.stype) INTO split;
		DROP TABLE sc_states;
		verdict := CASE
			WHEN n_states <> 3 THEN 'FAIL: expected 3 partial states, got ' || n_states
			WHEN n_bad_text > 0 THEN 'FAIL: a state''s text does not read back to the same text'
			WHEN one IS NULL THEN 'FAIL: one-pass result is NULL'
			WHEN sc_close(one, split) THEN 'same'
			ELSE 'FAIL: split ' || left(split, 200) || ' <> one pass ' || left(one, 200) END;
		EXCEPTION WHEN OTHERS THEN
			verdict := 'FAIL: ' || SQLERRM;
			DROP TABLE IF EXISTS sc_states;
		END;
		RETURN NEXT;
	END LOOP;
END $$;

SET client_min_messages = warning;
SELECT * FROM sc_run();
RESET client_min_messages;
-- every sample row names an existing aggregate
SELECT sig AS stale_sample FROM sc_cases
WHERE sig NOT IN (SELECT aggfnoid::regprocedure::text FROM pg_aggregate a JOIN pg_proc p ON p.oid = a.aggfnoid
				  WHERE p.pronamespace = 'pref'::regnamespace);
-- the comparison can fail
SELECT sc_close('{"a": 1, "b": 2.5}', '{"a": 1, "b": 2.5000000000001}') AS close_ok,
	sc_close('{"a": 1, "b": 2.5}', '{"a": 2, "b": 2.5}') AS int_differs,
	sc_close('{"a": 1, "b": 2.5}', '{"a": 1, "b": 2.5001}') AS float_differs,
	sc_close('{"a": 1}', '{"c": 1}') AS text_differs;
