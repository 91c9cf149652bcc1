package dev.basalt.internal.interpreter;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The interpreter's opcode constants, their names and the translator's numeric table agree. */
class OpTest {
    @Test
    void everyOpcodeHasExactlyOneName() {
        assertThat(Op.NAMES).hasSize(Op.COUNT).doesNotContainNull().doesNotHaveDuplicates();
    }

    @Test
    void numericTableLinesUpWithTheConstants() {
        for (int i = 0; i < Op.NUMERIC.length; i++) {
            assertThat(Op.NAMES[Op.FIRST_NUMERIC + i]).as("numeric opcode %d", i).isEqualTo(Op.NUMERIC[i]);
        }
    }
}
