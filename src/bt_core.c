/*
 * bt_core.c - Bradley-Terry fits by Newton's method on the Hessian of the
 * log-posterior, solved with LAPACK (Cholesky).  Plain C, no postgres.h.
 *
 * Parameters: strengths theta[0..n-1]; then the tie parameter (log nu for
 * Davidson, log theta for Rao-Kupper) when the model has one; then the
 * order effect gamma (log-odds advantage of the item shown first).  Every
 * cell's likelihood depends on d = theta_a - theta_b + gamma * pos and the
 * tie parameter, so the per-cell work is the derivatives of the cell
 * log-likelihood in (d, tau).  With prior 0 the strengths are identified by
 * fixing the last one during the solve; estimates are centred afterwards.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "bt_core.h"
#include "linalg.h"

/* Largest Newton step after which bt_refit keeps the Hessian's factor (chord steps) */
#define BT_CHORD_FROM 1e-3

/* log(sigmoid(x)), stable */
static double
LogSigmoid(double x)
{
	return x >= 0 ? -log1p(exp(-x)) : x - log1p(exp(x));
}

/* sigmoid(x) */
static double
Sigmoid(double x)
{
	if (x >= 0)
		return 1.0 / (1.0 + exp(-x));
	else
	{
		double		e = exp(x);

		return e / (1.0 + e);
	}
}

/* Number of parameters */
int
bt_nparams(const BtProblem *p)
{
	return p->n + (bt_tie_index(p) >= 0) + (p->order_effect ? 1 : 0);
}

/* Index of the tie parameter, or -1 */
int
bt_tie_index(const BtProblem *p)
{
	return (p->ties == BT_TIES_DAVIDSON || p->ties == BT_TIES_RAO_KUPPER) ? p->n : -1;
}

/* Index of the order effect, or -1 */
int
bt_order_index(const BtProblem *p)
{
	return p->order_effect ? p->n + (bt_tie_index(p) >= 0) : -1;
}

/* Work space of bt_fit in doubles */
size_t
bt_work_size(const BtProblem *p)
{
	size_t		np = (size_t) bt_nparams(p);

	return 3 * np * np + 4 * np;
}

/*
 * Cell log-likelihood and its derivatives in (d, tau): l, l_d, l_tau,
 * l_dd, l_dtau, l_tautau.  Returns -INFINITY outside the parameter space.
 * want_l = 0 lets the no-ties models skip the log-likelihood (returns 0).
 */
