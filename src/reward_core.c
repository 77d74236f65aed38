/*
 * reward_core.c - logistic (Bradley-Terry) loss, gradient and Hessian over
 * blocks of difference rows, and the Newton / L-BFGS steps.
 *
 * No PostgreSQL headers here.
 */
#include <math.h>
#include <string.h>

#include "linalg.h"
#include "reward_core.h"

/* Ensure log(1 + e^t) is accurate for any t */
double
reward_softplus(double t)
{
	if (t > 0)
		return t + log1p(exp(-t));
	return log1p(exp(t));
}

/* Ensure 1 / (1 + e^-t) without overflow */
double
reward_sigmoid(double t)
{
	if (t >= 0)
		return 1.0 / (1.0 + exp(-t));
	else
	{
		double		e = exp(t);

		return e / (1.0 + e);
	}
}

/* Accumulate loss, gradient and (optionally) Hessian of one block */
void
reward_block(int p, int nrows, double *Z, const double *wt,
			 const double *target, double default_target,
			 const double *w, double offset,
			 double *g, double *H, RewardStats *stats, double *scratch)
{
	double	   *m = scratch;		/* margins, then gradient weights */
	double	   *h = scratch + nrows;	/* Hessian weights */

	if (nrows <= 0)
		return;
	/* margins m = Z w */
	linalg_gemv(0, nrows, p, 1.0, Z, w, 0.0, m);
	for (int i = 0; i < nrows; i++)
	{
		double		omega = wt ? wt[i] : 1.0;
		double		y = target ? target[i] : default_target;
		double		t = m[i] - offset;
		double		s = reward_sigmoid(t);

		stats->wsum += omega;
		stats->loss += omega * (y * reward_softplus(-t) + (1.0 - y) * reward_softplus(t));
		stats->correct += omega * (m[i] > 0 ? 1.0 : (m[i] == 0 ? 0.5 : 0.0));
		/* d loss / d t = s - y;  d2 loss / d t2 = s (1 - s) */
		m[i] = omega * (s - y);
		h[i] = omega * s * (1.0 - s);
	}
	/* g += Z^T r */
	linalg_gemv(1, nrows, p, 1.0, Z, m, 1.0, g);
	if (H != NULL)
	{
		/* scale row i by sqrt(h_i), then H += Z^T Z with one syrk */
		for (int i = 0; i < nrows; i++)
		{
			double		sq = sqrt(h[i]);
			double	   *row = Z + (size_t) i * p;

			for (int j = 0; j < p; j++)
				row[j] *= sq;
		}
		linalg_gram(p, nrows, 1.0, Z, 1.0, H);
	}
}

/* Newton step on the penalised objective; tick as for reward_newton */
static int
NewtonStep(int p, double *H, const double *g, const double *w, double lambda,
		   double *gtot, double *step, linalg_tick tick)
{
	double		dmax = 0;
	int			rc;

	for (int j = 0; j < p; j++)
	{
		gtot[j] = g[j] + lambda * w[j];
		step[j] = gtot[j];
		H[(size_t) j * p + j] += lambda;
		if (H[(size_t) j * p + j] > dmax)
			dmax = H[(size_t) j * p + j];
	}
	rc = linalg_cholesky_solve_tick(p, 1, H, step, tick);
	if (rc != LINALG_OK)
		return rc;
	/* numerically singular: a squared pivot below 1e-14 of the largest diagonal */
	for (int j = 0; j < p; j++)
		if (H[(size_t) j * p + j] * H[(size_t) j * p + j] <= 1e-14 * dmax)
			return LINALG_NOT_SPD;
	return LINALG_OK;
}

/* Newton step on the penalised objective (one LAPACK solve) */
int
reward_newton_step(int p, double *H, const double *g, const double *w,
				   double lambda, double *gtot, double *step)
{
	return NewtonStep(p, H, g, w, lambda, gtot, step, NULL);
}

