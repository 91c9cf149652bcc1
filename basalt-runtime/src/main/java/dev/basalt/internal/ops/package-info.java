/**
 * Opcode semantics shared by Basalt's engines: static, allocation-free methods that the interpreter calls and the
 * bytecode compiler emits as {@code invokestatic}, so that every engine computes exactly the same results.
 *
 * <ul>
 *   <li>{@link dev.basalt.internal.ops.NumericOps}: scalar integer and float instructions that are not a single
 *       Java operator (trapping division, truncations, unsigned conversions, min/max/nearest, wide arithmetic).</li>
 *   <li>{@link dev.basalt.internal.ops.SimdOps}: every SIMD and relaxed-SIMD instruction on
 *       {@link dev.basalt.wasm.V128} values, with the fixed relaxed choices documented there.</li>
 * </ul>
 *
 * {@snippet :
 * int q = NumericOps.i32DivS(a, b);             // traps with "integer divide by zero" / "integer overflow"
 * V128 s = SimdOps.i8x16AddSatU(x, y);
 * long lo = NumericOps.i64MulWideULo(a, b);     // wide results: one method per half
 * long hi = NumericOps.i64MulWideUHi(a, b);
 * }
 */
package dev.basalt.internal.ops;
