package dev.basalt.wasm.text;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.basalt.wasm.V128;
import java.util.List;
import org.junit.jupiter.api.Test;

class NumbersTest {

    @Test
    void classify() {
        assertThat(Numbers.classify("123")).isEqualTo(Token.Kind.NAT);
        assertThat(Numbers.classify("1_000")).isEqualTo(Token.Kind.NAT);
        assertThat(Numbers.classify("0xFF_ff")).isEqualTo(Token.Kind.NAT);
        assertThat(Numbers.classify("-1")).isEqualTo(Token.Kind.INT);
        assertThat(Numbers.classify("+0x1")).isEqualTo(Token.Kind.INT);
        assertThat(Numbers.classify("1.")).isEqualTo(Token.Kind.FLOAT);
        assertThat(Numbers.classify("1e-5")).isEqualTo(Token.Kind.FLOAT);
        assertThat(Numbers.classify("0x1.8p3")).isEqualTo(Token.Kind.FLOAT);
        assertThat(Numbers.classify("-inf")).isEqualTo(Token.Kind.FLOAT);
        assertThat(Numbers.classify("+nan:0x7")).isEqualTo(Token.Kind.FLOAT);
        assertThat(Numbers.classify("1__0")).isNull();
        assertThat(Numbers.classify("_1")).isNull();
        assertThat(Numbers.classify("1_")).isNull();
        assertThat(Numbers.classify("0x")).isNull();
        assertThat(Numbers.classify("1e")).isNull();
        assertThat(Numbers.classify("0x1e5p")).isNull();
    }

    @Test
    void integersFollowTheReferenceRanges() throws Exception {
        assertThat(Numbers.parseInt("0xFFFFFFFF", 32)).isEqualTo(0xFFFFFFFFL);
        assertThat((int) Numbers.parseInt("-0x80000000", 32)).isEqualTo(Integer.MIN_VALUE);
        assertThat((int) Numbers.parseInt("-1", 32)).isEqualTo(-1);
        assertThat(Numbers.parseInt("18446744073709551615", 64)).isEqualTo(-1L);
        assertThat(Numbers.parseInt("-9223372036854775808", 64)).isEqualTo(Long.MIN_VALUE);
        assertThat(Numbers.parseInt("255", 8)).isEqualTo(255);
        assertThat(Numbers.parseInt("-128", 8)).isEqualTo(128);
        assertThatThrownBy(() -> Numbers.parseInt("0x100000000", 32)).hasMessage("constant out of range");
        assertThatThrownBy(() -> Numbers.parseInt("-0x80000001", 32)).hasMessage("constant out of range");
        assertThatThrownBy(() -> Numbers.parseInt("18446744073709551616", 64)).hasMessage("constant out of range");
        assertThatThrownBy(() -> Numbers.parseInt("-9223372036854775809", 64)).hasMessage("constant out of range");
        assertThatThrownBy(() -> Numbers.parseInt("256", 8)).hasMessage("constant out of range");
        assertThatThrownBy(() -> Numbers.parseInt("9".repeat(100_000), 64)).hasMessage("constant out of range");
    }

    @Test
    void floats() throws Exception {
        assertThat(Numbers.parseF32("1.5")).isEqualTo(Float.floatToRawIntBits(1.5f));
        assertThat(Numbers.parseF32("-0x1.8p1")).isEqualTo(Float.floatToRawIntBits(-3f));
        assertThat(Numbers.parseF32("0x1p-149")).isEqualTo(1);
        assertThat(Numbers.parseF32("0x1p127")).isEqualTo(Float.floatToRawIntBits(0x1p127f));
        assertThat(Numbers.parseF32("inf")).isEqualTo(0x7F800000);
        assertThat(Numbers.parseF32("-nan")).isEqualTo(0xFFC00000);
        assertThat(Numbers.parseF32("nan:0x1")).isEqualTo(0x7F800001);
        assertThat(Numbers.parseF32("-0")).isEqualTo(0x80000000);
        assertThat(Numbers.parseF64("0x1.fffffffffffffp1023")).isEqualTo(Double.doubleToRawLongBits(Double.MAX_VALUE));
        assertThat(Numbers.parseF64("1_000.000_1")).isEqualTo(Double.doubleToRawLongBits(1000.0001));
        assertThat(Numbers.parseF64("nan:0xfffffffffffff")).isEqualTo(0x7FFFFFFFFFFFFFFFL);
        assertThat(Numbers.parseF64("0x10")).isEqualTo(Double.doubleToRawLongBits(16.0));
        assertThatThrownBy(() -> Numbers.parseF32("0x1p128")).hasMessage("constant out of range");
        assertThatThrownBy(() -> Numbers.parseF32("1e39")).hasMessage("constant out of range");
        assertThatThrownBy(() -> Numbers.parseF32("nan:0x800000")).hasMessage("constant out of range");
        assertThatThrownBy(() -> Numbers.parseF32("nan:0x0")).hasMessage("constant out of range");
        assertThat(Numbers.parseF64("0x1p-99999999999999")).isZero();
        assertThatThrownBy(() -> Numbers.parseF64("0x1p99999999999999")).hasMessage("constant out of range");
    }

    @Test
    void hexFloatsRoundToNearestEven() throws Exception {
        // 1 + 2^-24 is exactly halfway between 1 and the next f32: ties to even gives 1
        assertThat(Numbers.parseF32("0x1.000001p0")).isEqualTo(0x3F800000);
        // a hair above halfway rounds up
        assertThat(Numbers.parseF32("0x1.00000100000000001p0")).isEqualTo(0x3F800001);
        // 1 + 3*2^-24 is halfway between odd and even neighbours: rounds to the even one
        assertThat(Numbers.parseF32("0x1.000003p0")).isEqualTo(0x3F800002);
        // largest subnormal rounding into the smallest normal
        assertThat(Numbers.parseF32("0x1.fffffep-127")).isEqualTo(0x00800000);
    }

    @Test
    void v128Shapes() throws Exception {
        V128 v = Numbers.v128("i32x4", List.of("1", "-1", "0x80000000", "0"));
        assertThat(v.byteAt(0)).isEqualTo(1);
        assertThat(v.byteAt(4)).isEqualTo(0xFF);
        assertThat(v.byteAt(11)).isEqualTo(0x80);
        V128 f = Numbers.v128("f64x2", List.of("1.0", "-inf"));
        assertThat(f.lo()).isEqualTo(Double.doubleToRawLongBits(1.0));
        assertThat(f.hi()).isEqualTo(Double.doubleToRawLongBits(Double.NEGATIVE_INFINITY));
        assertThat(Numbers.v128("i8x16", java.util.Collections.nCopies(16, "-128")).lo())
                .isEqualTo(0x8080808080808080L);
        assertThatThrownBy(() -> Numbers.v128("i32x4", List.of("1"))).hasMessage("wrong number of lane literals");
        assertThatThrownBy(() -> Numbers.v128("i16x8", java.util.Collections.nCopies(8, "65536")))
                .hasMessage("constant out of range");
    }
}
