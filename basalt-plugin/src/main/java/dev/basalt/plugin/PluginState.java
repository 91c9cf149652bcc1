package dev.basalt.plugin;

import dev.basalt.Trap;
import dev.basalt.TrapKind;
import dev.basalt.plugin.internal.KernelMemory;
import dev.basalt.wasi.WasiContext;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * Everything of one {@link Plugin} the kernel functions see (the store's data): kernel memory, the call's input,
 * output and error, the variables that persist across calls, the last HTTP response's status and headers.
 */
final class PluginState {
    private final CompiledPlugin plugin;
    private final KernelMemory memory;
    private final Map<String, byte[]> vars = new HashMap<>();
    private long varBytes;
    private WasiContext wasi;

    private long inputOffset;
    private long inputLength;
    private long outputOffset;
    private long outputLength;
    private long errorOffset;
    private int httpStatus;
    private byte[] httpHeadersJson;
    /** System.nanoTime() by which the call must end, or Long.MAX_VALUE. */
    private long callDeadline = Long.MAX_VALUE;

    PluginState(CompiledPlugin plugin) {
        this.plugin = plugin;
        this.memory = new KernelMemory(plugin.kernelMemoryLimit());
    }

    CompiledPlugin plugin() {
        return plugin;
    }

    KernelMemory memory() {
        return memory;
    }

    /**
     * The configuration {@code config_get} reads: the manifest's, with the changes of
     * {@link Plugin#updateConfig(Map)} (null until the first change, so plug-ins that never change it share the
     * manifest's map).
     */
    private Map<String, String> config;
    /** The object the embedder passed to the running call, for host functions; null outside a call. */
    private Object hostContext;

    Map<String, String> config() {
        return config != null ? config : plugin.manifest().config();
    }

    /** Sets (or with a null value removes) configuration keys of this plug-in instance. */
    void updateConfig(Map<String, String> changes) {
        Map<String, String> next = new HashMap<>(config());
        for (Map.Entry<String, String> e : changes.entrySet()) {
            String key = java.util.Objects.requireNonNull(e.getKey(), "config key");
            if (e.getValue() == null) {
                next.remove(key);
            } else {
                next.put(key, e.getValue());
            }
        }
        config = Map.copyOf(next);
    }

    Object hostContext() {
        return hostContext;
    }

    void hostContext(Object context) {
        this.hostContext = context;
    }

    WasiContext wasi() {
        return wasi;
    }

    void wasi(WasiContext context) {
        this.wasi = context;
    }

    /** Starts a call: drops the last call's blocks, places the input. */
    void beginCall(byte[] input, long deadlineNanos) {
        memory.reset();
        inputLength = input.length;
        inputOffset = memory.write(input);
        if (input.length > 0 && inputOffset == 0) {
            throw new PluginException("input of " + input.length + " bytes does not fit the plug-in's memory limit");
        }
        outputOffset = 0;
        outputLength = 0;
        errorOffset = 0;
        httpStatus = 0;
        httpHeadersJson = null;
        callDeadline = deadlineNanos;
    }

    long inputOffset() {
        return inputOffset;
    }

    long inputLength() {
        return inputLength;
    }

    void output(long offset, long length) {
        if (length != 0) {
            memory.requireInside(offset, length);
        }
        outputOffset = offset;
        outputLength = length;
    }

    byte[] output() {
        return outputLength == 0 ? new byte[0] : memory.read(outputOffset, outputLength);
    }

    void error(long offset) {
        errorOffset = offset;
    }

    /** The message the guest gave {@code error_set}, if any. */
    String error() {
        if (errorOffset == 0) {
            return null;
        }
        return new String(memory.read(errorOffset), StandardCharsets.UTF_8);
    }

    byte[] var(String key) {
        return vars.get(key);
    }

    /** Sets (or with null removes) a variable within the manifest's {@code max_var_bytes}. */
    void var(String key, byte[] value) {
        byte[] old = vars.get(key);
        long keyBytes = key.getBytes(StandardCharsets.UTF_8).length;
        long next = varBytes - (old == null ? 0 : keyBytes + old.length) + (value == null ? 0 : keyBytes + value.length);
        if (value != null && next > plugin.maxVarBytes()) {
            throw new Trap(TrapKind.HOST_ERROR, "extism: variable store is full (max_var_bytes "
                    + plugin.maxVarBytes() + ")");
        }
        if (value == null) {
            vars.remove(key);
        } else {
            vars.put(key, value);
        }
        varBytes = next;
    }

    void clearVars() {
        vars.clear();
        varBytes = 0;
    }

    int httpStatus() {
        return httpStatus;
    }

    byte[] httpHeadersJson() {
        return httpHeadersJson;
    }

    void httpResponse(int status, byte[] headersJson) {
        this.httpStatus = status;
        this.httpHeadersJson = headersJson;
    }

    long callDeadline() {
        return callDeadline;
    }
}
