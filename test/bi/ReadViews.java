// Read every pgpref table and view through pgJDBC, as Metabase, DBeaver and
// other JDBC tools do, and check (TAP lines, like test/bi/read_odbc.py):
//  - the relations listed from the catalog are those of the reference
//    (test/bi/reference.sql run by psql);
//  - every column's ResultSetMetaData.getColumnType() is a standard
//    java.sql.Types code (character, exact or approximate numeric, boolean,
//    date, timestamp), never OTHER, JAVA_OBJECT, DISTINCT or STRUCT; views
//    expose plain SQL types only; tables may keep jsonb parameters and pgpref
//    state types, which pgJDBC reports as OTHER and which must then arrive as
//    complete strings (getString);
//  - the rows round-trip: row count and digest of the canonical renderings
//    (test/bi/reference.sql) equal PostgreSQL's own.
// Usage: java -cp DIR:/usr/share/java/postgresql.jar ReadViews REFERENCE_FILE JDBC_URL USER
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.Statement;
import java.sql.Types;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

public class ReadViews {
	static int n = 0;
	static int failed = 0;

	static final Map<Integer, String> SQL_TYPES = new HashMap<>();
	static {
		SQL_TYPES.put(Types.CHAR, "CHAR");
		SQL_TYPES.put(Types.VARCHAR, "VARCHAR");
		SQL_TYPES.put(Types.LONGVARCHAR, "LONGVARCHAR");
		SQL_TYPES.put(Types.NCHAR, "NCHAR");
		SQL_TYPES.put(Types.NVARCHAR, "NVARCHAR");
		SQL_TYPES.put(Types.LONGNVARCHAR, "LONGNVARCHAR");
		SQL_TYPES.put(Types.SMALLINT, "SMALLINT");
		SQL_TYPES.put(Types.INTEGER, "INTEGER");
		SQL_TYPES.put(Types.BIGINT, "BIGINT");
		SQL_TYPES.put(Types.NUMERIC, "NUMERIC");
		SQL_TYPES.put(Types.DECIMAL, "DECIMAL");
		SQL_TYPES.put(Types.REAL, "REAL");
		SQL_TYPES.put(Types.FLOAT, "FLOAT");
		SQL_TYPES.put(Types.DOUBLE, "DOUBLE");
		SQL_TYPES.put(Types.BIT, "BIT");
		SQL_TYPES.put(Types.BOOLEAN, "BOOLEAN");
		SQL_TYPES.put(Types.DATE, "DATE");
		SQL_TYPES.put(Types.TIMESTAMP, "TIMESTAMP");
		SQL_TYPES.put(Types.TIMESTAMP_WITH_TIMEZONE, "TIMESTAMP_WITH_TIMEZONE");
	}
	// PostgreSQL types a dashboard view may expose (docs/conventions.md)
	static final Set<String> VIEW_PG_TYPES = new HashSet<>(Arrays.asList(
		"text", "varchar", "bpchar", "bool", "int2", "int4", "int8", "numeric",
		"float4", "float8", "date", "timestamptz", "uuid"));

	static void tap(boolean ok, String what, String why) {
		n++;
		if (!ok)
			failed++;
		System.out.println((ok ? "ok " : "not ok ") + n + " - jdbc: " + what);
		if (!ok && why != null && !why.isEmpty())
			for (String line : why.split("\n"))
				System.out.println("# " + line);
	}

	static String hex(byte[] b) {
		StringBuilder s = new StringBuilder();
		for (byte x : b)
			s.append(String.format("%02x", x));
		return s.toString();
	}

	static String sha256(String s) throws Exception {
		return hex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
	}

	// The canonical text of column i of the current row (test/bi/reference.sql)
	static String canonical(ResultSet rs, int i, int type, String typname) throws Exception {
		switch (type) {
			case Types.SMALLINT:
			case Types.INTEGER:
			case Types.BIGINT: {
				long v = rs.getLong(i);
				return rs.wasNull() ? null : Long.toString(v);
			}
			case Types.REAL:
			case Types.FLOAT:
			case Types.DOUBLE: {
				double v = rs.getDouble(i);
				return rs.wasNull() ? null : String.format("%016x", Double.doubleToLongBits(v));
			}
			case Types.NUMERIC:
			case Types.DECIMAL: {
				BigDecimal v = rs.getBigDecimal(i);
				return v == null ? null : v.stripTrailingZeros().toPlainString();
			}
			case Types.BIT:
			case Types.BOOLEAN: {
				boolean v = rs.getBoolean(i);
				return rs.wasNull() ? null : (v ? "t" : "f");
			}
			case Types.DATE: {
				LocalDate v = rs.getObject(i, LocalDate.class);
				return v == null ? null : v.toString();
			}
			case Types.TIMESTAMP:
			case Types.TIMESTAMP_WITH_TIMEZONE:
				if (typname.equals("timestamptz")) {
					OffsetDateTime v = rs.getObject(i, OffsetDateTime.class);
					return v == null ? null : Long.toString(v.toEpochSecond() * 1000000L + v.getNano() / 1000);
				}
				return rs.getString(i);
			default:
				return rs.getString(i);
		}
	}

