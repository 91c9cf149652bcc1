// V8 through node: times one workload module the way BenchMain times the JVM runtimes.
//   node run-wasm.mjs FILE.wasm WARMUP ITERATIONS
// Prints "compile_ns T" (new WebAssembly.Module), "first_run_ns T" (the first call), then per measured call
// "instantiate_ns T" and "run_ns T" (warm-up calls are not printed, but their results are), and "result R" for
// every call whose result differs from the first.
// Each call instantiates afresh, as the JVM runners do, so every run starts from the module's initial memory.
import { readFileSync } from 'node:fs';

const [file, warmupArg, iterationsArg] = process.argv.slice(2);
const warmup = Number(warmupArg ?? 3);
const iterations = Number(iterationsArg ?? 5);
const bytes = readFileSync(file);
const now = () => process.hrtime.bigint();

let t0 = now();
const module = new WebAssembly.Module(bytes);
let t1 = now();
console.log(`compile_ns ${t1 - t0}`);

let first = null;
for (let i = 0; i < warmup + iterations; i++) {
  t0 = now();
  const instance = new WebAssembly.Instance(module, {});
  t1 = now();
  const result = instance.exports.run();
  const t2 = now();
  if (first === null || result !== first) {
    console.log(`result ${result}`);
    if (first === null) first = result;
  }
  if (i === 0) console.log(`first_run_ns ${t2 - t1}`);
  if (i >= warmup) {
    console.log(`instantiate_ns ${t1 - t0}`);
    console.log(`run_ns ${t2 - t1}`);
  }
}
