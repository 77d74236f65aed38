/*
 * subset_core.c - selection algorithms over embeddings (see subset_core.h).
 *
 * Plain C over caller buffers; similarity blocks and rows come from BLAS
 * through src/linalg.h.  Ties are broken by the smaller id everywhere, so
 * results are deterministic.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "linalg.h"
#include "subset_core.h"

/* Rows per similarity block while building a dense matrix */
#define SIM_BLOCK 256

/* Call the tick callback if there is one */
static inline void
Tick(const SubsetData *s)
{
	if (s->tick)
		s->tick(s->tick_arg);
}

/* Is candidate (ga, ia) better than (gb, ib): larger value, then smaller id */
static inline int
Better(double ga, int64_t ia, double gb, int64_t ib)
{
	return ga > gb || (ga == gb && ia < ib);
}

/* Ensure rows are unit length (cosine) or squared norms are known (l2) */
int64_t
subset_prepare(SubsetData *s)
{
	for (int64_t i = 0; i < s->n; i++)
	{
		double	   *xi = s->x + (size_t) i * s->d;
		double		nrm = linalg_nrm2(s->d, xi);

		if (s->metric == SUBSET_COSINE)
		{
			if (nrm == 0.0)
				return i;
			for (int c = 0; c < s->d; c++)
				xi[c] /= nrm;
		}
		else
			s->sqnorm[i] = linalg_dot(s->d, xi, xi);
	}
	return -1;
}

/* Turn inner products of rows r0.. with rows c0.. into similarities */
static void
InnerToSim(const SubsetData *s, int64_t r0, int nr, int64_t c0, int nc, double *out)
{
	if (s->metric != SUBSET_L2)
		return;
	for (int a = 0; a < nr; a++)
	{
		double		sa = s->sqnorm[r0 + a];
		double	   *row = out + (size_t) a * nc;

		for (int b = 0; b < nc; b++)
		{
			double		d2 = sa + s->sqnorm[c0 + b] - 2.0 * row[b];

			row[b] = exp(-s->gamma * (d2 > 0.0 ? d2 : 0.0));
		}
	}
}

/* Similarity block by dgemm (norms trick for l2) */
void
subset_sim_block(const SubsetData *s, int64_t r0, int nr, int64_t c0, int nc, double *out)
{
	linalg_gemm(0, 1, nr, nc, s->d, 1.0, s->x + (size_t) r0 * s->d,
				s->x + (size_t) c0 * s->d, 0.0, out);
	InnerToSim(s, r0, nr, c0, nc, out);
}

/* Similarity row by dgemv (norms trick for l2) */
void
subset_sim_row(const SubsetData *s, int64_t j, double *out)
{
	linalg_gemv(0, (int) s->n, s->d, 1.0, s->x, s->x + (size_t) j * s->d, 0.0, out);
	InnerToSim(s, j, 1, 0, (int) s->n, out);
}

/* Distance row: |x_i - x_j| (l2) or 1 - cos (cosine) */
static void
DistRow(const SubsetData *s, int64_t j, double *out)
{
	linalg_gemv(0, (int) s->n, s->d, 1.0, s->x, s->x + (size_t) j * s->d, 0.0, out);
	for (int64_t i = 0; i < s->n; i++)
	{
		double		v;

		if (s->metric == SUBSET_L2)
		{
			v = s->sqnorm[i] + s->sqnorm[j] - 2.0 * out[i];
			out[i] = v > 0.0 ? sqrt(v) : 0.0;
		}
		else
		{
			v = 1.0 - out[i];
			out[i] = v > 0.0 ? v : 0.0;
		}
	}
}

/* splitmix64: small reproducible generator for stochastic greedy */
static uint64_t
NextRandom(uint64_t *state)
{
	uint64_t	z = (*state += 0x9E3779B97F4A7C15ULL);

	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
	return z ^ (z >> 31);
}

/* ---- facility location ---------------------------------------------- */

