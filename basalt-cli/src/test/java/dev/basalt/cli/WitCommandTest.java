package dev.basalt.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.basalt.component.wit.WitLoader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WitCommandTest {
    @TempDir
    Path dir;


    static CliRun run(String... args) {
        return CliRun.of(args);
    }

    @Test
    void printsAResolvedPackageWithFlattenedWorlds() throws IOException {
        Path file = dir.resolve("demo.wit");
        Files.writeString(file, """
                package local:demo@1.0.0;
                interface types { resource r { constructor(); get: func() -> u32; } }
                interface api { use types.{r}; make: func() -> r; }
                world base { import api; }
                world full { include base; export run: func(); @unstable(feature = extra) import x: func(); }
                """);
        CliRun r = run("wit", file.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).startsWith("package local:demo@1.0.0;\n").contains("""
                world full {
                  import types;
                  import api;
                  export run: func();
                }""").contains("    constructor();\n    get: func() -> u32;\n");
        // the output is WIT that resolves again
        WitLoader.load("printed.wit", r.out(), WitLoader.Options.DEFAULT);

        CliRun withFeature = run("wit", "--features", "extra", file.toString());
        assertThat(withFeature.out()).contains("  @unstable(feature = extra)\n  import x: func();\n");
    }

    @Test
    void errorsNameTheFileLineAndColumn() throws IOException {
        Path file = dir.resolve("bad.wit");
        Files.writeString(file, "package a:b;\ninterface i { type t = nope; }\n");
        CliRun r = run("wit", file.toString());
        assertThat(r.code()).isEqualTo(Main.PROBLEM);
        assertThat(r.err()).isEqualTo("basalt: " + file + ":2:24: type `nope` does not exist\n");
    }

    @Test
    void helpSaysComponentBinariesAreNotDecodedYet() {
        CliRun r = run("wit", "--help");
        assertThat(r.out().replaceAll("\\s+", " ")).contains("decoding the WIT of a component binary (.wasm) is not implemented yet");
    }

    @Test
    void wasiHttpPackageWithItsSiblingDependencies() {
        Path http = Path.of(System.getProperty("basalt.shared", "../../shared"), "wasi-wit", "wasip2", "http");
        Assumptions.assumeTrue(Files.isDirectory(http), "no WASI WIT at " + http + "; skipping");
        CliRun r = run("wit", http.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).startsWith("package wasi:http@0.2.12;").contains("world proxy {")
                .contains("  import wasi:io/streams@0.2.12;").doesNotContain("package wasi:io");
        assertThat(run("wit", "--deps", http.toString()).out()).contains("package wasi:io@0.2.12;");
    }
}
