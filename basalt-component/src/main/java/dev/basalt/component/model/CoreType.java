package dev.basalt.component.model;

import dev.basalt.wasm.RecGroup;
import java.util.Arrays;
import java.util.List;

/** {@code core:type} in a component: a core rec group or a core module type. */
public sealed interface CoreType {
    /**
     * A core rec group (a function, struct or array type and their {@code sub}/{@code rec} forms), decoded with the
     * core reader. {@code encoding} is its bytes in the component encoding (a non-final top-level {@code sub} is
     * {@code 0x00 0x50}), written back unchanged.
     */
    record Rec(RecGroup group, byte[] encoding) implements CoreType {
        public Rec {
            encoding = encoding.clone();
        }

        @Override
        public byte[] encoding() {
            return encoding.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Rec r && Arrays.equals(encoding, r.encoding);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(encoding);
        }
    }

    /** {@code (module moduledecl*)}. */
    record ModuleType(List<ModuleDecl> decls) implements CoreType {
        public ModuleType {
            decls = List.copyOf(decls);
        }
    }

    /** {@code core:moduledecl}. */
    sealed interface ModuleDecl {
    }

    /**
     * {@code core:import}: module and field name and the core extern type. The extern type is kept as its kind
     * byte (0 func, 1 table, 2 memory, 3 global, 4 tag) and encoded descriptor.
     */
    record ImportDecl(String module, String name, CoreExternType type) implements ModuleDecl {
    }

    record TypeDecl(CoreType type) implements ModuleDecl {
    }

    /** {@code (alias outer ct idx (type))}. */
    record OuterTypeAlias(int count, int index) implements ModuleDecl {
    }

    record ExportDecl(String name, CoreExternType type) implements ModuleDecl {
    }

    /** {@code core:externtype}: {@code kind} byte and the bytes of its descriptor after it. */
    record CoreExternType(int kind, byte[] descriptor) {
        public CoreExternType {
            descriptor = descriptor.clone();
        }

        @Override
        public byte[] descriptor() {
            return descriptor.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof CoreExternType t && kind == t.kind && Arrays.equals(descriptor, t.descriptor);
        }

        @Override
        public int hashCode() {
            return kind * 31 + Arrays.hashCode(descriptor);
        }
    }
}
