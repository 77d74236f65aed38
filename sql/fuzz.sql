-- Bounded mutation fuzz of the text and binary input of every base type in
-- schema pref.  Seeded; a few thousand inputs per type and path here, many
-- more in `make fuzz` (pgpref_test.fuzz_n, pgpref_test.fuzz_seed).
--
-- * Every base type in pref needs samples below: the test fails otherwise.
-- * Text path: mutate a sample's text form (byte flips, truncations,
--   duplications, huge numbers, NaN/Infinity, splices of other samples) and
--   feed it to the type's input function.  For "v1:" + base64 state types the
--   decoded bytes are mutated too, then re-encoded.
-- * Binary path: mutate the send() bytes of a sample and feed them to the
--   receive function through COPY ... (FORMAT binary) from a server file.
-- * Errors are fine, except internal errors (XX000: a "can't happen" path
--   reached from user input).  Every accepted value must print, and its text
--   must read back to the same text.  The backend must survive.
CREATE SCHEMA fuzz;
SET search_path = fuzz, public;
-- Samples: one row per valid value of a type, in its text form, written as
-- a literal or computed by a query.  A state type whose text form is "v1:" +
-- base64 gets its samples from a temporary aggregate that has the state type
-- as STYPE and no final function, e.g.
--   CREATE AGGREGATE fuzz.x_partial(float8, float8)
--     (SFUNC = pref.x_accum, STYPE = pref.x_state);
--   INSERT INTO sample SELECT 'pref.x_state', fuzz.x_partial(a, b)::text
--   FROM (VALUES (1, 2), (3, 4)) v(a, b);
-- (an empty partial state is NULL, not a sample: give it rows).
CREATE TABLE sample (typ text NOT NULL CHECK (typ::regtype IS NOT NULL), val text NOT NULL);
INSERT INTO sample VALUES
  ('pref.pair', '17>42'),
  ('pref.pair', '17<42'),
  ('pref.pair', '7=9*2.5'),
  ('pref.pair', '-9223372036854775808=9223372036854775807*1e300'),
  ('pref.pair', '1>2*0.125'),
  ('pref.ranking', '3>1=4>2'),
  ('pref.ranking', '9'),
  ('pref.ranking', '1=2=3=4'),
  ('pref.ranking', '-5>9223372036854775807>0');
INSERT INTO sample SELECT 'pref.tally', pref.tally(w, l)::text
FROM (VALUES (1, 2), (2, 3), (3, 1), (1, 3), (4, NULL)) v(w, l);
INSERT INTO sample SELECT 'pref.tally', pref.tally(f, s, o, wt)::text
FROM (VALUES ('a', 'b', '>', 1.5), ('b', 'c', '=', 0.25), ('c', 'a', '<', 2.0), ('é"x', 'a', '>', 1e-3)) v(f, s, o, wt);
INSERT INTO sample SELECT 'pref.tally', pref.tally(f, s, o)::text
FROM (VALUES (10, 20, '>'), (20, 10, '<'), (30, 10, '='), (-7, 30, '>')) v(f, s, o);
INSERT INTO sample SELECT 'pref.bt_model', pref.bradley_terry(pref.tally(w, l), prior => 0.5)::text
FROM (VALUES ('a"b', 'c'), ('c', 'd'), ('d', 'a"b'), ('a"b', 'd')) v(w, l);
INSERT INTO sample SELECT 'pref.bt_model', pref.bradley_terry(pref.tally(f, s, o), ties => 'davidson', order_effect => true)::text
FROM (VALUES (1, 2, '>'), (2, 3, '='), (3, 1, '<'), (1, 3, '>'), (2, 1, '='), (3, 2, '>')) v(f, s, o);
INSERT INTO sample SELECT 'pref.bt_model', pref.bradley_terry(pref.tally(f, s, o), 'mm', prior => 0.3, ties => 'half')::text
FROM (VALUES (1, 2, '>'), (2, 3, '='), (3, 1, '>'), (1, 3, '<')) v(f, s, o);
INSERT INTO sample SELECT 'pref.bt_model', pref.bradley_terry(pref.tally(f, s, o), ties => 'rao_kupper')::text
FROM (VALUES (1, 2, '>'), (2, 3, '='), (3, 1, '>'), (1, 3, '<'), (3, 2, '=')) v(f, s, o);
INSERT INTO sample SELECT 'pref.bt_model', pref.pl_fit(r::pref.ranking, 0.2)::text
FROM (VALUES ('1>2>3'), ('3>1=2>4'), ('2>4'), ('4>3>1'), ('2>4')) v(r);
-- aggregate state types: partial states of each family (no final function)
CREATE AGGREGATE fuzz.dpo_p(float8, float8, float8, float8, float8, text, float8)
  (SFUNC = pref.dpo_metrics_accum, STYPE = pref.dpo_state);
