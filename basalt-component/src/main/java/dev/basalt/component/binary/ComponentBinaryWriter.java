package dev.basalt.component.binary;

import dev.basalt.component.model.Alias;
import dev.basalt.component.model.Canon;
import dev.basalt.component.model.CanonOpt;
import dev.basalt.component.model.Component;
import dev.basalt.component.model.CoreInstance;
import dev.basalt.component.model.CoreType;
import dev.basalt.component.model.Decl;
import dev.basalt.component.model.Export;
import dev.basalt.component.model.ExternName;
import dev.basalt.component.model.ExternType;
import dev.basalt.component.model.Instance;
import dev.basalt.component.model.Section;
import dev.basalt.component.model.Sort;
import dev.basalt.component.model.TypeDef;
import dev.basalt.component.model.ValType;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.function.BiConsumer;

/**
 * Encodes a {@link Component} model as a component binary (Binary.md), section by section in model order, so
 * that {@code ComponentBinaryReader.read(write(c))} equals {@code c}. Encodings are the canonical ones
 * (minimal LEB128), except for embedded core modules and core rec groups, which are written as kept.
 */
public final class ComponentBinaryWriter {
    private ComponentBinaryWriter() {
    }

    public static byte[] write(Component component) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        component(out, component);
        return out.toByteArray();
    }

    private static void component(ByteArrayOutputStream out, Component component) {
        out.writeBytes(new byte[] {0, 'a', 's', 'm', 0x0d, 0, 1, 0});
        for (Section s : component.sections()) {
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            section(body, s);
            out.write(s.id());
            Leb.writeU32(out, body.size());
            out.writeBytes(body.toByteArray());
        }
    }

    private static void section(ByteArrayOutputStream out, Section section) {
        switch (section) {
            case Section.Custom c -> {
                name(out, c.name());
                out.writeBytes(c.data());
            }
            case Section.CoreModuleSection m -> out.writeBytes(m.module().bytes());
            case Section.CoreInstances s -> vec(out, s.instances(), ComponentBinaryWriter::coreInstance);
            case Section.CoreTypes s -> vec(out, s.types(), ComponentBinaryWriter::coreType);
            case Section.Components s -> component(out, s.component());
            case Section.Instances s -> vec(out, s.instances(), ComponentBinaryWriter::instance);
            case Section.Aliases s -> vec(out, s.aliases(), ComponentBinaryWriter::alias);
            case Section.Types s -> vec(out, s.types(), ComponentBinaryWriter::typeDef);
            case Section.Canons s -> vec(out, s.canons(), ComponentBinaryWriter::canon);
            case Section.StartSection s -> {
                Leb.writeU32(out, s.start().func());
                vec(out, s.start().args(), (o, a) -> Leb.writeU32(o, a));
                Leb.writeU32(out, s.start().results());
            }
            case Section.Imports s -> vec(out, s.imports(), (o, i) -> {
                externName(o, i.name());
                externType(o, i.type());
            });
            case Section.Exports s -> vec(out, s.exports(), ComponentBinaryWriter::export);
            case Section.Values s -> vec(out, s.values(), (o, v) -> {
                valType(o, v.type());
                Leb.writeU32(o, v.encoded().length);
                o.writeBytes(v.encoded());
            });
        }
    }

    private static void coreInstance(ByteArrayOutputStream out, CoreInstance instance) {
        switch (instance) {
            case CoreInstance.Instantiate i -> {
                out.write(0x00);
                Leb.writeU32(out, i.module());
                vec(out, i.args(), (o, a) -> {
                    name(o, a.name());
                    o.write(0x12);
                    Leb.writeU32(o, a.instance());
                });
            }
            case CoreInstance.FromExports e -> {
                out.write(0x01);
                vec(out, e.exports(), (o, x) -> {
                    name(o, x.name());
                    coreSort(o, x.sort());
                    Leb.writeU32(o, x.index());
                });
            }
        }
    }

    private static void instance(ByteArrayOutputStream out, Instance instance) {
        switch (instance) {
            case Instance.Instantiate i -> {
                out.write(0x00);
                Leb.writeU32(out, i.component());
                vec(out, i.args(), (o, a) -> {
                    name(o, a.name());
                    sort(o, a.sort());
                    Leb.writeU32(o, a.index());
                });
            }
            case Instance.FromExports e -> {
                out.write(0x01);
                vec(out, e.exports(), (o, x) -> {
                    externName(o, x.name());
                    sort(o, x.sort());
                    Leb.writeU32(o, x.index());
                });
            }
        }
    }

    private static void coreSort(ByteArrayOutputStream out, Sort sort) {
        out.write(switch (sort) {
            case CORE_FUNC -> 0x00;
            case CORE_TABLE -> 0x01;
            case CORE_MEMORY -> 0x02;
            case CORE_GLOBAL -> 0x03;
            case CORE_TAG -> 0x04;
            case CORE_TYPE -> 0x10;
            case CORE_MODULE -> 0x11;
            case CORE_INSTANCE -> 0x12;
            default -> throw new IllegalArgumentException("not a core sort: " + sort);
        });
    }

    private static void sort(ByteArrayOutputStream out, Sort sort) {
        if (sort.isCore()) {
            out.write(0x00);
            coreSort(out, sort);
            return;
        }
        out.write(switch (sort) {
            case FUNC -> 0x01;
            case VALUE -> 0x02;
            case TYPE -> 0x03;
            case COMPONENT -> 0x04;
            case INSTANCE -> 0x05;
            default -> throw new IllegalStateException("core sorts handled above: " + sort);
        });
    }

    private static void alias(ByteArrayOutputStream out, Alias alias) {
        sort(out, alias.sort());
        switch (alias) {
            case Alias.InstanceExport a -> {
                out.write(0x00);
                Leb.writeU32(out, a.instance());
                name(out, a.name());
            }
            case Alias.CoreInstanceExport a -> {
                out.write(0x01);
                Leb.writeU32(out, a.instance());
                name(out, a.name());
            }
            case Alias.Outer a -> {
                out.write(0x02);
                Leb.writeU32(out, a.count());
                Leb.writeU32(out, a.index());
            }
        }
    }

    private static void valType(ByteArrayOutputStream out, ValType type) {
        switch (type) {
            case ValType.Primitive p -> out.write(p.type().code());
            case ValType.Indexed i -> Leb.writeS33(out, i.index() & 0xFFFF_FFFFL);
        }
    }

    private static void optionalValType(ByteArrayOutputStream out, Optional<ValType> type) {
        if (type.isPresent()) {
            out.write(0x01);
            valType(out, type.get());
        } else {
            out.write(0x00);
        }
    }

    private static void resultList(ByteArrayOutputStream out, Optional<ValType> result) {
        if (result.isPresent()) {
            out.write(0x00);
            valType(out, result.get());
        } else {
            out.write(0x01);
            out.write(0x00);
        }
    }

    private static void typeDef(ByteArrayOutputStream out, TypeDef type) {
        switch (type) {
            case TypeDef.Prim p -> out.write(p.type().code());
            case TypeDef.Record r -> {
                out.write(0x72);
                vec(out, r.fields(), (o, f) -> {
                    name(o, f.name());
                    valType(o, f.type());
                });
            }
            case TypeDef.Variant v -> {
                out.write(0x71);
                vec(out, v.cases(), (o, c) -> {
                    name(o, c.name());
                    optionalValType(o, c.type());
                    o.write(0x00);
                });
            }
            case TypeDef.ListOf l -> {
                out.write(l.length().isPresent() ? 0x67 : 0x70);
                valType(out, l.element());
                if (l.length().isPresent()) {
                    Leb.writeU32(out, l.length().getAsInt());
                }
            }
            case TypeDef.Tuple t -> {
                out.write(0x6f);
                vec(out, t.types(), ComponentBinaryWriter::valType);
            }
            case TypeDef.Flags f -> {
                out.write(0x6e);
                vec(out, f.labels(), ComponentBinaryWriter::name);
            }
            case TypeDef.Enum e -> {
                out.write(0x6d);
                vec(out, e.labels(), ComponentBinaryWriter::name);
            }
            case TypeDef.OptionOf o -> {
                out.write(0x6b);
                valType(out, o.type());
            }
            case TypeDef.ResultOf r -> {
                out.write(0x6a);
                optionalValType(out, r.ok());
                optionalValType(out, r.error());
            }
            case TypeDef.Own o -> {
                out.write(0x69);
                Leb.writeU32(out, o.resource());
            }
            case TypeDef.Borrow b -> {
                out.write(0x68);
                Leb.writeU32(out, b.resource());
            }
            case TypeDef.StreamOf s -> {
                out.write(0x66);
                optionalValType(out, s.element());
            }
            case TypeDef.FutureOf f -> {
                out.write(0x65);
                optionalValType(out, f.element());
            }
            case TypeDef.MapOf m -> {
                out.write(0x63);
                valType(out, m.key());
                valType(out, m.value());
            }
            case TypeDef.Func f -> {
                out.write(f.async() ? 0x43 : 0x40);
                vec(out, f.params(), (o, p) -> {
                    name(o, p.name());
                    valType(o, p.type());
                });
                resultList(out, f.result());
            }
            case TypeDef.ComponentType c -> {
                out.write(0x41);
                vec(out, c.decls(), ComponentBinaryWriter::decl);
            }
            case TypeDef.InstanceType i -> {
                out.write(0x42);
                vec(out, i.decls(), ComponentBinaryWriter::decl);
            }
            case TypeDef.Resource r -> {
                out.write(0x3f);
                out.write(r.rep());
                if (r.destructor().isPresent()) {
                    out.write(0x01);
                    Leb.writeU32(out, r.destructor().getAsInt());
                } else {
                    out.write(0x00);
                }
            }
        }
    }

    private static void decl(ByteArrayOutputStream out, Decl decl) {
        switch (decl) {
            case Decl.CoreTypeDecl d -> {
                out.write(0x00);
                coreType(out, d.type());
            }
            case Decl.TypeDecl d -> {
                out.write(0x01);
                typeDef(out, d.type());
            }
            case Decl.AliasDecl d -> {
                out.write(0x02);
                alias(out, d.alias());
            }
            case Decl.ImportDecl d -> {
                out.write(0x03);
                externName(out, d.name());
                externType(out, d.type());
            }
            case Decl.ExportDecl d -> {
                out.write(0x04);
                externName(out, d.name());
                externType(out, d.type());
            }
        }
    }

    private static void externType(ByteArrayOutputStream out, ExternType type) {
        switch (type) {
            case ExternType.CoreModule m -> {
                out.write(0x00);
                out.write(0x11);
                Leb.writeU32(out, m.type());
            }
            case ExternType.Func f -> {
                out.write(0x01);
                Leb.writeU32(out, f.type());
            }
            case ExternType.Value v -> {
                out.write(0x02);
                out.write(0x01);
                valType(out, v.type());
            }
            case ExternType.ValueEq v -> {
                out.write(0x02);
                out.write(0x00);
                Leb.writeU32(out, v.value());
            }
            case ExternType.Type t -> {
                out.write(0x03);
                if (t.subResource()) {
                    out.write(0x01);
                } else {
                    out.write(0x00);
                    Leb.writeU32(out, t.eqIndex());
                }
            }
            case ExternType.ComponentT c -> {
                out.write(0x04);
                Leb.writeU32(out, c.type());
            }
            case ExternType.InstanceT i -> {
                out.write(0x05);
                Leb.writeU32(out, i.type());
            }
        }
    }

    private static void coreType(ByteArrayOutputStream out, CoreType type) {
        switch (type) {
            case CoreType.Rec r -> out.writeBytes(r.encoding());
            case CoreType.ModuleType m -> {
                out.write(0x50);
                vec(out, m.decls(), ComponentBinaryWriter::moduleDecl);
            }
        }
    }

    private static void moduleDecl(ByteArrayOutputStream out, CoreType.ModuleDecl decl) {
        switch (decl) {
            case CoreType.ImportDecl i -> {
                out.write(0x00);
                name(out, i.module());
                name(out, i.name());
                out.write(i.type().kind());
                out.writeBytes(i.type().descriptor());
            }
            case CoreType.TypeDecl t -> {
                out.write(0x01);
                coreType(out, t.type());
            }
            case CoreType.OuterTypeAlias a -> {
                out.write(0x02);
                out.write(0x10);
                out.write(0x01);
                Leb.writeU32(out, a.count());
                Leb.writeU32(out, a.index());
            }
            case CoreType.ExportDecl e -> {
                out.write(0x03);
                name(out, e.name());
                out.write(e.type().kind());
                out.writeBytes(e.type().descriptor());
            }
        }
    }

    private static void canon(ByteArrayOutputStream out, Canon canon) {
        switch (canon) {
            case Canon.Lift l -> {
                out.write(0x00);
                out.write(0x00);
                Leb.writeU32(out, l.coreFunc());
                options(out, l.options());
                Leb.writeU32(out, l.type());
            }
            case Canon.Lower l -> {
                out.write(0x01);
                out.write(0x00);
                Leb.writeU32(out, l.func());
                options(out, l.options());
            }
            case Canon.ResourceNew r -> {
                out.write(0x02);
                Leb.writeU32(out, r.resource());
            }
            case Canon.ResourceDrop r -> {
                out.write(0x03);
                Leb.writeU32(out, r.resource());
            }
            case Canon.ResourceRep r -> {
                out.write(0x04);
                Leb.writeU32(out, r.resource());
            }
            case Canon.Builtin b -> builtin(out, b);
        }
    }

    /** The immediates in the order {@code ComponentBinaryReader} keeps them, per opcode. */
    private static void builtin(ByteArrayOutputStream out, Canon.Builtin b) {
        out.write(b.opcode());
        List<Integer> imm = b.immediates();
        switch (b.opcode()) {
            case 0x09 -> {
                out.write(imm.get(0));
                if (imm.get(0) == 0x00) {
                    int code = imm.get(1);
                    Leb.writeS33(out, code < 0 ? code : code & 0xFFFF_FFFFL);
                } else {
                    out.write(0x00);
                }
                options(out, b.options());
            }
            case 0x0a, 0x0b -> {
                out.write(imm.get(0));
                Leb.writeU32(out, imm.get(1));
            }
            case 0x06, 0x0c, 0x29, 0x2a, 0x2b, 0x2c, 0x2d, 0x42 -> out.write(imm.get(0));
            case 0x11, 0x12, 0x18, 0x19 -> {
                Leb.writeU32(out, imm.get(0));
                out.write(imm.get(1));
            }
            case 0x20, 0x21, 0x40 -> {
                out.write(imm.get(0));
                Leb.writeU32(out, imm.get(1));
            }
            case 0x41 -> {
                out.write(imm.get(0));
                Leb.writeU32(out, imm.get(1));
                Leb.writeU32(out, imm.get(2));
            }
            default -> {
                for (int i : imm) {
                    Leb.writeU32(out, i);
                }
                if (hasOptions(b.opcode())) {
                    options(out, b.options());
                }
            }
        }
    }

    private static boolean hasOptions(int opcode) {
        return switch (opcode) {
            case 0x0f, 0x10, 0x16, 0x17, 0x1c, 0x1d -> true;
            default -> false;
        };
    }

    private static void options(ByteArrayOutputStream out, List<CanonOpt> options) {
        vec(out, options, (o, opt) -> {
            switch (opt) {
                case CanonOpt.StringEncoding e -> o.write(e.ordinal());
                case CanonOpt.Memory m -> {
                    o.write(0x03);
                    Leb.writeU32(o, m.memory());
                }
                case CanonOpt.Realloc r -> {
                    o.write(0x04);
                    Leb.writeU32(o, r.func());
                }
                case CanonOpt.PostReturn p -> {
                    o.write(0x05);
                    Leb.writeU32(o, p.func());
                }
                case CanonOpt.Async a -> o.write(0x06);
                case CanonOpt.Callback c -> {
                    o.write(0x07);
                    Leb.writeU32(o, c.func());
                }
            }
        });
    }

    private static void export(ByteArrayOutputStream out, Export export) {
        externName(out, export.name());
        sort(out, export.sort());
        Leb.writeU32(out, export.index());
        if (export.type().isPresent()) {
            out.write(0x01);
            externType(out, export.type().get());
        } else {
            out.write(0x00);
        }
    }

    private static void externName(ByteArrayOutputStream out, ExternName name) {
        int form = name.form() == 0x02 || !name.attributes().isEmpty() ? 0x02 : name.form();
        out.write(form);
        name(out, name.name());
        if (form == 0x02) {
            vec(out, name.attributes(), (o, a) -> {
                o.write(a.kind().ordinal());
                name(o, a.value());
            });
        }
    }

    private static void name(ByteArrayOutputStream out, String name) {
        byte[] utf8 = name.getBytes(StandardCharsets.UTF_8);
        Leb.writeU32(out, utf8.length);
        out.writeBytes(utf8);
    }

    private static <T> void vec(ByteArrayOutputStream out, List<T> items, BiConsumer<ByteArrayOutputStream, T> each) {
        Leb.writeU32(out, items.size());
        for (T item : items) {
            each.accept(out, item);
        }
    }
}
