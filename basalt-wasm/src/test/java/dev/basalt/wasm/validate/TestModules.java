package dev.basalt.wasm.validate;

import dev.basalt.wasm.CompositeType;
import dev.basalt.wasm.DataSegment;
import dev.basalt.wasm.ElementSegment;
import dev.basalt.wasm.Export;
import dev.basalt.wasm.Expression;
import dev.basalt.wasm.Function;
import dev.basalt.wasm.Global;
import dev.basalt.wasm.Import;
import dev.basalt.wasm.Instruction;
import dev.basalt.wasm.Locals;
import dev.basalt.wasm.MemoryType;
import dev.basalt.wasm.RecGroup;
import dev.basalt.wasm.SubType;
import dev.basalt.wasm.Table;
import dev.basalt.wasm.TagType;
import dev.basalt.wasm.ValType;
import dev.basalt.wasm.WasmModule;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/** A small mutable builder for hand-made test modules. */
final class TestModules {
    final List<RecGroup> types = new ArrayList<>();
    final List<Import> imports = new ArrayList<>();
    final List<Function> functions = new ArrayList<>();
    final List<Table> tables = new ArrayList<>();
    final List<MemoryType> memories = new ArrayList<>();
    final List<TagType> tags = new ArrayList<>();
    final List<Global> globals = new ArrayList<>();
    final List<Export> exports = new ArrayList<>();
    OptionalInt start = OptionalInt.empty();
    final List<ElementSegment> elements = new ArrayList<>();
    final List<DataSegment> data = new ArrayList<>();

    static TestModules module() {
        return new TestModules();
    }

    /** Adds a final function type as its own rec group; returns its type index. */
    int funcType(List<ValType> params, List<ValType> results) {
        types.add(RecGroup.single(SubType.of(new CompositeType.Func(params, results))));
        return typeCount() - 1;
    }

    int type(SubType t) {
        types.add(RecGroup.single(t));
        return typeCount() - 1;
    }

    int typeCount() {
        int n = 0;
        for (RecGroup g : types) {
            n += g.types().size();
        }
        return n;
    }

    /** Adds a function with a fresh type [params] -> [results], locals and body. */
    TestModules func(List<ValType> params, List<ValType> results, List<Locals> locals, Instruction... body) {
        int t = funcType(params, results);
        functions.add(new Function(t, locals, Expression.of(body)));
        return this;
    }

    TestModules func(List<ValType> results, Instruction... body) {
        return func(List.of(), results, List.of(), body);
    }

    TestModules memory(MemoryType m) {
        memories.add(m);
        return this;
    }

    WasmModule build() {
        return new WasmModule(types, imports, functions, tables, memories, tags, globals, exports, start, elements,
                OptionalInt.of(data.size()), data, List.of(), Optional.empty());
    }
}
