-- pref.tally: aggregate, type, text and binary round trips, merge, parallel
SET search_path = public, pref;
CREATE TABLE g (id int, w bigint, l bigint, tie boolean, wt float8);
INSERT INTO g VALUES (1, 1, 2, false, 1), (2, 2, 1, false, 2), (3, 1, 2, false, 1),
  (4, 3, 1, true, 0.5), (5, 2, 3, false, 1), (6, NULL, 3, false, 1), (7, 3, 2, NULL, 1);
-- counts and weights per canonical pair (item_a < item_b)
SELECT (pref.tally_cells(pref.tally(w, l, tie, wt))).* FROM g;
SELECT (pref.tally_stats(pref.tally(w, l, tie, wt))).* FROM g;
SELECT pref.tally(w, l) FROM g;
SELECT pref.tally(w, l, tie, wt) FROM g;
-- empty input gives NULL; only NULL rows give an empty tally that counts them
SELECT pref.tally(w, l) IS NULL AS empty_is_null FROM g WHERE false;
SELECT pref.tally(w, l) FROM g WHERE w IS NULL;
-- text items, JSON escaping
SELECT pref.tally(a, b) FROM (VALUES ('gpt "4"', 'claude'), ('claude', 'llama\x'), ('gpt "4"', 'llama\x')) v(a, b);
-- presentation order kept by the outcome form and by pref.pair
SELECT pref.tally(f, s, o) FROM (VALUES (1, 2, '>'), (2, 1, '>'), (1, 2, '='), (1, 2, '<')) v(f, s, o);
SELECT pref.tally(p) FROM (VALUES ('1>2'::pref.pair), ('2>1'), ('1=2*0.5'), ('2<1*2')) v(p);
-- text round trip is exact, including awkward weights
CREATE TABLE tt AS SELECT pref.tally(w, l, false, wt) AS t FROM
  (SELECT g % 7 AS w, (g * 3 + 1) % 7 AS l, 1.0 / g + 1e-17 * g AS wt FROM generate_series(1, 500) g) s WHERE w <> l;
SELECT t::text::pref.tally = t AS text_round_trip, t::text = t::text::pref.tally::text AS text_stable FROM tt;
SELECT ('{"version": 1, "keys": "text", "position": false, "rows_used": 2, "rows_skipped": 0, "items": ["b", "a"], "cells": [[0, 1, 1, 1, 0, 1, 0.25, 0]]}'::pref.tally);
-- binary round trip
COPY tt TO '/tmp/pgpref_tally_test.bin' WITH (FORMAT binary);
CREATE TABLE tt2 (t pref.tally);
COPY tt2 FROM '/tmp/pgpref_tally_test.bin' WITH (FORMAT binary);
SELECT (SELECT t FROM tt) = (SELECT t FROM tt2) AS binary_round_trip;
-- merge: tally of all rows = merge of tallies of parts
CREATE TABLE big AS SELECT g AS id, (g::bigint * 7919) % 37 AS w, (g::bigint * 104729 + 3) % 41 AS l, g % 13 = 0 AS tie, (g % 5) * 0.25 AS wt
  FROM generate_series(1, 30000) g;
DELETE FROM big WHERE w = l;
SELECT (SELECT pref.tally(w, l, tie, wt) FROM big) =
       (SELECT pref.tally_merge(t) FROM (SELECT pref.tally(w, l, tie, wt) AS t FROM big GROUP BY id % 3) s) AS merge_equals_whole;
-- merging a positional tally with a plain one forgets position
SELECT (pref.tally_stats(pref.tally_merge(t))).positional FROM (
  SELECT pref.tally(p) AS t FROM (VALUES ('1>2'::pref.pair)) v(p)
  UNION ALL SELECT pref.tally(1::bigint, 2::bigint)) s;
SELECT (pref.tally_stats(pref.tally_merge(t))).positional FROM (
  SELECT pref.tally(p) AS t FROM (VALUES ('1>2'::pref.pair)) v(p)
  UNION ALL SELECT pref.tally(p) FROM (VALUES ('2>3'::pref.pair)) v(p)) s;
