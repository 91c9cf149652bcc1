package dev.basalt.compiler;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.FieldVisitor;
import org.objectweb.asm.Handle;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

/**
 * Per-module copies of the static helpers that generated code calls ({@link MemorySupport}'s accessors,
 * {@link Support#charge}, {@link Support#room}, the runtime's {@code NumericOps} and {@code SimdOps}, ...), so that each module's code
 * calls methods of its own and HotSpot keeps one profile per module.
 *
 * <p>Why: HotSpot profiles a method once (branch and type profiles, the call sites' receiver types, uncommon traps
 * taken), and C2 inlines a shared helper into a module's hot loop with the profile that every caller of that helper
 * shaped. With shared helpers, hash ran 15 ms per call alone in a JVM but 18-22 ms after deflate's compiled code (or
 * the interpreter, which calls the same {@code NumericOps}) ran in it: the first modules decide how the helpers
 * compile for all later ones. A server running many modules is in the same position.
 *
 * <p>How: while a module's classes are generated, {@link #remap} rewrites each {@code invokestatic} of a method of a
 * {@linkplain #SOURCES source class} to the same method of the module's copy of that class,
 * {@code <module class>$<simple name>}, and remembers it. {@link #classes} then writes each copy: the used methods
 * and, transitively, the methods of the same class they call, with the class's static fields and initializer when
 * a copied method reads them (MemorySupport's {@code VarHandle}s), copied bytecode for bytecode from the helper's own
 * class file, so copies keep the originals' size (MemoryHelpersTest's rules about C1's inline limit hold for them)
 * and behaviour. Only methods of a source class that every class may call are copied: their bytecode names only
 * public members outside their own class (HelperCopiesTest checks that for every method not in
 * {@link #SHARED_ONLY}). The copies live in the module's class loader and go away with it. The first module in the
 * JVM to call a source class calls the shared class itself ({@link #callsShared}), so one module alone (a cold
 * start) costs nothing more.
 *
 * <p>One instance per module, shared by its parts (and tiering batches); not thread-safe (one compile thread).
 */
final class HelperCopies {
    /**
     * The helper classes that modules get copies of (internal names: naming them as classes would load SimdOps'
     * 50 KB in every JVM that compiles a module).
     */
    static final List<String> SOURCES = List.of("dev/basalt/compiler/MemorySupport", "dev/basalt/compiler/Support",
            "dev/basalt/compiler/DispatchSupport", "dev/basalt/compiler/SimdSupport",
            "dev/basalt/internal/ops/NumericOps", "dev/basalt/internal/ops/SimdOps");

    /**
     * Methods of the source classes that stay shared: the calls out of compiled code through the runtime (the
     * backtrace walk, {@code StoreState}, recognises their frames, {@code Support.invokeAtRoom} and
     * {@code trampoline}, by class name; the trampoline also uses package-private members, which a copy in another
     * package cannot), and the {@code intTable} bootstrap method, which a constant names rather than a call.
     */
    static final Set<String> SHARED_ONLY = Set.of(
            "dev/basalt/compiler/Support.trampoline", "dev/basalt/compiler/Support.intTable",
            "dev/basalt/compiler/Support.callFunction", "dev/basalt/compiler/Support.callInstance",
            "dev/basalt/compiler/Support.invokeAtRoom", "dev/basalt/compiler/Support.invoke");

    private static final Map<String, Source> BY_NAME = new HashMap<>();

    static {
        for (String name : SOURCES) {
            BY_NAME.put(name, new Source(name));
        }
    }

    /** Source classes (internal names) that some module calls directly, see {@link #callsShared}. */
    private static final Set<String> CLAIMED = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private final String prefix;
    /** Per source class this module calls: whether it calls the shared class (it claimed it) or its copy. */
    private final Map<String, Boolean> callsShared = new HashMap<>();
    /** Per source class (internal name): the methods ({@code name + desc}) the module's code calls, in order. */
    private final Map<String, Set<String>> used = new LinkedHashMap<>();
    /** Copies already written, per source class: the methods each has (a tiering batch may need more). */
    private final Map<String, Set<String>> written = new HashMap<>();

    /** Copies for the module whose (first) generated class is {@code prefix}. */
    HelperCopies(String prefix) {
        this.prefix = prefix;
    }

    /** The name of the module's copy of source class {@code source} (an internal name). */
    String copyName(String source) {
        return prefix + "$" + source.substring(source.lastIndexOf('/') + 1);
    }

