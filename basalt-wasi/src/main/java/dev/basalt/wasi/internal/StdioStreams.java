package dev.basalt.wasi.internal;

import dev.basalt.wasi.WasiConfig;
import java.io.Closeable;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.Flushable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/** The Java streams behind a guest's stdio as {@link WasiConfig} grants them (shared by both WASI versions). */
public final class StdioStreams {
    private StdioStreams() {
    }

    /** Whether the stream is the host's own and the host runs on a terminal. */
    public static boolean isTerminal(WasiConfig.Stdio s) {
        return s instanceof WasiConfig.Stdio.Inherit && System.console() != null;
    }

    /**
     * Whether a context owns the streams it gets for {@code s} and must close them: only {@link
     * WasiConfig.Stdio.Streams} marked owned. Never the host's own stdio (closing the wrapper of
     * {@link FileDescriptor#out} would close the JVM's standard output) nor a stream shared by several contexts.
     */
    public static boolean owned(WasiConfig.Stdio s) {
        return s instanceof WasiConfig.Stdio.Streams st && st.owned();
    }

    /**
     * Ends a context's use of one of its stdio streams: flushes an output stream, then closes either stream if the
     * context owns it ({@link #owned}). Best effort: the first failure is thrown after both steps were tried.
     */
    public static void release(Closeable stream, boolean owned) throws IOException {
        IOException failure = null;
        if (stream instanceof Flushable f) {
            try {
                f.flush();
            } catch (IOException e) {
                failure = e;
            }
        }
        if (owned) {
            try {
                stream.close();
            } catch (IOException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    public static InputStream input(WasiConfig.Stdio s) {
        return switch (s) {
            case WasiConfig.Stdio.Inherit i -> new FileInputStream(FileDescriptor.in);
            case WasiConfig.Stdio.Closed c -> InputStream.nullInputStream();
            case WasiConfig.Stdio.Streams st -> st.in() != null ? st.in().get() : InputStream.nullInputStream();
        };
    }

    /** {@code inherited}: {@link FileDescriptor#out} or {@link FileDescriptor#err}. */
    public static OutputStream output(WasiConfig.Stdio s, FileDescriptor inherited) {
        return switch (s) {
            case WasiConfig.Stdio.Inherit i -> new FileOutputStream(inherited);
            case WasiConfig.Stdio.Closed c -> OutputStream.nullOutputStream();
            case WasiConfig.Stdio.Streams st -> st.out() != null ? st.out().get() : OutputStream.nullOutputStream();
        };
    }
}
