package dev.basalt.wasm.validate;

import static dev.basalt.wasm.validate.TestModules.module;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.basalt.wasm.AbsHeapType;
import dev.basalt.wasm.BlockType;
import dev.basalt.wasm.CompositeType;
import dev.basalt.wasm.ElementSegment;
import dev.basalt.wasm.Export;
import dev.basalt.wasm.Expression;
import dev.basalt.wasm.ExternKind;
import dev.basalt.wasm.FieldType;
import dev.basalt.wasm.Function;
import dev.basalt.wasm.Global;
import dev.basalt.wasm.GlobalType;
import dev.basalt.wasm.HeapType;
import dev.basalt.wasm.Instruction;
import dev.basalt.wasm.Instruction.Block;
import dev.basalt.wasm.Instruction.Branch;
import dev.basalt.wasm.Instruction.I32Const;
import dev.basalt.wasm.Instruction.I64Const;
import dev.basalt.wasm.Instruction.Index;
import dev.basalt.wasm.Instruction.IndexPair;
import dev.basalt.wasm.Instruction.Simple;
import dev.basalt.wasm.InvalidException;
import dev.basalt.wasm.Limits;
import dev.basalt.wasm.Locals;
import dev.basalt.wasm.MemArg;
import dev.basalt.wasm.MemoryType;
import dev.basalt.wasm.NumType;
import dev.basalt.wasm.Opcode;
import dev.basalt.wasm.PackedType;
import dev.basalt.wasm.RecGroup;
import dev.basalt.wasm.RefType;
import dev.basalt.wasm.SubType;
import dev.basalt.wasm.TagType;
import dev.basalt.wasm.V128;
import dev.basalt.wasm.ValType;
import dev.basalt.wasm.WasmModule;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.OptionalInt;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

class ValidatorTest {
    private static final List<ValType> NONE = List.of();
    private static final List<ValType> I32 = List.of(NumType.I32);

    /** A named case: the module and the expected reason prefix, or null when the module must validate. */
    record Case(String name, Supplier<WasmModule> module, String expected) {
    }

    static Case valid(String name, Supplier<WasmModule> m) {
        return new Case(name, m, null);
    }

    static Case invalid(String name, String expected, Supplier<WasmModule> m) {
        return new Case(name, m, expected);
    }

    static Instruction op(Opcode op) {
        return new Simple(op);
    }

    static Instruction i32(int v) {
        return new I32Const(v);
    }

    static Instruction load(Opcode op, int align, long offset) {
        return new Instruction.Memory(op, new MemArg(align, offset, 0));
    }

    static final MemoryType MEM1 = new MemoryType(Limits.of(1));

