package dev.basalt.component.model;

import java.util.List;

/** {@code start} 🪙: a function, its argument values and the number of result values. */
public record Start(int func, List<Integer> args, int results) {
    public Start {
        args = List.copyOf(args);
    }
}
