package dev.basalt.wasi.preview2.internal;

import static dev.basalt.wasi.preview2.internal.WasiHost.dir;
import static dev.basalt.wasi.preview2.internal.WasiHost.err;
import static dev.basalt.wasi.preview2.internal.WasiHost.errorCode;
import static dev.basalt.wasi.preview2.internal.WasiHost.file;
import static dev.basalt.wasi.preview2.internal.WasiHost.kind;
import static dev.basalt.wasi.preview2.internal.WasiHost.res;
import static dev.basalt.wasi.preview2.internal.WasiHost.u64;

import dev.basalt.Store;
import dev.basalt.Trap;
import dev.basalt.TrapKind;
import dev.basalt.component.ComponentFuncType;
import dev.basalt.component.ComponentLinker;
import dev.basalt.component.ComponentValue;
import dev.basalt.component.CopyResult;
import dev.basalt.component.FutureWriter;
import dev.basalt.component.ResourceType;
import dev.basalt.component.StreamReader;
import dev.basalt.component.StreamWriter;
import dev.basalt.component.ValueType;
import dev.basalt.component.wit.Function;
import dev.basalt.component.wit.Resolve;
import dev.basalt.wasi.internal.Errno;
import dev.basalt.wasi.internal.SandboxFs;
import dev.basalt.wasi.preview2.internal.HostResources.Descriptor;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * The WASI 0.3 host functions of wasi:cli, wasi:clocks, wasi:random and wasi:filesystem (version 0.3.0), defined
 * into a {@link ComponentLinker} with the types of the bundled 0.3 WIT. Where 0.3 kept a 0.2 function, the 0.2
 * implementation ({@link WasiHost}) runs, on the same sandbox and resources, and its values are converted to the 0.3
 * types ({@link #adapt}: 0.2 enums that became variants with an {@code other} case, unsigned seconds that became
 * signed). What 0.3 changed is implemented here on the component model's host async API: stdio and file contents
 * as {@code stream<u8>} with a result {@code future}, directory listings as a {@code stream<directory-entry>},
 * {@code monotonic-clock.wait-for/wait-until} as async functions that let the guest's other tasks run.
 *
 * <p>Streams the host writes (stdin, file reads) are filled by a virtual thread only as fast as the guest reads
 * (one chunk at a time); streams the host reads (stdout, stderr, file writes) are read on the thread that drives the
 * store. A guest that drops a stream's readable end stops the pump: its result future still resolves.
 */
public final class WasiHostP3 {
    static final String VERSION = "0.3.0";

    /** The interfaces this host implements, by unversioned name (those without functions define types only). */
    static final List<String> INTERFACES = List.of(
            "wasi:clocks/types", "wasi:clocks/monotonic-clock", "wasi:clocks/system-clock",
            "wasi:random/random", "wasi:random/insecure", "wasi:random/insecure-seed",
            "wasi:filesystem/types", "wasi:filesystem/preopens",
            "wasi:cli/types", "wasi:cli/environment", "wasi:cli/exit", "wasi:cli/stdin", "wasi:cli/stdout",
            "wasi:cli/stderr", "wasi:cli/terminal-input", "wasi:cli/terminal-output", "wasi:cli/terminal-stdin",
            "wasi:cli/terminal-stdout", "wasi:cli/terminal-stderr");

    /** A stream pump moves at most this many bytes per copy. */
    static final int CHUNK = 64 * 1024;

    /** One call: the guest's state, its store, and the function's 0.3 type (for the values it makes). */
    record Call(HostState s, Store<?> store, ComponentFuncType type) {
        ValueType resultType() {
            return type.result().orElseThrow();
        }
    }

    @FunctionalInterface
    interface Impl {
        /** The result (null: none), possibly later. */
        CompletionStage<ComponentValue> call(Call c, List<ComponentValue> args) throws IOException;
    }

    private final WasiHost p2 = new WasiHost();
    private final Map<String, Impl> impls = new HashMap<>();

    public WasiHostP3() {
        registerClocksAndRandom();
        registerCli();
        registerFilesystem();
    }

    /** Defines every interface into {@code linker}; {@code state} finds the guest's state from its store. */
    public <T> void define(ComponentLinker<T> linker, java.util.function.Function<Store<T>, HostState> state) {
        defineAll(linker, state, p2, INTERFACES, impls);
    }

    /**
     * Defines the 0.3.0 {@code interfaces} into {@code linker} with the implementations {@code impls} (by
     * "iface#function", each WIT function exactly one): async WIT functions as async host functions, the others as
     * plain ones whose implementation must finish at once. Resources are the 0.2 host {@code p2}'s resource types
     * (by name), so that its implementations make and find the handles.
     */
    static <T> void defineAll(ComponentLinker<T> linker, java.util.function.Function<Store<T>, HostState> state,
            WasiHost p2, List<String> interfaces, Map<String, Impl> impls) {
        Resolve r = WasiWit.resolveP3();
        Map<Resolve.TypeId, ResourceType> byId = WasiWit.resourceTypes(r,
                interfaces.stream().map(i -> i + "@" + VERSION).toList(), (iface, name) -> p2.resourceType(name));
        WasiWit.Converter conv = new WasiWit.Converter(r, byId);
        Set<String> used = new HashSet<>();
        for (String iface : interfaces) {
            Resolve.InterfaceId id = WasiWit.iface(r, iface + "@" + VERSION);
            ComponentLinker.LinkerInstance<T> inst = linker.instance(iface + "@" + VERSION);
            WasiWit.defineTypes(inst, r, id, conv);
            for (Function f : r.iface(id).functions()) {
                String key = iface + "#" + f.name();
                Impl impl = impls.get(key);
                if (impl == null) {
                    throw new IllegalStateException("no implementation of " + key);
                }
                used.add(key);
                ComponentFuncType type = conv.funcType(f);
                if (type.async()) {
                    inst.defineAsyncFunction(f.name(), type, (store, args) -> run(key, impl, state.apply(store),
                            store, type, args).thenApply(v -> v == null ? List.of() : List.of(v)));
                } else {
                    inst.defineFunction(f.name(), type, (store, args) -> {
                        CompletableFuture<ComponentValue> v = run(key, impl, state.apply(store), store, type, args)
                                .toCompletableFuture();
                        if (!v.isDone()) {
                            throw new IllegalStateException(key + " is not async but its implementation did not finish");
                        }
                        ComponentValue result = v.join();
                        return result == null ? List.of() : List.of(result);
                    });
                }
            }
        }
        if (!used.equals(impls.keySet())) {
            Set<String> extra = new java.util.TreeSet<>(impls.keySet());
            extra.removeAll(used);
            throw new IllegalStateException("implementations without a WIT function: " + extra);
        }
    }

    private static CompletionStage<ComponentValue> run(String key, Impl impl, HostState hs, Store<?> store,
            ComponentFuncType type, List<ComponentValue> args) {
        hs.store = store;
        try {
            return impl.call(new Call(hs, store, type), args);
        } catch (IOException e) {
            throw new Trap(TrapKind.HOST_ERROR, key + ": " + e.getMessage());
        }
    }

    private void on(String iface, String function, Impl impl) {
        if (impls.put(iface + "#" + function, impl) != null) {
            throw new IllegalStateException("defined twice: " + iface + "#" + function);
        }
    }

    /** {@code iface#function} runs the 0.2 host's {@code iface2#function2}, its result converted to the 0.3 type. */
    private void delegate(String iface, String function, String iface2, String function2) {
        on(iface, function, delegating(p2, iface2, function2));
    }

    /** An implementation that runs the 0.2 host's {@code iface2#function2}, its result converted to the 0.3 type. */
    static Impl delegating(WasiHost p2, String iface2, String function2) {
        return (c, a) -> {
            ComponentValue v = p2.call(iface2, function2, c.s(), toP2(a).toArray(ComponentValue[]::new));
            return CompletableFuture.completedFuture(v == null ? null : adapt(v, c.resultType()));
        };
    }

    private void delegate(String iface, String function) {
        delegate(iface, function, iface, function);
    }

    static <V> CompletionStage<V> done(V v) {
        return CompletableFuture.completedFuture(v);
    }

    // ---------------------------------------------------------------- 0.2 values as 0.3 values

    /**
     * {@code v}, a value of a 0.2 type, as a value of the corresponding 0.3 type {@code t}: 0.2 enums that 0.3 made
     * variants ({@code error-code}, {@code descriptor-type}; a label 0.3 dropped becomes {@code other}), unsigned
     * seconds of a {@code datetime} that became the signed seconds of an {@code instant}, structurally elsewhere.
     */
    static ComponentValue adapt(ComponentValue v, ValueType t) {
        return switch (t) {
            case ValueType.VariantType vt when v instanceof ComponentValue.EnumValue e -> {
                if (vt.cases().stream().anyMatch(c -> c.name().equals(e.label()) && c.type().isEmpty())) {
                    yield new ComponentValue.VariantValue(e.label(), Optional.empty());
                }
                // 0.2's "unknown" descriptor type and "would-block" error are 0.3's other(...)
                Optional<ComponentValue> detail = e.label().equals("unknown") ? Optional.empty()
                        : Optional.of(new ComponentValue.Str(e.label()));
                yield new ComponentValue.VariantValue("other",
                        Optional.of(new ComponentValue.OptionValue(detail)));
            }
            case ValueType.VariantType vt when v instanceof ComponentValue.VariantValue vv -> {
                Optional<ValueType> payloadType = vt.cases().stream().filter(c -> c.name().equals(vv.caseName()))
                        .findFirst().flatMap(ValueType.Case::type);
                yield new ComponentValue.VariantValue(vv.caseName(),
                        vv.payload().map(p -> payloadType.map(pt -> adapt(p, pt)).orElse(p)));
            }
            case ValueType.Primitive p when v instanceof ComponentValue.U64 u
                    && p.type() == dev.basalt.component.model.PrimValType.S64 -> new ComponentValue.S64(u.value());
            case ValueType.RecordType rt when v instanceof ComponentValue.RecordValue rv -> {
                List<ComponentValue.Field> fields = new ArrayList<>();
                for (ComponentValue.Field f : rv.fields()) {
                    ValueType ft = rt.fields().stream().filter(x -> x.name().equals(f.name())).findFirst()
                            .map(ValueType.Field::type).orElse(null);
                    fields.add(new ComponentValue.Field(f.name(), ft == null ? f.value() : adapt(f.value(), ft)));
                }
                yield new ComponentValue.RecordValue(fields);
            }
            case ValueType.TupleType tt when v instanceof ComponentValue.TupleValue tv -> {
                List<ComponentValue> out = new ArrayList<>();
                for (int i = 0; i < tv.elements().size(); i++) {
                    out.add(adapt(tv.elements().get(i), tt.types().get(i)));
                }
                yield new ComponentValue.TupleValue(out);
            }
            case ValueType.OptionType ot when v instanceof ComponentValue.OptionValue ov ->
                    new ComponentValue.OptionValue(ov.value().map(x -> adapt(x, ot.type())));
            case ValueType.ResultType rt when v instanceof ComponentValue.ResultValue rv -> {
                Optional<ValueType> pt = rv.ok() ? rt.ok() : rt.error();
                yield new ComponentValue.ResultValue(rv.ok(), rv.payload().map(p -> pt.map(x -> adapt(p, x)).orElse(p)));
            }
            case ValueType.ListType lt when v instanceof ComponentValue.ListValue lv
                    && !(lt.element() instanceof ValueType.Primitive) ->
                    new ComponentValue.ListValue(lv.elements().stream().map(x -> adapt(x, lt.element())).toList());
            default -> v;
        };
    }

    /** 0.3 arguments as the 0.2 implementation takes them: an {@code instant}'s signed seconds as unsigned. */
    static List<ComponentValue> toP2(List<ComponentValue> args) {
        return args.stream().map(WasiHostP3::toP2).toList();
    }

    private static ComponentValue toP2(ComponentValue v) {
        return switch (v) {
            case ComponentValue.VariantValue vv when vv.caseName().equals("timestamp") && vv.payload().isPresent() ->
                    new ComponentValue.VariantValue("timestamp", Optional.of(toP2(vv.payload().get())));
            case ComponentValue.RecordValue rv when rv.get("seconds").orElse(null) instanceof ComponentValue.S64 s ->
                    new ComponentValue.RecordValue(rv.fields().stream().map(f -> f.name().equals("seconds")
                            ? new ComponentValue.Field("seconds", new ComponentValue.U64(s.value())) : f).toList());
            default -> v;
        };
    }

    // ---------------------------------------------------------------- wasi:clocks, wasi:random

    private void registerClocksAndRandom() {
        String mono = "wasi:clocks/monotonic-clock";
        delegate(mono, "now");
        delegate(mono, "get-resolution", mono, "resolution");
        on(mono, "wait-for", (c, a) -> sleep(u64(a, 0)));
        on(mono, "wait-until", (c, a) -> {
            long now = c.s().clock.monotonicNanos();
            long when = u64(a, 0);
            return sleep(Long.compareUnsigned(when, now) <= 0 ? 0 : when - now);
        });
        String system = "wasi:clocks/system-clock";
        delegate(system, "now", "wasi:clocks/wall-clock", "now");
        on(system, "get-resolution", (c, a) -> done(u64(c.s().clock.resolutionNanos(0))));

        delegate("wasi:random/random", "get-random-bytes");
        delegate("wasi:random/random", "get-random-u64");
        delegate("wasi:random/insecure", "get-insecure-random-bytes");
        delegate("wasi:random/insecure", "get-insecure-random-u64");
        delegate("wasi:random/insecure-seed", "get-insecure-seed", "wasi:random/insecure-seed", "insecure-seed");
    }

    /**
     * Completes after {@code nanos} (unsigned; saturated), on the JDK's delay scheduler: the waiting guest task holds
     * no thread, and a guest's cancellation just leaves the timer to fire into a cancelled future.
     */
    private static CompletionStage<ComponentValue> sleep(long nanos) {
        CompletableFuture<ComponentValue> f = new CompletableFuture<>();
        if (nanos == 0) {
            f.complete(null);
            return f;
        }
        return f.completeOnTimeout(null, nanos < 0 ? Long.MAX_VALUE : nanos, TimeUnit.NANOSECONDS);
    }

    // ---------------------------------------------------------------- wasi:cli

    private void registerCli() {
        String env = "wasi:cli/environment";
        delegate(env, "get-environment");
        delegate(env, "get-arguments");
        delegate(env, "get-initial-cwd", env, "initial-cwd");
        delegate("wasi:cli/exit", "exit");
        delegate("wasi:cli/exit", "exit-with-code");
        delegate("wasi:cli/terminal-stdin", "get-terminal-stdin");
        delegate("wasi:cli/terminal-stdout", "get-terminal-stdout");
        delegate("wasi:cli/terminal-stderr", "get-terminal-stderr");
        on("wasi:cli/stdin", "read-via-stream", (c, a) -> {
            ValueType.TupleType t = (ValueType.TupleType) c.resultType();
            FutureWriter result = FutureWriter.create(c.store(), element(t.types().get(1)));
            StreamWriter data = StreamWriter.bytes(c.store());
            InputStream in = c.s().stdin;
            pumpToGuest(data, result, c.resultType(), buf -> in.read(buf.array(), 0, buf.capacity()));
            return done(new ComponentValue.TupleValue(List.of(data.readableEnd(), result.readableEnd())));
        });
        on("wasi:cli/stdout", "write-via-stream", (c, a) -> done(pumpFromGuest(c, a.get(0), c.s().stdout)));
        on("wasi:cli/stderr", "write-via-stream", (c, a) -> done(pumpFromGuest(c, a.get(0), c.s().stderr)));
    }

    static Optional<ValueType> element(ValueType futureOrStream) {
        return switch (futureOrStream) {
            case ValueType.FutureType f -> f.element();
            case ValueType.StreamType s -> s.element();
            default -> throw new IllegalArgumentException("not a future or stream type: " + futureOrStream);
        };
    }

    /** Reads into the buffer from its start; -1 at the end. */
    @FunctionalInterface
    interface Source {
        int read(ByteBuffer buf) throws IOException;
    }

    /**
     * Copies {@code source} into the guest's stream on a virtual thread, a chunk at a time and only as fast as the
     * guest reads; then closes the stream and writes {@code result<_, error-code>} to {@code result}.
     */
    private static void pumpToGuest(StreamWriter data, FutureWriter result, ValueType tupleType, Source source) {
        ValueType resultType = ((ValueType.FutureType) ((ValueType.TupleType) tupleType).types().get(1))
                .element().orElseThrow();
        Thread.ofVirtual().name("basalt-wasi-p3-pump").start(() -> {
            ComponentValue outcome = new ComponentValue.ResultValue(true, Optional.empty());
            try {
                ByteBuffer buf = ByteBuffer.allocate(CHUNK);
                while (true) {
                    buf.clear();
                    int n = source.read(buf);
                    if (n < 0) {
                        break;
                    }
                    if (n == 0) {
                        continue;
                    }
                    CopyResult r = data.writeAll(java.util.Arrays.copyOf(buf.array(), n)).join();
                    if (r.status() != CopyResult.Status.COMPLETED) {
                        break; // the guest dropped the stream: nobody reads further
                    }
                }
            } catch (IOException | UncheckedIOException | Errno.Failure e) {
                outcome = adapt(err(errorCode(errno(e))), resultType);
            } finally {
                data.close();
            }
            result.write(outcome).whenComplete((ok, e) -> result.close());
        });
    }

    /**
     * Reads the guest's stream {@code dataValue} into {@code out} as it is written (on the thread driving the store);
     * the future it returns resolves once the guest dropped the stream, or with the write's error.
     */
    private static ComponentValue pumpFromGuest(Call c, ComponentValue dataValue, OutputStream out) {
        return pumpFromGuest(c, dataValue, bytes -> {
            out.write(bytes);
            out.flush();
        });
    }

    @FunctionalInterface
    interface Sink {
        void write(byte[] bytes) throws IOException;
    }

    private static ComponentValue pumpFromGuest(Call c, ComponentValue dataValue, Sink sink) {
        ValueType resultType = element(c.resultType()).orElseThrow();
        FutureWriter result = FutureWriter.create(c.store(), Optional.of(resultType));
        StreamReader data = StreamReader.of(c.store(), dataValue);
        readChunks(data, sink).whenComplete((outcome, e) -> {
            data.close();
            ComponentValue v = e == null ? new ComponentValue.ResultValue(true, Optional.empty())
                    : adapt(err(errorCode(errno(e))), resultType);
            result.write(v).whenComplete((ok, x) -> result.close());
        });
        return result.readableEnd();
    }

    /** The errno of a failed file or stdio operation (unwrapping the futures' and lambdas' wrappers). */
    static int errno(Throwable e) {
        while ((e instanceof java.util.concurrent.CompletionException || e instanceof UncheckedIOException)
                && e.getCause() != null) {
            e = e.getCause();
        }
        return switch (e) {
            case Errno.Failure f -> f.errno;
            case IOException io -> Errno.of(io);
            case RuntimeException r -> Errno.of(r);
            default -> Errno.IO;
        };
    }

    private static CompletableFuture<Void> readChunks(StreamReader data, Sink sink) {
        return data.read(CHUNK).thenCompose(r -> {
            try {
                if (r.count() > 0) {
                    sink.write(r.bytes());
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return r.status() == CopyResult.Status.COMPLETED ? readChunks(data, sink)
                    : CompletableFuture.completedFuture(null);
        });
    }

    // ---------------------------------------------------------------- wasi:filesystem

    private void registerFilesystem() {
        String t = "wasi:filesystem/types";
        for (String m : List.of("advise", "sync-data", "sync", "get-flags", "get-type", "set-size", "set-times",
                "create-directory-at", "stat", "stat-at", "set-times-at", "link-at", "open-at", "readlink-at",
                "remove-directory-at", "rename-at", "symlink-at", "unlink-file-at", "is-same-object", "metadata-hash",
                "metadata-hash-at")) {
            delegate(t, "[method]descriptor." + m);
        }
        delegate("wasi:filesystem/preopens", "get-directories");
        on(t, "[method]descriptor.read-via-stream", (c, a) -> {
            ValueType.TupleType tt = (ValueType.TupleType) c.resultType();
            FutureWriter result = FutureWriter.create(c.store(), element(tt.types().get(1)));
            StreamWriter data = StreamWriter.bytes(c.store());
            ComponentValue ends = new ComponentValue.TupleValue(List.of(data.readableEnd(), result.readableEnd()));
            Descriptor d;
            long offset = u64(a, 1);
            try {
                d = file(res(a, 0, Descriptor.class));
                if (!d.read) {
                    throw Errno.fail(Errno.BADF);
                }
            } catch (Errno.Failure e) {
                failAtOnce(data, result, tt, e);
                return done(ends);
            }
            FileChannel ch = d.channel;
            long[] position = {offset};
            pumpToGuest(data, result, tt, buf -> {
                int n = ch.read(buf, position[0]);
                if (n > 0) {
                    position[0] += n;
                }
                return n;
            });
            return done(ends);
        });
        on(t, "[method]descriptor.write-via-stream", (c, a) -> writeTo(c, a, false));
        on(t, "[method]descriptor.append-via-stream", (c, a) -> writeTo(c, a, true));
        on(t, "[method]descriptor.read-directory", (c, a) -> {
            ValueType.TupleType tt = (ValueType.TupleType) c.resultType();
            ValueType entryType = element(tt.types().get(0)).orElseThrow();
            FutureWriter result = FutureWriter.create(c.store(), element(tt.types().get(1)));
            StreamWriter entries = StreamWriter.create(c.store(), Optional.of(entryType));
            ComponentValue ends = new ComponentValue.TupleValue(List.of(entries.readableEnd(), result.readableEnd()));
            List<ComponentValue> list = new ArrayList<>();
            try {
                Descriptor d = dir(res(a, 0, Descriptor.class));
                for (SandboxFs.Entry e : SandboxFs.list(d.root, d.components)) {
                    list.add(adapt(new ComponentValue.RecordValue(List.of(
                            new ComponentValue.Field("type", kind(e.kind())),
                            new ComponentValue.Field("name", new ComponentValue.Str(e.name())))), entryType));
                }
            } catch (IOException | Errno.Failure e) {
                failAtOnce(entries, result, tt, e);
                return done(ends);
            }
            entries.writeAll(list).whenComplete((r, e) -> {
                entries.close();
                result.write(new ComponentValue.ResultValue(true, Optional.empty()))
                        .whenComplete((ok, x) -> result.close());
            });
            return done(ends);
        });
    }

    /** A stream that ends at once and a result future with the error of {@code e}. */
    private static void failAtOnce(StreamWriter data, FutureWriter result, ValueType.TupleType tt, Exception e) {
        ValueType resultType = element(tt.types().get(1)).orElseThrow();
        data.close();
        result.write(adapt(err(errorCode(errno(e))), resultType))
                .whenComplete((ok, x) -> result.close());
    }

    /** {@code write-via-stream} (at an offset) and {@code append-via-stream}. */
    private static CompletionStage<ComponentValue> writeTo(Call c, List<ComponentValue> a, boolean append) {
        ValueType resultType = element(c.resultType()).orElseThrow();
        Descriptor d;
        try {
            d = file(res(a, 0, Descriptor.class));
            if (!d.write) {
                throw Errno.fail(Errno.BADF);
            }
        } catch (Errno.Failure e) {
            // the guest's stream is taken and dropped: its writer sees the reader gone
            StreamReader.of(c.store(), a.get(1)).close();
            FutureWriter result = FutureWriter.create(c.store(), Optional.of(resultType));
            result.write(adapt(err(errorCode(errno(e))), resultType))
                    .whenComplete((ok, x) -> result.close());
            return done(result.readableEnd());
        }
        FileChannel ch = d.channel;
        long[] position = {append ? 0 : u64(a, 2)};
        return done(pumpFromGuest(c, a.get(1), bytes -> {
            ByteBuffer buf = ByteBuffer.wrap(bytes);
            long at = append ? ch.size() : position[0];
            while (buf.hasRemaining()) {
                at += ch.write(buf, at);
            }
            position[0] = at;
        }));
    }
}
