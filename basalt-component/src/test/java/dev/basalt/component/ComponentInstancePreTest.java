package dev.basalt.component;

import static dev.basalt.component.ComponentValue.u32;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.basalt.Config;
import dev.basalt.Engine;
import dev.basalt.Store;
import dev.basalt.component.text.ComponentTextParser;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@link ComponentLinker#instantiatePre}: one pre instantiated into many stores gives isolated instances, imports
 * are resolved and type-checked once (errors at {@code instantiatePre}), nested components and composition work
 * through it. On both engines.
 */
class ComponentInstancePreTest {
    /**
     * A component with per-instance state of every kind: a memory ({@code store}/{@code load}), a mutable global
     * ({@code bump}, which also reports to the host import {@code log}), and a resource type with its handle table
     * ({@code make} returns an own handle made by {@code resource.new}; {@code rep} takes a borrow, which the
     * defining instance receives as the representation).
     */
    static final String STATEFUL = """
            (component
              (import "log" (func $log (param "n" u32)))
              (core func $log-core (canon lower (func $log)))
              (type $r (resource (rep i32)))
              (core func $new (canon resource.new $r))
              (core instance $host (export "log" (func $log-core)) (export "new" (func $new)))
              (core module $m
                (import "host" "log" (func $log (param i32)))
                (import "host" "new" (func $new (param i32) (result i32)))
                (memory (export "memory") 1)
                (global $g (mut i32) (i32.const 0))
                (func (export "bump") (result i32)
                  (global.set $g (i32.add (global.get $g) (i32.const 1)))
                  (call $log (global.get $g))
                  (global.get $g))
                (func (export "store") (param i32) (i32.store (i32.const 16) (local.get 0)))
                (func (export "load") (result i32) (i32.load (i32.const 16)))
                (func (export "make") (param i32) (result i32) (call $new (local.get 0)))
                (func (export "rep") (param i32) (result i32) (local.get 0)))
              (core instance $i (instantiate $m (with "host" (instance $host))))
              (export $R "r" (type $r))
              (func (export "bump") (result u32) (canon lift (core func $i "bump")))
              (func (export "store") (param "v" u32) (canon lift (core func $i "store")))
              (func (export "load") (result u32) (canon lift (core func $i "load")))
              (func (export "make") (param "rep" u32) (result (own $R)) (canon lift (core func $i "make")))
              (func (export "rep") (param "h" (borrow $R)) (result u32) (canon lift (core func $i "rep"))))
            """;

    /** Two components composed inside a third: {@code $adder}'s import is {@code $doubler}'s export. */
    static final String COMPOSED = """
            (component
              (component $doubler
                (core module $m
                  (global $calls (mut i32) (i32.const 0))
                  (func (export "double") (param i32) (result i32)
                    (global.set $calls (i32.add (global.get $calls) (i32.const 1)))
                    (i32.shl (local.get 0) (i32.const 1)))
                  (func (export "calls") (result i32) (global.get $calls)))
                (core instance $i (instantiate $m))
                (func (export "double") (param "x" u32) (result u32) (canon lift (core func $i "double")))
                (func (export "calls") (result u32) (canon lift (core func $i "calls"))))
              (component $adder
                (import "double" (func $double (param "x" u32) (result u32)))
                (core func $double-core (canon lower (func $double)))
                (core instance $host (export "double" (func $double-core)))
                (core module $m
                  (import "host" "double" (func $d (param i32) (result i32)))
                  (func (export "add-doubled") (param i32 i32) (result i32)
                    (i32.add (call $d (local.get 0)) (local.get 1))))
                (core instance $i (instantiate $m (with "host" (instance $host))))
                (func (export "add-doubled") (param "a" u32) (param "b" u32) (result u32)
                  (canon lift (core func $i "add-doubled"))))
              (instance $d (instantiate $doubler))
              (instance $a (instantiate $adder (with "double" (func $d "double"))))
              (export "add-doubled" (func $a "add-doubled"))
              (export "doubler-calls" (func $d "calls")))
            """;

