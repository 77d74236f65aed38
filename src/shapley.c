/*
 * shapley.c - SQL glue of data valuation: pref.knn_shapley,
 * pref.data_shapley and pref.pair_shapley.  Reads the inner queries with
 * PrefReadQuery, checks the input, sizes the distance blocks from work_mem
 * under pgpref.max_memory, reports progress and returns
 * (id, value, std_error) rows.  The mathematics is in shapley_core.c.
 */
#include "postgres.h"

#include <math.h>

#include "fmgr.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/timestamp.h"
#include "utils/tuplestore.h"

#include "common.h"
#include "linalg.h"
#include "query.h"
#include "shapley_core.h"

/* pgpref.progress: seconds between progress notices (0: none) */

enum
{
	METHOD_EXACT, METHOD_TMC, METHOD_BETA, METHOD_BANZHAF, METHOD_LOO
};
static const char *const method_names[] = {"exact", "tmc", "beta", "banzhaf", "loo", NULL};
static const char *const data_method_names[] = {"tmc", "beta", "banzhaf", "loo", NULL};

enum
{
	UTIL_KNN, UTIL_LOGISTIC, UTIL_REWARD
};
static const char *const utility_names[] = {"knn", "logistic", "reward", NULL};
static const char *const data_utility_names[] = {"knn", "logistic", NULL};

/* pair_shapley's utilities: auto is knn for method exact, reward otherwise */
enum
{
	PAIR_UTIL_AUTO, PAIR_UTIL_REWARD, PAIR_UTIL_KNN
};
static const char *const pair_utility_names[] = {"auto", "reward", "knn", NULL};
static const char *const metric_names[] = {"l2", "cosine", NULL};

#define CONVERGENCE_WINDOW 50

/* Argument number i of the bigint signature, in a call with id_type at idarg */
#define ARGNO(i) (idarg >= 0 && (i) >= idarg ? (i) + 1 : (i))

/* What a call asked for */
typedef struct ShapleyArgs
{
	const char *what;			/* function name for messages */
	bool		pairs;
	int			method;
	int			utility;
	bool		single_ok;		/* keep real[] training rows as floats */
	int			k;
	int			metric;
	int			permutations;
	int64		seed;
	double		tolerance;
	double		alpha;
	double		beta;
	double		truncation;
	double		lambda;
} ShapleyArgs;

/* The data, read from both inner queries */
typedef struct ShapleyData
{
	int			n;				/* training rows (players) */
	int			m;				/* validation rows */
	int			d;
	int64	   *id;				/* keys of the training ids (query.h) */
	const PrefIdMap *ids;		/* their mapping back to ids */
	double	   *x;				/* n x d (pairs: chosen - rejected), or NULL */
	float	   *xf;				/* n x d floats of real[] rows when x is NULL */
	double	   *xnorm;			/* cosine with xf: row norms (ShapleyRows) */
	int64	   *y;				/* n labels (NULL for pairs) */
	double	   *v;				/* m x d */
	int64	   *vy;				/* m labels (NULL for pairs) */
} ShapleyData;

/* Ensure argument argno is not NULL */
static void
CheckNotNull(FunctionCallInfo fcinfo, int argno, const char *what, const char *name)
{
	if (PG_ARGISNULL(argno))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("%s: argument %s must not be NULL", what, name)));
}

/*
 * Ensure a query had no NULLs in required columns and produced rows (the
 * training query may be empty: no rows to value, no rows out)
 */
static void
CheckRead(PrefQueryResult *res, const char *what, const char *which, const char *cols)
{
	bool		empty_ok = strcmp(which, "training") == 0;

	if (res->skipped > 0)
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("%s: the %s query returned " INT64_FORMAT " rows with NULL %s",
						what, which, res->skipped, cols),
				 errhint("Filter them out in the query, e.g. WHERE ... IS NOT NULL.")));
	if (res->nrows == 0 && !empty_ok)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("%s: the %s query returned no rows", what, which)));
	if (res->nrows > INT_MAX / 2)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("%s: the %s query returned too many rows", what, which)));
}

/* Difference vectors chosen - rejected of a pair query */
static double *
PairDifferences(PrefQueryResult *res, const char *what, const char *which)
{
	double	   *c = PREF_QUERY_VECTOR(res, 1);
	double	   *r = PREF_QUERY_VECTOR(res, 2);
	int			d = res->dim[1];

	if (res->dim[2] != d)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("%s: chosen and rejected have different dimensions %d and %d in the %s query",
						what, d, res->dim[2], which)));
	for (Size i = 0; i < (Size) res->nrows * d; i++)
		c[i] -= r[i];
	return c;
}

/* qsort comparator for int64 */
static int
CmpInt64(const void *a, const void *b)
{
	int64		x = *(const int64 *) a,
				y = *(const int64 *) b;

	return x < y ? -1 : (x > y ? 1 : 0);
}

/* Ensure training ids are unique */
static void
CheckUniqueIds(const int64 *id, int n, const PrefIdMap *map, const char *what)
{
	int64	   *s = palloc(sizeof(int64) * n);

	memcpy(s, id, sizeof(int64) * n);
	qsort(s, n, sizeof(int64), CmpInt64);
	for (int i = 1; i < n; i++)
		if (s[i] == s[i - 1])
			ereport(ERROR,
					(errcode(ERRCODE_UNIQUE_VIOLATION),
					 errmsg("%s: training id %s appears more than once", what, PrefIdString(map, s[i])),
					 errhint("Every training row needs its own id.")));
	pfree(s);
}

