package dev.basalt.component.binding;

import dev.basalt.component.ComponentException;
import dev.basalt.component.ComponentValue;
import dev.basalt.component.internal.runtime.ScalarList;
import dev.basalt.component.model.PrimValType;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Conversions between Java values and {@link ComponentValue}s used by generated bindings. Lifting checks the shape
 * of the dynamic value and fails with a {@link ComponentException} naming what was expected, so a component that
 * returns something other than its declared type cannot produce a {@link ClassCastException} in user code.
 * Unsigned WIT integers are Java's signed types holding the same bits ({@code u8} a {@code byte},
 * {@code u32} an {@code int}); {@code char} is an {@code int} code point; {@code list<u8>} and {@code list<s8>} are
 * {@code byte[]}.
 */
public final class Bindings {
    /** The store of the host function a {@link HostRegistrar#of linker registrar} is running on this thread. */
    private static final ThreadLocal<dev.basalt.Store<?>> HOST_CALL_STORE = new ThreadLocal<>();

    /**
     * The store of the guest that called the host function running on this thread (defined through
     * {@link HostRegistrar#of}): where the streams and futures the function returns are made (the generated
     * {@code new<Function>ResultStream()} factories).
     *
     * @throws ComponentException outside a host function
     */
    public static dev.basalt.Store<?> hostCallStore() {
        dev.basalt.Store<?> store = HOST_CALL_STORE.get();
        if (store == null) {
            throw new ComponentException("no host function is running on this thread: streams and futures for "
                    + "its result are made inside it");
        }
        return store;
    }

    /** Runs {@code call} as a host function of {@code store} (see {@link #hostCallStore}); nested calls restore. */
    static <R> R inHostCall(dev.basalt.Store<?> store, java.util.function.Supplier<R> call) {
        dev.basalt.Store<?> outer = HOST_CALL_STORE.get();
        HOST_CALL_STORE.set(store);
        try {
            return call.get();
        } finally {
            if (outer == null) {
                HOST_CALL_STORE.remove();
            } else {
                HOST_CALL_STORE.set(outer);
            }
        }
    }

    private Bindings() {
    }

    public static <T> T as(Class<T> kind, ComponentValue value, String expected) {
        if (!kind.isInstance(value)) {
            throw new ComponentException("expected " + expected + ", got " + value);
        }
        return kind.cast(value);
    }

    public static boolean liftBool(ComponentValue v) {
        return as(ComponentValue.Bool.class, v, "bool").value();
    }

    public static byte liftS8(ComponentValue v) {
        return as(ComponentValue.S8.class, v, "s8").value();
    }

    public static byte liftU8(ComponentValue v) {
        return (byte) as(ComponentValue.U8.class, v, "u8").value();
    }

    public static short liftS16(ComponentValue v) {
        return as(ComponentValue.S16.class, v, "s16").value();
    }

    public static short liftU16(ComponentValue v) {
        return (short) as(ComponentValue.U16.class, v, "u16").value();
    }

    public static int liftS32(ComponentValue v) {
        return as(ComponentValue.S32.class, v, "s32").value();
    }

    public static int liftU32(ComponentValue v) {
        return (int) as(ComponentValue.U32.class, v, "u32").value();
    }

    public static long liftS64(ComponentValue v) {
        return as(ComponentValue.S64.class, v, "s64").value();
    }

    public static long liftU64(ComponentValue v) {
        return as(ComponentValue.U64.class, v, "u64").value();
    }

    public static float liftF32(ComponentValue v) {
        return as(ComponentValue.F32.class, v, "f32").value();
    }

    public static double liftF64(ComponentValue v) {
        return as(ComponentValue.F64.class, v, "f64").value();
    }

    public static int liftChar(ComponentValue v) {
        return as(ComponentValue.Char.class, v, "char").codePoint();
    }

    public static String liftString(ComponentValue v) {
        return as(ComponentValue.Str.class, v, "string").value();
    }

    /** An {@code error-context} value (it stays a {@link ComponentValue.ErrorContext} in Java). */
    public static ComponentValue.ErrorContext liftErrorContext(ComponentValue v) {
        return as(ComponentValue.ErrorContext.class, v, "error-context");
    }

    public static ComponentValue lowerU8(byte v) {
        return ComponentValue.u8(Byte.toUnsignedInt(v));
    }

    public static ComponentValue lowerU16(short v) {
        return ComponentValue.u16(Short.toUnsignedInt(v));
    }

    public static ComponentValue lowerU32(int v) {
        return ComponentValue.u32(Integer.toUnsignedLong(v));
    }

    public static <T> ComponentValue lowerList(List<T> list, Function<? super T, ComponentValue> element) {
        List<ComponentValue> out = new ArrayList<>(list.size());
        for (T t : list) {
            out.add(element.apply(t));
        }
        return ComponentValue.list(out);
    }

    public static <T> List<T> liftList(ComponentValue v, Function<ComponentValue, ? extends T> element) {
        List<ComponentValue> elements = as(ComponentValue.ListValue.class, v, "a list").elements();
        List<T> out = new ArrayList<>(elements.size());
        for (ComponentValue e : elements) {
            out.add(element.apply(e));
        }
        return out;
    }

