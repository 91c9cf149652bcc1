package dev.basalt.spin.sqlite;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.sqlite.SQLiteConnection;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteLimits;

/**
 * One SQLite database a guest runs statements on ({@code fermyon:spin/sqlite}'s {@code execute}). One JDBC
 * connection, its statements serialised; SQLite's file locking (with a busy timeout) orders writers of other
 * processes (e.g. the {@code sqlite3} shell or Spin itself on the same file).
 *
 * <p>The guest's SQL is untrusted: {@code ATTACH} is refused (the attached-database limit is 0, so a guest cannot
 * open other files of the host), extensions cannot be loaded, one statement may run at most
 * {@link Limits#maxSteps()} virtual-machine steps (so {@code WITH RECURSIVE} without end fails instead of hanging
 * the server) and return at most {@link Limits#maxResultBytes()} bytes of values.
 */
public final class SqliteDatabase implements AutoCloseable {
    private static final int BUSY_TIMEOUT_MS = 5_000;
    /** How many VM steps pass between two calls of the progress handler. */
    private static final int STEPS_PER_CHECK = 1_000;

    /**
     * Bounds on one statement.
     *
     * @param maxSteps virtual-machine steps of SQLite one statement may take (rounded to thousands)
     * @param maxResultBytes the total size of the values one statement returns (counting 8 bytes per value plus a
         *     blob's length and 3 bytes per character of a string); also the longest string or blob a statement
         *     may make
     */
    public record Limits(long maxSteps, long maxResultBytes) {
        public static final Limits DEFAULT = new Limits(2_000_000_000L, 64L << 20);

        public Limits {
            if (maxSteps < STEPS_PER_CHECK || maxResultBytes < 1) {
                throw new IllegalArgumentException("limits too small: " + maxSteps + " steps, " + maxResultBytes
                        + " bytes");
            }
        }
    }

    /** A column value: SQLite's storage classes. */
    public sealed interface Value {
        record Integer(long value) implements Value {
        }

        record Real(double value) implements Value {
        }

        record Text(String value) implements Value {
        }

        record Blob(byte[] value) implements Value {
        }

        record Null() implements Value {
        }

        Null NULL = new Null();
    }

    /**
     * What a statement returned: its column names and rows (none for statements that return no rows), and what it
     * did to the counters Spin's {@code changes} / {@code last-insert-rowid} report.
     */
    public record QueryResult(List<String> columns, List<List<Value>> rows, Effect effect) {
        public QueryResult {
            columns = List.copyOf(columns);
            rows = List.copyOf(rows);
            Objects.requireNonNull(effect, "effect");
        }

        public QueryResult(List<String> columns, List<List<Value>> rows) {
            this(columns, rows, Effect.NONE);
        }
    }

    /**
     * What one statement changed, measured around it while it held the connection (the connection is shared by
     * every guest of the database, so SQLite's own {@code changes()} and {@code last_insert_rowid()} may already
     * be another guest's by the time a guest asks: a guest's connection keeps its own copy from this).
     *
     * @param changes the rows the statement inserted, updated or deleted, if it was such a statement
     * @param lastInsertRowid the rowid of the last row it inserted, if it inserted any
     */
    public record Effect(java.util.OptionalLong changes, java.util.OptionalLong lastInsertRowid) {
        public static final Effect NONE = new Effect(java.util.OptionalLong.empty(), java.util.OptionalLong.empty());
    }

    private final Connection connection;
    private final String where;
    private final Limits limits;
    /** Progress-handler calls left for the running statement. */
    private long checksLeft;

    private SqliteDatabase(Connection connection, String where, Limits limits) {
        this.connection = connection;
        this.where = where;
        this.limits = limits;
    }

