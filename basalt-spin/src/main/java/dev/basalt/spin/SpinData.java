package dev.basalt.spin;

import dev.basalt.component.ComponentValue;
import dev.basalt.spin.SpinGuest.RedisConnection;
import dev.basalt.spin.SpinGuest.SqliteConnection;
import dev.basalt.spin.redis.RedisAddress;
import dev.basalt.spin.redis.RedisClient;
import dev.basalt.spin.redis.RedisClient.Reply;
import dev.basalt.spin.redis.RedisException;
import dev.basalt.spin.sqlite.SqliteDatabase;
import dev.basalt.spin.sqlite.SqliteDatabase.Value;
import dev.basalt.spin.sqlite.SqliteException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The data interfaces of {@link SpinHost}: {@code fermyon:spin/sqlite@2.0.0} over the application's
 * {@link dev.basalt.spin.sqlite.SqliteDatabases} and {@code fermyon:spin/redis@2.0.0} over {@link RedisClient}.
 * Every failure is the interface's error value, never a trap: {@code access-denied} / {@code no-such-database} /
 * {@code database-full} / {@code io(message)} for SQLite, {@code invalid-address} (malformed, or not admitted by
 * the component's outbound grants: a denied guest does not learn whether the server exists) /
 * {@code too-many-connections} / {@code type-error} / {@code other(message)} for Redis.
 */
final class SpinData {
    private SpinData() {
    }

    static void register(SpinHost host) {
        registerSqlite(host, "fermyon:spin/sqlite", host.sqliteType(), false);
        registerSqlite(host, "spin:sqlite/sqlite", host.sqlite3Type(), true);
        host.on("spin:sqlite/sqlite", "[method]connection.last-insert-rowid", (g, a) -> ComponentValue.s64(
                SpinGuest.get(SpinHost.rep(a, 0), SqliteConnection.class).lastInsertRowid));
        host.on("spin:sqlite/sqlite", "[method]connection.changes", (g, a) -> ComponentValue.u64(
                SpinGuest.get(SpinHost.rep(a, 0), SqliteConnection.class).changes));
        registerRedis(host, "fermyon:spin/redis", host.redisType());
        registerRedis(host, "spin:redis/redis", host.redis3Type());
    }

    // ---------------------------------------------------------------- sqlite

    /**
     * {@code connection.open} and {@code execute} of {@code iface} (Spin 2's {@code fermyon:spin/sqlite} or
     * Spin 3's {@code spin:sqlite/sqlite}: the same functions, each interface its own resource type). Only an
     * interface that reports them ({@code counted}) pays for measuring each statement's changes and rowid.
     */
    private static void registerSqlite(SpinHost host, String iface, dev.basalt.component.ResourceType type,
            boolean counted) {
        host.on(iface, "[static]connection.open", (g, a) -> {
            String name = SpinHost.str(a, 0);
            SpinConfig c = g.config();
            if (!c.allowedDatabases().contains(name)) {
                return sqliteError("access-denied", null);
            }
            if (g.count(SqliteConnection.class) >= c.limits().maxConnections()) {
                return sqliteError("io", "too many open connections (at most " + c.limits().maxConnections() + ")");
            }
            try {
                Optional<SqliteDatabase> db = c.databases().open(name);
                if (db.isEmpty()) {
                    return sqliteError("no-such-database", null);
                }
                return ComponentValue.ok(host.own(type, g, new SqliteConnection(name, db.get())));
            } catch (SqliteException e) {
                return sqliteError("io", e.getMessage());
            }
        });
        host.on(iface, "[method]connection.execute", (g, a) -> {
            SqliteConnection conn = SpinGuest.get(SpinHost.rep(a, 0), SqliteConnection.class);
            List<Value> params = new ArrayList<>();
            for (ComponentValue v : ((ComponentValue.ListValue) a.get(2)).elements()) {
                params.add(sqlValue((ComponentValue.VariantValue) v));
            }
            try {
                String sql = SpinHost.str(a, 1);
                SqliteDatabase.QueryResult r = counted ? conn.database.executeCounted(sql, params)
                        : conn.database.execute(sql, params);
                r.effect().changes().ifPresent(n -> conn.changes = n);
                r.effect().lastInsertRowid().ifPresent(id -> conn.lastInsertRowid = id);
                List<ComponentValue> rows = new ArrayList<>(r.rows().size());
                for (List<Value> row : r.rows()) {
                    rows.add(ComponentValue.record(ComponentValue.field("values",
                            ComponentValue.list(row.stream().map(SpinData::witValue).toList()))));
                }
                return ComponentValue.ok(ComponentValue.record(
                        ComponentValue.field("columns", ComponentValue.list(
                                r.columns().stream().map(ComponentValue::string).toList())),
                        ComponentValue.field("rows", ComponentValue.list(rows))));
            } catch (SqliteException e) {
                return e.full() ? sqliteError("database-full", null) : sqliteError("io", e.getMessage());
            }
        });
    }

    private static ComponentValue sqliteError(String kind, String message) {
        return ComponentValue.err(message == null ? ComponentValue.variant(kind)
                : ComponentValue.variant(kind, ComponentValue.string(message)));
    }

    private static Value sqlValue(ComponentValue.VariantValue v) {
        return switch (v.caseName()) {
            case "integer" -> new Value.Integer(((ComponentValue.S64) v.payload().orElseThrow()).value());
            case "real" -> new Value.Real(((ComponentValue.F64) v.payload().orElseThrow()).value());
            case "text" -> new Value.Text(((ComponentValue.Str) v.payload().orElseThrow()).value());
            case "blob" -> new Value.Blob(SpinHost.bytes(v.payload().orElseThrow()));
            default -> Value.NULL;
        };
    }

    private static ComponentValue witValue(Value v) {
        return switch (v) {
            case Value.Integer i -> ComponentValue.variant("integer", ComponentValue.s64(i.value()));
            case Value.Real r -> ComponentValue.variant("real", ComponentValue.f64(r.value()));
            case Value.Text t -> ComponentValue.variant("text", ComponentValue.string(t.value()));
            case Value.Blob b -> ComponentValue.variant("blob", ComponentValue.u8List(b.value()));
            case Value.Null n -> ComponentValue.variant("null");
        };
    }

    // ---------------------------------------------------------------- redis

    /** A Redis operation's body; its failures become the interface's error. */
    @FunctionalInterface
    private interface RedisBody {
        ComponentValue run(RedisClient client);
    }

    /**
     * The functions of {@code iface}: Spin 2's {@code fermyon:spin/redis} (plain functions) or Spin 3's
     * {@code spin:redis/redis} (the same functions, async: {@link SpinHost} runs them off the guest's turn).
     */
    private static void registerRedis(SpinHost host, String iface, dev.basalt.component.ResourceType type) {
        host.on(iface, "[static]connection.open", (g, a) -> {
            RedisAddress address;
            try {
                address = RedisAddress.parse(SpinHost.str(a, 0));
            } catch (IllegalArgumentException e) {
                return redisError("invalid-address", null);
            }
            SpinConfig c = g.config();
            if (!address.allowedBy(c.allowedOutboundHosts())) {
                return redisError("invalid-address", null);
            }
            if (g.count(RedisConnection.class) >= c.limits().maxConnections()) {
                return redisError("too-many-connections", null);
            }
            try {
                RedisClient client = RedisClient.connect(address, c.limits().maxRedisReplyBytes());
                // checked again with the add: async opens of one guest may have connected meanwhile
                int rep = g.addIfFewer(new RedisConnection(address, client), c.limits().maxConnections());
                if (rep < 0) {
                    client.close();
                    return redisError("too-many-connections", null);
                }
                return ComponentValue.ok(ComponentValue.own(dev.basalt.component.ResourceHandle.own(type, rep)));
            } catch (RedisException e) {
                return redisError("other", e.getMessage());
            }
        });
        on(host, iface, "publish", a -> client -> {
            client.command(utf8("PUBLISH"), utf8(SpinHost.str(a, 1)), SpinHost.bytes(a.get(2)));
            return ComponentValue.ok();
        });
        on(host, iface, "get", a -> client -> switch (client.command(utf8("GET"), utf8(SpinHost.str(a, 1)))) {
            case Reply.Bulk b -> ComponentValue.ok(ComponentValue.some(ComponentValue.u8List(b.value())));
            case Reply.Nil n -> ComponentValue.ok(ComponentValue.none());
            default -> redisError("type-error", null);
        });
        on(host, iface, "set", a -> client -> {
            client.command(utf8("SET"), utf8(SpinHost.str(a, 1)), SpinHost.bytes(a.get(2)));
            return ComponentValue.ok();
        });
        on(host, iface, "incr", a -> client -> client.command(utf8("INCR"), utf8(SpinHost.str(a, 1))) instanceof Reply.Int i
                ? ComponentValue.ok(ComponentValue.s64(i.value())) : redisError("type-error", null));
        on(host, iface, "del", a -> client -> count(client, "DEL", null, strings(a.get(1))));
        on(host, iface, "sadd", a -> client -> count(client, "SADD", SpinHost.str(a, 1), strings(a.get(2))));
        on(host, iface, "srem", a -> client -> count(client, "SREM", SpinHost.str(a, 1), strings(a.get(2))));
        on(host, iface, "smembers", a -> client -> {
            if (!(client.command(utf8("SMEMBERS"), utf8(SpinHost.str(a, 1))) instanceof Reply.Array arr)) {
                return redisError("type-error", null);
            }
            List<ComponentValue> members = new ArrayList<>(arr.elements().size());
            for (Reply r : arr.elements()) {
                Optional<String> s = r instanceof Reply.Bulk b ? strictUtf8(b.value()) : Optional.empty();
                if (s.isEmpty()) {
                    return redisError("type-error", null); // a member that is not text cannot be a WIT string
                }
                members.add(ComponentValue.string(s.get()));
            }
            return ComponentValue.ok(ComponentValue.list(members));
        });
        on(host, iface, "execute", a -> client -> {
            List<ComponentValue> args = ((ComponentValue.ListValue) a.get(2)).elements();
            byte[][] command = new byte[1 + args.size()][];
            command[0] = utf8(SpinHost.str(a, 1));
            for (int i = 0; i < args.size(); i++) {
                ComponentValue.VariantValue p = (ComponentValue.VariantValue) args.get(i);
                command[i + 1] = p.caseName().equals("int64")
                        ? utf8(Long.toString(((ComponentValue.S64) p.payload().orElseThrow()).value()))
                        : SpinHost.bytes(p.payload().orElseThrow());
            }
            List<ComponentValue> out = new ArrayList<>();
            flatten(client.command(command), out);
            return ComponentValue.ok(ComponentValue.list(out));
        });
    }

    private static void on(SpinHost host, String iface, String method,
            java.util.function.Function<List<ComponentValue>, RedisBody> body) {
        host.on(iface, "[method]connection." + method, (g, a) -> {
            RedisConnection conn = SpinGuest.get(SpinHost.rep(a, 0), RedisConnection.class);
            try {
                // one command at a time per connection: Spin 3's async calls of one guest may overlap
                synchronized (conn) {
                    return body.apply(a).run(conn.client);
                }
            } catch (RedisException.ErrorReply e) {
                return e.typeError() ? redisError("type-error", null) : redisError("other", e.getMessage());
            } catch (RedisException e) {
                return redisError("other", e.getMessage());
            }
        });
    }

    /** An integer-reply command over a key (or none) and a list of strings; an empty list changes nothing. */
    private static ComponentValue count(RedisClient client, String command, String key, List<String> items) {
        if (items.isEmpty()) {
            return ComponentValue.ok(ComponentValue.u32(0));
        }
        List<byte[]> args = new ArrayList<>();
        args.add(utf8(command));
        if (key != null) {
            args.add(utf8(key));
        }
        items.forEach(s -> args.add(utf8(s)));
        return client.command(args.toArray(byte[][]::new)) instanceof Reply.Int i && i.value() >= 0
                && i.value() <= 0xFFFF_FFFFL ? ComponentValue.ok(ComponentValue.u32(i.value()))
                : redisError("type-error", null);
    }

    private static void flatten(Reply r, List<ComponentValue> out) {
        switch (r) {
            case Reply.Nil n -> out.add(ComponentValue.variant("nil"));
            case Reply.Status s -> out.add(ComponentValue.variant("status", ComponentValue.string(s.value())));
            case Reply.Int i -> out.add(ComponentValue.variant("int64", ComponentValue.s64(i.value())));
            case Reply.Bulk b -> out.add(ComponentValue.variant("binary", ComponentValue.u8List(b.value())));
            case Reply.Array arr -> arr.elements().forEach(e -> flatten(e, out));
        }
    }

    private static ComponentValue redisError(String kind, String message) {
        return ComponentValue.err(message == null ? ComponentValue.variant(kind)
                : ComponentValue.variant(kind, ComponentValue.string(message)));
    }

    private static List<String> strings(ComponentValue list) {
        return ((ComponentValue.ListValue) list).elements().stream().map(v -> ((ComponentValue.Str) v).value())
                .toList();
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static Optional<String> strictUtf8(byte[] b) {
        try {
            return Optional.of(StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(b)).toString());
        } catch (CharacterCodingException e) {
            return Optional.empty();
        }
    }
}
