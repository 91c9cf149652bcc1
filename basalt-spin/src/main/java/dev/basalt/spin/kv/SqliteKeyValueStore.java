package dev.basalt.spin.kv;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * A store in an SQLite database, in Spin's layout: table {@code spin_key_value(store, key, value)} with the store's
 * label in {@code store}, so one file holds several stores and a database Spin wrote can be served here (and back).
 * The default store of {@code basalt serve} is {@code .spin/sqlite_key_value.db} beside the manifest, as in Spin.
 * One connection per store object; its operations are serialised on it, and SQLite's file locking (with a busy
 * timeout) orders writers of other connections and processes.
 */
public final class SqliteKeyValueStore implements KeyValueStore {
    private static final int BUSY_TIMEOUT_MS = 5_000;

    private final Connection connection;
    private final String label;
    private final String where;

    private SqliteKeyValueStore(Connection connection, String label, String where) {
        this.connection = connection;
        this.label = label;
        this.where = where;
    }

    /**
     * Opens (creating the file, its directory and the table where missing) the store {@code label} in the database
     * {@code file}.
     *
     * @throws KeyValueException if the database cannot be opened
     */
    public static SqliteKeyValueStore open(Path file, String label) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
        } catch (IOException e) {
            throw new KeyValueException("cannot create the directory of " + file + ": " + e.getMessage(), e);
        }
        return open("jdbc:sqlite:" + file.toAbsolutePath(), label, file.toString());
    }

    /** A store {@code label} in a private in-memory database (gone when closed). */
    public static SqliteKeyValueStore inMemory(String label) {
        return open("jdbc:sqlite::memory:", label, ":memory:");
    }

    private static SqliteKeyValueStore open(String url, String label, String where) {
        try {
            java.util.Properties props = new java.util.Properties();
            props.setProperty("transaction_mode", "IMMEDIATE");
            props.setProperty("busy_timeout", Integer.toString(BUSY_TIMEOUT_MS));
            Connection c = DriverManager.getConnection(url, props);
            try (Statement s = c.createStatement()) {
                s.execute("CREATE TABLE IF NOT EXISTS spin_key_value (store TEXT NOT NULL, key TEXT NOT NULL, "
                        + "value BLOB NOT NULL, PRIMARY KEY (store, key))");
            } catch (SQLException e) {
                c.close();
                throw e;
            }
            return new SqliteKeyValueStore(c, label, where);
        } catch (SQLException e) {
            throw new KeyValueException("cannot open the SQLite key-value database " + where + ": " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized Optional<byte[]> get(String key) {
        try {
            return read(key);
        } catch (SQLException e) {
            throw failed("get", e);
        }
    }

    private Optional<byte[]> read(String key) throws SQLException {
        try (PreparedStatement p = connection.prepareStatement(
                "SELECT value FROM spin_key_value WHERE store = ? AND key = ?")) {
            p.setString(1, label);
            p.setString(2, key);
            try (ResultSet r = p.executeQuery()) {
                return r.next() ? Optional.of(r.getBytes(1)) : Optional.empty();
            }
        }
    }

    private void write(String key, byte[] value) throws SQLException {
        try (PreparedStatement p = connection.prepareStatement("INSERT INTO spin_key_value (store, key, value) "
                + "VALUES (?, ?, ?) ON CONFLICT (store, key) DO UPDATE SET value = excluded.value")) {
            p.setString(1, label);
            p.setString(2, key);
            p.setBytes(3, value);
            p.executeUpdate();
        }
    }

    @Override
    public synchronized void set(String key, byte[] value) {
        try {
            write(key, value);
        } catch (SQLException e) {
            throw failed("set", e);
        }
    }

    @Override
    public synchronized void delete(String key) {
        try (PreparedStatement p = connection.prepareStatement(
                "DELETE FROM spin_key_value WHERE store = ? AND key = ?")) {
            p.setString(1, label);
            p.setString(2, key);
            p.executeUpdate();
        } catch (SQLException e) {
            throw failed("delete", e);
        }
    }

    @Override
    public synchronized boolean exists(String key) {
        try (PreparedStatement p = connection.prepareStatement(
                "SELECT 1 FROM spin_key_value WHERE store = ? AND key = ?")) {
            p.setString(1, label);
            p.setString(2, key);
            try (ResultSet r = p.executeQuery()) {
                return r.next();
            }
        } catch (SQLException e) {
            throw failed("exists", e);
        }
    }

    @Override
    public synchronized List<String> keys() {
        try (PreparedStatement p = connection.prepareStatement("SELECT key FROM spin_key_value WHERE store = ?")) {
            p.setString(1, label);
            List<String> keys = new ArrayList<>();
            try (ResultSet r = p.executeQuery()) {
                while (r.next()) {
                    keys.add(r.getString(1));
                }
            }
            // SQLite's own order is by bytes of UTF-8; the interface promises String order
            keys.sort(null);
            return keys;
        } catch (SQLException e) {
            throw failed("get-keys", e);
        }
    }

    /** Runs {@code body} in an immediate (write-locking) transaction, so a read and the write after it are atomic. */
    private <R> R transaction(String what, SqlBody<R> body) {
        try {
            // the connection's transactions are BEGIN IMMEDIATE: the write lock is taken before the read
            connection.setAutoCommit(false);
            R result = body.run();
            connection.commit();
            return result;
        } catch (SQLException | RuntimeException e) {
            try {
                connection.rollback();
            } catch (SQLException ignored) {
                // the original failure is the one to report
            }
            throw e instanceof KeyValueException k ? k : failed(what, e);
        } finally {
            try {
                connection.setAutoCommit(true);
            } catch (SQLException ignored) {
                // the connection is broken; the next operation reports it
            }
        }
    }

    private interface SqlBody<R> {
        R run() throws SQLException;
    }

    @Override
    public synchronized long increment(String key, long delta) {
        return transaction("increment", () -> {
            long next = KeyValueStore.addToCounter(key, read(key), delta);
            write(key, KeyValueStore.counterBytes(next));
            return next;
        });
    }

    @Override
    public synchronized boolean compareAndSwap(String key, Optional<byte[]> expected, byte[] value) {
        return transaction("swap", () -> {
            Optional<byte[]> current = read(key);
            boolean matches = expected.isEmpty() ? current.isEmpty()
                    : current.isPresent() && Arrays.equals(current.get(), expected.get());
            if (matches) {
                write(key, value);
            }
            return matches;
        });
    }

    private KeyValueException failed(String op, Exception e) {
        return new KeyValueException("SQLite " + op + " in " + where + " failed: " + e.getMessage(), e);
    }

    @Override
    public synchronized void close() {
        try {
            connection.close();
        } catch (SQLException ignored) {
            // closing is best effort: the file stays consistent (every write committed)
        }
    }
}
