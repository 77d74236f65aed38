-- Agreement aggregates against textbook worked examples (exact fractions in
-- test/ref/curation_ref.py), NULL handling, and a forced-parallel plan
\set ECHO none
\i test/ref/curation_fixtures.sql
\set ECHO all
SET extra_float_digits = 0;

-- Cohen (Wikipedia): 20 yes/yes, 5 yes/no, 10 no/yes, 15 no/no -> 2/5
CREATE TABLE two_raters (item int, a text, b text);
INSERT INTO two_raters SELECT g, CASE WHEN g <= 25 THEN 'yes' ELSE 'no' END,
  CASE WHEN g <= 20 OR g BETWEEN 26 AND 35 THEN 'yes' ELSE 'no' END FROM generate_series(1, 50) g;
SELECT round(pref.cohen_kappa(a, b)::numeric, 12) AS kappa, e.exact,
       abs(pref.cohen_kappa(a, b) - e.value) < 1e-12 AS matches
FROM two_raters, ref_agree_expected e WHERE e.statistic = 'cohen' GROUP BY e.exact, e.value;
-- Fleiss (Wikipedia): 10 subjects, 14 raters -> 4211/20059 = 0.210
SELECT round(pref.fleiss_kappa(unit, label)::numeric, 12) AS kappa, e.exact,
       abs(pref.fleiss_kappa(unit, label) - e.value) < 1e-12 AS matches
FROM ref_fleiss, ref_agree_expected e WHERE e.statistic = 'fleiss' GROUP BY e.exact, e.value;
-- Krippendorff (2011): 4 coders, 12 units, missing values -> nominal 0.743, interval 0.849
SELECT round(pref.krippendorff_alpha(unit, value::text)::numeric, 12) AS alpha_nominal,
       (SELECT exact FROM ref_agree_expected WHERE statistic = 'krippendorff_nominal') AS exact_nominal,
       abs(pref.krippendorff_alpha(unit, value::text) -
           (SELECT value FROM ref_agree_expected WHERE statistic = 'krippendorff_nominal')) < 1e-12 AS nominal_matches,
       round(pref.krippendorff_alpha_interval(unit, value)::numeric, 12) AS alpha_interval,
       (SELECT exact FROM ref_agree_expected WHERE statistic = 'krippendorff_interval') AS exact_interval,
       abs(pref.krippendorff_alpha_interval(unit, value) -
           (SELECT value FROM ref_agree_expected WHERE statistic = 'krippendorff_interval')) < 1e-12 AS interval_matches
FROM ref_kripp;
-- the published three-decimal figures
SELECT round(pref.krippendorff_alpha(unit, value::text)::numeric, 3) AS nominal,
       round(pref.krippendorff_alpha_interval(unit, value)::numeric, 3) AS interval FROM ref_kripp;

-- brute force on random small sets: Krippendorff nominal from the coincidence
-- matrix in plain SQL, Fleiss with constant raters equals kappa from the formula
CREATE TABLE rnd AS SELECT (g % 30) AS unit, 'k' || ((g * 7919) % 4) AS label, (g * 7919 % 5)::float8 AS v
  FROM generate_series(1, 200) g WHERE (g * 31) % 7 <> 0;
WITH m AS (SELECT unit, count(*) AS mu FROM rnd GROUP BY unit HAVING count(*) > 1),
     pairs AS (SELECT x.label AS c, y.label AS k, 1.0 / (m.mu - 1) AS w, x.v AS xv, y.v AS yv
               FROM rnd x JOIN rnd y ON x.unit = y.unit AND x.ctid <> y.ctid JOIN m ON m.unit = x.unit),
     nc AS (SELECT c, sum(w) AS n FROM pairs GROUP BY c),
     tot AS (SELECT sum(n) AS n FROM nc),
     vals AS (SELECT r.v FROM rnd r JOIN m USING (unit))
SELECT abs(1 - ((SELECT n FROM tot) - 1) * (SELECT sum(w) FROM pairs WHERE c <> k)
         / ((SELECT n FROM tot)^2 - (SELECT sum(n^2) FROM nc))
         - (SELECT pref.krippendorff_alpha(unit, label) FROM rnd)) < 1e-12 AS nominal_brute_force,
       abs(1 - ((SELECT n FROM tot) - 1) * (SELECT sum(w * (xv - yv)^2) FROM pairs)
         / (SELECT sum((a.v - b.v)^2) FROM vals a, vals b)
         - (SELECT pref.krippendorff_alpha_interval(unit, v) FROM rnd)) < 1e-12 AS interval_brute_force;

