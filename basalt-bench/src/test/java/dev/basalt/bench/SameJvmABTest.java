package dev.basalt.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The same-JVM A/B harness runs a build from its own class loader next to Endive and reports both (no timing). */
class SameJvmABTest {
    @Test
    void runsABuildInItsOwnLoaderAndEndiveAlternated() throws Exception {
        // This module's classes as the build (the harness puts them before its own location, the same directory).
        String build = Path.of(SameJvmAB.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        PrintStream out = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            SameJvmAB.main(new String[] {"fib", "0", "2", build, "endive"});
        } finally {
            System.setOut(out);
        }
        String line = captured.toString(StandardCharsets.UTF_8).strip();
        // Each build checked fib's answer on every call (a wrong one throws); both are reported.
        assertThat(line).startsWith("fib").contains("[0] ").contains("[1] endive: median ");
    }

    @Test
    void javaBuildRunsThePlainJavaPortBesideABuild() throws Exception {
        String build = Path.of(SameJvmAB.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        PrintStream out = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            SameJvmAB.main(new String[] {"fib", "0", "1", build, "java"});
        } finally {
            System.setOut(out);
        }
        // The port's result is checked against the workload's on every call, as the builds' are.
        assertThat(captured.toString(StandardCharsets.UTF_8).strip()).startsWith("fib").contains("[0] ")
                .contains("[1] java: median ");
        org.assertj.core.api.Assertions.assertThatThrownBy(
                () -> SameJvmAB.main(new String[] {"deflate", "0", "1", "java"}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no Java port of deflate");
    }

    @Test
    void meteringSuffixesRunTheBuildMetered() throws Exception {
        String build = Path.of(SameJvmAB.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        PrintStream out = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            SameJvmAB.main(new String[] {"fib", "0", "1", build + "@fuel", build + "@deadline", build + "@pending"});
        } finally {
            System.setOut(out);
        }
        String line = captured.toString(StandardCharsets.UTF_8).strip();
        assertThat(line).contains("[0] classes@fuel: median ").contains("[1] classes@deadline: median ")
                .contains("[2] classes@pending: median ");
        assertThat(SameJvmAB.Metering.of("fuel")).isEqualTo(SameJvmAB.Metering.FUEL);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> SameJvmAB.Metering.of("fast"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void fuelOptionReachesChildJvms() {
        System.setProperty(BasaltRunner.FUEL_PROPERTY, "true");
        try {
            assertThat(ProcessRunner.childJvm(ForkedRun.class, "basalt-compiler"))
                    .contains("-D" + BasaltRunner.FUEL_PROPERTY + "=true");
        } finally {
            System.clearProperty(BasaltRunner.FUEL_PROPERTY);
        }
        assertThat(ProcessRunner.childJvm(ForkedRun.class, "basalt-compiler"))
                .noneMatch(a -> a.contains(BasaltRunner.FUEL_PROPERTY));
    }
}
