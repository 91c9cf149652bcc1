package dev.basalt;

import dev.basalt.wasm.ValType;
import java.util.List;

/** A function signature: parameter and result value types (for host functions and {@link Func#type()}). */
public record FuncType(List<ValType> params, List<ValType> results) {
    public FuncType {
        params = List.copyOf(params);
        results = List.copyOf(results);
    }

    public static FuncType of(List<ValType> params, List<ValType> results) {
        return new FuncType(params, results);
    }

    @Override
    public String toString() {
        return params + " -> " + results;
    }
}
