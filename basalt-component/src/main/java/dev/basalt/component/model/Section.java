package dev.basalt.component.model;

import java.util.Arrays;
import java.util.List;

/** One section of a component binary (Binary.md, {@code section_N}); ids are given by {@link #id()}. */
public sealed interface Section {
    int id();

    /** Section 0: a custom section; its contents are not interpreted. */
    record Custom(String name, byte[] data) implements Section {
        public int id() {
            return 0;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Custom c && name.equals(c.name) && Arrays.equals(data, c.data);
        }

        @Override
        public int hashCode() {
            return name.hashCode() * 31 + Arrays.hashCode(data);
        }
    }

    /** Section 1: one embedded core module. */
    record CoreModuleSection(CoreModule module) implements Section {
        public int id() {
            return 1;
        }
    }

    /** Section 2: core instances. */
    record CoreInstances(List<CoreInstance> instances) implements Section {
        public CoreInstances {
            instances = List.copyOf(instances);
        }

        public int id() {
            return 2;
        }
    }

    /** Section 3: core types (rec groups and module types). */
    record CoreTypes(List<CoreType> types) implements Section {
        public CoreTypes {
            types = List.copyOf(types);
        }

        public int id() {
            return 3;
        }
    }

    /** Section 4: one nested component. */
    record Components(Component component) implements Section {
        public int id() {
            return 4;
        }
    }

    /** Section 5: component instances. */
    record Instances(List<Instance> instances) implements Section {
        public Instances {
            instances = List.copyOf(instances);
        }

        public int id() {
            return 5;
        }
    }

    /** Section 6: aliases. */
    record Aliases(List<Alias> aliases) implements Section {
        public Aliases {
            aliases = List.copyOf(aliases);
        }

        public int id() {
            return 6;
        }
    }

    /** Section 7: component types. */
    record Types(List<TypeDef> types) implements Section {
        public Types {
            types = List.copyOf(types);
        }

        public int id() {
            return 7;
        }
    }

    /** Section 8: canonical definitions. */
    record Canons(List<Canon> canons) implements Section {
        public Canons {
            canons = List.copyOf(canons);
        }

        public int id() {
            return 8;
        }
    }

    /** Section 9: the start function (value-passing, 🪙). */
    record StartSection(Start start) implements Section {
        public int id() {
            return 9;
        }
    }

    /** Section 10: imports. */
    record Imports(List<Import> imports) implements Section {
        public Imports {
            imports = List.copyOf(imports);
        }

        public int id() {
            return 10;
        }
    }

    /** Section 11: exports. */
    record Exports(List<Export> exports) implements Section {
        public Exports {
            exports = List.copyOf(exports);
        }

        public int id() {
            return 11;
        }
    }

    /** Section 12: value definitions (🪙), each a value type and its encoded bytes. */
    record Values(List<ValueDef> values) implements Section {
        public Values {
            values = List.copyOf(values);
        }

        public int id() {
            return 12;
        }
    }

    /** {@code value ::= t:<valtype> len:<u32> v:<val(t)>}; the value bytes are kept as encoded. */
    record ValueDef(ValType type, byte[] encoded) {
        @Override
        public boolean equals(Object o) {
            return o instanceof ValueDef v && type.equals(v.type) && Arrays.equals(encoded, v.encoded);
        }

        @Override
        public int hashCode() {
            return type.hashCode() * 31 + Arrays.hashCode(encoded);
        }
    }
}