typedef struct FLState
{
	const SubsetData *s;
	double		lambda;
	const double *S;			/* n x n similarities */
	double	   *cur;			/* best similarity to the chosen set, >= 0 */
	double	   *bound;			/* lazy upper bounds */
	int64_t    *heap;
	int64_t    *stamp;
	int64_t    *cand;
	unsigned char *chosen;
} FLState;

/* Bytes of scratch space facility location needs */
size_t
subset_fl_work(int64_t n)
{
	return sizeof(double) * ((size_t) n * n + 2 * (size_t) n) +
		sizeof(int64_t) * 3 * (size_t) n + (size_t) n;
}

/* Marginal gain of adding row j */
static double
FLGain(const FLState *st, int64_t j)
{
	int64_t		n = st->s->n;
	const double *row = st->S + (size_t) j * n;
	const double *cur = st->cur;
	double		acc[8] = {0, 0, 0, 0, 0, 0, 0, 0};
	double		g;
	int64_t		i = 0;

	/* eight independent partial sums, branch-free, so the loop vectorises */
	for (; i + 8 <= n; i += 8)
		for (int l = 0; l < 8; l++)
		{
			double		v = row[i + l] - cur[i + l];

			acc[l] += v > 0.0 ? v : 0.0;
		}
	for (; i < n; i++)
	{
		double		v = row[i] - cur[i];

		acc[0] += v > 0.0 ? v : 0.0;
	}
	g = ((acc[0] + acc[1]) + (acc[2] + acc[3])) + ((acc[4] + acc[5]) + (acc[6] + acc[7]));
	if (st->s->quality)
		g += st->lambda * st->s->quality[j];
	return g;
}

/* Add row j to the chosen set */
static void
FLApply(FLState *st, int64_t j)
{
	int64_t		n = st->s->n;
	const double *row = st->S + (size_t) j * n;

	for (int64_t i = 0; i < n; i++)
		if (row[i] > st->cur[i])
			st->cur[i] = row[i];
	st->chosen[j] = 1;
}

/* Heap order: larger bound, then smaller id */
static inline int
HeapBetter(const FLState *st, int64_t a, int64_t b)
{
	return Better(st->bound[a], st->s->id[a], st->bound[b], st->s->id[b]);
}

/* Restore the heap property below position pos */
static void
SiftDown(FLState *st, int64_t nh, int64_t pos)
{
	int64_t    *h = st->heap;

	for (;;)
	{
		int64_t		l = 2 * pos + 1,
					r = l + 1,
					best = pos;

		if (l < nh && HeapBetter(st, h[l], h[best]))
			best = l;
		if (r < nh && HeapBetter(st, h[r], h[best]))
			best = r;
		if (best == pos)
			return;
		{
			int64_t		t = h[pos];

			h[pos] = h[best];
			h[best] = t;
		}
		pos = best;
	}
}

