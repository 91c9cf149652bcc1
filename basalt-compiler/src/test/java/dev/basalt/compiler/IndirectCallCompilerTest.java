package dev.basalt.compiler;

import static dev.basalt.compiler.CompilerTest.COMPILER;
import static org.assertj.core.api.Assertions.assertThat;

import dev.basalt.Config;
import dev.basalt.Engine;
import dev.basalt.Func;
import dev.basalt.Instance;
import dev.basalt.Linker;
import dev.basalt.Module;
import dev.basalt.Store;
import dev.basalt.Trap;
import dev.basalt.TrapKind;
import dev.basalt.Val;
import dev.basalt.wasm.NumType;
import dev.basalt.wasm.text.WatParser;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.util.CheckClassAdapter;

/**
 * {@code call_indirect} and {@code call_ref} under the compiler (typed dispatch to the module's own functions, the
 * runtime for everything else) against the interpreter: every kind of callee a table can hold, every trap, tables
 * that change between calls, subtyping, several results, and dispatchers large enough to be split.
 */
class IndirectCallCompilerTest {
    static final String LIB = """
            (module
              (type $ii (func (param i32) (result i32)))
              (func (export "twice") (type $ii) (i32.mul (local.get 0) (i32.const 2))))
            """;

    static final String MAIN = """
            (module
              (type $ii (func (param i32) (result i32)))
              (type $v (func))
              (type $swap (func (param i32 i64) (result i64 i32)))
              (import "host" "neg" (func $neg (type $ii)))
              (import "lib" "twice" (func $twice (type $ii)))
              (table $t (export "table") 8 funcref)
              ;; 0: own function, 1: another module's, 2: host, 3: wrong type, 4: several results, 5-7: null
              (elem (i32.const 0) $inc $twice $neg $nop $swap)
              (elem declare func $dec)
              (func $inc (type $ii) (i32.add (local.get 0) (i32.const 1)))
              (func $dec (export "dec") (type $ii) (i32.sub (local.get 0) (i32.const 1)))
              (func $nop (type $v))
              (func $swap (type $swap) (local.get 1) (local.get 0))
              (func (export "call") (param $slot i32) (param $x i32) (result i32)
                (call_indirect (type $ii) (local.get $x) (local.get $slot)))
              (func (export "call-swap") (param $slot i32) (param $a i32) (param $b i64) (result i64 i32)
                (call_indirect (type $swap) (local.get $a) (local.get $b) (local.get $slot)))
              (func (export "set") (param $slot i32) (param $f funcref) (table.set $t (local.get $slot) (local.get $f)))
              (func (export "grow") (param $n i32) (result i32) (table.grow $t (ref.func $dec) (local.get $n)))
              (func (export "call-ref") (param $f (ref null $ii)) (param $x i32) (result i32)
                (call_ref $ii (local.get $x) (local.get $f)))
              (func (export "get") (param $slot i32) (result funcref) (table.get $t (local.get $slot))))
            """;

    private static Instance instantiateMain(Engine engine, Store<Void> store) {
        Linker<Void> linker = Linker.create(engine);
        Instance lib = linker.instantiate(store, Module.fromWat(engine, LIB));
        linker.defineInstance("lib", lib);
        linker.defineHostFunction("host", "neg", new dev.basalt.FuncType(List.of(NumType.I32), List.of(NumType.I32)),
                (caller, args) -> new Val[] {Val.i32(-((Val.I32) args[0]).value())});
        return linker.instantiate(store, Module.fromWat(engine, MAIN));
    }

    private static TrapKind trapOf(Runnable r) {
        try {
            r.run();
        } catch (Trap t) {
            return t.kind();
        }
        return null;
    }

    static List<Engine> engines() {
        return List.of(COMPILER, Engine.create());
    }

