package dev.basalt.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.basalt.testkit.DockerRegistry;
import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code basalt registry push/pull}, {@code basalt serve oci://REF} and {@code basalt run oci://REF} against a real
 * registry ({@code docker-registry} on a free loopback port), with the cache in a temporary directory
 * ({@code -Dbasalt.cache.dir}).
 */
class RegistryCommandTest {
    private static DockerRegistry registry;
    @TempDir
    static Path shared;

    @BeforeAll
    static void startRegistry() throws Exception {
        assumeTrue(DockerRegistry.binary().isPresent(),
                "docker-registry is not installed (apt-get install docker-registry): the registry CLI tests are SKIPPED");
        registry = DockerRegistry.start(shared.resolve("registry"), "");
        System.setProperty("basalt.cache.dir", shared.resolve("cache").toString());
    }

    @AfterAll
    static void stop() throws InterruptedException {
        System.clearProperty("basalt.cache.dir");
        if (registry != null) {
            registry.close();
        }
    }

    /** A WASI command module that exits with 7: {@code (func (export "_start") (call $proc_exit (i32.const 7)))}. */
    static byte[] exitSeven() {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(new byte[] {0, 'a', 's', 'm', 1, 0, 0, 0});
        b.writeBytes(new byte[] {1, 8, 2, 0x60, 1, 0x7f, 0, 0x60, 0, 0}); // types: (i32)->(), ()->()
        byte[] module = "wasi_snapshot_preview1".getBytes(StandardCharsets.UTF_8);
        byte[] name = "proc_exit".getBytes(StandardCharsets.UTF_8);
        b.write(2);
        b.write(1 + 1 + module.length + 1 + name.length + 2);
        b.write(1);
        b.write(module.length);
        b.writeBytes(module);
        b.write(name.length);
        b.writeBytes(name);
        b.writeBytes(new byte[] {0, 0}); // func, type 0
        b.writeBytes(new byte[] {3, 2, 1, 1}); // one function of type 1
        b.writeBytes(new byte[] {7, 10, 1, 6, '_', 's', 't', 'a', 'r', 't', 0, 1});
        b.writeBytes(new byte[] {10, 8, 1, 6, 0, 0x41, 7, 0x10, 0, 0x0b});
        return b.toByteArray();
    }

    @Test
    void pushPullServeAndRunFromTheRegistry(@TempDir Path tmp) throws Exception {
        Path app = tmp.resolve("app");
        Files.createDirectories(app);
        Files.copy(ServeCommandTest.handler(), app.resolve("handler.wasm"));
        Files.writeString(app.resolve("spin.toml"), """
                spin_manifest_version = 2
                [application]
                name = "hello"
                [[trigger.http]]
                route = "/..."
                component = "hello"
                [component.hello]
                source = "handler.wasm"
                """);
        String ref = registry.host() + "/cli/hello:1";
        CliRun push = CliRun.of("registry", "push", "--insecure", app.toString(), ref);
        assertThat(push.code()).as(push.err()).isZero();
        assertThat(push.out()).matches("pushed " + java.util.regex.Pattern.quote(ref) + "@sha256:[0-9a-f]{64}\\s*");

        CliRun pull = CliRun.of("registry", "pull", "-k", "oci://" + ref, "--output", tmp.resolve("out").toString());
        assertThat(pull.code()).as(pull.err()).isZero();
        assertThat(pull.out()).contains("Spin application").contains(tmp.resolve("out/spin.toml").toString());
        assertThat(Files.mismatch(tmp.resolve("out/wasm/hello.wasm"), app.resolve("handler.wasm"))).isEqualTo(-1);

        ServeCommandTest.Announcements out = new ServeCommandTest.Announcements();
        StringWriter err = new StringWriter();
        int[] code = {-1};
        Thread command = new Thread(() -> code[0] = Main.run(new String[] {"serve", "--insecure", "oci://" + ref,
                "--listen", "127.0.0.1:0", "--engine", "interpreter"}, new PrintWriter(out, true), new PrintWriter(err, true)));
        command.start();
        try {
            String base = out.url.get(2, TimeUnit.MINUTES);
            assertThat(out.text.toString()).contains("basalt serve: oci://" + ref + " on ");
            var r = ServeCommandTest.get(base + "from-the-registry");
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).startsWith("GET /from-the-registry\n");
        } finally {
            command.interrupt();
            command.join(60_000);
        }
        assertThat(code[0]).as(err.toString()).isZero();

        Path module = tmp.resolve("exit7.wasm");
        Files.write(module, exitSeven());
        String moduleRef = registry.host() + "/cli/exit7:latest";
        assertThat(CliRun.of("registry", "push", "-k", module.toString(), moduleRef).code()).isZero();
        CliRun run = CliRun.of("run", "--insecure", "oci://" + moduleRef);
        assertThat(run.code()).as(run.err()).isEqualTo(7);

        CliRun runApp = CliRun.of("run", "-k", "oci://" + ref);
        assertThat(runApp.code()).isEqualTo(Main.USAGE);
        assertThat(runApp.err()).contains("is a Spin application: run it with `basalt serve oci://" + ref + "`");

        CliRun missing = CliRun.of("run", "-k", "oci://" + registry.host() + "/cli/missing:1");
        assertThat(missing.code()).isEqualTo(Main.PROBLEM);
        assertThat(missing.err()).contains("cannot pull").contains("404");
    }
}
