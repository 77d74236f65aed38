/*
 * subset.c - SQL glue for subset selection: pref.select_subset,
 * pref.near_duplicates (connected components here, representatives in
 * selmerge_core.c) and pref.pareto_front.  Reads the inner query with
 * PrefReadQuery, checks options, sizes memory under pgpref.max_memory and
 * hands dense arrays to the numeric core in subset_core.c.
 */
#include "postgres.h"

#include <math.h>

#include "fmgr.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/timestamp.h"
#include "utils/tuplestore.h"
#include "catalog/pg_type.h"

#include "common.h"
#include "query.h"
#include "rng.h"
#include "selmerge_core.h"
#include "subset.h"
#include "subset_core.h"

#define METHOD_FL		0
#define METHOD_KCENTER	1
#define METHOD_DPP		2
#define METHOD_MMR		3

static const char *const method_names[] = {"facility_location", "k_center", "dpp", "mmr", NULL};
static const char *const metric_names[] = {"cosine", "l2", NULL};
static const char *const greedy_names[] = {"lazy", "naive", "stochastic", NULL};
static const char *const grouping_names[] = {"component", "representative", NULL};

#define GROUPING_COMPONENT		0
#define GROUPING_REPRESENTATIVE	1

/* One group holding more than this share and this many rows draws a WARNING */
#define NEARDUP_WARN_SHARE	0.5
#define NEARDUP_WARN_ROWS	100

/* Rows per near-duplicate block are limited to about this many bytes */
#define NEARDUP_BLOCK_BYTES (32.0 * 1024 * 1024)

/* Argument number i of the bigint signature, in a call with id_type at idarg */
#define ARGNO(i) (idarg >= 0 && (i) >= idarg ? (i) + 1 : (i))

/* State of the progress notices of one call */
typedef struct SubsetProgressState
{
	const char *what;
	TimestampTz start;
	TimestampTz last;
} SubsetProgressState;

/* Let the numeric core respond to cancel and statement_timeout */
void
SubsetTick(void *arg)
{
	(void) arg;
	CHECK_FOR_INTERRUPTS();
}

/* Progress NOTICE every pgpref.progress seconds (0: never) */
void
SubsetProgress(void *arg, const char *phase, int64_t done, int64_t total)
{
	SubsetProgressState *ps = (SubsetProgressState *) arg;
	TimestampTz now;

	if (pgpref_progress_s <= 0 || ps == NULL)
		return;
	now = GetCurrentTimestamp();
	if (TimestampDifferenceExceeds(ps->last, now, pgpref_progress_s * 1000))
	{
		double		elapsed = (double) (now - ps->start) / 1e6;

		ereport(NOTICE,
				(errmsg("%s: %s: " INT64_FORMAT " of " INT64_FORMAT " done after %.0f s",
						ps->what, phase, (int64) done, (int64) total, elapsed)));
		ps->last = now;
	}
}

/* Start the progress clock of a call */
void *
SubsetProgressStart(const char *what)
{
	SubsetProgressState *ps = palloc(sizeof(SubsetProgressState));

	ps->what = what;
	ps->start = ps->last = GetCurrentTimestamp();
	return ps;
}

/* Ensure a text argument is not NULL and return it as a C string */
char *
SubsetTextArg(FunctionCallInfo fcinfo, int argno, const char *name)
{
	if (PG_ARGISNULL(argno))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("%s must not be NULL", name)));
	return text_to_cstring(PG_GETARG_TEXT_PP(argno));
}

/* Ensure an optional float argument is finite and in [lo, hi] (open ends if flagged) */
double
SubsetFloatArg(FunctionCallInfo fcinfo, int argno, const char *name, double dflt,
		 double lo, bool lo_open, double hi, bool hi_open)
{
	double		v;

	if (PG_ARGISNULL(argno))
		return dflt;
	v = PG_GETARG_FLOAT8(argno);
	if (!isfinite(v) || v < lo || v > hi || (lo_open && v == lo) || (hi_open && v == hi))
	{
		if (hi >= 1e300)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("%s must be finite and %s %g", name,
							lo_open ? "greater than" : "at least", lo),
					 errdetail("Got %g.", v)));
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s must be in %s%g, %g%s", name, lo_open ? "(" : "[", lo,
						hi, hi_open ? ")" : "]"),
				 errdetail("Got %g.", v)));
	}
	return v;
}

