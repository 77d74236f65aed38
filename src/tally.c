/*
 * tally.c - the pref.tally value and its in-memory state: hash tables of
 * items and item-pair cells (TallyState), the canonical flat value
 * (TallyStateFinal), merging with overflow checks, the one validator of
 * every flat tally (TallyValidate) and the flatten/expand methods that
 * make pref.tally an aggregate state type.
 */
#include "postgres.h"

#include <limits.h>
#include <math.h>

#include "common/hashfn.h"
#include "common/int.h"
#include "fmgr.h"
#include "lib/stringinfo.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "utils/memutils.h"

#include "common.h"
#include "tally.h"
#include "tally_state.h"

/* Mix a 64-bit key into a 32-bit hash */
static inline uint32
Mix64(uint64 x)
{
	x ^= x >> 33;
	x *= UINT64CONST(0xff51afd7ed558ccd);
	x ^= x >> 33;
	x *= UINT64CONST(0xc4ceb9fe1a85ec53);
	x ^= x >> 33;
	return (uint32) x;
}

/* Ensure an open-addressing slot table of at least 2 * need slots */
static void
GrowSlots(TallyState *st, uint32 **slots, uint32 *mask, int need)
{
	uint32		size = *slots ? *mask + 1 : 64;

	if (*slots && (uint64) need * 2 <= size)
		return;
	while ((uint64) need * 2 > size)
		size *= 2;
	PrefCheckMemory((double) size * sizeof(uint32) + (double) need * sizeof(TallyCell) * 2,
					"pref.tally");
	if (*slots)
		pfree(*slots);
	*slots = MemoryContextAllocZero(st->ctx, (Size) size * sizeof(uint32));
	*mask = size - 1;
}

/* Hash of item idx of the state */
static inline uint32
ItemHash(TallyState *st, int idx)
{
	if (st->text)
		return st->hashes[idx];
	return Mix64((uint64) st->keys[idx]);
}

/*
 * Hash of a cell from its two keys (bigint) or key hashes (text): one mix
 * of the pair.  Without position it is symmetric, so that a comparison
 * finds its cell from the two keys alone, whichever was given first.
 */
static inline uint32
CellHash(bool position, uint64 a, uint64 b)
{
	if (!position && a > b)
	{
		uint64		t = a;

		a = b;
		b = t;
	}
	return Mix64(a * UINT64CONST(0x9e3779b97f4a7c15) + b);
}

/* Hash of the cell of state items a and b */
static inline uint32
CellHashOf(TallyState *st, int a, int b)
{
	if (st->text)
		return CellHash(st->position, st->hashes[a], st->hashes[b]);
	return CellHash(st->position, (uint64) st->keys[a], (uint64) st->keys[b]);
}

/* Rebuild the item slot table for the current items */
static void
RehashItems(TallyState *st, int need)
{
	uint32		oldmask = st->item_mask;

	GrowSlots(st, &st->item_slots, &st->item_mask, need);
	if (st->item_mask == oldmask && st->nitems > 0)
		return;
	for (int i = 0; i < st->nitems; i++)
	{
		uint32		h = ItemHash(st, i) & st->item_mask;

		while (st->item_slots[h])
			h = (h + 1) & st->item_mask;
		st->item_slots[h] = i + 1;
	}
}

/* Rebuild the cell slot table for the current cells */
static void
RehashCells(TallyState *st, int need)
{
	uint32		oldmask = st->cell_mask;

	GrowSlots(st, &st->cell_slots, &st->cell_mask, need);
	if (st->cell_mask == oldmask && st->ncells > 0)
		return;
	for (int i = 0; i < st->ncells; i++)
	{
		uint32		h = CellHashOf(st, st->cells[i].a, st->cells[i].b) & st->cell_mask;

		while (st->cell_slots[h])
			h = (h + 1) & st->cell_mask;
		st->cell_slots[h] = i + 1;
	}
}

/* A new empty state in ctx */
TallyState *
TallyStateCreate(MemoryContext ctx, bool text, bool position)
{
	TallyState *st = MemoryContextAllocZero(ctx, sizeof(TallyState));

	st->ctx = ctx;
	st->text = text;
	st->position = position;
	RehashItems(st, 16);
	RehashCells(st, 16);
	return st;
}

