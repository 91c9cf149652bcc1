package dev.basalt.spin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.basalt.Config;
import dev.basalt.Engine;
import dev.basalt.Store;
import dev.basalt.component.Component;
import dev.basalt.component.ComponentInstancePre;
import dev.basalt.component.ComponentLinker;
import dev.basalt.spin.kv.InMemoryKeyValueStore;
import dev.basalt.spin.kv.KeyValueStores;
import dev.basalt.wasi.WasiConfig;
import dev.basalt.wasi.preview2.WasiComponentContext;
import dev.basalt.wasi.preview2.WasiHttp;
import dev.basalt.wasi.preview2.WasiPreview2;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Spin host interfaces through the embedding API, with a real guest: the C component
 * {@code src/test/c/kv-handler.c} (built by build-test-kv.sh), called through wasi:http in a fresh instance per
 * request, like basalt serve does.
 */
class SpinHostTest {
    record Ctx(WasiComponentContext wasi, SpinGuest spin) {
    }

    private static Engine engine;
    private static ComponentInstancePre<Ctx> pre;
    private static InMemoryKeyValueStore defaultStore;
    private static KeyValueStores stores;
    private static SpinConfig config;

    @BeforeAll
    static void setUp() throws IOException {
        engine = Engine.create(Config.builder().strategy(Config.Strategy.INTERPRETER).build());
        Component component = Component.compile(engine, fixture());
        ComponentLinker<Ctx> linker = ComponentLinker.create(engine);
        WasiPreview2.addToLinker(linker, Ctx::wasi);
        SpinHost.addToLinker(linker, Ctx::spin);
        pre = linker.instantiatePre(component);
        defaultStore = new InMemoryKeyValueStore();
        stores = KeyValueStores.builder().store("default", defaultStore).memory("other").memory("unlisted").build();
        Variables variables = Variables.builder()
                .define(new Variables.Definition("host", Optional.of("example.com"), false, false))
                .define(new Variables.Definition("token", Optional.empty(), true, true))
                .provider(Variables.environment(Map.of("SPIN_VARIABLE_TOKEN", "s3cret")))
                .component("app", Map.of("api_url", "https://{{ host }}/v1", "auth", "Bearer {{token}}",
                        "plain", "text"))
                .build();
        config = new SpinConfig("app", stores, Set.of("default", "other", "missing"), variables,
                new SpinConfig.Limits(64, 1024, 3));
    }

    @AfterAll
    static void tearDown() {
        stores.close();
    }

    static byte[] fixture() throws IOException {
        try (InputStream in = SpinHostTest.class.getResourceAsStream("/kv-handler.component.wasm")) {
            assertThat(in).as("kv-handler.component.wasm (built by build-test-kv.sh)").isNotNull();
            return in.readAllBytes();
        }
    }

    private record Reply(int status, String body, int handlesLeft) {
    }

    private static Reply call(String path) {
        return call(path, "");
    }

    /** One request in a fresh instance; also reports the handles the guest still held when it returned. */
    private static Reply call(String path, String body) {
        try (WasiComponentContext wasi = WasiComponentContext.create(WasiConfig.builder().build());
             SpinGuest spin = SpinGuest.create(config)) {
            Store<Ctx> store = Store.create(engine, new Ctx(wasi, spin));
            WasiHttp.Response r = WasiHttp.handle(pre.instantiate(store), wasi,
                    WasiHttp.Request.of("POST", path, List.of(), body.getBytes(StandardCharsets.UTF_8)));
            return new Reply(r.status(), r.bodyText(), spin.liveHandles());
        }
    }

    @Test
    void spinKeyValueRoundTrip() {
        assertThat(call("/spin/default/get/greeting")).isEqualTo(new Reply(404, "none", 0));
        assertThat(call("/spin/default/set/greeting", "hello\u00e9")).isEqualTo(new Reply(200, "ok", 0));
        assertThat(defaultStore.get("greeting")).hasValueSatisfying(v ->
                assertThat(new String(v, StandardCharsets.UTF_8)).isEqualTo("hello\u00e9"));
        assertThat(call("/spin/default/get/greeting")).isEqualTo(new Reply(200, "hello\u00e9", 0));
        assertThat(call("/spin/default/exists/greeting").body()).isEqualTo("true");
        assertThat(call("/spin/default/set/another", "x").body()).isEqualTo("ok");
        assertThat(call("/spin/default/keys").body()).isEqualTo("another\ngreeting\n");
        assertThat(call("/spin/default/delete/greeting").body()).isEqualTo("ok");
        assertThat(call("/spin/default/exists/greeting").body()).isEqualTo("false");
        assertThat(call("/spin/default/delete/never-was").body()).as("deleting nothing is fine").isEqualTo("ok");
        // stores are separate
        assertThat(call("/spin/other/get/another").status()).isEqualTo(404);
    }

    @Test
    void onlyGrantedStoresOpen() {
        assertThat(call("/spin/unlisted/get/k")).as("configured but not granted")
                .isEqualTo(new Reply(500, "error: access-denied", 0));
        assertThat(call("/spin/nowhere/get/k")).as("neither: denial first")
                .isEqualTo(new Reply(500, "error: access-denied", 0));
        assertThat(call("/spin/missing/get/k")).as("granted but not configured")
                .isEqualTo(new Reply(500, "error: no-such-store", 0));
        assertThat(call("/wasi/unlisted/get/k").body()).isEqualTo("error: access-denied");
        assertThat(call("/wasi/missing/get/k").body()).isEqualTo("error: no-such-store");
    }

