-- every object of the extension carries a COMMENT
SELECT pg_describe_object(d.classid, d.objid, d.objsubid) AS missing_comment
FROM pg_depend d
JOIN pg_extension e ON e.oid = d.refobjid AND d.refclassid = 'pg_extension'::regclass
WHERE e.extname = 'pgpref' AND d.deptype = 'e'
  AND obj_description(d.objid, (SELECT relname FROM pg_class WHERE oid = d.classid)::name) IS NULL
ORDER BY 1;
-- and every column of every table and view of the extension (what a BI tool
-- shows as the column's description)
CREATE FUNCTION pg_temp.uncommented_columns(rels regclass[]) RETURNS TABLE (relation regclass, column_without_comment name)
LANGUAGE sql AS $$
	SELECT a.attrelid::regclass, a.attname FROM pg_attribute a
	WHERE a.attrelid = ANY (rels) AND a.attnum > 0 AND NOT a.attisdropped
	  AND col_description(a.attrelid, a.attnum) IS NULL
	ORDER BY 1, 2
$$;
SELECT * FROM pg_temp.uncommented_columns(ARRAY(
	SELECT c.oid::regclass FROM pg_depend d
	JOIN pg_extension e ON e.oid = d.refobjid AND d.refclassid = 'pg_extension'::regclass
	JOIN pg_class c ON d.classid = 'pg_class'::regclass AND c.oid = d.objid
	WHERE e.extname = 'pgpref' AND d.deptype = 'e' AND c.relkind IN ('r', 'v', 'm', 'p', 'f')));
-- the check finds a missing column comment
CREATE TEMP TABLE uncommented (a int, b int);
COMMENT ON COLUMN uncommented.a IS 'commented';
SELECT * FROM pg_temp.uncommented_columns(ARRAY['uncommented'::regclass]);
DROP TABLE uncommented;
-- and the extension is consistent with its control file
SELECT extname, extversion, extrelocatable, nspname
FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE extname = 'pgpref';
SELECT name, version, trusted, superuser, relocatable, schema FROM pg_available_extension_versions WHERE name = 'pgpref';
