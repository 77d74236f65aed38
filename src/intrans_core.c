/*
 * intrans_core.c - circular triads, Kendall's coefficient of consistence and
 * its significance test, and the skew-symmetric preference embedding fit.
 * Plain C: no postgres.h; caller-provided buffers.
 *
 * Circular triads: a triple i, j, k is circular when its three majority
 * preferences form a cycle.  With bit rows out[i] (i beats j) and dec[i]
 * (pair decided), the circular triads through i are the pairs j in out(i),
 * k in in(i) with j beating k: sum over j in out(i) of
 * popcount(out(j) & in(i)); O(n^3 / 64).
 *
 * Preference embedding (general preference model, skew-symmetric):
 * s_ij = v_i' R v_j with R block-diagonal of [[0, 1], [-1, 0]], so
 * s_ji = -s_ij and P(i beats j) = sigmoid(s_ij) can express cycles.  The
 * objective is the negative log-likelihood plus prior/2 * |V|^2, minimised
 * by L-BFGS (10 pairs, backtracking Armijo line search).  It is not convex
 * (V = 0 is a saddle point), so the caller starts from random points.
 */
#include <math.h>
#include <string.h>

#include "intrans_core.h"

#define LBFGS_M		10

/* Circular triads and decided triples per item and overall */
void
intrans_triads(int n, const uint64_t *out, const uint64_t *dec,
			   int64_t *per_item, int64_t *triads, int64_t *total,
			   int64_t *total_triads, void (*interrupt) (void))
{
	size_t		W = INTRANS_WORDS(n);
	int64_t		sc = 0,
				st = 0;

	for (int i = 0; i < n; i++)
	{
		const uint64_t *oi = out + (size_t) i * W;
		const uint64_t *di = dec + (size_t) i * W;
		int64_t		c = 0,
					t2 = 0;

		if (interrupt)
			interrupt();
		for (int j = 0; j < n; j++)
		{
			const uint64_t *oj = out + (size_t) j * W;
			const uint64_t *dj = dec + (size_t) j * W;

			if (!((di[j >> 6] >> (j & 63)) & 1))
				continue;
			/* both pairs (i, j) and (i, k), (j, k) decided */
			for (size_t w = 0; w < W; w++)
				t2 += __builtin_popcountll(di[w] & dj[w]);
			if ((oi[j >> 6] >> (j & 63)) & 1)
			{
				/* i beats j: count k with j beating k and k beating i */
				for (size_t w = 0; w < W; w++)
					c += __builtin_popcountll(oj[w] & di[w] & ~oi[w]);
			}
		}
		per_item[i] = c;
		triads[i] = t2 / 2;
		sc += c;
		st += t2 / 2;
	}
	*total = sc / 3;
	*total_triads = st / 3;
}

/* Kendall's maximum: (n^3 - n) / 24 for odd n, (n^3 - 4n) / 24 for even n */
int64_t
intrans_max_triads(int n)
{
	int64_t		m = n;

	return (n % 2) ? (m * m * m - m) / 24 : (m * m * m - 4 * m) / 24;
}

/* Exact P(D <= d) over all 2^(n(n-1)/2) tournaments, enumerated in Gray-code order */
double
intrans_exact_p(int n, int64_t d)
{
	int			ea[21],
				eb[21];
	int			m = 0;
	int			score[INTRANS_EXACT_MAX];
	int64_t		sumsq;
	int64_t		c3 = (int64_t) n * (n - 1) * (n - 2) / 6;
	uint64_t	count = 0,
				total;

	if (n < 3 || n > INTRANS_EXACT_MAX)
		return NAN;
	for (int i = 0; i < n; i++)
		for (int j = i + 1; j < n; j++)
		{
			ea[m] = i;
			eb[m] = j;
			m++;
		}
	total = (uint64_t) 1 << m;
	/* mask 0: every edge points from its larger index to its smaller one */
	sumsq = 0;
	for (int i = 0; i < n; i++)
	{
		score[i] = i;
		sumsq += (int64_t) i * (i - 1) / 2;
	}
	for (uint64_t g = 0; g < total; g++)
	{
		/* D = C(n,3) - sum C(s_i, 2) */
		if (c3 - sumsq <= d)
			count++;
		if (g + 1 == total)
			break;
		{
			int			e = __builtin_ctzll(g + 1);
			uint64_t	gray = (g + 1) ^ ((g + 1) >> 1);
			int			from,
						to;

			/* edge e now points a -> b when its gray bit is set */
			if ((gray >> e) & 1)
			{
				from = eb[e];
				to = ea[e];
			}
			else
			{
				from = ea[e];
				to = eb[e];
			}
			/* 'from' loses the win, 'to' gains it */
			sumsq -= score[from] - 1;
			score[from]--;
			sumsq += score[to];
			score[to]++;
		}
	}
	return (double) count / (double) total;
}

