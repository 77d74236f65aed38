-- Reference for the BI driver test (test/bi.sh), computed by PostgreSQL from
-- the stored values: one line per table and view of the extension,
-- "relation <tab> kind <tab> rows <tab> digest".  The digest is the one that
-- test/bi/read_odbc.py and test/bi/ReadViews.java compute from what their
-- driver delivers: each value in a canonical text form (integers in decimal,
-- floating point as the hex of its IEEE-754 double, numeric without trailing
-- zeros, booleans t/f, dates YYYY-MM-DD, timestamptz as microseconds since
-- the epoch, anything else as PostgreSQL's text), a field "<utf-8 length>:<text>"
-- or "\N" for NULL, a row the concatenation of its fields, and the digest the
-- sha256 of the sorted sha256 hex digests of the rows joined by newlines.
\set ON_ERROR_STOP on
SELECT format($q$SELECT %L, %L, count(*), coalesce(encode(sha256(convert_to(string_agg(h, E'\n' ORDER BY h), 'UTF8')), 'hex'), '')
FROM (SELECT encode(sha256(convert_to(%s, 'UTF8')), 'hex') AS h FROM %s x) r$q$,
	c.relname, c.relkind,
	(SELECT string_agg(format($f$CASE WHEN x.%1$I IS NULL THEN '\N' ELSE octet_length(%2$s)::text || ':' || %2$s END$f$,
		a.attname,
		CASE
			WHEN a.atttypid IN ('int2'::regtype, 'int4'::regtype, 'int8'::regtype) THEN format('x.%I::text', a.attname)
			WHEN a.atttypid IN ('float4'::regtype, 'float8'::regtype) THEN format($e$encode(float8send(x.%I::float8), 'hex')$e$, a.attname)
			WHEN a.atttypid = 'numeric'::regtype THEN format('trim_scale(x.%I)::text', a.attname)
			WHEN a.atttypid = 'bool'::regtype THEN format($e$CASE WHEN x.%I THEN 't' ELSE 'f' END$e$, a.attname)
			WHEN a.atttypid = 'date'::regtype THEN format($e$to_char(x.%I, 'YYYY-MM-DD')$e$, a.attname)
			WHEN a.atttypid = 'timestamptz'::regtype THEN format('(extract(epoch FROM x.%I) * 1000000)::bigint::text', a.attname)
			ELSE format('x.%I::text', a.attname)
		END), ' || ' ORDER BY a.attnum)
	 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped),
	c.oid::regclass)
FROM pg_depend d JOIN pg_class c ON c.oid = d.objid
WHERE d.classid = 'pg_class'::regclass AND d.refclassid = 'pg_extension'::regclass AND d.deptype = 'e'
  AND d.refobjid = (SELECT oid FROM pg_extension WHERE extname = 'pgpref') AND c.relkind IN ('r', 'v')
ORDER BY c.relname
\gexec
