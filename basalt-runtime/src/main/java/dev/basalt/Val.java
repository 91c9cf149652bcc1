package dev.basalt;

import dev.basalt.internal.runtime.ArrayObject;
import dev.basalt.internal.runtime.I31Ref;
import dev.basalt.internal.runtime.StructObject;
import java.util.Optional;

/**
 * A WebAssembly value for the dynamic API ({@link Func#call(Val...)}, globals, tables, host functions).
 * Floats are kept as raw bits so NaN payloads survive a round trip.
 */
public sealed interface Val {
    static Val i32(int v) {
        return new I32(v);
    }

    static Val i64(long v) {
        return new I64(v);
    }

    static Val f32(float v) {
        return new F32(Float.floatToRawIntBits(v));
    }

    static Val f64(double v) {
        return new F64(Double.doubleToRawLongBits(v));
    }

    static Val externRef(Object hostValue) {
        return new ExternRef(hostValue);
    }

    record I32(int value) implements Val {
    }

    record I64(long value) implements Val {
    }

    /** An f32 by its bits. */
    record F32(int bits) implements Val {
        public float value() {
            return Float.intBitsToFloat(bits);
        }
    }

    /** An f64 by its bits. */
    record F64(long bits) implements Val {
        public double value() {
            return Double.longBitsToDouble(bits);
        }
    }

    /** A v128, little-endian: {@code lo} holds bytes 0..7. */
    record V128(long lo, long hi) implements Val {
    }

    /** A {@code funcref}; {@code func} is null for the null reference. */
    record FuncRef(Func func) implements Val {
        public boolean isNull() {
            return func == null;
        }
    }

    /** An {@code externref} holding a host object; null for the null reference. */
    record ExternRef(Object value) implements Val {
        public boolean isNull() {
            return value == null;
        }
    }

    /**
     * A reference of the {@code any} hierarchy (GC struct, array, i31, or an internalized host object); the
     * object is opaque to the embedder except through {@link #kind()} and {@link #i31()}. Null for the null reference.
     */
    record AnyRef(Object ref) implements Val {
        /** What a non-null any reference points to. */
        public enum Kind {
            I31, STRUCT, ARRAY, HOST
        }

        public boolean isNull() {
            return ref == null;
        }

        public Optional<Kind> kind() {
            if (ref == null) {
                return Optional.empty();
            }
            if (ref instanceof I31Ref) {
                return Optional.of(Kind.I31);
            }
            if (ref instanceof StructObject) {
                return Optional.of(Kind.STRUCT);
            }
            if (ref instanceof ArrayObject) {
                return Optional.of(Kind.ARRAY);
            }
            return Optional.of(Kind.HOST);
        }

        /** The signed value of an i31 reference. */
        public Optional<Integer> i31() {
            return ref instanceof I31Ref i ? Optional.of(i.signed()) : Optional.empty();
        }

        /** The host object of an internalized externref. */
        public Optional<Object> host() {
            return kind().filter(k -> k == Kind.HOST).map(k -> ref);
        }
    }

    /** An {@code exnref}; opaque, null for the null reference. */
    record ExnRef(Object exn) implements Val {
        public boolean isNull() {
            return exn == null;
        }
    }
}
