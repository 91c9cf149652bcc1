package dev.basalt.wasi;

import dev.basalt.Engine;
import dev.basalt.FuncType;
import dev.basalt.Instance;
import dev.basalt.Linker;
import dev.basalt.Memory;
import dev.basalt.Module;
import dev.basalt.Store;
import dev.basalt.Trap;
import dev.basalt.TrapKind;
import dev.basalt.Val;
import dev.basalt.wasm.ExternKind;
import dev.basalt.wasm.Import;
import dev.basalt.wasm.ImportDesc;
import dev.basalt.wasm.NumType;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;

/**
 * wasi-threads: {@code wasi.thread-spawn} for modules built for {@code wasm32-wasip1-threads} (pthreads in
 * wasi-libc). A program imports a shared memory and {@code thread-spawn(start-arg) -> tid}; each spawned thread is
 * a new instance of the same module, in its own {@link Store}, on its own Java thread, sharing the memory, and
 * runs the export {@code wasi_thread_start(tid, start-arg)}.
 *
 * <p>As in wasmtime: a trap or {@code proc_exit} in any thread ends the whole program (every other thread's store
 * is interrupted, and {@link #run(Instance)} reports that outcome); when the main thread's {@code _start} returns,
 * the remaining threads are stopped. The threads share the main store's data (usually the {@link WasiContext},
 * whose calls are serialised) unless {@code threadData} gives each its own. Resource limits: at most
 * {@code maxThreads} live threads (a further spawn returns -1, which wasi-libc turns into {@code EAGAIN}), and
 * each thread's store gets the fuel and deadline given here, so a spawned thread cannot outrun the program's
 * limits.
 *
 * {@snippet :
 * Store<WasiContext> store = Store.create(engine, wasi);
 * Linker<WasiContext> linker = Linker.create(engine);
 * WasiPreview1.addToLinker(linker, ctx -> ctx);
 * WasiThreads<WasiContext> threads = WasiThreads.addToLinker(linker, store, module, WasiThreads.Options.DEFAULT);
 * int exitCode = threads.run(linker.instantiate(store, module));
 * }
 *
 * @see <a href="https://github.com/WebAssembly/wasi-threads">wasi-threads</a>
 */
public final class WasiThreads<T> {
    /** The import module and function name of the spawn call. */
    public static final String MODULE = "wasi";
    public static final String SPAWN = "thread-spawn";
    /** The export each spawned thread runs. */
    public static final String START = "wasi_thread_start";
    /** Thread ids are positive and below 2^29 (the top bits are reserved by the proposal). */
    private static final int MAX_TID = 0x1FFF_FFFF;

    /**
     * Limits for spawned threads: the most live threads, fuel and a deadline for each thread's store (empty:
     * none), and what each thread's store data is, given the main store's.
     */
    public record Options<T>(int maxThreads, OptionalLong fuelPerThread, Optional<Duration> deadline,
            UnaryOperator<T> threadData) {
        /** 128 threads, no fuel, no deadline, data shared with the main store. */
        public static <T> Options<T> defaults() {
            return new Options<>(128, OptionalLong.empty(), Optional.empty(), UnaryOperator.identity());
        }

        public Options {
            if (maxThreads < 0) {
                throw new IllegalArgumentException("maxThreads must not be negative");
            }
        }

        public Options<T> withMaxThreads(int n) {
            return new Options<>(n, fuelPerThread, deadline, threadData);
        }

        public Options<T> withFuelPerThread(long fuel) {
            return new Options<>(maxThreads, OptionalLong.of(fuel), deadline, threadData);
        }

        public Options<T> withDeadline(Duration d) {
            return new Options<>(maxThreads, fuelPerThread, Optional.of(d), threadData);
        }

        public Options<T> withThreadData(UnaryOperator<T> f) {
            return new Options<>(maxThreads, fuelPerThread, deadline, f);
        }
    }

    private final Engine engine;
    private final Module module;
    private final Linker<T> linker;
    private final Store<T> mainStore;
    private final Options<T> options;
    private final Memory memory;
    private final AtomicInteger nextTid = new AtomicInteger(1);
    private final AtomicInteger liveThreads = new AtomicInteger();
    private final Set<Store<T>> stores = ConcurrentHashMap.newKeySet();
    private final Set<Thread> threads = ConcurrentHashMap.newKeySet();
    /** The first trap or exit of any thread: it decides how the program ends. */
    private final AtomicReference<RuntimeException> outcome = new AtomicReference<>();
    private volatile boolean ending;

    private WasiThreads(Linker<T> linker, Store<T> mainStore, Module module, Options<T> options, Memory memory) {
        this.engine = mainStore.engine();
        this.module = module;
        this.linker = linker;
        this.mainStore = mainStore;
        this.options = options;
        this.memory = memory;
        stores.add(mainStore);
    }

    /** Whether {@code module} imports {@code wasi.thread-spawn}. */
    public static boolean uses(Module module) {
        return module.imports().stream().anyMatch(i -> i.module().equals(MODULE) && i.name().equals(SPAWN));
    }

