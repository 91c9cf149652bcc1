/**
 * Internals shared by the WASI implementations (preview1 core modules and preview2 components), not API: the
 * sandboxed path resolution of granted directories ({@link dev.basalt.wasi.internal.Sandbox}), the file system
 * operations on resolved paths ({@link dev.basalt.wasi.internal.SandboxFs}) and the error numbers both report
 * ({@link dev.basalt.wasi.internal.Errno}). One capability model, one set of escape rules.
 */
package dev.basalt.wasi.internal;
