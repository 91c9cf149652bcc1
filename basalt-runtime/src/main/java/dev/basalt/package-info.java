/**
 * Basalt's public API: run WebAssembly modules from Java.
 *
 * <p>The object model follows Wasmtime's: an {@link dev.basalt.Engine} (configuration, shared, thread-safe) compiles
 * {@link dev.basalt.Module}s (immutable, shareable); a {@link dev.basalt.Store} owns all mutable state plus host
 * data and the sandbox controls (fuel, interruption, deadline, limits); a {@link dev.basalt.Linker} maps import
 * names to host functions and other instances' exports and resolves a module's imports once
 * ({@link dev.basalt.InstancePre}); an {@link dev.basalt.Instance} exposes exports as handles
 * ({@link dev.basalt.Func}, {@link dev.basalt.Memory}, {@link dev.basalt.Table}, {@link dev.basalt.Global},
 * {@link dev.basalt.Tag}). Values cross the boundary as {@link dev.basalt.Val}; failures as
 * {@link dev.basalt.Trap} (with a Wasm backtrace), {@link dev.basalt.WasmException} (an uncaught Wasm exception)
 * and {@link dev.basalt.UnlinkableException}. Compiled code can be kept across processes: {@link dev.basalt.Module#serialize()}
 * for one module, or an on-disk {@link dev.basalt.CodeCache} that every module (and component core module) an engine
 * compiles goes through ({@link dev.basalt.Config.Builder#codeCache}).
 *
 * {@snippet :
 * Engine engine = Engine.create();
 * Module module = Module.fromWat(engine, "(module (func (export \"add\") (param i32 i32) (result i32) "
 *         + "(i32.add (local.get 0) (local.get 1))))");
 * Store<Void> store = Store.create(engine);
 * Instance instance = Linker.<Void>create(engine).instantiate(store, module);
 * int three = instance.getFunc("add").orElseThrow().callI32(1, 2);
 * }
 */
package dev.basalt;
