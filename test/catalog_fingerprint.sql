-- Every property of the pgpref SQL objects that an install or upgrade script
-- decides, one sorted line each: test/upgrade.sh compares a fresh install
-- with an upgraded one line by line.
WITH ext AS (SELECT oid FROM pg_extension WHERE extname = 'pgpref'),
members AS (
	SELECT d.classid, d.objid
	FROM pg_depend d, ext
	WHERE d.refclassid = 'pg_extension'::regclass AND d.refobjid = ext.oid AND d.deptype = 'e'
)
SELECT line FROM (
	-- membership
	SELECT 'member ' || pg_describe_object(classid, objid, 0) AS line FROM members
	UNION ALL
	-- functions, procedures, aggregates
	SELECT format('proc %s -> %s | kind %s vol %s strict %s par %s secdef %s leak %s cost %s rows %s | src %s bin %s | config %s | acl %s | owner %s | comment %s',
		p.oid::regprocedure, pg_get_function_result(p.oid), p.prokind, p.provolatile, p.proisstrict,
		p.proparallel, p.prosecdef, p.proleakproof, p.procost, p.prorows,
		CASE WHEN p.prolang = (SELECT oid FROM pg_language WHERE lanname = 'c') THEN p.prosrc ELSE md5(p.prosrc) END,
		p.probin, p.proconfig, p.proacl, p.proowner::regrole, obj_description(p.oid, 'pg_proc'))
		|| ' | args ' || pg_get_function_arguments(p.oid)
	FROM pg_proc p JOIN members m ON m.classid = 'pg_proc'::regclass AND m.objid = p.oid
	UNION ALL
	SELECT format('agg %s | trans %s final %s combine %s serial %s deserial %s | stype %s space %s init %s | modify %s | sortop %s',
		a.aggfnoid::regprocedure, a.aggtransfn::regprocedure, a.aggfinalfn, a.aggcombinefn, a.aggserialfn,
		a.aggdeserialfn, a.aggtranstype::regtype, a.aggtransspace, a.agginitval, a.aggfinalmodify, a.aggsortop)
	FROM pg_aggregate a JOIN members m ON m.classid = 'pg_proc'::regclass AND m.objid = a.aggfnoid
	UNION ALL
	-- types
	SELECT format('type %s | len %s align %s storage %s | in %s out %s recv %s send %s | typmod %s %s | comment %s | acl %s',
		t.oid::regtype, t.typlen, t.typalign, t.typstorage, t.typinput, t.typoutput, t.typreceive, t.typsend,
		t.typmodin, t.typmodout, obj_description(t.oid, 'pg_type'), t.typacl)
	FROM pg_type t JOIN members m ON m.classid = 'pg_type'::regclass AND m.objid = t.oid
	UNION ALL
	SELECT format('operator %s | code %s com %s neg %s rest %s join %s merges %s hashes %s | comment %s',
		o.oid::regoperator, o.oprcode, o.oprcom::regoperator, o.oprnegate::regoperator, o.oprrest, o.oprjoin,
		o.oprcanmerge, o.oprcanhash, obj_description(o.oid, 'pg_operator'))
	FROM pg_operator o JOIN members m ON m.classid = 'pg_operator'::regclass AND m.objid = o.oid
	UNION ALL
	SELECT format('opfamily member %s %s strategy %s: %s', f.opfname, am.amname, ao.amopstrategy, ao.amopopr::regoperator)
	FROM pg_opfamily f JOIN members m ON m.classid = 'pg_opfamily'::regclass AND m.objid = f.oid
		JOIN pg_am am ON am.oid = f.opfmethod JOIN pg_amop ao ON ao.amopfamily = f.oid
	UNION ALL
	SELECT format('opfamily proc %s %s support %s: %s', f.opfname, am.amname, ap.amprocnum, ap.amproc::regprocedure)
	FROM pg_opfamily f JOIN members m ON m.classid = 'pg_opfamily'::regclass AND m.objid = f.oid
		JOIN pg_am am ON am.oid = f.opfmethod JOIN pg_amproc ap ON ap.amprocfamily = f.oid
	UNION ALL
	SELECT format('cast %s -> %s | func %s context %s method %s', c.castsource::regtype, c.casttarget::regtype,
		c.castfunc::regprocedure, c.castcontext, c.castmethod)
	FROM pg_cast c JOIN members m ON m.classid = 'pg_cast'::regclass AND m.objid = c.oid
	UNION ALL
	-- tables, views, sequences
	SELECT format('relation %s | kind %s | rls %s force %s | acl %s | owner %s | comment %s | view %s',
		c.oid::regclass, c.relkind, c.relrowsecurity, c.relforcerowsecurity, c.relacl, c.relowner::regrole,
		obj_description(c.oid, 'pg_class'),
		CASE WHEN c.relkind = 'v' THEN md5(pg_get_viewdef(c.oid)) END)
	FROM pg_class c JOIN members m ON m.classid = 'pg_class'::regclass AND m.objid = c.oid
	UNION ALL
	SELECT format('column %s.%s | %s | notnull %s | default %s | comment %s',
		c.oid::regclass, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull,
		pg_get_expr(ad.adbin, ad.adrelid), col_description(c.oid, a.attnum))
	FROM pg_class c JOIN members m ON m.classid = 'pg_class'::regclass AND m.objid = c.oid
		JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
		LEFT JOIN pg_attrdef ad ON ad.adrelid = c.oid AND ad.adnum = a.attnum
	UNION ALL
	SELECT format('constraint %s.%s | %s', c.oid::regclass, k.conname, pg_get_constraintdef(k.oid))
	FROM pg_class c JOIN members m ON m.classid = 'pg_class'::regclass AND m.objid = c.oid
		JOIN pg_constraint k ON k.conrelid = c.oid
	UNION ALL
	SELECT format('index %s', pg_get_indexdef(i.indexrelid))
	FROM pg_class c JOIN members m ON m.classid = 'pg_class'::regclass AND m.objid = c.oid
		JOIN pg_index i ON i.indrelid = c.oid
	UNION ALL
	SELECT format('policy %s.%s | cmd %s permissive %s roles %s | using %s | check %s', c.oid::regclass, p.polname,
		p.polcmd, p.polpermissive, p.polroles::regrole[], pg_get_expr(p.polqual, p.polrelid), pg_get_expr(p.polwithcheck, p.polrelid))
	FROM pg_class c JOIN members m ON m.classid = 'pg_class'::regclass AND m.objid = c.oid
		JOIN pg_policy p ON p.polrelid = c.oid
	UNION ALL
	SELECT format('trigger %s', pg_get_triggerdef(t.oid))
	FROM pg_class c JOIN members m ON m.classid = 'pg_class'::regclass AND m.objid = c.oid
		JOIN pg_trigger t ON t.tgrelid = c.oid AND NOT t.tgisinternal
	UNION ALL
	SELECT format('config dump %s | %s', cfg.tbl::regclass, cfg.cond)
	FROM pg_extension e, unnest(e.extconfig, e.extcondition) AS cfg(tbl, cond) WHERE e.extname = 'pgpref'
	UNION ALL
	SELECT format('schema %s | owner %s | acl %s', n.nspname, n.nspowner::regrole, n.nspacl)
	FROM pg_namespace n WHERE n.nspname = 'pref'
) x
ORDER BY line;