    @Test
    void everyKindOfCalleeAndEveryTrap() {
        for (Engine engine : engines()) {
            Store<Void> store = Store.create(engine);
            Instance inst = instantiateMain(engine, store);
            Func call = inst.getFunc("call").orElseThrow();
            assertThat(call.callI32(0, 5)).as("own function").isEqualTo(6);
            assertThat(call.callI32(1, 5)).as("another module's export").isEqualTo(10);
            assertThat(call.callI32(2, 5)).as("host function").isEqualTo(-5);
            assertThat(trapOf(() -> call.callI32(3, 5))).isEqualTo(TrapKind.INDIRECT_CALL_TYPE_MISMATCH);
            assertThat(trapOf(() -> call.callI32(4, 5))).isEqualTo(TrapKind.INDIRECT_CALL_TYPE_MISMATCH);
            assertThat(trapOf(() -> call.callI32(5, 5))).isEqualTo(TrapKind.UNINITIALIZED_ELEMENT);
            assertThat(trapOf(() -> call.callI32(8, 5))).isEqualTo(TrapKind.UNDEFINED_ELEMENT);
            assertThat(trapOf(() -> call.callI32(-1, 5))).as("index is unsigned").isEqualTo(TrapKind.UNDEFINED_ELEMENT);
            assertThat(inst.getFunc("call-swap").orElseThrow().call(Val.i32(4), Val.i32(3), Val.i64(-7)))
                    .containsExactly(Val.i64(-7), Val.i32(3));
            assertThat(trapOf(() -> inst.getFunc("call-swap").orElseThrow().call(Val.i32(0), Val.i32(3), Val.i64(1))))
                    .isEqualTo(TrapKind.INDIRECT_CALL_TYPE_MISMATCH);
        }
    }

    @Test
    void tableChangesBetweenCallsAreSeen() {
        for (Engine engine : engines()) {
            Store<Void> store = Store.create(engine);
            Instance inst = instantiateMain(engine, store);
            Func call = inst.getFunc("call").orElseThrow();
            Func set = inst.getFunc("set").orElseThrow();
            Val dec = new Val.FuncRef(inst.getFunc("dec").orElseThrow());
            assertThat(call.callI32(0, 5)).isEqualTo(6);
            set.call(Val.i32(0), dec);
            assertThat(call.callI32(0, 5)).as("after table.set").isEqualTo(4);
            set.call(Val.i32(0), inst.getFunc("get").orElseThrow().call(Val.i32(2))[0]);
            assertThat(call.callI32(0, 5)).as("host function moved into the slot").isEqualTo(-5);
            set.call(Val.i32(0), new Val.FuncRef(null));
            assertThat(trapOf(() -> call.callI32(0, 5))).isEqualTo(TrapKind.UNINITIALIZED_ELEMENT);
            assertThat(inst.getFunc("grow").orElseThrow().callI32(2)).isEqualTo(8);
            assertThat(call.callI32(9, 5)).as("after table.grow").isEqualTo(4);
            assertThat(trapOf(() -> call.callI32(10, 5))).isEqualTo(TrapKind.UNDEFINED_ELEMENT);
            // From the host through the table's API.
            inst.getTable("table").orElseThrow().set(9, new Val.FuncRef(inst.getFunc("call").orElseThrow()));
            assertThat(trapOf(() -> call.callI32(9, 5))).isEqualTo(TrapKind.INDIRECT_CALL_TYPE_MISMATCH);
        }
    }

    @Test
    void functionsOfAnotherInstanceOfTheSameModuleRunWithTheirOwnInstance() {
        String counter = """
                (module
                  (type $ii (func (param i32) (result i32)))
                  (table $t (export "table") 2 funcref)
                  (global $g (mut i32) (i32.const 0))
                  (elem (i32.const 0) $bump)
                  (func $bump (export "bump") (type $ii)
                    (global.set $g (i32.add (global.get $g) (local.get 0))) (global.get $g))
                  (func (export "call") (param $slot i32) (param $x i32) (result i32)
                    (call_indirect (type $ii) (local.get $x) (local.get $slot)))
                  (func (export "set") (param $slot i32) (param $f funcref)
                    (table.set $t (local.get $slot) (local.get $f))))
                """;
        for (Engine engine : engines()) {
            Store<Void> store = Store.create(engine);
            Module m = Module.fromWat(engine, counter);
            Linker<Void> linker = Linker.create(engine);
            Instance a = linker.instantiate(store, m);
            Instance b = linker.instantiate(store, m);
            a.getFunc("set").orElseThrow().call(Val.i32(1), new Val.FuncRef(b.getFunc("bump").orElseThrow()));
            Func callA = a.getFunc("call").orElseThrow();
            assertThat(callA.callI32(0, 10)).as("a's own counter").isEqualTo(10);
            assertThat(callA.callI32(1, 3)).as("b's counter, through a's table").isEqualTo(3);
            assertThat(callA.callI32(1, 3)).isEqualTo(6);
            assertThat(callA.callI32(0, 1)).isEqualTo(11);
            assertThat(b.getFunc("bump").orElseThrow().callI32(0)).isEqualTo(6);
        }
    }

