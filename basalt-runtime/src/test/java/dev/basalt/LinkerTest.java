package dev.basalt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.basalt.wasm.NumType;
import java.util.List;
import org.junit.jupiter.api.Test;

class LinkerTest {
    private final Engine engine = Engine.create();

    /** Imports two functions from "js" (one with a result), one from "env", and a memory from "js". */
    private final Module module = Module.fromWat(engine, """
            (module
              (import "js" "eval" (func $eval (param i32 i64) (result f64)))
              (import "js" "log" (func $log (param i32)))
              (import "env" "answer" (func $answer (result i32)))
              (func (export "answer") (result i32) (call $answer))
              (func (export "log") (call $log (i32.const 1)))
              (func (export "eval") (result f64) (call $eval (i32.const 0) (i64.const 0))))
            """);

    @Test
    void unknownImportsOfOneModuleBecomeTrapsNamingTheImport() {
        Linker<Void> linker = Linker.create(engine);
        linker.defineHostFunction("js", "log", FuncType.of(List.of(NumType.I32), List.of()),
                (caller, args) -> new Val[0]);
        linker.defineHostFunction("env", "answer", FuncType.of(List.of(), List.of(NumType.I32)),
                (caller, args) -> new Val[] {Val.i32(42)});
        linker.defineUnknownImportsAsTraps(module, "js");

        Instance inst = linker.instantiate(Store.create(engine), module);
        assertThat(inst.getFunc("answer").orElseThrow().callI32()).isEqualTo(42);
        // js.log was defined before: it is kept, not replaced by a trap.
        assertThat(inst.getFunc("log").orElseThrow().call()).isEmpty();
        assertThatThrownBy(() -> inst.getFunc("eval").orElseThrow().call())
                .isInstanceOfSatisfying(Trap.class, t -> assertThat(t.kind()).isEqualTo(TrapKind.HOST_ERROR))
                .hasMessageContaining("unknown import js.eval was called");
    }

    @Test
    void importsOfOtherModulesStayUnknown() {
        Linker<Void> linker = Linker.<Void>create(engine).defineUnknownImportsAsTraps(module, "js");
        assertThatThrownBy(() -> linker.instantiate(Store.create(engine), module))
                .isInstanceOf(UnlinkableException.class).hasMessageStartingWith("unknown import");
    }

    @Test
    void withoutAModuleNameEveryUnknownFunctionImportTraps() {
        Linker<Void> linker = Linker.<Void>create(engine).defineUnknownImportsAsTraps(module);
        Instance inst = linker.instantiate(Store.create(engine), module);
        assertThatThrownBy(() -> inst.getFunc("answer").orElseThrow().call())
                .isInstanceOf(Trap.class).hasMessageContaining("unknown import env.answer was called");
        assertThatThrownBy(() -> inst.getFunc("log").orElseThrow().call())
                .isInstanceOf(Trap.class).hasMessageContaining("unknown import js.log was called");
    }

    @Test
    void trapsHaveTheImportedSignature() {
        Linker<Void> linker = Linker.<Void>create(engine).defineUnknownImportsAsTraps(module);
        // Re-exporting the import shows the signature the trap function was given: the import's own.
        Module reexport = Module.fromWat(engine, """
                (module (import "js" "eval" (func $e (param i32 i64) (result f64))) (export "e" (func $e)))
                """);
        Instance re = linker.instantiate(Store.create(engine), reexport);
        assertThat(re.getFunc("e").orElseThrow().type())
                .isEqualTo(FuncType.of(List.of(NumType.I32, NumType.I64), List.of(NumType.F64)));
    }
}
