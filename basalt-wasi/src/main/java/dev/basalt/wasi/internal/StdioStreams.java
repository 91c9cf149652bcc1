package dev.basalt.wasi.internal;

import dev.basalt.wasi.WasiConfig;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
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