    /** The adder importing an instance {@code doubler} that exports {@code double}. */
    static final String INSTANCE_ADDER = """
            (component
              (import "doubler" (instance $d (export "double" (func (param "x" u32) (result u32)))))
              (alias export $d "double" (func $double))
              (core func $double-core (canon lower (func $double)))
              (core instance $host (export "double" (func $double-core)))
              (core module $m
                (import "host" "double" (func $d (param i32) (result i32)))
                (func (export "add-doubled") (param i32 i32) (result i32)
                  (i32.add (call $d (local.get 0)) (local.get 1))))
              (core instance $i (instantiate $m (with "host" (instance $host))))
              (func (export "add-doubled") (param "a" u32) (param "b" u32) (result u32)
                (canon lift (core func $i "add-doubled"))))
            """;

    static final String DOUBLER = """
            (component
              (core module $m (func (export "double") (param i32) (result i32) (i32.shl (local.get 0) (i32.const 1))))
              (core instance $i (instantiate $m))
              (func (export "double") (param "x" u32) (result u32) (canon lift (core func $i "double"))))
            """;

    static Engine engine(Config.Strategy strategy) {
        return Engine.create(Config.builder().strategy(strategy).build());
    }

    static Component component(Engine engine, String text) {
        return Component.fromModel(engine, ComponentTextParser.parse(text));
    }

    /** A component compiled without validation: only for the tests of what the instantiator checks itself. */
    static Component unvalidated(Engine engine, String text) {
        return Component.fromValidatedModel(engine, ComponentTextParser.parse(text));
    }

    static long call(ComponentInstance instance, String name, ComponentValue... args) {
        return ((ComponentValue.U32) instance.getFunc(name).orElseThrow().callOne(args).orElseThrow()).value();
    }

    @ParameterizedTest
    @EnumSource(value = Config.Strategy.class, names = {"INTERPRETER", "COMPILER"})
    void onePreManyStoresIsolatedInstances(Config.Strategy strategy) {
        Engine engine = engine(strategy);
        ComponentLinker<List<Long>> linker = ComponentLinker.create(engine);
        AtomicInteger hostCalls = new AtomicInteger();
        linker.defineFunction("log", ComponentFuncType.of(List.of(new ComponentFuncType.Param("n", ValueType.U32)), null),
                (store, args) -> {
                    hostCalls.incrementAndGet();
                    // each instance's calls reach the host with that instance's store
                    store.data().add(((ComponentValue.U32) args.getFirst()).value());
                    return List.of();
                });
        ComponentInstancePre<List<Long>> pre = linker.instantiatePre(component(engine, STATEFUL));

        List<Store<List<Long>>> stores = new ArrayList<>();
        List<ComponentInstance> instances = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            Store<List<Long>> store = Store.create(engine, new ArrayList<>());
            stores.add(store);
            instances.add(pre.instantiate(store));
        }
        for (int i = 0; i < instances.size(); i++) {
            ComponentInstance instance = instances.get(i);
            assertThat(instance.store()).isSameAs(stores.get(i));
            instance.getFunc("store").orElseThrow().call(u32(100 + i));
            for (int k = 0; k <= i; k++) {
                call(instance, "bump");
            }
        }
        for (int i = 0; i < instances.size(); i++) {
            // memory and global are the instance's own: what one instance wrote no other sees
            assertThat(call(instances.get(i), "load")).isEqualTo(100 + i);
            assertThat(call(instances.get(i), "bump")).isEqualTo(i + 2);
            List<Long> expected = new ArrayList<>();
            for (long n = 1; n <= i + 2; n++) {
                expected.add(n);
            }
            assertThat(stores.get(i).data()).containsExactlyElementsOf(expected);
        }
        assertThat(hostCalls.get()).isEqualTo(5 * 6 / 2 + 5);

