package dev.basalt.plugin;

import dev.basalt.wasm.BasaltException;
import dev.basalt.Func;
import dev.basalt.Instance;
import dev.basalt.Store;
import dev.basalt.Trap;
import dev.basalt.TrapKind;
import dev.basalt.wasi.WasiContext;
import dev.basalt.wasi.WasiExitException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;

/**
 * One instance of a {@link CompiledPlugin}: call its functions with bytes in, bytes out. Calls are serialised
 * (one at a time); {@link #cancel()} may come from any thread.
 *
 * <p>Between calls the instance keeps its globals and linear memory (as Extism does) and the variables the guest
 * set with {@code var_set}; the kernel memory is cleared. After a trap, timeout or cancellation the instance is
 * thrown away and the next call runs in a fresh one (variables survive): a failed call never leaves a
 * half-updated guest behind.
 */
public final class Plugin implements AutoCloseable {
    private final CompiledPlugin compiled;
    private final PluginState state;
    private volatile Store<PluginState> store;
    private Instance instance;
    private boolean closed;

    Plugin(CompiledPlugin compiled) {
        this.compiled = compiled;
        this.state = new PluginState(compiled);
    }

    /** Calls {@code function} with {@code input}; returns what the guest gave {@code output_set}. */
    public byte[] call(String function, byte[] input) {
        return call(function, input, null);
    }

    /**
     * {@link #call(String, byte[])} with a host context: an object of the embedder's that the host functions this
     * call reaches get from {@link CurrentPlugin#hostContext(Class)} (Extism's {@code call_with_host_context}), e.g.
     * the request or user a call is made for when one plug-in instance serves many. Null: none.
     */
    public synchronized byte[] call(String function, byte[] input, Object hostContext) {
        state.hostContext(hostContext);
        try {
            return callInstance(function, input);
        } finally {
            state.hostContext(null);
        }
    }

    /** {@link #call(String, byte[], Object)} with UTF-8 text. */
    public String call(String function, String input, Object hostContext) {
        return new String(call(function, input.getBytes(StandardCharsets.UTF_8), hostContext), StandardCharsets.UTF_8);
    }

    private byte[] callInstance(String function, byte[] input) {
        if (closed) {
            throw new IllegalStateException("plug-in is closed");
        }
        if (!compiled.functionExists(function)) {
            throw new PluginException(compiled.exportedFunctionType(function)
                    .map(t -> "function '" + function + "' has type " + t
                            + "; plug-in functions take no parameters and return an i32 or nothing")
                    .orElse("plug-in has no function '" + function + "' (it has " + compiled.functions() + ")"));
        }
        Optional<Duration> timeout = compiled.manifest().timeout();
        long deadline = timeout.map(t -> System.nanoTime() + t.toNanos()).orElse(Long.MAX_VALUE);
        Instance current = instance();
        Store<PluginState> s = store;
        state.beginCall(input, deadline);
        s.clearInterrupt();
        if (compiled.fuelPerCall() >= 0) {
            s.setFuel(compiled.fuelPerCall());
        }
        timeout.ifPresent(s::setDeadline);
        Func f = current.getFunc(function).orElseThrow();
        int rc;
        try {
            long[] results = f.callRaw();
            rc = results.length == 0 ? 0 : (int) results[0];
        } catch (Trap t) {
            discardInstance();
            throw new PluginException(describe(function, t, timeout), t);
        } catch (WasiExitException e) {
            discardInstance();
            rc = e.exitCode();
            if (rc != 0) {
                throw new PluginException("plug-in function '" + function + "' exited with code " + rc, e, rc);
            }
        } finally {
            if (timeout.isPresent()) {
                s.cancelDeadline();
            }
        }
        String error = state.error();
        if (rc != 0 || error != null) {
            throw new PluginException(error != null ? error
                    : "plug-in function '" + function + "' returned " + rc + " without an error message", null, rc);
        }
        return state.output();
    }

    /** {@link #call(String, byte[])} with UTF-8 text. */
    public String call(String function, String input) {
        return new String(call(function, input.getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8);
    }

    /** Stops the running call (it fails with {@link PluginException#isCancelled()}); nothing if none runs. */
    public void cancel() {
        Store<PluginState> s = store;
        if (s != null) {
            s.interrupt();
        }
    }

    public boolean functionExists(String function) {
        return compiled.functionExists(function);
    }

    /** Forgets the variables the guest set. */
    public synchronized void clearVariables() {
        state.clearVars();
    }

    /**
     * Changes this instance's configuration (what the guest's {@code config_get} sees from the next call on; other
     * instances of the same {@link CompiledPlugin} keep theirs): each key is set to its value, or removed when the
     * value is null, as Extism's {@code extism_plugin_config} does with a JSON object.
     */
    public synchronized void updateConfig(java.util.Map<String, String> changes) {
        state.updateConfig(changes);
    }

    /** This instance's configuration: the manifest's {@code config} with the {@link #updateConfig} changes. */
    public synchronized java.util.Map<String, String> config() {
        return state.config();
    }

    /**
     * Starts over (Extism's {@code extism_plugin_reset}): the next call runs in a fresh instance (new linear memory
     * and globals, {@code _initialize} again) and the variables are gone. The configuration stays.
     */
    public synchronized void reset() {
        discardInstance();
        state.clearVars();
    }

    @Override
    public synchronized void close() {
        closed = true;
        discardInstance();
    }

    private Instance instance() {
        if (instance != null) {
            return instance;
        }
        Store<PluginState> s = Store.create(compiled.engine(), state, compiled.limits());
        WasiContext wasi = compiled.wasi() ? WasiContext.create(compiled.wasiConfig()) : null;
        state.wasi(wasi);
        try {
            state.beginCall(new byte[0], Long.MAX_VALUE);
            Instance i = compiled.instantiateInto(s);
            Optional<Func> init = i.getFunc("_initialize");
            if (init.isPresent()) {
                init.get().callRaw();
            }
            store = s;
            instance = i;
            return i;
        } catch (Trap t) {
            closeWasi();
            throw new PluginException("plug-in failed to start: " + t.describe(), t);
        } catch (BasaltException e) {
            closeWasi();
            throw new PluginException("plug-in cannot be instantiated: " + e.getMessage(), e);
        }
    }

    private void discardInstance() {
        instance = null;
        closeWasi();
    }

    private void closeWasi() {
        WasiContext w = state.wasi();
        if (w != null) {
            w.close();
            state.wasi(null);
        }
    }

    private static String describe(String function, Trap t, Optional<Duration> timeout) {
        if (t.kind() == TrapKind.DEADLINE_EXCEEDED) {
            return "plug-in function '" + function + "' timed out after "
                    + timeout.map(d -> d.toMillis() + " ms").orElse("its deadline");
        }
        if (t.kind() == TrapKind.INTERRUPTED) {
            return "plug-in function '" + function + "' was cancelled";
        }
        if (t.kind() == TrapKind.OUT_OF_FUEL) {
            return "plug-in function '" + function + "' ran out of fuel";
        }
        if (t.kind() == TrapKind.HOST_ERROR) {
            return t.getMessage().startsWith(TrapKind.HOST_ERROR.message() + ": ")
                    ? t.getMessage().substring(TrapKind.HOST_ERROR.message().length() + 2) : t.getMessage();
        }
        return "plug-in function '" + function + "' trapped: " + t.describe().substring("wasm trap: ".length());
    }
}
