/*
 * tally_state.h - the in-memory transition state of the pref.tally,
 * pref.tally_merge and pref.bt_fit aggregates: hash tables of items and
 * item-pair cells.  In SQL the state is a pref.tally; in memory it is a
 * PrefState expanded object (state.h) wrapping a TallyState, flattened to
 * the canonical PrefTally and expanded back through TallyValidate.
 */
#ifndef PGPREF_TALLY_STATE_H
#define PGPREF_TALLY_STATE_H

#include "postgres.h"
#include "state.h"
#include "tally.h"

typedef struct TallyState
{
	MemoryContext ctx;			/* where everything below lives */
	bool		text;			/* text keys */
	bool		position;		/* cells keep presentation order */
	int64		rows_used;		/* always the sum of the cells' counts */
	int64		rows_skipped;
	/* items, in arrival order */
	int			nitems;
	int			cap_items;
	int64	   *keys;			/* bigint keys */
	char	  **strs;			/* text keys (NUL-terminated copies) */
	int32	   *lens;
	uint32	   *hashes;
	double		textlen;
	uint32	   *item_slots;		/* open addressing: index + 1, 0 = empty */
	uint32		item_mask;
	/* cells, in arrival order, indices into the items above */
	int			ncells;
	int			cap_cells;
	TallyCell  *cells;
	uint32	   *cell_slots;
	uint32		cell_mask;
} TallyState;

/* flatten / expand of the pref.tally state family */
extern const PrefStateMethods TallyStateMethods;

extern TallyState *TallyStateCreate(MemoryContext ctx, bool text, bool position);
extern int	TallyStateItemInt(TallyState *st, int64 key);
extern int	TallyStateItemText(TallyState *st, const char *key, int len);
extern TallyCell *TallyStateCell(TallyState *st, int a, int b);
extern void TallyStateAdd(TallyState *st, int a, int b, int outcome, int64 n, double w);
extern void TallyStateAddRowInt(TallyState *st, int64 ka, int64 kb, int outcome, double w);
extern void TallyStateAddRowText(TallyState *st, const char *a, int la, const char *b, int lb,
								 int outcome, double w);
extern void TallyStateDropPosition(TallyState *st);
extern PrefTally *TallyStateFinal(TallyState *st);
extern void TallyStateMerge(TallyState *st, const PrefTally *t);
extern void TallyStateMergeState(TallyState *st, const TallyState *src);
extern void TallyStateCountRows(TallyState *st, int64 used, int64 skipped);

/*
 * The canonical flat tally of a state-typed argument: an expanded state is
 * flattened, a flat value is detoasted and validated.
 */
extern PrefTally *TallyStateValue(Datum d);

#endif							/* PGPREF_TALLY_STATE_H */
