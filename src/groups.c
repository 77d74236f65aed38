/*
 * groups.c - SQL glue of group comparisons: pref.bt_compare, per item
 * differences between two Bradley-Terry models (e.g. fitted on two user
 * groups) with standard errors, z, p and Holm / Benjamini-Hochberg adjusted
 * p-values.  The accuracy comparison across categories is in
 * reward_report.c; the statistics are in groups_core.c.
 */
#include "postgres.h"

#include <math.h>

#include "fmgr.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/builtins.h"

#include "bt_core.h"
#include "bt_model.h"
#include "common.h"
#include "groups_core.h"
#include "linalg.h"
#include "tally.h"

static const char *const CMP_SCALE_NAMES[] = {"elo", "logit", NULL};
static const char *const CMP_SE_NAMES[] = {"model", "sandwich", NULL};

/* Covariance of a model's strengths (model or sandwich), as pref.ratings uses */
static double *
CompareCovariance(const PrefBtModel *m, bool sandwich, int *np_out)
{
	double	   *rob = NULL;
	double	   *cov = PrefBtModelCovariance(m, sandwich ? &rob : NULL, np_out, false, "pref.bt_compare");

	if (sandwich)
	{
		pfree(cov);
		return rob;
	}
	return cov;
}

/* Index of item name in tally t, or -1 (bigint tallies parse the name) */
static int
FindItemByName(const PrefTally *t, const char *name)
{
	int64		v;
	char	   *end;

	if (t->flags & TALLY_TEXT)
		return TallyFindText(t, name, strlen(name));
	errno = 0;
	v = strtoll(name, &end, 10);
	if (*end != '\0' || errno != 0 || end == name)
		return -1;
	return TallyFindInt(t, v);
}

/*
 * Ratings of the common items idx[c] of a model, centred to mean 0 over them
 * (or relative to the anchor, position anc in idx), and their variances
 */
static void
CentredRatings(const PrefBtModel *m, const int *idx, int c, int anc, bool sandwich,
			   double *r, double *var)
{
	int			np;
	double	   *V = CompareCovariance(m, sandwich, &np);
	const double *th = BT_THETA(m);

	if (anc >= 0)
	{
		int			a = idx[anc];

		for (int i = 0; i < c; i++)
		{
			int			k = idx[i];

			r[i] = th[k] - th[a];
			var[i] = V[(size_t) k * np + k] + V[(size_t) a * np + a] - 2 * V[(size_t) k * np + a];
		}
	}
	else
	{
		/* Var(theta_i - mean) = V_ii - 2/c sum_j V_ij + 1/c^2 sum_jk V_jk */
		double	   *rowsum = palloc0(sizeof(double) * c);
		double		mean = 0,
					total = 0;

		for (int i = 0; i < c; i++)
		{
			CHECK_FOR_INTERRUPTS();
			for (int j = 0; j < c; j++)
				rowsum[i] += V[(size_t) idx[i] * np + idx[j]];
			total += rowsum[i];
			mean += th[idx[i]];
		}
		mean /= c;
		for (int i = 0; i < c; i++)
		{
			int			k = idx[i];

			r[i] = th[k] - mean;
			var[i] = V[(size_t) k * np + k] - 2.0 * rowsum[i] / c + total / ((double) c * c);
		}
		pfree(rowsum);
	}
	for (int i = 0; i < c; i++)
		var[i] = fmax(var[i], 0.0);
	pfree(V);
}

PG_FUNCTION_INFO_V1(pref_bt_compare);

/*
 * bt_compare(a, b, scale, anchor, level, se): no rows when either model is
 * NULL (a fit over no rows); NULL anchor: centred on the common items
 */