static double
CellTerms(int ties, double wa, double wb, double t, double d, double tau, double *dv, int want_l)
{
	memset(dv, 0, 5 * sizeof(double));
	switch (ties)
	{
		case BT_TIES_NONE:
		case BT_TIES_HALF:
			{
				/* one exp and one log1p: e = exp(-|d|), log(1 + e) */
				double		e = exp(-fabs(d));
				double		pa = d >= 0 ? 1.0 / (1.0 + e) : e / (1.0 + e);
				double		n,
							L;

				if (ties == BT_TIES_HALF)
				{
					wa += 0.5 * t;
					wb += 0.5 * t;
				}
				n = wa + wb;
				dv[0] = wa - n * pa;
				dv[2] = -n * pa * (1.0 - pa);
				if (!want_l)
					return 0;
				L = log1p(e);
				/* log sigmoid(d) = -(max(-d, 0) + L), log sigmoid(-d) = -(max(d, 0) + L) */
				return (wa > 0 ? -wa * (fmax(-d, 0) + L) : 0) + (wb > 0 ? -wb * (fmax(d, 0) + L) : 0);
			}
		case BT_TIES_DAVIDSON:
			{
				double		m = fmax(fabs(d) / 2, tau);
				double		lD = m + log(exp(d / 2 - m) + exp(-d / 2 - m) + exp(tau - m));
				double		pa = exp(d / 2 - lD),
							pb = exp(-d / 2 - lD),
							pt = exp(tau - lD);
				double		n = wa + wb + t;
				double		Ld = (pa - pb) / 2;

				dv[0] = (wa - wb) / 2 - n * Ld;
				dv[1] = t - n * pt;
				dv[2] = -n * ((pa + pb) / 4 - Ld * Ld);
				dv[3] = n * Ld * pt;
				dv[4] = -n * pt * (1 - pt);
				return wa * d / 2 - wb * d / 2 + t * tau - n * lD;
			}
		case BT_TIES_RAO_KUPPER:
			{
				/* P(a) = s(d - eta), P(b) = s(-d - eta), P(tie) = s(eta - d) s(eta + d) (1 - e^-2eta) */
				double		eta = tau;
				double		ga,
							ha,
							gb,
							hb,
							g1,
							h1,
							g2,
							h2,
							L1,
							L2,
							l = 0;

				if (!(eta > 0) && t > 0)
					return -INFINITY;
				ga = Sigmoid(eta - d);
				ha = ga * (1 - ga);
				gb = Sigmoid(d + eta);
				hb = gb * (1 - gb);
				g1 = Sigmoid(d - eta);	/* = 1 - sigmoid(eta - d) */
				h1 = g1 * (1 - g1);
				g2 = Sigmoid(-(eta + d));
				h2 = g2 * (1 - g2);
				if (wa > 0)
				{
					l += wa * LogSigmoid(d - eta);
					dv[0] += wa * ga;
					dv[1] -= wa * ga;
					dv[2] -= wa * ha;
					dv[3] += wa * ha;
					dv[4] -= wa * ha;
				}
				if (wb > 0)
				{
					l += wb * LogSigmoid(-d - eta);
					dv[0] -= wb * gb;
					dv[1] -= wb * gb;
					dv[2] -= wb * hb;
					dv[3] -= wb * hb;
					dv[4] -= wb * hb;
				}
				if (t > 0)
				{
					double		em = expm1(2 * eta);

					L1 = 2.0 / em;
					L2 = -4.0 * (em + 1.0) / (em * em);
					l += t * (LogSigmoid(eta - d) + LogSigmoid(eta + d) + log(-expm1(-2 * eta)));
					dv[0] += t * (-g1 + g2);
					dv[1] += t * (g1 + g2 + L1);
					dv[2] += t * (-h1 - h2);
					dv[3] += t * (h1 - h2);
					dv[4] += t * (-h1 - h2 + L2);
				}
				return l;
			}
	}
	return -INFINITY;
}

/* d for a cell at x */
static inline double
CellD(const BtCell *c, const double *x, int io)
{
	return x[c->a] - x[c->b] + (io >= 0 && c->pos ? x[io] : 0.0);
}

/* Log-likelihood without the prior */
double
bt_loglik(const BtProblem *p, const double *x)
{
	int			it = bt_tie_index(p),
				io = bt_order_index(p);
	double		tau = it >= 0 ? x[it] : 0.0;
	double		l = 0,
				dv[5];

	if (p->ties == BT_TIES_NONE || p->ties == BT_TIES_HALF)
	{
		/* no-ties fast path: l = -wa (max(-d, 0) + L) - wb (max(d, 0) + L), L = log(1 + e^-|d|) */
		double		h = p->ties == BT_TIES_HALF ? 0.5 : 0.0;

		for (int k = 0; k < p->ncells; k++)
		{
			const BtCell *c = &p->cells[k];
			double		d = CellD(c, x, io),
						wa = c->wa + h * c->t,
						wb = c->wb + h * c->t,
						L = log1p(exp(-fabs(d)));

			l -= (wa + wb) * L + (d < 0 ? -wa * d : wb * d);
		}
		return l;
	}
	for (int k = 0; k < p->ncells; k++)
	{
		const BtCell *c = &p->cells[k];

		l += CellTerms(p->ties, c->wa, c->wb, c->t, CellD(c, x, io), tau, dv, 1);
	}
	return l;
}

/* Negative log-posterior */
static double
Objective(const BtProblem *p, const double *x)
{
	double		f = -bt_loglik(p, x);

	if (p->prior > 0)
		for (int i = 0; i < p->n; i++)
			f += 0.5 * p->prior * x[i] * x[i];
	return f;
}

/*
 * No-ties fast path, one cell (ties counted half to each side when hf is
 * 0.5): the score wa - n pa of its strength difference, with n the cell's
 * comparisons and pa the probability that a wins (stable logistic)
 */
static inline double
CellScore(const BtCell *c, const double *x, double hf, double *n, double *pa)
{
	double		d = x[c->a] - x[c->b],
				wa = c->wa + hf * c->t,
				e = exp(-fabs(d));

	*n = wa + c->wb + hf * c->t;
	*pa = d >= 0 ? 1.0 / (1.0 + e) : e / (1.0 + e);
	return wa - *n * *pa;
}

