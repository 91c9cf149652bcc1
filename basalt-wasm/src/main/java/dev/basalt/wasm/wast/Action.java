package dev.basalt.wasm.wast;

import java.util.List;
import java.util.Optional;

/** {@code (invoke $m? "name" arg*)} or {@code (get $m? "name")}. */
public sealed interface Action {
    Optional<String> module();

    String name();

    record Invoke(Optional<String> module, String name, List<WastValue> args) implements Action {
        public Invoke {
            args = List.copyOf(args);
        }
    }

    record Get(Optional<String> module, String name) implements Action {
    }
}
