package dev.basalt.component.binary;

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
import dev.basalt.component.model.Start;
import dev.basalt.component.model.TypeDef;
import dev.basalt.component.model.ValType;
import dev.basalt.wasm.MalformedException;
import dev.basalt.wasm.RecGroup;
import dev.basalt.wasm.WasmModule;
import dev.basalt.wasm.binary.BinaryReader;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Supplier;

/**
 * Decodes a component binary (Binary.md) into the immutable {@link Component} model.
 *
 * <p>Only the binary structure is checked here (the grammar, LEB128 ranges, UTF-8, section bounds); index
 * bounds, type rules and name rules are the validator's. Every failure is a {@link MalformedException} whose
 * reason starts with the wording of the component-model testsuite (which is wasm-tools'): "unexpected
 * end-of-file", "malformed section id", "invalid leading byte (0x..) for ...", "integer too large",
 * "malformed UTF-8 encoding". Vector counts are never used to allocate up front: every element takes at least
 * one byte, so a count is checked against what remains of its section first.
 *
 * {@snippet :
 * Component c = ComponentBinaryReader.read(Files.readAllBytes(Path.of("app.wasm")));
 * }
 */
public final class ComponentBinaryReader {
    /** How deep nested components and component/instance/module types may go before we refuse. */
    static final int MAX_NESTING = 100;

    static final String EOF = "unexpected end-of-file";

    private ComponentBinaryReader() {
    }

    /** Decodes a whole component binary: preamble, then sections. */
    public static Component read(byte[] bytes) {
        Cursor in = new Cursor(bytes, 0, bytes.length);
        return component(in, 0);
    }

    /** Decodes the bytes of a core module as a component embeds it. */
    public static CoreModule coreModule(byte[] bytes) {
        return coreModule(bytes, 0);
    }

    private static CoreModule coreModule(byte[] bytes, long offset) {
        if (bytes.length >= 8 && bytes[0] == 0 && bytes[1] == 'a' && bytes[2] == 's' && bytes[3] == 'm'
                && bytes[6] == 1 && bytes[7] == 0) {
            throw new MalformedException("expected a version header for a module", offset + 4);
        }
        WasmModule module;
        try {
            module = BinaryReader.read(bytes);
        } catch (MalformedException e) {
            // inside a component the component suite's wording (wasm-tools') comes first: it says "section out of
            // order" where the core spec says "unexpected content after last section"
            String reason = e.reason().startsWith("unexpected content after last section")
                    ? "section out of order (" + e.reason() + ")" : e.reason();
            throw new MalformedException(reason, e.offset() < 0 ? -1 : offset + e.offset());
        }
        return new CoreModule(bytes, module);
    }

    private static Component component(Cursor in, int depth) {
        if (depth > MAX_NESTING) {
            throw in.error("component nesting too deep");
        }
        preamble(in);
        List<Section> sections = new ArrayList<>();
        while (!in.atEnd()) {
            int idPos = in.pos;
            int id = in.u8();
            if (id > 12) {
                throw in.errorAt(idPos, "malformed section id");
            }
            int size = in.length();
            Cursor s = in.slice(size);
            sections.add(section(id, s, depth));
            if (!s.atEnd()) {
                throw s.error("unexpected content in the section: section size mismatch");
            }
        }
        return new Component(sections);
    }

    private static void preamble(Cursor in) {
        int start = in.pos;
        byte[] magic = {0, 'a', 's', 'm'};
        for (byte b : magic) {
            if (in.u8() != (b & 0xFF)) {
                throw in.errorAt(start, "magic header not detected");
            }
        }
        int version = in.u8() | in.u8() << 8;
        int layer = in.u8() | in.u8() << 8;
        if (layer == 0 && version == 1) {
            throw in.errorAt(start + 4, "expected a version header for a component");
        }
        if (version != 0x0d) {
            throw in.errorAt(start + 4, "unknown binary version: 0x" + Integer.toHexString(version));
        }
        if (layer != 1) {
            throw in.errorAt(start + 6, "unknown binary layer: 0x" + Integer.toHexString(layer));
        }
    }

