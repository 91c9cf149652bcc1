package dev.basalt.component;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.basalt.Config;
import dev.basalt.Engine;
import dev.basalt.Store;
import dev.basalt.Trap;
import dev.basalt.TrapKind;
import dev.basalt.wasm.dwarf.SourceLocation;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A trap in a component's core module has the source lines of the core module's DWARF, on both engines (fixture:
 * src/test/components/dwarf, built by its build.sh).
 */
class SourceLinesComponentTest {
    @ParameterizedTest
    @EnumSource(value = Config.Strategy.class, names = {"INTERPRETER", "COMPILER"})
    void coreModuleFramesHaveSourceLines(Config.Strategy strategy) throws IOException {
        Engine engine = Engine.create(Config.builder().strategy(strategy).build());
        Component component = Component.compile(engine,
                Files.readAllBytes(Path.of("src/test/components/dwarf/crash.component.wasm")));
        ComponentInstance instance = ComponentLinker.<Void>create(engine).instantiate(Store.create(engine), component);
        ComponentFunc divide = instance.getFunc("divide").orElseThrow();
        assertThat(divide.callOne(ComponentValue.s32(7), ComponentValue.s32(2))).contains(ComponentValue.s32(4));
        Trap t = catchThrowableOfType(Trap.class, () -> divide.callOne(ComponentValue.s32(1), ComponentValue.s32(0)));
        assertThat(t.kind()).isEqualTo(TrapKind.INTEGER_DIVIDE_BY_ZERO);
        assertThat(t.backtrace()).extracting(Trap.Frame::source).containsExactly(
                List.of(new SourceLocation("quotient", "crash.c", 3, 14)),
                List.of(new SourceLocation("divide", "crash.c", 7, 12)));
    }
}
