package dev.basalt.component.wit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Packages on the file system: multi-file packages, {@code deps/}, sibling packages, version matching. */
class WitLoaderTest {
    @TempDir
    Path dir;

    private Path write(String relative, String text) throws IOException {
        Path p = dir.resolve(relative);
        Files.createDirectories(p.getParent());
        Files.writeString(p, text);
        return p;
    }

    private static List<String> names(Resolve r) {
        return r.packages().stream().map(p -> p.name().toString()).toList();
    }

    @Test
    void allFilesOfADirectoryFormOnePackage() throws IOException {
        write("wit/types.wit", "interface types { type size = u32; }");
        write("wit/world.wit", "package local:demo;\nworld w { import host; }");
        write("wit/host.wit", "interface host { use types.{size}; f: func() -> size; }");
        WitLoader.Loaded loaded = WitLoader.load(dir.resolve("wit"), WitLoader.Options.DEFAULT);
        Resolve r = loaded.resolve();
        assertThat(names(r)).containsExactly("local:demo");
        Resolve.PackageId p = loaded.roots().getFirst();
        assertThat(r.pkg(p).interfaces()).extracting(r::interfaceName).containsExactly("local:demo/types",
                "local:demo/host");
        assertThat(r.world(r.findWorld(p, "w").orElseThrow()).imports()).extracting(r::keyNameOf)
                .containsExactly("local:demo/types", "local:demo/host");
    }

    @Test
    void depsDirectoryHoldsFilesAndDirectories() throws IOException {
        write("wit/main.wit", """
                package local:app;
                world app { import wasi:clocks/wall-clock@0.2.0; import local:util/log; }
                """);
        write("wit/deps/clocks/wall.wit", "package wasi:clocks@0.2.0; interface wall-clock { now: func() -> u64; }");
        write("wit/deps/util.wit", "package local:util; interface log { log: func(s: string); }");
        write("wit/deps/unused.wit", "package local:unused; interface never { }");
        Resolve r = WitLoader.load(dir.resolve("wit"), WitLoader.Options.DEFAULT).resolve();
        // dependencies first (ties by name), only reachable packages
        assertThat(names(r)).containsExactly("local:util", "wasi:clocks@0.2.0", "local:app");
    }

    @Test
    void siblingPackageDirectoriesAreDependencies() throws IOException {
        write("tree/io/streams.wit", "package x:io@1.0.0; interface streams { resource input; }");
        write("tree/http/types.wit", "package x:http@1.0.0; interface types { use x:io/streams@1.0.0.{input}; }");
        WitLoader.Loaded one = WitLoader.load(dir.resolve("tree/http"), WitLoader.Options.DEFAULT);
        assertThat(names(one.resolve())).containsExactly("x:io@1.0.0", "x:http@1.0.0");
        assertThat(one.roots()).containsExactly(new Resolve.PackageId(1));
        WitLoader.Loaded all = WitLoader.load(dir.resolve("tree"), WitLoader.Options.DEFAULT);
        assertThat(all.roots()).hasSize(2);
    }

    @Test
    void versionedReferencesMatchTheHighestCompatibleVersion() throws IOException {
        write("wit/main.wit", """
                package local:app;
                interface a { use dep:x/i@1.2.0.{t}; }
                interface b { use dep:x/i.{t}; }
                """);
        write("wit/deps/x13/x.wit", "package dep:x@1.3.5; interface i { type t = u8; }");
        write("wit/deps/x20/x.wit", "package dep:x@2.0.0; interface i { type t = u16; }");
        Resolve r = WitLoader.load(dir.resolve("wit"), WitLoader.Options.DEFAULT).resolve();
        Resolve.PackageId app = r.findPackage(new PackageName("local", "app", Optional.empty())).orElseThrow();
        TypeDef a = r.type(r.findType(r.findInterface(app, "a").orElseThrow(), "t").orElseThrow());
        TypeDef b = r.type(r.findType(r.findInterface(app, "b").orElseThrow(), "t").orElseThrow());
        assertThat(r.type(((TypeDef.Use) a.kind()).target()).kind())
                .isEqualTo(new TypeDef.Alias(WitType.Primitive.U8));
        // no version: the highest available
        assertThat(r.type(((TypeDef.Use) b.kind()).target()).kind())
                .isEqualTo(new TypeDef.Alias(WitType.Primitive.U16));
    }

