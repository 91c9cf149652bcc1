package dev.basalt.compiler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.basalt.Config;
import dev.basalt.Engine;
import dev.basalt.Func;
import dev.basalt.FuncType;
import dev.basalt.Instance;
import dev.basalt.Linker;
import dev.basalt.Memory;
import dev.basalt.Module;
import dev.basalt.Store;
import dev.basalt.Trap;
import dev.basalt.TrapKind;
import dev.basalt.Val;
import dev.basalt.wasm.Limits;
import dev.basalt.wasm.MemoryType;
import dev.basalt.wasm.NumType;
import dev.basalt.wasm.text.WatParser;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

/**
 * Loads and stores that {@link MemoryCodegen} inlines: the bounds check at the exact edge for every width and for
 * static offsets up to 2^32 - 1 (and 2^64 - 1 on memory64), addresses that would wrap, memories smaller than one
 * access, and the backing array and size kept in JVM locals going stale: grown by a callee (direct, indirect,
 * call_ref, host import), by a callee that then throws to a handler here, and inside a function split over several
 * JVM methods. Every case runs on the compiler and the interpreter, which must agree.
 */
class InlineMemoryTest {
    private static final Engine COMPILER = Engine.create(Config.builder().strategy(Config.Strategy.COMPILER).build());
    private static final Engine INTERPRETER = Engine.create();

    private record Op(String name, int width, boolean store, String type) {
    }

    private static final List<Op> OPS = List.of(
            new Op("i32.load", 4, false, "i32"), new Op("i64.load", 8, false, "i64"),
            new Op("f32.load", 4, false, "f32"), new Op("f64.load", 8, false, "f64"),
            new Op("i32.load8_s", 1, false, "i32"), new Op("i32.load8_u", 1, false, "i32"),
            new Op("i32.load16_s", 2, false, "i32"), new Op("i32.load16_u", 2, false, "i32"),
            new Op("i64.load8_s", 1, false, "i64"), new Op("i64.load8_u", 1, false, "i64"),
            new Op("i64.load16_s", 2, false, "i64"), new Op("i64.load16_u", 2, false, "i64"),
            new Op("i64.load32_s", 4, false, "i64"), new Op("i64.load32_u", 4, false, "i64"),
            new Op("i32.store", 4, true, "i32"), new Op("i64.store", 8, true, "i64"),
            new Op("f32.store", 4, true, "f32"), new Op("f64.store", 8, true, "f64"),
            new Op("i32.store8", 1, true, "i32"), new Op("i32.store16", 2, true, "i32"),
            new Op("i64.store8", 1, true, "i64"), new Op("i64.store16", 2, true, "i64"),
            new Op("i64.store32", 4, true, "i64"),
            new Op("v128.load", 16, false, "v128"), new Op("v128.store", 16, true, "v128"));

    /** A value of each type with every byte different, NaN payloads for the floats (their bits must survive). */
    private static String constant(String type) {
        return switch (type) {
            case "i32" -> "(i32.const 0x8192a3b4)";
            case "i64" -> "(i64.const 0x8192a3b4c5d6e7f8)";
            case "f32" -> "(f32.const -nan:0x123456)";
            case "v128" -> "(v128.const i64x2 0x0102030405060708 0x8192a3b4c5d6e7f8)";
            default -> "(f64.const nan:0x123456789abcd)";
        };
    }

    /**
     * One exported function per access and static offset: {@code a<i>} takes the address, loads and returns the
     * value, or stores {@link #constant} and returns nothing.
     */
    private static String accessModule(String memory, String addressType, long[] offsets) {
        return accessModule(memory, addressType, offsets, 0);
    }

