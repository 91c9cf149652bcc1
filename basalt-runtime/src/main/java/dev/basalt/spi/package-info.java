/**
 * The execution-engine SPI: how engines other than the built-in interpreter plug into the runtime.
 *
 * <p>{@link dev.basalt.spi.ExecutionEngine} is looked up with {@link java.util.ServiceLoader} when
 * {@link dev.basalt.Config.Strategy#COMPILER} is selected; it turns a validated module into a
 * {@link dev.basalt.spi.ModuleCode}, which makes the function instances of each instance. Engines that cannot
 * translate a module throw {@link dev.basalt.spi.UnsupportedCodeException}. This SPI exposes runtime internals
 * ({@code dev.basalt.internal.runtime}) on purpose: engines are part of Basalt, not user extensions.
 */
package dev.basalt.spi;
