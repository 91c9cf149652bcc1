/**
 * {@code wit-bindgen} for Java: {@link dev.basalt.component.bindgen.JavaBindgen} turns a resolved WIT world into
 * Java sources (records, sealed variants, enums, {@code EnumSet} flags, resource classes, typed streams and futures,
 * typed {@code Imports} interfaces for the host, async imports returning a {@code CompletionStage}, and
 * {@code Exports} classes for calling a component). The generated code depends only on
 * {@code dev.basalt.component.binding} at run time. From the command line: {@code basalt bindgen}.
 */
package dev.basalt.component.bindgen;
