package dev.basalt.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** When basalt serve builds an OpenTelemetry SDK: only when asked, never when the SDK is disabled. */
class ServeTelemetrySetupTest {
    @Test
    void onlyTheFlagOrAnOtlpEndpointTurnsTelemetryOn() {
        assertThat(ServeTelemetrySetup.asked(false, Map.of())).isFalse();
        assertThat(ServeTelemetrySetup.asked(false, Map.of("OTEL_SERVICE_NAME", "shop"))).isFalse();
        assertThat(ServeTelemetrySetup.asked(true, Map.of())).isTrue();
        assertThat(ServeTelemetrySetup.asked(false, Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4318"))).isTrue();
        assertThat(ServeTelemetrySetup.asked(false, Map.of("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "http://c:4318/v1/traces")))
                .isTrue();
        assertThat(ServeTelemetrySetup.asked(false, Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", " "))).isFalse();
        assertThat(ServeTelemetrySetup.asked(true, Map.of("OTEL_SDK_DISABLED", "true"))).isFalse();
        assertThat(ServeTelemetrySetup.asked(false, Map.of("OTEL_SDK_DISABLED", "TRUE",
                "OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4318"))).isFalse();
        // the system property form counts as the variable does
        System.setProperty("otel.exporter.otlp.endpoint", "http://collector:4318");
        try {
            assertThat(ServeTelemetrySetup.asked(false, Map.of())).isTrue();
        } finally {
            System.clearProperty("otel.exporter.otlp.endpoint");
        }
    }
}
