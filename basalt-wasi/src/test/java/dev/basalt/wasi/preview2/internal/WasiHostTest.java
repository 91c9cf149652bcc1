package dev.basalt.wasi.preview2.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.basalt.Trap;
import dev.basalt.component.ComponentValue;
import dev.basalt.component.ResourceHandle;
import dev.basalt.wasi.WasiClock;
import dev.basalt.wasi.WasiConfig;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The WASI 0.2 host functions called directly, without a guest, for what jco's preview1 adapter never calls or
 * cannot show (splice, skip, write-zeroes, is-same-object, metadata-hash, set-times on a descriptor, the exact
 * error-code answers, pollables and poll). The types are checked against the WIT by {@link WasiHost#define};
 * here the values are built by hand as the canonical ABI would lift them.
 */
class WasiHostTest {
    static final String FS = "wasi:filesystem/types";
    static final String STREAMS = "wasi:io/streams";

    @TempDir
    Path tmp;
    Path work;
    Path ro;
    final ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    final WasiHost host = new WasiHost();
    HostState s;
    ResourceHandle workDir;
    ResourceHandle roDir;

    @BeforeEach
    void setUp() throws IOException {
        work = Files.createDirectory(tmp.resolve("work"));
        ro = Files.createDirectory(tmp.resolve("ro"));
        Files.writeString(ro.resolve("readme.txt"), "read me");
        s = HostState.create(WasiConfig.builder().preopenDir(work, "/work").preopenDir(ro, "/ro", true)
                .stdout(stdout).clock(WasiClock.deterministic(1_000_000_000L, 10)).deterministicRandom(3).build());
        List<ComponentValue> dirs = ((ComponentValue.ListValue) call("wasi:filesystem/preopens", "get-directories"))
                .elements();
        assertThat(dirs).hasSize(2);
        workDir = handle(((ComponentValue.TupleValue) dirs.get(0)).elements().get(0));
        roDir = handle(((ComponentValue.TupleValue) dirs.get(1)).elements().get(0));
        assertThat(((ComponentValue.TupleValue) dirs.get(1)).elements().get(1)).isEqualTo(new ComponentValue.Str("/ro"));
    }

    @AfterEach
    void tearDown() {
        s.close();
        assertThat(s.liveResources()).isZero();
    }

    ComponentValue call(String iface, String fn, ComponentValue... args) {
        try {
            return host.call(iface, fn, s, args);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    static ResourceHandle handle(ComponentValue v) {
        return ((ComponentValue.Own) v).handle();
    }

    static ComponentValue borrow(ResourceHandle h) {
        return new ComponentValue.Borrow(ResourceHandle.lent(h.type(), h.rep()));
    }

    static ComponentValue flags(String... labels) {
        return new ComponentValue.FlagsValue(new LinkedHashSet<>(List.of(labels)));
    }

    static ComponentValue str(String v) {
        return new ComponentValue.Str(v);
    }

    static ComponentValue u64(long v) {
        return new ComponentValue.U64(v);
    }

    /** The payload of an ok result. */
    static ComponentValue ok(ComponentValue result) {
        ComponentValue.ResultValue r = (ComponentValue.ResultValue) result;
        assertThat(r.ok()).as("%s", result).isTrue();
        return r.payload().orElse(null);
    }

    static ComponentValue err(ComponentValue result) {
        ComponentValue.ResultValue r = (ComponentValue.ResultValue) result;
        assertThat(r.ok()).as("%s", result).isFalse();
        return r.payload().orElse(null);
    }

    static ComponentValue bytes(String text) {
        List<ComponentValue> out = new ArrayList<>();
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            out.add(new ComponentValue.U8(b & 0xff));
        }
        return new ComponentValue.ListValue(out);
    }

    static String text(ComponentValue list) {
        return new String(WasiHost.bytes(list), StandardCharsets.UTF_8);
    }

    ResourceHandle open(ResourceHandle dir, String path, String[] openFlags, String... descriptorFlags) {
        return handle(ok(call(FS, "[method]descriptor.open-at", borrow(dir), flags(), str(path), flags(openFlags),
                flags(descriptorFlags))));
    }

    @Test
    void descriptorsReadWriteStatTimesAndIdentity() throws IOException {
        ResourceHandle f = open(workDir, "f.txt", new String[] {"create"}, "read", "write");
        assertThat(ok(call(FS, "[method]descriptor.write", borrow(f), bytes("hello"), u64(0)))).isEqualTo(u64(5));
        var read = (ComponentValue.TupleValue) ok(call(FS, "[method]descriptor.read", borrow(f), u64(10), u64(1)));
        assertThat(text(read.elements().get(0))).isEqualTo("ello");
        assertThat(read.elements().get(1)).isEqualTo(new ComponentValue.Bool(true));
        var stat = (ComponentValue.RecordValue) ok(call(FS, "[method]descriptor.stat", borrow(f)));
        assertThat(stat.get("type")).contains(new ComponentValue.EnumValue("regular-file"));
        assertThat(stat.get("size")).contains(u64(5));
        assertThat(ok(call(FS, "[method]descriptor.get-flags", borrow(f)))).isEqualTo(flags("read", "write"));
        assertThat(ok(call(FS, "[method]descriptor.get-flags", borrow(workDir)))).isEqualTo(flags("read", "mutate-directory"));
        assertThat(ok(call(FS, "[method]descriptor.get-flags", borrow(roDir)))).isEqualTo(flags("read"));
        ok(call(FS, "[method]descriptor.set-size", borrow(f), u64(2)));
        assertThat(Files.readString(work.resolve("f.txt"))).isEqualTo("he");
        ok(call(FS, "[method]descriptor.advise", borrow(f), u64(0), u64(2), new ComponentValue.EnumValue("sequential")));
        ok(call(FS, "[method]descriptor.sync", borrow(f)));
        ok(call(FS, "[method]descriptor.sync-data", borrow(f)));
        ComponentValue datetime = new ComponentValue.RecordValue(List.of(
                new ComponentValue.Field("seconds", u64(42)), new ComponentValue.Field("nanoseconds", new ComponentValue.U32(0))));
        ok(call(FS, "[method]descriptor.set-times", borrow(f), new ComponentValue.VariantValue("no-change", Optional.empty()),
                new ComponentValue.VariantValue("timestamp", Optional.of(datetime))));
        assertThat(Files.getLastModifiedTime(work.resolve("f.txt")).toMillis()).isEqualTo(42_000);
        // identity: the same file through another descriptor, and its metadata hash by path
        ResourceHandle again = open(workDir, "f.txt", new String[0], "read");
        assertThat(call(FS, "[method]descriptor.is-same-object", borrow(f), borrow(again))).isEqualTo(new ComponentValue.Bool(true));
        assertThat(call(FS, "[method]descriptor.is-same-object", borrow(f), borrow(workDir))).isEqualTo(new ComponentValue.Bool(false));
        ComponentValue hash = ok(call(FS, "[method]descriptor.metadata-hash", borrow(f)));
        assertThat(ok(call(FS, "[method]descriptor.metadata-hash-at", borrow(workDir), flags(), str("f.txt")))).isEqualTo(hash);
        assertThat(ok(call(FS, "[method]descriptor.metadata-hash", borrow(workDir)))).isNotEqualTo(hash);
        // a descriptor opened for reading only does not write
        assertThat(err(call(FS, "[method]descriptor.write", borrow(again), bytes("x"), u64(0))))
                .isEqualTo(new ComponentValue.EnumValue("bad-descriptor"));
        int live = s.liveResources();
        HostResources.drop(again.rep());
        assertThat(s.liveResources()).isEqualTo(live - 1);
    }

    @Test
    void streamsSkipSpliceWriteZeroesAndTheEndOfAFile() throws IOException {
        ResourceHandle f = open(workDir, "s.txt", new String[] {"create"}, "read", "write");
        ResourceHandle out = handle(ok(call(FS, "[method]descriptor.write-via-stream", borrow(f), u64(0))));
        assertThat(ok(call(STREAMS, "[method]output-stream.check-write", borrow(out)))).isEqualTo(u64(WasiHost.MAX_CHUNK));
        ok(call(STREAMS, "[method]output-stream.write", borrow(out), bytes("abc")));
        ok(call(STREAMS, "[method]output-stream.write-zeroes", borrow(out), u64(2)));
        ok(call(STREAMS, "[method]output-stream.blocking-write-and-flush", borrow(out), bytes("def")));
        ok(call(STREAMS, "[method]output-stream.blocking-flush", borrow(out)));
        assertThat(Files.readString(work.resolve("s.txt"))).isEqualTo("abc\0\0def");
        ResourceHandle append = handle(ok(call(FS, "[method]descriptor.append-via-stream", borrow(f))));
        ok(call(STREAMS, "[method]output-stream.write", borrow(append), bytes("!")));
        assertThat(Files.readString(work.resolve("s.txt"))).isEqualTo("abc\0\0def!");

        ResourceHandle in = handle(ok(call(FS, "[method]descriptor.read-via-stream", borrow(f), u64(1))));
        assertThat(ok(call(STREAMS, "[method]input-stream.skip", borrow(in), u64(4)))).isEqualTo(u64(4));
        assertThat(text(ok(call(STREAMS, "[method]input-stream.read", borrow(in), u64(2))))).isEqualTo("de");
        ResourceHandle stdoutStream = handle(call("wasi:cli/stdout", "get-stdout"));
        assertThat(ok(call(STREAMS, "[method]output-stream.blocking-splice", borrow(stdoutStream), borrow(in), u64(100))))
                .isEqualTo(u64(2));
        assertThat(stdout.toString(StandardCharsets.UTF_8)).isEqualTo("f!");
        assertThat(err(call(STREAMS, "[method]input-stream.blocking-read", borrow(in), u64(1))))
                .isEqualTo(new ComponentValue.VariantValue("closed", Optional.empty()));
        // a failed write is last-operation-failed with an error the filesystem interface can classify
        HostResources.drop(f.rep());
        ComponentValue failed = err(call(STREAMS, "[method]output-stream.write", borrow(out), bytes("x")));
        ComponentValue.VariantValue v = (ComponentValue.VariantValue) failed;
        assertThat(v.caseName()).isEqualTo("last-operation-failed");
        ResourceHandle error = handle(v.payload().orElseThrow());
        assertThat(call(FS, "filesystem-error-code", borrow(error)))
                .isEqualTo(new ComponentValue.OptionValue(Optional.of(new ComponentValue.EnumValue("bad-descriptor"))));
        assertThat(call("wasi:io/error", "[method]error.to-debug-string", borrow(error))).isInstanceOf(ComponentValue.Str.class);
    }

    @Test
    void errorCodesForEscapesReadOnlyGrantsAndMissingFiles() {
        ComponentValue notPermitted = new ComponentValue.EnumValue("not-permitted");
        assertThat(err(call(FS, "[method]descriptor.open-at", borrow(workDir), flags(), str("../ro/readme.txt"),
                flags(), flags("read")))).isEqualTo(notPermitted);
        assertThat(err(call(FS, "[method]descriptor.open-at", borrow(workDir), flags(), str("/etc/passwd"),
                flags(), flags("read")))).isEqualTo(notPermitted);
        assertThat(err(call(FS, "[method]descriptor.open-at", borrow(roDir), flags(), str("new.txt"),
                flags("create"), flags("read")))).isEqualTo(notPermitted);
        assertThat(err(call(FS, "[method]descriptor.open-at", borrow(roDir), flags(), str("readme.txt"),
                flags(), flags("read", "write")))).isEqualTo(notPermitted);
        assertThat(err(call(FS, "[method]descriptor.create-directory-at", borrow(roDir), str("d")))).isEqualTo(notPermitted);
        assertThat(err(call(FS, "[method]descriptor.rename-at", borrow(workDir), str("x"), borrow(roDir), str("y"))))
                .isEqualTo(notPermitted);
        assertThat(err(call(FS, "[method]descriptor.stat-at", borrow(workDir), flags(), str("missing"))))
                .isEqualTo(new ComponentValue.EnumValue("no-entry"));
        assertThat(err(call(FS, "[method]descriptor.open-at", borrow(roDir), flags(), str("readme.txt"),
                flags("create", "exclusive"), flags()))).isEqualTo(notPermitted);
        ResourceHandle readme = open(roDir, "readme.txt", new String[0], "read");
        assertThat(err(call(FS, "[method]descriptor.read-directory", borrow(readme))))
                .isEqualTo(new ComponentValue.EnumValue("not-directory"));
        assertThat(err(call(FS, "[method]descriptor.open-at", borrow(readme), flags(), str("x"), flags(), flags())))
                .isEqualTo(new ComponentValue.EnumValue("not-directory"));
        assertThat(err(call(FS, "[method]descriptor.set-size", borrow(readme), u64(0))))
                .isEqualTo(new ComponentValue.EnumValue("bad-descriptor"));
        assertThat(ro.resolve("readme.txt")).hasContent("read me");
    }

    @Test
    void directoryListingsHaveNoDotEntriesAndEnd() throws IOException {
        Files.createDirectory(work.resolve("b"));
        Files.writeString(work.resolve("a.txt"), "");
        Files.createSymbolicLink(work.resolve("c"), Path.of("a.txt"));
        ResourceHandle entries = handle(ok(call(FS, "[method]descriptor.read-directory", borrow(workDir))));
        List<String> seen = new ArrayList<>();
        while (true) {
            var next = (ComponentValue.OptionValue) ok(call(FS, "[method]directory-entry-stream.read-directory-entry",
                    borrow(entries)));
            if (next.value().isEmpty()) {
                break;
            }
            var e = (ComponentValue.RecordValue) next.value().get();
            seen.add(((ComponentValue.Str) e.get("name").orElseThrow()).value() + ":"
                    + ((ComponentValue.EnumValue) e.get("type").orElseThrow()).label());
        }
        assertThat(seen).containsExactly("a.txt:regular-file", "b:directory", "c:symbolic-link");
    }

    @Test
    void pollablesFromClocksAndPoll() {
        String clock = "wasi:clocks/monotonic-clock";
        long now = ((ComponentValue.U64) call(clock, "now")).value();
        ResourceHandle soon = handle(call(clock, "subscribe-duration", u64(1_000)));
        ResourceHandle past = handle(call(clock, "subscribe-instant", u64(0)));
        assertThat(call("wasi:io/poll", "[method]pollable.ready", borrow(soon))).isEqualTo(new ComponentValue.Bool(false));
        assertThat(call("wasi:io/poll", "poll", new ComponentValue.ListValue(List.of(borrow(soon), borrow(past)))))
                .isEqualTo(new ComponentValue.ListValue(List.of(new ComponentValue.U32(1))));
        // only the future one: poll sleeps (on the virtual clock) until it is due
        assertThat(call("wasi:io/poll", "poll", new ComponentValue.ListValue(List.of(borrow(soon)))))
                .isEqualTo(new ComponentValue.ListValue(List.of(new ComponentValue.U32(0))));
        assertThat(((ComponentValue.U64) call(clock, "now")).value()).isGreaterThanOrEqualTo(now + 1_000);
        call("wasi:io/poll", "[method]pollable.block", borrow(soon));
        assertThatThrownBy(() -> call("wasi:io/poll", "poll", new ComponentValue.ListValue(List.of())))
                .isInstanceOf(Trap.class).hasMessageContaining("empty");
        // a duration past the end of time saturates instead of wrapping into the past
        ResourceHandle never = handle(call(clock, "subscribe-duration", u64(-1)));
        assertThat(call("wasi:io/poll", "[method]pollable.ready", borrow(never))).isEqualTo(new ComponentValue.Bool(false));
    }

    @Test
    void exitAndExitWithCodeEndTheGuestWithItsCode() {
        assertThatThrownBy(() -> call("wasi:cli/exit", "exit-with-code", new ComponentValue.U8(42)))
                .isInstanceOfSatisfying(dev.basalt.wasi.WasiExitException.class, e -> assertThat(e.exitCode()).isEqualTo(42));
        assertThatThrownBy(() -> call("wasi:cli/exit", "exit", new ComponentValue.ResultValue(false, Optional.empty())))
                .isInstanceOfSatisfying(dev.basalt.wasi.WasiExitException.class, e -> assertThat(e.exitCode()).isEqualTo(1));
        assertThatThrownBy(() -> call("wasi:cli/exit", "exit", new ComponentValue.ResultValue(true, Optional.empty())))
                .isInstanceOfSatisfying(dev.basalt.wasi.WasiExitException.class, e -> assertThat(e.exitCode()).isZero());
    }

    @Test
    void randomBytesHaveALimitAndInsecureSeedIsStable() {
        assertThat(((ComponentValue.ListValue) call("wasi:random/random", "get-random-bytes", u64(16))).elements()).hasSize(16);
        assertThatThrownBy(() -> call("wasi:random/random", "get-random-bytes", u64(-1)))
                .isInstanceOf(Trap.class).hasMessageContaining("exceeds");
        assertThat(call("wasi:random/insecure-seed", "insecure-seed"))
                .isEqualTo(call("wasi:random/insecure-seed", "insecure-seed"));
        assertThat(call("wasi:cli/environment", "initial-cwd")).isEqualTo(new ComponentValue.OptionValue(Optional.empty()));
        assertThat(call("wasi:cli/terminal-stdout", "get-terminal-stdout"))
                .isEqualTo(new ComponentValue.OptionValue(Optional.empty()));
    }
}
