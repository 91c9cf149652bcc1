package dev.basalt;

import dev.basalt.wasm.WasmModule;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;

/**
 * An on-disk code cache: modules compiled to JVM bytecode, stored as {@link Module#serialize()} output in files named
 * by {@link Module#cacheKey} (module hash, Basalt version and build, configuration), so that the next process that
 * compiles the same module loads its code instead of generating it. Give it to an engine with
 * {@link Config.Builder#codeCache}: every module that engine compiles from bytes ({@link Module#compile},
 * {@link Module#fromWat}, {@link Module#fromModel(Engine, WasmModule, byte[])}, and so every core module of a
 * component) then goes through it, as with wasmtime's {@code Config::cache}. Only engines that generate code use it
 * ({@link Config.Strategy#COMPILER}); the interpreter's translation is as fast as loading it back.
 *
 * {@snippet :
 * Engine engine = Engine.create(Config.builder().strategy(Config.Strategy.COMPILER)
 *         .codeCache(new CodeCache(CodeCache.defaultDirectory())).build());
 * }
 *
 * <p>An entry that cannot be read or loaded (damaged, half-written by a crashed process) is deleted and replaced;
 * cache I/O failures never fail a compile, they only cost it. Entries are written to a temporary file and renamed,
 * so concurrent processes see either nothing or a complete entry. Only load a cache directory that only trusted
 * processes write: stored code is JVM bytecode.
 *
 * <p>The cache is bounded: every new Basalt build has new keys and a big module's entry is tens of MB (Flite: 22 MB),
 * so after storing an entry the least recently used ones (a hit renews an entry's modification time) are deleted
 * until the entries take at most the size limit ({@value #DEFAULT_MAX_BYTES} bytes by default, wasmtime's cache
 * keeps a 5 GB soft limit the same way); temporary files left by killed runs go after an hour. Only this cache's
 * own files ({@code *.bwasm}, {@code .entry-*.tmp} directly in the directory) are ever deleted.
 */
public final class CodeCache {
    /** 2 GiB. */
    public static final long DEFAULT_MAX_BYTES = 2L << 30;
    private static final String SUFFIX = ".bwasm";

    private final Path dir;
    private final long maxBytes;

    /** A cache in {@code dir} (created on the first store) with the default size limit. */
    public CodeCache(Path dir) {
        this(dir, DEFAULT_MAX_BYTES);
    }

    /** A cache in {@code dir} (created on the first store) whose entries take at most about {@code maxBytes}. */
    public CodeCache(Path dir, long maxBytes) {
        if (maxBytes < 0) {
            throw new IllegalArgumentException("cache size limit must not be negative: " + maxBytes);
        }
        this.dir = java.util.Objects.requireNonNull(dir, "dir");
        this.maxBytes = maxBytes;
    }

    /** {@code $XDG_CACHE_HOME/basalt}, else {@code ~/.cache/basalt} (the directory the CLI uses by default). */
    public static Path defaultDirectory() {
        return defaultDirectory(System.getenv(), System.getProperty("user.home"));
    }

    /** {@link #defaultDirectory()} for the given environment and home directory. */
    public static Path defaultDirectory(Map<String, String> env, String userHome) {
        String xdg = env.get("XDG_CACHE_HOME");
        if (xdg != null && !xdg.isBlank() && Path.of(xdg).isAbsolute()) {
            return Path.of(xdg, "basalt");
        }
        return Path.of(userHome, ".cache", "basalt");
    }

    public Path directory() {
        return dir;
    }

    public long maxBytes() {
        return maxBytes;
    }

    /**
     * The module that {@code source} (a binary or text module's bytes: whatever determines the module) compiles to
     * under {@code engine}: loaded from the cache, or made by {@code compile} (which must compile exactly that
     * module, not through this cache) and stored. For sources {@link Module#compile} does not take, e.g. text
     * parsed by another front end; an engine configured with this cache needs no call here for binaries.
     */
    public Module load(Engine engine, byte[] source, java.util.function.Supplier<Module> compile) {
        return load(engine, source, null, false, compile);
    }

    /**
     * {@link #load(Engine, byte[], java.util.function.Supplier)}; when {@code parsed} is not null it is the module
     * decoded from the binary {@code source}, and a hit uses it instead of decoding the entry's copy again (the
     * entry must hold exactly {@code source}); {@code validated}: the caller validated {@code parsed}
     * ({@link Module#fromValidatedModel}).
     */
    Module load(Engine engine, byte[] source, WasmModule parsed, boolean validated,
            java.util.function.Supplier<Module> compile) {
        Path entry = dir.resolve(Module.cacheKey(engine, source) + SUFFIX);
        byte[] stored = read(entry);
        if (stored != null) {
            try {
                Module module = parsed == null ? Module.deserialize(engine, stored)
                        : ModuleSerializer.deserialize(engine, stored, parsed, source, validated);
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
     * Deletes the least recently used entries while all entries together are over the size limit, and temporary
     * files over an hour old: what every store does afterwards, for a cache whose limit was lowered.
     */
    public void trim() {
        evict(null);
    }

    /**
     * Deletes the least recently used entries (never {@code keep}, the one just stored; null: none kept) while all
     * entries together are over the size limit, and temporary files over an hour old.
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
