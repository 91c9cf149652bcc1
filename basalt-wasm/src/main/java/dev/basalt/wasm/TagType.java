package dev.basalt.wasm;

/** An exception tag: its type is a function type (params are the payload, results must be empty). */
public record TagType(int typeIndex) {
}
