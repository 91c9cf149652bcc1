package dev.basalt.component.validate;

import dev.basalt.component.model.PrimValType;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A component-level type as the validator resolves it: what one entry of a type index space denotes. Type indices
 * are replaced by the types they denote, so comparisons are structural; each definition is a distinct object, which
 * the validator uses as the type's identity where the spec needs one (export visibility of named types).
 * Resources are compared by identity ({@link Resource}).
 */
sealed interface CType {
    /** Whether this is a defined value type (usable where a {@code valtype} is expected). */
    default boolean isValueType() {
        return !(this instanceof Func || this instanceof ComponentT || this instanceof InstanceT
                || this instanceof ResourceRef);
    }

    /** A short name for messages: "u32", "record", "list", ... */
    String describe();

    record Prim(PrimValType type) implements CType {
        public String describe() {
            return type.text();
        }
    }

    /** A record; {@code names} and {@code types} are parallel. Records are compared structurally. */
    final class Record implements CType {
        final List<String> names;
        final List<CType> types;

        Record(List<String> names, List<CType> types) {
            this.names = List.copyOf(names);
            this.types = List.copyOf(types);
        }

        public String describe() {
            return "record";
        }
    }

    final class Variant implements CType {
        final List<String> names;
        final List<Optional<CType>> types;

        Variant(List<String> names, List<Optional<CType>> types) {
            this.names = List.copyOf(names);
            this.types = List.copyOf(types);
        }

        public String describe() {
            return "variant";
        }
    }

    final class ListOf implements CType {
        final CType element;
        final OptionalInt length;

        ListOf(CType element, OptionalInt length) {
            this.element = element;
            this.length = length;
        }

        public String describe() {
            return "list";
        }
    }

    final class Tuple implements CType {
        final List<CType> types;

        Tuple(List<CType> types) {
            this.types = List.copyOf(types);
        }

        public String describe() {
            return "tuple";
        }
    }

    final class Flags implements CType {
        final List<String> names;

        Flags(List<String> names) {
            this.names = List.copyOf(names);
        }

        public String describe() {
            return "flags";
        }
    }

    final class Enum implements CType {
        final List<String> names;

        Enum(List<String> names) {
            this.names = List.copyOf(names);
        }

        public String describe() {
            return "enum";
        }
    }

    final class OptionOf implements CType {
        final CType type;

        OptionOf(CType type) {
            this.type = type;
        }

        public String describe() {
            return "option";
        }
    }

    final class ResultOf implements CType {
        final Optional<CType> ok;
        final Optional<CType> error;

        ResultOf(Optional<CType> ok, Optional<CType> error) {
            this.ok = ok;
            this.error = error;
        }

        public String describe() {
            return "result";
        }
    }

    /** {@code (own r)} / {@code (borrow r)}: {@code ref} is the type index entry it names (for visibility). */
    final class Handle implements CType {
        final boolean own;
        final ResourceRef ref;

        Handle(boolean own, ResourceRef ref) {
            this.own = own;
            this.ref = ref;
        }

        public String describe() {
            return own ? "own" : "borrow";
        }
    }

    final class StreamOf implements CType {
        final Optional<CType> element;

        StreamOf(Optional<CType> element) {
            this.element = element;
        }

        public String describe() {
            return "stream";
        }
    }

    final class FutureOf implements CType {
        final Optional<CType> element;

        FutureOf(Optional<CType> element) {
            this.element = element;
        }

        public String describe() {
            return "future";
        }
    }

    final class MapOf implements CType {
        final CType key;
        final CType value;

        MapOf(CType key, CType value) {
            this.key = key;
            this.value = value;
        }

        public String describe() {
            return "map";
        }
    }

    final class Func implements CType {
        final boolean async;
        final List<String> paramNames;
        final List<CType> params;
        final Optional<CType> result;

        Func(boolean async, List<String> paramNames, List<CType> params, Optional<CType> result) {
            this.async = async;
            this.paramNames = List.copyOf(paramNames);
            this.params = List.copyOf(params);
            this.result = result;
        }

        public String describe() {
            return "func";
        }
    }

    /** A component type: its imports and exports by name, in order. */
    final class ComponentT implements CType {
        final Map<String, Entity> imports;
        final Map<String, Entity> exports;

        ComponentT(Map<String, Entity> imports, Map<String, Entity> exports) {
            this.imports = new LinkedHashMap<>(imports);
            this.exports = new LinkedHashMap<>(exports);
        }

        public String describe() {
            return "component";
        }
    }

    final class InstanceT implements CType {
        final Map<String, Entity> exports;
        /**
         * The type entries that have a name inside this instance type (its type exports, and in a declared instance
         * type whatever its declarators import or export), for the visibility check made when the type is used.
         */
        final java.util.Set<CType> named = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        /** The abstract resources its declarators introduce ({@code (sub resource)}): fresh for each import. */
        final java.util.List<Resource> declared = new java.util.ArrayList<>();

        InstanceT(Map<String, Entity> exports) {
            this.exports = new LinkedHashMap<>(exports);
            for (Entity e : exports.values()) {
                if (e instanceof TypeE t) {
                    named.add(t.type());
                }
            }
        }

        public String describe() {
            return "instance";
        }
    }

    /** A resource type entry of a type index space: a reference to the resource (its identity). */
    final class ResourceRef implements CType {
        final Resource resource;

        ResourceRef(Resource resource) {
            this.resource = resource;
        }

        public String describe() {
            return "resource";
        }
    }

    /**
     * A resource, compared by identity: one defined by {@code (resource (rep i32))} in a concrete component
     * ({@code owner} is that component's state), or an abstract one ({@code (sub resource)}), or the fresh copy an
     * instantiation makes of a component's exported abstract resource.
     */
    final class Resource {
        final Object owner;
        final OptionalInt destructor;

        Resource(Object owner, OptionalInt destructor) {
            this.owner = owner;
            this.destructor = destructor;
        }
    }

    /** What an import, export or instance export is: a sort and its type. */
    sealed interface Entity {
        String sortName();
    }

    record ModuleE(CoreModuleType type) implements Entity {
        public String sortName() {
            return "module";
        }
    }

    record FuncE(Func type) implements Entity {
        public String sortName() {
            return "func";
        }
    }

    record ValueE(CType type) implements Entity {
        public String sortName() {
            return "value";
        }
    }

    record TypeE(CType type) implements Entity {
        public String sortName() {
            return "type";
        }
    }

    record ComponentE(ComponentT type) implements Entity {
        public String sortName() {
            return "component";
        }
    }

    record InstanceE(InstanceT type) implements Entity {
        public String sortName() {
            return "instance";
        }
    }
}
