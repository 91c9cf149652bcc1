package dev.basalt.cli;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A stand-in OTLP/gRPC collector for tests: an HTTP/2 server over plain TCP with prior knowledge (h2c, what gRPC
 * collectors speak on port 4317), on a free loopback port. It answers every request stream as a successful unary
 * gRPC call (status 200, {@code content-type: application/grpc}, an empty response message, trailer
 * {@code grpc-status: 0}) and keeps the request messages. It decodes no HPACK (request headers are ignored) and
 * supports only what a unary client needs: SETTINGS and PING acknowledgements, HEADERS, DATA; request bodies stay
 * within the default 64 KiB flow-control window, so no WINDOW_UPDATE is sent.
 */
final class H2cGrpcCollector implements AutoCloseable {
    private static final byte[] PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final int DATA = 0;
    private static final int HEADERS = 1;
    private static final int SETTINGS = 4;
    private static final int PING = 6;
    private static final int END_STREAM = 0x1;
    private static final int ACK = 0x1;
    private static final int END_HEADERS = 0x4;
    private static final int PADDED = 0x8;

    private final ServerSocket server;
    private final Thread acceptor;
    private final List<byte[]> messages = new CopyOnWriteArrayList<>();
    private final List<Socket> connections = new CopyOnWriteArrayList<>();

    H2cGrpcCollector() throws IOException {
        server = new ServerSocket(0, 8, InetAddress.getLoopbackAddress());
        acceptor = Thread.ofPlatform().daemon().name("h2c-collector").start(this::accept);
    }

    int port() {
        return server.getLocalPort();
    }

    /** The gRPC request messages received so far (each without its 5-byte length prefix). */
    List<byte[]> messages() {
        return messages;
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                connections.add(s);
                Thread.ofPlatform().daemon().name("h2c-connection").start(() -> serve(s));
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void serve(Socket socket) {
        try (socket) {
            DataInputStream in = new DataInputStream(socket.getInputStream());
            OutputStream out = socket.getOutputStream();
            byte[] preface = new byte[PREFACE.length];
            in.readFully(preface);
            if (!java.util.Arrays.equals(preface, PREFACE)) {
                return; // not HTTP/2 with prior knowledge (e.g. an HTTP/1.1 request): hang up
            }
            frame(out, SETTINGS, 0, 0, new byte[0]);
            Map<Integer, ByteArrayOutputStream> bodies = new HashMap<>();
            while (true) {
                int length = (in.readUnsignedShort() << 8) | in.readUnsignedByte();
                int type = in.readUnsignedByte();
                int flags = in.readUnsignedByte();
                int stream = in.readInt() & 0x7fff_ffff;
                byte[] payload = new byte[length];
                in.readFully(payload);
                switch (type) {
                    case SETTINGS -> {
                        if ((flags & ACK) == 0) {
                            frame(out, SETTINGS, ACK, 0, new byte[0]);
                        }
                    }
                    case PING -> {
                        if ((flags & ACK) == 0) {
                            frame(out, PING, ACK, 0, payload);
                        }
                    }
                    case HEADERS -> {
                        bodies.putIfAbsent(stream, new ByteArrayOutputStream());
                        if ((flags & END_STREAM) != 0) {
                            respond(out, stream, bodies.remove(stream));
                        }
                    }
                    case DATA -> {
                        int padding = (flags & PADDED) != 0 ? payload[0] & 0xff : 0;
                        int start = (flags & PADDED) != 0 ? 1 : 0;
                        bodies.computeIfAbsent(stream, k -> new ByteArrayOutputStream())
                                .write(payload, start, payload.length - start - padding);
                        if ((flags & END_STREAM) != 0) {
                            respond(out, stream, bodies.remove(stream));
                        }
                    }
                    default -> {
                        // WINDOW_UPDATE, PRIORITY, RST_STREAM, GOAWAY, CONTINUATION: nothing to do for a test
                    }
                }
            }
        } catch (EOFException e) {
            // the client closed the connection
        } catch (IOException e) {
            // closed by close() or by the client
        }
    }

    /** Keeps the request's gRPC messages and answers the stream with an empty message and grpc-status 0. */
    private void respond(OutputStream out, int stream, ByteArrayOutputStream body) throws IOException {
        byte[] b = body == null ? new byte[0] : body.toByteArray();
        for (int i = 0; i + 5 <= b.length; ) {
            int len = ((b[i + 1] & 0xff) << 24) | ((b[i + 2] & 0xff) << 16) | ((b[i + 3] & 0xff) << 8) | (b[i + 4] & 0xff);
            messages.add(java.util.Arrays.copyOfRange(b, i + 5, Math.min(b.length, i + 5 + len)));
            i += 5 + len;
        }
        ByteArrayOutputStream headers = new ByteArrayOutputStream();
        headers.write(0x88); // :status 200 (HPACK static table entry 8)
        headers.write(0x0f); // literal without indexing, name = static entry 31 (content-type): 15 + ...
        headers.write(0x10); // ... 16
        literal(headers, "application/grpc");
        frame(out, HEADERS, END_HEADERS, stream, headers.toByteArray());
        frame(out, DATA, 0, stream, new byte[5]); // an empty response message (uncompressed, length 0)
        ByteArrayOutputStream trailers = new ByteArrayOutputStream();
        trailers.write(0x00); // literal without indexing, new name
        literal(trailers, "grpc-status");
        literal(trailers, "0");
        frame(out, HEADERS, END_HEADERS | END_STREAM, stream, trailers.toByteArray());
    }

    /** An HPACK string literal without Huffman coding (all ours are shorter than 127 bytes). */
    private static void literal(ByteArrayOutputStream out, String s) {
        byte[] bytes = s.getBytes(StandardCharsets.US_ASCII);
        out.write(bytes.length);
        out.writeBytes(bytes);
    }

    private static synchronized void frame(OutputStream out, int type, int flags, int stream, byte[] payload)
            throws IOException {
        byte[] header = {(byte) (payload.length >>> 16), (byte) (payload.length >>> 8), (byte) payload.length,
            (byte) type, (byte) flags, (byte) (stream >>> 24), (byte) (stream >>> 16), (byte) (stream >>> 8),
            (byte) stream};
        out.write(header);
        out.write(payload);
        out.flush();
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket s : connections) {
            s.close();
        }
        try {
            acceptor.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
