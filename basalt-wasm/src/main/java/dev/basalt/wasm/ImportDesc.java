package dev.basalt.wasm;

/** What an import is: a function of a given type, a table, a memory, a global or a tag. */
public sealed interface ImportDesc {
    ExternKind kind();

    record Func(int typeIndex) implements ImportDesc {
        public ExternKind kind() {
            return ExternKind.FUNC;
        }
    }

    record Table(TableType type) implements ImportDesc {
        public ExternKind kind() {
            return ExternKind.TABLE;
        }
    }

    record Memory(MemoryType type) implements ImportDesc {
        public ExternKind kind() {
            return ExternKind.MEMORY;
        }
    }

    record Global(GlobalType type) implements ImportDesc {
        public ExternKind kind() {
            return ExternKind.GLOBAL;
        }
    }

    record Tag(TagType type) implements ImportDesc {
        public ExternKind kind() {
            return ExternKind.TAG;
        }
    }
}
