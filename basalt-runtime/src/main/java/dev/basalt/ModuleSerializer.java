package dev.basalt;

import dev.basalt.spi.ExecutionEngine;
import dev.basalt.spi.ModuleCode;
import dev.basalt.wasm.BasaltException;
import dev.basalt.wasm.binary.BinaryReader;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Properties;

/**
 * The serialized form of a {@link Module} ({@code .bwasm}). Layout, big-endian:
 * <pre>
 *   magic        8 bytes  00 'b' 'w' 'a' 's' 'm' 0D 0A
 *   format       int      {@link #FORMAT}
 *   basalt       UTF      Basalt version
 *   fingerprint  UTF      configuration and code generator ({@link #fingerprint(Engine)})
 *   module hash  32 bytes SHA-256 of the module bytes
 *   module       int length, bytes: the original binary module
 *   code         int length (-1: none), bytes: the execution engine's code ({@link ModuleCode#artifact()})
 *   checksum     32 bytes SHA-256 of everything before it
 * </pre>
 * Loading checks all of these before using anything, so a truncated, altered or foreign file is refused with a
 * {@link SerializedModuleException} saying why. The checksum detects damage, not malice: stored code is JVM
 * bytecode, so only load files from a trusted source (as with any class file).
 */
final class ModuleSerializer {
    static final int FORMAT = 1;
    private static final byte[] MAGIC = {0, 'b', 'w', 'a', 's', 'm', 0x0D, 0x0A};
    private static final int HASH = 32;
    private static volatile String version;

    private ModuleSerializer() {
    }