	public static void main(String[] args) throws Exception {
		Map<String, String[]> ref = new HashMap<>();
		for (String line : Files.readAllLines(Paths.get(args[0]), StandardCharsets.UTF_8)) {
			String[] f = line.split("\t", -1);
			ref.put(f[0], f);
		}
		try (Connection conn = DriverManager.getConnection(args[1], args[2], "")) {
			Statement st = conn.createStatement();
			List<String[]> rels = new ArrayList<>();
			try (ResultSet rs = st.executeQuery(
				"SELECT c.relname::text, c.relkind::text FROM pg_depend d JOIN pg_class c ON c.oid = d.objid " +
				"WHERE d.classid = 'pg_class'::regclass AND d.refclassid = 'pg_extension'::regclass AND d.deptype = 'e' " +
				"AND d.refobjid = (SELECT oid FROM pg_extension WHERE extname = 'pgpref') AND c.relkind IN ('r', 'v') ORDER BY 1")) {
				while (rs.next())
					rels.add(new String[] {rs.getString(1), rs.getString(2)});
			}
			Set<String> listed = new TreeSet<>();
			for (String[] r : rels)
				listed.add(r[0]);
			tap(listed.equals(new TreeSet<>(ref.keySet())) && !rels.isEmpty(),
				"the " + rels.size() + " tables and views listed from the catalog are those of the reference",
				"jdbc: " + listed + "\nreference: " + new TreeSet<>(ref.keySet()));
			Set<String> pgprefTypes = new HashSet<>();
			try (ResultSet rs = st.executeQuery(
				"SELECT t.typname::text FROM pg_depend d JOIN pg_type t ON t.oid = d.objid " +
				"WHERE d.classid = 'pg_type'::regclass AND d.refclassid = 'pg_extension'::regclass AND d.deptype = 'e' " +
				"AND d.refobjid = (SELECT oid FROM pg_extension WHERE extname = 'pgpref')")) {
				while (rs.next())
					pgprefTypes.add(rs.getString(1));
			}

			for (String[] r : rels) {
				String rel = r[0];
				boolean view = r[1].equals("v");
				// unquoted column names: none needs quoting
				List<String> cols = new ArrayList<>();
				try (ResultSet rs = conn.getMetaData().getColumns(null, "pref", rel, null)) {
					while (rs.next())
						cols.add(rs.getString("COLUMN_NAME"));
				}
				List<String> problems = new ArrayList<>();
				Set<String> seen = new TreeSet<>();
				List<String> hashes = new ArrayList<>();
				try (ResultSet rs = st.executeQuery("SELECT " + String.join(", ", cols) + " FROM pref." + rel)) {
					ResultSetMetaData md = rs.getMetaData();
					int nc = md.getColumnCount();
					int[] types = new int[nc + 1];
					String[] names = new String[nc + 1];
					for (int i = 1; i <= nc; i++) {
						types[i] = md.getColumnType(i);
						names[i] = md.getColumnTypeName(i).replace("\"", "");
						if (names[i].startsWith("pref."))
							names[i] = names[i].substring(5);
						String col = md.getColumnLabel(i);
						boolean storage = !view && (names[i].equals("jsonb") || pgprefTypes.contains(names[i]));
						if (SQL_TYPES.containsKey(types[i])) {
							seen.add(SQL_TYPES.get(types[i]));
							if (view && !VIEW_PG_TYPES.contains(names[i]))
								problems.add(col + ": view type " + names[i] + " (" + SQL_TYPES.get(types[i]) + ") is not a plain SQL type");
							else if (!view && pgprefTypes.contains(names[i]))
								problems.add(col + ": pgpref type " + names[i] + " arrives as " + SQL_TYPES.get(types[i]));
						} else if (types[i] == Types.OTHER && storage) {
							seen.add("OTHER(" + names[i] + ") as string");
						} else {
							problems.add(col + ": " + names[i] + " arrives as java.sql.Types " + types[i] + " (" +
								md.getColumnClassName(i) + "), not a standard SQL type");
						}
					}
					while (rs.next()) {
						StringBuilder row = new StringBuilder();
						for (int i = 1; i <= nc; i++) {
							String s = canonical(rs, i, types[i], names[i]);
							if (s == null)
								row.append("\\N");
							else
								row.append(s.getBytes(StandardCharsets.UTF_8).length).append(':').append(s);
						}
						hashes.add(sha256(row.toString()));
					}
				}
				tap(problems.isEmpty() && !cols.isEmpty(),
					"pref." + rel + ": " + cols.size() + " columns, every one a standard SQL type (" + String.join(", ", seen) + ")",
					String.join("\n", problems));
				Collections.sort(hashes);
				String dig = hashes.isEmpty() ? "" : sha256(String.join("\n", hashes));
				String[] f = ref.getOrDefault(rel, new String[] {rel, "", "-1", ""});
				long count = Long.parseLong(f[2]);
				tap(hashes.size() == count && dig.equals(f[3]) && count > 0,
					"pref." + rel + ": " + hashes.size() + " rows round-trip (count and digest equal PostgreSQL's)",
					"rows " + hashes.size() + ", reference " + count + "; digest " + dig + ", reference " + f[3]);
			}
		}
		System.out.println("1.." + n);
		System.exit(failed > 0 ? 1 : 0);
	}
}
