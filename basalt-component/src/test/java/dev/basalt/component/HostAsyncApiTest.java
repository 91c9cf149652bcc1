package dev.basalt.component;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.basalt.Engine;
import dev.basalt.Store;
import dev.basalt.Trap;
import dev.basalt.component.text.ComponentTextParser;
import dev.basalt.component.validate.ComponentValidator;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The Java host API of Component Model async: async host functions completed later (from other threads, out of
 * order, cancelled by the guest), host-side streams and futures in both directions with backpressure and drops,
 * and async exports called from Java ({@link ComponentFunc#callAsync}).
 */
class HostAsyncApiTest {
    final Engine engine = newEngine();

    /** The engine the core modules run on; the compiler variant of this test overrides it. */
    Engine newEngine() {
        return Engine.create();
    }

    /**
     * A guest whose async-lifted (stackful) exports use the host's {@code add-later} (async), {@code get-bytes}
     * (a stream the host writes), {@code put-bytes} (a stream the guest writes, the host reads) and
     * {@code get-number} (a future the host writes), all through blocking built-ins.
     */
    static final String GUEST = """
            (component
              (import "host" (instance $host
                (export "add-later" (func async (param "a" u32) (param "b" u32) (result u32)))
                (export "get-bytes" (func (result (stream u8))))
                (export "put-bytes" (func (param "s" (stream u8))))
                (export "get-number" (func (result (future u32))))))
              (core module $Mem (memory (export "mem") 1))
              (core instance $mem (instantiate $Mem))
              (type $ST (stream u8))
              (type $FT (future u32))
              (core func $add-later (canon lower (func $host "add-later")))
              (core func $add-later-async (canon lower (func $host "add-later") async (memory (core memory $mem "mem"))))
              (core func $get-bytes (canon lower (func $host "get-bytes")))
              (core func $put-bytes (canon lower (func $host "put-bytes")))
              (core func $get-number (canon lower (func $host "get-number")))
              (core func $ret-u32 (canon task.return (result u32)))
              (core func $subtask.cancel (canon subtask.cancel))
              (core func $stream.new (canon stream.new $ST))
              (core func $stream.read (canon stream.read $ST (memory (core memory $mem "mem"))))
              (core func $stream.write (canon stream.write $ST (memory (core memory $mem "mem"))))
              (core func $stream.drop-readable (canon stream.drop-readable $ST))
              (core func $stream.drop-writable (canon stream.drop-writable $ST))
              (core func $future.read (canon future.read $FT (memory (core memory $mem "mem"))))
              (core func $future.drop-readable (canon future.drop-readable $FT))
              (core module $M
                (import "" "mem" (memory 1))
                (import "" "add-later" (func $add-later (param i32 i32) (result i32)))
                (import "" "add-later-async" (func $add-later-async (param i32 i32 i32) (result i32)))
                (import "" "get-bytes" (func $get-bytes (result i32)))
                (import "" "put-bytes" (func $put-bytes (param i32)))
                (import "" "get-number" (func $get-number (result i32)))
                (import "" "ret-u32" (func $ret-u32 (param i32)))
                (import "" "subtask.cancel" (func $subtask.cancel (param i32) (result i32)))
                (import "" "stream.new" (func $stream.new (result i64)))
                (import "" "stream.read" (func $stream.read (param i32 i32 i32) (result i32)))
                (import "" "stream.write" (func $stream.write (param i32 i32 i32) (result i32)))
                (import "" "stream.drop-readable" (func $stream.drop-readable (param i32)))
                (import "" "stream.drop-writable" (func $stream.drop-writable (param i32)))
                (import "" "future.read" (func $future.read (param i32 i32) (result i32)))
                (import "" "future.drop-readable" (func $future.drop-readable (param i32)))
                ;; add-later(x, 1) + add-later(x, 2), each waited for synchronously
                (func (export "add-twice") (param $x i32)
                  (call $ret-u32 (i32.add (call $add-later (local.get $x) (i32.const 1))
                                          (call $add-later (local.get $x) (i32.const 2)))))
                ;; starts add-later(1, 2) asynchronously, cancels it: returns the subtask's state after the cancel,
                ;; or 100 + the state when the call did not block
                (func (export "cancel-add")
                  (local $r i32)
                  (local.set $r (call $add-later-async (i32.const 1) (i32.const 2) (i32.const 8)))
                  (if (i32.ne (i32.and (local.get $r) (i32.const 0xf)) (i32.const 1 (; STARTED ;)))
                    (then (call $ret-u32 (i32.add (i32.const 100) (local.get $r))) (return)))
                  (call $ret-u32 (call $subtask.cancel (i32.shr_u (local.get $r) (i32.const 4)))))
                ;; reads the host's stream 16 bytes at a time until it ends: the sum of the bytes
                (func (export "sum-bytes")
                  (local $s i32) (local $r i32) (local $n i32) (local $i i32) (local $sum i32)
                  (local.set $s (call $get-bytes))
                  (loop $more
                    (local.set $r (call $stream.read (local.get $s) (i32.const 100) (i32.const 16)))
                    (local.set $n (i32.shr_u (local.get $r) (i32.const 4)))
                    (local.set $i (i32.const 0))
                    (block $done (loop $add
                      (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
                      (local.set $sum (i32.add (local.get $sum) (i32.load8_u (i32.add (i32.const 100) (local.get $i)))))
                      (local.set $i (i32.add (local.get $i) (i32.const 1)))
                      (br $add)))
                    (br_if $more (i32.eqz (i32.and (local.get $r) (i32.const 0xf)))))
                  (call $stream.drop-readable (local.get $s))
                  (call $ret-u32 (local.get $sum)))
                ;; writes the bytes 1..n to a stream the host reads; returns the write's result code
                (func (export "send-bytes") (param $n i32)
                  (local $pair i64) (local $i i32) (local $r i32)
                  (local.set $pair (call $stream.new))
                  (block $done (loop $fill
                    (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
                    (i32.store8 (i32.add (i32.const 1024) (local.get $i)) (i32.add (local.get $i) (i32.const 1)))
                    (local.set $i (i32.add (local.get $i) (i32.const 1)))
                    (br $fill)))
                  (call $put-bytes (i32.wrap_i64 (local.get $pair)))
                  (local.set $r (call $stream.write (i32.wrap_i64 (i64.shr_u (local.get $pair) (i64.const 32)))
                    (i32.const 1024) (local.get $n)))
                  (call $stream.drop-writable (i32.wrap_i64 (i64.shr_u (local.get $pair) (i64.const 32))))
                  (call $ret-u32 (local.get $r)))
                ;; the host's number, or -1 when the host dropped the future without writing
                (func (export "await-number")
                  (local $f i32) (local $r i32)
                  (local.set $f (call $get-number))
                  (local.set $r (call $future.read (local.get $f) (i32.const 200)))
                  (call $future.drop-readable (local.get $f))
                  (if (i32.ne (local.get $r) (i32.const 0 (; COMPLETED ;)))
                    (then (call $ret-u32 (i32.const -1)) (return)))
                  (call $ret-u32 (i32.load (i32.const 200))))
              )
              (core instance $m (instantiate $M (with "" (instance
                (export "mem" (memory $mem "mem"))
                (export "add-later" (func $add-later))
                (export "add-later-async" (func $add-later-async))
                (export "get-bytes" (func $get-bytes))
                (export "put-bytes" (func $put-bytes))
                (export "get-number" (func $get-number))
                (export "ret-u32" (func $ret-u32))
                (export "subtask.cancel" (func $subtask.cancel))
                (export "stream.new" (func $stream.new))
                (export "stream.read" (func $stream.read))
                (export "stream.write" (func $stream.write))
                (export "stream.drop-readable" (func $stream.drop-readable))
                (export "stream.drop-writable" (func $stream.drop-writable))
                (export "future.read" (func $future.read))
                (export "future.drop-readable" (func $future.drop-readable))))))
              (func (export "add-twice") async (param "x" u32) (result u32) (canon lift (core func $m "add-twice") async))
              (func (export "cancel-add") async (result u32) (canon lift (core func $m "cancel-add") async))
              (func (export "sum-bytes") async (result u32) (canon lift (core func $m "sum-bytes") async))
              (func (export "send-bytes") async (param "n" u32) (result u32) (canon lift (core func $m "send-bytes") async))
              (func (export "await-number") async (result u32) (canon lift (core func $m "await-number") async))
            )
            """;

    static final ComponentFuncType ADD_LATER = new ComponentFuncType(List.of(
            new ComponentFuncType.Param("a", ValueType.U32), new ComponentFuncType.Param("b", ValueType.U32)),
            Optional.of(ValueType.U32), true);

    /** What the host side of one test does; each field defaults to failing when the guest calls it. */
    static final class Host {
        ComponentAsyncHostFunction<Void> addLater = (s, a) -> {
            throw new AssertionError("add-later not expected");
        };
        ComponentHostFunction<Void> getBytes = (s, a) -> {
            throw new AssertionError("get-bytes not expected");
        };
        ComponentHostFunction<Void> putBytes = (s, a) -> {
            throw new AssertionError("put-bytes not expected");
        };
        ComponentHostFunction<Void> getNumber = (s, a) -> {
            throw new AssertionError("get-number not expected");
        };
    }

    final Store<Void> store = Store.create(engine);

    ComponentInstance instantiate(Host host) {
        var model = ComponentTextParser.parse(GUEST);
        ComponentValidator.validate(model);
        ComponentLinker<Void> linker = ComponentLinker.create(engine);
        linker.instance("host")
                .defineAsyncFunction("add-later", ADD_LATER, (s, a) -> host.addLater.call(s, a))
                .defineFunction("get-bytes", ComponentFuncType.of(List.of(), new ValueType.StreamType(
                        Optional.of(ValueType.U8))), (s, a) -> host.getBytes.call(s, a))
                .defineFunction("put-bytes", ComponentFuncType.of(List.of(new ComponentFuncType.Param("s",
                        new ValueType.StreamType(Optional.of(ValueType.U8)))), null), (s, a) -> host.putBytes.call(s, a))
                .defineFunction("get-number", ComponentFuncType.of(List.of(), new ValueType.FutureType(
                        Optional.of(ValueType.U32))), (s, a) -> host.getNumber.call(s, a));
        return linker.instantiate(store, Component.fromModel(engine, model));
    }

    static long u32(ComponentValue v) {
        return ((ComponentValue.U32) v).value();
    }

    @Test
    void asyncHostFunctionsCompletedOnOtherThreadsResumeTheirCallers() {
        Host host = new Host();
        host.addLater = ComponentAsyncHostFunction.blocking(args -> List.of(ComponentValue.u32(u32(args.get(0))
                + u32(args.get(1)))));
        ComponentInstance i = instantiate(host);
        assertThat(i.getFunc("add-twice").orElseThrow().call(ComponentValue.u32(10)))
                .containsExactly(ComponentValue.u32(23));
    }

    @Test
    void callsOfAsyncExportsRunConcurrentlyAndResolveInTheHostsOrder() {
        Host host = new Host();
        List<CompletableFuture<List<ComponentValue>>> pending = new ArrayList<>();
        List<Long> firstArgs = new ArrayList<>();
        host.addLater = (s, args) -> {
            CompletableFuture<List<ComponentValue>> f = new CompletableFuture<>();
            firstArgs.add(u32(args.get(0)));
            pending.add(f);
            return f.thenApply(v -> List.of(ComponentValue.u32(u32(args.get(0)) + u32(args.get(1)))));
        };
        ComponentInstance i = instantiate(host);
        ComponentFunc addTwice = i.getFunc("add-twice").orElseThrow();
        ComponentCall a = addTwice.callAsync(ComponentValue.u32(100));
        ComponentCall b = addTwice.callAsync(ComponentValue.u32(200));
        // both tasks wait in their first add-later: neither has returned
        assertThat(firstArgs).containsExactly(100L, 200L);
        assertThat(a.isDone()).isFalse();
        assertThat(b.isDone()).isFalse();
        // the host answers the second call first, from another thread
        Thread.ofVirtual().start(() -> pending.get(1).complete(List.of()));
        ComponentEventLoop.runUntil(store, new CompletableFuture<>() {
            @Override
            public boolean isDone() {
                return pending.size() == 3;
            }
        });
        // b went on to its second add-later; a still waits for its first
        assertThat(firstArgs).containsExactly(100L, 200L, 200L);
        assertThat(a.isDone()).isFalse();
        pending.get(2).complete(List.of());
        assertThat(b.join()).containsExactly(ComponentValue.u32(201 + 202));
        pending.get(0).complete(List.of());
        ComponentEventLoop.runUntil(store, new CompletableFuture<>() {
            @Override
            public boolean isDone() {
                return pending.size() == 4;
            }
        });
        pending.get(3).complete(List.of());
        assertThat(a.join()).containsExactly(ComponentValue.u32(101 + 102));
    }

    @Test
    void aCallCancelledFromJavaWhileItCannotBeCancelledReturnsItsValueAnyway() {
        Host host = new Host();
        List<CompletableFuture<List<ComponentValue>>> pending = new ArrayList<>();
        host.addLater = (s, args) -> {
            CompletableFuture<List<ComponentValue>> f = new CompletableFuture<>();
            pending.add(f);
            return f;
        };
        ComponentInstance i = instantiate(host);
        ComponentCall call = i.getFunc("add-twice").orElseThrow().callAsync(ComponentValue.u32(1));
        assertThat(pending).hasSize(1);
        // the task waits in a synchronous lower, which is not cancellable: the request stays pending
        call.cancel();
        pending.getFirst().complete(List.of(ComponentValue.u32(10)));
        ComponentEventLoop.runUntil(store, new CompletableFuture<>() {
            @Override
            public boolean isDone() {
                return pending.size() == 2;
            }
        });
        pending.get(1).complete(List.of(ComponentValue.u32(20)));
        assertThat(call.join()).containsExactly(ComponentValue.u32(30));
        assertThat(pending).noneMatch(CompletableFuture::isCancelled);
    }

    @Test
    void aGuestsSubtaskCancelCancelsTheHostsFuture() {
        Host host = new Host();
        CompletableFuture<List<ComponentValue>> hostWork = new CompletableFuture<>();
        host.addLater = (s, args) -> hostWork;
        ComponentInstance i = instantiate(host);
        // CANCELLED_BEFORE_RETURNED = 4
        assertThat(i.getFunc("cancel-add").orElseThrow().call()).containsExactly(ComponentValue.u32(4));
        assertThat(hostWork).isCancelled();
    }

    @Test
    void aFailingHostFutureTrapsTheEventLoopWithItsCause() {
        Host host = new Host();
        host.addLater = (s, args) -> CompletableFuture.failedFuture(new IllegalStateException("backend down"));
        ComponentInstance i = instantiate(host);
        assertThatThrownBy(() -> i.getFunc("add-twice").orElseThrow().call(ComponentValue.u32(1)))
                .isInstanceOf(Trap.class).hasRootCauseMessage("backend down");
    }

    @Test
    void aGuestReadsAStreamTheHostWritesFromAnotherThread() {
        Host host = new Host();
        host.getBytes = (s, args) -> {
            StreamWriter w = StreamWriter.bytes(s);
            Thread.ofVirtual().start(() -> {
                // 40 bytes of 3 in two writes: the guest reads 16 at a time, so each write takes several reads
                w.writeAll(new byte[25]).thenCompose(r -> {
                    byte[] threes = new byte[40];
                    java.util.Arrays.fill(threes, (byte) 3);
                    return w.writeAll(threes);
                }).whenComplete((r, e) -> w.close());
            });
            return List.of(w.readableEnd());
        };
        ComponentInstance i = instantiate(host);
        assertThat(i.getFunc("sum-bytes").orElseThrow().call()).containsExactly(ComponentValue.u32(120));
    }

    @Test
    void theHostReadsAStreamTheGuestWrites() {
        Host host = new Host();
        AtomicReference<CompletableFuture<byte[]>> received = new AtomicReference<>();
        host.putBytes = (s, args) -> {
            StreamReader r = StreamReader.of(s, args.get(0));
            received.set(r.readAllBytes().whenComplete((b, e) -> r.close()));
            return List.of();
        };
        ComponentInstance i = instantiate(host);
        // COMPLETED with 5 values
        assertThat(i.getFunc("send-bytes").orElseThrow().call(ComponentValue.u32(5)))
                .containsExactly(ComponentValue.u32(5 << 4));
        assertThat(ComponentEventLoop.join(store, received.get())).containsExactly(1, 2, 3, 4, 5);
    }

    @Test
    void aHostReaderThatDropsItsEndEndsTheGuestsWriteWithDropped() {
        Host host = new Host();
        host.putBytes = (s, args) -> {
            StreamReader r = StreamReader.of(s, args.get(0));
            r.read(3).whenComplete((c, e) -> r.close());
            return List.of();
        };
        ComponentInstance i = instantiate(host);
        // the guest's write of 10 moved 3 before the reader dropped: DROPPED (1) | 3 << 4
        assertThat(i.getFunc("send-bytes").orElseThrow().call(ComponentValue.u32(10)))
                .containsExactly(ComponentValue.u32(1 | 3 << 4));
    }

    @Test
    void aHostWriteWaitsForTheReaderAndCanBeCancelled() {
        Host host = new Host();
        AtomicReference<CompletableFuture<CopyResult>> write = new AtomicReference<>();
        AtomicReference<StreamWriter> writer = new AtomicReference<>();
        host.putBytes = (s, args) -> {
            // the host keeps the guest's stream and writes to a stream of its own nobody reads
            StreamReader.of(s, args.get(0)).close();
            StreamWriter w = StreamWriter.bytes(s);
            writer.set(w);
            write.set(w.write("unread".getBytes(StandardCharsets.UTF_8)));
            return List.of();
        };
        ComponentInstance i = instantiate(host);
        i.getFunc("send-bytes").orElseThrow().call(ComponentValue.u32(1));
        ComponentEventLoop.runUntil(store, CompletableFuture.completedFuture(null));
        assertThat(write.get()).isNotDone();
        writer.get().cancel();
        CopyResult r = ComponentEventLoop.join(store, write.get());
        assertThat(r.status()).isEqualTo(CopyResult.Status.CANCELLED);
        assertThat(r.count()).isZero();
        writer.get().close();
    }

    @Test
    void aGuestAwaitsAFutureTheHostWritesLaterOrDrops() {
        Host host = new Host();
        host.getNumber = (s, args) -> {
            FutureWriter w = FutureWriter.create(s, Optional.of(ValueType.U32));
            Thread.ofVirtual().start(() -> w.write(ComponentValue.u32(42)).whenComplete((ok, e) -> w.close()));
            return List.of(w.readableEnd());
        };
        assertThat(instantiate(host).getFunc("await-number").orElseThrow().call())
                .containsExactly(ComponentValue.u32(42));

        Host dropping = new Host();
        dropping.getNumber = (s, args) -> {
            FutureWriter w = FutureWriter.create(s, Optional.of(ValueType.U32));
            Thread.ofVirtual().start(w::close);
            return List.of(w.readableEnd());
        };
        assertThat(instantiate(dropping).getFunc("await-number").orElseThrow().call())
                .containsExactly(ComponentValue.u32(0xffff_ffffL));
    }

    @Test
    void aReadableEndCanBeGivenAwayOnceAndOnlyWithItsType() {
        Host host = new Host();
        StreamWriter[] w = new StreamWriter[1];
        host.getBytes = (s, args) -> {
            w[0] = StreamWriter.bytes(s);
            StreamReader.of(s, w[0].readableEnd()).close();
            return List.of(w[0].readableEnd());
        };
        ComponentInstance i = instantiate(host);
        assertThatThrownBy(() -> i.getFunc("sum-bytes").orElseThrow().call())
                .isInstanceOf(ComponentException.class).hasMessageContaining("already given away");

        Host wrongType = new Host();
        wrongType.getBytes = (s, args) -> List.of(StreamWriter.create(s, Optional.of(ValueType.U32)).readableEnd());
        assertThatThrownBy(() -> instantiate(wrongType).getFunc("sum-bytes").orElseThrow().call())
                .isInstanceOf(ComponentException.class).hasMessageContaining("stream<u32>");
    }

    @Test
    void anAsyncHostFunctionNeedsAnAsyncType() {
        assertThatThrownBy(() -> ComponentLinker.<Void>create(engine).defineAsyncFunction("f",
                ComponentFuncType.of(List.of(), null), (s, a) -> CompletableFuture.completedFuture(List.of())))
                .isInstanceOf(ComponentException.class).hasMessageContaining("needs an async function type");
    }
}