    @Test
    void callRefTrapsOnNullAndCallsEveryKindOfFunction() {
        for (Engine engine : engines()) {
            Store<Void> store = Store.create(engine);
            Instance inst = instantiateMain(engine, store);
            Func callRef = inst.getFunc("call-ref").orElseThrow();
            Func get = inst.getFunc("get").orElseThrow();
            assertThat(callRef.call(get.call(Val.i32(0))[0], Val.i32(5))).containsExactly(Val.i32(6));
            assertThat(callRef.call(get.call(Val.i32(1))[0], Val.i32(5))).containsExactly(Val.i32(10));
            assertThat(callRef.call(get.call(Val.i32(2))[0], Val.i32(5))).containsExactly(Val.i32(-5));
            assertThat(trapOf(() -> callRef.call(new Val.FuncRef(null), Val.i32(5))))
                    .isEqualTo(TrapKind.NULL_FUNCTION_REFERENCE);
        }
    }

    static final String SUBTYPES = """
            (module
              (type $sup (sub (func (param i32) (result i32))))
              (type $sub (sub $sup (func (param i32) (result i32))))
              (table 2 funcref)
              (elem (i32.const 0) $f $g)
              (func $f (type $sub) (i32.add (local.get 0) (i32.const 100)))
              (func $g (type $sup) (i32.add (local.get 0) (i32.const 200)))
              (func (export "via-sup") (param i32 i32) (result i32)
                (call_indirect (type $sup) (local.get 1) (local.get 0)))
              (func (export "via-sub") (param i32 i32) (result i32)
                (call_indirect (type $sub) (local.get 1) (local.get 0))))
            """;

    @Test
    void subtypesPassTheSignatureCheck() {
        for (Engine engine : engines()) {
            Instance inst = CompilerTest.instantiate(engine, SUBTYPES);
            Func sup = inst.getFunc("via-sup").orElseThrow();
            Func sub = inst.getFunc("via-sub").orElseThrow();
            assertThat(sup.callI32(0, 1)).isEqualTo(101);
            assertThat(sup.callI32(1, 1)).isEqualTo(201);
            assertThat(sub.callI32(0, 1)).isEqualTo(101);
            assertThat(trapOf(() -> sub.callI32(1, 1))).isEqualTo(TrapKind.INDIRECT_CALL_TYPE_MISMATCH);
        }
    }

    /**
     * {@code n} functions of {@code params} i64 parameters each returning {@code k * 1000 + the sum of the
     * arguments}, all in a table, with {@code padding} more i32 parameters (ignored, passed as 0); large sets split
     * the dispatcher into a tree of methods, and 126 i64 parameters and one i32 (253 JVM slots, plus the instance and
     * the call depth room: the most a function may have) leave no room for a dispatcher's extra argument, the callee
     * (the call goes through the runtime).
     */
    static String manyFunctions(int n, int params, int padding) {
        StringBuilder sb = new StringBuilder("(module\n  (type $t (func (param");
        sb.append(" i64".repeat(params)).append(" i32".repeat(padding)).append(") (result i64)))\n  (table ").append(n).append(" funcref)\n");
        sb.append("  (elem (i32.const 0)");
        for (int k = 0; k < n; k++) {
            sb.append(" $f").append(k);
        }
        sb.append(")\n");
        StringBuilder sum = new StringBuilder();
        for (int p = 0; p < params; p++) {
            sum.append(" (local.get ").append(p).append(") (i64.add)");
        }
        for (int k = 0; k < n; k++) {
            sb.append("  (func $f").append(k).append(" (type $t) (i64.const ").append(k * 1000L).append(")")
                    .append(sum).append(")\n");
        }
        sb.append("  (func (export \"call\") (param $slot i32) (result i64)\n    (call_indirect (type $t)");
        for (int p = 0; p < params; p++) {
            sb.append(" (i64.const ").append(p + 1).append(")");
        }
        sb.append(" (i32.const 0)".repeat(padding));
        sb.append(" (local.get $slot))))\n");
        return sb.toString();
    }

