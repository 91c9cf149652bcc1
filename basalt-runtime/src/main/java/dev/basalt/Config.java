package dev.basalt;

import dev.basalt.wasm.Features;

/**
 * Immutable engine configuration: execution strategy, default limits for stores and sandbox defaults.
 * Build one with {@link #builder()}; {@link #defaults()} is the configuration of {@link Engine#create()}.
 *
 * {@snippet :
 * Config config = Config.builder().maxCallDepth(5_000).maxMemoryBytes(64L << 20).build();
 * Engine engine = Engine.create(config);
 * }
 */
public final class Config {
    /**
     * How modules are executed. {@code INTERPRETER} (the default) is built in; {@code COMPILER} needs the
     * {@code basalt-compiler} module on the class path (found through {@link dev.basalt.spi.ExecutionEngine}) and
     * fails module compilation when a module uses an instruction it does not support yet. {@code AUTO} starts every
     * module in the interpreter (fast start, also for large modules) and, when the compiler is on the class path,
     * compiles the functions that get hot ({@link #tierUpThreshold()}) on a background thread of the
     * {@link Engine}; later calls of such a function run its compiled code. Functions the compiler cannot translate
     * yet stay interpreted under {@code AUTO} (where {@code COMPILER} fails).
     */
    public enum Strategy {
        INTERPRETER, COMPILER, AUTO
    }

    private final Strategy strategy;
    private final int maxCallDepth;
    private final long maxMemoryBytes;
    private final long maxTableElements;
    private final int maxInstances;
    private final Features features;
    private final int tierUpThreshold;
    private final boolean compileInBackground;
    private final boolean trackMemoryWrites;
    private final CodeCache codeCache;

    private Config(Builder b) {
        this.codeCache = b.codeCache;
        this.tierUpThreshold = b.tierUpThreshold;
        this.compileInBackground = b.compileInBackground;
        this.trackMemoryWrites = b.trackMemoryWrites;
        this.strategy = b.strategy;
        this.maxCallDepth = b.maxCallDepth;
        this.maxMemoryBytes = b.maxMemoryBytes;
        this.maxTableElements = b.maxTableElements;
        this.maxInstances = b.maxInstances;
        this.features = b.features;
    }

    public static Config defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.strategy = strategy;
        b.maxCallDepth = maxCallDepth;
        b.maxMemoryBytes = maxMemoryBytes;
        b.maxTableElements = maxTableElements;
        b.maxInstances = maxInstances;
        b.features = features;
        b.tierUpThreshold = tierUpThreshold;
        b.compileInBackground = compileInBackground;
        b.trackMemoryWrites = trackMemoryWrites;
        b.codeCache = codeCache;
        return b;
    }

    public Strategy strategy() {
        return strategy;
    }

    /** Wasm frames allowed on one store's call stack before "call stack exhausted". */
    public int maxCallDepth() {
        return maxCallDepth;
    }

    /** Default per-memory byte cap of new stores. */
    public long maxMemoryBytes() {
        return maxMemoryBytes;
    }

    /** Default per-table element cap of new stores. */
    public long maxTableElements() {
        return maxTableElements;
    }

    /** The WebAssembly features modules compiled with this configuration may use (default: all of Wasm 3.0). */
    public Features features() {
        return features;
    }

    /** Default cap on instances per store. */
    public int maxInstances() {
        return maxInstances;
    }

    /**
     * Under {@link Strategy#AUTO}: calls plus loop iterations after which a function is compiled in the background
     * (default 2,000).
     */
    public int tierUpThreshold() {
        return tierUpThreshold;
    }

    /**
     * Under {@link Strategy#AUTO}: whether hot functions compile on the engine's background thread (the default) or
     * on the thread that runs them, at the moment they get hot. The latter is deterministic (with a threshold of 1
     * every function runs compiled from its second call on): for differential tests and short-lived tools.
     */
    public boolean compileInBackground() {
        return compileInBackground;
    }

    /**
     * Whether the code of this engine's modules records which 4 KiB pages of their memories it writes, so that
     * {@link Store#release()} resets only those pages of a pooled memory instead of all of it: for servers that run
     * a fresh instance of a large module per request ({@code basalt serve}). Costs one extra byte store per Wasm
     * store in compiled code; off by default. An engine that cannot track (code loaded from another build's
     * serialized form, a third-party engine) leaves such modules untracked and their memories are reset whole.
     */
    public boolean trackMemoryWrites() {
        return trackMemoryWrites;
    }

    /**
     * The on-disk cache that modules compiled under {@link Strategy#COMPILER} go through (see {@link CodeCache}), or
     * empty (the default): every process then generates the code of every module it compiles.
     */
    public java.util.Optional<CodeCache> codeCache() {
        return java.util.Optional.ofNullable(codeCache);
    }

    /** Builder of {@link Config}. */
    public static final class Builder {
        private Strategy strategy = Strategy.INTERPRETER;
        private int maxCallDepth = 10_000;
        private long maxMemoryBytes = Long.MAX_VALUE;
        private long maxTableElements = 10_000_000;
        private int maxInstances = 10_000;
        private Features features = Features.wasm3();
        private int tierUpThreshold = 2_000;
        private boolean compileInBackground = true;
        private boolean trackMemoryWrites;
        private CodeCache codeCache;

        private Builder() {
        }

        public Builder strategy(Strategy s) {
            this.strategy = java.util.Objects.requireNonNull(s);
            return this;
        }

        public Builder maxCallDepth(int depth) {
            if (depth < 1) {
                throw new IllegalArgumentException("max call depth must be positive");
            }
            this.maxCallDepth = depth;
            return this;
        }

        public Builder maxMemoryBytes(long bytes) {
            this.maxMemoryBytes = bytes;
            return this;
        }

        public Builder maxTableElements(long elements) {
            this.maxTableElements = elements;
            return this;
        }

        /** Accept only these features when compiling modules (see {@link Features}). */
        public Builder features(Features features) {
            this.features = java.util.Objects.requireNonNull(features);
            return this;
        }

        /** See {@link Config#tierUpThreshold()}; 1 compiles every function on its first call. */
        public Builder tierUpThreshold(int callsAndIterations) {
            if (callsAndIterations < 1) {
                throw new IllegalArgumentException("tier-up threshold must be positive");
            }
            this.tierUpThreshold = callsAndIterations;
            return this;
        }

        /** See {@link Config#compileInBackground()}. */
        public Builder compileInBackground(boolean background) {
            this.compileInBackground = background;
            return this;
        }

        /** See {@link Config#trackMemoryWrites()}. */
        public Builder trackMemoryWrites(boolean track) {
            this.trackMemoryWrites = track;
            return this;
        }

        /** See {@link Config#codeCache()}; null for none. Used only under {@link Strategy#COMPILER}. */
        public Builder codeCache(CodeCache cache) {
            this.codeCache = cache;
            return this;
        }

        public Builder maxInstances(int instances) {
            this.maxInstances = instances;
            return this;
        }

        public Config build() {
            return new Config(this);
        }
    }
}
