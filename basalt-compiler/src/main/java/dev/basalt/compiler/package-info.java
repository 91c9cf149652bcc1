/**
 * The compiler engine ({@code Config.Strategy.COMPILER}, and the background tier of {@code AUTO}): WebAssembly
 * functions translated to static methods of generated JVM classes with ASM.
 *
 * <p>{@link dev.basalt.compiler.JvmCompiler} is the engine (found by the runtime through {@code ServiceLoader});
 * {@code ModuleCompiler} generates one class (its functions and the {@link dev.basalt.compiler.Invoker} bridge from
 * the runtime's calling convention), {@code FunctionCompiler} one function, with the instruction families in classes
 * of their own: {@code CallCodegen} (calls, several results, tail calls), {@code IndirectCalls}
 * ({@code call_indirect}/{@code call_ref} through per-type dispatchers; one dispatch class for a module spread over
 * several classes), {@code RefCodegen}, {@code TableCodegen},
 * {@code ExceptionCodegen}, {@code GcCodegen}, {@code AtomicCodegen}, {@code SimdCodegen} (SIMD; most of it on v128
 * values held as two longs by {@code SimdPairs}, with lane bounds from {@code SimdBounds}), {@code MemoryCodegen} (inline loads and
 * stores; in large functions a compact form, one checking helper call each). {@code MethodSplitter} cuts functions too large for one method; {@code LoopOutliner} (with
 * {@code LocalLiveness}) moves inner loops (and large top-level loops of entry functions, run in chunks) into methods
 * of their own, so HotSpot compiles them by invocation count; {@code CountedLoops} picks exact counting-loop exits
 * compiled as {@code <}/{@code >} so that C2 sees counted loops. {@link dev.basalt.compiler.Support},
 * {@link dev.basalt.compiler.MemorySupport} and {@link dev.basalt.compiler.DispatchSupport} hold the run-time helpers
 * generated code calls; {@code HelperCopies} gives each module its own copies of them (and of the runtime's
 * {@code NumericOps}/{@code SimdOps}) so HotSpot profiles them per module. See the module's README for the code
 * shape and the supported subset.
 */
package dev.basalt.compiler;
