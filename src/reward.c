/*
 * reward.c - pref.linear_model (built by ridge_fit and reward_fit), scoring
 * with a model, the held-out evaluation aggregate pref.reward_eval and the
 * ensemble check pref.preference_strength.
 */
#include "postgres.h"

#include <math.h>

#include "access/htup_details.h"
#include "catalog/pg_type.h"
#include "fmgr.h"
#include "funcapi.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/jsonb.h"

#include "common.h"
#include "linalg.h"
#include "reward.h"
#include "reward_core.h"

#define LM_NATTS 12

/* Build the composite pref.linear_model result */
Datum
PrefMakeLinearModel(FunctionCallInfo fcinfo, const PrefLinearModel *m)
{
	TupleDesc	tupdesc;
	Datum		values[LM_NATTS];
	bool		nulls[LM_NATTS] = {false};
	Datum	   *w;

	tupdesc = PrefResultDesc(fcinfo);
	if (tupdesc->natts != LM_NATTS)
		elog(ERROR, "pref.linear_model has %d attributes, expected %d", tupdesc->natts, LM_NATTS);

	w = palloc(sizeof(Datum) * m->dim);
	for (int i = 0; i < m->dim; i++)
		w[i] = Float8GetDatum(m->weights[i]);
	values[0] = CStringGetTextDatum(m->kind);
	values[1] = Int32GetDatum(m->dim);
	values[2] = PointerGetDatum(construct_array(w, m->dim, FLOAT8OID, 8, FLOAT8PASSBYVAL, TYPALIGN_DOUBLE));
	values[3] = Float8GetDatum(m->bias);
	values[4] = Int64GetDatum(m->n_rows);
	values[5] = Int64GetDatum(m->n_skipped);
	values[6] = Int32GetDatum(m->iterations);
	values[7] = BoolGetDatum(m->converged);
	values[8] = Float8GetDatum(m->loss);
	nulls[8] = isnan(m->loss);
	values[9] = Float8GetDatum(m->accuracy);
	nulls[9] = isnan(m->accuracy);
	values[10] = Float8GetDatum(m->r2);
	nulls[10] = isnan(m->r2);
	values[11] = DirectFunctionCall1(jsonb_in, CStringGetDatum(m->options ? m->options : "{}"));
	return HeapTupleGetDatum(heap_form_tuple(tupdesc, values, nulls));
}

/* Weights and bias of a pref.linear_model value */
typedef struct ModelView
{
	int			dim;
	const double *w;
	double		bias;
} ModelView;

/* Ensure a linear_model value is complete and consistent */
static void
ReadModel(HeapTupleHeader t, ModelView *mv)
{
	bool		isnull;
	Datum		d;
	ArrayType  *arr;

	d = GetAttributeByNum(t, 3, &isnull);
	if (isnull)
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("the model has no weights")));
	arr = DatumGetArrayTypeP(d);
	if (ARR_ELEMTYPE(arr) != FLOAT8OID || ARR_NDIM(arr) != 1 || array_contains_nulls(arr))
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("the model's weights must be a one-dimensional double precision array without NULLs")));
	mv->dim = ARR_DIMS(arr)[0];
	mv->w = (const double *) ARR_DATA_PTR(arr);
	for (int i = 0; i < mv->dim; i++)
		if (!isfinite(mv->w[i]))
			ereport(ERROR,
					(errcode(ERRCODE_DATA_EXCEPTION),
					 errmsg("the model's weights must be finite")));
	d = GetAttributeByNum(t, 2, &isnull);
	if (!isnull && DatumGetInt32(d) != mv->dim)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("the model's dim (%d) does not match its %d weights", DatumGetInt32(d), mv->dim)));
	d = GetAttributeByNum(t, 4, &isnull);
	mv->bias = isnull ? 0.0 : DatumGetFloat8(d);
	PrefCheckFinite(mv->bias, "the model's bias");
}

/* Read a vector argument of the model's dimension */
static double *
ReadModelVector(ArrayType *arr, const ModelView *mv, const char *name)
{
	int			dim;
	double	   *x = PrefReadVector(arr, &dim, name);

	if (dim != mv->dim)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("%s has dimension %d, but the model has dimension %d", name, dim, mv->dim)));
	return x;
}

