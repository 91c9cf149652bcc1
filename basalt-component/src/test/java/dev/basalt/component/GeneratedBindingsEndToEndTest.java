package dev.basalt.component;

import static dev.basalt.component.TestComponentBuilder.param;
import static dev.basalt.component.TestComponentBuilder.prim;
import static org.assertj.core.api.Assertions.assertThat;

import dev.basalt.Engine;
import dev.basalt.Store;
import dev.basalt.component.bindgen.InMemoryJavac;
import dev.basalt.component.bindgen.JavaBindgen;
import dev.basalt.component.binding.ComponentCaller;
import dev.basalt.component.binding.HostRegistrar;
import dev.basalt.component.model.CoreInstance;
import dev.basalt.component.model.ExternType;
import dev.basalt.component.model.PrimValType;
import dev.basalt.component.model.Sort;
import dev.basalt.component.wit.Resolve;
import dev.basalt.component.wit.WitLoader;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Bindings generated from WIT drive a real component: the host implements the import in Java through the generated
 * {@code Imports} interface registered in a {@link ComponentLinker}, and calls the export through the generated
 * {@code Exports} class.
 */
class GeneratedBindingsEndToEndTest {
    static final String WIT = """
            package test:calc;
            world calc {
              import double: func(x: u32) -> u32;
              export add-doubled: func(a: u32, b: u32) -> u32;
            }
            """;

    @Test
    void hostImportAndComponentExportThroughGeneratedBindings() throws Exception {
        WitLoader.Loaded loaded = WitLoader.load("calc.wit", WIT, WitLoader.Options.DEFAULT);
        Resolve.WorldId world = loaded.resolve().findWorld(loaded.roots().getFirst(), "calc").orElseThrow();
        Map<String, String> sources = JavaBindgen.generate(loaded.resolve(), world, new JavaBindgen.Options("gen.calc"));
        ClassLoader classes = InMemoryJavac.compile(sources);

        Engine engine = Engine.create();
        ComponentLinker<Void> linker = ComponentLinker.create(engine);
        Class<?> imports = classes.loadClass("gen.calc.Calc$Imports");
        Object doubler = Proxy.newProxyInstance(classes, new Class<?>[] {imports},
                (proxy, method, args) -> (Integer) args[0] * 2);
        classes.loadClass("gen.calc.Calc").getMethod("register", HostRegistrar.class, imports)
                .invoke(null, HostRegistrar.of(linker), doubler);

        ComponentInstance instance = linker.instantiate(Store.create(engine), Component.fromModel(engine, component()));
        Class<?> exports = classes.loadClass("gen.calc.Calc$Exports");
        Object calc = exports.getConstructor(ComponentCaller.class).newInstance(ComponentCaller.of(instance));
        assertThat(exports.getMethod("addDoubled", int.class, int.class).invoke(calc, 20, 2)).isEqualTo(42);
        // u32 arithmetic wraps in the guest; the Java int holds the same bits
        assertThat(exports.getMethod("addDoubled", int.class, int.class).invoke(calc, 0x8000_0000, 5)).isEqualTo(5);
    }

    /** A component importing {@code double} and exporting {@code add-doubled(a, b) = double(a) + b}. */
    static dev.basalt.component.model.Component component() {
        var b = new TestComponentBuilder();
        int doubleType = b.funcType(List.of(param("x", prim(PrimValType.U32))), prim(PrimValType.U32));
        int imported = b.importItem("double", new ExternType.Func(doubleType));
        int lowered = b.lower(imported);
        int host = b.coreInstanceOf(new CoreInstance.InlineExport("double", Sort.CORE_FUNC, lowered));
        int module = b.coreModule("""
                (module
                  (import "host" "double" (func $double (param i32) (result i32)))
                  (func (export "add") (param i32 i32) (result i32)
                    (i32.add (call $double (local.get 0)) (local.get 1))))""");
        int core = b.instantiateCore(module, new CoreInstance.Arg("host", host));
        int add = b.coreAlias(Sort.CORE_FUNC, core, "add");
        int addType = b.funcType(List.of(param("a", prim(PrimValType.U32)), param("b", prim(PrimValType.U32))),
                prim(PrimValType.U32));
        b.export("add-doubled", Sort.FUNC, b.lift(add, addType));
        return b.build();
    }
}
