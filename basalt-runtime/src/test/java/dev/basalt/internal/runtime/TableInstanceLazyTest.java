package dev.basalt.internal.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.basalt.wasm.Limits;
import dev.basalt.wasm.RefType;
import dev.basalt.wasm.TableType;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

/**
 * {@link TableInstance#initLazily}: an element segment's functions are made on first read, and every table
 * operation sees exactly what an eagerly filled table holds. Random sequences of operations run on a lazy table and
 * on a plain array model side by side.
 */
class TableInstanceLazyTest {
    private static final int FUNCTIONS = 200;
    private static final int SIZE = 64;

    private final AtomicIntegerArray made = new AtomicIntegerArray(FUNCTIONS);

    private ModuleInstance owner(String name) {
        ModuleInstance inst = new ModuleInstance(null, null, new DefinedType[0], name);
        inst.functions(new FunctionInstance[FUNCTIONS], (o, index) -> {
            made.incrementAndGet(index);
            return new FunctionInstance(null, (HostCode) (s, c, b) -> { }, o, index, name + index);
        });
        return inst;
    }

    private static TableInstance table(int size) {
        StoreState store = new StoreState(1000, 1L << 20, 1L << 20, 10);
        return new TableInstance(new TableType(RefType.FUNCREF, Limits.of(size), false), null, store);
    }

    @Test
    void entriesAreMadeOnFirstReadAndKeepTheirIdentity() {
        ModuleInstance inst = owner("m");
        TableInstance t = table(10);
        t.initLazily(2, new int[] {5, -1, 7, 5}, inst);
        assertThat(made.get(5) + made.get(7)).as("nothing made at instantiation").isZero();
        assertThat(t.elements).containsOnlyNulls();

        Object five = t.get(2);
        assertThat(five).isSameAs(inst.func(5));
        assertThat(t.get(5)).as("the same function twice in a segment is one object").isSameAs(five);
        assertThat(t.get(3)).as("a null item").isNull();
        assertThat(made.get(5)).isEqualTo(1);
        assertThat(made.get(7)).as("not read yet").isZero();
        assertThat(t.elementOrLazy(4)).isSameAs(inst.func(7));
        assertThat(t.get(0)).as("outside the segment").isNull();
        assertThat(t.get(9)).isNull();
    }

    @Test
    void writesOfNullsInsideARunReadAsNull() {
        ModuleInstance inst = owner("m");
        TableInstance t = table(10);
        t.initLazily(0, new int[] {10, 11, 12, 13, 14, 15, 16, 17, 18, 19}, inst);
        t.set(4, null);
        t.fill(7, null, 2);
        assertThat(t.get(4)).isNull();
        assertThat(t.get(7)).isNull();
        assertThat(t.get(8)).isNull();
        assertThat(t.get(3)).isSameAs(inst.func(13));
        assertThat(t.get(5)).as("after the split").isSameAs(inst.func(15));
        assertThat(t.get(9)).isSameAs(inst.func(19));
        assertThat(made.get(14)).as("overwritten before any read: never made").isZero();
    }

    @Test
    void aLaterSegmentOverwritesAnEarlierOneAndAnInitialValue() {
        ModuleInstance a = owner("a");
        ModuleInstance b = owner("b");
        TableInstance t = table(8);
        t.fill(0, "host ref", 8);
        t.initLazily(0, new int[] {1, 2, 3, 4}, a);
        t.initLazily(2, new int[] {-1, 6, 7}, b);
        assertThat(t.get(0)).isSameAs(a.func(1));
        assertThat(t.get(1)).isSameAs(a.func(2));
        assertThat(t.get(2)).as("b's null item replaces a's function").isNull();
        assertThat(t.get(3)).isSameAs(b.func(6));
        assertThat(t.get(4)).isSameAs(b.func(7));
        assertThat(t.get(5)).isEqualTo("host ref");
    }

    /** A random mix of every table operation on a lazy table and on an eager model of it. */
    @Test
    void randomOperationsMatchAnEagerlyFilledTable() {
        for (long seed = 1; seed <= 200; seed++) {
            Random random = new Random(seed);
            ModuleInstance[] owners = {owner("a"), owner("b")};
            TableInstance lazy = table(SIZE);
            TableInstance other = table(SIZE);
            Object[] model = new Object[SIZE];
            Object[] otherModel = new Object[SIZE];
            for (int step = 0; step < 60; step++) {
                int d = random.nextInt(SIZE);
                int n = random.nextInt(SIZE - d + 1);
                switch (random.nextInt(7)) {
                    case 0 -> {
                        ModuleInstance o = owners[random.nextInt(2)];
                        int[] functions = new int[n];
                        for (int j = 0; j < n; j++) {
                            functions[j] = random.nextInt(8) == 0 ? -1 : random.nextInt(FUNCTIONS);
                            model[d + j] = functions[j] < 0 ? null : o.func(functions[j]);
                        }
                        lazy.initLazily(d, functions, o);
                    }
                    case 1 -> {
                        Object v = random.nextBoolean() ? null : owners[0].func(random.nextInt(FUNCTIONS));
                        lazy.set(d, v);
                        model[d] = v;
                    }
                    case 2 -> {
                        Object v = random.nextBoolean() ? null : "host " + step;
                        lazy.fill(d, v, n);
                        Arrays.fill(model, d, d + n, v);
                    }
                    case 3 -> {
                        int s = random.nextInt(SIZE - n + 1);
                        TableInstance.copy(lazy, d, lazy, s, n);
                        System.arraycopy(model, s, model, d, n);
                    }
                    case 4 -> {
                        int s = random.nextInt(SIZE - n + 1);
                        TableInstance.copy(other, d, lazy, s, n);
                        System.arraycopy(model, s, otherModel, d, n);
                    }
                    case 5 -> {
                        Object[] segment = new Object[n];
                        for (int j = 0; j < n; j++) {
                            segment[j] = random.nextBoolean() ? null : owners[1].func(random.nextInt(FUNCTIONS));
                        }
                        lazy.init(d, segment, 0, n);
                        System.arraycopy(segment, 0, model, d, n);
                    }
                    default -> {
                        int i = random.nextInt(SIZE);
                        assertThat(lazy.get(i)).as("seed %d step %d get %d", seed, step, i).isSameAs(model[i]);
                    }
                }
            }
            // compared only at the end (and by the random reads above), so that most writes meet unmade entries
            for (int i = 0; i < SIZE; i++) {
                assertThat(lazy.elementOrLazy(i)).as("seed %d entry %d", seed, i).isSameAs(model[i]);
                assertThat(other.get(i)).as("seed %d copied entry %d", seed, i).isSameAs(otherModel[i]);
            }
        }
    }
}
