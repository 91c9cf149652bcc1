package dev.basalt.compiler;

import dev.basalt.wasm.AbsHeapType;
import dev.basalt.wasm.CompositeType;
import dev.basalt.wasm.HeapType;
import dev.basalt.wasm.Instruction;
import dev.basalt.wasm.NumType;
import dev.basalt.wasm.PackedType;
import dev.basalt.wasm.RefType;
import dev.basalt.wasm.StorageType;
import dev.basalt.wasm.SubType;
import java.util.List;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

/**
 * GC instructions: {@code struct.*}, {@code array.*}, {@code ref.i31}/{@code i31.get_*}, {@code ref.test},
 * {@code ref.cast}, {@code br_on_cast(_fail)}, {@code any.convert_extern}, {@code extern.convert_any}.
 *
 * <p>Objects are the interpreter's ({@code StructObject}, {@code ArrayObject}, {@code I31Ref}), allocated, null-
 * and bounds-checked by the interpreter's public {@code Gc} helpers, and tested by its {@code Casts.test}, so a
 * GC value moves freely between compiled, interpreted and host code. Field and element reads and writes are
 * inline: the storage kind is known from the instruction's type index (a subtype keeps its supertype's fields),
 * and the layout is the interpreter's: numbers in {@code values} (i32/f32 in the low 32 bits, floats as raw bits,
 * packed i8/i16 masked to their width), v128 halves in {@code values}/{@code his}, references in {@code refs}.
 */
final class GcCodegen implements Opcodes {
    private static final String GC = "dev/basalt/internal/interpreter/Gc";
    private static final String CASTS = "dev/basalt/internal/interpreter/Casts";
    private static final String STRUCT = "dev/basalt/internal/runtime/StructObject";
    private static final String ARRAY = "dev/basalt/internal/runtime/ArrayObject";
    private static final String TYPE = "dev/basalt/internal/runtime/DefinedType";
    private static final String I31 = "dev/basalt/internal/runtime/I31Ref";
    private static final String SUPPORT = "dev/basalt/compiler/GcSupport";
    private static final String OBJ = "Ljava/lang/Object;";
    private static final String INST = "L" + ModuleCompiler.INST + ";";

    /** Storage kinds, as the interpreter's {@code DefinedType.K_*}. */
    private static final int K_NUM = 0;
    private static final int K_I8 = 1;
    private static final int K_I16 = 2;
    private static final int K_V128 = 3;
    private static final int K_REF = 4;

    private final FunctionCompiler fc;

    GcCodegen(FunctionCompiler fc) {
        this.fc = fc;
    }