/*
 * Gradient g and Hessian H (np x np) of the negative log-posterior at x;
 * with prior 0 the last strength is pinned (unit row and column, zero
 * gradient).  The objective itself is not computed here.
 */
static void
GradHess(const BtProblem *p, const double *x, double *g, double *H)
{
	int			np = bt_nparams(p),
				it = bt_tie_index(p),
				io = bt_order_index(p);
	double		tau = it >= 0 ? x[it] : 0.0;
	double		dv[5];

	memset(g, 0, sizeof(double) * np);
	memset(H, 0, sizeof(double) * np * np);
	if ((p->ties == BT_TIES_NONE || p->ties == BT_TIES_HALF) && io < 0)
	{
		/* no-ties fast path: each cell adds a weighted Laplacian block */
		double		hf = p->ties == BT_TIES_HALF ? 0.5 : 0.0;

		for (int k = 0; k < p->ncells; k++)
		{
			const BtCell *c = &p->cells[k];
			double		n,
						pa,
						gd = CellScore(c, x, hf, &n, &pa),
						hd = n * pa * (1.0 - pa);
			size_t		a = c->a,
						b = c->b;

			g[a] -= gd;
			g[b] += gd;
			H[a * np + a] += hd;
			H[b * np + b] += hd;
			H[a * np + b] -= hd;
			H[b * np + a] -= hd;
		}
	}
	else
		for (int k = 0; k < p->ncells; k++)
	{
		const BtCell *c = &p->cells[k];
		int			idx[3];
		double		u[3];
		int			m = 2;

		CellTerms(p->ties, c->wa, c->wb, c->t, CellD(c, x, io), tau, dv, 0);
		idx[0] = c->a;
		u[0] = 1;
		idx[1] = c->b;
		u[1] = -1;
		if (io >= 0 && c->pos)
		{
			idx[2] = io;
			u[2] = 1;
			m = 3;
		}
		for (int i = 0; i < m; i++)
		{
			g[idx[i]] -= u[i] * dv[0];
			for (int j = 0; j < m; j++)
				H[(size_t) idx[i] * np + idx[j]] -= u[i] * u[j] * dv[2];
			if (it >= 0)
			{
				H[(size_t) idx[i] * np + it] -= u[i] * dv[3];
				H[(size_t) it * np + idx[i]] -= u[i] * dv[3];
			}
		}
		if (it >= 0)
		{
			g[it] -= dv[1];
			H[(size_t) it * np + it] -= dv[4];
		}
	}
	if (p->prior > 0)
		for (int i = 0; i < p->n; i++)
		{
			g[i] += p->prior * x[i];
			H[(size_t) i * np + i] += p->prior;
		}
	else
	{
		int			r = p->n - 1;

		for (int j = 0; j < np; j++)
		{
			H[(size_t) r * np + j] = 0;
			H[(size_t) j * np + r] = 0;
		}
		H[(size_t) r * np + r] = 1;
		g[r] = 0;
	}
}

/*
 * Gradient of the negative log-posterior alone (as GradHess computes it;
 * H is scratch for the models without the fast path)
 */
static void
Grad(const BtProblem *p, const double *x, double *g, double *H)
{
	int			np = bt_nparams(p);

	if (!((p->ties == BT_TIES_NONE || p->ties == BT_TIES_HALF) && bt_order_index(p) < 0))
	{
		GradHess(p, x, g, H);
		return;
	}
	memset(g, 0, sizeof(double) * np);
	{
		double		hf = p->ties == BT_TIES_HALF ? 0.5 : 0.0;

		for (int k = 0; k < p->ncells; k++)
		{
			const BtCell *c = &p->cells[k];
			double		n,
						pa,
						gd = CellScore(c, x, hf, &n, &pa);

			g[c->a] -= gd;
			g[c->b] += gd;
		}
	}
	if (p->prior > 0)
		for (int i = 0; i < p->n; i++)
			g[i] += p->prior * x[i];
	else
		g[p->n - 1] = 0;
}

/*
 * Solve R^T R x = b in place with the factor R that linalg_cholesky left in
 * the upper triangle of the row-major n x n matrix a
 */
