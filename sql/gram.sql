-- BLAS aggregates: gram, moments, pca, ridge_fit against numpy fixtures
-- (test/ref/gram_ref.py).  Tolerances are normwise relative errors
-- max|ours - ref| / max|ref|, stated per check.
\set ECHO none
\i test/ref/gram_fixture.sql
\set ECHO all
CREATE FUNCTION rel_err(a float8[], b float8[]) RETURNS float8 LANGUAGE sql AS $$
  SELECT CASE WHEN array_dims(a) IS DISTINCT FROM array_dims(b) THEN 'Infinity'::float8
         ELSE (SELECT max(abs(x - y)) FROM unnest(a, b) u(x, y)) / (SELECT max(abs(y)) FROM unnest(b) v(y)) END $$;
CREATE FUNCTION ref(text) RETURNS float8[] LANGUAGE sql AS $$ SELECT v FROM gram_expect WHERE name = $1 $$;

-- gram: X^T X to 1e-10 relative (float8[] and real[] input, the data are exact reals)
SELECT array_dims(pref.gram(x)) AS dims, rel_err(pref.gram(x), ref('gram')) < 1e-10 AS gram_ok,
       rel_err(pref.gram(x::real[]), ref('gram')) < 1e-10 AS gram_real_ok
FROM gram_x;
-- a hand-checkable case
SELECT pref.gram(x) FROM (VALUES (ARRAY[1, 2]::float8[]), (ARRAY[3, 4]), (NULL)) v(x);

-- moments: mean to 1e-13, covariance (n - 1) to 1e-9
SELECT m.n, m.n_skipped, rel_err(m.mean, ref('mean')) < 1e-13 AS mean_ok,
       rel_err(m.covariance, ref('cov')) < 1e-9 AS cov_ok, array_dims(m.covariance) AS cov_dims
FROM (SELECT (pref.moments(x::real[])).* FROM gram_x) m;
SELECT (pref.moments(x)).* FROM (VALUES (ARRAY[1, 2]::float8[]), (NULL), (ARRAY[3, 6])) v(x);
SELECT (pref.moments(x)).* FROM (VALUES (ARRAY[1, 2]::float8[])) v(x);

-- pca: components to 1e-8 (sign: largest entry positive), eigenvalues to 1e-10, projection
SELECT p.n, array_dims(p.components) AS dims,
       rel_err(p.components, ref('components')) < 1e-8 AS components_ok,
       rel_err(p.eigenvalues, ref('eigenvalues')) < 1e-10 AS eigenvalues_ok,
       rel_err(p.explained_variance_ratio, ref('ratio')) < 1e-10 AS ratio_ok,
       rel_err(pref.pca_project((SELECT x FROM gram_x WHERE id = 1), p.mean, p.components), ref('proj')) < 1e-8 AS projection_ok
FROM (SELECT (pref.pca(x, 2)).* FROM gram_x) p;
-- a 2-d case by hand: points on the line y = x, one component (1/sqrt 2, 1/sqrt 2), eigenvalue 2
SELECT n, round(components[1][1]::numeric, 12) AS c1, round(components[1][2]::numeric, 12) AS c2,
       round(eigenvalues[1]::numeric, 12) AS ev, round(explained_variance_ratio[1]::numeric, 12) AS ratio
FROM (SELECT (pref.pca(x, 1)).* FROM (VALUES (ARRAY[0, 0]::float8[]), (ARRAY[1, 1]), (ARRAY[2, 2])) v(x)) p;

-- ridge_fit: normal-equation solution (augmented system, unpenalised intercept) to 1e-9
SELECT (m).kind, (m).dim, (m).n_rows, (m).n_skipped, (m).converged,
       rel_err((m).weights, ref('ridge_w')) < 1e-9 AS weights_ok,
       rel_err(ARRAY[(m).bias], ref('ridge_b')) < 1e-9 AS bias_ok,
       rel_err(ARRAY[(m).loss], ref('ridge_mse')) < 1e-7 AS mse_ok,
       rel_err(ARRAY[(m).r2], ref('ridge_r2')) < 1e-9 AS r2_ok, (m).options
