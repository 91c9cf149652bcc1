package dev.basalt.testkit;

import dev.basalt.wasm.V128;
import java.util.OptionalLong;

/**
 * A value an {@link ExecutionBackend} hands back to the WAST runner: the result of an {@code invoke} or the value of
 * a global read with {@code get}. It says just enough for {@code assert_return}'s patterns to be matched.
 *
 * <p>Floats are raw bits so that NaN payloads can be checked. A non-null reference is described by its
 * {@link RefKind} (what the referenced thing concretely is), plus, for host references, the number the script gave
 * them.
 */
public sealed interface Value {
    record I32(int value) implements Value {
    }

    record I64(long value) implements Value {
    }

    record F32(int bits) implements Value {
    }

    record F64(long bits) implements Value {
    }

    record Vec(V128 value) implements Value {
    }

    /** A null reference of any type: {@code (ref.null ...)} patterns match every null. */
    record Null() implements Value {
    }

    /**
     * A non-null reference. {@code hostId} is present for {@link RefKind#EXTERN} values that are host references
     * made by the script ({@code (ref.extern n)}), and for {@link RefKind#HOST} values (such a host reference
     * internalised into the {@code any} hierarchy with {@code any.convert_extern}); an externref that wraps an
     * internal value ({@code extern.convert_any} of a struct, say) is EXTERN without an id.
     */
    record Ref(RefKind kind, OptionalLong hostId) implements Value {
        public Ref {
            java.util.Objects.requireNonNull(kind, "kind");
            java.util.Objects.requireNonNull(hostId, "hostId");
        }

        public static Ref of(RefKind kind) {
            return new Ref(kind, OptionalLong.empty());
        }

        public static Ref host(RefKind kind, long id) {
            return new Ref(kind, OptionalLong.of(id));
        }
    }

    /** What a non-null reference concretely points to. */
    enum RefKind {
        /** A function reference. */
        FUNC,
        /** An external reference (host-made, or an internal value converted with {@code extern.convert_any}). */
        EXTERN,
        /** A host reference seen from the {@code any} hierarchy ({@code any.convert_extern} of a host value). */
        HOST,
        STRUCT,
        ARRAY,
        I31,
        /** An exception reference ({@code exnref}). */
        EXN
    }
}
