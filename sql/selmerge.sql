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

-- ---- select_by_cluster: against the numpy reference (test/ref/selmerge_ref.py)
\set QUIET on
\i test/ref/selmerge_fixture.sql
\set QUIET off
CREATE FUNCTION sbc_check(p_name text, got_sql text)
RETURNS TABLE (name text, picks bigint, same_picks bigint, gains_ok bigint, objectives_ok bigint, quotas_ok boolean)
LANGUAGE plpgsql AS $$
BEGIN
	EXECUTE format('CREATE TEMP TABLE sbc_got AS %s', got_sql);
	RETURN QUERY
	SELECT $1, count(*), count(*) FILTER (WHERE g.id = e.id),
	       count(*) FILTER (WHERE (g.gain IS NULL AND e.gain IS NULL) OR abs(g.gain - e.gain) <= 1e-9 * greatest(1, abs(e.gain))),
	       count(*) FILTER (WHERE abs(g.objective - e.objective) <= 1e-9 * greatest(1, abs(e.objective))),
	       (SELECT bool_and(q.quota = (SELECT count(*) FROM sbc_got x WHERE x.cluster = q.cluster)) FROM sbc_quota q WHERE q.name = $1)
	FROM (SELECT * FROM sbc_expected x WHERE x.name = $1) e FULL JOIN sbc_got g USING (cluster, pick);
	DROP TABLE sbc_got;
END $$;
SELECT * FROM sbc_check('prop_fl_cos', $q$SELECT * FROM pref.select_by_cluster('SELECT id, emb, cluster, quality FROM sbc_rows', 6)$q$);
SELECT * FROM sbc_check('fixed_fl_cos', $q$SELECT * FROM pref.select_by_cluster('SELECT id, emb, cluster FROM sbc_rows', 9, 'fixed')$q$);
SELECT * FROM sbc_check('quality_fl_l2', $q$SELECT * FROM pref.select_by_cluster('SELECT id, emb, cluster, quality FROM sbc_rows', 8, 'quality', metric => 'l2', lambda => 0.5, gamma => 0.3, temperature => 0.5)$q$);
SELECT * FROM sbc_check('prop_kc_l2', $q$SELECT * FROM pref.select_by_cluster('SELECT id, emb, cluster FROM sbc_rows', 7, method => 'k_center', metric => 'l2')$q$);
SELECT * FROM sbc_check('fixed_all', $q$SELECT * FROM pref.select_by_cluster('SELECT id, emb, cluster FROM sbc_rows', 40, 'fixed')$q$);
-- pgpref's greedy objective of every cluster is within (1 - 1/e) of the
-- brute-force best subset of its quota (and not above it)
SELECT e.name, count(*) AS clusters,
       bool_and(g.objective >= (1 - exp(-1.0)) * e.brute AND g.objective <= e.brute + 1e-9) AS within_bound
FROM (SELECT 'fixed_fl_cos' AS name, * FROM pref.select_by_cluster('SELECT id, emb, cluster FROM sbc_rows', 9, 'fixed')
      UNION ALL
      SELECT 'quality_fl_l2', * FROM pref.select_by_cluster('SELECT id, emb, cluster, quality FROM sbc_rows', 8, 'quality', metric => 'l2', lambda => 0.5, gamma => 0.3, temperature => 0.5)) g