FROM (SELECT pref.ridge_fit(x, y, 0.5) AS m FROM gram_x) s;
-- lambda 0 is least squares
SELECT rel_err((m).weights, ref('ls_w')) < 1e-8 AS ls_weights_ok, rel_err(ARRAY[(m).bias], ref('ls_b')) < 1e-8 AS ls_bias_ok
FROM (SELECT pref.ridge_fit(x::real[], y, 0) AS m FROM gram_x) s;
-- exact line y = 2 x1 - x2 + 1; NULL y and NULL x rows skipped and counted
SELECT round(w::numeric, 10) AS w, round((m).bias::numeric, 10) AS bias, (m).n_rows, (m).n_skipped, round((m).r2::numeric, 10) AS r2
FROM (SELECT pref.ridge_fit(x, y, 0) AS m FROM (VALUES
  (ARRAY[0, 0]::float8[], 1::float8), (ARRAY[1, 0], 3), (ARRAY[0, 1], 0), (ARRAY[1, 1], 2), (ARRAY[2, 3], 2),
  (NULL, 5), (ARRAY[4, 4], NULL)) v(x, y)) s, unnest((m).weights) w;
-- scoring with the ridge model reproduces the line
SELECT round(pref.reward_score(m, ARRAY[3, 1]::real[])::numeric, 10) AS score
FROM (SELECT pref.ridge_fit(x, y, 0) AS m FROM (VALUES
  (ARRAY[0, 0]::float8[], 1::float8), (ARRAY[1, 0], 3), (ARRAY[0, 1], 0), (ARRAY[1, 1], 2)) v(x, y)) s;

-- empty input and all-NULL input give NULL
SELECT pref.gram(x) IS NULL AS gram_null, pref.moments(x) IS NULL AS moments_null,
       pref.pca(x, 1) IS NULL AS pca_null, pref.ridge_fit(x, 1, 1) IS NULL AS ridge_null
FROM gram_x WHERE false;
SELECT pref.gram(x) IS NULL AS gram_null, pref.ridge_fit(x, 1, 1) IS NULL AS ridge_null
FROM (VALUES (NULL::float8[]), (NULL)) v(x);

-- bad input
SELECT pref.gram(x) FROM (VALUES (ARRAY[1, 2]::float8[]), (ARRAY[1, 2, 3])) v(x);
SELECT pref.gram(x) FROM (VALUES (ARRAY[1, 'NaN']::float8[])) v(x);
SELECT pref.gram(x) FROM (VALUES (ARRAY[1, 'Infinity']::real[])) v(x);
SELECT pref.gram(x) FROM (VALUES ('{}'::float8[])) v(x);
SELECT pref.gram(x) FROM (VALUES (ARRAY[1, NULL]::float8[])) v(x);
SELECT pref.gram(x) FROM (VALUES ('{{1,2},{3,4}}'::float8[])) v(x);
SELECT pref.pca(x, 3) FROM (VALUES (ARRAY[1, 2]::float8[]), (ARRAY[2, 1])) v(x);
SELECT pref.pca(x, 0) FROM (VALUES (ARRAY[1, 2]::float8[])) v(x);
SELECT pref.pca(x, 1) FROM (VALUES (ARRAY[1, 2]::float8[])) v(x);
SELECT pref.pca(x, k) FROM (VALUES (ARRAY[1, 2]::float8[], 1), (ARRAY[2, 1], 2)) v(x, k);
SELECT pref.ridge_fit(x, 1, -1) FROM (VALUES (ARRAY[1, 2]::float8[])) v(x);
SELECT pref.ridge_fit(x, y, 0) FROM (VALUES (ARRAY[1, 2]::float8[], 1::float8), (ARRAY[2, 4], 2), (ARRAY[3, 6], 3)) v(x, y);
SELECT pref.ridge_fit(x, 'NaN', 0) FROM (VALUES (ARRAY[1, 2]::float8[])) v(x);
SELECT pref.pca_project(ARRAY[1, 2, 3]::float8[], ARRAY[0, 0, 0]::float8[], '{{1, 0}}');
SET pgpref.max_memory = '64kB';
SELECT pref.gram(array_fill(1::real, ARRAY[200]));
RESET pgpref.max_memory;

