/**
 * Running components: the dynamic value model ({@link dev.basalt.component.ComponentValue}, checked against
 * resolved {@link dev.basalt.component.ValueType}s and {@link dev.basalt.component.ComponentFuncType}s), resources
 * ({@link dev.basalt.component.ResourceType}, {@link dev.basalt.component.ResourceHandle}), and — built on them —
 * compiled components, the component linker and instances. The binary model is in
 * {@code dev.basalt.component.model}, the canonical ABI and the runtime internals in
 * {@code dev.basalt.component.internal}.
 */
package dev.basalt.component;
