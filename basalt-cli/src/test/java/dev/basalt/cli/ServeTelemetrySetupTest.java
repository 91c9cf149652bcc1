package dev.basalt.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * When basalt serve builds an OpenTelemetry SDK (only when asked, never when the SDK is disabled) and that it
 * exports over OTLP/gRPC when {@code OTEL_EXPORTER_OTLP_PROTOCOL=grpc} (the http/protobuf path:
 * {@code ServeCommandTest}).
 */
class ServeTelemetrySetupTest {
    @Test
    void onlyTheFlagOrAnOtlpEndpointTurnsTelemetryOn() {
        assertThat(ServeTelemetrySetup.asked(false, Map.of())).isFalse();
        assertThat(ServeTelemetrySetup.asked(false, Map.of("OTEL_SERVICE_NAME", "shop"))).isFalse();
        assertThat(ServeTelemetrySetup.asked(true, Map.of())).isTrue();
        assertThat(ServeTelemetrySetup.asked(false, Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4318"))).isTrue();
        assertThat(ServeTelemetrySetup.asked(false, Map.of("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "http://c:4318/v1/traces")))
                .isTrue();
        assertThat(ServeTelemetrySetup.asked(false, Map.of("OTEL_EXPORTER_OTLP_LOGS_ENDPOINT", "http://c:4318/v1/logs")))
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

    /**
     * {@code OTEL_EXPORTER_OTLP_PROTOCOL=grpc} (here its system property form) sends spans as gRPC over plain-text
     * HTTP/2 to a collector at port 4317-style endpoints: a stand-in h2c collector receives the span, with our
     * service name.
     */
    @Test
    void exportsSpansOverGrpc() throws Exception {
        try (H2cGrpcCollector collector = new H2cGrpcCollector()) {
            Map<String, String> properties = Map.of(
                    "otel.exporter.otlp.endpoint", "http://127.0.0.1:" + collector.port(),
                    "otel.exporter.otlp.protocol", "grpc",
                    "otel.metrics.exporter", "none");
            properties.forEach(System::setProperty);
            try (io.opentelemetry.sdk.OpenTelemetrySdk sdk = ServeTelemetrySetup.create(false).orElseThrow()) {
                sdk.getTracer("test").spanBuilder("grpc-export-check").startSpan().end();
            } finally {
                properties.keySet().forEach(System::clearProperty);
            }
            // closing the SDK flushed the span: one ExportTraceServiceRequest carrying the span and service names
            assertThat(collector.messages()).isNotEmpty();
            String request = new String(collector.messages().getFirst(), java.nio.charset.StandardCharsets.ISO_8859_1);
            assertThat(request).contains("grpc-export-check").contains("basalt");
        }
    }

    @Test
    void httpProtobufGoesThroughTheJdkSenderUnlessTheUserChoseOne() {
        String previous = System.getProperty(ServeTelemetrySetup.HTTP_SENDER_SETTING);
        try {
            System.clearProperty(ServeTelemetrySetup.HTTP_SENDER_SETTING);
            ServeTelemetrySetup.preferJdkHttpSender(Map.of());
            assertThat(System.getProperty(ServeTelemetrySetup.HTTP_SENDER_SETTING))
                    .isEqualTo(ServeTelemetrySetup.JDK_HTTP_SENDER);
            System.clearProperty(ServeTelemetrySetup.HTTP_SENDER_SETTING);
            ServeTelemetrySetup.preferJdkHttpSender(Map.of("IO_OPENTELEMETRY_SDK_COMMON_EXPORT_HTTPSENDERPROVIDER",
                    "io.opentelemetry.exporter.sender.okhttp.internal.OkHttpHttpSenderProvider"));
            assertThat(System.getProperty(ServeTelemetrySetup.HTTP_SENDER_SETTING)).isNull();
        } finally {
            if (previous == null) {
                System.clearProperty(ServeTelemetrySetup.HTTP_SENDER_SETTING);
            } else {
                System.setProperty(ServeTelemetrySetup.HTTP_SENDER_SETTING, previous);
            }
        }
    }
}