-- pref.gram_state: the transition state as a value.  Partial aggregates
-- (the transition without the final function) and a fold with the combine
-- function, as Citus runs them on its workers and coordinator.
CREATE AGGREGATE gram_part(float8[]) (SFUNC = pref.gram_accum, STYPE = pref.gram_state);
CREATE AGGREGATE gram_part(real[]) (SFUNC = pref.gram_accum, STYPE = pref.gram_state);
CREATE AGGREGATE moments_part(float8[]) (SFUNC = pref.moments_accum, STYPE = pref.gram_state);
CREATE AGGREGATE pca_part(float8[], integer) (SFUNC = pref.pca_accum, STYPE = pref.gram_state);
CREATE AGGREGATE ridge_part(float8[], float8, float8) (SFUNC = pref.ridge_accum, STYPE = pref.gram_state);
CREATE AGGREGATE gram_fold(pref.gram_state) (SFUNC = pref.gram_combine, STYPE = pref.gram_state);
-- split and combine: four slices (one all-NULL, one empty), each state through its
-- text form, folded and finished, equals the one-pass result.  Tolerances: summation
-- order and the shift change of combine (slices start at different rows); n exact
CREATE TEMP TABLE gram_slices AS
  SELECT s, gram_part(x)::text AS g, gram_part(x::real[])::text AS gr, moments_part(x)::text AS m,
         pca_part(x, 2)::text AS p, ridge_part(x, y, 0.5)::text AS r
  FROM (SELECT id % 3 AS s, x, y FROM gram_x
        UNION ALL SELECT 3, NULL, NULL FROM generate_series(1, 4)) q GROUP BY s
  UNION ALL SELECT 4, NULL, NULL, NULL, NULL, NULL;
SELECT count(*) AS slices, count(g) AS states FROM gram_slices;
SELECT rel_err(pref.gram_final(f.g), w.g) < 1e-13 AS gram_same,
       rel_err(pref.gram_final(f.gr), w.gr) < 1e-13 AS gram_real_same,
       (pref.moments_final(f.m)).n = (w.m).n AS n_same, (pref.moments_final(f.m)).n_skipped AS n_skipped,
       rel_err((pref.moments_final(f.m)).mean, (w.m).mean) < 1e-13 AS mean_same,
       rel_err((pref.moments_final(f.m)).covariance, (w.m).covariance) < 1e-10 AS cov_same,
       rel_err((pref.pca_final(f.p)).components, (w.p).components) < 1e-8 AS pca_same,
       rel_err((pref.ridge_final(f.r)).weights, (w.r).weights) < 1e-9 AS ridge_same,
       (pref.ridge_final(f.r)).n_skipped AS ridge_skipped
FROM (SELECT gram_fold(g::pref.gram_state) AS g, gram_fold(gr::pref.gram_state) AS gr, gram_fold(m::pref.gram_state) AS m,
             gram_fold(p::pref.gram_state) AS p, gram_fold(r::pref.gram_state) AS r FROM gram_slices) f,
     (SELECT pref.gram(x) AS g, pref.gram(x::real[]) AS gr, pref.moments(x) AS m, pref.pca(x, 2) AS p, pref.ridge_fit(x, y, 0.5) AS r
      FROM (SELECT x, y FROM gram_x UNION ALL SELECT NULL, NULL FROM generate_series(1, 4)) q) w;