-- window: leaderboard over time
SELECT id, (pref.tally_stats(pref.tally(w, l) OVER (ORDER BY id))).rows_used FROM g ORDER BY id;
-- forced parallel plan gives the same tally
CREATE TABLE par AS SELECT * FROM big;
INSERT INTO par SELECT * FROM big;
ALTER TABLE par SET (parallel_workers = 2);
ANALYZE par;
CREATE TABLE serial_answer AS SELECT pref.tally(w, l, tie, wt) AS t FROM par;
CREATE TABLE serial_text AS SELECT pref.tally(w::text, l::text) AS t FROM par;
SET parallel_setup_cost = 0; SET parallel_tuple_cost = 0; SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2; SET parallel_leader_participation = off;
EXPLAIN (COSTS OFF) SELECT pref.tally(w, l, tie, wt) FROM par;
-- weights are multiples of 0.25 with small sums, so every summation order is exact
SELECT (SELECT t FROM serial_answer) = pref.tally(w, l, tie, wt) AS parallel_equals_serial FROM par;
EXPLAIN (COSTS OFF) SELECT pref.tally(w::text, l::text) FROM par;
SELECT (SELECT t FROM serial_text) = pref.tally(w::text, l::text) AS text_parallel_exact FROM par;
RESET parallel_setup_cost; RESET parallel_tuple_cost; RESET min_parallel_table_scan_size;
RESET max_parallel_workers_per_gather; RESET parallel_leader_participation;
-- bad input
SELECT pref.tally(1::bigint, 1::bigint);
SELECT pref.tally('a'::text, 'a'::text);
SELECT pref.tally(1::bigint, 2::bigint, false, -1);
SELECT pref.tally(1::bigint, 2::bigint, false, 'NaN');
SELECT pref.tally(1::bigint, 2::bigint, '?');
SELECT pref.tally_merge(t) FROM (SELECT pref.tally(1::bigint, 2::bigint) t UNION ALL SELECT pref.tally('a'::text, 'b'::text)) s;
SELECT '{"version": 2}'::pref.tally;
SELECT '[1]'::pref.tally;
SELECT '{"version": 1, "keys": "bigint", "position": false, "rows_used": 1, "rows_skipped": 0, "items": [1, 1], "cells": []}'::pref.tally;
SELECT '{"version": 1, "keys": "bigint", "position": false, "rows_used": 1, "rows_skipped": 0, "items": [1, 2], "cells": [[0, 2, 1, 0, 0, 1, 0, 0]]}'::pref.tally;
SELECT '{"version": 1, "keys": "bigint", "position": false, "rows_used": 1, "rows_skipped": 0, "items": [1, 2], "cells": [[0, 1, 0, 0, 0, 1, 0, 0]]}'::pref.tally;
SELECT '{"version": 1, "keys": "bigint", "position": false, "rows_used": 1, "rows_skipped": 0, "items": [1, 2], "cells": [[0, 1, 1, 0, 0, -1, 0, 0]]}'::pref.tally;
-- ---- the state is a pref.tally (0.2.0) ----------------------------------
-- every tally, tally_merge and bt_fit aggregate: state pref.tally, a combine function, no serial/deserial
SELECT a.aggfnoid::regprocedure AS aggregate, a.aggtranstype::regtype AS state, a.aggtransfn AS accum,
       a.aggcombinefn AS combine, a.aggfinalfn AS final, a.aggserialfn AS serial, a.aggdeserialfn AS deserial
