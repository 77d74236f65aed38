/*
 * calib.c - calibration of probabilities against outcomes: the aggregate
 * pref.calibration (ECE, MCE, Brier score, log loss) with a float8[] state,
 * and pref.reliability_bins for reliability diagrams.
 */
#include "postgres.h"

#include <math.h>

#include "catalog/pg_type.h"
#include "fmgr.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"

#include "common.h"
#include "curation_core.h"
#include "query.h"

#define DEFAULT_BINS 10

/* Ensure bins is in range */
static int
CheckBins(int64 bins)
{
	if (bins < 1 || bins > CALIB_MAX_BINS)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("bins must be between 1 and %d", CALIB_MAX_BINS),
				 errdetail("Got " INT64_FORMAT ".", bins)));
	return (int) bins;
}

/* Ensure p is a probability */
static void
CheckProb(double p)
{
	if (isnan(p) || p < 0 || p > 1)
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("probability must be between 0 and 1"),
				 errdetail("Got %g.", p)));
}

static void BadState(const char *detail) pg_attribute_noreturn();

/* Error for an invalid calibration state */
static void
BadState(const char *detail)
{
	ereport(ERROR,
			(errcode(ERRCODE_DATA_EXCEPTION),
			 errmsg("invalid calibration state"),
			 errdetail("%s", detail),
			 errhint("Pass a state built by pref.calibration_state, or '{}' for an empty one.")));
}

/* Largest count a state may hold: integers are exact in float8 below 2^53 */
#define CALIB_MAX_COUNT 9007199254740992.0

/* Ensure x is a whole count in [0, 2^53] */
static bool
IsCount(double x)
{
	return x >= 0 && x <= CALIB_MAX_COUNT && x == floor(x);
}

/*
 * Validate the shape of a float8[] calibration state (users can call the
 * support functions directly and pass any array): one dimension, no NULLs,
 * a whole bin count in range, the length it implies, and finite, whole,
 * non-negative row count and sums in the header.  Returns its data, or NULL
 * for the empty state '{}'.  O(1): CheckBin and CheckState check the bins.
 */
static double *
CheckStateHeader(ArrayType *arr)
{
	int			n;
	double	   *d;

	if (ARR_ELEMTYPE(arr) != FLOAT8OID || ARR_NDIM(arr) > 1 || ARR_HASNULL(arr))
		BadState("The state must be a one-dimensional float8[] without NULLs.");
	n = ARR_NDIM(arr) == 0 ? 0 : ARR_DIMS(arr)[0];
	if (n == 0)
		return NULL;
	d = (double *) ARR_DATA_PTR(arr);
	if (n < CALIB_HEADER)
		BadState(psprintf("The state has %d elements, fewer than its %d header elements.", n, CALIB_HEADER));
	if (!(d[0] >= 1 && d[0] <= CALIB_MAX_BINS && d[0] == floor(d[0])))
		BadState(psprintf("The first element (the bin count) must be a whole number between 1 and %d.",
						  CALIB_MAX_BINS));
	if (n != CALIB_STATE_LEN((int) d[0]))
		BadState(psprintf("A state with %d bins has %d elements, not %d.",
						  (int) d[0], CALIB_STATE_LEN((int) d[0]), n));
	if (!IsCount(d[1]))
		BadState("The row count (element 2) must be a whole number >= 0.");
	if (!(d[2] >= 0 && d[2] <= d[1]))
		BadState("The sum of squared errors (element 3) must be between 0 and the row count.");
	if (!(d[3] >= 0 && isfinite(d[3])))
		BadState("The sum of log losses (element 4) must be finite and >= 0.");
	return d;
}

/* Validate bin b of a state: whole count >= 0, sums of p and y in [0, count] */
static void
CheckBin(const double *st, int b)
{
	const double *bin = st + CALIB_HEADER + 3 * b;

	if (!IsCount(bin[0]) || !(bin[1] >= 0 && bin[1] <= bin[0]) ||
		!(bin[2] >= 0 && bin[2] <= bin[0] && bin[2] == floor(bin[2])))
		BadState(psprintf("Bin %d must hold a whole count >= 0, a sum of probabilities between 0 and the count, "
						  "and a whole number of positive outcomes between 0 and the count.", b + 1));
}

