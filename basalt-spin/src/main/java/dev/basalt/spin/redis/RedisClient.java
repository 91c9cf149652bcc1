package dev.basalt.spin.redis;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLSocketFactory;

/**
 * One connection to a Redis server speaking RESP2. Unlike a general-purpose client it keeps a status reply
 * ({@code +OK}) apart from a bulk string, as {@code fermyon:spin/redis}'s {@code redis-result} does, and it bounds
 * what a reply may make the host allocate ({@link #maxReplyBytes}): a reply is read as the server sends it, never
 * sized up front from a length the server claims. Not thread-safe: one guest's connection at a time.
 */
public final class RedisClient implements AutoCloseable {
    /** A reply. */
    public sealed interface Reply {
        record Nil() implements Reply {
        }

        record Status(String value) implements Reply {
        }

        record Int(long value) implements Reply {
        }

        record Bulk(byte[] value) implements Reply {
        }

        record Array(List<Reply> elements) implements Reply {
        }
    }

    private static final int CONNECT_TIMEOUT_MS = 5_000;
    private static final int READ_TIMEOUT_MS = 30_000;
    /** Nesting of array replies (deeper ones are a broken or hostile server, not data). */
    private static final int MAX_DEPTH = 32;

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final long maxReplyBytes;
    private long replyBudget;

    private RedisClient(Socket socket, long maxReplyBytes) throws IOException {
        this.socket = socket;
        this.in = new BufferedInputStream(socket.getInputStream(), 16 * 1024);
        this.out = new BufferedOutputStream(socket.getOutputStream(), 16 * 1024);
        this.maxReplyBytes = maxReplyBytes;
    }

    /**
     * Connects to {@code address}, authenticates with its user and password and selects its database.
     *
     * @param maxReplyBytes the most one reply may hold (bulk strings' bytes plus 16 per element)
     * @throws RedisException if the server cannot be reached or refuses the login
     */
    public static RedisClient connect(RedisAddress address, long maxReplyBytes) {
        if (maxReplyBytes < 1 || maxReplyBytes > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("maxReplyBytes out of range: " + maxReplyBytes);
        }
        Socket s = address.tls() ? null : new Socket();
        try {
            if (address.tls()) {
                Socket plain = new Socket();
                plain.connect(new InetSocketAddress(address.host(), address.port()), CONNECT_TIMEOUT_MS);
                s = ((SSLSocketFactory) SSLSocketFactory.getDefault()).createSocket(plain, address.host(),
                        address.port(), true);
            } else {
                s.connect(new InetSocketAddress(address.host(), address.port()), CONNECT_TIMEOUT_MS);
            }
            s.setSoTimeout(READ_TIMEOUT_MS);
            s.setTcpNoDelay(true);
            RedisClient c = new RedisClient(s, maxReplyBytes);
            if (address.password().isPresent()) {
                if (address.user().isPresent()) {
                    c.command("AUTH", address.user().get(), address.password().get());
                } else {
                    c.command("AUTH", address.password().get());
                }
            }
            if (address.database() != 0) {
                c.command("SELECT", Integer.toString(address.database()));
            }
            return c;
        } catch (IOException e) {
            closeQuietly(s);
            throw new RedisException("cannot connect to " + address + ": " + e.getMessage(), e);
        } catch (RedisException e) {
            closeQuietly(s);
            throw new RedisException("cannot log in to " + address + ": " + e.getMessage(), e);
        }
    }

    private static void closeQuietly(Socket s) {
        if (s != null) {
            try {
                s.close();
            } catch (IOException ignored) {
                // the connection failed already; its error is the one reported
            }
        }
    }

    /** Sends a command of text arguments and reads its reply. */
    public Reply command(String... args) {
        byte[][] bytes = new byte[args.length][];
        for (int i = 0; i < args.length; i++) {
            bytes[i] = args[i].getBytes(StandardCharsets.UTF_8);
        }
        return command(bytes);
    }

