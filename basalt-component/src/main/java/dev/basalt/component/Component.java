package dev.basalt.component;

import dev.basalt.Engine;
import dev.basalt.Module;
import dev.basalt.component.binary.ComponentBinaryReader;
import dev.basalt.component.model.CoreModule;
import dev.basalt.component.model.ExternName;
import dev.basalt.component.model.Section;
import dev.basalt.component.validate.ComponentValidator;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Objects;

/**
 * A compiled component: its binary model plus every core module inside it (at any nesting depth) validated and
 * translated once by the engine. Immutable and reusable: instantiate it with a {@link ComponentLinker}, any number
 * of times, in any store of the same engine. An engine with a code cache ({@link dev.basalt.Config#codeCache()})
 * loads each core module's code from it, or compiles and stores it there, under the key the module has on its own.
 */
public final class Component {
    private final Engine engine;
    private final dev.basalt.component.model.Component model;
    private final IdentityHashMap<CoreModule, Module> modules = new IdentityHashMap<>();

    private Component(Engine engine, dev.basalt.component.model.Component model) {
        this.engine = Objects.requireNonNull(engine, "engine");
        this.model = Objects.requireNonNull(model, "model");
        compileModules(model);
    }

    /**
     * Decodes a component binary and compiles its core modules.
     *
     * <p>The component is validated first (as wasmtime's {@code Component::new} does): the instantiator and the
     * canonical ABI rely on its index spaces and types being consistent, so an invalid component must be refused
     * here with a clear message, never fail somewhere inside instantiation.
     *
     * @throws dev.basalt.wasm.MalformedException if the bytes are not a well-formed component
     * @throws dev.basalt.wasm.InvalidException if the component or an embedded core module does not validate
     */
    public static Component compile(Engine engine, byte[] bytes) {
        dev.basalt.component.model.Component model = ComponentBinaryReader.read(bytes);
        ComponentValidator.validate(model);
        return new Component(engine, model);
    }

    /**
     * Validates and compiles a component given as a model (from the binary reader, the text parser, or built in
     * code), as {@link #compile} does for a binary: a model built in code is as able to be invalid as a binary, and
     * an invalid one would fail somewhere inside instantiation or the canonical ABI instead of here.
     *
     * @throws dev.basalt.wasm.InvalidException if the component or an embedded core module does not validate
     */
    public static Component fromModel(Engine engine, dev.basalt.component.model.Component model) {
        ComponentValidator.validate(model);
        return new Component(engine, model);
    }

    /**
     * Compiles a model that has already passed {@link ComponentValidator#validate} (a script runner that validated
     * it to check an {@code assert_invalid}, say), without validating it again. Nothing checks the caller's claim:
     * an invalid model can fail anywhere later, so anything else uses {@link #fromModel}.
     */
    public static Component fromValidatedModel(Engine engine, dev.basalt.component.model.Component model) {
        return new Component(engine, model);
    }

    /**
     * A core module compiled for the engine. One with DWARF sections keeps its binary (a copy), which its backtraces'
     * source lines need, and so does one compiled through the engine's code cache, which keys and stores its code by
     * the binary ({@link Module#fromModel(Engine, dev.basalt.wasm.WasmModule, byte[])}: the same entry as the module
     * run on its own); the others do not pay for the copy.
     */
    private Module coreModule(CoreModule m) {
        boolean cached = engine.config().codeCache().isPresent()
                && engine.config().strategy() == dev.basalt.Config.Strategy.COMPILER;
        byte[] binary = cached || dev.basalt.wasm.dwarf.DwarfDebugInfo.present(m.module().customSections())
                ? m.bytes() : null;
        // The component validator has validated every core module under Wasm 3.0's features: an engine with those
        // features need not validate it again (a sixth of a cached 14 MB JS component's load); one with other
        // features validates it under its own.
        if (engine.config().features().equals(dev.basalt.wasm.Features.wasm3())) {
            return Module.fromValidatedModel(engine, m.module(), binary);
        }
        return binary != null ? Module.fromModel(engine, m.module(), binary) : Module.fromModel(engine, m.module());
    }

    private void compileModules(dev.basalt.component.model.Component c) {
        for (Section s : c.sections()) {
            switch (s) {
                case Section.CoreModuleSection m -> modules.put(m.module(), coreModule(m.module()));
                case Section.Components nested -> compileModules(nested.component());
                default -> {
                }
            }
        }
    }

    public Engine engine() {
        return engine;
    }

    public dev.basalt.component.model.Component model() {
        return model;
    }

    /** The names of the component's imports, in order. */
    public List<String> importNames() {
        List<String> names = new ArrayList<>();
        for (Section s : model.sections()) {
            if (s instanceof Section.Imports is) {
                is.imports().forEach(i -> names.add(i.name().name()));
            }
        }
        return names;
    }

    /** The names of the component's exports, in order. */
    public List<String> exportNames() {
        List<String> names = new ArrayList<>();
        for (Section s : model.sections()) {
            if (s instanceof Section.Exports es) {
                es.exports().stream().map(e -> e.name()).map(ExternName::name).forEach(names::add);
            }
        }
        return names;
    }

    /** The compiled core modules by their model objects (identity), for the instantiator. */
    IdentityHashMap<CoreModule, Module> modules() {
        return modules;
    }
}
