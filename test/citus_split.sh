#!/usr/bin/env bash
# Split every order-independent pref aggregate on a real Citus cluster and
# compare with the one-node result. Usage: test/citus_split.sh [psql conn args]
# Pass psql connection options of the coordinator (-h HOST -p PORT -U USER);
# pgpref must be installed on every node.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
PSQL=(psql -X -v ON_ERROR_STOP=1 -qAt "$@")
# Run in the database the workers are registered in (psql's default or -d)
"${PSQL[@]}" -c "SET client_min_messages = warning; CREATE EXTENSION IF NOT EXISTS pgpref; DROP SCHEMA IF EXISTS citus_split CASCADE; CREATE SCHEMA citus_split" >/dev/null
# sample rows, cases and the comparison function of the split-and-combine test
sed -n '1,/^CREATE FUNCTION sc_run/p' "$here/../sql/split_combine.sql" | sed '$d' |
	sed 's/^SET search_path = public;/SET search_path = citus_split, public;/' > "$tmp"/setup.sql
"${PSQL[@]}" -f "$tmp"/setup.sql >/dev/null
"${PSQL[@]}" <<'SQL'
SET search_path = citus_split, public;
SET client_min_messages = warning;
CREATE TABLE sc_dist (LIKE sc_rows);
SELECT create_distributed_table('sc_dist', 'i', shard_count => 8);
INSERT INTO sc_dist SELECT * FROM sc_rows;
CREATE FUNCTION sc_citus() RETURNS TABLE (aggregate text, pushed boolean, verdict text)
LANGUAGE plpgsql AS $$
DECLARE r record; one text; dist text; plan text; l text;
BEGIN
  FOR r IN SELECT c.* FROM sc_cases c
           JOIN pg_aggregate a ON a.aggfnoid = c.sig::regprocedure
           WHERE a.aggcombinefn <> 0 ORDER BY c.sig LOOP
    aggregate := r.sig; pushed := NULL;
    BEGIN
      EXECUTE format('SELECT %s(%s)::text FROM sc_rows', r.sig::regprocedure::regproc, r.args) INTO one;
      SET LOCAL citus.coordinator_aggregation_strategy = 'disabled';
      plan := '';
      FOR l IN EXECUTE format('EXPLAIN (VERBOSE) SELECT %s(%s) FROM sc_dist', r.sig::regprocedure::regproc, r.args) LOOP
        plan := plan || l || E'\n';
      END LOOP;
      pushed := plan LIKE '%worker_partial_agg%' AND plan LIKE '%coord_combine_agg%';
      EXECUTE format('SELECT %s(%s)::text FROM sc_dist', r.sig::regprocedure::regproc, r.args) INTO dist;
      verdict := CASE WHEN sc_close(one, dist) THEN 'same'
                      ELSE 'DIFFERS: ' || left(dist, 120) || ' vs ' || left(one, 120) END;
    EXCEPTION WHEN OTHERS THEN verdict := 'ERROR: ' || SQLERRM;
    END;
    RETURN NEXT;
  END LOOP;
END $$;
SQL
"${PSQL[@]}" -F ' | ' -c "SET search_path = citus_split, public; SELECT * FROM sc_citus()" > "$tmp"/out
cat "$tmp"/out
remote=$("${PSQL[@]}" -c "SELECT count(*) FROM pg_dist_placement p JOIN pg_dist_shard s USING (shardid) WHERE s.logicalrelid = 'citus_split.sc_dist'::regclass AND p.groupid <> 0")
"${PSQL[@]}" -c "SET client_min_messages = warning; DROP SCHEMA citus_split CASCADE" >/dev/null
echo "citus split: $remote of 8 shards of the sample table on worker nodes"
total=$(wc -l < "$tmp"/out)
good=$(grep -c ' | t | same$' "$tmp"/out || true)
echo "citus split: $good of $total aggregate signatures pushed down and equal"
[ "$good" -eq "$total" ] && [ "$remote" -eq 8 ]