    private static Section section(int id, Cursor in, int depth) {
        return switch (id) {
            case 0 -> {
                String name = in.name();
                yield new Section.Custom(name, in.bytes(in.remaining()));
            }
            case 1 -> {
                long offset = in.offset();
                yield new Section.CoreModuleSection(coreModule(in.bytes(in.remaining()), offset));
            }
            case 2 -> new Section.CoreInstances(in.vec(() -> coreInstance(in)));
            case 3 -> new Section.CoreTypes(in.vec(() -> coreType(in, depth)));
            case 4 -> new Section.Components(component(in.slice(in.remaining()), depth + 1));
            case 5 -> new Section.Instances(in.vec(() -> instance(in)));
            case 6 -> new Section.Aliases(in.vec(() -> alias(in)));
            case 7 -> new Section.Types(in.vec(() -> typeDef(in, depth)));
            case 8 -> new Section.Canons(in.vec(() -> canon(in)));
            case 9 -> {
                int func = in.u32();
                List<Integer> args = in.vec(in::u32);
                yield new Section.StartSection(new Start(func, args, in.u32()));
            }
            case 10 -> new Section.Imports(in.vec(() -> new Import(externName(in), externType(in))));
            case 11 -> new Section.Exports(in.vec(() -> export(in)));
            case 12 -> new Section.Values(in.vec(() -> {
                ValType t = valType(in);
                return new Section.ValueDef(t, in.bytes(in.length()));
            }));
            default -> throw new IllegalStateException("section id checked by the caller: " + id);
        };
    }

    // ---- instances ----

    private static CoreInstance coreInstance(Cursor in) {
        int pos = in.pos;
        return switch (in.u8()) {
            case 0x00 -> {
                int module = in.u32();
                yield new CoreInstance.Instantiate(module, in.vec(() -> {
                    String name = in.name();
                    int kindPos = in.pos;
                    int kind = in.u8();
                    if (kind != 0x12) {
                        throw in.errorAt(kindPos, invalidLeading(kind, "instantiation arg kind"));
                    }
                    return new CoreInstance.Arg(name, in.u32());
                }));
            }
            case 0x01 -> new CoreInstance.FromExports(in.vec(() -> {
                String name = in.name();
                Sort sort = coreSort(in);
                return new CoreInstance.InlineExport(name, sort, in.u32());
            }));
            default -> throw in.errorAt(pos, invalidLeading(in.byteAt(pos), "core instance"));
        };
    }

    private static Instance instance(Cursor in) {
        int pos = in.pos;
        return switch (in.u8()) {
            case 0x00 -> {
                int component = in.u32();
                yield new Instance.Instantiate(component, in.vec(() -> {
                    String name = in.name();
                    Sort sort = sort(in);
                    return new Instance.Arg(name, sort, in.u32());
                }));
            }
            case 0x01 -> new Instance.FromExports(in.vec(() -> {
                ExternName name = externName(in);
                Sort sort = sort(in);
                return new Instance.InlineExport(name, sort, in.u32());
            }));
            default -> throw in.errorAt(pos, invalidLeading(in.byteAt(pos), "instance"));
        };
    }

    private static Sort coreSort(Cursor in) {
        int pos = in.pos;
        int b = in.u8();
        return switch (b) {
            case 0x00 -> Sort.CORE_FUNC;
            case 0x01 -> Sort.CORE_TABLE;
            case 0x02 -> Sort.CORE_MEMORY;
            case 0x03 -> Sort.CORE_GLOBAL;
            case 0x04 -> Sort.CORE_TAG;
            case 0x10 -> Sort.CORE_TYPE;
            case 0x11 -> Sort.CORE_MODULE;
            case 0x12 -> Sort.CORE_INSTANCE;
            default -> throw in.errorAt(pos, invalidLeading(b, "core external kind"));
        };
    }