        // resource types are generative and handle tables per instance: a handle of one instance's type is not
        // accepted by another instance made from the same pre
        ComponentInstance a = instances.get(0);
        ComponentInstance b = instances.get(1);
        ComponentValue ha = a.getFunc("make").orElseThrow().callOne(u32(7)).orElseThrow();
        ComponentValue hb = b.getFunc("make").orElseThrow().callOne(u32(9)).orElseThrow();
        ResourceHandle handleA = ((ComponentValue.Own) ha).handle();
        ResourceHandle handleB = ((ComponentValue.Own) hb).handle();
        assertThat(handleA.type()).isNotSameAs(handleB.type());
        assertThat(a.getResourceType("r")).containsSame(handleA.type());
        assertThat(b.getResourceType("r")).containsSame(handleB.type());
        assertThat(call(a, "rep", new ComponentValue.Borrow(handleA))).isEqualTo(7);
        assertThat(call(b, "rep", new ComponentValue.Borrow(handleB))).isEqualTo(9);
        assertThatThrownBy(() -> b.getFunc("rep").orElseThrow().call(new ComponentValue.Borrow(handleA)))
                .isInstanceOf(ComponentException.class);
    }

    @ParameterizedTest
    @EnumSource(value = Config.Strategy.class, names = {"INTERPRETER", "COMPILER"})
    void importsAreResolvedOnceAtInstantiatePre(Config.Strategy strategy) {
        Engine engine = engine(strategy);
        Component component = component(engine, STATEFUL);
        ComponentLinker<Void> linker = ComponentLinker.create(engine);
        List<String> calledBy = new ArrayList<>();
        linker.instance("unrelated").defineFunction("f", ComponentFuncType.of(List.of(), null), (s, a) -> List.of());
        linker.defineFunction("log", ComponentFuncType.of(List.of(new ComponentFuncType.Param("n", ValueType.U32)), null),
                (store, args) -> {
                    calledBy.add("first");
                    return List.of();
                });
        ComponentInstancePre<Void> pre = linker.instantiatePre(component);
        // definitions made after instantiatePre do not change what the pre was linked with
        linker.instance("later").defineFunction("log",
                ComponentFuncType.of(List.of(new ComponentFuncType.Param("n", ValueType.U32)), null),
                (store, args) -> {
                    calledBy.add("later");
                    return List.of();
                });
        ComponentInstance instance = pre.instantiate(Store.create(engine));
        call(instance, "bump");
        assertThat(calledBy).containsExactly("first");
        assertThat(pre.component()).isSameAs(component);
    }

    @ParameterizedTest
    @EnumSource(value = Config.Strategy.class, names = {"INTERPRETER", "COMPILER"})
    void linkingErrorsAreReportedByInstantiatePre(Config.Strategy strategy) {
        Engine engine = engine(strategy);
        Component component = component(engine, STATEFUL);

        ComponentLinker<Void> missing = ComponentLinker.create(engine);
        assertThatThrownBy(() -> missing.instantiatePre(component)).isInstanceOf(ComponentException.class)
                .hasMessageStartingWith("missing import `log`");

        ComponentLinker<Void> wrongKind = ComponentLinker.create(engine);
        wrongKind.defineResource("log", ResourceType.host("log"));
        assertThatThrownBy(() -> wrongKind.instantiatePre(component)).isInstanceOf(ComponentException.class)
                .hasMessageContaining("import `log` expects a func but the linker defines a resource type");

        ComponentLinker<Void> wrongType = ComponentLinker.create(engine);
        wrongType.defineFunction("log", ComponentFuncType.of(List.of(new ComponentFuncType.Param("n", ValueType.STRING)), null),
                (store, args) -> List.of());
        assertThatThrownBy(() -> wrongType.instantiatePre(component)).isInstanceOf(ComponentException.class)
                .hasMessageStartingWith("type mismatch for import `log`");

        // an instance for an import is checked export by export, also at instantiatePre
        Component adder = component(engine, INSTANCE_ADDER);
        ComponentLinker<Void> wrongInstanceType = ComponentLinker.create(engine);
        wrongInstanceType.instance("doubler").defineFunction("double", ComponentFuncType.of(
                List.of(new ComponentFuncType.Param("x", ValueType.U32)), ValueType.U64), (s, a) -> List.of(u32(0)));
        assertThatThrownBy(() -> wrongInstanceType.instantiatePre(adder)).isInstanceOf(ComponentException.class)
                .hasMessageStartingWith("type mismatch for import `doubler/double`");
        ComponentLinker<Void> lacking = ComponentLinker.create(engine);
        lacking.instance("doubler");
        assertThatThrownBy(() -> lacking.instantiatePre(adder)).isInstanceOf(ComponentException.class)
                .hasMessageStartingWith("import `doubler` lacks export `double`");
    }

    /** A lift whose core function does not have the flattened type, after {@code $first} is instantiated. */
    static String mistypedLiftAfter(String first) {
        return """
                (component
                  (core module $first %s)
                  (core instance $f (instantiate $first))
                  (core module $m (func (export "f")))
                  (core instance $i (instantiate $m))
                  (func (export "f") (param "x" u32) (canon lift (core func $i "f"))))
                """.formatted(first);
    }

    @ParameterizedTest
    @EnumSource(value = Config.Strategy.class, names = {"INTERPRETER", "COMPILER"})
    void errorsFoundOnceAreReportedWhereTheInstantiationWouldMeetThem(Config.Strategy strategy) {
        Engine engine = engine(strategy);
        ComponentLinker<Void> linker = ComponentLinker.create(engine);
        // the mistyped lift is found by instantiatePre, but a core instantiation (which can fail per instance: a
        // start function, a store limit) comes first, so each instantiation reports it in its place
        // the validator refuses such a component; the instantiator's own checks are for a model whose caller
        // vouched for it wrongly (Component.fromValidatedModel), which is what this test builds on purpose
        assertThatThrownBy(() -> component(engine, mistypedLiftAfter("(func (export \"g\"))")))
                .isInstanceOf(dev.basalt.wasm.InvalidException.class)
                .hasMessageStartingWith("lowered parameter types `[I32]` do not match");
        ComponentInstancePre<Void> mistyped = linker.instantiatePre(
                unvalidated(engine, mistypedLiftAfter("(func (export \"g\"))")));
        for (int i = 0; i < 2; i++) {
            assertThatThrownBy(() -> mistyped.instantiate(Store.create(engine))).isInstanceOf(ComponentException.class)
                    .hasMessageStartingWith("canon lift: core function type");
        }
        // a core start function that traps comes first: each instantiation traps there, as a walk would
        ComponentInstancePre<Void> trapping = linker.instantiatePre(
                unvalidated(engine, mistypedLiftAfter("(func $s unreachable) (start $s)")));
        for (int i = 0; i < 2; i++) {
            assertThatThrownBy(() -> trapping.instantiate(Store.create(engine))).isInstanceOf(dev.basalt.Trap.class);
        }
    }

    @ParameterizedTest
    @EnumSource(value = Config.Strategy.class, names = {"INTERPRETER", "COMPILER"})
    void nestedComponentsComposeThroughThePre(Config.Strategy strategy) {
        Engine engine = engine(strategy);
        ComponentInstancePre<Void> pre = ComponentLinker.<Void>create(engine).instantiatePre(component(engine, COMPOSED));
        ComponentInstance first = pre.instantiate(Store.create(engine));
        ComponentInstance second = pre.instantiate(Store.create(engine));
        assertThat(call(first, "add-doubled", u32(20), u32(2))).isEqualTo(42);
        assertThat(call(first, "add-doubled", u32(1), u32(1))).isEqualTo(3);
        assertThat(call(second, "add-doubled", u32(5), u32(0))).isEqualTo(10);
        // each outer instance has its own nested instances
        assertThat(call(first, "doubler-calls")).isEqualTo(2);
        assertThat(call(second, "doubler-calls")).isEqualTo(1);
    }

    @ParameterizedTest
    @EnumSource(value = Config.Strategy.class, names = {"INTERPRETER", "COMPILER"})
    void compositionThroughTheLinker(Config.Strategy strategy) {
        Engine engine = engine(strategy);
        Store<Void> store = Store.create(engine);
        ComponentInstance doubler = ComponentLinker.<Void>create(engine).instantiate(store, component(engine, DOUBLER));
        ComponentLinker<Void> linker = ComponentLinker.create(engine);
        linker.defineInstance("doubler", doubler);
        ComponentInstancePre<Void> pre = linker.instantiatePre(component(engine, INSTANCE_ADDER));
        ComponentInstance one = pre.instantiate(store);
        ComponentInstance two = pre.instantiate(store);
        assertThat(call(one, "add-doubled", u32(20), u32(2))).isEqualTo(42);
        assertThat(call(two, "add-doubled", u32(3), u32(4))).isEqualTo(10);
        // the doubler instance lives in `store`: the pre cannot be instantiated into another store
        assertThatThrownBy(() -> pre.instantiate(Store.create(engine))).isInstanceOf(ComponentException.class)
                .hasMessageContaining("belongs to a different store");
    }
}