CREATE AGGREGATE fuzz.aot_p(float8, float8, float8, float8, float8, text)
  (SFUNC = pref.dpo_metrics_accum, STYPE = pref.dpo_state);
CREATE AGGREGATE fuzz.kto_p(float8, float8, boolean, float8, float8, float8)
  (SFUNC = pref.kto_metrics_accum, STYPE = pref.dpo_state);
CREATE AGGREGATE fuzz.racc_p(float8, float8, float8, float8, float8)
  (SFUNC = pref.ranking_accuracy_accum, STYPE = pref.dpo_state);
INSERT INTO sample SELECT 'pref.dpo_state', fuzz.dpo_p(pc, pr, rc, rr, 0.1, 'sigmoid', w)::text
  FROM (VALUES (-40.0, -45.0, -42.0, -44.0, 1.0), (-12.5, -11.0, -13.0, -12.0, 2.5), (-3.0, -9.0, -4.0, -8.5, 0.5)) v(pc, pr, rc, rr, w);
INSERT INTO sample SELECT 'pref.dpo_state', fuzz.aot_p(pc, pr, rc, rr, 0.1, 'aot')::text
  FROM (VALUES (-40.0, -45.0, -42.0, -44.0), (-12.5, -11.0, -13.0, -12.0)) v(pc, pr, rc, rr);
INSERT INTO sample SELECT 'pref.dpo_state', fuzz.kto_p(p, r, d, kp, kr, 0.1)::text
  FROM (VALUES (-40.0, -42.0, true, -41.0, -41.5), (-12.5, -11.0, false, -12.0, -12.2)) v(p, r, d, kp, kr);
INSERT INTO sample SELECT 'pref.dpo_state', fuzz.racc_p(pc, pr, rc, rr, 0.1)::text
  FROM (VALUES (-40.0, -45.0, -42.0, -44.0), (-12.5, -11.0, -13.0, -12.0)) v(pc, pr, rc, rr);
CREATE AGGREGATE fuzz.agree_pair_p(text, text) (SFUNC = pref.agreement_pair_accum, STYPE = pref.agreement_state);
CREATE AGGREGATE fuzz.agree_unit_p(bigint, text) (SFUNC = pref.agreement_unit_accum, STYPE = pref.agreement_state);
CREATE AGGREGATE fuzz.agree_value_p(bigint, float8) (SFUNC = pref.agreement_value_accum, STYPE = pref.agreement_state);
INSERT INTO sample SELECT 'pref.agreement_state', fuzz.agree_pair_p(a, b)::text
  FROM (VALUES ('yes', 'yes'), ('no', 'yes'), ('maybe', 'no'), ('über', 'no')) v(a, b);
INSERT INTO sample SELECT 'pref.agreement_state', fuzz.agree_unit_p(u, l)::text
  FROM (VALUES (1, 'a'), (1, 'b'), (2, 'a'), (2, 'a'), (3, 'c')) v(u, l);
INSERT INTO sample SELECT 'pref.agreement_state', fuzz.agree_value_p(u, x)::text
  FROM (VALUES (1, 0.5), (1, 1.5), (2, 3.25), (2, 3.0)) v(u, x);
