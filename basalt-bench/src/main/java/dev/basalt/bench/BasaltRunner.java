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
    /**
     * Set (to {@code true}) by {@code --fuel}: every call's store meters fuel ({@code Store.setFuel} with more than any
     * workload uses), so the table shows what metering costs. Child JVMs get it too ({@link ProcessRunner#childJvm}).
     */
    static final String FUEL_PROPERTY = "basalt.bench.fuel";

    static boolean metersFuel() {
        return Boolean.getBoolean(FUEL_PROPERTY);
    }


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
        boolean fuel = metersFuel();
        return () -> {
            Store<Void> store = Store.create(engine);
            if (fuel) {
                store.setFuel(Long.MAX_VALUE / 4);
            }
            Func run = pre.instantiate(store).getFunc("run").orElseThrow();
            return run::callI64;
        };
    }
}