    @Test
    void storeTableFullAndHandlesReleased() {
        Reply r = call("/spin-open/default/5");
        assertThat(r.body()).isEqualTo("error: store-table-full after 3");
        assertThat(r.handlesLeft()).as("the guest did not drop them; closing its SpinGuest does").isEqualTo(3);
        assertThat(call("/spin-open/default/3").body()).isEqualTo("opened 3");
    }

    @Test
    void limitsGiveTheInterfaceError() {
        String longKey = "k".repeat(65);
        assertThat(call("/spin/default/set/" + longKey, "v"))
                .isEqualTo(new Reply(500, "error: other: key too large: 65 bytes (at most 64)", 0));
        assertThat(call("/wasi/default/get/" + longKey).body())
                .isEqualTo("error: other: key too large: 65 bytes (at most 64)");
        assertThat(call("/spin/default/set/big", "x".repeat(1025)).body())
                .isEqualTo("error: other: value too large: 1025 bytes (at most 1024)");
        assertThat(call("/spin/default/exists/big").body()).isEqualTo("false");
        assertThat(call("/wasi/default/setmany", "a1=1\nbig=" + "x".repeat(1025)).body())
                .startsWith("error: other: value too large");
        assertThat(call("/wasi/default/exists/a1").body()).as("a failing batch writes nothing").isEqualTo("false");
    }

    @Test
    void wasiKeyValueStoreAtomicsAndBatch() {
        assertThat(call("/wasi/other/set/w1", "one").body()).isEqualTo("ok");
        assertThat(call("/wasi/other/get/w1")).isEqualTo(new Reply(200, "one", 0));
        assertThat(call("/wasi/other/exists/w1").body()).isEqualTo("true");
        assertThat(call("/wasi/other/get/w2").status()).isEqualTo(404);

        assertThat(call("/wasi/other/incr/counter", "5").body()).isEqualTo("5");
        assertThat(call("/wasi/other/incr/counter", "-7").body()).isEqualTo("-2");
        assertThat(call("/wasi/other/get/counter").body()).as("counters are decimal text").isEqualTo("-2");
        assertThat(call("/wasi/other/incr/w1", "1").body()).isEqualTo("error: other: the value of w1 is not an integer");

        assertThat(call("/wasi/other/cas/c", "first")).isEqualTo(new Reply(200, "swapped", 0));
        assertThat(call("/wasi/other/get/c").body()).isEqualTo("first");
        assertThat(call("/wasi/other/cas-race/c", "mine")).as("the value changed between cas.new and swap")
                .isEqualTo(new Reply(409, "cas-failed current=intruder", 0));
        assertThat(call("/wasi/other/get/c").body()).isEqualTo("intruder");

        assertThat(call("/wasi/other/setmany", "b1=x\nb2=yy\nb3=").body()).isEqualTo("set 3");
        assertThat(call("/wasi/other/getmany/b1,nope,b2,b3").body()).isEqualTo("b1=x\nnope absent\nb2=yy\nb3=\n");
        assertThat(call("/wasi/other/delmany/b1,b2").body()).isEqualTo("ok");
        assertThat(call("/wasi/other/getmany/b1,b3").body()).isEqualTo("b1 absent\nb3=\n");
        assertThat(call("/wasi/other/delete/b3").body()).isEqualTo("ok");
    }

    @Test
    void listKeysPagesWithACursor() {
        try (InMemoryKeyValueStore s = new InMemoryKeyValueStore();
             KeyValueStores one = KeyValueStores.builder().store("default", s).build()) {
            for (int i = 0; i < 2 * SpinHost.KEYS_PAGE + 5; i++) {
                s.set("key%05d".formatted(i), new byte[] {1});
            }
            SpinConfig saved = config;
            config = new SpinConfig("app", one, Set.of("default"), Variables.none(), SpinConfig.Limits.DEFAULT);
            try {
                String body = call("/wasi/default/keys").body();
                List<String> lines = body.lines().toList();
                assertThat(lines.getLast()).isEqualTo("pages=3");
                assertThat(lines.subList(0, lines.size() - 1)).hasSize(2 * SpinHost.KEYS_PAGE + 5)
                        .isSorted().doesNotHaveDuplicates();
            } finally {
                config = saved;
            }
        }
    }

    @Test
    void variablesAndWasiConfig() {
        assertThat(call("/var/api_url")).isEqualTo(new Reply(200, "https://example.com/v1", 0));
        assertThat(call("/var/auth").body()).as("a required variable from the environment provider")
                .isEqualTo("Bearer s3cret");
        assertThat(call("/var/host").body()).as("application variables are reachable only through the component's")
                .isEqualTo("error: undefined: no variable host");
        assertThat(call("/var/Bad").body()).startsWith("error: invalid-name: Bad: ");
        assertThat(call("/config/plain")).isEqualTo(new Reply(200, "text", 0));
        assertThat(call("/config/host")).isEqualTo(new Reply(404, "none", 0));
        assertThat(call("/config/Bad").status()).isEqualTo(404);
        assertThat(call("/config-all").body())
                .isEqualTo("api_url=https://example.com/v1\nauth=Bearer s3cret\nplain=text\n");
    }
}
