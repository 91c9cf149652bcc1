package dev.basalt.wasm;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class OpcodeTest {

    /** The three constants whose names carry a suffix because their mnemonic is shared with another encoding. */
    private static final Set<Opcode> SUFFIXED = EnumSet.of(Opcode.SELECT_TYPED, Opcode.REF_TEST_NULL, Opcode.REF_CAST_NULL);

    @Test
    void noTwoOpcodesShareAnEncoding() {
        Map<Long, Opcode> seen = new HashMap<>();
        for (Opcode op : Opcode.values()) {
            long key = ((long) op.prefix() << 32) | op.code();
            Opcode previous = seen.put(key, op);
            assertThat(previous).as("%s and %s share prefix %x code %x", previous, op, op.prefix(), op.code()).isNull();
        }
    }

    @Test
    void constantNamesFollowTheMnemonic() {
        Set<String> derived = new HashSet<>();
        for (Opcode op : Opcode.values()) {
            String expected = op.mnemonic().toUpperCase().replace('.', '_');
            if (SUFFIXED.contains(op)) {
                assertThat(op.name()).startsWith(expected + "_");
            } else {
                assertThat(op.name()).as("constant for %s", op.mnemonic()).isEqualTo(expected);
                assertThat(derived.add(expected)).as("mnemonic %s used twice", op.mnemonic()).isTrue();
            }
        }
    }

    @Test
    void lookupsFindEveryOpcode() {
        for (Opcode op : Opcode.values()) {
            if (op.prefix() == 0) {
                assertThat(Opcode.ofByte(op.code())).isSameAs(op);
            } else {
                assertThat(Opcode.ofPrefixed(op.prefix(), op.code())).isSameAs(op);
            }
            if (!SUFFIXED.contains(op)) {
                assertThat(Opcode.ofMnemonic(op.mnemonic())).isSameAs(op);
            }
        }
        assertThat(Opcode.ofMnemonic("select")).isSameAs(Opcode.SELECT);
        assertThat(Opcode.ofMnemonic("ref.test")).isSameAs(Opcode.REF_TEST);
        assertThat(Opcode.ofMnemonic("ref.cast")).isSameAs(Opcode.REF_CAST);
        assertThat(Opcode.ofMnemonic("i32.bogus")).isNull();
        assertThat(Opcode.ofByte(0x27)).isNull();
        assertThat(Opcode.ofByte(0xFD)).as("prefix bytes are not opcodes").isNull();
        assertThat(Opcode.ofPrefixed(0xFD, 154)).as("reserved SIMD code").isNull();
        assertThat(Opcode.ofPrefixed(0xFC, 18)).isNull();
        assertThat(Opcode.ofPrefixed(0xAB, 0)).isNull();
    }

    @Test
    void countsPerPrefixMatchTheSpec() {
        Map<Integer, Integer> counts = new TreeMap<>();
        int relaxed = 0;
        for (Opcode op : Opcode.values()) {
            counts.merge(op.prefix(), 1, Integer::sum);
            if (op.prefix() == 0xFD && op.code() >= 0x100) {
                relaxed++;
            }
        }
        // single-byte: 0x00-0x15 minus 0x16/0x17, 0x18-0x1C, 0x1F, 0x20-0x26, 0x28-0xC4, 0xD0-0xD6
        assertThat(counts.get(0)).isEqualTo((0x16 - 0x00) + (0x1C - 0x18 + 1) + 1 + 7 + (0xC4 - 0x28 + 1) + 7);
        assertThat(counts.get(0xFB)).as("GC").isEqualTo(31);
        assertThat(counts.get(0xFC)).as("trunc_sat 8 + bulk 10 + wide arithmetic 4").isEqualTo(22);
        // SIMD 0x00-0xFF has 20 reserved codes
        assertThat(counts.get(0xFD) - relaxed).as("SIMD").isEqualTo(256 - 20);
        assertThat(relaxed).as("relaxed SIMD").isEqualTo(20);
        // notify, wait32, wait64, fence + 7 loads + 7 stores + 7 rmw ops x 7 widths
        assertThat(counts.get(0xFE)).as("threads").isEqualTo(4 + 7 + 7 + 7 * 7);
        assertThat(counts.keySet()).containsExactly(0, 0xFB, 0xFC, 0xFD, 0xFE);
    }

    @Test
    void singleByteRangesAreContiguousWhereTheSpecIs() {
        for (int b = 0x28; b <= 0xC4; b++) {
            assertThat(Opcode.ofByte(b)).as("opcode 0x%02x", b).isNotNull();
        }
        for (int b = 0xC5; b <= 0xCF; b++) {
            assertThat(Opcode.ofByte(b)).as("opcode 0x%02x", b).isNull();
        }
        for (int code = 0x10; code <= 0x4E; code++) {
            assertThat(Opcode.ofPrefixed(0xFE, code)).as("atomic 0x%02x", code).isNotNull();
        }
    }

    @Test
    void spotCheckEncodingsAgainstTheSpec() {
        assertThat(Opcode.SELECT.ordinal()).isLessThan(Opcode.SELECT_TYPED.ordinal());
        assertThat(enc(Opcode.I64_EXTEND32_S)).isEqualTo("0:c4");
        assertThat(enc(Opcode.REF_AS_NON_NULL)).isEqualTo("0:d4");
        assertThat(enc(Opcode.BR_ON_NON_NULL)).isEqualTo("0:d6");
        assertThat(enc(Opcode.MEMORY_FILL)).isEqualTo("fc:b");
        assertThat(enc(Opcode.I64_MUL_WIDE_U)).isEqualTo("fc:16");
        assertThat(enc(Opcode.V128_ANY_TRUE)).isEqualTo("fd:53");
        assertThat(enc(Opcode.V128_STORE64_LANE)).isEqualTo("fd:5b");
        assertThat(enc(Opcode.I16X8_AVGR_U)).isEqualTo("fd:9b");
        assertThat(enc(Opcode.I32X4_DOT_I16X8_S)).isEqualTo("fd:ba");
        assertThat(enc(Opcode.I64X2_GE_S)).isEqualTo("fd:db");
        assertThat(enc(Opcode.F64X2_CONVERT_LOW_I32X4_U)).isEqualTo("fd:ff");
        assertThat(enc(Opcode.I32X4_RELAXED_DOT_I8X16_I7X16_ADD_S)).isEqualTo("fd:113");
        assertThat(enc(Opcode.I32_ATOMIC_RMW8_ADD_U)).isEqualTo("fe:20");
        assertThat(enc(Opcode.I64_ATOMIC_RMW32_CMPXCHG_U)).isEqualTo("fe:4e");
        assertThat(enc(Opcode.I31_GET_U)).isEqualTo("fb:1e");
        assertThat(enc(Opcode.REF_CAST_NULL)).isEqualTo("fb:17");
    }

    private static String enc(Opcode op) {
        return Integer.toHexString(op.prefix()) + ":" + Integer.toHexString(op.code());
    }

    @Test
    void signaturesFollowTheOpcodeFamilies() {
        for (Opcode op : Opcode.values()) {
            boolean numericFamily = op.prefix() == 0xFD || op.prefix() == 0xFE
                    || (op.prefix() == 0 && op.code() >= 0x41 && op.code() <= 0xC4)
                    || (op.prefix() == 0 && op.code() >= 0x28 && op.code() <= 0x3E)
                    || (op.prefix() == 0xFC && (op.code() <= 7 || op.code() >= 19));
            assertThat(op.hasFixedSignature()).as("%s has a fixed signature", op).isEqualTo(numericFamily);
            if (op.imm() == Opcode.Imm.MEMARG || op.imm() == Opcode.Imm.MEMARG_LANE) {
                assertThat(op.hasFixedSignature()).as(op.name()).isTrue();
            }
        }
        assertThat(Opcode.I64_ADD128.params()).containsExactly(NumType.I64, NumType.I64, NumType.I64, NumType.I64);
        assertThat(Opcode.I64_ADD128.results()).containsExactly(NumType.I64, NumType.I64);
        assertThat(Opcode.I32_STORE.params()).containsExactly(NumType.I32);
        assertThat(Opcode.I32_STORE.results()).isEmpty();
        assertThat(Opcode.V128_LOAD8_LANE.params()).containsExactly(NumType.V128);
        assertThat(Opcode.MEMORY_ATOMIC_WAIT32.params()).containsExactly(NumType.I32, NumType.I64);
        assertThat(Opcode.I32_ATOMIC_RMW_CMPXCHG.params()).containsExactly(NumType.I32, NumType.I32);
        assertThat(Opcode.I8X16_REPLACE_LANE.params()).containsExactly(NumType.V128, NumType.I32);
        assertThat(Opcode.F64X2_RELAXED_MADD.params()).hasSize(3);
        assertThat(Opcode.I64_TRUNC_SAT_F32_U.params()).containsExactly(NumType.F32);
        assertThat(Opcode.I64_TRUNC_SAT_F32_U.results()).containsExactly(NumType.I64);
        assertThat(Opcode.ATOMIC_FENCE.params()).isEmpty();
        assertThat(Opcode.CALL.params()).isEqualTo(List.of());
    }
}