/* Ensure room for one more item */
static void
ReserveItem(TallyState *st)
{
	if (st->nitems < st->cap_items)
		return;
	if (st->nitems >= TALLY_MAX_ITEMS)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("a tally holds at most %d items", TALLY_MAX_ITEMS)));
	st->cap_items = st->cap_items ? st->cap_items * 2 : 64;
	PrefCheckMemory((double) st->cap_items * 32.0 + (double) st->cap_cells * sizeof(TallyCell),
					"pref.tally");
	if (st->text)
	{
		st->strs = st->strs ? repalloc(st->strs, st->cap_items * sizeof(char *))
			: MemoryContextAlloc(st->ctx, st->cap_items * sizeof(char *));
		st->lens = st->lens ? repalloc(st->lens, st->cap_items * sizeof(int32))
			: MemoryContextAlloc(st->ctx, st->cap_items * sizeof(int32));
		st->hashes = st->hashes ? repalloc(st->hashes, st->cap_items * sizeof(uint32))
			: MemoryContextAlloc(st->ctx, st->cap_items * sizeof(uint32));
	}
	else
		st->keys = st->keys ? repalloc(st->keys, st->cap_items * sizeof(int64))
			: MemoryContextAlloc(st->ctx, st->cap_items * sizeof(int64));
	RehashItems(st, st->cap_items);
}

/* Index of a bigint item, added if new */
int
TallyStateItemInt(TallyState *st, int64 key)
{
	uint32		h = Mix64((uint64) key) & st->item_mask;
	uint32		s;

	while ((s = st->item_slots[h]) != 0)
	{
		if (st->keys[s - 1] == key)
			return s - 1;
		h = (h + 1) & st->item_mask;
	}
	if (st->nitems >= st->cap_items)
	{
		ReserveItem(st);
		return TallyStateItemInt(st, key);
	}
	st->keys[st->nitems] = key;
	st->item_slots[h] = ++st->nitems;
	return st->nitems - 1;
}

/* Index of a text item, added if new */
int
TallyStateItemText(TallyState *st, const char *key, int len)
{
	uint32		hash = hash_bytes((const unsigned char *) key, len);
	uint32		h = hash & st->item_mask;
	uint32		s;
	char	   *copy;

	while ((s = st->item_slots[h]) != 0)
	{
		if (st->hashes[s - 1] == hash && st->lens[s - 1] == len &&
			memcmp(st->strs[s - 1], key, len) == 0)
			return s - 1;
		h = (h + 1) & st->item_mask;
	}
	if (st->nitems >= st->cap_items)
	{
		ReserveItem(st);
		return TallyStateItemText(st, key, len);
	}
	if ((double) st->textlen + len > (double) MaxAllocSize / 2)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("tally item keys exceed %zu bytes", (Size) MaxAllocSize / 2)));
	copy = MemoryContextAlloc(st->ctx, len + 1);
	memcpy(copy, key, len);
	copy[len] = '\0';
	st->strs[st->nitems] = copy;
	st->lens[st->nitems] = len;
	st->hashes[st->nitems] = hash;
	st->textlen += len;
	st->item_slots[h] = ++st->nitems;
	return st->nitems - 1;
}

/* The cell for (a, b), created if new */
TallyCell *
TallyStateCell(TallyState *st, int a, int b)
{
	uint32		h = CellHashOf(st, a, b) & st->cell_mask;
	uint32		s;
	TallyCell  *c;

	while ((s = st->cell_slots[h]) != 0)
	{
		c = &st->cells[s - 1];
		if (c->a == a && c->b == b)
			return c;
		h = (h + 1) & st->cell_mask;
	}
	if (st->ncells >= st->cap_cells)
	{
		if (st->ncells >= INT_MAX / 2)
			ereport(ERROR,
					(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
					 errmsg("a tally holds at most %d item pairs", INT_MAX / 2)));
		st->cap_cells = st->cap_cells ? st->cap_cells * 2 : 64;
		PrefCheckMemory((double) st->cap_cells * sizeof(TallyCell) * 1.5 + (double) st->cap_items * 32.0,
						"pref.tally");
		st->cells = st->cells ? repalloc_huge(st->cells, (Size) st->cap_cells * sizeof(TallyCell))
			: MemoryContextAllocHuge(st->ctx, (Size) st->cap_cells * sizeof(TallyCell));
		RehashCells(st, st->cap_cells);
		return TallyStateCell(st, a, b);
	}
	c = &st->cells[st->ncells];
	memset(c, 0, sizeof(TallyCell));
	c->a = a;
	c->b = b;
	st->cell_slots[h] = ++st->ncells;
	return c;
}