    @Test
    void largeDispatchersAreSplitAndStillReachEveryFunction() {
        for (int[] shape : new int[][] {{600, 1, 0}, {300, 40, 0}, {20, 100, 0}, {3, 126, 1}}) {
            int n = shape[0];
            int params = shape[1];
            String wat = manyFunctions(n, params, shape[2]);
            byte[] bytes = JvmCompiler.generate(WatParser.parseModule(wat));
            StringWriter problems = new StringWriter();
            CheckClassAdapter.verify(new ClassReader(bytes), false, new PrintWriter(problems));
            assertThat(problems.toString()).isEmpty();
            Func call = CompilerTest.instantiate(COMPILER, wat).getFunc("call").orElseThrow();
            long argSum = (long) params * (params + 1) / 2;
            for (int k = 0; k < n; k++) {
                assertThat(call.callI64(k)).as("function %d of %d", k, n).isEqualTo(k * 1000L + argSum);
            }
            assertThat(trapOf(() -> call.callI64(n))).isEqualTo(TrapKind.UNDEFINED_ELEMENT);
        }
    }

    @Test
    void tieredCodeCallsCompiledAndInterpretedTargets() {
        Engine auto = Engine.create(Config.builder().strategy(Config.Strategy.AUTO).tierUpThreshold(5)
                .compileInBackground(false).build());
        Store<Void> store = Store.create(auto);
        Instance inst = instantiateMain(auto, store);
        Func call = inst.getFunc("call").orElseThrow();
        for (int round = 0; round < 50; round++) {
            assertThat(call.callI32(0, round)).isEqualTo(round + 1);
            assertThat(call.callI32(1, round)).isEqualTo(2 * round);
            assertThat(call.callI32(2, round)).isEqualTo(-round);
            assertThat(trapOf(() -> call.callI32(3, 1))).isEqualTo(TrapKind.INDIRECT_CALL_TYPE_MISMATCH);
            assertThat(inst.getFunc("call-swap").orElseThrow().call(Val.i32(4), Val.i32(round), Val.i64(-7)))
                    .containsExactly(Val.i64(-7), Val.i32(round));
        }
        assertThat(inst.module().compiledFunctionCount()).as("the callers were tiered up").isGreaterThanOrEqualTo(2);
    }

    static final String TAIL = """
            (module
              (type $ii (func (param i32) (result i32)))
              (type $swap (func (param i32 i64) (result i64 i32)))
              (type $v (func (param i32)))
              (import "host" "neg" (func $neg (type $ii)))
              (import "lib" "twice" (func $twice (type $ii)))
              (table $t 8 funcref)
              (global $g (mut i32) (i32.const 0))
              ;; 0: leaf, 1: import, 2: host, 3: leaf that counts down by self tail calls, 4: several results,
              ;; 5: no results, 6: a function that tail-calls on (not a leaf), 7: null
              (elem (i32.const 0) $inc $twice $neg $countdown $swap $store $hop)
              (func $inc (type $ii) (i32.add (local.get 0) (i32.const 1)))
              (func $countdown (type $ii)
                (if (result i32) (i32.eqz (local.get 0)) (then (i32.const -1))
                  (else (return_call $countdown (i32.sub (local.get 0) (i32.const 1))))))
              (func $swap (type $swap) (local.get 1) (local.get 0))
              (func $store (type $v) (global.set $g (local.get 0)))
              (func $hop (type $ii) (return_call_indirect (type $ii) (local.get 0) (i32.const 0)))
              (func (export "tail") (param $slot i32) (param $x i32) (result i32)
                (return_call_indirect (type $ii) (local.get $x) (local.get $slot)))
              (func (export "tail-swap") (param $slot i32) (param $a i32) (param $b i64) (result i64 i32)
                (return_call_indirect (type $swap) (local.get $a) (local.get $b) (local.get $slot)))
              (func (export "tail-store") (param $slot i32) (param $x i32) (result i32)
                (call $tail-store (local.get $slot) (local.get $x))
                (global.get $g))
              (func $tail-store (param $slot i32) (param $x i32)
                (return_call_indirect (type $v) (local.get $x) (local.get $slot)))
              (func (export "tail-ref") (param $slot i32) (param $x i32) (result i32)
                (return_call_ref $ii (local.get $x) (ref.cast (ref null $ii) (table.get $t (local.get $slot))))))
            """;

