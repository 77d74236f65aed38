/*
 * bt_boot.h - the Poisson resampling of tally cells behind
 * pref.bt_bootstrap (random numbers: rng.h).  Plain C: no postgres.h.
 */
#ifndef PGPREF_BT_BOOT_H
#define PGPREF_BT_BOOT_H

#include <stdint.h>

#include "bt_core.h"
#include "rng.h"

/*
 * Resample rows with Poisson(1) weights: each cell outcome seen n times
 * is seen Poisson(n) times in the replicate, with weight scaled by the
 * same factor.  out receives ncells cells (a, b, pos copied).  consts
 * (bt_resample_consts_size doubles) holds the sampler constants of each
 * cell outcome, filled once by bt_resample_prepare.
 */
extern size_t bt_resample_consts_size(int ncells);
extern void bt_resample_prepare(const BtCell *in, int ncells, double *consts);
extern void bt_resample(const BtCell *in, BtCell *out, int ncells, const double *consts, PrefRng *rng);

/* Linear-interpolation quantile (numpy's default) of sorted x[n] */
extern double bt_quantile_sorted(const double *x, int n, double q);

#endif							/* PGPREF_BT_BOOT_H */
