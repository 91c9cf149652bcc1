package dev.basalt.internal.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

/** {@link ModuleInstance#func}: defined functions made once, on first use, also when threads race for them. */
class ModuleInstanceFunctionsTest {
    private static final int FUNCTIONS = 2_000;
    private static final int IMPORTED = 3;

    @Test
    void functionsAreMadeOnFirstUseOnceEvenWhenThreadsRace() throws Exception {
        ModuleInstance inst = new ModuleInstance(null, null, new DefinedType[0], "m");
        AtomicIntegerArray made = new AtomicIntegerArray(FUNCTIONS);
        FunctionInstance[] space = new FunctionInstance[FUNCTIONS];
        for (int i = 0; i < IMPORTED; i++) {
            space[i] = new FunctionInstance(null, (HostCode) (s, c, b) -> { }, "import" + i);
        }
        inst.functions(space, (owner, index) -> {
            assertThat(owner).isSameAs(inst);
            assertThat(index).isGreaterThanOrEqualTo(IMPORTED);
            made.incrementAndGet(index);
            return new FunctionInstance(null, (HostCode) (s, c, b) -> { }, owner, index, "f" + index);
        });
        assertThat(inst.functionCount()).isEqualTo(FUNCTIONS);
        FunctionInstance first = inst.func(IMPORTED);
        assertThat(inst.func(IMPORTED)).isSameAs(first);
        assertThat(made.get(IMPORTED)).isEqualTo(1);
        assertThat(made.get(IMPORTED + 1)).as("not used yet: not made").isZero();

        int threads = 4;
        CyclicBarrier start = new CyclicBarrier(threads);
        List<Future<FunctionInstance[]>> seen = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
            for (int t = 0; t < threads; t++) {
                int offset = t * 7;
                seen.add(pool.submit(() -> {
                    start.await();
                    FunctionInstance[] got = new FunctionInstance[FUNCTIONS];
                    for (int k = 0; k < FUNCTIONS; k++) {
                        int i = (k + offset) % FUNCTIONS; // each thread starts elsewhere, so they overtake each other
                        got[i] = inst.func(i);
                    }
                    return got;
                }));
            }
            FunctionInstance[] reference = seen.get(0).get();
            for (Future<FunctionInstance[]> f : seen) {
                FunctionInstance[] got = f.get();
                for (int i = 0; i < FUNCTIONS; i++) {
                    assertThat(got[i]).isSameAs(reference[i]);
                }
            }
            for (int i = 0; i < IMPORTED; i++) {
                assertThat(reference[i]).isSameAs(space[i]);
                assertThat(made.get(i)).isZero();
            }
            for (int i = IMPORTED; i < FUNCTIONS; i++) {
                assertThat(made.get(i)).as("function %d", i).isEqualTo(1);
                assertThat(reference[i].index).isEqualTo(i);
            }
        }
    }
}
