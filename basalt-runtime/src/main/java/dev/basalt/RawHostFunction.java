package dev.basalt;

/**
 * A host function on numbers without boxing: it reads its parameters from {@link RawValues} and writes its results
 * there, in place, as wasmtime's unchecked host functions do with {@code ValRaw}. For functions called very often
 * (WASI, plug-in kernels) where {@link HostFunction}'s {@code Val[]} in and out cost more than the work.
 *
 * <p>Only for types made of {@code i32}, {@code i64}, {@code f32} and {@code f64}
 * ({@link Linker#defineRawHostFunction} checks). Results share their slots with the parameters: read every
 * parameter before writing the first result.
 */
@FunctionalInterface
public interface RawHostFunction<T> {
    void call(Caller<T> caller, RawValues values);
}