CREATE AGGREGATE fuzz.pl_p(pref.ranking) (SFUNC = pref.plackett_luce_accum, STYPE = pref.ranking_state);
CREATE AGGREGATE fuzz.pl_prior_p(pref.ranking, float8) (SFUNC = pref.plackett_luce_accum, STYPE = pref.ranking_state);
INSERT INTO sample SELECT 'pref.ranking_state', fuzz.pl_p(r::pref.ranking)::text
  FROM (VALUES ('3>1=4>2'), ('1>2'), ('2>3>1')) v(r);
INSERT INTO sample SELECT 'pref.ranking_state', fuzz.pl_prior_p(r::pref.ranking, 0.5)::text
  FROM (VALUES ('3>1'), ('1>2>3')) v(r);
DROP AGGREGATE fuzz.dpo_p(float8, float8, float8, float8, float8, text, float8),
  fuzz.aot_p(float8, float8, float8, float8, float8, text), fuzz.kto_p(float8, float8, boolean, float8, float8, float8),
  fuzz.racc_p(float8, float8, float8, float8, float8), fuzz.agree_pair_p(text, text), fuzz.agree_unit_p(bigint, text),
  fuzz.agree_value_p(bigint, float8), fuzz.pl_p(pref.ranking), fuzz.pl_prior_p(pref.ranking, float8);

CREATE AGGREGATE fuzz.gram_partial(real[]) (SFUNC = pref.gram_accum, STYPE = pref.gram_state);
CREATE AGGREGATE fuzz.moments_partial(float8[]) (SFUNC = pref.moments_accum, STYPE = pref.gram_state);
CREATE AGGREGATE fuzz.pca_partial(float8[], int) (SFUNC = pref.pca_accum, STYPE = pref.gram_state);
CREATE AGGREGATE fuzz.ridge_partial(float8[], float8, float8) (SFUNC = pref.ridge_accum, STYPE = pref.gram_state);
INSERT INTO sample SELECT 'pref.gram_state', fuzz.gram_partial(x)::text FROM (VALUES ('{1,2,3}'::real[]), ('{-4,5,0.5}')) v(x);
INSERT INTO sample SELECT 'pref.gram_state', fuzz.gram_partial(x)::text FROM (VALUES (NULL::real[])) v(x);
INSERT INTO sample SELECT 'pref.gram_state', fuzz.moments_partial(x)::text FROM (VALUES ('{1e8,2}'::float8[]), ('{3,-1e-300}'), (NULL)) v(x);
INSERT INTO sample SELECT 'pref.gram_state', fuzz.pca_partial(x, 2)::text FROM (VALUES ('{1,2,3}'::float8[]), ('{2,0,1}'), ('{0,1,1}')) v(x);
INSERT INTO sample SELECT 'pref.gram_state', fuzz.ridge_partial(x, y, 0.5)::text FROM (VALUES ('{1,2}'::float8[], 3::float8), ('{0,1}', -1), ('{2,2}', NULL)) v(x, y);
CREATE AGGREGATE fuzz.pass_partial(real[], real[], float8, float8[], float8[])
  (SFUNC = pref.reward_pass_accum, STYPE = pref.reward_state);
INSERT INTO sample SELECT 'pref.reward_state', fuzz.pass_partial(c, r, wt, '{0.5,-1}', '{0.1,0.25,1}')::text
FROM (VALUES ('{1,2}'::real[], '{0,1}'::real[], 1::float8), ('{3,1}', '{1,1}', 2.5), (NULL, '{1,1}', 1)) v(c, r, wt);
INSERT INTO sample SELECT 'pref.reward_state', fuzz.pass_partial(c, r, 1, NULL, '{0,0,0}')::text
FROM (VALUES ('{1,2,3}'::real[], '{0,1,0}'::real[])) v(c, r);
DROP AGGREGATE fuzz.gram_partial(real[]), fuzz.moments_partial(float8[]), fuzz.pca_partial(float8[], int),
  fuzz.ridge_partial(float8[], float8, float8), fuzz.pass_partial(real[], real[], float8, float8[], float8[]);