    /** Emits {@code in} if it belongs to this family; false otherwise. */
    boolean emit(Instruction in) {
        MethodVisitor mv = fc.mv;
        switch (in.opcode()) {
            case STRUCT_NEW -> structNew(((Instruction.Index) in).index());
            case STRUCT_NEW_DEFAULT -> {
                loadType(((Instruction.Index) in).index());
                mv.visitMethodInsn(INVOKESTATIC, GC, "newStruct", "(L" + TYPE + ";)L" + STRUCT + ";", false);
                fc.push('L');
            }
            case STRUCT_GET, STRUCT_GET_S, STRUCT_GET_U -> {
                Instruction.IndexPair p = (Instruction.IndexPair) in;
                fc.pop();
                mv.visitMethodInsn(INVOKESTATIC, GC, "struct", "(" + OBJ + ")L" + STRUCT + ";", false);
                StorageType st = structFields(p.first()).get(p.second()).storageType();
                int holder = fc.newTemp('L');
                mv.visitVarInsn(ASTORE, holder);
                load(STRUCT, holder, st, in.opcode().name().endsWith("_S"), () -> FunctionCompiler.pushInt(mv,
                        p.second()));
                fc.nextSlot = holder;
            }
            case STRUCT_SET -> {
                Instruction.IndexPair p = (Instruction.IndexPair) in;
                StorageType st = structFields(p.first()).get(p.second()).storageType();
                int mark = fc.nextSlot;
                int value = spill();
                fc.pop();
                mv.visitMethodInsn(INVOKESTATIC, GC, "struct", "(" + OBJ + ")L" + STRUCT + ";", false);
                int holder = fc.newTemp('L');
                mv.visitVarInsn(ASTORE, holder);
                store(STRUCT, holder, st, () -> FunctionCompiler.pushInt(mv, p.second()), value);
                fc.nextSlot = mark;
            }
            case ARRAY_NEW -> arrayNew(((Instruction.Index) in).index());
            case ARRAY_NEW_DEFAULT -> {
                int mark = fc.nextSlot;
                fc.pop();
                int length = fc.newTemp('I');
                mv.visitVarInsn(ISTORE, length);
                loadType(((Instruction.Index) in).index());
                unsigned(length);
                mv.visitMethodInsn(INVOKESTATIC, GC, "newArray", "(L" + TYPE + ";J)L" + ARRAY + ";", false);
                fc.push('L');
                fc.nextSlot = mark;
            }
            case ARRAY_NEW_FIXED -> arrayNewFixed((Instruction.IndexPair) in);
            case ARRAY_NEW_DATA, ARRAY_NEW_ELEM -> {
                Instruction.IndexPair p = (Instruction.IndexPair) in;
                int mark = fc.nextSlot;
                int[] ints = spillInts(2);
                mv.visitVarInsn(ALOAD, fc.instSlot);
                FunctionCompiler.pushInt(mv, p.first());
                FunctionCompiler.pushInt(mv, p.second());
                unsigned(ints[0]);
                unsigned(ints[1]);
                String name = in.opcode() == dev.basalt.wasm.Opcode.ARRAY_NEW_DATA ? "arrayNewData" : "arrayNewElem";
                mv.visitMethodInsn(INVOKESTATIC, GC, name, "(" + INST + "IIJJ)L" + ARRAY + ";", false);
                fc.push('L');
                fc.nextSlot = mark;
            }
            case ARRAY_GET, ARRAY_GET_S, ARRAY_GET_U -> {
                StorageType st = arrayElement(((Instruction.Index) in).index());
                int mark = fc.nextSlot;
                int[] e = element();
                load(ARRAY, e[0], st, in.opcode() == dev.basalt.wasm.Opcode.ARRAY_GET_S,
                        () -> mv.visitVarInsn(ILOAD, e[1]));
                fc.nextSlot = mark;
            }
            case ARRAY_SET -> {
                StorageType st = arrayElement(((Instruction.Index) in).index());
                int mark = fc.nextSlot;
                int value = spill();
                int[] e = element();
                store(ARRAY, e[0], st, () -> mv.visitVarInsn(ILOAD, e[1]), value);
                fc.nextSlot = mark;
            }
            case ARRAY_LEN -> {
                fc.pop();
                mv.visitMethodInsn(INVOKESTATIC, GC, "array", "(" + OBJ + ")L" + ARRAY + ";", false);
                mv.visitFieldInsn(GETFIELD, ARRAY, "length", "I");
                fc.push('I');
            }
            case ARRAY_FILL -> arrayFill(arrayElement(((Instruction.Index) in).index()));
            case ARRAY_COPY -> {
                // dst, dst index, src, src index, length
                int mark = fc.nextSlot;
                int n = spillInt();
                int si = spillInt();
                fc.pop();
                int src = fc.newTemp('L');
                mv.visitVarInsn(ASTORE, src);
                int di = spillInt();
                fc.pop();
                unsigned(di);
                mv.visitVarInsn(ALOAD, src);
                unsigned(si);
                unsigned(n);
                mv.visitMethodInsn(INVOKESTATIC, GC, "arrayCopy", "(" + OBJ + "J" + OBJ + "JJ)V", false);
                fc.nextSlot = mark;
            }
            case ARRAY_INIT_DATA, ARRAY_INIT_ELEM -> {
                Instruction.IndexPair p = (Instruction.IndexPair) in;
                int mark = fc.nextSlot;
                int[] ints = spillInts(3);
                fc.pop();
                int array = fc.newTemp('L');
                mv.visitVarInsn(ASTORE, array);
                mv.visitVarInsn(ALOAD, fc.instSlot);
                FunctionCompiler.pushInt(mv, p.second());
                mv.visitVarInsn(ALOAD, array);
                for (int i : ints) {
                    unsigned(i);
                }
                String name = in.opcode() == dev.basalt.wasm.Opcode.ARRAY_INIT_DATA ? "arrayInitData" : "arrayInitElem";
                mv.visitMethodInsn(INVOKESTATIC, GC, name, "(" + INST + "I" + OBJ + "JJJ)V", false);
                fc.nextSlot = mark;
            }
            case REF_I31 -> {
                fc.pop();
                mv.visitMethodInsn(INVOKESTATIC, I31, "of", "(I)L" + I31 + ";", false);
                fc.push('L');
            }
            case I31_GET_S, I31_GET_U -> {
                fc.pop();
                String name = in.opcode() == dev.basalt.wasm.Opcode.I31_GET_S ? "i31GetS" : "i31GetU";
                mv.visitMethodInsn(INVOKESTATIC, SUPPORT, name, "(" + OBJ + ")I", false);
                fc.push('I');
            }
            case ANY_CONVERT_EXTERN, EXTERN_CONVERT_ANY -> {
                // The same object in both hierarchies, as in the interpreter (converting back restores it).
            }
            case REF_TEST, REF_TEST_NULL -> {
                fc.pop();
                test(((Instruction.HeapTypeInstr) in).heapType(), in.opcode() == dev.basalt.wasm.Opcode.REF_TEST_NULL);
                fc.push('I');
            }
            case REF_CAST, REF_CAST_NULL -> {
                mv.visitInsn(DUP);
                test(((Instruction.HeapTypeInstr) in).heapType(), in.opcode() == dev.basalt.wasm.Opcode.REF_CAST_NULL);
                Label ok = new Label();
                mv.visitJumpInsn(IFNE, ok);
                mv.visitMethodInsn(INVOKESTATIC, SUPPORT, "castFailure", "()Ldev/basalt/Trap;", false);
                mv.visitInsn(ATHROW);
                mv.visitLabel(ok);
            }
            case BR_ON_CAST, BR_ON_CAST_FAIL -> {
                Instruction.BrOnCast b = (Instruction.BrOnCast) in;
                // The reference stays: it is the last value the label receives, or what falls through.
                mv.visitInsn(DUP);
                test(b.to().heapType(), b.to().nullable());
                if (in.opcode() == dev.basalt.wasm.Opcode.BR_ON_CAST_FAIL) {
                    mv.visitInsn(ICONST_1);
                    mv.visitInsn(IXOR);
                }
                fc.push('I');
                fc.branchIf(b.label());
            }
            default -> {
                return false;
            }
        }
        return true;
    }

