-- pref.ranking_state, the state of pref.plackett_luce: split and combine
-- through the text form, order independence, forced parallel, NULLs, the
-- prior, and hostile text and binary input
CREATE SCHEMA pl_state;
SET search_path = pl_state, public;
\set ECHO none
\i test/ref/pl_fixture.sql
\set ECHO all

-- reference fits (one pass); bt_extra.sql checks them against scipy
CREATE TABLE fits AS SELECT 0.0::float8 AS prior, pref.plackett_luce(r) AS m FROM pl_rows
UNION ALL SELECT 0.5, pref.plackett_luce(r, 0.5) FROM pl_rows;
SELECT prior, max(abs((m->'theta'->>e.item)::float8 - e.theta)) < 1e-6 AS matches_scipy
FROM fits JOIN pl_ref e USING (prior) GROUP BY prior ORDER BY prior;

-- the answer does not depend on row order: the rankings are fitted in a
-- canonical order, so theta, standard errors and loglik are bit-identical
SELECT (SELECT pref.plackett_luce(r ORDER BY id DESC) FROM pl_rows) = m AS reversed_identical,
       (SELECT pref.plackett_luce(r ORDER BY md5(id::text)) FROM pl_rows) = m AS shuffled_identical
FROM fits WHERE prior = 0;
SELECT (SELECT pref.plackett_luce(r, 0.5 ORDER BY id DESC) FROM pl_rows) = m AS reversed_identical_prior
FROM fits WHERE prior = 0.5;

-- split and combine as Citus does: partial aggregates per slice, each state
-- through its text form, folded with the combine function: bit-identical
CREATE AGGREGATE pl_partial(pref.ranking) (SFUNC = pref.plackett_luce_accum,
  STYPE = pref.ranking_state, COMBINEFUNC = pref.plackett_luce_combine, PARALLEL = SAFE);
CREATE AGGREGATE pl_partial(pref.ranking, float8) (SFUNC = pref.plackett_luce_accum,
  STYPE = pref.ranking_state, COMBINEFUNC = pref.plackett_luce_combine, PARALLEL = SAFE);
CREATE AGGREGATE pl_fold(pref.ranking_state) (SFUNC = pref.plackett_luce_combine, STYPE = pref.ranking_state);
CREATE TABLE slices AS
  SELECT id % 4 AS slice, pl_partial(r)::text AS s0, pl_partial(r, 0.5)::text AS s5
  FROM (SELECT id, r FROM pl_rows UNION ALL SELECT 1000 + g, NULL FROM generate_series(1, 3) g) x GROUP BY 1;
SELECT count(*) AS slices, bool_and(s0 LIKE 'v1:%') AS text_form FROM slices;
SELECT pref.plackett_luce_final(pl_fold(s0::pref.ranking_state)) - 'rows_skipped'
         = (SELECT m - 'rows_skipped' FROM fits WHERE prior = 0) AS split_identical,
       pref.plackett_luce_final(pl_fold(s0::pref.ranking_state))->'rows_skipped' AS skipped,
       pref.plackett_luce_final(pl_fold(s5::pref.ranking_state)) - 'rows_skipped'
         = (SELECT m - 'rows_skipped' FROM fits WHERE prior = 0.5) AS split_identical_prior
FROM slices;
-- text form reads back to the same bytes
SELECT s0 = s0::pref.ranking_state::text AS text_round_trip, s5 = s5::pref.ranking_state::text AS text_round_trip_prior
FROM slices WHERE slice = 1;
-- binary COPY round trip
CREATE TABLE copy_src AS SELECT slice, s0::pref.ranking_state AS a, s5::pref.ranking_state AS b FROM slices;
\copy copy_src TO 'results/ranking_state.bin' (FORMAT binary)
CREATE TABLE copy_dst (LIKE copy_src);
\copy copy_dst FROM 'results/ranking_state.bin' (FORMAT binary)
SELECT count(*) AS rows, bool_and(s.a::text = d.a::text AND s.b::text = d.b::text) AS equal
FROM copy_src s JOIN copy_dst d USING (slice);

