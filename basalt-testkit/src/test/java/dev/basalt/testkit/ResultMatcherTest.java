package dev.basalt.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.basalt.wasm.AbsHeapType;
import dev.basalt.wasm.NumType;
import dev.basalt.wasm.V128;
import dev.basalt.wasm.wast.WastResult;
import dev.basalt.wasm.wast.WastValue;
import java.util.List;
import org.junit.jupiter.api.Test;

class ResultMatcherTest {
    private static WastResult exact(WastValue v) {
        return new WastResult.Exact(v);
    }

    @Test
    void numbersMatchBitForBit() {
        assertThat(ResultMatcher.matches(exact(new WastValue.I32(-1)), new Value.I32(-1))).isTrue();
        assertThat(ResultMatcher.matches(exact(new WastValue.I32(1)), new Value.I64(1))).isFalse();
        // +0.0 and -0.0 differ
        assertThat(ResultMatcher.matches(exact(new WastValue.F32(0x8000_0000)), new Value.F32(0))).isFalse();
        // a NaN with a payload matches only itself
        assertThat(ResultMatcher.matches(exact(new WastValue.F64(0x7ff0_0000_0000_0001L)),
                new Value.F64(0x7ff0_0000_0000_0001L))).isTrue();
        assertThat(ResultMatcher.matches(exact(new WastValue.F64(0x7ff0_0000_0000_0001L)),
                new Value.F64(0x7ff8_0000_0000_0000L))).isFalse();
    }

    @Test
    void canonicalAndArithmeticNans() {
        WastResult canonical32 = new WastResult.Nan(NumType.F32, true);
        WastResult arithmetic32 = new WastResult.Nan(NumType.F32, false);
        assertThat(ResultMatcher.matches(canonical32, new Value.F32(0x7fc0_0000))).isTrue();
        assertThat(ResultMatcher.matches(canonical32, new Value.F32(0xffc0_0000))).isTrue();
        assertThat(ResultMatcher.matches(canonical32, new Value.F32(0x7fc0_0001))).isFalse();
        assertThat(ResultMatcher.matches(arithmetic32, new Value.F32(0x7fc0_0001))).isTrue();
        assertThat(ResultMatcher.matches(arithmetic32, new Value.F32(0x7fa0_0000))).isFalse(); // signalling
        assertThat(ResultMatcher.matches(arithmetic32, new Value.F64(0x7ff8_0000_0000_0000L))).isFalse();
        WastResult canonical64 = new WastResult.Nan(NumType.F64, true);
        assertThat(ResultMatcher.matches(canonical64, new Value.F64(0xfff8_0000_0000_0000L))).isTrue();
        assertThat(ResultMatcher.matches(canonical64, new Value.F64(0x7ff8_0000_0000_0001L))).isFalse();
        assertThat(ResultMatcher.matches(new WastResult.Nan(NumType.F64, false),
                new Value.F64(0x7ff8_0000_0000_0001L))).isTrue();
    }

    @Test
    void vectorLanesWithNanPatterns() {
        // f32x4: lane0 = 1.0, lane1 = canonical NaN, lane2 = arithmetic NaN, lane3 = -0.0
        long lo = (0x3f80_0000L) | (0x7fc0_0000L << 32);
        long hi = (0x7fc0_0001L) | (0x8000_0000L << 32);
        V128 v = new V128(lo, hi);
        WastResult pattern = new WastResult.VecLanes("f32x4", List.of(
                exact(new WastValue.F32(0x3f80_0000)), new WastResult.Nan(NumType.F32, true),
                new WastResult.Nan(NumType.F32, false), exact(new WastValue.F32(0x8000_0000))));
        assertThat(ResultMatcher.matches(pattern, new Value.Vec(v))).isTrue();
        WastResult allCanonical = new WastResult.VecLanes("f32x4", List.of(
                exact(new WastValue.F32(0x3f80_0000)), new WastResult.Nan(NumType.F32, true),
                new WastResult.Nan(NumType.F32, true), exact(new WastValue.F32(0x8000_0000))));
        assertThat(ResultMatcher.matches(allCanonical, new Value.Vec(v))).isFalse();
    }

