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
    void printsTheWorldOfAComponentBinary() throws IOException {
        Path components = Path.of("../basalt-component/src/test/components");
        CliRun r = run("wit", components.resolve("values.component.wasm").toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).isEqualTo(Files.readString(
                Path.of("../basalt-component/src/test/resources/wit-decode/values.wit")));
        assertThat(r.out()).contains("world root {\n  import basalt:values/host@1.0.0;\n"
                + "  export basalt:values/api@1.0.0;\n}", "package basalt:values@1.0.0 {", "resource counter {");
        WitLoader.load("printed.wit", r.out(), WitLoader.Options.DEFAULT);
    }

    @Test
    void printsTheWorldOfAComponentInTheTextFormat() throws IOException {
        Path file = dir.resolve("c.wat");
        Files.writeString(file, """
                (component
                  (import "wasi:cli/environment@0.2.0" (instance
                    (export "get-arguments" (func (result (list string))))))
                  (import "ping" (func (param "n" u32) (result u32))))
                """);
        CliRun r = run("wit", file.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).isEqualTo("""
                package root:component;

                world root {
                  import wasi:cli/environment@0.2.0;
                  import ping: func(n: u32) -> u32;
                }

                package wasi:cli@0.2.0 {
                  interface environment {
                    get-arguments: func() -> list<string>;
                  }
                }
                """);
    }

    @Test
    void theExampleComponentInTheTextFormatHasTheWorldOfItsWit() {
        // examples/calc/calc.wat starts with comments; its world is calc.wit's, under wasm-tools' root names
        CliRun r = run("wit", "../examples/calc/calc.wat");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).isEqualTo("""
                package root:component;

                world root {
                  import double: func(x: u32) -> u32;
                  export add-doubled: func(a: u32, b: u32) -> u32;
                }
                """);
        assertThat(WitCommand.withoutLeadingComments(" ;; a\n(; b (; c ;) ;)\n (component)")).isEqualTo("(component)");
    }

    @Test
    void badComponentsGiveAMessageAndExitCodeOne() throws IOException {
        Path garbage = dir.resolve("garbage.wasm");
        Files.write(garbage, new byte[] {0, 'a', 's', 'm', 0x0d, 0, 1, 0, 0x07, 0x05});
        CliRun malformed = run("wit", garbage.toString());
        assertThat(malformed.code()).isEqualTo(Main.PROBLEM);
        assertThat(malformed.err()).startsWith("basalt: malformed: ").doesNotContain("Exception", "\tat ");

        Path core = dir.resolve("core.wasm");
        Files.write(core, new byte[] {0, 'a', 's', 'm', 1, 0, 0, 0});
        CliRun coreModule = run("wit", core.toString());
        assertThat(coreModule.code()).isEqualTo(Main.PROBLEM);
        assertThat(coreModule.err()).isEqualTo("basalt: this is a core module, not a component: a core module has "
                + "no WIT world\n");

        Path coreText = dir.resolve("core.wat");
        Files.writeString(coreText, ";; a core module\n(module)");
        assertThat(run("wit", coreText.toString()).err()).isEqualTo("basalt: this is a core module, not a component: a "
                + "core module has no WIT world\n");

        Path invalid = dir.resolve("invalid.wat");
        Files.writeString(invalid, "(component (export \"f\" (func 0)))");
        CliRun notValid = run("wit", invalid.toString());
        assertThat(notValid.code()).isEqualTo(Main.PROBLEM);
        assertThat(notValid.err()).startsWith("basalt: invalid: unknown func 0").doesNotContain("\tat ");

        Path module = dir.resolve("module.wat");
        Files.writeString(module, "(component (import \"m\" (core module)))");
        CliRun inexpressible = run("wit", module.toString());
        assertThat(inexpressible.code()).isEqualTo(Main.PROBLEM);
        assertThat(inexpressible.err()).isEqualTo("basalt: import `m` is a core module: only instances, functions "
                + "and types can be expressed in WIT\n");
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