    static Stream<Case> cases() {
        return Stream.of(
                valid("empty module", WasmModule::empty),
                valid("i32.add", () -> module().func(I32, i32(1), i32(2), op(Opcode.I32_ADD)).build()),
                invalid("i32.add of i64", "type mismatch: instruction requires [i32 i32] but stack has [i32 i64]",
                        () -> module().func(I32, i32(1), new I64Const(2), op(Opcode.I32_ADD)).build()),
                invalid("missing result", "type mismatch", () -> module().func(I32).build()),
                invalid("extra value at end", "type mismatch: block requires [] but stack has [i32]",
                        () -> module().func(NONE, i32(1)).build()),
                valid("unreachable makes the stack polymorphic",
                        () -> module().func(I32, op(Opcode.UNREACHABLE), op(Opcode.I32_ADD)).build()),
                invalid("polymorphic stack still checks known values", "type mismatch",
                        () -> module().func(I32, op(Opcode.UNREACHABLE), new I64Const(0), op(Opcode.I32_ADD)).build()),
                valid("block with result and br", () -> module().func(I32,
                        new Block(Opcode.BLOCK, new BlockType.Value(NumType.I32)), i32(1), new Branch(Opcode.BR, 0),
                        op(Opcode.END)).build()),
                invalid("unknown label", "unknown label",
                        () -> module().func(NONE, new Branch(Opcode.BR, 1)).build()),
                valid("loop label takes params", () -> {
                    TestModules m = module();
                    int bt = m.funcType(I32, NONE);
                    return m.func(NONE, i32(0), new Block(Opcode.LOOP, new BlockType.TypeIndex(bt)),
                            new Branch(Opcode.BR, 0), op(Opcode.END)).build();
                }),
                invalid("if without else must pass params through", "type mismatch", () -> module().func(I32,
                        i32(1), new Block(Opcode.IF, new BlockType.Value(NumType.I32)), i32(2), op(Opcode.END)).build()),
                invalid("if without else in unreachable code", "type mismatch", () -> module().func(I32,
                        op(Opcode.UNREACHABLE), new Block(Opcode.IF, new BlockType.Value(NumType.I32)), i32(2),
                        op(Opcode.END)).build()),
                invalid("instruction record does not fit the opcode", "malformed instruction",
                        () -> module().func(NONE, op(Opcode.I32_LOAD)).build()),
                invalid("instruction record does not fit the opcode in a constant expression",
                        "malformed instruction", () -> {
                            TestModules m = module();
                            m.globals.add(new Global(new GlobalType(NumType.I32, false),
                                    Expression.of(op(Opcode.GLOBAL_GET))));
                            return m.build();
                        }),
                valid("if else", () -> module().func(I32, i32(1), new Block(Opcode.IF,
                        new BlockType.Value(NumType.I32)), i32(2), op(Opcode.ELSE), i32(3), op(Opcode.END)).build()),
                invalid("br_table arity", "type mismatch", () -> module().func(NONE,
                        new Block(Opcode.BLOCK, new BlockType.Value(NumType.I32)), i32(0),
                        new Instruction.BranchTable(List.of(0), 1), op(Opcode.END), op(Opcode.DROP)).build()),
                invalid("unknown local", "unknown local 0", () -> module().func(I32, new Index(Opcode.LOCAL_GET, 0)).build()),
                invalid("unknown function", "unknown function 5", () -> module().func(NONE, new Index(Opcode.CALL, 5)).build()),
                invalid("unknown global", "unknown global 0", () -> module().func(I32, new Index(Opcode.GLOBAL_GET, 0)).build()),
                invalid("immutable global", "immutable global", () -> {
                    TestModules m = module();
                    m.globals.add(new Global(new GlobalType(NumType.I32, false), Expression.of(i32(0))));
                    return m.func(NONE, i32(1), new Index(Opcode.GLOBAL_SET, 0)).build();
                }),
                invalid("non-nullable local read before set", "uninitialized local", () -> module().func(NONE, NONE,
                        List.of(new Locals(1, RefType.nonNull(AbsHeapType.FUNC))),
                        new Index(Opcode.LOCAL_GET, 0), op(Opcode.DROP)).build()),
                invalid("local initialization ends with its block", "uninitialized local", () -> {
                    TestModules m = module();
                    m.func(NONE, NONE, List.of(new Locals(1, RefType.nonNull(AbsHeapType.FUNC))),
                            new Block(Opcode.BLOCK, BlockType.EMPTY), new Index(Opcode.REF_FUNC, 0),
                            new Index(Opcode.LOCAL_SET, 0), op(Opcode.END), new Index(Opcode.LOCAL_GET, 0),
                            op(Opcode.DROP));
                    m.exports.add(new Export("f", ExternKind.FUNC, 0));
                    return m.build();
                }),
                valid("local set then get", () -> {
                    TestModules m = module();
                    m.func(NONE, NONE, List.of(new Locals(1, RefType.nonNull(AbsHeapType.FUNC))),
                            new Index(Opcode.REF_FUNC, 0), new Index(Opcode.LOCAL_SET, 0),
                            new Index(Opcode.LOCAL_GET, 0), op(Opcode.DROP));
                    m.exports.add(new Export("f", ExternKind.FUNC, 0));
                    return m.build();
                }),
                invalid("undeclared function reference", "undeclared function reference",
                        () -> module().func(NONE, new Index(Opcode.REF_FUNC, 0), op(Opcode.DROP)).build()),
                invalid("alignment", "alignment must not be larger than natural",
                        () -> module().memory(MEM1).func(I32, i32(0), load(Opcode.I32_LOAD8_U, 1, 0)).build()),
                valid("natural alignment", () -> module().memory(MEM1).func(List.of(NumType.I64), i32(0),
                        load(Opcode.I64_LOAD32_S, 2, 0)).build()),
                invalid("atomic alignment", "atomic alignment", () -> module().memory(MEM1).func(I32, i32(0),
                        load(Opcode.I32_ATOMIC_LOAD, 1, 0)).build()),
                invalid("offset out of range", "offset out of range",
                        () -> module().memory(MEM1).func(I32, i32(0), load(Opcode.I32_LOAD, 2, 1L << 32)).build()),
                valid("memory64 offset and address", () -> module().memory(new MemoryType(Limits.of(1), false, true,
                        16)).func(I32, new I64Const(0), load(Opcode.I32_LOAD, 2, 1L << 40)).build()),
                invalid("unknown memory", "unknown memory 0",
                        () -> module().func(I32, i32(0), load(Opcode.I32_LOAD, 2, 0)).build()),
                invalid("lane index", "invalid lane index", () -> module().func(I32,
                        new Instruction.V128Const(V128.ZERO), new Instruction.Lane(Opcode.I32X4_EXTRACT_LANE, 4)).build()),
                invalid("shuffle lane index", "invalid lane index", () -> module().func(List.of(NumType.V128),
                        new Instruction.V128Const(V128.ZERO), new Instruction.V128Const(V128.ZERO),
                        new Instruction.Shuffle(new V128(32, 0))).build()),
                invalid("select typed arity", "invalid result arity", () -> module().func(NONE,
                        i32(0), new Instruction.SelectTyped(List.of())).build()),
                invalid("untyped select of references", "type mismatch", () -> module().func(NONE,
                        new Instruction.HeapTypeInstr(Opcode.REF_NULL, AbsHeapType.FUNC),
                        new Instruction.HeapTypeInstr(Opcode.REF_NULL, AbsHeapType.FUNC), i32(0), op(Opcode.SELECT),
                        op(Opcode.DROP)).build()),
                invalid("duplicate export name", "duplicate export name", () -> {
                    TestModules m = module().func(NONE);
                    m.exports.add(new Export("a", ExternKind.FUNC, 0));
                    m.exports.add(new Export("a", ExternKind.FUNC, 0));
                    return m.build();
                }),
                invalid("start function type", "start function", () -> {
                    TestModules m = module().func(I32, i32(0));
                    m.start = OptionalInt.of(0);
                    return m.build();
                }),
                invalid("memory too large", "memory size must be at most 65536 pages (4GiB)",
                        () -> module().memory(new MemoryType(Limits.of(65537))).build()),
                invalid("one-byte pages: at most 2^32-1 for i32", "memory size must be at most",
                        () -> module().memory(new MemoryType(Limits.of(1L << 32), false, false, 0)).build()),
                valid("one-byte pages: 2^32-1 for i32",
                        () -> module().memory(new MemoryType(Limits.of((1L << 32) - 1), false, false, 0)).build()),
                valid("one-byte pages: any u64 for i64",
                        () -> module().memory(new MemoryType(Limits.of(-1L), false, true, 0)).build()),
                invalid("memory64 at most 2^48 pages", "memory size must be at most",
                        () -> module().memory(new MemoryType(Limits.of((1L << 48) + 1), false, true, 16)).build()),
                invalid("limits min > max", "size minimum must not be greater than maximum",
                        () -> module().memory(new MemoryType(Limits.of(2, 1))).build()),
                invalid("shared memory without max", "shared memory must have maximum",
                        () -> module().memory(new MemoryType(Limits.of(1), true, false, 16)).build()),
                invalid("custom page size", "invalid custom page size",
                        () -> module().memory(new MemoryType(Limits.of(1), false, false, 2)).build()),
                invalid("constant expression required", "constant expression required", () -> {
                    TestModules m = module();
                    m.globals.add(new Global(new GlobalType(NumType.I32, false), Expression.of(i32(1), i32(2),
                            op(Opcode.I32_DIV_S))));
                    return m.build();
                }),
                valid("extended constant expression", () -> {
                    TestModules m = module();
                    m.globals.add(new Global(new GlobalType(NumType.I32, false), Expression.of(i32(1))));
                    m.globals.add(new Global(new GlobalType(NumType.I32, false), Expression.of(
                            new Index(Opcode.GLOBAL_GET, 0), i32(2), op(Opcode.I32_MUL))));
                    return m.build();
                }),
                invalid("global initializer refers forward", "unknown global 1", () -> {
                    TestModules m = module();
                    m.globals.add(new Global(new GlobalType(NumType.I32, false),
                            Expression.of(new Index(Opcode.GLOBAL_GET, 1))));
                    m.globals.add(new Global(new GlobalType(NumType.I32, false), Expression.of(i32(1))));
                    return m.build();
                }),
                invalid("tag with results", "non-empty tag result type", () -> {
                    TestModules m = module();
                    m.tags.add(new TagType(m.funcType(NONE, I32)));
                    return m.build();
                }),
                invalid("throw needs the payload", "type mismatch: instruction requires [i32] but stack has []", () -> {
                    TestModules m = module();
                    m.tags.add(new TagType(m.funcType(I32, NONE)));
                    return m.func(NONE, new Index(Opcode.THROW, 0)).build();
                }),
                invalid("rethrow outside catch", "invalid rethrow label",
                        () -> module().func(NONE, new Branch(Opcode.RETHROW, 0)).build()),
                valid("try_table catch to block", () -> {
                    TestModules m = module();
                    m.tags.add(new TagType(m.funcType(I32, NONE)));
                    return m.func(I32, new Block(Opcode.BLOCK, new BlockType.Value(NumType.I32)),
                            new Instruction.TryTable(BlockType.EMPTY, List.of(new Instruction.Catch(
                                    Instruction.CatchKind.CATCH, 0, 0))),
                            op(Opcode.END), op(Opcode.UNREACHABLE), op(Opcode.END)).build();
                }),
                invalid("try_table catch_ref label type", "type mismatch", () -> {
                    TestModules m = module();
                    m.tags.add(new TagType(m.funcType(I32, NONE)));
                    return m.func(I32, new Block(Opcode.BLOCK, new BlockType.Value(NumType.I32)),
                            new Instruction.TryTable(BlockType.EMPTY, List.of(new Instruction.Catch(
                                    Instruction.CatchKind.CATCH_REF, 0, 0))),
                            op(Opcode.END), op(Opcode.UNREACHABLE), op(Opcode.END)).build();
                }),
                invalid("tail call result mismatch", "type mismatch", () -> {
                    TestModules m = module().func(List.of(NumType.I64), new I64Const(0));
                    return m.func(I32, new Index(Opcode.RETURN_CALL, 0)).build();
                }),
                invalid("final supertype", "sub type", () -> {
                    TestModules m = module();
                    m.type(new SubType(true, List.of(), new CompositeType.Struct(List.of())));
                    m.type(new SubType(true, List.of(0), new CompositeType.Struct(List.of())));
                    return m.build();
                }),
                invalid("struct subtype must keep field types", "sub type", () -> {
                    TestModules m = module();
                    m.type(new SubType(false, List.of(), new CompositeType.Struct(List.of(
                            new FieldType(NumType.I32, false)))));
                    m.type(new SubType(false, List.of(0), new CompositeType.Struct(List.of(
                            new FieldType(NumType.I64, false)))));
                    return m.build();
                }),
                valid("struct width subtyping", () -> {
                    TestModules m = module();
                    m.type(new SubType(false, List.of(), new CompositeType.Struct(List.of(
                            new FieldType(NumType.I32, false)))));
                    m.type(new SubType(false, List.of(0), new CompositeType.Struct(List.of(
                            new FieldType(NumType.I32, false), new FieldType(NumType.I64, true)))));
                    return m.build();
                }),
                invalid("unknown type in local", "unknown type 7", () -> module().func(NONE, NONE,
                        List.of(new Locals(1, RefType.nullable(HeapType.concrete(7))))).build()),
                invalid("struct.set immutable field", "immutable field", () -> {
                    TestModules m = module();
                    int s = m.type(SubType.of(new CompositeType.Struct(List.of(new FieldType(NumType.I32, false)))));
                    return m.func(NONE, new Instruction.HeapTypeInstr(Opcode.REF_NULL, HeapType.concrete(s)),
                            i32(1), new IndexPair(Opcode.STRUCT_SET, s, 0)).build();
                }),
                invalid("struct.get of packed field", "type mismatch", () -> {
                    TestModules m = module();
                    int s = m.type(SubType.of(new CompositeType.Struct(List.of(new FieldType(PackedType.I8, false)))));
                    return m.func(I32, new Instruction.HeapTypeInstr(Opcode.REF_NULL, HeapType.concrete(s)),
                            new IndexPair(Opcode.STRUCT_GET, s, 0)).build();
                }),
                invalid("array.set of immutable array", "immutable array", () -> {
                    TestModules m = module();
                    int a = m.type(SubType.of(new CompositeType.Array(new FieldType(NumType.I32, false))));
                    return m.func(NONE, new Instruction.HeapTypeInstr(Opcode.REF_NULL, HeapType.concrete(a)),
                            i32(0), i32(1), new Index(Opcode.ARRAY_SET, a)).build();
                }),
                invalid("array.copy element mismatch", "array types do not match", () -> {
                    TestModules m = module();
                    int a = m.type(SubType.of(new CompositeType.Array(new FieldType(NumType.I32, true))));
                    int b = m.type(SubType.of(new CompositeType.Array(new FieldType(NumType.I64, true))));
                    return m.func(NONE, new IndexPair(Opcode.ARRAY_COPY, a, b)).build();
                }),
                valid("array.new_fixed", () -> {
                    TestModules m = module();
                    int a = m.type(SubType.of(new CompositeType.Array(new FieldType(PackedType.I8, false))));
                    return m.func(List.of(RefType.nonNull(HeapType.concrete(a))), i32(1), i32(2),
                            new IndexPair(Opcode.ARRAY_NEW_FIXED, a, 2)).build();
                }),
                invalid("array.new_fixed with a huge count", "type mismatch", () -> {
                    TestModules m = module();
                    int a = m.type(SubType.of(new CompositeType.Array(new FieldType(NumType.I32, false))));
                    return m.func(NONE, new IndexPair(Opcode.ARRAY_NEW_FIXED, a, -1), op(Opcode.DROP)).build();
                }),
                valid("br_on_cast to a subtype", () -> module().func(List.of(RefType.ANYREF),
                        new Block(Opcode.BLOCK, new BlockType.Value(RefType.ANYREF)),
                        new Instruction.HeapTypeInstr(Opcode.REF_NULL, AbsHeapType.ANY),
                        new Instruction.BrOnCast(Opcode.BR_ON_CAST, 0, RefType.ANYREF, RefType.I31REF),
                        op(Opcode.END)).build()),
                invalid("br_on_cast target not a subtype of source", "type mismatch", () -> module().func(
                        List.of(RefType.ANYREF), new Block(Opcode.BLOCK, new BlockType.Value(RefType.ANYREF)),
                        new Instruction.HeapTypeInstr(Opcode.REF_NULL, AbsHeapType.EQ),
                        new Instruction.BrOnCast(Opcode.BR_ON_CAST, 0, RefType.I31REF, RefType.EQREF),
                        op(Opcode.END)).build()),
                invalid("element segment type vs table", "type mismatch", () -> {
                    TestModules m = module();
                    m.tables.add(new dev.basalt.wasm.Table(new dev.basalt.wasm.TableType(RefType.FUNCREF,
                            Limits.of(1), false), java.util.Optional.empty()));
                    m.elements.add(new ElementSegment(RefType.EXTERNREF, List.of(),
                            new ElementSegment.Active(0, Expression.of(i32(0)))));
                    return m.build();
                }),
                valid("legacy try/catch/catch_all with rethrow", () -> {
                    TestModules m = module();
                    m.tags.add(new TagType(m.funcType(I32, NONE)));
                    return m.func(I32, new Block(Opcode.TRY, new BlockType.Value(NumType.I32)), i32(1),
                            new Index(Opcode.CATCH, 0), op(Opcode.CATCH_ALL), new Branch(Opcode.RETHROW, 0),
                            op(Opcode.END)).build();
                }),
                invalid("legacy catch must produce the try's results", "type mismatch", () -> {
                    TestModules m = module();
                    m.tags.add(new TagType(m.funcType(List.of(NumType.I64), NONE)));
                    return m.func(I32, new Block(Opcode.TRY, new BlockType.Value(NumType.I32)), i32(1),
                            new Index(Opcode.CATCH, 0), op(Opcode.END)).build();
                }),
                valid("legacy delegate to an outer label", () -> module().func(NONE,
                        new Block(Opcode.BLOCK, BlockType.EMPTY), new Block(Opcode.TRY, BlockType.EMPTY),
                        new Branch(Opcode.DELEGATE, 0), op(Opcode.END)).build()),
                invalid("legacy delegate to a missing label", "unknown label", () -> module().func(NONE,
                        new Block(Opcode.TRY, BlockType.EMPTY), new Branch(Opcode.DELEGATE, 1)).build()),
                valid("try_table catch_all_ref and throw_ref", () -> module().func(NONE,
                        new Block(Opcode.BLOCK, new BlockType.Value(RefType.nonNull(AbsHeapType.EXN))),
                        new Instruction.TryTable(BlockType.EMPTY, List.of(new Instruction.Catch(
                                Instruction.CatchKind.CATCH_ALL_REF, -1, 0))),
                        op(Opcode.END), op(Opcode.UNREACHABLE), op(Opcode.END), op(Opcode.THROW_REF)).build()),
                invalid("unknown tag", "unknown tag 0", () -> module().func(NONE, new Index(Opcode.THROW, 0)).build()),
                valid("call_ref and return_call_ref", () -> {
                    TestModules m = module();
                    int t = m.funcType(I32, I32);
                    m.functions.add(new Function(t, List.of(), Expression.of(new Index(Opcode.LOCAL_GET, 0))));
                    m.exports.add(new Export("f", ExternKind.FUNC, 0));
                    m.func(I32, i32(1), new Index(Opcode.REF_FUNC, 0), new Index(Opcode.CALL_REF, t),
                            new Index(Opcode.REF_FUNC, 0), new Index(Opcode.RETURN_CALL_REF, t));
                    return m.build();
                }),
                invalid("call_ref of the wrong function type", "type mismatch", () -> {
                    TestModules m = module();
                    int t = m.funcType(I32, I32);
                    int u = m.funcType(NONE, NONE);
                    m.functions.add(new Function(u, List.of(), Expression.of()));
                    m.exports.add(new Export("f", ExternKind.FUNC, 0));
                    return m.func(I32, i32(1), new Index(Opcode.REF_FUNC, 0), new Index(Opcode.CALL_REF, t)).build();
                }),
                valid("br_on_non_null passes the non-null reference", () -> module().func(
                        List.of(RefType.nonNull(AbsHeapType.ANY)),
                        new Block(Opcode.BLOCK, new BlockType.Value(RefType.nonNull(AbsHeapType.ANY))),
                        new Instruction.HeapTypeInstr(Opcode.REF_NULL, AbsHeapType.ANY),
                        new Branch(Opcode.BR_ON_NON_NULL, 0), op(Opcode.UNREACHABLE), op(Opcode.END)).build()),
                invalid("br_on_non_null to a label without reference", "type mismatch", () -> module().func(NONE,
                        new Block(Opcode.BLOCK, BlockType.EMPTY),
                        new Instruction.HeapTypeInstr(Opcode.REF_NULL, AbsHeapType.ANY),
                        new Branch(Opcode.BR_ON_NON_NULL, 0), op(Opcode.END)).build()),
                valid("ref.as_non_null on a polymorphic stack yields (ref bot), usable as any reference", () -> module()
                        .func(List.of(RefType.nonNull(AbsHeapType.FUNC)), op(Opcode.UNREACHABLE),
                                op(Opcode.REF_AS_NON_NULL)).build()),
                invalid("(ref bot) is not a number", "type mismatch", () -> module().func(I32,
                        op(Opcode.UNREACHABLE), op(Opcode.REF_AS_NON_NULL), i32(1), op(Opcode.I32_ADD)).build()),
                invalid("ref.test operand must be in the target's hierarchy", "type mismatch", () -> module().func(I32,
                        new Instruction.HeapTypeInstr(Opcode.REF_NULL, AbsHeapType.EXTERN),
                        new Instruction.HeapTypeInstr(Opcode.REF_TEST, AbsHeapType.I31)).build()),
                valid("any.convert_extern keeps non-nullness", () -> module().func(
                        List.of(RefType.nonNull(AbsHeapType.ANY)),
                        new Instruction.HeapTypeInstr(Opcode.REF_NULL, AbsHeapType.EXTERN), op(Opcode.REF_AS_NON_NULL),
                        op(Opcode.ANY_CONVERT_EXTERN)).build()),
                invalid("any.convert_extern keeps nullability", "type mismatch", () -> module().func(
                        List.of(RefType.nonNull(AbsHeapType.ANY)),
                        new Instruction.HeapTypeInstr(Opcode.REF_NULL, AbsHeapType.EXTERN),
                        op(Opcode.ANY_CONVERT_EXTERN)).build()),
                valid("memory.copy between i32 and i64 memories uses i32 for the length", () -> module()
                        .memory(MEM1).memory(new MemoryType(Limits.of(1), false, true, 16))
                        .func(NONE, new I64Const(0), i32(0), i32(0), new IndexPair(Opcode.MEMORY_COPY, 1, 0)).build()),
                invalid("table64 address is i64", "type mismatch", () -> {
                    TestModules m = module();
                    m.tables.add(new dev.basalt.wasm.Table(new dev.basalt.wasm.TableType(RefType.FUNCREF,
                            Limits.of(1), true), java.util.Optional.empty()));
                    return m.func(NONE, i32(0), new Index(Opcode.TABLE_GET, 0), op(Opcode.DROP)).build();
                }),
                invalid("table of non-nullable type needs an initializer", "type mismatch", () -> {
                    TestModules m = module();
                    m.tables.add(new dev.basalt.wasm.Table(new dev.basalt.wasm.TableType(
                            RefType.nonNull(AbsHeapType.FUNC), Limits.of(1), false), java.util.Optional.empty()));
                    return m.build();
                }),
                invalid("i32 table limits", "table size", () -> {
                    TestModules m = module();
                    m.tables.add(new dev.basalt.wasm.Table(new dev.basalt.wasm.TableType(RefType.FUNCREF,
                            Limits.of(1L << 32), false), java.util.Optional.empty()));
                    return m.build();
                }),
                invalid("array.new_data of a reference array", "array type is not numeric or vector", () -> {
                    TestModules m = module();
                    int a = m.type(SubType.of(new CompositeType.Array(new FieldType(RefType.ANYREF, false))));
                    m.data.add(new dev.basalt.wasm.DataSegment(new byte[0], new dev.basalt.wasm.DataSegment.Passive()));
                    return m.func(NONE, i32(0), i32(0), new IndexPair(Opcode.ARRAY_NEW_DATA, a, 0),
                            op(Opcode.DROP)).build();
                }),
                invalid("struct.new_default with a non-defaultable field", "type mismatch", () -> {
                    TestModules m = module();
                    int s = m.type(SubType.of(new CompositeType.Struct(List.of(new FieldType(
                            RefType.nonNull(AbsHeapType.ANY), false)))));
                    return m.func(NONE, new Index(Opcode.STRUCT_NEW_DEFAULT, s), op(Opcode.DROP)).build();
                }),
                valid("typed select of references", () -> module().func(List.of(RefType.FUNCREF),
                        new Instruction.HeapTypeInstr(Opcode.REF_NULL, AbsHeapType.FUNC),
                        new Instruction.HeapTypeInstr(Opcode.REF_NULL, AbsHeapType.NOFUNC), i32(0),
                        new Instruction.SelectTyped(List.of(RefType.FUNCREF))).build()),
                valid("br_table on a polymorphic stack", () -> module().func(I32,
                        new Block(Opcode.BLOCK, new BlockType.Value(NumType.I32)), op(Opcode.UNREACHABLE),
                        new Instruction.BranchTable(List.of(0, 0), 1), op(Opcode.END)).build()),
                invalid("constant expression with a mutable global", "constant expression required", () -> {
                    TestModules m = module();
                    m.globals.add(new Global(new GlobalType(NumType.I32, true), Expression.of(i32(1))));
                    m.globals.add(new Global(new GlobalType(NumType.I32, false),
                            Expression.of(new Index(Opcode.GLOBAL_GET, 0))));
                    return m.build();
                }),
                invalid("unknown elem segment", "unknown elem segment 0",
                        () -> module().func(NONE, new Index(Opcode.ELEM_DROP, 0)).build()),
                invalid("too many locals", "too many locals", () -> module().func(NONE, NONE,
                        List.of(new Locals(Integer.MAX_VALUE, NumType.I32), new Locals(Integer.MAX_VALUE,
                                NumType.I32))).build()),
                valid("deep nesting is iterative", () -> {
                    List<Instruction> body = new ArrayList<>();
                    int depth = 200_000;
                    body.addAll(Collections.nCopies(depth, new Block(Opcode.BLOCK, BlockType.EMPTY)));
                    body.addAll(Collections.nCopies(depth, op(Opcode.END)));
                    TestModules m = module();
                    int t = m.funcType(NONE, NONE);
                    m.functions.add(new Function(t, List.of(), new Expression(body)));
                    return m.build();
                }));
    }

