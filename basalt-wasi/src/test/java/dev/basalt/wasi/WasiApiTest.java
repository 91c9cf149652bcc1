package dev.basalt.wasi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.basalt.wasi.internal.Errno;
import dev.basalt.Engine;
import dev.basalt.Instance;
import dev.basalt.Linker;
import dev.basalt.Module;
import dev.basalt.Store;
import dev.basalt.Trap;
import dev.basalt.TrapKind;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The embedding API itself: what a context grants, what the linker defines, how exit and errors surface. */
class WasiApiTest {
    private static final Engine ENGINE = Engine.create();

    @TempDir
    Path tmp;

    private static Instance instantiate(String wat, WasiContext ctx) {
        Linker<WasiContext> linker = Linker.create(ENGINE);
        WasiPreview1.addToLinker(linker, c -> c);
        return linker.instantiate(Store.create(ENGINE, ctx), Module.fromWat(ENGINE, wat));
    }

    @Test
    void definesEveryPreview1Function() {
        // The witx list of wasi_snapshot_preview1, typed out independently of the implementation.
        assertThat(WasiPreview1.functionNames()).containsExactlyInAnyOrder(
                "args_get", "args_sizes_get", "environ_get", "environ_sizes_get", "clock_res_get", "clock_time_get",
                "fd_advise", "fd_allocate", "fd_close", "fd_datasync", "fd_fdstat_get", "fd_fdstat_set_flags",
                "fd_fdstat_set_rights", "fd_filestat_get", "fd_filestat_set_size", "fd_filestat_set_times",
                "fd_pread", "fd_prestat_get", "fd_prestat_dir_name", "fd_pwrite", "fd_read", "fd_readdir",
                "fd_renumber", "fd_seek", "fd_sync", "fd_tell", "fd_write", "path_create_directory",
                "path_filestat_get", "path_filestat_set_times", "path_link", "path_open", "path_readlink",
                "path_remove_directory", "path_rename", "path_symlink", "path_unlink_file", "poll_oneoff",
                "proc_exit", "proc_raise", "sched_yield", "random_get", "sock_accept", "sock_recv", "sock_send",
                "sock_shutdown");
    }

    @Test
    void descriptorsAreStdioThenDirectoriesThenSockets() throws IOException {
        Path a = Files.createDirectory(tmp.resolve("a"));
        Path b = Files.createDirectory(tmp.resolve("b"));
        WasiConfig config = WasiConfig.builder().preopenDir(a, "/a").preopenDir(b, "/b", true)
                .listen(new InetSocketAddress("127.0.0.1", 0)).build();
        try (WasiContext ctx = WasiContext.create(config)) {
            assertThat(ctx.preopens()).isEqualTo(Map.of(3, "/a", 4, "/b"));
            assertThat(ctx.fds.get(5)).isInstanceOf(Descriptor.Listener.class);
            assertThat(ctx.listenAddresses().getFirst().getPort()).isPositive();
        }
    }