-- a stored state continues: rows 1..150 as a text constant (INITCOND), then rows 151..300
CREATE TEMP TABLE gram_head AS SELECT gram_part(x) AS g, moments_part(x) AS m FROM gram_x WHERE id <= 150;
DO $$ BEGIN
  EXECUTE format('CREATE AGGREGATE gram_cont(float8[]) (SFUNC = pref.gram_accum, STYPE = pref.gram_state, FINALFUNC = pref.gram_final, INITCOND = %L)',
                 (SELECT g::text FROM gram_head));
  EXECUTE format('CREATE AGGREGATE moments_cont(float8[]) (SFUNC = pref.moments_accum, STYPE = pref.gram_state, FINALFUNC = pref.moments_final, INITCOND = %L)',
                 (SELECT m::text FROM gram_head));
  EXECUTE format('CREATE AGGREGATE gram_wrong(float8[]) (SFUNC = pref.gram_accum, STYPE = pref.gram_state, FINALFUNC = pref.gram_final, INITCOND = %L)',
                 (SELECT m::text FROM gram_head));
END $$;
SELECT rel_err(gram_cont(x), (SELECT pref.gram(x) FROM gram_x)) < 1e-13 AS gram_continued,
       (moments_cont(x)).n AS n, rel_err((moments_cont(x)).covariance, ref('cov')) < 1e-9 AS cov_continued
FROM gram_x WHERE id > 150;
SELECT gram_wrong(x) FROM gram_x;
-- final functions: NULL state gives NULL; a state of another aggregate is an error
SELECT pref.gram_final(NULL) IS NULL AS gram_null, pref.moments_final(NULL) IS NULL AS moments_null,
       pref.pca_final(NULL) IS NULL AS pca_null, pref.ridge_final(NULL) IS NULL AS ridge_null;
SELECT gram_fold(s) IS NULL AS fold_of_nulls FROM (VALUES (NULL::pref.gram_state), (NULL)) v(s);
SELECT pref.moments_final(g::pref.gram_state) FROM gram_slices WHERE s = 0;
-- combine checks the states agree: aggregate, dimension, k, lambda
SELECT gram_fold(s) FROM (SELECT gram_part(x) FROM (VALUES (ARRAY[1, 2]::float8[])) v(x)
                          UNION ALL SELECT gram_part(x) FROM (VALUES (ARRAY[1, 2, 3]::float8[])) v(x)) q(s);
SELECT gram_fold(s) FROM (SELECT g::pref.gram_state FROM gram_slices WHERE s = 0
                          UNION ALL SELECT m::pref.gram_state FROM gram_slices WHERE s = 1) q(s);
SELECT gram_fold(s) FROM (SELECT pca_part(x, 1) FROM gram_x WHERE id = 1
                          UNION ALL SELECT pca_part(x, 2) FROM gram_x WHERE id = 2) q(s);
SELECT gram_fold(s) FROM (SELECT ridge_part(x, y, 1) FROM gram_x WHERE id = 1
                          UNION ALL SELECT ridge_part(x, y, 2) FROM gram_x WHERE id = 2) q(s);
-- text input is validated like a wire format.  Layout: version, kind (uint8), flags
-- (uint16), magic (uint32), d, k (int32), n, n_skipped (int64), lambda; then shift, sum, S
CREATE FUNCTION st_bytes(pref.gram_state) RETURNS bytea LANGUAGE sql AS $$ SELECT decode(substr($1::text, 4), 'base64') $$;
CREATE FUNCTION st_text(bytea) RETURNS text LANGUAGE sql AS $$ SELECT 'v1:' || translate(encode($1, 'base64'), E'\n', '') $$;
CREATE TEMP TABLE gram_small AS
  SELECT st_bytes(moments_part(x)) AS m, st_bytes(gram_part(x)) AS g, st_bytes(ridge_part(x, y, 0.5)) AS r
  FROM (VALUES (ARRAY[1, 2]::float8[], 1::float8), (ARRAY[3, 5], 2)) v(x, y);
SELECT length(m) AS moments_bytes, length(g) AS gram_bytes, length(r) AS ridge_bytes,
       (pref.moments_final(st_text(m)::pref.gram_state)).covariance AS cov FROM gram_small;
