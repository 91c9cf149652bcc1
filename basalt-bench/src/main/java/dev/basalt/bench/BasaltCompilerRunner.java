package dev.basalt.bench;

import dev.basalt.Config;
import dev.basalt.Engine;
import dev.basalt.Func;
import dev.basalt.InstancePre;
import dev.basalt.Linker;
import dev.basalt.Module;
import dev.basalt.Store;

/** Basalt's compiler (Wasm to JVM bytecode, {@link Config.Strategy#COMPILER}). */
final class BasaltCompilerRunner implements Runner {
    private final Engine engine = Engine.create(Config.builder().strategy(Config.Strategy.COMPILER).build());

    @Override
    public String name() {
        return "basalt-compiler";
    }

    @Override
    public Prepared prepare(byte[] wasm) {
        Module module = Module.compile(engine, wasm);
        InstancePre<Void> pre = Linker.<Void>create(engine).instantiatePre(module);
        return () -> {
            Store<Void> store = Store.create(engine);
            Func run = pre.instantiate(store).getFunc("run").orElseThrow();
            return run.callI64();
        };
    }
}
