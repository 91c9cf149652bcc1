/**
 * Type machinery shared by the validator and the engines: canonical (iso-recursive) type identities, subtyping,
 * top and bottom heap types, defaultability.
 *
 * <p>Main types: {@link dev.basalt.wasm.types.TypeSpace} (one module's types, built with
 * {@code TypeSpace.of(module)}) and {@link dev.basalt.wasm.types.DefinedType} (the module-independent identity of
 * one defined type; equal types are the same object in every module, so cross-module checks such as
 * {@code call_indirect} or import matching compare with {@code ==} or {@code isSubtypeOf}).
 *
 * {@snippet :
 * TypeSpace types = TypeSpace.of(module);
 * boolean ok = types.isSubtype(RefType.I31REF, RefType.EQREF);           // true
 * DefinedType callee = types.defined(calleeTypeIndex);
 * boolean matches = callee.isSubtypeOf(otherModuleTypes.defined(expected));
 * }
 */
package dev.basalt.wasm.types;