/*
 * Run both inner queries and check what came back; false if no training
 * rows.  id_type: how to read the training ids (query.h).
 */
static bool
ReadData(const char *train_sql, const char *valid_sql, const ShapleyArgs *a, Oid id_type,
		 ShapleyData *dat)
{
	PrefQueryResult *tr,
			   *va;
	/* name the query in the reader's errors */
	const char *twhat = psprintf("%s (training query)", a->what);
	const char *vwhat = psprintf("%s (validation query)", a->what);

	if (a->pairs)
	{
		static const PrefQueryColumn cols[] = {
			{"id", PREF_COL_ID, false, false},
			{"chosen", PREF_COL_VECTOR, false, false},
			{"rejected", PREF_COL_VECTOR, false, false}
		};

		tr = PrefReadQueryIds(train_sql, cols, 3, twhat, id_type);
		CheckRead(tr, a->what, "training", "id, chosen or rejected");
		/* validation ids are not used: any type */
		va = PrefReadQueryIds(valid_sql, cols, 3, vwhat, PREF_ID_ANY);
		CheckRead(va, a->what, "validation", "id, chosen or rejected");
		if (tr->nrows == 0)
			return false;
		dat->x = PairDifferences(tr, a->what, "training");
		dat->v = PairDifferences(va, a->what, "validation");
		dat->y = dat->vy = NULL;
		dat->d = tr->dim[1];
		if (va->dim[1] != dat->d)
			ereport(ERROR,
					(errcode(ERRCODE_DATA_EXCEPTION),
					 errmsg("%s: training pairs have dimension %d but validation pairs %d",
							a->what, dat->d, va->dim[1])));
	}
	else
	{
		/* knn_shapley keeps real[] rows as floats: half the memory */
		const PrefQueryColumn tcols[] = {
			{"id", PREF_COL_ID, false, false},
			{"features", a->single_ok ? PREF_COL_VECTOR_SINGLE : PREF_COL_VECTOR, false, false},
			{"label", PREF_COL_INT8, false, false}
		};
		static const PrefQueryColumn vcols[] = {
			{"features", PREF_COL_VECTOR, false, false},
			{"label", PREF_COL_INT8, false, false}
		};

		tr = PrefReadQueryIds(train_sql, tcols, 3, twhat, id_type);
		CheckRead(tr, a->what, "training", "id, features or label");
		va = PrefReadQuery(valid_sql, vcols, 2, vwhat);
		CheckRead(va, a->what, "validation", "features or label");
		if (tr->nrows == 0)
			return false;
		dat->x = tr->single[1] ? NULL : PREF_QUERY_VECTOR(tr, 1);
		dat->xf = tr->single[1] ? PREF_QUERY_SINGLE(tr, 1) : NULL;
		dat->y = PREF_QUERY_INT8(tr, 2);
		dat->v = PREF_QUERY_VECTOR(va, 0);
		dat->vy = PREF_QUERY_INT8(va, 1);
		dat->d = tr->dim[1];
		if (va->dim[0] != dat->d)
			ereport(ERROR,
					(errcode(ERRCODE_DATA_EXCEPTION),
					 errmsg("%s: training features have dimension %d but validation features %d",
							a->what, dat->d, va->dim[0])));
	}
	dat->n = (int) tr->nrows;
	dat->m = (int) va->nrows;
	dat->id = PREF_QUERY_ID(tr, 0);
	dat->ids = tr->ids[0];
	CheckUniqueIds(dat->id, dat->n, dat->ids, a->what);
	if (a->k > dat->n && a->utility == UTIL_KNN)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s: k = %d is larger than the %d training rows", a->what, a->k, dat->n),
				 errhint("Use k between 1 and the number of training rows.")));
	return true;
}

/* Normalize rows for cosine, or compute squared norms for l2 */
static void
PrepareMetric(const ShapleyArgs *a, ShapleyData *dat, double **xn, double **vn)
{
	double	   *buf = palloc(sizeof(double) * dat->d);

	*xn = *vn = NULL;
	dat->xnorm = NULL;
	if (a->metric == SHAPLEY_COSINE)
	{
		int			bad = 0;

		if (dat->xf)
			dat->xnorm = MemoryContextAllocHuge(CurrentMemoryContext, sizeof(double) * (Size) dat->n);
		if ((dat->xf ? shapley_single_norms(dat->n, dat->d, dat->xf, dat->xnorm, buf, &bad) :
			 shapley_normalize_rows(dat->n, dat->d, dat->x, &bad)) != SHAPLEY_OK)
			ereport(ERROR,
					(errcode(ERRCODE_DATA_EXCEPTION),
					 errmsg("%s: cosine distance is undefined for the all-zero vector of training row %d",
							a->what, bad + 1),
					 errhint("Use metric => 'l2' or remove zero vectors.")));
		if (shapley_normalize_rows(dat->m, dat->d, dat->v, &bad) != SHAPLEY_OK)
			ereport(ERROR,
					(errcode(ERRCODE_DATA_EXCEPTION),
					 errmsg("%s: cosine distance is undefined for the all-zero vector of validation row %d",
							a->what, bad + 1),
					 errhint("Use metric => 'l2' or remove zero vectors.")));
	}
	else
	{
		*xn = palloc(sizeof(double) * dat->n);
		*vn = palloc(sizeof(double) * dat->m);
		if (dat->xf)
			shapley_single_sq_norms(dat->n, dat->d, dat->xf, *xn, buf);
		else
			shapley_sq_norms(dat->n, dat->d, dat->x, *xn);
		shapley_sq_norms(dat->m, dat->d, dat->v, *vn);
	}
}

