package dev.basalt.component;

import static dev.basalt.component.ComponentValue.*;
import static dev.basalt.component.TestComponentBuilder.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.basalt.Engine;
import dev.basalt.Store;
import dev.basalt.Trap;
import dev.basalt.TrapKind;
import dev.basalt.component.model.CanonOpt;
import dev.basalt.component.model.PrimValType;
import dev.basalt.component.model.Sort;
import dev.basalt.component.model.TypeDef;
import dev.basalt.component.model.ValType;
import dev.basalt.wasm.InvalidException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/**
 * The canonical ABI rule by rule, through real components: values go from the host into a guest (lowering, into
 * flat core values or into memory through realloc) and back (lifting), and hostile core values must trap with
 * wasmtime's wording and leave the host and other instances intact.
 */
class CanonicalAbiTest {
    final Engine engine = newEngine();

    /** The engine the core modules run on; the compiler variant of this test overrides it. */
    Engine newEngine() {
        return Engine.create();
    }

    /** A core module with a memory, a bump realloc, identity functions per core type, and loads from a pointer. */
    static final String LIB = """
            (module
              (memory (export "mem") 2)
              (global $bump (mut i32) (i32.const 1024))
              (global $reallocs (mut i32) (i32.const 0))
              (func (export "realloc") (param $old i32) (param $oldlen i32) (param $align i32) (param $newlen i32) (result i32)
                (local $p i32)
                (global.set $reallocs (i32.add (global.get $reallocs) (i32.const 1)))
                (local.set $p (i32.and (i32.add (global.get $bump) (i32.sub (local.get $align) (i32.const 1)))
                                       (i32.sub (i32.const 0) (local.get $align))))
                (global.set $bump (i32.add (local.get $p) (local.get $newlen)))
                (if (local.get $old)
                  (then (memory.copy (local.get $p) (local.get $old)
                          (select (local.get $oldlen) (local.get $newlen) (i32.lt_u (local.get $oldlen) (local.get $newlen))))))
                (local.get $p))
              (func (export "reallocs") (result i32) (global.get $reallocs))
              (func (export "ptr") (param i32) (result i32) (local.get 0))
              (func (export "load-i32") (param i32) (result i32) (i32.load (local.get 0)))
              (func (export "load-i64") (param i32) (result i64) (i64.load (local.get 0)))
              (func (export "load-f32") (param i32) (result f32) (f32.load (local.get 0)))
              (func (export "load-f64") (param i32) (result f64) (f64.load (local.get 0)))
              (func (export "id-i32") (param i32) (result i32) (local.get 0))
              (func (export "id-i64") (param i64) (result i64) (local.get 0))
              (func (export "id-f32") (param f32) (result f32) (local.get 0))
              (func (export "id-f64") (param f64) (result f64) (local.get 0))
              (func (export "second-i64") (param i32 i64) (result i64) (local.get 1))
            )
            """;

    /**
     * A component exporting {@code echo: func(x: T, p0..p15: u64) -> T} (the params spill to memory, so the core
     * function gets a pointer to a tuple whose first element is x, and returns it as the result pointer or loads
     * the single flat result from it) and, if {@code flatCore} is given, {@code echo-flat: func(x: T) -> T}.
     */
    ComponentInstance echo(List<TypeDef> defs, ValType t, String spilledCore, String flatCore, CanonOpt... extra) {
        var b = new TestComponentBuilder();
        int m = b.coreModule(LIB);
        int ci = b.instantiateCore(m);
        int mem = b.coreAlias(Sort.CORE_MEMORY, ci, "mem");
        int realloc = b.coreAlias(Sort.CORE_FUNC, ci, "realloc");
        t = relocate(t, b.namedTypes(defs));
        List<TypeDef.Param> params = new ArrayList<>();
        params.add(param("x", t));
        for (int i = 0; i < 16; i++) {
            params.add(param("p" + i, prim(PrimValType.U64)));
        }
        int spilledType = b.funcType(params, t);
        List<CanonOpt> opts = new ArrayList<>(List.of(new CanonOpt.Memory(mem), new CanonOpt.Realloc(realloc)));
        opts.addAll(List.of(extra));
        b.export("echo", Sort.FUNC, b.lift(b.coreAlias(Sort.CORE_FUNC, ci, spilledCore), spilledType,
                opts.toArray(CanonOpt[]::new)));
        if (flatCore != null) {
            int flatType = b.funcType(List.of(param("x", t)), t);
            b.export("echo-flat", Sort.FUNC, b.lift(b.coreAlias(Sort.CORE_FUNC, ci, flatCore), flatType,
                    opts.toArray(CanonOpt[]::new)));
        }
        b.export("reallocs", Sort.FUNC, b.lift(b.coreAlias(Sort.CORE_FUNC, ci, "reallocs"),
                b.funcType(List.of(), prim(PrimValType.U32))));
        return ComponentLinker.<Void>create(engine).instantiate(Store.create(engine), Component.fromModel(engine, b.build()));
    }

