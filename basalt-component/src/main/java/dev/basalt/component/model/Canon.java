package dev.basalt.component.model;

import java.util.List;

/** {@code canon} (Binary.md "Canonical Definitions"). */
public sealed interface Canon {
    /** {@code (canon lift f opts type)}: a core function to a component function of type {@code type}. */
    record Lift(int coreFunc, List<CanonOpt> options, int type) implements Canon {
        public Lift {
            options = List.copyOf(options);
        }
    }

    /** {@code (canon lower f opts (core func))}. */
    record Lower(int func, List<CanonOpt> options) implements Canon {
        public Lower {
            options = List.copyOf(options);
        }
    }

    record ResourceNew(int resource) implements Canon {
    }

    record ResourceDrop(int resource) implements Canon {
    }

    record ResourceRep(int resource) implements Canon {
    }

    /**
     * One of the async, error-context and thread built-ins (🔀 📝 🧵), kept as its opcode and immediates in binary
     * order (type/function/table indices, flags and core value type bytes as u32) plus options where the opcode
     * takes them. Basalt does not run these yet; they are decoded so that such components read and round-trip.
     */
    record Builtin(int opcode, List<Integer> immediates, List<CanonOpt> options) implements Canon {
        public Builtin {
            immediates = List.copyOf(immediates);
            options = List.copyOf(options);
        }
    }
}
