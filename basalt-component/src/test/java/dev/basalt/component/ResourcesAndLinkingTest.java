package dev.basalt.component;

import static dev.basalt.component.ComponentValue.*;
import static dev.basalt.component.TestComponentBuilder.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.basalt.Engine;
import dev.basalt.Store;
import dev.basalt.Trap;
import dev.basalt.component.model.CanonOpt;
import dev.basalt.component.model.Decl;
import dev.basalt.component.model.ExternName;
import dev.basalt.component.model.ExternType;
import dev.basalt.component.model.PrimValType;
import dev.basalt.component.model.Sort;
import dev.basalt.component.model.TypeDef;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Resources (handle tables, resource.new/drop/rep, destructors, own/borrow rules), host functions and host
 * resources, composition of component instances through the linker, semver matching, reentrance and
 * {@code may_leave}.
 */
class ResourcesAndLinkingTest {
    final Engine engine = newEngine();

    /** The engine the core modules run on; the compiler variant of this test overrides it. */
    Engine newEngine() {
        return Engine.create();
    }

    /**
     * Component C: defines resource "r" (destructor counts calls and records the last rep) and exports make, rep-of
     * (own handle index to rep via resource.rep), borrow-rep, consume, dtors, last, drop-twice, rep-bad.
     */
    dev.basalt.component.model.Component definer() {
        var b = new TestComponentBuilder();
        int dm = b.coreModule("""
                (module
                  (global $dtors (export "dtors") (mut i32) (i32.const 0))
                  (global $last (export "last") (mut i32) (i32.const 0))
                  (func (export "dtor") (param i32)
                    (global.set $dtors (i32.add (global.get $dtors) (i32.const 1)))
                    (global.set $last (local.get 0))))
                """);
        int d = b.instantiateCore(dm);
        int r = b.type(new TypeDef.Resource(0x7f, java.util.OptionalInt.of(b.coreAlias(Sort.CORE_FUNC, d, "dtor"))));
        int newF = b.resourceNew(r);
        int dropF = b.resourceDrop(r);
        int repF = b.resourceRep(r);
        int cm = b.coreModule("""
                (module
                  (import "" "new" (func $new (param i32) (result i32)))
                  (import "" "drop" (func $drop (param i32)))
                  (import "" "rep" (func $rep (param i32) (result i32)))
                  (import "d" "dtors" (global $dtors (mut i32)))
                  (import "d" "last" (global $last (mut i32)))
                  (func (export "make") (param i32) (result i32) (call $new (local.get 0)))
                  (func (export "id") (param i32) (result i32) (local.get 0))
                  (func (export "consume") (param i32) (call $drop (local.get 0)))
                  (func (export "dtors") (result i32) (global.get $dtors))
                  (func (export "last") (result i32) (global.get $last))
                  (func (export "drop-twice") (param i32) (call $drop (local.get 0)) (call $drop (local.get 0)))
                  (func (export "rep-bad") (result i32) (call $rep (i32.const 5)))
                  (func (export "drop-zero") (call $drop (i32.const 0))))
                """);
        int shim = b.coreInstanceOf(coreExport("new", Sort.CORE_FUNC, newF), coreExport("drop", Sort.CORE_FUNC, dropF),
                coreExport("rep", Sort.CORE_FUNC, repF));
        int c = b.instantiateCore(cm, coreArg("", shim), coreArg("d", d));
        int rExport = b.export("r", Sort.TYPE, r);
        int own = b.type(new TypeDef.Own(rExport));
        int borrow = b.type(new TypeDef.Borrow(rExport));
        var u32 = prim(PrimValType.U32);
        b.export("make", Sort.FUNC, b.lift(b.coreAlias(Sort.CORE_FUNC, c, "make"), b.funcType(List.of(param("rep", u32)), idx(own))));
        b.export("borrow-rep", Sort.FUNC, b.lift(b.coreAlias(Sort.CORE_FUNC, c, "id"), b.funcType(List.of(param("self", idx(borrow))), u32)));
        b.export("consume", Sort.FUNC, b.lift(b.coreAlias(Sort.CORE_FUNC, c, "consume"), b.funcType(List.of(param("r", idx(own))), null)));
        b.export("dtors", Sort.FUNC, b.lift(b.coreAlias(Sort.CORE_FUNC, c, "dtors"), b.funcType(List.of(), u32)));
        b.export("last", Sort.FUNC, b.lift(b.coreAlias(Sort.CORE_FUNC, c, "last"), b.funcType(List.of(), u32)));
        b.export("drop-twice", Sort.FUNC, b.lift(b.coreAlias(Sort.CORE_FUNC, c, "drop-twice"), b.funcType(List.of(param("r", idx(own))), null)));
        b.export("rep-bad", Sort.FUNC, b.lift(b.coreAlias(Sort.CORE_FUNC, c, "rep-bad"), b.funcType(List.of(), u32)));
        b.export("drop-zero", Sort.FUNC, b.lift(b.coreAlias(Sort.CORE_FUNC, c, "drop-zero"), b.funcType(List.of(), null)));
        return b.build();
    }