    /**
     * As {@link #accessModule(String, String, long[])}, each function first making {@code calls} calls to an empty
     * function: enough of them make the function large enough for the compact form of its access.
     */
    private static String accessModule(String memory, String addressType, long[] offsets, int calls) {
        StringBuilder sb = new StringBuilder("(module (memory (export \"mem\") ").append(memory).append(")\n");
        sb.append("(func $nothing)\n");
        String padding = "(call $nothing)".repeat(calls);
        int i = 0;
        for (Op op : OPS) {
            for (long offset : offsets) {
                String off = offset == 0 ? "" : " offset=" + Long.toUnsignedString(offset);
                sb.append("(func (export \"a").append(i++).append("\") (param ").append(addressType).append(")");
                if (!op.type.equals("v128")) {
                    sb.append(op.store ? "" : " (result " + op.type + ")").append(padding);
                }
                if (op.store) {
                    sb.append(" (").append(op.name).append(off).append(" (local.get 0) ").append(constant(op.type))
                            .append("))\n");
                } else if (op.type.equals("v128")) {
                    // both halves, in one i64 (exported functions here return numbers)
                    sb.append(" (result i64) (local $v v128) (local.set $v (").append(op.name).append(off)
                            .append(" (local.get 0)))")
                            .append(" (i64.xor (i64x2.extract_lane 0 (local.get $v))")
                            .append(" (i64.rotl (i64x2.extract_lane 1 (local.get $v)) (i64.const 17))))\n");
                } else {
                    sb.append(" (").append(op.name).append(off).append(" (local.get 0)))\n");
                }
            }
        }
        return sb.append(")").toString();
    }

    /** What one access did: its result (raw bits) or trap, and the memory afterwards. */
    private record Outcome(String result, byte[] memory) {
    }

    private static Outcome run(Instance inst, int function, long address) {
        Memory mem = inst.getMemory("mem").orElseThrow();
        String result;
        try {
            long[] r = inst.getFunc("a" + function).orElseThrow().callRaw(address);
            result = r.length == 0 ? "ok" : Long.toHexString(r[0]);
        } catch (Trap t) {
            result = "trap " + t.kind();
        }
        return new Outcome(result, mem.read(0, (int) mem.byteSize()));
    }

    /** Fills the memory with a pattern: byte i is {@code i * 37 + 11}, so every load reads distinct bytes. */
    private static Instance instantiate(Engine engine, String wat) {
        Instance inst = Linker.<Void>create(engine).instantiate(Store.create(engine), Module.fromWat(engine, wat));
        Memory mem = inst.getMemory("mem").orElseThrow();
        byte[] pattern = new byte[(int) mem.byteSize()];
        for (int i = 0; i < pattern.length; i++) {
            pattern[i] = (byte) (i * 37 + 11);
        }
        mem.write(0, pattern);
        return inst;
    }

    /**
     * Runs every access at every address on both engines: each must trap exactly when {@code address + offset +
     * width} (unsigned, unbounded) exceeds {@code size}, and otherwise give the interpreter's result and memory.
     */
    private static void assertEdges(String memory, String addressType, long size, long[] offsets,
                                    Function<Long, long[]> addressesForEdge) {
        assertEdgesOf(accessModule(memory, addressType, offsets), addressType, size, offsets, addressesForEdge);
    }

    private static void assertEdgesOf(String wat, String addressType, long size, long[] offsets,
                                    Function<Long, long[]> addressesForEdge) {
        Instance compiled = instantiate(COMPILER, wat);
        Instance interpreted = instantiate(INTERPRETER, wat);
        int f = 0;
        int traps = 0;
        int oks = 0;
        for (Op op : OPS) {
            for (long offset : offsets) {
                // the highest address at which the access fits (may be "negative": none fits)
                long edge = size - op.width - offset;
                List<Long> addresses = new ArrayList<>();
                for (long a : addressesForEdge.apply(edge)) {
                    addresses.add(a);
                }
                for (long address : addresses) {
                    Outcome c = run(compiled, f, address);
                    Outcome i = run(interpreted, f, address);
                    String what = op.name + " offset=" + Long.toUnsignedString(offset) + " at address "
                            + Long.toUnsignedString(address) + " (memory of " + size + " bytes)";
                    boolean fits = fits(addressType.equals("i32") ? address & 0xFFFF_FFFFL : address, offset,
                            op.width, size);
                    assertThat(c.result).as(what).isEqualTo(fits ? i.result : "trap OUT_OF_BOUNDS_MEMORY_ACCESS");
                    assertThat(i.result).as(what + " (interpreter)").isEqualTo(c.result);
                    assertThat(c.memory).as(what + ": memory").isEqualTo(i.memory);
                    if (fits) {
                        oks++;
                    } else {
                        traps++;
                    }
                }
                f++;
            }
        }
        assertThat(oks).as("accesses in bounds").isGreaterThanOrEqualTo(size >= 8 ? OPS.size() : 0);
        assertThat(traps).as("accesses out of bounds").isGreaterThan(OPS.size());
    }