FROM pg_aggregate a JOIN pg_proc p ON p.oid = a.aggfnoid JOIN pg_namespace n ON n.oid = p.pronamespace
WHERE n.nspname = 'pref' AND p.proname IN ('tally', 'tally_merge', 'bt_fit') ORDER BY a.aggfnoid::regprocedure::text;
-- one C entry point per signature: text items never reach a bigint entry point
SELECT p.oid::regprocedure AS function, p.prosrc AS c_symbol
FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
WHERE n.nspname = 'pref' AND p.proname IN ('tally_accum', 'tally_merge_accum', 'elo_accum', 'bt_eval_accum') ORDER BY p.oid::regprocedure::text;
-- what Citus does: partial states on slices, moved as text, read back by tally_in, folded by the
-- combine function, then the final function; equals the one-pass answer
CREATE AGGREGATE pg_temp.tally_part(bigint, bigint, boolean, double precision) (SFUNC = pref.tally_accum, STYPE = pref.tally);
CREATE AGGREGATE pg_temp.tally_part_text(text, text) (SFUNC = pref.tally_accum, STYPE = pref.tally);
CREATE AGGREGATE pg_temp.tally_fold(pref.tally) (SFUNC = pref.tally_combine, STYPE = pref.tally, FINALFUNC = pref.tally_final);
CREATE AGGREGATE pg_temp.bt_fit_fold(pref.tally) (SFUNC = pref.tally_combine, STYPE = pref.tally, FINALFUNC = pref.bt_fit_final);
CREATE TABLE split_states AS SELECT id % 5 AS slice, pg_temp.tally_part(w, l, tie, wt)::text AS s,
  pg_temp.tally_part_text(w::text, l::text)::text AS s_text FROM big GROUP BY id % 5;
SELECT count(*) AS slices, bool_and(s LIKE '{"version": 1, "keys": "bigint"%') AS states_print_as_tally_json FROM split_states;
SELECT (SELECT pg_temp.tally_fold(s::pref.tally) FROM split_states) = (SELECT pref.tally(w, l, tie, wt) FROM big) AS split_equals_one_pass,
       (SELECT pg_temp.tally_fold(s_text::pref.tally) FROM split_states) = (SELECT pref.tally(w::text, l::text) FROM big) AS text_split_equals_one_pass,
       (SELECT pref.tally_merge(s::pref.tally) FROM split_states) = (SELECT pref.tally(w, l, tie, wt) FROM big) AS merge_equals_one_pass;
SELECT (SELECT pg_temp.bt_fit_fold(s::pref.tally)::text FROM split_states) = (SELECT pref.bt_fit(w, l, tie, wt)::text FROM big) AS bt_fit_split_equals_one_pass;
-- NULL-safe support functions; a state passed by hand is validated, then used
SELECT pg_temp.tally_fold(s) IS NULL AS all_null_states FROM (VALUES (NULL::pref.tally), (NULL)) v(s);
SELECT pref.tally_final(NULL) IS NULL AS final_of_null, pref.bt_fit_final(NULL) IS NULL AS bt_fit_final_of_null;
SELECT pref.tally_final('{"version": 1, "keys": "bigint", "position": false, "rows_used": 1, "rows_skipped": 0, "items": [5, 7], "cells": [[0, 1, 1, 0, 0, 1, 0, 0]]}');
SELECT pref.tally_accum(NULL, 1::bigint, 2::bigint);
CREATE AGGREGATE pg_temp.tally_from(bigint, bigint) (SFUNC = pref.tally_accum, STYPE = pref.tally, FINALFUNC = pref.tally_final,
  INITCOND = '{"version": 1, "keys": "bigint", "position": false, "rows_used": 1, "rows_skipped": 2, "items": [1, 9], "cells": [[0, 1, 0, 1, 0, 0, 1, 0]]}');
SELECT pg_temp.tally_from(w, l) FROM (VALUES (1::bigint, 2::bigint), (9, 1)) v(w, l);
CREATE AGGREGATE pg_temp.tally_from_text(text, text) (SFUNC = pref.tally_accum, STYPE = pref.tally, FINALFUNC = pref.tally_final,
  INITCOND = '{"version": 1, "keys": "bigint", "position": false, "rows_used": 0, "rows_skipped": 0, "items": [], "cells": []}');
SELECT pg_temp.tally_from_text('a', 'b');
-- a positional state fed unordered comparisons forgets its order
CREATE AGGREGATE pg_temp.tally_from_pos(bigint, bigint) (SFUNC = pref.tally_accum, STYPE = pref.tally, FINALFUNC = pref.tally_final,
  INITCOND = '{"version": 1, "keys": "bigint", "position": true, "rows_used": 2, "rows_skipped": 0, "items": [1, 2], "cells": [[1, 0, 1, 0, 0, 1, 0, 0], [0, 1, 1, 0, 0, 1, 0, 0]]}');
