package dev.basalt.compiler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.basalt.Config;
import dev.basalt.Engine;
import dev.basalt.FuncType;
import dev.basalt.Instance;
import dev.basalt.Linker;
import dev.basalt.Module;
import dev.basalt.Store;
import dev.basalt.Trap;
import dev.basalt.TrapKind;
import dev.basalt.Val;
import dev.basalt.internal.ops.NumericOps;
import dev.basalt.wasm.text.WatParser;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Member;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.Handle;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;

/**
 * Each compiled module calls its own copies of the runtime helpers ({@link HelperCopies}), so HotSpot profiles them
 * per module: the copies are really called (two modules, two sets of classes, neither the shared one), they are the
 * originals bytecode for bytecode, and every method that may be copied uses only what another package may use.
 */
class HelperCopiesTest {
    private static final Engine COMPILER = Engine.create(Config.builder().strategy(Config.Strategy.COMPILER).build());

    /** A loop over memory (fuel checkpoint, loads and stores, a division) that calls an import on the way out. */
    private static final String WAT = """
            (module
              (import "host" "probe" (func $probe))
              (memory 1)
              (func (export "sum") (param $n i32) (result i32)
                (local $i i32) (local $s i32)
                (loop $l
                  (i32.store (i32.mul (local.get $i) (i32.const 4)) (local.get $i))
                  (local.set $s (i32.add (local.get $s)
                    (i32.load (i32.mul (local.get $i) (i32.const 4)))))
                  (local.set $i (i32.add (local.get $i) (i32.const 1)))
                  (br_if $l (i32.lt_u (local.get $i) (local.get $n))))
                (call $probe)
                (local.get $s))
              (func (export "div") (param i32 i32) (result i32) (i32.div_s (local.get 0) (local.get 1))))
            """;

    private static Instance instantiate() {
        Store<Void> store = Store.create(COMPILER);
        Linker<Void> linker = Linker.create(COMPILER);
        linker.defineHostFunction("host", "probe", FuncType.of(List.of(), List.of()), (caller, args) -> new Val[0]);
        return linker.instantiate(store, Module.fromWat(COMPILER, WAT));
    }

    /** The frame of the helper method that raised {@code trap}: the class that ran it. */
    private static StackTraceElement raisedBy(Trap trap, String method) {
        return Arrays.stream(trap.getStackTrace()).filter(e -> e.getMethodName().equals(method)).findFirst()
                .orElseThrow();
    }

