package dev.basalt.component.wit;

import java.util.List;
import java.util.Optional;

/**
 * A named type definition of an interface or world.
 *
 * @param owner the interface or world that defines (or {@code use}s) the name
 */
public record TypeDef(String name, Owner owner, Optional<String> docs, Stability stability, Kind kind) {
    /** Who defines a type. */
    public sealed interface Owner {
        record OfInterface(Resolve.InterfaceId id) implements Owner {}

        record OfWorld(Resolve.WorldId id) implements Owner {}
    }

    /** What a type definition is. */
    public sealed interface Kind {}

    public record Record(List<Field> fields) implements Kind {
        public Record {
            fields = List.copyOf(fields);
        }
    }

    public record Field(String name, WitType type, Optional<String> docs) {}

    public record Variant(List<Case> cases) implements Kind {
        public Variant {
            cases = List.copyOf(cases);
        }
    }

    public record Case(String name, Optional<WitType> type, Optional<String> docs) {}

    public record Enum(List<Label> cases) implements Kind {
        public Enum {
            cases = List.copyOf(cases);
        }
    }

    public record Flags(List<Label> flags) implements Kind {
        public Flags {
            flags = List.copyOf(flags);
        }
    }

    public record Label(String name, Optional<String> docs) {}

    /** A resource type; its constructor, methods and static functions are {@link Function}s of the owner. */
    public record Resource() implements Kind {}

    /** {@code type name = target;} */
    public record Alias(WitType target) implements Kind {}

    /** A name brought in by {@code use iface.{target-name [as name]}}: the same type as {@code target}. */
    public record Use(Resolve.TypeId target) implements Kind {}
}
