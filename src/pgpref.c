/*
 * pgpref.c - module entry: settings, build information, BLAS self-check.
 */
#include "postgres.h"

#include <math.h>

#include "fmgr.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/guc.h"

#include "common.h"
#include "linalg.h"

PG_MODULE_MAGIC;

int			pgpref_blas_threads = 1;
int			pgpref_max_memory_kb = 1024 * 1024;
int			pgpref_progress_s = 10;

void		_PG_init(void);

/* Ensure OpenBLAS follows pgpref.blas_threads as soon as it changes */
static void
AssignBlasThreads(int newval, void *extra)
{
	(void) extra;
	linalg_set_threads(newval);
}

/* Define settings; pin OpenBLAS to one thread at load */
void
_PG_init(void)
{
	linalg_set_threads(1);

	DefineCustomIntVariable("pgpref.blas_threads",
							"Number of threads OpenBLAS may use inside one backend.",
							"Parallelism normally comes from PostgreSQL's parallel query; "
							"raise this only for large single-backend computations.",
							&pgpref_blas_threads,
							1, 1, 256,
							PGC_USERSET, 0,
							NULL, AssignBlasThreads, NULL);

	DefineCustomIntVariable("pgpref.max_memory",
							"Largest working memory one pgpref call may plan to use.",
							"Calls that would need more refuse with an error naming this setting.",
							&pgpref_max_memory_kb,
							1024 * 1024, 64, INT_MAX,
							PGC_USERSET, GUC_UNIT_KB,
							NULL, NULL, NULL);

	DefineCustomIntVariable("pgpref.progress",
							"Seconds between progress notices of long pgpref runs (0 turns them off).",
							"Long runs (Monte-Carlo valuation) report work done, the largest standard error and an estimate of the time left.",
							&pgpref_progress_s,
							10, 0, 3600,
							PGC_USERSET, GUC_UNIT_S,
							NULL, NULL, NULL);

#if PG_VERSION_NUM >= 150000
	MarkGUCPrefixReserved("pgpref");
#else
	EmitWarningsOnPlaceholders("pgpref");
#endif
}

PG_FUNCTION_INFO_V1(pref_build_info);

/* Report extension, server and BLAS build facts as one row */
Datum
pref_build_info(PG_FUNCTION_ARGS)
{
	TupleDesc	tupdesc;
	Datum		values[6];
	bool		nulls[6] = {false};

	tupdesc = PrefResultDesc(fcinfo);

	PrefApplyBlasThreads();
	values[0] = CStringGetTextDatum(PGPREF_VERSION);
	values[1] = CStringGetTextDatum(PG_VERSION_STR);
	values[2] = CStringGetTextDatum(linalg_config());
	values[3] = CStringGetTextDatum(linalg_corename());
	values[4] = CStringGetTextDatum(linalg_parallel_kind());
	values[5] = Int32GetDatum(linalg_get_threads());

	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(tupdesc, values, nulls)));
}

/* Cancel point between blocks of the interruptible factorizations */
static void
LinalgTick(void)
{
	CHECK_FOR_INTERRUPTS();
}

PG_FUNCTION_INFO_V1(pref_linalg_check);

/*
 * Multiply two deterministic n x n matrices with BLAS and solve an SPD system
 * with LAPACK and with the blocked interruptible factorizations, and invert
 * it; return the largest absolute deviation from a naive loop, from the
 * known solution and of inverse times matrix from the identity.
 */
Datum
pref_linalg_check(PG_FUNCTION_ARGS)
{
	int32		n = PG_GETARG_INT32(0);
	double	   *a,
			   *b,
			   *c,
			   *spd,
			   *spd2,
			   *inv,
			   *x,
			   *x2;
	double		maxerr = 0.0;

	if (n < 1 || n > 2048)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("n must be between 1 and 2048")));

	PrefApplyBlasThreads();
	a = palloc(sizeof(double) * n * n);
	b = palloc(sizeof(double) * n * n);
	c = palloc0(sizeof(double) * n * n);
	spd = palloc0(sizeof(double) * n * n);
	x = palloc(sizeof(double) * n);

	for (int i = 0; i < n; i++)
		for (int j = 0; j < n; j++)
		{
			a[i * n + j] = sin(1.0 + i + 2.0 * j);
			b[i * n + j] = cos(0.5 * i - j);
		}

	linalg_gemm(0, 0, n, n, n, 1.0, a, b, 0.0, c);
	for (int i = 0; i < n; i++)
	{
		CHECK_FOR_INTERRUPTS();
		for (int j = 0; j < n; j++)
		{
			double		s = 0.0;

			for (int k = 0; k < n; k++)
				s += a[i * n + k] * b[k * n + j];
			maxerr = fmax(maxerr, fabs(s - c[i * n + j]));
		}
	}

	/* SPD system: A^T A + n I, right-hand side = (A^T A + n I) 1 */
	linalg_gram(n, n, 1.0, a, 0.0, spd);
	for (int i = 0; i < n; i++)
		spd[i * n + i] += n;
	for (int i = 0; i < n; i++)
	{
		double		s = 0.0;

		for (int j = 0; j < n; j++)
			s += spd[i * n + j];
		x[i] = s;
	}
	spd2 = palloc(sizeof(double) * n * n);
	inv = palloc(sizeof(double) * n * n);
	x2 = palloc(sizeof(double) * n);
	memcpy(spd2, spd, sizeof(double) * n * n);
	memcpy(inv, spd, sizeof(double) * n * n);
	memcpy(x2, x, sizeof(double) * n);
	PrefLinalgError(linalg_cholesky_solve(n, 1, spd, x), "linalg_check");
	for (int i = 0; i < n; i++)
		maxerr = fmax(maxerr, fabs(x[i] - 1.0));

	/*
	 * The interruptible blocked factorizations (blocks of 32 here) against
	 * LAPACK's: the same solution, and an inverse whose product with the
	 * matrix is the identity
	 */
	PrefLinalgError(linalg_cholesky_solve_blocked(n, 1, spd2, x2, 32, LinalgTick), "linalg_check");
	for (int i = 0; i < n; i++)
		maxerr = fmax(maxerr, fabs(x2[i] - 1.0));
	memcpy(spd2, inv, sizeof(double) * n * n);
	PrefLinalgError(linalg_spd_inverse_blocked(n, inv, 32, LinalgTick), "linalg_check");
	linalg_gemm(0, 0, n, n, n, 1.0, inv, spd2, 0.0, c);
	for (int i = 0; i < n; i++)
		for (int j = 0; j < n; j++)
			maxerr = fmax(maxerr, fabs(c[i * n + j] - (i == j ? 1.0 : 0.0)));

	PG_RETURN_FLOAT8(maxerr);
}
