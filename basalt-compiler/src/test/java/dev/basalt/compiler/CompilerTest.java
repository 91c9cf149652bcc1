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
import dev.basalt.spi.UnsupportedCodeException;
import dev.basalt.wasm.text.WatParser;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.util.CheckClassAdapter;

/** The compiler on small hand-written modules: results, traps, fuel, the verifier, unsupported instructions. */
class CompilerTest {
    static final Engine COMPILER = Engine.create(Config.builder().strategy(Config.Strategy.COMPILER).build());

    static Instance instantiate(Engine engine, String wat) {
        Module m = Module.fromWat(engine, wat);
        return Linker.<Void>create(engine).instantiate(Store.create(engine), m);
    }

    static final String LOOPS = """
            (module
              (memory 1)
              (global $g (mut i64) (i64.const 7))
              (func $fib (export "fib") (param i32) (result i32)
                (if (result i32) (i32.lt_u (local.get 0) (i32.const 2))
                  (then (local.get 0))
                  (else (i32.add (call $fib (i32.sub (local.get 0) (i32.const 1)))
                                 (call $fib (i32.sub (local.get 0) (i32.const 2)))))))
              (func (export "sum") (param $n i32) (result i64) (local $acc i64)
                (block $out
                  (loop $top
                    (br_if $out (i32.eqz (local.get $n)))
                    (i64.store (i32.const 8) (i64.add (i64.load (i32.const 8)) (i64.extend_i32_u (local.get $n))))
                    (local.set $acc (i64.add (local.get $acc) (i64.extend_i32_u (local.get $n))))
                    (local.set $n (i32.sub (local.get $n) (i32.const 1)))
                    (br $top)))
                (global.set $g (i64.add (global.get $g) (local.get $acc)))
                (i64.add (local.get $acc) (i64.load (i32.const 8))))
              (func (export "switch") (param i32) (result i32)
                (block $c (result i32)
                  (block $b (result i32)
                    (block $a (result i32)
                      (i32.const 100) (i32.const 1) (local.get 0) (br_table $a $b $c))
                    (i32.const 1) (i32.add))
                  (i32.const 2) (i32.add)))
              (func (export "div") (param i32 i32) (result i32) (i32.div_s (local.get 0) (local.get 1)))
              (func (export "fmin") (param f64 f64) (result f64) (f64.min (local.get 0) (local.get 1)))
              (func (export "load") (param i32) (result i32) (i32.load (local.get 0)))
              (func (export "spin") (loop $l (br $l)))
              (func (export "sel") (param i64 i64 i32) (result i64) (select (local.get 0) (local.get 1) (local.get 2)))
              (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
              (func (export "g") (result i64) (global.get $g)))
            """;

    @Test
    void computesLikeTheInterpreter() {
        Instance c = instantiate(COMPILER, LOOPS);
        Instance i = instantiate(Engine.create(), LOOPS);
        for (Instance inst : List.of(c, i)) {
            assertThat(inst.getFunc("fib").orElseThrow().callI32(20)).isEqualTo(6765);
            assertThat(inst.getFunc("sum").orElseThrow().callI64(100)).isEqualTo(5050L * 2);
            assertThat(inst.getFunc("g").orElseThrow().callI64()).isEqualTo(5057L);
            assertThat(inst.getFunc("switch").orElseThrow().callI32(0)).isEqualTo(4);
            assertThat(inst.getFunc("switch").orElseThrow().callI32(1)).isEqualTo(3);
            assertThat(inst.getFunc("switch").orElseThrow().callI32(2)).isEqualTo(1);
            assertThat(inst.getFunc("switch").orElseThrow().callI32(-1)).isEqualTo(1);
            assertThat(inst.getFunc("sel").orElseThrow().callI64(5, 6, 1)).isEqualTo(5L);
            assertThat(inst.getFunc("sel").orElseThrow().callI64(5, 6, 0)).isEqualTo(6L);
            assertThat(inst.getFunc("grow").orElseThrow().callI32(2)).isEqualTo(1);
            assertThat(inst.getFunc("grow").orElseThrow().callI32(-1)).isEqualTo(-1);
        }
    }

    @Test
    void trapsWithTheInterpretersKinds() {
        Instance c = instantiate(COMPILER, LOOPS);
        Func div = c.getFunc("div").orElseThrow();
        assertThatThrownBy(() -> div.callI32(1, 0)).isInstanceOfSatisfying(Trap.class,
                t -> assertThat(t.kind()).isEqualTo(TrapKind.INTEGER_DIVIDE_BY_ZERO));
        assertThatThrownBy(() -> c.getFunc("load").orElseThrow().callI32(65_534)).isInstanceOfSatisfying(Trap.class,
                t -> assertThat(t.kind()).isEqualTo(TrapKind.OUT_OF_BOUNDS_MEMORY_ACCESS));
        Func fib = c.getFunc("fib").orElseThrow();
        assertThatThrownBy(() -> fib.callI32(-1)).isInstanceOfSatisfying(Trap.class,
                t -> assertThat(t.kind()).isEqualTo(TrapKind.CALL_STACK_EXHAUSTED));
    }