/* Validate a whole state (header, every bin, counts adding up); NULL if empty */
static double *
CheckState(ArrayType *arr)
{
	double	   *st = CheckStateHeader(arr);
	double		total = 0;
	int			bins;

	if (st == NULL)
		return NULL;
	bins = (int) st[0];
	for (int b = 0; b < bins; b++)
	{
		CheckBin(st, b);
		total += st[CALIB_HEADER + 3 * b];
	}
	if (total != st[1])
		BadState("The bin counts do not add up to the row count.");
	return st;
}

/* A new state array with bins bins */
static ArrayType *
NewStateArray(int bins)
{
	int			len = CALIB_STATE_LEN(bins);
	Datum	   *d = palloc(sizeof(Datum) * len);
	ArrayType  *arr;

	for (int i = 0; i < len; i++)
		d[i] = Float8GetDatum(0);
	arr = construct_array(d, len, FLOAT8OID, sizeof(float8), FLOAT8PASSBYVAL, TYPALIGN_DOUBLE);
	calib_init((double *) ARR_DATA_PTR(arr), bins);
	return arr;
}

/*
 * Transition body: state (may be NULL), probability, outcome; NULL rows
 * skipped.  The state's shape and the bin the row lands in are checked on
 * every call; the whole state in combine, final and reliability_bins.
 */
static Datum
CalibAccum(FunctionCallInfo fcinfo, int bins)
{
	ArrayType  *arr = PG_ARGISNULL(0) ? NULL : PG_GETARG_ARRAYTYPE_P(0);
	double	   *st = arr ? CheckStateHeader(arr) : NULL;
	double		p;
	int			b;

	if (PG_ARGISNULL(1) || PG_ARGISNULL(2))
	{
		if (arr == NULL)
			PG_RETURN_NULL();
		PG_RETURN_ARRAYTYPE_P(arr);
	}
	p = PG_GETARG_FLOAT8(1);
	CheckProb(p);

	if (st == NULL)
	{
		arr = NewStateArray(bins);
		st = (double *) ARR_DATA_PTR(arr);
	}
	else if ((int) st[0] != bins)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("bins must be the same for every row of a group"),
				 errdetail("The state has %d bins; this row asks for %d.", (int) st[0], bins)));
	else if (!AggCheckCallContext(fcinfo, NULL) && (Pointer) arr == DatumGetPointer(PG_GETARG_DATUM(0)))
	{
		/* called directly: do not scribble on the input */
		arr = DatumGetArrayTypePCopy(PG_GETARG_DATUM(0));
		st = (double *) ARR_DATA_PTR(arr);
	}
	b = Min(Max((int) floor(p * bins), 0), bins - 1);
	CheckBin(st, b);
	if (st[1] >= CALIB_MAX_COUNT)
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("calibration state holds too many rows")));
	calib_add(st, p, PG_GETARG_BOOL(2));
	PG_RETURN_ARRAYTYPE_P(arr);
}

PG_FUNCTION_INFO_V1(pref_calibration_accum_bins);

/* Transition: state, probability, outcome, bins; NULL rows skipped */
Datum
pref_calibration_accum_bins(PG_FUNCTION_ARGS)
{
	if (PG_ARGISNULL(3))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("bins must not be NULL")));
	return CalibAccum(fcinfo, CheckBins(PG_GETARG_INT32(3)));
}

PG_FUNCTION_INFO_V1(pref_calibration_accum);

/* Transition: state, probability, outcome with 10 bins; NULL rows skipped */
Datum
pref_calibration_accum(PG_FUNCTION_ARGS)
{
	/* 0.1.0's four-argument signature names this entry point too */
	if (PG_NARGS() > 3)
		return pref_calibration_accum_bins(fcinfo);
	return CalibAccum(fcinfo, DEFAULT_BINS);
}

PG_FUNCTION_INFO_V1(pref_calibration_combine);

/* Combine two states with the same bins (strict: NULL states never arrive) */
Datum
pref_calibration_combine(PG_FUNCTION_ARGS)
{
	ArrayType  *a1 = PG_GETARG_ARRAYTYPE_P(0);
	ArrayType  *a2 = PG_GETARG_ARRAYTYPE_P(1);
	double	   *s1 = CheckState(a1);
	double	   *s2 = CheckState(a2);

	if (s2 == NULL)
		PG_RETURN_ARRAYTYPE_P(a1);
	if (s1 == NULL)
		PG_RETURN_ARRAYTYPE_P(a2);
	if (s1[0] != s2[0])
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("cannot combine calibration states with %d and %d bins", (int) s1[0], (int) s2[0])));
	if (s1[1] + s2[1] > CALIB_MAX_COUNT)
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("calibration state holds too many rows")));
	if (!AggCheckCallContext(fcinfo, NULL) && (Pointer) a1 == DatumGetPointer(PG_GETARG_DATUM(0)))
	{
		/* called directly: do not scribble on the input */
		a1 = DatumGetArrayTypePCopy(PG_GETARG_DATUM(0));
		s1 = (double *) ARR_DATA_PTR(a1);
	}
	calib_merge(s1, s2);
	PG_RETURN_ARRAYTYPE_P(a1);
}

