package dev.basalt.compiler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
import dev.basalt.wasm.NumType;
import dev.basalt.wasm.Opcode;
import dev.basalt.wasm.ValType;
import dev.basalt.wasm.text.WatParser;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.util.CheckClassAdapter;

/**
 * v128 values and SIMD instructions under the compiler: the opcode-to-method table, every SIMD instruction
 * against the interpreter, and v128 values through calls, the invoker bridge, globals, select, blocks and traps.
 */
class SimdCompilerTest {
    static final Engine COMPILER = CompilerTest.COMPILER;
    static final Engine INTERPRETER = Engine.create();

    static List<Opcode> simdOpcodes() {
        return Arrays.stream(Opcode.values()).filter(op -> op.prefix() == SimdCodegen.PREFIX).toList();
    }

    @Test
    void everySimdOpcodeButTheConstantMapsToItsMethod() {
        List<Opcode> missing = new ArrayList<>();
        for (Opcode op : simdOpcodes()) {
            if (op == Opcode.V128_CONST) {
                assertThat(SimdCodegen.METHODS).doesNotContainKey(op);
                continue;
            }
            Method m = SimdCodegen.METHODS.get(op);
            if (m == null) {
                missing.add(op);
                continue;
            }
            assertThat(m.getName()).isEqualTo(FunctionCompiler.camel(op.name()));
        }
        assertThat(missing).isEmpty();
        assertThat(SimdCodegen.resolve(Opcode.I32_LOAD)).as("not a SIMD opcode").isNull();
        // 236 SIMD instructions and 20 relaxed ones, v128.const aside.
        assertThat(SimdCodegen.METHODS).hasSize(255);
    }

    // ------------------------------------------------------------------ every instruction against the interpreter

    static final List<Val.V128> VECTORS = List.of(
            new Val.V128(0x8000_0001_7FFF_FFFFL, 0xFF00_80FE_0102_7F80L),
            new Val.V128(0x7FC0_0000_FF80_0000L, 0x8000_0000_0000_0000L), // f32 NaN and -inf; f64 -0
            new Val.V128(0x4142_4344_C5C6_C7C8L, 0x7FF8_0000_0000_0001L), // f64 NaN with payload
            new Val.V128(-1L, 0x0123_4567_89AB_CDEFL));

    static Val scalar(ValType t, int variant) {
        long[] bits = {0x1234_5678_9ABC_DEF1L, -1L, 0x8000_0000_0000_0000L, 33};
        long b = bits[variant % bits.length];
        return switch ((NumType) t) {
            case I32 -> Val.i32((int) b);
            case I64 -> Val.i64(b);
            case F32 -> new Val.F32((int) (b >>> 3));
            case F64 -> new Val.F64(b ^ 0x3FF0_0000_0000_0000L);
            case V128 -> VECTORS.get(variant % VECTORS.size());
        };
    }

    static String typeName(ValType t) {
        return ((NumType) t).name().toLowerCase(Locale.ROOT);
    }

    @Test
    void everySimdValueInstructionComputesAsTheInterpreterDoes() {
        StringBuilder wat = new StringBuilder("(module\n");
        List<Opcode> ops = new ArrayList<>();
        for (Opcode op : simdOpcodes()) {
            if (op == Opcode.V128_CONST || SimdCodegen.isMemory(op)) {
                continue;
            }
            ops.add(op);
            wat.append("(func (export \"").append(op.name()).append("\")");
            for (ValType p : op.params()) {
                wat.append(" (param ").append(typeName(p)).append(')');
            }
            for (ValType r : op.results()) {
                wat.append(" (result ").append(typeName(r)).append(')');
            }
            for (int i = 0; i < op.params().size(); i++) {
                wat.append(" local.get ").append(i);
            }
            wat.append(' ').append(op.mnemonic());
            switch (op.imm()) {
                case LANE -> wat.append(" 1");
                case SHUFFLE -> wat.append(" 0 17 2 19 4 21 6 23 31 30 1 1 8 9 16 3");
                default -> {
                }
            }
            wat.append(")\n");
        }
        wat.append(')');
        Instance c = CompilerTest.instantiate(COMPILER, wat.toString());
        Instance i = CompilerTest.instantiate(INTERPRETER, wat.toString());
        int compared = 0;
        for (Opcode op : ops) {
            for (int variant = 0; variant < 4; variant++) {
                Val[] args = new Val[op.params().size()];
                for (int p = 0; p < args.length; p++) {
                    args[p] = scalar(op.params().get(p), variant + p);
                }
                Val[] expected = i.getFunc(op.name()).orElseThrow().call(args);
                Val[] actual = c.getFunc(op.name()).orElseThrow().call(args);
                String what = op.mnemonic() + " " + Arrays.toString(args);
                int floatLane = op.mnemonic().startsWith("f32x4") ? 32 : op.mnemonic().startsWith("f64x2") ? 64 : 0;
                if (floatLane != 0 && expected.length == 1 && expected[0] instanceof Val.V128 e
                        && actual[0] instanceof Val.V128 a) {
                    assertSameUpToNanBits(e, a, floatLane, what);
                } else {
                    assertThat(actual).as(what).containsExactly(expected);
                }
                compared++;
            }
        }
        assertThat(compared).isEqualTo(4 * (255 - 22)); // all but the 22 memory instructions
    }

    /**
     * Float lanes equal bit for bit, or both NaN: a NaN result's sign and payload are nondeterministic in Wasm, and
     * the JVM's own float arithmetic picks between two NaN operands differently depending on how the method is
     * compiled (C2 may swap a commutative add's operands), which differs between the interpreter's helpers and a
     * module's copies of them (HelperCopies).
     */
    static void assertSameUpToNanBits(Val.V128 expected, Val.V128 actual, int laneBits, String what) {
        long[] e = {expected.lo(), expected.hi()};
        long[] a = {actual.lo(), actual.hi()};
        for (int half = 0; half < 2; half++) {
            for (int shift = 0; shift < 64; shift += laneBits) {
                long le = laneBits == 64 ? e[half] : (e[half] >>> shift) & 0xFFFF_FFFFL;
                long la = laneBits == 64 ? a[half] : (a[half] >>> shift) & 0xFFFF_FFFFL;
                boolean bothNan = laneBits == 64
                        ? Double.isNaN(Double.longBitsToDouble(le)) && Double.isNaN(Double.longBitsToDouble(la))
                        : Float.isNaN(Float.intBitsToFloat((int) le)) && Float.isNaN(Float.intBitsToFloat((int) la));
                if (!bothNan) {
                    assertThat(la).as("%s: lane bits at half %d, shift %d", what, half, shift).isEqualTo(le);
                }
            }
        }
    }

