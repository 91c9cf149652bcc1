package dev.basalt.component;

import dev.basalt.Engine;
import dev.basalt.Store;
import dev.basalt.wasm.NumType;
import dev.basalt.wasm.wast.WastResult;
import dev.basalt.wasm.wast.WastValue;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The bridge between WAST scripts and component values: {@link #toValue} turns a component value literal of a
 * script ({@code (u32.const 1)}, {@code (record.const (field "a" ...))}, ...) into a {@link ComponentValue} to pass
 * to {@link ComponentFunc#call}, and {@link #matches} decides an {@code assert_return} against a result. Options,
 * results and enums also match their variant spelling ({@code (variant.const "some" v)}), since they are variants
 * (Explainer.md "Specialized value types"). A {@link Session} keeps the component definitions and instances of
 * one script, so a WAST runner needs only a few calls per directive.
 */
public final class ComponentWast {
    private ComponentWast() {
    }

    /** The component value a WAST literal denotes; core literals ({@code i32.const}, refs) are rejected. */
    public static ComponentValue toValue(WastValue v) {
        return switch (v) {
            case WastValue.Bool b -> new ComponentValue.Bool(b.value());
            case WastValue.Int i -> switch (i.type()) {
                case S8 -> new ComponentValue.S8((byte) i.value());
                case U8 -> new ComponentValue.U8((int) (i.value() & 0xff));
                case S16 -> new ComponentValue.S16((short) i.value());
                case U16 -> new ComponentValue.U16((int) (i.value() & 0xffff));
                case S32 -> new ComponentValue.S32((int) i.value());
                case U32 -> new ComponentValue.U32(i.value() & 0xffff_ffffL);
                case S64 -> new ComponentValue.S64(i.value());
                case U64 -> new ComponentValue.U64(i.value());
            };
            case WastValue.F32 f -> new ComponentValue.F32(Float.intBitsToFloat(f.bits()));
            case WastValue.F64 f -> new ComponentValue.F64(Double.longBitsToDouble(f.bits()));
            case WastValue.Char c -> new ComponentValue.Char(c.codePoint());
            case WastValue.Str s -> new ComponentValue.Str(s.value());
            case WastValue.ListOf l -> new ComponentValue.ListValue(l.elements().stream().map(ComponentWast::toValue).toList());
            case WastValue.TupleOf t -> new ComponentValue.TupleValue(t.elements().stream().map(ComponentWast::toValue).toList());
            case WastValue.RecordOf r -> new ComponentValue.RecordValue(r.fields().stream()
                    .map(f -> new ComponentValue.Field(f.name(), toValue(f.value()))).toList());
            case WastValue.VariantOf vr -> new ComponentValue.VariantValue(vr.caseName(), vr.payload().map(ComponentWast::toValue));
            case WastValue.EnumOf e -> new ComponentValue.EnumValue(e.caseName());
            case WastValue.OptionOf o -> new ComponentValue.OptionValue(o.value().map(ComponentWast::toValue));
            case WastValue.ResultOf r -> new ComponentValue.ResultValue(r.ok(), r.payload().map(ComponentWast::toValue));
            case WastValue.FlagsOf f -> new ComponentValue.FlagsValue(new LinkedHashSet<>(f.labels()));
            default -> throw new ComponentException("not a component value: " + v);
        };
    }

    public static List<ComponentValue> toValues(List<WastValue> values) {
        List<ComponentValue> r = new ArrayList<>(values.size());
        for (WastValue v : values) {
            r.add(toValue(v));
        }
        return r;
    }

    /** Whether {@code actual} satisfies the expected result (exact value, NaN class, or one of an {@code either}). */
    public static boolean matches(WastResult expected, ComponentValue actual) {
        return switch (expected) {
            case WastResult.Exact e -> normalise(toValue(e.value())).equals(normalise(actual));
            case WastResult.Nan n -> n.type() == NumType.F32
                    ? actual instanceof ComponentValue.F32 f && Float.isNaN(f.value())
                    : actual instanceof ComponentValue.F64 d && Double.isNaN(d.value());
            case WastResult.Either e -> e.alternatives().stream().anyMatch(alt -> alt.size() == 1 && matches(alt.getFirst(), actual));
            default -> false;
        };
    }

    /** Whether the results of a call satisfy the expected results of an {@code assert_return}. */
    public static boolean matches(List<WastResult> expected, List<ComponentValue> actual) {
        if (expected.size() != actual.size()) {
            return false;
        }
        for (int i = 0; i < expected.size(); i++) {
            if (!matches(expected.get(i), actual.get(i))) {
                return false;
            }
        }
        return true;
    }

    /** Options and results as variants, recursively, so both spellings compare equal. */
    static ComponentValue normalise(ComponentValue v) {
        return switch (v) {
            case ComponentValue.OptionValue o -> new ComponentValue.VariantValue(o.value().isPresent() ? "some" : "none",
                    o.value().map(ComponentWast::normalise));
            case ComponentValue.ResultValue r -> new ComponentValue.VariantValue(r.ok() ? "ok" : "error",
                    r.payload().map(ComponentWast::normalise));
            case ComponentValue.VariantValue vr -> new ComponentValue.VariantValue(vr.caseName(),
                    vr.payload().map(ComponentWast::normalise));
            case ComponentValue.ListValue l -> new ComponentValue.ListValue(l.elements().stream().map(ComponentWast::normalise).toList());
            case ComponentValue.TupleValue t -> new ComponentValue.TupleValue(t.elements().stream().map(ComponentWast::normalise).toList());
            case ComponentValue.RecordValue r -> new ComponentValue.RecordValue(r.fields().stream()
                    .map(f -> new ComponentValue.Field(f.name(), normalise(f.value()))).toList());
            default -> v;
        };
    }

    /** The trap message a script expects, without wasmtime's {@code "wasm trap: "} prefix some scripts include. */
    public static String expectedTrapMessage(String scriptMessage) {
        String m = scriptMessage.startsWith("wasm trap: ") ? scriptMessage.substring("wasm trap: ".length()) : scriptMessage;
        // wasmtime's wording of the core trap that the spec (and Basalt) calls "unreachable"
        return m.equals("wasm `unreachable` instruction executed") ? "unreachable" : m;
    }


    /**
     * The component state of one WAST script: definitions ({@code (component definition $C ...)}) and instances
     * ({@code (component $I ...)}, {@code (component instance $I $C)}) by name, the current instance (the last
     * one created), one store and a linker in which {@code (register "name" $I)} defines instances for later
     * components. Instantiation failures are {@link ComponentException}s (unlinkable) or {@link dev.basalt.Trap}s
     * (a core start function trapped); invocations throw {@link dev.basalt.Trap} for {@code assert_trap}.
     * Anything the runtime does not implement (async) is an
     * {@link dev.basalt.component.internal.runtime.UnsupportedFeatureException}, for the runner to count as skipped.
     */
    public static final class Session {
        private final Engine engine;
        private final Store<Void> store;
        private final ComponentLinker<Void> linker;
        private final Map<String, Component> definitions = new HashMap<>();
        private final Map<String, ComponentInstance> instances = new HashMap<>();
        private Component lastDefinition;
        private ComponentInstance current;

        public Session(Engine engine) {
            this.engine = engine;
            this.store = Store.create(engine);
            this.linker = ComponentLinker.create(engine);
        }

        /** {@code (component definition $id? ...)}: compiles and remembers the component. */
        public Component define(Optional<String> id, dev.basalt.component.model.Component model) {
            Component c = Component.fromModel(engine, model);
            lastDefinition = c;
            id.ifPresent(n -> definitions.put(n, c));
            return c;
        }

        /** {@code (component $id? ...)}: compiles and instantiates; the instance becomes current. */
        public ComponentInstance instantiate(Optional<String> id, dev.basalt.component.model.Component model) {
            Component c = Component.fromModel(engine, model);
            return becomeCurrent(id, linker.instantiate(store, c));
        }

        /** {@code (component instance $id? $definition?)}: instantiates a definition (the last one if unnamed). */
        public ComponentInstance instantiateDefinition(Optional<String> id, Optional<String> definition) {
            Component c = definition.isPresent() ? definitions.get(definition.get()) : lastDefinition;
            if (c == null) {
                throw new ComponentException("unknown component definition " + definition.orElse("(none defined)"));
            }
            return becomeCurrent(id, linker.instantiate(store, c));
        }

        private ComponentInstance becomeCurrent(Optional<String> id, ComponentInstance instance) {
            current = instance;
            id.ifPresent(n -> instances.put(n, instance));
            return instance;
        }

        /** Whether {@code name} names a component instance of this script. */
        public boolean isInstance(String name) {
            return instances.containsKey(name);
        }

        /** {@code (register "as" $id?)}: later components can import the instance as {@code as}. */
        public void register(String as, Optional<String> instance) {
            linker.defineInstance(as, target(instance));
        }

        /** {@code (invoke $id? "name" args*)} on a component instance. */
        public List<ComponentValue> invoke(Optional<String> instance, String name, List<WastValue> args) {
            ComponentFunc f = target(instance).getFunc(name).orElseThrow(() -> new ComponentException(
                    "the component instance exports no function `" + name + "`"));
            return f.call(toValues(args));
        }

        private ComponentInstance target(Optional<String> instance) {
            ComponentInstance i = instance.isPresent() ? instances.get(instance.get()) : current;
            if (i == null) {
                throw new ComponentException("no component instance " + instance.orElse("(none instantiated)"));
            }
            return i;
        }
    }
}
