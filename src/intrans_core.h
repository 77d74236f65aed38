/*
 * intrans_core.h - intransitive preferences: circular triads of the
 * majority tournament and Kendall's coefficient of consistence with its
 * significance test, and the skew-symmetric preference embedding
 * P(i beats j) = sigmoid(v_i' R v_j), R block-diagonal of [[0, 1], [-1, 0]],
 * fitted by L-BFGS.  Plain C: no postgres.h; caller-provided buffers.
 */
#ifndef PGPREF_INTRANS_CORE_H
#define PGPREF_INTRANS_CORE_H

#include <stddef.h>
#include <stdint.h>

#define INTRANS_OK			0
#define INTRANS_NO_PROGRESS	1	/* line search failed before convergence */
#define INTRANS_BAD_ARG		2

/* ---- circular triads ------------------------------------------------------ */

/* 64-bit words per row of an n-item bit matrix */
#define INTRANS_WORDS(n)	(((size_t) (n) + 63) / 64)

/*
 * Circular triads of a partial tournament given as bit matrices: bit j of
 * row i of out (n rows of INTRANS_WORDS(n) words) is set when i beats j by
 * majority, of dec when the pair i, j is decided (either direction).
 * per_item[n] receives the circular triads through each item, triads[n]
 * the triples through each item whose three pairs are all decided; *total
 * and *total_triads the counts over all triples.  interrupt (may be NULL)
 * is called once per item.
 */
extern void intrans_triads(int n, const uint64_t *out, const uint64_t *dec,
						   int64_t *per_item, int64_t *triads, int64_t *total,
						   int64_t *total_triads, void (*interrupt) (void));

/* Kendall's largest possible number of circular triads among n items */
extern int64_t intrans_max_triads(int n);

/*
 * Exact P(D <= d) for the number D of circular triads of a uniformly random
 * tournament on n items, 3 <= n <= INTRANS_EXACT_MAX (by enumerating every
 * tournament).
 */
#define INTRANS_EXACT_MAX	7
extern double intrans_exact_p(int n, int64_t d);

/*
 * Kendall's (1940) chi-square approximation for n >= 5:
 * df = n(n-1)(n-2)/(n-4)^2, chi2 = 8/(n-4) (C(n,3)/4 - d + 1/2) + df;
 * a large chi2 (few circular triads) rejects random judgements, p = the
 * upper tail.
 */
extern void intrans_chi_square(int n, int64_t d, double *chi2, double *df, double *p);

/* Upper tail of the chi-square distribution with df degrees of freedom */
extern double intrans_chi2_sf(double x, double df);

/* ---- preference embedding -------------------------------------------------- */

/* One unordered item pair: a (smaller index) preferred with weight wa, b with wb */
typedef struct EmbedCell
{
	int			a;
	int			b;
	double		wa;
	double		wb;
} EmbedCell;

typedef struct EmbedProblem
{
	int			n;				/* items */
	int			dim;			/* 2k */
	int			ncells;
	const EmbedCell *cells;
	double		prior;			/* Gaussian prior precision on every coordinate */
	int			max_iter;
	double		tol;			/* on the largest gradient entry, relative */
	void		(*interrupt) (void);	/* once per iteration; may be NULL */
} EmbedProblem;

/* s = v_a' R v_b for two vectors of dimension dim (even) */
extern double embed_score(const double *va, const double *vb, int dim);

/* Negative log-posterior at x (n * dim) and its gradient into g (may be NULL) */
extern double embed_objective(const EmbedProblem *p, const double *x, double *g);

/* Log-likelihood of cells at x (no prior) */
extern double embed_loglik(const EmbedProblem *p, const double *x, const EmbedCell *cells, int ncells);

/* Doubles of work space embed_fit needs */
extern size_t embed_work_size(const EmbedProblem *p);

/*
 * Minimise the negative log-posterior by L-BFGS from x (n * dim, the start
 * on entry, the estimate on exit).  *loglik receives the data
 * log-likelihood at the estimate.
 */
extern int	embed_fit(const EmbedProblem *p, double *x, double *work, double *loglik,
					  int *iterations, int *converged);

/* Log loss (mean negative log-likelihood per unit weight) of cells under scores */
extern double intrans_log_loss(const double *s, const EmbedCell *cells, int ncells);

#endif							/* PGPREF_INTRANS_CORE_H */
