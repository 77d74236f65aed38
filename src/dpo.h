/*
 * dpo.h - glue shared by the DPO per-row functions (dpo.c) and aggregates
 * (dpo_agg.c): loss-spec parsing with a per-call-site cache, argument
 * checks and error reporting.
 */
#ifndef PGPREF_DPO_H
#define PGPREF_DPO_H

#include "postgres.h"
#include "fmgr.h"

#include "dpo_core.h"

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
 * Numeric parameters passed as SQL arguments are set by the caller after.
 * Returns true when the cache answered (nothing was parsed).
 */
extern bool DpoSpecFromText(DpoSpecCache *cache, text *loss, text *divergence,
							text *options, DpoSpec *spec);

/* ereport a spec check failure (rc from dpo_check_spec) */
extern void DpoCheckSpecOrError(const DpoSpec *spec, bool per_row);

/* Ensure a log-probability is finite and <= 0; argname names it */
extern void DpoCheckLogp(double x, const char *argname);

/* Ensure a token length is finite and > 0 (or >= 0 when zero_ok) */
extern void DpoCheckLength(double x, const char *argname, bool zero_ok);

/* ereport a row-level failure from dpo_row_loss */
extern void DpoRowError(int rc, const DpoSpec *spec);

#endif							/* PGPREF_DPO_H */
