package dev.basalt.internal.interpreter;

import dev.basalt.internal.runtime.ArrayObject;
import dev.basalt.internal.runtime.DefinedType;
import dev.basalt.internal.runtime.FunctionInstance;
import dev.basalt.internal.runtime.I31Ref;
import dev.basalt.internal.runtime.ModuleInstance;
import dev.basalt.internal.runtime.StructObject;
import dev.basalt.wasm.AbsHeapType;

/**
 * Run-time reference type tests ({@code ref.test}, {@code ref.cast}, {@code br_on_cast}) and {@code ref.eq}.
 *
 * <p>The runtime representation of references: null is Java {@code null}; functions are
 * {@link FunctionInstance}; structs, arrays and i31 are {@link StructObject}, {@link ArrayObject}, {@link I31Ref};
 * exceptions are {@code ExnObject}; any other object is a host reference ({@code externref}, or an {@code anyref}
 * after {@code any.convert_extern}, which keeps the same object so that converting back restores it).
 *
 * <p>Public so that the compiler's generated code runs the same tests as the interpreter; not API.
 */
public final class Casts {
    private static final AbsHeapType[] ABS = AbsHeapType.values();

    private Casts() {
    }

    public static boolean test(Object v, int heapCode, boolean nullable, ModuleInstance inst) {
        if (v == null) {
            return nullable;
        }
        if (heapCode >= 0) {
            DefinedType target = inst.types[heapCode];
            DefinedType actual;
            if (v instanceof StructObject so) {
                actual = so.type;
            } else if (v instanceof ArrayObject ao) {
                actual = ao.type;
            } else if (v instanceof FunctionInstance f) {
                actual = f.type;
            } else {
                return false;
            }
            return actual.isSubtypeOf(target);
        }
        return switch (ABS[-1 - heapCode]) {
            case ANY, EXTERN, EXN -> true;
            case EQ -> v instanceof I31Ref || v instanceof StructObject || v instanceof ArrayObject;
            case I31 -> v instanceof I31Ref;
            case STRUCT -> v instanceof StructObject;
            case ARRAY -> v instanceof ArrayObject;
            case FUNC -> v instanceof FunctionInstance;
            case NONE, NOFUNC, NOEXTERN, NOEXN -> false;
        };
    }

    public static boolean refEq(Object a, Object b) {
        if (a == b) {
            return true;
        }
        return a instanceof I31Ref x && b instanceof I31Ref y && x.value() == y.value();
    }
}
