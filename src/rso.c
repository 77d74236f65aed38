/*
 * rso.c - SQL glue of statistical rejection sampling (RSO, Liu et al. 2023)
 * and the reward-augmented pairs transform (Zhang et al. 2024):
 * pref.rejection_sample, pref.rso_pairs, pref.reward_augmented_pairs.
 * The sampler is grp_rso_sample in groups_core.c.
 */
#include "postgres.h"

#include <math.h>

#include "fmgr.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/builtins.h"

#include "common.h"
#include "groups_core.h"
#include "query.h"
#include "rng.h"

static const char *const PAIRING_NAMES[] = {"adjacent", "all", NULL};

/* Argument i of the SQL signature, after the id_type argument at idarg (or -1) */
#define ARGNO(i) (idarg >= 0 && (i) >= idarg ? (i) + 1 : (i))

/* One candidate row */
typedef struct RsoRow
{
	int64		prompt;
	int64		response;
	double		reward;
} RsoRow;

/* Order rows by (prompt, response) */
static int
RowCmp(const void *x, const void *y)
{
	const RsoRow *a = x,
			   *b = y;

	if (a->prompt != b->prompt)
		return a->prompt < b->prompt ? -1 : 1;
	if (a->response != b->response)
		return a->response < b->response ? -1 : 1;
	return 0;
}

/*
 * Seed of a prompt's stream: a function of (seed, prompt id) only; the
 * stream key is the id itself for integer ids, a hash of its text form else
 */
static void
PromptRng(PrefRng *rng, uint64 seed, const PrefIdMap *ids, int64 prompt)
{
	uint64		x = PrefIdStreamKey(ids, prompt);

	pref_rng_seed(rng, pref_splitmix64(&x) ^ seed);
}

/* A finite-value argument check with the argument's name */
static void
CheckPositive(double v, const char *argname)
{
	if (!(v > 0) || !isfinite(v))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s must be positive and finite", argname),
				 errdetail("Got %g.", v)));
}

/*
 * The common body of rejection_sample (pairing < 0) and rso_pairs: read
 * (prompt_id, response_id, reward), sample per prompt, emit rows; idarg:
 * position of the id_type argument, or -1 for integer ids returned as bigint
 */
