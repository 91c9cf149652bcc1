/**
 * WASI preview1 ({@code wasi_snapshot_preview1}) for Basalt: the host functions a wasm32-wasi program imports,
 * with capability-based sandboxing.
 *
 * <p>Main types: {@link dev.basalt.wasi.WasiConfig} (what a guest is granted: args, environment, pre-opened
 * directories, read-only or not, listening sockets, stdio, clock and random sources), {@link
 * dev.basalt.wasi.WasiContext} (one guest's descriptor table), {@link dev.basalt.wasi.WasiPreview1} (defines the
 * imports on a {@link dev.basalt.Linker}) and {@link dev.basalt.wasi.WasiExitException} ({@code proc_exit}).
 * Internally, {@code Sandbox} resolves guest paths component by component so that no path, {@code ..} or symlink
 * leaves a pre-open, and {@code Abi} draws the memory layouts of the WASI structs.
 *
 * {@snippet :
 * Engine engine = Engine.create();
 * Module module = Module.compile(engine, Files.readAllBytes(Path.of("hello.wasm")));
 * Linker<WasiContext> linker = Linker.create(engine);
 * WasiPreview1.addToLinker(linker, ctx -> ctx);
 * ByteArrayOutputStream out = new ByteArrayOutputStream();
 * WasiConfig config = WasiConfig.builder().args("hello", "world").stdout(out)
 *         .preopenDir(Path.of("/tmp/sandbox"), "/sandbox", false).build();
 * try (WasiContext wasi = WasiContext.create(config)) {
 *     int exitCode = WasiPreview1.runCommand(linker.instantiate(Store.create(engine, wasi), module));
 * }
 * }
 */
package dev.basalt.wasi;