    static ComponentValue spilled(ComponentInstance inst, ComponentValue v) {
        List<ComponentValue> args = new ArrayList<>();
        args.add(v);
        for (int i = 0; i < 16; i++) {
            args.add(u64(i));
        }
        return inst.getFunc("echo").orElseThrow().call(args).getFirst();
    }

    void roundTrips(ValType t, List<TypeDef> defs, String oneFlat, ComponentValue... values) {
        String spilledCore = oneFlat == null ? "ptr" : "load-" + oneFlat;
        ComponentInstance inst = echo(defs, t, spilledCore, oneFlat == null ? null : "id-" + oneFlat);
        for (ComponentValue v : values) {
            assertThat(spilled(inst, v)).as("through memory: %s", v).isEqualTo(v);
            if (oneFlat != null) {
                assertThat(inst.getFunc("echo-flat").orElseThrow().call(v)).as("flat: %s", v).containsExactly(v);
            }
        }
    }

    @Test
    void integersBoolAndCharRoundTripFlatAndThroughMemory() {
        roundTrips(prim(PrimValType.BOOL), List.of(), "i32", bool(true), bool(false));
        roundTrips(prim(PrimValType.S8), List.of(), "i32", s8(-128), s8(-5), s8(127));
        roundTrips(prim(PrimValType.U8), List.of(), "i32", u8(0), u8(200), u8(255));
        roundTrips(prim(PrimValType.S16), List.of(), "i32", s16(-32768), s16(1234));
        roundTrips(prim(PrimValType.U16), List.of(), "i32", u16(65535));
        roundTrips(prim(PrimValType.S32), List.of(), "i32", s32(-1), s32(Integer.MIN_VALUE));
        roundTrips(prim(PrimValType.U32), List.of(), "i32", u32(0xffff_ffffL), u32(7));
        roundTrips(prim(PrimValType.S64), List.of(), "i64", s64(Long.MIN_VALUE), s64(-2));
        roundTrips(prim(PrimValType.U64), List.of(), "i64", u64(-1), u64(1L << 63));
        roundTrips(prim(PrimValType.CHAR), List.of(), "i32", character('a'), character(0x1F600), character(0x10FFFF));
    }

    @Test
    void floatsRoundTripAndNaNsAreCanonical() {
        roundTrips(prim(PrimValType.F32), List.of(), "f32", f32(1.5f), f32(-0.0f), f32(Float.NEGATIVE_INFINITY));
        roundTrips(prim(PrimValType.F64), List.of(), "f64", f64(Math.PI), f64(Double.MIN_VALUE));
        ComponentInstance inst = echo(List.of(), prim(PrimValType.F32), "load-f32", "id-f32");
        var nan = (ComponentValue.F32) inst.getFunc("echo-flat").orElseThrow()
                .call(f32(Float.intBitsToFloat(0xffa00001))).getFirst();
        assertThat(Float.floatToRawIntBits(nan.value())).isEqualTo(0x7fc00000);
        ComponentInstance inst64 = echo(List.of(), prim(PrimValType.F64), "load-f64", "id-f64");
        var nan64 = (ComponentValue.F64) spilled(inst64, f64(Double.longBitsToDouble(0xfff0000000000123L)));
        assertThat(Double.doubleToRawLongBits(nan64.value())).isEqualTo(0x7ff8000000000000L);
    }

