package dev.basalt.plugin;

import dev.basalt.wasm.NumType;
import dev.basalt.wasm.ValType;
import java.util.List;
import java.util.Objects;

/**
 * A host function a plug-in imports, by default from {@code extism:host/user}. Arguments and results are numbers
 * as raw bits in {@code long}s (i32 sign-extended, f32/f64 by their bits); Extism guests pass byte strings as
 * kernel pointers (i64), which {@link CurrentPlugin} reads and writes.
 *
 * {@snippet :
 * PluginFunction reverse = PluginFunction.of("reverse", List.of(NumType.I64), List.of(NumType.I64),
 *         (plugin, args) -> new long[] {
 *             plugin.writeString(new StringBuilder(plugin.readString(args[0])).reverse().toString())});
 * }
 */
public record PluginFunction(String namespace, String name, List<ValType> params, List<ValType> results,
        Implementation implementation) {
    /** Extism's namespace for functions the embedding application provides. */
    public static final String USER_NAMESPACE = "extism:host/user";

    /** The Java side of a host function. Throwing fails the plug-in call with the exception's message. */
    @FunctionalInterface
    public interface Implementation {
        long[] call(CurrentPlugin plugin, long[] args);
    }

    public PluginFunction {
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(name, "name");
        params = List.copyOf(params);
        results = List.copyOf(results);
        for (ValType t : params) {
            requireNumber(t);
        }
        for (ValType t : results) {
            requireNumber(t);
        }
        Objects.requireNonNull(implementation, "implementation");
    }

    /** A function in {@link #USER_NAMESPACE}. */
    public static PluginFunction of(String name, List<ValType> params, List<ValType> results, Implementation impl) {
        return new PluginFunction(USER_NAMESPACE, name, params, results, impl);
    }

    private static void requireNumber(ValType t) {
        if (!(t instanceof NumType n) || n == NumType.V128) {
            throw new IllegalArgumentException("plug-in host functions take and return numbers only, not " + t);
        }
    }
}
