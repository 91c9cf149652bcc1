package dev.basalt.wasm.types;

import dev.basalt.wasm.AbsHeapType;
import dev.basalt.wasm.CompositeType;
import dev.basalt.wasm.FieldType;
import dev.basalt.wasm.HeapType;
import dev.basalt.wasm.InvalidException;
import dev.basalt.wasm.NumType;
import dev.basalt.wasm.PackedType;
import dev.basalt.wasm.RecGroup;
import dev.basalt.wasm.RefType;
import dev.basalt.wasm.StorageType;
import dev.basalt.wasm.SubType;
import dev.basalt.wasm.ValType;
import dev.basalt.wasm.WasmModule;
import java.util.ArrayList;
import java.util.List;

/**
 * The types of one module with their canonical identities: the type machinery shared by the validator and the
 * engines (subtyping, type equivalence, top and bottom heap types, defaultability).
 *
 * <p>Each type index of the module maps to a {@link DefinedType}, interned in a process-wide, thread-safe table so
 * that equivalent types (iso-recursive equivalence of their recursion groups) are <em>the same object</em> in every
 * module. Value and heap types in this class are the model's ({@link ValType}, {@link HeapType}) and their concrete
 * heap types are type indices of <em>this</em> module; to compare types of two modules use
 * {@link #isSubtype(ValType, TypeSpace, ValType, TypeSpace)} or compare {@link #defined(int)} results directly.
 *
 * <p>Lifecycle: built once per module ({@link #of(WasmModule)}), immutable, thread-safe. Building checks only that
 * type references resolve ("unknown type"); the rest of type validity (sub type rules) is the validator's job.
 *
 * {@snippet :
 * TypeSpace a = TypeSpace.of(moduleA);
 * TypeSpace b = TypeSpace.of(moduleB);
 * // call_indirect across modules: does the callee's type match the expected one?
 * boolean ok = a.defined(calleeTypeIndex).isSubtypeOf(b.defined(expectedTypeIndex));
 * }
 *
 * <p>See <a href="https://webassembly.github.io/spec/core/valid/matching.html">Matching</a> and
 * <a href="https://webassembly.github.io/spec/core/valid/conventions.html#rolling-and-unrolling">rolling</a>.
 */
public final class TypeSpace {
    private final List<SubType> types;
    private final DefinedType[] defined;

    private TypeSpace(List<SubType> types, DefinedType[] defined) {
        this.types = types;
        this.defined = defined;
    }

    /**
     * The type space of {@code module}.
     *
     * @throws InvalidException "unknown type N" when a type refers to an index past its own recursion group, or
     *                          a declared supertype does not precede its subtype
     */
    public static TypeSpace of(WasmModule module) {
        return of(module.recGroups());
    }

    /** The type space of a list of recursion groups (a module's type section). */
    public static TypeSpace of(List<RecGroup> recGroups) {
        List<SubType> all = new ArrayList<>();
        for (RecGroup g : recGroups) {
            all.addAll(g.types());
        }
        DefinedType[] defined = new DefinedType[all.size()];
        int base = 0;
        for (RecGroup g : recGroups) {
            DefinedType[] group;
            try {
                group = TypeCanonicalizer.canonicalize(g, base, i -> defined[i]);
            } catch (TypeCanonicalizer.TypeIndexException e) {
                throw new InvalidException("unknown type " + Integer.toUnsignedString(e.index));
            }
            System.arraycopy(group, 0, defined, base, group.length);
            base += group.length;
        }
        return new TypeSpace(List.copyOf(all), defined);
    }

    /**
     * The canonical identity of a stand-alone function type without concrete references (e.g. of a host function),
     * equal to the identity of the same type written as a lone final type in any module.
     */
    public static DefinedType canonicalFuncType(List<ValType> params, List<ValType> results) {
        return of(List.of(RecGroup.single(SubType.of(new CompositeType.Func(params, results))))).defined(0);
    }

    /** The number of types. */
    public int size() {
        return defined.length;
    }

    /** Whether {@code typeIndex} is a type of this space. */
    public boolean contains(int typeIndex) {
        return typeIndex >= 0 && typeIndex < defined.length;
    }

    /** The canonical identity of type {@code typeIndex}. */
    public DefinedType defined(int typeIndex) {
        return defined[typeIndex];
    }

