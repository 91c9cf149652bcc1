package dev.basalt.wasm.binary;

import java.io.ByteArrayOutputStream;

/** Test helper: module binaries from hex, with section sizes computed. */
final class Bytes {
    private Bytes() {
    }

    /** Bytes from space-separated hex pairs, e.g. {@code "00 61 73 6d"}. */
    static byte[] of(String hex) {
        String[] parts = hex.trim().isEmpty() ? new String[0] : hex.trim().split("\\s+");
        byte[] out = new byte[parts.length];
        for (int i = 0; i < parts.length; i++) {
            out[i] = (byte) Integer.parseInt(parts[i], 16);
        }
        return out;
    }

    static String hex(byte[] bytes) {
        StringBuilder sb = new StringBuilder();
        for (byte b : bytes) {
            if (!sb.isEmpty()) {
                sb.append(' ');
            }
            sb.append(String.format("%02x", b & 0xFF));
        }
        return sb.toString();
    }

    /** The header followed by the given pieces (each a hex string). */
    static byte[] module(String... pieces) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(of("00 61 73 6d 01 00 00 00"));
        for (String p : pieces) {
            out.writeBytes(of(p));
        }
        return out.toByteArray();
    }

    /** A section: id, the content's size as one LEB byte (content under 128 bytes), content. */
    static String section(int id, String content) {
        int size = of(content).length;
        if (size >= 128) {
            throw new IllegalArgumentException("test section too large");
        }
        return String.format("%02x %02x %s", id, size, content);
    }

    /** A code section with one function body (locals + instructions, without the size). */
    static String code(String body) {
        int size = of(body).length;
        return section(10, String.format("01 %02x %s", size, body));
    }
}
