package dev.basalt.testkit;

import dev.basalt.Trap;
import dev.basalt.TrapKind;
import dev.basalt.wasm.WasmModule;
import dev.basalt.wasm.wast.WastValue;
import java.util.List;
import java.util.Optional;

/**
 * How the {@link WastRunner} executes WebAssembly: the one seam between the script runner and an engine.
 *
 * <p>The runner parses and validates every module itself; a backend only ever sees valid modules. For each script
 * file the runner opens one {@link Session} (the script's world: its instances and the names registered with
 * {@code (register ...)}) and closes it when the file is done. The runner keeps track of which instance is
 * "current" and which {@code $name} refers to which instance; a backend only instantiates, invokes, reads globals
 * and registers.
 *
 * <p>Contract for implementers (the runtime's interpreter and compiler):
 * <ul>
 *   <li>A session provides the spec harness module {@code "spectest"} as an import source from the start (the
 *       functions {@code print*}, {@code global_i32} = 666 etc., {@code table}, {@code memory} 1 2, as the spec
 *       interpreter defines them).</li>
 *   <li>Failures are thrown: a {@link Trap} for traps (kind {@link TrapKind#CALL_STACK_EXHAUSTED} is what
 *       {@code assert_exhaustion} expects), and whatever exception types the engine uses for link errors and
 *       uncaught Wasm exceptions; {@link #classify(Throwable)} tells the runner which is which.</li>
 *   <li>Arguments arrive as the script wrote them ({@link WastValue}); {@code (ref.extern n)} and
 *       {@code (ref.host n)} are host references that compare equal iff their numbers are equal, and come back
 *       as {@link Value.Ref} with that number.</li>
 *   <li>A session is used by one thread at a time.</li>
 * </ul>
 * Register new backends in {@link ExecutionBackends}.
 */
public interface ExecutionBackend {
    /** The engine's name as the CLI's {@code --engine} option and the JUnit test names spell it. */
    String name();

    /** False only for {@link NoExecution}: then the runner skips every directive that needs execution. */
    default boolean executes() {
        return true;
    }

    /** A fresh world for one script file. */
    Session openSession();

    /**
     * What kind of failure {@code t}, thrown by a session, is. The default knows {@link Trap}; backends whose link
     * errors or Wasm exceptions are other types override this.
     */
    default Failure classify(Throwable t) {
        if (t instanceof Trap trap) {
            return new Failure(trap.kind() == TrapKind.CALL_STACK_EXHAUSTED ? FailureKind.EXHAUSTION : FailureKind.TRAP,
                    trap.getMessage());
        }
        return new Failure(FailureKind.OTHER, String.valueOf(t));
    }

    /** The script's world: instances and registered names. */
    /**
     * Whether {@code t}, thrown while instantiating a module, means this engine cannot run the module yet (a known
     * engine limit, not a wrong result): the reason the runner reports the directives as skipped with.
     */
    default java.util.Optional<String> unsupported(Throwable t) {
        return java.util.Optional.empty();
    }

    interface Session extends AutoCloseable {
        /**
         * Instantiates a validated module, resolving its imports against "spectest" and the registered names.
         *
         * @param name the module's {@code $id} in the script, if it has one (for backtraces and diagnostics)
         * @throws RuntimeException a link error, or a trap raised while initialising (segments, start function)
         */
        Instance instantiate(WasmModule module, Optional<String> name);

        /** Makes {@code instance}'s exports importable under module name {@code as}. */
        void register(String as, Instance instance);

        /**
         * Instantiates a validated component on the component runtime (no imports are provided).
         *
         * @param name the component's {@code $id} in the script, if it has one
         * @throws UnsupportedOperationException when this backend has no component runtime (the runner then skips
         *     the component's directives)
         * @throws RuntimeException a link error or a trap while instantiating
         */
        default ComponentTarget instantiateComponent(dev.basalt.component.model.Component component,
                                                     Optional<String> name) {
            throw new UnsupportedOperationException("component runtime");
        }

        /** Releases what the session holds; the default does nothing. */
        @Override
        default void close() {
        }
    }

    /** An instantiated module, as far as the runner needs it. */
    interface Instance {
        /**
         * Calls the exported function {@code export} with {@code args}.
         *
         * @return its results in order
         * @throws RuntimeException a trap, an uncaught exception, or a missing export
         */
        List<Value> invoke(String export, List<WastValue> args);

        /** Reads the current value of the exported global {@code export}. */
        Value get(String export);
    }

    /** An instantiated component, as far as the runner needs it. */
    interface ComponentTarget {
        /**
         * Calls the exported function {@code export} (a name of the component's exports) with component values.
         *
         * @return its result values (none or one)
         * @throws RuntimeException a trap, a missing export or an argument that does not fit the function's type
         */
        List<WastValue> invoke(String export, List<WastValue> args);
    }

    /** What went wrong when a session threw. */
    enum FailureKind {
        /** A trap other than exhaustion: {@code assert_trap}. */
        TRAP,
        /** Call stack exhausted: {@code assert_exhaustion}. */
        EXHAUSTION,
        /** An uncaught Wasm exception: {@code assert_exception}. */
        EXCEPTION,
        /** Imports could not be resolved or did not match: {@code assert_unlinkable}. */
        UNLINKABLE,
        /** Anything else: always a failed directive. */
        OTHER
    }

    /** A classified failure; {@code message} starts with the spec's wording where the kind has one. */
    record Failure(FailureKind kind, String message) {
    }
}
