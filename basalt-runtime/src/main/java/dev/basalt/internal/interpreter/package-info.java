/**
 * The interpreter: {@link dev.basalt.internal.interpreter.Translator} turns each validated function body once into
 * a compact {@code int[]} ({@link dev.basalt.internal.interpreter.CompiledCode}: internal opcodes from
 * {@link dev.basalt.internal.interpreter.Op}, immediates inline, branch targets and stack heights resolved,
 * unreachable code dropped), and {@link dev.basalt.internal.interpreter.Interpreter} runs it over the store's
 * primitive value stack. Scalar and control instructions are dispatched inline; rare ones (GC, tables, bulk memory,
 * SIMD, atomics) go to out-of-line helpers so the hot method stays small enough for the JIT. Opcode semantics
 * shared with the compiler live in {@code dev.basalt.internal.ops} and {@code dev.basalt.internal.memory}.
 */
package dev.basalt.internal.interpreter;