    @Test
    void tailCallsThroughTablesAndReferences() throws InterruptedException {
        Engine unlimited = Engine.create(Config.builder().strategy(Config.Strategy.COMPILER)
                .maxCallDepth(2_000_000).build());
        for (Engine engine : List.of(unlimited, Engine.create())) {
            Store<Void> store = Store.create(engine);
            Linker<Void> linker = Linker.create(engine);
            linker.defineInstance("lib", linker.instantiate(store, Module.fromWat(engine, LIB)));
            linker.defineHostFunction("host", "neg",
                    new dev.basalt.FuncType(List.of(NumType.I32), List.of(NumType.I32)),
                    (caller, args) -> new Val[] {Val.i32(-((Val.I32) args[0]).value())});
            Instance inst = linker.instantiate(store, Module.fromWat(engine, TAIL));
            for (String name : List.of("tail", "tail-ref")) {
                Func tail = inst.getFunc(name).orElseThrow();
                assertThat(tail.callI32(0, 5)).as(name + ": leaf").isEqualTo(6);
                assertThat(tail.callI32(1, 5)).as(name + ": import").isEqualTo(10);
                assertThat(tail.callI32(2, 5)).as(name + ": host").isEqualTo(-5);
                assertThat(tail.callI32(6, 5)).as(name + ": a tail caller").isEqualTo(6);
                assertThat(trapOf(() -> tail.callI32(7, 5))).isEqualTo(name.equals("tail")
                        ? TrapKind.UNINITIALIZED_ELEMENT : TrapKind.NULL_FUNCTION_REFERENCE);
                // A leaf that goes on by self tail calls: a million of them on a 512 KB stack.
                TailCallCompilerTest.onSmallStack(() -> assertThat(tail.callI32(3, 1_000_000)).isEqualTo(-1));
            }
            Func tail = inst.getFunc("tail").orElseThrow();
            assertThat(trapOf(() -> tail.callI32(4, 5))).isEqualTo(TrapKind.INDIRECT_CALL_TYPE_MISMATCH);
            assertThat(trapOf(() -> tail.callI32(8, 5))).isEqualTo(TrapKind.UNDEFINED_ELEMENT);
            assertThat(inst.getFunc("tail-swap").orElseThrow().call(Val.i32(4), Val.i32(3), Val.i64(-7)))
                    .containsExactly(Val.i64(-7), Val.i32(3));
            assertThat(inst.getFunc("tail-store").orElseThrow().callI32(5, 42)).isEqualTo(42);
        }
    }

