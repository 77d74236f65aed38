/*
 * intrans.c - SQL glue of the intransitivity diagnostics: pref.circular_triads,
 * pref.intransitivity (Kendall's coefficient of consistence and its test),
 * pref.preference_embedding (skew-symmetric embedding fit next to
 * Bradley-Terry) and pref.embedding_win_prob.
 */
#include "postgres.h"

#include <math.h>

#include "fmgr.h"
#include "funcapi.h"
#include "lib/stringinfo.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/json.h"
#include "utils/jsonb.h"
#include "utils/numeric.h"

#include "binomial.h"
#include "bt_core.h"
#include "bt_model.h"
#include "common.h"
#include "intrans_core.h"
#include "rng.h"
#include "tally.h"
#include "tally_state.h"

static const char *const EMBED_TIES_NAMES[] = {"none", "half", NULL};

/* The largest dimension 2k of a preference embedding */
#define EMBED_MAX_DIM 256

/* Summed weights per unordered pair: w[i*n+j] = weight of i preferred to j */
typedef struct PairWeights
{
	int			n;
	double	   *w;
} PairWeights;

/* Dense n x n weights of a tally (ties count half to each side) */
static PairWeights
TallyPairWeights(const PrefTally *t, const char *what)
{
	PairWeights pw;
	int			n = t->nitems;

	PrefCheckMemory((double) n * n * 8.0, what);
	pw.n = n;
	pw.w = palloc_extended(sizeof(double) * n * n, MCXT_ALLOC_HUGE | MCXT_ALLOC_ZERO);
	for (int k = 0; k < t->ncells; k++)
	{
		const TallyCell *c = &t->cells[k];

		pw.w[(size_t) c->a * n + c->b] += c->w[0] + 0.5 * c->w[2];
		pw.w[(size_t) c->b * n + c->a] += c->w[1] + 0.5 * c->w[2];
	}
	return pw;
}

/* Majority tournament bit matrices of a tally; counts of decided, tied and missing pairs */
static void
MajorityTournament(const PrefTally *t, uint64_t **out, uint64_t **dec,
				   int64 *decided, int64 *tied, int64 *missing, const char *what)
{
	int			n = t->nitems;
	size_t		W = INTRANS_WORDS(n);
	PairWeights pw;
	bool	   *seen;

	PrefCheckMemory((double) n * n * 9.0 + 2.0 * n * W * 8.0, what);
	pw = TallyPairWeights(t, what);
	seen = palloc_extended((size_t) n * n, MCXT_ALLOC_HUGE | MCXT_ALLOC_ZERO);
	for (int k = 0; k < t->ncells; k++)
	{
		const TallyCell *c = &t->cells[k];

		if (c->n[0] + c->n[1] + c->n[2] > 0)
			seen[(size_t) Min(c->a, c->b) * n + Max(c->a, c->b)] = true;
	}
	*out = palloc_extended(sizeof(uint64_t) * n * W, MCXT_ALLOC_HUGE | MCXT_ALLOC_ZERO);
	*dec = palloc_extended(sizeof(uint64_t) * n * W, MCXT_ALLOC_HUGE | MCXT_ALLOC_ZERO);
	*decided = *tied = *missing = 0;
	for (int i = 0; i < n; i++)
	{
		CHECK_FOR_INTERRUPTS();
		for (int j = i + 1; j < n; j++)
		{
			double		wij = pw.w[(size_t) i * n + j],
						wji = pw.w[(size_t) j * n + i];

			if (!seen[(size_t) i * n + j])
			{
				(*missing)++;
				continue;
			}
			if (wij == wji)
			{
				(*tied)++;
				continue;
			}
			(*decided)++;
			(*dec)[(size_t) i * W + (j >> 6)] |= UINT64CONST(1) << (j & 63);
			(*dec)[(size_t) j * W + (i >> 6)] |= UINT64CONST(1) << (i & 63);
			if (wij > wji)
				(*out)[(size_t) i * W + (j >> 6)] |= UINT64CONST(1) << (j & 63);
			else
				(*out)[(size_t) j * W + (i >> 6)] |= UINT64CONST(1) << (i & 63);
		}
	}
	pfree(pw.w);
	pfree(seen);
}

/* Interrupt callback for the numeric core */
static void
IntransInterrupt(void)
{
	CHECK_FOR_INTERRUPTS();
}

PG_FUNCTION_INFO_V1(pref_circular_triads);