/* Error for counts or weights that overflow */
void
TallyOutOfRange(const char *what, const char *detail)
{
	ereport(ERROR,
			(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
			 errmsg("tally %s out of range", what),
			 errdetail("%s", detail),
			 errhint("Counts are bigint and weights double precision; sums of either must stay in range.")));
}

/*
 * Add n rows of weight w of outcome (relative to a) between items a and b;
 * without position the cell is stored with the smaller state index first.
 * Counts and weights are checked for overflow.
 */
void
TallyStateAdd(TallyState *st, int a, int b, int outcome, int64 n, double w)
{
	TallyCell  *c;

	if (!st->position && a > b)
	{
		int			t = a;

		a = b;
		b = t;
		if (outcome != TALLY_TIE)
			outcome = 1 - outcome;
	}
	c = TallyStateCell(st, a, b);
	if (unlikely(pg_add_s64_overflow(c->n[outcome], n, &c->n[outcome])))
		TallyOutOfRange("count", "The number of comparisons of an item pair exceeds the bigint range.");
	c->w[outcome] += w;
	if (unlikely(!isfinite(c->w[outcome])))
		TallyOutOfRange("weight", "The summed weight of an item pair is not finite.");
}

/* Add one row of weight w and outcome (relative to the cell's a) to cell c */
static inline void
AddOne(TallyCell *c, int outcome, double w)
{
	if (unlikely(c->n[outcome] == PG_INT64_MAX))
		TallyOutOfRange("count", "The number of comparisons of an item pair exceeds the bigint range.");
	c->n[outcome]++;
	c->w[outcome] += w;
	if (unlikely(!isfinite(c->w[outcome])))
		TallyOutOfRange("weight", "The summed weight of an item pair is not finite.");
}

/* The outcome seen from the other item */
#define FLIP_OUTCOME(o) ((o) == TALLY_TIE ? TALLY_TIE : 1 - (o))

/*
 * Add one row between bigint items ka and kb (outcome relative to ka).  The
 * row's cell is found from the two keys in one probe; a new item or a new
 * item pair goes the long way (item indices, then TallyStateAdd).
 */
void
TallyStateAddRowInt(TallyState *st, int64 ka, int64 kb, int outcome, double w)
{
	uint32		h = CellHash(st->position, (uint64) ka, (uint64) kb) & st->cell_mask;
	uint32		s;

	Assert(!st->text);
	while ((s = st->cell_slots[h]) != 0)
	{
		TallyCell  *c = &st->cells[s - 1];
		int64		ca = st->keys[c->a],
					cb = st->keys[c->b];

		if (ca == ka && cb == kb)
		{
			AddOne(c, outcome, w);
			return;
		}
		if (!st->position && ca == kb && cb == ka)
		{
			AddOne(c, FLIP_OUTCOME(outcome), w);
			return;
		}
		h = (h + 1) & st->cell_mask;
	}
	TallyStateAdd(st, TallyStateItemInt(st, ka), TallyStateItemInt(st, kb), outcome, 1, w);
}

/* Whether state item i is the text key (key, len) of hash hash */
static inline bool
SameText(const TallyState *st, int i, const char *key, int len, uint32 hash)
{
	return st->hashes[i] == hash && st->lens[i] == len && memcmp(st->strs[i], key, len) == 0;
}

