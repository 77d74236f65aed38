/*
 * bt_boot.h - the resampling of tally cells behind pref.bt_bootstrap
 * (random numbers: rng.h; Poisson and multinomial draws: poisson.h).
 * Plain C: no postgres.h.
 */
#ifndef PGPREF_BT_BOOT_H
#define PGPREF_BT_BOOT_H

#include <stddef.h>
#include <stdint.h>

#include "bt_core.h"
#include "rng.h"

/* Resampling schemes (the resample argument of pref.bt_bootstrap) */
#define BT_RESAMPLE_MULTINOMIAL	0
#define BT_RESAMPLE_POISSON		1

/*
 * multinomial: resample the N battles with replacement, one exact
 * Multinomial(N, count / N) draw over the 3 outcomes of every cell (by
 * Poissonization, poisson.h), from the caller's stream rng.
 *
 * poisson: every outcome count c of every cell becomes an independent
 * Poisson(c) draw (each battle weighted by a Poisson(1) draw), from a
 * stream of its own seeded by (seed, round, keys[cell], outcome): a cell's
 * replicate counts depend only on its own count and key, never on the
 * other cells (keys NULL: the cell's index).
 *
 * Weights scale with the counts.  out receives ncells cells (a, b, pos
 * copied).  work (bt_resample_work_size bytes, 8-byte aligned) is filled
 * once by bt_resample_prepare and used as scratch by every replicate; keys
 * must stay valid while it is used.  bt_resample returns the number of
 * outcomes with a positive count whose replicate count is 0: when it is 0,
 * the replicate's comparison graph is the data's.
 */
extern size_t bt_resample_work_size(int ncells);
extern void bt_resample_prepare(const BtCell *in, int ncells, int mode, const uint64_t *keys,
								uint64_t seed, void *work);
extern int64_t bt_resample(const BtCell *in, BtCell *out, int ncells, void *work, PrefRng *rng,
							int64_t round);

/* 64-bit key of a byte string (FNV-1a, then mixed): item keys for the cell keys */
extern uint64_t bt_item_key(const char *bytes, size_t len);

/* Key of a cell from its two item keys (in the cell's order) and a flag */
extern uint64_t bt_cell_key(uint64_t ka, uint64_t kb, int pos);

/* Linear-interpolation quantile (numpy's default) of sorted x[n] */
extern double bt_quantile_sorted(const double *x, int n, double q);

#endif							/* PGPREF_BT_BOOT_H */