/* circular_triads(t): per item, circular triads through it and decided triples; no rows for an empty tally */
Datum
pref_circular_triads(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	PrefTally  *t = PG_GETARG_TALLY_P(0);
	int			n = t->nitems;
	uint64_t   *out,
			   *dec;
	int64		decided,
				tied,
				missing;
	int64_t    *per,
			   *tri,
				total,
				total_tri;

	InitMaterializedSRF(fcinfo, 0);
	if (n == 0)
		return (Datum) 0;
	MajorityTournament(t, &out, &dec, &decided, &tied, &missing, "pref.circular_triads");
	per = palloc(sizeof(int64_t) * n);
	tri = palloc(sizeof(int64_t) * n);
	intrans_triads(n, out, dec, per, tri, &total, &total_tri, IntransInterrupt);
	for (int i = 0; i < n; i++)
	{
		Datum		values[4];
		bool		nulls[4] = {false};

		values[0] = CStringGetTextDatum(BtItemName(t, i));
		values[1] = Int64GetDatum(per[i]);
		values[2] = Int64GetDatum(tri[i]);
		values[3] = Float8GetDatum(tri[i] > 0 ? (double) per[i] / (double) tri[i] : 0);
		nulls[3] = tri[i] == 0;
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	return (Datum) 0;
}

PG_FUNCTION_INFO_V1(pref_intransitivity);

/*
 * intransitivity(t): circular triads overall, Kendall's coefficient of
 * consistence and the test of random judgements (complete tournaments
 * only); NULL for an empty tally
 */
Datum
pref_intransitivity(PG_FUNCTION_ARGS)
{
	PrefTally  *t = PG_GETARG_TALLY_P(0);
	int			n = t->nitems;
	TupleDesc	tupdesc;
	Datum		values[12];
	bool		nulls[12] = {false};
	uint64_t   *out,
			   *dec;
	int64		decided,
				tied,
				missing;
	int64_t    *per,
			   *tri,
				total,
				total_tri,
				dmax;
	bool		complete;

	if (n == 0)
		PG_RETURN_NULL();
	if (get_call_result_type(fcinfo, NULL, &tupdesc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "pref.intransitivity must return a composite type");
	tupdesc = BlessTupleDesc(tupdesc);
	MajorityTournament(t, &out, &dec, &decided, &tied, &missing, "pref.intransitivity");
	per = palloc(sizeof(int64_t) * n);
	tri = palloc(sizeof(int64_t) * n);
	intrans_triads(n, out, dec, per, tri, &total, &total_tri, IntransInterrupt);
	dmax = intrans_max_triads(n);
	complete = tied == 0 && missing == 0 && n >= 3;

	values[0] = Int32GetDatum(n);
	values[1] = Int64GetDatum(decided);
	values[2] = Int64GetDatum(tied);
	values[3] = Int64GetDatum(missing);
	values[4] = Int64GetDatum(total_tri);
	values[5] = Int64GetDatum(total);
	values[6] = Int64GetDatum(dmax);
	nulls[6] = n < 3;
	/* consistence and test only for a complete tournament */
	values[7] = Float8GetDatum(dmax > 0 ? 1.0 - (double) total / (double) dmax : 1.0);
	nulls[7] = !complete;
	nulls[8] = nulls[9] = nulls[10] = nulls[11] = true;
	if (complete && n <= INTRANS_EXACT_MAX)
	{
		values[8] = Float8GetDatum((double) total);
		values[10] = Float8GetDatum(intrans_exact_p(n, total));
		values[11] = CStringGetTextDatum("exact");
		nulls[8] = nulls[10] = nulls[11] = false;
	}
	else if (complete)
	{
		double		chi2,
					df,
					p;

		intrans_chi_square(n, total, &chi2, &df, &p);
		values[8] = Float8GetDatum(chi2);
		values[9] = Float8GetDatum(df);
		values[10] = Float8GetDatum(p);
		values[11] = CStringGetTextDatum("chi_square");
		nulls[8] = nulls[9] = nulls[10] = nulls[11] = false;
	}
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(tupdesc, values, nulls)));
}

/* ---- preference embedding --------------------------------------------------- */

/* Uniform draws from a PrefRng */
static double
RngUniform(void *state)
{
	return pref_rng_uniform((PrefRng *) state);
}

/*
 * Split a tally into training and held-out embedding cells: each row goes to
 * the held-out part with probability holdout (binomial draws per cell and
 * outcome, seeded), ties count half to each side or are dropped
 */
