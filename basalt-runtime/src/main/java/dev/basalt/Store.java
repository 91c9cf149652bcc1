package dev.basalt;

import dev.basalt.internal.runtime.StoreState;
import java.lang.ref.WeakReference;
import java.time.Duration;
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
        return state.swapExecutionStack(next == null ? new StoreState.ExecutionStack()
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

    /** Per-store resource limits. */
    public record Limits(long maxMemoryBytes, long maxTableElements, int maxInstances) {
        public static Limits of(Config config) {
            return new Limits(config.maxMemoryBytes(), config.maxTableElements(), config.maxInstances());
        }
    }
}