    /**
     * {@code map<k, v>}: a list of (key, value) tuples in the map's iteration order (Explainer.md lowers a map as
     * {@code list<tuple<k, v>>}).
     */
    public static <K, V> ComponentValue lowerMap(java.util.Map<K, V> map, Function<? super K, ComponentValue> key,
            Function<? super V, ComponentValue> value) {
        List<ComponentValue> out = new ArrayList<>(map.size());
        for (java.util.Map.Entry<K, V> e : map.entrySet()) {
            out.add(ComponentValue.tuple(key.apply(e.getKey()), value.apply(e.getValue())));
        }
        return ComponentValue.list(out);
    }

    /**
     * A {@code map<k, v>} lifted from its list of (key, value) tuples into an insertion-ordered map; of duplicate
     * keys the last one's value is kept (WIT.md).
     */
    public static <K, V> java.util.Map<K, V> liftMap(ComponentValue v, Function<ComponentValue, ? extends K> key,
            Function<ComponentValue, ? extends V> value) {
        List<ComponentValue> entries = as(ComponentValue.ListValue.class, v, "a map").elements();
        java.util.Map<K, V> out = new java.util.LinkedHashMap<>();
        for (ComponentValue entry : entries) {
            List<ComponentValue> kv = tuple(entry, 2);
            out.put(key.apply(kv.get(0)), value.apply(kv.get(1)));
        }
        return out;
    }

    /** {@code list<u8>} ({@code unsigned}) or {@code list<s8>} from bytes: one copy, no object per byte. */
    public static ComponentValue lowerBytes(byte[] bytes, boolean unsigned) {
        return unsigned ? ComponentValue.u8List(bytes) : ComponentValue.s8List(bytes);
    }

    /**
     * The bytes of a {@code list<u8>} ({@code unsigned}) or {@code list<s8>}: one copy of a lifted list; a list of
     * element values made by hand is checked element by element.
     */
    public static byte[] liftBytes(ComponentValue v, boolean unsigned) {
        ComponentValue.ListValue list = as(ComponentValue.ListValue.class, v, "a list");
        if (list.elements() instanceof ScalarList s
                && s.elementType() == (unsigned ? PrimValType.U8 : PrimValType.S8)) {
            return list.toByteArray();
        }
        List<ComponentValue> elements = list.elements();
        byte[] out = new byte[elements.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = unsigned ? liftU8(elements.get(i)) : liftS8(elements.get(i));
        }
        return out;
    }

    public static <T> ComponentValue lowerOption(Optional<T> option, Function<? super T, ComponentValue> some) {
        return option.isPresent() ? ComponentValue.some(some.apply(option.get())) : ComponentValue.none();
    }

    public static <T> Optional<T> liftOption(ComponentValue v, Function<ComponentValue, ? extends T> some) {
        Optional<ComponentValue> inner = as(ComponentValue.OptionValue.class, v, "an option").value();
        return inner.isPresent() ? Optional.of(some.apply(inner.get())) : Optional.empty();
    }

    /** A side without a WIT type has a null function (its Java value is a null {@code Void}). */
    public static <T, E> ComponentValue lowerResult(Result<T, E> result, Function<? super T, ComponentValue> ok,
            Function<? super E, ComponentValue> err) {
        return switch (result) {
            case Result.Ok<T, E> o -> ok == null ? ComponentValue.ok() : ComponentValue.ok(ok.apply(o.value()));
            case Result.Err<T, E> e -> err == null ? ComponentValue.err() : ComponentValue.err(err.apply(e.error()));
        };
    }

    public static <T, E> Result<T, E> liftResult(ComponentValue v, Function<ComponentValue, ? extends T> ok,
            Function<ComponentValue, ? extends E> err) {
        ComponentValue.ResultValue r = as(ComponentValue.ResultValue.class, v, "a result");
        Function<ComponentValue, ?> side = r.ok() ? ok : err;
        if ((side == null) != r.payload().isEmpty()) {
            throw new ComponentException("result " + (r.ok() ? "ok" : "err") + " payload does not match its type: " + v);
        }
        if (r.ok()) {
            return Result.ok(ok == null ? null : ok.apply(r.payload().get()));
        }
        return Result.err(err == null ? null : err.apply(r.payload().get()));
    }

    /** The elements of a tuple of {@code size} values. */
    public static List<ComponentValue> tuple(ComponentValue v, int size) {
        List<ComponentValue> elements = as(ComponentValue.TupleValue.class, v, "a tuple").elements();
        if (elements.size() != size) {
            throw new ComponentException("expected a tuple of " + size + " values, got " + v);
        }
        return elements;
    }

    /** The fields of a record, in declaration order, checked against the expected names. */
    public static List<ComponentValue> record(ComponentValue v, String... names) {
        List<ComponentValue.Field> fields = as(ComponentValue.RecordValue.class, v, "a record").fields();
        if (fields.size() != names.length) {
            throw new ComponentException("expected a record with fields " + List.of(names) + ", got " + v);
        }
        List<ComponentValue> out = new ArrayList<>(names.length);
        for (int i = 0; i < names.length; i++) {
            if (!fields.get(i).name().equals(names[i])) {
                throw new ComponentException("expected field " + names[i] + ", got " + fields.get(i).name());
            }
            out.add(fields.get(i).value());
        }
        return out;
    }

    /** Checks the argument count of a host function call. */
    public static List<ComponentValue> arguments(List<ComponentValue> args, int count, String function) {
        if (args.size() != count) {
            throw new ComponentException(function + " takes " + count + " arguments, got " + args.size());
        }
        return args;
    }

    /** The single result of a call that must return one. */
    public static ComponentValue result(Optional<ComponentValue> result, String function) {
        return result.orElseThrow(() -> new ComponentException(function + " returned no value"));
    }
}