    static long u32Of(List<ComponentValue> r) {
        return ((ComponentValue.U32) r.getFirst()).value();
    }

    @Test
    void ownAndBorrowHandlesBetweenHostAndDefiner() {
        Store<Void> store = Store.create(engine);
        ComponentInstance c = ComponentLinker.<Void>create(engine).instantiate(store, Component.fromModel(engine, definer()));
        ResourceType r = c.getResourceType("r").orElseThrow();
        assertThat(r.isHost()).isFalse();
        ResourceHandle h = ((ComponentValue.Own) c.getFunc("make").orElseThrow().call(u32(7)).getFirst()).handle();
        assertThat(h.type()).isSameAs(r);
        assertThat(h.rep()).isEqualTo(7);
        // a borrow passed to the defining instance arrives as the rep itself
        assertThat(c.getFunc("borrow-rep").orElseThrow().call(borrow(h))).containsExactly(u32(7));
        assertThat(c.getFunc("borrow-rep").orElseThrow().call(borrow(h))).containsExactly(u32(7));
        c.getFunc("consume").orElseThrow().call(own(h));
        assertThat(u32Of(c.getFunc("dtors").orElseThrow().call())).isEqualTo(1);
        assertThat(u32Of(c.getFunc("last").orElseThrow().call())).isEqualTo(7);
        assertThat(h.isLive()).isFalse();
        assertThatThrownBy(() -> c.getFunc("consume").orElseThrow().call(own(h))).isInstanceOf(ComponentException.class)
                .hasMessageContaining("already moved or dropped");
        // the host drops an owned handle: the guest destructor runs
        ResourceHandle h2 = ((ComponentValue.Own) c.getFunc("make").orElseThrow().call(u32(9)).getFirst()).handle();
        h2.drop();
        assertThat(u32Of(c.getFunc("dtors").orElseThrow().call())).isEqualTo(2);
        assertThat(u32Of(c.getFunc("last").orElseThrow().call())).isEqualTo(9);
    }

    @Test
    void handleTableErrorsTrap() {
        Store<Void> store = Store.create(engine);
        ComponentLinker<Void> linker = ComponentLinker.create(engine);
        Component comp = Component.fromModel(engine, definer());
        ComponentInstance c = linker.instantiate(store, comp);
        ResourceHandle h = ((ComponentValue.Own) c.getFunc("make").orElseThrow().call(u32(1)).getFirst()).handle();
        assertThatThrownBy(() -> c.getFunc("drop-twice").orElseThrow().call(own(h))).isInstanceOf(Trap.class)
                .hasMessage("unknown handle index 1");
        ComponentInstance c2 = linker.instantiate(store, comp);
        assertThatThrownBy(() -> c2.getFunc("rep-bad").orElseThrow().call()).isInstanceOf(Trap.class)
                .hasMessage("unknown handle index 5");
        ComponentInstance c3 = linker.instantiate(store, comp);
        assertThatThrownBy(() -> c3.getFunc("drop-zero").orElseThrow().call()).isInstanceOf(Trap.class)
                .hasMessage("unknown handle index 0");
        // a handle of another instance's (generative) type is rejected by the host before any guest code runs
        ComponentInstance c4 = linker.instantiate(store, comp);
        ResourceHandle foreign = ((ComponentValue.Own) c4.getFunc("make").orElseThrow().call(u32(2)).getFirst()).handle();
        ComponentInstance c5 = linker.instantiate(store, comp);
        assertThatThrownBy(() -> c5.getFunc("consume").orElseThrow().call(own(foreign)))
                .isInstanceOf(ComponentException.class).hasMessageContaining("type mismatch");
        assertThat(c5.getFunc("dtors").orElseThrow().call()).containsExactly(u32(0));
    }