/* Regularized upper incomplete gamma Q(a, x) (series or continued fraction) */
static double
GammaQ(double a, double x)
{
	double		gln = lgamma(a);

	if (x <= 0)
		return 1.0;
	if (x < a + 1)
	{
		double		ap = a,
					sum = 1.0 / a,
					del = sum;

		for (int k = 0; k < 10000; k++)
		{
			ap += 1;
			del *= x / ap;
			sum += del;
			if (fabs(del) < fabs(sum) * 1e-16)
				break;
		}
		return 1.0 - sum * exp(-x + a * log(x) - gln);
	}
	else
	{
		double		b = x + 1 - a,
					c = 1.0 / 1e-300,
					d = 1.0 / b,
					h = d;

		for (int k = 1; k < 10000; k++)
		{
			double		an = -k * (k - a);
			double		del;

			b += 2;
			d = an * d + b;
			if (fabs(d) < 1e-300)
				d = 1e-300;
			c = b + an / c;
			if (fabs(c) < 1e-300)
				c = 1e-300;
			d = 1.0 / d;
			del = d * c;
			h *= del;
			if (fabs(del - 1) < 1e-16)
				break;
		}
		return exp(-x + a * log(x) - gln) * h;
	}
}

/* Upper tail of chi-square(df) */
double
intrans_chi2_sf(double x, double df)
{
	return GammaQ(df / 2, x / 2);
}

/* Kendall's chi-square approximation to the distribution of D */
void
intrans_chi_square(int n, int64_t d, double *chi2, double *df, double *p)
{
	double		nn = n;
	double		c3 = nn * (nn - 1) * (nn - 2) / 6;

	if (n < 5)
	{
		*chi2 = *df = *p = NAN;
		return;
	}
	*df = nn * (nn - 1) * (nn - 2) / ((nn - 4) * (nn - 4));
	*chi2 = 8.0 / (nn - 4) * (c3 / 4 - (double) d + 0.5) + *df;
	*p = intrans_chi2_sf(*chi2, *df);
}

/* v_a' R v_b */
double
embed_score(const double *va, const double *vb, int dim)
{
	double		s = 0;

	for (int t = 0; t < dim; t += 2)
		s += va[t] * vb[t + 1] - va[t + 1] * vb[t];
	return s;
}

/* log sigmoid(s), stable */
static double
LogSigmoid(double s)
{
	return s >= 0 ? -log1p(exp(-s)) : s - log1p(exp(s));
}

/* sigmoid(s), stable */
static double
Sigmoid(double s)
{
	if (s >= 0)
		return 1.0 / (1.0 + exp(-s));
	else
	{
		double		e = exp(s);

		return e / (1.0 + e);
	}
}

/* Data log-likelihood of cells at x */
double
embed_loglik(const EmbedProblem *p, const double *x, const EmbedCell *cells, int ncells)
{
	double		ll = 0;

	for (int k = 0; k < ncells; k++)
	{
		const EmbedCell *c = &cells[k];
		double		s = embed_score(x + (size_t) c->a * p->dim, x + (size_t) c->b * p->dim, p->dim);

		if (c->wa > 0)
			ll += c->wa * LogSigmoid(s);
		if (c->wb > 0)
			ll += c->wb * LogSigmoid(-s);
	}
	return ll;
}

/* Negative log-posterior and gradient */
double
embed_objective(const EmbedProblem *p, const double *x, double *g)
{
	int			dim = p->dim;
	size_t		N = (size_t) p->n * dim;
	double		f = 0,
				sq = 0;

	if (g)
		memset(g, 0, sizeof(double) * N);
	for (int k = 0; k < p->ncells; k++)
	{
		const EmbedCell *c = &p->cells[k];
		const double *va = x + (size_t) c->a * dim;
		const double *vb = x + (size_t) c->b * dim;
		double		s = embed_score(va, vb, dim);

		if (c->wa > 0)
			f -= c->wa * LogSigmoid(s);
		if (c->wb > 0)
			f -= c->wb * LogSigmoid(-s);
		if (g)
		{
			double		ds = (c->wa + c->wb) * Sigmoid(s) - c->wa;
			double	   *ga = g + (size_t) c->a * dim;
			double	   *gb = g + (size_t) c->b * dim;

			for (int t = 0; t < dim; t += 2)
			{
				ga[t] += ds * vb[t + 1];
				ga[t + 1] -= ds * vb[t];
				gb[t] -= ds * va[t + 1];
				gb[t + 1] += ds * va[t];
			}
		}
	}
	for (size_t i = 0; i < N; i++)
		sq += x[i] * x[i];
	f += 0.5 * p->prior * sq;
	if (g && p->prior > 0)
		for (size_t i = 0; i < N; i++)
			g[i] += p->prior * x[i];
	return f;
}

/* Work: g, d, xn, gn (N each), S and Y (LBFGS_M * N each), rho and alpha */
size_t
embed_work_size(const EmbedProblem *p)
{
	size_t		N = (size_t) p->n * p->dim;

	return (4 + 2 * LBFGS_M) * N + 2 * LBFGS_M;
}

/* Largest absolute entry */
static double
MaxAbs(const double *v, size_t N)
{
	double		m = 0;

	for (size_t i = 0; i < N; i++)
		if (fabs(v[i]) > m)
			m = fabs(v[i]);
	return m;
}