/* Order int64 keys ascending (qsort_arg comparator) */
static int
Int64KeyCmp(const void *a, const void *b, void *arg)
{
	int64		x = *(const int64 *) a,
				y = *(const int64 *) b;

	(void) arg;
	return x < y ? -1 : (x > y ? 1 : 0);
}

/* Output function of an array element type (for messages) */
static Oid
ElementOutput(Oid elt)
{
	Oid			out;
	bool		isvarlena;

	getTypeOutputInfo(elt, &out, &isvarlena);
	return out;
}

/*
 * PrefReadQueryIds, with a hint added to the shared reader's mismatched
 * dimension error: it names the query row (kept rows only), so tell the
 * user how to find the ids of the offending rows; a NOTICE for rows
 * skipped for NULLs.
 */
PrefQueryResult *
SubsetReadRows(const char *sql, const PrefQueryColumn *cols, int ncols, const char *what,
			   Oid id_type, const char *nullcols)
{
	MemoryContext cxt = CurrentMemoryContext;
	PrefQueryResult *volatile res = NULL;

	PG_TRY();
	{
		res = PrefReadQueryIds(sql, cols, ncols, what, id_type);
	}
	PG_CATCH();
	{
		ErrorData  *ed;
		int			expected,
					got;

		MemoryContextSwitchTo(cxt);
		ed = CopyErrorData();
		if (ed->sqlerrcode == ERRCODE_DATA_EXCEPTION && ed->hint == NULL &&
			sscanf(ed->message, "different dimensions %d and %d", &expected, &got) == 2)
		{
			FlushErrorState();
			ed->hint = psprintf("The row number counts the rows the query returned, without rows skipped for NULLs. "
								"The ids: SELECT %s FROM (<query>) q WHERE cardinality(%s) <> %d.",
								cols[0].name, cols[1].name, expected);
			ReThrowError(ed);
		}
		FreeErrorData(ed);
		PG_RE_THROW();
	}
	PG_END_TRY();
	if (res->skipped > 0)
		ereport(NOTICE,
				(errmsg("%s: skipped " INT64_FORMAT " rows with NULL %s", what, res->skipped, nullcols)));
	return res;
}

/*
 * Fill the common part of SubsetData from a query result, its rows sorted
 * by id; error on duplicate ids and zero vectors
 */
void
SubsetPrepareRows(SubsetData *sd, PrefQueryResult *res, int metric, double gamma, bool has_gamma,
				  const char *what)
{
	int64		bad;

	PrefSortResultById(res, 0, what, true);
	memset(sd, 0, sizeof(*sd));
	sd->n = res->nrows;
	sd->d = res->dim[1];
	sd->id = PREF_QUERY_ID(res, 0);
	sd->metric = metric;
	sd->gamma = has_gamma ? gamma : 1.0 / (double) sd->d;
	sd->tick = SubsetTick;
	sd->progress = SubsetProgress;
	sd->tick_arg = SubsetProgressStart(what);
	if (res->single[1])
	{
		/* real[] rows kept as floats: k-center under l2 reads them as they are */
		Assert(metric == SUBSET_L2);
		sd->xf = PREF_QUERY_SINGLE(res, 1);
		return;
	}
	sd->x = PREF_QUERY_VECTOR(res, 1);
	sd->sqnorm = metric == SUBSET_L2 ?
		palloc_extended(sizeof(double) * Max(sd->n, 1), MCXT_ALLOC_HUGE) : NULL;
	bad = subset_prepare(sd);
	if (bad >= 0)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("%s: embedding of id %s is a zero vector", what, PrefIdString(res->ids[0], sd->id[bad])),
				 errdetail("Cosine similarity is undefined for a zero vector."),
				 errhint("Use metric => 'l2', or leave such rows out of the query.")));
}

