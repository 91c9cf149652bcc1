package dev.basalt.internal.interpreter;

/**
 * Internal opcodes of the interpreter's code arrays (see {@link CompiledCode} for the layout). Numeric opcodes
 * without immediates that the hot loop executes directly are listed in {@link #NUMERIC}; they share the names of
 * the Wasm instructions they implement. Everything rare goes through {@link #COLD} (Wasm opcode ordinal and
 * immediates) so that the hot dispatch method stays small enough for the JIT.
 */
final class Op {
    private Op() {
    }

    static final int UNREACHABLE = 0;
    static final int BR = 1;
    static final int JMP = 2;
    static final int BR_IF = 3;
    static final int JMP_IF = 4;
    static final int JMP_UNLESS = 5;
    static final int BR_TABLE = 6;
    static final int RETURN = 7;
    static final int CALL = 8;
    static final int CALL_INDIRECT = 9;
    static final int CALL_REF = 10;
    static final int RETURN_CALL = 11;
    static final int RETURN_CALL_INDIRECT = 12;
    static final int RETURN_CALL_REF = 13;
    static final int LOOP_HEADER = 14;
    static final int DROP = 15;
    static final int SELECT = 16;
    static final int SELECT_REF = 17;
    static final int SELECT_V128 = 18;
    static final int LOCAL_GET = 19;
    static final int LOCAL_SET = 20;
    static final int LOCAL_TEE = 21;
    static final int LOCAL_GET_REF = 22;
    static final int LOCAL_SET_REF = 23;
    static final int LOCAL_TEE_REF = 24;
    static final int LOCAL_GET_V128 = 25;
    static final int LOCAL_SET_V128 = 26;
    static final int LOCAL_TEE_V128 = 27;
    static final int GLOBAL_GET = 28;
    static final int GLOBAL_SET = 29;
    static final int GLOBAL_GET_REF = 30;
    static final int GLOBAL_SET_REF = 31;
    static final int GLOBAL_GET_V128 = 32;
    static final int GLOBAL_SET_V128 = 33;
    static final int I32_CONST = 34;
    static final int I64_CONST = 35;
    static final int V128_CONST = 36;
    static final int THROW = 37;
    static final int THROW_REF = 38;
    static final int RETHROW = 39;
    static final int BR_ON_NULL = 40;
    static final int BR_ON_NON_NULL = 41;
    static final int BR_ON_CAST = 42;
    static final int BR_ON_CAST_FAIL = 43;
    static final int REF_NULL = 44;
    static final int REF_IS_NULL = 45;
    static final int REF_FUNC = 46;
    static final int REF_AS_NON_NULL = 47;
    static final int REF_EQ = 48;
    static final int I32_LOAD = 49;
    static final int I64_LOAD = 50;
    static final int I32_LOAD8_S = 51;
    static final int I32_LOAD8_U = 52;
    static final int I32_LOAD16_S = 53;
    static final int I32_LOAD16_U = 54;
    static final int I64_LOAD8_S = 55;
    static final int I64_LOAD8_U = 56;
    static final int I64_LOAD16_S = 57;
    static final int I64_LOAD16_U = 58;
    static final int I64_LOAD32_S = 59;
    static final int I64_LOAD32_U = 60;
    static final int I32_STORE = 61;
    static final int I64_STORE = 62;
    static final int I32_STORE8 = 63;
    static final int I32_STORE16 = 64;
    static final int MEMORY_SIZE = 65;
    static final int MEMORY_GROW = 66;
    static final int MEM_GENERIC = 67;
    static final int COLD = 68;
    static final int I32_EQZ = 69;
    static final int I32_EQ = 70;
    static final int I32_NE = 71;
    static final int I32_LT_S = 72;
    static final int I32_LT_U = 73;
    static final int I32_GT_S = 74;
    static final int I32_GT_U = 75;
    static final int I32_LE_S = 76;
    static final int I32_LE_U = 77;
    static final int I32_GE_S = 78;
    static final int I32_GE_U = 79;
    static final int I64_EQZ = 80;
    static final int I64_EQ = 81;
    static final int I64_NE = 82;
    static final int I64_LT_S = 83;
    static final int I64_LT_U = 84;
    static final int I64_GT_S = 85;
    static final int I64_GT_U = 86;
    static final int I64_LE_S = 87;
    static final int I64_LE_U = 88;
    static final int I64_GE_S = 89;
    static final int I64_GE_U = 90;
    static final int F32_EQ = 91;
    static final int F32_NE = 92;
    static final int F32_LT = 93;
    static final int F32_GT = 94;
    static final int F32_LE = 95;
    static final int F32_GE = 96;
    static final int F64_EQ = 97;
    static final int F64_NE = 98;
    static final int F64_LT = 99;
    static final int F64_GT = 100;
    static final int F64_LE = 101;
    static final int F64_GE = 102;
    static final int I32_CLZ = 103;
    static final int I32_CTZ = 104;
    static final int I32_POPCNT = 105;
    static final int I32_ADD = 106;
    static final int I32_SUB = 107;
    static final int I32_MUL = 108;
    static final int I32_DIV_S = 109;
    static final int I32_DIV_U = 110;
    static final int I32_REM_S = 111;
    static final int I32_REM_U = 112;
    static final int I32_AND = 113;
    static final int I32_OR = 114;
    static final int I32_XOR = 115;
    static final int I32_SHL = 116;
    static final int I32_SHR_S = 117;
    static final int I32_SHR_U = 118;
    static final int I32_ROTL = 119;
    static final int I32_ROTR = 120;
    static final int I64_CLZ = 121;
    static final int I64_CTZ = 122;
    static final int I64_POPCNT = 123;
    static final int I64_ADD = 124;
    static final int I64_SUB = 125;
    static final int I64_MUL = 126;
    static final int I64_DIV_S = 127;
    static final int I64_DIV_U = 128;
    static final int I64_REM_S = 129;
    static final int I64_REM_U = 130;
    static final int I64_AND = 131;
    static final int I64_OR = 132;
    static final int I64_XOR = 133;
    static final int I64_SHL = 134;
    static final int I64_SHR_S = 135;
    static final int I64_SHR_U = 136;
    static final int I64_ROTL = 137;
    static final int I64_ROTR = 138;
    static final int F32_ABS = 139;
    static final int F32_NEG = 140;
    static final int F32_CEIL = 141;
    static final int F32_FLOOR = 142;
    static final int F32_TRUNC = 143;
    static final int F32_NEAREST = 144;
    static final int F32_SQRT = 145;
    static final int F32_ADD = 146;
    static final int F32_SUB = 147;
    static final int F32_MUL = 148;
    static final int F32_DIV = 149;
    static final int F32_MIN = 150;
    static final int F32_MAX = 151;
    static final int F32_COPYSIGN = 152;
    static final int F64_ABS = 153;
    static final int F64_NEG = 154;
    static final int F64_CEIL = 155;
    static final int F64_FLOOR = 156;
    static final int F64_TRUNC = 157;
    static final int F64_NEAREST = 158;
    static final int F64_SQRT = 159;
    static final int F64_ADD = 160;
    static final int F64_SUB = 161;
    static final int F64_MUL = 162;
    static final int F64_DIV = 163;
    static final int F64_MIN = 164;
    static final int F64_MAX = 165;
    static final int F64_COPYSIGN = 166;
    static final int I32_WRAP_I64 = 167;
    static final int I32_TRUNC_F32_S = 168;
    static final int I32_TRUNC_F32_U = 169;
    static final int I32_TRUNC_F64_S = 170;
    static final int I32_TRUNC_F64_U = 171;
    static final int I64_EXTEND_I32_S = 172;
    static final int I64_EXTEND_I32_U = 173;
    static final int I64_TRUNC_F32_S = 174;
    static final int I64_TRUNC_F32_U = 175;
    static final int I64_TRUNC_F64_S = 176;
    static final int I64_TRUNC_F64_U = 177;
    static final int F32_CONVERT_I32_S = 178;
    static final int F32_CONVERT_I32_U = 179;
    static final int F32_CONVERT_I64_S = 180;
    static final int F32_CONVERT_I64_U = 181;
    static final int F32_DEMOTE_F64 = 182;
    static final int F64_CONVERT_I32_S = 183;
    static final int F64_CONVERT_I32_U = 184;
    static final int F64_CONVERT_I64_S = 185;
    static final int F64_CONVERT_I64_U = 186;
    static final int F64_PROMOTE_F32 = 187;
    static final int I32_REINTERPRET_F32 = 188;
    static final int I64_REINTERPRET_F64 = 189;
    static final int F32_REINTERPRET_I32 = 190;
    static final int F64_REINTERPRET_I64 = 191;
    static final int I32_EXTEND8_S = 192;
    static final int I32_EXTEND16_S = 193;
    static final int I64_EXTEND8_S = 194;
    static final int I64_EXTEND16_S = 195;
    static final int I64_EXTEND32_S = 196;
    static final int I32_TRUNC_SAT_F32_S = 197;
    static final int I32_TRUNC_SAT_F32_U = 198;
    static final int I32_TRUNC_SAT_F64_S = 199;
    static final int I32_TRUNC_SAT_F64_U = 200;
    static final int I64_TRUNC_SAT_F32_S = 201;
    static final int I64_TRUNC_SAT_F32_U = 202;
    static final int I64_TRUNC_SAT_F64_S = 203;
    static final int I64_TRUNC_SAT_F64_U = 204;
    static final int LOCAL_GET2 = 205;
    static final int I32_ADD_IMM = 206;
    static final int JMP_IF_I32_EQ = 207;
    static final int JMP_IF_I32_NE = 208;
    static final int JMP_IF_I32_LT_S = 209;
    static final int JMP_IF_I32_LT_U = 210;
    static final int JMP_IF_I32_GT_S = 211;
    static final int JMP_IF_I32_GT_U = 212;
    static final int JMP_IF_I32_LE_S = 213;
    static final int JMP_IF_I32_LE_U = 214;
    static final int JMP_IF_I32_GE_S = 215;
    static final int JMP_IF_I32_GE_U = 216;
    static final int JMP_UNLESS_I32_EQ = 217;
    static final int JMP_UNLESS_I32_NE = 218;
    static final int JMP_UNLESS_I32_LT_S = 219;
    static final int JMP_UNLESS_I32_LT_U = 220;
    static final int JMP_UNLESS_I32_GT_S = 221;
    static final int JMP_UNLESS_I32_GT_U = 222;
    static final int JMP_UNLESS_I32_LE_S = 223;
    static final int JMP_UNLESS_I32_LE_U = 224;
    static final int JMP_UNLESS_I32_GE_S = 225;
    static final int JMP_UNLESS_I32_GE_U = 226;
    static final int COUNT = 227;

