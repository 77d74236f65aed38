-- pref.dpo_state, the transition state of dpo_metrics, kto_metrics and
-- ranking_accuracy: text and binary round trips, hostile input (each a clear
-- error), NULL states and NULL rows in every support function, empty input.
SET search_path = public, pref;
SET extra_float_digits = 0;
CREATE TABLE dst (id int, pc float8, pr float8, rc float8, rr float8, desirable boolean);
INSERT INTO dst VALUES (1, -10, -12, -11, -11.5, true), (2, -3, -2, -2, -2.5, false), (3, -7, -9, -7.5, -8, true);
CREATE AGGREGATE pg_temp.dpo_part(float8, float8, float8, float8) (SFUNC = pref.dpo_metrics_accum, STYPE = pref.dpo_state);
CREATE AGGREGATE pg_temp.dpo_part(float8, float8, float8, float8, float8, text) (SFUNC = pref.dpo_metrics_accum, STYPE = pref.dpo_state);
CREATE AGGREGATE pg_temp.kto_part(float8, float8, boolean, float8, float8) (SFUNC = pref.kto_metrics_accum, STYPE = pref.dpo_state);
CREATE AGGREGATE pg_temp.racc_part(float8, float8, float8, float8, float8) (SFUNC = pref.ranking_accuracy_accum, STYPE = pref.dpo_state);
CREATE TEMP TABLE st AS
SELECT (SELECT pg_temp.dpo_part(pc, pr, rc, rr) FROM dst) AS d,
       (SELECT pg_temp.dpo_part(pc, pr, rc, rr, 0.1, 'aot') FROM dst) AS a,
       (SELECT pg_temp.kto_part(pc, rc, desirable, pr, rr) FROM dst) AS k,
       (SELECT pg_temp.racc_part(pc, pr, rc, rr, 0.1) FROM dst) AS r;
-- flat bytes of a state and the text form of bytes
CREATE FUNCTION pg_temp.b(s pref.dpo_state) RETURNS bytea LANGUAGE sql AS $$ SELECT decode(substr(s::text, 4), 'base64') $$;
CREATE FUNCTION pg_temp.t(b bytea) RETURNS text LANGUAGE sql AS $$ SELECT 'v1:' || translate(encode(b, 'base64'), E'\n', '') $$;

-- sizes: version, kind, reserved, flags, n, skipped, then the family's part
SELECT length(pg_temp.b(d)) AS dpo_bytes, length(pg_temp.b(a)) AS aot_bytes_3_rows,
       length(pg_temp.b(k)) AS kto_bytes_3_rows, length(pg_temp.b(r)) AS racc_bytes,
       get_byte(pg_temp.b(d), 0) AS version, get_byte(pg_temp.b(d), 1) AS dpo_kind,
       get_byte(pg_temp.b(k), 1) AS kto_kind, get_byte(pg_temp.b(r), 1) AS racc_kind
FROM st;
-- text round trip is exact, and the final functions read a state from text
SELECT d::text::pref.dpo_state::text = d::text AS dpo_text, a::text::pref.dpo_state::text = a::text AS aot_text,
       k::text::pref.dpo_state::text = k::text AS kto_text, r::text::pref.dpo_state::text = r::text AS racc_text,
       (dpo_metrics_final(d::text::pref.dpo_state))::text = (SELECT dpo_metrics(pc, pr, rc, rr) FROM dst)::text AS dpo_final,
       (dpo_metrics_final(a::text::pref.dpo_state))::text = (SELECT dpo_metrics(pc, pr, rc, rr, 0.1, 'aot') FROM dst)::text AS aot_final,
       (kto_metrics_final(k::text::pref.dpo_state))::text = (SELECT kto_metrics(pc, rc, desirable, pr, rr) FROM dst)::text AS kto_final,
       (ranking_accuracy_final(r::text::pref.dpo_state))::text = (SELECT ranking_accuracy(pc, pr, rc, rr, 0.1) FROM dst)::text AS racc_final
FROM st;
-- binary COPY round trip
\copy st TO 'results/dpo_state.bin' (FORMAT binary)
CREATE TEMP TABLE st2 (LIKE st);
\copy st2 FROM 'results/dpo_state.bin' (FORMAT binary)
SELECT s.d::text = c.d::text AND s.a::text = c.a::text AND s.k::text = c.k::text AND s.r::text = c.r::text AS binary_round_trip
FROM st s, st2 c;

