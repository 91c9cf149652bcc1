package dev.basalt.component.wit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.basalt.component.wit.Resolve.InterfaceId;
import dev.basalt.component.wit.Resolve.PackageId;
import dev.basalt.component.wit.WitType.Primitive;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/** Every syntax form of WIT.md, parsed and resolved, one named case each; and a print/re-parse round trip. */
class WitSyntaxTest {
    /** A resolved single file with helpers for the checks. */
    record Ctx(Resolve r, PackageId root) {
        InterfaceId iface(String name) {
            return r.findInterface(root, name).orElseThrow(() -> new AssertionError("no interface " + name));
        }

        TypeDef type(String iface, String name) {
            return r.type(r.findType(iface(iface), name).orElseThrow(() -> new AssertionError("no type " + name)));
        }

        Function func(String iface, String name) {
            return r.iface(iface(iface)).functions().stream().filter(f -> f.name().equals(name)).findFirst()
                    .orElseThrow(() -> new AssertionError("no function " + name));
        }

        Resolve.World world(String name) {
            return r.world(r.findWorld(root, name).orElseThrow());
        }

        List<String> imports(String world) {
            return world(world).imports().stream().map(r::keyNameOf).toList();
        }

        List<String> exports(String world) {
            return world(world).exports().stream().map(r::keyNameOf).toList();
        }
    }

    record Case(String name, String source, Consumer<Ctx> check) {}

    static WitType resultOf(WitType ok, WitType err) {
        return new WitType.ResultOf(Optional.ofNullable(ok), Optional.ofNullable(err));
    }

