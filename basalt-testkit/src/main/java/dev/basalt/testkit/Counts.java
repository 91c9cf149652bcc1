package dev.basalt.testkit;

/** Passed/failed/skipped totals, added up over files. */
public record Counts(long passed, long failed, long skipped) {
    public static final Counts ZERO = new Counts(0, 0, 0);

    public static Counts of(ScriptResult r) {
        return new Counts(r.passed(), r.failed(), r.skipped());
    }

    public Counts plus(Counts o) {
        return new Counts(passed + o.passed, failed + o.failed, skipped + o.skipped);
    }

    public Counts plus(Outcome.Status s) {
        return switch (s) {
            case PASSED -> new Counts(passed + 1, failed, skipped);
            case FAILED -> new Counts(passed, failed + 1, skipped);
            case SKIPPED -> new Counts(passed, failed, skipped + 1);
        };
    }

    public long total() {
        return passed + failed + skipped;
    }

    /** The plain closing line of a run: {@code N passed, N failed, N skipped}. */
    public String summary() {
        return passed + " passed, " + failed + " failed, " + skipped + " skipped";
    }
}
