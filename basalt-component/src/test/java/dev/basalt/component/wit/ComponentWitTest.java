package dev.basalt.component.wit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.basalt.component.text.ComponentTextParser;
import dev.basalt.component.text.ComponentTextSuiteTest;
import dev.basalt.component.validate.ComponentValidator;
import dev.basalt.wasm.InvalidException;
import dev.basalt.wasm.MalformedException;
import dev.basalt.wasm.wast.Directive;
import dev.basalt.wasm.wast.ModuleSource;
import dev.basalt.wasm.wast.WastParser;
import dev.basalt.wasm.wast.WastScript;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link ComponentWit}: the world of jco-built components against golden files and against the WIT they were built
 * from (the printed WIT parses, resolves, and describes the same functions and types), the world of every valid
 * component of the component-model testsuite, and errors for bad input.
 */
class ComponentWitTest {
    private static final Path COMPONENTS = Path.of("src/test/components");
    private static final Path GOLDEN = Path.of("src/test/resources/wit-decode");

    private static String decode(String file) throws IOException {
        return ComponentWit.decode(Files.readAllBytes(COMPONENTS.resolve(file))).print();
    }

    private static void assertGolden(String actual, String golden) throws IOException {
        Path path = GOLDEN.resolve(golden);
        if (Boolean.getBoolean("basalt.updateGolden")) {
            Files.createDirectories(GOLDEN);
            Files.writeString(path, actual);
        }
        assertThat(actual).as("golden file " + path + " (regenerate with -Dbasalt.updateGolden=true)")
                .isEqualTo(Files.readString(path));
    }

    @Test
    void valuesComponentMatchesItsGoldenFile() throws IOException {
        assertGolden(decode("values.component.wasm"), "values.wit");
    }

    @Test
    void drawingComponentMatchesItsGoldenFile() throws IOException {
        assertGolden(decode("drawing.component.wasm"), "drawing.wit");
    }

    @Test
    void valuesWorldRoundTripsToTheWitItWasBuiltFrom() throws IOException {
        Resolve source = WitLoader.load(COMPONENTS.resolve("wit"), WitLoader.Options.DEFAULT).resolve();
        assertSameWorld(decode("values.component.wasm"), source, "basalt:values@1.0.0", "values");
    }

    @Test
    void drawingWorldRoundTripsToTheWitItWasBuiltFrom() throws IOException {
        Resolve source = WitLoader.load(COMPONENTS.resolve("drawing/wit"), WitLoader.Options.DEFAULT).resolve();
        String printed = decode("drawing.component.wasm");
        assertSameWorld(printed, source, "basalt:shapes@0.2.0", "drawing");
        // the parts this component is there for
        assertThat(printed).contains("use types.{canvas as surface};", "open: static func(name: string) -> "
                + "option<canvas>;", "fill: func(c: borrow<surface>, start: point, end: point, m: mode);",
                "use basalt:geo/units@1.0.0.{length-unit};", "type points = list<point>;",
                "import clock: interface {", "use basalt:shapes/types@0.2.0.{point};",
                "export area: func(p: list<point>) -> f64;");
    }

