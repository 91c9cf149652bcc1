package dev.basalt.component.internal.runtime;

import dev.basalt.component.ComponentException;
import dev.basalt.component.ComponentFuncType;
import dev.basalt.component.ComponentValue;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

/** A component function implemented by the host: receives lifted arguments, returns values to lower. */
public final class HostFunc implements FuncInst {
    private final String name;
    private final ComponentFuncType type;
    private final Function<List<ComponentValue>, List<ComponentValue>> body;

    public HostFunc(String name, ComponentFuncType type, Function<List<ComponentValue>, List<ComponentValue>> body) {
        this.name = name;
        this.type = type;
        this.body = body;
    }

    @Override
    public ComponentFuncType type() {
        return type;
    }

    @Override
    public void call(RuntimeInstance caller, Supplier<Lifted> onStart, Consumer<Lifted> onResolve) {
        Lifted args = onStart.get();
        List<ComponentValue> results = body.apply(args.values());
        onResolve.accept(Lifted.of(checkResults(name, type, results)));
    }

    /** The values a host function returned, if they are as many as its type's results; else the host's bug. */
    static List<ComponentValue> checkResults(String name, ComponentFuncType type, List<ComponentValue> results) {
        if (results == null || results.size() != type.resultTypes().size()) {
            throw new ComponentException("host function " + name + " returned "
                    + (results == null ? "null" : results.size() + " values") + " where its type " + type
                    + " has " + type.resultTypes().size());
        }
        return results;
    }

    @Override
    public String toString() {
        return "host function " + name;
    }
}
