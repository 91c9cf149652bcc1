package dev.basalt.component;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.basalt.Engine;
import dev.basalt.Store;
import dev.basalt.component.bindgen.InMemoryJavac;
import dev.basalt.component.bindgen.JavaBindgen;
import dev.basalt.component.binding.Bindings;
import dev.basalt.component.binding.ComponentCaller;
import dev.basalt.component.binding.HostRegistrar;
import dev.basalt.component.binding.Result;
import dev.basalt.component.binding.TypedFuture;
import dev.basalt.component.binding.TypedStream;
import dev.basalt.component.text.ComponentTextParser;
import dev.basalt.component.wit.Resolve;
import dev.basalt.component.wit.WitLoader;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The async WIT features through generated bindings, against a real component: {@code stream<T>} and
 * {@code future<T>} results the host reads ({@link TypedStream}, {@link TypedFuture}), a {@code stream<T>} argument
 * the host writes, {@code error-context} both ways, async exports called like any other and an async import the
 * host implements with a {@code CompletionStage} completed on another thread.
 */
class AsyncBindingsEndToEndTest {
    static final String WIT = """
            package test:pipes;
            world pipes {
              import double: async func(x: u32) -> u32;
              import count: func(n: u32) -> stream<u32>;
              export numbers: async func(n: u32) -> stream<u32>;
              export sum: async func(values: stream<u32>) -> u64;
              export later: async func(x: u32) -> future<u32>;
              export await-value: async func(f: future<u32>) -> u32;
              export sum-count: async func(n: u32) -> u64;
              export twice-doubled: async func(x: u32) -> u32;
              export fail: func() -> result<u32, error-context>;
              export echo-error: func(e: error-context) -> error-context;
            }
            """;

