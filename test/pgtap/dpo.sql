-- pgTAP: the DPO family against the independent numpy/scipy reference
-- (fixtures from test/ref/dpo_ref.py, committed).  Tolerances:
--   per-row losses       |got - ref| <= 1e-12 * |ref|        (measured worst 1.5e-15)
--   margin derivative    |got - fd|  <= 1e-8 * max(1, |fd|)  (Richardson central differences;
--                                                            measured worst 1e-9)
--   aggregates           relative 1e-12 against numpy's TRL-style batch metrics
BEGIN;
SELECT plan(96);

CREATE TEMP TABLE fx (id int, loss text, divergence text, beta float8, label_smoothing float8, alpha float8,
  epsilon float8, tau float8, reward_mean float8, pc float8, pr float8, rc float8, rr float8,
  len_c float8, len_r float8, expected float8, scale float8, fd_grad float8);
\copy fx FROM 'test/ref/dpo_fixtures.csv' CSV HEADER
CREATE TEMP TABLE got AS
SELECT fx.*,
  pref.dpo_loss(pc, pr, rc, rr, beta, loss, label_smoothing, divergence, alpha, epsilon, tau, reward_mean, len_c, len_r) AS l,
  pref.dpo_grad_weight(pc, pr, rc, rr, beta, loss, label_smoothing, divergence, alpha, epsilon, tau, reward_mean, len_c, len_r) AS g
FROM fx;

-- 31 loss specs (13 kinds, 3 mixtures, 5 kinds x 3 f-divergences), 36 rows each
SELECT is(count(*), 1116::bigint, 'all 1116 reference rows loaded') FROM got;
SELECT is(bad, 0::bigint, format('loss %s / %s: %s rows within 1e-12 relative of the reference', loss, divergence, n))
FROM (SELECT loss, divergence, count(*) AS n,
             count(*) FILTER (WHERE NOT (abs(l - expected) <= 1e-12 * abs(expected))) AS bad
      FROM got GROUP BY 1, 2 ORDER BY 1, 2) s;
SELECT is(count(*) FILTER (WHERE NOT (abs(g - fd_grad) <= 1e-8 * greatest(1, abs(fd_grad)))), 0::bigint,
          format('dpo_grad_weight matches finite differences on %s rows (all kinds)', count(*)))
FROM got WHERE fd_grad IS NOT NULL;
SELECT ok(count(*) >= 600, 'at least 600 rows have a finite-difference reference') FROM got WHERE fd_grad IS NOT NULL;

-- extremes: margins up to +-1e6, every kind, finite loss and gradient, no NaN
CREATE TEMP TABLE ext AS
SELECT k, pc, pr, rc, rr,
  pref.dpo_loss(pc, pr, rc, rr, 0.1, k, chosen_length => 10, rejected_length => 20) AS l,
  pref.dpo_grad_weight(pc, pr, rc, rr, 0.1, k, chosen_length => 10, rejected_length => 20) AS g
FROM unnest(ARRAY['sigmoid','robust','hinge','ipo','exo_pair','nca_pair','sppo_hard','bco_pair','apo_zero',
                  'apo_down','discopop','sigmoid_norm','sft']) k,
     unnest(ARRAY[0, -1e-300, -1, -1e6]::float8[]) pc, unnest(ARRAY[0, -1e6]::float8[]) pr,
     unnest(ARRAY[0, -1e6]::float8[]) rc, unnest(ARRAY[0, -1e6]::float8[]) rr;
SELECT is(count(*) FILTER (WHERE l = 'NaN' OR g = 'NaN' OR l IN ('Infinity', '-Infinity') OR g IN ('Infinity', '-Infinity')),
          0::bigint, format('%s extreme rows (margins to +-2e6): finite losses and gradients', count(*))) FROM ext;
SELECT is(pref.dpo_loss(-1e6, 0, 0, 0), 1e5::float8, 'sigmoid at margin -1e6, beta 0.1: exactly 1e5 (softplus(1e5))');
SELECT is(pref.dpo_loss(0, -1e6, 0, 0), 0::float8, 'sigmoid at margin +1e6: 0 (exp(-1e5) underflows)');
SELECT ok(abs(pref.dpo_loss(0, -7000, 0, 0) - exp(-700::float8)) <= 1e-15 * exp(-700::float8), 'sigmoid at z = 700: loss = exp(-700) to 1e-15 relative');
SELECT is(pref.dpo_grad_weight(-1e6, 0, 0, 0), -0.1::float8, 'gradient at margin -1e6 saturates at -beta');
SELECT is(pref.dpo_loss(-1e6, 0, 0, 0, loss => 'discopop'), 1e5::float8, 'discopop at margin -1e6 (tau 0.05): exp term vanishes in the log domain, loss 1e5');
SELECT is(pref.dpo_loss(0, -1e6, 0, 0, loss => 'exo_pair'), -ln(1 - 0.001::float8), 'exo_pair at margin +1e6: -log(1 - eps)');
SELECT ok(pref.dpo_loss(-1e6, 0, 0, 0, divergence => 'alpha_divergence', alpha => 0.5) > 0,
          'alpha divergence with log-ratio -1e6: finite (exp capped as TRL does, score saturates)');