    @Test
    void narrowIntegerLanesCompareTheirLowBits() {
        byte[] bytes = new byte[16];
        bytes[0] = (byte) 0xff;
        bytes[15] = 0x01;
        V128 v = V128.ofBytes(bytes);
        List<WastResult> lanes = new java.util.ArrayList<>();
        for (int i = 0; i < 16; i++) {
            lanes.add(exact(new WastValue.I32(i == 0 ? -1 : i == 15 ? 1 : 0)));
        }
        assertThat(ResultMatcher.matches(new WastResult.VecLanes("i8x16", lanes), new Value.Vec(v))).isTrue();
        lanes.set(15, exact(new WastValue.I32(2)));
        assertThat(ResultMatcher.matches(new WastResult.VecLanes("i8x16", lanes), new Value.Vec(v))).isFalse();
    }

    @Test
    void referencePatternsFollowTheHeapTypeHierarchy() {
        assertThat(ResultMatcher.matches(new WastResult.RefKind("eq"), Value.Ref.of(Value.RefKind.I31))).isTrue();
        assertThat(ResultMatcher.matches(new WastResult.RefKind("eq"), Value.Ref.of(Value.RefKind.STRUCT))).isTrue();
        assertThat(ResultMatcher.matches(new WastResult.RefKind("eq"), Value.Ref.host(Value.RefKind.HOST, 1))).isFalse();
        assertThat(ResultMatcher.matches(new WastResult.RefKind("any"), Value.Ref.host(Value.RefKind.HOST, 1))).isTrue();
        assertThat(ResultMatcher.matches(new WastResult.RefKind("any"), Value.Ref.of(Value.RefKind.FUNC))).isFalse();
        assertThat(ResultMatcher.matches(new WastResult.RefKind("func"), new Value.Null())).isFalse();
        assertThat(ResultMatcher.matches(new WastResult.RefKind("extern"), Value.Ref.of(Value.RefKind.EXTERN))).isTrue();
        assertThat(ResultMatcher.matches(new WastResult.RefNull(AbsHeapType.FUNC), new Value.Null())).isTrue();
        assertThat(ResultMatcher.matches(new WastResult.RefNull(AbsHeapType.FUNC), Value.Ref.of(Value.RefKind.FUNC)))
                .isFalse();
    }

    @Test
    void hostReferencesMatchByNumberAndSide() {
        assertThat(ResultMatcher.matches(new WastResult.RefHostId("extern", 2), Value.Ref.host(Value.RefKind.EXTERN, 2)))
                .isTrue();
        assertThat(ResultMatcher.matches(new WastResult.RefHostId("extern", 2), Value.Ref.host(Value.RefKind.EXTERN, 3)))
                .isFalse();
        assertThat(ResultMatcher.matches(new WastResult.RefHostId("host", 2), Value.Ref.host(Value.RefKind.EXTERN, 2)))
                .isFalse();
        assertThat(ResultMatcher.matches(new WastResult.RefHostId("extern", 2), Value.Ref.of(Value.RefKind.EXTERN)))
                .isFalse();
    }

    @Test
    void eitherMatchesAnyAlternative() {
        WastResult either = new WastResult.Either(List.of(
                List.of(exact(new WastValue.I32(1))), List.of(exact(new WastValue.I32(2)))));
        assertThat(ResultMatcher.mismatch(List.of(either), List.of(new Value.I32(2)))).isEmpty();
        assertThat(ResultMatcher.mismatch(List.of(either), List.of(new Value.I32(3))))
                .hasValueSatisfying(why -> assertThat(why).contains("either"));
    }

    @Test
    void countMismatchIsReported() {
        assertThat(ResultMatcher.mismatch(List.of(), List.of(new Value.I32(1))))
                .hasValueSatisfying(why -> assertThat(why).contains("expected 0 result(s)"));
    }
}