static Datum
RsoRun(FunctionCallInfo fcinfo, int pairing, const char *what, int idarg)
{
	static const PrefQueryColumn cols[] = {
		{"prompt_id", PREF_COL_ID, false, false},
		{"response_id", PREF_COL_ID, false, false},
		{"reward", PREF_COL_FLOAT8, false, false},
	};
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	double		beta;
	int			target;
	uint64		seed;
	PrefQueryResult *res;
	RsoRow	   *rows;
	int64		n;
	int		   *order,
			   *round;
	char	   *removed;
	double	   *r;
	int64		maxgroup = 0;
	const PrefIdMap *pids,
			   *rids;

	PrefCheckNotNull(fcinfo, ARGNO(0), "sql");
	PrefCheckNotNull(fcinfo, ARGNO(1), "beta");
	PrefCheckNotNull(fcinfo, ARGNO(2), "per_prompt");
	PrefCheckNotNull(fcinfo, ARGNO(3), "seed");
	beta = PG_GETARG_FLOAT8(ARGNO(1));
	CheckPositive(beta, "beta");
	target = PG_GETARG_INT32(ARGNO(2));
	if (target < 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("per_prompt must be at least 1"),
				 errdetail("Got %d.", target)));
	seed = (uint64) PG_GETARG_INT64(ARGNO(3));

	InitMaterializedSRF(fcinfo, 0);
	res = PrefReadQueryIds(text_to_cstring(PG_GETARG_TEXT_PP(ARGNO(0))), cols, 3, what,
						   idarg < 0 ? PREF_ID_INTEGER : PrefIdTypeOfResult(fcinfo, 0));
	pids = res->ids[0];
	rids = res->ids[1];
	n = res->nrows;
	if (n == 0)
		return (Datum) 0;
	PrefCheckMemory((double) n * (sizeof(RsoRow) + 2 * sizeof(int) + sizeof(double) + 1), what);
	rows = palloc_extended(sizeof(RsoRow) * n, MCXT_ALLOC_HUGE);
	for (int64 i = 0; i < n; i++)
	{
		rows[i].prompt = PREF_QUERY_ID(res, 0)[i];
		rows[i].response = PREF_QUERY_ID(res, 1)[i];
		rows[i].reward = PREF_QUERY_FLOAT8(res, 2)[i];
		if (!isfinite(rows[i].reward))
			ereport(ERROR,
					(errcode(ERRCODE_DATA_EXCEPTION),
					 errmsg("reward must be finite"),
					 errdetail("Response %s of prompt %s has reward %g.",
							   PrefIdString(rids, rows[i].response), PrefIdString(pids, rows[i].prompt),
							   rows[i].reward)));
	}
	qsort(rows, n, sizeof(RsoRow), RowCmp);
	for (int64 i = 0, s = 0; i < n; i++)
	{
		if (i > 0 && RowCmp(&rows[i - 1], &rows[i]) == 0)
			ereport(ERROR,
					(errcode(ERRCODE_UNIQUE_VIOLATION),
					 errmsg("response %s of prompt %s appears twice",
							PrefIdString(rids, rows[i].response), PrefIdString(pids, rows[i].prompt)),
					 errhint("Keep one row per (prompt_id, response_id).")));
		if (i > 0 && rows[i].prompt != rows[i - 1].prompt)
			s = i;
		maxgroup = Max(maxgroup, i - s + 1);
	}
	if (maxgroup > INT_MAX / 2)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("a prompt has " INT64_FORMAT " responses, more than %d", maxgroup, INT_MAX / 2)));
	order = palloc(sizeof(int) * maxgroup);
	round = palloc(sizeof(int) * maxgroup);
	removed = palloc(maxgroup);
	r = palloc(sizeof(double) * maxgroup);

	for (int64 s = 0; s < n;)
	{
		int64		e = s;
		int			g,
					k;
		PrefRng		rng;

		CHECK_FOR_INTERRUPTS();
		while (e < n && rows[e].prompt == rows[s].prompt)
			e++;
		g = (int) (e - s);
		for (int i = 0; i < g; i++)
			r[i] = rows[s + i].reward;
		PromptRng(&rng, seed, pids, rows[s].prompt);
		k = grp_rso_sample(r, g, beta, target, &rng, order, round, removed);
		if (pairing < 0)
		{
			for (int j = 0; j < k; j++)
			{
				const RsoRow *row = &rows[s + order[j]];
				Datum		values[5];
				bool		nulls[5] = {false};

				values[0] = PrefIdDatum(pids, row->prompt);
				values[1] = PrefIdDatum(rids, row->response);
				values[2] = Float8GetDatum(row->reward);
				values[3] = Int32GetDatum(j + 1);
				values[4] = Int32GetDatum(round[j]);
				tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
			}
		}
		else
		{
			for (int a = 0; a < k; a += (pairing == 0 ? 2 : 1))
				for (int b = a + 1; b < k && (pairing == 1 || b == a + 1); b++)
				{
					const RsoRow *x = &rows[s + order[a]];
					const RsoRow *y = &rows[s + order[b]];
					Datum		values[5];
					bool		nulls[5] = {false};

					if (x->reward == y->reward)
						continue;	/* no preference between equal rewards */
					if (x->reward < y->reward)
					{
						const RsoRow *t = x;

						x = y;
						y = t;
					}
					values[0] = PrefIdDatum(pids, x->prompt);
					values[1] = PrefIdDatum(rids, x->response);
					values[2] = PrefIdDatum(rids, y->response);
					values[3] = Float8GetDatum(x->reward);
					values[4] = Float8GetDatum(y->reward);
					tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
				}
		}
		s = e;
	}
	return (Datum) 0;
}

PG_FUNCTION_INFO_V1(pref_rejection_sample);

/* rejection_sample(sql, beta, per_prompt, seed): accepted responses */
Datum
pref_rejection_sample(PG_FUNCTION_ARGS)
{
	return RsoRun(fcinfo, -1, "rejection_sample", -1);
}

PG_FUNCTION_INFO_V1(pref_rejection_sample_any);

/* rejection_sample(sql, beta, per_prompt, seed, id_type): ids of type id_type */
Datum
pref_rejection_sample_any(PG_FUNCTION_ARGS)
{
	return RsoRun(fcinfo, -1, "rejection_sample", 4);
}

PG_FUNCTION_INFO_V1(pref_rso_pairs);

/* rso_pairs(sql, beta, per_prompt, seed, pairing): pairs of accepted responses */
Datum
pref_rso_pairs(PG_FUNCTION_ARGS)
{
	int			pairing;

	PrefCheckNotNull(fcinfo, 4, "pairing");
	pairing = PrefParseOption(text_to_cstring(PG_GETARG_TEXT_PP(4)), PAIRING_NAMES, "pairing");
	return RsoRun(fcinfo, pairing, "rso_pairs", -1);
}