    /**
     * Component D imports instance "c" (the definer's r, make and borrow-rep) and exports keep (keeps a borrow:
     * must trap), tidy (drops the borrow), roundtrip (make, lend to c, drop) and lend-and-take.
     */
    dev.basalt.component.model.Component consumer() {
        var b = new TestComponentBuilder();
        var u32 = prim(PrimValType.U32);
        int it = b.type(new TypeDef.InstanceType(List.of(
                new Decl.ExportDecl(ExternName.of("r"), new ExternType.Type(true, 0)),
                new Decl.TypeDecl(new TypeDef.Own(0)),
                new Decl.TypeDecl(new TypeDef.Borrow(0)),
                new Decl.TypeDecl(new TypeDef.Func(false, List.of(param("rep", u32)), Optional.of(idx(1)))),
                new Decl.ExportDecl(ExternName.of("make"), new ExternType.Func(3)),
                new Decl.TypeDecl(new TypeDef.Func(false, List.of(param("self", idx(2))), Optional.of(u32))),
                new Decl.ExportDecl(ExternName.of("borrow-rep"), new ExternType.Func(4)),
                new Decl.TypeDecl(new TypeDef.Func(false, List.of(param("r", idx(1))), Optional.empty())),
                new Decl.ExportDecl(ExternName.of("consume"), new ExternType.Func(5)))));
        int ci = b.importItem("c", new ExternType.InstanceT(it));
        int r = b.alias(Sort.TYPE, ci, "r");
        int drop = b.resourceDrop(r);
        int make = b.lower(b.alias(Sort.FUNC, ci, "make"));
        int brep = b.lower(b.alias(Sort.FUNC, ci, "borrow-rep"));
        int consume = b.lower(b.alias(Sort.FUNC, ci, "consume"));
        int m = b.coreModule("""
                (module
                  (import "" "drop" (func $drop (param i32)))
                  (import "" "make" (func $make (param i32) (result i32)))
                  (import "" "brep" (func $brep (param i32) (result i32)))
                  (import "" "consume" (func $consume (param i32)))
                  (func (export "keep") (param i32))
                  (func (export "tidy") (param i32) (call $drop (local.get 0)))
                  (func (export "roundtrip") (param i32) (result i32)
                    (local $h i32) (local $r i32)
                    (local.set $h (call $make (local.get 0)))
                    (local.set $r (call $brep (local.get $h)))
                    (call $drop (local.get $h))
                    (local.get $r))
                  (func (export "move-twice") (param i32)
                    (local $h i32)
                    (local.set $h (call $make (local.get 0)))
                    (call $consume (local.get $h))
                    (call $consume (local.get $h))))
                """);
        int shim = b.coreInstanceOf(coreExport("drop", Sort.CORE_FUNC, drop), coreExport("make", Sort.CORE_FUNC, make),
                coreExport("brep", Sort.CORE_FUNC, brep), coreExport("consume", Sort.CORE_FUNC, consume));
        int inst = b.instantiateCore(m, coreArg("", shim));
        int borrow = b.type(new TypeDef.Borrow(r));
        b.export("keep", Sort.FUNC, b.lift(b.coreAlias(Sort.CORE_FUNC, inst, "keep"), b.funcType(List.of(param("b", idx(borrow))), null)));
        b.export("tidy", Sort.FUNC, b.lift(b.coreAlias(Sort.CORE_FUNC, inst, "tidy"), b.funcType(List.of(param("b", idx(borrow))), null)));
        b.export("roundtrip", Sort.FUNC, b.lift(b.coreAlias(Sort.CORE_FUNC, inst, "roundtrip"), b.funcType(List.of(param("rep", u32)), u32)));
        b.export("move-twice", Sort.FUNC, b.lift(b.coreAlias(Sort.CORE_FUNC, inst, "move-twice"), b.funcType(List.of(param("rep", u32)), null)));
        return b.build();
    }

