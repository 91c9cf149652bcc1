package dev.basalt.compiler;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/**
 * The fingerprint of generated code: a SHA-256 over the compiler's and the runtime's class files (their jars, or
 * class directories in a development build). Generated classes call into both, so stored code (serialized modules,
 * the CLI's cache) is valid only for exactly the same build; a version string alone would not notice a rebuilt
 * snapshot. Computed once per JVM, when first needed (a few milliseconds).
 */
final class CodeFingerprint {
    private static volatile String value;

    private CodeFingerprint() {
    }

    static String get() {
        String v = value;
        if (v == null) {
            v = compute();
            value = v;
        }
        return v;
    }

    private static String compute() {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            for (Class<?> c : List.of(JvmCompiler.class, dev.basalt.Module.class)) {
                hashCodeSource(md, c);
            }
            return HexFormat.of().formatHex(md.digest(), 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void hashCodeSource(MessageDigest md, Class<?> c) {
        var source = c.getProtectionDomain().getCodeSource();
        Path path;
        try {
            path = source == null ? null : Path.of(source.getLocation().toURI());
        } catch (URISyntaxException | IllegalArgumentException e) {
            path = null;
        }
        try {
            if (path != null && Files.isRegularFile(path)) {
                hashFile(md, path);
            } else if (path != null && Files.isDirectory(path)) {
                try (Stream<Path> files = Files.walk(path)) {
                    for (Path p : files.filter(p -> p.toString().endsWith(".class")).sorted().toList()) {
                        md.update(path.relativize(p).toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
                        hashFile(md, p);
                    }
                }
            } else {
                // No readable code source (e.g. a custom image): the class file itself is the best evidence left.
                try (InputStream in = c.getResourceAsStream(c.getSimpleName() + ".class")) {
                    if (in != null) {
                        md.update(in.readAllBytes());
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot fingerprint " + path, e);
        }
    }

    private static void hashFile(MessageDigest md, Path p) throws IOException {
        try (InputStream in = Files.newInputStream(p)) {
            byte[] buf = new byte[65536];
            for (int n; (n = in.read(buf)) > 0; ) {
                md.update(buf, 0, n);
            }
        }
    }
}
