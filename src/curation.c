/*
 * curation.c - SQL glue for ratings to pairs (pref.binarize), majority vote
 * and Dawid-Skene EM over multi-annotator labels.
 */
#include "postgres.h"

#include <math.h>

#include "catalog/pg_type.h"
#include "fmgr.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"

#include "common.h"
#include "curation_core.h"
#include "linalg.h"
#include "query.h"

/* ---- helpers ------------------------------------------------------------ */

/* Argument number i of the bigint signature, in a call with id_type at idarg */
#define ARGNO(i) (idarg >= 0 && (i) >= idarg ? (i) + 1 : (i))

typedef struct StrIdx
{
	const char *s;
	int64		row;
} StrIdx;

/* Order strings bytewise */
static int
CompareStrIdx(const void *a, const void *b)
{
	return strcmp(((const StrIdx *) a)->s, ((const StrIdx *) b)->s);
}

/*
 * Ensure codes[] holds dense 0-based codes of strs (sorted bytewise);
 * returns the number of distinct values and their names in *names.
 */
static int
EncodeStrings(int64 n, char **strs, int *codes, char ***names)
{
	StrIdx	   *tmp = palloc(sizeof(StrIdx) * Max(n, 1));
	int			k = 0;

	for (int64 i = 0; i < n; i++)
	{
		tmp[i].s = strs[i];
		tmp[i].row = i;
	}
	qsort(tmp, (size_t) n, sizeof(StrIdx), CompareStrIdx);
	*names = palloc(sizeof(char *) * Max(n, 1));
	for (int64 i = 0; i < n; i++)
	{
		if (i == 0 || strcmp(tmp[i].s, tmp[i - 1].s) != 0)
		{
			if (k == PG_INT32_MAX)
				ereport(ERROR, (errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
								errmsg("too many distinct values")));
			(*names)[k++] = (char *) tmp[i].s;
		}
		codes[tmp[i].row] = k - 1;
	}
	pfree(tmp);
	return k;
}

typedef struct IdIdx
{
	int64		id;
	int64		row;
} IdIdx;

/* Order ids */
static int
CompareIdIdx(const void *a, const void *b)
{
	int64		x = ((const IdIdx *) a)->id;
	int64		y = ((const IdIdx *) b)->id;

	return x < y ? -1 : (x > y ? 1 : 0);
}

/* Dense codes of int64 ids (ascending); distinct ids into *ids */
static int
EncodeIds(int64 n, const int64 *vals, int *codes, int64 **ids)
{
	IdIdx	   *tmp = palloc(sizeof(IdIdx) * Max(n, 1));
	int			k = 0;

	for (int64 i = 0; i < n; i++)
	{
		tmp[i].id = vals[i];
		tmp[i].row = i;
	}
	qsort(tmp, (size_t) n, sizeof(IdIdx), CompareIdIdx);
	*ids = palloc(sizeof(int64) * Max(n, 1));
	for (int64 i = 0; i < n; i++)
	{
		if (i == 0 || tmp[i].id != tmp[i - 1].id)
			(*ids)[k++] = tmp[i].id;
		codes[tmp[i].row] = k - 1;
	}
	pfree(tmp);
	return k;
}

/* ---- pref.binarize ------------------------------------------------------ */

static const char *const binarize_strategies[] = {
	"best_vs_random", "best_vs_worst", "all_pairs", "best_vs_all", NULL
};

/*
 * Ratings to preference pairs: the inner query yields (prompt_id,
 * response_id, score) or, with weights, (prompt_id, response_id, scores[]).
 * idarg is the position of id_type, or -1 for the bigint signature.
 */
