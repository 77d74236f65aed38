/*
 * tally.h - pref.tally: sufficient statistics of pairwise comparisons
 * (sorted item keys and sparse outcome counts per item pair), the stored
 * value of the pref.tally aggregate and the input of Bradley-Terry fits.
 */
#ifndef PGPREF_TALLY_H
#define PGPREF_TALLY_H

#include "postgres.h"
#include "fmgr.h"

#define TALLY_VERSION		1

/* flags */
#define TALLY_TEXT			0x01	/* text keys (else bigint) */
#define TALLY_POSITION		0x02	/* cells keep presentation order */
#define TALLY_FLAGS_MASK	0x03

/* outcomes within a cell */
#define TALLY_A		0			/* a (first, or smaller index) preferred */
#define TALLY_B		1			/* b preferred */
#define TALLY_TIE	2

/*
 * One cell: outcomes between items a and b (indices into the sorted item
 * list).  With TALLY_POSITION, a was shown first; otherwise a < b.
 */
typedef struct TallyCell
{
	int32		a;
	int32		b;
	int64		n[3];			/* rows per outcome */
	double		w[3];			/* summed weights per outcome */
} TallyCell;

/*
 * Varlena layout: header, cells[ncells], then for bigint keys int64
 * keys[nitems]; for text keys int32 offsets[nitems + 1] and the key bytes
 * (not NUL-terminated), sorted by bytes.  Every reserved field is zero, so
 * equal tallies are equal bytes.
 */
typedef struct PrefTally
{
	int32		vl_len_;		/* varlena header (do not touch directly!) */
	uint8		version;		/* TALLY_VERSION */
	uint8		flags;			/* TALLY_TEXT, TALLY_POSITION */
	uint16		unused;			/* reserved, zero */
	int32		nitems;
	int32		ncells;
	int32		textlen;		/* bytes of text keys (0 for bigint) */
	int32		reserved;		/* zero */
	int64		rows_used;
	int64		rows_skipped;
	TallyCell	cells[FLEXIBLE_ARRAY_MEMBER];
} PrefTally;

#define TALLY_MAX_ITEMS		50000000

#define TALLY_HDRSZ				offsetof(PrefTally, cells)
#define TALLY_KEYS_OFF(nc)		(TALLY_HDRSZ + (Size) (nc) * sizeof(TallyCell))
#define TALLY_SIZE(ni, nc, tl, text) \
	(TALLY_KEYS_OFF(nc) + ((text) ? (Size) ((ni) + 1) * sizeof(int32) + (Size) (tl) \
						   : (Size) (ni) * sizeof(int64)))
#define TALLY_INT_KEYS(t)		((int64 *) ((char *) (t) + TALLY_KEYS_OFF((t)->ncells)))
#define TALLY_TEXT_OFFS(t)		((int32 *) ((char *) (t) + TALLY_KEYS_OFF((t)->ncells)))
#define TALLY_TEXT_DATA(t)		((char *) (TALLY_TEXT_OFFS(t) + (t)->nitems + 1))

#define DatumGetPrefTallyP(x)	((PrefTally *) PG_DETOAST_DATUM(x))
#define PG_GETARG_TALLY_P(n)	DatumGetPrefTallyP(PG_GETARG_DATUM(n))

/* Hint of every pref.tally text input error */
#define TALLY_TEXT_HINT "Use the form printed by pref.tally output: {\"version\": 1, \"keys\": \"bigint\", " \
	"\"position\": false, \"rows_used\": n, \"rows_skipped\": n, \"items\": [...], " \
	"\"cells\": [[a, b, a_wins, b_wins, ties, a_weight, b_weight, tie_weight], ...]}."

/* Where a flat tally being validated comes from (decides the error wording) */
typedef enum TallySource
{
	TALLY_FROM_TEXT,			/* tally_in, after canonicalizing the JSON */
	TALLY_FROM_BINARY,			/* tally_recv */
	TALLY_FROM_STATE			/* an aggregate state or support-function argument */
} TallySource;

/*
 * The one validator of pref.tally: error unless t is a well-formed canonical
 * tally of exactly size bytes (see tally.c for the rules).
 */
extern void TallyValidate(const PrefTally *t, Size size, TallySource src);

/* Error for counts or weights that overflow (22003) */
extern void TallyOutOfRange(const char *what, const char *detail) pg_attribute_noreturn();

/* Index of a key in a tally or -1 */
extern int	TallyFindInt(const PrefTally *t, int64 key);
extern int	TallyFindText(const PrefTally *t, const char *key, int len);

/* Append item i's key to buf as text (no quoting) */
struct StringInfoData;
extern void TallyAppendKey(struct StringInfoData *buf, const PrefTally *t, int i);

#endif							/* PGPREF_TALLY_H */
