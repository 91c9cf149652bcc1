package dev.basalt.compiler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.basalt.Config;
import dev.basalt.Engine;
import dev.basalt.Instance;
import dev.basalt.Linker;
import dev.basalt.Module;
import dev.basalt.Store;
import dev.basalt.spi.UnsupportedCodeException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A function whose parameters need more JVM parameter slots than a method may have (255; i64 and f64 take two):
 * the compiler refuses it with its own exception naming the function, never a JVM ClassFormatError reaching the
 * embedder, and AUTO keeps it interpreted.
 */
class WideSignatureTest {
    /** {@code sum} takes 128 i64 parameters (256 slots plus the instance) and adds the first and the last. */
    private static final String WIDE = "(module (func (export \"sum\") (param" + " i64".repeat(128)
            + ") (result i64) (i64.add (local.get 0) (local.get 127)))"
            + " (func (export \"call\") (result i64) (call 0" + " (i64.const 1)".repeat(127) + " (i64.const 41))))";

    @Test
    void theCompilerRefusesItWithItsOwnException() {
        Engine engine = Engine.create(Config.builder().strategy(Config.Strategy.COMPILER).build());
        assertThatThrownBy(() -> Module.fromWat(engine, WIDE))
                .isInstanceOf(UnsupportedCodeException.class)
                .hasMessageContaining("function 0")
                .hasMessageContaining("JVM parameter slots");
    }

    @Test
    void autoKeepsItInterpretedAndCompilesTheRest() throws InterruptedException {
        Engine engine = Engine.create(Config.builder().strategy(Config.Strategy.AUTO).tierUpThreshold(1).build());
        Module m = Module.fromWat(engine, WIDE);
        Instance inst = Linker.<Void>create(engine).instantiate(Store.create(engine), m);
        for (int i = 0; i < 3; i++) {
            assertThat(inst.getFunc("call").orElseThrow().callI64()).isEqualTo(42L);
            assertThat(engine.awaitBackgroundCompilation(Duration.ofSeconds(60))).isTrue();
        }
        assertThat(m.compiledFunctionCount()).isEqualTo(1);
    }
}
