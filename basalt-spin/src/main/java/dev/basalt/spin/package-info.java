/**
 * Spin-compatible host interfaces for components: key-value stores ({@code wasi:keyvalue} store/atomics/batch and
 * {@code fermyon:spin/key-value@2.0.0}) and variables ({@code fermyon:spin/variables@2.0.0},
 * {@code wasi:config/store}), SQLite and outbound Redis (Spin 2's {@code fermyon:spin/sqlite@2.0.0} and
 * {@code fermyon:spin/redis@2.0.0}, Spin 3's {@code spin:sqlite/sqlite@3.0.0} and async
 * {@code spin:redis/redis@3.0.0}). {@link dev.basalt.spin.SpinHost#addToLinker} defines them;
 * {@link dev.basalt.spin.SpinConfig} is what one component is granted (the store labels it may open, its
 * variables, limits), {@link dev.basalt.spin.SpinGuest} the state of one instance, {@link
 * dev.basalt.spin.Variables} the application's variables and their providers. The backends are in
 * {@link dev.basalt.spin.kv}.
 */
package dev.basalt.spin;