static void
CholeskySolveFactored(int n, const double *a, double *b)
{
	for (int i = 0; i < n; i++)
	{
		double		v = b[i];

		for (int k = 0; k < i; k++)
			v -= a[(size_t) k * n + i] * b[k];
		b[i] = v / a[(size_t) i * n + i];
	}
	for (int i = n - 1; i >= 0; i--)
	{
		double		v = b[i];

		for (int k = i + 1; k < n; k++)
			v -= a[(size_t) i * n + k] * b[k];
		b[i] = v / a[(size_t) i * n + i];
	}
}

/* Default start: equal strengths, tie parameter from the overall tie rate */
void
bt_start(const BtProblem *p, double *x)
{
	int			np = bt_nparams(p),
				it = bt_tie_index(p);
	double		tw = 0,
				all = 0,
				ft;

	memset(x, 0, sizeof(double) * np);
	if (it < 0)
		return;
	for (int k = 0; k < p->ncells; k++)
	{
		tw += p->cells[k].t;
		all += p->cells[k].wa + p->cells[k].wb + p->cells[k].t;
	}
	ft = all > 0 ? tw / all : 0.1;
	ft = fmin(fmax(ft, 1e-3), 0.99);
	if (p->ties == BT_TIES_DAVIDSON)
		x[it] = log(2 * ft / (1 - ft));
	else
		x[it] = log((1 + ft) / (1 - ft));
}

/*
 * Centre strengths of a symmetric matrix V (np x np) under the map
 * theta -> theta - mean(theta): V <- C V C^T on the strength block.  rm is
 * work space of np doubles.
 */
static void
CentreCovariance(int n, int np, double *V, double *rm)
{
	double		all = 0;

	for (int i = 0; i < np; i++)
	{
		rm[i] = 0;
		for (int j = 0; j < n; j++)
			rm[i] += V[(size_t) i * np + j];
		rm[i] /= n;
	}
	for (int i = 0; i < n; i++)
		all += rm[i];
	all /= n;
	for (int i = 0; i < np; i++)
		for (int j = 0; j < np; j++)
		{
			double		v = V[(size_t) i * np + j];

			if (j < n)
				v -= rm[i];
			if (i < n)
				v -= rm[j];
			if (i < n && j < n)
				v += all;
			V[(size_t) i * np + j] = v;
		}
}

/* C = A B for np x np matrices, in row blocks with an interrupt between */
static void
RowBlockGemm(const BtProblem *p, int np, const double *A, const double *B, double *C)
{
	int			nb = linalg_block_size(np);

	for (int i = 0; i < np; i += nb)
	{
		if (p->interrupt)
			p->interrupt();
		linalg_gemm(0, 0, np - i < nb ? np - i : nb, np, np, 1.0, A + (size_t) i * np, B, 0.0,
					C + (size_t) i * np);
	}
}

/*
 * Covariance of the estimate at x: inverse Hessian of the negative
 * log-posterior and, if robust is not NULL, the sandwich H^-1 G H^-1;
 * strengths centred.  work as for bt_fit.
 */
