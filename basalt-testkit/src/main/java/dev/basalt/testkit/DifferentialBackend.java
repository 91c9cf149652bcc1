package dev.basalt.testkit;

import dev.basalt.Trap;
import dev.basalt.wasm.BasaltException;
import dev.basalt.wasm.WasmModule;
import dev.basalt.wasm.wast.WastValue;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Runs every script action on two engines side by side and reports where they disagree: the differential test of
 * the compiler against the interpreter ({@link #INTERPRETER_VS_COMPILER}).
 *
 * <p>Each session holds one session of each engine. Every instantiation, invocation and global read happens on
 * both; when both produce the same values, or both fail with the same kind of failure (for traps: the same
 * {@link dev.basalt.TrapKind}), the reference engine's outcome goes on to the {@link WastRunner}, which then checks
 * it against the script's expectation as usual. When they differ, a {@link Disagreement} is thrown instead, so the
 * directive fails with both sides in its reason (prefix {@value Disagreement#PREFIX}), whatever the script
 * expected. A module the candidate engine cannot translate yet is not run on the reference engine either: the
 * runner skips the directives on it with the candidate's reason ({@link #unsupported}), as it does on the candidate
 * alone.
 *
 * <p>Values are compared exactly (floats by their bits); references by kind and host number, as {@link Value}
 * describes them. One exception: two arithmetic NaNs (quiet bit set) agree whatever their sign and payload, because
 * the spec leaves those nondeterministic for arithmetic on NaN operands, and the JVM really does vary them: which
 * operand's payload x86 propagates depends on the operand order HotSpot's JIT picks for a commutative
 * {@code add}/{@code mul}, so even one engine answers differently before and after its code is JIT-compiled. Such
 * tolerated differences are counted ({@link #toleratedNanDifferences}). v128 values get the same rule per 32-bit or
 * per 64-bit lane. A signalling NaN against a quiet one is still a disagreement.
 */
public final class DifferentialBackend implements ExecutionBackend {
    /** Basalt's interpreter (the reference) against its compiler. */
    public static final DifferentialBackend INTERPRETER_VS_COMPILER =
            new DifferentialBackend(RuntimeBackend.INSTANCE, RuntimeBackend.COMPILER);

    private final ExecutionBackend reference;
    private final ExecutionBackend candidate;
    private final java.util.concurrent.atomic.AtomicLong toleratedNan = new java.util.concurrent.atomic.AtomicLong();

    public DifferentialBackend(ExecutionBackend reference, ExecutionBackend candidate) {
        this.reference = Objects.requireNonNull(reference, "reference");
        this.candidate = Objects.requireNonNull(candidate, "candidate");
    }

    /** How many results so far differed only in the sign or payload of arithmetic NaNs (see the class comment). */
    public long toleratedNanDifferences() {
        return toleratedNan.get();
    }

    @Override
    public String name() {
        return reference.name() + "-vs-" + candidate.name();
    }

    @Override
    public Session openSession() {
        return new DifferentialSession(reference.openSession(), candidate.openSession());
    }

    @Override
    public Failure classify(Throwable t) {
        if (t instanceof Disagreement d) {
            return new Failure(FailureKind.OTHER, d.getMessage());
        }
        return reference.classify(t);
    }

    @Override
    public Optional<String> unsupported(Throwable t) {
        return candidate.unsupported(t);
    }

    /** The two engines did different things for the same action; the message says what each did. */
    public static final class Disagreement extends BasaltException {
        /** How every disagreement's message starts. */
        public static final String PREFIX = "engines disagree";
        private static final long serialVersionUID = 1L;

        Disagreement(String message) {
            super(message);
        }
    }

    /** What one engine did: values, or a failure. */
    private record Result<T>(T value, Throwable failure) {
        static <T> Result<T> of(Supplier<T> action) {
            try {
                return new Result<>(action.get(), null);
            } catch (RuntimeException | StackOverflowError e) {
                return new Result<>(null, e);
            }
        }
    }

    private final class DifferentialSession implements Session {
        private final Session referenceSession;
        private final Session candidateSession;

        DifferentialSession(Session referenceSession, Session candidateSession) {
            this.referenceSession = referenceSession;
            this.candidateSession = candidateSession;
        }

        @Override
        public Instance instantiate(WasmModule module, Optional<String> name) {
            // the candidate first: a module it cannot translate must not change the reference's world either
            Result<Instance> c = Result.of(() -> candidateSession.instantiate(module, name));
            if (c.failure() != null && candidate.unsupported(c.failure()).isPresent()) {
                throw rethrow(c.failure());
            }
            Result<Instance> r = Result.of(() -> referenceSession.instantiate(module, name));
            agree("instantiation", r, c);
            return new DifferentialInstance(r.value(), c.value());
        }

        @Override
        public void register(String as, Instance instance) {
            DifferentialInstance d = (DifferentialInstance) instance;
            referenceSession.register(as, d.reference());
            candidateSession.register(as, d.candidate());
        }

        @Override
        public void close() {
            try {
                referenceSession.close();
            } finally {
                candidateSession.close();
            }
        }
    }

    private final class DifferentialInstance implements Instance {
        private final Instance referenceInstance;
        private final Instance candidateInstance;

        DifferentialInstance(Instance referenceInstance, Instance candidateInstance) {
            this.referenceInstance = referenceInstance;
            this.candidateInstance = candidateInstance;
        }

        Instance reference() {
            return referenceInstance;
        }

        Instance candidate() {
            return candidateInstance;
        }

        @Override
        public List<Value> invoke(String export, List<WastValue> args) {
            Result<List<Value>> r = Result.of(() -> referenceInstance.invoke(export, args));
            Result<List<Value>> c = Result.of(() -> candidateInstance.invoke(export, args));
            return agree("invoke \"" + export + "\"", r, c);
        }

        @Override
        public Value get(String export) {
            Result<Value> r = Result.of(() -> referenceInstance.get(export));
            Result<Value> c = Result.of(() -> candidateInstance.get(export));
            return agree("get \"" + export + "\"", r, c);
        }
    }

    /** The reference's value when both agree; the reference's failure when both fail alike; else a Disagreement. */
    private <T> T agree(String what, Result<T> r, Result<T> c) {
        if (r.failure() == null && c.failure() == null) {
            // values (Value records, lists of them) compare exactly; instances are not compared
            if (r.value() instanceof Instance || Objects.equals(r.value(), c.value())) {
                return r.value();
            }
            if (sameUpToNans(r.value(), c.value())) {
                toleratedNan.incrementAndGet();
                return r.value();
            }
        }
        if (r.failure() != null && c.failure() != null) {
            Failure rf = reference.classify(r.failure());
            Failure cf = candidate.classify(c.failure());
            boolean sameKind = rf.kind() == cf.kind() && rf.kind() != FailureKind.OTHER
                    && (!(r.failure() instanceof Trap rt) || !(c.failure() instanceof Trap ct) || rt.kind() == ct.kind());
            if (sameKind) {
                throw rethrow(r.failure());
            }
        }
        throw new Disagreement(Disagreement.PREFIX + " on " + what + ": " + reference.name() + " "
                + describe(r) + ", " + candidate.name() + " " + describe(c));
    }

    private static boolean sameUpToNans(Object a, Object b) {
        if (a instanceof List<?> x && b instanceof List<?> y) {
            if (x.size() != y.size()) {
                return false;
            }
            for (int i = 0; i < x.size(); i++) {
                if (!sameUpToNans(x.get(i), y.get(i))) {
                    return false;
                }
            }
            return true;
        }
        return switch (a) {
            case Value.F32 x when b instanceof Value.F32 y -> x.bits() == y.bits()
                    || (quietNan32(x.bits()) && quietNan32(y.bits()));
            case Value.F64 x when b instanceof Value.F64 y -> x.bits() == y.bits()
                    || (quietNan64(x.bits()) && quietNan64(y.bits()));
            case Value.Vec x when b instanceof Value.Vec y -> sameLanes(x.value(), y.value());
            default -> Objects.equals(a, b);
        };
    }

    /** Lane-wise: every 32-bit lane equal or both quiet f32 NaNs, or every 64-bit lane equal or both quiet f64 NaNs. */
    private static boolean sameLanes(dev.basalt.wasm.V128 a, dev.basalt.wasm.V128 b) {
        boolean f32Lanes = true;
        for (int shift = 0; shift < 64; shift += 32) {
            int al = (int) (a.lo() >>> shift);
            int bl = (int) (b.lo() >>> shift);
            int ah = (int) (a.hi() >>> shift);
            int bh = (int) (b.hi() >>> shift);
            f32Lanes &= (al == bl || (quietNan32(al) && quietNan32(bl))) && (ah == bh || (quietNan32(ah) && quietNan32(bh)));
        }
        boolean f64Lanes = (a.lo() == b.lo() || (quietNan64(a.lo()) && quietNan64(b.lo())))
                && (a.hi() == b.hi() || (quietNan64(a.hi()) && quietNan64(b.hi())));
        return f32Lanes || f64Lanes;
    }

    private static boolean quietNan32(int bits) {
        return (bits & 0x7FC0_0000) == 0x7FC0_0000;
    }

    private static boolean quietNan64(long bits) {
        return (bits & 0x7FF8_0000_0000_0000L) == 0x7FF8_0000_0000_0000L;
    }

    private String describe(Result<?> result) {
        if (result.failure() == null) {
            return switch (result.value()) {
                case Value v -> "returned " + ResultMatcher.describeValues(List.of(v));
                case List<?> l when l.stream().allMatch(Value.class::isInstance) ->
                        "returned " + ResultMatcher.describeValues(l.stream().map(Value.class::cast).toList());
                default -> "succeeded";
            };
        }
        Throwable t = result.failure();
        String kind = t instanceof Trap trap ? "trap " + trap.kind() : reference.classify(t).kind().name().toLowerCase(
                java.util.Locale.ROOT);
        return "failed (" + kind + "): " + WastRunner.describe(t);
    }

    private static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException e) {
            throw e;
        }
        if (t instanceof Error e) {
            throw e;
        }
        throw new IllegalStateException(t);
    }
}
