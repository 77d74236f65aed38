/*
 * ivf.c - SQL glue of the cluster-pruned (IVF) neighbour graphs:
 * pref.select_subset_ivf (lazy greedy facility location on the graph) and
 * pref.knn_graph (the graph itself).  Reads the inner query (id, embedding
 * [, quality]) with PrefReadQuery, sorts it by id, builds the graph in
 * ivf_core.c and reports its recall against the exact lists of a seeded
 * sample of rows in a NOTICE.
 */
#include "postgres.h"

#include <math.h>

#include "fmgr.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/tuplestore.h"

#include "common.h"
#include "ivf_core.h"
#include "query.h"
#include "rng.h"
#include "subset.h"

static const char *const metric_names[] = {"cosine", "l2", NULL};

/* An int argument that must not be NULL and must be at least lo */
static int32
IntArg(FunctionCallInfo fcinfo, int argno, const char *name, int32 lo)
{
	int32		v;

	PrefCheckNotNull(fcinfo, argno, name);
	v = PG_GETARG_INT32(argno);
	if (v < lo)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s must be at least %d", name, lo),
				 errdetail("Got %d.", v)));
	return v;
}

/* Neighbour recall of the graph on a seeded sample of rows (NOTICE) */
static void
ReportRecall(const SubsetData *sd, const IvfGraph *g, int32 nsample, uint64 seed,
			 const char *what, int clusters, int n_probe)
{
	int64		n = sd->n;
	int64		nq = Min((int64) nsample, n);
	int64	   *rows;
	double	   *val;
	int32	   *col,
			   *cnt;
	void	   *work;
	int64		hit = 0,
				total = 0,
				need = nq;
	PrefRng		rng;

	if (nq <= 0)
		return;
	PrefCheckMemory((double) nq * g->nn * 12.0 + ivf_exact_work(n, sd->d), what);
	rows = palloc(sizeof(int64) * nq);
	pref_rng_seed(&rng, seed ^ UINT64CONST(0x9e3779b97f4a7c15));
	for (int64 i = 0, k = 0; i < n && k < nq; i++)
		if (pref_rng_uniform(&rng) * (double) (n - i) < (double) need)
		{
			rows[k++] = i;
			need--;
		}
	val = palloc(sizeof(double) * nq * g->nn);
	col = palloc(sizeof(int32) * nq * g->nn);
	cnt = palloc(sizeof(int32) * nq);
	work = palloc(ivf_exact_work(n, sd->d));
	ivf_exact_lists(sd, g->nn, rows, nq, val, col, cnt, work);
	for (int64 a = 0; a < nq; a++)
	{
		const int32 *e = col + a * g->nn;
		const int32 *f = g->col + (size_t) rows[a] * g->nn;
		int			i = 0,
					j = 0;

		while (i < cnt[a] && j < g->cnt[rows[a]])
		{
			if (e[i] == f[j])
			{
				hit++;
				i++;
				j++;
			}
			else if (e[i] < f[j])
				i++;
			else
				j++;
		}
		total += cnt[a];
	}
	ereport(NOTICE,
			(errmsg("%s: neighbour recall %.4f against the exact lists of " INT64_FORMAT " sampled rows (clusters %d, n_probe %d)",
					what, total > 0 ? (double) hit / (double) total : 1.0, nq, clusters, n_probe)));
}

/*
 * The common part: arguments (sql, k or NULL, [id_type,] n_neighbors,
 * clusters, n_probe, metric, gamma, seed, recall_sample[, lambda]) -> the
 * graph over rows sorted by id.  base is the position of n_neighbors and
 * id_type the type of the ids returned (PREF_ID_INTEGER: bigint).
 * Returns false for an empty query.
 */