    private static Sort sort(Cursor in) {
        int pos = in.pos;
        int b = in.u8();
        return switch (b) {
            case 0x00 -> coreSort(in);
            case 0x01 -> Sort.FUNC;
            case 0x02 -> Sort.VALUE;
            case 0x03 -> Sort.TYPE;
            case 0x04 -> Sort.COMPONENT;
            case 0x05 -> Sort.INSTANCE;
            default -> throw in.errorAt(pos, invalidLeading(b, "component external kind"));
        };
    }

    // ---- aliases ----

    /**
     * {@code alias}. The sort is read as raw bytes first: for an outer alias (target 0x02) only core type, core
     * module, type and component are allowed, and wasm-tools reports any other sort byte as an invalid "component
     * outer alias kind" rather than an invalid sort.
     */
    private static Alias alias(Cursor in) {
        int sortPos = in.pos;
        int first = in.u8();
        int second = first == 0x00 ? in.u8() : -1;
        int pos = in.pos;
        int target = in.u8();
        if (target == 0x02) {
            Sort sort = switch (first) {
                case 0x00 -> switch (second) {
                    case 0x10 -> Sort.CORE_TYPE;
                    case 0x11 -> Sort.CORE_MODULE;
                    default -> throw in.errorAt(sortPos + 1, invalidLeading(second, "component outer alias kind"));
                };
                case 0x03 -> Sort.TYPE;
                case 0x04 -> Sort.COMPONENT;
                default -> throw in.errorAt(sortPos, invalidLeading(first, "component outer alias kind"));
            };
            return new Alias.Outer(sort, in.u32(), in.u32());
        }
        Sort sort = new Cursor(in.copy(sortPos, pos), 0, pos - sortPos).sortAt(sortPos);
        return switch (target) {
            case 0x00 -> new Alias.InstanceExport(sort, in.u32(), in.name());
            case 0x01 -> new Alias.CoreInstanceExport(sort, in.u32(), in.name());
            default -> throw in.errorAt(pos, invalidLeading(target, "alias"));
        };
    }

    // ---- types ----

    private static ValType valType(Cursor in) {
        int pos = in.pos;
        long v = in.s33();
        if (v >= 0) {
            return new ValType.Indexed((int) v);
        }
        int code = (int) (v & 0x7F);
        PrimValType p = PrimValType.ofCode(code);
        if (p == null) {
            throw in.errorAt(pos, invalidLeading(code, "component value type"));
        }
        return new ValType.Primitive(p);
    }

    private static Optional<ValType> optionalValType(Cursor in) {
        return in.bool()
                ? Optional.of(valType(in)) : Optional.empty();
    }