    @Test
    void everyPairShapeNamesAnExistingPerHalfMethod() {
        // A misspelt helper would only fail when the instruction first runs (NoSuchMethodError): check them all.
        for (var e : SimdPairs.SHAPES.entrySet()) {
            Class<?>[] params = switch (e.getValue()) {
                case SimdPairs.Lanewise l -> new Class<?>[] {long.class, long.class};
                case SimdPairs.Derived d -> new Class<?>[] {long.class, long.class};
                case SimdPairs.Fma f -> new Class<?>[] {long.class, long.class, long.class, boolean.class};
                case SimdPairs.Unary u -> u.flag() == null ? new Class<?>[] {long.class}
                        : new Class<?>[] {long.class, boolean.class};
                case SimdPairs.Shift s -> s.helper() == null ? null : new Class<?>[] {long.class, int.class};
                case SimdPairs.Extend x -> new Class<?>[] {long.class, boolean.class};
                case SimdPairs.Narrow n -> n.signed() == null ? new Class<?>[] {long.class, long.class}
                        : new Class<?>[] {long.class, long.class, boolean.class};
                case SimdPairs.Splat s -> s.helper() == null ? null : new Class<?>[] {int.class};
                default -> null;
            };
            if (params == null) {
                continue;
            }
            String helper = switch (e.getValue()) {
                case SimdPairs.Lanewise l -> l.helper();
                case SimdPairs.Derived d -> d.helper();
                case SimdPairs.Fma f -> f.helper();
                case SimdPairs.Unary u -> u.helper();
                case SimdPairs.Shift s -> s.helper();
                case SimdPairs.Extend x -> x.helper();
                case SimdPairs.Narrow n -> n.helper();
                case SimdPairs.Splat s -> s.helper();
                default -> throw new AssertionError();
            };
            assertThat(e.getKey().prefix()).isEqualTo(SimdCodegen.PREFIX);
            assertThatCode(() -> dev.basalt.internal.ops.SimdOps.class.getMethod(helper, params))
                    .as("%s -> SimdOps.%s", e.getKey(), helper).doesNotThrowAnyException();
        }
    }

    @Test
    void everyLaneOfExtractAndReplaceOnPairsAsTheInterpreterDoes() {
        // The pair path picks the half and the shift from the lane: every lane of every shape, both halves.
        StringBuilder wat = new StringBuilder("(module\n");
        List<String> names = new ArrayList<>();
        for (Opcode op : simdOpcodes()) {
            if (op.imm() != Opcode.Imm.LANE || SimdCodegen.isMemory(op)) {
                continue;
            }
            int lanes = 128 / switch (op.mnemonic().substring(0, 5)) {
                case "i8x16" -> 8;
                case "i16x8" -> 16;
                case "i32x4", "f32x4" -> 32;
                default -> 64;
            };
            for (int lane = 0; lane < lanes; lane++) {
                String name = op.name() + "_" + lane;
                names.add(name);
                wat.append("(func (export \"").append(name).append("\")");
                for (ValType p : op.params()) {
                    wat.append(" (param ").append(typeName(p)).append(')');
                }
                for (ValType r : op.results()) {
                    wat.append(" (result ").append(typeName(r)).append(')');
                }
                for (int i = 0; i < op.params().size(); i++) {
                    wat.append(" local.get ").append(i);
                }
                wat.append(' ').append(op.mnemonic()).append(' ').append(lane).append(")\n");
            }
        }
        wat.append(')');
        Instance c = CompilerTest.instantiate(COMPILER, wat.toString());
        Instance i = CompilerTest.instantiate(INTERPRETER, wat.toString());
        for (String name : names) {
            Opcode op = Opcode.valueOf(name.substring(0, name.lastIndexOf('_')));
            for (int variant = 0; variant < 4; variant++) {
                Val[] args = new Val[op.params().size()];
                for (int p = 0; p < args.length; p++) {
                    args[p] = scalar(op.params().get(p), variant + p);
                }
                assertThat(c.getFunc(name).orElseThrow().call(args)).as("%s %s", name, Arrays.toString(args))
                        .containsExactly(i.getFunc(name).orElseThrow().call(args));
            }
        }
        // extract: i8x16 _s/_u 32, i16x8 _s/_u 16, i32x4 4, i64x2 2, f32x4 4, f64x2 2; replace: 16 + 8 + 4 + 2 + 4 + 2
        assertThat(names).hasSize(60 + 36);
    }

    @Test
    void shufflePatternsOnPairsAsTheInterpreterDoes() {
        // Runs of consecutive bytes (identity, rotations, half swaps, one operand only) and single bytes
        // (interleaves, broadcasts, reversal): each is shifts and masks on the pair path.
        String[] patterns = {
            "0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15", "16 17 18 19 20 21 22 23 24 25 26 27 28 29 30 31",
            "1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16", "8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7",
            "0 16 1 17 2 18 3 19 4 20 5 21 6 22 7 23", "5 5 5 5 5 5 5 5 31 31 31 31 31 31 31 31",
            "15 14 13 12 11 10 9 8 7 6 5 4 3 2 1 0", "6 7 8 9 10 11 12 13 30 31 0 1 2 3 4 5",
            "24 25 26 27 28 29 30 31 7 6 5 4 3 2 1 0"};
        StringBuilder wat = new StringBuilder("(module\n");
        for (int p = 0; p < patterns.length; p++) {
            wat.append("(func (export \"s").append(p).append("\") (param v128 v128) (result v128)")
                    .append(" local.get 0 local.get 1 i8x16.shuffle ").append(patterns[p]).append(")\n");
        }
        wat.append(')');
        Instance c = CompilerTest.instantiate(COMPILER, wat.toString());
        Instance i = CompilerTest.instantiate(INTERPRETER, wat.toString());
        for (int p = 0; p < patterns.length; p++) {
            for (int variant = 0; variant < VECTORS.size(); variant++) {
                Val[] args = {VECTORS.get(variant), VECTORS.get((variant + 1) % VECTORS.size())};
                assertThat(c.getFunc("s" + p).orElseThrow().call(args)).as("%s %s", patterns[p], Arrays.toString(args))
                        .containsExactly(i.getFunc("s" + p).orElseThrow().call(args));
            }
        }
    }