static bool
BuildGraph(FunctionCallInfo fcinfo, int base, bool with_quality, Oid id_type, const char *what,
		   SubsetData *sd, IvfGraph *g, PrefQueryResult **resp)
{
	static const PrefQueryColumn cols[] = {
		{"id", PREF_COL_ID, false, false},
		{"embedding", PREF_COL_VECTOR, false, false},
		{"quality", PREF_COL_FLOAT8, true, false},
	};
	char	   *sql;
	int32		nn,
				clusters = 0,
				n_probe,
				recall;
	int			metric;
	double		gamma = 0;
	uint64		seed;
	PrefQueryResult *res;
	int64		n;
	IvfParams	p;
	void	   *work;
	size_t		wbytes;

	sql = SubsetTextArg(fcinfo, 0, "sql");
	nn = IntArg(fcinfo, base, "n_neighbors", 1);
	if (!PG_ARGISNULL(base + 1))
		clusters = IntArg(fcinfo, base + 1, "clusters", 1);
	n_probe = IntArg(fcinfo, base + 2, "n_probe", 1);
	metric = PrefParseOption(SubsetTextArg(fcinfo, base + 3, "metric"), metric_names, "metric");
	if (!PG_ARGISNULL(base + 4) && metric != SUBSET_L2)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("gamma applies only to metric l2")));
	gamma = SubsetFloatArg(fcinfo, base + 4, "gamma", 0.0, 0.0, true, 1e300, false);
	PrefCheckNotNull(fcinfo, base + 5, "seed");
	seed = (uint64) PG_GETARG_INT64(base + 5);
	recall = IntArg(fcinfo, base + 6, "recall_sample", 0);

	res = SubsetReadRows(sql, cols, with_quality ? 3 : 2, what, id_type,
						 with_quality ? "id, embedding or quality" : "id or embedding");
	n = res->nrows;
	*resp = res;
	if (n == 0)
		return false;
	if (n > PG_INT32_MAX)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("%s: at most %d rows", what, PG_INT32_MAX)));
	SubsetPrepareRows(sd, res, metric, gamma, !PG_ARGISNULL(base + 4), what);
	sd->quality = (with_quality && res->ncols == 3) ? PREF_QUERY_FLOAT8(res, 2) : NULL;
	if (clusters == 0)
		clusters = (int32) Max(1, Min(n, (int64) rint(sqrt((double) n))));
	if (clusters > n)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s: clusters (%d) exceeds the number of rows (" INT64_FORMAT ")", what, clusters, n)));
	if (n_probe > clusters)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s: n_probe (%d) exceeds clusters (%d)", what, n_probe, clusters),
				 errhint("n_probe => clusters searches every row (the exact graph).")));

	p.clusters = clusters;
	p.n_probe = n_probe;
	p.train_rows = Max((int64) 50 * clusters, 20000);
	p.train_iter = 10;
	p.seed = seed;
	g->n = n;
	g->nn = Min((int64) nn, n);
	wbytes = ivf_build_work(n, sd->d, &p);
	PrefCheckMemory((double) n * sd->d * 8.0 + (double) n * g->nn * 12.0 + (double) n * 32.0 +
					(double) wbytes, what);
	g->val = palloc_extended(sizeof(double) * n * g->nn, MCXT_ALLOC_HUGE);
	g->col = palloc_extended(sizeof(int32) * n * g->nn, MCXT_ALLOC_HUGE);
	g->cnt = palloc_extended(sizeof(int32) * n, MCXT_ALLOC_HUGE);
	work = palloc_extended(wbytes, MCXT_ALLOC_HUGE);
	PrefApplyBlasThreads();
	if (ivf_build(sd, &p, g, work) != 0)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("%s: fewer than clusters = %d distinct rows in the k-means sample", what, clusters),
				 errhint("Use fewer clusters.")));
	pfree(work);
	ReportRecall(sd, g, recall, seed, what, clusters, n_probe);
	return true;
}

/*
 * pref.select_subset_ivf(sql, k, [id_type,] n_neighbors, clusters,
 * n_probe, metric, gamma, seed, recall_sample, lambda) -> (id, pick, gain,
 * objective); idarg is the position of id_type, or -1 for bigint ids
 */
