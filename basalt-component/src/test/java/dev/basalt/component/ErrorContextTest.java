package dev.basalt.component;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.basalt.Engine;
import dev.basalt.Store;
import dev.basalt.Trap;
import dev.basalt.component.text.ComponentTextParser;
import dev.basalt.component.validate.ComponentValidator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * {@code error-context} values: made by a guest ({@code error-context.new}) and read back
 * ({@code error-context.debug-message}), passed to and from the host as {@link ComponentValue.ErrorContext}, dropped
 * ({@code error-context.drop}), and carried through futures in both directions. Lifting copies an error context
 * (the sender keeps its handle), lowering adds a handle.
 */
class ErrorContextTest {
    final Engine engine = newEngine();

    /** The engine the core modules run on; the compiler variant of this test overrides it. */
    Engine newEngine() {
        return Engine.create();
    }

    static final String GUEST = """
            (component
              (import "host" (instance $host
                (export "get-error" (func (result (future error-context))))
                (export "put-error" (func (param "f" (future error-context))))
                (export "get-errors" (func (result (stream error-context))))))
              (core module $Mem
                (memory (export "mem") 1)
                (global $next (mut i32) (i32.const 4096))
                ;; a bump allocator for the debug messages error-context.debug-message stores
                (func (export "realloc") (param i32 i32 i32 i32) (result i32)
                  (local $p i32)
                  (local.set $p (i32.and (i32.add (global.get $next) (i32.sub (local.get 2) (i32.const 1)))
                                         (i32.sub (i32.const 0) (local.get 2))))
                  (global.set $next (i32.add (local.get $p) (local.get 3)))
                  (local.get $p))
                (data (i32.const 16) "disk full")
                (data (i32.const 32) "guest failed"))
              (core instance $mem (instantiate $Mem))
              (type $FT (future error-context))
              (type $ST (stream error-context))
              (core func $ec.new (canon error-context.new (memory (core memory $mem "mem"))))
              (core func $ec.msg (canon error-context.debug-message (memory (core memory $mem "mem"))
                (realloc (core func $mem "realloc"))))
              (core func $ec.drop (canon error-context.drop))
              (core func $get-error (canon lower (func $host "get-error")))
              (core func $put-error (canon lower (func $host "put-error")))
              (core func $future.new (canon future.new $FT))
              (core func $future.read (canon future.read $FT (memory (core memory $mem "mem"))))
              (core func $future.write (canon future.write $FT (memory (core memory $mem "mem"))))
              (core func $future.drop-readable (canon future.drop-readable $FT))
              (core func $future.drop-writable (canon future.drop-writable $FT))
              (core func $get-errors (canon lower (func $host "get-errors")))
              (core func $stream.read (canon stream.read $ST (memory (core memory $mem "mem"))))
              (core func $stream.drop-readable (canon stream.drop-readable $ST))
              (core func $ret-string (canon task.return (result string) (memory (core memory $mem "mem"))))
              (core func $ret-u32 (canon task.return (result u32)))
              (core module $M
                (import "" "mem" (memory 1))
                (import "" "ec.new" (func $ec.new (param i32 i32) (result i32)))
                (import "" "ec.msg" (func $ec.msg (param i32 i32)))
                (import "" "ec.drop" (func $ec.drop (param i32)))
                (import "" "get-error" (func $get-error (result i32)))
                (import "" "put-error" (func $put-error (param i32)))
                (import "" "future.new" (func $future.new (result i64)))
                (import "" "future.read" (func $future.read (param i32 i32) (result i32)))
                (import "" "future.write" (func $future.write (param i32 i32) (result i32)))
                (import "" "future.drop-readable" (func $future.drop-readable (param i32)))
                (import "" "future.drop-writable" (func $future.drop-writable (param i32)))
                (import "" "get-errors" (func $get-errors (result i32)))
                (import "" "stream.read" (func $stream.read (param i32 i32 i32) (result i32)))
                (import "" "stream.drop-readable" (func $stream.drop-readable (param i32)))
                (import "" "ret-string" (func $ret-string (param i32 i32)))
                (import "" "ret-u32" (func $ret-u32 (param i32)))
                ;; a new error context saying "disk full"
                (func (export "make") (result i32)
                  (call $ec.new (i32.const 16) (i32.const 9)))
                ;; the debug message of the given error context, whose handle it then drops
                (func (export "message") (param $e i32) (result i32)
                  (call $ec.msg (local.get $e) (i32.const 256))
                  (call $ec.drop (local.get $e))
                  (i32.const 256))
                (func (export "drop-twice") (param $e i32)
                  (call $ec.drop (local.get $e))
                  (call $ec.drop (local.get $e)))
                ;; reads the error context the host writes into a future: returns its message
                (func (export "await-error")
                  (local $f i32) (local $r i32)
                  (local.set $f (call $get-error))
                  (local.set $r (call $future.read (local.get $f) (i32.const 512)))
                  (call $future.drop-readable (local.get $f))
                  (if (i32.ne (local.get $r) (i32.const 0 (; COMPLETED ;))) (then unreachable))
                  (call $ec.msg (i32.load (i32.const 512)) (i32.const 520))
                  (call $ec.drop (i32.load (i32.const 512)))
                  (call $ret-string (i32.load (i32.const 520)) (i32.load (i32.const 524))))
                ;; reads up to 4 error contexts from the host's stream in one read: expects 2 (completed, or dropped
                ;; when the host closed its end before the read returned) and returns the message of the second
                (func (export "stream-errors")
                  (local $s i32) (local $r i32)
                  (local.set $s (call $get-errors))
                  (local.set $r (call $stream.read (local.get $s) (i32.const 700) (i32.const 4)))
                  (call $stream.drop-readable (local.get $s))
                  (if (i32.ne (i32.shr_u (local.get $r) (i32.const 4)) (i32.const 2)) (then unreachable))
                  (call $ec.msg (i32.load (i32.const 704)) (i32.const 720))
                  (call $ec.drop (i32.load (i32.const 700)))
                  (call $ec.drop (i32.load (i32.const 704)))
                  (call $ret-string (i32.load (i32.const 720)) (i32.load (i32.const 724))))
                ;; gives the host a future and writes a new error context into it, then drops its own handle
                ;; (the write copied it): returns the write's result
                (func (export "send-error")
                  (local $pair i64) (local $w i32) (local $ec i32) (local $r i32)
                  (local.set $pair (call $future.new))
                  (local.set $w (i32.wrap_i64 (i64.shr_u (local.get $pair) (i64.const 32))))
                  (call $put-error (i32.wrap_i64 (local.get $pair)))
                  (local.set $ec (call $ec.new (i32.const 32) (i32.const 12)))
                  (i32.store (i32.const 600) (local.get $ec))
                  (local.set $r (call $future.write (local.get $w) (i32.const 600)))
                  (call $future.drop-writable (local.get $w))
                  (call $ec.drop (local.get $ec))
                  (call $ret-u32 (local.get $r)))
              )
              (core instance $m (instantiate $M (with "" (instance
                (export "mem" (memory $mem "mem"))
                (export "ec.new" (func $ec.new))
                (export "ec.msg" (func $ec.msg))
                (export "ec.drop" (func $ec.drop))
                (export "get-error" (func $get-error))
                (export "put-error" (func $put-error))
                (export "future.new" (func $future.new))
                (export "future.read" (func $future.read))
                (export "future.write" (func $future.write))
                (export "future.drop-readable" (func $future.drop-readable))
                (export "future.drop-writable" (func $future.drop-writable))
                (export "get-errors" (func $get-errors))
                (export "stream.read" (func $stream.read))
                (export "stream.drop-readable" (func $stream.drop-readable))
                (export "ret-string" (func $ret-string))
                (export "ret-u32" (func $ret-u32))))))
              (func (export "make") (result error-context) (canon lift (core func $m "make")))
              (func (export "message") (param "e" error-context) (result string)
                (canon lift (core func $m "message") (memory (core memory $mem "mem"))))
              (func (export "drop-twice") (param "e" error-context) (canon lift (core func $m "drop-twice")))
              (func (export "await-error") async (result string)
                (canon lift (core func $m "await-error") async (memory (core memory $mem "mem"))))
              (func (export "stream-errors") async (result string)
                (canon lift (core func $m "stream-errors") async (memory (core memory $mem "mem"))))
              (func (export "send-error") async (result u32) (canon lift (core func $m "send-error") async))
            )
            """;

