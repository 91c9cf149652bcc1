/**
 * SQLite databases for Spin's {@code fermyon:spin/sqlite} interface: {@link dev.basalt.spin.sqlite.SqliteDatabases}
 * (an application's databases by name, from Spin's runtime config {@code [sqlite_database.NAME]}, opened on first
 * use) and {@link dev.basalt.spin.sqlite.SqliteDatabase} (one database: runs a guest's statement with its
 * parameters, sandboxed: no ATTACH, no extensions, a step budget per statement and a cap on the result's size).
 */
package dev.basalt.spin.sqlite;
