package dev.basalt.component.internal.runtime;

import dev.basalt.Func;
import dev.basalt.Memory;

/**
 * CanonicalABI.md {@code CanonicalOptions} of one {@code canon lift} or {@code canon lower}: string encoding,
 * memory, realloc and post-return (null when absent).
 */
public record AbiOptions(StringEncoding encoding, Memory memory, Func realloc, Func postReturn) {
    public static final AbiOptions NONE = new AbiOptions(StringEncoding.UTF8, null, null, null);

    public enum StringEncoding {
        UTF8, UTF16, LATIN1_UTF16
    }
}
