package dev.basalt.wasm.types;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.basalt.wasm.AbsHeapType;
import dev.basalt.wasm.CompositeType;
import dev.basalt.wasm.FieldType;
import dev.basalt.wasm.HeapType;
import dev.basalt.wasm.InvalidException;
import dev.basalt.wasm.NumType;
import dev.basalt.wasm.PackedType;
import dev.basalt.wasm.RecGroup;
import dev.basalt.wasm.RefType;
import dev.basalt.wasm.SubType;
import dev.basalt.wasm.ValType;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

class TypeSpaceTest {
    private static RefType ref(int typeIndex) {
        return RefType.nonNull(HeapType.concrete(typeIndex));
    }

    private static RefType refNull(int typeIndex) {
        return RefType.nullable(HeapType.concrete(typeIndex));
    }

    private static SubType struct(boolean isFinal, List<Integer> supers, FieldType... fields) {
        return new SubType(isFinal, supers, new CompositeType.Struct(List.of(fields)));
    }

    private static FieldType imm(dev.basalt.wasm.StorageType t) {
        return new FieldType(t, false);
    }

    private static FieldType mut(dev.basalt.wasm.StorageType t) {
        return new FieldType(t, true);
    }

    /** A self-referential list type in its own rec group: (rec (type (struct (field (ref null 0))))) at base. */
    private static RecGroup listGroup(int selfIndex) {
        return RecGroup.single(struct(true, List.of(), imm(refNull(selfIndex))));
    }

    @Test
    void equivalentGroupsInDifferentModulesAreTheSameObject() {
        TypeSpace a = TypeSpace.of(List.of(listGroup(0)));
        // Same group preceded by an unrelated type: its internal reference is to index 1 now, but relative 0.
        TypeSpace b = TypeSpace.of(List.of(RecGroup.single(SubType.of(new CompositeType.Func(List.of(), List.of()))),
                listGroup(1)));
        assertThat(b.defined(1)).isSameAs(a.defined(0));
        assertThat(b.defined(0)).isNotSameAs(a.defined(0));
    }

    @Test
    void positionInsideTheGroupIsPartOfTheIdentity() {
        RecGroup pair = new RecGroup(List.of(struct(true, List.of()), struct(true, List.of())));
        TypeSpace s = TypeSpace.of(List.of(pair));
        assertThat(s.defined(0)).isNotSameAs(s.defined(1));
        assertThat(s.defined(0).sameGroup(s.defined(1))).isTrue();
        // A lone struct is not equivalent to a member of a two-type group.
        TypeSpace lone = TypeSpace.of(List.of(RecGroup.single(struct(true, List.of()))));
        assertThat(lone.defined(0)).isNotSameAs(s.defined(0));
    }

    @Test
    void externalReferencesCompareByCanonicalIdentity() {
        // (type $a (struct)) (type (struct (field (ref $a))))  vs the same with an equivalent $a at another index.
        TypeSpace m1 = TypeSpace.of(List.of(RecGroup.single(struct(true, List.of())),
                RecGroup.single(struct(true, List.of(), imm(ref(0))))));
        TypeSpace m2 = TypeSpace.of(List.of(RecGroup.single(SubType.of(new CompositeType.Array(imm(NumType.I32)))),
                RecGroup.single(struct(true, List.of())), RecGroup.single(struct(true, List.of(), imm(ref(1))))));
        assertThat(m2.defined(2)).isSameAs(m1.defined(1));
        // Pointing at a different (non-equivalent) external type gives a different type.
        TypeSpace m3 = TypeSpace.of(List.of(RecGroup.single(SubType.of(new CompositeType.Array(imm(NumType.I32)))),
                RecGroup.single(struct(true, List.of(), imm(ref(0))))));
        assertThat(m3.defined(1)).isNotSameAs(m1.defined(1));
    }

    @Test
    void finalityAndSupertypesArePartOfTheIdentity() {
        TypeSpace fin = TypeSpace.of(List.of(RecGroup.single(struct(true, List.of()))));
        TypeSpace open = TypeSpace.of(List.of(RecGroup.single(struct(false, List.of()))));
        assertThat(fin.defined(0)).isNotSameAs(open.defined(0));
    }

