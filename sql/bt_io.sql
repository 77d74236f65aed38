-- pref.bt_model text (versioned JSON) and binary forms: exact round trips, validation
-- own schema: the fixture's tables may exist from other tests
CREATE SCHEMA bt_io;
SET search_path = bt_io, public, pref;
\set QUIET on
\i test/ref/bt_fixture.sql
\set QUIET off
CREATE TABLE io_models AS
SELECT 'none' AS kind, pref.bradley_terry(pref.tally(first, second, outcome), ties => 'none') AS m FROM bt_rows
UNION ALL SELECT 'half', pref.bradley_terry(pref.tally(first, second, outcome), ties => 'half') FROM bt_rows
UNION ALL SELECT 'davidson', pref.bradley_terry(pref.tally(first, second, outcome)) FROM bt_rows
UNION ALL SELECT 'rao_kupper', pref.bradley_terry(pref.tally(first, second, outcome), ties => 'rao_kupper') FROM bt_rows
UNION ALL SELECT 'davidson_order', pref.bradley_terry(pref.tally(first, second, outcome), ties => 'davidson', order_effect => true) FROM bt_rows
UNION ALL SELECT 'mm_prior', pref.bradley_terry(pref.tally(first, second, outcome), 'mm', prior => 0.3, ties => 'half') FROM bt_rows
UNION ALL SELECT 'text_weighted', pref.bradley_terry(pref.tally('m' || first, 'm' || second, outcome <> '>', 0.5 + id % 3)) FROM bt_rows WHERE outcome <> '=';
-- a small model, printed: every field, the tally in its own JSON form.  The
-- fitted numbers (loglik, theta) carry the rounding of the BLAS kernel in
-- their last digits (the middle theta is 0 up to ~1e-18), so they are shown
-- in place-holders and printed rounded beside it
CREATE TABLE io_small AS SELECT pref.bradley_terry(pref.tally(w, l), prior => 0.5) AS m
FROM (VALUES ('a"b', 'c'), ('c', 'd'), ('d', 'a"b'), ('a"b', 'd')) v(w, l);
SELECT regexp_replace(regexp_replace(m::text, '"loglik": [^,]*,', '"loglik": <loglik>,'),
                      '"theta": \[[^]]*\]', '"theta": [<theta>]') AS text_form FROM io_small;
SELECT round((m::text::jsonb ->> 'loglik')::numeric, 12) AS loglik,
       (SELECT array_agg(round(t::numeric, 12) ORDER BY o)
        FROM jsonb_array_elements_text(m::text::jsonb -> 'theta') WITH ORDINALITY a(t, o)) AS theta
FROM io_small;
-- text round trip: same bytes (send is a bit-exact image of every field), same text, same ratings and probabilities
SELECT kind, pref.bt_model_send(m::text::pref.bt_model) = pref.bt_model_send(m) AS same_bytes,
       m::text::pref.bt_model::text = m::text AS same_text,
       (SELECT bool_and(a IS NOT DISTINCT FROM b) FROM pref.ratings(m, 'logit') a
        FULL JOIN pref.ratings(m::text::pref.bt_model, 'logit') b USING (item)) AS same_ratings,
       pref.bt_summary(m::text::pref.bt_model) = pref.bt_summary(m) AS same_summary
FROM io_models ORDER BY kind;
SELECT bool_and(pref.win_prob(m, i, j) = pref.win_prob(m::text::pref.bt_model, i, j)
            AND pref.tie_prob(m, i, j) = pref.tie_prob(m::text::pref.bt_model, i, j)) AS same_probs
