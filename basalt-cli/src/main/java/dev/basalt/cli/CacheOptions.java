package dev.basalt.cli;

import dev.basalt.CodeCache;
import dev.basalt.Config;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * The code cache options of the commands that compile ({@code run}, {@code serve}, {@code call}), as a picocli mixin:
 * compiled code goes to {@code $XDG_CACHE_HOME/basalt} (else {@code ~/.cache/basalt}) by default, one entry per core
 * module (a component's core modules each have their own), so a program's second start loads its code instead of
 * generating it.
 */
final class CacheOptions {
    @Option(names = "--no-cache", description = "Do not use the code cache (compiled code is cached by default).")
    boolean noCache;

    @Option(names = "--cache-dir", paramLabel = "DIR",
            description = "Code cache directory (default: $XDG_CACHE_HOME/basalt or ~/.cache/basalt).")
    Path cacheDir;

    @Option(names = "--cache-max-size", paramLabel = "SIZE",
            description = "Keep the code cache under SIZE (e.g. 500MiB; default 2GiB): least recently used entries go.")
    String cacheMaxSize;

    /** The cache for an engine of {@code strategy}: none with {@code --no-cache} or unless the engine compiles. */
    CodeCache cache(Config.Strategy strategy) {
        if (noCache || strategy != Config.Strategy.COMPILER) {
            return null;
        }
        Path dir = cacheDir != null ? cacheDir : CodeCache.defaultDirectory();
        long maxBytes = cacheMaxSize == null ? CodeCache.DEFAULT_MAX_BYTES : RunCommand.parseSize(cacheMaxSize);
        return new CodeCache(dir, maxBytes);
    }
}