    @Test
    void memchrIdiomsOnPairsAsTheInterpreterDoes() {
        // i8x16.eq read by i8x16.bitmask computes only sign bits (SimdOps.eqSigns8); a bitmask only tested against
        // zero is not gathered (SimdOps.anySign8). Readers that use the mask's bits (returned, added to) must still
        // get the exact mask, and the peepholes must not fire for other readers.
        String wat = """
                (module
                  (func (export "mask") (param v128 v128) (result i32)
                    local.get 0 local.get 1 i8x16.eq i8x16.bitmask)
                  (func (export "any") (param v128 v128) (result i32)
                    local.get 0 local.get 1 i8x16.eq i8x16.bitmask i32.const 0 i32.ne)
                  (func (export "none") (param v128 v128) (result i32)
                    local.get 0 local.get 1 i8x16.eq i8x16.bitmask i32.eqz)
                  (func (export "plainAny") (param v128 v128) (result i32)
                    local.get 0 i8x16.bitmask i32.const 0 i32.ne)
                  (func (export "plusZero") (param v128 v128) (result i32)
                    local.get 0 local.get 1 i8x16.eq i8x16.bitmask i32.const 0 i32.add)
                  (func (export "zeroEq") (param v128 v128) (result i32)
                    local.get 0 local.get 1 i8x16.eq i8x16.bitmask i32.const 0 i32.eq)
                  (func (export "eqThenAnd") (param v128 v128) (result v128)
                    local.get 0 local.get 1 i8x16.eq local.get 0 v128.and)
                  (func (export "count") (param v128 v128) (result i32)
                    (local i32 i32)
                    loop
                      local.get 2
                      local.get 0 local.get 1 i8x16.eq i8x16.bitmask i32.const 0 i32.ne
                      i32.add
                      local.set 2
                      local.get 0 i32.const 8 i8x16.shl local.set 0
                      local.get 3 i32.const 1 i32.add local.tee 3
                      i32.const 3 i32.lt_u
                      br_if 0
                    end
                    local.get 2))
                """;
        List<Val[]> cases = new java.util.ArrayList<>();
        for (Val.V128 a : VECTORS) {
            for (Val.V128 b : VECTORS) {
                cases.add(new Val[] {a, b});
            }
        }
        // equal in exactly one byte k (both halves, the top byte of each 32-bit part included), in all, in none
        long lo = 0x0706_0504_0302_0100L;
        long hi = 0x0F0E_0D0C_0B0A_0908L;
        for (int k = 0; k < 16; k++) {
            long flipLo = k < 8 ? ~(0xFFL << (8 * k)) : -1L;
            long flipHi = k >= 8 ? ~(0xFFL << (8 * (k - 8))) : -1L;
            cases.add(new Val[] {new Val.V128(lo, hi), new Val.V128(lo ^ (flipLo & 0x4040_4040_4040_4040L),
                    hi ^ (flipHi & 0x4040_4040_4040_4040L))});
        }
        cases.add(new Val[] {new Val.V128(lo, hi), new Val.V128(lo, hi)});
        cases.add(new Val[] {new Val.V128(lo, hi), new Val.V128(~lo, ~hi)});
        Instance c = CompilerTest.instantiate(COMPILER, wat);
        Instance i = CompilerTest.instantiate(INTERPRETER, wat);
        for (String name : List.of("mask", "any", "none", "plainAny", "plusZero", "zeroEq", "eqThenAnd", "count")) {
            for (Val[] args : cases) {
                assertThat(c.getFunc(name).orElseThrow().call(args)).as("%s %s", name, Arrays.toString(args))
                        .containsExactly(i.getFunc(name).orElseThrow().call(args));
            }
        }
        // the cases above reach both answers of each test
        assertThat(cases.stream().map(a -> call(c, "any", a)).distinct()).hasSize(2);
        assertThat(cases.stream().map(a -> call(c, "plainAny", a)).distinct()).hasSize(2);
    }

