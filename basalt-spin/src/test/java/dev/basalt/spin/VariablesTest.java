package dev.basalt.spin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class VariablesTest {
    private static Variables.Definition def(String name, String value) {
        return new Variables.Definition(name, Optional.of(value), false, false);
    }

    private static Variables.Definition required(String name) {
        return new Variables.Definition(name, Optional.empty(), true, true);
    }

    @Test
    void templatesOverProvidersAndDefaults() {
        Variables v = Variables.builder().define(def("host", "a.example")).define(def("port", "80"))
                .define(required("key"))
                .provider(Variables.environment(Map.of("SPIN_VARIABLE_PORT", "8080", "SPIN_VARIABLE_KEY", "k1")))
                .component("web", Map.of("url", "http://{{host}}:{{ port }}/", "key", "{{ key }}", "lit", "x{y}"))
                .build();
        assertThat(v.get("web", "url")).isEqualTo("http://a.example:8080/");
        assertThat(v.get("web", "key")).isEqualTo("k1");
        assertThat(v.get("web", "lit")).isEqualTo("x{y}");
        assertThat(v.getAll("web")).containsExactly(Map.entry("key", "k1"), Map.entry("lit", "x{y}"),
                Map.entry("url", "http://a.example:8080/"));
        assertThat(v.getAll("other")).isEmpty();
        assertThatThrownBy(() -> v.get("other", "url")).isInstanceOfSatisfying(Variables.VariableException.class,
                e -> assertThat(e.kind()).isEqualTo(Variables.ErrorKind.UNDEFINED));
        assertThatThrownBy(() -> v.get("web", "URL")).isInstanceOfSatisfying(Variables.VariableException.class,
                e -> assertThat(e.kind()).isEqualTo(Variables.ErrorKind.INVALID_NAME));
        assertThat(required("key").toString()).doesNotContain("k1");
        assertThat(new Variables.Definition("pw", Optional.of("hunter2"), false, true).toString())
                .doesNotContain("hunter2");
    }

    @Test
    void aFailingProviderIsAProviderError() {
        Variables v = Variables.builder().define(def("a", "1")).provider(name -> {
            throw new IllegalStateException("vault down");
        }).component("c", Map.of("x", "{{ a }}")).build();
        assertThatThrownBy(() -> v.get("c", "x")).isInstanceOfSatisfying(Variables.VariableException.class, e -> {
            assertThat(e.kind()).isEqualTo(Variables.ErrorKind.PROVIDER);
            assertThat(e.getMessage()).contains("vault down");
        });
    }

    @Test
    void namesFollowSpinsRule() {
        assertThat(Variables.invalidName("api_key2")).isNull();
        for (String bad : new String[] {"", "Api", "2a", "_a", "a_", "a__b", "a-b", "a.b"}) {
            assertThat(Variables.invalidName(bad)).as(bad).isNotNull();
        }
    }

    @Test
    void buildRefusesBrokenConfigurations() {
        assertThatThrownBy(() -> Variables.builder().define(required("token")).build())
                .hasMessageContaining("the required variable `token` has no value (set SPIN_VARIABLE_TOKEN");
        assertThatThrownBy(() -> Variables.builder().define(new Variables.Definition("x", Optional.of("1"), true, false))
                .build()).hasMessageContaining("exactly one of");
        assertThatThrownBy(() -> Variables.builder().define(def("Bad", "1")).build())
                .hasMessageContaining("variable `Bad`");
        assertThatThrownBy(() -> Variables.builder().component("c", Map.of("x", "{{ nope }}")).build())
                .hasMessageContaining("refers to the undeclared application variable `nope`");
        assertThatThrownBy(() -> Variables.builder().define(def("a", "1")).component("c", Map.of("x", "{{ a")).build())
                .hasMessageContaining("unterminated {{");
        assertThatThrownBy(() -> Variables.builder().component("c", Map.of("X", "1")).build())
                .hasMessageContaining("component c variable `X`");
    }
}