    /** The type definition (as written in the module) at {@code typeIndex}. */
    public SubType subType(int typeIndex) {
        return types.get(typeIndex);
    }

    public CompositeType composite(int typeIndex) {
        return types.get(typeIndex).composite();
    }

    // ---------------------------------------------------------------- heap types

    /** The top of the hierarchy {@code t} belongs to: any, func, extern or exn. */
    public AbsHeapType top(HeapType t) {
        return switch (t) {
            case HeapType.Concrete c -> defined[c.typeIndex()].kind() == DefinedType.Kind.FUNC
                    ? AbsHeapType.FUNC : AbsHeapType.ANY;
            case AbsHeapType a -> topOf(a);
        };
    }

    /** The bottom of the hierarchy {@code t} belongs to: none, nofunc, noextern or noexn. */
    public AbsHeapType bottom(HeapType t) {
        return switch (top(t)) {
            case FUNC -> AbsHeapType.NOFUNC;
            case EXTERN -> AbsHeapType.NOEXTERN;
            case EXN -> AbsHeapType.NOEXN;
            default -> AbsHeapType.NONE;
        };
    }

    /** The top of an abstract heap type's hierarchy. */
    public static AbsHeapType topOf(AbsHeapType a) {
        return switch (a) {
            case FUNC, NOFUNC -> AbsHeapType.FUNC;
            case EXTERN, NOEXTERN -> AbsHeapType.EXTERN;
            case EXN, NOEXN -> AbsHeapType.EXN;
            default -> AbsHeapType.ANY;
        };
    }

    /** Heap subtyping {@code a <: b}, both in this module's terms. */
    public boolean isSubtype(HeapType a, HeapType b) {
        return heapSub(resolve(a), resolve(b));
    }

    /** Whether the heap types denote the same type (same abstract type or equivalent defined types). */
    public boolean isEqual(HeapType a, HeapType b) {
        return resolve(a) == resolve(b);
    }

    /**
     * Whether a value whose defined type is {@code actual} (from any module, e.g. a struct or function reference at
     * run time) matches heap type {@code target} of this module: what {@code ref.test}, {@code ref.cast},
     * {@code br_on_cast} and {@code call_indirect} check.
     */
    public boolean isSubtype(DefinedType actual, HeapType target) {
        return heapSub(actual, resolve(target));
    }

    /** Heap subtyping across modules: {@code a} in {@code sa}'s terms, {@code b} in {@code sb}'s terms. */
    public static boolean isSubtype(HeapType a, TypeSpace sa, HeapType b, TypeSpace sb) {
        return heapSub(sa.resolve(a), sb.resolve(b));
    }

    /** Subtyping between abstract heap types (e.g. {@code i31 <: eq}, {@code nofunc <: func}). */
    public static boolean isSubtype(AbsHeapType a, AbsHeapType b) {
        return heapSub(a, b);
    }

    private Object resolve(HeapType h) {
        return h instanceof HeapType.Concrete c ? defined[c.typeIndex()] : h;
    }

    /** Heap subtyping over resolved heap types: each is an {@link AbsHeapType} or a {@link DefinedType}. */
    static boolean heapSub(Object a, Object b) {
        if (a == b) {
            return true;
        }
        if (a instanceof DefinedType da) {
            if (b instanceof DefinedType db) {
                return da.isSubtypeOf(db);
            }
            AbsHeapType hb = (AbsHeapType) b;
            return switch (da.kind()) {
                case FUNC -> hb == AbsHeapType.FUNC;
                case STRUCT -> hb == AbsHeapType.STRUCT || hb == AbsHeapType.EQ || hb == AbsHeapType.ANY;
                case ARRAY -> hb == AbsHeapType.ARRAY || hb == AbsHeapType.EQ || hb == AbsHeapType.ANY;
            };
        }
        AbsHeapType ha = (AbsHeapType) a;
        if (b instanceof DefinedType db) {
            return db.kind() == DefinedType.Kind.FUNC ? ha == AbsHeapType.NOFUNC : ha == AbsHeapType.NONE;
        }
        AbsHeapType hb = (AbsHeapType) b;
        return switch (ha) {
            case NONE -> topOf(hb) == AbsHeapType.ANY;
            case I31, STRUCT, ARRAY -> hb == AbsHeapType.EQ || hb == AbsHeapType.ANY;
            case EQ -> hb == AbsHeapType.ANY;
            case NOFUNC -> hb == AbsHeapType.FUNC;
            case NOEXTERN -> hb == AbsHeapType.EXTERN;
            case NOEXN -> hb == AbsHeapType.EXN;
            default -> false;
        };
    }

