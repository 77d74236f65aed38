-- Bradley-Terry, second half: MM for many items, bootstrap, Elo, Plackett-Luce, evaluation
CREATE SCHEMA bt2;
SET search_path = bt2, public, pref;
\set QUIET on
\i test/ref/bt_fixture.sql
\set QUIET off
-- MM (Hunter 2004) and Newton give the same estimate where both apply (tolerance 1e-8 on strengths)
SELECT tm AS ties, pr AS prior,
       max(abs(a.rating - b.rating)) < 1e-8 AS same_theta,
       max(abs(a.std_error - b.std_error)) < 1e-10 AS same_se,
       bool_and(a.rank = b.rank) AS same_rank
FROM (VALUES ('none', 0.0), ('half', 0.0), ('none', 0.5), ('half', 2.0)) o(tm, pr),
     LATERAL (SELECT pref.tally(first, second, outcome) AS t FROM bt_rows) t,
     LATERAL pref.ratings(pref.bradley_terry(t.t, 'mm', prior => o.pr, ties => o.tm, tol => 1e-12), 'logit') a
     JOIN LATERAL pref.ratings(pref.bradley_terry(t.t, 'newton', prior => o.pr, ties => o.tm), 'logit') b USING (item)
GROUP BY tm, pr ORDER BY tm, pr;
-- and both match the scipy reference of the first half
SELECT max(abs(r.rating - b.theta)) < 1e-6 AS mm_matches_scipy
FROM pref.ratings((SELECT pref.bradley_terry(pref.tally(first, second, outcome), 'mm', ties => 'none', tol => 1e-12) FROM bt_rows), 'logit') r
JOIN bt_ref b ON b.item = r.item::int AND b.model = 'none';
-- log-likelihoods agree; the method is reported
SELECT s->>'method' AS method, round((s->>'loglik')::numeric, 6) AS loglik, (s->>'converged')::boolean AS converged
FROM (SELECT pref.bt_summary(pref.bradley_terry(pref.tally(first, second, outcome), m, ties => 'half')) AS s
      FROM bt_rows, (VALUES ('newton'), ('mm')) v(m) GROUP BY m) x ORDER BY 1;
-- auto picks MM above 2000 items (a ring of 2500 items, each beating the next and losing to it once in three)
CREATE TABLE ring AS SELECT pref.tally(w, l) AS t FROM
  (SELECT g::bigint AS w, (g % 2500 + 1)::bigint AS l FROM generate_series(1, 2500) g, generate_series(1, 2)
   UNION ALL SELECT (g % 2500 + 1)::bigint, g::bigint FROM generate_series(1, 2500) g) s;
SELECT s->>'method' AS method, (s->>'items')::int AS items, (s->>'converged')::boolean AS converged
FROM (SELECT pref.bt_summary(pref.bradley_terry(t)) s FROM ring) x;
-- on a ring every item is alike: all strengths 0; dense standard errors over the memory limit give nulls and a notice
SET pgpref.max_memory = 1024;
SELECT max(abs(rating)) < 1e-8 AS ring_flat, count(std_error) AS with_se, max(rank) AS max_rank
FROM ring, pref.ratings(pref.bradley_terry(t), 'logit');
RESET pgpref.max_memory;
-- errors: MM does not fit tie parameters or order effects; unknown method
SELECT pref.bradley_terry(pref.tally(first, second, outcome), 'mm', ties => 'davidson') FROM bt_rows;
SELECT pref.bradley_terry(pref.tally(first, second, outcome), 'mm', ties => 'none', order_effect => true) FROM bt_rows;
SELECT pref.bradley_terry(pref.tally(first, second, outcome), 'lbfgs') FROM bt_rows;
-- long MM runs can be cancelled (CHECK_FOR_INTERRUPTS once per sweep)
SET statement_timeout = '300ms';
SELECT pref.bradley_terry(t, 'mm', tol => 1e-300, max_iter => 1000000) FROM ring;
RESET statement_timeout;
