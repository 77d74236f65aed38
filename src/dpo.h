/*
 * dpo.h - glue shared by the DPO per-row functions (dpo.c) and aggregates
 * (dpo_agg.c): loss-spec parsing with a per-call-site cache, argument
 * checks and error reporting; the in-memory form of pref.dpo_state, the
 * transition state of the aggregates (dpo_state.c).
 */
#ifndef PGPREF_DPO_H
#define PGPREF_DPO_H

#include "postgres.h"

#include <math.h>

#include "common/int.h"
#include "fmgr.h"

#include "dpo_core.h"
#include "state.h"

/*
 * Parsed loss text and option text, cached by content so a constant
 * argument is parsed once per query, not once per row.
 */
typedef struct DpoSpecCache
{
	bool		valid;
	int			loss_len;
	char		loss[128];
	int			div_len;
	char		div[32];
	int			opt_len;
	char		opt[256];
	DpoSpec		spec;			/* terms, divergence and options parsed */
} DpoSpecCache;

/*
 * Fill spec from the loss text, the divergence text (may be NULL) and an
 * option text (may be NULL), using cache when the texts are unchanged.
 * per_row: the loss is computed per row, so batch-level kinds are refused
 * (and left out of the hint listing the valid kinds).  Numeric parameters
 * passed as SQL arguments are set by the caller after.  Returns true when
 * the cache answered (nothing was parsed).
 */
extern bool DpoSpecFromText(DpoSpecCache *cache, text *loss, text *divergence,
							text *options, bool per_row, DpoSpec *spec);

/* ereport a spec check failure (rc from dpo_check_spec) */
extern void DpoCheckSpecOrError(const DpoSpec *spec, bool per_row);

/* Ensure a log-probability is finite and <= 0; argname names it */
extern void DpoCheckLogp(double x, const char *argname);

/* Ensure a token length is finite and > 0 (or >= 0 when zero_ok) */
extern void DpoCheckLength(double x, const char *argname, bool zero_ok);

/* ereport a row-level failure from dpo_row_loss */
extern void DpoRowError(int rc, const DpoSpec *spec);

/* ---- pref.dpo_state: the transition state of the three aggregates ------- */

/* Kinds of pref.dpo_state: the aggregate family that built it */
#define DPO_STATE_DPO		1
#define DPO_STATE_KTO		2
#define DPO_STATE_RACC		3

#define DPO_FLAG_BATCH		0x1 /* dpo_metrics: aot kind, rows kept */
#define RACC_FLAG_REF		0x1 /* ranking_accuracy: reference given */

/* Fields every in-memory state starts with */
typedef struct DpoStateHead
{
	int32		kind;			/* DPO_STATE_* */
	int64		n;
	int64		skipped;
} DpoStateHead;

/* Rows per shifted block of the margin variance (see MarginPush) */
#define DPO_MARGIN_BLOCK	4096

/* dpo_metrics state (in memory) */
typedef struct DpoAggState
{
	DpoStateHead h;
	double		sumw;
	double		sum_loss;
	double		sum_rc;			/* chosen rewards */
	double		sum_rr;
	double		sum_acc;
	double		sum_pc;
	double		sum_pr;
	double		mean_m;			/* weighted mean of the margins merged so far */
	double		m2;				/* their weighted sum of squared deviations */
	bool		batch_set;		/* bspec holds the group's aot loss */
	DpoSpec		bspec;			/* nterms, kind, weight, beta, label_smoothing */
	int64		cap;			/* capacity of batch, in rows (n rows used) */
	double	   *batch;			/* 4 doubles per row: pc, pr, rc, rr */
	/* margin rows not yet merged into mean_m / m2 (no division per row) */
	double		wm;				/* weight already merged into mean_m, m2 */
	int64		blk_n;			/* rows in the pending block */
	double		blk_shift;		/* shift K of the block */
	double		blk_w;			/* sum of w */
	double		blk_s1;			/* sum of w (m - K) */
	double		blk_s2;			/* sum of w (m - K)^2 */
} DpoAggState;

/* kto_metrics state (in memory) */
typedef struct KtoAggState
{
	DpoStateHead h;
	int64		nd;				/* desirable rows */
	int64		nu;				/* undesirable rows */
	double		beta;
	double		dw;				/* desirable_weight */
	double		uw;				/* undesirable_weight */
	double		sum_kl;			/* sum of kl_policy - kl_ref */
	double		sum_pd;			/* policy log-probs, desirable */
	double		sum_pu;
	int64		capd,
				capu;
	double	   *rd;				/* log-ratios of desirable rows */
	double	   *ru;				/* log-ratios of undesirable rows */
} KtoAggState;

/* ranking_accuracy state (in memory) */
typedef struct RaccState
{
	DpoStateHead h;
	uint32		flags;			/* RACC_FLAG_REF */
	int64		policy_ok;		/* pc > pr */
	int64		ref_ok;			/* rc > rr */
	int64		reward_ok;		/* pc - rc > pr - rr */
	int64		ideal_ok;		/* idealized DPO optimum ranks correctly */
} RaccState;

extern const PrefStateMethods DpoStateMethods;

/* Name of the aggregate family of a state kind ("dpo_metrics", ...) */
extern const char *DpoStateKindName(int kind);

/* Error: a state of kind got where kind want is expected */
extern void DpoStateKindError(int got, int want) pg_attribute_noreturn();

/*
 * Weighted mean and sum of squared deviations of a dpo_metrics state's
 * margins, including its pending block
 */
extern void DpoMarginTotals(const DpoAggState *st, double *w, double *mean, double *m2);

/*
 * The state argument argno of a transition or combine function for kind:
 * NULL, or the state to update in place (a new one when it came flat).
 */
extern PrefState *DpoStateArg(FunctionCallInfo fcinfo, int argno, int kind, MemoryContext ctx);

/* Read-only state argument argno of kind, or NULL */
extern const void *DpoStateRead(FunctionCallInfo fcinfo, int argno, int kind);

/* New empty state of kind in ctx */
extern PrefState *DpoStateNew(int kind, MemoryContext ctx);

/*
 * Memory context for a new state: the aggregate's, or the caller's when a
 * support function is called directly (e.g. combining states by hand).
 */
static inline MemoryContext
DpoStateContext(FunctionCallInfo fcinfo)
{
	MemoryContext ctx;

	if (AggCheckCallContext(fcinfo, &ctx))
		return ctx;
	return CurrentMemoryContext;
}

/* a + b for counts; error on overflow */
static inline int64
DpoAddCount(int64 a, int64 b)
{
	int64		r;

	if (unlikely(pg_add_s64_overflow(a, b, &r)))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("pref.dpo_state row count is out of range for bigint")));
	return r;
}

/* a + b for sums; error unless finite */
static inline double
DpoAddSum(double a, double b)
{
	double		r = a + b;

	if (unlikely(!isfinite(r)))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("pref.dpo_state sum is out of range for double precision"),
				 errdetail("Combining two states overflowed a sum.")));
	return r;
}

#endif							/* PGPREF_DPO_H */
