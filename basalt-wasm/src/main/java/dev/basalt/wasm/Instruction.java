package dev.basalt.wasm;

import java.util.List;

/**
 * One instruction of a function body or constant expression, in the flat form of the binary format:
 * structured instructions ({@code block}, {@code loop}, {@code if}, {@code try}, {@code try_table}) are followed
 * later in the same list by their {@code else}/{@code catch}/{@code end} as separate instructions.
 *
 * <p>Which record carries an opcode is fixed by the opcode's {@link Opcode.Imm immediate kind}, so decoders,
 * encoders and printers dispatch on {@link Opcode#imm()} and never on individual opcodes.
 */
public sealed interface Instruction {
    Opcode opcode();

    /** No immediates ({@link Opcode.Imm#NONE}, {@link Opcode.Imm#ZERO_BYTE}). */
    record Simple(Opcode opcode) implements Instruction {
    }

    /** {@code block}, {@code loop}, {@code if}, legacy {@code try} ({@link Opcode.Imm#BLOCK_TYPE}). */
    record Block(Opcode opcode, BlockType type) implements Instruction {
    }

    /** One label index ({@link Opcode.Imm#LABEL}): br, br_if, br_on_null, br_on_non_null, rethrow, delegate. */
    record Branch(Opcode opcode, int label) implements Instruction {
    }

    /** {@code br_table} ({@link Opcode.Imm#BR_TABLE}). */
    record BranchTable(List<Integer> labels, int defaultLabel) implements Instruction {
        public BranchTable {
            labels = List.copyOf(labels);
        }

        public Opcode opcode() {
            return Opcode.BR_TABLE;
        }
    }

    /** One index immediate ({@link Opcode.Imm#INDEX}): local, global, function, table, memory, type, tag, data, elem. */
    record Index(Opcode opcode, int index) implements Instruction {
    }

    /**
     * Two index immediates in binary order ({@link Opcode.Imm#INDEX_PAIR}), e.g. call_indirect (type, table),
     * table.init (elem, table), table.copy (dst, src), memory.init (data, memory), memory.copy (dst, src),
     * struct.get (type, field), array.new_fixed (type, count), array.copy (dst type, src type).
     */
    record IndexPair(Opcode opcode, int first, int second) implements Instruction {
    }

    /** Loads, stores and atomics ({@link Opcode.Imm#MEMARG}). */
    record Memory(Opcode opcode, MemArg memArg) implements Instruction {
    }

    /** {@code v128.loadN_lane}/{@code storeN_lane} ({@link Opcode.Imm#MEMARG_LANE}). */
    record MemoryLane(Opcode opcode, MemArg memArg, int lane) implements Instruction {
    }

    /** extract_lane/replace_lane ({@link Opcode.Imm#LANE}). */
    record Lane(Opcode opcode, int lane) implements Instruction {
    }

    /** {@code i8x16.shuffle} ({@link Opcode.Imm#SHUFFLE}): the 16 lane indices as the bytes of a v128. */
    record Shuffle(V128 lanes) implements Instruction {
        public Opcode opcode() {
            return Opcode.I8X16_SHUFFLE;
        }
    }

    record I32Const(int value) implements Instruction {
        public Opcode opcode() {
            return Opcode.I32_CONST;
        }
    }

    record I64Const(long value) implements Instruction {
        public Opcode opcode() {
            return Opcode.I64_CONST;
        }
    }

    /** {@code f32.const}, as raw bits so that NaN payloads survive. */
    record F32Const(int bits) implements Instruction {
        public Opcode opcode() {
            return Opcode.F32_CONST;
        }
    }

    /** {@code f64.const}, as raw bits so that NaN payloads survive. */
    record F64Const(long bits) implements Instruction {
        public Opcode opcode() {
            return Opcode.F64_CONST;
        }
    }

    record V128Const(V128 value) implements Instruction {
        public Opcode opcode() {
            return Opcode.V128_CONST;
        }
    }

    /** {@code select t*} ({@link Opcode.Imm#SELECT_TYPES}). The untyped {@code select} is a {@link Simple}. */
    record SelectTyped(List<ValType> types) implements Instruction {
        public SelectTyped {
            types = List.copyOf(types);
        }

        public Opcode opcode() {
            return Opcode.SELECT_TYPED;
        }
    }

    /** ref.null, ref.test, ref.test null, ref.cast, ref.cast null ({@link Opcode.Imm#HEAP_TYPE}). */
    record HeapTypeInstr(Opcode opcode, HeapType heapType) implements Instruction {
    }

    /** br_on_cast and br_on_cast_fail ({@link Opcode.Imm#BR_ON_CAST}). */
    record BrOnCast(Opcode opcode, int label, RefType from, RefType to) implements Instruction {
    }

    /** {@code try_table} ({@link Opcode.Imm#TRY_TABLE}). */
    record TryTable(BlockType type, List<Catch> catches) implements Instruction {
        public TryTable {
            catches = List.copyOf(catches);
        }

        public Opcode opcode() {
            return Opcode.TRY_TABLE;
        }
    }

    /** A catch clause of {@code try_table}; {@code tag} is -1 for the catch_all forms. */
    record Catch(CatchKind kind, int tag, int label) {
    }

    enum CatchKind {
        CATCH(0x00, "catch"),
        CATCH_REF(0x01, "catch_ref"),
        CATCH_ALL(0x02, "catch_all"),
        CATCH_ALL_REF(0x03, "catch_all_ref");

        private final int code;
        private final String text;

        CatchKind(int code, String text) {
            this.code = code;
            this.text = text;
        }

        public int code() {
            return code;
        }

        public String text() {
            return text;
        }

        public boolean hasTag() {
            return this == CATCH || this == CATCH_REF;
        }

        public boolean pushesExnRef() {
            return this == CATCH_REF || this == CATCH_ALL_REF;
        }
    }
}
