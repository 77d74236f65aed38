-- Dense facility location keeps its similarity matrix as real by default
-- (single_precision NULL): the float matrix only ranks candidates and every
-- pick is settled on exact gains, so picks, gains and objectives are those of
-- the double matrix (single_precision => false), bit for bit.  Checked on
-- smooth data, exact copies, near-copies (1e-9 apart: gains tie within the
-- float rounding) and duplicated qualities, for every greedy and metric.
SET pgpref.progress = 0;
CREATE TABLE fs_emb AS
SELECT g::bigint AS id, ARRAY[sin(g * 0.7), cos(g * 1.3), 2 * sin(g * 0.11), cos(g * 0.05), (g % 5) * 0.1]::float8[] AS emb,
       ((g * 37) % 11) / 11.0 AS q
FROM generate_series(1, 500) g;
-- exact copies and near-copies of the first 60 rows
INSERT INTO fs_emb SELECT id + 1000, emb, q FROM fs_emb WHERE id <= 30;
INSERT INTO fs_emb SELECT id + 2000, emb[1:4] || (emb[5] + 1e-9), q FROM fs_emb WHERE id BETWEEN 31 AND 60;
-- (picks, gains, objectives) of a call, as one array each, to compare bit for bit
CREATE FUNCTION fs_run(args text) RETURNS TABLE (picks bigint[], gains float8[], objectives float8[])
LANGUAGE plpgsql AS $$
BEGIN
	RETURN QUERY EXECUTE format('SELECT array_agg(id ORDER BY pick), array_agg(gain ORDER BY pick), array_agg(objective ORDER BY pick)
		FROM pref.select_subset(''SELECT id, emb FROM fs_emb'', %s)', args);
END $$;
CREATE FUNCTION fs_run_q(args text) RETURNS TABLE (picks bigint[], gains float8[], objectives float8[])
LANGUAGE plpgsql AS $$
BEGIN
	RETURN QUERY EXECUTE format('SELECT array_agg(id ORDER BY pick), array_agg(gain ORDER BY pick), array_agg(objective ORDER BY pick)
		FROM pref.select_subset(''SELECT id, emb, q FROM fs_emb'', %s)', args);
END $$;
CREATE TABLE fs_cases (name text, args text, quality boolean);
INSERT INTO fs_cases VALUES
	('cosine lazy', '80', false),
	('cosine lazy, k beyond the distinct rows', '600', false),
	('l2 lazy', '80, metric => ''l2''', false),
	('l2 lazy, gamma 5', '80, metric => ''l2'', gamma => 5', false),
	('cosine lazy, quality', '80, lambda => 0.3', true),
	('l2 lazy, quality', '80, metric => ''l2'', lambda => 2', true),
	('cosine naive', '40, greedy => ''naive''', false),
	('cosine stochastic', '40, greedy => ''stochastic'', epsilon => 0.2, seed => 7', false),
	('cosine lazy, initial set', '40, initial => ARRAY[1, 1001, 2031]::bigint[]', false);
SELECT c.name,
       cardinality(d.picks) AS picks,
       f.picks = d.picks AS same_picks,
       f.gains = d.gains AS same_gains,
       f.objectives = d.objectives AS same_objectives,
       s.picks = d.picks AND s.gains = d.gains AND s.objectives = d.objectives AS single_true_same
FROM fs_cases c,
     LATERAL (SELECT * FROM (SELECT * FROM fs_run(c.args) WHERE NOT c.quality UNION ALL SELECT * FROM fs_run_q(c.args) WHERE c.quality) x) f,
     LATERAL (SELECT * FROM (SELECT * FROM fs_run(c.args || ', single_precision => false') WHERE NOT c.quality
                             UNION ALL SELECT * FROM fs_run_q(c.args || ', single_precision => false') WHERE c.quality) x) d,
     LATERAL (SELECT * FROM (SELECT * FROM fs_run(c.args || ', single_precision => true') WHERE NOT c.quality
                             UNION ALL SELECT * FROM fs_run_q(c.args || ', single_precision => true') WHERE c.quality) x) s
ORDER BY c.name;
-- the near-copies do reach the band where the float matrix cannot decide
SELECT count(*) FILTER (WHERE id > 2000) > 0 AS near_copies_picked
FROM pref.select_subset('SELECT id, emb FROM fs_emb', 600);
-- the default matrix is half the size of the double one
SET pgpref.max_memory = '1MB';
SELECT count(*) FROM pref.select_subset('SELECT id, emb FROM fs_emb WHERE id <= 400', 5);
SELECT count(*) FROM pref.select_subset('SELECT id, emb FROM fs_emb WHERE id <= 400', 5, single_precision => false);
RESET pgpref.max_memory;
-- single_precision => false with other methods is accepted (nothing to store in single precision)
SELECT count(*) FROM pref.select_subset('SELECT id, emb FROM fs_emb', 5, 'k_center', single_precision => false);
-- k-center l2 over real[] rows reads them packed as floats (the same exact
-- distances, half the bytes; AVX2 lanes where the CPU has them): its picks
-- and radii equal a brute-force farthest-first traversal in SQL, as do those
-- of double rows that are not floats (the unpacked path)
CREATE TABLE kc_emb AS
SELECT g::bigint AS id, ARRAY(SELECT (sin(g * 12.9898 + c * 78.233) * 43758.5453 - floor(sin(g * 12.9898 + c * 78.233) * 43758.5453))::real
                              FROM generate_series(1, 19) c) AS e4
FROM generate_series(1, 300) g;
ALTER TABLE kc_emb ADD COLUMN e8 float8[];
UPDATE kc_emb SET e8 = ARRAY(SELECT x::float8 + 1e-9 * id FROM unnest(e4) x);
CREATE FUNCTION kc_brute(col text, k int) RETURNS TABLE (pick int, id bigint, radius float8)
LANGUAGE plpgsql AS $$
DECLARE
	chosen bigint[] := ARRAY[(SELECT min(kc_emb.id) FROM kc_emb)];
	nxt bigint;
	r float8;
BEGIN
	FOR i IN 1..k LOOP
		EXECUTE format('SELECT d.id, d.m FROM (SELECT a.id, min(sqrt((SELECT sum((x - y) ^ 2) FROM unnest(a.%1$I::float8[], b.%1$I::float8[]) u(x, y)))) AS m
			FROM kc_emb a, kc_emb b WHERE b.id = ANY ($1) AND a.id <> ALL ($1) GROUP BY a.id) d ORDER BY d.m DESC, d.id LIMIT 1', col)
			INTO nxt, r USING chosen;
		pick := i; id := chosen[i]; radius := r;
		RETURN NEXT;
		chosen := chosen || nxt;
	END LOOP;
END $$;
SELECT c AS input, count(*) AS picks, bool_and(s.id = b.id) AS same_picks, max(abs(s.objective - b.radius)) < 1e-12 AS same_radii
FROM (VALUES ('e4'), ('e8')) v(c),
     LATERAL (SELECT * FROM pref.select_subset(format('SELECT id, %I FROM kc_emb', c), 15, 'k_center', metric => 'l2')) s
     JOIN LATERAL kc_brute(c, 15) b ON b.pick = s.pick
GROUP BY c ORDER BY c;
-- real[] rows are read straight into floats for k-center under l2: the same
-- picks, gains and radii, bit for bit, as the same values read as float8[]
-- (the double path, packed into floats by the core), in any row order, with
-- an initial set
SELECT (SELECT md5(string_agg(id || ' ' || coalesce(gain::text, '-') || ' ' || objective::text, ',' ORDER BY pick))
		FROM pref.select_subset('SELECT id, e4 FROM kc_emb ORDER BY md5(id::text)', 20, 'k_center', metric => 'l2', seed => 3))
	 = (SELECT md5(string_agg(id || ' ' || coalesce(gain::text, '-') || ' ' || objective::text, ',' ORDER BY pick))
		FROM pref.select_subset('SELECT id, e4::float8[] FROM kc_emb', 20, 'k_center', metric => 'l2', seed => 3)) AS same_as_double_path,
	(SELECT md5(string_agg(id || ' ' || gain::text || ' ' || objective::text, ',' ORDER BY pick))
		FROM pref.select_subset('SELECT id, e4 FROM kc_emb', 10, 'k_center', metric => 'l2', initial => ARRAY[5, 17]::bigint[]))
	 = (SELECT md5(string_agg(id || ' ' || gain::text || ' ' || objective::text, ',' ORDER BY pick))
		FROM pref.select_subset('SELECT id, e4::float8[] FROM kc_emb ORDER BY id DESC', 10, 'k_center', metric => 'l2', initial => ARRAY[5, 17]::bigint[])) AS same_with_initial;
-- the float path keeps the reader's checks and messages
SELECT * FROM pref.select_subset($$VALUES (1, '{1,2}'::real[]), (2, NULL), (3, '{0,1}')$$, 5, 'k_center', metric => 'l2');
SELECT * FROM pref.select_subset($$VALUES (1, '{1,2}'::real[]), (2, '{1,NaN}')$$, 2, 'k_center', metric => 'l2');
SELECT * FROM pref.select_subset($$VALUES (1, '{1,2}'::float8[]), (2, '{1,NaN}')$$, 2, 'k_center', metric => 'l2');
SELECT * FROM pref.select_subset($$VALUES (1, '{1,2}'::real[]), (2, '{1,2,3}')$$, 2, 'k_center', metric => 'l2');
SELECT * FROM pref.select_subset($$VALUES (1, '{1,2}'::real[]), (2, '{1,NULL}')$$, 2, 'k_center', metric => 'l2');
SELECT * FROM pref.select_subset($$VALUES (1, '{{1,2}}'::real[])$$, 2, 'k_center', metric => 'l2');
DROP TABLE kc_emb;
DROP FUNCTION kc_brute(text, int);
DROP TABLE fs_emb, fs_cases;
DROP FUNCTION fs_run(text), fs_run_q(text);
RESET pgpref.progress;