SELECT 'v2:AAAA'::pref.gram_state;
SELECT 'v1:@@@@'::pref.gram_state;
SELECT ''::pref.gram_state;
SELECT st_text(substr(m, 1, 30))::pref.gram_state FROM gram_small;
SELECT st_text(substr(m, 1, 100))::pref.gram_state FROM gram_small;
SELECT st_text(m || '\x00'::bytea)::pref.gram_state FROM gram_small;
SELECT st_text(set_byte(m, 0, 2))::pref.gram_state FROM gram_small;
SELECT st_text(set_byte(m, 4, 0))::pref.gram_state FROM gram_small;
SELECT st_text(set_byte(m, 2, 1))::pref.gram_state FROM gram_small;
SELECT st_text(set_byte(m, 1, 7))::pref.gram_state FROM gram_small;
SELECT st_text(set_byte(m, 23, 128))::pref.gram_state FROM gram_small;
SELECT st_text(overlay(m placing '\x0000000000000000'::bytea from 17))::pref.gram_state FROM gram_small;
SELECT st_text(overlay(m placing '\xffffff7f'::bytea from 9))::pref.gram_state FROM gram_small;
SELECT st_text(set_byte(m, 8, 3))::pref.gram_state FROM gram_small;
SELECT st_text(set_byte(g, 12, 1))::pref.gram_state FROM gram_small;
SELECT st_text(overlay(r placing '\x000000000000f0bf'::bytea from 33))::pref.gram_state FROM gram_small;
SELECT st_text(overlay(m placing '\x000000000000f87f'::bytea from 57))::pref.gram_state FROM gram_small;
SELECT st_text(overlay(m placing '\x000000000000f07f'::bytea from 97))::pref.gram_state FROM gram_small;
-- a state with only skipped rows is valid and finishes as NULL
SELECT pref.gram_final(st_text('\x01000000'::bytea || substr(g, 5, 4) || '\x0000000000000000' || '\x0000000000000000'
                               || '\x0500000000000000' || '\x0000000000000000')::pref.gram_state) IS NULL AS empty_state
FROM gram_small;
-- binary COPY round trip of the states (send and receive), and receive validates
CREATE TEMP TABLE gram_copy AS SELECT s, g::pref.gram_state AS g, m::pref.gram_state AS m, r::pref.gram_state AS r FROM gram_slices;
\copy gram_copy TO 'results/gram_state.bin' (FORMAT binary)
CREATE TEMP TABLE gram_copy2 (LIKE gram_copy);
\copy gram_copy2 FROM 'results/gram_state.bin' (FORMAT binary)
SELECT count(*) AS rows, bool_and(a.g::text IS NOT DISTINCT FROM b.g::text AND a.m::text IS NOT DISTINCT FROM b.m::text
                                  AND a.r::text IS NOT DISTINCT FROM b.r::text) AS same
FROM gram_copy a JOIN gram_copy2 b USING (s);
CREATE FUNCTION pg_temp.recv_test(field bytea) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
  lo oid;
  res text;
  det text;
BEGIN
  lo := lo_from_bytea(0, '\x5047434f50590aff0d0a00'::bytea || '\x00000000' || '\x00000000' || '\x0001'
        || int4send(length(field)) || field || '\xffff'::bytea);
  PERFORM lo_export(lo, 'pgpref_gram_recv_test.bin');
  PERFORM lo_unlink(lo);
  CREATE TEMP TABLE recv_t (v pref.gram_state);
  BEGIN
    COPY recv_t FROM 'pgpref_gram_recv_test.bin' (FORMAT binary);
    SELECT CASE WHEN st_bytes(v) = field THEN 'ok: same bytes' ELSE 'ok: different bytes' END INTO res FROM recv_t;
  EXCEPTION WHEN others THEN
    GET STACKED DIAGNOSTICS det = PG_EXCEPTION_DETAIL;
    res := 'ERROR ' || SQLSTATE || ': ' || SQLERRM || ': ' || det;
  END;
  DROP TABLE recv_t;
  RETURN res;