-- forced parallel plan: bit-identical to serial
CREATE TABLE big AS SELECT r FROM pl_rows, generate_series(1, 40);
ALTER TABLE big SET (parallel_workers = 2);
ANALYZE big;
CREATE TABLE big_serial AS SELECT pref.plackett_luce(r) AS m, pref.plackett_luce(r, 0.5) AS m5 FROM big;
SET parallel_setup_cost = 0; SET parallel_tuple_cost = 0; SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2; SET parallel_leader_participation = off;
EXPLAIN (COSTS OFF) SELECT pref.plackett_luce(r) FROM big;
SELECT p.m = s.m AS parallel_identical, p.m5 = s.m5 AS parallel_identical_prior, (p.m->>'rows_used')::int AS rows_used
FROM (SELECT pref.plackett_luce(r) AS m, pref.plackett_luce(r, 0.5) AS m5 FROM big) p, big_serial s;
RESET parallel_setup_cost; RESET parallel_tuple_cost; RESET min_parallel_table_scan_size;
RESET max_parallel_workers_per_gather; RESET parallel_leader_participation;

-- NULLs: NULL rankings are counted as skipped; a state without rankings and
-- a NULL state give NULL; NULL combine inputs are neutral; direct calls work
SELECT pref.plackett_luce_final(pref.plackett_luce_accum(NULL, NULL)) IS NULL AS only_skipped,
       pref.plackett_luce_final(NULL) IS NULL AS null_state,
       pref.plackett_luce_combine(NULL, NULL) IS NULL AS combine_nulls,
       pref.plackett_luce(r) IS NULL AS all_null_rows
FROM (VALUES (NULL::pref.ranking), (NULL)) v(r);
SELECT pref.plackett_luce_final(pref.plackett_luce_combine(NULL, s))->'theta' AS left_null,
       pref.plackett_luce_final(pref.plackett_luce_combine(s, NULL))->'theta' AS right_null,
       pref.plackett_luce_final(pref.plackett_luce_combine(s, s))->>'rows_used' AS doubled_rows
FROM (SELECT pl_partial(r::pref.ranking, 1) AS s FROM (VALUES ('1>2'), ('2>1>3')) v(r)) x;
SELECT pref.plackett_luce_final(pref.plackett_luce_accum(pref.plackett_luce_accum(NULL, '1>2'), '2>1'))->'theta' AS direct_calls;

-- the prior: NULL priors are ignored, one prior per group, states with
-- different priors do not combine
-- a NULL prior is an error naming it (an option of the whole aggregate)
SELECT pref.plackett_luce(r::pref.ranking, p)->>'prior' AS prior
FROM (VALUES ('1>2', NULL), ('2>1', 0.5), ('1>2', NULL)) v(r, p);
SELECT pref.plackett_luce(r::pref.ranking, p) FROM (VALUES ('1>2', 0.5), ('2>1', 0.25)) v(r, p);
SELECT pref.plackett_luce_combine(pl_partial('1>2'::pref.ranking, 0.5), pl_partial('2>1'::pref.ranking, 1));
SELECT pref.plackett_luce(r::pref.ranking, p) FROM (VALUES ('1>2', 'NaN'::float8)) v(r, p);

-- hostile text: every malformed state is a clear error
CREATE FUNCTION st(h text) RETURNS text LANGUAGE sql AS
$$ SELECT 'v1:' || translate(encode(decode(h, 'hex'), 'base64'), E'\n', '') $$;
-- valid by hand: one ranking 1>2; with a prior of 0.5, 3 skipped rows and 2>3=1
SELECT st('010000000000000001000000000000000000000000000000000000000000000002000000010000000000000002000000000000000000000001000000')
         = (SELECT pl_partial('1>2'::pref.ranking)::text) AS same_as_built;