JOIN sbc_expected e USING (name, cluster, pick)
WHERE (e.name, e.cluster, e.pick) IN (SELECT name, cluster, max(pick) FROM sbc_expected GROUP BY 1, 2)
GROUP BY e.name ORDER BY e.name;
-- rows in another order give the same picks (ties and order are by id)
SELECT count(*) AS same
FROM pref.select_by_cluster('SELECT id, emb, cluster, quality FROM sbc_rows ORDER BY id DESC', 6) a
JOIN pref.select_by_cluster('SELECT id, emb, cluster, quality FROM sbc_rows ORDER BY emb[2]', 6) b USING (cluster, pick)
WHERE a.id = b.id AND a.gain = b.gain AND a.objective = b.objective;
-- within a cluster: exactly pref.select_subset over that cluster's rows
SELECT count(*) AS same
FROM pref.select_by_cluster('SELECT id, emb, cluster, quality FROM sbc_rows', 10, 'fixed', lambda => 0.7) a
JOIN pref.select_subset('SELECT id, emb, quality FROM sbc_rows WHERE cluster = 50', 2, lambda => 0.7) b USING (pick)
WHERE a.cluster = 50 AND a.id = b.id AND a.gain = b.gain AND a.objective = b.objective;
SELECT count(*) AS same
FROM pref.select_by_cluster('SELECT id, emb, cluster, quality FROM sbc_rows', 12, method => 'dpp') a
JOIN pref.select_subset('SELECT id, emb, quality FROM sbc_rows WHERE cluster = 10', 4, 'dpp') b USING (pick)
WHERE a.cluster = 10 AND a.id = b.id AND a.gain = b.gain;
SELECT cluster, count(*) AS picks
FROM pref.select_by_cluster('SELECT id, emb, cluster, quality FROM sbc_rows', 5, method => 'mmr', lambda => 0.3)
GROUP BY cluster ORDER BY cluster;

-- quotas by hand: 4 picks among 3 clusters of 10 rows: 2, 1, 1 (equal
-- remainders go to the smaller cluster id); proportional 10:6:1 with k = 5:
-- shares 2.94, 1.76, 0.29 -> 3, 2, 0; fixed with k = 9 over sizes 10, 2, 2:
-- shares of 3 cap the small clusters at 2, and the big one gets the other 5
CREATE TABLE sbc_hand AS
SELECT g AS id, ARRAY[cos(g), sin(g), cos(3 * g)] AS emb, c AS cluster, (g % 7) / 7.0 AS quality
FROM generate_series(1, 30) g, LATERAL (SELECT CASE WHEN g <= 10 THEN 3 WHEN g <= 20 THEN 1 ELSE 2 END AS c) x;
SELECT cluster, count(*) FROM pref.select_by_cluster('SELECT id, emb, cluster FROM sbc_hand', 4, 'fixed') GROUP BY 1 ORDER BY 1;
SELECT cluster, count(*) FROM pref.select_by_cluster('SELECT id, emb, cluster FROM sbc_hand WHERE id <= 16 OR id = 21', 5) GROUP BY 1 ORDER BY 1;
SELECT cluster, count(*) FROM pref.select_by_cluster('SELECT id, emb, cluster FROM sbc_hand WHERE id <= 12 OR id > 28', 9, 'fixed') GROUP BY 1 ORDER BY 1;
-- quality quota: the cluster of the best mean quality gets more as the temperature falls
SELECT cluster, round(avg(quality), 3) AS mean_quality FROM sbc_hand GROUP BY 1 ORDER BY 1;
SELECT t, string_agg(cluster || ':' || n, ' ' ORDER BY cluster) AS quotas
FROM (VALUES (100.0), (0.1), (0.01)) v(t),
     LATERAL (SELECT cluster, count(*) AS n
              FROM pref.select_by_cluster('SELECT id, emb, cluster, quality FROM sbc_hand', 12, 'quality', temperature => v.t)
              GROUP BY cluster) s
