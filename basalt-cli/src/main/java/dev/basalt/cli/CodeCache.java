package dev.basalt.cli;

import dev.basalt.Engine;
import dev.basalt.Module;
import dev.basalt.SerializedModuleException;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;

/**
 * The CLI's on-disk code cache: compiled modules ({@link Module#serialize()} output) in files named by
 * {@link Module#cacheKey} (module hash, Basalt version and build, configuration). Only engines that generate code
 * use it (COMPILER); the interpreter's translation is as fast as loading it back. An entry that cannot be read or
 * loaded (damaged, half-written by a crashed process) is deleted and replaced; cache I/O failures never fail the
 * command, they only cost the compile. Entries are written to a temporary file and renamed, so concurrent runs see
 * either nothing or a complete entry.
 */
final class CodeCache {
    private final Path dir;

    CodeCache(Path dir) {
        this.dir = dir;
    }

    /** {@code $XDG_CACHE_HOME/basalt}, else {@code ~/.cache/basalt}. */
    static Path defaultDirectory(Map<String, String> env, String userHome) {
        String xdg = env.get("XDG_CACHE_HOME");
        if (xdg != null && !xdg.isBlank() && Path.of(xdg).isAbsolute()) {
            return Path.of(xdg, "basalt");
        }
        return Path.of(userHome, ".cache", "basalt");
    }

    Path directory() {
        return dir;
    }

    /** The module of {@code wasm} (a binary or text module's file bytes), from the cache or compiled and stored. */
    Module load(Engine engine, byte[] wasm, java.util.function.Supplier<Module> compile) {
        Path entry = dir.resolve(Module.cacheKey(engine, wasm) + ".bwasm");
        byte[] stored = read(entry);
        if (stored != null) {
            try {
                return Module.deserialize(engine, stored);
            } catch (SerializedModuleException e) {
                delete(entry);
            }
        }
        Module module = compile.get();
        store(entry, module.serialize());
        return module;
    }

    private static byte[] read(Path entry) {
        try {
            return Files.isRegularFile(entry) ? Files.readAllBytes(entry) : null;
        } catch (IOException | OutOfMemoryError e) {
            return null;
        }
    }

    private static void delete(Path entry) {
        try {
            Files.deleteIfExists(entry);
        } catch (IOException e) {
            // Replaced by the store that follows, or left for the next run to try again.
        }
    }

    private void store(Path entry, byte[] bytes) {
        Path tmp = null;
        try {
            Files.createDirectories(dir);
            tmp = Files.createTempFile(dir, ".entry-", ".tmp");
            Files.write(tmp, bytes);
            try {
                Files.move(tmp, entry, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, entry, StandardCopyOption.REPLACE_EXISTING);
            }
            tmp = null;
        } catch (IOException | SecurityException e) {
            // A read-only or full disk only means the next run compiles again.
        } finally {
            if (tmp != null) {
                delete(tmp);
            }
        }
    }
}