int
bt_covariance(const BtProblem *p, const double *x, double *cov, double *robust, double *work)
{
	int			np = bt_nparams(p),
				it = bt_tie_index(p),
				io = bt_order_index(p);
	size_t		np2 = (size_t) np * np;
	double	   *H = work,
			   *Hc = work + np2,
			   *G = work + 2 * np2,
			   *g = work + 3 * np2;
	int			rc;

	/* covariance: inverse of the Hessian at the estimate */
	GradHess(p, x, g, H);
	memcpy(cov, H, sizeof(double) * np2);
	rc = linalg_spd_inverse_tick(np, cov, p->interrupt);
	if (rc != LINALG_OK)
		return BT_NOT_SPD;
	if (p->prior <= 0)
	{
		int			r = p->n - 1;

		for (int j = 0; j < np; j++)
		{
			cov[(size_t) r * np + j] = 0;
			cov[(size_t) j * np + r] = 0;
		}
	}
	if (robust != NULL)
	{
		/* G = sum over rows of score outer products (per-row weights w/n) */
		double		tau = it >= 0 ? x[it] : 0.0;
		double		dv[5];

		memset(G, 0, sizeof(double) * np2);
		for (int k = 0; k < p->ncells; k++)
		{
			const BtCell *c = &p->cells[k];
			double		d = CellD(c, x, io);
			double		w[3] = {c->wa, c->wb, c->t};
			double		nn[3] = {c->na, c->nb, c->nt};

			for (int o = 0; o < 3; o++)
			{
				int			idx[4],
							m = 0;
				double		sc[4];

				if (nn[o] <= 0 || (o == 2 && p->ties == BT_TIES_NONE))
					continue;
				CellTerms(p->ties, o == 0, o == 1, o == 2, d, tau, dv, 0);
				idx[m] = c->a;
				sc[m++] = dv[0];
				idx[m] = c->b;
				sc[m++] = -dv[0];
				if (io >= 0 && c->pos)
				{
					idx[m] = io;
					sc[m++] = dv[0];
				}
				if (it >= 0)
				{
					idx[m] = it;
					sc[m++] = dv[1];
				}
				for (int i = 0; i < m; i++)
					for (int j = 0; j < m; j++)
						G[(size_t) idx[i] * np + idx[j]] += w[o] * w[o] / nn[o] * sc[i] * sc[j];
			}
		}
		if (p->prior <= 0)
		{
			int			r = p->n - 1;

			for (int j = 0; j < np; j++)
			{
				G[(size_t) r * np + j] = 0;
				G[(size_t) j * np + r] = 0;
			}
		}
		/* robust = cov G cov, in row blocks (interruptible) */
		RowBlockGemm(p, np, cov, G, Hc);
		RowBlockGemm(p, np, Hc, cov, robust);
		CentreCovariance(p->n, np, robust, g);
	}
	CentreCovariance(p->n, np, cov, g);
	return BT_OK;
}

/* Newton iterations with Levenberg damping and backtracking */
int
bt_fit(const BtProblem *p, double *x, double *cov, double *robust,
	   double *work, double *loglik, int *iterations, int *converged)
{
	int			np = bt_nparams(p);
	size_t		np2 = (size_t) np * np;
	double	   *H = work,
			   *Hc = work + np2,
			   *g = work + 3 * np2,
			   *s = g + np,
			   *xn = s + np;
	double		f,
				mu = 0;
	int			iter = 0,
				rc;

	if (p->n < 2 || np < 2)
		return BT_BAD_ARG;
	*converged = 0;
	if (p->prior <= 0)
		x[p->n - 1] = 0;
	f = Objective(p, x);
	if (!isfinite(f))
		return BT_BAD_ARG;
	for (iter = 0; iter < p->max_iter; iter++)
	{
		double		step = 1.0,
					slope = 0,
					maxs = 0,
					fn;

		if (p->interrupt)
			p->interrupt();
		GradHess(p, x, g, H);
		for (;;)
		{
			memcpy(Hc, H, sizeof(double) * np2);
			for (int i = 0; i < np; i++)
			{
				s[i] = -g[i];
				Hc[(size_t) i * np + i] += mu * fmax(1.0, H[(size_t) i * np + i]);
			}
			rc = linalg_cholesky_solve_tick(np, 1, Hc, s, p->interrupt);
			if (rc == LINALG_OK)
				break;
			if (rc != LINALG_NOT_SPD)
				return BT_NOT_SPD;
			mu = mu == 0 ? 1e-8 : mu * 10;
			if (mu > 1e8)
				return BT_NOT_SPD;
		}
		for (int i = 0; i < np; i++)
		{
			slope += g[i] * s[i];
			maxs = fmax(maxs, fabs(s[i]));
		}
		/* backtracking line search on the objective */
		for (;;)
		{
			for (int i = 0; i < np; i++)
				xn[i] = x[i] + step * s[i];
			fn = Objective(p, xn);
			if (isfinite(fn) && fn <= f + 1e-4 * step * slope + 1e-12 * fabs(f))
				break;
			step *= 0.5;
			if (step < 1e-12)
				break;
		}
		if (step < 1e-12)
		{
			if (mu == 0 && maxs < sqrt(p->tol))
			{
				*converged = 1;
				break;
			}
			mu = mu == 0 ? 1e-6 : mu * 10;
			if (mu > 1e8)
				return BT_NO_PROGRESS;
			continue;
		}
		memcpy(x, xn, sizeof(double) * np);
		f = fn;
		if (mu == 0 && step == 1.0 && maxs < p->tol)
		{
			*converged = 1;
			iter++;
			break;
		}
		if (step == 1.0)
			mu = mu > 1e-8 ? mu / 10 : 0;
	}
	*iterations = iter;
	if (cov != NULL)
	{
		rc = bt_covariance(p, x, cov, robust, work);
		if (rc != BT_OK)
			return rc;
	}

	/* centre strengths */
	{
		double		mean = 0;

		for (int i = 0; i < p->n; i++)
			mean += x[i];
		mean /= p->n;
		for (int i = 0; i < p->n; i++)
			x[i] -= mean;
	}
	*loglik = bt_loglik(p, x);
	return BT_OK;
}

