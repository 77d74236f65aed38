-- issue 15 items 3, 4 and 7: near-duplicate groups that cannot chain
-- (method => 'representative'), the large-group WARNING, cluster-quota
-- selection (pref.select_by_cluster) and partition-mergeable selection
-- (pref.select_greedi).
SET search_path = public, pref;
SET extra_float_digits = 0;

-- ---- near_duplicates: grouping
-- 3,000 points on the unit circle: neighbours are 0.12 degrees apart, so at
-- threshold 0.97 (about 14 degrees) the connected components chain around
-- the whole circle into one group, with a WARNING
CREATE TABLE circle AS
SELECT g AS id, ARRAY[cos(2 * pi() * g / 3000), sin(2 * pi() * g / 3000)]::float8[] AS emb
FROM generate_series(1, 3000) g;
SELECT count(DISTINCT group_id) AS groups, count(*) AS rows
FROM pref.near_duplicates('SELECT id, emb FROM circle', 0.97);
-- representatives cannot chain: many groups, none large, no WARNING
SELECT count(DISTINCT group_id) AS groups, max(n) AS largest, min(n) AS smallest
FROM (SELECT group_id, count(*) AS n
      FROM pref.near_duplicates('SELECT id, emb FROM circle', 0.97, method => 'representative')
      GROUP BY group_id) s;
-- every member is within the threshold of its representative (the group id)
SELECT count(*) AS members_below_threshold
FROM pref.near_duplicates('SELECT id, emb FROM circle', 0.97, method => 'representative') n
JOIN circle a ON a.id = n.id JOIN circle r ON r.id = n.group_id
WHERE a.emb[1] * r.emb[1] + a.emb[2] * r.emb[2] < 0.97;

-- an independent reference: leader clustering in PL/pgSQL (rows in id order,
-- join the most similar representative at or above the threshold, ties to
-- the smaller id, else become one)
CREATE TEMP TABLE leader_out (id bigint, group_id bigint);
CREATE FUNCTION leader_ref(tab regclass, threshold float8, metric text DEFAULT 'cosine', gamma float8 DEFAULT NULL)
RETURNS TABLE (id bigint, group_id bigint) LANGUAGE plpgsql AS $$
DECLARE
	r record;
	reps bigint[] := '{}';
	vecs jsonb := '{}';
	best bigint;
	bestsim float8;
	sim float8;
	v float8[];
	w float8[];
	nv float8;
	g float8;
BEGIN
	TRUNCATE leader_out;
	FOR r IN EXECUTE format('SELECT id::bigint AS id, emb::float8[] AS emb FROM %s ORDER BY id', tab) LOOP
		v := r.emb;
		g := coalesce(gamma, 1.0 / cardinality(v));
		IF metric = 'cosine' THEN
			nv := sqrt((SELECT sum(x * x) FROM unnest(v) x));
			v := ARRAY(SELECT x / nv FROM unnest(v) WITH ORDINALITY u(x, o) ORDER BY o);
		END IF;
		best := NULL;
		bestsim := '-Infinity';
		FOR i IN 1 .. coalesce(cardinality(reps), 0) LOOP
			w := ARRAY(SELECT jsonb_array_elements_text(vecs -> reps[i]::text)::float8);
			IF metric = 'cosine' THEN
				sim := (SELECT sum(a * b) FROM unnest(v, w) u(a, b));
			ELSE
				sim := exp(-g * (SELECT sum((a - b) * (a - b)) FROM unnest(v, w) u(a, b)));
			END IF;
			IF sim >= threshold AND sim > bestsim THEN
				best := reps[i];
				bestsim := sim;
			END IF;
		END LOOP;
		IF best IS NULL THEN
			reps := reps || r.id;
			vecs := vecs || jsonb_build_object(r.id::text, to_jsonb(v));
			best := r.id;
		END IF;
		INSERT INTO leader_out VALUES (r.id, best);
	END LOOP;
	RETURN QUERY SELECT * FROM leader_out;
END $$;
SELECT count(*) AS rows, count(*) FILTER (WHERE n.group_id = l.group_id) AS agree
FROM pref.near_duplicates('SELECT id, emb FROM circle', 0.97, method => 'representative') n
JOIN leader_ref('circle', 0.97) l USING (id);
-- 400 points in 5 dimensions, ids shuffled against the row order, l2
CREATE TABLE nd5 AS
SELECT (g * 7919) % 401 AS id,
       ARRAY[sin(g), cos(1.3 * g), sin(0.7 * g), cos(2.1 * g), sin(0.3 * g)]::real[] AS emb
FROM generate_series(1, 400) g ORDER BY g DESC;
SELECT count(*) AS rows, count(*) FILTER (WHERE n.group_id = l.group_id) AS agree,
       count(DISTINCT n.group_id) AS groups
FROM pref.near_duplicates('SELECT id, emb FROM nd5', 0.6, 'l2', gamma => 0.5, method => 'representative') n
JOIN leader_ref('nd5', 0.6, 'l2', 0.5) l USING (id);
SELECT count(*) AS rows, count(*) FILTER (WHERE n.group_id = l.group_id) AS agree,
       count(DISTINCT n.group_id) AS groups
FROM pref.near_duplicates('SELECT id, emb FROM nd5', 0.8, method => 'representative') n
JOIN leader_ref('nd5', 0.8) l USING (id);
-- exact ties: (1,1) is equally similar (cos 0.7071...) to (1,0) and (0,1),
-- and joins the representative with the smaller id, whatever the row order;
-- a copy joins its original; group_id is the smallest id of the group
SELECT id, group_id
FROM pref.near_duplicates($$VALUES (5, '{1,1}'::real[]), (2, '{0,1}'), (1, '{1,0}'), (9, '{1,0}'), (7, '{-1,-1}')$$,
                          0.7, method => 'representative') ORDER BY id;
SELECT id, group_id
FROM pref.near_duplicates($$VALUES (5, '{1,1}'::real[]), (1, '{0,1}'), (2, '{1,0}')$$,
                          0.7, method => 'representative') ORDER BY id;
-- components on the same data chain 1-5-2 together
SELECT id, group_id
FROM pref.near_duplicates($$VALUES (5, '{1,1}'::real[]), (2, '{0,1}'), (1, '{1,0}'), (9, '{1,0}'), (7, '{-1,-1}')$$,
                          0.7) ORDER BY id;
-- text ids
SELECT id, group_id
FROM pref.near_duplicates($$VALUES ('e', '{1,1}'::real[]), ('b', '{0,1}'), ('a', '{1,0}')$$,
                          id_type => NULL::text, threshold => 0.7, method => 'representative') ORDER BY id;
-- bad grouping, NULL grouping
SELECT * FROM pref.near_duplicates('SELECT id, emb FROM circle', 0.97, method => 'single');
SELECT * FROM pref.near_duplicates('SELECT id, emb FROM circle', 0.97, method => NULL);
-- the WARNING fires for representatives too when one group is large
SELECT count(DISTINCT group_id) FROM pref.near_duplicates('SELECT id, emb FROM circle', -2, method => 'representative');
-- no WARNING under 101 rows, even when everything is one group
SELECT count(DISTINCT group_id) FROM pref.near_duplicates('SELECT id, emb FROM circle WHERE id <= 100', -1);
-- empty input
SELECT count(*) FROM pref.near_duplicates('SELECT id, emb FROM circle WHERE false', 0.9, method => 'representative');
