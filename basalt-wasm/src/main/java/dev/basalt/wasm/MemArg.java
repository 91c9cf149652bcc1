package dev.basalt.wasm;

/**
 * The immediate of a memory access: alignment exponent, static offset (unsigned; 64-bit for memory64)
 * and memory index (multi-memory).
 */
public record MemArg(int alignLog2, long offset, int memory) {
}