    private static TypeDef typeDef(Cursor in, int depth) {
        int pos = in.pos;
        int b = in.u8();
        PrimValType prim = PrimValType.ofCode(b);
        if (prim != null) {
            return new TypeDef.Prim(prim);
        }
        return switch (b) {
            case 0x72 -> new TypeDef.Record(in.vec(() -> new TypeDef.Field(in.name(), valType(in))));
            case 0x71 -> new TypeDef.Variant(in.vec(() -> {
                String name = in.name();
                Optional<ValType> t = optionalValType(in);
                int zeroPos = in.pos;
                int zero = in.u8();
                if (zero != 0) {
                    throw in.errorAt(zeroPos, invalidLeading(zero, "zero byte required"));
                }
                return new TypeDef.Case(name, t);
            }));
            case 0x70 -> new TypeDef.ListOf(valType(in), OptionalInt.empty());
            case 0x67 -> {
                ValType t = valType(in);
                yield new TypeDef.ListOf(t, OptionalInt.of(in.u32()));
            }
            case 0x6f -> new TypeDef.Tuple(in.vec(() -> valType(in)));
            case 0x6e -> new TypeDef.Flags(in.vec(in::name));
            case 0x6d -> new TypeDef.Enum(in.vec(in::name));
            case 0x6b -> new TypeDef.OptionOf(valType(in));
            case 0x6a -> {
                Optional<ValType> ok = optionalValType(in);
                yield new TypeDef.ResultOf(ok, optionalValType(in));
            }
            case 0x69 -> new TypeDef.Own(in.u32());
            case 0x68 -> new TypeDef.Borrow(in.u32());
            case 0x66 -> new TypeDef.StreamOf(optionalValType(in));
            case 0x65 -> new TypeDef.FutureOf(optionalValType(in));
            case 0x63 -> {
                ValType k = valType(in);
                yield new TypeDef.MapOf(k, valType(in));
            }
            case 0x40, 0x43 -> {
                List<TypeDef.Param> params = in.vec(() -> new TypeDef.Param(in.name(), valType(in)));
                int rpos = in.pos;
                int r = in.u8();
                Optional<ValType> result = switch (r) {
                    case 0x00 -> Optional.of(valType(in));
                    case 0x01 -> {
                        int zeroPos = in.pos;
                        int zero = in.u8();
                        if (zero != 0) {
                            throw in.errorAt(zeroPos, invalidLeading(zero, "number of results"));
                        }
                        yield Optional.empty();
                    }
                    default -> throw in.errorAt(rpos, invalidLeading(r, "component function results"));
                };
                yield new TypeDef.Func(b == 0x43, params, result);
            }
            case 0x41 -> {
                checkDepth(in, depth + 1);
                yield new TypeDef.ComponentType(in.vec(() -> decl(in, depth + 1, true)));
            }
            case 0x42 -> {
                checkDepth(in, depth + 1);
                yield new TypeDef.InstanceType(in.vec(() -> decl(in, depth + 1, false)));
            }
            case 0x3f -> {
                int rep = in.u8();
                OptionalInt dtor = in.bool() ? OptionalInt.of(in.u32())
                        : OptionalInt.empty();
                yield new TypeDef.Resource(rep, dtor);
            }
            default -> throw in.errorAt(pos, invalidLeading(b, "component defined type"));
        };
    }

    private static void checkDepth(Cursor in, int depth) {
        if (depth > MAX_NESTING) {
            throw in.error("type nesting too deep");
        }
    }

    private static Decl decl(Cursor in, int depth, boolean component) {
        int pos = in.pos;
        int b = in.u8();
        return switch (b) {
            case 0x00 -> new Decl.CoreTypeDecl(coreType(in, depth));
            case 0x01 -> new Decl.TypeDecl(typeDef(in, depth));
            case 0x02 -> new Decl.AliasDecl(alias(in));
            case 0x03 -> {
                if (!component) {
                    throw in.errorAt(pos, invalidLeading(b, "component or instance type declaration"));
                }
                yield new Decl.ImportDecl(externName(in), externType(in));
            }
            case 0x04 -> new Decl.ExportDecl(externName(in), externType(in));
            default -> throw in.errorAt(pos, invalidLeading(b, "component or instance type declaration"));
        };
    }

    private static ExternType externType(Cursor in) {
        int pos = in.pos;
        int b = in.u8();
        return switch (b) {
            case 0x00 -> {
                int kindPos = in.pos;
                int k = in.u8();
                if (k != 0x11) {
                    throw in.errorAt(kindPos, invalidLeading(k, "component external kind"));
                }
                yield new ExternType.CoreModule(in.u32());
            }
            case 0x01 -> new ExternType.Func(in.u32());
            case 0x02 -> {
                int bpos = in.pos;
                int bound = in.u8();
                yield switch (bound) {
                    case 0x00 -> new ExternType.ValueEq(in.u32());
                    case 0x01 -> new ExternType.Value(valType(in));
                    default -> throw in.errorAt(bpos, invalidLeading(bound, "value bound"));
                };
            }
            case 0x03 -> {
                int bpos = in.pos;
                int bound = in.u8();
                yield switch (bound) {
                    case 0x00 -> new ExternType.Type(false, in.u32());
                    case 0x01 -> new ExternType.Type(true, 0);
                    default -> throw in.errorAt(bpos, invalidLeading(bound, "type bound"));
                };
            }
            case 0x04 -> new ExternType.ComponentT(in.u32());
            case 0x05 -> new ExternType.InstanceT(in.u32());
            default -> throw in.errorAt(pos, invalidLeading(b, "component external kind"));
        };
    }

