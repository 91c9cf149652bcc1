package dev.basalt.wasm;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Every instruction of WebAssembly 3.0 and of the proposals Basalt supports (threads, wide arithmetic, legacy
 * exception handling), in one table that drives the decoder, encoder, text parser, printer, validator and engines.
 *
 * <p>Each opcode has a prefix byte (0 for single-byte opcodes, else 0xFB GC, 0xFC misc, 0xFD SIMD, 0xFE atomics),
 * a code (the byte, or the u32 that follows the prefix), its text mnemonic, the {@link Imm kind of immediates} it
 * takes (which fixes the {@link Instruction} record that carries it), and, for instructions whose operand types are
 * fixed, a stack signature such as {@code "i32 i32 -> i32"}. Memory instructions list their operands without the
 * address, whose type (i32 or i64) depends on the memory. A null signature means the validator types the
 * instruction by hand (control, variables, references, GC, tables, ...).
 *
 * <p>Constant names are the mnemonic upper-cased with '.' replaced by '_'; the few mnemonics that are shared by
 * two encodings get a suffix: {@code SELECT_TYPED} (select with types), {@code REF_TEST_NULL},
 * {@code REF_CAST_NULL}.
 */
public enum Opcode {
    // ---- control (0x00 - 0x1F) ----
    UNREACHABLE(0, 0x00, "unreachable", Imm.NONE, null),
    NOP(0, 0x01, "nop", Imm.NONE, null),
    BLOCK(0, 0x02, "block", Imm.BLOCK_TYPE, null),
    LOOP(0, 0x03, "loop", Imm.BLOCK_TYPE, null),
    IF(0, 0x04, "if", Imm.BLOCK_TYPE, null),
    ELSE(0, 0x05, "else", Imm.NONE, null),
    END(0, 0x0B, "end", Imm.NONE, null),
    BR(0, 0x0C, "br", Imm.LABEL, null),
    BR_TABLE(0, 0x0E, "br_table", Imm.BR_TABLE, null),
    SELECT_TYPED(0, 0x1C, "select", Imm.SELECT_TYPES, null),
    I32_CONST(0, 0x41, "i32.const", Imm.I32, "-> i32"),
    I64_CONST(0, 0x42, "i64.const", Imm.I64, "-> i64"),
    F32_CONST(0, 0x43, "f32.const", Imm.F32, "-> f32"),
    F64_CONST(0, 0x44, "f64.const", Imm.F64, "-> f64"),
    I32_ADD(0, 0x6A, "i32.add", Imm.NONE, "i32 i32 -> i32"),
    TRY_TABLE(0, 0x1F, "try_table", Imm.TRY_TABLE, null),
    V128_CONST(0xFD, 12, "v128.const", Imm.V128, "-> v128"),
    I8X16_SHUFFLE(0xFD, 13, "i8x16.shuffle", Imm.SHUFFLE, "v128 v128 -> v128");
    // TODO(opcode-table): the rest of the table is being filled in; see the class comment for the naming rule.

    /** The kind of immediates an opcode takes; each maps to exactly one {@link Instruction} record. */
    public enum Imm {
        /** {@link Instruction.Simple}. */
        NONE,
        /** {@link Instruction.Simple}; the binary has one reserved zero byte (atomic.fence). */
        ZERO_BYTE,
        /** {@link Instruction.Block}. */
        BLOCK_TYPE,
        /** {@link Instruction.Branch}. */
        LABEL,
        /** {@link Instruction.BranchTable}. */
        BR_TABLE,
        /** {@link Instruction.Index}. */
        INDEX,
        /** {@link Instruction.IndexPair}. */
        INDEX_PAIR,
        /** {@link Instruction.Memory}. */
        MEMARG,
        /** {@link Instruction.MemoryLane}. */
        MEMARG_LANE,
        /** {@link Instruction.Lane}. */
        LANE,
        /** {@link Instruction.Shuffle}. */
        SHUFFLE,
        /** {@link Instruction.I32Const}. */
        I32,
        /** {@link Instruction.I64Const}. */
        I64,
        /** {@link Instruction.F32Const}. */
        F32,
        /** {@link Instruction.F64Const}. */
        F64,
        /** {@link Instruction.V128Const}. */
        V128,
        /** {@link Instruction.SelectTyped}. */
        SELECT_TYPES,
        /** {@link Instruction.HeapTypeInstr}. */
        HEAP_TYPE,
        /** {@link Instruction.BrOnCast}. */
        BR_ON_CAST,
        /** {@link Instruction.TryTable}. */
        TRY_TABLE
    }

