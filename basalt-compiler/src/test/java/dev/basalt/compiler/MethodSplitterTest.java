package dev.basalt.compiler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
import dev.basalt.wasm.WasmModule;
import dev.basalt.wasm.text.WatParser;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.util.CheckClassAdapter;

/**
 * Functions too large for one JVM method ({@link MethodSplitter}): generated bodies far over 64 KB of bytecode
 * compile, pass the verifier, keep every method under HugeMethodLimit, and compute what the interpreter computes,
 * including branches out of outlined pieces at many depths, returns, traps with their backtrace, and fuel.
 */
class MethodSplitterTest {
    private static final Engine COMPILER = Engine.create(Config.builder().strategy(Config.Strategy.COMPILER).build());
    private static final Engine INTERPRETER = Engine.create();

    /** Blocks in sequence over 60 locals, some leaving early with br_if, one returning from inside. */
    static String sequencedBlocks(int blocks) {
        StringBuilder sb = new StringBuilder("(module (func $seq (export \"seq\") (param $n i32) (result i64)\n");
        for (int i = 0; i < 40; i++) {
            sb.append(" (local $a").append(i).append(" i64)");
        }
        for (int i = 0; i < 10; i++) {
            sb.append(" (local $d").append(i).append(" f64)");
        }
        for (int i = 0; i < 10; i++) {
            sb.append(" (local $i").append(i).append(" i32)");
        }
        sb.append('\n');
        for (int b = 0; b < blocks; b++) {
            int x = b % 40;
            int y = (b * 7 + 3) % 40;
            int d = b % 10;
            sb.append("(block (br_if 0 (i32.eq (i32.and (local.get $n) (i32.const ").append(b % 8 + 1)
                    .append(")) (i32.const 0)))")
                    .append(" (local.set $a").append(x).append(" (i64.add (local.get $a").append(x)
                    .append(") (i64.mul (local.get $a").append(y).append(") (i64.const ").append(b * 31 + 7)
                    .append("))))")
                    .append(" (local.set $d").append(d).append(" (f64.add (local.get $d").append(d)
                    .append(") (f64.convert_i64_s (local.get $a").append(x).append("))))")
                    .append(" (local.set $i").append(d).append(" (i32.xor (local.get $i").append(d)
                    .append(") (i32.wrap_i64 (local.get $a").append(y).append(")))))\n");
            if (b == blocks * 3 / 4) {
                sb.append("(if (i32.eq (local.get $n) (i32.const 1000)) (then (return (local.get $a5))))\n");
            }
        }
        sb.append("(local.get $a0)");
        for (int i = 1; i < 40; i++) {
            sb.append(" (local.get $a").append(i).append(") (i64.xor)");
        }
        for (int i = 0; i < 10; i++) {
            sb.append(" (i64.trunc_sat_f64_s (local.get $d").append(i).append(")) (i64.add)");
            sb.append(" (i64.extend_i32_u (local.get $i").append(i).append(")) (i64.add)");
        }
        sb.append("))");
        return sb.toString();
    }

    /**
     * {@code depth} nested blocks; the innermost br_table leaves to the label its argument picks (the default:
     * the outermost), and after each block's end the code adds that block's weight, so the result tells which
     * label was taken.
     */
    static String nestedBlocks(int depth) {
        StringBuilder sb = new StringBuilder("(module (func $nest (export \"nest\") (param $k i32) (result i32)"
                + " (local $acc i32)\n");
        for (int i = 0; i < depth; i++) {
            sb.append("(block\n");
        }
        sb.append("(br_table");
        for (int i = 0; i < depth; i++) {
            sb.append(' ').append(i);
        }
        sb.append(' ').append(depth - 1).append(" (local.get $k))\n");
        for (int i = depth - 1; i >= 0; i--) {
            sb.append(") (local.set $acc (i32.add (i32.mul (local.get $acc) (i32.const 3)) (i32.const ")
                    .append(i + 1).append(")))\n");
        }
        sb.append("(local.get $acc)))");
        return sb.toString();
    }

    /** A switch whose br_table has {@code labels} entries over 10 cases. */
    static String bigSwitch(int labels) {
        StringBuilder sb = new StringBuilder("(module (func $switch (export \"switch\") (param $k i32) (result i32)\n");
        sb.append("(block $default ");
        for (int c = 9; c >= 0; c--) {
            sb.append("(block $c").append(c).append(' ');
        }
        sb.append("(br_table");
        for (int i = 0; i < labels; i++) {
            sb.append(" $c").append((i * 7) % 10);
        }
        sb.append(" $default (local.get $k))\n");
        for (int c = 0; c < 10; c++) {
            sb.append(") (return (i32.const ").append(100 + c).append("))\n");
        }
        sb.append(") (i32.const -1)))");
        return sb.toString();
    }