static Datum
RunBinarize(FunctionCallInfo fcinfo, int idarg)
{
	static const PrefQueryColumn cols1[] = {
		{"prompt_id", PREF_COL_ID, false, false},
		{"response_id", PREF_COL_ID, false, false},
		{"score", PREF_COL_FLOAT8, false, false},
	};
	static const PrefQueryColumn colsv[] = {
		{"prompt_id", PREF_COL_ID, false, false},
		{"response_id", PREF_COL_ID, false, false},
		{"scores", PREF_COL_VECTOR, false, false},
	};
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	char	   *sql;
	int			strategy;
	double		min_margin;
	uint64		seed;
	double	   *weights = NULL;
	int			nweights = 0;
	PrefQueryResult *res;
	CurationRow *rows;
	CurationPair *pairs;
	int64		dup;
	int64		nprompts = 0,
				nsingle = 0,
				nnopair = 0,
				npairs = 0,
				maxgroup = 0;

	PrefCheckNotNull(fcinfo, ARGNO(0), "sql");
	PrefCheckNotNull(fcinfo, ARGNO(1), "strategy");
	PrefCheckNotNull(fcinfo, ARGNO(2), "min_margin");
	PrefCheckNotNull(fcinfo, ARGNO(3), "seed");
	sql = text_to_cstring(PG_GETARG_TEXT_PP(ARGNO(0)));
	strategy = PrefParseOption(text_to_cstring(PG_GETARG_TEXT_PP(ARGNO(1))), binarize_strategies, "strategy");
	min_margin = PG_GETARG_FLOAT8(ARGNO(2));
	PrefCheckFinite(min_margin, "min_margin");
	if (min_margin < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("min_margin must not be negative"),
				 errdetail("Pairs need the chosen score to exceed the rejected one by more than min_margin; ties never become pairs.")));
	seed = (uint64) PG_GETARG_INT64(ARGNO(3));
	if (!PG_ARGISNULL(ARGNO(4)))
		weights = PrefReadVector(PG_GETARG_ARRAYTYPE_P(ARGNO(4)), &nweights, "weights");

	InitMaterializedSRF(fcinfo, 0);
	res = PrefReadQueryIds(sql, weights ? colsv : cols1, 3, "binarize",
						   idarg < 0 ? PREF_ID_INTEGER : PrefIdTypeOfResult(fcinfo, 0));

	PrefCheckMemory((double) res->nrows * sizeof(CurationRow), "binarize");
	rows = palloc(sizeof(CurationRow) * Max(res->nrows, 1));
	if (weights)
	{
		double	   *scores = palloc(sizeof(double) * Max(res->nrows, 1));

		if (res->nrows > 0 && res->dim[2] != nweights)
			ereport(ERROR,
					(errcode(ERRCODE_DATA_EXCEPTION),
					 errmsg("binarize: scores have %d attributes but weights has %d", res->dim[2], nweights),
					 errhint("Give one weight per attribute of the scores array.")));
		if (res->nrows > 0)
		{
			if (res->nrows > PG_INT32_MAX)
				ereport(ERROR, (errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
								errmsg("binarize: too many rows for weighted scores")));
			PrefApplyBlasThreads();
			linalg_gemv(0, (int) res->nrows, nweights, 1.0, PREF_QUERY_VECTOR(res, 2),
						weights, 0.0, scores);
		}
		for (int64 i = 0; i < res->nrows; i++)
			rows[i].score = scores[i];
	}
	else
		for (int64 i = 0; i < res->nrows; i++)
			rows[i].score = PREF_QUERY_FLOAT8(res, 2)[i];
	for (int64 i = 0; i < res->nrows; i++)
	{
		rows[i].prompt = PREF_QUERY_ID(res, 0)[i];
		rows[i].response = PREF_QUERY_ID(res, 1)[i];
	}

	dup = curation_sort_rows(res->nrows, rows);
	if (dup >= 0)
		ereport(ERROR,
				(errcode(ERRCODE_UNIQUE_VIOLATION),
				 errmsg("binarize: response %s of prompt %s appears more than once",
						PrefIdString(res->ids[1], rows[dup].response),
						PrefIdString(res->ids[0], rows[dup].prompt)),
				 errhint("Give each (prompt_id, response_id) one score, e.g. average repeated ratings first.")));

	for (int64 s = 0; s < res->nrows;)
	{
		int64		e = s;

		while (e < res->nrows && rows[e].prompt == rows[s].prompt)
			e++;
		maxgroup = Max(maxgroup, e - s);
		s = e;
	}
	{
		double		cap = strategy == BINARIZE_ALL_PAIRS ?
			(double) maxgroup * (maxgroup - 1) / 2 : (double) Max(maxgroup - 1, 1);

		PrefCheckMemory(cap * sizeof(CurationPair), "binarize");
		pairs = palloc(sizeof(CurationPair) * (Size) Max(cap, 1));
	}

	for (int64 s = 0; s < res->nrows;)
	{
		int64		e = s;
		int64		m;

		CHECK_FOR_INTERRUPTS();
		while (e < res->nrows && rows[e].prompt == rows[s].prompt)
			e++;
		nprompts++;
		if (e - s < 2)
			nsingle++;
		else
		{
			m = curation_binarize_prompt(e - s, rows + s, strategy, min_margin,
										 curation_prompt_stream(seed, PrefIdStreamKey(res->ids[0], rows[s].prompt)),
										 pairs);
			if (m == 0)
				nnopair++;
			for (int64 j = 0; j < m; j++)
			{
				Datum		values[4];
				bool		nulls[4] = {false, false, false, false};

				values[0] = PrefIdDatum(res->ids[0], rows[s].prompt);
				values[1] = PrefIdDatum(res->ids[1], pairs[j].chosen);
				values[2] = PrefIdDatum(res->ids[1], pairs[j].rejected);
				values[3] = Float8GetDatum(pairs[j].margin);
				tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
			}
			npairs += m;
		}
		s = e;
	}
	if (res->skipped > 0 || nsingle > 0 || nnopair > 0)
		ereport(NOTICE,
				(errmsg("binarize: " INT64_FORMAT " pairs from " INT64_FORMAT " prompts; skipped " INT64_FORMAT " rows with NULLs, " INT64_FORMAT " prompts with a single response, " INT64_FORMAT " prompts without a pair above min_margin",
						npairs, nprompts, res->skipped, nsingle, nnopair)));
	PG_RETURN_NULL();
}

