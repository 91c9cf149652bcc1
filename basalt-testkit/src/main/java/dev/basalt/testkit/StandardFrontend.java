package dev.basalt.testkit;

import dev.basalt.wasm.WasmModule;
import dev.basalt.wasm.wast.WastScript;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.ArrayList;
import java.util.List;

/**
 * Basalt's parsers and validator, bound by name while they are being written in parallel: each entry point is
 * looked up once, and a piece that is not on this branch yet fails with a clear message instead of breaking the
 * build. Calls go straight through (a method handle does not wrap what the target throws).
 */
final class StandardFrontend implements Frontend {
    static final StandardFrontend INSTANCE = new StandardFrontend();

    private final Entry scriptParser = new Entry("dev.basalt.wasm.wast.WastParser", "parse",
            MethodType.methodType(WastScript.class, String.class, byte[].class), "the WAST script parser");
    private final Entry watParser = new Entry("dev.basalt.wasm.text.WatParser", "parseModule",
            MethodType.methodType(WasmModule.class, String.class), "the WAT parser");
    private final Entry binaryReader = new Entry("dev.basalt.wasm.binary.BinaryReader", "read",
            MethodType.methodType(WasmModule.class, byte[].class), "the binary reader");
    private final Entry binaryWriter = new Entry("dev.basalt.wasm.binary.BinaryWriter", "write",
            MethodType.methodType(byte[].class, WasmModule.class), "the binary writer");
    private final Entry validator = new Entry("dev.basalt.wasm.validate.Validator", "validate",
            MethodType.methodType(void.class, WasmModule.class), "the validator");

    private StandardFrontend() {
    }

    /** The pieces this build lacks, e.g. "the validator"; empty once all of them are in. */
    List<String> missingPieces() {
        List<String> missing = new ArrayList<>();
        for (Entry e : List.of(scriptParser, watParser, binaryReader, binaryWriter, validator)) {
            if (!e.available()) {
                missing.add(e.what);
            }
        }
        return missing;
    }

    @Override
    public WastScript parseScript(String fileName, byte[] content) {
        try {
            return (WastScript) scriptParser.handle().invoke(fileName, content);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    @Override
    public WasmModule parseText(String text) {
        try {
            return (WasmModule) watParser.handle().invoke(text);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    @Override
    public WasmModule decode(byte[] bytes) {
        try {
            return (WasmModule) binaryReader.handle().invoke(bytes);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    @Override
    public byte[] encode(WasmModule module) {
        try {
            return (byte[]) binaryWriter.handle().invoke(module);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    @Override
    public void validate(WasmModule module) {
        try {
            validator.handle().invoke(module);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** One static entry point, resolved on first use. */
    private static final class Entry {
        private final String className;
        private final String method;
        private final MethodType type;
        private final String what;
        private volatile MethodHandle handle;

        Entry(String className, String method, MethodType type, String what) {
            this.className = className;
            this.method = method;
            this.type = type;
            this.what = what;
        }

        boolean available() {
            try {
                handle();
                return true;
            } catch (UnsupportedOperationException e) {
                return false;
            }
        }

        MethodHandle handle() {
            MethodHandle h = handle;
            if (h == null) {
                try {
                    h = MethodHandles.publicLookup().findStatic(Class.forName(className), method, type);
                } catch (ReflectiveOperationException e) {
                    throw new UnsupportedOperationException(what + " is not available in this build ("
                            + className + "." + method + " not found)");
                }
                handle = h;
            }
            return h;
        }
    }
}
