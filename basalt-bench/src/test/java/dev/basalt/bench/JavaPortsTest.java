package dev.basalt.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Each plain-Java port computes what its Wasm build does: the workload's expected checksum. */
class JavaPortsTest {
    @ParameterizedTest
    @ValueSource(strings = {"fib", "hash", "mandel", "matmul", "sieve", "sort"})
    void portReturnsTheWasmBuildsResult(String workload) {
        long expected = Workload.all().stream().filter(w -> w.name().equals(workload)).findFirst().orElseThrow()
                .expected();
        assertThat(JavaPorts.run(workload)).isEqualTo(expected);
    }

    @Test
    void everyPortIsAWorkloadAndOthersAreRefused() {
        assertThat(Workload.all().stream().map(Workload::name)).containsAll(JavaPorts.NAMES);
        assertThatThrownBy(() -> JavaPorts.run("deflate")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no Java port of deflate");
    }
}