    @Test
    void modulesSpreadOverSeveralClassesCallAcrossThem() {
        // 400 functions of about 600 instructions: more than one class's share (JvmCompiler.PART_INSTRUCTIONS).
        int n = 400;
        int adds = 300;
        StringBuilder sb = new StringBuilder("(module\n  (type $ii (func (param i32) (result i32)))\n");
        sb.append("  (table ").append(n).append(" funcref)\n  (elem (i32.const 0)");
        for (int k = 0; k < n; k++) {
            sb.append(" $f").append(k);
        }
        sb.append(")\n  (func (export \"call\") (param $slot i32) (param $x i32) (result i32)\n")
                .append("    (call_indirect (type $ii) (local.get $x) (local.get $slot)))\n");
        for (int k = 0; k < n; k++) {
            sb.append("  (func $f").append(k).append(" (type $ii) (local.get 0)");
            for (int a = 0; a < adds; a++) {
                sb.append(" (i32.const ").append(k).append(") (i32.add)");
            }
            sb.append(")\n");
        }
        String wat = sb.append(")").toString();
        assertThat(JvmCompiler.generateParts(WatParser.parseModule(wat), "dev/basalt/compiler/gen/PartsProbe"))
                .as("classes").hasSizeGreaterThan(1);
        Func call = CompilerTest.instantiate(COMPILER, wat).getFunc("call").orElseThrow();
        for (int k = 0; k < n; k++) {
            assertThat(call.callI32(k, 7)).as("function %d", k).isEqualTo(7 + k * adds);
        }
    }

    /**
     * A module over {@link JvmCompiler#PART_INSTRUCTIONS} instructions (so spread over several classes) with
     * functions of the callers' types, another type, a subtype, a host import and null slots in its table, before and
     * after 400 filler functions (so in different classes). A counter global tells whose instance ran a function.
     */
    static String splitModule() {
        StringBuilder sb = new StringBuilder("""
                (module
                  (type $ii (func (param i32) (result i32)))
                  (type $v (func))
                  (type $sup (sub (func (param i32) (result i32))))
                  (type $sub (sub $sup (func (param i32) (result i32))))
                  (import "host" "neg" (func $neg (type $ii)))
                  (global $count (mut i32) (i32.const 0))
                  (table $t (export "table") 8 funcref)
                  ;; 0: first class, 1: last class, 2: host, 3: wrong type, 4: subtype, 5: supertype, 6-7: null
                  (elem (i32.const 0) $first $last $neg $nop $subf $supf)
                  (func $first (type $ii)
                    (global.set $count (i32.add (global.get $count) (i32.const 1)))
                    (i32.add (local.get 0) (global.get $count)))
                  (func (export "call-early") (param $slot i32) (param $x i32) (result i32)
                    (call_indirect (type $ii) (local.get $x) (local.get $slot)))
                """);
        for (int k = 0; k < 400; k++) {
            sb.append("  (func $pad").append(k).append(" (param i32) (result i32) (local.get 0)");
            sb.append(" (i32.const 1) (i32.add)".repeat(300)).append(")\n");
        }
        sb.append("""
                  (func $last (type $ii) (i32.mul (local.get 0) (i32.const 1000)))
                  (func $nop (type $v))
                  (func $subf (type $sub) (i32.sub (local.get 0) (i32.const 7)))
                  (func $supf (type $sup) (i32.add (local.get 0) (i32.const 7)))
                  (func (export "call-late") (param $slot i32) (param $x i32) (result i32)
                    (call_indirect (type $ii) (local.get $x) (local.get $slot)))
                  (func (export "call-sup") (param $slot i32) (param $x i32) (result i32)
                    (call_indirect (type $sup) (local.get $x) (local.get $slot)))
                  (func (export "set") (param $slot i32) (param $f funcref) (table.set $t (local.get $slot) (local.get $f)))
                  (func (export "first") (type $ii) (call $first (local.get 0))))
                """);
        return sb.toString();
    }