/* Add one row between text items a and b (outcome relative to a); see TallyStateAddRowInt */
void
TallyStateAddRowText(TallyState *st, const char *a, int la, const char *b, int lb, int outcome, double w)
{
	uint32		ha = hash_bytes((const unsigned char *) a, la),
				hb = hash_bytes((const unsigned char *) b, lb);
	uint32		h = CellHash(st->position, ha, hb) & st->cell_mask;
	uint32		s;

	Assert(st->text);
	while ((s = st->cell_slots[h]) != 0)
	{
		TallyCell  *c = &st->cells[s - 1];

		if (SameText(st, c->a, a, la, ha) && SameText(st, c->b, b, lb, hb))
		{
			AddOne(c, outcome, w);
			return;
		}
		if (!st->position && SameText(st, c->a, b, lb, hb) && SameText(st, c->b, a, la, ha))
		{
			AddOne(c, FLIP_OUTCOME(outcome), w);
			return;
		}
		h = (h + 1) & st->cell_mask;
	}
	TallyStateAdd(st, TallyStateItemText(st, a, la), TallyStateItemText(st, b, lb), outcome, 1, w);
}

/* Add to the rows used and skipped, checking overflow */
void
TallyStateCountRows(TallyState *st, int64 used, int64 skipped)
{
	if (pg_add_s64_overflow(st->rows_used, used, &st->rows_used) ||
		pg_add_s64_overflow(st->rows_skipped, skipped, &st->rows_skipped))
		TallyOutOfRange("row count", "The number of rows used or skipped exceeds the bigint range.");
}

/* Forget presentation order: fold every cell into its canonical pair */
void
TallyStateDropPosition(TallyState *st)
{
	TallyCell  *old = st->cells;
	int			nold = st->ncells;

	if (!st->position)
		return;
	st->position = false;
	st->cells = NULL;
	st->ncells = 0;
	st->cap_cells = 0;
	memset(st->cell_slots, 0, (Size) (st->cell_mask + 1) * sizeof(uint32));
	for (int i = 0; i < nold; i++)
		for (int o = 0; o < 3; o++)
			if (old[i].n[o] > 0 || old[i].w[o] != 0)
				TallyStateAdd(st, old[i].a, old[i].b, o, old[i].n[o], old[i].w[o]);
	if (old)
		pfree(old);
}

/* Compare two state items by key (bigint order, or bytes for text) */
static int
CompareItems(const void *pa, const void *pb, void *arg)
{
	const TallyState *st = arg;
	int			a = *(const int *) pa;
	int			b = *(const int *) pb;

	if (st->text)
	{
		int			la = st->lens[a],
					lb = st->lens[b];
		int			c = memcmp(st->strs[a], st->strs[b], Min(la, lb));

		if (c != 0)
			return c;
		return (la > lb) - (la < lb);
	}
	return (st->keys[a] > st->keys[b]) - (st->keys[a] < st->keys[b]);
}

/* Compare cells by (a, b) */
static int
CompareCells(const void *pa, const void *pb)
{
	const TallyCell *a = pa;
	const TallyCell *b = pb;

	if (a->a != b->a)
		return (a->a > b->a) - (a->a < b->a);
	return (a->b > b->b) - (a->b < b->b);
}

/*
 * Build the canonical tally value of a state (the state is not modified):
 * items sorted by key, cells by (a, b), empty cells left out.  This is the
 * flatten method of the pref.tally state.
 */
