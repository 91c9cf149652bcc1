package dev.basalt.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.basalt.Config;
import dev.basalt.Engine;
import dev.basalt.Func;
import dev.basalt.Instance;
import dev.basalt.Linker;
import dev.basalt.Memory;
import dev.basalt.Module;
import dev.basalt.Store;
import dev.basalt.Trap;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The differential test on the benchmark workloads: the interpreter and the compiler run the same module and must
 * end in the same state. Full runs are compared in {@link WorkloadResultsTest} (both equal native's answer); here
 * each workload runs under fuel budgets that stop it part-way, so both engines must trap with the same kind at the
 * same point: same remaining fuel, same linear memory contents.
 */
class WorkloadDifferentialTest {
    /** Budgets small enough that every workload traps in them, at different depths of its loops. */
    private static final long[] FUEL = {1, 777, 250_003};

    private static final Engine INTERPRETER = Engine.create(Config.builder()
            .strategy(Config.Strategy.INTERPRETER).build());
    private static final Engine COMPILER = Engine.create(Config.builder().strategy(Config.Strategy.COMPILER).build());

    /** Where a fuel-limited run ended: its result or trap kind, the fuel left, a digest of memory. */
    record End(String outcome, OptionalLong fuelLeft, int memoryHash) {
    }

    static End runWithFuel(Engine engine, byte[] wasm, long fuel) {
        Store<Void> store = Store.create(engine);
        store.setFuel(fuel);
        Instance instance = Linker.<Void>create(engine).instantiate(store, Module.compile(engine, wasm));
        Func run = instance.getFunc("run").orElseThrow();
        String outcome;
        try {
            outcome = "returned " + run.callI64();
        } catch (Trap t) {
            outcome = "trap " + t.kind();
        }
        Memory memory = instance.getMemory("memory").orElseThrow();
        return new End(outcome, store.getFuel(), Arrays.hashCode(memory.read(0, (int) memory.byteSize())));
    }

    @TestFactory
    List<DynamicTest> fuelLimitedRunsEndAlikeOnBothEngines() {
        List<DynamicTest> tests = new ArrayList<>();
        for (Workload w : Workload.all()) {
            for (long fuel : FUEL) {
                tests.add(DynamicTest.dynamicTest(w.name() + " with fuel " + fuel, () -> {
                    End interpreted = runWithFuel(INTERPRETER, w.wasm(), fuel);
                    End compiled = runWithFuel(COMPILER, w.wasm(), fuel);
                    assertThat(interpreted.outcome()).isEqualTo("trap OUT_OF_FUEL");
                    assertThat(compiled).isEqualTo(interpreted);
                }));
            }
        }
        return tests;
    }
}
