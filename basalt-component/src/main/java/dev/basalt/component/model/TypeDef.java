package dev.basalt.component.model;

import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * {@code deftype} (Binary.md "Type Definitions"): a defined value type, a function type, a component or instance
 * type with its declarators, or a resource type.
 */
public sealed interface TypeDef {
    /** A primitive used as a type definition ({@code (type string)}). */
    record Prim(PrimValType type) implements TypeDef {
    }

    record Record(List<Field> fields) implements TypeDef {
        public Record {
            fields = List.copyOf(fields);
        }
    }

    record Variant(List<Case> cases) implements TypeDef {
        public Variant {
            cases = List.copyOf(cases);
        }
    }

    /** {@code (list t)}, or with {@code length} the fixed-size {@code (list t len)}. */
    record ListOf(ValType element, OptionalInt length) implements TypeDef {
    }

    record Tuple(List<ValType> types) implements TypeDef {
        public Tuple {
            types = List.copyOf(types);
        }
    }

    record Flags(List<String> labels) implements TypeDef {
        public Flags {
            labels = List.copyOf(labels);
        }
    }

    record Enum(List<String> labels) implements TypeDef {
        public Enum {
            labels = List.copyOf(labels);
        }
    }

    record OptionOf(ValType type) implements TypeDef {
    }

    record ResultOf(Optional<ValType> ok, Optional<ValType> error) implements TypeDef {
    }

    record Own(int resource) implements TypeDef {
    }

    record Borrow(int resource) implements TypeDef {
    }

    record StreamOf(Optional<ValType> element) implements TypeDef {
    }

    record FutureOf(Optional<ValType> element) implements TypeDef {
    }

    record MapOf(ValType key, ValType value) implements TypeDef {
    }

    /** {@code (func async? (param "l" t)* (result t)?)}. */
    record Func(boolean async, List<Param> params, Optional<ValType> result) implements TypeDef {
        public Func {
            params = List.copyOf(params);
        }
    }

    /** {@code (component decl*)}. */
    record ComponentType(List<Decl> decls) implements TypeDef {
        public ComponentType {
            decls = List.copyOf(decls);
        }
    }

    /** {@code (instance decl*)}; never holds {@link Decl.ImportDecl}. */
    record InstanceType(List<Decl> decls) implements TypeDef {
        public InstanceType {
            decls = List.copyOf(decls);
        }
    }

    /**
     * {@code (resource (rep i32) (dtor f)?)}; {@code rep} is the core value type byte (only {@code i32}, 0x7f, is
     * valid).
     */
    record Resource(int rep, OptionalInt destructor) implements TypeDef {
    }

    record Field(String name, ValType type) {
    }

    record Case(String name, Optional<ValType> type) {
    }

    record Param(String name, ValType type) {
    }
}