/* Greedy facility location: lazy, naive or stochastic */
int
subset_facility_location(const SubsetData *s, double lambda, int greedy,
						 double epsilon, uint64_t seed,
						 const int64_t *init, int64_t ninit, int64_t k,
						 void *work, SubsetResult *out)
{
	int64_t		n = s->n;
	FLState		st;
	double		obj = 0.0;
	int64_t		nh = 0,
				nrem = 0,
				sample = 0;
	uint64_t	rng = seed;

	st.s = s;
	st.lambda = lambda;
	st.S = (double *) work;
	st.cur = (double *) work + (size_t) n * n;
	st.bound = st.cur + n;
	st.heap = (int64_t *) (st.bound + n);
	st.stamp = st.heap + n;
	st.cand = st.stamp + n;
	st.chosen = (unsigned char *) (st.cand + n);

	for (int64_t i = 0; i < n; i++)
	{
		st.cur[i] = 0.0;
		st.chosen[i] = 0;
	}
	/*
	 * Dense similarity matrix, built block by block with dgemm.  Without an
	 * initial set the first gains are taken from each block while it is in
	 * cache (same summation order as FLGain, so bit-identical).
	 */
	for (int64_t r0 = 0; r0 < n; r0 += SIM_BLOCK)
	{
		int			nr = (int) (n - r0 < SIM_BLOCK ? n - r0 : SIM_BLOCK);

		Tick(s);
		subset_sim_block(s, r0, nr, 0, (int) n, (double *) st.S + (size_t) r0 * n);
		if (ninit == 0 && greedy == SUBSET_LAZY)
			for (int64_t j = r0; j < r0 + nr; j++)
				st.bound[j] = FLGain(&st, j);
	}

	for (int64_t t = 0; t < ninit; t++)
	{
		obj += FLGain(&st, init[t]);
		FLApply(&st, init[t]);
	}
	out->start = obj;
	out->count = 0;

	for (int64_t j = 0; j < n; j++)
		if (!st.chosen[j])
			st.cand[nrem++] = j;

	if (greedy == SUBSET_LAZY)
	{
		for (int64_t c = 0; c < nrem; c++)
		{
			int64_t		j = st.cand[c];

			if ((c & 255) == 0)
				Tick(s);
			if (ninit > 0)
				st.bound[j] = FLGain(&st, j);
			st.stamp[j] = 0;
			st.heap[nh++] = j;
		}
		for (int64_t pos = nh / 2 - 1; pos >= 0; pos--)
			SiftDown(&st, nh, pos);
	}
	else if (greedy == SUBSET_STOCHASTIC)
	{
		double		sz = ceil((double) n / (double) k * log(1.0 / epsilon));

		sample = sz < 1.0 ? 1 : (sz > (double) n ? n : (int64_t) sz);
	}

	for (int64_t step = 0; step < k && nrem > 0; step++)
	{
		int64_t		best = -1;
		double		bestgain = 0.0;

		Tick(s);
		if (greedy == SUBSET_LAZY)
		{
			for (;;)
			{
				int64_t		j = st.heap[0];

				if (st.stamp[j] == step)
				{
					best = j;
					bestgain = st.bound[j];
					st.heap[0] = st.heap[--nh];
					SiftDown(&st, nh, 0);
					break;
				}
				st.bound[j] = FLGain(&st, j);
				st.stamp[j] = step;
				SiftDown(&st, nh, 0);
			}
			nrem--;
		}
		else
		{
			int64_t		m = greedy == SUBSET_NAIVE ? nrem : (sample < nrem ? sample : nrem);
			int64_t		bestpos = -1;

			for (int64_t c = 0; c < m; c++)
			{
				double		g;

				if (greedy == SUBSET_STOCHASTIC)
				{
					int64_t		r = c + (int64_t) (NextRandom(&rng) % (uint64_t) (nrem - c));
					int64_t		t = st.cand[c];

					st.cand[c] = st.cand[r];
					st.cand[r] = t;
				}
				if ((c & 255) == 255)
					Tick(s);
				g = FLGain(&st, st.cand[c]);
				if (bestpos < 0 || Better(g, s->id[st.cand[c]], bestgain, s->id[best]))
				{
					bestpos = c;
					best = st.cand[c];
					bestgain = g;
				}
			}
			/* remove from candidates, keeping the order of the rest stable for naive */
			if (greedy == SUBSET_NAIVE)
				for (int64_t c = bestpos; c + 1 < nrem; c++)
					st.cand[c] = st.cand[c + 1];
			else
				st.cand[bestpos] = st.cand[nrem - 1];
			nrem--;
		}
		obj += bestgain;
		FLApply(&st, best);
		out->pick[out->count] = best;
		out->gain[out->count] = bestgain;
		out->objective[out->count] = obj;
		out->count++;
	}
	return SUBSET_OK;
}

/* ---- k-center --------------------------------------------------------- */

/* Bytes of scratch space k-center needs */
size_t
subset_kcenter_work(int64_t n)
{
	return sizeof(double) * 2 * (size_t) n + (size_t) n;
}