    /**
     * Sends a command and reads its reply.
     *
     * @throws RedisException.ErrorReply if the server answers with an error
     * @throws RedisException if the connection fails or the reply is malformed or too large (the connection is
     *     closed then: its stream position is lost)
     */
    public Reply command(byte[]... args) {
        try {
            out.write(('*' + Integer.toString(args.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
            for (byte[] a : args) {
                out.write(('$' + Integer.toString(a.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                out.write(a);
                out.write('\r');
                out.write('\n');
            }
            out.flush();
            replyBudget = maxReplyBytes;
            return read(0);
        } catch (IOException e) {
            close();
            throw new RedisException("the connection to Redis failed: " + e.getMessage(), e);
        } catch (RedisException e) {
            if (!(e instanceof RedisException.ErrorReply)) {
                close();
            }
            throw e;
        }
    }

    /**
     * Reads the next reply without sending anything: the messages a server pushes after {@code SUBSCRIBE}. Blocks
     * up to the read timeout.
     *
     * @throws RedisException as {@link #command(byte[]...)}; a timeout leaves the connection open
     */
    public Reply receive() {
        try {
            replyBudget = maxReplyBytes;
            return read(0);
        } catch (java.net.SocketTimeoutException e) {
            throw new RedisException("no message within " + READ_TIMEOUT_MS + " ms", e);
        } catch (IOException e) {
            close();
            throw new RedisException("the connection to Redis failed: " + e.getMessage(), e);
        }
    }

    private Reply read(int depth) throws IOException {
        int type = in.read();
        if (type < 0) {
            throw new EOFException("the server closed the connection");
        }
        String line = line();
        return switch (type) {
            case '+' -> new Reply.Status(line);
            case '-' -> {
                if (depth > 0) {
                    // an error inside an array (EXEC): the rest of the array is unread, so the connection goes
                    throw new RedisException("error in the reply: " + line);
                }
                throw new RedisException.ErrorReply(line);
            }
            case ':' -> new Reply.Int(number(line));
            case '$' -> {
                long n = number(line);
                if (n < 0) {
                    yield new Reply.Nil();
                }
                take(n);
                byte[] b = in.readNBytes((int) n);
                if (b.length != n || in.read() != '\r' || in.read() != '\n') {
                    throw new EOFException("the server closed the connection in a reply");
                }
                yield new Reply.Bulk(b);
            }
            case '*' -> {
                long n = number(line);
                if (n < 0) {
                    yield new Reply.Nil();
                }
                if (depth >= MAX_DEPTH) {
                    throw new RedisException("malformed reply: arrays nested more than " + MAX_DEPTH + " deep");
                }
                List<Reply> elements = new ArrayList<>();
                for (long i = 0; i < n; i++) {
                    take(16);
                    elements.add(read(depth + 1));
                }
                yield new Reply.Array(elements);
            }
            default -> throw new RedisException("malformed reply: type byte " + type);
        };
    }

    private void take(long bytes) {
        replyBudget -= bytes;
        if (replyBudget < 0) {
            throw new RedisException("the reply is larger than " + maxReplyBytes + " bytes");
        }
    }

    /** A line up to CRLF (status, error and length lines are short: at most 64 KiB). */
    private String line() throws IOException {
        java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
        for (;;) {
            int c = in.read();
            if (c < 0) {
                throw new EOFException("the server closed the connection in a reply");
            }
            if (c == '\r') {
                if (in.read() != '\n') {
                    throw new RedisException("malformed reply: CR without LF");
                }
                return b.toString(StandardCharsets.UTF_8);
            }
            if (b.size() >= 64 * 1024) {
                throw new RedisException("malformed reply: a line longer than 64 KiB");
            }
            b.write(c);
        }
    }

    private static long number(String line) {
        try {
            return Long.parseLong(line);
        } catch (NumberFormatException e) {
            throw new RedisException("malformed reply: not a number: " + line);
        }
    }

    /** Whether the connection is still usable (a failed read or write closes it). */
    public boolean isOpen() {
        return !socket.isClosed();
    }

    @Override
    public void close() {
        closeQuietly(socket);
    }
}
