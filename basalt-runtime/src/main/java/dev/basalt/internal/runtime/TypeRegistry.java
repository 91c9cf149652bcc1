package dev.basalt.internal.runtime;

import dev.basalt.wasm.SubType;
import dev.basalt.wasm.ValType;
import dev.basalt.wasm.types.TypeSpace;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Maps the canonical type identities of {@link TypeSpace} (shared with the validator) to the runtime's
 * {@link DefinedType}s, which add the storage layout the interpreter needs. Equal types of different modules map
 * to the same object, so run-time type checks are identity or a supertype walk. Thread-safe; one per engine.
 */
public final class TypeRegistry {
    private final Map<dev.basalt.wasm.types.DefinedType, DefinedType> types = new ConcurrentHashMap<>();

    /** Runtime types for every type index of a module's type space. */
    public DefinedType[] canonicalize(TypeSpace space) {
        DefinedType[] out = new DefinedType[space.size()];
        for (int i = 0; i < out.length; i++) {
            SubType st = space.subType(i);
            DefinedType parent = st.supertypes().isEmpty() ? null : out[st.supertypes().get(0)];
            out[i] = types.computeIfAbsent(space.defined(i), c -> new DefinedType(c, st.composite(), st.isFinal(), parent));
        }
        return out;
    }

    /** Host function signatures already canonicalised: equal lists without concrete references are the same type. */
    private final Map<List<List<ValType>>, DefinedType> hostFuncTypes = new ConcurrentHashMap<>();

    /**
     * The runtime type of a stand-alone function type without concrete references (host functions). Remembered
     * per signature: canonicalising builds a one-type type space, which cost the component runtime about a tenth of
     * its instantiation time (it creates a host function per lowered import and built-in per instance).
     */
    public DefinedType funcType(List<ValType> params, List<ValType> results) {
        List<List<ValType>> key = List.of(List.copyOf(params), List.copyOf(results));
        DefinedType known = hostFuncTypes.get(key);
        if (known != null) {
            return known;
        }
        DefinedType t = types.computeIfAbsent(TypeSpace.canonicalFuncType(params, results),
                c -> new DefinedType(c, new dev.basalt.wasm.CompositeType.Func(params, results), true, null));
        hostFuncTypes.putIfAbsent(key, t);
        return t;
    }
}
