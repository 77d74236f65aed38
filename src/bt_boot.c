/*
 * bt_boot.c - the bootstrap of tally cells (random numbers from rng.c,
 * Poisson and multinomial draws from poisson.c).  Plain C, no postgres.h.
 *
 * Resampling the N battles of a tally with replacement only changes how
 * often each cell outcome is seen, so a replicate is one multinomial draw of
 * N over the cell outcomes (probabilities count / N), without a pass over
 * the rows.  The Poisson bootstrap instead weights every battle by an
 * independent Poisson(1) draw: an outcome seen c times is seen
 * Poisson(c) times in the replicate.  Weights scale with the count.
 */
#include <math.h>
#include <string.h>

#include "bt_boot.h"
#include "poisson.h"
#include "rng.h"

/* Header of the work space; the arrays follow, 8-byte aligned */
typedef struct BtBootWork
{
	int			mode;
	int			k3;				/* 3 outcomes per cell */
	int64_t		total;			/* battles */
	uint64_t	seedmix;		/* poisson: the seed, mixed */
	const uint64_t *keys;		/* poisson: cell keys, or NULL */
	int			ntab;			/* multinomial: inversion tables built */
} BtBootWork;

#define ALIGN8(x) (((x) + 7) & ~(size_t) 7)

/* Entries of the log(k!) table of the Poisson draws (lgamma beyond) */
#define BT_LOGFACT 4096

/* Arrays of a work space, in order */
enum
{
	W_COUNTS,					/* k3 doubles: the outcome counts */
	W_CONSTS,					/* k3 PoissonConsts */
	W_PROB,						/* multinomial: k3 doubles of the alias table */
	W_ALIAS,					/* k3 ints */
	W_SCRATCH,					/* k3 ints */
	W_DRAW,						/* k3 int64 */
	W_WHICH,					/* multinomial: k3 ints, the inversion table of each mean */
	W_TABS,						/* poisson_tables_hash_size / 2 PoissonTable */
	W_CDF,						/* poisson_tables_cap doubles */
	W_GUIDE,					/* poisson_tables_cap ints */
	W_HASH,						/* poisson_tables_hash_size ints */
	W_END
};

/* Offsets of the arrays of a work space of ncells cells; off[W_END] is its size */
static void
Layout(int ncells, size_t *off)
{
	size_t		k3 = (size_t) ncells * 3;
	size_t		cap = (size_t) poisson_tables_cap((int) k3);
	size_t		hsize = (size_t) poisson_tables_hash_size((int) k3);
	size_t		bytes[W_END] = {
		k3 * sizeof(double), k3 * sizeof(PoissonConsts), k3 * sizeof(double),
		k3 * sizeof(int32_t), k3 * sizeof(int32_t), k3 * sizeof(int64_t),
		k3 * sizeof(int32_t), hsize / 2 * sizeof(PoissonTable), cap * sizeof(double),
		cap * sizeof(int32_t), hsize * sizeof(int32_t)
	};

	off[0] = ALIGN8(sizeof(BtBootWork)) + sizeof(double) * BT_LOGFACT;
	for (int i = 0; i < W_END; i++)
		off[i + 1] = off[i] + ALIGN8(bytes[i]);
}

/* Bytes of work space for ncells cells */
size_t
bt_resample_work_size(int ncells)
{
	size_t		off[W_END + 1];

	Layout(ncells, off);
	return off[W_END];
}

/* The inversion tables of the multinomial draw, in the work space */
static PoissonTables
Tables(char *w, const size_t *off, int k3)
{
	PoissonTables t;

	t.which = (int32_t *) (w + off[W_WHICH]);
	t.tab = (PoissonTable *) (w + off[W_TABS]);
	t.cdf = (double *) (w + off[W_CDF]);
	t.guide = (int32_t *) (w + off[W_GUIDE]);
	t.hash = (int32_t *) (w + off[W_HASH]);
	t.cap = poisson_tables_cap(k3);
	t.ntab = ((BtBootWork *) w)->ntab;
	return t;
}

/* Record the outcome counts and prepare the draws of a scheme */
void
bt_resample_prepare(const BtCell *in, int ncells, int mode, const uint64_t *keys,
					uint64_t seed, void *work)
{
	char	   *w = (char *) work;
	BtBootWork *h = (BtBootWork *) w;
	size_t		off[W_END + 1];
	double	   *counts;
	PoissonConsts *consts;
	double		total = 0;
	uint64_t	x = seed;

	Layout(ncells, off);
	counts = (double *) (w + off[W_COUNTS]);
	consts = (PoissonConsts *) (w + off[W_CONSTS]);
	for (int k = 0; k < ncells; k++)
	{
		counts[3 * k] = in[k].na;
		counts[3 * k + 1] = in[k].nb;
		counts[3 * k + 2] = in[k].nt;
		total += in[k].na + in[k].nb + in[k].nt;
	}
	h->mode = mode;
	h->k3 = 3 * ncells;
	h->total = (int64_t) llround(total);
	h->seedmix = pref_splitmix64(&x);
	h->keys = keys;
	h->ntab = 0;
	poisson_logfact_table((double *) (w + ALIGN8(sizeof(BtBootWork))), BT_LOGFACT);
	if (mode == BT_RESAMPLE_POISSON)
		for (int i = 0; i < h->k3; i++)
			poisson_prepare(counts[i], &consts[i]);
	else if (h->total > 0)
	{
		PoissonTables t = Tables(w, off, h->k3);

		poisson_multinomial_prepare(h->total, counts, h->k3, consts, (double *) (w + off[W_PROB]),
									(int32_t *) (w + off[W_ALIAS]), (int32_t *) (w + off[W_SCRATCH]), &t);
		h->ntab = t.ntab;
	}
}

