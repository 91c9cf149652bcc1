package dev.basalt.component.wit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.basalt.component.wit.Resolve.PackageId;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Every WASI package vendored under {@code ../shared/wasi-wit} parses and resolves, with the expected numbers of
 * interfaces, worlds, type definitions and functions, and survives a print / re-parse round trip.
 */
class WasiWitTest {
    static Path wasiWit() {
        String shared = System.getProperty("basalt.shared", "../../shared");
        Path dir = Path.of(shared, "wasi-wit");
        assumeTrue(Files.isDirectory(dir), "WASI WIT definitions not found at " + dir.toAbsolutePath()
                + " (set -Dbasalt.shared); skipping");
        return dir;
    }

    static final WitLoader.Options ALL = new WitLoader.Options(Set.of(), true);

    /**
     * Expected counts per package with every feature enabled. The numbers were taken from the sources with grep
     * (lines starting `interface`, `world`, `record|variant|enum|flags|resource|type`, and lines containing
     * `func(` or `constructor(`, comments excluded), independently of the parser.
     */
    record Expected(String dir, String pkg, int interfaces, int worlds, int types, int functions) {}

    static final List<Expected> EXPECTED = List.of(
            new Expected("wasip2", "wasi:cli@0.2.12", 11, 2, 2, 12),
            new Expected("wasip2", "wasi:clocks@0.2.12", 3, 1, 4, 8),
            new Expected("wasip2", "wasi:filesystem@0.2.12", 2, 1, 14, 30),
            new Expected("wasip2", "wasi:http@0.2.12", 3, 2, 24, 54),
            new Expected("wasip2", "wasi:io@0.2.12", 3, 1, 5, 19),
            new Expected("wasip2", "wasi:random@0.2.12", 3, 1, 0, 5),
            new Expected("wasip2", "wasi:sockets@0.2.12", 7, 1, 17, 53),
            new Expected("wasip2-0.2.0", "wasi:cli@0.2.0", 11, 2, 2, 11),
            new Expected("wasip2-0.2.0", "wasi:clocks@0.2.0", 2, 1, 3, 6),
            new Expected("wasip2-0.2.0", "wasi:filesystem@0.2.0", 2, 1, 14, 30),
            new Expected("wasip2-0.2.0", "wasi:http@0.2.0", 3, 1, 23, 53),
            new Expected("wasip2-0.2.0", "wasi:io@0.2.0", 3, 1, 5, 19),
            new Expected("wasip2-0.2.0", "wasi:random@0.2.0", 3, 1, 0, 5),
            new Expected("wasip2-0.2.0", "wasi:sockets@0.2.0", 7, 1, 17, 52),
            new Expected("wasip3", "wasi:cli@0.3.0", 12, 2, 3, 12),
            new Expected("wasip3", "wasi:clocks@0.3.0", 4, 1, 3, 9),
            new Expected("wasip3", "wasi:filesystem@0.3.0", 2, 1, 13, 26),
            new Expected("wasip3", "wasi:http@0.3.0", 3, 2, 17, 37),
            new Expected("wasip3", "wasi:random@0.3.0", 3, 1, 0, 5),
            new Expected("wasip3", "wasi:sockets@0.3.0", 2, 1, 11, 41),
            new Expected("keyvalue", "wasi:keyvalue@0.2.0-draft2", 4, 2, 5, 15));

    @TestFactory
    Stream<DynamicTest> packageCounts() {
        Path root = wasiWit();
        return EXPECTED.stream().map(e -> DynamicTest.dynamicTest(e.pkg(), () -> {
            Resolve r = WitLoader.load(root.resolve(e.dir()), ALL).resolve();
            PackageName name = WitParser.parse("name", "package " + e.pkg() + ";").pkg().orElseThrow().name();
            PackageId id = r.findPackage(name).orElseThrow();
            Resolve.Package p = r.pkg(id);
            int types = 0;
            int functions = 0;
            for (Resolve.InterfaceId i : p.interfaces()) {
                for (Resolve.TypeId t : r.iface(i).types()) {
                    if (!(r.type(t).kind() instanceof TypeDef.Use)) {
                        types++;
                    }
                }
                functions += r.iface(i).functions().size();
            }
            for (Resolve.WorldId w : p.worlds()) {
                for (Resolve.WorldItem item : r.world(w).exports()) {
                    if (item instanceof Resolve.WorldItem.FunctionItem) {
                        functions++;
                    }
                }
                for (Resolve.WorldItem item : r.world(w).imports()) {
                    if (item instanceof Resolve.WorldItem.FunctionItem) {
                        functions++;
                    }
                }
            }
            assertThat(List.of(p.interfaces().size(), p.worlds().size(), types, functions))
                    .as("interfaces, worlds, types, functions of %s", e.pkg())
                    .containsExactly(e.interfaces(), e.worlds(), e.types(), e.functions());
        }));
    }