    /** The guest: stackful async exports that block in synchronous stream, future and call built-ins. */
    static final String GUEST = """
            (component
              (import "double" (func $double async (param "x" u32) (result u32)))
              (import "count" (func $count (param "n" u32) (result (stream u32))))
              (core module $Mem
                (memory (export "mem") 1)
                (data (i32.const 16) "bad input"))
              (core instance $mem (instantiate $Mem))
              (type $ST (stream u32))
              (type $FT (future u32))
              (core func $stream.new (canon stream.new $ST))
              (core func $stream.read (canon stream.read $ST (memory (core memory $mem "mem"))))
              (core func $stream.write (canon stream.write $ST (memory (core memory $mem "mem"))))
              (core func $stream.drop-readable (canon stream.drop-readable $ST))
              (core func $stream.drop-writable (canon stream.drop-writable $ST))
              (core func $future.new (canon future.new $FT))
              (core func $future.write (canon future.write $FT (memory (core memory $mem "mem"))))
              (core func $future.drop-writable (canon future.drop-writable $FT))
              (core func $future.read (canon future.read $FT (memory (core memory $mem "mem"))))
              (core func $future.drop-readable (canon future.drop-readable $FT))
              (core func $ec.new (canon error-context.new (memory (core memory $mem "mem"))))
              (core func $double (canon lower (func $double)))
              (core func $count (canon lower (func $count)))
              (core func $ret-stream (canon task.return (result $ST)))
              (core func $ret-future (canon task.return (result $FT)))
              (core func $ret-u64 (canon task.return (result u64)))
              (core func $ret-u32 (canon task.return (result u32)))
              (core module $M
                (import "" "mem" (memory 1))
                (import "" "stream.new" (func $stream.new (result i64)))
                (import "" "stream.read" (func $stream.read (param i32 i32 i32) (result i32)))
                (import "" "stream.write" (func $stream.write (param i32 i32 i32) (result i32)))
                (import "" "stream.drop-readable" (func $stream.drop-readable (param i32)))
                (import "" "stream.drop-writable" (func $stream.drop-writable (param i32)))
                (import "" "future.new" (func $future.new (result i64)))
                (import "" "future.write" (func $future.write (param i32 i32) (result i32)))
                (import "" "future.drop-writable" (func $future.drop-writable (param i32)))
                (import "" "future.read" (func $future.read (param i32 i32) (result i32)))
                (import "" "future.drop-readable" (func $future.drop-readable (param i32)))
                (import "" "ec.new" (func $ec.new (param i32 i32) (result i32)))
                (import "" "double" (func $double (param i32) (result i32)))
                (import "" "count" (func $count (param i32) (result i32)))
                (import "" "ret-stream" (func $ret-stream (param i32)))
                (import "" "ret-future" (func $ret-future (param i32)))
                (import "" "ret-u64" (func $ret-u64 (param i64)))
                (import "" "ret-u32" (func $ret-u32 (param i32)))
                ;; returns a stream, then writes 0 .. n-1 into it, one synchronous write (waiting for the
                ;; reader) per value, and drops its end
                (func (export "numbers") (param $n i32)
                  (local $pair i64) (local $w i32) (local $i i32)
                  (local.set $pair (call $stream.new))
                  (local.set $w (i32.wrap_i64 (i64.shr_u (local.get $pair) (i64.const 32))))
                  (call $ret-stream (i32.wrap_i64 (local.get $pair)))
                  (block $done (loop $next
                    (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
                    (i32.store (i32.const 100) (local.get $i))
                    (if (i32.ne (call $stream.write (local.get $w) (i32.const 100) (i32.const 1))
                                (i32.const 0x10 (; COMPLETED, 1 value ;)))
                      (then unreachable))
                    (local.set $i (i32.add (local.get $i) (i32.const 1)))
                    (br $next)))
                  (call $stream.drop-writable (local.get $w)))
                ;; reads the stream up to 4 values at a time until the writer drops it; returns their sum
                (func $sum (export "sum") (param $s i32)
                  (local $r i32) (local $k i32) (local $i i32) (local $total i64)
                  (loop $more
                    (local.set $r (call $stream.read (local.get $s) (i32.const 200) (i32.const 4)))
                    (local.set $k (i32.shr_u (local.get $r) (i32.const 4)))
                    (local.set $i (i32.const 0))
                    (block $added (loop $add
                      (br_if $added (i32.ge_u (local.get $i) (local.get $k)))
                      (local.set $total (i64.add (local.get $total) (i64.extend_i32_u
                        (i32.load (i32.add (i32.const 200) (i32.shl (local.get $i) (i32.const 2)))))))
                      (local.set $i (i32.add (local.get $i) (i32.const 1)))
                      (br $add)))
                    ;; COMPLETED (0): read on; DROPPED (1): the writer is done
                    (br_if $more (i32.eqz (i32.and (local.get $r) (i32.const 0xf)))))
                  (call $stream.drop-readable (local.get $s))
                  (call $ret-u64 (local.get $total)))
                ;; returns a future, then writes 2x into it (waiting for the reader) and drops its end
                (func (export "later") (param $x i32)
                  (local $pair i64) (local $w i32)
                  (local.set $pair (call $future.new))
                  (local.set $w (i32.wrap_i64 (i64.shr_u (local.get $pair) (i64.const 32))))
                  (call $ret-future (i32.wrap_i64 (local.get $pair)))
                  (i32.store (i32.const 300) (i32.shl (local.get $x) (i32.const 1)))
                  (if (i32.ne (call $future.write (local.get $w) (i32.const 300)) (i32.const 0 (; COMPLETED ;)))
                    (then unreachable))
                  (call $future.drop-writable (local.get $w)))
                ;; the sum of the host's count(n) stream
                (func (export "sum-count") (param $n i32)
                  (call $sum (call $count (local.get $n))))
                ;; reads the future (waiting for the writer) and returns its value plus 1
                (func (export "await-value") (param $f i32)
                  (if (i32.ne (call $future.read (local.get $f) (i32.const 320)) (i32.const 0 (; COMPLETED ;)))
                    (then unreachable))
                  (call $future.drop-readable (local.get $f))
                  (call $ret-u32 (i32.add (i32.load (i32.const 320)) (i32.const 1))))
                ;; the host's async double, called synchronously twice (the task waits for each)
                (func (export "twice-doubled") (param $x i32)
                  (call $ret-u32 (call $double (call $double (local.get $x)))))
                ;; err(error-context "bad input"), returned through memory
                (func (export "fail") (result i32)
                  (i32.store8 (i32.const 400) (i32.const 1))
                  (i32.store (i32.const 404) (call $ec.new (i32.const 16) (i32.const 9)))
                  (i32.const 400))
                (func (export "echo-error") (param i32) (result i32)
                  (local.get 0)))
              (core instance $m (instantiate $M (with "" (instance
                (export "mem" (memory $mem "mem"))
                (export "stream.new" (func $stream.new))
                (export "stream.read" (func $stream.read))
                (export "stream.write" (func $stream.write))
                (export "stream.drop-readable" (func $stream.drop-readable))
                (export "stream.drop-writable" (func $stream.drop-writable))
                (export "future.new" (func $future.new))
                (export "future.write" (func $future.write))
                (export "future.drop-writable" (func $future.drop-writable))
                (export "future.read" (func $future.read))
                (export "future.drop-readable" (func $future.drop-readable))
                (export "ec.new" (func $ec.new))
                (export "double" (func $double))
                (export "count" (func $count))
                (export "ret-stream" (func $ret-stream))
                (export "ret-future" (func $ret-future))
                (export "ret-u64" (func $ret-u64))
                (export "ret-u32" (func $ret-u32))))))
              (func (export "numbers") async (param "n" u32) (result (stream u32))
                (canon lift (core func $m "numbers") async))
              (func (export "sum") async (param "values" (stream u32)) (result u64)
                (canon lift (core func $m "sum") async))
              (func (export "later") async (param "x" u32) (result (future u32))
                (canon lift (core func $m "later") async))
              (func (export "sum-count") async (param "n" u32) (result u64)
                (canon lift (core func $m "sum-count") async))
              (func (export "await-value") async (param "f" (future u32)) (result u32)
                (canon lift (core func $m "await-value") async))
              (func (export "twice-doubled") async (param "x" u32) (result u32)
                (canon lift (core func $m "twice-doubled") async))
              (func (export "fail") (result (result u32 (error error-context)))
                (canon lift (core func $m "fail") (memory (core memory $mem "mem"))))
              (func (export "echo-error") (param "e" error-context) (result error-context)
                (canon lift (core func $m "echo-error"))))
            """;