/* Bytes of the data already read */
static double
DataBytes(const ShapleyData *dat)
{
	return (dat->xf ? 4.0 : 8.0) * (double) dat->n * dat->d +
		16.0 * dat->n + 8.0 * (double) dat->m * (dat->d + 1);
}

#define TILE_ROWS	4096		/* training rows per gemm tile */
#define MIN_BLOCK	32			/* validation rows per block that keep the
								 * gemm efficient */

/* Bytes of the per-call workspace of ForEachValidationRow besides the block */
static double
WorkBytes(const ShapleyData *dat)
{
	/* norms, sort buffers, order, s and values, tile */
	return 96.0 * dat->n + 8.0 * TILE_ROWS * dat->d;
}

/*
 * Validation rows per distance block (distances and matches, 16 bytes per
 * training row): as many as fit in work_mem, but at least MIN_BLOCK where
 * pgpref.max_memory leaves room for them (a one-row block turns the gemm
 * into a memory-bound gemv over all training rows), and at least one.
 * fixed: the bytes needed besides the block.
 */
static int
BlockRows(const ShapleyData *dat, double fixed)
{
	double		rows = (double) work_mem * 1024.0 / (16.0 * dat->n);

	if (rows < MIN_BLOCK)
	{
		double		room = ((double) pgpref_max_memory_kb * 1024.0 - fixed) / (16.0 * dat->n);

		rows = Max(rows, Min(room, MIN_BLOCK));
	}
	if (rows < 1)
		return 1;
	return rows > dat->m ? dat->m : (int) rows;
}

/*
 * Walk the validation rows in blocks; for each row call back with its
 * training order (nearest first by exact distance, ties by smaller id) and
 * matches.  The gemm finds the order fast; shapley_order_row settles every
 * comparison the gemm's rounding could decide with scalar code.
 */
typedef void (*RowCallback) (void *arg, int row, const int *order, const double *match);

static void
ForEachValidationRow(const ShapleyArgs *a, ShapleyData *dat, int bsz, RowCallback cb, void *arg)
{
	int			n = dat->n,
				d = dat->d;
	ShapleyRows rows;
	double	   *xn,
			   *vn;
	double	   *dist,
			   *match,
			   *tile,
			   *rowbuf;
	double	   *sorted;
	int		   *ibuf,
			   *order;
	KnnSortEntry *ebuf;
	ShapleyTie *tbuf;
	double		xnmax = 0.0;
	TimestampTz start = GetCurrentTimestamp(),
				last = start;

	PrepareMetric(a, dat, &xn, &vn);
	if (xn)
		for (int i = 0; i < n; i++)
			xnmax = Max(xnmax, xn[i]);
	rows.d = d;
	rows.x = dat->x;
	rows.xf = dat->xf;
	rows.xnorm = dat->xnorm;
	PrefApplyBlasThreads();
	dist = MemoryContextAllocHuge(CurrentMemoryContext, sizeof(double) * (Size) bsz * n);
	match = MemoryContextAllocHuge(CurrentMemoryContext, sizeof(double) * (Size) bsz * n);
	tile = dat->x ? NULL : palloc(sizeof(double) * TILE_ROWS * (Size) d);
	rowbuf = palloc(sizeof(double) * d);
	sorted = MemoryContextAllocHuge(CurrentMemoryContext, sizeof(double) * (Size) n);
	ibuf = MemoryContextAllocHuge(CurrentMemoryContext, sizeof(int) * ((Size) n + 2));
	order = MemoryContextAllocHuge(CurrentMemoryContext, sizeof(int) * (Size) n);
	ebuf = MemoryContextAllocHuge(CurrentMemoryContext, sizeof(KnnSortEntry) * (Size) n);
	tbuf = MemoryContextAllocHuge(CurrentMemoryContext, sizeof(ShapleyTie) * (Size) n);

	for (int b0 = 0; b0 < dat->m; b0 += bsz)
	{
		int			b = Min(bsz, dat->m - b0);

		/* approximate distances of the block, one tile of training rows at a time */
		for (int i0 = 0; i0 < n; i0 += TILE_ROWS)
		{
			int			cnt = Min(TILE_ROWS, n - i0);
			const double *xt = dat->x ? dat->x + (Size) i0 * d : tile;

			CHECK_FOR_INTERRUPTS();
			if (!dat->x)
				shapley_rows_tile(&rows, i0, cnt, tile);
			shapley_dist_block_ld(a->metric, a->pairs, b, cnt, d,
								  dat->v + (Size) b0 * d, vn ? vn + b0 : NULL,
								  xt, xn ? xn + i0 : NULL,
								  dat->vy ? (const int64_t *) dat->vy + b0 : NULL,
								  dat->y ? (const int64_t *) dat->y + i0 : NULL,
								  dist + i0, match + i0, (Size) n);
		}
		for (int r = 0; r < b; r++)
		{
			int			row = b0 + r;

			CHECK_FOR_INTERRUPTS();
			(void) shapley_order_row(a->metric, a->pairs, n,
									 dat->v + (Size) row * d, vn ? vn[row] : 1.0,
									 &rows, xnmax, (const int64_t *) dat->id,
									 dist + (Size) r * n, match + (Size) r * n, order,
									 sorted, ibuf, ebuf, tbuf, rowbuf);
			cb(arg, row, order, match + (Size) r * n);
		}
		/* progress notice every pgpref.progress seconds */
		if (pgpref_progress_s > 0 && b0 + b < dat->m)
		{
			TimestampTz now = GetCurrentTimestamp();

			if (TimestampDifferenceExceeds(last, now, pgpref_progress_s * 1000))
			{
				double		elapsed = (double) (now - start) / 1e6;

				ereport(NOTICE,
						(errmsg("%s: %d of %d validation rows done, about %.0f s left",
								a->what, b0 + b, dat->m,
								elapsed / (b0 + b) * (dat->m - b0 - b))));
				last = now;
			}
		}
	}
	pfree(dist);
	pfree(match);
	if (tile)
		pfree(tile);
	pfree(rowbuf);
	pfree(sorted);
	pfree(ebuf);
	pfree(ibuf);
	pfree(order);
	pfree(tbuf);
}