    static final ValueType.FutureType FUTURE_OF_ERROR = new ValueType.FutureType(Optional.of(ValueType.ERROR_CONTEXT));

    final Store<Void> store = Store.create(engine);
    ComponentHostFunction<Void> getError = (s, a) -> {
        throw new AssertionError("get-error not expected");
    };
    ComponentHostFunction<Void> putError = (s, a) -> {
        throw new AssertionError("put-error not expected");
    };
    ComponentHostFunction<Void> getErrors = (s, a) -> {
        throw new AssertionError("get-errors not expected");
    };

    ComponentInstance instantiate() {
        var model = ComponentTextParser.parse(GUEST);
        ComponentValidator.validate(model);
        ComponentLinker<Void> linker = ComponentLinker.create(engine);
        linker.instance("host")
                .defineFunction("get-error", ComponentFuncType.of(List.of(), FUTURE_OF_ERROR),
                        (s, a) -> getError.call(s, a))
                .defineFunction("put-error", ComponentFuncType.of(List.of(new ComponentFuncType.Param("f",
                        FUTURE_OF_ERROR)), null), (s, a) -> putError.call(s, a))
                .defineFunction("get-errors", ComponentFuncType.of(List.of(), new ValueType.StreamType(
                        Optional.of(ValueType.ERROR_CONTEXT))), (s, a) -> getErrors.call(s, a));
        return linker.instantiate(store, Component.fromModel(engine, model));
    }

