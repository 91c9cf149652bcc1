package dev.basalt.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * A benchmark workload: a core module built from {@code src/main/c/NAME.c} that exports {@code run: () -> i64},
 * and the value native code computes for it (so every runtime's answer is checked, not just timed).
 */
public record Workload(String name, byte[] wasm, long expected) {

    /** All workloads bundled as resources, in name order. */
    public static List<Workload> all() {
        Properties expected = new Properties();
        try (InputStream in = resource("expected.properties")) {
            expected.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<Workload> out = new ArrayList<>();
        expected.stringPropertyNames().stream().sorted().forEach(name -> {
            try (InputStream in = resource(name + ".wasm")) {
                out.add(new Workload(name, in.readAllBytes(), Long.parseLong(expected.getProperty(name).trim())));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        return out;
    }

    private static InputStream resource(String name) {
        InputStream in = Workload.class.getResourceAsStream("/wasm/" + name);
        if (in == null) {
            throw new IllegalStateException("missing benchmark resource /wasm/" + name + " (run basalt-bench/build-wasm.sh)");
        }
        return in;
    }
}