PG_FUNCTION_INFO_V1(pref_binarize);

/* pref.binarize(sql, strategy, ...): integer ids, returned as bigint */
Datum
pref_binarize(PG_FUNCTION_ARGS)
{
	return RunBinarize(fcinfo, -1);
}

PG_FUNCTION_INFO_V1(pref_binarize_any);

/* pref.binarize(sql, id_type, strategy, ...): ids of type id_type */
Datum
pref_binarize_any(PG_FUNCTION_ARGS)
{
	return RunBinarize(fcinfo, 1);
}

/* ---- labels: majority vote and Dawid-Skene ------------------------------ */

typedef struct Labels
{
	int64		nobs;
	int64		skipped;
	int			nitems;
	int			nannot;
	int			nclass;
	int		   *item;
	int		   *annot;
	int		   *label;
	int64	   *item_ids;		/* keys of the item ids (query.h) */
	const PrefIdMap *ids;		/* their mapping back to ids */
	char	  **annot_names;
	char	  **label_names;
} Labels;

typedef struct ObsKey
{
	int			item;
	int			annot;
} ObsKey;

/* Order observations by item, annotator */
static int
CompareObsKey(const void *a, const void *b)
{
	const ObsKey *x = a;
	const ObsKey *y = b;

	if (x->item != y->item)
		return x->item < y->item ? -1 : 1;
	if (x->annot != y->annot)
		return x->annot < y->annot ? -1 : 1;
	return 0;
}

/*
 * Read (item_id, annotator, label) rows and encode them; id_type: how to
 * read the item ids (query.h); repeats: keep an annotator's repeated labels
 * of an item as separate observations, else reject them
 */
static Labels *
ReadLabels(const char *sql, const char *what, Oid id_type, bool repeats)
{
	static const PrefQueryColumn cols[] = {
		{"item_id", PREF_COL_ID, false, false},
		{"annotator", PREF_COL_TEXT, false, false},
		{"label", PREF_COL_TEXT, false, false},
	};
	PrefQueryResult *res = PrefReadQueryIds(sql, cols, 3, what, id_type);
	Labels	   *lb = palloc0(sizeof(Labels));
	ObsKey	   *keys;

	lb->ids = res->ids[0];
	lb->nobs = res->nrows;
	lb->skipped = res->skipped;
	if (lb->nobs == 0)
		return lb;
	if (lb->nobs > PG_INT32_MAX)
		ereport(ERROR, (errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
						errmsg("%s: too many labels", what)));
	PrefCheckMemory((double) lb->nobs * (3 * sizeof(int) + sizeof(ObsKey) + sizeof(IdIdx)), what);
	lb->item = palloc(sizeof(int) * lb->nobs);
	lb->annot = palloc(sizeof(int) * lb->nobs);
	lb->label = palloc(sizeof(int) * lb->nobs);
	lb->nitems = EncodeIds(lb->nobs, PREF_QUERY_ID(res, 0), lb->item, &lb->item_ids);
	lb->nannot = EncodeStrings(lb->nobs, PREF_QUERY_TEXT(res, 1), lb->annot, &lb->annot_names);
	lb->nclass = EncodeStrings(lb->nobs, PREF_QUERY_TEXT(res, 2), lb->label, &lb->label_names);

	if (repeats)
		return lb;
	keys = palloc(sizeof(ObsKey) * lb->nobs);
	for (int64 i = 0; i < lb->nobs; i++)
	{
		keys[i].item = lb->item[i];
		keys[i].annot = lb->annot[i];
	}
	qsort(keys, (size_t) lb->nobs, sizeof(ObsKey), CompareObsKey);
	for (int64 i = 1; i < lb->nobs; i++)
		if (CompareObsKey(&keys[i], &keys[i - 1]) == 0)
			ereport(ERROR,
					(errcode(ERRCODE_UNIQUE_VIOLATION),
					 errmsg("%s: annotator \"%s\" labelled item %s more than once",
							what, lb->annot_names[keys[i].annot],
							PrefIdString(lb->ids, lb->item_ids[keys[i].item])),
					 errhint("%s", strcmp(what, "majority_vote") == 0
							 ? "Keep one label per (item_id, annotator), e.g. the latest with SELECT DISTINCT ON (item_id, annotator) ... ORDER BY item_id, annotator, labelled_at DESC."
							 : "Pass repeats => 'count' to count each label as an observation, or keep one label per (item_id, annotator).")));
	pfree(keys);
	return lb;
}

