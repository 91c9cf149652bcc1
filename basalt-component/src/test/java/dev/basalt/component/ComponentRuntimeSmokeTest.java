package dev.basalt.component;

import static dev.basalt.component.ComponentValue.*;
import static dev.basalt.component.TestComponentBuilder.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.basalt.Engine;
import dev.basalt.Store;
import dev.basalt.component.model.PrimValType;
import dev.basalt.component.model.Sort;
import java.util.List;
import org.junit.jupiter.api.Test;

class ComponentRuntimeSmokeTest {
    private final Engine engine = Engine.create();

    @Test
    void liftedCoreFunctionAddsTwoNumbers() {
        var b = new TestComponentBuilder();
        int m = b.coreModule("(module (func (export \"add\") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1))))");
        int i = b.instantiateCore(m);
        int f = b.coreAlias(Sort.CORE_FUNC, i, "add");
        int t = b.funcType(List.of(param("a", prim(PrimValType.U32)), param("b", prim(PrimValType.U32))), prim(PrimValType.U32));
        int lifted = b.lift(f, t);
        b.export("add", Sort.FUNC, lifted);
        Component c = Component.fromModel(engine, b.build());
        ComponentInstance inst = ComponentLinker.<Void>create(engine).instantiate(Store.create(engine), c);
        assertThat(inst.getFunc("add").orElseThrow().call(u32(40), u32(2))).containsExactly(u32(42));
        assertThat(inst.getFunc("add").orElseThrow().call(u32(0xffff_ffffL), u32(2))).containsExactly(u32(1));
    }
}
