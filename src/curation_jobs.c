/*
 * curation_jobs.c - run a curation job's kind function with the rights of
 * the role that defined the job.
 *
 * pref.run_job (plpgsql) logs the run and calls pref.job_invoke, which
 * becomes the job's definer the way PostgreSQL's own maintenance commands
 * become a table owner (REFRESH MATERIALIZED VIEW, index expressions):
 *
 *   - SetUserIdAndSecContext with SECURITY_LOCAL_USERID_CHANGE, so the
 *     job's SQL cannot SET ROLE, RESET ROLE, set_config('role', ...) or SET
 *     SESSION AUTHORIZATION its way back to the caller (a superuser's
 *     pg_cron session, say);
 *   - SECURITY_RESTRICTED_OPERATION, so it cannot leave session state that
 *     would later run with the caller's rights (temporary tables and views
 *     that shadow the caller's tables, cursors WITH HOLD, PREPARE, LISTEN);
 *   - a GUC nest level rolled back afterwards, so settings it changes
 *     (search_path above all) do not outlive the job.
 *
 * An error inside the job unwinds through the caller's subtransaction,
 * whose abort restores the user id, security context and settings.
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "catalog/pg_proc.h"
#include "catalog/pg_type.h"
#include "fmgr.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "nodes/value.h"
#include "parser/parse_func.h"
#include "utils/acl.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/lsyscache.h"
#include "utils/syscache.h"
#include "utils/typcache.h"

PG_FUNCTION_INFO_V1(pref_job_invoke);

/* Ensure the definer exists and the current user may act as it */
static Oid
JobDefinerOid(const char *definer)
{
	Oid			roleid = get_role_oid(definer, true);

	if (!OidIsValid(roleid))
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("role \"%s\", the definer of the curation job, does not exist", definer),
				 errdetail("A curation job runs with the rights of the role that defined it."),
				 errhint("Redefine the job with pref.define_job as the role it should run as.")));
	if (!is_member_of_role(GetUserId(), roleid))
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("permission denied to run a curation job as role \"%s\"", definer),
				 errdetail("A curation job runs with the rights of the role that defined it, and only members of that role may run it."),
				 errhint("Run it as that role (or a superuser), or define a job of your own with pref.define_job.")));
	return roleid;
}

/*
 * Find pref.job_<kind>(bigint, jsonb) in the schema of this function and
 * ensure it may run as the definer: owned by a superuser or by the definer
 * itself, executable by the definer.
 */
static Oid
JobKindFunction(Oid self, const char *kind, Oid roleid)
{
	Oid			argtypes[2] = {INT8OID, JSONBOID};
	char	   *nspname = get_namespace_name(get_func_namespace(self));
	char	   *fname = psprintf("job_%s", kind);
	Oid			funcoid = InvalidOid;
	Oid			owner;
	HeapTuple	tup;

	if (nspname != NULL && strlen(fname) < NAMEDATALEN)
		funcoid = LookupFuncName(list_make2(makeString(nspname), makeString(fname)),
								 2, argtypes, true);
	if (!OidIsValid(funcoid))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid value for argument kind: unknown job kind \"%s\"", kind),
				 errhint("SELECT * FROM pref.job_kinds() lists the kinds this installation can run.")));

	tup = SearchSysCache1(PROCOID, ObjectIdGetDatum(funcoid));
	if (!HeapTupleIsValid(tup))
		elog(ERROR, "cache lookup failed for function %u", funcoid);
	owner = ((Form_pg_proc) GETSTRUCT(tup))->proowner;
	ReleaseSysCache(tup);
	if (owner != roleid && !superuser_arg(owner))
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("function %s.%s of job kind \"%s\" is owned by role \"%s\"",
						nspname, fname, kind, GetUserNameFromId(owner, false)),
				 errdetail("A job kind's function must belong to a superuser or to the job's definer.")));
	if (pg_proc_aclcheck(funcoid, roleid, ACL_EXECUTE) != ACLCHECK_OK)
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("permission denied for function %s.%s", nspname, fname),
				 errdetail("The job's definer \"%s\" may not execute it.",
						   GetUserNameFromId(roleid, false))));
	return funcoid;
}

