package dev.basalt.component;

import java.util.Objects;
import java.util.function.IntConsumer;

/**
 * A resource type. Resource types are generative: every {@code (type (resource ...))} definition makes a new
 * type each time its component is instantiated, and every {@link #host(String)} call makes a new host type, so
 * they compare by identity. A host type may have a destructor, called with the representation when the last
 * owning handle is dropped by a guest ({@code resource.drop}) or through {@link ResourceHandle#drop()}.
 */
public final class ResourceType {
    private final String name;
    private final boolean host;
    private final Object owner;
    private final IntConsumer destructor;

    private ResourceType(String name, boolean host, Object owner, IntConsumer destructor) {
        this.name = Objects.requireNonNull(name, "name");
        this.host = host;
        this.owner = owner;
        this.destructor = destructor;
    }

    /** A new host-defined resource type without destructor. */
    public static ResourceType host(String name) {
        return new ResourceType(name, true, null, null);
    }

    /** A new host-defined resource type whose destructor receives the representation of a dropped resource. */
    public static ResourceType host(String name, IntConsumer destructor) {
        return new ResourceType(name, true, null, Objects.requireNonNull(destructor, "destructor"));
    }

    /**
     * A guest-defined type, made by the runtime when it instantiates a component: {@code owner} is the runtime's
     * component instance (the {@code impl} of CanonicalABI.md's {@code ResourceType}), {@code destructor} calls the
     * core destructor function (null if none). Not for embedders: use {@link #host(String)}.
     */
    public static ResourceType guest(String name, Object owner, IntConsumer destructor) {
        return new ResourceType(name, false, Objects.requireNonNull(owner, "owner"), destructor);
    }

    public String name() {
        return name;
    }

    /** Whether the host defined this type (as opposed to a component's {@code (type (resource ...))}). */
    public boolean isHost() {
        return host;
    }

    /** The runtime component instance that defined a guest type; null for host types. */
    public Object owner() {
        return owner;
    }

    /** The destructor, if any: the host's, or a call of the guest's core destructor. */
    public java.util.Optional<IntConsumer> destructor() {
        return java.util.Optional.ofNullable(destructor);
    }

    @Override
    public String toString() {
        return (host ? "host resource " : "resource ") + name;
    }
}