    // ---- core types ----

    private static CoreType coreType(Cursor in, int depth) {
        int pos = in.pos;
        int b = in.peekByte();
        if (b == 0x50) {
            in.u8();
            checkDepth(in, depth + 1);
            return new CoreType.ModuleType(in.vec(() -> moduleDecl(in, depth + 1)));
        }
        return recType(in, pos);
    }

    private static CoreType.ModuleDecl moduleDecl(Cursor in, int depth) {
        int pos = in.pos;
        int b = in.u8();
        return switch (b) {
            case 0x00 -> {
                String module = in.name();
                String name = in.name();
                yield new CoreType.ImportDecl(module, name, coreExternType(in));
            }
            // a nested module type is well-formed here; validation rejects it
            case 0x01 -> new CoreType.TypeDecl(coreType(in, depth));
            case 0x02 -> {
                int kpos = in.pos;
                int kind = in.u8();
                if (kind != 0x10) {
                    throw in.errorAt(kpos, invalidLeading(kind, "outer alias kind"));
                }
                int tpos = in.pos;
                int target = in.u8();
                if (target != 0x01) {
                    throw in.errorAt(tpos, invalidLeading(target, "outer alias target"));
                }
                yield new CoreType.OuterTypeAlias(in.u32(), in.u32());
            }
            case 0x03 -> new CoreType.ExportDecl(in.name(), coreExternType(in));
            default -> throw in.errorAt(pos, invalidLeading(b, "type definition"));
        };
    }

    /** {@code core:externtype}: the kind byte and its descriptor, kept as encoded after checking its shape. */
    private static CoreType.CoreExternType coreExternType(Cursor in) {
        int pos = in.pos;
        int kind = in.u8();
        int start = in.pos;
        switch (kind) {
            case 0x00 -> in.u32();
            case 0x01 -> {
                CoreTypes.skipRefType(in);
                CoreTypes.skipLimits(in);
            }
            case 0x02 -> CoreTypes.skipLimits(in);
            case 0x03 -> {
                CoreTypes.skipValType(in);
                CoreTypes.skipMutability(in);
            }
            case 0x04 -> {
                int attr = in.u8();
                if (attr != 0) {
                    throw in.errorAt(start, invalidLeading(attr, "tag attribute"));
                }
                in.u32();
            }
            default -> throw in.errorAt(pos, invalidLeading(kind, "external kind"));
        }
        return new CoreType.CoreExternType(kind, in.copy(start, in.pos));
    }

    /**
     * A core rec group, delimited with {@link CoreTypes} and decoded by the core reader from a one-type module
     * (after rewriting the component-only {@code 0x00 0x50} prefix of a non-final sub type to {@code 0x50}).
     */
    private static CoreType.Rec recType(Cursor in, int pos) {
        boolean prefixed = in.peekByte() == 0x00;
        if (prefixed) {
            in.u8();
            int sub = in.peekByte();
            if (sub != 0x50) {
                throw in.errorAt(pos + 1, invalidLeading(sub, "non-final sub type"));
            }
        }
        int start = in.pos;
        CoreTypes.skipRecType(in);
        byte[] encoding = in.copy(pos, in.pos);
        byte[] coreEncoding = in.copy(start, in.pos);
        ByteArrayOutputStream module = new ByteArrayOutputStream();
        module.writeBytes(new byte[] {0, 'a', 's', 'm', 1, 0, 0, 0, 1});
        byte[] payload = new byte[coreEncoding.length + 1];
        payload[0] = 1;
        System.arraycopy(coreEncoding, 0, payload, 1, coreEncoding.length);
        Leb.writeU32(module, payload.length);
        module.writeBytes(payload);
        RecGroup group;
        try {
            List<RecGroup> groups = BinaryReader.read(module.toByteArray()).recGroups();
            if (groups.size() != 1) {
                throw in.errorAt(pos, "malformed core type");
            }
            group = groups.getFirst();
        } catch (MalformedException e) {
            throw in.errorAt(pos, e.reason());
        }
        return new CoreType.Rec(group, encoding);
    }

