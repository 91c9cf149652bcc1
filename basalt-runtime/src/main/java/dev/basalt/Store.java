package dev.basalt;

import dev.basalt.internal.memory.LinearMemory;
import dev.basalt.internal.runtime.StoreState;
import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Owns the mutable state of the instances created in it (memories, tables, globals, the value stack) plus a
 * host data object {@code T}. Sandbox controls live here: fuel, interruption from another thread, a deadline,
 * and resource limits. A store is used by one thread at a time; {@link #interrupt()} may be called from any
 * thread. After a trap the store stays usable.
 *
 * <p>Fuel versus deadline: fuel is deterministic (the same program stops at the same point every run) and is
 * charged at function entries and loop iterations in proportion to the instructions executed; a deadline or
 * {@link #interrupt()} costs nothing per instruction beyond one flag check at the same points, but where the
 * program stops depends on timing.
 *
 * {@snippet :
 * Store<Void> store = Store.create(engine);
 * store.setFuel(1_000_000);
 * }
 */
public final class Store<T> {
    private static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "basalt-deadline");
        t.setDaemon(true);
        return t;
    });

    private final Engine engine;
    private T data;
    final StoreState state;
    private ScheduledFuture<?> deadline;

    private Store(Engine engine, T data, Limits limits) {
        this.engine = engine;
        this.data = data;
        this.state = new StoreState(engine.config().maxCallDepth(), limits.maxMemoryBytes, limits.maxTableElements,
                limits.maxInstances);
        this.state.owner = this;
    }

    public static Store<Void> create(Engine engine) {
        return new Store<>(engine, null, Limits.of(engine.config()));
    }

    public static <T> Store<T> create(Engine engine, T data) {
        return new Store<>(engine, data, Limits.of(engine.config()));
    }

    /** A store with its own resource limits (each memory at most {@code maxMemoryBytes}, ...). */
    public static <T> Store<T> create(Engine engine, T data, Limits limits) {
        return new Store<>(engine, data, limits);
    }

    public Engine engine() {
        return engine;
    }

    public T data() {
        return data;
    }

    public void setData(T data) {
        this.data = data;
    }

    /** Turns fuel metering on with {@code fuel} units; execution traps with "all fuel consumed" when it runs out. */
    public void setFuel(long fuel) {
        if (fuel < 0) {
            throw new IllegalArgumentException("negative fuel");
        }
        state.enableFuel(fuel);
    }

    /** Remaining fuel, or empty when fuel metering is off. */
    public java.util.OptionalLong getFuel() {
        return state.fuelEnabled ? java.util.OptionalLong.of(Math.max(0, state.fuel)) : java.util.OptionalLong.empty();
    }

    /** Turns fuel metering off. */
    public void disableFuel() {
        state.fuelEnabled = false;
        state.fuel = Long.MAX_VALUE;
    }

    /**
     * Asks running Wasm code to stop: it traps with "interrupted" at the next loop iteration or call, or, when the
     * guest is blocked in a host call that waits ({@link #enterBlockingCall()}: WASI's poll, socket and HTTP waits,
     * sleeps, request and response bodies), at once. Callable from any thread. If nothing is running, the next call
     * traps.
     *
     * <p>Each request deoptimises the JVM's compiled Wasm code once (so that running loops see it), and while an
     * interrupt is pending on any store, compiled code in every store of the JVM reads its store's interrupt flag at
     * function entries and loop headers: a plain load, hoisted out of most loops, measured up to 1.2x on call-heavy
     * code (basalt-compiler README, "What interruption costs"), until the interrupt fires, is cleared
     * ({@link #clearInterrupt()}) or the store is collected. A host that interrupts a store which may stay idle
     * should still clear it rather than leave it pending.
     */
    public void interrupt() {
        state.requestInterrupt(TrapKind.INTERRUPTED);
    }

    /** Clears a pending interrupt or deadline trap that has not fired yet. */
    public void clearInterrupt() {
        state.clearInterrupt();
    }

    /**
     * Arms a deadline: Wasm code still running {@code timeout} from now traps with "deadline exceeded", also when
     * it is blocked in a waiting host call then (see {@link #interrupt()}). Replaces a previous deadline.
     */
    public synchronized void setDeadline(Duration timeout) {
        cancelDeadline();
        WeakReference<StoreState> ref = new WeakReference<>(state);
        deadline = TIMER.schedule(() -> {
            StoreState s = ref.get();
            if (s != null) {
                s.requestInterrupt(TrapKind.DEADLINE_EXCEEDED);
            }
        }, Math.max(0, timeout.toNanos()), TimeUnit.NANOSECONDS);
    }

    public synchronized void cancelDeadline() {
        if (deadline != null) {
            deadline.cancel(false);
            deadline = null;
        }
    }

    /**
     * For runtimes layered on Basalt that run several Wasm call stacks in one store, one at a time on different Java
     * threads (the component model's cooperative threads): makes {@code next} (null: a new, empty stack) the
     * store's current execution stack and returns the previous one, to be swapped back in when its Java thread
     * continues. The Java thread that runs Wasm must always be the one whose stack is installed.
     */
    public Object swapExecutionStack(Object next) {
        stacksSwapped = true;
        return state.swapExecutionStack(next == null ? new StoreState.ExecutionStack(state.maxDepth)
                : (StoreState.ExecutionStack) next);
    }

    /**
     * Declares that the calling thread is about to block in a host call on behalf of this store's guest (waiting
     * for a socket, an HTTP response, a request body, a timer) until the returned section is closed. Meanwhile
     * {@link #interrupt()} and an expiring {@linkplain #setDeadline deadline} interrupt the thread
     * ({@link Thread#interrupt()}), which ends Java's blocking waits with an {@link InterruptedException} (or
     * {@link java.io.InterruptedIOException}, {@link java.nio.channels.ClosedByInterruptException}, a
     * {@link java.nio.channels.Selector} returning early); the host then throws {@link BlockingCall#interrupted()}.
     * Wasm code needs none of this: it checks for interrupts itself. An interrupt the store delivered is cleared
     * from the thread when the section closes, so it never reaches code that runs later on that thread.
     *
     * {@snippet :
     * try (Store.BlockingCall call = caller.store().enterBlockingCall()) {
     *     return queue.take();
     * } catch (InterruptedException e) {
     *     throw call.interrupted();
     * }
     * }
     *
     * @throws Trap "interrupted" or "deadline exceeded" at once if one is pending (the section is then not entered)
     */
    public BlockingCall enterBlockingCall() {
        state.enterBlocking();
        return new BlockingCall(state);
    }

    /** A blocking host call in progress: see {@link #enterBlockingCall()}. Used by the thread that entered it. */
    public static final class BlockingCall implements AutoCloseable {
        private final StoreState state;
        private boolean closed;

        private BlockingCall(StoreState state) {
            this.state = state;
        }

        /**
         * The trap a host call throws when its wait ended because the thread was interrupted: the store's pending
         * "interrupted" or "deadline exceeded" (consumed, so it fires once), else "interrupted" (the thread was
         * interrupted by someone else). Closes the section.
         */
        public Trap interrupted() {
            close();
            return state.interruptedTrap("while the guest was blocked in a host call");
        }

        @Override
        public void close() {
            if (!closed) {
                closed = true;
                state.exitBlocking();
            }
        }
    }

    /**
     * Ends this store's use and hands its instances' memories back for reuse: each memory a module defined (and
     * initialised from its data segments) is detached -- it becomes empty, any later access traps, so a reference
     * kept by mistake can never see another store's data -- and its array, reset to exactly what a fresh
     * instantiation of that module puts there, serves the module's next instantiation instead of a new array
     * (zeroing and copying a large memory is most of what instantiating a big module costs); when the engine tracks
     * memory writes ({@link Config.Builder#trackMemoryWrites}), only the pages the store's code wrote are reset. The store and its
     * instances must not be used afterwards. For servers that run an instance per request; calling it is optional
     * (without it, memories are garbage collected as usual).
     *
     * <p>Nothing is recycled while Wasm code of this store is still running, or if the store ever ran several
     * execution stacks ({@link #swapExecutionStack}: a suspended one may still hold a memory's array), since that
     * code could go on writing an array another instance then uses. Idempotent; not thread-safe with calls into
     * the store (call it from the thread that used the store, after its last call returned).
     */
    public void release() {
        List<RecyclableMemory> memories = recyclable;
        recyclable = null;
        if (memories == null || state.depth != 0 || stacksSwapped) {
            return;
        }
        for (RecyclableMemory r : memories) {
            long used = r.memory().byteSize();
            long minBytes = r.memory().type().limits().min() << r.memory().type().pageSizeLog2();
            byte[] written = r.memory().writtenMap();
            byte[] array = r.memory().detach();
            if (array != null) {
                r.image().recycle(r.definedIndex(), array, written, used, minBytes);
            }
        }
    }

    /**
     * The state a layer built on the runtime keeps for this store (the component model's scheduler, for one), made by
     * {@code create} on its first use and kept exactly as long as the store. A static map keyed by the store would
     * keep such state, and so the store it refers to, alive forever.
     */
    public synchronized <E> E extension(Class<E> type, java.util.function.Function<Store<T>, ? extends E> create) {
        if (extensions == null) {
            extensions = new java.util.HashMap<>(2);
        }
        Object e = extensions.get(type);
        if (e == null) {
            e = create.apply(this);
            extensions.put(type, e);
        }
        return type.cast(e);
    }

    /** {@link #extension}'s state by type; null until the first one. */
    private java.util.Map<Class<?>, Object> extensions;

    /** A memory instantiation created from a module's image: what {@link #release()} hands back. */
    private record RecyclableMemory(MemoryImage image, int definedIndex, LinearMemory memory) {
    }

    /** Memories {@link #release()} may recycle, in creation order; null after release. */
    private List<RecyclableMemory> recyclable = new ArrayList<>(2);
    /** Whether {@link #swapExecutionStack} was ever used: then memories are never recycled. */
    private volatile boolean stacksSwapped;

    void recyclable(MemoryImage image, int definedIndex, LinearMemory memory) {
        if (recyclable != null) {
            recyclable.add(new RecyclableMemory(image, definedIndex, memory));
        }
    }

    /** Per-store resource limits. */
    public record Limits(long maxMemoryBytes, long maxTableElements, int maxInstances) {
        public static Limits of(Config config) {
            return new Limits(config.maxMemoryBytes(), config.maxTableElements(), config.maxInstances());
        }
    }
}
