package dev.basalt.internal.ops;

/** Lets tests in other packages derive method names from mnemonics the same way the ops tests do. */
public final class SpecConformanceTestAccess {
    private SpecConformanceTestAccess() {
    }

    /** {@code v128.load8x8_s} -> {@code v128Load8x8S}. */
    public static String methodName(String mnemonic) {
        return SpecConformanceTest.methodName(mnemonic);
    }
}
