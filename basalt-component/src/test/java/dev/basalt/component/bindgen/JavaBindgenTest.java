package dev.basalt.component.bindgen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.basalt.component.ComponentException;
import dev.basalt.component.ComponentFuncType;
import dev.basalt.component.ValueType;
import dev.basalt.component.ComponentValue;
import dev.basalt.component.ResourceHandle;
import dev.basalt.component.ResourceType;
import dev.basalt.component.binding.ComponentCaller;
import dev.basalt.component.binding.HostRegistrar;
import dev.basalt.component.binding.Result;
import dev.basalt.component.binding.Tuples;
import dev.basalt.component.wit.Resolve;
import dev.basalt.component.wit.WitLoader;
import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The generator on {@code src/test/resources/bindgen/shapes.wit}: the output equals the committed golden files
 * (regenerate them with {@code -Dbasalt.bindgen.update=true}), compiles, and the compiled bindings convert values
 * both ways when called through a fake component and a fake linker.
 */
class JavaBindgenTest {
    static final Path WIT = Path.of("src/test/resources/bindgen/shapes.wit");
    static final Path GOLDEN = Path.of("src/test/resources/bindgen/golden");
    static Map<String, String> generated;
    static ClassLoader loader;

    @BeforeAll
    static void generateAndCompile() throws Exception {
        WitLoader.Loaded loaded = WitLoader.load(WIT, WitLoader.Options.DEFAULT);
        Resolve resolve = loaded.resolve();
        Resolve.WorldId world = resolve.findWorld(loaded.roots().getFirst(), "app").orElseThrow();
        generated = JavaBindgen.generate(resolve, world, new JavaBindgen.Options("example.shapes"));
        loader = InMemoryJavac.compile(generated);
    }

    @Test
    void outputMatchesTheGoldenFiles() throws IOException {
        if (Boolean.getBoolean("basalt.bindgen.update")) {
            for (var e : generated.entrySet()) {
                Path p = GOLDEN.resolve(e.getKey());
                Files.createDirectories(p.getParent());
                Files.writeString(p, e.getValue());
            }
        }
        assertThat(generated.keySet()).containsExactly("example/shapes/App.java", "example/shapes/Logger.java",
                "example/shapes/Types.java");
        for (var e : generated.entrySet()) {
            assertThat(e.getValue()).as(e.getKey())
                    .isEqualTo(Files.readString(GOLDEN.resolve(e.getKey())));
        }
    }

    @Test
    void exportsLowerArgumentsAndLiftResults() throws Exception {
        List<String> calls = new ArrayList<>();
        ComponentCaller component = (instance, function, args) -> {
            calls.add(instance + "#" + function + args);
            return switch (function) {
                case "area" -> Optional.of(ComponentValue.f64(12.5));
                case "label" -> Optional.of(ComponentValue.ok(ComponentValue.tuple(ComponentValue.string("p"),
                        ComponentValue.u16(65535))));
                default -> throw new AssertionError(function);
            };
        };
        Class<?> exports = loader.loadClass("example.shapes.App$Exports");
        Object app = exports.getConstructor(ComponentCaller.class).newInstance(component);
        Class<?> point = loader.loadClass("example.shapes.Types$Point");
        Object p = point.getConstructors()[0].newInstance(3, -4);
        Object rect = loader.loadClass("example.shapes.Types$Shape$Rect").getConstructors()[0]
                .newInstance(new Tuples.Of2<>(p, p));

        Method area = exports.getMethod("area", loader.loadClass("example.shapes.Types$Shape"));
        assertThat(area.invoke(app, rect)).isEqualTo(12.5);
        Method label = exports.getMethod("label", Optional.class, List.class, int.class);
        Object result = label.invoke(app, Optional.of(p), List.of("a", "b"), 0x1F600);

        // u16 65535 arrives as the short with the same bits.
        assertThat(result).isEqualTo(Result.ok(new Tuples.Of2<>("p", (short) -1)));
        assertThat(calls).containsExactly(
                "#area[VariantValue[caseName=rect, payload=Optional[TupleValue[elements=[RecordValue[fields=["
                        + "Field[name=x, value=S32[value=3]], Field[name=y, value=S32[value=-4]]]], RecordValue[fields=["
                        + "Field[name=x, value=S32[value=3]], Field[name=y, value=S32[value=-4]]]]]]]]]",
                "#label[OptionValue[value=Optional[RecordValue[fields=[Field[name=x, value=S32[value=3]], "
                        + "Field[name=y, value=S32[value=-4]]]]]], ListValue[elements=[Str[value=a], Str[value=b]]], "
                        + "Char[codePoint=128512]]");
    }