SELECT pg_temp.tally_from_pos(2, 1);

-- ---- validation: text and binary input run one validator ----------------
-- the issue's example: two cells of 9223372036854775807 wins must not wrap to -2
SELECT '{"version":1,"keys":"bigint","position":false,"rows_used":9223372036854775807,"rows_skipped":0,"items":[1,2],"cells":[[0,1,9223372036854775807,0,0,1,0,0],[0,1,9223372036854775807,0,0,1,0,0]]}'::pref.tally;
-- repeated cells are summed (with overflow checks); weights 1e308 twice are out of range, not Infinity
SELECT '{"version":1,"keys":"bigint","position":false,"rows_used":3,"rows_skipped":0,"items":[1,2],"cells":[[0,1,1,0,0,0.5,0,0],[1,0,1,1,0,0.25,2,0]]}'::pref.tally;
SELECT '{"version":1,"keys":"bigint","position":false,"rows_used":2,"rows_skipped":0,"items":[1,2],"cells":[[0,1,1,0,0,1e308,0,0],[0,1,1,0,0,1e308,0,0]]}'::pref.tally;
SELECT '{"version":1,"keys":"bigint","position":false,"rows_used":2,"rows_skipped":0,"items":[1,2,3],"cells":[[0,1,1,0,0,1e308,0,0],[0,2,1,0,0,1e308,0,0]]}'::pref.tally;
-- a cell whose three counts sum past bigint
SELECT '{"version":1,"keys":"bigint","position":false,"rows_used":1,"rows_skipped":0,"items":[1,2],"cells":[[0,1,9223372036854775807,1,0,1,1,0]]}'::pref.tally;
-- rows_used must equal the rows in the cells
SELECT '{"version":1,"keys":"bigint","position":false,"rows_used":5,"rows_skipped":0,"items":[1,2],"cells":[[0,1,2,1,0,2,1,0]]}'::pref.tally;
-- counts not negative, weights finite and not negative; -0 reads as 0
SELECT '{"version":1,"keys":"bigint","position":false,"rows_used":1,"rows_skipped":0,"items":[1,2],"cells":[[0,1,-1,2,0,0,2,0]]}'::pref.tally;
SELECT '{"version":1,"keys":"bigint","position":false,"rows_used":-1,"rows_skipped":0,"items":[],"cells":[]}'::pref.tally;
SELECT '{"version":1,"keys":"bigint","position":false,"rows_used":1,"rows_skipped":0,"items":[1,2],"cells":[[0,1,1,0,0,1e999,0,0]]}'::pref.tally;
SELECT '{"version":1,"keys":"bigint","position":false,"rows_used":1,"rows_skipped":0,"items":[1,2],"cells":[[0,1,1,0,0,-0,0,0]]}'::pref.tally;
-- keys and structure: missing, repeated and unknown keys, wrong JSON types, bad cells
SELECT '{"version":1,"keys":"bigint","position":false,"rows_used":0,"rows_skipped":0,"items":[]}'::pref.tally;
SELECT '{"version":1,"version":1,"keys":"bigint","position":false,"rows_used":0,"rows_skipped":0,"items":[],"cells":[]}'::pref.tally;
SELECT '{"version":1,"keys":"bigint","position":false,"rows_used":0,"rows_skipped":0,"items":[],"cells":[],"extra":1}'::pref.tally;
SELECT '{"version":1,"keys":"bigint","position":"no","rows_used":0,"rows_skipped":0,"items":[],"cells":[]}'::pref.tally;
SELECT '{"version":1,"keys":"bigint","position":false,"rows_used":0,"rows_skipped":0,"items":{},"cells":[]}'::pref.tally;
SELECT '{"version":1,"keys":"bigint","position":false,"rows_used":1,"rows_skipped":0,"items":[1,2],"cells":[[0,1,1,0,0,1,0]]}'::pref.tally;
SELECT '{"version":1,"keys":"bigint","position":false,"rows_used":1,"rows_skipped":0,"items":[1,2],"cells":[0]}'::pref.tally;
SELECT '{"version":1,"keys":"bigint","position":false,"rows_used":1,"rows_skipped":0,"items":[1,2],"cells":[[0,1,1,0,0,1,0,0,0]]}'::pref.tally;
SELECT '{"version":1,"keys":"bigint","position":false,"rows_used":1,"rows_skipped":0,"items":[1,2],"cells":[[0,1,1,0,0,1,0,[0]]]}'::pref.tally;
SELECT '{"version":1,"keys":"bigint","position":false,"rows_used":1,"rows_skipped":0,"items":[1,2],"cells":[[1,1,1,0,0,1,0,0]]}'::pref.tally;
SELECT '{"version":1,"keys":"bigint","position":false,"rows_used":0,"rows_skipped":0,"items":[1.5],"cells":[]}'::pref.tally;
SELECT '{"version":1,"keys":"bigint","position":false,"rows_used":0,"rows_skipped":0,"items":[9223372036854775808],"cells":[]}'::pref.tally;
SELECT '{"version":1,"keys":"text","position":false,"rows_used":0,"rows_skipped":0,"items":[1],"cells":[]}'::pref.tally;
SELECT '{"version":1,"keys":"text","position":false,"rows_used":0,"rows_skipped":0,"items":["a\u0000b"],"cells":[]}'::pref.tally;
SELECT '{"version":1,"keys":"text","position":false,"rows_used":0,"rows_skipped":0,"items":["a","a"],"cells":[]}'::pref.tally;
SELECT '{"version":1,"keys":"bigint","position":false,"rows_used":0,"rows_skipped":0,"items":[],"cells":[]} x'::pref.tally;
-- numbers as jsonb reads them (1e0 is 1, 1.0 is not an integer), empty cells dropped, any key order
SELECT '{"cells":[[1,0,1e0,0,0,1,0,0],[0,1,0,0,0,0,0,0]],"items":[2,1],"rows_skipped":0,"rows_used":1e0,"position":false,"keys":"bigint","version":1}'::pref.tally;
SELECT '{"version":1,"keys":"bigint","position":false,"rows_used":1.0,"rows_skipped":0,"items":[],"cells":[]}'::pref.tally;
-- every value tally_out prints reads back bit for bit: awkward keys and weights
CREATE TABLE rt AS SELECT pref.tally(a, b, false, wt) AS t FROM (VALUES
  (E'tab\there', E'line\nbreak', 5e-324), ('"quoted"', E'back\\slash', 1.7976931348623157e308),
  ('ünï©ødé', '🙂', 0), (E'\u0001ctl', '', 1e-300), ('/', 'ünï©ødé', 0.1)) v(a, b, wt);