PrefTally *
TallyStateFinal(TallyState *st)
{
	int			n = st->nitems;
	int		   *perm = palloc(sizeof(int) * Max(n, 1));
	int		   *rank = palloc(sizeof(int) * Max(n, 1));
	Size		size;
	PrefTally  *t;
	int			nc = 0;
	double		wsum = 0;

	for (int i = 0; i < n; i++)
		perm[i] = i;
	qsort_arg(perm, n, sizeof(int), CompareItems, st);
	for (int i = 0; i < n; i++)
		rank[perm[i]] = i;

	size = TALLY_SIZE(n, st->ncells, st->textlen, st->text);
	PrefCheckMemory((double) size, "pref.tally");
	t = palloc0(size);
	t->version = TALLY_VERSION;
	t->flags = (st->text ? TALLY_TEXT : 0) | (st->position ? TALLY_POSITION : 0);
	t->nitems = n;
	t->textlen = st->text ? (int32) st->textlen : 0;
	t->rows_used = st->rows_used;
	t->rows_skipped = st->rows_skipped;
	for (int i = 0; i < st->ncells; i++)
	{
		TallyCell  *src = &st->cells[i];
		TallyCell  *dst = &t->cells[nc];
		int			a = rank[src->a],
					b = rank[src->b];

		if (src->n[0] == 0 && src->n[1] == 0 && src->n[2] == 0)
			continue;
		if (!st->position && a > b)
		{
			dst->a = b;
			dst->b = a;
			dst->n[0] = src->n[1];
			dst->n[1] = src->n[0];
			dst->w[0] = src->w[1];
			dst->w[1] = src->w[0];
		}
		else
		{
			dst->a = a;
			dst->b = b;
			dst->n[0] = src->n[0];
			dst->n[1] = src->n[1];
			dst->w[0] = src->w[0];
			dst->w[1] = src->w[1];
		}
		dst->n[2] = src->n[2];
		dst->w[2] = src->w[2];
		wsum += dst->w[0] + dst->w[1] + dst->w[2];
		nc++;
	}
	if (!isfinite(wsum))
		TallyOutOfRange("weight", "The total weight of the tally is not finite.");
	qsort(t->cells, nc, sizeof(TallyCell), CompareCells);
	/* the keys go right after the cells actually kept */
	t->ncells = nc;
	SET_VARSIZE(t, TALLY_SIZE(n, nc, st->textlen, st->text));
	if (st->text)
	{
		int32	   *offs = TALLY_TEXT_OFFS(t);
		char	   *data = TALLY_TEXT_DATA(t);
		int32		off = 0;

		for (int i = 0; i < n; i++)
		{
			offs[i] = off;
			memcpy(data + off, st->strs[perm[i]], st->lens[perm[i]]);
			off += st->lens[perm[i]];
		}
		offs[n] = off;
	}
	else
	{
		int64	   *keys = TALLY_INT_KEYS(t);

		for (int i = 0; i < n; i++)
			keys[i] = st->keys[perm[i]];
	}
	pfree(perm);
	pfree(rank);
	return t;
}

/* Error unless a tally of text keys and one of kind text can be merged */
static void
CheckSameKeys(bool text, bool sttext)
{
	if (text != sttext)
		ereport(ERROR,
				(errcode(ERRCODE_DATATYPE_MISMATCH),
				 errmsg("cannot merge a tally of %s items with a tally of %s items",
						text ? "text" : "bigint", sttext ? "text" : "bigint")));
}

/* Add a whole validated tally into a state (keys must be of the same kind) */
void
TallyStateMerge(TallyState *st, const PrefTally *t)
{
	int		   *map;
	bool		text = (t->flags & TALLY_TEXT) != 0;

	CheckSameKeys(text, st->text);
	if (!(t->flags & TALLY_POSITION))
		TallyStateDropPosition(st);
	map = palloc(sizeof(int) * Max(t->nitems, 1));
	for (int i = 0; i < t->nitems; i++)
	{
		if ((i & 0xFFFF) == 0)
			CHECK_FOR_INTERRUPTS();
		if (text)
		{
			int32	   *offs = TALLY_TEXT_OFFS(t);

			map[i] = TallyStateItemText(st, TALLY_TEXT_DATA(t) + offs[i], offs[i + 1] - offs[i]);
		}
		else
			map[i] = TallyStateItemInt(st, TALLY_INT_KEYS(t)[i]);
	}
	for (int i = 0; i < t->ncells; i++)
	{
		const TallyCell *c = &t->cells[i];

		if ((i & 0xFFFF) == 0)
			CHECK_FOR_INTERRUPTS();
		for (int o = 0; o < 3; o++)
			if (c->n[o] > 0)
				TallyStateAdd(st, map[c->a], map[c->b], o, c->n[o], c->w[o]);
	}
	TallyStateCountRows(st, t->rows_used, t->rows_skipped);
	pfree(map);
}

/* Add another state into st (src is not modified) */
void
TallyStateMergeState(TallyState *st, const TallyState *src)
{
	int		   *map;

	CheckSameKeys(src->text, st->text);
	if (!src->position)
		TallyStateDropPosition(st);
	map = palloc(sizeof(int) * Max(src->nitems, 1));
	for (int i = 0; i < src->nitems; i++)
	{
		if ((i & 0xFFFF) == 0)
			CHECK_FOR_INTERRUPTS();
		map[i] = st->text ? TallyStateItemText(st, src->strs[i], src->lens[i])
			: TallyStateItemInt(st, src->keys[i]);
	}
	for (int i = 0; i < src->ncells; i++)
	{
		const TallyCell *c = &src->cells[i];

		if ((i & 0xFFFF) == 0)
			CHECK_FOR_INTERRUPTS();
		for (int o = 0; o < 3; o++)
			if (c->n[o] > 0)
				TallyStateAdd(st, map[c->a], map[c->b], o, c->n[o], c->w[o]);
	}
	TallyStateCountRows(st, src->rows_used, src->rows_skipped);
	pfree(map);
}

