package dev.basalt.spi;

import dev.basalt.wasm.BasaltException;

/**
 * An execution engine cannot translate a module yet: it names the function and the instruction. This is a limit
 * of the engine, not a property of the module (which is valid); the interpreter runs it.
 */
public final class UnsupportedCodeException extends BasaltException {
    private final String engine;
    private final int functionIndex;
    private final String instruction;

    public UnsupportedCodeException(String engine, int functionIndex, String instruction) {
        super(engine + ": unsupported instruction " + instruction + " in function " + functionIndex);
        this.engine = engine;
        this.functionIndex = functionIndex;
        this.instruction = instruction;
    }

    public String engine() {
        return engine;
    }

    /** The function, in the module's function index space. */
    public int functionIndex() {
        return functionIndex;
    }

    /** The instruction (its text-format mnemonic) or construct the engine does not support. */
    public String instruction() {
        return instruction;
    }
}
