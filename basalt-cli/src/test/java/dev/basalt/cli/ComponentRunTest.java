package dev.basalt.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.basalt.component.binary.ComponentBinaryWriter;
import dev.basalt.component.text.ComponentTextParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code basalt run COMPONENT --invoke 'f(args)'}: WAVE arguments in, WAVE results out, errors as exit codes. */
class ComponentRunTest {
    static final String COMPONENT = """
            (component
              (core module $m
                (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1)))
                (func (export "sign") (param i32) (result i32)
                  (if (result i32) (i32.lt_s (local.get 0) (i32.const 0)) (then (i32.const 0))
                    (else (if (result i32) (i32.eqz (local.get 0)) (then (i32.const 1)) (else (i32.const 2))))))
                (func (export "boom") unreachable))
              (core instance $i (instantiate $m))
              (type $sign (enum "negative" "zero" "positive"))
              (export $sign-kind "sign-kind" (type $sign))
              (func (export "add") (param "a" u32) (param "b" u32) (result u32) (canon lift (core func $i "add")))
              (func (export "sign") (param "x" s32) (result $sign-kind) (canon lift (core func $i "sign")))
              (func (export "boom") (canon lift (core func $i "boom"))))
            """;

    @TempDir
    Path dir;
    Path component;


    @BeforeEach
    void writeComponent() throws IOException {
        component = dir.resolve("calc.wasm");
        Files.write(component, ComponentBinaryWriter.write(ComponentTextParser.parse(COMPONENT)));
    }

    CliRun run(String... args) {
        String[] full = new String[args.length + 2];
        full[0] = "run";
        full[1] = component.toString();
        System.arraycopy(args, 0, full, 2, args.length);
        return CliRun.of(full);
    }

    @Test
    void invokesAnExportWithWaveArgumentsAndPrintsTheResultInWave() {
        CliRun add = run("--invoke", "add(4294967295, 3)");
        assertThat(add.code()).as(add.err()).isZero();
        assertThat(add.out()).isEqualTo("2\n");
        assertThat(run("--invoke", "sign(-7)").out()).isEqualTo("negative\n");
        assertThat(run("--invoke", "sign(0)").out()).isEqualTo("zero\n");
        CliRun none = run("--invoke", "boom()");
        assertThat(none.code()).isEqualTo(Main.PROBLEM);
        assertThat(none.err()).contains("unreachable");
    }

    @Test
    void componentTextRunsToo() throws IOException {
        component = dir.resolve("calc.wat");
        Files.writeString(component, ";; a component in text\n" + COMPONENT);
        CliRun add = run("--invoke", "add(1, 2)");
        assertThat(add.code()).as(add.err()).isZero();
        assertThat(add.out()).isEqualTo("3\n");
    }

    @Test
    void aComponentWithImportsTheHostDoesNotProvideFailsToInstantiateNamingTheImport() throws IOException {
        component = dir.resolve("needs-import.wat");
        Files.writeString(component, """
                (component
                  (import "double" (func $d (param "x" u32) (result u32)))
                  (export "again" (func $d)))
                """);
        CliRun r = run("--invoke", "again(1)");
        assertThat(r.code()).isEqualTo(Main.PROBLEM);
        assertThat(r.err()).contains("double");
    }

    @Test
    void mistakesAreUsageErrorsThatSayWhatIsWrong() {
        CliRun range = run("--invoke", "add(4294967296, 1)");
        assertThat(range.code()).isEqualTo(Main.PROBLEM);
        assertThat(range.err()).contains("expected u32 in range 0..4294967295, got 4294967296");
        CliRun arity = run("--invoke", "add(1)");
        assertThat(arity.err()).contains("add takes 2 arguments, 1 given");
        CliRun missing = run("--invoke", "sub(1, 2)");
        assertThat(missing.code()).isEqualTo(Main.USAGE);
        assertThat(missing.err()).contains("the component exports no function sub (exports: [sign-kind, add, sign, boom])");
        CliRun noInvoke = run();
        assertThat(noInvoke.code()).isEqualTo(Main.USAGE);
        assertThat(noInvoke.err()).contains("the component is not a command (it exports no wasi:cli/run@0.2.x or @0.3.x): "
                + "call one of its exports with --invoke 'name(args)' (exports: [sign-kind, add, sign, boom])");
        CliRun stray = run("--invoke", "add(1, 2)", "3");
        assertThat(stray.err()).contains("a component's arguments go inside --invoke");
    }

    /**
     * An invalid component is refused before anything runs, binary or text: here an export whose type names a
     * record that is not exported (valid for the instantiator, which would run it, but not for the validator).
     */
    @Test
    void invalidComponentsAreRefusedWithTheValidatorsMessage() throws IOException {
        String invalid = """
                (component
                  (core module $m (func (export "f") (param i32)))
                  (core instance $i (instantiate $m))
                  (type $r (record (field "a" u32)))
                  (func (export "f") (param "x" $r) (canon lift (core func $i "f"))))
                """;
        Path binary = dir.resolve("bad.wasm");
        Files.write(binary, ComponentBinaryWriter.write(ComponentTextParser.parse(invalid)));
        Path text = dir.resolve("bad.wat");
        Files.writeString(text, invalid);
        for (Path file : new Path[] {binary, text}) {
            CliRun r = CliRun.of("run", file.toString(), "--invoke", "f({a: 1})");
            assertThat(r.code()).as(r.err()).isNotZero();
            assertThat(r.out()).isEmpty();
            assertThat(r.err()).contains("func not valid to be used as export").doesNotContain("\tat ");
        }
    }
}