    /** A loop whose body is large, over 200 locals; the loop label is branched to from outlined pieces. */
    static String bigLoop(int statements) {
        StringBuilder sb = new StringBuilder("(module (func $loop (export \"loop\") (param $n i32) (result i64)"
                + " (local $i i32)\n");
        for (int i = 0; i < 200; i++) {
            sb.append(" (local $v").append(i).append(" i64)");
        }
        sb.append("\n(loop $top\n");
        for (int s = 0; s < statements; s++) {
            int a = s % 200;
            int b = (s * 13 + 5) % 200;
            sb.append("(local.set $v").append(a).append(" (i64.add (i64.rotl (local.get $v").append(a)
                    .append(") (i64.const 5)) (i64.xor (local.get $v").append(b).append(") (i64.extend_i32_u ")
                    .append("(local.get $i)))))\n");
            if (s % 500 == 250) {
                // continue early on some iterations, from the middle of the body
                sb.append("(local.set $i (i32.add (local.get $i) (i32.const 1)))")
                        .append("(br_if $top (i32.and (i32.lt_u (local.get $i) (local.get $n))")
                        .append(" (i32.eqz (i32.rem_u (local.get $i) (i32.const 3)))))")
                        .append("(local.set $i (i32.sub (local.get $i) (i32.const 1)))\n");
            }
        }
        sb.append("(local.set $i (i32.add (local.get $i) (i32.const 1)))\n");
        sb.append("(br_if $top (i32.lt_u (local.get $i) (local.get $n))))\n");
        sb.append("(local.get $v0)");
        for (int i = 1; i < 200; i++) {
            sb.append(" (local.get $v").append(i).append(") (i64.add)");
        }
        sb.append("))");
        return sb.toString();
    }

    /** A large function that traps (division by zero) deep inside, called by a small one. */
    static String trapping(int statements) {
        StringBuilder sb = new StringBuilder("(module (func $big (param $z i32) (result i32) (local $x i32)\n");
        for (int s = 0; s < statements; s++) {
            sb.append("(block (local.set $x (i32.add (local.get $x) (i32.mul (local.get $z) (i32.const ")
                    .append(s).append(")))))\n");
            if (s == statements - 10) {
                sb.append("(block (block (local.set $x (i32.div_s (local.get $x) (local.get $z)))))\n");
            }
        }
        sb.append("(local.get $x))\n");
        sb.append("(func $outer (export \"outer\") (param i32) (result i32) (call $big (local.get 0))))");
        return sb.toString();
    }

    private static Instance instantiate(Engine engine, String wat) {
        return Linker.<Void>create(engine).instantiate(Store.create(engine), Module.fromWat(engine, wat));
    }

