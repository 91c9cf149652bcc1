package dev.basalt.component;

import java.util.Objects;

/**
 * A resource as the host holds it: its type and representation (the {@code i32} the defining component or host
 * chose). Own handles that a guest returns to the host arrive as a {@code ResourceHandle}; passing one back to a
 * guest as {@link ComponentValue.Own} moves it (the handle becomes unusable), passing it as
 * {@link ComponentValue.Borrow} lends it for the duration of the call. The host ends an owned resource with
 * {@link #drop()}, which runs the type's destructor. Host-defined resources are made with {@link #own}.
 */
public final class ResourceHandle {
    private final ResourceType type;
    private final int rep;
    private final boolean owned;
    private boolean live = true;

    private ResourceHandle(ResourceType type, int rep, boolean owned) {
        this.type = Objects.requireNonNull(type, "type");
        this.rep = rep;
        this.owned = owned;
    }

    /** A new owned handle to the resource {@code rep} of {@code type}. */
    public static ResourceHandle own(ResourceType type, int rep) {
        return new ResourceHandle(type, rep, true);
    }

    /**
     * A borrowed handle, as a host function receives a {@code borrow<R>} argument: valid for the duration of the
     * call; it can be lent on but neither moved nor dropped.
     */
    public static ResourceHandle lent(ResourceType type, int rep) {
        return new ResourceHandle(type, rep, false);
    }

    /** Whether this handle owns its resource (false for a borrow received by a host function). */
    public boolean isOwned() {
        return owned;
    }

    public ResourceType type() {
        return type;
    }

    /** The representation; also readable after the handle was moved or dropped. */
    public int rep() {
        return rep;
    }

    /** Whether the handle can still be used (it was neither moved into a guest nor dropped). */
    public synchronized boolean isLive() {
        return live;
    }

    /**
     * Marks the handle used up because ownership moved to a guest; fails with {@link ComponentException} if it
     * was already moved or dropped.
     */
    public synchronized void consume() {
        if (!owned) {
            throw new ComponentException("a borrowed handle of " + type + " cannot be moved or dropped");
        }
        if (!live) {
            throw new ComponentException("resource handle of " + type + " (rep " + rep + ") was already moved or dropped");
        }
        live = false;
    }

    /** Checks that the handle may still be lent. */
    public synchronized void checkLive() {
        if (!live) {
            throw new ComponentException("resource handle of " + type + " (rep " + rep + ") was already moved or dropped");
        }
    }

    /** Drops an owned resource: marks the handle used up and runs the type's destructor, if any. */
    public void drop() {
        consume();
        type.destructor().ifPresent(d -> d.accept(rep));
    }

    @Override
    public String toString() {
        return "ResourceHandle[" + type + ", rep " + rep + (isLive() ? "" : ", dead") + "]";
    }
}
