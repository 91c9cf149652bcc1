package dev.basalt.component;

import static dev.basalt.component.ComponentValue.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ComponentValueTest {
    @Test
    void unsignedRangesAreChecked() {
        assertThat(u8(255).value()).isEqualTo(255);
        assertThatThrownBy(() -> u8(256)).isInstanceOf(ComponentException.class).hasMessage("u8 out of range: 256");
        assertThatThrownBy(() -> u16(-1)).isInstanceOf(ComponentException.class);
        assertThat(u32(0xffff_ffffL).value()).isEqualTo(4294967295L);
        assertThatThrownBy(() -> u32(1L << 32)).isInstanceOf(ComponentException.class);
        assertThatThrownBy(() -> s8(128)).isInstanceOf(ComponentException.class);
        assertThatThrownBy(() -> s16(-32769)).isInstanceOf(ComponentException.class);
        assertThat(u64(-1).toString()).contains("18446744073709551615");
    }

    @Test
    void charsMustBeScalarValues() {
        assertThat(character(0x1F600).codePoint()).isEqualTo(0x1F600);
        assertThatThrownBy(() -> character(0xD800)).isInstanceOf(ComponentException.class)
                .hasMessageContaining("not a Unicode scalar value");
        assertThatThrownBy(() -> character(0x110000)).isInstanceOf(ComponentException.class);
    }

    @Test
    void structuralEquality() {
        assertThat(record(field("a", u32(1)), field("b", string("x"))))
                .isEqualTo(record(field("a", u32(1)), field("b", string("x"))));
        assertThat(flags("a", "b")).isEqualTo(flags("b", "a"));
        assertThat(f32(Float.NaN)).isEqualTo(f32(Float.NaN));
        assertThat(some(u8(1))).isNotEqualTo(none());
        assertThat(ok()).isNotEqualTo(err());
        assertThat(record(field("a", u32(1))).get("a")).contains(u32(1));
    }

    @Test
    void movedHandlesCannotBeReused() {
        int[] destroyed = {-1};
        ResourceType t = ResourceType.host("file", rep -> destroyed[0] = rep);
        ResourceHandle h = ResourceHandle.own(t, 7);
        h.drop();
        assertThat(destroyed[0]).isEqualTo(7);
        assertThat(h.isLive()).isFalse();
        assertThatThrownBy(h::drop).isInstanceOf(ComponentException.class).hasMessageContaining("already moved or dropped");
        assertThat(ResourceType.host("file")).isNotEqualTo(ResourceType.host("file"));
    }
}