    // ---------------------------------------------------------------- value and storage types

    /** Value subtyping {@code a <: b}: equal number/vector types, or reference subtyping with nullability. */
    public boolean isSubtype(ValType a, ValType b) {
        return isSubtype(a, this, b, this);
    }

    /** Value subtyping across modules: {@code a} in {@code sa}'s terms, {@code b} in {@code sb}'s terms. */
    public static boolean isSubtype(ValType a, TypeSpace sa, ValType b, TypeSpace sb) {
        if (a instanceof NumType || b instanceof NumType) {
            return a == b;
        }
        RefType ra = (RefType) a;
        RefType rb = (RefType) b;
        if (ra.nullable() && !rb.nullable()) {
            return false;
        }
        return heapSub(sa.resolve(ra.heapType()), sb.resolve(rb.heapType()));
    }

    /** Type equivalence across modules. */
    public static boolean isEqual(ValType a, TypeSpace sa, ValType b, TypeSpace sb) {
        if (a instanceof NumType || b instanceof NumType) {
            return a == b;
        }
        RefType ra = (RefType) a;
        RefType rb = (RefType) b;
        return ra.nullable() == rb.nullable() && sa.resolve(ra.heapType()) == sb.resolve(rb.heapType());
    }

    /** Type equivalence within this module. */
    public boolean isEqual(ValType a, ValType b) {
        return isEqual(a, this, b, this);
    }

    /** Storage subtyping: packed types only match themselves. */
    public boolean isSubtype(StorageType a, StorageType b) {
        if (a instanceof PackedType || b instanceof PackedType) {
            return a == b;
        }
        return isSubtype((ValType) a, (ValType) b);
    }

    private boolean storageEqual(StorageType a, StorageType b) {
        if (a instanceof PackedType || b instanceof PackedType) {
            return a == b;
        }
        return isEqual((ValType) a, (ValType) b);
    }

    /** Field subtyping: same mutability; immutable fields are covariant, mutable ones invariant. */
    public boolean isSubtype(FieldType a, FieldType b) {
        if (a.mutable() != b.mutable()) {
            return false;
        }
        return a.mutable() ? storageEqual(a.storageType(), b.storageType())
                : isSubtype(a.storageType(), b.storageType());
    }

    /**
     * Composite subtyping (structural, used to check {@code sub} declarations): functions contravariant in params and
     * covariant in results, structs by width and depth, arrays by element.
     */
    public boolean isSubtype(CompositeType a, CompositeType b) {
        return switch (a) {
            case CompositeType.Func fa when b instanceof CompositeType.Func fb ->
                    allSubtypes(fb.params(), fa.params()) && allSubtypes(fa.results(), fb.results());
            case CompositeType.Struct sa when b instanceof CompositeType.Struct sb -> {
                if (sa.fields().size() < sb.fields().size()) {
                    yield false;
                }
                for (int i = 0; i < sb.fields().size(); i++) {
                    if (!isSubtype(sa.fields().get(i), sb.fields().get(i))) {
                        yield false;
                    }
                }
                yield true;
            }
            case CompositeType.Array aa when b instanceof CompositeType.Array ab ->
                    isSubtype(aa.element(), ab.element());
            default -> false;
        };
    }

    /** Pointwise subtyping of two equally long type sequences. */
    public boolean allSubtypes(List<ValType> a, List<ValType> b) {
        if (a.size() != b.size()) {
            return false;
        }
        for (int i = 0; i < a.size(); i++) {
            if (!isSubtype(a.get(i), b.get(i))) {
                return false;
            }
        }
        return true;
    }

    /** Whether a local or field of this type has a default value (numbers, vectors, nullable references). */
    public static boolean isDefaultable(ValType t) {
        return !(t instanceof RefType r) || r.nullable();
    }

    /** The value type a storage type is read as: packed types unpack to i32. */
    public static ValType unpacked(StorageType t) {
        return t instanceof ValType v ? v : NumType.I32;
    }
}