/* Exact KNN-Shapley: accumulate the recursion row by row */
typedef struct ExactArg
{
	int			n,
				k;
	double		weight;
	double	   *values;
} ExactArg;

static void
ExactRow(void *arg, int row, const int *order, const double *match)
{
	ExactArg   *e = arg;

	(void) row;
	shapley_knn_recursion(e->n, e->k, order, match, e->weight, e->values);
}

/* Exact values into values[] */
static void
RunExact(const ShapleyArgs *a, ShapleyData *dat, double *values)
{
	ExactArg	e;
	double		fixed = DataBytes(dat) + WorkBytes(dat);
	int			bsz = BlockRows(dat, fixed);

	PrefCheckMemory(fixed + 16.0 * bsz * dat->n, a->what);
	e.n = dat->n;
	e.k = a->k;
	e.weight = 1.0 / dat->m;
	e.values = values;
	ForEachValidationRow(a, dat, bsz, ExactRow, &e);
}

/* Fill the KNN utility tables (rank, order, match by rank) */
static void
KnnTableRow(void *arg, int row, const int *order, const double *match)
{
	ShapleyKnnState *st = arg;
	int32_t    *ord = (int32_t *) st->order + (Size) row * st->n;
	int32_t    *rk = (int32_t *) st->rank + (Size) row * st->n;
	uint8_t    *mt = (uint8_t *) st->match2 + (Size) row * st->n;

	for (int r = 0; r < st->n; r++)
	{
		ord[r] = order[r];
		rk[order[r]] = r;
		mt[r] = (uint8_t) lround(2.0 * match[order[r]]);
	}
}

/* Build the KNN oracle (memory checked against pgpref.max_memory) */
static void
BuildKnn(const ShapleyArgs *a, ShapleyData *dat, ShapleyUtility *u, ShapleyKnnState *st)
{
	Size		mn = (Size) dat->m * dat->n;
	double		fixed = DataBytes(dat) + WorkBytes(dat) + 9.0 * mn + 4.0 * dat->m * a->k;
	int			bsz = BlockRows(dat, fixed);

	PrefCheckMemory(fixed + 16.0 * bsz * dat->n, a->what);
	st->n = dat->n;
	st->m = dat->m;
	st->k = a->k;
	st->rank = MemoryContextAllocHuge(CurrentMemoryContext, sizeof(int32_t) * mn);
	st->order = MemoryContextAllocHuge(CurrentMemoryContext, sizeof(int32_t) * mn);
	st->match2 = MemoryContextAllocHuge(CurrentMemoryContext, mn);
	st->top = palloc(sizeof(int32_t) * (Size) dat->m * a->k);
	st->cnt = palloc0(sizeof(int32_t) * (Size) dat->m);
	ForEachValidationRow(a, dat, bsz, KnnTableRow, st);
	shapley_knn_utility(u, st);
}

/* Build the logistic oracle: two classes, 0/1 targets */
static void
BuildLogit(const ShapleyArgs *a, ShapleyData *dat, ShapleyUtility *u, ShapleyLogitState *st)
{
	int64		c0 = dat->y[0],
				c1 = dat->y[0];
	int			d1 = dat->d + 1;
	double	   *y,
			   *vy;

	for (int i = 1; i < dat->n; i++)
	{
		if (dat->y[i] == c0 || dat->y[i] == c1)
			continue;
		if (c0 == c1)
			c1 = dat->y[i];
		else
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("%s: the logistic utility needs two classes, the training labels have more", a->what),
					 errdetail("Labels " INT64_FORMAT ", " INT64_FORMAT " and " INT64_FORMAT " occur.",
							   Min(c0, c1), Max(c0, c1), dat->y[i]),
					 errhint("Use utility => 'knn' for more than two classes.")));
	}
	if (c1 < c0)
	{
		int64		t = c0;

		c0 = c1;
		c1 = t;
	}
	PrefCheckMemory(DataBytes(dat) + 8.0 * ((double) dat->n * (d1 + 4) + (double) dat->m * 2 +
											(double) d1 * (d1 + 3)), a->what);
	y = palloc(sizeof(double) * dat->n);
	vy = palloc(sizeof(double) * dat->m);
	for (int i = 0; i < dat->n; i++)
		y[i] = dat->y[i] == c1 && c1 != c0 ? 1.0 : 0.0;
	/* a validation label that is neither class can never be predicted */
	for (int j = 0; j < dat->m; j++)
		vy[j] = dat->vy[j] == c0 ? 0.0 : (dat->vy[j] == c1 ? 1.0 : -1.0);
	st->n = dat->n;
	st->m = dat->m;
	st->d = dat->d;
	st->x = dat->x;
	st->y = y;
	st->v = dat->v;
	st->vy = vy;
	st->lambda = a->lambda;
	st->w = palloc0(sizeof(double) * d1);
	st->wprev = palloc0(sizeof(double) * d1);
	st->a = MemoryContextAllocHuge(CurrentMemoryContext, sizeof(double) * (Size) dat->n * d1);
	st->h = palloc(sizeof(double) * d1 * d1);
	st->g = palloc(sizeof(double) * d1);
	st->score = palloc(sizeof(double) * Max(2 * dat->n, dat->m));
	st->members = palloc(sizeof(int) * dat->n);
	PrefApplyBlasThreads();
	shapley_logit_utility(u, st);
}