PG_FUNCTION_INFO_V1(pref_rso_pairs_any);

/* rso_pairs(sql, beta, per_prompt, seed, pairing, id_type): ids of type id_type */
Datum
pref_rso_pairs_any(PG_FUNCTION_ARGS)
{
	int			pairing;

	PrefCheckNotNull(fcinfo, 4, "pairing");
	pairing = PrefParseOption(text_to_cstring(PG_GETARG_TEXT_PP(4)), PAIRING_NAMES, "pairing");
	return RsoRun(fcinfo, pairing, "rso_pairs", 5);
}

/*
 * reward_augmented_pairs(sql): each pair (prompt, chosen, rejected,
 * chosen_reward, rejected_reward) with distinct rewards becomes two pairs
 * conditioned on a target reward: target = chosen_reward prefers chosen,
 * target = rejected_reward prefers rejected
 */
static Datum
RunRewardAugmented(FunctionCallInfo fcinfo, bool any)
{
	static const PrefQueryColumn cols[] = {
		{"prompt_id", PREF_COL_ID, false, false},
		{"chosen_id", PREF_COL_ID, false, false},
		{"rejected_id", PREF_COL_ID, false, false},
		{"chosen_reward", PREF_COL_FLOAT8, false, false},
		{"rejected_reward", PREF_COL_FLOAT8, false, false},
	};
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	PrefQueryResult *res;
	int64		equal = 0;

	PrefCheckNotNull(fcinfo, 0, "sql");
	InitMaterializedSRF(fcinfo, 0);
	res = PrefReadQueryIds(text_to_cstring(PG_GETARG_TEXT_PP(0)), cols, 5, "reward_augmented_pairs",
						   any ? PrefIdTypeOfResult(fcinfo, 0) : PREF_ID_INTEGER);
	for (int64 i = 0; i < res->nrows; i++)
	{
		int64		p = PREF_QUERY_ID(res, 0)[i],
					c = PREF_QUERY_ID(res, 1)[i],
					j = PREF_QUERY_ID(res, 2)[i];
		double		rc = PREF_QUERY_FLOAT8(res, 3)[i],
					rj = PREF_QUERY_FLOAT8(res, 4)[i];

		CHECK_FOR_INTERRUPTS();
		if (!isfinite(rc) || !isfinite(rj))
			ereport(ERROR,
					(errcode(ERRCODE_DATA_EXCEPTION),
					 errmsg("rewards must be finite"),
					 errdetail("The pair of prompt %s (%s over %s) has rewards %g and %g.",
							   PrefIdString(res->ids[0], p), PrefIdString(res->ids[1], c),
							   PrefIdString(res->ids[2], j), rc, rj)));
		if (rc == rj)
		{
			equal++;
			continue;
		}
		for (int side = 0; side < 2; side++)
		{
			Datum		values[7];
			bool		nulls[7] = {false};

			values[0] = PrefIdDatum(res->ids[0], p);
			values[1] = Float8GetDatum(side == 0 ? rc : rj);
			values[2] = side == 0 ? PrefIdDatum(res->ids[1], c) : PrefIdDatum(res->ids[2], j);
			values[3] = side == 0 ? PrefIdDatum(res->ids[2], j) : PrefIdDatum(res->ids[1], c);
			values[4] = Float8GetDatum(side == 0 ? rc : rj);
			values[5] = Float8GetDatum(side == 0 ? rj : rc);
			values[6] = BoolGetDatum(side == 1);
			tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
		}
	}
	if (equal > 0)
		ereport(NOTICE,
				(errmsg(INT64_FORMAT " pair%s with equal rewards skipped", equal, equal == 1 ? "" : "s"),
				 errdetail("Conditioned on either reward the two responses are equally good.")));
	return (Datum) 0;
}

PG_FUNCTION_INFO_V1(pref_reward_augmented_pairs);

/* reward_augmented_pairs(sql): integer ids, returned as bigint */
Datum
pref_reward_augmented_pairs(PG_FUNCTION_ARGS)
{
	return RunRewardAugmented(fcinfo, false);
}

PG_FUNCTION_INFO_V1(pref_reward_augmented_pairs_any);

/* reward_augmented_pairs(sql, id_type): ids of type id_type */
Datum
pref_reward_augmented_pairs_any(PG_FUNCTION_ARGS)
{
	return RunRewardAugmented(fcinfo, true);
}