-- closed forms and identities
SELECT is(pref.dpo_loss(-5, -5, -5, -5), ln(2::float8), 'zero margin: log 2');
SELECT ok(abs(pref.dpo_loss(-10, -12, -11, -11.5, 0.1, 'robust', 0) - pref.dpo_loss(-10, -12, -11, -11.5)) = 0,
          'robust with label_smoothing 0 = sigmoid');
SELECT ok(abs(pref.dpo_loss(-10, -12, -11, -11.5, divergence => 'forward_kl')
            - pref.dpo_loss(-10, -12, -11, -11.5, divergence => 'alpha_divergence', alpha => 1)) = 0,
          'forward KL = alpha divergence with alpha 1');
SELECT is(pref.dpo_loss(-10, -12, -11, -11.5, loss => '0.8*sigmoid + 0.2*bco_pair'),
          0.8 * pref.dpo_loss(-10, -12, -11, -11.5) + 0.2 * pref.dpo_loss(-10, -12, -11, -11.5, loss => 'bco_pair'),
          'a mixture is the weighted sum of its kinds');
SELECT ok(abs(pref.dpo_grad_weight(-10, -12, -11, -11.5) + 0.1 * (1 - 1 / (1 + exp(-0.1 * 1.5)))) < 1e-16,
          'sigmoid gradient = -beta * sigmoid(-z)');

-- listwise: Plackett-Luce against the suffix log-sum-exp reference
CREATE TEMP TABLE lw (id int, policy float8[], ref float8[], beta float8, expected float8, scale float8);
\copy lw FROM 'test/ref/dpo_listwise.csv' CSV HEADER
SELECT is(count(*) FILTER (WHERE NOT (abs(pref.listwise_dpo_loss(policy, ref, beta) - expected) <= 1e-12 * scale)), 0::bigint,
          format('listwise_dpo_loss on %s lists (2..8 responses, log-probs to -1e6) within 1e-12 x scale', count(*))) FROM lw;
SELECT is(count(*) FILTER (WHERE pref.listwise_dpo_loss(ARRAY[pc, pr], ARRAY[rc, rr], beta)
                                 <> pref.dpo_loss(pc, pr, rc, rr, beta)), 0::bigint,
          'a list of two equals pairwise sigmoid DPO bit for bit (reverse_kl fixtures)')
FROM fx WHERE loss = 'sigmoid' AND divergence = 'reverse_kl';

-- simpo / cpo / orpo
CREATE TEMP TABLE ex (id int, fn text, pc float8, pr float8, len_c float8, len_r float8, beta float8, gamma float8,
  label_smoothing float8, nll float8, alpha float8, expected float8, scale float8);
\copy ex FROM 'test/ref/dpo_extra.csv' CSV HEADER
SELECT is(count(*) FILTER (WHERE NOT (abs(v - expected) <= 1e-12 * scale)), 0::bigint,
          format('%s on %s rows within 1e-12 x scale of the reference', fn, count(*)))
FROM (SELECT fn, expected, scale, CASE fn
        WHEN 'simpo' THEN pref.simpo_loss(pc, pr, len_c, len_r, beta, gamma, label_smoothing)
        WHEN 'cpo' THEN pref.cpo_loss(pc, pr, beta, nll, alpha, label_smoothing)
        ELSE pref.orpo_loss(pc, pr, beta, nll) END AS v FROM ex) s
GROUP BY fn ORDER BY fn;
SELECT ok(abs(pref.dpo_loss(-30, -50, -1, -1, loss => 'sigmoid_norm', chosen_length => 10, rejected_length => 25)
              - ln(1 + exp(-0.1::float8 * (-29.0::float8 / 10 - (-49.0::float8 / 25))))) <= 1e-15,
          'sigmoid_norm (LN-DPO): closed form log(1 + exp(-beta (rw/|yw| - rl/|yl|)))');

