package dev.basalt.wasi;

import java.lang.management.ManagementFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The time sources a guest sees through {@code clock_time_get}, {@code clock_res_get} and {@code poll_oneoff}.
 * {@link #system()} reads the host clocks; {@link #deterministic(long, long)} is a virtual clock for reproducible
 * tests and replays: every reading advances it by a fixed step, and sleeping advances it instead of waiting.
 *
 * <p>Implementations must be thread-safe if a context is shared between threads (it normally is not).
 */
public interface WasiClock {
    /** Nanoseconds since the Unix epoch ({@code clockid::realtime}). */
    long realtimeNanos();

    /** Nanoseconds from an arbitrary fixed origin, never decreasing ({@code clockid::monotonic}). */
    long monotonicNanos();

    /** CPU time of the whole host process in nanoseconds ({@code clockid::process_cputime_id}). */
    long processCpuNanos();

    /** CPU time of the calling thread in nanoseconds ({@code clockid::thread_cputime_id}). */
    long threadCpuNanos();

    /** The resolution of the clock with the given WASI id (0..3), in nanoseconds. */
    long resolutionNanos(int clockId);

    /** Blocks the guest for {@code nanos} (poll_oneoff with only clock subscriptions). */
    void sleep(long nanos) throws InterruptedException;

    /** The host's clocks. */
    static WasiClock system() {
        return SystemClock.INSTANCE;
    }

    /**
     * A virtual clock: realtime starts at {@code startEpochNanos}, monotonic at 0, and each reading of any clock
     * advances all of them by {@code stepNanos}; {@link #sleep} advances them by the slept time at once.
     */
    static WasiClock deterministic(long startEpochNanos, long stepNanos) {
        return new VirtualClock(startEpochNanos, stepNanos);
    }
}

/** {@link WasiClock#system()}. */
final class SystemClock implements WasiClock {
    static final SystemClock INSTANCE = new SystemClock();

    private SystemClock() {
    }

    @Override
    public long realtimeNanos() {
        java.time.Instant now = java.time.Instant.now();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }

    @Override
    public long monotonicNanos() {
        return System.nanoTime();
    }

    @Override
    public long processCpuNanos() {
        return ProcessHandle.current().info().totalCpuDuration().map(d -> d.toNanos()).orElse(0L);
    }

    @Override
    public long threadCpuNanos() {
        // java.management is loaded only when a guest asks for thread CPU time.
        var bean = ManagementFactory.getThreadMXBean();
        return bean.isCurrentThreadCpuTimeSupported() ? bean.getCurrentThreadCpuTime() : 0L;
    }

    @Override
    public long resolutionNanos(int clockId) {
        return clockId == 0 ? 1_000L : 1L;
    }

    @Override
    public void sleep(long nanos) throws InterruptedException {
        if (nanos > 0) {
            TimeUnit.NANOSECONDS.sleep(nanos);
        }
    }
}

/** {@link WasiClock#deterministic(long, long)}. */
final class VirtualClock implements WasiClock {
    private final long start;
    private final long step;
    private final AtomicLong elapsed = new AtomicLong();

    VirtualClock(long start, long step) {
        this.start = start;
        this.step = step;
    }

    private long tick() {
        return elapsed.getAndAdd(step);
    }

    @Override
    public long realtimeNanos() {
        return start + tick();
    }

    @Override
    public long monotonicNanos() {
        return tick();
    }

    @Override
    public long processCpuNanos() {
        return tick();
    }

    @Override
    public long threadCpuNanos() {
        return tick();
    }

    @Override
    public long resolutionNanos(int clockId) {
        return Math.max(1, step);
    }

    @Override
    public void sleep(long nanos) {
        if (nanos > 0) {
            elapsed.addAndGet(nanos);
        }
    }
}