/* Bytes the query result already holds */
static double
ResultBytes(const PrefQueryResult *res, int64 n)
{
	double		b = 0;

	for (int c = 0; c < res->ncols; c++)
		b += (double) n * res->width[c];
	return b;
}

/*
 * pref.select_subset(sql, k, [id_type,] method, metric, lambda, greedy,
 * epsilon, gamma, seed, initial, n_neighbors, single_precision) -> (id,
 * pick, gain, objective) in pick order.  idarg is the position of id_type,
 * or -1 for the bigint signature.
 */
static Datum
RunSelectSubset(FunctionCallInfo fcinfo, int idarg)
{
	PrefQueryColumn cols[] = {
		{"id", PREF_COL_ID, false, false},
		{"embedding", PREF_COL_VECTOR, false, false},
		{"quality", PREF_COL_FLOAT8, true, false},
	};
	const char *what = "select_subset";
	char	   *sql;
	int32		k;
	int			method,
				metric,
				greedy;
	double		lambda = 0,
				epsilon = 0,
				gamma = 0;
	uint64		seed = 0;
	bool		has_seed = !PG_ARGISNULL(ARGNO(8));
	PrefQueryResult *res;
	SubsetData	sd;
	SubsetResult out;
	int64		n,
				ninit = 0,
				kk;
	int64	   *init = NULL;
	double		need;
	size_t		work_bytes = 0;
	void	   *work;
	int			rc = SUBSET_OK;
	char	   *tmp;
	SubsetFLParams flp;
	const PrefIdMap *ids;
	int64		n_neighbors = 0;
	/* NULL (the default): float storage for dense facility location; false: double */
	bool		single = !PG_ARGISNULL(ARGNO(11)) && PG_GETARG_BOOL(ARGNO(11));
	bool		double_storage = !PG_ARGISNULL(ARGNO(11)) && !PG_GETARG_BOOL(ARGNO(11));

	sql = SubsetTextArg(fcinfo, ARGNO(0), "sql");
	if (PG_ARGISNULL(ARGNO(1)))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("k must not be NULL")));
	k = PG_GETARG_INT32(ARGNO(1));
	if (k <= 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("k must be positive"),
				 errdetail("Got %d.", k)));
	tmp = SubsetTextArg(fcinfo, ARGNO(2), "method");
	method = PrefParseOption(tmp, method_names, "method");
	tmp = SubsetTextArg(fcinfo, ARGNO(3), "metric");
	metric = PrefParseOption(tmp, metric_names, "metric");
	tmp = SubsetTextArg(fcinfo, ARGNO(5), "greedy");
	greedy = PrefParseOption(tmp, greedy_names, "greedy");

	if (method == METHOD_FL)
		lambda = SubsetFloatArg(fcinfo, ARGNO(4), "lambda", 1.0, 0.0, false, 1e300, false);
	else if (method == METHOD_MMR)
		lambda = SubsetFloatArg(fcinfo, ARGNO(4), "lambda", 0.5, 0.0, false, 1.0, false);
	else if (!PG_ARGISNULL(ARGNO(4)))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("lambda applies only to methods facility_location and mmr")));
	if (method == METHOD_FL && greedy == SUBSET_STOCHASTIC)
		epsilon = SubsetFloatArg(fcinfo, ARGNO(6), "epsilon", 0.01, 0.0, true, 1.0, true);
	else if (method == METHOD_DPP)
		epsilon = SubsetFloatArg(fcinfo, ARGNO(6), "epsilon", 1e-10, 0.0, true, 1e300, false);
	else if (!PG_ARGISNULL(ARGNO(6)))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("epsilon applies only to method dpp and to greedy => 'stochastic'")));
	if (method != METHOD_FL && greedy != SUBSET_LAZY)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("greedy applies only to method facility_location")));
	if (!PG_ARGISNULL(ARGNO(7)) && metric != SUBSET_L2)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("gamma applies only to metric l2")));
	gamma = SubsetFloatArg(fcinfo, ARGNO(7), "gamma", 0.0, 0.0, true, 1e300, false);
	if (!PG_ARGISNULL(ARGNO(10)))
	{
		if (method != METHOD_FL)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("n_neighbors applies only to method facility_location")));
		n_neighbors = PG_GETARG_INT32(ARGNO(10));
		if (n_neighbors <= 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("n_neighbors must be positive"),
					 errdetail("Got " INT64_FORMAT ".", n_neighbors)));
	}
	if (single && (method != METHOD_FL || n_neighbors > 0))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("single_precision applies only to dense facility location (without n_neighbors)")));
	if (has_seed)
		seed = (uint64) PG_GETARG_INT64(ARGNO(8));

	InitMaterializedSRF(fcinfo, 0);

	/*
	 * k-center under l2 computes the distances of float rows in double
	 * (subset_kcenter): real[] rows are read straight into floats, the same
	 * values in half the memory, without the norms or a packing pass
	 */
	if (method == METHOD_KCENTER && metric == SUBSET_L2)
		cols[1].kind = PREF_COL_VECTOR_SINGLE;
	res = SubsetReadRows(sql, cols, 3, what, idarg < 0 ? PREF_ID_INTEGER : PrefIdTypeOfResult(fcinfo, 0),
						 "id, embedding or quality");
	ids = res->ids[0];
	n = res->nrows;
	if (n == 0)
		return (Datum) 0;
	PrefApplyBlasThreads();
	SubsetPrepareRows(&sd, res, metric, gamma, !PG_ARGISNULL(ARGNO(7)), what);
	if (res->ncols == 3)
	{
		sd.quality = PREF_QUERY_FLOAT8(res, 2);
		if (method == METHOD_DPP)
			for (int64 i = 0; i < n; i++)
				if (sd.quality[i] < 0)
					ereport(ERROR,
							(errcode(ERRCODE_DATA_EXCEPTION),
							 errmsg("%s: quality of id %s is negative", what, PrefIdString(ids, sd.id[i])),
							 errdetail("The DPP kernel diag(q) S diag(q) needs non-negative qualities; got %g.",
									   sd.quality[i])));
	}
	else if (method == METHOD_MMR && !PG_ARGISNULL(ARGNO(4)))
		ereport(NOTICE,
				(errmsg("%s: the query has no quality column, so mmr ranks by diversity alone", what)));

	if (!PG_ARGISNULL(ARGNO(9)))
	{
		ArrayType  *arr = PG_GETARG_ARRAYTYPE_P(ARGNO(9));
		Datum	   *elems;
		bool	   *nulls;
		int			nelems;
		Oid			elt = ARR_ELEMTYPE(arr);
		int16		eltlen;
		bool		eltbyval;
		char		eltalign;
		unsigned char *seen = palloc_extended(n, MCXT_ALLOC_HUGE | MCXT_ALLOC_ZERO);

		if (ARR_NDIM(arr) > 1)
			ereport(ERROR,
					(errcode(ERRCODE_DATA_EXCEPTION),
					 errmsg("initial must be a one-dimensional array")));
		get_typlenbyvalalign(elt, &eltlen, &eltbyval, &eltalign);
		deconstruct_array(arr, elt, eltlen, eltbyval, eltalign, &elems, &nulls, &nelems);
		if (idarg >= 0)
		{
			/* text[]: the ids in their text form, read as the id type */
			Oid			typinput,
						typioparam;

			getTypeInputInfo(ids->typid, &typinput, &typioparam);
			for (int e = 0; e < nelems; e++)
				if (!nulls[e])
					elems[e] = OidInputFunctionCall(typinput, TextDatumGetCString(elems[e]),
													typioparam, -1);
			elt = ids->typid;
		}
		init = palloc(sizeof(int64) * Max(nelems, 1));
		for (int e = 0; e < nelems; e++)
		{
			int64		key,
						row;

			if (nulls[e])
				ereport(ERROR,
						(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
						 errmsg("initial must not contain NULL elements")));
			key = PrefIdLookup(ids, elems[e], elt);
			row = key < 0 && !ids->integer ? -1 : PrefFindInt64(sd.id, n, key);
			if (row < 0)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("%s: initial id %s is not in the query result", what,
								OidOutputFunctionCall(ElementOutput(elt), elems[e]))));
			if (seen[row])
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("%s: initial id %s appears more than once", what, PrefIdString(ids, key))));
			seen[row] = 1;
			init[ninit++] = row;
		}
	}

	kk = k;
	if (kk > n - ninit)
	{
		ereport(NOTICE,
				(errmsg("%s: k = %d exceeds the " INT64_FORMAT " rows not yet chosen; returning all of them in pick order",
						what, k, n - ninit)));
		kk = n - ninit;
	}

	need = ResultBytes(res, n) + (double) n * 2 * sizeof(int64) +
		(double) Max(kk, 1) * 3 * sizeof(double);
	switch (method)
	{
		case METHOD_FL:
			{
				double		limit = (double) pgpref_max_memory_kb * 1024.0;

				memset(&flp, 0, sizeof(flp));
				flp.lambda = lambda;
				flp.greedy = greedy;
				flp.epsilon = epsilon;
				flp.seed = seed;
				flp.n_neighbors = Min(n_neighbors, n);
				if (n_neighbors > 0)
				{
					if (n > PG_INT32_MAX)
						ereport(ERROR,
								(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
								 errmsg("%s: n_neighbors supports at most %d rows", what, PG_INT32_MAX)));
					flp.storage = SUBSET_FL_KNN;
				}
				else
				{
					/*
					 * The float matrix only ranks candidates: every pick is
					 * settled on exact gains (subset_facility_location), so
					 * picks, gains and objectives are those of the double
					 * matrix, bit for bit, at half the memory and traffic.
					 */
					flp.storage = double_storage ? SUBSET_FL_DENSE : SUBSET_FL_DENSE_F4;
					/* stochastic greedy needs no matrix: stream when the dense one does not fit */
					if (greedy == SUBSET_STOCHASTIC &&
						need + (double) subset_fl_work(n, sd.d, &flp) > limit)
						flp.storage = SUBSET_FL_STREAM;
				}
				work_bytes = subset_fl_work(n, sd.d, &flp);
				if ((flp.storage == SUBSET_FL_DENSE || flp.storage == SUBSET_FL_DENSE_F4) &&
					need + (double) work_bytes > limit)
				{
					double		cell = flp.storage == SUBSET_FL_DENSE ? 8.0 : 4.0;
					SubsetFLParams alt = flp;
					int64		nn_fit;
					bool		stream_fits;
					char	   *nn_hint = "";

					alt.storage = SUBSET_FL_KNN;
					alt.n_neighbors = 1;
					/* neighbours per row that would fit, at most 100 */
					nn_fit = (int64) floor((limit - need - (double) subset_fl_work(n, sd.d, &alt)) /
										   (12.0 * (double) n)) + 1;
					nn_fit = Min(nn_fit, 100);
					if (nn_fit >= 1)
						nn_hint = psprintf("n_neighbors => " INT64_FORMAT " (sparse nearest-neighbour similarities, memory linear in the rows), ", nn_fit);
					alt.storage = SUBSET_FL_STREAM;
					stream_fits = need + (double) subset_fl_work(n, sd.d, &alt) <= limit;
					ereport(ERROR,
							(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
							 errmsg("%s: dense facility location on " INT64_FORMAT " rows needs %.0f kB for the similarity matrix, more than pgpref.max_memory (%d kB)",
									what, n, ceil((double) n * n * cell / 1024.0), pgpref_max_memory_kb),
							 errhint("Use %s%smethod k_center, dpp or mmr; or raise pgpref.max_memory.",
									 nn_hint, stream_fits ? "greedy => 'stochastic' (no matrix stored), or " : (nn_fit >= 1 ? "or " : ""))));
				}
				break;
			}
		case METHOD_KCENTER:
			work_bytes = subset_kcenter_work(n, sd.d);
			break;
		case METHOD_DPP:
			work_bytes = subset_dpp_work(n, ninit + Max(kk, 1));
			break;
		case METHOD_MMR:
			work_bytes = subset_mmr_work(n);
			break;
	}
	need += (double) work_bytes;
	PrefCheckMemory(need, what);
	if (kk == 0)
		return (Datum) 0;

	work = palloc_extended(Max(work_bytes, 1), MCXT_ALLOC_HUGE);
	out.pick = palloc(sizeof(int64) * kk);
	out.gain = palloc(sizeof(double) * kk);
	out.objective = palloc(sizeof(double) * kk);

	switch (method)
	{
		case METHOD_FL:
			rc = subset_facility_location(&sd, &flp, init, ninit, kk, work, &out);
			break;
		case METHOD_KCENTER:
			{
				int64		start = 0;	/* rows are sorted: the smallest id */

				if (has_seed)
				{
					uint64_t	z = (uint64_t) seed;

					start = (int64) (pref_splitmix64(&z) % (uint64) n);
				}
				rc = subset_kcenter(&sd, start, init, ninit, kk, work, &out);
				break;
			}
		case METHOD_DPP:
			rc = subset_dpp(&sd, epsilon, init, ninit, kk, work, &out);
			break;
		case METHOD_MMR:
			rc = subset_mmr(&sd, lambda, init, ninit, kk, work, &out);
			break;
	}
	if (rc == SUBSET_SINGULAR)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("%s: the initial set is singular under the DPP kernel", what),
				 errdetail("An initial row has a quality of zero or repeats the span of earlier rows (d^2 below epsilon %g).", epsilon)));
	if (method == METHOD_DPP && out.count < kk)
		ereport(NOTICE,
				(errmsg("%s: dpp stopped after " INT64_FORMAT " of %d picks: the next gain is below epsilon %g",
						what, out.count, k, epsilon)));

	SubsetPutPicks(fcinfo, ids, sd.id, &out, ninit);
	return (Datum) 0;
}

