/*
 * prefdata.h - on-disk layouts of pgpref's preference types.
 */
#ifndef PGPREF_PREFDATA_H
#define PGPREF_PREFDATA_H

#include "postgres.h"
#include "fmgr.h"

/* Outcome of a pair, relative to presentation order */
#define PAIR_FIRST		0		/* first shown is preferred: 17>42 */
#define PAIR_SECOND		1		/* second shown is preferred: 17<42 */
#define PAIR_TIE		2		/* tie: 17=42 */

#define PAIR_VERSION	1

/*
 * pref.pair: fixed length, 32 bytes, double aligned.  version and the
 * reserved fields are checked by recv; all reserved bytes are zero so the
 * value can be hashed as bytes.
 */
typedef struct PrefPair
{
	int64		first;			/* item shown first */
	int64		second;			/* item shown second */
	float8		weight;			/* positive, finite */
	uint8		outcome;		/* PAIR_FIRST, PAIR_SECOND or PAIR_TIE */
	uint8		version;		/* PAIR_VERSION */
	uint16		flags;			/* reserved, zero */
	int32		unused;			/* reserved, zero */
} PrefPair;

#define DatumGetPrefPairP(x)	((PrefPair *) DatumGetPointer(x))
#define PG_GETARG_PAIR_P(n)		DatumGetPrefPairP(PG_GETARG_DATUM(n))
#define PG_RETURN_PAIR_P(x)		PG_RETURN_POINTER(x)

/*
 * Outcome code of a text '>', '<' or '=' (PAIR_FIRST, PAIR_SECOND,
 * PAIR_TIE), or -1; allocates nothing, so aggregates can call it per row
 */
extern int	PrefOutcomeFromText(const text *o);

/* Build a validated pair (errors on self-comparison or a bad weight) */
extern PrefPair *PrefMakePair(int64 first, int64 second, int outcome, double weight);

/*
 * pref.ranking: varlena.  items[] in rank order, best first, followed by
 * group[] (rank group of each item: 0, then nondecreasing by 0 or 1).
 */
#define RANKING_VERSION		1
#define RANKING_MAX_ITEMS	1000000

typedef struct PrefRanking
{
	int32		vl_len_;		/* varlena header (do not touch directly!) */
	uint8		version;		/* RANKING_VERSION */
	uint8		flags;			/* reserved, zero */
	uint16		unused;			/* reserved, zero */
	int32		nitems;
	int32		ngroups;
	int64		items[FLEXIBLE_ARRAY_MEMBER];
	/* int32 group[nitems] follows */
} PrefRanking;

#define RANKING_SIZE(n)		(offsetof(PrefRanking, items) + (Size) (n) * (sizeof(int64) + sizeof(int32)))
#define RANKING_GROUPS(r)	((int32 *) ((r)->items + (r)->nitems))
#define DatumGetPrefRankingP(x)	((PrefRanking *) PG_DETOAST_DATUM(x))
#define PG_GETARG_RANKING_P(n)	DatumGetPrefRankingP(PG_GETARG_DATUM(n))

/* Parse a signed 64-bit integer at *p; advances *p past the digits */
#define PARSE_OK	0
#define PARSE_NONE	1
#define PARSE_RANGE	2
extern int	PrefParseInt64(const char **p, int64 *out);

#endif							/* PGPREF_PREFDATA_H */
