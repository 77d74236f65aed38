-- Smoke test of an installed pgpref (test/deb.sh, run against the package):
-- closed-form Bradley-Terry numbers and the BLAS the library loaded.
-- psql -v version=X.Y.Z; prints one row per check: passed (t/f) | what.
CREATE EXTENSION pgpref;
CREATE TEMP TABLE battles (winner bigint, loser bigint);
-- item 1 beats item 2 three times in four: the MLE has theta_1 - theta_2 =
-- ln 3 and P(1 beats 2) = 3/4; Var(theta_1 - theta_2) = 1 / (n p (1 - p)) =
-- 4/3, so each centred theta has standard error sqrt(4/3) / 2; the elo scale
-- is 400 / ln 10 per unit of theta around 1000
INSERT INTO battles VALUES (1, 2), (1, 2), (1, 2), (2, 1);
CREATE TEMP TABLE fit AS SELECT pref.bt_fit(winner, loser) AS m FROM battles;
CREATE TEMP TABLE r AS SELECT x.* FROM fit, pref.ratings(fit.m) x;
SELECT coalesce(passed, false), what FROM (VALUES
	((SELECT rows_used = 4 AND items = 2 FROM pref.tally_stats((SELECT pref.tally(winner, loser) FROM battles))),
	 'pref.tally counts 4 comparisons of 2 items'),
	((SELECT abs(rating - (1000 + 200 * ln(3) / ln(10))) < 1e-9 FROM r WHERE item::text = '1'),
	 'rating of item 1 is 1000 + (400 / ln 10) ln(3) / 2'),
	((SELECT abs(rating - (1000 - 200 * ln(3) / ln(10))) < 1e-9 FROM r WHERE item::text = '2'),
	 'rating of item 2 is 1000 - (400 / ln 10) ln(3) / 2'),
	((SELECT bool_and(abs(std_error - 400 / ln(10) * sqrt(4.0 / 3) / 2) < 1e-6) FROM r),
	 'standard errors are (400 / ln 10) sqrt(4/3) / 2'),
	((SELECT abs(pref.win_prob(m, 1, 2) - 0.75) < 1e-12 FROM fit),
	 'win_prob(1, 2) is 3/4'),
	((SELECT extension_version = :'version' FROM pref.build_info()),
	 'build_info reports version ' || :'version'),
	((SELECT blas_library LIKE 'OpenBLAS%' AND blas_parallel = 'openmp' FROM pref.build_info()),
	 'the library runs on OpenBLAS, OpenMP variant'),
	((SELECT pref.linalg_check() < 1e-10),
	 'linalg_check: BLAS/LAPACK solve residual below 1e-10'),
	((SELECT array_agg(version ORDER BY version) @> ARRAY['0.1.0', :'version']
	  FROM pg_available_extension_versions WHERE name = 'pgpref'),
	 'versions 0.1.0 and ' || :'version' || ' are available')
) AS c(passed, what);