-- hostile text: each a clear error
SELECT 'v2:AQEAAAAAAAA='::pref.dpo_state;
SELECT 'hello'::pref.dpo_state;
SELECT 'v1:!!!not base64!!!'::pref.dpo_state;
SELECT 'v1:'::pref.dpo_state;
SELECT pg_temp.t(substring(pg_temp.b(d) from 1 for 40))::pref.dpo_state FROM st;
SELECT pg_temp.t(pg_temp.b(d) || '\x00'::bytea)::pref.dpo_state FROM st;
SELECT pg_temp.t(overlay(pg_temp.b(d) placing '\x02'::bytea from 1 for 1))::pref.dpo_state FROM st;
SELECT pg_temp.t(overlay(pg_temp.b(d) placing '\x07'::bytea from 2 for 1))::pref.dpo_state FROM st;
SELECT pg_temp.t(overlay(pg_temp.b(d) placing '\x01'::bytea from 3 for 1))::pref.dpo_state FROM st;
SELECT pg_temp.t(overlay(pg_temp.b(d) placing '\x02'::bytea from 5 for 1))::pref.dpo_state FROM st;
SELECT pg_temp.t(overlay(pg_temp.b(d) placing '\xffffffffffffffff'::bytea from 9 for 8))::pref.dpo_state FROM st;
SELECT pg_temp.t(overlay(pg_temp.b(d) placing '\xffffffffffffffff'::bytea from 17 for 8))::pref.dpo_state FROM st;
SELECT pg_temp.t(overlay(pg_temp.b(d) placing '\x000000000000f87f'::bytea from 33 for 8))::pref.dpo_state FROM st;
SELECT pg_temp.t(overlay(pg_temp.b(d) placing '\x000000000000f07f'::bytea from 25 for 8))::pref.dpo_state FROM st;
SELECT pg_temp.t(overlay(pg_temp.b(d) placing '\x0000000000000000'::bytea from 9 for 8))::pref.dpo_state FROM st;
SELECT pg_temp.t(overlay(pg_temp.b(d) placing '\x000000000000f0bf'::bytea from 89 for 8))::pref.dpo_state FROM st;
SELECT pg_temp.t(overlay(pg_temp.b(d) placing '\x01'::bytea from 5 for 1))::pref.dpo_state FROM st;
SELECT pg_temp.t(overlay(pg_temp.b(d) placing '\x01'::bytea from 97 for 1))::pref.dpo_state FROM st;
-- aot states: batch loss and kept rows
SELECT pg_temp.t(overlay(pg_temp.b(a) placing '\x00'::bytea from 98 for 1))::pref.dpo_state FROM st;
SELECT pg_temp.t(overlay(pg_temp.b(a) placing '\x000000000000e03f'::bytea from 185 for 8))::pref.dpo_state FROM st;
SELECT pg_temp.t(overlay(pg_temp.b(a) placing '\x000000000000f03f'::bytea from 193 for 8))::pref.dpo_state FROM st;
SELECT pg_temp.t(substring(pg_temp.b(a) from 1 for length(pg_temp.b(a)) - 8))::pref.dpo_state FROM st;
SELECT pg_temp.t(overlay(pg_temp.b(a) placing '\xffffffffffffff3f'::bytea from 9 for 8))::pref.dpo_state FROM st;
-- kto and ranking_accuracy states
SELECT pg_temp.t(overlay(pg_temp.b(k) placing '\x0100000000000000'::bytea from 25 for 8))::pref.dpo_state FROM st;
SELECT pg_temp.t(overlay(pg_temp.b(k) placing '\x0000000000000000'::bytea from 41 for 8))::pref.dpo_state FROM st;
SELECT pg_temp.t(overlay(pg_temp.b(k) placing '\x000000000000f87f'::bytea from 89 for 8))::pref.dpo_state FROM st;
SELECT pg_temp.t(overlay(pg_temp.b(r) placing '\x0400000000000000'::bytea from 25 for 8))::pref.dpo_state FROM st;
SELECT pg_temp.t(overlay(pg_temp.b(r) placing '\x00'::bytea from 5 for 1))::pref.dpo_state FROM st;
-- binary input runs the same validator: one-field binary COPY files
CREATE FUNCTION pg_temp.recv_test(field bytea) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
  lo oid;
  res text;
  detail text;
BEGIN
  lo := lo_from_bytea(0, decode('5047434f50590aff0d0a00' || '00000000' || '00000000' || '0001'
        || lpad(to_hex(length(field)), 8, '0'), 'hex') || field || '\xffff'::bytea);
  PERFORM lo_export(lo, 'pgpref_dpo_recv_test.bin');
  PERFORM lo_unlink(lo);
  CREATE TEMP TABLE recv_t (v pref.dpo_state);
  BEGIN
    COPY recv_t FROM 'pgpref_dpo_recv_test.bin' (FORMAT binary);
    SELECT 'ok ' || (v::text = pg_temp.t(field))::text INTO res FROM recv_t;
  EXCEPTION WHEN others THEN
    GET STACKED DIAGNOSTICS detail = PG_EXCEPTION_DETAIL;
    res := 'ERROR ' || SQLSTATE || ': ' || SQLERRM || ' (' || detail || ')';
  END;
  DROP TABLE recv_t;
  RETURN res;