-- per group, NULL rows skipped, empty input NULL, undefined NULL
SELECT unit % 2 AS grp, round(pref.fleiss_kappa(unit, label)::numeric, 6) AS fleiss,
       round(pref.krippendorff_alpha(unit, label)::numeric, 6) AS alpha
FROM ref_fleiss GROUP BY 1 ORDER BY 1;
SELECT pref.cohen_kappa(a, b) IS NULL AS empty_is_null FROM two_raters WHERE false;
SELECT round(pref.cohen_kappa(a, b)::numeric, 12) AS kappa_with_nulls
FROM (SELECT a, b FROM two_raters UNION ALL SELECT NULL, 'yes' UNION ALL SELECT 'no', NULL) s;
SELECT pref.cohen_kappa('x', 'x') AS one_category, pref.fleiss_kappa(1, 'x') AS one_rating,
       pref.krippendorff_alpha_interval(u, 3) AS no_variation FROM generate_series(1, 3) u;
SELECT pref.krippendorff_alpha_interval(1, 'NaN');
SELECT pref.krippendorff_alpha_interval(u % 2, v) FROM (VALUES (1, 1e300), (2, -1e300), (3, 1e300), (4, 0)) x(u, v);
SELECT pref.krippendorff_alpha(1, repeat('x', 2000));

-- forced parallel: Partial Aggregate, same answers as serial (to 1e-12)
CREATE TABLE big_labels AS
  SELECT g / 5 AS unit, CASE WHEN (g * 2654435761) % 10 < 7 THEN 'k' || (g / 5) % 3 ELSE 'k' || g % 3 END AS label,
         ((g / 5) % 7 + (g % 3)) :: float8 AS v,
         'k' || (g % 3) AS a, CASE WHEN g % 4 = 0 THEN 'k' || ((g + 1) % 3) ELSE 'k' || (g % 3) END AS b
  FROM generate_series(1, 30000) g;
ALTER TABLE big_labels SET (parallel_workers = 2);
ANALYZE big_labels;
CREATE TABLE serial_answers AS
  SELECT pref.cohen_kappa(a, b) AS ck, pref.fleiss_kappa(unit, label) AS fk,
         pref.krippendorff_alpha(unit, label) AS ka, pref.krippendorff_alpha_interval(unit, v) AS ki FROM big_labels;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
SET parallel_leader_participation = off;
EXPLAIN (COSTS OFF) SELECT pref.cohen_kappa(a, b), pref.fleiss_kappa(unit, label),
  pref.krippendorff_alpha(unit, label), pref.krippendorff_alpha_interval(unit, v) FROM big_labels;
SELECT abs(p.ck - s.ck) < 1e-12 AS cohen, abs(p.fk - s.fk) < 1e-12 AS fleiss,
       abs(p.ka - s.ka) < 1e-12 AS alpha_nominal, abs(p.ki - s.ki) < 1e-12 AS alpha_interval,
       round(s.ck::numeric, 6) AS ck, round(s.fk::numeric, 6) AS fk, round(s.ka::numeric, 6) AS ka, round(s.ki::numeric, 6) AS ki
FROM (SELECT pref.cohen_kappa(a, b) AS ck, pref.fleiss_kappa(unit, label) AS fk,
             pref.krippendorff_alpha(unit, label) AS ka, pref.krippendorff_alpha_interval(unit, v) AS ki FROM big_labels) p,
     serial_answers s;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
RESET max_parallel_workers_per_gather;
RESET parallel_leader_participation;
-- too large for pgpref.max_memory: a clear error naming the setting
SET pgpref.max_memory = '1MB';
SELECT pref.fleiss_kappa(g / 3, 'x') FROM generate_series(1, 200000) g;
RESET pgpref.max_memory;

-- ---- the state type pref.agreement_state ---------------------------------
-- split and combine as Citus does: a partial aggregate per slice, each state
-- through its text form, folded with the combine function, then the final
-- function; equal to the one-pass answer (observations are appended in
-- another order, so the sums may differ by rounding: tolerance 1e-12)
CREATE AGGREGATE agree_pairs_partial(text, text) (SFUNC = pref.agreement_pair_accum,
  STYPE = pref.agreement_state, COMBINEFUNC = pref.agreement_combine, PARALLEL = SAFE);
CREATE AGGREGATE agree_units_partial(bigint, text) (SFUNC = pref.agreement_unit_accum,
  STYPE = pref.agreement_state, COMBINEFUNC = pref.agreement_combine, PARALLEL = SAFE);