    @Test
    void laneBoundsAddWithoutCarryOnlyWhereNoLaneCanCarry() {
        // Widened bytes (extend_*_u: lanes up to 255), shifted by constants and summed, as image filters do: sums
        // whose bounds stay under 0x10000 are one long addition per half (SimdBounds); the others, and values whose
        // origin the walk lost (a local, a block), keep the lane-wise addition. Each function is compared with the
        // interpreter on vectors that reach the bounds (all bytes 0xFF) and on mixed ones.
        String wat = """
                (module
                  (func (export "filter") (param v128 v128 v128) (result v128)
                    (local v128)
                    local.get 0 i16x8.extend_low_i8x16_u
                    local.get 1 i16x8.extend_low_i8x16_u i32.const 1 i16x8.shl i16x8.add
                    local.get 2 i16x8.extend_low_i8x16_u i16x8.add
                    v128.const i16x8 2 2 2 2 2 2 2 2 local.tee 3 i16x8.add
                    i32.const 2 i16x8.shr_u
                    local.get 0 i16x8.extend_high_i8x16_u
                    local.get 1 i16x8.extend_high_i8x16_u i32.const 1 i16x8.shl i16x8.add
                    local.get 2 i16x8.extend_high_i8x16_u i16x8.add
                    local.get 3 i16x8.add
                    i32.const 2 i16x8.shr_u
                    i8x16.narrow_i16x8_u)
                  (func (export "fits") (param v128 v128) (result v128)
                    local.get 0 i16x8.extend_low_i8x16_u i32.const 7 i16x8.shl
                    local.get 1 i16x8.extend_high_i8x16_u i32.const 7 i16x8.shl
                    i16x8.add)
                  (func (export "carries") (param v128 v128) (result v128)
                    local.get 0 i16x8.extend_low_i8x16_u i32.const 8 i16x8.shl
                    local.get 1 i16x8.extend_high_i8x16_u i32.const 8 i16x8.shl
                    i16x8.add)
                  (func (export "shiftedOut") (param v128 v128) (result v128)
                    local.get 0 i16x8.extend_low_i8x16_u i32.const 9 i16x8.shl
                    local.get 1 i16x8.extend_low_i8x16_u
                    i16x8.add)
                  (func (export "bigConstant") (param v128 v128) (result v128)
                    local.get 0 i16x8.extend_low_i8x16_u
                    v128.const i16x8 0 0 0 0xff01 0 0 0 0 local.tee 1
                    i16x8.add)
                  (func (export "acrossBlock") (param v128 v128) (result v128)
                    local.get 0 i16x8.extend_low_i8x16_u i32.const 8 i16x8.shl
                    block (result v128) local.get 1 end
                    i16x8.add)
                  (func (export "narrowHalves") (param v128 v128) (result v128)
                    local.get 0 i32.const 1 i16x8.shr_u
                    local.get 1 i32.const 1 i16x8.shr_u
                    i8x16.narrow_i16x8_u)
                  (func (export "narrowSigned") (param v128 v128) (result v128)
                    local.get 0 i32.const 1 i16x8.shr_u
                    local.get 1
                    i8x16.narrow_i16x8_u))
                """;
        List<Val.V128> vectors = new ArrayList<>(VECTORS);
        vectors.add(new Val.V128(-1L, -1L));
        vectors.add(new Val.V128(0x7FFF_0100_00FF_0080L, 0x8000_FFFF_0001_7F00L));
        vectors.add(new Val.V128(0x0101_0101_0101_0101L, 0xFEFE_FEFE_FEFE_FEFEL));
        Instance c = CompilerTest.instantiate(COMPILER, wat);
        Instance i = CompilerTest.instantiate(INTERPRETER, wat);
        for (String name : List.of("filter", "fits", "carries", "shiftedOut", "bigConstant", "acrossBlock",
                "narrowHalves", "narrowSigned")) {
            int params = name.equals("filter") ? 3 : 2;
            for (int v = 0; v < vectors.size(); v++) {
                Val[] args = new Val[params];
                for (int k = 0; k < params; k++) {
                    args[k] = vectors.get((v + k) % vectors.size());
                }
                assertThat(c.getFunc(name).orElseThrow().call(args)).as("%s %s", name, Arrays.toString(args))
                        .containsExactly(i.getFunc(name).orElseThrow().call(args));
            }
        }
        // which additions and narrows the walk proves safe (instruction indices in each body)
        var module = WatParser.parseModule(wat);
        SimdBounds filter = SimdBounds.of(module.functions().get(0).body().instructions());
        List<Integer> adds = indices(module.functions().get(0).body().instructions(), Opcode.I16X8_ADD);
        assertThat(adds).hasSize(6);
        // low half: 255 + 510, + 255, + the constant 2 (through local.tee); high half: the same but for local.get 3
        assertThat(adds.stream().map(filter::addWithoutCarry))
                .containsExactly(true, true, true, true, true, false);
        assertThat(filter.narrowsNonNegative(indices(module.functions().get(0).body().instructions(),
                Opcode.I8X16_NARROW_I16X8_U).get(0))).isTrue();
        for (int f = 1; f <= 7; f++) {
            List<dev.basalt.wasm.Instruction> body = module.functions().get(f).body().instructions();
            SimdBounds b = SimdBounds.of(body);
            List<Integer> at = indices(body, f >= 6 ? Opcode.I8X16_NARROW_I16X8_U : Opcode.I16X8_ADD);
            boolean proven = f >= 6 ? b.narrowsNonNegative(at.get(0)) : b.addWithoutCarry(at.get(0));
            assertThat(proven).as("function %d", f).isEqualTo(f == 1 || f == 6);
        }
    }

    private static List<Integer> indices(List<dev.basalt.wasm.Instruction> body, Opcode op) {
        List<Integer> out = new ArrayList<>();
        for (int k = 0; k < body.size(); k++) {
            if (body.get(k).opcode() == op) {
                out.add(k);
            }
        }
        return out;
    }

    @Test
    void pairsMeetBlocksCallsAndObjectsInOneExpression() {
        // Pairs below scalars, below a block with a v128 result, under a call taking and returning v128 and
        // under an instruction without a pair path (swizzle): each boundary turns pairs into objects in order.
        String wat = """
                (module
                  (memory 1)
                  (func $id (param v128) (result v128) local.get 0)
                  (func (export "mix") (param v128 i32) (result v128 i32)
                    (local v128)
                    local.get 0
                    i32.const 16
                    v128.load
                    i16x8.extend_low_i8x16_u
                    local.get 1
                    i32.const 3
                    i32.add
                    block (param i32) (result i32 v128)
                      local.get 0
                      call $id
                      local.get 0
                      i8x16.shuffle 0 17 2 19 4 21 6 23 31 30 1 1 8 9 16 3
                      local.tee 2
                      local.get 2
                      local.get 0
                      i8x16.swizzle
                      i32x4.add
                    end
                    local.set 2
                    i32.const 5
                    i32.add
                    local.set 1
                    i16x8.add
                    local.get 2
                    v128.xor
                    local.get 0
                    i32x4.dot_i16x8_s
                    local.get 1)
                  (data (i32.const 16) "\\01\\02\\03\\04\\05\\06\\07\\08\\f9\\fa\\fb\\fc\\fd\\fe\\ff\\80"))
                """;
        assertThat(SimdPairs.SHAPES).doesNotContainKey(Opcode.I8X16_SWIZZLE);
        Instance c = CompilerTest.instantiate(COMPILER, wat);
        Instance i = CompilerTest.instantiate(INTERPRETER, wat);
        for (Val.V128 v : VECTORS) {
            Val[] args = {v, Val.i32(40)};
            assertThat(c.getFunc("mix").orElseThrow().call(args)).as("%s", v)
                    .containsExactly(i.getFunc("mix").orElseThrow().call(args));
        }
    }