static Datum
RunSelectSubsetIvf(FunctionCallInfo fcinfo, int idarg)
{
	const char *what = "select_subset_ivf";
	int			base = idarg >= 0 ? 3 : 2;
	int32		k;
	double		lambda;
	SubsetData	sd;
	IvfGraph	g;
	PrefQueryResult *res;
	SubsetResult out;
	void	   *work;
	int64		kk;

	k = IntArg(fcinfo, 1, "k", 1);
	PrefCheckNotNull(fcinfo, base + 7, "lambda");
	lambda = PG_GETARG_FLOAT8(base + 7);
	if (!isfinite(lambda) || lambda < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("lambda must be finite and at least 0"),
				 errdetail("Got %g.", lambda)));
	InitMaterializedSRF(fcinfo, 0);
	if (!BuildGraph(fcinfo, base, true, idarg >= 0 ? PrefIdTypeOfResult(fcinfo, 0) : PREF_ID_INTEGER,
					what, &sd, &g, &res))
		return (Datum) 0;
	kk = Min((int64) k, sd.n);
	out.pick = palloc(sizeof(int64) * kk);
	out.gain = palloc(sizeof(double) * kk);
	out.objective = palloc(sizeof(double) * kk);
	work = palloc_extended(ivf_greedy_work(sd.n), MCXT_ALLOC_HUGE);
	ivf_greedy(&sd, &g, lambda, kk, work, &out);
	SubsetPutPicks(fcinfo, res->ids[0], sd.id, &out, 0);
	return (Datum) 0;
}

PG_FUNCTION_INFO_V1(pref_select_subset_ivf);

/* pref.select_subset_ivf(sql, k, n_neighbors, ...): integer ids, returned as bigint */
Datum
pref_select_subset_ivf(PG_FUNCTION_ARGS)
{
	return RunSelectSubsetIvf(fcinfo, -1);
}

PG_FUNCTION_INFO_V1(pref_select_subset_ivf_any);

/* pref.select_subset_ivf(sql, k, id_type, n_neighbors, ...): ids of type id_type */
Datum
pref_select_subset_ivf_any(PG_FUNCTION_ARGS)
{
	return RunSelectSubsetIvf(fcinfo, 2);
}

/*
 * pref.knn_graph(sql, [id_type,] n_neighbors, clusters, n_probe, metric,
 * gamma, seed, recall_sample) -> (id, neighbor, similarity), each row's
 * list by decreasing similarity (ties: smaller neighbour id); any_id: the
 * overload with id_type
 */
static Datum
RunKnnGraph(FunctionCallInfo fcinfo, bool any_id)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	SubsetData	sd;
	IvfGraph	g;
	PrefQueryResult *res;
	const PrefIdMap *ids;

	InitMaterializedSRF(fcinfo, 0);
	if (!BuildGraph(fcinfo, any_id ? 2 : 1, false, any_id ? PrefIdTypeOfResult(fcinfo, 0) : PREF_ID_INTEGER,
					"knn_graph", &sd, &g, &res))
		return (Datum) 0;
	ids = res->ids[0];
	for (int64 i = 0; i < sd.n; i++)
	{
		const double *v = g.val + (size_t) i * g.nn;
		const int32 *c = g.col + (size_t) i * g.nn;
		int			m = g.cnt[i];
		bool	   *used = palloc0(Max(m, 1));

		if ((i & 1023) == 0)
			CHECK_FOR_INTERRUPTS();
		/* emit by decreasing similarity, ties to the smaller id (lists are short) */
		for (int r = 0; r < m; r++)
		{
			int			best = -1;
			Datum		values[3];
			bool		nulls[3] = {false, false, false};

			for (int e = 0; e < m; e++)
				if (!used[e] && (best < 0 || v[e] > v[best] ||
								 (v[e] == v[best] && sd.id[c[e]] < sd.id[c[best]])))
					best = e;
			used[best] = true;
			values[0] = PrefIdDatum(ids, sd.id[i]);
			values[1] = PrefIdDatum(ids, sd.id[c[best]]);
			values[2] = Float8GetDatum(v[best]);
			tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
		}
		pfree(used);
	}
	return (Datum) 0;
}

PG_FUNCTION_INFO_V1(pref_knn_graph);

/* pref.knn_graph(sql, n_neighbors, ...): integer ids, returned as bigint */
Datum
pref_knn_graph(PG_FUNCTION_ARGS)
{
	return RunKnnGraph(fcinfo, false);
}

PG_FUNCTION_INFO_V1(pref_knn_graph_any);

/* pref.knn_graph(sql, id_type, n_neighbors, ...): ids of type id_type */
Datum
pref_knn_graph_any(PG_FUNCTION_ARGS)
{
	return RunKnnGraph(fcinfo, true);
}
