package dev.basalt.cli;

import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import java.util.Map;
import java.util.Optional;

/**
 * {@code basalt serve}'s OpenTelemetry SDK, configured as any OpenTelemetry Java SDK by the standard
 * {@code OTEL_*} environment variables (or {@code otel.*} system properties): exporters
 * ({@code OTEL_TRACES_EXPORTER}, {@code OTEL_METRICS_EXPORTER}, {@code OTEL_LOGS_EXPORTER}; OTLP by default), endpoint and protocol
 * ({@code OTEL_EXPORTER_OTLP_ENDPOINT}, {@code OTEL_EXPORTER_OTLP_PROTOCOL}: {@code http/protobuf}, sent with
 * {@code java.net.http}, or {@code grpc}, sent with OkHttp, which speaks HTTP/2 to plain-text collectors as gRPC
 * needs; also per signal, {@code OTEL_EXPORTER_OTLP_TRACES_PROTOCOL}), headers, sampler, resource attributes,
 * propagators ({@code tracecontext,baggage} by default), export intervals. Our defaults, which the variables
 * override: {@code service.name} {@code basalt} and the protocol {@code http/protobuf} (the specification's default;
 * the SDK's is grpc). The log exporter carries the guests' logs ({@code wasi:logging} records and stdout/stderr lines, see
 * basalt-serve's {@code GuestLogs}); Basalt's own logs go to stderr ({@code --log-level}), not to the exporter.
 *
 * <p>Telemetry is on only when asked: {@code --otel}, or an OTLP endpoint variable or property is set; and never
 * when {@code OTEL_SDK_DISABLED=true}. Off, no SDK is built and the server makes no telemetry calls.
 */
final class ServeTelemetrySetup {
    private static final String[] ENDPOINT_VARIABLES = {"OTEL_EXPORTER_OTLP_ENDPOINT",
        "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "OTEL_EXPORTER_OTLP_METRICS_ENDPOINT", "OTEL_EXPORTER_OTLP_LOGS_ENDPOINT"};

    private ServeTelemetrySetup() {
    }

    /** Whether telemetry was asked for by {@code flag} or by the environment / system properties. */
    static boolean asked(boolean flag, Map<String, String> env) {
        if ("true".equalsIgnoreCase(setting(env, "OTEL_SDK_DISABLED"))) {
            return false;
        }
        if (flag) {
            return true;
        }
        for (String v : ENDPOINT_VARIABLES) {
            String value = setting(env, v);
            if (value != null && !value.isBlank()) {
                return true;
            }
        }
        return false;
    }

    /** A variable's value, or its system property form's ({@code OTEL_A_B} -> {@code otel.a.b}), which wins. */
    private static String setting(Map<String, String> env, String variable) {
        String property = System.getProperty(variable.toLowerCase(java.util.Locale.ROOT).replace('_', '.'));
        return property != null ? property : env.get(variable);
    }

    /** The exporters' setting that picks one of several HTTP senders on the class path. */
    static final String HTTP_SENDER_SETTING = "io.opentelemetry.sdk.common.export.HttpSenderProvider";
    /** The java.net.http sender: no extra threads or connection pool beside the JDK's, the choice for http/protobuf. */
    static final String JDK_HTTP_SENDER = "io.opentelemetry.exporter.sender.jdk.internal.JdkHttpSenderProvider";

    /**
     * Makes the OTLP exporters send http/protobuf with java.net.http. Both the JDK and the OkHttp sender (there for
     * gRPC) offer HTTP; with two, the SDK logs a warning and takes either, unless this setting (a system property, or
     * the variable {@code IO_OPENTELEMETRY_SDK_COMMON_EXPORT_HTTPSENDERPROVIDER}) names one. A user's own choice
     * stays.
     */
    static void preferJdkHttpSender(Map<String, String> env) {
        if (System.getProperty(HTTP_SENDER_SETTING) == null
                && env.get(HTTP_SENDER_SETTING.toUpperCase(java.util.Locale.ROOT).replace('.', '_')) == null) {
            System.setProperty(HTTP_SENDER_SETTING, JDK_HTTP_SENDER);
        }
    }

    /** The SDK, if telemetry is asked for; the caller closes it (which flushes what is not exported yet). */
    static Optional<OpenTelemetrySdk> create(boolean flag) {
        if (!asked(flag, System.getenv())) {
            return Optional.empty();
        }
        preferJdkHttpSender(System.getenv());
        try {
            return Optional.of(AutoConfiguredOpenTelemetrySdk.builder()
                    .addPropertiesSupplier(() -> Map.of("otel.service.name", "basalt",
                            // the specification's default; the SDK's own is grpc
                            "otel.exporter.otlp.protocol", "http/protobuf"))
                    // closed by basalt serve when it stops (also on a signal, by its own shutdown hook)
                    .disableShutdownHook()
                    .build()
                    .getOpenTelemetrySdk());
        } catch (RuntimeException e) {
            // ConfigurationException: a bad OTEL_* value; the reason is often in the causes
            StringBuilder message = new StringBuilder("OpenTelemetry configuration: ").append(e.getMessage());
            for (Throwable c = e.getCause(); c != null && c != c.getCause(); c = c.getCause()) {
                message.append(": ").append(c.getMessage());
            }
            throw new Main.CliException(message.toString(), Main.USAGE);
        }
    }
}
