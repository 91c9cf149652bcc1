package dev.basalt.internal.runtime;

import dev.basalt.wasm.CompositeType;
import dev.basalt.wasm.FieldType;
import dev.basalt.wasm.NumType;
import dev.basalt.wasm.PackedType;
import dev.basalt.wasm.RefType;
import dev.basalt.wasm.StorageType;
import java.util.List;

/**
 * A canonical defined type: one object per structurally distinct type (iso-recursive equivalence over whole rec
 * groups, see {@link TypeRegistry}), so type equality at run time is identity and subtyping walks
 * {@link #superType}. Also caches the storage layout the interpreter needs for structs and arrays.
 */
public final class DefinedType {
    /** Storage kinds of struct fields / array elements. */
    public static final byte K_NUM = 0;
    public static final byte K_I8 = 1;
    public static final byte K_I16 = 2;
    public static final byte K_V128 = 3;
    public static final byte K_REF = 4;

    public final CompositeType composite;
    public final boolean isFinal;
    /** The declared supertype (Wasm GC allows at most one), or null. */
    final DefinedType superType;
    /** The identity shared with the validator. */
    public final dev.basalt.wasm.types.DefinedType canonical;
    /** For func types. */
    public final int paramCount;
    public final int resultCount;
    /** Field kinds of a struct, or the single element kind of an array; empty for functions. */
    public final byte[] kinds;
    /** Byte size of each field / the element (v128 = 16, references 0), for data segment access. */
    public final int[] byteSizes;
    public final boolean hasV128;
    public final boolean hasRef;

    DefinedType(dev.basalt.wasm.types.DefinedType canonical, CompositeType composite, boolean isFinal, DefinedType superType) {
        this.canonical = canonical;
        this.superType = superType;
        this.composite = composite;
        this.isFinal = isFinal;
        List<FieldType> fields;
        if (composite instanceof CompositeType.Func f) {
            paramCount = f.params().size();
            resultCount = f.results().size();
            fields = List.of();
        } else if (composite instanceof CompositeType.Struct s) {
            paramCount = 0;
            resultCount = 0;
            fields = s.fields();
        } else {
            paramCount = 0;
            resultCount = 0;
            fields = List.of(((CompositeType.Array) composite).element());
        }
        kinds = new byte[fields.size()];
        byteSizes = new int[fields.size()];
        boolean v = false;
        boolean r = false;
        for (int i = 0; i < kinds.length; i++) {
            StorageType st = fields.get(i).storageType();
            kinds[i] = kindOf(st);
            byteSizes[i] = byteSize(st);
            v |= kinds[i] == K_V128;
            r |= kinds[i] == K_REF;
        }
        hasV128 = v;
        hasRef = r;
    }

    static byte kindOf(StorageType st) {
        if (st instanceof PackedType p) {
            return p == PackedType.I8 ? K_I8 : K_I16;
        }
        if (st instanceof RefType) {
            return K_REF;
        }
        return st == NumType.V128 ? K_V128 : K_NUM;
    }

    static int byteSize(StorageType st) {
        if (st instanceof PackedType p) {
            return p.byteSize();
        }
        if (st instanceof NumType n) {
            return switch (n) {
                case I32, F32 -> 4;
                case I64, F64 -> 8;
                case V128 -> 16;
            };
        }
        return 0;
    }

    public DefinedType superType() {
        return superType;
    }

    /** Declared subtyping (reflexive, transitive). */
    public boolean isSubtypeOf(DefinedType other) {
        return this == other || canonical.isSubtypeOf(other.canonical);
    }

    public boolean isFunc() {
        return composite instanceof CompositeType.Func;
    }

    public boolean isStruct() {
        return composite instanceof CompositeType.Struct;
    }

    public boolean isArray() {
        return composite instanceof CompositeType.Array;
    }

    public CompositeType.Func func() {
        return (CompositeType.Func) composite;
    }

    @Override
    public String toString() {
        return canonical + " " + composite;
    }
}
