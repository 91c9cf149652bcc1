package dev.basalt.component;

import static org.assertj.core.api.Assertions.assertThat;

import dev.basalt.Config;
import dev.basalt.Engine;
import dev.basalt.Store;
import dev.basalt.component.text.ComponentTextParser;
import dev.basalt.component.validate.ComponentValidator;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The host notices a guest dropping its end of a stream without an event-loop turn: {@link
 * StreamWriter#readerDropped()} and {@link StreamReader#writerDropped()} complete during the guest's own turn that
 * drops the end, and copies started afterwards complete at once as {@code DROPPED}, while nothing drives the
 * store's event loop any more (the guest's call has returned). What a host pump needs that waits on a socket or a
 * request body rather than on the guest.
 */
class HostStreamDropTest {
    /**
     * {@code read-once}: takes the host's stream, reads it once (at most 16 bytes), drops its end and returns the
     * read's result code; {@code write-once}: writes 3 bytes to a stream the host reads, drops its end and returns.
     */
    static final String GUEST = """
            (component
              (import "host" (instance $host
                (export "get-bytes" (func (result (stream u8))))
                (export "put-bytes" (func (param "s" (stream u8))))))
              (core module $Mem (memory (export "mem") 1))
              (core instance $mem (instantiate $Mem))
              (type $ST (stream u8))
              (core func $get-bytes (canon lower (func $host "get-bytes")))
              (core func $put-bytes (canon lower (func $host "put-bytes")))
              (core func $ret-u32 (canon task.return (result u32)))
              (core func $stream.new (canon stream.new $ST))
              (core func $stream.read (canon stream.read $ST (memory (core memory $mem "mem"))))
              (core func $stream.write (canon stream.write $ST (memory (core memory $mem "mem"))))
              (core func $stream.drop-readable (canon stream.drop-readable $ST))
              (core func $stream.drop-writable (canon stream.drop-writable $ST))
              (core module $M
                (import "" "mem" (memory 1))
                (import "" "get-bytes" (func $get-bytes (result i32)))
                (import "" "put-bytes" (func $put-bytes (param i32)))
                (import "" "ret-u32" (func $ret-u32 (param i32)))
                (import "" "stream.new" (func $stream.new (result i64)))
                (import "" "stream.read" (func $stream.read (param i32 i32 i32) (result i32)))
                (import "" "stream.write" (func $stream.write (param i32 i32 i32) (result i32)))
                (import "" "stream.drop-readable" (func $stream.drop-readable (param i32)))
                (import "" "stream.drop-writable" (func $stream.drop-writable (param i32)))
                (func (export "read-once")
                  (local $s i32) (local $r i32)
                  (local.set $s (call $get-bytes))
                  (local.set $r (call $stream.read (local.get $s) (i32.const 100) (i32.const 16)))
                  (call $stream.drop-readable (local.get $s))
                  (call $ret-u32 (local.get $r)))
                (func (export "write-once")
                  (local $pair i64) (local $r i32)
                  (local.set $pair (call $stream.new))
                  (call $put-bytes (i32.wrap_i64 (local.get $pair)))
                  ;; nobody reads yet: the write would block, so the guest drops its end without writing
                  (call $stream.drop-writable (i32.wrap_i64 (i64.shr_u (local.get $pair) (i64.const 32))))
                  (call $ret-u32 (i32.const 0)))
              )
              (core instance $m (instantiate $M (with "" (instance
                (export "mem" (memory $mem "mem"))
                (export "get-bytes" (func $get-bytes))
                (export "put-bytes" (func $put-bytes))
                (export "ret-u32" (func $ret-u32))
                (export "stream.new" (func $stream.new))
                (export "stream.read" (func $stream.read))
                (export "stream.write" (func $stream.write))
                (export "stream.drop-readable" (func $stream.drop-readable))
                (export "stream.drop-writable" (func $stream.drop-writable))))))
              (func (export "read-once") async (result u32) (canon lift (core func $m "read-once") async))
              (func (export "write-once") async (result u32) (canon lift (core func $m "write-once") async))
            )
            """;

    private static ComponentInstance instantiate(Store<Void> store, ComponentHostFunction<Void> getBytes,
            ComponentHostFunction<Void> putBytes) {
        var model = ComponentTextParser.parse(GUEST);
        ComponentValidator.validate(model);
        ComponentLinker<Void> linker = ComponentLinker.create(store.engine());
        ValueType bytes = new ValueType.StreamType(Optional.of(ValueType.U8));
        linker.instance("host")
                .defineFunction("get-bytes", ComponentFuncType.of(List.of(), bytes), getBytes)
                .defineFunction("put-bytes", ComponentFuncType.of(List.of(new ComponentFuncType.Param("s", bytes)),
                        null), putBytes);
        return linker.instantiate(store, Component.fromModel(store.engine(), model));
    }

    @ParameterizedTest
    @EnumSource(value = Config.Strategy.class, names = {"INTERPRETER", "COMPILER"})
    void aHostWriterSeesTheReaderDropWithoutAnEventLoopTurn(Config.Strategy strategy) {
        Store<Void> store = Store.create(Engine.create(Config.builder().strategy(strategy).build()));
        AtomicReference<StreamWriter> writer = new AtomicReference<>();
        AtomicReference<CompletableFuture<Void>> droppedBefore = new AtomicReference<>();
        AtomicReference<Boolean> doneWhileOpen = new AtomicReference<>();
        ComponentInstance i = instantiate(store, (s, args) -> {
            StreamWriter w = StreamWriter.bytes(s);
            writer.set(w);
            // asked for before the guest has the stream: completed later by the guest's drop
            droppedBefore.set(w.readerDropped());
            doneWhileOpen.set(droppedBefore.get().isDone());
            w.write("hello".getBytes(StandardCharsets.UTF_8));
            return List.of(w.readableEnd());
        }, (s, args) -> {
            throw new AssertionError("put-bytes not expected");
        });
        // the guest read the 5 bytes (COMPLETED, 5 << 4) and dropped its end
        assertThat(i.getFunc("read-once").orElseThrow().call()).containsExactly(ComponentValue.u32(5 << 4));
        assertThat(doneWhileOpen.get()).isFalse();
        // the call has returned; nothing runs the event loop from here on
        assertThat(droppedBefore.get()).isDone();
        assertThat(writer.get().readerDropped()).isDone();
        CompletableFuture<CopyResult> late = writer.get().write("more".getBytes(StandardCharsets.UTF_8));
        assertThat(late).isDone();
        assertThat(late.join().status()).isEqualTo(CopyResult.Status.DROPPED);
        assertThat(late.join().count()).isZero();
        writer.get().close();
    }

    @ParameterizedTest
    @EnumSource(value = Config.Strategy.class, names = {"INTERPRETER", "COMPILER"})
    void aHostReaderSeesTheWriterDropWithoutAnEventLoopTurn(Config.Strategy strategy) {
        Store<Void> store = Store.create(Engine.create(Config.builder().strategy(strategy).build()));
        AtomicReference<StreamReader> reader = new AtomicReference<>();
        ComponentInstance i = instantiate(store, (s, args) -> {
            throw new AssertionError("get-bytes not expected");
        }, (s, args) -> {
            reader.set(StreamReader.of(s, args.get(0)));
            return List.of();
        });
        i.getFunc("write-once").orElseThrow().call();
        assertThat(reader.get().writerDropped()).isDone();
        CompletableFuture<CopyResult> read = reader.get().read(10);
        assertThat(read).isDone();
        assertThat(read.join().status()).isEqualTo(CopyResult.Status.DROPPED);
        reader.get().close();
    }
}
