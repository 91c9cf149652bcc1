package dev.basalt.wasi;

import static org.assertj.core.api.Assertions.assertThat;

import dev.basalt.Engine;
import dev.basalt.Func;
import dev.basalt.Instance;
import dev.basalt.Linker;
import dev.basalt.Module;
import dev.basalt.Store;
import dev.basalt.Val;
import dev.basalt.wasm.NumType;
import dev.basalt.wasm.ValType;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every WASI function called thousands of times with random arguments over random memory: each call must come back
 * with an errno (0..76), never a trap or a Java exception, and nothing may appear outside the pre-open.
 * proc_exit and proc_raise are left out (they end the guest by design).
 */
class WasiHostileInputTest {
    @TempDir
    Path tmp;

    @Test
    void randomArgumentsOnlyEverYieldErrnos() throws IOException {
        Path sandbox = Files.createDirectory(tmp.resolve("sandbox"));
        Files.writeString(sandbox.resolve("f.txt"), "content");
        Files.createDirectory(sandbox.resolve("d"));
        StringBuilder wat = new StringBuilder("(module\n");
        var defs = WasiPreview1.definitions().stream().filter(d -> !d.name().equals("proc_raise")).toList();
        for (var d : defs) {
            wat.append("  (import \"wasi_snapshot_preview1\" \"").append(d.name()).append("\" (func $").append(d.name())
                    .append(" (param ").append(params(d.type().params())).append(") (result i32)))\n");
        }
        wat.append("  (memory (export \"memory\") 1)\n");
        for (var d : defs) {
            wat.append("  (func (export \"").append(d.name()).append("\") (param ").append(params(d.type().params()))
                    .append(") (result i32) (call $").append(d.name());
            for (int i = 0; i < d.type().params().size(); i++) {
                wat.append(" (local.get ").append(i).append(')');
            }
            wat.append("))\n");
        }
        wat.append(")");
        Engine engine = Engine.create();
        Linker<WasiContext> linker = Linker.create(engine);
        WasiPreview1.addToLinker(linker, c -> c);
        Module module = Module.fromWat(engine, wat.toString());
        Random random = new Random(1234);
        WasiConfig config = WasiConfig.builder().args("fuzz", "x").env("K", "V").preopenDir(sandbox, "/sandbox")
                .stdin(new byte[100]).stdout(new ByteArrayOutputStream()).stderr(new ByteArrayOutputStream())
                .clock(WasiClock.deterministic(0, 1)).deterministicRandom(1).build();
        int calls = 0;
        for (int round = 0; round < 20; round++) {
            try (WasiContext ctx = WasiContext.create(config)) {
                Instance instance = linker.instantiate(Store.create(engine, ctx), module);
                byte[] junk = new byte[65536];
                random.nextBytes(junk);
                // keep some structure: small numbers and short strings make deeper paths reachable
                for (int i = 0; i < junk.length; i += 4) {
                    if (random.nextInt(3) == 0) {
                        junk[i] = (byte) random.nextInt(8);
                        junk[i + 1] = 0;
                        junk[i + 2] = 0;
                        junk[i + 3] = 0;
                    }
                }
                instance.getMemory("memory").orElseThrow().write(0, junk);
                for (var d : defs) {
                    Func f = instance.getFunc(d.name()).orElseThrow();
                    for (int k = 0; k < 25; k++) {
                        Val[] args = new Val[d.type().params().size()];
                        for (int i = 0; i < args.length; i++) {
                            long v = switch (random.nextInt(4)) {
                                case 0 -> random.nextInt(8);
                                case 1 -> random.nextInt(65536);
                                case 2 -> random.nextInt(64);
                                default -> random.nextLong();
                            };
                            args[i] = d.type().params().get(i) == NumType.I64 ? Val.i64(v) : Val.i32((int) v);
                        }
                        int errno = ((Val.I32) f.call(args)[0]).value();
                        assertThat(errno).as(d.name()).isBetween(0, 76);
                        calls++;
                    }
                }
            }
        }
        assertThat(calls).isEqualTo(20 * 25 * defs.size());
        try (var s = Files.list(tmp)) {
            assertThat(s.map(p -> p.getFileName().toString()).toList()).containsExactly("sandbox");
        }
    }

    private static String params(java.util.List<ValType> types) {
        StringBuilder sb = new StringBuilder();
        for (ValType t : types) {
            sb.append(t == NumType.I64 ? " i64" : " i32");
        }
        return sb.toString();
    }
}
