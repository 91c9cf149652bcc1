package dev.basalt.serve.oci;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.zip.GZIPInputStream;

/**
 * Spin's archive layers ({@value OciDistribution#ARCHIVE_LAYER}: a gzip-compressed tar of a component's files,
 * used for apps with more files than registries allow layers): every regular file in the archive enters the
 * cache under its own SHA-256 digest, which is how the locked app refers to it. Names in the archive are never
 * used as paths (the locked app says where each file goes), so hostile names cannot escape anything; links,
 * directories and metadata entries are skipped. The unpacked total is capped, against decompression bombs.
 */
final class ArchiveLayers {
    /** More unpacked content than this from one archive is refused. */
    static final long MAX_UNPACKED = 4L << 30;

    private ArchiveLayers() {
    }

    /** Unpacks the verified archive blob {@code archive} into {@code cache}; returns the number of files. */
    static int unpack(Path archive, OciCache cache, String what) throws OciException {
        int files = 0;
        long total = 0;
        try (InputStream in = new GZIPInputStream(Files.newInputStream(archive), 64 * 1024)) {
            byte[] header = new byte[512];
            while (true) {
                if (in.readNBytes(header, 0, 512) < 512) {
                    throw new OciException(what + ": truncated tar archive");
                }
                if (allZero(header)) {
                    return files; // end of archive
                }
                if (!checksumOk(header)) {
                    throw new OciException(what + ": not a tar archive (bad header checksum)");
                }
                long size = size(header, what);
                char type = (char) header[156];
                long padded = (size + 511) / 512 * 512;
                if (type == '0' || type == '\0' || type == '7') {
                    total += size;
                    if (total > MAX_UNPACKED) {
                        throw new OciException(what + ": unpacks to more than " + MAX_UNPACKED + " bytes");
                    }
                    store(in, size, cache, what);
                    skipFully(in, padded - size, what);
                    files++;
                } else {
                    skipFully(in, padded, what); // directories, links, pax and GNU long-name records
                }
            }
        } catch (IOException e) {
            if (e instanceof OciException o) {
                throw o;
            }
            throw new OciException(what + ": cannot unpack: " + e.getMessage(), e);
        }
    }

    private static void store(InputStream in, long size, OciCache cache, String what) throws IOException {
        Path part = cache.temp("unpacked-");
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
        try (OutputStream out = Files.newOutputStream(part)) {
            byte[] buf = new byte[64 * 1024];
            long left = size;
            while (left > 0) {
                int n = in.read(buf, 0, (int) Math.min(buf.length, left));
                if (n < 0) {
                    throw new OciException(what + ": truncated tar archive");
                }
                md.update(buf, 0, n);
                out.write(buf, 0, n);
                left -= n;
            }
        } catch (IOException e) {
            OciCache.deleteTree(part);
            throw e;
        }
        cache.install(part, cache.blobPath("sha256:" + HexFormat.of().formatHex(md.digest())));
    }

    private static void skipFully(InputStream in, long n, String what) throws IOException {
        try {
            in.skipNBytes(n);
        } catch (java.io.EOFException e) {
            throw new OciException(what + ": truncated tar archive");
        }
    }

    private static boolean allZero(byte[] b) {
        for (byte x : b) {
            if (x != 0) {
                return false;
            }
        }
        return true;
    }

    /** The header checksum: the sum of its bytes with the checksum field taken as spaces. */
    private static boolean checksumOk(byte[] h) {
        long sum = 0;
        for (int i = 0; i < 512; i++) {
            sum += (i >= 148 && i < 156) ? ' ' : (h[i] & 0xff);
        }
        String field = new String(h, 148, 8, StandardCharsets.US_ASCII).replace('\0', ' ').trim();
        try {
            return !field.isEmpty() && Long.parseLong(field, 8) == sum;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /** The size field: octal, or GNU's base-256 for large files. */
    private static long size(byte[] h, String what) throws OciException {
        if ((h[124] & 0x80) != 0) {
            long v = 0;
            for (int i = 125; i < 136; i++) {
                if (v > (Long.MAX_VALUE >> 8)) {
                    throw new OciException(what + ": tar entry size out of range");
                }
                v = (v << 8) | (h[i] & 0xff);
            }
            return v;
        }
        String field = new String(h, 124, 12, StandardCharsets.US_ASCII).replace('\0', ' ').trim();
        try {
            long v = field.isEmpty() ? 0 : Long.parseLong(field, 8);
            if (v < 0) {
                throw new NumberFormatException();
            }
            return v;
        } catch (NumberFormatException e) {
            throw new OciException(what + ": bad tar entry size `" + field + "`");
        }
    }
}
