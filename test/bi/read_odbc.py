#!/usr/bin/python3
"""Read every pgpref table and view through psqlODBC (pyodbc, driver
"PostgreSQL Unicode"), as Tableau, Power BI and Excel do, and check:

  - the relations listed from the catalog through ODBC are those of the
    reference (test/bi/reference.sql run by psql);
  - every column arrives as a standard SQL type: the SQL data type psqlODBC
    reports (SQLColumns) is a character, exact or approximate numeric,
    boolean, date, timestamp or GUID type, never SQL_UNKNOWN_TYPE or binary,
    and the Python type of the fetched values (SQLDescribeCol) is not bytes;
    in views the PostgreSQL type psqlODBC names is a plain SQL type (no
    pgpref type, no jsonb, no name); tables may keep jsonb parameters and
    pgpref state types, which must arrive as complete strings;
  - the rows round-trip: row count and digest of the canonical renderings
    (see test/bi/reference.sql) equal PostgreSQL's own.

Booleans arrive as SQL_BIT only with BoolsAsChar=0 (psqlODBC's default sends
them as the strings "1" and "0"); the test connects with it, as docs/curation.md
advises BI users.

Usage: read_odbc.py REFERENCE_FILE   (connects with PGHOST, PGPORT, PGUSER,
PGDATABASE; PGHOST is the socket directory or a host name).  Prints TAP lines.
"""
import calendar
import datetime
import decimal
import hashlib
import os
import struct
import sys
import uuid

import pyodbc

# ODBC SQL data types a BI tool maps to its own column types
SQL_TYPES = {
    1: "SQL_CHAR", 12: "SQL_VARCHAR", -1: "SQL_LONGVARCHAR",
    -8: "SQL_WCHAR", -9: "SQL_WVARCHAR", -10: "SQL_WLONGVARCHAR",
    5: "SQL_SMALLINT", 4: "SQL_INTEGER", -5: "SQL_BIGINT",
    2: "SQL_NUMERIC", 3: "SQL_DECIMAL", 7: "SQL_REAL", 6: "SQL_FLOAT", 8: "SQL_DOUBLE",
    -7: "SQL_BIT", 91: "SQL_TYPE_DATE", 93: "SQL_TYPE_TIMESTAMP", -11: "SQL_GUID",
}
CHAR_TYPES = {1, 12, -1, -8, -9, -10}
# PostgreSQL types a dashboard view may expose (docs/conventions.md)
VIEW_PG_TYPES = {"text", "varchar", "bpchar", "bool", "int2", "int4", "int8", "numeric",
                 "float4", "float8", "date", "timestamptz", "uuid"}
# tables may also hold identifiers and job parameters (delivered as strings)
TABLE_PG_TYPES = VIEW_PG_TYPES | {"name", "jsonb"}
PY_TYPES = (str, int, float, bool, decimal.Decimal, datetime.date, datetime.datetime, uuid.UUID)

n = 0
failed = 0


def tap(ok, what, why=""):
    global n, failed
    n += 1
    if not ok:
        failed += 1
    print(("ok" if ok else "not ok"), n, "- odbc:", what)
    if not ok and why:
        for line in str(why).splitlines():
            print("#", line)


def canonical(v):
    """The canonical text of a fetched value (test/bi/reference.sql)"""
    if v is None:
        return None
    if isinstance(v, bool):
        return "t" if v else "f"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        return struct.pack(">d", v).hex()
    if isinstance(v, decimal.Decimal):
        return format(v.normalize(), "f") if v.is_finite() else str(v)
    if isinstance(v, datetime.datetime):
        # the session runs in UTC (ConnSettings), psqlODBC drops the offset
        return str(calendar.timegm(v.timetuple()) * 1000000 + v.microsecond)
    if isinstance(v, datetime.date):
        return v.isoformat()
    if isinstance(v, uuid.UUID):
        return str(v)
    return str(v)


def digest(rows):
    hashes = []
    for row in rows:
        parts = []
        for v in row:
            s = canonical(v)
            parts.append("\\N" if s is None else "%d:%s" % (len(s.encode()), s))
        hashes.append(hashlib.sha256("".join(parts).encode()).hexdigest())
    if not hashes:
        return ""
    return hashlib.sha256("\n".join(sorted(hashes)).encode()).hexdigest()