    @Test
    void declaredSubtypingFollowsTheSupertypeChainAcrossModules() {
        List<RecGroup> chain = List.of(RecGroup.single(struct(false, List.of())),
                RecGroup.single(struct(false, List.of(0), imm(NumType.I32))),
                RecGroup.single(struct(false, List.of(1), imm(NumType.I32), imm(NumType.I64))));
        TypeSpace a = TypeSpace.of(chain);
        TypeSpace b = TypeSpace.of(chain);
        assertThat(a.defined(2).isSubtypeOf(b.defined(0))).isTrue();
        assertThat(a.defined(2).isSubtypeOf(b.defined(1))).isTrue();
        assertThat(a.defined(0).isSubtypeOf(b.defined(2))).isFalse();
        assertThat(a.defined(2).depth()).isEqualTo(2);
        // Structurally a subtype, but not declared: not a subtype.
        TypeSpace undeclared = TypeSpace.of(List.of(RecGroup.single(struct(false, List.of())),
                RecGroup.single(struct(false, List.of(), imm(NumType.I32)))));
        assertThat(undeclared.defined(1).isSubtypeOf(undeclared.defined(0))).isFalse();
        assertThat(undeclared.isSubtype(undeclared.composite(1), undeclared.composite(0))).isTrue();
        assertThat(TypeSpace.isSubtype(ref(2), a, refNull(0), b)).isTrue();
        assertThat(TypeSpace.isSubtype(refNull(2), a, ref(0), b)).isFalse();
    }

    @Test
    void runtimeValueTypeMatchesHeapTypesOfAnotherModule() {
        List<RecGroup> chain = List.of(RecGroup.single(struct(false, List.of())),
                RecGroup.single(struct(false, List.of(0), imm(NumType.I32))));
        TypeSpace producer = TypeSpace.of(chain);
        TypeSpace consumer = TypeSpace.of(List.of(RecGroup.single(SubType.of(new CompositeType.Func(List.of(),
                List.of()))), chain.get(0), RecGroup.single(struct(false, List.of(1), imm(NumType.I32)))));
        DefinedType value = producer.defined(1);
        assertThat(consumer.isSubtype(value, HeapType.concrete(2))).isTrue();
        assertThat(consumer.isSubtype(value, HeapType.concrete(1))).isTrue();
        assertThat(consumer.isSubtype(value, AbsHeapType.EQ)).isTrue();
        assertThat(consumer.isSubtype(value, HeapType.concrete(0))).isFalse();
        assertThat(consumer.isSubtype(producer.defined(0), HeapType.concrete(2))).isFalse();
        assertThat(TypeSpace.isSubtype(HeapType.concrete(1), producer, HeapType.concrete(2), consumer)).isTrue();
        assertThat(TypeSpace.isSubtype(AbsHeapType.I31, AbsHeapType.ANY)).isTrue();
        assertThat(TypeSpace.isSubtype(AbsHeapType.NOEXTERN, AbsHeapType.ANY)).isFalse();
    }

    record HeapCase(String name, HeapType a, HeapType b, boolean expected) {
    }