END $$;
SELECT pg_temp.recv_test(m) AS valid FROM gram_small;
SELECT pg_temp.recv_test(substr(m, 1, 60)) AS truncated FROM gram_small;
SELECT pg_temp.recv_test(overlay(m placing '\x000000000000f87f'::bytea from 57)) AS nan FROM gram_small;
-- bounded mutation fuzz of the text input (seeded): 3000 mutated states (bytes set,
-- truncated, appended); each is rejected (22P02/22P03) or read; a state that is read
-- prints back to the same text, and the final functions give a value or a data error
-- (any other error, or a crash, fails the test)
CREATE FUNCTION pg_temp.fuzz_gram(seed float8, n int) RETURNS TABLE (mutations int, rejected int, accepted int, round_trips boolean)
LANGUAGE plpgsql AS $$
DECLARE
  srcs bytea[] := ARRAY(SELECT m FROM gram_small UNION ALL SELECT g FROM gram_small UNION ALL SELECT r FROM gram_small);
  b bytea;
  t text;
  v pref.gram_state;
  k int;
BEGIN
  PERFORM setseed(seed);
  mutations := 0; rejected := 0; accepted := 0; round_trips := true;
  FOR i IN 1..n LOOP
    b := srcs[1 + (i % 3)];
    k := floor(random() * 4)::int;
    IF k = 0 THEN
      b := substr(b, 1, floor(random() * length(b))::int);
    ELSIF k = 1 THEN
      b := b || decode(lpad(to_hex(floor(random() * 65536)::int), 4, '0'), 'hex');
    ELSE
      FOR j IN 1..k LOOP
        b := set_byte(b, floor(random() * length(b))::int, floor(random() * 256)::int);
      END LOOP;
    END IF;
    mutations := mutations + 1;
    t := st_text(b);
    BEGIN
      v := t::pref.gram_state;
    EXCEPTION WHEN invalid_text_representation OR invalid_binary_representation THEN
      rejected := rejected + 1;
      CONTINUE;
    END;
    accepted := accepted + 1;
    round_trips := round_trips AND v::text = t;
    BEGIN
      PERFORM pref.gram_final(v);
    EXCEPTION WHEN data_exception OR numeric_value_out_of_range OR program_limit_exceeded THEN NULL;
    END;
    BEGIN
      PERFORM pref.moments_final(v);
    EXCEPTION WHEN data_exception OR numeric_value_out_of_range OR program_limit_exceeded THEN NULL;
    END;
    BEGIN
      PERFORM pref.ridge_final(v);
    EXCEPTION WHEN data_exception OR numeric_value_out_of_range OR program_limit_exceeded THEN NULL;
    END;
  END LOOP;
  RETURN NEXT;
END $$;
SELECT mutations, rejected > 0 AS some_rejected, accepted > 0 AS some_accepted, round_trips
FROM pg_temp.fuzz_gram(0.25, 3000);
DROP FUNCTION st_bytes(pref.gram_state), st_text(bytea);
DROP AGGREGATE gram_cont(float8[]);
DROP AGGREGATE moments_cont(float8[]);
DROP AGGREGATE gram_wrong(float8[]);

-- forced parallel plans give the serial answer (20k rows, 2 workers, leader off)
CREATE TABLE gram_big AS
  SELECT g AS id, ARRAY[sin(g), cos(0.7 * g) + 100, (g % 17) / 3.0, sqrt(g)]::real[] AS x, (g % 11)::float8 AS y
  FROM generate_series(1, 24000) g;
ALTER TABLE gram_big SET (parallel_workers = 2);
ANALYZE gram_big;
CREATE TEMP TABLE serial_res AS
  SELECT pref.gram(x) AS g, pref.moments(x) AS m, pref.pca(x, 2) AS p, pref.ridge_fit(x, y, 0.1) AS r FROM gram_big;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