    /** The engine the core modules run on; the compiler variant of this test overrides it. */
    Engine newEngine() {
        return Engine.create();
    }

    ClassLoader classes;
    Map<String, String> sources;
    Store<Void> store;
    Object pipes;
    Class<?> exports;

    @BeforeEach
    void generateCompileAndInstantiate() throws Exception {
        WitLoader.Loaded loaded = WitLoader.load("pipes.wit", WIT, WitLoader.Options.DEFAULT);
        Resolve.WorldId world = loaded.resolve().findWorld(loaded.roots().getFirst(), "pipes").orElseThrow();
        sources = JavaBindgen.generate(loaded.resolve(), world, new JavaBindgen.Options("gen.pipes"));
        classes = InMemoryJavac.compile(sources);

        Engine engine = newEngine();
        ComponentLinker<Void> linker = ComponentLinker.create(engine);
        Class<?> imports = classes.loadClass("gen.pipes.Pipes$Imports");
        // the async import completes on another thread; its result is lowered on the event loop's thread
        // count(n) returns a stream of 0 .. n-1 made with the generated result factory
        Method newCountResult = classes.loadClass("gen.pipes.Pipes").getMethod("newCountResultStream");
        Object doubler = Proxy.newProxyInstance(classes, new Class<?>[] {imports}, (proxy, method, args) -> {
            if (method.getName().equals("count")) {
                @SuppressWarnings("unchecked")
                TypedStream.Writer<Integer> writer = (TypedStream.Writer<Integer>) newCountResult.invoke(null);
                List<Integer> values = new ArrayList<>();
                for (int i = 0; i < (Integer) args[0]; i++) {
                    values.add(i);
                }
                writer.writeAll(values).thenRun(writer::close);
                return writer.readableEnd();
            }
            return CompletableFuture.supplyAsync(() -> (Integer) args[0] * 2, work -> Thread.ofVirtual().start(work));
        });
        classes.loadClass("gen.pipes.Pipes").getMethod("register", HostRegistrar.class, imports)
                .invoke(null, HostRegistrar.of(linker), doubler);
        store = Store.create(engine);
        ComponentInstance instance = linker.instantiate(store,
                Component.fromModel(engine, ComponentTextParser.parse(GUEST)));
        exports = classes.loadClass("gen.pipes.Pipes$Exports");
        pipes = exports.getConstructor(ComponentCaller.class).newInstance(ComponentCaller.of(instance));
    }