SELECT t::text::pref.tally = t AS awkward_round_trip, (pref.tally_stats(t)).items FROM rt;
SELECT item_a, item_b, a_wins, b_wins, a_weight, b_weight FROM rt, pref.tally_cells(t) ORDER BY item_a COLLATE "C", item_b COLLATE "C";
-- binary input: the same validator, on bytes edited from a valid value
CREATE FUNCTION pg_temp.recv_detail(field bytea) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
  lo oid;
  res text;
  det text;
BEGIN
  lo := lo_from_bytea(0, decode('5047434f50590aff0d0a00' || '00000000' || '00000000' || '0001'
        || lpad(to_hex(length(field)), 8, '0'), 'hex') || field || '\xffff'::bytea);
  PERFORM lo_export(lo, 'pgpref_tally_recv.bin');
  PERFORM lo_unlink(lo);
  CREATE TEMP TABLE recv_t (v pref.tally);
  BEGIN
    COPY recv_t FROM 'pgpref_tally_recv.bin' (FORMAT binary);
    SELECT v::text INTO res FROM recv_t;
  EXCEPTION WHEN others THEN
    GET STACKED DIAGNOSTICS det = PG_EXCEPTION_DETAIL;
    res := 'ERROR ' || SQLSTATE || ': ' || SQLERRM || ' / ' || det;
  END;
  DROP TABLE recv_t;
  RETURN res;
