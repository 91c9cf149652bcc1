package dev.basalt.component.binary;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.basalt.component.model.Alias;
import dev.basalt.component.model.Canon;
import dev.basalt.component.model.CanonOpt;
import dev.basalt.component.model.Component;
import dev.basalt.component.model.CoreInstance;
import dev.basalt.component.model.CoreModule;
import dev.basalt.component.model.CoreType;
import dev.basalt.component.model.Decl;
import dev.basalt.component.model.Export;
import dev.basalt.component.model.ExternName;
import dev.basalt.component.model.ExternType;
import dev.basalt.component.model.Import;
import dev.basalt.component.model.Instance;
import dev.basalt.component.model.PrimValType;
import dev.basalt.component.model.Section;
import dev.basalt.component.model.Sort;
import dev.basalt.component.model.TypeDef;
import dev.basalt.component.model.ValType;
import dev.basalt.wasm.MalformedException;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ComponentBinaryRoundTripTest {
    private static final ValType U32 = new ValType.Primitive(PrimValType.U32);
    private static final ValType STRING = new ValType.Primitive(PrimValType.STRING);

    /** A core module exporting memory "mem" and function "f" (func (param i32) (result i32)). */
    private static final byte[] CORE = {
        0, 'a', 's', 'm', 1, 0, 0, 0,
        1, 6, 1, 0x60, 1, 0x7f, 1, 0x7f,            // type section
        3, 2, 1, 0,                                 // function section
        5, 3, 1, 0, 1,                              // memory section: min 1
        7, 11, 2, 3, 'm', 'e', 'm', 2, 0, 1, 'f', 0, 0,  // export section
        10, 6, 1, 4, 0, 0x20, 0, 0x0b               // code: local.get 0
    };

    static Component sample() {
        TypeDef.InstanceType iface = new TypeDef.InstanceType(List.of(
                new Decl.ExportDecl(ExternName.of("res"), new ExternType.Type(true, 0)),
                new Decl.TypeDecl(new TypeDef.Own(0)),
                new Decl.TypeDecl(new TypeDef.Func(false, List.of(new TypeDef.Param("self", new ValType.Indexed(1))),
                        Optional.of(U32))),
                new Decl.ExportDecl(ExternName.of("[method]res.size"), new ExternType.Func(2)),
                new Decl.CoreTypeDecl(new CoreType.ModuleType(List.of(
                        new CoreType.OuterTypeAlias(1, 0))))));
        TypeDef.ComponentType ctype = new TypeDef.ComponentType(List.of(
                new Decl.ImportDecl(ExternName.of("x"), new ExternType.Func(0)),
                new Decl.ImportDecl(ExternName.of("v"), new ExternType.Value(STRING)),
                new Decl.ExportDecl(ExternName.of("w"), new ExternType.ValueEq(0)),
                new Decl.ExportDecl(ExternName.of("m"), new ExternType.CoreModule(0)),
                new Decl.ExportDecl(ExternName.of("c"), new ExternType.ComponentT(0)),
                new Decl.ExportDecl(ExternName.of("t"), new ExternType.Type(false, 3)),
                new Decl.AliasDecl(new Alias.Outer(Sort.TYPE, 1, 0))));
        List<TypeDef> types = List.of(
                new TypeDef.Func(false, List.of(new TypeDef.Param("a", U32)), Optional.of(U32)),
                new TypeDef.Record(List.of(new TypeDef.Field("name", STRING), new TypeDef.Field("age", U32))),
                new TypeDef.Variant(List.of(new TypeDef.Case("none", Optional.empty()),
                        new TypeDef.Case("some", Optional.of(new ValType.Indexed(1))))),
                new TypeDef.ListOf(STRING, OptionalInt.empty()),
                new TypeDef.ListOf(U32, OptionalInt.of(4)),
                new TypeDef.Tuple(List.of(U32, STRING)),
                new TypeDef.Flags(List.of("read", "write")),
                new TypeDef.Enum(List.of("a", "b", "c")),
                new TypeDef.OptionOf(STRING),
                new TypeDef.ResultOf(Optional.of(U32), Optional.empty()),
                new TypeDef.ResultOf(Optional.empty(), Optional.empty()),
                new TypeDef.Resource(0x7f, OptionalInt.of(0)),
                new TypeDef.Own(11),
                new TypeDef.Borrow(11),
                new TypeDef.Prim(PrimValType.CHAR),
                new TypeDef.Func(false, List.of(), Optional.empty()),
                iface,
                ctype);
        return new Component(List.of(
                new Section.Custom("producers", new byte[] {1, 2, 3}),
                new Section.CoreModuleSection(ComponentBinaryReader.coreModule(CORE)),
                new Section.CoreInstances(List.of(
                        new CoreInstance.Instantiate(0, List.of()),
                        new CoreInstance.FromExports(List.of(new CoreInstance.InlineExport("f", Sort.CORE_FUNC, 0))))),
                new Section.CoreTypes(List.of(new CoreType.ModuleType(List.of(
                        new CoreType.ExportDecl("mem", new CoreType.CoreExternType(2, new byte[] {0, 1})))))),
                new Section.Types(types),
                new Section.Imports(List.of(
                        new Import(ExternName.of("wasi:io/streams@0.2.0"), new ExternType.InstanceT(16)),
                        new Import(new ExternName("logger", 2, List.of(new ExternName.Attribute(
                                ExternName.AttributeKind.IMPLEMENTS, "ns:pkg/log"))), new ExternType.Func(15)))),
                new Section.Aliases(List.of(
                        new Alias.CoreInstanceExport(Sort.CORE_MEMORY, 0, "mem"),
                        new Alias.CoreInstanceExport(Sort.CORE_FUNC, 0, "f"),
                        new Alias.InstanceExport(Sort.TYPE, 0, "res"))),
                new Section.Canons(List.of(
                        new Canon.Lift(0, List.of(CanonOpt.StringEncoding.UTF8, new CanonOpt.Memory(0),
                                new CanonOpt.Realloc(1), new CanonOpt.PostReturn(2)), 0),
                        new Canon.Lower(1, List.of(CanonOpt.StringEncoding.LATIN1_UTF16, new CanonOpt.Memory(0))),
                        new Canon.ResourceNew(11),
                        new Canon.ResourceDrop(11),
                        new Canon.ResourceRep(11),
                        new Canon.Builtin(0x0c, List.of(1), List.of()))),
                new Section.Components(new Component(List.of(new Section.Types(List.of(
                        new TypeDef.Prim(PrimValType.BOOL)))))),
                new Section.Instances(List.of(
                        new Instance.Instantiate(0, List.of(new Instance.Arg("x", Sort.FUNC, 0))),
                        new Instance.FromExports(List.of(new Instance.InlineExport(ExternName.of("g"), Sort.FUNC, 0))))),
                new Section.Exports(List.of(
                        new Export(ExternName.of("run"), Sort.FUNC, 0, Optional.of(new ExternType.Func(0))),
                        new Export(ExternName.of("[constructor]res"), Sort.FUNC, 1, Optional.empty())))));
    }

    @Test
    void modelToBytesToModel() {
        Component c = sample();
        byte[] bytes = ComponentBinaryWriter.write(c);
        assertThat(ComponentBinaryReader.read(bytes)).isEqualTo(c);
        assertThat(ComponentBinaryWriter.write(ComponentBinaryReader.read(bytes))).isEqualTo(bytes);
    }

    @Test
    void embeddedCoreModuleIsDecoded() {
        CoreModule m = ComponentBinaryReader.coreModule(CORE);
        assertThat(m.module().exports()).hasSize(2);
    }

    @Test
    void everyTruncationIsMalformedAndNothingElse() {
        byte[] bytes = ComponentBinaryWriter.write(sample());
        // a cut between top-level sections leaves a well-formed (shorter) component
        java.util.Set<Integer> sectionEnds = new java.util.HashSet<>();
        int at = 8;
        sectionEnds.add(at);
        while (at < bytes.length) {
            at++;
            int size = 0;
            for (int shift = 0; ; shift += 7) {
                int b = bytes[at++] & 0xFF;
                size |= (b & 0x7F) << shift;
                if ((b & 0x80) == 0) {
                    break;
                }
            }
            at += size;
            sectionEnds.add(at);
        }
        assertThat(sectionEnds).hasSize(sample().sections().size() + 1);
        for (int n = 0; n < bytes.length; n++) {
            byte[] cut = java.util.Arrays.copyOf(bytes, n);
            if (sectionEnds.contains(n)) {
                assertThat(ComponentBinaryReader.read(cut).sections()).hasSizeLessThan(sample().sections().size());
            } else {
                assertThatThrownBy(() -> ComponentBinaryReader.read(cut)).as("first %d bytes", n)
                        .isInstanceOf(MalformedException.class);
            }
        }
    }

    @Test
    void randomCorruptionOnlyEverGivesMalformed() {
        byte[] bytes = ComponentBinaryWriter.write(sample());
        Random random = new Random(42);
        for (int i = 0; i < 20_000; i++) {
            byte[] mutated = bytes.clone();
            for (int k = 1 + random.nextInt(4); k > 0; k--) {
                mutated[8 + random.nextInt(mutated.length - 8)] = (byte) random.nextInt(256);
            }
            try {
                ComponentBinaryReader.read(mutated);
            } catch (MalformedException expected) {
                // fine: the only allowed failure
            }
        }
    }

    @Test
    void hugeCountsDoNotAllocate() {
        // type section claiming 2^32-1 types in 6 bytes
        byte[] bytes = {0, 'a', 's', 'm', 0x0d, 0, 1, 0, 7, 5, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x0f};
        assertThatThrownBy(() -> ComponentBinaryReader.read(bytes)).isInstanceOf(MalformedException.class)
                .hasMessageStartingWith("unexpected end-of-file");
    }

    @Test
    void deepNestingIsMalformedNotStackOverflow() {
        // 10_000 nested instance types: (instance (type (instance (type ...))))
        int depth = 10_000;
        java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
        body.write(1);
        for (int i = 0; i < depth; i++) {
            body.write(0x42);
            body.write(1);
            body.write(0x01);
        }
        byte[] b = body.toByteArray();
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        out.writeBytes(new byte[] {0, 'a', 's', 'm', 0x0d, 0, 1, 0, 7});
        Leb.writeU32(out, b.length);
        out.writeBytes(b);
        assertThatThrownBy(() -> ComponentBinaryReader.read(out.toByteArray()))
                .isInstanceOf(MalformedException.class).hasMessageContaining("nesting too deep");
    }

    @Test
    void externNamesAreClassified() {
        assertThat(ExternName.of("get-name").kind()).isEqualTo(ExternName.Kind.PLAIN);
        assertThat(ExternName.of("[constructor]file").kind()).isEqualTo(ExternName.Kind.CONSTRUCTOR);
        assertThat(ExternName.of("[method]file.read-at").kind()).isEqualTo(ExternName.Kind.METHOD);
        assertThat(ExternName.of("[static]file.open").kind()).isEqualTo(ExternName.Kind.STATIC);
        assertThat(ExternName.of("wasi:io/streams@0.2.0").kind()).isEqualTo(ExternName.Kind.INTERFACE);
        assertThat(ExternName.of("wasi:io/streams@0.2.0").version()).contains("0.2.0");
        assertThat(ExternName.of("wasi:io/streams").kind()).isEqualTo(ExternName.Kind.INTERFACE);
        assertThat(ExternName.of("[method]file.read").resource()).contains("file");
        assertThat(ExternName.of("FOO-bar").kind()).isEqualTo(ExternName.Kind.PLAIN);
        assertThat(ExternName.of("Foo").kind()).isEqualTo(ExternName.Kind.INVALID);
        assertThat(ExternName.of("fooBar").kind()).isEqualTo(ExternName.Kind.INVALID);
        assertThat(ExternName.of("").kind()).isEqualTo(ExternName.Kind.INVALID);
        assertThat(ExternName.of("wasi:io/streams@1.0").kind()).isEqualTo(ExternName.Kind.INVALID);
        assertThat(ExternName.of("a--b").kind()).isEqualTo(ExternName.Kind.INVALID);
    }
}
