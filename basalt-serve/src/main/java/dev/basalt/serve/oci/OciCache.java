package dev.basalt.serve.oci;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A content-addressed store of pulled blobs ({@code ROOT/blobs/sha256/<hex>}) and of the runnable application
 * directories made from them ({@code ROOT/apps/sha256/<manifest hex>/spin.toml ...}). A blob enters only after
 * its size and digest were checked (it is downloaded into {@code ROOT/tmp} and moved into place atomically), and
 * is checked again when reused, so that a damaged or edited cache is repaired by pulling the blob again rather
 * than run. Several processes may share a cache: they only ever add complete entries.
 *
 * <p>The default root is the system property {@code basalt.cache.dir} or {@code $BASALT_CACHE_DIR}, else {@code $XDG_CACHE_HOME/basalt/oci}, else
 * {@code ~/.cache/basalt/oci}.
 */
public final class OciCache {
    private final Path root;

    public OciCache(Path root) {
        this.root = root.toAbsolutePath();
    }

    /** The cache at the default place (see the class comment). */
    public static OciCache defaultCache() {
        String dir = System.getProperty("basalt.cache.dir", System.getenv("BASALT_CACHE_DIR"));
        if (dir != null && !dir.isEmpty()) {
            return new OciCache(Path.of(dir));
        }
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isEmpty() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return new OciCache(base.resolve("basalt").resolve("oci"));
    }

    public Path root() {
        return root;
    }

    private static String hex(String digest) throws OciException {
        RegistryClient.checkDigest(digest);
        return digest.substring("sha256:".length());
    }

    /** Where the blob with this digest is (or would be) kept. */
    public Path blobPath(String digest) throws OciException {
        return root.resolve("blobs").resolve("sha256").resolve(hex(digest));
    }

    /** Where the application made from the manifest with this digest is (or would be) kept. */
    Path appPath(String manifestDigest) throws OciException {
        return root.resolve("apps").resolve("sha256").resolve(hex(manifestDigest));
    }

    /** A fresh temporary file or directory name inside the cache (same file system as the entries). */
    Path temp(String prefix) throws OciException {
        try {
            Path tmp = root.resolve("tmp");
            Files.createDirectories(tmp);
            return Files.createTempFile(tmp, prefix, ".part");
        } catch (IOException e) {
            throw new OciException("cannot write to the cache " + root + ": " + e.getMessage(), e);
        }
    }

    /**
     * The cached blob, downloading it with {@code client} from {@code ref}'s repository when it is missing or
     * does not match its digest.
     */
    public Path blob(RegistryClient client, OciReference ref, String digest, long size) throws OciException {
        Path target = blobPath(digest);
        if (Files.isRegularFile(target)) {
            try {
                if (Files.size(target) == size && RegistryClient.sha256(target).equals(digest)) {
                    return target;
                }
                Files.deleteIfExists(target); // damaged: fetch it again
            } catch (IOException e) {
                throw new OciException("cannot read the cache entry " + target + ": " + e.getMessage(), e);
            }
        }
        Path part = temp("blob-");
        client.fetchBlob(ref, digest, size, part);
        return install(part, target);
    }

    /** The cached blob if it is there and matches its digest (unpacked from an archive layer, for instance). */
    Optional<Path> verified(String digest) throws OciException {
        Path p = blobPath(digest);
        try {
            return Files.isRegularFile(p) && RegistryClient.sha256(p).equals(digest) ? Optional.of(p) : Optional.empty();
        } catch (IOException e) {
            throw new OciException("cannot read the cache entry " + p + ": " + e.getMessage(), e);
        }
    }

    /** Moves a complete temporary file or directory into place; if another process was first, keeps theirs. */
    Path install(Path part, Path target) throws OciException {
        try {
            Files.createDirectories(target.getParent());
            try {
                Files.move(part, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(part, target);
            }
        } catch (FileAlreadyExistsException | java.nio.file.DirectoryNotEmptyException e) {
            deleteTree(part);
        } catch (IOException e) {
            deleteTree(part);
            if (!Files.exists(target)) {
                throw new OciException("cannot write to the cache " + root + ": " + e.getMessage(), e);
            }
        }
        return target;
    }

    static void deleteTree(Path p) {
        if (!Files.exists(p)) {
            return;
        }
        try (Stream<Path> s = Files.walk(p)) {
            s.sorted(Comparator.reverseOrder()).forEach(q -> {
                try {
                    Files.deleteIfExists(q);
                } catch (IOException e) {
                    // a leftover temporary file is harmless
                }
            });
        } catch (IOException e) {
            // as above
        }
    }
}