    /** Numeric instructions without immediates, by Wasm constant name, executed inline by the hot loop. */
    static final String[] NUMERIC = {
        "I32_EQZ",
        "I32_EQ",
        "I32_NE",
        "I32_LT_S",
        "I32_LT_U",
        "I32_GT_S",
        "I32_GT_U",
        "I32_LE_S",
        "I32_LE_U",
        "I32_GE_S",
        "I32_GE_U",
        "I64_EQZ",
        "I64_EQ",
        "I64_NE",
        "I64_LT_S",
        "I64_LT_U",
        "I64_GT_S",
        "I64_GT_U",
        "I64_LE_S",
        "I64_LE_U",
        "I64_GE_S",
        "I64_GE_U",
        "F32_EQ",
        "F32_NE",
        "F32_LT",
        "F32_GT",
        "F32_LE",
        "F32_GE",
        "F64_EQ",
        "F64_NE",
        "F64_LT",
        "F64_GT",
        "F64_LE",
        "F64_GE",
        "I32_CLZ",
        "I32_CTZ",
        "I32_POPCNT",
        "I32_ADD",
        "I32_SUB",
        "I32_MUL",
        "I32_DIV_S",
        "I32_DIV_U",
        "I32_REM_S",
        "I32_REM_U",
        "I32_AND",
        "I32_OR",
        "I32_XOR",
        "I32_SHL",
        "I32_SHR_S",
        "I32_SHR_U",
        "I32_ROTL",
        "I32_ROTR",
        "I64_CLZ",
        "I64_CTZ",
        "I64_POPCNT",
        "I64_ADD",
        "I64_SUB",
        "I64_MUL",
        "I64_DIV_S",
        "I64_DIV_U",
        "I64_REM_S",
        "I64_REM_U",
        "I64_AND",
        "I64_OR",
        "I64_XOR",
        "I64_SHL",
        "I64_SHR_S",
        "I64_SHR_U",
        "I64_ROTL",
        "I64_ROTR",
        "F32_ABS",
        "F32_NEG",
        "F32_CEIL",
        "F32_FLOOR",
        "F32_TRUNC",
        "F32_NEAREST",
        "F32_SQRT",
        "F32_ADD",
        "F32_SUB",
        "F32_MUL",
        "F32_DIV",
        "F32_MIN",
        "F32_MAX",
        "F32_COPYSIGN",
        "F64_ABS",
        "F64_NEG",
        "F64_CEIL",
        "F64_FLOOR",
        "F64_TRUNC",
        "F64_NEAREST",
        "F64_SQRT",
        "F64_ADD",
        "F64_SUB",
        "F64_MUL",
        "F64_DIV",
        "F64_MIN",
        "F64_MAX",
        "F64_COPYSIGN",
        "I32_WRAP_I64",
        "I32_TRUNC_F32_S",
        "I32_TRUNC_F32_U",
        "I32_TRUNC_F64_S",
        "I32_TRUNC_F64_U",
        "I64_EXTEND_I32_S",
        "I64_EXTEND_I32_U",
        "I64_TRUNC_F32_S",
        "I64_TRUNC_F32_U",
        "I64_TRUNC_F64_S",
        "I64_TRUNC_F64_U",
        "F32_CONVERT_I32_S",
        "F32_CONVERT_I32_U",
        "F32_CONVERT_I64_S",
        "F32_CONVERT_I64_U",
        "F32_DEMOTE_F64",
        "F64_CONVERT_I32_S",
        "F64_CONVERT_I32_U",
        "F64_CONVERT_I64_S",
        "F64_CONVERT_I64_U",
        "F64_PROMOTE_F32",
        "I32_REINTERPRET_F32",
        "I64_REINTERPRET_F64",
        "F32_REINTERPRET_I32",
        "F64_REINTERPRET_I64",
        "I32_EXTEND8_S",
        "I32_EXTEND16_S",
        "I64_EXTEND8_S",
        "I64_EXTEND16_S",
        "I64_EXTEND32_S",
        "I32_TRUNC_SAT_F32_S",
        "I32_TRUNC_SAT_F32_U",
        "I32_TRUNC_SAT_F64_S",
        "I32_TRUNC_SAT_F64_U",
        "I64_TRUNC_SAT_F32_S",
        "I64_TRUNC_SAT_F32_U",
        "I64_TRUNC_SAT_F64_S",
        "I64_TRUNC_SAT_F64_U",
    };
    static final int FIRST_NUMERIC = 69;