/* Return the picks as rows (id, pick, gain, objective) */
void
SubsetPutPicks(FunctionCallInfo fcinfo, const PrefIdMap *ids, const int64 *id,
			   const SubsetResult *out, int64 first_pick)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;

	for (int64 t = 0; t < out->count; t++)
	{
		Datum		values[4];
		bool		nulls[4] = {false, false, false, false};

		values[0] = PrefIdDatum(ids, id[out->pick[t]]);
		values[1] = Int32GetDatum((int32) (first_pick + t + 1));
		values[2] = Float8GetDatum(out->gain[t]);
		nulls[2] = isnan(out->gain[t]);
		values[3] = Float8GetDatum(out->objective[t]);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
}

PG_FUNCTION_INFO_V1(pref_select_subset);

/* pref.select_subset(sql, k, method, ...): integer ids, returned as bigint */
Datum
pref_select_subset(PG_FUNCTION_ARGS)
{
	return RunSelectSubset(fcinfo, -1);
}

PG_FUNCTION_INFO_V1(pref_select_subset_any);

/* pref.select_subset(sql, k, id_type, method, ...): ids of type id_type */
Datum
pref_select_subset_any(PG_FUNCTION_ARGS)
{
	return RunSelectSubset(fcinfo, 2);
}

/*
 * WARNING when one group holds more than half of the rows and more than
 * NEARDUP_WARN_ROWS of them: a sign of chaining (components) or of a
 * threshold too low for the data.  group[] holds ids (keys).
 */