    @Test
    void aResultOfTheWrongShapeIsAComponentException() throws Exception {
        ComponentCaller wrong = (instance, function, args) -> Optional.of(ComponentValue.string("not a float"));
        Class<?> exports = loader.loadClass("example.shapes.App$Exports");
        Object app = exports.getConstructor(ComponentCaller.class).newInstance(wrong);
        Object empty = loader.loadClass("example.shapes.Types$Shape$Empty").getConstructors()[0].newInstance();
        Method area = exports.getMethod("area", loader.loadClass("example.shapes.Types$Shape"));
        assertThatThrownBy(() -> area.invoke(app, empty)).cause().isInstanceOf(ComponentException.class)
                .hasMessageContaining("expected f64, got Str[value=not a float]");
    }

    @Test
    void exportedResourcesCallTheirMethodsWithABorrowedHandle() throws Exception {
        ResourceType counterType = ResourceType.host("counter");
        List<String> calls = new ArrayList<>();
        ComponentCaller component = (instance, function, args) -> {
            calls.add(instance + "#" + function + " " + args.size());
            return switch (function) {
                case "[constructor]counter" -> Optional.of(ComponentValue.own(ResourceHandle.own(counterType, 7)));
                case "[method]counter.increment" -> {
                    assertThat(args.getFirst()).isInstanceOf(ComponentValue.Borrow.class);
                    yield Optional.of(ComponentValue.u32(4_000_000_000L));
                }
                case "[static]counter.total" -> Optional.of(ComponentValue.u64(-1L));
                default -> throw new AssertionError(function);
            };
        };
        Class<?> exports = loader.loadClass("example.shapes.Types$Exports");
        Object types = exports.getConstructor(ComponentCaller.class).newInstance(component);
        Object counter = exports.getMethod("newCounter", int.class).invoke(types, 1);
        Class<?> counterClass = loader.loadClass("example.shapes.Types$Counter");
        assertThat(((ResourceHandle) counterClass.getMethod("handle").invoke(counter)).rep()).isEqualTo(7);
        assertThat(counterClass.getMethod("increment", int.class).invoke(counter, 2)).isEqualTo((int) 4_000_000_000L);
        assertThat(exports.getMethod("counterTotal", List.class).invoke(types, List.of(counter))).isEqualTo(-1L);
        assertThat(calls).containsExactly("example:shapes/types@1.0.0#[constructor]counter 1",
                "example:shapes/types@1.0.0#[method]counter.increment 2",
                "example:shapes/types@1.0.0#[static]counter.total 1");
    }