-- aggregates against numpy's TRL-style metrics of one batch (64 rows + 3 with NULLs)
CREATE TEMP TABLE b (id int, grp int, pc float8, pr float8, rc float8, rr float8, w float8,
  kl_pc float8, kl_rc float8, desirable boolean, prob float8);
\copy b FROM 'test/ref/dpo_batch.csv' CSV HEADER
CREATE TEMP TABLE bx (name text, n bigint, skipped bigint, v1 float8, v2 float8, v3 float8, v4 float8,
  v5 float8, v6 float8, v7 float8, v8 float8);
\copy bx FROM 'test/ref/dpo_batch_expected.csv' CSV HEADER
CREATE FUNCTION pg_temp.close(a float8, b float8) RETURNS boolean LANGUAGE sql IMMUTABLE
  AS $$ SELECT abs(a - b) <= 1e-12 * greatest(abs(b), 1e-300) OR a = b $$;
CREATE TEMP TABLE m AS
SELECT 'sigmoid' AS name, (pref.dpo_metrics(pc, pr, rc, rr)).* FROM b
UNION ALL SELECT 'ipo_b0.5', (pref.dpo_metrics(pc, pr, rc, rr, 0.5, 'ipo')).* FROM b
UNION ALL SELECT 'mix', (pref.dpo_metrics(pc, pr, rc, rr, 0.1, '0.8*sigmoid + 0.2*bco_pair')).* FROM b
UNION ALL SELECT 'weighted', (pref.dpo_metrics(pc, pr, rc, rr, 0.1, 'sigmoid', w)).* FROM b
UNION ALL SELECT 'robust_js', (pref.dpo_metrics(pc, pr, rc, rr, 0.1, 'robust', 1, 'label_smoothing=0.1, divergence=js_divergence')).* FROM b
UNION ALL SELECT 'aot', (pref.dpo_metrics(pc, pr, rc, rr, 0.1, 'aot')).* FROM b
UNION ALL SELECT 'aot_unpaired', (pref.dpo_metrics(pc, pr, rc, rr, 0.1, 'aot_unpaired', 1, 'label_smoothing=0.2')).* FROM b;
SELECT ok(m.n = x.n AND m.skipped = x.skipped AND pg_temp.close(m.loss, x.v1) AND pg_temp.close(m.rewards_chosen, x.v2)
          AND pg_temp.close(m.rewards_rejected, x.v3) AND pg_temp.close(m.rewards_accuracy, x.v4)
          AND pg_temp.close(m.rewards_margin, x.v5) AND pg_temp.close(m.logps_chosen, x.v6)
          AND pg_temp.close(m.logps_rejected, x.v7) AND pg_temp.close(m.margin_std, x.v8),
          format('dpo_metrics %s: n, skipped and all 8 metrics match the reference to 1e-12', m.name))
FROM m JOIN bx x USING (name) ORDER BY m.name;
SELECT is(count(*), 7::bigint, 'seven dpo_metrics configurations compared') FROM m JOIN bx USING (name);

-- split and combine as Citus does: one partial pref.dpo_state per slice id % 3, each
-- through text, folded with the combine function, against the same reference
CREATE AGGREGATE pg_temp.dpo_p(float8, float8, float8, float8, float8, text, float8, text)
  (SFUNC = pref.dpo_metrics_accum, STYPE = pref.dpo_state);
CREATE AGGREGATE pg_temp.dpo_fold(pref.dpo_state)
  (SFUNC = pref.dpo_metrics_combine, STYPE = pref.dpo_state, FINALFUNC = pref.dpo_metrics_final);
CREATE AGGREGATE pg_temp.kto_p(float8, float8, boolean, float8, float8, float8, float8, float8)
  (SFUNC = pref.kto_metrics_accum, STYPE = pref.dpo_state);
CREATE AGGREGATE pg_temp.kto_fold(pref.dpo_state)
  (SFUNC = pref.kto_metrics_combine, STYPE = pref.dpo_state, FINALFUNC = pref.kto_metrics_final);
CREATE AGGREGATE pg_temp.racc_p(float8, float8, float8, float8, float8, float8)
  (SFUNC = pref.ranking_accuracy_accum, STYPE = pref.dpo_state);
CREATE AGGREGATE pg_temp.racc_fold(pref.dpo_state)
  (SFUNC = pref.ranking_accuracy_combine, STYPE = pref.dpo_state, FINALFUNC = pref.ranking_accuracy_final);
