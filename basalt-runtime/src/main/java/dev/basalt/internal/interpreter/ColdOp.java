package dev.basalt.internal.interpreter;

/** Identifiers of the instructions executed out of line by {@link ColdOps} (named after the Wasm instruction). */
final class ColdOp {
    private ColdOp() {
    }

    static final int TABLE_GET = 0;
    static final int TABLE_SET = 1;
    static final int TABLE_SIZE = 2;
    static final int TABLE_GROW = 3;
    static final int TABLE_FILL = 4;
    static final int TABLE_COPY = 5;
    static final int TABLE_INIT = 6;
    static final int ELEM_DROP = 7;
    static final int MEMORY_FILL = 8;
    static final int MEMORY_COPY = 9;
    static final int MEMORY_INIT = 10;
    static final int DATA_DROP = 11;
    static final int STRUCT_NEW = 12;
    static final int STRUCT_NEW_DEFAULT = 13;
    static final int STRUCT_GET = 14;
    static final int STRUCT_GET_S = 15;
    static final int STRUCT_GET_U = 16;
    static final int STRUCT_SET = 17;
    static final int ARRAY_NEW = 18;
    static final int ARRAY_NEW_DEFAULT = 19;
    static final int ARRAY_NEW_FIXED = 20;
    static final int ARRAY_NEW_DATA = 21;
    static final int ARRAY_NEW_ELEM = 22;
    static final int ARRAY_GET = 23;
    static final int ARRAY_GET_S = 24;
    static final int ARRAY_GET_U = 25;
    static final int ARRAY_SET = 26;
    static final int ARRAY_LEN = 27;
    static final int ARRAY_FILL = 28;
    static final int ARRAY_COPY = 29;
    static final int ARRAY_INIT_DATA = 30;
    static final int ARRAY_INIT_ELEM = 31;
    static final int REF_TEST = 32;
    static final int REF_TEST_NULL = 33;
    static final int REF_CAST = 34;
    static final int REF_CAST_NULL = 35;
    static final int ANY_CONVERT_EXTERN = 36;
    static final int EXTERN_CONVERT_ANY = 37;
    static final int REF_I31 = 38;
    static final int I31_GET_S = 39;
    static final int I31_GET_U = 40;
    static final int I64_ADD128 = 41;
    static final int I64_SUB128 = 42;
    static final int I64_MUL_WIDE_S = 43;
    static final int I64_MUL_WIDE_U = 44;
    static final int SIMD = 45;

    static final String[] NAMES = {
        "TABLE_GET",
        "TABLE_SET",
        "TABLE_SIZE",
        "TABLE_GROW",
        "TABLE_FILL",
        "TABLE_COPY",
        "TABLE_INIT",
        "ELEM_DROP",
        "MEMORY_FILL",
        "MEMORY_COPY",
        "MEMORY_INIT",
        "DATA_DROP",
        "STRUCT_NEW",
        "STRUCT_NEW_DEFAULT",
        "STRUCT_GET",
        "STRUCT_GET_S",
        "STRUCT_GET_U",
        "STRUCT_SET",
        "ARRAY_NEW",
        "ARRAY_NEW_DEFAULT",
        "ARRAY_NEW_FIXED",
        "ARRAY_NEW_DATA",
        "ARRAY_NEW_ELEM",
        "ARRAY_GET",
        "ARRAY_GET_S",
        "ARRAY_GET_U",
        "ARRAY_SET",
        "ARRAY_LEN",
        "ARRAY_FILL",
        "ARRAY_COPY",
        "ARRAY_INIT_DATA",
        "ARRAY_INIT_ELEM",
        "REF_TEST",
        "REF_TEST_NULL",
        "REF_CAST",
        "REF_CAST_NULL",
        "ANY_CONVERT_EXTERN",
        "EXTERN_CONVERT_ANY",
        "REF_I31",
        "I31_GET_S",
        "I31_GET_U",
        "I64_ADD128",
        "I64_SUB128",
        "I64_MUL_WIDE_S",
        "I64_MUL_WIDE_U",
        "SIMD",
    };
}