    private final int prefix;
    private final int code;
    private final String mnemonic;
    private final Imm imm;
    private final String signature;
    private List<ValType> params;
    private List<ValType> results;

    Opcode(int prefix, int code, String mnemonic, Imm imm, String signature) {
        this.prefix = prefix;
        this.code = code;
        this.mnemonic = mnemonic;
        this.imm = imm;
        this.signature = signature;
    }

    /** 0 for a single-byte opcode, else the prefix byte (0xFB, 0xFC, 0xFD, 0xFE). */
    public int prefix() {
        return prefix;
    }

    /** The opcode byte, or for prefixed opcodes the u32 that follows the prefix. */
    public int code() {
        return code;
    }

    /** The text format mnemonic. */
    public String mnemonic() {
        return mnemonic;
    }

    public Imm imm() {
        return imm;
    }

    /** Whether the operand types are fixed and given by {@link #params()} / {@link #results()}. */
    public boolean hasFixedSignature() {
        return signature != null;
    }

    /** Operand types popped (in stack order, deepest first; memory ops exclude the address). Empty if not fixed. */
    public List<ValType> params() {
        return params;
    }

    /** Result types pushed. Empty if not fixed. */
    public List<ValType> results() {
        return results;
    }

    private static final Opcode[] SINGLE_BYTE = new Opcode[256];
    private static final Map<Integer, Map<Integer, Opcode>> PREFIXED = new HashMap<>();
    private static final Map<String, Opcode> BY_MNEMONIC = new HashMap<>();

    static {
        for (Opcode op : values()) {
            if (op.signature != null) {
                String[] sides = op.signature.split("->", -1);
                op.params = parseTypes(sides[0]);
                op.results = parseTypes(sides[1]);
            } else {
                op.params = List.of();
                op.results = List.of();
            }
            if (op.prefix == 0) {
                SINGLE_BYTE[op.code] = op;
            } else {
                PREFIXED.computeIfAbsent(op.prefix, p -> new HashMap<>()).put(op.code, op);
            }
            // Shared mnemonics (select, ref.test, ref.cast) map to the plain form; the parser picks the variant.
            BY_MNEMONIC.putIfAbsent(op.mnemonic, op);
        }
    }

    private static List<ValType> parseTypes(String s) {
        List<ValType> out = new ArrayList<>();
        for (String t : s.trim().split("\\s+")) {
            if (t.isEmpty()) {
                continue;
            }
            out.add(switch (t) {
                case "i32" -> NumType.I32;
                case "i64" -> NumType.I64;
                case "f32" -> NumType.F32;
                case "f64" -> NumType.F64;
                case "v128" -> NumType.V128;
                default -> throw new IllegalStateException("bad type in opcode signature: " + t);
            });
        }
        return List.copyOf(out);
    }

    /** The single-byte opcode with this byte, or null (also null for prefix bytes). */
    public static Opcode ofByte(int b) {
        return SINGLE_BYTE[b & 0xFF];
    }

    /** The prefixed opcode, or null if there is none. */
    public static Opcode ofPrefixed(int prefix, int code) {
        Map<Integer, Opcode> m = PREFIXED.get(prefix);
        return m == null ? null : m.get(code);
    }

    /** The opcode with this text mnemonic, or null. For select/ref.test/ref.cast the plain form. */
    public static Opcode ofMnemonic(String mnemonic) {
        return BY_MNEMONIC.get(mnemonic);
    }
}
