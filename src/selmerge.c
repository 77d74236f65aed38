/*
 * selmerge.c - SQL glue for cluster-quota selection, pref.select_by_cluster:
 * reads (id, embedding, cluster [, quality]) rows, splits k among the
 * clusters by a quota rule (selmerge_quotas) and runs the greedy selectors
 * of subset_core.c within each cluster.
 */
#include "postgres.h"

#include <float.h>
#include <math.h>

#include "fmgr.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/tuplestore.h"

#include "common.h"
#include "query.h"
#include "quota_core.h"
#include "subset.h"
#include "subset_core.h"

#define METHOD_FL		0
#define METHOD_KCENTER	1
#define METHOD_DPP		2
#define METHOD_MMR		3

static const char *const quota_names[] = {"fixed", "proportional", "quality", NULL};
static const char *const method_names[] = {"facility_location", "k_center", "dpp", "mmr", NULL};
static const char *const metric_names[] = {"cosine", "l2", NULL};

/* Argument number i of the bigint signature, in a call with id_type at idarg */
#define ARGNO(i) (idarg >= 0 && (i) >= idarg ? (i) + 1 : (i))

/*
 * pref.select_by_cluster(sql, k, [id_type,] quota, method, metric, lambda,
 * gamma, temperature) -> (id, cluster, pick, gain, objective), by cluster
 * and pick.  idarg is the position of id_type, or -1.
 */
