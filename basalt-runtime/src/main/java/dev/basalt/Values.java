package dev.basalt;

import dev.basalt.internal.memory.LinearMemory;
import dev.basalt.internal.runtime.DefinedType;
import dev.basalt.internal.runtime.ExnObject;
import dev.basalt.internal.runtime.FunctionInstance;
import dev.basalt.internal.runtime.GlobalInstance;
import dev.basalt.internal.runtime.TableInstance;
import dev.basalt.internal.runtime.TagInstance;
import dev.basalt.wasm.AbsHeapType;
import dev.basalt.wasm.HeapType;
import dev.basalt.wasm.NumType;
import dev.basalt.wasm.RefType;
import dev.basalt.wasm.ValType;

/** Conversions between {@link Val} and the engine's slot representation (long + high long + reference). */
final class Values {
    private Values() {
    }

    static long num(Val v) {
        return switch (v) {
            case Val.I32 i -> i.value();
            case Val.I64 i -> i.value();
            case Val.F32 f -> f.bits();
            case Val.F64 f -> f.bits();
            case Val.V128 x -> x.lo();
            default -> 0;
        };
    }

    static long hi(Val v) {
        return v instanceof Val.V128 x ? x.hi() : 0;
    }

    static Object toRef(Val v) {
        return switch (v) {
            case Val.FuncRef f -> f.func() == null ? null : f.func().fn;
            case Val.ExternRef e -> e.value();
            case Val.AnyRef a -> a.ref();
            case Val.ExnRef e -> e.exn();
            default -> null;
        };
    }

    static Val fromSlot(ValType t, long v, long hi, Object ref, Store<?> store, DefinedType[] types) {
        if (t instanceof NumType n) {
            return switch (n) {
                case I32 -> new Val.I32((int) v);
                case I64 -> new Val.I64(v);
                case F32 -> new Val.F32((int) v);
                case F64 -> new Val.F64(v);
                case V128 -> new Val.V128(v, hi);
            };
        }
        return fromRef((RefType) t, ref, store, types);
    }

    /**
     * A reference as a {@link Val} of the right hierarchy for a slot of type {@code t}; {@code types} are the types
     * of the module that declared {@code t} (to tell a null of a concrete function type from a null struct), or null.
     */
    static Val fromRef(RefType t, Object ref, Store<?> store, DefinedType[] types) {
        HeapType h = t.heapType();
        if (ref instanceof FunctionInstance f) {
            return new Val.FuncRef(func(f, store));
        }
        if (ref instanceof ExnObject) {
            return new Val.ExnRef(ref);
        }
        if (h instanceof AbsHeapType a) {
            return switch (a) {
                case FUNC, NOFUNC -> new Val.FuncRef(null);
                case EXTERN, NOEXTERN -> new Val.ExternRef(ref);
                case EXN, NOEXN -> new Val.ExnRef(ref);
                default -> new Val.AnyRef(ref);
            };
        }
        // A concrete type: non-null functions were handled above.
        int index = ((HeapType.Concrete) h).typeIndex();
        if (ref == null && types != null && index < types.length && types[index].isFunc()) {
            return new Val.FuncRef(null);
        }
        return new Val.AnyRef(ref);
    }

    static Func func(FunctionInstance f, Store<?> store) {
        Object h = f.handle;
        if (h instanceof Func fn && fn.store == store) {
            return fn;
        }
        Func fn = new Func(f, store);
        f.handle = fn;
        return fn;
    }

    static void toGlobal(GlobalInstance g, Val v) {
        if (g.type.type() instanceof RefType) {
            g.ref = toRef(v);
        } else {
            g.value = num(v);
            g.hi = hi(v);
        }
    }

    static Val fromGlobal(GlobalInstance g, Store<?> store) {
        return fromSlot(g.type.type(), g.value, g.hi, g.ref, store, g.ownerTypes);
    }

    /** The public handle of an engine-side extern (FunctionInstance, LinearMemory, ...). */
    static Extern extern(Object e, Store<?> store) {
        return switch (e) {
            case FunctionInstance f -> func(f, store);
            case LinearMemory m -> new Memory(m);
            case TableInstance t -> new Table(t, store);
            case GlobalInstance g -> new Global(g, store);
            case TagInstance t -> new Tag(t);
            default -> throw new IllegalStateException("not an extern: " + e);
        };
    }

    /** The engine-side object of a public extern. */
    static Object unwrap(Extern e) {
        return switch (e) {
            case Func f -> f.fn;
            case Memory m -> m.memory;
            case Table t -> t.table;
            case Global g -> g.global;
            case Tag t -> t.tag;
        };
    }
}