PG_FUNCTION_INFO_V1(pref_reward_score);

/* Reward of one response: w . x + bias (BLAS dot) */
Datum
pref_reward_score(PG_FUNCTION_ARGS)
{
	ModelView	mv;
	double	   *x;

	ReadModel(PG_GETARG_HEAPTUPLEHEADER(0), &mv);
	x = ReadModelVector(PG_GETARG_ARRAYTYPE_P(1), &mv, "x");
	PG_RETURN_FLOAT8(linalg_dot(mv.dim, mv.w, x) + mv.bias);
}

PG_FUNCTION_INFO_V1(pref_reward_margin);

/* Reward margin of a pair: w . (chosen - rejected) */
Datum
pref_reward_margin(PG_FUNCTION_ARGS)
{
	ModelView	mv;
	double	   *c,
			   *r;

	ReadModel(PG_GETARG_HEAPTUPLEHEADER(0), &mv);
	c = ReadModelVector(PG_GETARG_ARRAYTYPE_P(1), &mv, "chosen");
	r = ReadModelVector(PG_GETARG_ARRAYTYPE_P(2), &mv, "rejected");
	linalg_axpy(mv.dim, -1.0, r, c);
	PG_RETURN_FLOAT8(linalg_dot(mv.dim, mv.w, c));
}

/*
 * pref.reward_eval state: float8[6] = {n, sum w, sum w [m > 0] (+ half for
 * ties), sum w softplus(-m), sum w m, sum w m^2}.
 */
#define EVAL_LEN 6

/* Ensure a reward_eval state array is well formed; return its data */
static double *
CheckEvalState(ArrayType *a)
{
	if (ARR_NDIM(a) != 1 || ARR_DIMS(a)[0] != EVAL_LEN || ARR_ELEMTYPE(a) != FLOAT8OID ||
		array_contains_nulls(a))
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("invalid pref.reward_eval state"),
				 errdetail("Expected a double precision array of %d elements.", EVAL_LEN)));
	return (double *) ARR_DATA_PTR(a);
}

/* A fresh or copied state array */
static ArrayType *
EvalStateCopy(const double *src)
{
	Datum		d[EVAL_LEN];

	for (int i = 0; i < EVAL_LEN; i++)
		d[i] = Float8GetDatum(src ? src[i] : 0.0);
	return construct_array(d, EVAL_LEN, FLOAT8OID, 8, FLOAT8PASSBYVAL, TYPALIGN_DOUBLE);
}

PG_FUNCTION_INFO_V1(pref_reward_eval_accum);

/* Transition: add one margin (and optional weight); NULLs are skipped */
Datum
pref_reward_eval_accum(PG_FUNCTION_ARGS)
{
	ArrayType  *state;
	double	   *s;
	double		m,
				w = 1.0;

	if (PG_ARGISNULL(0))
		state = EvalStateCopy(NULL);
	else if (AggCheckCallContext(fcinfo, NULL))
		state = PG_GETARG_ARRAYTYPE_P(0);
	else
		state = PG_GETARG_ARRAYTYPE_P_COPY(0);
	s = CheckEvalState(state);
	if (PG_ARGISNULL(1) || (PG_NARGS() > 2 && PG_ARGISNULL(2)))
		PG_RETURN_ARRAYTYPE_P(state);
	m = PG_GETARG_FLOAT8(1);
	PrefCheckFinite(m, "margin");
	if (PG_NARGS() > 2)
	{
		w = PG_GETARG_FLOAT8(2);
		if (!isfinite(w) || w < 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("weight must be non-negative and finite"),
					 errdetail("Got %g.", w)));
	}
	s[0] += 1;
	s[1] += w;
	s[2] += w * (m > 0 ? 1.0 : (m == 0 ? 0.5 : 0.0));
	s[3] += w * reward_softplus(-m);
	s[4] += w * m;
	s[5] += w * m * m;
	PG_RETURN_ARRAYTYPE_P(state);
}

PG_FUNCTION_INFO_V1(pref_reward_eval_combine);

