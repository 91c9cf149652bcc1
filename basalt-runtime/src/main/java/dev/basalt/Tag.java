package dev.basalt;

import dev.basalt.internal.runtime.TagInstance;

/** An exception tag of some instance (or created by the host); identity decides which handlers catch. */
public final class Tag implements Extern {
    final TagInstance tag;

    Tag(TagInstance tag) {
        this.tag = tag;
    }

    /** The payload types of exceptions with this tag. */
    public FuncType type() {
        return new FuncType(tag.type.func().params(), tag.type.func().results());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Tag t && t.tag == tag;
    }

    @Override
    public int hashCode() {
        return System.identityHashCode(tag);
    }
}
