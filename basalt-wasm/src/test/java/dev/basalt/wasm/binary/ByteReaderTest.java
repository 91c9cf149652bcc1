package dev.basalt.wasm.binary;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.basalt.wasm.MalformedException;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ByteReaderTest {

    private static ByteReader reader(int... bytes) {
        byte[] b = new byte[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            b[i] = (byte) bytes[i];
        }
        return new ByteReader(b);
    }

    private static void assertMalformed(Runnable r, String reason) {
        assertThatThrownBy(r::run).isInstanceOf(MalformedException.class)
                .extracting(e -> ((MalformedException) e).reason()).isEqualTo(reason);
    }

    @Test
    void u32AcceptsEveryEncodingUpToFiveBytes() {
        assertThat(reader(0x00).u32()).isZero();
        assertThat(reader(0x7F).u32()).isEqualTo(127);
        assertThat(reader(0x80, 0x01).u32()).isEqualTo(128);
        assertThat(reader(0xFF, 0xFF, 0xFF, 0xFF, 0x0F).u32()).isEqualTo(0xFFFF_FFFFL);
        // padded (non-canonical) encodings are well-formed as long as they fit five bytes
        assertThat(reader(0x80, 0x80, 0x80, 0x80, 0x00).u32()).isZero();
        assertThat(reader(0x83, 0x80, 0x00).u32()).isEqualTo(3);
    }

    @Test
    void u32RejectsUnusedBitsAndSixthByte() {
        assertMalformed(() -> reader(0xFF, 0xFF, 0xFF, 0xFF, 0x1F).u32(), "integer too large");
        assertMalformed(() -> reader(0x80, 0x80, 0x80, 0x80, 0x10).u32(), "integer too large");
        assertMalformed(() -> reader(0x80, 0x80, 0x80, 0x80, 0x80, 0x00).u32(), "integer representation too long");
        assertMalformed(() -> reader(0x80, 0x80).u32(), ByteReader.UNEXPECTED_END);
        assertMalformed(() -> reader().u32(), ByteReader.UNEXPECTED_END);
    }

    @Test
    void signed32SignExtendsAndChecksTheLastByte() {
        assertThat(reader(0x7F).s32()).isEqualTo(-1);
        assertThat(reader(0x3F).s32()).isEqualTo(63);
        assertThat(reader(0x40).s32()).isEqualTo(-64);
        assertThat(reader(0xC0, 0x00).s32()).isEqualTo(64);
        assertThat(reader(0xFF, 0xFF, 0xFF, 0xFF, 0x07).s32()).isEqualTo(Integer.MAX_VALUE);
        assertThat(reader(0x80, 0x80, 0x80, 0x80, 0x78).s32()).isEqualTo(Integer.MIN_VALUE);
        assertThat(reader(0xFF, 0xFF, 0xFF, 0xFF, 0x7F).s32()).isEqualTo(-1);
        assertMalformed(() -> reader(0xFF, 0xFF, 0xFF, 0xFF, 0x0F).s32(), "integer too large");
        assertMalformed(() -> reader(0x80, 0x80, 0x80, 0x80, 0x70).s32(), "integer too large");
        assertMalformed(() -> reader(0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F).s32(), "integer representation too long");
    }

    @Test
    void signed33CoversTheWholeU32Range() {
        assertThat(reader(0xFF, 0xFF, 0xFF, 0xFF, 0x0F).s33()).isEqualTo(0xFFFF_FFFFL);
        assertThat(reader(0x80, 0x80, 0x80, 0x80, 0x70).s33()).isEqualTo(-(1L << 32));
        assertMalformed(() -> reader(0x80, 0x80, 0x80, 0x80, 0x20).s33(), "integer too large");
    }

    @Test
    void sixtyFourBitIntegers() {
        assertThat(reader(0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01).u64()).isEqualTo(-1L);
        assertMalformed(() -> reader(0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x02).u64(),
                "integer too large");
        assertThat(reader(0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x00).s64()).isEqualTo(Long.MAX_VALUE);
        assertThat(reader(0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x7F).s64()).isEqualTo(Long.MIN_VALUE);
        assertMalformed(() -> reader(0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01).s64(),
                "integer too large");
        assertMalformed(() -> reader(0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00).u64(),
                "integer representation too long");
    }

    @Test
    void lengthsMustBeBackedByTheRemainingBytes() {
        assertThat(reader(0x02, 0xAA, 0xBB).length()).isEqualTo(2);
        // the count byte itself counts as remaining, as in the reference interpreter
        assertThat(reader(0x03, 0xAA, 0xBB).length()).isEqualTo(3);
        assertMalformed(() -> reader(0x04, 0xAA, 0xBB).length(), "length out of bounds");
        assertMalformed(() -> reader(0xFF, 0xFF, 0xFF, 0xFF, 0x0F).length(), "length out of bounds");
    }

    @Test
    void indicesKeepTheirU32BitPattern() {
        assertThat(reader(0xFF, 0xFF, 0xFF, 0xFF, 0x0F).index()).isEqualTo(-1);
        assertThat(reader(0x80, 0x80, 0x80, 0x80, 0x08).index()).isEqualTo(Integer.MIN_VALUE);
        assertThat(reader(0xFF, 0xFF, 0xFF, 0xFF, 0x07).index()).isEqualTo(Integer.MAX_VALUE);
        assertThat(reader(0x05).index()).isEqualTo(5);
        assertThat(ByteReader.clamp(0xFFFF_FFFFL)).isEqualTo(Integer.MAX_VALUE);
    }

    @Test
    void namesAreStrictUtf8() {
        assertThat(reader(0x03, 'a', 'b', 'c').name()).isEqualTo("abc");
        assertThat(reader(0x03, 0xE2, 0x8C, 0xA3).name()).isEqualTo("\u2323");
        assertMalformed(() -> reader(0x02, 0xC0, 0x80).name(), "malformed UTF-8 encoding"); // overlong NUL
        assertMalformed(() -> reader(0x03, 0xED, 0xA0, 0x80).name(), "malformed UTF-8 encoding"); // surrogate
        assertMalformed(() -> reader(0x04, 0xF4, 0x90, 0x80, 0x80).name(), "malformed UTF-8 encoding"); // > U+10FFFF
        assertMalformed(() -> reader(0x01, 0x80).name(), "malformed UTF-8 encoding");
    }

    @Test
    void errorsCarryTheByteOffset() {
        ByteReader r = reader(0x01, 0xFF, 0xFF, 0xFF, 0xFF, 0x1F);
        r.u8();
        MalformedException tooLarge = (MalformedException) org.assertj.core.api.Assertions.catchThrowable(r::u32);
        assertThat(tooLarge.offset()).isEqualTo(5);
    }

    @Test
    void writerProducesShortestEncodingsThatReadBack() {
        Random random = new Random(42);
        for (int i = 0; i < 5000; i++) {
            long v = switch (i % 4) {
                case 0 -> random.nextLong();
                case 1 -> random.nextInt();
                case 2 -> random.nextInt(300) - 150;
                default -> 1L << random.nextInt(64);
            };
            ByteWriter w = new ByteWriter();
            w.signed(v);
            w.unsigned(v);
            w.u32((int) v);
            w.signed((int) v);
            ByteReader r = new ByteReader(w.toByteArray());
            assertThat(r.s64()).isEqualTo(v);
            assertThat(r.u64()).isEqualTo(v);
            assertThat(r.u32()).isEqualTo(v & 0xFFFF_FFFFL);
            assertThat(r.s32()).isEqualTo((int) v);
            assertThat(r.atEnd()).isTrue();
        }
        ByteWriter w = new ByteWriter();
        w.unsigned(127);
        w.unsigned(128);
        w.signed(63);
        w.signed(64);
        w.signed(-64);
        w.signed(-65);
        assertThat(Bytes.hex(w.toByteArray())).isEqualTo("7f 80 01 3f c0 00 40 bf 7f");
    }
}
