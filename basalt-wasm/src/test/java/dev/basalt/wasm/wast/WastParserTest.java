package dev.basalt.wasm.wast;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.basalt.wasm.AbsHeapType;
import dev.basalt.wasm.MalformedException;
import dev.basalt.wasm.NumType;
import dev.basalt.wasm.V128;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

class WastParserTest {

    private static List<Directive> parse(String text) {
        return WastParser.parse("test.wast", text.getBytes(StandardCharsets.UTF_8)).directives();
    }

    private static Directive one(String text) {
        List<Directive> ds = parse(text);
        assertThat(ds).hasSize(1);
        return ds.get(0);
    }

    @Test
    void modulesKeepTheirExactText() {
        String module = "(module $m\n  (func (export \"f\") (result i32) (i32.const 1)) ;; comment\n)";
        List<Directive> ds = parse(";; header\n" + module + "\n(module)");
        assertThat(ds.get(0)).isEqualTo(new Directive.Module(2, new ModuleSource.Text(Optional.of("m"), module),
                false));
        assertThat(ds.get(1)).isEqualTo(new Directive.Module(5, new ModuleSource.Text(Optional.empty(), "(module)"),
                false));
    }

    @Test
    void binaryAndQuoteModules() {
        Directive.Module bin = (Directive.Module) one("(module $b binary \"\\00asm\" \"\\01\\00\\00\\00\")");
        assertThat(bin.source()).isEqualTo(new ModuleSource.Binary(Optional.of("b"),
                new byte[] {0, 'a', 's', 'm', 1, 0, 0, 0}));
        Directive.Module quote = (Directive.Module) one("(module quote \"(func)\" \" (memory 1)\")");
        assertThat(quote.source()).isEqualTo(new ModuleSource.Quote(Optional.empty(), "(func) (memory 1)"));
    }

    @Test
    void moduleDefinitionsAndInstances() {
        List<Directive> ds = parse("(module definition $M (func))\n(module instance $I $M)\n(module instance)");
        assertThat(ds.get(0)).isInstanceOfSatisfying(Directive.Module.class, m -> {
            assertThat(m.definition()).isTrue();
            assertThat(m.source().id()).contains("M");
        });
        assertThat(ds.get(1)).isEqualTo(new Directive.ModuleInstance(2, Optional.of("I"), Optional.of("M")));
        assertThat(ds.get(2)).isEqualTo(new Directive.ModuleInstance(3, Optional.empty(), Optional.empty()));
    }

    @Test
    void registerAndActions() {
        List<Directive> ds = parse("""
                (register "M" $m)
                (invoke "f" (i32.const -1) (i64.const 0xffffffffffffffff) (f32.const -0x1p1) (f64.const nan:0x1))
                (get $m "g")
                """);
        assertThat(ds.get(0)).isEqualTo(new Directive.Register(1, "M", Optional.of("m")));
        assertThat(ds.get(1)).isEqualTo(new Directive.ActionDirective(2, new Action.Invoke(Optional.empty(), "f",
                List.of(new WastValue.I32(-1), new WastValue.I64(-1), new WastValue.F32(0xC0000000),
                        new WastValue.F64(0x7FF0000000000001L)))));
        assertThat(ds.get(2)).isEqualTo(new Directive.ActionDirective(3, new Action.Get(Optional.of("m"), "g")));
    }

    @Test
    void referenceAndVectorArguments() {
        Directive.ActionDirective d = (Directive.ActionDirective) one(
                "(invoke \"f\" (ref.null func) (ref.null extern) (ref.extern 7) (ref.host 3) (v128.const i32x4 1 2 3 4))");
        Action.Invoke inv = (Action.Invoke) d.action();
        assertThat(inv.args()).containsExactly(new WastValue.RefNull(AbsHeapType.FUNC),
                new WastValue.RefNull(AbsHeapType.EXTERN), new WastValue.RefExtern(7), new WastValue.RefHost(3),
                new WastValue.Vec(new V128(0x0000000200000001L, 0x0000000400000003L)));
    }

    @Test
    void assertReturnResultPatterns() {
        Directive.AssertReturn r = (Directive.AssertReturn) one("""
                (assert_return (invoke "f")
                  (i32.const 1) (f32.const nan:canonical) (f64.const nan:arithmetic)
                  (v128.const f32x4 1 nan:canonical 2 nan:arithmetic)
                  (v128.const i8x16 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15)
                  (ref.null any) (ref.null) (ref.func) (ref.extern) (ref.extern 5) (ref.host 6) (ref.struct)
                  (ref.array) (ref.i31) (ref.eq) (ref.any) (ref.exn)
                  (either (i32.const 1) (i32.const 2)))
                """);
        List<WastResult> e = r.expected();
        assertThat(e.get(0)).isEqualTo(new WastResult.Exact(new WastValue.I32(1)));
        assertThat(e.get(1)).isEqualTo(new WastResult.Nan(NumType.F32, true));
        assertThat(e.get(2)).isEqualTo(new WastResult.Nan(NumType.F64, false));
        assertThat(e.get(3)).isEqualTo(new WastResult.VecLanes("f32x4", List.of(
                new WastResult.Exact(new WastValue.F32(Float.floatToRawIntBits(1f))),
                new WastResult.Nan(NumType.F32, true),
                new WastResult.Exact(new WastValue.F32(Float.floatToRawIntBits(2f))),
                new WastResult.Nan(NumType.F32, false))));
        assertThat(e.get(4)).isInstanceOf(WastResult.Exact.class);
        assertThat(e.get(5)).isEqualTo(new WastResult.RefNull(AbsHeapType.ANY));
        assertThat(e.get(6)).isEqualTo(new WastResult.RefNull(null));
        assertThat(e.get(7)).isEqualTo(new WastResult.RefKind("func"));
        assertThat(e.get(8)).isEqualTo(new WastResult.RefKind("extern"));
        assertThat(e.get(9)).isEqualTo(new WastResult.RefHostId("extern", 5));
        assertThat(e.get(10)).isEqualTo(new WastResult.RefHostId("host", 6));
        assertThat(e.subList(11, 17)).extracting(x -> ((WastResult.RefKind) x).kind())
                .containsExactly("struct", "array", "i31", "eq", "any", "exn");
        assertThat(e.get(17)).isEqualTo(new WastResult.Either(List.of(
                List.of(new WastResult.Exact(new WastValue.I32(1))),
                List.of(new WastResult.Exact(new WastValue.I32(2))))));
    }

