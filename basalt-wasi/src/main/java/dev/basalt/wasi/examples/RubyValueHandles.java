package dev.basalt.wasi.examples;

import dev.basalt.Trap;
import dev.basalt.TrapKind;
import java.util.ArrayList;
import java.util.List;

/**
 * The host's table of {@code rb-abi-value} handles (old wit-bindgen resources exported by ruby.wasm): the guest
 * hands the host a representation (a pointer) with {@code resource_new}, gets it back with {@code resource_get},
 * and the host gives it up with {@link #remove(int)} before calling the guest's {@code canonical_abi_drop}.
 * Handles are indexes, 0 is never used, freed slots are reused. Unknown handles trap, as a guest bug would.
 */
final class RubyValueHandles {
    private final List<Integer> reps = new ArrayList<>(List.of(0));
    private final List<Integer> free = new ArrayList<>();
    private int size;

    int add(int rep) {
        size++;
        if (!free.isEmpty()) {
            int handle = free.removeLast();
            reps.set(handle, rep);
            return handle;
        }
        reps.add(rep);
        return reps.size() - 1;
    }

    int get(int handle) {
        return reps.get(check(handle));
    }

    /** Frees {@code handle} and returns its representation. */
    int remove(int handle) {
        int rep = reps.get(check(handle));
        reps.set(handle, null);
        free.add(handle);
        size--;
        return rep;
    }

    int size() {
        return size;
    }

    private int check(int handle) {
        if (handle <= 0 || handle >= reps.size() || reps.get(handle) == null) {
            throw new Trap(TrapKind.HOST_ERROR, "unknown rb-abi-value handle " + handle);
        }
        return handle;
    }
}