/* Outcome probabilities for strength difference d */
void
bt_probs(int ties, double d, double tau, double *pr)
{
	switch (ties)
	{
		case BT_TIES_DAVIDSON:
			{
				double		m = fmax(fabs(d) / 2, tau);
				double		ea = exp(d / 2 - m),
							eb = exp(-d / 2 - m),
							et = exp(tau - m);
				double		D = ea + eb + et;

				pr[0] = ea / D;
				pr[1] = eb / D;
				pr[2] = et / D;
				break;
			}
		case BT_TIES_RAO_KUPPER:
			pr[0] = Sigmoid(d - tau);
			pr[1] = Sigmoid(-d - tau);
			pr[2] = Sigmoid(tau - d) * Sigmoid(tau + d) * (-expm1(-2 * tau));
			break;
		default:
			pr[0] = Sigmoid(d);
			pr[1] = Sigmoid(-d);
			pr[2] = 0;
	}
}

/* iwork size of bt_components */
size_t
bt_components_iwork(const BtProblem *p)
{
	return 5 * (size_t) p->n + 4 * (size_t) p->ncells + 4;
}

/* Strongly connected components (Kosaraju, iterative) */
int
bt_components(const BtProblem *p, int *comp, int *iwork)
{
	int			n = p->n;
	int		   *off = iwork;	/* n + 1 */
	int		   *adj = off + n + 1;	/* up to 2 * ncells */
	int		   *roff = adj + 2 * p->ncells;	/* n + 1 */
	int		   *radj = roff + n + 1;	/* up to 2 * ncells */
	int		   *order = radj + 2 * p->ncells;	/* n */
	int		   *stack = order + n;	/* n */
	int		   *pos = stack + n;	/* n */
	int			norder = 0,
				ncomp = 0;
	int			pass;

	/* edges: a->b when a preferred to b; ties both ways (if they count) */
	memset(off, 0, sizeof(int) * (n + 1));
	memset(roff, 0, sizeof(int) * (n + 1));
	for (pass = 0; pass < 2; pass++)
	{
		for (int k = 0; k < p->ncells; k++)
		{
			const BtCell *c = &p->cells[k];
			int			tie = c->t > 0 && p->ties != BT_TIES_NONE;
			int			ab = c->wa > 0 || tie,
						ba = c->wb > 0 || tie;

			if (pass == 0)
			{
				if (ab)
				{
					off[c->a + 1]++;
					roff[c->b + 1]++;
				}
				if (ba)
				{
					off[c->b + 1]++;
					roff[c->a + 1]++;
				}
			}
			else
			{
				if (ab)
				{
					adj[pos[c->a]++] = c->b;
					radj[stack[c->b]++] = c->a;
				}
				if (ba)
				{
					adj[pos[c->b]++] = c->a;
					radj[stack[c->a]++] = c->b;
				}
			}
		}
		if (pass == 0)
		{
			for (int i = 0; i < n; i++)
			{
				off[i + 1] += off[i];
				roff[i + 1] += roff[i];
			}
			for (int i = 0; i < n; i++)
			{
				pos[i] = off[i];
				stack[i] = roff[i];
			}
		}
	}
	/* first pass: finishing order on the forward graph */
	for (int i = 0; i < n; i++)
		comp[i] = -1;			/* -1 unvisited, -2 visited */
	for (int s = 0; s < n; s++)
	{
		int			sp = 0;

		if (comp[s] != -1)
			continue;
		stack[sp++] = s;
		pos[s] = off[s];
		comp[s] = -2;
		while (sp > 0)
		{
			int			v = stack[sp - 1];

			if (pos[v] < off[v + 1])
			{
				int			w = adj[pos[v]++];

				if (comp[w] == -1)
				{
					comp[w] = -2;
					pos[w] = off[w];
					stack[sp++] = w;
				}
			}
			else
			{
				order[norder++] = v;
				sp--;
			}
		}
	}
	/* second pass: reverse graph in decreasing finishing order */
	for (int i = 0; i < n; i++)
		comp[i] = -1;
	for (int k = n - 1; k >= 0; k--)
	{
		int			s = order[k],
					sp = 0;

		if (comp[s] != -1)
			continue;
		stack[sp++] = s;
		comp[s] = ncomp;
		while (sp > 0)
		{
			int			v = stack[--sp];

			for (int e = roff[v]; e < roff[v + 1]; e++)
				if (comp[radj[e]] == -1)
				{
					comp[radj[e]] = ncomp;
					stack[sp++] = radj[e];
				}
		}
		ncomp++;
	}
	return ncomp;
}