    /** Superinstructions made by the translator's peephole: an i32 comparison fused with the conditional jump after it. */
    static final int FIRST_JMP_IF_CMP = JMP_IF_I32_EQ;
    static final int FIRST_JMP_UNLESS_CMP = JMP_UNLESS_I32_EQ;
    /** The i32 comparisons that fuse with a following conditional jump, in the order of the fused opcodes. */
    static final int[] FUSABLE_CMPS = {I32_EQ, I32_NE, I32_LT_S, I32_LT_U, I32_GT_S, I32_GT_U, I32_LE_S, I32_LE_U, I32_GE_S, I32_GE_U};

    /**
     * Names of the opcodes for diagnostics, indexed by opcode, read from this class's own constants so that the
     * list cannot drift from them (aliases such as {@code FIRST_NUMERIC} and {@code COUNT} are left out).
     */
    static final String[] NAMES = namesOfConstants();

    private static String[] namesOfConstants() {
        String[] names = new String[COUNT];
        for (java.lang.reflect.Field f : Op.class.getDeclaredFields()) {
            int mod = f.getModifiers();
            if (f.getType() != int.class || !java.lang.reflect.Modifier.isStatic(mod)
                    || f.getName().startsWith("FIRST_") || f.getName().equals("COUNT")) {
                continue;
            }
            try {
                int op = f.getInt(null);
                if (names[op] != null) {
                    throw new IllegalStateException("interpreter opcodes " + names[op] + " and " + f.getName()
                            + " share the value " + op);
                }
                names[op] = f.getName();
            } catch (IllegalAccessException e) {
                throw new IllegalStateException(e);
            }
        }
        return names;
    }
}