    // ------------------------------------------------------------------ structs and arrays

    private void structNew(int typeIndex) {
        MethodVisitor mv = fc.mv;
        List<dev.basalt.wasm.FieldType> fields = structFields(typeIndex);
        int mark = fc.nextSlot;
        int[] values = new int[fields.size()];
        for (int i = values.length - 1; i >= 0; i--) {
            values[i] = spill();
        }
        loadType(typeIndex);
        mv.visitMethodInsn(INVOKESTATIC, GC, "newStruct", "(L" + TYPE + ";)L" + STRUCT + ";", false);
        int holder = fc.newTemp('L');
        mv.visitVarInsn(ASTORE, holder);
        for (int i = 0; i < values.length; i++) {
            int f = i;
            store(STRUCT, holder, fields.get(i).storageType(), () -> FunctionCompiler.pushInt(mv, f), values[i]);
        }
        mv.visitVarInsn(ALOAD, holder);
        fc.push('L');
        fc.nextSlot = mark;
    }

    private void arrayNew(int typeIndex) {
        // value, length: allocate, then fill with the interpreter's fill (same packing).
        MethodVisitor mv = fc.mv;
        StorageType st = arrayElement(typeIndex);
        int mark = fc.nextSlot;
        int length = spillInt();
        int value = spill();
        loadType(typeIndex);
        unsigned(length);
        mv.visitMethodInsn(INVOKESTATIC, GC, "newArray", "(L" + TYPE + ";J)L" + ARRAY + ";", false);
        mv.visitInsn(DUP);
        mv.visitInsn(LCONST_0);
        fillValue(st, value);
        unsigned(length);
        mv.visitMethodInsn(INVOKESTATIC, GC, "arrayFill", "(" + OBJ + "JJJ" + OBJ + "J)V", false);
        fc.push('L');
        fc.nextSlot = mark;
    }