    static final List<Case> CASES = List.of(
            new Case("package with full semver", "package a:b@1.2.3-rc.1+build.5;", c -> {
                PackageName n = c.r().pkg(c.root()).name();
                assertThat(n.toString()).isEqualTo("a:b@1.2.3-rc.1+build.5");
                assertThat(n.version().orElseThrow().pre()).containsExactly("rc", "1");
            }),
            new Case("package without version", "package a:b; interface i {}", c -> {
                assertThat(c.r().pkg(c.root()).name().version()).isEmpty();
                assertThat(c.r().interfaceName(c.iface("i"))).isEqualTo("a:b/i");
            }),
            new Case("every primitive type", """
                    package a:b;
                    interface i {
                      f: func(a: bool, b: s8, c: u8, d: s16, e: u16, f: s32, g: u32, h: s64, i: u64, j: f32,
                              k: f64, l: char, m: string, n: error-context);
                    }""", c -> assertThat(c.func("i", "f").params()).extracting(Function.Param::type).containsExactly(
                    Primitive.BOOL, Primitive.S8, Primitive.U8, Primitive.S16, Primitive.U16, Primitive.S32,
                    Primitive.U32, Primitive.S64, Primitive.U64, Primitive.F32, Primitive.F64, Primitive.CHAR,
                    Primitive.STRING, Primitive.ERROR_CONTEXT)),
            new Case("list, fixed-size list, option, tuple, map", """
                    package a:b;
                    interface i {
                      type l = list<u8>;
                      type fl = list<u8, 4>;
                      type o = option<string>;
                      type t = tuple<u32, string,>;
                      type m = map<string, list<u32>>;
                    }""", c -> {
                assertThat(c.type("i", "l").kind()).isEqualTo(new TypeDef.Alias(new WitType.ListOf(Primitive.U8)));
                assertThat(c.type("i", "fl").kind()).isEqualTo(new TypeDef.Alias(
                        new WitType.FixedListOf(Primitive.U8, 4)));
                assertThat(c.type("i", "o").kind()).isEqualTo(new TypeDef.Alias(
                        new WitType.OptionOf(Primitive.STRING)));
                assertThat(c.type("i", "t").kind()).isEqualTo(new TypeDef.Alias(
                        new WitType.TupleOf(List.of(Primitive.U32, Primitive.STRING))));
                assertThat(c.type("i", "m").kind()).isEqualTo(new TypeDef.Alias(
                        new WitType.MapOf(Primitive.STRING, new WitType.ListOf(Primitive.U32))));
            }),
            new Case("result in all four forms", """
                    package a:b;
                    interface i {
                      type r1 = result;
                      type r2 = result<u32>;
                      type r3 = result<_, string>;
                      type r4 = result<u32, string>;
                    }""", c -> {
                assertThat(c.type("i", "r1").kind()).isEqualTo(new TypeDef.Alias(resultOf(null, null)));
                assertThat(c.type("i", "r2").kind()).isEqualTo(new TypeDef.Alias(resultOf(Primitive.U32, null)));
                assertThat(c.type("i", "r3").kind()).isEqualTo(new TypeDef.Alias(resultOf(null, Primitive.STRING)));
                assertThat(c.type("i", "r4").kind()).isEqualTo(new TypeDef.Alias(
                        resultOf(Primitive.U32, Primitive.STRING)));
            }),
            new Case("future and stream with and without payload", """
                    package a:b;
                    interface i {
                      f: async func(a: future, b: future<u32>, c: stream, d: stream<u8>) -> future<string>;
                    }""", c -> {
                Function f = c.func("i", "f");
                assertThat(f.async()).isTrue();
                assertThat(f.params()).extracting(Function.Param::type).containsExactly(
                        new WitType.FutureOf(Optional.empty()), new WitType.FutureOf(Optional.of(Primitive.U32)),
                        new WitType.StreamOf(Optional.empty()), new WitType.StreamOf(Optional.of(Primitive.U8)));
                assertThat(f.result()).contains(new WitType.FutureOf(Optional.of(Primitive.STRING)));
            }),
            new Case("record, variant, enum, flags with trailing commas", """
                    package a:b;
                    interface i {
                      record point { x: s32, y: s32, }
                      variant shape { none, circle(u32), poly(list<point>), }
                      enum color { red, green, }
                      flags perms { read, write, exec }
                    }""", c -> {
                assertThat(((TypeDef.Record) c.type("i", "point").kind()).fields()).extracting(TypeDef.Field::name)
                        .containsExactly("x", "y");
                TypeDef.Variant v = (TypeDef.Variant) c.type("i", "shape").kind();
                assertThat(v.cases()).extracting(TypeDef.Case::name).containsExactly("none", "circle", "poly");
                assertThat(v.cases().get(0).type()).isEmpty();
                assertThat(v.cases().get(2).type().orElseThrow()).isInstanceOf(WitType.ListOf.class);
                assertThat(((TypeDef.Enum) c.type("i", "color").kind()).cases()).extracting(TypeDef.Label::name)
                        .containsExactly("red", "green");
                assertThat(((TypeDef.Flags) c.type("i", "perms").kind()).flags()).hasSize(3);
            }),
            new Case("resource with constructor, methods and static functions", """
                    package a:b;
                    interface i {
                      resource blob {
                        constructor(init: list<u8>);
                        write: func(bytes: list<u8>);
                        read: func(n: u32) -> list<u8>;
                        merge: static func(lhs: borrow<blob>, rhs: borrow<blob>) -> blob;
                      }
                      resource blob2 { constructor(init: list<u8>) -> result<blob2>; }
                      resource plain;
                      take: func(b: own<blob>, p: plain);
                    }""", c -> {
                TypeDef blob = c.type("i", "blob");
                assertThat(blob.kind()).isInstanceOf(TypeDef.Resource.class);
                Resolve.TypeId blobId = c.r().findType(c.iface("i"), "blob").orElseThrow();
                assertThat(c.r().iface(c.iface("i")).functions()).extracting(Function::name).containsExactly(
                        "[constructor]blob", "[method]blob.write", "[method]blob.read", "[static]blob.merge",
                        "[constructor]blob2", "take");
                assertThat(c.func("i", "[constructor]blob").result()).contains(new WitType.Ref(blobId));
                assertThat(c.func("i", "[method]blob.read").params().getFirst())
                        .isEqualTo(new Function.Param("self", new WitType.Handle(true, blobId)));
                assertThat(c.func("i", "[method]blob.read").itemName()).isEqualTo("read");
                assertThat(c.func("i", "[static]blob.merge").params()).hasSize(2);
                assertThat(c.func("i", "[constructor]blob2").result().orElseThrow())
                        .isInstanceOf(WitType.ResultOf.class);
                assertThat(c.func("i", "take").params().getFirst().type())
                        .isEqualTo(new WitType.Handle(false, blobId));
            }),
            new Case("type aliases may come before their target", """
                    package a:b;
                    interface i {
                      type a = b;
                      type b = c;
                      record c { x: u32 }
                    }""", c -> {
                Resolve.TypeId a = c.r().findType(c.iface("i"), "a").orElseThrow();
                assertThat(c.r().type(c.r().definition(a)).name()).isEqualTo("c");
            }),
            new Case("use between interfaces with rename, in either order", """
                    package a:b;
                    interface user {
                      use types.{errno, size as my-size};
                      f: func() -> result<my-size, errno>;
                    }
                    interface types {
                      enum errno { bad }
                      type size = u32;
                    }""", c -> {
                TypeDef used = c.type("user", "my-size");
                assertThat(used.kind()).isInstanceOf(TypeDef.Use.class);
                assertThat(c.r().type(((TypeDef.Use) used.kind()).target()).name()).isEqualTo("size");
                // dependency order: types resolves before user
                assertThat(c.r().pkg(c.root()).interfaces()).extracting(i -> c.r().iface(i).name().orElseThrow())
                        .containsExactly("types", "user");
            }),
            new Case("top-level use with and without as", """
                    package a:b;
                    use dep:x/types@1.0.0;
                    use dep:x/types@1.0.0 as other;
                    interface i {
                      use types.{t};
                      use other.{t as u};
                    }
                    package dep:x@1.0.0 { interface types { type t = u8; } }
                    """, c -> {
                TypeDef t = c.type("i", "t");
                TypeDef u = c.type("i", "u");
                assertThat(((TypeDef.Use) t.kind()).target()).isEqualTo(((TypeDef.Use) u.kind()).target());
                assertThat(c.r().packages()).extracting(p -> p.name().toString()).containsExactly("dep:x@1.0.0",
                        "a:b");
            }),
            new Case("cross-package use with a version", """
                    package a:b;
                    interface i { use wasi:io/streams@0.2.1.{input-stream as is}; read: func(s: borrow<is>); }
                    package wasi:io@0.2.1 { interface streams { resource input-stream; } }
                    """, c -> {
                Function read = c.func("i", "read");
                assertThat(read.params().getFirst().type()).isInstanceOf(WitType.Handle.class);
            }),
            new Case("world with every kind of import and export", """
                    package a:b;
                    interface host { log: func(msg: string); }
                    interface store { get: func(k: string) -> option<string>; }
                    world w {
                      import host;
                      import a:b/store;
                      import cache: store;
                      import inline: interface { ping: func(); }
                      import now: func() -> u64;
                      type t = u32;
                      export run: func(args: list<string>) -> t;
                      export host;
                    }""", c -> {
                assertThat(c.imports("w")).containsExactly("a:b/host", "a:b/store", "cache", "inline", "now", "t");
                assertThat(c.exports("w")).containsExactly("run", "a:b/host");
                Resolve.World w = c.world("w");
                Resolve.WorldItem.InterfaceItem inline = (Resolve.WorldItem.InterfaceItem) w.imports().get(3);
                assertThat(c.r().iface(inline.id()).name()).isEmpty();
                Resolve.WorldItem.InterfaceItem cache = (Resolve.WorldItem.InterfaceItem) w.imports().get(2);
                assertThat(cache.id()).isEqualTo(c.iface("store"));
            }),
            new Case("types and use in a world are imports", """
                    package a:b;
                    interface types { resource r; type size = u32; }
                    world w {
                      use types.{r, size as sz};
                      record pair { a: sz, b: sz }
                      import make: func() -> r;
                    }""", c -> {
                assertThat(c.imports("w")).containsExactly("a:b/types", "r", "sz", "pair", "make");
                Resolve.WorldItem.TypeItem sz = (Resolve.WorldItem.TypeItem) c.world("w").imports().get(2);
                assertThat(c.r().type(sz.id()).kind()).isInstanceOf(TypeDef.Use.class);
                assertThat(c.r().type(sz.id()).owner()).isInstanceOf(TypeDef.Owner.OfWorld.class);
            }),
            new Case("resources defined in a world import their functions", """
                    package a:b;
                    world w {
                      resource r { constructor(); get: func() -> u32; }
                      import f: func(x: borrow<r>);
                      export g: func() -> r;
                    }""", c -> {
                assertThat(c.imports("w")).containsExactly("r", "f", "[constructor]r", "[method]r.get");
                assertThat(c.exports("w")).containsExactly("g");
            }),
            new Case("top-level use renames a local interface", """
                    package a:b;
                    use types as t;
                    use t as types2;
                    interface types { type x = u8; }
                    interface i { use t.{x}; }
                    world w { import t; }""", c -> {
                assertThat(c.imports("w")).containsExactly("a:b/types");
                assertThat(c.type("i", "x").kind()).isInstanceOf(TypeDef.Use.class);
            }),
            new Case("include with rename and interface de-duplication", """
                    package a:b;
                    interface x {}
                    world one { import x; import a: func(); export e: func(); }
                    world two { import x; import a: func(); }
                    world both {
                      include one;
                      include two with { a as b }
                    }""", c -> {
                assertThat(c.imports("both")).containsExactly("a:b/x", "a", "b");
                assertThat(c.exports("both")).containsExactly("e");
                Resolve.WorldItem.FunctionItem b = (Resolve.WorldItem.FunctionItem) c.world("both").imports().get(2);
                assertThat(b.function().name()).isEqualTo("b");
            }),
            new Case("transitive use makes worlds import the used interface", """
                    package a:b;
                    interface a { resource r; }
                    interface b { use a.{r}; foo: func() -> r; }
                    world w1 { export b; }
                    world w2 { import b; }
                    world w3 { export a; export b; }
                    """, c -> {
                assertThat(c.imports("w1")).containsExactly("a:b/a");
                assertThat(c.imports("w2")).containsExactly("a:b/a", "a:b/b");
                assertThat(c.imports("w3")).isEmpty();
            }),
            new Case("feature gates", """
                    package a:b@1.0.0;
                    @since(version = 1.0.0)
                    interface i {
                      a: func();
                      @since(version = 0.2.1) b: func();
                      @unstable(feature = fancy) c: func();
                      @since(version = 0.2.0) @deprecated(version = 0.2.2) e: func();
                    }""", c -> {
                assertThat(c.r().iface(c.iface("i")).stability()).isEqualTo(
                        new Stability.Stable(SemVer.parse("1.0.0").orElseThrow(), Optional.empty()));
                assertThat(c.r().iface(c.iface("i")).functions()).extracting(Function::name)
                        .containsExactly("a", "b", "e");
                assertThat(c.func("i", "e").stability()).isEqualTo(new Stability.Stable(
                        SemVer.parse("0.2.0").orElseThrow(), SemVer.parse("0.2.2")));
            }),
            new Case("doc comments attach to items, fields and cases", """
                    /// the package
                    package a:b;
                    /// line one
                    ///
                    /// line three
                    interface i {
                      /** block
                       * doc */
                      record r {
                        /// the field
                        x: u32,
                      }
                      // not a doc
                      f: func();
                    }""", c -> {
                assertThat(c.r().pkg(c.root()).docs()).contains("the package");
                assertThat(c.r().iface(c.iface("i")).docs()).contains("line one\n\nline three");
                assertThat(c.type("i", "r").docs()).contains("block\ndoc");
                assertThat(((TypeDef.Record) c.type("i", "r").kind()).fields().getFirst().docs())
                        .contains("the field");
                assertThat(c.func("i", "f").docs()).isEmpty();
            }),
            new Case("%-escaped keywords and acronyms", """
                    package a:b;
                    interface %interface {
                      %variant: func(%enum: s32);
                      resource XML { parse-XML-document: static func(s: string) -> XML; }
                      type a1-2-3 = u8;
                    }""", c -> {
                assertThat(c.func("interface", "variant").params()).extracting(Function.Param::name)
                        .containsExactly("enum");
                assertThat(c.func("interface", "[static]XML.parse-XML-document").itemName())
                        .isEqualTo("parse-XML-document");
            }),
            new Case("nested package blocks", """
                    package local:root;
                    package local:a { interface foo { type t = u8; } }
                    package local:b { interface bar { use local:a/foo.{t}; } }
                    world w { import local:b/bar; }
                    """, c -> {
                assertThat(c.r().packages()).extracting(p -> p.name().toString())
                        .containsExactly("local:a", "local:b", "local:root");
                assertThat(c.imports("w")).containsExactly("local:a/foo", "local:b/bar");
            }),
            new Case("block comments nest", """
                    package a:b;
                    /* outer /* inner */ still comment */
                    interface i {}""", c -> assertThat(c.r().pkg(c.root()).interfaces()).hasSize(1)));

    static Ctx resolve(String source, WitLoader.Options options) {
        WitLoader.Loaded loaded = WitLoader.load("test.wit", source, options);
        return new Ctx(loaded.resolve(), loaded.roots().getFirst());
    }

    @TestFactory
    Stream<DynamicTest> syntaxForms() {
        return CASES.stream().map(c -> DynamicTest.dynamicTest(c.name(),
                () -> c.check().accept(resolve(c.source(), WitLoader.Options.DEFAULT))));
    }

    @TestFactory
    Stream<DynamicTest> printedFormsReparseToTheSameModel() {
        WitLoader.Options all = new WitLoader.Options(Set.of(), true);
        return CASES.stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> {
            Resolve first = resolve(c.source(), all).r();
            List<WitLoader.Source> printed = new java.util.ArrayList<>();
            for (int i = 0; i < first.packages().size(); i++) {
                printed.add(new WitLoader.Source("p" + i, WitPrinter.print(first, new PackageId(i))));
            }
            assertThat(WitLoader.loadPackages(printed, all).resolve()).as(String.join("\n", printed.stream()
                    .map(WitLoader.Source::text).toList())).isEqualTo(first);
        }));
    }
}