    @Test
    void assertions() {
        List<Directive> ds = parse("""
                (assert_trap (invoke "f") "unreachable")
                (assert_trap (module (func $s unreachable) (start $s)) "unreachable")
                (assert_exhaustion (invoke "r") "call stack exhausted")
                (assert_exception (invoke "t"))
                (assert_malformed (module quote "(func") "unexpected end")
                (assert_malformed_custom (module quote "(@custom)") "@custom annotation: missing section name")
                (assert_invalid (module (func (result i32))) "type mismatch")
                (assert_invalid_custom (module) "x")
                (assert_unlinkable (module (import "a" "b" (func))) "unknown import")
                (assert_trap (component (core module $M)) "cannot block")
                """);
        assertThat(ds.get(0)).isEqualTo(new Directive.AssertTrap(1, new Action.Invoke(Optional.empty(), "f",
                List.of()), "unreachable"));
        assertThat(ds.get(1)).isInstanceOfSatisfying(Directive.AssertModuleTrap.class,
                t -> assertThat(t.module()).isInstanceOf(ModuleSource.Text.class));
        assertThat(ds.get(2)).isInstanceOf(Directive.AssertExhaustion.class);
        assertThat(ds.get(3)).isInstanceOf(Directive.AssertException.class);
        assertThat(ds.get(4)).isEqualTo(new Directive.AssertMalformed(5,
                new ModuleSource.Quote(Optional.empty(), "(func"), "unexpected end", false));
        assertThat(ds.get(5)).isInstanceOfSatisfying(Directive.AssertMalformed.class,
                m -> assertThat(m.custom()).isTrue());
        assertThat(ds.get(6)).isInstanceOfSatisfying(Directive.AssertInvalid.class, i -> {
            assertThat(i.custom()).isFalse();
            assertThat(i.message()).isEqualTo("type mismatch");
        });
        assertThat(ds.get(7)).isInstanceOfSatisfying(Directive.AssertInvalid.class,
                i -> assertThat(i.custom()).isTrue());
        assertThat(ds.get(8)).isEqualTo(new Directive.AssertUnlinkable(9, new ModuleSource.Text(Optional.empty(),
                "(module (import \"a\" \"b\" (func)))"), "unknown import"));
        assertThat(ds.get(9)).isInstanceOfSatisfying(Directive.AssertModuleTrap.class, t -> {
            assertThat(t.module()).isInstanceOf(ModuleSource.Component.class);
            assertThat(t.message()).isEqualTo("cannot block");
        });
    }

    @Test
    void aBareModuleFileIsOneModule() {
        Directive d = one("(func) (memory 0)");
        assertThat(d).isEqualTo(new Directive.Module(1, new ModuleSource.Text(Optional.empty(), "(func) (memory 0)"),
                false));
    }

    @Test
    void quoteTextKeepsBytesThatAreNotUtf8ForTheModuleParserToReject() {
        Directive.Module m = (Directive.Module) one("(module quote \"(func (export \\\"\\80\\\"))\")");
        ModuleSource.Quote q = (ModuleSource.Quote) m.source();
        assertThatThrownBy(() -> dev.basalt.wasm.text.WatParser.parseModule("(module " + q.text() + ")"))
                .isInstanceOf(MalformedException.class).hasMessageStartingWith("malformed UTF-8 encoding");
    }

    @Test
    void errors() {
        assertThatThrownBy(() -> parse("(assert_return (invoke \"f\") (i32.const 0x1_0000_0000))"))
                .isInstanceOf(MalformedException.class).hasMessageStartingWith("constant out of range")
                .hasMessageContaining("test.wast:1:");
        assertThatThrownBy(() -> parse("(frobnicate)")).isInstanceOf(MalformedException.class);
        assertThatThrownBy(() -> parse("(module")).isInstanceOf(MalformedException.class);
        assertThatThrownBy(() -> parse("(invoke \"f\" (i32.const 1)")).isInstanceOf(MalformedException.class);
        assertThatThrownBy(() -> parse("(assert_return (invoke \"f\") (v128.const i8x16 nan:canonical 0 0 0 0 0 0 0"
                + " 0 0 0 0 0 0 0 0))")).hasMessageStartingWith("NaN pattern with non-float type");
    }

    @Test
    void hostileInputOnlyRaisesMalformed() {
        assertThatThrownBy(() -> parse("(".repeat(100_000))).isInstanceOf(MalformedException.class);
        assertThatThrownBy(() -> parse("(assert_return (invoke \"f\") " + "(either ".repeat(100_000)))
                .isInstanceOf(MalformedException.class);
        assertThat(parse("(module " + "(".repeat(50_000) + ")".repeat(50_000) + ")")).hasSize(1);
        Random random = new Random(7);
        byte[] bytes = new byte[300];
        for (int i = 0; i < 2000; i++) {
            random.nextBytes(bytes);
            try {
                WastParser.parse("random.wast", bytes);
            } catch (MalformedException expected) {
                // fine
            }
        }
    }
}