    @Test
    void pairArithmeticInALoopAllocatesNoVectorObjects() {
        // Before C2 (the JVM's interpreter, C1) nothing removes objects: the pair path must not make any. 200,000
        // iterations of object-per-instruction code would allocate tens of MB.
        String wat = """
                (module
                  (func (export "sum") (param i32) (result i64)
                    (local v128 v128)
                    i32.const 0x01020304
                    i32x4.splat
                    local.set 2
                    loop
                      local.get 1
                      local.get 2
                      i8x16.add
                      local.get 2
                      i16x8.extend_low_i8x16_u
                      i16x8.add
                      local.set 1
                      local.get 0
                      i32.const 1
                      i32.sub
                      local.tee 0
                      br_if 0
                    end
                    local.get 1
                    i64x2.extract_lane 0
                    local.get 1
                    i64x2.extract_lane 1
                    i64.xor))
                """;
        Instance c = CompilerTest.instantiate(COMPILER, wat);
        Instance i = CompilerTest.instantiate(INTERPRETER, wat);
        Func sum = c.getFunc("sum").orElseThrow();
        assertThat(sum.call(Val.i32(1000))).containsExactly(i.getFunc("sum").orElseThrow().call(Val.i32(1000)));
        var threads = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long before = threads.getCurrentThreadAllocatedBytes();
        sum.call(Val.i32(200_000));
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertThat(allocated).as("bytes allocated by 200,000 iterations").isLessThan(1_000_000);
    }

    @Test
    void everyVectorMemoryInstructionLoadsStoresAndTrapsAsTheInterpreterDoes() {
        for (boolean memory64 : new boolean[] {false, true}) {
            String at = memory64 ? "i64" : "i32";
            StringBuilder wat = new StringBuilder("(module (memory (export \"mem\") ")
                    .append(memory64 ? "i64 " : "").append("1)\n")
                    .append("(data (").append(at).append(".const 0) \"");
            for (int b = 0; b < 256; b++) {
                wat.append(String.format("\\%02x", (b * 37 + 11) & 0xFF));
            }
            wat.append("\")\n");
            List<Opcode> ops = new ArrayList<>();
            for (Opcode op : simdOpcodes()) {
                if (!SimdCodegen.isMemory(op)) {
                    continue;
                }
                ops.add(op);
                wat.append("(func (export \"").append(op.name()).append("\") (param ").append(at).append(')');
                for (ValType p : op.params()) {
                    wat.append(" (param ").append(typeName(p)).append(')');
                }
                for (ValType r : op.results()) {
                    wat.append(" (result ").append(typeName(r)).append(')');
                }
                for (int p = 0; p <= op.params().size(); p++) {
                    wat.append(" local.get ").append(p);
                }
                wat.append(' ').append(op.mnemonic()).append(" offset=3");
                if (op.imm() == Opcode.Imm.MEMARG_LANE) {
                    wat.append(" 1");
                }
                wat.append(")\n");
            }
            wat.append(')');
            Instance c = CompilerTest.instantiate(COMPILER, wat.toString());
            Instance i = CompilerTest.instantiate(INTERPRETER, wat.toString());
            long[] addresses = {0, 5, 200, 65_533 - 8, 65_530, 0xFFFF_FFF0L};
            for (Opcode op : ops) {
                for (long address : addresses) {
                    Val[] args = new Val[1 + op.params().size()];
                    args[0] = memory64 ? Val.i64(address) : Val.i32((int) address);
                    for (int p = 1; p < args.length; p++) {
                        args[p] = VECTORS.get((int) (address % VECTORS.size()));
                    }
                    String what = op.mnemonic() + " at " + address + (memory64 ? " (memory64)" : "");
                    Object expected = outcome(i.getFunc(op.name()).orElseThrow(), args);
                    Object actual = outcome(c.getFunc(op.name()).orElseThrow(), args);
                    assertThat(actual).as(what).isEqualTo(expected);
                    Memory mc = c.getMemory("mem").orElseThrow();
                    Memory mi = i.getMemory("mem").orElseThrow();
                    assertThat(mc.read(0, 65_536)).as(what).isEqualTo(mi.read(0, 65_536));
                }
            }
        }
    }

    /** The results as a list, or the trap kind. */
    private static Object outcome(Func f, Val[] args) {
        try {
            return List.of(f.call(args));
        } catch (Trap t) {
            return t.kind();
        }
    }

    // ------------------------------------------------------------------ v128 values everywhere

