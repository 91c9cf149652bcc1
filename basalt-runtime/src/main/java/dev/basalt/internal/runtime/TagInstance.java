package dev.basalt.internal.runtime;

/** An exception tag: identity plus its canonical function type (payload = params). */
public final class TagInstance {
    public final DefinedType type;

    public TagInstance(DefinedType type) {
        this.type = type;
    }
}