    private void arrayNewFixed(Instruction.IndexPair p) {
        MethodVisitor mv = fc.mv;
        StorageType st = arrayElement(p.first());
        int n = p.second();
        int mark = fc.nextSlot;
        int[] values = new int[n];
        for (int i = n - 1; i >= 0; i--) {
            values[i] = spill();
        }
        loadType(p.first());
        mv.visitLdcInsn(Integer.toUnsignedLong(n));
        mv.visitMethodInsn(INVOKESTATIC, GC, "newArray", "(L" + TYPE + ";J)L" + ARRAY + ";", false);
        int holder = fc.newTemp('L');
        mv.visitVarInsn(ASTORE, holder);
        for (int i = 0; i < n; i++) {
            int e = i;
            store(ARRAY, holder, st, () -> FunctionCompiler.pushInt(mv, e), values[i]);
        }
        mv.visitVarInsn(ALOAD, holder);
        fc.push('L');
        fc.nextSlot = mark;
    }

    private void arrayFill(StorageType st) {
        // array, index, value, length
        MethodVisitor mv = fc.mv;
        int mark = fc.nextSlot;
        int n = spillInt();
        int value = spill();
        int d = spillInt();
        fc.pop();
        unsigned(d);
        fillValue(st, value);
        unsigned(n);
        mv.visitMethodInsn(INVOKESTATIC, GC, "arrayFill", "(" + OBJ + "JJJ" + OBJ + "J)V", false);
        fc.nextSlot = mark;
    }

    /** Pushes the (value, hi, ref) triple of {@code Gc.arrayFill} for a value of storage type {@code st}. */
    private void fillValue(StorageType st, int value) {
        MethodVisitor mv = fc.mv;
        int kind = kind(st);
        char c = valueType(st);
        switch (kind) {
            case K_REF -> {
                mv.visitInsn(LCONST_0);
                mv.visitInsn(LCONST_0);
                mv.visitVarInsn(ALOAD, value);
            }
            case K_V128 -> {
                mv.visitVarInsn(ALOAD, value);
                mv.visitMethodInsn(INVOKEVIRTUAL, ModuleCompiler.V128_CLASS, "lo", "()J", false);
                mv.visitVarInsn(ALOAD, value);
                mv.visitMethodInsn(INVOKEVIRTUAL, ModuleCompiler.V128_CLASS, "hi", "()J", false);
                mv.visitInsn(ACONST_NULL);
            }
            default -> {
                mv.visitVarInsn(FunctionCompiler.opLoad(c), value);
                FunctionCompiler.toSlot(mv, c);
                mv.visitInsn(LCONST_0);
                mv.visitInsn(ACONST_NULL);
            }
        }
    }