static void
SplitCells(const PrefTally *t, bool half, double holdout, int64 seed,
		   EmbedCell *train, int *ntrain, EmbedCell *test, int *ntest)
{
	PrefRng		rng;

	pref_rng_seed(&rng, (uint64_t) seed);
	*ntrain = *ntest = 0;
	for (int k = 0; k < t->ncells; k++)
	{
		const TallyCell *c = &t->cells[k];
		double		tr[3],
					te[3];

		for (int o = 0; o < 3; o++)
		{
			int64		nt = 0;

			if (holdout > 0 && c->n[o] > 0)
				nt = binomial_sample(c->n[o], holdout, RngUniform, &rng);
			te[o] = c->n[o] > 0 ? c->w[o] * ((double) nt / (double) c->n[o]) : 0;
			tr[o] = c->w[o] - te[o];
		}
		if (!half)
			tr[2] = te[2] = 0;
		if (tr[0] + tr[1] + tr[2] > 0)
			train[(*ntrain)++] = (EmbedCell)
		{
			c->a, c->b, tr[0] + 0.5 * tr[2], tr[1] + 0.5 * tr[2]
		};
		if (te[0] + te[1] + te[2] > 0)
			test[(*ntest)++] = (EmbedCell)
		{
			c->a, c->b, te[0] + 0.5 * te[2], te[1] + 0.5 * te[2]
		};
	}
}

/* Sum of the cells' weights */
static double
CellWeight(const EmbedCell *c, int nc)
{
	double		w = 0;

	for (int k = 0; k < nc; k++)
		w += c[k].wa + c[k].wb;
	return w;
}

/*
 * Bradley-Terry fit of the same training cells (no ties: they are folded in
 * as half wins); false when it does not exist or does not converge
 */
static bool
FitBtCells(int n, const EmbedCell *cells, int nc, double prior, double *theta, double *loglik)
{
	BtProblem	p;
	BtCell	   *bc = palloc0(sizeof(BtCell) * Max(nc, 1));
	double	   *work;
	int			iters,
				conv,
				rc;

	for (int k = 0; k < nc; k++)
	{
		bool		swap = cells[k].a > cells[k].b;

		bc[k].a = swap ? cells[k].b : cells[k].a;
		bc[k].b = swap ? cells[k].a : cells[k].b;
		bc[k].wa = swap ? cells[k].wb : cells[k].wa;
		bc[k].wb = swap ? cells[k].wa : cells[k].wb;
		bc[k].na = bc[k].wa;
		bc[k].nb = bc[k].wb;
	}
	memset(&p, 0, sizeof(p));
	p.n = n;
	p.ncells = nc;
	p.cells = bc;
	p.ties = BT_TIES_NONE;
	p.prior = prior;
	p.max_iter = 100;
	p.tol = 1e-10;
	p.interrupt = IntransInterrupt;
	if (prior == 0)
	{
		int		   *comp = palloc(sizeof(int) * n);
		int		   *iwork = palloc(sizeof(int) * bt_components_iwork(&p));

		if (bt_components(&p, comp, iwork) > 1)
			return false;
	}
	bt_start(&p, theta);
	if (n > BT_NEWTON_MAX_ITEMS)
	{
		/* many items: Hunter's MM, no dense matrix (as pref.bradley_terry's auto method) */
		int		   *iwork;

		PrefCheckMemory((double) bt_mm_work_size(&p) * 8.0 + (double) bt_mm_iwork_size(&p) * 4.0,
						"pref.preference_embedding");
		work = palloc_extended(sizeof(double) * bt_mm_work_size(&p), MCXT_ALLOC_HUGE);
		iwork = palloc_extended(sizeof(int) * bt_mm_iwork_size(&p), MCXT_ALLOC_HUGE);
		p.max_iter = 100 * BT_MM_SWEEPS_PER_ITER;
		rc = bt_mm_fit(&p, theta, work, iwork, loglik, &iters, &conv);
		pfree(iwork);
	}
	else
	{
		PrefCheckMemory((double) bt_work_size(&p) * 8.0, "pref.preference_embedding");
		work = palloc_extended(sizeof(double) * bt_work_size(&p), MCXT_ALLOC_HUGE);
		PrefApplyBlasThreads();
		rc = bt_fit(&p, theta, NULL, NULL, work, loglik, &iters, &conv);
	}
	pfree(work);
	return rc == BT_OK && conv;
}