    // ---- canonical functions ----

    private static Canon canon(Cursor in) {
        int pos = in.pos;
        int op = in.u8();
        return switch (op) {
            case 0x00 -> {
                int zpos = in.pos;
                int z = in.u8();
                if (z != 0x00) {
                    throw in.errorAt(zpos, invalidLeading(z, "canonical function lift"));
                }
                int f = in.u32();
                List<CanonOpt> opts = canonOpts(in);
                yield new Canon.Lift(f, opts, in.u32());
            }
            case 0x01 -> {
                int zpos = in.pos;
                int z = in.u8();
                if (z != 0x00) {
                    throw in.errorAt(zpos, invalidLeading(z, "canonical function lower"));
                }
                int f = in.u32();
                yield new Canon.Lower(f, canonOpts(in));
            }
            case 0x02 -> new Canon.ResourceNew(in.u32());
            case 0x03 -> new Canon.ResourceDrop(in.u32());
            case 0x04 -> new Canon.ResourceRep(in.u32());
            // 🔀 📝 🧵 built-ins without immediates
            case 0x05, 0x0d, 0x1e, 0x1f, 0x22, 0x23, 0x24, 0x25, 0x26, 0x28 ->
                    new Canon.Builtin(op, List.of(), List.of());
            // one type index
            case 0x0e, 0x13, 0x14, 0x15, 0x1a, 0x1b -> new Canon.Builtin(op, List.of(in.u32()), List.of());
            // a type index and options
            case 0x0f, 0x10, 0x16, 0x17 -> {
                int t = in.u32();
                yield new Canon.Builtin(op, List.of(t), canonOpts(in));
            }
            // a type index and the async? flag
            case 0x11, 0x12, 0x18, 0x19 -> {
                int t = in.u32();
                yield new Canon.Builtin(op, List.of(t, in.bool() ? 1 : 0), List.of());
            }
            // the async? or cancel? flag alone
            case 0x06, 0x0c, 0x29, 0x2a, 0x2b, 0x2c, 0x2d ->
                    new Canon.Builtin(op, List.of(in.bool() ? 1 : 0), List.of());
            // cancel? and a memory index
            case 0x20, 0x21 -> {
                int c = in.bool() ? 1 : 0;
                yield new Canon.Builtin(op, List.of(c, in.u32()), List.of());
            }
            // task.return: result list and options
            case 0x09 -> {
                int rpos = in.pos;
                int r = in.u8();
                List<Integer> imm = new ArrayList<>();
                imm.add(r);
                switch (r) {
                    case 0x00 -> imm.add(valTypeCode(in));
                    case 0x01 -> {
                        int zpos = in.pos;
                        int z = in.u8();
                        if (z != 0) {
                            throw in.errorAt(zpos, invalidLeading(z, "number of results"));
                        }
                    }
                    default -> throw in.errorAt(rpos, invalidLeading(r, "component function results"));
                }
                yield new Canon.Builtin(op, imm, canonOpts(in));
            }
            // context.get/set: core value type byte and a slot
            case 0x0a, 0x0b -> {
                int t = in.u8();
                yield new Canon.Builtin(op, List.of(t, in.u32()), List.of());
            }
            case 0x1c, 0x1d -> new Canon.Builtin(op, List.of(), canonOpts(in));
            case 0x27 -> {
                int ft = in.u32();
                yield new Canon.Builtin(op, List.of(ft, in.u32()), List.of());
            }
            case 0x40 -> {
                int sh = in.bool() ? 1 : 0;
                yield new Canon.Builtin(op, List.of(sh, in.u32()), List.of());
            }
            case 0x41 -> {
                int sh = in.bool() ? 1 : 0;
                int ft = in.u32();
                yield new Canon.Builtin(op, List.of(sh, ft, in.u32()), List.of());
            }
            case 0x42 -> new Canon.Builtin(op, List.of(in.bool() ? 1 : 0), List.of());
            default -> throw in.errorAt(pos, invalidLeading(op, "canonical function"));
        };
    }

