package dev.basalt.bench;

/**
 * One runtime under test. {@link #prepare} does the once-per-module work (decode, validate, compile);
 * {@link Prepared#runOnce} instantiates afresh (so the workload starts from its initial memory) and calls
 * {@code run}, returning its result.
 */
public interface Runner {
    String name();

    Prepared prepare(byte[] wasm);

    interface Prepared {
        long runOnce();
    }
}
