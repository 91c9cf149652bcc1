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
 *
 * <p>The cache is bounded: every new Basalt build has new keys and a big module's entry is tens of MB (Flite: 22 MB),
 * so after storing an entry the least recently used ones (a hit renews an entry's modification time) are deleted
 * until the entries take at most the size limit ({@value #DEFAULT_MAX_BYTES} bytes by default, wasmtime's cache
 * keeps a 5 GB soft limit the same way); temporary files left by killed runs go after an hour. Only this cache's
 * own files ({@code *.bwasm}, {@code .entry-*.tmp} directly in the directory) are ever deleted.
 */
final class CodeCache {
    /** 2 GiB. */
    static final long DEFAULT_MAX_BYTES = 2L << 30;
    private static final String SUFFIX = ".bwasm";

    private final Path dir;
    private final long maxBytes;

    CodeCache(Path dir) {
        this(dir, DEFAULT_MAX_BYTES);
    }

    CodeCache(Path dir, long maxBytes) {
        this.dir = dir;
        this.maxBytes = maxBytes;
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
        Path entry = dir.resolve(Module.cacheKey(engine, wasm) + SUFFIX);
        byte[] stored = read(entry);
        if (stored != null) {
            try {
                Module module = Module.deserialize(engine, stored);
                touch(entry);
                return module;
            } catch (SerializedModuleException e) {
                delete(entry);
            }
        }
        Module module = compile.get();
        if (store(entry, module.serialize())) {
            evict(entry);
        }
        return module;
    }

    /** Marks an entry used now (eviction goes by modification time). */
    private static void touch(Path entry) {
        try {
            Files.setLastModifiedTime(entry, java.nio.file.attribute.FileTime.from(java.time.Instant.now()));
        } catch (IOException | SecurityException e) {
            // a read-only cache still serves hits; its entries just age as they were written
        }
    }

    /**
     * Deletes the least recently used entries (never {@code keep}, the one just stored) while all entries together
     * are over the size limit, and temporary files over an hour old.
     */
    void evict(Path keep) {
        record Entry(Path path, long size, long modified) {
        }
        java.util.List<Entry> entries = new java.util.ArrayList<>();
        long total = 0;
        long staleTemp = System.currentTimeMillis() - java.util.concurrent.TimeUnit.HOURS.toMillis(1);
        try (java.util.stream.Stream<Path> files = Files.list(dir)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                String name = p.getFileName().toString();
                boolean temp = name.startsWith(".entry-") && name.endsWith(".tmp");
                if (!(name.endsWith(SUFFIX) || temp)) {
                    continue;
                }
                java.nio.file.attribute.BasicFileAttributes a;
                try {
                    a = Files.readAttributes(p, java.nio.file.attribute.BasicFileAttributes.class,
                            java.nio.file.LinkOption.NOFOLLOW_LINKS);
                } catch (IOException e) {
                    continue; // deleted meanwhile by another run
                }
                if (!a.isRegularFile()) {
                    continue;
                }
                if (temp) {
                    if (a.lastModifiedTime().toMillis() < staleTemp) {
                        delete(p);
                    }
                    continue;
                }
                total += a.size();
                if (!p.equals(keep)) {
                    entries.add(new Entry(p, a.size(), a.lastModifiedTime().toMillis()));
                }
            }
        } catch (IOException | SecurityException | java.io.UncheckedIOException e) {
            return; // eviction is housekeeping: the next store tries again
        }
        entries.sort(java.util.Comparator.comparingLong(Entry::modified));
        for (Entry e : entries) {
            if (total <= maxBytes) {
                break;
            }
            delete(e.path());
            total -= e.size();
        }
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

    /** Writes an entry; false when it could not (the cache is then left alone). */
    private boolean store(Path entry, byte[] bytes) {
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
            return true;
        } catch (IOException | SecurityException e) {
            // A read-only or full disk only means the next run compiles again.
            return false;
        } finally {
            if (tmp != null) {
                delete(tmp);
            }
        }
    }
}
