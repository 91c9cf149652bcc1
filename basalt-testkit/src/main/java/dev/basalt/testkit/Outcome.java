package dev.basalt.testkit;

import java.util.Optional;

/**
 * What became of one directive of a script.
 *
 * @param line    the directive's 1-based line in the script (0 for the script as a whole)
 * @param kind    the directive's keyword, e.g. {@code assert_invalid}, {@code module}, {@code invoke}
 * @param status  passed, failed or skipped
 * @param reason  why it failed or was skipped; empty when it passed
 * @param note    a remark on a passing directive, e.g. that the error message differs from the expected text
 * @param error   the unexpected exception behind a failure, for {@code --debug} stack traces
 */
public record Outcome(int line, String kind, Status status, String reason, Optional<String> note,
                      Optional<Throwable> error) {

    public enum Status { PASSED, FAILED, SKIPPED }

    public Outcome {
        java.util.Objects.requireNonNull(kind, "kind");
        java.util.Objects.requireNonNull(status, "status");
        java.util.Objects.requireNonNull(reason, "reason");
        java.util.Objects.requireNonNull(note, "note");
        java.util.Objects.requireNonNull(error, "error");
    }

    static Outcome passed(int line, String kind) {
        return new Outcome(line, kind, Status.PASSED, "", Optional.empty(), Optional.empty());
    }

    static Outcome passed(int line, String kind, Optional<String> note) {
        return new Outcome(line, kind, Status.PASSED, "", note, Optional.empty());
    }

    static Outcome failed(int line, String kind, String reason) {
        return new Outcome(line, kind, Status.FAILED, reason, Optional.empty(), Optional.empty());
    }

    static Outcome failed(int line, String kind, String reason, Throwable error) {
        return new Outcome(line, kind, Status.FAILED, reason, Optional.empty(), Optional.ofNullable(error));
    }

    static Outcome skipped(int line, String kind, String reason) {
        return new Outcome(line, kind, Status.SKIPPED, reason, Optional.empty(), Optional.empty());
    }

    public boolean passed() {
        return status == Status.PASSED;
    }

    public boolean failed() {
        return status == Status.FAILED;
    }

    public boolean skipped() {
        return status == Status.SKIPPED;
    }
}