    @Test
    void composedInstancesPassHandlesAndEnforceBorrowRules() {
        Store<Void> store = Store.create(engine);
        ComponentInstance c = ComponentLinker.<Void>create(engine).instantiate(store, Component.fromModel(engine, definer()));
        ComponentLinker<Void> linker = ComponentLinker.create(engine);
        linker.defineInstance("c", c);
        Component consumer = Component.fromModel(engine, consumer());
        ComponentInstance d = linker.instantiate(store, consumer);
        assertThat(d.getFunc("roundtrip").orElseThrow().call(u32(0x41))).containsExactly(u32(0x41));
        assertThat(c.getFunc("dtors").orElseThrow().call()).containsExactly(u32(1));
        ResourceHandle h = ((ComponentValue.Own) c.getFunc("make").orElseThrow().call(u32(5)).getFirst()).handle();
        d.getFunc("tidy").orElseThrow().call(borrow(h));
        assertThat(h.isLive()).isTrue();
        assertThatThrownBy(() -> d.getFunc("keep").orElseThrow().call(borrow(h))).isInstanceOf(Trap.class)
                .hasMessage("borrow handles still remain at the end of the call");
        ComponentInstance d2 = linker.instantiate(store, consumer);
        assertThatThrownBy(() -> d2.getFunc("move-twice").orElseThrow().call(u32(6))).isInstanceOf(Trap.class)
                .hasMessage("unknown handle index 1");
    }

    @Test
    void hostFunctionsAndHostResources() {
        List<Integer> destroyed = new ArrayList<>();
        ResourceType file = ResourceType.host("file", destroyed::add);
        var b = new TestComponentBuilder();
        var u32 = prim(PrimValType.U32);
        var str = prim(PrimValType.STRING);
        int fileT = b.importItem("file", new ExternType.Type(true, 0));
        int own = b.type(new TypeDef.Own(fileT));
        int openT = b.funcType(List.of(param("rep", u32)), idx(own));
        int open = b.importItem("open", new ExternType.Func(openT));
        int greetT = b.funcType(List.of(param("name", str)), str);
        int greet = b.importItem("greet", new ExternType.Func(greetT));
        int mm = b.coreModule(CanonicalAbiTest.LIB);
        int lib = b.instantiateCore(mm);
        int mem = b.coreAlias(Sort.CORE_MEMORY, lib, "mem");
        int realloc = b.coreAlias(Sort.CORE_FUNC, lib, "realloc");
        int openL = b.lower(open);
        int greetL = b.lower(greet, new CanonOpt.Memory(mem), new CanonOpt.Realloc(realloc));
        int drop = b.resourceDrop(fileT);
        int m = b.coreModule("""
                (module
                  (import "" "open" (func $open (param i32) (result i32)))
                  (import "" "greet" (func $greet (param i32 i32 i32)))
                  (import "" "drop" (func $drop (param i32)))
                  (func (export "open-close") (param i32) (result i32)
                    (local $h i32)
                    (local.set $h (call $open (local.get 0)))
                    (call $drop (local.get $h))
                    (local.get $h))
                  (func (export "hello") (param i32 i32) (result i32)
                    (call $greet (local.get 0) (local.get 1) (i32.const 64))
                    (i32.const 64)))
                """);
        int shim = b.coreInstanceOf(coreExport("open", Sort.CORE_FUNC, openL), coreExport("greet", Sort.CORE_FUNC, greetL),
                coreExport("drop", Sort.CORE_FUNC, drop));
        int inst = b.instantiateCore(m, coreArg("", shim));
        b.export("open-close", Sort.FUNC, b.lift(b.coreAlias(Sort.CORE_FUNC, inst, "open-close"), b.funcType(List.of(param("rep", u32)), u32)));
        b.export("hello", Sort.FUNC, b.lift(b.coreAlias(Sort.CORE_FUNC, inst, "hello"), b.funcType(List.of(param("name", str)), str),
                new CanonOpt.Memory(mem), new CanonOpt.Realloc(realloc)));
        Component comp = Component.fromModel(engine, b.build());
        assertThat(comp.importNames()).containsExactly("file", "open", "greet");

        ComponentLinker<StringBuilder> linker = ComponentLinker.create(engine);
        linker.defineResource("file", file);
        linker.defineFunction("open", ComponentFuncType.of(List.of(new ComponentFuncType.Param("rep", ValueType.U32)),
                new ValueType.OwnType(file)), (store, args) -> List.of(own(ResourceHandle.own(file,
                        (int) ((ComponentValue.U32) args.getFirst()).value()))));
        linker.defineFunction("greet", ComponentFuncType.of(List.of(new ComponentFuncType.Param("name", ValueType.STRING)),
                ValueType.STRING), (store, args) -> {
                    String name = ((ComponentValue.Str) args.getFirst()).value();
                    store.data().append(name);
                    return List.of(string("hello, " + name + "!"));
                });
        Store<StringBuilder> store = Store.create(engine, new StringBuilder());
        ComponentInstance ci = linker.instantiate(store, comp);
        assertThat(ci.getFunc("open-close").orElseThrow().call(u32(33))).containsExactly(u32(1));
        assertThat(destroyed).containsExactly(33);
        assertThat(ci.getFunc("hello").orElseThrow().call(string("wörld"))).containsExactly(string("hello, wörld!"));
        assertThat(store.data().toString()).isEqualTo("wörld");
    }

