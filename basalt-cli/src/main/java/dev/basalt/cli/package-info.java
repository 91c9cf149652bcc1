/**
 * The {@code basalt} command line: {@link dev.basalt.cli.Main} and one class per subcommand
 * ({@code wast}, {@code validate}, {@code inspect}). Built into {@code basalt-cli/target/basalt.jar}, which the
 * {@code ./basalt} launcher runs.
 *
 * {@snippet lang=shell :
 * ./basalt wast examples/hello.wast
 * ./basalt inspect module.wasm --wat
 * }
 */
package dev.basalt.cli;