/* Build the Bradley-Terry reward oracle on the pairs' difference vectors */
static void
BuildReward(const ShapleyArgs *a, ShapleyData *dat, ShapleyUtility *u, ShapleyRewardState *st)
{
	int			d = dat->d;

	PrefCheckMemory(DataBytes(dat) + 8.0 * ((double) dat->n * (d + 2) + (double) dat->m +
											(double) d * (d + 5)) + 4.0 * dat->n, a->what);
	st->n = dat->n;
	st->m = dat->m;
	st->d = d;
	st->x = dat->x;
	st->v = dat->v;
	st->lambda = a->lambda;
	st->w = palloc0(sizeof(double) * d);
	st->wnew = palloc0(sizeof(double) * d);
	st->g = palloc0(sizeof(double) * d);
	st->gtot = palloc0(sizeof(double) * d);
	st->step = palloc0(sizeof(double) * d);
	st->h = MemoryContextAllocHuge(CurrentMemoryContext, sizeof(double) * (Size) d * d);
	st->z = MemoryContextAllocHuge(CurrentMemoryContext, sizeof(double) * (Size) dat->n * d);
	st->scratch = palloc(sizeof(double) * 2 * (Size) dat->n);
	st->score = palloc(sizeof(double) * dat->m);
	st->members = palloc(sizeof(int) * dat->n);
	PrefApplyBlasThreads();
	shapley_reward_utility(u, st);
}

/* Ensure a model oracle (failed != NULL) did not fail */
static void
CheckOracle(const ShapleyArgs *a, const int *failed)
{
	if (failed != NULL && *failed != SHAPLEY_OK)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("%s: the %s fit failed on a coalition", a->what,
						a->utility == UTIL_REWARD ? "reward-model" : "logistic"),
				 errhint("Raise lambda.")));
}

/* Largest standard error so far (Welford state) */
static double
LargestSE(int n, const double *m2, int64 t)
{
	double		best = 0.0;

	if (t < 2)
		return NAN;
	for (int i = 0; i < n; i++)
		best = fmax(best, sqrt(m2[i] / (t - 1) / t));
	return best;
}

/* Progress notice every pgpref.progress seconds */
static void
MaybeProgress(const ShapleyArgs *a, TimestampTz start, TimestampTz *last, int64 t, double se)
{
	TimestampTz now;

	if (pgpref_progress_s <= 0)
		return;
	now = GetCurrentTimestamp();
	if (TimestampDifferenceExceeds(*last, now, pgpref_progress_s * 1000))
	{
		double		elapsed = (double) (now - start) / 1e6;
		double		left = elapsed / t * (a->permutations - t);

		ereport(NOTICE,
				(errmsg("%s: " INT64_FORMAT " of %d %s done, largest standard error %.3g, about %.0f s left at most",
						a->what, t, a->permutations,
						a->method == METHOD_BANZHAF ? "samples" : "permutations", se, left)));
		*last = now;
	}
}

/*
 * Convergence test over a window: largest change of any value since the
 * snapshot, relative to the largest absolute value.  Refreshes the snapshot.
 */
static bool
Converged(int n, const double *cur, double *snap, double tolerance, double *rel)
{
	double		change = 0.0,
				scale = 0.0;

	for (int i = 0; i < n; i++)
	{
		change = fmax(change, fabs(cur[i] - snap[i]));
		scale = fmax(scale, fabs(cur[i]));
		snap[i] = cur[i];
	}
	*rel = scale > 0 ? change / scale : (change > 0 ? INFINITY : 0.0);
	return *rel < tolerance;
}

/*
 * Guard around a utility oracle: every evaluation first answers cancel and
 * statement_timeout, so that a single long permutation (a model re-fit per
 * added row) stays interruptible.  The oracles themselves are plain C.
 */
static void
GuardReset(void *state)
{
	ShapleyUtility *inner = state;

	inner->reset(inner->state);
}

static double
GuardAdd(void *state, int i)
{
	ShapleyUtility *inner = state;

	CHECK_FOR_INTERRUPTS();
	return inner->add(inner->state, i);
}

static double
GuardEval(void *state, const unsigned char *member, int size)
{
	ShapleyUtility *inner = state;

	CHECK_FOR_INTERRUPTS();
	return inner->eval(inner->state, member, size);
}

