-- Columns that BI tools read (docs/conventions.md, "Column names and types"):
-- every table and view of the extension, from the catalog.
CREATE FUNCTION pg_temp.bi_relations() RETURNS SETOF regclass LANGUAGE sql AS $$
	SELECT c.oid::regclass FROM pg_depend d JOIN pg_class c ON c.oid = d.objid
	WHERE d.classid = 'pg_class'::regclass AND d.refclassid = 'pg_extension'::regclass AND d.deptype = 'e'
	  AND d.refobjid = (SELECT oid FROM pg_extension WHERE extname = 'pgpref') AND c.relkind IN ('r', 'v')
$$;
-- a name that needs quoting: a keyword PostgreSQL lists as anything but
-- unreserved, or not a lower-case identifier
CREATE FUNCTION pg_temp.bi_quoted_names(rels regclass[]) RETURNS TABLE (relation regclass, column_name name, why text)
LANGUAGE sql AS $$
	SELECT a.attrelid::regclass, a.attname, coalesce(k.catdesc, 'not a lower-case identifier')
	FROM pg_attribute a LEFT JOIN pg_get_keywords() k ON k.word = a.attname::text
	WHERE a.attrelid = ANY (rels) AND a.attnum > 0 AND NOT a.attisdropped
	  AND (k.catcode <> 'U' OR a.attname::text !~ '^[a-z_][a-z0-9_]*$')
	ORDER BY 1, 2
$$;
-- a view column of a type that is not a plain SQL type (pgpref types, jsonb,
-- name, arrays ...: cast them to text in the view)
CREATE FUNCTION pg_temp.bi_view_types(rels regclass[]) RETURNS TABLE (relation regclass, column_name name, type text)
LANGUAGE sql AS $$
	SELECT a.attrelid::regclass, a.attname, format_type(a.atttypid, a.atttypmod)
	FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
	WHERE a.attrelid = ANY (rels) AND c.relkind = 'v' AND a.attnum > 0 AND NOT a.attisdropped
	  AND a.atttypid NOT IN ('text'::regtype, 'varchar'::regtype, 'bpchar'::regtype, 'bool'::regtype,
	                         'int2'::regtype, 'int4'::regtype, 'int8'::regtype, 'numeric'::regtype,
	                         'float4'::regtype, 'float8'::regtype, 'date'::regtype, 'timestamptz'::regtype, 'uuid'::regtype)
	ORDER BY 1, 2
$$;
SELECT count(*) > 10 AS relations_found FROM pg_temp.bi_relations();
-- one known exception: the history table pref.leaderboard keeps "position"
-- (a 0.1.0 dump restores its rows with that name); its views say place
SELECT * FROM pg_temp.bi_quoted_names(ARRAY(SELECT pg_temp.bi_relations()));
SELECT * FROM pg_temp.bi_view_types(ARRAY(SELECT pg_temp.bi_relations()));
-- the checks find what they look for
CREATE TEMP VIEW bad_view AS
SELECT 1 AS "position", 2 AS "Rank", 3 AS "day", '{"version": 1, "keys": "bigint", "position": false, "rows_used": 0, "rows_skipped": 0, "items": [], "cells": []}'::pref.tally AS t,
	'{}'::jsonb AS j, 'x'::name AS n, 'x'::text AS ok_text, now() AS ok_time;
SELECT * FROM pg_temp.bi_quoted_names(ARRAY['bad_view'::regclass]);
SELECT * FROM pg_temp.bi_view_types(ARRAY['bad_view'::regclass]);
DROP VIEW bad_view;
