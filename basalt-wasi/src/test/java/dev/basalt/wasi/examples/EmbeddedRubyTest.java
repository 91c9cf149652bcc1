package dev.basalt.wasi.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.basalt.Config;
import dev.basalt.Engine;
import dev.basalt.Module;
import dev.basalt.Trap;
import dev.basalt.TrapKind;
import dev.basalt.testkit.NpmPackages;
import dev.basalt.wasi.WasiConfig;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * CRuby 3.4 ({@code ruby+stdlib.wasm} from the npm package {@code @ruby/3.4-wasm-wasi}, 30 MB) embedded through
 * the API by {@link EmbeddedRuby}, on each engine. Starting the VM takes tens of seconds, so the tests of one engine
 * share one VM, in order; the test that makes Ruby call JavaScript (a trap) comes last. Expected outputs are what
 * node's WASI prints for the same code ({@code ../shared/docs/building-test-wasm/ruby-raw.mjs}).
 */
class EmbeddedRubyTest {
    private static final String PACKAGE = "@ruby/3.4-wasm-wasi";
    private static final String WASM = "dist/ruby+stdlib.wasm";

    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
    class OnTheInterpreter extends RubyScripts {
        OnTheInterpreter() {
            super(Config.Strategy.INTERPRETER);
        }
    }

    /** Ruby's largest functions are split into several JVM methods; its 17,825 functions over 30 classes. */
    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
    class OnTheCompiler extends RubyScripts {
        OnTheCompiler() {
            super(Config.Strategy.COMPILER);
        }
    }

    abstract static class RubyScripts {
        private final Config.Strategy strategy;
        private final ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        private final ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        private EmbeddedRuby ruby;

        RubyScripts(Config.Strategy strategy) {
            this.strategy = strategy;
        }

        @BeforeAll
        void startRuby() throws IOException {
            Optional<Path> wasm = NpmPackages.file(PACKAGE, WASM);
            if (wasm.isEmpty()) {
                String message = NpmPackages.absentMessage(PACKAGE, WASM);
                System.err.println("EmbeddedRubyTest " + message);
                Assumptions.abort(message);
            }
            var cpu = java.lang.management.ManagementFactory.getThreadMXBean();
            long c0 = cpu.getCurrentThreadCpuTime();
            long t0 = System.nanoTime();
            Module module = EmbeddedRuby.compile(Engine.create(Config.builder().strategy(strategy).build()), wasm.get());
            long t1 = System.nanoTime();
            long c1 = cpu.getCurrentThreadCpuTime();
            ruby = EmbeddedRuby.start(module, WasiConfig.builder().stdout(stdout).stderr(stderr).build());
            long t2 = System.nanoTime();
            long c2 = cpu.getCurrentThreadCpuTime();
            System.err.printf("EmbeddedRubyTest (%s): compile %d ms (CPU %d ms), _initialize + ruby-init + "
                    + "ruby-init-loadpath %d ms (CPU %d ms)%n", strategy, (t1 - t0) / 1_000_000, (c1 - c0) / 1_000_000,
                    (t2 - t1) / 1_000_000, (c2 - c1) / 1_000_000);
            assertThat(text(stderr)).as("Ruby's stderr while starting").isEmpty();
        }

        @AfterAll
        void closeRuby() {
            if (ruby != null) {
                ruby.close();
            }
        }

        @BeforeEach
        void clearOutput() {
            stdout.reset();
            stderr.reset();
        }

        @Test
        @Order(1)
        void sumsAnArray() {
            assertThat(ruby.eval("puts [1, 2, 3].sum")).isZero();
            assertThat(text(stdout)).isEqualTo("6\n");
        }

        @Test
        @Order(2)
        void requiresJsonFromThePackedStandardLibrary() {
            long t0 = System.nanoTime();
            int state = ruby.eval("""
                    require "json"
                    puts JSON.generate({"list" => [1, 2], "ok" => true})
                    p JSON.parse(%q({"a": [1, 2.5, null]}))
                    """);
            System.err.printf("EmbeddedRubyTest (%s): require \"json\" script %d ms%n", strategy,
                    (System.nanoTime() - t0) / 1_000_000);
            assertThat(state).isZero();
            assertThat(text(stdout)).isEqualTo("{\"list\":[1,2],\"ok\":true}\n{\"a\" => [1, 2.5, nil]}\n");
        }

        @Test
        @Order(3)
        void anExceptionIsANonZeroStateAndTheVmLivesOn() {
            // rb_protect's TAG_RAISE; Ruby prints nothing itself, the host decides what to report.
            assertThat(ruby.eval("$stderr.puts RUBY_VERSION; raise 'boom'")).isEqualTo(6);
            assertThat(text(stderr)).isEqualTo("3.4.1\n");
            assertThat(ruby.eval("puts $!.nil? ? 'cleared' : $!.message; puts 2 ** 100")).isZero();
            assertThat(text(stdout)).endsWith("1267650600228229401496703205376\n");
        }

        @Test
        @Order(4)
        void eachEvalReleasesItsResultHandle() {
            assertThat(ruby.eval("Object.new")).isZero();
            assertThat(ruby.liveValueHandles()).isZero();
        }

        @Test
        @Order(5)
        void callingJavaScriptTrapsNamingTheImport() {
            assertThatThrownBy(() -> ruby.eval("require 'js'; JS.global"))
                    .isInstanceOfSatisfying(Trap.class, t -> assertThat(t.kind()).isEqualTo(TrapKind.HOST_ERROR))
                    .hasMessageContaining("unknown import rb-js-abi-host.");
        }

        private static String text(ByteArrayOutputStream out) {
            return out.toString(StandardCharsets.UTF_8);
        }
    }
}