/* Report rows skipped for NULLs */
static void
NoteSkipped(const Labels *lb, const char *what)
{
	if (lb->skipped > 0)
		ereport(NOTICE,
				(errmsg("%s: skipped " INT64_FORMAT " rows with NULLs", what, lb->skipped)));
}

static const char *const tie_policies[] = {"null", "lowest", "drop", NULL};

/* repeats of dawid_skene: count (each label an observation) or error */
static const char *const repeat_policies[] = {"count", "error", NULL};

/* Majority label per item with a tie policy; idarg: position of id_type or -1 */
static Datum
RunMajorityVote(FunctionCallInfo fcinfo, int idarg)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	char	   *sql;
	int			ties;
	Labels	   *lb;
	int		   *counts;
	int		   *total;

	PrefCheckNotNull(fcinfo, ARGNO(0), "sql");
	PrefCheckNotNull(fcinfo, ARGNO(1), "ties");
	sql = text_to_cstring(PG_GETARG_TEXT_PP(ARGNO(0)));
	ties = PrefParseOption(text_to_cstring(PG_GETARG_TEXT_PP(ARGNO(1))), tie_policies, "ties");

	InitMaterializedSRF(fcinfo, 0);
	lb = ReadLabels(sql, "majority_vote",
					idarg < 0 ? PREF_ID_INTEGER : PrefIdTypeOfResult(fcinfo, 0), false);
	NoteSkipped(lb, "majority_vote");
	if (lb->nobs == 0)
		PG_RETURN_NULL();

	PrefCheckMemory((double) lb->nitems * (lb->nclass + 1) * sizeof(int), "majority_vote");
	counts = palloc0(sizeof(int) * (Size) lb->nitems * lb->nclass);
	total = palloc0(sizeof(int) * (Size) lb->nitems);
	for (int64 o = 0; o < lb->nobs; o++)
	{
		counts[(Size) lb->item[o] * lb->nclass + lb->label[o]]++;
		total[lb->item[o]]++;
	}
	for (int i = 0; i < lb->nitems; i++)
	{
		const int  *c = counts + (Size) i * lb->nclass;
		int			best = 0;
		bool		tied = false;
		Datum		values[6];
		bool		nulls[6] = {false, false, false, false, false, false};

		for (int k = 1; k < lb->nclass; k++)
		{
			if (c[k] > c[best])
			{
				best = k;
				tied = false;
			}
			else if (c[k] == c[best])
				tied = true;
		}
		if (tied && ties == 2)
			continue;
		values[0] = PrefIdDatum(lb->ids, lb->item_ids[i]);
		if (tied && ties == 0)
			nulls[1] = true;
		else
			values[1] = CStringGetTextDatum(lb->label_names[best]);
		values[2] = Int32GetDatum(c[best]);
		values[3] = Int32GetDatum(total[i]);
		values[4] = Float8GetDatum((double) c[best] / total[i]);
		values[5] = BoolGetDatum(tied);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	PG_RETURN_NULL();
}

PG_FUNCTION_INFO_V1(pref_majority_vote);

/* pref.majority_vote(sql, ties): integer item ids, returned as bigint */
Datum
pref_majority_vote(PG_FUNCTION_ARGS)
{
	return RunMajorityVote(fcinfo, -1);
}

PG_FUNCTION_INFO_V1(pref_majority_vote_any);

