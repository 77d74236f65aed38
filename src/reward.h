/*
 * reward.h - pref.linear_model, shared by ridge_fit (gram.c), reward_fit
 * (reward.c) and the scoring functions; interruptible fills and copies of
 * the large matrices of the gram and reward states.
 */
#ifndef PGPREF_REWARD_H
#define PGPREF_REWARD_H

#include "postgres.h"

#include <math.h>

#include "fmgr.h"
#include "miscadmin.h"

#include "linalg.h"

/* linalg_tick of the interruptible factorisations: honour cancel */
static inline void
PrefInterruptTick(void)
{
	CHECK_FOR_INTERRUPTS();
}

/* Doubles per interrupt check when filling or copying large matrices (32 MB) */
#define PREF_LARGE_CHUNK ((Size) 1 << 22)

/*
 * Zero n doubles in chunks with an interrupt check before each: the first
 * touch of a large matrix takes long enough to need cancelling.
 */
static inline void
PrefZeroLarge(double *a, Size n)
{
	for (Size i = 0; i < n; i += PREF_LARGE_CHUNK)
	{
		CHECK_FOR_INTERRUPTS();
		memset(a + i, 0, sizeof(double) * Min(PREF_LARGE_CHUNK, n - i));
	}
}

/* Copy n doubles in chunks with an interrupt check before each */
static inline void
PrefCopyLarge(double *dst, const double *src, Size n)
{
	for (Size i = 0; i < n; i += PREF_LARGE_CHUNK)
	{
		CHECK_FOR_INTERRUPTS();
		memcpy(dst + i, src + i, sizeof(double) * Min(PREF_LARGE_CHUNK, n - i));
	}
}

/* y += x over n doubles (BLAS axpy per chunk, interrupt checks as above) */
static inline void
PrefAddLarge(double *y, const double *x, Size n)
{
	for (Size i = 0; i < n; i += PREF_LARGE_CHUNK)
	{
		CHECK_FOR_INTERRUPTS();
		linalg_axpy((int) Min(PREF_LARGE_CHUNK, n - i), 1.0, x + i, y + i);
	}
}

/* True when all n doubles are finite (interrupt checks as above) */
static inline bool
PrefAllFinite(const double *a, Size n)
{
	for (Size i = 0; i < n; i += PREF_LARGE_CHUNK)
	{
		Size		end = Min(i + PREF_LARGE_CHUNK, n);

		CHECK_FOR_INTERRUPTS();
		for (Size j = i; j < end; j++)
			if (!isfinite(a[j]))
				return false;
	}
	return true;
}

/* Fields of pref.linear_model; NaN doubles become SQL NULL */
typedef struct PrefLinearModel
{
	const char *kind;			/* "ridge" or "bradley_terry" */
	int			dim;
	const double *weights;		/* dim */
	double		bias;
	int64		n_rows;
	int64		n_skipped;
	int			iterations;
	bool		converged;
	double		loss;
	double		accuracy;
	double		r2;
	const char *options;		/* JSON object text */
} PrefLinearModel;

/* Build a pref.linear_model datum for the function's composite result */
extern Datum PrefMakeLinearModel(FunctionCallInfo fcinfo, const PrefLinearModel *m);

#endif							/* PGPREF_REWARD_H */