    /**
     * For {@code array.get/set}: pops the index and the array reference, null- and bounds-checks them with the
     * interpreter's helpers (in its order: the reference first); returns the JVM locals holding the
     * {@code ArrayObject} and the checked int index.
     */
    private int[] element() {
        MethodVisitor mv = fc.mv;
        int index = spill();
        fc.pop();
        mv.visitMethodInsn(INVOKESTATIC, GC, "array", "(" + OBJ + ")L" + ARRAY + ";", false);
        int array = fc.newTemp('L');
        mv.visitVarInsn(ASTORE, array);
        mv.visitVarInsn(ALOAD, array);
        mv.visitVarInsn(ILOAD, index);
        mv.visitInsn(I2L);
        mv.visitMethodInsn(INVOKESTATIC, GC, "index", "(L" + ARRAY + ";J)I", false);
        mv.visitVarInsn(ISTORE, index);
        return new int[] {array, index};
    }

    /** Pushes field/element {@code index} of the object in JVM local {@code holder} as a value. */
    private void load(String owner, int holder, StorageType st, boolean signed, Runnable index) {
        MethodVisitor mv = fc.mv;
        int kind = kind(st);
        char c = valueType(st);
        mv.visitVarInsn(ALOAD, holder);
        switch (kind) {
            case K_REF -> {
                mv.visitFieldInsn(GETFIELD, owner, "refs", "[" + OBJ);
                index.run();
                mv.visitInsn(AALOAD);
            }
            case K_V128 -> {
                mv.visitTypeInsn(NEW, ModuleCompiler.V128_CLASS);
                mv.visitInsn(DUP);
                mv.visitVarInsn(ALOAD, holder);
                mv.visitFieldInsn(GETFIELD, owner, "values", "[J");
                index.run();
                mv.visitInsn(LALOAD);
                mv.visitVarInsn(ALOAD, holder);
                mv.visitFieldInsn(GETFIELD, owner, "his", "[J");
                index.run();
                mv.visitInsn(LALOAD);
                mv.visitMethodInsn(INVOKESPECIAL, ModuleCompiler.V128_CLASS, "<init>", "(JJ)V", false);
                // The holder loaded first is under the vector: drop it.
                mv.visitInsn(SWAP);
                mv.visitInsn(POP);
            }
            default -> {
                mv.visitFieldInsn(GETFIELD, owner, "values", "[J");
                index.run();
                mv.visitInsn(LALOAD);
                FunctionCompiler.fromSlot(mv, c);
                // Packed values are stored masked, so the unsigned read is the stored value itself.
                if (signed && kind == K_I8) {
                    mv.visitInsn(I2B);
                } else if (signed && kind == K_I16) {
                    mv.visitInsn(I2S);
                }
            }
        }
        fc.push(c);
    }

    /** Stores the value in JVM local {@code value} as field/element {@code index} of the object in {@code holder}. */
    private void store(String owner, int holder, StorageType st, Runnable index, int value) {
        MethodVisitor mv = fc.mv;
        int kind = kind(st);
        char c = valueType(st);
        mv.visitVarInsn(ALOAD, holder);
        switch (kind) {
            case K_REF -> {
                mv.visitFieldInsn(GETFIELD, owner, "refs", "[" + OBJ);
                index.run();
                mv.visitVarInsn(ALOAD, value);
                mv.visitInsn(AASTORE);
            }
            case K_V128 -> {
                mv.visitFieldInsn(GETFIELD, owner, "values", "[J");
                index.run();
                mv.visitVarInsn(ALOAD, value);
                mv.visitMethodInsn(INVOKEVIRTUAL, ModuleCompiler.V128_CLASS, "lo", "()J", false);
                mv.visitInsn(LASTORE);
                mv.visitVarInsn(ALOAD, holder);
                mv.visitFieldInsn(GETFIELD, owner, "his", "[J");
                index.run();
                mv.visitVarInsn(ALOAD, value);
                mv.visitMethodInsn(INVOKEVIRTUAL, ModuleCompiler.V128_CLASS, "hi", "()J", false);
                mv.visitInsn(LASTORE);
            }
            default -> {
                mv.visitFieldInsn(GETFIELD, owner, "values", "[J");
                index.run();
                mv.visitVarInsn(FunctionCompiler.opLoad(c), value);
                if (kind == K_I8 || kind == K_I16) {
                    FunctionCompiler.pushInt(mv, kind == K_I8 ? 0xFF : 0xFFFF);
                    mv.visitInsn(IAND);
                }
                FunctionCompiler.toSlot(mv, c);
                mv.visitInsn(LASTORE);
            }
        }
    }

