-- pgTAP: catalog-driven checks of the curation jobs' rights and metadata, so
-- that a new table, view or job kind cannot escape them
BEGIN;
SELECT plan(13);

-- BI tools show column descriptions: every column of every table and view
SELECT is((SELECT string_agg(c.relname || '.' || a.attname, ', ' ORDER BY c.relname, a.attnum)
           FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
           WHERE c.relnamespace = 'pref'::regnamespace AND c.relkind IN ('r', 'v')
             AND col_description(c.oid, a.attnum) IS NULL), NULL,
          'every column of every table and view in pref has a comment');

-- row-level security: every table reads for all, writes for the job's definer
SELECT is((SELECT string_agg(c.relname, ', ' ORDER BY c.relname) FROM pg_class c
           WHERE c.relnamespace = 'pref'::regnamespace AND c.relkind = 'r'
             AND NOT (c.relrowsecurity AND
                      (SELECT array_agg(p.polname::text ORDER BY p.polname) FROM pg_policy p WHERE p.polrelid = c.oid)
                      = ARRAY['read_all', 'write_own'])), NULL,
          'every table in pref has row-level security with the policies read_all and write_own');
SELECT is((SELECT string_agg(c.relname, ', ' ORDER BY c.relname) FROM pg_class c
           WHERE c.relnamespace = 'pref'::regnamespace AND c.relkind = 'v'
             AND NOT coalesce('security_invoker=true' = ANY (c.reloptions), false)), NULL,
          'every view in pref is security_invoker (writes through it meet the policies)');
SELECT is((SELECT string_agg(c.relname || ' ' || x.privilege_type || ' to ' || x.grantee::regrole::text, ', ')
           FROM pg_class c, aclexplode(c.relacl) x
           WHERE c.relnamespace = 'pref'::regnamespace AND x.grantee <> c.relowner
             AND x.privilege_type IN ('TRUNCATE', 'TRIGGER', 'REFERENCES')), NULL,
          'no role but the owner holds TRUNCATE, TRIGGER or REFERENCES on a pref table');
SELECT is((SELECT string_agg(r.rolname, ', ') FROM pg_roles r
           WHERE NOT r.rolsuper AND has_schema_privilege(r.oid, 'pref', 'CREATE')), NULL,
          'schema pref: no role but superusers may create objects in it');
SELECT ok((SELECT r.rolsuper FROM pg_namespace n JOIN pg_roles r ON r.oid = n.nspowner WHERE n.nspname = 'pref'),
          'schema pref belongs to a superuser');

-- the runner: no SECURITY DEFINER, no SET clause (either would forbid COMMIT
-- and hide the caller); the kinds run as their definer through job_invoke
SELECT is((SELECT string_agg(p.oid::regprocedure::text, ', ') FROM pg_proc p
           WHERE p.pronamespace = 'pref'::regnamespace AND (p.prosecdef OR p.proconfig IS NOT NULL)), NULL,
          'no function in pref is SECURITY DEFINER or sets a parameter');

-- every job kind has a parameter schema, whose keys are exactly the keys its function reads
SELECT is((SELECT string_agg(k, ', ') FROM pref.job_kinds() k
           WHERE NOT EXISTS (SELECT 1 FROM pref.job_kind_params(k))), NULL,
          'every job kind has a parameter schema');
SELECT is((WITH kinds AS (SELECT k, ('pref.job_' || k || '(bigint, jsonb)')::regprocedure AS f FROM pref.job_kinds() k),
               used AS (SELECT DISTINCT kinds.k, m[1] AS key
                        FROM kinds, pg_proc p, regexp_matches(p.prosrc, $re$params OPERATOR\(pg_catalog\.(?:->>|->|\?)\) '([a-z_]+)'$re$, 'g') m
                        WHERE p.oid = kinds.f),
               declared AS (SELECT kinds.k, s.key FROM kinds, pref.job_kind_params(kinds.k) s)
           SELECT string_agg(coalesce(u.k, d.k) || '.' || coalesce(u.key, d.key)
                             || CASE WHEN d.key IS NULL THEN ' (read, not declared)' ELSE ' (declared, not read)' END, ', ')
           FROM used u FULL JOIN declared d ON d.k = u.k AND d.key = u.key
           WHERE u.key IS NULL OR d.key IS NULL), NULL,
          'the keys each kind''s function reads equal the keys of its parameter schema');

