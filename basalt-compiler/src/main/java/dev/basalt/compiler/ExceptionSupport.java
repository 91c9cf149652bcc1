package dev.basalt.compiler;

import dev.basalt.Trap;
import dev.basalt.TrapKind;
import dev.basalt.internal.runtime.ExnObject;
import dev.basalt.internal.runtime.ModuleInstance;
import dev.basalt.internal.runtime.TagInstance;
import dev.basalt.internal.runtime.WasmThrow;

/**
 * Run-time helpers for exception handling in generated code (see {@link ExceptionCodegen}). They build exactly the
 * objects the interpreter builds ({@link ExnObject} carried by {@link WasmThrow}), so an exception thrown here is
 * caught by interpreted handlers and reaches the embedder as a {@code dev.basalt.WasmException}, and the other way
 * round. Public because generated classes live in their own class loader; not API.
 */
public final class ExceptionSupport {
    private ExceptionSupport() {
    }

    /** A new exception of tag {@code tagIndex} of {@code inst}, its payload arrays sized and zeroed. */
    public static ExnObject newExn(ModuleInstance inst, int tagIndex) {
        TagInstance tag = inst.tags[tagIndex];
        int n = tag.type.paramCount;
        return new ExnObject(tag, new long[n], new long[n], new Object[n]);
    }

    /** {@code throw}: the carrier to raise for a filled-in exception. */
    public static WasmThrow thrown(ExnObject exn) {
        return new WasmThrow(exn);
    }

    /** {@code throw_ref}: traps on null, as the interpreter does. */
    public static WasmThrow throwRef(Object exnref) {
        if (exnref == null) {
            throw new Trap(TrapKind.NULL_REFERENCE);
        }
        return new WasmThrow((ExnObject) exnref);
    }

    /** {@code rethrow}: the exception caught by a legacy {@code catch}, raised again with its identity. */
    public static WasmThrow rethrow(Object exn) {
        return new WasmThrow((ExnObject) exn);
    }
}