CREATE AGGREGATE agree_values_partial(bigint, float8) (SFUNC = pref.agreement_value_accum,
  STYPE = pref.agreement_state, COMBINEFUNC = pref.agreement_combine, PARALLEL = SAFE);
CREATE AGGREGATE agree_fold(pref.agreement_state) (SFUNC = pref.agreement_combine,
  STYPE = pref.agreement_state);
CREATE TABLE agree_slices AS
  SELECT g % 5 AS slice, agree_pairs_partial(a, b)::text AS pairs, agree_units_partial(unit, label)::text AS units,
         agree_values_partial(unit, v)::text AS vals
  FROM big_labels, LATERAL (SELECT (unit * 7 + length(label)) AS g) x GROUP BY 1;
SELECT count(*) AS slices, bool_and(pairs LIKE 'v1:%') AS text_form FROM agree_slices;
SELECT abs(pref.cohen_kappa_final(agree_fold(pairs::pref.agreement_state)) - s.ck) < 1e-12 AS cohen,
       abs(pref.fleiss_kappa_final(agree_fold(units::pref.agreement_state)) - s.fk) < 1e-12 AS fleiss,
       abs(pref.krippendorff_alpha_final(agree_fold(units::pref.agreement_state)) - s.ka) < 1e-12 AS alpha_nominal,
       abs(pref.krippendorff_alpha_interval_final(agree_fold(vals::pref.agreement_state)) - s.ki) < 1e-12 AS alpha_interval
FROM agree_slices, serial_answers s GROUP BY s.ck, s.fk, s.ka, s.ki;
-- the text form reads back to the same bytes; the textbook Cohen example
-- from a stored state
SELECT s::text = s::text::pref.agreement_state::text AS text_round_trip,
       pref.cohen_kappa_final(s::text::pref.agreement_state) AS kappa,
       length(s::text) AS text_length
FROM (SELECT agree_pairs_partial(a, b) AS s FROM two_raters) x;
-- binary COPY round trip
CREATE TABLE agree_copy AS SELECT slice, pairs::pref.agreement_state AS p, units::pref.agreement_state AS u,
  vals::pref.agreement_state AS v FROM agree_slices;
\copy agree_copy TO 'results/agree_state.bin' (FORMAT binary)
CREATE TABLE agree_copy2 (LIKE agree_copy);
\copy agree_copy2 FROM 'results/agree_state.bin' (FORMAT binary)
SELECT count(*) AS rows, bool_and(a.p::text = b.p::text AND a.u::text = b.u::text AND a.v::text = b.v::text) AS equal
FROM agree_copy a JOIN agree_copy2 b USING (slice);

-- NULL states and rows: skipped rows keep the state, NULL combine inputs
-- are neutral, final functions of NULL give NULL; support functions can be
-- called directly
SELECT pref.agreement_pair_accum(NULL, NULL, 'x') IS NULL AS skipped_row,
       pref.agreement_unit_accum(NULL, 1, NULL) IS NULL AS skipped_unit,
       pref.agreement_value_accum(NULL, NULL, 1) IS NULL AS skipped_value,
       pref.agreement_combine(NULL, NULL) IS NULL AS combine_nulls,
       pref.cohen_kappa_final(NULL) IS NULL AS cohen_null, pref.fleiss_kappa_final(NULL) IS NULL AS fleiss_null,
       pref.krippendorff_alpha_final(NULL) IS NULL AS alpha_null,
       pref.krippendorff_alpha_interval_final(NULL) IS NULL AS interval_null;
SELECT pref.cohen_kappa_final(pref.agreement_combine(NULL, s)) AS left_null,
       pref.cohen_kappa_final(pref.agreement_combine(s, NULL)) AS right_null,
       pref.cohen_kappa_final(pref.agreement_combine(s, s)) AS doubled,
       pref.cohen_kappa_final(pref.agreement_pair_accum(s, NULL, NULL)) AS null_row
FROM (SELECT agree_pairs_partial(a, b) AS s FROM two_raters) x;
SELECT pref.cohen_kappa_final(pref.agreement_pair_accum(pref.agreement_pair_accum(NULL, 'a', 'a'), 'b', 'b')) AS direct_calls;
-- as a window aggregate (running frame: the final function reads the state
-- while the transition keeps adding to it)
SELECT count(*) FILTER (WHERE k IS NOT NULL) AS defined, round(max(k) FILTER (WHERE item = 50)::numeric, 12) AS last,
       bool_and(k IS NOT DISTINCT FROM (SELECT pref.cohen_kappa(t.a, t.b) FROM two_raters t WHERE t.item <= w.item))
         AS equals_prefix_aggregate
