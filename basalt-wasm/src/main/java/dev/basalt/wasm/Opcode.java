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
    TRY(0, 0x06, "try", Imm.BLOCK_TYPE, null),
    CATCH(0, 0x07, "catch", Imm.INDEX, null),
    THROW(0, 0x08, "throw", Imm.INDEX, null),
    RETHROW(0, 0x09, "rethrow", Imm.LABEL, null),
    THROW_REF(0, 0x0A, "throw_ref", Imm.NONE, null),
    END(0, 0x0B, "end", Imm.NONE, null),
    BR(0, 0x0C, "br", Imm.LABEL, null),
    BR_IF(0, 0x0D, "br_if", Imm.LABEL, null),
    BR_TABLE(0, 0x0E, "br_table", Imm.BR_TABLE, null),
    RETURN(0, 0x0F, "return", Imm.NONE, null),
    CALL(0, 0x10, "call", Imm.INDEX, null),
    CALL_INDIRECT(0, 0x11, "call_indirect", Imm.INDEX_PAIR, null),
    RETURN_CALL(0, 0x12, "return_call", Imm.INDEX, null),
    RETURN_CALL_INDIRECT(0, 0x13, "return_call_indirect", Imm.INDEX_PAIR, null),
    CALL_REF(0, 0x14, "call_ref", Imm.INDEX, null),
    RETURN_CALL_REF(0, 0x15, "return_call_ref", Imm.INDEX, null),
    DELEGATE(0, 0x18, "delegate", Imm.LABEL, null),
    CATCH_ALL(0, 0x19, "catch_all", Imm.NONE, null),
    // ---- parametric ----
    DROP(0, 0x1A, "drop", Imm.NONE, null),
    SELECT(0, 0x1B, "select", Imm.NONE, null),
    SELECT_TYPED(0, 0x1C, "select", Imm.SELECT_TYPES, null),
    TRY_TABLE(0, 0x1F, "try_table", Imm.TRY_TABLE, null),
    // ---- variable and table access ----
    LOCAL_GET(0, 0x20, "local.get", Imm.INDEX, null),
    LOCAL_SET(0, 0x21, "local.set", Imm.INDEX, null),
    LOCAL_TEE(0, 0x22, "local.tee", Imm.INDEX, null),
    GLOBAL_GET(0, 0x23, "global.get", Imm.INDEX, null),
    GLOBAL_SET(0, 0x24, "global.set", Imm.INDEX, null),
    TABLE_GET(0, 0x25, "table.get", Imm.INDEX, null),
    TABLE_SET(0, 0x26, "table.set", Imm.INDEX, null),
    // ---- memory (signatures exclude the address) ----
    I32_LOAD(0, 0x28, "i32.load", Imm.MEMARG, "-> i32"),
    I64_LOAD(0, 0x29, "i64.load", Imm.MEMARG, "-> i64"),
    F32_LOAD(0, 0x2A, "f32.load", Imm.MEMARG, "-> f32"),
    F64_LOAD(0, 0x2B, "f64.load", Imm.MEMARG, "-> f64"),
    I32_LOAD8_S(0, 0x2C, "i32.load8_s", Imm.MEMARG, "-> i32"),
    I32_LOAD8_U(0, 0x2D, "i32.load8_u", Imm.MEMARG, "-> i32"),
    I32_LOAD16_S(0, 0x2E, "i32.load16_s", Imm.MEMARG, "-> i32"),
    I32_LOAD16_U(0, 0x2F, "i32.load16_u", Imm.MEMARG, "-> i32"),
    I64_LOAD8_S(0, 0x30, "i64.load8_s", Imm.MEMARG, "-> i64"),
    I64_LOAD8_U(0, 0x31, "i64.load8_u", Imm.MEMARG, "-> i64"),
    I64_LOAD16_S(0, 0x32, "i64.load16_s", Imm.MEMARG, "-> i64"),
    I64_LOAD16_U(0, 0x33, "i64.load16_u", Imm.MEMARG, "-> i64"),
    I64_LOAD32_S(0, 0x34, "i64.load32_s", Imm.MEMARG, "-> i64"),
    I64_LOAD32_U(0, 0x35, "i64.load32_u", Imm.MEMARG, "-> i64"),
    I32_STORE(0, 0x36, "i32.store", Imm.MEMARG, "i32 ->"),
    I64_STORE(0, 0x37, "i64.store", Imm.MEMARG, "i64 ->"),
    F32_STORE(0, 0x38, "f32.store", Imm.MEMARG, "f32 ->"),
    F64_STORE(0, 0x39, "f64.store", Imm.MEMARG, "f64 ->"),
    I32_STORE8(0, 0x3A, "i32.store8", Imm.MEMARG, "i32 ->"),
    I32_STORE16(0, 0x3B, "i32.store16", Imm.MEMARG, "i32 ->"),
    I64_STORE8(0, 0x3C, "i64.store8", Imm.MEMARG, "i64 ->"),
    I64_STORE16(0, 0x3D, "i64.store16", Imm.MEMARG, "i64 ->"),
    I64_STORE32(0, 0x3E, "i64.store32", Imm.MEMARG, "i64 ->"),
    // memory.size/grow: the result (and grow's operand) has the memory's address type, so no fixed signature.
    MEMORY_SIZE(0, 0x3F, "memory.size", Imm.INDEX, null),
    MEMORY_GROW(0, 0x40, "memory.grow", Imm.INDEX, null),
    // ---- constants ----
    I32_CONST(0, 0x41, "i32.const", Imm.I32, "-> i32"),
    I64_CONST(0, 0x42, "i64.const", Imm.I64, "-> i64"),
    F32_CONST(0, 0x43, "f32.const", Imm.F32, "-> f32"),
    F64_CONST(0, 0x44, "f64.const", Imm.F64, "-> f64"),
    // ---- comparisons ----
    I32_EQZ(0, 0x45, "i32.eqz", Imm.NONE, "i32 -> i32"),
    I32_EQ(0, 0x46, "i32.eq", Imm.NONE, "i32 i32 -> i32"),
    I32_NE(0, 0x47, "i32.ne", Imm.NONE, "i32 i32 -> i32"),
    I32_LT_S(0, 0x48, "i32.lt_s", Imm.NONE, "i32 i32 -> i32"),
    I32_LT_U(0, 0x49, "i32.lt_u", Imm.NONE, "i32 i32 -> i32"),
    I32_GT_S(0, 0x4A, "i32.gt_s", Imm.NONE, "i32 i32 -> i32"),
    I32_GT_U(0, 0x4B, "i32.gt_u", Imm.NONE, "i32 i32 -> i32"),
    I32_LE_S(0, 0x4C, "i32.le_s", Imm.NONE, "i32 i32 -> i32"),
    I32_LE_U(0, 0x4D, "i32.le_u", Imm.NONE, "i32 i32 -> i32"),
    I32_GE_S(0, 0x4E, "i32.ge_s", Imm.NONE, "i32 i32 -> i32"),
    I32_GE_U(0, 0x4F, "i32.ge_u", Imm.NONE, "i32 i32 -> i32"),
    I64_EQZ(0, 0x50, "i64.eqz", Imm.NONE, "i64 -> i32"),
    I64_EQ(0, 0x51, "i64.eq", Imm.NONE, "i64 i64 -> i32"),
    I64_NE(0, 0x52, "i64.ne", Imm.NONE, "i64 i64 -> i32"),
    I64_LT_S(0, 0x53, "i64.lt_s", Imm.NONE, "i64 i64 -> i32"),
    I64_LT_U(0, 0x54, "i64.lt_u", Imm.NONE, "i64 i64 -> i32"),
    I64_GT_S(0, 0x55, "i64.gt_s", Imm.NONE, "i64 i64 -> i32"),
    I64_GT_U(0, 0x56, "i64.gt_u", Imm.NONE, "i64 i64 -> i32"),
    I64_LE_S(0, 0x57, "i64.le_s", Imm.NONE, "i64 i64 -> i32"),
    I64_LE_U(0, 0x58, "i64.le_u", Imm.NONE, "i64 i64 -> i32"),
    I64_GE_S(0, 0x59, "i64.ge_s", Imm.NONE, "i64 i64 -> i32"),
    I64_GE_U(0, 0x5A, "i64.ge_u", Imm.NONE, "i64 i64 -> i32"),
    F32_EQ(0, 0x5B, "f32.eq", Imm.NONE, "f32 f32 -> i32"),
    F32_NE(0, 0x5C, "f32.ne", Imm.NONE, "f32 f32 -> i32"),
    F32_LT(0, 0x5D, "f32.lt", Imm.NONE, "f32 f32 -> i32"),
    F32_GT(0, 0x5E, "f32.gt", Imm.NONE, "f32 f32 -> i32"),
    F32_LE(0, 0x5F, "f32.le", Imm.NONE, "f32 f32 -> i32"),
    F32_GE(0, 0x60, "f32.ge", Imm.NONE, "f32 f32 -> i32"),
    F64_EQ(0, 0x61, "f64.eq", Imm.NONE, "f64 f64 -> i32"),
    F64_NE(0, 0x62, "f64.ne", Imm.NONE, "f64 f64 -> i32"),
    F64_LT(0, 0x63, "f64.lt", Imm.NONE, "f64 f64 -> i32"),
    F64_GT(0, 0x64, "f64.gt", Imm.NONE, "f64 f64 -> i32"),
    F64_LE(0, 0x65, "f64.le", Imm.NONE, "f64 f64 -> i32"),
    F64_GE(0, 0x66, "f64.ge", Imm.NONE, "f64 f64 -> i32"),
    // ---- integer arithmetic ----
    I32_CLZ(0, 0x67, "i32.clz", Imm.NONE, "i32 -> i32"),
    I32_CTZ(0, 0x68, "i32.ctz", Imm.NONE, "i32 -> i32"),
    I32_POPCNT(0, 0x69, "i32.popcnt", Imm.NONE, "i32 -> i32"),
    I32_ADD(0, 0x6A, "i32.add", Imm.NONE, "i32 i32 -> i32"),
    I32_SUB(0, 0x6B, "i32.sub", Imm.NONE, "i32 i32 -> i32"),
    I32_MUL(0, 0x6C, "i32.mul", Imm.NONE, "i32 i32 -> i32"),
    I32_DIV_S(0, 0x6D, "i32.div_s", Imm.NONE, "i32 i32 -> i32"),
    I32_DIV_U(0, 0x6E, "i32.div_u", Imm.NONE, "i32 i32 -> i32"),
    I32_REM_S(0, 0x6F, "i32.rem_s", Imm.NONE, "i32 i32 -> i32"),
    I32_REM_U(0, 0x70, "i32.rem_u", Imm.NONE, "i32 i32 -> i32"),
    I32_AND(0, 0x71, "i32.and", Imm.NONE, "i32 i32 -> i32"),
    I32_OR(0, 0x72, "i32.or", Imm.NONE, "i32 i32 -> i32"),
    I32_XOR(0, 0x73, "i32.xor", Imm.NONE, "i32 i32 -> i32"),
    I32_SHL(0, 0x74, "i32.shl", Imm.NONE, "i32 i32 -> i32"),
    I32_SHR_S(0, 0x75, "i32.shr_s", Imm.NONE, "i32 i32 -> i32"),
    I32_SHR_U(0, 0x76, "i32.shr_u", Imm.NONE, "i32 i32 -> i32"),
    I32_ROTL(0, 0x77, "i32.rotl", Imm.NONE, "i32 i32 -> i32"),
    I32_ROTR(0, 0x78, "i32.rotr", Imm.NONE, "i32 i32 -> i32"),
    I64_CLZ(0, 0x79, "i64.clz", Imm.NONE, "i64 -> i64"),
    I64_CTZ(0, 0x7A, "i64.ctz", Imm.NONE, "i64 -> i64"),
    I64_POPCNT(0, 0x7B, "i64.popcnt", Imm.NONE, "i64 -> i64"),
    I64_ADD(0, 0x7C, "i64.add", Imm.NONE, "i64 i64 -> i64"),
    I64_SUB(0, 0x7D, "i64.sub", Imm.NONE, "i64 i64 -> i64"),
    I64_MUL(0, 0x7E, "i64.mul", Imm.NONE, "i64 i64 -> i64"),
    I64_DIV_S(0, 0x7F, "i64.div_s", Imm.NONE, "i64 i64 -> i64"),
    I64_DIV_U(0, 0x80, "i64.div_u", Imm.NONE, "i64 i64 -> i64"),
    I64_REM_S(0, 0x81, "i64.rem_s", Imm.NONE, "i64 i64 -> i64"),
    I64_REM_U(0, 0x82, "i64.rem_u", Imm.NONE, "i64 i64 -> i64"),
    I64_AND(0, 0x83, "i64.and", Imm.NONE, "i64 i64 -> i64"),
    I64_OR(0, 0x84, "i64.or", Imm.NONE, "i64 i64 -> i64"),
    I64_XOR(0, 0x85, "i64.xor", Imm.NONE, "i64 i64 -> i64"),
    I64_SHL(0, 0x86, "i64.shl", Imm.NONE, "i64 i64 -> i64"),
    I64_SHR_S(0, 0x87, "i64.shr_s", Imm.NONE, "i64 i64 -> i64"),
    I64_SHR_U(0, 0x88, "i64.shr_u", Imm.NONE, "i64 i64 -> i64"),
    I64_ROTL(0, 0x89, "i64.rotl", Imm.NONE, "i64 i64 -> i64"),
    I64_ROTR(0, 0x8A, "i64.rotr", Imm.NONE, "i64 i64 -> i64"),
    // ---- float arithmetic ----
    F32_ABS(0, 0x8B, "f32.abs", Imm.NONE, "f32 -> f32"),
    F32_NEG(0, 0x8C, "f32.neg", Imm.NONE, "f32 -> f32"),
    F32_CEIL(0, 0x8D, "f32.ceil", Imm.NONE, "f32 -> f32"),
    F32_FLOOR(0, 0x8E, "f32.floor", Imm.NONE, "f32 -> f32"),
    F32_TRUNC(0, 0x8F, "f32.trunc", Imm.NONE, "f32 -> f32"),
    F32_NEAREST(0, 0x90, "f32.nearest", Imm.NONE, "f32 -> f32"),
    F32_SQRT(0, 0x91, "f32.sqrt", Imm.NONE, "f32 -> f32"),
    F32_ADD(0, 0x92, "f32.add", Imm.NONE, "f32 f32 -> f32"),
    F32_SUB(0, 0x93, "f32.sub", Imm.NONE, "f32 f32 -> f32"),
    F32_MUL(0, 0x94, "f32.mul", Imm.NONE, "f32 f32 -> f32"),
    F32_DIV(0, 0x95, "f32.div", Imm.NONE, "f32 f32 -> f32"),
    F32_MIN(0, 0x96, "f32.min", Imm.NONE, "f32 f32 -> f32"),
    F32_MAX(0, 0x97, "f32.max", Imm.NONE, "f32 f32 -> f32"),
    F32_COPYSIGN(0, 0x98, "f32.copysign", Imm.NONE, "f32 f32 -> f32"),
    F64_ABS(0, 0x99, "f64.abs", Imm.NONE, "f64 -> f64"),
    F64_NEG(0, 0x9A, "f64.neg", Imm.NONE, "f64 -> f64"),
    F64_CEIL(0, 0x9B, "f64.ceil", Imm.NONE, "f64 -> f64"),
    F64_FLOOR(0, 0x9C, "f64.floor", Imm.NONE, "f64 -> f64"),
    F64_TRUNC(0, 0x9D, "f64.trunc", Imm.NONE, "f64 -> f64"),
    F64_NEAREST(0, 0x9E, "f64.nearest", Imm.NONE, "f64 -> f64"),
    F64_SQRT(0, 0x9F, "f64.sqrt", Imm.NONE, "f64 -> f64"),
    F64_ADD(0, 0xA0, "f64.add", Imm.NONE, "f64 f64 -> f64"),
    F64_SUB(0, 0xA1, "f64.sub", Imm.NONE, "f64 f64 -> f64"),
    F64_MUL(0, 0xA2, "f64.mul", Imm.NONE, "f64 f64 -> f64"),
    F64_DIV(0, 0xA3, "f64.div", Imm.NONE, "f64 f64 -> f64"),
    F64_MIN(0, 0xA4, "f64.min", Imm.NONE, "f64 f64 -> f64"),
    F64_MAX(0, 0xA5, "f64.max", Imm.NONE, "f64 f64 -> f64"),
    F64_COPYSIGN(0, 0xA6, "f64.copysign", Imm.NONE, "f64 f64 -> f64"),
    // ---- conversions ----
    I32_WRAP_I64(0, 0xA7, "i32.wrap_i64", Imm.NONE, "i64 -> i32"),
    I32_TRUNC_F32_S(0, 0xA8, "i32.trunc_f32_s", Imm.NONE, "f32 -> i32"),
    I32_TRUNC_F32_U(0, 0xA9, "i32.trunc_f32_u", Imm.NONE, "f32 -> i32"),
    I32_TRUNC_F64_S(0, 0xAA, "i32.trunc_f64_s", Imm.NONE, "f64 -> i32"),
    I32_TRUNC_F64_U(0, 0xAB, "i32.trunc_f64_u", Imm.NONE, "f64 -> i32"),
    I64_EXTEND_I32_S(0, 0xAC, "i64.extend_i32_s", Imm.NONE, "i32 -> i64"),
    I64_EXTEND_I32_U(0, 0xAD, "i64.extend_i32_u", Imm.NONE, "i32 -> i64"),
    I64_TRUNC_F32_S(0, 0xAE, "i64.trunc_f32_s", Imm.NONE, "f32 -> i64"),
    I64_TRUNC_F32_U(0, 0xAF, "i64.trunc_f32_u", Imm.NONE, "f32 -> i64"),
    I64_TRUNC_F64_S(0, 0xB0, "i64.trunc_f64_s", Imm.NONE, "f64 -> i64"),
    I64_TRUNC_F64_U(0, 0xB1, "i64.trunc_f64_u", Imm.NONE, "f64 -> i64"),
    F32_CONVERT_I32_S(0, 0xB2, "f32.convert_i32_s", Imm.NONE, "i32 -> f32"),
    F32_CONVERT_I32_U(0, 0xB3, "f32.convert_i32_u", Imm.NONE, "i32 -> f32"),
    F32_CONVERT_I64_S(0, 0xB4, "f32.convert_i64_s", Imm.NONE, "i64 -> f32"),
    F32_CONVERT_I64_U(0, 0xB5, "f32.convert_i64_u", Imm.NONE, "i64 -> f32"),
    F32_DEMOTE_F64(0, 0xB6, "f32.demote_f64", Imm.NONE, "f64 -> f32"),
    F64_CONVERT_I32_S(0, 0xB7, "f64.convert_i32_s", Imm.NONE, "i32 -> f64"),
    F64_CONVERT_I32_U(0, 0xB8, "f64.convert_i32_u", Imm.NONE, "i32 -> f64"),
    F64_CONVERT_I64_S(0, 0xB9, "f64.convert_i64_s", Imm.NONE, "i64 -> f64"),
    F64_CONVERT_I64_U(0, 0xBA, "f64.convert_i64_u", Imm.NONE, "i64 -> f64"),
    F64_PROMOTE_F32(0, 0xBB, "f64.promote_f32", Imm.NONE, "f32 -> f64"),
    I32_REINTERPRET_F32(0, 0xBC, "i32.reinterpret_f32", Imm.NONE, "f32 -> i32"),
    I64_REINTERPRET_F64(0, 0xBD, "i64.reinterpret_f64", Imm.NONE, "f64 -> i64"),
    F32_REINTERPRET_I32(0, 0xBE, "f32.reinterpret_i32", Imm.NONE, "i32 -> f32"),
    F64_REINTERPRET_I64(0, 0xBF, "f64.reinterpret_i64", Imm.NONE, "i64 -> f64"),
    I32_EXTEND8_S(0, 0xC0, "i32.extend8_s", Imm.NONE, "i32 -> i32"),
    I32_EXTEND16_S(0, 0xC1, "i32.extend16_s", Imm.NONE, "i32 -> i32"),
    I64_EXTEND8_S(0, 0xC2, "i64.extend8_s", Imm.NONE, "i64 -> i64"),
    I64_EXTEND16_S(0, 0xC3, "i64.extend16_s", Imm.NONE, "i64 -> i64"),
    I64_EXTEND32_S(0, 0xC4, "i64.extend32_s", Imm.NONE, "i64 -> i64"),
    // ---- references (0xD0 - 0xD6) ----
    REF_NULL(0, 0xD0, "ref.null", Imm.HEAP_TYPE, null),
    REF_IS_NULL(0, 0xD1, "ref.is_null", Imm.NONE, null),
    REF_FUNC(0, 0xD2, "ref.func", Imm.INDEX, null),
    REF_EQ(0, 0xD3, "ref.eq", Imm.NONE, null),
    REF_AS_NON_NULL(0, 0xD4, "ref.as_non_null", Imm.NONE, null),
    BR_ON_NULL(0, 0xD5, "br_on_null", Imm.LABEL, null),
    BR_ON_NON_NULL(0, 0xD6, "br_on_non_null", Imm.LABEL, null),
    // ---- 0xFB: garbage collection ----
    STRUCT_NEW(0xFB, 0, "struct.new", Imm.INDEX, null),
    STRUCT_NEW_DEFAULT(0xFB, 1, "struct.new_default", Imm.INDEX, null),
    STRUCT_GET(0xFB, 2, "struct.get", Imm.INDEX_PAIR, null),
    STRUCT_GET_S(0xFB, 3, "struct.get_s", Imm.INDEX_PAIR, null),
    STRUCT_GET_U(0xFB, 4, "struct.get_u", Imm.INDEX_PAIR, null),
    STRUCT_SET(0xFB, 5, "struct.set", Imm.INDEX_PAIR, null),
    ARRAY_NEW(0xFB, 6, "array.new", Imm.INDEX, null),
    ARRAY_NEW_DEFAULT(0xFB, 7, "array.new_default", Imm.INDEX, null),
    ARRAY_NEW_FIXED(0xFB, 8, "array.new_fixed", Imm.INDEX_PAIR, null),
    ARRAY_NEW_DATA(0xFB, 9, "array.new_data", Imm.INDEX_PAIR, null),
    ARRAY_NEW_ELEM(0xFB, 10, "array.new_elem", Imm.INDEX_PAIR, null),
    ARRAY_GET(0xFB, 11, "array.get", Imm.INDEX, null),
    ARRAY_GET_S(0xFB, 12, "array.get_s", Imm.INDEX, null),
    ARRAY_GET_U(0xFB, 13, "array.get_u", Imm.INDEX, null),
    ARRAY_SET(0xFB, 14, "array.set", Imm.INDEX, null),
    ARRAY_LEN(0xFB, 15, "array.len", Imm.NONE, null),
    ARRAY_FILL(0xFB, 16, "array.fill", Imm.INDEX, null),
    ARRAY_COPY(0xFB, 17, "array.copy", Imm.INDEX_PAIR, null),
    ARRAY_INIT_DATA(0xFB, 18, "array.init_data", Imm.INDEX_PAIR, null),
    ARRAY_INIT_ELEM(0xFB, 19, "array.init_elem", Imm.INDEX_PAIR, null),
    REF_TEST(0xFB, 20, "ref.test", Imm.HEAP_TYPE, null),
    REF_TEST_NULL(0xFB, 21, "ref.test", Imm.HEAP_TYPE, null),
    REF_CAST(0xFB, 22, "ref.cast", Imm.HEAP_TYPE, null),
    REF_CAST_NULL(0xFB, 23, "ref.cast", Imm.HEAP_TYPE, null),
    BR_ON_CAST(0xFB, 24, "br_on_cast", Imm.BR_ON_CAST, null),
    BR_ON_CAST_FAIL(0xFB, 25, "br_on_cast_fail", Imm.BR_ON_CAST, null),
    ANY_CONVERT_EXTERN(0xFB, 26, "any.convert_extern", Imm.NONE, null),
    EXTERN_CONVERT_ANY(0xFB, 27, "extern.convert_any", Imm.NONE, null),
    REF_I31(0xFB, 28, "ref.i31", Imm.NONE, null),
    I31_GET_S(0xFB, 29, "i31.get_s", Imm.NONE, null),
    I31_GET_U(0xFB, 30, "i31.get_u", Imm.NONE, null),
    // ---- 0xFC: saturating truncation, bulk memory and tables, wide arithmetic ----
    I32_TRUNC_SAT_F32_S(0xFC, 0, "i32.trunc_sat_f32_s", Imm.NONE, "f32 -> i32"),
    I32_TRUNC_SAT_F32_U(0xFC, 1, "i32.trunc_sat_f32_u", Imm.NONE, "f32 -> i32"),
    I32_TRUNC_SAT_F64_S(0xFC, 2, "i32.trunc_sat_f64_s", Imm.NONE, "f64 -> i32"),
    I32_TRUNC_SAT_F64_U(0xFC, 3, "i32.trunc_sat_f64_u", Imm.NONE, "f64 -> i32"),
    I64_TRUNC_SAT_F32_S(0xFC, 4, "i64.trunc_sat_f32_s", Imm.NONE, "f32 -> i64"),
    I64_TRUNC_SAT_F32_U(0xFC, 5, "i64.trunc_sat_f32_u", Imm.NONE, "f32 -> i64"),
    I64_TRUNC_SAT_F64_S(0xFC, 6, "i64.trunc_sat_f64_s", Imm.NONE, "f64 -> i64"),
    I64_TRUNC_SAT_F64_U(0xFC, 7, "i64.trunc_sat_f64_u", Imm.NONE, "f64 -> i64"),
    MEMORY_INIT(0xFC, 8, "memory.init", Imm.INDEX_PAIR, null),
    DATA_DROP(0xFC, 9, "data.drop", Imm.INDEX, null),
    MEMORY_COPY(0xFC, 10, "memory.copy", Imm.INDEX_PAIR, null),
    MEMORY_FILL(0xFC, 11, "memory.fill", Imm.INDEX, null),
    TABLE_INIT(0xFC, 12, "table.init", Imm.INDEX_PAIR, null),
    ELEM_DROP(0xFC, 13, "elem.drop", Imm.INDEX, null),
    TABLE_COPY(0xFC, 14, "table.copy", Imm.INDEX_PAIR, null),
    TABLE_GROW(0xFC, 15, "table.grow", Imm.INDEX, null),
    TABLE_SIZE(0xFC, 16, "table.size", Imm.INDEX, null),
    TABLE_FILL(0xFC, 17, "table.fill", Imm.INDEX, null),
    I64_ADD128(0xFC, 19, "i64.add128", Imm.NONE, "i64 i64 i64 i64 -> i64 i64"),
    I64_SUB128(0xFC, 20, "i64.sub128", Imm.NONE, "i64 i64 i64 i64 -> i64 i64"),
    I64_MUL_WIDE_S(0xFC, 21, "i64.mul_wide_s", Imm.NONE, "i64 i64 -> i64 i64"),
    I64_MUL_WIDE_U(0xFC, 22, "i64.mul_wide_u", Imm.NONE, "i64 i64 -> i64 i64"),
    // ---- 0xFD: SIMD (memory signatures exclude the address) ----
    V128_LOAD(0xFD, 0, "v128.load", Imm.MEMARG, "-> v128"),
    V128_LOAD8X8_S(0xFD, 1, "v128.load8x8_s", Imm.MEMARG, "-> v128"),
    V128_LOAD8X8_U(0xFD, 2, "v128.load8x8_u", Imm.MEMARG, "-> v128"),
    V128_LOAD16X4_S(0xFD, 3, "v128.load16x4_s", Imm.MEMARG, "-> v128"),
    V128_LOAD16X4_U(0xFD, 4, "v128.load16x4_u", Imm.MEMARG, "-> v128"),
    V128_LOAD32X2_S(0xFD, 5, "v128.load32x2_s", Imm.MEMARG, "-> v128"),
    V128_LOAD32X2_U(0xFD, 6, "v128.load32x2_u", Imm.MEMARG, "-> v128"),
    V128_LOAD8_SPLAT(0xFD, 7, "v128.load8_splat", Imm.MEMARG, "-> v128"),
    V128_LOAD16_SPLAT(0xFD, 8, "v128.load16_splat", Imm.MEMARG, "-> v128"),
    V128_LOAD32_SPLAT(0xFD, 9, "v128.load32_splat", Imm.MEMARG, "-> v128"),
    V128_LOAD64_SPLAT(0xFD, 10, "v128.load64_splat", Imm.MEMARG, "-> v128"),
    V128_STORE(0xFD, 11, "v128.store", Imm.MEMARG, "v128 ->"),
    V128_CONST(0xFD, 12, "v128.const", Imm.V128, "-> v128"),
    I8X16_SHUFFLE(0xFD, 13, "i8x16.shuffle", Imm.SHUFFLE, "v128 v128 -> v128"),
    I8X16_SWIZZLE(0xFD, 14, "i8x16.swizzle", Imm.NONE, "v128 v128 -> v128"),
    I8X16_SPLAT(0xFD, 15, "i8x16.splat", Imm.NONE, "i32 -> v128"),
    I16X8_SPLAT(0xFD, 16, "i16x8.splat", Imm.NONE, "i32 -> v128"),
    I32X4_SPLAT(0xFD, 17, "i32x4.splat", Imm.NONE, "i32 -> v128"),
    I64X2_SPLAT(0xFD, 18, "i64x2.splat", Imm.NONE, "i64 -> v128"),
    F32X4_SPLAT(0xFD, 19, "f32x4.splat", Imm.NONE, "f32 -> v128"),
    F64X2_SPLAT(0xFD, 20, "f64x2.splat", Imm.NONE, "f64 -> v128"),
    I8X16_EXTRACT_LANE_S(0xFD, 21, "i8x16.extract_lane_s", Imm.LANE, "v128 -> i32"),
    I8X16_EXTRACT_LANE_U(0xFD, 22, "i8x16.extract_lane_u", Imm.LANE, "v128 -> i32"),
    I8X16_REPLACE_LANE(0xFD, 23, "i8x16.replace_lane", Imm.LANE, "v128 i32 -> v128"),
    I16X8_EXTRACT_LANE_S(0xFD, 24, "i16x8.extract_lane_s", Imm.LANE, "v128 -> i32"),
    I16X8_EXTRACT_LANE_U(0xFD, 25, "i16x8.extract_lane_u", Imm.LANE, "v128 -> i32"),
    I16X8_REPLACE_LANE(0xFD, 26, "i16x8.replace_lane", Imm.LANE, "v128 i32 -> v128"),
    I32X4_EXTRACT_LANE(0xFD, 27, "i32x4.extract_lane", Imm.LANE, "v128 -> i32"),
    I32X4_REPLACE_LANE(0xFD, 28, "i32x4.replace_lane", Imm.LANE, "v128 i32 -> v128"),
    I64X2_EXTRACT_LANE(0xFD, 29, "i64x2.extract_lane", Imm.LANE, "v128 -> i64"),
    I64X2_REPLACE_LANE(0xFD, 30, "i64x2.replace_lane", Imm.LANE, "v128 i64 -> v128"),
    F32X4_EXTRACT_LANE(0xFD, 31, "f32x4.extract_lane", Imm.LANE, "v128 -> f32"),
    F32X4_REPLACE_LANE(0xFD, 32, "f32x4.replace_lane", Imm.LANE, "v128 f32 -> v128"),
    F64X2_EXTRACT_LANE(0xFD, 33, "f64x2.extract_lane", Imm.LANE, "v128 -> f64"),
    F64X2_REPLACE_LANE(0xFD, 34, "f64x2.replace_lane", Imm.LANE, "v128 f64 -> v128"),
    I8X16_EQ(0xFD, 35, "i8x16.eq", Imm.NONE, "v128 v128 -> v128"),
    I8X16_NE(0xFD, 36, "i8x16.ne", Imm.NONE, "v128 v128 -> v128"),
    I8X16_LT_S(0xFD, 37, "i8x16.lt_s", Imm.NONE, "v128 v128 -> v128"),
    I8X16_LT_U(0xFD, 38, "i8x16.lt_u", Imm.NONE, "v128 v128 -> v128"),
    I8X16_GT_S(0xFD, 39, "i8x16.gt_s", Imm.NONE, "v128 v128 -> v128"),
    I8X16_GT_U(0xFD, 40, "i8x16.gt_u", Imm.NONE, "v128 v128 -> v128"),
    I8X16_LE_S(0xFD, 41, "i8x16.le_s", Imm.NONE, "v128 v128 -> v128"),
    I8X16_LE_U(0xFD, 42, "i8x16.le_u", Imm.NONE, "v128 v128 -> v128"),
    I8X16_GE_S(0xFD, 43, "i8x16.ge_s", Imm.NONE, "v128 v128 -> v128"),
    I8X16_GE_U(0xFD, 44, "i8x16.ge_u", Imm.NONE, "v128 v128 -> v128"),
    I16X8_EQ(0xFD, 45, "i16x8.eq", Imm.NONE, "v128 v128 -> v128"),
    I16X8_NE(0xFD, 46, "i16x8.ne", Imm.NONE, "v128 v128 -> v128"),
    I16X8_LT_S(0xFD, 47, "i16x8.lt_s", Imm.NONE, "v128 v128 -> v128"),
    I16X8_LT_U(0xFD, 48, "i16x8.lt_u", Imm.NONE, "v128 v128 -> v128"),
    I16X8_GT_S(0xFD, 49, "i16x8.gt_s", Imm.NONE, "v128 v128 -> v128"),
    I16X8_GT_U(0xFD, 50, "i16x8.gt_u", Imm.NONE, "v128 v128 -> v128"),
    I16X8_LE_S(0xFD, 51, "i16x8.le_s", Imm.NONE, "v128 v128 -> v128"),
    I16X8_LE_U(0xFD, 52, "i16x8.le_u", Imm.NONE, "v128 v128 -> v128"),
    I16X8_GE_S(0xFD, 53, "i16x8.ge_s", Imm.NONE, "v128 v128 -> v128"),
    I16X8_GE_U(0xFD, 54, "i16x8.ge_u", Imm.NONE, "v128 v128 -> v128"),
    I32X4_EQ(0xFD, 55, "i32x4.eq", Imm.NONE, "v128 v128 -> v128"),
    I32X4_NE(0xFD, 56, "i32x4.ne", Imm.NONE, "v128 v128 -> v128"),
    I32X4_LT_S(0xFD, 57, "i32x4.lt_s", Imm.NONE, "v128 v128 -> v128"),
    I32X4_LT_U(0xFD, 58, "i32x4.lt_u", Imm.NONE, "v128 v128 -> v128"),
    I32X4_GT_S(0xFD, 59, "i32x4.gt_s", Imm.NONE, "v128 v128 -> v128"),
    I32X4_GT_U(0xFD, 60, "i32x4.gt_u", Imm.NONE, "v128 v128 -> v128"),
    I32X4_LE_S(0xFD, 61, "i32x4.le_s", Imm.NONE, "v128 v128 -> v128"),
    I32X4_LE_U(0xFD, 62, "i32x4.le_u", Imm.NONE, "v128 v128 -> v128"),
    I32X4_GE_S(0xFD, 63, "i32x4.ge_s", Imm.NONE, "v128 v128 -> v128"),
    I32X4_GE_U(0xFD, 64, "i32x4.ge_u", Imm.NONE, "v128 v128 -> v128"),
    F32X4_EQ(0xFD, 65, "f32x4.eq", Imm.NONE, "v128 v128 -> v128"),
    F32X4_NE(0xFD, 66, "f32x4.ne", Imm.NONE, "v128 v128 -> v128"),
    F32X4_LT(0xFD, 67, "f32x4.lt", Imm.NONE, "v128 v128 -> v128"),
    F32X4_GT(0xFD, 68, "f32x4.gt", Imm.NONE, "v128 v128 -> v128"),
    F32X4_LE(0xFD, 69, "f32x4.le", Imm.NONE, "v128 v128 -> v128"),
    F32X4_GE(0xFD, 70, "f32x4.ge", Imm.NONE, "v128 v128 -> v128"),
    F64X2_EQ(0xFD, 71, "f64x2.eq", Imm.NONE, "v128 v128 -> v128"),
    F64X2_NE(0xFD, 72, "f64x2.ne", Imm.NONE, "v128 v128 -> v128"),
    F64X2_LT(0xFD, 73, "f64x2.lt", Imm.NONE, "v128 v128 -> v128"),
    F64X2_GT(0xFD, 74, "f64x2.gt", Imm.NONE, "v128 v128 -> v128"),
    F64X2_LE(0xFD, 75, "f64x2.le", Imm.NONE, "v128 v128 -> v128"),
    F64X2_GE(0xFD, 76, "f64x2.ge", Imm.NONE, "v128 v128 -> v128"),
    V128_NOT(0xFD, 77, "v128.not", Imm.NONE, "v128 -> v128"),
    V128_AND(0xFD, 78, "v128.and", Imm.NONE, "v128 v128 -> v128"),
    V128_ANDNOT(0xFD, 79, "v128.andnot", Imm.NONE, "v128 v128 -> v128"),
    V128_OR(0xFD, 80, "v128.or", Imm.NONE, "v128 v128 -> v128"),
    V128_XOR(0xFD, 81, "v128.xor", Imm.NONE, "v128 v128 -> v128"),
    V128_BITSELECT(0xFD, 82, "v128.bitselect", Imm.NONE, "v128 v128 v128 -> v128"),
    V128_ANY_TRUE(0xFD, 83, "v128.any_true", Imm.NONE, "v128 -> i32"),
    V128_LOAD8_LANE(0xFD, 84, "v128.load8_lane", Imm.MEMARG_LANE, "v128 -> v128"),
    V128_LOAD16_LANE(0xFD, 85, "v128.load16_lane", Imm.MEMARG_LANE, "v128 -> v128"),
    V128_LOAD32_LANE(0xFD, 86, "v128.load32_lane", Imm.MEMARG_LANE, "v128 -> v128"),
    V128_LOAD64_LANE(0xFD, 87, "v128.load64_lane", Imm.MEMARG_LANE, "v128 -> v128"),
    V128_STORE8_LANE(0xFD, 88, "v128.store8_lane", Imm.MEMARG_LANE, "v128 ->"),
    V128_STORE16_LANE(0xFD, 89, "v128.store16_lane", Imm.MEMARG_LANE, "v128 ->"),
    V128_STORE32_LANE(0xFD, 90, "v128.store32_lane", Imm.MEMARG_LANE, "v128 ->"),
    V128_STORE64_LANE(0xFD, 91, "v128.store64_lane", Imm.MEMARG_LANE, "v128 ->"),
    V128_LOAD32_ZERO(0xFD, 92, "v128.load32_zero", Imm.MEMARG, "-> v128"),
    V128_LOAD64_ZERO(0xFD, 93, "v128.load64_zero", Imm.MEMARG, "-> v128"),
    F32X4_DEMOTE_F64X2_ZERO(0xFD, 94, "f32x4.demote_f64x2_zero", Imm.NONE, "v128 -> v128"),
    F64X2_PROMOTE_LOW_F32X4(0xFD, 95, "f64x2.promote_low_f32x4", Imm.NONE, "v128 -> v128"),
    I8X16_ABS(0xFD, 96, "i8x16.abs", Imm.NONE, "v128 -> v128"),
    I8X16_NEG(0xFD, 97, "i8x16.neg", Imm.NONE, "v128 -> v128"),
    I8X16_POPCNT(0xFD, 98, "i8x16.popcnt", Imm.NONE, "v128 -> v128"),
    I8X16_ALL_TRUE(0xFD, 99, "i8x16.all_true", Imm.NONE, "v128 -> i32"),
    I8X16_BITMASK(0xFD, 100, "i8x16.bitmask", Imm.NONE, "v128 -> i32"),
    I8X16_NARROW_I16X8_S(0xFD, 101, "i8x16.narrow_i16x8_s", Imm.NONE, "v128 v128 -> v128"),
    I8X16_NARROW_I16X8_U(0xFD, 102, "i8x16.narrow_i16x8_u", Imm.NONE, "v128 v128 -> v128"),
    F32X4_CEIL(0xFD, 103, "f32x4.ceil", Imm.NONE, "v128 -> v128"),
    F32X4_FLOOR(0xFD, 104, "f32x4.floor", Imm.NONE, "v128 -> v128"),
    F32X4_TRUNC(0xFD, 105, "f32x4.trunc", Imm.NONE, "v128 -> v128"),
    F32X4_NEAREST(0xFD, 106, "f32x4.nearest", Imm.NONE, "v128 -> v128"),
    I8X16_SHL(0xFD, 107, "i8x16.shl", Imm.NONE, "v128 i32 -> v128"),
    I8X16_SHR_S(0xFD, 108, "i8x16.shr_s", Imm.NONE, "v128 i32 -> v128"),
    I8X16_SHR_U(0xFD, 109, "i8x16.shr_u", Imm.NONE, "v128 i32 -> v128"),
    I8X16_ADD(0xFD, 110, "i8x16.add", Imm.NONE, "v128 v128 -> v128"),
    I8X16_ADD_SAT_S(0xFD, 111, "i8x16.add_sat_s", Imm.NONE, "v128 v128 -> v128"),
    I8X16_ADD_SAT_U(0xFD, 112, "i8x16.add_sat_u", Imm.NONE, "v128 v128 -> v128"),
    I8X16_SUB(0xFD, 113, "i8x16.sub", Imm.NONE, "v128 v128 -> v128"),
    I8X16_SUB_SAT_S(0xFD, 114, "i8x16.sub_sat_s", Imm.NONE, "v128 v128 -> v128"),
    I8X16_SUB_SAT_U(0xFD, 115, "i8x16.sub_sat_u", Imm.NONE, "v128 v128 -> v128"),
    F64X2_CEIL(0xFD, 116, "f64x2.ceil", Imm.NONE, "v128 -> v128"),
    F64X2_FLOOR(0xFD, 117, "f64x2.floor", Imm.NONE, "v128 -> v128"),
    I8X16_MIN_S(0xFD, 118, "i8x16.min_s", Imm.NONE, "v128 v128 -> v128"),
    I8X16_MIN_U(0xFD, 119, "i8x16.min_u", Imm.NONE, "v128 v128 -> v128"),
    I8X16_MAX_S(0xFD, 120, "i8x16.max_s", Imm.NONE, "v128 v128 -> v128"),
    I8X16_MAX_U(0xFD, 121, "i8x16.max_u", Imm.NONE, "v128 v128 -> v128"),
    F64X2_TRUNC(0xFD, 122, "f64x2.trunc", Imm.NONE, "v128 -> v128"),
    I8X16_AVGR_U(0xFD, 123, "i8x16.avgr_u", Imm.NONE, "v128 v128 -> v128"),
    I16X8_EXTADD_PAIRWISE_I8X16_S(0xFD, 124, "i16x8.extadd_pairwise_i8x16_s", Imm.NONE, "v128 -> v128"),
    I16X8_EXTADD_PAIRWISE_I8X16_U(0xFD, 125, "i16x8.extadd_pairwise_i8x16_u", Imm.NONE, "v128 -> v128"),
    I32X4_EXTADD_PAIRWISE_I16X8_S(0xFD, 126, "i32x4.extadd_pairwise_i16x8_s", Imm.NONE, "v128 -> v128"),
    I32X4_EXTADD_PAIRWISE_I16X8_U(0xFD, 127, "i32x4.extadd_pairwise_i16x8_u", Imm.NONE, "v128 -> v128"),
    I16X8_ABS(0xFD, 128, "i16x8.abs", Imm.NONE, "v128 -> v128"),
    I16X8_NEG(0xFD, 129, "i16x8.neg", Imm.NONE, "v128 -> v128"),
    I16X8_Q15MULR_SAT_S(0xFD, 130, "i16x8.q15mulr_sat_s", Imm.NONE, "v128 v128 -> v128"),
    I16X8_ALL_TRUE(0xFD, 131, "i16x8.all_true", Imm.NONE, "v128 -> i32"),
    I16X8_BITMASK(0xFD, 132, "i16x8.bitmask", Imm.NONE, "v128 -> i32"),
    I16X8_NARROW_I32X4_S(0xFD, 133, "i16x8.narrow_i32x4_s", Imm.NONE, "v128 v128 -> v128"),
    I16X8_NARROW_I32X4_U(0xFD, 134, "i16x8.narrow_i32x4_u", Imm.NONE, "v128 v128 -> v128"),
    I16X8_EXTEND_LOW_I8X16_S(0xFD, 135, "i16x8.extend_low_i8x16_s", Imm.NONE, "v128 -> v128"),
    I16X8_EXTEND_HIGH_I8X16_S(0xFD, 136, "i16x8.extend_high_i8x16_s", Imm.NONE, "v128 -> v128"),
    I16X8_EXTEND_LOW_I8X16_U(0xFD, 137, "i16x8.extend_low_i8x16_u", Imm.NONE, "v128 -> v128"),
    I16X8_EXTEND_HIGH_I8X16_U(0xFD, 138, "i16x8.extend_high_i8x16_u", Imm.NONE, "v128 -> v128"),
    I16X8_SHL(0xFD, 139, "i16x8.shl", Imm.NONE, "v128 i32 -> v128"),
    I16X8_SHR_S(0xFD, 140, "i16x8.shr_s", Imm.NONE, "v128 i32 -> v128"),
    I16X8_SHR_U(0xFD, 141, "i16x8.shr_u", Imm.NONE, "v128 i32 -> v128"),
    I16X8_ADD(0xFD, 142, "i16x8.add", Imm.NONE, "v128 v128 -> v128"),
    I16X8_ADD_SAT_S(0xFD, 143, "i16x8.add_sat_s", Imm.NONE, "v128 v128 -> v128"),
    I16X8_ADD_SAT_U(0xFD, 144, "i16x8.add_sat_u", Imm.NONE, "v128 v128 -> v128"),
    I16X8_SUB(0xFD, 145, "i16x8.sub", Imm.NONE, "v128 v128 -> v128"),
    I16X8_SUB_SAT_S(0xFD, 146, "i16x8.sub_sat_s", Imm.NONE, "v128 v128 -> v128"),
    I16X8_SUB_SAT_U(0xFD, 147, "i16x8.sub_sat_u", Imm.NONE, "v128 v128 -> v128"),
    F64X2_NEAREST(0xFD, 148, "f64x2.nearest", Imm.NONE, "v128 -> v128"),
    I16X8_MUL(0xFD, 149, "i16x8.mul", Imm.NONE, "v128 v128 -> v128"),
    I16X8_MIN_S(0xFD, 150, "i16x8.min_s", Imm.NONE, "v128 v128 -> v128"),
    I16X8_MIN_U(0xFD, 151, "i16x8.min_u", Imm.NONE, "v128 v128 -> v128"),
    I16X8_MAX_S(0xFD, 152, "i16x8.max_s", Imm.NONE, "v128 v128 -> v128"),
    I16X8_MAX_U(0xFD, 153, "i16x8.max_u", Imm.NONE, "v128 v128 -> v128"),
    I16X8_AVGR_U(0xFD, 155, "i16x8.avgr_u", Imm.NONE, "v128 v128 -> v128"),
    I16X8_EXTMUL_LOW_I8X16_S(0xFD, 156, "i16x8.extmul_low_i8x16_s", Imm.NONE, "v128 v128 -> v128"),
    I16X8_EXTMUL_HIGH_I8X16_S(0xFD, 157, "i16x8.extmul_high_i8x16_s", Imm.NONE, "v128 v128 -> v128"),
    I16X8_EXTMUL_LOW_I8X16_U(0xFD, 158, "i16x8.extmul_low_i8x16_u", Imm.NONE, "v128 v128 -> v128"),
    I16X8_EXTMUL_HIGH_I8X16_U(0xFD, 159, "i16x8.extmul_high_i8x16_u", Imm.NONE, "v128 v128 -> v128"),
    I32X4_ABS(0xFD, 160, "i32x4.abs", Imm.NONE, "v128 -> v128"),
    I32X4_NEG(0xFD, 161, "i32x4.neg", Imm.NONE, "v128 -> v128"),
    I32X4_ALL_TRUE(0xFD, 163, "i32x4.all_true", Imm.NONE, "v128 -> i32"),
    I32X4_BITMASK(0xFD, 164, "i32x4.bitmask", Imm.NONE, "v128 -> i32"),
    I32X4_EXTEND_LOW_I16X8_S(0xFD, 167, "i32x4.extend_low_i16x8_s", Imm.NONE, "v128 -> v128"),
    I32X4_EXTEND_HIGH_I16X8_S(0xFD, 168, "i32x4.extend_high_i16x8_s", Imm.NONE, "v128 -> v128"),
    I32X4_EXTEND_LOW_I16X8_U(0xFD, 169, "i32x4.extend_low_i16x8_u", Imm.NONE, "v128 -> v128"),
    I32X4_EXTEND_HIGH_I16X8_U(0xFD, 170, "i32x4.extend_high_i16x8_u", Imm.NONE, "v128 -> v128"),
    I32X4_SHL(0xFD, 171, "i32x4.shl", Imm.NONE, "v128 i32 -> v128"),
    I32X4_SHR_S(0xFD, 172, "i32x4.shr_s", Imm.NONE, "v128 i32 -> v128"),
    I32X4_SHR_U(0xFD, 173, "i32x4.shr_u", Imm.NONE, "v128 i32 -> v128"),
    I32X4_ADD(0xFD, 174, "i32x4.add", Imm.NONE, "v128 v128 -> v128"),
    I32X4_SUB(0xFD, 177, "i32x4.sub", Imm.NONE, "v128 v128 -> v128"),
    I32X4_MUL(0xFD, 181, "i32x4.mul", Imm.NONE, "v128 v128 -> v128"),
    I32X4_MIN_S(0xFD, 182, "i32x4.min_s", Imm.NONE, "v128 v128 -> v128"),
    I32X4_MIN_U(0xFD, 183, "i32x4.min_u", Imm.NONE, "v128 v128 -> v128"),
    I32X4_MAX_S(0xFD, 184, "i32x4.max_s", Imm.NONE, "v128 v128 -> v128"),
    I32X4_MAX_U(0xFD, 185, "i32x4.max_u", Imm.NONE, "v128 v128 -> v128"),
    I32X4_DOT_I16X8_S(0xFD, 186, "i32x4.dot_i16x8_s", Imm.NONE, "v128 v128 -> v128"),
    I32X4_EXTMUL_LOW_I16X8_S(0xFD, 188, "i32x4.extmul_low_i16x8_s", Imm.NONE, "v128 v128 -> v128"),
    I32X4_EXTMUL_HIGH_I16X8_S(0xFD, 189, "i32x4.extmul_high_i16x8_s", Imm.NONE, "v128 v128 -> v128"),
    I32X4_EXTMUL_LOW_I16X8_U(0xFD, 190, "i32x4.extmul_low_i16x8_u", Imm.NONE, "v128 v128 -> v128"),
    I32X4_EXTMUL_HIGH_I16X8_U(0xFD, 191, "i32x4.extmul_high_i16x8_u", Imm.NONE, "v128 v128 -> v128"),
    I64X2_ABS(0xFD, 192, "i64x2.abs", Imm.NONE, "v128 -> v128"),
    I64X2_NEG(0xFD, 193, "i64x2.neg", Imm.NONE, "v128 -> v128"),
    I64X2_ALL_TRUE(0xFD, 195, "i64x2.all_true", Imm.NONE, "v128 -> i32"),
    I64X2_BITMASK(0xFD, 196, "i64x2.bitmask", Imm.NONE, "v128 -> i32"),
    I64X2_EXTEND_LOW_I32X4_S(0xFD, 199, "i64x2.extend_low_i32x4_s", Imm.NONE, "v128 -> v128"),
    I64X2_EXTEND_HIGH_I32X4_S(0xFD, 200, "i64x2.extend_high_i32x4_s", Imm.NONE, "v128 -> v128"),
    I64X2_EXTEND_LOW_I32X4_U(0xFD, 201, "i64x2.extend_low_i32x4_u", Imm.NONE, "v128 -> v128"),
    I64X2_EXTEND_HIGH_I32X4_U(0xFD, 202, "i64x2.extend_high_i32x4_u", Imm.NONE, "v128 -> v128"),
    I64X2_SHL(0xFD, 203, "i64x2.shl", Imm.NONE, "v128 i32 -> v128"),
    I64X2_SHR_S(0xFD, 204, "i64x2.shr_s", Imm.NONE, "v128 i32 -> v128"),
    I64X2_SHR_U(0xFD, 205, "i64x2.shr_u", Imm.NONE, "v128 i32 -> v128"),
    I64X2_ADD(0xFD, 206, "i64x2.add", Imm.NONE, "v128 v128 -> v128"),
    I64X2_SUB(0xFD, 209, "i64x2.sub", Imm.NONE, "v128 v128 -> v128"),
    I64X2_MUL(0xFD, 213, "i64x2.mul", Imm.NONE, "v128 v128 -> v128"),
    I64X2_EQ(0xFD, 214, "i64x2.eq", Imm.NONE, "v128 v128 -> v128"),
    I64X2_NE(0xFD, 215, "i64x2.ne", Imm.NONE, "v128 v128 -> v128"),
    I64X2_LT_S(0xFD, 216, "i64x2.lt_s", Imm.NONE, "v128 v128 -> v128"),
    I64X2_GT_S(0xFD, 217, "i64x2.gt_s", Imm.NONE, "v128 v128 -> v128"),
    I64X2_LE_S(0xFD, 218, "i64x2.le_s", Imm.NONE, "v128 v128 -> v128"),
    I64X2_GE_S(0xFD, 219, "i64x2.ge_s", Imm.NONE, "v128 v128 -> v128"),
    I64X2_EXTMUL_LOW_I32X4_S(0xFD, 220, "i64x2.extmul_low_i32x4_s", Imm.NONE, "v128 v128 -> v128"),
    I64X2_EXTMUL_HIGH_I32X4_S(0xFD, 221, "i64x2.extmul_high_i32x4_s", Imm.NONE, "v128 v128 -> v128"),
    I64X2_EXTMUL_LOW_I32X4_U(0xFD, 222, "i64x2.extmul_low_i32x4_u", Imm.NONE, "v128 v128 -> v128"),
    I64X2_EXTMUL_HIGH_I32X4_U(0xFD, 223, "i64x2.extmul_high_i32x4_u", Imm.NONE, "v128 v128 -> v128"),
    F32X4_ABS(0xFD, 224, "f32x4.abs", Imm.NONE, "v128 -> v128"),
    F32X4_NEG(0xFD, 225, "f32x4.neg", Imm.NONE, "v128 -> v128"),
    F32X4_SQRT(0xFD, 227, "f32x4.sqrt", Imm.NONE, "v128 -> v128"),
    F32X4_ADD(0xFD, 228, "f32x4.add", Imm.NONE, "v128 v128 -> v128"),
    F32X4_SUB(0xFD, 229, "f32x4.sub", Imm.NONE, "v128 v128 -> v128"),
    F32X4_MUL(0xFD, 230, "f32x4.mul", Imm.NONE, "v128 v128 -> v128"),
    F32X4_DIV(0xFD, 231, "f32x4.div", Imm.NONE, "v128 v128 -> v128"),
    F32X4_MIN(0xFD, 232, "f32x4.min", Imm.NONE, "v128 v128 -> v128"),
    F32X4_MAX(0xFD, 233, "f32x4.max", Imm.NONE, "v128 v128 -> v128"),
    F32X4_PMIN(0xFD, 234, "f32x4.pmin", Imm.NONE, "v128 v128 -> v128"),
    F32X4_PMAX(0xFD, 235, "f32x4.pmax", Imm.NONE, "v128 v128 -> v128"),
    F64X2_ABS(0xFD, 236, "f64x2.abs", Imm.NONE, "v128 -> v128"),
    F64X2_NEG(0xFD, 237, "f64x2.neg", Imm.NONE, "v128 -> v128"),
    F64X2_SQRT(0xFD, 239, "f64x2.sqrt", Imm.NONE, "v128 -> v128"),
    F64X2_ADD(0xFD, 240, "f64x2.add", Imm.NONE, "v128 v128 -> v128"),
    F64X2_SUB(0xFD, 241, "f64x2.sub", Imm.NONE, "v128 v128 -> v128"),
    F64X2_MUL(0xFD, 242, "f64x2.mul", Imm.NONE, "v128 v128 -> v128"),
    F64X2_DIV(0xFD, 243, "f64x2.div", Imm.NONE, "v128 v128 -> v128"),
    F64X2_MIN(0xFD, 244, "f64x2.min", Imm.NONE, "v128 v128 -> v128"),
    F64X2_MAX(0xFD, 245, "f64x2.max", Imm.NONE, "v128 v128 -> v128"),
    F64X2_PMIN(0xFD, 246, "f64x2.pmin", Imm.NONE, "v128 v128 -> v128"),
    F64X2_PMAX(0xFD, 247, "f64x2.pmax", Imm.NONE, "v128 v128 -> v128"),
    I32X4_TRUNC_SAT_F32X4_S(0xFD, 248, "i32x4.trunc_sat_f32x4_s", Imm.NONE, "v128 -> v128"),
    I32X4_TRUNC_SAT_F32X4_U(0xFD, 249, "i32x4.trunc_sat_f32x4_u", Imm.NONE, "v128 -> v128"),
    F32X4_CONVERT_I32X4_S(0xFD, 250, "f32x4.convert_i32x4_s", Imm.NONE, "v128 -> v128"),
    F32X4_CONVERT_I32X4_U(0xFD, 251, "f32x4.convert_i32x4_u", Imm.NONE, "v128 -> v128"),
    I32X4_TRUNC_SAT_F64X2_S_ZERO(0xFD, 252, "i32x4.trunc_sat_f64x2_s_zero", Imm.NONE, "v128 -> v128"),
    I32X4_TRUNC_SAT_F64X2_U_ZERO(0xFD, 253, "i32x4.trunc_sat_f64x2_u_zero", Imm.NONE, "v128 -> v128"),
    F64X2_CONVERT_LOW_I32X4_S(0xFD, 254, "f64x2.convert_low_i32x4_s", Imm.NONE, "v128 -> v128"),
    F64X2_CONVERT_LOW_I32X4_U(0xFD, 255, "f64x2.convert_low_i32x4_u", Imm.NONE, "v128 -> v128"),
    // ---- 0xFD: relaxed SIMD ----
    I8X16_RELAXED_SWIZZLE(0xFD, 0x100, "i8x16.relaxed_swizzle", Imm.NONE, "v128 v128 -> v128"),
    I32X4_RELAXED_TRUNC_F32X4_S(0xFD, 0x101, "i32x4.relaxed_trunc_f32x4_s", Imm.NONE, "v128 -> v128"),
    I32X4_RELAXED_TRUNC_F32X4_U(0xFD, 0x102, "i32x4.relaxed_trunc_f32x4_u", Imm.NONE, "v128 -> v128"),
    I32X4_RELAXED_TRUNC_F64X2_S_ZERO(0xFD, 0x103, "i32x4.relaxed_trunc_f64x2_s_zero", Imm.NONE, "v128 -> v128"),
    I32X4_RELAXED_TRUNC_F64X2_U_ZERO(0xFD, 0x104, "i32x4.relaxed_trunc_f64x2_u_zero", Imm.NONE, "v128 -> v128"),
    F32X4_RELAXED_MADD(0xFD, 0x105, "f32x4.relaxed_madd", Imm.NONE, "v128 v128 v128 -> v128"),
    F32X4_RELAXED_NMADD(0xFD, 0x106, "f32x4.relaxed_nmadd", Imm.NONE, "v128 v128 v128 -> v128"),
    F64X2_RELAXED_MADD(0xFD, 0x107, "f64x2.relaxed_madd", Imm.NONE, "v128 v128 v128 -> v128"),
    F64X2_RELAXED_NMADD(0xFD, 0x108, "f64x2.relaxed_nmadd", Imm.NONE, "v128 v128 v128 -> v128"),
    I8X16_RELAXED_LANESELECT(0xFD, 0x109, "i8x16.relaxed_laneselect", Imm.NONE, "v128 v128 v128 -> v128"),
    I16X8_RELAXED_LANESELECT(0xFD, 0x10A, "i16x8.relaxed_laneselect", Imm.NONE, "v128 v128 v128 -> v128"),
    I32X4_RELAXED_LANESELECT(0xFD, 0x10B, "i32x4.relaxed_laneselect", Imm.NONE, "v128 v128 v128 -> v128"),
    I64X2_RELAXED_LANESELECT(0xFD, 0x10C, "i64x2.relaxed_laneselect", Imm.NONE, "v128 v128 v128 -> v128"),
    F32X4_RELAXED_MIN(0xFD, 0x10D, "f32x4.relaxed_min", Imm.NONE, "v128 v128 -> v128"),
    F32X4_RELAXED_MAX(0xFD, 0x10E, "f32x4.relaxed_max", Imm.NONE, "v128 v128 -> v128"),
    F64X2_RELAXED_MIN(0xFD, 0x10F, "f64x2.relaxed_min", Imm.NONE, "v128 v128 -> v128"),
    F64X2_RELAXED_MAX(0xFD, 0x110, "f64x2.relaxed_max", Imm.NONE, "v128 v128 -> v128"),
    I16X8_RELAXED_Q15MULR_S(0xFD, 0x111, "i16x8.relaxed_q15mulr_s", Imm.NONE, "v128 v128 -> v128"),
    I16X8_RELAXED_DOT_I8X16_I7X16_S(0xFD, 0x112, "i16x8.relaxed_dot_i8x16_i7x16_s", Imm.NONE, "v128 v128 -> v128"),
    I32X4_RELAXED_DOT_I8X16_I7X16_ADD_S(0xFD, 0x113, "i32x4.relaxed_dot_i8x16_i7x16_add_s", Imm.NONE, "v128 v128 v128 -> v128"),
    // ---- 0xFE: threads (signatures exclude the address) ----
    MEMORY_ATOMIC_NOTIFY(0xFE, 0, "memory.atomic.notify", Imm.MEMARG, "i32 -> i32"),
    MEMORY_ATOMIC_WAIT32(0xFE, 1, "memory.atomic.wait32", Imm.MEMARG, "i32 i64 -> i32"),
    MEMORY_ATOMIC_WAIT64(0xFE, 2, "memory.atomic.wait64", Imm.MEMARG, "i64 i64 -> i32"),
    ATOMIC_FENCE(0xFE, 3, "atomic.fence", Imm.ZERO_BYTE, "->"),
    I32_ATOMIC_LOAD(0xFE, 16, "i32.atomic.load", Imm.MEMARG, "-> i32"),
    I64_ATOMIC_LOAD(0xFE, 17, "i64.atomic.load", Imm.MEMARG, "-> i64"),
    I32_ATOMIC_LOAD8_U(0xFE, 18, "i32.atomic.load8_u", Imm.MEMARG, "-> i32"),
    I32_ATOMIC_LOAD16_U(0xFE, 19, "i32.atomic.load16_u", Imm.MEMARG, "-> i32"),
    I64_ATOMIC_LOAD8_U(0xFE, 20, "i64.atomic.load8_u", Imm.MEMARG, "-> i64"),
    I64_ATOMIC_LOAD16_U(0xFE, 21, "i64.atomic.load16_u", Imm.MEMARG, "-> i64"),
    I64_ATOMIC_LOAD32_U(0xFE, 22, "i64.atomic.load32_u", Imm.MEMARG, "-> i64"),
    I32_ATOMIC_STORE(0xFE, 23, "i32.atomic.store", Imm.MEMARG, "i32 ->"),
    I64_ATOMIC_STORE(0xFE, 24, "i64.atomic.store", Imm.MEMARG, "i64 ->"),
    I32_ATOMIC_STORE8(0xFE, 25, "i32.atomic.store8", Imm.MEMARG, "i32 ->"),
    I32_ATOMIC_STORE16(0xFE, 26, "i32.atomic.store16", Imm.MEMARG, "i32 ->"),
    I64_ATOMIC_STORE8(0xFE, 27, "i64.atomic.store8", Imm.MEMARG, "i64 ->"),
    I64_ATOMIC_STORE16(0xFE, 28, "i64.atomic.store16", Imm.MEMARG, "i64 ->"),
    I64_ATOMIC_STORE32(0xFE, 29, "i64.atomic.store32", Imm.MEMARG, "i64 ->"),
    I32_ATOMIC_RMW_ADD(0xFE, 30, "i32.atomic.rmw.add", Imm.MEMARG, "i32 -> i32"),
    I64_ATOMIC_RMW_ADD(0xFE, 31, "i64.atomic.rmw.add", Imm.MEMARG, "i64 -> i64"),
    I32_ATOMIC_RMW8_ADD_U(0xFE, 32, "i32.atomic.rmw8.add_u", Imm.MEMARG, "i32 -> i32"),
    I32_ATOMIC_RMW16_ADD_U(0xFE, 33, "i32.atomic.rmw16.add_u", Imm.MEMARG, "i32 -> i32"),
    I64_ATOMIC_RMW8_ADD_U(0xFE, 34, "i64.atomic.rmw8.add_u", Imm.MEMARG, "i64 -> i64"),
    I64_ATOMIC_RMW16_ADD_U(0xFE, 35, "i64.atomic.rmw16.add_u", Imm.MEMARG, "i64 -> i64"),
    I64_ATOMIC_RMW32_ADD_U(0xFE, 36, "i64.atomic.rmw32.add_u", Imm.MEMARG, "i64 -> i64"),
    I32_ATOMIC_RMW_SUB(0xFE, 37, "i32.atomic.rmw.sub", Imm.MEMARG, "i32 -> i32"),
    I64_ATOMIC_RMW_SUB(0xFE, 38, "i64.atomic.rmw.sub", Imm.MEMARG, "i64 -> i64"),
    I32_ATOMIC_RMW8_SUB_U(0xFE, 39, "i32.atomic.rmw8.sub_u", Imm.MEMARG, "i32 -> i32"),
    I32_ATOMIC_RMW16_SUB_U(0xFE, 40, "i32.atomic.rmw16.sub_u", Imm.MEMARG, "i32 -> i32"),
    I64_ATOMIC_RMW8_SUB_U(0xFE, 41, "i64.atomic.rmw8.sub_u", Imm.MEMARG, "i64 -> i64"),
    I64_ATOMIC_RMW16_SUB_U(0xFE, 42, "i64.atomic.rmw16.sub_u", Imm.MEMARG, "i64 -> i64"),
    I64_ATOMIC_RMW32_SUB_U(0xFE, 43, "i64.atomic.rmw32.sub_u", Imm.MEMARG, "i64 -> i64"),
    I32_ATOMIC_RMW_AND(0xFE, 44, "i32.atomic.rmw.and", Imm.MEMARG, "i32 -> i32"),
    I64_ATOMIC_RMW_AND(0xFE, 45, "i64.atomic.rmw.and", Imm.MEMARG, "i64 -> i64"),
    I32_ATOMIC_RMW8_AND_U(0xFE, 46, "i32.atomic.rmw8.and_u", Imm.MEMARG, "i32 -> i32"),
    I32_ATOMIC_RMW16_AND_U(0xFE, 47, "i32.atomic.rmw16.and_u", Imm.MEMARG, "i32 -> i32"),
    I64_ATOMIC_RMW8_AND_U(0xFE, 48, "i64.atomic.rmw8.and_u", Imm.MEMARG, "i64 -> i64"),
    I64_ATOMIC_RMW16_AND_U(0xFE, 49, "i64.atomic.rmw16.and_u", Imm.MEMARG, "i64 -> i64"),
    I64_ATOMIC_RMW32_AND_U(0xFE, 50, "i64.atomic.rmw32.and_u", Imm.MEMARG, "i64 -> i64"),
    I32_ATOMIC_RMW_OR(0xFE, 51, "i32.atomic.rmw.or", Imm.MEMARG, "i32 -> i32"),
    I64_ATOMIC_RMW_OR(0xFE, 52, "i64.atomic.rmw.or", Imm.MEMARG, "i64 -> i64"),
    I32_ATOMIC_RMW8_OR_U(0xFE, 53, "i32.atomic.rmw8.or_u", Imm.MEMARG, "i32 -> i32"),
    I32_ATOMIC_RMW16_OR_U(0xFE, 54, "i32.atomic.rmw16.or_u", Imm.MEMARG, "i32 -> i32"),
    I64_ATOMIC_RMW8_OR_U(0xFE, 55, "i64.atomic.rmw8.or_u", Imm.MEMARG, "i64 -> i64"),
    I64_ATOMIC_RMW16_OR_U(0xFE, 56, "i64.atomic.rmw16.or_u", Imm.MEMARG, "i64 -> i64"),
    I64_ATOMIC_RMW32_OR_U(0xFE, 57, "i64.atomic.rmw32.or_u", Imm.MEMARG, "i64 -> i64"),
    I32_ATOMIC_RMW_XOR(0xFE, 58, "i32.atomic.rmw.xor", Imm.MEMARG, "i32 -> i32"),
    I64_ATOMIC_RMW_XOR(0xFE, 59, "i64.atomic.rmw.xor", Imm.MEMARG, "i64 -> i64"),
    I32_ATOMIC_RMW8_XOR_U(0xFE, 60, "i32.atomic.rmw8.xor_u", Imm.MEMARG, "i32 -> i32"),
    I32_ATOMIC_RMW16_XOR_U(0xFE, 61, "i32.atomic.rmw16.xor_u", Imm.MEMARG, "i32 -> i32"),
    I64_ATOMIC_RMW8_XOR_U(0xFE, 62, "i64.atomic.rmw8.xor_u", Imm.MEMARG, "i64 -> i64"),
    I64_ATOMIC_RMW16_XOR_U(0xFE, 63, "i64.atomic.rmw16.xor_u", Imm.MEMARG, "i64 -> i64"),
    I64_ATOMIC_RMW32_XOR_U(0xFE, 64, "i64.atomic.rmw32.xor_u", Imm.MEMARG, "i64 -> i64"),
    I32_ATOMIC_RMW_XCHG(0xFE, 65, "i32.atomic.rmw.xchg", Imm.MEMARG, "i32 -> i32"),
    I64_ATOMIC_RMW_XCHG(0xFE, 66, "i64.atomic.rmw.xchg", Imm.MEMARG, "i64 -> i64"),
    I32_ATOMIC_RMW8_XCHG_U(0xFE, 67, "i32.atomic.rmw8.xchg_u", Imm.MEMARG, "i32 -> i32"),
    I32_ATOMIC_RMW16_XCHG_U(0xFE, 68, "i32.atomic.rmw16.xchg_u", Imm.MEMARG, "i32 -> i32"),
    I64_ATOMIC_RMW8_XCHG_U(0xFE, 69, "i64.atomic.rmw8.xchg_u", Imm.MEMARG, "i64 -> i64"),
    I64_ATOMIC_RMW16_XCHG_U(0xFE, 70, "i64.atomic.rmw16.xchg_u", Imm.MEMARG, "i64 -> i64"),
    I64_ATOMIC_RMW32_XCHG_U(0xFE, 71, "i64.atomic.rmw32.xchg_u", Imm.MEMARG, "i64 -> i64"),
    I32_ATOMIC_RMW_CMPXCHG(0xFE, 72, "i32.atomic.rmw.cmpxchg", Imm.MEMARG, "i32 i32 -> i32"),
    I64_ATOMIC_RMW_CMPXCHG(0xFE, 73, "i64.atomic.rmw.cmpxchg", Imm.MEMARG, "i64 i64 -> i64"),
    I32_ATOMIC_RMW8_CMPXCHG_U(0xFE, 74, "i32.atomic.rmw8.cmpxchg_u", Imm.MEMARG, "i32 i32 -> i32"),
    I32_ATOMIC_RMW16_CMPXCHG_U(0xFE, 75, "i32.atomic.rmw16.cmpxchg_u", Imm.MEMARG, "i32 i32 -> i32"),
    I64_ATOMIC_RMW8_CMPXCHG_U(0xFE, 76, "i64.atomic.rmw8.cmpxchg_u", Imm.MEMARG, "i64 i64 -> i64"),
    I64_ATOMIC_RMW16_CMPXCHG_U(0xFE, 77, "i64.atomic.rmw16.cmpxchg_u", Imm.MEMARG, "i64 i64 -> i64"),
    I64_ATOMIC_RMW32_CMPXCHG_U(0xFE, 78, "i64.atomic.rmw32.cmpxchg_u", Imm.MEMARG, "i64 i64 -> i64");

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