static void
WarnLargeGroup(const int64 *group, int64 n, const PrefIdMap *map,
			   int grouping, double threshold, const char *what)
{
	int64		best = 0,
				bestgroup = 0,
				run = 0;
	int64	   *g = palloc_extended(sizeof(int64) * Max(n, 1), MCXT_ALLOC_HUGE);

	memcpy(g, group, sizeof(int64) * n);
	qsort_arg(g, n, sizeof(int64), Int64KeyCmp, NULL);
	for (int64 i = 0; i < n; i++)
	{
		run = (i > 0 && g[i] == g[i - 1]) ? run + 1 : 1;
		if (run > best)
		{
			best = run;
			bestgroup = g[i];
		}
	}
	pfree(g);
	if (best > NEARDUP_WARN_ROWS && (double) best > NEARDUP_WARN_SHARE * (double) n)
		ereport(WARNING,
				(errmsg("%s: one group holds " INT64_FORMAT " of the " INT64_FORMAT " rows (group_id %s)",
						what, best, n, PrefIdString(map, bestgroup)),
				 errdetail("A group holding more than half of the rows (and more than %d) at threshold %g is rarely a set of duplicates.",
						   NEARDUP_WARN_ROWS, threshold),
				 grouping == GROUPING_COMPONENT ?
				 errhint("Connected components chain: rows join through neighbours that are each similar enough. Use method => 'representative', or raise the threshold.") :
				 errhint("Raise the threshold.")));
}