def main():
    ref = {}
    with open(sys.argv[1], encoding="utf-8") as f:
        for line in f:
            rel, kind, count, dig = line.rstrip("\n").split("\t")
            ref[rel] = (kind, int(count), dig)

    host = os.environ.get("PGHOST", "localhost")
    conn = pyodbc.connect(
        "Driver={PostgreSQL Unicode};Servername=%s;Port=%s;Database=%s;Username=%s;"
        "BoolsAsChar=0;ConnSettings=SET TimeZone='UTC'" % (host, os.environ.get("PGPORT", "5432"),
                                              os.environ.get("PGDATABASE", "postgres"),
                                              os.environ.get("PGUSER", "postgres")))
    conn.setdecoding(pyodbc.SQL_WCHAR, encoding="utf-8")
    cur = conn.cursor()

    # the extension's tables and views and its own types, from the catalog
    cur.execute("""
        SELECT c.relname::text, c.relkind::text FROM pg_depend d JOIN pg_class c ON c.oid = d.objid
        WHERE d.classid = 'pg_class'::regclass AND d.refclassid = 'pg_extension'::regclass AND d.deptype = 'e'
          AND d.refobjid = (SELECT oid FROM pg_extension WHERE extname = 'pgpref') AND c.relkind IN ('r', 'v')
        ORDER BY 1""")
    rels = [(r[0], r[1]) for r in cur.fetchall()]
    tap(sorted(r for r, _ in rels) == sorted(ref) and len(rels) > 0,
        "the %d tables and views listed from the catalog are those of the reference" % len(rels),
        "odbc: %s\nreference: %s" % ([r for r, _ in rels], sorted(ref)))
    cur.execute("""
        SELECT t.typname::text FROM pg_depend d JOIN pg_type t ON t.oid = d.objid
        WHERE d.classid = 'pg_type'::regclass AND d.refclassid = 'pg_extension'::regclass AND d.deptype = 'e'
          AND d.refobjid = (SELECT oid FROM pg_extension WHERE extname = 'pgpref')""")
    pgpref_types = {r[0] for r in cur.fetchall()}

    for rel, kind in rels:
        what = "view" if kind == "v" else "table"
        cols = [(c.column_name, c.data_type, c.type_name) for c in cur.columns(table=rel, schema="pref")]
        problems = []
        for name, sqltype, typname in cols:
            allowed = VIEW_PG_TYPES if kind == "v" else TABLE_PG_TYPES | pgpref_types
            if sqltype not in SQL_TYPES:
                problems.append("%s: SQL data type %s is not a standard SQL type" % (name, sqltype))
            elif typname not in allowed:
                problems.append("%s: %s type %s (%s) is not a plain SQL type" % (name, what, typname, SQL_TYPES[sqltype]))
            elif typname == "bool" and sqltype != -7:
                problems.append("%s: bool arrives as %s, not SQL_BIT" % (name, SQL_TYPES[sqltype]))
            elif (typname in pgpref_types or typname in ("jsonb", "name")) and sqltype not in CHAR_TYPES:
                problems.append("%s: %s arrives as %s, not as a string" % (name, typname, SQL_TYPES[sqltype]))
        # unquoted column names: none needs quoting
        cur.execute("SELECT %s FROM pref.%s" % (", ".join(c[0] for c in cols), rel))
        for d in cur.description:
            if not issubclass(d[1], PY_TYPES) or issubclass(d[1], (bytes, bytearray)):
                problems.append("%s: fetched as %s" % (d[0], d[1].__name__))
        rows = cur.fetchall()
        for row in rows:
            for d, v in zip(cur.description, row):
                if isinstance(v, (bytes, bytearray)):
                    problems.append("%s: value fetched as bytes" % d[0])
        tap(not problems and len(cols) > 0,
            "pref.%s: %d columns, every one a standard SQL type (%s)" % (
                rel, len(cols), ", ".join(sorted({SQL_TYPES.get(c[1], str(c[1])) for c in cols}))),
            "\n".join(sorted(set(problems))))
        kind_ref, count_ref, dig_ref = ref.get(rel, (None, -1, None))
        dig = digest(rows)
        tap(len(rows) == count_ref and dig == dig_ref and count_ref > 0,
            "pref.%s: %d rows round-trip (count and digest equal PostgreSQL's)" % (rel, len(rows)),
            "rows %d, reference %d; digest %s, reference %s" % (len(rows), count_ref, dig, dig_ref))
    conn.close()
    print("1..%d" % n)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