-- pref.reward_report: the aggregate returns its state
INSERT INTO sample SELECT 'pref.reward_report', pref.reward_report(c, x, y, w)::text
FROM (VALUES ('chat', 1.5::float8, 0.25::float8, 1::float8), ('code', -1, 2, 0.5), ('chat', 3, 3, 2), ('é"x', 0, -1e300, 1e-3)) v(c, x, y, w);
INSERT INTO sample SELECT 'pref.reward_report', pref.reward_report(c, x, y)::text FROM (VALUES ('', 1::float8, 0::float8)) v(c, x, y);
-- pref.kmeans_state: partial states of l2 and cosine passes (one with a skipped NULL row)
CREATE AGGREGATE fuzz.kmeans_p(float8[], float8[], text) (SFUNC = pref.kmeans_pass_accum, STYPE = pref.kmeans_state);
INSERT INTO sample SELECT 'pref.kmeans_state', fuzz.kmeans_p(x, '{{0,0},{3,1}}', 'l2')::text
FROM (VALUES ('{1,2}'::float8[]), ('{-4,0.5}'), (NULL), ('{3,3}')) v(x);
INSERT INTO sample SELECT 'pref.kmeans_state', fuzz.kmeans_p(x, '{{1,0,0},{0,1,1}}', 'cosine')::text
FROM (VALUES ('{1,2,0.5}'::float8[]), ('{0,0,1}')) v(x);
DROP AGGREGATE fuzz.kmeans_p(float8[], float8[], text);
-- every base type in pref has samples (a new type cannot escape the fuzz)
SELECT t.oid::regtype AS type_without_samples
FROM pg_type t
WHERE t.typnamespace = 'pref'::regnamespace AND t.typtype = 'b' AND t.typcategory <> 'A'
  AND NOT EXISTS (SELECT FROM sample s WHERE s.typ::regtype = t.oid);
-- the samples are valid: they read and print back unchanged
CREATE FUNCTION reads_back(t regtype, s text) RETURNS boolean LANGUAGE plpgsql AS $$
DECLARE o text;
BEGIN
  EXECUTE format('SELECT %L::%s::text', s, t) INTO o;
  EXECUTE format('SELECT %L::%s::text', o, t) INTO s;
  RETURN o = s;
END $$;
SELECT typ, count(*) AS samples, bool_and(reads_back(typ::regtype, val)) AS valid FROM sample GROUP BY typ ORDER BY typ;

\set ECHO none
-- ---- the fuzzer (not echoed) ----------------------------------------------
-- random integer in [0, n)
CREATE FUNCTION rnd(n int) RETURNS int LANGUAGE sql AS $$ SELECT floor(random() * greatest(n, 1))::int $$;

-- one element of a text array, at random
CREATE FUNCTION pick(a text[]) RETURNS text LANGUAGE sql AS $$ SELECT a[1 + rnd(cardinality(a))] $$;

-- tokens that stress number parsing
CREATE FUNCTION numtok() RETURNS text LANGUAGE sql AS $$
SELECT pick(ARRAY['9223372036854775807', '9223372036854775808', '-9223372036854775808', '-9223372036854775809',
  '2147483647', '2147483648', '-2147483649', '4294967296', '18446744073709551616', '99999999999999999999999999999',
  '1e308', '1e309', '-1e309', '1e-320', '4.9e-324', '1.7976931348623157e308', '0', '-0', '-1', '0.0', '00000000001',
  '1e', 'e5', '.', '-', '', '0x10', '1_000', '+1', '1.5', '3', '1e1000000000', '-2', '65536'])
$$;

-- NaN and infinities in their many spellings
CREATE FUNCTION nantok() RETURNS text LANGUAGE sql AS $$
SELECT pick(ARRAY['NaN', 'nan', 'Infinity', '-Infinity', 'inf', '-inf', 'INF', '+Infinity', '"NaN"', '"Infinity"', '"-Infinity"', '1e999', '-1e999'])
$$;

