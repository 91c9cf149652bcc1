package dev.basalt.testkit;

import java.util.List;
import java.util.Optional;

/**
 * The execution backends this build has, in order of preference. The CLI's {@code --engine} and the JUnit spec
 * suite both choose from this list; an engine that exists adds its backend here.
 */
public final class ExecutionBackends {
    private ExecutionBackends() {
    }

    /** Every backend, the preferred executing one first, {@link NoExecution} last. */
    public static List<ExecutionBackend> all() {
        return List.of(RuntimeBackend.INSTANCE, RuntimeBackend.COMPILER, RuntimeBackend.AUTO, NoExecution.INSTANCE);
    }

    public static Optional<ExecutionBackend> byName(String name) {
        return all().stream().filter(b -> b.name().equals(name)).findFirst();
    }

    /** The first backend that executes code, or {@link NoExecution} when there is none. */
    public static ExecutionBackend preferred() {
        return all().stream().filter(ExecutionBackend::executes).findFirst().orElse(NoExecution.INSTANCE);
    }

    /**
     * The backends that run code (the ones the spec suite is run on), or just {@link NoExecution}. Tiering
     * ({@link RuntimeBackend#AUTO}) is left out to keep the suite's time down: it runs on demand
     * ({@code basalt wast --engine auto}).
     */
    public static List<ExecutionBackend> forSpecTests() {
        List<ExecutionBackend> executing = all().stream().filter(ExecutionBackend::executes)
                .filter(b -> b != RuntimeBackend.AUTO).toList();
        return executing.isEmpty() ? List.of(NoExecution.INSTANCE) : executing;
    }
}