-- the params check: every required key is required, every key's type is checked
CREATE FUNCTION pg_temp.accepts(kind text, params jsonb) RETURNS boolean LANGUAGE plpgsql AS $$
BEGIN
	PERFORM pref.check_job_params(kind, coalesce(params, '{}'));
	RETURN true;
EXCEPTION WHEN invalid_parameter_value THEN
	RETURN false;
END $$;
CREATE FUNCTION pg_temp.sample(type text, good boolean) RETURNS jsonb LANGUAGE sql AS $$
	SELECT (CASE type WHEN 'string' THEN CASE WHEN good THEN '"x"' ELSE '1' END
	                  WHEN 'number' THEN CASE WHEN good THEN '0.5' ELSE '"0.5"' END
	                  WHEN 'integer' THEN CASE WHEN good THEN '2' ELSE '1.5' END
	                  WHEN 'boolean' THEN CASE WHEN good THEN 'true' ELSE '"true"' END
	                  WHEN 'number[]' THEN CASE WHEN good THEN '[1, 2]' ELSE '[1, "2"]' END END)::jsonb $$;
CREATE TEMP VIEW kp AS SELECT k AS kind, p.* FROM pref.job_kinds() k, pref.job_kind_params(k) p;
SELECT is((SELECT string_agg(s.kind || '.' || s.key, ', ') FROM kp s
           WHERE s.required AND pg_temp.accepts(s.kind,
             (SELECT jsonb_object_agg(r.key, pg_temp.sample(r.type, true)) FROM kp r
              WHERE r.kind = s.kind AND r.required AND r.key <> s.key))), NULL,
          'leaving out any required key is an error');
SELECT is((SELECT string_agg(s.kind || '.' || s.key, ', ') FROM kp s
           WHERE s.required_with IS NOT NULL AND pg_temp.accepts(s.kind,
             (SELECT jsonb_object_agg(r.key, pg_temp.sample(r.type, true)) FROM kp r
              WHERE r.kind = s.kind AND (r.required OR r.key = s.required_with)))), NULL,
          'leaving out a key required with another is an error');
SELECT is((SELECT string_agg(s.kind || '.' || s.key, ', ') FROM kp s
           WHERE NOT pg_temp.accepts(s.kind,
                   (SELECT jsonb_object_agg(r.key, pg_temp.sample(r.type, true)) FROM kp r
                    WHERE r.kind = s.kind AND (r.required OR r.key = s.key OR r.key = s.required_with
                                               OR r.required_with = s.key)))
              OR pg_temp.accepts(s.kind,
                   (SELECT jsonb_object_agg(r.key, pg_temp.sample(r.type, true)) FROM kp r
                    WHERE r.kind = s.kind AND (r.required OR r.key = s.required_with OR r.required_with = s.key)
                      AND r.key <> s.key)
                   || jsonb_build_object(s.key, pg_temp.sample(s.type, false)))), NULL,
          'for every key a value of its type passes and a value of another type is an error');
SELECT is((SELECT string_agg(k, ', ') FROM pref.job_kinds() k
           WHERE NOT pg_temp.accepts(k, (SELECT jsonb_object_agg(r.key, pg_temp.sample(r.type, true)) FROM kp r
                                         WHERE r.kind = k AND r.required))
              OR pg_temp.accepts(k, (SELECT jsonb_object_agg(r.key, pg_temp.sample(r.type, true)) FROM kp r
                                     WHERE r.kind = k AND r.required) || '{"no_such_key": 1}')), NULL,
          'the required keys alone pass, and an unknown key is an error');

SELECT * FROM finish();
ROLLBACK;
