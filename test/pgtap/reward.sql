-- pgTAP: BLAS aggregates and reward models against closed forms
BEGIN;
SELECT plan(18);
SELECT is(pref.gram(x), '{{35,44},{44,56}}'::float8[], 'gram of rows (1,2),(3,4),(5,6) is X^T X')
FROM (VALUES (ARRAY[1, 2]::real[]), (ARRAY[3, 4]), (ARRAY[5, 6])) v(x);
SELECT ok(abs((pref.moments(x)).covariance[1][2] - 4) < 1e-12, 'moments: covariance of (1,2),(3,4),(5,6) is 4')
FROM (VALUES (ARRAY[1, 2]::float8[]), (ARRAY[3, 4]), (ARRAY[5, 6])) v(x);
-- far from the origin: the shifted accumulation keeps the variance exact
SELECT ok(abs((pref.moments(x)).covariance[1][1] - 1) < 1e-6, 'moments: variance 1 at offset 1e8')
FROM (VALUES (ARRAY[1e8 - 1]::float8[]), (ARRAY[1e8]), (ARRAY[1e8 + 1])) v(x);
SELECT ok(abs((pref.ridge_fit(x, y, 0)).weights[1] - 2) < 1e-12 AND abs((pref.ridge_fit(x, y, 0)).bias - 1) < 1e-12,
          'ridge_fit recovers y = 2x + 1')
FROM (VALUES (ARRAY[0]::float8[], 1::float8), (ARRAY[1], 3), (ARRAY[2], 5)) v(x, y);
-- ridge with lambda on centred data: w = Sxy / (Sxx + lambda) = 4 / (2 + 2) = 1
SELECT ok(abs((pref.ridge_fit(x, y, 2)).weights[1] - 1) < 1e-12, 'ridge_fit shrinks: w = Sxy / (Sxx + lambda)')
FROM (VALUES (ARRAY[0]::float8[], 1::float8), (ARRAY[1], 3), (ARRAY[2], 5)) v(x, y);
-- Bradley-Terry closed form: 3 wins and 1 loss along x1, 1 win and 4 losses along x2: w = (log 3, log 1/4)
CREATE TEMP TABLE cf (chosen real[], rejected real[]);
INSERT INTO cf SELECT ARRAY[1, 0]::real[], ARRAY[0, 0]::real[] FROM generate_series(1, 3);
INSERT INTO cf VALUES (ARRAY[0, 0], ARRAY[1, 0]), (ARRAY[0, 1], ARRAY[0, 0]);
INSERT INTO cf SELECT ARRAY[0, 0]::real[], ARRAY[0, 1]::real[] FROM generate_series(1, 4);
SELECT ok(abs((m).weights[1] - ln(3)) < 1e-10 AND abs((m).weights[2] - ln(0.25)) < 1e-10 AND (m).converged,
          'reward_fit (Newton) reaches the closed-form optimum (log 3, log 1/4)')
FROM (SELECT pref.reward_fit('SELECT chosen, rejected FROM cf', lambda => 0, tol => 1e-13) AS m) s;
SELECT ok(abs((m).weights[1] - ln(3)) < 1e-7 AND abs((m).weights[2] - ln(0.25)) < 1e-7,
          'reward_fit (L-BFGS) reaches the closed-form optimum')
FROM (SELECT pref.reward_fit('SELECT chosen, rejected FROM cf', lambda => 0, tol => 1e-11, max_iter => 200, method => 'lbfgs') AS m) s;
-- weights: the same data as 1 row of weight 3 etc.
SELECT ok(abs((m).weights[1] - ln(3)) < 1e-10, 'pair weights act as repetitions')
FROM (SELECT pref.reward_fit('SELECT ARRAY[1]::real[], ARRAY[0]::real[], 3 UNION ALL SELECT ARRAY[0]::real[], ARRAY[1]::real[], 1', lambda => 0, tol => 1e-13) AS m) s;
SELECT ok(abs((pref.reward_eval(m)).log_loss - ln(2)) < 1e-15, 'log loss of margin 0 is log 2')
FROM (VALUES (0::float8)) v(m);
SELECT throws_ok($$SELECT pref.gram(x) FROM (VALUES (ARRAY[1, 2]::real[]), (ARRAY[1]::real[])) v(x)$$, '22000',
                 'pref.gram: row has dimension 1, expected 2', 'ragged rows');
