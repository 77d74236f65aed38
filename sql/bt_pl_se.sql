-- Plackett-Luce standard errors: inverse observed information on the sum-to-zero subspace
-- against a numpy/scipy finite-difference Hessian (test/ref/pl_se_ref.py), relative tolerance 1e-6
CREATE SCHEMA bt_pl_se;
SET search_path = bt_pl_se, public, pref;
\set QUIET on
\i test/ref/pl_fixture.sql
\i test/ref/pl_se_fixture.sql
\set QUIET off
CREATE TABLE pl_se_fits AS SELECT 0.0::float8 AS prior, pref.plackett_luce(r) AS m FROM pl_rows
UNION ALL SELECT 0.5, pref.plackett_luce(r, 0.5) FROM pl_rows;
SELECT f.prior, count(*) AS items,
       max(abs((f.m->'std_error'->>e.item)::float8 / e.se - 1)) < 1e-6 AS se_ok
FROM pl_se_fits f JOIN pl_se_ref e USING (prior) GROUP BY f.prior ORDER BY f.prior;
SELECT key AS item, round(value::numeric, 6) AS std_error FROM pl_se_fits, jsonb_each_text(m->'std_error')
WHERE prior = 0 ORDER BY key;
-- the prior shrinks the standard errors
SELECT bool_and((a.m->'std_error'->>k)::float8 < (b.m->'std_error'->>k)::float8) AS prior_shrinks
FROM pl_se_fits a, pl_se_fits b, jsonb_object_keys(a.m->'std_error') k WHERE a.prior = 0.5 AND b.prior = 0;
-- closed form: two items, n1 wins and n2 losses: theta = +-log(n1/n2)/2, var(theta1 - theta2) = 1/n1 + 1/n2,
-- so each centred theta has se = sqrt(1/n1 + 1/n2) / 2
SELECT round(((m->'std_error'->>'1')::float8 - sqrt(1.0 / 30 + 1.0 / 10) / 2)::numeric, 12) AS se_diff,
       round(((m->'theta'->>'1')::float8 - ln(3.0) / 2)::numeric, 9) AS theta_diff
FROM (SELECT pref.plackett_luce(r::pref.ranking) AS m
      FROM (SELECT '1>2' AS r FROM generate_series(1, 30) UNION ALL SELECT '2>1' FROM generate_series(1, 10)) s) x;
-- too large for pgpref.max_memory: NOTICE and std_error null
SET pgpref.max_memory = 1024;
SELECT jsonb_typeof(m->'std_error') AS std_error_type
FROM (SELECT pref.plackett_luce(pref.ranking(ARRAY[g, g + 1]::bigint[]), 1) AS m FROM generate_series(1, 400) g) x;
RESET pgpref.max_memory;
SET client_min_messages = warning;
DROP SCHEMA bt_pl_se CASCADE;
RESET client_min_messages;