    @Test
    void splitModulesDispatchAcrossTheirClassesThroughOneDispatchClass() {
        String base = "dev/basalt/compiler/gen/SplitProbe";
        List<JvmCompiler.Part> all = JvmCompiler.generateParts(WatParser.parseModule(splitModule()), base);
        // The module's helper copies (HelperCopies) come last, after the dispatch class.
        List<JvmCompiler.Part> parts = all.stream().filter(p -> !p.className().startsWith(base + "$")).toList();
        assertThat(all.subList(parts.size(), all.size())).allMatch(p -> p.members().length == 0);
        assertThat(parts).as("function classes and the dispatch class").hasSizeGreaterThan(2);
        JvmCompiler.Part dispatch = parts.get(parts.size() - 1);
        assertThat(dispatch.className()).isEqualTo(base + JvmCompiler.DISPATCH_CLASS_SUFFIX);
        assertThat(dispatch.members()).isEmpty();
        java.util.Set<String> callees = new java.util.TreeSet<>();
        for (JvmCompiler.Part part : parts) {
            StringWriter problems = new StringWriter();
            CheckClassAdapter.verify(new ClassReader(part.bytes()), false, new PrintWriter(problems));
            assertThat(problems.toString()).as(part.className()).isEmpty();
            new ClassReader(part.bytes()).accept(new org.objectweb.asm.ClassVisitor(org.objectweb.asm.Opcodes.ASM9) {
                @Override
                public org.objectweb.asm.MethodVisitor visitMethod(int access, String name, String desc, String sig,
                                                                   String[] exceptions) {
                    if (part != dispatch) {
                        assertThat(name).as("no dispatcher of its own in " + part.className())
                                .doesNotStartWith(IndirectCalls.DISPATCH);
                        return null;
                    }
                    return new org.objectweb.asm.MethodVisitor(org.objectweb.asm.Opcodes.ASM9) {
                        @Override
                        public void visitMethodInsn(int op, String owner, String method, String d, boolean itf) {
                            if (method.matches("f\\d+")) {
                                callees.add(owner + "." + method);
                            }
                        }
                    };
                }
            }, 0);
        }
        int last = 1 + 1 + 1 + 400; // after $neg, $first, call-early and the filler functions
        assertThat(callees).as("direct cases in the first and the last class")
                .contains(parts.get(0).className() + ".f1", parts.get(parts.size() - 2).className() + ".f" + last);

        for (Engine engine : engines()) {
            Store<Void> store = Store.create(engine);
            Linker<Void> linker = Linker.create(engine);
            linker.defineHostFunction("host", "neg", new dev.basalt.FuncType(List.of(NumType.I32), List.of(NumType.I32)),
                    (caller, args) -> new Val[] {Val.i32(-((Val.I32) args[0]).value())});
            Module m = Module.fromWat(engine, splitModule());
            Instance a = linker.instantiate(store, m);
            Instance b = linker.instantiate(store, m);
            for (String caller : List.of("call-early", "call-late")) {
                Func call = a.getFunc(caller).orElseThrow();
                assertThat(call.callI32(1, 5)).as(caller + ": last class").isEqualTo(5000);
                assertThat(call.callI32(2, 5)).as(caller + ": host").isEqualTo(-5);
                assertThat(trapOf(() -> call.callI32(3, 5))).isEqualTo(TrapKind.INDIRECT_CALL_TYPE_MISMATCH);
                assertThat(trapOf(() -> call.callI32(4, 5))).as(caller + ": $sub is no $ii")
                        .isEqualTo(TrapKind.INDIRECT_CALL_TYPE_MISMATCH);
                assertThat(trapOf(() -> call.callI32(6, 5))).isEqualTo(TrapKind.UNINITIALIZED_ELEMENT);
                assertThat(trapOf(() -> call.callI32(8, 5))).isEqualTo(TrapKind.UNDEFINED_ELEMENT);
            }
            Func early = a.getFunc("call-early").orElseThrow();
            Func late = a.getFunc("call-late").orElseThrow();
            assertThat(late.callI32(0, 10)).as("first class, a's counter at 1").isEqualTo(11);
            assertThat(early.callI32(0, 10)).as("a's counter at 2").isEqualTo(12);
            Func sup = a.getFunc("call-sup").orElseThrow();
            assertThat(sup.callI32(4, 10)).as("a subtype through its supertype").isEqualTo(3);
            assertThat(sup.callI32(5, 10)).isEqualTo(17);
            assertThat(trapOf(() -> sup.callI32(0, 10))).isEqualTo(TrapKind.INDIRECT_CALL_TYPE_MISMATCH);
            // Another instance's function in a's table runs with b's instance (b's counter), then a table change.
            Func set = a.getFunc("set").orElseThrow();
            set.call(Val.i32(6), new Val.FuncRef(b.getFunc("first").orElseThrow()));
            assertThat(late.callI32(6, 10)).as("b's export, b's counter at 1").isEqualTo(11);
            assertThat(early.callI32(0, 10)).as("a's counter at 3").isEqualTo(13);
            set.call(Val.i32(1), new Val.FuncRef(a.getFunc("first").orElseThrow()));
            assertThat(late.callI32(1, 10)).as("after table.set, a's counter at 4").isEqualTo(14);
            if (engine == COMPILER) {
                // The dispatch class is part of the compiled code: a deserialized module has it too.
                Instance c = linker.instantiate(store, Module.deserialize(engine, m.serialize()));
                assertThat(c.getFunc("call-early").orElseThrow().callI32(1, 3)).isEqualTo(3000);
                assertThat(c.getFunc("call-late").orElseThrow().callI32(0, 3)).isEqualTo(4);
                assertThat(trapOf(() -> c.getFunc("call-late").orElseThrow().callI32(3, 3)))
                        .isEqualTo(TrapKind.INDIRECT_CALL_TYPE_MISMATCH);
            }
        }
    }

