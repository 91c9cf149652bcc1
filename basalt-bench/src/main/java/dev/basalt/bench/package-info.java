/**
 * Benchmarks of Basalt against other WebAssembly runtimes and native code; never run as timed tests.
 *
 * <p>{@link dev.basalt.bench.BenchMain} is the one command for issue 4's table: every {@link
 * dev.basalt.bench.Workload} (C compiled to Wasm, with native code's answer) on every {@link
 * dev.basalt.bench.Runner}, each result a {@link dev.basalt.bench.Measurement} (medians with their spread), checked
 * against native and printed as markdown. Runners in this JVM extend {@link dev.basalt.bench.JvmRunner} (Basalt's
 * engines, Endive's interpreter); runners in a child process extend {@link dev.basalt.bench.ProcessRunner} (native
 * code, V8 through node, {@link dev.basalt.bench.ColdRun} for Basalt in fresh JVMs, {@link
 * dev.basalt.bench.GraalWasmRunner} for GraalWasm with its jars on the child's module path). {@link
 * dev.basalt.bench.InstantiateBench} and {@link dev.basalt.bench.CompileBench} measure instantiation and compile
 * speed on their own. Cold start: {@link dev.basalt.bench.ColdStart} (fresh JVMs per workload and build: first call,
 * process and JIT CPU, compile timeline) and {@link dev.basalt.bench.ColdProfile} (one call, by tier). Steady
 * state: {@link dev.basalt.bench.SameJvmAB} (builds alternated in one JVM; its {@code java} build runs {@link
 * dev.basalt.bench.JavaPorts}, the algorithms ported to plain Java, as the JVM's own floor) and {@link
 * dev.basalt.bench.MachineStretches} (the machine's slow stretches against plain-Java controls). Comparing code:
 * {@link dev.basalt.bench.GeneratedClasses} (both compilers' generated classes of a workload, for {@code javap}).
 */
package dev.basalt.bench;
