package dev.basalt.internal.runtime;

import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Which Wasm functions the JVM frames of generated code run, for backtraces. Compiled functions do not record their
 * frames while they run (that would cost a store per call); when a trap's backtrace is built, its JVM stack trace is
 * read instead ({@link StoreState#backtrace(Throwable, int)}). A stack trace element names only the class, the
 * method and the class loader, so every class loader of generated code has a unique name from {@link #loaderName}
 * and registers itself here as a {@link Unit} that maps its frames to functions.
 *
 * <p>Units are held weakly: a unit is reachable from the functions it defines as long as their module is, and a
 * collected one (its module gone, so none of its frames can be on a stack) is dropped at the next registration.
 */
public final class GeneratedCode {
    private static final String PREFIX = "basalt-generated-";
    private static final AtomicLong LOADERS = new AtomicLong();
    private static final ConcurrentHashMap<String, Registered> UNITS = new ConcurrentHashMap<>();
    private static final ReferenceQueue<Unit> COLLECTED = new ReferenceQueue<>();

    private GeneratedCode() {
    }

    /** The generated code of one class loader: the function a JVM frame of one of its classes belongs to. */
    public interface Unit {
        /**
         * The function whose code JVM frame {@code e} (of a class of this unit) runs: its entry method, a method
         * split or outlined from it, or a wrapper around it; null for anything else (bridges, dispatchers).
         */
        CompiledFrames functionOf(StackTraceElement e);
    }

    private static final class Registered extends WeakReference<Unit> {
        final String name;

        Registered(String name, Unit unit) {
            super(unit, COLLECTED);
            this.name = name;
        }
    }

    /** A new, unique class loader name for a unit of generated code. */
    public static String loaderName() {
        return PREFIX + LOADERS.incrementAndGet();
    }

    /** Registers {@code unit} as the owner of the classes that the class loader named {@code loaderName} defines. */
    public static void register(String loaderName, Unit unit) {
        for (Object r; (r = COLLECTED.poll()) != null; ) {
            UNITS.remove(((Registered) r).name, r);
        }
        UNITS.put(loaderName, new Registered(loaderName, unit));
    }

    /** The compiled function JVM frame {@code e} runs code of (see {@link Unit#functionOf}), or null. */
    static CompiledFrames functionOf(StackTraceElement e) {
        String loader = e.getClassLoaderName();
        if (loader == null || !loader.startsWith(PREFIX)) {
            return null;
        }
        Registered r = UNITS.get(loader);
        Unit unit = r == null ? null : r.get();
        return unit == null ? null : unit.functionOf(e);
    }
}
