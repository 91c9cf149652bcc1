/**
 * Engine-side runtime structures shared by the interpreter and the public API: instances
 * ({@link dev.basalt.internal.runtime.ModuleInstance}), functions, tables, globals, tags, GC objects, exception
 * objects, canonical runtime types ({@link dev.basalt.internal.runtime.TypeRegistry}) and the per-store execution
 * state ({@link dev.basalt.internal.runtime.StoreState}: value stack, call depth, fuel, interrupt flag, limits).
 */
package dev.basalt.internal.runtime;