    /** The methods of the generated class and their bytecode sizes; the class passes the JVM verifier. */
    private static Map<String, Integer> methodSizes(String wat) {
        WasmModule model = WatParser.parseModule(wat);
        byte[] bytes = JvmCompiler.generate(model);
        StringWriter out = new StringWriter();
        CheckClassAdapter.verify(new ClassReader(bytes), MethodSplitterTest.class.getClassLoader(), false,
                new PrintWriter(out));
        assertThat(out.toString()).as("verifier output").isEmpty();
        Map<String, Integer> sizes = new LinkedHashMap<>();
        List<SizeCounter> counters = new ArrayList<>();
        List<String> names = new ArrayList<>();
        new ClassReader(bytes).accept(new ClassVisitor(Opcodes.ASM9) {
            @Override
            public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                                             String[] exceptions) {
                SizeCounter c = new SizeCounter(null);
                counters.add(c);
                names.add(name);
                return c;
            }
        }, 0);
        for (int i = 0; i < names.size(); i++) {
            sizes.put(names.get(i), counters.get(i).size());
        }
        return sizes;
    }

    private static void assertSplit(String wat, String function) {
        assertSplit(wat, function, true);
    }

    private static void assertSplit(String wat, String function, boolean pieces) {
        long t0 = System.nanoTime();
        Map<String, Integer> sizes = methodSizes(wat);
        System.err.printf("MethodSplitterTest: %s: %d methods, generated and verified in %d ms%n", function,
                sizes.size(), (System.nanoTime() - t0) / 1_000_000);
        if (pieces) {
            assertThat(sizes.keySet()).as("pieces of " + function).anyMatch(n -> n.startsWith(function + "$"));
        }
        assertThat(sizes).allSatisfy((name, size) -> assertThat(size).as(name).isLessThan(8000));
    }

    @Test
    void fiveThousandSequencedBlocksAgreeWithTheInterpreter() {
        // About 125,000 instructions, 500 KB of bytecode in ~270 methods.
        String wat = sequencedBlocks(5_000);
        assertSplit(wat, "f0");
        Func c = instantiate(COMPILER, wat).getFunc("seq").orElseThrow();
        Func i = instantiate(INTERPRETER, wat).getFunc("seq").orElseThrow();
        for (int n : new int[] {0, 1, 5, 255, 1000, -1}) {
            assertThat(c.callI64(n)).as("seq(%d)", n).isEqualTo(i.callI64(n));
        }
    }

    @Test
    void branchesOutOfPiecesAtEveryDepthOfTwentyThousandNestedBlocks() {
        int depth = 20_000;
        String wat = nestedBlocks(depth);
        assertSplit(wat, "f0");
        Func c = instantiate(COMPILER, wat).getFunc("nest").orElseThrow();
        Func i = instantiate(INTERPRETER, wat).getFunc("nest").orElseThrow();
        for (int k : new int[] {0, 1, 2, 255, 256, 257, 511, 1000, 9_999, 19_998, 19_999, 20_000, -1}) {
            assertThat(c.callI32(k)).as("nest(%d)", k).isEqualTo(i.callI32(k));
        }
    }

    @Test
    void aHugeBrTableBranchesThroughItsConstantTable() {
        String wat = bigSwitch(30_000);
        // 30,000 labels would be 120 KB of tableswitch; through the constant table the function is one method.
        assertSplit(wat, "f0", false);
        Func c = instantiate(COMPILER, wat).getFunc("switch").orElseThrow();
        Func i = instantiate(INTERPRETER, wat).getFunc("switch").orElseThrow();
        for (int k : new int[] {0, 1, 6, 9, 10, 12_345, 29_999, 30_000, 70_000, -1}) {
            assertThat(c.callI32(k)).as("switch(%d)", k).isEqualTo(i.callI32(k));
        }
        assertThat(c.callI32(12_345)).isEqualTo(100 + (12_345 * 7) % 10);
        assertThat(c.callI32(30_000)).isEqualTo(-1);
    }

    @Test
    void aBigLoopWithManyLocalsAgreesAndChargesTheSameFuel() {
        String wat = bigLoop(3_000);
        assertSplit(wat, "f0");
        Store<Void> cs = Store.create(COMPILER);
        Store<Void> is = Store.create(INTERPRETER);
        cs.setFuel(10_000_000);
        is.setFuel(10_000_000);
        Func c = Linker.<Void>create(COMPILER).instantiate(cs, Module.fromWat(COMPILER, wat)).getFunc("loop")
                .orElseThrow();
        Func i = Linker.<Void>create(INTERPRETER).instantiate(is, Module.fromWat(INTERPRETER, wat)).getFunc("loop")
                .orElseThrow();
        for (int n : new int[] {1, 7, 30}) {
            assertThat(c.callI64(n)).as("loop(%d)", n).isEqualTo(i.callI64(n));
            assertThat(cs.getFuel()).as("fuel left after loop(%d)", n).isEqualTo(is.getFuel());
        }
        // Running out of fuel inside an outlined piece is the same trap.
        cs.setFuel(50_000);
        assertThatThrownBy(() -> c.callI64(1_000)).isInstanceOfSatisfying(Trap.class,
                t -> assertThat(t.kind()).isEqualTo(TrapKind.OUT_OF_FUEL));
    }

    @Test
    void anInterruptStopsALoopRunningInsidePieces() throws Exception {
        String wat = bigLoop(3_000);
        Store<Void> store = Store.create(COMPILER);
        Func loop = Linker.<Void>create(COMPILER).instantiate(store, Module.fromWat(COMPILER, wat)).getFunc("loop")
                .orElseThrow();
        Thread interrupter = new Thread(() -> {
            try {
                Thread.sleep(300);
            } catch (InterruptedException e) {
                return;
            }
            store.interrupt();
        });
        interrupter.start();
        // 2^32 - 1 iterations: only the interrupt, polled at the loop header the pieces branch back to, ends it.
        assertThatThrownBy(() -> loop.callI64(-1)).isInstanceOfSatisfying(Trap.class, t -> {
            assertThat(t.kind()).isEqualTo(TrapKind.INTERRUPTED);
            assertThat(t.backtrace().stream().map(Trap.Frame::functionName).toList()).containsExactly("loop");
        });
        interrupter.join();
    }

    @Test
    void aTrapInsideAPieceHasTheWasmBacktrace() {
        String wat = trapping(4_000);
        assertSplit(wat, "f0");
        Instance c = instantiate(COMPILER, wat);
        Func outer = c.getFunc("outer").orElseThrow();
        assertThat(outer.callI32(1)).isEqualTo(instantiate(INTERPRETER, wat).getFunc("outer").orElseThrow()
                .callI32(1));
        assertThatThrownBy(() -> outer.call(Val.i32(0))).isInstanceOfSatisfying(Trap.class, t -> {
            assertThat(t.kind()).isEqualTo(TrapKind.INTEGER_DIVIDE_BY_ZERO);
            assertThat(t.backtrace().stream().map(Trap.Frame::functionName).toList())
                    .containsExactly("big", "outer");
        });
        // The module is still usable after the trap.
        assertThat(outer.callI32(2)).isEqualTo(instantiate(INTERPRETER, wat).getFunc("outer").orElseThrow()
                .callI32(2));
    }

    @Test
    void smallFunctionsStayOneMethod() {
        Map<String, Integer> sizes = methodSizes(CompilerTest.LOOPS);
        // Loops are outlined and small recursive functions have twins (ModuleCompiler.twinCandidate), not split.
        assertThat(sizes.keySet()).noneMatch(n -> n.contains("$") && !LoopOutliner.isLoopMethod(n)
                && !n.endsWith(ModuleCompiler.TWIN_SUFFIX));
        assertThat(Arrays.asList(sizes.keySet().toArray())).contains("f0", "invoke");
    }
}