    @TestFactory
    Stream<DynamicTest> rules() {
        return cases().map(c -> DynamicTest.dynamicTest(c.name(), () -> {
            WasmModule m = c.module().get();
            if (c.expected() == null) {
                assertThatCode(() -> Validator.validate(m)).doesNotThrowAnyException();
            } else {
                InvalidException e = catchThrowableOfType(InvalidException.class, () -> Validator.validate(m));
                assertThat(e).as("expected invalid: " + c.expected()).isNotNull();
                assertThat(e.reason()).startsWith(c.expected());
            }
        }));
    }

    @Test
    void errorNamesFunctionAndOffset() {
        TestModules m = module().func(NONE);
        int t = m.funcType(NONE, NONE);
        m.functions.add(new Function(t, List.of(), new Expression(List.of(i32(1), i32(2)), new int[] {40, 42})));
        InvalidException e = catchThrowableOfType(InvalidException.class, () -> Validator.validate(m.build()));
        assertThat(e.function()).isEqualTo(1);
        assertThat(e.offset()).isEqualTo(42);
        assertThat(e.getMessage()).contains("in function 1 at offset 42");
    }

    @Test
    void errorInIndexLookupIsLocated() {
        TestModules m = module();
        int t = m.funcType(NONE, NONE);
        m.functions.add(new Function(t, List.of(), new Expression(List.of(new Index(Opcode.CALL, 9)),
                new int[] {17})));
        InvalidException e = catchThrowableOfType(InvalidException.class, () -> Validator.validate(m.build()));
        assertThat(e.reason()).isEqualTo("unknown function 9");
        assertThat(e.function()).isZero();
        assertThat(e.offset()).isEqualTo(17);
    }

    @Test
    void recGroupForwardReferenceInsideGroupIsValid() {
        TestModules m = module();
        m.types.add(new RecGroup(List.of(
                SubType.of(new CompositeType.Struct(List.of(new FieldType(RefType.nullable(HeapType.concrete(1)),
                        false)))),
                SubType.of(new CompositeType.Struct(List.of(new FieldType(RefType.nullable(HeapType.concrete(0)),
                        false)))))));
        assertThatCode(() -> Validator.validate(m.build())).doesNotThrowAnyException();
    }
}