    @Test
    void unstableItemsAreDroppedUnlessTheirFeatureIsEnabled() {
        Path clocks = wasiWit().resolve("wasip2/clocks");
        Resolve off = WitLoader.load(clocks, WitLoader.Options.DEFAULT).resolve();
        PackageId p = off.findPackage(new PackageName("wasi", "clocks", SemVer.parse("0.2.12"))).orElseThrow();
        assertThat(off.findInterface(p, "timezone")).isEmpty();
        // monotonic-clock uses wasi:io/poll.{pollable}, so the world imports wasi:io/poll first
        assertThat(off.world(off.findWorld(p, "imports").orElseThrow()).imports()).extracting(off::keyNameOf)
                .containsExactly("wasi:io/poll@0.2.12", "wasi:clocks/monotonic-clock@0.2.12",
                        "wasi:clocks/wall-clock@0.2.12");

        Resolve on = WitLoader.load(clocks, new WitLoader.Options(Set.of("clocks-timezone"), false)).resolve();
        PackageId q = on.findPackage(new PackageName("wasi", "clocks", SemVer.parse("0.2.12"))).orElseThrow();
        Resolve.InterfaceId tz = on.findInterface(q, "timezone").orElseThrow();
        assertThat(on.iface(tz).stability()).isEqualTo(new Stability.Unstable("clocks-timezone",
                java.util.Optional.empty()));
        assertThat(on.world(on.findWorld(q, "imports").orElseThrow()).imports()).extracting(on::keyNameOf)
                .containsExactly("wasi:io/poll@0.2.12", "wasi:clocks/monotonic-clock@0.2.12",
                        "wasi:clocks/wall-clock@0.2.12", "wasi:clocks/timezone@0.2.12");
    }

    @Test
    void httpProxyWorldImportsAndExports() {
        Resolve r = WitLoader.load(wasiWit().resolve("wasip2/http"), WitLoader.Options.DEFAULT).resolve();
        PackageId http = r.findPackage(new PackageName("wasi", "http", SemVer.parse("0.2.12"))).orElseThrow();
        Resolve.World proxy = r.world(r.findWorld(http, "proxy").orElseThrow());
        // `include imports` flattened; wasi:io interfaces come in because types/stdout/... `use` them
        assertThat(proxy.imports()).extracting(r::keyNameOf).containsExactly(
                "wasi:io/poll@0.2.12",
                "wasi:clocks/monotonic-clock@0.2.12",
                "wasi:clocks/wall-clock@0.2.12",
                "wasi:random/random@0.2.12",
                "wasi:io/error@0.2.12",
                "wasi:io/streams@0.2.12",
                "wasi:cli/stdout@0.2.12",
                "wasi:cli/stderr@0.2.12",
                "wasi:cli/stdin@0.2.12",
                "wasi:http/types@0.2.12",
                "wasi:http/outgoing-handler@0.2.12");
        assertThat(proxy.exports()).extracting(r::keyNameOf).containsExactly("wasi:http/incoming-handler@0.2.12");
    }

    @Test
    void http03ServiceAndMiddleware() {
        Resolve r = WitLoader.load(wasiWit().resolve("wasip3/http"), WitLoader.Options.DEFAULT).resolve();
        PackageId http = r.findPackage(new PackageName("wasi", "http", SemVer.parse("0.3.0"))).orElseThrow();
        Resolve.World service = r.world(r.findWorld(http, "service").orElseThrow());
        Resolve.World middleware = r.world(r.findWorld(http, "middleware").orElseThrow());
        assertThat(service.exports()).extracting(r::keyNameOf).containsExactly("wasi:http/handler@0.3.0");
        assertThat(service.imports()).extracting(r::keyNameOf).contains("wasi:http/client@0.3.0",
                "wasi:http/types@0.3.0", "wasi:cli/stdout@0.3.0", "wasi:random/random@0.3.0");
        // middleware = service + import handler: both directions of the handler
        assertThat(middleware.imports()).extracting(r::keyNameOf).contains("wasi:http/handler@0.3.0");
        assertThat(middleware.exports()).extracting(r::keyNameOf).containsExactly("wasi:http/handler@0.3.0");
        Resolve.Interface handler = r.iface(r.findInterface(http, "handler").orElseThrow());
        assertThat(handler.functions()).singleElement().satisfies(f -> {
            assertThat(f.async()).isTrue();
            assertThat(f.name()).isEqualTo("handle");
        });
    }

    @Test
    void cliCommandWorldExportsRun() {
        Resolve r = WitLoader.load(wasiWit().resolve("wasip2"), WitLoader.Options.DEFAULT).resolve();
        PackageId cli = r.findPackage(new PackageName("wasi", "cli", SemVer.parse("0.2.12"))).orElseThrow();
        Resolve.World command = r.world(r.findWorld(cli, "command").orElseThrow());
        assertThat(command.exports()).extracting(r::keyNameOf).containsExactly("wasi:cli/run@0.2.12");
        assertThat(command.imports()).extracting(r::keyNameOf).contains("wasi:filesystem/types@0.2.12",
                "wasi:filesystem/preopens@0.2.12", "wasi:sockets/tcp@0.2.12", "wasi:cli/environment@0.2.12");
    }

    @TestFactory
    Stream<DynamicTest> printThenReparseGivesTheSameModel() {
        Path root = wasiWit();
        List<DynamicTest> tests = new ArrayList<>();
        for (String dir : List.of("wasip2", "wasip2-0.2.0", "wasip3", "keyvalue")) {
            for (WitLoader.Options options : List.of(WitLoader.Options.DEFAULT, ALL)) {
                tests.add(DynamicTest.dynamicTest(dir + (options.allFeatures() ? " (all features)" : ""), () -> {
                    Resolve first = WitLoader.load(root.resolve(dir), options).resolve();
                    List<WitLoader.Source> printed = new ArrayList<>();
                    for (int i = 0; i < first.packages().size(); i++) {
                        printed.add(new WitLoader.Source("printed-" + i + ".wit",
                                WitPrinter.print(first, new PackageId(i))));
                    }
                    Resolve second = WitLoader.loadPackages(printed, options).resolve();
                    assertThat(second).isEqualTo(first);
                }));
            }
        }
        return tests.stream();
    }
}