    // ------------------------------------------------------------------ casts

    /** Consumes a reference on the JVM stack and pushes whether it has heap type {@code h} ({@code Casts.test}). */
    private void test(HeapType h, boolean nullable) {
        MethodVisitor mv = fc.mv;
        FunctionCompiler.pushInt(mv, heapCode(h));
        mv.visitInsn(nullable ? ICONST_1 : ICONST_0);
        mv.visitVarInsn(ALOAD, fc.instSlot);
        mv.visitMethodInsn(INVOKESTATIC, CASTS, "test", "(" + OBJ + "IZ" + INST + ")Z", false);
    }

    /** The interpreter's heap type code: a type index, or -(1 + ordinal) of an abstract heap type. */
    private static int heapCode(HeapType h) {
        if (h instanceof AbsHeapType a) {
            return -1 - a.ordinal();
        }
        return ((HeapType.Concrete) h).typeIndex();
    }

    // ------------------------------------------------------------------ helpers

    private void loadType(int typeIndex) {
        MethodVisitor mv = fc.mv;
        mv.visitVarInsn(ALOAD, fc.instSlot);
        mv.visitFieldInsn(GETFIELD, ModuleCompiler.INST, "types", "[L" + TYPE + ";");
        FunctionCompiler.pushInt(mv, typeIndex);
        mv.visitInsn(AALOAD);
    }

    /** Pops the stack's top value into a new JVM local; returns the local. */
    private int spill() {
        char c = fc.pop();
        int slot = fc.newTemp(c);
        fc.mv.visitVarInsn(FunctionCompiler.opStore(c), slot);
        return slot;
    }

    /** {@link #spill()} for an i32 operand (index, length, offset). */
    private int spillInt() {
        return spill();
    }

    /** Pops {@code n} i32 values into new JVM locals, returned in stack order (deepest first). */
    private int[] spillInts(int n) {
        int[] out = new int[n];
        for (int i = n - 1; i >= 0; i--) {
            out[i] = spill();
        }
        return out;
    }

    /** Pushes the i32 in JVM local {@code slot} as an unsigned long. */
    private void unsigned(int slot) {
        fc.mv.visitVarInsn(ILOAD, slot);
        fc.mv.visitMethodInsn(INVOKESTATIC, "java/lang/Integer", "toUnsignedLong", "(I)J", false);
    }

    private List<SubType> types() {
        return fc.mc.types;
    }

    private List<dev.basalt.wasm.FieldType> structFields(int typeIndex) {
        return ((CompositeType.Struct) types().get(typeIndex).composite()).fields();
    }

    private StorageType arrayElement(int typeIndex) {
        return ((CompositeType.Array) types().get(typeIndex).composite()).element().storageType();
    }

    private static int kind(StorageType st) {
        if (st instanceof PackedType p) {
            return p == PackedType.I8 ? K_I8 : K_I16;
        }
        if (st instanceof RefType) {
            return K_REF;
        }
        return st == NumType.V128 ? K_V128 : K_NUM;
    }

    /** The operand-stack type of a field or element: packed fields are read and written as i32. */
    private char valueType(StorageType st) {
        if (st instanceof PackedType) {
            return 'I';
        }
        return fc.checkType((dev.basalt.wasm.ValType) st);
    }
}