END $$;
-- layout (1-based bytes): version 1, flags 2, nitems 3-6, ncells 7-10, textlen 11-14, rows_used 15-22,
-- rows_skipped 23-30; cells of 56 bytes from 31: a, b (int32), 3 counts (int64), 3 weights (float8); then keys
CREATE TABLE bin AS SELECT pref.tally_send('{"version":1,"keys":"bigint","position":false,"rows_used":3,"rows_skipped":0,"items":[1,2,3],"cells":[[0,1,2,0,0,2,0,0],[1,2,0,1,0,0,0.5,0]]}') AS b,
  pref.tally_send('{"version":1,"keys":"text","position":false,"rows_used":1,"rows_skipped":0,"items":["a","b"],"cells":[[0,1,1,0,0,1,0,0]]}') AS bt;
SELECT length(b) AS bigint_bytes, length(bt) AS text_bytes FROM bin;
SELECT pg_temp.recv_detail(b) AS valid FROM bin;
SELECT pg_temp.recv_detail(bt) AS valid_text FROM bin;
SELECT pg_temp.recv_detail(set_byte(b, 0, 2)) AS bad_version FROM bin;
SELECT pg_temp.recv_detail(set_byte(b, 1, 4)) AS reserved_flag FROM bin;
SELECT pg_temp.recv_detail(b || '\x00'::bytea) AS trailing_byte FROM bin;
SELECT pg_temp.recv_detail(substr(b, 1, length(b) - 1)) AS truncated FROM bin;
SELECT pg_temp.recv_detail(overlay(b PLACING '\x7fffffff'::bytea FROM 7 FOR 4)) AS too_many_cells FROM bin;
SELECT pg_temp.recv_detail(overlay(b PLACING '\xffffffffffffffff'::bytea FROM 39 FOR 8)) AS negative_count FROM bin;
SELECT pg_temp.recv_detail(overlay(b PLACING '\x0000000000000004'::bytea FROM 15 FOR 8)) AS rows_used_inconsistent FROM bin;
SELECT pg_temp.recv_detail(overlay(overlay(b PLACING '\x7fffffffffffffff'::bytea FROM 39 FOR 8) PLACING '\x0000000000000001'::bytea FROM 47 FOR 8)) AS cell_count_overflow FROM bin;
SELECT pg_temp.recv_detail(overlay(b PLACING '\x7fffffffffffffff'::bytea FROM 39 FOR 8)) AS total_count_overflow FROM bin;
SELECT pg_temp.recv_detail(overlay(b PLACING '\x7ff8000000000000'::bytea FROM 63 FOR 8)) AS nan_weight FROM bin;
SELECT pg_temp.recv_detail(overlay(b PLACING '\x7ff0000000000000'::bytea FROM 63 FOR 8)) AS infinite_weight FROM bin;
SELECT pg_temp.recv_detail(overlay(b PLACING '\xbff0000000000000'::bytea FROM 63 FOR 8)) AS negative_weight FROM bin;
SELECT pg_temp.recv_detail(overlay(b PLACING '\x8000000000000000'::bytea FROM 63 FOR 8)) AS negative_zero_weight FROM bin;
SELECT pg_temp.recv_detail(overlay(b PLACING '\x7fe1ccf385ebc8a0'::bytea FROM 63 FOR 8)) AS weight_1e308 FROM bin;
SELECT pg_temp.recv_detail(overlay(overlay(b PLACING '\x7fe1ccf385ebc8a0'::bytea FROM 63 FOR 8) PLACING '\x7fe1ccf385ebc8a0'::bytea FROM 127 FOR 8)) AS total_weight_infinite FROM bin;
SELECT pg_temp.recv_detail(overlay(b PLACING '\x3ff0000000000000'::bytea FROM 71 FOR 8)) AS weight_without_rows FROM bin;
SELECT pg_temp.recv_detail(overlay(b PLACING '\x00000003'::bytea FROM 35 FOR 4)) AS cell_index_out_of_range FROM bin;
SELECT pg_temp.recv_detail(overlay(b PLACING '\x00000000'::bytea FROM 35 FOR 4)) AS cell_self_comparison FROM bin;
SELECT pg_temp.recv_detail(overlay(b PLACING '\x0000000100000000'::bytea FROM 31 FOR 8)) AS cell_not_canonical FROM bin;
SELECT pg_temp.recv_detail(overlay(overlay(b PLACING '\x0000000100000002'::bytea FROM 31 FOR 8) PLACING '\x0000000000000002'::bytea FROM 87 FOR 8)) AS cells_not_sorted FROM bin;
SELECT pg_temp.recv_detail(overlay(b PLACING '\x0000000000000001'::bytea FROM 87 FOR 8)) AS repeated_cell FROM bin;
SELECT pg_temp.recv_detail(overlay(b PLACING decode(repeat('00', 48), 'hex') FROM 95 FOR 48)) AS empty_cell FROM bin;
SELECT pg_temp.recv_detail(overlay(b PLACING '\x0000000000000002'::bytea FROM 143 FOR 8)) AS items_not_unique FROM bin;
SELECT pg_temp.recv_detail(overlay(b PLACING '\x0000000000000009'::bytea FROM 143 FOR 8)) AS items_not_sorted FROM bin;
-- text keys: offsets (int32), then the bytes "ab"
SELECT pg_temp.recv_detail(overlay(bt PLACING '\xff'::bytea FROM length(bt) FOR 1)) AS key_not_utf8 FROM bin;
SELECT pg_temp.recv_detail(overlay(bt PLACING '\x00'::bytea FROM length(bt) FOR 1)) AS key_with_nul FROM bin;
SELECT pg_temp.recv_detail(overlay(bt PLACING '\x6261'::bytea FROM length(bt) - 1 FOR 2)) AS keys_not_sorted FROM bin;
SELECT pg_temp.recv_detail(overlay(bt PLACING '\x00000003'::bytea FROM 91 FOR 4)) AS key_offset_past_end FROM bin;
-- ---- merge and combine check overflow -----------------------------------
CREATE TABLE huge AS SELECT '{"version":1,"keys":"bigint","position":false,"rows_used":9223372036854775807,"rows_skipped":0,"items":[1,2],"cells":[[0,1,9223372036854775807,0,0,1,0,0]]}'::pref.tally AS t,
  '{"version":1,"keys":"bigint","position":false,"rows_used":1,"rows_skipped":0,"items":[1,2],"cells":[[0,1,1,0,0,1e308,0,0]]}'::pref.tally AS heavy;