/* Fold row j into the distance-to-set array */
static void
KCApply(const SubsetData *s, int64_t j, double *mind, double *row, unsigned char *chosen)
{
	DistRow(s, j, row);
	for (int64_t i = 0; i < s->n; i++)
		if (row[i] < mind[i])
			mind[i] = row[i];
	mind[j] = 0.0;
	chosen[j] = 1;
}

/* Covering radius: largest distance of an unchosen row to the set */
static double
KCRadius(const SubsetData *s, const double *mind, const unsigned char *chosen, int64_t *arg)
{
	double		r = 0.0;

	*arg = -1;
	for (int64_t i = 0; i < s->n; i++)
		if (!chosen[i] && (*arg < 0 || Better(mind[i], s->id[i], r, s->id[*arg])))
		{
			r = mind[i];
			*arg = i;
		}
	return r;
}

/* Greedy k-center: repeatedly pick the row farthest from the chosen set */
int
subset_kcenter(const SubsetData *s, int64_t start, const int64_t *init, int64_t ninit,
			   int64_t k, void *work, SubsetResult *out)
{
	int64_t		n = s->n;
	double	   *mind = (double *) work;
	double	   *row = mind + n;
	unsigned char *chosen = (unsigned char *) (row + n);
	int64_t		far;
	double		radius;

	for (int64_t i = 0; i < n; i++)
		mind[i] = INFINITY;
	for (int64_t i = 0; i < n; i++)
		chosen[i] = 0;
	out->count = 0;
	for (int64_t t = 0; t < ninit; t++)
	{
		Tick(s);
		KCApply(s, init[t], mind, row, chosen);
	}
	radius = KCRadius(s, mind, chosen, &far);
	out->start = ninit > 0 ? radius : NAN;

	for (int64_t step = 0; step < k; step++)
	{
		int64_t		j;
		double		g;

		Tick(s);
		if (ninit == 0 && step == 0)
		{
			j = start;
			g = NAN;
		}
		else
		{
			if (far < 0)
				break;
			j = far;
			g = radius;
		}
		KCApply(s, j, mind, row, chosen);
		radius = KCRadius(s, mind, chosen, &far);
		out->pick[out->count] = j;
		out->gain[out->count] = g;
		out->objective[out->count] = radius;
		out->count++;
	}
	return SUBSET_OK;
}

/* ---- DPP greedy MAP --------------------------------------------------- */

/* Bytes of scratch space the DPP greedy needs for up to kmax picks */
size_t
subset_dpp_work(int64_t n, int64_t kmax)
{
	return sizeof(double) * ((size_t) kmax * n + 3 * (size_t) n + (size_t) kmax) + (size_t) n;
}