    @Test
    void noTwoModulesShareAHelper() {
        // The first module in the JVM to call NumericOps calls the shared class (see HelperCopies.callsShared),
        // every later one its own copy: of three modules, at least two run copies, and all run different classes.
        List<StackTraceElement> raised = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Instance inst = instantiate();
            assertThat(inst.getFunc("sum").orElseThrow().callI32(100)).isEqualTo(4950);
            assertThat(inst.getFunc("div").orElseThrow().callI32(-7, 2)).isEqualTo(-3);
            Trap trap = catchThrowableOfType(Trap.class, () -> inst.getFunc("div").orElseThrow().callI32(1, 0));
            // The same trap, raised in the module's copy of NumericOps.i32DivS.
            assertThat(trap.kind()).isEqualTo(TrapKind.INTEGER_DIVIDE_BY_ZERO);
            raised.add(raisedBy(trap, "i32DivS"));
        }
        assertThat(raised.stream().map(StackTraceElement::getClassName).distinct()).hasSize(3);
        List<StackTraceElement> copies = raised.stream().filter(e -> e.getClassName().endsWith("$NumericOps"))
                .toList();
        assertThat(copies).hasSizeGreaterThanOrEqualTo(2);
        assertThat(copies.stream().map(StackTraceElement::getClassLoaderName).distinct()).hasSameSizeAs(copies)
                .doesNotContain(NumericOps.class.getClassLoader().getName());
    }

    @Test
    void generatedCodeCallsOnlyCopiesWhichAreTheOriginalsBytecode() throws IOException {
        // A first module may claim the shared helpers (HelperCopies.callsShared); the second gets copies.
        JvmCompiler.generateParts(WatParser.parseModule(WAT), "dev/basalt/compiler/gen/First");
        List<JvmCompiler.Part> parts = JvmCompiler.generateParts(WatParser.parseModule(WAT), "dev/basalt/compiler/gen/T");
        Map<String, byte[]> byName = new HashMap<>();
        parts.forEach(p -> byName.put(p.className(), p.bytes()));
        assertThat(byName).containsKeys("dev/basalt/compiler/gen/T$MemorySupport", "dev/basalt/compiler/gen/T$Support");
        List<String> sharedCalls = new ArrayList<>();
        List<String> copyCalls = new ArrayList<>();
        new ClassReader(byName.get("dev/basalt/compiler/gen/T")).accept(new ClassVisitor(Opcodes.ASM9) {
            @Override
            public MethodVisitor visitMethod(int access, String name, String desc, String sig, String[] exceptions) {
                return new MethodVisitor(Opcodes.ASM9) {
                    @Override
                    public void visitMethodInsn(int opcode, String owner, String method, String d, boolean itf) {
                        if (HelperCopies.SOURCES.contains(owner)) {
                            sharedCalls.add(owner + "." + method);
                        } else if (owner.startsWith("dev/basalt/compiler/gen/T$")) {
                            copyCalls.add(owner + "." + method);
                        }
                    }
                };
            }
        }, 0);
        // Calls out through the runtime stay shared (the backtrace walk knows their frames by class name).
        assertThat(sharedCalls).containsExactly("dev/basalt/compiler/Support.callFunction");
        assertThat(copyCalls).contains("dev/basalt/compiler/gen/T$Support.charge",
                "dev/basalt/compiler/gen/T$NumericOps.i32DivS");
        for (JvmCompiler.Part part : parts) {
            String name = part.className();
            if (!name.contains("$")) {
                continue;
            }
            Class<?> source = sources().stream()
                    .filter(c -> name.endsWith("$" + c.getSimpleName())).findFirst().orElseThrow();
            Map<String, List<String>> copied = instructions(part.bytes(), name);
            Map<String, List<String>> original = instructions(classBytes(source), Type.getInternalName(source));
            assertThat(copied).isNotEmpty();
            // Copies are renamed templates: the name must be the one constant that holds it.
            assertThat(ClassNames.rename(part.bytes(), "no/such/Name", "x/Y")).isNull();
            assertThat(new ClassReader(ClassNames.rename(part.bytes(), name, "x/Y")).getClassName()).isEqualTo("x/Y");
            copied.forEach((method, code) -> assertThat(code).as(name + "." + method).isEqualTo(original.get(method)));
        }
    }

    /**
     * Per method: its instructions as text, references to {@code self} written as "SELF" (so a copy compares equal
     * to its original).
     */
    private static Map<String, List<String>> instructions(byte[] bytes, String self) {
        Map<String, List<String>> out = new HashMap<>();
        new ClassReader(bytes).accept(new ClassVisitor(Opcodes.ASM9) {
            @Override
            public MethodVisitor visitMethod(int access, String name, String desc, String sig, String[] exceptions) {
                List<String> code = new ArrayList<>();
                out.put(name + desc, code);
                return new MethodVisitor(Opcodes.ASM9) {
                    private String own(String owner) {
                        return owner.equals(self) ? "SELF" : owner;
                    }

                    @Override
                    public void visitInsn(int opcode) {
                        code.add("insn " + opcode);
                    }

                    @Override
                    public void visitIntInsn(int opcode, int operand) {
                        code.add("int " + opcode + " " + operand);
                    }

                    @Override
                    public void visitVarInsn(int opcode, int var) {
                        code.add("var " + opcode + " " + var);
                    }

                    @Override
                    public void visitTypeInsn(int opcode, String type) {
                        code.add("type " + opcode + " " + own(type));
                    }

                    @Override
                    public void visitFieldInsn(int opcode, String owner, String name, String d) {
                        code.add("field " + opcode + " " + own(owner) + "." + name + d);
                    }

                    @Override
                    public void visitMethodInsn(int opcode, String owner, String name, String d, boolean itf) {
                        code.add("method " + opcode + " " + own(owner) + "." + name + d);
                    }

                    @Override
                    public void visitJumpInsn(int opcode, Label label) {
                        code.add("jump " + opcode);
                    }

                    @Override
                    public void visitLdcInsn(Object value) {
                        code.add("ldc " + value);
                    }

                    @Override
                    public void visitIincInsn(int var, int increment) {
                        code.add("iinc " + var + " " + increment);
                    }
                };
            }
        }, ClassReader.SKIP_DEBUG | ClassReader.SKIP_FRAMES);
        return out;
    }

    private static List<Class<?>> sources() {
        return HelperCopies.SOURCES.stream().<Class<?>>map(name -> {
            try {
                return Class.forName(name.replace('/', '.'));
            } catch (ClassNotFoundException e) {
                throw new AssertionError(e);
            }
        }).toList();
    }

    private static byte[] classBytes(Class<?> c) throws IOException {
        try (InputStream in = c.getResourceAsStream(c.getSimpleName() + ".class")) {
            return in.readAllBytes();
        }
    }

    /**
     * A copy lives in another package and class loader than its source: every method that may be copied must use
     * only public classes and public members outside its own class (else the copy fails to link, or only when a
     * rare path runs). A helper that needs a package-private member belongs in {@link HelperCopies#SHARED_ONLY}.
     */
    @Test
    void everyCopyableMethodUsesOnlyPublicMembersOutsideItsClass() throws IOException {
        List<String> problems = new ArrayList<>();
        int checked = 0;
        for (Class<?> source : sources()) {
            String self = Type.getInternalName(source);
            List<String> methods = new ArrayList<>();
            new ClassReader(classBytes(source)).accept(new ClassVisitor(Opcodes.ASM9) {
                @Override
                public MethodVisitor visitMethod(int access, String name, String desc, String sig,
                                                 String[] exceptions) {
                    if (HelperCopies.SHARED_ONLY.contains(self + "." + name)) {
                        return null;
                    }
                    methods.add(name);
                    String where = self + "." + name + desc + ": ";
                    return new MethodVisitor(Opcodes.ASM9) {
                        @Override
                        public void visitTypeInsn(int opcode, String type) {
                            checkType(type, where);
                        }

                        @Override
                        public void visitFieldInsn(int opcode, String owner, String field, String d) {
                            if (!owner.equals(self)) {
                                Class<?> c = checkType(owner, where);
                                if (c != null && !isPublic(field(c, field))) {
                                    problems.add(where + "field " + owner + "." + field);
                                }
                            }
                        }

                        @Override
                        public void visitMethodInsn(int opcode, String owner, String method, String d, boolean itf) {
                            if (!owner.equals(self) && !owner.startsWith("[")) {
                                Class<?> c = checkType(owner, where);
                                if (c != null && !isPublic(method(c, method, d))) {
                                    problems.add(where + "method " + owner + "." + method + d);
                                }
                            }
                        }

                        @Override
                        public void visitInvokeDynamicInsn(String n, String d, Handle bsm, Object... args) {
                            for (Object arg : args) {
                                if (arg instanceof Handle h && !h.getOwner().equals(self)) {
                                    Class<?> c = checkType(h.getOwner(), where);
                                    if (c != null && !isPublic(method(c, h.getName(), h.getDesc()))) {
                                        problems.add(where + "handle " + h);
                                    }
                                }
                            }
                        }

                        private Class<?> checkType(String internalName, String where) {
                            Type t = Type.getObjectType(internalName);
                            while (t.getSort() == Type.ARRAY) {
                                t = t.getElementType();
                            }
                            if (t.getSort() != Type.OBJECT || t.getInternalName().equals(self)) {
                                return null;
                            }
                            try {
                                Class<?> c = Class.forName(t.getClassName(), false, source.getClassLoader());
                                for (Class<?> k = c; k != null; k = k.getEnclosingClass()) {
                                    if (!Modifier.isPublic(k.getModifiers())) {
                                        problems.add(where + "type " + t.getClassName() + " is not public");
                                    }
                                }
                                return c;
                            } catch (ClassNotFoundException e) {
                                problems.add(where + "type " + t.getClassName() + " not found");
                                return null;
                            }
                        }
                    };
                }
            }, 0);
            checked += methods.size();
        }
        assertThat(problems).isEmpty();
        assertThat(checked).as("methods checked").isGreaterThan(100);
    }

    private static boolean isPublic(Optional<? extends Member> m) {
        return m.isPresent() && Modifier.isPublic(m.get().getModifiers());
    }

    private static Optional<java.lang.reflect.Field> field(Class<?> c, String name) {
        for (Class<?> k = c; k != null; k = k.getSuperclass()) {
            Optional<java.lang.reflect.Field> f = Arrays.stream(k.getDeclaredFields())
                    .filter(x -> x.getName().equals(name)).findFirst();
            if (f.isPresent()) {
                return f;
            }
        }
        return Optional.empty();
    }

    private static Optional<? extends Member> method(Class<?> c, String name, String desc) {
        if (c == java.lang.invoke.VarHandle.class || c == java.lang.invoke.MethodHandle.class) {
            // Signature-polymorphic (VarHandle.get, MethodHandle.invokeExact): the call site's descriptor is its own.
            return Arrays.stream(c.getMethods()).filter(m -> m.getName().equals(name) && m.isVarArgs()).findFirst();
        }
        List<Class<?>> types = new ArrayList<>();
        for (Class<?> k = c; k != null; k = k.getSuperclass()) {
            types.add(k);
            types.addAll(Arrays.asList(k.getInterfaces()));
        }
        return types.stream().flatMap(k -> Stream.concat(Arrays.stream(k.getDeclaredMethods()),
                        Arrays.stream(k.getDeclaredConstructors())))
                .filter(m -> (m instanceof java.lang.reflect.Constructor<?> ? "<init>" : m.getName()).equals(name)
                        && desc.equals(m instanceof java.lang.reflect.Method x ? Type.getMethodDescriptor(x)
                        : Type.getConstructorDescriptor((java.lang.reflect.Constructor<?>) m)))
                .findFirst();
    }
}