CREATE TEMP TABLE cfg (name text, beta float8, loss text, weighted boolean, options text);
INSERT INTO cfg VALUES ('sigmoid', 0.1, 'sigmoid', false, NULL), ('ipo_b0.5', 0.5, 'ipo', false, NULL),
  ('mix', 0.1, '0.8*sigmoid + 0.2*bco_pair', false, NULL), ('weighted', 0.1, 'sigmoid', true, NULL),
  ('robust_js', 0.1, 'robust', false, 'label_smoothing=0.1, divergence=js_divergence'),
  ('aot', 0.1, 'aot', false, NULL), ('aot_unpaired', 0.1, 'aot_unpaired', false, 'label_smoothing=0.2');
CREATE TEMP TABLE ms AS
SELECT name, (pg_temp.dpo_fold(s::pref.dpo_state)).* FROM (
  SELECT c.name, pg_temp.dpo_p(pc, pr, rc, rr, c.beta, c.loss, CASE WHEN c.weighted THEN w ELSE 1 END, c.options)::text AS s
  FROM b, cfg c GROUP BY c.name, b.id % 3) p GROUP BY name;
SELECT ok(m.n = x.n AND m.skipped = x.skipped AND pg_temp.close(m.loss, x.v1) AND pg_temp.close(m.rewards_chosen, x.v2)
          AND pg_temp.close(m.rewards_rejected, x.v3) AND pg_temp.close(m.rewards_accuracy, x.v4)
          AND pg_temp.close(m.rewards_margin, x.v5) AND pg_temp.close(m.logps_chosen, x.v6)
          AND pg_temp.close(m.logps_rejected, x.v7) AND pg_temp.close(m.margin_std, x.v8),
          format('dpo_metrics %s from 3 partial states through text matches the reference to 1e-12', m.name))
FROM ms m JOIN bx x USING (name) ORDER BY m.name;
CREATE TEMP TABLE kcfg (name text, swapped boolean, beta float8, dw float8, uw float8);
INSERT INTO kcfg VALUES ('kto_0.1_1', false, 0.1, 1, 1), ('kto_0.5_1.33', false, 0.5, 1.0, 1.33), ('kto_0.1_1_swapped', true, 0.1, 1, 1);
SELECT ok(k.n = x.n AND k.skipped = x.skipped AND pg_temp.close(k.loss, x.v1) AND pg_temp.close(k.rewards_chosen, x.v2)
          AND pg_temp.close(k.rewards_rejected, x.v3) AND pg_temp.close(k.kl, x.v4) AND pg_temp.close(k.rewards_margin, x.v5)
          AND pg_temp.close(k.logps_chosen, x.v6) AND pg_temp.close(k.logps_rejected, x.v7) AND k.n_desirable = x.v8,
          format('kto_metrics %s from partial states through text matches the reference', k.name))
FROM (SELECT name, (pg_temp.kto_fold(s::pref.dpo_state)).* FROM (
        SELECT c.name, pg_temp.kto_p(pc, rc, desirable, CASE WHEN swapped THEN kl_rc ELSE kl_pc END,
                                            CASE WHEN swapped THEN kl_pc ELSE kl_rc END, c.beta, c.dw, c.uw)::text AS s
        FROM b, kcfg c GROUP BY c.name, b.id % 3) p GROUP BY name) k JOIN bx x USING (name) ORDER BY k.name;
SELECT ok(r.n = x.n AND r.skipped = x.skipped AND r.ranking_accuracy = x.v1 AND r.reference_accuracy = x.v2
          AND r.reward_accuracy = x.v3 AND r.idealized_accuracy = x.v4,
          'ranking_accuracy from partial states through text matches the reference')
FROM (SELECT (pg_temp.racc_fold(s::pref.dpo_state)).* FROM (
        SELECT pg_temp.racc_p(pc, pr, rc, rr, 0.1, prob)::text AS s FROM b GROUP BY id % 3) p) r, bx x
WHERE x.name = 'ranking';
SELECT is((SELECT count(DISTINCT id % 3) FILTER (WHERE pc IS NOT NULL) FROM b), 3::bigint, 'the reference rows fall into three slices, each with rows');

-- aggregate = mean of the per-row function
SELECT ok(pg_temp.close((pref.dpo_metrics(pc, pr, rc, rr, 0.1, k)).loss, avg(pref.dpo_loss(pc, pr, rc, rr, 0.1, k))),
          format('dpo_metrics(%s).loss = avg(dpo_loss)', k))
FROM b, unnest(ARRAY['sigmoid','hinge','ipo','exo_pair','nca_pair','sppo_hard','bco_pair','apo_zero','apo_down','discopop']) k
GROUP BY k ORDER BY k;