    @TestFactory
    Stream<DynamicTest> abstractAndConcreteHeapSubtyping() {
        // 0: struct, 1: array, 2: func
        TypeSpace s = TypeSpace.of(List.of(RecGroup.single(struct(true, List.of())),
                RecGroup.single(SubType.of(new CompositeType.Array(imm(PackedType.I8)))),
                RecGroup.single(SubType.of(new CompositeType.Func(List.of(), List.of())))));
        HeapType st = HeapType.concrete(0);
        HeapType ar = HeapType.concrete(1);
        HeapType fn = HeapType.concrete(2);
        List<HeapCase> cases = List.of(
                new HeapCase("none <: i31", AbsHeapType.NONE, AbsHeapType.I31, true),
                new HeapCase("none <: any", AbsHeapType.NONE, AbsHeapType.ANY, true),
                new HeapCase("none </: func", AbsHeapType.NONE, AbsHeapType.FUNC, false),
                new HeapCase("nofunc </: any", AbsHeapType.NOFUNC, AbsHeapType.ANY, false),
                new HeapCase("nofunc <: func", AbsHeapType.NOFUNC, AbsHeapType.FUNC, true),
                new HeapCase("noextern <: extern", AbsHeapType.NOEXTERN, AbsHeapType.EXTERN, true),
                new HeapCase("noexn <: exn", AbsHeapType.NOEXN, AbsHeapType.EXN, true),
                new HeapCase("i31 <: eq", AbsHeapType.I31, AbsHeapType.EQ, true),
                new HeapCase("eq <: any", AbsHeapType.EQ, AbsHeapType.ANY, true),
                new HeapCase("any </: eq", AbsHeapType.ANY, AbsHeapType.EQ, false),
                new HeapCase("extern </: any", AbsHeapType.EXTERN, AbsHeapType.ANY, false),
                new HeapCase("struct type <: struct", st, AbsHeapType.STRUCT, true),
                new HeapCase("struct type <: eq", st, AbsHeapType.EQ, true),
                new HeapCase("struct type </: array", st, AbsHeapType.ARRAY, false),
                new HeapCase("array type <: any", ar, AbsHeapType.ANY, true),
                new HeapCase("func type <: func", fn, AbsHeapType.FUNC, true),
                new HeapCase("func type </: any", fn, AbsHeapType.ANY, false),
                new HeapCase("none <: struct type", AbsHeapType.NONE, st, true),
                new HeapCase("nofunc <: func type", AbsHeapType.NOFUNC, fn, true),
                new HeapCase("none </: func type", AbsHeapType.NONE, fn, false),
                new HeapCase("struct </: struct type", AbsHeapType.STRUCT, st, false));
        return cases.stream().map(c -> DynamicTest.dynamicTest(c.name(),
                () -> assertThat(s.isSubtype(c.a(), c.b())).isEqualTo(c.expected())));
    }

    @Test
    void topAndBottom() {
        TypeSpace s = TypeSpace.of(List.of(RecGroup.single(SubType.of(new CompositeType.Func(List.of(),
                List.of()))), RecGroup.single(struct(true, List.of()))));
        assertThat(s.top(HeapType.concrete(0))).isEqualTo(AbsHeapType.FUNC);
        assertThat(s.bottom(HeapType.concrete(0))).isEqualTo(AbsHeapType.NOFUNC);
        assertThat(s.top(HeapType.concrete(1))).isEqualTo(AbsHeapType.ANY);
        assertThat(s.bottom(HeapType.concrete(1))).isEqualTo(AbsHeapType.NONE);
        assertThat(s.top(AbsHeapType.NOEXTERN)).isEqualTo(AbsHeapType.EXTERN);
        assertThat(s.bottom(AbsHeapType.EXN)).isEqualTo(AbsHeapType.NOEXN);
        assertThat(s.top(AbsHeapType.I31)).isEqualTo(AbsHeapType.ANY);
    }

    @Test
    void fieldSubtypingIsCovariantOnlyForImmutableFields() {
        TypeSpace s = TypeSpace.of(List.of());
        assertThat(s.isSubtype(imm(RefType.I31REF), imm(RefType.ANYREF))).isTrue();
        assertThat(s.isSubtype(mut(RefType.I31REF), mut(RefType.ANYREF))).isFalse();
        assertThat(s.isSubtype(mut(RefType.ANYREF), mut(RefType.ANYREF))).isTrue();
        assertThat(s.isSubtype(imm(RefType.ANYREF), mut(RefType.ANYREF))).isFalse();
        assertThat(s.isSubtype(imm(PackedType.I8), imm(NumType.I32))).isFalse();
    }

