-- Schema pref belongs to the superuser running this script (the bootstrap
-- superuser when a database owner installs the trusted extension), so that
-- no other role can drop, replace or overload the functions in it that a
-- superuser later calls (pref.run_job from a pg_cron entry, say).  The role
-- that ran CREATE EXTENSION may use it and pass that on.
ALTER SCHEMA @extschema@ OWNER TO CURRENT_USER;
GRANT USAGE ON SCHEMA @extschema@ TO @extowner@ WITH GRANT OPTION;

-- Build facts and BLAS diagnostics

CREATE FUNCTION @extschema@.build_info(
	OUT extension_version text,
	OUT postgres_version text,
	OUT blas_library text,
	OUT blas_core text,
	OUT blas_parallel text,
	OUT blas_threads integer)
RETURNS record
AS 'MODULE_PATHNAME', 'pref_build_info'
LANGUAGE C STABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION @extschema@.build_info() IS
'pgpref version, PostgreSQL version, and the BLAS library, its core type, threading model and thread count in this backend';

CREATE FUNCTION @extschema@.linalg_check(n integer DEFAULT 64)
RETURNS double precision
AS 'MODULE_PATHNAME', 'pref_linalg_check'
LANGUAGE C VOLATILE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION @extschema@.linalg_check(integer) IS
'BLAS/LAPACK self-check: n x n dgemm and a Cholesky solve against naive loops; returns the largest absolute deviation';