-- KTO
CREATE TEMP TABLE kt AS
SELECT 'kto_0.1_1' AS name, (pref.kto_metrics(pc, rc, desirable, kl_pc, kl_rc)).* FROM b
UNION ALL SELECT 'kto_0.5_1.33', (pref.kto_metrics(pc, rc, desirable, kl_pc, kl_rc, 0.5, 1.0, 1.33)).* FROM b
UNION ALL SELECT 'kto_0.1_1_swapped', (pref.kto_metrics(pc, rc, desirable, kl_rc, kl_pc, 0.1)).* FROM b;
SELECT ok(k.n = x.n AND k.skipped = x.skipped AND pg_temp.close(k.loss, x.v1) AND pg_temp.close(k.rewards_chosen, x.v2)
          AND pg_temp.close(k.rewards_rejected, x.v3) AND pg_temp.close(k.kl, x.v4) AND pg_temp.close(k.rewards_margin, x.v5)
          AND pg_temp.close(k.logps_chosen, x.v6) AND pg_temp.close(k.logps_rejected, x.v7) AND k.n_desirable = x.v8,
          format('kto_metrics %s matches the reference (KL %s)', k.name, round(k.kl::numeric, 4)))
FROM kt k JOIN bx x USING (name) ORDER BY k.name;

-- ranking accuracy
SELECT ok(r.n = x.n AND r.skipped = x.skipped AND r.ranking_accuracy = x.v1 AND r.reference_accuracy = x.v2
          AND r.reward_accuracy = x.v3 AND r.idealized_accuracy = x.v4,
          'ranking_accuracy (policy, reference, reward, idealized) matches the reference')
FROM (SELECT (pref.ranking_accuracy(pc, pr, rc, rr, 0.1, prob)).* FROM b) r, bx x WHERE x.name = 'ranking';
SELECT is((SELECT (pref.ranking_accuracy(pc, pr, rc, rr, 0.1)).idealized_accuracy FROM b), 1::float8,
          'unanimous labels: the DPO optimum ranks every pair correctly');
SELECT is((SELECT (pref.ranking_accuracy(pc, pr)).ranking_accuracy FROM b), (SELECT v1 FROM bx WHERE name = 'ranking'),
          'two-argument ranking_accuracy');

-- grouped, window, empty, NULL-only, weights
SELECT is((SELECT sum((s).n) FROM (SELECT pref.dpo_metrics(pc, pr, rc, rr) AS s FROM b GROUP BY grp) g), 64::numeric,
          'GROUP BY: groups partition the rows');
SELECT ok((SELECT bool_and(pg_temp.close((s).loss, a)) FROM (SELECT pref.dpo_metrics(pc, pr, rc, rr) AS s,
             avg(pref.dpo_loss(pc, pr, rc, rr)) AS a FROM b GROUP BY grp) g), 'GROUP BY: each group = mean of its rows');
SELECT ok((SELECT bool_and(pg_temp.close(run, a)) FROM (
             SELECT (pref.dpo_metrics(pc, pr, rc, rr) OVER (ORDER BY id)).loss AS run,
                    avg(pref.dpo_loss(pc, pr, rc, rr)) OVER (ORDER BY id) AS a FROM b) w WHERE a IS NOT NULL),
          'window aggregate: running loss = running mean of per-row losses');
SELECT is((SELECT pref.dpo_metrics(pc, pr, rc, rr) FROM b WHERE false), NULL::pref.dpo_stats, 'empty input: NULL');
SELECT is((SELECT ROW((s).n, (s).skipped, (s).loss)::text FROM (SELECT pref.dpo_metrics(pc, pr, rc, rr) AS s FROM b WHERE id > 64) q),
          '(0,3,)', 'only NULL rows: n 0, skipped 3, metrics NULL');
SELECT ok(pg_temp.close((SELECT (pref.dpo_metrics(pc, pr, rc, rr, 0.1, 'sigmoid', 2.0)).loss FROM b),
                        (SELECT (pref.dpo_metrics(pc, pr, rc, rr)).loss FROM b)), 'a constant weight does not change the means');
SELECT ok(pg_temp.close((SELECT (pref.dpo_metrics(pc, pr, rc, rr, 0.1, 'sigmoid', w)).loss FROM b WHERE w IS NOT NULL),
                        (SELECT sum(w * pref.dpo_loss(pc, pr, rc, rr)) / sum(w) FROM b WHERE pc IS NOT NULL AND rc IS NOT NULL AND w IS NOT NULL)),
          'weighted loss = sum(w * loss) / sum(w)');

SELECT * FROM finish();
ROLLBACK;
