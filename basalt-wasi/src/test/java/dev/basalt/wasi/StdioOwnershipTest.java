package dev.basalt.wasi;

import static org.assertj.core.api.Assertions.assertThat;

import dev.basalt.Engine;
import dev.basalt.Instance;
import dev.basalt.Linker;
import dev.basalt.Module;
import dev.basalt.Store;
import dev.basalt.wasi.preview2.WasiComponentContext;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FileDescriptor;
import java.io.FilterOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Closing a guest's context (or the guest closing a stdio descriptor) closes the stdio streams the context owns and
 * only flushes the others: the host's own stdio and streams shared by several contexts stay usable.
 */
class StdioOwnershipTest {
    private static final Engine ENGINE = Engine.create();

    /** A sink that records whether it was flushed and closed, and refuses writes once closed. */
    static final class Sink extends FilterOutputStream {
        final ByteArrayOutputStream bytes;
        boolean closed;
        int flushesBeforeClose;

        Sink() {
            this(new ByteArrayOutputStream());
        }

        private Sink(ByteArrayOutputStream bytes) {
            super(new java.io.BufferedOutputStream(bytes, 1024));
            this.bytes = bytes;
        }

        @Override
        public void write(int b) throws java.io.IOException {
            if (closed) {
                throw new java.io.IOException("closed");
            }
            super.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) throws java.io.IOException {
            if (closed) {
                throw new java.io.IOException("closed");
            }
            out.write(b, off, len);
        }

        @Override
        public void flush() throws java.io.IOException {
            if (!closed) {
                flushesBeforeClose++;
            }
            super.flush();
        }

        @Override
        public void close() throws java.io.IOException {
            super.close();
            closed = true;
        }

        String text() {
            return bytes.toString(StandardCharsets.UTF_8);
        }
    }

    static final class ClosingInput extends ByteArrayInputStream {
        boolean closed;

        ClosingInput() {
            super(new byte[0]);
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    @Test
    void aContextClosesTheStreamsItOwnsAfterFlushingThem() {
        List<Sink> outs = new ArrayList<>();
        List<Sink> errs = new ArrayList<>();
        List<ClosingInput> ins = new ArrayList<>();
        WasiConfig config = WasiConfig.builder()
                .stdoutPerContext(() -> add(outs, new Sink()))
                .stderrPerContext(() -> add(errs, new Sink()))
                .stdinPerContext(() -> add(ins, new ClosingInput())).build();
        try (WasiContext first = WasiContext.create(config); WasiContext second = WasiContext.create(config)) {
            assertThat(outs).hasSize(2).doesNotHaveDuplicates();
            writeOut(first, "buffered");
            assertThat(outs.get(0).text()).as("still in the sink's buffer").isEmpty();
            first.close();
            assertThat(outs.get(0).text()).isEqualTo("buffered");
            assertThat(outs.get(0).closed).isTrue();
            assertThat(outs.get(0).flushesBeforeClose).isPositive();
            assertThat(errs.get(0).closed).isTrue();
            assertThat(ins.get(0).closed).isTrue();
            assertThat(outs.get(1).closed).as("the other context's stream").isFalse();
            first.close(); // a second close is harmless
        }
        assertThat(outs.get(1).closed).isTrue();
        assertThat(errs.get(1).closed).isTrue();
        assertThat(ins.get(1).closed).isTrue();
    }

    @Test
    void aSharedStreamIsFlushedButStaysOpenForTheOtherContexts() throws Exception {
        Sink shared = new Sink();
        WasiConfig config = WasiConfig.builder().stdout(shared).build();
        try (WasiContext first = WasiContext.create(config)) {
            writeOut(first, "one ");
        }
        assertThat(shared.closed).isFalse();
        assertThat(shared.text()).isEqualTo("one ");
        try (WasiContext second = WasiContext.create(config)) {
            writeOut(second, "two");
        }
        assertThat(shared.closed).isFalse();
        assertThat(shared.text()).isEqualTo("one two");
    }

    @Test
    void theHostsOwnStdioIsNeverClosed() {
        WasiConfig config = WasiConfig.builder().inheritStdio().build();
        WasiContext.create(config).close();
        WasiComponentContext.create(config).close();
        // Closing a FileOutputStream over FileDescriptor.out would invalidate the JVM's descriptor itself.
        assertThat(FileDescriptor.in.valid()).isTrue();
        assertThat(FileDescriptor.out.valid()).isTrue();
        assertThat(FileDescriptor.err.valid()).isTrue();
    }

    @Test
    void aGuestClosingStdoutClosesAnOwnedStreamAndFlushesASharedOne() {
        String wat = """
                (module
                  (import "wasi_snapshot_preview1" "fd_write" (func $w (param i32 i32 i32 i32) (result i32)))
                  (import "wasi_snapshot_preview1" "fd_close" (func $close (param i32) (result i32)))
                  (memory (export "memory") 1)
                  (data (i32.const 16) "bye")
                  (func (export "run") (result i32)
                    (i32.store (i32.const 0) (i32.const 16))
                    (i32.store (i32.const 4) (i32.const 3))
                    (drop (call $w (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))
                    (call $close (i32.const 1))))
                """;
        List<Sink> owned = new ArrayList<>();
        Sink shared = new Sink();
        for (WasiConfig config : List.of(WasiConfig.builder().stdoutPerContext(() -> add(owned, new Sink())).build(),
                WasiConfig.builder().stdout(shared).build())) {
            try (WasiContext ctx = WasiContext.create(config)) {
                Linker<WasiContext> linker = Linker.create(ENGINE);
                WasiPreview1.addToLinker(linker, c -> c);
                Instance instance = linker.instantiate(Store.create(ENGINE, ctx), Module.fromWat(ENGINE, wat));
                assertThat(instance.getFunc("run").orElseThrow().callI32()).isZero();
                assertThat(ctx.fds).doesNotContainKey(1);
            }
        }
        assertThat(owned.getFirst().closed).isTrue();
        assertThat(owned.getFirst().text()).isEqualTo("bye");
        assertThat(shared.closed).isFalse();
        assertThat(shared.text()).isEqualTo("bye");
    }

    @Test
    void aComponentContextClosesTheStreamsItOwnsAndOnlyThose() {
        List<Sink> owned = new ArrayList<>();
        Sink shared = new Sink();
        WasiConfig config = WasiConfig.builder().stdoutPerContext(() -> add(owned, new Sink())).stderr(shared)
                .build();
        WasiComponentContext.create(config).close();
        assertThat(owned).hasSize(1);
        assertThat(owned.getFirst().closed).isTrue();
        assertThat(shared.closed).isFalse();
        assertThat(shared.flushesBeforeClose).isPositive();
    }

    private static void writeOut(WasiContext ctx, String text) {
        OutputStream out = ((Descriptor.Stream) ctx.fds.get(1)).out;
        try {
            out.write(text.getBytes(StandardCharsets.UTF_8));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static <T> T add(List<? super T> list, T item) {
        list.add(item);
        return item;
    }
}
