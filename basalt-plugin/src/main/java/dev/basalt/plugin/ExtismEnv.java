package dev.basalt.plugin;

import dev.basalt.FuncType;
import dev.basalt.Linker;
import dev.basalt.RawValues;
import dev.basalt.Trap;
import dev.basalt.TrapKind;
import dev.basalt.Val;
import dev.basalt.wasm.NumType;
import dev.basalt.wasm.ValType;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The kernel functions of {@code extism:host/env} (Extism 1.x's interface between a PDK and its host), defined
 * on a linker whose store data is the plug-in's {@link PluginState}. Pointers are offsets into the kernel memory.
 * A misuse the guest can detect (a missing config key or variable) answers 0; one it cannot (a wild pointer, a
 * full variable store, a denied HTTP request) traps with a message, which fails the call.
 */
final class ExtismEnv {
    static final String MODULE = "extism:host/env";

    private static final List<ValType> NONE = List.of();
    private static final List<ValType> I64 = List.of(NumType.I64);
    private static final List<ValType> I64_I64 = List.of(NumType.I64, NumType.I64);
    private static final List<ValType> I32 = List.of(NumType.I32);

    private ExtismEnv() {
    }

    static void define(Linker<PluginState> linker, HttpBridge http) {
        // memory
        fn(linker, "alloc", I64, I64, (s, a) -> s.memory().alloc(a.i64(0)));
        proc(linker, "free", I64, (s, a) -> s.memory().free(a.i64(0)));
        fn(linker, "length", I64, I64, (s, a) -> s.memory().length(a.i64(0)));
        fn(linker, "length_unsafe", I64, I64, (s, a) -> s.memory().length(a.i64(0)));
        fn(linker, "load_u8", I64, I32, (s, a) -> s.memory().loadU8(a.i64(0)));
        fn(linker, "load_u64", I64, I64, (s, a) -> s.memory().loadU64(a.i64(0)));
        proc(linker, "store_u8", List.of(NumType.I64, NumType.I32), (s, a) -> s.memory().storeU8(a.i64(0), (byte) a.i32(1)));
        proc(linker, "store_u64", I64_I64, (s, a) -> s.memory().storeU64(a.i64(0), a.i64(1)));
        // input, output, error
        fn(linker, "input_length", NONE, I64, (s, a) -> s.inputLength());
        fn(linker, "input_offset", NONE, I64, (s, a) -> s.inputOffset());
        fn(linker, "input_load_u8", I64, I32, (s, a) -> s.memory().loadU8(inputAddress(s, a.i64(0), 1)));
        fn(linker, "input_load_u64", I64, I64, (s, a) -> s.memory().loadU64(inputAddress(s, a.i64(0), 8)));
        proc(linker, "output_set", I64_I64, (s, a) -> s.output(a.i64(0), a.i64(1)));
        proc(linker, "error_set", I64, (s, a) -> s.error(a.i64(0)));
        // configuration and variables
        fn(linker, "config_get", I64, I64, (s, a) -> {
            String value = s.config().get(string(s, a.i64(0)));
            return value == null ? 0 : s.memory().write(value.getBytes(StandardCharsets.UTF_8));
        });
        fn(linker, "var_get", I64, I64, (s, a) -> {
            byte[] value = s.var(string(s, a.i64(0)));
            return value == null ? 0 : s.memory().write(value);
        });
        proc(linker, "var_set", I64_I64, (s, a) -> s.var(string(s, a.i64(0)), a.i64(1) == 0 ? null : s.memory().read(a.i64(1))));
        // HTTP
        fn(linker, "http_request", I64_I64, I64, (s, a) -> http.request(s, s.memory().read(a.i64(0)),
                a.i64(1) == 0 ? new byte[0] : s.memory().read(a.i64(1))));
        fn(linker, "http_status_code", NONE, I32, (s, a) -> s.httpStatus());
        fn(linker, "http_headers", NONE, I64, (s, a) -> {
            byte[] json = s.httpHeadersJson();
            return json == null ? 0 : s.memory().write(json);
        });
        // logging
        fn(linker, "get_log_level", NONE, I32, (s, a) -> s.plugin().logLevel().code());
        for (LogLevel level : List.of(LogLevel.TRACE, LogLevel.DEBUG, LogLevel.INFO, LogLevel.WARN, LogLevel.ERROR)) {
            proc(linker, "log_" + level.name().toLowerCase(java.util.Locale.ROOT), I64, (s, a) -> {
                if (level.code() >= s.plugin().logLevel().code()) {
                    s.plugin().logSink().log(level, string(s, a.i64(0)));
                }
            });
        }
    }

    /** Defines a user host function; its {@link CurrentPlugin} wraps the calling plug-in's state. */
    static void define(Linker<PluginState> linker, PluginFunction f) {
        linker.defineHostFunction(f.namespace(), f.name(), FuncType.of(f.params(), f.results()), (caller, args) -> {
            long[] raw = new long[args.length];
            for (int i = 0; i < args.length; i++) {
                raw[i] = bits(args[i]);
            }
            long[] results;
            try {
                results = f.implementation().call(new CurrentPlugin(caller.data()), raw);
            } catch (Trap t) {
                throw t;
            } catch (RuntimeException e) {
                Trap trap = new Trap(TrapKind.HOST_ERROR, f.namespace() + "::" + f.name() + ": " + e.getMessage());
                trap.initCause(e);
                throw trap;
            }
            if (results == null ? !f.results().isEmpty() : results.length != f.results().size()) {
                throw new Trap(TrapKind.HOST_ERROR, f.namespace() + "::" + f.name() + " returned "
                        + (results == null ? "null" : results.length + " values") + ", its type has "
                        + f.results().size());
            }
            Val[] out = new Val[f.results().size()];
            for (int i = 0; i < out.length; i++) {
                out[i] = val((NumType) f.results().get(i), results[i]);
            }
            return out;
        });
    }

    private static long inputAddress(PluginState s, long offset, int size) {
        if (offset < 0 || offset > s.inputLength() - size) {
            throw new Trap(TrapKind.HOST_ERROR, "extism: input load of " + size + " bytes at " + offset
                    + " is outside the input (" + s.inputLength() + " bytes)");
        }
        return s.inputOffset() + offset;
    }

    private static String string(PluginState s, long pointer) {
        return new String(s.memory().read(pointer), StandardCharsets.UTF_8);
    }

    static long bits(Val v) {
        return switch (v) {
            case Val.I32 i -> i.value();
            case Val.I64 l -> l.value();
            case Val.F32 f -> f.bits();
            case Val.F64 d -> d.bits();
            default -> throw new IllegalStateException("not a number: " + v);
        };
    }

    static Val val(NumType type, long bits) {
        return switch (type) {
            case I32 -> Val.i32((int) bits);
            case I64 -> Val.i64(bits);
            case F32 -> new Val.F32((int) bits);
            case F64 -> new Val.F64(bits);
            default -> throw new IllegalArgumentException("not a scalar number type: " + type);
        };
    }

    @FunctionalInterface
    private interface Body {
        long apply(PluginState state, RawValues args);
    }

    @FunctionalInterface
    private interface VoidBody {
        void apply(PluginState state, RawValues args);
    }

    // The kernel functions are raw host functions: PDKs call load/store once per 8 bytes they move, so boxing
    // every argument and result would cost more than the work.
    private static void fn(Linker<PluginState> linker, String name, List<ValType> params, List<ValType> results,
            Body body) {
        boolean i32Result = results.get(0) == NumType.I32;
        linker.defineRawHostFunction(MODULE, name, FuncType.of(params, results), (caller, v) -> {
            long r = body.apply(caller.data(), v);
            if (i32Result) {
                v.setI32(0, (int) r);
            } else {
                v.setI64(0, r);
            }
        });
    }

    private static void proc(Linker<PluginState> linker, String name, List<ValType> params, VoidBody body) {
        linker.defineRawHostFunction(MODULE, name, FuncType.of(params, NONE), (caller, v) -> body.apply(caller.data(), v));
    }
}
