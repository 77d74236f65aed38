/*
 * compat.c - C entry points that older install scripts name but that this
 * library no longer implements.
 *
 * A database still on an older pgpref SQL version (between `make install` of
 * a new library and `ALTER EXTENSION pgpref UPDATE`) must get a clear error
 * from such a function, never a crash from a function whose arguments
 * changed meaning.  Entry points whose arguments or state changed therefore
 * get new C names, and the old names end here.  test/static_checks.sh checks
 * that every C symbol named by a shipped install or upgrade script exists.
 */
#include "postgres.h"

#include "fmgr.h"

/* Error for a function of an older pgpref SQL version */
static void
RemovedFunction(const char *name)
{
	ereport(ERROR,
			(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
			 errmsg("%s belongs to an older version of the pgpref SQL objects", name),
			 errdetail("The installed pgpref library is version %s.", PGPREF_VERSION),
			 errhint("Run ALTER EXTENSION pgpref UPDATE.")));
}

#define PGPREF_REMOVED(fn) \
	PG_FUNCTION_INFO_V1(fn); \
	Datum fn(PG_FUNCTION_ARGS); \
	Datum fn(PG_FUNCTION_ARGS) { (void) fcinfo; RemovedFunction(#fn); PG_RETURN_NULL(); }

/*
 * Removed in 0.2.0: `internal`-state aggregate support (states are SQL types
 * now).  One line per entry point, grouped by module.
 */
PGPREF_REMOVED(pref_removed_placeholder)

/* agree */
/* agreement aggregates: state pref.agreement_state (src/agree.c) */
PGPREF_REMOVED(pref_agree_pair_accum)
PGPREF_REMOVED(pref_agree_unit_accum)
PGPREF_REMOVED(pref_agree_value_accum)
PGPREF_REMOVED(pref_agree_combine)
PGPREF_REMOVED(pref_agree_serialize)
PGPREF_REMOVED(pref_agree_deserialize)
PGPREF_REMOVED(pref_cohen_kappa_final)
PGPREF_REMOVED(pref_fleiss_kappa_final)
PGPREF_REMOVED(pref_kalpha_nominal_final)
PGPREF_REMOVED(pref_kalpha_interval_final)
/* Plackett-Luce: state pref.ranking_state (src/plackett_luce.c) */
PGPREF_REMOVED(pref_pl_trans)
PGPREF_REMOVED(pref_pl_combine)
PGPREF_REMOVED(pref_pl_serial)
PGPREF_REMOVED(pref_pl_deserial)
PGPREF_REMOVED(pref_pl_final)

/* dpo */
PGPREF_REMOVED(pref_dpo_metrics_accum)
PGPREF_REMOVED(pref_dpo_metrics_combine)
PGPREF_REMOVED(pref_dpo_metrics_serialize)
PGPREF_REMOVED(pref_dpo_metrics_deserialize)
PGPREF_REMOVED(pref_dpo_metrics_final)
PGPREF_REMOVED(pref_kto_metrics_accum)
PGPREF_REMOVED(pref_kto_metrics_combine)
PGPREF_REMOVED(pref_kto_metrics_serialize)
PGPREF_REMOVED(pref_kto_metrics_deserialize)
PGPREF_REMOVED(pref_kto_metrics_final)
PGPREF_REMOVED(pref_ranking_accuracy_accum)
PGPREF_REMOVED(pref_ranking_accuracy_combine)
PGPREF_REMOVED(pref_ranking_accuracy_serialize)
PGPREF_REMOVED(pref_ranking_accuracy_deserialize)
PGPREF_REMOVED(pref_ranking_accuracy_final)

/* tally */
PGPREF_REMOVED(pref_tally_trans_int)
PGPREF_REMOVED(pref_tally_trans_text)
PGPREF_REMOVED(pref_tally_trans_outcome_int)
PGPREF_REMOVED(pref_tally_trans_outcome_text)
PGPREF_REMOVED(pref_tally_trans_pair)
PGPREF_REMOVED(pref_tally_merge_trans)
PGPREF_REMOVED(pref_tally_combine)
PGPREF_REMOVED(pref_tally_serial)
PGPREF_REMOVED(pref_tally_deserial)
PGPREF_REMOVED(pref_tally_final)
PGPREF_REMOVED(pref_bt_fit_final)
PGPREF_REMOVED(pref_elo_trans)
PGPREF_REMOVED(pref_bt_eval_trans)

/* gram: pref.gram_state and pref.reward_state replace the internal states */
PGPREF_REMOVED(pref_gram_accum)
PGPREF_REMOVED(pref_moments_accum)
PGPREF_REMOVED(pref_pca_accum)
PGPREF_REMOVED(pref_ridge_accum)
PGPREF_REMOVED(pref_gram_combine)
PGPREF_REMOVED(pref_gram_serialize)
PGPREF_REMOVED(pref_gram_deserialize)
PGPREF_REMOVED(pref_gram_final)
PGPREF_REMOVED(pref_moments_final)
PGPREF_REMOVED(pref_pca_final)
PGPREF_REMOVED(pref_ridge_final)
PGPREF_REMOVED(pref_reward_pass_accum)
PGPREF_REMOVED(pref_reward_pass_combine)
PGPREF_REMOVED(pref_reward_pass_serialize)
PGPREF_REMOVED(pref_reward_pass_deserialize)
PGPREF_REMOVED(pref_reward_pass_final)

/* subset: near_duplicates gained grouping (pref_near_duplicates_grouped*) */
PGPREF_REMOVED(pref_near_duplicates)
PGPREF_REMOVED(pref_near_duplicates_any)