/* pref.majority_vote(sql, id_type, ties): item ids of type id_type */
Datum
pref_majority_vote_any(PG_FUNCTION_ARGS)
{
	return RunMajorityVote(fcinfo, 1);
}

/* Let a long EM be cancelled */
static void
DsCheckInterrupts(void)
{
	CHECK_FOR_INTERRUPTS();
}

/*
 * Read labels and run Dawid-Skene with the function's options; idarg is the
 * position of id_type or -1, id_type how to read the item ids
 */
static DawidSkene *
RunDawidSkene(FunctionCallInfo fcinfo, int idarg, Oid id_type, Labels **lbp, const char *what)
{
	DawidSkene *ds = palloc0(sizeof(DawidSkene));
	Labels	   *lb;
	double		bytes;
	bool		repeats = false;

	PrefCheckNotNull(fcinfo, ARGNO(0), "sql");
	PrefCheckNotNull(fcinfo, ARGNO(1), "max_iter");
	PrefCheckNotNull(fcinfo, ARGNO(2), "tol");
	PrefCheckNotNull(fcinfo, ARGNO(3), "smoothing");
	ds->max_iter = PG_GETARG_INT32(ARGNO(1));
	ds->tol = PG_GETARG_FLOAT8(ARGNO(2));
	ds->smoothing = PG_GETARG_FLOAT8(ARGNO(3));
	if (ds->max_iter < 1 || ds->max_iter > 100000)
		ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						errmsg("max_iter must be between 1 and 100000")));
	if (!isfinite(ds->tol) || ds->tol < 0)
		ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						errmsg("tol must be finite and not negative")));
	if (!isfinite(ds->smoothing) || ds->smoothing < 0)
		ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						errmsg("smoothing must be finite and not negative")));

	/* repeats (0.2.0): absent when called through the 0.1.0 definition */
	if (PG_NARGS() > ARGNO(4))
	{
		PrefCheckNotNull(fcinfo, ARGNO(4), "repeats");
		repeats = PrefParseOption(text_to_cstring(PG_GETARG_TEXT_PP(ARGNO(4))), repeat_policies, "repeats") == 0;
	}
	lb = ReadLabels(text_to_cstring(PG_GETARG_TEXT_PP(ARGNO(0))), what, id_type, repeats);
	NoteSkipped(lb, what);
	*lbp = lb;
	if (lb->nobs == 0)
		return NULL;

	bytes = sizeof(double) * ((double) lb->nitems * lb->nclass +
							  (double) lb->nannot * lb->nclass * lb->nclass + lb->nclass +
							  (double) curation_ds_work(lb->nitems, lb->nannot, lb->nclass));
	PrefCheckMemory(bytes, what);
	ds->nitems = lb->nitems;
	ds->nannot = lb->nannot;
	ds->nclass = lb->nclass;
	ds->nobs = lb->nobs;
	ds->item = lb->item;
	ds->annot = lb->annot;
	ds->label = lb->label;
	ds->check = DsCheckInterrupts;
	ds->post = palloc_extended(sizeof(double) * (Size) lb->nitems * lb->nclass, MCXT_ALLOC_HUGE);
	ds->conf = palloc_extended(sizeof(double) * (Size) lb->nannot * lb->nclass * lb->nclass, MCXT_ALLOC_HUGE);
	ds->prior = palloc(sizeof(double) * lb->nclass);
	ds->work = palloc_extended(sizeof(double) * curation_ds_work(lb->nitems, lb->nannot, lb->nclass), MCXT_ALLOC_HUGE);
	if (curation_dawid_skene(ds) != CURATION_OK)
		elog(ERROR, "%s: invalid arguments to the EM core", what);
	if (!ds->converged)
		ereport(NOTICE,
				(errmsg("%s: no convergence after %d iterations", what, ds->iterations),
				 errdetail("The largest posterior change in the last iteration was %g.", ds->delta),
				 errhint("Raise max_iter or tol.")));
	return ds;
}

/* text[] of the class labels */
static ArrayType *
LabelArray(const Labels *lb)
{
	Datum	   *d = palloc(sizeof(Datum) * lb->nclass);

	for (int k = 0; k < lb->nclass; k++)
		d[k] = CStringGetTextDatum(lb->label_names[k]);
	return construct_array(d, lb->nclass, TEXTOID, -1, false, TYPALIGN_INT);
}