/*
 * pref.near_duplicates(sql, [id_type,] threshold, metric, gamma, method)
 * -> (id, group_id); idarg is the position of id_type or -1
 */
static Datum
RunNearDuplicates(FunctionCallInfo fcinfo, int idarg)
{
	static const PrefQueryColumn cols[] = {
		{"id", PREF_COL_ID, false, false},
		{"embedding", PREF_COL_VECTOR, false, false},
	};
	const char *what = "near_duplicates";
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	char	   *sql = SubsetTextArg(fcinfo, ARGNO(0), "sql");
	double		threshold;
	int			metric,
				grouping;
	double		gamma;
	PrefQueryResult *res;
	SubsetData	sd;
	int64		n;
	int			block;
	double	   *buf;
	int64	   *parent,
			   *group;
	double		need;

	if (PG_ARGISNULL(ARGNO(1)))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("threshold must not be NULL")));
	threshold = PG_GETARG_FLOAT8(ARGNO(1));
	PrefCheckFinite(threshold, "threshold");
	metric = PrefParseOption(SubsetTextArg(fcinfo, ARGNO(2), "metric"), metric_names, "metric");
	if (!PG_ARGISNULL(ARGNO(3)) && metric != SUBSET_L2)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("gamma applies only to metric l2")));
	gamma = SubsetFloatArg(fcinfo, ARGNO(3), "gamma", 0.0, 0.0, true, 1e300, false);
	grouping = PrefParseOption(SubsetTextArg(fcinfo, ARGNO(4), "method"), grouping_names, "method");

	InitMaterializedSRF(fcinfo, 0);
	res = SubsetReadRows(sql, cols, 2, what, idarg < 0 ? PREF_ID_INTEGER : PrefIdTypeOfResult(fcinfo, 0),
						 "id or embedding");
	n = res->nrows;
	if (n == 0)
		return (Datum) 0;
	PrefApplyBlasThreads();
	SubsetPrepareRows(&sd, res, metric, gamma, !PG_ARGISNULL(ARGNO(3)), what);

	block = (int) Min((double) n, Max(1.0, floor(NEARDUP_BLOCK_BYTES / (sizeof(double) * (double) n))));
	need = ResultBytes(res, n) + (double) block * n * sizeof(double) + (double) n * 3 * sizeof(int64);
	if (grouping == GROUPING_REPRESENTATIVE)
		need += (double) n * sd.d * sizeof(double);
	PrefCheckMemory(need, what);
	buf = palloc_extended(sizeof(double) * (Size) block * n, MCXT_ALLOC_HUGE);
	parent = palloc_extended(sizeof(int64) * n, MCXT_ALLOC_HUGE);
	group = palloc_extended(sizeof(int64) * n, MCXT_ALLOC_HUGE);
	if (grouping == GROUPING_REPRESENTATIVE)
	{
		double	   *repx = palloc_extended(sizeof(double) * (Size) n * sd.d, MCXT_ALLOC_HUGE);

		selmerge_representatives(&sd, threshold, block, buf, repx, parent, group);
		pfree(repx);
		/* representatives come first in id order: their id is the group's smallest */
		for (int64 i = 0; i < n; i++)
			group[i] = sd.id[group[i]];
	}
	else
		subset_near_duplicates(&sd, threshold, block, buf, parent, group);
	WarnLargeGroup(group, n, res->ids[0], grouping, threshold, what);

	for (int64 i = 0; i < n; i++)
	{
		Datum		values[2];
		bool		nulls[2] = {false, false};

		values[0] = PrefIdDatum(res->ids[0], sd.id[i]);
		values[1] = PrefIdDatum(res->ids[0], group[i]);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	return (Datum) 0;
}