    /**
     * Opens (creating the file and its directory where missing) the database in {@code file}.
     *
     * @throws SqliteException if it cannot be opened
     */
    public static SqliteDatabase open(Path file, Limits limits) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
        } catch (IOException e) {
            throw new SqliteException("cannot create the directory of " + file + ": " + e.getMessage(), false, e);
        }
        return open("jdbc:sqlite:" + file.toAbsolutePath(), file.toString(), limits);
    }

    /** A private in-memory database (gone when closed). */
    public static SqliteDatabase inMemory(Limits limits) {
        return open("jdbc:sqlite::memory:", ":memory:", limits);
    }

    private static SqliteDatabase open(String url, String where, Limits limits) {
        Objects.requireNonNull(limits, "limits");
        try {
            java.util.Properties props = new java.util.Properties();
            props.setProperty("busy_timeout", Integer.toString(BUSY_TIMEOUT_MS));
            props.setProperty("enable_load_extension", "false");
            Connection c = DriverManager.getConnection(url, props);
            try {
                SQLiteConnection sc = c.unwrap(SQLiteConnection.class);
                // a guest must not reach other files of the host through ATTACH DATABASE '/etc/...'
                sc.setLimit(SQLiteLimits.SQLITE_LIMIT_ATTACHED, 0);
                // no single string or blob larger than a whole result may be made (e.g. zeroblob(1e9))
                sc.setLimit(SQLiteLimits.SQLITE_LIMIT_LENGTH, (int) Math.min(limits.maxResultBytes(), 1_000_000_000L));
                SqliteDatabase db = new SqliteDatabase(c, where, limits);
                org.sqlite.ProgressHandler.setHandler(c, STEPS_PER_CHECK, new org.sqlite.ProgressHandler() {
                    @Override
                    protected int progress() {
                        return --db.checksLeft < 0 ? 1 : 0; // non-zero interrupts the statement
                    }
                });
                return db;
            } catch (SQLException | RuntimeException e) {
                c.close();
                throw e;
            }
        } catch (SQLException e) {
            throw new SqliteException("cannot open the SQLite database " + where + ": " + e.getMessage(), false, e);
        }
    }

    /** Where the database is (a file, or {@code :memory:}). */
    public String where() {
        return where;
    }

    /**
     * Runs {@code sql} (one statement) with {@code parameters} bound to its placeholders in order.
     *
     * @throws SqliteException if the statement fails (the message is SQLite's), or a limit is exceeded
     */
    public synchronized QueryResult execute(String sql, List<Value> parameters) {
        return run(sql, parameters);
    }

    /**
     * Runs every statement of {@code script} in order, with no parameters and no results: the operator's own
     * migrations and seed data (Spin's {@code spin up --sqlite}), not a guest's statements. Stops at the first that
     * fails; the ones before it stay done.
     *
     * @throws SqliteException if a statement fails (the message is SQLite's), or a limit is exceeded
     */
    public synchronized void executeScript(String script) {
        checksLeft = limits.maxSteps() / STEPS_PER_CHECK;
        try (java.sql.Statement st = connection.createStatement()) {
            // sqlite-jdbc runs an unprepared update through sqlite3_exec, which takes several statements
            st.executeUpdate(script);
        } catch (SQLException e) {
            throw new SqliteException(e.getMessage(), false, e);
        }
    }

    /**
     * {@link #execute}, and also measures the statement's {@link Effect} (two queries of the connection's counters
     * around it), for interfaces that report {@code changes} / {@code last-insert-rowid}.
     *
     * @throws SqliteException if the statement fails (the message is SQLite's), or a limit is exceeded
     */
    public synchronized QueryResult executeCounted(String sql, List<Value> parameters) {
        try {
            long[] before = counters();
            QueryResult r = run(sql, parameters);
            long[] after = counters();
            // total_changes moves only when an INSERT, UPDATE or DELETE changed rows (one that changed none reports
            // 0; any other statement leaves the connection's counts as they were)
            String verb = verb(sql);
            boolean write = verb.equals("INSERT") || verb.equals("REPLACE") || verb.equals("UPDATE")
                    || verb.equals("DELETE");
            java.util.OptionalLong changes = after[0] != before[0] ? java.util.OptionalLong.of(after[1])
                    : write ? java.util.OptionalLong.of(0) : java.util.OptionalLong.empty();
            // last_insert_rowid is the shared connection's: it moved, or an INSERT that changed rows may have
            // inserted the same rowid another guest's statement did last
            boolean inserted = after[0] != before[0] && (verb.equals("INSERT") || verb.equals("REPLACE"));
            java.util.OptionalLong rowid = after[2] != before[2] || inserted ? java.util.OptionalLong.of(after[2])
                    : java.util.OptionalLong.empty();
            return new QueryResult(r.columns(), r.rows(), new Effect(changes, rowid));
        } catch (SQLException e) {
            throw failure(e);
        }
    }

    /** {@code total_changes()}, {@code changes()}, {@code last_insert_rowid()} of the connection now. */
    private long[] counters() throws SQLException {
        checksLeft = limits.maxSteps() / STEPS_PER_CHECK;
        try (java.sql.Statement s = connection.createStatement();
                ResultSet rs = s.executeQuery("SELECT total_changes(), changes(), last_insert_rowid()")) {
            rs.next();
            return new long[] {rs.getLong(1), rs.getLong(2), rs.getLong(3)};
        }
    }

    /** The first keyword of {@code sql} (after comments and blanks), upper-cased; "" if none. */
    private static String verb(String sql) {
        String s = sql.stripLeading();
        while (s.startsWith("--") || s.startsWith("/*")) {
            int end = s.startsWith("--") ? s.indexOf('\n') : s.indexOf("*/");
            if (end < 0) {
                return "";
            }
            s = s.substring(end + (s.startsWith("--") ? 1 : 2)).stripLeading();
        }
        return s.split("[^A-Za-z]", 2)[0].toUpperCase(java.util.Locale.ROOT);
    }

    private QueryResult run(String sql, List<Value> parameters) {
        checksLeft = limits.maxSteps() / STEPS_PER_CHECK;
        try (PreparedStatement p = connection.prepareStatement(sql)) {
            int declared = p.getParameterMetaData().getParameterCount();
            if (declared != parameters.size()) {
                throw new SqliteException("the statement has " + declared + " parameters but " + parameters.size()
                        + " were given");
            }
            for (int i = 0; i < parameters.size(); i++) {
                bind(p, i + 1, parameters.get(i));
            }
            if (!p.execute()) {
                return new QueryResult(List.of(), List.of());
            }
            try (ResultSet rs = p.getResultSet()) {
                ResultSetMetaData md = rs.getMetaData();
                int n = md.getColumnCount();
                List<String> columns = new ArrayList<>(n);
                for (int i = 1; i <= n; i++) {
                    columns.add(md.getColumnLabel(i));
                }
                List<List<Value>> rows = new ArrayList<>();
                long bytes = 0;
                while (rs.next()) {
                    List<Value> row = new ArrayList<>(n);
                    for (int i = 1; i <= n; i++) {
                        Value v = value(rs.getObject(i));
                        bytes += size(v);
                        row.add(v);
                    }
                    if (bytes > limits.maxResultBytes()) {
                        throw new SqliteException("the result is larger than " + limits.maxResultBytes() + " bytes");
                    }
                    rows.add(row);
                }
                return new QueryResult(columns, rows);
            }
        } catch (SQLException e) {
            throw failure(e);
        }
    }

    private SqliteException failure(SQLException e) {
        SQLiteErrorCode code = e instanceof org.sqlite.SQLiteException se ? se.getResultCode() : null;
        if (code == SQLiteErrorCode.SQLITE_INTERRUPT && checksLeft < 0) {
            return new SqliteException("the statement took more than " + limits.maxSteps() + " steps", false, e);
        }
        boolean full = code == SQLiteErrorCode.SQLITE_FULL;
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return new SqliteException(message, full, e);
    }

    private static void bind(PreparedStatement p, int index, Value v) throws SQLException {
        switch (v) {
            case Value.Integer i -> p.setLong(index, i.value());
            case Value.Real r -> p.setDouble(index, r.value());
            case Value.Text t -> p.setString(index, t.value());
            case Value.Blob b -> p.setBytes(index, b.value());
            case Value.Null n -> p.setNull(index, java.sql.Types.NULL);
        }
    }

    /** A JDBC value as SQLite's storage class (sqlite-jdbc reports each value's own storage class). */
    private static Value value(Object o) {
        return switch (o) {
            case null -> Value.NULL;
            case Integer i -> new Value.Integer(i);
            case Long l -> new Value.Integer(l);
            case Double d -> new Value.Real(d);
            case Float f -> new Value.Real(f);
            case String s -> new Value.Text(s);
            case byte[] b -> new Value.Blob(b);
            default -> new Value.Text(o.toString());
        };
    }

    private static long size(Value v) {
        return switch (v) {
            case Value.Text t -> 8 + (long) t.value().length() * 3;
            case Value.Blob b -> 8 + b.value().length;
            default -> 8;
        };
    }

    @Override
    public synchronized void close() {
        try {
            connection.close();
        } catch (SQLException e) {
            // closing a connection whose statements are all closed: nothing a caller could do about a failure
        }
    }
}
