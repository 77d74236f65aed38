-- The install script must not be hijackable through objects planted in
-- public (the extension is trusted).  Plant hostile look-alikes of what an
-- unqualified script might call, install in a fresh database, and check
-- none of them ran.
SELECT current_user AS superuser_name \gset
CREATE DATABASE pgpref_hostile;
\c pgpref_hostile
CREATE TABLE public.hostile_log (what text);
CREATE FUNCTION public.hostile(text) RETURNS boolean LANGUAGE plpgsql AS
$$ BEGIN INSERT INTO public.hostile_log VALUES ($1); RETURN true; END $$;
CREATE FUNCTION public.eqsel(internal, oid, internal, integer) RETURNS float8 LANGUAGE plpgsql AS
$$ BEGIN PERFORM public.hostile('eqsel'); RETURN 0.5; END $$;
CREATE FUNCTION public.textin(cstring) RETURNS text LANGUAGE plpgsql AS
$$ BEGIN PERFORM public.hostile('textin'); RETURN ''; END $$;
CREATE FUNCTION public.lower(text) RETURNS text LANGUAGE plpgsql AS
$$ BEGIN PERFORM public.hostile('lower'); RETURN $1; END $$;
CREATE FUNCTION public.hostile_eq(bigint, integer) RETURNS boolean LANGUAGE plpgsql AS
$$ BEGIN PERFORM public.hostile('bigint = integer'); RETURN true; END $$;
CREATE OPERATOR public.= (LEFTARG = bigint, RIGHTARG = integer, FUNCTION = public.hostile_eq);
CREATE FUNCTION public.hostile_cat(text, text) RETURNS text LANGUAGE plpgsql AS
$$ BEGIN PERFORM public.hostile('text || text'); RETURN $1; END $$;
CREATE OPERATOR public.|| (LEFTARG = text, RIGHTARG = text, FUNCTION = public.hostile_cat);
SET search_path = public, pg_catalog;
CREATE EXTENSION pgpref;
SELECT '3>1=4>2'::pref.ranking, (SELECT count(*) FROM pref.pairs('3>1=4>2')),
       pref.chosen('1<2'), pref.pair(1, 2, '='), pref.linalg_check(8) < 1e-9;
SELECT count(*) AS hostile_calls FROM public.hostile_log;
SELECT extname, nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE extname = 'pgpref';
RESET search_path;

-- A non-superuser with CREATE on a database installs the trusted extension
\c contrib_regression :superuser_name
CREATE ROLE pgpref_tenant LOGIN;
CREATE DATABASE pgpref_trusted OWNER pgpref_tenant;
\c pgpref_trusted pgpref_tenant
SELECT current_user, usesuper FROM pg_user WHERE usename = current_user;
CREATE EXTENSION pgpref;
CREATE TABLE votes (p pref.pair, r pref.ranking);
INSERT INTO votes VALUES ('1>2', '1>2=3'), ('2<3*0.5', '3>2>1');
SELECT p, r, pref.chosen(p), (SELECT count(*) FROM pref.pairs(r)) FROM votes ORDER BY p;
-- schema pref belongs to the bootstrap superuser (sql/roles.sql: the tenant
-- cannot plant or replace functions in it), which lets the tenant use it
SELECT nspowner = 10 AS bootstrap_superuser_owns_pref, has_schema_privilege('pref', 'USAGE') AS usage,
       has_schema_privilege('pref', 'CREATE') AS can_create
FROM pg_namespace WHERE nspname = 'pref';
DROP EXTENSION pgpref CASCADE;

\c contrib_regression :superuser_name
DROP DATABASE pgpref_hostile;
DROP DATABASE pgpref_trusted;
DROP ROLE pgpref_tenant;
