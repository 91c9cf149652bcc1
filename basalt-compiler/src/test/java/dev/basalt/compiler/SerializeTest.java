package dev.basalt.compiler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.basalt.Config;
import dev.basalt.Engine;
import dev.basalt.Instance;
import dev.basalt.Linker;
import dev.basalt.Module;
import dev.basalt.SerializedModuleException;
import dev.basalt.Store;
import dev.basalt.wasm.binary.BinaryWriter;
import dev.basalt.wasm.text.WatParser;
import java.security.MessageDigest;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** {@code Module.serialize()} / {@code deserialize()}: round trips, and every kind of bad input refused cleanly. */
class SerializeTest {
    private static final byte[] WASM = BinaryWriter.write(WatParser.parseModule(CompilerTest.LOOPS));

    private static Engine engine(Config.Strategy s) {
        return Engine.create(Config.builder().strategy(s).build());
    }

    private static void assertWorks(Module m) {
        Instance inst = Linker.<Void>create(m.engine()).instantiate(Store.create(m.engine()), m);
        assertThat(inst.getFunc("fib").orElseThrow().callI32(20)).isEqualTo(6765);
        assertThat(inst.getFunc("sum").orElseThrow().callI64(100)).isEqualTo(10100L);
    }

    @Test
    void roundTripsUnderEveryStrategy() {
        for (Config.Strategy s : Config.Strategy.values()) {
            byte[] bytes = Module.compile(engine(s), WASM).serialize();
            assertThat(Module.isSerialized(bytes)).isTrue();
            Module back = Module.deserialize(engine(s), bytes);
            assertThat(back.compiledFunctionCount())
                    .isEqualTo(s == Config.Strategy.COMPILER ? back.wasm().functions().size() : 0);
            assertWorks(back);
        }
        // Text modules serialize through the binary writer.
        Engine c = engine(Config.Strategy.COMPILER);
        assertWorks(Module.deserialize(c, Module.fromWat(c, CompilerTest.LOOPS).serialize()));
    }

    @Test
    void storedCodeIsLoadedNotRegenerated() {
        Engine c = engine(Config.Strategy.COMPILER);
        byte[] bytes = Module.compile(c, WASM).serialize();
        // Rewrite the stored class's name (same length) and fix the checksum: if deserialize compiled afresh, the
        // name would not show up in a backtrace's JVM frames; it does, so the stored class runs.
        byte[] renamed = replace(bytes, "gen/WasmModule", "gen/StoredModu");
        Module m = Module.deserialize(c, withChecksum(renamed));
        Instance inst = Linker.<Void>create(c).instantiate(Store.create(c), m);
        Throwable t = org.assertj.core.api.Assertions.catchThrowable(
                () -> inst.getFunc("div").orElseThrow().callI32(1, 0));
        assertThat(Arrays.stream(t.getStackTrace()).map(StackTraceElement::getClassName))
                .anyMatch(n -> n.startsWith("dev.basalt.compiler.gen.StoredModu"));
    }

    @Test
    void refusesAnotherConfiguration() {
        byte[] compiled = Module.compile(engine(Config.Strategy.COMPILER), WASM).serialize();
        assertThatThrownBy(() -> Module.deserialize(engine(Config.Strategy.INTERPRETER), compiled))
                .isInstanceOf(SerializedModuleException.class)
                .hasMessageContaining("another configuration").hasMessageContaining("strategy=COMPILER");
        byte[] interpreted = Module.compile(engine(Config.Strategy.INTERPRETER), WASM).serialize();
        assertThatThrownBy(() -> Module.deserialize(engine(Config.Strategy.AUTO), interpreted))
                .isInstanceOf(SerializedModuleException.class).hasMessageContaining("another configuration");
    }

    @Test
    void refusesWhatIsNotASerializedModule() {
        Engine c = engine(Config.Strategy.COMPILER);
        assertThat(Module.isSerialized(WASM)).isFalse();
        assertThatThrownBy(() -> Module.deserialize(c, WASM))
                .isInstanceOf(SerializedModuleException.class).hasMessageContaining("bad magic");
        assertThatThrownBy(() -> Module.deserialize(c, new byte[0])).isInstanceOf(SerializedModuleException.class);
    }

    @Test
    void refusesEveryTruncationAndAlteration() {
        Engine c = engine(Config.Strategy.COMPILER);
        byte[] bytes = Module.compile(c, WASM).serialize();
        for (int length = 0; length < bytes.length; length += Math.max(1, length / 16)) {
            byte[] cut = Arrays.copyOf(bytes, length);
            assertThatThrownBy(() -> Module.deserialize(c, cut)).as("truncated to %d", length)
                    .isInstanceOf(SerializedModuleException.class);
        }
        for (int at = 8; at < bytes.length; at += Math.max(1, bytes.length / 97)) {
            byte[] altered = bytes.clone();
            altered[at] ^= 0x20;
            assertThatThrownBy(() -> Module.deserialize(c, altered)).as("byte %d altered", at)
                    .isInstanceOf(SerializedModuleException.class);
        }
    }

    @Test
    void refusesDamagedContentEvenWithAValidChecksum() {
        Engine c = engine(Config.Strategy.COMPILER);
        byte[] bytes = Module.compile(c, WASM).serialize();
        // Damage the generated class file (its constant pool) and recompute the checksum: the JVM rejects the class,
        // and that surfaces as SerializedModuleException, not a LinkageError.
        byte[] damaged = replace(bytes, "java/lang/Object", "java/lang/Objecz");
        assertThatThrownBy(() -> Module.deserialize(c, withChecksum(damaged)))
                .isInstanceOf(SerializedModuleException.class).hasMessageContaining("cannot be loaded");
        // A module-bytes change with a valid checksum is caught by the module hash.
        byte[] otherModule = bytes.clone();
        int moduleStart = indexOf(bytes, WASM);
        otherModule[moduleStart + WASM.length - 1] ^= 1;
        assertThatThrownBy(() -> Module.deserialize(c, withChecksum(otherModule)))
                .isInstanceOf(SerializedModuleException.class).hasMessageContaining("module hash");
    }

    static byte[] withChecksum(byte[] serialized) {
        byte[] out = serialized.clone();
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(out, 0, out.length - 32);
            System.arraycopy(md.digest(), 0, out, out.length - 32, 32);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
        return out;
    }

    private static byte[] replace(byte[] in, String from, String to) {
        byte[] f = from.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        byte[] t = to.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        byte[] out = in.clone();
        int found = 0;
        for (int i = 0; i + f.length <= out.length; i++) {
            if (Arrays.equals(out, i, i + f.length, f, 0, f.length)) {
                System.arraycopy(t, 0, out, i, t.length);
                found++;
            }
        }
        assertThat(found).as("occurrences of " + from).isPositive();
        return out;
    }

    private static int indexOf(byte[] in, byte[] part) {
        for (int i = 0; i + part.length <= in.length; i++) {
            if (Arrays.equals(in, i, i + part.length, part, 0, part.length)) {
                return i;
            }
        }
        throw new AssertionError("not found");
    }
}
