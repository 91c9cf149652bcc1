package dev.basalt.wasi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The patterns of {@link WasiConfig.Builder#allowOutboundHost}: what they grant and what they refuse. */
class OutboundGrantTest {
    record Case(String pattern, String scheme, String host, int port, boolean allowed) {
    }

    @Test
    void grantsExactlyWhatThePatternSays() {
        List<Case> cases = List.of(
                new Case("api.example.com:443", "https", "api.example.com", 443, true),
                new Case("api.example.com:443", "http", "API.Example.com", 443, true),
                new Case("api.example.com:443", "https", "api.example.com", 444, false),
                new Case("api.example.com:443", "https", "example.com", 443, false),
                new Case("api.example.com", "http", "api.example.com", 80, true),
                new Case("api.example.com", "https", "api.example.com", 443, true),
                new Case("api.example.com", "http", "api.example.com", 8080, false),
                new Case("https://api.example.com", "https", "api.example.com", 443, true),
                new Case("https://api.example.com", "http", "api.example.com", 443, false),
                new Case("https://api.example.com", "https", "api.example.com", 80, false),
                new Case("http://127.0.0.1:8080", "http", "127.0.0.1", 8080, true),
                new Case("*.example.com:*", "https", "a.b.example.com", 9, true),
                new Case("*.example.com:*", "https", "example.com", 443, false),
                new Case("*.example.com:*", "https", "badexample.com", 443, false),
                new Case("[::1]:8080", "http", "[::1]", 8080, true),
                new Case("*:*", "http", "anything", 1, true),
                new Case("*://*:*", "https", "x", 65535, true));
        for (Case c : cases) {
            WasiConfig config = WasiConfig.builder().allowOutboundHost(c.pattern()).build();
            assertThat(config.allowsOutbound(c.scheme(), c.host(), c.port())).as(c.toString()).isEqualTo(c.allowed());
        }
        assertThat(WasiConfig.builder().build().allowsOutbound("https", "example.com", 443)).isFalse();
    }

    @Test
    void refusesMalformedPatterns() {
        for (String bad : List.of("", "ftp://x", "host:0", "host:65536", "host:http", "a*b.com", "*.", "user@host",
                "host/path", "[::1", "[::1]x")) {
            assertThatThrownBy(() -> WasiConfig.builder().allowOutboundHost(bad)).as(bad)
                    .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("not an outbound host grant");
        }
    }
}