    private Object call(String name, Object... args) throws Exception {
        for (Method m : exports.getMethods()) {
            if (m.getName().equals(name)) {
                try {
                    return m.invoke(pipes, args);
                } catch (InvocationTargetException e) {
                    throw (Exception) e.getCause();
                }
            }
        }
        throw new AssertionError("no method " + name);
    }

    @Test
    void generatedSignaturesUseTypedStreamsFuturesErrorContextsAndCompletionStages() {
        String world = sources.get("gen/pipes/Pipes.java");
        assertThat(world).contains(
                "CompletionStage<Integer> double_(int x);",
                "public TypedStream<Integer> numbers(int n)",
                "public long sum(TypedStream<Integer> values)",
                "public TypedFuture<Integer> later(int x)",
                "public int twiceDoubled(int x)",
                "public Result<Integer, ComponentValue.ErrorContext> fail()",
                "public ComponentValue.ErrorContext echoError(ComponentValue.ErrorContext e)",
                "registrar.defineAsync(NAME, \"double\"",
                "public java.util.concurrent.CompletableFuture<Integer> twiceDoubledAsync(int x)",
                "public java.util.concurrent.CompletableFuture<TypedFuture<Integer>> laterAsync(int x)",
                "public static TypedStream.Writer<Integer> newSumValuesStream(dev.basalt.Store<?> store)",
                "public static TypedFuture.Writer<Integer> newAwaitValueFFuture(dev.basalt.Store<?> store)",
                "TypedStream<Integer> count(int n);",
                "public static TypedStream.Writer<Integer> newCountResultStream()");
        assertThat(world).as("only stream and future parameters get writer factories")
                .doesNotContain("newNumbersNStream", "newLaterXFuture");
        assertThat(world).doesNotContain("failAsync");
    }

    /**
     * The ...Async form of async exports: several calls in progress at once, each waiting for the host's async
     * double on another thread, joined by running the store's event loop.
     */
    @Test
    @SuppressWarnings("unchecked")
    void asyncExportsStartWithoutWaitingAndRunConcurrently() throws Exception {
        List<CompletableFuture<Integer>> calls = new ArrayList<>();
        for (int x = 1; x <= 4; x++) {
            calls.add((CompletableFuture<Integer>) call("twiceDoubledAsync", x));
        }
        CompletableFuture<TypedFuture<Integer>> later = (CompletableFuture<TypedFuture<Integer>>) call("laterAsync", 50);
        List<Integer> results = new ArrayList<>();
        for (CompletableFuture<Integer> c : calls) {
            results.add(ComponentEventLoop.join(store, c));
        }
        assertThat(results).containsExactly(4, 8, 12, 16);
        assertThat(ComponentEventLoop.join(store, later).read(store)).contains(100);
    }