    @Test
    void importsLiftArgumentsForTheJavaImplementationAndLowerItsResult() throws Exception {
        Map<String, HostRegistrar.HostFunction> defined = new HashMap<>();
        Map<String, String> types = new HashMap<>();
        HostRegistrar registrar = new HostRegistrar() {
            @Override
            public void define(String instance, String function, ComponentFuncType type, HostFunction impl) {
                defined.put(instance + "#" + function, impl);
                types.put(function, type.toString());
            }

            @Override
            public void defineResource(String instance, String name, ResourceType type) {
                throw new AssertionError("logger defines no resources");
            }
        };
        List<Object> received = new ArrayList<>();
        Class<?> imports = loader.loadClass("example.shapes.Logger$Imports");
        Object impl = Proxy.newProxyInstance(loader, new Class<?>[] {imports}, (proxy, method, args) -> {
            received.add(method.getName() + List.of(args));
            return method.getName().equals("readFile") ? Result.ok(new byte[] {1, (byte) 0xff}) : null;
        });
        loader.loadClass("example.shapes.Logger").getMethod("register", HostRegistrar.class, imports)
                .invoke(null, registrar, impl);
        assertThat(defined).containsOnlyKeys("example:shapes/logger@1.0.0#log", "example:shapes/logger@1.0.0#read-file");
        assertThat(types.get("read-file")).isEqualTo(ComponentFuncType.of(List.of(
                new ComponentFuncType.Param("path", ValueType.STRING),
                new ComponentFuncType.Param("mode", ValueType.flags("read", "write", "exec"))),
                ValueType.result(ValueType.list(ValueType.U8), ValueType.STRING)).toString());

        Optional<ComponentValue> none = defined.get("example:shapes/logger@1.0.0#log")
                .call(List.of(ComponentValue.string("hi"), ComponentValue.enumValue("dark-blue")));
        assertThat(none).isEmpty();
        Optional<ComponentValue> bytes = defined.get("example:shapes/logger@1.0.0#read-file")
                .call(List.of(ComponentValue.string("/x"), ComponentValue.flags("write", "read")));
        assertThat(bytes).contains(ComponentValue.ok(ComponentValue.list(ComponentValue.u8(1), ComponentValue.u8(255))));

        Class<?> color = loader.loadClass("example.shapes.Types$Color");
        Class<?> perms = loader.loadClass("example.shapes.Types$Permissions");
        assertThat(received).hasSize(2);
        assertThat(received.get(0)).isEqualTo("log" + List.of("hi", color.getEnumConstants()[2]));
        @SuppressWarnings({"unchecked", "rawtypes"})
        EnumSet<?> expected = EnumSet.of((Enum) perms.getEnumConstants()[0], (Enum) perms.getEnumConstants()[1]);
        assertThat(received.get(1)).isEqualTo("readFile" + List.of("/x", expected));

        assertThatThrownBy(() -> defined.get("example:shapes/logger@1.0.0#log")
                .call(List.of(ComponentValue.string("hi"), ComponentValue.enumValue("purple"))))
                .isInstanceOf(ComponentException.class).hasMessageContaining("unknown case purple of color");
        assertThatThrownBy(() -> defined.get("example:shapes/logger@1.0.0#log").call(List.of()))
                .isInstanceOf(ComponentException.class).hasMessageContaining("log takes 2 arguments, got 0");
    }

    /**
     * Async types anywhere a type may appear (record fields, variant cases, options, payload-less {@code stream} and
     * {@code future}) generate code that compiles; an imported {@code async func} returns a {@code CompletionStage}
     * and needs a registrar that defines async functions.
     */
    @Test
    void asyncTypesNestedInOtherTypesCompileAndAsyncImportsNeedAnAsyncRegistrar() throws Exception {
        String wit = """
                package example:streams;
                interface io {
                  record chunked { name: string, body: stream<u8>, done: future }
                  variant reply { ok(future<list<u8>>), failed(error-context), ticks(stream) }
                  read: async func(name: string) -> reply;
                  open: func(c: chunked) -> option<stream<string>>;
                }
                world w { import io; export io; }
                """;
        WitLoader.Loaded loaded = WitLoader.load("streams.wit", wit, WitLoader.Options.DEFAULT);
        Resolve.WorldId world = loaded.resolve().findWorld(loaded.roots().getFirst(), "w").orElseThrow();
        Map<String, String> sources = JavaBindgen.generate(loaded.resolve(), world, new JavaBindgen.Options("x.io"));
        assertThat(sources.get("x/io/Io.java")).contains(
                "public record Chunked(String name, TypedStream<Byte> body, TypedFuture<Void> done)",
                "record Ok(TypedFuture<byte[]> value) implements Reply",
                "record Failed(ComponentValue.ErrorContext value) implements Reply",
                "record Ticks(TypedStream<Void> value) implements Reply",
                "CompletionStage<Io.Reply> read(String name);",
                "Optional<TypedStream<String>> open(Io.Chunked c);",
                "public Io.Reply read(String name)");
        ClassLoader classes = InMemoryJavac.compile(sources);
        Class<?> imports = classes.loadClass("x.io.Io$Imports");
        Object impl = java.lang.reflect.Proxy.newProxyInstance(classes, new Class<?>[] {imports},
                (proxy, method, args) -> null);
        HostRegistrar syncOnly = new HostRegistrar() {
            @Override
            public void define(String inst, String function, ComponentFuncType type, HostFunction implementation) {
            }

            @Override
            public void defineResource(String inst, String name, ResourceType type) {
            }
        };
        java.lang.reflect.Method register = classes.loadClass("x.io.Io").getMethod("register", HostRegistrar.class,
                imports);
        assertThatThrownBy(() -> register.invoke(null, syncOnly, impl)).cause()
                .isInstanceOf(ComponentException.class)
                .hasMessage("this registrar cannot define the async function read of example:streams/io");
    }

}