/* Combine: element-wise sum */
Datum
pref_reward_eval_combine(PG_FUNCTION_ARGS)
{
	ArrayType  *a,
			   *b;
	double	   *sa,
			   *sb;

	if (PG_ARGISNULL(0) && PG_ARGISNULL(1))
		PG_RETURN_NULL();
	if (PG_ARGISNULL(1))
		PG_RETURN_ARRAYTYPE_P(EvalStateCopy(CheckEvalState(PG_GETARG_ARRAYTYPE_P(0))));
	b = PG_GETARG_ARRAYTYPE_P(1);
	sb = CheckEvalState(b);
	if (PG_ARGISNULL(0))
		PG_RETURN_ARRAYTYPE_P(EvalStateCopy(sb));
	a = AggCheckCallContext(fcinfo, NULL) ? PG_GETARG_ARRAYTYPE_P(0) : PG_GETARG_ARRAYTYPE_P_COPY(0);
	sa = CheckEvalState(a);
	for (int i = 0; i < EVAL_LEN; i++)
		sa[i] += sb[i];
	PG_RETURN_ARRAYTYPE_P(a);
}

PG_FUNCTION_INFO_V1(pref_reward_eval_final);

/* Result: (n, accuracy, log_loss, mean_margin, sd_margin), NULL when empty */
Datum
pref_reward_eval_final(PG_FUNCTION_ARGS)
{
	TupleDesc	tupdesc;
	Datum		values[5];
	bool		nulls[5] = {false};
	double	   *s;
	double		mean,
				var;

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	s = CheckEvalState(PG_GETARG_ARRAYTYPE_P(0));
	if (s[0] == 0 || s[1] <= 0)
		PG_RETURN_NULL();
	tupdesc = PrefResultDesc(fcinfo);
	mean = s[4] / s[1];
	var = s[5] / s[1] - mean * mean;
	values[0] = Int64GetDatum((int64) s[0]);
	values[1] = Float8GetDatum(s[2] / s[1]);
	values[2] = Float8GetDatum(s[3] / s[1]);
	values[3] = Float8GetDatum(mean);
	values[4] = Float8GetDatum(sqrt(var > 0 ? var : 0));
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(tupdesc, values, nulls)));
}

PG_FUNCTION_INFO_V1(pref_preference_strength);

/*
 * Ensemble preference strength of one pair: mean and sample standard
 * deviation of the models' margins, and a verdict: 'ambiguous' when
 * |mean| < ambiguous_below, 'likely_mislabeled' when mean < 0, else
 * 'consistent'.  NULL margins are ignored.
 */
Datum
pref_preference_strength(PG_FUNCTION_ARGS)
{
	ArrayType  *arr = PG_GETARG_ARRAYTYPE_P(0);
	double		thr = PG_GETARG_FLOAT8(1);
	TupleDesc	tupdesc;
	Datum		values[4];
	bool		nulls[4] = {false};
	Datum	   *elems;
	bool	   *enulls;
	int			nelems,
				n = 0;
	double		mean = 0,
				m2 = 0;

	if (!isfinite(thr) || thr < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("ambiguous_below must be non-negative and finite")));
	if (ARR_ELEMTYPE(arr) != FLOAT8OID)
		elog(ERROR, "margins must be double precision[]");
	if (ARR_NDIM(arr) > 1)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("margins must be a one-dimensional array")));
	deconstruct_array(arr, FLOAT8OID, 8, FLOAT8PASSBYVAL, TYPALIGN_DOUBLE, &elems, &enulls, &nelems);
	for (int i = 0; i < nelems; i++)
	{
		double		x,
					delta;

		if (enulls[i])
			continue;
		x = DatumGetFloat8(elems[i]);
		PrefCheckFinite(x, "margin");
		/* Welford */
		n++;
		delta = x - mean;
		mean += delta / n;
		m2 += delta * (x - mean);
	}
	tupdesc = PrefResultDesc(fcinfo);
	values[0] = Int32GetDatum(n);
	if (n == 0)
	{
		nulls[1] = nulls[2] = nulls[3] = true;
	}
	else
	{
		values[1] = Float8GetDatum(mean);
		values[2] = Float8GetDatum(n > 1 ? sqrt(m2 / (n - 1)) : 0.0);
		nulls[2] = (n < 2);
		values[3] = CStringGetTextDatum(fabs(mean) < thr ? "ambiguous" :
										mean < 0 ? "likely_mislabeled" : "consistent");
	}
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(tupdesc, values, nulls)));
}