    /** The spec's rule: every byte of the access below the size, the sum computed without wrapping. */
    private static boolean fits(long address, long offset, int width, long size) {
        java.math.BigInteger end = new java.math.BigInteger(Long.toUnsignedString(address))
                .add(new java.math.BigInteger(Long.toUnsignedString(offset))).add(java.math.BigInteger.valueOf(width));
        return end.compareTo(java.math.BigInteger.valueOf(size)) <= 0;
    }

    @Test
    void everyWidthTrapsExactlyPastTheEdgeWithOffsetsUpTo2To32() {
        long size = 65_536;
        long[] offsets = {0, 1, 3, 65_535, 65_536, 0x7FFF_FFF0L, 0x8000_0000L, 0xFFFF_FFFCL, 0xFFFF_FFFFL};
        assertEdges("1", "i32", size, offsets, edge -> new long[] {
            edge, edge + 1, edge - 1, 0, 1, 65_535, 65_536, -1, 0x7FFF_FFFFL, 0x8000_0000L, 0xFFFF_FFF0L,
            // addresses that wrap to the edge modulo 2^32
            edge + 0x1_0000_0000L, edge - 0x1_0000_0000L});
    }

    /** Calls that make a function's method larger than {@link MethodSplitter#COMPACT_ABOVE} bytes. */
    private static final int COMPACT_PADDING = MethodSplitter.COMPACT_ABOVE / 10; // each call is about 20 bytes with the memory locals read again

