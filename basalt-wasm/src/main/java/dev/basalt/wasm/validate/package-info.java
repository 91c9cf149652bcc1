/**
 * Module validation for WebAssembly 3.0 and the proposals Basalt supports.
 *
 * <p>The entry point is {@link dev.basalt.wasm.validate.Validator}; it throws
 * {@link dev.basalt.wasm.InvalidException} with the spec testsuite's wording first in the reason, plus the function
 * index and instruction offset. Module-level rules live in {@code ModuleValidator}, the per-expression algorithm
 * (operand and control stacks, local initialization) in {@code FunctionValidator}; subtyping and type identity come
 * from {@link dev.basalt.wasm.types.TypeSpace}.
 *
 * {@snippet :
 * Validator.validate(module);   // or validateAndGetTypes(module) to keep the TypeSpace
 * }
 */
package dev.basalt.wasm.validate;