Datum
pref_bt_compare(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	PrefBtModel *ma,
			   *mb;
	const PrefTally *ta,
			   *tb;
	int			scale,
				sekind,
				c = 0,
				anc = -1,
				only = 0;
	double		level,
				f,
				shift,
				z;
	int		   *ia,
			   *ib,
			   *iwork;
	double	   *ra,
			   *rb,
			   *va,
			   *vb,
			   *zs,
			   *ps,
			   *holm,
			   *bh;

	PrefCheckNotNull(fcinfo, 2, "scale");
	PrefCheckNotNull(fcinfo, 4, "level");
	PrefCheckNotNull(fcinfo, 5, "se");
	scale = PrefParseOption(text_to_cstring(PG_GETARG_TEXT_PP(2)), CMP_SCALE_NAMES, "scale");
	sekind = PrefParseOption(text_to_cstring(PG_GETARG_TEXT_PP(5)), CMP_SE_NAMES, "se");
	level = PG_GETARG_FLOAT8(4);
	if (!(level > 0 && level < 1))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("level must be between 0 and 1 (exclusive)")));
	InitMaterializedSRF(fcinfo, 0);
	if (PG_ARGISNULL(0) || PG_ARGISNULL(1))
		return (Datum) 0;
	ma = PG_GETARG_BTMODEL_P(0);
	mb = PG_GETARG_BTMODEL_P(1);
	ta = BT_TALLY(ma);
	tb = BT_TALLY(mb);
	f = scale == 0 ? 400.0 / log(10.0) : 1.0;
	shift = scale == 0 ? 1000.0 : 0.0;
	z = BtNormalQuantile(0.5 + level / 2);

	/* the common items, in model a's order */
	ia = palloc(sizeof(int) * ma->nitems);
	ib = palloc(sizeof(int) * ma->nitems);
	for (int i = 0; i < ma->nitems; i++)
	{
		int			j = FindItemByName(tb, BtItemName(ta, i));

		if (j < 0)
		{
			only++;
			continue;
		}
		ia[c] = i;
		ib[c] = j;
		c++;
	}
	only += mb->nitems - c;
	if (c < 2)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("the models share %d item%s", c, c == 1 ? "" : "s"),
				 errdetail("Ratings are compared on the items both models rate, and need at least two."),
				 errhint("Fit both models on comparisons of the same items.")));
	if (only > 0)
		ereport(NOTICE,
				(errmsg("%d item%s rated by only one model left out", only, only == 1 ? "" : "s"),
				 errdetail("Ratings are compared on the %d items both models rate.", c)));
	if (!PG_ARGISNULL(3))
	{
		char	   *key = text_to_cstring(PG_GETARG_TEXT_PP(3));
		int			k = FindItemByName(ta, key);

		for (int i = 0; i < c && k >= 0; i++)
			if (ia[i] == k)
				anc = i;
		if (anc < 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("anchor \"%s\" is not an item of both models", key)));
	}

	ra = palloc(sizeof(double) * c);
	rb = palloc(sizeof(double) * c);
	va = palloc(sizeof(double) * c);
	vb = palloc(sizeof(double) * c);
	zs = palloc(sizeof(double) * c);
	ps = palloc(sizeof(double) * c);
	holm = palloc(sizeof(double) * c);
	bh = palloc(sizeof(double) * c);
	iwork = palloc(sizeof(int) * c);
	CentredRatings(ma, ia, c, anc, sekind == 1, ra, va);
	CentredRatings(mb, ib, c, anc, sekind == 1, rb, vb);
	for (int i = 0; i < c; i++)
	{
		double		se = sqrt(va[i] + vb[i]);

		zs[i] = (i == anc || !(se > 0)) ? NAN : (ra[i] - rb[i]) / se;
		ps[i] = grp_pvalue(zs[i]);
	}
	grp_adjust(ps, c, holm, bh, iwork);

	for (int i = 0; i < c; i++)
	{
		Datum		values[11];
		bool		nulls[11] = {false};
		double		d = f * (ra[i] - rb[i]);
		double		se = f * sqrt(va[i] + vb[i]);

		CHECK_FOR_INTERRUPTS();
		values[0] = CStringGetTextDatum(BtItemName(ta, ia[i]));
		values[1] = Float8GetDatum(f * ra[i] + shift);
		values[2] = Float8GetDatum(f * rb[i] + shift);
		values[3] = Float8GetDatum(d);
		values[4] = Float8GetDatum(se);
		values[5] = Float8GetDatum(d - z * se);
		values[6] = Float8GetDatum(d + z * se);
		values[7] = Float8GetDatum(zs[i]);
		values[8] = Float8GetDatum(ps[i]);
		values[9] = Float8GetDatum(holm[i]);
		values[10] = Float8GetDatum(bh[i]);
		for (int k = 7; k <= 10; k++)
			nulls[k] = isnan(zs[i]);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	return (Datum) 0;
}