/* Monte-Carlo and leave-one-out values into values[], std errors into se[] */
static void
RunSampled(const ShapleyArgs *a, ShapleyData *dat, double *values, double *se)
{
	int			n = dat->n;
	ShapleyUtility inner,
				u;
	ShapleyKnnState kst;
	ShapleyLogitState lst;
	ShapleyRewardState rst;
	const int  *failed = NULL;
	unsigned char *member = palloc(n);
	double		u_all,
				u_empty;
	int64		t = 0;
	double		rel = NAN;
	bool		converged = false;
	TimestampTz start = GetCurrentTimestamp(),
				last = start;

	if (a->utility == UTIL_KNN)
		BuildKnn(a, dat, &inner, &kst);
	else if (a->utility == UTIL_LOGISTIC)
	{
		BuildLogit(a, dat, &inner, &lst);
		failed = &lst.failed;
	}
	else
	{
		BuildReward(a, dat, &inner, &rst);
		failed = &rst.failed;
	}
	u.state = &inner;
	u.reset = GuardReset;
	u.add = GuardAdd;
	u.eval = GuardEval;

	/* U(empty) is 0 for knn and logistic, 1/2 for reward (every margin 0) */
	memset(member, 0, n);
	u_empty = u.eval(u.state, member, 0);
	memset(member, 1, n);
	u_all = u.eval(u.state, member, n);
	CheckOracle(a, failed);

	if (a->method == METHOD_LOO)
	{
		for (int i = 0; i < n; i++)
		{
			CHECK_FOR_INTERRUPTS();
			member[i] = 0;
			values[i] = u_all - u.eval(u.state, member, n - 1);
			member[i] = 1;
			CheckOracle(a, failed);
		}
		return;
	}

	if (a->method == METHOD_BANZHAF)
	{
		double	   *sum_in = palloc0(sizeof(double) * n),
				   *sq_in = palloc0(sizeof(double) * n),
				   *sum_out = palloc0(sizeof(double) * n),
				   *sq_out = palloc0(sizeof(double) * n),
				   *snap = palloc0(sizeof(double) * n);
		int64	   *cnt_in = palloc0(sizeof(int64) * n),
				   *cnt_out = palloc0(sizeof(int64) * n);
		PrefRng		rng;

		pref_rng_seed(&rng, (uint64_t) a->seed);
		for (t = 1; t <= a->permutations; t++)
		{
			CHECK_FOR_INTERRUPTS();
			shapley_banzhaf_draw(&u, &rng, n, member, sum_in, sq_in, (int64_t *) cnt_in,
								 sum_out, sq_out, (int64_t *) cnt_out);
			CheckOracle(a, failed);
			if (t % CONVERGENCE_WINDOW == 0 || t == a->permutations)
			{
				double		worst = 0.0;

				for (int i = 0; i < n; i++)
				{
					double		mi = cnt_in[i] ? sum_in[i] / cnt_in[i] : 0.0;
					double		mo = cnt_out[i] ? sum_out[i] / cnt_out[i] : 0.0;
					double		vi = cnt_in[i] > 1 ? fmax(0.0, (sq_in[i] - cnt_in[i] * mi * mi) / (cnt_in[i] - 1)) : NAN;
					double		vo = cnt_out[i] > 1 ? fmax(0.0, (sq_out[i] - cnt_out[i] * mo * mo) / (cnt_out[i] - 1)) : NAN;

					values[i] = mi - mo;
					se[i] = sqrt(vi / Max(cnt_in[i], 1) + vo / Max(cnt_out[i], 1));
					worst = fmax(worst, se[i]);
				}
				if (t % CONVERGENCE_WINDOW == 0 && t >= 2 * CONVERGENCE_WINDOW &&
					Converged(n, values, snap, a->tolerance, &rel))
				{
					converged = true;
					break;
				}
				if (t == CONVERGENCE_WINDOW)
					memcpy(snap, values, sizeof(double) * n);
				MaybeProgress(a, start, &last, t, worst);
			}
		}
	}
	else
	{
		double	   *marg = palloc(sizeof(double) * n),
				   *m2 = palloc0(sizeof(double) * n),
				   *snap = palloc0(sizeof(double) * n),
				   *weight = NULL;
		int		   *perm = palloc(sizeof(int) * n);
		PrefRng		rng;

		if (a->method == METHOD_BETA)
		{
			weight = palloc(sizeof(double) * n);
			shapley_beta_weights(n, a->alpha, a->beta, weight);
		}
		pref_rng_seed(&rng, (uint64_t) a->seed);
		for (t = 1; t <= a->permutations; t++)
		{
			CHECK_FOR_INTERRUPTS();
			pref_rng_permutation(&rng, n, perm);
			shapley_permutation(&u, n, perm, u_empty, u_all,
								a->method == METHOD_TMC ? a->truncation : 0.0,
								weight, marg);
			CheckOracle(a, failed);
			shapley_welford(n, marg, t, values, m2);
			if (t % CONVERGENCE_WINDOW == 0)
			{
				if (t >= 2 * CONVERGENCE_WINDOW &&
					Converged(n, values, snap, a->tolerance, &rel))
				{
					converged = true;
					break;
				}
				if (t == CONVERGENCE_WINDOW)
					memcpy(snap, values, sizeof(double) * n);
			}
			MaybeProgress(a, start, &last, t, LargestSE(n, m2, t));
		}
		if (t > a->permutations)
			t = a->permutations;
		for (int i = 0; i < n; i++)
			se[i] = t > 1 ? sqrt(m2[i] / (t - 1) / t) : NAN;
	}
	if (t > a->permutations)
		t = a->permutations;
	ereport(NOTICE,
			(errmsg("%s: %s with %s utility, " INT64_FORMAT " %s, %s",
					a->what, method_names[a->method],
					a->pairs && a->utility == UTIL_KNN ? "pair-knn" : utility_names[a->utility],
					t, a->method == METHOD_BANZHAF ? "samples" : "permutations",
					converged ? "converged" : "budget used"),
			 converged ? errdetail("Largest relative change over the last %d was %.3g, under tol %g.",
								   CONVERGENCE_WINDOW, rel, a->tolerance) : 0));
}