    @Test
    void functionSubtypingIsContravariantInParams() {
        TypeSpace s = TypeSpace.of(List.of());
        CompositeType.Func takesAny = new CompositeType.Func(List.of(RefType.ANYREF), List.of(RefType.I31REF));
        CompositeType.Func takesEq = new CompositeType.Func(List.of(RefType.EQREF), List.of(RefType.ANYREF));
        assertThat(s.isSubtype(takesAny, takesEq)).isTrue();
        assertThat(s.isSubtype(takesEq, takesAny)).isFalse();
    }

    @Test
    void defaultability() {
        assertThat(TypeSpace.isDefaultable(NumType.V128)).isTrue();
        assertThat(TypeSpace.isDefaultable(RefType.FUNCREF)).isTrue();
        assertThat(TypeSpace.isDefaultable(RefType.nonNull(AbsHeapType.FUNC))).isFalse();
    }

    @Test
    void hostFunctionTypeEqualsModuleFunctionType() {
        List<ValType> params = List.of(NumType.I32, RefType.EXTERNREF);
        DefinedType host = TypeSpace.canonicalFuncType(params, List.of(NumType.F64));
        TypeSpace m = TypeSpace.of(List.of(RecGroup.single(SubType.of(new CompositeType.Func(params,
                List.of(NumType.F64))))));
        assertThat(m.defined(0)).isSameAs(host);
        assertThat(host.kind()).isEqualTo(DefinedType.Kind.FUNC);
    }

    @Test
    void unresolvableReferencesAreInvalid() {
        assertThatThrownBy(() -> TypeSpace.of(List.of(RecGroup.single(struct(true, List.of(), imm(ref(3)))))))
                .isInstanceOf(InvalidException.class).hasMessageStartingWith("unknown type 3");
        // A supertype must precede its subtype, even inside one group.
        assertThatThrownBy(() -> TypeSpace.of(List.of(new RecGroup(List.of(struct(false, List.of(1)),
                struct(false, List.of())))))).isInstanceOf(InvalidException.class);
    }

    @Test
    void unreachableGroupsLeaveTheTable() throws InterruptedException {
        int before = TypeCanonicalizer.internedGroups();
        for (int i = 0; i < 200; i++) {
            // 200 distinct groups (struct with i+1 fields), dropped right away.
            FieldType[] fields = new FieldType[i + 1];
            java.util.Arrays.fill(fields, imm(NumType.F64));
            TypeSpace.of(List.of(RecGroup.single(struct(false, List.of(), fields))));
        }
        assertThat(TypeCanonicalizer.internedGroups()).isGreaterThanOrEqualTo(before + 1);
        long deadline = System.currentTimeMillis() + 10_000;
        while (TypeCanonicalizer.internedGroups() > before + 100 && System.currentTimeMillis() < deadline) {
            System.gc();
            Thread.sleep(20);
        }
        assertThat(TypeCanonicalizer.internedGroups()).isLessThanOrEqualTo(before + 100);
    }

    @Test
    void aReachableTypeKeepsItsIdentity() {
        RecGroup g = RecGroup.single(struct(false, List.of(), imm(PackedType.I8), mut(PackedType.I16)));
        DefinedType kept = TypeSpace.of(List.of(g)).defined(0);
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        assertThat(TypeSpace.of(List.of(g)).defined(0)).isSameAs(kept);
    }

    @Test
    void canonicalizationIsThreadSafe() throws Exception {
        // A group shape no other test uses, interned concurrently: everyone must get the same object.
        List<RecGroup> groups = List.of(new RecGroup(List.of(
                struct(false, List.of(), mut(NumType.F32), imm(refNull(1))),
                struct(false, List.of(), imm(PackedType.I16), imm(refNull(0))))));
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<DefinedType>> results = new ArrayList<>();
            for (int i = 0; i < 64; i++) {
                results.add(pool.submit(() -> TypeSpace.of(groups).defined(1)));
            }
            Set<DefinedType> distinct = new HashSet<>();
            for (Future<DefinedType> f : results) {
                distinct.add(f.get());
            }
            assertThat(distinct).hasSize(1);
        } finally {
            pool.shutdownNow();
        }
    }
}
