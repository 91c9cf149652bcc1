package dev.basalt;

import dev.basalt.internal.runtime.StoreState;

/**
 * The parameters and results of a {@link RawHostFunction} call: slot {@code k} is parameter {@code k} on entry
 * and result {@code k} on return. Valid only during that call.
 */
public final class RawValues {
    private final StoreState state;
    private final int base;

    RawValues(StoreState state, int base) {
        this.state = state;
        this.base = base;
    }

    public int i32(int k) {
        return (int) state.stack[base + k];
    }

    public long i64(int k) {
        return state.stack[base + k];
    }

    public float f32(int k) {
        return Float.intBitsToFloat((int) state.stack[base + k]);
    }

    public double f64(int k) {
        return Double.longBitsToDouble(state.stack[base + k]);
    }

    public void setI32(int k, int value) {
        state.stack[base + k] = value;
    }

    public void setI64(int k, long value) {
        state.stack[base + k] = value;
    }

    public void setF32(int k, float value) {
        state.stack[base + k] = Float.floatToRawIntBits(value);
    }

    public void setF64(int k, double value) {
        state.stack[base + k] = Double.doubleToRawLongBits(value);
    }
}