/* Dot product */
static double
Dot(const double *a, const double *b, size_t N)
{
	double		s = 0;

	for (size_t i = 0; i < N; i++)
		s += a[i] * b[i];
	return s;
}

/* L-BFGS with backtracking Armijo line search */
int
embed_fit(const EmbedProblem *p, double *x, double *work, double *loglik,
		  int *iterations, int *converged)
{
	size_t		N = (size_t) p->n * p->dim;
	double	   *g = work,
			   *d = g + N,
			   *xn = d + N,
			   *gn = xn + N,
			   *S = gn + N,
			   *Y = S + LBFGS_M * N,
			   *rho = Y + LBFGS_M * N,
			   *alpha = rho + LBFGS_M;
	int			stored = 0,
				head = 0,
				it = 0;
	double		f;

	*converged = 0;
	*iterations = 0;
	if (p->n < 1 || p->dim < 2 || p->dim % 2 || p->max_iter < 1 || !(p->tol > 0))
		return INTRANS_BAD_ARG;
	f = embed_objective(p, x, g);
	for (it = 0; it < p->max_iter; it++)
	{
		double		gmax = MaxAbs(g, N),
					step,
					slope,
					fn = 0;
		int			ls;

		if (p->interrupt)
			p->interrupt();
		if (gmax <= p->tol * fmax(1.0, fabs(f)))
		{
			*converged = 1;
			break;
		}
		/* two-loop recursion: d = -H g */
		for (size_t i = 0; i < N; i++)
			d[i] = -g[i];
		for (int k = 0; k < stored; k++)
		{
			int			j = (head - 1 - k + LBFGS_M) % LBFGS_M;

			alpha[j] = rho[j] * Dot(S + j * N, d, N);
			for (size_t i = 0; i < N; i++)
				d[i] -= alpha[j] * Y[j * N + i];
		}
		if (stored > 0)
		{
			int			j = (head - 1 + LBFGS_M) % LBFGS_M;
			double		gamma = Dot(S + j * N, Y + j * N, N) / Dot(Y + j * N, Y + j * N, N);

			for (size_t i = 0; i < N; i++)
				d[i] *= gamma;
		}
		for (int k = stored - 1; k >= 0; k--)
		{
			int			j = (head - 1 - k + LBFGS_M) % LBFGS_M;
			double		beta = rho[j] * Dot(Y + j * N, d, N);

			for (size_t i = 0; i < N; i++)
				d[i] += (alpha[j] - beta) * S[j * N + i];
		}
		slope = Dot(g, d, N);
		if (!(slope < 0))
		{
			/* not a descent direction: restart from steepest descent */
			stored = 0;
			for (size_t i = 0; i < N; i++)
				d[i] = -g[i];
			slope = Dot(g, d, N);
		}
		step = stored == 0 ? fmin(1.0, 1.0 / fmax(gmax, 1e-300)) : 1.0;
		for (ls = 0; ls < 60; ls++)
		{
			for (size_t i = 0; i < N; i++)
				xn[i] = x[i] + step * d[i];
			fn = embed_objective(p, xn, gn);
			if (isfinite(fn) && fn <= f + 1e-4 * step * slope)
				break;
			step *= 0.5;
		}
		if (ls == 60 || !(fn <= f))
		{
			/* no decrease: at the numerical floor of the objective */
			*converged = gmax <= 1e3 * p->tol * fmax(1.0, fabs(f));
			*iterations = it;
			*loglik = embed_loglik(p, x, p->cells, p->ncells);
			return *converged ? INTRANS_OK : INTRANS_NO_PROGRESS;
		}
		/* store the pair s = xn - x, y = gn - g if curvature is positive */
		{
			double	   *s = S + head * N,
					   *y = Y + head * N;
			double		sy;

			for (size_t i = 0; i < N; i++)
			{
				s[i] = xn[i] - x[i];
				y[i] = gn[i] - g[i];
			}
			sy = Dot(s, y, N);
			if (sy > 1e-12 * sqrt(Dot(s, s, N) * Dot(y, y, N)) && sy > 0)
			{
				rho[head] = 1.0 / sy;
				head = (head + 1) % LBFGS_M;
				if (stored < LBFGS_M)
					stored++;
			}
		}
		memcpy(x, xn, sizeof(double) * N);
		memcpy(g, gn, sizeof(double) * N);
		f = fn;
	}
	if (!*converged && MaxAbs(g, N) <= p->tol * fmax(1.0, fabs(f)))
		*converged = 1;
	*iterations = it;
	*loglik = embed_loglik(p, x, p->cells, p->ncells);
	return INTRANS_OK;
}

/* Weighted mean negative log-likelihood of cells under per-cell scores s */
double
intrans_log_loss(const double *s, const EmbedCell *cells, int ncells)
{
	double		loss = 0,
				w = 0;

	for (int k = 0; k < ncells; k++)
	{
		if (cells[k].wa > 0)
			loss -= cells[k].wa * LogSigmoid(s[k]);
		if (cells[k].wb > 0)
			loss -= cells[k].wb * LogSigmoid(-s[k]);
		w += cells[k].wa + cells[k].wb;
	}
	return w > 0 ? loss / w : NAN;
}