PG_FUNCTION_INFO_V1(pref_near_duplicates_grouped);

/* pref.near_duplicates(sql, threshold, ..., method): integer ids, returned as bigint */
Datum
pref_near_duplicates_grouped(PG_FUNCTION_ARGS)
{
	return RunNearDuplicates(fcinfo, -1);
}

PG_FUNCTION_INFO_V1(pref_near_duplicates_grouped_any);

/* pref.near_duplicates(sql, id_type, threshold, ..., method): ids of type id_type */
Datum
pref_near_duplicates_grouped_any(PG_FUNCTION_ARGS)
{
	return RunNearDuplicates(fcinfo, 1);
}

/*
 * pref.pareto_front(sql [, id_type]) -> (id, front): non-dominated sorting,
 * higher is better; any_id: the overload with id_type
 */
static Datum
RunParetoFront(FunctionCallInfo fcinfo, bool any_id)
{
	static const PrefQueryColumn cols[] = {
		{"id", PREF_COL_ID, false, false},
		{"scores", PREF_COL_VECTOR, false, false},
	};
	const char *what = "pareto_front";
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	char	   *sql = SubsetTextArg(fcinfo, 0, "sql");
	PrefQueryResult *res;
	int64		n;
	int32	   *front;
	void	   *work;
	const int64 *id;

	InitMaterializedSRF(fcinfo, 0);
	res = SubsetReadRows(sql, cols, 2, what, any_id ? PrefIdTypeOfResult(fcinfo, 0) : PREF_ID_INTEGER,
						 "id or scores");
	n = res->nrows;
	if (n == 0)
		return (Datum) 0;
	id = PREF_QUERY_INT8(res, 0);
	PrefCheckUniqueIds(res, 0, what);
	PrefCheckMemory(ResultBytes(res, n) + (double) subset_pareto_work(n) + (double) n * (sizeof(int32) + sizeof(int64)), what);
	front = palloc_extended(sizeof(int32) * n, MCXT_ALLOC_HUGE);
	work = palloc_extended(subset_pareto_work(n), MCXT_ALLOC_HUGE);
	subset_pareto(n, res->dim[1], PREF_QUERY_VECTOR(res, 1), front, work, SubsetTick,
				  SubsetProgress, SubsetProgressStart(what));

	for (int64 i = 0; i < n; i++)
	{
		Datum		values[2];
		bool		nulls[2] = {false, false};

		values[0] = PrefIdDatum(res->ids[0], id[i]);
		values[1] = Int32GetDatum(front[i]);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	return (Datum) 0;
}

PG_FUNCTION_INFO_V1(pref_pareto_front);

/* pref.pareto_front(sql): integer ids, returned as bigint */
Datum
pref_pareto_front(PG_FUNCTION_ARGS)
{
	return RunParetoFront(fcinfo, false);
}

PG_FUNCTION_INFO_V1(pref_pareto_front_any);

/* pref.pareto_front(sql, id_type): ids of type id_type */
Datum
pref_pareto_front_any(PG_FUNCTION_ARGS)
{
	return RunParetoFront(fcinfo, true);
}
