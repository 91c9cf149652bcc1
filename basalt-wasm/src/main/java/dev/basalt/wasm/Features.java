package dev.basalt.wasm;

import java.util.EnumSet;
import java.util.Set;

/**
 * Which WebAssembly features the parsers and the validator accept. The default, {@link #wasm3()}, is all of
 * WebAssembly 3.0 plus the proposals Basalt implements (threads, wide arithmetic, custom page sizes, legacy
 * exception handling).
 *
 * <p>A feature can be switched off where a host wants a smaller surface, and where an older test corpus says that
 * what a feature adds is an error: the threads proposal's testsuite was written against Wasm 1.0, before several
 * memories, several tables and 64-bit limits were allowed, and asserts that they are rejected
 * ({@link #threadsProposalBaseline()}). Only the features listed in {@link Feature} can be switched off; everything
 * else is always on.
 */
public record Features(Set<Feature> enabled) {

    /** The features that can be switched off, each with what switching it off rejects. */
    public enum Feature {
        /** Several memories in one module (multi-memory). Off: a second memory is invalid, "multiple memories". */
        MULTI_MEMORY,
        /**
         * Several tables in one module (reference types). Off: a second table is invalid, "multiple tables".
         */
        MULTI_TABLE,
        /**
         * 64-bit memories and tables (memory64). Off: an {@code i64} address type is invalid, and in the text
         * format limits beyond 2^32-1 are malformed, "i32 constant out of range".
         */
        MEMORY64
    }

    private static final Features WASM3 = new Features(EnumSet.allOf(Feature.class));

    public Features {
        enabled = Set.copyOf(enabled);
    }

    /** WebAssembly 3.0 and every proposal Basalt implements: the default. */
    public static Features wasm3() {
        return WASM3;
    }

    /** What the threads proposal's own tests assume: no multi-memory, no multiple tables, no memory64. */
    public static Features threadsProposalBaseline() {
        return WASM3.without(Feature.MULTI_MEMORY, Feature.MULTI_TABLE, Feature.MEMORY64);
    }

    public boolean has(Feature feature) {
        return enabled.contains(feature);
    }

    /** These features minus the given ones. */
    public Features without(Feature... features) {
        EnumSet<Feature> set = enabled.isEmpty() ? EnumSet.noneOf(Feature.class) : EnumSet.copyOf(enabled);
        for (Feature f : features) {
            set.remove(f);
        }
        return new Features(set);
    }
}
