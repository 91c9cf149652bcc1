package dev.basalt;

import dev.basalt.internal.runtime.FunctionInstance;

/**
 * A function of some instance or a host function, callable from Java with {@link #call(Val...)}. For the fast
 * path without boxing use {@link #callRaw(long...)} with numbers encoded as the interpreter stores them.
 */
public final class Func implements Extern {
    final FunctionInstance fn;
    final Store<?> store;

    Func(FunctionInstance fn, Store<?> store) {
        this.fn = fn;
        this.store = store;
    }

    /**
     * A host function bound to {@code store}, usable as an import of modules instantiated in that store (define it
     * in a {@link Linker}) — for hosts that build functions per store, such as the component runtime's lowered
     * functions. Store-independent host functions are better defined with {@link Linker#defineHostFunction}.
     */
    public static <T> Func create(Store<T> store, FuncType type, String name, HostFunction<T> fn) {
        var engine = store.engine();
        FunctionInstance f = new FunctionInstance(engine.types().funcType(type.params(), type.results()),
                Calls.host(type, fn), name);
        return Values.func(f, store);
    }

    public FuncType type() {
        var f = fn.type.func();
        return new FuncType(f.params(), f.results());
    }

    /** Calls the function; traps surface as {@link Trap}, uncaught Wasm exceptions as {@link WasmException}. */
    public Val[] call(Val... args) {
        return Calls.call(store, fn, args);
    }

    /**
     * Calls a function whose parameters and results are all numbers, passing each as a long (i32 and f32 in the low
     * 32 bits, floats as raw bits). Returns the results the same way.
     */
    public long[] callRaw(long... args) {
        return Calls.callRaw(store, fn, args);
    }

    /** Convenience: calls a function returning one i32. */
    public int callI32(long... args) {
        return (int) callRaw(args)[0];
    }

    /** Convenience: calls a function returning one i64. */
    public long callI64(long... args) {
        return callRaw(args)[0];
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Func f && f.fn == fn;
    }

    @Override
    public int hashCode() {
        return System.identityHashCode(fn);
    }

    @Override
    public String toString() {
        return "Func[" + fn + "]";
    }
}