static Datum
RunSelectByCluster(FunctionCallInfo fcinfo, int idarg)
{
	static const PrefQueryColumn cols[] = {
		{"id", PREF_COL_ID, false, false},
		{"embedding", PREF_COL_VECTOR, false, false},
		{"cluster", PREF_COL_INT8, false, false},
		{"quality", PREF_COL_FLOAT8, true, false},
	};
	const char *what = "select_by_cluster";
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	char	   *sql;
	int32		k;
	int			quota_rule,
				method,
				metric;
	double		lambda = 0,
				gamma,
				temperature = 1.0;
	bool		has_gamma;
	PrefQueryResult *res;
	const PrefIdMap *ids;
	int64		n,
				nclus = 0,
				maxsize = 0,
				maxquota = 0;
	int			d;
	int64	   *order,
			   *start,
			   *size,
			   *quota,
			   *qwork;
	double	   *weight;
	const int64 *rid;
	const int64 *rcl;
	const double *rq = NULL;
	double		need,
				limit_work = 0;
	SubsetFLParams flp;
	void	   *prog;
	double	   *cx,
			   *csq,
			   *cq;
	int64	   *cid;
	void	   *work;
	SubsetResult out;

	sql = SubsetTextArg(fcinfo, ARGNO(0), "sql");
	PrefCheckNotNull(fcinfo, ARGNO(1), "k");
	k = PG_GETARG_INT32(ARGNO(1));
	if (k <= 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("k must be positive"),
				 errdetail("Got %d.", k)));
	quota_rule = PrefParseOption(SubsetTextArg(fcinfo, ARGNO(2), "quota"), quota_names, "quota");
	method = PrefParseOption(SubsetTextArg(fcinfo, ARGNO(3), "method"), method_names, "method");
	metric = PrefParseOption(SubsetTextArg(fcinfo, ARGNO(4), "metric"), metric_names, "metric");
	if (method == METHOD_FL)
		lambda = SubsetFloatArg(fcinfo, ARGNO(5), "lambda", 1.0, 0.0, false, 1e300, false);
	else if (method == METHOD_MMR)
		lambda = SubsetFloatArg(fcinfo, ARGNO(5), "lambda", 0.5, 0.0, false, 1.0, false);
	else if (!PG_ARGISNULL(ARGNO(5)))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("lambda applies only to methods facility_location and mmr")));
	has_gamma = !PG_ARGISNULL(ARGNO(6));
	if (has_gamma && metric != SUBSET_L2)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("gamma applies only to metric l2")));
	gamma = SubsetFloatArg(fcinfo, ARGNO(6), "gamma", 0.0, 0.0, true, 1e300, false);
	if (quota_rule == SELMERGE_QUOTA_QUALITY)
		temperature = SubsetFloatArg(fcinfo, ARGNO(7), "temperature", 1.0, 0.0, true, 1e300, false);
	else if (!PG_ARGISNULL(ARGNO(7)))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("temperature applies only to quota quality")));

	InitMaterializedSRF(fcinfo, 0);
	res = SubsetReadRows(sql, cols, 4, what, idarg < 0 ? PREF_ID_INTEGER : PrefIdTypeOfResult(fcinfo, 0),
						 "id, embedding, cluster or quality");
	ids = res->ids[0];
	n = res->nrows;
	if (quota_rule == SELMERGE_QUOTA_QUALITY && res->ncols < 4)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s: quota quality needs a quality column", what),
				 errhint("Return (id, embedding, cluster, quality) from the query, or use quota fixed or proportional.")));
	if (n == 0)
		return (Datum) 0;
	PrefApplyBlasThreads();
	d = res->dim[1];
	rid = PREF_QUERY_ID(res, 0);
	rcl = PREF_QUERY_INT8(res, 2);
	if (res->ncols == 4)
	{
		rq = PREF_QUERY_FLOAT8(res, 3);
		if (method == METHOD_DPP)
			for (int64 i = 0; i < n; i++)
				if (rq[i] < 0)
					ereport(ERROR,
							(errcode(ERRCODE_DATA_EXCEPTION),
							 errmsg("%s: quality of id %s is negative", what, PrefIdString(ids, rid[i])),
							 errdetail("The DPP kernel diag(q) S diag(q) needs non-negative qualities; got %g.", rq[i])));
	}
	/* rows by (cluster, id): sorted by id, then stably by cluster */
	PrefSortResultById(res, 0, what, true);
	order = PrefSortOrder(rcl, n);
	for (int64 i = 0; i < n; i++)
		if (i == 0 || rcl[order[i]] != rcl[order[i - 1]])
			nclus++;
	start = palloc(sizeof(int64) * (nclus + 1));
	size = palloc(sizeof(int64) * nclus);
	quota = palloc(sizeof(int64) * nclus);
	qwork = palloc(sizeof(int64) * nclus);
	weight = palloc(sizeof(double) * nclus);
	nclus = 0;
	for (int64 i = 0; i < n; i++)
		if (i == 0 || rcl[order[i]] != rcl[order[i - 1]])
			start[nclus++] = i;
	start[nclus] = n;

	/* quota weights */
	{
		double		maxmean = -INFINITY;

		for (int64 c = 0; c < nclus; c++)
		{
			size[c] = start[c + 1] - start[c];
			maxsize = Max(maxsize, size[c]);
			if (quota_rule == SELMERGE_QUOTA_FIXED)
				weight[c] = 1.0;
			else if (quota_rule == SELMERGE_QUOTA_PROPORTIONAL)
				weight[c] = (double) size[c];
			else
			{
				double		sum = 0;

				for (int64 t = start[c]; t < start[c + 1]; t++)
					sum += rq[order[t]];
				weight[c] = sum / (double) size[c];	/* the mean for now */
				maxmean = Max(maxmean, weight[c]);
			}
		}
		if (quota_rule == SELMERGE_QUOTA_QUALITY)
			for (int64 c = 0; c < nclus; c++)
			{
				/* size * exp((mean - max mean) / temperature), never 0 */
				weight[c] = (double) size[c] * exp((weight[c] - maxmean) / temperature);
				if (!(weight[c] >= DBL_MIN))
					weight[c] = DBL_MIN;
			}
	}
	selmerge_quotas(nclus, size, weight, k, quota, qwork);
	if ((int64) k > n)
		ereport(NOTICE,
				(errmsg("%s: k = %d exceeds the " INT64_FORMAT " rows; returning all of them", what, k, n)));
	for (int64 c = 0; c < nclus; c++)
		maxquota = Max(maxquota, quota[c]);

	/* memory: the query result, one cluster's copy and the method's work */
	memset(&flp, 0, sizeof(flp));
	flp.lambda = lambda;
	flp.greedy = SUBSET_LAZY;
	flp.storage = SUBSET_FL_DENSE;
	switch (method)
	{
		case METHOD_FL:
			limit_work = (double) subset_fl_work(maxsize, d, &flp);
			break;
		case METHOD_KCENTER:
			limit_work = (double) subset_kcenter_work(maxsize, d);
			break;
		case METHOD_DPP:
			limit_work = (double) subset_dpp_work(maxsize, Max(maxquota, 1));
			break;
		case METHOD_MMR:
			limit_work = (double) subset_mmr_work(maxsize);
			break;
	}
	need = (double) n * (d + 4) * sizeof(double) + (double) maxsize * (d + 3) * sizeof(double) +
		limit_work + (double) Max(maxquota, 1) * 3 * sizeof(double);
	if (method == METHOD_FL && need > (double) pgpref_max_memory_kb * 1024.0)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("%s: dense facility location on the largest cluster (" INT64_FORMAT " rows) needs %.0f kB, more than pgpref.max_memory (%d kB)",
						what, maxsize, ceil(need / 1024.0), pgpref_max_memory_kb),
				 errhint("Use smaller clusters, method k_center, dpp or mmr, or raise pgpref.max_memory.")));
	PrefCheckMemory(need, what);

	cx = palloc_extended(sizeof(double) * (Size) maxsize * d, MCXT_ALLOC_HUGE);
	csq = palloc_extended(sizeof(double) * maxsize, MCXT_ALLOC_HUGE);
	cq = palloc_extended(sizeof(double) * maxsize, MCXT_ALLOC_HUGE);
	cid = palloc_extended(sizeof(int64) * maxsize, MCXT_ALLOC_HUGE);
	work = palloc_extended(Max((Size) limit_work, 1), MCXT_ALLOC_HUGE);
	out.pick = palloc(sizeof(int64) * Max(maxquota, 1));
	out.gain = palloc(sizeof(double) * Max(maxquota, 1));
	out.objective = palloc(sizeof(double) * Max(maxquota, 1));
	prog = SubsetProgressStart(what);

	for (int64 c = 0; c < nclus; c++)
	{
		SubsetData	sd;
		int64		nc = size[c];
		int64		bad;
		int			rc = SUBSET_OK;

		SubsetProgress(prog, "clusters", c, nclus);
		CHECK_FOR_INTERRUPTS();
		if (quota[c] == 0)
			continue;
		for (int64 t = 0; t < nc; t++)
		{
			int64		r = order[start[c] + t];

			memcpy(cx + (size_t) t * d, PREF_QUERY_VECTOR(res, 1) + (size_t) r * d, sizeof(double) * d);
			cid[t] = rid[r];
			if (rq)
				cq[t] = rq[r];
		}
		sd.n = nc;
		sd.d = d;
		sd.xf = NULL;
		sd.x = cx;
		sd.sqnorm = metric == SUBSET_L2 ? csq : NULL;
		sd.id = cid;
		sd.quality = rq ? cq : NULL;
		sd.metric = metric;
		sd.gamma = has_gamma ? gamma : 1.0 / (double) d;
		sd.tick = SubsetTick;
		sd.progress = NULL;
		sd.tick_arg = NULL;
		bad = subset_prepare(&sd);
		if (bad >= 0)
			ereport(ERROR,
					(errcode(ERRCODE_DATA_EXCEPTION),
					 errmsg("%s: embedding of id %s is a zero vector", what, PrefIdString(ids, cid[bad])),
					 errdetail("Cosine similarity is undefined for a zero vector."),
					 errhint("Use metric => 'l2', or leave such rows out of the query.")));
		switch (method)
		{
			case METHOD_FL:
				rc = subset_facility_location(&sd, &flp, NULL, 0, quota[c], work, &out);
				break;
			case METHOD_KCENTER:
				rc = subset_kcenter(&sd, 0, NULL, 0, quota[c], work, &out);
				break;
			case METHOD_DPP:
				rc = subset_dpp(&sd, 1e-10, NULL, 0, quota[c], work, &out);
				break;
			case METHOD_MMR:
				rc = subset_mmr(&sd, lambda, NULL, 0, quota[c], work, &out);
				break;
		}
		if (rc != SUBSET_OK)
			elog(ERROR, "select_by_cluster: selector failed with code %d", rc);
		if (method == METHOD_DPP && out.count < quota[c])
			ereport(NOTICE,
					(errmsg("%s: dpp stopped after " INT64_FORMAT " of " INT64_FORMAT " picks in cluster " INT64_FORMAT ": the next gain is below 1e-10",
							what, out.count, quota[c], rcl[order[start[c]]])));
		for (int64 t = 0; t < out.count; t++)
		{
			Datum		values[5];
			bool		nulls[5] = {false, false, false, false, false};

			values[0] = PrefIdDatum(ids, cid[out.pick[t]]);
			values[1] = Int64GetDatum(rcl[order[start[c]]]);
			values[2] = Int32GetDatum((int32) (t + 1));
			values[3] = Float8GetDatum(out.gain[t]);
			nulls[3] = isnan(out.gain[t]);
			values[4] = Float8GetDatum(out.objective[t]);
			tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
		}
	}
	return (Datum) 0;
}

PG_FUNCTION_INFO_V1(pref_select_by_cluster);

/* pref.select_by_cluster(sql, k, quota, ...): integer ids, returned as bigint */
Datum
pref_select_by_cluster(PG_FUNCTION_ARGS)
{
	return RunSelectByCluster(fcinfo, -1);
}

PG_FUNCTION_INFO_V1(pref_select_by_cluster_any);

/* pref.select_by_cluster(sql, k, id_type, quota, ...): ids of type id_type */
Datum
pref_select_by_cluster_any(PG_FUNCTION_ARGS)
{
	return RunSelectByCluster(fcinfo, 2);
}