/* Check the options of preference_embedding */
static void
CheckEmbedOptions(int dim, double prior, double holdout, int restarts, int max_iter, double tol)
{
	if (dim < 2 || dim % 2 != 0 || dim > EMBED_MAX_DIM)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("dim must be an even number between 2 and %d", EMBED_MAX_DIM),
				 errdetail("dim = %d.", dim),
				 errhint("The embedding pairs coordinates into 2 x 2 rotation blocks: pass dim => 2 * k.")));
	PrefCheckPrior(prior);
	if (!(holdout >= 0 && holdout < 1))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("holdout must be at least 0 and less than 1"),
				 errhint("holdout is the share of comparisons kept out of the fit to measure log loss; 0 fits every comparison.")));
	if (restarts < 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("restarts must be at least 1")));
	PrefCheckIterOptions(max_iter, tol);
}

PG_FUNCTION_INFO_V1(pref_preference_embedding);

/*
 * preference_embedding(t, dim, prior, holdout, seed, restarts, ties,
 * max_iter, tol) jsonb; NULL for an empty tally
 */
Datum
pref_preference_embedding(PG_FUNCTION_ARGS)
{
	PrefTally  *t = PG_GETARG_TALLY_P(0);
	int			dim = PG_GETARG_INT32(1);
	double		prior = PG_GETARG_FLOAT8(2);
	double		holdout = PG_GETARG_FLOAT8(3);
	int64		seed = PG_GETARG_INT64(4);
	int			restarts = PG_GETARG_INT32(5);
	int			ties = PrefParseOption(text_to_cstring(PG_GETARG_TEXT_PP(6)), EMBED_TIES_NAMES, "ties");
	int			max_iter = PG_GETARG_INT32(7);
	double		tol = PG_GETARG_FLOAT8(8);
	int			n = t->nitems;
	size_t		N;
	EmbedCell  *train,
			   *test;
	int			ntrain,
				ntest;
	EmbedProblem p;
	double	   *x,
			   *best,
			   *work,
			   *s,
			   *theta;
	double		best_f = INFINITY,
				best_ll = NAN,
				bt_ll = NAN,
				wtrain,
				wtest;
	int			best_iter = 0,
				best_conv = 0,
				total_iter = 0;
	bool		bt_ok;
	StringInfoData buf;

	CheckEmbedOptions(dim, prior, holdout, restarts, max_iter, tol);
	if (n == 0)
		PG_RETURN_NULL();
	N = (size_t) n * dim;

	/* split, then check the memory of the fit */
	train = palloc_extended(sizeof(EmbedCell) * Max(t->ncells, 1), MCXT_ALLOC_HUGE);
	test = palloc_extended(sizeof(EmbedCell) * Max(t->ncells, 1), MCXT_ALLOC_HUGE);
	SplitCells(t, ties == 1, holdout, seed, train, &ntrain, test, &ntest);
	wtrain = CellWeight(train, ntrain);
	wtest = CellWeight(test, ntest);
	if (ntrain == 0)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("no comparisons left to fit the preference embedding"),
				 errdetail("The tally has %d items and %d cells; after the hold-out split%s no training comparison remains.",
						   n, t->ncells, ties == 0 ? " and dropping ties" : ""),
				 errhint("Lower holdout, use ties => 'half', or add comparisons.")));
	memset(&p, 0, sizeof(p));
	p.n = n;
	p.dim = dim;
	p.cells = train;
	p.ncells = ntrain;
	p.prior = prior;
	p.max_iter = max_iter;
	p.tol = tol;
	p.interrupt = IntransInterrupt;
	PrefCheckMemory(((double) embed_work_size(&p) + 2.0 * N) * 8.0, "pref.preference_embedding");
	work = palloc_extended(sizeof(double) * embed_work_size(&p), MCXT_ALLOC_HUGE);
	x = palloc_extended(sizeof(double) * N, MCXT_ALLOC_HUGE);
	best = palloc_extended(sizeof(double) * N, MCXT_ALLOC_HUGE);

	/* restarts from seeded random points (V = 0 is a saddle point) */
	for (int r = 0; r < restarts; r++)
	{
		PrefRng		rng;
		double		ll,
					f;
		int			iters,
					conv,
					rc;

		pref_rng_seed(&rng, (uint64_t) seed + 0x9E3779B97F4A7C15ULL * (uint64_t) (r + 1));
		for (size_t i = 0; i < N; i++)
			x[i] = pref_rng_uniform(&rng) - 0.5;
		rc = embed_fit(&p, x, work, &ll, &iters, &conv);
		if (rc == INTRANS_BAD_ARG)
			elog(ERROR, "preference embedding: bad problem");
		total_iter += iters;
		f = embed_objective(&p, x, NULL);
		if (f < best_f)
		{
			best_f = f;
			best_ll = ll;
			best_iter = iters;
			best_conv = conv;
			memcpy(best, x, sizeof(double) * N);
		}
	}
	if (!best_conv)
		ereport(WARNING,
				(errmsg("preference embedding did not converge within max_iter = %d", max_iter),
				 errdetail("The best of %d restarts stopped after %d iterations; the result has converged = false.",
						   restarts, best_iter),
				 errhint("Raise max_iter or tol, or pass a larger prior.")));

	/* Bradley-Terry on the same training cells */
	theta = palloc0(sizeof(double) * (n + 2));
	bt_ok = FitBtCells(n, train, ntrain, prior, theta, &bt_ll);

	/* report */
	initStringInfo(&buf);
	appendStringInfo(&buf, "{\"dim\": %d, \"items\": %d, \"loglik\": ", dim, n);
	PrefAppendJsonNumber(&buf, best_ll);
	appendStringInfoString(&buf, ", \"bt_loglik\": ");
	PrefAppendJsonNumber(&buf, bt_ok ? bt_ll : NAN);
	appendStringInfoString(&buf, ", \"train_log_loss\": ");
	PrefAppendJsonNumber(&buf, wtrain > 0 ? -best_ll / wtrain : NAN);
	appendStringInfoString(&buf, ", \"bt_train_log_loss\": ");
	PrefAppendJsonNumber(&buf, bt_ok && wtrain > 0 ? -bt_ll / wtrain : NAN);
	s = palloc(sizeof(double) * Max(ntest, 1));
	for (int k = 0; k < ntest; k++)
		s[k] = embed_score(best + (size_t) test[k].a * dim, best + (size_t) test[k].b * dim, dim);
	appendStringInfoString(&buf, ", \"heldout_log_loss\": ");
	PrefAppendJsonNumber(&buf, ntest > 0 ? intrans_log_loss(s, test, ntest) : NAN);
	for (int k = 0; k < ntest; k++)
		s[k] = theta[test[k].a] - theta[test[k].b];
	appendStringInfoString(&buf, ", \"bt_heldout_log_loss\": ");
	PrefAppendJsonNumber(&buf, ntest > 0 && bt_ok ? intrans_log_loss(s, test, ntest) : NAN);
	appendStringInfoString(&buf, ", \"train_weight\": ");
	PrefAppendJsonNumber(&buf, wtrain);
	appendStringInfoString(&buf, ", \"heldout_weight\": ");
	PrefAppendJsonNumber(&buf, wtest);
	appendStringInfo(&buf, ", \"iterations\": %d, \"total_iterations\": %d, \"converged\": %s, \"restarts\": %d, \"seed\": " INT64_FORMAT ", \"prior\": ",
					 best_iter, total_iter, best_conv ? "true" : "false", restarts, seed);
	PrefAppendJsonNumber(&buf, prior);
	appendStringInfoString(&buf, ", \"holdout\": ");
	PrefAppendJsonNumber(&buf, holdout);
	appendStringInfo(&buf, ", \"ties\": \"%s\", \"max_iter\": %d, \"tol\": ", EMBED_TIES_NAMES[ties], max_iter);
	PrefAppendJsonNumber(&buf, tol);
	appendStringInfo(&buf, ", \"key_type\": \"%s\", \"embedding\": {", (t->flags & TALLY_TEXT) ? "text" : "bigint");
	for (int i = 0; i < n; i++)
	{
		CHECK_FOR_INTERRUPTS();
		if (i > 0)
			appendStringInfoString(&buf, ", ");
		escape_json(&buf, BtItemName(t, i));
		appendStringInfoString(&buf, ": [");
		for (int d = 0; d < dim; d++)
		{
			if (d > 0)
				appendStringInfoString(&buf, ", ");
			PrefAppendJsonNumber(&buf, best[(size_t) i * dim + d]);
		}
		appendStringInfoChar(&buf, ']');
	}
	appendStringInfoString(&buf, "}}");
	return DirectFunctionCall1(jsonb_in, CStringGetDatum(buf.data));
}

