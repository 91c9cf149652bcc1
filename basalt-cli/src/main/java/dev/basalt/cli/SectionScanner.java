package dev.basalt.cli;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Lists the sections of a binary module (id, name, payload size) by their headers alone, for {@code inspect}.
 * It reads no section's contents except a custom section's name; decoding is the binary reader's job.
 */
final class SectionScanner {
    /** One section header; {@code customName} is set for custom sections. */
    record Section(int id, String customName, long offset, long size) {
        String displayName() {
            return id == 0 ? "custom \"" + customName + "\"" : NAMES.length > id ? NAMES[id] : "unknown(" + id + ")";
        }
    }

    private static final String[] NAMES = {"custom", "type", "import", "function", "table", "memory", "global",
        "export", "start", "element", "code", "data", "datacount", "tag"};

    private SectionScanner() {
    }

    /** The sections in order; stops quietly at the first header that does not fit the file. */
    static List<Section> scan(byte[] b) {
        List<Section> out = new ArrayList<>();
        int pos = 8;
        while (pos < b.length) {
            int id = b[pos++] & 0xff;
            long[] size = leb(b, pos);
            if (size == null) {
                break;
            }
            int start = (int) size[1];
            if (size[0] > b.length - start) {
                break;
            }
            String name = null;
            if (id == 0) {
                long[] len = leb(b, start);
                if (len != null && len[0] <= b.length - len[1] && len[1] + len[0] <= start + size[0]) {
                    name = new String(b, (int) len[1], (int) len[0], StandardCharsets.UTF_8);
                } else {
                    name = "?";
                }
            }
            out.add(new Section(id, name, pos - 1, size[0]));
            pos = (int) (start + size[0]);
        }
        return out;
    }

    /** An unsigned LEB128 u32 at {@code pos}: {value, position after it}, or null if truncated or too long. */
    private static long[] leb(byte[] b, int pos) {
        long value = 0;
        for (int shift = 0; shift < 35; shift += 7) {
            if (pos >= b.length) {
                return null;
            }
            int c = b[pos++] & 0xff;
            value |= (long) (c & 0x7f) << shift;
            if ((c & 0x80) == 0) {
                return new long[] {value, pos};
            }
        }
        return null;
    }
}