-- one character or short token, structural or hostile
CREATE FUNCTION chartok() RETURNS text LANGUAGE sql AS $$
SELECT CASE rnd(3)
  WHEN 0 THEN chr(1 + rnd(126))
  WHEN 1 THEN pick(ARRAY['{', '}', '[', ']', '"', ',', ':', '>', '<', '=', '*', '-', '.', ' ', E'\\', E'\\u0000', E'\\ud800',
                         'null', 'true', 'false', '""', '[]', '{}', 'é', '€', E'\t', E'\n', 'version', 'items', 'cells', 'theta'])
  ELSE chr(160 + rnd(4000)) END
$$;

-- a random number token of s (position, length), NULL when s has none
CREATE FUNCTION numspan(s text, OUT pos int, OUT len int) LANGUAGE plpgsql AS $$
DECLARE
  pat constant text := '-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?';
  n int := regexp_count(s, pat);
  k int;
BEGIN
  IF n = 0 THEN RETURN; END IF;
  k := 1 + rnd(n);
  pos := regexp_instr(s, pat, 1, k);
  len := length(regexp_substr(s, pat, 1, k));
END $$;

-- one to three mutations of a text form; pool holds other samples to splice in
CREATE FUNCTION mutate_text(s text, pool text[]) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
  i int; p int; q int; o text; sp record;
BEGIN
  FOR i IN 1 .. 1 + rnd(3) LOOP
    p := rnd(length(s) + 1);
    CASE rnd(10)
      WHEN 0 THEN s := overlay(s PLACING chartok() FROM p + 1 FOR 1);       -- replace a character
      WHEN 1 THEN s := left(s, p);                                          -- truncate
      WHEN 2 THEN                                                           -- duplicate a piece
        q := rnd(length(s) + 1);
        s := left(s, q) || substr(s, p + 1, 1 + rnd(64)) || substr(s, q + 1);
      WHEN 3, 4 THEN                                                        -- a number becomes huge or odd
        sp := numspan(s);
        IF sp.pos IS NULL THEN s := overlay(s PLACING numtok() FROM p + 1 FOR 0);
        ELSE s := overlay(s PLACING numtok() FROM sp.pos FOR sp.len); END IF;
      WHEN 5 THEN                                                           -- NaN / Infinity
        sp := numspan(s);
        IF sp.pos IS NULL OR rnd(4) = 0 THEN s := overlay(s PLACING nantok() FROM p + 1 FOR 0);
        ELSE s := overlay(s PLACING nantok() FROM sp.pos FOR sp.len); END IF;
      WHEN 6 THEN                                                           -- splice another sample
        o := pick(pool);
        s := left(s, p) || substr(o, 1 + rnd(length(o) + 1));
      WHEN 7 THEN s := overlay(s PLACING '' FROM p + 1 FOR 1 + rnd(16));    -- delete a piece
      WHEN 8 THEN s := overlay(s PLACING chartok() FROM p + 1 FOR 0);       -- insert a token
      ELSE                                                                  -- change one digit
        sp := numspan(s);
        IF sp.pos IS NOT NULL THEN
          s := overlay(s PLACING rnd(10)::text FROM sp.pos + rnd(sp.len) FOR 1);
        END IF;
    END CASE;
    IF length(s) > 65536 THEN s := left(s, 65536); END IF;
  END LOOP;
  RETURN s;
END $$;

-- a byte pattern that stresses lengths, counts and floats (either byte order)
CREATE FUNCTION bytetok() RETURNS bytea LANGUAGE sql AS $$
SELECT decode(pick(ARRAY['ffffffff', '7fffffff', '80000000', '00000000', '00000001', '00010000', '0000ffff',
  'ffffffffffffffff', '7fffffffffffffff', '8000000000000000', '0000000000000000',
  '7ff8000000000000', '000000000000f87f', '7ff0000000000000', '000000000000f07f', 'fff0000000000000',
  '000000000000f0ff', '0000000000000080', '8000000000000000', '00', 'ff', '7f', '80', '01', '02', 'c0', 'e2', 'ed', 'a0',
  'c3a9', 'edb080', 'f4908080', 'fe', '22', '5c']), 'hex')