    @Test
    void missingAndMismatchedImportsFailAtLinkTime() {
        ComponentLinker<Void> linker = ComponentLinker.create(engine);
        Component consumer = Component.fromModel(engine, consumer());
        assertThatThrownBy(() -> linker.instantiatePre(consumer)).isInstanceOf(ComponentException.class)
                .hasMessageContaining("missing import `c`");
        linker.defineFunction("c", ComponentFuncType.of(List.of(), null), (s, a) -> List.of());
        assertThatThrownBy(() -> linker.instantiatePre(consumer)).isInstanceOf(ComponentException.class)
                .hasMessageContaining("import `c` expects an instance but the linker defines a function");

        ComponentLinker<Void> wrongType = ComponentLinker.create(engine);
        wrongType.instance("example:math/ops@1.0.0").defineFunction("double",
                ComponentFuncType.of(List.of(new ComponentFuncType.Param("x", ValueType.STRING)), ValueType.U32),
                (s, a) -> List.of(u32(0)));
        Component doubler = Component.fromModel(engine, doubler("example:math/ops@1.0.0"));
        assertThatThrownBy(() -> wrongType.instantiate(Store.create(engine), doubler))
                .isInstanceOf(ComponentException.class)
                .hasMessage("type mismatch for import `example:math/ops@1.0.0/double`: expected func(x: u32) -> u32, "
                        + "found func(x: string) -> u32");
        ComponentLinker<Void> missingExport = ComponentLinker.create(engine);
        missingExport.instance("example:math/ops@1.0.0");
        assertThatThrownBy(() -> missingExport.instantiate(Store.create(engine), doubler))
                .isInstanceOf(ComponentException.class).hasMessage("import `example:math/ops@1.0.0` lacks export `double`");
    }

