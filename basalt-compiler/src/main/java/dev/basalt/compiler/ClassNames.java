package dev.basalt.compiler;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Renames a class in its class file by rewriting the one constant-pool string that holds its name (JVMS 4.4): no
 * offset in a class file points past the constant pool, so an entry may change length. Used for
 * {@link HelperCopies}' templates, whose own name is referred to only through that one constant (a class constant
 * per reference, no descriptor names it); anything else (the name also inside another string, a second entry)
 * makes it give up, and the caller writes the class instead.
 */
final class ClassNames {
    private ClassNames() {
    }

    /**
     * {@code classFile} with the {@code CONSTANT_Utf8} entry {@code from} replaced by {@code to}, or null when
     * {@code from} does not occur exactly once as a whole entry and nowhere else in the constant pool's strings.
     */
    static byte[] rename(byte[] classFile, String from, String to) {
        byte[] old = from.getBytes(StandardCharsets.UTF_8); // class names here are ASCII: modified UTF-8 is the same
        byte[] replacement = to.getBytes(StandardCharsets.UTF_8);
        int count = u2(classFile, 8);
        int at = 10;
        int found = -1;
        for (int i = 1; i < count; i++) {
            int tag = classFile[at] & 0xFF;
            switch (tag) {
                case 1 -> {
                    int length = u2(classFile, at + 1);
                    int start = at + 3;
                    if (length == old.length && Arrays.equals(classFile, start, start + length, old, 0, old.length)) {
                        if (found >= 0) {
                            return null;
                        }
                        found = at;
                    } else if (contains(classFile, start, start + length, old)) {
                        return null; // e.g. a descriptor naming the class: would need renaming too
                    }
                    at = start + length;
                }
                case 3, 4, 9, 10, 11, 12, 17, 18 -> at += 5;
                case 5, 6 -> {
                    at += 9;
                    i++; // takes two entries
                }
                case 7, 8, 16, 19, 20 -> at += 3;
                case 15 -> at += 4;
                default -> {
                    return null;
                }
            }
        }
        if (found < 0) {
            return null;
        }
        int end = found + 3 + old.length;
        byte[] out = new byte[classFile.length - old.length + replacement.length];
        System.arraycopy(classFile, 0, out, 0, found + 1);
        out[found + 1] = (byte) (replacement.length >>> 8);
        out[found + 2] = (byte) replacement.length;
        System.arraycopy(replacement, 0, out, found + 3, replacement.length);
        System.arraycopy(classFile, end, out, found + 3 + replacement.length, classFile.length - end);
        return out;
    }

    private static int u2(byte[] b, int at) {
        return (b[at] & 0xFF) << 8 | b[at + 1] & 0xFF;
    }

    private static boolean contains(byte[] b, int from, int to, byte[] needle) {
        for (int i = from; i + needle.length <= to; i++) {
            if (Arrays.equals(b, i, i + needle.length, needle, 0, needle.length)) {
                return true;
            }
        }
        return false;
    }
}
