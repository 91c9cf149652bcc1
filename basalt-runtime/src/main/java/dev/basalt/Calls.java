package dev.basalt;

import dev.basalt.internal.interpreter.Interpreter;
import dev.basalt.internal.runtime.DefinedType;
import dev.basalt.internal.runtime.ExnObject;
import dev.basalt.internal.runtime.FunctionInstance;
import dev.basalt.internal.runtime.HostCode;
import dev.basalt.internal.runtime.StoreState;
import dev.basalt.internal.runtime.WasmThrow;
import dev.basalt.wasm.BasaltException;
import dev.basalt.wasm.NumType;
import dev.basalt.wasm.ValType;
import java.util.ArrayList;
import java.util.List;

/**
 * The boundary between embedder and engine: argument and result marshalling, and turning everything that can
 * escape the interpreter into Basalt exceptions (traps with backtraces, uncaught Wasm exceptions; a Java stack
 * overflow becomes "call stack exhausted", an out-of-memory condition "allocation too large").
 */
final class Calls {
    private Calls() {
    }

    static Val[] call(Store<?> store, FunctionInstance fn, Val[] args) {
        List<ValType> params = fn.type.func().params();
        if (args.length != params.size()) {
            throw new IllegalArgumentException("expected " + params.size() + " arguments, got " + args.length);
        }
        StoreState m = store.state;
        int base = m.top;
        m.ensureStack(base + Math.max(params.size(), fn.type.resultCount) + 1);
        for (int i = 0; i < args.length; i++) {
            m.stack[base + i] = Values.num(args[i]);
            m.his[base + i] = Values.hi(args[i]);
            m.refs[base + i] = Values.toRef(args[i]);
        }
        run(store, fn, base);
        List<ValType> results = fn.type.func().results();
        DefinedType[] types = fn.instance == null ? null : fn.instance.types;
        Val[] out = new Val[results.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = Values.fromSlot(results.get(i), m.stack[base + i], m.his[base + i], m.refs[base + i], store, types);
            m.refs[base + i] = null;
        }
        return out;
    }

    static long[] callRaw(Store<?> store, FunctionInstance fn, long[] args) {
        if (args.length != fn.type.paramCount) {
            throw new IllegalArgumentException("expected " + fn.type.paramCount + " arguments, got " + args.length);
        }
        StoreState m = store.state;
        int base = m.top;
        m.ensureStack(base + Math.max(args.length, fn.type.resultCount) + 1);
        System.arraycopy(args, 0, m.stack, base, args.length);
        run(store, fn, base);
        long[] out = new long[fn.type.resultCount];
        System.arraycopy(m.stack, base, out, 0, out.length);
        return out;
    }

    /** Runs {@code fn} with its arguments at {@code base}, translating failures. */
    static void run(Store<?> store, FunctionInstance fn, int base) {
        StoreState m = store.state;
        int depth0 = m.depth;
        int top0 = m.top;
        try {
            m.top = base + Math.max(fn.type == null ? 0 : fn.type.paramCount, 1);
            Interpreter.invoke(m, fn, base);
        } catch (WasmThrow t) {
            throw wasmException(t.exn, store);
        } catch (Trap t) {
            if (t.backtrace().isEmpty()) {
                t.withBacktrace(m.backtrace(t, depth0));
            }
            throw t;
        } catch (StackOverflowError e) {
            throw new Trap(TrapKind.CALL_STACK_EXHAUSTED, null, m.backtrace(e, depth0));
        } catch (OutOfMemoryError e) {
            throw new Trap(TrapKind.ALLOCATION_TOO_LARGE, null, m.backtrace(e, depth0));
        } finally {
            m.depth = depth0;
            m.top = top0;
        }
    }

    static WasmException wasmException(ExnObject exn, Store<?> store) {
        List<Val> payload = new ArrayList<>();
        List<ValType> types = exn.tag.type.func().params();
        for (int i = 0; i < types.size(); i++) {
            payload.add(Values.fromSlot(types.get(i), exn.values[i], exn.his[i], exn.refs[i], store, null));
        }
        return new WasmException(new Tag(exn.tag), payload, exn);
    }

    /**
     * The engine-side form of a raw host function: parameters and results stay in the store's value stack. Only
     * numeric slots, so the ref and high-half arrays are cleared for the results.
     */
    static <T> HostCode rawHost(FuncType type, RawHostFunction<T> fn) {
        for (List<ValType> list : List.of(type.params(), type.results())) {
            for (ValType t : list) {
                if (!(t instanceof NumType n) || n == NumType.V128) {
                    throw new IllegalArgumentException("raw host functions take and return i32, i64, f32 and f64 "
                            + "only, not " + t + " (" + type + ")");
                }
            }
        }
        int slots = Math.max(type.params().size(), type.results().size());
        int results = type.results().size();
        return (m, caller, base) -> {
            @SuppressWarnings("unchecked")
            Store<T> store = (Store<T>) m.owner;
            m.ensureStack(base + slots + 1);
            int depth = m.depth;
            try {
                fn.call(new Caller<>(store, caller), new RawValues(m, base));
            } catch (RuntimeException | StackOverflowError e) {
                throw hostFailure(m, depth, e);
            }
            m.depth = depth;
            for (int i = 0; i < results; i++) {
                m.his[base + i] = 0;
                m.refs[base + i] = null;
            }
        };
    }

    /**
     * What leaves the guest when a host function throws: a Wasm exception the host raised continues as a throw
     * (at the call depth of the host call), Basalt's own exceptions and stack exhaustion pass through, anything
     * else is a {@link TrapKind#HOST_ERROR} trap.
     */
    private static RuntimeException hostFailure(StoreState m, int depth, Throwable e) {
        if (e instanceof WasmException w) {
            m.depth = depth;
            return new WasmThrow((ExnObject) w.exn);
        }
        if (e instanceof StackOverflowError so) {
            throw so;
        }
        if (e instanceof BasaltException b) {
            return b;
        }
        return new Trap(TrapKind.HOST_ERROR, e);
    }

    /** The engine-side form of a host function of type {@code type}. */
    static <T> HostCode host(FuncType type, HostFunction<T> fn) {
        List<ValType> params = type.params();
        List<ValType> results = type.results();
        return (m, caller, base) -> {
            @SuppressWarnings("unchecked")
            Store<T> store = (Store<T>) m.owner;
            Val[] args = new Val[params.size()];
            for (int i = 0; i < args.length; i++) {
                args[i] = Values.fromSlot(params.get(i), m.stack[base + i], m.his[base + i], m.refs[base + i], store, null);
            }
            Val[] out;
            int depth = m.depth;
            try {
                out = fn.call(new Caller<>(store, caller), args);
            } catch (RuntimeException | StackOverflowError e) {
                throw hostFailure(m, depth, e);
            }
            m.depth = depth;
            if (out == null ? !results.isEmpty() : out.length != results.size()) {
                throw new Trap(TrapKind.HOST_ERROR, "host function returned " + (out == null ? 0 : out.length)
                        + " values, expected " + results.size());
            }
            m.ensureStack(base + results.size() + 1);
            for (int i = 0; i < results.size(); i++) {
                m.stack[base + i] = Values.num(out[i]);
                m.his[base + i] = Values.hi(out[i]);
                m.refs[base + i] = Values.toRef(out[i]);
            }
        };
    }
}