/* Read arguments common to every entry point */
static void
ParseCommon(ShapleyArgs *a)
{
	if (a->k <= 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s: k must be positive, got %d", a->what, a->k)));
	if (a->permutations <= 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s: permutations must be positive, got %d", a->what, a->permutations)));
	if (!(a->tolerance >= 0.0) || !isfinite(a->tolerance))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s: tol must be a finite number >= 0", a->what)));
	if (!(a->truncation >= 0.0) || !isfinite(a->truncation))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s: truncation must be a finite number >= 0", a->what)));
	if (!(a->alpha > 0.0) || !(a->beta > 0.0) || !isfinite(a->alpha) || !isfinite(a->beta))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s: alpha and beta must be positive and finite", a->what)));
	if (!(a->lambda > 0.0) || !isfinite(a->lambda))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s: lambda must be positive and finite", a->what)));
}

/*
 * Run a valuation and return its rows; any_id: the overload with id_type
 * (ids returned in the type of result column 0), else integer ids
 */
static Datum
RunValuation(FunctionCallInfo fcinfo, ShapleyArgs *a, const char *train_sql, const char *valid_sql,
			 bool any_id)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	ShapleyData dat = {0};
	double	   *values,
			   *se = NULL;
	MemoryContext work,
				old;

	ParseCommon(a);
	InitMaterializedSRF(fcinfo, 0);
	work = AllocSetContextCreate(CurrentMemoryContext, "pgpref shapley", ALLOCSET_DEFAULT_SIZES);
	old = MemoryContextSwitchTo(work);

	if (!ReadData(train_sql, valid_sql, a,
				  any_id ? PrefIdTypeOfResult(fcinfo, 0) : PREF_ID_INTEGER, &dat))
	{
		/* no training rows: nothing to value (docs/conventions.md) */
		MemoryContextSwitchTo(old);
		MemoryContextDelete(work);
		return (Datum) 0;
	}
	values = palloc0(sizeof(double) * dat.n);
	if (a->method == METHOD_EXACT)
		RunExact(a, &dat, values);
	else
	{
		se = palloc0(sizeof(double) * dat.n);
		RunSampled(a, &dat, values, se);
	}

	MemoryContextSwitchTo(old);
	for (int i = 0; i < dat.n; i++)
	{
		Datum		vals[3];
		bool		nulls[3] = {false, false, false};

		vals[0] = PrefIdDatum(dat.ids, dat.id[i]);
		vals[1] = Float8GetDatum(values[i]);
		if (se == NULL || a->method == METHOD_LOO || isnan(se[i]))
			nulls[2] = true;
		else
			vals[2] = Float8GetDatum(se[i]);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, vals, nulls);
	}
	MemoryContextDelete(work);
	return (Datum) 0;
}

/*
 * pref.knn_shapley(train_sql, valid_sql, [id_type,] k, metric): exact
 * KNN-Shapley; idarg is the position of id_type or -1
 */
static Datum
RunKnnShapley(FunctionCallInfo fcinfo, int idarg)
{
	ShapleyArgs a = {0};

	a.what = "knn_shapley";
	for (int i = 0; i < 4; i++)
		CheckNotNull(fcinfo, ARGNO(i), a.what, (const char *[]) {"train_sql", "valid_sql", "k", "metric"}[i]);
	a.method = METHOD_EXACT;
	a.utility = UTIL_KNN;
	a.single_ok = true;
	a.k = PG_GETARG_INT32(ARGNO(2));
	a.metric = PrefParseOption(text_to_cstring(PG_GETARG_TEXT_PP(ARGNO(3))), metric_names, "metric");
	a.permutations = 1;
	a.alpha = a.beta = a.lambda = 1.0;
	return RunValuation(fcinfo, &a, text_to_cstring(PG_GETARG_TEXT_PP(ARGNO(0))),
						text_to_cstring(PG_GETARG_TEXT_PP(ARGNO(1))), idarg >= 0);
}

/*
 * pref.data_shapley(train_sql, valid_sql, [id_type,] method, utility,
 * permutations, seed, tolerance (tol with id_type), k, metric, alpha, beta,
 * truncation, lambda); idarg is the position of id_type or -1
 */
static Datum
RunDataShapley(FunctionCallInfo fcinfo, int idarg)
{
	static const char *const names[] = {"train_sql", "valid_sql", "method", "utility",
		"permutations", "seed", "tol", "k", "metric", "alpha", "beta", "truncation", "lambda"};
	ShapleyArgs a = {0};

	a.what = "data_shapley";
	for (int i = 0; i < 13; i++)
		CheckNotNull(fcinfo, ARGNO(i), a.what, i == 6 && idarg >= 0 ? "tol" : names[i]);
	a.method = 1 + PrefParseOption(text_to_cstring(PG_GETARG_TEXT_PP(ARGNO(2))), data_method_names, "method");
	a.utility = PrefParseOption(text_to_cstring(PG_GETARG_TEXT_PP(ARGNO(3))), data_utility_names, "utility");
	a.permutations = PG_GETARG_INT32(ARGNO(4));
	a.seed = PG_GETARG_INT64(ARGNO(5));
	a.tolerance = PG_GETARG_FLOAT8(ARGNO(6));
	a.k = PG_GETARG_INT32(ARGNO(7));
	a.metric = PrefParseOption(text_to_cstring(PG_GETARG_TEXT_PP(ARGNO(8))), metric_names, "metric");
	a.alpha = PG_GETARG_FLOAT8(ARGNO(9));
	a.beta = PG_GETARG_FLOAT8(ARGNO(10));
	a.truncation = PG_GETARG_FLOAT8(ARGNO(11));
	a.lambda = PG_GETARG_FLOAT8(ARGNO(12));
	return RunValuation(fcinfo, &a, text_to_cstring(PG_GETARG_TEXT_PP(ARGNO(0))),
						text_to_cstring(PG_GETARG_TEXT_PP(ARGNO(1))), idarg >= 0);
}