    /** A component importing instance {@code name} with {@code double: func(x: u32) -> u32} and exporting run. */
    dev.basalt.component.model.Component doubler(String name) {
        var b = new TestComponentBuilder();
        var u32 = prim(PrimValType.U32);
        int it = b.type(new TypeDef.InstanceType(List.of(
                new Decl.TypeDecl(new TypeDef.Func(false, List.of(param("x", u32)), Optional.of(u32))),
                new Decl.ExportDecl(ExternName.of("double"), new ExternType.Func(0)))));
        int ci = b.importItem(name, new ExternType.InstanceT(it));
        int dbl = b.lower(b.alias(Sort.FUNC, ci, "double"));
        int m = b.coreModule("""
                (module (import "" "double" (func $d (param i32) (result i32)))
                  (func (export "run") (param i32) (result i32) (i32.add (call $d (local.get 0)) (i32.const 1))))
                """);
        int inst = b.instantiateCore(m, coreArg("", b.coreInstanceOf(coreExport("double", Sort.CORE_FUNC, dbl))));
        b.export("run", Sort.FUNC, b.lift(b.coreAlias(Sort.CORE_FUNC, inst, "run"), b.funcType(List.of(param("x", u32)), u32)));
        return b.build();
    }

    @Test
    void versionedImportsMatchSemverCompatibleDefinitions() {
        ComponentLinker<Void> linker = ComponentLinker.create(engine);
        ComponentFuncType dbl = ComponentFuncType.of(List.of(new ComponentFuncType.Param("x", ValueType.U32)), ValueType.U32);
        linker.instance("example:math/ops@1.2.3").defineFunction("double", dbl,
                (s, a) -> List.of(u32(2 * ((ComponentValue.U32) a.getFirst()).value())));
        linker.instance("example:math/ops@1.4.0").defineFunction("double", dbl,
                (s, a) -> List.of(u32(4 * ((ComponentValue.U32) a.getFirst()).value())));
        linker.instance("example:math/ops@0.2.0").defineFunction("double", dbl,
                (s, a) -> List.of(u32(10 * ((ComponentValue.U32) a.getFirst()).value())));
        Store<Void> store = Store.create(engine);
        // the highest compatible 1.x definition wins
        assertThat(linker.instantiate(store, Component.fromModel(engine, doubler("example:math/ops@1.0.0")))
                .getFunc("run").orElseThrow().call(u32(5))).containsExactly(u32(21));
        // an exact match first
        assertThat(linker.instantiate(store, Component.fromModel(engine, doubler("example:math/ops@1.2.3")))
                .getFunc("run").orElseThrow().call(u32(5))).containsExactly(u32(11));
        assertThat(linker.instantiate(store, Component.fromModel(engine, doubler("example:math/ops@0.2.9")))
                .getFunc("run").orElseThrow().call(u32(5))).containsExactly(u32(51));
        assertThatThrownBy(() -> linker.instantiatePre(Component.fromModel(engine, doubler("example:math/ops@2.0.0"))))
                .isInstanceOf(ComponentException.class).hasMessageContaining("missing import");
        assertThatThrownBy(() -> linker.instantiatePre(Component.fromModel(engine, doubler("example:math/ops@0.3.0"))))
                .isInstanceOf(ComponentException.class).hasMessageContaining("missing import");
    }

    @Test
    void reenteringAnInstanceFromAHostCallbackTraps() {
        var b = new TestComponentBuilder();
        var u32 = prim(PrimValType.U32);
        int cbT = b.funcType(List.of(), null);
        int cb = b.importItem("callback", new ExternType.Func(cbT));
        int cbL = b.lower(cb);
        int m = b.coreModule("""
                (module (import "" "cb" (func $cb))
                  (func (export "run") (call $cb))
                  (func (export "ping") (result i32) (i32.const 7)))
                """);
        int inst = b.instantiateCore(m, coreArg("", b.coreInstanceOf(coreExport("cb", Sort.CORE_FUNC, cbL))));
        b.export("run", Sort.FUNC, b.lift(b.coreAlias(Sort.CORE_FUNC, inst, "run"), b.funcType(List.of(), null)));
        b.export("ping", Sort.FUNC, b.lift(b.coreAlias(Sort.CORE_FUNC, inst, "ping"), b.funcType(List.of(), u32)));
        Component comp = Component.fromModel(engine, b.build());
        ComponentInstance[] self = new ComponentInstance[1];
        ComponentLinker<Void> linker = ComponentLinker.create(engine);
        linker.defineFunction("callback", ComponentFuncType.of(List.of(), null), (s, a) -> {
            self[0].getFunc("ping").orElseThrow().call();
            return List.of();
        });
        self[0] = linker.instantiate(Store.create(engine), comp);
        assertThatThrownBy(() -> self[0].getFunc("run").orElseThrow().call()).isInstanceOf(Trap.class)
                .hasMessage("cannot enter component instance");
    }