    static final String VALUES = """
            (module
              (import "host" "swap" (func $swap (param v128 i32) (result v128)))
              (import "host" "g" (global $imported (mut v128)))
              (type $binop (func (param v128 v128) (result v128)))
              (table funcref (elem $add $sub))
              (memory 1)
              (global $g (mut v128) (v128.const i32x4 1 2 3 4))
              (func $add (type $binop) (i32x4.add (local.get 0) (local.get 1)))
              (func $sub (type $binop) (i32x4.sub (local.get 0) (local.get 1)))
              (func (export "direct") (param v128 v128) (result v128)
                (call $add (local.get 0) (local.get 1)))
              (func (export "indirect") (param v128 v128 i32) (result v128)
                (call_indirect (type $binop) (local.get 0) (local.get 1) (local.get 2)))
              (func (export "import") (param v128) (result v128)
                (call $swap (local.get 0) (i32.const 7)))
              (func (export "globals") (param v128) (result v128) (local $old v128)
                (local.set $old (global.get $g))
                (global.set $g (local.get 0))
                (global.set $imported (i32x4.add (global.get $imported) (global.get $g)))
                (local.get $old))
              (func (export "get-global") (result v128) (global.get $g))
              (func (export "select") (param v128 v128 i32) (result v128)
                (select (local.get 0) (local.get 1) (local.get 2)))
              (func (export "select-typed") (param v128 v128 i32) (result v128)
                (select (result v128) (local.get 0) (local.get 1) (local.get 2)))
              (func (export "default-local") (result v128) (local v128) (local.get 0))
              (func (export "block") (param v128 i32) (result v128)
                ;; a block with a v128 parameter and result; br_if leaves it with an i64 and a v128 below
                (i64.const 5)
                (v128.const i64x2 9 9)
                (local.get 0)
                (block $b (param v128) (result v128)
                  (br_if $b (local.get 1))
                  (i64x2.splat (i64.const 3))
                  (i64x2.add))
                (local.set 0)
                (drop)
                (drop)
                (local.get 0))
              (func (export "loop") (param i32) (result v128) (local $acc v128)
                (loop $l
                  (local.set $acc (i32x4.add (local.get $acc) (i32x4.splat (local.get 0))))
                  (br_if $l (local.tee 0 (i32.sub (local.get 0) (i32.const 1)))))
                (local.get $acc))
              (func (export "load") (param i32) (result v128) (v128.load offset=8 (local.get 0)))
              (func (export "store-load") (param i32 v128) (result v128)
                (v128.store (local.get 0) (local.get 1))
                (v128.load (local.get 0))))
            """;

    static Instance instantiateValues(Engine engine, Store<Void> store) {
        return instantiateValues(engine, store, dev.basalt.Global.create(store,
                new dev.basalt.wasm.GlobalType(NumType.V128, true), new Val.V128(10, 20)));
    }

    static Instance instantiateValues(Engine engine, Store<Void> store, dev.basalt.Global g) {
        Linker<Void> linker = Linker.create(engine);
        FuncType swapType = FuncType.of(List.of(NumType.V128, NumType.I32), List.of(NumType.V128));
        linker.defineHostFunction("host", "swap", swapType, (caller, args) -> {
            Val.V128 v = (Val.V128) args[0];
            int k = ((Val.I32) args[1]).value();
            return new Val[] {new Val.V128(v.hi() + k, v.lo())};
        });
        linker.define("host", "g", g);
        return linker.instantiate(store, Module.fromWat(engine, VALUES));
    }

    @Test
    void v128ValuesCrossCallsGlobalsSelectAndBlocks() {
        Store<Void> store = Store.create(COMPILER);
        Instance c = instantiateValues(COMPILER, store);
        Val.V128 a = new Val.V128(0x0000_0002_0000_0001L, 0x0000_0004_0000_0003L);
        Val.V128 b = new Val.V128(0x0000_0010_0000_0010L, 0x0000_0010_0000_0010L);
        Val.V128 sum = new Val.V128(0x0000_0012_0000_0011L, 0x0000_0014_0000_0013L);
        Val.V128 diff = new Val.V128(0xFFFF_FFF2_FFFF_FFF1L, 0xFFFF_FFF4_FFFF_FFF3L);
        assertThat(call(c, "direct", a, b)).isEqualTo(sum);
        assertThat(call(c, "indirect", a, b, Val.i32(0))).isEqualTo(sum);
        assertThat(call(c, "indirect", a, b, Val.i32(1))).isEqualTo(diff);
        assertThatThrownBy(() -> call(c, "indirect", a, b, Val.i32(2))).isInstanceOfSatisfying(Trap.class,
                t -> assertThat(t.kind()).isEqualTo(TrapKind.UNDEFINED_ELEMENT));
        assertThat(call(c, "import", a)).isEqualTo(new Val.V128(a.hi() + 7, a.lo()));
        // Globals: the old value comes back, the new one stays, the imported one is updated in place.
        assertThat(call(c, "globals", a)).isEqualTo(new Val.V128(0x0000_0002_0000_0001L, 0x0000_0004_0000_0003L));
        assertThat(call(c, "get-global")).isEqualTo(a);
        assertThat(c.store() == store).isTrue();
        assertThat(call(c, "globals", b)).isEqualTo(a);
        assertThat(call(c, "select", a, b, Val.i32(1))).isEqualTo(a);
        assertThat(call(c, "select", a, b, Val.i32(0))).isEqualTo(b);
        assertThat(call(c, "select-typed", a, b, Val.i32(5))).isEqualTo(a);
        assertThat(call(c, "select-typed", a, b, Val.i32(0))).isEqualTo(b);
        assertThat(call(c, "default-local")).isEqualTo(new Val.V128(0, 0));
        assertThat(call(c, "block", a, Val.i32(1))).isEqualTo(a);
        assertThat(call(c, "block", a, Val.i32(0))).isEqualTo(new Val.V128(a.lo() + 3, a.hi() + 3));
        assertThat(call(c, "loop", Val.i32(4))).isEqualTo(new Val.V128(0x0000_000A_0000_000AL,
                0x0000_000A_0000_000AL));
        assertThat(call(c, "store-load", Val.i32(100), diff)).isEqualTo(diff);
        assertThat(call(c, "load", Val.i32(92))).isEqualTo(diff);
    }

    static final String MULTI = """
            (module
              (tag $t (param i32 v128))
              (func $three (param v128 v128) (result v128 i32 v128)
                (local.get 1) (i32.const 42) (local.get 0))
              (func (export "multi") (param v128 v128) (result v128 i32 v128)
                (call $three (local.get 0) (local.get 1)))
              (func (export "multi-sum") (param v128 v128) (result v128) (local $top v128)
                (call $three (local.get 0) (local.get 1))
                (local.set $top)
                (drop)
                (i64x2.add (local.get $top)))
              (func $throws (param v128) (throw $t (i32.const 7) (local.get 0)))
              (func (export "catch") (param v128) (result i32 v128)
                (block $h (result i32 v128)
                  (try_table (catch $t $h) (call $throws (local.get 0)))
                  (unreachable))))
            """;