    @Test
    @SuppressWarnings("unchecked")
    void aStreamResultIsReadByTheHostWhileTheGuestWritesIt() throws Exception {
        TypedStream<Integer> numbers = (TypedStream<Integer>) call("numbers", 5);
        assertThat(numbers.readAll(store)).containsExactly(0, 1, 2, 3, 4);
        assertThat(((TypedStream<Integer>) call("numbers", 0)).readAll(store)).isEmpty();
    }

    @Test
    void aStreamArgumentIsWrittenByTheHostWhileTheGuestReadsIt() throws Exception {
        TypedStream.Writer<Integer> writer = TypedStream.writer(store, Optional.of(ValueType.U32),
                Bindings::lowerU32);
        List<Integer> values = new ArrayList<>();
        for (int i = 1; i <= 10; i++) {
            values.add(i);
        }
        values.add(0xffff_fff0); // a u32 above 2^31: the Java int carries its bits
        writer.writeAll(values).thenRun(writer::close);
        assertThat(call("sum", writer.readableEnd())).isEqualTo(55L + 0xffff_fff0L);
    }

    /** The generated factory makes the writer: no ValueType or lowering spelled by the caller. */
    @Test
    @SuppressWarnings("unchecked")
    void generatedWriterFactoriesMakeStreamAndFutureArguments() throws Exception {
        TypedStream.Writer<Integer> writer = (TypedStream.Writer<Integer>) exports
                .getMethod("newSumValuesStream", Store.class).invoke(null, store);
        writer.writeAll(List.of(1, 2, 3, 0xffff_ffff)).thenRun(writer::close);
        assertThat(call("sum", writer.readableEnd())).isEqualTo(6L + 0xffff_ffffL);

        TypedFuture.Writer<Integer> future = (TypedFuture.Writer<Integer>) exports
                .getMethod("newAwaitValueFFuture", Store.class).invoke(null, store);
        future.write(41);
        assertThat(call("awaitValue", future.readableEnd())).isEqualTo(42);
    }

    /** An import returning a stream: the host makes it with the generated result factory, in the caller's store. */
    @Test
    void anImportReturnsAStreamMadeByItsGeneratedFactory() throws Exception {
        assertThat(call("sumCount", 10)).isEqualTo(45L);
        assertThat(call("sumCount", 0)).isEqualTo(0L);
        // outside a host function there is no caller's store to make it in
        Method factory = classes.loadClass("gen.pipes.Pipes").getMethod("newCountResultStream");
        assertThatThrownBy(() -> {
            try {
                factory.invoke(null);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        }).isInstanceOf(ComponentException.class).hasMessageContaining("no host function is running");
    }

    @Test
    @SuppressWarnings("unchecked")
    void aFutureResultIsReadOnceTheGuestWritesIt() throws Exception {
        TypedFuture<Integer> later = (TypedFuture<Integer>) call("later", 21);
        assertThat(later.read(store)).contains(42);
    }

    @Test
    void anAsyncImportIsImplementedWithACompletionStage() throws Exception {
        assertThat(call("twiceDoubled", 5)).isEqualTo(20);
    }

    @Test
    @SuppressWarnings("unchecked")
    void errorContextsGoBothWays() throws Exception {
        Result<Integer, ComponentValue.ErrorContext> failed = (Result<Integer, ComponentValue.ErrorContext>) call("fail");
        assertThat(failed).isEqualTo(new Result.Err<>(new ComponentValue.ErrorContext("bad input")));
        ComponentValue.ErrorContext mine = new ComponentValue.ErrorContext("from the host");
        assertThat(call("echoError", mine)).isEqualTo(mine);
        assertThatThrownBy(() -> call("echoError", (Object) null)).isInstanceOf(NullPointerException.class);
    }
}