/* Uniform draws from the caller's xoshiro stream */
static double
Uniform(void *state)
{
	return pref_rng_uniform((PrefRng *) state);
}

/* Uniform draws from a splitmix64 stream (one per cell outcome) */
static double
SplitmixUniform(void *state)
{
	return (double) (pref_splitmix64((uint64_t *) state) >> 11) * 0x1.0p-53;
}

/* Start of the stream of outcome o of a cell with key in a round */
static uint64_t
OutcomeStream(uint64_t seedmix, uint64_t key, int64_t round, int o)
{
	uint64_t	s = seedmix ^ key;

	s = pref_splitmix64(&s);
	s ^= (uint64_t) round * UINT64_C(0xD1B54A32D192ED03) + (uint64_t) o;
	return pref_splitmix64(&s);
}

/* Scale a weight by the ratio of new to old count */
static double
Scaled(double w, double n_old, int64_t n_new)
{
	return n_old > 0 ? w * (double) n_new / n_old : 0;
}

/*
 * Bootstrap replicate of the cells (multinomial or Poisson, see
 * bt_boot.h); returns how many outcomes seen in the data are not seen in
 * the replicate (0: its comparison graph is the data's)
 */
int64_t
bt_resample(const BtCell *in, BtCell *out, int ncells, void *work, PrefRng *rng, int64_t round)
{
	char	   *w = (char *) work;
	BtBootWork *h = (BtBootWork *) w;
	size_t		off[W_END + 1];
	const PoissonConsts *consts;
	const double *lf = (const double *) (w + ALIGN8(sizeof(BtBootWork)));
	int64_t    *draw;
	int64_t		lost = 0;

	Layout(ncells, off);
	consts = (const PoissonConsts *) (w + off[W_CONSTS]);
	draw = (int64_t *) (w + off[W_DRAW]);
	if (h->mode == BT_RESAMPLE_POISSON)
		for (int k = 0; k < ncells; k++)
		{
			uint64_t	key = h->keys ? h->keys[k] : (uint64_t) k;

			for (int o = 0; o < 3; o++)
			{
				uint64_t	s;

				if (consts[3 * k + o].lam <= 0)
				{
					draw[3 * k + o] = 0;
					continue;
				}
				s = OutcomeStream(h->seedmix, key, round, o);
				draw[3 * k + o] = poisson_sample(&consts[3 * k + o], lf, BT_LOGFACT, SplitmixUniform, &s);
			}
		}
	else if (h->total > 0)
	{
		PoissonTables t = Tables(w, off, h->k3);

		poisson_multinomial_sample(h->total, h->k3, consts, (const double *) (w + off[W_PROB]),
								   (const int32_t *) (w + off[W_ALIAS]), lf, BT_LOGFACT, &t, draw,
								   Uniform, rng);
	}
	else
		memset(draw, 0, sizeof(int64_t) * (size_t) h->k3);
	for (int k = 0; k < ncells; k++)
	{
		const BtCell *c = &in[k];
		BtCell	   *o = &out[k];

		*o = *c;
		o->wa = Scaled(c->wa, c->na, draw[3 * k]);
		o->na = (double) draw[3 * k];
		o->wb = Scaled(c->wb, c->nb, draw[3 * k + 1]);
		o->nb = (double) draw[3 * k + 1];
		o->t = Scaled(c->t, c->nt, draw[3 * k + 2]);
		o->nt = (double) draw[3 * k + 2];
		lost += (c->na > 0 && draw[3 * k] == 0) + (c->nb > 0 && draw[3 * k + 1] == 0) +
			(c->nt > 0 && draw[3 * k + 2] == 0);
	}
	return lost;
}

/* FNV-1a over the bytes, then a splitmix64 finaliser */
uint64_t
bt_item_key(const char *bytes, size_t len)
{
	uint64_t	h = UINT64_C(0xCBF29CE484222325);

	for (size_t i = 0; i < len; i++)
		h = (h ^ (unsigned char) bytes[i]) * UINT64_C(0x100000001B3);
	return pref_splitmix64(&h);
}

/* Ordered combination of two item keys and the position flag */
uint64_t
bt_cell_key(uint64_t ka, uint64_t kb, int pos)
{
	uint64_t	s = ka * UINT64_C(0x9E3779B97F4A7C15) + (uint64_t) pos;

	s = pref_splitmix64(&s) ^ kb;
	return pref_splitmix64(&s);
}

/* Quantile q of sorted x with linear interpolation */
double
bt_quantile_sorted(const double *x, int n, double q)
{
	double		h = q * (n - 1);
	int			lo = (int) floor(h);

	if (n <= 0)
		return NAN;
	if (lo >= n - 1)
		return x[n - 1];
	if (lo < 0)
		return x[0];
	return x[lo] + (h - lo) * (x[lo + 1] - x[lo]);
}