    /**
     * Creates the shared memory {@code module} imports (in {@code mainStore}, of the imported type) and defines
     * it and {@code wasi.thread-spawn} on {@code linker}. Define the other imports (WASI preview1...) on the same
     * linker, before or after: spawned threads are instantiated with it.
     *
     * @throws IllegalArgumentException if the module imports no shared memory or does not export
     *         {@value #START}
     */
    public static <T> WasiThreads<T> addToLinker(Linker<T> linker, Store<T> mainStore, Module module,
            Options<T> options) {
        Import memoryImport = module.imports().stream()
                .filter(i -> i.desc() instanceof ImportDesc.Memory m && m.type().shared())
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("a wasi-threads module imports a shared memory; "
                        + "this one does not"));
        boolean exportsStart = module.exports().stream()
                .anyMatch(e -> e.kind() == ExternKind.FUNC && e.name().equals(START));
        if (!exportsStart) {
            throw new IllegalArgumentException("a wasi-threads module exports " + START + "; this one does not");
        }
        Memory memory = Memory.create(mainStore, ((ImportDesc.Memory) memoryImport.desc()).type());
        linker.define(memoryImport.module(), memoryImport.name(), memory);
        WasiThreads<T> threads = new WasiThreads<>(linker, mainStore, module, options, memory);
        linker.defineHostFunction(MODULE, SPAWN, FuncType.of(List.of(NumType.I32), List.of(NumType.I32)),
                (caller, args) -> new Val[] {Val.i32(threads.spawn(((Val.I32) args[0]).value()))});
        return threads;
    }

    /** The shared memory the threads use. */
    public Memory memory() {
        return memory;
    }

    /** Threads spawned and still running. */
    public int liveThreads() {
        return liveThreads.get();
    }

    /**
     * Runs the program's main thread ({@code _initialize}, then {@code _start}) and returns its exit code. If a
     * thread trapped or called {@code proc_exit} first, that is the outcome: the trap is thrown, the exit code
     * returned. Threads still running when it ends are stopped.
     */
    public int run(Instance main) {
        try {
            int code = WasiPreview1.runCommand(main);
            RuntimeException first = outcome.get();
            return first == null ? code : rethrow(first);
        } catch (Trap t) {
            RuntimeException first = outcome.get();
            if (first != null && first != t) {
                return rethrow(first);          // main was interrupted because another thread ended the program
            }
            throw t;
        } finally {
            stop();
        }
    }

    /** Stops every spawned thread (their stores are interrupted) and waits briefly for them to leave. */
    public void stop() {
        ending = true;
        for (Store<T> s : stores) {
            if (s != mainStore) {
                s.interrupt();
            }
        }
        long until = System.nanoTime() + Duration.ofSeconds(2).toNanos();
        for (Thread t : threads) {
            long left = until - System.nanoTime();
            if (left > 0) {
                try {
                    t.join(Duration.ofNanos(left));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    private int rethrow(RuntimeException first) {
        if (first instanceof WasiExitException exit) {
            return exit.exitCode();
        }
        throw first;
    }

    /** {@code thread-spawn}: a new thread id, or -1 if no thread can be started. */
    private int spawn(int startArg) {
        if (ending) {
            return -1;
        }
        if (liveThreads.incrementAndGet() > options.maxThreads()) {
            liveThreads.decrementAndGet();
            return -1;
        }
        int tid = nextTid.getAndIncrement();
        if (tid > MAX_TID) {
            liveThreads.decrementAndGet();
            return -1;
        }
        Store<T> store = Store.create(engine, options.threadData().apply(mainStore.data()));
        options.fuelPerThread().ifPresent(store::setFuel);
        Instance instance;
        try {
            instance = linker.instantiate(store, module);
        } catch (RuntimeException e) {
            liveThreads.decrementAndGet();
            if (e instanceof Trap t) {
                end(t);
            }
            return -1;
        }
        stores.add(store);
        options.deadline().ifPresent(store::setDeadline);
        Thread thread = Thread.ofPlatform().daemon().name("wasi-thread-" + tid).unstarted(() -> {
            try {
                instance.getFunc(START).orElseThrow().call(Val.i32(tid), Val.i32(startArg));
            } catch (WasiExitException e) {
                end(e);
            } catch (Trap t) {
                if (!ending) {
                    end(t);
                }
            } catch (RuntimeException e) {
                end(new Trap(TrapKind.HOST_ERROR, e));
            } finally {
                store.cancelDeadline();
                stores.remove(store);
                threads.remove(Thread.currentThread());
                liveThreads.decrementAndGet();
            }
        });
        threads.add(thread);
        thread.start();
        return tid;
    }

    /** The first thread to trap or exit ends the program: everyone else is interrupted. */
    private void end(RuntimeException e) {
        if (outcome.compareAndSet(null, e)) {
            ending = true;
            for (Store<T> s : stores) {
                s.interrupt();
            }
        }
    }
}