FROM io_models, generate_series(1, 6) i, generate_series(1, 6) j WHERE kind <> 'text_weighted' AND i <> j;
-- a table with a bt_model column survives binary COPY (as pg_dump's custom format needs the text form above)
\copy io_models TO 'results/bt_io.bin' (FORMAT binary)
CREATE TABLE io_copy (LIKE io_models);
\copy io_copy FROM 'results/bt_io.bin' (FORMAT binary)
SELECT s.kind, pref.bt_model_send(s.m) = pref.bt_model_send(d.m) AS same_bytes,
       pref.bt_summary(s.m) = pref.bt_summary(d.m) AS same_summary
FROM io_models s JOIN io_copy d USING (kind) ORDER BY kind;
\copy io_models TO 'results/bt_io.txt'
TRUNCATE io_copy;
\copy io_copy FROM 'results/bt_io.txt'
SELECT count(*) FILTER (WHERE pref.bt_model_send(s.m) = pref.bt_model_send(d.m)) AS same_after_text_copy, count(*) AS models
FROM io_models s JOIN io_copy d USING (kind);
-- doubles JSON numbers cannot hold are strings: -0 round trips bit for bit
CREATE FUNCTION pg_temp.edit(m pref.bt_model, path text[], val jsonb) RETURNS text
LANGUAGE sql AS $$ SELECT jsonb_set(m::text::jsonb, path, val)::text $$;
SELECT pg_temp.edit(m, '{theta,0}', '"-0"')::pref.bt_model::text LIKE '%"theta": ["-0", %' AS negative_zero_kept,
       pref.bt_model_send(pg_temp.edit(m, '{theta,0}', '"-0"')::pref.bt_model) <> pref.bt_model_send(pg_temp.edit(m, '{theta,0}', '0')::pref.bt_model) AS sign_bit_kept
FROM io_small;
-- key order and spacing do not matter (jsonb re-serialises the value)
SELECT pref.bt_model_send(m::text::jsonb::text::pref.bt_model) = pref.bt_model_send(m) AS jsonb_form_ok FROM io_models WHERE kind = 'davidson_order';
-- malformed text: clear errors (22P02)
\set VERBOSITY default
SELECT 'not json'::pref.bt_model;
SELECT '[1, 2]'::pref.bt_model;
SELECT '{}'::pref.bt_model;
SELECT pg_temp.edit(m, '{version}', '4')::pref.bt_model FROM io_small;
SELECT pg_temp.edit(m, '{theta}', '[0.1, 0.2]')::pref.bt_model FROM io_small;
SELECT pg_temp.edit(m, '{theta,1}', '"x"')::pref.bt_model FROM io_small;
SELECT pg_temp.edit(m, '{theta,1}', '1e400')::pref.bt_model FROM io_small;
SELECT pg_temp.edit(m, '{theta,1}', '"Infinity"')::pref.bt_model FROM io_small;
SELECT pg_temp.edit(m, '{theta,1}', 'null')::pref.bt_model FROM io_small;
SELECT pg_temp.edit(m, '{ties}', '"auto"')::pref.bt_model FROM io_small;
SELECT pg_temp.edit(m, '{method}', '"lbfgs"')::pref.bt_model FROM io_small;
SELECT pg_temp.edit(m, '{prior}', '-1')::pref.bt_model FROM io_small;
SELECT pg_temp.edit(m, '{tol}', '0')::pref.bt_model FROM io_small;
SELECT pg_temp.edit(m, '{max_iter}', '0')::pref.bt_model FROM io_small;
SELECT pg_temp.edit(m, '{iterations}', '1.5')::pref.bt_model FROM io_small;
SELECT pg_temp.edit(m, '{converged}', '1')::pref.bt_model FROM io_small;
SELECT pg_temp.edit(m, '{tie_log_param}', '0.5')::pref.bt_model FROM io_small;
SELECT pg_temp.edit(m, '{tie_log_param}', 'null')::pref.bt_model FROM io_models WHERE kind = 'davidson';
SELECT pg_temp.edit(m, '{order_effect}', 'true')::pref.bt_model FROM io_small;
SELECT pg_temp.edit(m, '{tally,items}', '["c", "a\"b", "d"]')::pref.bt_model FROM io_small;
SELECT pg_temp.edit(m, '{tally,cells,0}', '[0, 0, 1, 0, 0, 1, 0, 0]')::pref.bt_model FROM io_small;
SELECT pg_temp.edit(m, '{tally}', '"x"')::pref.bt_model FROM io_small;
SELECT (m::text::jsonb - 'loglik')::text::pref.bt_model FROM io_small;
SELECT left(m::text, 200)::pref.bt_model FROM io_small;

-- binary input: build one-field binary COPY files byte by byte and load them
CREATE FUNCTION pg_temp.recv_test(field_hex text) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
  lo oid;
  res text;
  det text;
BEGIN
  lo := lo_from_bytea(0, decode('5047434f50590aff0d0a00' || '00000000' || '00000000' || '0001'
        || lpad(to_hex(length(field_hex) / 2), 8, '0') || field_hex || 'ffff', 'hex'));
  PERFORM lo_export(lo, 'pgpref_bt_recv_test.bin');
  PERFORM lo_unlink(lo);
  CREATE TEMP TABLE recv_t (v pref.bt_model);
  BEGIN
    COPY recv_t FROM 'pgpref_bt_recv_test.bin' (FORMAT binary);
    SELECT CASE WHEN pref.bt_model_send(v) = decode(field_hex, 'hex') THEN 'ok: same bytes' ELSE 'ok: different bytes' END INTO res FROM recv_t;
  EXCEPTION WHEN others THEN
    GET STACKED DIAGNOSTICS det = PG_EXCEPTION_DETAIL;
    res := 'ERROR ' || SQLSTATE || ': ' || SQLERRM || ': ' || det;
  END;
  DROP TABLE recv_t;
  RETURN res;
END $$;
-- layout: version, ties, order_effect, converged, method (bytes); items, iterations, max_iter (int32);
-- prior, tol, loglik, tie parameter, order (float8); theta[items]; tally length (int32); tally send form
CREATE TABLE io_hex AS SELECT encode(pref.bt_model_send(m), 'hex') AS h FROM io_models WHERE kind = 'davidson';
SELECT pg_temp.recv_test(h) AS valid FROM io_hex;
SELECT pg_temp.recv_test(left(h, 20)) AS truncated_header FROM io_hex;
SELECT pg_temp.recv_test(left(h, 160)) AS truncated_theta FROM io_hex;
SELECT pg_temp.recv_test(left(h, length(h) - 2)) AS truncated_tally FROM io_hex;
SELECT pg_temp.recv_test(h || '00') AS trailing_byte FROM io_hex;
SELECT pg_temp.recv_test('04' || substr(h, 3)) AS bad_version FROM io_hex;
SELECT pg_temp.recv_test('0204' || substr(h, 5)) AS bad_ties FROM io_hex;
SELECT pg_temp.recv_test('0203000109' || substr(h, 11)) AS bad_method FROM io_hex;
SELECT pg_temp.recv_test(left(h, 10) || 'ffffffff' || substr(h, 19)) AS negative_items FROM io_hex;
SELECT pg_temp.recv_test(left(h, 10) || '00000005' || substr(h, 19)) AS items_differ_from_tally FROM io_hex;
SELECT pg_temp.recv_test(left(h, 10) || '7fffffff' || substr(h, 19)) AS huge_items FROM io_hex;
SELECT pg_temp.recv_test(left(h, 82) || '7ff8000000000000' || substr(h, 99)) AS nan_tie_param FROM io_hex;
SELECT pg_temp.recv_test(left(h, 98) || '3ff0000000000000' || substr(h, 115)) AS order_without_order_effect FROM io_hex;
SELECT pg_temp.recv_test(left(h, 114) || '7ff0000000000000' || substr(h, 131)) AS theta_infinite FROM io_hex;
SELECT pg_temp.recv_test(left(h, 114) || '8000000000000000' || substr(h, 131)) AS theta_negative_zero FROM io_hex;
SET client_min_messages = warning;
DROP SCHEMA bt_io CASCADE;
RESET client_min_messages;
