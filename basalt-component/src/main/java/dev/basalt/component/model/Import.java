package dev.basalt.component.model;

/** {@code import ::= na:<nameattributes> et:<externtype>}. */
public record Import(ExternName name, ExternType type) {
}