GROUP BY t ORDER BY t DESC;
-- text ids
SELECT id, cluster, pick FROM pref.select_by_cluster($$VALUES ('b', '{1,0}'::real[], 1), ('a', '{0,1}', 1), ('c', '{1,1}', 2)$$, 2, id_type => NULL::text, quota => 'fixed')
ORDER BY cluster, pick;
-- k beyond the rows: NOTICE, every row
SELECT count(*) FROM pref.select_by_cluster('SELECT id, emb, cluster FROM sbc_hand', 100);
-- NULL cluster rows are skipped; empty input
SELECT count(*) FROM pref.select_by_cluster($$VALUES (1, '{1,0}'::real[], NULL::int), (2, '{0,1}', 1)$$, 2);
SELECT count(*) FROM pref.select_by_cluster('SELECT id, emb, cluster FROM sbc_hand WHERE false', 3);
-- errors
SELECT * FROM pref.select_by_cluster('SELECT id, emb, cluster FROM sbc_hand', 3, 'quality');
SELECT * FROM pref.select_by_cluster('SELECT id, emb, cluster FROM sbc_hand', 0);
SELECT * FROM pref.select_by_cluster('SELECT id, emb, cluster FROM sbc_hand', NULL);
SELECT * FROM pref.select_by_cluster('SELECT id, emb, cluster FROM sbc_hand', 3, 'equal');
SELECT * FROM pref.select_by_cluster('SELECT id, emb, cluster FROM sbc_hand', 3, NULL);
SELECT * FROM pref.select_by_cluster('SELECT id, emb, cluster FROM sbc_hand', 3, method => 'greedy');
SELECT * FROM pref.select_by_cluster('SELECT id, emb, cluster FROM sbc_hand', 3, temperature => 1);
SELECT * FROM pref.select_by_cluster('SELECT id, emb, cluster, quality FROM sbc_hand', 3, 'quality', temperature => 0);
SELECT * FROM pref.select_by_cluster('SELECT id, emb, cluster FROM sbc_hand', 3, gamma => 1);
SELECT * FROM pref.select_by_cluster('SELECT id, emb, cluster FROM sbc_hand', 3, method => 'k_center', lambda => 1);
SELECT * FROM pref.select_by_cluster('SELECT id, emb, cluster FROM sbc_hand', 3, lambda => 'NaN');
SELECT * FROM pref.select_by_cluster('SELECT id, emb, cluster, -quality FROM sbc_hand', 3, method => 'dpp');
SELECT * FROM pref.select_by_cluster($$VALUES (1, '{1,0}'::real[], 1), (1, '{0,1}', 2)$$, 2);
SELECT * FROM pref.select_by_cluster($$VALUES (1, '{0,0}'::real[], 1), (2, '{0,1}', 2)$$, 2);
SELECT * FROM pref.select_by_cluster($$VALUES (1, '{1,0}'::real[], 'a'), (2, '{0,1}', 'b')$$, 2);
SELECT * FROM pref.select_by_cluster($$VALUES (1, '{1,0}'::real[]), (2, '{0,1}')$$, 2);
SET pgpref.max_memory = '1MB';
SELECT count(*) FROM pref.select_by_cluster('SELECT g, ARRAY[cos(g), sin(g)], g % 2 FROM generate_series(1, 1000) g', 10);
RESET pgpref.max_memory;

-- ---- select_greedi: partition-mergeable selection (GreeDi)
-- up to max(4k, 2048) rows in one state, nothing is reduced: the picks are
-- those of pref.select_subset (lazy greedy facility location, cosine)
CREATE TABLE gd AS
SELECT g AS id,
       ARRAY[sin(g) + (g % 7), cos(1.7 * g) - (g % 5), sin(0.3 * g) * (g % 3), cos(g) + 0.5, sin(2.9 * g)]::real[] AS emb,
       ((g * 37) % 100) / 50.0 AS quality
FROM generate_series(1, 6000) g;
SELECT pref.select_greedi(id, emb, 8) = (SELECT array_agg(id ORDER BY pick) FROM pref.select_subset('SELECT id, emb FROM gd WHERE id <= 1500', 8)) AS same_as_greedy
FROM gd WHERE id <= 1500;
SELECT pref.select_greedi(id, emb::float8[], 8, quality) = (SELECT array_agg(id ORDER BY pick) FROM pref.select_subset('SELECT id, emb, quality FROM gd WHERE id <= 1500', 8)) AS same_as_greedy_quality
FROM gd WHERE id <= 1500;
-- ... whatever the order of the rows
SELECT (SELECT pref.select_greedi(id, emb, 8 ORDER BY id DESC) FROM gd WHERE id <= 1500)
     = (SELECT pref.select_greedi(id, emb, 8 ORDER BY emb[3]) FROM gd WHERE id <= 1500) AS order_free;

-- the objective f(S) = sum_i max(0, max_{j in S} cos(i, j)) [+ sum_S quality]
-- over all 6,000 rows, of a pick list: select_subset continues it by one
-- pick, and objective - gain is f(S)
CREATE FUNCTION fl_value(sql text, picks bigint[]) RETURNS float8 LANGUAGE sql AS $$
	SELECT objective - gain FROM pref.select_subset(sql, 1, initial => picks)