    /** The {@link MemorySupport} methods the module's generated code calls. */
    private static List<String> supportCalls(String wat) {
        List<String> calls = new ArrayList<>();
        new ClassReader(JvmCompiler.generate(WatParser.parseModule(wat))).accept(new ClassVisitor(Opcodes.ASM9) {
            @Override
            public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                                             String[] exceptions) {
                return new MethodVisitor(Opcodes.ASM9) {
                    @Override
                    public void visitMethodInsn(int opcode, String owner, String method, String desc, boolean itf) {
                        if (owner.equals("dev/basalt/compiler/MemorySupport")) {
                            calls.add(method);
                        }
                    }
                };
            }
        }, 0);
        return calls;
    }

    @Test
    void compactAccessesInLargeFunctionsTrapExactlyPastTheEdge() {
        long size = 65_536;
        long[] offsets = {0, 3, 65_536, 0x7FFF_FFF0L, 0x8000_0000L, 0xFFFF_FFFCL, 0xFFFF_FFFFL};
        String wat = accessModule("1", "i32", offsets, COMPACT_PADDING);
        assertThat(supportCalls(wat)).as("compact helpers of every width")
                .contains("load8s", "load8u", "load16s", "load16u", "load32", "load32u", "load64",
                        "store8", "store16", "store32", "store64")
                .doesNotContain("getShort", "getInt", "setShort", "setInt"); // v128 keeps the inline form
        assertEdgesOf(wat, "i32", size, offsets, edge -> new long[] {
            edge, edge + 1, edge - 1, 0, 65_535, 65_536, -1, 0x7FFF_FFFFL, 0x8000_0000L,
            edge + 0x1_0000_0000L, edge - 0x1_0000_0000L});
        long[] small = {0, 1, 0xFFFF_FFFFL};
        assertEdgesOf(accessModule("3 (pagesize 1)", "i32", small, COMPACT_PADDING), "i32", 3, small,
                edge -> new long[] {edge, edge + 1, edge - 1, 0, 2, 3, -1});
    }

    @Test
    void smallFunctionsKeepInlineAccesses() {
        assertThat(supportCalls(accessModule("1", "i32", new long[] {0, 8})))
                .contains("getInt", "getLong", "setShort", "outOfBounds").doesNotContain("load32", "store8");
    }

    /**
     * The compact helpers that access through a VarHandle stay over C1's 35-byte inlining limit
     * ({@code C1MaxInlineSize}): inlined, their VarHandle chains exhausted C1's virtual registers in large methods.
     */
    @Test
    void varHandleHelpersStayOverC1sInliningLimit() throws java.io.IOException {
        java.util.Map<String, Integer> sizes = new java.util.TreeMap<>();
        try (var in = MemorySupport.class.getResourceAsStream("MemorySupport.class")) {
            new ClassReader(in).accept(new ClassVisitor(Opcodes.ASM9) {
                @Override
                public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                                                 String[] exceptions) {
                    if (!name.matches("(load|store)(16|32|64).*")) {
                        return null;
                    }
                    SizeCounter counter = new SizeCounter(null);
                    return new MethodVisitor(Opcodes.ASM9, counter) {
                        @Override
                        public void visitEnd() {
                            sizes.put(name, counter.size());
                        }
                    };
                }
            }, 0);
        }
        assertThat(sizes).hasSize(11); // loads, stores, and the stores of write-tracking code (store16w...)
        assertThat(sizes).allSatisfy((name, bytes) -> assertThat(bytes).as(name).isGreaterThan(36));
    }

    @Test
    void memoriesSmallerThanAnAccessTrapForEveryAddress() {
        // custom page size of 1 byte: 3 bytes of memory, smaller than i32 and i64 accesses
        long[] offsets = {0, 1, 2, 3, 0xFFFF_FFFFL};
        assertEdges("3 (pagesize 1)", "i32", 3, offsets, edge -> new long[] {edge, edge + 1, edge - 1, 0, 1, 2, 3, -1});
        assertEdges("0 (pagesize 1)", "i32", 0, new long[] {0, 1}, edge -> new long[] {0, 1, -1, 0x8000_0000L});
    }

    @Test
    void memory64EdgesWithOffsetsUpTo2To64() {
        long size = 65_536;
        long[] offsets = {0, 7, 65_536, 0x7FFF_FFF0L, 0xFFFF_FFFFL, 0x1_0000_0000L, Long.MAX_VALUE, Long.MIN_VALUE,
            -8, -1};
        assertEdges("i64 1", "i64", size, offsets, edge -> new long[] {
            edge, edge + 1, edge - 1, 0, 65_536, -1, -8, Long.MAX_VALUE, Long.MIN_VALUE, 0xFFFF_FFFFL,
            0x1_0000_0000L, edge + 0x1_0000_0000L, -edge});
    }

    // ------------------------------------------------------------------ the locals going stale

    /**
     * Each export first touches the memory (so its array and size are in locals), then grows it by one page
     * through some kind of call, then writes at 0 (a stale array would take the write out of sight) and at the old
     * size (a stale size would trap), and returns what it reads back from the new page.
     */
    private static final String GROWING = """
            (module
              (import "env" "mem" (memory 1))
              (import "env" "hostGrow" (func $hostGrow (result i32)))
              (type $grower (func (result i32)))
              (tag $boom)
              (table 1 funcref)
              (elem (i32.const 0) $grow)
              (elem declare func $grow)
              (func $grow (result i32) (memory.grow (i32.const 1)))
              (func $growAndThrow (drop (memory.grow (i32.const 1))) (throw $boom))
              (func $check (param $before i32) (result i32)
                (i32.store (i32.const 0) (i32.add (local.get $before) (i32.const 1)))
                (i32.store offset=65536 (i32.const 4) (i32.const 0x5151))
                (i32.add (i32.load (i32.const 65540)) (i32.load (i32.const 0))))
              (func (export "direct") (result i32) (local $before i32)
                (local.set $before (i32.load (i32.const 0)))
                (drop (call $grow))
                (i32.store (i32.const 0) (i32.add (local.get $before) (i32.const 1)))
                (i32.store offset=65536 (i32.const 4) (i32.const 0x5151))
                (i32.add (i32.load (i32.const 65540)) (i32.load (i32.const 0))))
              (func (export "indirect") (result i32) (local $before i32)
                (local.set $before (i32.load (i32.const 0)))
                (drop (call_indirect (type $grower) (i32.const 0)))
                (i32.store (i32.const 0) (i32.add (local.get $before) (i32.const 1)))
                (i32.store offset=65536 (i32.const 4) (i32.const 0x5151))
                (i32.add (i32.load (i32.const 65540)) (i32.load (i32.const 0))))
              (func (export "callRef") (result i32) (local $before i32)
                (local.set $before (i32.load (i32.const 0)))
                (drop (call_ref $grower (ref.func $grow)))
                (i32.store (i32.const 0) (i32.add (local.get $before) (i32.const 1)))
                (i32.store offset=65536 (i32.const 4) (i32.const 0x5151))
                (i32.add (i32.load (i32.const 65540)) (i32.load (i32.const 0))))
              (func (export "host") (result i32) (local $before i32)
                (local.set $before (i32.load (i32.const 0)))
                (drop (call $hostGrow))
                (i32.store (i32.const 0) (i32.add (local.get $before) (i32.const 1)))
                (i32.store offset=65536 (i32.const 4) (i32.const 0x5151))
                (i32.add (i32.load (i32.const 65540)) (i32.load (i32.const 0))))
              (func (export "own") (result i32) (local $before i32)
                (local.set $before (i32.load (i32.const 0)))
                (drop (memory.grow (i32.const 1)))
                (i32.store (i32.const 0) (i32.add (local.get $before) (i32.const 1)))
                (i32.store offset=65536 (i32.const 4) (i32.const 0x5151))
                (i32.add (i32.load (i32.const 65540)) (i32.load (i32.const 0))))
              (func (export "caught") (result i32) (local $before i32)
                (local.set $before (i32.load (i32.const 0)))
                (block $h (try_table (catch $boom $h) (call $growAndThrow)))
                (i32.store (i32.const 0) (i32.add (local.get $before) (i32.const 1)))
                (i32.store offset=65536 (i32.const 4) (i32.const 0x5151))
                (i32.add (i32.load (i32.const 65540)) (i32.load (i32.const 0))))
              (func (export "caughtLegacy") (result i32) (local $before i32)
                (local.set $before (i32.load (i32.const 0)))
                (try (do (call $growAndThrow)) (catch $boom))
                (i32.store (i32.const 0) (i32.add (local.get $before) (i32.const 1)))
                (i32.store offset=65536 (i32.const 4) (i32.const 0x5151))
                (i32.add (i32.load (i32.const 65540)) (i32.load (i32.const 0))))
              (func (export "inLoop") (param $n i32) (result i32) (local $i i32) (local $sum i32)
                ;; each iteration writes into the page the previous one added, then grows again
                (loop $top
                  (i32.store (i32.mul (local.get $i) (i32.const 65536)) (local.get $i))
                  (local.set $sum (i32.add (local.get $sum)
                    (i32.load (i32.mul (local.get $i) (i32.const 65536)))))
                  (drop (call $grow))
                  (local.set $i (i32.add (local.get $i) (i32.const 1)))
                  (br_if $top (i32.lt_u (local.get $i) (local.get $n))))
                (local.get $sum))
            )""";

    private static Instance growing(Engine engine, Memory[] memory) {
        Store<Void> store = Store.create(engine);
        Memory mem = Memory.create(store, new MemoryType(Limits.of(1)));
        memory[0] = mem;
        mem.writeInt(0, 1000);
        Linker<Void> linker = Linker.create(engine);
        linker.define("env", "mem", mem);
        linker.defineHostFunction("env", "hostGrow", FuncType.of(List.of(), List.of(NumType.I32)),
                (caller, args) -> new Val[] {Val.i32((int) mem.grow(1))});
        return linker.instantiate(store, Module.fromWat(engine, GROWING));
    }

    @Test
    void aMemoryGrownByACalleeIsSeenRightAfterTheCall() {
        for (String export : List.of("direct", "indirect", "callRef", "host", "own", "caught", "caughtLegacy")) {
            for (Engine engine : List.of(COMPILER, INTERPRETER)) {
                Memory[] mem = new Memory[1];
                Instance inst = growing(engine, mem);
                assertThat(inst.getFunc(export).orElseThrow().callI32()).as(export).isEqualTo(0x5151 + 1001);
                assertThat(mem[0].pages()).as(export).isEqualTo(2);
                // the write at 0 went to the memory's current array, not to the one before the growth
                assertThat(mem[0].readInt(0)).as(export).isEqualTo(1001);
                assertThat(mem[0].readInt(65_540)).as(export).isEqualTo(0x5151);
            }
        }
    }

    @Test
    void aLoopThatGrowsTheMemoryEveryIteration() {
        for (Engine engine : List.of(COMPILER, INTERPRETER)) {
            Memory[] mem = new Memory[1];
            Instance inst = growing(engine, mem);
            assertThat(inst.getFunc("inLoop").orElseThrow().callI32(40)).isEqualTo(40 * 39 / 2);
            assertThat(mem[0].pages()).isEqualTo(41);
            for (int i = 1; i < 40; i++) {
                assertThat(mem[0].readInt(i * 65_536L)).isEqualTo(i);
            }
        }
    }

    // ------------------------------------------------------------------ split functions

    /**
     * A function far over HugeMethodLimit (split into pieces): in block {@code $inner} it sums and rewrites memory
     * words in many blocks, grows the memory half-way (in some piece), then works on the new page. The few stores
     * after {@code $inner} (fewer than {@link MethodSplitter#MIN_PIECE} instructions: not outlined) run in the
     * method that called the pieces, after they return. Finally it accesses the address {@code $at}, which traps
     * when out of bounds.
     */
    private static String splitGrowing(int blocks) {
        StringBuilder sb = new StringBuilder("(module (memory (export \"mem\") 1)\n"
                + "(func $grow (result i32) (memory.grow (i32.const 1)))\n"
                + "(func $big (export \"big\") (param $at i32) (result i32) (local $x i32)\n"
                + "(block $outer (block $inner\n");
        for (int b = 0; b < blocks; b++) {
            int addr = (b * 52) % 65_000;
            if (b == blocks / 2) {
                sb.append("(drop (call $grow))\n");
            }
            int base = b > blocks / 2 ? 65_536 : 0;
            sb.append("(block (local.set $x (i32.add (local.get $x) (i32.load offset=").append(base + addr)
                    .append(" (i32.const 0))))").append(" (i64.store16 offset=").append(base + addr + 2)
                    .append(" (i32.const 0) (i64.extend_i32_u (local.get $x))) (br_if 0 (i32.eqz (local.get $x)))")
                    .append(" (i32.store8 offset=").append(base + (addr + 7) % 65_536)
                    .append(" (i32.const 0) (local.get $x)))\n");
        }
        sb.append(")\n(i32.store (i32.const 0) (i32.const 77)) (i32.store offset=65536 (i32.const 8) (i32.const 88)))\n");
        sb.append("(i32.store (local.get $at) (local.get $x))\n");
        sb.append("(i32.add (local.get $x) (i32.load (local.get $at))))\n");
        sb.append("(func $outer (export \"outer\") (param i32) (result i32) (call $big (local.get 0))))");
        return sb.toString();
    }

    @Test
    void aSplitFunctionSeesTheGrowthInItsLaterPiecesAndTrapsWithTheBacktrace() {
        String wat = splitGrowing(3_000);
        List<String> methods = new ArrayList<>();
        new ClassReader(JvmCompiler.generate(WatParser.parseModule(wat))).accept(new ClassVisitor(Opcodes.ASM9) {
            @Override
            public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                                             String[] exceptions) {
                methods.add(name);
                return null;
            }
        }, 0);
        assertThat(methods).as("the big function is split").anyMatch(n -> n.startsWith("f1$"));

        for (int at : new int[] {65_536 + 100, 2 * 65_536 - 4}) {
            Instance c = instantiate(COMPILER, wat);
            Instance i = instantiate(INTERPRETER, wat);
            assertThat(c.getFunc("outer").orElseThrow().callI32(at)).as("at %d", at)
                    .isEqualTo(i.getFunc("outer").orElseThrow().callI32(at));
            Memory cm = c.getMemory("mem").orElseThrow();
            Memory im = i.getMemory("mem").orElseThrow();
            assertThat(cm.pages()).isEqualTo(2);
            assertThat(cm.readInt(0)).isEqualTo(77);
            assertThat(cm.readInt(65_544)).isEqualTo(88);
            assertThat(cm.read(0, (int) cm.byteSize())).isEqualTo(im.read(0, (int) im.byteSize()));
        }
        // Past the grown memory: the trap, with the interpreter's backtrace (function names and byte offsets).
        Instance c = instantiate(COMPILER, wat);
        Instance i = instantiate(INTERPRETER, wat);
        Trap ct = catchThrowableOfType(Trap.class, () -> c.getFunc("outer").orElseThrow().callI32(2 * 65_536 - 3));
        Trap it = catchThrowableOfType(Trap.class, () -> i.getFunc("outer").orElseThrow().callI32(2 * 65_536 - 3));
        assertThat(ct.kind()).isEqualTo(TrapKind.OUT_OF_BOUNDS_MEMORY_ACCESS);
        assertThat(ct.backtrace()).isEqualTo(it.backtrace());
        assertThat(ct.backtrace().stream().map(Trap.Frame::functionName).toList()).containsExactly("big", "outer");
    }
    /** The JVM exception types each generated method's exception table catches. */
    private static List<String> caughtTypes(String wat) {
        List<String> types = new ArrayList<>();
        new ClassReader(JvmCompiler.generate(WatParser.parseModule(wat))).accept(new ClassVisitor(Opcodes.ASM9) {
            @Override
            public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                                             String[] exceptions) {
                return new MethodVisitor(Opcodes.ASM9) {
                    @Override
                    public void visitTryCatchBlock(org.objectweb.asm.Label start, org.objectweb.asm.Label end,
                                                   org.objectweb.asm.Label handler, String type) {
                        types.add(type);
                    }
                };
            }
        }, 0);
        return types;
    }

    /**
     * A memory whose backing array is exactly its size relies on the array's own index check (MemoryCodegen, "exact
     * arrays"): one handler per scalar access turns its exception into the trap. The edge tests above run on such
     * memories (a memory starts with an exact array); this checks that the path is the one generated.
     */
    @Test
    void scalarAccessesOfExactArraysAreGuardedByTheArraysOwnCheck() {
        long[] offsets = {0, 8};
        long scalarAccesses = OPS.stream().filter(op -> op.width != 16).count() * offsets.length;
        assertThat(caughtTypes(accessModule("1", "i32", offsets)))
                .hasSize((int) scalarAccesses).containsOnly("java/lang/ArrayIndexOutOfBoundsException");
        // memory64 and the compact form keep their own checks
        assertThat(caughtTypes(accessModule("i64 1", "i64", offsets))).isEmpty();
        assertThat(caughtTypes(accessModule("1", "i32", offsets, COMPACT_PADDING))).isEmpty();
    }

    /**
     * After a {@code memory.grow} that left the array longer than the memory (arrays grow by half: 4 pages grown by
     * one become 5 in an array of 6), the array's check no longer stands for the memory's: every width and offset
     * must still trap exactly past the new size, and read and write what the interpreter does below it; growing
     * again to the array's length makes it exact again, with the edge there.
     */
    @Test
    void aGrownMemoryWithSlackTrapsExactlyPastItsSizeAndAgainWhenExact() {
        long[] offsets = {0, 1, 3, 65_536, 0x7FFF_FFF0L, 0xFFFF_FFFFL};
        String module = accessModule("4", "i32", offsets);
        String wat = module.substring(0, module.length() - 1)
                + "(func (export \"grow\") (param i32) (result i32) (memory.grow (local.get 0))))";
        for (int pages : new int[] {5, 6}) {
            Instance compiled = instantiate(COMPILER, wat);
            Instance interpreted = instantiate(INTERPRETER, wat);
            for (Instance inst : List.of(compiled, interpreted)) {
                assertThat(inst.getFunc("grow").orElseThrow().callI32(pages - 4)).isEqualTo(4);
            }
            long size = pages * 65_536L;
            int f = 0;
            for (Op op : OPS) {
                for (long offset : offsets) {
                    long edge = size - op.width - offset;
                    for (long address : new long[] {edge, edge + 1, edge - 1, 0, 4 * 65_536, 6 * 65_536 - 4, -1,
                        0x8000_0000L, edge + 0x1_0000_0000L}) {
                        Outcome c = run(compiled, f, address);
                        Outcome i = run(interpreted, f, address);
                        String what = op.name + " offset=" + offset + " at " + Long.toUnsignedString(address)
                                + " (" + pages + " pages)";
                        boolean fits = fits(address & 0xFFFF_FFFFL, offset, op.width, size);
                        assertThat(c.result).as(what).isEqualTo(fits ? i.result : "trap OUT_OF_BOUNDS_MEMORY_ACCESS");
                        assertThat(i.result).as(what + " (interpreter)").isEqualTo(c.result);
                        assertThat(c.memory).as(what + ": memory").isEqualTo(i.memory);
                    }
                    f++;
                }
            }
        }
    }

    /**
     * A trap raised by the array's own check has the backtrace of the checked form: the interpreter's function
     * names and byte offsets, for a load and a store, in a callee and its caller.
     */
    @Test
    void theArrayChecksTrapHasTheInterpretersBacktrace() {
        String wat = """
                (module (memory (export "mem") 1)
                  (func $load (param i32) (result i32) (i32.load offset=4 (local.get 0)))
                  (func $store (param i32) (i64.store8 (local.get 0) (i64.const 7)))
                  (func (export "loads") (param i32) (result i32) (i32.add (i32.const 1) (call $load (local.get 0))))
                  (func (export "stores") (param i32) (call $store (local.get 0))))""";
        assertThat(caughtTypes(wat)).hasSize(2);
        for (String export : List.of("loads", "stores")) {
            for (long address : new long[] {65_536, 65_533, 0xFFFF_FFFFL, 0x8000_0000L}) {
                Instance c = instantiate(COMPILER, wat);
                Instance i = instantiate(INTERPRETER, wat);
                if (export.equals("stores") && address == 65_533) {
                    continue; // a one-byte store fits there
                }
                Trap ct = catchThrowableOfType(Trap.class, () -> c.getFunc(export).orElseThrow().callRaw(address));
                Trap it = catchThrowableOfType(Trap.class, () -> i.getFunc(export).orElseThrow().callRaw(address));
                assertThat(ct).as(export + " at " + address).isNotNull();
                assertThat(ct.kind()).isEqualTo(TrapKind.OUT_OF_BOUNDS_MEMORY_ACCESS);
                assertThat(ct.backtrace()).as(export + " at " + address).isEqualTo(it.backtrace()).hasSize(2);
            }
        }
    }
}
