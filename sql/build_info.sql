-- build facts and the BLAS layer
SELECT extension_version = (SELECT extversion FROM pg_extension WHERE extname = 'pgpref') AS version_matches,
       postgres_version LIKE 'PostgreSQL %' AS pg_ok,
       blas_library LIKE 'OpenBLAS %' AS openblas,
       blas_core <> '' AS has_core,
       blas_parallel,
       blas_threads
FROM pref.build_info();

-- BLAS dgemm and LAPACK Cholesky against naive loops (tolerance 1e-9)
SELECT pref.linalg_check(1) < 1e-9 AS ok1, pref.linalg_check(64) < 1e-9 AS ok64,
       pref.linalg_check(300) < 1e-9 AS ok300;

-- OpenBLAS must not spawn threads in a backend unless asked:
-- after a multi-threadable 300x300 dgemm the backend still has one task
SELECT count(*) AS backend_tasks
FROM pg_ls_dir('/proc/' || pg_backend_pid() || '/task') AS t;

-- asked for two threads, it uses two
SET pgpref.blas_threads = 2;
SELECT blas_threads FROM pref.build_info();
SELECT pref.linalg_check(300) < 1e-9 AS ok300_2threads;
SELECT count(*) AS backend_tasks
FROM pg_ls_dir('/proc/' || pg_backend_pid() || '/task') AS t;
RESET pgpref.blas_threads;
SELECT blas_threads FROM pref.build_info();

-- settings are validated and the prefix is reserved
SET pgpref.blas_threads = 0;
SET pgpref.max_memory = '10kB';
SET pgpref.no_such_setting = 1;
SHOW pgpref.max_memory;
SELECT pref.linalg_check(0);
SELECT pref.linalg_check(NULL);
