package dev.basalt.plugin;

import dev.basalt.plugin.internal.KernelMemory;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * The plug-in a host function was called from: reads and writes the kernel memory the guest passes pointers
 * into, and sees the call's input and the plug-in's configuration. Valid only during the host function call.
 */
public final class CurrentPlugin {
    private final PluginState state;

    CurrentPlugin(PluginState state) {
        this.state = state;
    }

    /** The bytes of the block at {@code pointer} (empty for 0). */
    public byte[] read(long pointer) {
        return state.memory().read(pointer);
    }

    /** The block at {@code pointer} as UTF-8. */
    public String readString(long pointer) {
        return new String(read(pointer), StandardCharsets.UTF_8);
    }

    /** A new block holding {@code data}, for the guest to read; 0 if empty or the kernel memory is full. */
    public long write(byte[] data) {
        return state.memory().write(data);
    }

    /** A new block holding {@code s} in UTF-8. */
    public long writeString(String s) {
        return write(s.getBytes(StandardCharsets.UTF_8));
    }

    /** The length of the block at {@code pointer}, 0 if it is none. */
    public long length(long pointer) {
        return state.memory().length(pointer);
    }

    public void free(long pointer) {
        state.memory().free(pointer);
    }

    /** The current call's input. */
    public byte[] input() {
        KernelMemory m = state.memory();
        return state.inputLength() == 0 ? new byte[0] : m.read(state.inputOffset(), state.inputLength());
    }

    /** A value of the plug-in's configuration (the manifest's {@code config}, with {@link Plugin#updateConfig}). */
    public Optional<String> config(String key) {
        return Optional.ofNullable(state.config().get(key));
    }

    /**
     * The host context the embedder passed to this call ({@link Plugin#call(String, byte[], Object)}), if it is a
     * {@code type}; empty when the call has none or one of another type.
     */
    public <T> Optional<T> hostContext(Class<T> type) {
        Object context = state.hostContext();
        return type.isInstance(context) ? Optional.of(type.cast(context)) : Optional.empty();
    }
}