END $$;
SELECT pg_temp.recv_test(pg_temp.b(d)) AS valid FROM st;
SELECT pg_temp.recv_test(substring(pg_temp.b(d) from 1 for 30)) AS truncated FROM st;
SELECT pg_temp.recv_test(overlay(pg_temp.b(d) placing '\x09'::bytea from 1 for 1)) AS bad_version FROM st;
SELECT pg_temp.recv_test(overlay(pg_temp.b(k) placing '\xffffffffffffffff'::bytea from 33 for 8)) AS negative_count FROM st;
SELECT pg_temp.recv_test(overlay(pg_temp.b(r) placing '\x000000000000f87f'::bytea from 25 for 8)) AS huge_count FROM st;

-- a state of one family is refused by the others
SELECT dpo_metrics_final(k) FROM st;
SELECT kto_metrics_combine(k, r) FROM st;
SELECT ranking_accuracy_combine(d, NULL) FROM st;

-- NULL states and NULL rows: support functions called directly
SELECT dpo_metrics_final(NULL) IS NULL AS dpo_final_null, kto_metrics_final(NULL) IS NULL AS kto_final_null,
       ranking_accuracy_final(NULL) IS NULL AS racc_final_null,
       dpo_metrics_combine(NULL, NULL) IS NULL AS dpo_combine_nulls, kto_metrics_combine(NULL, NULL) IS NULL AS kto_combine_nulls,
       ranking_accuracy_combine(NULL, NULL) IS NULL AS racc_combine_nulls;
SELECT dpo_metrics_combine(NULL, d)::text = d::text AS null_d, dpo_metrics_combine(d, NULL)::text = d::text AS d_null,
       kto_metrics_combine(NULL, k)::text = k::text AS null_k, ranking_accuracy_combine(r, NULL)::text = r::text AS r_null
FROM st;
SELECT (dpo_metrics_final(dpo_metrics_accum(NULL::pref.dpo_state, NULL, NULL, NULL, NULL))).*;
SELECT (dpo_metrics_final(dpo_metrics_accum(NULL::pref.dpo_state, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL))).*;
SELECT (kto_metrics_final(kto_metrics_accum(NULL::pref.dpo_state, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL))).*;
SELECT (ranking_accuracy_final(ranking_accuracy_accum(NULL::pref.dpo_state, NULL, NULL, NULL, NULL, NULL, NULL))).*;
-- one row by hand equals the aggregate and the per-row loss
SELECT round((s).loss::numeric, 12) AS loss, round(dpo_loss(-10, -12, -11, -11.5)::numeric, 12) AS per_row, (s).n, (s).skipped
FROM (SELECT dpo_metrics_final(dpo_metrics_accum(dpo_metrics_accum(NULL::pref.dpo_state, -10, -12, -11, -11.5), NULL, -1, -1, -1)) AS s) q;
-- combining by hand equals one pass (round: sums in another order)
SELECT round((dpo_metrics_final(dpo_metrics_combine(d, d))).loss::numeric, 12) = round((dpo_metrics_final(d)).loss::numeric, 12) AS doubled_same_mean,
       (dpo_metrics_final(dpo_metrics_combine(d, d))).n AS n_doubled,
       (kto_metrics_final(kto_metrics_combine(k, k))).n_desirable AS kto_desirable_doubled,
       (ranking_accuracy_final(ranking_accuracy_combine(r, r))).* FROM st;

-- empty input: NULL from every aggregate; only NULL rows: n 0 and skipped
SELECT dpo_metrics(pc, pr, rc, rr) IS NULL AS d4, dpo_metrics(pc, pr, rc, rr, 0.1) IS NULL AS d5,
       dpo_metrics(pc, pr, rc, rr, 0.1, 'sigmoid') IS NULL AS d6, dpo_metrics(pc, pr, rc, rr, 0.1, 'sigmoid', 1) IS NULL AS d7,
       dpo_metrics(pc, pr, rc, rr, 0.1, 'sigmoid', 1, '') IS NULL AS d8,
       kto_metrics(pc, rc, desirable, pr, rr) IS NULL AS k5, kto_metrics(pc, rc, desirable, pr, rr, 0.1) IS NULL AS k6,
       kto_metrics(pc, rc, desirable, pr, rr, 0.1, 1, 1) IS NULL AS k8,
       ranking_accuracy(pc, pr) IS NULL AS r2, ranking_accuracy(pc, pr, rc, rr, 0.1) IS NULL AS r5,
       ranking_accuracy(pc, pr, rc, rr, 0.1, 1) IS NULL AS r6
FROM dst WHERE false;
SELECT (dpo_metrics(NULL::float8, pr, rc, rr)).*, (kto_metrics(pc, rc, NULL, pr, rr)).n AS kto_n,
       (kto_metrics(pc, rc, NULL, pr, rr)).skipped AS kto_skipped,
       (ranking_accuracy(pc, pr, rc, rr, NULL)).n AS racc_n, (ranking_accuracy(pc, pr, rc, rr, NULL)).skipped AS racc_skipped
FROM dst;
DROP TABLE dst;