/*
 * pref.pair_shapley(train_sql, valid_sql, [id_type,] method, k, metric,
 * permutations, seed, tolerance (tol with id_type), alpha, beta,
 * truncation, utility, lambda): utility auto is knn for method exact (the
 * only utility with an exact recursion) and the Bradley-Terry reward model
 * for the Monte-Carlo methods.  idarg is the position of id_type or -1.
 */
static Datum
RunPairShapley(FunctionCallInfo fcinfo, int idarg)
{
	static const char *const names[] = {"train_sql", "valid_sql", "method", "k", "metric",
		"permutations", "seed", "tol", "alpha", "beta", "truncation", "utility", "lambda"};
	ShapleyArgs a = {0};
	int			util;

	a.what = "pair_shapley";
	for (int i = 0; i < 13; i++)
		CheckNotNull(fcinfo, ARGNO(i), a.what, i == 7 && idarg >= 0 ? "tol" : names[i]);
	a.pairs = true;
	a.method = PrefParseOption(text_to_cstring(PG_GETARG_TEXT_PP(ARGNO(2))), method_names, "method");
	util = PrefParseOption(text_to_cstring(PG_GETARG_TEXT_PP(ARGNO(11))), pair_utility_names, "utility");
	if (util == PAIR_UTIL_AUTO)
		util = a.method == METHOD_EXACT ? PAIR_UTIL_KNN : PAIR_UTIL_REWARD;
	if (util == PAIR_UTIL_REWARD && a.method == METHOD_EXACT)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("pair_shapley: method exact needs the knn utility"),
				 errdetail("Only the KNN utility has an exact closed form (Jia et al. 2019)."),
				 errhint("Use utility => 'knn' with method => 'exact', or method tmc, beta, banzhaf or loo with utility => 'reward'.")));
	a.utility = util == PAIR_UTIL_KNN ? UTIL_KNN : UTIL_REWARD;
	a.k = PG_GETARG_INT32(ARGNO(3));
	a.metric = PrefParseOption(text_to_cstring(PG_GETARG_TEXT_PP(ARGNO(4))), metric_names, "metric");
	a.permutations = PG_GETARG_INT32(ARGNO(5));
	a.seed = PG_GETARG_INT64(ARGNO(6));
	a.tolerance = PG_GETARG_FLOAT8(ARGNO(7));
	a.alpha = PG_GETARG_FLOAT8(ARGNO(8));
	a.beta = PG_GETARG_FLOAT8(ARGNO(9));
	a.truncation = PG_GETARG_FLOAT8(ARGNO(10));
	a.lambda = PG_GETARG_FLOAT8(ARGNO(12));
	return RunValuation(fcinfo, &a, text_to_cstring(PG_GETARG_TEXT_PP(ARGNO(0))),
						text_to_cstring(PG_GETARG_TEXT_PP(ARGNO(1))), idarg >= 0);
}

PG_FUNCTION_INFO_V1(pref_knn_shapley);

/* pref.knn_shapley(train_sql, valid_sql, k, metric): integer ids, returned as bigint */
Datum
pref_knn_shapley(PG_FUNCTION_ARGS)
{
	return RunKnnShapley(fcinfo, -1);
}

PG_FUNCTION_INFO_V1(pref_knn_shapley_any);

/* pref.knn_shapley(train_sql, valid_sql, id_type, ...): ids of type id_type */
Datum
pref_knn_shapley_any(PG_FUNCTION_ARGS)
{
	return RunKnnShapley(fcinfo, 2);
}

PG_FUNCTION_INFO_V1(pref_data_shapley);

/* pref.data_shapley(train_sql, valid_sql, method, ...): integer ids, returned as bigint */
Datum
pref_data_shapley(PG_FUNCTION_ARGS)
{
	return RunDataShapley(fcinfo, -1);
}

PG_FUNCTION_INFO_V1(pref_data_shapley_any);

/* pref.data_shapley(train_sql, valid_sql, id_type, ...): ids of type id_type */
Datum
pref_data_shapley_any(PG_FUNCTION_ARGS)
{
	return RunDataShapley(fcinfo, 2);
}

PG_FUNCTION_INFO_V1(pref_pair_shapley);

/* pref.pair_shapley(train_sql, valid_sql, method, ...): integer ids, returned as bigint */
Datum
pref_pair_shapley(PG_FUNCTION_ARGS)
{
	return RunPairShapley(fcinfo, -1);
}

PG_FUNCTION_INFO_V1(pref_pair_shapley_any);

/* pref.pair_shapley(train_sql, valid_sql, id_type, ...): ids of type id_type */
Datum
pref_pair_shapley_any(PG_FUNCTION_ARGS)
{
	return RunPairShapley(fcinfo, 2);
}
