/**
 * Logging of the {@code basalt} command: {@link dev.basalt.cli.logging.CliLogging} holds the levels (from
 * {@code --log-level} or the {@code BASALT_LOG} variable, e.g. {@code info,org.eclipse.jetty=debug}) and writes
 * one line per event to stderr; {@link dev.basalt.cli.logging.CliSlf4jProvider} is the SLF4J 2 provider (found
 * through {@code META-INF/services}) so that Jetty's logs go there, and {@link dev.basalt.cli.logging.JulBridge}
 * sends {@code java.util.logging} there too, which is where {@code System.Logger} (Basalt's own logs) and the
 * OpenTelemetry SDK log.
 */
package dev.basalt.cli.logging;