    @Test
    void postReturnMayNotCallImportsAndRunsAfterResultsAreRead() {
        var b = new TestComponentBuilder();
        int logT = b.funcType(List.of(), null);
        int log = b.importItem("log", new ExternType.Func(logT));
        int logL = b.lower(log);
        int m = b.coreModule("""
                (module (import "" "log" (func $log))
                  (memory (export "mem") 1)
                  (data (i32.const 16) "result")
                  (global $calls (mut i32) (i32.const 0))
                  (func (export "f") (result i32) (i32.store (i32.const 0) (i32.const 16)) (i32.store (i32.const 4) (i32.const 6)) (i32.const 0))
                  (func (export "clobber") (param i32) (i32.store8 (i32.const 16) (i32.const 88)))
                  (func (export "bad-post") (param i32) (call $log)))
                """);
        int inst = b.instantiateCore(m, coreArg("", b.coreInstanceOf(coreExport("log", Sort.CORE_FUNC, logL))));
        int mem = b.coreAlias(Sort.CORE_MEMORY, inst, "mem");
        int f = b.coreAlias(Sort.CORE_FUNC, inst, "f");
        int t = b.funcType(List.of(), prim(PrimValType.STRING));
        b.export("clobbered", Sort.FUNC, b.lift(f, t, new CanonOpt.Memory(mem),
                new CanonOpt.PostReturn(b.coreAlias(Sort.CORE_FUNC, inst, "clobber"))));
        b.export("bad", Sort.FUNC, b.lift(f, t, new CanonOpt.Memory(mem),
                new CanonOpt.PostReturn(b.coreAlias(Sort.CORE_FUNC, inst, "bad-post"))));
        Component comp = Component.fromModel(engine, b.build());
        ComponentLinker<Void> linker = ComponentLinker.create(engine);
        linker.defineFunction("log", ComponentFuncType.of(List.of(), null), (s, a) -> List.of());
        ComponentInstance ci = linker.instantiate(Store.create(engine), comp);
        assertThat(ci.getFunc("clobbered").orElseThrow().call()).containsExactly(string("result"));
        // the post-return of the first call overwrote the 'r'
        assertThat(ci.getFunc("clobbered").orElseThrow().call()).containsExactly(string("Xesult"));
        assertThatThrownBy(() -> ci.getFunc("bad").orElseThrow().call()).isInstanceOf(Trap.class)
                .hasMessage("cannot leave component instance");
    }

    @Test
    void nestedComponentsOuterAliasesAndReexports() {
        // inner component: exports "get" returning 42 from a module it outer-aliases from the parent
        var u32 = prim(PrimValType.U32);
        var parent = new TestComponentBuilder();
        int mod = parent.coreModule("(module (func (export \"get\") (result i32) (i32.const 42)))");
        var inner = new TestComponentBuilder();
        int im = inner.outerAlias(Sort.CORE_MODULE, 1, mod);
        int ii = inner.instantiateCore(im);
        inner.export("get", Sort.FUNC, inner.lift(inner.coreAlias(Sort.CORE_FUNC, ii, "get"), inner.funcType(List.of(), u32)));
        int comp = parent.component(inner.build());
        int a = parent.instantiate(comp);
        int b2 = parent.instantiate(comp);
        int getA = parent.alias(Sort.FUNC, a, "get");
        parent.export("get-a", Sort.FUNC, getA);
        parent.export("inner", Sort.INSTANCE, b2);
        ComponentInstance ci = ComponentLinker.<Void>create(engine).instantiate(Store.create(engine),
                Component.fromModel(engine, parent.build()));
        assertThat(ci.exportNames()).containsExactly("get-a", "inner");
        assertThat(ci.getFunc("get-a").orElseThrow().call()).containsExactly(u32(42));
        assertThat(ci.getFunc("inner", "get").orElseThrow().call()).containsExactly(u32(42));
    }
}