    @Test
    void aGuestsErrorContextReachesTheHostWithItsMessage() {
        ComponentInstance i = instantiate();
        assertThat(i.getFunc("make").orElseThrow().call())
                .containsExactly(new ComponentValue.ErrorContext("disk full"));
    }

    @Test
    void theGuestReadsTheMessageOfAnErrorContextFromTheHost() {
        ComponentInstance i = instantiate();
        ComponentFunc message = i.getFunc("message").orElseThrow();
        assertThat(message.call(new ComponentValue.ErrorContext("quota exceeded: 5 GiB \u2713")))
                .containsExactly(new ComponentValue.Str("quota exceeded: 5 GiB \u2713"));
        // the guest dropped its handle each time: the instance keeps working with new ones
        assertThat(message.call(new ComponentValue.ErrorContext(""))).containsExactly(new ComponentValue.Str(""));
    }

    @Test
    void aHandleDroppedTwiceTraps() {
        ComponentInstance i = instantiate();
        assertThatThrownBy(() -> i.getFunc("drop-twice").orElseThrow().call(new ComponentValue.ErrorContext("x")))
                .isInstanceOf(Trap.class).hasMessageContaining("unknown handle index");
    }

    @Test
    void aValueOfAnotherTypeIsRefusedWhereAnErrorContextIsExpected() {
        ComponentInstance i = instantiate();
        assertThatThrownBy(() -> i.getFunc("message").orElseThrow().call(new ComponentValue.Str("not one")))
                .isInstanceOf(ComponentException.class).hasMessageContaining("error-context");
    }

    @Test
    void anErrorContextTheHostWritesIntoAFutureReachesTheGuest() {
        getError = (s, a) -> {
            FutureWriter w = FutureWriter.create(s, Optional.of(ValueType.ERROR_CONTEXT));
            Thread.ofVirtual().start(() -> w.write(new ComponentValue.ErrorContext("from the host")));
            return List.of(w.readableEnd());
        };
        ComponentInstance i = instantiate();
        assertThat(i.getFunc("await-error").orElseThrow().call())
                .containsExactly(new ComponentValue.Str("from the host"));
    }

    @Test
    void errorContextsTheHostWritesIntoAStreamReachTheGuest() {
        getErrors = (s, a) -> {
            StreamWriter w = StreamWriter.create(s, Optional.of(ValueType.ERROR_CONTEXT));
            w.write(List.of(new ComponentValue.ErrorContext("first"), new ComponentValue.ErrorContext("second")))
                    .whenComplete((r, e) -> w.close());
            return List.of(w.readableEnd());
        };
        ComponentInstance i = instantiate();
        assertThat(i.getFunc("stream-errors").orElseThrow().call()).containsExactly(new ComponentValue.Str("second"));
    }

    @Test
    void anErrorContextTheGuestWritesIntoAFutureReachesTheHost() {
        AtomicReference<CompletableFuture<Optional<ComponentValue>>> received = new AtomicReference<>();
        putError = (s, a) -> {
            FutureReader r = FutureReader.of(s, a.get(0));
            received.set(r.read());
            return List.of();
        };
        ComponentInstance i = instantiate();
        // COMPLETED; the guest's drop of its own handle after the write did not trap: the write copied it
        assertThat(i.getFunc("send-error").orElseThrow().call()).containsExactly(ComponentValue.u32(0));
        assertThat(ComponentEventLoop.join(store, received.get()))
                .contains(new ComponentValue.ErrorContext("guest failed"));
    }
}