FROM (SELECT item, pref.cohen_kappa(a, b) OVER (ORDER BY item) AS k FROM two_raters) w;
-- states of another kind are refused
SELECT pref.fleiss_kappa_final(agree_pairs_partial(a, b)) FROM two_raters;
SELECT pref.agreement_combine(agree_pairs_partial(a, b), agree_units_partial(item, a)) FROM two_raters;
SELECT pref.agreement_value_accum(agree_units_partial(item, a), 1, 2) FROM two_raters;

-- hostile text: every malformed state is a clear error
CREATE FUNCTION agree_hex(h text) RETURNS text LANGUAGE sql AS
$$ SELECT 'v1:' || translate(encode(decode(h, 'hex'), 'base64'), E'\n', '') $$;
-- a valid state by hand: pairs, labels a and b, one observation (a, b)
SELECT pref.cohen_kappa_final(agree_hex('01010000020000000100000000000000010000006101000000620000000001000000')::pref.agreement_state) AS one_pair,
       agree_hex('01010000020000000100000000000000010000006101000000620000000001000000') =
       (SELECT agree_pairs_partial('a', 'b')::text) AS same_as_built;
SELECT 'garbage'::pref.agreement_state;
SELECT 'v1:@@@'::pref.agreement_state;
SELECT 'v1:'::pref.agreement_state;
SELECT agree_hex('0101000002000000')::pref.agreement_state;
SELECT agree_hex('02010000020000000100000000000000010000006101000000620000000001000000')::pref.agreement_state;
SELECT agree_hex('01040000020000000100000000000000010000006101000000620000000001000000')::pref.agreement_state;
SELECT agree_hex('01010100020000000100000000000000010000006101000000620000000001000000')::pref.agreement_state;
SELECT agree_hex('01010000e90300000000000000000000')::pref.agreement_state;
SELECT agree_hex('0101000002000000ffffffffffffffff01000000610100000062')::pref.agreement_state;
SELECT agree_hex('01010000010000000000000000000000' || '88130000')::pref.agreement_state;
SELECT agree_hex('0101000001000000010000000000000001000000ff0000000000000000')::pref.agreement_state;
SELECT agree_hex('010100000100000001000000000000000200000061000000000000000000')::pref.agreement_state;
SELECT agree_hex('01010000020000000100000000000000010000006101000000610000000001000000')::pref.agreement_state;
SELECT agree_hex('01010000020000000200000000000000010000006101000000620000000001000000')::pref.agreement_state;
SELECT agree_hex('0101000002000000010000000000000001000000610100000062000000000100000000')::pref.agreement_state;
SELECT agree_hex('01010000020000000100000000000000010000006101000000620000000002000000')::pref.agreement_state;
SELECT agree_hex('01010000020000000100000000000000010000006101000000620000000000000080')::pref.agreement_state;
SELECT agree_hex('010300000000000001000000000000000100000000000000000000000000f87f')::pref.agreement_state;
SELECT agree_hex('0103000001000000010000000000000001000000610100000000000000000000000000f03f')::pref.agreement_state;
-- binary input runs the same validator: a truncated state in a binary COPY file
CREATE FUNCTION agree_recv_test(field_hex text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
  lo oid;
  d text;
BEGIN
  lo := lo_from_bytea(0, decode('5047434f50590aff0d0a00' || '00000000' || '00000000' || '0001'
        || lpad(to_hex(length(field_hex) / 2), 8, '0') || field_hex || 'ffff', 'hex'));
  PERFORM lo_export(lo, 'pgpref_agree_recv.bin');
  PERFORM lo_unlink(lo);
  IF to_regclass('pg_temp.agree_recv_t') IS NULL THEN CREATE TEMP TABLE agree_recv_t (v pref.agreement_state); END IF;
  TRUNCATE agree_recv_t;
  BEGIN
    COPY agree_recv_t FROM 'pgpref_agree_recv.bin' (FORMAT binary);
    RETURN 'accepted: ' || (SELECT v::text FROM agree_recv_t);
  EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS d = PG_EXCEPTION_DETAIL;
    RETURN 'rejected: ' || SQLERRM || ': ' || d;
  END;
END $$;
SELECT agree_recv_test('01010000020000000100000000000000010000006101000000620000000001000000') AS valid;
SELECT agree_recv_test('0101000002000000010000000000000001000000610100000062') AS truncated;
SELECT agree_recv_test('0101000001000000010000000000000001000000ff0000000000000000') AS invalid_utf8;