/* float8[] from doubles: one-dimensional, or rows x cols when matrix */
static ArrayType *
Float8Array(const double *x, int rows, int cols, bool matrix)
{
	Datum	   *d = palloc(sizeof(Datum) * rows * cols);
	int			dims[2] = {rows, cols};
	int			lbs[2] = {1, 1};

	for (int i = 0; i < rows * cols; i++)
		d[i] = Float8GetDatum(x[i]);
	if (!matrix)
		return construct_array(d, cols, FLOAT8OID, sizeof(float8), FLOAT8PASSBYVAL, TYPALIGN_DOUBLE);
	return construct_md_array(d, NULL, 2, dims, lbs, FLOAT8OID, sizeof(float8), FLOAT8PASSBYVAL, TYPALIGN_DOUBLE);
}

/*
 * One row per item: most probable label, its posterior, all posteriors;
 * idarg: position of id_type or -1
 */
static Datum
RunDawidSkeneItems(FunctionCallInfo fcinfo, int idarg)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	Labels	   *lb;
	DawidSkene *ds;
	Datum		labels;

	InitMaterializedSRF(fcinfo, 0);
	ds = RunDawidSkene(fcinfo, idarg,
					   idarg < 0 ? PREF_ID_INTEGER : PrefIdTypeOfResult(fcinfo, 0),
					   &lb, "dawid_skene");
	if (ds == NULL)
		PG_RETURN_NULL();
	labels = PointerGetDatum(LabelArray(lb));
	for (int i = 0; i < lb->nitems; i++)
	{
		const double *p = ds->post + (Size) i * lb->nclass;
		int			best = 0;
		Datum		values[8];
		bool		nulls[8] = {0};

		for (int k = 1; k < lb->nclass; k++)
			if (p[k] > p[best])
				best = k;
		values[0] = PrefIdDatum(lb->ids, lb->item_ids[i]);
		values[1] = CStringGetTextDatum(lb->label_names[best]);
		values[2] = Float8GetDatum(p[best]);
		values[3] = labels;
		values[4] = PointerGetDatum(Float8Array(p, 1, lb->nclass, false));
		values[5] = Int32GetDatum(ds->iterations);
		values[6] = BoolGetDatum(ds->converged);
		values[7] = Float8GetDatum(ds->loglik);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	PG_RETURN_NULL();
}

PG_FUNCTION_INFO_V1(pref_dawid_skene);

/* pref.dawid_skene(sql, max_iter, tol, smoothing): integer item ids, as bigint */
Datum
pref_dawid_skene(PG_FUNCTION_ARGS)
{
	return RunDawidSkeneItems(fcinfo, -1);
}

PG_FUNCTION_INFO_V1(pref_dawid_skene_any);

/* pref.dawid_skene(sql, id_type, max_iter, tol, smoothing): item ids of type id_type */
Datum
pref_dawid_skene_any(PG_FUNCTION_ARGS)
{
	return RunDawidSkeneItems(fcinfo, 1);
}

PG_FUNCTION_INFO_V1(pref_dawid_skene_annotators);

/*
 * One row per annotator: accuracy and confusion matrix (true x given); the
 * item ids are not returned, so they may have any type with a btree order
 */
Datum
pref_dawid_skene_annotators(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	Labels	   *lb;
	DawidSkene *ds;
	Datum		labels;
	int		   *nlab;
	int			k;

	InitMaterializedSRF(fcinfo, 0);
	ds = RunDawidSkene(fcinfo, -1, PREF_ID_ANY, &lb, "dawid_skene_annotators");
	if (ds == NULL)
		PG_RETURN_NULL();
	k = lb->nclass;
	labels = PointerGetDatum(LabelArray(lb));
	nlab = palloc0(sizeof(int) * lb->nannot);
	for (int64 o = 0; o < lb->nobs; o++)
		nlab[lb->annot[o]]++;
	for (int a = 0; a < lb->nannot; a++)
	{
		const double *cf = ds->conf + (Size) a * k * k;
		double		acc = 0;
		Datum		values[8];
		bool		nulls[8] = {0};

		for (int c = 0; c < k; c++)
			acc += ds->prior[c] * cf[(Size) c * k + c];
		values[0] = CStringGetTextDatum(lb->annot_names[a]);
		values[1] = Int32GetDatum(nlab[a]);
		values[2] = Float8GetDatum(acc);
		values[3] = labels;
		values[4] = PointerGetDatum(Float8Array(cf, k, k, true));
		values[5] = PointerGetDatum(Float8Array(ds->prior, 1, k, false));
		values[6] = Int32GetDatum(ds->iterations);
		values[7] = BoolGetDatum(ds->converged);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	PG_RETURN_NULL();
}
