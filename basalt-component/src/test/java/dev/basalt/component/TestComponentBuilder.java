package dev.basalt.component;

import dev.basalt.component.binary.ComponentBinaryReader;
import dev.basalt.component.binary.ComponentBinaryWriter;
import dev.basalt.component.model.Alias;
import dev.basalt.component.model.Canon;
import dev.basalt.component.model.CanonOpt;
import dev.basalt.component.model.CoreInstance;
import dev.basalt.component.model.Export;
import dev.basalt.component.model.ExternName;
import dev.basalt.component.model.ExternType;
import dev.basalt.component.model.Import;
import dev.basalt.component.model.Instance;
import dev.basalt.component.model.PrimValType;
import dev.basalt.component.model.Section;
import dev.basalt.component.model.Sort;
import dev.basalt.component.model.TypeDef;
import dev.basalt.component.model.ValType;
import dev.basalt.wasm.binary.BinaryWriter;
import dev.basalt.wasm.text.WatParser;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Builds component models section by section for tests, returning the index each definition gets. Core modules
 * are written in WAT. {@link #build()} round-trips the model through the binary writer and reader, so every test
 * component is also a valid binary.
 */
final class TestComponentBuilder {
    private final List<Section> sections = new ArrayList<>();
    private final Map<Sort, Integer> counts = new EnumMap<>(Sort.class);

    private int next(Sort sort) {
        int i = counts.getOrDefault(sort, 0);
        counts.put(sort, i + 1);
        return i;
    }

    int coreModule(String wat) {
        byte[] bytes = BinaryWriter.write(WatParser.parseModule(wat));
        sections.add(new Section.CoreModuleSection(ComponentBinaryReader.coreModule(bytes)));
        return next(Sort.CORE_MODULE);
    }

    int instantiateCore(int module, CoreInstance.Arg... args) {
        sections.add(new Section.CoreInstances(List.of(new CoreInstance.Instantiate(module, List.of(args)))));
        return next(Sort.CORE_INSTANCE);
    }

    int coreInstanceOf(CoreInstance.InlineExport... exports) {
        sections.add(new Section.CoreInstances(List.of(new CoreInstance.FromExports(List.of(exports)))));
        return next(Sort.CORE_INSTANCE);
    }

    int coreAlias(Sort sort, int instance, String name) {
        sections.add(new Section.Aliases(List.of(new Alias.CoreInstanceExport(sort, instance, name))));
        return next(sort);
    }

    int alias(Sort sort, int instance, String name) {
        sections.add(new Section.Aliases(List.of(new Alias.InstanceExport(sort, instance, name))));
        return next(sort);
    }

    int outerAlias(Sort sort, int count, int index) {
        sections.add(new Section.Aliases(List.of(new Alias.Outer(sort, count, index))));
        return next(sort);
    }

    int type(TypeDef t) {
        sections.add(new Section.Types(List.of(t)));
        return next(Sort.TYPE);
    }

    /**
     * Defines {@code t} and exports it as {@code name}; returns the exported type's index. A component must name
     * (import or export) every record, variant, enum and flags type its exported functions and types refer to, and
     * they must refer to the exported index, not the definition's.
     */
    int namedType(String name, TypeDef t) {
        return export(name, Sort.TYPE, type(t));
    }

    /**
     * Defines value types whose references are relative to the list ({@code idx(i)} is {@code defs[i]}) and exports
     * each as {@code t0}, {@code t1}, ... (see {@link #namedType}); returns the component index of each, for
     * {@link #relocate}.
     */
    int[] namedTypes(List<TypeDef> defs) {
        int[] at = new int[defs.size()];
        for (int i = 0; i < defs.size(); i++) {
            at[i] = namedType("t" + i, relocate(defs.get(i), at));
        }
        return at;
    }

    /** {@code t} with each {@code idx(i)} replaced by {@code idx(at[i])}. */
    static ValType relocate(ValType t, int[] at) {
        return t instanceof ValType.Indexed i ? new ValType.Indexed(at[i.index()]) : t;
    }

    private static Optional<ValType> relocate(Optional<ValType> t, int[] at) {
        return t.map(x -> relocate(x, at));
    }

    /** A value type definition with its references replaced as {@link #relocate(ValType, int[])} does. */
    static TypeDef relocate(TypeDef t, int[] at) {
        return switch (t) {
            case TypeDef.Record r -> new TypeDef.Record(r.fields().stream()
                    .map(f -> new TypeDef.Field(f.name(), relocate(f.type(), at))).toList());
            case TypeDef.Variant v -> new TypeDef.Variant(v.cases().stream()
                    .map(c -> new TypeDef.Case(c.name(), relocate(c.type(), at))).toList());
            case TypeDef.ListOf l -> new TypeDef.ListOf(relocate(l.element(), at), l.length());
            case TypeDef.Tuple tu -> new TypeDef.Tuple(tu.types().stream().map(x -> relocate(x, at)).toList());
            case TypeDef.OptionOf o -> new TypeDef.OptionOf(relocate(o.type(), at));
            case TypeDef.ResultOf r -> new TypeDef.ResultOf(relocate(r.ok(), at), relocate(r.error(), at));
            case TypeDef.StreamOf st -> new TypeDef.StreamOf(relocate(st.element(), at));
            case TypeDef.FutureOf fu -> new TypeDef.FutureOf(relocate(fu.element(), at));
            case TypeDef.MapOf m -> new TypeDef.MapOf(relocate(m.key(), at), relocate(m.value(), at));
            case TypeDef.Prim p -> p;
            case TypeDef.Flags f -> f;
            case TypeDef.Enum e -> e;
            default -> throw new IllegalArgumentException("not a value type definition: " + t);
        };
    }

    int funcType(List<TypeDef.Param> params, ValType result) {
        return type(new TypeDef.Func(false, params, Optional.ofNullable(result)));
    }

    int lift(int coreFunc, int type, CanonOpt... opts) {
        sections.add(new Section.Canons(List.of(new Canon.Lift(coreFunc, List.of(opts), type))));
        return next(Sort.FUNC);
    }

    int lower(int func, CanonOpt... opts) {
        sections.add(new Section.Canons(List.of(new Canon.Lower(func, List.of(opts)))));
        return next(Sort.CORE_FUNC);
    }

    int resourceNew(int type) {
        sections.add(new Section.Canons(List.of(new Canon.ResourceNew(type))));
        return next(Sort.CORE_FUNC);
    }

    int resourceDrop(int type) {
        sections.add(new Section.Canons(List.of(new Canon.ResourceDrop(type))));
        return next(Sort.CORE_FUNC);
    }

    int resourceRep(int type) {
        sections.add(new Section.Canons(List.of(new Canon.ResourceRep(type))));
        return next(Sort.CORE_FUNC);
    }

    int component(dev.basalt.component.model.Component c) {
        sections.add(new Section.Components(c));
        return next(Sort.COMPONENT);
    }

    int instantiate(int component, Instance.Arg... args) {
        sections.add(new Section.Instances(List.of(new Instance.Instantiate(component, List.of(args)))));
        return next(Sort.INSTANCE);
    }

    int importItem(String name, ExternType type) {
        sections.add(new Section.Imports(List.of(new Import(ExternName.of(name), type))));
        return next(dev.basalt.component.internal.runtime.Instantiator.sortOf(type));
    }

    int export(String name, Sort sort, int index) {
        sections.add(new Section.Exports(List.of(new Export(ExternName.of(name), sort, index, Optional.empty()))));
        return next(sort);
    }

    dev.basalt.component.model.Component build() {
        var model = new dev.basalt.component.model.Component(sections);
        var again = ComponentBinaryReader.read(ComponentBinaryWriter.write(model));
        if (!again.equals(model)) {
            throw new AssertionError("component model does not round-trip through the binary format");
        }
        return again;
    }

    static ValType prim(PrimValType p) {
        return new ValType.Primitive(p);
    }

    static ValType idx(int i) {
        return new ValType.Indexed(i);
    }

    static TypeDef.Param param(String name, ValType t) {
        return new TypeDef.Param(name, t);
    }

    static CoreInstance.Arg coreArg(String name, int instance) {
        return new CoreInstance.Arg(name, instance);
    }

    static CoreInstance.InlineExport coreExport(String name, Sort sort, int index) {
        return new CoreInstance.InlineExport(name, sort, index);
    }

    static Instance.Arg arg(String name, Sort sort, int index) {
        return new Instance.Arg(name, sort, index);
    }
}
