-- every object of the extension carries a COMMENT
SELECT pg_describe_object(d.classid, d.objid, d.objsubid) AS missing_comment
FROM pg_depend d
JOIN pg_extension e ON e.oid = d.refobjid AND d.refclassid = 'pg_extension'::regclass
WHERE e.extname = 'pgpref' AND d.deptype = 'e'
  AND obj_description(d.objid, (SELECT relname FROM pg_class WHERE oid = d.classid)::name) IS NULL
ORDER BY 1;
-- and the extension is consistent with its control file
SELECT extname, extversion, extrelocatable, nspname
FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE extname = 'pgpref';
SELECT name, version, trusted, superuser, relocatable, schema FROM pg_available_extension_versions WHERE name = 'pgpref';
