package dev.basalt;

/**
 * Why execution trapped. {@link #message()} is the spec's wording, which the testsuite's {@code assert_trap}
 * directives expect as a prefix of the error text.
 */
public enum TrapKind {
    UNREACHABLE("unreachable"),
    INTEGER_DIVIDE_BY_ZERO("integer divide by zero"),
    INTEGER_OVERFLOW("integer overflow"),
    INVALID_CONVERSION_TO_INTEGER("invalid conversion to integer"),
    OUT_OF_BOUNDS_MEMORY_ACCESS("out of bounds memory access"),
    OUT_OF_BOUNDS_TABLE_ACCESS("out of bounds table access"),
    OUT_OF_BOUNDS_ARRAY_ACCESS("out of bounds array access"),
    UNDEFINED_ELEMENT("undefined element"),
    UNINITIALIZED_ELEMENT("uninitialized element"),
    INDIRECT_CALL_TYPE_MISMATCH("indirect call type mismatch"),
    NULL_REFERENCE("null reference"),
    NULL_FUNCTION_REFERENCE("null function reference"),
    NULL_STRUCTURE_REFERENCE("null structure reference"),
    NULL_ARRAY_REFERENCE("null array reference"),
    NULL_I31_REFERENCE("null i31 reference"),
    CAST_FAILURE("cast failure"),
    UNALIGNED_ATOMIC("unaligned atomic"),
    EXPECTED_SHARED_MEMORY("expected shared memory"),
    CALL_STACK_EXHAUSTED("call stack exhausted"),
    OUT_OF_FUEL("all fuel consumed"),
    INTERRUPTED("interrupted"),
    DEADLINE_EXCEEDED("deadline exceeded"),
    /** A guest-controlled allocation (GC array, table, stack) was larger than the JVM could provide. */
    ALLOCATION_TOO_LARGE("allocation too large"),
    /**
     * A rule of the component model was broken at run time (canonical ABI: bad pointer, alignment, encoding,
     * discriminant, handle; reentrance). Such traps carry their own message ({@link Trap#withMessage}).
     */
    COMPONENT("component model trap"),
    /** A host function threw something that is not a Basalt exception; the cause is attached. */
    HOST_ERROR("host function failed");

    private final String message;

    TrapKind(String message) {
        this.message = message;
    }

    public String message() {
        return message;
    }
}