static void TallyInvalid(TallySource src, const char *detail) pg_attribute_noreturn();

/* Report a malformed tally: syntax error for text, binary error otherwise */
static void
TallyInvalid(TallySource src, const char *detail)
{
	if (src == TALLY_FROM_TEXT)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
				 errmsg("invalid input syntax for type tally"),
				 errdetail("%s", detail),
				 errhint(TALLY_TEXT_HINT)));
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
			 errmsg(src == TALLY_FROM_BINARY ? "invalid binary tally" : "invalid pref.tally value"),
			 errdetail("%s", detail)));
}

/*
 * The one validator of pref.tally, run on every text and binary input and
 * on every state that enters an aggregate support function.  It ensures:
 * version and reserved fields; sizes consistent with the byte length; keys
 * unique and sorted (bigint order, text by bytes), text keys free of NUL
 * and valid in the database encoding; cells referring to two different
 * items, canonical (a < b) without position, sorted and unique, not empty;
 * counts not negative, weights finite and not negative (no -0) and zero
 * without rows; per-cell and total count sums within bigint; total weight
 * finite; rows_used equal to the sum of the counts.
 */
void
TallyValidate(const PrefTally *t, Size size, TallySource src)
{
	bool		text;
	int64		total = 0;
	double		wsum = 0;
	int			enc = GetDatabaseEncoding();

	if (size < TALLY_HDRSZ)
		TallyInvalid(src, "The value is truncated.");
	if (t->version != TALLY_VERSION)
		TallyInvalid(src, psprintf("Unsupported version %d.", t->version));
	if ((t->flags & ~TALLY_FLAGS_MASK) != 0 || t->unused != 0 || t->reserved != 0)
		TallyInvalid(src, "Reserved fields are not zero.");
	if (t->nitems < 0 || t->nitems > TALLY_MAX_ITEMS || t->ncells < 0 || t->textlen < 0 ||
		t->rows_used < 0 || t->rows_skipped < 0)
		TallyInvalid(src, "Negative or too large counts.");
	text = (t->flags & TALLY_TEXT) != 0;
	if (!text && t->textlen != 0)
		TallyInvalid(src, "A bigint tally has text key bytes.");
	if ((double) TALLY_SIZE(t->nitems, t->ncells, t->textlen, text) != (double) size)
		TallyInvalid(src, "The value is truncated or has trailing bytes.");
	if (text)
	{
		const int32 *offs = TALLY_TEXT_OFFS(t);
		const char *data = TALLY_TEXT_DATA(t);

		if (offs[0] != 0 || offs[t->nitems] != t->textlen)
			TallyInvalid(src, "Key offsets are inconsistent.");
		for (int i = 0; i < t->nitems; i++)
		{
			int			la = offs[i + 1] - offs[i];

			if (la < 0 || offs[i + 1] > t->textlen)
				TallyInvalid(src, "Key offsets are not increasing.");
			if (memchr(data + offs[i], '\0', la) != NULL)
				TallyInvalid(src, "A text key contains a NUL byte.");
			if (!pg_verify_mbstr(enc, data + offs[i], la, true))
				TallyInvalid(src, psprintf("Text key %d is not valid in the database encoding %s.",
										   i, GetDatabaseEncodingName()));
			if (i > 0)
			{
				int			lb = offs[i] - offs[i - 1];
				int			c = memcmp(data + offs[i - 1], data + offs[i], Min(la, lb));

				if (c > 0 || (c == 0 && lb >= la))
					TallyInvalid(src, "Keys are not sorted and unique.");
			}
		}
	}
	else
	{
		const int64 *keys = TALLY_INT_KEYS(t);

		for (int i = 1; i < t->nitems; i++)
			if (keys[i - 1] >= keys[i])
				TallyInvalid(src, "Keys are not sorted and unique.");
	}
	for (int i = 0; i < t->ncells; i++)
	{
		const TallyCell *c = &t->cells[i];
		int64		cellsum = 0;

		if (c->a < 0 || c->b < 0 || c->a >= t->nitems || c->b >= t->nitems || c->a == c->b)
			TallyInvalid(src, "A cell refers to a missing item or to an item compared with itself.");
		if (!(t->flags & TALLY_POSITION) && c->a > c->b)
			TallyInvalid(src, "A cell without presentation order is not canonical.");
		if (i > 0 && CompareCells(&t->cells[i - 1], c) >= 0)
			TallyInvalid(src, "Cells are not sorted and unique.");
		for (int o = 0; o < 3; o++)
		{
			if (c->n[o] < 0 || !isfinite(c->w[o]) || c->w[o] < 0 || signbit(c->w[o]) ||
				(c->n[o] == 0 && c->w[o] != 0))
				TallyInvalid(src, "A cell has a negative count or an invalid weight.");
			if (pg_add_s64_overflow(cellsum, c->n[o], &cellsum))
				TallyOutOfRange("count", psprintf("The counts of cell %d sum past the bigint range.", i));
			wsum += c->w[o];
		}
		if (cellsum == 0)
			TallyInvalid(src, "A cell is empty.");
		if (pg_add_s64_overflow(total, cellsum, &total))
			TallyOutOfRange("count", "The counts of the tally sum past the bigint range.");
	}
	if (!isfinite(wsum))
		TallyOutOfRange("weight", "The total weight of the tally is not finite.");
	if (total != t->rows_used)
		TallyInvalid(src, psprintf("rows_used is " INT64_FORMAT " but the cells count " INT64_FORMAT " rows.",
								   t->rows_used, total));
}