    @Test
    void memoryInitAndDataDrop() {
        Instance c = instantiate(COMPILER, """
                (module (memory 1) (data $d "\\01\\02\\03\\04")
                  (func (export "init") (param i32 i32 i32) (memory.init $d (local.get 0) (local.get 1) (local.get 2)))
                  (func (export "drop") (data.drop $d))
                  (func (export "load") (param i32) (result i32) (i32.load (local.get 0))))
                """);
        c.getFunc("init").orElseThrow().call(dev.basalt.Val.i32(16), dev.basalt.Val.i32(1), dev.basalt.Val.i32(3));
        assertThat(c.getFunc("load").orElseThrow().callI32(16)).isEqualTo(0x00040302);
        c.getFunc("drop").orElseThrow().call();
        assertThatThrownBy(() -> c.getFunc("init").orElseThrow().call(dev.basalt.Val.i32(0), dev.basalt.Val.i32(0),
                dev.basalt.Val.i32(1))).isInstanceOfSatisfying(Trap.class,
                t -> assertThat(t.kind()).isEqualTo(TrapKind.OUT_OF_BOUNDS_MEMORY_ACCESS));
    }

    @Test
    void fuelRunsOutInLoops() {
        Engine engine = COMPILER;
        Module m = Module.fromWat(engine, LOOPS);
        Store<Void> store = Store.create(engine);
        store.setFuel(10_000);
        Instance inst = Linker.<Void>create(engine).instantiate(store, m);
        assertThatThrownBy(() -> inst.getFunc("spin").orElseThrow().call()).isInstanceOfSatisfying(Trap.class,
                t -> assertThat(t.kind()).isEqualTo(TrapKind.OUT_OF_FUEL));
    }

    @Test
    void generatedClassPassesTheVerifier() {
        byte[] bytes = JvmCompiler.generate(WatParser.parseModule(LOOPS));
        StringWriter out = new StringWriter();
        CheckClassAdapter.verify(new ClassReader(bytes), getClass().getClassLoader(), false, new PrintWriter(out));
        assertThat(out.toString()).isEmpty();
    }

    @Test
    void untranslatableFunctionFailsCompilationNamingIt() {
        // Every instruction compiles; what still cannot is a function over the JVM's 64 KB method limit that cannot
        // be split because it has an exception handler: 40,000 i64 locals (zeroing them alone is over 64 KB) and an
        // empty try_table, returning 7.
        byte[] wasm = {0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
            0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7f, // type 0: () -> i32
            0x03, 0x02, 0x01, 0x00, // function 0: type 0
            0x0a, 0x0e, 0x01, 0x0c, 0x01, (byte) 0xc0, (byte) 0xb8, 0x02, 0x7e, // 40,000 i64 locals
            0x1f, 0x40, 0x00, 0x0b, 0x41, 0x07, 0x0b}; // try_table end, i32.const 7, end
        Engine interpreter = Engine.create();
        assertThat(Linker.<Void>create(interpreter).instantiate(Store.create(interpreter),
                Module.compile(interpreter, wasm))).isNotNull();
        assertThatThrownBy(() -> Module.compile(COMPILER, wasm)).isInstanceOfSatisfying(UnsupportedCodeException.class,
                e -> {
                    assertThat(e.functionIndex()).isZero();
                    assertThat(e.getMessage()).startsWith("compiler: unsupported instruction (");
                });
    }

    /**
     * The fuel and interruption checkpoint that every loop header and function entry calls stays over C1's 35-byte
     * inlining limit ({@code C1MaxInlineSize}), so C1's code calls C2's folded copy instead of running the flag's
     * method-handle invocation inline (see {@link Support#charge}); well under C2's 325 bytes, which inlines it.
     */
    @Test
    void checkpointStaysOverC1sInliningLimit() throws java.io.IOException {
        int[] size = {-1};
        try (var in = Support.class.getResourceAsStream("Support.class")) {
            new ClassReader(in).accept(new org.objectweb.asm.ClassVisitor(org.objectweb.asm.Opcodes.ASM9) {
                @Override
                public org.objectweb.asm.MethodVisitor visitMethod(int access, String name, String descriptor,
                                                                   String signature, String[] exceptions) {
                    if (!name.equals("charge")) {
                        return null;
                    }
                    SizeCounter counter = new SizeCounter(null);
                    return new org.objectweb.asm.MethodVisitor(org.objectweb.asm.Opcodes.ASM9, counter) {
                        @Override
                        public void visitEnd() {
                            size[0] = counter.size();
                        }
                    };
                }
            }, 0);
        }
        assertThat(size[0]).isGreaterThan(36).isLessThan(100);
    }
}