    @Test
    void v128InMultiValueResultsAndExceptionPayloads() {
        Val.V128 a = new Val.V128(1, 2);
        Val.V128 b = new Val.V128(30, 40);
        for (Engine engine : List.of(COMPILER, INTERPRETER)) {
            Instance inst = CompilerTest.instantiate(engine, MULTI);
            assertThat(inst.getFunc("multi").orElseThrow().call(a, b)).containsExactly(b, Val.i32(42), a);
            assertThat(call(inst, "multi-sum", a, b)).isEqualTo(new Val.V128(31, 42));
            assertThat(inst.getFunc("catch").orElseThrow().call(a)).containsExactly(Val.i32(7), a);
        }
    }

    static final String GC = """
            (module
              (type $s (struct (field i32) (field (mut v128))))
              (type $a (array (mut v128)))
              (func (export "struct") (param v128 v128) (result v128) (local $o (ref null $s))
                (local.set $o (struct.new $s (i32.const 1) (local.get 0)))
                (struct.set $s 1 (local.get $o) (i64x2.add (struct.get $s 1 (local.get $o)) (local.get 1)))
                (struct.get $s 1 (local.get $o)))
              (func (export "array") (param v128 i32) (result v128) (local $o (ref null $a))
                (local.set $o (array.new $a (local.get 0) (i32.const 4)))
                (array.fill $a (local.get $o) (i32.const 1) (v128.const i64x2 5 6) (i32.const 2))
                (array.get $a (local.get $o) (local.get 1))))
            """;

    @Test
    void v128InStructAndArrayFields() {
        Val.V128 a = new Val.V128(1, 2);
        for (Engine engine : List.of(COMPILER, INTERPRETER)) {
            Instance inst = CompilerTest.instantiate(engine, GC);
            assertThat(call(inst, "struct", a, new Val.V128(10, 20))).isEqualTo(new Val.V128(11, 22));
            assertThat(call(inst, "array", a, Val.i32(0))).isEqualTo(a);
            assertThat(call(inst, "array", a, Val.i32(2))).isEqualTo(new Val.V128(5, 6));
            assertThat(call(inst, "array", a, Val.i32(3))).isEqualTo(a);
            assertThatThrownBy(() -> call(inst, "array", a, Val.i32(4))).isInstanceOfSatisfying(Trap.class,
                    t -> assertThat(t.kind()).isEqualTo(TrapKind.OUT_OF_BOUNDS_ARRAY_ACCESS));
        }
    }

    static final String TAIL = """
            (module
              (type $vv (func (param v128 i32) (result v128)))
              (table funcref (elem $count $other))
              (func $count (type $vv)
                (if (result v128) (i32.eqz (local.get 1)) (then (local.get 0))
                  (else (return_call_indirect (type $vv)
                    (i32x4.add (local.get 0) (i32x4.splat (i32.const 1))) (i32.sub (local.get 1) (i32.const 1))
                    (i32.const 1)))))
              (func $other (type $vv) (return_call $count (local.get 0) (local.get 1)))
              (func (export "tail") (param v128 i32) (result v128) (return_call $count (local.get 0) (local.get 1))))
            """;

    @Test
    void v128ThroughTailCalls() {
        for (Engine engine : List.of(COMPILER, INTERPRETER)) {
            Instance inst = CompilerTest.instantiate(engine, TAIL);
            assertThat(call(inst, "tail", new Val.V128(0, 5L << 32), Val.i32(100_000)))
                    .isEqualTo(new Val.V128(100_000L | 100_000L << 32, 100_000L | 100_005L << 32));
        }
    }

    @Test
    void v128LocalsAndValuesInASplitFunction() {
        // Far over HotSpot's 8,000-byte limit, so the function is split into pieces with its locals in a frame
        // array; v128 locals and block results cross the pieces.
        StringBuilder wat = new StringBuilder("(module (func (export \"big\") (param v128 i32) (result v128)"
                + " (local $acc v128)\n");
        for (int i = 0; i < 3_000; i++) {
            wat.append("(local.set $acc (block (result v128) (i32x4.add (local.get $acc) (local.get 0))))\n");
        }
        wat.append("(local.get $acc)))");
        List<String> methods = new ArrayList<>();
        new ClassReader(JvmCompiler.generate(WatParser.parseModule(wat.toString()))).accept(
                new org.objectweb.asm.ClassVisitor(org.objectweb.asm.Opcodes.ASM9) {
                    @Override
                    public org.objectweb.asm.MethodVisitor visitMethod(int access, String name, String descriptor,
                                                                       String signature, String[] exceptions) {
                        methods.add(name);
                        return null;
                    }
                }, 0);
        assertThat(methods).as("pieces of the split function").anyMatch(m -> m.startsWith("f0$"));
        Val.V128 one = new Val.V128(1L | 2L << 32, 3L | 4L << 32);
        for (Engine engine : List.of(COMPILER, INTERPRETER)) {
            Instance inst = CompilerTest.instantiate(engine, wat.toString());
            assertThat(call(inst, "big", one, Val.i32(0)))
                    .isEqualTo(new Val.V128(3_000L | 6_000L << 32, 9_000L | 12_000L << 32));
        }
    }

    @Test
    void importedV128GlobalIsSharedWithTheHost() {
        Store<Void> store = Store.create(COMPILER);
        dev.basalt.Global g = dev.basalt.Global.create(store, new dev.basalt.wasm.GlobalType(NumType.V128, true),
                new Val.V128(10, 20));
        Instance c = instantiateValues(COMPILER, store, g);
        // "globals" sets $g to its argument and adds $g to the imported global, lane by lane (i32x4).
        call(c, "globals", new Val.V128(1, 0xFFFF_FFFFL));
        assertThat(g.get()).isEqualTo(new Val.V128(11, 0x13L));
        g.set(new Val.V128(-1, -1));
        call(c, "globals", new Val.V128(1, 1));
        assertThat(g.get()).isEqualTo(new Val.V128(0xFFFF_FFFF_0000_0000L, 0xFFFF_FFFF_0000_0000L));
    }