    @Test
    void liftingIgnoresHighBitsAndReadsAnyNonZeroAsTrue() {
        var inst = single("(func (export \"f\") (result i32) (i32.const 0x1ff))", PrimValType.S8);
        assertThat(inst.call()).containsExactly(s8(-1));
        assertThat(single("(func (export \"f\") (result i32) (i32.const 0x1ff))", PrimValType.U8).call()).containsExactly(u8(255));
        assertThat(single("(func (export \"f\") (result i32) (i32.const 0x18000))", PrimValType.S16).call())
                .containsExactly(s16(-32768));
        assertThat(single("(func (export \"f\") (result i32) (i32.const 2))", PrimValType.BOOL).call()).containsExactly(bool(true));
        var nan = single("(func (export \"f\") (result f32) (f32.reinterpret_i32 (i32.const 0x7fa00001)))", PrimValType.F32).call();
        assertThat(Float.floatToRawIntBits(((ComponentValue.F32) nan.getFirst()).value())).isEqualTo(0x7fc00000);
    }

    @Test
    void invalidCharsTrap() {
        assertTrap(single("(func (export \"f\") (result i32) (i32.const 0xd800))", PrimValType.CHAR), "invalid `char` bit pattern");
        assertTrap(single("(func (export \"f\") (result i32) (i32.const 0x110000))", PrimValType.CHAR), "invalid `char` bit pattern");
        assertTrap(single("(func (export \"f\") (result i32) (i32.const -1))", PrimValType.CHAR), "invalid `char` bit pattern");
    }

    /** A component exporting {@code f: func() -> p} lifted from {@code body} (a core module with memory "mem"). */
    ComponentFunc single(String body, PrimValType p) {
        return singleOf(body, List.of(), prim(p));
    }

    ComponentFunc singleOf(String body, List<TypeDef> defs, ValType result, CanonOpt... extra) {
        var b = new TestComponentBuilder();
        int m = b.coreModule("(module (memory (export \"mem\") 1) " + body + ")");
        int ci = b.instantiateCore(m);
        int mem = b.coreAlias(Sort.CORE_MEMORY, ci, "mem");
        result = relocate(result, b.namedTypes(defs));
        List<CanonOpt> opts = new ArrayList<>(List.of(new CanonOpt.Memory(mem)));
        opts.addAll(List.of(extra));
        b.export("f", Sort.FUNC, b.lift(b.coreAlias(Sort.CORE_FUNC, ci, "f"), b.funcType(List.of(), result),
                opts.toArray(CanonOpt[]::new)));
        return ComponentLinker.<Void>create(engine).instantiate(Store.create(engine), Component.fromModel(engine, b.build()))
                .getFunc("f").orElseThrow();
    }

    static void assertTrap(ComponentFunc f, String message) {
        assertThatThrownBy(f::call).isInstanceOf(Trap.class).hasMessageStartingWith(message)
                .satisfies(e -> assertThat(((Trap) e).kind()).isEqualTo(TrapKind.COMPONENT));
    }

    @Test
    void stringsInEveryEncodingRoundTrip() {
        ValType string = prim(PrimValType.STRING);
        ComponentValue[] samples = {string(""), string("hello"), string("héllo wörld"), string("日本語 and 😀"),
                string("x".repeat(5000))};
        for (CanonOpt encoding : List.of(CanonOpt.StringEncoding.UTF8, CanonOpt.StringEncoding.UTF16,
                CanonOpt.StringEncoding.LATIN1_UTF16)) {
            ComponentInstance inst = echo(List.of(), string, "ptr", null, encoding);
            for (ComponentValue s : samples) {
                assertThat(spilled(inst, s)).as("%s %s", encoding, s).isEqualTo(s);
            }
        }
    }

    @Test
    void latin1PlusUtf16UsesOneAllocationForLatin1AndReallocatesOnceForOtherText() {
        ComponentInstance inst = echo(List.of(), prim(PrimValType.STRING), "ptr", null, CanonOpt.StringEncoding.LATIN1_UTF16);
        ComponentFunc reallocs = inst.getFunc("reallocs").orElseThrow();
        long before = ((ComponentValue.U32) reallocs.call().getFirst()).value();
        spilled(inst, string("abc"));
        long afterLatin1 = ((ComponentValue.U32) reallocs.call().getFirst()).value();
        // the params tuple, the string (3 UTF-8 code units, 3 Latin-1 bytes: no shrink)
        assertThat(afterLatin1 - before).isEqualTo(2);
        spilled(inst, string("aé日"));
        long afterUtf16 = ((ComponentValue.U32) reallocs.call().getFirst()).value();
        // params tuple, first guess (6 UTF-8 units), grow to 12 bytes of UTF-16, shrink to 6 bytes
        assertThat(afterUtf16 - afterLatin1).isEqualTo(4);
    }

