-- DPO family: values on small inputs and every bad-input path
SET search_path = public, pref;
SET extra_float_digits = 0;
-- sigmoid DPO on one pair: margin (-10 - -12) - (-11 - -11.5) = 1.5, beta 0.1
SELECT round(dpo_loss(-10, -12, -11, -11.5)::numeric, 12) AS sigmoid,
       round(ln(1 + exp(-0.15))::numeric, 12) AS closed_form;
-- every kind on the same pair (values checked against test/ref/dpo_ref.py formulas)
SELECT k, round(dpo_loss(-10, -12, -11, -11.5, 0.1, k, chosen_length => 5, rejected_length => 7)::numeric, 9) AS loss,
       round(dpo_grad_weight(-10, -12, -11, -11.5, 0.1, k, chosen_length => 5, rejected_length => 7)::numeric, 9) AS grad
FROM unnest(ARRAY['sigmoid','robust','hinge','ipo','exo_pair','nca_pair','sppo_hard','bco_pair','apo_zero',
                  'apo_down','discopop','sigmoid_norm','sft']) k;
-- f-divergences of the score
SELECT d, round(dpo_loss(-10, -12, -11, -11.5, divergence => d, alpha => 0.5)::numeric, 9) AS loss
FROM unnest(ARRAY['reverse_kl','forward_kl','js_divergence','alpha_divergence']) d;
-- strict: NULL in, NULL out
SELECT dpo_loss(NULL, -1, -1, -1) IS NULL AS null_logp, dpo_loss(-1, -1, -1, -1, NULL) IS NULL AS null_beta;
-- listwise: two responses = pairwise; three responses in order
SELECT listwise_dpo_loss(ARRAY[-10, -12], ARRAY[-11, -11.5]) = dpo_loss(-10, -12, -11, -11.5) AS two_is_pairwise,
       round(listwise_dpo_loss(ARRAY[-10, -12, -20], ARRAY[-11, -11.5, -15], 1.0)::numeric, 9) AS three;
SELECT round(simpo_loss(-30, -60, 10, 20)::numeric, 9) AS simpo, round(cpo_loss(-30, -60, chosen_nll => 3)::numeric, 9) AS cpo,
       round(orpo_loss(-0.5, -1.5)::numeric, 9) AS orpo_term, round(orpo_loss(-0.5, -1.5, chosen_nll => 0.5)::numeric, 9) AS orpo_full;

-- bad input: every argument named, valid kinds listed
SELECT dpo_loss(0.5, -1, -1, -1);
SELECT dpo_loss(-1, 'NaN', -1, -1);
SELECT dpo_loss(-1, -1, '-Infinity', -1);
SELECT dpo_loss(-1, -1, -1, 'Infinity');
SELECT dpo_loss(-1, -1, -1, -1, 0);
SELECT dpo_loss(-1, -1, -1, -1, -0.1);
SELECT dpo_loss(-1, -1, -1, -1, 0.1, 'sigmoid', 0.5);
SELECT dpo_loss(-1, -1, -1, -1, 0.1, 'sigmoid', -0.1);
SELECT dpo_loss(-1, -1, -1, -1, 0.1, 'simpo');
SELECT dpo_loss(-1, -1, -1, -1, 0.1, 'sigmoid +');
SELECT dpo_loss(-1, -1, -1, -1, 0.1, '-1*sigmoid');
SELECT dpo_loss(-1, -1, -1, -1, 0.1, 'aot');
SELECT dpo_loss(-1, -1, -1, -1, 0.1, '0.5*sigmoid + 0.5*aot_pair');
SELECT dpo_loss(-1, -1, -1, -1, divergence => 'kl');
SELECT dpo_loss(-1, -1, -1, -1, loss => 'bco_pair', divergence => 'js_divergence');
SELECT dpo_loss(-1, -1, -1, -1, divergence => 'alpha_divergence', alpha => 0);
SELECT dpo_loss(-1, -1, -1, -1, loss => 'exo_pair', epsilon => 1);
SELECT dpo_loss(-1, -1, -1, -1, loss => 'discopop', tau => 0);
SELECT dpo_loss(-1, -1, -1, -1, loss => 'sigmoid_norm');
SELECT dpo_loss(-1, -1, -1, -1, loss => 'sigmoid_norm', chosen_length => -3, rejected_length => 2);
SELECT dpo_loss(-1e6, 0, 0, 0, loss => 'discopop', tau => 2);
SELECT simpo_loss(-1, -2, 0, 3);
SELECT simpo_loss(-1, -2, 3, 3, beta => 0);
SELECT orpo_loss(0, -1);
SELECT cpo_loss(-1, -2, label_smoothing => 0.7);
SELECT listwise_dpo_loss(ARRAY[-1], ARRAY[-1]);
SELECT listwise_dpo_loss(ARRAY[-1, -2], ARRAY[-1]);
SELECT listwise_dpo_loss(ARRAY[-1, 2], ARRAY[-1, -1]);
SELECT listwise_dpo_loss(ARRAY[-1, NULL], ARRAY[-1, -1]);

-- aggregates: bad input and options
CREATE TEMP TABLE t (pc float8, pr float8, rc float8, rr float8);
INSERT INTO t VALUES (-10, -12, -11, -11.5), (-3, -2, -2, -2.5), (NULL, -1, -1, -1);
SELECT n, skipped, round(loss::numeric, 6) AS loss, round(rewards_chosen::numeric, 6) AS rc, round(rewards_rejected::numeric, 6) AS rr,
       round(rewards_accuracy::numeric, 6) AS acc, round(rewards_margin::numeric, 6) AS margin, round(logps_chosen::numeric, 6) AS lc,
       round(logps_rejected::numeric, 6) AS lr, round(margin_std::numeric, 6) AS sd FROM (SELECT (dpo_metrics(pc, pr, rc, rr)).* FROM t) s;
SELECT (dpo_metrics(pc, pr, rc, rr, 0.1, 'sigmoid', 1, 'label_smoothing=0.1, tau = 0.5')).loss IS NOT NULL AS options_ok FROM t;
SELECT dpo_metrics(pc, pr, rc, rr, 0.1, 'sigmoid', 1, 'smoothing=0.1') FROM t;
SELECT dpo_metrics(pc, pr, rc, rr, 0.1, 'sigmoid', 1, 'label_smoothing') FROM t;
SELECT dpo_metrics(pc, pr, rc, rr, 0.1, 'sigmoid', 1, 'label_smoothing=abc') FROM t;
SELECT dpo_metrics(pc, pr, rc, rr, 0.1, 'sigmoid', -1) FROM t;
SELECT dpo_metrics(pc, pr, rc, rr, 0.1, 'sigmoid_norm') FROM t;
SELECT dpo_metrics(pc, pr, rc, rr, 0.1, 'aot', 2) FROM t;
-- the aggregate accepts the batch-level kinds, and its hint lists them
SELECT dpo_metrics(pc, pr, rc, rr, 0.1, 'simpo') FROM t;
SELECT dpo_metrics(pc, -pr, rc, rr) FROM t;
SELECT kto_metrics(pc, rc, pc > -5, pr, rr, 0) FROM t;
SELECT kto_metrics(pc, rc, pc > -5, pr, rr, pc) FROM t;
SELECT ranking_accuracy(pc, pr, rc, rr, 0.1, 1.5) FROM t;
SELECT (ranking_accuracy(pc, pr)).* FROM t WHERE false;