SELECT m->>'rows_skipped' AS skipped, m->>'prior' AS prior, m->>'rows_used' AS used
FROM (SELECT pref.plackett_luce_final(st('010100000000000002000000000000000300000000000000000000000000e03f0200000001000000000000000200000000000000000000000100000003000000020000000000000003000000000000000100000000000000000000000100000001000000')::pref.ranking_state) AS m) x;
SELECT 'v2:AAAA'::pref.ranking_state;
SELECT 'v1:not base64!'::pref.ranking_state;
SELECT st('0100000000000000010000000000000000000000')::pref.ranking_state;
SELECT st('020000000000000001000000000000000000000000000000000000000000000002000000010000000000000002000000000000000000000001000000')::pref.ranking_state;
SELECT st('010000000700000001000000000000000000000000000000000000000000000002000000010000000000000002000000000000000000000001000000')::pref.ranking_state;
SELECT st('010200000000000001000000000000000000000000000000000000000000000002000000010000000000000002000000000000000000000001000000')::pref.ranking_state;
SELECT st('01000000000000000100000000000000ffffffffffffffff000000000000000002000000010000000000000002000000000000000000000001000000')::pref.ranking_state;
SELECT st('010100000000000001000000000000000000000000000000000000000000f87f02000000010000000000000002000000000000000000000001000000')::pref.ranking_state;
SELECT st('010000000000000001000000000000000000000000000000000000000000f03f02000000010000000000000002000000000000000000000001000000')::pref.ranking_state;
SELECT st('010000000000000002000000000000000000000000000000000000000000000002000000010000000000000002000000000000000000000001000000')::pref.ranking_state;
SELECT st('010000000000000000000000000000000000000000000000000000000000000002000000010000000000000002000000000000000000000001000000')::pref.ranking_state;
SELECT st('010000000000000001000000000000000000000000000000000000000000000000000000' || repeat('00', 12))::pref.ranking_state;
SELECT st('010000000000000001000000000000000000000000000000000000000000000002000000010000000000000002000000000000000000000001')::pref.ranking_state;
SELECT st('010000000000000001000000000000000000000000000000000000000000000002000000010000000000000002000000000000000100000002000000')::pref.ranking_state;
SELECT st('010000000000000001000000000000000000000000000000000000000000000003000000010000000000000002000000000000000300000000000000000000000200000002000000')::pref.ranking_state;
SELECT st('010000000000000001000000000000000000000000000000000000000000000002000000050000000000000005000000000000000000000001000000')::pref.ranking_state;
SELECT st('0100000000000000010000000000000000000000000000000000000000000000020000000100000000000000020000000000000000000000010000000000')::pref.ranking_state;
SELECT st('010000000000000001000000000000000000000000000000000000000000000080841e00000000000000000000000000')::pref.ranking_state;
-- binary input runs the same validator
CREATE FUNCTION recv_test(field_hex text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
  lo oid;
  d text;
BEGIN
  lo := lo_from_bytea(0, decode('5047434f50590aff0d0a00' || '00000000' || '00000000' || '0001'
        || lpad(to_hex(length(field_hex) / 2), 8, '0') || field_hex || 'ffff', 'hex'));
  PERFORM lo_export(lo, 'pgpref_pl_recv.bin');
  PERFORM lo_unlink(lo);
  IF to_regclass('pg_temp.recv_t') IS NULL THEN CREATE TEMP TABLE recv_t (v pref.ranking_state); END IF;
  TRUNCATE recv_t;
  BEGIN
    COPY recv_t FROM 'pgpref_pl_recv.bin' (FORMAT binary);
    RETURN 'accepted: ' || (SELECT v::text FROM recv_t);
  EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS d = PG_EXCEPTION_DETAIL;
    RETURN 'rejected: ' || SQLERRM || ': ' || d;
  END;
END $$;
SELECT recv_test('010000000000000001000000000000000000000000000000000000000000000002000000010000000000000002000000000000000000000001000000') AS valid;
SELECT recv_test('010000000000000001000000000000000000000000000000000000000000000002000000050000000000000005000000000000000000000001000000') AS duplicate_item;
SELECT recv_test('01000000') AS truncated;

DROP SCHEMA pl_state CASCADE;
RESET search_path;