/* Error for a jsonb that is not a preference_embedding result */
static void
NotAnEmbedding(const char *detail)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("fit is not a preference embedding"),
			 errdetail("%s", detail),
			 errhint("Pass the jsonb returned by pref.preference_embedding.")));
}

/*
 * An item's vector from a fit's "embedding" object into v (dim doubles;
 * *dim set by the first call, checked by the second)
 */
static double *
EmbeddingVector(Jsonb *fit, const char *key, int *dim)
{
	JsonbValue	emb,
				vec;
	JsonbContainer *vc;
	int			len;
	double	   *v;

	if (!JB_ROOT_IS_OBJECT(fit) ||
		getKeyJsonValueFromContainer(&fit->root, "embedding", 9, &emb) == NULL ||
		emb.type != jbvBinary || !JsonContainerIsObject(emb.val.binary.data))
		NotAnEmbedding("It has no \"embedding\" object.");
	if (getKeyJsonValueFromContainer(emb.val.binary.data, key, strlen(key), &vec) == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("item \"%s\" is not an item of the embedding", key)));
	if (vec.type != jbvBinary || !JsonContainerIsArray(vec.val.binary.data))
		NotAnEmbedding(psprintf("The vector of item \"%s\" is not an array.", key));
	vc = vec.val.binary.data;
	len = JsonContainerSize(vc);
	if (len < 2 || len % 2 != 0 || len > EMBED_MAX_DIM || (*dim > 0 && len != *dim))
		NotAnEmbedding(psprintf("The vector of item \"%s\" has %d elements; vectors have the same even length, at most %d.",
								key, len, EMBED_MAX_DIM));
	*dim = len;
	v = palloc(sizeof(double) * len);
	for (int i = 0; i < len; i++)
	{
		JsonbValue *e = getIthJsonbValueFromContainer(vc, i);

		if (e == NULL || e->type != jbvNumeric)
			NotAnEmbedding(psprintf("The vector of item \"%s\" has an element that is not a number.", key));
		v[i] = DatumGetFloat8(DirectFunctionCall1(numeric_float8, NumericGetDatum(e->val.numeric)));
		if (!isfinite(v[i]))
			NotAnEmbedding(psprintf("The vector of item \"%s\" has an element that is not finite.", key));
	}
	return v;
}

