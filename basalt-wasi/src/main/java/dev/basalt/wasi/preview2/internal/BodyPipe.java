package dev.basalt.wasi.preview2.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.util.ArrayDeque;

/**
 * A bounded byte pipe between a guest writing an outbound request body and the HTTP client thread sending it.
 * Unlike {@link java.io.PipedInputStream} it does not tie either end to a thread (the guest's thread may finish
 * while the client still reads). The writer blocks while {@link #CAPACITY} bytes wait; {@link #in()} ends when the
 * writer closes, fails when it {@link #abort aborts}; writes fail once the reader has {@link #closeReader gone}.
 */
final class BodyPipe {
    static final int CAPACITY = 1 << 20;

    private final ArrayDeque<byte[]> chunks = new ArrayDeque<>();
    private byte[] head;
    private int headPos;
    private int buffered;
    private boolean writerClosed;
    private String abortReason;
    private boolean readerClosed;

    private final OutputStream out = new OutputStream() {
        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            put(java.util.Arrays.copyOfRange(b, off, off + len));
        }

        @Override
        public void close() {
            closeWriter();
        }
    };

    private final InputStream in = new InputStream() {
        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            return take(b, off, len);
        }

        @Override
        public void close() {
            closeReader();
        }
    };

    OutputStream out() {
        return out;
    }

    InputStream in() {
        return in;
    }

    private synchronized void put(byte[] bytes) throws IOException {
        if (bytes.length == 0) {
            return;
        }
        while (buffered >= CAPACITY && !readerClosed) {
            try {
                wait();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while writing a request body");
            }
        }
        if (readerClosed) {
            throw new IOException("the request is no longer being sent");
        }
        if (writerClosed || abortReason != null) {
            throw new IOException("the request body is already complete");
        }
        chunks.add(bytes);
        buffered += bytes.length;
        notifyAll();
    }

    private synchronized int take(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        while (head == null && chunks.isEmpty()) {
            if (abortReason != null) {
                throw new IOException(abortReason);
            }
            if (writerClosed) {
                return -1;
            }
            try {
                wait();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while reading a request body");
            }
        }
        if (head == null) {
            head = chunks.poll();
            headPos = 0;
        }
        int n = Math.min(len, head.length - headPos);
        System.arraycopy(head, headPos, b, off, n);
        headPos += n;
        buffered -= n;
        if (headPos == head.length) {
            head = null;
        }
        notifyAll();
        return n;
    }

    synchronized void closeWriter() {
        writerClosed = true;
        notifyAll();
    }

    /** The body ended abnormally: the reader fails with {@code reason} once it has read what was written. */
    synchronized void abort(String reason) {
        abortReason = reason;
        notifyAll();
    }

    synchronized void closeReader() {
        readerClosed = true;
        chunks.clear();
        head = null;
        buffered = 0;
        notifyAll();
    }
}
