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

    /**
     * {@code registerPerStore}: one linker, two guests whose stores carry different host state; each call of the
     * import goes to the implementation for the calling guest's store, given to it explicitly (no thread-local).
     */
    @Test
    void anImportImplementedPerStoreSeesTheCallingGuestsStore() throws Exception {
        WitLoader.Loaded loaded = WitLoader.load("calc.wit", WIT, WitLoader.Options.DEFAULT);
        Resolve.WorldId world = loaded.resolve().findWorld(loaded.roots().getFirst(), "calc").orElseThrow();
        ClassLoader classes = InMemoryJavac.compile(
                JavaBindgen.generate(loaded.resolve(), world, new JavaBindgen.Options("gen.calc")));
        Class<?> imports = classes.loadClass("gen.calc.Calc$Imports");
        java.util.function.Function<Store<?>, Object> perStore = store -> Proxy.newProxyInstance(classes,
                new Class<?>[] {imports}, (proxy, method, args) -> (Integer) args[0] * (Integer) store.data());

        Engine engine = Engine.create();
        ComponentLinker<Integer> linker = ComponentLinker.create(engine);
        classes.loadClass("gen.calc.Calc").getMethod("registerPerStore", HostRegistrar.class,
                java.util.function.Function.class).invoke(null, HostRegistrar.of(linker), perStore);
        Component component = Component.fromModel(engine, component());
        Class<?> exports = classes.loadClass("gen.calc.Calc$Exports");
        var addDoubled = exports.getMethod("addDoubled", int.class, int.class);
        Object times2 = exports.getConstructor(ComponentCaller.class)
                .newInstance(ComponentCaller.of(linker.instantiate(Store.create(engine, 2), component)));
        Object times3 = exports.getConstructor(ComponentCaller.class)
                .newInstance(ComponentCaller.of(linker.instantiate(Store.create(engine, 3), component)));
        assertThat(addDoubled.invoke(times2, 20, 2)).isEqualTo(42);
        assertThat(addDoubled.invoke(times3, 20, 2)).isEqualTo(62);
        assertThat(addDoubled.invoke(times2, 1, 1)).isEqualTo(3);

        // a registrar that cannot tell the store refuses when the bindings are registered, not at the first call
        HostRegistrar storeless = new HostRegistrar() {
            @Override
            public void define(String inst, String function, ComponentFuncType type, HostFunction impl) {
            }

            @Override
            public void defineResource(String inst, String name, ResourceType type) {
            }
        };
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> {
            try {
                classes.loadClass("gen.calc.Calc").getMethod("registerPerStore", HostRegistrar.class,
                        java.util.function.Function.class).invoke(null, storeless, perStore);
            } catch (java.lang.reflect.InvocationTargetException e) {
                throw e.getCause();
            }
        }).isInstanceOf(ComponentException.class).hasMessageContaining("which store called it");
    }

    /**
     * {@code map<K, V>} (🗺️) through generated bindings: a Java {@code Map} lowered as the canonical ABI's list of
     * (key, value) tuples into a real component, which swaps keys and values, and lifted back into an
     * insertion-ordered map where a later duplicate key wins.
     */
    @Test
    @SuppressWarnings("unchecked")
    void mapsThroughGeneratedBindings() throws Exception {
        String wit = """
                package test:maps;
                world maps {
                  import tally: func(counts: map<string, list<u32>>) -> map<string, u64>;
                  export invert: func(m: map<u32, u8>) -> map<u8, u32>;
                }
                """;
        WitLoader.Loaded loaded = WitLoader.load("maps.wit", wit, WitLoader.Options.DEFAULT);
        Resolve.WorldId world = loaded.resolve().findWorld(loaded.roots().getFirst(), "maps").orElseThrow();
        Map<String, String> sources = JavaBindgen.generate(loaded.resolve(), world, new JavaBindgen.Options("gen.maps"));
        assertThat(sources.get("gen/maps/Maps.java")).contains(
                "java.util.Map<Byte, Integer> invert(java.util.Map<Integer, Byte> m)",
                "java.util.Map<String, Long> tally(java.util.Map<String, List<Integer>> counts)");
        ClassLoader classes = InMemoryJavac.compile(sources);

        Engine engine = Engine.create();
        var model = dev.basalt.component.text.ComponentTextParser.parse("""
                (component
                  (core module $M
                    (memory (export "mem") 1)
                    (global $bump (mut i32) (i32.const 4096))
                    (func (export "realloc") (param i32 i32 i32 i32) (result i32)
                      (global.get $bump) (global.set $bump (i32.add (global.get $bump) (local.get 3))))
                    ;; (ptr, len) of (u32 key at 0, u8 value at 4) entries -> (u8 key at 0, u32 value at 4) at 2048
                    (func (export "invert") (param $p i32) (param $n i32) (result i32)
                      (local $i i32)
                      (block $done (loop $next
                        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
                        (i32.store8 (i32.add (i32.const 2048) (i32.mul (local.get $i) (i32.const 8)))
                          (i32.load8_u offset=4 (i32.add (local.get $p) (i32.mul (local.get $i) (i32.const 8)))))
                        (i32.store offset=4 (i32.add (i32.const 2048) (i32.mul (local.get $i) (i32.const 8)))
                          (i32.load (i32.add (local.get $p) (i32.mul (local.get $i) (i32.const 8)))))
                        (local.set $i (i32.add (local.get $i) (i32.const 1)))
                        (br $next)))
                      (i32.store (i32.const 1024) (i32.const 2048))
                      (i32.store (i32.const 1028) (local.get $n))
                      (i32.const 1024)))
                  (core instance $m (instantiate $M))
                  (type $in (map u32 u8))
                  (type $out (map u8 u32))
                  (func (export "invert") (param "m" $in) (result $out)
                    (canon lift (core func $m "invert") (memory (core memory $m "mem"))
                      (realloc (core func $m "realloc")))))
                """);
        ComponentInstance instance = ComponentLinker.<Void>create(engine).instantiate(Store.create(engine),
                Component.fromModel(engine, model));
        Class<?> exports = classes.loadClass("gen.maps.Maps$Exports");
        Object maps = exports.getConstructor(ComponentCaller.class).newInstance(ComponentCaller.of(instance));
        Map<Integer, Byte> in = new java.util.LinkedHashMap<>();
        in.put(1, (byte) 10);
        in.put(2, (byte) 20);
        in.put(3, (byte) 10); // inverted, key 10 appears twice: the later entry (3) wins
        in.put(0xffff_fff0, (byte) 0xff); // u32 and u8 keep their bits
        Object out = exports.getMethod("invert", Map.class).invoke(maps, in);
        assertThat(out).isEqualTo(Map.of((byte) 10, 3, (byte) 20, 2, (byte) 0xff, 0xffff_fff0));
        assertThat(List.copyOf(((Map<?, ?>) out).keySet())).isEqualTo(List.of((byte) 10, (byte) 20, (byte) 0xff));

        // the import side: the host function the bindings register lifts the map argument and lowers the result
        Map<String, HostRegistrar.HostFunction> defined = new java.util.HashMap<>();
        Map<String, ComponentFuncType> types = new java.util.HashMap<>();
        HostRegistrar registrar = new HostRegistrar() {
            @Override
            public void define(String inst, String function, ComponentFuncType type, HostFunction impl) {
                defined.put(function, impl);
                types.put(function, type);
            }

            @Override
            public void defineResource(String inst, String name, ResourceType type) {
                throw new AssertionError(name);
            }
        };
        Class<?> imports = classes.loadClass("gen.maps.Maps$Imports");
        Object tally = Proxy.newProxyInstance(classes, new Class<?>[] {imports}, (proxy, method, args) -> {
            Map<String, Long> sums = new java.util.LinkedHashMap<>();
            ((Map<String, List<Integer>>) args[0]).forEach((k, v) ->
                    sums.put(k, v.stream().mapToLong(Integer::toUnsignedLong).sum()));
            return sums;
        });
        classes.loadClass("gen.maps.Maps").getMethod("register", HostRegistrar.class, imports)
                .invoke(null, registrar, tally);
        assertThat(types.get("tally")).isEqualTo(ComponentFuncType.of(List.of(new ComponentFuncType.Param("counts",
                ValueType.list(ValueType.tuple(ValueType.STRING, ValueType.list(ValueType.U32))))),
                ValueType.list(ValueType.tuple(ValueType.STRING, ValueType.U64))));
        ComponentValue arg = ComponentValue.list(
                ComponentValue.tuple(ComponentValue.string("a"), ComponentValue.list(ComponentValue.u32(1), ComponentValue.u32(2))),
                ComponentValue.tuple(ComponentValue.string("b"), ComponentValue.list()),
                ComponentValue.tuple(ComponentValue.string("a"), ComponentValue.list(ComponentValue.u32(0xffff_ffffL))));
        assertThat(defined.get("tally").call(List.of(arg))).contains(ComponentValue.list(
                ComponentValue.tuple(ComponentValue.string("a"), ComponentValue.u64(0xffff_ffffL)),
                ComponentValue.tuple(ComponentValue.string("b"), ComponentValue.u64(0))));
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
