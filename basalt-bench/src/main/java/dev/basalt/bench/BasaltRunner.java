package dev.basalt.bench;

import dev.basalt.Config;
import dev.basalt.Engine;
import dev.basalt.Func;
import dev.basalt.InstancePre;
import dev.basalt.Linker;
import dev.basalt.Module;
import dev.basalt.Store;

/**
 * Basalt with one execution strategy. Compile = {@link Module#compile} plus pre-linking ({@code instantiatePre});
 * instantiate = a new {@link Store} and {@link InstancePre#instantiate}.
 */
abstract class BasaltRunner extends JvmRunner {
    private final String name;
    private final Engine engine;

    BasaltRunner(String name, Config.Strategy strategy) {
        this.name = name;
        this.engine = Engine.create(Config.builder().strategy(strategy).build());
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    Compiled compile(byte[] wasm) {
        Module module = Module.compile(engine, wasm);
        InstancePre<Void> pre = Linker.<Void>create(engine).instantiatePre(module);
        return () -> {
            Func run = pre.instantiate(Store.create(engine)).getFunc("run").orElseThrow();
            return run::callI64;
        };
    }
}