PG_FUNCTION_INFO_V1(pref_calibration_final);

/* (n, bins, ece, mce, brier, log_loss); NULL for empty input */
Datum
pref_calibration_final(PG_FUNCTION_ARGS)
{
	double	   *st = CheckState(PG_GETARG_ARRAYTYPE_P(0));
	TupleDesc	tupdesc;
	CalibSummary sm;
	Datum		values[6];
	bool		nulls[6] = {0};

	if (st == NULL || st[1] == 0)
		PG_RETURN_NULL();
	tupdesc = PrefResultDesc(fcinfo);
	calib_summary(st, &sm);
	values[0] = Int64GetDatum((int64) sm.n);
	values[1] = Int32GetDatum((int) st[0]);
	values[2] = Float8GetDatum(sm.ece);
	values[3] = Float8GetDatum(sm.mce);
	values[4] = Float8GetDatum(sm.brier);
	values[5] = Float8GetDatum(sm.log_loss);
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(tupdesc, values, nulls)));
}

/* Emit one row per bin of a state */
static void
EmitBins(FunctionCallInfo fcinfo, const double *st)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	int			bins = (int) st[0];

	for (int b = 0; b < bins; b++)
	{
		const double *bin = st + CALIB_HEADER + 3 * b;
		Datum		values[6];
		bool		nulls[6] = {0};

		values[0] = Int32GetDatum(b + 1);
		values[1] = Float8GetDatum((double) b / bins);
		values[2] = Float8GetDatum((double) (b + 1) / bins);
		if (bin[0] > 0)
		{
			values[3] = Float8GetDatum(bin[1] / bin[0]);
			values[4] = Float8GetDatum(bin[2] / bin[0]);
		}
		else
			nulls[3] = nulls[4] = true;
		values[5] = Int64GetDatum((int64) bin[0]);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
}

PG_FUNCTION_INFO_V1(pref_reliability_bins);

/* Reliability diagram rows from an inner query (probability, outcome) */
Datum
pref_reliability_bins(PG_FUNCTION_ARGS)
{
	static const PrefQueryColumn cols[] = {
		{"probability", PREF_COL_FLOAT8, false, false},
		{"outcome", PREF_COL_BOOL, false, false},
	};
	PrefQueryResult *res;
	double	   *st;
	int			bins;

	if (PG_ARGISNULL(0) || PG_ARGISNULL(1))
		ereport(ERROR, (errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
						errmsg("sql and bins must not be NULL")));
	bins = CheckBins(PG_GETARG_INT32(1));
	InitMaterializedSRF(fcinfo, 0);
	res = PrefReadQuery(text_to_cstring(PG_GETARG_TEXT_PP(0)), cols, 2, "reliability_bins");
	st = palloc(sizeof(double) * CALIB_STATE_LEN(bins));
	calib_init(st, bins);
	for (int64 i = 0; i < res->nrows; i++)
	{
		double		p = PREF_QUERY_FLOAT8(res, 0)[i];

		CheckProb(p);
		calib_add(st, p, PREF_QUERY_BOOL(res, 1)[i]);
	}
	if (res->skipped > 0)
		ereport(NOTICE,
				(errmsg("reliability_bins: skipped " INT64_FORMAT " rows with NULLs", res->skipped)));
	EmitBins(fcinfo, st);
	PG_RETURN_NULL();
}

PG_FUNCTION_INFO_V1(pref_reliability_bins_state);

/* Reliability diagram rows from a calibration state (pref.calibration_state) */
Datum
pref_reliability_bins_state(PG_FUNCTION_ARGS)
{
	double	   *st = CheckState(PG_GETARG_ARRAYTYPE_P(0));

	InitMaterializedSRF(fcinfo, 0);
	if (st != NULL)
		EmitBins(fcinfo, st);
	PG_RETURN_NULL();
}