    @Test
    void v128LoadOutOfBoundsTrapsAndNamesTheFunction() {
        Instance c = instantiateValues(COMPILER, Store.create(COMPILER));
        assertThatThrownBy(() -> call(c, "load", Val.i32(65_536 - 16 - 7))).isInstanceOfSatisfying(Trap.class,
                t -> assertThat(t.kind()).isEqualTo(TrapKind.OUT_OF_BOUNDS_MEMORY_ACCESS));
        assertThatThrownBy(() -> call(c, "load", Val.i32(-8))).isInstanceOfSatisfying(Trap.class,
                t -> assertThat(t.kind()).isEqualTo(TrapKind.OUT_OF_BOUNDS_MEMORY_ACCESS));
        assertThat(call(c, "load", Val.i32(65_536 - 16 - 8))).isEqualTo(new Val.V128(0, 0));
    }

    /**
     * v128 locals as two longs: a loop-carried accumulator in an outlined inner loop (handed back to the outer
     * loop), a v128 parameter read in the loop, and v128 values on the operand stack across the bounds checks of
     * v128.load/v128.store (spilled around the check), including a check that fails with vectors on the stack.
     */
    static final String KERNEL = """
            (module
              (memory 1)
              ;; for each of $rows rows of 64 bytes at 0: acc += row (i8x16 lanes), row := row + $bias; returns acc
              (func (export "kernel") (param $bias v128) (param $rows i32) (param $base i32) (result v128)
                (local $acc v128) (local $row i32) (local $p i32) (local $end i32)
                (loop $outer
                  (local.set $p (i32.add (local.get $base) (i32.shl (local.get $row) (i32.const 6))))
                  (local.set $end (i32.add (local.get $p) (i32.const 64)))
                  (loop $inner
                    (local.set $acc (i8x16.add (local.get $acc) (v128.load (local.get $p))))
                    (v128.store (local.get $p)
                      (i8x16.add (local.get $bias) (v128.load (local.get $p))))
                    (local.set $p (i32.add (local.get $p) (i32.const 16)))
                    (br_if $inner (i32.lt_u (local.get $p) (local.get $end))))
                  (local.set $row (i32.add (local.get $row) (i32.const 1)))
                  (br_if $outer (i32.lt_u (local.get $row) (local.get $rows))))
                (local.get $acc))
              (func (export "fill") (param $n i32)
                (local $i i32)
                (loop $l
                  (i32.store8 (local.get $i) (i32.mul (local.get $i) (i32.const 7)))
                  (local.set $i (i32.add (local.get $i) (i32.const 1)))
                  (br_if $l (i32.lt_u (local.get $i) (local.get $n)))))
              (func (export "byte") (param i32) (result i32) (i32.load8_u (local.get 0))))
            """;

    @Test
    void v128LocalsInOutlinedLoopsAndVectorsAcrossBoundsChecks() {
        Val.V128 bias = new Val.V128(0x0102_0304_0506_0708L, 0x1112_1314_1516_1718L);
        for (int rows : new int[] {1, 3, 50}) {
            Object[] results = new Object[2];
            int k = 0;
            for (Engine engine : List.of(COMPILER, INTERPRETER)) {
                Instance inst = CompilerTest.instantiate(engine, KERNEL);
                call(inst, "fill", Val.i32(65_536));
                Val acc = call(inst, "kernel", bias, Val.i32(rows), Val.i32(0));
                Val acc2 = call(inst, "kernel", bias, Val.i32(rows), Val.i32(0)); // sees the first call's stores
                results[k++] = List.of(acc, acc2, call(inst, "byte", Val.i32(rows * 64 - 1)));
            }
            assertThat(results[0]).as("rows " + rows).isEqualTo(results[1]);
        }
        // The last row reaches past the memory: the load traps with the accumulator on the operand stack, after
        // the rows before it were stored.
        for (Engine engine : List.of(COMPILER, INTERPRETER)) {
            Instance inst = CompilerTest.instantiate(engine, KERNEL);
            assertThatThrownBy(() -> call(inst, "kernel", bias, Val.i32(2), Val.i32(65_536 - 64 - 8)))
                    .isInstanceOfSatisfying(Trap.class,
                            t -> assertThat(t.kind()).isEqualTo(TrapKind.OUT_OF_BOUNDS_MEMORY_ACCESS));
            assertThat(call(inst, "byte", Val.i32(65_536 - 64 - 8))).isEqualTo(Val.i32(0x08));
            assertThat(call(inst, "byte", Val.i32(65_536 - 8))).as("not stored: its load trapped")
                    .isEqualTo(Val.i32(0));
        }
        // The inner loop is outlined and takes the v128 locals it uses as two longs each.
        List<String> descriptors = new ArrayList<>();
        byte[] bytes = JvmCompiler.generate(WatParser.parseModule(KERNEL));
        new ClassReader(bytes).accept(new org.objectweb.asm.ClassVisitor(org.objectweb.asm.Opcodes.ASM9) {
            @Override
            public org.objectweb.asm.MethodVisitor visitMethod(int access, String name, String descriptor,
                                                               String signature, String[] exceptions) {
                if (name.contains("$loop")) {
                    descriptors.add(descriptor);
                }
                return null;
            }
        }, 0);
        assertThat(descriptors).isNotEmpty().allMatch(d -> !d.contains("V128"));
        StringWriter out = new StringWriter();
        CheckClassAdapter.verify(new ClassReader(bytes), getClass().getClassLoader(), false, new PrintWriter(out));
        assertThat(out.toString()).isEmpty();
    }

    @Test
    void generatedSimdClassPassesTheVerifier() {
        byte[] bytes = JvmCompiler.generate(WatParser.parseModule(VALUES));
        StringWriter out = new StringWriter();
        CheckClassAdapter.verify(new ClassReader(bytes), getClass().getClassLoader(), false, new PrintWriter(out));
        assertThat(out.toString()).isEmpty();
    }

    private static Val call(Instance inst, String name, Val... args) {
        Val[] out = inst.getFunc(name).orElseThrow().call(args);
        return out.length == 0 ? null : out[0];
    }
}