    /**
     * {@code out} with each {@code invokestatic} of a copied helper going to the module's copy instead. Only calls:
     * method handles in constants (bootstrap methods) keep naming the shared class.
     */
    ClassVisitor remap(ClassVisitor out) {
        return new ClassVisitor(Opcodes.ASM9, out) {
            @Override
            public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                                             String[] exceptions) {
                return new MethodVisitor(Opcodes.ASM9, super.visitMethod(access, name, descriptor, signature,
                        exceptions)) {
                    @Override
                    public void visitMethodInsn(int opcode, String owner, String method, String desc, boolean itf) {
                        if (opcode == Opcodes.INVOKESTATIC && BY_NAME.containsKey(owner)
                                && !SHARED_ONLY.contains(owner + "." + method) && !callsShared(owner)
                                && BY_NAME.get(owner).available()) {
                            Set<String> copy = written.get(owner);
                            if (copy != null && !copy.contains(method + desc)) {
                                // A tiering batch calls a method that the module's copy, written for an earlier
                                // batch, lacks: that call keeps going to the shared method.
                                super.visitMethodInsn(opcode, owner, method, desc, itf);
                                return;
                            }
                            used.computeIfAbsent(owner, k -> new LinkedHashSet<>()).add(method + desc);
                            owner = copyName(owner);
                        }
                        super.visitMethodInsn(opcode, owner, method, desc, itf);
                    }
                };
            }
        };
    }

    /**
     * Whether this module calls source class {@code owner}'s shared methods rather than a copy: the first module in
     * the JVM that calls a source class does (it claims the class), every later one gets a copy. No two compiled
     * modules then share a helper, and a JVM that runs one module (a command, a cold start) writes no copy: in a
     * fresh JVM, writing the first copies (reading the helpers' class files with code the JVM has not compiled yet)
     * cost about 40 ms.
     */
    private boolean callsShared(String owner) {
        return callsShared.computeIfAbsent(owner, CLAIMED::add);
    }

    /**
     * The copies that the code generated since the last call calls and that are not written yet: class names and
     * class files, to be defined in the module's class loader (or a child of it) with that code. A copy is written
     * once per module, with the methods used so far; calls that later code (a tiering batch) makes to other methods
     * of its source class stay with the shared class (see {@link #remap}).
     */
    List<Copy> classes() {
        List<Copy> out = new ArrayList<>();
        for (Map.Entry<String, Set<String>> e : used.entrySet()) {
            String source = e.getKey();
            if (!written.containsKey(source)) {
                Set<String> methods = BY_NAME.get(source).closure(e.getValue());
                written.put(source, methods);
                out.add(new Copy(copyName(source), BY_NAME.get(source).copy(copyName(source), methods)));
            }
        }
        return out;
    }

    /** One copied class: its internal name and class file. */
    record Copy(String className, byte[] bytes) {
    }

    /**
     * A source class: its class file (read once, on first use) and, per method, the methods of the same class it
     * calls and whether it reads the class's static fields.
     */
    private static final class Source {
        private final String name;
        private volatile Parsed parsed;

        Source(String name) {
            this.name = name;
        }

        boolean available() {
            return parsed() != null;
        }

        private Parsed parsed() {
            Parsed p = parsed;
            if (p == null) {
                synchronized (this) {
                    if (parsed == null) {
                        parsed = Parsed.of(name);
                    }
                    p = parsed;
                }
            }
            return p == Parsed.ABSENT ? null : p;
        }

        /** {@code roots} and what they call in this class, transitively; with the initializer if fields are read. */
        Set<String> closure(Set<String> roots) {
            Parsed p = parsed();
            Set<String> out = new LinkedHashSet<>();
            List<String> todo = new ArrayList<>(roots);
            while (!todo.isEmpty()) {
                String m = todo.removeLast();
                if (out.add(m)) {
                    MethodInfo info = p.methods.get(m);
                    if (info == null) {
                        throw new IllegalStateException("generated code calls " + name + "." + m + ", which "
                                + "its class file does not define");
                    }
                    todo.addAll(info.calls);
                    if (info.usesFields && p.methods.containsKey("<clinit>()V")) {
                        todo.add("<clinit>()V");
                    }
                }
            }
            return out;
        }

        /**
         * Written copies by method set, under a placeholder name: most modules call the same helpers, and renaming a
         * written class (one constant) costs an array copy, where writing it again costs a parse of the source.
         */
        private final Map<Set<String>, byte[]> templates = new java.util.concurrent.ConcurrentHashMap<>();

        /** A class {@code copyName} with {@code methods} of this one (and all its static fields), self-references renamed. */
        byte[] copy(String copyName, Set<String> methods) {
            String placeholder = PLACEHOLDER_PACKAGE + name.substring(name.lastIndexOf('/') + 1);
            byte[] template = templates.get(methods);
            if (template == null) {
                template = write(placeholder, methods);
                if (templates.size() < MAX_TEMPLATES) {
                    templates.put(Set.copyOf(methods), template);
                }
            }
            byte[] renamed = ClassNames.rename(template, placeholder, copyName);
            return renamed != null ? renamed : write(copyName, methods);
        }

        /** Writes the copy: the class file of this one, with only {@code methods}, renamed to {@code copyName}. */
        private byte[] write(String copyName, Set<String> methods) {
            ClassWriter cw = new ClassWriter(0); // frames and max stack are the original's: the code is unchanged
            new ClassReader(parsed().bytes).accept(new ClassVisitor(Opcodes.ASM9, cw) {
                @Override
                public void visit(int version, int access, String n, String signature, String superName,
                                  String[] interfaces) {
                    super.visit(version, Opcodes.ACC_PUBLIC | Opcodes.ACC_FINAL | Opcodes.ACC_SUPER, copyName, null,
                            "java/lang/Object", null);
                }

                @Override
                public void visitNestHost(String nestHost) {
                    // the copy is its own nest: it uses no private member of the source's nest mates
                }

                @Override
                public void visitNestMember(String nestMember) {
                }

                @Override
                public void visitInnerClass(String n, String outerName, String innerName, int access) {
                }

                @Override
                public void visitPermittedSubclass(String permittedSubclass) {
                }

                @Override
                public org.objectweb.asm.AnnotationVisitor visitAnnotation(String descriptor, boolean visible) {
                    return null;
                }

                @Override
                public FieldVisitor visitField(int access, String n, String descriptor, String signature,
                                               Object value) {
                    return (access & Opcodes.ACC_STATIC) != 0
                            ? super.visitField(access, n, descriptor, signature, value) : null;
                }

                @Override
                public MethodVisitor visitMethod(int access, String n, String descriptor, String signature,
                                                 String[] exceptions) {
                    if (!methods.contains(n + descriptor)) {
                        return null;
                    }
                    return new MethodVisitor(Opcodes.ASM9, super.visitMethod(access, n, descriptor, signature,
                            exceptions)) {
                        @Override
                        public void visitMethodInsn(int opcode, String owner, String m, String d, boolean itf) {
                            super.visitMethodInsn(opcode, owner.equals(name) ? copyName : owner, m, d, itf);
                        }

                        @Override
                        public void visitFieldInsn(int opcode, String owner, String f, String d) {
                            super.visitFieldInsn(opcode, owner.equals(name) ? copyName : owner, f, d);
                        }

                        @Override
                        public void visitInvokeDynamicInsn(String n2, String d, Handle bsm, Object... args) {
                            // A lambda's body is a (private) method of the source class: the copy's own.
                            Object[] mapped = args.clone();
                            for (int i = 0; i < mapped.length; i++) {
                                if (mapped[i] instanceof Handle h && h.getOwner().equals(name)) {
                                    mapped[i] = new Handle(h.getTag(), copyName, h.getName(), h.getDesc(),
                                            h.isInterface());
                                }
                            }
                            super.visitInvokeDynamicInsn(n2, d, bsm, mapped);
                        }

                        @Override
                        public org.objectweb.asm.AnnotationVisitor visitAnnotation(String descriptor,
                                                                                   boolean visible) {
                            return null;
                        }
                    };
                }
            }, 0);
            return cw.toByteArray();
        }
    }

    /** The package of the written-once templates of copies (never defined under that name). */
    private static final String PLACEHOLDER_PACKAGE = "dev/basalt/compiler/gen/$helper$/";
    /** Templates kept per source class: the method sets modules use are few; a module with an unusual one pays a write. */
    private static final int MAX_TEMPLATES = 64;

    /** What a method of a source class refers to in its own class. */
    private record MethodInfo(Set<String> calls, boolean usesFields) {
    }

    /** A source class's bytes and its methods' references to itself. */
    private record Parsed(byte[] bytes, Map<String, MethodInfo> methods) {
        static final Parsed ABSENT = new Parsed(new byte[0], Map.of());

        /**
         * Reads class {@code name}'s class file where the compiler's class loader finds its classes (ABSENT if it
         * does not expose it: the helpers then stay shared).
         */
        static Parsed of(String name) {
            byte[] bytes;
            ClassLoader loader = HelperCopies.class.getClassLoader();
            try (InputStream in = loader == null ? null : loader.getResourceAsStream(name + ".class")) {
                if (in == null) {
                    return ABSENT;
                }
                bytes = in.readAllBytes();
            } catch (IOException e) {
                return ABSENT;
            }
            Map<String, MethodInfo> methods = new HashMap<>();
            new ClassReader(bytes).accept(new ClassVisitor(Opcodes.ASM9) {
                @Override
                public MethodVisitor visitMethod(int access, String n, String descriptor, String signature,
                                                 String[] exceptions) {
                    Set<String> calls = new HashSet<>();
                    boolean[] fields = new boolean[1];
                    methods.put(n + descriptor, new MethodInfo(calls, false));
                    return new MethodVisitor(Opcodes.ASM9) {
                        @Override
                        public void visitMethodInsn(int opcode, String owner, String m, String d, boolean itf) {
                            if (owner.equals(name)) {
                                calls.add(m + d);
                            }
                        }

                        @Override
                        public void visitFieldInsn(int opcode, String owner, String f, String d) {
                            fields[0] |= owner.equals(name);
                        }

                        @Override
                        public void visitInvokeDynamicInsn(String n2, String d, Handle bsm, Object... args) {
                            for (Object arg : args) {
                                if (arg instanceof Handle h && h.getOwner().equals(name)) {
                                    calls.add(h.getName() + h.getDesc());
                                }
                            }
                        }

                        @Override
                        public void visitEnd() {
                            methods.put(n + descriptor, new MethodInfo(calls, fields[0]));
                        }
                    };
                }
            }, ClassReader.SKIP_DEBUG | ClassReader.SKIP_FRAMES);
            return new Parsed(bytes, methods);
        }
    }
}
