/**
 * The immutable model of a component binary (Binary.md): a {@link dev.basalt.component.model.Component} is its
 * sections in order ({@link dev.basalt.component.model.Section}), each holding the definitions it adds to the
 * index spaces — core modules, core instances and types, nested components, instances, aliases, types
 * ({@link dev.basalt.component.model.TypeDef}), canonical functions ({@link dev.basalt.component.model.Canon}),
 * start, imports and exports ({@link dev.basalt.component.model.ExternName}), custom sections.
 *
 * <p>Sections keep their order because index spaces are built incrementally, so a model written back with
 * {@code ComponentBinaryWriter} decodes to an equal model.
 */
package dev.basalt.component.model;