/* Greedy MAP inference by incremental Cholesky (Chen, Zhang, Zhou 2018) */
int
subset_dpp(const SubsetData *s, double epsilon, const int64_t *init, int64_t ninit,
		   int64_t k, void *work, SubsetResult *out)
{
	int64_t		n = s->n;
	int64_t		kmax = ninit + k;
	double	   *C = (double *) work;	/* row t: t-th Cholesky column, n entries */
	double	   *d2 = C + (size_t) kmax * n;
	double	   *row = d2 + n;
	double	   *v = row + n;
	double	   *cj = v + n;
	unsigned char *chosen = (unsigned char *) (cj + kmax);
	const double *q = s->quality;
	int64_t		T = 0;
	double		obj = 0.0;

	/* diagonal of L: q_i^2 s_ii, and s_ii = 1 for both similarities */
	for (int64_t i = 0; i < n; i++)
		d2[i] = q ? q[i] * q[i] : 1.0;
	for (int64_t i = 0; i < n; i++)
		chosen[i] = 0;
	out->count = 0;

	for (int64_t t = 0; t < ninit + k; t++)
	{
		int64_t		j = -1;
		double		dj;

		Tick(s);
		if (t < ninit)
		{
			j = init[t];
			if (!(d2[j] >= epsilon))
				return SUBSET_SINGULAR;
		}
		else
		{
			for (int64_t i = 0; i < n; i++)
				if (!chosen[i] && (j < 0 || Better(d2[i], s->id[i], d2[j], s->id[j])))
					j = i;
			if (j < 0 || !(d2[j] >= epsilon))
				break;
		}
		obj += log(d2[j]);
		if (t >= ninit)
		{
			out->pick[out->count] = j;
			out->gain[out->count] = log(d2[j]);
			out->objective[out->count] = obj;
			out->count++;
		}
		else
			out->start = obj;
		chosen[j] = 1;
		if (t == ninit + k - 1)
			break;

		/* new Cholesky column e = (L_j. - C^T c_j) / sqrt(d2_j) */
		dj = sqrt(d2[j]);
		subset_sim_row(s, j, row);
		if (q)
			for (int64_t i = 0; i < n; i++)
				row[i] *= q[j] * q[i];
		if (T > 0)
		{
			for (int64_t u = 0; u < T; u++)
				cj[u] = C[(size_t) u * n + j];
			linalg_gemv(1, (int) T, (int) n, 1.0, C, cj, 0.0, v);
			linalg_axpy((int) n, -1.0, v, row);
		}
		for (int64_t i = 0; i < n; i++)
		{
			double		e = row[i] / dj;

			C[(size_t) T * n + i] = e;
			d2[i] -= e * e;
		}
		T++;
	}
	if (ninit == 0)
		out->start = 0.0;
	return SUBSET_OK;
}

/* ---- MMR -------------------------------------------------------------- */

/* Bytes of scratch space MMR needs */
size_t
subset_mmr_work(int64_t n)
{
	return sizeof(double) * 2 * (size_t) n + (size_t) n;
}

/* Maximal marginal relevance */
int
subset_mmr(const SubsetData *s, double lambda, const int64_t *init, int64_t ninit,
		   int64_t k, void *work, SubsetResult *out)
{
	int64_t		n = s->n;
	double	   *maxsim = (double *) work;
	double	   *row = maxsim + n;
	unsigned char *chosen = (unsigned char *) (row + n);
	const double *q = s->quality;
	int			any = 0;
	double		obj = 0.0;

	for (int64_t i = 0; i < n; i++)
		chosen[i] = 0;
	out->count = 0;
	out->start = 0.0;
	for (int64_t t = 0; t < ninit + k; t++)
	{
		int64_t		j = -1;
		double		best = 0.0;

		Tick(s);
		if (t < ninit)
			j = init[t];
		else
		{
			for (int64_t i = 0; i < n; i++)
			{
				double		sc;

				if (chosen[i])
					continue;
				sc = lambda * (q ? q[i] : 0.0) - (1.0 - lambda) * (any ? maxsim[i] : 0.0);
				if (j < 0 || Better(sc, s->id[i], best, s->id[j]))
				{
					j = i;
					best = sc;
				}
			}
			if (j < 0)
				break;
			obj += best;
			out->pick[out->count] = j;
			out->gain[out->count] = best;
			out->objective[out->count] = obj;
			out->count++;
		}
		chosen[j] = 1;
		subset_sim_row(s, j, row);
		for (int64_t i = 0; i < n; i++)
			if (!any || row[i] > maxsim[i])
				maxsim[i] = row[i];
		any = 1;
	}
	return SUBSET_OK;
}

/* ---- near-duplicate groups ------------------------------------------- */

/* Root of i's set, halving paths */
static int64_t
Find(int64_t *parent, int64_t i)
{
	while (parent[i] != i)
	{
		parent[i] = parent[parent[i]];
		i = parent[i];
	}
	return i;
}