/* sigmoid of a score */
static double
WinProb(const double *va, const double *vb, int dim)
{
	double		s = embed_score(va, vb, dim);

	return s >= 0 ? 1.0 / (1.0 + exp(-s)) : exp(s) / (1.0 + exp(s));
}

PG_FUNCTION_INFO_V1(pref_embedding_win_prob_text);

/* embedding_win_prob(fit, a text, b text) */
Datum
pref_embedding_win_prob_text(PG_FUNCTION_ARGS)
{
	Jsonb	   *fit = PG_GETARG_JSONB_P(0);
	int			dim = 0;
	double	   *va = EmbeddingVector(fit, text_to_cstring(PG_GETARG_TEXT_PP(1)), &dim);
	double	   *vb = EmbeddingVector(fit, text_to_cstring(PG_GETARG_TEXT_PP(2)), &dim);

	PG_RETURN_FLOAT8(WinProb(va, vb, dim));
}

PG_FUNCTION_INFO_V1(pref_embedding_win_prob_int);

/* embedding_win_prob(fit, a bigint, b bigint) */
Datum
pref_embedding_win_prob_int(PG_FUNCTION_ARGS)
{
	Jsonb	   *fit = PG_GETARG_JSONB_P(0);
	int			dim = 0;
	double	   *va = EmbeddingVector(fit, psprintf(INT64_FORMAT, PG_GETARG_INT64(1)), &dim);
	double	   *vb = EmbeddingVector(fit, psprintf(INT64_FORMAT, PG_GETARG_INT64(2)), &dim);

	PG_RETURN_FLOAT8(WinProb(va, vb, dim));
}

PG_FUNCTION_INFO_V1(pref_embedding_win_prob_vec);

/* embedding_win_prob(v_a, v_b): sigmoid(v_a' R v_b) of two vectors */
Datum
pref_embedding_win_prob_vec(PG_FUNCTION_ARGS)
{
	int			da,
				db;
	double	   *va = PrefReadVector(PG_GETARG_ARRAYTYPE_P(0), &da, "v_a");
	double	   *vb = PrefReadVector(PG_GETARG_ARRAYTYPE_P(1), &db, "v_b");

	if (da != db)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("v_a and v_b have different dimensions"),
				 errdetail("v_a has %d elements and v_b has %d.", da, db)));
	if (da % 2 != 0)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("embedding vectors must have an even number of elements"),
				 errdetail("They have %d.", da),
				 errhint("Pass the vectors of a pref.preference_embedding fit (dimension 2k).")));
	PG_RETURN_FLOAT8(WinProb(va, vb, da));
}
