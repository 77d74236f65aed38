-- pref operators are found through search_path, as a user would set it
SET search_path = public, pref;
-- binary COPY round trip for every type
CREATE TABLE copy_src (id int, p pref.pair, r pref.ranking);
INSERT INTO copy_src VALUES
  (1, '17>42', '3>1=4>2'),
  (2, '17<42*0.125', '9'),
  (3, '-9223372036854775808=9223372036854775807*1e300', '1=2=3=4'),
  (4, NULL, NULL);
\copy copy_src TO 'results/copy_binary.bin' (FORMAT binary)
CREATE TABLE copy_dst (LIKE copy_src);
\copy copy_dst FROM 'results/copy_binary.bin' (FORMAT binary)
SELECT s.id, s.p = d.p AS pair_equal, s.r = d.r AS ranking_equal, d.p, d.r
FROM copy_src s JOIN copy_dst d USING (id) ORDER BY s.id;

-- recv rejects truncated or malformed binary input: build one-field binary
-- COPY files byte by byte and load them
CREATE FUNCTION pg_temp.recv_test(typ text, field_hex text) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
  lo oid;
  res text;
BEGIN
  lo := lo_from_bytea(0, decode('5047434f50590aff0d0a00' || '00000000' || '00000000' || '0001'
        || lpad(to_hex(length(field_hex) / 2), 8, '0') || field_hex || 'ffff', 'hex'));
  PERFORM lo_export(lo, 'pgpref_recv_test.bin');
  PERFORM lo_unlink(lo);
  EXECUTE format('CREATE TEMP TABLE recv_t (v %s)', typ);
  BEGIN
    EXECUTE 'COPY recv_t FROM ''pgpref_recv_test.bin'' (FORMAT binary)';
    SELECT v::text INTO res FROM recv_t;
  EXCEPTION WHEN others THEN
    res := 'ERROR ' || SQLSTATE || ': ' || SQLERRM;
  END;
  DROP TABLE recv_t;
  RETURN res;
END $$;
-- pair: version 1, first 17, second 42, outcome, weight
SELECT pg_temp.recv_test('pref.pair', '01' || '0000000000000011' || '000000000000002a' || '00' || '3ff0000000000000') AS valid;
SELECT pg_temp.recv_test('pref.pair', '01' || '0000000000000011' || '000000000000002a' || '01' || '3fe0000000000000') AS valid_weighted;
SELECT pg_temp.recv_test('pref.pair', '0100000000') AS truncated;
SELECT pg_temp.recv_test('pref.pair', '01' || '0000000000000011' || '000000000000002a' || '00' || '3ff0000000000000' || '00') AS too_long;
SELECT pg_temp.recv_test('pref.pair', '02' || '0000000000000011' || '000000000000002a' || '00' || '3ff0000000000000') AS bad_version;
SELECT pg_temp.recv_test('pref.pair', '01' || '0000000000000011' || '000000000000002a' || '03' || '3ff0000000000000') AS bad_outcome;
SELECT pg_temp.recv_test('pref.pair', '01' || '0000000000000011' || '0000000000000011' || '00' || '3ff0000000000000') AS self_comparison;
SELECT pg_temp.recv_test('pref.pair', '01' || '0000000000000011' || '000000000000002a' || '00' || '0000000000000000') AS zero_weight;
SELECT pg_temp.recv_test('pref.pair', '01' || '0000000000000011' || '000000000000002a' || '00' || '7ff8000000000000') AS nan_weight;
SELECT pg_temp.recv_test('pref.pair', '01' || '0000000000000011' || '000000000000002a' || '00' || 'fff0000000000000') AS neg_inf_weight;
-- ranking: version 1, count, then (item int64, group int32)
SELECT pg_temp.recv_test('pref.ranking', '01' || '00000002' || '0000000000000003' || '00000000' || '0000000000000001' || '00000001') AS valid;
SELECT pg_temp.recv_test('pref.ranking', '0100') AS truncated_header;
SELECT pg_temp.recv_test('pref.ranking', '03' || '00000001' || '0000000000000003' || '00000000') AS bad_version;
SELECT pg_temp.recv_test('pref.ranking', '01' || '00000000') AS zero_items;
SELECT pg_temp.recv_test('pref.ranking', '01' || 'ffffffff') AS negative_count;
SELECT pg_temp.recv_test('pref.ranking', '01' || '00000002' || '0000000000000003' || '00000000') AS truncated_items;
SELECT pg_temp.recv_test('pref.ranking', '01' || '00000001' || '0000000000000003' || '00000001') AS group_not_zero;
SELECT pg_temp.recv_test('pref.ranking', '01' || '00000002' || '0000000000000003' || '00000000' || '0000000000000001' || '00000002') AS group_jump;
SELECT pg_temp.recv_test('pref.ranking', '01' || '00000002' || '0000000000000003' || '00000000' || '0000000000000003' || '00000001') AS repeated_item;
DROP TABLE copy_src, copy_dst;