/* Flatten method of the pref.tally state: the canonical value */
static struct varlena *
TallyFlatten(void *state)
{
	return (struct varlena *) TallyStateFinal((TallyState *) state);
}

/* Expand method of the pref.tally state: validate, then rebuild the hash tables */
static void *
TallyExpand(const struct varlena *flat, MemoryContext ctx)
{
	const PrefTally *t = (const PrefTally *) flat;
	TallyState *st;

	if (!VARATT_IS_4B_U(flat))
		elog(ERROR, "pref.tally state is not a plain varlena");
	TallyValidate(t, VARSIZE(flat), TALLY_FROM_STATE);
	st = TallyStateCreate(ctx, (t->flags & TALLY_TEXT) != 0, (t->flags & TALLY_POSITION) != 0);
	TallyStateMerge(st, t);
	return st;
}

const PrefStateMethods TallyStateMethods = {
	"pref.tally",
	TallyFlatten,
	TallyExpand
};

/* Binary search for a bigint key */
int
TallyFindInt(const PrefTally *t, int64 key)
{
	if (t->flags & TALLY_TEXT)
		return -1;
	return (int) PrefFindInt64(TALLY_INT_KEYS(t), t->nitems, key);
}

/* Binary search for a text key */
int
TallyFindText(const PrefTally *t, const char *key, int len)
{
	const int32 *offs = TALLY_TEXT_OFFS(t);
	const char *data = TALLY_TEXT_DATA(t);
	int			lo = 0,
				hi = t->nitems - 1;

	if (!(t->flags & TALLY_TEXT))
		return -1;
	while (lo <= hi)
	{
		int			mid = lo + (hi - lo) / 2;
		int			lm = offs[mid + 1] - offs[mid];
		int			c = memcmp(data + offs[mid], key, Min(lm, len));

		if (c == 0)
			c = (lm > len) - (lm < len);
		if (c == 0)
			return mid;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	return -1;
}

/* Append item i's key as plain text */
void
TallyAppendKey(StringInfo buf, const PrefTally *t, int i)
{
	if (t->flags & TALLY_TEXT)
	{
		const int32 *offs = TALLY_TEXT_OFFS(t);

		appendBinaryStringInfo(buf, TALLY_TEXT_DATA(t) + offs[i], offs[i + 1] - offs[i]);
	}
	else
		appendStringInfo(buf, INT64_FORMAT, TALLY_INT_KEYS(t)[i]);
}
