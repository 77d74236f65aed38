/*
 * bt_boot.h - the multinomial resampling of tally cells behind
 * pref.bt_bootstrap (random numbers: rng.h).  Plain C: no postgres.h.
 */
#ifndef PGPREF_BT_BOOT_H
#define PGPREF_BT_BOOT_H

#include <stdint.h>

#include "bt_core.h"
#include "rng.h"

/*
 * Resample the N battles with replacement: one multinomial draw of N over
 * the 3 outcomes of every cell (probability count / N); weights scale with
 * the counts.  out receives ncells cells (a, b, pos copied).  work
 * (bt_resample_consts_size doubles) is filled once by bt_resample_prepare
 * and used as scratch by every replicate.
 */
extern size_t bt_resample_consts_size(int ncells);
extern void bt_resample_prepare(const BtCell *in, int ncells, double *work);
extern void bt_resample(const BtCell *in, BtCell *out, int ncells, double *work, PrefRng *rng);

/* Linear-interpolation quantile (numpy's default) of sorted x[n] */
extern double bt_quantile_sorted(const double *x, int n, double q);

#endif							/* PGPREF_BT_BOOT_H */