$$;
-- 6,000 rows in one state: reduced to k whenever it holds 2,049 candidates
-- (a streaming GreeDi over chunks of the scan); its objective against the
-- single-machine lazy greedy over all rows: at least 95%
CREATE TEMP TABLE gd_greedy AS
SELECT array_agg(id ORDER BY pick) AS picks FROM pref.select_subset('SELECT id, emb FROM gd', 30);
CREATE TEMP TABLE gd_serial AS SELECT pref.select_greedi(id, emb, 30) AS picks FROM gd;
SELECT cardinality(s.picks) AS picks,
       round((fl_value('SELECT id, emb FROM gd', s.picks) / fl_value('SELECT id, emb FROM gd', g.picks))::numeric, 3) AS ratio,
       fl_value('SELECT id, emb FROM gd', s.picks) / fl_value('SELECT id, emb FROM gd', g.picks) >= 0.95 AS within_95pct
FROM gd_serial s, gd_greedy g;
-- partial states by hand, as parallel workers and Citus build them: four
-- partitions, states through their text form, combined in two orders
CREATE AGGREGATE gd_part(bigint, real[], integer) (SFUNC = pref.select_greedi_accum, STYPE = pref.greedi_state);
CREATE TEMP TABLE gd_states AS
SELECT id % 4 AS part, gd_part(id, emb, 30)::text AS st FROM gd GROUP BY id % 4;
SELECT part, length(st) > 1000 AS has_candidates FROM gd_states ORDER BY part;
CREATE TEMP TABLE gd_merged AS
SELECT pref.select_greedi_final(pref.select_greedi_combine(pref.select_greedi_combine(a.st::pref.greedi_state, b.st::pref.greedi_state),
                                                          pref.select_greedi_combine(c.st::pref.greedi_state, d.st::pref.greedi_state))) AS p1,
       pref.select_greedi_final(pref.select_greedi_combine(pref.select_greedi_combine(d.st::pref.greedi_state, c.st::pref.greedi_state),
                                                          pref.select_greedi_combine(b.st::pref.greedi_state, a.st::pref.greedi_state))) AS p2
FROM gd_states a, gd_states b, gd_states c, gd_states d
WHERE a.part = 0 AND b.part = 1 AND c.part = 2 AND d.part = 3;
-- the union of 4 x 30 candidates stays under the bound, so any order of
-- combination gives the same picks; objective at least 95% of greedy's
SELECT m.p1 = m.p2 AS combine_order_free, cardinality(m.p1) AS picks,
       round((fl_value('SELECT id, emb FROM gd', m.p1) / fl_value('SELECT id, emb FROM gd', g.picks))::numeric, 3) AS ratio,
       fl_value('SELECT id, emb FROM gd', m.p1) / fl_value('SELECT id, emb FROM gd', g.picks) >= 0.95 AS within_95pct
FROM gd_merged m, gd_greedy g;
-- text form round trip; NULL states combine to the other one
SELECT st::pref.greedi_state::text = st AS text_round_trip FROM gd_states WHERE part = 0;
SELECT pref.select_greedi_combine(NULL, st::pref.greedi_state)::text = st AS null_left,
       pref.select_greedi_combine(st::pref.greedi_state, NULL)::text = st AS null_right,
       pref.select_greedi_combine(NULL, NULL) IS NULL AS both_null
FROM gd_states WHERE part = 1;
SELECT pref.select_greedi_final(NULL) IS NULL AS final_null;

-- under parallel workers: a Partial Aggregate, and the objective bound holds
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
SET parallel_leader_participation = off;
EXPLAIN (COSTS OFF) SELECT pref.select_greedi(id, emb, 30) FROM gd;
SELECT cardinality(p.picks) AS picks,
       fl_value('SELECT id, emb FROM gd', p.picks) / fl_value('SELECT id, emb FROM gd', g.picks) >= 0.95 AS within_95pct
