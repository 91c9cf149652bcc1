/**
 * The component runtime behind {@code dev.basalt.component}: {@link dev.basalt.component.internal.runtime.Instantiator}
 * walks a component's sections and builds one instance's index spaces; {@link
 * dev.basalt.component.internal.runtime.InstantiationPlan} does that walk once per {@code instantiatePre} (types,
 * import checks, lifted/lowered core types, canonical options and {@code CallPlan}s computed once, nested components
 * planned per instantiation site) and leaves only the per-instance steps; {@code CanonicalAbi} holds the value rules
 * of CanonicalABI.md (load/store, lift_flat/lower_flat, strings, flattening), walking per-type {@code Layout}s that
 * each function's {@code CallPlan} computes once; lists of numeric types are moved with one bulk copy
 * ({@code BulkLists}) and held in a primitive array ({@link dev.basalt.component.internal.runtime.ScalarList}) behind
 * {@code ComponentValue.ListValue}; {@link
 * dev.basalt.component.internal.runtime.LiftedFunc} ({@code canon lift}), {@link
 * dev.basalt.component.internal.runtime.CoreFuncs} ({@code canon lower} and the resource built-ins) and {@link
 * dev.basalt.component.internal.runtime.HostFunc} are the function kinds, and {@link
 * dev.basalt.component.internal.runtime.AsyncAbi} the async ones ({@code canon lift} of async types, stackful or with
 * a callback, {@code task.return}, {@code canon lower ... async}); tasks run on component-model threads ({@code
 * CmThread}, Java virtual threads taking turns under the store's {@code Scheduler}), with {@code Builtins} (waitable
 * sets, subtasks, thread built-ins), {@code Streams} (streams and futures) and {@code ErrorContexts} (error-context
 * values and built-ins), with the host's side in {@code HostAsync} (async host functions, host-held stream and
 * future ends, work posted from other threads, host calls that end the threads of trapped instances); {@link
 * dev.basalt.component.internal.runtime.RuntimeInstance} carries the handle table and the reentrance flags. Traps use
 * wasmtime's wording ({@link dev.basalt.component.internal.runtime.Traps}).
 */
package dev.basalt.component.internal.runtime;
