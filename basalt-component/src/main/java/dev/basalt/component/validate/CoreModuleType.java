package dev.basalt.component.validate;

import dev.basalt.wasm.CompositeType;
import dev.basalt.wasm.GlobalType;
import dev.basalt.wasm.MemoryType;
import dev.basalt.wasm.TableType;
import java.util.List;
import java.util.Map;

/**
 * The type of a core module as the component validator sees it: its imports (two-level names, in order) and
 * exports, each a {@link CoreExtern}.
 */
record CoreModuleType(List<CoreImport> imports, Map<String, CoreExtern> exports) {
    CoreModuleType {
        imports = List.copyOf(imports);
        exports = Map.copyOf(exports);
    }

    record CoreImport(String module, String name, CoreExtern type) {
    }

    /** A core extern type: a function (by signature), table, memory, global or tag. */
    sealed interface CoreExtern {
        String kindName();
    }

    record CFunc(CompositeType.Func type) implements CoreExtern {
        public String kindName() {
            return "func";
        }
    }

    record CTable(TableType type) implements CoreExtern {
        public String kindName() {
            return "table";
        }
    }

    record CMemory(MemoryType type) implements CoreExtern {
        public String kindName() {
            return "memory";
        }
    }

    record CGlobal(GlobalType type) implements CoreExtern {
        public String kindName() {
            return "global";
        }
    }

    record CTag(CompositeType.Func type) implements CoreExtern {
        public String kindName() {
            return "tag";
        }
    }
}