/* Groups of rows connected by similarity >= threshold */
void
subset_near_duplicates(const SubsetData *s, double threshold, int block,
					   double *blockbuf, int64_t *parent, int64_t *group)
{
	int64_t		n = s->n;

	for (int64_t i = 0; i < n; i++)
		parent[i] = i;
	for (int64_t r0 = 0; r0 < n; r0 += block)
	{
		int			nr = (int) (n - r0 < block ? n - r0 : block);
		int			nc = (int) (n - r0);

		Tick(s);
		/* upper triangle only: rows r0.. against rows r0..n */
		subset_sim_block(s, r0, nr, r0, nc, blockbuf);
		for (int a = 0; a < nr; a++)
		{
			const double *brow = blockbuf + (size_t) a * nc;

			for (int b = a + 1; b < nc; b++)
				if (brow[b] >= threshold)
				{
					int64_t		ra = Find(parent, r0 + a),
								rb = Find(parent, r0 + b);

					if (ra != rb)
						parent[ra < rb ? rb : ra] = ra < rb ? ra : rb;
				}
		}
	}
	for (int64_t i = 0; i < n; i++)
	{
		parent[i] = Find(parent, i);
		group[i] = INT64_MAX;
	}
	for (int64_t i = 0; i < n; i++)
		if (s->id[i] < group[parent[i]])
			group[parent[i]] = s->id[i];
	for (int64_t i = 0; i < n; i++)
		group[i] = group[parent[i]];
}

/* ---- Pareto fronts ---------------------------------------------------- */

static const double *pareto_scores;
static int	pareto_m;

/* Lexicographically descending scores, then row index */
static int
ParetoCmp(const void *pa, const void *pb)
{
	int64_t		a = *(const int64_t *) pa,
				b = *(const int64_t *) pb;
	const double *x = pareto_scores + (size_t) a * pareto_m;
	const double *y = pareto_scores + (size_t) b * pareto_m;

	for (int c = 0; c < pareto_m; c++)
		if (x[c] != y[c])
			return x[c] > y[c] ? -1 : 1;
	return a < b ? -1 : (a > b ? 1 : 0);
}

/* Does x dominate y (>= everywhere, > somewhere) */
static int
Dominates(const double *x, const double *y, int m)
{
	int			strict = 0;

	for (int c = 0; c < m; c++)
	{
		if (x[c] < y[c])
			return 0;
		if (x[c] > y[c])
			strict = 1;
	}
	return strict;
}

/* Bytes of scratch space non-dominated sorting needs */
size_t
subset_pareto_work(int64_t n)
{
	return sizeof(int64_t) * 4 * (size_t) n;
}

/*
 * Efficient non-dominated sort, sequential search (Zhang et al. 2015):
 * after a lexicographic sort only earlier points can dominate later ones,
 * so each point joins the first front with no member dominating it.
 */
void
subset_pareto(int64_t n, int m, const double *scores, int32_t *front,
			  void *work, subset_tick_fn tick, void *tick_arg)
{
	int64_t    *order = (int64_t *) work;
	int64_t    *next = order + n;
	int64_t    *head = next + n;
	int64_t    *tail = head + n;
	int64_t		nf = 0;

	for (int64_t i = 0; i < n; i++)
		order[i] = i;
	pareto_scores = scores;
	pareto_m = m;
	qsort(order, n, sizeof(int64_t), ParetoCmp);

	for (int64_t t = 0; t < n; t++)
	{
		int64_t		p = order[t];
		const double *xp = scores + (size_t) p * m;
		int64_t		f;

		if (tick && (t & 1023) == 0)
			tick(tick_arg);
		for (f = 0; f < nf; f++)
		{
			int			dominated = 0;

			for (int64_t q = head[f]; q >= 0; q = next[q])
				if (Dominates(scores + (size_t) q * m, xp, m))
				{
					dominated = 1;
					break;
				}
			if (!dominated)
				break;
		}
		next[p] = -1;
		if (f == nf)
		{
			head[nf] = tail[nf] = p;
			nf++;
		}
		else
		{
			next[tail[f]] = p;
			tail[f] = p;
		}
		front[p] = (int32_t) (f + 1);
	}
}