/* L-BFGS two-loop recursion */
void
reward_lbfgs_direction(int p, int m, int count, int newest,
					   const double *S, const double *Y,
					   const double *grad, double *dir, double *alpha)
{
	double		gamma = 1.0;

	memcpy(dir, grad, sizeof(double) * p);
	for (int c = 0; c < count; c++)
	{
		int			i = (newest - c + m) % m;
		const double *s = S + (size_t) i * p;
		const double *y = Y + (size_t) i * p;
		double		rho = 1.0 / linalg_dot(p, y, s);

		alpha[i] = rho * linalg_dot(p, s, dir);
		linalg_axpy(p, -alpha[i], y, dir);
	}
	if (count > 0)
	{
		const double *s = S + (size_t) newest * p;
		const double *y = Y + (size_t) newest * p;

		gamma = linalg_dot(p, s, y) / linalg_dot(p, y, y);
	}
	for (int j = 0; j < p; j++)
		dir[j] *= gamma;
	for (int c = count - 1; c >= 0; c--)
	{
		int			i = (newest - c + m) % m;
		const double *s = S + (size_t) i * p;
		const double *y = Y + (size_t) i * p;
		double		rho = 1.0 / linalg_dot(p, y, s);
		double		beta = rho * linalg_dot(p, y, dir);

		linalg_axpy(p, alpha[i] - beta, s, dir);
	}
	for (int j = 0; j < p; j++)
		dir[j] = -dir[j];
}

/* Regularised Newton with step halving (see reward_core.h) */
int
reward_newton(int p, double lambda, double tol, int max_iter,
			  RewardEvalFn eval, RewardAcceptFn accept, linalg_tick tick, void *arg,
			  double *w, double *wbest, double *g, double *H,
			  double *gtot, double *step, RewardNewtonResult *res)
{
	double		objbest = 0,
				t = 1.0;
	int			halvings = 0;
	int			have_prev = 0;

	res->iter = 0;
	res->converged = 0;
	res->objective = 0;
	res->gnorm = 0;
	for (;;)
	{
		double		loss = 0,
					wsum = 0,
					obj;

		eval(arg, w, g, H, &loss, &wsum);
		res->iter++;
		obj = loss + 0.5 * lambda * linalg_dot(p, w, w);
		if (have_prev && obj > objbest + 1e-12 * fabs(objbest))
		{
			/* the full step overshot: halve it */
			if (++halvings > 40 || res->iter >= max_iter)
				break;
			t *= 0.5;
			memcpy(w, wbest, sizeof(double) * p);
			linalg_axpy(p, t, step, w);
			continue;
		}
		halvings = 0;
		if (accept)
			accept(arg);
		objbest = obj;
		res->objective = obj;
		memcpy(wbest, w, sizeof(double) * p);
		for (int j = 0; j < p; j++)
			gtot[j] = g[j] + lambda * w[j];
		res->gnorm = linalg_nrm2(p, gtot);
		if (res->gnorm <= tol * (1.0 > wsum ? 1.0 : wsum))
		{
			res->converged = 1;
			break;
		}
		if (res->iter >= max_iter)
			break;
		{
			int			rc = NewtonStep(p, H, g, w, lambda, gtot, step, tick);
			double		smax = 0,
						wmax = 0;

			if (rc != LINALG_OK)
				return rc;
			for (int j = 0; j < p; j++)
			{
				step[j] = -step[j];
				smax = smax > fabs(step[j]) ? smax : fabs(step[j]);
				wmax = wmax > fabs(w[j]) ? wmax : fabs(w[j]);
			}
			/* a step below rounding: nothing more to gain */
			if (smax <= 1e-15 * (1.0 + wmax))
			{
				res->converged = 1;
				break;
			}
		}
		t = 1.0;
		have_prev = 1;
		linalg_axpy(p, 1.0, step, w);
	}
	return LINALG_OK;
}
