package dev.basalt.serve;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Objects;
import org.eclipse.jetty.server.CustomRequestLog;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.RequestLog;
import org.eclipse.jetty.server.RequestLogWriter;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.component.ContainerLifeCycle;

/**
 * An access log for {@link WasiHttpServer.Builder#requestLog}: one line per request, written once its response is
 * complete, in the NCSA combined or common format as Apache httpd writes them, e.g.
 * {@code 127.0.0.1 - - [27/Nov/2026:01:02:03 +0000] "GET /x?y HTTP/1.1" 200 12 "-" "curl/8.5"} (the size is the
 * body's, {@code -} for none; Jetty's own NCSA format counts the headers too, so it is not used), or in any
 * format string of Jetty's {@link CustomRequestLog} ({@code %a %t "%r" %s %O %{ms}T} ...).
 */
public final class AccessLog extends ContainerLifeCycle implements RequestLog {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ROOT)
            .withZone(ZoneId.systemDefault());

    private final RequestLog.Writer writer;
    private final boolean combined;

    private AccessLog(RequestLog.Writer writer, boolean combined) {
        this.writer = writer;
        this.combined = combined;
        addBean(writer);
    }

    /**
     * A log of {@code format} ({@code combined}, {@code common}, or a Jetty format string with {@code %} codes)
     * to {@code writer} (called by Jetty's threads, one line at a time without its line end).
     *
     * @throws IllegalArgumentException for an unknown format name or a malformed format string
     */
    public static RequestLog create(String format, RequestLog.Writer writer) {
        Objects.requireNonNull(writer, "writer");
        return switch (format) {
            case "combined" -> new AccessLog(writer, true);
            case "common" -> new AccessLog(writer, false);
            default -> {
                if (!format.contains("%")) {
                    throw new IllegalArgumentException("unknown access log format " + format
                            + ": combined, common, or a format string with % codes");
                }
                yield new CustomRequestLog(writer, format);
            }
        };
    }

    /**
     * A writer appending lines to {@code file} (created if missing). A {@code yyyy_mm_dd} in the file's name is
     * replaced by the date, and the log then rolls over to a new file each day.
     */
    public static RequestLog.Writer fileWriter(Path file) {
        RequestLogWriter w = new RequestLogWriter(file.toString());
        w.setAppend(true);
        return w;
    }

    @Override
    public void log(Request request, Response response) {
        StringBuilder sb = new StringBuilder(160);
        sb.append(Request.getRemoteAddr(request)).append(" - - [")
                .append(TIME.format(Instant.ofEpochMilli(Request.getTimeStamp(request)))).append("] \"");
        String target = request.getHttpURI().getPathQuery();
        escaped(sb, request.getMethod() + " " + (target == null || target.isEmpty() ? "/" : target) + " "
                + request.getConnectionMetaData().getProtocol());
        sb.append("\" ").append(response.getStatus()).append(' ');
        // Jetty counts the bytes on the connection (headers too): the server counts the guest's body (see
        // counting), and a response Jetty wrote itself (404, 500) declares its length
        long bytes = request.getAttribute(BODY_BYTES) instanceof long[] counted ? counted[0]
                : response.getHeaders().getLongField("content-length");
        if (bytes > 0) {
            sb.append(bytes);
        } else {
            sb.append('-');
        }
        if (combined) {
            sb.append(' ');
            quoted(sb, request.getHeaders().get("referer"));
            sb.append(' ');
            quoted(sb, request.getHeaders().get("user-agent"));
        }
        try {
            writer.write(sb.toString());
        } catch (IOException e) {
            System.getLogger("dev.basalt.serve").log(System.Logger.Level.WARNING, "cannot write the access log", e);
        }
    }

    /** The request attribute holding the count of body bytes the guest wrote (a {@code long[1]}). */
    private static final String BODY_BYTES = AccessLog.class.getName() + ".bodyBytes";

    /** {@code body}, counting what is written to it for the access log line of {@code request}. */
    static OutputStream counting(Request request, OutputStream body) {
        long[] count = new long[1];
        request.setAttribute(BODY_BYTES, count);
        return new FilterOutputStream(body) {
            @Override
            public void write(int b) throws IOException {
                out.write(b);
                count[0]++;
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                out.write(b, off, len);
                count[0] += len;
            }
        };
    }

    private static void quoted(StringBuilder sb, String value) {
        if (value == null) {
            sb.append("\"-\"");
        } else {
            sb.append('"');
            escaped(sb, value);
            sb.append('"');
        }
    }

    /** As httpd: quotes and backslashes escaped, control and non-ASCII characters as {@code \xhh}, so one request is one line. */
    private static void escaped(StringBuilder sb, String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                sb.append('\\').append(c);
            } else if (c < 0x20 || c >= 0x7f) {
                sb.append(String.format(Locale.ROOT, "\\x%02x", c & 0xff));
            } else {
                sb.append(c);
            }
        }
    }
}