SET parallel_leader_participation = off;
EXPLAIN (COSTS OFF) SELECT pref.gram(x), pref.moments(x), pref.pca(x, 2), pref.ridge_fit(x, y, 0.1) FROM gram_big;
-- tolerance 1e-12 relative (summation order differs between plans)
SELECT rel_err(q.g, s.g) < 1e-12 AS gram_same, (q.m).n = (s.m).n AS n_same,
       rel_err((q.m).mean, (s.m).mean) < 1e-12 AS mean_same,
       rel_err((q.m).covariance, (s.m).covariance) < 1e-12 AS cov_same,
       rel_err((q.p).components, (s.p).components) < 1e-10 AS pca_same,
       rel_err((q.r).weights, (s.r).weights) < 1e-10 AS ridge_same
FROM (SELECT pref.gram(x) AS g, pref.moments(x) AS m, pref.pca(x, 2) AS p, pref.ridge_fit(x, y, 0.1) AS r FROM gram_big) q, serial_res s;
-- and both equal the closed form X^T X built from plain SQL sums (1e-12)
SELECT rel_err(ARRAY(SELECT unnest(q.g)), (SELECT array_agg(v ORDER BY i, j) FROM (
         SELECT i, j, sum(x[i]::float8 * x[j]::float8) AS v FROM gram_big, generate_series(1, 4) i, generate_series(1, 4) j GROUP BY i, j) t)) < 1e-12 AS gram_vs_sql
FROM (SELECT pref.gram(x) AS g FROM gram_big) q;
RESET ALL;

-- integer[] and numeric[] rows: the same numbers as double precision rows
-- (exact: integers and these decimals convert exactly or to the nearest double
-- the same way float8[] input does), and they resolve without a cast
CREATE TEMP TABLE gram_int AS
  SELECT g AS id, ARRAY[g % 7, (g * 3) % 5, g % 2 - 1]::integer[] AS xi,
         ARRAY[(g % 7) * 0.25, ((g * 3) % 5) * 0.5, g % 2 - 1]::numeric[] AS xn, (g % 4)::float8 AS y
  FROM generate_series(1, 200) g;
SELECT (SELECT pref.gram(xi) FROM gram_int) = (SELECT pref.gram(xi::float8[]) FROM gram_int) AS gram_int_exact,
       (SELECT pref.gram(xn) FROM gram_int) = (SELECT pref.gram(xn::float8[]) FROM gram_int) AS gram_numeric_exact,
       (SELECT pref.moments(xi) FROM gram_int) = (SELECT pref.moments(xi::float8[]) FROM gram_int) AS moments_int_exact,
       (SELECT pref.moments(xn) FROM gram_int) = (SELECT pref.moments(xn::float8[]) FROM gram_int) AS moments_numeric_exact,
       (SELECT (pref.pca(xi, 2)).components FROM gram_int) = (SELECT (pref.pca(xi::float8[], 2)).components FROM gram_int) AS pca_int_exact,
       (SELECT (pref.ridge_fit(xn, y, 0.5)).weights FROM gram_int) = (SELECT (pref.ridge_fit(xn::float8[], y, 0.5)).weights FROM gram_int) AS ridge_numeric_exact;
SELECT pref.gram(ARRAY[1, 2, 3]) = pref.gram(ARRAY[1, 2, 3]::float8[]) AS literal_int,
       pref.gram(ARRAY[1.5, 2.0]) = pref.gram(ARRAY[1.5, 2.0]::float8[]) AS literal_numeric;
WITH m AS (SELECT pref.ridge_fit(xi, y, 0.5) AS r, pref.pca(xi, 2) AS p FROM gram_int)
SELECT pref.reward_score(m.r, ARRAY[1, 2, 0]) = pref.reward_score(m.r, ARRAY[1, 2, 0]::float8[]) AS score_int,
       pref.reward_score(m.r, ARRAY[1.5, 2, 0]) = pref.reward_score(m.r, ARRAY[1.5, 2, 0]::float8[]) AS score_numeric,
       pref.reward_margin(m.r, ARRAY[1, 2, 0], ARRAY[0, 1, 1]) = pref.reward_margin(m.r, ARRAY[1, 2, 0]::float8[], ARRAY[0, 1, 1]::float8[]) AS margin_int,
       pref.pca_project(ARRAY[1, 2, 0], (m.p).mean, (m.p).components) = pref.pca_project(ARRAY[1, 2, 0]::float8[], (m.p).mean, (m.p).components) AS project_int,
       pref.pca_project(ARRAY[1.5, 2, 0], (m.p).mean, (m.p).components) = pref.pca_project(ARRAY[1.5, 2, 0]::float8[], (m.p).mean, (m.p).components) AS project_numeric