$$;

-- one to three mutations of a byte string; pool holds other samples' bytes
CREATE FUNCTION mutate_bytes(b bytea, pool bytea[]) RETURNS bytea LANGUAGE plpgsql AS $$
DECLARE
  i int; p int; q int; n int; o bytea; t bytea;
BEGIN
  FOR i IN 1 .. 1 + rnd(3) LOOP
    n := length(b);
    p := rnd(n + 1);
    CASE rnd(10)
      WHEN 0 THEN IF n > 0 THEN b := set_byte(b, rnd(n), rnd(256)); END IF;          -- random byte
      WHEN 1 THEN IF n > 0 THEN q := rnd(n);                                         -- flip a bit
                   b := set_byte(b, q, get_byte(b, q) # (1 << rnd(8))); END IF;
      WHEN 2 THEN b := substr(b, 1, p);                                              -- truncate
      WHEN 3 THEN q := rnd(n + 1);                                                   -- duplicate a piece
                  b := substr(b, 1, q) || substr(b, p + 1, 1 + rnd(64)) || substr(b, q + 1);
      WHEN 4, 5 THEN t := bytetok();                                                 -- overwrite with a pattern,
                  IF rnd(2) = 0 THEN p := p - p % 4; END IF;                         -- often 4-aligned
                  b := overlay(b PLACING t FROM p + 1 FOR length(t));
      WHEN 6 THEN o := pool[1 + rnd(cardinality(pool))];                             -- splice another sample
                  b := substr(b, 1, p) || substr(o, 1 + rnd(length(o) + 1));
      WHEN 7 THEN b := overlay(b PLACING ''::bytea FROM p + 1 FOR 1 + rnd(16));      -- delete a piece
      WHEN 8 THEN b := overlay(b PLACING bytetok() FROM p + 1 FOR 0);                -- insert a pattern
      ELSE IF n > 0 THEN b := set_byte(b, rnd(n), get_byte(bytetok(), 0)); END IF;   -- interesting byte
    END CASE;
    IF length(b) > 65536 THEN b := substr(b, 1, 65536); END IF;
  END LOOP;
  RETURN b;
END $$;

-- text path, one input: outcome 0 rejected, 1 accepted and reads back, 2
-- accepted but does not print or read back, 3 internal error
CREATE FUNCTION try_text(s text, proto anyelement, OUT outcome int, OUT detail text) LANGUAGE plpgsql AS $$
DECLARE v proto%TYPE; o1 text; o2 text;
BEGIN
  BEGIN
    v := s;
  EXCEPTION WHEN internal_error THEN outcome := 3; detail := SQLERRM; RETURN;
            WHEN others THEN outcome := 0; RETURN;
  END;
  BEGIN
    o1 := v::text;
    v := o1;
    o2 := v::text;
  EXCEPTION WHEN others THEN outcome := 2; detail := SQLERRM; RETURN;
  END;
  outcome := CASE WHEN o1 = o2 THEN 1 ELSE 2 END;
  IF outcome = 2 THEN detail := o1 || ' / ' || o2; END IF;
END $$;

-- binary path: the WHERE clause of COPY FROM; raises PF001 unless the
-- received value prints and reads back (and keeps nothing)
CREATE FUNCTION reads_back_or_raise(v anyelement) RETURNS boolean LANGUAGE plpgsql AS $$
DECLARE w v%TYPE; o1 text; o2 text;
BEGIN
  BEGIN
    o1 := v::text;
    w := o1;
    o2 := w::text;
  EXCEPTION WHEN others THEN
    RAISE EXCEPTION 'received value does not read back: %', SQLERRM USING ERRCODE = 'PF001';
  END;
  IF o1 IS DISTINCT FROM o2 THEN
    RAISE EXCEPTION 'received value does not read back: % / %', o1, o2 USING ERRCODE = 'PF001';
  END IF;
  RETURN false;
END $$;

-- results: counts per type and path, and the first failing inputs
CREATE TABLE result (typ regtype, path text, inputs int, accepted int, mismatches int, internal_errors int,
                     PRIMARY KEY (typ, path));
CREATE TABLE failure (typ regtype, path text, input text, detail text);

-- add a batch's counts (c: inputs by outcome 0..3)
CREATE FUNCTION note(t regtype, pth text, c int[]) RETURNS void LANGUAGE sql AS $$
  INSERT INTO fuzz.result VALUES (t, pth, c[1] + c[2] + c[3] + c[4], c[2], c[3], c[4])
  ON CONFLICT (typ, path) DO UPDATE SET inputs = result.inputs + excluded.inputs,
    accepted = result.accepted + excluded.accepted, mismatches = result.mismatches + excluded.mismatches,
    internal_errors = result.internal_errors + excluded.internal_errors
$$;

-- keep a failing input (the first 50)
CREATE FUNCTION keep(t regtype, pth text, input text, detail text) RETURNS void LANGUAGE sql AS $$
  INSERT INTO fuzz.failure SELECT t, pth, left(input, 20000), left(detail, 20000)
  WHERE (SELECT count(*) FROM fuzz.failure) < 50
$$;

-- fuzz the text input of proto's type with n inputs (the samples first)
CREATE FUNCTION fuzz_text(proto anyelement, n int) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  t constant regtype := pg_typeof(proto);
  samples text[] := ARRAY(SELECT val FROM fuzz.sample WHERE typ::regtype = t ORDER BY val);
  pool text[] := ARRAY(SELECT val FROM fuzz.sample ORDER BY typ, val);
  rawpool bytea[];
  b64 boolean;
  c int[] := '{0,0,0,0}';
  s text;
  r record;
BEGIN
  -- "v1:" + base64 state types: mutate the decoded bytes as well
  b64 := samples[1] LIKE 'v1:%';
  IF b64 THEN
    rawpool := ARRAY(SELECT decode(substr(v, 4), 'base64') FROM unnest(samples) v);
  END IF;
  FOR i IN 0 .. n - 1 LOOP
    s := samples[1 + i % cardinality(samples)];
    IF i >= cardinality(samples) THEN
      IF b64 AND rnd(2) = 0 THEN
        s := 'v1:' || translate(encode(mutate_bytes(decode(substr(s, 4), 'base64'), rawpool), 'base64'), E'\n', '');
      ELSE
        s := mutate_text(s, pool);
      END IF;
    END IF;
    r := try_text(s, proto);
    c[r.outcome + 1] := c[r.outcome + 1] + 1;
    IF r.outcome >= 2 THEN PERFORM keep(t, 'text', s, r.detail); END IF;
  END LOOP;
  PERFORM note(t, 'text', c);
END $$;

-- fuzz the binary input of type t with n inputs, through COPY FROM a file
CREATE FUNCTION fuzz_binary(t regtype, n int) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  raw bytea[];
  b bytea;
  c int[] := '{0,0,0,0}';
  f constant text := current_setting('data_directory') || '/pgpref_fuzz.bin';
  tbl constant text := 'fuzz_bin_' || t::oid;
BEGIN
  EXECUTE format('SELECT array_agg(%s(val::%s) ORDER BY val) FROM fuzz.sample WHERE typ::regtype = %L::regtype',
                 (SELECT typsend FROM pg_type WHERE oid = t), t, t) INTO raw;
  IF to_regclass('pg_temp.' || tbl) IS NULL THEN
    EXECUTE format('CREATE TEMP TABLE %I (v %s)', tbl, t);
  END IF;
  FOR i IN 0 .. n - 1 LOOP
    b := raw[1 + i % cardinality(raw)];
    IF i >= cardinality(raw) THEN b := mutate_bytes(b, raw); END IF;
    -- a one-field binary COPY file whose field holds exactly these bytes
    EXECUTE format('COPY (SELECT %L::bytea) TO %L (FORMAT binary)', b, f);
    BEGIN
      EXECUTE format('COPY %I FROM %L (FORMAT binary) WHERE fuzz.reads_back_or_raise(v)', tbl, f);
      c[2] := c[2] + 1;
    EXCEPTION WHEN SQLSTATE 'PF001' THEN
      c[3] := c[3] + 1;
      PERFORM keep(t, 'binary', b::text, SQLERRM);
    WHEN internal_error THEN
      c[4] := c[4] + 1;
      PERFORM keep(t, 'binary', b::text, SQLERRM);
    WHEN others THEN
      c[1] := c[1] + 1;
    END;
  END LOOP;
  PERFORM note(t, 'binary', c);
END $$;

-- every base type of pref, in chunks that commit (make fuzz runs long)
CREATE PROCEDURE fuzz_all(n int, seed float8) LANGUAGE plpgsql AS $$
DECLARE
  t regtype;
  done int;
  chunk constant int := 5000;
BEGIN
  FOR t IN SELECT oid::regtype FROM pg_type
           WHERE typnamespace = 'pref'::regnamespace AND typtype = 'b' AND typcategory <> 'A'
             AND oid IN (SELECT typ::regtype FROM sample)
           ORDER BY typname LOOP
    done := 0;
    WHILE done < n LOOP
      PERFORM setseed(seed);
      EXECUTE format('SELECT fuzz.fuzz_text(NULL::%s, $1)', t) USING least(chunk, n - done);
      PERFORM fuzz_binary(t, least(chunk, n - done));
      done := done + chunk;
      seed := (seed * 7919 + 0.5) - floor(seed * 7919 + 0.5);  -- next chunk, next seed
      COMMIT;
    END LOOP;
  END LOOP;
END $$;
\set ECHO all

-- position in the server log (when the harness' log is where we can see it)
SELECT coalesce((pg_stat_file(current_setting('unix_socket_directories') || '/server.log', true)).size, 0) AS log_start \gset
-- run: inputs per type and path from pgpref_test.fuzz_n (default 3000)
SELECT coalesce(nullif(current_setting('pgpref_test.fuzz_n', true), ''), '3000')::int AS fuzz_n,
       coalesce(nullif(current_setting('pgpref_test.fuzz_seed', true), ''), '0.4242')::float8 AS fuzz_seed \gset
\set QUIET on
CALL fuzz_all(:fuzz_n, :fuzz_seed);
\set QUIET off
-- every type and path: all inputs tried, the samples accepted, every accepted
-- value reads back, no internal errors
SELECT r.typ, r.path, r.inputs = :fuzz_n AS all_tried, r.accepted >= (SELECT count(*) FROM sample s WHERE s.typ::regtype = r.typ) AS samples_accepted,
       r.accepted < r.inputs AS some_rejected, r.mismatches AS not_reading_back, r.internal_errors
FROM result r ORDER BY r.typ::text, r.path;
SELECT count(DISTINCT typ) = (SELECT count(*) FROM pg_type WHERE typnamespace = 'pref'::regnamespace AND typtype = 'b' AND typcategory <> 'A') AS every_type_fuzzed
FROM result;
-- the first failures, if any
SELECT typ, path, left(input, 120) AS input, left(detail, 240) AS detail FROM failure ORDER BY typ::text, path LIMIT 10;
-- counts and every kept failure, for a look after the run
\o results/fuzz_report.txt
SELECT * FROM result ORDER BY typ::text, path;
SELECT * FROM failure;
\o
-- the backend survived, and no backend died by a signal meanwhile
SELECT 1 AS alive;
SELECT coalesce(position('terminated by signal' IN
         pg_read_file(current_setting('unix_socket_directories') || '/server.log', :log_start, 100000000, true)), 0) = 0 AS no_crash_in_log;
RESET search_path;
DROP SCHEMA fuzz CASCADE;