/*
 * Factor of the Hessian of the negative log-posterior at x (the
 * full-data fit), for bt_refit's chord steps: factor receives np x np
 * doubles; work as for bt_fit
 */
int
bt_refit_factor(const BtProblem *p, const double *x, double *factor, double *work)
{
	int			np = bt_nparams(p);
	double	   *g = work + 3 * (size_t) np * np;

	if (p->n < 2 || bt_tie_index(p) >= 0)
		return BT_BAD_ARG;
	/* the no-ties Hessian depends on strength differences only: x need not be pinned */
	GradHess(p, x, g, factor);
	return linalg_cholesky(np, factor) == LINALG_OK ? BT_OK : BT_NOT_SPD;
}

/*
 * Warm-started refit for bootstrap replicates: plain Newton steps (no line
 * search, no covariance) for the no-ties models, whose log-likelihood is
 * concave.  Returns BT_NO_PROGRESS when a step is large or not finite, so
 * the caller can fall back to bt_fit; on success x is centred.
 */
int
bt_refit(const BtProblem *p, double *x, const double *factor, double *work, int *iterations)
{
	int			np = bt_nparams(p);
	size_t		np2 = (size_t) np * np;
	double	   *H = work,
			   *Hs = work + np2,	/* Hessian scratch of the chord steps */
			   *g = work + 3 * np2,
			   *s = g + np;
	const double *F = factor ? factor : H;	/* the factor of the chord steps */
	int			iter,
				chord = factor != NULL;
	double		prev = INFINITY;

	if (p->n < 2 || bt_tie_index(p) >= 0)
		return BT_BAD_ARG;
	if (p->prior <= 0)
	{
		double		last = x[p->n - 1];

		for (int i = 0; i < p->n; i++)
			x[i] -= last;
	}
	for (iter = 0; iter < p->max_iter; iter++)
	{
		double		maxs = 0;

		if (p->interrupt)
			p->interrupt();
		if (chord)
		{
			/* chord step: the new gradient, the last Hessian's factor */
			Grad(p, x, g, Hs);
			for (int i = 0; i < np; i++)
				s[i] = -g[i];
			CholeskySolveFactored(np, F, s);
		}
		else
		{
			GradHess(p, x, g, H);
			for (int i = 0; i < np; i++)
				s[i] = -g[i];
			if (linalg_cholesky_solve_tick(np, 1, H, s, p->interrupt) != LINALG_OK)
				return BT_NOT_SPD;
			F = H;
		}
		for (int i = 0; i < np; i++)
		{
			if (!isfinite(s[i]))
				return BT_NO_PROGRESS;
			maxs = fmax(maxs, fabs(s[i]));
		}
		if (maxs > 1.0)
			return BT_NO_PROGRESS;
		if (chord && maxs > 0.25 * prev)
		{
			/* the chord steps do not contract fast: a full Newton step here */
			chord = 0;
			prev = INFINITY;
			continue;
		}
		for (int i = 0; i < np; i++)
			x[i] += s[i];
		if (maxs < p->tol)
			break;
		/* near the solution the Hessian hardly changes: keep its factor */
		if (maxs < BT_CHORD_FROM)
			chord = 1;
		prev = maxs;
	}
	if (iter >= p->max_iter)
		return BT_NO_PROGRESS;
	*iterations = iter + 1;
	{
		double		mean = 0;

		for (int i = 0; i < p->n; i++)
			mean += x[i];
		mean /= p->n;
		for (int i = 0; i < p->n; i++)
			x[i] -= mean;
	}
	return BT_OK;
}