    /** The Basalt version of this runtime (from the build). */
    static String basaltVersion() {
        String v = version;
        if (v == null) {
            Properties p = new Properties();
            try (InputStream in = Module.class.getResourceAsStream("basalt.properties")) {
                if (in != null) {
                    p.load(in);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            v = p.getProperty("version", "unknown");
            version = v;
        }
        return v;
    }

    /**
     * What the stored code depends on besides the module: strategy, features, and the code generator's own
     * fingerprint (which changes with every build of the compiler or runtime), and whether the code marks the pages
     * it writes ({@link Config#trackMemoryWrites()}: stored code is loaded as tracking only by engines that track, so
     * {@code basalt serve}'s page-wise memory reset holds for cached code too). Limits are not part of it: they are
     * checked at run time, not compiled in.
     */
    static String fingerprint(Engine engine) {
        Config c = engine.config();
        String generator = engine.codeEngine().map(ExecutionEngine::codeFingerprint).orElse("interpreter");
        String features = c.features().enabled().stream().map(String::valueOf).sorted()
                .collect(java.util.stream.Collectors.joining(","));
        return "strategy=" + c.strategy() + ";features=" + features + ";track=" + c.trackMemoryWrites()
                + ";code=" + generator;
    }

    static byte[] sha256(byte[] bytes, int length) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(bytes, 0, length);
            return md.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Hex SHA-256 of a binary module: the cache key part that names the module. */
    static String moduleHash(byte[] wasm) {
        return HexFormat.of().formatHex(sha256(wasm, wasm.length));
    }

    static byte[] serialize(Module module, byte[] wasm) {
        byte[] code = module.code == null ? null : module.code.artifact();
        if (module.code != null && code == null) {
            throw new UnsupportedOperationException("the execution engine cannot store its code");
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(wasm.length + (code == null ? 0 : code.length) + 256);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.write(MAGIC);
            out.writeInt(FORMAT);
            out.writeUTF(basaltVersion());
            out.writeUTF(fingerprint(module.engine()));
            out.write(sha256(wasm, wasm.length));
            out.writeInt(wasm.length);
            out.write(wasm);
            out.writeInt(code == null ? -1 : code.length);
            if (code != null) {
                out.write(code);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        byte[] body = bytes.toByteArray();
        byte[] out = Arrays.copyOf(body, body.length + HASH);
        System.arraycopy(sha256(body, body.length), 0, out, body.length, HASH);
        return out;
    }

    /** Whether {@code bytes} start like a serialized module (to tell .bwasm from .wasm input). */
    static boolean looksSerialized(byte[] bytes) {
        return bytes.length >= MAGIC.length && Arrays.equals(bytes, 0, MAGIC.length, MAGIC, 0, MAGIC.length);
    }

    static java.util.Optional<Config.Strategy> strategy(byte[] bytes) {
        if (!looksSerialized(bytes)) {
            return java.util.Optional.empty();
        }
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            in.skipNBytes(MAGIC.length + 4);
            in.readUTF();
            String fingerprint = in.readUTF();
            for (Config.Strategy s : Config.Strategy.values()) {
                if (fingerprint.startsWith("strategy=" + s.name() + ";")) {
                    return java.util.Optional.of(s);
                }
            }
        } catch (IOException e) {
            // Truncated: no strategy to report; deserialize() will say what is wrong.
        }
        return java.util.Optional.empty();
    }

    static Module deserialize(Engine engine, byte[] bytes) {
        return deserialize(engine, bytes, null, null, false);
    }

    /**
     * {@link #deserialize(Engine, byte[])}; when {@code parsed} is not null it is {@code binary} decoded, the stored
     * module must be exactly {@code binary}, and the model is used instead of decoding the stored copy again;
     * {@code validated}: the caller validated that model ({@link Module#fromValidatedModel}).
     */
    static Module deserialize(Engine engine, byte[] bytes, dev.basalt.wasm.WasmModule parsed, byte[] binary,
            boolean validated) {
        if (!looksSerialized(bytes)) {
            throw new SerializedModuleException("not a serialized Basalt module (bad magic)");
        }
        if (bytes.length < MAGIC.length + 4 + HASH) {
            throw new SerializedModuleException("serialized module is truncated");
        }
        int bodyLength = bytes.length - HASH;
        byte[] expected = sha256(bytes, bodyLength);
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes, 0, bodyLength))) {
            in.skipNBytes(MAGIC.length);
            int format = in.readInt();
            if (format != FORMAT) {
                throw new SerializedModuleException("serialized module has format " + format + ", this Basalt reads "
                        + FORMAT + "; compile the module again");
            }
            if (!Arrays.equals(expected, 0, HASH, bytes, bodyLength, bytes.length)) {
                throw new SerializedModuleException("serialized module is corrupt (checksum mismatch: truncated or"
                        + " altered)");
            }
            String basalt = in.readUTF();
            if (!basalt.equals(basaltVersion())) {
                throw new SerializedModuleException("module was serialized by Basalt " + basalt + ", this is Basalt "
                        + basaltVersion() + "; compile the module again");
            }
            String fingerprint = in.readUTF();
            String ours = fingerprint(engine);
            if (!fingerprint.equals(ours)) {
                throw new SerializedModuleException("module was serialized for another configuration or build ("
                        + fingerprint + "), this engine is " + ours + "; compile the module again");
            }
            byte[] hash = in.readNBytes(HASH);
            byte[] wasm = readBlock(in, "module");
            if (wasm == null || !Arrays.equals(hash, sha256(wasm, wasm.length))) {
                throw new SerializedModuleException("serialized module is corrupt (module hash mismatch)");
            }
            byte[] code = readBlock(in, "code");
            if (in.available() != 0) {
                throw new SerializedModuleException("serialized module is corrupt (trailing bytes)");
            }
            if ((code == null) != engine.codeEngine().isEmpty()) {
                throw new SerializedModuleException("serialized module " + (code == null ? "has no" : "has")
                        + " compiled code, this engine " + (code == null ? "needs it" : "does not use it"));
            }
            if (parsed == null) {
                return Module.fromStored(engine, BinaryReader.read(wasm), wasm, code, false);
            }
            if (!Arrays.equals(wasm, binary)) {
                throw new SerializedModuleException("serialized module holds another module");
            }
            return Module.fromStored(engine, parsed, binary, code, validated);
        } catch (IOException e) {
            throw new SerializedModuleException("serialized module is truncated", e);
        } catch (SerializedModuleException e) {
            throw e;
        } catch (BasaltException | IllegalArgumentException | IllegalStateException | LinkageError e) {
            throw new SerializedModuleException("serialized module cannot be loaded: " + e.getMessage(), e);
        }
    }

    private static byte[] readBlock(DataInputStream in, String what) throws IOException {
        int length = in.readInt();
        if (length == -1) {
            return null;
        }
        if (length < 0 || length > in.available()) {
            throw new SerializedModuleException("serialized module is corrupt (bad " + what + " length)");
        }
        return in.readNBytes(length);
    }
}