FROM (SELECT pref.select_greedi(id, emb, 30) AS picks FROM gd) p, gd_greedy g;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
RESET max_parallel_workers_per_gather;
RESET parallel_leader_participation;

-- empty input and NULL rows
SELECT pref.select_greedi(id, emb, 3) IS NULL AS empty_is_null FROM gd WHERE false;
SELECT pref.select_greedi(id, emb, 3) FROM (VALUES (1::bigint, '{1,0}'::real[]), (NULL, '{0,1}'), (2, NULL), (3, '{0,1}')) v(id, emb);
SELECT pref.select_greedi(id, emb, 3, q) FROM (VALUES (1::bigint, '{1,0}'::real[], 0.5), (2, '{0,1}', NULL), (3, '{1,1}', 2)) v(id, emb, q);
-- errors
SELECT pref.select_greedi(id, emb, k) FROM (VALUES (1::bigint, '{1,0}'::real[], 2), (2, '{0,1}', 3)) v(id, emb, k);
SELECT pref.select_greedi(id, emb, NULL) FROM (VALUES (1::bigint, '{1,0}'::real[])) v(id, emb);
SELECT pref.select_greedi(id, emb, 0) FROM (VALUES (1::bigint, '{1,0}'::real[])) v(id, emb);
SELECT pref.select_greedi(id, emb, 2) FROM (VALUES (1::bigint, '{1,0}'::real[]), (2, '{0,1,0}')) v(id, emb);
SELECT pref.select_greedi(id, emb, 2) FROM (VALUES (1::bigint, '{1,0}'::real[]), (2, '{0,0}')) v(id, emb);
SELECT pref.select_greedi(id, emb, 2) FROM (VALUES (1::bigint, '{1,0}'::real[]), (1, '{0,1}')) v(id, emb);
SELECT pref.select_greedi(id, emb, 2) AS same_row_twice FROM (VALUES (1::bigint, '{1,0}'::real[]), (1, '{1,0}'), (2, '{0,1}')) v(id, emb);
SELECT pref.select_greedi(id, emb, 2) FROM (VALUES (1::bigint, '{1,NaN}'::real[])) v(id, emb);
SELECT pref.select_greedi(id, emb, 2) FROM (VALUES (1::bigint, '{}'::real[])) v(id, emb);
SELECT pref.select_greedi(id, emb, 2, q) FROM (VALUES (1::bigint, '{1,0}'::real[], 'Infinity'::float8)) v(id, emb, q);
SELECT pref.select_greedi_accum(NULL, 1, '{1,0}'::real[], 2);
SELECT pref.select_greedi_combine(a.st::pref.greedi_state, b.st::pref.greedi_state)
FROM (SELECT gd_part(id, emb, 2)::text AS st FROM gd WHERE id < 5) a,
     (SELECT gd_part(id, emb, 3)::text AS st FROM gd WHERE id > 5 AND id < 9) b;
SELECT pref.select_greedi_combine(a.st::pref.greedi_state, b.st::pref.greedi_state)
FROM (SELECT gd_part(id, emb, 2)::text AS st FROM gd WHERE id < 5) a,
     (SELECT gd_part(id, emb || 1::real, 2)::text AS st FROM gd WHERE id > 5 AND id < 9) b;
-- the same row in two partitions counts once; an id with two different
-- embeddings is an error when the greedy meets both
SELECT pref.select_greedi_final(pref.select_greedi_combine(a.st::pref.greedi_state, b.st::pref.greedi_state)) AS same_rows_once
FROM (SELECT gd_part(id, emb, 4)::text AS st FROM gd WHERE id < 5) a,
     (SELECT gd_part(id, emb, 4)::text AS st FROM gd WHERE id < 3) b;
SELECT pref.select_greedi_final(pref.select_greedi_combine(a.st::pref.greedi_state, b.st::pref.greedi_state))
FROM (SELECT gd_part(id, emb, 2)::text AS st FROM gd WHERE id < 5) a,
     (SELECT gd_part(id, emb[2:5] || emb[1:1], 2)::text AS st FROM gd WHERE id < 3) b;
SELECT 'v1:AAAA'::pref.greedi_state;
SELECT 'garbage'::pref.greedi_state;
