package dev.basalt.testkit;

/**
 * The backend used while no engine exists (or when {@code --engine none} is asked for): the runner still parses
 * and validates every module, and reports every directive that needs execution as skipped.
 */
public final class NoExecution implements ExecutionBackend {
    public static final NoExecution INSTANCE = new NoExecution();

    /** The reason given for every directive skipped for lack of an engine. */
    public static final String SKIP_REASON = "no execution engine yet";

    private NoExecution() {
    }

    @Override
    public String name() {
        return "none";
    }

    @Override
    public boolean executes() {
        return false;
    }

    @Override
    public Session openSession() {
        throw new UnsupportedOperationException("the 'none' backend executes nothing");
    }
}