    /**
     * A WASI 0.2 command component (a C program through jco's preview1 adapter, built by basalt-wasi): interfaces of
     * four packages with resources and a record ({@code datetime}) shared through {@code use}.
     */
    @Test
    void wasiCommandComponentRoundTrips() throws IOException {
        Path p2 = Path.of("../basalt-wasi/src/test/resources/wasi-p2/p2.component.wasm");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isRegularFile(p2), "no " + p2 + "; skipping");
        ComponentWit.Decoded wit = ComponentWit.decode(Files.readAllBytes(p2));
        String printed = wit.print();
        assertThat(printed).contains("  export wasi:cli/run@0.2.12;\n", "package wasi:io@0.2.12 {",
                "    use wasi:clocks/wall-clock@0.2.12.{datetime};", "    use error.{error};",
                "    resource descriptor {");
        Resolve again = WitLoader.load("decoded.wit", printed, WitLoader.Options.DEFAULT).resolve();
        Resolve.PackageId root = again.findPackage(ComponentWit.ROOT_PACKAGE).orElseThrow();
        assertThat(WorldShape.describe(again, again.findWorld(root, ComponentWit.ROOT_WORLD).orElseThrow()))
                .containsExactlyInAnyOrderElementsOf(WorldShape.describe(wit.resolve(), wit.world()))
                .hasSizeGreaterThan(100);
    }

    /** The printed WIT parses and resolves, and its world has the functions and types of the source world. */
    private static void assertSameWorld(String printed, Resolve source, String pkg, String world) {
        Resolve decoded = WitLoader.load("decoded.wit", printed, WitLoader.Options.DEFAULT).resolve();
        Resolve.PackageId root = decoded.findPackage(ComponentWit.ROOT_PACKAGE).orElseThrow();
        Resolve.WorldId decodedWorld = decoded.findWorld(root, ComponentWit.ROOT_WORLD).orElseThrow();
        String[] parts = pkg.split("[:@]");
        Resolve.PackageId sourcePkg = source.findPackage(new PackageName(parts[0], parts[1],
                SemVer.parse(parts[2]))).orElseThrow();
        Resolve.WorldId sourceWorld = source.findWorld(sourcePkg, world).orElseThrow();
        List<String> expected = WorldShape.describe(source, sourceWorld);
        assertThat(WorldShape.describe(decoded, decodedWorld)).containsExactlyInAnyOrderElementsOf(expected);
        assertThat(expected).isNotEmpty();
    }

    /**
     * Every component of the component-model testsuite (outside async/) that validates decodes to a world whose
     * WIT parses and resolves to the same world, or is rejected with a {@link WitException} saying what WIT cannot
     * express; nothing else is thrown.
     */
    @Test
    void everyValidSuiteComponentDecodesOrSaysWhyNot() throws IOException {
        Path root = ComponentTextSuiteTest.suite();
        int decoded = 0;
        int inexpressible = 0;
        List<String> failures = new ArrayList<>();
        for (Path f : ComponentTextSuiteTest.scripts(root)) {
            String name = root.relativize(f).toString();
            WastScript script = WastParser.parse(name, Files.readAllBytes(f));
            for (Directive d : script.directives()) {
                if (!(d instanceof Directive.Module m && m.source() instanceof ModuleSource.Component c
                        && c.binary().isEmpty())) {
                    continue;
                }
                String where = name + ":" + d.line();
                dev.basalt.component.model.Component model;
                try {
                    model = ComponentTextParser.parse(c.text());
                    ComponentValidator.validate(model);
                } catch (InvalidException | MalformedException e) {
                    continue;
                }
                ComponentWit.Decoded wit;
                try {
                    wit = ComponentWit.decode(model);
                } catch (WitException e) {
                    inexpressible++;
                    continue;
                } catch (RuntimeException e) {
                    failures.add(where + ": " + e);
                    continue;
                }
                try {
                    String printed = wit.print();
                    Resolve again = WitLoader.load("decoded.wit", printed, WitLoader.Options.DEFAULT).resolve();
                    Resolve.PackageId rootPkg = again.findPackage(ComponentWit.ROOT_PACKAGE).orElseThrow();
                    List<String> shape = WorldShape.describe(again, again.findWorld(rootPkg, "root").orElseThrow());
                    if (!new java.util.HashSet<>(shape).equals(new java.util.HashSet<>(
                            WorldShape.describe(wit.resolve(), wit.world())))) {
                        failures.add(where + ": printed WIT resolves to another world:\n" + printed);
                    }
                    decoded++;
                } catch (RuntimeException e) {
                    failures.add(where + ": the printed WIT does not resolve: " + e);
                }
            }
        }
        System.out.printf("component worlds: %d decoded, %d not expressible in WIT; %d failures%n", decoded,
                inexpressible, failures.size());
        failures.forEach(System.out::println);
        assertThat(decoded).isGreaterThan(100);
        assertThat(failures).isEmpty();
    }

    @Test
    void badInputGetsBasaltsOwnExceptions() {
        assertThatThrownBy(() -> ComponentWit.decode(new byte[] {0, 'a', 's', 'm', 0x0d, 0, 1, 0, 7}))
                .isInstanceOf(MalformedException.class);
        assertThatThrownBy(() -> ComponentWit.decode(new byte[] {1, 2, 3}))
                .isInstanceOf(MalformedException.class);
        // a valid binary but an invalid component: an export of an unknown function
        byte[] invalid = dev.basalt.component.binary.ComponentBinaryWriter.write(
                ComponentTextParser.parse("(component (export \"f\" (func 0)))"));
        assertThatThrownBy(() -> ComponentWit.decode(invalid)).isInstanceOf(InvalidException.class)
                .hasMessageContaining("unknown func 0");
    }

    /** Damaged binaries (bytes changed, cut short) fail with Basalt's own exceptions, never anything else. */
    @Test
    void damagedBinariesFailWithBasaltExceptions() throws IOException {
        for (String file : List.of("drawing.component.wasm", "values.component.wasm")) {
            damaged(Files.readAllBytes(COMPONENTS.resolve(file)));
        }
    }

    private static void damaged(byte[] good) {
        java.util.Random random = new java.util.Random(42);
        List<String> escaped = new ArrayList<>();
        int rejected = 0;
        for (int i = 0; i < 400; i++) {
            byte[] bad = i % 10 == 0 ? java.util.Arrays.copyOf(good, random.nextInt(good.length))
                    : good.clone();
            if (i % 10 != 0) {
                for (int k = 0; k <= i % 3; k++) {
                    bad[8 + random.nextInt(bad.length - 8)] = (byte) random.nextInt(256);
                }
            }
            try {
                ComponentWit.decode(bad).print();
            } catch (dev.basalt.wasm.BasaltException e) {
                rejected++;
            } catch (RuntimeException | StackOverflowError | OutOfMemoryError e) {
                escaped.add(i + ": " + e);
            }
        }
        assertThat(escaped).isEmpty();
        assertThat(rejected).isGreaterThan(80);
    }

    /** Nested instantiations multiply (10 per level, 8 levels): decoding stops at its budget, with a message. */
    @Test
    void instantiationBombsStopAtTheBudget() {
        StringBuilder text = new StringBuilder("(component (component $c0 (import \"f\" (func)) (export \"g\" (func 0)))");
        for (int level = 1; level <= 8; level++) {
            text.append("(component $c").append(level).append(" (import \"f\" (func $f))");
            for (int k = 0; k < 10; k++) {
                text.append("(alias outer 1 $c").append(level - 1).append(" (component $in").append(k).append("))")
                        .append("(instance (instantiate $in").append(k).append(" (with \"f\" (func $f))))");
            }
            text.append("(export \"g\" (func $f)))");
        }
        text.append("(import \"f\" (func $f)) (instance $top (instantiate $c8 (with \"f\" (func $f))))"
                + " (export \"g\" (func $top \"g\")))");
        var model = ComponentTextParser.parse(text.toString());
        ComponentValidator.validate(model);
        assertThatThrownBy(() -> ComponentWit.decode(model)).isInstanceOf(WitException.class)
                .hasMessage("component too large to decode (nested instantiations)");
    }

    @Test
    void whatWitCannotExpressIsAWitException() {
        assertThatThrownBy(() -> ComponentWit.decode(ComponentTextParser.parse(
                "(component (import \"m\" (core module)))")))
                .isInstanceOf(WitException.class).hasMessage("import `m` is a core module: only instances, "
                        + "functions and types can be expressed in WIT");
        assertThatThrownBy(() -> ComponentWit.decode(ComponentTextParser.parse("""
                (component (import "i" (instance (export "j" (instance)))))""")))
                .isInstanceOf(WitException.class).hasMessageContaining("nested instances cannot be expressed");
    }

    @Test
    void worldLevelResourcesAndPlainNamedInstances() {
        ComponentWit.Decoded wit = ComponentWit.decode(ComponentTextParser.parse("""
                (component
                  (import "r" (type $r (sub resource)))
                  (import "[constructor]r" (func (result (own $r))))
                  (import "[method]r.get" (func (param "self" (borrow $r)) (result u32)))
                  (import "[static]r.make" (func (param "n" u8) (result (own $r))))
                  (type $t (tuple u8 string))
                  (import "named" (type $named (eq $t)))
                  (import "plain" (instance
                    (type $e (enum "a" "b"))
                    (export "e" (type $e' (eq $e)))
                    (export "also" (type (eq $e')))
                    (export "f" (func (param "x" $e') (result (option $e'))))))
                  (import "g" (func (param "v" $named)))
                )"""));
        assertThat(wit.print()).isEqualTo("""
                package root:component;

                world root {
                  resource r {
                    constructor();
                    get: func() -> u32;
                    make: static func(n: u8) -> r;
                  }
                  type named = tuple<u8, string>;
                  import plain: interface {
                    enum e {
                      a,
                      b,
                    }

                    type also = e;

                    f: func(x: e) -> option<e>;
                  }
                  import g: func(v: named);
                }
                """);
        WitLoader.load("again.wit", wit.print(), WitLoader.Options.DEFAULT);
    }

    /** A world as sorted-insensitive lines: every item with its functions and types, names resolved. */
    static final class WorldShape {
        static List<String> describe(Resolve r, Resolve.WorldId id) {
            Resolve.World w = r.world(id);
            List<String> out = new ArrayList<>();
            for (Resolve.WorldItem item : w.imports()) {
                item(r, "import", item, out);
            }
            for (Resolve.WorldItem item : w.exports()) {
                item(r, "export", item, out);
            }
            return out;
        }

        private static void item(Resolve r, String dir, Resolve.WorldItem item, List<String> out) {
            String key = dir + " " + r.keyNameOf(item);
            switch (item) {
                case Resolve.WorldItem.FunctionItem f -> out.add(key + ": " + function(r, f.function()));
                case Resolve.WorldItem.TypeItem t -> out.add(key + ": type " + definition(r, t.id()));
                case Resolve.WorldItem.InterfaceItem i -> {
                    Resolve.Interface iface = r.iface(i.id());
                    out.add(key + ": interface");
                    for (Resolve.TypeId t : iface.types()) {
                        out.add(key + " type " + r.type(t).name() + " = " + definition(r, t));
                    }
                    for (Function f : iface.functions()) {
                        out.add(key + " func " + function(r, f));
                    }
                }
            }
        }

        private static String function(Resolve r, Function f) {
            List<String> params = new ArrayList<>();
            f.params().forEach(p -> params.add(p.name() + ": " + type(r, p.type())));
            return f.name() + (f.async() ? " async" : "") + "(" + String.join(", ", params) + ")"
                    + f.result().map(x -> " -> " + type(r, x)).orElse("") + " " + kind(r, f.kind());
        }

        private static String kind(Resolve r, Function.Kind k) {
            return switch (k) {
                case Function.Kind.Freestanding x -> "";
                case Function.Kind.Method m -> "method of " + qualified(r, m.resource());
                case Function.Kind.Static s -> "static of " + qualified(r, s.resource());
                case Function.Kind.Constructor c -> "constructor of " + qualified(r, c.resource());
            };
        }

        /** Where a named type is defined, following {@code use}s and aliases of names. */
        private static String qualified(Resolve r, Resolve.TypeId id) {
            TypeDef def = r.type(r.definition(id));
            String owner = switch (def.owner()) {
                case TypeDef.Owner.OfInterface i -> r.iface(i.id()).name().isPresent() ? r.interfaceName(i.id())
                        : "(inline)";
                case TypeDef.Owner.OfWorld w -> "(world)";
            };
            return owner + "." + def.name();
        }

        private static String definition(Resolve r, Resolve.TypeId id) {
            TypeDef def = r.type(r.definition(id));
            return switch (def.kind()) {
                case TypeDef.Record rec -> "record " + rec.fields().stream().map(f -> f.name() + ": "
                        + type(r, f.type())).toList();
                case TypeDef.Variant v -> "variant " + v.cases().stream().map(c -> c.name()
                        + c.type().map(t -> "(" + type(r, t) + ")").orElse("")).toList();
                case TypeDef.Enum e -> "enum " + e.cases().stream().map(TypeDef.Label::name).toList();
                case TypeDef.Flags f -> "flags " + f.flags().stream().map(TypeDef.Label::name).toList();
                case TypeDef.Resource res -> "resource " + qualified(r, id);
                case TypeDef.Alias a -> type(r, a.target());
                case TypeDef.Use u -> throw new AssertionError("followed by definition()");
            };
        }

        private static String type(Resolve r, WitType t) {
            return switch (t) {
                case WitType.Primitive p -> p.wit();
                case WitType.Ref ref -> qualified(r, ref.id());
                case WitType.ListOf l -> "list<" + type(r, l.element()) + ">";
                case WitType.FixedListOf l -> "list<" + type(r, l.element()) + ", " + l.length() + ">";
                case WitType.OptionOf o -> "option<" + type(r, o.inner()) + ">";
                case WitType.ResultOf res -> "result<" + res.ok().map(x -> type(r, x)).orElse("_") + ", "
                        + res.err().map(x -> type(r, x)).orElse("_") + ">";
                case WitType.TupleOf tu -> "tuple" + tu.types().stream().map(x -> type(r, x)).toList();
                case WitType.MapOf m -> "map<" + type(r, m.key()) + ", " + type(r, m.value()) + ">";
                case WitType.Handle h -> h.borrow() ? "borrow<" + qualified(r, h.resource()) + ">"
                        : qualified(r, h.resource()); // own<r> is the same type as r
                case WitType.FutureOf f -> "future<" + f.payload().map(x -> type(r, x)).orElse("_") + ">";
                case WitType.StreamOf s -> "stream<" + s.payload().map(x -> type(r, x)).orElse("_") + ">";
            };
        }
    }
}