    @Test
    void badGrantsAreRejectedWhenTheContextIsMade() throws IOException {
        Path file = Files.writeString(tmp.resolve("f"), "x");
        assertThatThrownBy(() -> WasiContext.create(WasiConfig.builder().preopenDir(tmp.resolve("nope"), "/x").build()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cannot pre-open");
        assertThatThrownBy(() -> WasiContext.create(WasiConfig.builder().preopenDir(file, "/x").build()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a directory");
        assertThatThrownBy(() -> WasiConfig.builder().env("A=B", "c")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> WasiConfig.builder().env("", "c")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void environmentIsOnlyWhatWasGranted() {
        WasiConfig none = WasiConfig.builder().build();
        assertThat(none.env()).isEmpty();
        WasiConfig some = WasiConfig.builder().env("PATH", "/mine").inheritEnv().build();
        assertThat(some.env()).containsEntry("PATH", "/mine");
        assertThat(some.env().size()).isEqualTo(System.getenv().containsKey("PATH")
                ? System.getenv().size() : System.getenv().size() + 1);
    }

    private static final String WRITER = """
            (module
              (import "wasi_snapshot_preview1" "fd_write" (func $w (param i32 i32 i32 i32) (result i32)))
              (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
              (memory (export "memory") 1)
              (data (i32.const 16) "out")
              (func (export "write") (param $iov i32) (result i32)
                (call $w (i32.const 1) (local.get $iov) (i32.const 1) (i32.const 8)))
              (func (export "exit") (param i32) (call $exit (local.get 0)))
              (func (export "_start")))
            """;

    @Test
    void exitUnwindsToTheEmbedderAndTheStoreStaysUsable() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (WasiContext ctx = WasiContext.create(WasiConfig.builder().stdout(out).build())) {
            Instance instance = instantiate(WRITER, ctx);
            var exit = instance.getFunc("exit").orElseThrow();
            assertThatThrownBy(() -> exit.call(dev.basalt.Val.i32(42)))
                    .isInstanceOfSatisfying(WasiExitException.class, e -> assertThat(e.exitCode()).isEqualTo(42));
            var memory = instance.getMemory("memory").orElseThrow();
            memory.writeInt(0, 16);
            memory.writeInt(4, 3);
            assertThat(instance.getFunc("write").orElseThrow().callI32(0)).isZero();
            assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("out");
            assertThat(memory.readInt(8)).isEqualTo(3);
            // an iovec pointing past the end of memory: EFAULT, no trap, nothing written
            memory.writeInt(0, 65_535);
            assertThat(instance.getFunc("write").orElseThrow().callI32(0)).isEqualTo(Errno.FAULT);
            assertThat(WasiPreview1.runCommand(instance)).isZero();
        }
    }

    @Test
    void aModuleWithoutMemoryTrapsWithAClearMessage() {
        String wat = """
                (module
                  (import "wasi_snapshot_preview1" "args_sizes_get" (func $s (param i32 i32) (result i32)))
                  (func (export "_start") (drop (call $s (i32.const 0) (i32.const 4)))))
                """;
        try (WasiContext ctx = WasiContext.create(WasiConfig.builder().build())) {
            Instance instance = instantiate(wat, ctx);
            assertThatThrownBy(() -> WasiPreview1.runCommand(instance))
                    .isInstanceOfSatisfying(Trap.class, t -> assertThat(t.kind()).isEqualTo(TrapKind.HOST_ERROR))
                    .hasMessageContaining("export its memory as \"memory\"");
        }
    }

    @Test
    void theVirtualClockStepsPerReadingAndSleepsInstantly() throws InterruptedException {
        WasiClock clock = WasiClock.deterministic(1_000, 10);
        assertThat(clock.realtimeNanos()).isEqualTo(1_000);
        assertThat(clock.monotonicNanos()).isEqualTo(10);
        long before = System.nanoTime();
        clock.sleep(3_600_000_000_000L);
        assertThat(System.nanoTime() - before).isLessThan(1_000_000_000L);
        assertThat(clock.monotonicNanos()).isEqualTo(3_600_000_000_020L);
        assertThat(clock.resolutionNanos(1)).isEqualTo(10);
    }

    @Test
    void closingTheContextClosesWhatTheGuestLeftOpen() throws IOException {
        WasiConfig config = WasiConfig.builder().listen(new InetSocketAddress("127.0.0.1", 0)).build();
        WasiContext ctx = WasiContext.create(config);
        var listener = (Descriptor.Listener) ctx.fds.get(3);
        ctx.close();
        assertThat(listener.channel.isOpen()).isFalse();
        assertThat(ctx.fds).isEmpty();
        assertThat(List.copyOf(ctx.preopens().values())).isEmpty();
    }

    /**
     * The store's deadline (and {@link Store#interrupt()}) ends a poll_oneoff sleep: the guest gets INTR and traps
     * at its next checkpoint with the deadline's trap; the thread's interrupt flag is clear afterwards.
     */
    @Test
    void aDeadlineEndsAPollOneoffSleep() {
        // one clock subscription of an hour (relative, monotonic), then a loop: the loop's checkpoint traps
        String wat = """
                (module
                  (import "wasi_snapshot_preview1" "poll_oneoff" (func $poll (param i32 i32 i32 i32) (result i32)))
                  (memory (export "memory") 1)
                  (func (export "sleep") (result i32)
                    (i64.store (i32.const 0) (i64.const 7))
                    (i32.store8 (i32.const 8) (i32.const 0))
                    (i32.store (i32.const 16) (i32.const 1))
                    (i64.store (i32.const 24) (i64.const 3600000000000))
                    (i32.store16 (i32.const 40) (i32.const 0))
                    (global.set $errno (call $poll (i32.const 0) (i32.const 100) (i32.const 1) (i32.const 200)))
                    (loop $l (br_if $l (i32.const 1)))
                    (global.get $errno))
                  (global $errno (mut i32) (i32.const -1)))
                """;
        try (WasiContext ctx = WasiContext.create(WasiConfig.builder().build())) {
            Instance instance = instantiate(wat, ctx);
            instance.store().setDeadline(java.time.Duration.ofMillis(200));
            assertThatThrownBy(() -> instance.getFunc("sleep").orElseThrow().callI32())
                    .isInstanceOfSatisfying(Trap.class, t -> assertThat(t.kind()).isEqualTo(TrapKind.DEADLINE_EXCEEDED));
            assertThat(Thread.interrupted()).isFalse();
        }
    }
}