    @Test
    void hostStringsMustBeValidUnicode() {
        ComponentInstance inst = echo(List.of(), prim(PrimValType.STRING), "ptr", null);
        assertThatThrownBy(() -> spilled(inst, string("bad \ud800 surrogate")))
                .isInstanceOf(ComponentException.class).hasMessageContaining("unpaired surrogate");
        assertThat(spilled(inst, string("still usable"))).isEqualTo(string("still usable"));
    }

    @Test
    void compoundValuesRoundTripThroughMemory() {
        ValType u8 = prim(PrimValType.U8);
        ValType u32 = prim(PrimValType.U32);
        ValType str = prim(PrimValType.STRING);
        // type 0: list<u32>
        roundTrips(idx(0), List.of(new TypeDef.ListOf(u32, OptionalInt.empty())), null,
                list(), list(u32(1), u32(2), u32(0xffff_ffffL)));
        // type 0: list<string>, type 1: list<list<string>>
        roundTrips(idx(1), List.of(new TypeDef.ListOf(str, OptionalInt.empty()), new TypeDef.ListOf(idx(0), OptionalInt.empty())),
                null, list(list(string("a"), string("bé")), list(), list(string("日本"))));
        // record {a: u8, b: string, c: f64}
        roundTrips(idx(0), List.of(new TypeDef.Record(List.of(new TypeDef.Field("a", u8), new TypeDef.Field("b", str),
                new TypeDef.Field("c", prim(PrimValType.F64))))), null,
                record(field("a", u8(7)), field("b", string("hi")), field("c", f64(2.5))));
        // tuple<u8, u64, char>
        roundTrips(idx(0), List.of(new TypeDef.Tuple(List.of(u8, prim(PrimValType.U64), prim(PrimValType.CHAR)))), null,
                tuple(u8(1), u64(-1), character('z')));
        // variant {a(f32), b(u64), c}
        TypeDef variant = new TypeDef.Variant(List.of(new TypeDef.Case("a", Optional.of(prim(PrimValType.F32))),
                new TypeDef.Case("b", Optional.of(prim(PrimValType.U64))), new TypeDef.Case("c", Optional.empty())));
        roundTrips(idx(0), List.of(variant), null, variant("a", f32(1.5f)), variant("b", u64(1L << 40)), variant("c"));
        roundTrips(idx(0), List.of(new TypeDef.Enum(List.of("red", "green", "blue"))), "i32",
                enumValue("red"), enumValue("blue"));
        roundTrips(idx(0), List.of(new TypeDef.OptionOf(str)), null, some(string("x")), none());
        roundTrips(idx(0), List.of(new TypeDef.ResultOf(Optional.of(u32), Optional.of(str))), null,
                ok(u32(3)), err(string("boom")));
        roundTrips(idx(0), List.of(new TypeDef.ResultOf(Optional.empty(), Optional.empty())), "i32", ok(), err());
        roundTrips(idx(0), List.of(new TypeDef.Flags(List.of("r", "w", "x"))), "i32", flags("r", "x"), flags());
        List<String> many = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            many.add("f" + i);
        }
        roundTrips(idx(0), List.of(new TypeDef.Flags(many)), "i32", flags("f0", "f19", "f9"));
        // fixed-size list<u16, 3>
        roundTrips(idx(0), List.of(new TypeDef.ListOf(prim(PrimValType.U16), OptionalInt.of(3))), null,
                list(u16(1), u16(2), u16(65535)));
        // a variant with 300 cases has a 2-byte discriminant
        List<TypeDef.Case> cases = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            cases.add(new TypeDef.Case("c" + i, i == 299 ? Optional.of(u8) : Optional.empty()));
        }
        roundTrips(idx(0), List.of(new TypeDef.Variant(cases)), null, variant("c299", u8(9)), variant("c257"));
    }

    @Test
    void variantPayloadsAreJoinedWhenFlattened() {
        // variant {a(f32), b(u64)} flattens to (i32, i64): the f32 travels as its bits in the i64
        var b = new TestComponentBuilder();
        int m = b.coreModule(LIB);
        int ci = b.instantiateCore(m);
        int v = b.namedType("v", new TypeDef.Variant(List.of(new TypeDef.Case("a", Optional.of(prim(PrimValType.F32))),
                new TypeDef.Case("b", Optional.of(prim(PrimValType.U64))))));
        int t = b.funcType(List.of(param("x", idx(v))), prim(PrimValType.U64));
        b.export("payload", Sort.FUNC, b.lift(b.coreAlias(Sort.CORE_FUNC, ci, "second-i64"), t));
        ComponentFunc f = ComponentLinker.<Void>create(engine).instantiate(Store.create(engine),
                Component.fromModel(engine, b.build())).getFunc("payload").orElseThrow();
        assertThat(f.call(variant("a", f32(1.5f)))).containsExactly(u64(Float.floatToRawIntBits(1.5f)));
        assertThat(f.call(variant("b", u64(-2)))).containsExactly(u64(-2));
    }

    @Test
    void valuesThatDoNotMatchTheTypeAreRejectedAndTheInstanceStaysUsable() {
        ComponentInstance inst = echo(List.of(), prim(PrimValType.U32), "load-i32", "id-i32");
        ComponentFunc f = inst.getFunc("echo-flat").orElseThrow();
        assertThatThrownBy(() -> f.call(string("no"))).isInstanceOf(ComponentException.class)
                .hasMessageContaining("type mismatch: expected u32");
        assertThatThrownBy(() -> f.call()).isInstanceOf(ComponentException.class).hasMessageContaining("takes 1 arguments");
        assertThat(f.call(u32(5))).containsExactly(u32(5));
        ComponentInstance rec = echo(List.of(new TypeDef.Record(List.of(new TypeDef.Field("a", prim(PrimValType.U8))))),
                idx(0), "load-i32", "id-i32");
        assertThatThrownBy(() -> spilled(rec, record(field("b", u8(1))))).isInstanceOf(ComponentException.class)
                .hasMessageContaining("no field `a`");
        ComponentInstance e = echo(List.of(new TypeDef.Enum(List.of("a", "b"))), idx(0), "load-i32", "id-i32");
        assertThatThrownBy(() -> spilled(e, enumValue("c"))).isInstanceOf(ComponentException.class)
                .hasMessageContaining("is not a case");
    }

    // ---- hostile values from the guest ------------------------------------------------------------------------

    @Test
    void stringPointersOutOfBoundsTrapEvenWhenEmpty() {
        ValType string = prim(PrimValType.STRING);
        assertTrap(singleOf("""
                (func (export "f") (result i32)
                  (i32.store (i32.const 0) (i32.const 0x10000)) (i32.store (i32.const 4) (i32.const 1)) (i32.const 0))
                """, List.of(), string), "string pointer/length out of bounds of memory");
        assertTrap(singleOf("""
                (func (export "f") (result i32)
                  (i32.store (i32.const 0) (i32.const 0x10001)) (i32.store (i32.const 4) (i32.const 0)) (i32.const 0))
                """, List.of(), string), "string pointer/length out of bounds of memory");
        assertTrap(singleOf("""
                (func (export "f") (result i32)
                  (i32.store (i32.const 0) (i32.const 8)) (i32.store (i32.const 4) (i32.const -1)) (i32.const 0))
                """, List.of(), string), "string pointer/length out of bounds of memory");
    }

    @Test
    void invalidEncodingsTrap() {
        ValType string = prim(PrimValType.STRING);
        String storeAt8 = "(func (export \"f\") (result i32) (i32.store (i32.const 0) (i32.const 8)) (i32.store (i32.const 4) (i32.const %d)) (i32.const 0))";
        assertTrap(singleOf("(data (i32.const 8) \"ok\\ff\")" + storeAt8.formatted(3), List.of(), string),
                "invalid utf-8 sequence of 1 bytes from index 2");
        assertTrap(singleOf("(data (i32.const 8) \"\\ed\\a0\\80\")" + storeAt8.formatted(3), List.of(), string),
                "invalid utf-8");
        assertTrap(singleOf("(data (i32.const 8) \"a\\e6\\97\")" + storeAt8.formatted(3), List.of(), string),
                "incomplete utf-8 byte sequence from index 1");
        assertTrap(singleOf("(data (i32.const 8) \"\\00\\d8a\\00\")" + storeAt8.formatted(2), List.of(), string,
                CanonOpt.StringEncoding.UTF16), "invalid utf-16: lone surrogate found");
        // UTF-16 strings must be 2-aligned
        assertTrap(singleOf("(func (export \"f\") (result i32) (i32.store (i32.const 0) (i32.const 9)) (i32.store (i32.const 4) (i32.const 1)) (i32.const 0))",
                List.of(), string, CanonOpt.StringEncoding.UTF16), "unaligned pointer");
    }

    @Test
    void latin1PlusUtf16TagSelectsTheEncodingWhenLifting() {
        ValType string = prim(PrimValType.STRING);
        String body = "(data (i32.const 8) \"\\e9t\\e9\\00\") (func (export \"f\") (result i32) (i32.store (i32.const 0) (i32.const 8)) (i32.store (i32.const 4) (i32.const %s)) (i32.const 0))";
        assertThat(singleOf(body.formatted("3"), List.of(), string, CanonOpt.StringEncoding.LATIN1_UTF16).call())
                .containsExactly(string("été"));
        // tagged: 2 UTF-16 code units 0x74e9 0x00e9
        assertThat(singleOf(body.formatted("0x80000002"), List.of(), string, CanonOpt.StringEncoding.LATIN1_UTF16).call())
                .containsExactly(string("\u74e9\u00e9"));
    }

    @Test
    void badDiscriminantsTrap() {
        TypeDef variant = new TypeDef.Variant(List.of(new TypeDef.Case("a", Optional.empty()),
                new TypeDef.Case("b", Optional.of(prim(PrimValType.U32)))));
        assertTrap(singleOf("(func (export \"f\") (result i32) (i32.store (i32.const 0) (i32.const 2)) (i32.const 0))",
                List.of(variant), idx(0)), "invalid variant discriminant");
        assertTrap(singleOf("(func (export \"f\") (result i32) (i32.const 3))",
                List.of(new TypeDef.Enum(List.of("x", "y", "z"))), idx(0)), "invalid variant discriminant");
        assertTrap(singleOf("(func (export \"f\") (result i32) (i32.store8 (i32.const 0) (i32.const 2)) (i32.const 0))",
                List.of(new TypeDef.OptionOf(prim(PrimValType.STRING))), idx(0)), "invalid variant discriminant");
        assertTrap(singleOf("(func (export \"f\") (result i32) (i32.store8 (i32.const 0) (i32.const 255)) (i32.const 0))",
                List.of(new TypeDef.ResultOf(Optional.of(prim(PrimValType.STRING)), Optional.empty())), idx(0)),
                "invalid variant discriminant");
    }

    @Test
    void misalignedAndOutOfBoundsPointersTrap() {
        TypeDef listU32 = new TypeDef.ListOf(prim(PrimValType.U32), OptionalInt.empty());
        assertTrap(singleOf("(func (export \"f\") (result i32) (i32.store (i32.const 0) (i32.const 2)) (i32.store (i32.const 4) (i32.const 1)) (i32.const 0))",
                List.of(listU32), idx(0)), "unaligned pointer");
        assertTrap(singleOf("(func (export \"f\") (result i32) (i32.store (i32.const 0) (i32.const 0xfff8)) (i32.store (i32.const 4) (i32.const 3)) (i32.const 0))",
                List.of(listU32), idx(0)), "list pointer/length out of bounds of memory");
        // a huge length must not be allocated up front: it traps on the bounds check
        assertTrap(singleOf("(func (export \"f\") (result i32) (i32.store (i32.const 0) (i32.const 8)) (i32.store (i32.const 4) (i32.const 0x7fffffff)) (i32.const 0))",
                List.of(listU32), idx(0)), "list pointer/length out of bounds of memory");
        // the result pointer itself
        assertTrap(singleOf("(func (export \"f\") (result i32) (i32.const 3))", List.of(), prim(PrimValType.STRING)),
                "unaligned pointer");
        assertTrap(singleOf("(func (export \"f\") (result i32) (i32.const 0xfffc))", List.of(), prim(PrimValType.STRING)),
                "pointer out of bounds of memory");
    }

    @Test
    void hostileTypesAreRefusedOrSpilledWithoutExpansion() {
        // 150 nested lists: refused when the component is instantiated
        List<TypeDef> deep = new ArrayList<>();
        deep.add(new TypeDef.ListOf(prim(PrimValType.U8), OptionalInt.empty()));
        for (int i = 1; i < 150; i++) {
            deep.add(new TypeDef.ListOf(idx(i - 1), OptionalInt.empty()));
        }
        assertThatThrownBy(() -> echo(deep, idx(149), "ptr", null)).isInstanceOf(ComponentException.class)
                .hasMessageContaining("type nesting is too deep");
        // tuple<t, t> doubled 60 times: 2^60 parts when written out
        List<TypeDef> doubling = new ArrayList<>();
        doubling.add(new TypeDef.Tuple(List.of(prim(PrimValType.U8), prim(PrimValType.U8))));
        for (int i = 1; i < 60; i++) {
            doubling.add(new TypeDef.Tuple(List.of(idx(i - 1), idx(i - 1))));
        }
        assertThatThrownBy(() -> echo(doubling, idx(59), "ptr", null)).isInstanceOf(InvalidException.class)
                .hasMessageContaining("type exceeds maximum byte size");
        // the runtime's own guard, for a model whose caller vouched for it wrongly (fromValidatedModel)
        var b = new TestComponentBuilder();
        int ci = b.instantiateCore(b.coreModule(LIB));
        ValType doubled = relocate(idx(59), b.namedTypes(doubling));
        b.export("f", Sort.FUNC, b.lift(b.coreAlias(Sort.CORE_FUNC, ci, "ptr"),
                b.funcType(List.of(param("x", doubled)), doubled), new CanonOpt.Memory(b.coreAlias(Sort.CORE_MEMORY,
                        ci, "mem")), new CanonOpt.Realloc(b.coreAlias(Sort.CORE_FUNC, ci, "realloc"))));
        assertThatThrownBy(() -> ComponentLinker.<Void>create(engine).instantiate(Store.create(engine),
                Component.fromValidatedModel(engine, b.build()))).isInstanceOf(ComponentException.class)
                .hasMessageContaining("type is too large");
        // a fixed-size list of 50,000 u8 flattens to more than 16 values: spilled, never expanded into core types
        ComponentInstance big = echo(List.of(new TypeDef.ListOf(prim(PrimValType.U8), OptionalInt.of(50_000))),
                idx(0), "ptr", null);
        List<ComponentValue> bytes = new ArrayList<>();
        for (int i = 0; i < 50_000; i++) {
            bytes.add(u8(i & 0xff));
        }
        assertThat(spilled(big, new ComponentValue.ListValue(bytes))).isEqualTo(new ComponentValue.ListValue(bytes));
    }

    @Test
    void listsTooLargeToLiftTrapInsteadOfExhaustingTheHeap() {
        // a list<bool> of 2^25 elements in a 512-page memory: within bounds, but beyond the lift budget (numeric
        // lists are lifted into one array and charged by bytes, as strings are: see BulkListTest)
        TypeDef listBool = new TypeDef.ListOf(prim(PrimValType.BOOL), OptionalInt.empty());
        var b = new TestComponentBuilder();
        int m = b.coreModule("""
                (module (memory (export "mem") 513)
                  (func (export "f") (result i32)
                    (i32.store (i32.const 0) (i32.const 16)) (i32.store (i32.const 4) (i32.const 0x2000000)) (i32.const 0)))
                """);
        int ci = b.instantiateCore(m);
        int mem = b.coreAlias(Sort.CORE_MEMORY, ci, "mem");
        int t = b.type(listBool);
        b.export("f", Sort.FUNC, b.lift(b.coreAlias(Sort.CORE_FUNC, ci, "f"), b.funcType(List.of(), idx(t)),
                new CanonOpt.Memory(mem)));
        ComponentFunc f = ComponentLinker.<Void>create(engine).instantiate(Store.create(engine),
                Component.fromModel(engine, b.build())).getFunc("f").orElseThrow();
        assertTrap(f, "component value too large to lift");
    }

    @Test
    void randomMemoryContentsLiftToValuesOrTrapNeverAnythingElse() {
        // f returns list<record { s: string, o: option<u32>, v: variant { a(f64), b(list<char>), c } }> read from a
        // memory filled with pseudo-random bytes by the guest ("fill" is an LCG seeded by the host)
        var b = new TestComponentBuilder();
        int m = b.coreModule("""
                (module (memory (export "mem") 1)
                  (func (export "fill") (param $seed i32) (local $i i32)
                    (loop $l
                      (local.set $seed (i32.add (i32.mul (local.get $seed) (i32.const 1103515245)) (i32.const 12345)))
                      ;; mostly zeros and small bytes, so that pointers, lengths and discriminants are often valid
                      (i32.store8 (local.get $i)
                        (select (i32.shr_u (local.get $seed) (i32.const 24))
                                (select (i32.and (i32.shr_u (local.get $seed) (i32.const 16)) (i32.const 7)) (i32.const 0)
                                        (i32.eq (i32.and (local.get $seed) (i32.const 0x600)) (i32.const 0x600)))
                                (i32.eqz (i32.and (local.get $seed) (i32.const 0x3800)))))
                      (local.set $i (i32.add (local.get $i) (i32.const 1)))
                      (br_if $l (i32.lt_u (local.get $i) (i32.const 512))))
                    ;; the list header: 0 to 3 records at 64
                    (i32.store (i32.const 8) (i32.const 64))
                    (i32.store (i32.const 12) (i32.and (i32.shr_u (local.get $seed) (i32.const 4)) (i32.const 3))))
                  (func (export "f") (result i32) (i32.const 8)))
                """);
        int ci = b.instantiateCore(m);
        int mem = b.coreAlias(Sort.CORE_MEMORY, ci, "mem");
        int listChar = b.type(new TypeDef.ListOf(prim(PrimValType.CHAR), OptionalInt.empty()));
        int v = b.namedType("v", new TypeDef.Variant(List.of(new TypeDef.Case("a", Optional.of(prim(PrimValType.F64))),
                new TypeDef.Case("b", Optional.of(idx(listChar))), new TypeDef.Case("c", Optional.empty()))));
        int opt = b.type(new TypeDef.OptionOf(prim(PrimValType.U32)));
        int rec = b.namedType("r", new TypeDef.Record(List.of(new TypeDef.Field("s", prim(PrimValType.STRING)),
                new TypeDef.Field("o", idx(opt)), new TypeDef.Field("v", idx(v)))));
        int list = b.type(new TypeDef.ListOf(idx(rec), OptionalInt.empty()));
        b.export("fill", Sort.FUNC, b.lift(b.coreAlias(Sort.CORE_FUNC, ci, "fill"),
                b.funcType(List.of(param("seed", prim(PrimValType.U32))), null)));
        b.export("f", Sort.FUNC, b.lift(b.coreAlias(Sort.CORE_FUNC, ci, "f"), b.funcType(List.of(), idx(list)),
                new CanonOpt.Memory(mem)));
        Component c = Component.fromModel(engine, b.build());
        ComponentLinker<Void> linker = ComponentLinker.create(engine);
        Store<Void> store = Store.create(engine);
        ComponentInstance inst = linker.instantiate(store, c);
        int values = 0;
        int traps = 0;
        for (int seed = 1; seed <= 400; seed++) {
            inst.getFunc("fill").orElseThrow().call(u32(seed));
            try {
                assertThat(inst.getFunc("f").orElseThrow().call().getFirst()).isInstanceOf(ComponentValue.ListValue.class);
                values++;
            } catch (Trap t) {
                assertThat(t.kind()).isEqualTo(TrapKind.COMPONENT);
                traps++;
                inst = linker.instantiate(store, c);
            }
        }
        assertThat(values).as("seeds that lift to a value").isPositive();
        assertThat(traps).as("seeds that trap").isPositive();
    }

    @Test
    void aTrappedInstanceCannotBeEnteredAgainButTheStoreAndOtherInstancesWork() {
        var b = new TestComponentBuilder();
        int m = b.coreModule("""
                (module
                  (func (export "boom") unreachable)
                  (func (export "ok") (result i32) (i32.const 1)))
                """);
        int ci = b.instantiateCore(m);
        b.export("boom", Sort.FUNC, b.lift(b.coreAlias(Sort.CORE_FUNC, ci, "boom"), b.funcType(List.of(), null)));
        b.export("ok", Sort.FUNC, b.lift(b.coreAlias(Sort.CORE_FUNC, ci, "ok"), b.funcType(List.of(), prim(PrimValType.U32))));
        Component c = Component.fromModel(engine, b.build());
        Store<Void> store = Store.create(engine);
        ComponentLinker<Void> linker = ComponentLinker.create(engine);
        ComponentInstance first = linker.instantiate(store, c);
        assertThatThrownBy(() -> first.getFunc("boom").orElseThrow().call()).isInstanceOf(Trap.class)
                .hasMessageContaining("unreachable");
        assertThatThrownBy(() -> first.getFunc("ok").orElseThrow().call()).isInstanceOf(Trap.class)
                .hasMessage("cannot enter component instance");
        ComponentInstance second = linker.instantiate(store, c);
        assertThat(second.getFunc("ok").orElseThrow().call()).containsExactly(u32(1));
    }
}