    /** The names of the dispatcher entry methods ({@code dispatch$N}) of a generated class. */
    private static java.util.Set<String> dispatchers(byte[] classBytes) {
        java.util.Set<String> names = new java.util.TreeSet<>();
        new ClassReader(classBytes).accept(new org.objectweb.asm.ClassVisitor(org.objectweb.asm.Opcodes.ASM9) {
            @Override
            public org.objectweb.asm.MethodVisitor visitMethod(int access, String name, String desc, String sig,
                                                               String[] exceptions) {
                if (name.matches("dispatch\\$\\d+")) {
                    names.add(name);
                }
                return null;
            }
        }, 0);
        return names;
    }

    /** {@code sites} functions each making {@code call_indirect}s of one type with {@code targets} candidates. */
    static String callSites(int sites, int targets) {
        StringBuilder sb = new StringBuilder("(module\n  (type $ii (func (param i32) (result i32)))\n");
        sb.append("  (table ").append(targets).append(" funcref)\n  (elem (i32.const 0)");
        for (int k = 0; k < targets; k++) {
            sb.append(" $f").append(k);
        }
        sb.append(")\n");
        for (int k = 0; k < targets; k++) {
            sb.append("  (func $f").append(k).append(" (type $ii) (i32.add (local.get 0) (i32.const ").append(k)
                    .append(")))\n");
        }
        for (int c = 0; c < sites; c++) {
            sb.append("  (func (export \"call").append(c).append("\") (param $slot i32) (param $x i32) (result i32)\n")
                    .append("    (call_indirect (type $ii) (local.get $x) (local.get $slot)))\n");
        }
        return sb.append(")").toString();
    }

    @Test
    void callSitesWithFewCandidatesGetDispatchersOfTheirOwn() {
        int few = IndirectCalls.SITE_TARGETS;
        assertThat(dispatchers(JvmCompiler.generate(WatParser.parseModule(callSites(3, few)))))
                .as("one per site").hasSize(3);
        assertThat(dispatchers(JvmCompiler.generate(WatParser.parseModule(callSites(3, few + 1)))))
                .as("one shared by the sites").hasSize(1);
        assertThat(dispatchers(JvmCompiler.generate(WatParser.parseModule(callSites(IndirectCalls.MAX_SITES + 2, 2)))))
                .as("per-site ones up to the limit, then one shared").hasSize(IndirectCalls.MAX_SITES + 1);
        for (int targets : new int[] {few, few + 1}) {
            Instance inst = CompilerTest.instantiate(COMPILER, callSites(3, targets));
            for (int c = 0; c < 3; c++) {
                Func call = inst.getFunc("call" + c).orElseThrow();
                for (int k = 0; k < targets; k++) {
                    assertThat(call.callI32(k, 100 * c)).isEqualTo(100 * c + k);
                }
                assertThat(trapOf(() -> call.callI32(targets, 1))).isEqualTo(TrapKind.UNDEFINED_ELEMENT);
            }
        }
    }
}
