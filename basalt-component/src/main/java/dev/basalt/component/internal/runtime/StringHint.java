package dev.basalt.component.internal.runtime;

/**
 * The source encoding and tagged code-unit count of a lifted string (CanonicalABI.md keeps these with the string
 * so that {@code store_string} can size its first allocation). Strings from the host are UTF-8 with their UTF-8
 * byte length.
 */
record StringHint(AbiOptions.StringEncoding encoding, long taggedCodeUnits) {
}
