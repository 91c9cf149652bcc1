package dev.basalt.testkit;

import java.util.List;

/** The outcomes of one script file's directives, in order, and their counts. */
public record ScriptResult(String file, List<Outcome> outcomes) {
    public ScriptResult {
        outcomes = List.copyOf(outcomes);
    }

    public long passed() {
        return outcomes.stream().filter(Outcome::passed).count();
    }

    public long failed() {
        return outcomes.stream().filter(Outcome::failed).count();
    }

    public long skipped() {
        return outcomes.stream().filter(Outcome::skipped).count();
    }

    /** The one-line summary the CLI prints per file: {@code file: N passed, N failed, N skipped}. */
    public String summary() {
        return file + ": " + Counts.of(this).summary();
    }
}
