/*
 * binomial.c - exact binomial variates: inversion for small means, the
 * transformed-rejection method with squeeze (Hormann 1993, "BTRS") for
 * large ones; multinomial draws by conditional binomials.
 */
#include <math.h>
#include <stdint.h>

#include "binomial.h"

/* log(k!) - Stirling's approximation of it, tabulated for small k */
static double
StirlingTail(int64_t k)
{
	static const double table[10] = {
		0.08106146679532726, 0.04134069595540929, 0.02767792568499834,
		0.02079067210376509, 0.01664469118982119, 0.01387612882307075,
		0.01189670994589177, 0.01041126526197209, 0.009255462182712733,
		0.008330563433362871
	};
	double		kp1,
				kp1sq;

	if (k <= 9)
		return table[k];
	kp1 = (double) k + 1.0;
	kp1sq = kp1 * kp1;
	return (1.0 / 12 - (1.0 / 360 - 1.0 / 1260 / kp1sq) / kp1sq) / kp1;
}

/* Inversion by sequential search from 0; suits n p < 10, p <= 1/2 */
static int64_t
BinomialInversion(int64_t n, double p, UniformFn unif, void *state)
{
	double		q = 1.0 - p;
	double		s = p / q;
	double		a = ((double) n + 1.0) * s;
	double		r0 = exp((double) n * log1p(-p));

	for (;;)
	{
		double		u = unif(state);
		double		r = r0;
		int64_t		x = 0;

		while (u > r)
		{
			u -= r;
			x++;
			if (x > n)
				break;
			r *= a / (double) x - s;
		}
		if (x <= n)
			return x;
		/* rounding left u above the total mass: draw again */
	}
}

/* Transformed rejection with squeeze; needs n p >= 10, p <= 1/2 */
static int64_t
BinomialBtrs(int64_t n, double p, UniformFn unif, void *state)
{
	double		nd = (double) n;
	double		spq = sqrt(nd * p * (1.0 - p));
	double		b = 1.15 + 2.53 * spq;
	double		a = -0.0873 + 0.0248 * b + 0.01 * p;
	double		c = nd * p + 0.5;
	double		vr = 0.92 - 4.2 / b;
	double		r = p / (1.0 - p);
	double		alpha = (2.83 + 5.1 / b) * spq;
	double		m = floor((nd + 1.0) * p);
	double		hm = NAN;		/* computed on the first squeeze test */

	for (;;)
	{
		double		u = unif(state) - 0.5;
		double		v = unif(state);
		double		us = 0.5 - fabs(u);
		double		kd = floor((2.0 * a / us + b) * u + c);
		int64_t		k;
		double		bound;

		if (kd < 0 || kd > nd)
			continue;
		k = (int64_t) kd;
		/* the box where the hat is tight: accept at once */
		if (us >= 0.07 && v <= vr)
			return k;
		v = log(v * alpha / (a / (us * us) + b));
		if (isnan(hm))
			hm = (m + 0.5) * log((m + 1.0) / (r * (nd - m + 1.0))) +
				StirlingTail((int64_t) m) + StirlingTail(n - (int64_t) m);
		bound = hm + (nd + 1.0) * log((nd - m + 1.0) / (nd - kd + 1.0)) +
			(kd + 0.5) * log(r * (nd - kd + 1.0) / (kd + 1.0)) -
			StirlingTail(k) - StirlingTail(n - k);
		if (v <= bound)
			return k;
	}
}

/* Binomial(n, p) */
int64_t
binomial_sample(int64_t n, double p, UniformFn unif, void *state)
{
	if (n <= 0 || p <= 0.0)
		return 0;
	if (p >= 1.0)
		return n;
	if (p > 0.5)
		return n - binomial_sample(n, 1.0 - p, unif, state);
	if ((double) n * p < 10.0)
		return BinomialInversion(n, p, unif, state);
	return BinomialBtrs(n, p, unif, state);
}

/* Multinomial by conditional binomials */
void
multinomial_sample(int64_t n, const double *weights, int k, int64_t *out,
				   UniformFn unif, void *state)
{
	double		rest = 0.0;
	int			last = -1;

	for (int i = 0; i < k; i++)
	{
		rest += weights[i];
		out[i] = 0;
		if (weights[i] > 0)
			last = i;
	}
	for (int i = 0; i < k && n > 0; i++)
	{
		double		pi;
		int64_t		x;

		if (weights[i] <= 0)
			continue;
		if (i == last)
		{
			out[i] = n;
			break;
		}
		pi = weights[i] / rest;
		x = binomial_sample(n, pi > 1.0 ? 1.0 : pi, unif, state);
		out[i] = x;
		n -= x;
		rest -= weights[i];
	}
}
