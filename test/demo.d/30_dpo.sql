-- pgpref demo: DPO-family losses and trainer metrics from stored log-probabilities
\set ON_ERROR_STOP on
\pset footer off
SET search_path = public, pref;

\echo '### DPO: per-example log-probabilities of a policy and a reference model, two checkpoints'
CREATE TABLE eval_logps (checkpoint int, step int, pc float8, pr float8, rc float8, rr float8, len_c int, len_r int);
INSERT INTO eval_logps VALUES
  (100, 1, -42.1, -55.3, -43.0, -54.2, 31, 40), (100, 2, -18.7, -17.9, -19.5, -18.0, 12, 11),
  (100, 3, -77.0, -91.4, -76.2, -89.9, 60, 72), (100, 4, -25.3, -30.8, -26.1, -29.5, 20, 22),
  (200, 1, -40.2, -58.9, -43.0, -54.2, 31, 40), (200, 2, -17.1, -19.6, -19.5, -18.0, 12, 11),
  (200, 3, -75.5, -95.0, -76.2, -89.9, 60, 72), (200, 4, -24.0, -33.1, -26.1, -29.5, 20, 22);

\echo '### The metrics a DPO trainer logs (beta 0.1, sigmoid loss), per checkpoint'
SELECT checkpoint, (m).n, round((m).loss::numeric, 4) AS loss,
       round((m).rewards_chosen::numeric, 4) AS "rewards/chosen", round((m).rewards_rejected::numeric, 4) AS "rewards/rejected",
       round((m).rewards_accuracy::numeric, 2) AS "rewards/accuracies", round((m).rewards_margin::numeric, 4) AS "rewards/margins",
       round((m).logps_chosen::numeric, 2) AS "logps/chosen", round((m).logps_rejected::numeric, 2) AS "logps/rejected"
FROM (SELECT checkpoint, pref.dpo_metrics(pc, pr, rc, rr, 0.1, 'sigmoid') AS m FROM eval_logps GROUP BY checkpoint) s
ORDER BY checkpoint;

\echo '### Per-row loss of several kinds, and which pairs drive the gradient'
SELECT checkpoint, step,
       round(pref.dpo_loss(pc, pr, rc, rr)::numeric, 4) AS sigmoid,
       round(pref.dpo_loss(pc, pr, rc, rr, loss => 'ipo')::numeric, 4) AS ipo,
       round(pref.dpo_loss(pc, pr, rc, rr, loss => 'sigmoid_norm', chosen_length => len_c, rejected_length => len_r)::numeric, 4) AS ln_dpo,
       round(pref.simpo_loss(pc, pr, len_c, len_r)::numeric, 4) AS simpo,
       round(pref.dpo_grad_weight(pc, pr, rc, rr)::numeric, 4) AS grad
FROM eval_logps WHERE checkpoint = 200 ORDER BY step;

\echo '### A mixture (as trainers sum them) and batch-level AOT, checkpoint 200'
SELECT round((pref.dpo_metrics(pc, pr, rc, rr, 0.1, '0.8*sigmoid + 0.2*bco_pair')).loss::numeric, 4) AS mixture,
       round((pref.dpo_metrics(pc, pr, rc, rr, 0.1, 'aot')).loss::numeric, 4) AS aot
FROM eval_logps WHERE checkpoint = 200;

\echo '### Ranking accuracy (Chen et al.): policy, reference, and the idealized DPO optimum with 75% rater agreement'
SELECT checkpoint, (r).ranking_accuracy, (r).reference_accuracy, (r).idealized_accuracy
FROM (SELECT checkpoint, pref.ranking_accuracy(pc, pr, rc, rr, 0.1, 0.75) AS r FROM eval_logps GROUP BY checkpoint) s
ORDER BY checkpoint;

\echo '### Listwise (Plackett-Luce) loss of four responses ranked best first'
SELECT round(pref.listwise_dpo_loss(ARRAY[-40.2, -43.5, -58.9, -61.0], ARRAY[-43.0, -44.1, -54.2, -60.0])::numeric, 4) AS listwise;
