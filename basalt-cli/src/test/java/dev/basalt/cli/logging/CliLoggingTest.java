package dev.basalt.cli.logging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The CLI's levels, its SLF4J provider (found by SLF4J through META-INF/services) and the JUL bridge. */
class CliLoggingTest {
    private final ByteArrayOutputStream captured = new ByteArrayOutputStream();

    @BeforeEach
    void capture() {
        CliLogging.output(new PrintStream(captured, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restore() {
        CliLogging.output(System.err);
        CliLogging.configure("warn");
    }

    private String lines() {
        return captured.toString(StandardCharsets.UTF_8);
    }

    @Test
    void theLongestLoggerPrefixDecidesElseTheDefault() {
        CliLogging.configure("info, org.eclipse.jetty=debug, org.eclipse.jetty.io=off, dev.basalt=TRACE");
        assertThat(CliLogging.levelOf("com.example.Thing")).isEqualTo(CliLogging.Level.INFO);
        assertThat(CliLogging.levelOf("org.eclipse.jetty")).isEqualTo(CliLogging.Level.DEBUG);
        assertThat(CliLogging.levelOf("org.eclipse.jetty.server.Server")).isEqualTo(CliLogging.Level.DEBUG);
        assertThat(CliLogging.levelOf("org.eclipse.jetty.io.ManagedSelector")).isEqualTo(CliLogging.Level.OFF);
        // a prefix counts on dot boundaries only
        assertThat(CliLogging.levelOf("org.eclipse.jettyx")).isEqualTo(CliLogging.Level.INFO);
        assertThat(CliLogging.levelOf("dev.basalt.serve")).isEqualTo(CliLogging.Level.TRACE);
        assertThatThrownBy(() -> CliLogging.configure("verbose")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unknown log level 'verbose': trace, debug, info, warn, error or off");
        assertThatThrownBy(() -> CliLogging.configure("=debug")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("a logger name is missing");
        // a bad spec leaves the levels as they were
        assertThat(CliLogging.levelOf("dev.basalt.serve")).isEqualTo(CliLogging.Level.TRACE);
    }

    @Test
    void slf4jLoggersWriteThroughTheProviderAndFollowLevelChanges() {
        Logger jetty = LoggerFactory.getLogger("org.eclipse.jetty.test.Component");
        Logger other = LoggerFactory.getLogger("com.example.Other");
        assertThat(LoggerFactory.getILoggerFactory().getClass().getName()).startsWith(CliSlf4jProvider.class.getName());
        CliLogging.configure("warn,org.eclipse.jetty=debug");
        assertThat(jetty.isDebugEnabled()).isTrue();
        assertThat(jetty.isTraceEnabled()).isFalse();
        assertThat(other.isInfoEnabled()).isFalse();
        jetty.debug("started {} on port {}", "connector", 8080);
        other.info("not shown");
        other.error("failed", new IllegalStateException("boom"));
        String text = lines();
        assertThat(text).containsPattern("(?m)^\\d{4}-\\d\\d-\\d\\dT[^ ]+ DEBUG \\[[^]]+] "
                + "org\\.eclipse\\.jetty\\.test\\.Component: started connector on port 8080$");
        assertThat(text).doesNotContain("not shown");
        assertThat(text).contains("ERROR [").contains("com.example.Other: failed")
                .contains("java.lang.IllegalStateException: boom").contains("\tat ");
        // the loggers made before see the new levels
        CliLogging.configure("off");
        assertThat(jetty.isErrorEnabled()).isFalse();
    }

    @Test
    void javaUtilLoggingAndSystemLoggerGoTheSameWay() {
        JulBridge.install();
        CliLogging.configure("warn,io.opentelemetry=debug");
        java.util.logging.Logger.getLogger("io.opentelemetry.exporter.Test").fine("exporter detail {0}");
        java.util.logging.Logger.getLogger("io.opentelemetry.exporter.Test").log(java.util.logging.Level.FINE,
                "exported {0} spans", 3);
        java.util.logging.Logger.getLogger("com.example.Quiet").info("not shown");
        System.getLogger("dev.basalt.serve").log(System.Logger.Level.WARNING, "a warning from Basalt");
        String text = lines();
        assertThat(text).contains("DEBUG [").contains("io.opentelemetry.exporter.Test: exporter detail {0}")
                .contains("io.opentelemetry.exporter.Test: exported 3 spans")
                .contains("WARN  [").contains("dev.basalt.serve: a warning from Basalt")
                .doesNotContain("not shown");
    }
}