/* Read (rows_read bigint, rows_written bigint) from a kind function's result */
static void
JobCounts(Datum result, Datum *values, bool *nulls)
{
	HeapTupleHeader td = DatumGetHeapTupleHeader(result);
	TupleDesc	tupdesc;
	HeapTupleData tuple;
	bool		ok;

	tupdesc = lookup_rowtype_tupdesc(HeapTupleHeaderGetTypeId(td),
									 HeapTupleHeaderGetTypMod(td));
	ok = tupdesc->natts == 2 &&
		TupleDescAttr(tupdesc, 0)->atttypid == INT8OID &&
		TupleDescAttr(tupdesc, 1)->atttypid == INT8OID;
	if (ok)
	{
		tuple.t_len = HeapTupleHeaderGetDatumLength(td);
		ItemPointerSetInvalid(&(tuple.t_self));
		tuple.t_tableOid = InvalidOid;
		tuple.t_data = td;
		heap_deform_tuple(&tuple, tupdesc, values, nulls);
	}
	ReleaseTupleDesc(tupdesc);
	if (!ok)
		ereport(ERROR,
				(errcode(ERRCODE_DATATYPE_MISMATCH),
				 errmsg("a job kind's function must return (rows_read bigint, rows_written bigint)")));
}

/*
 * pref.job_invoke(definer, kind, run_id, params): call
 * pref.job_<kind>(run_id, params) as role definer (see the file header)
 * and return its (rows_read, rows_written).
 */
Datum
pref_job_invoke(PG_FUNCTION_ARGS)
{
	char	   *definer;
	char	   *kind;
	Oid			roleid;
	Oid			funcoid;
	Oid			save_userid;
	int			save_sec_context;
	int			save_nestlevel;
	FmgrInfo	flinfo;
	LOCAL_FCINFO(callinfo, 2);
	Datum		result;
	Datum		values[2];
	bool		nulls[2];
	TupleDesc	tupdesc;

	if (PG_ARGISNULL(0))
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("the curation job has no recorded definer"),
				 errdetail("A curation job runs with the rights of the role that defined it.")));
	if (PG_ARGISNULL(1) || PG_ARGISNULL(2) || PG_ARGISNULL(3))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("kind, run_id and params must not be NULL")));
	if (get_call_result_type(fcinfo, NULL, &tupdesc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "return type must be a row type");

	definer = NameStr(*PG_GETARG_NAME(0));
	kind = text_to_cstring(PG_GETARG_TEXT_PP(1));
	roleid = JobDefinerOid(definer);
	funcoid = JobKindFunction(fcinfo->flinfo->fn_oid, kind, roleid);

	fmgr_info(funcoid, &flinfo);
	InitFunctionCallInfoData(*callinfo, &flinfo, 2, InvalidOid, NULL, NULL);
	callinfo->args[0].value = PG_GETARG_DATUM(2);
	callinfo->args[0].isnull = false;
	callinfo->args[1].value = PG_GETARG_DATUM(3);
	callinfo->args[1].isnull = false;

	/* become the definer, locked in, with settings rolled back afterwards */
	GetUserIdAndSecContext(&save_userid, &save_sec_context);
	SetUserIdAndSecContext(roleid, save_sec_context |
						   SECURITY_LOCAL_USERID_CHANGE |
						   SECURITY_RESTRICTED_OPERATION);
	save_nestlevel = NewGUCNestLevel();

	result = FunctionCallInvoke(callinfo);

	AtEOXact_GUC(false, save_nestlevel);
	SetUserIdAndSecContext(save_userid, save_sec_context);

	if (callinfo->isnull)
		ereport(ERROR,
				(errcode(ERRCODE_DATATYPE_MISMATCH),
				 errmsg("a job kind's function must return (rows_read bigint, rows_written bigint)")));
	JobCounts(result, values, nulls);
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(BlessTupleDesc(tupdesc), values, nulls)));
}
