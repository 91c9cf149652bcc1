package dev.basalt.wasm;

/**
 * A reference type: {@code (ref null? heaptype)}.
 *
 * <p>See <a href="https://webassembly.github.io/spec/core/syntax/types.html#reference-types">Reference Types</a>.
 */
public record RefType(boolean nullable, HeapType heapType) implements ValType {
    public static final RefType FUNCREF = new RefType(true, AbsHeapType.FUNC);
    public static final RefType EXTERNREF = new RefType(true, AbsHeapType.EXTERN);
    public static final RefType ANYREF = new RefType(true, AbsHeapType.ANY);
    public static final RefType EQREF = new RefType(true, AbsHeapType.EQ);
    public static final RefType I31REF = new RefType(true, AbsHeapType.I31);
    public static final RefType STRUCTREF = new RefType(true, AbsHeapType.STRUCT);
    public static final RefType ARRAYREF = new RefType(true, AbsHeapType.ARRAY);
    public static final RefType EXNREF = new RefType(true, AbsHeapType.EXN);
    public static final RefType NULLREF = new RefType(true, AbsHeapType.NONE);
    public static final RefType NULLFUNCREF = new RefType(true, AbsHeapType.NOFUNC);
    public static final RefType NULLEXTERNREF = new RefType(true, AbsHeapType.NOEXTERN);
    public static final RefType NULLEXNREF = new RefType(true, AbsHeapType.NOEXN);

    public RefType {
        java.util.Objects.requireNonNull(heapType, "heapType");
    }

    public static RefType nullable(HeapType heapType) {
        return new RefType(true, heapType);
    }

    public static RefType nonNull(HeapType heapType) {
        return new RefType(false, heapType);
    }

    public RefType asNonNull() {
        return nullable ? new RefType(false, heapType) : this;
    }

    public RefType asNullable() {
        return nullable ? this : new RefType(true, heapType);
    }

    @Override
    public String toString() {
        if (nullable && heapType instanceof AbsHeapType a) {
            return a.refShorthand();
        }
        return "(ref " + (nullable ? "null " : "") + heapType + ")";
    }
}
