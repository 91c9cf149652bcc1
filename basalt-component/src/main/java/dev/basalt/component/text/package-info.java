/**
 * The component text format (Explainer.md) as the component-model test scripts write it:
 * {@link dev.basalt.component.text.ComponentTextParser} parses {@code (component ...)} into the
 * {@link dev.basalt.component.model.Component} model, expanding every abbreviation (inline types, exports, imports,
 * instances, export projections, implicit outer aliases) the way wasm-tools does.
 */
package dev.basalt.component.text;
