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