SELECT pref.tally_merge(t) FROM huge, generate_series(1, 2);
SELECT pref.tally_merge(heavy) FROM huge, generate_series(1, 2);
SELECT pg_temp.tally_fold(t) FROM huge, generate_series(1, 2);
SELECT pg_temp.tally_fold(heavy) FROM huge, generate_series(1, 2);
SELECT pref.tally(1::bigint, 2::bigint, false, 1e308) FROM generate_series(1, 2);
SELECT pref.tally(a, b, false, 1e308) FROM (VALUES (1::bigint, 2::bigint), (1, 3)) v(a, b);
-- in parallel workers too: the error reaches the leader
CREATE TABLE par_heavy AS SELECT g % 1000 + 1 AS w, g % 1000 + 1001 AS l FROM generate_series(1, 20000) g;
ALTER TABLE par_heavy SET (parallel_workers = 2);
ANALYZE par_heavy;
SET parallel_setup_cost = 0; SET parallel_tuple_cost = 0; SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2; SET parallel_leader_participation = off;
SELECT pref.tally(w, l, false, CASE WHEN w = 1 THEN 1e308 ELSE 1 END) FROM par_heavy;
RESET parallel_setup_cost; RESET parallel_tuple_cost; RESET min_parallel_table_scan_size;
RESET max_parallel_workers_per_gather; RESET parallel_leader_participation;