    @Test
    void semverCompatibility() {
        SemVer v120 = SemVer.parse("1.2.0").orElseThrow();
        assertThat(v120.acceptsCompatible(SemVer.parse("1.9.1").orElseThrow())).isTrue();
        assertThat(v120.acceptsCompatible(SemVer.parse("1.1.9").orElseThrow())).isFalse();
        assertThat(v120.acceptsCompatible(SemVer.parse("2.0.0").orElseThrow())).isFalse();
        SemVer v020 = SemVer.parse("0.2.0").orElseThrow();
        assertThat(v020.acceptsCompatible(SemVer.parse("0.2.12").orElseThrow())).isTrue();
        assertThat(v020.acceptsCompatible(SemVer.parse("0.3.0").orElseThrow())).isFalse();
        assertThat(SemVer.parse("0.2.0-rc-2023-11-10").orElseThrow().compareTo(v020)).isNegative();
        assertThat(SemVer.parse("1.0.0-alpha.2").orElseThrow()
                .compareTo(SemVer.parse("1.0.0-alpha.10").orElseThrow())).isNegative();
    }

    @Test
    void filesOfOnePackageMustAgreeOnItsName() throws IOException {
        write("wit/a.wit", "package local:a;");
        write("wit/b.wit", "package local:b;");
        assertThatThrownBy(() -> WitLoader.load(dir.resolve("wit"), WitLoader.Options.DEFAULT))
                .isInstanceOf(WitException.class)
                .hasMessageEndingWith("b.wit:1:1: package `local:b` does not match the package `local:a` declared"
                        + " by another file");
    }

    @Test
    void packageCyclesAreRejected() throws IOException {
        write("wit/main.wit", "package local:app; interface i { use dep:x/i.{t}; type u = u8; }");
        write("wit/deps/x.wit", "package dep:x; interface i { use local:app/i.{u}; type t = u8; }");
        assertThatThrownBy(() -> WitLoader.load(dir.resolve("wit"), WitLoader.Options.DEFAULT))
                .isInstanceOf(WitException.class)
                .hasMessage("package dependency cycle: local:app -> dep:x -> local:app");
    }

    @Test
    void missingPathsAndInvalidUtf8() throws IOException {
        assertThatThrownBy(() -> WitLoader.load(dir.resolve("nope"), WitLoader.Options.DEFAULT))
                .isInstanceOf(WitException.class).hasMessageEndingWith("nope: no such file or directory");
        Path bad = dir.resolve("bad.wit");
        Files.write(bad, new byte[] {'p', (byte) 0xff});
        assertThatThrownBy(() -> WitLoader.load(bad, WitLoader.Options.DEFAULT))
                .isInstanceOf(WitException.class).hasMessageEndingWith("bad.wit: not valid UTF-8");
        Files.createDirectories(dir.resolve("empty"));
        assertThatThrownBy(() -> WitLoader.load(dir.resolve("empty"), WitLoader.Options.DEFAULT))
                .isInstanceOf(WitException.class).hasMessageContaining("no .wit files");
    }

    @Test
    void longUseChainsDoNotOverflowTheStack() {
        StringBuilder sb = new StringBuilder("package a:b;\n");
        int n = 20000;
        for (int i = 0; i < n; i++) {
            sb.append("interface i").append(i).append(" { ")
                    .append(i + 1 < n ? "use i" + (i + 1) + ".{t}; }\n" : "type t = u8; }\n");
        }
        Resolve r = WitLoader.load("chain.wit", sb.toString(), WitLoader.Options.DEFAULT).resolve();
        assertThat(r.interfaces()).hasSize(n);
        // on a thread with a small stack the same input is a WitException, never a StackOverflowError
        Throwable[] thrown = new Throwable[1];
        Thread small = new Thread(null, () -> {
            try {
                WitLoader.load("chain.wit", sb.toString(), WitLoader.Options.DEFAULT);
            } catch (Throwable t) {
                thrown[0] = t;
            }
        }, "small-stack", 128 * 1024);
        small.start();
        try {
            small.join();
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
        assertThat(thrown[0]).isInstanceOf(WitException.class).hasMessageContaining("nest too deeply");
    }
}