FROM m;
-- a numeric NaN is refused like a float NaN
SELECT pref.gram(ARRAY['NaN', 1]::numeric[]);
-- pgvector's text form is not a vector: cast the vector column (embedding::real[])
SELECT pref.gram('{1,2,3}'::real[]) = pref.gram(ARRAY[1, 2, 3]) AS text_form_cast;
-- pca above 768 dimensions runs the interruptible eigensolver (reduction in
-- panels, MRRR, back-transformation in blocks).  Checked independently in
-- SQL on 20 rows x 800 dimensions: every component v with eigenvalue l has
-- |C v - l v| <= 1e-9 l_max, with C v = sum_r (x_r - m) ((x_r - m) . v) / 19
-- computed here from the rows; the components are orthonormal to 1e-9; the
-- 19 non-zero eigenvalues add up to the total variance (trace), so they are
-- the top ones; and the first component has its largest entry positive.
CREATE TABLE gram_wide AS
SELECT r, array_agg(sin(r * 7.1 + j * 0.37) * (1 + (r % 5)) + cos(j * r * 0.013) ORDER BY j) AS x
FROM generate_series(1, 20) r, generate_series(1, 800) j GROUP BY r;
CREATE TABLE gram_wide_pca AS SELECT (pref.pca(x, 19)).* FROM gram_wide;
WITH p AS (SELECT * FROM gram_wide_pca),
	 xm AS (SELECT w.r, j, w.x[j] - p.mean[j] AS v FROM gram_wide w, p, generate_series(1, 800) j),
	 comp AS (SELECT c, j, p.components[c][j] AS v, p.eigenvalues[c] AS l FROM p, generate_series(1, 19) c, generate_series(1, 800) j),
	 proj AS (SELECT xm.r, comp.c, sum(xm.v * comp.v) AS s FROM xm JOIN comp USING (j) GROUP BY 1, 2),
	 cv AS (SELECT proj.c, xm.j, sum(xm.v * proj.s) / 19 AS v FROM xm JOIN proj USING (r) GROUP BY 1, 2),
	 gram AS (SELECT a.c AS c1, b.c AS c2, sum(a.v * b.v) AS g FROM comp a JOIN comp b USING (j) WHERE a.c <= b.c GROUP BY 1, 2)
SELECT (SELECT max(abs(cv.v - comp.l * comp.v)) FROM cv JOIN comp USING (c, j)) <= 1e-9 * (SELECT eigenvalues[1] FROM p) AS residual_ok,
	   (SELECT max(abs(g - CASE WHEN c1 = c2 THEN 1 ELSE 0 END)) FROM gram) <= 1e-9 AS orthonormal,
	   (SELECT abs((SELECT sum(e) FROM unnest(eigenvalues) e) - (SELECT sum(v * v) / 19 FROM xm)) FROM p) <= 1e-9 * (SELECT eigenvalues[1] FROM p) AS top_eigenvalues,
	   (SELECT array_agg(c ORDER BY c) FROM (SELECT c FROM comp GROUP BY c HAVING (array_agg(v ORDER BY abs(v) DESC, j))[1] > 0) s) = (SELECT array_agg(c) FROM generate_series(1, 19) c) AS signs,
	   (SELECT bool_and(eigenvalues[c] >= eigenvalues[c + 1]) FROM p, generate_series(1, 18) c) AS descending;
DROP TABLE gram_wide, gram_wide_pca;
DROP TABLE gram_int;
DROP TABLE gram_big, gram_x, gram_expect;
DROP FUNCTION rel_err(float8[], float8[]);
DROP FUNCTION ref(text);