    /** A valtype kept as its s33 value (non-negative: a type index; negative: a primitive's code - 0x80). */
    private static int valTypeCode(Cursor in) {
        ValType t = valType(in);
        return switch (t) {
            case ValType.Indexed i -> i.index();
            case ValType.Primitive p -> p.type().code() - 0x80;
        };
    }

    private static List<CanonOpt> canonOpts(Cursor in) {
        return in.vec(() -> {
            int pos = in.pos;
            int b = in.u8();
            return switch (b) {
                case 0x00 -> CanonOpt.StringEncoding.UTF8;
                case 0x01 -> CanonOpt.StringEncoding.UTF16;
                case 0x02 -> CanonOpt.StringEncoding.LATIN1_UTF16;
                case 0x03 -> new CanonOpt.Memory(in.u32());
                case 0x04 -> new CanonOpt.Realloc(in.u32());
                case 0x05 -> new CanonOpt.PostReturn(in.u32());
                case 0x06 -> new CanonOpt.Async();
                case 0x07 -> new CanonOpt.Callback(in.u32());
                default -> throw in.errorAt(pos, invalidLeading(b, "canonical option"));
            };
        });
    }

    // ---- imports and exports ----

    private static Export export(Cursor in) {
        ExternName name = externName(in);
        Sort sort = sort(in);
        int index = in.u32();
        int pos = in.pos;
        int b = in.u8();
        Optional<ExternType> type = switch (b) {
            case 0x00 -> Optional.empty();
            case 0x01 -> Optional.of(externType(in));
            default -> throw in.errorAt(pos, invalidLeading(b, "optional component export type"));
        };
        return new Export(name, sort, index, type);
    }

    private static ExternName externName(Cursor in) {
        int pos = in.pos;
        int b = in.u8();
        return switch (b) {
            case 0x00, 0x01 -> new ExternName(in.name(), b, List.of());
            case 0x02 -> {
                String name = in.name();
                List<ExternName.Attribute> attributes = in.vec(() -> {
                    int apos = in.pos;
                    int a = in.u8();
                    return switch (a) {
                        case 0x00 -> new ExternName.Attribute(ExternName.AttributeKind.IMPLEMENTS, in.name());
                        case 0x01 -> new ExternName.Attribute(ExternName.AttributeKind.VERSION_SUFFIX, in.name());
                        case 0x02 -> new ExternName.Attribute(ExternName.AttributeKind.EXTERNAL_ID, in.name());
                        default -> throw in.errorAt(apos, invalidLeading(a, "name option"));
                    };
                });
                yield new ExternName(name, b, attributes);
            }
            default -> throw in.errorAt(pos, invalidLeading(b, "component name"));
        };
    }

    static String invalidLeading(int b, String what) {
        return "invalid leading byte (0x" + Integer.toHexString(b) + ") for " + what;
    }

    /** A bounded cursor over a byte array; every read past {@link #end} is "unexpected end-of-file". */
    static final class Cursor {
        private final byte[] bytes;
        private final int end;
        int pos;

        Cursor(byte[] bytes, int start, int end) {
            this.bytes = bytes;
            this.pos = start;
            this.end = end;
        }

        boolean atEnd() {
            return pos >= end;
        }

        int remaining() {
            return end - pos;
        }