SELECT throws_ok($$SELECT pref.reward_fit('SELECT chosen, rejected FROM cf', method => 'x')$$, '22023',
                 'invalid value for argument method: "x"', 'unknown method');
SELECT throws_ok($$SELECT pref.ridge_fit(x, 1, 0) FROM (VALUES (ARRAY[1, 1]::float8[]), (ARRAY[2, 2])) v(x)$$, '22000',
                 'pref.ridge_fit: the system is singular', 'singular ridge without lambda');
-- the state types: text round trips, partial states folded by the combine function, hostile text
CREATE AGGREGATE pg_temp.gram_part(real[]) (SFUNC = pref.gram_accum, STYPE = pref.gram_state);
CREATE AGGREGATE pg_temp.gram_fold(pref.gram_state) (SFUNC = pref.gram_combine, STYPE = pref.gram_state);
CREATE AGGREGATE pg_temp.pass_part(real[], real[], float8, float8[], float8[])
  (SFUNC = pref.reward_pass_accum, STYPE = pref.reward_state);
CREATE AGGREGATE pg_temp.pass_fold(pref.reward_state) (SFUNC = pref.reward_pass_combine, STYPE = pref.reward_state);
SELECT is(pref.gram_final(pg_temp.gram_fold(s::text::pref.gram_state)), '{{35,44},{44,56}}'::float8[],
          'gram states of (1,2) and (3,4),(5,6) through text, combined: X^T X')
FROM (SELECT pg_temp.gram_part(x) FROM (VALUES (ARRAY[1, 2]::real[])) v(x)
      UNION ALL SELECT pg_temp.gram_part(x) FROM (VALUES (ARRAY[3, 4]::real[]), (ARRAY[5, 6])) v(x)) q(s);
SELECT is(s::text::pref.gram_state::text, s::text, 'pref.gram_state text output reads back to the same text')
FROM (SELECT pg_temp.gram_part(x) FROM (VALUES (ARRAY[1, 2]::real[]), (ARRAY[3, 4])) v(x)) q(s);
SELECT ok(abs((pref.reward_pass_final(pg_temp.pass_fold(s::text::pref.reward_state)))[7] - 2 * (0.5 - 1)) < 1e-15,
          'reward pass states through text, combined: gradient sum (sigmoid(0) - 1) z over two pairs')
FROM (SELECT pg_temp.pass_part(c, r, 1, NULL, '{0,0,1}') FROM (VALUES (ARRAY[1]::real[], ARRAY[0]::real[])) v(c, r)
      UNION ALL SELECT pg_temp.pass_part(c, r, 1, NULL, '{0,0,1}') FROM (VALUES (ARRAY[2]::real[], ARRAY[1]::real[])) v(c, r)) q(s);
SELECT throws_ok($$SELECT 'v1:AAAA'::pref.gram_state$$, '22P03', 'invalid pref.gram_state value', 'truncated gram_state text');
SELECT throws_ok($$SELECT 'abc'::pref.reward_state$$, '22P02', 'invalid input syntax for type pref.reward_state', 'reward_state text without the v1: prefix');
SELECT throws_ok($$SELECT pg_temp.gram_fold(s) FROM (SELECT pg_temp.gram_part(ARRAY[1, 2]::real[]) UNION ALL SELECT pg_temp.gram_part(ARRAY[1]::real[])) q(s)$$,
                 '22000', 'pref.gram: cannot combine states of dimensions 2 and 1', 'combine checks dimensions');
SELECT * FROM finish();
ROLLBACK;
