/**
 * Extism-compatible plug-ins on Basalt: run plug-ins built with Extism's PDKs (Rust, Go, C, JS, ...) from Java
 * with bytes in and bytes out.
 *
 * <ul>
 *   <li>{@link dev.basalt.plugin.PluginManifest}: modules, limits, config, allowed hosts and paths (Extism's JSON);</li>
 *   <li>{@link dev.basalt.plugin.CompiledPlugin}: compiled and linked once, shareable; host functions and WASI;</li>
 *   <li>{@link dev.basalt.plugin.Plugin}: one instance; {@code call(name, input)}, {@code cancel()};</li>
 *   <li>{@link dev.basalt.plugin.PluginFunction} / {@link dev.basalt.plugin.CurrentPlugin}: host functions.</li>
 * </ul>
 * The kernel ({@code extism:host/env}: kernel memory, input/output, config, variables, HTTP, logging) is
 * implemented in Java ({@code ExtismEnv}, {@link dev.basalt.plugin.internal.KernelMemory}).
 */
package dev.basalt.plugin;