        long offset() {
            return pos;
        }

        MalformedException error(String reason) {
            return new MalformedException(reason, pos);
        }

        MalformedException errorAt(int at, String reason) {
            return new MalformedException(reason, at);
        }

        int byteAt(int at) {
            return bytes[at] & 0xFF;
        }

        int peekByte() {
            if (pos >= end) {
                throw error(EOF);
            }
            return bytes[pos] & 0xFF;
        }

        int u8() {
            if (pos >= end) {
                throw error(EOF);
            }
            return bytes[pos++] & 0xFF;
        }

        /** A sub-cursor over the next {@code size} bytes (checked by the caller), which this cursor skips. */
        Cursor slice(int size) {
            Cursor c = new Cursor(bytes, pos, pos + size);
            pos += size;
            return c;
        }

        /** A u32 byte length or element count; more than what remains is "unexpected end-of-file". */
        int length() {
            int at = pos;
            int n = u32();
            if (Integer.compareUnsigned(n, remaining()) > 0) {
                throw errorAt(at, EOF);
            }
            return n;
        }

        byte[] bytes(int n) {
            if (Integer.compareUnsigned(n, remaining()) > 0) {
                throw error(EOF);
            }
            byte[] out = Arrays.copyOfRange(bytes, pos, pos + n);
            pos += n;
            return out;
        }

        byte[] copy(int from, int to) {
            return Arrays.copyOfRange(bytes, from, to);
        }

        int u32() {
            int start = pos;
            long result = 0;
            for (int shift = 0; ; shift += 7) {
                int b = u8();
                if (shift == 28 && (b & 0x70) != 0) {
                    throw errorAt(start, "integer too large");
                }
                if (shift == 28 && (b & 0x80) != 0) {
                    throw errorAt(start, "integer representation too long");
                }
                result |= (long) (b & 0x7F) << shift;
                if ((b & 0x80) == 0) {
                    return (int) result;
                }
            }
        }

        /** A signed 33-bit LEB128 (value types: negative for primitives, a type index otherwise). */
        long s33() {
            int start = pos;
            long result = 0;
            int shift = 0;
            int b;
            do {
                if (shift > 28) {
                    throw errorAt(start, "integer representation too long");
                }
                b = u8();
                result |= (long) (b & 0x7F) << shift;
                shift += 7;
            } while ((b & 0x80) != 0);
            if (shift < 64 && (b & 0x40) != 0) {
                result |= -1L << shift;
            }
            if (result > 0xFFFF_FFFFL || result < -(1L << 32)) {
                throw errorAt(start, "integer too large");
            }
            return result;
        }

        /** Decodes a sort from this cursor (a copy of its bytes), reporting errors at {@code base} + index. */
        Sort sortAt(int base) {
            try {
                return sort(this);
            } catch (MalformedException e) {
                throw new MalformedException(e.reason(), base + e.offset());
            }
        }

        /** A {@code 0x00}/{@code 0x01} flag byte (async?, cancel?, shared?, optional presence). */
        boolean bool() {
            int b = u8();
            return switch (b) {
                case 0 -> false;
                case 1 -> true;
                default -> throw errorAt(pos - 1, "invalid boolean value");
            };
        }

        String name() {
            int len = length();
            int start = pos;
            pos += len;
            var decoder = java.nio.charset.StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
                    .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT);
            try {
                return decoder.decode(java.nio.ByteBuffer.wrap(bytes, start, len)).toString();
            } catch (java.nio.charset.CharacterCodingException e) {
                throw errorAt(start, "malformed UTF-8 encoding");
            }
        }

        /** {@code vec(T)}: the count is checked against the remaining bytes (each element takes one or more). */
        <T> List<T> vec(Supplier<T> element) {
            int count = length();
            List<T> out = new ArrayList<>(Math.min(count, 64));
            for (int i = 0; i < count; i++) {
                out.add(element.get());
            }
            return out;
        }
    }
}
