/**
 * Component validation (Binary.md / Explainer.md rules as the component-model testsuite checks them):
 * {@link dev.basalt.component.validate.ComponentValidator} walks a component's sections building its index spaces
 * with resolved types ({@code CType}: structural value types, function/component/instance types, resources by
 * identity; {@code CoreModuleType} for core modules), and reports the first rule broken as an
 * {@link dev.basalt.wasm.InvalidException} in wasm-tools' wording.
 */
package dev.basalt.component.validate;
